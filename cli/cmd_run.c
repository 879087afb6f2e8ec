/* cmd_run.c: `dhsim run CASE.yaml [-o OUT.h5] [--set KEY=VALUE]... [-v]`: a steady study.
 *
 * Reads the case (dh_case_read), validates it (dh_network_validate_warn), solves it: the
 * network alone (dh_steady_*, solver/dh_solver.h), or, when the case has a `plant:` section,
 * coupled with the CHP plant behind its header (dh_plant_couple, solver/dh_plant_couple.h:
 * dispatch, flow-limited header, N-1). Prints the summary on stdout (postproc/summary.c, the
 * same text as `dhsim report`; every consumer with -v) and writes OUT.h5 + OUT.xmf when -o is
 * given (postproc/dh_output.h, with /results/plant). Progress on stderr: with -v/--verbose one line per
 * Newton iteration (residual, solve phase, worst equation); otherwise, on a terminal only and
 * only once a solve has run for more than 0.5 s, one line updated in place; nothing when stderr
 * is not a terminal (logs, tests).
 * A series study (study.type: series) runs in run_series.c (dh_run_series).
 * Exit: 0 converged; 1 no convergence (diagnosis naming the component with the worst residual;
 * the last iterate is still written); 2 bad input or usage.
 */
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
#include "dh_plant_couple.h"
#include "dh_results.h"
#include "dh_solver.h"
#include "dh_validate.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

static void usage(FILE *out)
{
    fprintf(out, "usage: dhsim run CASE.yaml [-o OUT.h5] [--set KEY=VALUE]... [-v]\n"
                 "  runs the study of the case (steady; series: one solve per step;\n"
                 "  transient: integrated in time with the case's events) and\n"
                 "  prints a summary; a series shows its progress on a terminal;\n"
                 "  -o OUT.h5         write the results (and OUT.xmf for ParaView)\n"
                 "  --set KEY=VALUE   override a value by its dotted path\n"
                 "  -v, --verbose     every consumer in the summary; every Newton iteration\n"
                 "                    (residual, worst equation) on stderr\n"
                 "  --restart FILE    transient: continue from checkpoint FILE (same case)\n"
                 "  --checkpoint FILE transient: write the checkpoints of study.checkpoint\n"
                 "                    there (default OUT.ckpt)\n"
                 "  exit 0 converged, 1 no convergence (diagnosis printed), 2 bad input\n");
}

/* Progress reporting (stderr). */
typedef struct run_progress {
    bool verbose;        /* -v: one line per iteration */
    bool tty;            /* stderr is a terminal: a line updated in place for long solves */
    bool shown;          /* the in-place line has been written (clear it at the end) */
    struct timespec t0;  /* start of the solve */
    double last;         /* s since t0 of the last in-place update */
} run_progress;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void progress_detail(void *user, int it, double res, const char *worst, const char *phase)
{
    run_progress *pr = user;
    if (pr->verbose) {
        fprintf(stderr, "  iteration %3d  residual %.3e  [%s]  worst: %s\n", it, res, phase,
                worst);
        return;
    }
    if (!pr->tty) return;
    double t = since(&pr->t0);
    if (t < 0.5 || t - pr->last < 0.1) return; /* long solves only, at most 10 updates/s */
    pr->last = t;
    pr->shown = true;
    fprintf(stderr, "\r\033[K  solving: iteration %d, residual %.2e, %s (%.1f s)", it, res,
            phase, t);
    fflush(stderr);
}

static void progress_end(run_progress *pr)
{
    if (pr->shown) fprintf(stderr, "\r\033[K");
    pr->shown = false;
}

