/* retire.c: the small-boiler retirement study (solver/dh_retire.h; rules in docs/retire.md).
 *
 * Exports dh_retire_options_init, dh_retire_run, dh_retire_result_destroy, dh_retire_fail_name.
 * Called by cli/cmd_retire.c and tests/retire. Each step is a network copy with the loads of
 * the boilers retired so far added (retire_network), solved with the plant coupled
 * (dh_plant_couple) and checked (check_step); with a series check, solved at each hour picked
 * by screen_hours through the series module's public API (solve_step_hours). Reinforcements,
 * alone and accumulated: reinforce. No I/O: the series check's loads come from the caller's
 * provider (dh_retire_options.loads_create), which reads the weather and profiles.
 */
#include "dh_retire.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_laws.h"
#include "dh_loads.h"
#include "dh_props.h"
#include "dh_series.h"
#include "dh_solver.h"
#include "dh_units.h"

#define TPH (1.0 / 3.6) /* kg/s per t/h */

/* Proposed connections (docs/retire.md): the smallest DN of this series whose steam velocity
 * stays below CONN_MAX_VELOCITY (the service-pipe limit the park's sizing uses, cases/linyi-etdz
 * README; CJJ 34-2010 allows 50 m/s up to DN200) and whose specific pressure drop stays below
 * CONN_MAX_R (Darcy-Weisbach, Swamee-Jain friction, roughness 0.2 mm of CJJ 34-2010). */
static const int CONN_DN[] = {50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 600};
#define CONN_MAX_VELOCITY 25.0 /* m/s */
#define CONN_MAX_R 300.0       /* Pa/m */
#define CONN_ROUGHNESS 0.2e-3  /* m */

void dh_retire_options_init(dh_retire_options *opt)
{
    memset(opt, 0, sizeof *opt);
    dh_plant_couple_options_init(&opt->couple);
    opt->couple.n1_check = true;
}

void dh_retire_result_destroy(dh_retire_result **r)
{
    if (!r || !*r) return;
    free((*r)->step);
    free(*r);
    *r = NULL;
}

const char *dh_retire_fail_name(unsigned bit)
{
    switch (bit) {
    case DH_RETIRE_FAIL_NOCONV: return "no convergence";
    case DH_RETIRE_FAIL_PLANT: return "plant capacity";
    case DH_RETIRE_FAIL_REGION: return "plant operating region";
    case DH_RETIRE_FAIL_N1: return "N-1";
    case DH_RETIRE_FAIL_PRESSURE: return "delivery pressure";
    case DH_RETIRE_FAIL_TEMPERATURE: return "delivery temperature";
    case DH_RETIRE_FAIL_VELOCITY: return "steam velocity";
    default: return "?";
    }
}

/* ---- study state ----------------------------------------------------------------------- */

typedef struct study {
    const dh_case *c;
    const dh_retire_spec *rs;
    const dh_retire_options *opt;
    dh_plant_params params;
    dh_plant_couple_options copt;
    double vmax; /* m/s, 0: none */
    /* per boiler, from today's state (step 0) */
    double h_site[DH_RETIRE_BOILERS_MAX];   /* J/kg, steam enthalpy at the site */
    double dm[DH_RETIRE_BOILERS_MAX];       /* kg/s added to a steam consumer / new site */
    double dq[DH_RETIRE_BOILERS_MAX];       /* W added to a heat consumer */
    double m_eq[DH_RETIRE_BOILERS_MAX];     /* kg/s steam equivalent */
    double fuel_heat[DH_RETIRE_BOILERS_MAX];/* W (LHV) the boiler burns today */
    double fuel_mass[DH_RETIRE_BOILERS_MAX];/* kg/s */
    /* unconnected sites: the connection */
    size_t conn_from[DH_RETIRE_BOILERS_MAX]; /* node row */
    double conn_len[DH_RETIRE_BOILERS_MAX], conn_d[DH_RETIRE_BOILERS_MAX],
        conn_do[DH_RETIRE_BOILERS_MAX];
    size_t conn_dn[DH_RETIRE_BOILERS_MAX];
    /* step 0 plant fuel */
    double fuel0, fuel_heat0;
    int solves;
    /* series check (docs/retire.md "Hours of a series"): the hours picked and today's plant
     * fuel at each (from today's series run) */
    bool series;
    dh_series_options sopt;
    size_t n_hours;
    size_t hour_t[DH_RETIRE_HOURS_MAX];     /* hour of the loads' series */
    char hour_label[DH_RETIRE_HOURS_MAX][16];
    double fuel0_h[DH_RETIRE_HOURS_MAX], fuel_heat0_h[DH_RETIRE_HOURS_MAX]; /* kg/s, W */
} study;

/* Edits of the case's network for one retirement step (dh_network_copy_edit callbacks). */
typedef struct step_edit {
    const study *S;
    const bool *retired;
    const dh_reinforcement_spec *const *rf; /* nrf reinforcements applied together */
    size_t nrf;
} step_edit;

static void upsize_pipe(void *ctx, size_t row, dh_pipe_spec *s)
{
    const step_edit *e = ctx;
    for (size_t k = 0; k < e->nrf; k++)
        if (e->rf[k]->pipe_row == row && e->rf[k]->type == DH_REINFORCE_UPSIZE) {
            s->diameter = e->rf[k]->diameter;
            s->outer_diameter = e->rf[k]->outer_diameter;
        }
}

/* retired boilers at this consumer: their load moves onto it */
static void add_retired_load(void *ctx, size_t c, dh_consumer_spec *s)
{
    const step_edit *e = ctx;
    const dh_retire_spec *rs = e->S->rs;
    for (size_t i = 0; i < rs->n_boilers; i++) {
        if (!e->retired[i] || !rs->boiler[i].connected || rs->boiler[i].consumer != c) continue;
        s->demand_mass_flow += e->S->dm[i];
        s->demand_heat += e->S->dq[i];
    }
}

/* Builds a copy of the case's network with boilers retired[i] moved onto it and the nrf
 * reinforcements rf[] applied together (an upsize replaces the bore; parallel pipes are added,
 * each beside the case's pipe). */
static dh_status retire_network(const study *S, const bool *retired,
                                const dh_reinforcement_spec *const *rf, size_t nrf,
                                dh_network **out, dh_error *err)
{
    const dh_network *net = S->c->net;
    const dh_retire_spec *rs = S->rs;
    *out = NULL;
    dh_netbuild *b = NULL;
    dh_status st = dh_netbuild_create(&b, err);
    if (st != DH_OK) return st;
    const dh_nodes *N = &net->nodes;
    const dh_links *L = &net->links;
    const dh_pipes *P = &net->pipes;
    step_edit e = {S, retired, rf, nrf};
    dh_network_copy_edit edit = {.ctx = &e, .pipe = upsize_pipe, .consumer = add_retired_load};
    st = dh_netbuild_add_network(b, net, &edit, err);
    char par_id[2 * DH_RETIRE_ID_MAX + 2];
    for (size_t k = 0; k < nrf && st == DH_OK; k++) {
        if (rf[k]->type != DH_REINFORCE_PARALLEL_PIPE) continue;
        /* the parallel pipe: same ends, route, roughness and insulation; its own bore */
        dh_pipe_spec s;
        dh_pipe_spec_from_network(net, rf[k]->pipe_row, &s);
        snprintf(par_id, sizeof par_id, "%s-%s", s.id, rf[k]->id);
        s.id = par_id;
        s.diameter = rf[k]->diameter;
        s.outer_diameter = rf[k]->outer_diameter;
        s.pair = NULL;
        st = dh_netbuild_add_pipe(b, &s, err);
    }
    /* sites not connected yet: node, connection pipe, steam consumer */
    char pid[DH_RETIRE_ID_MAX + 16];
    for (size_t i = 0; i < rs->n_boilers && st == DH_OK; i++) {
        const dh_small_boiler_spec *sb = &rs->boiler[i];
        if (!retired[i] || sb->connected) continue;
        size_t from = S->conn_from[i];
        dh_srcpos pos = {NULL, sb->line, sb->col};
        dh_node_spec ns = {sb->site, sb->x, sb->y, isnan(sb->z) ? N->z[from] : sb->z, pos};
        st = dh_netbuild_add_node(b, &ns, err);
        if (st != DH_OK) break;
        dh_pipe_spec s;
        dh_pipe_spec_init(&s);
        snprintf(pid, sizeof pid, "%s-CONN", sb->id);
        s.id = pid;
        s.from = N->id[from];
        s.to = sb->site;
        s.length = S->conn_len[i];
        s.diameter = S->conn_d[i];
        s.outer_diameter = S->conn_do[i];
        s.roughness = CONN_ROUGHNESS;
        /* insulation and laying of a pipe at the connection node (the nearest practice) */
        for (size_t k = net->inc.start[from]; k < net->inc.start[from + 1]; k++) {
            size_t l = net->inc.link[k];
            if (L->kind[l] != DH_LINK_PIPE) continue;
            size_t p = L->index[l];
            s.laying = P->laying[p];
            s.depth = P->depth[p];
            s.soil_conductivity = P->soil_conductivity[p];
            s.surface_coefficient = P->surface_coefficient[p];
            s.ins = P->ins + P->ins_start[p];
            s.n_ins = P->ins_start[p + 1] - P->ins_start[p];
            break;
        }
        s.pos = s.from_pos = s.to_pos = pos;
        st = dh_netbuild_add_pipe(b, &s, err);
        if (st != DH_OK) break;
        dh_consumer_spec cs;
        dh_consumer_spec_init(&cs);
        cs.id = sb->id;
        cs.group = sb->group;
        cs.node = sb->site;
        cs.type = DH_CONSUMER_STEAM;
        cs.demand_mass_flow = S->dm[i];
        cs.min_pressure = sb->min_pressure;
        cs.pos = cs.node_pos = pos;
        st = dh_netbuild_add_consumer(b, &cs, err);
    }
    if (st == DH_OK) st = dh_netbuild_finish_one(b, out, err);
    dh_netbuild_destroy(&b);
    return st;
}

