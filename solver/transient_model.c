/* transient_model.c: the transient network equations on top of the steady stamps.
 *
 * F(t, y, y') = the steady residual of docs/model.md (assemble.c, st_eval) with, per node k:
 *  - storage node (steam, volume V_k > 0; docs/transient.md "Line pack"):
 *      mass    R_k + V_k (drho/dp p'_k + drho/dh h'_k) = 0                           (kg/s)
 *      energy  Q_k (h_k - H_k) + V_k (rho_k h'_k - p'_k) + C_k (dT/dp p'_k + dT/dh h'_k) = 0 (W)
 *    where R_k is the steady mass residual (outflow positive), Q_k = sum of pos(inflows), H_k the
 *    mixed inflow enthalpy (so Q_k (h_k - H_k) = Q_k x the steady mixing row) and C_k the heat
 *    capacity of the adjacent pipe walls (J/K). The energy row is d/dt[V (rho h - p)] = sum
 *    q_i h_i - (outflows) h_k with the mass balance subtracted (the non-conservative form);
 *    rho(p, h), T(p, h) and their derivatives from IF97 (dh_props_ph_fast through st_eval);
 *  - water node next to water pipes: the steady mixing row with the pipes' arrival enthalpies
 *    replaced by the plug-flow outlets of transient_plug.c (frozen over a transport interval);
 *  - flow-limited fixed-pressure source j (max flow m_max < inf):
 *      -min_s(p_set - p_k, K (m_max - m_j)) = 0     (Pa; K = p_ref / m_ref, width 1 Pa)
 *    regulating: p_k = p_set, m_j < m_max; limited: m_j = m_max, p_k < p_set; without a limit
 *    the steady row p_k - p_set = 0.
 * Everything else (pipe momentum, valves, pumps, consumers, algebraic balances) is the steady
 * equation as is: quasi-steady momentum, a DAE of index 1.
 *
 * The Jacobian dF/dy + cj dF/dy' has a pattern built once: the steady pattern plus the 2x2 block
 * (p_k, h_k) of each storage node and the diagonal of each source row; each steady entry is
 * copied into its slot with a per-row multiplier (Q_k for storage energy rows), then the extra
 * terms are added. Second derivatives of the properties (d/dy of drho/dp p') are left out: IDA's
 * Newton iteration tolerates an approximate Jacobian.
 *
 * Also here: the network copy with the time-dependent inputs and the events, quadratures of the
 * mass and energy flows, stored mass and energy, results at an output time, root functions of
 * the ride-through results.
 *
 * Exports (transient_internal.h): tr_model_build, tr_model_free, tr_inputs_at,
 * tr_events_apply, tr_residual, tr_quad_rhs, tr_storage, tr_fill_snapshot, tr_roots,
 * tr_track_minima. Caller: transient_ida.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transient_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Carbon steel of pipes (EN 10216-2 P235GH / EN 10220): density 7850 kg/m3, specific heat
 * 480 J/(kg K) at 100-300 degC (EN 1993-1-2, 3.4.1.2: 425 + 0.773 T - ... ~ 470-520). */
#define STEEL_RHO 7850.0
#define STEEL_CP 480.0

#define IP(k) (k)
#define IH(T, k) ((T)->nn + (k))
#define IM(T, e) (2 * (T)->nn + (e))

static double patm_of(const dh_network *net)
{
    return net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure : 101325.0;
}

static bool node_steam(const dh_transient *T, size_t k)
{
    return k >= T->net->nodes.n || T->net->nodes.medium[k] == DH_MEDIUM_STEAM;
}

/* ---- inputs and events --------------------------------------------------------------------- */

static double *input_ptr(dh_transient *T, dh_event_kind kind, size_t i)
{
    dh_network *net = T->net;
    switch (kind) {
    case DH_EVENT_CONSUMER_DEMAND:
        return net->consumers.type[i] == DH_CONSUMER_HEAT ? &net->consumers.demand_heat[i]
                                                          : &net->consumers.demand_mass_flow[i];
    case DH_EVENT_SOURCE_PRESSURE: return &net->sources.pressure[i];
    case DH_EVENT_SOURCE_MAX_FLOW: return &T->max_flow[i];
    case DH_EVENT_SOURCE_TEMPERATURE: return &net->sources.temperature[i];
    case DH_EVENT_VALVE_OPENING: return &net->valves.opening[i];
    case DH_EVENT_SOURCE_FLOW: return &net->sources.mass_flow[i];
    }
    return NULL;
}

/* Valve resistance k (dp = k m|m| / rho) at an opening, as solver/layout.c builds it: from Kv
 * (m3/h at 1 bar for water; VDI/VDE 2173) k = 100 (3600 / (Kv open))^2, from zeta
 * k = zeta / open^2 / (2 A^2): linear opening. */
