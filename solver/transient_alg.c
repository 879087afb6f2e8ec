/* transient_alg.c: the quasi-steady path of an all-algebraic transient (a water network: no
 * steam storage node, every unknown but the integrals algebraic; docs/transient.md "Water
 * networks: the quasi-steady path").
 *
 * Without differential unknowns IDA has nothing to integrate but the integrals, and its BDF with
 * one step per transport interval is backward Euler on them. So here each segment [t0, t1]
 * (a transport interval, or shorter at events) is one backward-Euler step solved directly:
 *
 *     F(t1, y1, y1') = 0,   y1' = (Q1 - 0) / h on the integrals (they start at 0 each segment)
 *
 * by Newton's method on the solver's own sparse Jacobian (the pattern of transient_model.c,
 * dh/dy + cj dF/dy', cj = 1/h) with KLU (AMD ordering, BTF off, symbolic analysis once). The
 * Jacobian and its factorisation are kept from segment to segment and refreshed only when the
 * inputs changed (events, ramps), after a checkpoint (so a restored run takes the same
 * iterates), or when Newton converges slowly (residual reduction worse than 0.3 per iteration):
 * between demand changes only the frozen plug arrivals move, which the old factorisation
 * handles in one or two iterations (modified Newton). Convergence is tested on the residual
 * itself, max_i |F_i| / fscale_i <= tol (fscale: the steady solver's row scales; tol =
 * max(1e-3 rtol, 1e-11)), and the integrals are then set from the rates at the converged y,
 * Q = h rate(y1): so the segment's mass and energy balance closes to that residual tolerance.
 *
 * Exports (transient_internal.h): tr_alg_create, tr_alg_free, tr_alg_segment,
 * tr_alg_keep_arrivals, tr_alg_snapshot_update, tr_alg_snapshot_keep.
 * Callers: transient_ida.c (the run loop), transient_model.c (tr_fill_snapshot).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <suitesparse/klu.h>

#include "transient_internal.h"

struct tr_alg {
    klu_l_common common;
    klu_l_symbolic *sym;
    klu_l_numeric *num;
    SuiteSparse_long *Ap, *Ai;
    double *rhs;    /* ny */
    double *y0, *ylast; /* ny: the state at the segment's start, the last accepted iterate */
    double *fs;     /* n: residual scale of each steady row */
    double h_fact;  /* h of the factorised Jacobian (cj = 1/h on the integrals' diagonal) */
    /* frozen hydraulics: the h-block J_HH (rows and columns of the node enthalpies) of the
     * Jacobian at the last fully solved state */
    klu_l_symbolic *hsym;
    klu_l_numeric *hnum;
    SuiteSparse_long *Hp, *Hi;
    size_t *hslot;  /* entry of J_HH -> slot in T->jx */
    double *hx, *dF, *hf_old, *hr_old, *ew0, *yfull;
    bool frozen_ok; /* J_HH, ew0 and yfull belong to the current state's hydraulics */
    bool jx_fresh;  /* T->jx (and the steady work arrays) were evaluated at the converged T->y
                     * by the last attempt: freeze needs no evaluation of its own */
    double t_full;  /* s, time of the last full solve */
    double t_failed; /* s, time of the last failed full solve (-inf: none) */
    /* outputs on held hydraulics (tr_alg_snapshot_update): node enthalpies of the state the
     * output snapshot holds; valid while no full solve has happened since */
    double *hsnap;
    bool snap_ok;
    bool snap_fast; /* the network allows the update (no draws: every consumer on an edge) */
};

void tr_alg_free(dh_transient *T)
{
    tr_alg *A = T->alg;
    if (!A) return;
    if (A->num) klu_l_free_numeric(&A->num, &A->common);
    if (A->sym) klu_l_free_symbolic(&A->sym, &A->common);
    free(A->Ap);
    free(A->Ai);
    free(A->rhs);
    free(A->y0);
    free(A->ylast);
    free(A->fs);
    if (A->hnum) klu_l_free_numeric(&A->hnum, &A->common);
    if (A->hsym) klu_l_free_symbolic(&A->hsym, &A->common);
    free(A->Hp);
    free(A->Hi);
    free(A->hslot);
    free(A->hx);
    free(A->dF);
    free(A->hf_old);
    free(A->hr_old);
    free(A->ew0);
    free(A->yfull);
    free(A->hsnap);
    free(A);
    T->alg = NULL;
}

