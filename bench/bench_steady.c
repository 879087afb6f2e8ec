/* bench_steady.c: times dhsim's steady water solve on a synthetic network (netgen.h).
 *
 *   bench_steady [--layout radial|grid] [--pipes N] [--seed S] [--runs R] [--loops F]
 *                [--sources K] [--per-header C] [--full-system] [--quiet]
 * (network options as for `netgen`, netgen.h; --full-system: KLU on the whole Jacobian instead
 * of the reduced linear solver, dh_steady_options.full_system)
 *
 * Each of R runs (default 5) starts from the generated arrays and times, separately:
 *   build  - the dh_network through dh_netbuild_* (ids hashed, incidence) (dh_netgen_build),
 *   setup  - dh_steady_create: unknown layout, Jacobian pattern, KINSOL + KLU,
 *   solve  - dh_steady_solve from the built-in initial guess (cold),
 *   resolve- dh_steady_reset_guess + dh_steady_solve again on the same solver (the symbolic
 *            analysis and the pattern reused: the cost of one more steady solve in a series).
 * and reports the median of each and of build + setup + solve ("total": what EPANET's open +
 * solveH compares to; EPANET's open also parses the .inp text, which dhsim's build does not).
 * The generator's own time is not counted. Wall-clock seconds, plus the process CPU seconds of
 * solve and total (solve_cpu_s, total_cpu_s: the figure to trust on a loaded machine; the solver
 * is single-threaded).
 * Memory: the peak resident set of the first run's build + setup + solve, above the resident
 * set just before it (so the generator's arrays are excluded): VmHWM after resetting it through
 * /proc/self/clear_refs; without that reset, VmHWM - VmRSS before (an upper bound).
 * Prints a JSON line (fields below); exit 0 when every solve converged, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "dh_results.h"
#include "dh_solver.h"
#include "netgen.h"

#define MAX_RUNS 100

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_steady [--layout radial|grid] [--pipes N] [--seed S] [--runs R]\n"
               "                    [--loops F] [--sources K] [--per-header C] [--full-system]\n"
               "                    [--quiet]\n");
}

int main(int argc, char **argv)
{
    dh_netgen_options opt;
    dh_netgen_options_init(&opt);
    int runs = 5, quiet = 0;
    dh_steady_options sopt;
    dh_steady_options_init(&sopt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        if (!strcmp(a, "--full-system")) {
            sopt.full_system = true;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (!strcmp(a, "--layout")) {
            if (!strcmp(v, "radial")) opt.layout = DH_NETGEN_RADIAL;
            else if (!strcmp(v, "grid")) opt.layout = DH_NETGEN_GRID;
            else {
                fprintf(stderr, "bench_steady: unknown layout '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--pipes")) {
            opt.n_pipes = (size_t)strtod(v, NULL);
        } else if (!strcmp(a, "--seed")) {
            opt.seed = strtoull(v, NULL, 10);
        } else if (!strcmp(a, "--runs")) {
            runs = atoi(v);
        } else if (!strcmp(a, "--loops")) {
            opt.loop_fraction = strtod(v, NULL);
        } else if (!strcmp(a, "--sources")) {
            opt.n_sources = atoi(v);
        } else if (!strcmp(a, "--per-header")) {
            opt.consumers_per_header = (size_t)strtod(v, NULL);
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (runs < 1) runs = 1;
    if (runs > MAX_RUNS) runs = MAX_RUNS;

    dh_error err;
    dh_error_clear(&err);
    dh_netgen *g = NULL;
    if (dh_netgen_create(&opt, &g, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        return 1;
    }
    dh_study study;
    dh_netgen_study(&study);

    double t_build[MAX_RUNS], t_setup[MAX_RUNS], t_solve[MAX_RUNS], t_resolve[MAX_RUNS];
    double t_total[MAX_RUNS], c_solve[MAX_RUNS], c_total[MAX_RUNS]; /* CPU seconds */
    long rss_before = 0, peak = 0;
    int peak_reset = 0, all_converged = 1;
    dh_solve_stats stats = {0}, restats = {0};
    size_t n_unknowns = 0, nnz = 0, n_nodes = 0, n_links = 0, n_consumers = 0;
    int rc = 0;
    for (int r = 0; r < runs; r++) {
        dh_network *net = NULL;
        dh_steady *s = NULL;
        dh_snapshot *snap = NULL;
        if (r == 0) {
            rss_before = bench_rss();
            peak_reset = bench_reset_peak();
        }
        double c0 = bench_cpu(), t0 = bench_now();
        if (dh_netgen_build(g, &net, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            rc = 1;
            break;
        }
        double t1 = bench_now();
        if (dh_steady_create(net, &study, &sopt, &s, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            dh_network_destroy(&net);
            rc = 1;
            break;
        }
        double t2 = bench_now();
        if (dh_snapshot_create(net, &snap) != 0) {
            fprintf(stderr, "bench_steady: out of memory (snapshot)\n");
            dh_steady_destroy(&s);
            dh_network_destroy(&net);
            rc = 1;
            break;
        }
        double c2 = bench_cpu(), t2b = bench_now();
        dh_status st = dh_steady_solve(s, snap, &stats, &err);
        double t3 = bench_now(), c3 = bench_cpu();
        if (st != DH_OK) {
            all_converged = 0;
            if (!quiet) {
                dh_error_print(&err, stderr);
                fprintf(stderr, "bench_steady: worst residual %g at %s (%s)\n",
                        stats.worst_residual, stats.worst_component, stats.worst_equation);
            }
        }
        if (r == 0) {
            peak = bench_peak_rss();
            n_unknowns = dh_steady_size(s);
            nnz = dh_steady_nnz(s);
            n_nodes = net->nodes.n;
            n_links = net->links.n;
            n_consumers = net->consumers.n;
        }
        dh_steady_reset_guess(s);
        double t4 = bench_now();
        st = dh_steady_solve(s, snap, &restats, &err);
        double t5 = bench_now();
        if (st != DH_OK) all_converged = 0;
        t_build[r] = t1 - t0;
        t_setup[r] = (t2 - t1) + (t2b - t2);
        t_solve[r] = t3 - t2b;
        t_resolve[r] = t5 - t4;
        t_total[r] = t_build[r] + t_setup[r] + t_solve[r];
        c_solve[r] = c3 - c2;
        c_total[r] = c3 - c0;
        dh_snapshot_destroy(&snap);
        dh_steady_destroy(&s);
        dh_network_destroy(&net);
        if (!quiet)
            fprintf(stderr, "run %d: build %.4f s, setup %.4f s, solve %.4f s (%d it), "
                            "resolve %.4f s\n",
                    r + 1, t_build[r], t_setup[r], t_solve[r], stats.iterations, t_resolve[r]);
    }
    if (rc == 0) {
        long solve_bytes = peak - rss_before;
        printf("{\"layout\":\"%s\",\"pipes\":%zu,\"nodes\":%zu,\"links\":%zu,\"consumers\":%zu,"
               "\"unknowns\":%zu,\"nnz\":%zu,\"runs\":%d,\"build_s\":%.6f,\"setup_s\":%.6f,"
               "\"solve_s\":%.6f,\"resolve_s\":%.6f,\"total_s\":%.6f,\"solve_cpu_s\":%.6f,"
               "\"total_cpu_s\":%.6f,\"iterations\":%d,"
               "\"converged\":%s,\"residual\":%.3g,\"mass_balance_rel\":%.3g,"
               "\"energy_balance_rel\":%.3g,\"peak_bytes\":%ld,\"peak_reset\":%s,"
               "\"bytes_per_pipe\":%.1f}\n",
               opt.layout == DH_NETGEN_GRID ? "grid" : "radial", g->n_pipes, n_nodes, n_links,
               n_consumers, n_unknowns, nnz, runs, bench_median(t_build, (size_t)runs),
               bench_median(t_setup, (size_t)runs), bench_median(t_solve, (size_t)runs),
               bench_median(t_resolve, (size_t)runs), bench_median(t_total, (size_t)runs),
               bench_median(c_solve, (size_t)runs), bench_median(c_total, (size_t)runs),
               stats.iterations, all_converged ? "true" : "false", stats.residual_norm,
               stats.mass_balance_rel, stats.energy_balance_rel, solve_bytes,
               peak_reset ? "true" : "false", (double)solve_bytes / (double)g->n_pipes);
        if (!all_converged) rc = 1;
    }
    dh_netgen_destroy(&g);
    return rc;
}
