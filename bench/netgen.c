/* netgen.c: synthetic radial and street-grid water networks for the steady benchmark.
 *
 * Exports dh_netgen_* (netgen.h, which documents the layouts and the sizing rules).
 * Callers: bench/netgen_main.c (the `netgen` command), bench/bench_steady.c, tests/bench.
 *
 * Everything is deterministic for a seed: one splitmix64 stream drives every random choice in
 * a fixed order, so the same options give byte-identical files on every platform that has
 * IEEE doubles and a correctly rounded libm for sin/log/exp/sqrt (glibc).
 */
#include "netgen.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_props.h"
#include "dh_units.h"

#define C0 273.15      /* K at 0 degC */
#define G_STD 9.80665  /* m/s2, standard gravity */
#define P_ATM 101325.0 /* Pa */
#define P_DESIGN 6e5   /* Pa absolute, where rho, mu and the enthalpy drop are taken */

/* Street geometry (m) */
#define RADIAL_DX 90.0  /* street spacing along a row (radial) */
#define RADIAL_DY 70.0  /* row spacing (radial) */
#define GRID_DX 110.0   /* block length (grid) */
#define GRID_DY 80.0    /* block depth (grid) */
#define JITTER 6.0      /* +- m on street node positions */

/* Demand: log-normal heat per consumer, W */
#define HEAT_MEDIAN 40e3
#define HEAT_SIGMA 0.9
#define HEAT_MIN 2e3
#define HEAT_MAX 2e6

#define SERVICES_PER_STREET_NODE 1.5 /* radial: mean consumers per street node */
#define GRID_SHARE_FACTOR 1.5        /* grid: uneven sharing of a level's flow among segments */
#define PATH_LOSS_MARGIN 1.3         /* plant head: design path loss x this */
#define MIN_DIFFERENTIAL 1.5e5       /* Pa: every node at least this above the return header */

#define INSULATION_THICKNESS 0.05     /* m, PUR foam */
#define INSULATION_CONDUCTIVITY 0.027 /* W/(m K), PUR foam (EN 253 ageing-corrected ~0.027-0.029) */
#define LAYING_DEPTH 1.0              /* m, ground surface to pipe axis (at least) */
#define MIN_COVER 0.6                 /* m, soil above the casing (EN 13941 minimum cover) */
#define SOIL_CONDUCTIVITY 1.5         /* W/(m K), moist soil */

/* EN 253 steel sizes offered to the sizing rule (diameters from dh_dn_lookup). */

/* Depth of a buried pipe's axis: the standard laying depth, or deeper so that a large pipe
 * keeps the minimum cover above its insulation. */
static double laying_depth(double outer_diameter)
{
    double d = 0.5 * outer_diameter + INSULATION_THICKNESS + MIN_COVER;
    return d > LAYING_DEPTH ? d : LAYING_DEPTH;
}

static const int DN_SIZES[] = {25, 32, 40, 50, 65, 80, 100, 125, 150, 200, 250, 300, 350,
                               400, 450, 500, 600, 700, 800, 900, 1000, 1200};
#define N_DN (sizeof DN_SIZES / sizeof DN_SIZES[0])

