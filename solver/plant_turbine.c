/* plant_turbine.c: the extraction-condensing turbine of the CHP plant and Stodola's cone law.
 *
 * Exports dh_stodola_flow, dh_stodola_inlet_pressure, dh_turbine_defaults, dh_turbine_validate,
 * dh_turbine_eval, dh_turbine_lp_range, dh_turbine_region_eval (dh_plant.h). Called by
 * plant_dispatch.c, the case reader (defaults, validation) and the summary (region).
 *
 * Model (docs/plant.md, "Turbine"): main steam (p0, T0) at the stop valve ->
 *   control valves: isenthalpic throttling to p1, the HP stage-group inlet pressure; throttle
 *     governing with a fixed inlet pressure, p1 from Stodola's law of the HP stage group
 *     (reference: max_throttle_flow at p1 = p0 (1 - valve_loss), design extraction pressure),
 *     with p v at (p1, h0) from IF97 (iterated, h0 is fixed);
 *   HP stage group: p1 -> p_e (controlled extraction pressure), h_e = h0 - eta_hp (h0 - h(p_e, s1));
 *   LP control valve (rotating diaphragm): throttling p_e -> p2, p2 from Stodola's law of the LP
 *     stage group (reference: max_lp_flow at p2 = p_e,d (1 - lp_valve_loss), condenser pressure;
 *     p v ratio taken as 1: the LP inlet temperature varies by a few % only);
 *   LP stage group: p2 -> p_c, h_x = h_e - eta_lp (h_e - h(p_c, s2)).
 * Below the controlled extraction range (uncontrolled extraction, docs/plant.md): the chamber
 *   pressure follows the header (p_e = p_header + line dp), the unit keeps running; the HP law is
 *   the same (inlet fixed by the main steam), the LP passes what its cone law swallows at p_e with
 *   the diaphragm wide open, never less than the cooling flow min_lp_flow (where the law would
 *   give less, the LP inlet pressure is held at its wide-open value p_e (1 - lp_valve_loss)).
 * Shaft power P = m0 (h0 - h_e) + m_c (h_e - h_x), so m0 h0 = m_e h_e + m_c h_x + P exactly;
 * electric power = P eta_mech eta_gen.
 * Willans option: section drops fixed at the design-point values of the model above,
 *   P = m0 dh_hp,d + m_c dh_lp,d - P_nl (Willans line with intercept -P_nl), the no-load loss
 *   staying in the extraction steam: h_e = h0 - dh_hp,d + P_nl / m0.
 */
#include "dh_plant.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dh_props.h"

#define FLOW_EPS 1e-9 /* kg/s: flows closer than this to a limit are at the limit */

double dh_stodola_flow(double m_ref, double p_in_ref, double p_out_ref, double pv_ref, double p_in,
                       double p_out, double pv)
{
    double num = p_in * p_in - p_out * p_out;
    if (num <= 0) return 0.0;
    return m_ref * sqrt(num / (p_in_ref * p_in_ref - p_out_ref * p_out_ref)) * sqrt(pv_ref / pv);
}

double dh_stodola_inlet_pressure(double m, double m_ref, double p_in_ref, double p_out_ref,
                                 double p_out, double pv_ratio)
{
    double r = m / m_ref;
    return sqrt(p_out * p_out + r * r * (p_in_ref * p_in_ref - p_out_ref * p_out_ref) * pv_ratio);
}

/* Defaults: a 24 MW extraction-condensing unit of the Chinese C25-8.83/0.98 class (docs/plant.md,
 * "Turbine", says which numbers are catalogue class values and which are assumed). */
void dh_turbine_defaults(dh_turbine_params *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "T1");
    t->in_service = true;
    t->model = DH_TURBINE_EFFICIENCY;
    t->throttle_pressure = 8.83e6;          /* 90 ata, the "8.83" of C25-8.83/0.98 */
    t->throttle_temperature = 535.0 + 273.15;
    t->max_throttle_flow = 180.0 / 3.6;     /* 180 t/h */
    t->min_throttle_flow = 45.0 / 3.6;      /* 45 t/h, 25 % of max */
    t->valve_loss = 0.03;
    t->design_extraction_pressure = 0.98e6; /* 10 ata, the "0.98" */
    t->extraction_pressure_min = 0.78e6;
    t->extraction_pressure_max = 1.27e6;
    t->extraction_line_dp = 0.05e6;
    t->max_extraction = 130.0 / 3.6;        /* 130 t/h */
    t->min_lp_flow = 15.0 / 3.6;            /* 15 t/h */
    t->max_lp_flow = 90.0 / 3.6;            /* 90 t/h */
    t->lp_valve_loss = 0.05;
    t->condenser_pressure = 6.0e3;          /* 6 kPa */
    t->eta_hp = 0.80;
    t->eta_lp = 0.78;
    t->eta_mech = 0.985;
    t->eta_gen = 0.975;
    t->max_power = 24.0e6;                  /* 24 MW (park brief) */
    t->willans_no_load = 1.2e6;             /* 5 % of rated, Willans option only */
}

