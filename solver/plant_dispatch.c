/* plant_dispatch.c: the CHP plant as a whole and its dispatch against the header demand.
 *
 * Exports dh_plant_defaults, dh_plant_validate, dh_plant_dispatch, dh_plant_limit_name
 * (dh_plant.h). Called by the coupled network solve (header demand -> plant), the case reader
 * (defaults, validation) and the summary / HDF5 writers (the result struct).
 *
 * Dispatch rule (docs/plant.md, "Dispatch"), for a demand D (kg/s) at the header (p_h, T_set):
 *  1. Cogeneration first: the extraction E = min(D, sum of the turbines' largest extractions) is
 *     spread equally over the turbines in service (water-filling: a turbine at its limit keeps
 *     it, the rest share what is left).
 *  2. The PRDS takes R = D - E up to its capacity (outlet flow).
 *  3. Condensing flows: heat-led at the minimum the operating region allows at that extraction;
 *     or raised to the region's upper boundary (max power) or to an electric target.
 *  4. Main steam M = sum throttle + PRDS inlet must fit the boilers available (sum of rated flows).
 *     If not, cut in this order: condensing flow above its minimum, PRDS flow, extraction (the
 *     largest extraction total that fits, by bisection); a turbine is taken off only if even its
 *     minimum throttle flow does not fit.
 *  5. Boilers: all available boilers stay on while M >= sum of their minimum stable loads, else
 *     the last in merit order is shut down; loads shared at equal load fraction (or filled in
 *     merit order). If one boiler at minimum load still makes more than M, the condensing flows
 *     rise to take it; what remains is reported as main_steam_surplus.
 *  6. Unmet demand D - (E + PRDS) and the limit that binds; capacity and N-1 capacity are the
 *     header flow of the same rule at an unbounded demand, heat-led, with all available boilers
 *     and with the largest one out.
 * Turbines: below their controlled extraction range (header pressure too low) they keep running
 * with uncontrolled extraction (plant_turbine.c): the same rule applies with the region at that
 * pressure; above the range they extract nothing.
 * The main-steam enthalpy is the flow-weighted mix of the boiler outlets: with unequal boilers
 * the dispatch is repeated until it settles (one pass when the boilers are alike).
 */
#include "dh_plant.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dh_props.h"

#define EPS 1e-9 /* kg/s: flows within EPS of a limit are at the limit */

static const char *const limit_names[DH_LIMIT_COUNT] = {
    "boiler capacity",      "boiler minimum stable load", "extraction limit",
    "PRDS capacity",        "turbine electric power",     "turbine throttle flow",
    "turbine LP flow",      "extraction pressure range",  "no turbine in service",
};

const char *dh_plant_limit_name(unsigned bit)
{
    for (int i = 0; i < DH_LIMIT_COUNT; i++)
        if (bit == (1u << i)) return limit_names[i];
    return "";
}

void dh_plant_defaults(dh_plant_params *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "fuyuan-chp");
    p->n_boilers = 3;
    for (size_t i = 0; i < 3; i++) {
        dh_boiler_defaults(&p->boiler[i]);
        snprintf(p->boiler[i].id, sizeof p->boiler[i].id, "B%zu", i + 1);
        p->boiler[i].merit = (int)i;
    }
    p->n_turbines = 2;
    for (size_t i = 0; i < 2; i++) {
        dh_turbine_defaults(&p->turbine[i]);
        snprintf(p->turbine[i].id, sizeof p->turbine[i].id, "T%zu", i + 1);
    }
    dh_prds_defaults(&p->prds);
    p->sharing = DH_SHARE_EQUAL;
    p->extraction_desuperheat = true;
}

