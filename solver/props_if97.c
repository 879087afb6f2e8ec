/* props_if97.c: IAPWS-IF97 water and steam properties, regions 1, 2, 4, 5, and the public
 * entry points of dh_props.h.
 *
 * Source: IAPWS R7-97(2012), "Revised Release on the IAPWS Industrial Formulation 1997 for the
 * Thermodynamic Properties of Water and Steam" (called "IF97" below; equation and table numbers
 * are those of that release). Region 3 lives in props_region3.c, transport properties in
 * props_transport.c.
 *
 * Exports: dh_props_pT, dh_props_ph, dh_props_ps, dh_props_px, dh_props_ph_fast,
 * dh_props_h_pT, dh_if97_tsat, dh_if97_psat, dh_if97_dtsat_dp, and the if97_* internals of
 * props_internal.h. Called by the network solver (pipes, nodes, plant) and by `dhsim props`.
 *
 * Numerics: the polynomial sums use tables of integer powers built by multiplication (never
 * pow() for integer exponents); each Gibbs evaluation returns g and its five first and second
 * derivatives in one pass, or only the subset a caller needs (mask G_*). The hot sums are
 * inlined and fully unrolled over their constant tables (see gibbs_sums, poly_sum_c); the
 * solver's fast (p,h) path is fast_point. (p,h) and (p,s) inputs use the backward equations as
 * the start and polish with Newton steps on the forward equation (see docs/properties.md).
 * SI units everywhere (Pa, K, J/kg, J/(kg K), kg/m3). No I/O, no allocation, no globals.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>

#include "dh_props.h"
#include "props_internal.h"

/* ------------------------------------------------------------------------------------------ */
/* Power tables                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* t[k] = x^k for k = 0..n (n >= 1), by a product tree (short dependency chains). */
static inline void pow_table(double x, int n, double *t)
{
    t[0] = 1.0;
    t[1] = x;
    for (int k = 2; k <= n; k++) t[k] = t[k >> 1] * t[k - (k >> 1)];
}

#if defined(__GNUC__)
#define IF97_INLINE static inline __attribute__((always_inline))
#else
#define IF97_INLINE static inline
#endif

/* sum_k n_k x^I_k y^J_k with imin <= I <= imax, jmin <= J <= jmax (negative exponents need
 * x, y != 0). Tables live on the stack: |exponents| <= 63. poly_sum_c is the inline form for
 * the hot backward equations: with a constant table and constant bounds the fully unrolled loops
 * fold the exponents into constants, so only the powers the table uses (and their product-tree
 * factors) are formed and the sum is straight-line code without index loads; if97_poly_sum is
 * the out-of-line form for everything else. */
