/* dh_plant.h: the CHP plant model and its dispatch (public).
 *
 * A combined heat and power plant with a common main-steam header: CFB boilers feed the main
 * steam header; extraction-condensing turbines take main steam, deliver a controlled extraction
 * to the network header and condense the rest; a pressure-reducing and desuperheating station
 * (PRDS) bypasses main steam to the network header with feedwater spray. The plant's interface
 * to the network is the header: the network asks for a steam mass flow at the header pressure and
 * temperature set point; dh_plant_dispatch() says how the plant delivers it, or how much it
 * cannot and which limit binds.
 *
 * Pure numerics: no I/O, no allocation (every array is fixed-size inside the structs), SI units
 * (Pa absolute, K, kg/s, J/kg, W). Properties from IAPWS-IF97 (dh_props.h).
 * Implemented in plant_boiler.c, plant_turbine.c, plant_prds.c, plant_dispatch.c.
 * Model, dispatch rule and every default with its source: docs/plant.md.
 * Callers: the case reader (fills dh_plant_params from the `plant:` section), the coupled
 * network solve (calls dh_plant_dispatch with the header demand), the summary and HDF5 writers.
 */
#ifndef DH_PLANT_H
#define DH_PLANT_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_status.h"

#define DH_PLANT_ID_MAX 32
#define DH_PLANT_CURVE_MAX 16
#define DH_PLANT_BOILERS_MAX 8
#define DH_PLANT_TURBINES_MAX 8
#define DH_PLANT_REGION_MAX 24

/* ---- curves --------------------------------------------------------------------------------- */

/* A piecewise-linear curve y(x), x strictly increasing, 1 <= n <= DH_PLANT_CURVE_MAX.
 * Evaluated by linear interpolation, held constant beyond the end points. */
typedef struct dh_plant_curve {
    int n;
    double x[DH_PLANT_CURVE_MAX];
    double y[DH_PLANT_CURVE_MAX];
} dh_plant_curve;

double dh_plant_curve_eval(const dh_plant_curve *c, double x);

/* ---- Stodola's cone law (ellipse law) ------------------------------------------------------
 * For a stage group without choked stages (A. Stodola, Steam and Gas Turbines, 1927; D. H. Cooke,
 * ASME J. Eng. Gas Turbines Power 107(3):596-606, 1985):
 *     m / m_ref = sqrt((p_in^2 - p_out^2) / (p_in_ref^2 - p_out_ref^2)) * sqrt(pv_ref / pv)
 * with pv = p_in * v_in (J/kg, = R T for an ideal gas). */
double dh_stodola_flow(double m_ref, double p_in_ref, double p_out_ref, double pv_ref, double p_in,
                       double p_out, double pv);
/* Closed-form inverse: the inlet pressure (Pa) that passes m at outlet pressure p_out, given the
 * ratio pv / pv_ref of the inlet states:
 *     p_in = sqrt(p_out^2 + (m/m_ref)^2 (p_in_ref^2 - p_out_ref^2) pv/pv_ref). */
double dh_stodola_inlet_pressure(double m, double m_ref, double p_in_ref, double p_out_ref,
                                 double p_out, double pv_ratio);

/* ---- CFB boiler ----------------------------------------------------------------------------- */

typedef struct dh_boiler_params {
    char id[DH_PLANT_ID_MAX];
    bool in_service;              /* availability: false = out (maintenance, fault) */
    int merit;                    /* merit order: lower is loaded first and shut down last */
    double rated_flow;            /* kg/s, main steam at boiler maximum continuous rating (BMCR) */
    double min_load;              /* -, minimum stable load as a fraction of rated_flow */
    double steam_pressure;        /* Pa abs, superheater outlet */
    double steam_temperature;     /* K, superheater outlet */
    double feedwater_temperature; /* K, economiser inlet */
    double feedwater_pressure;    /* Pa abs, economiser inlet */
    double blowdown;              /* -, continuous blowdown as a fraction of the steam flow */
    double fuel_lhv;              /* J/kg, fuel lower heating value as fired */
    dh_plant_curve efficiency;    /* x: load fraction (-), y: boiler efficiency (-, LHV basis) */
} dh_boiler_params;

typedef struct dh_boiler_state {
    double load;           /* -, steam_flow / rated_flow */
    double steam_flow;     /* kg/s */
    double blowdown_flow;  /* kg/s, saturated water at steam_pressure */
    double feedwater_flow; /* kg/s = steam_flow + blowdown_flow */
    double h_steam, h_feedwater, h_blowdown; /* J/kg */
    double heat_absorbed;  /* W = m_s (h_s - h_fw) + m_bd (h_bd - h_fw) */
    double efficiency;     /* -, from the curve at `load` */
    double heat_input;     /* W = heat_absorbed / efficiency (fuel LHV) */
    double fuel_flow;      /* kg/s = heat_input / fuel_lhv */
    double loss;           /* W = heat_input - heat_absorbed */
} dh_boiler_state;

