/* net_build.c: building the immutable network (see dh_network.h).
 *
 * The builder keeps deep copies of the specs it is given. dh_netbuild_finish() resolves node ids
 * through a hash, reports every reference problem to the diagnostics list with its case-file
 * position, lays the components out as struct-of-arrays tables, builds the CSR node-link
 * incidence and derives each node's medium by a breadth-first walk from the sources.
 * Called by the case reader (case_read.c), by tests and by the benchmark generator.
 */
#include "dh_network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_strutil.h"

struct dh_net_private {
    dh_idmap node_map, link_map;
    char **files; /* interned file names that positions point to */
    size_t n_files;
};

/* ---- growable arrays of specs -------------------------------------------------------------- */

#define VEC(T)                                                                                 \
    struct {                                                                                   \
        T *v;                                                                                  \
        size_t n, cap;                                                                         \
    }

typedef VEC(dh_node_spec) node_vec;
typedef VEC(dh_pipe_spec) pipe_vec;
typedef VEC(dh_valve_spec) valve_vec;
typedef VEC(dh_pump_spec) pump_vec;
typedef VEC(dh_source_spec) source_vec;
typedef VEC(dh_consumer_spec) consumer_vec;
typedef VEC(dh_substation_spec) substation_vec;

struct dh_netbuild {
    char *name;
    dh_ambient ambient;
    node_vec nodes;
    pipe_vec pipes;
    valve_vec valves;
    pump_vec pumps;
    source_vec sources;
    consumer_vec consumers;
    substation_vec substations;
    char **files;
    size_t n_files;
    /* every string copied into the specs, freed with the builder */
    char **strings;
    size_t n_strings, cap_strings;
    void **blobs; /* insulation layers and pump curves */
    size_t n_blobs, cap_blobs;
};

static int vec_reserve(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? 2 * *cap : 16;
    while (n < need) n *= 2;
    void *p = realloc(*v, n * elem);
    if (!p) return -1;
    *v = p;
    *cap = n;
    return 0;
}

#define VEC_PUSH(vec, item)                                                                    \
    (vec_reserve((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof *(vec).v) == 0             \
         ? ((vec).v[(vec).n++] = (item), 0)                                                    \
         : -1)

static const char *keep_string(dh_netbuild *b, const char *s, int *fail)
{
    if (!s) return NULL;
    if (vec_reserve((void **)&b->strings, &b->cap_strings, b->n_strings + 1, sizeof(char *))) {
        *fail = 1;
        return NULL;
    }
    char *c = strdup(s);
    if (!c) {
        *fail = 1;
        return NULL;
    }
    b->strings[b->n_strings++] = c;
    return c;
}

static const void *keep_blob(dh_netbuild *b, const void *data, size_t bytes, int *fail)
{
    if (!data || bytes == 0) return NULL;
    if (vec_reserve((void **)&b->blobs, &b->cap_blobs, b->n_blobs + 1, sizeof(void *))) {
        *fail = 1;
        return NULL;
    }
    void *c = malloc(bytes);
    if (!c) {
        *fail = 1;
        return NULL;
    }
    memcpy(c, data, bytes);
    b->blobs[b->n_blobs++] = c;
    return c;
}

/* Interns the file name of a position so that positions stay valid after the reader is gone. */
static void keep_pos(dh_netbuild *b, dh_srcpos *pos, int *fail)
{
    if (!pos->file) return;
    for (size_t i = 0; i < b->n_files; i++)
        if (!strcmp(b->files[i], pos->file)) {
            pos->file = b->files[i];
            return;
        }
    char **p = realloc(b->files, (b->n_files + 1) * sizeof *p);
    if (!p) {
        *fail = 1;
        pos->file = NULL;
        return;
    }
    b->files = p;
    char *c = strdup(pos->file);
    if (!c) {
        *fail = 1;
        pos->file = NULL;
        return;
    }
    b->files[b->n_files++] = c;
    pos->file = c;
}

dh_status dh_netbuild_create(dh_netbuild **out, dh_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory creating the network builder");
    /* defaults: 15 degC air and soil, standard atmosphere, calm */
    (*out)->ambient.air_temperature = 288.15;
    (*out)->ambient.soil_temperature = 288.15;
    (*out)->ambient.atmospheric_pressure = 101325.0;
    (*out)->ambient.wind_speed = 0.0;
    return DH_OK;
}

void dh_netbuild_destroy(dh_netbuild **pb)
{
    if (!pb || !*pb) return;
    dh_netbuild *b = *pb;
    for (size_t i = 0; i < b->n_strings; i++) free(b->strings[i]);
    for (size_t i = 0; i < b->n_blobs; i++) free(b->blobs[i]);
    for (size_t i = 0; i < b->n_files; i++) free(b->files[i]);
    free(b->strings);
    free(b->blobs);
    free(b->files);
    free(b->name);
    free(b->nodes.v);
    free(b->pipes.v);
    free(b->valves.v);
    free(b->pumps.v);
    free(b->sources.v);
    free(b->consumers.v);
    free(b->substations.v);
    free(b);
    *pb = NULL;
}

void dh_netbuild_set_name(dh_netbuild *b, const char *name)
{
    free(b->name);
    b->name = name ? strdup(name) : NULL;
}

void dh_netbuild_set_ambient(dh_netbuild *b, const dh_ambient *ambient) { b->ambient = *ambient; }

static dh_status nomem(dh_error *err, const char *what, const char *id)
{
    return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory adding %s '%s'", what,
                        id ? id : "?");
}