static dh_status tbad(dh_error *err, const dh_turbine_params *t, const char *msg, double v)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "turbine %s", t->id);
    return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "%s (got %g)", msg, v);
}

dh_status dh_turbine_validate(const dh_turbine_params *t, dh_error *err)
{
    if (!(t->throttle_pressure > 0 && t->throttle_pressure < 22e6))
        return tbad(err, t, "throttle pressure must lie in (0, 22 MPa)", t->throttle_pressure);
    if (!(t->throttle_temperature > dh_if97_tsat(t->throttle_pressure)))
        return tbad(err, t, "throttle temperature must be superheated (K)", t->throttle_temperature);
    if (!(t->max_throttle_flow > 0)) return tbad(err, t, "max throttle flow must be > 0 kg/s", t->max_throttle_flow);
    if (!(t->min_throttle_flow >= 0 && t->min_throttle_flow < t->max_throttle_flow))
        return tbad(err, t, "min throttle flow must lie in [0, max throttle flow) kg/s", t->min_throttle_flow);
    if (!(t->valve_loss >= 0 && t->valve_loss < 0.5))
        return tbad(err, t, "valve loss must lie in [0, 0.5)", t->valve_loss);
    if (!(t->extraction_pressure_min > 0 && t->extraction_pressure_min <= t->design_extraction_pressure &&
          t->design_extraction_pressure <= t->extraction_pressure_max))
        return tbad(err, t, "design extraction pressure must lie in the controlled range (Pa)",
                    t->design_extraction_pressure);
    if (!(t->extraction_pressure_max < t->throttle_pressure * (1 - t->valve_loss)))
        return tbad(err, t, "max extraction pressure must lie below the HP inlet pressure (Pa)",
                    t->extraction_pressure_max);
    if (!(t->condenser_pressure > 611.213 &&
          t->condenser_pressure < t->extraction_pressure_min * (1 - t->lp_valve_loss)))
        return tbad(err, t, "condenser pressure must lie between 611 Pa and the LP inlet pressure (Pa)",
                    t->condenser_pressure);
    if (!(t->extraction_line_dp >= 0)) return tbad(err, t, "extraction line pressure drop must be >= 0 Pa", t->extraction_line_dp);
    if (!(t->max_extraction >= 0)) return tbad(err, t, "max extraction must be >= 0 kg/s", t->max_extraction);
    if (!(t->max_lp_flow > 0)) return tbad(err, t, "max LP flow must be > 0 kg/s", t->max_lp_flow);
    if (!(t->min_lp_flow >= 0 && t->min_lp_flow <= t->max_lp_flow && t->min_lp_flow <= t->max_throttle_flow))
        return tbad(err, t, "min LP flow must lie in [0, max LP flow] kg/s", t->min_lp_flow);
    if (!(t->lp_valve_loss >= 0 && t->lp_valve_loss < 0.5))
        return tbad(err, t, "LP valve loss must lie in [0, 0.5)", t->lp_valve_loss);
    const double eta[4] = {t->eta_hp, t->eta_lp, t->eta_mech, t->eta_gen};
    for (int i = 0; i < 4; i++)
        if (!(eta[i] > 0 && eta[i] <= 1)) return tbad(err, t, "efficiencies must lie in (0, 1]", eta[i]);
    if (!(t->max_power > 0)) return tbad(err, t, "max power must be > 0 W", t->max_power);
    if (!(t->willans_no_load >= 0)) return tbad(err, t, "Willans no-load loss must be >= 0 W", t->willans_no_load);
    if (t->model != DH_TURBINE_EFFICIENCY && t->model != DH_TURBINE_WILLANS)
        return tbad(err, t, "unknown turbine model", (double)t->model);
    return DH_OK;
}

/* HP reference state: h0 at the stop valve, p1 at valves wide open and p v there. */
typedef struct hp_ref {
    double h0, p1_vwo, pv_vwo;
} hp_ref;

/* Memo of the last results of the two pure functions below that every dispatch repeats with the
 * same arguments (the HP reference of each turbine; the region of each turbine at the header's
 * extraction pressure, the same every hour of a series at the set pressure): thread-local, so
 * the module stays thread-safe; a hit returns the stored result bit for bit (keys compared
 * exactly), so results do not depend on it. Errors are not stored. */
#define MEMO_N 4
typedef struct ref_memo {
    double p0, T0, valve_loss;
    hp_ref r;
} ref_memo;
static _Thread_local ref_memo ref_cache[MEMO_N];
static _Thread_local int ref_n, ref_next;