/* ---- one step: coupled solve + checks ------------------------------------------------------ */

/* Appends "; <text>" (or "<text>" to an empty buffer), truncating at DH_RETIRE_TEXT_MAX. */
static void add_fmt(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_fmt(char *buf, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 4 >= DH_RETIRE_TEXT_MAX) return;
    if (n) buf[n++] = ';', buf[n++] = ' ', buf[n] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, DH_RETIRE_TEXT_MAX - n, fmt, ap);
    va_end(ap);
}

/* Fills the step's state figures and checks from a solved (or failed) step. */
static void check_step(const study *S, const dh_network *net, const dh_snapshot *x,
                       const dh_plant_coupling *cp, dh_status rc, dh_retire_step *row)
{
    const dh_retire_spec *rs = S->rs;
    const dh_consumers *C = &net->consumers;
    row->converged = rc == DH_OK;
    row->failed = 0;
    row->binding[0] = '\0';
    row->plant_demand = cp->demand;
    row->plant_load = cp->plant.header_flow;
    row->plant_capacity = cp->plant.capacity;
    row->plant_power = cp->plant.electric_power;
    row->n1_checked = cp->n1_checked;
    row->n1_holds = cp->n1_holds;
    row->n1_margin = cp->n1_margin;
    if (rc != DH_OK) {
        row->failed |= DH_RETIRE_FAIL_NOCONV;
        add_fmt(row->binding, "no convergence: the network solve did not converge (largest "
                "residual %.3g in the %s equation of %s)", cp->stats.worst_residual,
                cp->stats.worst_equation, cp->stats.worst_component);
    }
    if (cp->flow_limited) {
        row->failed |= DH_RETIRE_FAIL_PLANT;
        add_fmt(row->binding, "plant capacity: demand %.1f t/h, the plant delivers %.1f t/h, "
                "short by %.1f t/h", cp->demand / TPH, cp->plant.header_flow / TPH,
                cp->shortfall / TPH);
    }
    if (cp->plant.main_steam_surplus > 1e-6) {
        row->failed |= DH_RETIRE_FAIL_REGION;
        add_fmt(row->binding, "plant operating region: %.1f t/h of main steam above what the "
                "turbines and PRDS take (boiler minimum stable load)",
                cp->plant.main_steam_surplus / TPH);
    }
    if (cp->n1_checked && !cp->n1_holds && rs->check_n1) {
        row->failed |= DH_RETIRE_FAIL_N1;
        add_fmt(row->binding, "N-1: capacity with the largest boiler out %.1f t/h, demand "
                "%.1f t/h, short by %.1f t/h", cp->n1_capacity / TPH, cp->demand / TPH,
                -cp->n1_margin / TPH);
    }
    /* delivery pressure and temperature: every consumer with a minimum */
    row->worst_margin = NAN;
    row->worst_consumer = DH_NONE;
    double worst_t = INFINITY;
    size_t worst_tc = DH_NONE, wet = DH_NONE;
    for (size_t c = 0; c < C->n; c++) {
        if (C->min_pressure[c] > 0) {
            double m = x->consumer_pressure[c] - C->min_pressure[c];
            if (row->worst_consumer == DH_NONE || m < row->worst_margin) {
                row->worst_margin = m;
                row->worst_consumer = c;
            }
        }
        if (C->min_temperature[c] > 0) {
            double m = x->consumer_temperature[c] - C->min_temperature[c];
            if (m < worst_t) worst_t = m, worst_tc = c;
        }
        if (C->require_dry[c] && x->node_quality[C->node[c]] < 1.0 - 1e-9 && wet == DH_NONE)
            wet = c;
    }
    if (row->worst_consumer != DH_NONE)
        snprintf(row->worst_consumer_id, sizeof row->worst_consumer_id, "%s",
                 C->id[row->worst_consumer]);
    if (row->worst_consumer != DH_NONE && row->worst_margin < rs->min_margin) {
        size_t c = row->worst_consumer;
        row->failed |= DH_RETIRE_FAIL_PRESSURE;
        add_fmt(row->binding, "delivery pressure at %s: %.3f MPa(abs) against minimum %.3f "
                "+ margin %.3f MPa, short by %.3f MPa", C->id[c], x->consumer_pressure[c] / 1e6,
                C->min_pressure[c] / 1e6, rs->min_margin / 1e6,
                (rs->min_margin - row->worst_margin) / 1e6);
    }
    if (worst_tc != DH_NONE && worst_t < rs->min_temperature_margin) {
        row->failed |= DH_RETIRE_FAIL_TEMPERATURE;
        add_fmt(row->binding, "delivery temperature at %s: %.1f degC against minimum %.1f degC "
                "+ margin %.1f K", C->id[worst_tc], x->consumer_temperature[worst_tc] - 273.15,
                C->min_temperature[worst_tc] - 273.15, rs->min_temperature_margin);
    }
    if (wet != DH_NONE) {
        row->failed |= DH_RETIRE_FAIL_TEMPERATURE;
        add_fmt(row->binding, "wet steam at %s (quality %.4f, dry steam required)", C->id[wet],
                x->node_quality[C->node[wet]]);
    }
    /* steam velocity per pipe */
    row->max_velocity = 0;
    row->max_velocity_link = DH_NONE;
    for (size_t l = 0; l < net->links.n; l++) {
        if (net->links.kind[l] != DH_LINK_PIPE) continue;
        if (net->nodes.medium[net->links.from[l]] != DH_MEDIUM_STEAM) continue;
        double v = fabs(x->link_velocity[l]);
        if (v > row->max_velocity) row->max_velocity = v, row->max_velocity_link = l;
    }
    if (row->max_velocity_link != DH_NONE)
        snprintf(row->max_velocity_link_id, sizeof row->max_velocity_link_id, "%s",
                 net->links.id[row->max_velocity_link]);
    if (S->vmax > 0 && row->max_velocity > S->vmax) {
        row->failed |= DH_RETIRE_FAIL_VELOCITY;
        add_fmt(row->binding, "steam velocity in pipe %s: %.1f m/s, above the limit %.1f m/s by "
                "%.1f m/s", net->links.id[row->max_velocity_link], row->max_velocity, S->vmax,
                row->max_velocity - S->vmax);
    }
    row->ok = row->failed == 0;
}

/* Fuel, CO2 and cost against today for the boilers retired. factor[i] (NULL: 1) scales boiler
 * i's design-hour fuel to the hour checked (its site's load / design load); fuel0, fuel_heat0
 * are today's plant fuel (kg/s, W) at that hour. */
