/* cmd_sweep.c: `dhsim sweep CASE.yaml -o OUT.h5 [--slice K/N] [--set KEY=VALUE]... [-v]` and
 * `dhsim sweep merge OUT.h5 SLICE.h5...`: the cases of the case's `sweep:` section.
 *
 * The case list: network/dh_sweep.h (deterministic, hashed). One case: the case file text read
 * once, re-read with the case's overrides (dh_case_read_string, one shared unit database),
 * validated, solved by dh_study_run_steady (postproc/dh_study.h, the steady path of `dhsim
 * run`), its figures collected (dh_study_figures). The file: postproc/dh_sweep_out.h (rows
 * written in place with a journal; resume runs only the cases without a row).
 *
 * Parallel (built with MPI, launched by mpirun/srun): a work queue on rank 0. Rank 0 hands out
 * case numbers (MPI_Send, tag WORK; -1 stops a worker), keeping up to two outstanding per
 * worker so a worker never waits for rank 0; rank 0 also solves cases itself between messages.
 * Workers send back a message (tag RESULT): the dh_sweep_row, followed by the bytes of the
 * case's results file when per_case_results is on (written by the worker to its TMPDIR and
 * removed). Only rank 0 touches OUT.h5 (serial HDF5): every row is written and flushed when it
 * arrives, so rows received before a failure of any rank are kept; rerun the same command to
 * finish (docs/hpc.md). Ranks must be one architecture (the row travels as bytes).
 *
 * Slices (Slurm arrays): --slice K/N, or SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of
 * SLURM_ARRAY_TASK_COUNT: case k belongs to slice (k mod N) + 1; each slice writes its own -o
 * file; `dhsim sweep merge` joins them.
 * Exit: 0 every case of the slice has a converged row; 1 the file is complete but some cases
 * failed or did not converge (their diagnosis is in the file), or a write failed; 2 bad input
 * or usage.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dh_case.h"
#include "dh_cli.h"
#include "dh_output.h"
#include "dh_study.h"
#include "dh_sweep.h"
#include "dh_sweep_out.h"
#include "dh_validate.h"

#ifdef DH_HAVE_MPI
#include <mpi.h>
#endif

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

enum { TAG_WORK = 1, TAG_RESULT = 2 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dhsim sweep CASE.yaml -o OUT.h5 [--slice K/N] [--set KEY=VALUE]... [-v]\n"
            "       dhsim sweep merge OUT.h5 SLICE.h5...\n"
            "  runs every case of the case's sweep: section into one HDF5 file\n"
            "  (/sweep/parameters, /sweep/summary, /sweep/cases/NNNNNN with per_case_results);\n"
            "  rerunning the same command resumes: only cases without a result run.\n"
            "  under mpirun -n N the cases are shared among the ranks (dynamic queue on rank 0)\n"
            "  --slice K/N       run slice K of N (case k is in slice k mod N + 1); default from\n"
            "                    SLURM_ARRAY_TASK_ID/_MIN/_COUNT when set\n"
            "  --set KEY=VALUE   override a value of the case (all cases)\n"
            "  -v, --verbose     one line per case on stderr\n"
            "  exit 0 all converged, 1 some cases failed (recorded), 2 bad input\n");
}

/* What every case needs (same on every rank). */
typedef struct sweep_ctx {
    const char *path;
    char *text;
    size_t len;
    const char **sets;
    size_t nsets;
    dh_units *units;
    dh_case *base;
    dh_sweep_cases *cases;
    const char *const *figures;
    size_t n_figures;
    bool per_case, verbose;
    const char **ov; /* scratch: nsets + n_params */
} sweep_ctx;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The first line of the diagnostics, into buf. */
static void first_line_diag(const dh_diag *d, char *buf, size_t size)
{
    char *m = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&m, &n);
    buf[0] = '\0';
    if (!f) return;
    dh_diag_print(d, f);
    fclose(f);
    if (m) {
        char *nl = strchr(m, '\n');
        if (nl) *nl = '\0';
        snprintf(buf, size, "%s", m);
    }
    free(m);
}

