/* test_plant_couple.c: the plant section of the case format and the plant coupled to the
 * network solve (solver/dh_plant_couple.h, network/case_build.c `plant:`).
 *
 * Reading: values and defaults of the park case, errors with positions and suggestions.
 * Coupling on a small steam network (header -> 200 m DN600 -> one process consumer) fed by a
 * PRDS-only plant of 2 x 20 t/h boilers (capacity ~48.7 t/h, N-1 ~24.3 t/h: the spray adds
 * (h_ms - h_hdr)/(h_hdr - h_w) = 22 % to the main steam): demand below the N-1 capacity (one
 * solve, dispatch equal to a direct call), between N-1 and full capacity (N-1 fails, its solve
 * shows the consumer short by the difference), above capacity (flow-limited: header pressure
 * falls, delivered = capacity, balances close). And the park's winter peak.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_plant_couple.h"
#include "dh_props.h"

static char park[512];

static dh_case *read_text(const char *text, dh_diag *d)
{
    dh_case *c = NULL;
    dh_diag_init(d, 50);
    dh_case_read_string(text, strlen(text), "t.yaml", NULL, 0, NULL, &c, d);
    return c;
}

/* The diagnostics joined into one string (for substring checks). */
static const char *diag_text(const dh_diag *d)
{
    static char buf[8192];
    buf[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < d->count && off < sizeof buf - 600; i++) {
        dh_error_format(&d->items[i], buf + off, sizeof buf - off);
        off += strlen(buf + off);
        buf[off++] = '\n';
        buf[off] = '\0';
    }
    return buf;
}

/* ---- reading ---------------------------------------------------------------------------- */