/* ---- random numbers: splitmix64 (Steele, Lea, Flood 2014) ----------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_u64(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) with 53 random bits */
static double rng_uniform(rng *r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

static double rng_range(rng *r, double lo, double hi) { return lo + (hi - lo) * rng_uniform(r); }

/* uniform integer in [0, n) (n > 0; modulo bias below 2^-40 for n < 2^24: irrelevant here) */
static size_t rng_index(rng *r, size_t n) { return (size_t)(rng_u64(r) % n); }

/* standard normal (Box-Muller, one of the pair) */
static double rng_normal(rng *r)
{
    double u1 = 1.0 - rng_uniform(r), u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* ---- options, lifecycle ----------------------------------------------------------------------- */

void dh_netgen_options_init(dh_netgen_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->layout = DH_NETGEN_RADIAL;
    opt->n_pipes = 1000;
    opt->seed = 1;
    opt->loop_fraction = 0.03;
    opt->n_sources = 0;
    opt->supply_temperature = C0 + 85.0;
    opt->return_temperature = C0 + 50.0;
    opt->return_pressure = 2.5e5;
    opt->roughness = 0.05e-3;
    opt->flow_units = DH_NETGEN_LPS;
}

void dh_netgen_destroy(dh_netgen **gp)
{
    if (!gp || !*gp) return;
    dh_netgen *g = *gp;
    free(g->x);
    free(g->y);
    free(g->z);
    free(g->heat);
    free(g->mass_flow);
    free(g->is_source);
    free(g->from);
    free(g->to);
    free(g->length);
    free(g->diameter);
    free(g->outer_diameter);
    free(g->source_node);
    free(g->source_pressure);
    free(g);
    *gp = NULL;
}

static int alloc_nodes(dh_netgen *g, size_t n)
{
    g->n_nodes = n;
    g->x = calloc(n, sizeof *g->x);
    g->y = calloc(n, sizeof *g->y);
    g->z = calloc(n, sizeof *g->z);
    g->heat = calloc(n, sizeof *g->heat);
    g->mass_flow = calloc(n, sizeof *g->mass_flow);
    g->is_source = calloc(n, sizeof *g->is_source);
    return g->x && g->y && g->z && g->heat && g->mass_flow && g->is_source;
}

static int alloc_pipes(dh_netgen *g, size_t n)
{
    g->n_pipes = n;
    g->from = calloc(n, sizeof *g->from);
    g->to = calloc(n, sizeof *g->to);
    g->length = calloc(n, sizeof *g->length);
    g->diameter = calloc(n, sizeof *g->diameter);
    g->outer_diameter = calloc(n, sizeof *g->outer_diameter);
    return g->from && g->to && g->length && g->diameter && g->outer_diameter;
}

static int alloc_sources(dh_netgen *g, size_t n)
{
    g->n_sources = n;
    g->source_node = calloc(n, sizeof *g->source_node);
    g->source_pressure = calloc(n, sizeof *g->source_pressure);
    return g->source_node && g->source_pressure;
}

/* ---- physics helpers ------------------------------------------------------------------------ */

/* Gentle terrain: two long sine waves (3 km and 2.3 km wavelengths, 8 m and 6 m amplitudes)
 * with seed-dependent phases; z in m above datum. */
typedef struct terrain {
    double phase_x, phase_y;
} terrain;

static double terrain_z(const terrain *t, double x, double y)
{
    return 100.0 + 8.0 * sin(2.0 * M_PI * x / 3000.0 + t->phase_x) +
           6.0 * sin(2.0 * M_PI * y / 2300.0 + t->phase_y);
}

static double draw_heat(rng *r)
{
    double q = HEAT_MEDIAN * exp(HEAT_SIGMA * rng_normal(r));
    return fmin(HEAT_MAX, fmax(HEAT_MIN, q));
}

/* v_max(d) = 0.6 + 3 d m/s, at most 2.5 m/s (d inner diameter, m) */
static double velocity_limit(double d) { return fmin(2.5, 0.6 + 3.0 * d); }

/* Smallest size from DN `dn_min` up whose velocity at volume flow q (m3/s) is within the limit;
 * beyond DN1200 the continuous diameter at 2.5 m/s (outer = inner + 2 x 1.2 %). */
static void size_pipe(double q, int dn_min, double *d_in, double *d_out)
{
    for (size_t i = 0; i < N_DN; i++) {
        if (DN_SIZES[i] < dn_min) continue;
        double di, dout;
        if (dh_dn_lookup(DN_SIZES[i], &di, &dout) != DH_OK) continue;
        double v = q / (0.25 * M_PI * di * di);
        if (v <= velocity_limit(di)) {
            *d_in = di;
            *d_out = dout;
            return;
        }
    }
    double di = sqrt(4.0 * q / (M_PI * 2.5));
    *d_in = di;
    *d_out = di * 1.024;
}

/* Darcy-Weisbach pressure drop (Pa) at volume flow q (m3/s) with the Swamee-Jain friction
 * factor (Swamee & Jain 1976, J. Hydraulics Div. ASCE 102(5), eq. 20):
 * f = 0.25 / log10(e / (3.7 D) + 5.74 / Re^0.9)^2; laminar 64 / Re below Re 2000. */
static double design_dp(double q, double d, double len, double e, double rho, double nu)
{
    double a = 0.25 * M_PI * d * d, v = fabs(q) / a;
    double re = v * d / nu;
    if (re < 1e-9) return 0.0;
    double f;
    if (re < 2000.0) {
        f = 64.0 / re;
    } else {
        double lg = log10(e / (3.7 * d) + 5.74 / pow(re, 0.9));
        f = 0.25 / (lg * lg);
    }
    return f * len / d * 0.5 * rho * v * v;
}

static double dist(const dh_netgen *g, size_t a, size_t b)
{
    return hypot(g->x[a] - g->x[b], g->y[a] - g->y[b]);
}

/* ---- graph helpers ------------------------------------------------------------------------- */

typedef struct adjacency {
    size_t *start; /* n_nodes + 1 */
    size_t *pipe;  /* 2 n_pipes */
} adjacency;

static void adjacency_free(adjacency *a)
{
    free(a->start);
    free(a->pipe);
    a->start = a->pipe = NULL;
}

static int adjacency_build(const dh_netgen *g, adjacency *a)
{
    size_t n = g->n_nodes;
    a->start = calloc(n + 1, sizeof *a->start);
    a->pipe = malloc((2 * g->n_pipes + 1) * sizeof *a->pipe);
    size_t *fill = calloc(n + 1, sizeof *fill);
    if (!a->start || !a->pipe || !fill) {
        free(fill);
        adjacency_free(a);
        return 0;
    }
    for (size_t k = 0; k < g->n_pipes; k++) {
        a->start[g->from[k] + 1]++;
        a->start[g->to[k] + 1]++;
    }
    for (size_t i = 0; i < n; i++) a->start[i + 1] += a->start[i];
    memcpy(fill, a->start, n * sizeof *fill);
    for (size_t k = 0; k < g->n_pipes; k++) {
        a->pipe[fill[g->from[k]]++] = k;
        a->pipe[fill[g->to[k]]++] = k;
    }
    free(fill);
    return 1;
}

/* Multi-source breadth-first search from the plants over the pipes with use[k] (all when use
 * is NULL). Fills order[0..reached-1] (BFS order), level[] (pipes from the nearest plant,
 * SIZE_MAX when unreached) and parent[] (the pipe towards the plant, SIZE_MAX for plants).
 * Returns the number of nodes reached. */
static size_t bfs(const dh_netgen *g, const adjacency *a, const bool *use, size_t *order,
                  size_t *level, size_t *parent)
{
    size_t n = g->n_nodes, head = 0, tail = 0;
    for (size_t i = 0; i < n; i++) level[i] = parent[i] = SIZE_MAX;
    for (size_t j = 0; j < g->n_sources; j++) {
        size_t s = g->source_node[j];
        if (level[s] != SIZE_MAX) continue;
        level[s] = 0;
        order[tail++] = s;
    }
    while (head < tail) {
        size_t u = order[head++];
        for (size_t t = a->start[u]; t < a->start[u + 1]; t++) {
            size_t k = a->pipe[t];
            if (use && !use[k]) continue;
            size_t v = g->from[k] == u ? g->to[k] : g->from[k];
            if (level[v] != SIZE_MAX) continue;
            level[v] = level[u] + 1;
            parent[v] = k;
            order[tail++] = v;
        }
    }
    return tail;
}

/* ---- the radial (fishbone) layout ------------------------------------------------------------ */

static dh_status gen_radial(dh_netgen *g, rng *r, const terrain *ter, dh_error *err)
{
    const size_t N = g->opt.n_pipes;
    size_t L = (size_t)llround(g->opt.loop_fraction * (double)N);
    size_t T = N - L;
    size_t G = (size_t)llround((double)T / (1.0 + SERVICES_PER_STREET_NODE));
    if (G < 2) G = 2;
    if (G > T + 1) G = T + 1;

    size_t gx = (size_t)ceil(sqrt((double)G)), gy = (G + gx - 1) / gx;
    size_t last_len = G - (gy - 1) * gx;
#define ROW_LEN(j) ((j) + 1 < gy ? gx : last_len)
    size_t rt = (gy - 1) / 2; /* trunk row: full (rt < gy - 1) unless there is one row */
    size_t cs = ROW_LEN(rt) / 2, src = rt * gx + cs;

    /* loop candidates: street segments (i,j)-(i+1,j) off the trunk row, left node id */
    size_t avail = 0;
    for (size_t j = 0; j < gy; j++)
        if (j != rt && ROW_LEN(j) > 1) avail += ROW_LEN(j) - 1;
    if (L > avail) L = avail; /* tiny networks: the rest become services */
    size_t S = N - L - (G - 1);

    if (!alloc_nodes(g, G + S) || !alloc_pipes(g, N) || !alloc_sources(g, 1))
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
    g->source_node[0] = src;
    g->is_source[src] = true;
    g->n_loops = L;

    /* street nodes */
    for (size_t k = 0; k < G; k++) {
        size_t i = k % gx, j = k / gx;
        g->x[k] = (double)i * RADIAL_DX + rng_range(r, -JITTER, JITTER);
        g->y[k] = (double)j * RADIAL_DY + rng_range(r, -JITTER, JITTER);
        g->z[k] = terrain_z(ter, g->x[k], g->y[k]) + rng_range(r, -0.3, 0.3);
    }
    /* tree street pipes, numbered in node order: the trunk along row rt towards the plant
     * column, the branches along the columns towards the trunk; from = parent side */
    size_t np = 0;
    for (size_t k = 0; k < G; k++) {
        if (k == src) continue;
        size_t i = k % gx, j = k / gx, p;
        if (j == rt) p = i < cs ? k + 1 : k - 1;
        else p = j < rt ? k + gx : k - gx;
        g->from[np] = p;
        g->to[np] = k;
        g->length[np] = dist(g, p, k) * rng_range(r, 1.0, 1.15);
        np++;
    }
    /* services: every street node but the plant gets one while they last, the rest go to
     * random street nodes; the building sits 8-30 m off the street */
    for (size_t s = 0; s < S; s++) {
        size_t k = s < G - 1 ? s : rng_index(r, G - 1);
        if (k >= src) k++; /* skip the plant */
        size_t b = G + s;
        double ang = rng_range(r, 0.0, 2.0 * M_PI), len = rng_range(r, 8.0, 30.0);
        g->x[b] = g->x[k] + len * cos(ang);
        g->y[b] = g->y[k] + len * sin(ang);
        g->z[b] = g->z[k] + rng_range(r, -0.5, 0.5);
        g->heat[b] = draw_heat(r);
        g->from[np] = k;
        g->to[np] = b;
        g->length[np] = len * 1.1 + 2.0;
        np++;
    }
    /* loop-closing segments between neighbouring branches (columns i and i+1) */
    if (L > 0) {
        unsigned char *used = calloc(G, 1);
        if (!used) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
        size_t placed = 0;
        while (placed < L) {
            size_t k = rng_index(r, G), i = k % gx, j = k / gx;
            if (j == rt || i + 1 >= ROW_LEN(j) || used[k]) continue;
            used[k] = 1;
            g->from[np] = k;
            g->to[np] = k + 1;
            g->length[np] = dist(g, k, k + 1) * rng_range(r, 1.0, 1.15);
            np++;
            placed++;
        }
        free(used);
    }
#undef ROW_LEN
    return np == N ? DH_OK
                   : dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                                  "netgen: radial made %zu pipes, not %zu", np, N);
}

/* ---- the street-grid layout ------------------------------------------------------------------ */

static dh_status gen_grid(dh_netgen *g, rng *r, const terrain *ter, dh_error *err)
{
    const size_t N = g->opt.n_pipes;
    size_t b = 1;
    while (2 * b * (b + 1) < N) b++;
    size_t m = b + 1, full = 2 * b * (b + 1), excess = full - N;
    /* removable: horizontal segments (i,j)-(i+1,j), i even, j odd, interior rows. No two share
     * a face, so removing any of them keeps the street graph connected. */
    size_t ni = (b + 1) / 2, nj = b / 2, avail = ni * nj;
    if (excess > avail)
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL,
                            "netgen: no street grid has exactly %zu pipes (try a few more)", N);
    int ns = g->opt.n_sources;
    if (ns <= 0) ns = N < 10000 ? 1 : N < 100000 ? 2 : 4;
    if (ns > 4) ns = 4;
    if (!alloc_nodes(g, m * m) || !alloc_pipes(g, N) || !alloc_sources(g, (size_t)ns))
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
    unsigned char *removed = calloc(m * m, 1); /* by left node of the horizontal segment */
    if (!removed) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
    for (size_t t = 0; t < excess; t++) {
        size_t c = (size_t)((double)t * (double)avail / (double)excess); /* spread evenly */
        size_t i = 2 * (c % ni), j = 1 + 2 * (c / ni);
        removed[j * m + i] = 1;
    }
    for (size_t k = 0; k < m * m; k++) {
        size_t i = k % m, j = k / m;
        g->x[k] = (double)i * GRID_DX + rng_range(r, -JITTER, JITTER);
        g->y[k] = (double)j * GRID_DY + rng_range(r, -JITTER, JITTER);
        g->z[k] = terrain_z(ter, g->x[k], g->y[k]) + rng_range(r, -0.3, 0.3);
    }
    const size_t corner[4] = {0, m * m - 1, b, b * m};
    for (int s = 0; s < ns; s++) {
        g->source_node[s] = corner[s];
        g->is_source[corner[s]] = true;
    }
    for (size_t k = 0; k < m * m; k++)
        if (!g->is_source[k]) g->heat[k] = draw_heat(r);
    size_t np = 0;
    for (size_t k = 0; k < m * m; k++) {
        size_t i = k % m, j = k / m;
        if (i + 1 < m && !removed[k]) {
            g->from[np] = k;
            g->to[np] = k + 1;
            g->length[np] = dist(g, k, k + 1) * rng_range(r, 1.0, 1.05);
            np++;
        }
        if (j + 1 < m) {
            g->from[np] = k;
            g->to[np] = k + m;
            g->length[np] = dist(g, k, k + m) * rng_range(r, 1.0, 1.05);
            np++;
        }
    }
    free(removed);
    g->n_loops = N - m * m + 1;
    return np == N ? DH_OK
                   : dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                                  "netgen: grid made %zu pipes, not %zu", np, N);
}

