/* test_hazen.c: the Hazen-Williams law of water pipes (solver/pipe_hazen.c) and its dispatch
 * from dh_pipe_pressure_loss (solver/pipe_friction.c).
 *
 * References, each independent of the code under test:
 *  - EPANET 2.2's own H-W formula in US units (src/hydcoeffs.c resistcoeff, R = 4.727 L /
 *    (C^1.852 d^4.871), ft and cfs; pipecoeff h = R q^1.852), evaluated by hand with
 *    /usr/bin/python3 on the converted values (numbers below, with the inputs);
 *  - the EPANET 2.2 user manual's SI form (Table 3.1: 10.667 C^-1.852 d^-4.871 L q^1.852),
 *    which differs from the code's constant by 1.6e-5 relative;
 *  - central finite differences for every analytic derivative.
 * Suites: unit (derivatives, continuity, errors) and validation (hand values).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dh_laws.h"

#define PI 3.14159265358979323846
#define G0 9.80665 /* m/s2 */
#define FT 0.3048  /* m per ft, exact */

static dh_pipe_hyd pipe(double length, double d, double c, double k)
{
    dh_pipe_hyd g;
    ck_assert_int_eq(dh_pipe_hyd_init(&g, length, d, 1e-4, k, NULL), DH_OK);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, c, NULL), DH_OK);
    return g;
}

START_TEST(hand_values_si_pipe)
{
    /* L = 1000 m, D = 0.3 m, C = 130, Q = 0.1 m3/s. EPANET in US units: L = 3280.84 ft,
     * d = 0.984252 ft, q = 3.531467 cfs: h = 4.727 L q^1.852 / (C^1.852 d^4.871)
     * = 21.08335 ft = 6.426206 m (python3: 4.727*(1000/.3048)*(0.1/.3048**3)**1.852/
     * (130**1.852*(0.3/.3048)**4.871)*.3048 = 6.426205842816). The manual's SI form gives
     * 10.667 L Q^1.852 / (C^1.852 D^4.871) = 6.426309 m (1.6e-5 higher: its constant is
     * rounded). Tolerance 1e-9 relative against EPANET's (the same formula in another unit
     * system: only rounding), 3e-5 against the manual's. */
    const double rho = 998.207;
    dh_pipe_hyd g = pipe(1000.0, 0.3, 130.0, 0.0);
    double dp, dpm, dpr, dpmu = -1;
    dh_pipe_hazen_loss(0.1 * rho, rho, &g, &dp, &dpm, &dpr, &dpmu);
    const double h = dp / (rho * G0);
    ck_assert_msg(fabs(h / 6.426205842816 - 1) < 1e-9, "h %.12g m", h);
    ck_assert(fabs(h / 6.426308566801 - 1) < 3e-5);
    ck_assert(dpmu == 0.0);
    /* power branch: ddp/dm = 1.852 dp/m, ddp/drho = -0.852 dp/rho */
    ck_assert(fabs(dpm / (1.852 * dp / (0.1 * rho)) - 1) < 1e-12);
    ck_assert(fabs(dpr / (-0.852 * dp / rho) - 1) < 1e-12);
    /* odd in m */
    double dn;
    dh_pipe_hazen_loss(-0.1 * rho, rho, &g, &dn, NULL, NULL, NULL);
    ck_assert(dn == -dp);
}
END_TEST

START_TEST(hand_values_us_pipe)
{
    /* 1000 ft of 12 in pipe, C = 100, 1 cfs: EPANET h = 4.727 x 1000 / 100^1.852 = 0.9345135 ft
     * (d = 1 ft, q = 1 cfs; python3: 4.727*1000/100**1.852 = 0.934513548881) = 0.2848397 m.
     * In SI: L = 304.8 m, D = 0.3048 m, Q = 0.3048^3 m3/s. Tolerance: rounding only. */
    const double rho = 1000.0;
    dh_pipe_hyd g = pipe(304.8, 0.3048, 100.0, 0.0);
    double dp;
    dh_pipe_hazen_loss(FT * FT * FT * rho, rho, &g, &dp, NULL, NULL, NULL);
    ck_assert_msg(fabs(dp / (rho * G0) / (0.934513548881 * FT) - 1) < 1e-9, "h %.12g m",
                  dp / (rho * G0));
}
END_TEST

