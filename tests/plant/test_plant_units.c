/* test_plant_units.c: the plant's units one by one (solver/dh_plant.h): boiler, turbine and PRDS
 * energy balances, the turbine design point against a hand calculation, Stodola's cone law against
 * its closed form, the operating region.
 *
 * Hand-calculation values: IAPWS-IF97 properties from python3-iapws 1.5 (Debian package
 * python3-iapws; an implementation independent of solver/props_*.c), steps written out beside
 * each number. Tolerances: the IF97 backward equations T(p,h), T(p,s) of region 2 are
 * consistent with the basic equation to 10 mK (the IAPWS-IF97 numerical consistency requirement
 * for region 2), ~25 J/kg on h, < 1e-5 relative; two implementations may differ by that much:
 * the hand-calculated enthalpies are compared to 2e-5 relative, section powers (differences of
 * ~500 kJ/kg) to 2e-4.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "dh_plant.h"
#include "dh_props.h"

static double REL(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

/* ---- boiler ----------------------------------------------------------------------------- */

START_TEST(boiler_balance_closes)
{
    dh_boiler_params b;
    dh_boiler_defaults(&b);
    dh_error err;
    const double flows[] = {0.35 * 130 / 3.6, 20.0, 100 / 3.6, 130 / 3.6};
    for (int i = 0; i < 4; i++) {
        dh_boiler_state s;
        ck_assert_int_eq(dh_boiler_eval(&b, flows[i], &s, &err), DH_OK);
        /* fuel LHV = steam + blowdown absorption + loss, exactly (1e-9 relative: round-off) */
        double in = s.fuel_flow * b.fuel_lhv + s.feedwater_flow * s.h_feedwater;
        double outf = s.steam_flow * s.h_steam + s.blowdown_flow * s.h_blowdown + s.loss;
        ck_assert_double_le(REL(in, outf), 1e-9);
        /* mass: feedwater = steam + blowdown */
        ck_assert_double_le(REL(s.feedwater_flow, s.steam_flow + s.blowdown_flow), 1e-12);
        /* fuel = m (h_s - h_fw) (+ blowdown) / (eta LHV), eta from the curve */
        double q = s.steam_flow * (s.h_steam - s.h_feedwater) +
                   s.blowdown_flow * (s.h_blowdown - s.h_feedwater);
        ck_assert_double_le(REL(s.fuel_flow, q / (s.efficiency * b.fuel_lhv)), 1e-12);
    }
}
END_TEST

START_TEST(boiler_rated_point_by_hand)
{
    /* 130 t/h at 9.81 MPa, 540 degC; feedwater 215 degC at 12 MPa; blowdown 1 %.
     * python3-iapws: h(9.81 MPa, 813.15 K) = 3478.846760 kJ/kg, h(12 MPa, 488.15 K) =
     * 923.879481 kJ/kg, h'(9.81 MPa) = 1399.620261 kJ/kg.
     * Q = 36.1111 (3478.846760 - 923.879481) + 0.361111 (1399.620261 - 923.879481)
     *   = 92262.37 + 171.79 = 92434.16 kW; eta(1.0) = 0.898 from the default curve;
     * fuel = 92434.16 / 0.898 / 20900 = 4.925107 kg/s. */
    dh_boiler_params b;
    dh_boiler_defaults(&b);
    dh_error err;
    dh_boiler_state s;
    ck_assert_int_eq(dh_boiler_eval(&b, 130 / 3.6, &s, &err), DH_OK);
    ck_assert_double_le(REL(s.h_steam, 3478846.760), 2e-5);
    ck_assert_double_le(REL(s.h_feedwater, 923879.481), 2e-5);
    ck_assert_double_le(REL(s.h_blowdown, 1399620.261), 2e-5);
    double q = 130 / 3.6 * (3478846.760 - 923879.481) + 1.3 / 3.6 * (1399620.261 - 923879.481);
    ck_assert_double_le(REL(s.heat_absorbed, q), 5e-5);
    ck_assert_double_eq_tol(s.efficiency, 0.898, 1e-15);
    ck_assert_double_le(REL(s.fuel_flow, q / 0.898 / 20.9e6), 5e-5);
}
END_TEST

