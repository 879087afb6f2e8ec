/* dh_laws.h: component laws for pipes (public): friction pressure loss and heat loss.
 *
 * Pure functions that return a value and its analytic derivatives together, for the network
 * solver's residual and Jacobian (steady KINSOL and transient IDA). No I/O, no allocation, no
 * global state; thread-safe. Per-pipe constants are precomputed once (dh_pipe_hyd_init,
 * dh_pipe_heat_init) and the laws are then called every Newton iteration.
 *
 * Implemented in solver/pipe_friction.c (friction factor, pressure loss), solver/pipe_hazen.c
 * (Hazen-Williams, water only) and
 * solver/pipe_heat_loss.c (thermal resistances, heat loss, temperature along a segment).
 * The formulation, with equations and sources, is written down in docs/model-pipes.md.
 *
 * SI units throughout: m, kg/s, Pa, Pa s, kg/m3, K, W/m (per unit pipe length), m K/W
 * (resistance per unit length), W/(m K), W/(m2 K), J/(kg K).
 *
 * Sign conventions: mass flow m > 0 runs from the link's `from` node to its `to` node;
 * dh_pipe_pressure_loss returns dp = p_from - p_to due to friction and fittings (same sign as m).
 * Heat loss q' > 0 leaves the fluid.
 */
#ifndef DH_LAWS_H
#define DH_LAWS_H

#include <stddef.h>

#include "dh_case.h"    /* dh_friction_model */
#include "dh_network.h" /* dh_network, dh_laying */
#include "dh_status.h"

/* ---- friction factor -------------------------------------------------------------------- */

/* Flow regimes by Reynolds number Re = rho v D / mu = 4 |m| / (pi D mu). */
#define DH_RE_LAMINAR 2000.0    /* below: laminar, f = 64/Re (Hagen-Poiseuille) */
#define DH_RE_TURBULENT 4000.0  /* above: turbulent, Colebrook-White or Swamee-Jain */

/* Darcy friction factor f(Re, e/D) (-) and df/dRe (written to *df_dre when not NULL).
 *   Re < 2000:        f = 64/Re.
 *   Re > 4000:        DH_FRICTION_COLEBROOK: Colebrook-White (1939),
 *                       1/sqrt(f) = -2 log10( (e/D)/3.7 + 2.51/(Re sqrt(f)) ),
 *                     solved to machine precision (Clamond 2009 iteration, no pow);
 *                     DH_FRICTION_SWAMEE_JAIN: Swamee & Jain (1976) as in EPANET 2.2,
 *                       f = 0.25 / [log10( (e/D)/3.7 + 5.74/Re^0.9 )]^2.
 *   2000..4000:       cubic in Re (Dunlop 1991, the interpolation EPANET uses): the Hermite
 *                     cubic matching value and slope of 64/Re at 2000 and of the turbulent
 *                     law (of the chosen model) at 4000, so f is C1 over the whole range.
 * rel_roughness = e/D >= 0. Re must be > 0 (returns HUGE_VAL, slope 0, for Re <= 0: callers
 * use dh_pipe_pressure_loss, which writes the laminar branch in m and never divides by |m|).
 */
double dh_friction_factor(double re, double rel_roughness, dh_friction_model model,
                          double *df_dre);

/* ---- pipe hydraulics -------------------------------------------------------------------- */

/* Per-pipe (or per-segment) constants for the pressure loss, computed once. */
typedef struct dh_pipe_hyd {
    double length;        /* m */
    double diameter;      /* m, inner */
    double area;          /* m2, pi D^2 / 4 */
    double rel_roughness; /* -, e/D */
    double local_loss;    /* -, sum of fitting K-values referred to the pipe velocity */
    /* derived */
    double l_over_d;      /* -, L/D */
    double re_coef;       /* 1/m, Re = re_coef |m| / mu, re_coef = 4/(pi D) */
    double kin_coef;      /* 1/m4, 1/(2 A^2): dp = (fL/D + K) kin_coef m|m| / rho */
    double lam_coef;      /* 1/m3, 32 L/(A D^2): laminar dp = lam_coef mu m / rho */
    /* Hazen-Williams (set by dh_pipe_hyd_set_hazen_williams; 0 when the pipe has no C) */
    double hw_c;          /* -, Hazen-Williams C */
    double hw_r;          /* s^1.852/m^4.556, head-loss resistance R: h = R Q^1.852 (m, m3/s) */
    double hw_q_lin;      /* m3/s, below |Q| = hw_q_lin the odd cubic of dh_pipe_hazen_loss */
} dh_pipe_hyd;

