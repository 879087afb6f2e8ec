/* dh_transient.h: transient simulation of a steam / hot-water network (public).
 *
 * A DAE solved by SUNDIALS IDA (variable-order BDF) with the KLU sparse direct solver and an
 * analytic sparse Jacobian whose pattern is built once: mass and energy storage at the nodes of
 * steam pipes (each node holds half the volume of its adjacent segments: line pack), quasi-steady
 * momentum (the steady pipe, valve and pump laws), algebraic balances elsewhere; temperature
 * transport in water pipes by a Lagrangian plug-flow method with exponential heat loss per plug
 * and the wall's heat capacity lumped at the outlet. The formulation, its references and its
 * limits are docs/transient.md; the steady equations it builds on are docs/model.md.
 *
 * Lifecycle:
 *     dh_transient_options o; dh_transient_options_init(&o);
 *     o.t_end = 7200; o.output_interval = 60; o.events = ev; o.n_events = n;
 *     dh_transient *tr = NULL;
 *     dh_transient_create(net, &study, &o, &tr, &err);
 *     dh_transient_init_steady(tr, NULL, &err);            // or dh_transient_init_snapshot
 *     dh_transient_run(tr, &stats, &err);                   // output callback per interval
 *     dh_transient_ride_through(tr) ...                     // derived results
 *     dh_transient_destroy(&tr);
 * The solver does no I/O: results go through the output callback (a dh_snapshot per output
 * time, owned by the solver, valid during the call), progress through the progress callback.
 *
 * Exports: dh_transient_*. Callers: cli/run_transient.c (`dhsim run` for `study: {type:
 * transient}`, events from the case file's `events:` section), tests/transient.
 */
#ifndef DH_TRANSIENT_H
#define DH_TRANSIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_case.h"
#include "dh_network.h"
#include "dh_results.h"
#include "dh_status.h"

typedef struct dh_transient dh_transient;

/* ---- events ---------------------------------------------------------------------------------
 * A change of an input at `time` (s from the start of the run). With duration > 0 the input moves
 * linearly from its value at `time` to `value` over `duration` seconds (a ramp); else it steps.
 * Steps and ramp ends are integration breakpoints (IDA is re-initialised with consistent initial
 * values there). */
typedef enum dh_event_kind {
    DH_EVENT_CONSUMER_DEMAND = 0, /* consumer `index`: its demand (kg/s for steam consumers, W for
                                     heat consumers) */
    DH_EVENT_SOURCE_PRESSURE = 1, /* fixed-pressure source `index`: its set pressure, Pa abs */
    DH_EVENT_SOURCE_MAX_FLOW = 2, /* fixed-pressure source `index`: the most it can deliver,
                                     kg/s (a boiler trip: the plant's remaining capacity). Below
                                     it the source holds its pressure; at it the source becomes
                                     flow-limited and its pressure falls. INFINITY lifts it.
                                     Always a step. */
    DH_EVENT_SOURCE_TEMPERATURE = 3, /* source `index`: its supply temperature, K */
    DH_EVENT_VALVE_OPENING = 4,   /* valve `index` (row in the valve table): opening, 0..1 */
    DH_EVENT_SOURCE_FLOW = 5,     /* fixed-flow source `index`: its mass flow, kg/s */
} dh_event_kind;

typedef struct dh_event {
    double time;     /* s */
    dh_event_kind kind;
    size_t index;    /* consumer, source or valve row */
    double value;    /* target value, SI */
    double duration; /* s, ramp duration (0: step) */
} dh_event;

/* ---- options ----------------------------------------------------------------------------- */

/* Called at every output time with the state there (time in snap->time). Return non-zero to
 * stop the run (dh_transient_run then returns DH_OK with stats->stopped set). */
typedef int (*dh_transient_output_fn)(void *user, const dh_snapshot *snap);
/* Called after every internal step: simulated time reached and the end time, s. */
typedef void (*dh_transient_progress_fn)(void *user, double t, double t_end);

