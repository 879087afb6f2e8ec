/* test_friction.c: Darcy friction factor and pipe pressure loss (solver/pipe_friction.c).
 *
 * References used here, each independent of the code under test:
 *  - Colebrook-White solved by bisection in long double in this file (test's own solver);
 *  - closed-form limits: 64/Re (Hagen-Poiseuille), fully rough von Karman-Nikuradse
 *    1/sqrt(f) = -2 log10(k/3.7) (Colebrook's own large-Re limit);
 *  - Colebrook values computed with mpmath (40 digits, findroot) and Moody (1944) chart readings;
 *  - the EPANET 2.2 transition formula (hydcoeffs.c DWpipecoeff), transcribed here;
 *  - a DN200 water pipe worked by hand with IAPWS-95 / IAPWS 2008 properties (python iapws).
 * Suites: unit (derivatives, continuity) and validation (reference values).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dh_laws.h"

#define PI 3.14159265358979323846

/* Colebrook-White by bisection on x = 1/sqrt(f): g(x) = x + 2 log10(k/3.7 + 2.51 x/Re) is
 * increasing in x; bracket [0.5, 50] covers f in [4e-4, 4]. Iterates until the bracket stops
 * shrinking (long double: ~1e-19 relative), so the reference error is negligible at 1e-12. */
static double colebrook_bisect(double re, double k)
{
    long double lo = 0.5L, hi = 50.0L;
    for (int i = 0; i < 200; i++) {
        long double mid = 0.5L * (lo + hi);
        if (mid == lo || mid == hi)
            break;
        long double g = mid + 2.0L * log10l((long double)k / 3.7L + 2.51L * mid / (long double)re);
        if (g > 0.0L)
            hi = mid;
        else
            lo = mid;
    }
    long double x = 0.5L * (lo + hi);
    return (double)(1.0L / (x * x));
}

static double swamee_jain_ref(double re, double k)
{
    double l = log10(k / 3.7 + 5.74 / pow(re, 0.9));
    return 0.25 / (l * l);
}

/* Log-spaced grids: Re 4e3..1e8 (80 points), e/D 1e-6..0.05 (40 points) plus smooth (0). */
#define N_RE 80
#define N_K 41
static double grid_re(int i) { return 4e3 * pow(1e8 / 4e3, i / (double)(N_RE - 1)); }
static double grid_k(int j) { return j == 0 ? 0.0 : 1e-6 * pow(0.05 / 1e-6, (j - 1) / (double)(N_K - 2)); }

START_TEST(colebrook_matches_bisection)
{
    /* Requirement: agreement to 1e-12 relative over the whole turbulent range of interest
     * (Clamond's two quartic iterations are at machine precision, ~1e-15). */
    double worst = 0.0, wre = 0.0, wk = 0.0;
    for (int i = 0; i < N_RE; i++)
        for (int j = 0; j < N_K; j++) {
            double re = grid_re(i), k = grid_k(j);
            double f = dh_friction_factor(re, k, DH_FRICTION_COLEBROOK, NULL);
            double ref = colebrook_bisect(re, k);
            double rel = fabs(f - ref) / ref;
            if (rel > worst) {
                worst = rel;
                wre = re;
                wk = k;
            }
        }
    printf("colebrook vs bisection: max relative difference %.3e at Re %.4g, e/D %.3g\n", worst,
           wre, wk);
    ck_assert_msg(worst < 1e-12, "max rel diff %.3e at Re %g e/D %g", worst, wre, wk);
}
END_TEST