void dh_boiler_defaults(dh_boiler_params *b);
dh_status dh_boiler_validate(const dh_boiler_params *b, dh_error *err);
/* State at a steam flow (kg/s, 0 <= steam_flow; a flow of 0 gives an all-zero state with the
 * enthalpies set). Limits are the dispatch's business: this evaluates any flow. */
dh_status dh_boiler_eval(const dh_boiler_params *b, double steam_flow, dh_boiler_state *out,
                         dh_error *err);

/* ---- extraction-condensing turbine ---------------------------------------------------------- */

typedef enum dh_turbine_model {
    DH_TURBINE_EFFICIENCY = 0, /* section internal efficiencies + Stodola off-design pressures */
    DH_TURBINE_WILLANS = 1,    /* Willans line: section enthalpy drops fixed at their design
                                  values, a no-load loss as intercept */
} dh_turbine_model;

typedef struct dh_turbine_params {
    char id[DH_PLANT_ID_MAX];
    bool in_service;
    dh_turbine_model model;
    double throttle_pressure;     /* Pa abs, ahead of the stop valve */
    double throttle_temperature;  /* K, ahead of the stop valve */
    double max_throttle_flow;     /* kg/s, valves wide open at the design extraction pressure:
                                     also the reference of the HP Stodola law */
    double min_throttle_flow;     /* kg/s */
    double valve_loss;            /* -, stop + control valve pressure loss at max_throttle_flow,
                                     fraction of throttle_pressure */
    double design_extraction_pressure; /* Pa abs, in the extraction chamber */
    double extraction_pressure_min;    /* Pa abs, controlled range of the extraction pressure */
    double extraction_pressure_max;    /* Pa abs */
    double extraction_line_dp;    /* Pa, extraction chamber -> network header (valves, piping) */
    double max_extraction;        /* kg/s */
    double min_lp_flow;           /* kg/s, cooling steam of the last stages (condenser flow) */
    double max_lp_flow;           /* kg/s, LP swallowing capacity, LP valve wide open, at the design
                                     extraction pressure: reference of the LP Stodola law */
    double lp_valve_loss;         /* -, LP control valve loss when wide open, fraction of the
                                     extraction pressure */
    double condenser_pressure;    /* Pa abs, back pressure */
    double eta_hp;                /* -, internal (isentropic) efficiency, valves -> extraction */
    double eta_lp;                /* -, internal efficiency, LP valve -> exhaust (incl. moisture
                                     and leaving losses) */
    double eta_mech;              /* -, mechanical (bearings, oil pump) */
    double eta_gen;               /* -, generator */
    double max_power;             /* W electric, rated / maximum */
    double willans_no_load;       /* W shaft, Willans intercept (DH_TURBINE_WILLANS only) */
} dh_turbine_params;

typedef struct dh_turbine_state {
    double throttle_flow, extraction_flow, lp_flow;  /* kg/s; throttle = extraction + lp */
    double p_throttle, h_throttle;                   /* Pa, J/kg ahead of the stop valve */
    double p_hp_inlet;      /* Pa, after the control valves (Stodola), isenthalpic throttling */
    double p_extraction, h_extraction, T_extraction; /* Pa, J/kg, K in the extraction chamber */
    double p_lp_inlet;      /* Pa, after the LP control valve (Stodola) */
    double p_exhaust, h_exhaust, x_exhaust;          /* Pa, J/kg, quality (1: superheated) */
    double hp_power, lp_power;  /* W shaft, m0 (h0 - h_e) and m_c (h_e - h_x) */
    double shaft_power;     /* W = hp_power + lp_power */
    double electric_power;  /* W = shaft_power eta_mech eta_gen */
    double condenser_heat;  /* W = m_c (h_x - h'(p_c)) */
} dh_turbine_state;

/* The operating region at one extraction pressure: the derived limits and the polygon of the
 * power vs extraction diagram (vertices counter-clockwise: the lower boundary from zero
 * extraction to the maximum, then the upper boundary back). */
typedef struct dh_turbine_region {
    double p_extraction;    /* Pa, at which it was derived */
    bool extraction_ok;     /* the extraction pressure lies in the controlled range */
    bool uncontrolled;      /* it lies below that range: the extraction is uncontrolled (the
                               extraction valve / LP diaphragm can no longer hold the chamber
                               pressure up; it follows the header, docs/plant.md) and the unit
                               keeps running; extraction is still possible */
    double max_throttle;    /* kg/s, min(max_throttle_flow, HP Stodola capacity) */
    double max_lp;          /* kg/s, LP Stodola capacity with the LP valve wide open */
    double max_extraction;  /* kg/s, largest extraction that some operating point allows */
    double min_extraction;  /* kg/s, smallest one: 0, except with uncontrolled extraction when the
                               LP cannot swallow the minimum throttle flow alone
                               (min_throttle_flow - max_lp); the polygon starts there */
    double min_power, max_power; /* W electric over the whole region */
    int n;
    double extraction[DH_PLANT_REGION_MAX]; /* kg/s */
    double power[DH_PLANT_REGION_MAX];      /* W electric */
} dh_turbine_region;

