/* assemble.c: residual and analytic Jacobian of the steady network equations, and the sparsity
 * pattern built once from the same code path.
 *
 * Every equation is evaluated together with its derivatives; each derivative is "stamped" into
 * a fixed slot of the CSC Jacobian. The sequence of stamps never depends on values, so the
 * pattern pass (st_pattern_build: record (row, col) of every stamp, sort, deduplicate, keep
 * stamp -> slot) and the numeric pass (add each value into its slot) agree by construction.
 * The equations, units and sign conventions are in docs/model.md; each stamp group below names
 * its equation.
 *
 * Property calls go through per-node / per-edge / per-pipe-end memos keyed on the exact inputs
 * (docs/model.md "Evaluation reuse"): an evaluation at a point already evaluated calls no IF97.
 *
 * Exports (steady_internal.h): st_eval, st_pattern_build, st_pattern_free, st_pos,
 * st_demand_ramp, st_scales, st_update_scales (per-edge residual scales and momentum weights
 * at the start of a Newton attempt), st_draw_eval, st_consumer_eval. Callers: steady_kinsol.c,
 * balance.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "steady_internal.h"

/* ---- smooth helpers -------------------------------------------------------------------------- */

/* Smooth positive part: pos(m) = (m + sqrt(m^2 + eps^2)) / 2; pos(m) - pos(-m) = m exactly. */
double st_pos(double m, double eps, double *dpos)
{
    double r = sqrt(m * m + eps * eps);
    /* no cancellation for m < 0: m + r = eps^2 / (r - m), 1 + m / r = eps^2 / (r (r - m)) (the
     * plain forms give 0 for the value and round-off for the slope once |m| >> eps, and the
     * Jacobian no longer matched the residual) */
    if (dpos) *dpos = m >= 0 ? 0.5 * (1.0 + m / r) : 0.5 * eps * eps / (r * (r - m));
    return m >= 0 ? 0.5 * (m + r) : 0.5 * eps * eps / (r - m);
}

/* Delivery ramp: 0 for t <= 0, 1 for t >= 1, t^2 (3 - 2t) between (C1). */
double st_demand_ramp(double t, double *dt)
{
    if (t <= 0.0) {
        if (dt) *dt = 0.0;
        return 0.0;
    }
    if (t >= 1.0) {
        if (dt) *dt = 0.0;
        return 1.0;
    }
    if (dt) *dt = 6.0 * t * (1.0 - t);
    return t * t * (3.0 - 2.0 * t);
}

/* Smooth max(x, lo) with width w: (x + lo + sqrt((x - lo)^2 + w^2)) / 2. */
static double smax(double x, double lo, double w, double *dx)
{
    double r = sqrt((x - lo) * (x - lo) + w * w);
    *dx = 0.5 * (1.0 + (x - lo) / r);
    /* max(x, lo) + (r - |x - lo|)/2, written without cancellation */
    return fmax(x, lo) + 0.5 * w * w / (r + fabs(x - lo));
}

/* Smooth min / max of a and b (Pa), width d (Pa): derivatives with respect to a and b. */
static double smin2(double a, double b, double d, double *da, double *db)
{
    double r = sqrt((a - b) * (a - b) + d * d);
    *da = 0.5 * (1.0 - (a - b) / r);
    *db = 0.5 * (1.0 + (a - b) / r);
    return fmin(a, b) - 0.5 * d * d / (r + fabs(a - b));
}

static double smax2(double a, double b, double d, double *da, double *db)
{
    double r = sqrt((a - b) * (a - b) + d * d);
    *da = 0.5 * (1.0 + (a - b) / r);
    *db = 0.5 * (1.0 - (a - b) / r);
    return fmax(a, b) + 0.5 * d * d / (r + fabs(a - b));
}

/* ---- evaluation context --------------------------------------------------------------------- */

typedef struct asm_ctx {
    dh_steady *s;
    const double *u;
    double *f;
    bool pattern; /* record (row, col) instead of adding values */
    bool jac;     /* add Jacobian values */
    size_t k;     /* stamp counter */
    size_t cap;
    size_t *prow, *pcol;
    int bad;      /* a property call failed: the residual is returned as recoverable */
    int nomem;
} asm_ctx;

static inline void stamp(asm_ctx *c, size_t row, size_t col, double v)
{
    if (c->pattern) {
        if (c->k == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 1024;
            size_t *r = realloc(c->prow, cap * sizeof *r);
            if (r) c->prow = r;
            size_t *q = realloc(c->pcol, cap * sizeof *q);
            if (q) c->pcol = q;
            if (!r || !q) {
                c->nomem = 1;
                return;
            }
            c->cap = cap;
        }
        c->prow[c->k] = row;
        c->pcol[c->k] = col;
    } else if (c->jac) {
        c->s->jx[c->s->slot[c->k]] += v;
    }
    c->k++;
}

/* Index helpers */
#define IP(s, k) (k)
#define IH(s, k) ((s)->nn + (k))
#define IM(s, e) (2 * (s)->nn + (e))

static double h_pT_checked(asm_ctx *c, double p, double T, double *cp, double *dhdp)
{
    double h = 0, dT = 0, dp = 0;
    double pc = fmin(fmax(p, 2e3), 5e7);
    if (T < 273.16 && T > 150.0) {
        /* ambient below freezing (air in winter): liquid extrapolated below the IF97 range with
         * the cp of 0.01 degC (only the ambient limit of the heat-loss decay uses it) */
        if (dh_props_h_pT(pc, 273.16, &h, &dT, &dp) == DH_OK && isfinite(h)) {
            h += dT * (T - 273.16);
            if (cp) *cp = dT;
            if (dhdp) *dhdp = dp;
            return h;
        }
    }
    if (dh_props_h_pT(pc, T, &h, &dT, &dp) != DH_OK || !isfinite(h)) {
        c->bad = 1;
        h = 4186.0 * (T - 273.15);
        dT = 4186.0;
        dp = 0.0;
    }
    if (cp) *cp = dT;
    if (dhdp) *dhdp = dp;
    return h;
}

/* (The wet-state guard that rebuilt region-4 states which dh_props_ph_fast had put in region 2
 * below Tsat is gone: the properties module's fix is in, its locate_py confirms every region-2
 * classification by the forward equation, and tests/props/test_props_wet.c holds the cases. It
 * cost one Tsat(p) per region-2 evaluation.) */

dh_status st_props_ph(double p, double h, int transport, dh_ph_state *st)
{
    if (!(isfinite(p) && p > 0 && isfinite(h))) return DH_RECOVERABLE;
    return dh_props_ph_fast(p, h, transport, st);
}