/* Fills *g for a pipe (or a segment: pass the segment's length and its share of local_loss).
 * Returns DH_ERR_INPUT (message without component: the caller names it) when length <= 0,
 * diameter <= 0, roughness < 0 or local_loss < 0 or any of them is not finite. */
dh_status dh_pipe_hyd_init(dh_pipe_hyd *g, double length, double diameter, double roughness,
                           double local_loss, dh_error *err);

/* Same from the network's pipe table (row `pipe`), errors naming the pipe and its position. */
dh_status dh_pipe_hyd_from_network(const dh_network *net, size_t pipe, dh_pipe_hyd *g,
                                   dh_error *err);

/* Frictional + local pressure loss of a pipe (Darcy-Weisbach), Pa, for signed mass flow m:
 *   dp = (f(Re) L/D + K) m |m| / (2 rho A^2),        Re = 4 |m| / (pi D mu)
 * and in the laminar range (Re < 2000), written in m (smooth and finite through m = 0):
 *   dp = 32 mu L m / (rho A D^2) + K m |m| / (2 rho A^2)   (= 32 mu L v / D^2 + K rho v|v|/2).
 * dp is odd in m, C1 in m everywhere (including 0 and the 2000/4000 regime limits) and
 * increasing in m. Outputs (each may be NULL except dp): dp (Pa), ddp_dm (Pa s/kg),
 * ddp_drho (Pa m3/kg), ddp_dmu (Pa/(Pa s)). rho > 0, mu > 0. No elevation, no acceleration:
 * the solver adds those.
 * model DH_FRICTION_HAZEN_WILLIAMS: dh_pipe_hazen_loss when the pipe has a C (g->hw_r > 0);
 * a pipe without one keeps Darcy-Weisbach with Colebrook-White. */
void dh_pipe_pressure_loss(double m, double rho, double mu, const dh_pipe_hyd *g,
                           dh_friction_model model, double *dp, double *ddp_dm, double *ddp_drho,
                           double *ddp_dmu);

/* ---- Hazen-Williams (water only; solver/pipe_hazen.c) ------------------------------------- */

/* EPANET 2.2's Hazen-Williams resistance constant in SI: src/hydcoeffs.c resistcoeff writes
 * R = 4.727 L / (C^1.852 d^4.871) in ft and cfs; with 1 ft = 0.3048 m that is
 * 4.727 x 0.3048^(4.871 - 3 x 1.852) = 10.66683 in m and m3/s (the EPANET 2.2 manual,
 * Table 3.1, rounds it to 10.667). */
#define DH_HW_K_SI 10.666829488930054
#define DH_HW_EXPONENT 1.852      /* flow exponent of Q (EPANET's Hexp for H-W) */
#define DH_HW_D_EXPONENT 4.871    /* diameter exponent */
/* EPANET's RQTOL = 1e-7 ft/cfs (src/input1.c, the default of hyd->RQtol): the head-loss gradient
 * below which pipecoeff switches to a linear law; 1e-7 x 0.3048 / 0.3048^3 in s/m2. */
#define DH_HW_RQTOL 1.076391041670972e-06

/* Sets the Hazen-Williams constants of *g (after dh_pipe_hyd_init, which clears them; for a
 * segment, g->length is the segment's): hw_c = c, hw_r = DH_HW_K_SI g->length / (c^1.852
 * D^4.871), hw_q_lin = (DH_HW_RQTOL / (1.852 hw_r))^(1/0.852). Returns DH_ERR_INPUT (message
 * without component) when c is not finite or outside 1..200 (EPANET's own range check is
 * C > 0; tables such as the EPANET manual's Table 3.2 give 100-150 for water pipes), leaving
 * the constants cleared. c == 0 clears them (the pipe then has no C) and returns DH_OK. */
dh_status dh_pipe_hyd_set_hazen_williams(dh_pipe_hyd *g, double c, dh_error *err);

