/* snapshot.c: allocation of the per-time results arrays (see dh_results.h). */
#include "dh_results.h"

#include <stdlib.h>

int dh_snapshot_create(const dh_network *net, dh_snapshot **out)
{
    dh_snapshot *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return DH_ERR_NOMEM;
    s->n_nodes = net->nodes.n;
    s->n_links = net->links.n;
    s->n_consumers = net->consumers.n;
    s->n_sources = net->sources.n;
    size_t nn = s->n_nodes ? s->n_nodes : 1, nl = s->n_links ? s->n_links : 1;
    size_t nc = s->n_consumers ? s->n_consumers : 1, ns = s->n_sources ? s->n_sources : 1;
    int fail = 0;
#define A(field, n) fail |= ((s->field = calloc((n), sizeof(double))) == NULL)
    A(node_pressure, nn);
    A(node_temperature, nn);
    A(node_enthalpy, nn);
    A(node_quality, nn);
    A(link_mass_flow, nl);
    A(link_velocity, nl);
    A(link_pressure_drop, nl);
    A(link_heat_loss, nl);
    A(link_condensate, nl);
    A(consumer_mass_flow, nc);
    A(consumer_heat, nc);
    A(consumer_pressure, nc);
    A(consumer_temperature, nc);
    A(consumer_unmet, nc);
    A(consumer_pressure_margin, nc);
    A(source_mass_flow, ns);
    A(source_heat, ns);
    A(source_pressure, ns);
    A(source_temperature, ns);
#undef A
    if (fail) {
        dh_snapshot_destroy(&s);
        return DH_ERR_NOMEM;
    }
    *out = s;
    return DH_OK;
}

void dh_snapshot_destroy(dh_snapshot **ps)
{
    if (!ps || !*ps) return;
    dh_snapshot *s = *ps;
    double *arrays[] = {s->node_pressure, s->node_temperature, s->node_enthalpy, s->node_quality,
                        s->link_mass_flow, s->link_velocity, s->link_pressure_drop,
                        s->link_heat_loss, s->link_condensate, s->consumer_mass_flow,
                        s->consumer_heat, s->consumer_pressure, s->consumer_temperature,
                        s->consumer_unmet, s->consumer_pressure_margin, s->source_mass_flow,
                        s->source_heat, s->source_pressure, s->source_temperature};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) free(arrays[i]);
    free(s);
    *ps = NULL;
}
