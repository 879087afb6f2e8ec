/* bench_props.c: evaluations per second of the water/steam property calls the network solver
 * makes: (p,T) -> (rho,h), (p,h) -> (T,rho) fast path (regions 1 and 2), the exact (p,h) path,
 * and saturation calls. Single thread; prints the median of several repetitions, timed by the
 * thread's CPU clock.
 * Run: build/bench/bench_props [repetitions [calls [filter]]]   (not a test; see
 * docs/properties.md). `calls` (default 2000000) per run; `filter` runs only the lines whose
 * name contains it, e.g. for instruction counts per call under callgrind:
 *   valgrind --tool=callgrind --toggle-collect=dh_props_ph_fast \
 *       build/bench/bench_props 1 100000 "fast, region 2"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_props.h"

#define NSTATES 4096
#define CALLS_DEFAULT 2000000

static int CALLS = CALLS_DEFAULT;
static const char *FILTER = NULL;

/* CPU time of this thread, not wall time: on a shared, loaded machine the rate per core is what
 * is wanted, and time spent descheduled would otherwise count against the code. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* States on a network's working range: liquid 0.2-2.5 MPa, 10-180 degC; steam 0.2-2.5 MPa,
 * 10-120 K superheat. Stored as (p, T) and (p, h). */
static double P[2][NSTATES], TT[2][NSTATES], H[2][NSTATES];
static volatile double sink;

typedef double (*kernel)(int set);

static double k_pT(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        dh_props r;
        int k = i & (NSTATES - 1);
        dh_props_pT(P[set][k], TT[set][k], &r, NULL);
        acc += r.rho + r.h;
    }
    return acc;
}

static double k_hpT(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        double h, cp, dhdp;
        int k = i & (NSTATES - 1);
        dh_props_h_pT(P[set][k], TT[set][k], &h, &cp, &dhdp);
        acc += h + cp;
    }
    return acc;
}

static double k_ph_fast(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        dh_ph_state s;
        int k = i & (NSTATES - 1);
        dh_props_ph_fast(P[set][k], H[set][k], 0, &s);
        acc += s.T + s.rho + s.drho_dp;
    }
    return acc;
}

static double k_ph_exact(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        dh_ph_state s;
        int k = i & (NSTATES - 1);
        dh_props_ph_exact(P[set][k], H[set][k], 0, &s);
        acc += s.T + s.rho;
    }
    return acc;
}

static double k_ph_transport(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        dh_ph_state s;
        int k = i & (NSTATES - 1);
        dh_props_ph_fast(P[set][k], H[set][k], 1, &s);
        acc += s.mu + s.lambda;
    }
    return acc;
}

static double k_tsat(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) acc += dh_if97_tsat(P[set][i & (NSTATES - 1)]);
    return acc;
}

static double k_psat(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) acc += dh_if97_psat(TT[0][i & (NSTATES - 1)]);
    return acc;
}

static double k_wet(int set)
{
    double acc = 0;
    for (int i = 0; i < CALLS; i++) {
        dh_ph_state s;
        int k = i & (NSTATES - 1);
        double hh = 1.0e6 + 1.5e6 * (double)k / NSTATES; /* wet steam at 0.2-2.5 MPa */
        dh_props_ph_fast(P[set][k], hh, 0, &s);
        acc += s.rho;
    }
    return acc;
}

static void run(const char *name, kernel f, int set, int reps)
{
    double rate[64];
    if (FILTER && !strstr(name, FILTER)) return;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        sink = f(set);
        rate[r] = CALLS / (now() - t0);
    }
    qsort(rate, (size_t)reps, sizeof rate[0], cmp);
    printf("%-38s %8.2f M/s (median of %d; min %.2f, max %.2f)\n", name, rate[reps / 2] / 1e6,
           reps, rate[0] / 1e6, rate[reps - 1] / 1e6);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 7;
    if (reps < 1 || reps > 64) reps = 7;
    if (argc > 2) CALLS = atoi(argv[2]);
    if (CALLS < 1) CALLS = CALLS_DEFAULT;
    if (argc > 3) FILTER = argv[3];
    srand(12345);
    for (int k = 0; k < NSTATES; k++) {
        double p = 0.2e6 + 2.3e6 * rand() / (double)RAND_MAX;
        double Ts = dh_if97_tsat(p);
        P[0][k] = P[1][k] = p;
        TT[0][k] = 283.15 + (Ts - 283.15 - 2.0) * rand() / (double)RAND_MAX; /* liquid */
        TT[1][k] = Ts + 10.0 + 110.0 * rand() / (double)RAND_MAX;             /* steam */
        for (int s = 0; s < 2; s++) dh_props_h_pT(P[s][k], TT[s][k], &H[s][k], NULL, NULL);
    }
    printf("dhsim bench_props: %d calls per run, %d states\n", CALLS, NSTATES);
    run("(p,h)->(T,rho) fast, region 1 water", k_ph_fast, 0, reps);
    run("(p,h)->(T,rho) fast, region 2 steam", k_ph_fast, 1, reps);
    run("(p,h)->(T,rho) fast, two-phase", k_wet, 0, reps);
    run("(p,h)->(T,rho) exact, region 1 water", k_ph_exact, 0, reps);
    run("(p,h)->(T,rho) exact, region 2 steam", k_ph_exact, 1, reps);
    run("(p,h) fast + mu, lambda, steam", k_ph_transport, 1, reps);
    run("(p,T)->h, cp (dh_props_h_pT), water", k_hpT, 0, reps);
    run("(p,T)->h, cp (dh_props_h_pT), steam", k_hpT, 1, reps);
    run("(p,T)->all props, water", k_pT, 0, reps);
    run("(p,T)->all props, steam", k_pT, 1, reps);
    run("Tsat(p)", k_tsat, 0, reps);
    run("psat(T)", k_psat, 0, reps);
    return 0;
}