START_TEST(colebrook_reference_values)
{
    /* mpmath (40 digits) solutions of Colebrook-White, computed for this test:
     *   Re 1e5, e/D 1e-4 -> 0.018513866077471642   (Moody 1944 chart: ~0.0185)
     *   Re 1e5, smooth   -> 0.017989773084273838   (Moody chart smooth line: ~0.018)
     *   Re 1e6, e/D 1e-3 -> 0.019943465840476866   (Moody chart: ~0.020)
     *   Re 1e8, e/D 1e-2 -> 0.037904323387354329   (fully rough: 0.0379, below)
     *   Re 1e4, e/D 5e-2 -> 0.073801275638538282
     * tolerance 1e-13 relative: machine precision of the solver plus the 17-digit literals */
    static const struct { double re, k, f; } ref[] = {
        {1e5, 1e-4, 0.018513866077471642}, {1e5, 0.0, 0.017989773084273838},
        {1e6, 1e-3, 0.019943465840476866}, {1e8, 1e-2, 0.037904323387354329},
        {1e4, 5e-2, 0.073801275638538282},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        double f = dh_friction_factor(ref[i].re, ref[i].k, DH_FRICTION_COLEBROOK, NULL);
        ck_assert_msg(fabs(f - ref[i].f) <= 1e-13 * ref[i].f, "Re %g k %g: %.17g vs %.17g",
                      ref[i].re, ref[i].k, f, ref[i].f);
    }
    /* Moody (1944) chart readings, +-2 % (reading accuracy of the chart) */
    ck_assert(fabs(dh_friction_factor(1e5, 1e-4, DH_FRICTION_COLEBROOK, NULL) / 0.0185 - 1) < 0.02);
    ck_assert(fabs(dh_friction_factor(1e6, 1e-3, DH_FRICTION_COLEBROOK, NULL) / 0.020 - 1) < 0.02);
    /* fully rough limit (von Karman-Nikuradse): 1/sqrt(f) = -2 log10(k/3.7), approached as
     * Re -> inf; at Re 1e15, e/D 1e-2 the 2.51/(Re sqrt f) term is 4.8e-12 of k/3.7, which
     * moves f by 2 x 0.87 x 4.8e-12 / 5.14 = 1.6e-12 relative: tolerance 1e-11 */
    double k = 1e-2, x = -2.0 * log10(k / 3.7);
    double f_rough = 1.0 / (x * x); /* 0.03790432... */
    ck_assert(fabs(dh_friction_factor(1e15, k, DH_FRICTION_COLEBROOK, NULL) / f_rough - 1) < 1e-11);
}
END_TEST

START_TEST(swamee_jain_formula_and_bound)
{
    /* The SJ model is the published formula itself (EPANET 2.2) to rounding. */
    for (int i = 0; i < N_RE; i++)
        for (int j = 0; j < N_K; j++) {
            double re = grid_re(i), k = grid_k(j);
            double f = dh_friction_factor(re, k, DH_FRICTION_SWAMEE_JAIN, NULL);
            double ref = swamee_jain_ref(re, k);
            ck_assert_msg(fabs(f - ref) <= 1e-14 * ref, "Re %g k %g", re, k);
        }
    /* Difference to exact Colebrook. Swamee & Jain (1976) quote ~1 % for 5e3 <= Re <= 1e8,
     * 1e-6 <= e/D <= 1e-2; reviews (e.g. Brkic 2011, J. Petrol. Sci. Eng. 77:34) find up to
     * ~3 % at the low-Re, rough corner. Measured here (and in docs/model-pipes.md):
     * 2.83 % on the published range, 3.36 % at Re 4000, e/D 0.022 on the wider grid.
     * Bounds: 3 % and 3.5 %; a broken SJ or Colebrook leaves them. */
    double worst = 0.0, wre = 0, wk = 0, worst_pub = 0.0;
    for (int i = 0; i < 4 * N_RE; i++)
        for (int j = 0; j < 4 * N_K; j++) {
            double re = 4e3 * pow(1e8 / 4e3, i / (4.0 * N_RE - 1));
            double k = 1e-6 * pow(0.05 / 1e-6, j / (4.0 * N_K - 1));
            double fs = dh_friction_factor(re, k, DH_FRICTION_SWAMEE_JAIN, NULL);
            double fc = dh_friction_factor(re, k, DH_FRICTION_COLEBROOK, NULL);
            double rel = fabs(fs - fc) / fc;
            if (rel > worst) {
                worst = rel;
                wre = re;
                wk = k;
            }
            if (re >= 5e3 && k <= 1e-2 && rel > worst_pub)
                worst_pub = rel;
        }
    printf("swamee-jain vs colebrook: max %.3f %% (Re %.4g, e/D %.3g); on 5e3..1e8 x "
           "1e-6..1e-2: %.3f %%\n",
           100 * worst, wre, wk, 100 * worst_pub);
    ck_assert_msg(worst < 0.035, "max SJ difference %.4f", worst);
    ck_assert_msg(worst_pub < 0.030, "max SJ difference on published range %.4f", worst_pub);
    ck_assert(worst_pub > 0.005); /* SJ is an approximation: a zero difference means a mix-up */
}
END_TEST

