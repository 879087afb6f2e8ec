/* out_plant.c: the CHP plant in the results file: /network/plant (unit tables) and
 * /results/plant (dispatch, header, totals, N-1 per time step). Layout: docs/results.md.
 *
 * Exports dh_out_plant_fill (dh_output.h: a coupled solve flattened to dh_out_plant) and, through
 * out_internal.h, the writer (dh_h5_plant_create / _write / _close, driven by
 * dh_out_append_plant in out_h5.c) and the reader (dh_h5_plant_read, used by report.c). One
 * table (fields[] below) drives both directions, so what is written is what is read back.
 * Rows are written straight to the file, one per call (a plant row is ~60 numbers: buffering
 * them as out_h5.c does for the network arrays would not pay).
 */
#include <hdf5.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_output.h"
#include "dh_plant_couple.h"
#include "out_internal.h"

/* ---- a coupled solve -> dh_out_plant --------------------------------------------------------- */

/* "boiler capacity, PRDS capacity": the names of the DH_LIMIT_* bits set in `bits`. */
static void limits_text(unsigned bits, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < DH_LIMIT_COUNT; k++)
        if (bits & (1u << k))
            n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? ", " : "",
                                  dh_plant_limit_name(1u << k));
}

void dh_out_plant_fill(const dh_plant_params *prm, const dh_plant_coupling *o,
                       const dh_network *net, const dh_snapshot *n1, dh_out_plant *p)
{
    const dh_plant_result *r = &o->plant;
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "%s", prm->id);
    if (net && o->source < net->sources.n)
        snprintf(p->header_source, sizeof p->header_source, "%s", net->sources.id[o->source]);
    p->n_boilers = prm->n_boilers < DH_OUT_PLANT_UNITS ? prm->n_boilers : DH_OUT_PLANT_UNITS;
    p->n_turbines = prm->n_turbines < DH_OUT_PLANT_UNITS ? prm->n_turbines : DH_OUT_PLANT_UNITS;
    for (size_t i = 0; i < p->n_boilers; i++) {
        const dh_boiler_params *b = &prm->boiler[i];
        const dh_boiler_state *s = &r->boiler[i];
        snprintf(p->boiler_id[i], DH_OUT_PLANT_ID, "%s", b->id);
        p->boiler_rated_flow[i] = b->rated_flow;
        p->boiler_min_load[i] = b->min_load;
        p->boiler_in_service[i] = r->boiler_on[i] ? 1 : 0;
        p->boiler_load[i] = r->boiler_on[i] ? s->load : 0;
        p->boiler_steam_flow[i] = r->boiler_on[i] ? s->steam_flow : 0;
        p->boiler_fuel_flow[i] = r->boiler_on[i] ? s->fuel_flow : 0;
        p->boiler_efficiency[i] = r->boiler_on[i] ? s->efficiency : NAN;
    }
    for (size_t i = 0; i < p->n_turbines; i++) {
        const dh_turbine_params *t = &prm->turbine[i];
        const dh_turbine_state *s = &r->turbine[i];
        bool on = r->turbine_on[i];
        snprintf(p->turbine_id[i], DH_OUT_PLANT_ID, "%s", t->id);
        p->turbine_max_power[i] = t->max_power;
        p->turbine_max_extraction[i] = t->max_extraction;
        p->turbine_in_service[i] = on ? 1 : 0;
        p->turbine_power[i] = on ? s->electric_power : 0;
        p->turbine_extraction[i] = on ? s->extraction_flow : 0;
        p->turbine_condensing[i] = on ? s->lp_flow : 0;
        p->turbine_throttle[i] = on ? s->throttle_flow : 0;
        p->turbine_extraction_pressure[i] = on ? s->p_extraction : NAN;
    }
    snprintf(p->prds_id, sizeof p->prds_id, "%s", prm->prds.id);
    p->prds_capacity = prm->prds.capacity;
    p->prds_flow = r->prds_flow;
    p->prds_inlet_flow = r->prds.inlet_flow;
    p->prds_spray_flow = r->prds.spray_flow;
    p->extraction_spray_flow = r->extraction_spray_flow;
    p->main_steam_flow = r->main_steam_flow;
    p->header_demand = o->demand;
    p->header_flow = r->header_flow;
    p->header_pressure = o->header_pressure;
    p->header_temperature = r->header_temperature;
    p->header_set_pressure = o->set_pressure;
    p->flow_limited = o->flow_limited ? 1 : 0;
    p->shortfall = o->shortfall;
    p->unmet_steam = o->unmet_steam;
    p->unmet_heat = o->unmet_heat;
    p->electric_power = r->electric_power;
    p->fuel_flow = r->fuel_flow;
    p->fuel_heat = r->fuel_heat;
    p->heat_supplied = r->heat_supplied;
    p->efficiency = r->efficiency;
    p->heat_to_power = r->heat_to_power;
    p->capacity = r->capacity;
    p->reserve = r->reserve;
    /* the limits that bind: those of the dispatch of the demand at the set pressure, and, when
     * the header is flow-limited, those at their bound in the final state (the final dispatch
     * is of the deliverable flow at a lower pressure and binds nothing itself) */
    p->binding = o->demand_binding | r->binding;
    if (o->flow_limited) p->binding |= r->active;
    limits_text(p->binding, p->binding_text, sizeof p->binding_text);
    p->mass_balance = o->mass_balance;
    p->energy_balance = o->energy_balance;
    p->network_solves = o->network_solves;
    p->n1_verdict = !o->n1_checked ? -1 : o->n1_holds ? 1 : 0;
    p->n1_boiler = o->n1_checked ? o->n1_boiler : -1;
    p->n1_capacity = o->n1_checked ? o->n1_capacity : NAN;
    p->n1_margin = o->n1_checked ? o->n1_margin : NAN;
    p->n1_shortfall = o->n1_checked ? fmax(-o->n1_margin, 0) : NAN;
    p->n1_solved = !o->n1_solved ? 0 : o->n1_converged ? 1 : -1;
    bool solved = o->n1_solved && o->n1_converged;
    p->n1_header_pressure = solved ? o->n1_header_pressure : NAN;
    p->n1_header_flow = solved ? o->n1_header_flow : NAN;
    p->n1_unmet_steam = solved ? o->n1_unmet_steam : NAN;
    p->n1_unmet_heat = solved ? o->n1_unmet_heat : NAN;
    p->n1_consumer_unmet = solved && n1 ? n1->consumer_unmet : NULL;
    if (solved) limits_text(o->n1_limits, p->n1_limits_text, sizeof p->n1_limits_text);
    p->n1_shed_pressure = o->n1_shed_checked ? o->n1_shed_pressure : NAN;
    p->n1_shed_flow = o->n1_shed_checked ? o->n1_shed : NAN;
    p->n1_shed_heat = o->n1_shed_checked ? o->n1_shed_heat : NAN;
    if (o->n1_shed_checked)
        snprintf(p->n1_shed_rule, sizeof p->n1_shed_rule, "proportional%s%s%s",
                 o->n1_shed_last[0] ? ", " : "", o->n1_shed_last, o->n1_shed_last[0] ? " last" : "");
    for (size_t k = 0, n = 0; o->n1_shed_checked && k < o->n1_shed_n_groups; k++)
        if (o->n1_shed_group_flow[k] > 0 && n < sizeof p->n1_shed_text)
            n += (size_t)snprintf(p->n1_shed_text + n, sizeof p->n1_shed_text - n,
                                  "%s%s %.0f %% %.1f t/h", n ? ", " : "",
                                  o->n1_shed_group[k][0] ? o->n1_shed_group[k] : "(no group)",
                                  100 * o->n1_shed_group_fraction[k],
                                  o->n1_shed_group_flow[k] * 3.6);
}