dh_status tr_alg_create(dh_transient *T, dh_error *err)
{
    tr_alg *A = calloc(1, sizeof *A);
    T->alg = A;
    if (!A) goto nomem;
    A->Ap = malloc((T->ny + 1) * sizeof *A->Ap);
    A->Ai = malloc((T->nnz ? T->nnz : 1) * sizeof *A->Ai);
    A->rhs = malloc(T->ny * sizeof *A->rhs);
    A->y0 = malloc(T->ny * sizeof *A->y0);
    A->ylast = malloc(T->ny * sizeof *A->ylast);
    A->fs = malloc((T->n ? T->n : 1) * sizeof *A->fs);
    if (!A->Ap || !A->Ai || !A->rhs || !A->fs || !A->y0 || !A->ylast) goto nomem;
    for (size_t j = 0; j <= T->ny; j++) A->Ap[j] = (SuiteSparse_long)T->colptr[j];
    for (size_t z = 0; z < T->nnz; z++) A->Ai[z] = (SuiteSparse_long)T->rowind[z];
    for (size_t i = 0; i < T->n; i++) st_scales(T->s, i, NULL, &A->fs[i]);
    A->t_failed = -INFINITY;
    A->snap_fast = T->s->ndraw == 0;
    klu_l_defaults(&A->common);
    A->common.btf = 0;      /* as the steady solver: BTF on these saddle-point systems is a trap */
    A->common.ordering = 0; /* AMD */
    A->sym = klu_l_analyze((SuiteSparse_long)T->ny, A->Ap, A->Ai, &A->common);
    if (!A->sym) {
        tr_alg_free(T);
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                            "transient solver: KLU symbolic analysis failed");
    }
    /* J_HH: rows and columns nn .. 2 nn - 1 of the pattern */
    size_t nn = T->nn, nh = 0;
    for (size_t j = nn; j < 2 * nn; j++)
        for (size_t z = T->colptr[j]; z < T->colptr[j + 1]; z++)
            nh += T->rowind[z] >= nn && T->rowind[z] < 2 * nn;
    A->Hp = malloc((nn + 1) * sizeof *A->Hp);
    A->Hi = malloc((nh ? nh : 1) * sizeof *A->Hi);
    A->hslot = malloc((nh ? nh : 1) * sizeof *A->hslot);
    A->hx = malloc((nh ? nh : 1) * sizeof *A->hx);
    A->dF = malloc((nn ? nn : 1) * sizeof *A->dF);
    A->hf_old = malloc((T->nq ? T->nq : 1) * sizeof *A->hf_old);
    A->hr_old = malloc((T->nq ? T->nq : 1) * sizeof *A->hr_old);
    A->ew0 = malloc((T->ne ? 6 * T->ne : 1) * sizeof *A->ew0);
    A->yfull = malloc(T->ny * sizeof *A->yfull);
    A->hsnap = malloc((nn ? nn : 1) * sizeof *A->hsnap);
    if (!A->Hp || !A->Hi || !A->hslot || !A->hx || !A->dF || !A->hf_old || !A->hr_old ||
        !A->ew0 || !A->yfull || !A->hsnap)
        goto nomem;
    nh = 0;
    for (size_t j = nn; j < 2 * nn; j++) {
        A->Hp[j - nn] = (SuiteSparse_long)nh;
        for (size_t z = T->colptr[j]; z < T->colptr[j + 1]; z++)
            if (T->rowind[z] >= nn && T->rowind[z] < 2 * nn) {
                A->Hi[nh] = (SuiteSparse_long)(T->rowind[z] - nn);
                A->hslot[nh++] = z;
            }
    }
    A->Hp[nn] = (SuiteSparse_long)nh;
    A->hsym = klu_l_analyze((SuiteSparse_long)nn, A->Hp, A->Hi, &A->common);
    if (!A->hsym) {
        tr_alg_free(T);
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                            "transient solver: KLU symbolic analysis of J_HH failed");
    }
    return DH_OK;
nomem:
    tr_alg_free(T);
    return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
}

/* Factorises T->jx: a refactorisation with the pivots of the last one when there is one and it
 * stays well conditioned, else a full factorisation. Returns 0 or -1 (singular). */
