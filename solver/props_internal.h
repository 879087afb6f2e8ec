/* props_internal.h: shared internals of the water/steam property module (not public).
 *
 * The props_*.c files share one representation of a single-phase IF97 state, `if97_point`,
 * filled by the forward equation of any region (Gibbs g(p,T) of regions 1, 2, 5; Helmholtz
 * f(rho,T) of region 3), with the first derivatives the network solver needs. Everything here
 * is pure numerics: no I/O, no allocation, no global mutable state.
 *
 * Files:  props_if97.c       regions 1, 2 (+ metastable), 4, 5, B23, backward T(p,h), T(p,s)
 *                            of regions 1 and 2, and the public dh_props_* entry points;
 *         props_region3.c    region 3: forward f(rho,T), density solvers, backward T(p,h),
 *                            v(p,h), T(p,s), v(p,s), saturation boundaries p3sat(h), p3sat(s);
 *         props_transport.c  viscosity (IAPWS R12-08) and conductivity (IAPWS R15-11).
 */
#ifndef DH_PROPS_INTERNAL_H
#define DH_PROPS_INTERNAL_H

/* IAPWS-IF97 constants (IF97 Eqs. 1-3). */
#define IF97_R 461.526        /* specific gas constant, J/(kg K) */
#define IF97_TC 647.096       /* critical temperature, K */
#define IF97_PC 22.064e6      /* critical pressure, Pa */
#define IF97_RHOC 322.0       /* critical density, kg/m3 */
#define IF97_TMIN 273.15      /* K */
#define IF97_T13 623.15       /* boundary regions 1/3 and 2/3 lower end, K */
#define IF97_T23MAX 863.15    /* B23 at 100 MPa, K */
#define IF97_TMAX 1073.15     /* K, upper end of regions 1-3 */
#define IF97_T5MAX 2273.15    /* K, upper end of region 5 */
#define IF97_PMAX 100.0e6     /* Pa */
#define IF97_P5MAX 50.0e6     /* Pa */
#define IF97_PSMIN 611.212677 /* psat(273.15 K), Pa */
#define IF97_PS623 16.5291642526e6 /* psat(623.15 K), Pa */

/* One single-phase state with the first derivatives of v and h (all SI). */
typedef struct if97_point {
    double p, T, rho, v, h, s, u, cp, cv, w;
    double dv_dT; /* (dv/dT)_p, m3/(kg K) */
    double dv_dp; /* (dv/dp)_T, m3/(kg Pa) */
    double dh_dp; /* (dh/dp)_T = v - T (dv/dT)_p, m3/kg */
} if97_point;

/* A term n * x^I * y^J of the polynomial sums of the backward equations. */
typedef struct if97_term {
    int I, J;
    double n;
} if97_term;

/* sum_k n_k x^I_k y^J_k, imin <= I <= imax, jmin <= J <= jmax, |exponents| <= 63; powers by
 * multiplication, never pow() (props_if97.c). */
double if97_poly_sum(const if97_term *c, int nt, double x, int imin, int imax, double y, int jmin,
                     int jmax);

/* Forward equations (props_if97.c). Region 2 with meta != 0 uses the metastable-vapour
 * equation (IF97 Eq. 18). No range checks: callers select the region first. */
void if97_r1_point(double p, double T, if97_point *pt);
void if97_r2_point(double p, double T, int meta, if97_point *pt);
void if97_r5_point(double p, double T, if97_point *pt);
double if97_r1_h(double p, double T);
double if97_r2_h(double p, double T);
double if97_b23_p(double T); /* IF97 Eq. 5, Pa */
double if97_b23_T(double p); /* IF97 Eq. 6, K */

/* Region 3 (props_region3.c). */
void if97_r3_point(double rho, double T, if97_point *pt);
/* Density at (p, T) in region 3: branch +1 liquid-like, -1 vapour-like, 0 supercritical.
 * Returns 0 and sets *rho, or -1 when no root was bracketed. */
int if97_r3_rho_pT(double p, double T, int branch, double *rho);
/* Branch for a (p, T) state of region 3 (uses psat(T) below the critical temperature). */
int if97_r3_branch(double p, double T);
/* Saturated liquid (+1) or vapour (-1) of region 3 at T (623.15 K <= T <= Tc). */
int if97_r3_sat(double T, int branch, if97_point *pt);
/* (rho, T) in region 3 from (p, h) or (p, s): backward equations (2014 supplementary release)
 * as the start, then Newton on the forward equation to machine precision.
 * which = 'h' or 's'. Returns 0, or -1 when Newton failed. */
int if97_r3_solve_py(double p, double y, int which, if97_point *pt);
/* Backward equations of the supplementary release on T(p,h), v(p,h), T(p,s), v(p,s) for region 3
 * (IAPWS SR3-03(2014)), SI in and out. */
double if97_r3_h3ab(double p);
double if97_r3_T_ph(double p, double h);
double if97_r3_v_ph(double p, double h);
double if97_r3_T_ps(double p, double s);
double if97_r3_v_ps(double p, double s);
double if97_r3_psat_h(double h);
double if97_r3_psat_s(double s);

/* Backward equations of regions 1 and 2 (IF97 Eqs. 11, 13, 22-25, 27-29), SI in and out. */
double if97_r1_T_ph(double p, double h);
double if97_r1_T_ps(double p, double s);
double if97_r2_T_ph(double p, double h);
double if97_r2_T_ps(double p, double s);
double if97_b2bc_p(double h); /* IF97 Eq. 20, Pa from J/kg */
double if97_b2bc_h(double p); /* IF97 Eq. 21, J/kg from Pa */

/* Thermal conductivity with the industrial critical enhancement (IAPWS R15-11 Sect. 3.2 and
 * 4): rho kg/m3, T K, cp and cv J/(kg K), drho_dp (d rho/d p)_T kg/(m3 Pa), mu Pa s.
 * Pass cp = NaN to omit the enhancement (two-phase mixtures). */
double if97_conductivity_full(double rho, double T, double cp, double cv, double drho_dp,
                              double mu);

#endif /* DH_PROPS_INTERNAL_H */