dh_status dh_plant_validate(const dh_plant_params *p, dh_error *err)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "plant %s", p->id);
    if (p->n_boilers < 1 || p->n_boilers > DH_PLANT_BOILERS_MAX)
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "needs 1..%d boilers (got %zu)",
                            DH_PLANT_BOILERS_MAX, p->n_boilers);
    if (p->n_turbines > DH_PLANT_TURBINES_MAX)
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "at most %d turbines (got %zu)",
                            DH_PLANT_TURBINES_MAX, p->n_turbines);
    if (p->sharing != DH_SHARE_EQUAL && p->sharing != DH_SHARE_MERIT)
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "unknown boiler sharing rule %d",
                            (int)p->sharing);
    dh_status st;
    double h_min = INFINITY, p_min = INFINITY;
    for (size_t i = 0; i < p->n_boilers; i++) {
        if ((st = dh_boiler_validate(&p->boiler[i], err)) != DH_OK) return st;
        dh_props s;
        if ((st = dh_props_pT(p->boiler[i].steam_pressure, p->boiler[i].steam_temperature, &s,
                              err)) != DH_OK)
            return st;
        h_min = fmin(h_min, s.h);
        p_min = fmin(p_min, p->boiler[i].steam_pressure);
    }
    for (size_t i = 0; i < p->n_turbines; i++) {
        const dh_turbine_params *t = &p->turbine[i];
        if ((st = dh_turbine_validate(t, err)) != DH_OK) return st;
        dh_props s;
        if ((st = dh_props_pT(t->throttle_pressure, t->throttle_temperature, &s, err)) != DH_OK)
            return st;
        snprintf(comp, sizeof comp, "turbine %s", t->id);
        if (t->throttle_pressure > p_min || s.h > h_min + 1e-6)
            return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                                "throttle state (%g Pa, %.2f K, h = %.1f J/kg) cannot be reached "
                                "from the boiler outlet (%g Pa, h = %.1f J/kg): the main steam "
                                "line only loses pressure and heat",
                                t->throttle_pressure, t->throttle_temperature, s.h, p_min, h_min);
    }
    return dh_prds_validate(&p->prds, err);
}

/* ---- one dispatch pass ---------------------------------------------------------------------- */

typedef struct unit_t {
    bool on;
    double p_e;   /* Pa, extraction chamber */
    double e_cap; /* kg/s, largest extraction */
    double e_lo;  /* kg/s, smallest extraction (> 0 only with uncontrolled extraction) */
    double m_e, m_c, lo, hi;
} unit_t;

typedef struct pass_t {
    const dh_plant_params *p;
    const dh_plant_demand *d;
    const bool *avail;   /* per boiler */
    double p_ms, h_ms;   /* main steam header state assumed for this pass */
    double prds_ratio;   /* kg PRDS inlet per kg outlet */
    double gain[DH_PLANT_TURBINES_MAX]; /* kg delivered to the header per kg extraction
                                           (1 + desuperheating spray ratio) */
    dh_turbine_region region[DH_PLANT_TURBINES_MAX]; /* at the header pressure, once */
    unit_t u[DH_PLANT_TURBINES_MAX];
    dh_error *err;
} pass_t;

/* Water-filling: every unit on first gets its smallest extraction e_lo (0 but with uncontrolled
 * extraction), then the rest of `target` (kg/s delivered to the header) is shared equally over
 * the units on, each capped at e_cap * gain; returns the total placed (<= target, unless the
 * smallest extractions alone exceed it). */
static double share_extraction(pass_t *s, double target)
{
    size_t n = s->p->n_turbines;
    bool fixed[DH_PLANT_TURBINES_MAX] = {false};
    double cap[DH_PLANT_TURBINES_MAX], base[DH_PLANT_TURBINES_MAX];
    size_t n_free = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        bool on = s->u[i].on && s->u[i].e_cap > 0;
        base[i] = on ? s->u[i].e_lo * s->gain[i] : 0.0;
        s->u[i].m_e = on ? s->u[i].e_lo : 0.0;
        cap[i] = s->u[i].e_cap * s->gain[i] - base[i];
        total += base[i];
        if (on && cap[i] > 0) n_free++;
        else fixed[i] = true;
    }
    double left = fmax(target - total, 0.0);
    while (n_free > 0 && left > 0) {
        double share = left / (double)n_free;
        bool capped = false;
        for (size_t i = 0; i < n; i++)
            if (!fixed[i] && cap[i] <= share) {
                s->u[i].m_e = s->u[i].e_cap;
                fixed[i] = true;
                n_free--;
                left -= cap[i];
                total += cap[i];
                capped = true;
            }
        if (capped) continue;
        for (size_t i = 0; i < n; i++)
            if (!fixed[i]) s->u[i].m_e = (base[i] + share) / s->gain[i];
        total += left;
        left = 0;
    }
    return total;
}

