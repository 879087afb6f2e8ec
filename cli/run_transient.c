/* run_transient.c: `dhsim run` of a transient study (study.type: transient): the case's events
 * -> the solver's dh_event array, the initial state from the steady solve (coupled with the
 * plant when the case has one), the integration (solver/dh_transient.h) with one row of every
 * [time, element] dataset per output time (dh_out_append; the XDMF sidecar then has one grid
 * per output time), the transient summary (postproc/dh_transient_summary.h) on stdout and in
 * /results/transient.
 *
 * Plant events (docs/transient.md "Events from the case file"): a `boiler_trip` (or
 * `boiler_return`) sets the header source's max flow to the plant's deliverable header flow
 * with the boilers now in service: dh_plant_dispatch's capacity at the header set pressure and
 * temperature. The plant behind the header is not integrated in time: its capacity steps at the
 * event (documented simplification). With a plant, the run also starts with the header limited
 * to the capacity of the boilers in service (a max-flow event at t = 0), so a demand rise beyond
 * the plant makes the header flow-limited as in the steady coupling.
 *
 * Checkpoints (docs/transient.md "Checkpoints and restart"): with study.checkpoint > 0 the
 * solver hands a checkpoint to on_checkpoint at every multiple of it, written atomically to
 * --checkpoint FILE (default OUT.ckpt, or CASE.ckpt without -o) with the case file's SHA-256
 * and a fingerprint of the run's inputs (network values after --set, events, study options).
 * --restart FILE sets the run up as usual (steady initial state, events), then continues from
 * the checkpoint; a checkpoint of another case (SHA-256 or fingerprint differ) is refused, exit 2.
 *
 * Progress on stderr when it is a terminal and the run takes more than 0.3 s: one line, a bar
 * with simulated time, elapsed and ETA, at most ten updates a second.
 * Exports dh_run_transient (dh_cli.h). Called by cmd_run.c.
 * Exit: 0 the run reached its end; 1 the initial steady solve or the integration failed (the
 * outputs up to the failure are written), or the results could not be written; 2 bad input.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dh_case.h"
#include "dh_checkpoint.h"
#include "dh_cli.h"
#include "dh_output.h"
#include "dh_plant_couple.h"
#include "dh_transient.h"
#include "dh_transient_summary.h"

#ifndef DHSIM_VERSION
#define DHSIM_VERSION "unknown"
#endif

static const char *const event_word[] = {"boiler_trip",        "boiler_return",   "source_pressure",
                                         "source_temperature", "source_max_flow", "source_flow",
                                         "demand_step",        "demand_ramp",     "valve"};

typedef struct trun_ctx {
    const dh_case *c;
    dh_out *o;
    const char *ckpt_path;    /* where checkpoints go (NULL: none) */
    dh_checkpoint_meta ckpt_meta;
    bool ckpt_failed, verbose;
    size_t n_ckpt;
    dh_error werr; /* first write error */
    bool write_failed;
    size_t n_out;
    bool tty, shown;
    struct timespec t0;
    double last;
    double *hour_cpu;  /* CPU seconds per simulated hour (-v: first and last printed) */
    size_t n_hours, hour;
    double cpu_mark;   /* process CPU time at the start of the current hour */
} trun_ctx;

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static int on_output(void *user, const dh_snapshot *snap)
{
    trun_ctx *x = user;
    x->n_out++;
    if (x->o && !x->write_failed && dh_out_append(x->o, snap, NULL, &x->werr) != DH_OK)
        x->write_failed = true;
    return 0;
}

static int on_checkpoint(void *user, const dh_transient_checkpoint *cp)
{
    trun_ctx *x = user;
    dh_error e;
    dh_error_clear(&e);
    if (dh_checkpoint_write(x->ckpt_path, cp, &x->ckpt_meta, &e) != DH_OK) {
        if (!x->ckpt_failed) { /* once: the run goes on without checkpoints */
            dh_error_print(&e, stderr);
            fprintf(stderr, "dhsim run: warning: checkpoint not written; the run continues\n");
        }
        x->ckpt_failed = true;
        return 0;
    }
    x->n_ckpt++;
    if (x->verbose)
        fprintf(stderr, "checkpoint at t = %.6g s written to %s\n", cp->time, x->ckpt_path);
    return 0;
}

