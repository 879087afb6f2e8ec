/* sample_writer.c: writes the sample results file (sample_net.h) for the script tests.
 *   sample_writer [--plant] OUT.h5 STEPS [PAUSE_MS]
 * --plant: also /results/plant from sample_plant_fill.
 * With PAUSE_MS it prints "appended K" to stdout after each append and sleeps, so a test can
 * kill -9 it part-way (check_kill.py). Exit 0 on success, 1 on a writer error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_output.h"
#include "sample_net.h"

int main(int argc, char **argv)
{
    int plant = argc > 1 && !strcmp(argv[1], "--plant");
    if (plant) argc--, argv++;
    if (argc < 3) {
        fprintf(stderr, "usage: sample_writer OUT.h5 STEPS [PAUSE_MS]\n");
        return 2;
    }
    size_t steps = (size_t)strtoul(argv[2], NULL, 10);
    long pause_ms = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
    dh_network *net = sample_network();
    dh_snapshot *s = NULL;
    dh_out *o = NULL;
    dh_error err;
    if (!net || dh_snapshot_create(net, &s)) return 1;
    dh_out_meta meta = {.program_version = "0.1.0-test", .case_path = "cases/sample.yaml",
                        .case_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                        .case_name = "sample", .study = steps > 1 ? "series" : "steady"};
    int rc = 0;
    if (dh_out_create(argv[1], net, &meta, &o, &err)) goto fail;
    for (size_t k = 0; k < steps; k++) {
        sample_fill(s, k);
        dh_solve_stats st = {.converged = true, .iterations = (int)(3 + k), .linear_solves = 4,
                             .residual_norm = 1e-10 * (double)(k + 1), .mass_balance_rel = 1e-12,
                             .energy_balance_rel = 2e-9, .seconds = 0.001};
        if (dh_out_append(o, s, &st, &err)) goto fail;
        if (plant) {
            dh_out_plant p;
            sample_plant_fill(&p, k);
            if (dh_out_append_plant(o, &p, &err)) goto fail;
        }
        if (pause_ms) {
            printf("appended %zu\n", k + 1);
            fflush(stdout);
            struct timespec ts = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (dh_out_close(&o, &err)) goto fail;
    goto done;
fail:
    dh_error_print(&err, stderr);
    dh_out_abort(&o);
    rc = 1;
done:
    dh_snapshot_destroy(&s);
    dh_network_destroy(&net);
    return rc;
}