/* LP ranges at the current extractions; with lo_only, only the lower end (closed form, valid
 * for extractions up to e_cap). */
static dh_status lp_ranges(pass_t *s, bool lo_only)
{
    for (size_t i = 0; i < s->p->n_turbines; i++) {
        unit_t *u = &s->u[i];
        if (!u->on) continue;
        if (lo_only) {
            const dh_turbine_params *t = &s->p->turbine[i];
            u->lo = u->hi = fmax(t->min_lp_flow, t->min_throttle_flow - u->m_e);
            continue;
        }
        dh_status st = dh_turbine_lp_range(&s->p->turbine[i], u->p_e, u->m_e, &u->lo, &u->hi,
                                           s->err);
        if (st == DH_ERR_INFEASIBLE) {
            /* cannot happen below e_cap; guard against round-off at the cap */
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "turbine %s", s->p->turbine[i].id);
            return dh_error_set(s->err, DH_ERR_INTERNAL, NULL, comp,
                                "no LP flow fits extraction %g kg/s", u->m_e);
        }
        if (st != DH_OK) return st;
    }
    return DH_OK;
}

static double throttle_total(const pass_t *s)
{
    double m = 0;
    for (size_t i = 0; i < s->p->n_turbines; i++)
        if (s->u[i].on) m += s->u[i].m_e + s->u[i].m_c;
    return m;
}

static dh_status electric_total(const pass_t *s, double *P)
{
    *P = 0;
    for (size_t i = 0; i < s->p->n_turbines; i++) {
        const unit_t *u = &s->u[i];
        if (!u->on) continue;
        dh_turbine_state ts;
        dh_status st = dh_turbine_eval(&s->p->turbine[i], u->p_e, u->m_e + u->m_c, u->m_e, &ts,
                                       s->err);
        if (st != DH_OK) return st;
        *P += ts.electric_power;
    }
    return DH_OK;
}

/* Condensing flows at fraction lambda of each unit's [lo, hi]. */
static void set_condensing(pass_t *s, double lambda)
{
    for (size_t i = 0; i < s->p->n_turbines; i++)
        if (s->u[i].on) s->u[i].m_c = s->u[i].lo + lambda * (s->u[i].hi - s->u[i].lo);
}

/* Main steam at extraction total E, condensing at minimum (for the extraction cut); *placed is
 * the extraction total actually placed (E, or the units' smallest extractions if larger). */
static dh_status main_steam_at(pass_t *s, double E, double *M, double *placed)
{
    *placed = share_extraction(s, E);
    dh_status st = lp_ranges(s, true);
    if (st != DH_OK) return st;
    set_condensing(s, 0.0);
    *M = throttle_total(s);
    return DH_OK;
}

typedef struct pass_out {
    double E, prds_out, prds_in, M, B;
    unsigned binding;
    double surplus;
    bool boiler_on[DH_PLANT_BOILERS_MAX];
    double boiler_flow[DH_PLANT_BOILERS_MAX];
} pass_out;

/* Boiler order: available boilers by merit then index. */
static size_t boiler_order(const pass_t *s, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < s->p->n_boilers; i++)
        if (s->avail[i]) idx[n++] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && s->p->boiler[idx[j]].merit < s->p->boiler[idx[j - 1]].merit; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return n;
}

/* Steps 5: commitment and sharing of M over the available boilers; may raise condensing flows
 * to absorb a minimum-load excess. */
