/* transient_plug.c: temperature transport in water pipes by a Lagrangian plug-flow method.
 *
 * Each water pipe holds a queue of plugs (mass m_i, specific enthalpy h_i) that fills it
 * (sum m_i = rho A L, constant: water is incompressible here). Over a transport interval dt the
 * mass that entered at the upstream end (the integral of pos(m) over the interval, from IDA's
 * quadratures) is pushed in as a new plug at the mixed enthalpy it carried, and the same mass
 * leaves at the downstream end: the "pipe-segment queue" / node method of district-heating
 * tools (Benonysson 1991; Palsson, Madsen & Sogaard 1999, "Equivalent models of district
 * heating systems"; van der Heijde et al. 2017, Energy Convers. Manag. 151, 158-169, the plug
 * flow pipe of the Modelica IBPSA library). There is no numerical diffusion: a front stays one
 * plug boundary wide; the only smearing is the quantisation of arrival times to the interval.
 *
 * Heat loss: every plug cools exponentially with its residence time,
 *   d(h - h_amb)/dt = -k (h - h_amb),  k = UA r / M_pipe,  r = (T - T_amb)/(h - h_amb) (1/cp),
 * the Lagrangian form of m c dT/dx = -u' (T - T_amb) (docs/model-pipes.md), so that a plug
 * that stays M_pipe/m seconds leaves with the steady outlet state exp(-UA r / m) of the
 * steady solver. Plugs in the pipe during the whole interval decay by exp(-k dt); plugs that
 * enter or leave during it by exp(-k dt/2) (their mean stay).
 * Wall heat capacity: lumped at the outlet as a mixing volume of the wall's heat capacity
 * (van der Heijde et al. 2017, sec. 2.3; IBPSA PlugFlowPipe): M_w dh_w/dt = m (h_plug - h_w),
 * M_w = C_wall / cp, solved exactly over the interval (constant inflow to it).
 *
 * Coupling with IDA: over an interval the arrival enthalpies of a pipe at its ends (h_fwd at
 * b, h_rev at a) are frozen (tr_plug_prepare: the mean of what leaves over the interval at the
 * flow at its start), and the nodes' algebraic mixing rows use them (transient_model.c). At the
 * end (tr_plug_advance) the queue moves with the integrated flows; the small difference between
 * what actually left the queue and what the nodes received (frozen value x integrated flow) is
 * put back into the pipe's outlet plug or wall, so the network's energy balance stays exact.
 * Cost: the plug count is bounded (opt.max_plugs; adjacent plugs closer than opt.plug_merge_dT
 * merge, and a full queue merges its closest pair), so the cost per simulated hour is constant.
 *
 * Exports (transient_internal.h): tr_plug_*. Caller: transient_ida.c, transient_model.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transient_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define STEEL_RHO 7850.0 /* kg/m3 (transient_model.c) */
#define STEEL_CP 480.0   /* J/(kg K) */

static unsigned cap_of(const dh_transient *T)
{
    return (unsigned)T->opt.max_plugs;
}

static tr_plug *at(const dh_transient *T, tr_pipeq *q, unsigned i)
{
    /* head < cap and i < cap: one conditional subtraction instead of a division */
    unsigned j = q->head + i, cap = cap_of(T);
    return &q->buf[j >= cap ? j - cap : j];
}

/* exp(-0.5 k_loss dt) of queue q, kept for the last dt (the transport intervals are equal but
 * for the short ones after events) */
static double half_decay(tr_pipeq *q, double dt)
{
    if (dt != q->dt_decay) {
        q->dt_decay = dt;
        q->f_half = exp(-0.5 * q->k_loss * dt);
    }
    return q->f_half;
}

/* exp(-a) for the wall of queue q, kept for the last a (held hydraulics: the same flow and
 * interval, so the same a, from interval to interval) */
static double wall_exp(tr_pipeq *q, double a)
{
    if (a != q->a_wall) {
        q->a_wall = a;
        q->e_wall = exp(-a);
    }
    return q->e_wall;
}

/* Merges the adjacent pair (i, i+1) whose merge changes the content least (mass-weighted
 * enthalpy variance m_i m_j / (m_i + m_j) (h_i - h_j)^2). */
