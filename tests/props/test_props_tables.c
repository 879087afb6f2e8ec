/* test_props_tables.c: validation of the property module against the verification tables printed
 * in the IAPWS releases (suite 'validation').
 *
 * Tolerance: the releases print 9 significant digits (10 for a few backward values), so a
 * correct implementation agrees to half a unit of the last printed digit, i.e. a relative
 * difference <= 5e-9 for values of order one of their leading digit; we use 1e-8 relative
 * (two units in the 9th digit of a value whose first digit is 1, still far below any
 * physically meaningful error: a wrong coefficient shows up at 1e-6 or worse).
 * Units: the tables are in MPa, kJ/kg, kJ/(kg K), m3/kg, m/s; the library is SI, converted here.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "dh_props.h"
#include "props_internal.h"

#define RTOL 1e-8

static void near(double got, double want, double rtol, const char *what)
{
    double d = fabs(got - want) / fabs(want);
    ck_assert_msg(d <= rtol, "%s: got %.12g, table %.12g (rel. diff %.2e)", what, got, want, d);
}

/* One row of a forward table: p (MPa), T (K), v, h, u, s, cp, w as printed. */
typedef struct fwd_row {
    double p, T, v, h, u, s, cp, w;
} fwd_row;

static void check_point(const if97_point *pt, const fwd_row *r, const char *table)
{
    char what[96];
    snprintf(what, sizeof what, "%s v at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->v, r->v, RTOL, what);
    snprintf(what, sizeof what, "%s h at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->h / 1e3, r->h, RTOL, what);
    snprintf(what, sizeof what, "%s u at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->u / 1e3, r->u, RTOL, what);
    snprintf(what, sizeof what, "%s s at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->s / 1e3, r->s, RTOL, what);
    snprintf(what, sizeof what, "%s cp at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->cp / 1e3, r->cp, RTOL, what);
    snprintf(what, sizeof what, "%s w at p=%g MPa T=%g K", table, r->p, r->T);
    near(pt->w, r->w, RTOL, what);
}

/* IF97 Table 5: region 1, Eq. 7 */
static const fwd_row TAB5[] = {
    {3, 300, 0.100215168e-2, 0.115331273e3, 0.112324818e3, 0.392294792, 0.417301218e1, 0.150773921e4},
    {80, 300, 0.971180894e-3, 0.184142828e3, 0.106448356e3, 0.368563852, 0.401008987e1, 0.163469054e4},
    {3, 500, 0.120241800e-2, 0.975542239e3, 0.971934985e3, 0.258041912e1, 0.465580682e1, 0.124071337e4},
};

/* IF97 Table 15: region 2, Eq. 15 */
static const fwd_row TAB15[] = {
    {0.0035, 300, 0.394913866e2, 0.254991145e4, 0.241169160e4, 0.852238967e1, 0.191300162e1, 0.427920172e3},
    {0.0035, 700, 0.923015898e2, 0.333568375e4, 0.301262819e4, 0.101749996e2, 0.208141274e1, 0.644289068e3},
    {30, 700, 0.542946619e-2, 0.263149474e4, 0.246861076e4, 0.517540298e1, 0.103505092e2, 0.480386523e3},
};

/* IF97 Table 18: metastable-vapour region, Eq. 18 */
static const fwd_row TAB18[] = {
    {1, 450, 0.192516540, 0.276881115e4, 0.257629461e4, 0.656660377e1, 0.276349265e1, 0.498408101e3},
    {1, 440, 0.186212297, 0.274015123e4, 0.255393894e4, 0.650218759e1, 0.298166443e1, 0.489363295e3},
    {1.5, 450, 0.121685206, 0.272134539e4, 0.253881758e4, 0.629170440e1, 0.362795578e1, 0.481941819e3},
};

/* IF97 Table 42: region 5, Eq. 32 (2007 revision) */
static const fwd_row TAB42[] = {
    {0.5, 1500, 0.138455090e1, 0.521976855e4, 0.452749310e4, 0.965408875e1, 0.261609445e1, 0.917068690e3},
    {30, 1500, 0.230761299e-1, 0.516723514e4, 0.447495124e4, 0.772970133e1, 0.272724317e1, 0.928548002e3},
    {30, 2000, 0.311385219e-1, 0.657122604e4, 0.563707038e4, 0.853640523e1, 0.288569882e1, 0.106736948e4},
};

START_TEST(t_region1)
{
    for (size_t i = 0; i < 3; i++) {
        if97_point pt;
        if97_r1_point(TAB5[i].p * 1e6, TAB5[i].T, &pt);
        check_point(&pt, &TAB5[i], "IF97 Table 5");
        /* the public entry point selects region 1 and returns the same numbers */
        dh_props pr;
        dh_error err;
        ck_assert_int_eq(dh_props_pT(TAB5[i].p * 1e6, TAB5[i].T, &pr, &err), DH_OK);
        ck_assert_int_eq(pr.region, 1);
        near(pr.h, pt.h, 1e-15, "dh_props_pT h");
    }
}
END_TEST

START_TEST(t_region2)
{
    for (size_t i = 0; i < 3; i++) {
        if97_point pt;
        if97_r2_point(TAB15[i].p * 1e6, TAB15[i].T, 0, &pt);
        check_point(&pt, &TAB15[i], "IF97 Table 15");
        dh_props pr;
        ck_assert_int_eq(dh_props_pT(TAB15[i].p * 1e6, TAB15[i].T, &pr, NULL), DH_OK);
        ck_assert_int_eq(pr.region, 2);
    }
}
END_TEST

START_TEST(t_metastable)
{
    for (size_t i = 0; i < 3; i++) {
        if97_point pt;
        if97_r2_point(TAB18[i].p * 1e6, TAB18[i].T, 1, &pt);
        check_point(&pt, &TAB18[i], "IF97 Table 18");
    }
}
END_TEST

START_TEST(t_region5)
{
    for (size_t i = 0; i < 3; i++) {
        if97_point pt;
        if97_r5_point(TAB42[i].p * 1e6, TAB42[i].T, &pt);
        check_point(&pt, &TAB42[i], "IF97 Table 42");
        dh_props pr;
        ck_assert_int_eq(dh_props_pT(TAB42[i].p * 1e6, TAB42[i].T, &pr, NULL), DH_OK);
        ck_assert_int_eq(pr.region, 5);
    }
}
END_TEST

/* IF97 Table 33: region 3, Eq. 28, inputs (rho, T): T K, rho kg/m3, p MPa, h, u kJ/kg,
 * s, cp kJ/(kg K), w m/s */
START_TEST(t_region3)
{
    static const double tab[3][8] = {
        {650, 500, 0.255837018e2, 0.186343019e4, 0.181226279e4, 0.405427273e1, 0.138935717e2, 0.502005554e3},
        {650, 200, 0.222930643e2, 0.237512401e4, 0.226365868e4, 0.485438792e1, 0.446579342e2, 0.383444594e3},
        {750, 500, 0.783095639e2, 0.225868845e4, 0.210206932e4, 0.446971906e1, 0.634165359e1, 0.760696041e3},
    };
    for (int i = 0; i < 3; i++) {
        if97_point pt;
        if97_r3_point(tab[i][1], tab[i][0], &pt);
        near(pt.p / 1e6, tab[i][2], RTOL, "IF97 Table 33 p");
        near(pt.h / 1e3, tab[i][3], RTOL, "IF97 Table 33 h");
        near(pt.u / 1e3, tab[i][4], RTOL, "IF97 Table 33 u");
        near(pt.s / 1e3, tab[i][5], RTOL, "IF97 Table 33 s");
        near(pt.cp / 1e3, tab[i][6], RTOL, "IF97 Table 33 cp");
        near(pt.w, tab[i][7], RTOL, "IF97 Table 33 w");
        /* (p,T) input through the density solver returns the table density */
        dh_props pr;
        ck_assert_int_eq(dh_props_pT(pt.p, tab[i][0], &pr, NULL), DH_OK);
        ck_assert_int_eq(pr.region, 3);
        near(pr.rho, tab[i][1], 1e-11, "region 3 density from (p,T)");
    }
}
END_TEST

/* IF97 Tables 35 (psat(T)) and 36 (Tsat(p)), Eqs. 30, 31 */
START_TEST(t_region4)
{
    near(dh_if97_psat(300) / 1e6, 0.353658941e-2, RTOL, "IF97 Table 35 psat(300 K)");
    near(dh_if97_psat(500) / 1e6, 0.263889776e1, RTOL, "IF97 Table 35 psat(500 K)");
    near(dh_if97_psat(600) / 1e6, 0.123443146e2, RTOL, "IF97 Table 35 psat(600 K)");
    near(dh_if97_tsat(0.1e6), 0.372755919e3, RTOL, "IF97 Table 36 Tsat(0.1 MPa)");
    near(dh_if97_tsat(1e6), 0.453035632e3, RTOL, "IF97 Table 36 Tsat(1 MPa)");
    near(dh_if97_tsat(10e6), 0.584149488e3, RTOL, "IF97 Table 36 Tsat(10 MPa)");
    ck_assert(isnan(dh_if97_tsat(30e6)));
    ck_assert(isnan(dh_if97_psat(700)));
}
END_TEST

/* IF97 Sect. 4 (text below Eq. 6): B23 at T = 623.15 K, p = 16.5291643 MPa;
 * IF97 Sect. 6.3.1 (below Eq. 21): B2bc at p = 100 MPa, h = 3516.004323 kJ/kg */
START_TEST(t_boundaries)
{
    near(if97_b23_p(623.15) / 1e6, 0.165291643e2, RTOL, "B23 p(623.15 K)");
    near(if97_b23_T(0.165291643e8), 0.623150000e3, RTOL, "B23 T(16.5291643 MPa)");
    near(if97_b2bc_p(0.3516004323e7) / 1e6, 0.100000000e3, RTOL, "B2bc p(h)");
    near(if97_b2bc_h(100e6) / 1e3, 0.3516004323e4, RTOL, "B2bc h(p)");
}
END_TEST

/* IF97 Table 7 (T1(p,h)), Table 9 (T1(p,s)), Table 24 (T2(p,h)), Table 29 (T2(p,s)).
 * Columns: p MPa, h kJ/kg or s kJ/(kg K), T K. */
START_TEST(t_backward12)
{
    static const double t7[3][3] = {{3, 500, 0.391798509e3}, {80, 500, 0.378108626e3}, {80, 1500, 0.611041229e3}};
    static const double t9[3][3] = {{3, 0.5, 0.307842258e3}, {80, 0.5, 0.309979785e3}, {80, 3, 0.565899909e3}};
    static const double t24[9][3] = {
        {0.001, 3000, 0.534433241e3}, {3, 3000, 0.575373370e3}, {3, 4000, 0.101077577e4},  /* 2a */
        {5, 3500, 0.801299102e3}, {5, 4000, 0.101531583e4}, {25, 3500, 0.875279054e3},      /* 2b */
        {40, 2700, 0.743056411e3}, {60, 2700, 0.791137067e3}, {60, 3200, 0.882756860e3}, /* 2c */
    };
    static const double t29[9][3] = {
        {0.1, 7.5, 0.399517097e3}, {0.1, 8, 0.514127081e3}, {2.5, 8, 0.103984917e4},   /* 2a */
        {8, 6, 0.600484040e3}, {8, 7.5, 0.106495556e4}, {90, 6, 0.103801126e4},        /* 2b */
        {20, 5.75, 0.697992849e3}, {80, 5.25, 0.854011484e3}, {80, 5.75, 0.949017998e3}, /* 2c */
    };
    for (int i = 0; i < 3; i++) near(if97_r1_T_ph(t7[i][0] * 1e6, t7[i][1] * 1e3), t7[i][2], RTOL, "IF97 Table 7");
    for (int i = 0; i < 3; i++) near(if97_r1_T_ps(t9[i][0] * 1e6, t9[i][1] * 1e3), t9[i][2], RTOL, "IF97 Table 9");
    for (int i = 0; i < 9; i++) near(if97_r2_T_ph(t24[i][0] * 1e6, t24[i][1] * 1e3), t24[i][2], RTOL, "IF97 Table 24");
    for (int i = 0; i < 9; i++) near(if97_r2_T_ps(t29[i][0] * 1e6, t29[i][1] * 1e3), t29[i][2], RTOL, "IF97 Table 29");
}
END_TEST

/* IAPWS SR3-03(2014): Eq. 1 check value h3ab(25 MPa) = 2095.936454 kJ/kg; Table 5 (T3a, T3b of
 * (p,h)), Table 8 (v3a, v3b of (p,h)), Table 12 (T(p,s)), Table 15 (v(p,s)),
 * Table 19 (p3sat(h), p3sat(s)). */
START_TEST(t_backward3)
{
    near(if97_r3_h3ab(25e6) / 1e3, 0.2095936454e4, RTOL, "SR3 Eq. 1 h3ab");
    static const double ph[6][4] = { /* p MPa, h kJ/kg, T K, v m3/kg */
        {20, 1700, 0.6293083892e3, 0.1749903962e-2}, {50, 2000, 0.6905718338e3, 0.1908139035e-2},
        {100, 2100, 0.7336163014e3, 0.1676229776e-2}, {20, 2500, 0.6418418053e3, 0.6670547043e-2},
        {50, 2400, 0.7351848618e3, 0.2801244590e-2}, {100, 2700, 0.8420460876e3, 0.2404234998e-2},
    };
    static const double ps[6][4] = { /* p MPa, s kJ/(kg K), T K, v m3/kg */
        {20, 3.8, 0.6282959869e3, 0.1733791463e-2}, {50, 3.6, 0.6297158726e3, 0.1469680170e-2},
        {100, 4.0, 0.7056880237e3, 0.1555893131e-2}, {20, 5.0, 0.6401176443e3, 0.6262101987e-2},
        {50, 4.5, 0.7163687517e3, 0.2332634294e-2}, {100, 5.0, 0.8474332825e3, 0.2449610757e-2},
    };
    for (int i = 0; i < 6; i++) {
        near(if97_r3_T_ph(ph[i][0] * 1e6, ph[i][1] * 1e3), ph[i][2], RTOL, "SR3 Table 5 T(p,h)");
        near(if97_r3_v_ph(ph[i][0] * 1e6, ph[i][1] * 1e3), ph[i][3], RTOL, "SR3 Table 8 v(p,h)");
        near(if97_r3_T_ps(ps[i][0] * 1e6, ps[i][1] * 1e3), ps[i][2], RTOL, "SR3 Table 12 T(p,s)");
        near(if97_r3_v_ps(ps[i][0] * 1e6, ps[i][1] * 1e3), ps[i][3], RTOL, "SR3 Table 15 v(p,s)");
    }
    near(if97_r3_psat_h(1700e3) / 1e6, 0.1724175718e2, RTOL, "SR3 Table 19 p3sat(1700 kJ/kg)");
    near(if97_r3_psat_h(2000e3) / 1e6, 0.2193442957e2, RTOL, "SR3 Table 19 p3sat(2000 kJ/kg)");
    near(if97_r3_psat_h(2400e3) / 1e6, 0.2018090839e2, RTOL, "SR3 Table 19 p3sat(2400 kJ/kg)");
    near(if97_r3_psat_s(3.8e3) / 1e6, 0.1687755057e2, RTOL, "SR3 Table 19 p3sat(3.8 kJ/(kg K))");
    near(if97_r3_psat_s(4.2e3) / 1e6, 0.2164451789e2, RTOL, "SR3 Table 19 p3sat(4.2 kJ/(kg K))");
    near(if97_r3_psat_s(5.2e3) / 1e6, 0.1668968482e2, RTOL, "SR3 Table 19 p3sat(5.2 kJ/(kg K))");
    /* the polished (p,h) solution agrees with the backward values within the release's
     * permissible deviations (SR3 Table 2: |dT| <= 25 mK, |dv/v| <= 1e-4) */
    for (int i = 0; i < 6; i++) {
        dh_props pr;
        ck_assert_int_eq(dh_props_ph(ph[i][0] * 1e6, ph[i][1] * 1e3, &pr, NULL), DH_OK);
        ck_assert_int_eq(pr.region, 3);
        ck_assert(fabs(pr.T - ph[i][2]) < 25e-3);
        ck_assert(fabs(pr.v - ph[i][3]) / ph[i][3] < 1e-4);
    }
}
END_TEST

/* IAPWS R12-08 Table 4: viscosity with mu2 = 1 (the industrial formulation's Eq. 10 without
 * critical enhancement), T K, rho kg/m3, mu uPa s. */
START_TEST(t_viscosity)
{
    static const double t4[11][3] = {
        {298.15, 998, 889.735100}, {298.15, 1200, 1437.649467}, {373.15, 1000, 307.883622},
        {433.15, 1, 14.538324}, {433.15, 1000, 217.685358}, {873.15, 1, 32.619287},
        {873.15, 100, 35.802262}, {873.15, 600, 77.430195}, {1173.15, 1, 44.217245},
        {1173.15, 100, 47.640433}, {1173.15, 400, 64.154608},
    };
    /* 9 significant digits printed, 1e-8 as above (the smallest value has 8: 5e-8) */
    for (int i = 0; i < 11; i++)
        near(dh_viscosity(t4[i][1], t4[i][0]) * 1e6, t4[i][2], 5e-8, "R12-08 Table 4");
}
END_TEST

/* IAPWS R15-11 Table 4 (lambda0 lambda1, no critical enhancement; T K, rho kg/m3,
 * lambda mW/(m K)) and the release's check values for the industrial formulation (Sect. 4:
 * IF97 properties and the simplified reference term; inputs T K, p MPa). */
START_TEST(t_conductivity)
{
    static const double t4[4][3] = {
        {298.15, 0, 18.4341883}, {298.15, 998, 607.712868}, {298.15, 1200, 799.038144},
        {873.15, 0, 79.1034659},
    };
    for (int i = 0; i < 4; i++)
        near(if97_conductivity_full(t4[i][1], t4[i][0], NAN, NAN, NAN, NAN) * 1e3, t4[i][2],
             RTOL, "R15-11 Table 4");
    static const double ind[4][3] = { /* T K, p MPa, lambda mW/(m K) */
        {620, 20, 481.485195}, {620, 50, 545.038940}, {650, 0.3, 52.2311024}, {800, 50, 177.709914},
    };
    for (int i = 0; i < 4; i++) {
        dh_props pr;
        ck_assert_int_eq(dh_props_pT(ind[i][1] * 1e6, ind[i][0], &pr, NULL), DH_OK);
        near(pr.lambda * 1e3, ind[i][2], RTOL, "R15-11 industrial check values");
        /* the (rho, T) entry point finds the same IF97 state */
        near(dh_conductivity(pr.rho, pr.T) * 1e3, ind[i][2], 1e-7, "dh_conductivity(rho,T)");
    }
}
END_TEST

static Suite *tables_suite(void)
{
    Suite *s = suite_create("props_tables");
    TCase *tc = tcase_create("iapws");
    tcase_add_test(tc, t_region1);
    tcase_add_test(tc, t_region2);
    tcase_add_test(tc, t_metastable);
    tcase_add_test(tc, t_region3);
    tcase_add_test(tc, t_region4);
    tcase_add_test(tc, t_region5);
    tcase_add_test(tc, t_boundaries);
    tcase_add_test(tc, t_backward12);
    tcase_add_test(tc, t_backward3);
    tcase_add_test(tc, t_viscosity);
    tcase_add_test(tc, t_conductivity);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tables_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