static void valve_update(dh_transient *T, size_t row)
{
    const dh_network *net = T->net;
    dh_steady *s = T->s;
    st_edge *E = &s->edge[s->link_edge0[net->valves.link[row]]];
    double open = net->valves.opening[row];
    double kv = net->valves.kv[row], zeta = net->valves.zeta[row], d = net->valves.diameter[row];
    if (kv > 0) E->k = 100.0 * pow(3600.0 / (kv * fmax(open, 1e-12)), 2);
    else if (zeta > 0 && d > 0) {
        double A = M_PI * d * d / 4;
        E->k = zeta / (open * open + 1e-300) / (2 * A * A);
    }
    switch (net->valves.type[row]) {
    case DH_VALVE_PRESSURE_REDUCING: E->vlaw = ST_VLAW_PRV; break;
    case DH_VALVE_CHECK: E->vlaw = ST_VLAW_CHECK; break;
    default: E->vlaw = ST_VLAW_OPEN; break;
    }
    if (!(open > 0)) E->vlaw = ST_VLAW_CLOSED;
}

static void set_input(dh_transient *T, dh_event_kind kind, size_t i, double v)
{
    double *p = input_ptr(T, kind, i);
    if (*p == v) return;
    *p = v;
    const dh_network *net = T->net;
    if (kind == DH_EVENT_SOURCE_PRESSURE || kind == DH_EVENT_SOURCE_TEMPERATURE) {
        double h = 0, a, b;
        if (T->s->src_unknown[i] != DH_NONE &&
            dh_props_h_pT(net->sources.pressure[i], net->sources.temperature[i], &h, &a, &b) ==
                DH_OK)
            T->s->src_h[i] = h;
    } else if (kind == DH_EVENT_VALVE_OPENING) {
        valve_update(T, i);
    }
}

void tr_input_set(dh_transient *T, dh_event_kind kind, size_t i, double v)
{
    set_input(T, kind, i, v);
}

void tr_inputs_at(dh_transient *T, double t)
{
    for (size_t r = 0; r < T->nramp; r++) {
        const tr_ramp *R = &T->ramp[r];
        double w = t >= R->t1 ? 1.0 : t <= R->t0 ? 0.0 : (t - R->t0) / (R->t1 - R->t0);
        set_input(T, R->kind, R->index, R->v0 + w * (R->v1 - R->v0));
    }
}

size_t tr_events_apply(dh_transient *T, double t, dh_error *err)
{
    (void)err;
    size_t n = 0;
    /* ramps that have ended are done: drop them (a later event may set the same input) */
    size_t w = 0;
    for (size_t r = 0; r < T->nramp; r++) {
        if (T->ramp[r].t1 <= t) set_input(T, T->ramp[r].kind, T->ramp[r].index, T->ramp[r].v1);
        else T->ramp[w++] = T->ramp[r];
    }
    T->nramp = w;
    while (T->next_ev < T->nev && T->ev[T->next_ev].time <= t * (1 + 1e-12) + 1e-9) {
        const dh_event *e = &T->ev[T->next_ev++];
        /* a new event on an input replaces any ramp in progress on it */
        w = 0;
        for (size_t r = 0; r < T->nramp; r++)
            if (!(T->ramp[r].kind == e->kind && T->ramp[r].index == e->index))
                T->ramp[w++] = T->ramp[r];
        T->nramp = w;
        if (e->duration > 0 && e->kind != DH_EVENT_SOURCE_MAX_FLOW) {
            tr_ramp *R = &T->ramp[T->nramp++];
            R->t0 = e->time;
            R->t1 = e->time + e->duration;
            R->v0 = *input_ptr(T, e->kind, e->index);
            R->v1 = e->value;
            R->kind = e->kind;
            R->index = e->index;
        } else {
            set_input(T, e->kind, e->index, e->value);
        }
        n++;
    }
    return n;
}

/* ---- build --------------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t find_slot(const dh_transient *T, size_t row, size_t col)
{
    size_t lo = T->colptr[col], hi = T->colptr[col + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (T->rowind[mid] < row) lo = mid + 1;
        else hi = mid;
    }
    return lo < T->colptr[col + 1] && T->rowind[lo] == row ? lo : DH_NONE;
}

static dh_status nomem(dh_error *err)
{
    return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
}

static dh_status net_copy(dh_transient *T, dh_error *err)
{
    const dh_network *n0 = T->net0;
    T->net = calloc(1, sizeof *T->net);
    if (!T->net) return nomem(err);
    *T->net = *n0;
    dh_network *n = T->net;
    n->consumers.demand_mass_flow = NULL;
    n->consumers.demand_heat = NULL;
    n->sources.pressure = n->sources.temperature = n->sources.mass_flow = NULL;
    n->valves.opening = NULL;
    size_t nc = n0->consumers.n ? n0->consumers.n : 1, ns = n0->sources.n ? n0->sources.n : 1,
           nv = n0->valves.n ? n0->valves.n : 1;
    n->consumers.demand_mass_flow = malloc(nc * sizeof(double));
    n->consumers.demand_heat = malloc(nc * sizeof(double));
    n->sources.pressure = malloc(ns * sizeof(double));
    n->sources.temperature = malloc(ns * sizeof(double));
    n->sources.mass_flow = malloc(ns * sizeof(double));
    n->valves.opening = malloc(nv * sizeof(double));
    if (!n->consumers.demand_mass_flow || !n->consumers.demand_heat || !n->sources.pressure ||
        !n->sources.temperature || !n->sources.mass_flow || !n->valves.opening)
        return nomem(err);
    memcpy(n->consumers.demand_mass_flow, n0->consumers.demand_mass_flow,
           n0->consumers.n * sizeof(double));
    memcpy(n->consumers.demand_heat, n0->consumers.demand_heat, n0->consumers.n * sizeof(double));
    memcpy(n->sources.pressure, n0->sources.pressure, n0->sources.n * sizeof(double));
    memcpy(n->sources.temperature, n0->sources.temperature, n0->sources.n * sizeof(double));
    memcpy(n->sources.mass_flow, n0->sources.mass_flow, n0->sources.n * sizeof(double));
    memcpy(n->valves.opening, n0->valves.opening, n0->valves.n * sizeof(double));
    return DH_OK;
}

void tr_net_free(dh_transient *T)
{
    if (!T->net) return;
    free(T->net->consumers.demand_mass_flow);
    free(T->net->consumers.demand_heat);
    free(T->net->sources.pressure);
    free(T->net->sources.temperature);
    free(T->net->sources.mass_flow);
    free(T->net->valves.opening);
    free(T->net);
    T->net = NULL;
}

dh_status tr_net_copy(dh_transient *T, dh_error *err)
{
    return net_copy(T, err);
}

/* Node volumes and wall capacities (docs/transient.md "Line pack"): each steam pipe segment
 * (area A, length L/S) gives half its volume A L/(2S) and half its wall's heat capacity
 * rho_s c_s pi/4 (D_o^2 - D_i^2) L/(2S) to each end node; a node held at a fixed pressure (a
 * plant header) stores nothing (an index-2 constraint otherwise): its half goes to the segment's
 * other end. */
