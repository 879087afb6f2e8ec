/* dh_transient_summary.h: what an engineer asks of a transient study (public): after an event
 * (a boiler trip), how long each consumer group rides through on the line pack, how low the
 * plant header falls and when, the events as applied, and the mass and energy balance of the
 * run. Filled by `dhsim run` from the solver's derived results (solver/dh_transient.h), written
 * to /results/transient of the results file, read back and printed the same by `dhsim report`
 * (docs/results.md "Transient summary").
 *
 * Exports dh_transient_summary_*. Implemented in postproc/transient_summary.c.
 * Callers: cli/run_transient.c, postproc/report.c, tests/transient.
 */
#ifndef DH_TRANSIENT_SUMMARY_H
#define DH_TRANSIENT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_output.h"
#include "dh_status.h"

#define DH_TS_ID 96
#define DH_TS_TEXT 160

/* One row of the events table: a case-file event as the solver applied it. */
typedef struct dh_ts_event {
    double time;               /* s from the start of the run */
    char type[32];             /* case-file word: "boiler_trip", "demand_ramp", ... */
    char target[DH_TS_ID];     /* id or group as written */
    double value;              /* SI value applied (a boiler trip: the header source's max flow,
                                  kg/s; a demand share: the fraction); NaN: none */
    char units[16];            /* of value: "kg/s", "W", "Pa", "K", "1" */
    double duration;           /* s, ramp (0: step) */
    char applied[DH_TS_TEXT];  /* what it does: "FUYUAN-CHP max flow 72.2 kg/s (260.0 t/h)" */
} dh_ts_event;

typedef struct dh_transient_summary {
    char case_name[DH_TS_TEXT];
    double duration;        /* s simulated (requested) */
    double t_reached;       /* s reached (< duration when the run failed) */
    double output_interval; /* s */
    size_t n_outputs;       /* output times written */
    double reference_time;  /* s, ride-through and header minimum are counted from here */
    bool completed;         /* the run reached its end */

    /* consumers [n_consumers]; id/group borrowed from the network (run) or owned (report) */
    size_t n_consumers;
    char *const *consumer_id;
    char *const *consumer_group;
    const double *min_pressure; /* Pa abs, 0: none */
    double *ride_through;   /* s from reference_time until the delivery pressure first fell
                               below its minimum; NaN: never within the run, or no minimum */

    /* sources [n_sources]: lowest pressure at the source node after the reference time */
    size_t n_sources;
    char *const *source_id;
    double *source_min_pressure; /* Pa abs */
    double *source_time_to_min;  /* s from reference_time */
    size_t header;          /* the plant header's source row (the first fixed-pressure source
                               without a plant); SIZE_MAX: none */
    double header_set_pressure; /* Pa abs at t = 0 */

    /* events */
    size_t n_events;
    dh_ts_event *events;

    /* conservation over the run (dh_transient_stats) */
    double mass_in, mass_out, mass_stored_change, mass_balance_rel;  /* kg, -, */
    double energy_in, energy_out, energy_loss, energy_stored_change, energy_balance_rel; /* J */
    /* solver */
    double steps, residual_evals, jacobian_evals, reinits;
    double unknowns, differential;
    double seconds;         /* wall time of the integration */
    double wall_seconds;    /* wall time of the whole run (read, initial state, output) */

    bool owns_ids;          /* consumer_id, consumer_group, source_id read from a file */
    void *owned[8];         /* arrays owned by the summary (dh_transient_summary_free) */
} dh_transient_summary;

/* Allocates the per-consumer, per-source and event arrays (NaN-filled). DH_ERR_NOMEM. */
dh_status dh_transient_summary_init(dh_transient_summary *s, size_t n_consumers,
                                    size_t n_sources, size_t n_events, dh_error *err);
void dh_transient_summary_free(dh_transient_summary *s);

/* The block printed by run and report (about 10 lines + one per consumer group; with
 * `per_consumer` one line per consumer that fell below its minimum). */
void dh_transient_summary_print(const dh_transient_summary *s, bool per_consumer, FILE *out);

/* /results/transient in a closed results file (opened read-write, written, closed). */
dh_status dh_transient_summary_write(const char *h5_path, const dh_transient_summary *s,
                                     dh_error *err);
/* /results/transient into a results file still being written (before dh_out_close), so the
 * summary is part of the atomic write. */
dh_status dh_transient_summary_add_to_output(dh_out *o, const dh_transient_summary *s,
                                             dh_error *err);
/* Reads it back (with the consumer and source ids of /network). Returns 1 read, 0 the file has
 * no /results/transient, <0 on error. */
int dh_transient_summary_read(const char *h5_path, dh_transient_summary *s, dh_error *err);
/* For `dhsim report`: prints the block when the file has /results/transient. */
void dh_transient_summary_report(const char *h5_path, FILE *out);

/* "2 h", "10 min", "95 s": a duration as an engineer writes it. */
void dh_transient_duration_text(double seconds, char *buf, size_t size);

#endif
