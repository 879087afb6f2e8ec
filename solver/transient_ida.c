/* transient_ida.c: the transient solver's lifecycle, run loop and SUNDIALS IDA adapter (the only
 * transient file that sees SUNDIALS types).
 *
 * IDA (variable-order variable-step BDF; Hindmarsh et al., SUNDIALS IDA user guide v6.4) on
 * F(t, y, y') = 0 of transient_model.c, with SUNLinSol_KLU on a SUNMatrix_Sparse CSC whose
 * pattern is built once (KLU's symbolic analysis is reused; BTF off, as in the steady solver).
 * Differential unknowns: (p, h) of the storage nodes; the rest algebraic (IDASetId), excluded
 * from the local error test (IDASetSuppressAlg). Quadratures (IDAQuadInit) integrate the mass
 * and energy flows of the conservation balance and, per water pipe, the flows the plug
 * transport moves. Root functions (IDARootInit) locate the times consumers' delivery pressures
 * fall below their minimum.
 *
 * The run is cut into segments at breakpoints: events, ramp ends, transport intervals (water
 * pipes) and t_end. At each breakpoint the inputs change, IDA is re-initialised (IDAReInit) and
 * the algebraic unknowns and y' are made consistent (IDACalcIC, IDA_YA_YDP_INIT); within a
 * segment IDA runs in one-step mode with a stop time, outputs are interpolated (IDAGetDky) and
 * the header minima are checked at every internal step.
 *
 * An all-algebraic network (water, no storage node) does not go through IDA: each segment is
 * one backward-Euler step of transient_alg.c (the quasi-steady path, frozen hydraulics between
 * full solves). Checkpoints (opt.checkpoint_interval) are breakpoints too: the state handed to
 * the callback there is all a restored solver (transient_checkpoint.c) needs to continue on the
 * same trajectory; the next segment re-initialises IDA (refreshes the quasi-steady Jacobian) in
 * both runs alike.
 *
 * Exports: dh_transient_* (dh_transient.h). Callers: cli/run_transient.c, tests/transient.
 */
#include <math.h>
#include <stdio.h> /* snprintf */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ida/ida.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "dh_solver.h"
#include "transient_internal.h"

typedef struct ida_data {
    SUNContext ctx;
    void *mem;
    N_Vector y, yp, id, atol;
    SUNMatrix A;
    SUNLinearSolver LS;
    bool need_ic;   /* the initial state needs IDACalcIC (from a snapshot) */
    double *qbase;  /* nquad: IDA's integrals at the start of the segment */
    bool ran;
} ida_data;

void dh_transient_options_init(dh_transient_options *o)
{
    memset(o, 0, sizeof *o);
    o->rtol = 1e-6;
    o->max_plugs = 64;
    o->plug_merge_dT = 0.01;
    o->wall_heat_capacity = true;
    o->heat_loss_scale = 1.0;
    o->ride_through_from = NAN;
}

/* ---- IDA callbacks ------------------------------------------------------------------------- */

static int ida_res(realtype t, N_Vector y, N_Vector yp, N_Vector r, void *user)
{
    dh_transient *T = user;
    T->stats.residual_evals++;
    return tr_residual(T, t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp), N_VGetArrayPointer(r),
                       false, 0.0);
}

static int ida_jac(realtype t, realtype cj, N_Vector y, N_Vector yp, N_Vector r, SUNMatrix J,
                   void *user, N_Vector t1, N_Vector t2, N_Vector t3)
{
    (void)r, (void)t1, (void)t2, (void)t3;
    dh_transient *T = user;
    int ret = tr_residual(T, t, N_VGetArrayPointer(y), N_VGetArrayPointer(yp), T->f, true, cj);
    if (ret) return ret;
    sunindextype *cp = SUNSparseMatrix_IndexPointers(J), *ri = SUNSparseMatrix_IndexValues(J);
    double *x = SUNSparseMatrix_Data(J);
    for (size_t j = 0; j <= T->ny; j++) cp[j] = (sunindextype)T->colptr[j];
    for (size_t z = 0; z < T->nnz; z++) {
        ri[z] = (sunindextype)T->rowind[z];
        x[z] = T->jx[z];
    }
    return 0;
}

static int ida_root(realtype t, N_Vector y, N_Vector yp, realtype *g, void *user)
{
    (void)t, (void)yp;
    tr_roots(user, N_VGetArrayPointer(y), g);
    return 0;
}

