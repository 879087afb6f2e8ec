/* bench_series.c: the park year (cases/linyi-etdz/year.yaml, 8760 hourly steady solves with
 * the plant) timed: total wall and CPU time, time per step, Newton iterations per step, against
 * a cold single steady solve of the same network (fresh solver, winter design hour), and peak
 * memory (getrusage). No results file: the solver loop and the summary only.
 *   bench_series [--case FILE] [--hours N] [--start HOUR] [--predict none|linear|secant]
 * Called by bench/bench_series.sh; figures in docs/model.md "Series" and bench/README.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dh_case.h"
#include "dh_plant_couple.h"
#include "dh_series.h"
#include "dh_solver.h"

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct hist {
    long it[8]; /* iterations per step: 0-1, 2, 3, 4, 5-6, 7-10, 11-20, >20 */
    double max_step;
} hist;

static int on_step(void *user, const dh_series_step *st)
{
    hist *h = user;
    int n = st->iterations;
    int b = n <= 1 ? 0 : n == 2 ? 1 : n == 3 ? 2 : n == 4 ? 3 : n <= 6 ? 4 : n <= 10 ? 5 : n <= 20 ? 6 : 7;
    h->it[b]++;
    if (st->seconds > h->max_step) h->max_step = st->seconds;
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = "cases/linyi-etdz/year.yaml";
    size_t hours = 0, start = 0;
    dh_series_predict predict = DH_SERIES_PREDICT_SECANT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--case") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--hours") && i + 1 < argc) hours = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--start") && i + 1 < argc) start = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--predict") && i + 1 < argc) {
            const char *p = argv[++i];
            predict = !strcmp(p, "none") ? DH_SERIES_PREDICT_NONE
                      : !strcmp(p, "linear") ? DH_SERIES_PREDICT_LINEAR
                                             : DH_SERIES_PREDICT_SECANT;
        } else {
            fprintf(stderr, "usage: bench_series [--case FILE] [--hours N] [--start HOUR] "
                            "[--predict none|linear|secant]\n");
            return 2;
        }
    }
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_case *c = NULL;
    dh_loads *L = NULL;
    dh_error err;
    int wstart = 0;
    if (dh_case_read(path, NULL, 0, &c, &diag) != DH_OK ||
        dh_case_loads_create(c, NULL, &L, &wstart, &diag) != DH_OK) {
        dh_diag_print(&diag, stderr);
        return 2;
    }
    dh_plant_params params;
    if (c->plant.present && dh_plant_params_from_spec(&c->plant, &params, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        return 2;
    }
    if (!hours) hours = dh_loads_hours(L);

    /* cold single steady solve of the design hour: fresh solver each time, median of 5 */
    double cold[5];
    int cold_it = 0;
    dh_snapshot *snap = NULL;
    dh_snapshot_create(c->net, &snap);
    for (int r = 0; r < 5; r++) {
        dh_steady_options so;
        dh_steady_options_init(&so);
        so.tolerance = c->study.tolerance;
        so.max_iterations = c->study.max_iterations;
        double t0 = cpu();
        dh_steady *s = NULL;
        dh_solve_stats st;
        if (dh_steady_create(c->net, &c->study, &so, &s, &err) ||
            dh_steady_solve(s, snap, &st, &err)) {
            dh_error_print(&err, stderr);
            return 1;
        }
        cold[r] = cpu() - t0;
        cold_it = st.iterations;
        dh_steady_destroy(&s);
    }
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (cold[j] < cold[i]) {
                double t = cold[i];
                cold[i] = cold[j];
                cold[j] = t;
            }
    dh_snapshot_destroy(&snap);

    dh_series_options opt;
    dh_series_options_init(&opt);
    opt.steady.tolerance = c->study.tolerance;
    opt.steady.max_iterations = c->study.max_iterations;
    opt.predict = predict;
    dh_series_stats stats;
    hist h = {0};
    double w0 = wall(), c0 = cpu();
    dh_status st = dh_series_run(c->net, &c->study, L, start, hours, 1,
                                 c->plant.present ? &params : NULL, c->plant.source, &opt,
                                 on_step, &h, &stats, &err);
    double w1 = wall() - w0, c1 = cpu() - c0;
    if (st != DH_OK) {
        dh_error_print(&err, stderr);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("case %s: %zu steps from hour %zu, predictor %s\n", path, stats.steps, start,
           predict == DH_SERIES_PREDICT_NONE ? "none" : predict == DH_SERIES_PREDICT_LINEAR ? "linear" : "secant");
    printf("series: wall %.2f s, cpu %.2f s, %.3f ms cpu per step; %zu failed; %zu plant-limited\n",
           w1, c1, 1e3 * c1 / (double)stats.steps, stats.failed, stats.plant_limited);
    printf("newton iterations: %.2f per step (max %d at step %zu); histogram "
           "[<=1 2 3 4 5-6 7-10 11-20 >20]: %ld %ld %ld %ld %ld %ld %ld %ld\n",
           (double)stats.iterations / (double)stats.steps, stats.max_iterations,
           stats.max_iterations_step, h.it[0], h.it[1], h.it[2], h.it[3], h.it[4], h.it[5],
           h.it[6], h.it[7]);
    printf("cold single steady solve (create + solve, median of 5): %.3f ms cpu, %d iterations\n",
           1e3 * cold[2], cold_it);
    printf("ratio cold solve / series step: %.1f\n", cold[2] / (c1 / (double)stats.steps));
    printf("peak memory (max RSS): %.1f MB\n", ru.ru_maxrss / 1024.0);
    dh_loads_destroy(&L);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    return 0;
}
