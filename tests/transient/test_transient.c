/* test_transient.c: the transient solver (solver/dh_transient.h) on networks built in code.
 *
 *  jacobian_*      the analytic dF/dy + cj dF/dy' against central finite differences (steam
 *                  storage and a flow-limited header; water mixing with plug outlets)
 *  water_step      a step of the inlet temperature through a water pipe against the analytic
 *                  plug-flow solution with exponential heat loss (delay, amplitude, rise time)
 *  water_wall      the same with the wall's heat capacity: energy conservation incl. the wall
 *  closed_pipe     a steam pipe closed at one end, filled at a fixed rate: stored mass against
 *                  its mass balance, pressure against an independent uniform-state integration
 *  settle          constant inputs after a load step: the run settles on dh_steady_solve's state
 *  conservation    mass and energy over a run with events, storage included
 *  line_pack       a steam main whose source becomes flow-limited: far-end pressures sag, the
 *                  ride-through times found by root finding, the time to the header minimum
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_laws.h"
#include "dh_props.h"
#include "dh_solver.h"
#include "dh_transient.h"
#include "testnets.h"

/* ---- recording outputs ---------------------------------------------------------------- */

typedef struct rec {
    size_t n, cap;
    double *t;
    double *a, *b, *c, *d; /* recorded per test */
    size_t ia, ib, ic, id; /* node / link indices recorded */
    int mode;
} rec;

static void rec_push(rec *r, double t, double a, double b, double c, double d)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->t = realloc(r->t, r->cap * sizeof(double));
        r->a = realloc(r->a, r->cap * sizeof(double));
        r->b = realloc(r->b, r->cap * sizeof(double));
        r->c = realloc(r->c, r->cap * sizeof(double));
        r->d = realloc(r->d, r->cap * sizeof(double));
    }
    r->t[r->n] = t;
    r->a[r->n] = a;
    r->b[r->n] = b;
    r->c[r->n] = c;
    r->d[r->n] = d;
    r->n++;
}

static void rec_free(rec *r)
{
    free(r->t);
    free(r->a);
    free(r->b);
    free(r->c);
    free(r->d);
}

/* mode 0: node temperature ia, link flow ib, node pressure ic, node enthalpy id
 * mode 1: node pressure ia, ib, enthalpy ic, id */
static int on_output(void *user, const dh_snapshot *s)
{
    rec *r = user;
    if (r->mode == 0)
        rec_push(r, s->time, s->node_temperature[r->ia], s->link_mass_flow[r->ib],
                 s->node_pressure[r->ic], s->node_enthalpy[r->id]);
    else
        rec_push(r, s->time, s->node_pressure[r->ia], s->node_pressure[r->ib],
                 s->node_enthalpy[r->ic], s->node_enthalpy[r->id]);
    return 0;
}

static double h_pT(double p, double T)
{
    double h = 0, a, b;
    ck_assert_int_eq(dh_props_h_pT(p, T, &h, &a, &b), DH_OK);
    return h;
}

/* ---- Jacobian --------------------------------------------------------------------------- */

/* Compares every column of dF/dy + cj dF/dy' with central differences of F in y and y', after
 * a 1 s run with the events (so that a flow limit is active) at a state perturbed off the
 * solution. The analytic Jacobian leaves out the second property derivatives times y' (d/dy
 * of drho/dp p'), so y' is kept small (1e-6 of the values per second), and the rows of the
 * integrals (their d rate/dy is left out on purpose, transient_model.c). Relative to the
 * column's largest entry: 1e-4 (the steady tests reach 2e-6; the fast property derivatives are
 * ~1e-3 relative in compressed liquid, docs/model.md). Returns the worst relative error. */
