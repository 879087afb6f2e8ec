/* dh_case.h: a case file read into memory (public): the network plus the study to run and the
 * file's identity. Produced by the case reader (case_read.c) from YAML (+ CSV tables). */
#ifndef DH_CASE_H
#define DH_CASE_H

#include "dh_loads.h"
#include "dh_network.h"
#include "dh_plant_spec.h"
#include "dh_units.h"

typedef enum dh_study_type {
    DH_STUDY_STEADY = 0,
    DH_STUDY_SERIES = 1,
    DH_STUDY_TRANSIENT = 2,
} dh_study_type;

typedef enum dh_friction_model {
    DH_FRICTION_COLEBROOK = 0,   /* Colebrook-White, solved to machine precision */
    DH_FRICTION_SWAMEE_JAIN = 1, /* explicit approximation used by EPANET */
    DH_FRICTION_HAZEN_WILLIAMS = 2, /* water only: h = 10.667 C^-1.852 d^-4.871 L Q^1.852 with
                                       each pipe's C (pipes.hazen_williams_c; EPANET's H-W;
                                       docs/model-pipes.md) */
} dh_friction_model;

/* `study: {water: iapws | incompressible}` (docs/case-format.md, docs/model.md "Incompressible
 * water"): the water of a water network as the real fluid (IAPWS-IF97, heat transport) or,
 * for hydraulic studies (EPANET's model), at one temperature with constant density and
 * viscosity and no energy equation. */
typedef enum dh_water_model {
    DH_WATER_IAPWS = 0,
    DH_WATER_INCOMPRESSIBLE = 1,
} dh_water_model;

typedef struct dh_study {
    dh_study_type type;
    dh_friction_model friction;
    double tolerance;        /* relative residual tolerance of the steady solve (-) */
    int max_iterations;      /* Newton iterations before load continuation */
    double max_steam_velocity; /* m/s, velocity limit checked for steam pipes (0: none) */
    double max_water_velocity; /* m/s, velocity limit checked for water pipes (0: none) */
    dh_water_model water;      /* default DH_WATER_IAPWS */
    double water_temperature;  /* K, incompressible water's temperature; NaN: the sources' */
    /* series study (`study: {type: series, start:, end:, step:}`, docs/case-format.md) */
    double series_start;    /* s from 1 January 00:00 of the first step; NaN: the weather's start */
    double series_duration; /* s covered by the steps (end - start, wrapping over New Year);
                               0: one period of the weather series (8760 h for a year) */
    double series_step;     /* s between steps, a whole number of hours (default 3600) */
    double series_output_interval; /* s between rows written to the results file, a whole
                                      multiple of series_step (0: every step) */
} dh_study;

/* ---- the loads of a series study: `weather:`, `calendar:`, `loads:` as read -------------
 * (docs/case-format.md, docs/loads.md). Fixed-size so the case holds it by value; files
 * (weather, profiles) are not read by the case reader: dh_case_loads_create reads them. */
#define DH_SERIES_NAME_MAX 64
#define DH_SERIES_PATH_MAX 512
#define DH_SERIES_MODELS_MAX 32
#define DH_SERIES_ASSIGN_MAX 128
#define DH_SERIES_PARTS_MAX 4
#define DH_SERIES_COINC_MAX 32

typedef enum dh_weather_kind {
    DH_WEATHER_CONSTANT = 0,   /* no `weather:`: ambient.air every hour */
    DH_WEATHER_EPW = 1,
    DH_WEATHER_CSV = 2,
    DH_WEATHER_DESIGN_DAY = 3,
} dh_weather_kind;

typedef struct dh_series_model {
    char name[DH_SERIES_NAME_MAX];
    int line, col;                       /* position of the model's entry */
    dh_load_model model;                 /* kind and parameters in SI (profile: NULL) */
    char profile_path[DH_SERIES_PATH_MAX]; /* PROFILE: the CSV, relative to the case's folder
                                            already resolved */
} dh_series_model;

