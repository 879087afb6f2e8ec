/* test_drainage.c: the condensate drainage of steam mains (docs/model-pipes.md, "Condensate
 * drainage") and the cheaper property paths added for the series speed-up (issue 7).
 *  - dh_if97_rho_vap_sat against the IF97 verification value of saturated vapour at 1 MPa and
 *    its derivative against central differences;
 *  - dh_steam_column_density: superheated -> rho, wet / liquid -> rho''(p), continuous at x = 1;
 *  - dh_condensate_h_ambient (linear in p) against IF97 within its documented 4 J/kg;
 *  - dh_viscosity_deriv: value bit for bit dh_viscosity's, derivatives against central
 *    differences over liquid, vapour and near-critical states;
 *  - dh_props_*_thermo: every thermodynamic field equal to the full entry points';
 *  - regression of the fold: the park's winter peak with CH-NH3 at 40 t/h (the near-stagnant
 *    tie TIE-NE) converges, with mass and energy balances closing, and the analytic Jacobian of
 *    TIE-NE's momentum rows (column density of wet segments) matches central differences;
 * The regression of the frozen-condensate stall (the park year over 01-20 .. 01-21, when the
 * machinery shuts down for the Spring Festival at -5 degC: 7 of 48 steps failed) is the e2e test
 * run_series_drainage.py.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_laws.h"
#include "dh_loads.h"
#include "dh_plant_couple.h"
#include "dh_props.h"
#include "dh_series.h"
#include "dh_solver.h"

static void case_path(const char *rel, char *buf, size_t n)
{
    const char *src = getenv("SRCDIR");
    snprintf(buf, n, "%s/%s", src ? src : ".", rel);
}

START_TEST(test_rho_vap_sat)
{
    /* IAPWS-IF97 saturated vapour at 1 MPa: Tsat = 453.03 K, v'' = 0.194349 m3/kg (IAPWS
     * steam tables, e.g. Wagner & Kretzschmar, International Steam Tables, Table 2); the
     * table's 6 digits give 5e-6 relative */
    double d = 0;
    double r = dh_if97_rho_vap_sat(1e6, &d);
    ck_assert_double_eq_tol(1.0 / r, 0.194349, 0.194349 * 5e-6);
    /* the derivative against central differences of 1e-5 p (truncation ~(1e-5)^2 relative) */
    for (double p = 2e5; p < 2.1e7; p *= 3.0) {
        double dd = 0, h = 1e-5 * p;
        dh_if97_rho_vap_sat(p, &dd);
        double fd = (dh_if97_rho_vap_sat(p + h, NULL) - dh_if97_rho_vap_sat(p - h, NULL)) / (2 * h);
        ck_assert_msg(fabs(dd - fd) <= 1e-5 * fabs(fd), "p %g: %g vs %g", p, dd, fd);
    }
    ck_assert(isnan(dh_if97_rho_vap_sat(100.0, NULL)));
    ck_assert(isnan(dh_if97_rho_vap_sat(3e7, NULL)));
}
END_TEST

START_TEST(test_column_density)
{
    const double p = 1e6;
    double rv = dh_if97_rho_vap_sat(p, NULL), cp = 0, ch = 0;
    /* superheated: the mixture's own */
    double c = dh_steam_column_density(p, 4.2, 1.0, 1e-5, -3e-6, &cp, &ch);
    ck_assert_double_eq(c, 4.2);
    ck_assert_double_eq(cp, 1e-5);
    ck_assert_double_eq(ch, -3e-6);
    /* wet (x = 0.5, mixture density ~10 kg/m3) and subcooled (x = 0, 900 kg/m3): vapour only */
    c = dh_steam_column_density(p, 10.3, 0.5, 2e-5, -4e-6, &cp, &ch);
    ck_assert_double_eq(c, rv);
    ck_assert_double_eq(ch, 0.0);
    c = dh_steam_column_density(p, 900.0, 0.0, 1e-7, -1e-3, &cp, &ch);
    ck_assert_double_eq(c, rv);
    /* continuous at the saturated-vapour line: rho(p, h'') = rho'' (within the fast path's
     * 1.2e-7 relative, dh_props.h) */
    dh_props V;
    ck_assert_int_eq(dh_props_px(p, 1.0, &V, NULL), DH_OK);
    dh_ph_state st;
    ck_assert_int_eq(dh_props_ph_fast(p, V.h + 1e-3, 0, &st), DH_OK);
    c = dh_steam_column_density(p, st.rho, st.x, st.drho_dp, st.drho_dh, &cp, &ch);
    ck_assert_double_eq_tol(c, rv, 1e-6 * rv);
}
END_TEST