static void merge_closest(const dh_transient *T, tr_pipeq *q)
{
    if (q->count < 2) return;
    unsigned best = 0;
    double bv = HUGE_VAL;
    for (unsigned i = 0; i + 1 < q->count; i++) {
        tr_plug *a = at(T, q, i), *b = at(T, q, i + 1);
        double d = a->h - b->h;
        double v = a->m * b->m / (a->m + b->m + 1e-300) * d * d;
        if (v < bv) {
            bv = v;
            best = i;
        }
    }
    tr_plug *a = at(T, q, best), *b = at(T, q, best + 1);
    double m = a->m + b->m;
    a->h = m > 0 ? (a->m * a->h + b->m * b->h) / m : a->h;
    a->m = m;
    /* shift the plugs after best + 1 down by one */
    for (unsigned i = best + 1; i + 1 < q->count; i++) *at(T, q, i) = *at(T, q, i + 1);
    q->count--;
}

/* Pushes a plug at end a (front) or b (back), merging it into its neighbour when their
 * enthalpies are within the tolerance. */
static void push(const dh_transient *T, tr_pipeq *q, bool front, double m, double h)
{
    if (!(m > 0)) return;
    if (q->count > 0) {
        tr_plug *nb = front ? at(T, q, 0) : at(T, q, q->count - 1);
        if (fabs(nb->h - h) <= T->h_tol || m < 1e-12 * q->mass) {
            nb->h = (nb->m * nb->h + m * h) / (nb->m + m);
            nb->m += m;
            return;
        }
    }
    if (q->count == cap_of(T)) merge_closest(T, q);
    unsigned cap = cap_of(T);
    if (front) {
        q->head = (q->head + cap - 1) % cap;
        q->buf[q->head] = (tr_plug){m, h};
    } else {
        q->buf[(q->head + q->count) % cap] = (tr_plug){m, h};
    }
    q->count++;
}

/* Removes mass M from end b (from_b) or a; returns the energy removed with the factor f
 * applied to (h - h_amb) of every piece; *got = the mass actually removed (< M when the queue
 * empties). */
static double pop(const dh_transient *T, tr_pipeq *q, bool from_b, double M, double f, double *got)
{
    double E = 0.0, left = M;
    while (left > 0 && q->count > 0) {
        tr_plug *p = from_b ? at(T, q, q->count - 1) : at(T, q, 0);
        double take = fmin(left, p->m);
        E += take * (q->h_amb + (p->h - q->h_amb) * f);
        left -= take;
        p->m -= take;
        if (p->m <= 1e-12 * q->mass) {
            if (from_b) q->count--;
            else {
                q->head = (q->head + 1) % cap_of(T);
                q->count--;
            }
        }
    }
    *got = M - fmax(left, 0.0);
    return E;
}

/* Mean enthalpy of the first M kg at end b / a without removing them, factor f on (h - h_amb);
 * beyond the queue's content: h_extra. */
static double peek(const dh_transient *T, tr_pipeq *q, bool from_b, double M, double f,
                   double h_extra)
{
    double E = 0.0, left = M;
    for (unsigned i = 0; i < q->count && left > 0; i++) {
        const tr_plug *p = from_b ? at(T, q, q->count - 1 - i) : at(T, q, i);
        double take = fmin(left, p->m);
        E += take * (q->h_amb + (p->h - q->h_amb) * f);
        left -= take;
    }
    if (left > 0) E += left * (q->h_amb + (h_extra - q->h_amb) * f);
    return E / M;
}

dh_status tr_plug_build(dh_transient *T, dh_error *err)
{
    dh_steady *s = T->s;
    size_t nq = 0;
    for (size_t e = 0; e < s->ne; e++)
        if (T->water_pipe_edge[e]) nq++;
    T->nq = nq;
    if (nq == 0) return DH_OK;
    unsigned cap = cap_of(T);
    T->q = calloc(nq, sizeof *T->q);
    T->plug_pool = calloc(nq * cap, sizeof *T->plug_pool);
    if (!T->q || !T->plug_pool)
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "transient solver: out of memory");
    size_t i = 0;
    for (size_t e = 0; e < s->ne; e++) {
        if (!T->water_pipe_edge[e]) continue;
        T->edge_q[e] = i;
        T->q[i].edge = e;
        T->q[i].buf = T->plug_pool + i * cap;
        T->q[i].dt_decay = T->q[i].a_wall = NAN; /* caches empty */
        i++;
    }
    return DH_OK;
}

void tr_plug_free(dh_transient *T)
{
    free(T->q);
    free(T->plug_pool);
    T->q = NULL;
    T->plug_pool = NULL;
    T->nq = 0;
}

