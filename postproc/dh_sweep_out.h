/* dh_sweep_out.h: the results file of a sweep (public): /sweep/parameters, /sweep/summary,
 * /sweep/cases/NNNNNN/ (docs/results.md "Sweeps"), written in place row by row with a journal,
 * resumed, and merged from Slurm-array slices.
 *
 * Write order of one case (dh_sweep_file_put): its per-case results group (if any) is copied
 * into the file, the row is appended to the journal "OUT.h5.journal" and flushed to the
 * kernel, then written into /sweep/summary and the HDF5 file is flushed (H5Fflush). A process
 * killed at any point therefore leaves: every row before the current one in OUT.h5, and in the
 * journal. Reopening (resume) uses OUT.h5 when HDF5 can open it, replaying journal rows it
 * lacks; an OUT.h5 HDF5 cannot open (killed in the middle of a flush) is renamed
 * OUT.h5.damaged and rebuilt from the case list and the journal (per-case results of such
 * rows are not in the journal: those cases run again). At the end (dh_sweep_file_close) the
 * attribute /sweep@complete is set to 1 when every case of the file's slice has a row, and the
 * journal is removed.
 *
 * Implemented in postproc/sweep_out.c (HDF5 1.10, serial: only one process writes, rank 0
 * under MPI). Callers: cli/cmd_sweep.c, tests/sweep. */
#ifndef DH_SWEEP_OUT_H
#define DH_SWEEP_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_status.h"
#include "dh_sweep.h"

/* status column of /sweep/summary */
enum {
    DH_SWEEP_NOT_RUN = -1,   /* no result yet (the fill value) */
    DH_SWEEP_OK = 0,         /* converged */
    DH_SWEEP_NOCONV = 1,     /* no convergence: figures of the last iterate, diagnosis */
    DH_SWEEP_BAD_INPUT = 2,  /* the case's values are not a valid case: diagnosis */
    DH_SWEEP_FAILED = 3,     /* another failure (plant state outside IF97, ...): diagnosis */
};

#define DH_SWEEP_DIAG_MAX 256
#define DH_SWEEP_TEXT_MAX 64 /* parameter texts and consumer ids in the tables */

typedef struct dh_sweep_row {
    long long index;        /* case number, 0-based */
    int status;             /* DH_SWEEP_* */
    int iterations;         /* Newton iterations of the final network solve */
    double residual;        /* scaled residual of the final network solve */
    double seconds;         /* wall time of the case (read, solve, summary) */
    double figure[DH_SWEEP_FIGURE_MAX]; /* the collected figures, SI, NaN when not applicable */
    char worst[DH_SWEEP_TEXT_MAX];      /* consumer with the smallest pressure margin */
    char diagnosis[DH_SWEEP_DIAG_MAX];  /* "" when converged */
} dh_sweep_row;

typedef struct dh_sweep_layout {
    const dh_sweep_cases *cases;
    const char *const *figures; /* collected figure names */
    size_t n_figures;
    bool per_case_results;
    const char *case_path, *case_sha256, *case_name, *program_version;
    size_t slice, n_slices;     /* this file's slice (1-based) of n_slices; 1/1: the whole sweep */
} dh_sweep_layout;

typedef struct dh_sweep_file dh_sweep_file;

/* Opens `path` for the sweep `lay`: creates it, or resumes it (same hash required, else
 * DH_ERR_INPUT naming both hashes). *n_done: cases of this slice already with a row. `note`
 * (may be NULL, `size` bytes) receives a line about a recovery ("" when none). */
dh_status dh_sweep_file_open(const char *path, const dh_sweep_layout *lay, dh_sweep_file **out,
                             size_t *n_done, char *note, size_t size, dh_error *err);
/* The case has a row already. */
bool dh_sweep_file_has(const dh_sweep_file *f, size_t k);
/* Records one case (see the write order above). `case_h5` (may be NULL): a closed results
 * file of the case (dh_study_write) copied into /sweep/cases/NNNNNN; the caller removes it. */
dh_status dh_sweep_file_put(dh_sweep_file *f, const dh_sweep_row *row, const char *case_h5,
                            dh_error *err);
/* Sets /sweep@complete and @cases_done, closes, removes the journal. *f = NULL always. */
dh_status dh_sweep_file_close(dh_sweep_file **f, dh_error *err);
/* Closes without marking anything (after an error); the journal stays. */
void dh_sweep_file_abort(dh_sweep_file **f);

/* Merges slice files of one sweep into `out` (written to a tmp, renamed at the end): every row
 * any input has, and the per-case groups. DH_ERR_INPUT when the inputs are of different sweeps
 * (hash) or not sweep files. *n_done / *n_cases: rows with a result / cases of the sweep. */
dh_status dh_sweep_merge(const char *out, const char *const *in, size_t n_in, size_t *n_done,
                         size_t *n_cases, dh_error *err);

#endif