static dh_status hp_reference_raw(const dh_turbine_params *t, hp_ref *r, dh_error *err);

static dh_status hp_reference(const dh_turbine_params *t, hp_ref *r, dh_error *err)
{
    for (int i = 0; i < ref_n; i++) {
        const ref_memo *m = &ref_cache[i];
        if (m->p0 == t->throttle_pressure && m->T0 == t->throttle_temperature &&
            m->valve_loss == t->valve_loss) {
            *r = m->r;
            return DH_OK;
        }
    }
    dh_status st = hp_reference_raw(t, r, err);
    if (st != DH_OK) return st;
    ref_memo *m = &ref_cache[ref_next];
    m->p0 = t->throttle_pressure;
    m->T0 = t->throttle_temperature;
    m->valve_loss = t->valve_loss;
    m->r = *r;
    ref_next = (ref_next + 1) % MEMO_N;
    if (ref_n < MEMO_N) ref_n++;
    return DH_OK;
}

static dh_status hp_reference_raw(const dh_turbine_params *t, hp_ref *r, dh_error *err)
{
    dh_props s0, s1;
    dh_status st;
    if ((st = dh_props_pT_thermo(t->throttle_pressure, t->throttle_temperature, &s0, err)) != DH_OK)
        return st;
    r->h0 = s0.h;
    r->p1_vwo = t->throttle_pressure * (1 - t->valve_loss);
    if ((st = dh_props_ph_thermo(r->p1_vwo, r->h0, &s1, err)) != DH_OK) return st;
    r->pv_vwo = r->p1_vwo * s1.v;
    return DH_OK;
}

/* Largest throttle flow at extraction pressure p_e: Stodola with p1 = p1_vwo (same inlet state as
 * the reference, so the p v ratio is 1), capped by max_throttle_flow. */
static double max_throttle_at(const dh_turbine_params *t, const hp_ref *r, double p_e)
{
    double m = dh_stodola_flow(t->max_throttle_flow, r->p1_vwo, t->design_extraction_pressure,
                               r->pv_vwo, r->p1_vwo, p_e, r->pv_vwo);
    return fmin(m, t->max_throttle_flow);
}

/* Below the controlled extraction range: uncontrolled extraction. */
static bool extraction_uncontrolled(const dh_turbine_params *t, double p_e)
{
    return p_e < t->extraction_pressure_min * (1 - 1e-12);
}

/* LP swallowing capacity at extraction pressure p_e (LP valve wide open, p v ratio 1). With
 * uncontrolled extraction, never below the cooling flow: the unit stays in service and the
 * last stages get their minimum (the model's LP inlet pressure is then capped at the wide-open
 * value, eval_efficiency). */
static double max_lp_at(const dh_turbine_params *t, double p_e)
{
    double p2_ref = t->design_extraction_pressure * (1 - t->lp_valve_loss);
    double p2_max = p_e * (1 - t->lp_valve_loss);
    double m = dh_stodola_flow(t->max_lp_flow, p2_ref, t->condenser_pressure, 1.0, p2_max,
                               t->condenser_pressure, 1.0);
    return extraction_uncontrolled(t, p_e) ? fmax(m, t->min_lp_flow) : m;
}

/* p v(p, h0) / pv_vwo at the inlet pressure p(ratio) that passes m0 (Stodola), in *g; the
 * pressure in *p. v to round-off by dh_props_ph_exact (the fast path polished by Newton on the
 * forward equation, no transport properties). */
static dh_status hp_ratio(const dh_turbine_params *t, const hp_ref *r, double m0, double p_e,
                          double ratio, double *p, double *g, dh_error *err)
{
    *p = dh_stodola_inlet_pressure(m0, t->max_throttle_flow, r->p1_vwo,
                                   t->design_extraction_pressure, p_e, ratio);
    dh_ph_state s;
    double v;
    if (dh_props_ph_exact(*p, r->h0, 0, &s) == DH_OK) {
        v = 1.0 / s.rho;
    } else {
        dh_props full;
        dh_status st = dh_props_ph_thermo(*p, r->h0, &full, err);
        if (st != DH_OK) return st;
        v = full.v;
    }
    *g = *p * v / r->pv_vwo;
    return DH_OK;
}

/* HP stage-group inlet pressure p1 passing m0 at extraction pressure p_e: the closed form of
 * Stodola's law with the ratio pv(p1, h0) / pv_vwo, which changes by < 1 % per MPa, solved for
 * that ratio to round-off. */