START_TEST(minor_loss_added)
{
    /* K = 2 on the 0.3 m pipe at Q = 0.1 m3/s: K rho v^2 / 2 with v = Q/A = 1.414711 m/s:
     * 2 x 998.207 x 1.414711^2 / 2 = 1997.8176 Pa (python3: 2*m*m/(2*rho*A*A) with
     * m = 99.8207 kg/s, A = pi 0.3^2/4), added to the friction loss of the K = 0 pipe. */
    const double rho = 998.207, m = 0.1 * rho;
    dh_pipe_hyd g0 = pipe(1000.0, 0.3, 130.0, 0.0), g2 = pipe(1000.0, 0.3, 130.0, 2.0);
    double p0, p2, d0, d2, r0, r2;
    dh_pipe_hazen_loss(m, rho, &g0, &p0, &d0, &r0, NULL);
    dh_pipe_hazen_loss(m, rho, &g2, &p2, &d2, &r2, NULL);
    ck_assert_msg(fabs((p2 - p0) - 1997.8175755) < 1e-6, "minor %.10g Pa", p2 - p0);
    ck_assert(fabs((d2 - d0) - 2 * 1997.8175755 / m) < 1e-8);
    ck_assert(fabs((r2 - r0) + 1997.8175755 / rho) < 1e-8);
}
END_TEST

START_TEST(derivatives_vs_finite_differences)
{
    /* Central differences, step 1e-6 relative (1e-5 of q_lin in the cubic): truncation
     * ~1e-12 x the third derivative scale, rounding ~1e-16/1e-6 = 1e-10 relative; accepted
     * 1e-6 relative. Flows from the cubic (|Q| < q_lin) to 2 m/s, both signs, with and
     * without a fitting loss; rho over a 20 % range. */
    const double ds[] = {0.1, 0.3, 0.8};
    const double ks[] = {0.0, 3.5};
    for (int id = 0; id < 3; id++)
        for (int ik = 0; ik < 2; ik++) {
            dh_pipe_hyd g = pipe(850.0, ds[id], 120.0, ks[ik]);
            const double a = PI * ds[id] * ds[id] / 4;
            const double ql = g.hw_q_lin;
            ck_assert(ql > 0);
            const double qs[] = {0.0, 0.3 * ql, -0.7 * ql, 1.5 * ql, 1e-4 * a, 0.01 * a,
                                 -0.3 * a, 2.0 * a};
            for (int iq = 0; iq < 8; iq++)
                for (double rho = 850.0; rho <= 1001.0; rho += 150.0) {
                    const double m = qs[iq] * rho;
                    double dp, dm, dr, dmu;
                    dh_pipe_hazen_loss(m, rho, &g, &dp, &dm, &dr, &dmu);
                    ck_assert(dmu == 0.0);
                    const double hm = fmax(fabs(m) * 1e-6, 1e-5 * ql * rho);
                    double pp, pn;
                    dh_pipe_hazen_loss(m + hm, rho, &g, &pp, NULL, NULL, NULL);
                    dh_pipe_hazen_loss(m - hm, rho, &g, &pn, NULL, NULL, NULL);
                    double fd = (pp - pn) / (2 * hm);
                    ck_assert_msg(fabs(fd - dm) <= 1e-6 * fabs(dm),
                                  "ddp/dm D %g q %g: %.10g fd %.10g", ds[id], qs[iq], dm, fd);
                    const double hr = rho * 1e-6;
                    dh_pipe_hazen_loss(m, rho + hr, &g, &pp, NULL, NULL, NULL);
                    dh_pipe_hazen_loss(m, rho - hr, &g, &pn, NULL, NULL, NULL);
                    fd = (pp - pn) / (2 * hr);
                    ck_assert_msg(fabs(fd - dr) <= 1e-6 * fabs(dr) + 1e-12 * fabs(dp) / rho,
                                  "ddp/drho D %g q %g: %.10g fd %.10g", ds[id], qs[iq], dr, fd);
                }
        }
}
END_TEST

