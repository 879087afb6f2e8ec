/* cmd_retire.c: `dhsim retire CASE.yaml [-o OUT.h5] [--csv FILE] [--plot FILE.png]
 * [--set KEY=VALUE]...`: the small-boiler retirement study (solver/dh_retire.h, docs/retire.md).
 *
 * Reads and validates the case, runs dh_retire_run, prints the step table and the verdict
 * (postproc/dh_retire_out.h), the hours checked with a series check, the reinforcements and
 * their combinations. With -o: OUT.h5 (+ .xmf) holds the network, one results row per step of
 * the main sequence (with a series check the state at the row's hour; only while the steps
 * share the case's network layout: no new site connected) with the plant, and /retire (steps,
 * hours, reinforcements, combinations); the plot defaults to
 * OUT-retire.png. Exit: 0 the study ran (whatever it found); 1 a solve or write failed;
 * 2 bad input or usage.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_cli.h"
#include "dh_output.h"
#include "dh_plant_couple.h"
#include "dh_retire.h"
#include "dh_retire_out.h"
#include "dh_validate.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

static void usage(FILE *out)
{
    fprintf(out, "usage: dhsim retire CASE.yaml [-o OUT.h5] [--csv FILE] [--plot FILE.png]\n"
                 "                    [--set KEY=VALUE]... [--all]\n"
                 "  retires the case's small boilers one by one onto the network and checks\n"
                 "  each step with the plant at the design hour, or at the worst hours of the\n"
                 "  case's series (retire.checks.hour: series_worst_hours; docs/retire.md)\n"
                 "  -o OUT.h5         results: steps as time rows and /retire (+ OUT-retire.png)\n"
                 "  --csv FILE        the step table as CSV ('-': stdout)\n"
                 "  --plot FILE.png   margin against retired capacity (gnuplot)\n"
                 "  --set KEY=VALUE   override a value by its dotted path\n"
                 "  --all             run every step, not only up to the first failing one\n"
                 "  exit 0 the study ran, 1 a solve or write failed, 2 bad input\n");
}

typedef struct writer {
    dh_out *o;
    const dh_network *base;
    dh_plant_params params;
    bool failed, skipped;
    dh_error err;
} writer;

static void on_step(void *user, const dh_retire_step *row, const dh_network *net,
                    const dh_snapshot *x, const dh_plant_coupling *cp)
{
    writer *w = user;
    if (!w->o || w->failed) return;
    if (net->nodes.n != w->base->nodes.n || net->links.n != w->base->links.n ||
        net->consumers.n != w->base->consumers.n) {
        w->skipped = true; /* a new site: no longer the layout of /network */
        return;
    }
    dh_snapshot s = *x;
    s.time = (double)row->step;
    dh_out_plant p;
    dh_out_plant_fill(&w->params, cp, net, NULL, &p);
    if (dh_out_append(w->o, &s, &cp->stats, &w->err) || dh_out_append_plant(w->o, &p, &w->err))
        w->failed = true;
}

int dh_cmd_retire(int argc, char **argv)
{
    const char *path = NULL, *out_path = NULL, *csv_path = NULL, *plot_path = NULL;
    bool all = false;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t nsets = 0;
    if (!sets) return DH_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            free(sets);
            return DH_EXIT_OK;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
            csv_path = argv[++i];
        } else if (!strcmp(argv[i], "--plot") && i + 1 < argc) {
            plot_path = argv[++i];
        } else if (!strcmp(argv[i], "--all")) {
            all = true;
        } else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            sets[nsets++] = argv[++i];
        } else if (!strncmp(argv[i], "--set=", 6)) {
            sets[nsets++] = argv[i] + 6;
        } else if (argv[i][0] == '-' || path) {
            fprintf(stderr, "dhsim retire: error: unexpected argument '%s'\n", argv[i]);
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
    dh_retire_result *r = NULL;
    writer w;
    memset(&w, 0, sizeof w);
    char plot_buf[1024];
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
    if (out_path) {
        dh_out_meta meta = {.program_version = DHSIM_VERSION, .case_path = c->path,
                            .case_sha256 = c->sha256, .case_name = c->name, .study = "retire",
                            .expected_steps = c->retire.n_boilers + 1};
        if (!c->plant.present || dh_plant_params_from_spec(&c->plant, &w.params, &err) != DH_OK ||
            dh_out_create(out_path, c->net, &meta, &w.o, &err) != DH_OK)
            w.o = NULL; /* the study reports the plant error; a file error is reported below */
        if (!w.o && err.message[0] && c->plant.present) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_FAILED;
            goto done;
        }
        w.base = c->net;
    }
    dh_retire_options opt;
    dh_retire_options_init(&opt);
    opt.on_step = on_step;
    opt.user = &w;
    opt.keep_going = all;
    opt.loads_create = dh_case_loads_read; /* the series check's loads: weather + profiles */
    dh_status st = dh_retire_run(c, &opt, &r, &err);
    if (st != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = st == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
        goto done;
    }
    dh_retire_print(c, r, stdout);
    exit_code = DH_EXIT_OK;
    if (csv_path) {
        FILE *f = strcmp(csv_path, "-") ? fopen(csv_path, "w") : stdout;
        if (!f) {
            fprintf(stderr, "dhsim retire: error: %s: cannot write\n", csv_path);
            exit_code = DH_EXIT_FAILED;
        } else {
            dh_retire_csv(c, r, f);
            if (f != stdout && fclose(f) != 0) exit_code = DH_EXIT_FAILED;
            else if (f != stdout) printf("step table written to %s\n", csv_path);
        }
    }
    if (w.o) {
        if (w.failed) {
            dh_error_print(&w.err, stderr);
            dh_out_abort(&w.o);
            exit_code = DH_EXIT_FAILED;
        } else if (dh_out_close(&w.o, &err) != DH_OK ||
                   dh_retire_h5_write(out_path, c, r, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("results written to %s%s\n", out_path,
                   w.skipped ? " (steps with a new site connected are in /retire only)" : "");
        }
        if (!plot_path) {
            size_t n = strlen(out_path);
            if (n > 3 && !strcmp(out_path + n - 3, ".h5")) n -= 3;
            snprintf(plot_buf, sizeof plot_buf, "%.*s-retire.png", (int)n, out_path);
            plot_path = plot_buf;
        }
    }
    if (plot_path) {
        if (dh_retire_plot(c, r, plot_path, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("plot written to %s\n", plot_path);
        }
    }
done:
    dh_out_abort(&w.o);
    dh_retire_result_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warn);
    free(sets);
    return exit_code;
}
