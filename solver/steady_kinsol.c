/* steady_kinsol.c: the steady solver's lifecycle and its SUNDIALS adapter (the only file that
 * sees SUNDIALS types).
 *
 * KINSOL (Newton with line search, KIN_LINESEARCH; Jacobian re-evaluated every iteration) with
 * SUNLinSol_KLU on a SUNMatrix_Sparse CSC whose pattern is built once (assemble.c). KLU's
 * symbolic analysis is done at the first factorisation and reused (klu_refactor) by every
 * following iteration and solve; KLU's block-triangular pre-ordering (BTF) is switched off
 * (../shared/design.md: BTF on the saddle-point system is a trap at scale).
 * Fallback when the Newton solve from the initial guess fails: load continuation (solve at a
 * fraction of the demand, ramp up). On failure the worst scaled residual names the component.
 *
 * Exports: dh_steady_* of dh_solver.h. Callers: cli/cmd_run.c, tests/solver, bench.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "steady_internal.h"

typedef struct kin_data {
    SUNContext ctx;
    void *mem;
    N_Vector u, uscale, fscale;
    SUNMatrix A;
    SUNLinearSolver LS;
    double load;      /* load of the current attempt (progress reports) */
    int iterations;   /* Newton iterations of the current attempt */
} kin_data;

void dh_steady_options_init(dh_steady_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->continuation = true;
    opt->warm_start = true;
}

static int kin_func(N_Vector u, N_Vector f, void *user)
{
    dh_steady *s = user;
    const double *uu = N_VGetArrayPointer(u);
    int r = st_eval(s, uu, N_VGetArrayPointer(f), true);
    memcpy(s->u_last, uu, s->n * sizeof(double));
    s->jx_valid = r == 0;
    return r;
}

static double scaled_norm(const dh_steady *s, const double *f, size_t *worst)
{
    double nrm = 0.0;
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        double fs;
        st_scales(s, i, NULL, &fs);
        double v = fabs(f[i]) / fs;
        if (!(v <= nrm)) {
            nrm = v;
            w = i;
        }
    }
    if (worst) *worst = w;
    return nrm;
}

static int kin_jac(N_Vector u, N_Vector fu, SUNMatrix J, void *user, N_Vector t1, N_Vector t2)
{
    dh_steady *s = user;
    kin_data *k = s->kin;
    const double *uu = N_VGetArrayPointer(u);
    if (!s->jx_valid || memcmp(uu, s->u_last, s->n * sizeof(double)) != 0) {
        int r = st_eval(s, uu, s->f, true);
        memcpy(s->u_last, uu, s->n * sizeof(double));
        s->jx_valid = r == 0;
        if (r) return r;
    }
    sunindextype *cp = SUNSparseMatrix_IndexPointers(J), *ri = SUNSparseMatrix_IndexValues(J);
    double *x = SUNSparseMatrix_Data(J);
    for (size_t j = 0; j <= s->n; j++) cp[j] = (sunindextype)s->colptr[j];
    for (size_t z = 0; z < s->nnz; z++) {
        ri[z] = (sunindextype)s->rowind[z];
        x[z] = s->jx[z];
    }
    k->iterations++;
    if (s->opt.progress)
        s->opt.progress(s->opt.progress_user, k->iterations,
                        scaled_norm(s, N_VGetArrayPointer(fu), NULL), k->load);
    return 0;
}

static void kin_silent(int code, const char *module, const char *function, char *msg, void *data)
{
    (void)code, (void)module, (void)function, (void)msg, (void)data;
}

static void kin_free(kin_data *k)
{
    if (!k) return;
    if (k->mem) KINFree(&k->mem);
    if (k->LS) SUNLinSolFree(k->LS);
    if (k->A) SUNMatDestroy(k->A);
    if (k->u) N_VDestroy(k->u);
    if (k->uscale) N_VDestroy(k->uscale);
    if (k->fscale) N_VDestroy(k->fscale);
    if (k->ctx) SUNContext_Free(&k->ctx);
    free(k);
}

