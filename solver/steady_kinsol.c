/* steady_kinsol.c: the steady solver's lifecycle and its SUNDIALS adapter (the only file that
 * sees SUNDIALS types).
 *
 * KINSOL (Newton with line search, KIN_LINESEARCH; Jacobian re-evaluated every iteration, with
 * the residual at the same point; modified Newton as an option, dh_steady_options.jacobian_reuse)
 * with SUNLinSol_KLU on a SUNMatrix_Sparse CSC whose pattern is built once (assemble.c). KLU's
 * symbolic analysis and the numeric factorisation are done at the first setup and reused
 * (klu_refactor) by every following iteration and solve (klu_initialize_keep); KLU's block-triangular pre-ordering (BTF) is switched off
 * (../shared/design.md: BTF on the saddle-point system is a trap at scale) and its ordering is
 * AMD. Water networks use the reduced linear solver of linsol_reduced.c instead of
 * SUNLinSol_KLU (edge flows eliminated; unless opt.full_system), and their initial guess goes
 * through the linear pre-solve of steady_presolve.c.
 * Bounds on the unknowns (KINSOL constraints on shifted unknowns: steam pressures above the
 * atmosphere), per-edge residual scales set at the start of each Newton attempt, and the solve
 * strategy (solve_strategy: warm start, direct, adiabatic pre-solve with load continuation and
 * a secant predictor, heat loss switched on, fallback load continuation; docs/model.md
 * "Solution strategy"). On failure the worst scaled residual names the component.
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

#include "linsol_reduced.h"
#include "steady_internal.h"

/* The direct attempt (solve_strategy, step 2) gives up at iteration DIRECT_GIVE_UP when the
 * residual has not fallen below GIVE_UP_DROP x its first value: from a good guess Newton is
 * there after 2-4 iterations (bench/README.md), and a slow start (10^5 grid pipes: the heat loss
 * from a guess with adiabatic enthalpies, 0.86 -> 0.14 in 4 iterations, 12 to fail) costs more
 * than the staged strategy that follows (adiabatic 5 + heat loss 6 there). */
#define DIRECT_GIVE_UP 8
#define GIVE_UP_DROP 1e-2
/* ... and earlier, at iteration GIVE_UP_EARLY, when it has fallen by less than 10 %: at 10^5
 * grid pipes the direct attempt creeps (0.857, 0.846, 0.845, 0.836 with exact Newton steps: the
 * line search's short steps), at 3x10^4 it is at 0.59 by then and converges at iteration 9-10,
 * the radial networks are below 0.02 at the second. */
#define GIVE_UP_EARLY 3
#define GIVE_UP_EARLY_DROP 0.9
/* jacobian_reuse: KINSOL's msbset, the iterations between two Jacobian evaluations */
#define REUSE_MSBSET 5

typedef struct kin_data {
    SUNContext ctx;
    void *mem;
    N_Vector u, uscale, fscale, constraints;
    SUNMatrix A;
    SUNLinearSolver LS;
    bool reduced;     /* LS is the reduced-system solver (linsol_reduced.c), not KLU's */
    double load;      /* load of the current attempt (progress reports) */
    int iterations;   /* Newton iterations of the current attempt */
    int give_up_at;   /* >0: stop the attempt at this iteration unless the residual has fallen
                         by GIVE_UP_DROP from the first (attempt_n) */
    double norm1;     /* scaled max-norm at the attempt's first iteration */
    bool gave_up;
    char phase[48];   /* phase of the current attempt (detail reports) */
    /* jacobian_reuse: LS holds a factorised Jacobian of an earlier attempt on this network
     * (a warm attempt may start from it: KINSetNoInitSetup) */
    bool have_factor;
    bool func_jac;    /* kin_func evaluates the Jacobian with the residual (exact Newton: the
                         next kin_jac is at that point) */
    /* KINSOL's unknowns are v = u - shift, with v > 0 as constraint for pressures and
     * enthalpies: shift = the atmospheric pressure for the pressures of steam nodes (network
     * steam nodes and the interior points of steam pipes), 0 elsewhere (docs/model.md,
     * "Bounds") */
    double *shift;
    double *phys;     /* u = v + shift of the point KINSOL asks for */
    double *fsb;      /* st_scales' residual scale of each row, as of the current attempt */
    bool fsb_valid;
    bool pattern_set; /* A's column pointers and row indices are s's pattern (set once) */
} kin_data;

