/* pipe_friction.c: Darcy friction factor and pipe pressure loss (Darcy-Weisbach), with analytic
 * derivatives.
 *
 * Exports (dh_laws.h): dh_friction_factor, dh_pipe_hyd_init, dh_pipe_hyd_from_network,
 * dh_pipe_pressure_loss. Called by the network solver's residual/Jacobian every Newton
 * iteration (no I/O, no allocation there) and by the benchmarks in bench/bench_laws.c.
 * Formulation and sources: docs/model-pipes.md.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_laws.h"
#include "dh_props.h"

#define DH_PI 3.14159265358979323846

/* ---- turbulent laws: value f and Re df/dRe ----------------------------------------------- */

/* Colebrook-White (1939): 1/sqrt(f) = -2 log10(k/3.7 + 2.51/(Re sqrt(f))), k = e/D.
 * Solved as in Clamond (2009, Ind. Eng. Chem. Res. 48(7) 3665-3671, arXiv:0810.5564): with
 *   x1 = k Re ln(10)/18.574,  x2 = ln(Re ln(10)/5.02),  F = (ln(10)/2)/sqrt(f),
 * Colebrook reads G(F) = F + ln(x1 + F) - x2 = 0 (18.574 = 3.7 x 5.02, 5.02 = 2 x 2.51).
 * From F0 = x2 - 0.2, two steps of the fourth-order iteration
 *   e = G/(1 + x1 + F),  F <- F - (1 + x1 + F + e/2) e (x1 + F) / (1 + x1 + F + e (1 + e/3))
 * reach machine precision for Re > 3 and any k >= 0 (checked against bisection in
 * tests/laws/test_friction.c). Costs three log() and no pow().
 * Derivative: implicit differentiation of G(F; Re) = 0 gives Re dF/dRe = F/(1 + x1 + F), and
 * f = (ln(10)/(2F))^2, so Re df/dRe = -2 f/(1 + x1 + F). */
/* One step of Clamond's iteration with a single division: with b = x1 + F, a = 1 + b,
 * e = G/a, the step (a + e/2) e b/(a + e (1 + e/3)) equals 3 G b (2a^2 + G)/(2 (3a^3 + 3aG + G^2)). */
static inline double clamond_step(double F, double x1, double G)
{
    const double b = x1 + F, a = 1.0 + b;
    return F - 3.0 * G * b * (2.0 * a * a + G) / (2.0 * (3.0 * a * a * a + G * (3.0 * a + G)));
}

static double colebrook(double re, double k, double *re_dfdre)
{
    const double x1 = k * re * 0.123968186335417556;  /* ln(10)/18.574 */
    const double x2 = log(re) - 0.779397488455682028; /* ln(ln(10)/5.02) */
    double F = x2 - 0.2;
    F = clamond_step(F, x1, log(x1 + F) - 0.2); /* G(F0) = ln(x1 + F0) - 0.2 */
    F = clamond_step(F, x1, log(x1 + F) + F - x2);
    /* 1/sqrt(f) = (ln(10)/2)/F; Re df/dRe = -2 f/(1 + x1 + F); one division for both */
    const double a = 1.0 + x1 + F;
    const double r = 1.0 / (F * a);
    const double s = 1.151292546497022842 * a * r;
    const double f = s * s;
    *re_dfdre = -2.0 * f * F * r;
    return f;
}

/* Swamee & Jain (1976, J. Hydraul. Div. ASCE 102(5) 657-664), as EPANET 2.2 hydcoeffs.c:
 *   f = 0.25 / [log10(k/3.7 + 5.74/Re^0.9)]^2 = 1/[(2/ln 10) ln y]^2,  y = k/3.7 + 5.74 Re^-0.9
 *   Re df/dRe = 1.8 f (5.74 Re^-0.9) / (y ln y)            (negative: ln y < 0). */
static double swamee_jain(double re, double k, double *re_dfdre)
{
    const double s = 5.74 / pow(re, 0.9);
    const double y = k / 3.7 + s;
    const double ly = log(y);
    const double t = -0.868588963806503655 * ly; /* -(2/ln 10) ln y = 1/sqrt(f) */
    const double f = 1.0 / (t * t);
    *re_dfdre = 1.8 * f * s / (y * ly);
    return f;
}