static void ph_checked(asm_ctx *c, double p, double h, int transport, dh_ph_state *st)
{
    if (c->s->incompressible) {
        /* study.water = incompressible: one state, no dependence on (p, h) (layout.c) */
        memset(st, 0, sizeof *st);
        st->T = c->s->T_fix;
        st->rho = c->s->rho_fix;
        st->mu = c->s->mu_fix;
        st->region = 1;
        return;
    }
    st->region = 0;
    if (isfinite(p) && p > 0 && isfinite(h)) dh_props_ph_fast(p, h, transport, st);
    if ((st->region == 0 || !(st->rho > 0)) && isfinite(p) && isfinite(h)) {
        /* a trial state outside the property range: evaluate at the nearest state inside it
         * (derivatives of the clamped variable are 0), so the residual stays finite and large
         * and the line search backtracks (KINSOL does not shorten the step on a recoverable
         * residual failure; it gives up after repeated ones) */
        double pc = fmin(fmax(p, 2e3), 5e7), hc = fmin(fmax(h, 2e4), 3.9e6);
        if (dh_props_ph_fast(pc, hc, transport, st) == DH_OK) {
            st->drho_dp = pc != p ? 0.0 : st->drho_dp;
            st->dT_dp = pc != p ? 0.0 : st->dT_dp;
            st->drho_dh = hc != h ? 0.0 : st->drho_dh;
            st->dT_dh = hc != h ? 0.0 : st->dT_dh;
        }
    }
    if (!(p > 0) || !isfinite(p) || !isfinite(h) || st->region == 0 || !(st->rho > 0)) {
        c->bad = 1;
        memset(st, 0, sizeof *st);
        st->T = 373.15;
        st->rho = 1000.0;
        st->dT_dh = 1.0 / 4186.0;
        st->mu = 3e-4;
        st->region = 0;
    }
}

/* ---- property memos (docs/model.md, "Property reuse") ----------------------------------------
 * KINSOL evaluates the residual at a point and then asks for the Jacobian there; an attempt
 * starts with a scale evaluation at the point its first residual is taken; the results are
 * filled at the last iterate. Each node and pipe segment keeps the (p, h) of its last property
 * call and its outputs, and a call with bitwise-equal inputs returns them (the same numbers a
 * fresh call gives: no tolerance). A state outside the property range is never memoised (it
 * must flag the evaluation again). */
static inline uint64_t bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline bool memo_hit(const st_phmemo *m, double p, double h)
{
    return m && m->ok && m->kp == bits(p) && m->kh == bits(h);
}

/* ph_checked (no transport) through the memo m (NULL: none) */
static void ph_memo(asm_ctx *c, st_phmemo *m, double p, double h, dh_ph_state *st)
{
    if (memo_hit(m, p, h)) {
        *st = m->st;
        return;
    }
    int bad0 = c->bad;
    c->bad = 0;
    ph_checked(c, p, h, 0, st);
    if (m) {
        m->kp = bits(p);
        m->kh = bits(h);
        m->ok = !c->bad;
        m->st = *st;
    }
    c->bad |= bad0;
}

/* Viscosity and its derivatives with respect to p and h at a mean state (IAPWS 2008 through
 * dh_viscosity_deriv(rho, T): the closed form and its analytic d mu/d rho, d mu/d T, one
 * evaluation instead of five of central differences). */
static double mean_viscosity(const dh_ph_state *st, double *mu_p, double *mu_h)
{
    double rho = st->rho, T = st->T;
    double mr = 0, mT = 0;
    double mu = dh_viscosity_deriv(rho, T, &mr, &mT);
    if (!isfinite(mu) || mu <= 0) {
        mu = 3e-4;
        mr = mT = 0;
    }
    if (!isfinite(mr)) mr = 0;
    if (!isfinite(mT)) mT = 0;
    *mu_p = mr * st->drho_dp + mT * st->dT_dp;
    *mu_h = mr * st->drho_dh + mT * st->dT_dh;
    return mu;
}

/* ---- pipe thermal arrival -------------------------------------------------------------------
 * Enthalpy arriving at the downstream end d of a pipe segment whose upstream node is `up`
 * (docs/model.md, "Heat loss along a segment"): the exponential temperature decay of
 * dh_segment_outlet_temperature (docs/model-pipes.md) written in enthalpy with the secant heat
 * capacity c = (h_up - h_amb,up) / (T_up - T_amb), so that it holds through condensation:
 *   h_arr = E h_up + (1 - E) h_amb,d,   E = exp(-UA r / |m|s),
 *   r = (T_up - T_amb) / (h_up - h_amb,up)
 * with UA = u' L (W/K), |m|s = sqrt(m^2 + eps^2), h_amb,x = h(p_x, T_amb_eff) (liquid at
 * ambient at the pressure of end x), and for a buried pair T_amb_eff = T_s + (u_pair/u_self)
 * (T_pair - T_s) with T_pair the mean of the paired pipe's end-node temperatures (dh_laws.h).
 * Both ambient enthalpies are taken at the pressure they are compared with: the secant at the
 * upstream pressure (so r > 0 whenever T_up != T_amb), the limit of slow flow (E -> 0) at the
 * arrival pressure, where the water then is at T_amb exactly. (With one h_amb at the mean
 * pressure, liquid at T_amb arrived off T_amb by the Joule-Thomson coefficient times half the
 * pressure difference, -0.022 K/bar for water at 20 degC, and the secant could change sign and
 * switch the exchange off: the spurious temperature differences drove a thermosiphon around
 * dead-end loops, 0.009 kg/s in Net2's loop 20-21-22; docs/epanet.md.) E = 1 (adiabatic):
 * isenthalpic.
 * Derivative slots: 0 m, 1 p_a, 2 h_a, 3 p_b, 4 h_b, 5 p_c, 6 h_c, 7 p_d, 8 h_d. */
typedef struct pipe_amb {
    double t_eff;                  /* K, effective ambient */
    double tc_p, tc_h, td_p, td_h; /* d t_eff / d(p, h) of the pair's end nodes c, d */
    double h[2], cp[2], hp[2];     /* h(p_end, t_eff) at a [0] and b [1], d/dT, d/dp */
} pipe_amb;

/* Fills A for edge E (only when it exchanges heat: E->ua > 0 and loss_scale > 0). */
static void pipe_ambient(asm_ctx *c, const st_edge *E, pipe_amb *A)
{
    dh_steady *s = c->s;
    A->t_eff = E->t_amb;
    A->tc_p = A->tc_h = A->td_p = A->td_h = 0.0;
    if (E->pc != DH_NONE) {
        const st_nodeprop *ncp = &s->np[E->pc], *ndp = &s->np[E->pd];
        A->t_eff += E->pair_ratio * (0.5 * (ncp->T + ndp->T) - E->t_amb);
        A->tc_p = 0.5 * E->pair_ratio * ncp->dT_dp;
        A->tc_h = 0.5 * E->pair_ratio * ncp->dT_dh;
        A->td_p = 0.5 * E->pair_ratio * ndp->dT_dp;
        A->td_h = 0.5 * E->pair_ratio * ndp->dT_dh;
    }
    /* steam mains: the condensate is drained through the traps before it can freeze, so the
     * slow-flow limit of the arrival is liquid at max(t_eff, 0.01 degC) (the exchange rate r
     * keeps the true t_eff; docs/model-pipes.md "Condensate drainage") */
    double t_lim = A->t_eff;
    bool steam = s->net->nodes.medium[s->net->links.from[E->owner]] == DH_MEDIUM_STEAM;
    bool floored = steam && t_lim < DH_CONDENSATE_T_MIN;
    if (floored) t_lim = DH_CONDENSATE_T_MIN;
    bool steam_lin = steam && E->pc == DH_NONE && t_lim <= 373.15;
    /* steam pipes: the condensate's liquid enthalpy linear in p (memoised per temperature,
     * dh_condensate_h_ambient, error < 4 J/kg); otherwise IF97 at each end's pressure */
    for (int j = 0; j < 2; j++) {
        double pj = c->u[IP(s, j == 0 ? E->a : E->b)];
        if (steam_lin && pj > 0 && pj < 5e6 &&
            dh_condensate_h_ambient(pj, t_lim, &A->h[j], &A->cp[j], &A->hp[j]) == DH_OK)
            continue;
        /* IF97 h(p_end, t_lim) through the pipe end's memo, then the end node's (the pipes
         * that meet at a node share its pressure and, in a water network, the soil
         * temperature: one evaluation per node instead of one per pipe end) */
        st_ambmemo *am = s->amb_memo ? &s->amb_memo[2 * (size_t)(E - s->edge) + j] : NULL;
        st_ambmemo *an = s->amb_memo ? &s->amb_memo[2 * s->ne + (j == 0 ? E->a : E->b)] : NULL;
        uint64_t kp = bits(pj), kt = bits(t_lim);
        if (am && am->ok && am->kp == kp && am->kt == kt) {
            A->h[j] = am->h, A->cp[j] = am->cp, A->hp[j] = am->hp;
            continue;
        }
        if (an && an->ok && an->kp == kp && an->kt == kt) {
            A->h[j] = an->h, A->cp[j] = an->cp, A->hp[j] = an->hp;
            *am = *an;
            continue;
        }
        int bad0 = c->bad;
        c->bad = 0;
        A->h[j] = h_pT_checked(c, pj, t_lim, &A->cp[j], &A->hp[j]);
        if (am) {
            am->kp = kp, am->kt = kt, am->ok = !c->bad;
            am->h = A->h[j], am->cp = A->cp[j], am->hp = A->hp[j];
            *an = *am;
        }
        c->bad |= bad0;
    }
    if (floored) A->cp[0] = A->cp[1] = 0.0; /* d h_amb / d t_eff */
}