static dh_status hp_inlet_pressure(const dh_turbine_params *t, const hp_ref *r, double m0,
                                   double p_e, double *p1, dh_error *err)
{
    /* ratio = G(ratio) by the secant method on G(ratio) - ratio from the fixed-point pair
     * (1, G(1)) (the plain fixed-point iteration took 5.5 evaluations on the park year's
     * dispatches); ends, as before, when |G(ratio) - ratio| <= 1e-14 ratio, with p at that
     * ratio */
    double r0 = 1.0, g0, p = 0;
    dh_status st = hp_ratio(t, r, m0, p_e, r0, &p, &g0, err);
    if (st != DH_OK) return st;
    if (fabs(g0 - r0) <= 1e-14 * r0) {
        *p1 = p;
        return DH_OK;
    }
    double r1 = g0, g1;
    for (int k = 0; k < 60; k++) {
        if ((st = hp_ratio(t, r, m0, p_e, r1, &p, &g1, err)) != DH_OK) return st;
        if (fabs(g1 - r1) <= 1e-14 * r1) break;
        double d = (g1 - r1) - (g0 - r0);
        double r2 = d != 0.0 ? r1 - (g1 - r1) * (r1 - r0) / d : g1;
        if (!(r2 > 0.0) || !isfinite(r2)) r2 = g1; /* fall back to the fixed-point step */
        r0 = r1, g0 = g1, r1 = r2;
    }
    *p1 = p;
    return DH_OK;
}

static bool same_turbine(const dh_turbine_params *a, const dh_turbine_params *b);

/* Memo of eval_efficiency (pure in the turbine's parameters and (p_e, m0, m_e); see ref_memo):
 * a dispatch evaluates the same turbine at the same point repeatedly (its searches revisit
 * bounds; measured on the park year: 42 % of the calls repeat (p_e, m0), the HP expansion, and
 * 34 % all three). Keys compared exactly, so a hit returns the same numbers as the evaluation.
 * The HP part (inlet pressure, extraction enthalpy) depends on (p_e, m0) only. */
#define EFF_MEMO_N 16
typedef struct eff_memo {
    dh_turbine_params t;
    double p_e, m0, m_e;
    double p_hp_inlet, h_extraction, p_lp_inlet, h_exhaust;
} eff_memo;
static _Thread_local eff_memo eff_cache[EFF_MEMO_N];
static _Thread_local int eff_n, eff_next;

/* The efficiency model at (p_e, m0, m_e); fills the state's pressures and enthalpies. */
static dh_status eval_efficiency(const dh_turbine_params *t, const hp_ref *r, double p_e,
                                 double m0, double m_e, dh_turbine_state *o, dh_error *err)
{
    dh_status st;
    dh_props s1, es, s2, xs;
    double m_c = m0 - m_e;
    const eff_memo *hp = NULL;
    for (int i = 0; i < eff_n; i++) {
        const eff_memo *m = &eff_cache[i];
        if (m->p_e == p_e && m->m0 == m0 && same_turbine(&m->t, t)) {
            hp = m;
            if (m->m_e == m_e) {
                o->p_hp_inlet = m->p_hp_inlet;
                o->h_extraction = m->h_extraction;
                o->p_lp_inlet = m->p_lp_inlet;
                o->h_exhaust = m->h_exhaust;
                return DH_OK;
            }
        }
    }
    if (hp) {
        o->p_hp_inlet = hp->p_hp_inlet;
        o->h_extraction = hp->h_extraction;
    } else {
        if ((st = hp_inlet_pressure(t, r, m0, p_e, &o->p_hp_inlet, err)) != DH_OK) return st;
        if ((st = dh_props_ph_thermo(o->p_hp_inlet, r->h0, &s1, err)) != DH_OK) return st;
        if ((st = dh_props_ps_thermo(p_e, s1.s, &es, err)) != DH_OK) return st;
        o->h_extraction = r->h0 - t->eta_hp * (r->h0 - es.h);
    }
    double p2_ref = t->design_extraction_pressure * (1 - t->lp_valve_loss);
    o->p_lp_inlet = dh_stodola_inlet_pressure(m_c, t->max_lp_flow, p2_ref, t->condenser_pressure,
                                              t->condenser_pressure, 1.0);
    /* the LP valve cannot raise the pressure: at most its wide-open value (reached only by the
     * cooling flow with uncontrolled extraction at a very low header pressure) */
    o->p_lp_inlet = fmin(o->p_lp_inlet, p_e * (1 - t->lp_valve_loss));
    if (m_c > 0) {
        if ((st = dh_props_ph_thermo(o->p_lp_inlet, o->h_extraction, &s2, err)) != DH_OK) return st;
        if ((st = dh_props_ps_thermo(t->condenser_pressure, s2.s, &xs, err)) != DH_OK) return st;
        o->h_exhaust = o->h_extraction - t->eta_lp * (o->h_extraction - xs.h);
    } else {
        o->h_exhaust = o->h_extraction; /* no LP flow: no expansion */
    }
    eff_memo *m = &eff_cache[eff_next];
    m->t = *t;
    m->p_e = p_e, m->m0 = m0, m->m_e = m_e;
    m->p_hp_inlet = o->p_hp_inlet, m->h_extraction = o->h_extraction;
    m->p_lp_inlet = o->p_lp_inlet, m->h_exhaust = o->h_exhaust;
    eff_next = (eff_next + 1) % EFF_MEMO_N;
    if (eff_n < EFF_MEMO_N) eff_n++;
    return DH_OK;
}