static void volumes(dh_transient *T, bool *header)
{
    dh_steady *s = T->s;
    const dh_network *net = T->net;
    for (size_t j = 0; j < net->sources.n; j++)
        if (s->src_unknown[j] != DH_NONE) header[net->sources.node[j]] = true;
    for (size_t e = 0; e < s->ne; e++) {
        const st_edge *E = &s->edge[e];
        if (E->kind != ST_PIPE || !(node_steam(T, E->a) || node_steam(T, E->b))) continue;
        double L = net->pipes.length[E->comp] / s->link_nseg[E->owner];
        double di = net->pipes.diameter[E->comp], dout = net->pipes.outer_diameter[E->comp];
        double V = E->hyd.area * L;
        double C = T->opt.wall_heat_capacity && dout > di
                       ? STEEL_RHO * STEEL_CP * M_PI / 4 * (dout * dout - di * di) * L
                       : 0.0;
        double fa = header[E->a] ? 0.0 : header[E->b] ? 1.0 : 0.5;
        double fb = header[E->b] ? 0.0 : header[E->a] ? 1.0 : 0.5;
        T->vol[E->a] += fa * V;
        T->vol[E->b] += fb * V;
        T->cwall[E->a] += fa * C;
        T->cwall[E->b] += fb * C;
    }
}

