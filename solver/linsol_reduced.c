/* linsol_reduced.c: a SUNLinearSolver for water networks that eliminates the edge flows and
 * splits off the node enthalpies (docs/model.md, "Reduced linear solver").
 *
 * The steady Jacobian in the unknown order of steady_internal.h, K = node pressures and fixed-
 * pressure source flows, E = edge flows, H = node enthalpies:
 *       [ J_KK J_KE J_KH ]          G = J_EE is diagonal (every edge row depends on its own
 *   J = [ J_EK  G   J_EH ]          flow and on node unknowns only; checked at creation)
 *       [ J_HK J_HE J_HH ]
 * The step solves the block lower-triangular part of J (J_KH, J_EH, the dependence of the
 * hydraulic rows on the enthalpies through rho and mu, left out):
 *   (J_KK - J_KE G^-1 J_EK) x_K = b_K - J_KE G^-1 b_E        (EPANET's A G^-1 A^T, Todini &
 *   x_E = G^-1 (b_E - J_EK x_K)                                Pilati 1988; KLU, AMD)
 *   J_HH x_H = b_H - J_HK x_K - J_HE x_E                     (the transport equations: nearly
 *                                                              triangular in flow order: a
 *                                                              sweep, st_hsolve; KLU fallback)
 * For water the left-out blocks are small (d rho / d h ~ 1e-3 of the friction terms' scale), so
 * KINSOL's Newton converges as before with an iteration or two more near the end, and each
 * factorisation is of a system the size of the node count instead of 2 nodes + edges: on a
 * 10^5-pipe street grid 0.17 s instead of 1.8 s per refactorisation (bench/README.md).
 * KINSOL's line search still uses the exact J (its product with the step). The step is M^-1 b
 * with two block Gauss-Seidel corrections, and GMRES preconditioned by M when they leave more
 * than RL_FALLBACK (rl_solve). The symbolic analyses are done once, klu_refactor afterwards (a
 * fresh klu_factor when the pivots' rcond falls below RL_RCOND_MIN, or after
 * st_linsol_reduced_reset); J_HH is factorised only when its sweep is refused.
 * Exports also st_hsolve_* (steady_internal.h; tests/solver/test_hsweep.c).
 *
 * Used for networks st_linsol_reduced_applicable accepts (water nodes, pipes, water heat
 * consumers, water draws); the others keep SUNLinSol_KLU on the full system.
 * Exports: st_linsol_reduced* (linsol_reduced.h). Caller: steady_kinsol.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <suitesparse/klu.h>
#include <sundials/sundials_linearsolver.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "linsol_reduced.h"
#include "steady_internal.h"

#define RL_RCOND_MIN 1e-13 /* below it a refactorisation's pivots are recomputed (klu_factor) */
#define RL_SWEEPS 2    /* block Gauss-Seidel corrections before GMRES (rl_solve) */
#define RL_FALLBACK 1e-2 /* GMRES only when the corrections leave more than this */
#define RL_KRYLOV 10   /* GMRES restart length (rl_solve) */
#define RL_RESTARTS 1  /* GMRES cycles at most */
#ifndef RL_ETA
#define RL_ETA 1e-9    /* relative scaled residual of the linear solve */
#endif

typedef struct rl_block {
    long n;
    long *cp, *ri;
    double *x;
    klu_l_common kc;
    klu_l_symbolic *sym;
    klu_l_numeric *num;
} rl_block;

typedef struct rl_data {
    const dh_steady *s;
    size_t nn, ne, e0, e1, n, nk;
    long *kidx;                       /* unknown -> row of the reduced system, or -1 */
    size_t *diag_e;                   /* edge e: J slot of (e, e) */
    size_t *r_start, *r_slot;         /* edge e: J slots of column e in K rows */
    size_t *c_start, *c_slot, *c_col; /* edge e: J slots of row e in K columns, their columns */
    size_t *prod_off, *prod_dst;      /* edge e: |R_e| x |C_e| S slots, C-major */
    size_t nkk, *kk_src, *kk_dst;     /* J slots in K x K -> S slot */
    size_t nhh, *hh_src;              /* J slots in H x H, in H's CSC order */
    rl_block S, H;
    st_hsolve *hs;                    /* J_HH by sweeps in flow order (st_hsolve_*) */
    bool h_klu;                       /* this setup's J_HH is KLU's (the sweep not usable) */
    double *wk, *wh;
    double *b, *r, *dx; /* solve work (size n) */
    double *rowsc;      /* row i: 1 / fscale_i (st_scales), set by each setup */
    double *V;          /* GMRES basis, (RL_KRYLOV + 1) x n */
    double *Hm, *cs, *sn, *g; /* GMRES Hessenberg (RL_KRYLOV + 1) x RL_KRYLOV, rotations */
    long last_flag;
} rl_data;

static int h_factor(rl_data *d, const double *jx);

