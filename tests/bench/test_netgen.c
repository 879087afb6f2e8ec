/* test_netgen.c: invariants of the benchmark network generator (bench/netgen.c).
 *
 * For small radial and street-grid networks: the exact pipe count, one connected component,
 * every node reachable from a plant, the loop count, consumers (radial: leaves; grid: every
 * node but the plants), the total demand against an independent enthalpy drop, determinism by
 * seed, the .inp sections counted line by line as EPANET's reader sees them (and the demand
 * they carry), the dh_network built from it, the dhsim case read back through the case reader,
 * and, when `dhsim import epanet` exists (env DHSIM), the .inp imported back with equal counts.
 * A steady solve of a small generated network checks that the sizing leaves it feasible.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dh_case.h"
#include "dh_solver.h"
#include "dh_validate.h"
#include "netgen.h"

static dh_netgen *make(dh_netgen_layout layout, size_t n, uint64_t seed)
{
    dh_netgen_options o;
    dh_netgen_options_init(&o);
    o.layout = layout;
    o.n_pipes = n;
    o.seed = seed;
    dh_netgen *g = NULL;
    dh_error err;
    dh_status st = dh_netgen_create(&o, &g, &err);
    if (st != DH_OK) dh_error_print(&err, stderr);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(g);
    return g;
}

/* union-find */
static size_t uf_find(size_t *p, size_t i)
{
    while (p[i] != i) i = p[i] = p[p[i]];
    return i;
}

static size_t components(const dh_netgen *g)
{
    size_t *p = malloc(g->n_nodes * sizeof *p), n = g->n_nodes;
    for (size_t i = 0; i < n; i++) p[i] = i;
    for (size_t k = 0; k < g->n_pipes; k++) {
        size_t a = uf_find(p, g->from[k]), b = uf_find(p, g->to[k]);
        if (a != b) {
            p[a] = b;
            n--;
        }
    }
    free(p);
    return n;
}

/* nodes reached from the plants by breadth-first search over the pipes */
static size_t reached_from_plants(const dh_netgen *g)
{
    size_t n = g->n_nodes, *start = calloc(n + 1, sizeof *start);
    size_t *adj = malloc(2 * g->n_pipes * sizeof *adj), *fill = malloc(n * sizeof *fill);
    size_t *queue = malloc(n * sizeof *queue), head = 0, tail = 0;
    char *seen = calloc(n, 1);
    for (size_t k = 0; k < g->n_pipes; k++) {
        start[g->from[k] + 1]++;
        start[g->to[k] + 1]++;
    }
    for (size_t i = 0; i < n; i++) start[i + 1] += start[i];
    memcpy(fill, start, n * sizeof *fill);
    for (size_t k = 0; k < g->n_pipes; k++) {
        adj[fill[g->from[k]]++] = g->to[k];
        adj[fill[g->to[k]]++] = g->from[k];
    }
    for (size_t j = 0; j < g->n_sources; j++) {
        size_t s = g->source_node[j];
        ck_assert(g->is_source[s]);
        if (!seen[s]) {
            seen[s] = 1;
            queue[tail++] = s;
        }
    }
    while (head < tail) {
        size_t u = queue[head++];
        for (size_t t = start[u]; t < start[u + 1]; t++)
            if (!seen[adj[t]]) {
                seen[adj[t]] = 1;
                queue[tail++] = adj[t];
            }
    }
    free(start);
    free(adj);
    free(fill);
    free(queue);
    free(seen);
    return tail;
}

