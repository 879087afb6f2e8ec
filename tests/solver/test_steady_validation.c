/* test_steady_validation.c: the steady solver against independent references, each computed in
 * the test: a single water pipe vs Darcy-Weisbach with Colebrook-White solved by fixed-point
 * iteration; parallel pipes (identical: 50/50; different, fully rough: the analytic ratio from
 * von Karman's rough-pipe law); a long insulated steam main vs a fine explicit integration of
 * dp/dx and dh/dx with IF97 properties; mixing of two streams at a node vs hand computation. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dh_laws.h"
#include "dh_props.h"
#include "dh_solver.h"
#include "testnets.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static dh_study study_default(void)
{
    dh_study st = {.type = DH_STUDY_STEADY, .friction = DH_FRICTION_COLEBROOK, .tolerance = 1e-10,
                   .max_iterations = 100};
    return st;
}

static dh_snapshot *solve(dh_network *net)
{
    ck_assert_ptr_nonnull(net);
    dh_study st = study_default();
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    dh_error err;
    ck_assert_int_eq(dh_steady_create(net, &st, NULL, &s, &err), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(net, &snap), DH_OK);
    dh_status rc = dh_steady_solve(s, snap, &stats, &err);
    if (rc) dh_error_print(&err, stderr);
    ck_assert_int_eq(rc, DH_OK);
    ck_assert(stats.mass_balance_rel < 1e-9);
    ck_assert(stats.energy_balance_rel < 1e-6);
    dh_steady_destroy(&s);
    return snap;
}

/* Colebrook-White (1939): 1/sqrt(f) = -2 log10(e/(3.7 D) + 2.51/(Re sqrt(f))), fixed point. */
static double colebrook(double re, double rel)
{
    double x = 8.0; /* 1/sqrt(f) */
    for (int i = 0; i < 100; i++) x = -2.0 * log10(rel / 3.7 + 2.51 * x / re);
    return 1.0 / (x * x);
}

/* Mass flow of water through a pipe for a given pressure difference, Darcy-Weisbach:
 * dp = f (L/D) rho v^2 / 2, iterating v <-> f(Re). */
static double darcy_flow(double dp, double L, double D, double e, double rho, double mu)
{
    double f = 0.02, v = 0;
    for (int i = 0; i < 200; i++) {
        v = sqrt(2.0 * dp * D / (rho * f * L));
        f = colebrook(rho * v * D / mu, e / D);
    }
    return rho * v * M_PI * D * D / 4.0;
}

/* Water at the ambient air temperature (5 degC: no heat loss), 5 bar -> 4 bar abs over 1 km of
 * 200 mm pipe (e = 0.05 mm). Reference: Darcy-Weisbach with Colebrook-White, properties from
 * IF97 at the mean pressure. Tolerance 1e-6 relative: the solver converges to 1e-10 of its
 * scales; the acceleration term it carries (m^2/A^2 (1/rho_b - 1/rho_a), 1e5 Pa of
 * compression = 5e-5 relative density change) is ~2e-6 of dp, i.e. 1e-6 of the flow. */
START_TEST(single_water_pipe_darcy)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "A", 0);
    tn_node(b, "B", 0);
    tn_source_p(b, "HI", "A", DH_MEDIUM_WATER, 5e5, TN_C0 + 5);
    tn_source_p(b, "LO", "B", DH_MEDIUM_WATER, 4e5, TN_C0 + 5);
    tn_pipe(b, "P", "A", "B", 1000, 0.2, 5e-5, 0.05, 0);
    dh_network *net = tn_finish(b);
    dh_snapshot *snap = solve(net);
    /* adiabatic flow keeps the enthalpy of the inlet (5 bar, 5 degC): the mean state is
     * (4.5 bar, h_in), 12 mK warmer than 5 degC (throttling of a liquid warms it by v dp / cp);
     * the viscosity falls 3 %/K there, which matters at this tolerance */
    dh_props pr;
    double h_in;
    ck_assert_int_eq(dh_props_h_pT(5e5, TN_C0 + 5, &h_in, NULL, NULL), DH_OK);
    ck_assert_int_eq(dh_props_ph(4.5e5, h_in, &pr, NULL), DH_OK);
    double m_ref = darcy_flow(1e5, 1000, 0.2, 5e-5, pr.rho, pr.mu);
    double m = snap->link_mass_flow[0];
    ck_assert_msg(fabs(m - m_ref) < 1e-6 * m_ref, "flow %.10g, Darcy-Weisbach %.10g", m, m_ref);
    dh_snapshot_destroy(&snap);
    dh_network_destroy(&net);
}
END_TEST