static double pipe_arrival(asm_ctx *c, const st_edge *E, size_t up, double m, const pipe_amb *A,
                           double *d)
{
    dh_steady *s = c->s;
    const double *u = c->u;
    for (int i = 0; i < ST_NDEP; i++) d[i] = 0.0;
    int ju = up == E->a ? 0 : 1, jd = 1 - ju; /* ends in A */
    int iup = ju == 0 ? 1 : 3, idn = jd == 0 ? 1 : 3; /* p slots in d */
    /* adiabatic flow conserves h + g z (steady energy equation; the kinetic energy, v^2/2 <
     * 1 J/kg in water mains, is left out as before): the stream arrives with h_up - g dz */
    double h_pot = -DH_G * (up == E->a ? E->dz : -E->dz);
    double h_up = u[IH(s, up)];
    double ua = s->incompressible ? 0.0 : E->ua * s->loss_scale; /* no heat transport */
    if (ua <= 0.0) {
        d[iup + 1] = 1.0;
        return h_up + h_pot;
    }
    const st_nodeprop *nu = &s->np[up];
    double dhu = h_up - A->h[ju], dT = nu->T - A->t_eff;
    bool secant = fabs(dhu) > 1.0;
    double r = secant ? dT / dhu : nu->dT_dh;
    if (!(r > 0.0)) {
        r = 0.0;
        secant = false;
    }
    double ms = sqrt(m * m + s->eps_mix * s->eps_mix);
    double E_ = exp(-ua * r / ms);
    double E_m = E_ * ua * r * m / (ms * ms * ms); /* dE/dm */
    double E_r = -E_ * ua / ms;                     /* dE/dr */
    double D = h_up + h_pot - A->h[jd];            /* h_arr = h_amb,d + D E */
    /* r = dT / dhu: dr/dT_up = 1/dhu, dr/dh_up = -r/dhu, dr/dh_amb,up = r/dhu,
     * dr/dt_eff = -1/dhu (plus through h_amb,up) */
    double DEr = secant ? D * E_r / dhu : 0.0;
    double g_hup = E_ - DEr * r;
    double g_Tup = DEr;
    double g_hau = DEr * r;     /* d/d h_amb,up */
    double g_had = 1.0 - E_;   /* d/d h_amb,d */
    double g_teff = -DEr;      /* direct, at fixed h_amb */
    d[0] = D * E_m;
    d[iup + 1] += g_hup + g_Tup * nu->dT_dh;
    d[iup] += g_Tup * nu->dT_dp + g_hau * A->hp[ju];
    d[idn] += g_had * A->hp[jd];
    double G = g_hau * A->cp[ju] + g_had * A->cp[jd] + g_teff;
    d[5] = G * A->tc_p;
    d[6] = G * A->tc_h;
    d[7] = G * A->td_p;
    d[8] = G * A->td_h;
    return A->h[jd] + D * E_;
}

/* ---- edges ------------------------------------------------------------------------------------ */

/* Stamps the five columns (m, p_a, h_a, p_b, h_b) of an edge row. */
static void stamp5(asm_ctx *c, size_t row, const st_edge *E, size_t e, const double g[5])
{
    dh_steady *s = c->s;
    stamp(c, row, IM(s, e), g[0]);
    stamp(c, row, IP(s, E->a), g[1]);
    stamp(c, row, IH(s, E->a), g[2]);
    stamp(c, row, IP(s, E->b), g[3]);
    stamp(c, row, IH(s, E->b), g[4]);
}

static void isenthalpic(st_edgework *w, const double *u, const dh_steady *s, const st_edge *E)
{
    memset(w->d_fwd, 0, sizeof w->d_fwd);
    memset(w->d_rev, 0, sizeof w->d_rev);
    w->h_fwd = u[IH(s, E->a)];
    w->d_fwd[2] = 1.0;
    w->h_rev = u[IH(s, E->b)];
    w->d_rev[4] = 1.0;
}

/* Pipe segment, momentum, positive m from a to b:
 *   R_pa = p_a - p_b - dp_f(m, rho, mu) - rho g (z_b - z_a) - (m^2 / A^2) (1/rho_b - 1/rho_a)
 * dp_f: Darcy-Weisbach + fittings (dh_pipe_pressure_loss) at the mean state
 * (p_a+p_b)/2, (h_a+h_b)/2; the last term is the acceleration d(rho v^2) = d(m^2/(rho A^2)).
 * The row is R = (rho / rho_ref) R_pa (Pa; rho_ref: the segment's mean density at the start of
 * the Newton attempt, a constant during it; docs/model.md "Momentum weighting"). Weighting by
 * rho removes the 1/rho of the friction term (rho dp_f = f L/D m|m|/(2 A^2) does not depend
 * on the state), so that for steam the row behaves like the p^2 form of gas networks,
 * ~ (p_a^2 - p_b^2) / (2 Z R T): monotone in p_b for every p_b > 0. Unweighted, dR/dp_b =
 * -1 + dp_f / (2 p_m) vanishes and changes sign below some p_b, and Newton from a state with a
 * low end pressure (overloaded mains, where the demand ramp acts) steps the wrong way. Same
 * solutions (rho > 0). */
