/* test_memo.c: the steady solver's evaluation reuse (docs/model.md "Property reuse", "Jacobian
 * reuse"; solver/assemble.c property memos, solver/steady_kinsol.c).
 *   - no stale properties: a solver evaluated at u1, then u2 (every unknown moved), then u3 (only
 *     some moved), then u1 again returns the residual and Jacobian of a fresh solver evaluated
 *     once at u1, bit for bit (the memos are keyed on the exact inputs: no tolerance applies);
 *   - a state outside the property range is reported again when evaluated again;
 *   - warm solves with keep_scales and with jacobian_reuse reach the solution of the default
 *     solver (to the solver tolerance).
 * Networks: tests/solver/testnets.c (steam with a wet far end, branched steam, water loop with
 * a reversed pipe, valves and pump, substation steam -> water).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_results.h"
#include "dh_solver.h"
#include "testnets.h"

typedef dh_network *(*net_fn)(void);

static const net_fn NETS[] = {tn_steam_wet, tn_steam_branch, tn_water_loop, tn_valves_pump,
                              tn_substation};
#define NNETS (sizeof NETS / sizeof NETS[0])

static dh_study study_default(void)
{
    dh_study st = {.type = DH_STUDY_STEADY, .friction = DH_FRICTION_COLEBROOK, .tolerance = 1e-10,
                   .max_iterations = 100};
    return st;
}

static dh_steady *make(const dh_network *net, const dh_study *st, const dh_steady_options *o)
{
    dh_steady *s = NULL;
    dh_error err;
    ck_assert_int_eq(dh_steady_create(net, st, o, &s, &err), DH_OK);
    return s;
}

typedef struct evald {
    dh_status st;
    double *f, *jx;
} evald;

static evald eval_at(dh_steady *s, const double *u)
{
    size_t n = dh_steady_size(s), nnz = dh_steady_nnz(s);
    evald e = {0};
    e.f = calloc(n, sizeof *e.f);
    e.jx = calloc(nnz ? nnz : 1, sizeof *e.jx);
    ck_assert_ptr_nonnull(e.f);
    ck_assert_ptr_nonnull(e.jx);
    e.st = dh_steady_eval(s, u, e.f, NULL, NULL, e.jx);
    return e;
}

static void evald_free(evald *e)
{
    free(e->f);
    free(e->jx);
}

START_TEST(test_no_stale)
{
    dh_network *net = NETS[_i]();
    ck_assert_ptr_nonnull(net);
    dh_study st = study_default();
    /* u1: the solution (wet steam, reversed flow where the network has them), from a third
     * solver, so that the two compared solvers have the same momentum weights (those of their
     * creation: dh_steady_eval does not change them) */
    dh_steady *c = make(net, &st, NULL);
    dh_error err;
    ck_assert_int_eq(dh_steady_solve(c, NULL, NULL, &err), DH_OK);
    size_t n = dh_steady_size(c);
    double *u1 = malloc(n * sizeof *u1), *u2 = malloc(n * sizeof *u2),
           *u3 = malloc(n * sizeof *u3);
    memcpy(u1, dh_steady_unknowns(c), n * sizeof *u1);
    dh_steady_destroy(&c);
    /* u2: every unknown moved (pressures +0.3 %, enthalpies +2 kJ/kg, flows +1 % + 1 g/s);
     * u3: only every third unknown moved, so that some memo entries hit and others miss */
    for (size_t i = 0; i < n; i++) {
        double d = 3e-3 * fabs(u1[i]) + (i % 2 ? 1e-3 : 2e3 * (u1[i] > 1e4));
        u2[i] = u1[i] + d;
        u3[i] = i % 3 == 0 ? u1[i] - 0.5 * d : u1[i];
    }
    dh_steady *a = make(net, &st, NULL), *b = make(net, &st, NULL);
    ck_assert_uint_eq(dh_steady_size(a), n);
    evald e;
    e = eval_at(a, u1), evald_free(&e);
    e = eval_at(a, u2), evald_free(&e);
    e = eval_at(a, u3), evald_free(&e);
    evald ea = eval_at(a, u1);       /* memo filled by u3 / u2 / u1 in turn */
    evald eb = eval_at(b, u1);       /* fresh: b has only seen its initial guess */
    evald ea2 = eval_at(a, u1);      /* every memo hits */
    ck_assert_int_eq(ea.st, eb.st);
    ck_assert_int_eq(ea2.st, eb.st);
    size_t nnz = dh_steady_nnz(a);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(memcmp(&ea.f[i], &eb.f[i], sizeof(double)) == 0,
                      "net %d: residual %zu: %.17g after u2, u3 vs %.17g fresh", _i, i, ea.f[i],
                      eb.f[i]);
        ck_assert_msg(memcmp(&ea2.f[i], &eb.f[i], sizeof(double)) == 0,
                      "net %d: residual %zu: %.17g repeated vs %.17g fresh", _i, i, ea2.f[i],
                      eb.f[i]);
    }
    for (size_t z = 0; z < nnz; z++) {
        ck_assert_msg(memcmp(&ea.jx[z], &eb.jx[z], sizeof(double)) == 0,
                      "net %d: Jacobian entry %zu: %.17g vs %.17g fresh", _i, z, ea.jx[z],
                      eb.jx[z]);
        ck_assert_msg(memcmp(&ea2.jx[z], &eb.jx[z], sizeof(double)) == 0,
                      "net %d: Jacobian entry %zu: %.17g repeated vs %.17g fresh", _i, z,
                      ea2.jx[z], eb.jx[z]);
    }
    /* and u3 after u1 against a fresh solver at u3 */
    dh_steady *b3 = make(net, &st, NULL);
    evald ec = eval_at(a, u3), ed = eval_at(b3, u3);
    ck_assert_int_eq(ec.st, ed.st);
    ck_assert(memcmp(ec.f, ed.f, n * sizeof(double)) == 0);
    ck_assert(memcmp(ec.jx, ed.jx, nnz * sizeof(double)) == 0);
    evald_free(&ea), evald_free(&eb), evald_free(&ea2), evald_free(&ec), evald_free(&ed);
    dh_steady_destroy(&a);
    dh_steady_destroy(&b);
    dh_steady_destroy(&b3);
    free(u1), free(u2), free(u3);
    dh_network_destroy(&net);
}
END_TEST

