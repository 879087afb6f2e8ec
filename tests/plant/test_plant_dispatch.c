/* test_plant_dispatch.c: the plant dispatch (solver/dh_plant.h) against the rule of
 * docs/plant.md, on the default Linyi plant (3 x 130 t/h CFB, 2 x 24 MW, PRDS 130 t/h).
 *
 * Every test runs check_plant(), which asserts every limit of every unit and the plant's mass and
 * energy balances (1e-9 relative: round-off of sums of ~1e8 W; flows 1e-9 kg/s absolute as in the
 * dispatch). Expected figures: hand reasoning from the defaults, written next to each assert.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "dh_plant.h"
#include "dh_props.h"

#define TPH (1 / 3.6) /* kg/s per t/h */
#define FTOL 1e-7     /* kg/s: limits met to well below any meter's resolution */

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

static dh_plant_demand demand(double tph)
{
    dh_plant_demand d = {0.98e6, 300 + 273.15, tph * TPH, DH_POWER_HEAT_LED, 0};
    return d;
}

static void check_plant(const dh_plant_params *p, const dh_plant_demand *d,
                        const dh_plant_result *r)
{
    /* boilers: off when out of service; on: min stable load <= flow <= rated */
    double steam = 0, fuel = 0, absorbed = 0, loss = 0, bd_heat = 0;
    dh_props w;
    dh_error err;
    ck_assert_int_eq(dh_props_pT(p->prds.spray_pressure, p->prds.spray_temperature, &w, &err), DH_OK);
    for (size_t i = 0; i < p->n_boilers; i++) {
        const dh_boiler_params *b = &p->boiler[i];
        const dh_boiler_state *s = &r->boiler[i];
        if (!b->in_service) ck_assert(!r->boiler_on[i]);
        if (!r->boiler_on[i]) {
            ck_assert_double_eq(s->steam_flow, 0);
            continue;
        }
        ck_assert_double_le(s->steam_flow, b->rated_flow + FTOL);
        ck_assert_double_ge(s->steam_flow, b->min_load * b->rated_flow - FTOL);
        steam += s->steam_flow;
        fuel += s->fuel_flow;
        absorbed += s->heat_absorbed;
        loss += s->loss;
        bd_heat += s->blowdown_flow * (s->h_blowdown - w.h);
    }
    ck_assert_double_le(fabs(steam - r->main_steam_flow), 1e-9 * (1 + steam));
    ck_assert_double_le(fabs(fuel - r->fuel_flow), 1e-12 * (1 + fuel));
    ck_assert_double_le(fabs(absorbed + loss - r->fuel_heat), 1e-9 * (1 + r->fuel_heat));
    /* turbines: off when out of service; on: every limit of the operating region */
    double throttle = 0, ext = 0, spray = 0, shaft = 0, cond_heat_fw = 0, P = 0;
    for (size_t i = 0; i < p->n_turbines; i++) {
        const dh_turbine_params *t = &p->turbine[i];
        const dh_turbine_state *s = &r->turbine[i];
        const dh_turbine_region *g = &r->region[i];
        if (!t->in_service) ck_assert(!r->turbine_on[i]);
        if (!r->turbine_on[i]) {
            ck_assert_double_eq(s->throttle_flow, 0);
            continue;
        }
        ck_assert_double_le(s->throttle_flow, t->max_throttle_flow + FTOL);
        ck_assert_double_le(s->throttle_flow, g->max_throttle + FTOL);
        ck_assert_double_ge(s->throttle_flow, t->min_throttle_flow - FTOL);
        ck_assert_double_le(s->extraction_flow, t->max_extraction + FTOL);
        ck_assert_double_le(s->extraction_flow, g->max_extraction + FTOL);
        ck_assert_double_ge(s->extraction_flow, 0);
        /* above the controlled range no extraction; below it uncontrolled extraction */
        if (!g->extraction_ok && !g->uncontrolled) ck_assert_double_eq(s->extraction_flow, 0);
        if (g->uncontrolled) ck_assert_double_ge(s->extraction_flow, g->min_extraction - FTOL);
        ck_assert_double_ge(s->lp_flow, t->min_lp_flow - FTOL);
        ck_assert_double_le(s->lp_flow, g->max_lp + FTOL);
        ck_assert_double_le(s->electric_power, t->max_power * (1 + 1e-9));
        ck_assert_double_le(rel(s->p_extraction, d->header_pressure + t->extraction_line_dp), 1e-15);
        /* turbine balance */
        ck_assert_double_le(rel(s->throttle_flow * s->h_throttle,
                                s->extraction_flow * s->h_extraction + s->lp_flow * s->h_exhaust +
                                    s->shaft_power), 1e-9);
        throttle += s->throttle_flow;
        ext += s->extraction_flow;
        spray += r->extraction_spray[i];
        shaft += s->shaft_power;
        P += s->electric_power;
        cond_heat_fw += s->lp_flow * (s->h_exhaust - w.h);
    }
    ck_assert_double_le(fabs(P - r->electric_power), 1e-9 * (1 + P));
    ck_assert_double_le(fabs(ext - r->extraction_flow), 1e-12);
    ck_assert_double_le(fabs(spray - r->extraction_spray_flow), 1e-12);
    /* PRDS: capacity, balances */
    const dh_prds_state *q = &r->prds;
    double cap = p->prds.in_service ? p->prds.capacity : 0;
    ck_assert_double_le(q->outlet_flow, cap + FTOL);
    ck_assert_double_le(fabs(q->outlet_flow - q->inlet_flow - q->spray_flow), 1e-12);
    if (q->outlet_flow > 0)
        ck_assert_double_le(rel(q->inlet_flow * q->h_in + q->spray_flow * q->h_spray,
                                q->outlet_flow * q->h_out), 1e-12);
    /* main steam: boilers = turbines' throttle + PRDS inlet + surplus */
    ck_assert_double_le(fabs(r->main_steam_flow - (throttle + q->inlet_flow + r->main_steam_surplus)),
                        1e-8);
    /* header: delivered = extraction + its spray + PRDS; delivered + unmet = demand */
    ck_assert_double_le(fabs(r->header_flow - (ext + spray + q->outlet_flow)), 1e-9);
    ck_assert_double_le(fabs(r->header_flow + r->unmet_steam - d->steam_flow), 1e-7);
    ck_assert_double_ge(r->unmet_steam, 0);
    if (r->unmet_steam > 0) ck_assert_uint_ne(r->binding, 0);
    else ck_assert_uint_eq(r->binding, 0);
    /* plant energy balance with the feedwater enthalpy as reference (no surplus steam):
     * Q_absorbed = P_shaft + Q_heat + condensing (h_x - h_w) + main steam line loss + blowdown */
    if (r->main_steam_surplus == 0 && r->fuel_heat > 0) {
        double rhs = shaft + r->heat_supplied + cond_heat_fw + r->main_steam_pipe_loss + bd_heat;
        ck_assert_double_le(rel(absorbed, rhs), 1e-9);
        ck_assert_double_lt(r->efficiency, 1.0);
        ck_assert_double_gt(r->efficiency, 0.0);
    }
    /* reserve figures */
    ck_assert_double_le(r->n1_capacity, r->capacity + FTOL);
    ck_assert_double_ge(r->reserve, 0);
    ck_assert(r->n1_ok == (d->steam_flow <= r->n1_capacity + 1e-9));
}

