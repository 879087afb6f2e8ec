/* sweep_out.c: the results file of a sweep: tables written in place, a journal, resume, merge.
 *
 * Exports (dh_sweep_out.h): dh_sweep_file_open, _has, _put, _close, _abort, dh_sweep_merge.
 * Callers: cli/cmd_sweep.c.
 *
 * /sweep/parameters and /sweep/summary are compound datasets of n_cases rows (the whole sweep,
 * in every slice file) created at once; a row is written when its case is done; rows never
 * written read as the fill value (status -1, NaN). The journal (OUT.h5.journal) holds a
 * 128-byte header ("dhsim-sweep-journal 1 HASH ROWSIZE") then one record per row: the packed
 * summary row (the same bytes as in HDF5) and the 8-byte trailer "dhsimrow"; a torn last
 * record (a kill inside write(2)) is ignored.
 */
#include "dh_sweep_out.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT "dhsim-sweep 1"
#define TRAILER "dhsimrow"
#define JHEAD 128

struct dh_sweep_file {
    hid_t fid, summary;
    hid_t rtype;          /* packed row type (file and memory) */
    size_t rowsize, n_cases, n_figures;
    size_t off_fig, off_worst, off_diag;
    bool per_case;
    size_t slice, n_slices, n_done_slice, n_slice;
    unsigned char *done;  /* [n_cases] */
    char *path, *jpath;
    FILE *journal;
    char hash[65];
};

/* ---- small HDF5 helpers ------------------------------------------------------------------ */

static hid_t str_type(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

static int attr_str(hid_t obj, const char *name, const char *v)
{
    if (!v) v = "";
    hid_t t = str_type(strlen(v) + 1), sp = H5Screate(H5S_SCALAR);
    if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 || H5Awrite(a, t, v) < 0 ? -1 : 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp), H5Tclose(t);
    return rc;
}

static int attr_i64(hid_t obj, const char *name, long long v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
    hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, &v) < 0 ? -1 : 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

/* String attribute into buf (size bytes); -1 if absent. */
static int read_attr_str(hid_t obj, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t ft = H5Aget_type(a);
    size_t n = H5Tget_size(ft);
    char *tmp = calloc(n + 1, 1);
    hid_t mt = str_type(n);
    int rc = tmp && H5Aread(a, mt, tmp) >= 0 ? 0 : -1;
    if (rc == 0) snprintf(buf, size, "%s", tmp);
    free(tmp);
    H5Tclose(mt), H5Tclose(ft), H5Aclose(a);
    return rc;
}

static long long read_attr_i64(hid_t obj, const char *name)
{
    long long v = -1;
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    if (H5Aread(a, H5T_NATIVE_LLONG, &v) < 0) v = -1;
    H5Aclose(a);
    return v;
}

/* ---- the row type ------------------------------------------------------------------------ */

static hid_t row_type(size_t n_fig, const char *const *fig, size_t *rowsize, size_t *off_fig,
                      size_t *off_worst, size_t *off_diag)
{
    size_t size = 8 + 4 + 4 + 8 + 8 + 8 * n_fig + DH_SWEEP_TEXT_MAX + DH_SWEEP_DIAG_MAX;
    hid_t t = H5Tcreate(H5T_COMPOUND, size);
    H5Tinsert(t, "case", 0, H5T_STD_I64LE);
    H5Tinsert(t, "status", 8, H5T_STD_I32LE);
    H5Tinsert(t, "iterations", 12, H5T_STD_I32LE);
    H5Tinsert(t, "residual", 16, H5T_IEEE_F64LE);
    H5Tinsert(t, "seconds", 24, H5T_IEEE_F64LE);
    size_t off = 32;
    *off_fig = off;
    for (size_t i = 0; i < n_fig; i++, off += 8) H5Tinsert(t, fig[i], off, H5T_IEEE_F64LE);
    hid_t s1 = str_type(DH_SWEEP_TEXT_MAX), s2 = str_type(DH_SWEEP_DIAG_MAX);
    *off_worst = off;
    H5Tinsert(t, "worst_consumer", off, s1);
    off += DH_SWEEP_TEXT_MAX;
    *off_diag = off;
    H5Tinsert(t, "diagnosis", off, s2);
    H5Tclose(s1), H5Tclose(s2);
    *rowsize = size;
    return t;
}