static void ida_silent(int code, const char *module, const char *function, char *msg, void *data)
{
    (void)code, (void)module, (void)function, (void)msg, (void)data;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static int cmp_event(const void *a, const void *b)
{
    const dh_event *x = a, *y = b;
    return x->time < y->time ? -1 : x->time > y->time;
}

static dh_status check_event(const dh_transient *T, size_t i, const dh_event *e, dh_error *err)
{
    const dh_network *net = T->net0;
    char comp[64];
    snprintf(comp, sizeof comp, "event %zu", i + 1);
    size_t n = 0;
    switch (e->kind) {
    case DH_EVENT_CONSUMER_DEMAND: n = net->consumers.n; break;
    case DH_EVENT_SOURCE_PRESSURE:
    case DH_EVENT_SOURCE_MAX_FLOW:
    case DH_EVENT_SOURCE_TEMPERATURE:
    case DH_EVENT_SOURCE_FLOW: n = net->sources.n; break;
    case DH_EVENT_VALVE_OPENING: n = net->valves.n; break;
    default: return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "unknown event kind %d", e->kind);
    }
    if (e->index >= n)
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "index %zu out of range (%zu rows)",
                            e->index, n);
    if (!(e->time >= 0) || !(e->duration >= 0) || isnan(e->value))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "time and duration must be >= 0 and the value a number");
    bool fp = (e->kind == DH_EVENT_SOURCE_PRESSURE || e->kind == DH_EVENT_SOURCE_MAX_FLOW);
    if (fp && net->sources.type[e->index] != DH_SOURCE_FIXED_PRESSURE)
        return dh_error_set(err, DH_ERR_INPUT, &net->sources.pos[e->index], comp,
                            "source %s is not a fixed-pressure source",
                            net->sources.id[e->index]);
    if (e->kind == DH_EVENT_SOURCE_FLOW && net->sources.type[e->index] != DH_SOURCE_FIXED_FLOW)
        return dh_error_set(err, DH_ERR_INPUT, &net->sources.pos[e->index], comp,
                            "source %s is not a fixed-flow source", net->sources.id[e->index]);
    if (e->kind == DH_EVENT_VALVE_OPENING && !(e->value >= 0 && e->value <= 1))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "valve opening %g outside 0..1",
                            e->value);
    if (e->kind == DH_EVENT_SOURCE_PRESSURE && !(e->value > 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "set pressure must be > 0 Pa abs");
    return DH_OK;
}

static void ida_free(ida_data *d)
{
    if (!d) return;
    if (d->mem) IDAFree(&d->mem);
    if (d->LS) SUNLinSolFree(d->LS);
    if (d->A) SUNMatDestroy(d->A);
    if (d->y) N_VDestroy(d->y);
    if (d->yp) N_VDestroy(d->yp);
    if (d->id) N_VDestroy(d->id);
    if (d->atol) N_VDestroy(d->atol);
    free(d->qbase);
    if (d->ctx) SUNContext_Free(&d->ctx);
    free(d);
}

void dh_transient_destroy(dh_transient **pt)
{
    if (!pt || !*pt) return;
    dh_transient *T = *pt;
    ida_free(T->ida);
    dh_snapshot_destroy(&T->snap);
    tr_alg_free(T);
    tr_plug_free(T);
    tr_model_free(T);
    dh_steady_destroy(&T->s);
    tr_net_free(T);
    free(T->ev);
    free(T->ramp);
    free(T->y);
    free(T->yp);
    free(T->f);
    free(T->quad);
    free(T);
    *pt = NULL;
}

