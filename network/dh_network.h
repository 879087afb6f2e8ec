/* dh_network.h: the network model (public).
 *
 * A `dh_network` is immutable once built: struct of arrays per component table, 0-based indices,
 * a CSR node-link incidence, component ids and case-file positions kept for messages. All values
 * are SI: m, Pa (ABSOLUTE pressure everywhere inside dhsim), K, kg/s, W, m3/s.
 *
 * It is built through a `dh_netbuild`: components are added with string references to node ids
 * (order does not matter); dh_netbuild_finish() resolves the ids, reports every dangling or
 * duplicate id, derives each node's medium and builds the incidence. The solver borrows
 * `const dh_network *`; the network owns all its arrays and strings.
 */
#ifndef DH_NETWORK_H
#define DH_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dh_status.h"

#define DH_NONE SIZE_MAX /* "no index" (no return node, no paired pipe, id not found) */

typedef enum dh_medium {
    DH_MEDIUM_UNKNOWN = 0, /* not reached from any source or substation */
    DH_MEDIUM_STEAM = 1,
    DH_MEDIUM_WATER = 2,
} dh_medium;

typedef enum dh_link_kind {
    DH_LINK_PIPE = 0,
    DH_LINK_VALVE = 1,
    DH_LINK_PUMP = 2,
} dh_link_kind;

typedef enum dh_laying {
    DH_LAYING_ABOVE_GROUND = 0, /* in air: insulation + outer surface coefficient to air */
    DH_LAYING_BURIED = 1,       /* in soil: insulation + soil resistance (single or paired) */
} dh_laying;

typedef enum dh_valve_type {
    DH_VALVE_PRESSURE_REDUCING = 0, /* holds downstream pressure at `setpoint` when it can */
    DH_VALVE_CHECK = 1,             /* flow only from -> to */
    DH_VALVE_THROTTLE = 2,          /* fixed opening with a Kv (or zeta) characteristic */
} dh_valve_type;

typedef enum dh_source_type {
    DH_SOURCE_FIXED_PRESSURE = 0, /* plant header / pressurisation: p and T set, flow free */
    DH_SOURCE_FIXED_FLOW = 1,     /* mass flow and T set, pressure free */
} dh_source_type;

typedef enum dh_consumer_type {
    DH_CONSUMER_STEAM = 0, /* process steam: mass-flow demand drawn at `node` */
    DH_CONSUMER_HEAT = 1,  /* heat demand: water substation between `node` (supply) and
                              `return_node`; or on a steam node, steam condensed to
                              `return_temperature` to deliver `demand_heat` */
    DH_CONSUMER_WATER = 2, /* water drawn out of the network at `node` (no return, no heat):
                              `demand_volume_flow` (met at the node's density) or
                              `demand_mass_flow`; docs/model.md "Water draw" */
} dh_consumer_type;

/* One insulation layer, listed from the pipe wall outwards. */
typedef struct dh_insulation_layer {
    double thickness;    /* m */
    double conductivity; /* W/(m K) */
} dh_insulation_layer;

typedef struct dh_ambient {
    double air_temperature;      /* K, outdoor air (above-ground pipes, loads) */
    double soil_temperature;     /* K, undisturbed soil at pipe depth (buried pipes) */
    double atmospheric_pressure; /* Pa, for gauge <-> absolute conversion */
    double wind_speed;           /* m/s, for the outer surface coefficient of above-ground pipes */
} dh_ambient;

/* ---- the immutable network ------------------------------------------------------------- */

typedef struct dh_nodes {
    size_t n;
    char **id;
    double *x, *y, *z; /* m; z is elevation above datum */
    dh_medium *medium; /* derived by the builder from the sources/substations */
    dh_srcpos *pos;
} dh_nodes;

typedef struct dh_links {
    size_t n;
    char **id;
    dh_link_kind *kind;
    size_t *from, *to; /* node indices; positive mass flow runs from -> to */
    size_t *index;     /* row in the pipe, valve or pump table of this kind */
    dh_srcpos *pos;
} dh_links;

/* CSR node-link incidence: links touching node i are link[start[i] .. start[i+1]-1];
 * sign is +1 when the link leaves the node (node == from), -1 when it enters (node == to). */
typedef struct dh_incidence {
    size_t *start; /* n_nodes + 1 */
    size_t *link;  /* 2 * n_links */
    int8_t *sign;  /* 2 * n_links */
} dh_incidence;