/* dh_turbine_eval; with full false only the flows, pressures, enthalpies and powers (the
 * extraction temperature, exhaust quality and condenser heat are left 0): power_at, in the
 * dispatch's searches, needs the electric power only. */
static dh_status turbine_eval(const dh_turbine_params *t, double p_extraction, double throttle_flow,
                              double extraction_flow, bool full, dh_turbine_state *out,
                              dh_error *err);

dh_status dh_turbine_eval(const dh_turbine_params *t, double p_extraction, double throttle_flow,
                          double extraction_flow, dh_turbine_state *out, dh_error *err)
{
    return turbine_eval(t, p_extraction, throttle_flow, extraction_flow, true, out, err);
}

static dh_status turbine_eval(const dh_turbine_params *t, double p_extraction, double throttle_flow,
                              double extraction_flow, bool full, dh_turbine_state *out,
                              dh_error *err)
{
    memset(out, 0, sizeof *out);
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "turbine %s", t->id);
    if (!(throttle_flow > 0 && extraction_flow >= 0 && extraction_flow <= throttle_flow))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "flows must satisfy throttle (%g) >= extraction (%g) >= 0 kg/s, "
                            "throttle > 0", throttle_flow, extraction_flow);
    if (!(p_extraction > t->condenser_pressure && p_extraction < t->throttle_pressure))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "extraction pressure %g Pa outside (condenser, throttle)", p_extraction);
    hp_ref r;
    dh_status st;
    if ((st = hp_reference(t, &r, err)) != DH_OK) return st;
    double m0 = throttle_flow, m_e = extraction_flow, m_c = m0 - m_e;
    if ((st = eval_efficiency(t, &r, p_extraction, m0, m_e, out, err)) != DH_OK) return st;
    if (t->model == DH_TURBINE_WILLANS) {
        /* design drops: valves wide open, LP at its capacity, design extraction pressure */
        dh_turbine_state d;
        double m0d = t->max_throttle_flow, mcd = fmin(t->max_lp_flow, m0d);
        if ((st = eval_efficiency(t, &r, t->design_extraction_pressure, m0d, m0d - mcd, &d, err)) !=
            DH_OK)
            return st;
        double dh_hp = r.h0 - d.h_extraction, dh_lp = d.h_extraction - d.h_exhaust;
        out->h_extraction = r.h0 - dh_hp + t->willans_no_load / m0;
        out->h_exhaust = m_c > 0 ? out->h_extraction - dh_lp : out->h_extraction;
    }
    out->throttle_flow = m0;
    out->extraction_flow = m_e;
    out->lp_flow = m_c;
    out->p_throttle = t->throttle_pressure;
    out->h_throttle = r.h0;
    out->p_extraction = p_extraction;
    out->p_exhaust = t->condenser_pressure;
    out->hp_power = m0 * (r.h0 - out->h_extraction);
    out->lp_power = m_c * (out->h_extraction - out->h_exhaust);
    out->shaft_power = out->hp_power + out->lp_power;
    out->electric_power = out->shaft_power * t->eta_mech * t->eta_gen;
    if (!full) return DH_OK;
    dh_props e, x, sat;
    if ((st = dh_props_ph_thermo(p_extraction, out->h_extraction, &e, err)) != DH_OK) return st;
    if ((st = dh_props_ph_thermo(t->condenser_pressure, out->h_exhaust, &x, err)) != DH_OK) return st;
    if ((st = dh_props_px(t->condenser_pressure, 0.0, &sat, err)) != DH_OK) return st;
    out->T_extraction = e.T;
    out->x_exhaust = x.x;
    out->condenser_heat = m_c * (out->h_exhaust - sat.h);
    return DH_OK;
}

static dh_status power_at(const dh_turbine_params *t, double p_e, double m_e, double m_c,
                          double *P, dh_error *err)
{
    dh_turbine_state s;
    dh_status st = turbine_eval(t, p_e, m_e + m_c, m_e, false, &s, err);
    *P = s.electric_power;
    return st;
}

static bool extraction_pressure_ok(const dh_turbine_params *t, double p_e)
{
    return p_e >= t->extraction_pressure_min * (1 - 1e-12) &&
           p_e <= t->extraction_pressure_max * (1 + 1e-12);
}

