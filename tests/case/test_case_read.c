/* test_case_read.c: Check suite for the case reader (network/case_*.c, dh_case.h).
 *
 * The teaching cases read into the network they describe (counts, SI values worked out by hand
 * below); the CSV variant of the hot-water case equals its inline variant value by value;
 * --set overrides; error texts with their exact file:line:col; hostile inputs (aliases,
 * nesting, binary data, random mutations) fail cleanly. SRCDIR points at the source root.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dh_case.h"
#include "dh_units.h"

static dh_units *units;

static void setup(void)
{
    dh_error e;
    ck_assert_int_eq(dh_units_create(&units, &e), DH_OK);
}

static void teardown(void) { dh_units_destroy(&units); }

static char *case_path(const char *rel)
{
    const char *src = getenv("SRCDIR");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", src ? src : ".", rel);
    return buf;
}

static dh_case *read_ok(const char *rel, const char *const *sets, size_t n)
{
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    dh_status st = dh_case_read(case_path(rel), sets, n, &c, &d);
    if (st != DH_OK) dh_diag_print(&d, stderr);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_uint_eq(d.count, 0);
    ck_assert_ptr_nonnull(c);
    dh_diag_free(&d);
    return c;
}

/* Reads text; returns the status and the sorted first error as text (or ""). */
static dh_status read_text(const char *text, const char *const *sets, size_t n, char *first,
                           size_t size, size_t *count)
{
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    dh_status st = dh_case_read_string(text, strlen(text), "bad.yaml", sets, n, units, &c, &d);
    dh_diag_sort(&d);
    first[0] = '\0';
    if (d.count) dh_error_format(&d.items[0], first, size);
    if (count) *count = d.count;
    if (st == DH_OK) ck_assert_ptr_nonnull(c);
    else ck_assert_ptr_null(c);
    dh_case_destroy(&c);
    dh_diag_free(&d);
    return st;
}

static size_t link_of(const dh_network *net, const char *id)
{
    size_t l = dh_network_find_link(net, id);
    ck_assert_uint_ne(l, DH_NONE);
    return l;
}

static size_t pipe_of(const dh_network *net, const char *id)
{
    size_t l = link_of(net, id);
    ck_assert_int_eq(net->links.kind[l], DH_LINK_PIPE);
    return net->links.index[l];
}

static size_t consumer_of(const dh_network *net, const char *id)
{
    for (size_t i = 0; i < net->consumers.n; i++)
        if (!strcmp(net->consumers.id[i], id)) return i;
    ck_abort_msg("no consumer %s", id);
    return 0;
}

/* ---- the teaching cases ----------------------------------------------------------------------- */