typedef struct dh_series_part {
    size_t model;  /* index in dh_series_spec.model */
    double share;  /* -, design = share x the consumer's demand (when design is NaN) */
    double design; /* W or kg/s (a profile: scale), NaN: from share */
    dh_quantity design_quantity; /* of `design`: DH_Q_POWER, DH_Q_MASS_FLOW, DIMENSIONLESS */
} dh_series_part;

typedef struct dh_series_assign {
    char target[DH_SERIES_NAME_MAX]; /* a consumer id or a group name */
    bool is_group;                   /* resolved by the reader (an id wins over a group) */
    int line, col;
    size_t n_parts;
    dh_series_part part[DH_SERIES_PARTS_MAX];
} dh_series_assign;

typedef struct dh_series_coinc {
    char group[DH_SERIES_NAME_MAX];
    double k; /* -, 0 < k <= 1 */
    int line, col;
} dh_series_coinc;

typedef struct dh_series_spec {
    bool present; /* any of weather:, calendar:, loads: given */
    dh_weather_kind weather;
    char weather_path[DH_SERIES_PATH_MAX]; /* EPW / CSV, resolved against the case's folder */
    int weather_line, weather_col;
    /* design day: 24 h repeated `days` times from day of year `day` */
    double dd_value, dd_range; /* K, K */
    int dd_basis, dd_shape;    /* dh_design_basis, dh_diurnal_shape */
    int dd_day, dd_days;
    /* calendar */
    int first_weekday; /* 0 Monday .. 6 Sunday; -1: from the EPW (else Monday) */
    size_t n_holidays;
    int holiday[DH_CALENDAR_MAX_HOLIDAYS]; /* day of year */
    /* loads */
    size_t n_models;
    dh_series_model model[DH_SERIES_MODELS_MAX];
    size_t n_assign;
    dh_series_assign assign[DH_SERIES_ASSIGN_MAX];
    size_t n_coinc;
    dh_series_coinc coinc[DH_SERIES_COINC_MAX];
} dh_series_spec;

/* ---- the transient study: `study: {type: transient, duration:, output_interval:, ...}` and
 * the `events:` section (docs/case-format.md "Transient study", docs/transient.md). Read in SI;
 * targets resolved against the built network (and the plant's boilers). cli/run_transient.c
 * turns them into the solver's dh_event array (solver/dh_transient.h). Fixed-size so the case
 * holds it by value. */
#define DH_CASE_EVENTS_MAX 256

typedef enum dh_case_event_type {
    DH_CASE_EVENT_BOILER_TRIP = 0,   /* plant boiler `target` out: the header source's max flow
                                        becomes the plant's capacity without it */
    DH_CASE_EVENT_BOILER_RETURN = 1, /* plant boiler `target` back in service */
    DH_CASE_EVENT_SOURCE_PRESSURE = 2,    /* Pa abs */
    DH_CASE_EVENT_SOURCE_TEMPERATURE = 3, /* K */
    DH_CASE_EVENT_SOURCE_MAX_FLOW = 4,    /* kg/s (INFINITY: `none`, the limit lifted) */
    DH_CASE_EVENT_SOURCE_FLOW = 5,        /* kg/s, fixed-flow source */
    DH_CASE_EVENT_DEMAND_STEP = 6,        /* kg/s (steam, water) or W (heat), or a fraction */
    DH_CASE_EVENT_DEMAND_RAMP = 7,        /* same, over `duration` */
    DH_CASE_EVENT_VALVE = 8,              /* opening 0..1 */
} dh_case_event_type;

