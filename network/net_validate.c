/* net_validate.c: checks of a built network before any solve (see dh_validate.h).
 *
 * Exports dh_network_validate(), dh_network_validate_warn(), dh_validate_print_warnings().
 * Called by `dhsim check` / `dhsim run` after the case reader, by the fuzz target and by tests.
 *
 * The reader checks each value on its own; this pass checks what needs several values or the
 * whole graph, in the order components appear: pipes, valves, pumps, sources, consumers,
 * substations, then the islands. Every message names the component ("pipe P3") and carries its
 * case-file position. docs/validation.md lists every check with its message: keep them in step.
 *
 * Graph terms used here:
 *  - island: a connected component over links, water consumers (supply node -- return node) and
 *    substations' secondary sides (water_in -- water_out). Each island is one medium and needs a
 *    pressure reference (a fixed-pressure source).
 *  - hydraulic part: a connected component over links and substations' secondary sides only.
 *    A water island made of several parts joined only through consumers (a supply network and a
 *    return network) needs a fixed-pressure source in each part, or the water returned by the
 *    consumers has nowhere to go (the mass balance of that part cannot close).
 *
 * No allocation beyond a few per-node work arrays; no I/O except dh_validate_print_warnings().
 */
#include "dh_validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define T0 273.15         /* K, 0 degC */
#define G_STD 9.80665     /* m/s2, standard gravity */
#define RHO_WATER_MAX 1000.0 /* kg/m3: liquid water density is below this from 0 degC up */
#define RHO_WATER_MIN 860.0  /* kg/m3: and above this up to 200 degC (IF97: 864.7 kg/m3 at
                                200 degC, 1.6 MPa); static-head bounds take the worse end */
#define P_CRIT 22.064e6   /* Pa, critical pressure of water (IAPWS-IF97 eq. (2) constants) */
#define P_TRIPLE 611.213  /* Pa, lower end of the IF97 saturation line */
#define MOODY_MAX_REL_ROUGHNESS 0.05 /* e/D where the Moody chart (Colebrook-White) ends */

/* ---- saturation temperature --------------------------------------------------------------
 * IAPWS-IF97 (2007), section 8.2, backward equation (31) of region 4: Tsat(p) for
 * 611.213 Pa <= p <= 22.064 MPa, coefficients n1..n10 of Table 34. Verified against Table 35:
 * Tsat(0.1 MPa) = 372.755919 K, Tsat(1 MPa) = 453.035632 K, Tsat(10 MPa) = 584.149488 K.
 * Kept here (13 lines) so that the network layer does not depend on the solver's property
 * library; solver/props_if97.c holds the full formulation. Returns NaN outside the range. */
static double tsat_if97(double p)
{
    static const double n[11] = {0.0,
                                 0.11670521452767e4,  -0.72421316703206e6, -0.17073846940092e2,
                                 0.12020824702470e5,  -0.32325550322333e7, 0.14915108613530e2,
                                 -0.48232657361591e4, 0.40511340542057e6,  -0.23855557567849,
                                 0.65017534844798e3};
    if (!(p >= P_TRIPLE && p <= P_CRIT)) return NAN;
    double beta = pow(p / 1e6, 0.25);
    double E = beta * beta + n[3] * beta + n[6];
    double F = n[1] * beta * beta + n[4] * beta + n[7];
    double G = n[2] * beta * beta + n[5] * beta + n[8];
    double D = 2.0 * G / (-F - sqrt(F * F - 4.0 * E * G));
    return 0.5 * (n[10] + D - sqrt((n[10] + D) * (n[10] + D) - 4.0 * (n[9] + n[10] * D)));
}

/* ---- context and reporting ----------------------------------------------------------------- */

typedef struct island_info {
    size_t first;      /* lowest node index: names the island in messages */
    size_t size;       /* nodes */
    size_t n_links;    /* links inside */
    size_t n_sources;  /* all sources */
    size_t n_fixed_p;  /* fixed-pressure sources */
    size_t n_subst;    /* substation sides */
    size_t n_feeds;    /* sources + substations' secondary sides: what can supply consumers */
    size_t pmax_source; /* fixed-pressure source with the highest pressure, or DH_NONE */
    size_t pz_source[2]; /* fixed-pressure source with the highest p + rho g z, or DH_NONE */
    double pz_max[2];  /* Pa, that p + rho g z, [0] with RHO_WATER_MIN, [1] RHO_WATER_MAX */
    double pump_head;  /* m, sum of the pumps' shut-off heads inside */
    size_t tmax_feed;  /* hottest feed: source index, or n_sources + substation index; DH_NONE */
    double tmax;       /* K, its temperature (source temperature, substation supply set point) */
    dh_medium medium;  /* medium of its first known node */
} island_info;

typedef struct vctx {
    const dh_network *net;
    dh_diag *diag;
    dh_diag *warn;
    size_t n_errors;
    dh_medium *medium;   /* per node: builder's medium, extended over water consumers */
    size_t *degree;      /* per node: number of incident links */
    size_t *island;      /* per node: island index */
    size_t *part;        /* per node: hydraulic part index */
    island_info *isl;    /* per island */
    size_t n_islands;
    island_info *prt;    /* per hydraulic part */
    size_t n_parts;
} vctx;

static void verror(vctx *c, const dh_srcpos *pos, const char *comp, const char *fmt, ...)
    DH_PRINTF(4, 5);
