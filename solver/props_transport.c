/* props_transport.c: dynamic viscosity and thermal conductivity of water and steam.
 *
 * Sources:
 *  - IAPWS R12-08, "Release on the IAPWS Formulation 2008 for the Viscosity of Ordinary Water
 *    Substance": Eq. 10 with mu2 = 1 (no critical enhancement), i.e. the recommendation for
 *    industrial use (Sect. 3 and 4); Eq. 11 and Table 1 (mu0), Eq. 12 and Table 2 (mu1).
 *  - IAPWS R15-11, "Release on the IAPWS Formulation 2011 for the Thermal Conductivity of
 *    Ordinary Water Substance": Eq. 10 (lambda = lambda0 lambda1 + lambda2), Eq. 16 and Table 1
 *    (lambda0), Eq. 17 and Table 2 (lambda1), Eqs. 18-23 and Table 3 (critical enhancement
 *    lambda2), with the simplified reference term of the industrial formulation, Eq. 25 and
 *    Table 6, and thermodynamic properties from IAPWS-IF97 (Sect. 4).
 *
 * Exports dh_viscosity, dh_conductivity (dh_props.h) and if97_conductivity_full
 * (props_internal.h). SI in and out. No I/O, no allocation, no globals.
 */
#include <math.h>

#include "dh_props.h"
#include "props_internal.h"

/* R12-08 / R15-11 reference constants (R12-08 Eqs. 2-6, R15-11 Eqs. 1-6). */
#define TR_T 647.096      /* K */
#define TR_RHO 322.0      /* kg/m3 */
#define TR_P 22.064e6     /* Pa */
#define TR_RGAS 461.51805 /* J/(kg K), R15-11 Eq. 6 (differs slightly from IF97's R) */

/* R12-08 Table 1: H_i of mu0 = 100 sqrt(Tb) / sum H_i / Tb^i */
static const double MU_H0[4] = {1.67752, 2.20462, 0.6366564, -0.241605};

/* R12-08 Table 2: H_ij of mu1, i = power of (1/Tb - 1) (rows), j = power of (rhob - 1). */
static const double MU_H1[6][7] = {
    {5.20094e-1, 2.22531e-1, -2.81378e-1, 1.61913e-1, -3.25372e-2, 0.0, 0.0},
    {8.50895e-2, 9.99115e-1, -9.06851e-1, 2.57399e-1, 0.0, 0.0, 0.0},
    {-1.08374, 1.88797, -7.72479e-1, 0.0, 0.0, 0.0, 0.0},
    {-2.89555e-1, 1.26613, -4.89837e-1, 0.0, 6.98452e-2, 0.0, -4.35673e-3},
    {0.0, 0.0, -2.57040e-1, 0.0, 0.0, 8.72102e-3, 0.0},
    {0.0, 1.20573e-1, 0.0, 0.0, 0.0, 0.0, -5.93264e-4},
};

double dh_viscosity(double rho, double T)
{
    double Tb = T / TR_T, rb = rho / TR_RHO;
    double it = 1.0 / Tb;
    /* mu0, R12-08 Eq. 11 */
    double s0 = MU_H0[0] + it * (MU_H0[1] + it * (MU_H0[2] + it * MU_H0[3]));
    double mu0 = 100.0 * sqrt(Tb) / s0;
    /* mu1, R12-08 Eq. 12 (Horner in both variables) */
    double a = it - 1.0, b = rb - 1.0, sum = 0.0;
    for (int i = 5; i >= 0; i--) {
        double row = 0.0;
        for (int j = 6; j >= 0; j--) row = row * b + MU_H1[i][j];
        sum = sum * a + row;
    }
    double mu1 = exp(rb * sum);
    return mu0 * mu1 * 1.0e-6; /* mu* = 1 uPa s */
}

/* The same with its partial derivatives (d mu / d rho)_T, Pa s m3/kg, and (d mu / d T)_rho,
 * Pa s/K, differentiated analytically (ln mu = ln mu0(Tb) + rhob S(1/Tb - 1, rhob - 1)):
 *   d ln mu0 / d Tb = 1/(2 Tb) + S0'(1/Tb) / (S0 Tb^2),   S0(t) = sum H_i t^i,
 *   d ln mu1 / d rhob = S + rhob dS/db,   d ln mu1 / d Tb = -rhob (dS/da) / Tb^2.
 * mu is bit-for-bit dh_viscosity's (same operations); tests/props check the derivatives
 * against central differences. */
