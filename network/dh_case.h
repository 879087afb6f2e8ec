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

typedef struct dh_case {
    char *path;       /* the case file as given */
    char sha256[65];  /* hex SHA-256 of the case file's bytes */
    char *name;
    dh_network *net;  /* owned */
    dh_study study;
    dh_plant_spec plant; /* the `plant:` section (plant.present false when there is none) */
    dh_series_spec series; /* `weather:`, `calendar:`, `loads:` (series.present) */
} dh_case;

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

#endif