void dh_steady_options_init(dh_steady_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->continuation = true;
    opt->warm_start = true;
}

/* u = v + shift (KINSOL's unknowns -> the physical ones) into k->phys */
static const double *to_phys(const dh_steady *s, N_Vector v)
{
    const kin_data *k = s->kin;
    const double *vv = N_VGetArrayPointer(v);
    for (size_t i = 0; i < s->n; i++) k->phys[i] = vv[i] + k->shift[i];
    return k->phys;
}

/* The residual at u. s->f, np, ew (and jx when jx_valid) then hold the evaluation at u_last,
 * so that kin_jac at the same point and attempt_n's final residual need no evaluation. */
static int kin_func(N_Vector u, N_Vector f, void *user)
{
    dh_steady *s = user;
    const kin_data *k = s->kin;
    const double *uu = to_phys(s, u);
    double *ff = N_VGetArrayPointer(f);
    int r = st_eval(s, uu, ff, k->func_jac);
    memcpy(s->u_last, uu, s->n * sizeof(double));
    memcpy(s->f, ff, s->n * sizeof(double));
    s->f_valid = r == 0;
    s->jx_valid = r == 0 && k->func_jac;
    return r;
}

static double scaled_norm(const dh_steady *s, const double *f, size_t *worst)
{
    const kin_data *k = s->kin;
    double nrm = 0.0;
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        double fs;
        if (k && k->fsb_valid) fs = k->fsb[i];
        else st_scales(s, i, NULL, &fs);
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
    (void)t1, (void)t2;
    dh_steady *s = user;
    kin_data *k = s->kin;
    const double *uu = to_phys(s, u);
    if (!s->jx_valid || memcmp(uu, s->u_last, s->n * sizeof(double)) != 0) {
        int r = st_eval(s, uu, s->f, true);
        memcpy(s->u_last, uu, s->n * sizeof(double));
        s->jx_valid = s->f_valid = r == 0;
        if (r) return r;
    }
    sunindextype *cp = SUNSparseMatrix_IndexPointers(J), *ri = SUNSparseMatrix_IndexValues(J);
    double *x = SUNSparseMatrix_Data(J);
    if (!k->pattern_set) { /* the pattern never changes (and nothing writes J's indices) */
        for (size_t j = 0; j <= s->n; j++) cp[j] = (sunindextype)s->colptr[j];
        for (size_t z = 0; z < s->nnz; z++) ri[z] = (sunindextype)s->rowind[z];
        k->pattern_set = true;
    }
    memcpy(x, s->jx, s->nnz * sizeof *x);
    k->iterations++;
    if (k->give_up_at > 0) {
        double nrm = scaled_norm(s, N_VGetArrayPointer(fu), NULL);
        if (k->iterations == 1) k->norm1 = nrm;
        if ((k->iterations >= k->give_up_at && nrm > GIVE_UP_DROP * k->norm1) ||
            (k->iterations == GIVE_UP_EARLY && nrm > GIVE_UP_EARLY_DROP * k->norm1)) {
            k->gave_up = true;
            return -1; /* KINSOL stops (KIN_LSETUP_FAIL) */
        }
    }
    if (s->opt.progress || s->opt.detail) {
        size_t w = 0;
        double nrm = scaled_norm(s, N_VGetArrayPointer(fu), &w);
        if (s->opt.progress) s->opt.progress(s->opt.progress_user, k->iterations, nrm, k->load);
        if (s->opt.detail) {
            char what[160];
            dh_steady_describe(s, w, what, sizeof what);
            s->opt.detail(s->opt.progress_user, k->iterations, nrm, what, k->phase);
        }
    }
    return 0;
}

/* KINSOL initialises its linear solver at every KINSol call, and SUNLinSol_KLU's initialise
 * discards the factorisation so that its next setup redoes the symbolic analysis (AMD) and a
 * pivoting factorisation: per series step, about 4 % of the park year. Once a numeric
 * factorisation exists the following setups refactorise with its pivot order (klu_refactor;
 * SUNLinSol_KLU itself falls back to a full factorisation when the refactorisation's condition
 * estimate is poor, and attempt_n re-initialises after a failed one). */
