/* sample_net.c: see sample_net.h. */
#include "sample_net.h"

#include <stdio.h>
#include <stdlib.h>

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
