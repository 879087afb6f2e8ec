/* dh_results.h: the state of a network at one time (public), filled by the solver and read by
 * postproc. SI units: Pa (absolute), K, J/kg, kg/s, m/s, W. Arrays are indexed like the
 * network's tables (node i, link l, consumer c, source s). Owned by the caller:
 * dh_snapshot_create allocates every array for a network, dh_snapshot_destroy frees them. */
#ifndef DH_RESULTS_H
#define DH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_network.h"

typedef struct dh_snapshot {
    double time; /* s since the start of the study (0 for a steady study) */
    size_t n_nodes, n_links, n_consumers, n_sources;

    /* nodes */
    double *node_pressure;    /* Pa absolute */
    double *node_temperature; /* K */
    double *node_enthalpy;    /* J/kg */
    double *node_quality;     /* -, 0 liquid ... 1 dry steam (superheated: 1) */

    /* links (positive from -> to) */
    double *link_mass_flow;     /* kg/s */
    double *link_velocity;      /* m/s, at the link's inlet (largest along a steam pipe) */
    double *link_pressure_drop; /* Pa, p_from - p_to */
    double *link_heat_loss;     /* W, to the surroundings (>= 0 when the fluid is warmer) */
    double *link_condensate;    /* kg/s, steam condensed along the pipe */

    /* consumers */
    double *consumer_mass_flow;  /* kg/s delivered */
    double *consumer_heat;       /* W delivered */
    double *consumer_pressure;   /* Pa at the delivery node */
    double *consumer_temperature;/* K at the delivery node */
    double *consumer_unmet;      /* W (heat) or kg/s (steam) of demand not met */
    double *consumer_pressure_margin; /* Pa, delivery pressure - minimum (NaN if no minimum) */

    /* sources */
    double *source_mass_flow; /* kg/s leaving the source into the network */
    double *source_heat;      /* W, enthalpy flow above 0 degC liquid... see docs/results.md */
    double *source_pressure;  /* Pa */
    double *source_temperature; /* K */
} dh_snapshot;

/* Solver statistics of one solve. */
typedef struct dh_solve_stats {
    bool converged;
    int iterations;
    int linear_solves;
    double residual_norm;      /* scaled max-norm of the final residual */
    double mass_imbalance;     /* kg/s, sum of all node balances' absolute values */
    double mass_balance_rel;   /* relative: imbalance / total inflow */
    double energy_balance_rel; /* |in - out - losses| / in */
    double seconds;            /* wall time of the solve */
    /* on failure: the worst residual's equation and component */
    char worst_component[96];  /* "node N17", "pipe P-3" */
    char worst_equation[64];   /* "mass balance", "momentum", "energy" */
    double worst_residual;
} dh_solve_stats;

int dh_snapshot_create(const dh_network *net, dh_snapshot **out);
void dh_snapshot_destroy(dh_snapshot **s);

#endif