static void step_fuel(const study *S, const bool *retired, const dh_plant_coupling *cp,
                      const double *factor, double fuel0, double fuel_heat0, dh_retire_step *row)
{
    const dh_retire_spec *rs = S->rs;
    double small_mass = 0, small_heat = 0, small_co2 = 0, small_cost = 0;
    for (size_t i = 0; i < rs->n_boilers; i++) {
        if (!retired[i]) continue;
        double k = factor ? factor[i] : 1.0;
        small_mass += k * S->fuel_mass[i];
        small_heat += k * S->fuel_heat[i];
        size_t f = rs->boiler[i].fuel_index;
        if (f != DH_NONE) {
            small_co2 += k * S->fuel_heat[i] * rs->fuel[f].emission_factor;
            small_cost += k * S->fuel_mass[i] * rs->fuel[f].price;
        }
    }
    double dplant = cp->plant.fuel_flow - fuel0;
    double dplant_heat = cp->plant.fuel_heat - fuel_heat0;
    double ef = 0, price = 0;
    if (rs->plant_fuel_index != DH_NONE) {
        ef = rs->fuel[rs->plant_fuel_index].emission_factor;
        price = rs->fuel[rs->plant_fuel_index].price;
    }
    row->fuel_small = small_mass;
    row->fuel_plant = dplant;
    row->fuel_change = dplant - small_mass;
    row->fuel_heat_change = dplant_heat - small_heat;
    row->co2_change = dplant_heat * ef - small_co2;
    row->cost_change = dplant * price - small_cost;
}

/* Builds, solves and checks the network with `retired`. x (may be NULL) keeps the state only
 * when the caller passes a snapshot for the same network: it is created here per network. */
static dh_status solve_step_hours(study *S, const bool *retired,
                                  const dh_reinforcement_spec *const *rf, size_t nrf,
                                  dh_retire_step *row, bool report, dh_error *err);

static dh_status solve_step(study *S, const bool *retired, const dh_reinforcement_spec *const *rf,
                            size_t nrf, dh_retire_step *row, bool report, dh_error *err)
{
    if (S->series) return solve_step_hours(S, retired, rf, nrf, row, report, err);
    dh_network *net = NULL;
    dh_snapshot *x = NULL, *n1 = NULL;
    dh_plant_coupling cp;
    memset(&cp, 0, sizeof cp);
    dh_status st = retire_network(S, retired, rf, nrf, &net, err);
    if (st != DH_OK) return st;
    if (dh_snapshot_create(net, &x) != DH_OK || dh_snapshot_create(net, &n1) != DH_OK) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    dh_error e2;
    dh_error_clear(&e2);
    dh_status rc = dh_plant_couple(net, &S->c->study, &S->params, S->c->plant.source, &S->copt, x,
                                   n1, &cp, &e2);
    S->solves += cp.network_solves;
    if (rc != DH_OK && rc != DH_ERR_NOCONV) {
        if (err) *err = e2;
        st = rc;
        goto done;
    }
    check_step(S, net, x, &cp, rc, row);
    step_fuel(S, retired, &cp, NULL, S->fuel0, S->fuel_heat0, row);
    if (report && S->opt->on_step) S->opt->on_step(S->opt->user, row, net, x, &cp);
done:
    dh_snapshot_destroy(&n1);
    dh_snapshot_destroy(&x);
    dh_network_destroy(&net);
    return st;
}

/* ---- hours of a series (docs/retire.md "Hours of a series") ------------------------------------
 * Each step's network is checked at every hour picked (screen_hours) by a one-hour run of the
 * series module (dh_series_run from that hour, one step): the demands of the hour from loads
 * built for the step's network (dh_case_loads_create on a case that borrows it: a retired
 * boiler's load is part of its site consumer's design demand, so it follows the site's load
 * model; a new site follows its group's), the hour's outdoor air on above-ground pipes, the
 * plant dispatched (flow-limited coupling when short), the N-1 verdict from the dispatch. */

/* Copies the state arrays of src into dst (both made by dh_snapshot_create for one network). */
static void snap_copy(dh_snapshot *dst, const dh_snapshot *src)
{
    size_t nn = src->n_nodes, nl = src->n_links, nc = src->n_consumers, ns = src->n_sources;
    dst->time = src->time;
#define CP(f, n) memcpy(dst->f, src->f, (n) * sizeof *dst->f)
    CP(node_pressure, nn), CP(node_temperature, nn), CP(node_enthalpy, nn), CP(node_quality, nn);
    CP(link_mass_flow, nl), CP(link_velocity, nl), CP(link_pressure_drop, nl);
    CP(link_heat_loss, nl), CP(link_condensate, nl);
    CP(consumer_mass_flow, nc), CP(consumer_heat, nc), CP(consumer_pressure, nc);
    CP(consumer_temperature, nc), CP(consumer_unmet, nc), CP(consumer_pressure_margin, nc);
    CP(source_mass_flow, ns), CP(source_heat, ns), CP(source_pressure, ns);
    CP(source_temperature, ns);
#undef CP
}

/* The hour's date "MM-DD HH:00" from hour t of a series whose hour 0 is 00:00 of day wstart
 * (0 = 1 January). */
static void hour_label(int wstart, size_t t, char *buf, size_t size)
{
    long hi = 24L * wstart + (long)t;
    long day = (hi / 24) % DH_DAYS_PER_YEAR;
    int mo, d;
    dh_date_of_day((int)day, &mo, &d);
    snprintf(buf, size, "%02d-%02d %02ld:00", mo, d, hi % 24);
}

/* Design demand of consumer c (W heat, kg/s otherwise) and its load factor in demand[]. */
static double load_factor(const dh_network *net, const double *demand, size_t c)
{
    const dh_consumers *C = &net->consumers;
    double design = C->type[c] == DH_CONSUMER_HEAT ? C->demand_heat[c] : C->demand_mass_flow[c];
    return design > 0 ? demand[c] / design : 0;
}

static size_t find_consumer(const dh_network *net, const char *id)
{
    for (size_t c = 0; c < net->consumers.n; c++)
        if (!strcmp(net->consumers.id[c], id)) return c;
    return DH_NONE;
}

typedef struct hour_ctx {
    study *S;
    const dh_network *net;
    const bool *retired;
    const size_t *site;     /* per boiler: its consumer row in net (DH_NONE: not there) */
    size_t h;               /* row in S->hour_t */
    dh_retire_step *row;    /* filled per hour */
    dh_snapshot *snap;      /* the hour's state (copy) */
    dh_plant_coupling cp;   /* the hour's coupling (stats only when the step failed) */
    bool got;
} hour_ctx;

static int on_hour(void *user, const dh_series_step *st)
{
    hour_ctx *x = user;
    study *S = x->S;
    if (st->coupling) {
        x->cp = *st->coupling;
        S->solves += st->coupling->network_solves > 0 ? st->coupling->network_solves : 1;
    } else {
        memset(&x->cp, 0, sizeof x->cp);
        x->cp.stats = *st->stats;
        S->solves++;
    }
    check_step(S, x->net, st->snap, &x->cp, st->converged ? DH_OK : DH_ERR_NOCONV, x->row);
    double factor[DH_RETIRE_BOILERS_MAX];
    for (size_t i = 0; i < S->rs->n_boilers; i++)
        factor[i] = x->site[i] != DH_NONE ? load_factor(x->net, st->demand, x->site[i]) : 1.0;
    step_fuel(S, x->retired, &x->cp, factor, S->fuel0_h[x->h], S->fuel_heat0_h[x->h], x->row);
    snap_copy(x->snap, st->snap);
    x->got = true;
    return 0;
}

/* Orders the hours of a step: a failing hour before a passing one, then the lower worst
 * margin (a non-converged hour first). True when a is more severe than b. */
static bool more_severe(const dh_retire_step *a, const dh_retire_step *b)
{
    if (a->ok != b->ok) return !a->ok;
    if (a->converged != b->converged) return !a->converged;
    double ma = isnan(a->worst_margin) ? INFINITY : a->worst_margin;
    double mb = isnan(b->worst_margin) ? INFINITY : b->worst_margin;
    return ma < mb;
}

/* The series check of one step: every hour picked; the row reports the most severe hour
 * (more_severe), the failed checks of all hours and how many hours fail. */