typedef struct dh_case_event {
    dh_case_event_type type;
    double time;     /* s from the start of the run (`at:`) */
    double value;    /* SI target value; NaN when given as a fraction or for boiler events */
    double fraction; /* demand events given in % or as a bare number: fraction of each
                        target consumer's design demand; NaN otherwise */
    double duration; /* s, ramp duration (0: a step) */
    char target[DH_SERIES_NAME_MAX]; /* id as written (consumer, group, source, valve, boiler) */
    bool target_is_group;            /* demand events: a consumer group (an id wins) */
    size_t index;    /* resolved row: consumer, source, valve (valves table) or plant boiler;
                        DH_NONE for a group */
    int quantity;    /* dh_quantity `value` was read as (demand events: mass flow or power) */
    int line, col;   /* the event's entry in the case file */
    int target_line, target_col; /* its `target:` value */
} dh_case_event;

typedef struct dh_transient_spec {
    double duration;        /* s, simulated time (default 3600) */
    double output_interval; /* s between outputs (default 300) */
    double rtol;            /* IDA relative tolerance (default 1e-6) */
    double atol;            /* absolute tolerance factor x the unknowns' scales (default rtol) */
    double max_step;        /* s, largest internal step (0: IDA's choice) */
    double checkpoint;      /* s between checkpoints (`study.checkpoint`; 0: none) */
    size_t n_events;
    dh_case_event events[DH_CASE_EVENTS_MAX]; /* in file order */
} dh_transient_spec;


/* ---- the small-boiler retirement study: `small_boilers:`, `fuels:`, `retire:` ---------------
 * (docs/case-format.md "Retirement study", docs/retire.md). Read by the case reader into
 * c->retire in SI; ids resolved against the built network. Fixed-size so the case holds it by
 * value. Used by `dhsim retire` (solver/dh_retire.h). */
#define DH_RETIRE_ID_MAX 64
#define DH_RETIRE_BOILERS_MAX 64
#define DH_RETIRE_FUELS_MAX 8
#define DH_RETIRE_REINF_MAX 16

typedef struct dh_fuel_spec {
    char name[DH_RETIRE_ID_MAX];
    double lhv;             /* J/kg, lower heating value as fired */
    double emission_factor; /* kg CO2 per J of fuel heat (LHV); the file gives t CO2/TJ */
    double price;           /* currency units per kg of fuel; the file gives per t */
    int line, col;
} dh_fuel_spec;

typedef struct dh_small_boiler_spec {
    char id[DH_RETIRE_ID_MAX];
    char site[DH_RETIRE_ID_MAX];  /* node id of the site (connected), or the new site node's id */
    char group[DH_RETIRE_ID_MAX]; /* consumer group ("" none) */
    char fuel[DH_RETIRE_ID_MAX];  /* a `fuels:` entry */
    double capacity;     /* kg/s, rated steam output */
    double efficiency;   /* -, LHV basis */
    double current_load; /* kg/s steam (load_is_heat false) or W heat (true) carried today */
    bool load_is_heat;
    bool connected;      /* the site is a node of the network with a consumer on it */
    /* unconnected site: a new node at (x, y, z) joined by a new pipe */
    double x, y, z;           /* m */
    char conn_from[DH_RETIRE_ID_MAX]; /* node the connection leaves ("": nearest steam node) */
    double conn_length;       /* m; NaN: straight distance x DH_RETIRE_ROUTE_FACTOR */
    double conn_diameter;     /* m inner; NaN: chosen by the study from the DN series */
    double conn_outer_diameter; /* m (0: builder default) */
    double min_pressure;      /* Pa abs, the new consumer's minimum delivery pressure (0: none) */
    /* resolved by the reader (connected sites) */
    size_t site_node;   /* node index or DH_NONE */
    size_t consumer;    /* consumer row at the site or DH_NONE */
    size_t fuel_index;  /* row in dh_retire_spec.fuel */
    int line, col;
} dh_small_boiler_spec;

typedef enum dh_reinforcement_type {
    DH_REINFORCE_PARALLEL_PIPE = 0, /* a second pipe of `diameter` beside `pipe` (same ends,
                                       length, roughness, insulation) */
    DH_REINFORCE_UPSIZE = 1,        /* `pipe` replaced by one of `diameter` */
} dh_reinforcement_type;