dh_status dh_transient_create(const dh_network *net, const dh_study *study,
                              const dh_transient_options *opt, dh_transient **out,
                              dh_error *err)
{
    *out = NULL;
    dh_error_clear(err);
    dh_transient *T = calloc(1, sizeof *T);
    if (!T) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
    dh_status st = DH_OK;
    T->net0 = net;
    if (study) T->study = *study;
    if (opt) T->opt = *opt;
    else dh_transient_options_init(&T->opt);
    dh_transient_options *o = &T->opt;
    if (!(o->t_end > 0) || !(o->output_interval >= 0) || !(o->rtol > 0) || o->max_plugs < 0 ||
        !(o->transport_step >= 0) || !(o->heat_loss_scale >= 0)) {
        st = dh_error_set(err, DH_ERR_INPUT, NULL, "transient study",
                          "t_end must be > 0, rtol > 0, intervals and scales >= 0");
        goto fail;
    }
    if (!(o->atol_factor > 0)) o->atol_factor = o->rtol;
    if (o->max_plugs < 4) o->max_plugs = o->max_plugs == 0 ? 64 : 4;
    if (!(o->plug_merge_dT >= 0)) o->plug_merge_dT = 0.01;
    if (!(o->transport_step > 0))
        /* a front's arrival time is quantised to it; 5 min (EPANET's quality step) was tried
         * and fails on netgen's 200-pipe radial network after 7 h: the plug arrivals, frozen at
         * the flows of an interval's start, drift too far from what the heat consumers' changed
         * flows carry out (docs/transient.md "Limits") */
        o->transport_step = o->output_interval > 0 ? fmin(o->output_interval, 60.0) : 60.0;
    T->h_tol = o->plug_merge_dT * 4186.0; /* J/kg per K of liquid water */
    for (size_t i = 0; i < o->n_events; i++)
        if ((st = check_event(T, i, &o->events[i], err))) goto fail;
    T->nev = o->n_events;
    T->ev = malloc((T->nev ? T->nev : 1) * sizeof *T->ev);
    T->ramp = malloc((T->nev ? T->nev : 1) * sizeof *T->ramp);
    if (!T->ev || !T->ramp) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
        goto fail;
    }
    if (T->nev) memcpy(T->ev, o->events, T->nev * sizeof *T->ev);
    /* stable order of equal times: insertion sort (few events) */
    for (size_t i = 1; i < T->nev; i++)
        for (size_t j = i; j > 0 && cmp_event(&T->ev[j - 1], &T->ev[j]) > 0; j--) {
            dh_event t = T->ev[j];
            T->ev[j] = T->ev[j - 1];
            T->ev[j - 1] = t;
        }
    T->t_ref = isfinite(o->ride_through_from) ? o->ride_through_from
               : T->nev                       ? T->ev[0].time
                                              : 0.0;
    if ((st = tr_net_copy(T, err))) goto fail;
    dh_steady_options so;
    dh_steady_options_init(&so);
    if ((st = dh_steady_create(T->net, study, &so, &T->s, err))) goto fail;
    T->s->loss_scale = T->s->loss_target = o->heat_loss_scale;
    if ((st = tr_model_build(T, err))) goto fail;
    if ((st = tr_plug_build(T, err))) goto fail;
    /* no differential unknown (a water network): the quasi-steady path instead of IDA */
    if (T->ndiff == 0 && (st = tr_alg_create(T, err)))
        goto fail;
    T->transport_active = T->nq > 0;
    T->y = calloc(T->ny, sizeof(double));
    T->yp = calloc(T->ny, sizeof(double));
    T->f = calloc(T->ny, sizeof(double));
    T->quad = calloc(T->nquad, sizeof(double));
    if (!T->y || !T->yp || !T->f || !T->quad || dh_snapshot_create(T->net, &T->snap)) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
        goto fail;
    }
    ida_data *d = calloc(1, sizeof *d);
    T->ida = d;
    if (!d || SUNContext_Create(NULL, &d->ctx)) goto ida_fail;
    sunindextype n = (sunindextype)T->ny;
    d->y = N_VNew_Serial(n, d->ctx);
    d->yp = N_VNew_Serial(n, d->ctx);
    d->id = N_VNew_Serial(n, d->ctx);
    d->atol = N_VNew_Serial(n, d->ctx);
    d->A = SUNSparseMatrix(n, n, (sunindextype)T->nnz, CSC_MAT, d->ctx);
    if (!d->y || !d->yp || !d->id || !d->atol || !d->A) goto ida_fail;
    d->LS = SUNLinSol_KLU(d->y, d->A, d->ctx);
    if (!d->LS) goto ida_fail;
    SUNLinSol_KLUGetCommon(d->LS)->btf = 0;
    /* AMD, not SUNDIALS' default COLAMD: on these (structurally near-symmetric) network
     * patterns COLAMD's fill is ~6x AMD's (steady_kinsol.c measured the same) */
    if (SUNLinSol_KLUSetOrdering(d->LS, 0)) goto ida_fail;
    d->mem = IDACreate(d->ctx);
    if (!d->mem) goto ida_fail;
    *out = T;
    return DH_OK;
