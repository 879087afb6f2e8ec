/* dh_series.h: the quasi-steady series study (public): one steady network (+ plant) solve per
 * time step, the demands and the outdoor air of each step from a prepared dh_loads.
 *
 * Per step k (hour t = t0 + k x step of the loads' series):
 *   1. demands D_i(t) (dh_loads_demand) into a private copy of the network's consumer table;
 *      the outdoor air T_air(t) into the ambient of every above-ground pipe (buried pipes keep
 *      the soil temperature);
 *   2. warm start from the last good state, predicted from the last two good states:
 *          u_pred = u_k + w (u_k - u_(k-1))
 *      with w the projection of this step's change of the inputs (demands relative to their
 *      design values, air / 10 K) on the last one's, clipped to [0, 1.5] (w = 1 is plain linear
 *      extrapolation in time for a steadily changing load; w = 0 when the loads jump in
 *      another direction, e.g. a shift change after a mild hour); DH_SERIES_PREDICT_LINEAR
 *      forces w = 1; the extrapolation applies to the pressures and flows, the node
 *      enthalpies start at their last good values (series.c: extrapolated, they overshoot
 *      near branches that slow down or stop);
 *   3. the steady solve (dh_steady_solve: the Jacobian pattern and KLU's symbolic analysis are
 *      those of the first step) from the prediction with a budget of 4 Newton iterations and
 *      no continuation; a step that does not converge so is solved cold (the solver's
 *      built-in guess and full staged strategy, as a single steady run); a step whose demands
 *      jump (some consumer's demand moves by more than 10 % of its design value: a shift
 *      change) is solved cold at once;
 *   4. with a plant: dispatch of the header draw (dh_plant_dispatch); only when the plant is
 *      short does the step run the full flow-limited coupling (dh_plant_couple, cold solves),
 *      so ordinary hours cost one network solve;
 *   5. the callback gets the step: snapshot, stats, coupling.
 * A step that fails is counted and handed to the callback (converged false); the next step
 * starts again from the last good state. No I/O; allocation only before the first step.
 *
 * Exports: dh_series_options_init, dh_series_run. Implemented in solver/series.c.
 * Callers: cli/run_series.c, tests/series, bench/bench_series.c.
 */
#ifndef DH_SERIES_H
#define DH_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_loads.h"
#include "dh_network.h"
#include "dh_plant.h"
#include "dh_plant_couple.h"
#include "dh_results.h"
#include "dh_solver.h"
#include "dh_status.h"

typedef enum dh_series_predict {
    DH_SERIES_PREDICT_NONE = 0,   /* start from the last good state */
    DH_SERIES_PREDICT_LINEAR = 1, /* u_k + (u_k - u_(k-1)) */
    DH_SERIES_PREDICT_SECANT = 2, /* u_k + w (u_k - u_(k-1)), w from the inputs (default) */
} dh_series_predict;

typedef struct dh_series_options {
    dh_steady_options steady;   /* each network solve (tolerance, iteration budget) */
    dh_series_predict predict;
    bool n1_check;              /* N-1 verdict per hour from each dispatch (no N-1 solve) */
    dh_power_mode power_mode;   /* plant dispatch */
    double power_target;        /* W, DH_POWER_TARGET only */
} dh_series_options;

void dh_series_options_init(dh_series_options *opt);

/* One step, as handed to the callback (everything borrowed for the call). */
typedef struct dh_series_step {
    size_t index;           /* k, 0-based */
    size_t n_steps;
    size_t hour;            /* t: hour of the loads' series (from the weather's first day) */
    double time;            /* s since the study's start (= k x step) */
    double air_temperature; /* K, outdoor air of the hour */
    const double *demand;   /* per consumer: W (heat), kg/s (steam), design units (water) */
    bool converged;         /* every solve of the step converged */
    const dh_snapshot *snap;      /* the network state (last iterate when not converged) */
    const dh_solve_stats *stats;  /* the step's (final) network solve */
    const dh_plant_coupling *coupling; /* NULL without a plant or when the step failed */
    int iterations;         /* Newton iterations of the step, all solves */
    double seconds;         /* wall time of the step's solves */
} dh_series_step;

/* Return 0 to go on, nonzero to stop the series (dh_series_run then returns that step). */
typedef int (*dh_series_step_fn)(void *user, const dh_series_step *step);

typedef struct dh_series_stats {
    size_t steps;           /* steps run */
    size_t failed;          /* steps whose solve failed (recorded, series went on) */
    size_t first_failed;    /* index of the first failed step (SIZE_MAX: none) */
    long iterations;        /* Newton iterations, all steps */
    int max_iterations;     /* of one step */
    size_t max_iterations_step;
    size_t cold_starts;     /* steps whose warm start did not converge within 4 iterations
                               and were solved cold (the solver's full strategy), and steps
                               solved cold at once (a jump of the demands) */
    size_t plant_limited;   /* steps where the plant was short (full flow-limited coupling) */
    double seconds;         /* wall time of the loop (solves + callbacks) */
    double solve_seconds;   /* wall time in the solves */
} dh_series_stats;

/* Runs n_steps steps of `step_hours` hours from hour t0 of the loads' series on `net`
 * (borrowed; a private copy carries the demands). `plant` (may be NULL) feeds the network
 * through source row `plant_source` (a fixed-pressure steam source). `fn` (may be NULL) is
 * called after each step. Returns DH_OK when the series ran to the end (failed steps are in
 * stats, not an error); DH_ERR_INPUT / DH_ERR_NOMEM / DH_ERR_INTERNAL before the first step;
 * DH_ERR_USAGE when the callback stopped it. */
dh_status dh_series_run(const dh_network *net, const dh_study *study, const dh_loads *loads,
                        size_t t0, size_t n_steps, size_t step_hours,
                        const dh_plant_params *plant, size_t plant_source,
                        const dh_series_options *opt, dh_series_step_fn fn, void *user,
                        dh_series_stats *stats, dh_error *err);

#endif /* DH_SERIES_H */
