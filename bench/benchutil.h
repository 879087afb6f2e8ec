/* benchutil.h: wall clock and resident-memory probes for the bench/ programs (header only).
 *
 * bench_now(): monotonic seconds. bench_cpu(): CPU seconds of the process (user + system;
 * robust against other load on the machine, the wall clock is not). bench_peak_rss(): peak resident set size of this process in
 * bytes (VmHWM from /proc/self/status; getrusage ru_maxrss as a fallback). bench_rss(): current
 * resident set (VmRSS). bench_reset_peak(): resets VmHWM to the current RSS (writes "5" to
 * /proc/self/clear_refs, Linux >= 4.0, see proc(5)) so that a later bench_peak_rss() measures one
 * phase only; returns 0 when the kernel refused (the peak then covers the whole run).
 * Callers: bench/netgen_main.c, bench/bench_steady.c.
 */
#ifndef DH_BENCHUTIL_H
#define DH_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* a "Name:   1234 kB" line of /proc/self/status in bytes, or -1 */
static inline long bench_status_kb(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    size_t n = strlen(name);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, name, n) && line[n] == ':') {
            sscanf(line + n + 1, "%ld", &kb);
            break;
        }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static inline long bench_peak_rss(void)
{
    long b = bench_status_kb("VmHWM");
    if (b >= 0) return b;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss * 1024L; /* kB on Linux */
}

static inline long bench_rss(void) { return bench_status_kb("VmRSS"); }

static inline int bench_reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return 0;
    int ok = fputs("5", f) >= 0;
    if (fclose(f) != 0) ok = 0;
    return ok;
}

/* median of x[0..n-1] (sorts x) */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double bench_median(double *x, size_t n)
{
    if (n == 0) return 0.0;
    qsort(x, n, sizeof *x, bench_cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

#endif /* DH_BENCHUTIL_H */