typedef struct dh_reinforcement_spec {
    char id[DH_RETIRE_ID_MAX];
    dh_reinforcement_type type;
    char pipe[DH_RETIRE_ID_MAX];
    double diameter, outer_diameter; /* m (outer 0: builder default) */
    size_t pipe_row;                 /* resolved: row in the pipe table */
    double cost;                     /* `cost:` in the engineer's currency (NaN: not given) */
    int line, col;
} dh_reinforcement_spec;

#define DH_RETIRE_ROUTE_FACTOR 1.3 /* route length / straight distance of a proposed connection */

typedef struct dh_retire_spec {
    bool present;        /* `retire:` given (needs `small_boilers:`) */
    size_t n_boilers;
    dh_small_boiler_spec boiler[DH_RETIRE_BOILERS_MAX];
    size_t n_fuels;
    dh_fuel_spec fuel[DH_RETIRE_FUELS_MAX];
    char plant_fuel[DH_RETIRE_ID_MAX]; /* the fuel the CHP boilers burn (a `fuels:` entry) */
    size_t plant_fuel_index;           /* resolved, DH_NONE when not in `fuels:` */
    bool order_auto;     /* `order: auto` (greedy, docs/retire.md) */
    size_t n_order;
    size_t order[DH_RETIRE_BOILERS_MAX]; /* boiler rows in retirement order (explicit order) */
    /* checks */
    bool check_n1;              /* the N-1 verdict binds (reported either way) */
    double min_margin;          /* Pa, delivery pressure above each consumer's minimum */
    double min_temperature_margin; /* K, delivery temperature above each consumer's minimum */
    double max_steam_velocity;  /* m/s; NaN: the study's (0: no check) */
    double feedwater_temperature; /* K, small boilers' feedwater (fuel they burn today) */
    size_t n_reinf;
    dh_reinforcement_spec reinf[DH_RETIRE_REINF_MAX];
    /* `checks.hour: series_worst_hours` (docs/retire.md "Hours of a series"): each step is
     * checked at the hours picked from one series run of today's network (the case's
     * `weather:`, `calendar:`, `loads:` and study window) instead of the design hour */
    bool check_series;          /* false: `hour: design` (default) */
    size_t check_hours;         /* `checks.hours` N (default 3): N highest plant load + N lowest
                                   worst margin + each site's load peak, de-duplicated */
    bool combine;               /* `combine: greedy` (default): reinforcements accumulated when
                                   none alone unlocks every step; `none`: each alone only */
    int line, col;
} dh_retire_spec;

typedef struct dh_case {
    char *path;       /* the case file as given */
    char sha256[65];  /* hex SHA-256 of the case file's bytes */
    char *name;
    dh_network *net;  /* owned */
    dh_study study;
    dh_plant_spec plant; /* the `plant:` section (plant.present false when there is none) */
    dh_series_spec series; /* `weather:`, `calendar:`, `loads:` (series.present) */
    dh_transient_spec transient; /* study.duration etc. and `events:` (transient studies) */
    struct dh_sweep_spec *sweep; /* the `sweep:` section, NULL when there is none (owned) */
    dh_retire_spec retire; /* `small_boilers:`, `fuels:`, `retire:` (retire.present) */
} dh_case;

/* ---- the `sweep:` section (docs/case-format.md "Sweeps"; read in case_build.c) ----------
 * Parameters are dotted --set paths, each with a list of values (texts as written, given to
 * --set unchanged) or a range {from:, to:, steps:} (numbers in one unit, expanded to `steps`
 * evenly spaced texts "<number> <unit>"). The case list itself (design, SI values, hash) is
 * made by dh_sweep_cases_create (network/dh_sweep.h). */