static void verror(vctx *c, const dh_srcpos *pos, const char *comp, const char *fmt, ...)
{
    dh_error e;
    va_list ap;
    va_start(ap, fmt);
    dh_error_setv(&e, DH_ERR_INPUT, pos, comp, fmt, ap);
    va_end(ap);
    dh_diag_add(c->diag, &e);
    c->n_errors++;
}

static void vwarn(vctx *c, const dh_srcpos *pos, const char *comp, const char *fmt, ...)
    DH_PRINTF(4, 5);
static void vwarn(vctx *c, const dh_srcpos *pos, const char *comp, const char *fmt, ...)
{
    if (!c->warn) return;
    dh_error e;
    va_list ap;
    va_start(ap, fmt);
    dh_error_setv(&e, DH_OK, pos, comp, fmt, ap);
    va_end(ap);
    dh_diag_add(c->warn, &e);
}

/* "pipe P3": the component name used in messages. */
static const char *comp_name(char *buf, size_t size, const char *what, const char *id)
{
    snprintf(buf, size, "%s %s", what, id ? id : "?");
    return buf;
}

static const char *node_id(const vctx *c, size_t node)
{
    return node < c->net->nodes.n ? c->net->nodes.id[node] : "?";
}

/* ---- graph: union-find, media, islands -------------------------------------------------- */

static size_t uf_find(size_t *parent, size_t i)
{
    size_t r = i;
    while (parent[r] != r) r = parent[r];
    while (parent[i] != r) { /* path compression */
        size_t next = parent[i];
        parent[i] = r;
        i = next;
    }
    return r;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
    if (a == DH_NONE || b == DH_NONE) return;
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a < b) parent[b] = a; /* root = lowest index, so roots name components stably */
    else parent[a] = b;
}

/* Numbers the components of `parent` 0.. in order of their lowest node; comp[i] per node.
 * Returns the number of components. */
static size_t uf_label(size_t *parent, size_t *comp, size_t nn)
{
    size_t k = 0;
    for (size_t i = 0; i < nn; i++) {
        size_t r = uf_find(parent, i);
        if (r == i) comp[i] = k++;
        else comp[i] = comp[r]; /* r < i: already labelled */
    }
    return k;
}

static int is_water_consumer(const dh_network *net, size_t i)
{
    return net->consumers.type[i] == DH_CONSUMER_HEAT && net->consumers.return_node[i] != DH_NONE;
}

/* Medium per node: the builder's (from sources over links, from substation sides), extended
 * to nodes reached from a water node through a water consumer (its return network) and from
 * there over links. Nodes left DH_MEDIUM_UNKNOWN are in islands without source or substation. */
static int derive_media(vctx *c)
{
    const dh_network *net = c->net;
    size_t nn = net->nodes.n, ncons = net->consumers.n;
    memcpy(c->medium, net->nodes.medium, nn * sizeof *c->medium);
    /* CSR of water-consumer edges per node */
    size_t *cstart = calloc(nn + 1, sizeof *cstart);
    size_t *cadj = malloc((2 * ncons + 1) * sizeof *cadj);
    size_t *queue = malloc((nn + 1) * sizeof *queue);
    if (!cstart || !cadj || !queue) {
        free(cstart);
        free(cadj);
        free(queue);
        return -1;
    }
    for (size_t i = 0; i < ncons; i++) {
        if (!is_water_consumer(net, i) || net->consumers.node[i] == DH_NONE) continue;
        cstart[net->consumers.node[i] + 1]++;
        cstart[net->consumers.return_node[i] + 1]++;
    }
    for (size_t i = 0; i < nn; i++) cstart[i + 1] += cstart[i];
    {
        size_t *fill = c->island; /* borrowed as scratch: labelled later */
        memcpy(fill, cstart, nn * sizeof *fill);
        for (size_t i = 0; i < ncons; i++) {
            if (!is_water_consumer(net, i) || net->consumers.node[i] == DH_NONE) continue;
            size_t a = net->consumers.node[i], b = net->consumers.return_node[i];
            cadj[fill[a]++] = b;
            cadj[fill[b]++] = a;
        }
    }
    /* breadth-first from every node whose medium is known; each node enters the queue once */
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < nn; i++)
        if (c->medium[i] != DH_MEDIUM_UNKNOWN) queue[tail++] = i;
    while (head < tail) {
        size_t n = queue[head++];
        for (size_t k = net->inc.start[n]; k < net->inc.start[n + 1]; k++) {
            size_t l = net->inc.link[k];
            size_t o = net->links.from[l] == n ? net->links.to[l] : net->links.from[l];
            if (c->medium[o] == DH_MEDIUM_UNKNOWN) {
                c->medium[o] = c->medium[n];
                queue[tail++] = o;
            }
        }
        if (c->medium[n] != DH_MEDIUM_WATER) continue; /* only water crosses a consumer */
        for (size_t k = cstart[n]; k < cstart[n + 1]; k++) {
            size_t o = cadj[k];
            if (c->medium[o] == DH_MEDIUM_UNKNOWN) {
                c->medium[o] = DH_MEDIUM_WATER;
                queue[tail++] = o;
            }
        }
    }
    free(cstart);
    free(cadj);
    free(queue);
    return 0;
}

/* Shut-off head of a pump (m): the head of its first curve point (lowest flow). */
static double pump_shutoff_head(const dh_pumps *U, size_t i)
{
    if (U->curve_start[i + 1] <= U->curve_start[i]) return 0.0;
    double h = U->curve_head[U->curve_start[i]] * U->speed[i] * U->speed[i]; /* affinity: H ~ n^2 */
    return h > 0.0 ? h : 0.0;
}

