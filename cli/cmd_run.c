/* cmd_run.c: `dhsim run CASE.yaml [-o OUT.h5] [--set KEY=VALUE]... [-v]`: a steady study.
 *
 * Reads the case (dh_case_read), validates it (dh_network_validate_warn), solves it
 * (dh_steady_*, solver/dh_solver.h), prints the summary on stdout (iterations, residual,
 * minimum delivery pressure and where, largest pressure drop, total heat loss and condensate,
 * mass and energy balance closure, per consumer delivery p/T/margin), and writes OUT.h5 + OUT.xmf
 * when -o is given (postproc/dh_output.h). Progress on stderr: with -v/--verbose one line per
 * Newton iteration (residual, solve phase, worst equation); otherwise, on a terminal only and
 * only once a solve has run for more than 0.5 s, one line updated in place; nothing when stderr
 * is not a terminal (logs, tests).
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
#include "dh_results.h"
#include "dh_solver.h"
#include "dh_validate.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

static void usage(FILE *out)
{
    fprintf(out, "usage: dhsim run CASE.yaml [-o OUT.h5] [--set KEY=VALUE]... [-v]\n"
                 "  runs the steady study of the case and prints a summary;\n"
                 "  -o OUT.h5         write the results (and OUT.xmf for ParaView)\n"
                 "  --set KEY=VALUE   override a value by its dotted path\n"
                 "  -v, --verbose     print every Newton iteration (residual, worst equation)\n"
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

static void summary(const dh_network *net, const dh_snapshot *r, const dh_solve_stats *st)
{
    printf("steady solve: %s in %d iterations, %.3f s, scaled residual %.2e\n",
           st->converged ? "converged" : "NOT converged", st->iterations, st->seconds,
           st->residual_norm);
    printf("  mass balance closure    %.2e (relative)\n", st->mass_balance_rel);
    printf("  energy balance closure  %.2e (relative)\n", st->energy_balance_rel);
    double pmin = INFINITY, dpmax = 0, loss = 0, cond = 0;
    size_t cmin = DH_NONE, lmax = DH_NONE;
    for (size_t c = 0; c < net->consumers.n; c++)
        if (r->consumer_pressure[c] < pmin) {
            pmin = r->consumer_pressure[c];
            cmin = c;
        }
    for (size_t l = 0; l < net->links.n; l++) {
        if (net->links.kind[l] == DH_LINK_PIPE && fabs(r->link_pressure_drop[l]) > dpmax) {
            dpmax = fabs(r->link_pressure_drop[l]);
            lmax = l;
        }
        loss += r->link_heat_loss[l];
        cond += r->link_condensate[l];
    }
    if (cmin != DH_NONE)
        printf("  minimum delivery pressure  %.4f MPa abs at consumer %s (node %s)\n", pmin / 1e6,
               net->consumers.id[cmin], net->nodes.id[net->consumers.node[cmin]]);
    if (lmax != DH_NONE)
        printf("  largest pipe pressure drop %.4f MPa in pipe %s\n", dpmax / 1e6, net->links.id[lmax]);
    printf("  heat loss of the pipes     %.1f kW\n", loss / 1e3);
    printf("  condensate formed          %.3f t/h\n", cond * 3.6);
    for (size_t j = 0; j < net->sources.n; j++)
        printf("  source %-12s %8.3f t/h at %.4f MPa, %.1f degC\n", net->sources.id[j],
               r->source_mass_flow[j] * 3.6, r->source_pressure[j] / 1e6,
               r->source_temperature[j] - 273.15);
    if (net->consumers.n)
        printf("  consumer        p [MPa abs]  T [degC]  margin [MPa]  delivered          unmet\n");
    for (size_t c = 0; c < net->consumers.n; c++) {
        bool steam = net->consumers.type[c] == DH_CONSUMER_STEAM;
        char margin[32] = "-";
        if (!isnan(r->consumer_pressure_margin[c]))
            snprintf(margin, sizeof margin, "%+.4f", r->consumer_pressure_margin[c] / 1e6);
        printf("  %-14s %12.4f %9.1f %13s", net->consumers.id[c], r->consumer_pressure[c] / 1e6,
               r->consumer_temperature[c] - 273.15, margin);
        if (steam)
            printf("  %8.3f t/h  %8.3f t/h", r->consumer_mass_flow[c] * 3.6, r->consumer_unmet[c] * 3.6);
        else
            printf("  %8.3f MW   %8.3f MW ", r->consumer_heat[c] / 1e6, r->consumer_unmet[c] / 1e6);
        size_t k = net->consumers.node[c];
        if (net->consumers.require_dry[c] && r->node_quality[k] < 1.0 - 1e-6)
            printf("  WET (x = %.3f)", r->node_quality[k]);
        if (net->consumers.min_temperature[c] > 0 &&
            r->consumer_temperature[c] < net->consumers.min_temperature[c])
            printf("  below minimum temperature");
        if (!isnan(r->consumer_pressure_margin[c]) && r->consumer_pressure_margin[c] < 0)
            printf("  below minimum pressure");
        printf("\n");
    }
}

int dh_cmd_run(int argc, char **argv)
{
    const char *path = NULL, *out_path = NULL;
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
    dh_snapshot *snap = NULL;
    dh_out *o = NULL;
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
    dh_steady_options opt;
    dh_steady_options_init(&opt);
    run_progress pr = {.verbose = verbose, .tty = isatty(fileno(stderr)) != 0};
    opt.detail = progress_detail;
    opt.progress_user = &pr;
    if (dh_steady_create(c->net, &c->study, &opt, &s, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = err.code == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
        goto done;
    }
    if (dh_snapshot_create(c->net, &snap) != DH_OK) {
        fprintf(stderr, "dhsim run: error: out of memory\n");
        exit_code = DH_EXIT_FAILED;
        goto done;
    }
    dh_solve_stats stats;
    clock_gettime(CLOCK_MONOTONIC, &pr.t0);
    dh_status rc = dh_steady_solve(s, snap, &stats, &err);
    progress_end(&pr);
    printf("case %s (%s): %zu nodes, %zu links, %zu consumers\n", c->name ? c->name : "",
           c->path, c->net->nodes.n, c->net->links.n, c->net->consumers.n);
    summary(c->net, snap, &stats);
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
            dh_out_append(o, snap, &stats, &err) || dh_out_set_summary(o, &stats, &err) ||
            dh_out_close(&o, &err)) {
            dh_error_print(&err, stderr);
            dh_out_abort(&o);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("results written to %s\n", out_path);
        }
    }
done:
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warn);
    free(sets);
    return exit_code;
}
