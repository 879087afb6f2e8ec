/* series.c: the quasi-steady series study: one warm-started steady solve (+ plant dispatch) per
 * time step. Contract and per-step algorithm: dh_series.h; docs/model.md "Series".
 *
 * Exports dh_series_options_init, dh_series_run. Callers: cli/run_series.c, tests/series,
 * bench. Works on a private copy of the network (dh_network_with_source with the source as it
 * is) whose consumer demands and ambient air it rewrites each step; the steady solver borrows
 * that copy, so its pattern and KLU symbolic analysis stay those of the first step. It reaches
 * into the solver's internals (steady_internal.h) for two things only: the per-edge ambient of
 * above-ground pipes (cached by layout.c) and restoring the last good state after a failed
 * step. No I/O; every array is allocated before the first step.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dh_plant_couple.h"
#include "dh_props.h"
#include "dh_series.h"
#include "steady_internal.h"

void dh_series_options_init(dh_series_options *opt)
{
    memset(opt, 0, sizeof *opt);
    dh_steady_options_init(&opt->steady);
    opt->steady.continuation = true;
    opt->predict = DH_SERIES_PREDICT_SECANT;
    opt->n1_check = true;
    opt->power_mode = DH_POWER_HEAT_LED;
}

/* Newton iterations of a warm-started step before it is solved cold: from a good prediction
 * Newton converges in 2-4; a warm start that has not converged in 4 is one whose residual falls
 * slowly (a branch switching off or on), and the cold solve (6-7 iterations on the park) is then
 * cheaper. Measured on the park year (docs/loads.md, "Series"): budget 8 -> 5.8 iterations per
 * step, 4 -> 4.9. */
#define WARM_BUDGET 4
#define JUMP 0.1 /* relative change of a consumer's demand (of its design value) that is a jump */
/* A step whose demands jump (a shift change) starts from the solution of the same hour of one
 * of the last seven days whose demands were closest to this step's, if within JUMP (the daily
 * and weekly schedules repeat): warm from there in 2-3 Newton iterations instead of a cold
 * solve of 7-8 (docs/loads.md "Series: speed"). The states of the last week are kept while they
 * take at most WEEK_BYTES. */
#define WEEK_BYTES ((size_t)64 << 20)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Outdoor air of every above-ground pipe's segments (buried pipes see the soil). */
static void set_air(dh_steady *s, dh_network *work, double air)
{
    work->ambient.air_temperature = air;
    const dh_network *net = s->net;
    for (size_t l = 0; l < net->links.n; l++) {
        if (net->links.kind[l] != DH_LINK_PIPE) continue;
        if (net->pipes.laying[net->links.index[l]] != DH_LAYING_ABOVE_GROUND) continue;
        for (unsigned g = 0; g < s->link_nseg[l]; g++) s->edge[s->link_edge0[l] + g].t_amb = air;
    }
}

/* Demands of the step into the work network (water: the case's volume or mass demand scaled
 * by value / design). */
static void set_demands(dh_network *work, const dh_network *net, const double *d)
{
    const dh_consumers *co = &net->consumers;
    dh_consumers *w = &work->consumers;
    for (size_t i = 0; i < co->n; i++) {
        switch (co->type[i]) {
        case DH_CONSUMER_HEAT: w->demand_heat[i] = d[i]; break;
        case DH_CONSUMER_STEAM: w->demand_mass_flow[i] = d[i]; break;
        default: {
            bool vol = co->demand_volume_flow && co->demand_volume_flow[i] > 0;
            double design = vol ? co->demand_volume_flow[i] : co->demand_mass_flow[i];
            double f = design > 0 ? d[i] / design : 0.0;
            if (vol)
                w->demand_volume_flow[i] = f * co->demand_volume_flow[i];
            else
                w->demand_mass_flow[i] = f * co->demand_mass_flow[i];
        }
        }
    }
}

static void unmet_sums(const dh_network *net, const dh_snapshot *r, double *steam, double *heat)
{
    *steam = *heat = 0;
    for (size_t c = 0; c < net->consumers.n; c++) {
        if (net->consumers.type[c] == DH_CONSUMER_HEAT)
            *heat += r->consumer_unmet[c];
        else
            *steam += r->consumer_unmet[c];
    }
}