typedef enum dh_sweep_design {
    DH_SWEEP_GRID = 0,          /* full factorial, the last parameter varying fastest */
    DH_SWEEP_ONE_AT_A_TIME = 1, /* the base case, then each value of each parameter alone */
    DH_SWEEP_LHS = 2,           /* Latin hypercube: `samples` cases, `seed` */
} dh_sweep_design;

typedef struct dh_sweep_param {
    char *path;        /* dotted --set path ("ambient.air") */
    int line, col;     /* position of the parameter's key */
    size_t n_values;   /* list: the values; range: `steps` */
    char **values;     /* the value texts ("-10 degC"); a range expanded */
    bool is_range;     /* {from:, to:, steps:}: Latin hypercube samples it continuously */
    double from, to;   /* range ends, numbers in `unit` */
    char *unit;        /* range unit text ("MPa(g)"; "" for bare numbers) */
} dh_sweep_param;

#define DH_SWEEP_FIGURE_MAX 40 /* figures collected per case */

typedef struct dh_sweep_spec {
    int line, col;                /* the `sweep:` key */
    dh_sweep_design design;
    size_t samples;               /* Latin hypercube: number of cases */
    unsigned long long seed;      /* Latin hypercube: random seed */
    size_t n_params;
    dh_sweep_param *param;
    size_t n_collect;             /* 0: every figure (dh_sweep_figure_names) */
    const char *collect[DH_SWEEP_FIGURE_MAX]; /* names from dh_sweep_figure_names (static) */
    bool per_case_results;        /* /sweep/cases/NNNNNN/ with every case's full results */
} dh_sweep_spec;

/* The names of the figures a sweep can collect, NULL-terminated (network/sweep_design.c;
 * their definitions and units: docs/case-format.md "Sweeps"; computed by postproc/study.c). */
extern const char *const dh_sweep_figure_names[];
/* Frees a spec and its strings; accepts NULL, sets *s NULL. */
void dh_sweep_spec_destroy(struct dh_sweep_spec **s);

/* Reads and builds a case. `overrides` are "dotted.path=value" strings (from --set) applied to
 * the YAML document before it is interpreted. Every problem found goes to diag as
 * file:line:column errors; returns DH_OK, or <0 with *out == NULL. */
dh_status dh_case_read(const char *path, const char *const *overrides, size_t n_overrides,
                       dh_case **out, dh_diag *diag);
void dh_case_destroy(dh_case **c);

/* Same from text in memory (the fuzzer, tests, generated cases). `name` stands for the file in
 * messages and its directory holds any CSV tables (NULL: "<string>", tables relative to the
 * current directory). `units` is borrowed; NULL loads the udunits2 database for this call
 * (tens of milliseconds: callers reading many cases create one with dh_units_create). */
dh_status dh_case_read_string(const char *text, size_t len, const char *name,
                              const char *const *overrides, size_t n_overrides,
                              const dh_units *units, dh_case **out, dh_diag *diag);

/* The loads of a series study (network/case_loads.c): reads the weather (EPW, CSV or the
 * design day; ambient.air constant without `weather:`) and the profile CSVs, gives every
 * consumer its components (`loads.assign`; one constant component equal to its demand when
 * nothing names it), the group coincidences, and prepares them on the calendar. *weather_start
 * (may be NULL) receives the weather's first day of year. Errors go to diag with file:line:col;
 * returns DH_OK or < 0 with *out == NULL. `units` NULL: loaded for this call. */
dh_status dh_case_loads_create(const dh_case *c, const dh_units *units, dh_loads **out,
                               int *weather_start, dh_diag *diag);
/* The same as a loads provider for studies that build loads for network variants (the
 * retirement study's dh_retire_options.loads_create): user is a `const dh_units *` or NULL. */
dh_status dh_case_loads_read(void *user, const dh_case *c, dh_loads **out, int *weather_start,
                             dh_diag *diag);

#endif
