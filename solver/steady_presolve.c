/* steady_presolve.c: linearised-resistance pre-solve of the initial guess of water networks.
 *
 * The spanning-tree guess (layout.c, st_initial_guess) routes every demand along one
 * breadth-first tree: on meshed street grids and on radial networks with loop-closing pipes it
 * pushes whole branches' flows through thin pipes, the pressure walk collapses, and Newton from
 * there needs tens of iterations or the staged strategy (bench/README.md). EPANET's gradient
 * algorithm starts instead from one linear solve of the node heads with each link's resistance
 * frozen. This is that step for the water hydraulics (Rossman, EPANET 2.2 manual, "Hydraulic
 * solver"; Todini & Pilati 1988), with the pipe resistances linearised as secants:
 *   per pipe e = (a, b):   m_e = c_e (p_a - p_b - rho_e g dz_e),   c_e = m / dp_f(m)  kg/(s Pa)
 *   per free node k:       sum_e s_ke m_e = b_k  (b_k: the pipe outflow that balances the
 *                          node's draws and consumer flows at the guess)
 *   per fixed-pressure node: p_k = p_set
 * i.e. the weighted graph Laplacian A C A^T p = b + A C (rho g dz), solved with KLU (AMD);
 * PRESOLVE_PASSES solves, the first linearised at the guess's flow floored at PRESOLVE_V0, the
 * next ones at the mean of the last two flows (plain Picard oscillates on the quadratic law).
 * Enthalpies stay as carried by the tree guess; fixed-pressure source flows take the change of
 * their node's pipe outflow.
 *
 * Only for networks the linearisation covers: water nodes, unsegmented pipes, water heat
 * consumers and water draws (no valves, pumps, substations, steam); elsewhere a no-op. Nodes
 * that no pipe path joins to a fixed pressure keep the tree guess. Allocates its work per call
 * (guess time only, never inside Newton iterations).
 *
 * Exports: st_linear_presolve (steady_internal.h). Caller: steady_kinsol.c (solve strategy).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <suitesparse/klu.h>

#include "steady_internal.h"

#define PRESOLVE_PASSES 4   /* linear solves (3: 6-10 Newton iterations on the benches, 4: 4-7) */
#define PRESOLVE_V0     0.3 /* m/s, floor of the first linearisation's flow (EPANET: 1 ft/s) */

static bool applicable(const dh_steady *s)
{
    const dh_network *net = s->net;
    if (s->nn != net->nodes.n || s->ns == 0) return false;
    for (size_t k = 0; k < net->nodes.n; k++)
        if (net->nodes.medium[k] == DH_MEDIUM_STEAM) return false;
    for (size_t e = 0; e < s->ne; e++)
        if (s->edge[e].kind != ST_PIPE && s->edge[e].kind != ST_CONSUMER) return false;
    for (size_t i = 0; i < s->ndraw; i++)
        if (s->draw[i].kind != ST_DRAW_WATER) return false;
    return true;
}