START_TEST(curve_interpolates_and_clamps)
{
    dh_plant_curve c = {3, {0.4, 0.6, 1.0}, {0.86, 0.88, 0.90}};
    ck_assert_double_eq_tol(dh_plant_curve_eval(&c, 0.5), 0.87, 1e-15);
    ck_assert_double_eq_tol(dh_plant_curve_eval(&c, 0.8), 0.89, 1e-15);
    ck_assert_double_eq(dh_plant_curve_eval(&c, 0.1), 0.86);
    ck_assert_double_eq(dh_plant_curve_eval(&c, 1.2), 0.90);
}
END_TEST

/* ---- Stodola ------------------------------------------------------------------------------ */

START_TEST(stodola_closed_form)
{
    /* m/m_ref = 0.5, p_in_ref 8.4 MPa, p_out 1.08 MPa both times, pv ratio 1:
     * p_in = sqrt(1.08^2 + 0.25 (8.4^2 - 1.08^2)) = sqrt(1.1664 + 17.3484) = 4.302883 MPa */
    double p = dh_stodola_inlet_pressure(20, 40, 8.4e6, 1.08e6, 1.08e6, 1.0);
    ck_assert_double_le(REL(p, 4.302883e6), 1e-6);
    /* the forward law returns the flow */
    ck_assert_double_le(REL(dh_stodola_flow(40, 8.4e6, 1.08e6, 1.0, p, 1.08e6, 1.0), 20), 1e-14);
    /* pv correction: twice the specific volume work passes 1/sqrt(2) of the flow */
    ck_assert_double_le(REL(dh_stodola_flow(40, 8.4e6, 1.08e6, 1.0, 8.4e6, 1.08e6, 2.0),
                            40 / sqrt(2.0)), 1e-14);
    /* the reference point is a fixed point */
    ck_assert_double_le(REL(dh_stodola_inlet_pressure(40, 40, 8.4e6, 1.08e6, 1.08e6, 1.0), 8.4e6),
                        1e-15);
}
END_TEST

START_TEST(turbine_hp_inlet_obeys_stodola_with_if97_volumes)
{
    /* off-design: the HP stage-group inlet pressure must satisfy the cone law with the IF97
     * specific volumes at both inlet states (same h0 after isenthalpic throttling) */
    dh_turbine_params t;
    dh_turbine_defaults(&t);
    dh_error err;
    dh_turbine_state s;
    double m0 = 30.0, p_e = 1.1e6;
    ck_assert_int_eq(dh_turbine_eval(&t, p_e, m0, 20.0, &s, &err), DH_OK);
    dh_props in, ref;
    double p1_ref = t.throttle_pressure * (1 - t.valve_loss);
    ck_assert_int_eq(dh_props_ph(s.p_hp_inlet, s.h_throttle, &in, &err), DH_OK);
    ck_assert_int_eq(dh_props_ph(p1_ref, s.h_throttle, &ref, &err), DH_OK);
    double m = dh_stodola_flow(t.max_throttle_flow, p1_ref, t.design_extraction_pressure,
                               p1_ref * ref.v, s.p_hp_inlet, p_e, s.p_hp_inlet * in.v);
    ck_assert_double_le(REL(m, m0), 1e-10);
    /* and the ideal-gas closed form is within the p v variation (< 2 %) */
    double p_ig = dh_stodola_inlet_pressure(m0, t.max_throttle_flow, p1_ref,
                                            t.design_extraction_pressure, p_e, 1.0);
    ck_assert_double_le(REL(s.p_hp_inlet, p_ig), 0.02);
    /* the LP inlet pressure is the closed form (pv ratio 1, docs/plant.md) */
    double p2_ref = t.design_extraction_pressure * (1 - t.lp_valve_loss);
    ck_assert_double_le(REL(s.p_lp_inlet, dh_stodola_inlet_pressure(10.0, t.max_lp_flow, p2_ref,
                                                                    t.condenser_pressure,
                                                                    t.condenser_pressure, 1.0)),
                        1e-14);
}
END_TEST

/* ---- turbine ------------------------------------------------------------------------------ */

