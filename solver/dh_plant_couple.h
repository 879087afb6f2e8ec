/* dh_plant_couple.h: the CHP plant coupled to the steady network solve (public).
 *
 * The plant feeds the network through one fixed-pressure steam source, its header. The coupled
 * solve (docs/plant.md, "Coupling to the network"):
 *  1. solve the network with the header at its set pressure: the header's mass flow is the
 *     demand on the plant; dispatch it (dh_plant_dispatch);
 *  2. if the plant cannot deliver it (unmet > 0), the header becomes flow-limited: the network
 *     is re-solved at the header pressure where it draws just the plant's deliverable flow (the
 *     state of a fixed-flow header at the capacity, found by a bracketed search on the header
 *     pressure so that each solve is well posed); the header pressure falls and the consumers'
 *     pressure-dependent delivery (docs/model.md, delivery ramp) shows who goes short;
 *  3. N-1: the capacity with the largest available boiler out comes with every dispatch; when
 *     it is below the demand a second flow-limited solve at that capacity shows who goes short
 *     (otherwise the verdict is "holds, margin X").
 * Mass and energy balance plant <-> network are reported (plant header flow and heat vs the
 * source's flow and enthalpy flow, heat counted above the feedwater enthalpy).
 *
 * The flow-limited solves use a copy of the network with the header source changed
 * (dh_network_with_source): the network itself stays immutable. No I/O.
 * Exports: dh_plant_params_from_spec, dh_network_with_source, dh_plant_couple_options_init,
 * dh_plant_couple. Implemented in plant_couple.c. Callers: cli/cmd_run.c, tests/plant.
 */
#ifndef DH_PLANT_COUPLE_H
#define DH_PLANT_COUPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_network.h"
#include "dh_plant.h"
#include "dh_plant_spec.h"
#include "dh_results.h"
#include "dh_solver.h"
#include "dh_status.h"

/* The case's plant section -> model parameters: every value the file leaves out from
 * dh_boiler_defaults / dh_turbine_defaults / dh_prds_defaults (docs/plant.md), then each unit
 * validated; errors carry the unit's case-file position (DH_ERR_INPUT). */
dh_status dh_plant_params_from_spec(const dh_plant_spec *spec, dh_plant_params *out,
                                    dh_error *err);

/* A copy of `net` with source row `source` replaced by `src` (its id and node are kept; type,
 * medium, pressure, temperature, mass flow taken from src). Same node, link, consumer and
 * source numbering, so snapshots of `net` fit it. *out owned by the caller. */
dh_status dh_network_with_source(const dh_network *net, size_t source, const dh_source_spec *src,
                                 dh_network **out, dh_error *err);

typedef struct dh_plant_couple_options {
    dh_steady_options steady; /* every network solve (progress callback, tolerance) */
    bool n1_check;            /* N-1 verdict and, when it fails, the N-1 network solve */
    int max_passes;           /* unused (kept 6): the flow-limited search stops at 40 solves */
    double flow_rtol;         /* flow-limited: |draw - capacity| / capacity that ends it (1e-4) */
    dh_power_mode power_mode; /* condensing flows: heat-led (default), max, target */
    double power_target;      /* W electric, DH_POWER_TARGET only */
    /* N-1 load shedding (docs/plant.md, "N-1: physics and load shedding") */
    double shed_min_pressure; /* Pa abs, header pressure the operators hold by shedding load;
                                 NaN (default): the bottom of the controlled extraction range,
                                 max over turbines in service of extraction_pressure_min -
                                 extraction_line_dp (no turbine: the set pressure) */
    const char *shed_last;    /* comma-separated consumer groups shed only after all others
                                 ("residential,chemical" by default; "" = plain proportional) */
} dh_plant_couple_options;

void dh_plant_couple_options_init(dh_plant_couple_options *opt);