/* Two identical parallel pipes split the flow 50/50 (to the solver tolerance); two different
 * pipes in the fully rough regime split by m1/m2 = (A1/A2) sqrt(D1 f2 L2 / (D2 f1 L1)) with
 * von Karman's rough-pipe law 1/sqrt(f) = -2 log10(e/(3.7 D)) (Colebrook's Re -> infinity
 * limit). At Re ~ 4e6 and e/D = 0.01-0.015 the 2.51/(Re sqrt f) term is ~1e-3 of e/(3.7 D), which
 * changes each f by < 5e-4 and the ratio by less: tolerance 1e-3. */
START_TEST(parallel_pipes_split)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "A", 0);
    tn_node(b, "B", 0);
    tn_node(b, "C", 0);
    tn_source_p(b, "HI", "A", DH_MEDIUM_WATER, 30e5, TN_C0 + 5);
    tn_source_p(b, "LO", "B", DH_MEDIUM_WATER, 10e5, TN_C0 + 5);
    tn_source_p(b, "LO2", "C", DH_MEDIUM_WATER, 10e5, TN_C0 + 5);
    tn_pipe(b, "S1", "A", "B", 100, 0.3, 1e-4, 0.05, 0);
    tn_pipe(b, "S2", "A", "B", 100, 0.3, 1e-4, 0.05, 0);
    tn_pipe(b, "R1", "A", "C", 100, 0.3, 3e-3, 0.05, 0);
    tn_pipe(b, "R2", "A", "C", 150, 0.2, 3e-3, 0.05, 0);
    dh_network *net = tn_finish(b);
    dh_snapshot *snap = solve(net);
    double s1 = snap->link_mass_flow[0], s2 = snap->link_mass_flow[1];
    ck_assert_double_eq_tol(s1 / s2, 1.0, 1e-9);
    double f1 = pow(-2.0 * log10(3e-3 / (3.7 * 0.3)), -2.0);
    double f2 = pow(-2.0 * log10(3e-3 / (3.7 * 0.2)), -2.0);
    double ratio = (0.3 * 0.3) / (0.2 * 0.2) * sqrt(0.3 * f2 * 150 / (0.2 * f1 * 100));
    double r = snap->link_mass_flow[2] / snap->link_mass_flow[3];
    ck_assert_msg(fabs(r / ratio - 1.0) < 1e-3, "split %.6g, rough-pipe law %.6g", r, ratio);
    dh_snapshot_destroy(&snap);
    dh_network_destroy(&net);
}
END_TEST

/* Fine integration of the steady steam main (independent of the solver's segment model):
 *   dh/dx = -q'(T) / m,           q' from dh_pipe_heat_loss (the pipe's resistance)
 *   dp/dx = -f m^2 / (2 D rho A^2) - d(m^2 / (rho A^2))/dx,   d rho = rho_p dp + rho_h dh
 * Heun's method with 1 m steps, IF97 (dh_props_ph) at each point, rho derivatives by central
 * differences. */
static void integrate_main(const dh_network *net, double p0, double T0, double m, double *p_out,
                           double *h_out)
{
    dh_pipe_heat heat;
    dh_error err;
    ck_assert_int_eq(dh_pipe_heat_init(net, 0, NULL, &heat, &err), DH_OK);
    double L = net->pipes.length[0], D = net->pipes.diameter[0], e = net->pipes.roughness[0];
    double A = M_PI * D * D / 4;
    double p = p0, h;
    ck_assert_int_eq(dh_props_h_pT(p0, T0, &h, NULL, NULL), DH_OK);
    const int N = 3000;
    double dx = L / N;
    for (int i = 0; i < N; i++) {
        double kp[2], kh[2], pp = p, hh = h;
        for (int stage = 0; stage < 2; stage++) {
            dh_props a, b1, b2, c1, c2;
            ck_assert_int_eq(dh_props_ph(pp, hh, &a, NULL), DH_OK);
            dh_props_ph(pp * (1 + 1e-6), hh, &b1, NULL);
            dh_props_ph(pp * (1 - 1e-6), hh, &b2, NULL);
            dh_props_ph(pp, hh + 1.0, &c1, NULL);
            dh_props_ph(pp, hh - 1.0, &c2, NULL);
            double rp = (b1.rho - b2.rho) / (2e-6 * pp), rh = (c1.rho - c2.rho) / 2.0;
            double mu = dh_viscosity(a.rho, a.T);
            double f = dh_friction_factor(4 * m / (M_PI * D * mu), e / D, DH_FRICTION_COLEBROOK, NULL);
            double dhdx = -dh_pipe_heat_loss(&heat, a.T, 0, NULL, NULL) / m;
            double G2 = m * m / (A * A);
            double dpf = -f * G2 / (2 * D * a.rho);
            double dpdx = (dpf + G2 / (a.rho * a.rho) * rh * dhdx) / (1 - G2 / (a.rho * a.rho) * rp);
            kp[stage] = dpdx;
            kh[stage] = dhdx;
            pp = p + dx * dpdx;
            hh = h + dx * dhdx;
        }
        p += 0.5 * dx * (kp[0] + kp[1]);
        h += 0.5 * dx * (kh[0] + kh[1]);
    }
    *p_out = p;
    *h_out = h;
}

