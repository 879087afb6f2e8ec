/* test_validate.c: Check suite for the network validation pass (network/net_validate.c).
 *
 * Each test builds a small network in code with the dh_netbuild_* API, breaks exactly one
 * thing, and asserts the full error line (`t.yaml:LINE:3: error: COMPONENT: message`) that
 * dh_network_validate() must produce, and that nothing else is reported. The base networks are
 * clean (asserted by their own tests), so every other error would be a false alarm.
 * Positions: every component gets its own line number, so the line in the expected text
 * also proves that the right component is blamed.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_network.h"
#include "dh_validate.h"

#define FILE_NAME "t.yaml"
#define C2K(t) ((t) + 273.15)

static dh_netbuild *B;
static dh_diag D, W;
static dh_network *NET;
static int next_line;

static void setup(void)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_create(&B, &e), DH_OK);
    dh_diag_init(&D, 0);
    dh_diag_init(&W, 0);
    NET = NULL;
    next_line = 1;
}

static void teardown(void)
{
    dh_network_destroy(&NET);
    dh_netbuild_destroy(&B);
    dh_diag_free(&D);
    dh_diag_free(&W);
}

static dh_srcpos at(int line) { return (dh_srcpos){FILE_NAME, line, 3}; }

/* ---- builders: each component on its own line ---------------------------------------------- */

static void node(const char *id, double z, int line)
{
    dh_node_spec s = {.id = id, .z = z, .pos = at(line)};
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_node(B, &s, &e), DH_OK);
}

/* A DN100 steel pipe, 100 m, 0.05 mm roughness, above ground with 80 mm mineral wool. */
static const dh_insulation_layer wool80[] = {{0.080, 0.040}};
static dh_pipe_spec pipe_spec(const char *id, const char *from, const char *to, int line)
{
    dh_pipe_spec s;
    dh_pipe_spec_init(&s);
    s.id = id;
    s.from = from;
    s.to = to;
    s.length = 100.0;
    s.diameter = 0.1071;       /* DN100, EN 10220 114.3 x 3.6 */
    s.outer_diameter = 0.1143;
    s.roughness = 0.05e-3;
    s.ins = wool80;
    s.n_ins = 1;
    s.pos = s.from_pos = s.to_pos = at(line);
    return s;
}
static void add_pipe(const dh_pipe_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_pipe(B, s, &e), DH_OK);
}
static void pipe(const char *id, const char *from, const char *to, int line)
{
    dh_pipe_spec s = pipe_spec(id, from, to, line);
    add_pipe(&s);
}

static void add_valve(const dh_valve_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_valve(B, s, &e), DH_OK);
}
static dh_valve_spec valve_spec(const char *id, const char *from, const char *to,
                                dh_valve_type type, int line)
{
    dh_valve_spec s;
    dh_valve_spec_init(&s);
    s.id = id;
    s.from = from;
    s.to = to;
    s.type = type;
    s.diameter = 0.1;
    s.kv = 100.0;
    s.pos = s.from_pos = s.to_pos = at(line);
    return s;
}

/* A circulation pump: 40 m shut-off head falling to 30 m at 100 m3/h. */
static const double pump_q[] = {0.0, 50.0 / 3600, 100.0 / 3600};
static const double pump_h[] = {40.0, 37.0, 30.0};
static dh_pump_spec pump_spec(const char *id, const char *from, const char *to, int line)
{
    dh_pump_spec s;
    dh_pump_spec_init(&s);
    s.id = id;
    s.from = from;
    s.to = to;
    s.curve_flow = pump_q;
    s.curve_head = pump_h;
    s.n_curve = 3;
    s.pos = s.from_pos = s.to_pos = at(line);
    return s;
}
static void add_pump(const dh_pump_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_pump(B, s, &e), DH_OK);
}

static dh_source_spec source_spec(const char *id, const char *at_node, dh_medium m, double p_abs,
                                  double T, int line)
{
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.id = id;
    s.node = at_node;
    s.type = DH_SOURCE_FIXED_PRESSURE;
    s.medium = m;
    s.pressure = p_abs;
    s.temperature = T;
    s.pos = s.node_pos = at(line);
    return s;
}
static void add_source(const dh_source_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_source(B, s, &e), DH_OK);
}
static void source(const char *id, const char *at_node, dh_medium m, double p_abs, double T,
                   int line)
{
    dh_source_spec s = source_spec(id, at_node, m, p_abs, T, line);
    add_source(&s);
}

static dh_consumer_spec steam_consumer(const char *id, const char *at_node, int line)
{
    dh_consumer_spec s;
    dh_consumer_spec_init(&s);
    s.id = id;
    s.node = at_node;
    s.type = DH_CONSUMER_STEAM;
    s.demand_mass_flow = 1.0;
    s.pos = s.node_pos = at(line);
    return s;
}
static dh_consumer_spec water_consumer(const char *id, const char *supply, const char *ret,
                                       int line)
{
    dh_consumer_spec s;
    dh_consumer_spec_init(&s);
    s.id = id;
    s.node = supply;
    s.return_node = ret;
    s.type = DH_CONSUMER_HEAT;
    s.demand_heat = 500e3;
    s.supply_temperature = C2K(110.0);
    s.return_temperature = C2K(60.0);
    s.pos = s.node_pos = s.return_pos = at(line);
    return s;
}
static void add_consumer(const dh_consumer_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_consumer(B, s, &e), DH_OK);
}