/* Frictional + local pressure loss (Pa) of a water pipe by Hazen-Williams, signed mass flow m
 * (kg/s), density rho (kg/m3); viscosity plays no part. With Q = m / rho (m3/s):
 *   h(Q) = R |Q|^1.852 sgn(Q),  R = 10.66683 L / (C^1.852 D^4.871)       (m, EPANET 2.2)
 *   dp   = rho g0 h(Q) + K m |m| / (2 rho A^2)                            g0 = 9.80665 m/s2
 * Near zero flow, where the gradient n R |Q|^(n-1) falls below EPANET's RQTOL (|Q| < hw_q_lin,
 * n = 1.852), h is the odd cubic a Q + b Q^3 that matches value and slope of R Q^n at hw_q_lin
 * (a = (3-n)/2 R q^(n-1), b = (n-1)/2 R q^(n-3)): dp is C1 and strictly increasing, with slope
 * a > 0 at m = 0 (EPANET uses the line h = (RQTOL/n) Q there, continuous but with a kink).
 * Outputs as dh_pipe_pressure_loss (ddp_dmu = 0). Needs g->hw_r > 0. */
void dh_pipe_hazen_loss(double m, double rho, const dh_pipe_hyd *g, double *dp, double *ddp_dm,
                        double *ddp_drho, double *ddp_dmu);

/* ---- heat loss: building blocks (m K/W per unit length) ----------------------------------- */

/* Conduction through a cylindrical layer: R' = ln(d_out/d_in) / (2 pi lambda)
 * (Fourier; ISO 12241:2008 eq. for cylindrical layers; EN 13941). d_out > d_in > 0. */
double dh_layer_resistance(double d_in, double d_out, double conductivity);

/* Outer surface heat-transfer coefficient h_se = h_cv + h_r, W/(m2 K), of a horizontal cylinder
 * of outside diameter d (m) in air, ISO 12241:2008 section 4.1.4 (same as VDI 2055-1):
 *   forced convection (wind_speed v > 0):
 *     v d <= 8.55e-3 m2/s:  h_cv = 8.1e-3/d + 3.14 sqrt(v/d)
 *     v d >  8.55e-3 m2/s:  h_cv = 8.9 v^0.9 / d^0.1
 *   natural convection (v == 0), dT = |t_surface - t_air|:
 *     d^3 dT <= 10 m3 K:    h_cv = 1.25 (dT/d)^(1/4)      (laminar)
 *     otherwise:            h_cv = 1.21 dT^(1/3)          (turbulent)
 *   radiation: h_r = eps sigma (Ts^4 - Ta^4)/(Ts - Ta) (= 4 eps sigma T^3 when Ts == Ta).
 * Temperatures in K. */
double dh_surface_coefficient_iso12241(double d, double wind_speed, double emissivity,
                                       double t_surface, double t_air);

/* Soil resistance of a buried pipe (isothermal cylinder of outer diameter d at axis depth H
 * below an isothermal surface; line source + image, exact):
 *   R_s = arccosh(2 H' / d) / (2 pi lambda_s) = ln(2H'/d + sqrt((2H'/d)^2 - 1)) / (2 pi lambda_s)
 * (-> ln(4H'/d)/(2 pi lambda_s), the EN 13941 form, for H >> d; Wallenten 1991), with the
 * ground-surface resistance as a corrected depth H' = H + lambda_s / h_surface
 * (h_surface <= 0 or infinite: H' = H). 2H' > d required (NaN otherwise). */
double dh_soil_resistance(double depth, double d, double soil_conductivity, double h_surface);

/* Mutual (coupling) soil resistance of two pipes at the same depth H, horizontal centre
 * spacing E (EN 13941; Wallenten 1991; zeroth-order multipole, Bohm 2000):
 *   R_h = ln( sqrt(1 + (2H'/E)^2) ) / (2 pi lambda_s) = ln(1 + (2H'/E)^2) / (4 pi lambda_s). */
double dh_soil_mutual_resistance(double depth, double spacing, double soil_conductivity,
                                 double h_surface);

