/* layout.c: the steady solver's internal graph, unknown vector and initial guess.
 *
 * Exports (steady_internal.h): st_layout_build / st_layout_free (internal nodes = network
 * nodes + interior points of segmented steam pipes; internal edges = pipe segments, valves,
 * pumps, water heat consumers, substation water sides; draws; sources), st_initial_guess (a
 * spanning-tree pre-solve: flows from the demands accumulated on a breadth-first tree rooted at
 * the sources, pressures walked down the tree with each link's own law, enthalpies carried from
 * the sources), st_describe_row (unknown / equation -> component, for diagnoses).
 * Caller: steady_kinsol.c (dh_steady_create, dh_steady_solve).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steady_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define STEAM_SEGMENT_LENGTH 300.0 /* m, default segment length of steam pipes (docs/model.md) */

static void *xcalloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size);
}

static double node_h_pT(double p, double T)
{
    double h = 0.0;
    if (dh_props_h_pT(p, T, &h, NULL, NULL) != DH_OK || !isfinite(h)) return 4186.0 * (T - 273.15);
    return h;
}

/* Pump curve H(Q) at full speed, as EPANET 2.2 reads a curve (src/hydcoeffs.c / input2.c,
 * "powercurve"; EPANET 2.2 user manual 3.1 "Pumps"):
 *  - one point (Q1, H1): H = a - b Q^2 with a = 4/3 H1, b = H1 / (3 Q1^2) (shut-off head 133 %
 *    of the design head, zero head at twice the design flow);
 *  - three points, the first at Q = 0: the power curve through all three,
 *    H = a - b Q^c, a = H0, c = ln((H0 - H2)/(H0 - H1)) / ln(Q2/Q1), b = (H0 - H1) / Q1^c, when
 *    H0 > H1 > H2, 0 < Q1 < Q2 and 0 < c <= 20 (EPANET's validity test);
 *  - otherwise: H = a - b Q^2 by least squares through the points, b kept positive (EPANET
 *    interpolates a multi-point curve piecewise linearly instead: docs/model.md says so).
 * *b_stop: the quadratic resistance of the stopped pump (a check valve): b Q^c matched at the
 * largest curve flow, b Q_max^(c-2). */
static void pump_fit(const dh_network *net, size_t p, double *a, double *b, double *c,
                     double *b_stop)
{
    size_t i0 = net->pumps.curve_start[p], i1 = net->pumps.curve_start[p + 1];
    const double *q = net->pumps.curve_flow, *h = net->pumps.curve_head;
    double qmax = 0.0;
    for (size_t i = i0; i < i1; i++) qmax = fmax(qmax, fabs(q[i]));
    *c = 2.0;
    if (i1 - i0 == 1 && q[i0] > 0.0) {
        *a = 4.0 / 3.0 * h[i0];
        *b = h[i0] / (3.0 * q[i0] * q[i0]);
        *b_stop = *b;
        return;
    }
    if (i1 - i0 == 3 && q[i0] == 0.0) {
        double h0 = h[i0], h1 = h[i0 + 1], h2 = h[i0 + 2], q1 = q[i0 + 1], q2 = q[i0 + 2];
        if (h0 > 0 && h0 > h1 && h1 > h2 && q1 > 0 && q2 > q1) {
            double e = log((h0 - h2) / (h0 - h1)) / log(q2 / q1);
            if (e > 0 && e <= 20) {
                *a = h0;
                *c = e;
                *b = (h0 - h1) / pow(q1, e);
                *b_stop = *b * pow(q2, e - 2.0);
                return;
            }
        }
    }
    /* normal equations for H_i = a - b Q_i^2 */
    double s1 = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
    for (size_t i = i0; i < i1; i++) {
        double x = q[i] * q[i];
        s1 += 1;
        sx += x;
        sxx += x * x;
        sy += h[i];
        sxy += x * h[i];
    }
    double det = s1 * sxx - sx * sx;
    if (i1 == i0) {
        *a = 0;
        *b = *b_stop = 1.0;
        return;
    }
    if (fabs(det) < 1e-300) {
        *a = sy / s1;
        *b = 0;
    } else {
        *a = (sxx * sy - sx * sxy) / det;
        *b = -(s1 * sxy - sx * sy) / det;
    }
    if (qmax <= 0) qmax = 1.0;
    if (!(*b > 1e-3 * fabs(*a) / (qmax * qmax))) *b = 1e-3 * fmax(fabs(*a), 1.0) / (qmax * qmax);
    *b_stop = *b;
}

static bool node_is_steam(const dh_network *net, size_t k)
{
    return net->nodes.medium[k] == DH_MEDIUM_STEAM;
}