static dh_status solve_step_hours(study *S, const bool *retired,
                                  const dh_reinforcement_spec *const *rf, size_t nrf,
                                  dh_retire_step *row, bool report, dh_error *err)
{
    const dh_retire_spec *rs = S->rs;
    dh_network *net = NULL;
    dh_loads *L = NULL;
    dh_case *c2 = NULL;
    dh_snapshot *a = NULL, *b = NULL;
    dh_diag d;
    dh_diag_init(&d, 8);
    dh_status st = retire_network(S, retired, rf, nrf, &net, err);
    if (st != DH_OK) goto done;
    c2 = malloc(sizeof *c2);
    if (!c2 || dh_snapshot_create(net, &a) != DH_OK || dh_snapshot_create(net, &b) != DH_OK) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    *c2 = *S->c; /* borrows everything; only the network differs (never destroyed as a case) */
    c2->net = net;
    int ws = 0;
    if ((st = S->opt->loads_create(S->opt->loads_user, c2, &L, &ws, &d)) != DH_OK) {
        if (err) {
            if (d.count) *err = d.items[0];
            else dh_error_set(err, st, NULL, "retire", "the series loads could not be built");
        }
        goto done;
    }
    size_t site[DH_RETIRE_BOILERS_MAX];
    for (size_t i = 0; i < rs->n_boilers; i++)
        site[i] = rs->boiler[i].connected ? rs->boiler[i].consumer
                                          : find_consumer(net, rs->boiler[i].id);
    dh_retire_step best, cur;
    dh_plant_coupling best_cp;
    memset(&best_cp, 0, sizeof best_cp);
    unsigned failed_all = 0;
    size_t n_failed = 0;
    hour_ctx x = {.S = S, .net = net, .retired = retired, .site = site};
    for (size_t h = 0; h < S->n_hours; h++) {
        cur = *row;
        x.h = h;
        x.row = &cur;
        x.snap = b;
        x.got = false;
        dh_series_stats stats;
        dh_error e2;
        dh_error_clear(&e2);
        dh_status rc = dh_series_run(net, &S->c->study, L, S->hour_t[h], 1, 1, &S->params,
                                     S->c->plant.source, &S->sopt, on_hour, &x, &stats, &e2);
        if (rc != DH_OK || !x.got) {
            if (err) *err = e2;
            st = rc != DH_OK ? rc : dh_error_set(err, DH_ERR_INTERNAL, NULL, "retire",
                                                 "hour %s: the series step was not reported",
                                                 S->hour_label[h]);
            goto done;
        }
        cur.hour = h;
        if (!cur.ok) n_failed++, failed_all |= cur.failed;
        if (h == 0 || more_severe(&cur, &best)) {
            best = cur;
            best_cp = x.cp;
            dh_snapshot *t = a; /* keep this hour's state in a */
            a = b;
            b = t;
        }
    }
    char text[DH_RETIRE_TEXT_MAX];
    snprintf(text, sizeof text, "%s", best.binding);
    *row = best;
    row->hours_failed = n_failed;
    row->failed = failed_all;
    row->ok = failed_all == 0;
    row->binding[0] = '\0';
    if (!row->ok) {
        add_fmt(row->binding, "at %s: %s", S->hour_label[best.hour], text);
        unsigned other = failed_all & ~best.failed;
        for (unsigned bit = 1; other && bit < (1u << DH_RETIRE_FAIL_COUNT); bit <<= 1)
            if (other & bit) add_fmt(row->binding, "also %s at another hour", dh_retire_fail_name(bit));
        if (n_failed > 1) add_fmt(row->binding, "%zu of %zu hours fail", n_failed, S->n_hours);
    }
    if (report && S->opt->on_step) S->opt->on_step(S->opt->user, row, net, a, &best_cp);
done:
    dh_loads_destroy(&L);
    free(c2);
    dh_snapshot_destroy(&a);
    dh_snapshot_destroy(&b);
    dh_network_destroy(&net);
    dh_diag_free(&d);
    return st;
}

/* Today's series run over the study's window (start, end, step of `study:`, as `dhsim run`
 * steps it) and the hours picked from it (docs/retire.md "Hours of a series"):
 *   - the N hours of highest plant load (header draw at the set pressure);
 *   - the N hours of lowest worst delivery margin (min over consumers with a minimum of
 *     p - p_min);
 *   - for each connected site of a boiler in the order: the hour its load is largest relative
 *     to its design (the hour the moved load peaks; a process peaking in summer), ties within
 *     0.5 % of the design load going to the lowest delivery margin at that consumer (or the
 *     network's worst margin when it has no minimum);
 * de-duplicated, in time order. Hours whose solve failed today are not picked (counted). */
typedef struct screen_ctx {
    study *S;
    size_t n, cap;
    size_t *t;
    double *demand, *margin, *air, *fuel, *fuel_heat;
    size_t *worst;
    size_t n_sites;
    size_t site_consumer[DH_RETIRE_BOILERS_MAX];
    size_t site_boiler[DH_RETIRE_BOILERS_MAX];
    double *site_factor, *site_margin; /* [s * cap + k] */
    size_t failed;
} screen_ctx; /* a step past cap is not recorded (the run is stopped) */

static int on_screen(void *user, const dh_series_step *st)
{
    screen_ctx *x = user;
    const dh_network *net = x->S->c->net;
    const dh_consumers *C = &net->consumers;
    size_t k = x->n++;
    if (k >= x->cap) return 1;
    x->t[k] = st->hour;
    x->air[k] = st->air_temperature;
    x->S->solves += st->coupling && st->coupling->network_solves > 0
                        ? st->coupling->network_solves : 1;
    if (!st->converged || !st->coupling) {
        x->failed++;
        x->demand[k] = x->margin[k] = NAN;
        return 0;
    }
    x->demand[k] = st->coupling->demand;
    x->fuel[k] = st->coupling->plant.fuel_flow;
    x->fuel_heat[k] = st->coupling->plant.fuel_heat;
    double w = INFINITY;
    size_t wc = DH_NONE;
    for (size_t c = 0; c < C->n; c++)
        if (C->min_pressure[c] > 0) {
            double m = st->snap->consumer_pressure[c] - C->min_pressure[c];
            if (m < w) w = m, wc = c;
        }
    x->margin[k] = wc == DH_NONE ? NAN : w;
    x->worst[k] = wc;
    for (size_t s = 0; s < x->n_sites; s++) {
        size_t c = x->site_consumer[s];
        x->site_factor[s * x->cap + k] = load_factor(net, st->demand, c);
        x->site_margin[s * x->cap + k] =
            C->min_pressure[c] > 0 ? st->snap->consumer_pressure[c] - C->min_pressure[c]
                                   : x->margin[k];
    }
    return 0;
}

/* screen_ctx arrays for cap steps; false when out of memory */
static bool screen_alloc(screen_ctx *x, size_t cap)
{
    x->cap = cap ? cap : 1;
    x->n = x->failed = 0;
    size_t ns = x->n_sites ? x->n_sites : 1;
    x->t = calloc(x->cap, sizeof *x->t);
    x->worst = calloc(x->cap, sizeof *x->worst);
    x->demand = calloc(x->cap, sizeof *x->demand);
    x->margin = calloc(x->cap, sizeof *x->margin);
    x->air = calloc(x->cap, sizeof *x->air);
    x->fuel = calloc(x->cap, sizeof *x->fuel);
    x->fuel_heat = calloc(x->cap, sizeof *x->fuel_heat);
    x->site_factor = calloc(x->cap * ns, sizeof *x->site_factor);
    x->site_margin = calloc(x->cap * ns, sizeof *x->site_margin);
    return x->t && x->worst && x->demand && x->margin && x->air && x->fuel && x->fuel_heat &&
           x->site_factor && x->site_margin;
}

static void screen_free(screen_ctx *x)
{
    free(x->t), free(x->worst), free(x->demand), free(x->margin), free(x->air), free(x->fuel);
    free(x->fuel_heat), free(x->site_factor), free(x->site_margin);
    x->t = x->worst = NULL;
    x->demand = x->margin = x->air = x->fuel = x->fuel_heat = x->site_factor = x->site_margin = NULL;
}

/* The best step of x for one criterion: LOAD highest plant load, MARGIN lowest worst margin,
 * SITE site s's highest load factor (ties within 0.5 % of its design: lowest margin there).
 * `taken` (may be NULL) excludes steps. DH_NONE when no step converged. */