double dh_viscosity_deriv(double rho, double T, double *dmu_drho, double *dmu_dT)
{
    double Tb = T / TR_T, rb = rho / TR_RHO;
    double it = 1.0 / Tb;
    double s0 = MU_H0[0] + it * (MU_H0[1] + it * (MU_H0[2] + it * MU_H0[3]));
    double s0t = MU_H0[1] + it * (2.0 * MU_H0[2] + it * 3.0 * MU_H0[3]); /* dS0/dt */
    double mu0 = 100.0 * sqrt(Tb) / s0;
    double a = it - 1.0, b = rb - 1.0, sum = 0.0, sa = 0.0, sb = 0.0;
    for (int i = 5; i >= 0; i--) {
        double row = 0.0, rowb = 0.0;
        for (int j = 6; j >= 0; j--) {
            rowb = rowb * b + row;
            row = row * b + MU_H1[i][j];
        }
        sa = sa * a + sum;
        sum = sum * a + row;
        sb = sb * a + rowb;
    }
    double mu1 = exp(rb * sum);
    double mu = mu0 * mu1 * 1.0e-6;
    double dl_dTb = 0.5 / Tb + s0t / (s0 * Tb * Tb) - rb * sa / (Tb * Tb);
    double dl_drb = sum + rb * sb;
    if (dmu_drho) *dmu_drho = mu * dl_drb / TR_RHO;
    if (dmu_dT) *dmu_dT = mu * dl_dTb / TR_T;
    return mu;
}

/* R15-11 Table 1: L_k of lambda0 = sqrt(Tb) / sum L_k / Tb^k */
static const double LA_L0[5] = {2.443221e-3, 1.323095e-2, 6.770357e-3, -3.454586e-3, 4.096266e-4};

/* R15-11 Table 2: L_ij, i = power of (1/Tb - 1) (rows), j = power of (rhob - 1). */
static const double LA_L1[5][6] = {
    {1.60397357, -0.646013523, 0.111443906, 0.102997357, -0.0504123634, 0.00609859258},
    {2.33771842, -2.78843778, 1.53616167, -0.463045512, 0.0832827019, -0.00719201245},
    {2.19650529, -4.54580785, 3.55777244, -1.40944978, 0.275418278, -0.0205938816},
    {-1.21051378, 1.60812989, -0.621178141, 0.0716373224, 0.0, 0.0},
    {-2.72033700, 4.57586331, -3.18369245, 1.11683480, -0.19268305, 0.012913842},
};

/* R15-11 Table 6 (industrial formulation): zeta_REF = 1 / sum_i A_ij rhob^i, the reduced
 * (d rho/d p)_T at T_R = 1.5 Tc; column j chosen by the density range (Eq. 25). */
static const double LA_A[6][5] = {
    {6.53786807199516, 6.52717759281799, 5.35500529896124, 1.55225959906681, 1.11999926419994},
    {-5.61149954923348, -6.30816983387575, -3.96415689925446, 0.464621290821181, 0.595748562571649},
    {3.39624167361325, 8.08379285492595, 8.91990208918795, 8.93237374861479, 9.88952565078920},
    {-2.27492629730878, -9.82240510197603, -12.0338729505790, -11.0321960061126, -10.3255051147040},
    {10.2631854662709, 12.1358413791395, 9.19494865194302, 6.16780999933360, 4.66861294457414},
    {1.97815050331519, -5.54349664571295, -2.16866274479712, -0.965458722086812, -0.503243546373828},
};

static double lambda01(double rb, double Tb)
{
    double it = 1.0 / Tb;
    double s0 = LA_L0[0] + it * (LA_L0[1] + it * (LA_L0[2] + it * (LA_L0[3] + it * LA_L0[4])));
    double l0 = sqrt(Tb) / s0; /* Eq. 16 */
    double a = it - 1.0, b = rb - 1.0, sum = 0.0;
    for (int i = 4; i >= 0; i--) {
        double row = 0.0;
        for (int j = 5; j >= 0; j--) row = row * b + LA_L1[i][j];
        sum = sum * a + row;
    }
    return l0 * exp(rb * sum); /* Eq. 17 */
}