dh_status tr_model_build(dh_transient *T, dh_error *err)
{
    dh_steady *s = T->s;
    const dh_network *net = T->net;
    size_t nn = s->nn, n = s->n;
    T->n = n;
    T->nn = nn;
    T->ne = s->ne;
    T->vol = calloc(nn ? nn : 1, sizeof(double));
    T->cwall = calloc(nn ? nn : 1, sizeof(double));
    T->storage = calloc(nn ? nn : 1, sizeof(bool));
    bool *header = calloc(nn ? nn : 1, sizeof(bool));
    T->id = calloc(n, sizeof(double));
    T->water_pipe_edge = calloc(s->ne ? s->ne : 1, sizeof(bool));
    T->edge_q = malloc((s->ne ? s->ne : 1) * sizeof(size_t));
    T->rowmul = malloc(n * sizeof(double));
    T->qin = calloc(nn ? nn : 1, sizeof(double));
    T->qsum = calloc(nn ? nn : 1, sizeof(double));
    T->max_flow = malloc((net->sources.n ? net->sources.n : 1) * sizeof(double));
    T->ride = malloc((net->consumers.n ? net->consumers.n : 1) * sizeof(double));
    T->root_cons = malloc((net->consumers.n ? net->consumers.n : 1) * sizeof(size_t));
    T->src_pmin = malloc((net->sources.n ? net->sources.n : 1) * sizeof(double));
    T->src_tmin = malloc((net->sources.n ? net->sources.n : 1) * sizeof(double));
    if (!T->vol || !T->cwall || !T->storage || !header || !T->id || !T->water_pipe_edge ||
        !T->edge_q || !T->rowmul || !T->qin || !T->qsum || !T->max_flow || !T->ride ||
        !T->root_cons || !T->src_pmin || !T->src_tmin) {
        free(header);
        return nomem(err);
    }
    for (size_t j = 0; j < net->sources.n; j++) {
        T->max_flow[j] = INFINITY;
        T->src_pmin[j] = INFINITY;
        T->src_tmin[j] = NAN;
    }
    T->nroot = 0;
    for (size_t c = 0; c < net->consumers.n; c++) {
        T->ride[c] = net->consumers.min_pressure[c] > 0 ? INFINITY : NAN;
        if (net->consumers.min_pressure[c] > 0) T->root_cons[T->nroot++] = c;
    }
    volumes(T, header);
    T->ndiff = 0;
    for (size_t k = 0; k < nn; k++) {
        T->storage[k] = node_steam(T, k) && T->vol[k] > 0 && !s->isolated[k] && !header[k] &&
                        s->plant_src[k] == DH_NONE;
        if (T->storage[k]) {
            T->id[IP(k)] = T->id[IH(T, k)] = 1.0;
            T->ndiff += 2;
        }
    }
    free(header);
    for (size_t e = 0; e < s->ne; e++) {
        const st_edge *E = &s->edge[e];
        T->edge_q[e] = DH_NONE;
        T->water_pipe_edge[e] = E->kind == ST_PIPE && !node_steam(T, E->a) &&
                                !node_steam(T, E->b);
    }

    /* the integrals of the conservation balance and of the plug transport are unknowns too
     * (Q' = rate(y): integrated by the same BDF formula as the storage, so that the balance
     * closes to the Newton tolerance), after the steady unknowns */
    size_t nwp = 0;
    for (size_t e = 0; e < s->ne; e++) nwp += T->water_pipe_edge[e] ? 1 : 0;
    T->nquad = TQ_N + TQP_N * nwp;
    T->ny = n + T->nquad;
    double *idn = realloc(T->id, T->ny * sizeof(double));
    if (!idn) return nomem(err);
    T->id = idn;
    for (size_t i = n; i < T->ny; i++) T->id[i] = 1.0;
    size_t ny = T->ny;

    /* pattern: the steady pattern + storage blocks + source diagonals + the integrals'
     * diagonal (keys col * ny + row) */
    size_t extra = T->nquad;
    for (size_t k = 0; k < nn; k++) extra += T->storage[k] ? 4 : 0;
    extra += s->ns;
    uint64_t *key = malloc((s->nnz + extra + 1) * sizeof *key);
    if (!key) return nomem(err);
    size_t nk = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t z = s->colptr[j]; z < s->colptr[j + 1]; z++)
            key[nk++] = (uint64_t)j * ny + s->rowind[z];
    for (size_t k = 0; k < nn; k++) {
        if (!T->storage[k]) continue;
        key[nk++] = (uint64_t)IP(k) * ny + IP(k);
        key[nk++] = (uint64_t)IH(T, k) * ny + IP(k);
        key[nk++] = (uint64_t)IP(k) * ny + IH(T, k);
        key[nk++] = (uint64_t)IH(T, k) * ny + IH(T, k);
    }
    for (size_t j = 0; j < net->sources.n; j++)
        if (s->src_unknown[j] != DH_NONE)
            key[nk++] = (uint64_t)s->src_unknown[j] * ny + s->src_unknown[j];
    for (size_t i = n; i < ny; i++) key[nk++] = (uint64_t)i * ny + i;
    qsort(key, nk, sizeof *key, cmp_u64);
    size_t nnz = 0;
    for (size_t i = 0; i < nk; i++)
        if (i == 0 || key[i] != key[i - 1]) key[nnz++] = key[i];
    T->nnz = nnz;
    T->colptr = calloc(ny + 1, sizeof(size_t));
    T->rowind = malloc((nnz ? nnz : 1) * sizeof(size_t));
    T->jx = calloc(nnz ? nnz : 1, sizeof(double));
    T->smap = malloc((s->nnz ? s->nnz : 1) * sizeof(size_t));
    if (!T->colptr || !T->rowind || !T->jx || !T->smap) {
        free(key);
        return nomem(err);
    }
    for (size_t i = 0; i < nnz; i++) {
        T->rowind[i] = (size_t)(key[i] % ny);
        T->colptr[key[i] / ny + 1]++;
    }
    free(key);
    for (size_t j = 0; j < ny; j++) T->colptr[j + 1] += T->colptr[j];
    for (size_t j = 0; j < n; j++)
        for (size_t z = s->colptr[j]; z < s->colptr[j + 1]; z++)
            T->smap[z] = find_slot(T, s->rowind[z], j);
    /* the plug correction's Jacobian slots (plug_correction): found once here instead of by a
     * binary search per entry and evaluation */
    size_t ninc = s->inc_start[s->nn];
    T->pc_slot = malloc((ninc ? 9 * ninc : 1) * sizeof(size_t));
    if (!T->pc_slot) return nomem(err);
    for (size_t k = 0; k < s->nn; k++)
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            size_t e = s->inc_edge[q], *z = T->pc_slot + 9 * q, row = IH(T, k);
            for (int i = 0; i < 9; i++) z[i] = DH_NONE;
            if (!T->water_pipe_edge[e]) continue; /* (edge_q is set later, by tr_plug_build) */
            const st_edge *E = &s->edge[e];
            z[0] = find_slot(T, row, IM(T, e));
            z[1] = find_slot(T, row, IP(E->a));
            z[2] = find_slot(T, row, IH(T, E->a));
            z[3] = find_slot(T, row, IP(E->b));
            z[4] = find_slot(T, row, IH(T, E->b));
            if (E->pc != DH_NONE) {
                z[5] = find_slot(T, row, IP(E->pc));
                z[6] = find_slot(T, row, IH(T, E->pc));
                z[7] = find_slot(T, row, IP(E->pd));
                z[8] = find_slot(T, row, IH(T, E->pd));
            }
        }
    return DH_OK;
}

