/* dh_output.h: the results file (public): HDF5 writer + XDMF sidecar, and its reader side
 * (text report, CSV export, plots).
 *
 * Layout: docs/results.md (the contract of ../shared/design.md). SI units everywhere; every
 * dataset carries `units` and `description` string attributes.
 *
 * Writing (called by cli/cmd_run.c and later the series/transient/sweep drivers):
 *
 *     dh_out *o = NULL;
 *     dh_out_meta meta = {.program_version = DHSIM_VERSION, .case_path = c->path,
 *                         .case_sha256 = c->sha256, .case_name = c->name, .study = "steady"};
 *     if (dh_out_create("OUT.h5", net, &meta, &o, &err)) ...      // writes /network/... to a tmp
 *     for each time step:
 *         if (dh_out_append(o, snap, &stats, &err)) goto fail;   // one row of every [time, x]
 *     dh_out_set_summary(o, &stats, &err);                        // optional, /results/summary
 *     if (dh_out_close(&o, &err)) goto fail;                      // OUT.xmf, rename tmp -> OUT.h5
 *     ...
 *   fail:
 *     dh_out_abort(&o);                                           // removes the tmp, keeps OUT.h5
 *
 * Until dh_out_close() succeeds, data go to "OUT.h5.tmp-<pid>" (same directory, so rename(2) is
 * atomic); an older OUT.h5 stays untouched, and a killed run leaves at most the tmp file, never a
 * partial file under the final name. The .xmf is also written to a tmp and renamed.
 *
 * Implemented in out_h5.c (HDF5), out_plant.c (/results/plant), out_xdmf.c (sidecar),
 * summary.c (the text summary of run and report), report.c (report, CSV), plots.c.
 */
#ifndef DH_OUTPUT_H
#define DH_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_network.h"
#include "dh_results.h"
#include "dh_status.h"

/* Identity of the run, written as root attributes. Strings are copied; any may be NULL
 * (written as ""). */
typedef struct dh_out_meta {
    const char *program_version; /* "0.1.0" */
    const char *case_path;       /* case file as given on the command line */
    const char *case_sha256;     /* hex SHA-256 of the case file's bytes */
    const char *case_name;       /* case name from the file */
    const char *study;           /* "steady", "series", "transient" */
    size_t expected_steps;       /* hint for the chunk shape: time steps to come (0: unknown) */
} dh_out_meta;

typedef struct dh_out dh_out;

/* Creates "<path>.tmp-<pid>", writes /network/... and the root attributes, creates the
 * extendible /results datasets with 0 time steps. `net` is borrowed until dh_out_close/abort.
 * On failure *out == NULL and nothing is left on disk. */
dh_status dh_out_create(const char *path, const dh_network *net, const dh_out_meta *meta,
                        dh_out **out, dh_error *err);

/* Appends one time step (s->time, every node/link/consumer/source array) to the file.
 * `stats` (may be NULL) of the solve that produced it goes to /results/solver/... [time].
 * Snapshot sizes must match the network. On failure the writer is still valid for abort. */
dh_status dh_out_append(dh_out *o, const dh_snapshot *s, const dh_solve_stats *stats,
                        dh_error *err);

/* Writes the run's overall solver statistics as attributes of /results/summary (converged,
 * iterations, residual_norm, mass/energy balance closure, seconds). May be called more than
 * once (the last call wins); if never called, close() derives them from the appended stats. */
dh_status dh_out_set_summary(dh_out *o, const dh_solve_stats *stats, dh_error *err);

/* Number of time steps appended so far. */
size_t dh_out_steps(const dh_out *o);

/* Flushes and closes the HDF5 file, writes the XDMF sidecar (path with .h5 -> .xmf, or
 * path + ".xmf"), then renames tmp -> final with rename(2). Frees the writer and sets
 * *o = NULL whether or not it succeeds (on failure the tmp files are removed). */
dh_status dh_out_close(dh_out **o, dh_error *err);