static void tally(const vctx *c, island_info *info, size_t n_comp, const size_t *comp)
{
    const dh_network *net = c->net;
    for (size_t k = 0; k < n_comp; k++) {
        info[k].first = DH_NONE;
        info[k].pmax_source = DH_NONE;
        info[k].pz_source[0] = info[k].pz_source[1] = DH_NONE;
        info[k].tmax_feed = DH_NONE;
    }
    for (size_t i = 0; i < net->nodes.n; i++) {
        island_info *s = &info[comp[i]];
        if (s->first == DH_NONE) s->first = i;
        s->size++;
        if (s->medium == DH_MEDIUM_UNKNOWN) s->medium = c->medium[i];
    }
    for (size_t l = 0; l < net->links.n; l++) info[comp[net->links.from[l]]].n_links++;
    for (size_t i = 0; i < net->pumps.n; i++)
        info[comp[net->links.from[net->pumps.link[i]]]].pump_head += pump_shutoff_head(&net->pumps, i);
    for (size_t i = 0; i < net->sources.n; i++) {
        if (net->sources.node[i] == DH_NONE) continue;
        island_info *s = &info[comp[net->sources.node[i]]];
        s->n_sources++;
        s->n_feeds++;
        if (s->tmax_feed == DH_NONE || net->sources.temperature[i] > s->tmax) {
            s->tmax_feed = i;
            s->tmax = net->sources.temperature[i];
        }
        if (net->sources.type[i] != DH_SOURCE_FIXED_PRESSURE) continue;
        s->n_fixed_p++;
        if (s->pmax_source == DH_NONE ||
            net->sources.pressure[i] > net->sources.pressure[s->pmax_source])
            s->pmax_source = i;
        for (int r = 0; r < 2; r++) {
            double rho = r ? RHO_WATER_MAX : RHO_WATER_MIN;
            double pz = net->sources.pressure[i] + rho * G_STD * net->nodes.z[net->sources.node[i]];
            if (s->pz_source[r] == DH_NONE || pz > s->pz_max[r]) {
                s->pz_source[r] = i;
                s->pz_max[r] = pz;
            }
        }
    }
    for (size_t i = 0; i < net->substations.n; i++) {
        const dh_substations *X = &net->substations;
        if (X->steam_node[i] != DH_NONE) info[comp[X->steam_node[i]]].n_subst++;
        if (X->water_in[i] != DH_NONE) {
            island_info *s = &info[comp[X->water_in[i]]];
            s->n_subst++;
            s->n_feeds++;
            if (s->tmax_feed == DH_NONE || X->supply_temperature[i] > s->tmax) {
                s->tmax_feed = net->sources.n + i;
                s->tmax = X->supply_temperature[i];
            }
        }
        if (X->water_out[i] != DH_NONE && comp[X->water_out[i]] != comp[X->water_in[i]])
            info[comp[X->water_out[i]]].n_subst++;
    }
}

static int build_graph(vctx *c)
{
    const dh_network *net = c->net;
    size_t nn = net->nodes.n;
    c->medium = calloc(nn + 1, sizeof *c->medium);
    c->degree = calloc(nn + 1, sizeof *c->degree);
    c->island = calloc(nn + 1, sizeof *c->island);
    c->part = calloc(nn + 1, sizeof *c->part);
    size_t *parent = malloc((nn + 1) * sizeof *parent);
    if (!c->medium || !c->degree || !c->island || !c->part || !parent) {
        free(parent);
        return -1;
    }
    if (derive_media(c)) {
        free(parent);
        return -1;
    }
    for (size_t i = 0; i < nn; i++) c->degree[i] = net->inc.start[i + 1] - net->inc.start[i];

    /* hydraulic parts: links and substations' secondary sides */
    for (size_t i = 0; i < nn; i++) parent[i] = i;
    for (size_t l = 0; l < net->links.n; l++) uf_union(parent, net->links.from[l], net->links.to[l]);
    for (size_t i = 0; i < net->substations.n; i++)
        uf_union(parent, net->substations.water_in[i], net->substations.water_out[i]);
    c->n_parts = uf_label(parent, c->part, nn);
    /* islands: parts joined by water consumers */
    for (size_t i = 0; i < net->consumers.n; i++)
        if (is_water_consumer(net, i)) uf_union(parent, net->consumers.node[i], net->consumers.return_node[i]);
    c->n_islands = uf_label(parent, c->island, nn);
    free(parent);

    c->isl = calloc(c->n_islands + 1, sizeof *c->isl);
    c->prt = calloc(c->n_parts + 1, sizeof *c->prt);
    if (!c->isl || !c->prt) return -1;
    tally(c, c->isl, c->n_islands, c->island);
    tally(c, c->prt, c->n_parts, c->part);
    return 0;
}

/* Highest pressure (Pa absolute) that node `node` can ever see in its island: the highest
 * fixed source pressure, for water plus the static head from the source down to the node and
 * the shut-off heads of every pump of the island. Each term is monotone in the density, so
 * the bound is the larger of the two ends of 860..1000 kg/m3 (pump heads with 1000).
 * Returns NaN when the island has no fixed-pressure source. *src gets that source. */
