/* test_props_consistency.c: consistency of the property module (suite 'unit'): forward/backward
 * round trips over the network's range, analytic derivatives against central differences,
 * range errors with their codes and messages.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_props.h"
#include "props_internal.h"

/* Round trip T -> h -> T (and T -> s -> T) over 0.1-15 MPa, 0-600 degC, without a band of
 * +-0.5 K around saturation (where the state is two-phase for (p,h)).
 *  - raw backward equations: region 1 within IF97's permissible 25 mK (Sect. 5.2.1); region 2
 *    within 25 mK: the measured maximum on this grid is 22 mK (T(p,h), 2c, 12.7 MPa, 1.2 K
 *    above saturation) and 18 mK for T(p,s) - above the 10 mK we expected from IF97
 *    Sect. 6.3.1, see docs/properties.md "open points"; a wrong coefficient gives errors of
 *    order 1 K, so the bound still guards the physics;
 *  - dh_props_ph / dh_props_ps (Newton-polished): <= 1e-9 K;
 *  - dh_props_ph_fast (one linearised Newton step): <= 1e-4 K (quadratic in the backward
 *    error: cp varies by < 1 %/K, 25 mK -> ~1e-5 K; measured max is ~3e-6 K). */
START_TEST(t_round_trip)
{
    double max_raw1 = 0, max_raw2 = 0, max_pol = 0, max_fast = 0, max_s = 0;
    int n = 0;
    for (double p = 0.1e6; p <= 15.0001e6; p += 0.1e6) {
        double Ts = dh_if97_tsat(p);
        for (double T = 273.16; T <= 873.15; T += 1.0) {
            if (fabs(T - Ts) < 0.5) continue;
            dh_props a, b, c;
            ck_assert_int_eq(dh_props_pT(p, T, &a, NULL), DH_OK);
            int reg = a.region;
            ck_assert(reg == 1 || reg == 2);
            double Tb = reg == 1 ? if97_r1_T_ph(p, a.h) : if97_r2_T_ph(p, a.h);
            double Tbs = reg == 1 ? if97_r1_T_ps(p, a.s) : if97_r2_T_ps(p, a.s);
            double e = fmax(fabs(Tb - T), fabs(Tbs - T));
            if (reg == 1) max_raw1 = fmax(max_raw1, e);
            else max_raw2 = fmax(max_raw2, e);
            ck_assert_int_eq(dh_props_ph(p, a.h, &b, NULL), DH_OK);
            ck_assert_int_eq(b.region, reg);
            max_pol = fmax(max_pol, fabs(b.T - T));
            ck_assert_int_eq(dh_props_ps(p, a.s, &c, NULL), DH_OK);
            max_s = fmax(max_s, fabs(c.T - T));
            dh_ph_state f;
            ck_assert_int_eq(dh_props_ph_fast(p, a.h, 0, &f), DH_OK);
            ck_assert_int_eq(f.region, reg);
            max_fast = fmax(max_fast, fabs(f.T - T));
            ck_assert(fabs(f.rho - a.rho) <= 1e-6 * a.rho);
            n++;
        }
    }
    ck_assert_msg(n > 80000, "grid has %d points", n);
    ck_assert_msg(max_raw1 <= 25e-3, "region 1 backward error %.3g K", max_raw1);
    ck_assert_msg(max_raw2 <= 25e-3, "region 2 backward error %.3g K", max_raw2);
    ck_assert_msg(max_pol <= 1e-9, "polished (p,h) error %.3g K", max_pol);
    ck_assert_msg(max_s <= 1e-9, "polished (p,s) error %.3g K", max_s);
    ck_assert_msg(max_fast <= 1e-4, "fast (p,h) error %.3g K", max_fast);
}
END_TEST

/* Region 3 and region 5 round trips through the Newton polish. */
START_TEST(t_round_trip_r3_r5)
{
    static const double st[][2] = {{25e6, 650}, {40e6, 700}, {100e6, 700}, {20e6, 640},
                                   {18e6, 630}, {30e6, 1500}, {0.5e6, 2000}};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        dh_props a, b, c;
        ck_assert_int_eq(dh_props_pT(st[i][0], st[i][1], &a, NULL), DH_OK);
        ck_assert_int_eq(dh_props_ph(st[i][0], a.h, &b, NULL), DH_OK);
        ck_assert_int_eq(dh_props_ps(st[i][0], a.s, &c, NULL), DH_OK);
        ck_assert_int_eq(b.region, a.region);
        ck_assert_msg(fabs(b.T - st[i][1]) < 1e-8 && fabs(c.T - st[i][1]) < 1e-8,
                      "p=%g T=%g: ph %.12g ps %.12g", st[i][0], st[i][1], b.T, c.T);
        ck_assert(fabs(b.rho - a.rho) < 1e-9 * a.rho);
    }
}
END_TEST