/* Abandons the file: closes it, removes the tmp file(s), frees the writer, sets *o = NULL.
 * An existing file under the final name is not touched. Accepts NULL and *o == NULL. */
void dh_out_abort(dh_out **o);

/* Test hook: make the n-th (1-based) following dh_out_append fail with DH_ERR_IO after writing
 * part of its datasets (0 disables). For tests of the no-partial-file guarantee only. */
void dh_out_test_fail_after(dh_out *o, size_t n_append);

/* Sidecar path for a results path: "a/b.h5" -> "a/b.xmf", "a/b.hdf5" -> "a/b.xmf",
 * other names get ".xmf" appended. Writes at most size bytes (NUL-terminated). */
void dh_out_xmf_path(const char *h5_path, char *buf, size_t size);

/* Writes the XDMF 3 sidecar `xmf_path` for an existing, closed results file `h5_path` (reads
 * the sizes from it). The .xmf refers to the .h5 by its base name, so keep them side by side.
 * Called by dh_out_close; public so a file can be re-indexed (`dhsim report --xmf`). */
dh_status dh_out_write_xdmf(const char *h5_path, const char *xmf_path, dh_error *err);

/* ---- reading back (dhsim report) ------------------------------------------------------- */

/* Prints the text summary of a results file (counts, pressure extremes and where, largest
 * pressure drop, heat loss, condensate, consumers worst first, solver statistics), reading only
 * the file. `step` selects the time step (SIZE_MAX: the last). */
dh_status dh_report_print(const char *h5_path, size_t step, FILE *out, dh_error *err);

/* Writes one [time, element] dataset as CSV: one row per element (id, then one column per time
 * step, headed by the time in s); `name` is "nodes.pressure", "links.mass_flow",
 * "consumers.heat", "sources.mass_flow", ... (group.dataset under /results). */
dh_status dh_report_csv(const char *h5_path, const char *name, FILE *out, dh_error *err);

/* Writes PNG plots next to `prefix` ("OUT" -> OUT-map.png, OUT-profile.png, and for more than
 * one time step OUT-duration.png) with gnuplot (see docs/results.md). The names written are
 * printed to `log` (may be NULL). DH_ERR_IO if gnuplot is missing or fails. */
dh_status dh_report_plots(const char *h5_path, const char *prefix, FILE *log, dh_error *err);

/* ---- the CHP plant: /results/plant (out_plant.c) ----------------------------------------
 *
 * One time step of the plant coupled to the network (solver/dh_plant_couple.h), flattened to
 * what the results file holds and the summary prints. Filled from a coupling by
 * dh_out_plant_fill, or from a results file by the report. SI units (kg/s, W, Pa abs, K,
 * fractions 0..1). Units not running have zero flows. */
#define DH_OUT_PLANT_UNITS 8 /* = DH_PLANT_BOILERS_MAX = DH_PLANT_TURBINES_MAX */
#define DH_OUT_PLANT_ID 32   /* = DH_PLANT_ID_MAX */