static int klu_initialize_keep(SUNLinearSolver LS)
{
    if (SUNLinSol_KLUGetNumeric(LS) != NULL) return SUNLS_SUCCESS;
    return SUNLinSolInitialize_KLU(LS);
}

/* kin_jac writes every entry of J (pattern and values), so KINSOL's zeroing of J before each
 * Jacobian evaluation (SUNMatZero, ~2 % of the park year) is not needed. */
static int mat_zero_skip(SUNMatrix A)
{
    (void)A;
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
    if (k->constraints) N_VDestroy(k->constraints);
    free(k->shift);
    free(k->phys);
    free(k->fsb);
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
    k->constraints = N_VNew_Serial(n, k->ctx);
    k->A = SUNSparseMatrix(n, n, (sunindextype)(s->nnz ? s->nnz : 1), CSC_MAT, k->ctx);
    k->shift = calloc(s->n ? s->n : 1, sizeof(double));
    k->phys = calloc(s->n ? s->n : 1, sizeof(double));
    k->fsb = calloc(s->n ? s->n : 1, sizeof(double));
    if (!k->shift || !k->phys || !k->fsb) goto fail;
    if (!k->u || !k->uscale || !k->fscale || !k->constraints || !k->A) goto fail;
    /* water networks: the reduced system (edge flows eliminated, enthalpies after the
     * hydraulics; linsol_reduced.c); otherwise KLU on the full system */
    k->reduced = !s->opt.full_system && st_linsol_reduced_applicable(s);
    if (k->reduced) {
        k->LS = st_linsol_reduced(s, k->ctx);
        if (!k->LS) goto fail;
    } else {
    k->LS = SUNLinSol_KLU(k->u, k->A, k->ctx);
    if (!k->LS) goto fail;
    SUNLinSol_KLUGetCommon(k->LS)->btf = 0;
    /* AMD on A + A^T, not SUNDIALS' default COLAMD: on these network Jacobians (symmetric
     * pattern) COLAMD's column ordering gives about 6x the fill of AMD and 40x the refactor
     * time (10^3 radial pipes: 0.3 ms vs 12 ms per klu_refactor) */
    if (SUNLinSol_KLUSetOrdering(k->LS, 0)) goto fail;
    k->LS->ops->initialize = klu_initialize_keep;
    }
    k->A->ops->zero = mat_zero_skip;
    double *us = N_VGetArrayPointer(k->uscale), *fs = N_VGetArrayPointer(k->fscale);
    for (size_t i = 0; i < s->n; i++) {
        double a, b;
        st_scales(s, i, &a, &b);
        us[i] = 1.0 / a;
        fs[i] = 1.0 / b;
    }
    /* bounds (KINSOL constraint 2: v > 0, KINSOL shortens a Newton step that would cross
     * one): pressures and enthalpies positive, so trial states stay in the property range, and
     * the pressures of steam nodes above atmospheric. A steam network cannot hold a node below
     * the atmospheric pressure (every consumer beyond it is cut off by its delivery ramp, and a
     * node without draw takes its upstream pressure), so the bound is inactive at solutions; it
     * keeps Newton out of the spurious limit p -> 0, m -> 0 near an overloaded main's end, where
     * the flat ramp (no draw below p_atm) and the acceleration term m^2/(A^2 rho_b) balance. */
    const dh_network *net = s->net;
    double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                        : 101325.0;
    double *cs = N_VGetArrayPointer(k->constraints);
    for (size_t i = 0; i < s->n; i++) {
        cs[i] = i < 2 * s->nn ? 2.0 : 0.0;
        bool steam = i < s->nn && (i >= net->nodes.n || net->nodes.medium[i] == DH_MEDIUM_STEAM);
        k->shift[i] = steam ? patm : 0.0;
    }
    for (size_t i = 0; i < s->n; i++)
        N_VGetArrayPointer(k->u)[i] = fmax(s->u_guess[i] - k->shift[i], 1.0);
    k->mem = KINCreate(k->ctx);
    if (!k->mem) goto fail;
    if (KINInit(k->mem, kin_func, k->u) || KINSetUserData(k->mem, s) ||
        KINSetLinearSolver(k->mem, k->LS, k->A) || KINSetJacFn(k->mem, kin_jac) ||
        KINSetMaxSetupCalls(k->mem, 1) || KINSetErrHandlerFn(k->mem, kin_silent, NULL) ||
        KINSetFuncNormTol(k->mem, s->opt.tolerance) || KINSetScaledStepTol(k->mem, 1e-15) ||
        KINSetNumMaxIters(k->mem, s->opt.max_iterations) ||
        KINSetMaxBetaFails(k->mem, 50) || KINSetConstraints(k->mem, k->constraints) ||
        KINSetMaxNewtonStep(k->mem, 1e12))
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
    s->loss_scale = 1.0;
    s->loss_target = 1.0;
    dh_status st = st_layout_build(s, err);
    if (st) goto fail;
    s->np = calloc(s->nn ? s->nn : 1, sizeof *s->np);
    s->ew = calloc(s->ne ? s->ne : 1, sizeof *s->ew);
    s->u = calloc(s->n ? s->n : 1, sizeof(double));
    s->f = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_guess = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_last = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_base = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_cont = calloc(s->n ? s->n : 1, sizeof(double));
    s->u_prev = calloc(s->n ? s->n : 1, sizeof(double));
    if (!s->np || !s->ew || !s->u || !s->f || !s->u_guess || !s->u_last || !s->u_base ||
        !s->u_cont || !s->u_prev) {
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
    free(s->u_base);
    free(s->u_cont);
    free(s->u_prev);
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

/* Tolerance of the intermediate solves of a strategy (adiabatic pre-solve, continuation steps):
 * their solutions are starting points only, and the last few Newton iterations to the final
 * tolerance are quadratic, so 1e-6 (scaled) is tight enough and saves two iterations per stage. */
#define STAGE_TOL 1e-6
/* Newton iterations allowed to the direct solve from a good guess before the staged strategy */
#define DIRECT_MAXIT 14

/* One Newton solve from s->u at the current load and heat-loss scale, to the scaled max-norm
 * `tol`. Returns true when converged; *norm is the scaled max-norm of the final residual. A
 * failed KLU refactorisation (klu_refactor reuses the pivot order of the first factorisation;
 * a pivot that has become 0 fails it) is recovered by a fresh analysis and factorisation
 * (SUNLinSol_KLUReInit) and KINSOL continues from its last iterate. */
static bool attempt_n(dh_steady *s, dh_solve_stats *stats, double *norm, double tol, long maxit,
                      int give_up_at, bool warm)
{
    kin_data *k = s->kin;
    k->give_up_at = give_up_at;
    k->gave_up = false;
    k->load = s->load;
    snprintf(k->phase, sizeof k->phase, "load %.3g %%, heat loss %.3g %%", 100 * s->load,
             100 * s->loss_scale);
    k->iterations = 0;
    double *ku = N_VGetArrayPointer(k->u);
    /* v = u - shift, strictly inside the bounds (a start state below them, e.g. a guess whose
     * pressure walk collapsed, is lifted to 5 % above them) */
    for (size_t i = 0; i < s->n; i++) {
        ku[i] = s->u[i] - k->shift[i];
        if (i < 2 * s->nn && !(ku[i] > 0))
            ku[i] = 0.05 * (k->shift[i] > 0 ? k->shift[i] : fabs(s->u[i]) + 1.0);
        /* u exactly the point KINSOL evaluates first (v + shift, which may differ from u by
         * an ulp), so that its residual finds the properties of the scale evaluation */
        s->u[i] = ku[i] + k->shift[i];
    }
    /* keep_scales / jacobian_reuse on a warm attempt after an earlier one: the scales and the
     * momentum weights of the last attempt (no scale evaluation), and with jacobian_reuse its
     * factorised Jacobian (modified Newton; docs/model.md "Jacobian reuse") */
    bool reuse = s->opt.jacobian_reuse && warm && k->have_factor;
    bool keep = (reuse || s->opt.keep_scales) && warm && k->have_factor;
    if (!keep && st_update_scales(s, s->u) != 0) {
        *norm = HUGE_VAL;
        return false;
    }
    double *fsv = N_VGetArrayPointer(k->fscale);
    for (size_t i = 0; i < s->n; i++) {
        double b;
        st_scales(s, i, NULL, &b);
        fsv[i] = 1.0 / b;
        k->fsb[i] = b;
    }
    k->fsb_valid = true;
    KINSetFuncNormTol(k->mem, tol);
    /* exact Newton: a Jacobian at every iteration, evaluated with the residual at the point
     * KINSOL accepts; modified Newton: a fresh one every REUSE_MSBSET iterations or when
     * KINSOL's residual monitoring finds the residual falling too slowly */
    k->func_jac = !s->opt.jacobian_reuse;
    KINSetMaxSetupCalls(k->mem, s->opt.jacobian_reuse ? REUSE_MSBSET : 1);
    long left = maxit;
    for (int retry = 0; retry < 3 && left > 0; retry++) {
        KINSetNumMaxIters(k->mem, left);
        KINSetNoInitSetup(k->mem, reuse && retry == 0);
        s->jx_valid = false;
        s->f_valid = false;
        int ret = KINSol(k->mem, k->u, KIN_LINESEARCH, k->uscale, k->fscale);
        long nni = 0, nje = 0;
        KINGetNumNonlinSolvIters(k->mem, &nni);
        KINGetNumJacEvals(k->mem, &nje);
        if (nje > 0 && ret >= 0) k->have_factor = true;
        if (stats) {
            stats->iterations += (int)nni;
            stats->linear_solves += (int)nje;
        }
        left -= nni > 0 ? nni : 1;
        if (k->gave_up ||
            (ret != KIN_LSETUP_FAIL && ret != KIN_LSOLVE_FAIL && ret != KIN_LINSOLV_NO_RECOVERY))
            break;
        k->have_factor = false;
        if (k->reduced) st_linsol_reduced_reset(k->LS);
        else SUNLinSol_KLUReInit(k->LS, k->A, (sunindextype)(s->nnz ? s->nnz : 1),
                                 SUNKLU_REINIT_PARTIAL);
    }
    const double *uphys = to_phys(s, k->u);
    /* KINSOL's last residual is normally at the iterate it returns (s->f holds it) */
    int r = s->f_valid && memcmp(uphys, s->u_last, s->n * sizeof(double)) == 0
                ? 0
                : st_eval(s, uphys, s->f, false);
    s->f_at_u = r == 0;
    *norm = r == 0 ? scaled_norm(s, s->f, NULL) : HUGE_VAL;
    /* converged when the residual is small, whatever KINSOL's return (a line search that
     * cannot reduce a residual already at round-off level is success) */
    bool ok = r == 0 && *norm <= tol;
    if (r == 0) memcpy(s->u, uphys, s->n * sizeof(double));
    return ok;
}

static bool attempt(dh_steady *s, dh_solve_stats *stats, double *norm, double tol)
{
    return attempt_n(s, stats, norm, tol, s->opt.max_iterations, 0, false);
}

/* Continuation in *par (the load or the heat-loss scale) from the state in s->u, converged at
 * *par = from (or a guess for it), up to `to`: steps start at `step`, grow x2 after a success in
 * few iterations (x1.25 otherwise), halve after a failure; gives up below `min_step`. The
 * intermediate solves use STAGE_TOL, the last one `tol`. On return s->u is the last converged
 * state and *par its parameter; true when `to` was reached. */
static bool continuation(dh_steady *s, double *par, double from, double to, double step,
                         double min_step, double tol, dh_solve_stats *stats)
{
    double *u_ok = s->u_cont, *u_prev = s->u_prev, at = from, at_prev = from;
    bool have_prev = false;
    memcpy(u_ok, s->u, s->n * sizeof(double));
    for (int tries = 0; tries < 60; tries++) {
        double next = fmin(at + step, to), norm;
        *par = next;
        /* secant predictor from the last two converged states (first-order extrapolation of
         * the solution path; it halves the Newton iterations of a step near the network's
         * capacity, where the far-end pressures fall steeply with the load) */
        for (size_t i = 0; i < s->n; i++)
            s->u[i] = have_prev ? u_ok[i] + (next - at) / (at - at_prev) * (u_ok[i] - u_prev[i])
                                : u_ok[i];
        int it0 = stats->iterations;
        if (attempt(s, stats, &norm, next >= to ? tol : STAGE_TOL)) {
            memcpy(u_prev, u_ok, s->n * sizeof(double));
            at_prev = at;
            have_prev = at > from || from > 0.0;
            at = next;
            memcpy(u_ok, s->u, s->n * sizeof(double));
            if (at >= to) return true;
            step *= stats->iterations - it0 <= 8 ? 2.0 : 1.25;
        } else {
            step *= 0.5;
            if (step < min_step) break;
        }
    }
    *par = at;
    memcpy(s->u, u_ok, s->n * sizeof(double));
    return false;
}

/* The solve strategy (docs/model.md, "Solution strategy"):
 *  1. warm start: Newton from the previous solution (a series of solves);
 *  2. direct: Newton on the coupled system from the guess, if its pressure walk did not
 *     collapse, with a short budget (DIRECT_MAXIT);
 *  3. adiabatic pre-solve: the hydraulics with every pipe's heat loss switched off
 *     (loss_scale = 0: isenthalpic pipes, so the steam keeps the source's enthalpy less the
 *     throttling; no condensation), from the spanning-tree guess, with load continuation if the
 *     full load fails; then the heat loss switched on from that state (continuation in the
 *     loss scale if the direct step fails). The pre-solve settles the flow directions (the
 *     loop's tie line) and the pressure profile, which the coupled system cannot find from the
 *     guess: at near-zero flow a steam pipe fills with condensate in the homogeneous model, and
 *     Newton from the tree guess gets trapped there;
 *  4. fallback: load continuation of the coupled system. */
static bool solve_strategy(dh_steady *s, dh_solve_stats *stats)
{
    double full = s->load, norm;
    double tol = s->opt.tolerance;
    if (s->have_solution && s->opt.warm_start) {
        if (attempt_n(s, stats, &norm, tol, s->opt.max_iterations, 0, true)) return true;
    }
    st_initial_guess(s, s->u_guess);
    st_linear_presolve(s, s->u_guess);
    memcpy(s->u, s->u_guess, s->n * sizeof(double));
    /* 2. a good guess (its pressure walk did not collapse): the coupled system directly, with
     * a short budget (small networks converge in 3-6 iterations from it) */
    if (!s->guess_clamped) {
        s->loss_scale = s->loss_target;
        if (attempt_n(s, stats, &norm, tol, DIRECT_MAXIT, DIRECT_GIVE_UP, false)) return true;
        memcpy(s->u, s->u_guess, s->n * sizeof(double));
    }
    /* 3. adiabatic pre-solve: at full load from the guess unless the guess's pressure walk
     * collapsed (the tree flows at full load overload a path), else by load continuation from
     * 25 %, where the tree guess is close (pressure drops ~6 % of full load's) */
    s->loss_scale = 0.0;
    bool hyd = !s->guess_clamped && attempt(s, stats, &norm, STAGE_TOL);
    if (!hyd && s->opt.continuation && full > 0) {
        double l0 = 0.25 * full;
        s->load = l0;
        st_initial_guess(s, s->u);
        hyd = attempt(s, stats, &norm, STAGE_TOL) &&
              continuation(s, &s->load, l0, full, l0, 1e-3 * full, STAGE_TOL, stats);
    }
    s->load = full;
    if (hyd) {
        memcpy(s->u_base, s->u, s->n * sizeof(double));
        s->loss_scale = s->loss_target;
        if (attempt(s, stats, &norm, tol)) return true;
        if (s->opt.continuation) {
            memcpy(s->u, s->u_base, s->n * sizeof(double));
            /* the continuation parameter is s->loss_scale itself (assemble.c scales every
             * pipe's UA by it): a local copy would leave every step at the full heat loss */
            s->loss_scale = 0.0;
            bool ok = continuation(s, &s->loss_scale, 0.0, s->loss_target,
                                   0.25 * s->loss_target, 1e-3 * s->loss_target, tol, stats);
            if (ok) {
                s->loss_scale = s->loss_target;
                return true;
            }
        }
    }
    s->loss_scale = s->loss_target;
    /* 4. fallback: load continuation of the coupled system from the guess */
    if (!s->opt.continuation || !(full > 0)) return false;
    s->load = 0.1 * full;
    st_initial_guess(s, s->u);
    bool ok = continuation(s, &s->load, 0.0, full, 0.1 * full, 1e-3 * full, tol, stats);
    s->load = full;
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
    s->f_at_u = false;
    bool ok = solve_strategy(s, stats);
    s->loss_scale = s->loss_target;
    s->load = full;
    s->have_solution = ok;

    /* results and diagnosis (a converged solve's last attempt evaluated at s->u already) */
    int r = ok && s->f_at_u ? 0 : st_eval(s, s->u, s->f, false);
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