static size_t screen_best(const screen_ctx *x, unsigned crit, size_t s, const bool *taken)
{
    size_t best = DH_NONE;
    if (crit == DH_RETIRE_HOUR_SITE) {
        const double *f = x->site_factor + s * x->cap, *m = x->site_margin + s * x->cap;
        double fmax_ = -INFINITY;
        for (size_t k = 0; k < x->n; k++)
            if (!isnan(x->demand[k])) fmax_ = fmax(fmax_, f[k]);
        for (size_t k = 0; k < x->n; k++) {
            if (isnan(x->demand[k]) || f[k] < fmax_ - 0.005) continue;
            if (best == DH_NONE || m[k] < m[best]) best = k;
        }
        return best;
    }
    for (size_t k = 0; k < x->n; k++) {
        double v = crit == DH_RETIRE_HOUR_LOAD ? x->demand[k] : -x->margin[k];
        if ((taken && taken[k]) || isnan(v)) continue;
        double vb = best == DH_NONE                ? -INFINITY
                    : crit == DH_RETIRE_HOUR_LOAD ? x->demand[best]
                                                   : -x->margin[best];
        if (best == DH_NONE || v > vb) best = k;
    }
    return best;
}

/* Adds step k of x to the hours picked (merging with the same hour). */
static void add_hour(study *S, dh_retire_result *out, const screen_ctx *x, size_t k, unsigned why,
                     size_t site_boiler, int ws)
{
    size_t h = 0;
    while (h < S->n_hours && S->hour_t[h] != x->t[k]) h++;
    if (h == S->n_hours) {
        if (S->n_hours >= DH_RETIRE_HOURS_MAX) return;
        S->n_hours++;
        dh_retire_hour *H = &out->hour[h];
        memset(H, 0, sizeof *H);
        S->hour_t[h] = H->hour = x->t[k];
        hour_label(ws, x->t[k], S->hour_label[h], sizeof S->hour_label[h]);
        snprintf(H->label, sizeof H->label, "%s", S->hour_label[h]);
        H->site_boiler = DH_NONE;
        H->air_temperature = x->air[k];
        H->plant_demand = x->demand[k];
        H->worst_margin = x->margin[k];
        if (x->worst[k] != DH_NONE)
            snprintf(H->worst_consumer_id, sizeof H->worst_consumer_id, "%s",
                     S->c->net->consumers.id[x->worst[k]]);
        S->fuel0_h[h] = x->fuel[k];
        S->fuel_heat0_h[h] = x->fuel_heat[k];
    }
    out->hour[h].why |= why;
    if (why == DH_RETIRE_HOUR_SITE && out->hour[h].site_boiler == DH_NONE)
        out->hour[h].site_boiler = site_boiler;
}