static void commit_boilers(pass_t *s, pass_out *o)
{
    const dh_plant_params *p = s->p;
    size_t idx[DH_PLANT_BOILERS_MAX];
    size_t n = boiler_order(s, idx);
    memset(o->boiler_on, 0, sizeof o->boiler_on);
    memset(o->boiler_flow, 0, sizeof o->boiler_flow);
    o->surplus = 0;
    if (n == 0 || o->M <= EPS) return;
    double rated[DH_PLANT_BOILERS_MAX + 1] = {0}, minf[DH_PLANT_BOILERS_MAX + 1] = {0};
    for (size_t k = 0; k < n; k++) { /* prefix sums over merit order */
        rated[k + 1] = rated[k] + p->boiler[idx[k]].rated_flow;
        minf[k + 1] = minf[k] + p->boiler[idx[k]].min_load * p->boiler[idx[k]].rated_flow;
    }
    size_t k = n;
    if (p->sharing == DH_SHARE_MERIT) {
        k = 1;
        while (k < n && rated[k] < o->M - EPS) k++;
    } else {
        while (k > 1 && minf[k] > o->M + EPS && rated[k - 1] >= o->M - EPS) k--;
    }
    if (minf[k] > o->M + EPS) {
        /* k boilers at minimum load make more than M: condensing flows take the excess */
        double need = minf[k] - o->M, room = 0;
        for (size_t i = 0; i < p->n_turbines; i++)
            if (s->u[i].on) room += s->u[i].hi - s->u[i].m_c;
        double take = fmin(need, room);
        if (take > 0)
            for (size_t i = 0; i < p->n_turbines; i++)
                if (s->u[i].on) s->u[i].m_c += take * (s->u[i].hi - s->u[i].m_c) / room;
        o->M += take;
        o->surplus = need - take > EPS ? need - take : 0;
        o->M = fmax(o->M, minf[k] - o->surplus); /* round-off */
    }
    double M = o->M + o->surplus; /* what the boilers make */
    for (size_t j = 0; j < k; j++) o->boiler_on[idx[j]] = true;
    if (p->sharing == DH_SHARE_MERIT) {
        double left = M;
        for (size_t j = 0; j < k; j++) {
            const dh_boiler_params *b = &p->boiler[idx[j]];
            o->boiler_flow[idx[j]] = fmin(b->rated_flow, left);
            left -= o->boiler_flow[idx[j]];
        }
        /* the last may sit below its minimum: take the deficit from the earlier ones */
        const dh_boiler_params *bl = &p->boiler[idx[k - 1]];
        double deficit = bl->min_load * bl->rated_flow - o->boiler_flow[idx[k - 1]];
        for (size_t j = k - 1; j-- > 0 && deficit > 0;) {
            const dh_boiler_params *b = &p->boiler[idx[j]];
            double give = fmin(deficit, o->boiler_flow[idx[j]] - b->min_load * b->rated_flow);
            if (give <= 0) continue;
            o->boiler_flow[idx[j]] -= give;
            o->boiler_flow[idx[k - 1]] += give;
            deficit -= give;
        }
    } else {
        /* equal load fraction; a boiler whose minimum is above the common fraction is held at
         * its minimum and the others share the rest */
        bool fixed[DH_PLANT_BOILERS_MAX] = {false};
        double left = M;
        for (int it = 0; it < DH_PLANT_BOILERS_MAX + 1; it++) {
            double r = 0;
            for (size_t j = 0; j < k; j++)
                if (!fixed[j]) r += p->boiler[idx[j]].rated_flow;
            if (r <= 0) break;
            double f = left / r;
            bool again = false;
            for (size_t j = 0; j < k; j++) {
                const dh_boiler_params *b = &p->boiler[idx[j]];
                if (!fixed[j] && b->min_load > f + 1e-15) {
                    fixed[j] = true;
                    o->boiler_flow[idx[j]] = b->min_load * b->rated_flow;
                    left -= o->boiler_flow[idx[j]];
                    again = true;
                }
            }
            if (again) continue;
            for (size_t j = 0; j < k; j++)
                if (!fixed[j]) o->boiler_flow[idx[j]] = f * p->boiler[idx[j]].rated_flow;
            break;
        }
    }
}