/* ---- the table of /results/plant --------------------------------------------------------- */

typedef enum pf_kind {
    PF_SCALAR,   /* [time] */
    PF_BOILER,   /* [time, boiler] */
    PF_TURBINE,  /* [time, turbine] */
    PF_PRDS,     /* [time, 1] */
    PF_CONSUMER, /* [time, consumer], from n1_consumer_unmet */
    PF_STRING,   /* [time] variable-length string, from a char[256] member */
} pf_kind;

typedef struct pf_field {
    const char *path, *units, *description;
    pf_kind kind;
    size_t offset; /* offsetof(dh_out_plant, ...) */
} pf_field;

#define P(f) offsetof(dh_out_plant, f)
static const pf_field fields[] = {
    {"boilers/in_service", "1", "1 when the boiler is committed (firing), 0 when not", PF_BOILER,
     P(boiler_in_service)},
    {"boilers/load", "1", "steam flow / rated flow (BMCR)", PF_BOILER, P(boiler_load)},
    {"boilers/steam_flow", "kg/s", "main steam flow at the superheater outlet", PF_BOILER,
     P(boiler_steam_flow)},
    {"boilers/fuel_flow", "kg/s", "fuel as fired", PF_BOILER, P(boiler_fuel_flow)},
    {"boilers/efficiency", "1", "boiler efficiency (LHV basis) at this load; NaN when off",
     PF_BOILER, P(boiler_efficiency)},
    {"turbines/in_service", "1", "1 when the turbine runs", PF_TURBINE, P(turbine_in_service)},
    {"turbines/electric_power", "W", "electric power at the generator terminals", PF_TURBINE,
     P(turbine_power)},
    {"turbines/extraction_flow", "kg/s", "controlled extraction to the network header (before "
     "its desuperheating spray)", PF_TURBINE, P(turbine_extraction)},
    {"turbines/condensing_flow", "kg/s", "LP flow to the condenser", PF_TURBINE,
     P(turbine_condensing)},
    {"turbines/throttle_flow", "kg/s", "main steam at the stop valve = extraction + condensing",
     PF_TURBINE, P(turbine_throttle)},
    {"turbines/extraction_pressure", "Pa", "absolute pressure in the extraction chamber; NaN "
     "when off", PF_TURBINE, P(turbine_extraction_pressure)},
    {"prds/flow", "kg/s", "PRDS outlet (reduced and desuperheated steam) to the header", PF_PRDS,
     P(prds_flow)},
    {"prds/inlet_flow", "kg/s", "main steam into the PRDS", PF_PRDS, P(prds_inlet_flow)},
    {"prds/spray_flow", "kg/s", "PRDS spray water", PF_PRDS, P(prds_spray_flow)},
    {"extraction_spray_flow", "kg/s", "desuperheating water sprayed into the extractions",
     PF_SCALAR, P(extraction_spray_flow)},
    {"main_steam_flow", "kg/s", "boilers' total = turbines' throttle + PRDS inlet", PF_SCALAR,
     P(main_steam_flow)},
    {"header/demand", "kg/s", "steam the network draws at the header set pressure", PF_SCALAR,
     P(header_demand)},
    {"header/flow", "kg/s", "steam the plant delivers to the header", PF_SCALAR, P(header_flow)},
    {"header/pressure", "Pa", "absolute header pressure (below the set point when flow-limited)",
     PF_SCALAR, P(header_pressure)},
    {"header/temperature", "K", "temperature of the delivered (mixed) steam", PF_SCALAR,
     P(header_temperature)},
    {"header/set_pressure", "Pa", "absolute header pressure set point", PF_SCALAR,
     P(header_set_pressure)},
    {"header/flow_limited", "1", "1 when the plant could not deliver the demand and the header "
     "pressure fell to where the network draws the plant's capacity", PF_SCALAR, P(flow_limited)},
    {"header/shortfall", "kg/s", "demand - delivered (0 when met)", PF_SCALAR, P(shortfall)},
    {"unmet_mass_flow", "kg/s", "steam consumers' unmet demand, all together", PF_SCALAR,
     P(unmet_steam)},
    {"unmet_heat", "W", "heat consumers' unmet demand, all together", PF_SCALAR, P(unmet_heat)},
    {"electric_power", "W", "electric power of all turbines", PF_SCALAR, P(electric_power)},
    {"fuel_flow", "kg/s", "fuel of all boilers", PF_SCALAR, P(fuel_flow)},
    {"fuel_heat", "W", "fuel heat input (LHV)", PF_SCALAR, P(fuel_heat)},
    {"heat_supplied", "W", "heat to the network: header flow x (h_header - h_feedwater)",
     PF_SCALAR, P(heat_supplied)},
    {"efficiency", "1", "first-law efficiency (electric power + heat supplied) / fuel heat",
     PF_SCALAR, P(efficiency)},
    {"heat_to_power", "1", "heat supplied / electric power (0 without power)", PF_SCALAR,
     P(heat_to_power)},
    {"capacity", "kg/s", "largest header flow with every available boiler", PF_SCALAR,
     P(capacity)},
    {"reserve", "kg/s", "capacity - delivered", PF_SCALAR, P(reserve)},
    {"binding", "", "limits that cap the plant when it falls short (\"\" when it does not)",
     PF_STRING, P(binding_text)},
    {"mass_balance", "kg/s", "plant header flow - network source flow", PF_SCALAR,
     P(mass_balance)},
    {"energy_balance", "W", "plant heat supplied - network source flow x (h_source - "
     "h_feedwater)", PF_SCALAR, P(energy_balance)},
    {"network_solves", "1", "network solves of the coupled solve (N-1 included)", PF_SCALAR,
     P(network_solves)},
    {"n1/verdict", "1", "N-1 (largest available boiler out): 1 holds, 0 fails, -1 not checked",
     PF_SCALAR, P(n1_verdict)},
    {"n1/boiler", "1", "0-based row in /network/plant/boilers of the boiler out, -1 none",
     PF_SCALAR, P(n1_boiler)},
    {"n1/capacity", "kg/s", "largest header flow with that boiler out", PF_SCALAR,
     P(n1_capacity)},
    {"n1/margin", "kg/s", "N-1 capacity - demand (negative: short)", PF_SCALAR, P(n1_margin)},
    {"n1/shortfall", "kg/s", "max(demand - N-1 capacity, 0)", PF_SCALAR, P(n1_shortfall)},
    {"n1/solved", "1", "1 the network was solved with the boiler out (N-1 fails), 0 not needed, "
     "-1 that solve did not converge", PF_SCALAR, P(n1_solved)},
    {"n1/header_pressure", "Pa", "absolute header pressure with the boiler out (NaN unless "
     "solved)", PF_SCALAR, P(n1_header_pressure)},
    {"n1/header_flow", "kg/s", "header flow with the boiler out (NaN unless solved)", PF_SCALAR,
     P(n1_header_flow)},
    {"n1/unmet_mass_flow", "kg/s", "steam consumers' unmet demand with the boiler out",
     PF_SCALAR, P(n1_unmet_steam)},
    {"n1/unmet_heat", "W", "heat consumers' unmet demand with the boiler out", PF_SCALAR,
     P(n1_unmet_heat)},
    {"n1/limits", "", "limits at their bound in the plant's dispatch with the boiler out (\"\" "
     "unless solved)", PF_STRING, P(n1_limits_text)},
    {"n1/shed_pressure", "Pa", "absolute header pressure held by shedding load with the boiler "
     "out (NaN unless computed)", PF_SCALAR, P(n1_shed_pressure)},
    {"n1/shed_mass_flow", "kg/s", "steam draw to shed to hold n1/shed_pressure", PF_SCALAR,
     P(n1_shed_flow)},
    {"n1/shed_heat", "W", "heat consumers' part of the shed, as heat", PF_SCALAR,
     P(n1_shed_heat)},
    {"n1/shed_groups", "", "shed per consumer group: \"group percent t/h, ...\"", PF_STRING,
     P(n1_shed_text)},
    {"n1/shed_rule", "", "the shedding rule: proportional to the draw, the named groups last",
     PF_STRING, P(n1_shed_rule)},
    {"n1/consumer_unmet", "kg/s or W", "[consumer]: unmet demand with the boiler out, kg/s for "
     "steam consumers and W for heat ones (/network/consumers/type); NaN unless solved",
     PF_CONSUMER, 0},
};
#undef P
#define N_PF (sizeof fields / sizeof fields[0])