static dh_status screen_hours(study *S, const dh_retire_result *R, dh_retire_result *out,
                              dh_error *err)
{
    const dh_case *c = S->c;
    const dh_retire_spec *rs = S->rs;
    dh_loads *L = NULL;
    dh_diag d;
    dh_diag_init(&d, 8);
    screen_ctx x, xr;
    memset(&x, 0, sizeof x);
    memset(&xr, 0, sizeof xr);
    x.S = S;
    bool *taken = NULL;
    int ws = 0;
    dh_status st = S->opt->loads_create(S->opt->loads_user, c, &L, &ws, &d);
    if (st != DH_OK) {
        if (err) {
            if (d.count) *err = d.items[0];
            else dh_error_set(err, st, NULL, "retire", "the series loads could not be built");
        }
        dh_diag_free(&d);
        return st;
    }
    dh_diag_free(&d);
    /* the window, as cli/run_series.c steps a series study */
    const double step_h = fmax(round(c->study.series_step / 3600.0), 1.0);
    double start_h = isnan(c->study.series_start) ? 24.0 * ws : c->study.series_start / 3600.0;
    double dur_h = c->study.series_duration > 0 ? c->study.series_duration / 3600.0
                                                : (double)dh_loads_hours(L);
    size_t n = (size_t)ceil(dur_h / step_h - 1e-9);
    size_t t0 = (size_t)fmod(fmod(start_h - 24.0 * ws, DH_HOURS_PER_YEAR) + DH_HOURS_PER_YEAR,
                             DH_HOURS_PER_YEAR);
    /* sites: the consumers of the connected boilers in the order, once each */
    for (size_t k = 0; k < R->n_order; k++) {
        const dh_small_boiler_spec *b = &rs->boiler[R->order[k]];
        if (!b->connected || b->consumer == DH_NONE) continue;
        bool seen = false;
        for (size_t s = 0; s < x.n_sites; s++) seen = seen || x.site_consumer[s] == b->consumer;
        if (!seen) x.site_boiler[x.n_sites] = R->order[k], x.site_consumer[x.n_sites++] = b->consumer;
    }
    xr = x;
    if (!screen_alloc(&x, n) || !(taken = calloc(x.cap, sizeof *taken))) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    struct timespec t_start, t_end;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    dh_series_stats stats;
    st = dh_series_run(c->net, &c->study, L, t0, n, (size_t)step_h, &S->params, c->plant.source,
                       &S->sopt, on_screen, &x, &stats, err);
    if (st != DH_OK) goto done;
    out->screen_steps = x.n;
    out->screen_failed = x.failed;
    /* coarse picks: N highest plant load, N lowest worst margin, each site's peak */
    size_t N = rs->check_hours ? rs->check_hours : 1;
    size_t n_pick = 0, pick_k[2 * 20 + DH_RETIRE_BOILERS_MAX], pick_site[2 * 20 + DH_RETIRE_BOILERS_MAX];
    unsigned pick_why[2 * 20 + DH_RETIRE_BOILERS_MAX];
    for (unsigned crit = DH_RETIRE_HOUR_LOAD; crit <= DH_RETIRE_HOUR_MARGIN; crit <<= 1) {
        memset(taken, 0, x.cap * sizeof *taken);
        for (size_t r = 0; r < N && r < 20; r++) {
            size_t k = screen_best(&x, crit, 0, taken);
            if (k == DH_NONE) break;
            taken[k] = true;
            pick_k[n_pick] = k, pick_why[n_pick] = crit, pick_site[n_pick++] = DH_NONE;
        }
    }
    for (size_t s = 0; s < x.n_sites; s++) {
        size_t k = screen_best(&x, DH_RETIRE_HOUR_SITE, s, NULL);
        if (k != DH_NONE)
            pick_k[n_pick] = k, pick_why[n_pick] = DH_RETIRE_HOUR_SITE, pick_site[n_pick++] = s;
    }
    S->n_hours = 0;
    if (step_h <= 1) {
        for (size_t p = 0; p < n_pick; p++)
            add_hour(S, out, &x, pick_k[p], pick_why[p],
                     pick_site[p] == DH_NONE ? DH_NONE : x.site_boiler[pick_site[p]], ws);
    } else {
        /* refinement to the hour: today at every hour within step - 1 h of the pick (one
         * series run of 1 h steps), the best hour there for the pick's criterion. The N best
         * of LOAD / MARGIN are refined each in its own window (two picks may then land on the
         * same hour: merged). */
        size_t s_h = (size_t)step_h, hours = dh_loads_hours(L);
        if (!screen_alloc(&xr, 2 * s_h - 1)) {
            st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
            goto done;
        }
        for (size_t p = 0; p < n_pick; p++) {
            size_t tk = x.t[pick_k[p]];
            size_t a = tk >= s_h - 1 ? tk - (s_h - 1) : 0;
            size_t b = tk + s_h - 1 < hours ? tk + s_h - 1 : hours - 1;
            xr.n = xr.failed = 0;
            st = dh_series_run(c->net, &c->study, L, a, b - a + 1, 1, &S->params,
                               c->plant.source, &S->sopt, on_screen, &xr, &stats, err);
            if (st != DH_OK) goto done;
            size_t k = screen_best(&xr, pick_why[p], pick_site[p] == DH_NONE ? 0 : pick_site[p],
                                   NULL);
            if (k == DH_NONE) continue;
            add_hour(S, out, &xr, k, pick_why[p],
                     pick_site[p] == DH_NONE ? DH_NONE : x.site_boiler[pick_site[p]], ws);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t_end);
    out->screen_seconds = (double)(t_end.tv_sec - t_start.tv_sec) +
                          1e-9 * (double)(t_end.tv_nsec - t_start.tv_nsec);
    /* time order */
    for (size_t i = 1; i < S->n_hours; i++)
        for (size_t j = i; j > 0 && S->hour_t[j - 1] > S->hour_t[j]; j--) {
            size_t tt = S->hour_t[j]; S->hour_t[j] = S->hour_t[j - 1]; S->hour_t[j - 1] = tt;
            char lb[16];
            memcpy(lb, S->hour_label[j], 16);
            memcpy(S->hour_label[j], S->hour_label[j - 1], 16);
            memcpy(S->hour_label[j - 1], lb, 16);
            double f = S->fuel0_h[j]; S->fuel0_h[j] = S->fuel0_h[j - 1]; S->fuel0_h[j - 1] = f;
            f = S->fuel_heat0_h[j]; S->fuel_heat0_h[j] = S->fuel_heat0_h[j - 1]; S->fuel_heat0_h[j - 1] = f;
            dh_retire_hour H = out->hour[j]; out->hour[j] = out->hour[j - 1]; out->hour[j - 1] = H;
        }
    out->n_hours = S->n_hours;
    if (S->n_hours == 0)
        st = dh_error_set(err, DH_ERR_NOCONV, NULL, "retire", "no hour of today's series "
                          "converged: no hour to check (%zu steps)", x.n);
done:
    screen_free(&x);
    screen_free(&xr);
    free(taken);
    dh_loads_destroy(&L);
    return st;
}

/* ---- today's state: loads in network terms, fuel, connections ---------------------------- */

static double h_water(double p, double T)
{
    double h = NAN;
    if (dh_props_h_pT(p, T, &h, NULL, NULL) != DH_OK) return NAN;
    return h;
}

/* Smallest DN of CONN_DN meeting the velocity and specific-drop limits at mass flow m (kg/s)
 * for steam of density rho (kg/m3), viscosity mu (Pa s). 0 when none does. */
static int choose_dn(double m, double rho, double mu, double *d, double *dout)
{
    for (size_t k = 0; k < sizeof CONN_DN / sizeof CONN_DN[0]; k++) {
        double di, doo;
        if (dh_dn_lookup(CONN_DN[k], &di, &doo) != DH_OK) continue;
        double A = M_PI * di * di / 4, v = m / (rho * A);
        double Re = rho * v * di / mu;
        double R = dh_friction_factor(Re, CONN_ROUGHNESS / di, DH_FRICTION_SWAMEE_JAIN, NULL) / di * rho * v * v / 2; /* Pa/m */
        if (v <= CONN_MAX_VELOCITY && R <= CONN_MAX_R) {
            *d = di, *dout = doo;
            return CONN_DN[k];
        }
    }
    return 0;
}

/* From today's solved state x0 on c->net: each boiler's load in network terms and its fuel. */
static dh_status prepare(study *S, const dh_snapshot *x0, dh_error *err)
{
    const dh_network *net = S->c->net;
    const dh_retire_spec *rs = S->rs;
    const dh_consumers *C = &net->consumers;
    for (size_t i = 0; i < rs->n_boilers; i++) {
        const dh_small_boiler_spec *b = &rs->boiler[i];
        dh_srcpos pos = {NULL, b->line, b->col};
        size_t node = b->connected ? b->site_node : DH_NONE;
        if (!b->connected) {
            /* connection node: given, or the nearest steam node */
            size_t from = b->conn_from[0] ? dh_network_find_node(net, b->conn_from) : DH_NONE;
            if (from == DH_NONE) {
                double best = INFINITY;
                for (size_t n = 0; n < net->nodes.n; n++) {
                    if (net->nodes.medium[n] != DH_MEDIUM_STEAM) continue;
                    double dx = net->nodes.x[n] - b->x, dy = net->nodes.y[n] - b->y;
                    double d2 = dx * dx + dy * dy;
                    if (d2 < best) best = d2, from = n;
                }
            }
            if (from == DH_NONE)
                return dh_error_set(err, DH_ERR_INPUT, &pos, "small boiler", "%s: no steam node "
                                    "to connect the site to", b->id);
            S->conn_from[i] = from;
            double dx = net->nodes.x[from] - b->x, dy = net->nodes.y[from] - b->y;
            S->conn_len[i] = !isnan(b->conn_length) ? b->conn_length
                                                     : fmax(DH_RETIRE_ROUTE_FACTOR * hypot(dx, dy), 1.0);
            node = from;
        }
        double p = x0->node_pressure[node], h = x0->node_enthalpy[node];
        S->h_site[i] = h;
        double hfw = h_water(p, rs->feedwater_temperature);
        if (!isfinite(hfw) || !(h > hfw))
            return dh_error_set(err, DH_ERR_RANGE, &pos, "small boiler", "%s: no steam state at "
                                "the site to convert its load", b->id);
        double q_boiler; /* W, heat the small boiler puts into its steam or water today */
        S->dm[i] = S->dq[i] = 0;
        if (!b->connected) {
            S->dm[i] = b->current_load;
            S->m_eq[i] = b->current_load;
            q_boiler = b->current_load * (h - hfw);
            dh_ph_state st;
            double rho = 5, mu = 1.5e-5;
            if (dh_props_ph_fast(p, h, 1, &st) == DH_OK) rho = st.rho, mu = st.mu;
            if (!isnan(b->conn_diameter)) {
                S->conn_d[i] = b->conn_diameter, S->conn_do[i] = b->conn_outer_diameter;
                S->conn_dn[i] = 0;
            } else {
                int dn = choose_dn(b->current_load, rho, mu, &S->conn_d[i], &S->conn_do[i]);
                if (!dn)
                    return dh_error_set(err, DH_ERR_INPUT, &pos, "small boiler", "%s: no "
                                        "standard size up to DN600 carries %.1f t/h", b->id,
                                        b->current_load / TPH);
                S->conn_dn[i] = (size_t)dn;
            }
        } else if (C->type[b->consumer] == DH_CONSUMER_STEAM) {
            S->dm[i] = b->current_load;
            S->m_eq[i] = b->current_load;
            q_boiler = b->current_load * (h - hfw);
        } else {
            /* a heat consumer (steam-to-water station): heat = steam x (h_site - h_condensate) */
            double hc = h_water(p, C->return_temperature[b->consumer]);
            if (!isfinite(hc) || !(h > hc))
                return dh_error_set(err, DH_ERR_RANGE, &pos, "small boiler", "%s: no condensate "
                                    "state at consumer %s", b->id, C->id[b->consumer]);
            if (b->load_is_heat) {
                S->dq[i] = b->current_load;
                S->m_eq[i] = b->current_load / (h - hc);
                q_boiler = b->current_load;
            } else {
                S->dq[i] = b->current_load * (h - hc);
                S->m_eq[i] = b->current_load;
                q_boiler = b->current_load * (h - hfw);
            }
        }
        S->fuel_heat[i] = q_boiler / b->efficiency;
        double lhv = b->fuel_index != DH_NONE ? rs->fuel[b->fuel_index].lhv : 0;
        S->fuel_mass[i] = lhv > 0 ? S->fuel_heat[i] / lhv : 0;
    }
    return DH_OK;
}

/* ---- greedy order ---------------------------------------------------------------------------
 * docs/retire.md: from the state with the boilers chosen so far retired, each remaining boiler
 * is retired in a trial network solve at the header set pressure (no plant coupling: the plant
 * does not change the network's pressures while it can deliver); its cost is the fall of the
 * worst delivery margin (over consumers with a minimum) per kg/s moved. The cheapest goes next;
 * ties (within 1 Pa per kg/s) go to the larger load, then to the file order. */
static double worst_margin_of(const dh_network *net, const dh_snapshot *x)
{
    double w = INFINITY;
    for (size_t c = 0; c < net->consumers.n; c++)
        if (net->consumers.min_pressure[c] > 0)
            w = fmin(w, x->consumer_pressure[c] - net->consumers.min_pressure[c]);
    return w;
}

static dh_status trial_margin(study *S, const bool *retired, double *margin, dh_error *err)
{
    dh_network *net = NULL;
    dh_steady *s = NULL;
    dh_snapshot *x = NULL;
    dh_status st = retire_network(S, retired, NULL, 0, &net, err);
    if (st != DH_OK) return st;
    st = dh_steady_create(net, &S->c->study, &S->copt.steady, &s, err);
    if (st == DH_OK && dh_snapshot_create(net, &x) != DH_OK)
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    if (st == DH_OK) {
        dh_solve_stats stats;
        dh_status rc = dh_steady_solve(s, x, &stats, err);
        S->solves++;
        /* no convergence: the trial is as bad as it gets (chosen last) */
        *margin = rc == DH_OK ? worst_margin_of(net, x) : -INFINITY;
        if (rc != DH_OK && rc != DH_ERR_NOCONV) st = rc;
    }
    dh_snapshot_destroy(&x);
    dh_steady_destroy(&s);
    dh_network_destroy(&net);
    return st;
}

static dh_status greedy_order(study *S, dh_retire_result *R, double *cost, dh_error *err)
{
    const dh_retire_spec *rs = S->rs;
    bool retired[DH_RETIRE_BOILERS_MAX] = {false};
    double base;
    dh_status st = trial_margin(S, retired, &base, err);
    if (st != DH_OK) return st;
    R->n_order = 0;
    while (R->n_order < rs->n_boilers) {
        size_t best = DH_NONE;
        double best_cost = INFINITY, best_margin = base;
        for (size_t i = 0; i < rs->n_boilers; i++) {
            if (retired[i]) continue;
            retired[i] = true;
            double m;
            st = trial_margin(S, retired, &m, err);
            retired[i] = false;
            if (st != DH_OK) return st;
            double load = fmax(S->m_eq[i], 1e-9);
            double k = isfinite(m) ? (base - m) / load : INFINITY;
            bool better = best == DH_NONE || k < best_cost - 1.0 ||
                          (fabs(k - best_cost) <= 1.0 && S->m_eq[i] > S->m_eq[best]);
            if (better) best = i, best_cost = k, best_margin = m;
        }
        retired[best] = true;
        cost[R->n_order] = best_cost;
        R->order[R->n_order++] = best;
        base = best_margin;
    }
    return DH_OK;
}

/* ---- the study ---------------------------------------------------------------------------- */

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* Runs steps from..n_order of R's order with the nrf reinforcements rf[] applied; returns the
 * first failing step (or DH_NONE) in *fail, its binding text and its worst delivery margin
 * (fail_margin, may be NULL; NaN when every step passes). rows (may be NULL) receive every
 * step. */
static dh_status run_steps(study *S, const dh_retire_result *R,
                           const dh_reinforcement_spec *const *rf, size_t nrf, size_t from,
                           bool report, dh_retire_step *rows, size_t *n_rows, size_t *fail,
                           char *binding, double *fail_margin, unsigned *fail_bits,
                           dh_error *err)
{
    const dh_retire_spec *rs = S->rs;
    bool retired[DH_RETIRE_BOILERS_MAX] = {false};
    double cum = 0, cap = 0;
    for (size_t k = 0; k + 1 <= from && k < R->n_order; k++) {
        retired[R->order[k]] = true;
    }
    for (size_t k = 0; k < from && k < R->n_order; k++) {
        cum += S->m_eq[R->order[k]];
        cap += rs->boiler[R->order[k]].capacity;
    }
    *fail = DH_NONE;
    if (binding) binding[0] = '\0';
    if (fail_margin) *fail_margin = NAN;
    if (fail_bits) *fail_bits = 0;
    for (size_t k = from; k <= R->n_order; k++) {
        dh_retire_step row;
        memset(&row, 0, sizeof row);
        row.step = k;
        row.boiler = DH_NONE;
        row.greedy_cost = NAN;
        row.hour = DH_NONE;
        if (k > 0) {
            size_t i = R->order[k - 1];
            retired[i] = true;
            row.boiler = i;
            row.load_moved = S->m_eq[i];
            row.heat_moved = S->dq[i];
            cum += S->m_eq[i];
            cap += rs->boiler[i].capacity;
        }
        row.cumulative_load = cum;
        row.cumulative_capacity = cap;
        dh_status st = solve_step(S, retired, rf, nrf, &row, report, err);
        if (st != DH_OK) return st;
        if (rows) rows[k] = row;
        if (n_rows) *n_rows = k + 1;
        if (!row.ok && *fail == DH_NONE) {
            *fail = k;
            if (binding) snprintf(binding, DH_RETIRE_TEXT_MAX, "%s", row.binding);
            if (fail_margin) *fail_margin = row.worst_margin;
            if (fail_bits) *fail_bits = row.failed;
            if (!S->opt->keep_going) break;
        }
    }
    return DH_OK;
}

/* ---- reinforcements (docs/retire.md "Reinforcements") -----------------------------------------
 * Each alone, from the first failing step with the same order. When none alone lets every
 * remaining step pass and `combine: greedy`, they are accumulated: round 1 keeps the best
 * single, each later round runs every remaining one together with those kept, from the step
 * where the kept set fails, and keeps the best. "Best": the one whose first failing step is
 * latest (every step passing is best), ties (within COMBO_TIE) to the larger worst delivery
 * margin at that step, then the lower cost (a cost not given counts as highest), then file
 * order. It stops when every step passes, when the best of a round gets no further than the
 * kept set (same failing step and margin gained below COMBO_TIE; a margin gained at a step that
 * fails on the plant or convergence does not count), or when every reinforcement is kept. Bound: n + (n - 1) + ... + 2 = n(n + 1)/2 - 1 study runs for n reinforcements,
 * each at most (n_order - first_fail + 1) steps (x the hours checked). */
#define COMBO_TIE 1e3 /* Pa: margins closer than this are the same (the solver's tolerance on the
                         park's pressures is ~1e-8 x 1 MPa; 1 kPa is far above that noise) */

#define PLANT_BITS (DH_RETIRE_FAIL_NOCONV | DH_RETIRE_FAIL_PLANT | DH_RETIRE_FAIL_REGION | \
                    DH_RETIRE_FAIL_N1)