START_TEST(zero_flow_c1_and_increasing)
{
    /* The low-flow join (EPANET's RQTOL switch): at q_lin, n R q^(n-1) = RQTOL (1e-7 ft/cfs
     * = 1.0764e-6 s/m2); value and slope continuous there; slope at 0 = g0 (3-n)/(2n) RQTOL
     * (the cubic's a); dp increasing through 0. */
    const double rho = 998.207, n = 1.852;
    dh_pipe_hyd g = pipe(500.0, 0.2, 140.0, 0.0);
    ck_assert(fabs(n * g.hw_r * pow(g.hw_q_lin, n - 1) / 1.076391041670972e-06 - 1) < 1e-12);
    const double ml = g.hw_q_lin * rho;
    double pl, dl, pr, dr;
    dh_pipe_hazen_loss(ml * (1 - 1e-12), rho, &g, &pl, &dl, NULL, NULL);
    dh_pipe_hazen_loss(ml * (1 + 1e-12), rho, &g, &pr, &dr, NULL, NULL);
    ck_assert_msg(fabs(pl - pr) <= 1e-10 * fabs(pr), "value jump %g %g", pl, pr);
    ck_assert_msg(fabs(dl - dr) <= 1e-9 * dr, "slope jump %g %g", dl, dr);
    double p0, d0;
    dh_pipe_hazen_loss(0.0, rho, &g, &p0, &d0, NULL, NULL);
    ck_assert(p0 == 0.0);
    ck_assert(fabs(d0 / (G0 * (3 - n) / (2 * n) * 1.076391041670972e-06) - 1) < 1e-12);
    double prev = -INFINITY;
    for (int i = -200; i <= 200; i++) {
        double p;
        dh_pipe_hazen_loss(ml * i / 100.0, rho, &g, &p, NULL, NULL, NULL);
        ck_assert(p > prev);
        prev = p;
    }
}
END_TEST

START_TEST(dispatch_and_errors)
{
    /* dh_pipe_pressure_loss with DH_FRICTION_HAZEN_WILLIAMS is the H-W law (bitwise); a pipe
     * without C keeps Darcy-Weisbach/Colebrook; set_hazen_williams refuses C outside 1..200. */
    const double rho = 990.0, mu = 6e-4, m = 30.0;
    dh_pipe_hyd g = pipe(400.0, 0.25, 110.0, 1.0);
    double a, b, da, db, ra, rb, ua, ub;
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_HAZEN_WILLIAMS, &a, &da, &ra, &ua);
    dh_pipe_hazen_loss(m, rho, &g, &b, &db, &rb, &ub);
    ck_assert(a == b && da == db && ra == rb && ua == ub);
    dh_pipe_hyd n;
    ck_assert_int_eq(dh_pipe_hyd_init(&n, 400.0, 0.25, 1e-4, 1.0, NULL), DH_OK);
    ck_assert(n.hw_r == 0.0 && n.hw_c == 0.0);
    dh_pipe_pressure_loss(m, rho, mu, &n, DH_FRICTION_HAZEN_WILLIAMS, &a, NULL, NULL, NULL);
    dh_pipe_pressure_loss(m, rho, mu, &n, DH_FRICTION_COLEBROOK, &b, NULL, NULL, NULL);
    ck_assert(a == b);
    /* the other models ignore C */
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_SWAMEE_JAIN, &a, NULL, NULL, NULL);
    dh_pipe_pressure_loss(m, rho, mu, &n, DH_FRICTION_SWAMEE_JAIN, &b, NULL, NULL, NULL);
    ck_assert(a == b);
    dh_error err;
    dh_error_clear(&err);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, 0.5, &err), DH_ERR_INPUT);
    ck_assert(g.hw_r == 0.0); /* cleared after a failure */
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, 250.0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, NAN, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, 0.0, &err), DH_OK);
    ck_assert(g.hw_r == 0.0);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, 1.0, &err), DH_OK);
    ck_assert_int_eq(dh_pipe_hyd_set_hazen_williams(&g, 200.0, &err), DH_OK);
}
END_TEST

static Suite *hazen_suite(void)
{
    Suite *s = suite_create("laws_hazen");
    TCase *tc = tcase_create("hazen_williams");
    tcase_add_test(tc, hand_values_si_pipe);
    tcase_add_test(tc, hand_values_us_pipe);
    tcase_add_test(tc, minor_loss_added);
    tcase_add_test(tc, derivatives_vs_finite_differences);
    tcase_add_test(tc, zero_flow_c1_and_increasing);
    tcase_add_test(tc, dispatch_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hazen_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
