/* plant_couple.c: the CHP plant coupled to the steady network solve.
 *
 * Exports (dh_plant_couple.h): dh_plant_params_from_spec (case plant section -> model
 * parameters with the documented defaults), dh_network_with_source (a copy of a network with its
 * header source changed), dh_plant_couple_options_init, dh_plant_couple (network solve at the set
 * pressure -> dispatch -> flow-limited re-solve when the plant falls short -> N-1).
 * Callers: cli/cmd_run.c, tests/plant/test_plant_couple.c. The rule is docs/plant.md,
 * "Coupling to the network". No I/O; allocation only between solves (network copies).
 */
#include "dh_plant_couple.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_props.h"

/* ---- case plant section -> parameters ------------------------------------------------------- */

#define TAKE(dst, v)                                                                               \
    do {                                                                                           \
        if (!isnan(v)) (dst) = (v);                                                                \
    } while (0)

static dh_status unit_error(dh_status st, const dh_plant_spec *s, int line, int col,
                            dh_error *err)
{
    /* the unit's own validation names it; the position is the unit's entry in the case file */
    if (err && s->file[0] && err->line == 0) {
        snprintf(err->file, sizeof err->file, "%s", s->file);
        err->line = line;
        err->col = col;
    }
    if (err && err->code == DH_ERR_RANGE) err->code = DH_ERR_INPUT;
    return st == DH_ERR_RANGE ? DH_ERR_INPUT : st;
}

dh_status dh_plant_params_from_spec(const dh_plant_spec *s, dh_plant_params *p, dh_error *err)
{
    memset(p, 0, sizeof *p);
    dh_plant_defaults(p); /* plant-wide options (sharing, desuperheat) and the PRDS */
    snprintf(p->id, sizeof p->id, "%s", s->id[0] ? s->id : "plant");
    dh_srcpos pos = {s->file[0] ? s->file : NULL, s->line, s->col};
    if (s->n_boilers < 1 || s->n_boilers > DH_PLANT_BOILERS_MAX ||
        s->n_turbines > DH_PLANT_TURBINES_MAX)
        return dh_error_set(err, DH_ERR_INPUT, &pos, "plant", "needs 1..%d boilers and at most "
                            "%d turbines (got %zu, %zu)", DH_PLANT_BOILERS_MAX,
                            DH_PLANT_TURBINES_MAX, s->n_boilers, s->n_turbines);
    if (s->sharing >= 0) p->sharing = (dh_boiler_sharing)s->sharing;
    if (s->extraction_desuperheat >= 0) p->extraction_desuperheat = s->extraction_desuperheat;
    dh_status st;
    p->n_boilers = s->n_boilers;
    for (size_t i = 0; i < s->n_boilers; i++) {
        const dh_plant_boiler_spec *b = &s->boiler[i];
        dh_boiler_params *o = &p->boiler[i];
        dh_boiler_defaults(o);
        snprintf(o->id, sizeof o->id, "%s", b->id);
        o->merit = b->merit >= 0 ? b->merit : (int)i + 1;
        if (b->in_service >= 0) o->in_service = b->in_service;
        TAKE(o->rated_flow, b->rated_flow);
        TAKE(o->min_load, b->min_load);
        TAKE(o->steam_pressure, b->steam_pressure);
        TAKE(o->steam_temperature, b->steam_temperature);
        TAKE(o->feedwater_pressure, b->feedwater_pressure);
        TAKE(o->feedwater_temperature, b->feedwater_temperature);
        TAKE(o->blowdown, b->blowdown);
        TAKE(o->fuel_lhv, b->fuel_lhv);
        if (b->n_efficiency > 0) {
            o->efficiency.n = b->n_efficiency;
            for (int k = 0; k < b->n_efficiency; k++) {
                o->efficiency.x[k] = b->efficiency_load[k];
                o->efficiency.y[k] = b->efficiency[k];
            }
        }
        dh_error_clear(err);
        if ((st = dh_boiler_validate(o, err)) != DH_OK) return unit_error(st, s, b->line, b->col, err);
    }
    p->n_turbines = s->n_turbines;
    for (size_t i = 0; i < s->n_turbines; i++) {
        const dh_plant_turbine_spec *t = &s->turbine[i];
        dh_turbine_params *o = &p->turbine[i];
        dh_turbine_defaults(o);
        snprintf(o->id, sizeof o->id, "%s", t->id);
        if (t->in_service >= 0) o->in_service = t->in_service;
        if (t->model >= 0) o->model = (dh_turbine_model)t->model;
        TAKE(o->throttle_pressure, t->throttle_pressure);
        TAKE(o->throttle_temperature, t->throttle_temperature);
        TAKE(o->min_throttle_flow, t->min_throttle_flow);
        TAKE(o->max_throttle_flow, t->max_throttle_flow);
        TAKE(o->valve_loss, t->valve_loss);
        TAKE(o->design_extraction_pressure, t->design_extraction_pressure);
        TAKE(o->extraction_pressure_min, t->extraction_pressure_min);
        TAKE(o->extraction_pressure_max, t->extraction_pressure_max);
        TAKE(o->extraction_line_dp, t->extraction_line_dp);
        TAKE(o->max_extraction, t->max_extraction);
        TAKE(o->min_lp_flow, t->min_lp_flow);
        TAKE(o->max_lp_flow, t->max_lp_flow);
        TAKE(o->lp_valve_loss, t->lp_valve_loss);
        TAKE(o->condenser_pressure, t->condenser_pressure);
        TAKE(o->eta_hp, t->eta_hp);
        TAKE(o->eta_lp, t->eta_lp);
        TAKE(o->eta_mech, t->eta_mech);
        TAKE(o->eta_gen, t->eta_gen);
        TAKE(o->max_power, t->max_power);
        TAKE(o->willans_no_load, t->willans_no_load);
        dh_error_clear(err);
        if ((st = dh_turbine_validate(o, err)) != DH_OK) return unit_error(st, s, t->line, t->col, err);
    }
    if (s->has_prds) {
        const dh_plant_prds_spec *q = &s->prds;
        if (q->id[0]) snprintf(p->prds.id, sizeof p->prds.id, "%s", q->id);
        if (q->in_service >= 0) p->prds.in_service = q->in_service;
        TAKE(p->prds.capacity, q->capacity);
        TAKE(p->prds.spray_pressure, q->spray_pressure);
        TAKE(p->prds.spray_temperature, q->spray_temperature);
        dh_error_clear(err);
        if ((st = dh_prds_validate(&p->prds, err)) != DH_OK)
            return unit_error(st, s, q->line, q->col, err);
    }
    dh_error_clear(err);
    if ((st = dh_plant_validate(p, err)) != DH_OK) return unit_error(st, s, s->line, s->col, err);
    return DH_OK;
}

