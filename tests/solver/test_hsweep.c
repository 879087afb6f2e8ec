/* test_hsweep.c: the enthalpy block of the reduced linear solver solved by sweeps in flow order
 * (solver/linsol_reduced.c, st_hsolve_*; docs/model.md "Reduced linear solver"), checked
 * against the matrix itself: on synthetic radial and street-grid water networks
 * (bench/netgen.c, 2000 pipes) at the solution and at the pre-solved initial guess,
 * x = st_hsolve(J_HH, b) must satisfy J_HH x = b, with J_HH read from the full Jacobian in CSC
 * (an independent product, not the sweep's own row lists); at a state with every flow zero
 * (every pipe couples both its ends equally: no flow order) the setup must refuse, so that the
 * caller factorises with KLU. The whole reduced path (sweeps, GMRES fallback) against KLU on
 * the full system is tests/solver/test_reduced.c.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_results.h"
#include "dh_solver.h"
#include "netgen.h"
#include "steady_internal.h"

static dh_network *net;
static dh_steady *s;

static void setup_net(dh_netgen_layout layout)
{
    dh_netgen_options o;
    dh_netgen_options_init(&o);
    o.layout = layout;
    o.n_pipes = 2000;
    dh_error err;
    dh_netgen *g = NULL;
    ck_assert_int_eq(dh_netgen_create(&o, &g, &err), DH_OK);
    ck_assert_int_eq(dh_netgen_build(g, &net, &err), DH_OK);
    dh_netgen_destroy(&g);
    dh_study study;
    dh_netgen_study(&study);
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_OK);
}

static void teardown_net(void)
{
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}

/* J_HH x = b at the Jacobian of u, to a relative max-norm of 1e-11. The sweeps stop when the
 * predicted next update is below 1e-14 of the solution (HS_TOL); J_HH's rows have the diagonal 1
 * and off-diagonals of at most 1 in sum (mixing weights), so the residual is that times a few,
 * and 1e-11 leaves room for the round-off of the 2000-pipe sums. */
static void check_solve_at(const double *u)
{
    const size_t nn = s->nn;
    ck_assert_int_eq(dh_steady_eval(s, u, NULL, NULL, NULL, NULL), DH_OK);
    st_hsolve *h = st_hsolve_create(s);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(st_hsolve_setup(h, s->jx), 0);
    double *b = malloc(nn * sizeof(double)), *x = calloc(nn, sizeof(double));
    double *r = calloc(nn, sizeof(double));
    srand(7);
    double bmax = 0.0;
    for (size_t k = 0; k < nn; k++) {
        b[k] = 1e4 * ((double)rand() / RAND_MAX - 0.5); /* J/kg, a step's size */
        bmax = fmax(bmax, fabs(b[k]));
    }
    ck_assert_int_eq(st_hsolve_solve(h, s->jx, b, x), 0);
    /* r = J_HH x - b, from the CSC of the whole Jacobian */
    for (size_t k = 0; k < nn; k++) r[k] = -b[k];
    for (size_t j = nn; j < 2 * nn; j++)
        for (size_t z = s->colptr[j]; z < s->colptr[j + 1]; z++) {
            size_t i = s->rowind[z];
            if (i >= nn && i < 2 * nn) r[i - nn] += s->jx[z] * x[j - nn];
        }
    double rmax = 0.0;
    for (size_t k = 0; k < nn; k++) rmax = fmax(rmax, fabs(r[k]));
    ck_assert_msg(rmax <= 1e-11 * bmax, "residual %g of %g", rmax, bmax);
    free(b);
    free(x);
    free(r);
    st_hsolve_free(&h);
    ck_assert_ptr_null(h);
}

static void check_network(dh_netgen_layout layout)
{
    setup_net(layout);
    /* at the solution */
    dh_error err;
    dh_solve_stats st;
    ck_assert_msg(dh_steady_solve(s, NULL, &st, &err) == DH_OK, "%s", err.message);
    double *u = malloc(s->n * sizeof(double));
    memcpy(u, dh_steady_unknowns(s), s->n * sizeof(double));
    check_solve_at(u);
    /* at the pre-solved guess (the first Newton step's Jacobian) */
    st_initial_guess(s, u);
    st_linear_presolve(s, u);
    check_solve_at(u);
    /* no flow anywhere and no heat loss (the adiabatic stage): every pipe carries each end's
     * enthalpy to the other with the same weight pos(0), the strong graph is the whole
     * connected network, larger than a dense block: the setup refuses (with the heat loss a
     * still pipe delivers the ambient state instead and couples nothing) */
    memcpy(u, dh_steady_unknowns(s), s->n * sizeof(double));
    for (size_t i = 2 * s->nn; i < s->n; i++) u[i] = 0.0;
    s->loss_scale = 0.0;
    ck_assert_int_eq(dh_steady_eval(s, u, NULL, NULL, NULL, NULL), DH_OK);
    s->loss_scale = s->loss_target;
    st_hsolve *h = st_hsolve_create(s);
    ck_assert_int_eq(st_hsolve_setup(h, s->jx), -1);
    st_hsolve_free(&h);
    free(u);
    teardown_net();
}

START_TEST(test_radial)
{
    check_network(DH_NETGEN_RADIAL);
}
END_TEST

START_TEST(test_grid)
{
    check_network(DH_NETGEN_GRID);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("hsweep");
    TCase *tc = tcase_create("water");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_radial);
    tcase_add_test(tc, test_grid);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