/* Steps 1-5 for one main-steam state. */
static dh_status run_pass(pass_t *s, pass_out *o)
{
    const dh_plant_params *p = s->p;
    const dh_plant_demand *d = s->d;
    dh_status st;
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < p->n_boilers; i++)
        if (s->avail[i]) o->B += p->boiler[i].rated_flow;
    double D = d->steam_flow;
    double prds_cap = p->prds.in_service ? p->prds.capacity : 0.0;
    size_t allowed = p->n_turbines;
    for (;;) {
        /* units: in service, among the first `allowed`, with a non-empty region */
        for (size_t i = 0; i < p->n_turbines; i++) {
            const dh_turbine_params *t = &p->turbine[i];
            unit_t *u = &s->u[i];
            memset(u, 0, sizeof *u);
            u->p_e = d->header_pressure + t->extraction_line_dp;
            if (!t->in_service || i >= allowed || s->region[i].n == 0) continue;
            u->on = true;
            u->e_cap = s->region[i].max_extraction;
            u->e_lo = s->region[i].min_extraction;
        }
        /* uncontrolled extraction with a smallest extraction above the demand: the last such
         * unit comes off (its extraction would have nowhere to go) */
        double lo_sum = 0;
        size_t last_lo = p->n_turbines;
        for (size_t i = 0; i < p->n_turbines; i++)
            if (s->u[i].on && s->u[i].e_lo > 0) {
                lo_sum += s->u[i].e_lo * s->gain[i];
                last_lo = i;
            }
        if (lo_sum > D + EPS && last_lo < p->n_turbines) {
            allowed = last_lo;
            continue;
        }
        /* 1. cogeneration first; 2. PRDS */
        o->E = share_extraction(s, D);
        o->prds_out = fmin(fmax(D - o->E, 0.0), prds_cap);
        o->prds_in = o->prds_out * s->prds_ratio;
        /* 3. condensing flows */
        if ((st = lp_ranges(s, false)) != DH_OK) return st;
        if (d->power_mode == DH_POWER_MAX) {
            set_condensing(s, 1.0);
        } else if (d->power_mode == DH_POWER_TARGET) {
            double P0, P1;
            set_condensing(s, 1.0);
            if ((st = electric_total(s, &P1)) != DH_OK) return st;
            set_condensing(s, 0.0);
            if ((st = electric_total(s, &P0)) != DH_OK) return st;
            if (P1 <= d->power_target) {
                set_condensing(s, 1.0);
            } else if (P0 < d->power_target) {
                double a = 0, b = 1;
                for (int k = 0; k < 100 && b - a > 1e-13; k++) {
                    double c = 0.5 * (a + b), P;
                    set_condensing(s, c);
                    if ((st = electric_total(s, &P)) != DH_OK) return st;
                    if (P < d->power_target) a = c;
                    else b = c;
                }
                set_condensing(s, b);
            }
        } else {
            set_condensing(s, 0.0);
        }
        /* 4. main steam vs boilers */
        o->M = throttle_total(s) + o->prds_in;
        if (o->M <= o->B + EPS) break;
        double over = o->M - o->B;
        double X = 0; /* a) condensing above minimum */
        for (size_t i = 0; i < p->n_turbines; i++)
            if (s->u[i].on) X += s->u[i].m_c - s->u[i].lo;
        if (X > 0) {
            double cut = fmin(X, over), mu = 1 - cut / X;
            for (size_t i = 0; i < p->n_turbines; i++)
                if (s->u[i].on) s->u[i].m_c = s->u[i].lo + mu * (s->u[i].m_c - s->u[i].lo);
            over -= cut;
        }
        if (over <= EPS) {
            o->M = throttle_total(s) + o->prds_in;
            break;
        }
        o->binding |= DH_LIMIT_BOILER_CAPACITY;
        double cut_in = fmin(o->prds_in, over); /* b) PRDS */
        o->prds_in -= cut_in;
        o->prds_out = o->prds_in / s->prds_ratio;
        over -= cut_in;
        if (over <= EPS) {
            o->M = throttle_total(s) + o->prds_in;
            break;
        }
        double M0, E0; /* c) extraction: largest total E' in [E0, E] with M(E') <= B */
        if ((st = main_steam_at(s, 0.0, &M0, &E0)) != DH_OK) return st;
        if (M0 <= o->B + EPS) {
            double a = E0, b = o->E, Mx, Ex;
            for (int k = 0; k < 200 && b - a > 1e-12 * (1 + b); k++) {
                double c = 0.5 * (a + b);
                if ((st = main_steam_at(s, c, &Mx, &Ex)) != DH_OK) return st;
                if (Mx <= o->B) a = c;
                else b = c;
            }
            if ((st = main_steam_at(s, a, &Mx, &Ex)) != DH_OK) return st;
            o->E = Ex;
            o->M = Mx + o->prds_in;
            break;
        }
        /* even the turbines' minimum throttle flows do not fit: take one off and start again */
        if (allowed == 0) return dh_error_set(s->err, DH_ERR_INTERNAL, NULL, p->id, "dispatch");
        size_t last = p->n_turbines;
        for (size_t i = 0; i < p->n_turbines; i++)
            if (s->u[i].on) last = i;
        if (last == p->n_turbines) { /* no turbine left: PRDS only, already cut to fit */
            o->M = o->prds_in;
            break;
        }
        allowed = last;
    }
    commit_boilers(s, o);
    return DH_OK;
}