/* ---- a network with its header source changed ------------------------------------------------ */

/* Replaces row `source` of the copy by *src (its id, node and position kept). */
typedef struct source_edit {
    size_t row;
    const dh_source_spec *src;
} source_edit;

static void replace_source(void *ctx, size_t row, dh_source_spec *s)
{
    const source_edit *e = ctx;
    if (row != e->row) return;
    dh_source_spec keep = *s;
    *s = *e->src;
    s->id = keep.id;
    s->node = keep.node;
    s->pos = keep.pos;
    s->node_pos = keep.node_pos;
}

dh_status dh_network_with_source(const dh_network *net, size_t source, const dh_source_spec *src,
                                 dh_network **out, dh_error *err)
{
    *out = NULL;
    if (source >= net->sources.n)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "no source row %zu", source);
    dh_netbuild *b = NULL;
    dh_status st = dh_netbuild_create(&b, err);
    if (st != DH_OK) return st;
    source_edit e = {source, src};
    dh_network_copy_edit edit = {.ctx = &e, .source = replace_source};
    st = dh_netbuild_add_network(b, net, &edit, err);
    if (st == DH_OK) st = dh_netbuild_finish_one(b, out, err);
    dh_netbuild_destroy(&b);
    return st;
}

/* ---- the coupled solve ---------------------------------------------------------------------- */

void dh_plant_couple_options_init(dh_plant_couple_options *opt)
{
    memset(opt, 0, sizeof *opt);
    dh_steady_options_init(&opt->steady);
    opt->n1_check = true;
    opt->max_passes = 6;
    opt->flow_rtol = 1e-4;
    opt->power_mode = DH_POWER_HEAT_LED;
    opt->shed_min_pressure = NAN;
    opt->shed_last = "residential,chemical";
}

/* One steady solve of a network (the solver lives for this solve only). */
static dh_status solve_once(const dh_network *net, const dh_study *study,
                            const dh_steady_options *opt, dh_snapshot *snap,
                            dh_solve_stats *stats, dh_error *err)
{
    dh_steady *s = NULL;
    dh_status st = dh_steady_create(net, study, opt, &s, err);
    if (st != DH_OK) return st;
    st = dh_steady_solve(s, snap, stats, err);
    dh_steady_destroy(&s);
    return st;
}