START_TEST(read_park_values)
{
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    ck_assert_int_eq(dh_case_read(park, NULL, 0, &c, &d), DH_OK);
    const dh_plant_spec *s = &c->plant;
    ck_assert(s->present);
    ck_assert_str_eq(s->header_source, "FUYUAN-CHP");
    ck_assert_str_eq(c->net->sources.id[s->source], "FUYUAN-CHP");
    ck_assert_uint_eq(s->n_boilers, 3);
    ck_assert_uint_eq(s->n_turbines, 2);
    ck_assert_str_eq(s->boiler[2].id, "B3");
    ck_assert_str_eq(s->turbine[1].id, "T2");
    /* 130 t/h = 130000/3600 kg/s; percentages as fractions; MPa absolute (no (g)) */
    ck_assert_double_eq_tol(s->boiler[0].rated_flow, 130000.0 / 3600.0, 1e-9);
    ck_assert_double_eq_tol(s->boiler[1].min_load, 0.35, 1e-12);
    ck_assert_double_eq_tol(s->boiler[0].steam_pressure, 9.81e6, 1e-3);
    ck_assert_double_eq_tol(s->boiler[0].steam_temperature, 813.15, 1e-9);
    ck_assert_int_eq(s->boiler[0].n_efficiency, 5);
    ck_assert_double_eq_tol(s->boiler[0].efficiency[3], 0.900, 1e-12);
    ck_assert_double_eq_tol(s->turbine[0].extraction_pressure_min, 0.78e6, 1e-3);
    ck_assert_double_eq_tol(s->turbine[0].extraction_line_dp, 0.05e6, 1e-3);
    ck_assert_double_eq_tol(s->turbine[1].condenser_pressure, 6e3, 1e-6);
    ck_assert_double_eq_tol(s->turbine[1].eta_gen, 0.975, 1e-12);
    ck_assert(isnan(s->turbine[0].willans_no_load)); /* not given: the default */
    ck_assert(s->has_prds);
    ck_assert_double_eq_tol(s->prds.capacity, 130000.0 / 3600.0, 1e-9);
    /* the park values are docs/plant.md's defaults: the converted plant equals them */
    dh_plant_params p, def;
    dh_error e;
    ck_assert_int_eq(dh_plant_params_from_spec(s, &p, &e), DH_OK);
    dh_plant_defaults(&def);
    ck_assert_uint_eq(p.n_boilers, def.n_boilers);
    ck_assert_uint_eq(p.n_turbines, def.n_turbines);
    for (size_t i = 0; i < p.n_turbines; i++) {
        ck_assert_double_eq_tol(p.turbine[i].max_throttle_flow, def.turbine[i].max_throttle_flow, 1e-9);
        ck_assert_double_eq_tol(p.turbine[i].max_power, def.turbine[i].max_power, 1e-6);
        ck_assert_double_eq_tol(p.turbine[i].eta_lp, def.turbine[i].eta_lp, 1e-12);
    }
    for (size_t i = 0; i < p.n_boilers; i++) {
        ck_assert_double_eq_tol(p.boiler[i].fuel_lhv, def.boiler[i].fuel_lhv, 1e-3);
        ck_assert_int_eq(p.boiler[i].efficiency.n, def.boiler[i].efficiency.n);
    }
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

static const char *net_yaml =
    "dhsim: 1\n"
    "ambient: {air: 0 degC}\n"
    "nodes:\n"
    "  - {id: H, z: 0 m}\n"
    "  - {id: K, z: 0 m}\n"
    "pipes:\n"
    "  - {id: P1, from: H, to: K, length: 200 m, diameter: DN600, roughness: 0.2 mm,\n"
    "     insulation: [{thickness: 100 mm, conductivity: 0.05 W/(m K)}]}\n"
    "sources:\n"
    "  - {id: HDR, node: H, type: fixed_pressure, medium: steam, pressure: 1.081 MPa,\n"
    "     temperature: 290 degC}\n"
    "  - {id: AUX, node: K, type: fixed_flow, medium: steam, mass_flow: 1 t/h,\n"
    "     temperature: 250 degC}\n"
    "consumers:\n"
    "  - {id: C1, node: K, type: steam, demand: %s}\n";

static const char *plant_yaml =
    "plant:\n"
    "  header_source: %s\n"
    "  boilers:\n"
    "    - {id: B, count: 2, rated_flow: 20 t/h}\n"
    "  turbines: []\n"
    "  prds: {capacity: 100 t/h}\n";

static dh_case *small_case(const char *demand, const char *source, const char *extra,
                           dh_diag *d)
{
    static char buf[4096];
    int n = snprintf(buf, sizeof buf, net_yaml, demand);
    n += snprintf(buf + n, sizeof buf - (size_t)n, plant_yaml, source);
    snprintf(buf + n, sizeof buf - (size_t)n, "%s", extra ? extra : "");
    return read_text(buf, d);
}

START_TEST(read_errors)
{
    dh_diag d;
    /* unknown key with a suggestion, at its line:col (line 19 of the generated text) */
    dh_case *c = small_case("10 t/h", "HDR", "  n1_chek: false\n", &d);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(diag_text(&d), "t.yaml:22:3: error: plant: unknown key 'n1_chek' (did you mean 'n1_check'?)"), "%s", diag_text(&d));
    dh_diag_free(&d);
    /* a source that does not exist, with a suggestion */
    c = small_case("10 t/h", "HDX", NULL, &d);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(diag_text(&d), "t.yaml:17:18: error: plant: 'header_source': no source 'HDX' (did you mean 'HDR'?)"));
    dh_diag_free(&d);
    /* a fixed-flow source cannot be a plant header */
    c = small_case("10 t/h", "AUX", NULL, &d);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(diag_text(&d), "must be a fixed_pressure steam source"));
    dh_diag_free(&d);
    /* units and ranges at the value */
    c = small_case("10 t/h", "HDR",
                   "  power: targt\n", &d);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(diag_text(&d), "unknown power 'targt' (did you mean 'target'?)"));
    dh_diag_free(&d);
    static const char *bad_boiler =
        "dhsim: 1\nnodes: [{id: H}]\n"
        "sources: [{id: S, node: H, medium: steam, pressure: 1 MPa, temperature: 250 degC}]\n"
        "plant:\n  header_source: S\n  turbines: []\n  boilers:\n"
        "    - {id: B1, rated_flow: 130 kg, min_load: 135 %%, efficiency: [[1, 0.9], [0.5, 0.8]]}\n";
    char text[1024];
    snprintf(text, sizeof text, bad_boiler, 0);
    c = read_text(text, &d);
    ck_assert_ptr_null(c);
    const char *t = diag_text(&d);
    ck_assert_msg(strstr(t, "t.yaml:8:28: error: plant boiler B1: rated_flow: expected a mass flow"), "%s", t);
    ck_assert_ptr_nonnull(strstr(t, "t.yaml:8:46: error: plant boiler B1: 'min_load' must lie between 0 and 1"));
    ck_assert_ptr_nonnull(strstr(t, "efficiency loads must increase"));
    dh_diag_free(&d);
}
END_TEST

