/* dh_retire.h: the small-boiler retirement study (public).
 *
 * The case's small boilers (`small_boilers:`, network/dh_case.h) carry part of their sites' load
 * today; the network's demands are those WITH the small boilers running. Retiring a boiler moves
 * its load onto the network: the consumer at its site draws current_load more (a site not
 * connected yet gets a new node, a connection pipe and a steam consumer). Step 0 is today; step
 * k retires the k-th boiler of the order (given, or greedy: docs/retire.md) on top of the
 * earlier ones. After each step the winter peak is solved with the plant coupled
 * (dh_plant_couple) — or, with `checks.hour: series_worst_hours`, each hour picked from one
 * series run of today's network (solver/dh_series.h; docs/retire.md "Hours of a series") — and
 * checked: every consumer's delivery pressure and temperature against its minimum plus a margin,
 * dry steam where required, steam velocity per pipe, the plant's capacity and operating region,
 * and N-1. The study stops at the first failing step and names what binds (and at which hour);
 * each candidate reinforcement is then tried from that step on, counting the retirements it
 * unlocks, and when none alone lets every step pass they are accumulated greedily (combinations).
 * Fuel, CO2 and cost changes against today come from the plant's dispatch and the retired
 * boilers' fuel (docs/retire.md, "Fuel and emissions").
 *
 * No I/O: results in dh_retire_result; each solved step is offered to a callback (the CLI
 * writes it). Network copies are built between solves (never inside Newton iterations).
 * Exports: dh_retire_options_init, dh_retire_run, dh_retire_result_destroy,
 * dh_retire_fail_name. Implemented in retire.c. Callers: cli/cmd_retire.c, tests/retire.
 */
#ifndef DH_RETIRE_H
#define DH_RETIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_case.h"
#include "dh_loads.h"
#include "dh_network.h"
#include "dh_plant_couple.h"
#include "dh_results.h"
#include "dh_status.h"

#define DH_RETIRE_TEXT_MAX 512

/* Checks that failed at a step (bits of dh_retire_step.failed). */
enum {
    DH_RETIRE_FAIL_NOCONV = 1u << 0,      /* a network solve did not converge */
    DH_RETIRE_FAIL_PLANT = 1u << 1,       /* the plant cannot deliver the demand */
    DH_RETIRE_FAIL_REGION = 1u << 2,      /* plant outside its operating region */
    DH_RETIRE_FAIL_N1 = 1u << 3,          /* N-1 capacity below the demand (checks.n1) */
    DH_RETIRE_FAIL_PRESSURE = 1u << 4,    /* a delivery pressure below minimum + margin */
    DH_RETIRE_FAIL_TEMPERATURE = 1u << 5, /* a delivery temperature below minimum + margin, or
                                             wet steam where dry is required */
    DH_RETIRE_FAIL_VELOCITY = 1u << 6,    /* a steam pipe above the velocity limit */
};
#define DH_RETIRE_FAIL_COUNT 7

/* ---- hours of a series (`checks.hour: series_worst_hours`, docs/retire.md) ---------------- */
#define DH_RETIRE_HOURS_MAX 128

/* Why an hour was picked (bits of dh_retire_hour.why). */
enum {
    DH_RETIRE_HOUR_LOAD = 1u << 0,   /* among the N hours of highest plant load today */
    DH_RETIRE_HOUR_MARGIN = 1u << 1, /* among the N hours of lowest worst delivery margin today */
    DH_RETIRE_HOUR_SITE = 1u << 2,   /* a site's load peak: the hour its moved load is largest
                                        (ties: the lowest margin there) */
};

typedef struct dh_retire_hour {
    size_t hour;            /* hour of the loads' series (from the weather's first day) */
    char label[16];         /* "MM-DD HH:00" */
    unsigned why;           /* DH_RETIRE_HOUR_* */
    size_t site_boiler;     /* SITE: the first boiler (row) whose site peaks here; DH_NONE */
    double air_temperature; /* K */
    double plant_demand;    /* kg/s, today's header draw at the set pressure at this hour */
    double worst_margin;    /* Pa, today at this hour */
    char worst_consumer_id[DH_RETIRE_ID_MAX];
} dh_retire_hour;

typedef struct dh_retire_step {
    size_t step;                /* 0 = today */
    size_t boiler;              /* row in case->retire.boiler retired here; DH_NONE at step 0 */
    double load_moved;          /* kg/s, steam-equivalent load moved onto the network here */
    double heat_moved;          /* W, heat consumers' load moved here (0 for steam sites) */
    double cumulative_load;     /* kg/s, steps 1..k */
    double cumulative_capacity; /* kg/s, rated capacity of the boilers retired so far */
    double plant_demand;        /* kg/s, header draw at the set pressure */
    double plant_load;          /* kg/s, delivered by the plant */
    double plant_capacity;      /* kg/s, with every available boiler */
    double plant_power;         /* W electric */
    double worst_margin;        /* Pa, min over consumers with a minimum: p - p_min */
    size_t worst_consumer;      /* its row, DH_NONE if no consumer has a minimum */
    char worst_consumer_id[DH_RETIRE_ID_MAX]; /* its id ("" none) */
    double max_velocity;        /* m/s, largest |velocity| of a steam pipe */
    size_t max_velocity_link;   /* its link row, DH_NONE */
    char max_velocity_link_id[DH_RETIRE_ID_MAX]; /* its id ("" none) */
    bool n1_checked, n1_holds;
    double n1_margin;           /* kg/s, N-1 capacity - demand */
    double fuel_small;          /* kg/s, small boilers' fuel no longer burnt (vs step 0) */
    double fuel_plant;          /* kg/s, CHP fuel added (vs step 0) */
    double fuel_change;         /* kg/s = fuel_plant - fuel_small (mass of different fuels) */
    double fuel_heat_change;    /* W (LHV), CHP added - small boilers removed */
    double co2_change;          /* kg/s CO2 (negative: saved) */
    double cost_change;         /* currency per s (negative: saved) */
    double greedy_cost;         /* Pa per kg/s, auto order: added drop at the worst consumer per
                                   load moved when chosen (NaN otherwise) */
    size_t hour;                /* series check: the hour these figures are at (row of
                                   dh_retire_result.hour): of the failing hours the one of lowest
                                   worst margin, or with none failing the hour of lowest worst
                                   margin; DH_NONE at the design hour */
    size_t hours_failed;        /* series check: hours that fail at this step */
    bool converged;
    bool ok;                    /* every check passed (at every hour checked) */
    unsigned failed;            /* DH_RETIRE_FAIL_* */
    char binding[DH_RETIRE_TEXT_MAX]; /* what fails and by how much ("" when ok) */
} dh_retire_step;