static void unmet_sums(const dh_network *net, const dh_snapshot *r, double *steam, double *heat)
{
    *steam = *heat = 0;
    for (size_t c = 0; c < net->consumers.n; c++) {
        if (net->consumers.type[c] == DH_CONSUMER_STEAM)
            *steam += r->consumer_unmet[c];
        else
            *heat += r->consumer_unmet[c];
    }
}

static dh_status dispatch_at(const dh_plant_params *plant, const dh_plant_couple_options *opt,
                             double p_header, double T_set, double flow, dh_plant_result *res,
                             dh_error *err)
{
    dh_plant_demand d = {p_header, T_set, flow, opt->power_mode, opt->power_target};
    return dh_plant_dispatch(plant, &d, res, err);
}

/* Network solve with the header held at pressure p (a copy of the network with the source's
 * set pressure changed): the draw and the plant's deliverable flow there,
 * f = draw - capacity(p). The source temperature is what the plant delivers at p when it runs at
 * its capacity (dispatch of `want` >= capacity: extraction colder than the set point is not
 * sprayed up, so below the extraction range the header is colder), at least 1 K of superheat;
 * *T_src returns it. *res is the dispatch of the draw at (p, T_set). */
static dh_status eval_at(const dh_network *net, const dh_study *study,
                         const dh_plant_params *plant, const dh_plant_couple_options *opt,
                         size_t src, double p, double T_set, double want, dh_snapshot *snap,
                         dh_solve_stats *stats, dh_plant_result *res, double *f, double *T_src,
                         int *n_solves, dh_error *err)
{
    dh_status st;
    if ((st = dispatch_at(plant, opt, p, T_set, want, res, err)) != DH_OK) return st;
    double T = res->header_flow > 0 ? res->header_temperature : T_set;
    T = fmin(T_set, fmax(T, dh_if97_tsat(p) + 1.0));
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.type = DH_SOURCE_FIXED_PRESSURE;
    s.medium = DH_MEDIUM_STEAM;
    s.pressure = p;
    s.temperature = T;
    dh_network *at = NULL;
    st = dh_network_with_source(net, src, &s, &at, err);
    if (st != DH_OK) return st;
    st = solve_once(at, study, &opt->steady, snap, stats, err);
    dh_network_destroy(&at);
    (*n_solves)++;
    if (st != DH_OK) return st;
    double draw = fmax(snap->source_mass_flow[src], 0);
    if ((st = dispatch_at(plant, opt, p, T_set, draw, res, err)) != DH_OK) return st;
    *f = draw - res->capacity;
    *T_src = T;
    return DH_OK;
}

/* The header flow-limited: the plant delivers its capacity and the header pressure falls to
 * where the network draws just that. Solved as the header pressure p at which
 * draw(p) = capacity(p). This is the state of the network with the header as a fixed-flow
 * source at the capacity, but each solve holds a pressure: with a fixed flow and every consumer
 * above its delivery ramp (docs/model.md) the node equations are singular (the flows are all
 * fixed, no pressure enters), so a Newton solve from that side cannot find the ramp region.
 * Bracketing, from the set point downward (f_hi = f(p_set) > 0 from the caller's first solve):
 * trial pressures p_atm + (p_set - p_atm) 0.6^k (k = 1, 2, ...) until f <= 0 or p - p_atm <
 * 2 kPa; a trial whose network solve does not converge (an overloaded main near its ramp) is
 * retried halfway back towards the last good pressure, three times at most. Then the Illinois
 * variant of regula falsi in the bracket (a trial that does not converge is replaced by the
 * bracket's midpoint, once). The capacity is evaluated at each trial pressure (the extraction
 * pressure follows the header; below the controlled range the extraction is uncontrolled,
 * docs/plant.md). Ends when a trial with f <= 0 has |f| <= flow_rtol x capacity, the bracket
 * is below 1 Pa, or after 40 solves; the state returned is the last one with f <= 0 (the plant delivers everything
 * drawn), re-solved if needed. *res is the dispatch of the draw there, *p_reached its header
 * pressure, *T_reached the source temperature used. `want` is the set-point demand. */
