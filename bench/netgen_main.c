/* netgen_main.c: the `netgen` command: writes a synthetic benchmark network (netgen.h) as an
 * EPANET .inp and/or a dhsim case, and prints the generator's time and peak memory.
 *
 *   netgen [--layout radial|grid] [--pipes N] [--seed S] [--loops F] [--sources K]
 *          [--per-header C] [--units LPS|CMH] [--inp NET.inp] [--case NET.yaml]
 *
 * Prints one JSON line: layout, counts (pipes, nodes, consumers, sources, loops), total heat
 * (W) and mass flow (kg/s), plant head (m) and pressure (Pa), generation and writing times (s),
 * peak resident memory (bytes, VmHWM) of the process. Called by bench/run_steady.sh and
 * tests/bench.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "netgen.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: netgen [--layout radial|grid] [--pipes N] [--seed S] [--loops F]\n"
               "              [--sources K] [--per-header C] [--units LPS|CMH] [--inp NET.inp]\n"
               "              [--case NET.yaml]\n");
}

int main(int argc, char **argv)
{
    dh_netgen_options opt;
    dh_netgen_options_init(&opt);
    const char *inp = NULL, *yaml = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        i++;
        if (!strcmp(a, "--layout")) {
            if (!strcmp(v, "radial")) opt.layout = DH_NETGEN_RADIAL;
            else if (!strcmp(v, "grid")) opt.layout = DH_NETGEN_GRID;
            else {
                fprintf(stderr, "netgen: unknown layout '%s' (radial or grid)\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--pipes")) {
            opt.n_pipes = (size_t)strtod(v, NULL); /* accepts 1e5 */
        } else if (!strcmp(a, "--seed")) {
            opt.seed = strtoull(v, NULL, 10);
        } else if (!strcmp(a, "--loops")) {
            opt.loop_fraction = strtod(v, NULL);
        } else if (!strcmp(a, "--sources")) {
            opt.n_sources = atoi(v);
        } else if (!strcmp(a, "--per-header")) {
            opt.consumers_per_header = (size_t)strtod(v, NULL);
        } else if (!strcmp(a, "--units")) {
            if (!strcmp(v, "LPS")) opt.flow_units = DH_NETGEN_LPS;
            else if (!strcmp(v, "CMH")) opt.flow_units = DH_NETGEN_CMH;
            else {
                fprintf(stderr, "netgen: unknown flow units '%s' (LPS or CMH)\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--inp")) {
            inp = v;
        } else if (!strcmp(a, "--case")) {
            yaml = v;
        } else {
            usage(stderr);
            return 2;
        }
    }

    dh_error err;
    dh_error_clear(&err);
    dh_netgen *g = NULL;
    double t0 = bench_now();
    if (dh_netgen_create(&opt, &g, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        return 1;
    }
    double t_gen = bench_now() - t0;
    long gen_hwm = bench_peak_rss();

    t0 = bench_now();
    if (inp) {
        FILE *f = fopen(inp, "w");
        if (!f) {
            perror(inp);
            dh_netgen_destroy(&g);
            return 1;
        }
        static char buf[1 << 20];
        setvbuf(f, buf, _IOFBF, sizeof buf);
        dh_status st = dh_netgen_write_inp(g, f, &err);
        if (fclose(f) != 0 && st == DH_OK) st = DH_ERR_IO;
        if (st != DH_OK) {
            dh_error_print(&err, stderr);
            dh_netgen_destroy(&g);
            return 1;
        }
    }
    if (yaml && dh_netgen_write_case(g, yaml, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        dh_netgen_destroy(&g);
        return 1;
    }
    double t_write = bench_now() - t0;

    printf("{\"layout\":\"%s\",\"pipes\":%zu,\"nodes\":%zu,\"consumers\":%zu,\"sources\":%zu,"
           "\"loops\":%zu,\"total_heat_W\":%.6g,\"total_mass_flow_kg_s\":%.6g,\"head_m\":%.3f,"
           "\"source_pressure_Pa\":%.1f,\"generate_s\":%.6f,\"write_s\":%.6f,"
           "\"generate_peak_bytes\":%ld,\"peak_bytes\":%ld}\n",
           opt.layout == DH_NETGEN_GRID ? "grid" : "radial", g->n_pipes, g->n_nodes,
           g->n_consumers, g->n_sources, g->n_loops, g->total_heat, g->total_mass_flow, g->head,
           g->source_pressure[0], t_gen, t_write, gen_hwm, bench_peak_rss());
    dh_netgen_destroy(&g);
    return 0;
}