ida_fail:
    st = dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                      "transient solver: cannot set up IDA / SUNLinSol_KLU");
fail:
    dh_transient_destroy(&T);
    return st;
}

dh_status dh_transient_init_steady(dh_transient *T, dh_solve_stats *steady_stats, dh_error *err)
{
    dh_status st = dh_steady_solve(T->s, NULL, steady_stats, err);
    if (st) return st;
    memcpy(T->y, dh_steady_unknowns(T->s), T->n * sizeof(double));
    memset(T->y + T->n, 0, T->nquad * sizeof(double));
    memset(T->yp, 0, T->ny * sizeof(double));
    tr_plug_init(T, T->y);
    ((ida_data *)T->ida)->need_ic = false;
    return DH_OK;
}

dh_status dh_transient_init_snapshot(dh_transient *T, const dh_snapshot *snap, dh_error *err)
{
    dh_error_clear(err);
    const dh_network *net = T->net;
    dh_steady *s = T->s;
    size_t N = net->nodes.n, nn = T->nn;
    if (snap->n_nodes != N || snap->n_links != net->links.n)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "transient solver: snapshot of another network");
    for (size_t k = 0; k < N; k++) {
        T->y[k] = snap->node_pressure[k];
        T->y[nn + k] = snap->node_enthalpy[k];
    }
    for (size_t k = N; k < nn; k++) {
        size_t l = net->pipes.link[s->int_pipe[k]];
        double w = (double)s->int_seg[k] / s->link_nseg[l];
        size_t a = net->links.from[l], b = net->links.to[l];
        T->y[k] = (1 - w) * snap->node_pressure[a] + w * snap->node_pressure[b];
        T->y[nn + k] = (1 - w) * snap->node_enthalpy[a] + w * snap->node_enthalpy[b];
    }
    for (size_t l = 0; l < net->links.n; l++)
        for (unsigned g = 0; g < s->link_nseg[l]; g++)
            T->y[2 * nn + s->link_edge0[l] + g] = snap->link_mass_flow[l];
    for (size_t c = 0; c < net->consumers.n; c++)
        if (s->cons_edge[c] != DH_NONE) T->y[2 * nn + s->cons_edge[c]] = snap->consumer_mass_flow[c];
    for (size_t j = 0; j < net->sources.n; j++)
        if (s->src_unknown[j] != DH_NONE) T->y[s->src_unknown[j]] = snap->source_mass_flow[j];
    memset(T->y + T->n, 0, T->nquad * sizeof(double));
    memset(T->yp, 0, T->ny * sizeof(double));
    tr_plug_init(T, T->y);
    ((ida_data *)T->ida)->need_ic = true;
    return DH_OK;
}

/* ---- run ------------------------------------------------------------------------------------ */

static void add_counters(dh_transient *T)
{
    ida_data *d = T->ida;
    long v;
    if (IDAGetNumSteps(d->mem, &v) == IDA_SUCCESS) T->stats.steps += v;
    if (IDAGetNumJacEvals(d->mem, &v) == IDA_SUCCESS) T->stats.jacobian_evals += v;
    if (IDAGetNumNonlinSolvIters(d->mem, &v) == IDA_SUCCESS) T->stats.nonlinear_iterations += v;
    if (IDAGetNumErrTestFails(d->mem, &v) == IDA_SUCCESS) T->stats.error_test_fails += v;
    if (IDAGetNumNonlinSolvConvFails(d->mem, &v) == IDA_SUCCESS) T->stats.nonlinear_fails += v;
}

/* Adds the integrals of the segment just ended (IDA's integrals in T->y less their values at
 * the segment's start, qbase) to the totals and moves the plugs; qbase becomes the start of the
 * next segment (restart() sets both back to 0 when IDA is re-initialised). */
static void end_segment(dh_transient *T, double t0, double t1)
{
    ida_data *d = T->ida;
    double *q = T->y + T->n, *qb = d->qbase;
    for (size_t i = 0; i < T->nquad; i++) {
        double v = q[i];
        q[i] -= qb[i]; /* the segment's integral, for the plugs */
        qb[i] = v;
    }
    for (size_t i = 0; i < TQ_N; i++) T->quad[i] += q[i];
    if (T->nq > 0) tr_plug_advance(T, T->y, q + TQ_N, t1 - t0);
    memcpy(q, qb, T->nquad * sizeof(double)); /* IDA's values again */
}