/* ---- checkpoints ---------------------------------------------------------------------------
 * Everything a run needs to continue exactly from a breakpoint (docs/transient.md
 * "Checkpoints and restart"). Taken at the end of an integration segment (IDA is re-initialised
 * at every breakpoint, so the state below is all the history there is): the DAE state, the
 * water plug queues, the event cursor and ramps in progress, the inputs as the events left them,
 * the derived-result bookkeeping and the conservation integrals. Flat arrays of doubles so a
 * writer can store them as they are (postproc/dh_checkpoint.h). */
enum { DH_TR_CKPT_TOTALS = 8,   /* integrals: mass in, mass out, energy in, energy out, loss (kg,
                                   J); plug heat loss (J); stored mass and energy at t = 0 */
       DH_TR_CKPT_COUNTERS = 8, /* steps, residual evals, Jacobians, Newton iterations, error
                                   test fails, convergence fails, reinits, algebraic segments */
       DH_TR_CKPT_RAMP = 6,     /* per ramp: t0, t1 (s), v0, v1 (SI), event kind, index */
       DH_TR_CKPT_PIPE = 5 };   /* per water pipe: plugs, h_wall, h_fwd, h_rev (J/kg), loss (W) */

typedef struct dh_transient_checkpoint {
    double time;         /* s: the breakpoint the state belongs to */
    double last_step;    /* s: IDA's last step before it (the first step tried after it) */
    double t_end, output_interval; /* s: of the run that took it (information) */
    long outputs;        /* outputs emitted at times <= time */
    long next_event;     /* first event (in time order) not yet applied */
    size_t ny;           /* dh_transient_size */
    double *y, *yp;      /* ny each: IDA's state and its time derivative */
    double totals[DH_TR_CKPT_TOTALS];
    double counters[DH_TR_CKPT_COUNTERS];
    size_t n_inputs;     /* 2 n_consumers + 4 n_sources + n_valves */
    double *inputs;      /* consumers' demand_mass_flow, demand_heat; sources' pressure,
                            temperature, mass_flow, max flow; valves' opening (SI) */
    size_t n_ramps;
    double *ramps;       /* DH_TR_CKPT_RAMP per ramp in progress */
    size_t n_consumers;
    double *ride_through; /* s (INFINITY: not yet; NaN: no minimum) */
    size_t n_sources;
    double *source_min_pressure, *source_time_to_min; /* Pa, s */
    size_t n_pipes;      /* water pipes under plug transport */
    double *pipe_state;  /* DH_TR_CKPT_PIPE per pipe */
    size_t n_plugs;
    double *plugs;       /* 2 per plug: mass (kg), enthalpy (J/kg); pipe by pipe, from end a */
} dh_transient_checkpoint;

/* Called at every checkpoint time (a breakpoint of the integration; cp owned by the solver,
 * valid during the call). Return non-zero to stop the run (as the output callback). */
typedef int (*dh_transient_checkpoint_fn)(void *user, const dh_transient_checkpoint *cp);

typedef struct dh_transient_options {
    double t_end;           /* s, end of the run (> 0) */
    double output_interval; /* s between outputs (0: only at t_end); the first output is t = 0 */
    double rtol;            /* IDA relative tolerance (default 1e-6) */
    double atol_factor;     /* absolute tolerance of each unknown = atol_factor x its scale
                               (p_ref, h_ref, m_ref of docs/model.md; default = rtol) */
    double max_step;        /* s, largest internal step (0: IDA's choice) */
    double transport_step;  /* s, exchange interval of the water plug-flow transport (0: the
                               smaller of the output interval and 60 s); unused without water
                               pipes */
    int max_plugs;          /* plugs per water pipe at most (default 64; adjacent plugs merge) */
    double plug_merge_dT;   /* K, adjacent plugs closer than this merge (default 0.01 K) */
    bool wall_heat_capacity;/* store heat in the steel pipe wall (default true) */
    double heat_loss_scale; /* multiplies every pipe's heat loss (default 1; 0: adiabatic) */
    double ride_through_from; /* s, reference time of the derived ride-through results (NaN:
                                 the time of the first event; 0 without events) */
    const dh_event *events; /* borrowed for the lifetime of the solver; any order */
    size_t n_events;
    dh_transient_output_fn output;
    dh_transient_progress_fn progress;
    void *user;
    double hydraulic_step;  /* s, all-algebraic (water) networks: the pressures and flows are
                               solved in full at input changes and at least this often, and
                               held between (the node temperatures follow the plugs); 0: 1 h,
                               < 0: solved in full at every transport interval */
    double checkpoint_interval;          /* s between checkpoints (0: none); each checkpoint
                                            time becomes an integration breakpoint */
    dh_transient_checkpoint_fn checkpoint; /* receives them (with `user`) */
} dh_transient_options;