dh_status dh_netbuild_add_node(dh_netbuild *b, const dh_node_spec *s, dh_error *err)
{
    int fail = 0;
    dh_node_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    keep_pos(b, &c.pos, &fail);
    if (fail || VEC_PUSH(b->nodes, c)) return nomem(err, "node", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_pipe(dh_netbuild *b, const dh_pipe_spec *s, dh_error *err)
{
    int fail = 0;
    dh_pipe_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.from = keep_string(b, s->from, &fail);
    c.to = keep_string(b, s->to, &fail);
    c.pair = keep_string(b, s->pair, &fail);
    c.ins = keep_blob(b, s->ins, s->n_ins * sizeof *s->ins, &fail);
    if (!c.ins) c.n_ins = 0;
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.from_pos, &fail);
    keep_pos(b, &c.to_pos, &fail);
    keep_pos(b, &c.pair_pos, &fail);
    if (fail || VEC_PUSH(b->pipes, c)) return nomem(err, "pipe", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_valve(dh_netbuild *b, const dh_valve_spec *s, dh_error *err)
{
    int fail = 0;
    dh_valve_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.from = keep_string(b, s->from, &fail);
    c.to = keep_string(b, s->to, &fail);
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.from_pos, &fail);
    keep_pos(b, &c.to_pos, &fail);
    if (fail || VEC_PUSH(b->valves, c)) return nomem(err, "valve", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_pump(dh_netbuild *b, const dh_pump_spec *s, dh_error *err)
{
    int fail = 0;
    dh_pump_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.from = keep_string(b, s->from, &fail);
    c.to = keep_string(b, s->to, &fail);
    c.curve_flow = keep_blob(b, s->curve_flow, s->n_curve * sizeof(double), &fail);
    c.curve_head = keep_blob(b, s->curve_head, s->n_curve * sizeof(double), &fail);
    if (!c.curve_flow || !c.curve_head) c.n_curve = 0;
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.from_pos, &fail);
    keep_pos(b, &c.to_pos, &fail);
    if (fail || VEC_PUSH(b->pumps, c)) return nomem(err, "pump", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_source(dh_netbuild *b, const dh_source_spec *s, dh_error *err)
{
    int fail = 0;
    dh_source_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.node = keep_string(b, s->node, &fail);
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.node_pos, &fail);
    if (fail || VEC_PUSH(b->sources, c)) return nomem(err, "source", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_consumer(dh_netbuild *b, const dh_consumer_spec *s, dh_error *err)
{
    int fail = 0;
    dh_consumer_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.group = keep_string(b, s->group ? s->group : "", &fail);
    c.node = keep_string(b, s->node, &fail);
    c.return_node = keep_string(b, s->return_node, &fail);
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.node_pos, &fail);
    keep_pos(b, &c.return_pos, &fail);
    if (fail || VEC_PUSH(b->consumers, c)) return nomem(err, "consumer", s->id);
    return DH_OK;
}

dh_status dh_netbuild_add_substation(dh_netbuild *b, const dh_substation_spec *s, dh_error *err)
{
    int fail = 0;
    dh_substation_spec c = *s;
    c.id = keep_string(b, s->id ? s->id : "", &fail);
    c.steam_node = keep_string(b, s->steam_node, &fail);
    c.water_in = keep_string(b, s->water_in, &fail);
    c.water_out = keep_string(b, s->water_out, &fail);
    keep_pos(b, &c.pos, &fail);
    keep_pos(b, &c.steam_pos, &fail);
    keep_pos(b, &c.in_pos, &fail);
    keep_pos(b, &c.out_pos, &fail);
    if (fail || VEC_PUSH(b->substations, c)) return nomem(err, "substation", s->id);
    return DH_OK;
}

void dh_pipe_spec_init(dh_pipe_spec *s)
{
    memset(s, 0, sizeof *s);
    s->wall_conductivity = 50.0; /* W/(m K), carbon steel (ISO 12241 Table, ~50 W/(m K)) */
    s->laying = DH_LAYING_ABOVE_GROUND;
}
void dh_valve_spec_init(dh_valve_spec *s)
{
    memset(s, 0, sizeof *s);
    s->opening = 1.0;
}
void dh_pump_spec_init(dh_pump_spec *s)
{
    memset(s, 0, sizeof *s);
    s->speed = 1.0;
}
void dh_source_spec_init(dh_source_spec *s) { memset(s, 0, sizeof *s); }
void dh_consumer_spec_init(dh_consumer_spec *s) { memset(s, 0, sizeof *s); }
void dh_substation_spec_init(dh_substation_spec *s) { memset(s, 0, sizeof *s); }

/* ---- the network ----------------------------------------------------------------------------- */

static void free_ids(char **ids, size_t n)
{
    if (!ids) return;
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
}

void dh_network_destroy(dh_network **pnet)
{
    if (!pnet || !*pnet) return;
    dh_network *net = *pnet;
    free(net->name);
    free_ids(net->nodes.id, net->nodes.n);
    free(net->nodes.x);
    free(net->nodes.y);
    free(net->nodes.z);
    free(net->nodes.medium);
    free(net->nodes.pos);
    free_ids(net->links.id, net->links.n);
    free(net->links.kind);
    free(net->links.from);
    free(net->links.to);
    free(net->links.index);
    free(net->links.pos);
    free(net->inc.start);
    free(net->inc.link);
    free(net->inc.sign);
    dh_pipes *p = &net->pipes;
    free(p->link);
    free(p->length);
    free(p->diameter);
    free(p->outer_diameter);
    free(p->roughness);
    free(p->local_loss);
    free(p->wall_conductivity);
    free(p->segments);
    free(p->laying);
    free(p->depth);
    free(p->soil_conductivity);
    free(p->surface_coefficient);
    free(p->pair);
    free(p->pair_spacing);
    free(p->ins_start);
    free(p->ins);
    free(p->hazen_williams_c);
    dh_valves *v = &net->valves;
    free(v->link);
    free(v->type);
    free(v->setpoint);
    free(v->diameter);
    free(v->kv);
    free(v->zeta);
    free(v->opening);
    dh_pumps *u = &net->pumps;
    free(u->link);
    free(u->curve_start);
    free(u->curve_flow);
    free(u->curve_head);
    free(u->speed);
    dh_sources *s = &net->sources;
    free_ids(s->id, s->n);
    free(s->node);
    free(s->type);
    free(s->medium);
    free(s->pressure);
    free(s->temperature);
    free(s->mass_flow);
    free(s->pos);
    dh_consumers *c = &net->consumers;
    free_ids(c->id, c->n);
    free_ids(c->group, c->n);
    free(c->node);
    free(c->return_node);
    free(c->type);
    free(c->demand_mass_flow);
    free(c->demand_heat);
    free(c->supply_temperature);
    free(c->return_temperature);
    free(c->min_pressure);
    free(c->min_temperature);
    free(c->require_dry);
    free(c->pos);
    free(c->demand_volume_flow);
    dh_substations *x = &net->substations;
    free_ids(x->id, x->n);
    free(x->steam_node);
    free(x->water_in);
    free(x->water_out);
    free(x->supply_temperature);
    free(x->condensate_temperature);
    free(x->max_heat);
    free(x->pos);
    if (net->priv) {
        dh_idmap_free(&net->priv->node_map);
        dh_idmap_free(&net->priv->link_map);
        free_ids(net->priv->files, net->priv->n_files);
        free(net->priv);
    }
    free(net);
    *pnet = NULL;
}

size_t dh_network_find_node(const dh_network *net, const char *id)
{
    size_t i = dh_idmap_get(&net->priv->node_map, id);
    return i == (size_t)-1 ? DH_NONE : i;
}

size_t dh_network_find_link(const dh_network *net, const char *id)
{
    size_t i = dh_idmap_get(&net->priv->link_map, id);
    return i == (size_t)-1 ? DH_NONE : i;
}

const char *dh_link_kind_name(dh_link_kind kind)
{
    switch (kind) {
    case DH_LINK_PIPE: return "pipe";
    case DH_LINK_VALVE: return "valve";
    case DH_LINK_PUMP: return "pump";
    }
    return "link";
}

const char *dh_medium_name(dh_medium m)
{
    switch (m) {
    case DH_MEDIUM_STEAM: return "steam";
    case DH_MEDIUM_WATER: return "water";
    case DH_MEDIUM_UNKNOWN: break;
    }
    return "unknown";
}

/* Resolves a node reference, reporting an unknown id with a suggestion. */
static size_t resolve_node(const dh_network *net, dh_diag *diag, const char *ref,
                           const dh_srcpos *pos, const char *what, const char *id,
                           const char *role)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "%s %s", what, id);
    if (!ref || !ref[0]) {
        dh_diag_report(diag, DH_ERR_INPUT, pos, comp, "missing '%s' node", role);
        return DH_NONE;
    }
    size_t i = dh_network_find_node(net, ref);
    if (i == DH_NONE) {
        /* a suggestion scans every node id: offer it for the first few unknown ids only, so a
           case full of dangling references stays linear in time */
        const char *hint = diag->count < 20 ? dh_str_suggest(ref, (const char *const *)net->nodes.id,
                                                             net->nodes.n)
                                            : NULL;
        if (hint)
            dh_diag_report(diag, DH_ERR_INPUT, pos, comp,
                           "unknown node '%s' in '%s' (did you mean '%s'?)", ref, role, hint);
        else
            dh_diag_report(diag, DH_ERR_INPUT, pos, comp, "unknown node '%s' in '%s'", ref, role);
    }
    return i;
}

#define ALLOC(ptr, count) (((ptr) = calloc((count) > 0 ? (size_t)(count) : 1u, sizeof *(ptr))) == NULL)

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

/* Unique ids within one table (sources, consumers, substations): reports duplicates. */
static void check_unique(dh_diag *diag, const char *what, char **ids, const dh_srcpos *pos,
                         size_t n, int *nomem_flag)
{
    dh_idmap m;
    if (dh_idmap_init(&m, n)) {
        *nomem_flag = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t first;
        int r = dh_idmap_put(&m, ids[i], i, &first);
        if (r < 0) *nomem_flag = 1;
        if (r == 1) {
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "%s %s", what, ids[i]);
            if (pos[first].file)
                dh_diag_report(diag, DH_ERR_INPUT, &pos[i], comp, "duplicate id (first defined at %s:%d:%d)",
                               pos[first].file, pos[first].line, pos[first].col);
            else
                dh_diag_report(diag, DH_ERR_INPUT, &pos[i], comp, "duplicate id");
        }
    }
    dh_idmap_free(&m);
}

/* Medium of every node: breadth-first from the sources over links (any direction); the two
 * sides of a substation seed steam and water. A node reached from both media is an error. */
static void derive_media(dh_network *net, dh_diag *diag, int *nomem_flag)
{
    size_t nn = net->nodes.n;
    size_t *queue = malloc((nn ? nn : 1) * sizeof *queue);
    if (!queue) {
        *nomem_flag = 1;
        return;
    }
    size_t head = 0, tail = 0;
    dh_medium *med = net->nodes.medium;
#define SEED(node, m)                                                                          \
    do {                                                                                       \
        size_t n_ = (node);                                                                    \
        if (n_ != DH_NONE && med[n_] == DH_MEDIUM_UNKNOWN && (m) != DH_MEDIUM_UNKNOWN) {       \
            med[n_] = (m);                                                                     \
            queue[tail++] = n_;                                                                \
        }                                                                                      \
    } while (0)
    for (size_t i = 0; i < net->sources.n; i++) SEED(net->sources.node[i], net->sources.medium[i]);
    for (size_t i = 0; i < net->substations.n; i++) {
        SEED(net->substations.steam_node[i], DH_MEDIUM_STEAM);
        SEED(net->substations.water_in[i], DH_MEDIUM_WATER);
        SEED(net->substations.water_out[i], DH_MEDIUM_WATER);
    }
#undef SEED
    int *reported = calloc(nn ? nn : 1, sizeof *reported);
    if (!reported) *nomem_flag = 1;
    while (head < tail) {
        size_t n = queue[head++];
        for (size_t k = net->inc.start[n]; k < net->inc.start[n + 1]; k++) {
            size_t l = net->inc.link[k];
            size_t o = net->links.from[l] == n ? net->links.to[l] : net->links.from[l];
            if (med[o] == DH_MEDIUM_UNKNOWN) {
                med[o] = med[n];
                queue[tail++] = o;
            } else if (med[o] != med[n] && reported && !reported[o] && !reported[n]) {
                reported[o] = reported[n] = 1; /* one message per meeting point */
                char comp[DH_ERROR_COMP_MAX];
                snprintf(comp, sizeof comp, "node %s", net->nodes.id[o]);
                dh_diag_report(diag, DH_ERR_INPUT, &net->nodes.pos[o], comp,
                               "connected to both a steam and a water network (through %s %s); "
                               "a steam-to-water substation must separate them",
                               dh_link_kind_name(net->links.kind[l]), net->links.id[l]);
            }
        }
    }
    /* water consumers' return nodes belong to the same water network */
    free(reported);
    free(queue);
}

dh_status dh_netbuild_finish(dh_netbuild *b, dh_network **out, dh_diag *diag)
{
    *out = NULL;
    size_t errors_before = diag->count + diag->dropped;
    int oom = 0;
    dh_network *net = calloc(1, sizeof *net);
    if (!net) return DH_ERR_NOMEM;
    net->priv = calloc(1, sizeof *net->priv);
    if (!net->priv) {
        free(net);
        return DH_ERR_NOMEM;
    }
    /* files: ownership moves to the network */
    net->priv->files = b->files;
    net->priv->n_files = b->n_files;
    b->files = NULL;
    b->n_files = 0;
    net->name = b->name ? strdup(b->name) : NULL;
    net->ambient = b->ambient;

    /* nodes */
    size_t nn = b->nodes.n;
    dh_nodes *N = &net->nodes;
    N->n = nn;
    oom |= ALLOC(N->id, nn) | ALLOC(N->x, nn) | ALLOC(N->y, nn) | ALLOC(N->z, nn) |
           ALLOC(N->medium, nn) | ALLOC(N->pos, nn);
    if (oom || dh_idmap_init(&net->priv->node_map, nn)) goto nomem;
    for (size_t i = 0; i < nn; i++) {
        const dh_node_spec *s = &b->nodes.v[i];
        if (!(N->id[i] = strdup(s->id))) goto nomem;
        N->x[i] = s->x;
        N->y[i] = s->y;
        N->z[i] = s->z;
        N->pos[i] = s->pos;
        size_t first;
        int r = dh_idmap_put(&net->priv->node_map, N->id[i], i, &first);
        if (r < 0) goto nomem;
        if (r == 1) {
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "node %s", s->id);
            if (N->pos[first].file)
                dh_diag_report(diag, DH_ERR_INPUT, &s->pos, comp, "duplicate id (first defined at %s:%d:%d)",
                               N->pos[first].file, N->pos[first].line, N->pos[first].col);
            else
                dh_diag_report(diag, DH_ERR_INPUT, &s->pos, comp, "duplicate id");
        }
    }

    /* links: pipes, then valves, then pumps */
    size_t np = b->pipes.n, nv = b->valves.n, nu = b->pumps.n, nl = np + nv + nu;
    dh_links *L = &net->links;
    L->n = nl;
    oom |= ALLOC(L->id, nl) | ALLOC(L->kind, nl) | ALLOC(L->from, nl) | ALLOC(L->to, nl) |
           ALLOC(L->index, nl) | ALLOC(L->pos, nl);
    if (oom || dh_idmap_init(&net->priv->link_map, nl)) goto nomem;
    {
        size_t l = 0;
        for (size_t i = 0; i < np; i++, l++) {
            const dh_pipe_spec *s = &b->pipes.v[i];
            L->kind[l] = DH_LINK_PIPE;
            L->index[l] = i;
            L->pos[l] = s->pos;
            if (!(L->id[l] = strdup(s->id))) goto nomem;
            L->from[l] = resolve_node(net, diag, s->from, &s->from_pos, "pipe", s->id, "from");
            L->to[l] = resolve_node(net, diag, s->to, &s->to_pos, "pipe", s->id, "to");
        }
        for (size_t i = 0; i < nv; i++, l++) {
            const dh_valve_spec *s = &b->valves.v[i];
            L->kind[l] = DH_LINK_VALVE;
            L->index[l] = i;
            L->pos[l] = s->pos;
            if (!(L->id[l] = strdup(s->id))) goto nomem;
            L->from[l] = resolve_node(net, diag, s->from, &s->from_pos, "valve", s->id, "from");
            L->to[l] = resolve_node(net, diag, s->to, &s->to_pos, "valve", s->id, "to");
        }
        for (size_t i = 0; i < nu; i++, l++) {
            const dh_pump_spec *s = &b->pumps.v[i];
            L->kind[l] = DH_LINK_PUMP;
            L->index[l] = i;
            L->pos[l] = s->pos;
            if (!(L->id[l] = strdup(s->id))) goto nomem;
            L->from[l] = resolve_node(net, diag, s->from, &s->from_pos, "pump", s->id, "from");
            L->to[l] = resolve_node(net, diag, s->to, &s->to_pos, "pump", s->id, "to");
        }
        for (l = 0; l < nl; l++) {
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "%s %s", dh_link_kind_name(L->kind[l]), L->id[l]);
            size_t first;
            int r = dh_idmap_put(&net->priv->link_map, L->id[l], l, &first);
            if (r < 0) goto nomem;
            if (r == 1)
                dh_diag_report(diag, DH_ERR_INPUT, &L->pos[l], comp,
                               "duplicate id (already used by %s %s%s%s)",
                               dh_link_kind_name(L->kind[first]), L->id[first],
                               L->pos[first].file ? " at " : "",
                               L->pos[first].file ? L->pos[first].file : "");
            if (L->from[l] != DH_NONE && L->from[l] == L->to[l])
                dh_diag_report(diag, DH_ERR_INPUT, &L->pos[l], comp,
                               "starts and ends at the same node '%s'", net->nodes.id[L->from[l]]);
        }
    }

    /* pipe table */
    dh_pipes *P = &net->pipes;
    P->n = np;
    size_t n_ins = 0;
    for (size_t i = 0; i < np; i++) n_ins += b->pipes.v[i].n_ins;
    oom |= ALLOC(P->hazen_williams_c, np);
    oom |= ALLOC(P->link, np) | ALLOC(P->length, np) | ALLOC(P->diameter, np) |
           ALLOC(P->outer_diameter, np) | ALLOC(P->roughness, np) | ALLOC(P->local_loss, np) |
           ALLOC(P->wall_conductivity, np) | ALLOC(P->segments, np) | ALLOC(P->laying, np) |
           ALLOC(P->depth, np) | ALLOC(P->soil_conductivity, np) |
           ALLOC(P->surface_coefficient, np) | ALLOC(P->pair, np) | ALLOC(P->pair_spacing, np) |
           ALLOC(P->ins_start, np + 1) | ALLOC(P->ins, n_ins);
    if (oom) goto nomem;
    for (size_t i = 0, k = 0; i < np; i++) {
        const dh_pipe_spec *s = &b->pipes.v[i];
        P->link[i] = i;
        P->length[i] = s->length;
        P->diameter[i] = s->diameter;
        /* default steel outside diameter: about 8 % above the bore, typical of standard-wall
           steel pipe in DN 100-500 (EN 10220 series); the DN table of the reader gives exact ones */
        P->outer_diameter[i] = s->outer_diameter > 0 ? s->outer_diameter : 1.08 * s->diameter;
        P->roughness[i] = s->roughness;
        P->local_loss[i] = s->local_loss;
        P->wall_conductivity[i] = s->wall_conductivity;
        P->segments[i] = s->segments;
        P->laying[i] = s->laying;
        P->depth[i] = s->depth;
        P->soil_conductivity[i] = s->soil_conductivity;
        P->surface_coefficient[i] = s->surface_coefficient;
        P->pair_spacing[i] = s->pair_spacing;
        P->hazen_williams_c[i] = s->hazen_williams_c;
        P->pair[i] = DH_NONE;
        P->ins_start[i] = k;
        for (size_t j = 0; j < s->n_ins; j++) P->ins[k++] = s->ins[j];
        P->ins_start[i + 1] = k;
        if (s->pair) {
            size_t l = dh_network_find_link(net, s->pair);
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "pipe %s", s->id);
            if (l == DH_NONE || L->kind[l] != DH_LINK_PIPE)
                dh_diag_report(diag, DH_ERR_INPUT, s->pair_pos.file ? &s->pair_pos : &s->pos,
                               comp, "paired with unknown pipe '%s'", s->pair);
            else if (L->index[l] == i)
                dh_diag_report(diag, DH_ERR_INPUT, s->pair_pos.file ? &s->pair_pos : &s->pos,
                               comp, "paired with itself");
            else
                P->pair[i] = L->index[l];
        }
    }

    /* valve table */
    dh_valves *V = &net->valves;
    V->n = nv;
    oom |= ALLOC(V->link, nv) | ALLOC(V->type, nv) | ALLOC(V->setpoint, nv) |
           ALLOC(V->diameter, nv) | ALLOC(V->kv, nv) | ALLOC(V->zeta, nv) | ALLOC(V->opening, nv);
    if (oom) goto nomem;
    for (size_t i = 0; i < nv; i++) {
        const dh_valve_spec *s = &b->valves.v[i];
        V->link[i] = np + i;
        V->type[i] = s->type;
        V->setpoint[i] = s->setpoint;
        V->diameter[i] = s->diameter;
        V->kv[i] = s->kv;
        V->zeta[i] = s->zeta;
        V->opening[i] = s->opening;
    }

    /* pump table */
    dh_pumps *U = &net->pumps;
    U->n = nu;
    size_t n_curve = 0;
    for (size_t i = 0; i < nu; i++) n_curve += b->pumps.v[i].n_curve;
    oom |= ALLOC(U->link, nu) | ALLOC(U->curve_start, nu + 1) | ALLOC(U->curve_flow, n_curve) |
           ALLOC(U->curve_head, n_curve) | ALLOC(U->speed, nu);
    if (oom) goto nomem;
    for (size_t i = 0, k = 0; i < nu; i++) {
        const dh_pump_spec *s = &b->pumps.v[i];
        U->link[i] = np + nv + i;
        U->speed[i] = s->speed;
        U->curve_start[i] = k;
        for (size_t j = 0; j < s->n_curve; j++, k++) {
            U->curve_flow[k] = s->curve_flow[j];
            U->curve_head[k] = s->curve_head[j];
        }
        U->curve_start[i + 1] = k;
    }

    /* sources */
    dh_sources *S = &net->sources;
    size_t ns = S->n = b->sources.n;
    oom |= ALLOC(S->id, ns) | ALLOC(S->node, ns) | ALLOC(S->type, ns) | ALLOC(S->medium, ns) |
           ALLOC(S->pressure, ns) | ALLOC(S->temperature, ns) | ALLOC(S->mass_flow, ns) |
           ALLOC(S->pos, ns);
    if (oom) goto nomem;
    for (size_t i = 0; i < ns; i++) {
        const dh_source_spec *s = &b->sources.v[i];
        if (!(S->id[i] = dup_or_empty(s->id))) goto nomem;
        S->node[i] = resolve_node(net, diag, s->node, s->node_pos.file ? &s->node_pos : &s->pos,
                                  "source", s->id, "node");
        S->type[i] = s->type;
        S->medium[i] = s->medium;
        S->pressure[i] = s->pressure;
        S->temperature[i] = s->temperature;
        S->mass_flow[i] = s->mass_flow;
        S->pos[i] = s->pos;
    }
    check_unique(diag, "source", S->id, S->pos, ns, &oom);

    /* consumers */
    dh_consumers *C = &net->consumers;
    size_t nc = C->n = b->consumers.n;
    oom |= ALLOC(C->id, nc) | ALLOC(C->group, nc) | ALLOC(C->node, nc) |
           ALLOC(C->return_node, nc) | ALLOC(C->type, nc) | ALLOC(C->demand_mass_flow, nc) |
           ALLOC(C->demand_heat, nc) | ALLOC(C->supply_temperature, nc) |
           ALLOC(C->return_temperature, nc) | ALLOC(C->min_pressure, nc) |
           ALLOC(C->min_temperature, nc) | ALLOC(C->require_dry, nc) | ALLOC(C->pos, nc) |
           ALLOC(C->demand_volume_flow, nc);
    if (oom) goto nomem;
    for (size_t i = 0; i < nc; i++) {
        const dh_consumer_spec *s = &b->consumers.v[i];
        if (!(C->id[i] = dup_or_empty(s->id)) || !(C->group[i] = dup_or_empty(s->group)))
            goto nomem;
        C->node[i] = resolve_node(net, diag, s->node, s->node_pos.file ? &s->node_pos : &s->pos,
                                  "consumer", s->id, "node");
        C->return_node[i] = s->return_node
                                ? resolve_node(net, diag, s->return_node,
                                               s->return_pos.file ? &s->return_pos : &s->pos,
                                               "consumer", s->id, "return_node")
                                : DH_NONE;
        C->type[i] = s->type;
        C->demand_mass_flow[i] = s->demand_mass_flow;
        C->demand_heat[i] = s->demand_heat;
        C->supply_temperature[i] = s->supply_temperature;
        C->return_temperature[i] = s->return_temperature;
        C->min_pressure[i] = s->min_pressure;
        C->min_temperature[i] = s->min_temperature;
        C->require_dry[i] = s->require_dry;
        C->pos[i] = s->pos;
        C->demand_volume_flow[i] = s->demand_volume_flow;
    }
    check_unique(diag, "consumer", C->id, C->pos, nc, &oom);

    /* substations */
    dh_substations *X = &net->substations;
    size_t nx = X->n = b->substations.n;
    oom |= ALLOC(X->id, nx) | ALLOC(X->steam_node, nx) | ALLOC(X->water_in, nx) |
           ALLOC(X->water_out, nx) | ALLOC(X->supply_temperature, nx) |
           ALLOC(X->condensate_temperature, nx) | ALLOC(X->max_heat, nx) | ALLOC(X->pos, nx);
    if (oom) goto nomem;
    for (size_t i = 0; i < nx; i++) {
        const dh_substation_spec *s = &b->substations.v[i];
        if (!(X->id[i] = dup_or_empty(s->id))) goto nomem;
        X->steam_node[i] = resolve_node(net, diag, s->steam_node, s->steam_pos.file ? &s->steam_pos : &s->pos,
                                        "substation", s->id, "steam_node");
        X->water_in[i] = resolve_node(net, diag, s->water_in, s->in_pos.file ? &s->in_pos : &s->pos,
                                      "substation", s->id, "water_in");
        X->water_out[i] = resolve_node(net, diag, s->water_out, s->out_pos.file ? &s->out_pos : &s->pos,
                                       "substation", s->id, "water_out");
        X->supply_temperature[i] = s->supply_temperature;
        X->condensate_temperature[i] = s->condensate_temperature;
        X->max_heat[i] = s->max_heat;
        X->pos[i] = s->pos;
    }
    check_unique(diag, "substation", X->id, X->pos, nx, &oom);
    if (oom) goto nomem;

    if (diag->count + diag->dropped > errors_before) {
        dh_network_destroy(&net);
        return DH_ERR_INPUT;
    }

    /* CSR incidence (only reached when every link has both ends) */
    dh_incidence *I = &net->inc;
    oom |= ALLOC(I->start, nn + 1) | ALLOC(I->link, nl + nl) | ALLOC(I->sign, nl + nl);
    if (oom) goto nomem;
    for (size_t l = 0; l < nl; l++) {
        I->start[L->from[l] + 1]++;
        I->start[L->to[l] + 1]++;
    }
    for (size_t i = 0; i < nn; i++) I->start[i + 1] += I->start[i];
    {
        size_t *fill = malloc((nn ? nn : 1) * sizeof *fill);
        if (!fill) goto nomem;
        memcpy(fill, I->start, nn * sizeof *fill);
        for (size_t l = 0; l < nl; l++) {
            size_t k = fill[L->from[l]]++;
            I->link[k] = l;
            I->sign[k] = +1;
            k = fill[L->to[l]]++;
            I->link[k] = l;
            I->sign[k] = -1;
        }
        free(fill);
    }

    derive_media(net, diag, &oom);
    if (oom) goto nomem;
    if (diag->count + diag->dropped > errors_before) {
        dh_network_destroy(&net);
        return DH_ERR_INPUT;
    }
    *out = net;
    return DH_OK;