START_TEST(spec_consistency_has_position)
{
    /* read fine (each value in range), inconsistent as a unit: minimum above maximum */
    static const char *text =
        "dhsim: 1\nnodes: [{id: H}]\n"
        "sources: [{id: S, node: H, medium: steam, pressure: 1 MPa, temperature: 250 degC}]\n"
        "plant:\n  header_source: S\n  boilers: [{id: B1}]\n  turbines:\n"
        "    - {id: T1, throttle_flow: {min: 200 t/h, max: 180 t/h}}\n";
    dh_diag d;
    dh_case *c = read_text(text, &d);
    ck_assert_ptr_nonnull(c);
    dh_plant_params p;
    dh_error e;
    dh_error_clear(&e);
    ck_assert_int_eq(dh_plant_params_from_spec(&c->plant, &p, &e), DH_ERR_INPUT);
    char buf[1024];
    dh_error_format(&e, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "t.yaml:8:7: error:") && strstr(buf, "T1"), "%s", buf);
    /* defaults fill what is left out */
    ck_assert(isnan(c->plant.boiler[0].rated_flow));
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

/* ---- coupling ------------------------------------------------------------------------------- */

typedef struct run {
    dh_case *c;
    dh_plant_params p;
    dh_snapshot *r, *r1;
    dh_plant_coupling o;
    dh_status st;
} run;

static void run_small(run *x, const char *demand)
{
    memset(x, 0, sizeof *x);
    dh_diag d;
    x->c = small_case(demand, "HDR", NULL, &d);
    ck_assert_msg(x->c != NULL, "%s", diag_text(&d));
    dh_diag_free(&d);
    dh_error e;
    ck_assert_int_eq(dh_plant_params_from_spec(&x->c->plant, &x->p, &e), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(x->c->net, &x->r), 0);
    ck_assert_int_eq(dh_snapshot_create(x->c->net, &x->r1), 0);
    dh_plant_couple_options opt;
    dh_plant_couple_options_init(&opt);
    dh_error_clear(&e);
    x->st = dh_plant_couple(x->c->net, &x->c->study, &x->p, x->c->plant.source, &opt, x->r, x->r1,
                            &x->o, &e);
    ck_assert_msg(x->st == DH_OK, "%s", e.message);
}

static void run_free(run *x)
{
    dh_snapshot_destroy(&x->r);
    dh_snapshot_destroy(&x->r1);
    dh_case_destroy(&x->c);
}

/* Plant <-> network balances. Mass: the plant's header flow is the source's (1e-9 relative:
 * the dispatch takes the network's flow as its demand, or the network takes the plant's as its
 * set flow). Energy: heat above the feedwater, plant side header_flow (h_hdr - h_w), network side
 * source flow (h(p, T_set) - h_w): equal when the PRDS sprays to the set point (1e-6: the spray
 * is solved to the IF97 backward-equation consistency). */
static void check_balances(const run *x)
{
    const dh_plant_coupling *o = &x->o;
    ck_assert_double_le(fabs(o->mass_balance), 1e-9 * o->header_flow + 1e-12);
    ck_assert_double_le(fabs(o->energy_balance), 1e-6 * o->plant.heat_supplied);
    /* the network itself balanced */
    ck_assert_double_le(o->stats.mass_balance_rel, 1e-8);
}

START_TEST(couple_below_n1)
{
    run x;
    run_small(&x, "15 t/h");
    const dh_plant_coupling *o = &x.o;
    /* network draw: consumer 15 t/h less the 1 t/h of the fixed-flow source at K (mass balance) */
    ck_assert_double_eq_tol(o->demand * 3.6, 14.0, 1e-6);
    ck_assert(!o->flow_limited);
    ck_assert_int_eq(o->network_solves, 1); /* no re-solve: plant met it and N-1 holds */
    ck_assert(o->n1_checked && o->n1_holds && !o->n1_solved);
    ck_assert_double_eq_tol(o->n1_margin, o->n1_capacity - o->demand, 1e-12);
    /* dispatch equals a direct dispatch call at the set point with that demand */
    dh_plant_demand dem = {1.081e6, 563.15, o->demand, DH_POWER_HEAT_LED, 0};
    dh_plant_result dr;
    dh_error e;
    ck_assert_int_eq(dh_plant_dispatch(&x.p, &dem, &dr, &e), DH_OK);
    ck_assert_double_eq(o->plant.header_flow, dr.header_flow);
    ck_assert_double_eq(o->plant.fuel_flow, dr.fuel_flow);
    ck_assert_double_eq(o->plant.prds_flow, dr.prds_flow);
    ck_assert_double_eq_tol(o->plant.unmet_steam, 0, 1e-12);
    ck_assert_double_eq_tol(o->unmet_steam, 0, 1e-9);
    ck_assert_double_eq_tol(o->header_pressure, 1.081e6, 1e-6);
    check_balances(&x);
    run_free(&x);
}
END_TEST