/* Rows are buffered, chunk_rows time steps per dataset, and written as whole chunk rows
 * (one H5Dset_extent + H5Dwrite per dataset per chunk instead of per time step: per-step
 * writes of these small datasets cost ~18 % of a park year's run time). */
struct dh_h5_plant {
    hid_t d[N_PF];
    size_t n_boilers, n_turbines, n_consumers;
    size_t B;           /* rows per buffer (the chunk rows) */
    size_t row0, rows;  /* first buffered time step, rows buffered */
    double *buf[N_PF];  /* numeric fields: B x width (1-D fields: B) */
    char **sbuf[N_PF];  /* string fields: B strings (owned) */
};

static size_t pf_width(const dh_h5_plant *w, pf_kind k)
{
    switch (k) {
    case PF_BOILER: return w->n_boilers;
    case PF_TURBINE: return w->n_turbines;
    case PF_PRDS: return 1;
    case PF_CONSUMER: return w->n_consumers;
    default: return 0; /* 1-D */
    }
}

static int pf_rank(pf_kind k)
{
    return k == PF_SCALAR || k == PF_STRING ? 1 : 2;
}

static hid_t lcpl_make(void)
{
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(p, 1);
    H5Pset_char_encoding(p, H5T_CSET_UTF8);
    return p;
}