static double pressure_bound(const vctx *c, size_t node, size_t *src)
{
    const dh_network *net = c->net;
    const island_info *s = &c->isl[c->island[node]];
    *src = s->pmax_source;
    if (s->pmax_source == DH_NONE) return NAN;
    if (c->medium[node] != DH_MEDIUM_WATER) return net->sources.pressure[s->pmax_source];
    /* max over sources of p_s + rho g (z_s - z_node) = max(p_s + rho g z_s) - rho g z_node */
    double lo = s->pz_max[0] - RHO_WATER_MIN * G_STD * net->nodes.z[node];
    double hi = s->pz_max[1] - RHO_WATER_MAX * G_STD * net->nodes.z[node];
    *src = hi >= lo ? s->pz_source[1] : s->pz_source[0];
    return (hi >= lo ? hi : lo) + RHO_WATER_MAX * G_STD * s->pump_head;
}

/* ---- pipes ----------------------------------------------------------------------------------- */

/* Radius (m) of the outside of the last insulation layer (the steel outside without any). */
static double insulated_radius(const dh_pipes *P, size_t i)
{
    double r = 0.5 * P->outer_diameter[i];
    for (size_t k = P->ins_start[i]; k < P->ins_start[i + 1]; k++)
        if (P->ins[k].thickness > 0) r += P->ins[k].thickness;
    return r;
}

static const char *pipe_id(const dh_network *net, size_t i) { return net->links.id[net->pipes.link[i]]; }

static void check_pipes(vctx *c)
{
    const dh_network *net = c->net;
    const dh_pipes *P = &net->pipes;
    for (size_t i = 0; i < P->n; i++) {
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "pipe", pipe_id(net, i));
        const dh_srcpos *pos = &net->links.pos[P->link[i]];
        double d = P->diameter[i], e = P->roughness[i], od = P->outer_diameter[i];

        if (!(P->length[i] > 0) || !isfinite(P->length[i]))
            verror(c, pos, comp, "length %g m is not positive", P->length[i]);
        if (!(d > 0) || !isfinite(d))
            verror(c, pos, comp, "inner diameter %g mm is not positive", d * 1e3);
        if (!(e >= 0) || !isfinite(e))
            verror(c, pos, comp, "roughness %g mm is negative", e * 1e3);
        else if (d > 0 && e >= 0.5 * d)
            verror(c, pos, comp,
                   "roughness %g mm is not smaller than the pipe radius %g mm (inner diameter %g mm)",
                   e * 1e3, 0.5 * d * 1e3, d * 1e3);
        else if (d > 0 && e / d > MOODY_MAX_REL_ROUGHNESS)
            vwarn(c, pos, comp,
                  "relative roughness e/D = %.3g is beyond the Moody chart (Colebrook-White is "
                  "fitted up to e/D = 0.05)", e / d);
        if (d > 0 && !(od > d))
            verror(c, pos, comp, "outer diameter %g mm is not larger than the inner diameter %g mm",
                   od * 1e3, d * 1e3);
        if (!(P->local_loss[i] >= 0))
            verror(c, pos, comp, "local loss coefficient %g is negative", P->local_loss[i]);
        /* Hazen-Williams C (0: none): 1..200 as the reader checks; on a steam pipe it is unused
         * (study.friction hazen_williams with steam is refused by the case reader) */
        double hw = P->hazen_williams_c ? P->hazen_williams_c[i] : 0.0;
        size_t lk = P->link[i];
        if (hw != 0.0 && !(hw >= 1.0 && hw <= 200.0))
            verror(c, pos, comp, "Hazen-Williams C %g must lie between 1 and 200", hw);
        else if (hw != 0.0 && (c->medium[net->links.from[lk]] == DH_MEDIUM_STEAM ||
                               c->medium[net->links.to[lk]] == DH_MEDIUM_STEAM))
            vwarn(c, pos, comp, "Hazen-Williams C %g on a steam pipe is not used (Hazen-Williams "
                                "is a law for water)", hw);
        if (!(P->wall_conductivity[i] > 0))
            verror(c, pos, comp, "wall conductivity %g W/(m K) is not positive",
                   P->wall_conductivity[i]);
        for (size_t k = P->ins_start[i]; k < P->ins_start[i + 1]; k++) {
            size_t layer = k - P->ins_start[i] + 1;
            if (!(P->ins[k].thickness > 0))
                verror(c, pos, comp, "insulation layer %zu: thickness %g mm is not positive", layer,
                       P->ins[k].thickness * 1e3);
            if (!(P->ins[k].conductivity > 0))
                verror(c, pos, comp, "insulation layer %zu: conductivity %g W/(m K) is not positive",
                       layer, P->ins[k].conductivity);
        }

        double r_out = insulated_radius(P, i);
        if (P->laying[i] == DH_LAYING_BURIED) {
            if (!(P->soil_conductivity[i] > 0))
                verror(c, pos, comp, "buried pipe without a soil conductivity (needs > 0 W/(m K))");
            if (!(P->depth[i] > r_out))
                verror(c, pos, comp,
                       "buried at depth %g m (ground surface to pipe axis), which is not more than "
                       "its outer radius %g m (with insulation): the pipe would stick out of the "
                       "ground", P->depth[i], r_out);
        } else if (!(P->surface_coefficient[i] >= 0)) {
            verror(c, pos, comp, "surface coefficient %g W/(m2 K) is negative",
                   P->surface_coefficient[i]);
        }

        size_t j = P->pair[i];
        if (j == DH_NONE || j >= P->n) continue;
        if (P->pair[j] != DH_NONE && P->pair[j] != i) {
            verror(c, pos, comp, "paired with pipe %s, but pipe %s is paired with pipe %s",
                   pipe_id(net, j), pipe_id(net, j), pipe_id(net, P->pair[j]));
            continue;
        }
        if (P->pair[j] == i && j < i) continue; /* the pair was checked from pipe j */
        if (P->laying[i] != DH_LAYING_BURIED || P->laying[j] != DH_LAYING_BURIED) {
            verror(c, pos, comp,
                   "paired with pipe %s, but only buried pipes can be paired (pipe %s is above "
                   "ground)", pipe_id(net, j),
                   P->laying[i] != DH_LAYING_BURIED ? pipe_id(net, i) : pipe_id(net, j));
            continue;
        }
        double spacing = P->pair_spacing[i] > 0 ? P->pair_spacing[i] : P->pair_spacing[j];
        double r_j = insulated_radius(P, j);
        if (!(spacing >= r_out + r_j))
            verror(c, pos, comp,
                   "pair spacing %g m (centre to centre) is smaller than the outer radii of pipe "
                   "%s and pipe %s with insulation (%g m + %g m): the pipes would overlap",
                   spacing, pipe_id(net, i), pipe_id(net, j), r_out, r_j);
    }
}