static dh_substation_spec substation_spec(const char *id, const char *st, const char *in,
                                          const char *out, int line)
{
    dh_substation_spec s;
    dh_substation_spec_init(&s);
    s.id = id;
    s.steam_node = st;
    s.water_in = in;
    s.water_out = out;
    s.supply_temperature = C2K(110.0);
    s.condensate_temperature = C2K(80.0);
    s.pos = s.steam_pos = s.in_pos = s.out_pos = at(line);
    return s;
}
static void add_substation(const dh_substation_spec *s)
{
    dh_error e;
    ck_assert_int_eq(dh_netbuild_add_substation(B, s, &e), DH_OK);
}

/* ---- base networks ----------------------------------------------------------------------------
 * Steam (lines 1-6): header S -- P1 -- A -- P2 -- B, source PLANT at S: 1.0 MPa abs, 250 degC
 * (superheated: Tsat(1 MPa) = 179.89 degC, IF97 Table 35), steam consumer K1 at B.
 * Water (lines 11-20): supply WS -- P11 -- W1, return R1 -- P12 -- WR; consumer H1 from W1 to
 * R1; sources SUP at WS (0.8 MPa, 110 degC) and RET at WR (0.3 MPa, 60 degC) as the plant's
 * supply and return headers. */
static void steam_base(void)
{
    node("S", 0, 1);
    node("A", 0, 2);
    node("B", 0, 3);
    pipe("P1", "S", "A", 4);
    pipe("P2", "A", "B", 5);
    source("PLANT", "S", DH_MEDIUM_STEAM, 1.0e6, C2K(250.0), 6);
    dh_consumer_spec k = steam_consumer("K1", "B", 7);
    add_consumer(&k);
}

static void water_base(void)
{
    node("WS", 0, 11);
    node("W1", 0, 12);
    node("R1", 0, 13);
    node("WR", 0, 14);
    pipe("P11", "WS", "W1", 15);
    pipe("P12", "R1", "WR", 16);
    source("SUP", "WS", DH_MEDIUM_WATER, 0.8e6, C2K(110.0), 17);
    source("RET", "WR", DH_MEDIUM_WATER, 0.3e6, C2K(60.0), 18);
    dh_consumer_spec h = water_consumer("H1", "W1", "R1", 19);
    add_consumer(&h);
}

/* Builds (must succeed) and validates; returns the validation status. */
static dh_status validate(void)
{
    dh_status st = dh_netbuild_finish(B, &NET, &D);
    if (st != DH_OK) dh_diag_print(&D, stderr);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(NET);
    return dh_network_validate_warn(NET, &D, &W);
}

static void dump(const char *what, const dh_diag *d)
{
    for (size_t i = 0; i < d->count; i++) {
        char buf[1024];
        fprintf(stderr, "  %s[%zu] %s\n", what, i, dh_error_format(&d->items[i], buf, sizeof buf));
    }
}

/* Asserts that `d` holds exactly `n` entries and that one of them formats as `text`
 * (for warnings the "error: " tag of dh_error_format stands in for "warning: "). */
static void expect_in(const dh_diag *d, const char *what, size_t n, const char *text)
{
    int found = 0;
    for (size_t i = 0; i < d->count; i++) {
        char buf[1024];
        if (!strcmp(dh_error_format(&d->items[i], buf, sizeof buf), text)) found = 1;
    }
    if (!found || d->count != n) {
        fprintf(stderr, "expected %zu %s(s), one of them:\n  %s\ngot:\n", n, what, text);
        dump(what, d);
    }
    ck_assert_msg(found, "%s not found: %s", what, text);
    ck_assert_uint_eq(d->count, n);
}

/* The one error this test is about, and nothing else. */
static void expect_only(const char *text)
{
    ck_assert_int_eq(validate(), DH_ERR_INPUT);
    expect_in(&D, "error", 1, text);
}

static void expect_clean(void)
{
    dh_status st = validate();
    if (D.count) dump("error", &D);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_uint_eq(D.count, 0);
}

/* ---- clean networks ------------------------------------------------------------------------ */

START_TEST(clean_steam)
{
    steam_base();
    expect_clean();
    ck_assert_uint_eq(W.count, 0);
}
END_TEST

START_TEST(clean_water)
{
    water_base();
    expect_clean();
    ck_assert_uint_eq(W.count, 0);
}
END_TEST

/* Steam network feeding a substation whose secondary loop has a pump and a pressurisation. */
START_TEST(clean_substation)
{
    steam_base();
    node("X_IN", 0, 31);
    node("X_OUT", 0, 32);
    node("Y", 0, 33);
    node("Y2", 0, 34);
    pipe("P31", "X_OUT", "Y", 35);
    pipe("P32", "Y2", "X_IN", 36);
    dh_pump_spec u = pump_spec("PU1", "Y2", "X_IN", 37);
    add_pump(&u);
    source("EXP", "X_IN", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", "B", "X_IN", "X_OUT", 39);
    add_substation(&x);
    dh_consumer_spec h = water_consumer("H2", "Y", "Y2", 40);
    add_consumer(&h);
    expect_clean();
}
END_TEST

/* Duplicate parallel links (a looped pair of mains) are legitimate. */
START_TEST(parallel_links_fine)
{
    steam_base();
    pipe("P1b", "S", "A", 8);
    expect_clean();
}
END_TEST

/* ---- pipes --------------------------------------------------------------------------------- */

START_TEST(pipe_length_not_positive)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.length = -5.0;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: length -5 m is not positive");
}
END_TEST

START_TEST(pipe_diameter_not_positive)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.diameter = 0.0;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: inner diameter 0 mm is not positive");
}
END_TEST

START_TEST(pipe_roughness_negative)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.roughness = -1e-4;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: roughness -0.1 mm is negative");
}
END_TEST

START_TEST(pipe_roughness_above_radius)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.diameter = 0.1;
    s.outer_diameter = 0.11;
    s.roughness = 0.06; /* 60 mm: e.g. 0.06 written in m where mm was meant */
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: roughness 60 mm is not smaller than the pipe radius "
                "50 mm (inner diameter 100 mm)");
}
END_TEST