START_TEST(test_condensate_h_ambient)
{
    /* the linear-in-p liquid enthalpy against IF97 (dh_props_h_pT) over the steam mains'
     * pressures and ambient temperatures: the documented bound, 4 J/kg (3.1 J/kg found at
     * 0.01 degC, 3 MPa) */
    for (double T = 273.16; T <= 333.15; T += 5.0)
        for (double p = 1e5; p <= 3e6; p += 1e5) {
            double h, cp, hp, hr, cpr, hpr;
            ck_assert_int_eq(dh_condensate_h_ambient(p, T, &h, &cp, &hp), DH_OK);
            ck_assert_int_eq(dh_props_h_pT(p, T, &hr, &cpr, &hpr), DH_OK);
            ck_assert_msg(fabs(h - hr) <= 4.0, "p %g T %g: %g vs %g", p, T, h, hr);
            /* the derivatives are those at 1 MPa: cp within 0.5 % (2.1e-3 found near 0 degC), dh/dp
             * within 1 % */
            ck_assert_double_le(fabs(cp - cpr), 5e-3 * cpr);
            ck_assert_double_le(fabs(hp - hpr), 1e-2 * fabs(hpr));
        }
    /* memo: more temperatures than entries, asked again, same values bit for bit */
    double a[6], b[6];
    for (int k = 0; k < 6; k++) dh_condensate_h_ambient(2e6, 275.0 + k, &a[k], NULL, NULL);
    for (int k = 0; k < 6; k++) dh_condensate_h_ambient(2e6, 275.0 + k, &b[k], NULL, NULL);
    for (int k = 0; k < 6; k++) ck_assert_double_eq(a[k], b[k]);
    double h;
    ck_assert_int_eq(dh_condensate_h_ambient(1e6, 100.0, &h, NULL, NULL), DH_RECOVERABLE);
}
END_TEST

START_TEST(test_viscosity_deriv)
{
    /* (rho, T): liquid, vapour, steam main states, near-critical */
    const double st[][2] = {{998.0, 293.15}, {887.0, 453.0}, {5.15, 453.03}, {4.3, 563.0},
                            {0.6, 373.15}, {322.0, 647.0},  {600.0, 700.0}};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        double rho = st[i][0], T = st[i][1], dr = 0, dT = 0;
        double mu = dh_viscosity_deriv(rho, T, &dr, &dT);
        ck_assert_double_eq(mu, dh_viscosity(rho, T)); /* same operations: bit for bit */
        /* central differences of 1e-5 relative: truncation ~1e-10, round-off ~1e-11 relative
         * of mu / step; 1e-6 relative of the larger of the two partial contributions */
        double hr = 1e-5 * rho, hT = 1e-5 * T;
        double fr = (dh_viscosity(rho + hr, T) - dh_viscosity(rho - hr, T)) / (2 * hr);
        double fT = (dh_viscosity(rho, T + hT) - dh_viscosity(rho, T - hT)) / (2 * hT);
        ck_assert_msg(fabs(dr - fr) * rho <= 1e-6 * mu, "rho %g T %g: dmu/drho %g vs %g", rho,
                      T, dr, fr);
        ck_assert_msg(fabs(dT - fT) * T <= 1e-6 * mu, "rho %g T %g: dmu/dT %g vs %g", rho, T, dT,
                      fT);
    }
}
END_TEST

START_TEST(test_thermo_variants)
{
    const double pT[][2] = {{1e6, 563.15}, {1e5, 300.0}, {2e7, 650.0}, {8.8e6, 808.15}};
    for (size_t i = 0; i < sizeof pT / sizeof pT[0]; i++) {
        dh_props a, b, c, d;
        ck_assert_int_eq(dh_props_pT(pT[i][0], pT[i][1], &a, NULL), DH_OK);
        ck_assert_int_eq(dh_props_pT_thermo(pT[i][0], pT[i][1], &b, NULL), DH_OK);
        ck_assert_int_eq(dh_props_ph_thermo(pT[i][0], a.h, &c, NULL), DH_OK);
        ck_assert_int_eq(dh_props_ph(pT[i][0], a.h, &d, NULL), DH_OK);
        ck_assert_double_eq(a.h, b.h);
        ck_assert_double_eq(a.s, b.s);
        ck_assert_double_eq(a.rho, b.rho);
        ck_assert_double_eq(a.cp, b.cp);
        ck_assert(isnan(b.mu) && isnan(b.lambda));
        ck_assert_double_eq(c.T, d.T);
        ck_assert_double_eq(c.s, d.s);
        ck_assert_double_eq(c.rho, d.rho);
        ck_assert_int_eq(dh_props_ps_thermo(pT[i][0], a.s, &c, NULL), DH_OK);
        ck_assert_int_eq(dh_props_ps(pT[i][0], a.s, &d, NULL), DH_OK);
        ck_assert_double_eq(c.T, d.T);
        ck_assert_double_eq(c.h, d.h);
    }
    /* wet state */
    dh_props w1, w2;
    ck_assert_int_eq(dh_props_ph(1e6, 2.0e6, &w1, NULL), DH_OK);
    ck_assert_int_eq(dh_props_ph_thermo(1e6, 2.0e6, &w2, NULL), DH_OK);
    ck_assert_double_eq(w1.x, w2.x);
    ck_assert_double_eq(w1.rho, w2.rho);
}
END_TEST

/* The fold of the near-stagnant tie: without drainage this case did not converge (exit 1 of
 * `dhsim run`, 750 Newton iterations); with it the coupled network solves from its cold start. */