/* ---- valves and pumps ------------------------------------------------------------------------ */

static void check_valves(vctx *c)
{
    const dh_network *net = c->net;
    const dh_valves *V = &net->valves;
    for (size_t i = 0; i < V->n; i++) {
        size_t l = V->link[i];
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "valve", net->links.id[l]);
        const dh_srcpos *pos = &net->links.pos[l];
        if (!(V->opening[i] >= 0 && V->opening[i] <= 1))
            verror(c, pos, comp, "opening %g is outside 0..1", V->opening[i]);
        if (!(V->kv[i] >= 0)) verror(c, pos, comp, "kv %g m3/h is negative", V->kv[i]);
        if (!(V->zeta[i] >= 0)) verror(c, pos, comp, "zeta %g is negative", V->zeta[i]);
        if (!(V->diameter[i] >= 0))
            verror(c, pos, comp, "diameter %g mm is negative", V->diameter[i] * 1e3);
        if (V->type[i] == DH_VALVE_THROTTLE && !(V->kv[i] > 0) && !(V->zeta[i] > 0))
            verror(c, pos, comp, "throttling valve without a characteristic: give kv or zeta");
        if (V->zeta[i] > 0 && !(V->kv[i] > 0) && !(V->diameter[i] > 0))
            verror(c, pos, comp, "zeta is given without the bore diameter it refers to");
        if (V->type[i] != DH_VALVE_PRESSURE_REDUCING) continue;
        if (!(V->setpoint[i] > 0)) {
            verror(c, pos, comp, "pressure-reducing valve without a positive setpoint (%g MPa)",
                   V->setpoint[i] * 1e-6);
            continue;
        }
        size_t src;
        double pmax = pressure_bound(c, net->links.from[l], &src);
        if (isnan(pmax)) continue; /* the island has no pressure reference: reported there */
        if (V->setpoint[i] >= pmax)
            verror(c, pos, comp,
                   "setpoint %.4g MPa (absolute) is not below the highest pressure its inlet can "
                   "see (%.4g MPa, from source %s): the valve can never regulate; is one of "
                   "the two a gauge pressure?",
                   V->setpoint[i] * 1e-6, pmax * 1e-6, net->sources.id[src]);
    }
}

static void check_pumps(vctx *c)
{
    const dh_network *net = c->net;
    const dh_pumps *U = &net->pumps;
    for (size_t i = 0; i < U->n; i++) {
        size_t l = U->link[i];
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "pump", net->links.id[l]);
        const dh_srcpos *pos = &net->links.pos[l];
        size_t from = net->links.from[l];
        if (c->medium[from] == DH_MEDIUM_STEAM)
            verror(c, pos, comp,
                   "pumps move water, but this pump is in the steam network (node %s is steam)",
                   node_id(c, from));
        if (!(U->speed[i] > 0)) verror(c, pos, comp, "relative speed %g is not positive", U->speed[i]);
        size_t a = U->curve_start[i], b = U->curve_start[i + 1];
        if (a == b) {
            verror(c, pos, comp, "no pump curve (flow/head points)");
            continue;
        }
        if (!(U->curve_head[a] > 0))
            verror(c, pos, comp, "shut-off head %g m (first curve point) is not positive",
                   U->curve_head[a]);
        for (size_t k = a; k < b; k++) {
            if (!(U->curve_flow[k] >= 0)) {
                verror(c, pos, comp, "curve point %zu: flow %g m3/h is negative", k - a + 1,
                       U->curve_flow[k] * 3600);
                break;
            }
            if (k == a) continue;
            if (!(U->curve_flow[k] > U->curve_flow[k - 1])) {
                verror(c, pos, comp,
                       "curve point %zu: flow %g m3/h does not increase (previous point %g m3/h)",
                       k - a + 1, U->curve_flow[k] * 3600, U->curve_flow[k - 1] * 3600);
                break;
            }
            if (!(U->curve_head[k] < U->curve_head[k - 1])) {
                verror(c, pos, comp,
                       "curve point %zu: head %g m does not fall with flow (previous point %g m)",
                       k - a + 1, U->curve_head[k], U->curve_head[k - 1]);
                break;
            }
        }
    }
}

/* ---- sources, consumers, substations ------------------------------------------------------- */