/* study.water = incompressible (docs/model.md, "Incompressible water"): the water's state for
 * the whole solve. T_fix: study.water_temperature, else the one temperature of the sources;
 * rho, mu: IAPWS-IF97 / IAPWS 2008 at (p_atm, T_fix), the atmospheric pressure of the case
 * because EPANET's water (and the importer's conversion of volumes to mass) is water at the
 * surface. Water networks only: a case with steam is refused. */
static dh_status water_model(dh_steady *s, dh_error *err)
{
    const dh_network *net = s->net;
    s->incompressible = s->study.water == DH_WATER_INCOMPRESSIBLE;
    if (!s->incompressible) return DH_OK;
    for (size_t k = 0; k < net->nodes.n; k++)
        if (node_is_steam(net, k))
            return dh_error_set(err, DH_ERR_INPUT, net->nodes.pos ? &net->nodes.pos[k] : NULL, "study",
                                "water: incompressible is for water networks, and node '%s' "
                                "carries steam (use water: iapws)", net->nodes.id[k]);
    double T = s->study.water_temperature;
    if (!(T > 0)) {
        T = NAN;
        for (size_t j = 0; j < net->sources.n; j++) {
            double tj = net->sources.temperature[j];
            if (isnan(T)) T = tj;
            else if (fabs(tj - T) > 1e-9)
                return dh_error_set(err, DH_ERR_INPUT,
                                    net->sources.pos ? &net->sources.pos[j] : NULL, "study",
                                    "water: incompressible needs one water temperature, and "
                                    "source '%s' is at %.2f degC, another at %.2f degC: give "
                                    "study.water_temperature", net->sources.id[j],
                                    tj - 273.15, T - 273.15);
        }
    }
    double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                        : 101325.0;
    dh_props pr;
    if (isnan(T) || dh_props_pT(patm, T, &pr, NULL) != DH_OK || !(pr.rho > 0) || pr.x > 0 ||
        !isfinite(pr.mu))
        return dh_error_set(err, DH_ERR_INPUT, NULL, "study",
                            "water: incompressible: no liquid water at %.2f degC and %.0f Pa",
                            T - 273.15, patm);
    s->T_fix = T;
    s->h_fix = pr.h;
    s->rho_fix = pr.rho;
    s->mu_fix = pr.mu;
    return DH_OK;
}

