/* test_out.c: Check suite for the results writer (postproc/out_h5.c, out_xdmf.c, report.c).
 * Writes the sample network's synthetic results (sample_net.h) and reads them back through the
 * HDF5 C API; exercises the failure paths: a write failure part-way (test hook), abort, an
 * unwritable directory, mismatched snapshot sizes. The layout as h5py sees it is checked by
 * check_h5.py, the ParaView view by check_xdmf.py, a killed writer by check_kill.py. */
#include <check.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "dh_output.h"
#include "sample_net.h"

static char dir[64];
static dh_network *net;
static dh_snapshot *snap;

static void setup(void)
{
    strcpy(dir, "/tmp/dh-test-out-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    net = sample_network();
    ck_assert_ptr_nonnull(net);
    ck_assert_int_eq(dh_snapshot_create(net, &snap), DH_OK);
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') snprintf(p, sizeof p, "%s/%s", dir, e->d_name), unlink(p);
    if (d) closedir(d);
    rmdir(dir);
    dh_snapshot_destroy(&snap);
    dh_network_destroy(&net);
}

/* Number of directory entries (not . or ..) whose name contains `part`. */
static int count_files(const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && strstr(e->d_name, part)) n++;
    if (d) closedir(d);
    return n;
}

static const dh_out_meta meta = {"9.9.9", "cases/sample.yaml",
                                 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                                 "sample", "series", 0};

static dh_status write_steps(const char *path, size_t steps, size_t fail_at, dh_error *err)
{
    dh_out *o = NULL;
    dh_status st = dh_out_create(path, net, &meta, &o, err);
    if (st) return st;
    if (fail_at) dh_out_test_fail_after(o, fail_at);
    for (size_t k = 0; k < steps; k++) {
        sample_fill(snap, k);
        dh_solve_stats stats = {.converged = true, .iterations = (int)k + 2, .residual_norm = 1e-9};
        st = dh_out_append(o, snap, &stats, err);
        if (st) {
            dh_out_abort(&o);
            ck_assert_ptr_null(o);
            return st;
        }
    }
    ck_assert_uint_eq(dh_out_steps(o), steps);
    return dh_out_close(&o, err);
}

static double *read_all(const char *path, const char *dset, hsize_t dims[2])
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    hid_t sp = H5Dget_space(d);
    dims[0] = dims[1] = 1;
    H5Sget_simple_extent_dims(sp, dims, NULL);
    double *v = malloc(dims[0] * dims[1] * sizeof *v);
    ck_assert_int_ge(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    return v;
}

START_TEST(writes_three_steps)
{
    char path[128];
    dh_error err;
    snprintf(path, sizeof path, "%s/out.h5", dir);
    ck_assert_int_eq(write_steps(path, 3, 0, &err), DH_OK);
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/out.xmf", dir);
    ck_assert_int_eq(access(path, R_OK), 0);
    ck_assert_int_eq(count_files("tmp"), 0);
    snprintf(path, sizeof path, "%s/out.h5", dir);
    hsize_t dims[2];
    double *p = read_all(path, "/results/nodes/pressure", dims);
    ck_assert_uint_eq(dims[0], 3);
    ck_assert_uint_eq(dims[1], SAMPLE_NODES);
    /* copied, not computed: exact */
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < SAMPLE_NODES; i++)
            ck_assert_double_eq(p[k * SAMPLE_NODES + i], sample_value(0, k, i));
    free(p);
    double *t = read_all(path, "/results/time", dims);
    ck_assert_uint_eq(dims[0], 3);
    ck_assert_double_eq(t[2], 7200.0);
    free(t);
    /* unmet split by consumer type: K1 steam, K2 heat (sample_net.h) */
    double *uh = read_all(path, "/results/consumers/unmet_heat", dims);
    double *um = read_all(path, "/results/consumers/unmet_mass_flow", dims);
    ck_assert(isnan(uh[0]) && !isnan(uh[1]));
    ck_assert(!isnan(um[0]) && isnan(um[1]));
    ck_assert_double_eq(uh[1], sample_value(13, 0, 1));
    free(uh), free(um);
}
END_TEST

/* More steps than one chunk of rows (B = 64 for this small network): the buffered writes must
 * land at the right rows across three flushes. */
START_TEST(writes_across_chunk_rows)
{
    char path[128];
    dh_error err;
    snprintf(path, sizeof path, "%s/long.h5", dir);
    ck_assert_int_eq(write_steps(path, 150, 0, &err), DH_OK);
    hsize_t dims[2];
    double *m = read_all(path, "/results/links/mass_flow", dims);
    ck_assert_uint_eq(dims[0], 150);
    ck_assert_uint_eq(dims[1], SAMPLE_LINKS);
    for (size_t k = 0; k < 150; k++)
        for (size_t l = 0; l < SAMPLE_LINKS; l++)
            ck_assert_double_eq(m[k * SAMPLE_LINKS + l], sample_value(4, k, l));
    free(m);
    double *it = read_all(path, "/results/solver/iterations", dims);
    ck_assert_uint_eq(dims[0], 150);
    ck_assert_double_eq(it[149], 151.0);
    free(it);
}
END_TEST