START_TEST(couple_n1_fails)
{
    run x;
    run_small(&x, "36 t/h"); /* draw 35 t/h: above N-1 (~24.3), below capacity (~48.7) */
    const dh_plant_coupling *o = &x.o;
    ck_assert(!o->flow_limited);
    ck_assert_double_eq_tol(o->plant.header_flow, o->demand, 1e-9);
    ck_assert(o->n1_checked && !o->n1_holds);
    ck_assert_double_lt(o->n1_margin, 0);
    ck_assert(o->n1_solved && o->n1_converged);
    ck_assert_int_ge(o->network_solves, 2);
    /* N-1: the header at the N-1 capacity, the consumer short by the difference (the fixed
     * 1 t/h at K still arrives, the pipe's condensate travels with the flow): unmet = demand -
     * delivered, to the solver's mass balance (1e-8) -> 1e-6 relative. The capacity at the
     * reached pressure is a little below the one at the set point (the PRDS sprays less into
     * steam at 290 degC and ~1.2 bar than at 10.8 bar: h is higher), within 5 %. */
    ck_assert_double_eq_tol(o->n1_unmet_steam, o->demand - o->n1_header_flow, 1e-6 * o->demand);
    ck_assert_double_eq_tol(o->n1_header_flow, o->n1_capacity, 0.05 * o->n1_capacity);
    ck_assert_double_le(o->n1_header_flow, o->n1_capacity);
    ck_assert_double_lt(o->n1_header_pressure, 1.081e6);
    ck_assert_double_lt(x.r1->consumer_pressure[0], x.r->consumer_pressure[0]);
    check_balances(&x);
    run_free(&x);
}
END_TEST

START_TEST(couple_above_capacity)
{
    run x;
    run_small(&x, "61 t/h"); /* draw 60 t/h above the capacity ~48.7 t/h */
    const dh_plant_coupling *o = &x.o;
    ck_assert(o->flow_limited);
    ck_assert_double_eq_tol(o->demand * 3.6, 60.0, 1e-6);
    /* capacity: main steam 40 t/h plus spray (h_ms - h)/(h - h_w) of it */
    ck_assert_double_gt(o->plant.capacity * 3.6, 45);
    ck_assert_double_lt(o->plant.capacity * 3.6, 52);
    /* delivered = capacity at the pressure reached (fixed point to 1e-4 relative) */
    ck_assert_double_eq_tol(o->header_flow, o->plant.capacity, 2e-4 * o->plant.capacity);
    ck_assert_double_lt(o->header_pressure, 0.5e6); /* fell from 1.081 MPa */
    ck_assert_double_eq_tol(o->unmet_steam, o->demand - o->header_flow, 1e-6 * o->demand);
    ck_assert_double_eq_tol(o->shortfall, o->demand - o->plant.header_flow, 1e-12);
    check_balances(&x);
    run_free(&x);
}
END_TEST