/* ---- sizing ---------------------------------------------------------------------------------- */

/* Design flows, diameters, pipe orientation (from the plant side) and the plants' head. */
static dh_status size_network(dh_netgen *g, dh_error *err)
{
    size_t n = g->n_nodes;
    adjacency a = {0};
    size_t *order = calloc(n ? n : 1, sizeof *order), *level = calloc(n ? n : 1, sizeof *level);
    size_t *parent = malloc(n * sizeof *parent);
    double *q = calloc(g->n_pipes, sizeof *q); /* design volume flow, m3/s */
    double *acc = calloc(n, sizeof *acc);
    double *loss = calloc(n, sizeof *loss); /* Pa, design path loss from the plant */
    bool *use = NULL;
    double *beyond = NULL;
    size_t *edges = NULL;
    dh_status st = DH_OK;
    if (!order || !level || !parent || !q || !acc || !loss || !adjacency_build(g, &a)) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
        goto done;
    }
    const double rho = g->rho_supply, nu = g->nu_supply, e = g->opt.roughness;

    if (g->opt.layout == DH_NETGEN_RADIAL) {
        /* tree = every pipe but the loop closers (the last n_loops pipes) */
        use = malloc(g->n_pipes * sizeof *use);
        if (!use) {
            st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
            goto done;
        }
        for (size_t k = 0; k < g->n_pipes; k++) use[k] = k < g->n_pipes - g->n_loops;
        size_t reached = bfs(g, &a, use, order, level, parent);
        if (reached != n) {
            st = dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL, "netgen: tree misses nodes");
            goto done;
        }
        for (size_t t = n; t-- > 0;) { /* leaves first: downstream demand */
            size_t v = order[t], k = parent[v];
            if (k == SIZE_MAX) continue; /* the plant */
            acc[v] += g->mass_flow[v];
            q[k] = acc[v] / rho;
            size_t u = g->from[k] == v ? g->to[k] : g->from[k];
            acc[u] += acc[v];
        }
        for (size_t k = 0; k < g->n_pipes - g->n_loops; k++)
            size_pipe(q[k], 25, &g->diameter[k], &g->outer_diameter[k]);
        /* loop closers: the smaller of the street pipes feeding their two ends */
        for (size_t k = g->n_pipes - g->n_loops; k < g->n_pipes; k++) {
            size_t pa = parent[g->from[k]], pb = parent[g->to[k]];
            size_t pick = pa == SIZE_MAX ? pb
                          : pb == SIZE_MAX ? pa
                          : g->diameter[pa] <= g->diameter[pb] ? pa : pb;
            g->diameter[k] = g->diameter[pick];
            g->outer_diameter[k] = g->outer_diameter[pick];
        }
    } else {
        size_t reached = bfs(g, &a, NULL, order, level, parent);
        if (reached != n) {
            st = dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL, "netgen: grid not connected");
            goto done;
        }
        size_t lmax = level[order[n - 1]];
        beyond = calloc(lmax + 2, sizeof *beyond);
        edges = calloc(lmax + 2, sizeof *edges);
        if (!beyond || !edges) {
            st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
            goto done;
        }
        /* beyond[k] = demand at levels > k; edges[k] = segments from level k to k + 1 */
        for (size_t i = 0; i < n; i++) beyond[level[i]] += g->mass_flow[i]; /* at level */
        for (size_t l = lmax + 1; l-- > 0;) beyond[l] = beyond[l + 1] + beyond[l];  /* >= l */
        for (size_t l = 0; l <= lmax; l++) beyond[l] = beyond[l + 1];               /* > l */
        for (size_t k = 0; k < g->n_pipes; k++) {
            size_t la = level[g->from[k]], lb = level[g->to[k]];
            if (la != lb) edges[la < lb ? la : lb]++;
        }
        for (size_t k = 0; k < g->n_pipes; k++) {
            size_t la = level[g->from[k]], lb = level[g->to[k]], l = la < lb ? la : lb;
            double m = GRID_SHARE_FACTOR * beyond[l] / (double)(edges[l] ? edges[l] : 1);
            m = fmax(m, fmax(g->mass_flow[g->from[k]], g->mass_flow[g->to[k]]));
            q[k] = m / rho;
            size_pipe(q[k], 50, &g->diameter[k], &g->outer_diameter[k]);
        }
    }

    /* orient the BFS-tree pipes from the plant side (positive design flow from -> to) */
    for (size_t t = 0; t < n; t++) {
        size_t v = order[t], k = parent[v];
        if (k == SIZE_MAX) continue; /* a plant */
        if (g->to[k] != v) {
            g->from[k] = g->to[k];
            g->to[k] = v;
        }
    }
    /* plant head: the worst node's design path loss x margin + the minimum differential */
    double need = -INFINITY;
    for (size_t t = 0; t < n; t++) {
        size_t v = order[t];
        if (parent[v] != SIZE_MAX) {
            size_t k = parent[v], u = g->from[k];
            loss[v] = loss[u] + design_dp(q[k], g->diameter[k], g->length[k], e, rho, nu);
        }
        double h = g->z[v] + PATH_LOSS_MARGIN * loss[v] / (rho * G_STD);
        if (h > need) need = h;
    }
    g->head = need + (g->opt.return_pressure + MIN_DIFFERENTIAL - P_ATM) / (rho * G_STD);
    for (size_t j = 0; j < g->n_sources; j++)
        g->source_pressure[j] = P_ATM + rho * G_STD * (g->head - g->z[g->source_node[j]]);