static void check_sources(vctx *c)
{
    const dh_network *net = c->net;
    const dh_sources *S = &net->sources;
    size_t *first_fp = malloc((net->nodes.n + 1) * sizeof *first_fp); /* per node */
    if (!first_fp) {
        dh_diag_report(c->diag, DH_ERR_NOMEM, NULL, NULL, "out of memory validating the network");
        c->n_errors++;
        return;
    }
    for (size_t i = 0; i < net->nodes.n; i++) first_fp[i] = DH_NONE;
    for (size_t i = 0; i < S->n; i++) {
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "source", S->id[i]);
        const dh_srcpos *pos = &S->pos[i];
        size_t node = S->node[i];
        if (node == DH_NONE) continue;
        if (S->medium[i] != DH_MEDIUM_STEAM && S->medium[i] != DH_MEDIUM_WATER)
            verror(c, pos, comp, "medium not given (steam or water)");
        else if (c->medium[node] != DH_MEDIUM_UNKNOWN && c->medium[node] != S->medium[i])
            verror(c, pos, comp, "a %s source on node %s, which is in the %s network",
                   dh_medium_name(S->medium[i]), node_id(c, node), dh_medium_name(c->medium[node]));
        if (c->degree[node] == 0)
            verror(c, pos, comp, "node %s is not connected to any pipe, valve or pump",
                   node_id(c, node));
        if (!(S->temperature[i] > 0))
            verror(c, pos, comp, "temperature %g K is not positive", S->temperature[i]);
        if (S->type[i] == DH_SOURCE_FIXED_FLOW) {
            if (!(S->mass_flow[i] >= 0))
                verror(c, pos, comp, "mass flow %g kg/s is negative", S->mass_flow[i]);
            continue;
        }
        double p = S->pressure[i], T = S->temperature[i];
        if (!(p > 0) || !isfinite(p)) {
            verror(c, pos, comp, "pressure %g MPa (absolute) is not positive", p * 1e-6);
            continue;
        }
        /* two fixed pressures at one node contradict each other */
        size_t j = first_fp[node];
        if (j == DH_NONE) first_fp[node] = i;
        else if (S->pressure[j] != p)
            verror(c, pos, comp, "sets %.4g MPa at node %s, where source %s sets %.4g MPa",
                   p * 1e-6, node_id(c, node), S->id[j], S->pressure[j] * 1e-6);
        double ts = tsat_if97(p);
        if (S->medium[i] == DH_MEDIUM_STEAM) {
            if (p > P_CRIT)
                verror(c, pos, comp,
                       "pressure %.4g MPa is above the critical pressure of water (22.064 MPa): "
                       "not a steam header", p * 1e-6);
            /* 0.005 K: below the resolution at which engineers write temperatures */
            else if (T > 0 && T < ts - 0.005)
                verror(c, pos, comp,
                       "temperature %.2f degC is below the saturation temperature %.2f degC at "
                       "%.4g MPa (absolute): that is liquid water, not steam",
                       T - T0, ts - T0, p * 1e-6);
        } else if (S->medium[i] == DH_MEDIUM_WATER && isfinite(ts) && T > ts + 0.005) {
            verror(c, pos, comp,
                   "temperature %.2f degC is above the saturation temperature %.2f degC at "
                   "%.4g MPa (absolute): the water would boil",
                   T - T0, ts - T0, p * 1e-6);
        }
    }
    free(first_fp);
}