/* e/D = 6 mm / 100 mm = 0.06 > 0.05: a warning, not an error */
START_TEST(pipe_roughness_beyond_moody_warns)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.diameter = 0.1;
    s.outer_diameter = 0.11;
    s.roughness = 0.006;
    add_pipe(&s);
    expect_clean();
    expect_in(&W, "warning", 1,
              "t.yaml:9:3: error: pipe P3: relative roughness e/D = 0.06 is beyond the Moody "
              "chart (Colebrook-White is fitted up to e/D = 0.05)");
}
END_TEST

START_TEST(pipe_outer_not_above_inner)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.diameter = 0.2;
    s.outer_diameter = 0.1143; /* inner and outer swapped by the author */
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: outer diameter 114.3 mm is not larger than the inner "
                "diameter 200 mm");
}
END_TEST

START_TEST(pipe_local_loss_negative)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.local_loss = -0.5;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: local loss coefficient -0.5 is negative");
}
END_TEST

START_TEST(pipe_wall_conductivity)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.wall_conductivity = 0.0;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: wall conductivity 0 W/(m K) is not positive");
}
END_TEST

START_TEST(pipe_insulation_layer)
{
    steam_base();
    static const dh_insulation_layer bad[] = {{0.05, 0.04}, {0.0, 0.04}, {0.03, -0.1}};
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.ins = bad;
    s.n_ins = 3;
    add_pipe(&s);
    ck_assert_int_eq(validate(), DH_ERR_INPUT);
    expect_in(&D, "error", 2, "t.yaml:9:3: error: pipe P3: insulation layer 2: thickness 0 mm is not positive");
    expect_in(&D, "error", 2, "t.yaml:9:3: error: pipe P3: insulation layer 3: conductivity -0.1 W/(m K) is not positive");
}
END_TEST

static dh_pipe_spec buried(const char *id, const char *from, const char *to, int line)
{
    dh_pipe_spec s = pipe_spec(id, from, to, line);
    s.laying = DH_LAYING_BURIED;
    s.depth = 1.2;
    s.soil_conductivity = 1.5; /* W/(m K), moist sandy soil */
    return s;
}

/* Insulation on a buried pipe is normal (pre-insulated bonded pipe, EN 253). */
START_TEST(buried_insulated_fine)
{
    water_base();
    node("W2", 0, 20);
    dh_pipe_spec s = buried("P13", "W1", "W2", 21);
    add_pipe(&s);
    expect_clean();
}
END_TEST

START_TEST(buried_without_soil)
{
    steam_base();
    dh_pipe_spec s = buried("P3", "A", "B", 9);
    s.soil_conductivity = 0.0;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: buried pipe without a soil conductivity (needs > 0 W/(m K))");
}
END_TEST

/* DN100 with 80 mm insulation: outer radius 0.05715 + 0.080 = 0.13715 m > depth 0.1 m */
START_TEST(buried_too_shallow)
{
    steam_base();
    dh_pipe_spec s = buried("P3", "A", "B", 9);
    s.depth = 0.1;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: buried at depth 0.1 m (ground surface to pipe axis), "
                "which is not more than its outer radius 0.13715 m (with insulation): the pipe "
                "would stick out of the ground");
}
END_TEST

START_TEST(surface_coefficient_negative)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.surface_coefficient = -10.0;
    add_pipe(&s);
    expect_only("t.yaml:9:3: error: pipe P3: surface coefficient -10 W/(m2 K) is negative");
}
END_TEST

/* Supply P11 and return P12 of the water base laid as a buried pair. */
static void water_pair(double spacing, dh_laying laying12)
{
    node("WS", 0, 11);
    node("W1", 0, 12);
    node("R1", 0, 13);
    node("WR", 0, 14);
    dh_pipe_spec a = buried("P11", "WS", "W1", 15);
    a.pair = "P12";
    a.pair_spacing = spacing;
    a.pair_pos = at(15);
    add_pipe(&a);
    dh_pipe_spec b = buried("P12", "R1", "WR", 16);
    b.laying = laying12;
    b.pair = "P11";
    b.pair_pos = at(16);
    add_pipe(&b);
    source("SUP", "WS", DH_MEDIUM_WATER, 0.8e6, C2K(110.0), 17);
    source("RET", "WR", DH_MEDIUM_WATER, 0.3e6, C2K(60.0), 18);
    dh_consumer_spec h = water_consumer("H1", "W1", "R1", 19);
    add_consumer(&h);
}

/* EN 13941 twin trench: spacing >= outer radii; here 2 x 0.13715 = 0.2743 m > 0.25 m */
START_TEST(pair_spacing_too_small)
{
    water_pair(0.25, DH_LAYING_BURIED);
    expect_only("t.yaml:15:3: error: pipe P11: pair spacing 0.25 m (centre to centre) is smaller "
                "than the outer radii of pipe P11 and pipe P12 with insulation (0.13715 m + "
                "0.13715 m): the pipes would overlap");
}
END_TEST

START_TEST(pair_spacing_fine)
{
    water_pair(0.40, DH_LAYING_BURIED);
    expect_clean();
}
END_TEST

START_TEST(pair_not_both_buried)
{
    water_pair(0.40, DH_LAYING_ABOVE_GROUND);
    expect_only("t.yaml:15:3: error: pipe P11: paired with pipe P12, but only buried pipes can "
                "be paired (pipe P12 is above ground)");
}
END_TEST