done:
    adjacency_free(&a);
    free(order);
    free(level);
    free(parent);
    free(q);
    free(acc);
    free(loss);
    free(use);
    free(beyond);
    free(edges);
    return st;
}

dh_status dh_netgen_create(const dh_netgen_options *opt, dh_netgen **out, dh_error *err)
{
    *out = NULL;
    if (!opt || opt->n_pipes < 4)
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL, "netgen: at least 4 pipes");
    if (!(opt->loop_fraction >= 0 && opt->loop_fraction < 0.5))
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL,
                            "netgen: loop fraction %g outside [0, 0.5)", opt->loop_fraction);
    if (!(opt->return_temperature < opt->supply_temperature) || opt->return_temperature <= C0 ||
        opt->supply_temperature >= C0 + 150.0)
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL,
                            "netgen: need 0 degC < T_return < T_supply < 150 degC");
    dh_netgen *g = calloc(1, sizeof *g);
    if (!g) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "netgen: out of memory");
    g->opt = *opt;

    /* water at the design state (IAPWS-IF97, IAPWS 2008 viscosity) */
    dh_props ps, pr;
    dh_status st = dh_props_pT(P_DESIGN, opt->supply_temperature, &ps, err);
    if (st == DH_OK) st = dh_props_pT(P_DESIGN, opt->return_temperature, &pr, err);
    if (st != DH_OK) {
        dh_netgen_destroy(&g);
        return st;
    }
    g->rho_supply = ps.rho;
    g->nu_supply = ps.mu / ps.rho;
    const double dh = ps.h - pr.h; /* J/kg drawn per kg by a consumer */

    rng r = {opt->seed * 0x2545f4914f6cdd1dULL + 0x1234567ULL};
    terrain ter = {rng_range(&r, 0, 2 * M_PI), rng_range(&r, 0, 2 * M_PI)};
    st = opt->layout == DH_NETGEN_GRID ? gen_grid(g, &r, &ter, err)
                                       : gen_radial(g, &r, &ter, err);
    if (st != DH_OK) {
        dh_netgen_destroy(&g);
        return st;
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (g->heat[i] <= 0) continue;
        g->mass_flow[i] = g->heat[i] / dh;
        g->n_consumers++;
        g->total_heat += g->heat[i];
        g->total_mass_flow += g->mass_flow[i];
    }
    g->n_headers = opt->consumers_per_header
                       ? (g->n_consumers + opt->consumers_per_header - 1) / opt->consumers_per_header
                       : 1;
    if (g->n_headers == 0) g->n_headers = 1;
    st = size_network(g, err);
    if (st != DH_OK) {
        dh_netgen_destroy(&g);
        return st;
    }
    *out = g;
    return DH_OK;
}