static dh_plant_result run(const dh_plant_params *p, const dh_plant_demand *d)
{
    dh_plant_result r;
    dh_error err;
    dh_error_clear(&err);
    dh_status st = dh_plant_dispatch(p, d, &r, &err);
    ck_assert_msg(st == DH_OK, "dispatch failed: %s", err.message);
    check_plant(p, d, &r);
    return r;
}

START_TEST(no_demand_one_boiler_at_turbines_minimum)
{
    /* D = 0: each turbine at its minimum throttle 45 t/h (condensing) -> 90 t/h of main steam;
     * 3 x 45.5 and 2 x 45.5 t/h minimum loads exceed it: one boiler runs, at 90 t/h */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(0);
    dh_plant_result r = run(&p, &d);
    ck_assert_int_eq(r.n_boilers_on, 1);
    ck_assert(r.boiler_on[0]); /* merit order: B1 kept */
    ck_assert_double_le(fabs(r.main_steam_flow - 90 * TPH), 1e-9);
    ck_assert_double_le(fabs(r.condenser_flow - 90 * TPH), 1e-9);
    ck_assert_double_eq(r.header_flow, 0);
    ck_assert_double_eq(r.prds_flow, 0);
}
END_TEST

START_TEST(low_demand_cogeneration_only)
{
    /* 60 t/h: extraction only (~28.5 t/h each after spray), shared equally; condensing at the
     * minimum the region allows, max(15, 45 - extraction) t/h: the 45 t/h minimum throttle
     * binds, main steam 90 t/h < 2 x 45.5 t/h minimum loads: one boiler */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(60);
    dh_plant_result r = run(&p, &d);
    ck_assert_double_eq(r.unmet_steam, 0);
    ck_assert_double_eq(r.prds_flow, 0);
    ck_assert_double_le(fabs(r.turbine[0].extraction_flow - r.turbine[1].extraction_flow), 1e-9);
    for (int i = 0; i < 2; i++) {
        double lo = fmax(15 * TPH, 45 * TPH - r.turbine[i].extraction_flow);
        ck_assert_double_le(fabs(r.turbine[i].lp_flow - lo), 1e-9);
    }
    /* desuperheated to the set point: the header is at 300 degC */
    ck_assert_double_le(fabs(r.header_temperature - 573.15), 1e-3);
    ck_assert_double_gt(r.extraction_spray_flow, 0);
    ck_assert_int_eq(r.n_boilers_on, 1);
    ck_assert_double_le(fabs(r.main_steam_flow - 90 * TPH), 1e-9);
    ck_assert(r.n1_ok);
    /* 100 t/h: 50 t/h each + 15 t/h condensing = 130 t/h: two boilers, equal loads */
    d = demand(100);
    r = run(&p, &d);
    ck_assert_int_eq(r.n_boilers_on, 2);
    ck_assert_double_le(fabs(r.boiler[0].steam_flow - r.boiler[1].steam_flow), 1e-9);
}
END_TEST