START_TEST(pair_inconsistent)
{
    water_base();
    node("W2", 0, 20);
    dh_pipe_spec a = buried("P13", "W1", "W2", 21);
    a.pair = "P14";
    a.pair_spacing = 0.5;
    add_pipe(&a);
    dh_pipe_spec b = buried("P14", "W1", "W2", 22);
    b.pair = "P15";
    b.pair_spacing = 0.5;
    add_pipe(&b);
    dh_pipe_spec c = buried("P15", "W1", "W2", 23);
    c.pair = "P14";
    c.pair_spacing = 0.5;
    add_pipe(&c);
    expect_only("t.yaml:21:3: error: pipe P13: paired with pipe P14, but pipe P14 is paired "
                "with pipe P15");
}
END_TEST

/* ---- valves -------------------------------------------------------------------------------- */

START_TEST(valve_opening)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_THROTTLE, 9);
    v.opening = 1.5;
    add_valve(&v);
    expect_only("t.yaml:9:3: error: valve V1: opening 1.5 is outside 0..1");
}
END_TEST

START_TEST(valve_throttle_without_characteristic)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_THROTTLE, 9);
    v.kv = 0.0;
    add_valve(&v);
    expect_only("t.yaml:9:3: error: valve V1: throttling valve without a characteristic: give kv or zeta");
}
END_TEST

START_TEST(valve_zeta_without_bore)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_THROTTLE, 9);
    v.kv = 0.0;
    v.zeta = 2.5;
    v.diameter = 0.0;
    add_valve(&v);
    expect_only("t.yaml:9:3: error: valve V1: zeta is given without the bore diameter it refers to");
}
END_TEST

START_TEST(prv_without_setpoint)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_PRESSURE_REDUCING, 9);
    add_valve(&v);
    expect_only("t.yaml:9:3: error: valve V1: pressure-reducing valve without a positive setpoint (0 MPa)");
}
END_TEST

/* Setpoint 1.1 MPa behind a 1.0 MPa header: the classic gauge/absolute mix-up (1.0 MPa(g) is
 * 1.101 MPa abs). The valve could never close down to regulate: an error. */
START_TEST(prv_setpoint_above_source)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_PRESSURE_REDUCING, 9);
    v.setpoint = 1.1e6;
    add_valve(&v);
    expect_only("t.yaml:9:3: error: valve V1: setpoint 1.1 MPa (absolute) is not below the highest "
                "pressure its inlet can see (1 MPa, from source PLANT): the valve can never "
                "regulate; is one of the two a gauge pressure?");
}
END_TEST

START_TEST(prv_setpoint_below_source_fine)
{
    steam_base();
    dh_valve_spec v = valve_spec("V1", "A", "B", DH_VALVE_PRESSURE_REDUCING, 9);
    v.setpoint = 0.6e6;
    add_valve(&v);
    expect_clean();
}
END_TEST

/* Water: a PRV 30 m below a 0.8 MPa header, behind a 40 m pump: the inlet can see up to
 * 0.8 MPa + 1000 * 9.80665 * (30 + 40) Pa = 1.48647 MPa, so 1.2 MPa can regulate, 1.5 cannot. */
static void water_prv(double setpoint)
{
    water_base();
    node("W2", -30.0, 20);
    node("W3", -30.0, 21);
    node("W4", -30.0, 22);
    dh_pump_spec u = pump_spec("PU1", "W1", "W2", 23);
    add_pump(&u);
    dh_valve_spec v = valve_spec("V1", "W2", "W3", DH_VALVE_PRESSURE_REDUCING, 24);
    v.setpoint = setpoint;
    add_valve(&v);
    pipe("P13", "W3", "W4", 25);
}

START_TEST(prv_water_bound_with_pump_and_head)
{
    water_prv(1.2e6);
    expect_clean();
}
END_TEST

START_TEST(prv_water_above_bound)
{
    water_prv(1.5e6);
    expect_only("t.yaml:24:3: error: valve V1: setpoint 1.5 MPa (absolute) is not below the highest "
                "pressure its inlet can see (1.486 MPa, from source SUP): the valve can never "
                "regulate; is one of the two a gauge pressure?");
}
END_TEST

/* A PRV 50 m above the 0.8 MPa header, no pump: the inlet sees at most
 * 0.8 MPa - 860 * 9.80665 * 50 Pa = 0.37831 MPa (the light end of 860..1000 kg/m3 gives the
 * higher pressure uphill). 0.35 MPa can regulate: with rho = 1000 the bound would be 0.30967
 * MPa and this valid valve would be rejected. 0.40 MPa cannot. */
static void water_prv_uphill(double setpoint)
{
    water_base();
    node("W2", 50.0, 20);
    node("W3", 50.0, 21);
    pipe("P13", "W1", "W2", 22);
    dh_valve_spec v = valve_spec("V1", "W2", "W3", DH_VALVE_PRESSURE_REDUCING, 24);
    v.setpoint = setpoint;
    add_valve(&v);
}

START_TEST(prv_water_uphill_fine)
{
    water_prv_uphill(0.35e6);
    expect_clean();
}
END_TEST

START_TEST(prv_water_uphill_above_bound)
{
    water_prv_uphill(0.40e6);
    expect_only("t.yaml:24:3: error: valve V1: setpoint 0.4 MPa (absolute) is not below the highest "
                "pressure its inlet can see (0.3783 MPa, from source SUP): the valve can never "
                "regulate; is one of the two a gauge pressure?");
}
END_TEST

/* ---- pumps --------------------------------------------------------------------------------- */

START_TEST(pump_in_steam)
{
    steam_base();
    dh_pump_spec u = pump_spec("PU1", "A", "B", 9);
    add_pump(&u);
    expect_only("t.yaml:9:3: error: pump PU1: pumps move water, but this pump is in the steam "
                "network (node A is steam)");
}
END_TEST

