/* testnets.c: small networks built in code for the steady-solver tests. */
#include "testnets.h"

#include <stdio.h>
#include <stdlib.h>

static dh_insulation_layer wool[1];

dh_netbuild *tn_begin(void)
{
    dh_netbuild *b = NULL;
    dh_error err;
    if (dh_netbuild_create(&b, &err)) return NULL;
    dh_ambient amb = {.air_temperature = TN_C0 + 5.0, .soil_temperature = TN_C0 + 8.0,
                      .atmospheric_pressure = 101325.0, .wind_speed = 2.0};
    dh_netbuild_set_ambient(b, &amb);
    dh_netbuild_set_name(b, "test");
    return b;
}

dh_network *tn_finish(dh_netbuild *b)
{
    dh_network *net = NULL;
    dh_diag diag;
    dh_diag_init(&diag, 20);
    if (dh_netbuild_finish(b, &net, &diag)) dh_diag_print(&diag, stderr);
    dh_diag_free(&diag);
    dh_netbuild_destroy(&b);
    return net;
}

void tn_node(dh_netbuild *b, const char *id, double z)
{
    dh_node_spec s = {.id = id, .z = z};
    dh_error err;
    dh_netbuild_add_node(b, &s, &err);
}

void tn_pipe(dh_netbuild *b, const char *id, const char *from, const char *to, double length,
             double diameter, double roughness, double ins, unsigned segments)
{
    dh_pipe_spec s;
    dh_pipe_spec_init(&s);
    s.id = id;
    s.from = from;
    s.to = to;
    s.length = length;
    s.diameter = diameter;
    s.outer_diameter = diameter * 1.08;
    s.roughness = roughness;
    s.segments = segments;
    s.laying = DH_LAYING_ABOVE_GROUND;
    s.surface_coefficient = 10.0;
    wool[0].thickness = ins;
    wool[0].conductivity = 0.04;
    s.ins = ins > 0 ? wool : NULL;
    s.n_ins = ins > 0 ? 1 : 0;
    dh_error err;
    dh_netbuild_add_pipe(b, &s, &err);
}

void tn_source_p(dh_netbuild *b, const char *id, const char *node, dh_medium medium, double p,
                 double T)
{
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.id = id;
    s.node = node;
    s.type = DH_SOURCE_FIXED_PRESSURE;
    s.medium = medium;
    s.pressure = p;
    s.temperature = T;
    dh_error err;
    dh_netbuild_add_source(b, &s, &err);
}

void tn_source_m(dh_netbuild *b, const char *id, const char *node, dh_medium medium, double m,
                 double T)
{
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.id = id;
    s.node = node;
    s.type = DH_SOURCE_FIXED_FLOW;
    s.medium = medium;
    s.mass_flow = m;
    s.temperature = T;
    dh_error err;
    dh_netbuild_add_source(b, &s, &err);
}

void tn_steam_consumer(dh_netbuild *b, const char *id, const char *node, double m)
{
    dh_consumer_spec s;
    dh_consumer_spec_init(&s);
    s.id = id;
    s.group = "";
    s.node = node;
    s.type = DH_CONSUMER_STEAM;
    s.demand_mass_flow = m;
    dh_error err;
    dh_netbuild_add_consumer(b, &s, &err);
}

void tn_heat_consumer(dh_netbuild *b, const char *id, const char *node, const char *ret,
                      double Q, double Ts, double Tr)
{
    dh_consumer_spec s;
    dh_consumer_spec_init(&s);
    s.id = id;
    s.group = "";
    s.node = node;
    s.return_node = ret;
    s.type = DH_CONSUMER_HEAT;
    s.demand_heat = Q;
    s.supply_temperature = Ts;
    s.return_temperature = Tr;
    dh_error err;
    dh_netbuild_add_consumer(b, &s, &err);
}

/* Water ring: plant S (6 bar abs, 90 degC) -> A; ring A-B, A-C, C-B (C-B is drawn against its
 * flow: the big consumer sits at C, so the flow runs B -> C, negative); consumers B (0.5 MW) and
 * C (2 MW) return to RB, RC and through return pipes to the return header RS (2 bar, 50 degC). */