static void edge_pipe(asm_ctx *c, size_t e)
{
    dh_steady *s = c->s;
    const st_edge *E = &s->edge[e];
    const double *u = c->u;
    st_edgework *w = &s->ew[e];
    double m = u[IM(s, e)], pa = u[IP(s, E->a)], pb = u[IP(s, E->b)];
    double pm = 0.5 * (pa + pb), hm = 0.5 * (u[IH(s, E->a)] + u[IH(s, E->b)]);
    dh_ph_state st;
    double mu_p = 0, mu_h = 0, mu;
    st_phmemo *mm = s->edge_memo ? &s->edge_memo[e] : NULL;
    bool hit = memo_hit(mm, pm, hm);
    if (hit) {
        st = mm->st;
        mu = mm->mu, mu_p = mm->mu_p, mu_h = mm->mu_h;
    } else {
        int bad0 = c->bad;
        c->bad = 0;
        ph_checked(c, pm, hm, 0, &st);
        mu = s->incompressible ? s->mu_fix : mean_viscosity(&st, &mu_p, &mu_h);
        if (mm) {
            mm->kp = bits(pm), mm->kh = bits(hm), mm->ok = !c->bad;
            mm->st = st;
            mm->mu = mu, mm->mu_p = mu_p, mm->mu_h = mu_h;
            mm->fok = false;
        }
        c->bad |= bad0;
    }
    double rho = st.rho;
    double dp = 0, dpm = 0, dpr = 0, dpmu = 0;
    if (hit && mm->fok && mm->km == bits(m)) {
        /* the friction of the same (m, rho, mu): Colebrook's iteration not repeated */
        dp = mm->dp, dpm = mm->dpm, dpr = mm->dpr, dpmu = mm->dpmu;
    } else {
        dh_pipe_pressure_loss(m, rho, mu, &E->hyd, s->study.friction, &dp, &dpm, &dpr, &dpmu);
        if (mm && mm->ok) {
            mm->km = bits(m), mm->fok = true;
            mm->dp = dp, mm->dpm = dpm, mm->dpr = dpr, mm->dpmu = dpmu;
        }
    }
    const st_nodeprop *na = &s->np[E->a], *nb = &s->np[E->b];
    double A2 = E->hyd.area * E->hyd.area, m2 = m * m / A2;
    double acc = m2 * (1.0 / nb->rho - 1.0 / na->rho);
    size_t row = IM(s, e);
    /* column density of the gravity term: a wet steam segment drains its condensate through
     * the traps at its ends, so only the vapour weighs (dh_steam_column_density,
     * docs/model-pipes.md "Condensate drainage"); water pipes: rho */
    double rc = rho, rc_p = st.drho_dp, rc_h = st.drho_dh;
    if (E->dz != 0.0 && !s->incompressible &&
        s->net->nodes.medium[s->net->links.from[E->owner]] == DH_MEDIUM_STEAM)
        rc = dh_steam_column_density(pm, rho, st.x, st.drho_dp, st.drho_dh, &rc_p, &rc_h);
    double Rpa = pa - pb - dp - rc * DH_G * E->dz - acc;
    double mean_p = -0.5 * (dpr * st.drho_dp + dpmu * mu_p + DH_G * E->dz * rc_p);
    double mean_h = -0.5 * (dpr * st.drho_dh + dpmu * mu_h + DH_G * E->dz * rc_h);
    double g[5];
    g[0] = -dpm - 2.0 * m / A2 * (1.0 / nb->rho - 1.0 / na->rho);
    g[1] = 1.0 + mean_p - m2 * na->drho_dp / (na->rho * na->rho);
    g[2] = mean_h - m2 * na->drho_dh / (na->rho * na->rho);
    g[3] = -1.0 + mean_p + m2 * nb->drho_dp / (nb->rho * nb->rho);
    g[4] = mean_h + m2 * nb->drho_dh / (nb->rho * nb->rho);
    /* weighting: R = W R_pa, W = rho / rho_ref; dR = W dR_pa + R_pa dW */
    double W = rho * s->edge_wref[e], Wp = 0.5 * st.drho_dp * s->edge_wref[e],
           Wh = 0.5 * st.drho_dh * s->edge_wref[e];
    c->f[row] = W * Rpa;
    g[0] *= W;
    g[1] = W * g[1] + Rpa * Wp;
    g[2] = W * g[2] + Rpa * Wh;
    g[3] = W * g[3] + Rpa * Wp;
    g[4] = W * g[4] + Rpa * Wh;
    stamp5(c, row, E, e, g);
    w->rho = rho;
    w->mu = mu;
    pipe_amb A;
    if (E->ua * s->loss_scale > 0.0 && !s->incompressible) pipe_ambient(c, E, &A);
    w->h_fwd = pipe_arrival(c, E, E->a, m, &A, w->d_fwd);
    w->h_rev = pipe_arrival(c, E, E->b, m, &A, w->d_rev);
}

/* Throttle law with check (blocked reverse) term, Pa, for valves and stopped pumps:
 *   dp(m) = k m |m|s / rho + k_block (min_s(m, 0) + d_block / 2)     (check only)
 * |m|s = sqrt(m^2 + m_lin^2); min_s(m,0) = (m - sqrt(m^2 + d_block^2)) / 2. */
static double throttle_dp(const dh_steady *s, const st_edge *E, bool check, double m, double rho,
                          double *d_m, double *d_rho)
{
    double ms = sqrt(m * m + s->m_lin * s->m_lin);
    double dp = E->k * m * ms / rho;
    *d_m = E->k * (ms + m * m / ms) / rho;
    *d_rho = -dp / rho;
    if (check) {
        double r = sqrt(m * m + s->d_block * s->d_block);
        dp += s->k_block * (0.5 * (m - r) + 0.5 * s->d_block);
        *d_m += s->k_block * 0.5 * (1.0 - m / r);
    }
    return dp;
}

/* Valve (Pa):
 *   throttle: R = p_a - p_b - dp(m) - rho g dz;  check: the same with the blocked reverse term;
 *   pressure reducing: R = min_s( max_s(p_set - p_b, -k_block m), p_a - p_b - dp(m) - rho g dz )
 *     (regulating: p_b = p_set; fully open when p_a cannot hold it; closed, m = 0, when
 *     p_b > p_set; docs/model.md "Pressure-reducing valve");
 *   closed (opening 0): R = k_block m. */
static void edge_valve(asm_ctx *c, size_t e)
{
    dh_steady *s = c->s;
    const st_edge *E = &s->edge[e];
    const double *u = c->u;
    double m = u[IM(s, e)], pa = u[IP(s, E->a)], pb = u[IP(s, E->b)];
    double pm = 0.5 * (pa + pb), hm = 0.5 * (u[IH(s, E->a)] + u[IH(s, E->b)]);
    dh_ph_state st;
    ph_memo(c, s->edge_memo ? &s->edge_memo[e] : NULL, pm, hm, &st);
    double rho = st.rho;
    size_t row = IM(s, e);
    double g[5] = {0, 0, 0, 0, 0};
    if (E->vlaw == ST_VLAW_CLOSED) {
        c->f[row] = s->k_block * m;
        g[0] = s->k_block;
    } else {
        double dm, drho;
        double dp = throttle_dp(s, E, E->vlaw != ST_VLAW_OPEN, m, rho, &dm, &drho);
        double B = pa - pb - dp - rho * DH_G * E->dz;
        double Br = -drho - DH_G * E->dz; /* dB/drho */
        double gb[5] = {-dm, 1.0 + 0.5 * Br * st.drho_dp, 0.5 * Br * st.drho_dh,
                        -1.0 + 0.5 * Br * st.drho_dp, 0.5 * Br * st.drho_dh};
        if (E->vlaw == ST_VLAW_PRV) {
            double a1, a2, A = smax2(E->setpoint - pb, -s->k_block * m, 1.0, &a1, &a2);
            double ga[5] = {-s->k_block * a2, 0, 0, -a1, 0};
            double cA, cB, R = smin2(A, B, 1.0, &cA, &cB);
            c->f[row] = R;
            for (int i = 0; i < 5; i++) g[i] = cA * ga[i] + cB * gb[i];
        } else {
            c->f[row] = B;
            memcpy(g, gb, sizeof g);
        }
    }
    stamp5(c, row, E, e, g);
    s->ew[e].rho = rho;
    isenthalpic(&s->ew[e], u, s, E);
}