/* Extraction is possible in the controlled range and below it (uncontrolled); above it the
 * extraction valve closes (the chamber cannot be raised above its design range). */
static bool extraction_possible(const dh_turbine_params *t, double p_e)
{
    return p_e <= t->extraction_pressure_max * (1 + 1e-12);
}

static bool same_turbine(const dh_turbine_params *a, const dh_turbine_params *b);
static dh_status lp_range_raw(const dh_turbine_params *t, double p_extraction,
                              double extraction_flow, double *lo, double *hi, dh_error *err);

/* Memo of dh_turbine_lp_range (pure; see ref_memo): the dispatch's passes repeat the same
 * (turbine, p_e, m_e) until the main-steam mix settles. Infeasible results are stored too
 * (their status is the result); other errors are not. */
#define LP_MEMO_N 8
typedef struct lp_memo {
    dh_turbine_params t;
    double p_e, m_e, lo, hi;
    dh_status st;
} lp_memo;
static _Thread_local lp_memo lp_cache[LP_MEMO_N];
static _Thread_local int lp_n, lp_next;

dh_status dh_turbine_lp_range(const dh_turbine_params *t, double p_extraction,
                              double extraction_flow, double *lo, double *hi, dh_error *err)
{
    for (int i = 0; i < lp_n; i++) {
        const lp_memo *m = &lp_cache[i];
        if (m->p_e == p_extraction && m->m_e == extraction_flow && same_turbine(&m->t, t)) {
            *lo = m->lo;
            *hi = m->hi;
            return m->st;
        }
    }
    dh_status st = lp_range_raw(t, p_extraction, extraction_flow, lo, hi, err);
    if (st != DH_OK && st != DH_ERR_INFEASIBLE) return st;
    lp_memo *m = &lp_cache[lp_next];
    m->t = *t;
    m->p_e = p_extraction;
    m->m_e = extraction_flow;
    m->lo = *lo;
    m->hi = *hi;
    m->st = st;
    lp_next = (lp_next + 1) % LP_MEMO_N;
    if (lp_n < LP_MEMO_N) lp_n++;
    return st;
}

static dh_status lp_range_raw(const dh_turbine_params *t, double p_extraction,
                              double extraction_flow, double *lo, double *hi, dh_error *err)
{
    double m_e = extraction_flow;
    *lo = *hi = 0;
    if (m_e > 0 && !extraction_possible(t, p_extraction)) return DH_ERR_INFEASIBLE;
    if (m_e > t->max_extraction + FLOW_EPS || m_e < 0) return DH_ERR_INFEASIBLE;
    hp_ref r;
    dh_status st;
    if ((st = hp_reference(t, &r, err)) != DH_OK) return st;
    double mt = max_throttle_at(t, &r, p_extraction), mlp = max_lp_at(t, p_extraction);
    double l = fmax(t->min_lp_flow, t->min_throttle_flow - m_e);
    double h = fmin(mlp, mt - m_e);
    if (l > h + FLOW_EPS) return DH_ERR_INFEASIBLE;
    if (l > h) h = l;
    double P_lo, P_hi;
    if ((st = power_at(t, p_extraction, m_e, l, &P_lo, err)) != DH_OK) return st;
    if (P_lo > t->max_power * (1 + 1e-12)) return DH_ERR_INFEASIBLE;
    if ((st = power_at(t, p_extraction, m_e, h, &P_hi, err)) != DH_OK) return st;
    if (P_hi > t->max_power) {
        /* power rises with the LP flow, nearly linearly: Illinois (modified regula falsi) for
         * P = max_power, keeping the feasible side */
        double a = l, b = h, fa = P_lo - t->max_power, fb = P_hi - t->max_power;
        int side = 0;
        for (int k = 0; k < 100 && b - a > 1e-11 * (1 + b); k++) {
            double c = (a * fb - b * fa) / (fb - fa), P;
            if (!(c > a && c < b)) c = 0.5 * (a + b);
            if ((st = power_at(t, p_extraction, m_e, c, &P, err)) != DH_OK) return st;
            double fc = P - t->max_power;
            if (fc > 0) {
                b = c;
                fb = fc;
                if (side == -1) fa *= 0.5;
                side = -1;
            } else {
                a = c;
                fa = fc;
                if (side == 1) fb *= 0.5;
                side = 1;
                if (fc > -1e-9 * t->max_power) break; /* within 1 mW per MW below the cap */
            }
        }
        h = a;
    }
    *lo = l;
    *hi = h;
    return DH_OK;
}

/* Largest feasible extraction at p_e (0 when none): the lower LP boundary's power rises with the
 * extraction beyond min_throttle - min_lp, so feasibility is an interval [e_min, e_max]
 * (e_min = 0 but with uncontrolled extraction, region_eval; feasible there when called). */