static int ud(hid_t d, const char *units, const char *description)
{
    return dh_h5_attr_str(d, "units", units) | dh_h5_attr_str(d, "description", description);
}

static int write_fixed(hid_t f, const char *path, hid_t ftype, hid_t mtype, const void *v,
                       size_t n, const char *units, const char *description)
{
    hsize_t dims[1] = {n};
    hid_t sp = H5Screate_simple(1, dims, NULL), lcpl = lcpl_make();
    hid_t d = H5Dcreate2(f, path, ftype, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int r = d < 0 || (n && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) ? -1 : 0;
    if (d >= 0) r |= ud(d, units, description), H5Dclose(d);
    H5Pclose(lcpl);
    H5Sclose(sp);
    return r;
}

static int write_ids(hid_t f, const char *path, const char (*ids)[DH_OUT_PLANT_ID], size_t n,
                     const char *description)
{
    const char *v[DH_OUT_PLANT_UNITS];
    for (size_t i = 0; i < n; i++) v[i] = ids[i];
    hid_t t = dh_h5_vlstr_type();
    int r = write_fixed(f, path, t, t, v, n, "", description);
    H5Tclose(t);
    return r;
}

static int write_tables(hid_t f, const dh_out_plant *p)
{
    hid_t lcpl = lcpl_make();
    hid_t g = H5Gcreate2(f, "/network/plant", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return -1;
    int r = dh_h5_attr_str(g, "id", p->id);
    r |= dh_h5_attr_str(g, "header_source", p->header_source);
    r |= dh_h5_attr_str(g, "description", "the CHP plant behind the network source "
                                          "header_source (docs/plant.md)");
    H5Gclose(g);
    const char *prds_id[1] = {p->prds_id};
    hid_t t = dh_h5_vlstr_type();
    r |= write_ids(f, "/network/plant/boilers/id", p->boiler_id, p->n_boilers, "boiler id");
    r |= write_fixed(f, "/network/plant/boilers/rated_flow", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                     p->boiler_rated_flow, p->n_boilers, "kg/s", "rated main steam flow (BMCR)");
    r |= write_fixed(f, "/network/plant/boilers/min_load", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                     p->boiler_min_load, p->n_boilers, "1",
                     "minimum stable load, fraction of the rated flow");
    r |= write_ids(f, "/network/plant/turbines/id", p->turbine_id, p->n_turbines, "turbine id");
    r |= write_fixed(f, "/network/plant/turbines/max_power", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                     p->turbine_max_power, p->n_turbines, "W", "rated electric power");
    r |= write_fixed(f, "/network/plant/turbines/max_extraction", H5T_IEEE_F64LE,
                     H5T_NATIVE_DOUBLE, p->turbine_max_extraction, p->n_turbines, "kg/s",
                     "largest controlled extraction");
    r |= write_fixed(f, "/network/plant/prds/id", t, t, prds_id, 1, "", "PRDS id");
    r |= write_fixed(f, "/network/plant/prds/capacity", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                     &p->prds_capacity, 1, "kg/s", "outlet capacity");
    H5Tclose(t);
    return r;
}

dh_status dh_h5_plant_create(hid_t f, const dh_out_plant *p, size_t n_consumers,
                             size_t chunk_rows, dh_h5_plant **out, dh_error *err)
{
    *out = NULL;
    dh_h5_plant *w = calloc(1, sizeof *w);
    if (!w) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    for (size_t i = 0; i < N_PF; i++) w->d[i] = H5I_INVALID_HID;
    w->n_boilers = p->n_boilers;
    w->n_turbines = p->n_turbines;
    w->n_consumers = n_consumers;
    if (chunk_rows < 1) chunk_rows = 1;
    w->B = chunk_rows;
    int r = write_tables(f, p);
    for (size_t i = 0; i < N_PF && !r; i++) {
        size_t n = pf_rank(fields[i].kind) == 2 ? pf_width(w, fields[i].kind) : 1;
        if (fields[i].kind == PF_STRING)
            r = !(w->sbuf[i] = calloc(w->B, sizeof *w->sbuf[i]));
        else
            r = !(w->buf[i] = malloc(w->B * (n ? n : 1) * sizeof *w->buf[i]));
    }
    hid_t vls = dh_h5_vlstr_type();
    for (size_t i = 0; i < N_PF && !r; i++) {
        const pf_field *fd = &fields[i];
        int rank = pf_rank(fd->kind);
        size_t n = pf_width(w, fd->kind);
        hsize_t dims[2] = {0, n}, maxd[2] = {H5S_UNLIMITED, n ? n : 1};
        hsize_t chunk[2] = {chunk_rows, n ? n : 1};
        hid_t sp = H5Screate_simple(rank, dims, maxd);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE), lcpl = lcpl_make();
        H5Pset_chunk(dcpl, rank, chunk);
        hid_t type = fd->kind == PF_STRING ? vls : H5T_IEEE_F64LE;
        if (fd->kind != PF_STRING) {
            double nan = NAN;
            H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan);
        }
        if (fd->kind == PF_CONSUMER && n > 64) H5Pset_deflate(dcpl, 4);
        char path[128];
        snprintf(path, sizeof path, "/results/plant/%s", fd->path);
        w->d[i] = H5Dcreate2(f, path, type, sp, lcpl, dcpl, H5P_DEFAULT);
        H5Pclose(lcpl);
        H5Pclose(dcpl);
        H5Sclose(sp);
        char desc[400];
        snprintf(desc, sizeof desc, "%s: %s",
                 rank == 1                   ? "[time]"
                 : fd->kind == PF_BOILER     ? "[time, boiler]"
                 : fd->kind == PF_TURBINE    ? "[time, turbine]"
                 : fd->kind == PF_PRDS       ? "[time, 1]"
                                             : "[time, consumer]",
                 fd->description);
        r = w->d[i] < 0 ? -1 : ud(w->d[i], fd->units, desc);
    }
    H5Tclose(vls);
    if (!r) {
        hid_t g = H5Gopen2(f, "/results/plant", H5P_DEFAULT);
        r = g < 0 ? -1
                  : dh_h5_attr_str(g, "description",
                                   "the CHP plant's dispatch against the network's demand at its "
                                   "header, per time step (docs/plant.md, docs/results.md)");
        if (g >= 0) H5Gclose(g);
    }
    if (r) {
        dh_h5_plant_close(&w);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot create /results/plant");
    }
    *out = w;
    return DH_OK;
}