/* Pump (Pa): R = p_a - p_b + rho g (a s^2 - b Q|Q|s) - rho g dz, Q = m / rho (m3/s): the head
 * curve H = a - b Q^2 fitted through the given points, affinity laws H(Q, s) = s^2 H(Q/s).
 * Stopped pump (speed 0): the throttle law with check (k = g b). Isenthalpic. */
static void edge_pump(asm_ctx *c, size_t e)
{
    dh_steady *s = c->s;
    const st_edge *E = &s->edge[e];
    const double *u = c->u;
    double m = u[IM(s, e)], pa = u[IP(s, E->a)], pb = u[IP(s, E->b)];
    double pm = 0.5 * (pa + pb), hm = 0.5 * (u[IH(s, E->a)] + u[IH(s, E->b)]);
    dh_ph_state st;
    ph_memo(c, s->edge_memo ? &s->edge_memo[e] : NULL, pm, hm, &st);
    double rho = st.rho;
    size_t row = IM(s, e);
    double R, Rm, Rr;
    if (E->vlaw == ST_VLAW_OPEN && E->pump_c == 2.0) {
        double ms = sqrt(m * m + s->m_lin * s->m_lin);
        double sp2 = E->speed * E->speed;
        /* rho g b Q|Q| = g b m |m| / rho */
        R = pa - pb + rho * DH_G * E->pump_a * sp2 - DH_G * E->pump_b * m * ms / rho -
            rho * DH_G * E->dz;
        Rm = -DH_G * E->pump_b * (ms + m * m / ms) / rho;
        Rr = DH_G * E->pump_a * sp2 + DH_G * E->pump_b * m * ms / (rho * rho) - DH_G * E->dz;
    } else if (E->vlaw == ST_VLAW_OPEN) {
        /* power curve (EPANET's 3-point fit), affinity laws as EPANET applies them:
         * H = a s^2 - b s^(2-c) Q|Q|^(c-1), Q = m/rho, |m| smoothed as ms:
         * rho g b s^(2-c) Q|Q|^(c-1) = g b s^(2-c) m ms^(c-1) rho^(1-c) = T */
        double pc = E->pump_c;
        double ms = sqrt(m * m + s->m_lin * s->m_lin);
        double sp2 = E->speed * E->speed;
        double kb = DH_G * E->pump_b * pow(E->speed, 2.0 - pc) * pow(rho, 1.0 - pc);
        double msc = pow(ms, pc - 1.0);
        double T = kb * m * msc;
        R = pa - pb + rho * DH_G * E->pump_a * sp2 - T - rho * DH_G * E->dz;
        Rm = -kb * (msc + (pc - 1.0) * m * m * msc / (ms * ms));
        Rr = DH_G * E->pump_a * sp2 - (1.0 - pc) * T / rho - DH_G * E->dz;
    } else {
        double dm, drho;
        double dp = throttle_dp(s, E, true, m, rho, &dm, &drho);
        R = pa - pb - dp - rho * DH_G * E->dz;
        Rm = -dm;
        Rr = -drho - DH_G * E->dz;
    }
    c->f[row] = R;
    double g[5] = {Rm, 1.0 + 0.5 * Rr * st.drho_dp, 0.5 * Rr * st.drho_dh,
                   -1.0 + 0.5 * Rr * st.drho_dp, 0.5 * Rr * st.drho_dh};
    stamp5(c, row, E, e, g);
    st_edgework *w = &s->ew[e];
    w->rho = rho;
    isenthalpic(w, u, s, E);
    /* the pump's work: an ideal pump gives the water w = (p_b - p_a) / rho (J/kg; = g H - g dz,
     * so that h + g z gains g H, the energy equation of the edge), h_fwd = h_a + w, h_rev =
     * h_b - w. Without it the pressure rise at constant h cooled the water by the Joule-Thomson
     * coefficient, 0.022 K/bar (docs/model.md, "Pumps"). d/d(p_a, h_a, p_b, h_b) through rho at
     * the mean state. */
    double wk = (pb - pa) / rho, wr = -wk / rho; /* wr = dw/drho */
    double wd[5] = {0, -1.0 / rho + 0.5 * wr * st.drho_dp, 0.5 * wr * st.drho_dh,
                    1.0 / rho + 0.5 * wr * st.drho_dp, 0.5 * wr * st.drho_dh};
    w->h_fwd += wk;
    w->h_rev -= wk;
    for (int i = 1; i < 5; i++) {
        w->d_fwd[i] += wd[i];
        w->d_rev[i] -= wd[i];
    }
}

/* Water heat consumer (kg/s), supply a -> return b:
 *   R = m - lambda Q phi(dp) / dh_s,   dp = p_a - p_b,  phi = ramp(dp / dp_ramp_water),
 *   dh_s = smax(h_a - h(p_b, T_return), 2 K x 4186 J/(kg K))
 * so that m (h_a - h_ret) = Q delivered; the water returns at T_return (h_fwd). */
double st_consumer_eval(const dh_steady *s, const double *u, size_t c, double *g5,
                        double *h_ret, double *h_ret_p, double *phi_out)
{
    const dh_network *net = s->net;
    const st_edge *E = &s->edge[s->cons_edge[c]];
    double pa = u[IP(s, E->a)], pb = u[IP(s, E->b)], ha = u[IH(s, E->a)];
    double dphi, phi = st_demand_ramp((pa - pb) / s->dp_ramp_water, &dphi);
    dphi /= s->dp_ramp_water;
    double hr = 0, cp = 0, hrp = 0;
    if (dh_props_h_pT(pb, net->consumers.return_temperature[c], &hr, &cp, &hrp) != DH_OK) {
        hr = 4186.0 * (net->consumers.return_temperature[c] - 273.15);
        hrp = 0;
    }
    double sm, dhs = smax(ha - hr, 2.0 * 4186.0, 10.0, &sm);
    double Q = s->load * net->consumers.demand_heat[c];
    double mdem = Q * phi / dhs;
    if (g5) {
        g5[0] = 1.0;
        g5[1] = -Q * dphi / dhs;
        g5[2] = mdem / dhs * sm;
        g5[3] = Q * dphi / dhs + mdem / dhs * sm * (-hrp);
        g5[4] = 0.0;
    }
    if (h_ret) *h_ret = hr;
    if (h_ret_p) *h_ret_p = hrp;
    if (phi_out) *phi_out = phi;
    return mdem;
}

static void edge_consumer(asm_ctx *c, size_t e)
{
    dh_steady *s = c->s;
    const st_edge *E = &s->edge[e];
    double g[5], hr, hrp;
    double mdem = st_consumer_eval(s, c->u, E->owner, g, &hr, &hrp, NULL);
    if (!isfinite(hr)) c->bad = 1;
    size_t row = IM(s, e);
    c->f[row] = c->u[row] - mdem;
    stamp5(c, row, E, e, g);
    st_edgework *w = &s->ew[e];
    isenthalpic(w, c->u, s, E);
    w->h_fwd = hr;
    w->d_fwd[2] = 0.0;
    w->d_fwd[3] = hrp;
}

/* Substation water side (Pa): R = p_a - p_b (no hydraulic resistance); the water leaves at the
 * supply set point, h_fwd = h(p_b, T_supply). The steam it takes is a draw (st_draw_eval). */