static double turbulent(double re, double k, dh_friction_model model, double *re_dfdre)
{
    if (model == DH_FRICTION_SWAMEE_JAIN)
        return swamee_jain(re, k, re_dfdre);
    return colebrook(re, k, re_dfdre);
}

double dh_friction_factor(double re, double rel_roughness, dh_friction_model model,
                          double *df_dre)
{
    double f, dfdre;
    if (!(re > 0.0)) {
        f = HUGE_VAL;
        dfdre = 0.0;
    } else if (re <= DH_RE_LAMINAR) {
        /* Hagen-Poiseuille: f = 64/Re */
        f = 64.0 / re;
        dfdre = -f / re;
    } else if (re < DH_RE_TURBULENT) {
        /* Transition (Dunlop 1991, EPANET 2.2 hydcoeffs.c DWpipecoeff): cubic in R = Re/2000,
         *   f = x1 + x2 R + x3 R^2 + x4 R^3,  1 <= R <= 2,
         * the Hermite cubic with f(1) = 0.032 and df/dR(1) = -0.032 (those of 64/Re) and
         * f(2) = fa, df/dR(2) = fb/2 - fa, fa and fb from the turbulent law at Re = 4000:
         * fb = 2 (fa + df/dR(2)) = 2 fa + (Re df/dRe)(4000). For Swamee-Jain this is EPANET's
         * fb = (2 + AC/(y2 y3)) fa exactly; for Colebrook the same cubic joins Colebrook. */
        double re_dfdre4;
        const double fa = turbulent(DH_RE_TURBULENT, rel_roughness, model, &re_dfdre4);
        const double fb = 2.0 * fa + re_dfdre4;
        const double r = re / DH_RE_LAMINAR;
        const double x1 = 7.0 * fa - fb;
        const double x2 = 0.128 - 17.0 * fa + 2.5 * fb;
        const double x3 = -0.128 + 13.0 * fa - 2.0 * fb;
        const double x4 = 0.032 - 3.0 * fa + 0.5 * fb;
        f = x1 + r * (x2 + r * (x3 + r * x4));
        dfdre = (x2 + r * (2.0 * x3 + r * 3.0 * x4)) / DH_RE_LAMINAR;
    } else {
        double re_dfdre;
        f = turbulent(re, rel_roughness, model, &re_dfdre);
        dfdre = re_dfdre / re;
    }
    if (df_dre)
        *df_dre = dfdre;
    return f;
}

/* ---- per-pipe constants ----------------------------------------------------------------- */