/* Packs a row (little-endian hosts: the file types are LE; dhsim runs on x86-64/aarch64). */
static void pack_row(const dh_sweep_file *f, const dh_sweep_row *r, unsigned char *b)
{
    memset(b, 0, f->rowsize);
    long long k = r->index;
    int32_t st = r->status, it = r->iterations;
    memcpy(b, &k, 8), memcpy(b + 8, &st, 4), memcpy(b + 12, &it, 4);
    memcpy(b + 16, &r->residual, 8), memcpy(b + 24, &r->seconds, 8);
    memcpy(b + f->off_fig, r->figure, 8 * f->n_figures);
    snprintf((char *)b + f->off_worst, DH_SWEEP_TEXT_MAX, "%s", r->worst);
    snprintf((char *)b + f->off_diag, DH_SWEEP_DIAG_MAX, "%s", r->diagnosis);
}

static void fill_row(const dh_sweep_file *f, unsigned char *b)
{
    dh_sweep_row r;
    memset(&r, 0, sizeof r);
    r.index = -1, r.status = DH_SWEEP_NOT_RUN, r.iterations = -1;
    r.residual = r.seconds = NAN;
    for (size_t i = 0; i < DH_SWEEP_FIGURE_MAX; i++) r.figure[i] = NAN;
    pack_row(f, &r, b);
}

static int write_row_bytes(hid_t ds, hid_t t, size_t k, const unsigned char *b)
{
    hid_t fs = H5Dget_space(ds);
    hsize_t start = k, count = 1;
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL);
    hid_t ms = H5Screate_simple(1, &count, NULL);
    herr_t e = H5Dwrite(ds, t, ms, fs, H5P_DEFAULT, b);
    H5Sclose(ms), H5Sclose(fs);
    return e < 0 ? -1 : 0;
}

/* Reads the status column of /sweep/summary (n rows) into st. */
static int read_status(hid_t ds, size_t n, int32_t *st)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, 4);
    H5Tinsert(t, "status", 0, H5T_NATIVE_INT32);
    herr_t e = H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, st);
    H5Tclose(t);
    (void)n;
    return e < 0 ? -1 : 0;
}

/* Attributes copied by hand (H5Ocopy of vlen-string attributes crashes in HDF5 1.10.8):
 * read with the file type, written with it, vlen memory reclaimed. */
