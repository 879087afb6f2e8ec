/* test_retire.c: the small-boiler retirement study (solver/dh_retire.h) on small steam networks
 * whose answer is known by hand, the case sections it reads (network/case_build.c
 * `small_boilers:`, `fuels:`, `retire:`), and the park case within its time budget.
 *
 * Bottleneck network: header H (1.081 MPa abs, 290 degC, PRDS-only plant 2 x 20 t/h) ->
 * M (50 m DN300) -> A (consumer YA 2 t/h) -> B (100 m DN80, the bottleneck) -> C (consumer
 * XC 1 t/h, minimum 0.83 MPa abs). Five small boilers of 1 t/h each at C are retired in the
 * order given: the flow in B is 1, 2, 3, 4, 5, 6 t/h at steps 0..5.
 * Hand calculation of B (Darcy-Weisbach, Swamee-Jain friction, roughness 0.2 mm, DN80 bore
 * 82.5 mm, steam at ~0.95 MPa / 280 degC: rho = p / (Z R T) = 0.95e6 / (0.965 x 461.5 x 553) =
 * 3.86 kg/m3, mu = 1.9e-5 Pa s): at 4 t/h v = 53.8 m/s, Re = 9.0e5, f = 0.0249, dp = f L/d
 * rho v^2/2 = 169 kPa, p_C ~ 0.905 MPa (5 % more drop for the falling density); at 5 t/h dp
 * = 264 kPa, p_C ~ 0.80 MPa. The required 0.83 + 0.02 = 0.85 MPa sits between the two, 50 kPa
 * from each (far beyond the ~10 % uncertainty of the hand estimate): step 3 passes, step 4 (the
 * 4th boiler: 5 t/h in B) binds at consumer XC.
 * Reinforcements: a parallel DN80 halves the flow per pipe (drop / 4: 6 t/h -> ~95 kPa) and an
 * upsize to DN100 (bore 107.1 mm, drop x (82.5/107.1)^5 = 0.27: 6 t/h -> ~100 kPa) let every
 * step pass: each unlocks 2 (steps 4 and 5); an upsized main M (not the bottleneck) unlocks 0.
 *
 * N-1 network: the plant of 2 x 10 t/h boilers, PRDS only: the PRDS spray adds
 * (h_ms - h_hdr) / (h_hdr - h_w) = (3476 - 3025) / (3025 - 923) = 21.5 % (IF97 at 9.81 MPa /
 * 540 degC, 1.081 MPa / 290 degC, 12 MPa / 215 degC) to the main steam, so one boiler delivers
 * ~12.1 t/h at the header (less 1 % blowdown): the N-1 capacity. The consumer draws 8 t/h and
 * three boilers of 3 t/h move on: 8, 11, 14 t/h: step 1 holds N-1 by ~1 t/h, step 2 fails by
 * ~2 t/h (condensation of the short insulated pipe: a few kg/h).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_case.h"
#include "dh_retire.h"

static dh_case *read_text(const char *text, dh_diag *d)
{
    dh_case *c = NULL;
    dh_diag_init(d, 50);
    dh_case_read_string(text, strlen(text), "t.yaml", NULL, 0, NULL, &c, d);
    return c;
}

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

static const char *bottleneck_net =
    "dhsim: 1\n"
    "ambient: {air: 0 degC}\n"
    "defaults:\n"
    "  pipe: {roughness: 0.2 mm, insulation: [{thickness: 100 mm, conductivity: 0.05 W/(m K)}]}\n"
    "nodes:\n"
    "  - {id: H, x: 0 m, y: 0 m, z: 0 m}\n"
    "  - {id: A, x: 50 m, y: 0 m, z: 0 m}\n"
    "  - {id: C, x: 150 m, y: 0 m, z: 0 m}\n"
    "pipes:\n"
    "  - {id: M, from: H, to: A, length: 50 m, diameter: DN300}\n"
    "  - {id: B, from: A, to: C, length: 100 m, diameter: DN80}\n"
    "sources:\n"
    "  - {id: HDR, node: H, type: fixed_pressure, medium: steam, pressure: 1.081 MPa,\n"
    "     temperature: 290 degC}\n"
    "consumers:\n"
    "  - {id: YA, node: A, type: steam, demand: 2 t/h, min_pressure: 0.5 MPa}\n"
    "  - {id: XC, node: C, type: steam, demand: 1 t/h, min_pressure: 0.83 MPa}\n"
    "plant:\n"
    "  header_source: HDR\n"
    "  boilers: [{id: B, count: 2, rated_flow: %s, min_load: 5 %%}]\n"
    "  turbines: []\n"
    "  prds: {capacity: 100 t/h}\n"
    "fuels:\n"
    "  coal: {lhv: 20.9 MJ/kg, emission_factor: 94.6, price: 900}\n"
    "  gas: {lhv: 48 MJ/kg, emission_factor: 56.1, price: 4200}\n";

static dh_case *bottleneck_case(const char *extra, dh_diag *d)
{
    static char buf[8192];
    int n = snprintf(buf, sizeof buf, bottleneck_net, "20 t/h");
    snprintf(buf + n, sizeof buf - (size_t)n, "%s", extra);
    return read_text(buf, d);
}

static const char *five_at_c =
    "small_boilers:\n"
    "  - {id: S1, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
    "  - {id: S2, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
    "  - {id: S3, site: C, capacity: 2 t/h, fuel: gas, efficiency: 0.9, current_load: 1 t/h}\n"
    "  - {id: S4, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
    "  - {id: S5, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n";

static dh_retire_result *run(dh_case *c)
{
    dh_error e;
    dh_error_clear(&e);
    dh_retire_result *r = NULL;
    dh_retire_options opt;
    dh_retire_options_init(&opt);
    opt.loads_create = dh_case_loads_read;
    dh_status st = dh_retire_run(c, &opt, &r, &e);
    ck_assert_msg(st == DH_OK, "%s", e.message);
    return r;
}

START_TEST(bottleneck_binds_at_step_4)
{
    dh_diag d;
    char extra[2048];
    snprintf(extra, sizeof extra, "%sretire:\n  order: [S1, S2, S3, S4, S5]\n"
             "  checks: {n1: true, min_margin: 0.02 MPa}\n", five_at_c);
    dh_case *c = bottleneck_case(extra, &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_retire_result *r = run(c);
    ck_assert_uint_eq(r->first_fail, 4);
    ck_assert_uint_eq(r->retirable, 3);
    ck_assert_uint_eq(r->n_steps, 5);
    for (size_t k = 0; k < 4; k++) ck_assert_msg(r->step[k].ok, "step %zu: %s", k, r->step[k].binding);
    const dh_retire_step *f = &r->step[4];
    ck_assert_uint_eq(f->failed, DH_RETIRE_FAIL_PRESSURE);
    ck_assert_str_eq(f->worst_consumer_id, "XC");
    ck_assert_msg(strstr(f->binding, "delivery pressure at XC"), "%s", f->binding);
    /* hand estimate: p_C ~ 0.905 MPa at step 3, ~0.80 MPa at step 4 (see the banner); 10 % of
     * the drop (~25 kPa) for the estimate's friction and density */
    ck_assert_msg(fabs(r->step[3].worst_margin - (0.905e6 - 0.83e6)) < 25e3, "%g",
                  r->step[3].worst_margin);
    ck_assert_msg(fabs(f->worst_margin - (0.80e6 - 0.83e6)) < 30e3, "%g", f->worst_margin);
    /* loads, plant and N-1 reported: 1 t/h per step; header = 3 t/h + moved (+ condensate) */
    ck_assert(fabs(f->cumulative_load * 3.6 - 4.0) < 1e-9);
    ck_assert(fabs(f->cumulative_capacity * 3.6 - 8.0) < 1e-9);
    ck_assert_msg(fabs(f->plant_load * 3.6 - 7.0) < 0.05, "%g", f->plant_load * 3.6);
    ck_assert(f->n1_checked && f->n1_holds);
    /* the largest velocity is in the bottleneck: 5 t/h in DN80 at ~3.4 kg/m3 is ~75 m/s */
    ck_assert_str_eq(f->max_velocity_link_id, "B");
    ck_assert_msg(f->max_velocity > 60 && f->max_velocity < 95, "%g", f->max_velocity);
    /* fuel: the small boilers' fuel saved is load x (h_C - h_fw(20 degC)) / (eta LHV): at step 1
     * 1 t/h x (~2990 - 84) kJ/kg / (0.7 x 20.9 MJ/kg) = 0.199 t/h of coal (h_C within 1 %) */
    ck_assert_msg(fabs(r->step[1].fuel_small * 3.6 - 0.199) < 0.004, "%g",
                  r->step[1].fuel_small * 3.6);
    /* the CHP burns more: its fuel grows with its load (positive), CO2 = the difference */
    ck_assert(r->step[1].fuel_plant > 0);
    dh_retire_result_destroy(&r);
    ck_assert_ptr_null(r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(reinforcements_unlock)
{
    dh_diag d;
    char extra[2048];
    snprintf(extra, sizeof extra, "%sretire:\n  order: [S1, S2, S3, S4, S5]\n"
             "  reinforcements:\n"
             "    - {id: PAR, type: parallel_pipe, pipe: B, diameter: DN80}\n"
             "    - {id: UP, type: upsize, pipe: B, diameter: DN100}\n"
             "    - {id: MAIN, type: upsize, pipe: M, diameter: DN400}\n", five_at_c);
    dh_case *c = bottleneck_case(extra, &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_retire_result *r = run(c);
    ck_assert_uint_eq(r->first_fail, 4);
    ck_assert_uint_eq(r->n_reinf, 3);
    ck_assert(r->reinf[0].tried && r->reinf[0].fail_step == DH_NONE);
    ck_assert_uint_eq(r->reinf[0].unlocked, 2);
    ck_assert_msg(r->reinf[1].fail_step == DH_NONE, "%s", r->reinf[1].binding);
    ck_assert_uint_eq(r->reinf[1].unlocked, 2);
    ck_assert_uint_eq(r->reinf[2].fail_step, 4);
    ck_assert_uint_eq(r->reinf[2].unlocked, 0);
    ck_assert_msg(strstr(r->reinf[2].binding, "XC"), "%s", r->reinf[2].binding);
    /* PAR and UP each let every step pass alone: no combination is tried */
    ck_assert_uint_eq(r->n_combo, 0);
    ck_assert_int_eq(r->reinf_runs, 3);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

static dh_case *n1_case(const char *n1, dh_diag *d)
{
    static char buf[8192];
    int n = snprintf(buf, sizeof buf, bottleneck_net, "10 t/h");
    /* the consumer at A draws 7 t/h, XC 1 t/h: 8 t/h today */
    char *p = strstr(buf, "demand: 2 t/h");
    memcpy(p, "demand: 7 t/h", 13);
    snprintf(buf + n, sizeof buf - (size_t)n,
             "small_boilers:\n"
             "  - {id: N1, site: A, capacity: 4 t/h, fuel: coal, efficiency: 0.7, current_load: 3 t/h}\n"
             "  - {id: N2, site: A, capacity: 4 t/h, fuel: coal, efficiency: 0.7, current_load: 3 t/h}\n"
             "  - {id: N3, site: A, capacity: 4 t/h, fuel: coal, efficiency: 0.7, current_load: 3 t/h}\n"
             "retire:\n  order: [N1, N2, N3]\n  checks: {n1: %s}\n", n1);
    return read_text(buf, d);
}

START_TEST(n1_binds_at_step_2)
{
    dh_diag d;
    dh_case *c = n1_case("true", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_retire_result *r = run(c);
    ck_assert_uint_eq(r->first_fail, 2);
    ck_assert_msg(r->step[1].ok, "%s", r->step[1].binding);
    ck_assert_uint_eq(r->step[2].failed, DH_RETIRE_FAIL_N1);
    ck_assert_msg(strstr(r->step[2].binding, "N-1"), "%s", r->step[2].binding);
    /* N-1 capacity ~12.1 t/h (banner): margin ~ +1.1 t/h at 11 t/h, ~ -1.9 t/h at 14 t/h;
     * 0.2 t/h covers blowdown and the PRDS outlet state */
    ck_assert_msg(fabs(r->step[1].n1_margin * 3.6 - 1.1) < 0.2, "%g", r->step[1].n1_margin * 3.6);
    ck_assert_msg(fabs(r->step[2].n1_margin * 3.6 + 1.9) < 0.2, "%g", r->step[2].n1_margin * 3.6);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
    /* 'no' is not a boolean of the case format: reported */
    c = n1_case("no", &d);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(diag_text(&d), "'n1' must be true or false"), "%s", diag_text(&d));
    dh_diag_free(&d);
    /* with checks.n1 false the verdict is reported but does not bind: every step passes */
    c = n1_case("false", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    r = run(c);
    ck_assert_uint_eq(r->first_fail, DH_NONE);
    ck_assert_uint_eq(r->retirable, 3);
    ck_assert(!r->step[3].n1_holds);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(auto_order_upstream_first)
{
    /* one boiler behind the bottleneck, one in front of it: moving the one at A costs almost
     * no margin at XC, the one at C costs the bottleneck's drop: auto retires A's first */
    dh_diag d;
    dh_case *c = bottleneck_case(
        "small_boilers:\n"
        "  - {id: SC, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
        "  - {id: SA, site: A, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
        "retire: {order: auto}\n", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_retire_result *r = run(c);
    ck_assert(r->order_auto);
    ck_assert_uint_eq(r->n_order, 2);
    ck_assert_str_eq(c->retire.boiler[r->order[0]].id, "SA");
    ck_assert_str_eq(c->retire.boiler[r->order[1]].id, "SC");
    ck_assert(r->step[1].greedy_cost < r->step[2].greedy_cost);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(unconnected_site_gets_a_pipe)
{
    /* a site at x 300 m, not connected: the nearest steam node is C (x 150 m), route 150 m x
     * 1.3 = 195 m; 4 t/h = 1.11 kg/s at ~3.6 kg/m3 and v <= 25 m/s needs A >= 1.11 / (3.6 x 25)
     * = 0.0123 m2, d >= 125 mm: DN125 (bore 132.5 mm; R ~ 150 Pa/m < 300). Its 4 t/h go through
     * the DN80 bottleneck with XC's 1 t/h: 5 t/h, which fails XC as in the first test. */
    dh_diag d;
    dh_case *c = bottleneck_case(
        "small_boilers:\n"
        "  - {id: NEW, site: K-NEW, connected: false, x: 300 m, y: 0 m, min_pressure: 0.4 MPa,\n"
        "     capacity: 4 t/h, fuel: gas, efficiency: 0.9, current_load: 4 t/h}\n"
        "retire: {order: [NEW], checks: {min_margin: 0.02 MPa}}\n", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_retire_result *r = run(c);
    ck_assert_uint_eq(r->conn_dn[0], 125);
    ck_assert_uint_eq(r->n_steps, 2);
    ck_assert(fabs(r->step[1].load_moved * 3.6 - 4.0) < 1e-9);
    ck_assert_msg(!r->step[1].ok && strstr(r->step[1].binding, "XC"), "%s", r->step[1].binding);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(read_errors)
{
    dh_diag d;
    dh_case *c = bottleneck_case(
        "small_boilers:\n"
        "  - {id: S1, site: Q, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 3 t/h}\n"
        "  - {id: S2, site: C, capacity: 2 t/h, fuel: cole, efficiency: 0.7, current_load: 1 kg}\n"
        "retire:\n  order: [S1, S3]\n"
        "  reinforcements: [{id: R, type: widen, pipe: B, diameter: DN100}]\n", &d);
    ck_assert_ptr_null(c);
    const char *t = diag_text(&d);
    ck_assert_msg(strstr(t, "t.yaml:27:83: error: small boiler S1: 'current_load' 3.00 t/h is above "
                            "the boiler's capacity 2.00 t/h"), "%s", t);
    ck_assert_msg(strstr(t, "small boiler S2: 'current_load' must be a steam flow"), "%s", t);
    ck_assert_msg(strstr(t, "'order': no small boiler 'S3' (did you mean 'S1'?)"), "%s", t);
    ck_assert_msg(strstr(t, "unknown type 'widen'"), "%s", t);
    dh_diag_free(&d);
}
END_TEST

/* ---- hours of a series: the binding hour is a summer process peak --------------------------
 * The bottleneck network of the first tests over a year (a 0 degC design day repeated 365
 * days: the air hardly matters here): YA at
 * A (upstream) follows a load model at 100 % in winter and 20 % from May to September, XC at C
 * (behind the DN80 bottleneck) one at 30 % from October to April and 100 % in summer (a process
 * peaking in summer). The five 1 t/h boilers at C are part of XC's load after retirement and
 * follow its model. Plant load: winter 2 + 0.3 x (1 + k) t/h, summer 0.4 + (1 + k) t/h: the
 * hours of highest plant load are winter hours, the bottleneck's flow peaks in summer at the
 * design figures of the first test: the summer hours fail at step 4 (5 t/h in B, p_C ~0.80 MPa
 * against 0.85 required) and the winter hours pass (1.5 t/h in B: drop ~9 % of that at 5 t/h,
 * ~25 kPa). The design hour of the series (highest plant load, winter) is not the one that binds. */
static const char *year_loads =
    "study: {type: series, step: 24 h}\n"
    "weather: {design_day: {mean: 0 degC, range: 1 K, shape: cosine, date: 01-01, days: 365}}\n"
    "loads:\n"
    "  models:\n"
    "    winter: {type: process, periods: [{from: 05-01, to: 09-30, factor: 0.2}]}\n"
    "    summer: {type: process, periods: [{from: 01-01, to: 04-30, factor: 0.3},\n"
    "                                      {from: 10-01, to: 12-31, factor: 0.3}]}\n"
    "  assign: {YA: winter, XC: summer}\n";

static int month_of(const char *label) { return atoi(label); }

START_TEST(series_binding_hour_is_summer)
{
    dh_diag d;
    char extra[4096];
    snprintf(extra, sizeof extra, "%s%sretire:\n  order: [S1, S2, S3, S4, S5]\n"
             "  checks: {hour: series_worst_hours, hours: 2, n1: false, min_margin: 0.02 MPa}\n",
             year_loads, five_at_c);
    dh_case *c = bottleneck_case(extra, &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    ck_assert(c->retire.check_series);
    ck_assert_uint_eq(c->retire.check_hours, 2);
    {   /* the study reads no file: without the caller's loads provider it refuses */
        dh_error e0;
        dh_error_clear(&e0);
        dh_retire_result *r0 = NULL;
        ck_assert_int_eq(dh_retire_run(c, NULL, &r0, &e0), DH_ERR_INTERNAL);
        ck_assert_ptr_null(r0);
        ck_assert_msg(strstr(e0.message, "loads provider"), "%s", e0.message);
    }
    dh_retire_result *r = run(c);
    ck_assert(r->check_series);
    ck_assert_uint_eq(r->screen_steps, 365);
    ck_assert_uint_eq(r->screen_failed, 0);
    /* hours picked: the 2 of highest plant load are winter, the 2 of lowest margin and XC's
     * load peak summer; at most 2 + 2 + 1 */
    size_t n_summer = 0, n_load = 0;
    ck_assert_msg(r->n_hours >= 3 && r->n_hours <= 5, "%zu", r->n_hours);
    for (size_t h = 0; h < r->n_hours; h++) {
        int mo = month_of(r->hour[h].label);
        bool summer = mo >= 5 && mo <= 9;
        n_summer += summer;
        if (r->hour[h].why & DH_RETIRE_HOUR_LOAD) {
            n_load++;
            ck_assert_msg(!summer, "%s", r->hour[h].label);
        }
        if (r->hour[h].why & (DH_RETIRE_HOUR_MARGIN | DH_RETIRE_HOUR_SITE))
            ck_assert_msg(summer, "%s", r->hour[h].label);
    }
    ck_assert_uint_eq(n_load, 2);
    ck_assert(n_summer >= 1);
    /* step 4 binds at a summer hour at XC, exactly the summer hours fail */
    ck_assert_uint_eq(r->first_fail, 4);
    const dh_retire_step *f = &r->step[4];
    ck_assert(f->hour != DH_NONE);
    int mo = month_of(r->hour[f->hour].label);
    ck_assert_msg(mo >= 5 && mo <= 9, "%s", r->hour[f->hour].label);
    ck_assert_msg(!(r->hour[f->hour].why & DH_RETIRE_HOUR_LOAD), "%u", r->hour[f->hour].why);
    ck_assert_uint_eq(f->hours_failed, n_summer);
    ck_assert_msg(strstr(f->binding, "delivery pressure at XC"), "%s", f->binding);
    /* the margin at the summer hour is the design-hour one of the first test (XC at its design
     * load): p_C ~0.80 MPa, 30 kPa for the hand estimate (banner) */
    ck_assert_msg(fabs(f->worst_margin - (0.80e6 - 0.83e6)) < 30e3, "%g", f->worst_margin);
    /* step 3 passes at every hour, its most severe hour is a summer one too */
    ck_assert(r->step[3].ok && r->step[3].hours_failed == 0);
    mo = month_of(r->hour[r->step[3].hour].label);
    ck_assert_msg(mo >= 5 && mo <= 9, "%s", r->hour[r->step[3].hour].label);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);

    /* the same boilers with XC's load in winter (model swapped): then the summer hours carry
     * 0.3 x 6 t/h at most in B, every step passes at every hour picked (the design hour
     * would fail step 4): the check follows the loads, not the design figures */
    snprintf(extra, sizeof extra, "%s%sretire:\n  order: [S1, S2, S3, S4, S5]\n"
             "  checks: {hour: series_worst_hours, hours: 2, n1: false}\n", year_loads, five_at_c);
    char *sw = strstr(extra, "XC: summer");
    memcpy(sw, "XC: winter", 10);
    c = bottleneck_case(extra, &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    r = run(c);
    /* winter: XC at 100 % -> the same 5 t/h at step 4: it fails in winter now */
    ck_assert_uint_eq(r->first_fail, 4);
    mo = month_of(r->hour[r->step[4].hour].label);
    ck_assert_msg(mo < 5 || mo > 9, "%s", r->hour[r->step[4].hour].label);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);

    /* series_worst_hours without loads: an input error at the retire section */
    snprintf(extra, sizeof extra, "%sretire:\n  checks: {hour: series_worst_hours}\n", five_at_c);
    c = bottleneck_case(extra, &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    dh_error e;
    dh_error_clear(&e);
    ck_assert_int_eq(dh_retire_run(c, NULL, &r, &e), DH_ERR_INPUT);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(e.message, "needs the case's series loads"), "%s", e.message);
    dh_case_destroy(&c);
    dh_diag_free(&d);
    /* hours: 0 and an unknown hour word are read errors */
    snprintf(extra, sizeof extra, "%sretire:\n  checks: {hour: worst, hours: 0}\n", five_at_c);
    c = bottleneck_case(extra, &d);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(diag_text(&d), "series_worst_hours"), "%s", diag_text(&d));
    ck_assert_msg(strstr(diag_text(&d), "'hours'"), "%s", diag_text(&d));
    dh_diag_free(&d);
}
END_TEST

/* ---- combined reinforcements: two bottlenecks in series --------------------------------------
 * H -M (50 m DN300)- A -B1 (50 m DN80)- D -B2 (50 m DN80)- C; XC at C draws 1 t/h, minimum
 * 1.001 MPa abs, margin 0.02 MPa: the drop H -> C may be 1.081 - 1.021 = 60 kPa. Boilers at C:
 * S1 1 t/h, S2 2 t/h, S3 1 t/h: 2, 4, 5 t/h in B1 and B2 at steps 1..3.
 * Hand calculation (Darcy-Weisbach, Swamee-Jain, roughness 0.2 mm, DN80 bore 82.5 mm, steam at
 * ~1.05 MPa / 285 degC: rho = 1.05e6 / (0.96 x 461.5 x 558) = 4.25 kg/m3, mu = 1.9e-5 Pa s):
 * at 4 t/h v = 48.9 m/s, Re = 9.0e5, f = 0.0249, dp/L = f/d rho v^2/2 = 1.53 kPa/m.
 *  - step 1, 2 t/h in 100 m of DN80: 1.53 x 100 / 4 (f 0.0251) = 39 kPa < 60: passes;
 *  - step 2, 4 t/h in 100 m: ~155 kPa (+ the falling density): fails;
 *  - with B1 or B2 alone upsized to DN150 (bore 160.3 mm: drop x (82.5/160.3)^5 = 0.036): the
 *    other 50 m of DN80 still take 77 kPa (~80 with the lower density) > 60: each alone
 *    unlocks nothing;
 *  - both upsized: 100 m of DN150 at 5 t/h: 1.53 x (5/4)^2 x 100 x 0.036 = 9 kPa: steps 2
 *    and 3 pass: the pair unlocks 2.
 * Each boundary is >= 20 kPa from the numbers, twice the ~10 % of the hand estimate. Upsizing
 * the DN300 main (not a bottleneck) gains nothing and is never kept. */
static const char *series_pipes_case =
    "dhsim: 1\n"
    "ambient: {air: 0 degC}\n"
    "defaults:\n"
    "  pipe: {roughness: 0.2 mm, insulation: [{thickness: 100 mm, conductivity: 0.05 W/(m K)}]}\n"
    "nodes:\n"
    "  - {id: H, x: 0 m, y: 0 m, z: 0 m}\n"
    "  - {id: A, x: 50 m, y: 0 m, z: 0 m}\n"
    "  - {id: D, x: 100 m, y: 0 m, z: 0 m}\n"
    "  - {id: C, x: 150 m, y: 0 m, z: 0 m}\n"
    "pipes:\n"
    "  - {id: M, from: H, to: A, length: 50 m, diameter: DN300}\n"
    "  - {id: B1, from: A, to: D, length: 50 m, diameter: DN80}\n"
    "  - {id: B2, from: D, to: C, length: 50 m, diameter: DN80}\n"
    "sources:\n"
    "  - {id: HDR, node: H, type: fixed_pressure, medium: steam, pressure: 1.081 MPa,\n"
    "     temperature: 290 degC}\n"
    "consumers:\n"
    "  - {id: YA, node: A, type: steam, demand: 2 t/h, min_pressure: 0.5 MPa}\n"
    "  - {id: XC, node: C, type: steam, demand: 1 t/h, min_pressure: 1.001 MPa}\n"
    "plant:\n"
    "  header_source: HDR\n"
    "  boilers: [{id: B, count: 2, rated_flow: 20 t/h, min_load: 5 %%}]\n"
    "  turbines: []\n"
    "  prds: {capacity: 100 t/h}\n"
    "fuels:\n"
    "  coal: {lhv: 20.9 MJ/kg, emission_factor: 94.6, price: 900}\n"
    "small_boilers:\n"
    "  - {id: S1, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
    "  - {id: S2, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 2 t/h}\n"
    "  - {id: S3, site: C, capacity: 2 t/h, fuel: coal, efficiency: 0.7, current_load: 1 t/h}\n"
    "retire:\n"
    "  order: [S1, S2, S3]\n"
    "  checks: {n1: false, min_margin: 0.02 MPa}\n"
    "%s";

static dh_case *series_pipes(const char *reinf, dh_diag *d)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, series_pipes_case, reinf);
    return read_text(buf, d);
}

START_TEST(combined_reinforcement_needed)
{
    dh_diag d;
    dh_case *c = series_pipes(
        "  reinforcements:\n"
        "    - {id: MAIN, type: upsize, pipe: M, diameter: DN400, cost: 10}\n"
        "    - {id: UP1, type: upsize, pipe: B1, diameter: DN150, cost: 100}\n"
        "    - {id: UP2, type: upsize, pipe: B2, diameter: DN150, cost: 150}\n", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    ck_assert(c->retire.combine);
    ck_assert(isnan(c->retire.reinf[0].cost) == 0 && c->retire.reinf[2].cost == 150);
    dh_retire_result *r = run(c);
    ck_assert_msg(r->step[1].ok, "%s", r->step[1].binding);
    ck_assert_uint_eq(r->first_fail, 2);
    /* step 1: margin 1.081 - 0.039 - 1.001 = +41 kPa (10 kPa for the estimate) */
    ck_assert_msg(fabs(r->step[1].worst_margin - 41e3) < 10e3, "%g", r->step[1].worst_margin);
    /* each alone: nothing unlocked; the upsized bottleneck leaves ~80 kPa: margin ~0 */
    for (size_t j = 0; j < 3; j++) {
        ck_assert(r->reinf[j].tried);
        ck_assert_uint_eq(r->reinf[j].unlocked, 0);
        ck_assert_uint_eq(r->reinf[j].fail_step, 2);
    }
    for (size_t j = 1; j < 3; j++)
        ck_assert_msg(fabs(r->reinf[j].worst_margin - 0.0) < 15e3, "%g", r->reinf[j].worst_margin);
    ck_assert_double_eq(r->reinf[1].cost, 100);
    /* greedy: round 1 keeps UP1 or UP2 (MAIN gains nothing), round 2 adds the other: every
     * step passes, 2 unlocked, cost 250 */
    ck_assert_uint_eq(r->n_combo, 2);
    ck_assert_uint_eq(r->combo[0].n, 1);
    ck_assert(r->combo[0].reinf[0] == 1 || r->combo[0].reinf[0] == 2);
    ck_assert_uint_eq(r->combo[0].unlocked, 0);
    const dh_retire_combo *pair = &r->combo[1];
    ck_assert_uint_eq(pair->n, 2);
    ck_assert_uint_eq(pair->reinf[0] + pair->reinf[1], 3); /* UP1 and UP2 */
    ck_assert_uint_eq(pair->fail_step, DH_NONE);
    ck_assert_uint_eq(pair->unlocked, 2);
    ck_assert_double_eq(pair->cost, 250);
    /* runs: 3 singles + 2 pairs in round 2 */
    ck_assert_int_eq(r->reinf_runs, 5);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);

    /* combine: none -> singles only */
    c = series_pipes(
        "  combine: none\n"
        "  reinforcements:\n"
        "    - {id: UP1, type: upsize, pipe: B1, diameter: DN150}\n"
        "    - {id: UP2, type: upsize, pipe: B2, diameter: DN150}\n", &d);
    ck_assert_msg(c, "%s", diag_text(&d));
    r = run(c);
    ck_assert_uint_eq(r->n_combo, 0);
    ck_assert_uint_eq(r->reinf_runs, 2);
    ck_assert(isnan(r->reinf[0].cost));
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);

}
END_TEST

START_TEST(park_finds_its_limit)
{
    char path[1024];
    const char *src = getenv("SRCDIR");
    snprintf(path, sizeof path, "%s/cases/linyi-etdz/retire.yaml", src ? src : ".");
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    ck_assert_msg(dh_case_read(path, NULL, 0, &c, &d) == DH_OK, "%s", diag_text(&d));
    ck_assert_uint_eq(c->retire.n_boilers, 10);
    ck_assert(c->retire.boiler[2].fuel_index == 1); /* SB-03 natural_gas */
    /* the run time (the budget: a minute on one core) is measured in the closing note
       and docs/retire.md, not asserted here: unit tests are not timed */
    dh_retire_result *r = run(c);
    /* today passes (N-1 reported, not binding in retire.yaml); the study finds a limit */
    ck_assert_msg(r->step[0].ok, "%s", r->step[0].binding);
    ck_assert(!r->step[0].n1_holds);
    ck_assert(r->first_fail != DH_NONE && r->first_fail >= 1);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("retire");
    TCase *tc = tcase_create("retire");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, bottleneck_binds_at_step_4);
    tcase_add_test(tc, reinforcements_unlock);
    tcase_add_test(tc, n1_binds_at_step_2);
    tcase_add_test(tc, auto_order_upstream_first);
    tcase_add_test(tc, unconnected_site_gets_a_pipe);
    tcase_add_test(tc, read_errors);
    tcase_add_test(tc, series_binding_hour_is_summer);
    tcase_add_test(tc, combined_reinforcement_needed);
    tcase_add_test(tc, park_finds_its_limit);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