static void edge_substation(asm_ctx *c, size_t e)
{
    dh_steady *s = c->s;
    const st_edge *E = &s->edge[e];
    size_t row = IM(s, e);
    c->f[row] = c->u[IP(s, E->a)] - c->u[IP(s, E->b)];
    double g[5] = {0, 1, 0, -1, 0};
    stamp5(c, row, E, e, g);
    st_edgework *w = &s->ew[e];
    isenthalpic(w, c->u, s, E);
    double cp, hp;
    w->h_fwd = h_pT_checked(c, c->u[IP(s, E->b)], s->net->substations.supply_temperature[E->owner],
                            &cp, &hp);
    w->d_fwd[2] = 0.0;
    w->d_fwd[3] = hp;
}

/* ---- draws ------------------------------------------------------------------------------------
 * Mass drawn at a node (kg/s), with derivatives with respect to the columns in cols[0..4]
 * (DH_NONE where unused):
 *   steam consumer:        D = lambda M phi((p - p_atm) / dp_ramp_steam)
 *   heat on steam:         D = lambda Q phi(...) / smax(h - h(p, T_return), 1e4 J/kg)
 *   substation steam side: D = pos(m_w) (h(p_out, T_set) - h_in) / smax(h - h(p, T_cond), 1e4)
 *   water consumer:        D = lambda (M + V rho(p, h)) phi((p - p_full) / dp_ramp_water + 1)
 * (the steam condenses to T_return / T_cond; phi is the delivery ramp, docs/model.md). A water
 * consumer's demand is a mass flow M or a volume flow V (m3/s, the other 0); V is met at the
 * density of the node's state, so D / rho(p, h) = lambda V at full delivery; p_full is its
 * min_pressure, or p_atm + dp_ramp_water without one (docs/model.md, "Water draw"). */
double st_draw_eval(const dh_steady *s, const double *u, size_t i, size_t cols[5], double g[5])
{
    const dh_network *net = s->net;
    const st_draw *d = &s->draw[i];
    size_t k = d->node;
    double p = u[IP(s, k)], h = u[IH(s, k)];
    double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                        : 101325.0;
    for (int j = 0; j < 5; j++) {
        cols[j] = DH_NONE;
        g[j] = 0.0;
    }
    cols[0] = IP(s, k);
    cols[1] = IH(s, k);
    if (d->kind == ST_DRAW_WATER) {
        size_t c = d->owner;
        double pmin = net->consumers.min_pressure[c];
        double p_full = pmin > 0 ? pmin : patm + s->dp_ramp_water;
        double dphi, phi = st_demand_ramp((p - p_full) / s->dp_ramp_water + 1.0, &dphi);
        dphi /= s->dp_ramp_water;
        double V = s->load * net->consumers.demand_volume_flow[c];
        const st_nodeprop *np = &s->np[k]; /* rho(p, h) of this evaluation (node_props) */
        double M = s->load * net->consumers.demand_mass_flow[c] + V * np->rho;
        g[0] = M * dphi + V * np->drho_dp * phi;
        g[1] = V * np->drho_dh * phi;
        return M * phi;
    }
    if (d->kind == ST_DRAW_STEAM || d->kind == ST_DRAW_STEAM_HEAT) {
        double dphi, phi = st_demand_ramp((p - patm) / s->dp_ramp_steam, &dphi);
        dphi /= s->dp_ramp_steam;
        if (d->kind == ST_DRAW_STEAM) {
            double M = s->load * net->consumers.demand_mass_flow[d->owner];
            g[0] = M * dphi;
            return M * phi;
        }
        double hc = 0, cp, hcp = 0;
        if (dh_props_h_pT(p, net->consumers.return_temperature[d->owner], &hc, &cp, &hcp) != DH_OK)
            hc = 4186.0 * (net->consumers.return_temperature[d->owner] - 273.15);
        double sm, den = smax(h - hc, 1e4, 10.0, &sm);
        double Q = s->load * net->consumers.demand_heat[d->owner];
        double D = Q * phi / den;
        g[0] = Q * dphi / den + D / den * sm * hcp;
        g[1] = -D / den * sm;
        return D;
    }
    /* substation */
    const st_edge *E = &s->edge[d->edge];
    size_t j = d->owner;
    double mw = u[IM(s, d->edge)];
    double dpos, q = st_pos(mw, s->eps_mix, &dpos);
    double hs = 0, cps, hsp = 0, hc = 0, cpc, hcp = 0;
    if (dh_props_h_pT(u[IP(s, E->b)], net->substations.supply_temperature[j], &hs, &cps, &hsp))
        hs = 4186.0 * (net->substations.supply_temperature[j] - 273.15);
    if (dh_props_h_pT(p, net->substations.condensate_temperature[j], &hc, &cpc, &hcp))
        hc = 4186.0 * (net->substations.condensate_temperature[j] - 273.15);
    double hin = u[IH(s, E->a)];
    double sm, den = smax(h - hc, 1e4, 10.0, &sm);
    double Qw = q * (hs - hin);
    double D = Qw / den;
    g[0] = D / den * sm * hcp;
    g[1] = -D / den * sm;
    cols[2] = IM(s, d->edge);
    g[2] = dpos * (hs - hin) / den;
    cols[3] = IP(s, E->b);
    g[3] = q * hsp / den;
    cols[4] = IH(s, E->a);
    g[4] = -q / den;
    return D;
}

/* ---- the whole system ---------------------------------------------------------------------- */

static void node_props(asm_ctx *c)
{
    dh_steady *s = c->s;
    for (size_t k = 0; k < s->nn; k++) {
        dh_ph_state st;
        ph_memo(c, s->node_memo ? &s->node_memo[k] : NULL, c->u[IP(s, k)], c->u[IH(s, k)], &st);
        st_nodeprop *np = &s->np[k];
        np->T = st.T;
        np->rho = st.rho;
        np->x = st.x;
        np->dT_dp = st.dT_dp;
        np->dT_dh = st.dT_dh;
        np->drho_dp = st.drho_dp;
        np->drho_dh = st.drho_dh;
    }
}

/* Node mass balance (kg/s), outflow positive:
 *   R_k = sum_e s_ke m_e + sum draws_k - sum fixed-flow injections_k - sum m_src_k
 * with s_ke = +1 when edge e leaves k (k == a), -1 when it enters. Isolated node: p_k - p_atm. */
static void node_mass(asm_ctx *c, size_t k)
{
    dh_steady *s = c->s;
    const dh_network *net = s->net;
    size_t row = IP(s, k);
    if (s->isolated[k]) {
        double patm = net->ambient.atmospheric_pressure > 0 ? net->ambient.atmospheric_pressure
                                                            : 101325.0;
        c->f[row] = (c->u[IP(s, k)] - patm) * s->m_ref / s->p_ref;
        stamp(c, row, IP(s, k), s->m_ref / s->p_ref);
        return;
    }
    double R = 0.0;
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        size_t e = s->inc_edge[q];
        R += s->inc_sign[q] * c->u[IM(s, e)];
        stamp(c, row, IM(s, e), (double)s->inc_sign[q]);
    }
    for (size_t q = s->draw_start[k]; q < s->draw_start[k + 1]; q++) {
        size_t cols[5];
        double g[5];
        R += st_draw_eval(s, c->u, s->draw_list[q], cols, g);
        for (int j = 0; j < 5; j++)
            if (cols[j] != DH_NONE) stamp(c, row, cols[j], g[j]);
    }
    for (size_t q = s->src_start[k]; q < s->src_start[k + 1]; q++) {
        size_t j = s->src_list[q];
        if (s->src_unknown[j] != DH_NONE) {
            R -= c->u[s->src_unknown[j]];
            stamp(c, row, s->src_unknown[j], -1.0);
        } else {
            R -= s->load * net->sources.mass_flow[j];
        }
    }
    c->f[row] = R;
}