/* A negative node pressure makes the evaluation recoverable (assemble.c ph_checked: the
 * properties are taken at the clamped state and the evaluation is flagged), and it must stay
 * so when evaluated again (a flagged state is never memoised). */
START_TEST(test_bad_state_repeats)
{
    dh_network *net = tn_steam_wet();
    dh_study st = study_default();
    dh_steady *s = make(net, &st, NULL);
    size_t n = dh_steady_size(s), nn = net->nodes.n;
    double *u = malloc(n * sizeof *u);
    memcpy(u, dh_steady_unknowns(s), n * sizeof *u);
    ck_assert_uint_gt(nn, 0);
    /* unknown 0: the pressure of node 0 (docs/model.md "Unknowns": pressures first) */
    u[0] = -1e5;
    evald e1 = eval_at(s, u), e2 = eval_at(s, u);
    ck_assert_int_eq(e1.st, DH_RECOVERABLE);
    ck_assert_int_eq(e2.st, DH_RECOVERABLE);
    evald_free(&e1), evald_free(&e2);
    free(u);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
}
END_TEST

/* Warm solves after a load change with keep_scales and with jacobian_reuse against the default
 * solver: the same solution to the solver tolerance. Tolerance of the comparison: the scaled
 * residual is below 1e-10 in both (study tolerance), and the unknowns differ by at most a few
 * Newton corrections of that size: 1e-7 of each unknown's typical magnitude
 * (dh_steady_unknown_scale) leaves room for the conditioning of these small networks. */
START_TEST(test_reuse_options)
{
    dh_network *net = NETS[_i]();
    dh_study st = study_default();
    dh_steady_options o;
    dh_steady_options_init(&o);
    dh_steady *ref = make(net, &st, &o);
    o.keep_scales = true;
    dh_steady *ks = make(net, &st, &o);
    o.keep_scales = false;
    o.jacobian_reuse = true;
    dh_steady *jr = make(net, &st, &o);
    dh_error err;
    const double loads[] = {1.0, 0.9, 0.8, 0.95};
    for (size_t k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        dh_steady *all[3] = {ref, ks, jr};
        for (int j = 0; j < 3; j++) {
            dh_steady_set_load(all[j], loads[k]);
            dh_solve_stats stats;
            ck_assert_msg(dh_steady_solve(all[j], NULL, &stats, &err) == DH_OK,
                          "net %d solver %d load %g: %s", _i, j, loads[k], err.message);
            ck_assert(stats.residual_norm <= 1e-10);
        }
        size_t n = dh_steady_size(ref);
        const double *ur = dh_steady_unknowns(ref);
        for (int j = 1; j < 3; j++) {
            const double *uj = dh_steady_unknowns(all[j]);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(fabs(uj[i] - ur[i]) <= 1e-7 * dh_steady_unknown_scale(ref, i),
                              "net %d solver %d load %g unknown %zu: %.12g vs %.12g", _i, j,
                              loads[k], i, uj[i], ur[i]);
        }
    }
    dh_steady_destroy(&ref);
    dh_steady_destroy(&ks);
    dh_steady_destroy(&jr);
    dh_network_destroy(&net);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("memo");
    TCase *tc = tcase_create("memo");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_no_stale, 0, (int)NNETS);
    tcase_add_test(tc, test_bad_state_repeats);
    tcase_add_loop_test(tc, test_reuse_options, 0, (int)NNETS);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
