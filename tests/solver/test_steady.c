/* test_steady.c: unit suite of the steady solver (solver/steady_kinsol.c, assemble.c,
 * layout.c, balance.c): convergence, conservation, analytic Jacobian against finite
 * differences, unmet demand, warm start. Networks: testnets.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_props.h"
#include "dh_solver.h"
#include "testnets.h"

typedef dh_network *(*net_fn)(void);

static dh_study study_default(void)
{
    dh_study st = {.type = DH_STUDY_STEADY, .friction = DH_FRICTION_COLEBROOK, .tolerance = 1e-10,
                   .max_iterations = 100};
    return st;
}

/* Solves and checks convergence and conservation. Conservation (issue 4): mass closes to
 * 1e-9 relative, energy (inflow enthalpy = outflow enthalpy + heat loss) to 1e-6 relative. */
static void solve_and_check(dh_network *net, dh_steady **ps, dh_snapshot **psnap,
                            dh_solve_stats *stats)
{
    ck_assert_ptr_nonnull(net);
    dh_study st = study_default();
    dh_error err;
    ck_assert_int_eq(dh_steady_create(net, &st, NULL, ps, &err), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(net, psnap), DH_OK);
    dh_status rc = dh_steady_solve(*ps, *psnap, stats, &err);
    if (rc) dh_error_print(&err, stderr);
    ck_assert_int_eq(rc, DH_OK);
    ck_assert(stats->converged);
    ck_assert_msg(stats->mass_balance_rel < 1e-9, "mass closure %g", stats->mass_balance_rel);
    ck_assert_msg(stats->energy_balance_rel < 1e-6, "energy closure %g",
                  stats->energy_balance_rel);
}

/* Analytic Jacobian vs central differences at u. Entries are compared scaled by the unknown and
 * residual magnitudes (KINSOL's view): S_ij = J_ij us_j / fs_i. Step 1e-6 of the unknown's
 * magnitude: central-difference truncation ~(1e-6)^2 relative and round-off ~1e-16/1e-6 = 1e-10
 * of the row's magnitude. dh_props_ph_fast reports derivatives at the backward-equation
 * temperature (dh_props.h: relative error up to ~1e-3 for drho/dp in compressed liquid, 1e-5
 * elsewhere), so an entry may differ from the exact derivative of the residual by ~1e-3 of the
 * property-derivative contribution; 2e-3 relative (with a floor of 1e-6 of the row's largest
 * entry) is the tolerance. Entries outside the pattern must be below that floor. */
static double jacobian_check(dh_steady *s, const double *u0)
{
    size_t n = dh_steady_size(s), nnz = dh_steady_nnz(s);
    size_t *cp = malloc((n + 1) * sizeof *cp), *ri = malloc(nnz * sizeof *ri);
    double *jx = malloc(nnz * sizeof *jx), *f0 = malloc(n * sizeof *f0);
    double *fp = malloc(n * sizeof *fp), *fm = malloc(n * sizeof *fm);
    double *u = malloc(n * sizeof *u), *dense_col = malloc(n * sizeof *dense_col);
    double *rowmax = calloc(n, sizeof *rowmax);
    ck_assert_int_eq(dh_steady_eval(s, u0, f0, cp, ri, jx), DH_OK);
    for (size_t j = 0; j < n; j++)
        for (size_t z = cp[j]; z < cp[j + 1]; z++) {
            double v = fabs(jx[z]) * dh_steady_unknown_scale(s, j) /
                       dh_steady_residual_scale(s, ri[z]);
            if (v > rowmax[ri[z]]) rowmax[ri[z]] = v;
        }
    double worst = 0.0;
    char where[512] = "";
    for (size_t j = 0; j < n; j++) {
        double us = dh_steady_unknown_scale(s, j), d = 1e-6 * us;
        memcpy(u, u0, n * sizeof *u);
        u[j] = u0[j] + d;
        ck_assert_int_eq(dh_steady_eval(s, u, fp, NULL, NULL, NULL), DH_OK);
        u[j] = u0[j] - d;
        ck_assert_int_eq(dh_steady_eval(s, u, fm, NULL, NULL, NULL), DH_OK);
        for (size_t i = 0; i < n; i++) dense_col[i] = 0.0;
        for (size_t z = cp[j]; z < cp[j + 1]; z++) dense_col[ri[z]] = jx[z];
        for (size_t i = 0; i < n; i++) {
            double fs = dh_steady_residual_scale(s, i);
            double an = dense_col[i] * us / fs, fd = (fp[i] - fm[i]) / (2 * d) * us / fs;
            double floor = 1e-6 * (rowmax[i] > 0 ? rowmax[i] : 1.0);
            double e = fabs(an - fd) / fmax(fabs(an), floor) * (fabs(an - fd) > floor);
            if (e > worst) {
                worst = e;
                char a[128], b[128];
                dh_steady_describe(s, i, a, sizeof a);
                dh_steady_describe(s, j, b, sizeof b);
                snprintf(where, sizeof where, "row %s / col %s: analytic %g fd %g", a, b, an, fd);
            }
        }
    }
    if (worst > 2e-3) fprintf(stderr, "jacobian: worst %g at %s\n", worst, where);
    free(cp);
    free(ri);
    free(jx);
    free(f0);
    free(fp);
    free(fm);
    free(u);
    free(dense_col);
    free(rowmax);
    return worst;
}