typedef struct dh_pipes {
    size_t n;
    size_t *link;           /* row in dh_links */
    double *length;         /* m */
    double *diameter;       /* m, inner */
    double *outer_diameter; /* m, steel pipe outside (insulation starts here) */
    double *roughness;      /* m, absolute (equivalent sand-grain) */
    double *local_loss;     /* -, sum of fitting K-values (referred to the pipe velocity) */
    double *wall_conductivity; /* W/(m K), pipe wall */
    unsigned *segments;     /* number of segments for steam (0: solver chooses) */
    dh_laying *laying;
    double *depth;          /* m, buried: ground surface to pipe axis */
    double *soil_conductivity;  /* W/(m K), buried */
    double *surface_coefficient; /* W/(m2 K), above ground: outer surface to air (0: from wind) */
    size_t *pair;           /* buried: the paired (supply/return) pipe's row, or DH_NONE */
    double *pair_spacing;   /* m, centre-to-centre distance of a buried pair */
    size_t *ins_start;      /* n + 1: layers of pipe i are ins[ins_start[i] .. ins_start[i+1]-1] */
    dh_insulation_layer *ins;
    double *hazen_williams_c; /* -, Hazen-Williams C (water pipes, used when study.friction is
                                 hazen_williams); 0: not given */
} dh_pipes;

typedef struct dh_valves {
    size_t n;
    size_t *link;
    dh_valve_type *type;
    double *setpoint; /* Pa absolute, downstream (pressure reducing) */
    double *diameter; /* m, nominal bore */
    double *kv;       /* m3/h at 1 bar for water, fully open (0: from zeta) */
    double *zeta;     /* -, loss coefficient fully open, referred to the bore velocity */
    double *opening;  /* 0..1 */
} dh_valves;

typedef struct dh_pumps {
    size_t n;
    size_t *link;
    size_t *curve_start; /* n + 1 */
    double *curve_flow;  /* m3/s, increasing */
    double *curve_head;  /* m of water column */
    double *speed;       /* relative speed (affinity laws), 1 = curve as given */
} dh_pumps;

typedef struct dh_sources {
    size_t n;
    char **id;
    size_t *node;
    dh_source_type *type;
    dh_medium *medium;
    double *pressure;    /* Pa absolute (fixed pressure) */
    double *temperature; /* K (supply temperature; for steam the header temperature) */
    double *mass_flow;   /* kg/s (fixed flow) */
    dh_srcpos *pos;
} dh_sources;

typedef struct dh_consumers {
    size_t n;
    char **id;
    char **group;        /* consumer group ("chemical", "residential"...) or "" */
    size_t *node;        /* supply node */
    size_t *return_node; /* water return node, or DH_NONE */
    dh_consumer_type *type;
    double *demand_mass_flow;   /* kg/s (steam) */
    double *demand_heat;        /* W (heat) */
    double *supply_temperature; /* K, design supply temperature (heat, water) */
    double *return_temperature; /* K, return / condensate temperature (heat) */
    double *min_pressure;       /* Pa absolute, minimum delivery pressure (0: none) */
    double *min_temperature;    /* K, minimum delivery temperature (0: none) */
    bool *require_dry;          /* steam must arrive dry (quality 1) */
    dh_srcpos *pos;
    double *demand_volume_flow; /* m3/s (water consumer with a volume demand; 0 otherwise:
                                   then its demand is demand_mass_flow) */
} dh_consumers;

/* Steam-to-water heat-exchange station: condenses steam from `steam_node` and heats the
 * secondary water flowing from `water_in` (return) to `water_out` (supply). */
typedef struct dh_substations {
    size_t n;
    char **id;
    size_t *steam_node;
    size_t *water_in, *water_out;
    double *supply_temperature; /* K, secondary supply set point */
    double *condensate_temperature; /* K, condensate leaving the exchanger */
    double *max_heat;           /* W, exchanger capacity (0: unlimited) */
    dh_srcpos *pos;
} dh_substations;

typedef struct dh_network {
    char *name;
    dh_ambient ambient;
    dh_nodes nodes;
    dh_links links;
    dh_incidence inc;
    dh_pipes pipes;
    dh_valves valves;
    dh_pumps pumps;
    dh_sources sources;
    dh_consumers consumers;
    dh_substations substations;
    /* private: id hash for nodes and links, file names of positions */
    struct dh_net_private *priv;
} dh_network;

void dh_network_destroy(dh_network **net);

/* Index of the node / link with this id, or DH_NONE. O(1). */
size_t dh_network_find_node(const dh_network *net, const char *id);
size_t dh_network_find_link(const dh_network *net, const char *id);
/* "pipe P-17", "valve V1", "pump PU1": the component name used in messages. */
const char *dh_link_kind_name(dh_link_kind kind);
const char *dh_medium_name(dh_medium m);

/* ---- building ---------------------------------------------------------------------------- */

typedef struct dh_netbuild dh_netbuild;

typedef struct dh_node_spec {
    const char *id;
    double x, y, z; /* m */
    dh_srcpos pos;
} dh_node_spec;

typedef struct dh_pipe_spec {
    const char *id, *from, *to;
    double length, diameter, outer_diameter, roughness, local_loss, wall_conductivity;
    unsigned segments;
    dh_laying laying;
    double depth, soil_conductivity, surface_coefficient;
    const char *pair;    /* id of the paired pipe, or NULL */
    double pair_spacing;
    const dh_insulation_layer *ins;
    size_t n_ins;
    dh_srcpos pos, from_pos, to_pos, pair_pos;
    double hazen_williams_c; /* -, Hazen-Williams C; 0: not given */
} dh_pipe_spec;