static double jac_check(dh_network *net, const dh_event *ev, size_t nev)
{
    ck_assert_ptr_nonnull(net);
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 1;
    o.events = ev;
    o.n_events = nev;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_steady(tr, NULL, &err), DH_OK);
    ck_assert_int_eq(dh_transient_run(tr, NULL, &err), DH_OK);
    dh_steady *ss = NULL;
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &ss, &err), DH_OK);
    size_t n_phys = dh_steady_size(ss);
    dh_steady_destroy(&ss);
    size_t n = dh_transient_size(tr), nnz = dh_transient_nnz(tr);
    ck_assert_uint_gt(n, n_phys);
    double *y = malloc(n * sizeof *y), *yp = calloc(n, sizeof *yp), *f0 = malloc(n * sizeof *f0),
           *f1 = malloc(n * sizeof *f1), *f2 = malloc(n * sizeof *f2), *v = malloc(nnz * sizeof *v),
           *col = malloc(n * sizeof *col), *an = malloc(n * sizeof *an);
    size_t *cp = malloc((n + 1) * sizeof *cp), *ri = malloc(nnz * sizeof *ri);
    memcpy(y, dh_transient_state(tr), n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        y[i] *= 1.0 + 1e-3 * sin(1.0 + i);
        yp[i] = 1e-6 * y[i] * cos(2.0 + i);
    }
    double cj = 0.37;
    ck_assert_int_eq(dh_transient_eval(tr, 1.0, y, yp, cj, f0, cp, ri, v), DH_OK);
    double worst = 0;
    for (size_t j = 0; j < n; j++) {
        double h = 1e-7 * fmax(fabs(y[j]), 1e-3);
        double yj = y[j], ypj = yp[j];
        y[j] = yj + h;
        dh_transient_eval(tr, 1.0, y, yp, cj, f1, NULL, NULL, NULL);
        y[j] = yj - h;
        dh_transient_eval(tr, 1.0, y, yp, cj, f2, NULL, NULL, NULL);
        y[j] = yj;
        for (size_t i = 0; i < n; i++) col[i] = (f1[i] - f2[i]) / (2 * h);
        double hp = 1e-7 * fmax(fabs(ypj), 1.0);
        yp[j] = ypj + hp;
        dh_transient_eval(tr, 1.0, y, yp, cj, f1, NULL, NULL, NULL);
        yp[j] = ypj - hp;
        dh_transient_eval(tr, 1.0, y, yp, cj, f2, NULL, NULL, NULL);
        yp[j] = ypj;
        for (size_t i = 0; i < n; i++) {
            col[i] += cj * (f1[i] - f2[i]) / (2 * hp);
            an[i] = 0.0;
        }
        for (size_t z = cp[j]; z < cp[j + 1]; z++) an[ri[z]] = v[z];
        double big = 0;
        for (size_t i = 0; i < n_phys; i++) big = fmax(big, fmax(fabs(col[i]), fabs(an[i])));
        for (size_t i = 0; i < n_phys; i++) {
            double e = fabs(col[i] - an[i]) / fmax(big, 1e-300);
            if (e > worst) worst = e;
            if (e > 1e-4)
                fprintf(stderr, "jacobian: row %zu col %zu fd %.6g analytic %.6g\n", i, j, col[i],
                        an[i]);
        }
    }
    free(y);
    free(yp);
    free(f0);
    free(f1);
    free(f2);
    free(v);
    free(col);
    free(an);
    free(cp);
    free(ri);
    dh_transient_destroy(&tr);
    ck_assert_ptr_null(tr);
    dh_network_destroy(&net);
    return worst;
}

START_TEST(jacobian_steam)
{
    /* steam branch, storage at every node, the header flow-limited at 4 of 4.5 kg/s */
    dh_event ev = {.time = 0, .kind = DH_EVENT_SOURCE_MAX_FLOW, .index = 0, .value = 4.0};
    ck_assert_double_lt(jac_check(tn_steam_branch(), &ev, 1), 1e-4);
}
END_TEST

START_TEST(jacobian_water)
{
    /* water ring with consumers: the mixing rows with the plug outlets of the water pipes */
    ck_assert_double_lt(jac_check(tn_water_loop(), NULL, 0), 1e-4);
}
END_TEST

/* ---- water pipe: temperature step ------------------------------------------------------- */

/* Water pipe A -> B, DN100 (inner 0.1 m, outer 0.108 m), 1000 m, 30 mm mineral wool
 * (0.04 W/(m K)), above ground with a surface coefficient of 10 W/(m2 K), air at 5 degC
 * (testnets.c). Plant header S1 at A: 6 bar abs, 80 degC; S2 at B: 5.5 bar abs (takes the
 * flow). */
static dh_network *water_pipe(void)
{
    dh_netbuild *b = tn_begin();
    tn_node(b, "A", 0);
    tn_node(b, "B", 0);
    tn_source_p(b, "S1", "A", DH_MEDIUM_WATER, 6e5, TN_C0 + 80);
    tn_source_p(b, "S2", "B", DH_MEDIUM_WATER, 5.5e5, TN_C0 + 50);
    tn_pipe(b, "P", "A", "B", 1000, 0.1, 4.5e-5, 0.03, 0);
    return tn_finish(b);
}