static dh_status flow_limited(const dh_network *net, const dh_study *study,
                              const dh_plant_params *plant, const dh_plant_couple_options *opt,
                              size_t src, double T_set, double want, double f_hi,
                              dh_snapshot *snap, dh_solve_stats *stats, dh_plant_result *res,
                              double *p_reached, double *T_reached, int *n_solves, dh_error *err)
{
    const double p_atm = net->ambient.atmospheric_pressure;
    const double p_floor = p_atm + 2e3;
    double p_hi = net->sources.pressure[src];
    double p_lo = p_hi, f_lo = f_hi, f = f_hi, T = T_set;
    dh_status st = DH_OK;
    /* 1. bracket from the set point downward */
    bool found = false;
    double x = p_hi - p_atm;
    for (int k = 0; k < 40 && !found; k++) {
        x *= 0.6;
        double p = p_atm + x;
        if (p < p_floor) p = p_floor;
        for (int retry = 0;; retry++) {
            dh_error_clear(err);
            st = eval_at(net, study, plant, opt, src, p, T_set, want, snap, stats, res, &f, &T,
                         n_solves, err);
            if (st != DH_ERR_NOCONV || retry >= 3) break;
            p = 0.5 * (p + p_hi);
        }
        if (st != DH_OK) return st;
        if (f <= 0) {
            p_lo = p, f_lo = f, found = true;
        } else {
            p_hi = p, f_hi = f;
            x = p - p_atm;
            if (p <= p_floor) break;
        }
    }
    if (!found) { /* even near atmospheric the plant cannot carry the draw: report that state */
        *p_reached = p_hi;
        *T_reached = T;
        return DH_OK;
    }
    double p_ok = p_lo, f_ok = f_lo;
    /* 2. Illinois in [p_lo, p_hi] */
    int side = 0;
    bool retried = false;
    const double tol = opt->flow_rtol > 0 ? opt->flow_rtol : 1e-4;
    for (int it = 0; it < 40 && fabs(f_ok) > tol * res->capacity; it++) {
        double p = (p_lo * f_hi - p_hi * f_lo) / (f_hi - f_lo);
        if (!(p > p_lo && p < p_hi)) p = 0.5 * (p_lo + p_hi);
        dh_error_clear(err);
        st = eval_at(net, study, plant, opt, src, p, T_set, want, snap, stats, res, &f, &T,
                     n_solves, err);
        if (st == DH_ERR_NOCONV && !retried) {
            retried = true;
            p = 0.5 * (p_lo + p_hi);
            dh_error_clear(err);
            st = eval_at(net, study, plant, opt, src, p, T_set, want, snap, stats, res, &f, &T,
                         n_solves, err);
        }
        if (st != DH_OK) return st;
        if (f <= 0) {
            p_lo = p, f_lo = f, p_ok = p, f_ok = f;
            if (side == -1) f_hi *= 0.5;
            side = -1;
        } else {
            p_hi = p, f_hi = f;
            if (side == 1) f_lo *= 0.5;
            side = 1;
        }
        if (fabs(f_ok) <= tol * res->capacity || p_hi - p_lo < 1.0) break;
    }
    if (f > 0 && (st = eval_at(net, study, plant, opt, src, p_ok, T_set, want, snap, stats, res,
                               &f, &T, n_solves, err)) != DH_OK)
        return st;
    *p_reached = p_ok;
    *T_reached = T;
    return DH_OK;
}

/* Does consumer group g appear in the comma-separated list? */
static bool group_in_list(const char *g, const char *list)
{
    size_t n = strlen(g);
    for (const char *q = list; q && *q;) {
        const char *e = strchr(q, ',');
        size_t len = e ? (size_t)(e - q) : strlen(q);
        while (len > 0 && q[0] == ' ') q++, len--;
        while (len > 0 && q[len - 1] == ' ') len--;
        if (len == n && len > 0 && strncmp(q, g, n) == 0) return true;
        q = e ? e + 1 : NULL;
    }
    return false;
}

/* A consumer that draws steam at its node: process steam, or heat delivered by condensing steam
 * at a steam node (no water return node). Its draw is consumer_mass_flow. */
static bool draws_steam(const dh_network *net, size_t c)
{
    const dh_consumers *C = &net->consumers;
    return C->type[c] == DH_CONSUMER_STEAM ||
           (C->type[c] == DH_CONSUMER_HEAT && C->return_node[c] == DH_NONE);
}

/* N-1 load shedding (docs/plant.md): network solve at the header pressure to hold (every
 * consumer drawing), the plant's N-1 capacity there, the excess shed by the documented rule.
 * p1: the plant with the boiler out. A network solve that does not converge leaves
 * n1_shed_checked false (not an error). Allocates one snapshot (between solves). */