/* A full dispatch for one boiler availability: passes until the main-steam mix settles, then
 * the result struct (without the reserve figures). */
static dh_status solve(const dh_plant_params *p, const dh_plant_demand *d, const bool *avail,
                       dh_plant_result *r, dh_error *err)
{
    dh_status st;
    memset(r, 0, sizeof *r);
    r->n1_boiler = -1;
    pass_t s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.d = d;
    s.avail = avail;
    s.err = err;
    /* initial main-steam state: rated-flow-weighted mix of the available boilers */
    double h_steam[DH_PLANT_BOILERS_MAX] = {0}, wsum = 0, hsum = 0;
    s.p_ms = INFINITY;
    for (size_t i = 0; i < p->n_boilers; i++) {
        dh_props b;
        if ((st = dh_props_pT(p->boiler[i].steam_pressure, p->boiler[i].steam_temperature, &b,
                              err)) != DH_OK)
            return st;
        h_steam[i] = b.h;
        if (!avail[i]) continue;
        wsum += p->boiler[i].rated_flow;
        hsum += p->boiler[i].rated_flow * b.h;
        s.p_ms = fmin(s.p_ms, p->boiler[i].steam_pressure);
    }
    if (wsum == 0) { /* no boiler: any boiler's state, nothing will flow */
        s.p_ms = p->boiler[0].steam_pressure;
        s.h_ms = h_steam[0];
    } else {
        s.h_ms = hsum / wsum;
    }
    dh_props set;
    if ((st = dh_props_pT(d->header_pressure, d->header_temperature, &set, err)) != DH_OK)
        return st;
    for (size_t i = 0; i < p->n_turbines; i++) {
        s.gain[i] = 1.0;
        const dh_turbine_params *t = &p->turbine[i];
        if ((st = dh_turbine_region_eval(t, d->header_pressure + t->extraction_line_dp,
                                         &s.region[i], err)) != DH_OK)
            return st;
    }
    pass_out o;
    dh_prds_state ps;
    for (int pass = 0; pass < 50; pass++) {
        if ((st = dh_prds_eval(&p->prds, s.p_ms, s.h_ms, d->header_pressure, d->header_temperature,
                               1.0, &ps, err)) != DH_OK)
            return st;
        s.prds_ratio = ps.inlet_flow;
        if ((st = run_pass(&s, &o)) != DH_OK) return st;
        double m = 0, hm = 0, pm = INFINITY;
        for (size_t i = 0; i < p->n_boilers; i++)
            if (o.boiler_on[i]) {
                m += o.boiler_flow[i];
                hm += o.boiler_flow[i] * h_steam[i];
                pm = fmin(pm, p->boiler[i].steam_pressure);
            }
        bool settled = true;
        for (size_t i = 0; i < p->n_turbines; i++) { /* extraction desuperheating */
            const unit_t *u = &s.u[i];
            double g = 1.0;
            if (u->on && u->m_e > 0 && p->extraction_desuperheat) {
                dh_turbine_state ts;
                if ((st = dh_turbine_eval(&p->turbine[i], u->p_e, u->m_e + u->m_c, u->m_e, &ts,
                                          err)) != DH_OK)
                    return st;
                if (ts.h_extraction > set.h)
                    g = 1.0 + (ts.h_extraction - set.h) / (set.h - ps.h_spray);
            }
            if (fabs(g - s.gain[i]) > 1e-13) settled = false;
            s.gain[i] = g;
        }
        if (m > 0) {
            double h_new = hm / m;
            if (!(fabs(h_new - s.h_ms) <= 1e-12 * s.h_ms && pm == s.p_ms)) settled = false;
            s.h_ms = h_new;
            s.p_ms = pm;
        }
        if (settled) break;
    }

    /* ---- states and totals ---- */
    r->main_steam_pressure = s.p_ms;
    r->main_steam_enthalpy = s.h_ms;
    for (size_t i = 0; i < p->n_boilers; i++) {
        r->boiler_on[i] = o.boiler_on[i];
        if ((st = dh_boiler_eval(&p->boiler[i], o.boiler_on[i] ? o.boiler_flow[i] : 0.0,
                                 &r->boiler[i], err)) != DH_OK)
            return st;
        if (o.boiler_on[i]) {
            r->n_boilers_on++;
            r->main_steam_flow += o.boiler_flow[i];
            r->fuel_flow += r->boiler[i].fuel_flow;
            r->fuel_heat += r->boiler[i].heat_input;
            const dh_boiler_params *b = &p->boiler[i];
            if (o.boiler_flow[i] <= b->min_load * b->rated_flow + EPS)
                r->active |= DH_LIMIT_BOILER_MIN_LOAD;
        }
    }
    r->main_steam_surplus = o.surplus;
    if (r->n_boilers_on > 0 && o.M >= o.B - EPS) r->active |= DH_LIMIT_BOILER_CAPACITY;
    if (o.surplus > 0) r->active |= DH_LIMIT_BOILER_MIN_LOAD;

    if ((st = dh_prds_eval(&p->prds, s.p_ms, s.h_ms, d->header_pressure, d->header_temperature,
                           o.prds_out, &r->prds, err)) != DH_OK)
        return st;
    double hq = 0; /* enthalpy flow into the header */
    bool any_on = false, any_ext_ok = false, all_ext_capped = true;
    for (size_t i = 0; i < p->n_turbines; i++) {
        const dh_turbine_params *t = &p->turbine[i];
        unit_t *u = &s.u[i];
        r->region[i] = s.region[i];
        if (!u->on) continue;
        any_on = true;
        r->turbine_on[i] = true;
        r->n_turbines_on++;
        if ((st = dh_turbine_eval(t, u->p_e, u->m_e + u->m_c, u->m_e, &r->turbine[i], err)) !=
            DH_OK)
            return st;
        const dh_turbine_state *ts = &r->turbine[i];
        r->extraction_flow += ts->extraction_flow;
        r->condenser_flow += ts->lp_flow;
        r->electric_power += ts->electric_power;
        r->condenser_heat += ts->condenser_heat;
        r->main_steam_pipe_loss += ts->throttle_flow * (s.h_ms - ts->h_throttle);
        if (p->extraction_desuperheat && ts->h_extraction > set.h) {
            /* spray: m_e h_e + m_w h_w = (m_e + m_w) h_set */
            r->extraction_spray[i] = ts->extraction_flow * (ts->h_extraction - set.h) /
                                     (set.h - r->prds.h_spray);
            hq += (ts->extraction_flow + r->extraction_spray[i]) * set.h;
        } else {
            hq += ts->extraction_flow * ts->h_extraction;
        }
        r->extraction_spray_flow += r->extraction_spray[i];
        /* below the controlled range the extraction still flows (uncontrolled): the limit is
         * flagged as active (the header is outside the range), it binds only above the range */
        if (r->region[i].extraction_ok || r->region[i].uncontrolled) any_ext_ok = true;
        if (!r->region[i].extraction_ok) r->active |= DH_LIMIT_EXTRACTION_PRESSURE;
        if (u->e_cap > 0 && u->m_e < u->e_cap - EPS) all_ext_capped = false;
        if (u->e_cap > 0 && u->m_e >= u->e_cap - EPS) r->active |= DH_LIMIT_EXTRACTION;
        if (ts->electric_power >= t->max_power * (1 - 1e-9)) r->active |= DH_LIMIT_TURBINE_POWER;
        if (ts->throttle_flow >= r->region[i].max_throttle - EPS)
            r->active |= DH_LIMIT_THROTTLE_FLOW;
        if (ts->lp_flow >= r->region[i].max_lp - EPS) r->active |= DH_LIMIT_LP_FLOW;
    }
    if (!any_on) r->active |= DH_LIMIT_NO_TURBINE;
    r->prds_flow = r->prds.outlet_flow;
    double prds_cap = p->prds.in_service ? p->prds.capacity : 0.0;
    if (r->prds_flow >= prds_cap - EPS) r->active |= DH_LIMIT_PRDS_CAPACITY;
    hq += r->prds_flow * r->prds.h_out;
    r->header_flow = r->extraction_flow + r->extraction_spray_flow + r->prds_flow;
    if (r->header_flow > 0) {
        r->header_enthalpy = hq / r->header_flow;
        dh_props hp;
        if ((st = dh_props_ph(d->header_pressure, r->header_enthalpy, &hp, err)) != DH_OK) return st;
        r->header_temperature = hp.T;
    } else {
        r->header_enthalpy = r->prds.h_out;
        r->header_temperature = d->header_temperature;
    }
    r->unmet_steam = d->steam_flow - r->header_flow;
    if (r->unmet_steam <= EPS * (1 + d->steam_flow)) r->unmet_steam = 0;
    if (r->unmet_steam > 0) {
        r->binding = o.binding;
        if (!(o.binding & DH_LIMIT_BOILER_CAPACITY)) {
            if (!any_on) r->binding |= DH_LIMIT_NO_TURBINE;
            else if (!any_ext_ok) r->binding |= DH_LIMIT_EXTRACTION_PRESSURE;
            else if (all_ext_capped) r->binding |= DH_LIMIT_EXTRACTION;
            r->binding |= DH_LIMIT_PRDS_CAPACITY;
        }
    }
    r->heat_supplied = r->header_flow * (r->header_enthalpy - r->prds.h_spray);
    r->efficiency = r->fuel_heat > 0 ? (r->electric_power + r->heat_supplied) / r->fuel_heat : 0;
    r->heat_to_power = r->electric_power > 0 ? r->heat_supplied / r->electric_power : 0;
    if (d->power_mode == DH_POWER_TARGET && r->electric_power < d->power_target)
        r->power_unmet = d->power_target - r->electric_power;
    return DH_OK;
}