static dh_status kin_create(dh_steady *s, dh_error *err)
{
    kin_data *k = calloc(1, sizeof *k);
    if (!k) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    s->kin = k;
    sunindextype n = (sunindextype)s->n;
    if (SUNContext_Create(NULL, &k->ctx)) goto fail;
    k->u = N_VNew_Serial(n, k->ctx);
    k->uscale = N_VNew_Serial(n, k->ctx);
    k->fscale = N_VNew_Serial(n, k->ctx);
    k->A = SUNSparseMatrix(n, n, (sunindextype)(s->nnz ? s->nnz : 1), CSC_MAT, k->ctx);
    if (!k->u || !k->uscale || !k->fscale || !k->A) goto fail;
    k->LS = SUNLinSol_KLU(k->u, k->A, k->ctx);
    if (!k->LS) goto fail;
    SUNLinSol_KLUGetCommon(k->LS)->btf = 0;
    double *us = N_VGetArrayPointer(k->uscale), *fs = N_VGetArrayPointer(k->fscale);
    for (size_t i = 0; i < s->n; i++) {
        double a, b;
        st_scales(s, i, &a, &b);
        us[i] = 1.0 / a;
        fs[i] = 1.0 / b;
    }
    memcpy(N_VGetArrayPointer(k->u), s->u_guess, s->n * sizeof(double));
    k->mem = KINCreate(k->ctx);
    if (!k->mem) goto fail;
    if (KINInit(k->mem, kin_func, k->u) || KINSetUserData(k->mem, s) ||
        KINSetLinearSolver(k->mem, k->LS, k->A) || KINSetJacFn(k->mem, kin_jac) ||
        KINSetMaxSetupCalls(k->mem, 1) || KINSetErrHandlerFn(k->mem, kin_silent, NULL) ||
        KINSetFuncNormTol(k->mem, s->opt.tolerance) || KINSetScaledStepTol(k->mem, 1e-15) ||
        KINSetNumMaxIters(k->mem, s->opt.max_iterations) ||
        KINSetMaxBetaFails(k->mem, 50) || KINSetMaxNewtonStep(k->mem, 1e12))
        goto fail;
    return DH_OK;
fail:
    return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                        "steady solver: cannot set up KINSOL / SUNLinSol_KLU");
}

dh_status dh_steady_create(const dh_network *net, const dh_study *study,
                           const dh_steady_options *opt, dh_steady **out, dh_error *err)
{
    *out = NULL;
    dh_error_clear(err);
    dh_steady *s = calloc(1, sizeof *s);
    if (!s) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    s->net = net;
    if (study) s->study = *study;
    if (opt) s->opt = *opt;
    else dh_steady_options_init(&s->opt);
    if (!(s->opt.tolerance > 0))
        s->opt.tolerance = s->study.tolerance > 0 ? fmin(s->study.tolerance, 1e-10) : 1e-10;
    if (s->opt.max_iterations <= 0)
        s->opt.max_iterations = s->study.max_iterations > 0 ? s->study.max_iterations : 100;
    s->load = 1.0;
    dh_status st = st_layout_build(s, err);
    if (st) goto fail;
    s->np = calloc(s->nn ? s->nn : 1, sizeof *s->np);
    s->ew = calloc(s->ne ? s->ne : 1, sizeof *s->ew);
    s->u = calloc(s->n ? s->n : 1, sizeof(double));
    s->f = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_guess = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_last = calloc(s->n ? s->n : 1, sizeof(double));
    if (!s->np || !s->ew || !s->u || !s->f || !s->u_guess || !s->u_last) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
        goto fail;
    }
    st_initial_guess(s, s->u_guess);
    memcpy(s->u, s->u_guess, s->n * sizeof(double));
    if ((st = st_pattern_build(s, err))) goto fail;
    if ((st = kin_create(s, err))) goto fail;
    *out = s;
    return DH_OK;
fail:
    dh_steady_destroy(&s);
    return st;
}

void dh_steady_destroy(dh_steady **ps)
{
    if (!ps || !*ps) return;
    dh_steady *s = *ps;
    kin_free(s->kin);
    st_pattern_free(s);
    st_layout_free(s);
    free(s->np);
    free(s->ew);
    free(s->u);
    free(s->f);
    free(s->u_guess);
    free(s->u_last);
    free(s);
    *ps = NULL;
}

void dh_steady_set_load(dh_steady *s, double load)
{
    s->load = load;
}

void dh_steady_reset_guess(dh_steady *s)
{
    s->have_solution = false;
}

size_t dh_steady_size(const dh_steady *s)
{
    return s->n;
}

size_t dh_steady_nnz(const dh_steady *s)
{
    return s->nnz;
}

double *dh_steady_unknowns(dh_steady *s)
{
    return s->u;
}

double dh_steady_unknown_scale(const dh_steady *s, size_t i)
{
    double a;
    st_scales(s, i, &a, NULL);
    return a;
}

double dh_steady_residual_scale(const dh_steady *s, size_t i)
{
    double b;
    st_scales(s, i, NULL, &b);
    return b;
}