START_TEST(turbine_design_point_by_hand)
{
    /* Defaults at the Stodola reference: throttle 50 kg/s (valves wide open), extraction 25 kg/s,
     * LP 25 kg/s (= max_lp_flow), extraction pressure = design 0.98 MPa. Hand calculation
     * (python3-iapws 1.5):
     *  h0 = h(8.83 MPa, 808.15 K) = 3476.640357 kJ/kg
     *  p1 = 0.97 x 8.83 = 8.5651 MPa; s1 = s(8.5651 MPa, h0) = 6.79458471 kJ/(kg K)
     *  h_es = h(0.98 MPa, s1) = 2871.767467; h_e = h0 - 0.80 (h0 - h_es) = 2992.742045 kJ/kg
     *  T_e = T(0.98 MPa, h_e) = 545.483016 K
     *  p2 = 0.95 x 0.98 = 0.931 MPa; s2 = s(0.931 MPa, h_e) = 7.05132999 kJ/(kg K)
     *  h_xs = h(6 kPa, s2) = 2171.426452; h_x = h_e - 0.78 (h_e - h_xs) = 2352.115883 kJ/kg
     *  x_exhaust = 0.911165
     *  P_shaft = 50 (h0 - h_e) + 25 (h_e - h_x) = 40210.569648 kW
     *  P_el = P_shaft x 0.985 x 0.975 = 38617.225825 kW
     *  Q_cond = 25 (h_x - h'(6 kPa) = 151.493991) = 55015.547300 kW */
    dh_turbine_params t;
    dh_turbine_defaults(&t);
    dh_error err;
    dh_turbine_state s;
    ck_assert_int_eq(dh_turbine_eval(&t, 0.98e6, 50.0, 25.0, &s, &err), DH_OK);
    ck_assert_double_le(REL(s.h_throttle, 3476640.357), 2e-5);
    ck_assert_double_le(REL(s.p_hp_inlet, 8.5651e6), 1e-12);
    ck_assert_double_le(REL(s.p_lp_inlet, 0.931e6), 1e-12);
    ck_assert_double_le(REL(s.h_extraction, 2992742.045), 2e-5);
    ck_assert_double_le(fabs(s.T_extraction - 545.483016), 0.05); /* 10 mK backward + rounding */
    ck_assert_double_le(REL(s.h_exhaust, 2352115.883), 2e-5);
    ck_assert_double_le(fabs(s.x_exhaust - 0.911165), 1e-4);
    ck_assert_double_le(REL(s.shaft_power, 40210569.648), 2e-4);
    ck_assert_double_le(REL(s.electric_power, 38617225.825), 2e-4);
    ck_assert_double_le(REL(s.condenser_heat, 55015547.300), 2e-4);
}
END_TEST

START_TEST(turbine_balance_closes)
{
    /* m_main h_main = m_ext h_ext + m_cond h_exhaust + P_shaft, over the operating range and
     * both models; 1e-9 relative (round-off of sums of ~1e8 W) */
    dh_turbine_params t;
    dh_turbine_defaults(&t);
    dh_error err;
    const double m0s[] = {12.5, 25.0, 40.0, 50.0};
    const double fe[] = {0.0, 0.3, 0.7, 0.9};
    const double pes[] = {0.80e6, 1.03e6, 1.25e6};
    for (int model = 0; model < 2; model++) {
        t.model = model ? DH_TURBINE_WILLANS : DH_TURBINE_EFFICIENCY;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 3; k++) {
                    dh_turbine_state s;
                    double m0 = m0s[i], me = fe[j] * m0s[i];
                    ck_assert_int_eq(dh_turbine_eval(&t, pes[k], m0, me, &s, &err), DH_OK);
                    double in = s.throttle_flow * s.h_throttle;
                    double out = s.extraction_flow * s.h_extraction + s.lp_flow * s.h_exhaust +
                                 s.shaft_power;
                    ck_assert_double_le(REL(in, out), 1e-9);
                    ck_assert_double_le(REL(s.throttle_flow, s.extraction_flow + s.lp_flow), 1e-15);
                    ck_assert_double_le(REL(s.electric_power,
                                            s.shaft_power * t.eta_mech * t.eta_gen), 1e-14);
                    /* second law: expansions lose entropy-wise, h_e below the throttle h,
                     * exhaust below extraction */
                    ck_assert(s.h_extraction < s.h_throttle);
                    if (s.lp_flow > 0) ck_assert(s.h_exhaust < s.h_extraction);
                    ck_assert(s.p_hp_inlet <= t.throttle_pressure * (1 - t.valve_loss) * 1.05);
                }
    }
}
END_TEST

