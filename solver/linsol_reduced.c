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
 *                                                              triangular in flow order; KLU)
 * For water the left-out blocks are small (d rho / d h ~ 1e-3 of the friction terms' scale), so
 * KINSOL's Newton converges as before with an iteration or two more near the end, and each
 * factorisation is of a system the size of the node count instead of 2 nodes + edges: on a
 * 10^5-pipe street grid 0.17 s instead of 1.8 s per refactorisation (bench/README.md).
 * KINSOL's line search still uses the exact J (its product with the step). Both symbolic
 * analyses are done once, klu_refactor afterwards (a fresh klu_factor when the pivots' rcond
 * falls below RL_RCOND_MIN, or after st_linsol_reduced_reset).
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
#ifndef RL_SWEEPS
#define RL_SWEEPS 2 /* corrections of the block-triangular step (rl_solve) */
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
    double *wk, *wh;
    double *b, *r, *dx; /* solve work (size n) */
    long last_flag;
} rl_data;

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
    if (!d->b || !d->r || !d->dx) return -1;
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
    for (size_t q = 0; q < d->nhh; q++)
        d->H.x[q] = jx[d->hh_src[q]];
    if (block_factor(&d->S) || block_factor(&d->H)) {
        d->last_flag = -1;
        return SUNLS_PACKAGE_FAIL_REC;
    }
    d->last_flag = 0;
    return SUNLS_SUCCESS;
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
    if (!klu_l_solve(d->H.sym, d->H.num, d->H.n, 1, d->wh, &d->H.kc)) return -3;
    for (size_t k = 0; k < nn; k++)
        x[nn + k] = d->wh[k];
    return 0;
}

/* J x = b by M-preconditioned stationary iteration (block Gauss-Seidel between the hydraulics
 * and the enthalpies): x_0 = M^-1 b, x_{i+1} = x_i + M^-1 (b - J x_i), RL_SWEEPS corrections
 * (each: one product with J and the two triangular solves, no factorisation). The left-out
 * coupling (the hydraulic rows' dependence on h: density and viscosity in the momentum rows,
 * the heat consumers' flow Q / (h_s - h_r)) contracts by about 1e-2 per sweep on the benches,
 * so the step is the Newton step to 1e-6 and Newton keeps its iteration count. */
static int rl_solve(SUNLinearSolver LS, SUNMatrix A, N_Vector xv, N_Vector bv, double tol)
{
    (void)tol;
    rl_data *d = LS->content;
    const double *jx = SUNSparseMatrix_Data(A);
    const size_t n = d->n, *cp = d->s->colptr, *ri = d->s->rowind;
    double *x = N_VGetArrayPointer(xv);
    memcpy(d->b, N_VGetArrayPointer(bv), n * sizeof(double));
    int r = apply_m(d, jx, d->b, x);
    for (int sweep = 0; r == 0 && sweep < RL_SWEEPS; sweep++) {
        memcpy(d->r, d->b, n * sizeof(double));
        for (size_t j = 0; j < n; j++)
            for (size_t z = cp[j]; z < cp[j + 1]; z++)
                d->r[ri[z]] -= jx[z] * x[j];
        r = apply_m(d, jx, d->r, d->dx);
        for (size_t i = 0; r == 0 && i < n; i++)
            x[i] += d->dx[i];
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
    if (rl_build(d)) {
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
