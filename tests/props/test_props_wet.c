/* test_props_wet.c: (p, h) states inside the two-phase dome (suite 'unit').
 *
 * Found by the steady network solver (solver/assemble.c, wet_guard): dh_props_ph_fast,
 * dh_props_ph_exact and dh_props_ph put some wet-steam states (h' < h < h'') into region 2 at a
 * temperature below Tsat, with x = 1 (x = 0 for dh_props_ph) and, for the fast variant, even a
 * negative density. The cause, in locate_py (props_if97.c): for h >= 2.45 MJ/kg the region-2
 * backward equation T2(p, h) is used as a fast classifier; extrapolated into the dome it can
 * return T2 > Tsat + 0.1 K, the state is then accepted as region 2 and Newton-polished to a
 * (metastable) region-2 temperature well below Tsat. These states are what a long steam main
 * reaches when it loses its superheat (cases/linyi-etdz/summer-low.yaml).
 *
 * Expected (IAPWS-IF97, Sect. 8, region 4 as a homogeneous mixture): region 4, T = Tsat(p),
 * x = (h - h') / (h'' - h'), v = v' + x (v'' - v') with h', h'', v', v'' from dh_props_px.
 * Tolerances: dh_props_ph and dh_props_ph_exact are Newton-polished and region 4 is evaluated
 * from the same saturation points, so x and rho agree to ~1e-12; 1e-9 leaves room for the
 * saturation pressure iteration. dh_props_ph_fast: T within 1e-5 K and rho within 1e-7
 * relative (its documented accuracy, dh_props.h); x within 1e-7. A misclassification gives
 * errors of order 10-100 K in T and 100 % in rho. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dh_props.h"

typedef struct sat {
    double Ts, hl, hv, vl, vv;
} sat;

static sat sat_at(double p)
{
    dh_props L, V;
    dh_error err;
    ck_assert_int_eq(dh_props_px(p, 0.0, &L, &err), DH_OK);
    ck_assert_int_eq(dh_props_px(p, 1.0, &V, &err), DH_OK);
    sat s = {dh_if97_tsat(p), L.h, V.h, 1.0 / L.rho, 1.0 / V.rho};
    return s;
}

/* Checks one wet (p, h) with all three (p, h) functions; returns the number of failures and
 * prints each. */
static int check_wet(double p, double h)
{
    sat s = sat_at(p);
    ck_assert_msg(h > s.hl && h < s.hv, "test point p %g h %g is not wet", p, h);
    double x = (h - s.hl) / (s.hv - s.hl), rho = 1.0 / (s.vl + x * (s.vv - s.vl));
    int fails = 0;
    dh_props P;
    dh_error err;
    if (dh_props_ph(p, h, &P, &err) != DH_OK || P.region != 4 || fabs(P.T - s.Ts) > 1e-9 ||
        fabs(P.x - x) > 1e-9 || fabs(P.rho - rho) > 1e-9 * rho) {
        fprintf(stderr, "dh_props_ph(%.6g Pa, %.6g J/kg): region %d T %.6f K x %.6f rho %.6g; "
                        "expected region 4, Tsat %.6f K, x %.6f, rho %.6g\n",
                p, h, P.region, P.T, P.x, P.rho, s.Ts, x, rho);
        fails++;
    }
    dh_ph_state f;
    if (dh_props_ph_fast(p, h, 0, &f) != DH_OK || f.region != 4 || fabs(f.T - s.Ts) > 1e-5 ||
        fabs(f.x - x) > 1e-7 || fabs(f.rho - rho) > 1e-7 * rho) {
        fprintf(stderr, "dh_props_ph_fast(%.6g Pa, %.6g J/kg): region %d T %.6f K x %.6f rho "
                        "%.6g; expected region 4, Tsat %.6f K, x %.6f, rho %.6g\n",
                p, h, f.region, f.T, f.x, f.rho, s.Ts, x, rho);
        fails++;
    }
    dh_ph_state e;
    if (dh_props_ph_exact(p, h, 0, &e) != DH_OK || e.region != 4 || fabs(e.T - s.Ts) > 1e-9 ||
        fabs(e.x - x) > 1e-9 || fabs(e.rho - rho) > 1e-9 * rho) {
        fprintf(stderr, "dh_props_ph_exact(%.6g Pa, %.6g J/kg): region %d T %.6f K x %.6f rho "
                        "%.6g; expected region 4, Tsat %.6f K, x %.6f, rho %.6g\n",
                p, h, e.region, e.T, e.x, e.rho, s.Ts, x, rho);
        fails++;
    }
    return fails;
}

/* The states reported by the solver engineer (p in MPa abs, h in MJ/kg): all wet. */
START_TEST(t_reported_states)
{
    static const double pts[][2] = {
        {0.3, 2.55}, {0.75, 2.60}, {1.0, 2.60}, {1.0, 2.625}, {1.0, 2.65},
        /* same family, found while writing this test */
        {0.2, 2.50}, {0.5, 2.60},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        fails += check_wet(pts[i][0] * 1e6, pts[i][1] * 1e6);
    ck_assert_msg(fails == 0, "%d wrong wet states", fails);
}
END_TEST

/* The whole dome of the network's range: p from 0.05 to 20 MPa (40 log-spaced pressures),
 * qualities 0.01 ... 0.99: every state must be region 4. */
START_TEST(t_dome_sweep)
{
    int fails = 0, n = 0;
    for (int i = 0; i < 40; i++) {
        double p = 0.05e6 * pow(20e6 / 0.05e6, i / 39.0);
        sat s = sat_at(p);
        for (int j = 1; j < 100; j += 2) {
            double h = s.hl + (j / 100.0) * (s.hv - s.hl);
            int fl = check_wet(p, h);
            fails += fl;
            n++;
            if (fails > 30) break; /* enough to diagnose */
        }
    }
    ck_assert_msg(fails == 0, "%d wrong of %d wet states", fails, n);
}
END_TEST

/* Just outside the dome the classification must not change: 1 kJ/kg above h'' is region 2
 * above Tsat (region 3 above psat(623.15 K) = 16.53 MPa), 1 kJ/kg below h' region 1 below Tsat (guards a fix that would widen region 4). */
START_TEST(t_dome_edges)
{
    for (int i = 0; i < 20; i++) {
        double p = 0.05e6 * pow(20e6 / 0.05e6, i / 19.0);
        sat s = sat_at(p);
        dh_ph_state v, l;
        ck_assert_int_eq(dh_props_ph_fast(p, s.hv + 1e3, 0, &v), DH_OK);
        ck_assert_msg((v.region == 2 || v.region == 3) && v.T > s.Ts, "p %g: h'' + 1 kJ/kg -> region %d T %g", p,
                      v.region, v.T);
        ck_assert_int_eq(dh_props_ph_fast(p, s.hl - 1e3, 0, &l), DH_OK);
        ck_assert_msg((l.region == 1 || l.region == 3) && l.T < s.Ts,
                      "p %g: h' - 1 kJ/kg -> region %d T %g", p, l.region, l.T);
    }
}
END_TEST

static Suite *wet_suite(void)
{
    Suite *s = suite_create("props_wet");
    TCase *tc = tcase_create("wet");
    tcase_add_test(tc, t_reported_states);
    tcase_add_test(tc, t_dome_sweep);
    tcase_add_test(tc, t_dome_edges);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(wet_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