static void error_line(const dh_error *e, char *buf, size_t size)
{
    char *m = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&m, &n);
    buf[0] = '\0';
    if (!f) return;
    dh_error_print(e, f);
    fclose(f);
    if (m) {
        char *nl = strchr(m, '\n');
        if (nl) *nl = '\0';
        snprintf(buf, size, "%s", m);
    }
    free(m);
}

/* Runs case k into row; writes its results file to case_h5 when non-NULL (and solved). */
static void run_case(sweep_ctx *sx, size_t k, dh_sweep_row *row, const char *case_h5,
                     bool *wrote)
{
    double t0 = now();
    memset(row, 0, sizeof *row);
    row->index = (long long)k;
    row->iterations = -1;
    row->residual = NAN;
    for (size_t i = 0; i < DH_SWEEP_FIGURE_MAX; i++) row->figure[i] = NAN;
    *wrote = false;
    size_t n = dh_sweep_case_overrides(sx->cases, k, sx->sets, sx->nsets, sx->ov);
    dh_case *c = NULL;
    dh_diag diag, warn;
    dh_diag_init(&diag, 4);
    dh_diag_init(&warn, 4);
    dh_error err;
    dh_error_clear(&err);
    dh_study_run r;
    memset(&r, 0, sizeof r);
    dh_summary sum = {0};
    if (dh_case_read_string(sx->text, sx->len, sx->path, sx->ov, n, sx->units, &c, &diag) != DH_OK ||
        dh_network_validate_warn(c->net, &diag, &warn) != DH_OK) {
        row->status = DH_SWEEP_BAD_INPUT;
        dh_diag_sort(&diag);
        first_line_diag(&diag, row->diagnosis, sizeof row->diagnosis);
        goto done;
    }
    if (c->study.type != DH_STUDY_STEADY) {
        row->status = DH_SWEEP_BAD_INPUT;
        snprintf(row->diagnosis, sizeof row->diagnosis, "a sweep runs steady studies (study.type "
                 "steady); this case's study is not");
        goto done;
    }
    dh_status rc = dh_study_run_steady(c, NULL, &r, &err);
    if (rc != DH_OK && rc != DH_ERR_NOCONV) {
        row->status = rc == DH_ERR_INPUT ? DH_SWEEP_BAD_INPUT : DH_SWEEP_FAILED;
        error_line(&err, row->diagnosis, sizeof row->diagnosis);
        goto done;
    }
    row->status = rc == DH_OK ? DH_SWEEP_OK : DH_SWEEP_NOCONV;
    row->iterations = r.stats.iterations;
    row->residual = r.stats.residual_norm;
    if (rc == DH_ERR_NOCONV)
        snprintf(row->diagnosis, sizeof row->diagnosis, "no convergence: largest scaled residual "
                 "%.3g in the %s equation of %s", r.stats.worst_residual, r.stats.worst_equation,
                 r.stats.worst_component);
    dh_error e2;
    if (dh_summary_from_study(c, &r, &sum, &e2) == DH_OK)
        dh_study_figures(&sum, sx->figures, sx->n_figures, row->figure, row->worst,
                         sizeof row->worst);
    if (case_h5) {
        if (dh_study_write(c, &r, case_h5, DHSIM_VERSION, &e2) == DH_OK) {
            *wrote = true;
        } else if (row->status == DH_SWEEP_OK) {
            row->status = DH_SWEEP_FAILED;
            error_line(&e2, row->diagnosis, sizeof row->diagnosis);
        }
    }
done:
    dh_summary_free(&sum);
    dh_study_run_free(&r);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warn);
    row->seconds = now() - t0;
    if (sx->verbose)
        fprintf(stderr, "  case %zu: status %d, %.3f s%s%s\n", k, row->status, row->seconds,
                row->diagnosis[0] ? ": " : "", row->diagnosis);
}

static void remove_case_files(const char *h5)
{
    char xmf[4200];
    dh_out_xmf_path(h5, xmf, sizeof xmf);
    unlink(h5);
    unlink(xmf);
}