void dh_turbine_defaults(dh_turbine_params *t);
dh_status dh_turbine_validate(const dh_turbine_params *t, dh_error *err);
/* State at extraction pressure p_extraction (Pa, in the chamber), throttle and extraction flows
 * (kg/s). Evaluates any flows with throttle_flow >= extraction_flow >= 0 and
 * throttle_flow > 0; limits are checked by the region / dispatch functions. */
dh_status dh_turbine_eval(const dh_turbine_params *t, double p_extraction, double throttle_flow,
                          double extraction_flow, dh_turbine_state *out, dh_error *err);
/* The range of the LP (condensing) flow at a given extraction flow: every limit (throttle min/max,
 * LP min/max, electric power max) respected. Returns DH_OK with *lo <= *hi, or DH_ERR_INFEASIBLE
 * (no error text) when no LP flow works at this extraction. */
dh_status dh_turbine_lp_range(const dh_turbine_params *t, double p_extraction,
                              double extraction_flow, double *lo, double *hi, dh_error *err);
dh_status dh_turbine_region_eval(const dh_turbine_params *t, double p_extraction,
                                 dh_turbine_region *out, dh_error *err);

/* ---- PRDS ----------------------------------------------------------------------------------- */

typedef struct dh_prds_params {
    char id[DH_PLANT_ID_MAX];
    bool in_service;
    double capacity;          /* kg/s, outlet (reduced and desuperheated) steam */
    double spray_temperature; /* K, spray water (feedwater) */
    double spray_pressure;    /* Pa abs, spray water */
} dh_prds_params;

typedef struct dh_prds_state {
    double inlet_flow, spray_flow, outlet_flow; /* kg/s; outlet = inlet + spray */
    double p_in, h_in;          /* Pa, J/kg main steam */
    double T_throttled;         /* K after the isenthalpic pressure reduction, before spray */
    double h_spray;             /* J/kg */
    double p_out, h_out, T_out; /* Pa, J/kg, K at the header */
} dh_prds_state;

void dh_prds_defaults(dh_prds_params *p);
dh_status dh_prds_validate(const dh_prds_params *p, dh_error *err);
/* Reduces main steam (p_in, h_in) to p_out isenthalpically, then sprays water to reach
 * T_set (K, must be above Tsat(p_out)): m_spray = m_in (h_in - h_set) / (h_set - h_spray).
 * If the throttled steam is already at or below T_set no water is sprayed. outlet_flow in kg/s;
 * capacity is the dispatch's business. */
dh_status dh_prds_eval(const dh_prds_params *p, double p_in, double h_in, double p_out,
                       double T_set, double outlet_flow, dh_prds_state *out, dh_error *err);

/* ---- the plant and its dispatch ------------------------------------------------------------- */

typedef enum dh_boiler_sharing {
    DH_SHARE_EQUAL = 0, /* all committed boilers at the same load fraction */
    DH_SHARE_MERIT = 1, /* fill in merit order, the last committed boiler takes the remainder */
} dh_boiler_sharing;

typedef enum dh_power_mode {
    DH_POWER_HEAT_LED = 0, /* condensing flows at their minimum (heat-led, "以热定电") */
    DH_POWER_MAX = 1,      /* condensing flows raised to the power / flow / boiler limits */
    DH_POWER_TARGET = 2,   /* condensing flows raised to meet an electric demand */
} dh_power_mode;

typedef struct dh_plant_params {
    char id[DH_PLANT_ID_MAX];
    size_t n_boilers, n_turbines;
    dh_boiler_params boiler[DH_PLANT_BOILERS_MAX];
    dh_turbine_params turbine[DH_PLANT_TURBINES_MAX];
    dh_prds_params prds;
    dh_boiler_sharing sharing;
    bool extraction_desuperheat; /* extraction hotter than the header set point is sprayed down
                                    to it with the PRDS spray water (default true) */
} dh_plant_params;