/* ---- dhsim network ---------------------------------------------------------------------------- */

void dh_netgen_study(dh_study *study)
{
    memset(study, 0, sizeof *study);
    study->type = DH_STUDY_STEADY;
    study->friction = DH_FRICTION_SWAMEE_JAIN;
}

/* return header of the c-th consumer (in node order) */
static size_t header_of(const dh_netgen *g, size_t c)
{
    return g->opt.consumers_per_header ? c / g->opt.consumers_per_header : 0;
}

static double return_header_z(const dh_netgen *g)
{
    double z = INFINITY;
    for (size_t i = 0; i < g->n_nodes; i++) z = fmin(z, g->z[i]);
    return z;
}

dh_status dh_netgen_build(const dh_netgen *g, dh_network **out, dh_error *err)
{
    *out = NULL;
    dh_netbuild *b = NULL;
    dh_status st = dh_netbuild_create(&b, err);
    if (st != DH_OK) return st;
    char id[32], from[32], to[32];
    dh_netbuild_set_name(b, g->opt.layout == DH_NETGEN_GRID ? "netgen street grid"
                                                             : "netgen radial");
    dh_ambient amb = {.air_temperature = C0, .soil_temperature = C0 + 8.0,
                      .atmospheric_pressure = P_ATM, .wind_speed = 3.0};
    dh_netbuild_set_ambient(b, &amb);

    for (size_t i = 0; i < g->n_nodes && st == DH_OK; i++) {
        snprintf(id, sizeof id, "N%zu", i);
        dh_node_spec ns = {.id = id, .x = g->x[i], .y = g->y[i], .z = g->z[i]};
        st = dh_netbuild_add_node(b, &ns, err);
    }
    double zr = return_header_z(g);
    char id2[32];
    for (size_t h = 0; h < g->n_headers && st == DH_OK; h++) {
        snprintf(id, sizeof id, "RH%zu", h);
        snprintf(id2, sizeof id2, "RHX%zu", h);
        dh_node_spec rh = {.id = id, .x = g->x[g->source_node[0]] + 20.0 * (double)h,
                           .y = g->y[g->source_node[0]] - 5.0, .z = zr};
        dh_node_spec rhx = {.id = id2, .x = rh.x, .y = rh.y - 10.0, .z = zr};
        st = dh_netbuild_add_node(b, &rh, err);
        if (st == DH_OK) st = dh_netbuild_add_node(b, &rhx, err);
    }

    const dh_insulation_layer ins = {INSULATION_THICKNESS, INSULATION_CONDUCTIVITY};
    dh_pipe_spec ps;
    for (size_t k = 0; k < g->n_pipes && st == DH_OK; k++) {
        dh_pipe_spec_init(&ps);
        snprintf(id, sizeof id, "P%zu", k);
        snprintf(from, sizeof from, "N%zu", g->from[k]);
        snprintf(to, sizeof to, "N%zu", g->to[k]);
        ps.id = id;
        ps.from = from;
        ps.to = to;
        ps.length = g->length[k];
        ps.diameter = g->diameter[k];
        ps.outer_diameter = g->outer_diameter[k];
        ps.roughness = g->opt.roughness;
        ps.laying = DH_LAYING_BURIED;
        ps.depth = laying_depth(ps.outer_diameter);
        ps.soil_conductivity = SOIL_CONDUCTIVITY;
        ps.ins = &ins;
        ps.n_ins = 1;
        st = dh_netbuild_add_pipe(b, &ps, err);
    }
    for (size_t h = 0; h < g->n_headers && st == DH_OK; h++) {
        /* stub that makes the header part of a hydraulic network */
        dh_pipe_spec_init(&ps);
        snprintf(id, sizeof id, "PRH%zu", h);
        snprintf(from, sizeof from, "RH%zu", h);
        snprintf(to, sizeof to, "RHX%zu", h);
        ps.id = id;
        ps.from = from;
        ps.to = to;
        ps.length = 10.0;
        dh_dn_lookup(100, &ps.diameter, &ps.outer_diameter);
        ps.roughness = g->opt.roughness;
        ps.laying = DH_LAYING_BURIED;
        ps.depth = LAYING_DEPTH;
        ps.soil_conductivity = SOIL_CONDUCTIVITY;
        ps.ins = &ins;
        ps.n_ins = 1;
        st = dh_netbuild_add_pipe(b, &ps, err);
    }
    dh_source_spec ss;
    for (size_t j = 0; j < g->n_sources && st == DH_OK; j++) {
        dh_source_spec_init(&ss);
        snprintf(id, sizeof id, "PLANT%zu", j);
        snprintf(from, sizeof from, "N%zu", g->source_node[j]);
        ss.id = id;
        ss.node = from;
        ss.type = DH_SOURCE_FIXED_PRESSURE;
        ss.medium = DH_MEDIUM_WATER;
        ss.pressure = g->source_pressure[j];
        ss.temperature = g->opt.supply_temperature;
        st = dh_netbuild_add_source(b, &ss, err);
    }
    for (size_t h = 0; h < g->n_headers && st == DH_OK; h++) {
        dh_source_spec_init(&ss);
        snprintf(id, sizeof id, "RET%zu", h);
        snprintf(from, sizeof from, "RH%zu", h);
        ss.id = id;
        ss.node = from;
        ss.type = DH_SOURCE_FIXED_PRESSURE;
        ss.medium = DH_MEDIUM_WATER;
        ss.pressure = g->opt.return_pressure;
        ss.temperature = g->opt.return_temperature;
        st = dh_netbuild_add_source(b, &ss, err);
    }
    dh_consumer_spec cs;
    size_t ci = 0;
    for (size_t i = 0; i < g->n_nodes && st == DH_OK; i++) {
        if (g->heat[i] <= 0) continue;
        snprintf(id2, sizeof id2, "RH%zu", header_of(g, ci++));
        dh_consumer_spec_init(&cs);
        snprintf(id, sizeof id, "C%zu", i);
        snprintf(from, sizeof from, "N%zu", i);
        cs.id = id;
        cs.group = "residential";
        cs.node = from;
        cs.return_node = id2;
        cs.type = DH_CONSUMER_HEAT;
        cs.demand_heat = g->heat[i];
        cs.supply_temperature = g->opt.supply_temperature;
        cs.return_temperature = g->opt.return_temperature;
        st = dh_netbuild_add_consumer(b, &cs, err);
    }
    if (st == DH_OK) {
        dh_diag diag;
        dh_diag_init(&diag, 10);
        st = dh_netbuild_finish(b, out, &diag);
        if (st != DH_OK && err) {
            if (diag.count) *err = diag.items[0];
            else dh_error_set(err, st, NULL, NULL, "netgen: the builder refused the network");
        }
        dh_diag_free(&diag);
    }
    dh_netbuild_destroy(&b);
    return st;
}