bool st_linsol_reduced_applicable(const dh_steady *s)
{
    const dh_network *net = s->net;
    if (s->nn != net->nodes.n) return false;
    for (size_t k = 0; k < net->nodes.n; k++)
        if (net->nodes.medium[k] == DH_MEDIUM_STEAM) return false;
    for (size_t e = 0; e < s->ne; e++)
        if (s->edge[e].kind != ST_PIPE && s->edge[e].kind != ST_CONSUMER) return false;
    for (size_t i = 0; i < s->ndraw; i++)
        if (s->draw[i].kind != ST_DRAW_WATER) return false;
    /* G diagonal, with a structural diagonal */
    for (size_t j = 2 * s->nn; j < 2 * s->nn + s->ne; j++) {
        bool diag = false;
        for (size_t z = s->colptr[j]; z < s->colptr[j + 1]; z++) {
            size_t i = s->rowind[z];
            if (i == j)
                diag = true;
            else if (i >= 2 * s->nn && i < 2 * s->nn + s->ne)
                return false;
        }
        if (!diag) return false;
    }
    return true;
}

static void block_free(rl_block *b)
{
    if (b->num) klu_l_free_numeric(&b->num, &b->kc);
    if (b->sym) klu_l_free_symbolic(&b->sym, &b->kc);
    free(b->cp);
    free(b->ri);
    free(b->x);
    memset(b, 0, sizeof *b);
}