static void common_invariants(const dh_netgen *g, size_t n_pipes)
{
    ck_assert_uint_eq(g->n_pipes, n_pipes);
    ck_assert_uint_eq(components(g), 1);
    ck_assert_uint_eq(reached_from_plants(g), g->n_nodes);
    /* independent loops of a connected graph: pipes - nodes + 1 */
    ck_assert_uint_eq(g->n_pipes - g->n_nodes + 1, g->n_loops);
    size_t nc = 0;
    double q = 0, m = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (g->heat[i] > 0) nc++;
        q += g->heat[i];
        m += g->mass_flow[i];
        ck_assert(!(g->is_source[i] && g->heat[i] > 0));
        /* clipping of the log-normal demand: 2 kW .. 2 MW (netgen.h) */
        if (g->heat[i] > 0) ck_assert(g->heat[i] >= 2e3 && g->heat[i] <= 2e6);
    }
    ck_assert_uint_eq(nc, g->n_consumers);
    ck_assert_double_eq_tol(q, g->total_heat, 1e-9 * q);
    ck_assert_double_eq_tol(m, g->total_mass_flow, 1e-9 * m);
    /* Design mass flow = Q / (h(85 degC) - h(50 degC)). Independent check: the mean isobaric
     * heat capacity of liquid water over 50..85 degC is 4.190 kJ/(kg K) (IAPWS-95 tables,
     * cp = 4.181 at 50 degC, 4.184 at 60, 4.191 at 70, 4.196 at 80, 4.201 kJ/(kg K) at
     * 85 degC, near 0.1-0.6 MPa), so dh = 4.190 x 35 = 146.65 kJ/kg; the spread of cp over the
     * range (0.5 %) bounds the error of that mean to 0.3 %. */
    ck_assert_double_eq_tol(q / m, 146.65e3, 0.003 * 146.65e3);
    /* pipes: positive length, a plausible inner diameter (DN25 .. continuous above DN1200) */
    for (size_t k = 0; k < g->n_pipes; k++) {
        ck_assert(g->length[k] > 1.0 && g->length[k] < 500.0);
        ck_assert(g->diameter[k] >= 0.028 && g->diameter[k] < 20.0);
        ck_assert(g->outer_diameter[k] > g->diameter[k]);
        ck_assert(g->from[k] != g->to[k]);
    }
    /* every plant holds the same head; pressures absolute and above the return header */
    for (size_t j = 0; j < g->n_sources; j++) {
        double p = g->source_pressure[j], z = g->z[g->source_node[j]];
        ck_assert(p > g->opt.return_pressure);
        ck_assert_double_eq_tol(z + (p - 101325.0) / (g->rho_supply * 9.80665), g->head, 1e-6);
    }
    /* water at 85 degC, IAPWS-IF97 rho = 968.6 kg/m3 (IAPWS-95 table: 968.61 at 0.1 MPa;
     * compressibility adds 0.02 % at 0.6 MPa): 0.05 % */
    ck_assert_double_eq_tol(g->rho_supply, 968.7, 0.5);
}

START_TEST(radial_invariants)
{
    const size_t sizes[] = {100, 1000, 5000};
    for (size_t t = 0; t < 3; t++) {
        dh_netgen *g = make(DH_NETGEN_RADIAL, sizes[t], 7);
        common_invariants(g, sizes[t]);
        ck_assert_uint_eq(g->n_sources, 1);
        /* 3 % loop closers (netgen.h default): round(0.03 N) */
        ck_assert_uint_eq(g->n_loops, (size_t)llround(0.03 * (double)sizes[t]));
        /* consumers are the buildings: leaves of degree 1 */
        size_t *deg = calloc(g->n_nodes, sizeof *deg);
        for (size_t k = 0; k < g->n_pipes; k++) {
            deg[g->from[k]]++;
            deg[g->to[k]]++;
        }
        for (size_t i = 0; i < g->n_nodes; i++)
            if (g->heat[i] > 0) ck_assert_uint_eq(deg[i], 1);
        free(deg);
        dh_netgen_destroy(&g);
        ck_assert_ptr_null(g);
    }
}
END_TEST

