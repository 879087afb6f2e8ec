/* checkpoint.c: transient checkpoint files (postproc/dh_checkpoint.h; layout in
 * docs/transient.md "Checkpoint file").
 *
 * One HDF5 file, everything at the root: attributes format = "dhsim-checkpoint",
 * format_version = 1, program_version, case_path, case_sha256, fingerprint, time, last_step,
 * t_end, output_interval, outputs, next_event; float64 datasets y, yp [ny], totals [8],
 * counters [8], inputs [n_inputs], ramps [n, 6], ride_through [consumers],
 * source_min_pressure, source_time_to_min [sources], pipes [water pipes, 5], plugs [plugs, 2].
 * Atomic: "<path>.tmp-<pid>", fsync, rename(2).
 *
 * Exports dh_checkpoint_write, dh_checkpoint_read, dh_checkpoint_meta_free.
 * Callers: cli/run_transient.c, tests/transient.
 */
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "dh_checkpoint.h"
#include "out_internal.h"

#define CKPT_FORMAT "dhsim-checkpoint"
#define CKPT_VERSION 1

static int put(hid_t f, const char *name, const double *v, size_t rows, size_t cols,
               const char *units)
{
    hsize_t dims[2] = {rows, cols};
    hid_t sp = H5Screate_simple(cols ? 2 : 1, dims, NULL);
    hid_t d = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int r = -1;
    if (d >= 0) {
        size_t n = rows * (cols ? cols : 1);
        r = (n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) ? -1 : 0;
        r |= dh_h5_attr_str(d, "units", units);
        H5Dclose(d);
    }
    H5Sclose(sp);
    return r;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

dh_status dh_checkpoint_write(const char *path, const dh_transient_checkpoint *cp,
                              const dh_checkpoint_meta *meta, dh_error *err)
{
    dh_h5_quiet();
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) {
        dh_status st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot create", tmp);
        free(tmp);
        return st;
    }
    int r = 0;
    r |= dh_h5_attr_str(f, "format", CKPT_FORMAT);
    r |= dh_h5_attr_num(f, "format_version", H5T_STD_I32LE, CKPT_VERSION);
    r |= dh_h5_attr_str(f, "program_version", meta ? meta->program_version : "");
    r |= dh_h5_attr_str(f, "case_path", meta ? meta->case_path : "");
    r |= dh_h5_attr_str(f, "case_sha256", meta ? meta->case_sha256 : "");
    r |= dh_h5_attr_str(f, "fingerprint", meta ? meta->fingerprint : "");
    r |= dh_h5_attr_num(f, "time", H5T_IEEE_F64LE, cp->time);
    r |= dh_h5_attr_num(f, "last_step", H5T_IEEE_F64LE, cp->last_step);
    r |= dh_h5_attr_num(f, "t_end", H5T_IEEE_F64LE, cp->t_end);
    r |= dh_h5_attr_num(f, "output_interval", H5T_IEEE_F64LE, cp->output_interval);
    r |= dh_h5_attr_num(f, "outputs", H5T_STD_I64LE, (double)cp->outputs);
    r |= dh_h5_attr_num(f, "next_event", H5T_STD_I64LE, (double)cp->next_event);
    r |= put(f, "y", cp->y, cp->ny, 0, "SI");
    r |= put(f, "yp", cp->yp, cp->ny, 0, "SI/s");
    r |= put(f, "totals", cp->totals, DH_TR_CKPT_TOTALS, 0, "kg, J");
    r |= put(f, "counters", cp->counters, DH_TR_CKPT_COUNTERS, 0, "1");
    r |= put(f, "inputs", cp->inputs, cp->n_inputs, 0, "SI");
    r |= put(f, "ramps", cp->ramps, cp->n_ramps, DH_TR_CKPT_RAMP, "s, SI");
    r |= put(f, "ride_through", cp->ride_through, cp->n_consumers, 0, "s");
    r |= put(f, "source_min_pressure", cp->source_min_pressure, cp->n_sources, 0, "Pa");
    r |= put(f, "source_time_to_min", cp->source_time_to_min, cp->n_sources, 0, "s");
    r |= put(f, "pipes", cp->pipe_state, cp->n_pipes, DH_TR_CKPT_PIPE, "1, J/kg, W");
    r |= put(f, "plugs", cp->plugs, cp->n_plugs, 2, "kg, J/kg");
    if (H5Fclose(f) < 0) r = -1;
    dh_status st = DH_OK;
    if (r) st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write the checkpoint", tmp);
    else if (fsync_path(tmp))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: fsync failed", tmp);
    else if (rename(tmp, path))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot rename %s to %s", tmp, path);
    if (st) remove(tmp);
    free(tmp);
    return st;
}

void dh_checkpoint_meta_free(dh_checkpoint_meta *m)
{
    if (!m) return;
    free((char *)m->program_version);
    free((char *)m->case_path);
    free((char *)m->case_sha256);
    free((char *)m->fingerprint);
    memset(m, 0, sizeof *m);
}