static int factor(dh_transient *T, tr_alg *A)
{
    if (A->num) {
        if (klu_l_refactor(A->Ap, A->Ai, T->jx, A->sym, A->num, &A->common) &&
            klu_l_rcond(A->sym, A->num, &A->common) && A->common.rcond > 1e-14)
            return 0;
        klu_l_free_numeric(&A->num, &A->common);
    }
    A->num = klu_l_factor(A->Ap, A->Ai, T->jx, A->sym, &A->common);
    return A->num ? 0 : -1;
}

/* One attempt at the segment from T->y; refresh: evaluate the Jacobian at the first iteration.
 * Newton steps that leave the property range are halved (up to 8 times). Returns 0, 1 (no
 * convergence or out of range: try again with a fresh Jacobian) or -1 (err set). */
static int attempt(dh_transient *T, tr_alg *A, double t1, double h, bool refresh, dh_error *err)
{
    const size_t n = T->n, ny = T->ny;
    double cj = 1.0 / h;
    double tol = fmax(1e-3 * T->opt.rtol, 1e-11);
    double *y = T->y, *yp = T->yp, *f = T->f;
    bool need_jac = refresh || !A->num || fabs(h - A->h_fact) > 1e-9 * h;
    double prev = INFINITY, lambda = 1.0;
    enum { MAXIT = 12 };
    A->jx_fresh = false;
    for (int it = 0; it < MAXIT; it++) {
        for (size_t i = n; i < ny; i++) yp[i] = y[i] * cj;
        T->stats.residual_evals++;
        /* after the first step the Jacobian comes with every residual: a slow iteration then
         * refactorises at once (no second evaluation at the same iterate), and the one at the
         * converged state is the one freeze() keeps */
        bool jac_now = need_jac || it > 0;
        int r = tr_residual(T, t1, y, yp, f, jac_now, cj);
        if (r > 0 && it > 0 && lambda > 1.0 / 256) {
            /* out of the property range: back along the last step */
            lambda *= 0.5;
            for (size_t i = 0; i < ny; i++) y[i] = A->ylast[i] + lambda * A->rhs[i];
            continue;
        }
        if (r) return r < 0 ? -1 : 1;
        double norm = 0.0;
        for (size_t i = 0; i < n; i++) norm = fmax(norm, fabs(f[i]) / A->fs[i]);
        if (norm <= tol) {
            /* converged: the integrals from the rates at this y (F_Q = Q' - rate) */
            for (size_t i = n; i < ny; i++) {
                double rate = yp[i] - f[i];
                y[i] = h * rate;
                yp[i] = rate;
            }
            T->stats.nonlinear_iterations += it;
            A->jx_fresh = jac_now;
            return 0;
        }
        if (!need_jac && it > 0 && norm > 0.3 * prev) {
            /* slow: the kept Jacobian is too old; evaluate it here and go on */
            need_jac = true;
            prev = INFINITY;
            if (!jac_now) continue;
        }
        if (need_jac) {
            T->stats.jacobian_evals++;
            if (factor(T, A)) {
                dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                             "transient solver failed at t = %.6g s: singular Jacobian in the "
                             "quasi-steady step",
                             t1);
                return -1;
            }
            A->h_fact = h;
            need_jac = false;
        }
        for (size_t i = 0; i < ny; i++) A->rhs[i] = -f[i];
        if (!klu_l_solve(A->sym, A->num, (SuiteSparse_long)ny, 1, A->rhs, &A->common)) {
            dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                         "transient solver failed at t = %.6g s: KLU solve failed", t1);
            return -1;
        }
        memcpy(A->ylast, y, ny * sizeof(double));
        for (size_t i = 0; i < ny; i++) y[i] += A->rhs[i];
        lambda = 1.0;
        prev = norm;
    }
    return 1;
}

void tr_alg_keep_arrivals(dh_transient *T)
{
    tr_alg *A = T->alg;
    for (size_t i = 0; i < T->nq; i++) {
        A->hf_old[i] = T->q[i].h_fwd;
        A->hr_old[i] = T->q[i].h_rev;
    }
}

/* Frozen hydraulics (pressures and flows as at the last full solve): the node enthalpies follow
 * the new plug arrivals through J_HH dh = -dF (the mixing rows are linear in h at fixed flows:
 * exact), the integrals from the rates at the new state. */