dh_status st_layout_build(dh_steady *s, dh_error *err)
{
    const dh_network *net = s->net;
    const size_t N = net->nodes.n, L = net->links.n;
    char comp[DH_ERROR_COMP_MAX];
    dh_status ws = water_model(s, err);
    if (ws != DH_OK) return ws;

    s->link_edge0 = xcalloc(L, sizeof(size_t));
    s->link_nseg = xcalloc(L, sizeof(unsigned));
    s->cons_edge = xcalloc(net->consumers.n, sizeof(size_t));
    s->sub_edge = xcalloc(net->substations.n, sizeof(size_t));
    s->src_unknown = xcalloc(net->sources.n, sizeof(size_t));
    s->src_h = xcalloc(net->sources.n, sizeof(double));
    if (!s->link_edge0 || !s->link_nseg || !s->cons_edge || !s->sub_edge || !s->src_unknown ||
        !s->src_h)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");

    /* count segments and edges */
    size_t n_interior = 0, ne = 0;
    for (size_t l = 0; l < L; l++) {
        unsigned nseg = 1;
        if (net->links.kind[l] == DH_LINK_PIPE) {
            size_t p = net->links.index[l];
            bool steam = node_is_steam(net, net->links.from[l]) ||
                         node_is_steam(net, net->links.to[l]);
            if (steam) {
                nseg = net->pipes.segments[p];
                if (nseg == 0) nseg = (unsigned)fmax(1.0, ceil(net->pipes.length[p] /
                                                               STEAM_SEGMENT_LENGTH));
            }
        }
        s->link_edge0[l] = ne;
        s->link_nseg[l] = nseg;
        ne += nseg;
        n_interior += nseg - 1;
    }
    for (size_t c = 0; c < net->consumers.n; c++) {
        s->cons_edge[c] = DH_NONE;
        if (net->consumers.type[c] == DH_CONSUMER_HEAT && net->consumers.return_node[c] != DH_NONE)
            s->cons_edge[c] = ne++;
    }
    for (size_t j = 0; j < net->substations.n; j++) s->sub_edge[j] = ne++;

    s->nn = N + n_interior;
    s->ne = ne;
    s->int_pipe = xcalloc(s->nn, sizeof(size_t));
    s->int_seg = xcalloc(s->nn, sizeof(unsigned));
    s->z = xcalloc(s->nn, sizeof(double));
    s->edge = xcalloc(ne, sizeof(st_edge));
    if (!s->int_pipe || !s->int_seg || !s->z || !s->edge)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    for (size_t k = 0; k < N; k++) {
        s->int_pipe[k] = DH_NONE;
        s->z[k] = net->nodes.z[k];
    }

    /* links */
    size_t next_interior = N;
    for (size_t l = 0; l < L; l++) {
        size_t from = net->links.from[l], to = net->links.to[l], row = net->links.index[l];
        snprintf(comp, sizeof comp, "%s %s", dh_link_kind_name(net->links.kind[l]),
                 net->links.id[l]);
        unsigned nseg = s->link_nseg[l];
        for (unsigned g = 0; g < nseg; g++) {
            st_edge *e = &s->edge[s->link_edge0[l] + g];
            e->owner = l;
            e->comp = row;
            e->segment = g;
            e->pc = e->pd = DH_NONE;
            e->speed = 1.0;
            e->a = g == 0 ? from : next_interior - 1;
            if (g + 1 < nseg) {
                size_t k = next_interior++;
                s->int_pipe[k] = row;
                s->int_seg[k] = g + 1;
                s->z[k] = net->nodes.z[from] +
                          (net->nodes.z[to] - net->nodes.z[from]) * (double)(g + 1) / nseg;
                e->b = k;
            } else {
                e->b = to;
            }
        }
        for (unsigned g = 0; g < nseg; g++) {
            st_edge *e = &s->edge[s->link_edge0[l] + g];
            e->dz = s->z[e->b] - s->z[e->a];
        }
        switch (net->links.kind[l]) {
        case DH_LINK_PIPE: {
            dh_pipe_heat heat;
            if (dh_pipe_heat_init(net, row, NULL, &heat, err) != DH_OK) return err->code;
            double seglen = net->pipes.length[row] / nseg;
            for (unsigned g = 0; g < nseg; g++) {
                st_edge *e = &s->edge[s->link_edge0[l] + g];
                e->kind = ST_PIPE;
                if (dh_pipe_hyd_init(&e->hyd, seglen, net->pipes.diameter[row],
                                     net->pipes.roughness[row], net->pipes.local_loss[row] / nseg,
                                     err) != DH_OK) {
                    snprintf(err->component, sizeof err->component, "%s", comp);
                    return err->code;
                }
                dh_pipe_hyd_set_hazen_williams(&e->hyd, net->pipes.hazen_williams_c[row], NULL);
                e->ua = isfinite(heat.u_self) && heat.u_self > 0 ? heat.u_self * seglen : 0.0;
                e->t_amb = heat.t_ambient;
                if (heat.pair != DH_NONE && heat.u_self > 0) {
                    size_t pl = net->pipes.link[heat.pair];
                    e->pair_ratio = heat.u_pair / heat.u_self;
                    e->pc = net->links.from[pl];
                    e->pd = net->links.to[pl];
                }
            }
            break;
        }
        case DH_LINK_VALVE: {
            st_edge *e = &s->edge[s->link_edge0[l]];
            e->kind = ST_VALVE;
            double open = net->valves.opening[row];
            double kv = net->valves.kv[row], zeta = net->valves.zeta[row];
            double d = net->valves.diameter[row];
            /* dp = k m|m| / rho. From Kv (m3/h at 1 bar, water of 1000 kg/m3; VDI/VDE 2173):
             * dp = 1e5 (Q/Kv)^2 rho/1000 with Q = 3600 m / rho -> k = 100 (3600/Kv)^2.
             * From zeta: dp = zeta rho v^2 / 2 -> k = zeta / (2 A^2). Linear opening. */
            if (kv > 0)
                e->k = 100.0 * pow(3600.0 / (kv * fmax(open, 1e-12)), 2);
            else if (zeta > 0 && d > 0) {
                double A = M_PI * d * d / 4;
                e->k = zeta / (open * open + 1e-300) / (2 * A * A);
            }
            switch (net->valves.type[row]) {
            case DH_VALVE_PRESSURE_REDUCING: e->vlaw = ST_VLAW_PRV; break;
            case DH_VALVE_CHECK: e->vlaw = ST_VLAW_CHECK; break;
            default: e->vlaw = ST_VLAW_OPEN; break;
            }
            if (!(open > 0)) e->vlaw = ST_VLAW_CLOSED;
            e->setpoint = net->valves.setpoint[row];
            break;
        }
        case DH_LINK_PUMP: {
            st_edge *e = &s->edge[s->link_edge0[l]];
            e->kind = ST_PUMP;
            double b_stop;
            pump_fit(net, row, &e->pump_a, &e->pump_b, &e->pump_c, &b_stop);
            e->speed = net->pumps.speed[row];
            /* a stopped pump: its curve's resistance forward, blocked backward (check valve):
             * dp = rho g b Q|Q| = g b m|m| / rho */
            e->vlaw = e->speed > 0 ? ST_VLAW_OPEN : ST_VLAW_CHECK;
            e->k = DH_G * b_stop;
            break;
        }
        }
    }
    for (size_t c = 0; c < net->consumers.n; c++) {
        if (s->cons_edge[c] == DH_NONE) continue;
        st_edge *e = &s->edge[s->cons_edge[c]];
        e->kind = ST_CONSUMER;
        e->owner = c;
        e->a = net->consumers.node[c];
        e->b = net->consumers.return_node[c];
        e->pc = e->pd = DH_NONE;
        e->dz = s->z[e->b] - s->z[e->a];
    }
    for (size_t j = 0; j < net->substations.n; j++) {
        st_edge *e = &s->edge[s->sub_edge[j]];
        e->kind = ST_SUBSTATION;
        e->owner = j;
        e->a = net->substations.water_in[j];
        e->b = net->substations.water_out[j];
        e->pc = e->pd = DH_NONE;
        e->dz = s->z[e->b] - s->z[e->a];
    }

    /* internal incidence */
    size_t nn = s->nn;
    s->inc_start = xcalloc(nn + 1, sizeof(size_t));
    s->inc_edge = xcalloc(2 * ne, sizeof(size_t));
    s->inc_sign = xcalloc(2 * ne, sizeof(int8_t));
    if (!s->inc_start || !s->inc_edge || !s->inc_sign)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    for (size_t e = 0; e < ne; e++) {
        s->inc_start[s->edge[e].a + 1]++;
        s->inc_start[s->edge[e].b + 1]++;
    }
    for (size_t k = 0; k < nn; k++) s->inc_start[k + 1] += s->inc_start[k];
    {
        size_t *fill = xcalloc(nn, sizeof(size_t));
        if (!fill) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        for (size_t e = 0; e < ne; e++) {
            size_t a = s->edge[e].a, b = s->edge[e].b;
            s->inc_edge[s->inc_start[a] + fill[a]] = e;
            s->inc_sign[s->inc_start[a] + fill[a]++] = +1;
            s->inc_edge[s->inc_start[b] + fill[b]] = e;
            s->inc_sign[s->inc_start[b] + fill[b]++] = -1;
        }
        free(fill);
    }

    /* draws */
    size_t nd = 0;
    for (size_t c = 0; c < net->consumers.n; c++)
        if (s->cons_edge[c] == DH_NONE) nd++;
    nd += net->substations.n;
    s->draw = xcalloc(nd, sizeof(st_draw));
    s->draw_start = xcalloc(nn + 1, sizeof(size_t));
    s->draw_list = xcalloc(nd, sizeof(size_t));
    if (!s->draw || !s->draw_start || !s->draw_list)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    nd = 0;
    for (size_t c = 0; c < net->consumers.n; c++) {
        if (s->cons_edge[c] != DH_NONE) continue;
        st_draw *d = &s->draw[nd++];
        d->kind = net->consumers.type[c] == DH_CONSUMER_STEAM   ? ST_DRAW_STEAM
                  : net->consumers.type[c] == DH_CONSUMER_WATER ? ST_DRAW_WATER
                                                                : ST_DRAW_STEAM_HEAT;
        d->owner = c;
        d->node = net->consumers.node[c];
        d->edge = DH_NONE;
    }
    for (size_t j = 0; j < net->substations.n; j++) {
        st_draw *d = &s->draw[nd++];
        d->kind = ST_DRAW_SUBSTATION;
        d->owner = j;
        d->node = net->substations.steam_node[j];
        d->edge = s->sub_edge[j];
    }
    s->ndraw = nd;
    for (size_t i = 0; i < nd; i++) s->draw_start[s->draw[i].node + 1]++;
    for (size_t k = 0; k < nn; k++) s->draw_start[k + 1] += s->draw_start[k];
    {
        size_t *fill = xcalloc(nn, sizeof(size_t));
        if (!fill) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        for (size_t i = 0; i < nd; i++) {
            size_t k = s->draw[i].node;
            s->draw_list[s->draw_start[k] + fill[k]++] = i;
        }
        free(fill);
    }

    /* sources: fixed pressure -> one unknown flow each */
    const dh_sources *src = &net->sources;
    s->src_start = xcalloc(nn + 1, sizeof(size_t));
    s->src_list = xcalloc(src->n, sizeof(size_t));
    bool *has_fp = xcalloc(nn, sizeof(bool));
    if (!s->src_start || !s->src_list || !has_fp) {
        free(has_fp);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    }
    size_t ns = 0;
    for (size_t j = 0; j < src->n; j++) {
        s->src_unknown[j] = DH_NONE;
        s->src_start[src->node[j] + 1]++;
        if (src->type[j] == DH_SOURCE_FIXED_PRESSURE) {
            if (has_fp[src->node[j]]) {
                free(has_fp);
                snprintf(comp, sizeof comp, "source %s", src->id[j]);
                return dh_error_set(err, DH_ERR_INPUT, &src->pos[j], comp,
                                    "node '%s' already has a fixed-pressure source",
                                    net->nodes.id[src->node[j]]);
            }
            has_fp[src->node[j]] = true;
            s->src_unknown[j] = 2 * nn + ne + ns++;
            s->src_h[j] = node_h_pT(src->pressure[j], src->temperature[j]);
        }
    }
    free(has_fp);
    for (size_t k = 0; k < nn; k++) s->src_start[k + 1] += s->src_start[k];
    {
        size_t *fill = xcalloc(nn, sizeof(size_t));
        if (!fill) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        for (size_t j = 0; j < src->n; j++) {
            size_t k = src->node[j];
            s->src_list[s->src_start[k] + fill[k]++] = j;
        }
        free(fill);
    }
    s->ns = ns;
    s->n = 2 * nn + ne + ns;

    s->isolated = xcalloc(nn, sizeof(bool));
    if (!s->isolated) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    for (size_t k = 0; k < nn; k++)
        s->isolated[k] = s->inc_start[k] == s->inc_start[k + 1] &&
                         s->src_start[k] == s->src_start[k + 1];

    /* plant headers (docs/model.md, "Sources"): a fixed-pressure water source at the discharge
     * of a pump heats everything leaving its node to its temperature */
    s->plant_src = xcalloc(nn, sizeof(size_t));
    if (!s->plant_src) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    for (size_t k = 0; k < nn; k++) s->plant_src[k] = DH_NONE;
    for (size_t j = 0; j < src->n; j++) {
        size_t k = src->node[j];
        if (s->src_unknown[j] == DH_NONE || net->nodes.medium[k] != DH_MEDIUM_WATER) continue;
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            const st_edge *E = &s->edge[s->inc_edge[q]];
            if (E->kind == ST_PUMP && E->b == k) s->plant_src[k] = j;
        }
    }

    /* scales and smoothing (docs/model.md, "Scaling and smoothing") */
    double mref = 0.0, pmax = 0.0;
    for (size_t c = 0; c < net->consumers.n; c++) {
        mref += fabs(net->consumers.demand_mass_flow[c]);
        mref += 1000.0 * fabs(net->consumers.demand_volume_flow[c]); /* water, ~1000 kg/m3 */
        /* heat: Q / (cp dT) with a 30 K design difference (water) */
        if (net->consumers.type[c] == DH_CONSUMER_HEAT)
            mref += fabs(net->consumers.demand_heat[c]) / (4186.0 * 30.0);
    }
    for (size_t j = 0; j < src->n; j++) {
        if (src->type[j] == DH_SOURCE_FIXED_FLOW) mref += fabs(src->mass_flow[j]);
        else pmax = fmax(pmax, src->pressure[j]);
    }
    s->m_ref = mref > 1e-3 ? mref : 1.0;
    s->p_ref = pmax > 1e5 ? pmax : 1e5;
    s->dp_ref = 1e4;
    s->h_ref = 1e6;
    /* mixing smoothing width: 1e-7 of the design flow; 1e-6 on networks without steam. A
     * nearly still loop pipe between ends at different heights folds the residual when its
     * arrival enthalpy switches over too sharply with the flow direction: the mixing row's
     * slope d h / d m ~ (h_fwd - h_rev) / eps_mix against the buoyancy of the momentum row
     * (h + g z energy, rho(h) g dz) gave a loop gain of 2.8 at 1e-7 on the 10^4-pipe radial
     * bench (N512: Newton stalled at 2e-5 with exact steps; docs/model.md "Smoothing"), 0.28
     * at 1e-6 (7 iterations). pos(m) - max(m, 0) = eps^2 / (4 |m|) for |m| >> eps: below 1e-12
     * kg/s at 0.1 kg/s. Steam keeps 1e-7: a still tie main's condensate is bounded by its
     * flow to 1e-6 kg/s (tests/series/test_drainage.c). */
    bool steam = false;
    for (size_t k = 0; k < net->nodes.n; k++)
        if (net->nodes.medium[k] == DH_MEDIUM_STEAM) steam = true;
    s->eps_mix = (steam ? 1e-7 : 1e-6) * s->m_ref;
    s->m_lin = 1e-4 * s->m_ref;
    /* closed check valve: 1e-6 of the design flow leaks back per bar of reverse difference */
    s->k_block = 1e5 / (1e-6 * s->m_ref);
    s->d_block = 2.0 / s->k_block; /* -> a forward offset of k_block d_block / 2 = 1 Pa */
    s->dp_ramp_water = 1e4;
    s->dp_ramp_steam = 2e4;
    s->h_ghost = node_h_pT(net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                                   : 101325.0,
                           net->ambient.air_temperature > 273.15 ? net->ambient.air_temperature
                                                                   : 283.15);
    if (s->incompressible) {
        /* one enthalpy everywhere: sources (plant headers) and isolated nodes included, so
         * that the energy rows h_k = h_fix hold at every node */
        s->h_ghost = s->h_fix;
        for (size_t j = 0; j < net->sources.n; j++) s->src_h[j] = s->h_fix;
    }
    return DH_OK;
}

