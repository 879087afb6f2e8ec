/* dh_loads.h: consumer loads over time and the weather that drives them (public).
 *
 * Two halves, kept apart as design.md asks:
 *  - readers (network/weather.c) fill arrays from files: EPW weather files, plain CSV weather,
 *    measured hourly load profiles from CSV; and the design-day generator (pure);
 *  - load evaluation (network/loads.c) is pure arithmetic on those arrays: no I/O, and no
 *    allocation after dh_loads_prepare().
 *
 * Time. Every series is hourly on a 365-day year (the convention of EPW typical years: there is
 * no 29 February). Index k of a series is the hour interval [k h, k+1 h) counted from 00:00 of
 * the series' first day; `start_day` (0 = 1 January) places it in the year. EPW hour field h
 * (1..24, the hour ending at h:00) is index h-1 of its day. Weekdays: 0 Monday ... 6 Sunday.
 *
 * The question a quasi-steady series loop asks, "for hour t, what is each consumer's demand?":
 *
 *     dh_loads *L;                       // one per study
 *     dh_loads_create_for_network(net, &L, &err);
 *     dh_loads_add_model(L, &model, &m, &err);          // space heating, process, ...
 *     dh_loads_add_component(L, consumer, m, design, &err);
 *     dh_loads_set_group_coincidence(L, net->consumers.group, "machinery", 0.8, &err);
 *     dh_loads_prepare(L, weather, &calendar, &err);    // running means, once
 *     for (t = 0; t < dh_loads_hours(L); t++) {
 *         dh_loads_demand(L, t, demand);                 // W (heat) or kg/s (steam) per consumer
 *         ambient.air_temperature = dh_loads_air_temperature(L, t);
 *         ... steady solve ...
 *     }
 *     dh_loads_destroy(&L);
 *
 * Units: SI inside (K, W, kg/s, Pa, m/s, s). Equations, defaults and sources: docs/loads.md.
 */
#ifndef DH_LOADS_H
#define DH_LOADS_H

#include <stdbool.h>
#include <stddef.h>

#include "dh_network.h"
#include "dh_status.h"
#include "dh_units.h"

#define DH_DAYS_PER_YEAR  365
#define DH_HOURS_PER_YEAR 8760

/* ---- calendar -------------------------------------------------------------------------- */

#define DH_CALENDAR_MAX_HOLIDAYS 64

typedef struct dh_calendar {
    int start_day;    /* day of year (0 = 1 January) of hour 0 of the series */
    int jan1_weekday; /* weekday of 1 January: 0 Monday ... 6 Sunday */
    size_t n_holidays;
    int holiday[DH_CALENDAR_MAX_HOLIDAYS]; /* public holidays, day of year 0..364 */
} dh_calendar;

/* Day of year (0..364) of month 1..12, day 1..31 in a 365-day year; -1 when there is no such
 * day (29 February included). */
int dh_day_of_year(int month, int day);
/* Inverse: month 1..12 and day 1..31 of day of year 0..364 (taken modulo 365). */
void dh_date_of_day(int day_of_year, int *month, int *day);

/* Calendar starting on 1 January with the given weekday, no holidays. */
void dh_calendar_init(dh_calendar *cal, int jan1_weekday);
/* Adds a holiday (month, day). DH_ERR_INPUT: no such date, or the list is full. */
dh_status dh_calendar_add_holiday(dh_calendar *cal, int month, int day, dh_error *err);
/* Where hour t of the series falls: day of year, weekday, hour of day (0..23), holiday. */
void dh_calendar_locate(const dh_calendar *cal, size_t t, int *day_of_year, int *weekday,
                        int *hour_of_day, bool *holiday);

/* A span of days, both ends included; first_day > last_day wraps over New Year
 * (15 November .. 15 March). `factor` is what the span means to its owner. */
typedef struct dh_period {
    int first_day, last_day; /* day of year 0..364 */
    double factor;           /* - */
} dh_period;

/* Period from (month, day) to (month, day). DH_ERR_INPUT when a date does not exist. */
dh_status dh_period_set(dh_period *p, int first_month, int first_day, int last_month, int last_day,
                        double factor, dh_error *err);
bool dh_period_contains(const dh_period *p, int day_of_year);

/* ---- outdoor temperature seen by a load ------------------------------------------------ */

