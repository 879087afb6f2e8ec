/* dh_series_summary.h: what an engineer asks of a series study (public): the peak hour and
 * its figures, the plant's load-duration curve, hours with unmet demand or a delivery pressure
 * below minimum, energy totals. Accumulated step by step by `dhsim run` (no per-step storage
 * but two n_steps arrays), written to /results/series of the results file, printed the same by
 * `dhsim run` and `dhsim report` (docs/results.md "Series summary").
 *
 * Exports dh_series_summary_*. Implemented in postproc/series_summary.c.
 * Callers: cli/run_series.c, postproc/report.c, tests/series.
 */
#ifndef DH_SERIES_SUMMARY_H
#define DH_SERIES_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_network.h"
#include "dh_output.h"
#include "dh_results.h"
#include "dh_status.h"

#define DH_SS_ID 96
#define DH_SS_TEXT 256

typedef struct dh_series_summary {
    size_t n_steps;       /* steps planned */
    size_t n_done;        /* steps added */
    size_t n_failed;      /* steps whose solve failed (not in the figures below) */
    double step;          /* s between steps (each step stands for `step` seconds) */
    double start_hour;    /* hour of year (0 = 1 January 00:00) of step 0 */
    bool have_plant;

    /* peak hour: the step with the largest header draw (plant: the network's demand on the
     * plant at its set pressure; otherwise the sources' total mass flow) */
    size_t peak_step;
    double peak_flow;           /* kg/s */
    double peak_heat;           /* W, sources' heat */
    double peak_air;            /* K */
    double peak_header_pressure;/* Pa abs */
    double peak_power;          /* W electric (plant) */
    double peak_fuel;           /* kg/s (plant) */
    char peak_dispatch[DH_SS_TEXT]; /* "3 boilers at 82 %, extraction 260 t/h, PRDS 20 t/h" */
    double peak_min_margin;     /* Pa, lowest delivery-pressure margin at the peak */
    char peak_min_margin_id[DH_SS_ID];
    double peak_n1_margin;      /* kg/s (plant; NaN without) */

    /* unmet demand: a step where any consumer misses more than 0.1 % of its demand */
    size_t unmet_hours;         /* steps (x step / 3600 for hours) */
    size_t worst_unmet_step;
    double worst_unmet_steam;   /* kg/s, all steam consumers at that step */
    double worst_unmet_heat;    /* W, all heat consumers at that step */
    char worst_unmet_id[DH_SS_ID]; /* the consumer missing the largest fraction there */
    /* delivery pressure below the consumer's minimum */
    size_t low_pressure_hours;
    size_t worst_pressure_step;
    double worst_margin;        /* Pa, most negative margin over the series */
    char worst_margin_id[DH_SS_ID];
    /* N-1 (plant): steps where the largest boiler out would leave the plant short */
    size_t n1_short_hours;

    /* energy totals over the converged steps */
    double heat_delivered;  /* J, consumers */
    double steam_delivered; /* kg, steam consumers */
    double heat_lost;       /* J, mains to the surroundings */
    double condensate;      /* kg, formed in the mains */
    double source_heat;     /* J, sources (enthalpy flow, docs/results.md) */
    double fuel;            /* kg, plant */
    double fuel_heat;       /* J (LHV), plant */
    double electricity;     /* J, plant */
    /* solver */
    long iterations;
    int max_iterations;
    double seconds;         /* wall time of the series */

    /* per step (time order), then sorted descending by dh_series_summary_finish */
    double *header_flow;    /* kg/s */
    double *source_heat_w;  /* W */
    double *air;            /* K */
    double *duration_flow;  /* kg/s, header flow sorted descending (load-duration curve) */
    double *duration_heat;  /* W, sources' heat sorted descending */
} dh_series_summary;

/* Allocates the per-step arrays (NaN-filled). DH_ERR_NOMEM. */
dh_status dh_series_summary_init(dh_series_summary *s, size_t n_steps, double step,
                                 double start_hour, bool have_plant, dh_error *err);
void dh_series_summary_free(dh_series_summary *s);
/* Adds step k: the network state, the plant of that step (NULL: none or failed), the air (K),
 * whether it converged, and its Newton iterations. */
void dh_series_summary_add(dh_series_summary *s, size_t k, const dh_network *net,
                           const dh_snapshot *r, const dh_out_plant *plant, double air,
                           bool converged, int iterations);
/* Sorts the load-duration arrays (call once after the last step). */
void dh_series_summary_finish(dh_series_summary *s);
/* "01-12 06:00" of step k. */
void dh_series_summary_date(const dh_series_summary *s, size_t k, char *buf, size_t size);
/* The summary block (about 20 lines). */
void dh_series_summary_print(const dh_series_summary *s, FILE *out);

/* /results/series in a closed results file (opened read-write, written, closed). */
dh_status dh_series_summary_write(const char *h5_path, const dh_series_summary *s,
                                  dh_error *err);
/* /results/series into a results file still being written (before dh_out_close), so the
 * summary is part of the atomic write: the final name never holds a file without it. */
dh_status dh_series_summary_add_to_output(dh_out *o, const dh_series_summary *s, dh_error *err);
/* Reads it back. Returns 1 read, 0 the file has no /results/series, <0 on error. */
int dh_series_summary_read(const char *h5_path, dh_series_summary *s, dh_error *err);
/* For `dhsim report`: prints the block when the file has /results/series. */
void dh_series_summary_report(const char *h5_path, FILE *out);

#endif
