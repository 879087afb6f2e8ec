/* test_reduced.c: the water-network speed path of the steady solver (docs/model.md, "Linear
 * pre-solve of the guess", "Reduced linear solver"): on synthetic radial and street-grid water
 * networks (bench/netgen.c, 2000 pipes) the reduced linear solver and KLU on the full system
 * (dh_steady_options.full_system) reach the same solution, and the cold solve from the
 * pre-solved guess takes the direct path in EPANET-like iteration counts.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_results.h"
#include "dh_solver.h"
#include "netgen.h"

typedef struct solved {
    dh_network *net;
    size_t n;
    double *u;
    int iterations;
    double balance;
} solved;

static void solve(dh_netgen_layout layout, bool full, solved *out)
{
    dh_netgen_options o;
    dh_netgen_options_init(&o);
    o.layout = layout;
    o.n_pipes = 2000;
    dh_error err;
    dh_netgen *g = NULL;
    ck_assert_int_eq(dh_netgen_create(&o, &g, &err), DH_OK);
    ck_assert_int_eq(dh_netgen_build(g, &out->net, &err), DH_OK);
    dh_netgen_destroy(&g);
    dh_study study;
    dh_netgen_study(&study);
    dh_steady_options opt;
    dh_steady_options_init(&opt);
    opt.full_system = full;
    dh_steady *s = NULL;
    ck_assert_int_eq(dh_steady_create(out->net, &study, &opt, &s, &err), DH_OK);
    dh_solve_stats st;
    ck_assert_msg(dh_steady_solve(s, NULL, &st, &err) == DH_OK, "%s", err.message);
    out->iterations = st.iterations;
    out->balance = st.mass_balance_rel;
    out->n = dh_steady_size(s);
    out->u = malloc(out->n * sizeof(double));
    memcpy(out->u, dh_steady_unknowns(s), out->n * sizeof(double));
    dh_steady_destroy(&s);
}

static void same_solution(dh_netgen_layout layout)
{
    solved a = {0}, b = {0};
    solve(layout, false, &a);
    solve(layout, true, &b);
    ck_assert_uint_eq(a.n, b.n);
    /* Both converged to a scaled max-norm of 1e-10 (flows to 1e-10 m_ref, about 1e-7 kg/s here);
     * the pressures of the same root then agree to far better than 1 Pa and the flows to 1e-6
     * kg/s (Newton's last step is ~ the error; the two linear solvers differ at round-off level
     * after their two correction sweeps). Unknown order: p (nn), h (nn), m (edges), sources. */
    size_t nn = a.net->nodes.n;
    for (size_t i = 0; i < a.n; i++) {
        double tol = i < nn ? 1.0 : i < 2 * nn ? 1e-2 : 1e-6; /* Pa, J/kg, kg/s */
        ck_assert_msg(fabs(a.u[i] - b.u[i]) <= tol, "unknown %zu: %.12g vs %.12g", i, a.u[i],
                      b.u[i]);
    }
    /* the pre-solved guess: the direct attempt (<= 12 iterations) succeeds; EPANET takes 3-4
     * on these networks (bench/README.md), the full system 4-6 */
    ck_assert_int_le(a.iterations, 10);
    ck_assert_int_le(b.iterations, 10);
    ck_assert(a.balance < 1e-9 && b.balance < 1e-9);
    free(a.u);
    free(b.u);
    dh_network_destroy(&a.net);
    dh_network_destroy(&b.net);
}

START_TEST(test_radial)
{
    same_solution(DH_NETGEN_RADIAL);
}
END_TEST

START_TEST(test_grid)
{
    same_solution(DH_NETGEN_GRID);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("reduced");
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
