/* dh_plant_spec.h: the `plant:` section of a case file, as read (public).
 *
 * The CHP plant that feeds the network through one fixed-pressure steam source (its header):
 * boilers, extraction-condensing turbines, the pressure-reducing and desuperheating station
 * (PRDS), the dispatch rule and the N-1 option. The reader (network/case_build.c) checks keys,
 * units and ranges and fills this struct in SI units; values the file leaves out stay NaN (or -1
 * for the integer options, 0 points for a curve), meaning "the model's default". The solver
 * (solver/plant_couple.c, dh_plant_params_from_spec) turns it into dh_plant_params, taking every
 * missing value from dh_boiler_defaults / dh_turbine_defaults / dh_prds_defaults
 * (docs/plant.md lists them with their sources), and checks the consistency of each unit
 * (minimum below maximum, set points above saturation...) with the unit's case-file position.
 *
 * No solver types here: network/ stays below solver/. The integer options use the values of
 * dh_boiler_sharing, dh_power_mode and dh_turbine_model of solver/dh_plant.h.
 * Case format: docs/case-format.md, section `plant`.
 */
#ifndef DH_PLANT_SPEC_H
#define DH_PLANT_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_status.h"

#define DH_PLANT_SPEC_ID_MAX 32     /* = DH_PLANT_ID_MAX */
#define DH_PLANT_SPEC_UNITS_MAX 8   /* boilers, turbines: = DH_PLANT_BOILERS_MAX / TURBINES_MAX */
#define DH_PLANT_SPEC_CURVE_MAX 16  /* = DH_PLANT_CURVE_MAX */

/* Option values (the same numbers as the solver's enums). */
enum { DH_PLANT_SHARE_EQUAL = 0, DH_PLANT_SHARE_MERIT = 1 };
enum { DH_PLANT_POWER_HEAT_LED = 0, DH_PLANT_POWER_MAX = 1, DH_PLANT_POWER_TARGET = 2 };
enum { DH_PLANT_TURBINE_EFFICIENCY = 0, DH_PLANT_TURBINE_WILLANS = 1 };

/* Every double: SI (Pa absolute, K, kg/s, J/kg, W, fractions as 0..1), NaN = not given. */
typedef struct dh_plant_boiler_spec {
    char id[DH_PLANT_SPEC_ID_MAX];
    int line, col;            /* position of the unit's entry in the case file */
    int in_service;           /* 1 in service, 0 out, -1 not given (in service) */
    int merit;                /* merit order (lower first), -1 not given (list order) */
    double rated_flow;        /* kg/s */
    double min_load;          /* fraction of rated_flow */
    double steam_pressure;    /* Pa abs */
    double steam_temperature; /* K */
    double feedwater_pressure;    /* Pa abs */
    double feedwater_temperature; /* K */
    double blowdown;          /* fraction of the steam flow */
    double fuel_lhv;          /* J/kg */
    int n_efficiency;         /* 0: default curve */
    double efficiency_load[DH_PLANT_SPEC_CURVE_MAX]; /* fraction, increasing */
    double efficiency[DH_PLANT_SPEC_CURVE_MAX];      /* fraction, LHV basis */
} dh_plant_boiler_spec;

typedef struct dh_plant_turbine_spec {
    char id[DH_PLANT_SPEC_ID_MAX];
    int line, col;
    int in_service;           /* 1, 0, -1 not given */
    int model;                /* DH_PLANT_TURBINE_*, -1 not given (efficiency) */
    double throttle_pressure, throttle_temperature; /* Pa abs, K */
    double min_throttle_flow, max_throttle_flow;    /* kg/s */
    double valve_loss;                              /* fraction of throttle_pressure */
    double design_extraction_pressure;              /* Pa abs */
    double extraction_pressure_min, extraction_pressure_max; /* Pa abs */
    double extraction_line_dp;                      /* Pa */
    double max_extraction;                          /* kg/s */
    double min_lp_flow, max_lp_flow;                /* kg/s */
    double lp_valve_loss;                           /* fraction */
    double condenser_pressure;                      /* Pa abs */
    double eta_hp, eta_lp, eta_mech, eta_gen;       /* fractions */
    double max_power;                               /* W electric */
    double willans_no_load;                         /* W shaft */
} dh_plant_turbine_spec;

typedef struct dh_plant_prds_spec {
    char id[DH_PLANT_SPEC_ID_MAX];
    int line, col;
    int in_service;           /* 1, 0, -1 not given */
    double capacity;          /* kg/s outlet */
    double spray_pressure;    /* Pa abs */
    double spray_temperature; /* K */
} dh_plant_prds_spec;

typedef struct dh_plant_spec {
    bool present;             /* the case has a plant section */
    char file[DH_ERROR_FILE_MAX]; /* case file of the positions below */
    int line, col;            /* the `plant:` mapping */
    char id[DH_PLANT_SPEC_ID_MAX];
    char header_source[DH_ERROR_COMP_MAX]; /* id of the fixed-pressure steam source it feeds */
    int header_line, header_col;
    size_t source;            /* that source's row in the network's sources table */
    int sharing;              /* DH_PLANT_SHARE_*, -1 not given (equal) */
    int extraction_desuperheat; /* 1, 0, -1 not given (on) */
    int power_mode;           /* DH_PLANT_POWER_*, -1 not given (heat-led) */
    double power_target;      /* W, power_mode target only */
    bool n1_check;            /* run the N-1 check (one boiler out): default true */
    size_t n_boilers, n_turbines;
    dh_plant_boiler_spec boiler[DH_PLANT_SPEC_UNITS_MAX];
    dh_plant_turbine_spec turbine[DH_PLANT_SPEC_UNITS_MAX];
    bool has_prds;            /* false: the default PRDS */
    dh_plant_prds_spec prds;
} dh_plant_spec;

#endif /* DH_PLANT_SPEC_H */