static dh_status n1_shed(const dh_network *net, const dh_study *study, const dh_plant_params *p1,
                         const dh_plant_couple_options *opt, size_t src, double T_set,
                         dh_plant_coupling *out, dh_error *err)
{
    double p_hold = opt->shed_min_pressure;
    if (isnan(p_hold)) {
        p_hold = -INFINITY;
        for (size_t i = 0; i < p1->n_turbines; i++)
            if (p1->turbine[i].in_service)
                p_hold = fmax(p_hold, p1->turbine[i].extraction_pressure_min -
                                          p1->turbine[i].extraction_line_dp);
        if (!(p_hold > net->ambient.atmospheric_pressure)) p_hold = out->set_pressure;
    }
    p_hold = fmin(p_hold, out->set_pressure);
    dh_snapshot *snap = NULL;
    dh_status st = dh_snapshot_create(net, &snap);
    if (st != DH_OK)
        return dh_error_set(err, st, NULL, "plant", "out of memory for the N-1 shedding solve");
    dh_plant_result r;
    dh_solve_stats stats;
    double f, T;
    int solves = 0;
    st = eval_at(net, study, p1, opt, src, p_hold, T_set, out->demand, snap, &stats, &r, &f, &T,
                 &solves, err);
    out->network_solves += solves;
    if (st == DH_ERR_NOCONV) {
        dh_error_clear(err);
        dh_snapshot_destroy(&snap);
        return DH_OK;
    }
    if (st != DH_OK) {
        dh_snapshot_destroy(&snap);
        return st;
    }
    out->n1_shed_checked = true;
    out->n1_shed_last = opt->shed_last ? opt->shed_last : "";
    out->n1_shed_pressure = p_hold;
    out->n1_shed_draw = snap->source_mass_flow[src];
    out->n1_shed_capacity = r.capacity;
    out->n1_shed = fmax(f, 0.0);
    /* the rule: tier 0 (groups not in shed_last) first, then tier 1, the same fraction of each
     * consumer's draw within a tier */
    const dh_consumers *C = &net->consumers;
    const char *last = opt->shed_last ? opt->shed_last : "";
    double tier[2] = {0, 0};
    for (size_t c = 0; c < C->n; c++)
        if (draws_steam(net, c))
            tier[group_in_list(C->group[c] ? C->group[c] : "", last)] +=
                fmax(snap->consumer_mass_flow[c], 0);
    double S = out->n1_shed;
    out->n1_shed_fraction[0] = tier[0] > 0 ? fmin(S / tier[0], 1.0) : 0;
    double rest = S - out->n1_shed_fraction[0] * tier[0];
    out->n1_shed_fraction[1] = tier[1] > 0 && rest > 0 ? fmin(rest / tier[1], 1.0) : 0;
    double gdraw[DH_COUPLE_GROUPS_MAX] = {0};
    out->n1_shed_n_groups = 0;
    for (size_t c = 0; c < C->n; c++) {
        if (!draws_steam(net, c)) continue;
        const char *g = C->group[c] ? C->group[c] : "";
        double m = fmax(snap->consumer_mass_flow[c], 0);
        double x = out->n1_shed_fraction[group_in_list(g, last)];
        size_t k = 0;
        while (k < out->n1_shed_n_groups && strcmp(out->n1_shed_group[k], g) != 0) k++;
        if (k == out->n1_shed_n_groups) {
            if (k == DH_COUPLE_GROUPS_MAX) k--; /* summed into the last row */
            else out->n1_shed_group[out->n1_shed_n_groups++] = g;
        }
        gdraw[k] += m;
        out->n1_shed_group_flow[k] += x * m;
        if (C->type[c] == DH_CONSUMER_HEAT) out->n1_shed_heat += x * fmax(snap->consumer_heat[c], 0);
    }
    for (size_t k = 0; k < out->n1_shed_n_groups; k++)
        out->n1_shed_group_fraction[k] = gdraw[k] > 0 ? out->n1_shed_group_flow[k] / gdraw[k] : 0;
    dh_snapshot_destroy(&snap);
    return DH_OK;
}

