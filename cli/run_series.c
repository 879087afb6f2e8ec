/* run_series.c: `dhsim run` of a series study (study.type: series): loads and weather from the
 * case (dh_case_loads_create), the quasi-steady loop (solver/dh_series.h), one row of every
 * [time, element] dataset per step (dh_out_append, plus /results/plant with a plant), the
 * series summary (postproc/dh_series_summary.h) on stdout and in /results/series.
 * Progress on stderr when it is a terminal: one line, "hour k/N, elapsed, ETA", at most ten
 * updates a second; -v adds a line per failed step.
 * Exports dh_run_series (dh_cli.h). Called by cmd_run.c.
 * Exit: 0 every step converged; 1 some step failed (each recorded; the series went on from the
 * last good state) or the results could not be written; 2 bad input.
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
#include "dh_series.h"
#include "dh_series_summary.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

typedef struct series_ctx {
    const dh_case *c;
    const dh_plant_params *params;
    dh_out *o;
    dh_series_summary sum;
    dh_out_plant plant;
    dh_error werr;       /* first write error */
    bool write_failed;
    bool verbose, tty, shown;
    struct timespec t0;
    double last;
    size_t output_every; /* write every k-th step (study.output_interval / step; >= 1) */
} series_ctx;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static int on_step(void *user, const dh_series_step *st)
{
    series_ctx *x = user;
    const dh_out_plant *pl = NULL;
    if (st->coupling) {
        dh_out_plant_fill(x->params, st->coupling, x->c->net, NULL, &x->plant);
        pl = &x->plant;
    }
    dh_series_summary_add(&x->sum, st->index, x->c->net, st->snap, pl, st->air_temperature,
                          st->converged, st->iterations);
    if (x->o && !x->write_failed && st->index % x->output_every == 0) {
        if (dh_out_append(x->o, st->snap, st->stats, &x->werr) != DH_OK ||
            (pl && dh_out_append_plant(x->o, pl, &x->werr) != DH_OK))
            x->write_failed = true;
    }
    if (!st->converged && x->verbose) {
        char d[32];
        dh_series_summary_date(&x->sum, st->index, d, sizeof d);
        fprintf(stderr, "%sstep %zu (%s): no convergence: %s in the %s equation (%.3g)\n",
                x->shown ? "\r\033[K" : "", st->index, d, st->stats->worst_component,
                st->stats->worst_equation, st->stats->worst_residual);
    }
    if (x->tty) {
        double t = since(&x->t0);
        if (t - x->last >= 0.1 || st->index + 1 == st->n_steps) {
            x->last = t;
            x->shown = true;
            double eta = t / (double)(st->index + 1) * (double)(st->n_steps - st->index - 1);
            fprintf(stderr, "\r\033[K  hour %zu/%zu  elapsed %.1f s  ETA %.1f s", st->index + 1,
                    st->n_steps, t, eta);
            fflush(stderr);
        }
    }
    return 0;
}

int dh_run_series(dh_case *c, const char *out_path, bool verbose)
{
    int exit_code = DH_EXIT_USAGE;
    dh_loads *L = NULL;
    dh_diag diag;
    dh_diag_init(&diag, DH_DIAG_DEFAULT_CAP);
    dh_error err;
    dh_error_clear(&err);
    dh_plant_params params;
    series_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.verbose = verbose;
    x.tty = isatty(fileno(stderr)) != 0;
    int wstart = 0;
    if (dh_case_loads_create(c, NULL, &L, &wstart, &diag) != DH_OK) {
        dh_diag_sort(&diag);
        dh_diag_print(&diag, stderr);
        goto done;
    }
    /* steps: from the study's start (default: the weather's first hour) over its duration
     * (default: one period of the weather) */
    const double step_h = fmax(round(c->study.series_step / 3600.0), 1.0);
    double start_h = isnan(c->study.series_start) ? 24.0 * wstart : c->study.series_start / 3600.0;
    double dur_h = c->study.series_duration > 0 ? c->study.series_duration / 3600.0
                                                : (double)dh_loads_hours(L);
    size_t n_steps = (size_t)ceil(dur_h / step_h - 1e-9);
    size_t t0 = (size_t)fmod(fmod(start_h - 24.0 * wstart, DH_HOURS_PER_YEAR) + DH_HOURS_PER_YEAR,
                             DH_HOURS_PER_YEAR);
    if (c->plant.present) {
        if (dh_plant_params_from_spec(&c->plant, &params, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            goto done;
        }
        x.params = &params;
    }
    exit_code = DH_EXIT_FAILED;
    if (dh_series_summary_init(&x.sum, n_steps, step_h * 3600.0, start_h, c->plant.present,
                               &err) != DH_OK) {
        dh_error_print(&err, stderr);
        goto done;
    }
    x.output_every = c->study.series_output_interval > 0
                         ? (size_t)llround(c->study.series_output_interval / (3600.0 * step_h))
                         : 1;
    if (x.output_every < 1) x.output_every = 1;
    if (out_path) {
        dh_out_meta meta = {.program_version = DHSIM_VERSION, .case_path = c->path,
                            .case_sha256 = c->sha256, .case_name = c->name, .study = "series",
                            .expected_steps = (n_steps + x.output_every - 1) / x.output_every};
        if (dh_out_create(out_path, c->net, &meta, &x.o, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            goto done;
        }
    }
    dh_series_options opt;
    dh_series_options_init(&opt);
    opt.steady.tolerance = c->study.tolerance;
    opt.steady.max_iterations = c->study.max_iterations;
    opt.n1_check = c->plant.n1_check;
    if (c->plant.present && c->plant.power_mode >= 0) opt.power_mode = (dh_power_mode)c->plant.power_mode;
    if (c->plant.present && !isnan(c->plant.power_target)) opt.power_target = c->plant.power_target;
    dh_series_stats stats;
    clock_gettime(CLOCK_MONOTONIC, &x.t0);
    dh_status st = dh_series_run(c->net, &c->study, L, t0, n_steps, (size_t)step_h,
                                 c->plant.present ? &params : NULL, c->plant.source, &opt,
                                 on_step, &x, &stats, &err);
    if (x.shown) fprintf(stderr, "\r\033[K");
    if (st != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = st == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
        dh_out_abort(&x.o);
        goto done;
    }
    x.sum.seconds = stats.seconds;
    dh_series_summary_finish(&x.sum);
    printf("%s: %s\n", c->name, c->path);
    dh_series_summary_print(&x.sum, stdout);
    exit_code = DH_EXIT_OK;
    if (stats.failed) {
        char d[32];
        dh_series_summary_date(&x.sum, stats.first_failed, d, sizeof d);
        fprintf(stderr, "dhsim run: %zu of %zu steps did not converge (first: step %zu, %s); each "
                        "is recorded (last iterate in the results) and the series went on from "
                        "the last good state; -v lists them\n",
                stats.failed, stats.steps, stats.first_failed, d);
        exit_code = DH_EXIT_FAILED;
    }
    if (x.o) {
        if (x.write_failed || dh_series_summary_add_to_output(x.o, &x.sum, &err) != DH_OK ||
            dh_out_close(&x.o, &err) != DH_OK) {
            dh_error_print(x.write_failed ? &x.werr : &err, stderr);
            dh_out_abort(&x.o);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("results written to %s\n", out_path);
        }
    }
done:
    dh_out_abort(&x.o);
    dh_series_summary_free(&x.sum);
    dh_loads_destroy(&L);
    dh_diag_free(&diag);
    return exit_code;
}