START_TEST(mid_demand_three_boilers_equal)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(216);
    dh_plant_result r = run(&p, &d);
    ck_assert_double_eq(r.unmet_steam, 0);
    ck_assert_double_eq(r.prds_flow, 0);
    ck_assert_int_eq(r.n_boilers_on, 3);
    ck_assert_double_le(fabs(r.boiler[0].load - r.boiler[2].load), 1e-12);
    ck_assert_double_le(fabs(r.condenser_flow - 30 * TPH), 1e-9); /* 2 x 15 t/h minimum */
    ck_assert_double_gt(r.heat_to_power, 1);
    /* N-1: two boilers (260 t/h) less the condensing minimum 30 t/h, plus spray: ~231 t/h */
    ck_assert_double_gt(r.n1_capacity, 230 * TPH);
    ck_assert_double_lt(r.n1_capacity, 240 * TPH);
    ck_assert(r.n1_ok);
}
END_TEST

START_TEST(high_demand_prds_used)
{
    /* 320 t/h: both turbines at their 130 t/h extraction limit, the PRDS takes the rest */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(320);
    dh_plant_result r = run(&p, &d);
    ck_assert_double_eq(r.unmet_steam, 0);
    ck_assert_double_le(fabs(r.extraction_flow - 260 * TPH), 1e-7);
    ck_assert_double_gt(r.prds_flow, 0);
    ck_assert(r.active & DH_LIMIT_EXTRACTION);
    ck_assert(!(r.active & DH_LIMIT_BOILER_CAPACITY));
    ck_assert(!r.n1_ok); /* 320 > ~231 t/h with one boiler out */
}
END_TEST