void tr_model_free(dh_transient *T)
{
    free(T->vol);
    free(T->cwall);
    free(T->storage);
    free(T->id);
    free(T->water_pipe_edge);
    free(T->edge_q);
    free(T->rowmul);
    free(T->qin);
    free(T->qsum);
    free(T->max_flow);
    free(T->ride);
    free(T->root_cons);
    free(T->src_pmin);
    free(T->src_tmin);
    free(T->colptr);
    free(T->rowind);
    free(T->jx);
    free(T->smap);
    free(T->pc_slot);
}

/* ---- residual and Jacobian ----------------------------------------------------------------- */

/* Arrival enthalpy of edge e at its end b (fwd) or a (!fwd), with derivatives d (ST_NDEP slots,
 * NULL for a frozen plug outlet): the plug outlet for a water pipe while the transport runs,
 * else the steady edge's. */
static double arrival(const dh_transient *T, size_t e, bool fwd, const double **d)
{
    const st_edgework *w = &T->s->ew[e];
    if (T->transport_active && T->edge_q[e] != DH_NONE) {
        const tr_pipeq *q = &T->q[T->edge_q[e]];
        *d = NULL;
        return fwd ? q->h_fwd : q->h_rev;
    }
    *d = fwd ? w->d_fwd : w->d_rev;
    return fwd ? w->h_fwd : w->h_rev;
}

/* Sum of the pos() inflows at node k (kg/s): edges entering with pos(m), leaving with pos(-m),
 * sources with pos(m_src) (as node_mixing in assemble.c). */
static double node_qin(const dh_transient *T, const double *y, size_t k)
{
    const dh_steady *s = T->s;
    double Q = 0.0;
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        double m = y[IM(T, s->inc_edge[q])];
        Q += s->inc_sign[q] < 0 ? st_pos(m, s->eps_mix, NULL) : st_pos(-m, s->eps_mix, NULL);
    }
    for (size_t q = s->src_start[k]; q < s->src_start[k + 1]; q++) {
        size_t j = s->src_list[q];
        double m = s->src_unknown[j] != DH_NONE ? y[s->src_unknown[j]]
                                                : s->load * T->net->sources.mass_flow[j];
        Q += st_pos(m, s->eps_mix, NULL);
    }
    return Q;
}

static inline void jadd(dh_transient *T, size_t row, size_t col, double v)
{
    size_t z = find_slot(T, row, col);
    if (z != DH_NONE) T->jx[z] += v;
}

/* Adds c x dQ_k/dy to row `row` (the derivative of the inflow sum of node k). */
static void add_dqin(dh_transient *T, const double *y, size_t k, size_t row, double c)
{
    const dh_steady *s = T->s;
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        size_t e = s->inc_edge[q];
        double dq, m = y[IM(T, e)];
        if (s->inc_sign[q] < 0) st_pos(m, s->eps_mix, &dq);
        else {
            st_pos(-m, s->eps_mix, &dq);
            dq = -dq;
        }
        jadd(T, row, IM(T, e), c * dq);
    }
    for (size_t q = s->src_start[k]; q < s->src_start[k + 1]; q++) {
        size_t j = s->src_list[q];
        if (s->src_unknown[j] == DH_NONE) continue;
        double dq;
        st_pos(y[s->src_unknown[j]], s->eps_mix, &dq);
        jadd(T, row, s->src_unknown[j], c * dq);
    }
}

/* The plug correction of a water node's mixing row: sum over its water pipes of
 * q_i (h_steady_i - h_plug_i) (W); with jac != 0 adds c x its derivatives. */
static double plug_correction(dh_transient *T, const double *y, size_t k, bool jac, double c)
{
    const dh_steady *s = T->s;
    double corr = 0.0;
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        size_t e = s->inc_edge[q];
        if (T->edge_q[e] == DH_NONE) continue;
        const st_edge *E = &s->edge[e];
        const st_edgework *w = &s->ew[e];
        const tr_pipeq *pq = &T->q[T->edge_q[e]];
        double m = y[IM(T, e)], dq, qi, hs, hp;
        const double *d;
        if (s->inc_sign[q] < 0) {
            qi = st_pos(m, s->eps_mix, &dq);
            hs = w->h_fwd;
            d = w->d_fwd;
            hp = pq->h_fwd;
        } else {
            qi = st_pos(-m, s->eps_mix, &dq);
            dq = -dq;
            hs = w->h_rev;
            d = w->d_rev;
            hp = pq->h_rev;
        }
        corr += qi * (hs - hp);
        if (jac) {
            const size_t *z = T->pc_slot + 9 * q; /* slots of (m_e, p_a, h_a, p_b, h_b, ...) */
            double v[9] = {c * (dq * (hs - hp) + qi * d[0]), c * qi * d[1], c * qi * d[2],
                           c * qi * d[3], c * qi * d[4]};
            int nd = 5;
            if (E->pc != DH_NONE) {
                v[5] = c * qi * d[5], v[6] = c * qi * d[6];
                v[7] = c * qi * d[7], v[8] = c * qi * d[8];
                nd = 9;
            }
            for (int i = 0; i < nd; i++)
                if (z[i] != DH_NONE) T->jx[z[i]] += v[i];
        }
    }
    return corr;
}