/* Two-phase states: quality and mixture density from (p,h) and (p,x), both sides of 16.53 MPa. */
START_TEST(t_two_phase)
{
    static const double ps[] = {0.01e6, 1e6, 10e6, 16e6, 18e6, 21e6};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        dh_props L, V, m, q;
        ck_assert_int_eq(dh_props_px(ps[i], 0.0, &L, NULL), DH_OK);
        ck_assert_int_eq(dh_props_px(ps[i], 1.0, &V, NULL), DH_OK);
        ck_assert_int_eq(dh_props_px(ps[i], 0.3, &m, NULL), DH_OK);
        ck_assert_int_eq(m.region, 4);
        ck_assert(fabs(m.T - dh_if97_tsat(ps[i])) < 1e-12 * m.T);
        ck_assert(fabs(m.h - (L.h + 0.3 * (V.h - L.h))) < 1e-9 * m.h);
        ck_assert(fabs(1.0 / m.rho - (1.0 / L.rho + 0.3 * (1.0 / V.rho - 1.0 / L.rho))) < 1e-12 / m.rho);
        ck_assert(isnan(m.cp));
        ck_assert_int_eq(dh_props_ph(ps[i], m.h, &q, NULL), DH_OK);
        ck_assert_int_eq(q.region, 4);
        ck_assert(fabs(q.x - 0.3) < 1e-12);
        dh_ph_state f;
        ck_assert_int_eq(dh_props_ph_fast(ps[i], m.h, 1, &f), DH_OK);
        ck_assert(fabs(f.rho - m.rho) < 1e-10 * m.rho);
        ck_assert(f.mu > 0 && f.lambda > 0);
    }
    /* saturated liquid just below 16.53 MPa from region 1 and just above from region 3 meet */
    dh_props a, b;
    ck_assert_int_eq(dh_props_px(16.529e6, 0.0, &a, NULL), DH_OK);
    ck_assert_int_eq(dh_props_px(16.5293e6, 0.0, &b, NULL), DH_OK);
    ck_assert(fabs(a.rho - b.rho) < 1e-3 * a.rho);
}
END_TEST

/* Analytic derivatives of dh_props_ph_exact (and _fast) against central differences of the
 * precise dh_props_ph. Steps 1e-6 relative: truncation O(step^2) ~ 1e-12, round-off
 * ~1e-16/1e-6 = 1e-10, so 1e-6 relative is a fair bound for the exact variant. The fast path's
 * derivatives are taken at the backward-equation temperature (error up to 25 mK in region 1):
 * first order in that error, and drho/dp|h in compressed liquid is a small difference of large
 * terms, so 1e-3 relative there (1e-6 in two-phase, where no backward equation is involved). */