dh_status dh_plant_dispatch(const dh_plant_params *p, const dh_plant_demand *d,
                            dh_plant_result *out, dh_error *err)
{
    memset(out, 0, sizeof *out);
    dh_status st;
    if ((st = dh_plant_validate(p, err)) != DH_OK) return st;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "plant %s", p->id);
    if (!(d->steam_flow >= 0 && isfinite(d->steam_flow)))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "header demand must be >= 0 kg/s (got %g)",
                            d->steam_flow);
    if (!(d->header_pressure > 0) || !(d->header_temperature > dh_if97_tsat(d->header_pressure)))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "header set point (%g Pa, %.2f K) must be superheated steam",
                            d->header_pressure, d->header_temperature);
    if (d->power_mode == DH_POWER_TARGET && !(d->power_target >= 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "electric target must be >= 0 W");
    bool avail[DH_PLANT_BOILERS_MAX];
    double B = 0;
    for (size_t i = 0; i < p->n_boilers; i++) {
        avail[i] = p->boiler[i].in_service;
        if (avail[i]) B += p->boiler[i].rated_flow;
    }
    if ((st = solve(p, d, avail, out, err)) != DH_OK) return st;

    /* reserve: same rule, heat-led, at a demand above anything the plant can deliver */
    dh_plant_demand big = *d;
    big.power_mode = DH_POWER_HEAT_LED;
    big.steam_flow = 10.0 * (B + p->prds.capacity) + 1.0;
    for (size_t i = 0; i < p->n_turbines; i++) big.steam_flow += 10.0 * p->turbine[i].max_extraction;
    dh_plant_result tmp;
    if ((st = solve(p, &big, avail, &tmp, err)) != DH_OK) return st;
    out->capacity = tmp.header_flow;
    out->reserve = fmax(out->capacity - out->header_flow, 0.0);
    int largest = -1;
    for (size_t i = 0; i < p->n_boilers; i++)
        if (avail[i] && (largest < 0 || p->boiler[i].rated_flow > p->boiler[largest].rated_flow))
            largest = (int)i;
    out->n1_boiler = largest;
    if (largest >= 0) {
        avail[largest] = false;
        if ((st = solve(p, &big, avail, &tmp, err)) != DH_OK) return st;
        out->n1_capacity = tmp.header_flow;
    }
    out->n1_ok = d->steam_flow <= out->n1_capacity + EPS;
    return DH_OK;
}