/* Smooth min(a, b) of width w (Pa), derivatives with respect to a and b. */
static double smooth_min(double a, double b, double w, double *da, double *db)
{
    double r = sqrt((a - b) * (a - b) + w * w);
    *da = 0.5 * (1.0 - (a - b) / r);
    *db = 0.5 * (1.0 + (a - b) / r);
    return fmin(a, b) - 0.5 * w * w / (r + fabs(a - b));
}

/* Flow-limited source row: F = -min_s(p_set - p, K (m_max - m)); derivatives dF/dp, dF/dm. */
static double source_limit(const dh_transient *T, const double *y, size_t j, double *fp,
                           double *fm)
{
    const dh_steady *s = T->s;
    size_t k = T->net->sources.node[j], row = s->src_unknown[j];
    double K = s->p_ref / s->m_ref;
    double ca, cb;
    double R = smooth_min(T->net->sources.pressure[j] - y[k], K * (T->max_flow[j] - y[row]), 1.0,
                          &ca, &cb);
    *fp = ca;
    *fm = cb * K;
    return -R;
}

static void quad_rates(dh_transient *T, const double *y, double *rq);

int tr_residual(dh_transient *T, double t, const double *y, const double *yp, double *F,
                bool jac, double cj)
{
    dh_steady *s = T->s;
    const dh_network *net = T->net;
    tr_inputs_at(T, t);
    int r = st_eval(s, y, s->f, jac);
    if (r < 0) return -1;
    memcpy(F, s->f, T->n * sizeof(double));
    bool transport = T->transport_active && T->nq > 0;
    for (size_t i = 0; i < T->n; i++) T->rowmul[i] = 1.0;

    /* pass 1: residual rows and the multipliers of the steady rows */
    for (size_t k = 0; k < T->nn; k++) {
        if (T->storage[k]) {
            const st_nodeprop *np = &s->np[k];
            double V = T->vol[k], C = T->cwall[k];
            double pp = yp[IP(k)], hp = yp[IH(T, k)];
            double Q = node_qin(T, y, k);
            T->qin[k] = Q;
            F[IP(k)] += V * (np->drho_dp * pp + np->drho_dh * hp);
            F[IH(T, k)] = Q * s->f[IH(T, k)] + V * (np->rho * hp - pp) +
                          C * (np->dT_dp * pp + np->dT_dh * hp);
            T->rowmul[IH(T, k)] = Q;
        } else if (transport && !s->isolated[k] && s->plant_src[k] == DH_NONE &&
                   !node_steam(T, k)) {
            double Q = node_qin(T, y, k);
            T->qin[k] = Q;
            T->qsum[k] = plug_correction(T, y, k, false, 0.0);
            F[IH(T, k)] += T->qsum[k] / Q;
        }
    }
    for (size_t j = 0; j < net->sources.n; j++) {
        if (s->src_unknown[j] == DH_NONE || !isfinite(T->max_flow[j])) continue;
        double fp, fm;
        F[s->src_unknown[j]] = source_limit(T, y, j, &fp, &fm);
        T->rowmul[s->src_unknown[j]] = 0.0;
    }
    /* integrals: Q' - rate(y) = 0 */
    double *FQ = F + T->n;
    quad_rates(T, y, FQ);
    for (size_t i = 0; i < T->nquad; i++) FQ[i] = yp[T->n + i] - FQ[i];
    if (!jac) return r;

    /* pass 2: the Jacobian */
    memset(T->jx, 0, T->nnz * sizeof(double));
    for (size_t j = 0; j < T->n; j++) /* steady columns */
        for (size_t z = s->colptr[j]; z < s->colptr[j + 1]; z++)
            T->jx[T->smap[z]] += T->rowmul[s->rowind[z]] * s->jx[z];
    for (size_t k = 0; k < T->nn; k++) {
        if (T->storage[k]) {
            const st_nodeprop *np = &s->np[k];
            double V = T->vol[k], C = T->cwall[k];
            double hp = yp[IH(T, k)];
            /* mass: cj dF/dy' */
            jadd(T, IP(k), IP(k), cj * V * np->drho_dp);
            jadd(T, IP(k), IH(T, k), cj * V * np->drho_dh);
            /* energy: d(Q (h - H))/dm = (h - H) dQ/dm + Q x steady row (copied above);
             * storage: cj (V rho + C dT/dh), cj (C dT/dp - V), and V h' drho/dy */
            add_dqin(T, y, k, IH(T, k), s->f[IH(T, k)]);
            jadd(T, IH(T, k), IH(T, k), cj * (V * np->rho + C * np->dT_dh) + V * hp * np->drho_dh);
            jadd(T, IH(T, k), IP(k), cj * (C * np->dT_dp - V) + V * hp * np->drho_dp);
        } else if (transport && !s->isolated[k] && s->plant_src[k] == DH_NONE &&
                   !node_steam(T, k)) {
            /* d(corr / Q) = dcorr / Q - corr / Q^2 dQ */
            double Q = T->qin[k];
            plug_correction(T, y, k, true, 1.0 / Q);
            add_dqin(T, y, k, IH(T, k), -T->qsum[k] / (Q * Q));
        }
    }
    for (size_t j = 0; j < net->sources.n; j++) {
        if (s->src_unknown[j] == DH_NONE || !isfinite(T->max_flow[j])) continue;
        double fp, fm;
        source_limit(T, y, j, &fp, &fm);
        jadd(T, s->src_unknown[j], net->sources.node[j], fp);
        jadd(T, s->src_unknown[j], s->src_unknown[j], fm);
    }
    /* integrals: cj on the diagonal; d rate/dy is left out (the integrals do not feed back,
     * so Newton on y is unchanged and each integral is exact for the iterate's y) */
    for (size_t i = T->n; i < T->ny; i++) jadd(T, i, i, cj);
    return r;
}