START_TEST(pump_without_curve)
{
    water_base();
    dh_pump_spec u = pump_spec("PU1", "WS", "W1", 20);
    u.n_curve = 0;
    add_pump(&u);
    expect_only("t.yaml:20:3: error: pump PU1: no pump curve (flow/head points)");
}
END_TEST

START_TEST(pump_curve_flow_not_increasing)
{
    water_base();
    static const double q[] = {0.0, 100.0 / 3600, 50.0 / 3600};
    dh_pump_spec u = pump_spec("PU1", "WS", "W1", 20);
    u.curve_flow = q;
    add_pump(&u);
    expect_only("t.yaml:20:3: error: pump PU1: curve point 3: flow 50 m3/h does not increase "
                "(previous point 100 m3/h)");
}
END_TEST

/* EPANET rejects such curves too (error 227, invalid head curve). */
START_TEST(pump_curve_head_rising)
{
    water_base();
    static const double h[] = {40.0, 42.0, 30.0};
    dh_pump_spec u = pump_spec("PU1", "WS", "W1", 20);
    u.curve_head = h;
    add_pump(&u);
    expect_only("t.yaml:20:3: error: pump PU1: curve point 2: head 42 m does not fall with flow "
                "(previous point 40 m)");
}
END_TEST

START_TEST(pump_speed)
{
    water_base();
    dh_pump_spec u = pump_spec("PU1", "WS", "W1", 20);
    u.speed = 0.0;
    add_pump(&u);
    expect_only("t.yaml:20:3: error: pump PU1: relative speed 0 is not positive");
}
END_TEST

/* ---- sources ------------------------------------------------------------------------------- */

START_TEST(source_pressure_not_positive)
{
    steam_base();
    source("AUX", "A", DH_MEDIUM_STEAM, 0.0, C2K(250.0), 9);
    expect_only("t.yaml:9:3: error: source AUX: pressure 0 MPa (absolute) is not positive");
}
END_TEST

START_TEST(source_temperature_not_positive)
{
    steam_base();
    dh_source_spec s = source_spec("AUX", "A", DH_MEDIUM_STEAM, 1.0e6, 0.0, 9);
    s.type = DH_SOURCE_FIXED_FLOW;
    s.mass_flow = 1.0;
    add_source(&s);
    expect_only("t.yaml:9:3: error: source AUX: temperature 0 K is not positive");
}
END_TEST

START_TEST(source_negative_flow)
{
    steam_base();
    dh_source_spec s = source_spec("AUX", "A", DH_MEDIUM_STEAM, 0.0, C2K(250.0), 9);
    s.type = DH_SOURCE_FIXED_FLOW;
    s.mass_flow = -2.0;
    add_source(&s);
    expect_only("t.yaml:9:3: error: source AUX: mass flow -2 kg/s is negative");
}
END_TEST

/* Tsat(1 MPa) = 453.035632 K = 179.89 degC (IAPWS-IF97 Table 35). 179.80 degC is 0.09 K below:
 * an error; 179.90 degC is 0.01 K above: fine. The 0.1 K window checks the saturation line to
 * better than 0.1 K, far inside what the message needs. */
START_TEST(steam_source_below_saturation)
{
    node("S", 0, 1);
    node("A", 0, 2);
    pipe("P1", "S", "A", 4);
    source("PLANT", "S", DH_MEDIUM_STEAM, 1.0e6, C2K(179.80), 6);
    expect_only("t.yaml:6:3: error: source PLANT: temperature 179.80 degC is below the saturation "
                "temperature 179.89 degC at 1 MPa (absolute): that is liquid water, not steam");
}
END_TEST

START_TEST(steam_source_saturated_fine)
{
    node("S", 0, 1);
    node("A", 0, 2);
    pipe("P1", "S", "A", 4);
    source("PLANT", "S", DH_MEDIUM_STEAM, 1.0e6, C2K(179.90), 6);
    expect_clean();
}
END_TEST

/* Tsat(0.8 MPa) = 170.41 degC (IF97 eq. 31; Table 35 brackets it): 175 degC water would flash. */
START_TEST(water_source_above_saturation)
{
    water_base();
    node("W9", 0, 20);
    pipe("P19", "WS", "W9", 21);
    source("HOT", "W9", DH_MEDIUM_WATER, 0.8e6, C2K(175.0), 22);
    expect_only("t.yaml:22:3: error: source HOT: temperature 175.00 degC is above the saturation "
                "temperature 170.41 degC at 0.8 MPa (absolute): the water would boil");
}
END_TEST

START_TEST(source_pressures_conflict)
{
    steam_base();
    source("PLANT2", "S", DH_MEDIUM_STEAM, 1.2e6, C2K(250.0), 9);
    expect_only("t.yaml:9:3: error: source PLANT2: sets 1.2 MPa at node S, where source PLANT sets 1 MPa");
}
END_TEST

START_TEST(source_medium_mismatch)
{
    steam_base();
    dh_source_spec s = source_spec("AUX", "S", DH_MEDIUM_WATER, 0.0, C2K(90.0), 9);
    s.type = DH_SOURCE_FIXED_FLOW;
    s.mass_flow = 1.0;
    add_source(&s);
    expect_only("t.yaml:9:3: error: source AUX: a water source on node S, which is in the steam network");
}
END_TEST

/* A source whose medium was never given (the builder API's default), on a connected node. */
START_TEST(source_medium_missing)
{
    steam_base();
    dh_source_spec s = source_spec("AUX", "A", DH_MEDIUM_UNKNOWN, 0.5e6, C2K(200.0), 9);
    s.type = DH_SOURCE_FIXED_FLOW;
    s.mass_flow = 1.0;
    add_source(&s);
    expect_only("t.yaml:9:3: error: source AUX: medium not given (steam or water)");
}
END_TEST