START_TEST(above_capacity_unmet_and_boilers_bind)
{
    /* 500 t/h: all three boilers at 130 t/h; the PRDS is cut to what the boilers can feed after
     * the extraction (cogeneration first); unmet = 500 t/h - capacity */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(500);
    dh_plant_result r = run(&p, &d);
    ck_assert_double_gt(r.unmet_steam, 100 * TPH);
    ck_assert_double_le(fabs(r.unmet_steam - (d.steam_flow - r.capacity)), 1e-7);
    ck_assert_uint_eq(r.binding, DH_LIMIT_BOILER_CAPACITY);
    ck_assert_str_eq(dh_plant_limit_name(DH_LIMIT_BOILER_CAPACITY), "boiler capacity");
    for (int i = 0; i < 3; i++) ck_assert_double_le(fabs(r.boiler[i].load - 1), 1e-9);
    ck_assert_double_le(fabs(r.extraction_flow - 260 * TPH), 1e-7);
    ck_assert_double_le(r.reserve, 1e-9);
}
END_TEST

START_TEST(above_capacity_prds_binds)
{
    /* boilers made large (3 x 250 t/h): the PRDS capacity and the extraction limit bind */
    dh_plant_params p;
    dh_plant_defaults(&p);
    for (int i = 0; i < 3; i++) p.boiler[i].rated_flow = 250 * TPH;
    dh_plant_demand d = demand(500);
    dh_plant_result r = run(&p, &d);
    ck_assert_double_gt(r.unmet_steam, 0);
    ck_assert_uint_eq(r.binding, DH_LIMIT_PRDS_CAPACITY | DH_LIMIT_EXTRACTION);
    ck_assert_double_le(fabs(r.prds_flow - p.prds.capacity), 1e-9);
}
END_TEST

START_TEST(one_boiler_out)
{
    /* B2 out: its N-1 figure is with the largest remaining boiler out too; dispatch on two */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(216);
    dh_plant_result all = run(&p, &d);
    p.boiler[1].in_service = false;
    dh_plant_result r = run(&p, &d);
    ck_assert(!r.boiler_on[1]);
    ck_assert_int_eq(r.n_boilers_on, 2);
    ck_assert_double_eq(r.unmet_steam, 0); /* 216 t/h fits 260 t/h */
    ck_assert_double_le(fabs(r.capacity - all.n1_capacity), 1e-7);
    ck_assert_double_lt(r.n1_capacity, 130 * TPH);
    ck_assert(!r.n1_ok);
    /* demand above two boilers: boiler capacity binds */
    d = demand(300);
    r = run(&p, &d);
    ck_assert_double_gt(r.unmet_steam, 0);
    ck_assert(r.binding & DH_LIMIT_BOILER_CAPACITY);
}
END_TEST

START_TEST(one_turbine_out)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    p.turbine[1].in_service = false;
    dh_plant_demand d = demand(216);
    dh_plant_result r = run(&p, &d);
    ck_assert(!r.turbine_on[1]);
    ck_assert_int_eq(r.n_turbines_on, 1);
    ck_assert_double_le(fabs(r.turbine[0].extraction_flow - 130 * TPH), 1e-7);
    ck_assert_double_gt(r.prds_flow, 0);
    ck_assert_double_eq(r.unmet_steam, 0);
    ck_assert_double_le(r.electric_power, 24e6 * (1 + 1e-9));
    /* both turbines out: PRDS alone, 130 t/h outlet at most */
    p.turbine[0].in_service = false;
    r = run(&p, &d);
    ck_assert_int_eq(r.n_turbines_on, 0);
    ck_assert_double_le(fabs(r.header_flow - 130 * TPH), 1e-9);
    ck_assert_uint_eq(r.binding, DH_LIMIT_NO_TURBINE | DH_LIMIT_PRDS_CAPACITY);
    ck_assert_double_eq(r.electric_power, 0);
}
END_TEST

START_TEST(min_load_excess_absorbed_or_reported)
{
    /* one turbine: D = 0 -> 45 t/h < 45.5 t/h (35 % of 130): the condensing flow rises to take
     * the boiler's minimum */
    dh_plant_params p;
    dh_plant_defaults(&p);
    p.turbine[1].in_service = false;
    dh_plant_demand d = demand(0);
    dh_plant_result r = run(&p, &d);
    ck_assert_int_eq(r.n_boilers_on, 1);
    ck_assert_double_le(fabs(r.main_steam_flow - 0.35 * 130 * TPH), 1e-9);
    ck_assert_double_eq(r.main_steam_surplus, 0);
    ck_assert(r.active & DH_LIMIT_BOILER_MIN_LOAD);
    /* no turbine, 20 t/h by PRDS: the boiler at minimum makes more than needed: surplus */
    p.turbine[0].in_service = false;
    d = demand(20);
    r = run(&p, &d);
    ck_assert_double_eq(r.unmet_steam, 0);
    ck_assert_double_gt(r.main_steam_surplus, 20 * TPH);
    ck_assert_double_le(fabs(r.main_steam_flow - 0.35 * 130 * TPH), 1e-9);
}
END_TEST