static int parse_slice(const char *s, size_t *k, size_t *n)
{
    char *end;
    errno = 0;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/') return -1;
    const char *b = end + 1;
    unsigned long c = strtoul(b, &end, 10);
    if (end == b || *end || errno || c < 1 || a < 1 || a > c) return -1;
    *k = a, *n = c;
    return 0;
}

static int cmd_merge(int argc, char **argv)
{
    if (argc < 3 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 3 ? stderr : stdout);
        return argc < 3 ? DH_EXIT_USAGE : DH_EXIT_OK;
    }
    dh_error err;
    dh_error_clear(&err);
    size_t done = 0, n = 0;
    if (dh_sweep_merge(argv[1], (const char *const *)argv + 2, (size_t)argc - 2, &done, &n,
                       &err) != DH_OK) {
        dh_error_print(&err, stderr);
        return err.code == DH_ERR_IO ? DH_EXIT_FAILED : DH_EXIT_USAGE;
    }
    printf("merged %d files into %s: %zu of %zu cases have a result%s\n", argc - 2, argv[1], done,
           n, done == n ? " (complete)" : "");
    return done == n ? DH_EXIT_OK : DH_EXIT_FAILED;
}

/* ---- the sweep on rank 0 (or serially) ------------------------------------------------- */

typedef struct tally {
    size_t ok, noconv, failed, run;
} tally;

static int record(dh_sweep_file *f, const dh_sweep_row *row, const char *case_h5, tally *t)
{
    dh_error err;
    dh_error_clear(&err);
    if (dh_sweep_file_put(f, row, case_h5, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        return -1;
    }
    t->run++;
    if (row->status == DH_SWEEP_OK) t->ok++;
    else if (row->status == DH_SWEEP_NOCONV) t->noconv++;
    else t->failed++;
    return 0;
}

static void case_tmp_path(char *buf, size_t size, const char *dir, size_t k)
{
    snprintf(buf, size, "%s/dhsim-sweep-%ld-%zu.h5", dir, (long)getpid(), k);
}

static const char *tmp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t && t[0] ? t : "/tmp";
}