START_TEST(steam_main_reads)
{
    dh_case *c = read_ok("cases/teaching/steam_main.yaml", NULL, 0);
    const dh_network *net = c->net;
    ck_assert_str_eq(c->name, "Teaching steam main");
    ck_assert_uint_eq(net->nodes.n, 7);
    ck_assert_uint_eq(net->pipes.n, 5);
    ck_assert_uint_eq(net->valves.n, 1);
    ck_assert_uint_eq(net->pumps.n, 0);
    ck_assert_uint_eq(net->sources.n, 1);
    ck_assert_uint_eq(net->consumers.n, 3);
    ck_assert_uint_eq(net->substations.n, 0);
    ck_assert_uint_eq(strlen(c->sha256), 64);
    /* Gauge pressure: 0.88 MPa(g) + 101.325 kPa = 981 325 Pa absolute. Exact in binary
     * arithmetic up to rounding of the unit factors: 1e-6 Pa. */
    ck_assert_double_eq_tol(net->sources.pressure[0], 981325.0, 1e-6);
    ck_assert_double_eq_tol(net->sources.temperature[0], 563.15, 1e-9);  /* 290 degC */
    ck_assert_int_eq(net->sources.medium[0], DH_MEDIUM_STEAM);
    ck_assert_double_eq_tol(net->ambient.air_temperature, 266.05, 1e-9); /* -7.1 degC */
    ck_assert_double_eq_tol(net->ambient.atmospheric_pressure, 101325.0, 1e-9);
    ck_assert_double_eq_tol(net->ambient.wind_speed, 2.5, 1e-12);
    /* 30 t/h = 30000 kg / 3600 s = 8.3333 kg/s */
    size_t skf = consumer_of(net, "SKF");
    ck_assert_double_eq_tol(net->consumers.demand_mass_flow[skf], 30000.0 / 3600.0, 1e-12);
    ck_assert_double_eq_tol(net->consumers.min_pressure[skf], 701325.0, 1e-6); /* 0.6 MPa(g) */
    ck_assert(net->consumers.require_dry[skf]);
    ck_assert_str_eq(net->consumers.group[skf], "chemical");
    size_t off = consumer_of(net, "OFFICE");
    ck_assert_int_eq(net->consumers.type[off], DH_CONSUMER_HEAT);
    ck_assert_double_eq_tol(net->consumers.demand_heat[off], 2e6, 1e-6);
    ck_assert_double_eq_tol(net->consumers.return_temperature[off], 353.15, 1e-9);
    /* P1: DN300 -> EN 10220 323.9 mm outside, EN 253 wall 5.6 mm -> bore 312.7 mm;
     * roughness 0.2 mm and two insulation layers from defaults.pipe */
    size_t p1 = pipe_of(net, "P1");
    ck_assert_double_eq_tol(net->pipes.length[p1], 1200.0, 1e-12);
    ck_assert_double_eq_tol(net->pipes.diameter[p1], 0.3127, 1e-12);
    ck_assert_double_eq_tol(net->pipes.outer_diameter[p1], 0.3239, 1e-12);
    ck_assert_double_eq_tol(net->pipes.roughness[p1], 0.2e-3, 1e-15);
    ck_assert_double_eq_tol(net->pipes.local_loss[p1], 2.5, 1e-15);
    ck_assert_uint_eq(net->pipes.ins_start[p1 + 1] - net->pipes.ins_start[p1], 2);
    ck_assert_double_eq_tol(net->pipes.ins[net->pipes.ins_start[p1]].thickness, 0.1, 1e-15);
    ck_assert_double_eq_tol(net->pipes.ins[net->pipes.ins_start[p1]].conductivity, 0.045, 1e-15);
    ck_assert_double_eq_tol(net->pipes.ins[net->pipes.ins_start[p1] + 1].thickness, 0.03, 1e-15);
    ck_assert_int_eq(net->pipes.laying[p1], DH_LAYING_ABOVE_GROUND);
    ck_assert_double_eq_tol(net->pipes.surface_coefficient[p1], 12.0, 1e-12);
    ck_assert_uint_eq(net->pipes.segments[p1], 10);
    /* P3: equivalent length 30 m on DN250 (bore 263.0 mm), roughness 0.2 mm. Fully rough
     * friction factor 1/sqrt(l) = -2 log10(0.2/(3.71*263.0)) -> l = 0.018378 (Moody chart at
     * eps/D = 7.6e-4: about 0.0184), K = l * 30 / 0.263 = 2.0963 (worked out by hand). */
    ck_assert_double_eq_tol(net->pipes.local_loss[pipe_of(net, "P3")], 2.0963, 1e-4);
    /* the pressure-reducing valve: 0.5 MPa(g) -> 601 325 Pa; kv 160 m3/h as written */
    size_t v = net->links.index[link_of(net, "PRV1")];
    ck_assert_int_eq(net->valves.type[v], DH_VALVE_PRESSURE_REDUCING);
    ck_assert_double_eq_tol(net->valves.setpoint[v], 601325.0, 1e-6);
    ck_assert_double_eq_tol(net->valves.kv[v], 160.0, 1e-12);
    ck_assert_double_eq_tol(net->valves.diameter[v], 0.1603, 1e-12); /* DN150: 168.3 - 2*4.0 */
    ck_assert_double_eq_tol(c->study.max_steam_velocity, 40.0, 1e-12);
    ck_assert_int_eq(c->study.max_iterations, 50);
    ck_assert_double_eq_tol(c->study.tolerance, 1e-8, 1e-20);
    dh_case_destroy(&c);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(hot_water_reads)
{
    dh_case *c = read_ok("cases/teaching/hot_water.yaml", NULL, 0);
    const dh_network *net = c->net;
    ck_assert_uint_eq(net->nodes.n, 10);
    ck_assert_uint_eq(net->pipes.n, 8);
    ck_assert_uint_eq(net->pumps.n, 1);
    ck_assert_uint_eq(net->consumers.n, 4);
    for (size_t i = 0; i < net->nodes.n; i++) ck_assert_int_eq(net->nodes.medium[i], DH_MEDIUM_WATER);
    /* pump curve: 60 m3/h = 0.016667 m3/s at 50 m head */
    ck_assert_uint_eq(net->pumps.curve_start[1] - net->pumps.curve_start[0], 4);
    ck_assert_double_eq_tol(net->pumps.curve_flow[1], 60.0 / 3600.0, 1e-15);
    ck_assert_double_eq_tol(net->pumps.curve_head[1], 50.0, 1e-12);
    ck_assert_double_eq(net->pumps.speed[0], 1.0);
    /* buried pair from defaults.pipe.laying merged with the pipe's own {pair, spacing} */
    size_t sp1 = pipe_of(net, "SP1"), rp1 = pipe_of(net, "RP1");
    ck_assert_int_eq(net->pipes.laying[sp1], DH_LAYING_BURIED);
    ck_assert_double_eq_tol(net->pipes.depth[sp1], 1.0, 1e-12);
    ck_assert_double_eq_tol(net->pipes.soil_conductivity[sp1], 1.5, 1e-12);
    ck_assert_double_eq_tol(net->pipes.pair_spacing[sp1], 0.35, 1e-12);
    ck_assert_uint_eq(net->pipes.pair[sp1], rp1);
    ck_assert_uint_eq(net->pipes.pair[rp1], sp1);
    /* consumer defaults: type heat, group residential unless given, 60 degC return */
    size_t school = consumer_of(net, "SCHOOL"), flats = consumer_of(net, "FLATS_A");
    ck_assert_str_eq(net->consumers.group[school], "public");
    ck_assert_str_eq(net->consumers.group[flats], "residential");
    ck_assert_int_eq(net->consumers.type[flats], DH_CONSUMER_HEAT);
    ck_assert_double_eq_tol(net->consumers.demand_heat[flats], 1.4e6, 1e-6);
    ck_assert_double_eq_tol(net->consumers.return_temperature[flats], 333.15, 1e-9);
    ck_assert_uint_eq(net->consumers.return_node[flats], dh_network_find_node(net, "R2"));
    ck_assert_double_eq_tol(net->consumers.min_pressure[consumer_of(net, "CLINIC")], 401325.0, 1e-6);
    dh_case_destroy(&c);
}
END_TEST

START_TEST(steam_substation_reads)
{
    dh_case *c = read_ok("cases/teaching/steam_substation.yaml", NULL, 0);
    const dh_network *net = c->net;
    ck_assert_uint_eq(net->substations.n, 1);
    ck_assert_uint_eq(net->sources.n, 2);
    size_t steam = 0, water = 0;
    for (size_t i = 0; i < net->nodes.n; i++) {
        steam += net->nodes.medium[i] == DH_MEDIUM_STEAM;
        water += net->nodes.medium[i] == DH_MEDIUM_WATER;
    }
    ck_assert_uint_eq(steam, 3);
    ck_assert_uint_eq(water, 8);
    /* atmospheric pressure 100.8 kPa: 0.25 MPa(g) -> 350 800 Pa */
    ck_assert_double_eq_tol(net->sources.pressure[1], 350800.0, 1e-6);
    ck_assert_double_eq_tol(net->substations.max_heat[0], 4e6, 1e-6);
    ck_assert_double_eq_tol(net->substations.supply_temperature[0], 368.15, 1e-9);
    /* check valve: zeta with its bore, no kv */
    size_t v = net->links.index[link_of(net, "CV1")];
    ck_assert_int_eq(net->valves.type[v], DH_VALVE_CHECK);
    ck_assert_double_eq(net->valves.zeta[v], 2.0);
    ck_assert_double_eq(net->valves.kv[v], 0.0);
    /* study defaults where the case is silent */
    ck_assert_int_eq(c->study.friction, DH_FRICTION_COLEBROOK);
    ck_assert_int_eq(c->study.max_iterations, 50);
    dh_case_destroy(&c);
}
END_TEST

/* The CSV tables carry the same network as the inline YAML: every node and pipe value equal
 * (relative 1e-12: the CSV path converts a bare number with its column unit, the YAML path
 * parses "450 m"; both are exact or one rounding apart). */
START_TEST(csv_equals_inline)
{
    dh_case *a = read_ok("cases/teaching/hot_water.yaml", NULL, 0);
    dh_case *b = read_ok("cases/teaching/hot_water_gis/hot_water_gis.yaml", NULL, 0);
    const dh_network *x = a->net, *y = b->net;
#define EQ(u, v) ck_assert_double_eq_tol((u), (v), 1e-12 * (1 + fabs(u)))
    ck_assert_uint_eq(x->nodes.n, y->nodes.n);
    for (size_t i = 0; i < x->nodes.n; i++) {
        size_t j = dh_network_find_node(y, x->nodes.id[i]);
        ck_assert_uint_ne(j, DH_NONE);
        EQ(x->nodes.x[i], y->nodes.x[j]);
        EQ(x->nodes.y[i], y->nodes.y[j]);
        EQ(x->nodes.z[i], y->nodes.z[j]);
        ck_assert_int_eq(x->nodes.medium[i], y->nodes.medium[j]);
    }
    ck_assert_uint_eq(x->pipes.n, y->pipes.n);
    const dh_pipes *p = &x->pipes, *q = &y->pipes;
    for (size_t i = 0; i < p->n; i++) {
        size_t l = p->link[i];
        size_t j = pipe_of(y, x->links.id[l]);
        ck_assert_str_eq(x->nodes.id[x->links.from[l]], y->nodes.id[y->links.from[q->link[j]]]);
        ck_assert_str_eq(x->nodes.id[x->links.to[l]], y->nodes.id[y->links.to[q->link[j]]]);
        EQ(p->length[i], q->length[j]);
        EQ(p->diameter[i], q->diameter[j]);
        EQ(p->outer_diameter[i], q->outer_diameter[j]);
        EQ(p->roughness[i], q->roughness[j]);
        EQ(p->local_loss[i], q->local_loss[j]);
        EQ(p->depth[i], q->depth[j]);
        EQ(p->soil_conductivity[i], q->soil_conductivity[j]);
        EQ(p->pair_spacing[i], q->pair_spacing[j]);
        ck_assert_int_eq(p->laying[i], q->laying[j]);
        ck_assert_str_eq(x->links.id[p->link[p->pair[i]]], y->links.id[q->link[q->pair[j]]]);
        ck_assert_uint_eq(p->ins_start[i + 1] - p->ins_start[i], q->ins_start[j + 1] - q->ins_start[j]);
        EQ(p->ins[p->ins_start[i]].thickness, q->ins[q->ins_start[j]].thickness);
    }
#undef EQ
    /* positions of CSV values point into the CSV file */
    size_t n3 = dh_network_find_node(y, "S3");
    ck_assert_ptr_nonnull(strstr(y->nodes.pos[n3].file, "nodes.csv"));
    ck_assert_int_eq(y->nodes.pos[n3].line, 8);
    dh_case_destroy(&a);
    dh_case_destroy(&b);
}
END_TEST

/* ---- --set ------------------------------------------------------------------------------------ */

START_TEST(overrides_apply)
{
    const char *sets[] = {"consumers.SKF.demand=40 t/h", "ambient.air=-10degC",
                          "pipes.P1.laying.surface_coefficient=15 W/(m2 K)", "nodes.CHEM.z=80 m",
                          "pipes.1.length = 1000 m", "sources.CHP.pressure=1.0 MPa(g)",
                          "ambient.atmospheric_pressure=100 kPa"};
    dh_case *c = read_ok("cases/teaching/steam_main.yaml", sets, 7);
    const dh_network *net = c->net;
    ck_assert_double_eq_tol(net->consumers.demand_mass_flow[consumer_of(net, "SKF")],
                            40000.0 / 3600.0, 1e-12);
    ck_assert_double_eq_tol(net->ambient.air_temperature, 263.15, 1e-9);
    size_t p1 = pipe_of(net, "P1");
    ck_assert_double_eq_tol(net->pipes.surface_coefficient[p1], 15.0, 1e-12);
    ck_assert_int_eq(net->pipes.laying[p1], DH_LAYING_ABOVE_GROUND); /* type from defaults */
    ck_assert_double_eq_tol(net->nodes.z[dh_network_find_node(net, "CHEM")], 80.0, 1e-12);
    ck_assert_double_eq_tol(net->pipes.length[pipe_of(net, "P2")], 1000.0, 1e-12);
    /* the overridden atmosphere applies to every gauge pressure: 1.0 MPa(g) + 100 kPa */
    ck_assert_double_eq_tol(net->sources.pressure[0], 1.1e6, 1e-6);
    dh_case_destroy(&c);
}
END_TEST

START_TEST(override_unknown_path)
{
    const char *text = "dhsim: 1\nnodes: [{id: A}, {id: B}]\n"
                       "pipes: [{id: P1, from: A, to: B, length: 1 m, diameter: DN50, roughness: 0.1 mm}]\n";
    char msg[1024];
    const char *s1[] = {"pipes.P9.length=3 m"};
    ck_assert_int_ne(read_text(text, s1, 1, msg, sizeof msg, NULL), DH_OK);
    ck_assert_str_eq(msg, "--set:1:7: error: unknown path 'pipes.P9.length': no item with id 'P9' "
                          "in 'pipes' (did you mean 'P1'?)");
    const char *s2[] = {"pipes.P1.lenght=3 m"};
    read_text(text, s2, 1, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "--set:1:10: error: pipe P1: unknown key 'lenght' (did you mean 'length'?)");
    const char *s3[] = {"pipes.P1.length=3 kg/s"};
    read_text(text, s3, 1, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "--set:1:17: error: pipe P1: length: expected a length (e.g. '120 mm'), "
                          "got 'kg/s' (a mass flow)");
    const char *s4[] = {"noequals"};
    read_text(text, s4, 1, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "--set:1:1: error: expected KEY=VALUE, got 'noequals'");
    const char *s5[] = {"pipes.P1.length.x=3 m"};
    read_text(text, s5, 1, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "--set:1:17: error: unknown path 'pipes.P1.length.x': 'pipes.P1.length' "
                          "is a single value, it has no 'x'");
    const char *s6[] = {"pipes=3"};
    read_text(text, s6, 1, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "--set:1:1: error: cannot set 'pipes': it is a list; --set replaces "
                          "single values");
}
END_TEST

/* ---- error texts with their positions --------------------------------------------------------- */

static const char *const GOOD =
    "dhsim: 1\n"
    "nodes:\n"
    "  - {id: A}\n"
    "  - {id: B}\n"
    "pipes:\n"
    "  - id: P1\n"
    "    from: A\n"
    "    to: B\n"
    "    length: 100 m\n"
    "    diameter: DN100\n"
    "    roughness: 0.1 mm\n";

/* GOOD with line `line` (1-based) replaced by `repl`. */
static char *edit(int line, const char *repl)
{
    static char buf[2048];
    const char *p = GOOD;
    size_t off = 0;
    for (int l = 1; *p; l++) {
        const char *e = strchr(p, '\n');
        size_t n = (size_t)(e - p) + 1;
        if (l == line) off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\n", repl);
        else {
            memcpy(buf + off, p, n);
            off += n;
        }
        p += n;
    }
    buf[off] = '\0';
    return buf;
}

START_TEST(good_text_reads)
{
    char msg[1024];
    ck_assert_int_eq(read_text(GOOD, NULL, 0, msg, sizeof msg, NULL), DH_OK);
    /* SHA-256 of the exact bytes (checked against /usr/bin/sha256sum) */
    const char *t = "dhsim: 1\nnodes: [{id: A}]\n";
    dh_diag d;
    dh_diag_init(&d, 10);
    dh_case *c = NULL;
    ck_assert_int_eq(dh_case_read_string(t, strlen(t), "x.yaml", NULL, 0, units, &c, &d), DH_OK);
    ck_assert_str_eq(c->sha256, "f21aa750a4422929aa2dfb08fdafc4fc14fdc9cef89d0f184be4237008046348");
    ck_assert_str_eq(c->name, "x"); /* the file name without extension when `name` is absent */
    dh_case_destroy(&c);
    dh_diag_free(&d);
}
END_TEST

START_TEST(error_unknown_key)
{
    char msg[1024];
    ck_assert_int_eq(read_text(edit(11, "    rougness: 0.1 mm"), NULL, 0, msg, sizeof msg, NULL),
                     DH_ERR_INPUT);
    /* the missing 'roughness' is reported at the mapping (6:5), before the key at 11:5 */
    ck_assert_str_eq(msg, "bad.yaml:6:5: error: pipe P1: missing required key 'roughness'");
    size_t n;
    read_text(edit(11, "    rougness: 0.1 mm\n    roughness: 0.1 mm"), NULL, 0, msg, sizeof msg, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(msg, "bad.yaml:11:5: error: pipe P1: unknown key 'rougness' (did you mean "
                          "'roughness'?)");
}
END_TEST

START_TEST(error_missing_required)
{
    char msg[1024];
    size_t n;
    ck_assert_int_eq(read_text(edit(9, "    # no length"), NULL, 0, msg, sizeof msg, &n), DH_ERR_INPUT);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(msg, "bad.yaml:6:5: error: pipe P1: missing required key 'length'");
    read_text(edit(9, "    length:"), NULL, 0, msg, sizeof msg, &n);
    ck_assert_str_eq(msg, "bad.yaml:9:5: error: pipe P1: 'length' has no value");
}
END_TEST

START_TEST(error_wrong_dimension)
{
    char msg[1024];
    ck_assert_int_eq(read_text(edit(9, "    length: 100 kPa"), NULL, 0, msg, sizeof msg, NULL),
                     DH_ERR_UNITS);
    ck_assert_str_eq(msg, "bad.yaml:9:13: error: pipe P1: length: expected a length (e.g. '120 mm'), "
                          "got 'kPa' (a pressure)");
}
END_TEST

START_TEST(error_negative_length)
{
    char msg[1024];
    ck_assert_int_eq(read_text(edit(9, "    length: -100 m"), NULL, 0, msg, sizeof msg, NULL),
                     DH_ERR_INPUT);
    ck_assert_str_eq(msg, "bad.yaml:9:13: error: pipe P1: 'length' must be positive, got '-100 m'");
    read_text(edit(11, "    roughness: -0.1 mm"), NULL, 0, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "bad.yaml:11:16: error: pipe P1: 'roughness' must not be negative, got "
                          "'-0.1 mm'");
}
END_TEST

START_TEST(error_yaml_syntax)
{
    char msg[1024];
    ck_assert_int_eq(read_text(edit(3, "  - {id: A"), NULL, 0, msg, sizeof msg, NULL), DH_ERR_PARSE);
    ck_assert_str_eq(msg, "bad.yaml:5:1: error: wrongly indented flow mapping");
    read_text("dhsim: 1\nnodes: [\n", NULL, 0, msg, sizeof msg, NULL);
    ck_assert_ptr_nonnull(strstr(msg, "bad.yaml:"));
    ck_assert_ptr_nonnull(strstr(msg, ": error: "));
    read_text("a: 1\n---\nb: 2\n", NULL, 0, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "bad.yaml:2:1: error: a case file holds one YAML document; a second one "
                          "starts here");
}
END_TEST

START_TEST(error_empty_file)
{
    char msg[1024];
    const char *expect =
        "bad.yaml:1:1: error: the case file is empty (it needs at least 'dhsim: 1' and 'nodes:')";
    ck_assert_int_eq(read_text("", NULL, 0, msg, sizeof msg, NULL), DH_ERR_INPUT);
    ck_assert_str_eq(msg, expect);
    read_text("# only a comment\n\n", NULL, 0, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, expect);
}
END_TEST

START_TEST(error_missing_file_and_directory)
{
    dh_diag d;
    dh_diag_init(&d, 10);
    dh_case *c = NULL;
    char msg[1024];
    ck_assert_int_eq(dh_case_read("/nonexistent/case.yaml", NULL, 0, &c, &d), DH_ERR_IO);
    ck_assert_ptr_null(c);
    ck_assert_uint_eq(d.count, 1);
    ck_assert_str_eq(dh_error_format(&d.items[0], msg, sizeof msg),
                     "/nonexistent/case.yaml: error: cannot open the case file: No such file or "
                     "directory");
    dh_diag_free(&d);
    ck_assert_int_eq(dh_case_read("/tmp", NULL, 0, &c, &d), DH_ERR_IO);
    ck_assert_str_eq(dh_error_format(&d.items[0], msg, sizeof msg),
                     "/tmp: error: the case file is a directory, not a file");
    dh_diag_free(&d);
}
END_TEST

START_TEST(error_binary)
{
    static const char bin[] = "dhsim: 1\nno\0des\n";
    dh_diag d;
    dh_diag_init(&d, 10);
    dh_case *c = NULL;
    char msg[1024];
    ck_assert_int_eq(dh_case_read_string(bin, sizeof bin - 1, "bin.yaml", NULL, 0, units, &c, &d),
                     DH_ERR_IO);
    ck_assert_str_eq(dh_error_format(&d.items[0], msg, sizeof msg),
                     "bin.yaml:2:3: error: not a text file (binary data: a NUL byte)");
    dh_diag_free(&d);
}
END_TEST

/* Every problem is reported, not only the first; each at its own value. */
START_TEST(all_errors_reported)
{
    const char *text = "dhsim: 1\n"
                       "nodes:\n"
                       "  - {id: A, z: 3 kg}\n"
                       "  - {id: B}\n"
                       "pipes:\n"
                       "  - {id: P1, from: A, to: B, length: -1 m, diameter: 0 mm, roughness: 1 mm,\n"
                       "     insulation: [{thickness: 0 mm, conductivity: -1 W/(m K)}]}\n"
                       "sources:\n"
                       "  - {id: S1, node: A, medium: steam, pressure: 1 MPa, temperature: -300 degC}\n"
                       "consumers:\n"
                       "  - {id: C1, node: Q, type: steem, demand: 1 t/h}\n";
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    ck_assert_int_ne(dh_case_read_string(text, strlen(text), "all.yaml", NULL, 0, units, &c, &d), DH_OK);
    dh_diag_sort(&d);
    const char *expect[] = {
        "all.yaml:3:16: error: node A: z: expected a length (e.g. '120 mm'), got 'kg' (a mass)",
        "all.yaml:6:38: error: pipe P1: 'length' must be positive, got '-1 m'",
        "all.yaml:6:54: error: pipe P1: 'diameter' must be positive, got '0 mm'",
        "all.yaml:7:31: error: pipe P1: insulation layer 1: 'thickness' must be positive, got '0 mm'",
        "all.yaml:7:51: error: pipe P1: insulation layer 1: 'conductivity' must be positive, got '-1 W/(m K)'",
        "all.yaml:9:68: error: source S1: temperature: temperature '-300 degC' is below absolute zero (-26.85 K)",
        "all.yaml:11:20: error: consumer C1: unknown node 'Q' in 'node' (did you mean 'A'?)",
        "all.yaml:11:29: error: consumer C1: unknown type 'steem' (did you mean 'steam'?); expected one of: steam, heat, water",
    };
    size_t n = sizeof expect / sizeof expect[0];
    char msg[1024];
    ck_assert_uint_ge(d.count, n);
    for (size_t i = 0; i < n; i++) ck_assert_str_eq(dh_error_format(&d.items[i], msg, sizeof msg), expect[i]);
    dh_diag_free(&d);
}
END_TEST

/* ---- CSV ------------------------------------------------------------------------------------- */

static char tmpdir[256];

static void write_file(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
}

static dh_status read_dir_case(const char *yaml, char *first, size_t size, dh_case **out)
{
    write_file("case.yaml", yaml, strlen(yaml));
    char path[512];
    snprintf(path, sizeof path, "%s/case.yaml", tmpdir);
    dh_diag d;
    dh_diag_init(&d, 50);
    dh_case *c = NULL;
    dh_status st = dh_case_read(path, NULL, 0, &c, &d);
    dh_diag_sort(&d);
    first[0] = '\0';
    if (d.count) dh_error_format(&d.items[0], first, size);
    dh_diag_free(&d);
    if (out) *out = c;
    else dh_case_destroy(&c);
    return st;
}

START_TEST(csv_robust)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dhsim_case_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    /* BOM, CRLF, an empty line, a quoted id with a comma and a doubled quote, units in cells,
     * blanks around fields, a missing trailing field */
    static const char nodes[] = "\xEF\xBB\xBFid, x [m] ,z [m]\r\n"
                                "A,0,10\r\n"
                                "\r\n"
                                "\"B,\"\"1\"\"\", 2 km ,11\r\n"
                                "C,5\r\n";
    write_file("nodes.csv", nodes, sizeof nodes - 1);
    static const char pipes[] = "id\tfrom\tto\tlength [m]\tdiameter [mm]\troughness [mm]\tlaying.type\tinsulation.0.thickness [mm]\tinsulation.0.conductivity [W/(m K)]\n"
                                "P1\tA\t\"B,\"\"1\"\"\"\t100\t107.1\t0.1\tburied\t40\t0.03\n"
                                "P2\tA\tC\t50\tDN80\t0.1 mm\tabove_ground\t\t\n";
    write_file("pipes.csv", pipes, sizeof pipes - 1);
    const char *yaml = "dhsim: 1\nnodes: {csv: nodes.csv}\npipes: {csv: pipes.csv, delimiter: tab}\n"
                       "defaults: {pipe: {laying: {depth: 1 m, soil_conductivity: 1.2 W/(m K)}}}\n";
    char msg[1024];
    dh_case *c = NULL;
    dh_status st = read_dir_case(yaml, msg, sizeof msg, &c);
    ck_assert_msg(st == DH_OK, "%s", msg);
    const dh_network *net = c->net;
    ck_assert_uint_eq(net->nodes.n, 3);
    size_t b = dh_network_find_node(net, "B,\"1\"");
    ck_assert_uint_ne(b, DH_NONE);
    ck_assert_double_eq_tol(net->nodes.x[b], 2000.0, 1e-9);
    ck_assert_int_eq(net->nodes.pos[b].line, 4);
    ck_assert_double_eq(net->nodes.z[dh_network_find_node(net, "C")], 0.0);
    size_t p1 = pipe_of(net, "P1");
    ck_assert_double_eq_tol(net->pipes.diameter[p1], 0.1071, 1e-12);
    ck_assert_int_eq(net->pipes.laying[p1], DH_LAYING_BURIED);
    ck_assert_double_eq_tol(net->pipes.depth[p1], 1.0, 1e-12);
    ck_assert_double_eq_tol(net->pipes.ins[net->pipes.ins_start[p1]].thickness, 0.04, 1e-12);
    size_t p2 = pipe_of(net, "P2");
    ck_assert_double_eq_tol(net->pipes.diameter[p2], 0.0825, 1e-12); /* DN80: 88.9 - 2*3.2 */
    ck_assert_uint_eq(net->pipes.ins_start[p2 + 1] - net->pipes.ins_start[p2], 0);
    dh_case_destroy(&c);

    /* an error in a cell points into the CSV file: line 3, character column 9 */
    static const char bad[] = "id,x [m],z [m]\nA,0,10\nB,0,-1 kPa\n";
    write_file("nodes.csv", bad, sizeof bad - 1);
    read_dir_case("dhsim: 1\nnodes: {csv: nodes.csv}\n", msg, sizeof msg, NULL);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s/nodes.csv:3:5: error: node B: z: expected a length (e.g. "
                                    "'120 mm'), got 'kPa' (a pressure)", tmpdir);
    ck_assert_str_eq(msg, expect);
    /* unknown column: reported once, at the header cell */
    static const char badcol[] = "id,elevation [m]\nA,1\nB,2\n";
    write_file("nodes.csv", badcol, sizeof badcol - 1);
    read_dir_case("dhsim: 1\nnodes: {csv: nodes.csv}\n", msg, sizeof msg, NULL);
    snprintf(expect, sizeof expect, "%s/nodes.csv:1:4: error: node A: unknown key 'elevation'", tmpdir);
    ck_assert_str_eq(msg, expect);
    /* unterminated quote */
    static const char unterm[] = "id\nA\n\"B\n";
    write_file("nodes.csv", unterm, sizeof unterm - 1);
    read_dir_case("dhsim: 1\nnodes: {csv: nodes.csv}\n", msg, sizeof msg, NULL);
    snprintf(expect, sizeof expect, "%s/nodes.csv:3:1: error: unterminated quoted field", tmpdir);
    ck_assert_str_eq(msg, expect);
    /* a missing table: reported at the reference in the case file */
    read_dir_case("dhsim: 1\nnodes: {csv: missing.csv}\n", msg, sizeof msg, NULL);
    snprintf(expect, sizeof expect, "%s/case.yaml:2:14: error: cannot open CSV table "
             "'%s/missing.csv': No such file or directory", tmpdir, tmpdir);
    ck_assert_str_eq(msg, expect);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- hostile inputs ------------------------------------------------------------------------- */

START_TEST(aliases)
{
    const char *ok = "dhsim: 1\n"
                     "nodes: [{id: A}, {id: B}, {id: C}]\n"
                     "pipes:\n"
                     "  - {id: P1, from: A, to: B, length: 1 m, diameter: DN50, roughness: &r 0.1 mm,\n"
                     "     insulation: &ins [{thickness: 30 mm, conductivity: 0.04 W/(m K)}]}\n"
                     "  - {id: P2, from: B, to: C, length: 1 m, diameter: DN50, roughness: *r, insulation: *ins}\n";
    char msg[1024];
    ck_assert_int_eq(read_text(ok, NULL, 0, msg, sizeof msg, NULL), DH_OK);
    /* "billion laughs": nine levels of ten aliases */
    char laughs[4096];
    size_t off = (size_t)snprintf(laughs, sizeof laughs, "dhsim: 1\nnodes: []\na0: &a0 [x]\n");
    for (int i = 1; i < 10; i++)
        off += (size_t)snprintf(laughs + off, sizeof laughs - off,
                                "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i,
                                i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    ck_assert_int_ne(read_text(laughs, NULL, 0, msg, sizeof msg, NULL), DH_OK);
    ck_assert_ptr_nonnull(strstr(msg, "aliases expand to more than"));
    read_text("dhsim: 1\nnodes: *nothing\n", NULL, 0, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "bad.yaml:2:9: error: alias '*nothing' does not refer to a complete "
                          "anchored value before it");
    read_text("dhsim: 1\n<<: {nodes: []}\n", NULL, 0, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "bad.yaml:1:1: error: missing required key 'nodes'");
}
END_TEST

START_TEST(deep_nesting)
{
    size_t n = 100000;
    char *t = malloc(2 * n + 32);
    ck_assert_ptr_nonnull(t);
    size_t off = (size_t)sprintf(t, "dhsim: 1\nnodes: ");
    for (size_t i = 0; i < n; i++) t[off++] = '[';
    for (size_t i = 0; i < n; i++) t[off++] = ']';
    t[off] = '\0';
    char msg[1024];
    ck_assert_int_ne(read_text(t, NULL, 0, msg, sizeof msg, NULL), DH_OK);
    ck_assert_ptr_nonnull(strstr(msg, "nested deeper than 64 levels"));
    free(t);
}
END_TEST

/* Random byte edits of a real case: the reader must fail or succeed cleanly, never crash or
 * leak (run under the sanitizers in CI). Deterministic: a fixed LCG seed. */
START_TEST(mutations_survive)
{
    FILE *f = fopen(case_path("cases/teaching/steam_substation.yaml"), "rb");
    ck_assert_ptr_nonnull(f);
    static char base[16384];
    size_t len = fread(base, 1, sizeof base - 1, f);
    fclose(f);
    static char buf[16384 + 64];
    static const char alphabet[] = "{}[]:,-&*!|>'\"#\n 0123456789.eE+abcDNmMPa()g%\t\\?";
    unsigned long long s = 12345;
    for (int iter = 0; iter < 400; iter++) {
        memcpy(buf, base, len);
        size_t n = len;
        for (int k = 0; k < 1 + iter % 5; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (size_t)(s >> 33) % n;
            char ch = alphabet[(s >> 20) % (sizeof alphabet - 1)];
            switch ((s >> 13) % 3) {
            case 0: buf[at] = ch; break;                                      /* replace */
            case 1: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;  /* delete */
            default:                                                         /* insert */
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = ch;
                n++;
            }
        }
        dh_diag d;
        dh_diag_init(&d, 20);
        dh_case *c = NULL;
        dh_status st = dh_case_read_string(buf, n, "mut.yaml", NULL, 0, units, &c, &d);
        ck_assert(st == DH_OK ? c != NULL : c == NULL && d.count + d.dropped > 0);
        dh_case_destroy(&c);
        dh_diag_free(&d);
    }
}
END_TEST

static Suite *case_suite(void)
{
    Suite *s = suite_create("case_read");
    TCase *t = tcase_create("teaching");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, steam_main_reads);
    tcase_add_test(t, hot_water_reads);
    tcase_add_test(t, steam_substation_reads);
    tcase_add_test(t, csv_equals_inline);
    suite_add_tcase(s, t);
    t = tcase_create("overrides");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, overrides_apply);
    tcase_add_test(t, override_unknown_path);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, good_text_reads);
    tcase_add_test(t, error_unknown_key);
    tcase_add_test(t, error_missing_required);
    tcase_add_test(t, error_wrong_dimension);
    tcase_add_test(t, error_negative_length);
    tcase_add_test(t, error_yaml_syntax);
    tcase_add_test(t, error_empty_file);
    tcase_add_test(t, error_missing_file_and_directory);
    tcase_add_test(t, error_binary);
    tcase_add_test(t, all_errors_reported);
    suite_add_tcase(s, t);
    t = tcase_create("csv");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, csv_robust);
    suite_add_tcase(s, t);
    t = tcase_create("hostile");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, aliases);
    tcase_add_test(t, deep_nesting);
    tcase_add_test(t, mutations_survive);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(case_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
