/* sample_net.c: see sample_net.h. */
#include "sample_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* scale per snapshot array, in dh_snapshot order; check_h5.py has the same table */
static const double scale[19] = {
    1.0e6, 450.0, 2.8e6, 0.9,            /* node p, T, h, x */
    10.0, 20.0, 1.0e4, 5.0e3, 0.01,      /* link m, v, dp, Q, condensate */
    5.0, 2.0e6, 0.9e6, 440.0, 1.0, 5.0e4, /* consumer m, Q, p, T, unmet, margin */
    15.0, 4.0e7, 1.0e6, 460.0,           /* source m, Q, p, T */
};

double sample_value(int field, size_t k, size_t i)
{
    return scale[field] * (1.0 + 0.01 * (double)i + 0.1 * (double)k);
}

dh_network *sample_network(void)
{
    dh_netbuild *b = NULL;
    dh_error err;
    if (dh_netbuild_create(&b, &err)) return NULL;
    dh_netbuild_set_name(b, "sample");
    static const dh_node_spec nodes[] = {
        {"S", 0, 0, 10, {0}}, {"A", 100, 0, 12, {0}}, {"B", 200, 50, 11, {0}},
        {"C", 200, -50, 9, {0}}, {"D", 300, -50, 9, {0}},
    };
    for (size_t i = 0; i < 5; i++) dh_netbuild_add_node(b, &nodes[i], &err);
    const char *pipes[3][3] = {{"P1", "S", "A"}, {"P2", "A", "B"}, {"P3", "A", "C"}};
    const double len[3] = {100.0, 111.8, 111.8}, dia[3] = {0.3, 0.2, 0.2};
    for (size_t i = 0; i < 3; i++) {
        dh_pipe_spec p;
        dh_pipe_spec_init(&p);
        p.id = pipes[i][0], p.from = pipes[i][1], p.to = pipes[i][2];
        p.length = len[i], p.diameter = dia[i], p.roughness = 5e-5;
        dh_netbuild_add_pipe(b, &p, &err);
    }
    dh_valve_spec v;
    dh_valve_spec_init(&v);
    v.id = "V1", v.from = "C", v.to = "D", v.type = DH_VALVE_PRESSURE_REDUCING;
    v.setpoint = 0.6e6, v.diameter = 0.15;
    dh_netbuild_add_valve(b, &v, &err);
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.id = "SRC", s.node = "S", s.type = DH_SOURCE_FIXED_PRESSURE, s.medium = DH_MEDIUM_STEAM;
    s.pressure = 1.0e6, s.temperature = 473.15;
    dh_netbuild_add_source(b, &s, &err);
    dh_consumer_spec c;
    dh_consumer_spec_init(&c);
    c.id = "K1", c.group = "chemical", c.node = "B", c.type = DH_CONSUMER_STEAM;
    c.demand_mass_flow = 5.0, c.min_pressure = 0.8e6;
    dh_netbuild_add_consumer(b, &c, &err);
    dh_consumer_spec_init(&c);
    c.id = "K2", c.group = "", c.node = "D", c.type = DH_CONSUMER_HEAT;
    c.demand_heat = 2.0e6, c.return_temperature = 353.15;
    dh_netbuild_add_consumer(b, &c, &err);
    dh_network *net = NULL;
    dh_diag diag;
    dh_diag_init(&diag, 10);
    if (dh_netbuild_finish(b, &net, &diag)) dh_diag_print(&diag, stderr);
    dh_diag_free(&diag);
    dh_netbuild_destroy(&b);
    return net;
}

void sample_fill(dh_snapshot *s, size_t k)
{
    double *arrays[19] = {s->node_pressure, s->node_temperature, s->node_enthalpy,
                          s->node_quality, s->link_mass_flow, s->link_velocity,
                          s->link_pressure_drop, s->link_heat_loss, s->link_condensate,
                          s->consumer_mass_flow, s->consumer_heat, s->consumer_pressure,
                          s->consumer_temperature, s->consumer_unmet,
                          s->consumer_pressure_margin, s->source_mass_flow, s->source_heat,
                          s->source_pressure, s->source_temperature};
    size_t n[19] = {s->n_nodes, s->n_nodes, s->n_nodes, s->n_nodes, s->n_links, s->n_links,
                    s->n_links, s->n_links, s->n_links, s->n_consumers, s->n_consumers,
                    s->n_consumers, s->n_consumers, s->n_consumers, s->n_consumers,
                    s->n_sources, s->n_sources, s->n_sources, s->n_sources};
    for (int f = 0; f < 19; f++)
        for (size_t i = 0; i < n[f]; i++) arrays[f][i] = sample_value(f, k, i);
    s->time = 3600.0 * (double)k;
}

