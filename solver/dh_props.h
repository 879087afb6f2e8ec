/* dh_props.h: water and steam properties (public).
 *
 * IAPWS-IF97 (Revised Release 2007, with the 2012 revision's supplementary releases for backward
 * equations): regions 1, 2 (incl. metastable vapour), 3, 4 and 5; boundary B23; backward
 * equations T(p,h), T(p,s) (regions 1, 2, 3), v(p,T) for region 3. Transport properties:
 * dynamic viscosity (IAPWS R12-08, industrial formulation) and thermal conductivity
 * (IAPWS R15-11, industrial formulation).
 *
 * SI units throughout: p in Pa (absolute), T in K, h/u in J/kg, s in J/(kg K), rho in kg/m3,
 * v in m3/kg, cp/cv in J/(kg K), w in m/s, mu in Pa s, lambda in W/(m K).
 * No I/O, no allocation; thread-safe (no global state).
 */
#ifndef DH_PROPS_H
#define DH_PROPS_H

#include "dh_status.h"

/* A full thermodynamic state. In the two-phase region (region 4) x is the vapour quality and
 * rho, h, s, u are mixture values; cp, cv, w are NaN there (undefined for a mixture) and
 * mu, lambda are those of the saturated phase with the larger mass fraction. Outside region 4
 * x is 0 for liquid (T < Tsat) and 1 for vapour (above the saturation line or supercritical). */
typedef struct dh_props {
    int region; /* 1, 2, 3, 4 or 5 */
    double p, T, rho, v, h, s, u, cp, cv, w, x, mu, lambda;
} dh_props;

/* Full state from (p, T), (p, h), (p, s) or (p, x) (the last on the saturation line).
 * Outside the IF97 range (273.15 K <= T <= 1073.15 K for p <= 100 MPa; 1073.15-2273.15 K for
 * p <= 50 MPa) they return DH_ERR_RANGE with a message naming the state, never NaN. */
dh_status dh_props_pT(double p, double T, dh_props *out, dh_error *err);
dh_status dh_props_ph(double p, double h, dh_props *out, dh_error *err);
dh_status dh_props_ps(double p, double s, dh_props *out, dh_error *err);
dh_status dh_props_px(double p, double x, dh_props *out, dh_error *err);

/* The same without the transport properties (mu and lambda NaN), for callers that need only
 * the thermodynamic state (the plant's turbine expansions): about a third cheaper in region 2.
 * Every other field is bit for bit that of dh_props_pT / dh_props_ph / dh_props_ps. */
dh_status dh_props_pT_thermo(double p, double T, dh_props *out, dh_error *err);
dh_status dh_props_ph_thermo(double p, double h, dh_props *out, dh_error *err);
dh_status dh_props_ps_thermo(double p, double s, dh_props *out, dh_error *err);

/* Saturation line (region 4): Tsat(p) for 611.213 Pa <= p <= 22.064 MPa, psat(T) for
 * 273.15 K <= T <= 647.096 K; NaN outside (callers validate first). Derivative dTsat/dp in K/Pa. */
double dh_if97_tsat(double p);
double dh_if97_psat(double T);
double dh_if97_dtsat_dp(double p);

/* Saturated vapour density rho''(p), kg/m3, and d rho''/dp along the saturation line,
 * kg/(m3 Pa) (drho_dp may be NULL). 611.213 Pa <= p <= 22.064 MPa; NaN outside. Added for the
 * column density of drained wet steam segments (docs/model-pipes.md, "Condensate drainage"). */
double dh_if97_rho_vap_sat(double p, double *drho_dp);

/* What the network solver needs at a (p, h) state, fast: no error text, no transport props
 * unless asked. Derivatives are analytic (from the fundamental equations, and through the
 * saturation line in the two-phase region). */
typedef struct dh_ph_state {
    int region;
    double T;          /* K */
    double rho;        /* kg/m3 */
    double x;          /* quality: 0 liquid, 1 vapour, in between two-phase */
    double drho_dp;    /* (d rho / d p) at constant h, kg/(m3 Pa) */
    double drho_dh;    /* (d rho / d h) at constant p, kg^2/(m3 J) */
    double dT_dp;      /* (d T / d p) at constant h, K/Pa */
    double dT_dh;      /* (d T / d h) at constant p, K kg/J (= 1/cp outside region 4) */
    double cp;         /* J/(kg K), NaN in two-phase */
    double mu;         /* Pa s (only if want_transport) */
    double lambda;     /* W/(m K) (only if want_transport) */
} dh_ph_state;

/* Returns DH_OK, or DH_RECOVERABLE for a (p,h) outside the range (so a Newton solver can
 * backtrack); out->region is 0 then. */
dh_status dh_props_ph_fast(double p, double h, int want_transport, dh_ph_state *out);

/* Same as dh_props_ph_fast but with T polished by Newton iterations on the forward equation to
 * round-off (|h(p,T) - h| ~ 1e-16 relative) and the derivatives evaluated at that T, at about
 * twice the cost. dh_props_ph_fast takes one Newton step from the backward-equation temperature
 * instead and returns T, rho and the derivatives all evaluated at that corrected T: T within
 * ~1e-5 K, rho within ~1.2e-7 relative, derivatives within ~5e-7 relative of the exact ones.
 * Added by the properties module (see docs/properties.md). */
dh_status dh_props_ph_exact(double p, double h, int want_transport, dh_ph_state *out);

/* Enthalpy at (p, T) fast, with dh/dT at constant p (= cp) and dh/dp at constant T. */
dh_status dh_props_h_pT(double p, double T, double *h, double *dh_dT, double *dh_dp);

/* Transport properties from density and temperature (IAPWS R12-08 eq. (10) without the
 * critical enhancement, industrial use; IAPWS R15-11 industrial formulation). */
double dh_viscosity(double rho, double T);
double dh_conductivity(double rho, double T);
/* dh_viscosity with its analytic partial derivatives (d mu/d rho)_T (Pa s m3/kg) and
 * (d mu/d T)_rho (Pa s/K); either pointer may be NULL. Added for the network solver. */
double dh_viscosity_deriv(double rho, double T, double *dmu_drho, double *dmu_dT);

#endif /* DH_PROPS_H */