int dh_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *out_path = NULL, *restart = NULL, *ckpt = NULL;
    bool verbose = false;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    if (!sets) return DH_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            free(sets);
            return DH_EXIT_OK;
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            verbose = true;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--restart") && i + 1 < argc) {
            restart = argv[++i];
        } else if (!strcmp(argv[i], "--checkpoint") && i + 1 < argc) {
            ckpt = argv[++i];
        } else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            sets[nsets++] = argv[++i];
        } else if (!strncmp(argv[i], "--set=", 6)) {
            sets[nsets++] = argv[i] + 6;
        } else if (argv[i][0] == '-' || path) {
            fprintf(stderr, "dhsim run: error: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            free(sets);
            return DH_EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        usage(stderr);
        free(sets);
        return DH_EXIT_USAGE;
    }
    int exit_code = DH_EXIT_USAGE;
    dh_case *c = NULL;
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL, *n1_snap = NULL;
    dh_out *o = NULL;
    dh_plant_params params;
    dh_plant_coupling coupling;
    dh_out_plant plant;
    bool have_plant = false;
    dh_summary sum = {0};
    dh_diag diag, warn;
    dh_diag_init(&diag, DH_DIAG_DEFAULT_CAP);
    dh_diag_init(&warn, DH_DIAG_DEFAULT_CAP);
    dh_error err;
    dh_error_clear(&err);
    if (dh_case_read(path, sets, nsets, &c, &diag) != DH_OK) {
        dh_diag_sort(&diag);
        dh_diag_print(&diag, stderr);
        goto done;
    }
    if (dh_network_validate_warn(c->net, &diag, &warn) != DH_OK) {
        dh_diag_sort(&diag);
        dh_diag_print(&diag, stderr);
        goto done;
    }
    dh_validate_print_warnings(&warn, stderr);
    if ((restart || ckpt) && c->study.type != DH_STUDY_TRANSIENT) {
        fprintf(stderr, "dhsim run: error: --restart and --checkpoint are for transient studies\n");
        goto done;
    }
    if (c->study.type == DH_STUDY_SERIES) { /* quasi-steady series: cli/run_series.c */
        exit_code = dh_run_series(c, out_path, verbose);
        goto done;
    }
    if (c->study.type == DH_STUDY_TRANSIENT) { /* IDA + KLU over time: cli/run_transient.c */
        exit_code = dh_run_transient_ckpt(c, out_path, verbose, restart, ckpt);
        goto done;
    }
    dh_steady_options opt;
    dh_steady_options_init(&opt);
    run_progress pr = {.verbose = verbose, .tty = isatty(fileno(stderr)) != 0};
    opt.detail = progress_detail;
    opt.progress_user = &pr;
    if (dh_snapshot_create(c->net, &snap) != DH_OK ||
        (c->plant.present && dh_snapshot_create(c->net, &n1_snap) != DH_OK)) {
        fprintf(stderr, "dhsim run: error: out of memory\n");
        exit_code = DH_EXIT_FAILED;
        goto done;
    }
    dh_solve_stats stats;
    memset(&stats, 0, sizeof stats);
    dh_status rc;
    clock_gettime(CLOCK_MONOTONIC, &pr.t0);
    if (c->plant.present) {
        /* the plant behind its header: dispatch, flow limit, N-1 (docs/plant.md) */
        if (dh_plant_params_from_spec(&c->plant, &params, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_USAGE;
            goto done;
        }
        dh_plant_couple_options popt;
        dh_plant_couple_options_init(&popt);
        popt.steady = opt;
        popt.n1_check = c->plant.n1_check;
        if (c->plant.power_mode >= 0) popt.power_mode = (dh_power_mode)c->plant.power_mode;
        if (!isnan(c->plant.power_target)) popt.power_target = c->plant.power_target;
        rc = dh_plant_couple(c->net, &c->study, &params, c->plant.source, &popt, snap, n1_snap,
                             &coupling, &err);
        stats = coupling.stats;
        if (rc == DH_OK) {
            dh_out_plant_fill(&params, &coupling, c->net, n1_snap, &plant);
            have_plant = true;
        }
    } else {
        rc = dh_steady_create(c->net, &c->study, &opt, &s, &err);
        if (rc != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = err.code == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
            goto done;
        }
        rc = dh_steady_solve(s, snap, &stats, &err);
    }
    progress_end(&pr);
    if (c->plant.present && rc != DH_OK && rc != DH_ERR_NOCONV) {
        /* the plant or its header source is wrong (exit 2), or a plant state outside IF97 */
        dh_error_print(&err, stderr);
        exit_code = rc == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
        goto done;
    }
    if (dh_summary_from_run(c->net, c->name, c->path, snap, &stats, have_plant ? &plant : NULL,
                            &sum, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = DH_EXIT_FAILED;
        goto done;
    }
    dh_summary_print(&sum, verbose ? DH_SUMMARY_CONSUMERS : 0, stdout);
    exit_code = DH_EXIT_OK;
    if (rc != DH_OK) {
        dh_error_print(&err, stderr);
        fprintf(stderr, "dhsim run: diagnosis: largest scaled residual %.3g in the %s equation of "
                        "%s; the last iterate is in the results\n",
                stats.worst_residual, stats.worst_equation, stats.worst_component);
        exit_code = DH_EXIT_FAILED;
    }
    if (out_path) {
        dh_out_meta meta = {.program_version = DHSIM_VERSION, .case_path = c->path,
                            .case_sha256 = c->sha256, .case_name = c->name, .study = "steady",
                            .expected_steps = 1};
        if (dh_out_create(out_path, c->net, &meta, &o, &err) ||
            dh_out_append(o, snap, &stats, &err) ||
            (have_plant && dh_out_append_plant(o, &plant, &err)) ||
            dh_out_set_summary(o, &stats, &err) || dh_out_close(&o, &err)) {
            dh_error_print(&err, stderr);
            dh_out_abort(&o);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("results written to %s\n", out_path);
        }
    }
done:
    dh_summary_free(&sum);
    dh_snapshot_destroy(&n1_snap);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warn);
    free(sets);
    return exit_code;
}