START_TEST(turbine_willans_is_linear)
{
    /* Willans option: P_shaft = m0 dh_hp,d + m_c dh_lp,d - P_nl exactly linear in the flows */
    dh_turbine_params t;
    dh_turbine_defaults(&t);
    t.model = DH_TURBINE_WILLANS;
    dh_error err;
    dh_turbine_state a, b, c;
    ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, 20.0, 10.0, &a, &err), DH_OK);
    ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, 30.0, 10.0, &b, &err), DH_OK); /* +10 LP */
    ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, 40.0, 10.0, &c, &err), DH_OK); /* +20 LP */
    ck_assert_double_le(fabs((c.shaft_power - b.shaft_power) - (b.shaft_power - a.shaft_power)),
                        1e-6 * a.shaft_power);
    /* the intercept: P(m0 = 0) extrapolates to -P_nl along pure extraction (m_c = 0) */
    dh_turbine_state e1, e2;
    ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, 20.0, 20.0, &e1, &err), DH_OK);
    ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, 40.0, 40.0, &e2, &err), DH_OK);
    /* 2 P(20) - P(40) = 2 (20 dh - P_nl) - (40 dh - P_nl) = -P_nl */
    ck_assert_double_le(fabs(2 * e1.shaft_power - e2.shaft_power + t.willans_no_load),
                        1e-6 * e1.shaft_power);
}
END_TEST

START_TEST(turbine_region_respects_limits)
{
    dh_turbine_params t;
    dh_turbine_defaults(&t);
    dh_error err;
    dh_turbine_region g;
    ck_assert_int_eq(dh_turbine_region_eval(&t, 1.03e6, &g, &err), DH_OK);
    ck_assert_int_ge(g.n, 4);
    ck_assert(g.extraction_ok);
    ck_assert_double_le(g.max_extraction, t.max_extraction + 1e-9);
    ck_assert_double_le(g.max_throttle, t.max_throttle_flow + 1e-12);
    ck_assert_double_le(g.max_power, t.max_power * (1 + 1e-9));
    /* every vertex is an operating point that respects every limit */
    for (int i = 0; i < g.n; i++) {
        ck_assert_double_ge(g.extraction[i], -1e-12);
        ck_assert_double_le(g.extraction[i], g.max_extraction + 1e-9);
        ck_assert_double_le(g.power[i], t.max_power * (1 + 1e-9));
        double lo, hi;
        ck_assert_int_eq(dh_turbine_lp_range(&t, 1.03e6, g.extraction[i], &lo, &hi, &err), DH_OK);
        ck_assert_double_ge(lo, t.min_lp_flow - 1e-12);
        ck_assert_double_le(hi, g.max_lp + 1e-9);
        ck_assert_double_le(g.extraction[i] + hi, g.max_throttle + 1e-9);
        ck_assert_double_ge(g.extraction[i] + lo, t.min_throttle_flow - 1e-9);
        dh_turbine_state s;
        ck_assert_int_eq(dh_turbine_eval(&t, 1.03e6, g.extraction[i] + hi, g.extraction[i], &s, &err),
                         DH_OK);
        ck_assert_double_le(s.electric_power, t.max_power * (1 + 1e-9));
    }
    /* counter-clockwise polygon: positive signed area (shoelace) */
    double area = 0;
    for (int i = 0; i < g.n; i++) {
        int j = (i + 1) % g.n;
        area += g.extraction[i] * g.power[j] - g.extraction[j] * g.power[i];
    }
    ck_assert_double_gt(area, 0);
    /* beyond the largest extraction nothing works */
    double lo, hi;
    ck_assert_int_eq(dh_turbine_lp_range(&t, 1.03e6, g.max_extraction + 1e-3, &lo, &hi, &err),
                     DH_ERR_INFEASIBLE);
    /* outside the controlled extraction pressure range: condensing only */
    ck_assert_int_eq(dh_turbine_region_eval(&t, 1.5e6, &g, &err), DH_OK);
    ck_assert(!g.extraction_ok);
    ck_assert_double_eq(g.max_extraction, 0);
}
END_TEST