static int copy_attrs(hid_t from, hid_t to)
{
    if (from < 0 || to < 0) return -1;
    H5O_info_t info;
    if (H5Oget_info2(from, &info, H5O_INFO_NUM_ATTRS) < 0) return -1;
    int rc = 0;
    for (hsize_t i = 0; i < info.num_attrs && !rc; i++) {
        hid_t a = H5Aopen_by_idx(from, ".", H5_INDEX_CRT_ORDER, H5_ITER_NATIVE, i, H5P_DEFAULT,
                                 H5P_DEFAULT);
        if (a < 0) a = H5Aopen_by_idx(from, ".", H5_INDEX_NAME, H5_ITER_NATIVE, i, H5P_DEFAULT,
                                      H5P_DEFAULT);
        if (a < 0) return -1;
        char name[256];
        H5Aget_name(a, sizeof name, name);
        hid_t ft = H5Aget_type(a), mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT), sp = H5Aget_space(a);
        hssize_t n = H5Sget_simple_extent_npoints(sp);
        size_t sz = H5Tget_size(mt);
        void *buf = calloc(n > 0 ? (size_t)n : 1, sz ? sz : 1);
        hid_t b = -1;
        if (!buf || H5Aread(a, mt, buf) < 0 ||
            (b = H5Acreate2(to, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
            H5Awrite(b, mt, buf) < 0)
            rc = -1;
        if (buf && H5Tdetect_class(mt, H5T_VLEN) > 0) H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
        else if (buf && H5Tget_class(mt) == H5T_STRING && H5Tis_variable_str(mt) > 0)
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
        free(buf);
        if (b >= 0) H5Aclose(b);
        H5Sclose(sp), H5Tclose(mt), H5Tclose(ft), H5Aclose(a);
    }
    return rc;
}

typedef struct copy_ctx {
    hid_t dst;
    int failed;
} copy_ctx;

static herr_t visit_attrs(hid_t obj, const char *name, const H5O_info_t *info, void *user)
{
    copy_ctx *cc = user;
    if (!strcmp(name, ".")) return 0;
    hid_t a = H5Oopen(obj, name, H5P_DEFAULT), b = H5Oopen(cc->dst, name, H5P_DEFAULT);
    if (copy_attrs(a, b)) cc->failed = 1;
    if (a >= 0) H5Oclose(a);
    if (b >= 0) H5Oclose(b);
    (void)info;
    return 0;
}

/* Copies `network` and `results` of the group `src` into the group `dst`: objects without
 * their attributes (H5Ocopy of vlen-string attributes crashes in HDF5 1.10.8), then the
 * attributes by hand. */
static herr_t copy_case(hid_t src, hid_t dst)
{
    static const char *const parts[] = {"network", "results"};
    herr_t e = 0;
    hid_t ocpl = H5Pcreate(H5P_OBJECT_COPY);
    H5Pset_copy_object(ocpl, H5O_COPY_WITHOUT_ATTR_FLAG);
    for (size_t i = 0; !e && i < 2; i++)
        if (H5Lexists(src, parts[i], H5P_DEFAULT) > 0) {
            e = H5Ocopy(src, parts[i], dst, parts[i], ocpl, H5P_DEFAULT);
            if (!e) {
                hid_t a = H5Gopen2(src, parts[i], H5P_DEFAULT), b = H5Gopen2(dst, parts[i], H5P_DEFAULT);
                copy_ctx cc = {b, 0};
                copy_attrs(a, b);
                e = a < 0 || b < 0 || H5Ovisit(a, H5_INDEX_NAME, H5_ITER_NATIVE, visit_attrs, &cc) < 0 ||
                    cc.failed ? -1 : 0;
                if (a >= 0) H5Gclose(a);
                if (b >= 0) H5Gclose(b);
            }
        }
    H5Pclose(ocpl);
    return e;
}

static void case_group_name(char *buf, size_t size, size_t k)
{
    snprintf(buf, size, "/sweep/cases/%06zu", k);
}

/* ---- create ------------------------------------------------------------------------------ */

static int create_file(dh_sweep_file *f, const dh_sweep_layout *lay)
{
    const dh_sweep_cases *sc = lay->cases;
    hid_t fid = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (fid < 0) return -1;
    f->fid = fid;
    hid_t g = H5Gcreate2(fid, "/sweep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    char slice[48];
    snprintf(slice, sizeof slice, "%zu/%zu", lay->slice, lay->n_slices);
    int rc = g < 0 || attr_str(g, "format", FORMAT) || attr_str(g, "hash", sc->hash) ||
             attr_i64(g, "n_cases", (long long)sc->n_cases) || attr_str(g, "slice", slice) ||
             attr_str(g, "case_path", lay->case_path) ||
             attr_str(g, "case_sha256", lay->case_sha256) ||
             attr_str(g, "case_name", lay->case_name) ||
             attr_str(g, "program_version", lay->program_version) ||
             attr_i64(g, "per_case_results", lay->per_case_results) ||
             attr_i64(g, "complete", 0) || attr_i64(g, "cases_done", 0);
    if (rc) {
        if (g >= 0) H5Gclose(g);
        return -1;
    }
    if (lay->per_case_results) {
        hid_t cg = H5Gcreate2(g, "cases", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (cg < 0) rc = -1;
        else H5Gclose(cg);
    }
    /* parameters: case, then per parameter its SI value and its text */
    size_t np = sc->n_params, psize = 8 + np * (8 + DH_SWEEP_TEXT_MAX);
    hid_t pt = H5Tcreate(H5T_COMPOUND, psize), s1 = str_type(DH_SWEEP_TEXT_MAX);
    H5Tinsert(pt, "case", 0, H5T_STD_I64LE);
    for (size_t j = 0; j < np; j++) {
        char name[512];
        H5Tinsert(pt, sc->path[j], 8 + 8 * j, H5T_IEEE_F64LE);
        snprintf(name, sizeof name, "%s.text", sc->path[j]);
        H5Tinsert(pt, name, 8 + 8 * np + DH_SWEEP_TEXT_MAX * j, s1);
    }
    hsize_t dim = sc->n_cases;
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    unsigned char *pb = calloc(sc->n_cases, psize);
    hid_t pd = pb ? H5Dcreate2(g, "parameters", pt, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (pd >= 0) {
        for (size_t k = 0; k < sc->n_cases; k++) {
            unsigned char *b = pb + k * psize;
            long long kk = (long long)k;
            memcpy(b, &kk, 8);
            for (size_t j = 0; j < np; j++) {
                memcpy(b + 8 + 8 * j, &sc->si[k * np + j], 8);
                const char *t = sc->text[k * np + j];
                snprintf((char *)b + 8 + 8 * np + DH_SWEEP_TEXT_MAX * j, DH_SWEEP_TEXT_MAX, "%s",
                         t ? t : "(base)");
            }
        }
        if (H5Dwrite(pd, pt, H5S_ALL, H5S_ALL, H5P_DEFAULT, pb) < 0 ||
            attr_str(pd, "units", "SI (Pa abs, K, kg/s, W, m ...); NaN for texts and the base value") ||
            attr_str(pd, "description", "one row per case: each parameter's value in SI and as "
                                        "given to --set (docs/results.md, Sweeps)"))
            rc = -1;
        H5Dclose(pd);
    } else {
        rc = -1;
    }
    free(pb);
    H5Tclose(pt), H5Tclose(s1);
    /* summary: chunked, filled with "not run" */
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk = sc->n_cases < 256 ? sc->n_cases : 256;
    H5Pset_chunk(dcpl, 1, &chunk);
    unsigned char *fill = malloc(f->rowsize);
    if (fill) fill_row(f, fill);
    if (fill) H5Pset_fill_value(dcpl, f->rtype, fill);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC);
    free(fill);
    f->summary = H5Dcreate2(g, "summary", f->rtype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl), H5Sclose(sp);
    if (f->summary < 0 ||
        attr_str(f->summary, "units", "SI: figures in Pa abs (pressures), Pa (margins, drops), "
                                      "kg/s, W, - (docs/case-format.md, Sweeps); seconds s") ||
        attr_str(f->summary, "description",
                 "one row per case: status (-1 not run, 0 converged, 1 no convergence, 2 bad "
                 "input, 3 failed), solver figures, the collected figures, diagnosis"))
        rc = -1;
    H5Gclose(g);
    if (!rc && H5Fflush(fid, H5F_SCOPE_GLOBAL) < 0) rc = -1;
    return rc;
}

/* ---- journal ----------------------------------------------------------------------------- */

static void journal_header(const dh_sweep_file *f, char h[JHEAD])
{
    memset(h, ' ', JHEAD);
    int n = snprintf(h, JHEAD, "dhsim-sweep-journal 1 %s %zu", f->hash, f->rowsize);
    if (n > 0 && n < JHEAD) h[n] = ' ';
    h[JHEAD - 1] = '\n';
}

/* Replays the journal's rows missing from the file; returns rows replayed or -1. */
static long replay_journal(dh_sweep_file *f)
{
    FILE *j = fopen(f->jpath, "rb");
    if (!j) return 0;
    char h[JHEAD], want[JHEAD];
    journal_header(f, want);
    long n = 0;
    if (fread(h, 1, JHEAD, j) != JHEAD || memcmp(h, want, JHEAD)) {
        fclose(j);
        return 0; /* another sweep's or torn: ignored (rewritten below) */
    }
    size_t rec = f->rowsize + 8;
    unsigned char *b = malloc(rec);
    while (b && fread(b, 1, rec, j) == rec) {
        if (memcmp(b + f->rowsize, TRAILER, 8)) break;
        long long k;
        memcpy(&k, b, 8);
        if (k < 0 || (size_t)k >= f->n_cases || f->done[k]) continue;
        if (f->per_case) {
            char name[64];
            case_group_name(name, sizeof name, (size_t)k);
            if (H5Lexists(f->fid, name, H5P_DEFAULT) <= 0) continue; /* lost: run again */
        }
        if (write_row_bytes(f->summary, f->rtype, (size_t)k, b)) {
            n = -1;
            break;
        }
        f->done[k] = 1;
        n++;
    }
    free(b);
    fclose(j);
    return n;
}

/* Rewrites the journal with the rows of the file (compact, and in this sweep's format). */
static int journal_start(dh_sweep_file *f)
{
    f->journal = fopen(f->jpath, "wb");
    if (!f->journal) return -1;
    char h[JHEAD];
    journal_header(f, h);
    if (fwrite(h, 1, JHEAD, f->journal) != JHEAD) return -1;
    return fflush(f->journal) ? -1 : 0;
}

/* ---- open / put / close ------------------------------------------------------------------ */

static void file_free(dh_sweep_file *f)
{
    if (!f) return;
    if (f->summary > 0) H5Dclose(f->summary);
    if (f->rtype > 0) H5Tclose(f->rtype);
    if (f->fid > 0) H5Fclose(f->fid);
    if (f->journal) fclose(f->journal);
    free(f->done), free(f->path), free(f->jpath);
    free(f);
}

bool dh_sweep_file_has(const dh_sweep_file *f, size_t k)
{
    return k < f->n_cases && f->done[k];
}

static int count_done(dh_sweep_file *f)
{
    f->n_done_slice = f->n_slice = 0;
    for (size_t k = 0; k < f->n_cases; k++)
        if (dh_sweep_in_slice(k, f->slice, f->n_slices)) f->n_slice++, f->n_done_slice += f->done[k];
    return 0;
}

dh_status dh_sweep_file_open(const char *path, const dh_sweep_layout *lay, dh_sweep_file **out,
                             size_t *n_done, char *note, size_t size, dh_error *err)
{
    *out = NULL;
    if (note && size) note[0] = '\0';
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    dh_sweep_file *f = calloc(1, sizeof *f);
    size_t plen = strlen(path);
    if (!f || !(f->path = strdup(path)) || !(f->jpath = malloc(plen + 9)) ||
        !(f->done = calloc(lay->cases->n_cases ? lay->cases->n_cases : 1, 1))) {
        file_free(f);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    snprintf(f->jpath, plen + 9, "%s.journal", path);
    f->n_cases = lay->cases->n_cases;
    f->n_figures = lay->n_figures;
    f->per_case = lay->per_case_results;
    f->slice = lay->slice ? lay->slice : 1;
    f->n_slices = lay->n_slices ? lay->n_slices : 1;
    memcpy(f->hash, lay->cases->hash, sizeof f->hash);
    f->rtype = row_type(lay->n_figures, lay->figures, &f->rowsize, &f->off_fig, &f->off_worst,
                        &f->off_diag);
    struct stat stt;
    bool exists = stat(path, &stt) == 0;
    if (exists) {
        f->fid = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        if (f->fid < 0) {
            /* killed inside an HDF5 flush: keep it aside, rebuild from the journal */
            char aside[4096];
            snprintf(aside, sizeof aside, "%s.damaged", path);
            if (rename(path, aside)) {
                file_free(f);
                return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: not readable by HDF5 and "
                                    "cannot be moved aside: %s", path, strerror(errno));
            }
            if (note) snprintf(note, size, "%s could not be opened (a killed write?): moved to %s, "
                               "rebuilt from its journal", path, aside);
            exists = false;
        } else {
            char fmt[64], hash[80], slice[48];
            hid_t g = H5Gopen2(f->fid, "/sweep", H5P_DEFAULT);
            if (g < 0 || read_attr_str(g, "format", fmt, sizeof fmt) || strcmp(fmt, FORMAT)) {
                if (g >= 0) H5Gclose(g);
                file_free(f);
                return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                    "%s exists and is not a dhsim sweep file: choose another -o "
                                    "or remove it", path);
            }
            read_attr_str(g, "hash", hash, sizeof hash);
            read_attr_str(g, "slice", slice, sizeof slice);
            char want_slice[48];
            snprintf(want_slice, sizeof want_slice, "%zu/%zu", f->slice, f->n_slices);
            if (strcmp(hash, f->hash) || strcmp(slice, want_slice)) {
                H5Gclose(g);
                dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                             "%s holds another sweep (hash %.12s, slice %s; this one is %.12s, "
                             "slice %s): the case file, its sweep section or --set changed; "
                             "remove the file or choose another -o to start anew",
                             path, hash, slice, f->hash, want_slice);
                file_free(f);
                return DH_ERR_INPUT;
            }
            attr_i64(g, "complete", 0);
            H5Gclose(g);
            f->summary = H5Dopen2(f->fid, "/sweep/summary", H5P_DEFAULT);
            int32_t *st = malloc(f->n_cases * sizeof *st);
            if (f->summary < 0 || !st || read_status(f->summary, f->n_cases, st)) {
                free(st);
                file_free(f);
                return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot read /sweep/summary",
                                    path);
            }
            for (size_t k = 0; k < f->n_cases; k++) f->done[k] = st[k] != DH_SWEEP_NOT_RUN;
            free(st);
        }
    }
    if (!exists && create_file(f, lay)) {
        file_free(f);
        unlink(path);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot create the sweep file", path);
    }
    long replayed = replay_journal(f);
    if (replayed < 0 || H5Fflush(f->fid, H5F_SCOPE_GLOBAL) < 0 || journal_start(f)) {
        file_free(f);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write the sweep file or its "
                            "journal", path);
    }
    /* the rewritten journal holds every row of the file again */
    unsigned char *b = malloc(f->rowsize + 8);
    if (b) {
        hid_t fs = H5Dget_space(f->summary);
        for (size_t k = 0; k < f->n_cases; k++) {
            if (!f->done[k]) continue;
            hsize_t start = k, count = 1;
            H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL);
            hid_t ms = H5Screate_simple(1, &count, NULL);
            if (H5Dread(f->summary, f->rtype, ms, fs, H5P_DEFAULT, b) >= 0) {
                memcpy(b + f->rowsize, TRAILER, 8);
                fwrite(b, 1, f->rowsize + 8, f->journal);
            }
            H5Sclose(ms);
        }
        H5Sclose(fs);
        fflush(f->journal);
        free(b);
    }
    count_done(f);
    if (n_done) *n_done = f->n_done_slice;
    *out = f;
    return DH_OK;
}