dh_network *tn_water_loop(void)
{
    dh_netbuild *b = tn_begin();
    const char *nodes[] = {"S", "A", "B", "C", "RS", "RB", "RC"};
    for (int i = 0; i < 7; i++) tn_node(b, nodes[i], i == 3 ? 5.0 : 0.0);
    tn_source_p(b, "PLANT", "S", DH_MEDIUM_WATER, 6e5, TN_C0 + 90);
    tn_source_p(b, "RET", "RS", DH_MEDIUM_WATER, 2e5, TN_C0 + 50);
    tn_pipe(b, "P1", "S", "A", 500, 0.2, 5e-5, 0.05, 0);
    tn_pipe(b, "P2", "A", "B", 300, 0.1, 5e-5, 0.05, 0);
    tn_pipe(b, "P3", "A", "C", 300, 0.15, 5e-5, 0.05, 0);
    tn_pipe(b, "P4", "C", "B", 200, 0.1, 5e-5, 0.05, 0);
    tn_pipe(b, "R1", "RB", "RS", 400, 0.15, 5e-5, 0.05, 0);
    tn_pipe(b, "R2", "RC", "RS", 400, 0.15, 5e-5, 0.05, 0);
    tn_heat_consumer(b, "CB", "B", "RB", 0.5e6, TN_C0 + 90, TN_C0 + 50);
    tn_heat_consumer(b, "CC", "C", "RC", 2.0e6, TN_C0 + 90, TN_C0 + 50);
    return tn_finish(b);
}

/* Steam main: 8 bar abs, 175 degC (4.6 K superheat) through 2 km of DN150 with thin insulation
 * to a 0.5 kg/s consumer: the steam condenses along the way (quality ~0.7 at the end). */
dh_network *tn_steam_wet(void)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "S", 0);
    tn_node(b, "E", 10);
    tn_source_p(b, "BOILER", "S", DH_MEDIUM_STEAM, 8e5, TN_C0 + 175);
    tn_pipe(b, "M1", "S", "E", 2000, 0.15, 4.5e-5, 0.02, 0);
    tn_steam_consumer(b, "PROC", "E", 0.5);
    return tn_finish(b);
}

/* Pump and every valve type: P0 (1.5 bar, 60 degC) -> pump PU -> N1 -> check valve CV -> N2 ->
 * throttle TV -> N3 -> pressure-reducing valve PRV (3 bar abs) -> N4 -> pipe -> N5 -> consumer
 * (0.5 MW, 60/40 degC) -> R1 -> pipe -> return header RS (1.5 bar, 40 degC). */
dh_network *tn_valves_pump(void)
{
    dh_netbuild *b = tn_begin();
    const char *nodes[] = {"P0", "N1", "N2", "N3", "N4", "N5", "R1", "RS"};
    for (int i = 0; i < 8; i++) tn_node(b, nodes[i], 0.0);
    tn_source_p(b, "PLANT", "P0", DH_MEDIUM_WATER, 1.5e5, TN_C0 + 60);
    tn_source_p(b, "RET", "RS", DH_MEDIUM_WATER, 1.5e5, TN_C0 + 40);
    static const double qc[] = {0.0, 0.01, 0.02}, hc[] = {40.0, 35.0, 25.0};
    dh_pump_spec pu;
    dh_pump_spec_init(&pu);
    pu.id = "PU";
    pu.from = "P0";
    pu.to = "N1";
    pu.curve_flow = qc;
    pu.curve_head = hc;
    pu.n_curve = 3;
    dh_error err;
    dh_netbuild_add_pump(b, &pu, &err);
    dh_valve_spec v;
    const char *vid[] = {"CV", "TV", "PRV"}, *vf[] = {"N1", "N2", "N3"}, *vt[] = {"N2", "N3", "N4"};
    dh_valve_type vty[] = {DH_VALVE_CHECK, DH_VALVE_THROTTLE, DH_VALVE_PRESSURE_REDUCING};
    double kv[] = {100, 50, 80};
    for (int i = 0; i < 3; i++) {
        dh_valve_spec_init(&v);
        v.id = vid[i];
        v.from = vf[i];
        v.to = vt[i];
        v.type = vty[i];
        v.kv = kv[i];
        v.diameter = 0.08;
        v.setpoint = 3e5;
        dh_netbuild_add_valve(b, &v, &err);
    }
    tn_pipe(b, "P1", "N4", "N5", 300, 0.1, 5e-5, 0.04, 0);
    tn_pipe(b, "P2", "R1", "RS", 300, 0.1, 5e-5, 0.04, 0);
    tn_heat_consumer(b, "C1", "N5", "R1", 0.5e6, TN_C0 + 60, TN_C0 + 40);
    return tn_finish(b);
}