/* Restarts IDA at t from T->y with consistent algebraic unknowns and y'. */
static int restart(dh_transient *T, double t, double t_next, dh_error *err)
{
    ida_data *d = T->ida;
    realtype hu = 0;
    if (IDAGetLastStep(d->mem, &hu) != IDA_SUCCESS) hu = 0;
    if (T->h_resume > 0) { /* the first segment after a restore: the first run's last step */
        hu = T->h_resume;
        T->h_resume = 0;
    }
    add_counters(T);
    memset(T->y + T->n, 0, T->nquad * sizeof(double)); /* the integrals start again at 0 */
    memset(d->qbase, 0, T->nquad * sizeof(double));
    memcpy(N_VGetArrayPointer(d->y), T->y, T->ny * sizeof(double));
    memcpy(N_VGetArrayPointer(d->yp), T->yp, T->ny * sizeof(double));
    if (IDAReInit(d->mem, t, d->y, d->yp) != IDA_SUCCESS) {
        dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL, "transient solver: IDAReInit failed");
        return -1;
    }
    T->stats.reinits++;
    /* first step: the whole segment when every unknown is algebraic (water networks: the
     * state follows the inputs), else the last step before the break (the error test finds
     * the right size from there instead of from IDA's tiny default) */
    double h0 = T->ndiff == 0 ? t_next - t : fmin(hu, t_next - t);
    if (h0 > 0) IDASetInitStep(d->mem, h0);
    int r = IDACalcIC(d->mem, IDA_YA_YDP_INIT, t + fmax(1e-3 * (t_next - t), 1e-9));
    if (r < 0) {
        dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                     "transient solver: no consistent state after the change at t = %.6g s "
                     "(IDACalcIC: %s)",
                     t, IDAGetReturnFlagName(r));
        return -1;
    }
    IDAGetConsistentIC(d->mem, d->y, d->yp);
    memcpy(T->y, N_VGetArrayPointer(d->y), T->ny * sizeof(double));
    memcpy(T->yp, N_VGetArrayPointer(d->yp), T->ny * sizeof(double));
    return 0;
}

static int emit(dh_transient *T, double t, const double *y)
{
    if (!T->opt.output) return 0;
    tr_fill_snapshot(T, t, y, T->snap);
    return T->opt.output(T->opt.user, T->snap);
}