static void run_case(net_fn make, int check_jac)
{
    dh_network *net = make();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    if (check_jac) {
        size_t n = dh_steady_size(s);
        double *u = malloc(n * sizeof *u);
        memcpy(u, dh_steady_unknowns(s), n * sizeof *u);
        double w = jacobian_check(s, u);
        ck_assert_msg(w < 2e-3, "jacobian at the solution: %g", w);
        /* off the solution: flows perturbed by 10 %, enthalpies by 1 kJ/kg */
        for (size_t i = 0; i < n; i++) {
            char what[256];
            dh_steady_describe(s, i, what, sizeof what);
            if (strstr(what, "energy")) u[i] += 1e3 * sin((double)i);
            else if (!strstr(what, "mass balance")) u[i] *= 1.0 + 0.1 * cos((double)i);
        }
        w = jacobian_check(s, u);
        ck_assert_msg(w < 2e-3, "jacobian off the solution: %g", w);
        free(u);
    }
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}

START_TEST(water_loop_solves_with_reversed_flow)
{
    dh_network *net = tn_water_loop();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    size_t p4 = dh_network_find_link(net, "P4");
    ck_assert_msg(snap->link_mass_flow[p4] < 0, "P4 flow %g should run against its direction",
                  snap->link_mass_flow[p4]);
    /* consumers get their heat: Q = m (h_s - h_r) to the solver tolerance (1e-10 of the
     * design flow, ~1e-8 relative) */
    for (size_t c = 0; c < net->consumers.n; c++) {
        ck_assert_double_eq_tol(snap->consumer_heat[c], net->consumers.demand_heat[c],
                                1e-6 * net->consumers.demand_heat[c]);
        ck_assert_double_eq_tol(snap->consumer_unmet[c], 0.0, 1e-6 * net->consumers.demand_heat[c]);
    }
    /* heat loss: every insulated pipe loses heat */
    for (size_t l = 0; l < net->links.n; l++) ck_assert(snap->link_heat_loss[l] > 0);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(steam_main_gets_wet)
{
    dh_network *net = tn_steam_wet();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    size_t e = dh_network_find_node(net, "E"), m1 = dh_network_find_link(net, "M1");
    double x = snap->node_quality[e];
    ck_assert_msg(x > 0.3 && x < 0.99, "far-end quality %g", x);
    /* condensate = m (x_in - x_out) = 0.5 (1 - x) kg/s (the inlet is superheated, x = 1) */
    ck_assert_double_eq_tol(snap->link_condensate[m1], 0.5 * (1.0 - x), 1e-6);
    /* the far end is at saturation */
    ck_assert_double_eq_tol(snap->node_temperature[e], dh_if97_tsat(snap->node_pressure[e]), 1e-3);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(valves_and_pump)
{
    dh_network *net = tn_valves_pump();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    /* the pressure-reducing valve holds its set point (3 bar abs) to the solver tolerance */
    ck_assert_double_eq_tol(snap->node_pressure[dh_network_find_node(net, "N4")], 3e5, 1.0);
    /* the check valve passes the forward flow */
    ck_assert(snap->link_mass_flow[dh_network_find_link(net, "CV")] > 5.0);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(substation_couples_steam_and_water)
{
    dh_network *net = tn_substation();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    /* steam drawn at SN = heat taken by the water / (h_steam - h_condensate) */
    size_t sm = dh_network_find_link(net, "SM"), ws = dh_network_find_node(net, "WS");
    size_t sn = dh_network_find_node(net, "SN"), wr = dh_network_find_node(net, "WR");
    double m_steam = snap->link_mass_flow[sm];
    double hc;
    dh_props_h_pT(snap->node_pressure[sn], TN_C0 + 80, &hc, NULL, NULL);
    double Q = m_steam * (snap->node_enthalpy[sn] - hc);
    /* the water side: its flow is the consumer's; heat = m (h_ws - h_wr) */
    double m_w = snap->consumer_mass_flow[0];
    double Qw = m_w * (snap->node_enthalpy[ws] - snap->node_enthalpy[wr]);
    ck_assert_double_eq_tol(Q, Qw, 1e-6 * Qw);
    ck_assert_double_eq_tol(snap->node_temperature[ws], TN_C0 + 85, 1e-3);
    ck_assert(Qw > 1e6); /* the consumer's 1 MW plus the secondary's pipe losses */
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(steam_branch_conserves)
{
    run_case(tn_steam_branch, 0);
}
END_TEST

START_TEST(jacobian_water_loop)
{
    run_case(tn_water_loop, 1);
}
END_TEST

START_TEST(jacobian_steam_wet)
{
    run_case(tn_steam_wet, 1);
}
END_TEST

START_TEST(jacobian_valves_pump)
{
    run_case(tn_valves_pump, 1);
}
END_TEST

START_TEST(jacobian_substation)
{
    run_case(tn_substation, 1);
}
END_TEST

START_TEST(jacobian_steam_branch)
{
    run_case(tn_steam_branch, 1);
}
END_TEST

/* A consumer at the end of a pipe far too small: demand cannot be met; the solve converges and
 * reports the unmet part instead of failing. */
START_TEST(unmet_demand_is_a_result)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "S", 0);
    tn_node(b, "E", 0);
    tn_source_p(b, "BOILER", "S", DH_MEDIUM_STEAM, 3e5, TN_C0 + 160);
    tn_pipe(b, "THIN", "S", "E", 1000, 0.08, 4.5e-5, 0.06, 4);
    tn_steam_consumer(b, "BIG", "E", 3.0);
    dh_network *net = tn_finish(b);
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    solve_and_check(net, &s, &snap, &stats);
    ck_assert_msg(snap->consumer_unmet[0] > 2.0, "unmet %g", snap->consumer_unmet[0]);
    /* delivered + unmet = demand */
    ck_assert_double_eq_tol(snap->consumer_unmet[0] + snap->consumer_mass_flow[0], 3.0, 1e-9);
    ck_assert(snap->consumer_pressure[0] < 101325.0 + 2e4);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

/* A series of solves reuses the solver: a second solve at 80 % load starts from the first
 * solution and needs few iterations. */
START_TEST(warm_start_series)
{
    dh_network *net = tn_steam_branch();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats, stats2;
    solve_and_check(net, &s, &snap, &stats);
    dh_steady_set_load(s, 0.8);
    dh_error err;
    ck_assert_int_eq(dh_steady_solve(s, snap, &stats2, &err), DH_OK);
    ck_assert_double_eq_tol(snap->consumer_mass_flow[0], 0.8 * 3.0, 1e-8);
    ck_assert_int_le(stats2.iterations, stats.iterations);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

static Suite *steady_suite(void)
{
    Suite *su = suite_create("steady");
    TCase *tc = tcase_create("solve");
    tcase_add_test(tc, water_loop_solves_with_reversed_flow);
    tcase_add_test(tc, steam_main_gets_wet);
    tcase_add_test(tc, valves_and_pump);
    tcase_add_test(tc, substation_couples_steam_and_water);
    tcase_add_test(tc, steam_branch_conserves);
    tcase_add_test(tc, unmet_demand_is_a_result);
    tcase_add_test(tc, warm_start_series);
    suite_add_tcase(su, tc);
    TCase *tj = tcase_create("jacobian");
    tcase_add_test(tj, jacobian_water_loop);
    tcase_add_test(tj, jacobian_steam_wet);
    tcase_add_test(tj, jacobian_valves_pump);
    tcase_add_test(tj, jacobian_substation);
    tcase_add_test(tj, jacobian_steam_branch);
    suite_add_tcase(su, tj);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(steady_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