/* 10 bar abs, 250 degC steam, 3 km of DN200 with 80 mm insulation, 4 kg/s drawn at the end.
 * The solver's segments (30 of 100 m) take the mean state for friction (second order) and the
 * upstream temperature for the heat loss (first order): the loss of a segment is off by about
 * dT_seg / (2 (T - T_amb)) = 1.2 K / 490 K = 0.25 %, i.e. 0.25 % of the 35 K drop = 0.1 K at
 * the end; the pressure drop is second order in the segment length (< 0.1 %). Tolerances:
 * 0.2 K and 0.2 % of the pressure drop. */
START_TEST(steam_main_vs_integration)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "S", 0);
    tn_node(b, "E", 0);
    tn_source_p(b, "BOILER", "S", DH_MEDIUM_STEAM, 10e5, TN_C0 + 250);
    tn_pipe(b, "M", "S", "E", 3000, 0.2, 4.5e-5, 0.08, 30);
    tn_steam_consumer(b, "K", "E", 4.0);
    dh_network *net = tn_finish(b);
    dh_snapshot *snap = solve(net);
    double p_ref, h_ref;
    integrate_main(net, 10e5, TN_C0 + 250, 4.0, &p_ref, &h_ref);
    dh_props ref;
    ck_assert_int_eq(dh_props_ph(p_ref, h_ref, &ref, NULL), DH_OK);
    size_t e = dh_network_find_node(net, "E");
    double dp_ref = 10e5 - p_ref, dp = 10e5 - snap->node_pressure[e];
    fprintf(stderr, "steam main: dp %.1f Pa (integration %.1f), T_out %.3f K (integration %.3f)\n",
            dp, dp_ref, snap->node_temperature[e], ref.T);
    ck_assert_msg(fabs(dp - dp_ref) < 2e-3 * dp_ref, "dp %g vs %g", dp, dp_ref);
    ck_assert_msg(fabs(snap->node_temperature[e] - ref.T) < 0.2, "T %g vs %g",
                  snap->node_temperature[e], ref.T);
    dh_snapshot_destroy(&snap);
    dh_network_destroy(&net);
}
END_TEST

/* Two streams mix at M: 2 kg/s of 80 degC and 3 kg/s of 40 degC water (fixed-flow sources);
 * h_M = (2 h(p_M, 80 degC) + 3 h(p_M, 40 degC)) / 5. Tolerance 1e-3 J/kg: the mixing equation
 * converges to 1e-10 x 1e6 J/kg. */
START_TEST(mixing_two_streams)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "M", 0);
    tn_node(b, "E", 0);
    tn_source_m(b, "HOT", "M", DH_MEDIUM_WATER, 2.0, TN_C0 + 80);
    tn_source_m(b, "COLD", "M", DH_MEDIUM_WATER, 3.0, TN_C0 + 40);
    tn_source_p(b, "SINK", "E", DH_MEDIUM_WATER, 2e5, TN_C0 + 20);
    tn_pipe(b, "P", "M", "E", 50, 0.1, 5e-5, 0.05, 0);
    dh_network *net = tn_finish(b);
    dh_snapshot *snap = solve(net);
    size_t m = dh_network_find_node(net, "M");
    double pm = snap->node_pressure[m], h1, h2;
    dh_props_h_pT(pm, TN_C0 + 80, &h1, NULL, NULL);
    dh_props_h_pT(pm, TN_C0 + 40, &h2, NULL, NULL);
    ck_assert_double_eq_tol(snap->node_enthalpy[m], (2 * h1 + 3 * h2) / 5, 1e-3);
    ck_assert_double_eq_tol(snap->link_mass_flow[0], 5.0, 1e-9);
    dh_snapshot_destroy(&snap);
    dh_network_destroy(&net);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("steady_validation");
    TCase *tc = tcase_create("validation");
    tcase_add_test(tc, single_water_pipe_darcy);
    tcase_add_test(tc, parallel_pipes_split);
    tcase_add_test(tc, steam_main_vs_integration);
    tcase_add_test(tc, mixing_two_streams);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