void dh_transient_options_init(dh_transient_options *opt);

/* Run statistics, conservation over the run and wall time. */
typedef struct dh_transient_stats {
    bool stopped;          /* the output callback asked to stop */
    double t_reached;      /* s */
    long steps, residual_evals, jacobian_evals, nonlinear_iterations;
    long error_test_fails, nonlinear_fails, reinits;
    double seconds;        /* wall time of dh_transient_run */
    /* conservation over the run (kg, J): stored(t) - stored(0) against the integrated flows */
    double mass_stored_change, mass_in, mass_out;        /* sources in; sources out + draws */
    double energy_stored_change, energy_in, energy_out;  /* enthalpy flows, as mass */
    double energy_loss;    /* heat lost by pipes + heat delivered to water consumers - heat
                              taken up by substations (docs/model.md "Conservation") */
    double mass_balance_rel;   /* |dM - (in - out)| / max(in, stored mass) */
    double energy_balance_rel; /* |dE - (in - out - loss)| / max(in, |stored energy change|, loss) */
    long algebraic_segments; /* segments solved by the quasi-steady path (all-algebraic
                              networks: water; docs/transient.md), without IDA */
    long frozen_segments;  /* of those, with the hydraulics held (opt.hydraulic_step) */
    long failed_full_solves; /* full solves of the quasi-steady path that failed and were
                              replaced by the held hydraulics (docs/transient.md) */
    long fast_outputs;     /* outputs on held hydraulics updated without a full property
                              evaluation (quasi-steady path, docs/transient.md) */
} dh_transient_stats;

/* Builds the solver: a private copy of the network's time-dependent inputs (events change it),
 * the steady solver's layout and stamps (dh_solver.h) reused for the algebraic equations, node
 * volumes, the IDA Jacobian pattern, IDA + SUNLinSol_KLU and the water plug queues. `net` and
 * `study` are borrowed. Errors: DH_ERR_INPUT (bad option or event, naming it), DH_ERR_NOMEM,
 * DH_ERR_INTERNAL (SUNDIALS). On failure *out == NULL. */
dh_status dh_transient_create(const dh_network *net, const dh_study *study,
                              const dh_transient_options *opt, dh_transient **out,
                              dh_error *err);
void dh_transient_destroy(dh_transient **tr);

/* Initial state = the steady solution at the inputs of t = 0 (dh_steady_solve on the solver's
 * own steady instance): consistent with y' = 0. steady_stats may be NULL. DH_ERR_NOCONV when
 * the steady solve fails. */
dh_status dh_transient_init_steady(dh_transient *tr, dh_solve_stats *steady_stats,
                                   dh_error *err);
/* Initial state from a snapshot (node pressures and enthalpies, link flows, source flows;
 * interior points of steam pipes interpolated along the pipe); the algebraic unknowns and the
 * time derivatives are then made consistent (IDACalcIC). Water plugs start uniform at the
 * upstream node's enthalpy. */
dh_status dh_transient_init_snapshot(dh_transient *tr, const dh_snapshot *snap, dh_error *err);