IF97_INLINE double poly_sum_c(const if97_term *c, int nt, double x, int imin, int imax, double y,
                              int jmin, int jmax)
{
    /* xp[I] = x^I, yp[J] = y^J for the needed ranges (negative powers from 1/x, 1/y) */
    double xt[128], yt[128];
    double *xp = xt + 64, *yp = yt + 64;
    xp[0] = yp[0] = 1.0;
    xp[1] = x;
    yp[1] = y;
#pragma GCC unroll 64
    for (int k = 2; k <= imax; k++) xp[k] = xp[k >> 1] * xp[k - (k >> 1)];
#pragma GCC unroll 64
    for (int k = 2; k <= jmax; k++) yp[k] = yp[k >> 1] * yp[k - (k >> 1)];
    if (imin < 0) {
        xp[-1] = 1.0 / x;
#pragma GCC unroll 64
        for (int k = 2; k <= -imin; k++) xp[-k] = xp[-(k >> 1)] * xp[-(k - (k >> 1))];
    }
    if (jmin < 0) {
        yp[-1] = 1.0 / y;
#pragma GCC unroll 64
        for (int k = 2; k <= -jmin; k++) yp[-k] = yp[-(k >> 1)] * yp[-(k - (k >> 1))];
    }
    /* four partial sums: shorter floating-point dependency chains */
    double s[4] = {0.0, 0.0, 0.0, 0.0};
#pragma GCC unroll 64
    for (int k = 0; k < nt; k++) s[k & 3] += c[k].n * xp[c[k].I] * yp[c[k].J];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

double if97_poly_sum(const if97_term *c, int nt, double x, int imin, int imax, double y, int jmin,
                     int jmax)
{
    /* xt[I - imin] = x^I, yt[J - jmin] = y^J (negative powers from 1/x, 1/y) */
    double xt[128], yt[128], inv[64];
    pow_table(x, imax > 1 ? imax : 1, xt - imin);
    if (imin < 0) {
        pow_table(1.0 / x, -imin, inv);
        for (int k = 1; k <= -imin; k++) xt[-imin - k] = inv[k];
    }
    pow_table(y, jmax > 1 ? jmax : 1, yt - jmin);
    if (jmin < 0) {
        pow_table(1.0 / y, -jmin, inv);
        for (int k = 1; k <= -jmin; k++) yt[-jmin - k] = inv[k];
    }
    /* four partial sums: shorter floating-point dependency chains */
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int k = 0;
    for (; k + 3 < nt; k += 4) {
        s0 += c[k].n * xt[c[k].I - imin] * yt[c[k].J - jmin];
        s1 += c[k + 1].n * xt[c[k + 1].I - imin] * yt[c[k + 1].J - jmin];
        s2 += c[k + 2].n * xt[c[k + 2].I - imin] * yt[c[k + 2].J - jmin];
        s3 += c[k + 3].n * xt[c[k + 3].I - imin] * yt[c[k + 3].J - jmin];
    }
    for (; k < nt; k++) s0 += c[k].n * xt[c[k].I - imin] * yt[c[k].J - jmin];
    return (s0 + s1) + (s2 + s3);
}

/* Dimensionless Gibbs free energy gamma = g/(RT) and derivatives w.r.t. pi and tau. */
typedef struct gibbs_d {
    double g, gp, gpp, gt, gtt, gpt;
} gibbs_d;

/* A term of a Gibbs sum with its derivative factors precomputed at compile time:
 * n, n I, n I (I-1), n J, n J (J-1), n I J. */
typedef struct gibbs_term {
    int I, J;
    double n, ni, nii, nj, njj, nij;
} gibbs_term;
#define GT(I, J, n)                                                                            \
    {                                                                                          \
        (I), (J), (n), (n) * (I), (n) * (I) * ((I) - 1.0), (n) * (J), (n) * (J) * ((J) - 1.0),   \
            (n) * (I) * (J)                                                                    \
    }

/* Which of the six Gibbs sums to form (a compile-time constant at every call, so the unused
 * sums vanish): gamma, gamma_pi, gamma_pipi, gamma_tau, gamma_tautau, gamma_pitau. */
enum {
    G_G = 1, G_P = 2, G_PP = 4, G_T = 8, G_TT = 16, G_PT = 32,
    G_ALL = 63,        /* everything (dh_props_*: s needs gamma) */
    G_LITE = 62,       /* v, h, cp and the first derivatives of v and h (the solver's fast path) */
    G_HCP = G_T | G_TT /* h and cp only (the Newton step of the fast path) */
};

/* Sums over the terms n x^I y^J: g, and the sums with the factors of gibbs_term, only those in
 * mask. The loop is fully unrolled over the constant table, so exponents and the zero factors
 * (I = 0, I = 1 in I(I-1), J = 0, ...) fold away at compile time. With GNU C the terms go in
 * pairs through two-lane vectors (SSE2 on x86-64: one multiply and one add per pair and sum);
 * lane sums are added at the end. */
#if defined(__GNUC__)
typedef double if97_v2d __attribute__((vector_size(16)));
IF97_INLINE void gibbs_sums(const gibbs_term *c, int nt, const double *xp, const double *yp,
                            int mask, double out[6])
{
    /* one accumulator per sum: a second set (shorter add chains) measured slower, from spills */
    if97_v2d s0 = {0.0, 0.0}, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
#pragma GCC unroll 64
    for (int k = 0; k < nt; k += 2) {
        const gibbs_term *u = c + k;
        /* the second lane of an odd tail is a zero term */
        const gibbs_term z = {0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, *w = k + 1 < nt ? c + k + 1 : &z;
        if97_v2d t = (if97_v2d){xp[u->I], xp[w->I]} * (if97_v2d){yp[u->J], yp[w->J]};
        if (mask & G_G) s0 += (if97_v2d){u->n, w->n} * t;
        if ((mask & G_P) && (u->ni != 0.0 || w->ni != 0.0)) s1 += (if97_v2d){u->ni, w->ni} * t;
        if ((mask & G_PP) && (u->nii != 0.0 || w->nii != 0.0)) s2 += (if97_v2d){u->nii, w->nii} * t;
        if ((mask & G_T) && (u->nj != 0.0 || w->nj != 0.0)) s3 += (if97_v2d){u->nj, w->nj} * t;
        if ((mask & G_TT) && (u->njj != 0.0 || w->njj != 0.0)) s4 += (if97_v2d){u->njj, w->njj} * t;
        if ((mask & G_PT) && (u->nij != 0.0 || w->nij != 0.0)) s5 += (if97_v2d){u->nij, w->nij} * t;
    }
    out[0] = s0[0] + s0[1];
    out[1] = s1[0] + s1[1];
    out[2] = s2[0] + s2[1];
    out[3] = s3[0] + s3[1];
    out[4] = s4[0] + s4[1];
    out[5] = s5[0] + s5[1];
}
#else
IF97_INLINE void gibbs_sums(const gibbs_term *c, int nt, const double *xp, const double *yp,
                            int mask, double out[6])
{
    double a[2][6] = {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}};
    for (int k = 0; k < nt; k++) {
        double t = xp[c[k].I] * yp[c[k].J], *s = a[k & 1];
        if (mask & G_G) s[0] += c[k].n * t;
        if (mask & G_P) s[1] += c[k].ni * t;
        if (mask & G_PP) s[2] += c[k].nii * t;
        if (mask & G_T) s[3] += c[k].nj * t;
        if (mask & G_TT) s[4] += c[k].njj * t;
        if (mask & G_PT) s[5] += c[k].nij * t;
    }
    for (int i = 0; i < 6; i++) out[i] = a[0][i] + a[1][i];
}
#endif

/* Properties from a Gibbs equation (IF97 Tables 3, 12, 37): pstar in Pa. */
static void gibbs_to_point(double p, double T, double pstar, double tau, const gibbs_d *d,
                           int lite, if97_point *pt)
{
    const double R = IF97_R;
    double v = R * T * d->gp / pstar;                 /* v = (RT/p) pi gamma_pi */
    pt->p = p;
    pt->T = T;
    pt->v = v;
    pt->rho = 1.0 / v;
    pt->h = R * T * tau * d->gt;                      /* h = RT tau gamma_tau */
    pt->u = pt->h - p * v;
    pt->cp = -R * tau * tau * d->gtt;                 /* cp = -R tau^2 gamma_tautau */
    double a = d->gp - tau * d->gpt;
    pt->dv_dp = R * T * d->gpp / (pstar * pstar);     /* (dv/dp)_T */
    pt->dv_dT = R * a / pstar;                        /* (dv/dT)_p = R/p* (g_p - tau g_pt) */
    pt->dh_dp = R * T * tau * d->gpt / pstar;         /* (dh/dp)_T = v - T (dv/dT)_p */
    if (lite) { /* the solver's fast path: no s (needs gamma, hence ln pi), cv, w */
        pt->s = pt->cv = pt->w = NAN;
        return;
    }
    pt->s = R * (tau * d->gt - d->g);                 /* s = R (tau gamma_tau - gamma) */
    pt->cv = pt->cp + R * a * a / d->gpp;             /* cv = R(-tau^2 g_tt + (g_p - tau g_pt)^2/g_pp) */
    double den = a * a / (tau * tau * d->gtt) - d->gpp;
    pt->w = sqrt(R * T * d->gp * d->gp / den);        /* w^2 = RT g_p^2 / ((g_p - tau g_pt)^2/(tau^2 g_tt) - g_pp) */
}

/* ------------------------------------------------------------------------------------------ */
/* Region 1: IF97 Eq. 7, Table 2 (p* = 16.53 MPa, T* = 1386 K)                                 */
/* ------------------------------------------------------------------------------------------ */

static const gibbs_term R1[34] = {
    GT(0, -2, 0.14632971213167), GT(0, -1, -0.84548187169114), GT(0, 0, -0.37563603672040e1),
    GT(0, 1, 0.33855169168385e1), GT(0, 2, -0.95791963387872), GT(0, 3, 0.15772038513228),
    GT(0, 4, -0.16616417199501e-1), GT(0, 5, 0.81214629983568e-3), GT(1, -9, 0.28319080123804e-3),
    GT(1, -7, -0.60706301565874e-3), GT(1, -1, -0.18990068218419e-1), GT(1, 0, -0.32529748770505e-1),
    GT(1, 1, -0.21841717175414e-1), GT(1, 3, -0.52838357969930e-4), GT(2, -3, -0.47184321073267e-3),
    GT(2, 0, -0.30001780793026e-3), GT(2, 1, 0.47661393906987e-4), GT(2, 3, -0.44141845330846e-5),
    GT(2, 17, -0.72694996297594e-15), GT(3, -4, -0.31679644845054e-4), GT(3, 0, -0.28270797985312e-5),
    GT(3, 6, -0.85205128120103e-9), GT(4, -5, -0.22425281908000e-5), GT(4, -2, -0.65171222895601e-6),
    GT(4, 10, -0.14341729937924e-12), GT(5, -8, -0.40516996860117e-6), GT(8, -11, -0.12734301741641e-8),
    GT(8, -6, -0.17424871230634e-9), GT(21, -29, -0.68762131295531e-18),
    GT(23, -31, 0.14478307828521e-19), GT(29, -38, 0.26335781662795e-22),
    GT(30, -39, -0.11947622640071e-22), GT(31, -40, 0.18228094581404e-23),
    GT(32, -41, -0.93537087292458e-25),
};

/* gamma(pi, tau) = sum n (7.1 - pi)^I (tau - 1.222)^J and its derivatives (IF97 Table 4). */
IF97_INLINE void r1_gibbs(double pi, double tau, int mask, gibbs_d *d)
{
    double a = 7.1 - pi, b = tau - 1.222;
    /* only the powers that occur in Table 2: I in {0..5, 8, 21, 23, 29..32},
     * J in {-41..-38, -31, -29, -11, -9..6, 10, 17}; bt[J + 41] = b^J */
    double ap[33], bt[59];
    ap[0] = 1.0;
    ap[1] = a;
    ap[2] = a * a;
    ap[3] = ap[2] * a;
    ap[4] = ap[2] * ap[2];
    ap[5] = ap[4] * a;
    ap[8] = ap[4] * ap[4];
    double a16 = ap[8] * ap[8];
    ap[21] = a16 * ap[5];
    ap[23] = ap[21] * ap[2];
    ap[29] = ap[21] * ap[8];
    ap[30] = ap[29] * a;
    ap[31] = ap[30] * a;
    ap[32] = a16 * a16;
    double *bp = bt + 41, ib = 1.0 / b;
    bp[0] = 1.0;
    bp[1] = b;
    bp[2] = b * b;
    bp[3] = bp[2] * b;
    bp[4] = bp[2] * bp[2];
    bp[5] = bp[4] * b;
    bp[6] = bp[3] * bp[3];
    bp[10] = bp[6] * bp[4];
    bp[17] = bp[10] * bp[6] * b;
    bp[-1] = ib;
    bp[-2] = ib * ib;
    bp[-3] = bp[-2] * ib;
    bp[-4] = bp[-2] * bp[-2];
    bp[-5] = bp[-4] * ib;
    bp[-6] = bp[-3] * bp[-3];
    bp[-7] = bp[-6] * ib;
    bp[-8] = bp[-4] * bp[-4];
    bp[-9] = bp[-8] * ib;
    bp[-11] = bp[-9] * bp[-2];
    bp[-29] = bp[-11] * bp[-9] * bp[-9];
    bp[-31] = bp[-29] * bp[-2];
    bp[-38] = bp[-29] * bp[-9];
    bp[-39] = bp[-38] * ib;
    bp[-40] = bp[-38] * bp[-2];
    bp[-41] = bp[-40] * ib;
    double S[6];
    gibbs_sums(R1, 34, ap, bt + 41, mask, S);
    d->g = S[0];
    d->gp = -S[1] / a;          /* d/dpi of (7.1 - pi)^I = -I (7.1 - pi)^(I-1) */
    d->gpp = S[2] / (a * a);
    d->gt = S[3] / b;
    d->gtt = S[4] / (b * b);
    d->gpt = -S[5] / (a * b);
}

static void r1_point(double p, double T, int lite, if97_point *pt)
{
    gibbs_d d;
    double tau = 1386.0 / T;
    if (lite) r1_gibbs(p / 16.53e6, tau, G_LITE, &d);
    else r1_gibbs(p / 16.53e6, tau, G_ALL, &d);
    gibbs_to_point(p, T, 16.53e6, tau, &d, lite, pt);
}

void if97_r1_point(double p, double T, if97_point *pt)
{
    r1_point(p, T, 0, pt);
}

double if97_r1_h(double p, double T)
{
    if97_point pt;
    if97_r1_point(p, T, &pt);
    return pt.h;
}

/* ------------------------------------------------------------------------------------------ */
/* Region 2: IF97 Eqs. 15-17, Tables 10, 11 (p* = 1 MPa, T* = 540 K); metastable Eq. 18-19,   */
/* Tables 16, 10 (with n0_1, n0_2 changed)                                                      */
/* ------------------------------------------------------------------------------------------ */

static const int R2_J0[9] = {0, 1, -5, -4, -3, -2, -1, 2, 3};
static const double R2_N0[9] = {-0.96927686500217e1, 0.10086655968018e2, -0.56087911283020e-2,
                                0.71452738081455e-1, -0.40710498223928, 0.14240819171444e1,
                                -0.43839511319450e1, -0.28408632460772, 0.21268463753307e-1};
/* IF97 Eq. 19: the metastable-vapour equation uses these two instead of n0_1, n0_2. */
static const double R2M_N01 = -0.96937268393049e1, R2M_N02 = 0.10087275970006e2;

static const gibbs_term R2R[43] = {
    GT(1, 0, -0.17731742473213e-2), GT(1, 1, -0.17834862292358e-1), GT(1, 2, -0.45996013696365e-1),
    GT(1, 3, -0.57581259083432e-1), GT(1, 6, -0.50325278727930e-1), GT(2, 1, -0.33032641670203e-4),
    GT(2, 2, -0.18948987516315e-3), GT(2, 4, -0.39392777243355e-2), GT(2, 7, -0.43797295650573e-1),
    GT(2, 36, -0.26674547914087e-4), GT(3, 0, 0.20481737692309e-7), GT(3, 1, 0.43870667284435e-6),
    GT(3, 3, -0.32277677238570e-4), GT(3, 6, -0.15033924542148e-2), GT(3, 35, -0.40668253562649e-1),
    GT(4, 1, -0.78847309559367e-9), GT(4, 2, 0.12790717852285e-7), GT(4, 3, 0.48225372718507e-6),
    GT(5, 7, 0.22922076337661e-5), GT(6, 3, -0.16714766451061e-10), GT(6, 16, -0.21171472321355e-2),
    GT(6, 35, -0.23895741934104e2), GT(7, 0, -0.59059564324270e-17), GT(7, 11, -0.12621808899101e-5),
    GT(7, 25, -0.38946842435739e-1), GT(8, 8, 0.11256211360459e-10), GT(8, 36, -0.82311340897998e1),
    GT(9, 13, 0.19809712802088e-7), GT(10, 4, 0.10406965210174e-18), GT(10, 10, -0.10234747095929e-12),
    GT(10, 14, -0.10018179379511e-8), GT(16, 29, -0.80882908646985e-10), GT(16, 50, 0.10693031879409),
    GT(18, 57, -0.33662250574171), GT(20, 20, 0.89185845355421e-24), GT(20, 35, 0.30629316876232e-12),
    GT(20, 48, -0.42002467698208e-5), GT(21, 21, -0.59056029685639e-25), GT(22, 53, 0.37826947613457e-5),
    GT(23, 39, -0.12768608934681e-14), GT(24, 26, 0.73087610595061e-28), GT(24, 40, 0.55414715350778e-16),
    GT(24, 58, -0.94369707241210e-6),
};

/* IF97 Table 16: residual part of the metastable-vapour equation. */
static const gibbs_term R2M[13] = {
    GT(1, 0, -0.73362260186506e-2), GT(1, 2, -0.88223831943146e-1), GT(1, 5, -0.72334555213245e-1),
    GT(1, 11, -0.40813178534455e-2), GT(2, 1, 0.20097803380207e-2), GT(2, 7, -0.53045921898642e-1),
    GT(2, 16, -0.76190409086970e-2), GT(3, 4, -0.63498037657313e-2), GT(3, 16, -0.86043093028588e-1),
    GT(4, 7, 0.75321581522770e-2), GT(4, 10, -0.79238375446139e-2), GT(5, 9, -0.22888160778447e-3),
    GT(5, 10, -0.26456501482810e-2),
};

/* Residual sum over terms n pi^I x^J (x = tau - 0.5 for region 2, tau for region 5); adds
 * into d (derivatives w.r.t. pi and tau, dx/dtau = 1). I >= 1, J >= 0. */
static void residual_gibbs(const gibbs_term *c, int nt, int imax, int jmax, double pi, double x,
                           gibbs_d *d)
{
    double pp[25], xp[59], S[6];
    pow_table(pi, imax, pp);
    pow_table(x, jmax, xp);
    gibbs_sums(c, nt, pp, xp, G_ALL, S);
    d->g += S[0];
    d->gp += S[1] / pi;
    d->gpp += S[2] / (pi * pi);
    d->gt += S[3] / x;
    d->gtt += S[4] / (x * x);
    d->gpt += S[5] / (pi * x);
}

/* Region 2 residual (Table 11) with only the powers that occur:
 * I in {1..10, 16, 18, 20..24}, J in {0..4, 6..8, 10, 11, 13, 14, 16, 20, 21, 25, 26, 29, 35,
 * 36, 39, 40, 48, 50, 53, 57, 58}. */
IF97_INLINE void r2_residual(double pi, double x, int mask, gibbs_d *d)
{
    double pp[25], xp[59], S[6];
    pp[0] = 1.0;
    pp[1] = pi;
    pp[2] = pi * pi;
    pp[3] = pp[2] * pi;
    pp[4] = pp[2] * pp[2];
    pp[5] = pp[4] * pi;
    pp[6] = pp[3] * pp[3];
    pp[7] = pp[6] * pi;
    pp[8] = pp[4] * pp[4];
    pp[9] = pp[8] * pi;
    pp[10] = pp[5] * pp[5];
    pp[16] = pp[8] * pp[8];
    pp[18] = pp[9] * pp[9];
    pp[20] = pp[10] * pp[10];
    pp[21] = pp[20] * pi;
    pp[22] = pp[20] * pp[2];
    pp[23] = pp[20] * pp[3];
    pp[24] = pp[20] * pp[4];
    xp[0] = 1.0;
    xp[1] = x;
    xp[2] = x * x;
    xp[3] = xp[2] * x;
    xp[4] = xp[2] * xp[2];
    xp[6] = xp[3] * xp[3];
    xp[7] = xp[6] * x;
    xp[8] = xp[4] * xp[4];
    xp[10] = xp[8] * xp[2];
    xp[11] = xp[10] * x;
    xp[13] = xp[10] * xp[3];
    xp[14] = xp[7] * xp[7];
    xp[16] = xp[8] * xp[8];
    xp[20] = xp[10] * xp[10];
    xp[21] = xp[20] * x;
    xp[25] = xp[21] * xp[4];
    xp[26] = xp[13] * xp[13];
    xp[29] = xp[26] * xp[3];
    xp[35] = xp[29] * xp[6];
    xp[36] = xp[20] * xp[16];
    xp[39] = xp[36] * xp[3];
    xp[40] = xp[20] * xp[20];
    xp[48] = xp[40] * xp[8];
    xp[50] = xp[40] * xp[10];
    xp[53] = xp[50] * xp[3];
    xp[57] = xp[53] * xp[4];
    xp[58] = xp[29] * xp[29];
    gibbs_sums(R2R, 43, pp, xp, mask, S);
    d->g += S[0];
    d->gp += S[1] / pi;
    d->gpp += S[2] / (pi * pi);
    d->gt += S[3] / x;
    d->gtt += S[4] / (x * x);
    d->gpt += S[5] / (pi * x);
}

/* Ideal-gas part gamma0 = ln pi + sum n0 tau^J0 (IF97 Eq. 16 / Eq. 33), derivatives. */
IF97_INLINE void ideal_gibbs(const int *J0, const double *n0, int nt, double pi, double tau,
                             int lite, gibbs_d *d)
{
    double it = 1.0 / tau, tp[4], tn[6];
    tp[0] = tn[0] = 1.0;
    tp[1] = tau;
    tp[2] = tau * tau;
    tp[3] = tp[2] * tau;
    tn[1] = it;
    tn[2] = it * it;
    tn[3] = tn[2] * it;
    tn[4] = tn[2] * tn[2];
    tn[5] = tn[4] * it;
    double g = lite ? 0.0 : log(pi), gt = 0, gtt = 0;
#pragma GCC unroll 16
    for (int k = 0; k < nt; k++) {
        int J = J0[k];
        double t = n0[k] * (J >= 0 ? tp[J] : tn[-J]);
        g += t;
        gt += J * t;
        gtt += J * (J - 1.0) * t;
    }
    d->g = g;
    d->gp = 1.0 / pi;
    d->gpp = -1.0 / (pi * pi);
    d->gt = gt * it;
    d->gtt = gtt * it * it;
    d->gpt = 0.0;
}

static void r2_point(double p, double T, int meta, int lite, if97_point *pt)
{
    gibbs_d d;
    double pi = p / 1.0e6, tau = 540.0 / T;
    if (meta) {
        double n0[9];
        for (int k = 0; k < 9; k++) n0[k] = R2_N0[k];
        n0[0] = R2M_N01;
        n0[1] = R2M_N02;
        ideal_gibbs(R2_J0, n0, 9, pi, tau, lite, &d);
        residual_gibbs(R2M, 13, 5, 16, pi, tau - 0.5, &d);
    } else {
        ideal_gibbs(R2_J0, R2_N0, 9, pi, tau, lite, &d);
        if (lite) r2_residual(pi, tau - 0.5, G_LITE, &d);
        else r2_residual(pi, tau - 0.5, G_ALL, &d);
    }
    gibbs_to_point(p, T, 1.0e6, tau, &d, lite, pt);
}

void if97_r2_point(double p, double T, int meta, if97_point *pt)
{
    r2_point(p, T, meta, 0, pt);
}

double if97_r2_h(double p, double T)
{
    if97_point pt;
    if97_r2_point(p, T, 0, &pt);
    return pt.h;
}

/* ------------------------------------------------------------------------------------------ */
/* Region 5: IF97 Eqs. 32-34, Tables 37-38 (2007 revision; p* = 1 MPa, T* = 1000 K)            */
/* ------------------------------------------------------------------------------------------ */

static const int R5_J0[6] = {0, 1, -3, -2, -1, 2};
static const double R5_N0[6] = {-0.13179983674201e2, 0.68540841634434e1, -0.24805148933466e-1,
                                0.36901534980333, -0.31161318213925e1, -0.32961626538917};
static const gibbs_term R5R[6] = {
    GT(1, 1, 0.15736404855259e-2), GT(1, 2, 0.90153761673944e-3), GT(1, 3, -0.50270077677648e-2),
    GT(2, 3, 0.22440037409485e-5), GT(2, 9, -0.41163275453471e-5), GT(3, 7, 0.37919454822955e-7),
};

void if97_r5_point(double p, double T, if97_point *pt)
{
    gibbs_d d;
    double pi = p / 1.0e6, tau = 1000.0 / T;
    ideal_gibbs(R5_J0, R5_N0, 6, pi, tau, 0, &d);
    residual_gibbs(R5R, 6, 3, 9, pi, tau, &d);
    gibbs_to_point(p, T, 1.0e6, tau, &d, 0, pt);
}

/* ------------------------------------------------------------------------------------------ */
/* Boundaries: B23 (IF97 Eqs. 5, 6, Table 1), B2bc (Eqs. 20, 21, Table 19)                      */
/* ------------------------------------------------------------------------------------------ */

double if97_b23_p(double T)
{
    /* pi = n1 + n2 theta + n3 theta^2, p* = 1 MPa, T* = 1 K */
    return (0.34805185628969e3 + T * (-0.11671859879975e1 + T * 0.10192970039326e-2)) * 1.0e6;
}

double if97_b23_T(double p)
{
    /* theta = n4 + ((pi - n5)/n3)^0.5 */
    return 0.57254459862746e3 + sqrt((p / 1.0e6 - 0.13918839778870e2) / 0.10192970039326e-2);
}

double if97_b2bc_p(double h)
{
    double eta = h / 1.0e3; /* h* = 1 kJ/kg */
    return (0.90584278514723e3 + eta * (-0.67955786399241 + eta * 0.12809002730136e-3)) * 1.0e6;
}

double if97_b2bc_h(double p)
{
    double pi = p / 1.0e6;
    return (0.26526571908428e4 + sqrt((pi - 0.45257578905948e1) / 0.12809002730136e-3)) * 1.0e3;
}

/* ------------------------------------------------------------------------------------------ */
/* Region 4: saturation line, IF97 Eqs. 29-31, Table 34                                         */
/* ------------------------------------------------------------------------------------------ */

static const double SAT_N[11] = {0.0, 0.11670521452767e4, -0.72421316703206e6,
                                 -0.17073846940092e2, 0.12020824702470e5, -0.32325550322333e7,
                                 0.14915108613530e2, -0.48232657361591e4, 0.40511340542057e6,
                                 -0.23855557567849, 0.65017534844798e3};

/* psat(T) and dpsat/dT from the implicit quadratic (Eq. 29):
 * F(beta, theta) = A beta^2 + B beta + C = 0 with beta = (p/1 MPa)^(1/4),
 * theta = T + n9/(T - n10); dbeta/dtheta = -F_theta/F_beta. */
static double psat_deriv(double T, double *dp_dT)
{
    const double *n = SAT_N;
    double tm = T - n[10];
    double th = T + n[9] / tm;
    double A = th * th + n[1] * th + n[2];
    double B = n[3] * th * th + n[4] * th + n[5];
    double C = n[6] * th * th + n[7] * th + n[8];
    double beta = 2.0 * C / (-B + sqrt(B * B - 4.0 * A * C)); /* Eq. 30 */
    double b2 = beta * beta;
    double p = b2 * b2 * 1.0e6;
    if (dp_dT) {
        double Fb = 2.0 * A * beta + B;
        double Ft = b2 * (2.0 * th + n[1]) + beta * (2.0 * n[3] * th + n[4]) + (2.0 * n[6] * th + n[7]);
        double dth_dT = 1.0 - n[9] / (tm * tm);
        double db_dT = -Ft / Fb * dth_dT;
        *dp_dT = 4.0 * b2 * beta * db_dT * 1.0e6; /* p = beta^4 MPa */
    }
    return p;
}

double dh_if97_psat(double T)
{
    if (!(T >= IF97_TMIN && T <= IF97_TC)) return NAN;
    return psat_deriv(T, NULL);
}

/* Eq. 31, without range check. */
static double tsat_raw(double p)
{
    const double *n = SAT_N;
    double beta = sqrt(sqrt(p / 1.0e6));
    double b2 = beta * beta;
    double E = b2 + n[3] * beta + n[6];
    double F = n[1] * b2 + n[4] * beta + n[7];
    double G = n[2] * b2 + n[5] * beta + n[8];
    double D = 2.0 * G / (-F - sqrt(F * F - 4.0 * E * G));
    double s = n[10] + D;
    return 0.5 * (s - sqrt(s * s - 4.0 * (n[9] + n[10] * D)));
}

double dh_if97_tsat(double p)
{
    if (!(p >= IF97_PSMIN && p <= IF97_PC)) return NAN;
    return tsat_raw(p);
}

double dh_if97_dtsat_dp(double p)
{
    if (!(p >= IF97_PSMIN && p <= IF97_PC)) return NAN;
    double dp_dT;
    psat_deriv(tsat_raw(p), &dp_dT);
    return 1.0 / dp_dT;
}

/* ------------------------------------------------------------------------------------------ */
/* Backward equations T(p,h), T(p,s) of regions 1 and 2                                          */
/* ------------------------------------------------------------------------------------------ */

/* IF97 Eq. 11, Table 6: theta = sum n pi^I (eta + 1)^J, p* = 1 MPa, h* = 2500 kJ/kg, T* = 1 K */
static const if97_term B1_PH[20] = {
    {0, 0, -0.23872489924521e3}, {0, 1, 0.40421188637945e3}, {0, 2, 0.11349746881718e3},
    {0, 6, -0.58457616048039e1}, {0, 22, -0.15285482413140e-3}, {0, 32, -0.10866707695377e-5},
    {1, 0, -0.13391744872602e2}, {1, 1, 0.43211039183559e2}, {1, 2, -0.54010067170506e2},
    {1, 3, 0.30535892203916e2}, {1, 4, -0.65964749423638e1}, {1, 10, 0.93965400878363e-2},
    {1, 32, 0.11573647505340e-6}, {2, 10, -0.25858641282073e-4}, {2, 32, -0.40644363084799e-8},
    {3, 10, 0.66456186191635e-7}, {3, 32, 0.80670734103027e-10}, {4, 32, -0.93477771213947e-12},
    {5, 32, 0.58265442020601e-14}, {6, 32, -0.15020185953503e-16},
};

double if97_r1_T_ph(double p, double h)
{
    return poly_sum_c(B1_PH, 20, p / 1.0e6, 0, 6, h / 2.5e6 + 1.0, 0, 32);
}

/* IF97 Eq. 13, Table 8: theta = sum n pi^I (sigma + 2)^J, p* = 1 MPa, s* = 1 kJ/(kg K) */
static const if97_term B1_PS[20] = {
    {0, 0, 0.17478268058307e3}, {0, 1, 0.34806930892873e2}, {0, 2, 0.65292584978455e1},
    {0, 3, 0.33039981775489}, {0, 11, -0.19281382923196e-6}, {0, 31, -0.24909197244573e-22},
    {1, 0, -0.26107636489332}, {1, 1, 0.22592965981586}, {1, 2, -0.64256463395226e-1},
    {1, 3, 0.78876289270526e-2}, {1, 12, 0.35672110607366e-9}, {1, 31, 0.17332496994895e-23},
    {2, 0, 0.56608900654837e-3}, {2, 1, -0.32635483139717e-3}, {2, 2, 0.44778286690632e-4},
    {2, 9, -0.51322156908507e-9}, {2, 31, -0.42522657042207e-25}, {3, 10, 0.26400441360689e-12},
    {3, 32, 0.78124600459723e-28}, {4, 32, -0.30732199903668e-30},
};

double if97_r1_T_ps(double p, double s)
{
    return if97_poly_sum(B1_PS, 20, p / 1.0e6, 0, 4, s / 1.0e3 + 2.0, 0, 32);
}

/* IF97 Eq. 22, Table 20: 2a, theta = sum n pi^I (eta - 2.1)^J, h* = 2000 kJ/kg */
static const if97_term B2A_PH[34] = {
    {0, 0, 0.10898952318288e4}, {0, 1, 0.84951654495535e3}, {0, 2, -0.10781748091826e3},
    {0, 3, 0.33153654801263e2}, {0, 7, -0.74232016790248e1}, {0, 20, 0.11765048724356e2},
    {1, 0, 0.18445749355790e1}, {1, 1, -0.41792700549624e1}, {1, 2, 0.62478196935812e1},
    {1, 3, -0.17344563108114e2}, {1, 7, -0.20058176862096e3}, {1, 9, 0.27196065473796e3},
    {1, 11, -0.45511318285818e3}, {1, 18, 0.30919688604755e4}, {1, 44, 0.25226640357872e6},
    {2, 0, -0.61707422868339e-2}, {2, 2, -0.31078046629583}, {2, 7, 0.11670873077107e2},
    {2, 36, 0.12812798404046e9}, {2, 38, -0.98554909623276e9}, {2, 40, 0.28224546973002e10},
    {2, 42, -0.35948971410703e10}, {2, 44, 0.17227349913197e10}, {3, 24, -0.13551334240775e5},
    {3, 44, 0.12848734664650e8}, {4, 12, 0.13865724283226e1}, {4, 32, 0.23598832556514e6},
    {4, 44, -0.13105236545054e8}, {5, 32, 0.73999835474766e4}, {5, 36, -0.55196697030060e6},
    {5, 42, 0.37154085996233e7}, {6, 34, 0.19127729239660e5}, {6, 44, -0.41535164835634e6},
    {7, 28, -0.62459855192507e2},
};

/* IF97 Eq. 23, Table 21: 2b, theta = sum n (pi - 2)^I (eta - 2.6)^J */
static const if97_term B2B_PH[38] = {
    {0, 0, 0.14895041079516e4}, {0, 1, 0.74307798314034e3}, {0, 2, -0.97708318797837e2},
    {0, 12, 0.24742464705674e1}, {0, 18, -0.63281320016026}, {0, 24, 0.11385952129658e1},
    {0, 28, -0.47811863648625}, {0, 40, 0.85208123431544e-2}, {1, 0, 0.93747147377932},
    {1, 2, 0.33593118604916e1}, {1, 6, 0.33809355601454e1}, {1, 12, 0.16844539671904},
    {1, 18, 0.73875745236695}, {1, 24, -0.47128737436186}, {1, 28, 0.15020273139707},
    {1, 40, -0.21764114219750e-2}, {2, 2, -0.21810755324761e-1}, {2, 8, -0.10829784403677},
    {2, 18, -0.46333324635812e-1}, {2, 40, 0.71280351959551e-4}, {3, 1, 0.11032831789999e-3},
    {3, 2, 0.18955248387902e-3}, {3, 12, 0.30891541160537e-2}, {3, 24, 0.13555504554949e-2},
    {4, 2, 0.28640237477456e-6}, {4, 12, -0.10779857357512e-4}, {4, 18, -0.76462712454814e-4},
    {4, 24, 0.14052392818316e-4}, {4, 28, -0.31083814331434e-4}, {4, 40, -0.10302738212103e-5},
    {5, 18, 0.28217281635040e-6}, {5, 24, 0.12704902271945e-5}, {5, 40, 0.73803353468292e-7},
    {6, 28, -0.11030139238909e-7}, {7, 2, -0.81456365207833e-13}, {7, 28, -0.25180545682962e-10},
    {9, 1, -0.17565233969407e-17}, {9, 40, 0.86934156344163e-14},
};

/* IF97 Eq. 24, Table 22: 2c, theta = sum n (pi + 25)^I (eta - 1.8)^J */
static const if97_term B2C_PH[23] = {
    {-7, 0, -0.32368398555242e13}, {-7, 4, 0.73263350902181e13}, {-6, 0, 0.35825089945447e12},
    {-6, 2, -0.58340131851590e12}, {-5, 0, -0.10783068217470e11}, {-5, 2, 0.20825544563171e11},
    {-2, 0, 0.61074783564516e6}, {-2, 1, 0.85977722535580e6}, {-1, 0, -0.25745723604170e5},
    {-1, 2, 0.31081088422714e5}, {0, 0, 0.12082315865936e4}, {0, 1, 0.48219755109255e3},
    {1, 4, 0.37966001272486e1}, {1, 8, -0.10842984880077e2}, {2, 4, -0.45364172676660e-1},
    {6, 0, 0.14559115658698e-12}, {6, 1, 0.11261597407230e-11}, {6, 4, -0.17804982240686e-10},
    {6, 10, 0.12324579690832e-6}, {6, 12, -0.11606921130984e-5}, {6, 16, 0.27846367088554e-4},
    {6, 20, -0.59270038474176e-3}, {6, 22, 0.12918582991878e-2},
};

double if97_r2_T_ph(double p, double h)
{
    double pi = p / 1.0e6, eta = h / 2.0e6;
    if (p <= 4.0e6) return poly_sum_c(B2A_PH, 34, pi, 0, 7, eta - 2.1, 0, 44);
    /* 2b/2c split by the B2bc equation, IF97 Eq. 20: 2b where p <= p2bc(h) */
    if (p <= if97_b2bc_p(h)) return poly_sum_c(B2B_PH, 38, pi - 2.0, 0, 9, eta - 2.6, 0, 40);
    return poly_sum_c(B2C_PH, 23, pi + 25.0, -7, 6, eta - 1.8, 0, 22);
}

/* IF97 Eq. 25, Table 25: 2a, theta = sum n pi^I (sigma - 2)^J, s* = 2 kJ/(kg K); I are
 * multiples of 1/4 and stored here as 4 I. */
static const if97_term B2A_PS[46] = {
    {-6, -24, -0.39235983861984e6}, {-6, -23, 0.51526573827270e6}, {-6, -19, 0.40482443161048e5},
    {-6, -13, -0.32193790923902e3}, {-6, -11, 0.96961424218694e2}, {-6, -10, -0.22867846371773e2},
    {-5, -19, -0.44942914124357e6}, {-5, -15, -0.50118336020166e4}, {-5, -6, 0.35684463560015},
    {-4, -26, 0.44235335848190e5}, {-4, -21, -0.13673388811708e5}, {-4, -17, 0.42163260207864e6},
    {-4, -16, 0.22516925837475e5}, {-4, -9, 0.47442144865646e3}, {-4, -8, -0.14931130797647e3},
    {-3, -15, -0.19781126320452e6}, {-3, -14, -0.23554399470760e5}, {-2, -26, -0.19070616302076e5},
    {-2, -13, 0.55375669883164e5}, {-2, -9, 0.38293691437363e4}, {-2, -7, -0.60391860580567e3},
    {-1, -27, 0.19363102620331e4}, {-1, -25, 0.42660643698610e4}, {-1, -11, -0.59780638872718e4},
    {-1, -6, -0.70401463926862e3}, {1, 1, 0.33836784107553e3}, {1, 4, 0.20862786635187e2},
    {1, 8, 0.33834172656196e-1}, {1, 11, -0.43124428414893e-4}, {2, 0, 0.16653791356412e3},
    {2, 1, -0.13986292055898e3}, {2, 5, -0.78849547999872}, {2, 6, 0.72132411753872e-1},
    {2, 10, -0.59754839398283e-2}, {2, 14, -0.12141358953904e-4}, {2, 16, 0.23227096733871e-6},
    {3, 0, -0.10538463566194e2}, {3, 4, 0.20718925496502e1}, {3, 9, -0.72193155260427e-1},
    {3, 17, 0.20749887081120e-6}, {4, 7, -0.18340657911379e-1}, {4, 18, 0.29036272348696e-6},
    {5, 3, 0.21037527893619}, {5, 15, 0.25681239729999e-3}, {6, 5, -0.12799002933781e-1},
    {6, 18, -0.82198102652018e-5},
};

/* IF97 Eq. 26, Table 26: 2b, theta = sum n pi^I (10 - sigma)^J, s* = 0.7853 kJ/(kg K) */
static const if97_term B2B_PS[44] = {
    {-6, 0, 0.31687665083497e6}, {-6, 11, 0.20864175881858e2}, {-5, 0, -0.39859399803599e6},
    {-5, 11, -0.21816058518877e2}, {-4, 0, 0.22369785194242e6}, {-4, 1, -0.27841703445817e4},
    {-4, 11, 0.99207436071480e1}, {-3, 0, -0.75197512299157e5}, {-3, 1, 0.29708605951158e4},
    {-3, 11, -0.34406878548526e1}, {-3, 12, 0.38815564249115}, {-2, 0, 0.17511295085750e5},
    {-2, 1, -0.14237112854449e4}, {-2, 6, 0.10943803364167e1}, {-2, 10, 0.89971619308495},
    {-1, 0, -0.33759740098958e4}, {-1, 1, 0.47162885818355e3}, {-1, 5, -0.19188241993679e1},
    {-1, 8, 0.41078580492196}, {-1, 9, -0.33465378172097}, {0, 0, 0.13870034777505e4},
    {0, 1, -0.40663326195838e3}, {0, 2, 0.41727347159610e2}, {0, 4, 0.21932549434532e1},
    {0, 5, -0.10320050009077e1}, {0, 6, 0.35882943516703}, {0, 9, 0.52511453726066e-2},
    {1, 0, 0.12838916450705e2}, {1, 1, -0.28642437219381e1}, {1, 2, 0.56912683664855},
    {1, 3, -0.99962954584931e-1}, {1, 7, -0.32632037778459e-2}, {1, 8, 0.23320922576723e-3},
    {2, 0, -0.15334809857450}, {2, 1, 0.29072288239902e-1}, {2, 5, 0.37534702741167e-3},
    {3, 0, 0.17296691702411e-2}, {3, 1, -0.38556050844504e-3}, {3, 3, -0.35017712292608e-4},
    {4, 0, -0.14566393631492e-4}, {4, 1, 0.56420857267269e-5}, {5, 0, 0.41286150074605e-7},
    {5, 1, -0.20684671118824e-7}, {5, 2, 0.16409393674725e-8},
};

/* IF97 Eq. 27, Table 27: 2c, theta = sum n pi^I (2 - sigma)^J, s* = 2.9251 kJ/(kg K) */
static const if97_term B2C_PS[30] = {
    {-2, 0, 0.90968501005365e3}, {-2, 1, 0.24045667088420e4}, {-1, 0, -0.59162326387130e3},
    {0, 0, 0.54145404128074e3}, {0, 1, -0.27098308411192e3}, {0, 2, 0.97976525097926e3},
    {0, 3, -0.46966772959435e3}, {1, 0, 0.14399274604723e2}, {1, 1, -0.19104204230429e2},
    {1, 3, 0.53299167111971e1}, {1, 4, -0.21252975375934e2}, {2, 0, -0.31147334413760},
    {2, 1, 0.60334840894623}, {2, 2, -0.42764839702509e-1}, {3, 0, 0.58185597255259e-2},
    {3, 1, -0.14597008284753e-1}, {3, 5, 0.56631175631027e-2}, {4, 0, -0.76155864584577e-4},
    {4, 1, 0.22440342919332e-3}, {4, 4, -0.12561095013413e-4}, {5, 0, 0.63323132660934e-6},
    {5, 1, -0.20541989675375e-5}, {5, 2, 0.36405370390082e-7}, {6, 0, -0.29759897789215e-8},
    {6, 1, 0.10136618529763e-7}, {7, 0, 0.59925719692351e-11}, {7, 1, -0.20677870105164e-10},
    {7, 3, -0.20874278181886e-10}, {7, 4, 0.10162166825089e-9}, {7, 5, -0.16429828281347e-9},
};

double if97_r2_T_ps(double p, double s)
{
    double pi = p / 1.0e6;
    if (p <= 4.0e6) {
        /* pi^(I) with I = k/4: powers of pi^(1/4) */
        double q = sqrt(sqrt(pi));
        return if97_poly_sum(B2A_PS, 46, q, -6, 6, s / 2.0e3 - 2.0, -27, 18);
    }
    if (s >= 5.85e3) return if97_poly_sum(B2B_PS, 44, pi, -6, 5, 10.0 - s / 785.3, 0, 12);
    return if97_poly_sum(B2C_PS, 30, pi, -2, 7, 2.0 - s / 2925.1, 0, 5);
}

/* ------------------------------------------------------------------------------------------ */
/* Errors and helpers for the public entry points                                                */
/* ------------------------------------------------------------------------------------------ */

static dh_status range_error(dh_error *err, const char *fmt, ...) DH_PRINTF(2, 3);
static dh_status range_error(dh_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dh_status st = dh_error_setv(err, DH_ERR_RANGE, NULL, NULL, fmt, ap);
    va_end(ap);
    return st;
}

static void point_to_props(const if97_point *pt, int region, double x, int transport,
                           dh_props *out)
{
    out->region = region;
    out->p = pt->p;
    out->T = pt->T;
    out->rho = pt->rho;
    out->v = pt->v;
    out->h = pt->h;
    out->s = pt->s;
    out->u = pt->u;
    out->cp = pt->cp;
    out->cv = pt->cv;
    out->w = pt->w;
    out->x = x;
    if (!transport) { /* the *_thermo entry points: no transport properties */
        out->mu = out->lambda = NAN;
        return;
    }
    out->mu = dh_viscosity(pt->rho, pt->T);
    double drho_dp = -pt->dv_dp * pt->rho * pt->rho; /* (d rho/d p)_T */
    out->lambda = if97_conductivity_full(pt->rho, pt->T, pt->cp, pt->cv, drho_dp, out->mu);
}

/* Quality label of a single-phase state: 0 below the saturation temperature (or below Tc at
 * supercritical pressure), else 1. */
static double single_phase_x(double p, double T)
{
    if (p < IF97_PSMIN) return 1.0;       /* only vapour exists below the triple-point pressure */
    if (p >= IF97_PC) return T < IF97_TC ? 0.0 : 1.0; /* compressed liquid / supercritical fluid */
    return T < tsat_raw(p) ? 0.0 : 1.0;
}

/* Saturated liquid and vapour at p (IF97_PSMIN <= p <= pc) with T = tsat_raw(p) given, which
 * is stored in *Ts; lite: without s, cv, w below 16.53 MPa (the solver's fast path). */
static int sat_points_l(double p, double T, int lite, if97_point *liq, if97_point *vap, double *Ts)
{
    *Ts = T;
    if (p <= IF97_PS623) {
        r1_point(p, T, lite, liq);
        r2_point(p, T, 0, lite, vap);
        return 0;
    }
    if (T > IF97_TC) T = IF97_TC;
    if (if97_r3_sat(T, +1, liq) != 0 || if97_r3_sat(T, -1, vap) != 0) return -1;
    return 0;
}

static int sat_points(double p, if97_point *liq, if97_point *vap, double *Ts)
{
    return sat_points_l(p, tsat_raw(p), 0, liq, vap, Ts);
}

/* Mixture of liquid and vapour at quality x into *out (region 4). */
static void mixture_props(const if97_point *L, const if97_point *V, double p, double T, double x,
                          int transport, dh_props *out)
{
    out->region = 4;
    out->p = p;
    out->T = T;
    out->x = x;
    out->v = L->v + x * (V->v - L->v);
    out->rho = 1.0 / out->v;
    out->h = L->h + x * (V->h - L->h);
    out->s = L->s + x * (V->s - L->s);
    out->u = out->h - p * out->v;
    out->cp = out->cv = out->w = NAN;
    if (!transport) {
        out->mu = out->lambda = NAN;
        return;
    }
    const if97_point *d = x > 0.5 ? V : L; /* phase with the larger mass fraction */
    out->mu = dh_viscosity(d->rho, d->T);
    out->lambda = if97_conductivity_full(d->rho, d->T, d->cp, d->cv,
                                         -d->dv_dp * d->rho * d->rho, out->mu);
}

/* ------------------------------------------------------------------------------------------ */
/* (p, T)                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Checks the (p, T) range; 0 ok. */
static dh_status check_pT(double p, double T, dh_error *err)
{
    if (!isfinite(p) || !isfinite(T) || !(p > 0.0))
        return range_error(err, "state p = %.6g Pa, T = %.6g K is outside IAPWS-IF97 (p > 0 and finite values required)", p, T);
    if (p > IF97_PMAX)
        return range_error(err, "state p = %.6g Pa, T = %.6g K is outside IAPWS-IF97 (p <= 100 MPa)", p, T);
    if (T < IF97_TMIN || T > IF97_T5MAX)
        return range_error(err, "state p = %.6g Pa, T = %.6g K is outside IAPWS-IF97 (273.15 K <= T <= 2273.15 K)", p, T);
    if (T > IF97_TMAX && p > IF97_P5MAX)
        return range_error(err, "state p = %.6g Pa, T = %.6g K is outside IAPWS-IF97 (above 1073.15 K only p <= 50 MPa, region 5)", p, T);
    return DH_OK;
}

/* Region of a valid (p, T): 1, 2, 3 or 5 (IF97 Fig. 1); saturation counts as liquid. */
static int region_pT(double p, double T)
{
    if (T > IF97_TMAX) return 5;
    if (T <= IF97_T13) return p >= psat_deriv(T, NULL) ? 1 : 2;
    if (T > IF97_T23MAX) return 2;
    return p > if97_b23_p(T) ? 3 : 2;
}

/* Single-phase point at a valid (p, T) with its region; -1 when region 3 failed. */
static int point_pT(double p, double T, if97_point *pt)
{
    int region = region_pT(p, T);
    switch (region) {
    case 1: if97_r1_point(p, T, pt); break;
    case 2: if97_r2_point(p, T, 0, pt); break;
    case 5: if97_r5_point(p, T, pt); break;
    default: {
        double rho;
        if (if97_r3_rho_pT(p, T, if97_r3_branch(p, T), &rho) != 0) return -1;
        if97_r3_point(rho, T, pt);
        pt->p = p; /* exact input value (Newton residual is at round-off) */
    }
    }
    return region;
}

static dh_status pT_props(double p, double T, int transport, dh_props *out, dh_error *err)
{
    dh_status st = check_pT(p, T, err);
    if (st != DH_OK) {
        if (out) out->region = 0;
        return st;
    }
    if97_point pt;
    int region = point_pT(p, T, &pt);
    if (region < 0)
        return dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                            "state p = %.6g Pa, T = %.6g K: no region-3 density found", p, T);
    point_to_props(&pt, region, single_phase_x(p, T), transport, out);
    return DH_OK;
}