/* ---- PRDS --------------------------------------------------------------------------------- */

START_TEST(prds_balance_closes_and_by_hand)
{
    /* main steam 9.81 MPa / 540 degC (h = 3478.846760 kJ/kg) to 0.98 MPa / 300 degC
     * (h_set = 3052.229140 kJ/kg, python3-iapws), spray 215 degC at 12 MPa (923.879481 kJ/kg):
     * spray per kg inlet = (3478.846760 - 3052.229140) / (3052.229140 - 923.879481)
     *                    = 0.2004500 kg/kg; after throttling T = 772.977567 K */
    dh_prds_params p;
    dh_prds_defaults(&p);
    dh_error err;
    dh_props ms;
    ck_assert_int_eq(dh_props_pT(9.81e6, 813.15, &ms, &err), DH_OK);
    dh_prds_state s;
    ck_assert_int_eq(dh_prds_eval(&p, 9.81e6, ms.h, 0.98e6, 573.15, 30.0, &s, &err), DH_OK);
    ck_assert_double_le(REL(s.outlet_flow, s.inlet_flow + s.spray_flow), 1e-15);
    ck_assert_double_le(REL(s.inlet_flow * s.h_in + s.spray_flow * s.h_spray,
                            s.outlet_flow * s.h_out), 1e-12);
    ck_assert_double_le(REL(s.spray_flow / s.inlet_flow, 0.2004500), 1e-4);
    ck_assert_double_le(fabs(s.T_throttled - 772.977567), 0.05);
    ck_assert_double_eq(s.T_out, 573.15);
    /* set point above the throttled temperature: no spray, outlet = inlet */
    ck_assert_int_eq(dh_prds_eval(&p, 9.81e6, ms.h, 0.98e6, 800.0, 10.0, &s, &err), DH_OK);
    ck_assert_double_eq(s.spray_flow, 0);
    ck_assert_double_le(REL(s.T_out, 772.977567), 1e-4);
    /* a set point at or below saturation is refused */
    ck_assert_int_eq(dh_prds_eval(&p, 9.81e6, ms.h, 0.98e6, 450.0, 10.0, &s, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "prds PRDS1");
}
END_TEST

START_TEST(validation_names_the_unit)
{
    dh_plant_params p;
    dh_plant_defaults(&p);
    dh_error err;
    ck_assert_int_eq(dh_plant_validate(&p, &err), DH_OK);
    p.turbine[1].min_lp_flow = 1000;
    ck_assert_int_eq(dh_plant_validate(&p, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "turbine T2");
    dh_plant_defaults(&p);
    p.boiler[2].min_load = 1.5;
    ck_assert_int_eq(dh_plant_validate(&p, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "boiler B3");
    dh_plant_defaults(&p);
    p.turbine[0].throttle_temperature = 560 + 273.15; /* hotter than the boilers make */
    ck_assert_int_eq(dh_plant_validate(&p, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "turbine T1");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("plant_units");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, boiler_balance_closes);
    tcase_add_test(tc, boiler_rated_point_by_hand);
    tcase_add_test(tc, curve_interpolates_and_clamps);
    tcase_add_test(tc, stodola_closed_form);
    tcase_add_test(tc, turbine_hp_inlet_obeys_stodola_with_if97_volumes);
    tcase_add_test(tc, turbine_design_point_by_hand);
    tcase_add_test(tc, turbine_balance_closes);
    tcase_add_test(tc, turbine_willans_is_linear);
    tcase_add_test(tc, turbine_region_respects_limits);
    tcase_add_test(tc, prds_balance_closes_and_by_hand);
    tcase_add_test(tc, validation_names_the_unit);
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