double if97_conductivity_full(double rho, double T, double cp, double cv, double drho_dp,
                              double mu)
{
    double Tb = T / TR_T, rb = rho / TR_RHO;
    double lam = lambda01(rb, Tb);
    if (!isfinite(cp) || !isfinite(cv) || !isfinite(drho_dp) || !(mu > 0.0))
        return lam * 1.0e-3;
    /* critical enhancement lambda2, R15-11 Eqs. 18-23, constants of Table 3 */
    const double LAMBDA = 177.8514, QD = 1.0 / 0.40e-9, XI0 = 0.13e-9, NU = 0.630, GAM = 1.239,
                 GAMMA0 = 0.06, TRB = 1.5;
    double cpb = cp / TR_RGAS;
    if (cpb < 0.0 || cpb > 1.0e13) cpb = 1.0e13; /* R15-11 Sect. 2.4 */
    double kappa = cp / cv;
    double mub = mu / 1.0e-6;
    int j = rb <= 0.310559006 ? 0 : rb <= 0.776397516 ? 1 : rb <= 1.242236025 ? 2
          : rb <= 1.863354037 ? 3 : 4;
    double sa = 0.0;
    for (int i = 5; i >= 0; i--) sa = sa * rb + LA_A[i][j];
    double zeta_ref = 1.0 / sa;                      /* Eq. 25, Table 6 */
    double zeta = TR_P / TR_RHO * drho_dp;           /* reduced (d rho/d p)_T */
    double dchi = rb * (zeta - zeta_ref * TRB / Tb); /* Eq. 21 */
    double Z = 0.0;
    if (dchi > 0.0) {
        double xi = XI0 * pow(dchi / GAMMA0, NU / GAM); /* Eq. 20 */
        double y = QD * xi;
        if (y >= 1.2e-7) {
            /* Eq. 19 */
            Z = 2.0 / (3.14159265358979323846 * y) *
                ((1.0 - 1.0 / kappa) * atan(y) + y / kappa -
                 (1.0 - exp(-1.0 / (1.0 / y + y * y / (3.0 * rb * rb)))));
        }
    }
    double lam2 = LAMBDA * rb * cpb * Tb / mub * Z; /* Eq. 18 */
    return (lam + lam2) * 1.0e-3;                   /* lambda* = 1 mW/(m K) */
}

/* IF97 single-phase state at (rho, T): 0 ok, 1 two-phase (no enhancement), -1 failed. */
static int state_rhoT(double rho, double T, if97_point *pt)
{
    int region;
    double p;
    if (T <= IF97_T13) {
        double ps = dh_if97_psat(T);
        if97_point L, V;
        if97_r1_point(ps, T, &L);
        if97_r2_point(ps, T, 0, &V);
        if (rho >= L.rho) {
            region = 1;
            p = ps;
        } else if (rho <= V.rho) {
            region = 2;
            p = rho * IF97_R * T < ps ? rho * IF97_R * T : ps;
        } else {
            return 1;
        }
    } else if (T <= IF97_T23MAX) {
        if (T < IF97_TC) {
            if97_point L, V;
            if (if97_r3_sat(T, +1, &L) == 0 && if97_r3_sat(T, -1, &V) == 0 && rho < L.rho &&
                rho > V.rho)
                return 1;
        }
        if97_r3_point(rho, T, pt);
        if (pt->p >= if97_b23_p(T)) return 0;
        region = 2;
        p = pt->p > 0.0 ? pt->p : rho * IF97_R * T;
    } else {
        region = T <= IF97_TMAX ? 2 : 5;
        p = rho * IF97_R * T;
    }
    /* Newton on p: rho(p) at fixed T, (d rho/d p)_T = -rho^2 (dv/dp)_T */
    for (int it = 0; it < 50; it++) {
        if (region == 1) if97_r1_point(p, T, pt);
        else if (region == 2) if97_r2_point(p, T, 0, pt);
        else if97_r5_point(p, T, pt);
        double drho_dp = -pt->rho * pt->rho * pt->dv_dp;
        double dp = (rho - pt->rho) / drho_dp;
        if (p + dp <= 0.0) dp = -0.5 * p;
        p += dp;
        if (fabs(dp) <= 1e-13 * p) break;
    }
    return 0;
}

double dh_conductivity(double rho, double T)
{
    if97_point pt;
    if (state_rhoT(rho, T, &pt) != 0) return lambda01(rho / TR_RHO, T / TR_T) * 1.0e-3;
    double mu = dh_viscosity(rho, T);
    return if97_conductivity_full(rho, T, pt.cp, pt.cv, -pt.dv_dp * pt.rho * pt.rho, mu);
}