void st_layout_free(dh_steady *s)
{
    free(s->link_edge0);
    free(s->link_nseg);
    free(s->cons_edge);
    free(s->sub_edge);
    free(s->src_unknown);
    free(s->src_h);
    free(s->int_pipe);
    free(s->int_seg);
    free(s->z);
    free(s->edge);
    free(s->inc_start);
    free(s->inc_edge);
    free(s->inc_sign);
    free(s->draw);
    free(s->draw_start);
    free(s->draw_list);
    free(s->src_start);
    free(s->src_list);
    free(s->isolated);
    free(s->plant_src);
}

/* ---- initial guess ------------------------------------------------------------------------ */

/* p_a - p_b of edge e at flow m with the fluid state (p, h) of the upstream end: the edge's own
 * law without smoothing (pipes: Darcy-Weisbach + elevation; valves; pumps). */
static double guess_dp(const dh_steady *s, const st_edge *e, double m, double p, double h)
{
    dh_ph_state st;
    double rho = 1000.0, mu = 1e-3;
    if (dh_props_ph_fast(p, h, 1, &st) == DH_OK) {
        rho = st.rho;
        mu = st.mu > 0 ? st.mu : dh_viscosity(st.rho, st.T);
    }
    double dp = 0.0;
    switch (e->kind) {
    case ST_PIPE:
        dh_pipe_pressure_loss(m, rho, mu, &e->hyd, s->study.friction, &dp, NULL, NULL, NULL);
        return dp + rho * DH_G * e->dz;
    case ST_VALVE: return e->k * m * fabs(m) / rho + rho * DH_G * e->dz;
    case ST_PUMP: {
        double q = m / rho;
        if (e->vlaw != ST_VLAW_OPEN) return e->k * m * fabs(m) / rho;
        double c = e->pump_c;
        return -rho * DH_G * (e->pump_a * e->speed * e->speed -
                              e->pump_b * pow(e->speed, 2.0 - c) * q * pow(fabs(q), c - 1.0));
    }
    default: return 0.0;
    }
}