typedef struct dh_out_plant {
    /* identity and ratings (/network/plant, written once) */
    char id[DH_OUT_PLANT_ID];
    char header_source[96];                /* the network source the plant feeds */
    size_t n_boilers, n_turbines;
    char boiler_id[DH_OUT_PLANT_UNITS][DH_OUT_PLANT_ID];
    double boiler_rated_flow[DH_OUT_PLANT_UNITS];  /* kg/s, BMCR */
    double boiler_min_load[DH_OUT_PLANT_UNITS];    /* fraction of rated flow */
    char turbine_id[DH_OUT_PLANT_UNITS][DH_OUT_PLANT_ID];
    double turbine_max_power[DH_OUT_PLANT_UNITS];  /* W electric */
    double turbine_max_extraction[DH_OUT_PLANT_UNITS]; /* kg/s */
    char prds_id[DH_OUT_PLANT_ID];
    double prds_capacity;                          /* kg/s outlet */

    /* boilers [unit] */
    double boiler_in_service[DH_OUT_PLANT_UNITS]; /* 1 committed (firing), 0 not */
    double boiler_load[DH_OUT_PLANT_UNITS];       /* fraction of rated flow */
    double boiler_steam_flow[DH_OUT_PLANT_UNITS]; /* kg/s main steam */
    double boiler_fuel_flow[DH_OUT_PLANT_UNITS];  /* kg/s fuel as fired */
    double boiler_efficiency[DH_OUT_PLANT_UNITS]; /* LHV basis (NaN when off) */
    /* turbines [unit] */
    double turbine_in_service[DH_OUT_PLANT_UNITS];
    double turbine_power[DH_OUT_PLANT_UNITS];      /* W electric */
    double turbine_extraction[DH_OUT_PLANT_UNITS]; /* kg/s extraction steam (before its spray) */
    double turbine_condensing[DH_OUT_PLANT_UNITS]; /* kg/s LP flow to the condenser */
    double turbine_throttle[DH_OUT_PLANT_UNITS];   /* kg/s main steam at the stop valve */
    double turbine_extraction_pressure[DH_OUT_PLANT_UNITS]; /* Pa abs in the chamber */
    /* PRDS */
    double prds_flow;       /* kg/s outlet to the header */
    double prds_inlet_flow; /* kg/s main steam */
    double prds_spray_flow; /* kg/s spray water */
    double extraction_spray_flow; /* kg/s desuperheating water on the extractions */
    /* main steam and header */
    double main_steam_flow; /* kg/s, boilers' total */
    double header_demand;   /* kg/s, the network's draw at the set pressure */
    double header_flow;     /* kg/s delivered by the plant (final state) */
    double header_pressure; /* Pa abs at the header (final state) */
    double header_temperature;  /* K, delivered (mixed) */
    double header_set_pressure; /* Pa abs, set point */
    double flow_limited;    /* 1: the plant could not deliver the demand, header flow-limited */
    double shortfall;       /* kg/s = demand - delivered (0 when met) */
    double unmet_steam;     /* kg/s, steam consumers' unmet demand in the final state */
    double unmet_heat;      /* W, heat consumers' unmet demand in the final state */
    /* totals */
    double electric_power;  /* W */
    double fuel_flow;       /* kg/s */
    double fuel_heat;       /* W (LHV) */
    double heat_supplied;   /* W to the network, above the feedwater enthalpy */
    double efficiency;      /* first law (P + Q) / Q_fuel */
    double heat_to_power;   /* Q / P (0 when P = 0) */
    double capacity;        /* kg/s, largest header flow with every available boiler */
    double reserve;         /* kg/s = capacity - delivered */
    unsigned binding;       /* DH_LIMIT_* bits that cause the shortfall */
    char binding_text[256]; /* their names, ", "-separated; "" when none */
    double mass_balance;    /* kg/s, plant header flow - network source flow */
    double energy_balance;  /* W, plant heat supplied - network source enthalpy flow */
    double network_solves;  /* network solves of the coupled solve (incl. N-1) */
    /* N-1: the largest available boiler out */
    double n1_verdict;      /* 1 holds, 0 fails, -1 not checked */
    double n1_boiler;       /* index of the boiler out, -1 none */
    double n1_capacity;     /* kg/s */
    double n1_margin;       /* kg/s = capacity - demand (negative: short) */
    double n1_shortfall;    /* kg/s = max(-margin, 0) */
    double n1_solved;       /* 1 the N-1 network state was solved, 0 not needed, -1 failed */
    double n1_header_pressure; /* Pa abs with the boiler out (NaN unless solved) */
    double n1_header_flow;  /* kg/s delivered with the boiler out (NaN unless solved) */
    double n1_unmet_steam;  /* kg/s */
    double n1_unmet_heat;   /* W */
    char n1_limits_text[256]; /* limits at their bound with the boiler out ("" unless solved) */
    /* per consumer with the boiler out: kg/s (steam) or W (heat) unmet; NULL when not solved.
     * Borrowed (the N-1 snapshot's consumer_unmet, or the reader's buffer). */
    const double *n1_consumer_unmet;
    /* N-1 load shedding (docs/plant.md): to hold the header at n1_shed_pressure with the boiler
     * out; NaN / "" unless computed */
    double n1_shed_pressure; /* Pa abs, header pressure held */
    double n1_shed_flow;     /* kg/s steam to shed (0: none needed) */
    double n1_shed_heat;     /* W, heat consumers' part of it as heat */
    char n1_shed_text[256];  /* per group shed, "group 100 % 45.0 t/h, ..." */
    char n1_shed_rule[256];  /* the rule: "proportional" or "proportional, <groups> last" */
} dh_out_plant;

