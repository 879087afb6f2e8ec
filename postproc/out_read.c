/* out_read.c: reading a results file back (helpers for the XDMF writer, `dhsim report`, the
 * CSV export and the plots). Exports the dh_h5_* readers of out_internal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out_internal.h"

void dh_h5_quiet(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

int dh_h5_dims(hid_t file, const char *path, size_t dims[2])
{
    dims[0] = dims[1] = 0;
    if (H5Lexists(file, path, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t sp = H5Dget_space(d);
    hsize_t h[2] = {0, 0};
    int rank = H5Sget_simple_extent_dims(sp, h, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    if (rank < 0 || rank > 2) return -1;
    dims[0] = (size_t)h[0];
    dims[1] = (size_t)h[1];
    return rank;
}

static void *read_all(hid_t file, const char *path, hid_t mem, size_t elem, size_t *n)
{
    size_t dims[2];
    *n = 0;
    int rank = dh_h5_dims(file, path, dims);
    if (rank < 0) return NULL;
    size_t count = rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
    void *buf = malloc((count ? count : 1) * elem);
    if (!buf) return NULL;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (count && H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        buf = NULL;
    }
    H5Dclose(d);
    if (buf) *n = count;
    return buf;
}

double *dh_h5_read_doubles(hid_t file, const char *path, size_t *n)
{
    return read_all(file, path, H5T_NATIVE_DOUBLE, sizeof(double), n);
}

int *dh_h5_read_ints(hid_t file, const char *path, size_t *n)
{
    size_t dims[2];
    *n = 0;
    if (dh_h5_dims(file, path, dims) < 0) return NULL;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t t = H5Dget_type(d);
    int is_enum = H5Tget_class(t) == H5T_ENUM;
    H5Dclose(d);
    if (!is_enum) {
        H5Tclose(t);
        return read_all(file, path, H5T_NATIVE_INT, sizeof(int), n);
    }
    /* HDF5 converts enumerations only to enumerations: read with the file's own (int8-based,
     * see out_h5.c) type, then widen */
    hid_t mt = H5Tget_native_type(t, H5T_DIR_ASCEND);
    H5Tclose(t);
    signed char *raw = H5Tget_size(mt) == 1 ? read_all(file, path, mt, 1, n) : NULL;
    H5Tclose(mt);
    if (!raw) return NULL;
    int *v = malloc((*n ? *n : 1) * sizeof *v);
    if (v)
        for (size_t i = 0; i < *n; i++) v[i] = raw[i];
    free(raw);
    return v;
}

char **dh_h5_read_strings(hid_t file, const char *path, size_t *n)
{
    size_t dims[2];
    *n = 0;
    if (dh_h5_dims(file, path, dims) != 1) return NULL;
    size_t cnt = dims[0];
    char **out = calloc(cnt ? cnt : 1, sizeof *out);
    char **raw = calloc(cnt ? cnt : 1, sizeof *raw);
    if (!out || !raw) {
        free(out), free(raw);
        return NULL;
    }
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t t = dh_h5_vlstr_type();
    int ok = !cnt || H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0;
    for (size_t i = 0; ok && i < cnt; i++) out[i] = strdup(raw[i] ? raw[i] : "");
    if (ok && cnt) {
        hid_t sp = H5Dget_space(d);
        H5Dvlen_reclaim(t, sp, H5P_DEFAULT, raw);
        H5Sclose(sp);
    }
    H5Tclose(t);
    H5Dclose(d);
    free(raw);
    if (!ok) {
        free(out);
        return NULL;
    }
    *n = cnt;
    return out;
}

void dh_h5_free_strings(char **s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

static int read_slab(hid_t file, const char *path, hsize_t start[2], hsize_t count[2], double *out);

int dh_h5_read_block(hid_t file, const char *path, size_t row0, size_t nrows, size_t col0,
                     size_t ncols, double *out)
{
    hsize_t start[2] = {row0, col0}, count[2] = {nrows, ncols};
    return read_slab(file, path, start, count, out);
}

size_t dh_h5_chunk_cols(hid_t file, const char *path)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return 0;
    hid_t p = H5Dget_create_plist(d);
    hsize_t c[2] = {0, 0};
    size_t r = H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 2, c) == 2 ? (size_t)c[1] : 0;
    H5Pclose(p);
    H5Dclose(d);
    return r;
}

static int read_slab(hid_t file, const char *path, hsize_t start[2], hsize_t count[2], double *out)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t fs = H5Dget_space(d);
    hsize_t mcount[1] = {count[0] * count[1]};
    hid_t ms = H5Screate_simple(1, mcount, NULL);
    herr_t r = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (r >= 0 && mcount[0]) r = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    return r < 0 ? -1 : 0;
}

int dh_h5_read_row(hid_t file, const char *path, size_t row, double *out, size_t n)
{
    hsize_t start[2] = {row, 0}, count[2] = {1, n};
    return read_slab(file, path, start, count, out);
}

int dh_h5_read_col(hid_t file, const char *path, size_t col, double *out, size_t t)
{
    hsize_t start[2] = {0, col}, count[2] = {t, 1};
    return read_slab(file, path, start, count, out);
}

char *dh_h5_attr_get_str(hid_t obj, const char *path, const char *name)
{
    if (H5Aexists_by_name(obj, path, name, H5P_DEFAULT) <= 0) return NULL;
    hid_t a = H5Aopen_by_name(obj, path, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = dh_h5_vlstr_type();
    char *v = NULL, *out = NULL;
    if (a >= 0 && H5Aread(a, t, &v) >= 0 && v) {
        out = strdup(v);
        H5free_memory(v);
    }
    H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return out;
}

double dh_h5_attr_get_num(hid_t obj, const char *path, const char *name)
{
    if (H5Aexists_by_name(obj, path, name, H5P_DEFAULT) <= 0) return NAN;
    hid_t a = H5Aopen_by_name(obj, path, name, H5P_DEFAULT, H5P_DEFAULT);
    double v = NAN;
    if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) v = NAN;
    if (a >= 0) H5Aclose(a);
    return v;
}