void sample_plant_fill(dh_out_plant *p, size_t k)
{
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "sample-chp");
    snprintf(p->header_source, sizeof p->header_source, "SRC");
    p->n_boilers = 2, p->n_turbines = 1;
    double kk = (double)k;
    for (size_t i = 0; i < 2; i++) {
        snprintf(p->boiler_id[i], DH_OUT_PLANT_ID, "B%zu", i + 1);
        p->boiler_rated_flow[i] = 36.0;
        p->boiler_min_load[i] = 0.35;
        p->boiler_in_service[i] = 1;
        p->boiler_steam_flow[i] = 20.0 + (double)i + kk; /* kg/s */
        p->boiler_load[i] = p->boiler_steam_flow[i] / 36.0;
        p->boiler_fuel_flow[i] = 3.0 + 0.1 * (double)i + 0.1 * kk;
        p->boiler_efficiency[i] = 0.89;
    }
    snprintf(p->turbine_id[0], DH_OUT_PLANT_ID, "T1");
    p->turbine_max_power[0] = 24e6;
    p->turbine_max_extraction[0] = 36.0;
    p->turbine_in_service[0] = 1;
    p->turbine_throttle[0] = 30.0 + kk;
    p->turbine_extraction[0] = 25.0 + kk;
    p->turbine_condensing[0] = 5.0;
    p->turbine_power[0] = 15e6 + 1e5 * kk;
    p->turbine_extraction_pressure[0] = 1.0e6;
    snprintf(p->prds_id, sizeof p->prds_id, "PRDS1");
    p->prds_capacity = 36.0;
    p->prds_inlet_flow = 11.0 + kk;                 /* boilers 41 + 2k = throttle + PRDS inlet */
    p->prds_spray_flow = 1.5;
    p->prds_flow = p->prds_inlet_flow + p->prds_spray_flow;
    p->main_steam_flow = 41.0 + 2 * kk;
    p->header_demand = p->header_flow = p->turbine_extraction[0] + p->prds_flow;
    p->header_pressure = p->header_set_pressure = 1.0e6;
    p->header_temperature = 473.15;
    p->electric_power = p->turbine_power[0];
    p->fuel_flow = p->boiler_fuel_flow[0] + p->boiler_fuel_flow[1];
    p->capacity = 80.0;
    p->reserve = p->capacity - p->header_flow;
    p->efficiency = 0.8;
    /* step 0: N-1 holds; later steps: fails, binding limits and per-consumer shortfalls */
    p->n1_boiler = 1;
    p->n1_capacity = 38.0; /* demand 37.5 + 2k kg/s: holds at step 0, fails after */
    p->n1_margin = p->n1_capacity - p->header_demand;
    p->n1_verdict = p->n1_margin >= 0 ? 1 : 0;
    p->n1_shortfall = p->n1_margin < 0 ? -p->n1_margin : 0;
    p->n1_solved = 0;
    p->n1_header_pressure = p->n1_header_flow = p->n1_unmet_steam = p->n1_unmet_heat = NAN;
    if (p->n1_verdict == 0) {
        static double unmet[SAMPLE_CONSUMERS];
        unmet[0] = 2.5 * kk;   /* K1 steam, kg/s */
        unmet[1] = 1.0e5 * kk; /* K2 heat, W */
        p->n1_solved = 1;
        p->n1_header_pressure = 0.7e6;
        p->n1_header_flow = 38.0;
        p->n1_unmet_steam = unmet[0];
        p->n1_unmet_heat = unmet[1];
        p->n1_consumer_unmet = unmet;
        snprintf(p->n1_limits_text, sizeof p->n1_limits_text, "boiler capacity");
        snprintf(p->binding_text, sizeof p->binding_text, "boiler capacity, PRDS capacity");
    }
    p->network_solves = 1 + (double)k;
}