static void water_step_run(bool wall, rec *r, dh_transient_stats *st, double *m0, double *rho0)
{
    dh_network *net = water_pipe();
    ck_assert_ptr_nonnull(net);
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 2600;
    o.output_interval = 1.0;
    o.transport_step = 2.0; /* s: 0.2 % of the ~1000 s delay */
    o.rtol = 1e-8;
    o.wall_heat_capacity = wall;
    dh_event ev = {.time = 100, .kind = DH_EVENT_SOURCE_TEMPERATURE, .index = 0,
                   .value = TN_C0 + 90};
    o.events = &ev;
    o.n_events = 1;
    o.output = on_output;
    o.user = r;
    r->mode = 0;
    r->ia = 1; /* node B temperature */
    r->ib = 0; /* link P */
    r->ic = 0;
    r->id = 1;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_steady(tr, NULL, &err), DH_OK);
    const double *y = dh_transient_state(tr);
    *m0 = y[2 * 2]; /* the pipe's flow: unknown 2 nn + 0 (nn = 2 nodes) */
    dh_ph_state ps;
    ck_assert_int_eq(dh_props_ph_fast(0.5 * (y[0] + y[1]), 0.5 * (y[2] + y[3]), 0, &ps), DH_OK);
    *rho0 = ps.rho;
    dh_status s = dh_transient_run(tr, st, &err);
    if (s) fprintf(stderr, "%s\n", err.message);
    ck_assert_int_eq(s, DH_OK);
    ck_assert_uint_le(dh_transient_n_plugs(tr), (size_t)o.max_plugs);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}

/* first time (linear interpolation between outputs) at which x crosses level upwards */
static double crossing(const rec *r, const double *x, double level, double after)
{
    for (size_t i = 1; i < r->n; i++)
        if (r->t[i - 1] >= after && x[i - 1] < level && x[i] >= level)
            return r->t[i - 1] + (level - x[i - 1]) / (x[i] - x[i - 1]) * (r->t[i] - r->t[i - 1]);
    return NAN;
}

START_TEST(water_step)
{
    rec r = {0};
    dh_transient_stats st;
    double m0, rho0;
    water_step_run(false, &r, &st, &m0, &rho0);
    fprintf(stderr, "water_step: %ld steps, %ld reinits, %.3f s wall\n", st.steps, st.reinits,
            st.seconds);
    /* reference (plug flow, incompressible at the initial mean density, the solver's
     * assumption): the front leaves the pipe when the outflow since the step equals the pipe's
     * mass rho A L: integrate the recorded flow (trapezoid) */
    double A = M_PI * 0.1 * 0.1 / 4, Mp = rho0 * A * 1000.0;
    double cum = 0, t_arr = NAN;
    for (size_t i = 1; i < r.n; i++) {
        if (r.t[i] <= 100.0) continue;
        double dm = 0.5 * (r.b[i] + r.b[i - 1]) * (r.t[i] - fmax(r.t[i - 1], 100.0));
        if (cum + dm >= Mp) {
            t_arr = r.t[i - 1] + (Mp - cum) / dm * (r.t[i] - r.t[i - 1]);
            break;
        }
        cum += dm;
    }
    ck_assert(isfinite(t_arr));
    double tau = t_arr - 100.0;
    /* outlet temperatures before and after (steady on both sides of the front) */
    double T0 = r.a[90], T1 = r.a[r.n - 1];
    /* analytic amplitude: T_out - T_amb = (T_in - T_amb) exp(-u' L / (m cp)) for a step of
     * 10 K at the inlet: dT_out = 10 K exp(-u' L / (m cp)) (docs/model-pipes.md; e.g. Incropera
     * & DeWitt, eq. 8.46b). u' from the series resistances per metre (ISO 12241 eq. 7-10):
     * steel wall ln(Do/Di)/(2 pi 50), wool ln(Dins/Do)/(2 pi 0.04), surface 1/(pi Dins 10);
     * cp of water at 85 degC, 6 bar: 4201 J/(kg K) (IF97). */
    double Di = 0.1, Do = 0.108, Dins = Do + 0.06;
    double Rw = log(Do / Di) / (2 * M_PI * 50), Ri = log(Dins / Do) / (2 * M_PI * 0.04),
           Rs = 1.0 / (M_PI * Dins * 10.0);
    double up = 1.0 / (Rw + Ri + Rs);
    double hA = h_pT(6e5, TN_C0 + 85.0), hB = h_pT(6e5, TN_C0 + 85.01);
    double cp = (hB - hA) / 0.01;
    double m_end = r.b[r.n - 1];
    double amp_ref = 10.0 * exp(-up * 1000.0 / (m_end * cp));
    double amp = T1 - T0;
    fprintf(stderr, "water_step: tau %.2f s (L rho A/m0 %.2f s), amplitude %.5f K (ref %.5f)\n",
            tau, Mp / m0, amp, amp_ref);
    ck_assert_double_lt(fabs(amp - amp_ref) / amp_ref, 0.01);
    /* delay: the 50 % crossing of the outlet against the plug-flow arrival, within 1 % */
    double t50 = crossing(&r, r.a, T0 + 0.5 * amp, 101.0);
    double t10 = crossing(&r, r.a, T0 + 0.1 * amp, 101.0);
    double t90 = crossing(&r, r.a, T0 + 0.9 * amp, 101.0);
    fprintf(stderr, "water_step: delay %.2f s, 10-90 %% rise %.2f s\n", t50 - 100.0, t90 - t10);
    ck_assert_double_lt(fabs((t50 - 100.0) - tau) / tau, 0.01);
    /* rise time well under 5 % of the delay: the front is one transport step (2 s) wide, 0.2 %
     * of the delay; a first-order upwind finite-volume scheme with 100 cells would give ~
     * 2.6 sqrt(tau / 100) ... 25 % */
    ck_assert_double_lt(t90 - t10, 0.01 * tau);
    /* energy conservation over the run (plugs store, heat lost to the air) */
    fprintf(stderr, "water_step: energy balance %.3g, mass %.3g\n", st.energy_balance_rel,
            st.mass_balance_rel);
    ck_assert_double_lt(st.energy_balance_rel, 1e-9);
    ck_assert_double_lt(st.mass_balance_rel, 1e-9);
    rec_free(&r);
}
END_TEST