START_TEST(laminar_and_transition)
{
    static const dh_friction_model models[] = {DH_FRICTION_COLEBROOK, DH_FRICTION_SWAMEE_JAIN};
    for (int mi = 0; mi < 2; mi++) {
        dh_friction_model mo = models[mi];
        /* laminar: exactly 64/Re (Hagen-Poiseuille) */
        for (double re = 1e-3; re <= 2000.0; re *= 1.7) {
            double d;
            double f = dh_friction_factor(re, 1e-3, mo, &d);
            ck_assert(fabs(f - 64.0 / re) <= 1e-15 * f);
            ck_assert(fabs(d + 64.0 / (re * re)) <= 1e-15 * fabs(d));
        }
        for (int j = 0; j < N_K; j++) {
            double k = grid_k(j);
            /* C0 and C1 at 2000: cubic meets 64/Re (value 0.032, slope -1.6e-5) */
            double dl, dr;
            double fl = dh_friction_factor(2000.0, k, mo, &dl);
            double fr = dh_friction_factor(nextafter(2000.0, 3000.0), k, mo, &dr);
            ck_assert_msg(fabs(fl - fr) <= 1e-12 * fl, "C0 at 2000: %.17g %.17g", fl, fr);
            ck_assert_msg(fabs(dl - dr) <= 1e-9 * fabs(dl), "C1 at 2000: %.17g %.17g", dl, dr);
            /* C0 and C1 at 4000: cubic meets the turbulent law */
            fl = dh_friction_factor(nextafter(4000.0, 0.0), k, mo, &dl);
            fr = dh_friction_factor(4000.0, k, mo, &dr);
            ck_assert_msg(fabs(fl - fr) <= 1e-12 * fl, "C0 at 4000: %.17g %.17g", fl, fr);
            ck_assert_msg(fabs(dl - dr) <= 1e-9 * fabs(dr), "C1 at 4000: %.17g %.17g", dl, dr);
        }
    }
    /* EPANET 2.2 hydcoeffs.c DWpipecoeff transition, transcribed: SJ model matches it. */
    for (double re = 2001.0; re < 4000.0; re += 97.0)
        for (int j = 0; j < N_K; j += 5) {
            double e = grid_k(j);
            const double AB = 3.28895476345e-03, A9 = -8.685889638e-01, AC = -5.14214965799e-03;
            double y2 = e / 3.7 + AB, y3 = A9 * log(y2), fa = 1.0 / (y3 * y3);
            double fb = (2.0 + AC / (y2 * y3)) * fa, r = re / 2000.0;
            double x1 = 7.0 * fa - fb, x2 = 0.128 - 17.0 * fa + 2.5 * fb;
            double x3 = -0.128 + 13.0 * fa - (fb + fb), x4 = 0.032 - 3.0 * fa + 0.5 * fb;
            double f_epanet = x1 + r * (x2 + r * (x3 + r * x4));
            double f = dh_friction_factor(re, e, DH_FRICTION_SWAMEE_JAIN, NULL);
            /* 1e-9: EPANET's constants are printed to 12 digits */
            ck_assert_msg(fabs(f - f_epanet) <= 1e-9 * f, "Re %g: %.15g vs EPANET %.15g", re, f,
                          f_epanet);
        }
}
END_TEST