/* column-sorted search of row r in CSC column j */
static long slot_of(const long *cp, const long *ri, size_t j, size_t r)
{
    long lo = cp[j], hi = cp[j + 1] - 1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        if ((size_t)ri[mid] == r) return mid;
        if ((size_t)ri[mid] < r)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

void st_linear_presolve(dh_steady *s, double *u)
{
    if (!applicable(s)) return;
    const size_t nn = s->nn, ne = s->ne;
    const dh_sources *src = &s->net->sources;
    double *p = u, *h = u + nn, *m = u + 2 * nn;
    /* CSC pattern of the Laplacian: diagonal + the other end of every pipe */
    long *cp = calloc(nn + 1, sizeof(long));
    long *ri = NULL, *slot = NULL;
    double *x = NULL, *b = NULL, *c = NULL, *g = NULL, *m0 = NULL, *r = NULL, *mprev = NULL;
    unsigned char *fixed = NULL, *reach = NULL;
    size_t *queue = NULL;
    klu_l_symbolic *S = NULL;
    klu_l_numeric *N = NULL;
    klu_l_common kc;
    klu_l_defaults(&kc);
    if (!cp) return;
    for (size_t e = 0; e < ne; e++) {
        if (s->edge[e].kind != ST_PIPE || s->edge[e].a == s->edge[e].b) continue;
        cp[s->edge[e].a + 1]++;
        cp[s->edge[e].b + 1]++;
    }
    for (size_t k = 0; k < nn; k++)
        cp[k + 1] += cp[k] + 1;
    ri = malloc((size_t)cp[nn] * sizeof(long));
    slot = malloc(4 * ne * sizeof(long));
    b = calloc(nn, sizeof(double));
    c = calloc(ne, sizeof(double));
    g = calloc(ne, sizeof(double));
    m0 = malloc(ne * sizeof(double));
    fixed = calloc(nn, 1);
    reach = calloc(nn, 1);
    queue = malloc(nn * sizeof(size_t));
    r = malloc(nn * sizeof(double));
    mprev = calloc(ne, sizeof(double));
    if (!ri || !slot || !b || !c || !g || !m0 || !fixed || !reach || !queue || !r || !mprev)
        goto done;
    {
        long *fill = malloc(nn * sizeof(long));
        if (!fill) goto done;
        for (size_t k = 0; k < nn; k++) {
            fill[k] = cp[k];
            ri[fill[k]++] = (long)k;
        }
        for (size_t e = 0; e < ne; e++) {
            const st_edge *E = &s->edge[e];
            if (E->kind != ST_PIPE || E->a == E->b) continue;
            ri[fill[E->a]++] = (long)E->b;
            ri[fill[E->b]++] = (long)E->a;
        }
        /* sort and merge parallel pipes' duplicates */
        long w = 0;
        for (size_t k = 0; k < nn; k++) {
            long start = cp[k], end = fill[k];
            qsort(ri + start, (size_t)(end - start), sizeof(long), cmp_long);
            cp[k] = w;
            for (long q = start; q < end; q++)
                if (q == start || ri[q] != ri[q - 1]) ri[w++] = ri[q];
        }
        cp[nn] = w;
        free(fill);
    }
    x = malloc((size_t)cp[nn] * sizeof(double));
    if (!x) goto done;
    for (size_t e = 0; e < ne; e++) {
        const st_edge *E = &s->edge[e];
        if (E->kind != ST_PIPE || E->a == E->b) continue;
        slot[4 * e + 0] = slot_of(cp, ri, E->a, E->a);
        slot[4 * e + 1] = slot_of(cp, ri, E->b, E->b);
        slot[4 * e + 2] = slot_of(cp, ri, E->b, E->a); /* row a, column b */
        slot[4 * e + 3] = slot_of(cp, ri, E->a, E->b); /* row b, column a */
    }
    /* fixed pressures, and the nodes a pipe path joins to one (the rest keep the tree guess) */
    size_t head = 0, tail = 0;
    for (size_t j = 0; j < src->n; j++) {
        if (s->src_unknown[j] == DH_NONE) continue;
        size_t k = src->node[j];
        fixed[k] = 1;
        if (!reach[k]) {
            reach[k] = 1;
            queue[tail++] = k;
        }
    }
    while (head < tail) {
        size_t k = queue[head++];
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            const st_edge *E = &s->edge[s->inc_edge[q]];
            if (E->kind != ST_PIPE) continue;
            size_t o = E->a == k ? E->b : E->a;
            if (!reach[o]) {
                reach[o] = 1;
                queue[tail++] = o;
            }
        }
    }
    /* b_k: the pipe outflow that balances node k's other terms (draws, consumer edges,
     * fixed-flow injections) at the guess: b_k = (pipe outflow)_k - R_k, R_k its mass residual
     * (the off-tree pipes' turbulent estimates of the guess do not balance, so not just the
     * guess's pipe outflow) */
    if (st_eval(s, u, s->f, false) < 0) goto done;
    for (size_t k = 0; k < nn; k++)
        b[k] = -s->f[k];
    for (size_t e = 0; e < ne; e++) {
        const st_edge *E = &s->edge[e];
        m0[e] = m[e];
        if (E->kind != ST_PIPE || E->a == E->b) continue;
        b[E->a] += m[e];
        b[E->b] -= m[e];
    }
    for (size_t k = 0; k < nn; k++)
        if (!isfinite(b[k])) goto done;
    for (int pass = 0; pass < PRESOLVE_PASSES; pass++) {
        /* linearise: c_e = |m| / dp_f(|m|) at the current flow (floored), rho g dz */
        memset(x, 0, (size_t)cp[nn] * sizeof(double));
        for (size_t e = 0; e < ne; e++) {
            const st_edge *E = &s->edge[e];
            if (E->kind != ST_PIPE || E->a == E->b) continue;
            dh_ph_state st;
            double pm = 0.5 * (p[E->a] + p[E->b]), hm = 0.5 * (h[E->a] + h[E->b]);
            double rho = 990.0, mu = 4e-4;
            if (st_props_ph(pm, hm, 1, &st) == DH_OK && st.rho > 0) {
                rho = st.rho;
                if (st.mu > 0) mu = st.mu;
            }
            /* pass 0: the guess's flow, floored; then the mean of the last two solves' flows
             * (plain Picard, c at the last flow alone, oscillates on the quadratic law) */
            double mf = pass == 0 ? fmax(fabs(m[e]), rho * E->hyd.area * PRESOLVE_V0)
                                  : 0.5 * (fabs(m[e]) + fabs(mprev[e]));
            mprev[e] = m[e];
            mf = fmax(mf, 1e-6);
            double dp = 0;
            dh_pipe_pressure_loss(mf, rho, mu, &E->hyd, s->study.friction, &dp, NULL, NULL, NULL);
            c[e] = dp > 0 && isfinite(dp) ? mf / dp : 0.0;
            g[e] = rho * DH_G * E->dz;
            x[slot[4 * e + 0]] += c[e];
            x[slot[4 * e + 1]] += c[e];
            x[slot[4 * e + 2]] -= c[e];
            x[slot[4 * e + 3]] -= c[e];
        }
        /* right-hand side: rows of free reached nodes b_k + sum_e s_ke c_e g_e; others p_k */
        for (size_t k = 0; k < nn; k++)
            r[k] = b[k];
        for (size_t e = 0; e < ne; e++) {
            const st_edge *E = &s->edge[e];
            if (E->kind != ST_PIPE || E->a == E->b) continue;
            r[E->a] += c[e] * g[e];
            r[E->b] -= c[e] * g[e];
        }
        for (size_t k = 0; k < nn; k++) {
            if (fixed[k] || !reach[k]) {
                /* identity row k: zero row k in every column, 1 on the diagonal */
                r[k] = p[k];
                if (fixed[k])
                    for (size_t j = 0; j < src->n; j++)
                        if (src->node[j] == k && s->src_unknown[j] != DH_NONE)
                            r[k] = src->pressure[j];
            }
        }
        for (size_t j = 0; j < nn; j++)
            for (long z = cp[j]; z < cp[j + 1]; z++) {
                size_t i = (size_t)ri[z];
                if (fixed[i] || !reach[i]) x[z] = i == j ? 1.0 : 0.0;
            }
        int ok;
        if (!S) {
            S = klu_l_analyze((long)nn, cp, ri, &kc);
            N = S ? klu_l_factor(cp, ri, x, S, &kc) : NULL;
            ok = N != NULL;
        } else {
            ok = klu_l_refactor(cp, ri, x, S, N, &kc);
        }
        if (ok) ok = klu_l_solve(S, N, (long)nn, 1, r, &kc);
        for (size_t k = 0; ok && k < nn; k++)
            if (!isfinite(r[k])) ok = 0;
        if (!ok) break; /* the guess keeps its last complete pass */
        for (size_t k = 0; k < nn; k++)
            p[k] = r[k];
        for (size_t e = 0; e < ne; e++) {
            const st_edge *E = &s->edge[e];
            if (E->kind != ST_PIPE || E->a == E->b || !reach[E->a]) continue;
            m[e] = c[e] * (p[E->a] - p[E->b] - g[e]);
        }
    }
    /* fixed-pressure sources take the change of their node's pipe outflow */
    for (size_t j = 0; j < src->n; j++) {
        if (s->src_unknown[j] == DH_NONE) continue;
        size_t k = src->node[j];
        double d = 0;
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            size_t e = s->inc_edge[q];
            if (s->edge[e].kind == ST_PIPE) d += s->inc_sign[q] * (m[e] - m0[e]);
        }
        u[s->src_unknown[j]] += d; /* one fixed pressure per node (layout.c checks) */
    }
    /* the pressure floor of the tree walk (layout.c): still collapsed somewhere? */
    s->guess_clamped = false;
    for (size_t k = 0; k < nn; k++)
        if (!(p[k] > 1.5e4)) s->guess_clamped = true;
done:
    if (N) klu_l_free_numeric(&N, &kc);
    if (S) klu_l_free_symbolic(&S, &kc);
    free(cp);
    free(ri);
    free(slot);
    free(x);
    free(b);
    free(c);
    free(g);
    free(m0);
    free(fixed);
    free(reach);
    free(queue);
    free(r);
    free(mprev);
}