/* Per-pipe constants from a state (mean density, heat capacity, ambient enthalpy). */
static void pipe_constants(dh_transient *T, tr_pipeq *q, const double *y, double *cp_out)
{
    dh_steady *s = T->s;
    const dh_network *net = T->net;
    const st_edge *E = &s->edge[q->edge];
    size_t nn = s->nn;
    double pm = 0.5 * (y[E->a] + y[E->b]), hm = 0.5 * (y[nn + E->a] + y[nn + E->b]);
    dh_ph_state st;
    double rho = 1000.0, T_m = 350.0, cp = 4186.0;
    if (st_props_ph(pm, hm, 0, &st) == DH_OK && st.rho > 0) {
        rho = st.rho;
        T_m = st.T;
        cp = st.dT_dh > 0 ? 1.0 / st.dT_dh : cp;
    }
    double L = net->pipes.length[E->comp];
    q->mass = rho * E->hyd.area * L;
    double h_amb = 0, a, b;
    double Ta = E->t_amb;
    if (dh_props_h_pT(pm, fmax(Ta, 273.16), &h_amb, &a, &b) != DH_OK) h_amb = 4186.0 * (Ta - 273.15);
    if (Ta < 273.16) h_amb += a * (Ta - 273.16);
    q->h_amb = h_amb;
    /* secant 1/c between the mean state and the ambient (as the steady arrival) */
    double r = fabs(hm - h_amb) > 1.0 ? (T_m - Ta) / (hm - h_amb) : 1.0 / cp;
    if (!(r > 0)) r = 1.0 / cp;
    q->k_loss = E->ua * T->opt.heat_loss_scale * r / q->mass;
    q->dt_decay = NAN; /* half_decay's cache belonged to the old k_loss */
    double di = net->pipes.diameter[E->comp], dout = net->pipes.outer_diameter[E->comp];
    double C = T->opt.wall_heat_capacity && dout > di
                   ? STEEL_RHO * STEEL_CP * M_PI / 4 * (dout * dout - di * di) * L
                   : 0.0;
    q->m_wall = C / cp;
    *cp_out = cp;
}

void tr_plug_init(dh_transient *T, const double *y)
{
    dh_steady *s = T->s;
    size_t nn = s->nn;
    unsigned nplug = cap_of(T) / 2 > 1 ? cap_of(T) / 2 : 1;
    for (size_t i = 0; i < T->nq; i++) {
        tr_pipeq *q = &T->q[i];
        const st_edge *E = &s->edge[q->edge];
        double cp;
        pipe_constants(T, q, y, &cp);
        double m = y[2 * nn + q->edge];
        bool fwd = m >= 0;
        double h_in = fwd ? y[nn + E->a] : y[nn + E->b];
        double ms = sqrt(m * m + s->eps_mix * s->eps_mix);
        q->head = 0;
        q->count = 0;
        q->loss = 0.0;
        /* the steady profile: plug j (from the inlet) holds mass M/n whose residence times run
         * from j M/(n ms) to (j+1) M/(n ms); its mean of exp(-k t) over that span */
        double dm = q->mass / nplug, kt = q->k_loss * dm / ms;
        double f_plug = kt > 1e-12 ? (1.0 - exp(-kt)) / kt : 1.0;
        double h_out = h_in;
        for (unsigned j = 0; j < nplug; j++) {
            double h = q->h_amb + (h_in - q->h_amb) * exp(-kt * j) * f_plug;
            q->buf[q->count++] = (tr_plug){dm, h};
            h_out = q->h_amb + (h_in - q->h_amb) * exp(-kt * nplug);
        }
        if (!fwd) { /* reverse the order: the inlet is end b */
            for (unsigned j = 0; j < q->count / 2; j++) {
                tr_plug t = q->buf[j];
                q->buf[j] = q->buf[q->count - 1 - j];
                q->buf[q->count - 1 - j] = t;
            }
        }
        q->h_wall = h_out;
        q->h_fwd = fwd ? h_out : h_in;
        q->h_rev = fwd ? h_in : h_out;
    }
}

void tr_plug_prepare(dh_transient *T, const double *y, double dt)
{
    dh_steady *s = T->s;
    size_t nn = s->nn;
    for (size_t i = 0; i < T->nq; i++) {
        tr_pipeq *q = &T->q[i];
        const st_edge *E = &s->edge[q->edge];
        double m = y[2 * nn + q->edge];
        double M = fmax(fabs(m) * dt, 1e-9 * q->mass);
        double f_half = half_decay(q, dt);
        double hb = peek(T, q, true, M, f_half, y[nn + E->a]);
        double ha = peek(T, q, false, M, f_half, y[nn + E->b]);
        if (q->m_wall > 0) {
            /* mean over the interval of the wall's mixing state fed at the plug outlet */
            double a = fabs(m) * dt / q->m_wall;
            double g = a > 1e-12 ? (1.0 - wall_exp(q, a)) / a : 1.0;
            if (m >= 0) hb = hb + (q->h_wall - hb) * g;
            else ha = ha + (q->h_wall - ha) * g;
        }
        q->h_fwd = hb;
        q->h_rev = ha;
    }
}