/* ---- EPANET .inp -------------------------------------------------------------------------- */

dh_status dh_netgen_write_inp(const dh_netgen *g, FILE *f, dh_error *err)
{
    const double rho = g->rho_supply;
    const bool cmh = g->opt.flow_units == DH_NETGEN_CMH;
    const double qscale = cmh ? 3600.0 : 1000.0; /* m3/s -> CMH or LPS */
    fprintf(f, "[TITLE]\ndhsim bench/netgen: %s, %zu pipes, seed %llu\n"
               "supply network at %.1f degC; demands = design mass flow / rho\n\n",
            g->opt.layout == DH_NETGEN_GRID ? "street grid" : "radial (nearly)", g->n_pipes,
            (unsigned long long)g->opt.seed, g->opt.supply_temperature - C0);
    fprintf(f, "[JUNCTIONS]\n;ID\tElev(m)\tDemand(%s)\n", cmh ? "CMH" : "LPS");
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (g->is_source[i]) continue;
        fprintf(f, "N%zu\t%.3f\t%.6g\n", i, g->z[i], g->mass_flow[i] / rho * qscale);
    }
    fprintf(f, "\n[RESERVOIRS]\n;ID\tHead(m)\n");
    for (size_t j = 0; j < g->n_sources; j++) fprintf(f, "N%zu\t%.4f\n", g->source_node[j], g->head);
    fprintf(f, "\n[PIPES]\n;ID\tNode1\tNode2\tLength(m)\tDiameter(mm)\tRoughness(mm)\tMinorLoss\tStatus\n");
    for (size_t k = 0; k < g->n_pipes; k++)
        fprintf(f, "P%zu\tN%zu\tN%zu\t%.3f\t%.2f\t%.4g\t0\tOpen\n", k, g->from[k], g->to[k],
                g->length[k], g->diameter[k] * 1e3, g->opt.roughness * 1e3);
    /* EPANET's VISCOSITY is relative to 1.1e-5 ft2/s = 1.022e-6 m2/s (EPANET 2.2 manual,
     * [OPTIONS], and VISCOS in text.h) */
    fprintf(f, "\n[OPTIONS]\nUNITS\t%s\nHEADLOSS\tD-W\nSPECIFIC GRAVITY\t%.5f\nVISCOSITY\t%.5f\n"
               "TRIALS\t200\nACCURACY\t0.001\nUNBALANCED\tCONTINUE 10\nQUALITY\tNONE\n",
            cmh ? "CMH" : "LPS", rho / 998.2, g->nu_supply / (1.1e-5 * 0.3048 * 0.3048));
    fprintf(f, "\n[TIMES]\nDURATION\t0\n\n[REPORT]\nSTATUS\tNO\nSUMMARY\tNO\nPAGE\t0\n");
    fprintf(f, "\n[COORDINATES]\n;Node\tX(m)\tY(m)\n");
    for (size_t i = 0; i < g->n_nodes; i++) fprintf(f, "N%zu\t%.2f\t%.2f\n", i, g->x[i], g->y[i]);
    fprintf(f, "\n[END]\n");
    if (fflush(f) != 0 || ferror(f))
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "netgen: writing the .inp: %s",
                            strerror(errno));
    return DH_OK;
}

