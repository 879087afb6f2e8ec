/* bench_laws.c: cost of the pipe laws per call (ns), for docs/model-pipes.md.
 *
 * Times dh_pipe_pressure_loss (value + the three derivatives) with Colebrook and with
 * Swamee-Jain, and dh_friction_factor alone, over a table of pipes and flows spread across
 * laminar, transition and turbulent regimes (mostly turbulent, as in a network near design),
 * with roughness varying per pipe as in a real network. Median of several runs.
 *
 * Usage: bench_laws [runs]     (default 9 runs of 2^22 calls each)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dh_laws.h"

#define N_PIPES 4096
#define N_CALLS (1u << 22)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static dh_pipe_hyd pipes[N_PIPES];
static double flows[N_PIPES];
static volatile double sink;

/* ns per call, one run: kind 0 pressure loss, 1 friction factor only */
static double run(dh_friction_model model, int kind)
{
    double acc = 0.0;
    const double rho = 971.79, mu = 3.5405e-4;
    double t0 = now();
    for (unsigned c = 0; c < N_CALLS; c++) {
        const unsigned i = c & (N_PIPES - 1);
        if (kind == 0) {
            double dp, dm, dr, dmu;
            dh_pipe_pressure_loss(flows[i], rho, mu, &pipes[i], model, &dp, &dm, &dr, &dmu);
            acc += dp + dm + dr + dmu;
        } else {
            double d;
            const double re = pipes[i].re_coef * fabs(flows[i]) / mu;
            acc += dh_friction_factor(re, pipes[i].rel_roughness, model, &d) + d;
        }
    }
    double t1 = now();
    sink = acc;
    return (t1 - t0) * 1e9 / N_CALLS;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 9;
    if (runs < 1 || runs > 99)
        runs = 9;
    /* pipes DN50..DN500, 50..500 m, roughness 0.01..0.1 mm; flows at velocities 0.01..3 m/s
     * (2 % laminar/transition), random sign (reversed flows) */
    srand(12345);
    int lam = 0;
    for (int i = 0; i < N_PIPES; i++) {
        double d = 0.05 + 0.45 * rand() / (double)RAND_MAX;
        double e = 1e-5 + 9e-5 * rand() / (double)RAND_MAX;
        double l = 50 + 450 * rand() / (double)RAND_MAX;
        dh_pipe_hyd_init(&pipes[i], l, d, e, 2.0, NULL);
        double v = (rand() % 50 == 0) ? 0.001 + 0.02 * rand() / (double)RAND_MAX
                                       : 0.1 + 2.9 * rand() / (double)RAND_MAX;
        flows[i] = (rand() & 1 ? 1 : -1) * 971.79 * v * pipes[i].area;
        if (pipes[i].re_coef * (flows[i] < 0 ? -flows[i] : flows[i]) / 3.5405e-4 < 4000)
            lam++;
    }
    static const struct { const char *name; dh_friction_model model; int kind; } cases[] = {
        {"dh_pipe_pressure_loss, Colebrook", DH_FRICTION_COLEBROOK, 0},
        {"dh_pipe_pressure_loss, Swamee-Jain", DH_FRICTION_SWAMEE_JAIN, 0},
        {"dh_friction_factor, Colebrook", DH_FRICTION_COLEBROOK, 1},
        {"dh_friction_factor, Swamee-Jain", DH_FRICTION_SWAMEE_JAIN, 1},
    };
    printf("bench_laws: %d pipes (%d below Re 4000), %u calls per run, median of %d runs\n",
           N_PIPES, lam, N_CALLS, runs);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double t[99];
        run(cases[k].model, cases[k].kind); /* warm-up */
        for (int r = 0; r < runs; r++)
            t[r] = run(cases[k].model, cases[k].kind);
        qsort(t, (size_t)runs, sizeof t[0], cmp);
        printf("  %-38s %6.1f ns/call (min %.1f, max %.1f)\n", cases[k].name, t[runs / 2], t[0],
               t[runs - 1]);
    }
    return 0;
}