START_TEST(water_wall)
{
    /* with the steel wall (C = 7850 x 480 x pi/4 (0.108^2 - 0.1^2) = 5.0 kJ/(m K), 12 % of the
     * water's 41 kJ/(m K)): the front is damped by the wall's mixing volume, time constant
     * M_w / m; the final amplitude is unchanged and energy (water + wall + loss) closes */
    rec r = {0};
    dh_transient_stats st;
    double m0, rho0;
    water_step_run(true, &r, &st, &m0, &rho0);
    double T0 = r.a[90], T1 = r.a[r.n - 1];
    double Mw = 7850.0 * 480.0 * M_PI / 4 * (0.108 * 0.108 - 0.01) * 1000.0 / 4200.0;
    double lag = Mw / m0;
    double t10 = crossing(&r, r.a, T0 + 0.1 * (T1 - T0), 101.0);
    double t90 = crossing(&r, r.a, T0 + 0.9 * (T1 - T0), 101.0);
    fprintf(stderr, "water_wall: lag %.1f s, 10-90 %% rise %.1f s (ln 9 lag = %.1f s); energy "
                    "%.3g\n",
            lag, t90 - t10, log(9.0) * lag, st.energy_balance_rel);
    /* a first-order lag rises 10-90 % in ln(9) x its time constant (within the 2 s step) */
    ck_assert_double_lt(fabs((t90 - t10) - log(9.0) * lag), 0.03 * log(9.0) * lag + 4.0);
    ck_assert_double_lt(st.energy_balance_rel, 1e-9);
    rec_free(&r);
}
END_TEST

/* ---- closed steam pipe ----------------------------------------------------------------- */

/* (p, h) of a uniform state with mass M and internal energy U in volume V: rho(p, h) = M/V,
 * h - p/rho = U/M, Newton on IF97 from the given (p, h). */
static void solve_uniform(double V, double M, double U, double *pp, double *hh)
{
    double p = *pp, h = *hh, rho_t = M / V, u_t = U / M;
    for (int it = 0; it < 50; it++) {
        dh_ph_state q;
        ck_assert_int_eq(dh_props_ph_fast(p, h, 0, &q), DH_OK);
        double F1 = q.rho - rho_t, F2 = h - p / q.rho - u_t;
        double a11 = q.drho_dp, a12 = q.drho_dh;
        double a21 = -1.0 / q.rho + p / (q.rho * q.rho) * q.drho_dp,
               a22 = 1.0 + p / (q.rho * q.rho) * q.drho_dh;
        double det = a11 * a22 - a12 * a21;
        double dp = (F1 * a22 - F2 * a12) / det, dh = (a11 * F2 - a21 * F1) / det;
        p -= dp;
        h -= dh;
        if (fabs(dp) < 1e-6 * p && fabs(dh) < 1e-6) break;
    }
    *pp = p;
    *hh = h;
}

