/* cmd_report.c: `dhsim report OUT.h5 [--step K] [--csv GROUP.NAME]... [--out FILE]
 *                [--plots [PREFIX]] [--xmf]`
 * Prints the text summary of a results file, or exports datasets as CSV, writes PNG plots,
 * or rewrites the .xmf sidecar. Reads only the results file (postproc/report.c, plots.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_cli.h"
#include "dh_output.h"

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: dhsim report OUT.h5 [--step K] [--csv GROUP.NAME]... [--out FILE]\n"
            "                    [--plots [PREFIX]] [--xmf]\n"
            "  (no option)       text summary of the last time step (--step K: of step K)\n"
            "  --csv nodes.pressure  one row per element, one column per time step (s);\n"
            "                    also links.mass_flow, consumers.heat, sources.mass_flow, ...\n"
            "  --out FILE        write the CSV to FILE instead of stdout\n"
            "  --plots [PREFIX]  PNG plots PREFIX-map.png, -profile.png, -duration.png\n"
            "                    (PREFIX defaults to OUT without .h5)\n"
            "  --xmf             rewrite the ParaView sidecar OUT.xmf\n"
            "see docs/results.md\n");
}

int dh_cmd_report(int argc, char **argv)
{
    const char *h5 = NULL, *out_path = NULL, *prefix = NULL;
    const char **csv = calloc((size_t)argc + 1, sizeof *csv);
    size_t n_csv = 0, step = SIZE_MAX;
    int plots = 0, xmf = 0;
    if (!csv) return DH_EXIT_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            report_usage(stdout);
            free(csv);
            return DH_EXIT_OK;
        } else if (!strcmp(a, "--csv") && i + 1 < argc) {
            csv[n_csv++] = argv[++i];
        } else if ((!strcmp(a, "--out") || !strcmp(a, "-o")) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(a, "--step") && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i]) {
                fprintf(stderr, "dhsim report: error: --step %s: expected a step number\n",
                        argv[i]);
                free(csv);
                return DH_EXIT_USAGE;
            }
            step = (size_t)v;
        } else if (!strcmp(a, "--plots")) {
            plots = 1;
            if (i + 1 < argc && argv[i + 1][0] != '-' && h5) prefix = argv[++i];
        } else if (!strcmp(a, "--xmf")) {
            xmf = 1;
        } else if (a[0] != '-' && !h5) {
            h5 = a;
        } else {
            fprintf(stderr, "dhsim report: error: unexpected argument '%s'\n", a);
            report_usage(stderr);
            free(csv);
            return DH_EXIT_USAGE;
        }
    }
    if (!h5) {
        report_usage(stderr);
        free(csv);
        return DH_EXIT_USAGE;
    }
    dh_error err;
    dh_error_clear(&err);
    dh_status st = DH_OK;
    if (n_csv) {
        FILE *out = out_path ? fopen(out_path, "w") : stdout;
        if (!out) {
            fprintf(stderr, "dhsim report: error: %s: cannot create\n", out_path);
            free(csv);
            return DH_EXIT_USAGE;
        }
        for (size_t k = 0; k < n_csv && !st; k++) {
            if (k) fputc('\n', out);
            st = dh_report_csv(h5, csv[k], out, &err);
        }
        if (out != stdout && fclose(out) && !st)
            st = dh_error_set(&err, DH_ERR_IO, NULL, NULL, "%s: write error", out_path);
    }
    if (!st && xmf) {
        char path[4096];
        dh_out_xmf_path(h5, path, sizeof path);
        st = dh_out_write_xdmf(h5, path, &err);
        if (!st) fprintf(stderr, "wrote %s\n", path);
    }
    if (!st && plots) {
        char pre[4096];
        if (!prefix) {
            dh_out_xmf_path(h5, pre, sizeof pre);
            pre[strlen(pre) - 4] = '\0'; /* strip ".xmf" */
            prefix = pre;
        }
        st = dh_report_plots(h5, prefix, stderr, &err);
    }
    if (!st && !n_csv && !xmf && !plots) st = dh_report_print(h5, step, stdout, &err);
    free(csv);
    if (st) {
        fprintf(stderr, "dhsim report: ");
        dh_error_print(&err, stderr);
        return st == DH_ERR_INPUT || st == DH_ERR_USAGE ? DH_EXIT_USAGE : DH_EXIT_FAILED;
    }
    return DH_EXIT_OK;
}