static double content(const dh_transient *T, tr_pipeq *q)
{
    double E = q->m_wall * q->h_wall;
    for (unsigned j = 0; j < q->count; j++) {
        const tr_plug *p = at(T, q, j);
        E += p->m * p->h;
    }
    return E;
}

/* Takes mass M_in out at the end opposite to its inlet (in_at_a: out at b); returns the energy
 * that left (before the wall; pieces decayed over half the interval) and the mass that passes
 * straight through because the pipe held less (*rest, at the inlet enthalpy h_in). */
static double take_out(dh_transient *T, tr_pipeq *q, bool in_at_a, double M_in, double h_in,
                       double f_half, double *rest)
{
    *rest = 0.0;
    if (!(M_in > 0)) return 0.0;
    double got;
    double E_out = pop(T, q, in_at_a, M_in, f_half, &got);
    *rest = M_in - got;
    if (*rest > 0) E_out += *rest * (q->h_amb + (h_in - q->h_amb) * f_half);
    return E_out;
}

void tr_plug_advance(dh_transient *T, const double *y, const double *qp, double dt)
{
    (void)y;
    for (size_t i = 0; i < T->nq; i++) {
        tr_pipeq *q = &T->q[i];
        const double *Q = qp + TQP_N * i;
        double E0 = content(T, q);
        double A = Q[TQP_A], B = Q[TQP_B];
        bool fwd = A >= B;
        /* out first (both ends), then the plugs that stayed decay over the whole interval, then
         * the new plugs come in (decayed over half of it) */
        double f_half = half_decay(q, dt), f_full = f_half * f_half;
        double hA_in = A > 0 ? Q[TQP_EA] / A : 0.0, hB_in = B > 0 ? Q[TQP_EB] / B : 0.0;
        double restA, restB;
        double Eb = take_out(T, q, true, A, hA_in, f_half, &restA);
        double Ea = take_out(T, q, false, B, hB_in, f_half, &restB);
        for (unsigned j = 0; j < q->count; j++) {
            tr_plug *p = at(T, q, j);
            p->h = q->h_amb + (p->h - q->h_amb) * f_full;
        }
        if (fwd) {
            push(T, q, false, B - restB, q->h_amb + (hB_in - q->h_amb) * f_half);
            push(T, q, true, A - restA, q->h_amb + (hA_in - q->h_amb) * f_half);
        } else {
            push(T, q, true, A - restA, q->h_amb + (hA_in - q->h_amb) * f_half);
            push(T, q, false, B - restB, q->h_amb + (hB_in - q->h_amb) * f_half);
        }
        double Mo = fwd ? A : B, Eo = fwd ? Eb : Ea;
        double dw = 0.0; /* J, heat taken up by the wall */
        if (q->m_wall > 0 && Mo > 0) {
            double ho = Eo / Mo, hw0 = q->h_wall;
            q->h_wall = ho + (hw0 - ho) * wall_exp(q, Mo / q->m_wall);
            dw = q->m_wall * (q->h_wall - hw0);
        }
        /* the decay of the plugs: E0 + E_in - (what left the queue) - E1, the wall's share
         * being inside both contents */
        double E_in = Q[TQP_EA] + Q[TQP_EB];
        double D_true = Ea + Eb - dw; /* delivered to the end nodes by the queue and wall */
        double E1 = content(T, q);
        double lost_true = E0 + E_in - D_true - E1;
        /* what the end nodes received in IDA: the frozen arrivals x the integrated flows; the
         * difference stays in the pipe (wall, or the outlet plug), so that the pipe ends with
         * E0 + E_in - R - lost exactly */
        double R = q->h_fwd * A + q->h_rev * B;
        double mismatch = D_true - R;
        if (q->m_wall > 0) q->h_wall += mismatch / q->m_wall;
        else if (q->count > 0) {
            tr_plug *p = fwd ? at(T, q, q->count - 1) : at(T, q, 0);
            p->h += mismatch / p->m;
        }
        q->loss = dt > 0 ? lost_true / dt : 0.0;
        T->plug_loss += lost_true;
    }
}

double tr_plug_energy(const dh_transient *T)
{
    double E = 0.0;
    for (size_t i = 0; i < T->nq; i++) E += content(T, &T->q[i]);
    return E;
}

double tr_plug_mass(const dh_transient *T)
{
    double M = 0.0;
    for (size_t i = 0; i < T->nq; i++) M += T->q[i].mass;
    return M;
}

size_t tr_plug_count(const dh_transient *T)
{
    size_t n = 0;
    for (size_t i = 0; i < T->nq; i++) n += T->q[i].count;
    return n;
}