START_TEST(closed_pipe)
{
    /* DN200, 500 m, one segment (nodes A and B hold half the volume each), closed at B; steam
     * fed at A at 0.05 kg/s and 250 degC from t = 0; starts at 5 bar abs, 200 degC, at rest.
     * Adiabatic (heat loss 0, no wall): the pipe is a closed vessel being filled.
     * Mass balance: M(t) = M0 + m_in t with M = V/2 (rho_A + rho_B), rho from IF97 at the
     * computed states (to IDA's tolerance: 1e-7 relative with rtol 1e-9).
     * Independent integration: uniform state, M(t) above, U(t) = U0 + m_in h_in t
     * (d(M u)/dt = m_in h_in, first law for an adiabatic rigid vessel being filled, e.g.
     * Cengel & Boles, sec. 5-5), (p, h) from (M/V, U/M) by Newton on IF97; the pressure of
     * the solver within 0.1 % (its two nodes hold steam of different enthalpy: the inflow
     * mixes at A, B is compressed only; for an ideal gas p V = (gamma - 1) U whatever the
     * distribution, so only the real-gas departure of steam at 5-11 bar remains). */
    dh_netbuild *b = tn_begin();
    tn_node(b, "A", 0);
    tn_node(b, "B", 0);
    tn_source_m(b, "FEED", "A", DH_MEDIUM_STEAM, 0.0, TN_C0 + 250);
    tn_pipe(b, "P", "A", "B", 500, 0.2, 4.5e-5, 0.0, 1);
    dh_network *net = tn_finish(b);
    ck_assert_ptr_nonnull(net);
    double p0 = 5e5, h0 = h_pT(p0, TN_C0 + 200), m_in = 0.05;
    dh_snapshot *snap = NULL;
    ck_assert_int_eq(dh_snapshot_create(net, &snap), 0);
    for (size_t k = 0; k < 2; k++) {
        snap->node_pressure[k] = p0;
        snap->node_enthalpy[k] = h0;
    }
    snap->link_mass_flow[0] = 0;
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 600;
    o.output_interval = 60;
    o.rtol = 1e-9;
    o.heat_loss_scale = 0.0;
    o.wall_heat_capacity = false;
    dh_event ev = {.time = 0, .kind = DH_EVENT_SOURCE_FLOW, .index = 0, .value = m_in};
    o.events = &ev;
    o.n_events = 1;
    rec r = {0};
    r.mode = 1;
    r.ia = 0;
    r.ib = 1;
    r.ic = 0;
    r.id = 1;
    o.output = on_output;
    o.user = &r;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_snapshot(tr, snap, &err), DH_OK);
    double V = M_PI * 0.2 * 0.2 / 4 * 500;
    ck_assert_double_eq_tol(dh_transient_node_volume(tr, 0) + dh_transient_node_volume(tr, 1), V,
                            1e-9 * V);
    dh_transient_stats st;
    dh_status s = dh_transient_run(tr, &st, &err);
    if (s) fprintf(stderr, "%s\n", err.message);
    ck_assert_int_eq(s, DH_OK);
    ck_assert_uint_eq(r.n, 11);
    dh_ph_state s0;
    ck_assert_int_eq(dh_props_ph_fast(p0, h0, 0, &s0), DH_OK);
    double M0 = V * s0.rho, U0 = M0 * h0 - p0 * V;
    /* independent state (uniform): M, U and its (p, h); dU/dt = m_in h_in(p), the feed at
     * 250 degC and the vessel's pressure, integrated with Heun's method at 1 s steps */
    double p = p0, h = h0, M = M0, U = U0, tt = 0.0;
    for (size_t i = 0; i < r.n; i++) {
        dh_ph_state sa, sb;
        ck_assert_int_eq(dh_props_ph_fast(r.a[i], r.c[i], 0, &sa), DH_OK);
        ck_assert_int_eq(dh_props_ph_fast(r.b[i], r.d[i], 0, &sb), DH_OK);
        double Ms = 0.5 * V * (sa.rho + sb.rho), Mref = M0 + m_in * r.t[i];
        ck_assert_double_lt(fabs(Ms - Mref) / Mref, 1e-6);
        while (tt < r.t[i] - 1e-9) {
            double dt = fmin(1.0, r.t[i] - tt);
            double k1 = m_in * h_pT(p, TN_C0 + 250);
            double M2 = M + m_in * dt, U2 = U + k1 * dt;
            solve_uniform(V, M2, U2, &p, &h);
            double k2 = m_in * h_pT(p, TN_C0 + 250);
            M = M2;
            U = U + 0.5 * (k1 + k2) * dt;
            solve_uniform(V, M, U, &p, &h);
            tt += dt;
        }
        double pm = 0.5 * (r.a[i] + r.b[i]);
        if (i == r.n - 1)
            fprintf(stderr, "closed_pipe: t %.0f s: p %.1f Pa (uniform-state %.1f Pa), M %.4f kg "
                            "(balance %.4f kg)\n",
                    r.t[i], pm, p, Ms, Mref);
        ck_assert_double_lt(fabs(pm - p) / p, 1e-3);
    }
    /* the pressure rose: 30 kg into 15.7 m3 holding 37 kg: about +4 bar over 10 min */
    ck_assert_double_gt(r.a[r.n - 1], p0 + 3e5);
    ck_assert_double_lt(st.mass_balance_rel, 1e-7);
    ck_assert_double_lt(st.energy_balance_rel, 1e-7);
    rec_free(&r);
    dh_snapshot_destroy(&snap);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}