static void check_consumers(vctx *c)
{
    const dh_network *net = c->net;
    const dh_consumers *C = &net->consumers;
    for (size_t i = 0; i < C->n; i++) {
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "consumer", C->id[i]);
        const dh_srcpos *pos = &C->pos[i];
        size_t node = C->node[i], ret = C->return_node[i];
        if (node == DH_NONE) continue;
        if (!(C->demand_mass_flow[i] >= 0))
            verror(c, pos, comp, "mass-flow demand %g kg/s is negative", C->demand_mass_flow[i]);
        if (!(C->demand_heat[i] >= 0))
            verror(c, pos, comp, "heat demand %g W is negative", C->demand_heat[i]);

        int isolated = 0;
        if (c->degree[node] == 0) {
            verror(c, pos, comp,
                   "node %s is not connected to any pipe, valve or pump: nothing can supply it",
                   node_id(c, node));
            isolated = 1;
        }
        if (ret != DH_NONE && ret == node) {
            verror(c, pos, comp, "return_node is its supply node %s", node_id(c, node));
        } else if (ret != DH_NONE && c->degree[ret] == 0) {
            verror(c, pos, comp,
                   "return_node %s is not connected to any pipe, valve or pump: the water "
                   "cannot flow back", node_id(c, ret));
            isolated = 1;
        }

        dh_medium m = c->medium[node], mr = ret != DH_NONE ? c->medium[ret] : DH_MEDIUM_UNKNOWN;
        if (C->type[i] == DH_CONSUMER_WATER) {
            /* a draw of water at its node: never on steam, never with a return (the reader
             * refuses return_node; a network built in code is checked here) */
            if (ret != DH_NONE)
                verror(c, pos, comp,
                       "water consumer with a return_node (%s): a water consumer draws water out "
                       "of the network at its node; a substation with a return is type 'heat'",
                       node_id(c, ret));
            if (m == DH_MEDIUM_STEAM)
                verror(c, pos, comp,
                       "water consumer on node %s of the steam network (a steam draw is type "
                       "'steam')", node_id(c, node));
            if (!(C->demand_volume_flow[i] >= 0))
                verror(c, pos, comp, "volume-flow demand %g m3/s is negative",
                       C->demand_volume_flow[i]);
        } else if (C->type[i] == DH_CONSUMER_STEAM) {
            if (m == DH_MEDIUM_WATER)
                verror(c, pos, comp,
                       "steam consumer on node %s of the water network (a water consumer is a "
                       "heat consumer with a return_node)", node_id(c, node));
        } else if (ret != DH_NONE) {
            if (m == DH_MEDIUM_STEAM || mr == DH_MEDIUM_STEAM)
                verror(c, pos, comp,
                       "water consumer (heat demand with a return_node) on node %s of the steam "
                       "network", node_id(c, m == DH_MEDIUM_STEAM ? node : ret));
            if (C->supply_temperature[i] > 0 && C->return_temperature[i] > 0 &&
                !(C->return_temperature[i] < C->supply_temperature[i]))
                verror(c, pos, comp,
                       "return temperature %.1f degC is not below the supply temperature %.1f "
                       "degC: no heat can be taken from the water",
                       C->return_temperature[i] - T0, C->supply_temperature[i] - T0);
        } else if (m == DH_MEDIUM_WATER) {
            verror(c, pos, comp,
                   "heat consumer on node %s of the water network without a return_node",
                   node_id(c, node));
        }
        if (isolated) continue;

        const island_info *s = &c->isl[c->island[node]];
        if (s->n_feeds == 0) {
            verror(c, pos, comp,
                   "no source can supply it: its network (%zu node%s connected to node %s) has "
                   "no source", s->size, s->size == 1 ? "" : "s", node_id(c, s->first));
            continue;
        }
        size_t src;
        double pmax = pressure_bound(c, node, &src);
        if (C->min_pressure[i] > 0 && isfinite(pmax) && C->min_pressure[i] > pmax)
            vwarn(c, pos, comp,
                  "minimum delivery pressure %.4g MPa (absolute) is above the highest pressure "
                  "its node can see (%.4g MPa, from source %s): it can never be met",
                  C->min_pressure[i] * 1e-6, pmax * 1e-6, net->sources.id[src]);
        /* nothing in the network heats: no delivery can be hotter than the hottest feed */
        if (s->tmax_feed != DH_NONE && s->tmax > 0) {
            char feed[DH_ERROR_COMP_MAX];
            size_t f = s->tmax_feed;
            if (f < net->sources.n) comp_name(feed, sizeof feed, "source", net->sources.id[f]);
            else comp_name(feed, sizeof feed, "substation", net->substations.id[f - net->sources.n]);
            if (C->min_temperature[i] > s->tmax)
                vwarn(c, pos, comp,
                      "minimum delivery temperature %.1f degC is above the hottest feed of its "
                      "network (%.1f degC, %s): it can never be met",
                      C->min_temperature[i] - T0, s->tmax - T0, feed);
            if (ret != DH_NONE && C->type[i] == DH_CONSUMER_HEAT && C->supply_temperature[i] > s->tmax)
                vwarn(c, pos, comp,
                      "design supply temperature %.1f degC is above the hottest feed of its "
                      "network (%.1f degC, %s)",
                      C->supply_temperature[i] - T0, s->tmax - T0, feed);
        }
    }
}

static void check_substations(vctx *c)
{
    const dh_network *net = c->net;
    const dh_substations *X = &net->substations;
    for (size_t i = 0; i < X->n; i++) {
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "substation", X->id[i]);
        const dh_srcpos *pos = &X->pos[i];
        size_t st = X->steam_node[i], win = X->water_in[i], wout = X->water_out[i];
        if (st == DH_NONE || win == DH_NONE || wout == DH_NONE) continue;
        if (c->medium[st] != DH_MEDIUM_STEAM)
            verror(c, pos, comp, "steam_node %s is in the %s network", node_id(c, st),
                   dh_medium_name(c->medium[st]));
        if (c->medium[win] != DH_MEDIUM_WATER)
            verror(c, pos, comp, "water_in node %s is in the %s network", node_id(c, win),
                   dh_medium_name(c->medium[win]));
        if (c->medium[wout] != DH_MEDIUM_WATER)
            verror(c, pos, comp, "water_out node %s is in the %s network", node_id(c, wout),
                   dh_medium_name(c->medium[wout]));
        if (win == wout)
            verror(c, pos, comp, "water_in and water_out are the same node %s", node_id(c, win));
        const size_t sides[3] = {st, win, wout};
        const char *role[3] = {"steam_node", "water_in", "water_out"};
        int isolated = 0;
        for (int k = 0; k < 3; k++)
            if (c->degree[sides[k]] == 0 && (k < 2 || sides[2] != sides[1])) {
                verror(c, pos, comp, "%s %s is not connected to any pipe, valve or pump", role[k],
                       node_id(c, sides[k]));
                isolated = 1;
            }
        if (isolated || c->medium[st] != DH_MEDIUM_STEAM) continue;
        /* the secondary water cannot get hotter than the steam condenses:
           T_supply < Tsat(p), with p at most the highest steam source pressure */
        size_t src;
        double pmax = pressure_bound(c, st, &src);
        double ts = isfinite(pmax) ? tsat_if97(pmax) : NAN;
        if (isfinite(ts) && X->supply_temperature[i] > 0 && X->supply_temperature[i] >= ts)
            verror(c, pos, comp,
                   "secondary supply temperature %.1f degC cannot be reached: steam of at most "
                   "%.4g MPa (source %s) condenses at %.1f degC",
                   X->supply_temperature[i] - T0, pmax * 1e-6, net->sources.id[src], ts - T0);
    }
}

/* ---- nodes and islands ------------------------------------------------------------------------ */