static void write_marker(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static int file_is(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(text) && !memcmp(buf, text, n);
}

START_TEST(failure_leaves_no_partial_file)
{
    char path[128], xmf[128];
    dh_error err;
    snprintf(path, sizeof path, "%s/fail.h5", dir);
    ck_assert_int_eq(write_steps(path, 3, 2, &err), DH_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "forced"));
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(count_files("fail"), 0); /* no tmp left behind either */

    /* an older result under the final name is untouched */
    snprintf(xmf, sizeof xmf, "%s/fail.xmf", dir);
    write_marker(path, "older good result");
    write_marker(xmf, "older sidecar");
    ck_assert_int_eq(write_steps(path, 3, 3, &err), DH_ERR_IO);
    ck_assert(file_is(path, "older good result"));
    ck_assert(file_is(xmf, "older sidecar"));
    ck_assert_int_eq(count_files("tmp"), 0);
    /* and replaced when a run completes */
    ck_assert_int_eq(write_steps(path, 3, 0, &err), DH_OK);
    ck_assert(!file_is(path, "older good result"));
    ck_assert(!file_is(xmf, "older sidecar"));
}
END_TEST

START_TEST(abort_after_create)
{
    char path[128];
    dh_error err;
    dh_out *o = NULL;
    snprintf(path, sizeof path, "%s/ab.h5", dir);
    ck_assert_int_eq(dh_out_create(path, net, &meta, &o, &err), DH_OK);
    ck_assert_int_eq(count_files("ab.h5.tmp-"), 1);
    dh_out_abort(&o);
    ck_assert_ptr_null(o);
    ck_assert_int_eq(count_files("ab"), 0);
    dh_out_abort(&o); /* NULL is fine */
    dh_out_abort(NULL);
}
END_TEST

START_TEST(unwritable_directory)
{
    dh_error err;
    dh_out *o = NULL;
    ck_assert_int_eq(dh_out_create("/nonexistent-dir/x.h5", net, &meta, &o, &err), DH_ERR_IO);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent-dir/x.h5.tmp-"));
}
END_TEST

START_TEST(mismatched_snapshot)
{
    char path[128];
    dh_error err;
    dh_out *o = NULL;
    snprintf(path, sizeof path, "%s/mm.h5", dir);
    ck_assert_int_eq(dh_out_create(path, net, &meta, &o, &err), DH_OK);
    snap->n_links = 3;
    ck_assert_int_eq(dh_out_append(o, snap, NULL, &err), DH_ERR_INTERNAL);
    snap->n_links = SAMPLE_LINKS;
    dh_out_abort(&o);
    ck_assert_int_eq(count_files("mm"), 0);
}
END_TEST

START_TEST(xmf_path_names)
{
    char b[64];
    dh_out_xmf_path("a/b.h5", b, sizeof b);
    ck_assert_str_eq(b, "a/b.xmf");
    dh_out_xmf_path("b.hdf5", b, sizeof b);
    ck_assert_str_eq(b, "b.xmf");
    dh_out_xmf_path("x.d/results", b, sizeof b);
    ck_assert_str_eq(b, "x.d/results.xmf");
}
END_TEST

START_TEST(report_and_csv)
{
    char path[128], txt[128];
    dh_error err;
    snprintf(path, sizeof path, "%s/rep.h5", dir);
    ck_assert_int_eq(write_steps(path, 3, 0, &err), DH_OK);
    snprintf(txt, sizeof txt, "%s/rep.txt", dir);
    FILE *f = fopen(txt, "w+");
    ck_assert_int_eq(dh_report_print(path, SIZE_MAX, f, &err), DH_OK);
    ck_assert_int_eq(dh_report_csv(path, "nodes.pressure", f, &err), DH_OK);
    ck_assert_int_eq(dh_report_csv(path, "nodes.nothing", f, &err), DH_ERR_USAGE);
    ck_assert_int_eq(dh_report_csv(path, "nodes", f, &err), DH_ERR_USAGE);
    rewind(f);
    char buf[8192] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert_uint_gt(n, 0);
    /* last step k = 2: p_i = 1e6 (1 + 0.01 i + 0.2): min 1.2 MPa at S (i = 0), max 1.24 MPa
     * at D (i = 4) */
    ck_assert_ptr_nonnull(strstr(buf, "min 1.2000 MPa(a) at node S"));
    ck_assert_ptr_nonnull(strstr(buf, "max 1.2400 MPa(a) at node D"));
    ck_assert_ptr_nonnull(strstr(buf, "5 nodes, 4 links (3 pipes, 1 valves, 0 pumps)"));
    /* CSV: row of node A (i = 1) at t = 0, 3600, 7200 */
    ck_assert_ptr_nonnull(strstr(buf, "\nA,1010000,1110000,1210000\n"));
    ck_assert_ptr_nonnull(strstr(buf, "id [Pa] \\ time [s],0,3600,7200\n"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("postproc_out");
    TCase *tc = tcase_create("writer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, writes_three_steps);
    tcase_add_test(tc, writes_across_chunk_rows);
    tcase_add_test(tc, failure_leaves_no_partial_file);
    tcase_add_test(tc, abort_after_create);
    tcase_add_test(tc, unwritable_directory);
    tcase_add_test(tc, mismatched_snapshot);
    tcase_add_test(tc, xmf_path_names);
    tcase_add_test(tc, report_and_csv);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
