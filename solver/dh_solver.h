/* dh_solver.h: steady-state coupled hydraulic-thermal network solver (public).
 *
 * Solves node pressures and enthalpies, link mass flows and the interior states of segmented
 * steam pipes together with SUNDIALS KINSOL (Newton + line search) and the KLU sparse direct
 * solver, with an analytic Jacobian whose sparsity pattern is built once per network. The
 * formulation (unknowns, equations, sign conventions, smoothing) is docs/model.md.
 *
 * Lifecycle (after SUNDIALS):
 *     dh_steady *s = NULL;
 *     if (dh_steady_create(net, &study, &s, &err)) ...        // layout, pattern, KINSOL + KLU
 *     dh_steady_solve(s, snap, &stats, &err);                 // any number of times
 *     dh_steady_set_load(s, 0.8); dh_steady_solve(...);      // warm start from the last solve
 *     dh_steady_destroy(&s);
 * A series of solves on the same network reuses the pattern and KLU's symbolic analysis; each
 * solve starts from the previous solution unless dh_steady_reset_guess() is called.
 *
 * The solver does no I/O: progress goes through a callback, results into a dh_snapshot and a
 * dh_solve_stats. Exports: dh_steady_* below. Callers: cli/cmd_run.c, tests/solver.
 */
#ifndef DH_SOLVER_H
#define DH_SOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_case.h"
#include "dh_network.h"
#include "dh_results.h"
#include "dh_status.h"

typedef struct dh_steady dh_steady;

/* Called once per Newton iteration: iteration number (1-based within the current attempt),
 * scaled max-norm of the residual, and the load factor of the current attempt (1: full demand;
 * < 1 during load continuation). */
typedef void (*dh_steady_progress_fn)(void *user, int iteration, double residual_norm,
                                      double load);

/* Per-iteration detail (added for `dhsim run --verbose`): as dh_steady_progress_fn, plus the
 * equation with the largest scaled residual ("pipe P1 (segment 2) momentum") and the phase of
 * the solve ("adiabatic", "heat loss 50 %", "load 25 %", "full"). */
typedef void (*dh_steady_detail_fn)(void *user, int iteration, double residual_norm,
                                    const char *worst, const char *phase);

typedef struct dh_steady_options {
    double tolerance;   /* scaled max-norm of the residual at convergence (0: study / 1e-10) */
    int max_iterations; /* per Newton attempt (0: study / 100) */
    bool continuation;  /* load continuation as fallback when the full-load solve fails */
    bool warm_start;    /* start from the previous solution (default true) */
    dh_steady_progress_fn progress;
    void *progress_user;
    dh_steady_detail_fn detail; /* may be NULL; gets progress_user */
    /* KLU on the full node + edge system even for water networks, which otherwise use the
     * reduced linear solver (edge flows eliminated; docs/model.md "Reduced linear solver").
     * Added for tests and benchmarks; default false. */
    bool full_system;
    /* Modified Newton: a warm-started solve keeps the residual scales and momentum weights of
     * the previous attempt and starts from its factorised Jacobian (KINSetNoInitSetup), and
     * every attempt refactorises only every few iterations or when KINSOL's residual
     * monitoring sees the convergence slow down (docs/model.md "Jacobian reuse"). Same
     * solutions to the tolerance; default false. Measured on the park year it costs more
     * Newton iterations (3.0 -> 3.4-14 per step) than the refactorisations it saves, so
     * series.c does not set it. */
    bool jacobian_reuse;
    /* A warm-started solve keeps the residual scales and momentum weights of the previous
     * Newton attempt instead of recomputing them from a Jacobian at its start (one evaluation
     * less per solve; the same solutions to the tolerance). Default false; series.c sets it. */
    bool keep_scales;
} dh_steady_options;

void dh_steady_options_init(dh_steady_options *opt);

/* Builds the unknown layout and the Jacobian pattern, creates KINSOL and SUNLinSol_KLU (BTF
 * off). `net` and `study` are borrowed for the solver's lifetime. opt may be NULL (defaults).
 * Errors: DH_ERR_INPUT naming the component (pipe law constants, two fixed pressures at one
 * node, ...), DH_ERR_NOMEM, DH_ERR_INTERNAL (SUNDIALS). On failure *out == NULL. */
dh_status dh_steady_create(const dh_network *net, const dh_study *study,
                           const dh_steady_options *opt, dh_steady **out, dh_error *err);
void dh_steady_destroy(dh_steady **s);

/* Solves. On success fills `result` (created with dh_snapshot_create for the same network)
 * and `stats` and returns DH_OK. Without convergence returns DH_ERR_NOCONV, fills stats
 * (worst_component, worst_equation, worst_residual from the largest scaled residual) and
 * writes the last iterate to `result`. stats may be NULL. */
dh_status dh_steady_solve(dh_steady *s, dh_snapshot *result, dh_solve_stats *stats,
                          dh_error *err);

/* Scales every demand (consumer mass flows and heats, fixed-flow sources) by `load` (default 1)
 * for the following solves. */
void dh_steady_set_load(dh_steady *s, double load);
/* The next solve starts from the built-in initial guess instead of the last solution. */
void dh_steady_reset_guess(dh_steady *s);

/* ---- introspection (tests, benchmarks) -------------------------------------------------- */

/* Number of unknowns and of structural non-zeros of the Jacobian. */
size_t dh_steady_size(const dh_steady *s);
size_t dh_steady_nnz(const dh_steady *s);

/* The current unknown vector (size dh_steady_size); writable, e.g. to set a test state. */
double *dh_steady_unknowns(dh_steady *s);

/* Residual F(u) (size n) and the Jacobian in CSC (colptr n+1, rowind / values nnz; any of them
 * may be NULL) at u. Returns DH_OK, or DH_RECOVERABLE when u is outside the property range. */
dh_status dh_steady_eval(dh_steady *s, const double *u, double *f, size_t *colptr,
                         size_t *rowind, double *values);

/* Typical magnitude of unknown i and of residual i (the KINSOL scaling is 1 / these). */
double dh_steady_unknown_scale(const dh_steady *s, size_t i);
double dh_steady_residual_scale(const dh_steady *s, size_t i);

/* Describes unknown / equation i: "node N3 pressure", "pipe P1 segment 2 momentum" ... */
const char *dh_steady_describe(const dh_steady *s, size_t i, char *buf, size_t size);

#endif /* DH_SOLVER_H */