/* Writes the buffered rows [row0, row0 + rows) of every dataset. */
static dh_status plant_flush(dh_h5_plant *w, dh_error *err)
{
    if (!w->rows) return DH_OK;
    hid_t vls = dh_h5_vlstr_type();
    herr_t e = 0;
    for (size_t i = 0; i < N_PF && e >= 0; i++) {
        const pf_field *fd = &fields[i];
        int rank = pf_rank(fd->kind);
        size_t n = pf_width(w, fd->kind);
        hsize_t size[2] = {w->row0 + w->rows, n};
        hsize_t cur[2] = {0, 0};
        hid_t fs = H5Dget_space(w->d[i]);
        H5Sget_simple_extent_dims(fs, cur, NULL);
        H5Sclose(fs);
        if (cur[0] > size[0]) size[0] = cur[0];
        if (H5Dset_extent(w->d[i], size) < 0) {
            e = -1;
            break;
        }
        if (rank == 2 && !n) continue;
        hsize_t start[2] = {w->row0, 0}, count[2] = {w->rows, rank == 2 ? n : 1};
        fs = H5Dget_space(w->d[i]);
        hid_t ms = H5Screate_simple(rank, count, NULL);
        e = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
        if (e >= 0)
            e = fd->kind == PF_STRING
                    ? H5Dwrite(w->d[i], vls, ms, fs, H5P_DEFAULT, w->sbuf[i])
                    : H5Dwrite(w->d[i], H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, w->buf[i]);
        H5Sclose(ms);
        H5Sclose(fs);
    }
    H5Tclose(vls);
    for (size_t i = 0; i < N_PF; i++)
        if (w->sbuf[i])
            for (size_t r = 0; r < w->rows; r++) free(w->sbuf[i][r]), w->sbuf[i][r] = NULL;
    size_t first = w->row0;
    w->row0 += w->rows;
    w->rows = 0;
    if (e < 0)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL,
                            "cannot write /results/plant, time steps from %zu", first);
    return DH_OK;
}