/* Node mixing (J/kg): the node's enthalpy is the flow-weighted mean of its inflowing streams,
 *   R_k = h_k - (sum_i q_i h_i) / (sum_i q_i),   q_i = pos(inflow_i)
 * streams: edges entering k (q = pos(m), h = h_fwd) or leaving it (q = pos(-m), h = h_rev),
 * sources (q = pos(m_src), h = h_src). pos() > 0 always, so the mean is defined at zero flow. */
static void node_mixing(asm_ctx *c, size_t k)
{
    dh_steady *s = c->s;
    const dh_network *net = s->net;
    const double *u = c->u;
    size_t row = IH(s, k);
    if (s->isolated[k]) {
        c->f[row] = u[IH(s, k)] - s->h_ghost;
        stamp(c, row, IH(s, k), 1.0);
        return;
    }
    if (s->incompressible) {
        /* study.water = incompressible: no energy equation, R_k = h_k - h_fix (the pattern
         * keeps only the diagonal of these rows) */
        c->f[row] = u[IH(s, k)] - s->h_fix;
        stamp(c, row, IH(s, k), 1.0);
        return;
    }
    if (s->plant_src[k] != DH_NONE) {
        /* plant header: R_k = h_k - h(p_set, T_set) */
        c->f[row] = u[IH(s, k)] - s->src_h[s->plant_src[k]];
        stamp(c, row, IH(s, k), 1.0);
        return;
    }
    double N = 0.0, D = 0.0;
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        size_t e = s->inc_edge[q];
        double m = u[IM(s, e)];
        const st_edgework *w = &s->ew[e];
        double qi = s->inc_sign[q] < 0 ? st_pos(m, s->eps_mix, NULL) : st_pos(-m, s->eps_mix, NULL);
        double hi = s->inc_sign[q] < 0 ? w->h_fwd : w->h_rev;
        N += qi * hi;
        D += qi;
    }
    double hsrc_p[1] = {0};
    for (size_t q = s->src_start[k]; q < s->src_start[k + 1]; q++) {
        size_t j = s->src_list[q];
        double qi, hi;
        if (s->src_unknown[j] != DH_NONE) {
            qi = st_pos(u[s->src_unknown[j]], s->eps_mix, NULL);
            hi = s->src_h[j];
        } else {
            qi = st_pos(s->load * net->sources.mass_flow[j], s->eps_mix, NULL);
            double cp;
            hi = h_pT_checked(c, u[IP(s, k)], net->sources.temperature[j], &cp, hsrc_p);
        }
        N += qi * hi;
        D += qi;
    }
    double H = N / D;
    c->f[row] = u[IH(s, k)] - H;
    stamp(c, row, IH(s, k), 1.0);
    for (size_t q = s->inc_start[k]; q < s->inc_start[k + 1]; q++) {
        size_t e = s->inc_edge[q];
        const st_edge *E = &s->edge[e];
        double m = u[IM(s, e)];
        const st_edgework *w = &s->ew[e];
        double dq, qi;
        const double *d;
        double hi;
        if (s->inc_sign[q] < 0) {
            qi = st_pos(m, s->eps_mix, &dq);
            hi = w->h_fwd;
            d = w->d_fwd;
        } else {
            qi = st_pos(-m, s->eps_mix, &dq);
            dq = -dq;
            hi = w->h_rev;
            d = w->d_rev;
        }
        stamp(c, row, IM(s, e), -(dq * (hi - H) + qi * d[0]) / D);
        stamp(c, row, IP(s, E->a), -qi * d[1] / D);
        stamp(c, row, IH(s, E->a), -qi * d[2] / D);
        stamp(c, row, IP(s, E->b), -qi * d[3] / D);
        stamp(c, row, IH(s, E->b), -qi * d[4] / D);
        if (E->kind == ST_PIPE && E->pc != DH_NONE) {
            stamp(c, row, IP(s, E->pc), -qi * d[5] / D);
            stamp(c, row, IH(s, E->pc), -qi * d[6] / D);
            stamp(c, row, IP(s, E->pd), -qi * d[7] / D);
            stamp(c, row, IH(s, E->pd), -qi * d[8] / D);
        }
    }
    for (size_t q = s->src_start[k]; q < s->src_start[k + 1]; q++) {
        size_t j = s->src_list[q];
        if (s->src_unknown[j] != DH_NONE) {
            double dq, qi = st_pos(u[s->src_unknown[j]], s->eps_mix, &dq);
            (void)qi;
            stamp(c, row, s->src_unknown[j], -dq * (s->src_h[j] - H) / D);
        } else {
            double qi = st_pos(s->load * net->sources.mass_flow[j], s->eps_mix, NULL);
            double cp, hp;
            h_pT_checked(c, u[IP(s, k)], net->sources.temperature[j], &cp, &hp);
            stamp(c, row, IP(s, k), -qi * hp / D);
        }
    }
}

static int eval_ctx(asm_ctx *c)
{
    dh_steady *s = c->s;
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(c->u[i])) c->bad = 1;
    if (c->jac && !c->pattern) memset(s->jx, 0, s->nnz * sizeof(double));
    node_props(c);
    for (size_t e = 0; e < s->ne; e++) {
        switch (s->edge[e].kind) {
        case ST_PIPE: edge_pipe(c, e); break;
        case ST_VALVE: edge_valve(c, e); break;
        case ST_PUMP: edge_pump(c, e); break;
        case ST_CONSUMER: edge_consumer(c, e); break;
        case ST_SUBSTATION: edge_substation(c, e); break;
        }
    }
    for (size_t k = 0; k < s->nn; k++) node_mass(c, k);
    for (size_t k = 0; k < s->nn; k++) node_mixing(c, k);
    /* fixed-pressure sources (Pa): R = p_k - p_set */
    const dh_sources *src = &s->net->sources;
    for (size_t j = 0; j < src->n; j++) {
        size_t row = s->src_unknown[j];
        if (row == DH_NONE) continue;
        c->f[row] = c->u[IP(s, src->node[j])] - src->pressure[j];
        stamp(c, row, IP(s, src->node[j]), 1.0);
    }
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(c->f[i])) c->bad = 1;
    return c->bad ? 1 : 0;
}

int st_eval(dh_steady *s, const double *u, double *f, bool want_jac)
{
    asm_ctx c = {.s = s, .u = u, .f = f, .jac = want_jac};
    int r = eval_ctx(&c);
    if (want_jac && c.k != s->nstamp) return -1; /* pattern out of step: a bug */
    return r;
}

/* ---- pattern ---------------------------------------------------------------------------------- */

typedef struct key_idx {
    uint64_t key;
    size_t idx;
} key_idx;