/* Continues a run from a checkpoint instead of t = 0: call after dh_transient_init_steady (or
 * _init_snapshot: the steady instance is then in the state the first run had) and before
 * dh_transient_run, which then integrates from cp->time to opt.t_end with the outputs after
 * cp->time (those at or before it are the first run's). The result equals the uninterrupted run
 * to solver tolerance (KLU's pivot choice may differ in the last bits). The caller checks that
 * the checkpoint belongs to the same case; here the sizes are checked: DH_ERR_INPUT
 * ("checkpoint of another network") on a mismatch or cp->time >= t_end. */
dh_status dh_transient_restore(dh_transient *tr, const dh_transient_checkpoint *cp,
                               dh_error *err);
/* Frees the arrays of a checkpoint filled by a reader (or dh_transient_checkpoint_take) and
 * zeroes it; NULL-safe. */
void dh_transient_checkpoint_free(dh_transient_checkpoint *cp);
/* The checkpoint of the current state (arrays malloc'ed; free with
 * dh_transient_checkpoint_free). Meaningful at a breakpoint: after init or from within the
 * checkpoint callback's run; the run loop uses it. DH_ERR_NOMEM. */
dh_status dh_transient_checkpoint_take(dh_transient *tr, dh_transient_checkpoint *cp,
                                       dh_error *err);

/* Integrates from 0 to opt.t_end. Output at 0, every output_interval and at t_end. Returns
 * DH_OK, or DH_ERR_NOCONV (IDA failed: the message gives the time and IDA's reason) with stats
 * filled up to the failure. stats may be NULL. Call once per create. */
dh_status dh_transient_run(dh_transient *tr, dh_transient_stats *stats, dh_error *err);

/* ---- derived results (after dh_transient_run) -------------------------------------------- */

/* Per consumer (array of n_consumers): seconds from the reference time (opt.ride_through_from)
 * until its delivery pressure first fell below its minimum pressure (located by IDA's root
 * finding); INFINITY when it stayed above to the end of the run; NaN without a minimum. */
const double *dh_transient_ride_through(const dh_transient *tr);
/* For source j: the lowest pressure at its node after the reference time (Pa) and the seconds
 * from the reference time to it (checked at every internal step). */
void dh_transient_source_min_pressure(const dh_transient *tr, size_t j, double *p_min,
                                      double *t_to_min);
/* The reference time of the derived results, s. */
double dh_transient_reference_time(const dh_transient *tr);

/* ---- introspection (tests) ------------------------------------------------------------- */

/* Mass (kg) and energy (J; sum of V (rho h - p) over steam nodes, the wall heat C_w T, and the
 * enthalpy of the water plugs and walls) stored in the network in the current state. */
void dh_transient_storage(dh_transient *tr, double *mass, double *energy);
/* Volume (m3) the solver gives network node k (half of each adjacent steam segment's). */
double dh_transient_node_volume(const dh_transient *tr, size_t k);
/* Number of unknowns (the steady solver's, dh_steady_size, followed by the integrals of the
 * conservation balance and the plug transport), differential unknowns, Jacobian non-zeros;
 * plugs in the water pipes now. */
size_t dh_transient_size(const dh_transient *tr);
size_t dh_transient_n_differential(const dh_transient *tr);
size_t dh_transient_nnz(const dh_transient *tr);
size_t dh_transient_n_plugs(const dh_transient *tr);
/* Residual F(t, y, y') and the Jacobian dF/dy + cj dF/dy' (CSC, the solver's pattern; any of
 * f, colptr, rowind, values may be NULL) at the given point: tests compare with finite
 * differences. Returns DH_OK or DH_RECOVERABLE (state outside the property range). */
dh_status dh_transient_eval(dh_transient *tr, double t, const double *y, const double *yp,
                            double cj, double *f, size_t *colptr, size_t *rowind,
                            double *values);
/* The current state y (size dh_transient_size), e.g. after init. */
const double *dh_transient_state(const dh_transient *tr);

#endif /* DH_TRANSIENT_H */