dh_status dh_h5_plant_write(dh_h5_plant *w, size_t row, const dh_out_plant *p, dh_error *err)
{
    if (p->n_boilers != w->n_boilers || p->n_turbines != w->n_turbines)
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                            "plant units changed between time steps");
    if (row != w->row0 + w->rows) { /* not the next row: write what is buffered, restart */
        dh_status st = plant_flush(w, err);
        if (st) return st;
        w->row0 = row;
    }
    size_t k = w->rows;
    for (size_t i = 0; i < N_PF; i++) {
        const pf_field *fd = &fields[i];
        size_t n = pf_width(w, fd->kind);
        const char *base = (const char *)p + fd->offset;
        if (fd->kind == PF_STRING) {
            w->sbuf[i][k] = strdup(base);
            if (!w->sbuf[i][k]) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        } else if (fd->kind == PF_CONSUMER) {
            for (size_t c = 0; c < n; c++)
                w->buf[i][k * n + c] = p->n1_consumer_unmet ? p->n1_consumer_unmet[c] : NAN;
        } else if (fd->kind == PF_PRDS || fd->kind == PF_SCALAR) {
            memcpy(&w->buf[i][k], base, sizeof(double));
        } else {
            memcpy(&w->buf[i][k * n], base, n * sizeof(double));
        }
    }
    w->rows++;
    return w->rows == w->B ? plant_flush(w, err) : DH_OK;
}