typedef struct dh_plant_coupling {
    size_t source;          /* header source row */
    double set_pressure;    /* Pa abs, header set point (the source's) */
    double set_temperature; /* K */
    double demand;          /* kg/s, header flow the network draws at the set pressure */
    dh_plant_result plant;  /* dispatch of what is delivered (demand, or capacity when short) */
    bool flow_limited;      /* the plant could not deliver the demand: final state flow-limited */
    unsigned demand_binding;/* DH_LIMIT_* bits that cap the plant at the set pressure (the first
                               dispatch, of the demand); 0 when it delivers the demand */
    double header_pressure; /* Pa, at the header in the final state */
    double header_temperature; /* K, the header source temperature of the final state: the set
                                  point, or when flow-limited what the plant delivers there
                                  (uncontrolled extraction colder than the set point) */
    double header_flow;     /* kg/s, network side, final state */
    double unmet_steam;     /* kg/s, steam consumers' unmet demand, final state */
    double unmet_heat;      /* W, heat consumers' unmet demand, final state */
    double shortfall;       /* kg/s = demand - plant header flow (0 when met) */
    dh_solve_stats stats;   /* the final network solve */
    int network_solves;     /* network solves done in all (incl. N-1) */
    double mass_balance;    /* kg/s, plant header flow - network source flow (final) */
    double energy_balance;  /* W, plant heat supplied - source flow (h_source - h_feedwater) */
    double h_feedwater;     /* J/kg, the reference of the heat (PRDS spray water) */

    /* N-1: largest available boiler out */
    bool n1_checked;
    int n1_boiler;          /* its index in the plant params (-1: none) */
    double n1_capacity;     /* kg/s */
    bool n1_holds;          /* demand <= n1_capacity */
    double n1_margin;       /* kg/s = n1_capacity - demand (negative: short by -margin) */
    bool n1_solved;         /* the N-1 flow-limited network solve ran (n1 fails) */
    bool n1_converged;
    double n1_header_pressure; /* Pa */
    double n1_header_flow;  /* kg/s delivered with the boiler out (capacity at that pressure) */
    double n1_unmet_steam;  /* kg/s */
    double n1_unmet_heat;   /* W */
    unsigned n1_limits;     /* DH_LIMIT_* bits binding or at their bound in the N-1 dispatch
                               of the flow-limited state (0 unless n1_converged) */
    dh_solve_stats n1_stats;
    double n1_header_temperature; /* K, header source temperature of the N-1 state */

    /* N-1 load shedding: the draw the operators must shed to hold the header at
     * shed_min_pressure with that boiler out. Rule: consumers outside the `shed_last` groups
     * are shed first, in proportion to their draw (the same fraction of each), then the
     * shed_last groups the same way. Computed when the N-1 verdict fails. */
    bool n1_shed_checked;     /* computed (its network solve converged) */
    double n1_shed_pressure;  /* Pa abs, the header pressure held */
    double n1_shed_draw;      /* kg/s, the network's draw there with every consumer drawing */
    double n1_shed_capacity;  /* kg/s, the plant's N-1 capacity there */
    double n1_shed;           /* kg/s = max(draw - capacity, 0): steam to shed */
    double n1_shed_heat;      /* W, heat consumers' part of it as heat */
    const char *n1_shed_last; /* the shed_last groups of the options (borrowed) */
    double n1_shed_fraction[2]; /* fraction of each consumer's draw shed: [0] groups shed first,
                                   [1] the shed_last groups */
    size_t n1_shed_n_groups;
#define DH_COUPLE_GROUPS_MAX 16
    const char *n1_shed_group[DH_COUPLE_GROUPS_MAX]; /* group names (borrowed from the network;
                                   "" for consumers without a group); more groups than the max
                                   are summed into the last row */
    double n1_shed_group_flow[DH_COUPLE_GROUPS_MAX]; /* kg/s steam shed per group */
    double n1_shed_group_fraction[DH_COUPLE_GROUPS_MAX]; /* of the group's draw */
} dh_plant_coupling;

/* The coupled solve of `net` (study settings in `study`) with the plant `plant` behind the
 * fixed-pressure steam source row `source`. `result` (dh_snapshot_create(net)) receives the
 * final network state; `n1_result` (may be NULL) the N-1 state when that solve runs. opt may be
 * NULL (defaults). Returns DH_OK when every solve converged (unmet demand is a result);
 * DH_ERR_NOCONV when a network solve failed (err names it; out->stats says where; `result`
 * holds the last iterate); DH_ERR_INPUT for a bad source or plant. */
dh_status dh_plant_couple(const dh_network *net, const dh_study *study,
                          const dh_plant_params *plant, size_t source,
                          const dh_plant_couple_options *opt, dh_snapshot *result,
                          dh_snapshot *n1_result, dh_plant_coupling *out, dh_error *err);

#endif /* DH_PLANT_COUPLE_H */
