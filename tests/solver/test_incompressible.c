/* test_incompressible.c: `study: {water: incompressible}` (docs/model.md, "Incompressible
 * water"): the reader's values and errors; a single pipe against an EPANET-style hand
 * computation (constant density and viscosity, Darcy-Weisbach + Colebrook, elevation as
 * rho g dz); a water ring with heat consumers (node enthalpies fixed, mass balance closed,
 * consumer flows Q / (h_water - h_return)); refusals (steam, sources at two temperatures). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_props.h"
#include "dh_solver.h"
#include "testnets.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static dh_study study_incomp(double T)
{
    dh_study st = {.type = DH_STUDY_STEADY, .friction = DH_FRICTION_COLEBROOK, .tolerance = 1e-10,
                   .max_iterations = 100, .water = DH_WATER_INCOMPRESSIBLE,
                   .water_temperature = T};
    return st;
}

/* Colebrook-White (1939): 1/sqrt(f) = -2 log10(e/(3.7 D) + 2.51/(Re sqrt(f))), fixed point. */
static double colebrook(double re, double rel)
{
    double x = 8.0;
    for (int i = 0; i < 100; i++) x = -2.0 * log10(rel / 3.7 + 2.51 * x / re);
    return 1.0 / (x * x);
}

/* ---- reader -------------------------------------------------------------------------------- */

static const char *case_fmt =
    "dhsim: 1\n"
    "study: {%s}\n"
    "nodes: [{id: A}, {id: B}]\n"
    "pipes: [{id: P, from: A, to: B, length: 100 m, diameter: 100 mm, roughness: 0.1 mm}]\n"
    "sources: [{id: S, node: A, type: fixed_pressure, medium: water, pressure: 3 bar,"
    " temperature: 20 degC}]\n"
    "consumers: [{id: C, node: B, type: water, demand: 2 L/s}]\n";

static dh_status read_study(const char *study, dh_case **c, dh_diag *d)
{
    char text[1024];
    snprintf(text, sizeof text, case_fmt, study);
    dh_units *units = NULL;
    ck_assert_int_eq(dh_units_create(&units, NULL), DH_OK);
    dh_diag_init(d, 20);
    dh_status st = dh_case_read_string(text, strlen(text), "w.yaml", NULL, 0, units, c, d);
    dh_units_destroy(&units);
    return st;
}

START_TEST(reader_values)
{
    dh_case *c = NULL;
    dh_diag d;
    ck_assert_int_eq(read_study("type: steady", &c, &d), DH_OK);
    ck_assert_int_eq(c->study.water, DH_WATER_IAPWS); /* default */
    ck_assert(isnan(c->study.water_temperature));
    dh_case_destroy(&c);
    dh_diag_free(&d);
    ck_assert_int_eq(read_study("water: iapws", &c, &d), DH_OK);
    ck_assert_int_eq(c->study.water, DH_WATER_IAPWS);
    dh_case_destroy(&c);
    dh_diag_free(&d);
    ck_assert_int_eq(read_study("water: incompressible, water_temperature: 10 degC", &c, &d),
                     DH_OK);
    ck_assert_int_eq(c->study.water, DH_WATER_INCOMPRESSIBLE);
    ck_assert_double_eq_tol(c->study.water_temperature, 283.15, 1e-9);
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(reader_bad_value)
{
    dh_case *c = NULL;
    dh_diag d;
    ck_assert_int_eq(read_study("water: incompresible", &c, &d), DH_ERR_INPUT);
    ck_assert_ptr_null(c);
    ck_assert_uint_ge(d.count, 1);
    char buf[512];
    dh_error_format(&d.items[0], buf, sizeof buf);
    ck_assert_msg(strstr(buf, "w.yaml:2:") && strstr(buf, "incompressible"), "%s", buf);
    dh_diag_free(&d);
}
END_TEST

/* ---- solver -------------------------------------------------------------------------------- */

/* A at z = 10 m, 5 bar abs; B at z = 0, 4 bar abs; 1 km of 200 mm pipe, e = 0.05 mm; water at
 * 20 degC. EPANET's hydraulics, by hand: the head loss is
 *   h_f = (p_A - p_B) / (rho g) + z_A - z_B,   h_f = f (L/D) v^2 / (2 g),  f = Colebrook(Re)
 * with rho, mu of water at 20 degC and 101.325 kPa (IAPWS-IF97, IAPWS 2008), fixed-point
 * iteration on v. Tolerance 1e-8 relative: the solver converges to 1e-10 of its scales and the
 * incompressible momentum row is exactly this equation (no acceleration term: rho constant). */
START_TEST(single_pipe_epanet_hand)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "A", 10);
    tn_node(b, "B", 0);
    tn_source_p(b, "HI", "A", DH_MEDIUM_WATER, 5e5, TN_C0 + 20);
    tn_source_p(b, "LO", "B", DH_MEDIUM_WATER, 4e5, TN_C0 + 20);
    tn_pipe(b, "P", "A", "B", 1000, 0.2, 5e-5, 0.05, 0);
    dh_network *net = tn_finish(b);
    ck_assert_ptr_nonnull(net);
    dh_study study = study_incomp(NAN); /* the sources' 20 degC */
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    dh_error err;
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(net, &snap), DH_OK);
    ck_assert_int_eq(dh_steady_solve(s, snap, &stats, &err), DH_OK);
    dh_props pr;
    ck_assert_int_eq(dh_props_pT(101325.0, TN_C0 + 20, &pr, NULL), DH_OK);
    const double g = 9.80665, L = 1000, D = 0.2, A = M_PI * D * D / 4;
    double hf = 1e5 / (pr.rho * g) + 10.0, f = 0.02, v = 0;
    for (int i = 0; i < 200; i++) {
        v = sqrt(2.0 * g * hf * D / (f * L));
        f = colebrook(pr.rho * v * D / pr.mu, 5e-5 / D);
    }
    double m_ref = pr.rho * v * A;
    double m = snap->link_mass_flow[0];
    ck_assert_msg(fabs(m - m_ref) < 1e-8 * m_ref, "flow %.12g, hand %.12g", m, m_ref);
    /* enthalpies fixed at h(p_atm, 20 degC), temperatures 20 degC, no heat lost */
    for (size_t k = 0; k < 2; k++) {
        ck_assert_double_eq_tol(snap->node_enthalpy[k], pr.h, 1e-9 * pr.h);
        ck_assert_double_eq_tol(snap->node_temperature[k], TN_C0 + 20, 1e-12);
    }
    ck_assert_double_eq_tol(snap->link_heat_loss[0], 0.0, 1e-9);
    ck_assert(stats.mass_balance_rel < 1e-9);
    ck_assert(isnan(stats.energy_balance_rel)); /* no energy equation */
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

