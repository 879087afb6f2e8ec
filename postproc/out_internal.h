/* out_internal.h: helpers shared by the postproc files (not public): HDF5 string and attribute
 * writing (out_h5.c), reading back (out_read.c), the XDMF writer entry with a reference name
 * (out_xdmf.c). */
#ifndef DH_OUT_INTERNAL_H
#define DH_OUT_INTERNAL_H

#include <hdf5.h>
#include <stddef.h>

#include "dh_output.h"
#include "dh_status.h"

/* Turns off HDF5's automatic error-stack printing (process wide): dhsim reports its own
 * errors through dh_error. */
void dh_h5_quiet(void);
hid_t dh_h5_vlstr_type(void); /* variable-length UTF-8 string; H5Tclose it */
int dh_h5_attr_str(hid_t obj, const char *name, const char *value);
int dh_h5_attr_num(hid_t obj, const char *name, hid_t file_type, double value);

/* Writes the sidecar for the closed file `h5_read` (read now) referring to the heavy data as
 * basename(h5_ref) (where the file will be once renamed). out_xdmf.c. */
dh_status dh_xdmf_write_ref(const char *h5_read, const char *h5_ref, const char *xmf_path,
                            dh_error *err);

/* ---- reading (out_read.c) ---- */

/* Dimensions of a dataset: returns its rank (<= 2, dims filled) or -1 if absent. */
int dh_h5_dims(hid_t file, const char *path, size_t dims[2]);
/* Whole dataset as doubles (malloc'd, *n = element count), NULL if absent or on error. */
double *dh_h5_read_doubles(hid_t file, const char *path, size_t *n);
/* Whole dataset as ints (malloc'd), NULL if absent. */
int *dh_h5_read_ints(hid_t file, const char *path, size_t *n);
/* String dataset as malloc'd array of malloc'd strings; free with dh_h5_free_strings. */
char **dh_h5_read_strings(hid_t file, const char *path, size_t *n);
void dh_h5_free_strings(char **s, size_t n);
/* One row (time step) of a [time, n] dataset, or one column (element) over time. */
int dh_h5_read_row(hid_t file, const char *path, size_t row, double *out, size_t n);
int dh_h5_read_col(hid_t file, const char *path, size_t col, double *out, size_t t);
/* Rows row0.. (nrows) x columns col0.. (ncols) of a [time, n] dataset, row-major into out. */
int dh_h5_read_block(hid_t file, const char *path, size_t row0, size_t nrows, size_t col0,
                     size_t ncols, double *out);
/* Columns per chunk of a chunked 2-D dataset (0 if not chunked or absent). */
size_t dh_h5_chunk_cols(hid_t file, const char *path);
/* A string attribute (malloc'd) or NULL; a numeric attribute as double (NaN if absent). */
char *dh_h5_attr_get_str(hid_t obj, const char *path, const char *name);
double dh_h5_attr_get_num(hid_t obj, const char *path, const char *name);

/* The HDF5 file of a results file being written (the tmp file until dh_out_close): for the
 * study summaries (series_summary.c, transient_summary.c) to join the atomic write. */
hid_t dh_out_hid(const dh_out *o);

/* Runs `gnuplot script` in a child process (plots.c; used by the report's and the retirement
 * study's plots); 0 on success, else -1 with err set (gnuplot missing names its Debian package). */
int dh_gnuplot_run(const char *script, dh_error *err);

/* ---- the plant (out_plant.c) ---- */
struct dh_out_plant;
typedef struct dh_h5_plant dh_h5_plant;
/* Creates /network/plant (unit tables of p) and the extendible /results/plant datasets with
 * chunks of chunk_rows time steps; n_consumers for the N-1 per-consumer dataset. */
dh_status dh_h5_plant_create(hid_t file, const struct dh_out_plant *p, size_t n_consumers,
                             size_t chunk_rows, dh_h5_plant **out, dh_error *err);
/* Buffers time step `row` (rows come in order; a full buffer of chunk_rows is written at once,
 * the rest by dh_h5_plant_flush, which dh_out_close calls before closing). */
dh_status dh_h5_plant_write(dh_h5_plant *w, size_t row, const struct dh_out_plant *p,
                            dh_error *err);
dh_status dh_h5_plant_flush(dh_h5_plant *w, dh_error *err);
/* Closes the datasets and frees; rows still buffered are dropped (call flush first). */
void dh_h5_plant_close(dh_h5_plant **w);
/* Reads time step `step` into p; n1_unmet (nc values, may be NULL) receives the N-1
 * per-consumer unmet demand and p->n1_consumer_unmet points at it when any is finite.
 * Returns 1 read, 0 the file has no plant, -1 some dataset missing or unreadable (the rest
 * is filled, the missing ones stay 0). */
int dh_h5_plant_read(hid_t file, size_t step, struct dh_out_plant *p, double *n1_unmet,
                     size_t nc);

#endif