dh_status dh_series_run(const dh_network *net, const dh_study *study, const dh_loads *loads,
                        size_t t0, size_t n_steps, size_t step_hours,
                        const dh_plant_params *plant, size_t src, const dh_series_options *opt_in,
                        dh_series_step_fn fn, void *user, dh_series_stats *stats,
                        dh_error *err)
{
    dh_series_options defaults;
    dh_series_options_init(&defaults);
    const dh_series_options *opt = opt_in ? opt_in : &defaults;
    dh_series_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    stats->first_failed = SIZE_MAX;
    dh_error_clear(err);
    if (net->sources.n == 0)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "series: the network has no source");
    if (step_hours == 0) step_hours = 1;
    if (plant && (src >= net->sources.n || net->sources.type[src] != DH_SOURCE_FIXED_PRESSURE ||
                  net->sources.medium[src] != DH_MEDIUM_STEAM))
        return dh_error_set(err, DH_ERR_INPUT, NULL, "plant",
                            "the plant's header must be a fixed-pressure steam source");

    const size_t nc = net->consumers.n;
    dh_network *work = NULL;
    dh_steady *s = NULL;
    dh_snapshot *snap = NULL;
    double *demand = NULL, *x_prev = NULL, *x_cur = NULL, *x_new = NULL, *scale = NULL;
    double *u_prev = NULL, *u_good = NULL;
    double *u_day = NULL, *x_day = NULL; /* the solutions of the last `period` steps (a week),
                                            by step modulo period */
    bool *have_day = NULL;
    size_t period = 0;
    dh_status st;

    /* the private copy: the same network with source 0 as it is */
    dh_source_spec ss;
    dh_source_spec_init(&ss);
    ss.type = net->sources.type[0];
    ss.medium = net->sources.medium[0];
    ss.pressure = net->sources.pressure[0];
    ss.temperature = net->sources.temperature[0];
    ss.mass_flow = net->sources.mass_flow[0];
    if ((st = dh_network_with_source(net, 0, &ss, &work, err)) != DH_OK) goto out;
    if ((st = dh_steady_create(work, study, &opt->steady, &s, err)) != DH_OK) goto out;
    const dh_steady_options full = s->opt; /* as resolved by the solver (tolerance, budget) */
    if (dh_snapshot_create(work, &snap) != DH_OK) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto out;
    }
    const size_t n = dh_steady_size(s), nx = nc + 1;
    demand = calloc(nc + 1, sizeof *demand);
    x_prev = calloc(nx, sizeof *x_prev);
    x_cur = calloc(nx, sizeof *x_cur);
    x_new = calloc(nx, sizeof *x_new);
    scale = calloc(nx, sizeof *scale);
    u_prev = calloc(n ? n : 1, sizeof *u_prev);
    u_good = calloc(n ? n : 1, sizeof *u_good);
    if (!demand || !x_prev || !x_cur || !x_new || !scale || !u_prev || !u_good) {
        st = dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto out;
    }
    if (24 % step_hours == 0 && n_steps > 24 / step_hours &&
        (168 / step_hours) * (n + nx) * sizeof(double) <= WEEK_BYTES) {
        period = 168 / step_hours;
        u_day = malloc(period * n * sizeof *u_day);
        x_day = malloc(period * nx * sizeof *x_day);
        have_day = calloc(period, sizeof *have_day);
        if (!u_day || !x_day || !have_day) period = 0; /* an optimisation only */
    }
    /* input scales of the predictor: each consumer's design demand, 10 K of air */
    for (size_t i = 0; i < nc; i++) {
        const dh_consumers *co = &net->consumers;
        double d = co->type[i] == DH_CONSUMER_HEAT    ? co->demand_heat[i]
                   : co->type[i] == DH_CONSUMER_STEAM ? co->demand_mass_flow[i]
                   : (co->demand_volume_flow && co->demand_volume_flow[i] > 0)
                       ? co->demand_volume_flow[i]
                       : co->demand_mass_flow[i];
        scale[i] = d > 0 ? 1.0 / d : 0.0;
    }
    scale[nc] = 0.1;

    /* the plant's header state (its enthalpy above the feedwater: the energy balance) */
    double p_set = plant ? net->sources.pressure[src] : 0, T_set = plant ? net->sources.temperature[src] : 0;
    double h_header = 0, h_feed = 0;
    if (plant) {
        dh_props w;
        if ((st = dh_props_pT(plant->prds.spray_pressure, plant->prds.spray_temperature, &w,
                              err)) != DH_OK ||
            (st = dh_props_pT(p_set, T_set, &w, err)) != DH_OK)
            goto out;
        h_header = w.h;
        dh_props_pT(plant->prds.spray_pressure, plant->prds.spray_temperature, &w, err);
        h_feed = w.h;
    }
    dh_plant_couple_options popt;
    dh_plant_couple_options_init(&popt);
    popt.steady = opt->steady;
    popt.n1_check = false; /* the N-1 verdict comes from the dispatch; no N-1 network solve */
    popt.power_mode = opt->power_mode;
    popt.power_target = opt->power_target;

    int n_good = 0; /* good states held: 0, 1 (u_good), 2 (u_good and u_prev) */
    double t_loop = now();
    for (size_t k = 0; k < n_steps; k++) {
        size_t t = t0 + k * step_hours;
        double air = dh_loads_air_temperature(loads, t);
        dh_loads_demand(loads, t, demand);
        set_demands(work, net, demand);
        set_air(s, work, air);
        for (size_t i = 0; i < nc; i++) x_new[i] = demand[i] * scale[i];
        x_new[nc] = air * scale[nc];

        /* predictor from the last two good states */
        double *u = dh_steady_unknowns(s);
        if (n_good >= 1) {
            double w = 0.0;
            if (n_good >= 2 && opt->predict == DH_SERIES_PREDICT_LINEAR) {
                w = 1.0;
            } else if (n_good >= 2 && opt->predict == DH_SERIES_PREDICT_SECANT) {
                double num = 0, den = 0;
                for (size_t i = 0; i < nx; i++) {
                    double a = x_new[i] - x_cur[i], b = x_cur[i] - x_prev[i];
                    num += a * b;
                    den += b * b;
                }
                w = den > 1e-24 ? fmin(fmax(num / den, 0.0), 1.5) : 0.0;
            }
            /* pressures and flows extrapolated; node enthalpies held at the last good state:
             * near a branch that slows down or stops they move along exp(-UA r / |m|) (the
             * arrival, docs/model.md), and a linear extrapolation overshoots them (measured on
             * the park year: 5.65 -> 4.64 Newton iterations per step in June, 4.95 -> 4.33 in
             * November, 3.58 -> 3.19 in January, budget 4) */
            for (size_t i = 0; i < n; i++) {
                bool enthalpy = i >= s->nn && i < 2 * s->nn;
                u[i] = enthalpy ? u_good[i] : u_good[i] + w * (u_good[i] - u_prev[i]);
            }
            s->have_solution = true;
        }

        dh_solve_stats sst;
        dh_plant_coupling cpl;
        bool have_cpl = false;
        double t_solve = now();
        /* warm solve on a short budget: from a good prediction Newton converges in 2-4
         * iterations; a step that jumps (a shift change) and does not converge within
         * WARM_BUDGET is cheaper solved cold (the built-in guess and the solver's staged
         * strategy, ~7 iterations on the park) than by a long warm Newton that may fail */
        int iterations = 0;
        bool ok = false;
        /* a step whose demands jump (a shift change: some consumer's demand moves by more
         * than JUMP of its design value) is solved cold at once: from the last state its warm
         * Newton does not converge within the budget (measured on the park year: hours 06:00
         * and 22:00 every day, 0.2-0.4 iterations per step saved) */
        double jump = 0.0;
        for (size_t i = 0; i < nc; i++) jump = fmax(jump, fabs(x_new[i] - x_cur[i]));
        bool warm = n_good >= 1;
        if (warm && jump > JUMP) {
            /* the same hour of the last seven days whose demands were closest to this step's */
            size_t slot = 0;
            double dday = HUGE_VAL;
            for (size_t d = 1; period && d <= 7 && d * (24 / step_hours) <= k; d++) {
                size_t q = (k - d * (24 / step_hours)) % period;
                if (!have_day[q]) continue;
                double dq = 0.0;
                for (size_t i = 0; i < nc && dq < dday; i++)
                    dq = fmax(dq, fabs(x_new[i] - x_day[q * nx + i]));
                if (dq < dday) dday = dq, slot = q;
            }
            if (dday <= JUMP) {
                memcpy(u, u_day + slot * n, n * sizeof *u);
                s->have_solution = true;
            } else {
                warm = false;
                stats->cold_starts++;
                dh_steady_reset_guess(s);
            }
        }
        if (warm) {
            s->opt.max_iterations = WARM_BUDGET;
            s->opt.continuation = false;
            /* the scales of the last attempt (one Jacobian evaluation less per step) */
            s->opt.keep_scales = true;
            st = dh_steady_solve(s, snap, &sst, err);
            s->opt = full;
            iterations += sst.iterations;
            ok = st == DH_OK;
            if (!ok) {
                stats->cold_starts++;
                dh_steady_reset_guess(s);
            }
        }
        if (!ok) {
            st = dh_steady_solve(s, snap, &sst, err);
            iterations += sst.iterations;
            ok = st == DH_OK;
        }
        if (ok && plant) {
            double draw = fmax(snap->source_mass_flow[src], 0);
            dh_plant_demand d = {p_set, T_set, draw, opt->power_mode, opt->power_target};
            memset(&cpl, 0, sizeof cpl);
            st = dh_plant_dispatch(plant, &d, &cpl.plant, err);
            ok = st == DH_OK;
            if (ok && cpl.plant.unmet_steam > 1e-6 * fmax(draw, 1.0)) {
                /* the plant is short: the full coupling (flow-limited header), cold */
                stats->plant_limited++;
                st = dh_plant_couple(work, study, plant, src, &popt, snap, NULL, &cpl, err);
                ok = st == DH_OK;
                iterations += cpl.stats.iterations;
                sst = cpl.stats;
                /* N-1 from the dispatch at the set pressure (as the unlimited case) */
                dh_plant_result first;
                if (ok && dh_plant_dispatch(plant, &d, &first, err) == DH_OK) {
                    cpl.n1_boiler = first.n1_boiler;
                    cpl.n1_capacity = first.n1_capacity;
                    cpl.n1_checked = opt->n1_check && first.n1_boiler >= 0;
                    cpl.n1_margin = first.n1_capacity - cpl.demand;
                    cpl.n1_holds = cpl.n1_margin >= 0;
                }
            } else if (ok) {
                cpl.source = src;
                cpl.set_pressure = p_set;
                cpl.set_temperature = T_set;
                cpl.demand = draw;
                cpl.demand_binding = cpl.plant.binding;
                cpl.header_pressure = p_set;
                cpl.header_flow = snap->source_mass_flow[src];
                unmet_sums(net, snap, &cpl.unmet_steam, &cpl.unmet_heat);
                cpl.stats = sst;
                cpl.network_solves = 1;
                cpl.h_feedwater = h_feed;
                cpl.mass_balance = cpl.plant.header_flow - cpl.header_flow;
                cpl.energy_balance = cpl.plant.heat_supplied - cpl.header_flow * (h_header - h_feed);
                cpl.n1_boiler = cpl.plant.n1_boiler;
                cpl.n1_capacity = cpl.plant.n1_capacity;
                cpl.n1_checked = opt->n1_check && cpl.plant.n1_boiler >= 0;
                cpl.n1_margin = cpl.plant.n1_capacity - draw;
                cpl.n1_holds = cpl.n1_margin >= 0;
            }
            have_cpl = ok;
        }
        double dt_solve = now() - t_solve;
        stats->solve_seconds += dt_solve;
        stats->steps++;
        stats->iterations += iterations;
        if (iterations > stats->max_iterations) {
            stats->max_iterations = iterations;
            stats->max_iterations_step = k;
        }
        if (ok) {
            /* shift the good states: u_prev <- u_good <- solution */
            double *tmp = u_prev;
            u_prev = u_good;
            u_good = tmp;
            memcpy(u_good, dh_steady_unknowns(s), n * sizeof *u_good);
            tmp = x_prev, x_prev = x_cur, x_cur = tmp;
            memcpy(x_cur, x_new, nx * sizeof *x_cur);
            if (n_good < 2) n_good++;
            if (n_good == 1) { /* no secant yet: the next predictor uses w = 0 */
                memcpy(u_prev, u_good, n * sizeof *u_prev);
                memcpy(x_prev, x_cur, nx * sizeof *x_prev);
            }
            if (period) {
                size_t slot = k % period;
                memcpy(u_day + slot * n, u_good, n * sizeof *u_day);
                memcpy(x_day + slot * nx, x_new, nx * sizeof *x_day);
                have_day[slot] = true;
            }
        } else {
            stats->failed++;
            if (stats->first_failed == SIZE_MAX) stats->first_failed = k;
        }
        snap->time = (double)k * (double)step_hours * 3600.0;
        if (fn) {
            dh_series_step step = {k, n_steps, t, snap->time, air, demand, ok, snap, &sst,
                                   have_cpl ? &cpl : NULL, iterations, dt_solve};
            int r = fn(user, &step);
            if (r) {
                stats->seconds = now() - t_loop;
                st = dh_error_set(err, DH_ERR_USAGE, NULL, NULL, "series stopped at step %zu", k);
                goto out;
            }
        }
        dh_error_clear(err);
    }
    stats->seconds = now() - t_loop;
    st = DH_OK;
out:
    free(demand), free(x_prev), free(x_cur), free(x_new), free(scale);
    free(u_prev), free(u_good);
    free(u_day), free(x_day), free(have_day);
    dh_snapshot_destroy(&snap);
    dh_steady_destroy(&s);
    dh_network_destroy(&work);
    return st;
}