/* ---- quadratures, storage, results ----------------------------------------------------------- */

/* Zeroes the integrals' rates rq and adds the boundary flows at y: sources (inflow pos(m) at the
 * source enthalpy, outflow pos(-m) at the node's) and consumer draws. Shared by quad_rates and
 * tr_quad_rates_frozen. */
static void quad_boundary(dh_transient *T, const double *y, double *rq)
{
    dh_steady *s = T->s;
    const dh_network *net = T->net;
    for (size_t i = 0; i < T->nquad; i++) rq[i] = 0.0;
    for (size_t j = 0; j < net->sources.n; j++) {
        size_t k = net->sources.node[j];
        double m, h_in = 0.0;
        if (s->src_unknown[j] != DH_NONE) {
            m = y[s->src_unknown[j]];
            h_in = s->src_h[j];
        } else {
            m = s->load * net->sources.mass_flow[j];
            double a, b;
            if (dh_props_h_pT(y[k], net->sources.temperature[j], &h_in, &a, &b) != DH_OK)
                h_in = 4186.0 * (net->sources.temperature[j] - 273.15);
        }
        double qi = st_pos(m, s->eps_mix, NULL), qo = st_pos(-m, s->eps_mix, NULL);
        rq[TQ_MIN] += qi;
        rq[TQ_MOUT] += qo;
        rq[TQ_EIN] += qi * h_in;
        rq[TQ_EOUT] += qo * y[IH(T, k)];
    }
    for (size_t i = 0; i < s->ndraw; i++) {
        size_t cols[5];
        double g[5];
        double D = st_draw_eval(s, y, i, cols, g);
        rq[TQ_MOUT] += D;
        rq[TQ_EOUT] += D * y[IH(T, s->draw[i].node)];
    }
}

/* Rates of the integrals (kg/s, W) at y, from the edge and node work of the st_eval just done
 * at y (tr_residual). */
static void quad_rates(dh_transient *T, const double *y, double *rq)
{
    dh_steady *s = T->s;
    quad_boundary(T, y, rq);
    /* plant headers heat what enters their node to the source enthalpy */
    for (size_t k = 0; k < T->nn; k++) {
        if (s->plant_src[k] == DH_NONE) continue;
        double hs = s->src_h[s->plant_src[k]];
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            size_t e = s->inc_edge[q];
            double m = y[IM(T, e)];
            const double *d;
            if (s->inc_sign[q] < 0) rq[TQ_EIN] += st_pos(m, s->eps_mix, NULL) * (hs - arrival(T, e, true, &d));
            else rq[TQ_EIN] += st_pos(-m, s->eps_mix, NULL) * (hs - arrival(T, e, false, &d));
        }
    }
    /* edge losses (pipe heat loss, heat delivered to water consumers, minus heat taken up by
     * substations); water pipes under plug transport: per pipe below, losses in the transport */
    for (size_t e = 0; e < T->ne; e++) {
        const st_edge *E = &s->edge[e];
        double m = y[IM(T, e)];
        double qf = st_pos(m, s->eps_mix, NULL), qr = st_pos(-m, s->eps_mix, NULL);
        if (T->edge_q[e] != DH_NONE) {
            double *qp = rq + TQ_N + TQP_N * T->edge_q[e];
            qp[TQP_A] = qf;
            qp[TQP_B] = qr;
            qp[TQP_EA] = qf * y[IH(T, E->a)];
            qp[TQP_EB] = qr * y[IH(T, E->b)];
            continue;
        }
        const st_edgework *w = &s->ew[e];
        rq[TQ_LOSS] += qf * (y[IH(T, E->a)] - w->h_fwd) + qr * (y[IH(T, E->b)] - w->h_rev);
    }
}

/* ---- the frozen-hydraulics update of the quasi-steady path (transient_alg.c) ---------------- */

/* Change of the water nodes' mixing rows (J/kg, the rows' units: plug correction / Q_k) when the
 * plug arrivals move from (hf_old, hr_old) to the queues' current h_fwd / h_rev, flows as in y:
 * dF[k] for internal node k (0 elsewhere). */
void tr_arrival_delta(dh_transient *T, const double *y, const double *hf_old,
                      const double *hr_old, double *dF)
{
    const dh_steady *s = T->s;
    memset(dF, 0, T->nn * sizeof(double));
    for (size_t i = 0; i < T->nq; i++) {
        const tr_pipeq *q = &T->q[i];
        const st_edge *E = &s->edge[q->edge];
        double m = y[IM(T, q->edge)];
        double qf = st_pos(m, s->eps_mix, NULL), qr = st_pos(-m, s->eps_mix, NULL);
        if (qf > 0 && hf_old[i] != q->h_fwd) dF[E->b] += qf * (hf_old[i] - q->h_fwd);
        if (qr > 0 && hr_old[i] != q->h_rev) dF[E->a] += qr * (hr_old[i] - q->h_rev);
    }
    for (size_t k = 0; k < T->nn; k++)
        if (dF[k] != 0.0) dF[k] /= node_qin(T, y, k);
}