nomem:
    dh_network_destroy(&net);
    dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory building the network");
    return DH_ERR_NOMEM;
}

/* ---- copying a network into a builder ------------------------------------------------------ */

void dh_pipe_spec_from_network(const dh_network *net, size_t i, dh_pipe_spec *s)
{
    const dh_nodes *N = &net->nodes;
    const dh_links *L = &net->links;
    const dh_pipes *P = &net->pipes;
    size_t l = P->link[i];
    dh_pipe_spec_init(s);
    s->id = L->id[l];
    s->from = N->id[L->from[l]];
    s->to = N->id[L->to[l]];
    s->length = P->length[i];
    s->diameter = P->diameter[i];
    s->outer_diameter = P->outer_diameter[i];
    s->roughness = P->roughness[i];
    s->local_loss = P->local_loss[i];
    s->wall_conductivity = P->wall_conductivity[i];
    s->segments = P->segments[i];
    s->laying = P->laying[i];
    s->depth = P->depth[i];
    s->soil_conductivity = P->soil_conductivity[i];
    s->surface_coefficient = P->surface_coefficient[i];
    s->pair = P->pair[i] != DH_NONE ? L->id[P->link[P->pair[i]]] : NULL;
    s->pair_spacing = P->pair_spacing[i];
    s->ins = P->ins + P->ins_start[i];
    s->n_ins = P->ins_start[i + 1] - P->ins_start[i];
    s->hazen_williams_c = P->hazen_williams_c[i];
    s->pos = s->from_pos = s->to_pos = s->pair_pos = L->pos[l];
}