END_TEST

/* ---- settling on the steady state --------------------------------------------------------- */

static int keep_last(void *user, const dh_snapshot *s)
{
    dh_snapshot *last = user;
    memcpy(last->node_pressure, s->node_pressure, s->n_nodes * sizeof(double));
    memcpy(last->node_enthalpy, s->node_enthalpy, s->n_nodes * sizeof(double));
    memcpy(last->link_mass_flow, s->link_mass_flow, s->n_links * sizeof(double));
    last->time = s->time;
    return 0;
}

START_TEST(settle)
{
    /* the steam branch at full load, then every demand ramps to 80 % over 10 min; after 12 h of
     * constant inputs the state is the steady solution at 80 % (dh_steady_solve with load 0.8)
     * to the solver tolerances: pressures, enthalpies and flows (relative to the design flow)
     * within 1e-8 (IDA rtol 1e-9, steady tolerance 1e-10). The slowest mode is thermal: the
     * wall of the DN80 branch (0.8 MJ/K per node) against 0.4 kg/s of steam, time constants
     * of ~20 min with the heat loss; after 3 h the difference was still 3e-6 */
    dh_network *net = tn_steam_branch();
    ck_assert_ptr_nonnull(net);
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 12 * 3600;
    o.output_interval = 3600;
    o.rtol = 1e-9;
    dh_event ev[3];
    for (size_t c = 0; c < 3; c++)
        ev[c] = (dh_event){.time = 60, .kind = DH_EVENT_CONSUMER_DEMAND, .index = c,
                           .value = 0.8 * net->consumers.demand_mass_flow[c], .duration = 600};
    o.events = ev;
    o.n_events = 3;
    dh_snapshot *last = NULL, *ss = NULL;
    ck_assert_int_eq(dh_snapshot_create(net, &last), 0);
    ck_assert_int_eq(dh_snapshot_create(net, &ss), 0);
    o.output = keep_last;
    o.user = last;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_steady(tr, NULL, &err), DH_OK);
    dh_transient_stats st;
    ck_assert_int_eq(dh_transient_run(tr, &st, &err), DH_OK);
    ck_assert_double_eq(last->time, o.t_end);
    dh_steady *s = NULL;
    ck_assert_int_eq(dh_steady_create(net, &study, NULL, &s, &err), DH_OK);
    dh_steady_set_load(s, 0.8);
    ck_assert_int_eq(dh_steady_solve(s, ss, NULL, &err), DH_OK);
    double ep = 0, eh = 0, em = 0;
    for (size_t k = 0; k < net->nodes.n; k++) {
        ep = fmax(ep, fabs(last->node_pressure[k] - ss->node_pressure[k]) / ss->node_pressure[k]);
        eh = fmax(eh, fabs(last->node_enthalpy[k] - ss->node_enthalpy[k]) / ss->node_enthalpy[k]);
    }
    for (size_t l = 0; l < net->links.n; l++)
        em = fmax(em, fabs(last->link_mass_flow[l] - ss->link_mass_flow[l]) / 4.5);
    fprintf(stderr, "settle: max rel. error p %.3g, h %.3g, flow %.3g; %ld steps, %.3f s\n", ep,
            eh, em, st.steps, st.seconds);
    ck_assert_double_lt(ep, 1e-8);
    ck_assert_double_lt(eh, 1e-8);
    ck_assert_double_lt(em, 1e-8);
    dh_steady_destroy(&s);
    dh_snapshot_destroy(&last);
    dh_snapshot_destroy(&ss);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}
END_TEST

/* ---- conservation ------------------------------------------------------------------------- */