/* The integrals' rates at y on frozen hydraulics: as quad_rates, with the arrivals of the
 * non-pipe edges (consumers, valves, pumps) linearised in the end enthalpies about the state y0
 * of the last full evaluation: h_arr = h_arr0 + dh/dh_a (h_a - h_a0) + dh/dh_b (h_b - h_b0)
 * (ew0: per edge h_fwd, dh_fwd/dh_a, dh_fwd/dh_b, h_rev, dh_rev/dh_a, dh_rev/dh_b at y0), the
 * same linearisation the h-block of the Jacobian applies, so the balance stays closed. */
void tr_quad_rates_frozen(dh_transient *T, const double *y, const double *y0, const double *ew0,
                          double *rq)
{
    dh_steady *s = T->s;
    quad_boundary(T, y, rq);
    for (size_t e = 0; e < T->ne; e++) {
        const st_edge *E = &s->edge[e];
        double m = y[IM(T, e)];
        double qf = st_pos(m, s->eps_mix, NULL), qr = st_pos(-m, s->eps_mix, NULL);
        double dha = y[IH(T, E->a)] - y0[IH(T, E->a)], dhb = y[IH(T, E->b)] - y0[IH(T, E->b)];
        if (T->edge_q[e] != DH_NONE) {
            double *qp = rq + TQ_N + TQP_N * T->edge_q[e];
            qp[TQP_A] = qf;
            qp[TQP_B] = qr;
            qp[TQP_EA] = qf * y[IH(T, E->a)];
            qp[TQP_EB] = qr * y[IH(T, E->b)];
            continue;
        }
        const double *w = ew0 + 6 * e;
        double hf = w[0] + w[1] * dha + w[2] * dhb, hr = w[3] + w[4] * dha + w[5] * dhb;
        rq[TQ_LOSS] += qf * (y[IH(T, E->a)] - hf) + qr * (y[IH(T, E->b)] - hr);
    }
}

/* Copies the non-pipe edges' arrival enthalpies and their h-derivatives from the last st_eval
 * (6 per edge, tr_quad_rates_frozen). */
void tr_edge_arrivals(const dh_transient *T, double *ew0)
{
    for (size_t e = 0; e < T->ne; e++) {
        const st_edgework *w = &T->s->ew[e];
        double *v = ew0 + 6 * e;
        v[0] = w->h_fwd, v[1] = w->d_fwd[2], v[2] = w->d_fwd[4];
        v[3] = w->h_rev, v[4] = w->d_rev[2], v[5] = w->d_rev[4];
    }
}

void tr_storage(dh_transient *T, const double *y, double *mass, double *energy)
{
    double M = 0.0, E = 0.0;
    for (size_t k = 0; k < T->nn; k++) {
        if (!T->storage[k]) continue;
        dh_ph_state st;
        if (st_props_ph(y[IP(k)], y[IH(T, k)], 0, &st) != DH_OK) continue;
        M += T->vol[k] * st.rho;
        E += T->vol[k] * (st.rho * y[IH(T, k)] - y[IP(k)]) + T->cwall[k] * st.T;
    }
    M += tr_plug_mass(T);
    E += tr_plug_energy(T);
    *mass = M;
    *energy = E;
}

void tr_fill_snapshot(dh_transient *T, double t, const double *y, dh_snapshot *snap)
{
    tr_inputs_at(T, t);
    if (snap == T->snap && tr_alg_snapshot_update(T, y, snap)) {
        /* held hydraulics: only the enthalpies moved since the last full fill (transient_alg.c) */
    } else {
        st_fill_results(T->s, y, snap, NULL);
        if (snap == T->snap) tr_alg_snapshot_keep(T, y);
    }
    snap->time = t;
    /* water pipes under plug transport: the heat lost over the last transport interval */
    for (size_t i = 0; i < T->nq; i++) {
        const st_edge *E = &T->s->edge[T->q[i].edge];
        snap->link_heat_loss[E->owner] = T->q[i].loss;
    }
}

void tr_roots(dh_transient *T, const double *y, double *g)
{
    const dh_network *net = T->net;
    for (size_t i = 0; i < T->nroot; i++) {
        size_t c = T->root_cons[i];
        g[i] = y[net->consumers.node[c]] - net->consumers.min_pressure[c];
    }
}

void tr_track_minima(dh_transient *T, double t, const double *y)
{
    const dh_network *net = T->net;
    if (t < T->t_ref) return;
    for (size_t j = 0; j < net->sources.n; j++) {
        double p = y[net->sources.node[j]];
        if (p < T->src_pmin[j]) {
            T->src_pmin[j] = p;
            T->src_tmin[j] = t - T->t_ref;
        }
    }
}

double tr_patm(const dh_transient *T)
{
    return patm_of(T->net);
}