dh_status dh_sweep_file_put(dh_sweep_file *f, const dh_sweep_row *row, const char *case_h5,
                            dh_error *err)
{
    size_t k = (size_t)row->index;
    if (row->index < 0 || k >= f->n_cases)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "case %lld is not in the sweep",
                            row->index);
    if (case_h5 && f->per_case) {
        char name[64];
        case_group_name(name, sizeof name, k);
        if (H5Lexists(f->fid, name, H5P_DEFAULT) > 0) H5Ldelete(f->fid, name, H5P_DEFAULT);
        /* the root's children one by one: HDF5 1.10.8 crashes copying a root group whose
         * attributes are in dense storage (H5A__attr_copy_file, vlen strings); the case's
         * identity is in /sweep/parameters instead */
        hid_t src = H5Fopen(case_h5, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t dst = H5Gcreate2(f->fid, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        herr_t e = src < 0 || dst < 0 ? -1 : copy_case(src, dst);
        if (dst >= 0) H5Gclose(dst);
        if (src >= 0) H5Fclose(src);
        if (e < 0)
            return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot copy the results of case "
                                "%zu from %s", f->path, k, case_h5);
    }
    unsigned char *b = malloc(f->rowsize + 8);
    if (!b) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    pack_row(f, row, b);
    memcpy(b + f->rowsize, TRAILER, 8);
    int rc = fwrite(b, 1, f->rowsize + 8, f->journal) != f->rowsize + 8 || fflush(f->journal);
    rc = rc || write_row_bytes(f->summary, f->rtype, k, b) ||
         H5Fflush(f->fid, H5F_SCOPE_GLOBAL) < 0;
    free(b);
    if (rc) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write the row of case %zu",
                                f->path, k);
    if (!f->done[k]) {
        f->done[k] = 1;
        if (dh_sweep_in_slice(k, f->slice, f->n_slices)) f->n_done_slice++;
    }
    return DH_OK;
}