/* Steam (10 bar abs, 200 degC) -> 1 km DN100 -> SN; substation X condenses steam at SN (to
 * 80 degC) and heats the secondary from WR to WS at 85 degC; secondary: WS -> pipe -> WC ->
 * consumer (1 MW, 85/55 degC) -> WCR -> pipe -> WP -> pump -> WR, pressurised at the pump suction WP (2 bar). */
dh_network *tn_substation(void)
{
    dh_netbuild *b = tn_begin();
    const char *nodes[] = {"SS", "SN", "WR", "WS", "WC", "WCR", "WP"};
    for (int i = 0; i < 7; i++) tn_node(b, nodes[i], 0.0);
    tn_source_p(b, "BOILER", "SS", DH_MEDIUM_STEAM, 10e5, TN_C0 + 200);
    tn_source_p(b, "PRESS", "WP", DH_MEDIUM_WATER, 2e5, TN_C0 + 55);
    tn_pipe(b, "SM", "SS", "SN", 1000, 0.1, 4.5e-5, 0.06, 0);
    tn_pipe(b, "WP1", "WS", "WC", 400, 0.1, 5e-5, 0.04, 0);
    tn_pipe(b, "WP2", "WCR", "WP", 400, 0.1, 5e-5, 0.04, 0);
    tn_heat_consumer(b, "HC", "WC", "WCR", 1e6, TN_C0 + 85, TN_C0 + 55);
    static const double qc[] = {0.0, 0.01, 0.02}, hc[] = {30.0, 27.0, 20.0};
    dh_pump_spec pu;
    dh_pump_spec_init(&pu);
    pu.id = "SP";
    pu.from = "WP";
    pu.to = "WR";
    pu.curve_flow = qc;
    pu.curve_head = hc;
    pu.n_curve = 3;
    dh_error err;
    dh_netbuild_add_pump(b, &pu, &err);
    dh_substation_spec x;
    dh_substation_spec_init(&x);
    x.id = "X";
    x.steam_node = "SN";
    x.water_in = "WR";
    x.water_out = "WS";
    x.supply_temperature = TN_C0 + 85;
    x.condensate_temperature = TN_C0 + 80;
    dh_netbuild_add_substation(b, &x, &err);
    return tn_finish(b);
}

/* Branched steam network: 10 bar abs, 220 degC -> 1 km DN200 -> J; J -> 800 m DN150 -> C1
 * (3 kg/s); J -> 1.2 km DN100 -> C2 (1 kg/s); C1 -> 500 m DN80 -> C3 (0.5 kg/s). */
dh_network *tn_steam_branch(void)
{
    dh_netbuild *b = tn_begin();
    const char *nodes[] = {"S", "J", "C1", "C2", "C3"};
    for (int i = 0; i < 5; i++) tn_node(b, nodes[i], 2.0 * i);
    tn_source_p(b, "BOILER", "S", DH_MEDIUM_STEAM, 10e5, TN_C0 + 220);
    tn_pipe(b, "M", "S", "J", 1000, 0.2, 4.5e-5, 0.08, 0);
    tn_pipe(b, "B1", "J", "C1", 800, 0.15, 4.5e-5, 0.06, 0);
    tn_pipe(b, "B2", "J", "C2", 1200, 0.1, 4.5e-5, 0.06, 0);
    tn_pipe(b, "B3", "C1", "C3", 500, 0.08, 4.5e-5, 0.05, 0);
    tn_steam_consumer(b, "K1", "C1", 3.0);
    tn_steam_consumer(b, "K2", "C2", 1.0);
    tn_steam_consumer(b, "K3", "C3", 0.5);
    return tn_finish(b);
}