START_TEST(couple_short_turbine_plant)
{
    /* The small network fed by 2 x 30 t/h boilers, one default C25 turbine (condensing minimum
     * 15 t/h) and a 20 t/h PRDS; the consumer wants 100 t/h. The plant is short: the header
     * falls far below the controlled extraction range (0.73 MPa header = 0.78 MPa chamber), the
     * turbine keeps running with uncontrolled extraction and the plant delivers what the boilers
     * make less the condensing minimum, 60 - 15 = 45 t/h (boilers at capacity: the PRDS gets
     * nothing; the extraction at this pressure is colder than the 290 degC set point: no spray).
     * The header settles where the network draws just that: draw = capacity to the search's
     * tolerance (flow_rtol 1e-4, with the state on the side where the plant carries it all). */
    static const char *yaml =
        "plant:\n"
        "  header_source: HDR\n"
        "  boilers:\n"
        "    - {id: B, count: 2, rated_flow: 30 t/h}\n"
        "  turbines:\n"
        "    - {id: T1}\n"
        "  prds: {capacity: 20 t/h}\n";
    char buf[4096];
    int n = snprintf(buf, sizeof buf, net_yaml, "101 t/h");
    snprintf(buf + n, sizeof buf - (size_t)n, "%s", yaml);
    dh_diag d;
    run x;
    memset(&x, 0, sizeof x);
    x.c = read_text(buf, &d);
    ck_assert_msg(x.c != NULL, "%s", diag_text(&d));
    dh_diag_free(&d);
    dh_error e;
    ck_assert_int_eq(dh_plant_params_from_spec(&x.c->plant, &x.p, &e), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(x.c->net, &x.r), 0);
    dh_plant_couple_options opt;
    dh_plant_couple_options_init(&opt);
    opt.n1_check = false;
    dh_error_clear(&e);
    x.st = dh_plant_couple(x.c->net, &x.c->study, &x.p, x.c->plant.source, &opt, x.r, NULL, &x.o,
                           &e);
    ck_assert_msg(x.st == DH_OK, "%s", e.message);
    const dh_plant_coupling *o = &x.o;
    const dh_plant_result *r = &o->plant;
    ck_assert(o->flow_limited);
    ck_assert_double_eq_tol(o->demand * 3.6, 100.0, 1e-6);
    ck_assert(r->turbine_on[0]);
    ck_assert(r->region[0].uncontrolled);
    ck_assert_double_lt(o->header_pressure, 0.73e6);
    ck_assert_double_gt(o->header_pressure, x.c->net->ambient.atmospheric_pressure);
    /* boilers at capacity, the condensing flow at its 15 t/h minimum */
    ck_assert_double_eq_tol(r->main_steam_flow * 3.6, 60.0, 60.0 * 2e-4);
    ck_assert_double_eq_tol(r->condenser_flow * 3.6, 15.0, 1e-6);
    /* delivered = boilers' capacity - condensing minimum = capacity at that pressure */
    ck_assert_double_eq_tol(r->capacity * 3.6, 45.0, 1e-6);
    ck_assert_double_eq_tol(o->header_flow, r->capacity, 1e-4 * r->capacity);
    ck_assert_double_le(o->header_flow, r->capacity * (1 + 1e-12));
    ck_assert_double_eq_tol(o->unmet_steam, o->demand - o->header_flow, 1e-6 * o->demand);
    /* the header source carries the plant's delivered (colder) temperature: balances close;
     * energy to 1e-3: the source temperature is the plant's mix at its capacity, the dispatch
     * of the draw (1e-4 less) throttles the HP a little more */
    ck_assert_double_lt(o->header_temperature, o->set_temperature);
    ck_assert_double_eq_tol(o->header_temperature, r->header_temperature, 0.5);
    ck_assert_double_le(fabs(o->mass_balance), 1e-9 * o->header_flow + 1e-12);
    ck_assert_double_le(fabs(o->energy_balance), 1e-3 * r->heat_supplied);
    run_free(&x);
}
END_TEST