static void rl_data_free(rl_data *d)
{
    if (!d) return;
    block_free(&d->S);
    block_free(&d->H);
    st_hsolve_free(&d->hs);
    free(d->kidx);
    free(d->diag_e);
    free(d->r_start);
    free(d->r_slot);
    free(d->c_start);
    free(d->c_slot);
    free(d->c_col);
    free(d->prod_off);
    free(d->prod_dst);
    free(d->kk_src);
    free(d->kk_dst);
    free(d->hh_src);
    free(d->wk);
    free(d->wh);
    free(d->b);
    free(d->r);
    free(d->dx);
    free(d->rowsc);
    free(d->V);
    free(d->Hm);
    free(d->cs);
    free(d->sn);
    free(d->g);
    free(d);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Patterns and slot maps (once per network). Returns 0, or -1 out of memory. */
static int rl_build(rl_data *d)
{
    const dh_steady *s = d->s;
    const size_t n = d->n, nn = d->nn, ne = d->ne, e0 = d->e0, e1 = d->e1;
    const size_t *cp = s->colptr, *ri = s->rowind;
    d->kidx = malloc(n * sizeof(long));
    d->diag_e = malloc((ne ? ne : 1) * sizeof(size_t));
    d->r_start = calloc(ne + 1, sizeof(size_t));
    d->c_start = calloc(ne + 1, sizeof(size_t));
    d->prod_off = calloc(ne + 1, sizeof(size_t));
    if (!d->kidx || !d->diag_e || !d->r_start || !d->c_start || !d->prod_off) return -1;
    size_t nk = 0;
    for (size_t i = 0; i < n; i++)
        d->kidx[i] = i < nn || i >= e1 ? (long)nk++ : -1;
    d->nk = nk;
#define IN_K(i) ((i) < nn || (i) >= e1)
#define IN_E(i) ((i) >= e0 && (i) < e1)
#define IN_H(i) ((i) >= nn && (i) < e0)
    /* R_e (column e, K rows) and C_e (row e, K columns): counts */
    for (size_t e = 0; e < ne; e++)
        for (size_t z = cp[e0 + e]; z < cp[e0 + e + 1]; z++) {
            if (ri[z] == e0 + e) d->diag_e[e] = z;
            if (IN_K(ri[z])) d->r_start[e + 1]++;
        }
    for (size_t j = 0; j < n; j++) {
        if (!IN_K(j)) continue;
        for (size_t z = cp[j]; z < cp[j + 1]; z++)
            if (IN_E(ri[z])) d->c_start[ri[z] - e0 + 1]++;
    }
    for (size_t e = 0; e < ne; e++) {
        d->prod_off[e + 1] = d->prod_off[e] + d->r_start[e + 1] * d->c_start[e + 1];
        d->r_start[e + 1] += d->r_start[e];
        d->c_start[e + 1] += d->c_start[e];
    }
    d->r_slot = malloc((d->r_start[ne] ? d->r_start[ne] : 1) * sizeof(size_t));
    d->c_slot = malloc((d->c_start[ne] ? d->c_start[ne] : 1) * sizeof(size_t));
    d->c_col = malloc((d->c_start[ne] ? d->c_start[ne] : 1) * sizeof(size_t));
    d->prod_dst = malloc((d->prod_off[ne] ? d->prod_off[ne] : 1) * sizeof(size_t));
    size_t *fill = calloc(ne ? ne : 1, sizeof(size_t));
    long *pos = malloc((nk ? nk : 1) * sizeof(long));
    if (!d->r_slot || !d->c_slot || !d->c_col || !d->prod_dst || !fill || !pos) {
        free(fill);
        free(pos);
        return -1;
    }
    for (size_t e = 0; e < ne; e++) {
        size_t w = d->r_start[e];
        for (size_t z = cp[e0 + e]; z < cp[e0 + e + 1]; z++)
            if (IN_K(ri[z])) d->r_slot[w++] = z;
    }
    /* S pattern, column by column: K rows of J(:, j) and of J_KE(:, e) for each e in J(E, j) */
    size_t nkk = 0, cap = 0, snz = 0;
    for (size_t j = 0; j < n; j++)
        if (IN_K(j))
            for (size_t z = cp[j]; z < cp[j + 1]; z++)
                if (IN_K(ri[z])) nkk++;
    d->nkk = nkk;
    d->kk_src = malloc((nkk ? nkk : 1) * sizeof(size_t));
    d->kk_dst = malloc((nkk ? nkk : 1) * sizeof(size_t));
    d->S.cp = calloc(nk + 1, sizeof(long));
    cap = nkk + d->prod_off[ne] + 1;
    d->S.ri = malloc(cap * sizeof(long));
    if (!d->kk_src || !d->kk_dst || !d->S.cp || !d->S.ri) {
        free(fill);
        free(pos);
        return -1;
    }
    for (size_t k = 0; k < nk; k++)
        pos[k] = -1;
    size_t q = 0;
    for (size_t j = 0; j < n; j++) {
        if (!IN_K(j)) continue;
        size_t jk = (size_t)d->kidx[j], start = snz;
        for (size_t z = cp[j]; z < cp[j + 1]; z++) {
            size_t i = ri[z];
            if (IN_K(i) && pos[d->kidx[i]] < 0) {
                pos[d->kidx[i]] = 0;
                d->S.ri[snz++] = d->kidx[i];
            } else if (IN_E(i)) {
                size_t e = i - e0;
                for (size_t r = d->r_start[e]; r < d->r_start[e + 1]; r++) {
                    long rk = d->kidx[ri[d->r_slot[r]]];
                    if (pos[rk] < 0) {
                        pos[rk] = 0;
                        d->S.ri[snz++] = rk;
                    }
                }
            }
        }
        qsort(d->S.ri + start, snz - start, sizeof(long), cmp_long);
        for (size_t t = start; t < snz; t++)
            pos[d->S.ri[t]] = (long)t;
        for (size_t z = cp[j]; z < cp[j + 1]; z++) {
            size_t i = ri[z];
            if (IN_K(i)) {
                d->kk_src[q] = z;
                d->kk_dst[q++] = (size_t)pos[d->kidx[i]];
            } else if (IN_E(i)) {
                size_t e = i - e0, ci = fill[e]++, nr = d->r_start[e + 1] - d->r_start[e];
                d->c_slot[d->c_start[e] + ci] = z;
                d->c_col[d->c_start[e] + ci] = j;
                for (size_t r = 0; r < nr; r++)
                    d->prod_dst[d->prod_off[e] + ci * nr + r] =
                        (size_t)pos[d->kidx[ri[d->r_slot[d->r_start[e] + r]]]];
            }
        }
        for (size_t t = start; t < snz; t++)
            pos[d->S.ri[t]] = -1;
        d->S.cp[jk + 1] = (long)snz;
    }
    free(fill);
    free(pos);
    d->S.n = (long)nk;
    d->S.x = malloc((snz ? snz : 1) * sizeof(double));
    /* H block: J(H, H) in J's column order (rows sorted as in J) */
    size_t nhh = 0;
    for (size_t j = nn; j < e0; j++)
        for (size_t z = cp[j]; z < cp[j + 1]; z++)
            if (IN_H(ri[z])) nhh++;
    d->nhh = nhh;
    d->hh_src = malloc((nhh ? nhh : 1) * sizeof(size_t));
    d->H.cp = calloc(nn + 1, sizeof(long));
    d->H.ri = malloc((nhh ? nhh : 1) * sizeof(long));
    d->H.x = malloc((nhh ? nhh : 1) * sizeof(double));
    d->wk = malloc((nk ? nk : 1) * sizeof(double));
    d->wh = malloc((nn ? nn : 1) * sizeof(double));
    d->b = malloc((n ? n : 1) * sizeof(double));
    d->r = malloc((n ? n : 1) * sizeof(double));
    d->dx = malloc((n ? n : 1) * sizeof(double));
    d->rowsc = malloc((n ? n : 1) * sizeof(double));
    d->V = malloc((RL_KRYLOV + 1) * (n ? n : 1) * sizeof(double));
    d->Hm = calloc((RL_KRYLOV + 1) * RL_KRYLOV, sizeof(double));
    d->cs = calloc(RL_KRYLOV + 1, sizeof(double));
    d->sn = calloc(RL_KRYLOV + 1, sizeof(double));
    d->g = calloc(RL_KRYLOV + 1, sizeof(double));
    if (!d->b || !d->r || !d->dx || !d->rowsc || !d->V || !d->Hm || !d->cs || !d->sn || !d->g)
        return -1;
    if (!d->S.x || !d->hh_src || !d->H.cp || !d->H.ri || !d->H.x || !d->wk || !d->wh) return -1;
    size_t w = 0;
    for (size_t j = nn; j < e0; j++) {
        for (size_t z = cp[j]; z < cp[j + 1]; z++)
            if (IN_H(ri[z])) {
                d->hh_src[w] = z;
                d->H.ri[w++] = (long)(ri[z] - nn);
            }
        d->H.cp[j - nn + 1] = (long)w;
    }
    d->H.n = (long)nn;
    klu_l_defaults(&d->S.kc);
    klu_l_defaults(&d->H.kc);
    return 0;
#undef IN_K
#undef IN_E
#undef IN_H
}

/* analyse once, then refactor; a fresh factorisation when the pivots degrade. 0 or -1. */
static int block_factor(rl_block *b)
{
    if (!b->sym) {
        b->sym = klu_l_analyze(b->n, b->cp, b->ri, &b->kc);
        if (!b->sym) return -1;
    }
    if (b->num && klu_l_refactor(b->cp, b->ri, b->x, b->sym, b->num, &b->kc) &&
        klu_l_rcond(b->sym, b->num, &b->kc) && b->kc.rcond > RL_RCOND_MIN)
        return 0;
    if (b->num) klu_l_free_numeric(&b->num, &b->kc);
    b->num = klu_l_factor(b->cp, b->ri, b->x, b->sym, &b->kc);
    return b->num ? 0 : -1;
}

/* ---- the enthalpy block in flow order ----------------------------------------------------------
 * J_HH (the node mixing rows' dependence on the node enthalpies) is, row k,
 *   dR_k/dh_k = 1,   dR_k/dh_j = -q_i dh_arr,i/dh_j / D_k   for the streams i arriving at k
 * with q_i = pos(inflow), D_k = sum q_i (assemble.c, node_mixing). A stream that flows out of
 * k enters with q = pos(-m) ~ eps_mix^2 / (4 |m|), i.e. 1e-10 of the inflows' weight and less, so
 * J_HH is, to that order, triangular in the order of the flow (upstream nodes first). A sweep
 * in that order solves it in O(nnz): Tarjan's algorithm on the "strong" dependencies
 * (|J_kj| > HS_STRONG |J_kk|) gives the strongly connected components in dependency order;
 * components of one node are a division, the rare larger ones (a pipe whose flow is within
 * ~1e4 eps_mix of zero couples both its ends; buried supply/return pairs, through the paired
 * temperatures) are solved by dense Gaussian elimination with partial pivoting (at most
 * HS_MAXBLK nodes); the weak entries are carried by Gauss-Seidel repetition of the sweep, which
 * contracts by their relative size per sweep, until the update is below HS_TOL of the solution.
 * st_hsolve_setup fails (the caller factorises J_HH with KLU instead) when a component exceeds
 * HS_MAXBLK nodes; st_hsolve_solve fails when the sweeps do not converge in HS_MAXSWEEP. */
#define HS_STRONG 1e-6
#define HS_MAXBLK 64
#define HS_TOL 1e-14
#define HS_MAXSWEEP 50

struct st_hsolve {
    size_t n;                 /* nodes (H unknowns) */
    size_t nn;                /* offset of the H rows / columns in J */
    size_t *rs, *col, *src;   /* CSR of J_HH: row k's entries [rs[k], rs[k+1]), column, J slot */
    size_t *dslot;            /* row k: J slot of (k, k), or DH_NONE */
    size_t *order, *bstart;   /* nodes in solve order; component b is order[bstart[b] ..) */
    size_t nblk;
    size_t *bof;              /* node -> its component */
    /* Tarjan work */
    size_t *index, *low, *stack, *cs_node, *cs_pos;
    unsigned char *onstack;
    double *dense, *rhs;      /* HS_MAXBLK^2, HS_MAXBLK */
    size_t *loc;              /* node -> position in its component */
    bool ready;
};

void st_hsolve_free(st_hsolve **ph)
{
    if (!ph || !*ph) return;
    st_hsolve *h = *ph;
    free(h->rs);
    free(h->col);
    free(h->src);
    free(h->dslot);
    free(h->order);
    free(h->bstart);
    free(h->bof);
    free(h->index);
    free(h->low);
    free(h->stack);
    free(h->cs_node);
    free(h->cs_pos);
    free(h->onstack);
    free(h->dense);
    free(h->rhs);
    free(h->loc);
    free(h);
    *ph = NULL;
}

st_hsolve *st_hsolve_create(const dh_steady *s)
{
    st_hsolve *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    const size_t nn = s->nn, *cp = s->colptr, *ri = s->rowind;
    size_t n = nn ? nn : 1;
    h->n = nn;
    h->nn = nn;
    h->rs = calloc(nn + 1, sizeof(size_t));
    h->dslot = malloc(n * sizeof(size_t));
    h->order = malloc(n * sizeof(size_t));
    h->bstart = malloc((n + 1) * sizeof(size_t));
    h->bof = malloc(n * sizeof(size_t));
    h->index = malloc(n * sizeof(size_t));
    h->low = malloc(n * sizeof(size_t));
    h->stack = malloc(n * sizeof(size_t));
    h->cs_node = malloc(n * sizeof(size_t));
    h->cs_pos = malloc(n * sizeof(size_t));
    h->onstack = malloc(n);
    h->loc = malloc(n * sizeof(size_t));
    h->dense = malloc(HS_MAXBLK * HS_MAXBLK * sizeof(double));
    h->rhs = malloc(HS_MAXBLK * sizeof(double));
    if (!h->rs || !h->dslot || !h->order || !h->bstart || !h->bof || !h->index || !h->low ||
        !h->stack || !h->cs_node || !h->cs_pos || !h->onstack || !h->loc || !h->dense || !h->rhs)
        goto fail;
    for (size_t j = nn; j < 2 * nn; j++)
        for (size_t z = cp[j]; z < cp[j + 1]; z++)
            if (ri[z] >= nn && ri[z] < 2 * nn) h->rs[ri[z] - nn + 1]++;
    for (size_t k = 0; k < nn; k++) h->rs[k + 1] += h->rs[k];
    size_t nz = h->rs[nn];
    h->col = malloc((nz ? nz : 1) * sizeof(size_t));
    h->src = malloc((nz ? nz : 1) * sizeof(size_t));
    if (!h->col || !h->src) goto fail;
    for (size_t k = 0; k < nn; k++) {
        h->cs_pos[k] = h->rs[k]; /* fill pointer */
        h->dslot[k] = DH_NONE;
    }
    for (size_t j = nn; j < 2 * nn; j++)
        for (size_t z = cp[j]; z < cp[j + 1]; z++) {
            size_t i = ri[z];
            if (i < nn || i >= 2 * nn) continue;
            size_t k = i - nn, w = h->cs_pos[k]++;
            h->col[w] = j - nn;
            h->src[w] = z;
            if (j == i) h->dslot[k] = z;
        }
    return h;
fail:
    st_hsolve_free(&h);
    return NULL;
}

static bool hs_strong(const st_hsolve *h, const double *jx, size_t w, double dk)
{
    return fabs(jx[h->src[w]]) > HS_STRONG * dk;
}

/* Tarjan's strongly connected components of the strong dependencies k -> j (iterative); the
 * components come out dependencies first. Returns 0, or -1 when one is larger than
 * HS_MAXBLK or a diagonal is missing or zero. */
int st_hsolve_setup(st_hsolve *h, const double *jx)
{
    const size_t n = h->n, NONE = (size_t)-1;
    h->ready = false;
    for (size_t k = 0; k < n; k++) {
        if (h->dslot[k] == DH_NONE || !(jx[h->dslot[k]] != 0.0) || !isfinite(jx[h->dslot[k]]))
            return -1;
        h->index[k] = NONE;
        h->onstack[k] = 0;
    }
    size_t next = 0, sp = 0, no = 0;
    h->nblk = 0;
    for (size_t root = 0; root < n; root++) {
        if (h->index[root] != NONE) continue;
        size_t cs = 0;
        h->cs_node[cs] = root;
        h->cs_pos[cs++] = h->rs[root];
        h->index[root] = h->low[root] = next++;
        h->stack[sp++] = root;
        h->onstack[root] = 1;
        while (cs > 0) {
            size_t v = h->cs_node[cs - 1];
            double dv = fabs(jx[h->dslot[v]]);
            size_t *p = &h->cs_pos[cs - 1];
            bool pushed = false;
            while (*p < h->rs[v + 1]) {
                size_t w = (*p)++, j = h->col[w];
                if (j == v || !hs_strong(h, jx, w, dv)) continue;
                if (h->index[j] == NONE) {
                    h->index[j] = h->low[j] = next++;
                    h->stack[sp++] = j;
                    h->onstack[j] = 1;
                    h->cs_node[cs] = j;
                    h->cs_pos[cs++] = h->rs[j];
                    pushed = true;
                    break;
                }
                if (h->onstack[j] && h->index[j] < h->low[v]) h->low[v] = h->index[j];
            }
            if (pushed) continue;
            if (h->low[v] == h->index[v]) {
                size_t start = no, w;
                do {
                    w = h->stack[--sp];
                    h->onstack[w] = 0;
                    h->order[no++] = w;
                    h->bof[w] = h->nblk;
                } while (w != v);
                if (no - start > HS_MAXBLK) return -1;
                h->bstart[h->nblk++] = start;
            }
            cs--;
            if (cs > 0) {
                size_t u = h->cs_node[cs - 1];
                if (h->low[v] < h->low[u]) h->low[u] = h->low[v];
            }
        }
    }
    h->bstart[h->nblk] = no;
    h->ready = true;
    return 0;
}

/* Dense a x = r (size m, row-major, partial pivoting), x in r. 0, or -1 singular. */
static int hs_dense(double *a, double *r, size_t m)
{
    for (size_t c = 0; c < m; c++) {
        size_t piv = c;
        for (size_t i = c + 1; i < m; i++)
            if (fabs(a[i * m + c]) > fabs(a[piv * m + c])) piv = i;
        if (!(a[piv * m + c] != 0.0)) return -1;
        if (piv != c) {
            for (size_t j = 0; j < m; j++) {
                double t = a[c * m + j];
                a[c * m + j] = a[piv * m + j];
                a[piv * m + j] = t;
            }
            double t = r[c];
            r[c] = r[piv];
            r[piv] = t;
        }
        for (size_t i = c + 1; i < m; i++) {
            double f = a[i * m + c] / a[c * m + c];
            if (f == 0.0) continue;
            for (size_t j = c; j < m; j++) a[i * m + j] -= f * a[c * m + j];
            r[i] -= f * r[c];
        }
    }
    for (size_t c = m; c-- > 0;) {
        double v = r[c];
        for (size_t j = c + 1; j < m; j++) v -= a[c * m + j] * r[j];
        r[c] = v / a[c * m + c];
    }
    return 0;
}

/* x = J_HH^-1 b (sizes n; x holds the start of the iteration, e.g. 0). 0, or -1 when the
 * sweeps do not converge (or a component is singular). */
int st_hsolve_solve(st_hsolve *h, const double *jx, const double *b, double *x)
{
    if (!h->ready) return -1;
    double dprev = 0.0;
    for (int sweep = 0; sweep < HS_MAXSWEEP; sweep++) {
        double dmax = 0.0, xmax = 0.0;
        for (size_t blk = 0; blk < h->nblk; blk++) {
            size_t b0 = h->bstart[blk], m = h->bstart[blk + 1] - b0;
            if (m == 1) {
                size_t k = h->order[b0];
                double v = b[k], d = 0.0;
                for (size_t w = h->rs[k]; w < h->rs[k + 1]; w++) {
                    size_t j = h->col[w];
                    if (j == k) d = jx[h->src[w]];
                    else v -= jx[h->src[w]] * x[j];
                }
                v /= d;
                double dx = fabs(v - x[k]);
                if (!(dx <= dmax)) dmax = dx;
                if (fabs(v) > xmax) xmax = fabs(v);
                x[k] = v;
                continue;
            }
            double *a = h->dense, *r = h->rhs;
            memset(a, 0, m * m * sizeof(double));
            for (size_t i = 0; i < m; i++) h->loc[h->order[b0 + i]] = i;
            for (size_t i = 0; i < m; i++) {
                size_t k = h->order[b0 + i];
                double v = b[k];
                for (size_t w = h->rs[k]; w < h->rs[k + 1]; w++) {
                    size_t j = h->col[w];
                    if (h->bof[j] == blk) a[i * m + h->loc[j]] += jx[h->src[w]];
                    else v -= jx[h->src[w]] * x[j];
                }
                r[i] = v;
            }
            if (hs_dense(a, r, m)) return -1;
            for (size_t i = 0; i < m; i++) {
                size_t k = h->order[b0 + i];
                double dx = fabs(r[i] - x[k]);
                if (!(dx <= dmax)) dmax = dx;
                if (fabs(r[i]) > xmax) xmax = fabs(r[i]);
                x[k] = r[i];
            }
        }
        if (!isfinite(dmax)) return -1;
        /* converged, or the next update (the contraction of the last two times this one) is
         * below the tolerance: the error of x is about that next update */
        if (dmax <= HS_TOL * xmax || xmax == 0.0 ||
            (sweep > 0 && dmax * (dmax / dprev) <= HS_TOL * xmax && dmax < dprev)) {
            return 0;
        }
        dprev = dmax;
    }
    return -1;
}

static SUNLinearSolver_Type rl_gettype(SUNLinearSolver LS)
{
    (void)LS;
    return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID rl_getid(SUNLinearSolver LS)
{
    (void)LS;
    return SUNLINEARSOLVER_CUSTOM;
}

static int rl_initialize(SUNLinearSolver LS)
{
    ((rl_data *)LS->content)->last_flag = 0;
    return SUNLS_SUCCESS;
}

static int rl_setup(SUNLinearSolver LS, SUNMatrix A)
{
    rl_data *d = LS->content;
    const double *jx = SUNSparseMatrix_Data(A);
    const size_t ne = d->ne;
    memset(d->S.x, 0, (size_t)d->S.cp[d->S.n] * sizeof(double));
    for (size_t q = 0; q < d->nkk; q++)
        d->S.x[d->kk_dst[q]] += jx[d->kk_src[q]];
    for (size_t e = 0; e < ne; e++) {
        double g = jx[d->diag_e[e]];
        if (!(g != 0.0) || !isfinite(g)) {
            d->last_flag = (long)(d->e0 + e + 1);
            return SUNLS_PACKAGE_FAIL_REC;
        }
        size_t nr = d->r_start[e + 1] - d->r_start[e];
        for (size_t ci = d->c_start[e]; ci < d->c_start[e + 1]; ci++) {
            double f = jx[d->c_slot[ci]] / g;
            const size_t *dst = d->prod_dst + d->prod_off[e] + (ci - d->c_start[e]) * nr;
            for (size_t r = 0; r < nr; r++)
                d->S.x[dst[r]] -= jx[d->r_slot[d->r_start[e] + r]] * f;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        double fs;
        st_scales(d->s, i, NULL, &fs);
        d->rowsc[i] = 1.0 / fs;
    }
    d->h_klu = st_hsolve_setup(d->hs, jx) != 0;
    if (d->h_klu) h_factor(d, jx);
    if (block_factor(&d->S) || (d->h_klu && !d->H.num)) {
        d->last_flag = -1;
        return SUNLS_PACKAGE_FAIL_REC;
    }
    d->last_flag = 0;
    return SUNLS_SUCCESS;
}

/* J_HH by KLU (the fallback of the flow-order sweep): values, then factor. */
static int h_factor(rl_data *d, const double *jx)
{
    for (size_t q = 0; q < d->nhh; q++)
        d->H.x[q] = jx[d->hh_src[q]];
    return block_factor(&d->H);
}

/* x = M^-1 b, M the block lower-triangular part of J (the banner). x and b distinct. */
static int apply_m(rl_data *d, const double *jx, const double *b, double *x)
{
    const dh_steady *s = d->s;
    const size_t *cp = s->colptr, *ri = s->rowind;
    const size_t nn = d->nn, ne = d->ne, e0 = d->e0, n = d->n;
    /* b_K - J_KE G^-1 b_E */
    for (size_t i = 0; i < n; i++)
        if (d->kidx[i] >= 0) d->wk[d->kidx[i]] = b[i];
    for (size_t e = 0; e < ne; e++) {
        double t = b[e0 + e] / jx[d->diag_e[e]];
        for (size_t r = d->r_start[e]; r < d->r_start[e + 1]; r++)
            d->wk[d->kidx[ri[d->r_slot[r]]]] -= jx[d->r_slot[r]] * t;
    }
    if (!klu_l_solve(d->S.sym, d->S.num, d->S.n, 1, d->wk, &d->S.kc)) return -2;
    for (size_t i = 0; i < n; i++)
        if (d->kidx[i] >= 0) x[i] = d->wk[d->kidx[i]];
    /* x_E = G^-1 (b_E - J_EK x_K) */
    for (size_t e = 0; e < ne; e++) {
        double v = b[e0 + e];
        for (size_t ci = d->c_start[e]; ci < d->c_start[e + 1]; ci++)
            v -= jx[d->c_slot[ci]] * x[d->c_col[ci]];
        x[e0 + e] = v / jx[d->diag_e[e]];
    }
    /* J_HH x_H = b_H - J_HK x_K - J_HE x_E */
    for (size_t k = 0; k < nn; k++)
        d->wh[k] = b[nn + k];
    for (size_t j = 0; j < n; j++) {
        if (j >= nn && j < e0) continue;
        for (size_t z = cp[j]; z < cp[j + 1]; z++)
            if (ri[z] >= nn && ri[z] < e0) d->wh[ri[z] - nn] -= jx[z] * x[j];
    }
    if (!d->h_klu) {
        memset(x + nn, 0, nn * sizeof(double));
        if (st_hsolve_solve(d->hs, jx, d->wh, x + nn) == 0) return 0;
        /* the sweeps did not converge: KLU for the rest of this Jacobian */
        d->h_klu = true;
        if (h_factor(d, jx)) return -3;
    }
    if (!klu_l_solve(d->H.sym, d->H.num, d->H.n, 1, d->wh, &d->H.kc)) return -3;
    for (size_t k = 0; k < nn; k++)
        x[nn + k] = d->wh[k];
    return 0;
}

/* J x = b: x = M^-1 b (apply_m) and RL_SWEEPS block Gauss-Seidel corrections
 * x += M^-1 (b - J x) (each: one product with J and one apply_m, no factorisation); then, when
 * they leave ||D (b - J x)||_2 > RL_FALLBACK ||D b||_2, GMRES(RL_KRYLOV) (Saad & Schultz 1986;
 * Saad, "Iterative methods for sparse linear systems", 2003, alg. 9.5 with right
 * preconditioning) with M as the preconditioner, in the row scaling of KINSOL's merit function
 * (D = diag(1 / fscale), st_scales), from that x to RL_ETA (at most RL_RESTARTS cycles).
 * The corrections contract by the left-out coupling (the hydraulic rows' dependence on the
 * enthalpies), about 1e-2 per sweep near a solution; far from one (the heat loss of a guess on
 * a street grid) the heat consumers' flows Q / (h_s - h_r), 3 % per kelvin, make them diverge,
 * and Newton's direct attempt on 3x10^4 grid pipes was abandoned (18 iterations in all; 9-10
 * with the GMRES step). */
static void jmul(const rl_data *d, const double *jx, const double *x, double *y)
{
    const size_t n = d->n, *cp = d->s->colptr, *ri = d->s->rowind;
    memset(y, 0, n * sizeof(double));
    for (size_t j = 0; j < n; j++) {
        double xj = x[j];
        if (xj == 0.0) continue;
        for (size_t z = cp[j]; z < cp[j + 1]; z++) y[ri[z]] += jx[z] * xj;
    }
}

static double dot(const double *a, const double *b, size_t n)
{
    double t = 0.0;
    for (size_t i = 0; i < n; i++) t += a[i] * b[i];
    return t;
}

static int rl_solve(SUNLinearSolver LS, SUNMatrix A, N_Vector xv, N_Vector bv, double tol)
{
    (void)tol;
    rl_data *d = LS->content;
    const double *jx = SUNSparseMatrix_Data(A);
    const size_t n = d->n, m = RL_KRYLOV;
    const double *D = d->rowsc;
    double *x = N_VGetArrayPointer(xv), *V = d->V, *Hm = d->Hm, *cs = d->cs, *sn = d->sn,
           *g = d->g;
    memcpy(d->b, N_VGetArrayPointer(bv), n * sizeof(double));
    int r = apply_m(d, jx, d->b, x);
    const double eta = RL_ETA;
    double bnorm = 0.0;
    for (size_t i = 0; i < n; i++) bnorm += (D[i] * d->b[i]) * (D[i] * d->b[i]);
    bnorm = sqrt(bnorm);
    /* block Gauss-Seidel corrections x += M^-1 (b - J x) */
    for (int sweep = 0; r == 0 && sweep < RL_SWEEPS; sweep++) {
        jmul(d, jx, x, d->r);
        for (size_t i = 0; i < n; i++) d->r[i] = d->b[i] - d->r[i];
        if ((r = apply_m(d, jx, d->r, d->dx))) break;
        for (size_t i = 0; i < n; i++) x[i] += d->dx[i];
    }
    for (int cycle = 0; r == 0 && cycle < RL_RESTARTS && bnorm > 0.0; cycle++) {
        /* V_0 = D (b - J x) / beta */
        jmul(d, jx, x, d->r);
        for (size_t i = 0; i < n; i++) V[i] = D[i] * (d->b[i] - d->r[i]);
        double beta = sqrt(dot(V, V, n));
        if (!(beta > (cycle == 0 ? RL_FALLBACK : eta) * bnorm)) break;
        for (size_t i = 0; i < n; i++) V[i] /= beta;
        memset(g, 0, (m + 1) * sizeof(double));
        g[0] = beta;
        size_t k = 0;
        for (size_t j = 0; j < m; j++) {
            /* w = D J M^-1 D^-1 v_j */
            double *vj = V + j * n, *w = V + (j + 1) * n;
            for (size_t i = 0; i < n; i++) d->r[i] = vj[i] / D[i];
            if ((r = apply_m(d, jx, d->r, d->dx))) break;
            jmul(d, jx, d->dx, w);
            for (size_t i = 0; i < n; i++) w[i] *= D[i];
            for (size_t i = 0; i <= j; i++) { /* modified Gram-Schmidt */
                double hij = dot(w, V + i * n, n);
                Hm[i * m + j] = hij;
                const double *vi = V + i * n;
                for (size_t q = 0; q < n; q++) w[q] -= hij * vi[q];
            }
            double hn = sqrt(dot(w, w, n));
            if (hn > 0.0)
                for (size_t q = 0; q < n; q++) w[q] /= hn;
            /* Givens rotations: the earlier ones on column j, then a new one for (j, j+1) */
            for (size_t i = 0; i < j; i++) {
                double a = Hm[i * m + j], b = Hm[(i + 1) * m + j];
                Hm[i * m + j] = cs[i] * a + sn[i] * b;
                Hm[(i + 1) * m + j] = -sn[i] * a + cs[i] * b;
            }
            double a = Hm[j * m + j], rr = hypot(a, hn);
            cs[j] = rr > 0.0 ? a / rr : 1.0;
            sn[j] = rr > 0.0 ? hn / rr : 0.0;
            Hm[j * m + j] = rr;
            g[j + 1] = -sn[j] * g[j];
            g[j] = cs[j] * g[j];
            k = j + 1;
            if (!(fabs(g[j + 1]) > eta * bnorm) || !(hn > 0.0)) break;
        }
        if (r || k == 0) break;
        /* y = Hm^-1 g (upper triangular k x k), x += M^-1 D^-1 V y */
        for (size_t i = k; i-- > 0;) {
            double v = g[i];
            for (size_t q = i + 1; q < k; q++) v -= Hm[i * m + q] * g[q];
            g[i] = Hm[i * m + i] != 0.0 ? v / Hm[i * m + i] : 0.0;
        }
        memset(d->r, 0, n * sizeof(double));
        for (size_t i = 0; i < k; i++) {
            const double *vi = V + i * n;
            for (size_t q = 0; q < n; q++) d->r[q] += g[i] * vi[q];
        }
        for (size_t q = 0; q < n; q++) d->r[q] /= D[q];
        if ((r = apply_m(d, jx, d->r, d->dx))) break;
        for (size_t q = 0; q < n; q++) x[q] += d->dx[q];
    }
    d->last_flag = r;
    return r ? SUNLS_PACKAGE_FAIL_REC : SUNLS_SUCCESS;
}

static sunindextype rl_lastflag(SUNLinearSolver LS)
{
    return (sunindextype)((rl_data *)LS->content)->last_flag;
}

static int rl_free(SUNLinearSolver LS)
{
    if (!LS) return SUNLS_SUCCESS;
    rl_data_free(LS->content);
    LS->content = NULL;
    SUNLinSolFreeEmpty(LS);
    return SUNLS_SUCCESS;
}

SUNLinearSolver st_linsol_reduced(const dh_steady *s, SUNContext ctx)
{
    rl_data *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->s = s;
    d->nn = s->nn;
    d->ne = s->ne;
    d->e0 = 2 * s->nn;
    d->e1 = 2 * s->nn + s->ne;
    d->n = s->n;
    d->hs = st_hsolve_create(s);
    if (!d->hs || rl_build(d)) {
        rl_data_free(d);
        return NULL;
    }
    SUNLinearSolver LS = SUNLinSolNewEmpty(ctx);
    if (!LS) {
        rl_data_free(d);
        return NULL;
    }
    LS->ops->gettype = rl_gettype;
    LS->ops->getid = rl_getid;
    LS->ops->initialize = rl_initialize;
    LS->ops->setup = rl_setup;
    LS->ops->solve = rl_solve;
    LS->ops->lastflag = rl_lastflag;
    LS->ops->free = rl_free;
    LS->content = d;
    return LS;
}

void st_linsol_reduced_reset(SUNLinearSolver LS)
{
    rl_data *d = LS->content;
    if (d->S.num) klu_l_free_numeric(&d->S.num, &d->S.kc);
    if (d->H.num) klu_l_free_numeric(&d->H.num, &d->H.kc);
}