static dh_status max_extraction_at(const dh_turbine_params *t, double p_e, double mt,
                                   double e_min, double *e_max, dh_error *err)
{
    *e_max = 0;
    if (!extraction_possible(t, p_e)) return DH_OK;
    double u = fmin(t->max_extraction, mt - t->min_lp_flow);
    if (u <= 0) return DH_OK;
    double lo, hi;
    dh_status st = dh_turbine_lp_range(t, p_e, u, &lo, &hi, err);
    if (st == DH_OK) {
        *e_max = u;
        return DH_OK;
    }
    if (st != DH_ERR_INFEASIBLE) return st;
    double a = e_min, b = u;
    for (int k = 0; k < 100 && b - a > 1e-12 * (1 + b); k++) {
        double c = 0.5 * (a + b);
        st = dh_turbine_lp_range(t, p_e, c, &lo, &hi, err);
        if (st == DH_OK) a = c;
        else if (st == DH_ERR_INFEASIBLE) b = c;
        else return st;
    }
    *e_max = a;
    return DH_OK;
}

/* Upper boundary of the region without the power cap: P at LP flow min(mlp, mt - m_e). */
static dh_status upper_raw(const dh_turbine_params *t, double p_e, double mt, double mlp,
                           double m_e, double *P, dh_error *err)
{
    return power_at(t, p_e, m_e, fmax(t->min_lp_flow, fmin(mlp, mt - m_e)), P, err);
}

static void region_add(dh_turbine_region *g, double e, double P)
{
    if (g->n > 0 && fabs(g->extraction[g->n - 1] - e) <= FLOW_EPS &&
        fabs(g->power[g->n - 1] - P) <= 1e-6 * (1 + fabs(P)))
        return;
    if (g->n >= DH_PLANT_REGION_MAX) return;
    g->extraction[g->n] = e;
    g->power[g->n] = P;
    g->n++;
}

static dh_status region_eval_raw(const dh_turbine_params *t, double p_extraction,
                                 dh_turbine_region *out, dh_error *err);

typedef struct region_memo {
    dh_turbine_params t;
    double p_e;
    dh_turbine_region r;
} region_memo;
static _Thread_local region_memo region_cache[MEMO_N];
static _Thread_local int region_n, region_next;

/* Every parameter that the region depends on (the id and the service flag excluded). */
static bool same_turbine(const dh_turbine_params *a, const dh_turbine_params *b)
{
    return a->model == b->model && a->throttle_pressure == b->throttle_pressure &&
           a->throttle_temperature == b->throttle_temperature &&
           a->min_throttle_flow == b->min_throttle_flow &&
           a->max_throttle_flow == b->max_throttle_flow && a->valve_loss == b->valve_loss &&
           a->design_extraction_pressure == b->design_extraction_pressure &&
           a->extraction_pressure_min == b->extraction_pressure_min &&
           a->extraction_pressure_max == b->extraction_pressure_max &&
           a->extraction_line_dp == b->extraction_line_dp &&
           a->max_extraction == b->max_extraction && a->min_lp_flow == b->min_lp_flow &&
           a->max_lp_flow == b->max_lp_flow && a->lp_valve_loss == b->lp_valve_loss &&
           a->condenser_pressure == b->condenser_pressure && a->eta_hp == b->eta_hp &&
           a->eta_lp == b->eta_lp && a->eta_mech == b->eta_mech && a->eta_gen == b->eta_gen &&
           a->max_power == b->max_power && a->willans_no_load == b->willans_no_load;
}

dh_status dh_turbine_region_eval(const dh_turbine_params *t, double p_extraction,
                                 dh_turbine_region *out, dh_error *err)
{
    for (int i = 0; i < region_n; i++) {
        const region_memo *m = &region_cache[i];
        if (m->p_e == p_extraction && same_turbine(&m->t, t)) {
            *out = m->r;
            return DH_OK;
        }
    }
    dh_status st = region_eval_raw(t, p_extraction, out, err);
    if (st != DH_OK) return st;
    region_memo *m = &region_cache[region_next];
    m->t = *t;
    m->p_e = p_extraction;
    m->r = *out;
    region_next = (region_next + 1) % MEMO_N;
    if (region_n < MEMO_N) region_n++;
    return DH_OK;
}

