/* dh_study.h: one steady case run end to end (public): the network alone or coupled with its
 * plant, the summary view, the results file, and the figures a sweep collects.
 *
 * The library form of `dhsim run` for a steady case, shared by cli/cmd_sweep.c (one call per
 * sweep case). Implemented in postproc/study.c on solver/dh_solver.h and
 * solver/dh_plant_couple.h; no printing.
 *
 *     dh_study_run r;
 *     dh_study_run_steady(c, &opt, &r, &err);      // DH_OK, DH_ERR_NOCONV (last iterate kept)
 *     dh_summary_from_study(c, &r, &sum, &err);    // the summary view (dh_output.h)
 *     dh_study_figures(&sum, names, n, values);    // the sweep's collected figures
 *     dh_study_write(c, &r, "OUT.h5", version, &err);
 *     dh_study_run_free(&r);
 */
#ifndef DH_STUDY_H
#define DH_STUDY_H

#include <stdbool.h>

#include "dh_case.h"
#include "dh_output.h"
#include "dh_results.h"
#include "dh_solver.h"

typedef struct dh_study_run {
    dh_snapshot *snap;     /* the solved (or last iterate) state */
    dh_snapshot *n1_snap;  /* the N-1 state (plant cases) */
    dh_solve_stats stats;  /* the final network solve */
    bool have_plant;
    dh_out_plant plant;    /* valid when have_plant */
    dh_status rc;          /* DH_OK, DH_ERR_NOCONV, or the error of a failed solve */
} dh_study_run;

/* Solves the steady case c (study.type steady). `opt` may be NULL (defaults). Returns DH_OK,
 * DH_ERR_NOCONV (the last iterate is in r->snap, err names the worst residual), or another
 * error (err filled; r->snap may be NULL). r is always safe for dh_study_run_free. */
dh_status dh_study_run_steady(const dh_case *c, const dh_steady_options *opt, dh_study_run *r,
                              dh_error *err);
void dh_study_run_free(dh_study_run *r);

/* The summary view of a run (dh_summary_from_run with the plant when there is one). */
dh_status dh_summary_from_study(const dh_case *c, const dh_study_run *r, dh_summary *out,
                                dh_error *err);

/* Writes the results file of the run (docs/results.md; tmp + rename as dh_out does). */
dh_status dh_study_write(const dh_case *c, const dh_study_run *r, const char *path,
                         const char *program_version, dh_error *err);

/* The figures named `names` (dh_sweep_figure_names, network/dh_case.h) of a summary, SI;
 * NaN when a figure does not apply (plant figures of a case without a plant). `worst` (may be
 * NULL, `size` bytes) receives the id of the consumer with the smallest pressure margin. */
void dh_study_figures(const dh_summary *s, const char *const *names, size_t n, double *values,
                      char *worst, size_t size);

#endif
