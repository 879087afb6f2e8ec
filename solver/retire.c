/* retire.c: the small-boiler retirement study (solver/dh_retire.h; rules in docs/retire.md).
 *
 * Exports dh_retire_options_init, dh_retire_run, dh_retire_result_destroy, dh_retire_fail_name.
 * Called by cli/cmd_retire.c and tests/retire. Each step is a network copy with the loads of
 * the boilers retired so far added (retire_network), solved with the plant coupled
 * (dh_plant_couple) and checked (check_step). No I/O.
 */
#include "dh_retire.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_laws.h"
#include "dh_props.h"
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
} study;

/* Edits of the case's network for one retirement step (dh_network_copy_edit callbacks). */
typedef struct step_edit {
    const study *S;
    const bool *retired;
    const dh_reinforcement_spec *rf; /* may be NULL */
} step_edit;

static void upsize_pipe(void *ctx, size_t row, dh_pipe_spec *s)
{
    const step_edit *e = ctx;
    if (e->rf && e->rf->pipe_row == row && e->rf->type == DH_REINFORCE_UPSIZE) {
        s->diameter = e->rf->diameter;
        s->outer_diameter = e->rf->outer_diameter;
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

/* Builds a copy of the case's network with boilers retired[i] moved onto it and the
 * reinforcement rf (may be NULL) applied. */
static dh_status retire_network(const study *S, const bool *retired,
                                const dh_reinforcement_spec *rf, dh_network **out, dh_error *err)
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
    step_edit e = {S, retired, rf};
    dh_network_copy_edit edit = {.ctx = &e, .pipe = upsize_pipe, .consumer = add_retired_load};
    st = dh_netbuild_add_network(b, net, &edit, err);
    char par_id[DH_RETIRE_ID_MAX + 16];
    if (st == DH_OK && rf && rf->type == DH_REINFORCE_PARALLEL_PIPE) {
        /* the parallel pipe: same ends, route, roughness and insulation; its own bore */
        dh_pipe_spec s;
        dh_pipe_spec_from_network(net, rf->pipe_row, &s);
        snprintf(par_id, sizeof par_id, "%s-%s", s.id, rf->id);
        s.id = par_id;
        s.diameter = rf->diameter;
        s.outer_diameter = rf->outer_diameter;
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

/* Fuel, CO2 and cost against step 0 for the boilers retired. */
static void step_fuel(const study *S, const bool *retired, const dh_plant_coupling *cp,
                      dh_retire_step *row)
{
    const dh_retire_spec *rs = S->rs;
    double small_mass = 0, small_heat = 0, small_co2 = 0, small_cost = 0;
    for (size_t i = 0; i < rs->n_boilers; i++) {
        if (!retired[i]) continue;
        small_mass += S->fuel_mass[i];
        small_heat += S->fuel_heat[i];
        size_t f = rs->boiler[i].fuel_index;
        if (f != DH_NONE) {
            small_co2 += S->fuel_heat[i] * rs->fuel[f].emission_factor;
            small_cost += S->fuel_mass[i] * rs->fuel[f].price;
        }
    }
    double dplant = cp->plant.fuel_flow - S->fuel0;
    double dplant_heat = cp->plant.fuel_heat - S->fuel_heat0;
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
static dh_status solve_step(study *S, const bool *retired, const dh_reinforcement_spec *rf,
                            dh_retire_step *row, bool report, dh_error *err)
{
    dh_network *net = NULL;
    dh_snapshot *x = NULL, *n1 = NULL;
    dh_plant_coupling cp;
    memset(&cp, 0, sizeof cp);
    dh_status st = retire_network(S, retired, rf, &net, err);
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
    step_fuel(S, retired, &cp, row);
    if (report && S->opt->on_step) S->opt->on_step(S->opt->user, row, net, x, &cp);
done:
    dh_snapshot_destroy(&n1);
    dh_snapshot_destroy(&x);
    dh_network_destroy(&net);
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
    dh_status st = retire_network(S, retired, NULL, &net, err);
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

/* Runs steps from..n_order of R's order with rf applied; returns the first failing step (or
 * DH_NONE) in *fail and its binding text. rows (may be NULL) receive every step. */
static dh_status run_steps(study *S, const dh_retire_result *R, const dh_reinforcement_spec *rf,
                           size_t from, bool report, dh_retire_step *rows, size_t *n_rows,
                           size_t *fail, char *binding, dh_error *err)
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
    for (size_t k = from; k <= R->n_order; k++) {
        dh_retire_step row;
        memset(&row, 0, sizeof row);
        row.step = k;
        row.boiler = DH_NONE;
        row.greedy_cost = NAN;
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
        dh_status st = solve_step(S, retired, rf, &row, report, err);
        if (st != DH_OK) return st;
        if (rows) rows[k] = row;
        if (n_rows) *n_rows = k + 1;
        if (!row.ok && *fail == DH_NONE) {
            *fail = k;
            if (binding) snprintf(binding, DH_RETIRE_TEXT_MAX, "%s", row.binding);
            if (!S->opt->keep_going) break;
        }
    }
    return DH_OK;
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
    char binding[DH_RETIRE_TEXT_MAX];
    st = run_steps(S, R, NULL, 0, true, R->step, &R->n_steps, &R->first_fail, binding, err);
    if (st != DH_OK) goto fail;
    for (size_t k = 1; k < R->n_steps; k++) R->step[k].greedy_cost = cost[k - 1];
    R->retirable = R->first_fail == DH_NONE ? R->n_order
                   : R->first_fail == 0     ? 0
                                            : R->first_fail - 1;

    /* reinforcements: each alone, from the failing step on, same order */
    R->n_reinf = c->retire.n_reinf;
    for (size_t j = 0; j < c->retire.n_reinf; j++) {
        dh_retire_reinf_result *rr = &R->reinf[j];
        rr->reinf = j;
        rr->fail_step = DH_NONE;
        if (R->first_fail == DH_NONE) continue; /* nothing to unlock */
        rr->tried = true;
        size_t fail;
        dh_retire_options o2 = *opt;
        o2.keep_going = false;
        S->opt = &o2;
        st = run_steps(S, R, &c->retire.reinf[j], R->first_fail, false, NULL, NULL, &fail,
                       rr->binding, err);
        S->opt = opt;
        if (st != DH_OK) goto fail;
        rr->fail_step = fail;
        rr->unlocked = (fail == DH_NONE ? R->n_order + 1 : fail) - R->first_fail;
    }
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