START_TEST(friction_derivative_vs_fd)
{
    /* central differences, step 1e-6 Re: truncation ~1e-12 relative; rounding: a few ulp of f
     * over 2h, i.e. ~1e-10 of the scale f/Re. Tolerance 1e-6 relative to |f'|, plus 1e-7 f/Re
     * for the fully rough zone where f' -> 0 and the FD is all rounding. */
    static const dh_friction_model models[] = {DH_FRICTION_COLEBROOK, DH_FRICTION_SWAMEE_JAIN};
    for (int mi = 0; mi < 2; mi++)
        for (double re = 10.0; re < 2e8; re *= 1.31) {
            if (fabs(re - 2000.0) < 1.0 || fabs(re - 4000.0) < 1.0)
                continue;
            for (int j = 0; j < N_K; j += 4) {
                double k = grid_k(j), d;
                dh_friction_factor(re, k, models[mi], &d);
                double h = 1e-6 * re;
                double fd = (dh_friction_factor(re + h, k, models[mi], NULL) -
                             dh_friction_factor(re - h, k, models[mi], NULL)) /
                            (2 * h);
                double f = dh_friction_factor(re, k, models[mi], NULL);
                ck_assert_msg(fabs(d - fd) <= 1e-6 * fabs(d) + 1e-7 * f / re,
                              "model %d Re %g k %g: %.10g vs fd %.10g", mi, re, k, d, fd);
            }
        }
}
END_TEST

/* ---- pressure loss --------------------------------------------------------------------- */

START_TEST(pressure_loss_derivatives)
{
    /* DN100-like pipe with fittings; water-like and steam-like properties. Flows from 0 and
     * tiny (laminar, written in m) through transition to turbulent, both signs. */
    dh_pipe_hyd g;
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 250.0, 0.1071, 5e-5, 3.5, NULL), DH_OK);
    static const double props[][2] = {{971.79, 3.5405e-4}, {5.0, 1.5e-5}}; /* rho, mu */
    static const double flows[] = {0.0, 1e-9, 1e-4, 0.01, 0.0168, 0.025, 0.03, 0.05, 0.2, 1.0,
                                   5.0, 30.0, 100.0};
    static const dh_friction_model models[] = {DH_FRICTION_COLEBROOK, DH_FRICTION_SWAMEE_JAIN};
    for (int mi = 0; mi < 2; mi++)
        for (int pi = 0; pi < 2; pi++)
            for (size_t fi = 0; fi < sizeof flows / sizeof flows[0]; fi++)
                for (int s = -1; s <= 1; s += 2) {
                    const double rho = props[pi][0], mu = props[pi][1];
                    const double m = s * flows[fi];
                    double dp, dm, dr, dmu;
                    dh_pipe_pressure_loss(m, rho, mu, &g, models[mi], &dp, &dm, &dr, &dmu);
                    ck_assert(isfinite(dp) && isfinite(dm) && isfinite(dr) && isfinite(dmu));
                    ck_assert_msg(dm > 0.0, "dp must increase with m (m %g)", m);
                    ck_assert(m == 0.0 ? dp == 0.0 : (dp > 0.0) == (m > 0.0)); /* odd in m */
                    double re = g.re_coef * fabs(m) / mu;
                    if (fabs(re - 2000) < 1e-3 * 2000 || fabs(re - 4000) < 1e-3 * 4000)
                        continue; /* FD would straddle a regime limit */
                    /* central differences; tolerance 1e-6 relative (step 1e-6 relative) */
                    double h = 1e-6 * fabs(m) + 1e-9, p1, p0;
                    dh_pipe_pressure_loss(m + h, rho, mu, &g, models[mi], &p1, NULL, NULL, NULL);
                    dh_pipe_pressure_loss(m - h, rho, mu, &g, models[mi], &p0, NULL, NULL, NULL);
                    double fd = (p1 - p0) / (2 * h);
                    ck_assert_msg(fabs(fd - dm) <= 1e-6 * fabs(dm), "ddp/dm m %g: %.10g vs %.10g",
                                  m, dm, fd);
                    h = 1e-6 * rho;
                    dh_pipe_pressure_loss(m, rho + h, mu, &g, models[mi], &p1, NULL, NULL, NULL);
                    dh_pipe_pressure_loss(m, rho - h, mu, &g, models[mi], &p0, NULL, NULL, NULL);
                    fd = (p1 - p0) / (2 * h);
                    ck_assert_msg(fabs(fd - dr) <= 1e-6 * fabs(dr) + 1e-300,
                                  "ddp/drho m %g: %.10g vs %.10g", m, dr, fd);
                    h = 1e-6 * mu;
                    dh_pipe_pressure_loss(m, rho, mu + h, &g, models[mi], &p1, NULL, NULL, NULL);
                    dh_pipe_pressure_loss(m, rho, mu - h, &g, models[mi], &p0, NULL, NULL, NULL);
                    fd = (p1 - p0) / (2 * h);
                    ck_assert_msg(fabs(fd - dmu) <= 1e-6 * fabs(dmu) + 1e-12 * fabs(dp) / mu,
                                  "ddp/dmu m %g: %.10g vs %.10g", m, dmu, fd);
                }
}
END_TEST