typedef struct score {
    size_t fail;   /* DH_NONE: every step passes */
    double margin; /* Pa at fail (NaN when none fails) */
    double cost;   /* NaN: not given */
    unsigned bits; /* DH_RETIRE_FAIL_* at fail */
} score;

/* a better than b? */
static bool score_better(const score *a, const score *b)
{
    size_t fa = a->fail == DH_NONE ? SIZE_MAX : a->fail, fb = b->fail == DH_NONE ? SIZE_MAX : b->fail;
    if (fa != fb) return fa > fb;
    double ma = isnan(a->margin) ? INFINITY : a->margin, mb = isnan(b->margin) ? INFINITY : b->margin;
    if (fa != SIZE_MAX && fabs(ma - mb) > COMBO_TIE) return ma > mb;
    double ca = isnan(a->cost) ? INFINITY : a->cost, cb = isnan(b->cost) ? INFINITY : b->cost;
    return ca < cb;
}

static size_t unlocked_by(const dh_retire_result *R, size_t fail)
{
    return (fail == DH_NONE ? R->n_order + 1 : fail) - R->first_fail;
}

static dh_status reinforce(study *S, dh_retire_result *R, const dh_retire_options *opt,
                           dh_error *err)
{
    const dh_retire_spec *rs = S->rs;
    dh_retire_options o2 = *opt;
    o2.keep_going = false;
    R->n_reinf = rs->n_reinf;
    for (size_t j = 0; j < rs->n_reinf; j++) {
        R->reinf[j].reinf = j;
        R->reinf[j].fail_step = DH_NONE;
        R->reinf[j].worst_margin = NAN;
        R->reinf[j].cost = rs->reinf[j].cost;
    }
    if (R->first_fail == DH_NONE || rs->n_reinf == 0) return DH_OK; /* nothing to unlock */
    dh_status st = DH_OK;
    S->opt = &o2;
    bool all_pass = false;
    unsigned single_bits[DH_RETIRE_REINF_MAX] = {0};
    for (size_t j = 0; j < rs->n_reinf; j++) {
        dh_retire_reinf_result *rr = &R->reinf[j];
        rr->tried = true;
        const dh_reinforcement_spec *one = &rs->reinf[j];
        st = run_steps(S, R, &one, 1, R->first_fail, false, NULL, NULL, &rr->fail_step,
                       rr->binding, &rr->worst_margin, &single_bits[j], err);
        R->reinf_runs++;
        if (st != DH_OK) goto done;
        rr->unlocked = unlocked_by(R, rr->fail_step);
        all_pass = all_pass || rr->fail_step == DH_NONE;
    }
    if (!rs->combine || all_pass || rs->n_reinf < 2) goto done;
    /* greedy accumulation; round 1 from the singles */
    bool kept[DH_RETIRE_REINF_MAX] = {false};
    const dh_reinforcement_spec *set[DH_RETIRE_REINF_MAX];
    size_t n_set = 0;
    score cur = {R->first_fail, R->step[R->first_fail].worst_margin, 0,
                 R->step[R->first_fail].failed};
    double cost_sum = 0;
    while (n_set < rs->n_reinf) {
        size_t best = DH_NONE;
        score sb = {0, NAN, NAN, 0};
        char bind_best[DH_RETIRE_TEXT_MAX] = "";
        for (size_t j = 0; j < rs->n_reinf; j++) {
            if (kept[j]) continue;
            score sj;
            char bind[DH_RETIRE_TEXT_MAX];
            if (n_set == 0) {
                sj.fail = R->reinf[j].fail_step;
                sj.margin = R->reinf[j].worst_margin;
                sj.bits = single_bits[j];
                snprintf(bind, sizeof bind, "%s", R->reinf[j].binding);
            } else {
                set[n_set] = &rs->reinf[j];
                st = run_steps(S, R, set, n_set + 1, cur.fail, false, NULL, NULL, &sj.fail, bind,
                               &sj.margin, &sj.bits, err);
                R->reinf_runs++;
                if (st != DH_OK) goto done;
            }
            sj.cost = cost_sum + rs->reinf[j].cost;
            if (best == DH_NONE || score_better(&sj, &sb)) {
                best = j;
                sb = sj;
                snprintf(bind_best, sizeof bind_best, "%s", bind);
            }
        }
        /* no further: the same failing step and less than COMBO_TIE gained, or a margin
         * gained where the plant (capacity, region, N-1) or convergence fails at that step:
         * there the margins follow the plant, no pipe helps */
        bool further = (sb.fail == DH_NONE) != (cur.fail == DH_NONE) ||
                       (sb.fail != DH_NONE && sb.fail > cur.fail) ||
                       (sb.fail == cur.fail && sb.fail != DH_NONE && !(sb.bits & PLANT_BITS) &&
                        (isnan(cur.margin) || sb.margin > cur.margin + COMBO_TIE));
        if (!further) break;
        kept[best] = true;
        set[n_set++] = &rs->reinf[best];
        cost_sum += rs->reinf[best].cost;
        cur = sb;
        dh_retire_combo *cb = &R->combo[R->n_combo++];
        memset(cb, 0, sizeof *cb);
        cb->n = n_set;
        for (size_t k = 0; k < n_set; k++) cb->reinf[k] = (size_t)(set[k] - rs->reinf);
        cb->fail_step = sb.fail;
        cb->unlocked = unlocked_by(R, sb.fail);
        cb->worst_margin = sb.fail == DH_NONE ? NAN : sb.margin;
        cb->cost = cost_sum;
        snprintf(cb->binding, sizeof cb->binding, "%s", bind_best);
        if (sb.fail == DH_NONE) break;
    }
done:
    S->opt = opt;
    return st;
}