static void frozen_segment(dh_transient *T, tr_alg *A, double h)
{
    const size_t n = T->n, nn = T->nn;
    double *y = T->y, *dF = A->dF;
    tr_arrival_delta(T, y, A->hf_old, A->hr_old, dF);
    for (size_t k = 0; k < nn; k++) dF[k] = -dF[k];
    klu_l_solve(A->hsym, A->hnum, (SuiteSparse_long)nn, 1, dF, &A->common);
    for (size_t k = 0; k < nn; k++) y[nn + k] += dF[k];
    double *rq = T->f + n;
    tr_quad_rates_frozen(T, y, A->yfull, A->ew0, rq);
    for (size_t i = 0; i < T->nquad; i++) {
        y[n + i] = h * rq[i];
        T->yp[n + i] = rq[i];
    }
}

/* After a full solve at y: the Jacobian there (one more evaluation), its h-block factorised,
 * the non-pipe arrivals and the state kept for the frozen segments. Returns 0 or -1. */
static int freeze(dh_transient *T, tr_alg *A, double t1, double h)
{
    T->stats.jacobian_evals++;
    if (!A->jx_fresh) {
        T->stats.residual_evals++;
        if (tr_residual(T, t1, T->y, T->yp, T->f, true, 1.0 / h)) return -1;
    }
    A->jx_fresh = false;
    for (size_t z = 0; z < (size_t)A->Hp[T->nn]; z++) A->hx[z] = T->jx[A->hslot[z]];
    if (A->hnum) {
        if (!(klu_l_refactor(A->Hp, A->Hi, A->hx, A->hsym, A->hnum, &A->common) &&
              klu_l_rcond(A->hsym, A->hnum, &A->common) && A->common.rcond > 1e-14))
            klu_l_free_numeric(&A->hnum, &A->common);
    }
    if (!A->hnum) A->hnum = klu_l_factor(A->Hp, A->Hi, A->hx, A->hsym, &A->common);
    if (!A->hnum) return -1;
    tr_edge_arrivals(T, A->ew0);
    memcpy(A->yfull, T->y, T->ny * sizeof(double));
    /* the full Jacobian is not refactorised here: the next full solve starts from the
     * factorisation of this one's last iterates (as good a start: most full solves are
     * triggered by inputs or consumer drift that move it away from both) */
    return 0;
}

/* Has a water heat consumer's supply enthalpy moved by more than 2 % of its enthalpy drop since
 * the last full solve? Its flow (demand / drop) would then be more than ~2 % off, so the
 * hydraulics are solved again. */
static bool consumers_drifted(const dh_transient *T, const tr_alg *A)
{
    const dh_consumers *co = &T->net->consumers;
    const double *y = T->y, *y0 = A->yfull;
    size_t nn = T->nn;
    for (size_t c = 0; c < co->n; c++) {
        if (co->type[c] != DH_CONSUMER_HEAT || co->return_node[c] == DH_NONE) continue;
        size_t k = co->node[c];
        /* drop: supply enthalpy less the return's, ~ cp (T_supply - T_return) of liquid */
        double drop = y0[nn + k] - 4186.0 * (co->return_temperature[c] - 273.15);
        if (fabs(y[nn + k] - y0[nn + k]) > 0.02 * fabs(drop)) return true;
    }
    return false;
}