typedef enum dh_temp_filter {
    DH_FILTER_HOURLY = 0,      /* the hour's own temperature */
    DH_FILTER_DAILY_MEAN = 1,  /* mean of the calendar day's 24 hours (the "daily mean" of
                                  GB 50736 and of heating-season definitions) */
    DH_FILTER_MOVING = 2,      /* trailing moving average over `time` (window of round(time/dt)
                                  hours, the current one included) */
    DH_FILTER_EXPONENTIAL = 3, /* first-order lag with time constant `time`:
                                  y_k = a y_(k-1) + (1-a) x_k, a = exp(-dt/time) */
} dh_temp_filter;

/* Filters n hourly temperatures (any unit, dt in s) into out (may not alias t_in). The series is
 * treated as periodic (a typical year or a repeated design day): the first hours' moving window
 * reaches back into the series' end, and the exponential filter starts from its periodic
 * state. DAILY_MEAN needs n a multiple of 24 (series start at 00:00). Pure; no allocation.
 * DH_ERR_INPUT: n == 0, dt <= 0, time <= 0 for MOVING/EXPONENTIAL, n not a multiple of 24. */
dh_status dh_temperature_filter(const double *t_in, size_t n, double dt, dh_temp_filter filter,
                                double time, double *out, dh_error *err);

/* ---- load models ----------------------------------------------------------------------- */

/* Space heating driven by outdoor temperature (docs/loads.md, "Space heating"):
 *   f = (T_i - T_o) / (T_i - T_d),  0 when T_o > T_cut or outside the season or f < 0,
 *   capped at max_fraction; T_o is the filtered outdoor temperature. Q = f Q_design. */
typedef struct dh_space_heating {
    double indoor_temperature; /* K, T_i (default 18 degC) */
    double design_temperature; /* K, T_d: heating design outdoor temperature (default
                                  -4.7 degC, Linyi, GB 50736-2012 App. A) */
    double cutoff_temperature; /* K, T_cut: no heating when T_o > T_cut (default 5 degC on the
                                  daily mean, the heating-period criterion of GB 50736);
                                  INFINITY: no cut-off */
    bool has_season;           /* heating only on the days of `season` */
    dh_period season;          /* e.g. 15 November .. 15 March (factor unused) */
    dh_temp_filter filter;     /* which T_o drives the load (default DAILY_MEAN) */
    double filter_time;        /* s, window or time constant of MOVING / EXPONENTIAL */
    double max_fraction;       /* cap of f below T_d (default INFINITY: linear beyond design) */
} dh_space_heating;

void dh_space_heating_init(dh_space_heating *m);
/* f for a filtered outdoor temperature t_outdoor (K) on day_of_year. Pure. */
double dh_space_heating_fraction(const dh_space_heating *m, double t_outdoor, int day_of_year);

#define DH_SCHEDULE_MAX_PERIODS 16

/* Process schedule: factor = hour_factor[h] * day factor * product of the periods' factors,
 * day factor = holiday_factor on calendar holidays, else weekday_factor[weekday]. Periods
 * model shutdowns (Spring Festival week: factor 0 or a standby fraction) and campaigns. */
typedef struct dh_schedule {
    double hour_factor[24];   /* - , hour of day 0..23 ([h, h+1) local time) */
    double weekday_factor[7]; /* - , Monday .. Sunday */
    double holiday_factor;    /* - , replaces the weekday factor on holidays */
    size_t n_periods;
    dh_period period[DH_SCHEDULE_MAX_PERIODS];
} dh_schedule;

/* Continuous operation: every factor 1, no periods. */
void dh_schedule_init(dh_schedule *s);
/* Shift pattern: factor 1 for n_hours from first_hour (wrapping midnight), off_factor in the
 * other hours (standby, heat-up). E.g. two shifts: (6, 16, 0.1); three shifts: (0, 24, x). */
dh_status dh_schedule_set_shifts(dh_schedule *s, int first_hour, int n_hours, double off_factor,
                                 dh_error *err);
/* Working week of workdays (1..7) days from Monday: factor 1, off_factor on the other days and
 * on holidays. */
dh_status dh_schedule_set_workweek(dh_schedule *s, int workdays, double off_factor, dh_error *err);
dh_status dh_schedule_add_period(dh_schedule *s, const dh_period *p, dh_error *err);
/* The schedule's factor at hour t of the series. Pure. */
double dh_schedule_factor(const dh_schedule *s, const dh_calendar *cal, size_t t);

/* Domestic hot water: factor = hour_factor[h] * month_factor[month-1]; design value = the
 * peak-hour load. Default: constant (all factors 1). */
typedef struct dh_hot_water {
    double hour_factor[24];  /* - , daily draw-off profile relative to the design hour */
    double month_factor[12]; /* - , seasonal factor (colder mains water in winter) */
} dh_hot_water;