/* Nodes with nothing at all attached: no link, source, consumer or substation. */
static void check_bare_nodes(vctx *c)
{
    const dh_network *net = c->net;
    size_t nn = net->nodes.n;
    unsigned char *used = calloc(nn + 1, 1);
    if (!used) {
        dh_diag_report(c->diag, DH_ERR_NOMEM, NULL, NULL, "out of memory validating the network");
        c->n_errors++;
        return;
    }
#define MARK(n_)                                                                               \
    do {                                                                                       \
        if ((n_) < nn) used[n_] = 1;                                                           \
    } while (0)
    for (size_t i = 0; i < net->sources.n; i++) MARK(net->sources.node[i]);
    for (size_t i = 0; i < net->consumers.n; i++) {
        MARK(net->consumers.node[i]);
        MARK(net->consumers.return_node[i]);
    }
    for (size_t i = 0; i < net->substations.n; i++) {
        MARK(net->substations.steam_node[i]);
        MARK(net->substations.water_in[i]);
        MARK(net->substations.water_out[i]);
    }
#undef MARK
    for (size_t i = 0; i < nn; i++) {
        if (c->degree[i] || used[i]) continue;
        char comp[DH_ERROR_COMP_MAX];
        verror(c, &net->nodes.pos[i], comp_name(comp, sizeof comp, "node", net->nodes.id[i]),
               "not connected to any pipe, valve, pump, source, consumer or substation: its "
               "medium is unknown");
    }
    free(used);
}

static void check_islands(vctx *c)
{
    const dh_network *net = c->net;
    for (size_t k = 0; k < c->n_islands; k++) {
        const island_info *s = &c->isl[k];
        if (s->n_links == 0) continue; /* isolated nodes: reported with what sits on them */
        size_t n0 = s->first;
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "node", net->nodes.id[n0]);
        const dh_srcpos *pos = &net->nodes.pos[n0];
        if (s->n_sources == 0 && s->n_subst == 0) {
            verror(c, pos, comp,
                   "this node and the %zu node%s connected to it have no source: their medium "
                   "(steam or water) is unknown and nothing sets their pressure",
                   s->size - 1, s->size == 2 ? "" : "s");
        } else if (s->n_fixed_p == 0) {
            int water = s->medium == DH_MEDIUM_WATER;
            verror(c, pos, comp,
                   "the %s network of %zu nodes connected to this node has no pressure reference: "
                   "give it a fixed-pressure source (%s)",
                   dh_medium_name(s->medium), s->size,
                   water ? "the plant header or a pressurisation point" : "the plant header");
        }
    }
    /* a water island with a reference: every hydraulic part needs one too */
    for (size_t k = 0; k < c->n_parts; k++) {
        const island_info *p = &c->prt[k];
        size_t n0 = p->first;
        const island_info *s = &c->isl[c->island[n0]];
        if (p->n_links == 0 || p->n_fixed_p > 0 || s->n_fixed_p == 0 || p->size == s->size ||
            s->medium != DH_MEDIUM_WATER)
            continue;
        char comp[DH_ERROR_COMP_MAX];
        comp_name(comp, sizeof comp, "node", net->nodes.id[n0]);
        verror(c, &net->nodes.pos[n0], comp,
               "the %zu node%s connected to this node by pipes, valves and pumps are joined to "
               "the rest of the %s network only through consumers and have no pressure "
               "reference: the water the consumers pass on cannot flow back; give this part a "
               "fixed-pressure source (e.g. the plant's return header)",
               p->size, p->size == 1 ? "" : "s", dh_medium_name(s->medium));
    }
}

/* ---- entry points ------------------------------------------------------------------------------ */

dh_status dh_network_validate_warn(const dh_network *net, dh_diag *diag, dh_diag *warnings)
{
    if (!net) return dh_diag_report(diag, DH_ERR_INTERNAL, NULL, NULL, "no network to validate");
    vctx c = {.net = net, .diag = diag, .warn = warnings};
    dh_status st = DH_OK;
    if (build_graph(&c)) {
        dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory validating the network");
        st = DH_ERR_NOMEM;
        goto done;
    }
    check_pipes(&c);
    check_valves(&c);
    check_pumps(&c);
    check_sources(&c);
    check_consumers(&c);
    check_substations(&c);
    check_bare_nodes(&c);
    check_islands(&c);
    st = c.n_errors ? DH_ERR_INPUT : DH_OK;
done:
    free(c.medium);
    free(c.degree);
    free(c.island);
    free(c.part);
    free(c.isl);
    free(c.prt);
    return st;
}

dh_status dh_network_validate(const dh_network *net, dh_diag *diag)
{
    return dh_network_validate_warn(net, diag, NULL);
}

void dh_validate_print_warnings(const dh_diag *warnings, FILE *out)
{
    if (!warnings) return;
    for (size_t i = 0; i < warnings->count; i++) {
        const dh_error *w = &warnings->items[i];
        if (w->file[0]) {
            fprintf(out, "%s:", w->file);
            if (w->line > 0) fprintf(out, "%d:", w->line);
            if (w->line > 0 && w->col > 0) fprintf(out, "%d:", w->col);
            fputc(' ', out);
        }
        fprintf(out, "warning: ");
        if (w->component[0]) fprintf(out, "%s: ", w->component);
        fprintf(out, "%s\n", w->message);
    }
    if (warnings->dropped)
        fprintf(out, "%zu more warning%s not shown\n", warnings->dropped,
                warnings->dropped == 1 ? "" : "s");
}