typedef struct dh_valve_spec {
    const char *id, *from, *to;
    dh_valve_type type;
    double setpoint, diameter, kv, zeta, opening;
    dh_srcpos pos, from_pos, to_pos;
} dh_valve_spec;

typedef struct dh_pump_spec {
    const char *id, *from, *to;
    const double *curve_flow, *curve_head;
    size_t n_curve;
    double speed;
    dh_srcpos pos, from_pos, to_pos;
} dh_pump_spec;

typedef struct dh_source_spec {
    const char *id, *node;
    dh_source_type type;
    dh_medium medium;
    double pressure, temperature, mass_flow;
    dh_srcpos pos, node_pos;
} dh_source_spec;

typedef struct dh_consumer_spec {
    const char *id, *group, *node, *return_node; /* return_node may be NULL */
    dh_consumer_type type;
    double demand_mass_flow, demand_heat, supply_temperature, return_temperature;
    double min_pressure, min_temperature;
    bool require_dry;
    dh_srcpos pos, node_pos, return_pos;
    double demand_volume_flow; /* m3/s, water consumers with a volume demand (else 0) */
} dh_consumer_spec;

typedef struct dh_substation_spec {
    const char *id, *steam_node, *water_in, *water_out;
    double supply_temperature, condensate_temperature, max_heat;
    dh_srcpos pos, steam_pos, in_pos, out_pos;
} dh_substation_spec;

dh_status dh_netbuild_create(dh_netbuild **out, dh_error *err);
void dh_netbuild_destroy(dh_netbuild **b);

/* Strings in specs are copied; positions' file names are interned by the builder.
 * These only fail on allocation (DH_ERR_NOMEM). */
void dh_netbuild_set_name(dh_netbuild *b, const char *name);
void dh_netbuild_set_ambient(dh_netbuild *b, const dh_ambient *ambient);
dh_status dh_netbuild_add_node(dh_netbuild *b, const dh_node_spec *s, dh_error *err);
dh_status dh_netbuild_add_pipe(dh_netbuild *b, const dh_pipe_spec *s, dh_error *err);
dh_status dh_netbuild_add_valve(dh_netbuild *b, const dh_valve_spec *s, dh_error *err);
dh_status dh_netbuild_add_pump(dh_netbuild *b, const dh_pump_spec *s, dh_error *err);
dh_status dh_netbuild_add_source(dh_netbuild *b, const dh_source_spec *s, dh_error *err);
dh_status dh_netbuild_add_consumer(dh_netbuild *b, const dh_consumer_spec *s, dh_error *err);
dh_status dh_netbuild_add_substation(dh_netbuild *b, const dh_substation_spec *s, dh_error *err);

/* Resolves ids and builds the network. Every problem found (duplicate ids, unknown node ids,
 * self-loops, a pipe paired with a missing pipe) is added to `diag` with its position; returns
 * DH_OK and *out, or DH_ERR_INPUT with *out == NULL when diag received errors. The builder may
 * be destroyed afterwards either way. Defaults filled here: medium per node (propagated from
 * sources over links; from substations' sides), outer diameter (inner + 2 x 4 % when 0).
 */
dh_status dh_netbuild_finish(dh_netbuild *b, dh_network **out, dh_diag *diag);

/* Copying a built network into a builder (to derive a variant of it: a changed source, more
 * demand at some consumers, an extra pipe). Each editor, when set, may change a row's spec
 * before it is added; strings stay borrowed from the network or the editor's context. */
typedef struct dh_network_copy_edit {
    void *ctx;
    void (*pipe)(void *ctx, size_t row, dh_pipe_spec *s);
    void (*source)(void *ctx, size_t row, dh_source_spec *s);
    void (*consumer)(void *ctx, size_t row, dh_consumer_spec *s);
} dh_network_copy_edit;

/* The spec of pipe row `row` of net (strings and layers borrowed from net). */
void dh_pipe_spec_from_network(const dh_network *net, size_t row, dh_pipe_spec *s);
/* Adds every node, link, source, consumer and substation of net (and its name and ambient) to
 * b, in the network's order, through `edit` (may be NULL). Fails only on allocation. */
dh_status dh_netbuild_add_network(dh_netbuild *b, const dh_network *net,
                                  const dh_network_copy_edit *edit, dh_error *err);
/* dh_netbuild_finish for derived networks: the first problem, if any, goes to err. */
dh_status dh_netbuild_finish_one(dh_netbuild *b, dh_network **out, dh_error *err);

/* Spec defaults: zeroes everywhere except opening = 1, speed = 1, wall_conductivity = 50 W/(m K),
 * laying above ground. Call before filling a spec. */
void dh_pipe_spec_init(dh_pipe_spec *s);
void dh_valve_spec_init(dh_valve_spec *s);
void dh_pump_spec_init(dh_pump_spec *s);
void dh_source_spec_init(dh_source_spec *s);
void dh_consumer_spec_init(dh_consumer_spec *s);
void dh_substation_spec_init(dh_substation_spec *s);

#endif /* DH_NETWORK_H */