/* ---- consumers ----------------------------------------------------------------------------- */

START_TEST(consumer_negative_demand)
{
    steam_base();
    dh_consumer_spec k = steam_consumer("K2", "A", 9);
    k.demand_mass_flow = -1.0;
    add_consumer(&k);
    expect_only("t.yaml:9:3: error: consumer K2: mass-flow demand -1 kg/s is negative");
}
END_TEST

START_TEST(consumer_on_isolated_node)
{
    steam_base();
    node("Z", 0, 8);
    dh_consumer_spec k = steam_consumer("K2", "Z", 9);
    add_consumer(&k);
    expect_only("t.yaml:9:3: error: consumer K2: node Z is not connected to any pipe, valve or "
                "pump: nothing can supply it");
}
END_TEST

START_TEST(consumer_return_is_supply)
{
    water_base();
    dh_consumer_spec h = water_consumer("H2", "W1", "W1", 20);
    add_consumer(&h);
    expect_only("t.yaml:20:3: error: consumer H2: return_node is its supply node W1");
}
END_TEST

START_TEST(steam_consumer_on_water)
{
    water_base();
    dh_consumer_spec k = steam_consumer("K2", "W1", 20);
    add_consumer(&k);
    expect_only("t.yaml:20:3: error: consumer K2: steam consumer on node W1 of the water network "
                "(a water consumer is a heat consumer with a return_node)");
}
END_TEST

START_TEST(water_consumer_on_steam)
{
    steam_base();
    dh_consumer_spec h = water_consumer("H2", "A", "B", 9);
    add_consumer(&h);
    expect_only("t.yaml:9:3: error: consumer H2: water consumer (heat demand with a return_node) "
                "on node A of the steam network");
}
END_TEST

/* A heat consumer on a steam node (condensing) is fine without return_node. */
START_TEST(heat_consumer_on_steam_fine)
{
    steam_base();
    dh_consumer_spec h = water_consumer("H2", "A", NULL, 9);
    add_consumer(&h);
    expect_clean();
}
END_TEST

START_TEST(heat_consumer_on_water_without_return)
{
    water_base();
    dh_consumer_spec h = water_consumer("H2", "W1", NULL, 20);
    add_consumer(&h);
    expect_only("t.yaml:20:3: error: consumer H2: heat consumer on node W1 of the water network "
                "without a return_node");
}
END_TEST

START_TEST(consumer_return_hotter_than_supply)
{
    water_base();
    dh_consumer_spec h = water_consumer("H2", "W1", "R1", 20);
    h.supply_temperature = C2K(70.0);
    h.return_temperature = C2K(75.0);
    add_consumer(&h);
    expect_only("t.yaml:20:3: error: consumer H2: return temperature 75.0 degC is not below the "
                "supply temperature 70.0 degC: no heat can be taken from the water");
}
END_TEST

START_TEST(consumer_min_pressure_warns)
{
    steam_base();
    dh_consumer_spec k = steam_consumer("K2", "A", 9);
    k.min_pressure = 1.2e6;
    add_consumer(&k);
    expect_clean();
    expect_in(&W, "warning", 1,
              "t.yaml:9:3: error: consumer K2: minimum delivery pressure 1.2 MPa (absolute) is "
              "above the highest pressure its node can see (1 MPa, from source PLANT): it can "
              "never be met");
}
END_TEST

/* The steam base's header is at 250 degC: 260 degC can never arrive (nothing heats on the way). */
START_TEST(consumer_min_temperature_warns)
{
    steam_base();
    dh_consumer_spec k = steam_consumer("K2", "A", 9);
    k.min_temperature = C2K(260.0);
    add_consumer(&k);
    expect_clean();
    expect_in(&W, "warning", 1,
              "t.yaml:9:3: error: consumer K2: minimum delivery temperature 260.0 degC is above "
              "the hottest feed of its network (250.0 degC, source PLANT): it can never be met");
}
END_TEST

/* Water base: supply header 110 degC; a consumer designed for 120 degC supply. */
START_TEST(consumer_design_supply_warns)
{
    water_base();
    dh_consumer_spec h = water_consumer("H2", "W1", "R1", 20);
    h.supply_temperature = C2K(120.0);
    add_consumer(&h);
    expect_clean();
    expect_in(&W, "warning", 1,
              "t.yaml:20:3: error: consumer H2: design supply temperature 120.0 degC is above the "
              "hottest feed of its network (110.0 degC, source SUP)");
}
END_TEST