dh_status dh_plant_couple(const dh_network *net, const dh_study *study,
                          const dh_plant_params *plant, size_t source,
                          const dh_plant_couple_options *opt_in, dh_snapshot *result,
                          dh_snapshot *n1_result, dh_plant_coupling *out, dh_error *err)
{
    dh_plant_couple_options defaults;
    dh_plant_couple_options_init(&defaults);
    const dh_plant_couple_options *opt = opt_in ? opt_in : &defaults;
    memset(out, 0, sizeof *out);
    out->source = source;
    out->n1_boiler = -1;
    if (source >= net->sources.n || net->sources.type[source] != DH_SOURCE_FIXED_PRESSURE ||
        net->sources.medium[source] != DH_MEDIUM_STEAM)
        return dh_error_set(err, DH_ERR_INPUT, NULL, "plant",
                            "the plant's header must be a fixed-pressure steam source");
    const double p_set = net->sources.pressure[source], T_set = net->sources.temperature[source];
    out->set_pressure = p_set;
    out->set_temperature = T_set;
    dh_props w;
    dh_status st = dh_props_pT(plant->prds.spray_pressure, plant->prds.spray_temperature, &w, err);
    if (st != DH_OK) return st;
    out->h_feedwater = w.h;

    /* 1. the network at the header set pressure: its draw is the demand on the plant */
    st = solve_once(net, study, &opt->steady, result, &out->stats, err);
    out->network_solves = 1;
    if (st != DH_OK) return st;
    out->demand = result->source_mass_flow[source];
    if ((st = dispatch_at(plant, opt, p_set, T_set, fmax(out->demand, 0), &out->plant, err)))
        return st;
    const dh_plant_result first = out->plant;
    out->demand_binding = first.binding;
    out->header_pressure = p_set;
    out->header_temperature = T_set;

    /* 2. short: the header becomes flow-limited at what the plant can deliver */
    if (first.unmet_steam > 1e-6 * fmax(out->demand, 1.0)) {
        out->flow_limited = true;
        st = flow_limited(net, study, plant, opt, source, T_set, out->demand,
                          out->demand - first.capacity, result, &out->stats, &out->plant,
                          &out->header_pressure, &out->header_temperature,
                          &out->network_solves, err);
        if (st != DH_OK) return st;
    }
    out->header_flow = result->source_mass_flow[source];
    out->shortfall = fmax(out->demand - out->plant.header_flow, 0);
    unmet_sums(net, result, &out->unmet_steam, &out->unmet_heat);
    /* balance plant <-> network: the source's stream enters at h(p_header, T_source) */
    dh_props hs;
    if ((st = dh_props_pT(out->header_pressure, out->header_temperature, &hs, err)) != DH_OK)
        return st;
    out->mass_balance = out->plant.header_flow - out->header_flow;
    out->energy_balance = out->plant.heat_supplied - out->header_flow * (hs.h - out->h_feedwater);

    /* 3. N-1: the capacity with the largest available boiler out (from the first dispatch) */
    out->n1_boiler = first.n1_boiler;
    out->n1_capacity = first.n1_capacity;
    out->n1_checked = opt->n1_check && first.n1_boiler >= 0;
    if (out->n1_checked) {
        out->n1_margin = first.n1_capacity - out->demand;
        out->n1_holds = out->n1_margin >= 0;
        dh_plant_params p1 = *plant;
        p1.boiler[first.n1_boiler].in_service = false;
        if (!out->n1_holds && n1_result) {
            /* (a) physics: every consumer draws, the header falls until draw = capacity */
            dh_plant_result r1;
            out->n1_solved = true;
            st = flow_limited(net, study, &p1, opt, source, T_set, out->demand,
                              out->demand - first.n1_capacity, n1_result, &out->n1_stats, &r1,
                              &out->n1_header_pressure, &out->n1_header_temperature,
                              &out->network_solves, err);
            if (st == DH_ERR_NOCONV) {
                /* the verdict stands (the plant is short); who goes short is not known */
                out->n1_converged = false;
                dh_error_clear(err);
            } else if (st != DH_OK) {
                return st;
            } else {
                out->n1_converged = true;
                /* the limits that hold the plant at its capacity there: those of a dispatch of
                 * the set-point demand at the header pressure reached */
                dh_plant_result rb;
                if ((st = dispatch_at(&p1, opt, out->n1_header_pressure, T_set, out->demand, &rb,
                                      err)) != DH_OK)
                    return st;
                out->n1_limits = r1.binding | r1.active | rb.binding;
                out->n1_header_flow = n1_result->source_mass_flow[source];
                unmet_sums(net, n1_result, &out->n1_unmet_steam, &out->n1_unmet_heat);
            }
        }
        /* (b) operations: the load to shed to hold the header pressure */
        if (!out->n1_holds && (st = n1_shed(net, study, &p1, opt, source, T_set, out, err)) !=
                                  DH_OK)
            return st;
    }
    return DH_OK;
}