dh_status dh_retire_run(const dh_case *c, const dh_retire_options *opt, dh_retire_result **out,
                        dh_error *err)
{
    *out = NULL;
    if (!c->plant.present || c->plant.source == DH_NONE)
        return dh_error_set(err, DH_ERR_INPUT, NULL, "retire", "the retirement study needs the "
                            "case's 'plant:' section (the plant that takes the moved loads)");
    if (!c->retire.present || c->retire.n_boilers == 0)
        return dh_error_set(err, DH_ERR_INPUT, NULL, "retire", "the case has no retirement study "
                            "('small_boilers:' and 'retire:' sections)");
    dh_retire_options dflt;
    if (!opt) dh_retire_options_init(&dflt), opt = &dflt;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    study *S = calloc(1, sizeof *S);
    dh_retire_result *R = calloc(1, sizeof *R);
    dh_snapshot *x0 = NULL, *n10 = NULL;
    dh_status st = DH_OK;
    if (!S || !R) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto fail;
    }
    S->c = c;
    S->rs = &c->retire;
    S->opt = opt;
    S->copt = opt->couple;
    S->copt.n1_check = true; /* the verdict is always reported; checks.n1 decides if it binds */
    if (c->plant.power_mode >= 0) S->copt.power_mode = (dh_power_mode)c->plant.power_mode;
    if (!isnan(c->plant.power_target)) S->copt.power_target = c->plant.power_target;
    S->vmax = isnan(c->retire.max_steam_velocity) ? c->study.max_steam_velocity
                                                  : c->retire.max_steam_velocity;
    if ((st = dh_plant_params_from_spec(&c->plant, &S->params, err)) != DH_OK) goto fail;
    S->series = c->retire.check_series;
    if (S->series && !c->series.present) {
        dh_srcpos pos = {c->path, c->retire.line, c->retire.col};
        st = dh_error_set(err, DH_ERR_INPUT, &pos, "retire", "'checks.hour: series_worst_hours' "
                          "needs the case's series loads ('weather:', 'calendar:', 'loads:')");
        goto fail;
    }
    if (S->series && !opt->loads_create) {
        st = dh_error_set(err, DH_ERR_INTERNAL, NULL, "retire",
                          "the series check needs a loads provider (dh_retire_options.loads_create)");
        goto fail;
    }
    /* the one-hour series runs: settings of `dhsim run` for a series (cli/run_series.c) */
    dh_series_options_init(&S->sopt);
    S->sopt.steady = S->copt.steady;
    S->sopt.steady.tolerance = c->study.tolerance;
    S->sopt.steady.max_iterations = c->study.max_iterations;
    S->sopt.n1_check = true; /* reported always; checks.n1 decides if it binds */
    S->sopt.power_mode = S->copt.power_mode;
    S->sopt.power_target = S->copt.power_target;
    R->check_series = S->series;
    R->step = calloc(c->retire.n_boilers + 1, sizeof *R->step);
    if (!R->step) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto fail;
    }
    R->min_margin = c->retire.min_margin;
    R->min_temperature_margin = c->retire.min_temperature_margin;
    R->max_steam_velocity = S->vmax;
    R->check_n1 = c->retire.check_n1;
    R->order_auto = c->retire.order_auto || c->retire.n_order == 0;

    /* today: the case's own network with the plant; loads and fuel of each boiler from it */
    if (dh_snapshot_create(c->net, &x0) != DH_OK || dh_snapshot_create(c->net, &n10) != DH_OK) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto fail;
    }
    dh_plant_coupling cp0;
    st = dh_plant_couple(c->net, &c->study, &S->params, c->plant.source, &S->copt, x0, n10, &cp0,
                         err);
    S->solves += cp0.network_solves;
    if (st != DH_OK) goto fail; /* today must solve: nothing to compare with otherwise */
    S->fuel0 = cp0.plant.fuel_flow;
    S->fuel_heat0 = cp0.plant.fuel_heat;
    if ((st = prepare(S, x0, err)) != DH_OK) goto fail;
    for (size_t i = 0; i < c->retire.n_boilers; i++) R->conn_dn[i] = S->conn_dn[i];

    double cost[DH_RETIRE_BOILERS_MAX];
    for (size_t i = 0; i < DH_RETIRE_BOILERS_MAX; i++) cost[i] = NAN;
    if (R->order_auto) {
        if ((st = greedy_order(S, R, cost, err)) != DH_OK) goto fail;
    } else {
        R->n_order = c->retire.n_order;
        memcpy(R->order, c->retire.order, R->n_order * sizeof R->order[0]);
    }
    if (S->series) {
        if ((st = screen_hours(S, R, R, err)) != DH_OK) goto fail;
        /* today at each hour: the step-0 rows then compare like with like */
    }
    char binding[DH_RETIRE_TEXT_MAX];
    st = run_steps(S, R, NULL, 0, 0, true, R->step, &R->n_steps, &R->first_fail, binding, NULL,
                   NULL, err);
    if (st != DH_OK) goto fail;
    for (size_t k = 1; k < R->n_steps; k++) R->step[k].greedy_cost = cost[k - 1];
    R->retirable = R->first_fail == DH_NONE ? R->n_order
                   : R->first_fail == 0     ? 0
                                            : R->first_fail - 1;
    st = reinforce(S, R, opt, err);
    if (st != DH_OK) goto fail;
    R->network_solves = S->solves;
    R->seconds = since(&t0);
    dh_snapshot_destroy(&x0);
    dh_snapshot_destroy(&n10);
    free(S);
    *out = R;
    return DH_OK;
fail:
    dh_snapshot_destroy(&x0);
    dh_snapshot_destroy(&n10);
    free(S);
    dh_retire_result_destroy(&R);
    return st;
}