void dh_hot_water_init(dh_hot_water *m);
double dh_hot_water_factor(const dh_hot_water *m, const dh_calendar *cal, size_t t);

/* A measured hourly profile, in SI (W or kg/s). Filled by dh_profile_read_csv or by hand. */
typedef struct dh_profile {
    size_t n;             /* hours */
    int start_day;        /* day of year of value[0] (hour 0 of that day) */
    dh_quantity quantity; /* DH_Q_POWER (W) or DH_Q_MASS_FLOW (kg/s) */
    double *value;        /* n values, owned */
} dh_profile;

void dh_profile_destroy(dh_profile **p);

typedef enum dh_load_kind {
    DH_LOAD_CONSTANT = 0,      /* f = 1 */
    DH_LOAD_SPACE_HEATING = 1, /* f from `heating` and the filtered outdoor temperature */
    DH_LOAD_PROCESS = 2,       /* f from `schedule` */
    DH_LOAD_HOT_WATER = 3,     /* f from `hot_water` */
    DH_LOAD_PROFILE = 4,       /* value from `profile` (SI), times the component's scale */
} dh_load_kind;

typedef struct dh_load_model {
    dh_load_kind kind;
    const char *name; /* for messages; copied by dh_loads_add_model (may be NULL) */
    dh_space_heating heating;
    dh_schedule schedule;
    dh_hot_water hot_water;
    const dh_profile *profile; /* copied by dh_loads_add_model */
} dh_load_model;

/* Zeroes the model and sets every part to its defaults; kind = CONSTANT. */
void dh_load_model_init(dh_load_model *m, dh_load_kind kind);

/* ---- loads of a network's consumers ---------------------------------------------------- */

typedef struct dh_loads dh_loads;

/* Loads of n consumers; type[i] fixes consumer i's unit (HEAT: W, STEAM: kg/s); ids (may be
 * NULL) name them in messages. Both arrays are copied. Every consumer starts with no component
 * (demand 0) and coincidence 1. */
dh_status dh_loads_create(size_t n, const dh_consumer_type *type, const char *const *ids,
                          dh_loads **out, dh_error *err);
dh_status dh_loads_create_for_network(const dh_network *net, dh_loads **out, dh_error *err);
void dh_loads_destroy(dh_loads **L);

/* Adds a model (copied, with its profile); *index receives its number. */
dh_status dh_loads_add_model(dh_loads *L, const dh_load_model *m, size_t *index, dh_error *err);
/* Adds design * f_model(t) to consumer's demand. design: W for a HEAT consumer, kg/s for a
 * STEAM one, except for a PROFILE model where it is a dimensionless scale of the profile's
 * values (whose quantity must match the consumer's unit). */
dh_status dh_loads_add_component(dh_loads *L, size_t consumer, size_t model, double design,
                                 dh_error *err);
/* Coincidence (diversity) factor k, 0 < k <= 1: the consumer's demand is k times the sum of its
 * components. */
dh_status dh_loads_set_coincidence(dh_loads *L, size_t consumer, double k, dh_error *err);
/* Same for every consumer whose group[i] equals `group` (group: n strings, e.g. the network's
 * consumers.group). DH_ERR_INPUT when no consumer is in that group (with "did you mean"). */
dh_status dh_loads_set_group_coincidence(dh_loads *L, const char *const *group,
                                         const char *group_name, double k, dh_error *err);

/* Binds the loads to a weather series and a calendar (both copied/filtered, not borrowed):
 * computes each heating model's filtered outdoor temperature. May be called again with another
 * weather (the previous arrays are replaced). weather->start_day overrides cal->start_day. */
typedef struct dh_weather dh_weather;
dh_status dh_loads_prepare(dh_loads *L, const dh_weather *weather, const dh_calendar *cal,
                           dh_error *err);

/* Hours of the prepared series (the weather's n). */
size_t dh_loads_hours(const dh_loads *L);
/* Outdoor air temperature (K, unfiltered) at hour t (taken modulo the series length). */
double dh_loads_air_temperature(const dh_loads *L, size_t t);
/* demand[i] for every consumer at hour t (modulo the series length): W (HEAT) or kg/s (STEAM).
 * Pure; no allocation; needs dh_loads_prepare. */
void dh_loads_demand(const dh_loads *L, size_t t, double *demand);

/* ---- weather --------------------------------------------------------------------------- */

