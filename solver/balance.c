/* balance.c: results of a steady solve (snapshot) and the mass / energy closure.
 *
 * Exports (steady_internal.h): st_fill_results. Caller: steady_kinsol.c.
 *
 * Closure (docs/model.md, "Conservation"):
 *   mass:   sum over nodes of |node mass residual| / total inflow of the sources;
 *   energy: |E_in - E_out - losses| / E_in with E_in the enthalpy flow of the sources' inflows,
 *           E_out the enthalpy flow of every draw at its node's enthalpy and of sources' outflows,
 *           losses = sum over edges of pos(m)(h_a - h_fwd) + pos(-m)(h_b - h_rev): pipe heat
 *           loss, heat delivered by water consumers, minus heat taken up by substations, plus
 *           the potential energy m g dz gained in pipes, minus the work of pumps.
 * The heat loss reported per link leaves the last two out.
 */
#include <math.h>
#include <string.h>

#include "steady_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static double edge_loss(const dh_steady *s, const double *u, size_t e)
{
    const st_edge *E = &s->edge[e];
    const st_edgework *w = &s->ew[e];
    double m = u[2 * s->nn + e];
    return st_pos(m, s->eps_mix, NULL) * (u[s->nn + E->a] - w->h_fwd) +
           st_pos(-m, s->eps_mix, NULL) * (u[s->nn + E->b] - w->h_rev);
}

static double quality(double p, double h)
{
    dh_ph_state st;
    if (st_props_ph(p, h, 0, &st) != DH_OK) return NAN;
    return st.x;
}