START_TEST(grid_invariants)
{
    const size_t sizes[] = {112, 1000, 20000};
    const size_t plants[] = {1, 1, 2}; /* default: 1 below 10^4 pipes, 2 below 10^5 */
    for (size_t t = 0; t < 3; t++) {
        dh_netgen *g = make(DH_NETGEN_GRID, sizes[t], 3);
        common_invariants(g, sizes[t]);
        ck_assert_uint_eq(g->n_sources, plants[t]);
        ck_assert_uint_eq(g->n_consumers, g->n_nodes - g->n_sources);
        /* a square grid: (b + 1)^2 nodes with 2 b (b + 1) >= N > 2 (b - 1) b */
        size_t m = (size_t)llround(sqrt((double)g->n_nodes)), b = m - 1;
        ck_assert_uint_eq(m * m, g->n_nodes);
        ck_assert(2 * b * (b + 1) >= sizes[t] && 2 * (b - 1) * b < sizes[t]);
        dh_netgen_destroy(&g);
    }
    /* a size no square grid can reach exactly is refused, not approximated */
    dh_netgen_options o;
    dh_netgen_options_init(&o);
    o.layout = DH_NETGEN_GRID;
    o.n_pipes = 5;
    dh_netgen *g = NULL;
    dh_error err;
    ck_assert_int_eq(dh_netgen_create(&o, &g, &err), DH_ERR_USAGE);
    ck_assert_ptr_null(g);
}
END_TEST

START_TEST(deterministic_by_seed)
{
    for (int layout = 0; layout < 2; layout++) {
        dh_netgen *a = make((dh_netgen_layout)layout, 2000, 11);
        dh_netgen *b = make((dh_netgen_layout)layout, 2000, 11);
        dh_netgen *c = make((dh_netgen_layout)layout, 2000, 12);
        ck_assert_uint_eq(a->n_nodes, b->n_nodes);
        ck_assert(!memcmp(a->x, b->x, a->n_nodes * sizeof *a->x));
        ck_assert(!memcmp(a->heat, b->heat, a->n_nodes * sizeof *a->heat));
        ck_assert(!memcmp(a->from, b->from, a->n_pipes * sizeof *a->from));
        ck_assert(!memcmp(a->diameter, b->diameter, a->n_pipes * sizeof *a->diameter));
        ck_assert(a->total_heat != c->total_heat);
        dh_netgen_destroy(&a);
        dh_netgen_destroy(&b);
        dh_netgen_destroy(&c);
    }
}
END_TEST

/* Counts the data lines of each .inp section as EPANET's reader does (blank lines and ';'
 * comments skipped) and checks ids and demands. */
static void check_inp(const dh_netgen *g, const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[512], section[64] = "";
    size_t junctions = 0, reservoirs = 0, pipes = 0, coords = 0;
    double demand = 0;
    int dw = 0, end = 0;
    char *known = calloc(g->n_nodes, 1);
    while (fgets(line, sizeof line, f)) {
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '\n' || *s == '\0' || *s == ';') continue;
        if (*s == '[') {
            sscanf(s, "[%63[^]]", section);
            if (!strcmp(section, "END")) end = 1;
            continue;
        }
        size_t id = 0, a = 0, b = 0;
        double elev = 0, dem = 0, len = 0, dia = 0, rough = 0;
        if (!strcmp(section, "JUNCTIONS")) {
            ck_assert_int_eq(sscanf(s, "N%zu %lf %lf", &id, &elev, &dem), 3);
            ck_assert(id < g->n_nodes && !g->is_source[id] && !known[id]);
            known[id] = 1;
            demand += dem;
            junctions++;
        } else if (!strcmp(section, "RESERVOIRS")) {
            ck_assert_int_eq(sscanf(s, "N%zu %lf", &id, &elev), 2);
            ck_assert(id < g->n_nodes && g->is_source[id] && !known[id]);
            known[id] = 1;
            ck_assert_double_eq_tol(elev, g->head, 1e-3);
            reservoirs++;
        } else if (!strcmp(section, "PIPES")) {
            ck_assert_int_eq(sscanf(s, "P%zu N%zu N%zu %lf %lf %lf", &id, &a, &b, &len, &dia,
                                    &rough), 6);
            ck_assert(known[a] && known[b]); /* nodes come before pipes in the file */
            ck_assert_double_eq_tol(dia, g->diameter[id] * 1e3, 0.006);
            ck_assert_double_eq_tol(rough, 0.05, 1e-9); /* mm */
            pipes++;
        } else if (!strcmp(section, "COORDINATES")) {
            coords++;
        } else if (!strcmp(section, "OPTIONS")) {
            if (!strncmp(s, "HEADLOSS", 8) && strstr(s, "D-W")) dw = 1;
        }
    }
    fclose(f);
    free(known);
    ck_assert_uint_eq(junctions, g->n_nodes - g->n_sources);
    ck_assert_uint_eq(reservoirs, g->n_sources);
    ck_assert_uint_eq(pipes, g->n_pipes);
    ck_assert_uint_eq(coords, g->n_nodes);
    ck_assert(dw && end);
    /* LPS: demand x rho / 1000 = mass flow; %.6g rounding leaves <= 5e-7 relative per value */
    ck_assert_double_eq_tol(demand * g->rho_supply / 1000.0, g->total_mass_flow,
                            1e-6 * g->total_mass_flow);
}

