/* netgen.h: synthetic water networks for dhsim's steady benchmark (bench/README.md).
 *
 * Two layouts, deterministic for a given seed and size:
 *  - DH_NETGEN_RADIAL: a nearly radial district-heating supply network. Street nodes on a
 *    jittered grid are fed as a fishbone from one plant in the middle: the trunk runs along the
 *    middle street row, a branch runs up and down every street column from the trunk, and each
 *    street node feeds one to three service pipes to buildings (the consumers, leaves of the
 *    tree). A fraction (default 3 %) of the pipes close loops between neighbouring branches
 *    (street segments across two columns), as real DH networks are "nearly radial".
 *  - DH_NETGEN_GRID: a meshed street grid of b x b blocks (b ~ sqrt(N/2)); every street segment
 *    is a pipe, every street node but the plants a consumer, 1-4 plants at the corners.
 * Pipe counts are exact: n_pipes as asked (a grid removes a few interior segments to get there,
 * keeping the graph connected).
 *
 * Sizing (both layouts): heat demands are log-normal (median 40 kW, sigma 0.9, clipped to
 * 2 kW .. 2 MW); design mass flow m = Q / (h(p, T_supply) - h(p, T_return)) (IAPWS-IF97). Each
 * pipe gets the smallest EN 253 steel size (dh_dn_lookup) whose velocity at its design flow is at
 * most v_max(d) = 0.6 + 3 d m/s (d in m, capped at 2.5 m/s: ~0.7 m/s in DN25 to 2.4 m/s in
 * DN600, the usual DH design range); above DN1200 the inner diameter is the continuous value.
 * Design flows: radial, the downstream demand of each tree pipe; grid, by BFS level from the
 * plants: 1.5 x (demand beyond level k) / (segments from level k to k + 1). Every plant holds the
 * same head, set so that the design path loss (Swamee-Jain, x 1.3) leaves every node at least
 * 1.5 bar above the return header.
 *
 * The same network is written three ways:
 *  - dh_netgen_build(): a dh_network through the dh_netbuild_* API. Each consumer is a heat
 *    consumer (supply T_supply, return T_return) whose return_node is a return header RH<h>
 *    held at return_pressure by a fixed-pressure source RET<h> (plus the stub pipe PRH<h>,
 *    RH<h>-RHX<h>, 10 m, that lets the header be part of a hydraulic network): the supply
 *    network sees its consumers as draws, as EPANET sees junction demands. One header for all
 *    consumers by default; consumers_per_header spreads them over several. Plants are fixed-pressure water sources at T_supply. Pipes
 *    are buried single pipes, 50 mm PUR insulation, so dhsim's solve includes the heat loss.
 *  - dh_netgen_write_inp(): EPANET .inp, Darcy-Weisbach, LPS or CMH, roughness in mm, junction
 *    demands = design mass flow / rho(T_supply), plants as reservoirs (head = z + p_gauge /
 *    (rho g)), SPECIFIC GRAVITY and VISCOSITY of water at T_supply, coordinates, one period.
 *    Hydraulics only: RH, RHX, RET and the heat loss have no counterpart there.
 *  - dh_netgen_write_case(): a dhsim case (YAML, with nodes and pipes in CSV files beside it).
 *
 * Exports: dh_netgen_*. Callers: bench/netgen_main.c, bench/bench_steady.c, tests/bench.
 */
#ifndef DH_NETGEN_H
#define DH_NETGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dh_case.h"
#include "dh_network.h"
#include "dh_status.h"

typedef enum dh_netgen_layout {
    DH_NETGEN_RADIAL = 0,
    DH_NETGEN_GRID = 1,
} dh_netgen_layout;

typedef enum dh_netgen_flow_units {
    DH_NETGEN_LPS = 0, /* litres per second */
    DH_NETGEN_CMH = 1, /* cubic metres per hour */
} dh_netgen_flow_units;

typedef struct dh_netgen_options {
    dh_netgen_layout layout;
    size_t n_pipes;            /* pipes wanted (>= 4); the generated count is exactly this */
    uint64_t seed;
    double loop_fraction;      /* radial: loop-closing pipes / all pipes (default 0.03) */
    int n_sources;             /* grid: plants at the corners, 1..4 (0: 1 below 10^4 pipes,
                                  2 below 10^5, 4 from there) */
    double supply_temperature; /* K (default 85 degC) */
    double return_temperature; /* K (default 50 degC) */
    double return_pressure;    /* Pa absolute at the return header (default 2.5 bar) */
    double roughness;          /* m (default 0.05 mm: new welded steel) */
    dh_netgen_flow_units flow_units; /* of the .inp (default LPS) */
    size_t consumers_per_header; /* dhsim: consumers returning to one header RH<h> (0: all to
                                    one header, the default) */
} dh_netgen_options;

/* Defaults as documented above; n_pipes = 1000, seed = 1, radial. */
void dh_netgen_options_init(dh_netgen_options *opt);

/* The generated network as plain arrays (SI). Node i is "N<i>", pipe k "P<k>", the consumer on
 * node i "C<i>", plant j "PLANT<j>". */
typedef struct dh_netgen {
    dh_netgen_options opt;
    size_t n_nodes;
    double *x, *y, *z;     /* m */
    double *heat;          /* W, consumer heat demand at the node (0: no consumer) */
    double *mass_flow;     /* kg/s, design draw of that consumer */
    bool *is_source;       /* plant node (a reservoir in the .inp) */
    size_t n_pipes;
    size_t *from, *to;     /* node indices */
    double *length;        /* m */
    double *diameter;      /* m, inner */
    double *outer_diameter; /* m */
    size_t n_sources;
    size_t *source_node;
    double *source_pressure; /* Pa absolute, plant j */
    size_t n_consumers;
    double total_heat;       /* W */
    double total_mass_flow;  /* kg/s */
    double rho_supply;       /* kg/m3 at (source pressure, T_supply) */
    double nu_supply;        /* m2/s kinematic viscosity there */
    double head;             /* m, the plants' common hydraulic head (z + p_gauge / (rho g)) */
    size_t n_loops;          /* radial: loop-closing pipes; grid: independent loops */
    size_t n_headers;        /* dhsim: return headers (RH<h>, stub RHX<h>, PRH<h>, RET<h>) */
} dh_netgen;

/* Generates. Errors: DH_ERR_USAGE (bad options), DH_ERR_NOMEM. On failure *out == NULL. */
dh_status dh_netgen_create(const dh_netgen_options *opt, dh_netgen **out, dh_error *err);
void dh_netgen_destroy(dh_netgen **g);

/* The dhsim network (see the banner). Ambient: air 0 degC, soil 8 degC, 101.325 kPa, 3 m/s. */
dh_status dh_netgen_build(const dh_netgen *g, dh_network **out, dh_error *err);
/* The study to solve it with: steady, Swamee-Jain friction (like EPANET), defaults otherwise. */
void dh_netgen_study(dh_study *study);

/* EPANET .inp to `f`. Returns DH_OK or DH_ERR_IO. */
dh_status dh_netgen_write_inp(const dh_netgen *g, FILE *f, dh_error *err);
/* dhsim case: `yaml_path` plus <stem>_nodes.csv, <stem>_pipes.csv beside it. */
dh_status dh_netgen_write_case(const dh_netgen *g, const char *yaml_path, dh_error *err);

#endif /* DH_NETGEN_H */