START_TEST(couple_park)
{
    /* _i = 0: winter peak, 1: summer low */
    char path[600];
    snprintf(path, sizeof path, "%s", park);
    if (_i == 1) {
        char *w = strstr(path, "winter-peak");
        memcpy(w, "summer-low.yaml", 16);
    }
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    ck_assert_int_eq(dh_case_read(path, NULL, 0, &c, &d), DH_OK);
    dh_plant_params p;
    dh_error e;
    ck_assert_int_eq(dh_plant_params_from_spec(&c->plant, &p, &e), DH_OK);
    dh_snapshot *r = NULL, *r1 = NULL;
    ck_assert_int_eq(dh_snapshot_create(c->net, &r), 0);
    ck_assert_int_eq(dh_snapshot_create(c->net, &r1), 0);
    dh_plant_coupling o;
    dh_error_clear(&e);
    dh_status st = dh_plant_couple(c->net, &c->study, &p, c->plant.source, NULL, r, r1, &o, &e);
    ck_assert_msg(st == DH_OK, "%s: %s", e.component, e.message);
    fprintf(stderr, "park %s: demand %.2f t/h, plant %.2f t/h, limited %d, capacity %.1f, "
            "N-1 %.1f (%s, margin %.1f), P %.2f MW, fuel %.2f t/h, eff %.3f, solves %d\n",
            _i ? "summer" : "winter", o.demand * 3.6, o.plant.header_flow * 3.6, o.flow_limited, o.plant.capacity * 3.6,
            o.n1_capacity * 3.6, o.n1_holds ? "holds" : "fails", o.n1_margin * 3.6,
            o.plant.electric_power / 1e6, o.plant.fuel_flow * 3.6, o.plant.efficiency,
            o.network_solves);
    /* winter: 211 t/h of process steam + 90 MW of heat (~125 t/h condensed) + losses:
     * 300-400 t/h; summer: 146 t/h + 10.8 MW (~15 t/h): 150-200 t/h, N-1 holds */
    if (_i == 0) {
        ck_assert_double_gt(o.demand * 3.6, 300);
        ck_assert_double_lt(o.demand * 3.6, 400);
    } else {
        ck_assert_double_gt(o.demand * 3.6, 150);
        ck_assert_double_lt(o.demand * 3.6, 200);
        ck_assert(o.n1_holds);
    }
    ck_assert(!o.flow_limited);
    ck_assert_double_le(fabs(o.energy_balance), 1e-6 * o.plant.heat_supplied);
    if (_i == 0) {
        /* N-1 (B1 out) fails. (a) Physics, every consumer drawing: the header falls below the
         * controlled extraction range, the turbines keep running (uncontrolled extraction) and
         * the plant delivers what two boilers make less the two condensing minima:
         * 2 x 130 - 2 x 15 = 230 t/h, + the PRDS spray if the turbines reach their power cap
         * (a few t/h at most); draw = capacity there (flow_rtol 1e-4). The header pressure that
         * draws 230 t/h lies well above the 0.21 MPa of the PRDS-only plant (117-130 t/h). */
        ck_assert(!o.n1_holds && o.n1_solved && o.n1_converged);
        ck_assert_double_ge(o.n1_header_flow * 3.6, 230.0 * (1 - 2e-4));
        ck_assert_double_le(o.n1_header_flow * 3.6, 240.0);
        ck_assert_double_gt(o.n1_header_pressure, 0.3e6);
        ck_assert_double_lt(o.n1_header_pressure, 0.73e6);
        ck_assert(!(o.n1_limits & DH_LIMIT_NO_TURBINE));
        ck_assert(o.n1_limits & DH_LIMIT_BOILER_CAPACITY);
        ck_assert_double_gt(o.n1_unmet_steam, 0); /* someone goes short: steam and heat */
        ck_assert_double_gt(o.n1_unmet_heat, 0);
        /* (b) load shedding to hold 0.73 MPa (0.78 MPa chamber - 0.05 MPa line): the draw there
         * less the N-1 capacity there; the rule sheds other groups first, then residential and
         * chemical, so the fractions are ordered and the total is the sum of the groups */
        ck_assert(o.n1_shed_checked);
        ck_assert_double_eq_tol(o.n1_shed_pressure, 0.73e6, 1e-3);
        ck_assert_double_eq_tol(o.n1_shed, o.n1_shed_draw - o.n1_shed_capacity, 1e-9);
        ck_assert_double_gt(o.n1_shed * 3.6, 80.0);
        ck_assert_double_ge(o.n1_shed_fraction[0], o.n1_shed_fraction[1]);
        double sum = 0;
        for (size_t k = 0; k < o.n1_shed_n_groups; k++) {
            sum += o.n1_shed_group_flow[k];
            bool last = !strcmp(o.n1_shed_group[k], "residential") ||
                        !strcmp(o.n1_shed_group[k], "chemical");
            ck_assert_double_eq_tol(o.n1_shed_group_fraction[k], o.n1_shed_fraction[last], 1e-12);
        }
        /* consumer draws vs the header's: the mains' condensate (~0.1 t/h) differs */
        ck_assert_double_eq_tol(sum, o.n1_shed, 1e-3 * o.n1_shed);
    }
    ck_assert_double_le(fabs(o.mass_balance), 1e-9 * o.header_flow);
    dh_snapshot_destroy(&r);
    dh_snapshot_destroy(&r1);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

int main(void)
{
    const char *src = getenv("SRCDIR");
    snprintf(park, sizeof park, "%s/cases/linyi-etdz/winter-peak.yaml", src ? src : ".");
    Suite *s = suite_create("plant_couple");
    TCase *tr = tcase_create("read");
    tcase_add_test(tr, read_park_values);
    tcase_add_test(tr, read_errors);
    tcase_add_test(tr, spec_consistency_has_position);
    suite_add_tcase(s, tr);
    TCase *tc = tcase_create("couple");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, couple_below_n1);
    tcase_add_test(tc, couple_n1_fails);
    tcase_add_test(tc, couple_above_capacity);
    tcase_add_test(tc, couple_short_turbine_plant);
    tcase_add_loop_test(tc, couple_park, 0, 2);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