/* On a substation's secondary loop the substation is the hottest feed. */
START_TEST(consumer_behind_substation_warns)
{
    steam_base();
    node("X_IN", 0, 31);
    node("X_OUT", 0, 32);
    node("Y", 0, 33);
    node("Y2", 0, 34);
    pipe("P31", "X_OUT", "Y", 35);
    pipe("P32", "Y2", "X_IN", 36);
    source("EXP", "X_IN", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", "B", "X_IN", "X_OUT", 39);
    add_substation(&x);
    dh_consumer_spec h = water_consumer("H2", "Y", "Y2", 40);
    h.supply_temperature = C2K(115.0);
    add_consumer(&h);
    expect_clean();
    expect_in(&W, "warning", 1,
              "t.yaml:40:3: error: consumer H2: design supply temperature 115.0 degC is above the "
              "hottest feed of its network (110.0 degC, substation X1)");
}
END_TEST

/* ---- islands ------------------------------------------------------------------------------- */

/* Nodes M1-M2-M3 joined by pipes with a consumer and no source: one island error, one consumer
 * error. */
START_TEST(island_without_source)
{
    steam_base();
    node("M1", 0, 21);
    node("M2", 0, 22);
    node("M3", 0, 23);
    pipe("P21", "M1", "M2", 24);
    pipe("P22", "M2", "M3", 25);
    dh_consumer_spec k = steam_consumer("K3", "M3", 26);
    add_consumer(&k);
    ck_assert_int_eq(validate(), DH_ERR_INPUT);
    expect_in(&D, "error", 2, "t.yaml:21:3: error: node M1: this node and the 2 nodes connected to "
                              "it have no source: their medium (steam or water) is unknown and "
                              "nothing sets their pressure");
    expect_in(&D, "error", 2, "t.yaml:26:3: error: consumer K3: no source can supply it: its "
                              "network (3 nodes connected to node M1) has no source");
}
END_TEST

/* A steam network fed only by a fixed-flow source: nothing sets the pressure level. */
START_TEST(island_without_pressure_reference)
{
    node("S", 0, 1);
    node("A", 0, 2);
    node("B", 0, 3);
    pipe("P1", "S", "A", 4);
    pipe("P2", "A", "B", 5);
    dh_source_spec s = source_spec("PLANT", "S", DH_MEDIUM_STEAM, 0.0, C2K(250.0), 6);
    s.type = DH_SOURCE_FIXED_FLOW;
    s.mass_flow = 10.0;
    add_source(&s);
    expect_only("t.yaml:1:3: error: node S: the steam network of 3 nodes connected to this node "
                "has no pressure reference: give it a fixed-pressure source (the plant header)");
}
END_TEST

/* Water return network R1-WR with no return header: the consumer's water cannot go back. */
START_TEST(water_return_part_without_reference)
{
    node("WS", 0, 11);
    node("W1", 0, 12);
    node("R1", 0, 13);
    node("WR", 0, 14);
    pipe("P11", "WS", "W1", 15);
    pipe("P12", "R1", "WR", 16);
    source("SUP", "WS", DH_MEDIUM_WATER, 0.8e6, C2K(110.0), 17);
    dh_consumer_spec h = water_consumer("H1", "W1", "R1", 19);
    add_consumer(&h);
    expect_only("t.yaml:13:3: error: node R1: the 2 nodes connected to this node by pipes, valves "
                "and pumps are joined to the rest of the water network only through consumers "
                "and have no pressure reference: the water the consumers pass on cannot flow "
                "back; give this part a fixed-pressure source (e.g. the plant's return header)");
}
END_TEST

/* Supply and return joined by the plant's circulation pump, pressurised on the return: one
 * hydraulic part, one reference: fine. */
START_TEST(water_loop_with_pump_fine)
{
    node("WS", 0, 11);
    node("W1", 0, 12);
    node("R1", 0, 13);
    node("WR", 0, 14);
    pipe("P11", "WS", "W1", 15);
    pipe("P12", "R1", "WR", 16);
    dh_pump_spec u = pump_spec("PU1", "WR", "WS", 17);
    add_pump(&u);
    source("EXP", "WR", DH_MEDIUM_WATER, 0.3e6, C2K(60.0), 18);
    dh_consumer_spec h = water_consumer("H1", "W1", "R1", 19);
    add_consumer(&h);
    expect_clean();
}
END_TEST

START_TEST(bare_node)
{
    steam_base();
    node("ORPHAN", 0, 8);
    expect_only("t.yaml:8:3: error: node ORPHAN: not connected to any pipe, valve, pump, source, "
                "consumer or substation: its medium is unknown");
}
END_TEST

/* ---- substations --------------------------------------------------------------------------- */

/* The steam base with substation X1 from B to a secondary loop X_IN -> X_OUT -- P31 -- Y,
 * pressurised at X_IN (the secondary return) and returned by consumer H2 from Y to X_IN's
 * side through P32. */
static void substation_net(const char *st, const char *in, const char *out, double t_supply)
{
    steam_base();
    node("X_IN", 0, 31);
    node("X_OUT", 0, 32);
    node("Y", 0, 33);
    node("Y2", 0, 34);
    pipe("P31", "X_OUT", "Y", 35);
    pipe("P32", "Y2", "X_IN", 36);
    source("EXP", "X_IN", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", st, in, out, 39);
    x.supply_temperature = C2K(t_supply);
    add_substation(&x);
    dh_consumer_spec h = water_consumer("H2", "Y", "Y2", 40);
    h.supply_temperature = C2K(t_supply);
    add_consumer(&h);
}

START_TEST(substation_fine)
{
    substation_net("B", "X_IN", "X_OUT", 110.0);
    expect_clean();
}
END_TEST

/* Steam side put on the secondary water node Y (Y is water from the pressurisation EXP). */
START_TEST(substation_steam_side_in_water)
{
    substation_net("Y", "X_IN", "X_OUT", 110.0);
    pipe("P9", "B", "X_IN", 9); /* keep B used; this joins nothing wrong: B is steam */
    dh_diag tmp;
    dh_diag_init(&tmp, 0);
    dh_network *n = NULL;
    /* the builder itself sees the steam/water mix along P9: the network never gets built */
    ck_assert_int_eq(dh_netbuild_finish(B, &n, &tmp), DH_ERR_INPUT);
    ck_assert_ptr_null(n);
    dh_diag_free(&tmp);
}
END_TEST

/* Sides given on a source's own node: the builder seeds media from sources first and keeps
 * them, so only the validator can see the contradiction. */
START_TEST(substation_sides_wrong_media)
{
    steam_base();
    node("X_IN", 0, 31);
    node("X_OUT", 0, 32);
    pipe("P31", "X_OUT", "X_IN", 35);
    source("EXP", "X_IN", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", "X_IN", "X_OUT", "X_OUT", 39);
    add_substation(&x);
    ck_assert_int_eq(validate(), DH_ERR_INPUT);
    expect_in(&D, "error", 2, "t.yaml:39:3: error: substation X1: steam_node X_IN is in the water network");
    expect_in(&D, "error", 2, "t.yaml:39:3: error: substation X1: water_in and water_out are the same node X_OUT");
}
END_TEST

/* (on any other steam node the builder's medium walk already reports the mix) */
START_TEST(substation_water_side_in_steam)
{
    steam_base();
    node("X_OUT", 0, 32);
    node("Y", 0, 33);
    pipe("P31", "X_OUT", "Y", 35);
    source("EXP", "X_OUT", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", "B", "S", "X_OUT", 39);
    add_substation(&x);
    expect_only("t.yaml:39:3: error: substation X1: water_in node S is in the steam network");
}
END_TEST

START_TEST(substation_isolated_side)
{
    steam_base();
    node("X_IN", 0, 31);
    node("X_OUT", 0, 32);
    node("Y", 0, 33);
    pipe("P31", "X_OUT", "Y", 35);
    source("EXP", "X_OUT", DH_MEDIUM_WATER, 0.3e6, C2K(70.0), 38);
    dh_substation_spec x = substation_spec("X1", "B", "X_IN", "X_OUT", 39);
    add_substation(&x);
    expect_only("t.yaml:39:3: error: substation X1: water_in X_IN is not connected to any pipe, valve or pump");
}
END_TEST

/* 1.0 MPa steam condenses at 179.89 degC: 185 degC secondary water is out of reach. */
START_TEST(substation_supply_unreachable)
{
    substation_net("B", "X_IN", "X_OUT", 185.0);
    expect_only("t.yaml:39:3: error: substation X1: secondary supply temperature 185.0 degC cannot "
                "be reached: steam of at most 1 MPa (source PLANT) condenses at 179.9 degC");
}
END_TEST

START_TEST(null_network)
{
    ck_assert_int_eq(dh_network_validate(NULL, &D), DH_ERR_INTERNAL);
    ck_assert_uint_eq(D.count, 1);
}
END_TEST

/* Errors are reported all together, not only the first. */
START_TEST(all_errors_reported)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.length = 0.0;
    s.roughness = 0.2;
    add_pipe(&s);
    dh_pump_spec u = pump_spec("PU1", "A", "B", 10);
    add_pump(&u);
    node("ORPHAN", 0, 8);
    ck_assert_int_eq(validate(), DH_ERR_INPUT);
    ck_assert_uint_eq(D.count, 4);
}
END_TEST

START_TEST(print_warnings_format)
{
    steam_base();
    dh_pipe_spec s = pipe_spec("P3", "A", "B", 9);
    s.diameter = 0.1;
    s.outer_diameter = 0.11;
    s.roughness = 0.006;
    add_pipe(&s);
    expect_clean();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    dh_validate_print_warnings(&W, f);
    fclose(f);
    ck_assert_str_eq(buf, "t.yaml:9:3: warning: pipe P3: relative roughness e/D = 0.06 is beyond "
                          "the Moody chart (Colebrook-White is fitted up to e/D = 0.05)\n");
    free(buf);
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *t;
#define TC(name, ...)                                                                          \
    do {                                                                                       \
        t = tcase_create(name);                                                                \
        tcase_add_checked_fixture(t, setup, teardown);                                         \
        const TTest *fns_[] = {__VA_ARGS__};                                                         \
        for (size_t i_ = 0; i_ < sizeof fns_ / sizeof fns_[0]; i_++) tcase_add_test(t, fns_[i_]); \
        suite_add_tcase(s, t);                                                                 \
    } while (0)
    TC("clean", clean_steam, clean_water, clean_substation, parallel_links_fine, null_network,
       all_errors_reported, print_warnings_format);
    TC("pipes", pipe_length_not_positive, pipe_diameter_not_positive, pipe_roughness_negative,
       pipe_roughness_above_radius, pipe_roughness_beyond_moody_warns, pipe_outer_not_above_inner,
       pipe_local_loss_negative, pipe_wall_conductivity, pipe_insulation_layer,
       buried_insulated_fine, buried_without_soil, buried_too_shallow,
       surface_coefficient_negative, pair_spacing_too_small, pair_spacing_fine,
       pair_not_both_buried, pair_inconsistent);
    TC("valves_pumps", valve_opening, valve_throttle_without_characteristic,
       valve_zeta_without_bore, prv_without_setpoint, prv_setpoint_above_source,
       prv_setpoint_below_source_fine, prv_water_bound_with_pump_and_head, prv_water_above_bound,
       prv_water_uphill_fine, prv_water_uphill_above_bound,
       pump_in_steam, pump_without_curve, pump_curve_flow_not_increasing, pump_curve_head_rising,
       pump_speed);
    TC("sources", source_pressure_not_positive, source_temperature_not_positive,
       source_negative_flow, steam_source_below_saturation, steam_source_saturated_fine,
       water_source_above_saturation, source_pressures_conflict, source_medium_mismatch,
       source_medium_missing);
    TC("consumers", consumer_negative_demand, consumer_on_isolated_node,
       consumer_return_is_supply, steam_consumer_on_water, water_consumer_on_steam,
       heat_consumer_on_steam_fine, heat_consumer_on_water_without_return,
       consumer_return_hotter_than_supply, consumer_min_pressure_warns,
       consumer_min_temperature_warns, consumer_design_supply_warns, consumer_behind_substation_warns);
    TC("islands", island_without_source, island_without_pressure_reference,
       water_return_part_without_reference, water_loop_with_pump_fine, bare_node);
    TC("substations", substation_fine, substation_steam_side_in_water,
       substation_sides_wrong_media, substation_water_side_in_steam, substation_isolated_side,
       substation_supply_unreachable);
#undef TC
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validate_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