void st_fill_results(dh_steady *s, const double *u, dh_snapshot *r, dh_solve_stats *stats)
{
    const dh_network *net = s->net;
    const size_t nn = s->nn;
    st_eval(s, u, s->f, false); /* node properties and edge arrivals at u */
    double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                        : 101325.0;
    (void)patm;
    r->time = 0.0;
    for (size_t k = 0; k < net->nodes.n; k++) {
        r->node_pressure[k] = u[k];
        r->node_enthalpy[k] = u[nn + k];
        r->node_temperature[k] = s->np[k].T;
        r->node_quality[k] = s->np[k].x;
    }
    for (size_t l = 0; l < net->links.n; l++) {
        size_t e0 = s->link_edge0[l];
        unsigned ns = s->link_nseg[l];
        double m = u[2 * nn + e0];
        r->link_mass_flow[l] = m;
        r->link_pressure_drop[l] = u[net->links.from[l]] - u[net->links.to[l]];
        double loss = 0.0, cond = 0.0, rho_min = HUGE_VAL;
        for (unsigned g = 0; g < ns; g++) {
            size_t e = e0 + g;
            const st_edge *E = &s->edge[e];
            const st_edgework *w = &s->ew[e];
            /* heat lost: the enthalpy drop less the mechanical part of the energy equation,
             * g dz of a pipe segment (h + g z is what an adiabatic pipe keeps) and the work
             * (p_b - p_a) / rho of a pump (assemble.c, docs/model.md) */
            double sh = E->kind == ST_PIPE   ? -DH_G * E->dz
                        : E->kind == ST_PUMP ? (u[E->b] - u[E->a]) / w->rho
                                             : 0.0;
            loss += edge_loss(s, u, e) + u[2 * nn + e] * sh; /* pos(m) - pos(-m) = m */
            rho_min = fmin(rho_min, w->rho);
            if (net->nodes.medium[net->links.from[l]] == DH_MEDIUM_STEAM) {
                /* condensate: drop of vapour quality along the segment in the flow direction */
                double qf = st_pos(m, s->eps_mix, NULL), qr = st_pos(-m, s->eps_mix, NULL);
                double xa = s->np[E->a].x, xb = s->np[E->b].x;
                cond += qf * (xa - quality(u[E->b], w->h_fwd)) +
                        qr * (xb - quality(u[E->a], w->h_rev));
            }
        }
        double area = 0.0;
        if (net->links.kind[l] == DH_LINK_PIPE) area = s->edge[e0].hyd.area;
        else if (net->links.kind[l] == DH_LINK_VALVE) {
            double d = net->valves.diameter[net->links.index[l]];
            area = M_PI * d * d / 4;
        }
        r->link_velocity[l] = area > 0 && rho_min > 0 && isfinite(rho_min) ? fabs(m) / (rho_min * area)
                                                                            : 0.0;
        r->link_heat_loss[l] = loss;
        r->link_condensate[l] = isfinite(cond) ? cond : 0.0;
    }

    /* consumers */
    for (size_t c = 0; c < net->consumers.n; c++) {
        size_t k = net->consumers.node[c];
        r->consumer_pressure[c] = u[k];
        r->consumer_temperature[c] = s->np[k].T;
        r->consumer_pressure_margin[c] =
            net->consumers.min_pressure[c] > 0 ? u[k] - net->consumers.min_pressure[c] : NAN;
        if (s->cons_edge[c] != DH_NONE) {
            size_t e = s->cons_edge[c];
            double m = u[2 * nn + e];
            double heat = edge_loss(s, u, e);
            r->consumer_mass_flow[c] = m;
            r->consumer_heat[c] = heat;
            r->consumer_unmet[c] = fmax(0.0, s->load * net->consumers.demand_heat[c] - heat);
        }
    }
    for (size_t i = 0; i < s->ndraw; i++) {
        const st_draw *d = &s->draw[i];
        size_t cols[5];
        double g[5];
        double D = st_draw_eval(s, u, i, cols, g);
        if (d->kind == ST_DRAW_SUBSTATION) continue;
        size_t c = d->owner, k = d->node;
        r->consumer_mass_flow[c] = D;
        if (d->kind == ST_DRAW_WATER) {
            /* a draw of water, no heat; unmet in kg/s (a volume demand at the node density) */
            double want = s->load * (net->consumers.demand_mass_flow[c] +
                                     net->consumers.demand_volume_flow[c] * s->np[k].rho);
            r->consumer_heat[c] = 0.0;
            r->consumer_unmet[c] = fmax(0.0, want - D);
            continue;
        }
        double hc = 0.0;
        if (net->consumers.return_temperature[c] > 0)
            dh_props_h_pT(u[k], net->consumers.return_temperature[c], &hc, NULL, NULL);
        double heat = net->consumers.return_temperature[c] > 0 ? D * (u[nn + k] - hc) : 0.0;
        r->consumer_heat[c] = heat;
        r->consumer_unmet[c] = d->kind == ST_DRAW_STEAM
                                   ? fmax(0.0, s->load * net->consumers.demand_mass_flow[c] - D)
                                   : fmax(0.0, s->load * net->consumers.demand_heat[c] - heat);
    }

    /* sources and balances */
    double m_in = 0.0, e_in = 0.0, e_out = 0.0;
    for (size_t j = 0; j < net->sources.n; j++) {
        size_t k = net->sources.node[j];
        double m, h_in;
        if (s->src_unknown[j] != DH_NONE) {
            m = u[s->src_unknown[j]];
            h_in = s->src_h[j];
        } else {
            m = s->load * net->sources.mass_flow[j];
            h_in = 0.0;
            dh_props_h_pT(u[k], net->sources.temperature[j], &h_in, NULL, NULL);
        }
        double qi = st_pos(m, s->eps_mix, NULL), qo = st_pos(-m, s->eps_mix, NULL);
        m_in += qi;
        e_in += qi * h_in;
        e_out += qo * u[nn + k];
        r->source_mass_flow[j] = m;
        r->source_heat[j] = m * (m >= 0 ? h_in : u[nn + k]);
        r->source_pressure[j] = u[k];
        r->source_temperature[j] = m >= 0 ? net->sources.temperature[j] : s->np[k].T;
    }
    for (size_t i = 0; i < s->ndraw; i++) {
        size_t cols[5];
        double g[5];
        e_out += st_draw_eval(s, u, i, cols, g) * u[nn + s->draw[i].node];
    }
    /* plant headers heat the streams entering their node to the source enthalpy */
    for (size_t k = 0; k < nn; k++) {
        if (s->plant_src[k] == DH_NONE) continue;
        double hs = s->src_h[s->plant_src[k]], heating = 0.0;
        for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
            size_t e = s->inc_edge[q];
            double m = u[2 * nn + e];
            const st_edgework *w = &s->ew[e];
            if (s->inc_sign[q] < 0) heating += st_pos(m, s->eps_mix, NULL) * (hs - w->h_fwd);
            else heating += st_pos(-m, s->eps_mix, NULL) * (hs - w->h_rev);
        }
        e_in += heating;
        /* reported with the source: the sum of source_heat is then the net heat put into the
         * network for closed loops too (docs/results.md) */
        r->source_heat[s->plant_src[k]] += heating;
    }
    double losses = 0.0;
    for (size_t e = 0; e < s->ne; e++) losses += edge_loss(s, u, e);
    double imb = 0.0;
    for (size_t k = 0; k < nn; k++)
        if (!s->isolated[k]) imb += fabs(s->f[k]);
    if (stats) {
        stats->mass_imbalance = imb;
        /* relative to the larger of the source inflow and the design flow (closed loops have
         * no net source inflow) */
        stats->mass_balance_rel = imb / fmax(m_in, s->m_ref);
        stats->energy_balance_rel = e_in > 0 ? fabs(e_in - e_out - losses) / e_in
                                             : fabs(e_in - e_out - losses);
        /* study.water = incompressible: no energy equation (node enthalpies fixed; friction
         * and pump work heat nothing), so no closure to report (docs/model.md) */
        if (s->incompressible) stats->energy_balance_rel = NAN;
    }
}