START_TEST(max_power_and_target)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(100);
    dh_plant_result heat = run(&p, &d);
    d.power_mode = DH_POWER_MAX;
    dh_plant_result mx = run(&p, &d);
    ck_assert_double_eq(mx.unmet_steam, 0);
    ck_assert_double_gt(mx.electric_power, heat.electric_power);
    /* at 50 t/h extraction each, the 24 MW cap binds before the flow limits */
    ck_assert(mx.active & DH_LIMIT_TURBINE_POWER);
    ck_assert_double_le(fabs(mx.electric_power - 48e6), 1e-3 * 48e6);
    d.power_mode = DH_POWER_TARGET;
    d.power_target = 30e6;
    dh_plant_result tg = run(&p, &d);
    ck_assert_double_le(fabs(tg.electric_power - 30e6), 1.0); /* W */
    ck_assert_double_eq(tg.power_unmet, 0);
    d.power_target = 60e6;
    tg = run(&p, &d);
    ck_assert_double_le(fabs(tg.power_unmet - (60e6 - tg.electric_power)), 1e-6);
    ck_assert_double_gt(tg.power_unmet, 11e6);
    /* max power at a high demand: the heat comes first, boilers bind, power is what is left */
    d = demand(370);
    d.power_mode = DH_POWER_MAX;
    dh_plant_result hi = run(&p, &d);
    ck_assert_double_eq(hi.unmet_steam, 0);
    ck_assert(hi.active & DH_LIMIT_BOILER_CAPACITY);
}
END_TEST

START_TEST(merit_order_sharing)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    p.sharing = DH_SHARE_MERIT;
    p.boiler[0].merit = 5; /* B1 last: order B2, B3, B1 */
    dh_plant_demand d = demand(216);
    dh_plant_result r = run(&p, &d);
    /* main steam ~244 t/h: B2 full, B3 the rest, B1 off */
    ck_assert(!r.boiler_on[0]);
    ck_assert_double_le(fabs(r.boiler[1].load - 1), 1e-9);
    ck_assert_double_lt(r.boiler[2].load, 1);
    /* a remainder below the minimum is topped up from the earlier boiler */
    d = demand(120);
    r = run(&p, &d);
    ck_assert_double_ge(r.boiler[2].load, 0.35 - 1e-9);
}
END_TEST

START_TEST(header_pressure_outside_extraction_range)
{
    /* header at 1.4 MPa: extraction chamber 1.45 MPa > 1.27 MPa: no extraction, PRDS only */
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(200);
    d.header_pressure = 1.4e6;
    dh_plant_result r = run(&p, &d);
    ck_assert_double_eq(r.extraction_flow, 0);
    ck_assert_double_le(fabs(r.prds_flow - 130 * TPH), 1e-9);
    ck_assert(r.binding & DH_LIMIT_EXTRACTION_PRESSURE);
    ck_assert(r.binding & DH_LIMIT_PRDS_CAPACITY);
}
END_TEST

