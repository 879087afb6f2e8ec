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
 * Implemented in out_h5.c (HDF5), out_xdmf.c (sidecar), report.c (summary, CSV), plots.c.
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

#endif /* DH_OUTPUT_H */