dh_status dh_sweep_file_close(dh_sweep_file **pf, dh_error *err)
{
    if (!pf || !*pf) return DH_OK;
    dh_sweep_file *f = *pf;
    *pf = NULL;
    size_t all = 0;
    for (size_t k = 0; k < f->n_cases; k++) all += f->done[k];
    hid_t g = H5Gopen2(f->fid, "/sweep", H5P_DEFAULT);
    int rc = g < 0 || attr_i64(g, "cases_done", (long long)all) ||
             attr_i64(g, "complete", f->n_done_slice == f->n_slice);
    if (g >= 0) H5Gclose(g);
    H5Dclose(f->summary), f->summary = 0;
    rc = rc || H5Fclose(f->fid) < 0;
    f->fid = 0;
    if (f->journal) fclose(f->journal), f->journal = NULL;
    if (!rc) unlink(f->jpath);
    char path[4096];
    snprintf(path, sizeof path, "%s", f->path);
    file_free(f);
    if (rc) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot close the sweep file", path);
    return DH_OK;
}

void dh_sweep_file_abort(dh_sweep_file **pf)
{
    if (!pf || !*pf) return;
    file_free(*pf);
    *pf = NULL;
}

/* ---- merge ------------------------------------------------------------------------------- */

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
    int rc = a && b ? 0 : -1;
    char buf[1 << 16];
    size_t n;
    while (!rc && (n = fread(buf, 1, sizeof buf, a)) > 0)
        if (fwrite(buf, 1, n, b) != n) rc = -1;
    if (a && ferror(a)) rc = -1;
    if (a) fclose(a);
    if (b && fclose(b)) rc = -1;
    return rc;
}

