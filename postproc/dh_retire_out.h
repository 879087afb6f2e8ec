/* dh_retire_out.h: the retirement study's results (public): terminal table, CSV, the /retire
 * group of the HDF5 results file, and the margin plot (gnuplot). Layout: docs/results.md
 * "Retirement study", docs/retire.md. Implemented in retire_out.c. Caller: cli/cmd_retire.c.
 */
#ifndef DH_RETIRE_OUT_H
#define DH_RETIRE_OUT_H

#include <stdio.h>

#include "dh_case.h"
#include "dh_retire.h"
#include "dh_status.h"

/* The step table, the verdict (what binds, by how much) and the reinforcements. */
void dh_retire_print(const dh_case *c, const dh_retire_result *r, FILE *out);

/* One row per step computed; SI-free engineer's units named in the header (t/h, MPa, m/s,
 * t CO2/h, currency/h). */
void dh_retire_csv(const dh_case *c, const dh_retire_result *r, FILE *out);

/* Adds /retire (steps table as one 1-D dataset per column, attributes, reinforcements) to the
 * HDF5 file `path`, which must exist (written by dh_out_*) or is created. SI units with a
 * `units` attribute on every dataset. */
dh_status dh_retire_h5_write(const char *path, const dh_case *c, const dh_retire_result *r,
                             dh_error *err);

/* PNG of the worst delivery margin (MPa) and the N-1 margin (t/h) against the cumulative
 * retired capacity (t/h), with the minimum margin line, drawn by gnuplot. DH_ERR_IO when gnuplot
 * is missing or fails. */
dh_status dh_retire_plot(const dh_case *c, const dh_retire_result *r, const char *png_path,
                         dh_error *err);

#endif /* DH_RETIRE_OUT_H */