/* The water ring (90 degC supply source, 50 degC return source) at water_temperature 90 degC:
 * every node at h(p_atm, 90 degC); the heat consumers draw m = Q / (h_water - h(p_ret, T_ret))
 * (docs/model.md: the substation's design difference with the water at its one temperature),
 * to 1e-8 relative (solver tolerance); mass closes to 1e-9. */
START_TEST(water_ring_fixed_enthalpy)
{
    dh_network *net = tn_water_loop();
    ck_assert_ptr_nonnull(net);
    dh_study study = study_incomp(TN_C0 + 90);
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    dh_solve_stats stats;
    dh_error err;
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_OK);
    ck_assert_int_eq(dh_snapshot_create(net, &snap), DH_OK);
    dh_status rc = dh_steady_solve(s, snap, &stats, &err);
    if (rc) dh_error_print(&err, stderr);
    ck_assert_int_eq(rc, DH_OK);
    double h_fix;
    ck_assert_int_eq(dh_props_h_pT(101325.0, TN_C0 + 90, &h_fix, NULL, NULL), DH_OK);
    for (size_t k = 0; k < net->nodes.n; k++)
        ck_assert_double_eq_tol(snap->node_enthalpy[k], h_fix, 1e-9 * h_fix);
    ck_assert(stats.mass_balance_rel < 1e-9);
    for (size_t c = 0; c < net->consumers.n; c++) {
        size_t r = net->consumers.return_node[c];
        double hr;
        ck_assert_int_eq(dh_props_h_pT(snap->node_pressure[r], net->consumers.return_temperature[c],
                                       &hr, NULL, NULL), DH_OK);
        double m_ref = net->consumers.demand_heat[c] / (h_fix - hr);
        ck_assert_msg(fabs(snap->consumer_mass_flow[c] - m_ref) < 1e-8 * m_ref,
                      "consumer %zu: %.10g kg/s, Q/dh %.10g", c, snap->consumer_mass_flow[c],
                      m_ref);
    }
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

START_TEST(refusals)
{
    dh_steady *s = NULL;
    dh_error err;
    /* two source temperatures and no water_temperature */
    dh_network *net = tn_water_loop();
    dh_study study = study_incomp(NAN);
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_ERR_INPUT);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.message, "water_temperature"), "%s", err.message);
    dh_network_destroy(&net);
    /* steam */
    net = tn_steam_wet();
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_ERR_INPUT);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err.message, "steam"), "%s", err.message);
    dh_network_destroy(&net);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("incompressible");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reader_values);
    tcase_add_test(tc, reader_bad_value);
    tcase_add_test(tc, single_pipe_epanet_hand);
    tcase_add_test(tc, water_ring_fixed_enthalpy);
    tcase_add_test(tc, refusals);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