/* Buried pair: with T_i - T_s = R_ii q_i + R_12 q_j (R_ii = insulation + soil of pipe i,
 * R_12 = dh_soil_mutual_resistance), the losses are q = U (T - T_s) with U = R^-1:
 *   q1 = u11 (T1 - Ts) - u12 (T2 - Ts),   q2 = u22 (T2 - Ts) - u12 (T1 - Ts)
 *   u11 = R22/det, u22 = R11/det, u12 = R12/det, det = R11 R22 - R12^2   (W/(m K))
 * (EN 13941 U1, U2 for equal pipes). Returns DH_ERR_INPUT when det <= 0. */
dh_status dh_pair_coupling(double r11, double r22, double r12, double *u11, double *u22,
                           double *u12);

/* ---- heat loss: per pipe ------------------------------------------------------------------ */

/* Options for the thermal model (defaults from dh_heat_options_init). */
typedef struct dh_heat_options {
    double emissivity;         /* -, outer surface of above-ground pipes (cladding). Default 0.26:
                                  galvanised steel sheet, blank (ISO 12241:2008 Table 8 /
                                  VDI 2055-1); aluminium cladding is 0.05 (bright)-0.1 */
    double ground_coefficient; /* W/(m2 K), ground surface to air for buried pipes.
                                  Default 1/0.0685 = 14.6 (R0 = 0.0685 m2 K/W, EN 13941) */
    double t_fluid_ref;        /* K, fluid temperature at which the above-ground surface
                                  coefficient (radiation, natural convection) is evaluated;
                                  0: 363.15 K (90 degC). R' is then frozen for the solve. */
} dh_heat_options;

void dh_heat_options_init(dh_heat_options *opt);

/* Per-pipe thermal constants, computed once. The loss per unit length is
 *   q' = u_self (T - T_amb) - u_pair (T_pair - T_amb)        W/m
 * where u_pair = 0 (and pair == DH_NONE) except for a buried pair. For a single pipe
 * u_self = 1/R' with R' = r_ins + r_ext. */
typedef struct dh_pipe_heat {
    dh_laying laying;
    size_t pair;       /* paired pipe row (buried pair) or DH_NONE */
    double r_ins;      /* m K/W, steel wall + insulation layers (+ casing) */
    double r_ext;      /* m K/W, outer surface film (above ground) or soil (buried) */
    double r_mutual;   /* m K/W, soil coupling R_12 with the paired pipe (0 when single) */
    double h_surface;  /* W/(m2 K), above ground: outer surface coefficient used (0 buried) */
    double d_outside;  /* m, outermost diameter (cladding / casing) */
    double u_self;     /* W/(m K) */
    double u_pair;     /* W/(m K) */
    double t_ambient;  /* K: air (above ground) or undisturbed soil (buried) */
} dh_pipe_heat;

/* Picks the formula for pipe row `pipe` of `net` (laying, insulation layers, pairing) and the
 * ambient of net->ambient; the surface coefficient is pipes.surface_coefficient when > 0,
 * else ISO 12241 from ambient.wind_speed, opt->emissivity and a surface temperature found by
 * fixed-point iteration at opt->t_fluid_ref. opt may be NULL (defaults). The pair is
 * pipes.pair[pipe] (the paired pipe may name it back or not); the spacing is
 * pipes.pair_spacing of this pipe, or of the paired pipe when this one's is 0. Errors
 * (DH_ERR_INPUT, naming the pipe and its case-file position): non-positive conductivity, outer
 * diameter not above inner, buried pipe whose depth does not clear its radius, pair spacing not
 * above the outside diameter, paired pipe not buried or paired with a third pipe.
 * NOTE: the case may declare a pair on one side only; then only that side sees the pair here.
 * Use dh_pipe_heat_init_all, which makes pairing mutual, to set up a whole network. */
dh_status dh_pipe_heat_init(const dh_network *net, size_t pipe, const dh_heat_options *opt,
                            dh_pipe_heat *out, dh_error *err);

/* All pipes at once: out[0 .. net->pipes.n - 1]. Pairing is made mutual first (a pair named
 * on either side applies to both; a pipe claimed by two different pipes is an error). O(n),
 * no allocation. Stops at the first error. */
dh_status dh_pipe_heat_init_all(const dh_network *net, const dh_heat_options *opt,
                                dh_pipe_heat *out, dh_error *err);