void st_initial_guess(dh_steady *s, double *u)
{
    const dh_network *net = s->net;
    const size_t nn = s->nn;
    double *p = u, *h = u + nn, *m = u + 2 * nn;
    double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                        : 101325.0;
    /* work arrays: allocated per guess (create / reset only, never inside iterations) */
    size_t *order = calloc(nn + 1, sizeof(size_t));
    size_t *parent = calloc(nn + 1, sizeof(size_t));
    unsigned char *seen = calloc(nn + 1, 1);
    double *draw = calloc(nn + 1, sizeof(double));
    if (!order || !parent || !seen || !draw) {
        for (size_t k = 0; k < nn; k++) {
            p[k] = patm + 3e5;
            h[k] = s->h_ghost;
        }
        for (size_t i = 2 * nn; i < s->n; i++) u[i] = 0.0;
        goto done;
    }
    for (size_t k = 0; k < nn; k++) {
        p[k] = patm + 3e5;
        h[k] = s->h_ghost;
        parent[k] = DH_NONE;
    }
    for (size_t i = 2 * nn; i < s->n; i++) u[i] = 0.0;

    /* breadth-first forest from the sources (fixed pressure first), over all edges except the
     * water heat consumers (demands, not conduits) */
    size_t head = 0, tail = 0;
    const dh_sources *src = &net->sources;
    /* every fixed pressure is a root before any expansion (multi-source breadth-first) */
    for (size_t j = 0; j < src->n; j++) {
        size_t k = src->node[j];
        if (src->type[j] != DH_SOURCE_FIXED_PRESSURE || seen[k]) continue;
        p[k] = src->pressure[j];
        h[k] = node_h_pT(p[k], src->temperature[j]);
        seen[k] = 1;
        order[tail++] = k;
    }
    /* then fixed-flow sources' nodes, then whatever is left, each as a new root */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t j = 0; j <= (pass == 0 ? src->n : nn); j++) {
            if (j > 0 || pass > 0 || head == 0) {
                size_t k = DH_NONE;
                if (pass == 0 && j < src->n && src->type[j] == DH_SOURCE_FIXED_FLOW) {
                    k = src->node[j];
                    if (!seen[k]) {
                        p[k] = patm + 5e5;
                        h[k] = node_h_pT(p[k], src->temperature[j]);
                    }
                } else if (pass == 1 && j < nn) {
                    k = j;
                }
                if (k != DH_NONE && !seen[k]) {
                    seen[k] = 1;
                    order[tail++] = k;
                }
            }
            while (head < tail) {
                size_t i = order[head++];
                for (size_t q = s->inc_start[i]; q < s->inc_start[i + 1]; q++) {
                    size_t e = s->inc_edge[q];
                    const st_edge *E = &s->edge[e];
                    if (E->kind == ST_CONSUMER) continue;
                    size_t o = E->a == i ? E->b : E->a;
                    if (seen[o]) continue;
                    seen[o] = 1;
                    parent[o] = e;
                    order[tail++] = o;
                    h[o] = h[i];
                    if (E->kind == ST_SUBSTATION && o == E->b)
                        h[o] = node_h_pT(p[i], net->substations.supply_temperature[E->owner]);
                }
            }
        }
    }

    /* demands -> flows on the tree (two passes: substations' steam draws need their water
     * flows from the first) */
    double lam = s->load;
    for (int pass = 0; pass < 2; pass++) {
        memset(draw, 0, nn * sizeof(double));
        for (size_t c = 0; c < net->consumers.n; c++) {
            size_t k = net->consumers.node[c];
            if (net->consumers.type[c] == DH_CONSUMER_STEAM) {
                draw[k] += lam * net->consumers.demand_mass_flow[c];
                continue;
            }
            if (net->consumers.type[c] == DH_CONSUMER_WATER) {
                /* a volume demand at the density of the guessed state */
                double rho = 998.0;
                dh_ph_state st;
                if (net->consumers.demand_volume_flow[c] > 0 &&
                    st_props_ph(p[k], h[k], 0, &st) == DH_OK && st.rho > 0)
                    rho = st.rho;
                draw[k] += lam * (net->consumers.demand_mass_flow[c] +
                                  rho * net->consumers.demand_volume_flow[c]);
                continue;
            }
            double Tr = net->consumers.return_temperature[c];
            double hs = h[k];
            if (net->consumers.supply_temperature[c] > 0 && s->cons_edge[c] != DH_NONE)
                hs = node_h_pT(p[k], net->consumers.supply_temperature[c]);
            double dh = fmax(hs - node_h_pT(p[k], Tr), 4186.0 * 5.0);
            double mc = lam * net->consumers.demand_heat[c] / dh;
            draw[k] += mc;
            if (s->cons_edge[c] != DH_NONE) {
                draw[net->consumers.return_node[c]] -= mc;
                m[s->cons_edge[c]] = mc;
            }
        }
        for (size_t j = 0; j < src->n; j++)
            if (src->type[j] == DH_SOURCE_FIXED_FLOW) draw[src->node[j]] -= lam * src->mass_flow[j];
        if (pass == 1)
            for (size_t j = 0; j < net->substations.n; j++) {
                const st_edge *E = &s->edge[s->sub_edge[j]];
                size_t ks = net->substations.steam_node[j];
                double hset = node_h_pT(p[E->b], net->substations.supply_temperature[j]);
                double hc = node_h_pT(p[ks], net->substations.condensate_temperature[j]);
                double Q = fmax(m[s->sub_edge[j]], 0.0) * (hset - h[E->a]);
                draw[ks] += Q / fmax(h[ks] - hc, 1e4);
            }
        for (size_t i = tail; i-- > 0;) {
            size_t k = order[i], e = parent[k];
            if (e == DH_NONE) continue;
            const st_edge *E = &s->edge[e];
            m[e] = k == E->b ? draw[k] : -draw[k];
            draw[E->a == k ? E->b : E->a] += draw[k];
        }
        for (size_t j = 0; j < src->n; j++)
            if (s->src_unknown[j] != DH_NONE) u[s->src_unknown[j]] = draw[src->node[j]];
    }

    /* pressures down the tree with each edge's law; enthalpies stay as carried */
    s->guess_clamped = false;
    for (size_t i = 0; i < tail; i++) {
        size_t k = order[i], e = parent[k];
        if (e == DH_NONE) continue;
        const st_edge *E = &s->edge[e];
        size_t up = E->a == k ? E->b : E->a;
        double dp = guess_dp(s, E, m[e], p[up], h[up]);
        double pk = k == E->b ? p[up] - dp : p[up] + dp;
        if (E->kind == ST_VALVE && E->vlaw == ST_VLAW_PRV && k == E->b) pk = fmin(pk, E->setpoint);
        double floor = fmax(0.2 * p[up], 1.5e4);
        if (pk < floor) s->guess_clamped = true; /* the tree flows do not fit: collapse */
        p[k] = fmax(pk, floor);
    }
    /* pipes off the tree (loops, pipes between two fixed pressures): a turbulent estimate
     * from the pressure difference, m = A sqrt(2 rho |dp| D / (f L)), f = 0.02 (from m = 0 the
     * laminar branch of the friction law would make Newton's first step enormous). Not for a
     * segment of a segmented steam pipe: there one segment off the tree would carry the flow
     * and its neighbours not, unbalancing the interior points (it keeps 0; the tree flows
     * balance every node, and Newton finds the loop flow) */
    for (size_t e = 0; e < s->ne; e++) {
        const st_edge *E = &s->edge[e];
        if (E->kind != ST_PIPE || m[e] != 0.0 || parent[E->a] == e || parent[E->b] == e) continue;
        if (s->link_nseg[E->owner] > 1) continue;
        double dp = p[E->a] - p[E->b] - 1000.0 * DH_G * E->dz;
        dh_ph_state st;
        double rho = dh_props_ph_fast(p[E->a], h[E->a], 0, &st) == DH_OK ? st.rho : 1000.0;
        m[e] = (dp >= 0 ? 1.0 : -1.0) * E->hyd.area *
               sqrt(2.0 * rho * fabs(dp) * E->hyd.diameter / (0.02 * E->hyd.length));
    }
    for (size_t j = 0; j < src->n; j++) {
        /* fixed-pressure sources balance their node's guessed flows */
        if (s->src_unknown[j] == DH_NONE) continue;
        size_t k = src->node[j];
        double out = draw[k];
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++)
            if (parent[s->edge[s->inc_edge[q]].a] != s->inc_edge[q] &&
                parent[s->edge[s->inc_edge[q]].b] != s->inc_edge[q])
                out += s->inc_sign[q] * m[s->inc_edge[q]];
        u[s->src_unknown[j]] = out;
    }