static dh_status region_eval_raw(const dh_turbine_params *t, double p_extraction,
                                 dh_turbine_region *out, dh_error *err)
{
    memset(out, 0, sizeof *out);
    double p_e = p_extraction;
    out->p_extraction = p_e;
    out->extraction_ok = extraction_pressure_ok(t, p_e);
    out->uncontrolled = extraction_uncontrolled(t, p_e);
    hp_ref r;
    dh_status st;
    if ((st = hp_reference(t, &r, err)) != DH_OK) return st;
    double mt = max_throttle_at(t, &r, p_e), mlp = max_lp_at(t, p_e);
    out->max_throttle = mt;
    out->max_lp = mlp;
    /* smallest extraction: the rest of the minimum throttle flow must pass the LP (only binds
     * with uncontrolled extraction, where the LP capacity is small) */
    double e_min = fmax(0.0, t->min_throttle_flow - mlp);
    double lo0, hi0;
    st = dh_turbine_lp_range(t, p_e, e_min, &lo0, &hi0, err);
    if (st == DH_ERR_INFEASIBLE) return DH_OK; /* empty region: n = 0 */
    if (st != DH_OK) return st;
    double e_max;
    if ((st = max_extraction_at(t, p_e, mt, e_min, &e_max, err)) != DH_OK) return st;
    out->max_extraction = e_max;
    out->min_extraction = e_min;

    /* breakpoints of the lower boundary P(m_e, max(min_lp, min_throttle - m_e)) */
    double P;
    double brk_lo = t->min_throttle_flow - t->min_lp_flow;
    if ((st = power_at(t, p_e, e_min, lo0, &P, err)) != DH_OK) return st;
    region_add(out, e_min, P);
    if (brk_lo > e_min && brk_lo < e_max) {
        if ((st = power_at(t, p_e, brk_lo, t->min_lp_flow, &P, err)) != DH_OK) return st;
        region_add(out, brk_lo, P);
    }
    double lo, hi;
    if (e_max > e_min) {
        if ((st = dh_turbine_lp_range(t, p_e, e_max, &lo, &hi, err)) != DH_OK) return st;
        if ((st = power_at(t, p_e, e_max, lo, &P, err)) != DH_OK) return st;
        region_add(out, e_max, P);
    }
    /* upper boundary, from e_max back to 0: min(max_power, P at the flow limits). Candidate
     * points: the ends, the switch from the LP to the throttle limit (m_e = mt - mlp), and the
     * crossings of max_power on each monotone piece (found by bisection). */
    double pts[6];
    int np = 0;
    pts[np++] = e_max;
    double sw = mt - mlp;
    double pieces[3] = {e_min, (sw > e_min && sw < e_max) ? sw : e_min, e_max};
    for (int k = 1; k >= 0; k--) {
        double a = pieces[k], b = pieces[k + 1];
        if (!(b > a)) continue;
        if (k == 0 && pieces[1] > e_min) pts[np++] = pieces[1];
        double Pa, Pb;
        if ((st = upper_raw(t, p_e, mt, mlp, a, &Pa, err)) != DH_OK) return st;
        if ((st = upper_raw(t, p_e, mt, mlp, b, &Pb, err)) != DH_OK) return st;
        if ((Pa - t->max_power) * (Pb - t->max_power) < 0) {
            double x0 = a, x1 = b, f0 = Pa;
            for (int it = 0; it < 100 && x1 - x0 > 1e-12 * (1 + x1); it++) {
                double c = 0.5 * (x0 + x1), Pc;
                if ((st = upper_raw(t, p_e, mt, mlp, c, &Pc, err)) != DH_OK) return st;
                if ((Pc - t->max_power) * (f0 - t->max_power) > 0) {
                    x0 = c;
                    f0 = Pc;
                } else {
                    x1 = c;
                }
            }
            pts[np++] = 0.5 * (x0 + x1);
        }
    }
    pts[np++] = e_min;
    /* pts run from e_max down to e_min but the crossings of the lower piece may precede the switch
     * point: sort descending (np <= 6) */
    for (int i = 1; i < np; i++)
        for (int j = i; j > 0 && pts[j] > pts[j - 1]; j--) {
            double tmp = pts[j];
            pts[j] = pts[j - 1];
            pts[j - 1] = tmp;
        }
    for (int i = 0; i < np; i++) {
        double Pu;
        if ((st = upper_raw(t, p_e, mt, mlp, pts[i], &Pu, err)) != DH_OK) return st;
        region_add(out, pts[i], fmin(Pu, t->max_power));
    }
    /* close: drop a last vertex equal to the first */
    if (out->n > 1 && fabs(out->extraction[out->n - 1] - out->extraction[0]) <= FLOW_EPS &&
        fabs(out->power[out->n - 1] - out->power[0]) <= 1e-6 * (1 + fabs(out->power[0])))
        out->n--;
    out->min_power = INFINITY;
    out->max_power = -INFINITY;
    for (int i = 0; i < out->n; i++) {
        out->min_power = fmin(out->min_power, out->power[i]);
        out->max_power = fmax(out->max_power, out->power[i]);
    }
    return DH_OK;
}