static size_t count_links(const dh_network *net, dh_link_kind kind)
{
    size_t n = 0;
    for (size_t l = 0; l < net->links.n; l++) n += net->links.kind[l] == kind;
    return n;
}

/* dhsim import epanet, when the command exists: same nodes and pipes back */
static void check_import(const dh_netgen *g, const char *inp, const char *dir)
{
    const char *dhsim = getenv("DHSIM");
    if (!dhsim || access(dhsim, X_OK) != 0) {
        fprintf(stderr, "test_netgen: DHSIM not set: import check skipped\n");
        return;
    }
    char cmd[4096], out[2048];
    snprintf(cmd, sizeof cmd, "'%s' import --help >/dev/null 2>&1", dhsim);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_netgen: no `dhsim import`: import check skipped\n");
        return;
    }
    snprintf(out, sizeof out, "%s/imported.yaml", dir);
    snprintf(cmd, sizeof cmd, "'%s' import epanet '%s' -o '%s' 2>'%s/import.log'", dhsim, inp,
             out, dir);
    int rc = system(cmd);
    ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0,
                  "dhsim import epanet failed (see %s/import.log)", dir);
    dh_case *c = NULL;
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_status st = dh_case_read(out, NULL, 0, &c, &diag);
    if (st != DH_OK) dh_diag_print(&diag, stderr);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_uint_eq(c->net->nodes.n, g->n_nodes);
    ck_assert_uint_eq(count_links(c->net, DH_LINK_PIPE), g->n_pipes);
    ck_assert_uint_eq(c->net->sources.n, g->n_sources);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
}