dh_status dh_pipe_hyd_init(dh_pipe_hyd *g, double length, double diameter, double roughness,
                           double local_loss, dh_error *err)
{
    if (!(isfinite(length) && length > 0.0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "length %g m must be positive",
                            length);
    if (!(isfinite(diameter) && diameter > 0.0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "diameter %g m must be positive",
                            diameter);
    if (!(isfinite(roughness) && roughness >= 0.0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "roughness %g m must be zero or positive", roughness);
    if (!(isfinite(local_loss) && local_loss >= 0.0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "local loss coefficient %g must be zero or positive", local_loss);
    g->length = length;
    g->diameter = diameter;
    g->area = 0.25 * DH_PI * diameter * diameter;
    g->rel_roughness = roughness / diameter;
    g->local_loss = local_loss;
    g->l_over_d = length / diameter;
    g->re_coef = 4.0 / (DH_PI * diameter);
    g->kin_coef = 1.0 / (2.0 * g->area * g->area);
    g->lam_coef = 32.0 * length / (g->area * diameter * diameter);
    g->hw_c = g->hw_r = g->hw_q_lin = 0.0; /* no Hazen-Williams C (dh_pipe_hyd_set_hazen_williams) */
    return DH_OK;
}

dh_status dh_pipe_hyd_from_network(const dh_network *net, size_t pipe, dh_pipe_hyd *g,
                                   dh_error *err)
{
    const dh_pipes *p = &net->pipes;
    if (pipe >= p->n)
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL, "pipe row %zu out of range (%zu)",
                            pipe, p->n);
    dh_status st = dh_pipe_hyd_init(g, p->length[pipe], p->diameter[pipe], p->roughness[pipe],
                                    p->local_loss[pipe], err);
    if (st == DH_OK && p->hazen_williams_c)
        st = dh_pipe_hyd_set_hazen_williams(g, p->hazen_williams_c[pipe], err);
    if (st != DH_OK && err) {
        /* name the pipe and its case-file position */
        const size_t link = p->link[pipe];
        char comp[DH_ERROR_COMP_MAX];
        char msg[DH_ERROR_MSG_MAX];
        snprintf(comp, sizeof comp, "pipe %s", net->links.id[link]);
        snprintf(msg, sizeof msg, "%s", err->message);
        dh_error_set(err, st, net->links.pos ? &net->links.pos[link] : NULL, comp, "%s", msg);
    }
    return st;
}

/* ---- pressure loss ------------------------------------------------------------------------ */

void dh_pipe_pressure_loss(double m, double rho, double mu, const dh_pipe_hyd *g,
                           dh_friction_model model, double *dp, double *ddp_dm, double *ddp_drho,
                           double *ddp_dmu)
{
    if (model == DH_FRICTION_HAZEN_WILLIAMS && g->hw_r > 0.0) { /* water: pipe_hazen.c */
        dh_pipe_hazen_loss(m, rho, g, dp, ddp_dm, ddp_drho, ddp_dmu);
        return;
    }
    const double am = fabs(m);
    const double inv_mu = 1.0 / mu, inv_rho = 1.0 / rho;
    const double re = g->re_coef * am * inv_mu;
    const double kin = g->kin_coef * inv_rho; /* 1/(2 rho A^2), 1/(kg m) */
    double p, dpdm, dpdmu;
    if (re <= DH_RE_LAMINAR) {
        /* dp = 32 mu L m/(rho A D^2) + K m|m|/(2 rho A^2): linear in m near 0, no 1/|m| */
        const double lam = g->lam_coef * inv_rho; /* 32 L/(rho A D^2) */
        const double kk = g->local_loss * kin;
        p = lam * mu * m + kk * m * am;
        dpdm = lam * mu + 2.0 * kk * am;
        dpdmu = lam * m;
    } else {
        /* dp = (f L/D + K) m|m|/(2 rho A^2), Re = re_coef |m|/mu:
         *   d dp/dm  = [2 (f L/D + K) + (L/D) Re f'(Re)] |m|/(2 rho A^2)
         *   d dp/dmu = -(L/D) f'(Re) (Re/mu) m|m|/(2 rho A^2) */
        double dfdre;
        const double f = dh_friction_factor(re, g->rel_roughness, model, &dfdre);
        const double c = f * g->l_over_d + g->local_loss;
        const double w = kin * am; /* |m|/(2 rho A^2) */
        const double re_f = g->l_over_d * re * dfdre;
        p = c * w * m;
        dpdm = (2.0 * c + re_f) * w;
        dpdmu = -re_f * inv_mu * w * m;
    }
    *dp = p;
    if (ddp_dm)
        *ddp_dm = dpdm;
    if (ddp_drho)
        *ddp_drho = -p * inv_rho; /* dp ~ 1/rho at fixed m, mu (f depends on mu, not rho) */
    if (ddp_dmu)
        *ddp_dmu = dpdmu;
}

/* ---- condensate drainage (dh_laws.h) -------------------------------------------------------- */

double dh_steam_column_density(double p, double rho, double x, double drho_dp, double drho_dh,
                               double *dc_dp, double *dc_dh)
{
    if (!(x < 1.0) || !(p < 22.064e6)) {
        *dc_dp = drho_dp;
        *dc_dh = drho_dh;
        return rho;
    }
    double d = 0.0;
    double r = dh_if97_rho_vap_sat(p, &d);
    if (!isfinite(r) || !isfinite(d)) { /* below the triple-point pressure: keep the mixture's */
        *dc_dp = drho_dp;
        *dc_dh = drho_dh;
        return rho;
    }
    *dc_dp = d;
    *dc_dh = 0.0;
    return r;
}