dh_status dh_steady_eval(dh_steady *s, const double *u, double *f, size_t *colptr,
                         size_t *rowind, double *values)
{
    int r = st_eval(s, u, f ? f : s->f, true);
    s->jx_valid = false;
    if (r < 0) return DH_ERR_INTERNAL;
    if (colptr) memcpy(colptr, s->colptr, (s->n + 1) * sizeof(size_t));
    if (rowind) memcpy(rowind, s->rowind, s->nnz * sizeof(size_t));
    if (values) memcpy(values, s->jx, s->nnz * sizeof(double));
    return r ? DH_RECOVERABLE : DH_OK;
}

/* One Newton solve from s->u at the current load. Returns true when converged; *norm is the
 * scaled max-norm of the final residual. */
static bool attempt(dh_steady *s, dh_solve_stats *stats, double *norm)
{
    kin_data *k = s->kin;
    k->load = s->load;
    k->iterations = 0;
    double *ku = N_VGetArrayPointer(k->u);
    memcpy(ku, s->u, s->n * sizeof(double));
    s->jx_valid = false;
    int ret = KINSol(k->mem, k->u, KIN_LINESEARCH, k->uscale, k->fscale);
    long nni = 0, nls = 0;
    KINGetNumNonlinSolvIters(k->mem, &nni);
    KINGetNumJacEvals(k->mem, &nls);
    if (stats) {
        stats->iterations += (int)nni;
        stats->linear_solves += (int)nls;
    }
    int r = st_eval(s, ku, s->f, false);
    *norm = r == 0 ? scaled_norm(s, s->f, NULL) : HUGE_VAL;
    /* converged when the residual is small, whatever KINSOL's return: a line search that
     * cannot reduce a residual already at round-off level is success */
    (void)ret;
    bool ok = r == 0 && *norm <= 100.0 * s->opt.tolerance;
    if (ok || r == 0) memcpy(s->u, ku, s->n * sizeof(double));
    return ok;
}

dh_status dh_steady_solve(dh_steady *s, dh_snapshot *result, dh_solve_stats *stats,
                          dh_error *err)
{
    dh_solve_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    dh_error_clear(err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    double full = s->load, norm = HUGE_VAL;
    bool ok = false;
    if (s->have_solution && s->opt.warm_start) {
        ok = attempt(s, stats, &norm);
    }
    if (!ok) {
        st_initial_guess(s, s->u_guess);
        memcpy(s->u, s->u_guess, s->n * sizeof(double));
        ok = attempt(s, stats, &norm);
    }
    if (!ok && s->opt.continuation && full > 0) {
        /* load continuation: from 10 % of the demand up, halving the step on failure */
        double lam_ok = 0.0, step = 0.1 * full;
        double *u_ok = s->u_guess; /* reused as the last converged state */
        s->load = step;
        st_initial_guess(s, u_ok);
        memcpy(s->u, u_ok, s->n * sizeof(double));
        bool have_ok = false;
        for (int tries = 0; tries < 40 && !ok; tries++) {
            double lam = fmin(lam_ok + step, full);
            s->load = lam;
            if (have_ok) memcpy(s->u, u_ok, s->n * sizeof(double));
            bool good = attempt(s, stats, &norm);
            if (good) {
                lam_ok = lam;
                have_ok = true;
                memcpy(u_ok, s->u, s->n * sizeof(double));
                if (lam >= full) ok = true;
                step *= 1.5;
            } else {
                step *= 0.5;
                if (step < 1e-3 * full) break;
                if (!have_ok) {
                    st_initial_guess(s, u_ok);
                    memcpy(s->u, u_ok, s->n * sizeof(double));
                }
            }
        }
        s->load = full;
        if (!ok && have_ok) {
            /* leave the last iterate at full load from the best converged state */
            memcpy(s->u, u_ok, s->n * sizeof(double));
            attempt(s, stats, &norm);
        }
    }
    s->load = full;
    s->have_solution = ok;

    /* results and diagnosis */
    int r = st_eval(s, s->u, s->f, false);
    size_t worst = 0;
    norm = r == 0 ? scaled_norm(s, s->f, &worst) : HUGE_VAL;
    stats->converged = ok;
    stats->residual_norm = norm;
    if (result) st_fill_results(s, s->u, result, stats);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (!ok) {
        const char *eq = "";
        char comp[96];
        st_describe_row(s, worst, comp, sizeof comp, &eq);
        snprintf(stats->worst_component, sizeof stats->worst_component, "%s", comp);
        snprintf(stats->worst_equation, sizeof stats->worst_equation, "%s", eq);
        stats->worst_residual = norm;
        return dh_error_set(err, DH_ERR_NOCONV, NULL, comp,
                            "steady solve did not converge: largest scaled residual %.3g in the "
                            "%s equation",
                            norm, eq);
    }
    return DH_OK;
}