struct dh_weather {
    size_t n;                /* hours */
    double time_step;        /* s (3600) */
    int start_day;           /* day of year of hour 0 (hour 0 starts at 00:00) */
    int start_weekday;       /* weekday of start_day (0 Monday); -1 when the file does not say */
    double *air_temperature; /* K, n values */
    double *pressure;        /* Pa absolute station pressure, n values, or NULL when absent */
    double *wind_speed;      /* m/s, n values, or NULL when absent */
    /* station (EPW LOCATION line; empty / NAN when unknown) */
    char location[96];
    char station_id[32];
    double latitude, longitude; /* degrees, north and east positive */
    double time_zone;           /* h from UTC */
    double elevation;           /* m */
};

/* EPW file: the 8 header lines (LOCATION, DESIGN CONDITIONS, TYPICAL/EXTREME PERIODS, GROUND
 * TEMPERATURES, HOLIDAYS/DAYLIGHT SAVINGS, COMMENTS 1, COMMENTS 2, DATA PERIODS) then one row
 * of 35 comma-separated fields per hour (one record per hour only). Reads dry bulb (field 7),
 * station pressure (10) and wind speed (22). Every problem goes to diag as file:line:col;
 * missing pressure (999999) or wind (999) values are filled linearly from their neighbours;
 * missing dry bulb (99.9) is an error. Returns DH_OK or < 0 with *out == NULL. */
dh_status dh_weather_read_epw(const char *path, dh_weather **out, dh_diag *diag);
/* Same from text in memory; `name` stands for the file in messages. */
dh_status dh_weather_read_epw_string(const char *text, size_t len, const char *name,
                                     dh_weather **out, dh_diag *diag);

/* Plain CSV: header `time` (YYYY-MM-DD HH:MM, hour beginning) or `hour` (hour of year from 0),
 * `air [unit]` (a temperature), optional `wind [unit]`, optional `pressure [unit]` (absolute);
 * '#' comment lines; consecutive hours starting at 00:00. `units` is borrowed; NULL loads the
 * udunits2 database for this call. */
dh_status dh_weather_read_csv(const char *path, const dh_units *units, dh_weather **out,
                              dh_diag *diag);
dh_status dh_weather_read_csv_string(const char *text, size_t len, const char *name,
                                     const dh_units *units, dh_weather **out, dh_diag *diag);

/* A weather series of n hours held in memory (arrays allocated, temperatures 0 K). */
dh_status dh_weather_create(size_t n, bool with_pressure, bool with_wind, dh_weather **out,
                            dh_error *err);
void dh_weather_destroy(dh_weather **w);

/* Measured hourly load profile: header `time` or `hour` (as for weather), then one value column
 * whose header carries its unit (`demand [t/h]`, `heat [MW]`): a power or a mass flow. */
dh_status dh_profile_read_csv(const char *path, const dh_units *units, dh_profile **out,
                              dh_diag *diag);
dh_status dh_profile_read_csv_string(const char *text, size_t len, const char *name,
                                     const dh_units *units, dh_profile **out, dh_diag *diag);

/* ---- design day ------------------------------------------------------------------------ */

typedef enum dh_diurnal_shape {
    /* ASHRAE Handbook of Fundamentals (2009, 2013, 2021), ch. 14, Table 6 "Fraction of daily
     * temperature range": T(h) = T_max - f(h) DR, minimum at hour 5, maximum at hours 14-15. */
    DH_DIURNAL_ASHRAE = 0,
    /* Two half-cosines: minimum at 05:00, maximum at 14:00 (rise over 9 h, fall over 15 h). */
    DH_DIURNAL_COSINE = 1,
} dh_diurnal_shape;

typedef enum dh_design_basis {
    DH_DESIGN_DAILY_MEAN = 0, /* `value` is the 24-hour mean (Chinese heating design
                                 temperatures are daily means: GB 50736-2012, 4.1.2) */
    DH_DESIGN_MINIMUM = 1,    /* `value` is the day's minimum (ASHRAE 99.6 % dry bulb) */
} dh_design_basis;

/* ASHRAE Table 6 fraction f for hour index h (0..23; ASHRAE hour h+1). */
double dh_diurnal_fraction(dh_diurnal_shape shape, int h);

/* 24 hourly temperatures of a design day (out[h] is hour [h, h+1), ASHRAE hour h+1) from a
 * daily mean or minimum `value` and a daily range `range` (max - min, >= 0), any temperature
 * unit (K in dhsim). Pure. DH_ERR_INPUT: range < 0 or not finite. */
dh_status dh_design_day(double value, dh_design_basis basis, double range, dh_diurnal_shape shape,
                        double out[24], dh_error *err);

#endif /* DH_LOADS_H */