static int cmp_key(const void *a, const void *b)
{
    const key_idx *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

dh_status st_pattern_build(dh_steady *s, dh_error *err)
{
    s->edge_wref = malloc((s->ne ? s->ne : 1) * sizeof(double));
    if (!s->edge_wref)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    for (size_t e = 0; e < s->ne; e++) s->edge_wref[e] = 1e-3;
    s->node_memo = calloc(s->nn ? s->nn : 1, sizeof *s->node_memo);
    s->edge_memo = calloc(s->ne ? s->ne : 1, sizeof *s->edge_memo);
    s->amb_memo = calloc(2 * s->ne + s->nn + 1, sizeof *s->amb_memo); /* pipe ends, nodes */
    if (!s->node_memo || !s->edge_memo || !s->amb_memo)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    asm_ctx c = {.s = s, .u = s->u_guess, .f = s->f, .pattern = true, .jac = true};
    eval_ctx(&c);
    if (c.nomem) {
        free(c.prow);
        free(c.pcol);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    }
    size_t ns = c.k, n = s->n;
    key_idx *ki = malloc((ns ? ns : 1) * sizeof *ki);
    s->slot = malloc((ns ? ns : 1) * sizeof(size_t));
    s->colptr = calloc(n + 1, sizeof(size_t));
    if (!ki || !s->slot || !s->colptr) {
        free(ki);
        free(c.prow);
        free(c.pcol);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    }
    /* ki sorted by (column, row, stamp): a counting sort by column (stable in the stamp), then
     * each column's few stamps by row (insertion sort; qsort for long columns, e.g. a return
     * header's pressure in every consumer row). O(stamps), where one qsort of all stamps was
     * ~4 % of a 10^5-pipe solve. s->colptr serves as the column counter. */
    for (size_t i = 0; i < ns; i++) s->colptr[c.pcol[i] + 1]++;
    for (size_t j = 0; j < n; j++) s->colptr[j + 1] += s->colptr[j];
    for (size_t i = 0; i < ns; i++) {
        size_t w = s->colptr[c.pcol[i]]++;
        ki[w].key = (uint64_t)c.pcol[i] * (uint64_t)n + c.prow[i];
        ki[w].idx = i;
    }
    for (size_t j = n; j > 0; j--) s->colptr[j] = s->colptr[j - 1]; /* back to the starts */
    s->colptr[0] = 0;
    for (size_t j = 0; j < n; j++) {
        size_t b0 = s->colptr[j], b1 = s->colptr[j + 1];
        if (b1 - b0 > 32) {
            qsort(ki + b0, b1 - b0, sizeof *ki, cmp_key);
            continue;
        }
        for (size_t a = b0 + 1; a < b1; a++) {
            key_idx t = ki[a];
            size_t q = a;
            for (; q > b0 && cmp_key(&ki[q - 1], &t) > 0; q--) ki[q] = ki[q - 1];
            ki[q] = t;
        }
    }
    memset(s->colptr, 0, (n + 1) * sizeof(size_t));
    size_t nnz = 0;
    for (size_t i = 0; i < ns; i++)
        if (i == 0 || ki[i].key != ki[i - 1].key) nnz++;
    s->rowind = malloc((nnz ? nnz : 1) * sizeof(size_t));
    s->jx = calloc(nnz ? nnz : 1, sizeof(double));
    if (!s->rowind || !s->jx) {
        free(ki);
        free(c.prow);
        free(c.pcol);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    }
    size_t z = 0;
    for (size_t i = 0; i < ns; i++) {
        if (i == 0 || ki[i].key != ki[i - 1].key) {
            size_t col = (size_t)(ki[i].key / n);
            s->rowind[z] = (size_t)(ki[i].key % n);
            s->colptr[col + 1]++;
            z++;
        }
        s->slot[ki[i].idx] = z - 1;
    }
    for (size_t j = 0; j < n; j++) s->colptr[j + 1] += s->colptr[j];
    s->diag_slot = malloc((n ? n : 1) * sizeof(size_t));
    s->edge_fs = malloc((s->ne ? s->ne : 1) * sizeof(double));
    if (!s->diag_slot || !s->edge_fs) {
        free(ki);
        free(c.prow);
        free(c.pcol);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "steady solver: out of memory");
    }
    for (size_t j = 0; j < n; j++) {
        s->diag_slot[j] = DH_NONE;
        for (size_t q = s->colptr[j]; q < s->colptr[j + 1]; q++)
            if (s->rowind[q] == j) s->diag_slot[j] = q;
    }
    for (size_t e = 0; e < s->ne; e++) {
        s->edge_fs[e] = s->dp_ref;
        /* momentum weights from the guess's mean densities (pipes; others unused) */
        s->edge_wref[e] = s->ew[e].rho > 0 ? 1.0 / s->ew[e].rho : 1e-3;
    }
    s->nstamp = ns;
    s->nnz = nnz;
    free(ki);
    free(c.prow);
    free(c.pcol);
    return DH_OK;
}

void st_pattern_free(dh_steady *s)
{
    free(s->node_memo);
    free(s->edge_memo);
    free(s->amb_memo);
    s->node_memo = s->edge_memo = NULL;
    s->amb_memo = NULL;
    free(s->diag_slot);
    free(s->edge_fs);
    free(s->edge_wref);
    s->diag_slot = NULL;
    s->edge_fs = NULL;
    s->edge_wref = NULL;
    free(s->slot);
    free(s->colptr);
    free(s->rowind);
    free(s->jx);
    s->slot = s->colptr = s->rowind = NULL;
    s->jx = NULL;
}

/* Momentum-row scales (docs/model.md, "Scaling"): an edge law's residual (Pa) is measured by
 * the flow error it stands for, R / |dR/dm|, relative to the design flow m_ref:
 * fs_e = max(|dR_e/dm_e| m_ref, dp_ref). With one fixed Pa scale for every edge, a DN65 service
 * pipe (dR/dm ~ 1e5 Pa s/kg) and a DN600 main (~ 1e3) weigh 100x apart in KINSOL's merit
 * function, and a Newton step that changes the branch flows by a few 10 % (a load step) is
 * rejected by the line search for its harmless quadratic term: the iteration then creeps with
 * steps of a few % (the "linear convergence" of the park case). Computed from the Jacobian at
 * the start of each Newton attempt and fixed during it (KINSOL's merit function must not change
 * within a solve). */
int st_update_scales(dh_steady *s, const double *u)
{
    int r = st_eval(s, u, s->f, true);
    s->jx_valid = false;
    if (r) return r;
    /* momentum weights: 1 / (mean density at u); a pipe row is W R_pa with W = rho wref
     * (edge_pipe), so its diagonal with the new weight is the old one x wref_new / wref_old
     * (no second evaluation) */
    for (size_t e = 0; e < s->ne; e++) {
        size_t i = 2 * s->nn + e, z = s->diag_slot[i];
        double d = z != DH_NONE ? fabs(s->jx[z]) : 0.0;
        if (s->edge[e].kind == ST_PIPE && s->ew[e].rho > 0) {
            double w = 1.0 / s->ew[e].rho;
            d *= w / s->edge_wref[e];
            s->edge_wref[e] = w;
        }
        double fs = d * s->m_ref;
        s->edge_fs[e] = isfinite(fs) && fs > s->dp_ref ? fs : s->dp_ref;
    }
    return 0;
}

/* Typical magnitudes (docs/model.md, "Scaling"): KINSOL's scaling vectors are their inverses. */
void st_scales(const dh_steady *s, size_t i, double *uscale, double *fscale)
{
    double us, fs;
    if (i < s->nn) {
        us = s->p_ref;
        fs = s->m_ref;
    } else if (i < 2 * s->nn) {
        us = s->h_ref;
        fs = s->h_ref;
    } else if (i < 2 * s->nn + s->ne) {
        us = s->m_ref;
        size_t e = i - 2 * s->nn;
        fs = s->edge[e].kind == ST_CONSUMER ? s->m_ref : s->edge_fs ? s->edge_fs[e] : s->dp_ref;
    } else {
        us = s->m_ref;
        fs = s->dp_ref;
    }
    if (uscale) *uscale = us;
    if (fscale) *fscale = fs;
}