START_TEST(files_round_trip)
{
    char dir[] = "/tmp/test_netgen_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char inp[256], yaml[256], buf[512];
    for (int layout = 0; layout < 2; layout++) {
        dh_netgen *g = make((dh_netgen_layout)layout, layout ? 760 : 800, 5);
        dh_error err;
        snprintf(inp, sizeof inp, "%s/net%d.inp", dir, layout);
        snprintf(yaml, sizeof yaml, "%s/net%d.yaml", dir, layout);
        FILE *f = fopen(inp, "w");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(dh_netgen_write_inp(g, f, &err), DH_OK);
        fclose(f);
        check_inp(g, inp);

        /* the network built in memory */
        dh_network *net = NULL;
        dh_status st = dh_netgen_build(g, &net, &err);
        if (st != DH_OK) dh_error_print(&err, stderr);
        ck_assert_int_eq(st, DH_OK);
        ck_assert_uint_eq(g->n_headers, 1);
        ck_assert_uint_eq(net->nodes.n, g->n_nodes + 2);       /* + RH0, RHX0 */
        ck_assert_uint_eq(net->pipes.n, g->n_pipes + 1);       /* + PRH0 */
        ck_assert_uint_eq(net->sources.n, g->n_sources + 1);   /* + RET0 */
        ck_assert_uint_eq(net->consumers.n, g->n_consumers);
        dh_diag diag;
        dh_diag_init(&diag, 20);
        st = dh_network_validate(net, &diag);
        if (st != DH_OK) dh_diag_print(&diag, stderr);
        ck_assert_int_eq(st, DH_OK);
        dh_diag_free(&diag);

        /* the case written and read back: same counts, same values to the printed digits */
        ck_assert_int_eq(dh_netgen_write_case(g, yaml, &err), DH_OK);
        dh_case *c = NULL;
        dh_diag_init(&diag, 20);
        st = dh_case_read(yaml, NULL, 0, &c, &diag);
        if (st != DH_OK) dh_diag_print(&diag, stderr);
        ck_assert_int_eq(st, DH_OK);
        ck_assert_uint_eq(c->net->nodes.n, net->nodes.n);
        ck_assert_uint_eq(c->net->pipes.n, net->pipes.n);
        ck_assert_uint_eq(c->net->sources.n, net->sources.n);
        ck_assert_uint_eq(c->net->consumers.n, net->consumers.n);
        ck_assert_int_eq(c->study.friction, DH_FRICTION_SWAMEE_JAIN);
        for (size_t p = 0; p < net->pipes.n; p++) {
            size_t l = net->pipes.link[p];
            size_t l2 = dh_network_find_link(c->net, net->links.id[l]);
            ck_assert_uint_ne(l2, DH_NONE);
            size_t p2 = c->net->links.index[l2];
            /* written with 0.01 mm (diameter) and 1 mm (length) resolution */
            ck_assert_double_eq_tol(c->net->pipes.diameter[p2], net->pipes.diameter[p], 6e-6);
            ck_assert_double_eq_tol(c->net->pipes.length[p2], net->pipes.length[p], 6e-4);
            ck_assert_double_eq_tol(c->net->pipes.roughness[p2], 0.05e-3, 1e-12);
        }
        double q = 0;
        for (size_t i = 0; i < c->net->consumers.n; i++) q += c->net->consumers.demand_heat[i];
        ck_assert_double_eq_tol(q, g->total_heat, 0.05 * (double)g->n_consumers + 1e-6);
        dh_case_destroy(&c);
        dh_diag_free(&diag);
        dh_network_destroy(&net);

        snprintf(buf, sizeof buf, "%s/imp%d", dir, layout);
        ck_assert_int_eq(mkdir(buf, 0700), 0);
        check_import(g, inp, buf);
        dh_netgen_destroy(&g);
    }
    snprintf(buf, sizeof buf, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(buf), 0);
}
END_TEST

/* A small generated network of each layout solves, and closes its mass balance to 1e-9
 * relative (issue 4's conservation criterion): the plant head leaves every node deliverable. */
START_TEST(small_networks_solve)
{
    for (int layout = 0; layout < 2; layout++) {
        dh_netgen *g = make((dh_netgen_layout)layout, 300, 1);
        dh_network *net = NULL;
        dh_error err;
        ck_assert_int_eq(dh_netgen_build(g, &net, &err), DH_OK);
        dh_study study;
        dh_netgen_study(&study);
        dh_steady *s = NULL;
        dh_status st = dh_steady_create(net, &study, NULL, &s, &err);
        if (st != DH_OK) dh_error_print(&err, stderr);
        ck_assert_int_eq(st, DH_OK);
        dh_snapshot *snap = NULL;
        ck_assert_int_eq(dh_snapshot_create(net, &snap), 0);
        dh_solve_stats stats;
        st = dh_steady_solve(s, snap, &stats, &err);
        if (st != DH_OK) dh_error_print(&err, stderr);
        ck_assert_int_eq(st, DH_OK);
        ck_assert_msg(stats.mass_balance_rel < 1e-9, "mass closure %g", stats.mass_balance_rel);
        /* every consumer gets its heat: the sizing left at least 1.5 bar over the header */
        for (size_t c = 0; c < net->consumers.n; c++)
            ck_assert_msg(snap->consumer_unmet[c] <= 1e-6 * net->consumers.demand_heat[c],
                          "consumer %s unmet %g W", net->consumers.id[c],
                          snap->consumer_unmet[c]);
        dh_snapshot_destroy(&snap);
        dh_steady_destroy(&s);
        dh_network_destroy(&net);
        dh_netgen_destroy(&g);
    }
}
END_TEST

static Suite *netgen_suite(void)
{
    Suite *su = suite_create("netgen");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, radial_invariants);
    tcase_add_test(tc, grid_invariants);
    tcase_add_test(tc, deterministic_by_seed);
    tcase_add_test(tc, files_round_trip);
    tcase_add_test(tc, small_networks_solve);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(netgen_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