dh_status dh_props_pT(double p, double T, dh_props *out, dh_error *err)
{
    return pT_props(p, T, 1, out, err);
}

dh_status dh_props_pT_thermo(double p, double T, dh_props *out, dh_error *err)
{
    return pT_props(p, T, 0, out, err);
}

dh_status dh_props_h_pT(double p, double T, double *h, double *dh_dT, double *dh_dp)
{
    if (check_pT(p, T, NULL) != DH_OK) return DH_RECOVERABLE;
    if97_point pt;
    if (point_pT(p, T, &pt) < 0) return DH_RECOVERABLE;
    if (h) *h = pt.h;
    if (dh_dT) *dh_dT = pt.cp;
    if (dh_dp) *dh_dp = pt.dh_dp;
    return DH_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* (p, h) and (p, s)                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Result of locating a (p, y) state, y = h or s. */
typedef struct py_state {
    int region;          /* 1, 2, 3, 4, 5; 0 out of range */
    if97_point pt;       /* single phase */
    if97_point liq, vap; /* two-phase: saturated phases */
    double Ts, x;        /* two-phase: Tsat, quality; single phase: x when known, else -1 */
    const char *why;     /* reason when out of range */
} py_state;

/* The fast (p,h) state of region 1 or 2 (see docs/properties.md "fast path"). T0 comes from the
 * backward equation (error <= 25 mK). One Newton step on h(p,T) = h using only h and cp at T0,
 * i.e. only the Gibbs sums gamma_tau and gamma_tautau (IF97 Tables 3, 12):
 *     T1 = T0 + (h - h(p,T0)) / cp(p,T0),
 * whose error is ~ (dcp/dT)/(2 cp) (T1 - T0)^2 < 1e-5 K. Then v, h, cp and the first derivatives
 * of v and h at (p, T1): T, rho and the derivatives returned are those of the forward equation at
 * one and the same state (lite: without s, cv, w). */
IF97_INLINE void fast_point_r(int region, double p, double h, double T0, int mask,
                              if97_point *pt)
{
    gibbs_d d;
    double tau, T1;
    /* both evaluations inline in one function: the powers of pi are formed once */
    const double pi = region == 1 ? p / 16.53e6 : p / 1.0e6;
    if (region == 1) {
        tau = 1386.0 / T0;
        r1_gibbs(pi, tau, G_HCP, &d);
    } else {
        tau = 540.0 / T0;
        ideal_gibbs(R2_J0, R2_N0, 9, pi, tau, 1, &d);
        r2_residual(pi, tau - 0.5, G_HCP, &d);
    }
    double h0 = IF97_R * T0 * tau * d.gt;         /* h = RT tau gamma_tau */
    double cp0 = -IF97_R * tau * tau * d.gtt;     /* cp = -R tau^2 gamma_tautau */
    T1 = T0 + (h - h0) / cp0;
    if (region == 1) {
        tau = 1386.0 / T1;
        r1_gibbs(pi, tau, mask, &d);
        gibbs_to_point(p, T1, 16.53e6, tau, &d, mask != G_ALL, pt);
    } else {
        tau = 540.0 / T1;
        ideal_gibbs(R2_J0, R2_N0, 9, pi, tau, mask != G_ALL, &d);
        r2_residual(pi, tau - 0.5, mask, &d);
        gibbs_to_point(p, T1, 1.0e6, tau, &d, mask != G_ALL, pt);
    }
}

static void fast_point(int region, double p, double h, double T0, int lite, if97_point *pt)
{
    if (region == 1) {
        if (lite) fast_point_r(1, p, h, T0, G_LITE, pt);
        else fast_point_r(1, p, h, T0, G_ALL, pt);
    } else {
        if (lite) fast_point_r(2, p, h, T0, G_LITE, pt);
        else fast_point_r(2, p, h, T0, G_ALL, pt);
    }
}

/* Newton on T at fixed p with a Gibbs region until y(p,T) matches (dy/dT = cp or cp/T).
 * iters = -1: iterate to round-off; iters = 1: the fast path (fast_point, y must be h, regions
 * 1 and 2); iters = -2: the same without s, cv and w. */
static void newton_T(int region, double p, double y, int which, double T0, int iters,
                     if97_point *pt)
{
    double T = T0;
    if (iters == 1 || iters == -2) {
        fast_point(region, p, y, T0, iters == -2, pt);
        return;
    }
    for (int it = 0; it < 12; it++) {
        if (region == 1) r1_point(p, T, 0, pt);
        else if (region == 2) r2_point(p, T, 0, 0, pt);
        else if97_r5_point(p, T, pt);
        double f = which == 'h' ? pt->h : pt->s;
        double df = which == 'h' ? pt->cp : pt->cp / T;
        double dT = (y - f) / df;
        T += dT;
        if (fabs(dT) < 1e-12 * T) break;
    }
    if (region == 1) if97_r1_point(p, T, pt);
    else if (region == 2) if97_r2_point(p, T, 0, pt);
    else if97_r5_point(p, T, pt);
}

/* Locates a (p, y) state, y = h (J/kg) or s (J/(kg K)). iters as in newton_T. */
static void locate_py(double p, double y, int which, int iters, py_state *r)
{
    r->region = 0;
    r->why = NULL;
    r->x = -1.0;
    const int H = which == 'h';
    if (!isfinite(p) || !isfinite(y) || !(p > 0.0)) {
        r->why = "p > 0 and finite values required";
        return;
    }
    if (p > IF97_PMAX) {
        r->why = "p <= 100 MPa";
        return;
    }
    if97_point b;
    /* lower end: 273.15 K isotherm (region 1 above psat(273.15 K), region 2 below). Checked only
     * where it can bind: in region 1, h(p, 273.15 K) < 1.05e-3 m3/kg * p (at least 42 J/kg below
     * it for psat(273.15 K) <= p <= 100 MPa, checked on a grid of 0.1 % steps; dh/dp = v - T
     * (dv/dT)_p ~ 1.02e-3 m3/kg there) and s(p, 273.15 K) <= 0.2 J/(kg K). */
    if (p < IF97_PSMIN || (H ? y < 1.05e-3 * p : y < 100.0)) {
        if (p >= IF97_PSMIN) if97_r1_point(p, IF97_TMIN, &b);
        else if97_r2_point(p, IF97_TMIN, 0, &b);
        double yb = H ? b.h : b.s;
        if (y < yb - 1e-9 * fabs(yb) - (H ? 1e-6 : 1e-9)) {
            r->why = "below the 273.15 K isotherm";
            return;
        }
    }
    if (p < IF97_PSMIN) goto vapour_side;

    if (p <= IF97_PS623) {
        double Ts = tsat_raw(p);
        /* Fast classification by the backward equation (its error is < 25 mK in region 1 and
         * region 2 on the range, see tests/props), exact comparison near the line. The backward
         * equations are fits of their own region only: extrapolated into the dome (wet steam
         * with h >= 2.45 MJ/kg, tests/props/test_props_wet.c) T2(p,h) can exceed Tsat + 0.1 K.
         * A state is therefore accepted only if the forward equation confirms the backward
         * temperature to within twice the backward error: for a wet state the Newton step heads
         * for the region-2 root, a metastable temperature below Tsat < T2 - 0.1 K, so it is
         * about 0.1 K or more (no wet state passes on a 400 x 999 (p, x) sweep). */
        if (H && y <= 1.75e6) {
            double T1 = if97_r1_T_ph(p, y);
            if (T1 < Ts - 0.1) {
                newton_T(1, p, y, which, T1, iters, &r->pt);
                if (fabs(r->pt.T - T1) <= 0.05) {
                    r->region = 1;
                    r->x = 0.0; /* T < Tsat */
                    return;
                }
            }
        } else if (H && y >= 2.45e6) {
            double T2 = if97_r2_T_ph(p, y);
            if (T2 > Ts + 0.1 && T2 < IF97_TMAX - 0.1) {
                newton_T(2, p, y, which, T2, iters, &r->pt);
                if (fabs(r->pt.T - T2) <= 0.05) {
                    r->region = 2;
                    r->x = 1.0; /* T > Tsat */
                    return;
                }
            }
        }
        sat_points_l(p, Ts, iters == -2, &r->liq, &r->vap, &r->Ts);
        double yl = H ? r->liq.h : r->liq.s, yv = H ? r->vap.h : r->vap.s;
        if (y <= yl) {
            double T1 = H ? if97_r1_T_ph(p, y) : if97_r1_T_ps(p, y);
            if (T1 > Ts) T1 = Ts;
            newton_T(1, p, y, which, T1, iters, &r->pt);
            r->region = 1;
            return;
        }
        if (y < yv) {
            r->x = (y - yl) / (yv - yl);
            r->region = 4;
            return;
        }
        goto vapour_side;
    }

    /* p > psat(623.15 K): regions 1, 3, (4 below pc), 2, 5 */
    if97_r1_point(p, IF97_T13, &b);
    if (y <= (H ? b.h : b.s)) {
        double T1 = H ? if97_r1_T_ph(p, y) : if97_r1_T_ps(p, y);
        newton_T(1, p, y, which, T1, iters, &r->pt);
        r->region = 1;
        return;
    }
    if97_r2_point(p, if97_b23_T(p), 0, &b);
    if (y < (H ? b.h : b.s)) {
        if (p < IF97_PC) {
            double Ts;
            if (sat_points(p, &r->liq, &r->vap, &Ts) == 0) {
                double yl = H ? r->liq.h : r->liq.s, yv = H ? r->vap.h : r->vap.s;
                if (y > yl && y < yv) {
                    r->Ts = Ts;
                    r->x = (y - yl) / (yv - yl);
                    r->region = 4;
                    return;
                }
            }
        }
        if (if97_r3_solve_py(p, y, which, &r->pt) != 0) {
            r->why = "no convergence in region 3";
            return;
        }
        r->region = 3;
        return;
    }

vapour_side:
    /* region 2 up to 1073.15 K, then region 5 up to 2273.15 K (p <= 50 MPa) */
    if97_r2_point(p, IF97_TMAX, 0, &b);
    if (y <= (H ? b.h : b.s)) {
        double T2 = H ? if97_r2_T_ph(p, y) : if97_r2_T_ps(p, y);
        if (!(T2 > IF97_TMIN)) T2 = IF97_TMIN;
        if (!(T2 < IF97_TMAX)) T2 = IF97_TMAX;
        newton_T(2, p, y, which, T2, iters, &r->pt);
        r->region = 2;
        return;
    }
    if (p > IF97_P5MAX) {
        r->why = "above the 1073.15 K isotherm; region 5 needs p <= 50 MPa";
        return;
    }
    if97_point b5;
    if97_r5_point(p, IF97_T5MAX, &b5);
    if (y > (H ? b5.h : b5.s)) {
        r->why = "above the 2273.15 K isotherm";
        return;
    }
    if97_r5_point(p, IF97_TMAX, &b);
    double T5 = IF97_TMAX + (H ? (y - b.h) / b.cp : (y - b.s) * IF97_TMAX / b.cp);
    newton_T(5, p, y, which, T5, -1, &r->pt);
    r->region = 5;
}

static dh_status py_props(double p, double y, int which, int transport, dh_props *out,
                          dh_error *err)
{
    py_state r;
    locate_py(p, y, which, -1, &r);
    if (r.region == 0) {
        if (out) out->region = 0;
        if (which == 'h')
            return range_error(err, "state p = %.6g Pa, h = %.6g J/kg is outside IAPWS-IF97 (%s)", p, y, r.why);
        return range_error(err, "state p = %.6g Pa, s = %.6g J/(kg K) is outside IAPWS-IF97 (%s)", p, y, r.why);
    }
    if (r.region == 4) {
        mixture_props(&r.liq, &r.vap, p, r.Ts, r.x, transport, out);
        /* exact input value (the mixture rule reproduces it to round-off) */
        if (which == 'h') out->h = y;
        else out->s = y;
        return DH_OK;
    }
    r.pt.p = p;
    point_to_props(&r.pt, r.region, single_phase_x(p, r.pt.T), transport, out);
    return DH_OK;
}

dh_status dh_props_ph(double p, double h, dh_props *out, dh_error *err)
{
    return py_props(p, h, 'h', 1, out, err);
}

dh_status dh_props_ph_thermo(double p, double h, dh_props *out, dh_error *err)
{
    return py_props(p, h, 'h', 0, out, err);
}

dh_status dh_props_ps_thermo(double p, double s, dh_props *out, dh_error *err)
{
    return py_props(p, s, 's', 0, out, err);
}

dh_status dh_props_ps(double p, double s, dh_props *out, dh_error *err)
{
    return py_props(p, s, 's', 1, out, err);
}

dh_status dh_props_px(double p, double x, dh_props *out, dh_error *err)
{
    if (!isfinite(p) || !(p >= IF97_PSMIN && p <= IF97_PC)) {
        if (out) out->region = 0;
        return range_error(err, "state p = %.6g Pa, x = %.6g is outside IAPWS-IF97 (saturation needs 611.213 Pa <= p <= 22.064 MPa)", p, x);
    }
    if (!isfinite(x) || x < 0.0 || x > 1.0) {
        if (out) out->region = 0;
        return range_error(err, "state p = %.6g Pa, x = %.6g is outside IAPWS-IF97 (quality 0 <= x <= 1)", p, x);
    }
    if97_point L, V;
    double Ts;
    if (sat_points(p, &L, &V, &Ts) != 0)
        return dh_error_set(err, DH_ERR_NOCONV, NULL, NULL,
                            "state p = %.6g Pa, x = %.6g: no region-3 saturated density found", p, x);
    mixture_props(&L, &V, p, Ts, x, 1, out);
    return DH_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Fast (p, h) for the network solver                                                            */
/* ------------------------------------------------------------------------------------------ */

static dh_status ph_state(double p, double h, int want_transport, int iters, dh_ph_state *out)
{
    py_state r;
    locate_py(p, h, 'h', iters, &r);
    if (r.region == 0) {
        out->region = 0;
        out->T = out->rho = out->x = NAN;
        out->drho_dp = out->drho_dh = out->dT_dp = out->dT_dh = out->cp = NAN;
        out->mu = out->lambda = NAN;
        return DH_RECOVERABLE;
    }
    out->region = r.region;
    if (r.region != 4) {
        const if97_point *pt = &r.pt;
        double rho2 = pt->rho * pt->rho;
        out->T = pt->T;
        out->rho = pt->rho;
        out->x = r.x >= 0.0 ? r.x : single_phase_x(p, pt->T);
        out->cp = pt->cp;
        out->dT_dh = 1.0 / pt->cp;              /* (dT/dh)_p = 1/cp */
        out->dT_dp = -pt->dh_dp / pt->cp;       /* (dT/dp)_h = -(dh/dp)_T / cp */
        out->drho_dh = -rho2 * pt->dv_dT / pt->cp;                      /* -rho^2 (dv/dT)_p (dT/dh)_p */
        out->drho_dp = -rho2 * (pt->dv_dp + pt->dv_dT * out->dT_dp);  /* -rho^2 (dv/dp)_h */
        if (want_transport) {
            out->mu = dh_viscosity(pt->rho, pt->T);
            out->lambda = if97_conductivity_full(pt->rho, pt->T, pt->cp, pt->cv,
                                                 -pt->dv_dp * rho2, out->mu);
        } else {
            out->mu = out->lambda = NAN;
        }
        return DH_OK;
    }
    /* two-phase: v = v' + x (v'' - v'), x = (h - h')/(h'' - h'), T = Tsat(p).
     * Along the saturation line d()/dp = (d/dp)_T + (d/dT)_p dTsat/dp for each phase. */
    const if97_point *L = &r.liq, *V = &r.vap;
    double dps_dT;
    psat_deriv(r.Ts, &dps_dT);
    double dTs = 1.0 / dps_dT; /* dTsat/dp (as dh_if97_dtsat_dp, Tsat already known) */
    double dhL = L->dh_dp + L->cp * dTs, dhV = V->dh_dp + V->cp * dTs;
    double dvL = L->dv_dp + L->dv_dT * dTs, dvV = V->dv_dp + V->dv_dT * dTs;
    double dh = V->h - L->h, dv = V->v - L->v;
    double x = r.x;
    double v = L->v + x * dv;
    double rho = 1.0 / v;
    double dx_dp = -(dhL + x * (dhV - dhL)) / dh;    /* (dx/dp)_h */
    double dv_dp = dvL + x * (dvV - dvL) + dv * dx_dp; /* (dv/dp)_h */
    out->T = r.Ts;
    out->rho = rho;
    out->x = x;
    out->cp = NAN;
    out->dT_dh = 0.0;
    out->dT_dp = dTs;
    out->drho_dh = -rho * rho * dv / dh;
    out->drho_dp = -rho * rho * dv_dp;
    if (want_transport) {
        const if97_point *d = x > 0.5 ? V : L;
        out->mu = dh_viscosity(d->rho, d->T);
        out->lambda = if97_conductivity_full(d->rho, d->T, d->cp, d->cv,
                                             -d->dv_dp * d->rho * d->rho, out->mu);
    } else {
        out->mu = out->lambda = NAN;
    }
    return DH_OK;
}

dh_status dh_props_ph_fast(double p, double h, int want_transport, dh_ph_state *out)
{
    return ph_state(p, h, want_transport, want_transport ? 1 : -2, out);
}

dh_status dh_props_ph_exact(double p, double h, int want_transport, dh_ph_state *out)
{
    return ph_state(p, h, want_transport, -1, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Saturated vapour density (the column density of a drained wet steam segment)                  */
/* ------------------------------------------------------------------------------------------ */

/* rho''(p) = 1 / v''(p): region 2 at (p, Tsat(p)) below psat(623.15 K), along the saturation
 * line d rho''/dp = -rho''^2 [(dv/dp)_T + (dv/dT)_p dTsat/dp] (IF97 Eqs. 15-16, 31; dTsat/dp
 * from Eq. 29 as dh_if97_dtsat_dp); above, region 3 (if97_r3_sat) with the derivative by central
 * differences of 1e-6 p. NaN outside 611.213 Pa <= p <= 22.064 MPa. */
double dh_if97_rho_vap_sat(double p, double *drho_dp)
{
    if (!(p >= IF97_PSMIN && p <= IF97_PC)) {
        if (drho_dp) *drho_dp = NAN;
        return NAN;
    }
    double Ts = tsat_raw(p);
    if (p <= IF97_PS623) {
        if97_point V;
        r2_point(p, Ts, 0, 1, &V);
        if (drho_dp) {
            double dps_dT;
            psat_deriv(Ts, &dps_dT);
            *drho_dp = -V.rho * V.rho * (V.dv_dp + V.dv_dT / dps_dT);
        }
        return V.rho;
    }
    if97_point L, V;
    double T;
    if (sat_points_l(p, Ts, 0, &L, &V, &T) != 0) {
        if (drho_dp) *drho_dp = NAN;
        return NAN;
    }
    if (drho_dp) {
        double dp = 1e-6 * p, r[2];
        for (int i = 0; i < 2; i++) {
            double pp = fmin(p + (2 * i - 1) * dp, IF97_PC);
            if (sat_points_l(pp, tsat_raw(pp), 0, &L, &V, &T) != 0) return NAN;
            r[i] = V.rho;
        }
        *drho_dp = (r[1] - r[0]) / (fmin(p + dp, IF97_PC) - (p - dp));
        sat_points_l(p, Ts, 0, &L, &V, &T);
    }
    return V.rho;
}