START_TEST(test_ch_nh3_40)
{
    char path[1024];
    case_path("cases/linyi-etdz/winter-peak.yaml", path, sizeof path);
    const char *sets[] = {"consumers.CH-NH3.demand=40 t/h"};
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_case *c = NULL;
    dh_status st = dh_case_read(path, sets, 1, &c, &diag);
    if (st) dh_diag_print(&diag, stderr);
    ck_assert_int_eq(st, DH_OK);
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_error err;
    ck_assert_int_eq(dh_steady_create(c->net, &c->study, NULL, &s, &err), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(c->net, &snap), 0);
    dh_solve_stats ss;
    st = dh_steady_solve(s, snap, &ss, &err);
    ck_assert_msg(st == DH_OK, "%s", err.message);
    /* balances as the solver reports them: the mass balance is the residual's (tolerance
     * 1e-8 scaled by the design flow ~100 kg/s), the energy balance to the fast path's
     * property accuracy (1e-7) */
    ck_assert_double_le(ss.mass_balance_rel, 1e-8);
    ck_assert_double_le(ss.energy_balance_rel, 1e-6);
    /* the tie carries only what condenses in it: |m| small, its condensate reported */
    size_t tie = c->net->links.n;
    for (size_t l = 0; l < c->net->links.n; l++)
        if (!strcmp(c->net->links.id[l], "TIE-NE")) tie = l;
    ck_assert_uint_lt(tie, c->net->links.n);
    ck_assert_double_lt(fabs(snap->link_mass_flow[tie]), 0.5);
    ck_assert_double_ge(snap->link_condensate[tie], 0.0);
    /* at most all of it (the condensate is counted with pos(m) = (m + sqrt(m^2 + eps^2))/2,
     * docs/model.md "Smoothing": above |m| by ~eps^2/(4|m|), 1e-7 kg/s here) */
    ck_assert_double_le(snap->link_condensate[tie], fabs(snap->link_mass_flow[tie]) + 1e-6);

    /* the Jacobian of TIE-NE's momentum rows (column density of its wet segments) against
     * central differences at the solution: steps of 1e-7 of each unknown's scale; the rows are
     * smooth there except across the x = 1 line (none of TIE-NE's mean states is within the
     * step of it: its segments are wet or superheated by far); agreement to 1e-5 of the row's
     * largest entry x the unknown's scale (round-off of the differences ~1e-8 of it) */
    size_t n = dh_steady_size(s), nnz = dh_steady_nnz(s);
    double *u = malloc(n * sizeof *u), *f0 = malloc(n * sizeof *f0), *f1 = malloc(n * sizeof *f1);
    size_t *cp = malloc((n + 1) * sizeof *cp), *ri = malloc(nnz * sizeof *ri);
    double *jx = malloc(nnz * sizeof *jx);
    memcpy(u, dh_steady_unknowns(s), n * sizeof *u);
    ck_assert_int_eq(dh_steady_eval(s, u, f0, cp, ri, jx), DH_OK);
    int checked = 0;
    char what[160];
    for (size_t j = 0; j < n; j++) {
        for (size_t z = cp[j]; z < cp[j + 1]; z++) {
            size_t i = ri[z];
            dh_steady_describe(s, i, what, sizeof what);
            if (!strstr(what, "TIE-NE") || !strstr(what, "momentum")) continue;
            double hj = 1e-7 * dh_steady_unknown_scale(s, j), uj = u[j];
            u[j] = uj + hj;
            ck_assert_int_eq(dh_steady_eval(s, u, f1, NULL, NULL, NULL), DH_OK);
            double fp = f1[i];
            u[j] = uj - hj;
            ck_assert_int_eq(dh_steady_eval(s, u, f1, NULL, NULL, NULL), DH_OK);
            u[j] = uj;
            double fd = (fp - f1[i]) / (2 * hj);
            double rowmax = 0;
            for (size_t jj = 0; jj < n; jj++)
                for (size_t zz = cp[jj]; zz < cp[jj + 1]; zz++)
                    if (ri[zz] == i)
                        rowmax = fmax(rowmax, fabs(jx[zz]) * dh_steady_unknown_scale(s, jj));
            ck_assert_msg(fabs(fd - jx[z]) * dh_steady_unknown_scale(s, j) <= 1e-5 * rowmax,
                          "%s, column %zu: %g vs %g", what, j, jx[z], fd);
            checked++;
        }
    }
    ck_assert_int_ge(checked, 20); /* 5+ segments x (m, p_a, h_a, p_b, h_b) */
    free(u), free(f0), free(f1), free(cp), free(ri), free(jx);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
}
END_TEST

static Suite *drain_suite(void)
{
    Suite *s = suite_create("drainage");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rho_vap_sat);
    tcase_add_test(tc, test_column_density);
    tcase_add_test(tc, test_condensate_h_ambient);
    tcase_add_test(tc, test_viscosity_deriv);
    tcase_add_test(tc, test_thermo_variants);
    tcase_add_test(tc, test_ch_nh3_40);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(drain_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