dh_status dh_h5_plant_flush(dh_h5_plant *w, dh_error *err)
{
    return w ? plant_flush(w, err) : DH_OK;
}

void dh_h5_plant_close(dh_h5_plant **pw)
{
    if (!pw || !*pw) return;
    dh_h5_plant *w = *pw;
    for (size_t i = 0; i < N_PF; i++) {
        if (w->d[i] > 0) H5Dclose(w->d[i]);
        if (w->sbuf[i])
            for (size_t r = 0; r < w->B; r++) free(w->sbuf[i][r]);
        free(w->sbuf[i]);
        free(w->buf[i]);
    }
    free(w);
    *pw = NULL;
}

/* ---- reading back -------------------------------------------------------------------------- */

static void read_ids(hid_t f, const char *path, char (*ids)[DH_OUT_PLANT_ID], size_t *n)
{
    size_t m = 0;
    char **s = dh_h5_read_strings(f, path, &m);
    if (m > DH_OUT_PLANT_UNITS) m = DH_OUT_PLANT_UNITS;
    for (size_t i = 0; i < m; i++) snprintf(ids[i], DH_OUT_PLANT_ID, "%s", s[i]);
    dh_h5_free_strings(s, m);
    if (n) *n = m;
}

static void read_vec(hid_t f, const char *path, double *out, size_t n)
{
    size_t m = 0;
    double *v = dh_h5_read_doubles(f, path, &m);
    for (size_t i = 0; i < n; i++) out[i] = v && i < m ? v[i] : NAN;
    free(v);
}