START_TEST(header_below_extraction_range_uncontrolled)
{
    /* N-1 (B1 out) at a header of 0.35 MPa: extraction chamber 0.40 MPa < 0.78 MPa, the bottom
     * of the controlled range. Uncontrolled extraction (docs/plant.md): both turbines stay in
     * service and the plant still delivers its two boilers' steam less the condensing minimum,
     * 260 - 2 x 15 = 230 t/h (the extraction at 0.40 MPa is colder than the 290 degC set point:
     * no spray, and boilers at capacity leave nothing for the PRDS). check_plant() asserts every
     * limit and the balances. */
    dh_plant_params p;
    dh_plant_defaults(&p);
    p.boiler[0].in_service = false;
    dh_plant_demand d = demand(334);
    d.header_pressure = 0.35e6;
    d.header_temperature = 290 + 273.15;
    dh_plant_result r = run(&p, &d);
    ck_assert_int_eq(r.n_turbines_on, 2);
    ck_assert_int_eq(r.n_boilers_on, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert(r.region[i].uncontrolled && !r.region[i].extraction_ok);
        ck_assert(r.turbine_on[i]);
        /* the condensing flow stays at the cooling minimum, 15 t/h */
        ck_assert_double_le(fabs(r.turbine[i].lp_flow - 15 * TPH), 1e-7);
        ck_assert_double_le(rel(r.turbine[i].p_extraction, 0.40e6), 1e-15);
        /* the extraction is colder than the header set point: delivered as it is */
        ck_assert_double_lt(r.turbine[i].T_extraction, d.header_temperature);
    }
    ck_assert_double_le(fabs(r.main_steam_flow - 260 * TPH), 1e-7);
    ck_assert_double_le(fabs(r.header_flow - 230 * TPH), 1e-6);
    ck_assert_double_le(fabs(r.capacity - 230 * TPH), 1e-6);
    ck_assert(r.binding & DH_LIMIT_BOILER_CAPACITY);
    ck_assert(r.active & DH_LIMIT_EXTRACTION_PRESSURE);
    ck_assert(!(r.active & DH_LIMIT_NO_TURBINE));
    ck_assert_double_lt(r.header_temperature, d.header_temperature);
    /* low demand at that pressure: cogeneration only, still balanced (check_plant) */
    d.steam_flow = 100 * TPH;
    r = run(&p, &d);
    ck_assert_double_le(fabs(r.header_flow - 100 * TPH), 1e-7);
    ck_assert_double_eq(r.unmet_steam, 0);
    /* near atmospheric the cooling flow is still held; the larger HP drop brings the turbines
     * to their 24 MW cap, the extraction is cut there and the PRDS takes the rest of the main
     * steam, sprayed to the set point: a little more than 230 t/h reaches the header (the PRDS
     * spray is < 20 % of its inlet, itself < 60 t/h here) */
    d.header_pressure = 0.12e6;
    d.steam_flow = 334 * TPH;
    r = run(&p, &d);
    ck_assert_int_eq(r.n_turbines_on, 2);
    ck_assert(r.active & DH_LIMIT_TURBINE_POWER);
    ck_assert_double_le(fabs(r.main_steam_flow - 260 * TPH), 1e-7);
    ck_assert_double_ge(r.header_flow, 230 * TPH - 1e-7);
    ck_assert_double_le(r.header_flow, 242 * TPH);
}
END_TEST

START_TEST(bad_demand_is_an_input_error)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_plant_demand d = demand(100);
    d.header_temperature = 400; /* below saturation at 0.98 MPa (452 K) */
    dh_plant_result r;
    dh_error err;
    ck_assert_int_eq(dh_plant_dispatch(&p, &d, &r, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "plant fuyuan-chp");
    d = demand(-1);
    ck_assert_int_eq(dh_plant_dispatch(&p, &d, &r, &err), DH_ERR_INPUT);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("plant_dispatch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, no_demand_one_boiler_at_turbines_minimum);
    tcase_add_test(tc, low_demand_cogeneration_only);
    tcase_add_test(tc, mid_demand_three_boilers_equal);
    tcase_add_test(tc, high_demand_prds_used);
    tcase_add_test(tc, above_capacity_unmet_and_boilers_bind);
    tcase_add_test(tc, above_capacity_prds_binds);
    tcase_add_test(tc, one_boiler_out);
    tcase_add_test(tc, one_turbine_out);
    tcase_add_test(tc, min_load_excess_absorbed_or_reported);
    tcase_add_test(tc, max_power_and_target);
    tcase_add_test(tc, merit_order_sharing);
    tcase_add_test(tc, header_pressure_outside_extraction_range);
    tcase_add_test(tc, header_below_extraction_range_uncontrolled);
    tcase_add_test(tc, bad_demand_is_an_input_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