struct dh_plant_params;
struct dh_plant_coupling;
/* Flattens a coupled solve: params (ids, ratings), the coupling result, the network (for the
 * header source id) and the N-1 snapshot (NULL, or used only when the N-1 solve ran). */
void dh_out_plant_fill(const struct dh_plant_params *params,
                       const struct dh_plant_coupling *coupling, const dh_network *net,
                       const dh_snapshot *n1_result, dh_out_plant *out);

/* Writes the plant of the latest appended time step (call after dh_out_append of that step):
 * the first call creates /network/plant/... and the /results/plant/... datasets. Steps without
 * a call stay NaN. The unit tables must not change between calls. */
dh_status dh_out_append_plant(dh_out *o, const dh_out_plant *p, dh_error *err);

/* ---- the text summary (summary.c): the same for `dhsim run` and `dhsim report` ----------- */

/* What the summary reads: borrowed arrays indexed like the network's tables. Filled by
 * dh_summary_from_run (a solved network) or by the report from a results file. */
typedef struct dh_summary {
    const char *case_name, *case_path;
    size_t n_nodes, n_links, n_consumers, n_sources;
    bool have_stats;
    dh_solve_stats stats; /* the final network solve */
    /* nodes */
    char *const *node_id;
    const double *node_pressure; /* Pa abs */
    /* links */
    char *const *link_id;
    const int *link_kind; /* dh_link_kind */
    const double *link_pressure_drop, *link_heat_loss, *link_condensate;
    /* consumers */
    char *const *consumer_id, *const *consumer_group;
    const int *consumer_type;          /* dh_consumer_type */
    const double *min_pressure, *min_temperature; /* Pa, K; 0 = none */
    const int *require_dry;            /* may be NULL */
    const double *pressure, *temperature, *quality, *margin; /* at the delivery node */
    const double *mass_flow, *heat, *unmet; /* unmet: kg/s steam consumers, W heat ones */
    const double *demand_mass_flow, *demand_heat;
    /* sources */
    char *const *source_id;
    const double *source_mass_flow, *source_pressure, *source_temperature;
    const double *source_heat; /* W (docs/results.md /results/sources/heat); may be NULL */
    /* the plant, NULL when the case has none */
    const dh_out_plant *plant;
    void *owned[8]; /* arrays made by dh_summary_from_run; dh_summary_free frees them */
} dh_summary;

enum {
    DH_SUMMARY_CONSUMERS = 1u << 0, /* the full per-consumer table (run -v, report) */
};

/* The view of a solved network (net, result, stats borrowed; plant may be NULL). */
dh_status dh_summary_from_run(const dh_network *net, const char *case_name,
                              const char *case_path, const dh_snapshot *r,
                              const dh_solve_stats *stats, const dh_out_plant *plant,
                              dh_summary *out, dh_error *err);
void dh_summary_free(dh_summary *s);
/* Prints the summary (docs/results.md, "Summary"): about 40 lines for the park. */
void dh_summary_print(const dh_summary *s, unsigned flags, FILE *out);

#endif /* DH_OUTPUT_H */