/* Element `row` of a 1-D double dataset. */
static int read_at(hid_t f, const char *path, size_t row, double *out)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t fs = H5Dget_space(d);
    hsize_t start[1] = {row}, count[1] = {1};
    hid_t ms = H5Screate_simple(1, count, NULL);
    herr_t r = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (r >= 0) r = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out);
    H5Sclose(ms), H5Sclose(fs), H5Dclose(d);
    return r < 0 ? -1 : 0;
}

int dh_h5_plant_read(hid_t f, size_t step, dh_out_plant *p, double *n1_unmet, size_t nc)
{
    memset(p, 0, sizeof *p);
    if (H5Lexists(f, "/network", H5P_DEFAULT) <= 0 ||
        H5Lexists(f, "/network/plant", H5P_DEFAULT) <= 0 ||
        H5Lexists(f, "/results/plant", H5P_DEFAULT) <= 0)
        return 0;
    char *s = dh_h5_attr_get_str(f, "/network/plant", "id");
    snprintf(p->id, sizeof p->id, "%s", s ? s : "");
    free(s);
    s = dh_h5_attr_get_str(f, "/network/plant", "header_source");
    snprintf(p->header_source, sizeof p->header_source, "%s", s ? s : "");
    free(s);
    read_ids(f, "/network/plant/boilers/id", p->boiler_id, &p->n_boilers);
    read_ids(f, "/network/plant/turbines/id", p->turbine_id, &p->n_turbines);
    char prds[1][DH_OUT_PLANT_ID] = {{0}};
    read_ids(f, "/network/plant/prds/id", prds, NULL);
    memcpy(p->prds_id, prds[0], sizeof p->prds_id);
    read_vec(f, "/network/plant/boilers/rated_flow", p->boiler_rated_flow, p->n_boilers);
    read_vec(f, "/network/plant/boilers/min_load", p->boiler_min_load, p->n_boilers);
    read_vec(f, "/network/plant/turbines/max_power", p->turbine_max_power, p->n_turbines);
    read_vec(f, "/network/plant/turbines/max_extraction", p->turbine_max_extraction,
             p->n_turbines);
    read_vec(f, "/network/plant/prds/capacity", &p->prds_capacity, 1);
    dh_h5_plant w = {.n_boilers = p->n_boilers, .n_turbines = p->n_turbines, .n_consumers = nc};
    int missing = 0;
    for (size_t i = 0; i < N_PF; i++) {
        const pf_field *fd = &fields[i];
        char path[128];
        snprintf(path, sizeof path, "/results/plant/%s", fd->path);
        size_t n = pf_width(&w, fd->kind), dims[2];
        int rank = dh_h5_dims(f, path, dims);
        if (rank != pf_rank(fd->kind) || step >= dims[0] || (rank == 2 && dims[1] != n)) {
            missing++;
            continue;
        }
        if (fd->kind == PF_STRING) {
            hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
            hid_t fs = H5Dget_space(d), t = dh_h5_vlstr_type();
            hsize_t start[1] = {step}, count[1] = {1};
            hid_t ms = H5Screate_simple(1, count, NULL);
            char *v = NULL;
            if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                H5Dread(d, t, ms, fs, H5P_DEFAULT, &v) >= 0 && v) {
                snprintf((char *)p + fd->offset, sizeof p->binding_text, "%s", v);
                H5Dvlen_reclaim(t, ms, H5P_DEFAULT, &v);
            }
            H5Sclose(ms), H5Sclose(fs), H5Tclose(t), H5Dclose(d);
            continue;
        }
        double *dst = fd->kind == PF_CONSUMER ? n1_unmet : (double *)((char *)p + fd->offset);
        if (!dst) continue;
        int r = rank == 1 ? read_at(f, path, step, dst) : dh_h5_read_row(f, path, step, dst, n);
        if (r) missing++;
    }
    if (n1_unmet) {
        bool any = false;
        for (size_t c = 0; c < nc; c++) any = any || isfinite(n1_unmet[c]);
        p->n1_consumer_unmet = any ? n1_unmet : NULL;
    }
    return missing ? -1 : 1;
}