#ifdef DH_HAVE_MPI
static bool launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                       "PMI_RANK", "MPI_LOCALNRANKS", NULL};
    for (size_t i = 0; vars[i]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

static int read_file_bytes(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *buf = malloc(n > 0 ? (size_t)n : 1);
    int rc = *buf && n >= 0 && fread(*buf, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return rc;
}

/* A worker: cases until -1. */
static void worker(sweep_ctx *sx)
{
    for (;;) {
        long long k;
        MPI_Recv(&k, 1, MPI_LONG_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (k < 0) break;
        dh_sweep_row row;
        char tmp[4096];
        bool wrote = false;
        case_tmp_path(tmp, sizeof tmp, tmp_dir(), (size_t)k);
        run_case(sx, (size_t)k, &row, sx->per_case ? tmp : NULL, &wrote);
        unsigned char *bytes = NULL;
        size_t nb = 0;
        if (wrote && read_file_bytes(tmp, &bytes, &nb)) nb = 0;
        if (wrote) remove_case_files(tmp);
        unsigned char *msg = malloc(sizeof row + nb);
        if (!msg) MPI_Abort(MPI_COMM_WORLD, 1);
        memcpy(msg, &row, sizeof row);
        if (nb) memcpy(msg + sizeof row, bytes, nb);
        free(bytes);
        MPI_Send(msg, (int)(sizeof row + nb), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(msg);
    }
}

/* Receives one result (blocking) and records it. */
static int receive_one(sweep_ctx *sx, dh_sweep_file *f, const char *out_dir, tally *t, int *from)
{
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    unsigned char *msg = malloc(count > 0 ? (size_t)count : 1);
    if (!msg) return -1;
    MPI_Recv(msg, count, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *from = st.MPI_SOURCE;
    dh_sweep_row row;
    memcpy(&row, msg, sizeof row);
    size_t nb = (size_t)count - sizeof row;
    char tmp[4200];
    int rc = 0;
    if (nb) {
        case_tmp_path(tmp, sizeof tmp, out_dir, (size_t)row.index);
        FILE *fo = fopen(tmp, "wb");
        rc = !fo || fwrite(msg + sizeof row, 1, nb, fo) != nb;
        if (fo && fclose(fo)) rc = -1;
        if (!rc) rc = record(f, &row, tmp, t);
        unlink(tmp);
    } else {
        rc = record(f, &row, NULL, t);
    }
    (void)sx;
    free(msg);
    return rc;
}

/* Rank 0 with workers: the work queue. */
static int master(sweep_ctx *sx, dh_sweep_file *f, const size_t *todo, size_t n_todo, int size,
                  const char *out_dir, tally *t)
{
    size_t next = 0, outstanding = 0;
    int rc = 0;
    const int depth = 2; /* cases queued per worker: one solving, one waiting */
    for (int d = 0; d < depth; d++)
        for (int w = 1; w < size && next < n_todo; w++) {
            long long k = (long long)todo[next++];
            MPI_Send(&k, 1, MPI_LONG_LONG, w, TAG_WORK, MPI_COMM_WORLD);
            outstanding++;
        }
    while (outstanding > 0 || next < n_todo) {
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag || (next >= n_todo && outstanding > 0)) {
            int from = 0;
            if (receive_one(sx, f, out_dir, t, &from)) rc = -1;
            outstanding--;
            if (next < n_todo) {
                long long k = (long long)todo[next++];
                MPI_Send(&k, 1, MPI_LONG_LONG, from, TAG_WORK, MPI_COMM_WORLD);
                outstanding++;
            }
            continue;
        }
        if (next >= n_todo) break; /* (outstanding == 0 here) */
        /* nothing arrived: rank 0 solves a case itself */
        size_t k = todo[next++];
        dh_sweep_row row;
        char tmp[4200];
        bool wrote = false;
        case_tmp_path(tmp, sizeof tmp, out_dir, k);
        run_case(sx, k, &row, sx->per_case ? tmp : NULL, &wrote);
        if (record(f, &row, wrote ? tmp : NULL, t)) rc = -1;
        if (wrote) remove_case_files(tmp);
    }
    long long stop = -1;
    for (int w = 1; w < size; w++) MPI_Send(&stop, 1, MPI_LONG_LONG, w, TAG_WORK, MPI_COMM_WORLD);
    return rc;
}
#endif

int dh_cmd_sweep(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "merge")) return cmd_merge(argc - 1, argv + 1);
    int rank = 0, size = 1;
#ifdef DH_HAVE_MPI
    bool mpi = launched_by_mpi();
    if (mpi) {
        MPI_Init(&argc, &argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
#endif
    const char *path = NULL, *out_path = NULL, *slice_arg = NULL;
    sweep_ctx sx;
    memset(&sx, 0, sizeof sx);
    sx.sets = calloc((size_t)argc + 1, sizeof *sx.sets);
    int exit_code = DH_EXIT_USAGE;
    dh_sweep_file *f = NULL;
    dh_diag diag;
    dh_diag_init(&diag, DH_DIAG_DEFAULT_CAP);
    dh_error err;
    dh_error_clear(&err);
    size_t *todo = NULL;
    if (!sx.sets) goto done;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            if (rank == 0) usage(stdout);
            exit_code = DH_EXIT_OK;
            goto done;
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            sx.verbose = true;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--slice") && i + 1 < argc) {
            slice_arg = argv[++i];
        } else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            sx.sets[sx.nsets++] = argv[++i];
        } else if (!strncmp(argv[i], "--set=", 6)) {
            sx.sets[sx.nsets++] = argv[i] + 6;
        } else if (argv[i][0] == '-' || path) {
            if (rank == 0) {
                fprintf(stderr, "dhsim sweep: error: unexpected argument '%s'\n", argv[i]);
                usage(stderr);
            }
            goto done;
        } else {
            path = argv[i];
        }
    }
    if (!path || !out_path) {
        if (rank == 0) {
            fprintf(stderr, "dhsim sweep: error: %s\n", !path ? "no case file" : "-o OUT.h5 is required");
            usage(stderr);
        }
        goto done;
    }
    size_t slice = 1, n_slices = 1;
    if (slice_arg) {
        if (parse_slice(slice_arg, &slice, &n_slices)) {
            if (rank == 0)
                fprintf(stderr, "dhsim sweep: error: --slice expects K/N with 1 <= K <= N, got '%s'\n",
                        slice_arg);
            goto done;
        }
    } else if (getenv("SLURM_ARRAY_TASK_ID") && getenv("SLURM_ARRAY_TASK_COUNT")) {
        long id = atol(getenv("SLURM_ARRAY_TASK_ID"));
        long mn = getenv("SLURM_ARRAY_TASK_MIN") ? atol(getenv("SLURM_ARRAY_TASK_MIN")) : 0;
        long cnt = atol(getenv("SLURM_ARRAY_TASK_COUNT"));
        if (cnt < 1 || id - mn < 0 || id - mn >= cnt) {
            if (rank == 0)
                fprintf(stderr, "dhsim sweep: error: SLURM_ARRAY_TASK_ID %ld (min %ld) is not one "
                        "of %ld tasks: use a contiguous --array=MIN-MAX or --slice K/N\n", id, mn, cnt);
            goto done;
        }
        slice = (size_t)(id - mn + 1), n_slices = (size_t)cnt;
    }
    /* the case: text once, units once; the base case (with --set) gives the sweep section */
    {
        FILE *cf = fopen(path, "rb");
        if (cf) {
            fseek(cf, 0, SEEK_END);
            long n = ftell(cf);
            fseek(cf, 0, SEEK_SET);
            sx.text = malloc(n > 0 ? (size_t)n + 1 : 1);
            if (sx.text && n >= 0 && fread(sx.text, 1, (size_t)n, cf) == (size_t)n) {
                sx.len = (size_t)n;
                sx.text[n] = '\0';
            } else {
                free(sx.text), sx.text = NULL;
            }
            fclose(cf);
        }
        if (!sx.text) {
            if (rank == 0) fprintf(stderr, "%s: error: cannot read the case file: %s\n", path, strerror(errno));
            goto done;
        }
    }
    sx.path = path;
    if (dh_units_create(&sx.units, &err) != DH_OK) {
        if (rank == 0) dh_error_print(&err, stderr);
        goto done;
    }
    if (dh_case_read_string(sx.text, sx.len, path, sx.sets, sx.nsets, sx.units, &sx.base, &diag) != DH_OK) {
        if (rank == 0) {
            dh_diag_sort(&diag);
            dh_diag_print(&diag, stderr);
        }
        goto done;
    }
    if (!sx.base->sweep) {
        if (rank == 0) fprintf(stderr, "%s: error: the case has no 'sweep:' section (docs/case-format.md, Sweeps)\n", path);
        goto done;
    }
    if (dh_sweep_cases_create(sx.base, sx.sets, sx.nsets, sx.units, &sx.cases, &err) != DH_OK) {
        if (rank == 0) dh_error_print(&err, stderr);
        goto done;
    }
    sx.per_case = sx.base->sweep->per_case_results;
    if (sx.base->sweep->n_collect) {
        sx.figures = sx.base->sweep->collect;
        sx.n_figures = sx.base->sweep->n_collect;
    } else {
        sx.figures = dh_sweep_figure_names;
        while (dh_sweep_figure_names[sx.n_figures]) sx.n_figures++;
    }
    sx.ov = calloc(sx.nsets + sx.cases->n_params + 1, sizeof *sx.ov);
    if (!sx.ov) goto done;

#ifdef DH_HAVE_MPI
    if (size > 1 && rank != 0) {
        worker(&sx);
        exit_code = DH_EXIT_OK;
        goto done;
    }
#endif
    /* rank 0 (or serial): the file */
    dh_sweep_layout lay = {.cases = sx.cases, .figures = sx.figures, .n_figures = sx.n_figures,
                           .per_case_results = sx.per_case, .case_path = path,
                           .case_sha256 = sx.base->sha256, .case_name = sx.base->name,
                           .program_version = DHSIM_VERSION, .slice = slice,
                           .n_slices = n_slices};
    size_t n_done = 0;
    char note[512];
    dh_status fst = dh_sweep_file_open(out_path, &lay, &f, &n_done, note, sizeof note, &err);
    if (fst != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = fst == DH_ERR_IO ? DH_EXIT_FAILED : DH_EXIT_USAGE;
#ifdef DH_HAVE_MPI
        long long stop = -1;
        for (int w = 1; w < size; w++) MPI_Send(&stop, 1, MPI_LONG_LONG, w, TAG_WORK, MPI_COMM_WORLD);
#endif
        goto done;
    }
    if (note[0]) fprintf(stderr, "dhsim sweep: note: %s\n", note);
    size_t nc = sx.cases->n_cases, n_todo = 0, n_slice = 0;
    todo = malloc((nc ? nc : 1) * sizeof *todo);
    if (!todo) goto done;
    for (size_t k = 0; k < nc; k++) {
        if (!dh_sweep_in_slice(k, slice, n_slices)) continue;
        n_slice++;
        if (!dh_sweep_file_has(f, k)) todo[n_todo++] = k;
    }
    fprintf(stderr, "dhsim sweep: %zu cases%s%s, %zu with a result already, %zu to run on %d "
            "rank%s\n", n_slice, n_slices > 1 ? " in slice " : "",
            n_slices > 1 ? slice_arg ? slice_arg : "(Slurm array)" : "", n_slice - n_todo, n_todo,
            size, size > 1 ? "s" : "");
    tally t = {0};
    double t0 = now();
    int rc = 0;
    char dir[4096];
    {
        snprintf(dir, sizeof dir, "%s", out_path);
        char *sl = strrchr(dir, '/');
        if (sl) *sl = '\0';
        else snprintf(dir, sizeof dir, ".");
    }
#ifdef DH_HAVE_MPI
    if (size > 1) {
        rc = master(&sx, f, todo, n_todo, size, dir, &t);
    } else
#endif
    {
        for (size_t i = 0; i < n_todo; i++) {
            dh_sweep_row row;
            char tmp[4200];
            bool wrote = false;
            case_tmp_path(tmp, sizeof tmp, dir, todo[i]);
            run_case(&sx, todo[i], &row, sx.per_case ? tmp : NULL, &wrote);
            if (record(f, &row, wrote ? tmp : NULL, &t)) rc = -1;
            if (wrote) remove_case_files(tmp);
            if (rc) break;
        }
    }
    double secs = now() - t0;
    if (dh_sweep_file_close(&f, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        rc = -1;
    }
    printf("sweep: %zu cases run in %.2f s (%.2f cases/s): %zu converged, %zu no convergence, "
           "%zu failed; results in %s\n", t.run, secs, secs > 0 ? (double)t.run / secs : 0.0,
           t.ok, t.noconv, t.failed, out_path);
    exit_code = rc ? DH_EXIT_FAILED : (t.noconv || t.failed) ? DH_EXIT_FAILED : DH_EXIT_OK;
done:
    dh_sweep_file_abort(&f);
    free(todo);
    free(sx.ov);
    dh_sweep_cases_destroy(&sx.cases);
    dh_case_destroy(&sx.base);
    dh_units_destroy(&sx.units);
    free(sx.text);
    free(sx.sets);
    dh_diag_free(&diag);
#ifdef DH_HAVE_MPI
    if (mpi) {
        int bad = exit_code == DH_EXIT_USAGE;
        MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD); /* workers exit with rank 0's verdict */
        MPI_Finalize();
        if (rank != 0) return bad ? DH_EXIT_USAGE : DH_EXIT_OK;
    }
#endif
    return exit_code;
}