int tr_alg_segment(dh_transient *T, double t0, double t1, bool refresh, dh_error *err)
{
    tr_alg *A = T->alg;
    double h = t1 - t0;
    double hyd = T->opt.hydraulic_step > 0 ? T->opt.hydraulic_step : 3600.0;
    /* drift-triggered full solves wait 10 min after a failed one (the cold water that made it
     * fail takes minutes to pass the consumer) */
    if (!refresh && A->frozen_ok && t1 - A->t_full <= hyd * (1 + 1e-12) &&
        (t0 < A->t_failed + 600.0 || !consumers_drifted(T, A))) {
        frozen_segment(T, A, h);
        T->stats.frozen_segments++;
        return 0;
    }
    A->snap_ok = false; /* the hydraulics may change: the next output is filled in full */
    memset(T->y + T->n, 0, T->nquad * sizeof(double));
    memset(T->yp, 0, T->n * sizeof(double));
    memcpy(A->y0, T->y, T->ny * sizeof(double));
    int r = attempt(T, A, t1, h, refresh, err);
    if (r > 0 && !refresh) {
        /* again from the start of the segment with a fresh Jacobian */
        T->stats.nonlinear_fails++;
        memcpy(T->y, A->y0, T->ny * sizeof(double));
        r = attempt(T, A, t1, h, true, err);
    }
    if (r == 0) {
        /* the hydraulics of this state are held until the next full solve */
        A->frozen_ok = T->opt.hydraulic_step >= 0 && freeze(T, A, t1, h) == 0;
        A->t_full = t1;
    }
    if (r > 0 && A->frozen_ok) {
        /* no full solution here (typically water colder than a heat consumer's return
         * temperature reaching it: its law has no flow then); keep the last hydraulics for this
         * interval and try again at the next one */
        T->stats.nonlinear_fails++;
        memcpy(T->y, A->y0, T->ny * sizeof(double));
        frozen_segment(T, A, h);
        T->stats.frozen_segments++;
        T->stats.failed_full_solves++;
        A->t_failed = t0;
        return 0;
    }
    if (r > 0) {
        T->stats.nonlinear_fails++;
        memcpy(T->y, A->y0, T->ny * sizeof(double));
        dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                     "transient solver failed at t = %.6g s: the quasi-steady step did not "
                     "converge (or left the property range)",
                     t1);
    }
    return r ? -1 : 0;
}

/* Output on held hydraulics. Between full solves pressures and flows are those of the last
 * full solve (frozen_segment moves only the node enthalpies), so of what st_fill_results
 * computes only the node temperatures and qualities (IF97 at (p, h), for the nodes whose h
 * moved) and the consumers' heat change: heat = pos(m) (h_a - h_fwd) + pos(-m) (h_b - h_rev)
 * with the arrivals linearised in the end enthalpies exactly as in the integrals' rates
 * (tr_quad_rates_frozen: ew0), so the heat reported and the energy balance agree. Held from the
 * last full fill: flows, pressures, pressure drops, velocities (their density changes by
 * ~1e-4 over a 5 K swing of liquid water) and the heat loss of the non-pipe links; the water
 * pipes' heat loss comes from the plug queues as before (tr_fill_snapshot). */
bool tr_alg_snapshot_update(dh_transient *T, const double *y, dh_snapshot *snap)
{
    tr_alg *A = T->alg;
    if (!A || !A->snap_ok || !A->snap_fast || !A->frozen_ok) return false;
    const dh_steady *s = T->s;
    const dh_network *net = T->net;
    const size_t nn = T->nn;
    const double *w0 = A->ew0;
    for (size_t k = 0; k < net->nodes.n; k++) {
        double h = y[nn + k];
        if (h == A->hsnap[k]) continue;
        dh_ph_state st;
        if (st_props_ph(y[k], h, 0, &st) != DH_OK) return false;
        snap->node_enthalpy[k] = h;
        snap->node_temperature[k] = st.T;
        snap->node_quality[k] = st.x;
    }
    for (size_t c = 0; c < net->consumers.n; c++) {
        size_t k = net->consumers.node[c];
        snap->consumer_temperature[c] = snap->node_temperature[k];
        size_t e = s->cons_edge[c];
        if (e == DH_NONE) continue;
        const st_edge *E = &s->edge[e];
        const double *w = w0 + 6 * e;
        double m = y[2 * nn + e];
        double qf = st_pos(m, s->eps_mix, NULL), qr = st_pos(-m, s->eps_mix, NULL);
        double dha = y[nn + E->a] - A->hsnap[E->a], dhb = y[nn + E->b] - A->hsnap[E->b];
        double heat = snap->consumer_heat[c] + qf * (dha - w[1] * dha - w[2] * dhb) +
                      qr * (dhb - w[4] * dha - w[5] * dhb);
        snap->consumer_heat[c] = heat;
        snap->consumer_unmet[c] = fmax(0.0, s->load * net->consumers.demand_heat[c] - heat);
    }
    memcpy(A->hsnap, y + nn, nn * sizeof(double));
    T->stats.fast_outputs++;
    return true;
}

void tr_alg_snapshot_keep(dh_transient *T, const double *y)
{
    tr_alg *A = T->alg;
    if (!A) return;
    memcpy(A->hsnap, y + T->nn, T->nn * sizeof(double));
    A->snap_ok = true;
}