/* Reads dataset `name` of rows x max(cols, 1) values (rows from the file unless *rows is
 * preset to a required count, SIZE_MAX: any). */
static double *get(hid_t f, const char *name, size_t cols, size_t *rows, bool *ok)
{
    size_t dims[2] = {0, 0};
    int rank = dh_h5_dims(f, name, dims);
    if (rank != (cols ? 2 : 1) || (cols && dims[1] != cols) ||
        (*rows != SIZE_MAX && dims[0] != *rows)) {
        *ok = false;
        return NULL;
    }
    *rows = dims[0];
    size_t n = dims[0] * (cols ? cols : 1);
    if (n == 0) {
        double *v = malloc(sizeof(double));
        if (!v) *ok = false;
        return v;
    }
    size_t got = 0;
    double *v = dh_h5_read_doubles(f, name, &got);
    if (!v || got != n) {
        free(v);
        *ok = false;
        return NULL;
    }
    return v;
}

dh_status dh_checkpoint_read(const char *path, dh_transient_checkpoint *cp,
                             dh_checkpoint_meta *meta, dh_error *err)
{
    dh_h5_quiet();
    memset(cp, 0, sizeof *cp);
    memset(meta, 0, sizeof *meta);
    if (access(path, R_OK))
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open the checkpoint", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL,
                            "%s: not an HDF5 file (not a dhsim checkpoint)", path);
    char *fmt = dh_h5_attr_get_str(f, ".", "format");
    bool ok = fmt && !strcmp(fmt, CKPT_FORMAT);
    free(fmt);
    if (!ok) {
        H5Fclose(f);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: not a dhsim checkpoint", path);
    }
    double ver = dh_h5_attr_get_num(f, ".", "format_version");
    if (ver != CKPT_VERSION) {
        H5Fclose(f);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL,
                            "%s: checkpoint format version %g (this dhsim reads %d)", path, ver,
                            CKPT_VERSION);
    }
    meta->program_version = dh_h5_attr_get_str(f, ".", "program_version");
    meta->case_path = dh_h5_attr_get_str(f, ".", "case_path");
    meta->case_sha256 = dh_h5_attr_get_str(f, ".", "case_sha256");
    meta->fingerprint = dh_h5_attr_get_str(f, ".", "fingerprint");
    cp->time = dh_h5_attr_get_num(f, ".", "time");
    cp->last_step = dh_h5_attr_get_num(f, ".", "last_step");
    cp->t_end = dh_h5_attr_get_num(f, ".", "t_end");
    cp->output_interval = dh_h5_attr_get_num(f, ".", "output_interval");
    double outs = dh_h5_attr_get_num(f, ".", "outputs"), nev = dh_h5_attr_get_num(f, ".", "next_event");
    ok = meta->case_sha256 && meta->fingerprint && isfinite(cp->time) && isfinite(outs) &&
         isfinite(nev) && outs >= 0 && nev >= 0;
    cp->outputs = ok ? (long)outs : 0;
    cp->next_event = ok ? (long)nev : 0;
    size_t n = SIZE_MAX;
    cp->y = get(f, "y", 0, &n, &ok);
    cp->ny = n;
    cp->yp = get(f, "yp", 0, &n, &ok);
    size_t k = DH_TR_CKPT_TOTALS;
    double *tot = get(f, "totals", 0, &k, &ok);
    if (tot) memcpy(cp->totals, tot, sizeof cp->totals);
    free(tot);
    k = DH_TR_CKPT_COUNTERS;
    double *cnt = get(f, "counters", 0, &k, &ok);
    if (cnt) memcpy(cp->counters, cnt, sizeof cp->counters);
    free(cnt);
    n = SIZE_MAX;
    cp->inputs = get(f, "inputs", 0, &n, &ok);
    cp->n_inputs = n;
    n = SIZE_MAX;
    cp->ramps = get(f, "ramps", DH_TR_CKPT_RAMP, &n, &ok);
    cp->n_ramps = n;
    n = SIZE_MAX;
    cp->ride_through = get(f, "ride_through", 0, &n, &ok);
    cp->n_consumers = n;
    n = SIZE_MAX;
    cp->source_min_pressure = get(f, "source_min_pressure", 0, &n, &ok);
    cp->n_sources = n;
    cp->source_time_to_min = get(f, "source_time_to_min", 0, &n, &ok);
    n = SIZE_MAX;
    cp->pipe_state = get(f, "pipes", DH_TR_CKPT_PIPE, &n, &ok);
    cp->n_pipes = n;
    n = SIZE_MAX;
    cp->plugs = get(f, "plugs", 2, &n, &ok);
    cp->n_plugs = n;
    H5Fclose(f);
    if (!ok) {
        dh_transient_checkpoint_free(cp);
        dh_checkpoint_meta_free(meta);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL,
                            "%s: damaged checkpoint (an attribute or dataset is missing or has "
                            "the wrong size)",
                            path);
    }
    return DH_OK;
}