START_TEST(conservation)
{
    /* the steam branch with heat loss and wall capacity through a demand step down, a header
     * pressure ramp and a step back: stored mass and energy (steam V (rho h - p) + wall C T)
     * change by exactly the integrated in- and outflows and losses. The storage uses the
     * non-conservative (p, h) form, so the balance closes to the integration error: with
     * rtol 1e-8 below 1e-7 of the throughput */
    dh_network *net = tn_steam_branch();
    ck_assert_ptr_nonnull(net);
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 3600;
    o.output_interval = 300;
    o.rtol = 1e-8;
    dh_event ev[] = {
        {.time = 100, .kind = DH_EVENT_CONSUMER_DEMAND, .index = 0, .value = 1.0},
        {.time = 600, .kind = DH_EVENT_SOURCE_PRESSURE, .index = 0, .value = 11e5,
         .duration = 300},
        {.time = 1800, .kind = DH_EVENT_CONSUMER_DEMAND, .index = 0, .value = 3.5},
    };
    o.events = ev;
    o.n_events = 3;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_steady(tr, NULL, &err), DH_OK);
    dh_transient_stats st;
    dh_status s = dh_transient_run(tr, &st, &err);
    if (s) fprintf(stderr, "%s\n", err.message);
    ck_assert_int_eq(s, DH_OK);
    double dM = st.mass_stored_change, bal = st.mass_in - st.mass_out;
    double dE = st.energy_stored_change, ebal = st.energy_in - st.energy_out - st.energy_loss;
    fprintf(stderr, "conservation: dM %.6g kg vs %.6g kg (rel %.3g); dE %.6g J vs %.6g J (rel "
                    "%.3g); %ld steps %.3f s\n",
            dM, bal, st.mass_balance_rel, dE, ebal, st.energy_balance_rel, st.steps, st.seconds);
    /* the storage changed (the pressure rose by 1 bar: tens of kg of line pack) */
    ck_assert_double_gt(fabs(dM), 10.0);
    ck_assert_double_lt(st.mass_balance_rel, 1e-7);
    ck_assert_double_lt(st.energy_balance_rel, 1e-7);
    /* and relative to the storage change itself */
    ck_assert_double_lt(fabs(dM - bal) / fabs(dM), 1e-4);
    ck_assert_double_lt(fabs(dE - ebal) / fabs(dE), 1e-3);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}
END_TEST

/* ---- line pack ------------------------------------------------------------------------------ */

typedef struct lp_rec {
    rec r;
    size_t far, near;
} lp_rec;

static int lp_output(void *user, const dh_snapshot *s)
{
    lp_rec *l = user;
    rec_push(&l->r, s->time, s->node_pressure[0], s->node_pressure[l->near],
             s->node_pressure[l->far], s->source_mass_flow[0]);
    return 0;
}