/* Limits, as bit flags (a result may name several). */
enum {
    DH_LIMIT_BOILER_CAPACITY = 1u << 0,    /* boilers in service at rated flow */
    DH_LIMIT_BOILER_MIN_LOAD = 1u << 1,    /* a committed boiler at its minimum stable load */
    DH_LIMIT_EXTRACTION = 1u << 2,         /* every turbine at its largest extraction */
    DH_LIMIT_PRDS_CAPACITY = 1u << 3,      /* PRDS at capacity (or out of service) */
    DH_LIMIT_TURBINE_POWER = 1u << 4,      /* a turbine at rated electric power */
    DH_LIMIT_THROTTLE_FLOW = 1u << 5,      /* a turbine at its maximum throttle flow */
    DH_LIMIT_LP_FLOW = 1u << 6,            /* a turbine at its LP swallowing capacity */
    DH_LIMIT_EXTRACTION_PRESSURE = 1u << 7,/* header pressure outside a turbine's extraction range */
    DH_LIMIT_NO_TURBINE = 1u << 8,         /* no turbine in service */
};
#define DH_LIMIT_COUNT 9
/* Name of one limit bit ("boiler capacity", ...); "" for an unknown bit. */
const char *dh_plant_limit_name(unsigned bit);

typedef struct dh_plant_demand {
    double header_pressure;    /* Pa abs, network header */
    double header_temperature; /* K, header set point (superheated) */
    double steam_flow;         /* kg/s wanted at the header */
    dh_power_mode power_mode;
    double power_target;       /* W electric, DH_POWER_TARGET only */
} dh_plant_demand;

typedef struct dh_plant_result {
    /* per unit, indexed like the params; units not running have zero flows */
    bool boiler_on[DH_PLANT_BOILERS_MAX];
    dh_boiler_state boiler[DH_PLANT_BOILERS_MAX];
    bool turbine_on[DH_PLANT_TURBINES_MAX];
    dh_turbine_state turbine[DH_PLANT_TURBINES_MAX];
    dh_turbine_region region[DH_PLANT_TURBINES_MAX];
    dh_prds_state prds;
    int n_boilers_on, n_turbines_on;

    /* main steam header */
    double main_steam_flow;     /* kg/s, boilers' total = turbines' throttle + PRDS inlet */
    double main_steam_pressure; /* Pa */
    double main_steam_enthalpy; /* J/kg (mixed boiler outlets) */
    double main_steam_pipe_loss;/* W, boiler outlet -> turbine stop valves, m0 (h_ms - h0) */
    double main_steam_surplus;  /* kg/s, steam a boiler at minimum stable load makes that no
                                   turbine or consumer can take (0 when feasible) */

    /* network header */
    double extraction_flow;     /* kg/s, all turbines (steam leaving the turbines) */
    double extraction_spray[DH_PLANT_TURBINES_MAX]; /* kg/s, desuperheating water per turbine */
    double extraction_spray_flow; /* kg/s, all turbines */
    double prds_flow;           /* kg/s, PRDS outlet */
    double condenser_flow;      /* kg/s, all turbines */
    double header_flow;         /* kg/s delivered = extraction + its spray + prds_flow */
    double header_enthalpy;     /* J/kg, mixed */
    double header_temperature;  /* K, mixed, delivered */
    double unmet_steam;         /* kg/s, demand - header_flow (>= 0) */
    unsigned binding;           /* limits that cause unmet_steam (0 when all met) */
    unsigned active;            /* every limit at its bound in this dispatch */

    /* totals */
    double electric_power;      /* W */
    double power_unmet;         /* W, DH_POWER_TARGET: target not reached */
    double fuel_flow;           /* kg/s */
    double fuel_heat;           /* W, LHV */
    double heat_supplied;       /* W = header_flow (h_header - h_feedwater) */
    double condenser_heat;      /* W */
    double efficiency;          /* -, first law (P + Q_heat) / Q_fuel */
    double heat_to_power;       /* -, Q_heat / P (0 when P = 0) */

    /* reserve */
    double capacity;            /* kg/s, largest header flow with every available boiler */
    double reserve;             /* kg/s, capacity - header_flow */
    int n1_boiler;              /* index of the boiler taken out for N-1 (-1: none) */
    double n1_capacity;         /* kg/s, largest header flow with that boiler out */
    bool n1_ok;                 /* demand <= n1_capacity */
} dh_plant_result;

/* The Linyi Fuyuan plant of the park brief: 3 x 130 t/h CFB, 2 x 24 MW extraction-condensing,
 * one PRDS; defaults of docs/plant.md. */
void dh_plant_defaults(dh_plant_params *p);
dh_status dh_plant_validate(const dh_plant_params *p, dh_error *err);
/* Shares the header demand among extractions, PRDS and boilers (rule in docs/plant.md).
 * Unmet demand is a result (DH_OK with unmet_steam > 0 and `binding` set), not an error;
 * errors are invalid parameters or states outside IF97 (DH_ERR_INPUT, DH_ERR_RANGE). */
dh_status dh_plant_dispatch(const dh_plant_params *p, const dh_plant_demand *d,
                            dh_plant_result *out, dh_error *err);

#endif /* DH_PLANT_H */