dh_status dh_netbuild_add_network(dh_netbuild *b, const dh_network *net,
                                  const dh_network_copy_edit *edit, dh_error *err)
{
    dh_status st = DH_OK;
    dh_netbuild_set_name(b, net->name);
    dh_netbuild_set_ambient(b, &net->ambient);
    const dh_nodes *N = &net->nodes;
    const dh_links *L = &net->links;
    for (size_t i = 0; i < N->n && st == DH_OK; i++) {
        dh_node_spec s = {N->id[i], N->x[i], N->y[i], N->z[i], N->pos[i]};
        st = dh_netbuild_add_node(b, &s, err);
    }
    for (size_t i = 0; i < net->pipes.n && st == DH_OK; i++) {
        dh_pipe_spec s;
        dh_pipe_spec_from_network(net, i, &s);
        if (edit && edit->pipe) edit->pipe(edit->ctx, i, &s);
        st = dh_netbuild_add_pipe(b, &s, err);
    }
    const dh_valves *V = &net->valves;
    for (size_t i = 0; i < V->n && st == DH_OK; i++) {
        size_t l = V->link[i];
        dh_valve_spec s;
        dh_valve_spec_init(&s);
        s.id = L->id[l];
        s.from = N->id[L->from[l]];
        s.to = N->id[L->to[l]];
        s.type = V->type[i];
        s.setpoint = V->setpoint[i];
        s.diameter = V->diameter[i];
        s.kv = V->kv[i];
        s.zeta = V->zeta[i];
        s.opening = V->opening[i];
        s.pos = s.from_pos = s.to_pos = L->pos[l];
        st = dh_netbuild_add_valve(b, &s, err);
    }
    const dh_pumps *U = &net->pumps;
    for (size_t i = 0; i < U->n && st == DH_OK; i++) {
        size_t l = U->link[i];
        dh_pump_spec s;
        dh_pump_spec_init(&s);
        s.id = L->id[l];
        s.from = N->id[L->from[l]];
        s.to = N->id[L->to[l]];
        s.curve_flow = U->curve_flow + U->curve_start[i];
        s.curve_head = U->curve_head + U->curve_start[i];
        s.n_curve = U->curve_start[i + 1] - U->curve_start[i];
        s.speed = U->speed[i];
        s.pos = s.from_pos = s.to_pos = L->pos[l];
        st = dh_netbuild_add_pump(b, &s, err);
    }
    const dh_sources *S = &net->sources;
    for (size_t j = 0; j < S->n && st == DH_OK; j++) {
        dh_source_spec s;
        dh_source_spec_init(&s);
        s.id = S->id[j];
        s.node = N->id[S->node[j]];
        s.pos = s.node_pos = S->pos[j];
        s.type = S->type[j];
        s.medium = S->medium[j];
        s.pressure = S->pressure[j];
        s.temperature = S->temperature[j];
        s.mass_flow = S->mass_flow[j];
        if (edit && edit->source) edit->source(edit->ctx, j, &s);
        st = dh_netbuild_add_source(b, &s, err);
    }
    const dh_consumers *C = &net->consumers;
    for (size_t c = 0; c < C->n && st == DH_OK; c++) {
        dh_consumer_spec s;
        dh_consumer_spec_init(&s);
        s.id = C->id[c];
        s.group = C->group[c];
        s.node = N->id[C->node[c]];
        s.return_node = C->return_node[c] != DH_NONE ? N->id[C->return_node[c]] : NULL;
        s.type = C->type[c];
        s.demand_mass_flow = C->demand_mass_flow[c];
        s.demand_volume_flow = C->demand_volume_flow[c];
        s.demand_heat = C->demand_heat[c];
        s.supply_temperature = C->supply_temperature[c];
        s.return_temperature = C->return_temperature[c];
        s.min_pressure = C->min_pressure[c];
        s.min_temperature = C->min_temperature[c];
        s.require_dry = C->require_dry[c];
        s.pos = s.node_pos = s.return_pos = C->pos[c];
        if (edit && edit->consumer) edit->consumer(edit->ctx, c, &s);
        st = dh_netbuild_add_consumer(b, &s, err);
    }
    const dh_substations *X = &net->substations;
    for (size_t i = 0; i < X->n && st == DH_OK; i++) {
        dh_substation_spec s;
        dh_substation_spec_init(&s);
        s.id = X->id[i];
        s.steam_node = N->id[X->steam_node[i]];
        s.water_in = N->id[X->water_in[i]];
        s.water_out = N->id[X->water_out[i]];
        s.supply_temperature = X->supply_temperature[i];
        s.condensate_temperature = X->condensate_temperature[i];
        s.max_heat = X->max_heat[i];
        s.pos = s.steam_pos = s.in_pos = s.out_pos = X->pos[i];
        st = dh_netbuild_add_substation(b, &s, err);
    }
    return st;
}

dh_status dh_netbuild_finish_one(dh_netbuild *b, dh_network **out, dh_error *err)
{
    dh_diag diag;
    dh_diag_init(&diag, 4);
    dh_status st = dh_netbuild_finish(b, out, &diag);
    if (st != DH_OK && err) {
        if (diag.count)
            *err = diag.items[0];
        else
            dh_error_set(err, st, NULL, NULL, "building the network failed");
    }
    dh_diag_free(&diag);
    return st;
}