START_TEST(line_pack)
{
    /* a small steam main: header S (10 bar abs, 220 degC) -> 3 km DN300 -> J -> 2 km DN250 -> F;
     * consumers at J (4 kg/s, min 7 bar abs) and F (4 kg/s, min 6.5 bar abs). At t = 60 s the
     * plant becomes flow-limited at 6.5 kg/s (a boiler trip), below the 8 kg/s demand: the header
     * pressure falls as the line pack drains, and the consumers' delivery pressures sag below
     * their minimum after minutes. Checks: the header held its set point before and is at its
     * limit after; pressures fall monotonically; the ride-through times found by IDA's root
     * finding agree with the crossings of the 10 s outputs (within one output interval); F
     * (farther, lower minimum) and J cross in the order of their margins. Hand estimate: the
     * mains hold 310 m3 of steam at ~4.5 kg/m3, 1400 kg; the pressures must fall by ~1-2 bar
     * (10-20 % of that mass, 140-280 kg) at a deficit of 1.5 kg/s: one to three minutes */
    dh_netbuild *b = tn_begin();
    tn_node(b, "S", 0);
    tn_node(b, "J", 0);
    tn_node(b, "F", 0);
    tn_source_p(b, "PLANT", "S", DH_MEDIUM_STEAM, 10e5, TN_C0 + 220);
    tn_pipe(b, "M1", "S", "J", 3000, 0.3, 4.5e-5, 0.08, 0);
    tn_pipe(b, "M2", "J", "F", 2000, 0.25, 4.5e-5, 0.08, 0);
    dh_consumer_spec c;
    dh_error err;
    dh_consumer_spec_init(&c);
    c.id = "KJ";
    c.group = "";
    c.node = "J";
    c.type = DH_CONSUMER_STEAM;
    c.demand_mass_flow = 4.0;
    c.min_pressure = 7e5;
    dh_netbuild_add_consumer(b, &c, &err);
    c.id = "KF";
    c.node = "F";
    c.min_pressure = 6.5e5;
    dh_netbuild_add_consumer(b, &c, &err);
    dh_network *net = tn_finish(b);
    ck_assert_ptr_nonnull(net);
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 1800;
    o.output_interval = 10;
    dh_event ev = {.time = 60, .kind = DH_EVENT_SOURCE_MAX_FLOW, .index = 0, .value = 6.5};
    o.events = &ev;
    o.n_events = 1;
    lp_rec l = {.far = 2, .near = 1};
    o.output = lp_output;
    o.user = &l;
    dh_transient *tr = NULL;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_OK);
    ck_assert_int_eq(dh_transient_init_steady(tr, NULL, &err), DH_OK);
    dh_transient_stats st;
    dh_status s = dh_transient_run(tr, &st, &err);
    if (s) fprintf(stderr, "%s\n", err.message);
    ck_assert_int_eq(s, DH_OK);
    const double *ride = dh_transient_ride_through(tr);
    double pmin, tmin;
    dh_transient_source_min_pressure(tr, 0, &pmin, &tmin);
    fprintf(stderr, "line_pack: ride-through KJ %.1f s, KF %.1f s; header min %.0f Pa after "
                    "%.0f s; %ld steps, %.3f s wall\n",
            ride[0], ride[1], pmin, tmin, st.steps, st.seconds);
    ck_assert_double_eq_tol(l.r.a[0], 10e5, 1.0);
    ck_assert_double_gt(l.r.d[0], 8.0 - 1e-3); /* the plant delivered the whole demand */
    ck_assert_double_eq_tol(l.r.d[l.r.n - 1], 6.5, 1e-3); /* then its limit */
    for (size_t i = 7; i < l.r.n; i++) ck_assert_double_le(l.r.c[i], l.r.c[i - 1] + 1.0);
    for (int k = 0; k < 2; k++) {
        ck_assert(isfinite(ride[k]));
        ck_assert_double_gt(ride[k], 30.0); /* line pack carries them for minutes */
        ck_assert_double_lt(ride[k], 600.0);
        const double *x = k == 0 ? l.r.b : l.r.c;
        double pm = k == 0 ? 7e5 : 6.5e5, tc = NAN;
        for (size_t i = 1; i < l.r.n; i++)
            if (x[i - 1] >= pm && x[i] < pm) {
                tc = l.r.t[i - 1] + (x[i - 1] - pm) / (x[i - 1] - x[i]) * 10.0;
                break;
            }
        ck_assert(isfinite(tc));
        ck_assert_double_lt(fabs(ride[k] + 60.0 - tc), 10.0);
    }
    /* the header falls to its lowest at the end of the run (still draining at 30 min or at the
     * atmospheric floor of the consumers' delivery ramps) */
    ck_assert_double_lt(pmin, 10e5 - 1e5);
    ck_assert_double_gt(tmin, 0.0);
    rec_free(&l.r);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}
END_TEST

/* ---- errors ---------------------------------------------------------------------------------- */

START_TEST(bad_events)
{
    dh_network *net = tn_steam_branch();
    dh_study study = {0};
    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = 10;
    dh_event ev = {.time = 1, .kind = DH_EVENT_SOURCE_FLOW, .index = 0, .value = 1};
    o.events = &ev;
    o.n_events = 1;
    dh_transient *tr = NULL;
    dh_error err;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_ERR_INPUT);
    ck_assert_ptr_null(tr);
    ck_assert_ptr_nonnull(strstr(err.message, "not a fixed-flow source"));
    ev.kind = DH_EVENT_CONSUMER_DEMAND;
    ev.index = 7;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "out of range"));
    o.n_events = 0;
    o.t_end = 0;
    ck_assert_int_eq(dh_transient_create(net, &study, &o, &tr, &err), DH_ERR_INPUT);
    dh_transient_destroy(&tr);
    dh_network_destroy(&net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transient");
    TCase *u = tcase_create("unit");
    tcase_add_test(u, jacobian_steam);
    tcase_add_test(u, jacobian_water);
    tcase_add_test(u, bad_events);
    suite_add_tcase(s, u);
    TCase *v = tcase_create("validation");
    tcase_set_timeout(v, 600);
    tcase_add_test(v, water_step);
    tcase_add_test(v, water_wall);
    tcase_add_test(v, closed_pipe);
    tcase_add_test(v, settle);
    tcase_add_test(v, conservation);
    tcase_add_test(v, line_pack);
    suite_add_tcase(s, v);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