done:
    free(order);
    free(parent);
    free(seen);
    free(draw);
}

/* ---- descriptions ------------------------------------------------------------------------- */

static void node_name(const dh_steady *s, size_t k, char *buf, size_t size)
{
    const dh_network *net = s->net;
    if (k < net->nodes.n) {
        snprintf(buf, size, "node %s", net->nodes.id[k]);
        return;
    }
    size_t pipe = s->int_pipe[k];
    snprintf(buf, size, "pipe %s (point %u)", net->links.id[net->pipes.link[pipe]], s->int_seg[k]);
}

const char *st_describe_row(const dh_steady *s, size_t i, char *buf, size_t size,
                            const char **equation)
{
    const dh_network *net = s->net;
    const char *eq = "";
    if (i < s->nn) {
        node_name(s, i, buf, size);
        eq = "mass balance";
    } else if (i < 2 * s->nn) {
        node_name(s, i - s->nn, buf, size);
        eq = "energy (mixing)";
    } else if (i < 2 * s->nn + s->ne) {
        const st_edge *e = &s->edge[i - 2 * s->nn];
        switch (e->kind) {
        case ST_CONSUMER:
            snprintf(buf, size, "consumer %s", net->consumers.id[e->owner]);
            eq = "heat demand";
            break;
        case ST_SUBSTATION:
            snprintf(buf, size, "substation %s", net->substations.id[e->owner]);
            eq = "momentum";
            break;
        default:
            if (s->link_nseg[e->owner] > 1)
                snprintf(buf, size, "%s %s (segment %u)", dh_link_kind_name(net->links.kind[e->owner]),
                         net->links.id[e->owner], e->segment + 1);
            else
                snprintf(buf, size, "%s %s", dh_link_kind_name(net->links.kind[e->owner]),
                         net->links.id[e->owner]);
            eq = "momentum";
        }
    } else {
        for (size_t j = 0; j < net->sources.n; j++)
            if (s->src_unknown[j] == i) snprintf(buf, size, "source %s", net->sources.id[j]);
        eq = "pressure set point";
    }
    if (equation) *equation = eq;
    return buf;
}

const char *dh_steady_describe(const dh_steady *s, size_t i, char *buf, size_t size)
{
    const char *eq = NULL;
    char comp[128];
    st_describe_row(s, i, comp, sizeof comp, &eq);
    snprintf(buf, size, "%s %s", comp, eq);
    return buf;
}