/* FNV-1a (64 bit) over raw bytes: the fingerprint of the run's inputs (not cryptographic: it
 * guards against restarting with other --set values, the case file itself has its SHA-256). */
static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ULL;
    }
}

static void fnv_d(uint64_t *h, const double *v, size_t n)
{
    if (v) fnv(h, v, n * sizeof *v);
}

/* Hex digest of what the run depends on besides the case file's bytes: sizes, pipe geometry,
 * consumer demands and limits, source set points, valve openings, ambient, the solver events
 * and the study options. Not study.duration (a restart may run further than the first run:
 * the trajectory up to the old end does not depend on it) nor study.checkpoint. */
static void fingerprint(const dh_case *c, const dh_event *ev, size_t nev, char out[17])
{
    const dh_network *n = c->net;
    const dh_transient_spec *ts = &c->transient;
    uint64_t h = 1469598103934665603ULL;
    size_t sz[] = {n->nodes.n, n->links.n, n->pipes.n, n->consumers.n, n->sources.n, n->valves.n,
                   nev};
    fnv(&h, sz, sizeof sz);
    fnv_d(&h, n->pipes.length, n->pipes.n);
    fnv_d(&h, n->pipes.diameter, n->pipes.n);
    fnv_d(&h, n->pipes.roughness, n->pipes.n);
    fnv_d(&h, n->consumers.demand_mass_flow, n->consumers.n);
    fnv_d(&h, n->consumers.demand_heat, n->consumers.n);
    fnv_d(&h, n->consumers.min_pressure, n->consumers.n);
    fnv_d(&h, n->sources.pressure, n->sources.n);
    fnv_d(&h, n->sources.temperature, n->sources.n);
    fnv_d(&h, n->sources.mass_flow, n->sources.n);
    fnv_d(&h, n->valves.opening, n->valves.n);
    fnv(&h, &n->ambient, sizeof n->ambient);
    for (size_t i = 0; i < nev; i++) {
        double e[5] = {ev[i].time, (double)ev[i].kind, (double)ev[i].index, ev[i].value,
                       ev[i].duration};
        fnv_d(&h, e, 5);
    }
    double o[4] = {ts->output_interval, ts->rtol, ts->atol, ts->max_step};
    fnv_d(&h, o, 4);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void on_progress(void *user, double t, double t_end)
{
    trun_ctx *x = user;
    if (x->hour_cpu) {
        /* the cost of each simulated hour (does it grow over the run?) */
        size_t hr = (size_t)(t / 3600.0 * (1 + 1e-12));
        if (hr > x->hour && x->hour < x->n_hours) {
            double c = cpu_now();
            x->hour_cpu[x->hour] = c - x->cpu_mark;
            x->cpu_mark = c;
            x->hour = hr;
        }
    }
    if (!x->tty) return;
    double w = since(&x->t0);
    if (w < 0.3) return; /* short runs: no bar */
    if (w - x->last < 0.1 && t < t_end) return;
    x->last = w;
    x->shown = true;
    double frac = t_end > 0 ? fmin(fmax(t / t_end, 0.0), 1.0) : 1.0;
    char bar[31];
    int nb = (int)(frac * 30.0 + 0.5);
    for (int i = 0; i < 30; i++) bar[i] = i < nb ? '#' : '.';
    bar[30] = '\0';
    double eta = frac > 0 ? w / frac * (1.0 - frac) : 0.0;
    fprintf(stderr, "\r\033[K  [%s] %3.0f %%  t = %.1f of %.1f min  elapsed %.1f s  ETA %.1f s",
            bar, 100.0 * frac, t / 60.0, t_end / 60.0, w, eta);
    fflush(stderr);
}

/* The plant's deliverable header flow (kg/s) with the boilers in service (`out[i]` true: out),
 * at the header set point: dh_plant_dispatch's capacity (docs/plant.md "Reserve"). */
static dh_status plant_capacity(const dh_plant_params *params, const bool *out, double p_set,
                                double T_set, double demand, double *cap, dh_error *err)
{
    dh_plant_params q = *params;
    size_t on = 0;
    for (size_t i = 0; i < q.n_boilers; i++) {
        if (out[i]) q.boiler[i].in_service = false;
        if (q.boiler[i].in_service) on++;
    }
    if (!on) {
        *cap = 0.0; /* every boiler out: nothing reaches the header */
        return DH_OK;
    }
    dh_plant_demand d = {.header_pressure = p_set, .header_temperature = T_set,
                         .steam_flow = demand, .power_mode = DH_POWER_HEAT_LED};
    dh_plant_result r;
    dh_status st = dh_plant_dispatch(&q, &d, &r, err);
    if (st == DH_OK) *cap = r.capacity;
    return st;
}

static const char *units_of(int quantity)
{
    switch ((dh_quantity)quantity) {
    case DH_Q_PRESSURE: return "Pa";
    case DH_Q_TEMPERATURE: return "K";
    case DH_Q_MASS_FLOW: return "kg/s";
    case DH_Q_POWER: return "W";
    default: return "1";
    }
}

/* The demand of consumer i at `fraction` of its design demand, in its solver units. */
static double design_demand(const dh_network *net, size_t i)
{
    const dh_consumers *co = &net->consumers;
    return co->type[i] == DH_CONSUMER_HEAT ? co->demand_heat[i] : co->demand_mass_flow[i];
}

/* Case events -> solver events (*ev, *nev; malloc'ed) and the summary's events table.
 * `header` is the plant's header source (DH_NONE without a plant); `demand` the header draw at
 * the set pressure (kg/s). Returns DH_OK or an error (DH_ERR_INPUT: a plant dispatch failed). */
static dh_status build_events(const dh_case *c, const dh_plant_params *params, size_t header,
                              double demand, dh_event **ev, size_t *nev,
                              dh_transient_summary *sum, dh_error *err)
{
    const dh_network *net = c->net;
    const dh_transient_spec *ts = &c->transient;
    size_t cap = 1 + ts->n_events;
    for (size_t k = 0; k < ts->n_events; k++)
        if (ts->events[k].target_is_group) cap += net->consumers.n;
    dh_event *e = calloc(cap, sizeof *e);
    size_t *order = malloc((ts->n_events + 1) * sizeof *order);
    if (!e || !order) {
        free(e), free(order);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    size_t n = 0;
    bool out[DH_PLANT_BOILERS_MAX] = {false};
    double p_set = header != DH_NONE ? net->sources.pressure[header] : NAN;
    double T_set = header != DH_NONE ? net->sources.temperature[header] : NAN;
    dh_status st = DH_OK;
    if (params) {
        /* the plant's capacity with every boiler in service caps the header from the start */
        double q;
        if ((st = plant_capacity(params, out, p_set, T_set, demand, &q, err))) goto fail;
        e[n++] = (dh_event){.time = 0, .kind = DH_EVENT_SOURCE_MAX_FLOW, .index = header,
                            .value = q};
    }
    /* boiler events change the plant's state: take the case's events in time order (stable) */
    for (size_t k = 0; k < ts->n_events; k++) order[k] = k;
    for (size_t i = 1; i < ts->n_events; i++)
        for (size_t j = i; j > 0 && ts->events[order[j - 1]].time > ts->events[order[j]].time; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t r = 0; r < ts->n_events; r++) {
        const dh_case_event *ce = &ts->events[order[r]];
        dh_ts_event *row = &sum->events[r];
        row->time = ce->time;
        row->duration = ce->duration;
        row->value = ce->value;
        snprintf(row->type, sizeof row->type, "%s", event_word[ce->type]);
        snprintf(row->target, sizeof row->target, "%s", ce->target);
        snprintf(row->units, sizeof row->units, "%s", units_of(ce->quantity));
        dh_event base = {.time = ce->time, .index = ce->index, .value = ce->value,
                         .duration = ce->duration};
        switch (ce->type) {
        case DH_CASE_EVENT_BOILER_TRIP:
        case DH_CASE_EVENT_BOILER_RETURN: {
            out[ce->index] = ce->type == DH_CASE_EVENT_BOILER_TRIP;
            double q;
            if ((st = plant_capacity(params, out, p_set, T_set, demand, &q, err))) goto fail;
            base.kind = DH_EVENT_SOURCE_MAX_FLOW;
            base.index = header;
            base.value = q;
            base.duration = 0;
            e[n++] = base;
            row->value = q;
            snprintf(row->units, sizeof row->units, "kg/s");
            snprintf(row->applied, sizeof row->applied, "%s max flow %.1f t/h (plant capacity)",
                     net->sources.id[header], q * 3.6);
            break;
        }
        case DH_CASE_EVENT_SOURCE_PRESSURE:
            base.kind = DH_EVENT_SOURCE_PRESSURE;
            e[n++] = base;
            snprintf(row->applied, sizeof row->applied, "set pressure %.4f MPa abs",
                     ce->value / 1e6);
            break;
        case DH_CASE_EVENT_SOURCE_TEMPERATURE:
            base.kind = DH_EVENT_SOURCE_TEMPERATURE;
            e[n++] = base;
            snprintf(row->applied, sizeof row->applied, "supply temperature %.1f degC",
                     ce->value - 273.15);
            break;
        case DH_CASE_EVENT_SOURCE_MAX_FLOW:
            base.kind = DH_EVENT_SOURCE_MAX_FLOW;
            e[n++] = base;
            if (isinf(ce->value))
                snprintf(row->applied, sizeof row->applied, "max flow lifted");
            else
                snprintf(row->applied, sizeof row->applied, "max flow %.1f t/h", ce->value * 3.6);
            break;
        case DH_CASE_EVENT_SOURCE_FLOW:
            base.kind = DH_EVENT_SOURCE_FLOW;
            e[n++] = base;
            snprintf(row->applied, sizeof row->applied, "flow %.1f t/h", ce->value * 3.6);
            break;
        case DH_CASE_EVENT_VALVE:
            base.kind = DH_EVENT_VALVE_OPENING;
            e[n++] = base;
            snprintf(row->applied, sizeof row->applied, "opening %.0f %%", 100.0 * ce->value);
            break;
        case DH_CASE_EVENT_DEMAND_STEP:
        case DH_CASE_EVENT_DEMAND_RAMP: {
            base.kind = DH_EVENT_CONSUMER_DEMAND;
            size_t nc = 0;
            for (size_t i = 0; i < net->consumers.n; i++) {
                bool hit = ce->target_is_group ? !strcmp(net->consumers.group[i], ce->target)
                                               : i == ce->index;
                if (!hit) continue;
                base.index = i;
                base.value = isnan(ce->fraction) ? ce->value : ce->fraction * design_demand(net, i);
                e[n++] = base;
                nc++;
            }
            if (!isnan(ce->fraction)) {
                row->value = ce->fraction;
                snprintf(row->units, sizeof row->units, "1");
                snprintf(row->applied, sizeof row->applied,
                         "demand %.0f %% of design (%zu consumer%s)", 100.0 * ce->fraction, nc,
                         nc == 1 ? "" : "s");
            } else if (ce->quantity == DH_Q_POWER) {
                snprintf(row->applied, sizeof row->applied, "demand %.2f MW", ce->value / 1e6);
            } else {
                snprintf(row->applied, sizeof row->applied, "demand %.2f t/h", ce->value * 3.6);
            }
            break;
        }
        }
    }
    free(order);
    *ev = e;
    *nev = n;
    return DH_OK;
fail:
    free(order);
    free(e);
    return st;
}

int dh_run_transient(dh_case *c, const char *out_path, bool verbose)
{
    return dh_run_transient_ckpt(c, out_path, verbose, NULL, NULL);
}

int dh_run_transient_ckpt(dh_case *c, const char *out_path, bool verbose,
                          const char *restart_path, const char *checkpoint_path)
{
    struct timespec w0;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    int exit_code = DH_EXIT_USAGE;
    const dh_network *net = c->net;
    const dh_transient_spec *ts = &c->transient;
    dh_error err;
    dh_error_clear(&err);
    dh_plant_params params;
    dh_plant_coupling coupling;
    dh_snapshot *snap = NULL;
    dh_transient *tr = NULL;
    dh_event *ev = NULL;
    size_t nev = 0;
    dh_transient_summary sum;
    memset(&sum, 0, sizeof sum);
    dh_transient_checkpoint rcp;
    dh_checkpoint_meta rmeta;
    memset(&rcp, 0, sizeof rcp);
    memset(&rmeta, 0, sizeof rmeta);
    char *ckpt_default = NULL;
    char fp[17];
    trun_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.verbose = verbose;
    x.tty = isatty(fileno(stderr)) != 0;

    /* the header: the plant's source, or the first fixed-pressure source */
    size_t header = DH_NONE;
    if (c->plant.present) header = c->plant.source;
    for (size_t j = 0; j < net->sources.n && header == DH_NONE; j++)
        if (net->sources.type[j] == DH_SOURCE_FIXED_PRESSURE) header = j;
    if (dh_transient_summary_init(&sum, net->consumers.n, net->sources.n, ts->n_events, &err)) {
        dh_error_print(&err, stderr);
        exit_code = DH_EXIT_FAILED;
        goto done;
    }
    snprintf(sum.case_name, sizeof sum.case_name, "%s", c->name ? c->name : "");
    sum.consumer_id = net->consumers.id;
    sum.consumer_group = net->consumers.group;
    sum.min_pressure = net->consumers.min_pressure;
    sum.source_id = net->sources.id;
    sum.header = header == DH_NONE ? SIZE_MAX : header;
    sum.header_set_pressure = header != DH_NONE ? net->sources.pressure[header] : NAN;
    sum.duration = ts->duration;
    sum.output_interval = ts->output_interval;

    /* the initial state: the plant coupled to the network (dispatch, flow-limited header) */
    double demand = NAN;
    bool from_snapshot = false;
    if (dh_snapshot_create(net, &snap) != DH_OK) {
        fprintf(stderr, "dhsim run: error: out of memory\n");
        exit_code = DH_EXIT_FAILED;
        goto done;
    }
    if (c->plant.present) {
        if (dh_plant_params_from_spec(&c->plant, &params, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            goto done;
        }
        dh_plant_couple_options popt;
        dh_plant_couple_options_init(&popt);
        popt.steady.tolerance = c->study.tolerance;
        popt.steady.max_iterations = c->study.max_iterations;
        popt.n1_check = false;
        if (c->plant.power_mode >= 0) popt.power_mode = (dh_power_mode)c->plant.power_mode;
        if (!isnan(c->plant.power_target)) popt.power_target = c->plant.power_target;
        dh_status rc = dh_plant_couple(net, &c->study, &params, c->plant.source, &popt, snap,
                                       NULL, &coupling, &err);
        if (rc != DH_OK) {
            dh_error_print(&err, stderr);
            fprintf(stderr, "dhsim run: the initial state (steady solve with the plant) failed\n");
            exit_code = rc == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
            goto done;
        }
        demand = coupling.demand;
        from_snapshot = coupling.flow_limited;
        printf("%s: %s\n", c->name, c->path);
        printf("initial state: steady solve with the plant: header draw %.1f t/h, plant "
               "capacity %.1f t/h%s\n",
               coupling.demand * 3.6, coupling.plant.capacity * 3.6,
               coupling.flow_limited ? " (flow-limited at t = 0)" : "");
    } else {
        printf("%s: %s\n", c->name, c->path);
        printf("initial state: steady solve\n");
    }
    if (build_events(c, c->plant.present ? &params : NULL, c->plant.present ? header : DH_NONE,
                     demand, &ev, &nev, &sum, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = err.code == DH_ERR_NOMEM ? DH_EXIT_FAILED : DH_EXIT_USAGE;
        goto done;
    }

    dh_transient_options o;
    dh_transient_options_init(&o);
    o.t_end = ts->duration;
    o.output_interval = ts->output_interval;
    o.rtol = ts->rtol;
    o.atol_factor = ts->atol;
    o.max_step = ts->max_step;
    o.events = ev;
    o.n_events = nev;
    /* ride-through and header minimum count from the first event of the case file (the t = 0
     * capacity cap of the plant is not an event of the operators) */
    double t_ref = 0.0;
    for (size_t k = 0; k < ts->n_events; k++)
        if (k == 0 || ts->events[k].time < t_ref) t_ref = ts->events[k].time;
    o.ride_through_from = t_ref;
    o.output = on_output;
    o.progress = on_progress;
    o.user = &x;
    fingerprint(c, ev, nev, fp);
    if (ts->checkpoint > 0) {
        if (!checkpoint_path) {
            /* OUT.ckpt beside the results, or CASE.ckpt without -o */
            const char *base = out_path ? out_path : c->path;
            size_t len = strlen(base);
            const char *dot = strrchr(base, '.'), *slash = strrchr(base, '/');
            if (dot && (!slash || dot > slash)) len = (size_t)(dot - base);
            ckpt_default = malloc(len + 6);
            if (!ckpt_default) {
                fprintf(stderr, "dhsim run: error: out of memory\n");
                exit_code = DH_EXIT_FAILED;
                goto done;
            }
            memcpy(ckpt_default, base, len);
            memcpy(ckpt_default + len, ".ckpt", 6);
            checkpoint_path = ckpt_default;
        }
        x.ckpt_path = checkpoint_path;
        x.ckpt_meta = (dh_checkpoint_meta){.program_version = DHSIM_VERSION,
                                           .case_path = c->path, .case_sha256 = c->sha256,
                                           .fingerprint = fp};
        o.checkpoint_interval = ts->checkpoint;
        o.checkpoint = on_checkpoint;
    }
    exit_code = DH_EXIT_FAILED;
    if (dh_transient_create(net, &c->study, &o, &tr, &err) != DH_OK) {
        dh_error_print(&err, stderr);
        exit_code = err.code == DH_ERR_INPUT ? DH_EXIT_USAGE : DH_EXIT_FAILED;
        goto done;
    }
    dh_solve_stats ss;
    memset(&ss, 0, sizeof ss);
    dh_status st = from_snapshot ? dh_transient_init_snapshot(tr, snap, &err)
                                 : dh_transient_init_steady(tr, &ss, &err);
    if (st != DH_OK) {
        dh_error_print(&err, stderr);
        fprintf(stderr, "dhsim run: the initial state failed\n");
        goto done;
    }
    if (restart_path) {
        /* continue from a checkpoint of this very case (docs/transient.md) */
        if (dh_checkpoint_read(restart_path, &rcp, &rmeta, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_USAGE;
            goto done;
        }
        if (strcmp(rmeta.case_sha256, c->sha256) || strcmp(rmeta.fingerprint, fp)) {
            bool file = strcmp(rmeta.case_sha256, c->sha256) != 0;
            fprintf(stderr,
                    "%s: error: checkpoint %s was written by another case (%s): its case %s has "
                    "%s %s, this case has %s; refusing to restart\n",
                    c->path, restart_path, rmeta.case_path ? rmeta.case_path : "?",
                    file ? "file" : "input", file ? "SHA-256" : "fingerprint",
                    file ? rmeta.case_sha256 : rmeta.fingerprint, file ? c->sha256 : fp);
            exit_code = DH_EXIT_USAGE;
            goto done;
        }
        if (dh_transient_restore(tr, &rcp, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            exit_code = DH_EXIT_USAGE;
            goto done;
        }
        printf("restart: from %s at t = %.6g s (%.2f h)\n", restart_path, rcp.time,
               rcp.time / 3600.0);
    }
    if (out_path) {
        size_t n_out = 1;
        if (o.output_interval > 0) {
            double q = o.t_end / o.output_interval;
            n_out = (size_t)floor(q + 1e-9) + 1 + (fabs(q - round(q)) > 1e-9 ? 1 : 0);
            if (restart_path && (size_t)rcp.outputs < n_out) n_out -= (size_t)rcp.outputs;
        }
        dh_out_meta meta = {.program_version = DHSIM_VERSION, .case_path = c->path,
                            .case_sha256 = c->sha256, .case_name = c->name,
                            .study = "transient", .expected_steps = n_out};
        if (dh_out_create(out_path, net, &meta, &x.o, &err) != DH_OK) {
            dh_error_print(&err, stderr);
            goto done;
        }
    }
    dh_transient_stats stats;
    memset(&stats, 0, sizeof stats);
    clock_gettime(CLOCK_MONOTONIC, &x.t0);
    if (verbose && ts->duration >= 3600.0) {
        x.n_hours = (size_t)ceil(ts->duration / 3600.0 - 1e-9);
        x.hour_cpu = calloc(x.n_hours, sizeof(double));
        x.hour = restart_path ? (size_t)(rcp.time / 3600.0) : 0;
        x.cpu_mark = cpu_now();
    }
    st = dh_transient_run(tr, &stats, &err);
    if (x.shown) fprintf(stderr, "\r\033[K");

    /* the summary (also after a failure: up to where the run got) */
    const double *ride = dh_transient_ride_through(tr);
    for (size_t i = 0; i < net->consumers.n; i++)
        sum.ride_through[i] = isfinite(ride[i]) ? ride[i] : NAN;
    for (size_t j = 0; j < net->sources.n; j++)
        dh_transient_source_min_pressure(tr, j, &sum.source_min_pressure[j],
                                         &sum.source_time_to_min[j]);
    sum.reference_time = dh_transient_reference_time(tr);
    sum.t_reached = stats.t_reached;
    sum.completed = st == DH_OK && !stats.stopped;
    sum.n_outputs = x.n_out;
    sum.mass_in = stats.mass_in, sum.mass_out = stats.mass_out;
    sum.mass_stored_change = stats.mass_stored_change;
    sum.mass_balance_rel = stats.mass_balance_rel;
    sum.energy_in = stats.energy_in, sum.energy_out = stats.energy_out;
    sum.energy_loss = stats.energy_loss;
    sum.energy_stored_change = stats.energy_stored_change;
    sum.energy_balance_rel = stats.energy_balance_rel;
    sum.steps = (double)stats.steps, sum.residual_evals = (double)stats.residual_evals;
    sum.jacobian_evals = (double)stats.jacobian_evals, sum.reinits = (double)stats.reinits;
    sum.unknowns = (double)dh_transient_size(tr);
    sum.differential = (double)dh_transient_n_differential(tr);
    sum.seconds = stats.seconds;
    sum.wall_seconds = since(&w0);
    dh_transient_summary_print(&sum, verbose, stdout);
    if (stats.algebraic_segments > 0 && verbose)
        printf("quasi-steady path: %ld segments, %ld with held hydraulics, %ld full solves "
               "failed (held hydraulics used instead)\n",
               stats.algebraic_segments, stats.frozen_segments, stats.failed_full_solves);
    if (stats.algebraic_segments > 0 && verbose)
        printf("quasi-steady path: %ld full solves, %ld residual evaluations, %ld Jacobians, "
               "%ld outputs updated on held hydraulics\n",
               stats.algebraic_segments - stats.frozen_segments, stats.residual_evals,
               stats.jacobian_evals, stats.fast_outputs);
    if (stats.failed_full_solves > 0)
        fprintf(stderr, "dhsim run: warning: %ld full hydraulic solves failed (e.g. water colder "
                        "than a consumer's return reached it); the hydraulics of the previous "
                        "solve were held there\n",
                stats.failed_full_solves);
    if (x.hour_cpu && x.hour > 0) {
        size_t h0 = restart_path ? (size_t)(rcp.time / 3600.0) : 0, h1 = x.hour - 1;
        printf("cpu per simulated hour: hour %zu %.4f s, hour %zu %.4f s (%zu hours)\n", h0 + 1,
               x.hour_cpu[h0], h1 + 1, x.hour_cpu[h1], h1 - h0 + 1);
    }
    exit_code = DH_EXIT_OK;
    if (st != DH_OK) {
        dh_error_print(&err, stderr);
        fprintf(stderr, "dhsim run: the integration stopped at t = %.6g s; the outputs up to "
                        "there are in the results\n",
                stats.t_reached);
        exit_code = DH_EXIT_FAILED;
    }
    if (x.o) {
        dh_solve_stats agg;
        memset(&agg, 0, sizeof agg);
        agg.converged = st == DH_OK;
        agg.iterations = (int)stats.nonlinear_iterations;
        agg.mass_balance_rel = stats.mass_balance_rel;
        agg.energy_balance_rel = stats.energy_balance_rel;
        agg.seconds = stats.seconds;
        if (x.write_failed || dh_out_set_summary(x.o, &agg, &err) != DH_OK ||
            dh_transient_summary_add_to_output(x.o, &sum, &err) != DH_OK ||
            dh_out_close(&x.o, &err) != DH_OK) {
            dh_error_print(x.write_failed ? &x.werr : &err, stderr);
            dh_out_abort(&x.o);
            exit_code = DH_EXIT_FAILED;
        } else {
            printf("results written to %s\n", out_path);
        }
    }
done:
    dh_transient_checkpoint_free(&rcp);
    dh_checkpoint_meta_free(&rmeta);
    free(ckpt_default);
    free(x.hour_cpu);
    dh_out_abort(&x.o);
    dh_transient_destroy(&tr);
    dh_snapshot_destroy(&snap);
    dh_transient_summary_free(&sum);
    free(ev);
    return exit_code;
}