START_TEST(pressure_loss_continuity)
{
    /* dp and ddp/dm continuous at the flows where Re = 2000 and 4000, and laminar limit at
     * m = 0: ddp/dm(0) = 32 mu L/(rho A D^2) exactly (Hagen-Poiseuille). */
    dh_pipe_hyd g;
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 250.0, 0.1071, 5e-5, 3.5, NULL), DH_OK);
    const double rho = 971.79, mu = 3.5405e-4;
    double dp, dm;
    dh_pipe_pressure_loss(0.0, rho, mu, &g, DH_FRICTION_COLEBROOK, &dp, &dm, NULL, NULL);
    double a = PI * 0.1071 * 0.1071 / 4;
    double lam = 32 * mu * 250.0 / (rho * a * 0.1071 * 0.1071);
    ck_assert(dp == 0.0);
    ck_assert(fabs(dm - lam) <= 1e-14 * lam);
    for (int lim = 0; lim < 2; lim++) {
        double re = lim ? 4000.0 : 2000.0;
        double m = re * mu / g.re_coef;
        double pl, dl, pr, dr;
        dh_pipe_pressure_loss(m * (1 - 1e-13), rho, mu, &g, DH_FRICTION_COLEBROOK, &pl, &dl, NULL,
                              NULL);
        dh_pipe_pressure_loss(m * (1 + 1e-13), rho, mu, &g, DH_FRICTION_COLEBROOK, &pr, &dr, NULL,
                              NULL);
        ck_assert_msg(fabs(pl - pr) <= 1e-11 * pl, "dp jump at Re %g", re);
        ck_assert_msg(fabs(dl - dr) <= 1e-8 * dl, "slope jump at Re %g: %g %g", re, dl, dr);
    }
}
END_TEST