/* Heat loss per unit length (W/m) at fluid temperature t (K), with t_pair the paired pipe's
 * temperature (ignored when single). Derivatives (may be NULL): dq_dt = u_self,
 * dq_dtpair = -u_pair (W/(m K)). For steam segments integrated in enthalpy. */
double dh_pipe_heat_loss(const dh_pipe_heat *h, double t, double t_pair, double *dq_dt,
                         double *dq_dtpair);

/* Temperature at the end of a segment of length L (m) with constant u (W/(m K)) to an
 * ambient t_amb, for a liquid of constant cp (J/(kg K)) flowing at mass flow m (kg/s):
 *   m cp dT/dx = -u (T - t_amb)  =>  T_out = t_amb + (t_in - t_amb) exp(-u L / (|m| cp))
 * t_in is the upstream temperature (the caller picks the end by the sign of m). Smooth at
 * m = 0 (returns t_amb, all derivatives 0: exp(-c/|m|) is flat). Outputs (may be NULL):
 * dT/dm (sign-aware: derivative w.r.t. the signed m), dT/dt_in, dT/dt_amb.
 * For a buried pair, pass u = u_self and t_amb = the effective ambient
 *   T_s + (u_pair/u_self)(T_pair - T_s)  (so that q' = u_self (T - t_amb) exactly). */
double dh_segment_outlet_temperature(double m, double cp, double u, double length, double t_in,
                                     double t_amb, double *dt_dm, double *dt_dtin,
                                     double *dt_dtamb);

/* ---- condensate drainage of steam mains (solver/pipe_friction.c) ------------------------- */

/* Density of the column in the gravity term rho_c g dz of a steam pipe segment whose mean state
 * (p, h) has density rho and quality x (docs/model-pipes.md, "Condensate drainage"): steam
 * mains are laid with a fall and drained through traps, so the condensate runs along the pipe
 * floor to the drain at the segment's end and stands in no column: only the vapour weighs on
 * the pressure. rho_c = rho for superheated steam (x >= 1), rho''(p) (saturated vapour) for wet
 * or fully condensed states (x < 1); continuous at the saturated-vapour line. Derivatives with
 * respect to the mean p and h in *dc_dp, *dc_dh (kg/(m3 Pa), kg^2/(m3 J)); drho_dp, drho_dh
 * those of rho. Added with the drainage model (issue 7). */
/* K, the lowest temperature the drained condensate of a steam main reaches (the triple point,
 * 0.01 degC): the slow-flow limit of a steam segment's arrival enthalpy is liquid at
 * max(T_ambient, DH_CONDENSATE_T_MIN) (docs/model-pipes.md, "Condensate drainage"). */
#define DH_CONDENSATE_T_MIN 273.16

/* Enthalpy of liquid water at temperature T (K, 273.16 .. 373.15) and pressure p (Pa, up to
 * 5 MPa) for the slow-flow limit of a steam segment's arrival (the drained condensate at the
 * ambient): h(p0, T) + (p - p0) (dh/dp)_T(p0, T) with p0 = 1 MPa, the IF97 region-1 values at p0
 * memoised per T (thread-local, last 4 temperatures: the air of an hour is the same for every
 * above-ground pipe), so a call costs no Gibbs evaluation. Error of the linearisation:
 * (1/2) |d2h/dp2| (p - p0)^2, d2h/dp2 = d[v (1 - T alpha)]/dp ~ -1e-12 m3/(kg Pa) near 0 degC:
 * < 4 J/kg (1 mK of water; 3.1 J/kg at 0.01 degC and 3 MPa) for 0.1 .. 3 MPa and 0.01 .. 60
 * degC (tests/series/test_drainage.c). *cp = (dh/dT)_p at p0 (within 0.5 % of the value at p),
 * *hp = (dh/dp)_T at p0 (the derivatives of this linear model in p). Returns DH_OK, or
 * DH_RECOVERABLE outside the IF97 range. (solver/pipe_heat_loss.c) */
dh_status dh_condensate_h_ambient(double p, double T, double *h, double *cp, double *hp);

double dh_steam_column_density(double p, double rho, double x, double drho_dp, double drho_dh,
                               double *dc_dp, double *dc_dh);

#endif /* DH_LAWS_H */