static void check_derivs_one(double p, double h, double rtol, int fast)
{
    dh_ph_state f;
    ck_assert_int_eq(fast ? dh_props_ph_fast(p, h, 0, &f) : dh_props_ph_exact(p, h, 0, &f), DH_OK);
    double dp = 1e-6 * p, dh = 1e-6 * fabs(h);
    dh_props a, b;
    ck_assert_int_eq(dh_props_ph(p + dp, h, &a, NULL), DH_OK);
    ck_assert_int_eq(dh_props_ph(p - dp, h, &b, NULL), DH_OK);
    double drho_dp = (a.rho - b.rho) / (2 * dp), dT_dp = (a.T - b.T) / (2 * dp);
    ck_assert_int_eq(dh_props_ph(p, h + dh, &a, NULL), DH_OK);
    ck_assert_int_eq(dh_props_ph(p, h - dh, &b, NULL), DH_OK);
    double drho_dh = (a.rho - b.rho) / (2 * dh), dT_dh = (a.T - b.T) / (2 * dh);
#define CHK(an, fd, scale)                                                                      \
    ck_assert_msg(fabs((an) - (fd)) <= rtol * (scale), "p=%g h=%g region %d: %s analytic %.10g fd %.10g", \
                  p, h, f.region, #an, (an), (fd))
    CHK(f.drho_dp, drho_dp, fabs(drho_dp));
    CHK(f.drho_dh, drho_dh, fabs(drho_dh));
    CHK(f.dT_dp, dT_dp, fmax(fabs(dT_dp), 1e-12));
    CHK(f.dT_dh, dT_dh, fmax(fabs(dT_dh), 1e-12));
#undef CHK
}

static void check_derivs(double p, double h, double rtol_fast)
{
    check_derivs_one(p, h, 1e-6, 0);
    check_derivs_one(p, h, rtol_fast, 1);
}

START_TEST(t_derivatives)
{
    check_derivs(1e6, 4.0e5, 1e-3);   /* liquid, region 1 */
    check_derivs(10e6, 1.2e6, 1e-3);  /* hot liquid */
    check_derivs(1e6, 3.0e6, 1e-3);   /* superheated steam, 2a */
    check_derivs(8e6, 3.2e6, 1e-3);   /* 2b */
    check_derivs(12e6, 2.75e6, 1e-3); /* 2c, 6 K above saturation */
    check_derivs(0.5e6, 1.5e6, 1e-6); /* two-phase, x ~ 0.4 */
    check_derivs(5e6, 2.7e6, 1e-6);   /* wet steam, x ~ 0.97 */
    check_derivs(18e6, 2.0e6, 1e-6);  /* two-phase inside region 3 */
    check_derivs(25e6, 2.0e6, 1e-6);  /* region 3, polished exactly */
    /* Since the fast path evaluates T, rho and the derivatives at one corrected state (one Newton
     * step from the backward temperature, see docs/properties.md "fast path"), its derivatives
     * differ from the exact ones by < 2e-7 relative at these states (t_fast_consistency); with
     * the 1e-6 of the central differences themselves, 2e-6 bounds the comparison. */
    check_derivs_one(1e6, 4.0e5, 2e-6, 1);
    check_derivs_one(10e6, 1.2e6, 2e-6, 1);
    check_derivs_one(1e6, 3.0e6, 2e-6, 1);
    check_derivs_one(8e6, 3.2e6, 2e-6, 1);
    check_derivs_one(12e6, 2.75e6, 2e-6, 1);
    check_derivs_one(0.3e6, 1.8e5, 2e-6, 1); /* hot-water network supply, 43 degC */
    check_derivs_one(1.0e6, 2.9e6, 2e-6, 1); /* superheated steam network, ~190 degC */
    /* dh_props_h_pT: cp and (dh/dp)_T against differences of h(p,T) */
    double h, cp, dhdp, h1, h2;
    ck_assert_int_eq(dh_props_h_pT(2e6, 450, &h, &cp, &dhdp), DH_OK);
    dh_props_h_pT(2e6, 450 + 1e-3, &h1, NULL, NULL);
    dh_props_h_pT(2e6, 450 - 1e-3, &h2, NULL, NULL);
    ck_assert(fabs(cp - (h1 - h2) / 2e-3) < 1e-6 * cp);
    dh_props_h_pT(2e6 + 10, 450, &h1, NULL, NULL);
    dh_props_h_pT(2e6 - 10, 450, &h2, NULL, NULL);
    ck_assert(fabs(dhdp - (h1 - h2) / 20) < 1e-6 * fabs(dhdp));
    /* dTsat/dp against differences of Tsat */
    double d = dh_if97_dtsat_dp(1e6);
    double fd = (dh_if97_tsat(1e6 + 1) - dh_if97_tsat(1e6 - 1)) / 2;
    ck_assert(fabs(d - fd) < 1e-6 * d);
}
END_TEST

/* The fast path against the exact one over the round-trip grid (0.1-15 MPa, 0-600 degC, every
 * 0.3 MPa and 3 K): derivatives at the corrected state, so they agree with the exact ones to the
 * second order of the backward error (25 mK): measured max 1.3e-7 relative for drho/dp|h and
 * 4.6e-7 for dT/dh|p (hot liquid at 13.9 MPa, where cp changes fastest); bound 1e-6. drho/dh|p
 * = -rho beta/cp and dT/dp|h = -(v - T (dv/dT)_p)/cp pass through zero (liquid at 4 degC; hot
 * liquid where T beta = 1), so their bounds get a floor: beta = 1e-3/T and v respectively.
 * The previous fast path (derivatives at the backward temperature) failed this by 1e-3..1e1.
 * Also: T of the fast path reproduces h through the forward equation to cp * 1e-4 K. */
START_TEST(t_fast_consistency)
{
    int n = 0;
    for (double p = 0.1e6; p <= 15.0001e6; p += 0.3e6) {
        double Ts = dh_if97_tsat(p);
        for (double T = 273.16; T <= 873.15; T += 3.0) {
            if (fabs(T - Ts) < 0.5) continue;
            dh_props a;
            ck_assert_int_eq(dh_props_pT(p, T, &a, NULL), DH_OK);
            dh_ph_state f, e;
            ck_assert_int_eq(dh_props_ph_fast(p, a.h, 0, &f), DH_OK);
            ck_assert_int_eq(dh_props_ph_exact(p, a.h, 0, &e), DH_OK);
            ck_assert_int_eq(f.region, e.region);
            ck_assert(f.x == e.x);
            double v = 1.0 / e.rho;
#define CLOSE(fld, floor)                                                                        \
    ck_assert_msg(fabs(f.fld - e.fld) <= 1e-6 * (fabs(e.fld) + (floor)),                          \
                  "p=%g T=%g: %s fast %.10g exact %.10g", p, T, #fld, f.fld, e.fld)
            CLOSE(drho_dp, 0.0);
            CLOSE(dT_dh, 0.0);
            CLOSE(cp, 0.0);
            CLOSE(drho_dh, 1e-3 * e.rho / (e.cp * e.T));
            CLOSE(dT_dp, v / e.cp);
#undef CLOSE
            double hf;
            ck_assert_int_eq(dh_props_h_pT(p, f.T, &hf, NULL, NULL), DH_OK);
            ck_assert_msg(fabs(hf - a.h) <= 1e-4 * a.cp, "p=%g T=%g: h(p, T_fast) - h = %.3g J/kg",
                          p, T, hf - a.h);
            n++;
        }
    }
    ck_assert_msg(n > 9000, "grid has %d points", n);
}
END_TEST

START_TEST(t_range_errors)
{
    dh_props pr;
    dh_error err;
    dh_error_clear(&err);
    ck_assert_int_eq(dh_props_pT(1.2e8, 500, &pr, &err), DH_ERR_RANGE);
    ck_assert_int_eq(err.code, DH_ERR_RANGE);
    ck_assert_str_eq(err.message, "state p = 1.2e+08 Pa, T = 500 K is outside IAPWS-IF97 (p <= 100 MPa)");
    ck_assert_int_eq(dh_props_pT(1e6, 250, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "T = 250 K"));
    ck_assert_int_eq(dh_props_pT(60e6, 1500, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "p <= 50 MPa"));
    ck_assert_int_eq(dh_props_pT(-1, 300, &pr, &err), DH_ERR_RANGE);
    ck_assert_int_eq(dh_props_pT(1e5, NAN, &pr, &err), DH_ERR_RANGE);
    ck_assert_int_eq(dh_props_ph(1e6, -1e5, &pr, &err), DH_ERR_RANGE);
    ck_assert_str_eq(err.message, "state p = 1e+06 Pa, h = -100000 J/kg is outside IAPWS-IF97 (below the 273.15 K isotherm)");
    ck_assert_int_eq(dh_props_ph(60e6, 5e6, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "h = 5e+06 J/kg"));
    ck_assert_int_eq(dh_props_ph(1e6, 9e6, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "2273.15 K"));
    ck_assert_int_eq(dh_props_ps(1e6, 2e4, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "s = 20000 J/(kg K)"));
    ck_assert_int_eq(dh_props_px(30e6, 0.5, &pr, &err), DH_ERR_RANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "p = 3e+07 Pa, x = 0.5"));
    ck_assert_int_eq(dh_props_px(1e6, 1.5, &pr, &err), DH_ERR_RANGE);
    /* a NULL error record is accepted */
    ck_assert_int_eq(dh_props_pT(2e8, 500, &pr, NULL), DH_ERR_RANGE);
    /* the fast path reports a recoverable status, region 0, never a silent NaN state */
    dh_ph_state f;
    ck_assert_int_eq(dh_props_ph_fast(2e8, 1e6, 0, &f), DH_RECOVERABLE);
    ck_assert_int_eq(f.region, 0);
    ck_assert_int_eq(dh_props_ph_fast(1e6, -5e5, 0, &f), DH_RECOVERABLE);
    double h;
    ck_assert_int_eq(dh_props_h_pT(1e6, 200, &h, NULL, NULL), DH_RECOVERABLE);
    /* valid states never give NaN in the single-phase fields */
    ck_assert_int_eq(dh_props_pT(1e5, 273.15, &pr, &err), DH_OK);
    ck_assert(isfinite(pr.rho) && isfinite(pr.cp) && isfinite(pr.w) && isfinite(pr.mu) && isfinite(pr.lambda));
}
END_TEST

static Suite *consistency_suite(void)
{
    Suite *s = suite_create("props_consistency");
    TCase *tc = tcase_create("consistency");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_round_trip);
    tcase_add_test(tc, t_round_trip_r3_r5);
    tcase_add_test(tc, t_two_phase);
    tcase_add_test(tc, t_derivatives);
    tcase_add_test(tc, t_fast_consistency);
    tcase_add_test(tc, t_range_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(consistency_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