START_TEST(single_water_pipe_darcy_weisbach)
{
    /* Validation: DN200 steel pipe, EN 253 / EN 10217 219.1 x 4.5 mm (D = 0.2101 m), L = 1000 m,
     * e = 0.05 mm, m = 50 kg/s of water at 80 degC, 0.101325 MPa. Properties: IAPWS-95
     * (rho = 971.7904 kg/m3) and IAPWS 2008 viscosity (mu = 354.0507e-6 Pa s), from the python
     * `iapws` package 1.5 (IAPWS95(T=353.15, P=0.101325)).
     * By hand: A = pi D^2/4 = 0.034669 m2, v = m/(rho A) = 1.484074 m/s,
     * Re = 4 m/(pi D mu) = 855832.3, Colebrook (mpmath) f = 0.01520400428,
     * dp = f (L/D) rho v^2/2 = 77443.570 Pa (0.774 bar, 77.4 Pa/m: a typical DH design value);
     * Swamee-Jain f = 0.01529565253 -> dp = 77910.393 Pa (+0.60 %). */
    const double D = 0.2191 - 2 * 0.0045, L = 1000.0, e = 0.05e-3, m = 50.0;
    const double rho = 971.7903980966436, mu = 3.5405065387648634e-4;
    dh_pipe_hyd g;
    ck_assert_int_eq(dh_pipe_hyd_init(&g, L, D, e, 0.0, NULL), DH_OK);
    double dp;
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_COLEBROOK, &dp, NULL, NULL, NULL);
    /* 1e-9: the 11-digit hand values above */
    ck_assert_msg(fabs(dp - 77443.5704931866) <= 1e-9 * 77443.57, "dp %.10g", dp);
    /* and recomputed here from scratch with the test's bisection Colebrook */
    double A = PI * D * D / 4, v = m / (rho * A), Re = 4 * m / (PI * D * mu);
    double f = colebrook_bisect(Re, e / D);
    ck_assert(fabs(dp - f * L / D * rho * v * v / 2) <= 1e-12 * dp);
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_SWAMEE_JAIN, &dp, NULL, NULL, NULL);
    ck_assert_msg(fabs(dp - 77910.3927768356) <= 1e-9 * 77910.39, "dp SJ %.10g", dp);
    /* reversed flow: same magnitude, opposite sign */
    double dpr;
    dh_pipe_pressure_loss(-m, rho, mu, &g, DH_FRICTION_SWAMEE_JAIN, &dpr, NULL, NULL, NULL);
    ck_assert(dpr == -dp);
    /* local losses add K rho v^2/2: K = 10 adds 10 x 971.79 x 1.484^2/2 = 10702 Pa */
    ck_assert_int_eq(dh_pipe_hyd_init(&g, L, D, e, 10.0, NULL), DH_OK);
    double dpk;
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_SWAMEE_JAIN, &dpk, NULL, NULL, NULL);
    ck_assert(fabs(dpk - dp - 10.0 * rho * v * v / 2) <= 1e-10 * dpk);
}
END_TEST

START_TEST(laminar_pipe_hagen_poiseuille)
{
    /* Hagen-Poiseuille: dp = 128 mu L Q/(pi D^4). Water at 80 degC in a DN25 (D = 27.3 mm)
     * 10 m pipe at 0.01 kg/s: Re = 1317 (laminar). */
    const double D = 0.0273, L = 10.0, m = 0.01, rho = 971.79, mu = 3.5405e-4;
    dh_pipe_hyd g;
    ck_assert_int_eq(dh_pipe_hyd_init(&g, L, D, 4.5e-5, 0.0, NULL), DH_OK);
    double dp;
    dh_pipe_pressure_loss(m, rho, mu, &g, DH_FRICTION_COLEBROOK, &dp, NULL, NULL, NULL);
    double q = m / rho;
    double ref = 128 * mu * L * q / (PI * D * D * D * D);
    ck_assert_msg(fabs(dp - ref) <= 1e-13 * ref, "%.15g vs %.15g", dp, ref);
}
END_TEST

START_TEST(hyd_init_errors)
{
    dh_pipe_hyd g;
    dh_error err;
    dh_error_clear(&err);
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 0.0, 0.1, 0.0, 0.0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 10.0, -0.1, 0.0, 0.0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 10.0, 0.1, -1e-5, 0.0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_pipe_hyd_init(&g, 10.0, 0.1, 0.0, NAN, &err), DH_ERR_INPUT);
    ck_assert_int_eq(err.code, DH_ERR_INPUT);
    ck_assert(dh_friction_factor(0.0, 0.0, DH_FRICTION_COLEBROOK, NULL) == HUGE_VAL);
}
END_TEST

static Suite *friction_suite(void)
{
    Suite *s = suite_create("laws_friction");
    TCase *tc = tcase_create("friction");
    tcase_add_test(tc, colebrook_matches_bisection);
    tcase_add_test(tc, colebrook_reference_values);
    tcase_add_test(tc, swamee_jain_formula_and_bound);
    tcase_add_test(tc, laminar_and_transition);
    tcase_add_test(tc, friction_derivative_vs_fd);
    suite_add_tcase(s, tc);
    tc = tcase_create("pressure_loss");
    tcase_add_test(tc, pressure_loss_derivatives);
    tcase_add_test(tc, pressure_loss_continuity);
    tcase_add_test(tc, single_water_pipe_darcy_weisbach);
    tcase_add_test(tc, laminar_pipe_hagen_poiseuille);
    tcase_add_test(tc, hyd_init_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(friction_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