dh_status dh_transient_run(dh_transient *T, dh_transient_stats *stats, dh_error *err)
{
    dh_error_clear(err);
    ida_data *d = T->ida;
    dh_transient_options *o = &T->opt;
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    dh_status status = DH_OK;
    if (d->ran) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "transient: run called twice");
    d->ran = true;
    if (!d->qbase && !(d->qbase = calloc(T->nquad ? T->nquad : 1, sizeof(double))))
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient: out of memory");
    bool resumed = T->resumed; /* dh_transient_restore: continue from T->t */
    if (!resumed) memset(&T->stats, 0, sizeof T->stats);
    sunindextype n = (sunindextype)T->ny;

    /* IDA setup */
    double *idv = N_VGetArrayPointer(d->id), *av = N_VGetArrayPointer(d->atol);
    for (size_t i = 0; i < T->ny; i++) {
        idv[i] = T->id[i];
        /* the integrals take no part in the error test and the Newton convergence test */
        av[i] = i < T->n ? o->atol_factor * dh_steady_unknown_scale(T->s, i) : 1e30;
    }
    memcpy(N_VGetArrayPointer(d->y), T->y, T->ny * sizeof(double));
    memcpy(N_VGetArrayPointer(d->yp), T->yp, T->ny * sizeof(double));
    if (IDAInit(d->mem, ida_res, 0.0, d->y, d->yp) || IDASetUserData(d->mem, T) ||
        IDASVtolerances(d->mem, o->rtol, d->atol) || IDASetId(d->mem, d->id) ||
        IDASetSuppressAlg(d->mem, SUNTRUE) || IDASetLinearSolver(d->mem, d->LS, d->A) ||
        IDASetJacFn(d->mem, ida_jac) || IDASetMaxNumSteps(d->mem, 100000) ||
        IDASetErrHandlerFn(d->mem, ida_silent, NULL) || IDASetMaxConvFails(d->mem, 50) ||
        IDASetMaxErrTestFails(d->mem, 20) ||
        (T->nroot && IDARootInit(d->mem, (int)T->nroot, ida_root)) ||
        (o->max_step > 0 && IDASetMaxStep(d->mem, o->max_step)))
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL, "transient: IDA setup failed");
    if (T->nroot) {
        int *dir = malloc(T->nroot * sizeof(int));
        if (dir) {
            for (size_t i = 0; i < T->nroot; i++) dir[i] = -1; /* falling through the minimum */
            IDASetRootDirection(d->mem, dir);
            free(dir);
        }
    }
    double *g = T->nroot ? malloc(2 * T->nroot * sizeof(double)) : NULL; /* g, g at start */
    int *rinfo = T->nroot ? malloc(T->nroot * sizeof(int)) : NULL;
    if (T->nroot && (!g || !rinfo)) {
        free(g);
        free(rinfo);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient: out of memory");
    }

    double t = resumed ? T->t : 0.0, t_end = o->t_end;
    double dt_out = o->output_interval > 0 ? o->output_interval : t_end;
    long k_out = resumed ? T->k_out : 0;
    double dt_ck = o->checkpoint_interval > 0 && o->checkpoint ? o->checkpoint_interval : 0.0;
    if (dt_ck > 0) T->ckpt_next = dt_ck * (floor(t / dt_ck * (1 + 1e-12) + 1e-12) + 1);
    double *ytmp = malloc(T->ny * sizeof(double)); /* interpolated outputs */
    bool alg = T->alg != NULL; /* all algebraic: the quasi-steady path (transient_alg.c) */
    if (!ytmp) {
        free(g);
        free(rinfo);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient: out of memory");
    }
    if (!resumed) {
        T->plug_loss = 0.0;
        memset(T->quad, 0, T->nquad * sizeof(double));
        tr_storage(T, T->y, &T->mass0, &T->energy0);
    }
    /* output at t = 0: the initial state (before the events at 0; from a snapshot, after its
     * consistent initialisation below); a resumed run continues after the checkpoint */
    bool first = !resumed;
    if (!d->need_ic && !resumed) {
        tr_track_minima(T, 0.0, T->y);
        if (emit(T, 0.0, T->y)) t = t_end; /* stopped at once */
        k_out = 1;
    }
    bool stop = false;
    while (t < t_end * (1 - 1e-14) && !stop) {
        /* the segment: from t to the next breakpoint */
        size_t napplied = tr_events_apply(T, t, err);
        double tb = t_end;
        if (T->next_ev < T->nev) tb = fmin(tb, T->ev[T->next_ev].time);
        for (size_t r = 0; r < T->nramp; r++)
            if (T->ramp[r].t1 > t) tb = fmin(tb, T->ramp[r].t1);
        if (T->nq > 0) {
            /* transport intervals on the grid of transport_step; right after a change of the
             * inputs a short one (30 s at most): the plug arrivals of an interval are frozen at
             * the flows of its start, and the difference to what the new flows carry out is
             * booked to the outlet plug, which a long interval after a jump in the flows would
             * overload */
            double ts = o->transport_step;
            tb = fmin(tb, ts * (floor(t / ts * (1 + 1e-12) + 1e-9) + 1));
            if (napplied > 0 || T->nramp > 0) tb = fmin(tb, t + fmin(ts, 30.0));
        }
        if (dt_ck > 0) tb = fmin(tb, T->ckpt_next);
        if (tb <= t) tb = fmin(t_end, t + 1e-6);
        if (alg) tr_alg_keep_arrivals(T);
        if (T->nq > 0) tr_plug_prepare(T, T->y, tb - t);
        /* an all-algebraic network (water): the quasi-steady path (transient_alg.c), the
         * Jacobian kept while the inputs stay (only the plug arrivals move) */
        bool ramping = false;
        for (size_t r = 0; r < T->nramp; r++) ramping |= T->ramp[r].t0 < tb;
        bool refresh = napplied > 0 || ramping || T->force_reinit || first;
        T->force_reinit = false;
        if (alg) {
            /* no IDA: each segment one backward-Euler step (tr_alg_segment) */
        } else if (first && !d->need_ic && napplied == 0 && T->nq == 0) {
            /* the steady state with y' = 0 is consistent: no IDACalcIC */
        } else if (restart(T, t, tb, err)) {
            status = DH_ERR_NOCONV;
            break;
        }
        if (T->nroot && t >= T->t_ref) {
            /* a consumer already below its minimum at the reference time (or whose crossing
             * fell on a breakpoint, where root finding does not look) */
            tr_roots(T, T->y, g);
            for (size_t i = 0; i < T->nroot; i++)
                if (g[i] < 0 && isinf(T->ride[T->root_cons[i]]))
                    T->ride[T->root_cons[i]] = t - T->t_ref;
        }
        if (first) {
            first = false;
            tr_track_minima(T, t, T->y);
            if (k_out == 0) {
                if (emit(T, 0.0, T->y)) {
                    stop = true;
                    break;
                }
                k_out = 1;
            }
        }
        double t0 = t;
        if (alg) {
            /* the segment [t, tb] in one backward-Euler step; root crossings by linear
             * interpolation between its ends */
            double *g0 = g + T->nroot;
            if (T->nroot) tr_roots(T, T->y, g0);
            if (tr_alg_segment(T, t, tb, refresh, err)) {
                status = DH_ERR_NOCONV;
                break;
            }
            T->stats.steps++;
            T->stats.algebraic_segments++;
            tr_track_minima(T, tb, T->y);
            if (T->nroot) {
                tr_roots(T, T->y, g);
                for (size_t i = 0; i < T->nroot; i++) {
                    size_t c = T->root_cons[i];
                    if (g0[i] >= 0 && g[i] < 0 && isinf(T->ride[c])) {
                        double tc = t + (tb - t) * g0[i] / (g0[i] - g[i]);
                        if (tc >= T->t_ref) T->ride[c] = tc - T->t_ref;
                    }
                }
            }
            /* outputs within the segment: its end state (the plug arrivals, hence the water
             * node temperatures, are the interval's mean, held over the whole interval, as on
             * the IDA path after its consistent re-start) */
            while (!stop && k_out * dt_out <= tb * (1 + 1e-14) + 1e-12 &&
                   k_out * dt_out <= t_end * (1 + 1e-14)) {
                if (emit(T, fmin(k_out * dt_out, t_end), T->y)) stop = true;
                k_out++;
            }
            if (o->progress) o->progress(o->user, tb, t_end);
            t = tb;
            memset(d->qbase, 0, T->nquad * sizeof(double));
            goto segment_done;
        }
        IDASetStopTime(d->mem, tb);
        for (;;) {
            realtype tret;
            int r = IDASolve(d->mem, tb, &tret, d->y, d->yp, IDA_ONE_STEP);
            if (r < 0) {
                status = dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                                      "transient solver failed at t = %.6g s: %s", (double)tret,
                                      IDAGetReturnFlagName(r));
                break;
            }
            const double *yv = N_VGetArrayPointer(d->y);
            tr_track_minima(T, tret, yv);
            if (r == IDA_ROOT_RETURN) {
                IDAGetRootInfo(d->mem, rinfo);
                for (size_t i = 0; i < T->nroot; i++)
                    if (rinfo[i] == -1 && tret >= T->t_ref && isinf(T->ride[T->root_cons[i]]))
                        T->ride[T->root_cons[i]] = tret - T->t_ref;
            }
            /* outputs up to tret */
            while (!stop && k_out * dt_out <= tret * (1 + 1e-14) + 1e-12 &&
                   k_out * dt_out <= t_end * (1 + 1e-14)) {
                double to = fmin(k_out * dt_out, t_end);
                N_Vector yt = N_VMake_Serial(n, ytmp, d->ctx);
                if (yt && IDAGetDky(d->mem, to, 0, yt) == IDA_SUCCESS) {
                    if (emit(T, to, ytmp)) stop = true;
                }
                if (yt) N_VDestroy(yt);
                k_out++;
            }
            if (o->progress) o->progress(o->user, tret, t_end);
            if (stop || r == IDA_TSTOP_RETURN || tret >= tb * (1 - 1e-15)) {
                t = tret;
                break;
            }
        }
        if (status) break;
        memcpy(T->y, N_VGetArrayPointer(d->y), T->ny * sizeof(double));
        memcpy(T->yp, N_VGetArrayPointer(d->yp), T->ny * sizeof(double));
    segment_done:
        T->t = t;
        end_segment(T, t0, t);
        if (IDAGetLastStep(d->mem, &T->h_last) != IDA_SUCCESS) T->h_last = 0;
        T->k_out = k_out;
        if (stop) T->stats.stopped = true;
        if (dt_ck > 0 && !stop && t >= T->ckpt_next * (1 - 1e-12) &&
            t < t_end * (1 - 1e-14)) {
            /* a checkpoint: the state the next segment starts from, with the counters so far */
            dh_transient_stats keep = T->stats;
            add_counters(T);
            dh_transient_checkpoint cp;
            dh_error cerr;
            if (dh_transient_checkpoint_take(T, &cp, &cerr) == DH_OK) {
                if (o->checkpoint(o->user, &cp)) stop = T->stats.stopped = true;
                dh_transient_checkpoint_free(&cp);
            }
            bool stopped = T->stats.stopped;
            T->stats = keep;
            T->stats.stopped = stopped;
            /* a restored run re-initialises IDA (or a fresh Jacobian on the quasi-steady path)
             * here: so does this one (same trajectory) */
            T->force_reinit = true;
            while (T->ckpt_next <= t * (1 + 1e-12)) T->ckpt_next += dt_ck;
        }
    }
    /* the last output at t_end if the interval did not land on it */
    if (!status && !stop && (k_out - 1) * dt_out < t_end * (1 - 1e-12)) emit(T, t_end, T->y);
    add_counters(T);
    free(ytmp);
    free(g);
    free(rinfo);

    /* conservation over the run */
    dh_transient_stats *S = &T->stats;
    double M1, E1;
    tr_storage(T, T->y, &M1, &E1);
    S->t_reached = t;
    S->mass_stored_change = M1 - T->mass0;
    S->energy_stored_change = E1 - T->energy0;
    S->mass_in = T->quad[TQ_MIN];
    S->mass_out = T->quad[TQ_MOUT];
    S->energy_in = T->quad[TQ_EIN];
    S->energy_out = T->quad[TQ_EOUT];
    S->energy_loss = T->quad[TQ_LOSS] + T->plug_loss;
    S->mass_balance_rel = fabs(S->mass_stored_change - (S->mass_in - S->mass_out)) /
                          fmax(fmax(S->mass_in, T->mass0), 1e-300);
    S->energy_balance_rel =
        fabs(S->energy_stored_change - (S->energy_in - S->energy_out - S->energy_loss)) /
        fmax(fmax(S->energy_in, fabs(S->energy_stored_change)), fmax(S->energy_loss, 1e-300));
    clock_gettime(CLOCK_MONOTONIC, &w1);
    S->seconds = (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec);
    if (stats) *stats = *S;
    return status;
}