/* ---- dhsim case ----------------------------------------------------------------------------- */

/* "dir/stem.yaml" -> "dir/stem<suffix>" and the bare "stem<suffix>" for the YAML to cite */
static void sibling(const char *yaml, const char *suffix, char *path, size_t size, char *base,
                    size_t bsize)
{
    const char *slash = strrchr(yaml, '/');
    const char *name = slash ? slash + 1 : yaml;
    const char *dot = strrchr(name, '.');
    size_t stem = dot ? (size_t)(dot - yaml) : strlen(yaml);
    snprintf(path, size, "%.*s%s", (int)stem, yaml, suffix);
    snprintf(base, bsize, "%.*s%s", (int)(yaml + stem - name), name, suffix);
}

static dh_status close_checked(FILE *f, const char *path, dh_error *err)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "netgen: writing %s failed", path);
    return DH_OK;
}

dh_status dh_netgen_write_case(const dh_netgen *g, const char *yaml_path, dh_error *err)
{
    char npath[4096], nbase[1024], ppath[4096], pbase[1024];
    sibling(yaml_path, "_nodes.csv", npath, sizeof npath, nbase, sizeof nbase);
    sibling(yaml_path, "_pipes.csv", ppath, sizeof ppath, pbase, sizeof pbase);
    double zr = return_header_z(g);
    size_t s0 = g->source_node[0];

    FILE *f = fopen(npath, "w");
    if (!f) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "netgen: %s: %s", npath, strerror(errno));
    fprintf(f, "id,x [m],y [m],z [m]\n");
    for (size_t i = 0; i < g->n_nodes; i++)
        fprintf(f, "N%zu,%.2f,%.2f,%.3f\n", i, g->x[i], g->y[i], g->z[i]);
    for (size_t h = 0; h < g->n_headers; h++)
        fprintf(f, "RH%zu,%.2f,%.2f,%.3f\nRHX%zu,%.2f,%.2f,%.3f\n", h,
                g->x[s0] + 20.0 * (double)h, g->y[s0] - 5.0, zr, h, g->x[s0] + 20.0 * (double)h,
                g->y[s0] - 15.0, zr);
    dh_status st = close_checked(f, npath, err);
    if (st != DH_OK) return st;

    f = fopen(ppath, "w");
    if (!f) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "netgen: %s: %s", ppath, strerror(errno));
    fprintf(f, "id,from,to,length [m],diameter [mm],outer_diameter [mm],laying.type,"
               "laying.depth [m]\n");
    for (size_t k = 0; k < g->n_pipes; k++)
        fprintf(f, "P%zu,N%zu,N%zu,%.3f,%.2f,%.2f,buried,%.3f\n", k, g->from[k], g->to[k],
                g->length[k], g->diameter[k] * 1e3, g->outer_diameter[k] * 1e3,
                laying_depth(g->outer_diameter[k]));
    double d100, o100;
    dh_dn_lookup(100, &d100, &o100);
    for (size_t h = 0; h < g->n_headers; h++)
        fprintf(f, "PRH%zu,RH%zu,RHX%zu,10,%.2f,%.2f,buried,%.3f\n", h, h, h, d100 * 1e3,
                o100 * 1e3, laying_depth(o100));
    st = close_checked(f, ppath, err);
    if (st != DH_OK) return st;

    f = fopen(yaml_path, "w");
    if (!f)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "netgen: %s: %s", yaml_path, strerror(errno));
    fprintf(f,
            "# Generated by bench/netgen (dhsim's steady benchmark; see bench/README.md).\n"
            "# %s, %zu pipes, seed %llu: a supply network whose consumers return to headers\n"
            "# RH<h> held by sources RET<h> (stub pipes PRH<h> make each part of a hydraulic\n"
            "# network).\n"
            "dhsim: 1\nname: netgen %s %zu\n"
            "ambient: {air: 0 degC, soil: 8 degC, atmospheric_pressure: 101.325 kPa, wind: 3 m/s}\n"
            "study: {type: steady, friction: swamee_jain}\n"
            "defaults:\n  pipe:\n    roughness: %.6g mm\n"
            "    insulation: [{thickness: %g mm, conductivity: %g W/(m K)}]\n"
            "    laying: {type: buried, depth: %g m, soil_conductivity: %g W/(m K)}\n"
            "  consumer: {type: heat, group: residential, supply_temperature: %.6g degC,\n"
            "             return_temperature: %.6g degC}\n"
            "nodes: {csv: %s}\npipes: {csv: %s}\nsources:\n",
            g->opt.layout == DH_NETGEN_GRID ? "street grid" : "nearly radial", g->n_pipes,
            (unsigned long long)g->opt.seed, g->opt.layout == DH_NETGEN_GRID ? "grid" : "radial",
            g->n_pipes, g->opt.roughness * 1e3, INSULATION_THICKNESS * 1e3,
            INSULATION_CONDUCTIVITY, LAYING_DEPTH, SOIL_CONDUCTIVITY,
            g->opt.supply_temperature - C0, g->opt.return_temperature - C0, nbase, pbase);
    for (size_t j = 0; j < g->n_sources; j++)
        fprintf(f,
                "  - {id: PLANT%zu, node: N%zu, type: fixed_pressure, medium: water, "
                "pressure: %.1f Pa, temperature: %.6g degC}\n",
                j, g->source_node[j], g->source_pressure[j], g->opt.supply_temperature - C0);
    for (size_t h = 0; h < g->n_headers; h++)
        fprintf(f,
                "  - {id: RET%zu, node: RH%zu, type: fixed_pressure, medium: water, "
                "pressure: %.1f Pa, temperature: %.6g degC}\n",
                h, h, g->opt.return_pressure, g->opt.return_temperature - C0);
    fprintf(f, "consumers:\n");
    for (size_t i = 0, c = 0; i < g->n_nodes; i++)
        if (g->heat[i] > 0)
            fprintf(f, "  - {id: C%zu, node: N%zu, return_node: RH%zu, demand: %.1f W}\n", i, i,
                    header_of(g, c++), g->heat[i]);
    return close_checked(f, yaml_path, err);
}