dh_status dh_sweep_merge(const char *out, const char *const *in, size_t n_in, size_t *n_done,
                         size_t *n_cases, dh_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (n_in == 0) return dh_error_set(err, DH_ERR_USAGE, NULL, NULL, "no slice files to merge");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid());
    if (copy_file(in[0], tmp))
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot copy %s to %s", in[0], tmp);
    dh_status st = DH_OK;
    hid_t fo = H5Fopen(tmp, H5F_ACC_RDWR, H5P_DEFAULT), go = -1, so = -1, t = -1;
    unsigned char *buf = NULL;
    int32_t *sto = NULL, *sti = NULL;
    char hash0[80] = "", fmt[64] = "";
    if (fo < 0 || (go = H5Gopen2(fo, "/sweep", H5P_DEFAULT)) < 0 ||
        read_attr_str(go, "format", fmt, sizeof fmt) || strcmp(fmt, FORMAT)) {
        st = dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s is not a dhsim sweep file", in[0]);
        goto done;
    }
    read_attr_str(go, "hash", hash0, sizeof hash0);
    long long nc = read_attr_i64(go, "n_cases");
    so = H5Dopen2(fo, "/sweep/summary", H5P_DEFAULT);
    t = so >= 0 ? H5Dget_type(so) : -1;
    size_t rs = t >= 0 ? H5Tget_size(t) : 0;
    if (nc < 1 || so < 0 || t < 0 || !(sto = malloc((size_t)nc * 4)) || !(sti = malloc((size_t)nc * 4)) ||
        !(buf = malloc((size_t)nc * rs)) || read_status(so, (size_t)nc, sto)) {
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot read /sweep/summary", in[0]);
        goto done;
    }
    for (size_t i = 1; i < n_in && st == DH_OK; i++) {
        hid_t fi = H5Fopen(in[i], H5F_ACC_RDONLY, H5P_DEFAULT), gi = -1, si = -1;
        char hash[80] = "", fm[64] = "";
        if (fi < 0 || (gi = H5Gopen2(fi, "/sweep", H5P_DEFAULT)) < 0 ||
            read_attr_str(gi, "format", fm, sizeof fm) || strcmp(fm, FORMAT)) {
            st = dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s is not a dhsim sweep file", in[i]);
        } else if (read_attr_str(gi, "hash", hash, sizeof hash), strcmp(hash, hash0)) {
            st = dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                              "%s belongs to another sweep than %s (hash %.12s, not %.12s)",
                              in[i], in[0], hash, hash0);
        } else if ((si = H5Dopen2(fi, "/sweep/summary", H5P_DEFAULT)) < 0 ||
                   read_status(si, (size_t)nc, sti) ||
                   H5Dread(si, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot read /sweep/summary", in[i]);
        } else {
            for (size_t k = 0; k < (size_t)nc && st == DH_OK; k++) {
                if (sti[k] == DH_SWEEP_NOT_RUN || sto[k] != DH_SWEEP_NOT_RUN) continue;
                char name[64];
                case_group_name(name, sizeof name, k);
                if (H5Lexists(fi, "/sweep/cases", H5P_DEFAULT) > 0 &&
                    H5Lexists(fi, name, H5P_DEFAULT) > 0) {
                    if (H5Lexists(fo, "/sweep/cases", H5P_DEFAULT) <= 0) {
                        hid_t cg = H5Gcreate2(fo, "/sweep/cases", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                        if (cg >= 0) H5Gclose(cg);
                    }
                    hid_t a = H5Gopen2(fi, name, H5P_DEFAULT);
                    hid_t b = H5Gcreate2(fo, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                    herr_t ce = a < 0 || b < 0 ? -1 : copy_case(a, b);
                    if (a >= 0) H5Gclose(a);
                    if (b >= 0) H5Gclose(b);
                    if (ce < 0)
                        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot copy %s from %s",
                                          name, in[i]);
                }
                if (st == DH_OK && write_row_bytes(so, t, k, buf + k * rs))
                    st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write a row", tmp);
                sto[k] = sti[k];
            }
        }
        if (si >= 0) H5Dclose(si);
        if (gi >= 0) H5Gclose(gi);
        if (fi >= 0) H5Fclose(fi);
    }
    if (st == DH_OK) {
        size_t done = 0;
        for (size_t k = 0; k < (size_t)nc; k++) done += sto[k] != DH_SWEEP_NOT_RUN;
        if (n_done) *n_done = done;
        if (n_cases) *n_cases = (size_t)nc;
        if (attr_str(go, "slice", "1/1") || attr_i64(go, "cases_done", (long long)done) ||
            attr_i64(go, "complete", done == (size_t)nc))
            st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write attributes", tmp);
    }
done:
    free(buf), free(sto), free(sti);
    if (t >= 0) H5Tclose(t);
    if (so >= 0) H5Dclose(so);
    if (go >= 0) H5Gclose(go);
    if (fo >= 0 && H5Fclose(fo) < 0 && st == DH_OK)
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot close", tmp);
    if (st == DH_OK && rename(tmp, out))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot rename %s to %s: %s", tmp, out,
                          strerror(errno));
    if (st != DH_OK) unlink(tmp);
    return st;
}