/* ---- derived results and introspection --------------------------------------------------- */

const double *dh_transient_ride_through(const dh_transient *T)
{
    return T->ride;
}

void dh_transient_source_min_pressure(const dh_transient *T, size_t j, double *p_min,
                                      double *t_to_min)
{
    if (p_min) *p_min = T->src_pmin[j];
    if (t_to_min) *t_to_min = T->src_tmin[j];
}

double dh_transient_reference_time(const dh_transient *T)
{
    return T->t_ref;
}

void dh_transient_storage(dh_transient *T, double *mass, double *energy)
{
    tr_storage(T, T->y, mass, energy);
}

double dh_transient_node_volume(const dh_transient *T, size_t k)
{
    return k < T->nn ? T->vol[k] : 0.0;
}

size_t dh_transient_size(const dh_transient *T)
{
    return T->ny;
}

size_t dh_transient_n_differential(const dh_transient *T)
{
    return T->ndiff;
}

size_t dh_transient_nnz(const dh_transient *T)
{
    return T->nnz;
}

size_t dh_transient_n_plugs(const dh_transient *T)
{
    return tr_plug_count(T);
}

const double *dh_transient_state(const dh_transient *T)
{
    return T->y;
}

dh_status dh_transient_eval(dh_transient *T, double t, const double *y, const double *yp,
                            double cj, double *f, size_t *colptr, size_t *rowind,
                            double *values)
{
    int r = tr_residual(T, t, y, yp, f ? f : T->f, true, cj);
    if (r < 0) return DH_ERR_INTERNAL;
    if (colptr) memcpy(colptr, T->colptr, (T->ny + 1) * sizeof(size_t));
    if (rowind) memcpy(rowind, T->rowind, T->nnz * sizeof(size_t));
    if (values) memcpy(values, T->jx, T->nnz * sizeof(double));
    return r ? DH_RECOVERABLE : DH_OK;
}