typedef struct dh_retire_reinf_result {
    size_t reinf;      /* row in case->retire.reinf */
    bool tried;
    size_t fail_step;  /* first failing step with it (DH_NONE: every step passes) */
    size_t unlocked;   /* retirements it adds over the plain study */
    double worst_margin; /* Pa, worst delivery margin at fail_step (NaN: every step passes) */
    double cost;       /* `cost:` (NaN: not given) */
    char binding[DH_RETIRE_TEXT_MAX]; /* what binds then ("" when nothing) */
} dh_retire_reinf_result;

/* A combination of reinforcements (greedy accumulation, docs/retire.md "Reinforcements"):
 * combo[k] holds the k + 1 reinforcements kept after round k + 1. */
typedef struct dh_retire_combo {
    size_t n;                           /* reinforcements in it */
    size_t reinf[DH_RETIRE_REINF_MAX];  /* rows in case->retire.reinf, in the order added */
    size_t fail_step;                   /* first failing step with all of them (DH_NONE: none) */
    size_t unlocked;                    /* retirements added over the plain study */
    double worst_margin;                /* Pa at fail_step (NaN: every step passes) */
    double cost;                        /* sum of their costs (NaN: a cost not given) */
    char binding[DH_RETIRE_TEXT_MAX];
} dh_retire_combo;

typedef struct dh_retire_result {
    size_t n_order;
    size_t order[DH_RETIRE_BOILERS_MAX]; /* boiler rows in retirement order */
    bool order_auto;
    size_t n_steps;          /* steps computed (0..first_fail, or all n_order + 1) */
    dh_retire_step *step;    /* n_order + 1 allocated */
    size_t first_fail;       /* first failing step, DH_NONE when all pass */
    size_t retirable;        /* boilers that can go: first_fail - 1 (0 when step 0 fails) */
    size_t n_reinf;
    dh_retire_reinf_result reinf[DH_RETIRE_REINF_MAX];
    double min_margin, min_temperature_margin, max_steam_velocity; /* checks applied */
    bool check_n1;
    /* series check (checks.hour: series_worst_hours) */
    bool check_series;
    size_t n_hours;                       /* hours picked */
    dh_retire_hour hour[DH_RETIRE_HOURS_MAX];
    size_t screen_steps, screen_failed;   /* steps of today's series run, of which failed */
    double screen_seconds;                /* wall time of that run */
    /* combinations of reinforcements (when none alone lets every step pass) */
    size_t n_combo;
    dh_retire_combo combo[DH_RETIRE_REINF_MAX];
    int reinf_runs;                       /* study runs for the reinforcements (singles +
                                             combinations) */
    size_t conn_dn[DH_RETIRE_BOILERS_MAX]; /* unconnected sites: DN chosen (0: given/none) */
    int network_solves;
    double seconds;          /* wall time of the study */
} dh_retire_result;

/* Each solved step of the main sequence (not trials, not reinforcement runs): its network
 * (a copy with the step's loads; borrowed for the call), state, coupling and row. */
typedef void (*dh_retire_step_fn)(void *user, const dh_retire_step *row, const dh_network *net,
                                  const dh_snapshot *state, const dh_plant_coupling *coupling);

/* Builds the series loads (load models on the weather and calendar) of a case whose network is
 * a step's copy, as dh_case_loads_create does (network/dh_case.h; same contract: *out owned by
 * the caller, errors to diag). The series check needs it; the study itself reads no file, so the
 * caller (cli/cmd_retire.c) provides the reading. */
typedef dh_status (*dh_retire_loads_fn)(void *user, const dh_case *c, dh_loads **out,
                                        int *weather_start, dh_diag *diag);

typedef struct dh_retire_options {
    dh_plant_couple_options couple; /* every coupled solve (N-1 always computed, see check_n1) */
    dh_retire_step_fn on_step;      /* may be NULL */
    void *user;
    bool keep_going;                /* run every step even after a failing one (default false) */
    dh_retire_loads_fn loads_create; /* series check: required (NULL: the check is refused) */
    void *loads_user;
} dh_retire_options;

void dh_retire_options_init(dh_retire_options *opt);

/* Runs the study of c->retire on c->net with c->plant. Returns DH_OK when the study ran (a failing
 * step is a result); DH_ERR_INPUT when the case has no plant or no retirement study; a solver
 * error otherwise (err names it). *out owned by the caller. */
dh_status dh_retire_run(const dh_case *c, const dh_retire_options *opt, dh_retire_result **out,
                        dh_error *err);
void dh_retire_result_destroy(dh_retire_result **r);

/* "plant capacity", "N-1", "delivery pressure" ... for one DH_RETIRE_FAIL_* bit. */
const char *dh_retire_fail_name(unsigned bit);

#endif /* DH_RETIRE_H */
