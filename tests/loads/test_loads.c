/* test_loads.c: the load models, calendar and temperature filters of network/loads.c against
 * hand-computed values (each computation is written next to its check).
 *
 * Tolerances: the models are a few arithmetic operations on doubles, so results agree with the
 * hand values to a few ulps; 1e-12 (relative to values of order 1, or to 1 W / 1 kg/s) leaves
 * room for the operation order only. The exponential filter's periodic start is exact to
 * a^(passes n) ~ 1e-6 by construction (loads.c), so it is checked to 1e-9 on a short series
 * where the passes make it far smaller.
 */
#include "dh_loads.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define C(t) ((t) + 273.15) /* degC -> K */
#define TOL  1e-12

/* ---- calendar ---------------------------------------------------------------------------- */

START_TEST(test_day_of_year)
{
    /* 1 Jan = 0; 15 Mar = 31 + 28 + 14 = 73; 15 Nov = 304 + 14 = 318; 31 Dec = 364. */
    ck_assert_int_eq(dh_day_of_year(1, 1), 0);
    ck_assert_int_eq(dh_day_of_year(3, 15), 73);
    ck_assert_int_eq(dh_day_of_year(11, 15), 318);
    ck_assert_int_eq(dh_day_of_year(12, 31), 364);
    ck_assert_int_eq(dh_day_of_year(2, 29), -1); /* 365-day year */
    ck_assert_int_eq(dh_day_of_year(13, 1), -1);
    int m, d;
    dh_date_of_day(318, &m, &d);
    ck_assert_int_eq(m, 11);
    ck_assert_int_eq(d, 15);
    dh_date_of_day(365 + 59, &m, &d); /* wraps: day 59 = 1 March */
    ck_assert_int_eq(m, 3);
    ck_assert_int_eq(d, 1);
}
END_TEST

START_TEST(test_calendar_locate)
{
    dh_calendar cal;
    dh_calendar_init(&cal, 6); /* 1 January a Sunday (as in 2023) */
    dh_error err;
    ck_assert_int_eq(dh_calendar_add_holiday(&cal, 1, 2, &err), DH_OK);
    ck_assert_int_eq(dh_calendar_add_holiday(&cal, 2, 29, &err), DH_ERR_INPUT);
    int doy, wd, h;
    bool hol;
    dh_calendar_locate(&cal, 24 + 7, &doy, &wd, &h, &hol); /* 2 Jan 07:00, Monday, holiday */
    ck_assert_int_eq(doy, 1);
    ck_assert_int_eq(wd, 0);
    ck_assert_int_eq(h, 7);
    ck_assert(hol);
    dh_calendar_locate(&cal, 8759, &doy, &wd, &h, &hol); /* 31 Dec 23:00: (6 + 364) % 7 = 6 */
    ck_assert_int_eq(doy, 364);
    ck_assert_int_eq(wd, 6);
    ck_assert_int_eq(h, 23);
    ck_assert(!hol);
}
END_TEST

START_TEST(test_period_wraps)
{
    dh_period p;
    dh_error err;
    ck_assert_int_eq(dh_period_set(&p, 11, 15, 3, 15, 1.0, &err), DH_OK);
    ck_assert(dh_period_contains(&p, dh_day_of_year(11, 15)));
    ck_assert(dh_period_contains(&p, dh_day_of_year(1, 1)));
    ck_assert(dh_period_contains(&p, dh_day_of_year(3, 15)));
    ck_assert(!dh_period_contains(&p, dh_day_of_year(3, 16)));
    ck_assert(!dh_period_contains(&p, dh_day_of_year(11, 14)));
    ck_assert(!dh_period_contains(&p, dh_day_of_year(7, 1)));
    ck_assert_int_eq(dh_period_set(&p, 2, 29, 3, 1, 1.0, &err), DH_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "02-29"));
}
END_TEST

/* ---- space heating ----------------------------------------------------------------------- */

START_TEST(test_heating_at_design)
{
    dh_space_heating m;
    dh_space_heating_init(&m); /* T_i 18 degC, T_d -4.7 degC, cut-off 5 degC */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(-4.7), 0), 1.0, TOL);
    /* colder than design: (18 + 10)/(18 + 4.7) = 28/22.7 = 1.2334801762... (linear beyond) */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(-10.0), 0), 28.0 / 22.7, TOL);
    m.max_fraction = 1.0;
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(-10.0), 0), 1.0, TOL);
}
END_TEST

START_TEST(test_heating_cutoff)
{
    dh_space_heating m;
    dh_space_heating_init(&m);
    /* at the cut-off (heating while T_o <= 5 degC): (18 - 5)/22.7 = 0.5726872246... */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(5.0), 0), 13.0 / 22.7, TOL);
    /* 0 degC: 18/22.7 = 0.7929515418... */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(0.0), 0), 18.0 / 22.7, TOL);
    /* above the cut-off: off */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(5.01), 0), 0.0, TOL);
    /* no cut-off: linear down to T_i, then 0 (never negative) */
    m.cutoff_temperature = INFINITY;
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(10.0), 0), 8.0 / 22.7, TOL);
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, C(25.0), 0), 0.0, TOL);
}
END_TEST

START_TEST(test_heating_season)
{
    dh_space_heating m;
    dh_space_heating_init(&m);
    dh_error err;
    m.has_season = true;
    ck_assert_int_eq(dh_period_set(&m.season, 11, 15, 3, 15, 1.0, &err), DH_OK);
    double t = C(-4.7);
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, t, dh_day_of_year(1, 20)), 1.0, TOL);
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, t, dh_day_of_year(11, 15)), 1.0, TOL);
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, t, dh_day_of_year(3, 15)), 1.0, TOL);
    /* outside the season nothing, however cold */
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, t, dh_day_of_year(3, 16)), 0.0, TOL);
    ck_assert_double_eq_tol(dh_space_heating_fraction(&m, t, dh_day_of_year(11, 14)), 0.0, TOL);
}
END_TEST

/* ---- filters ----------------------------------------------------------------------------- */

START_TEST(test_filter_moving)
{
    /* window 3 h over x = 0, 3, 6, 9 (periodic):
     * y0 = (6 + 9 + 0)/3 = 5, y1 = (9 + 0 + 3)/3 = 4, y2 = (0 + 3 + 6)/3 = 3, y3 = 6 */
    const double x[4] = {0, 3, 6, 9};
    double y[4];
    dh_error err;
    ck_assert_int_eq(dh_temperature_filter(x, 4, 3600, DH_FILTER_MOVING, 3 * 3600, y, &err), DH_OK);
    ck_assert_double_eq_tol(y[0], 5, TOL);
    ck_assert_double_eq_tol(y[1], 4, TOL);
    ck_assert_double_eq_tol(y[2], 3, TOL);
    ck_assert_double_eq_tol(y[3], 6, TOL);
    /* a 24 h window over 48 hours of a ramp 0..47: y_47 = mean(24..47) = 35.5;
     * y_0 = mean(x_0, x_47 ... x_25) = (0 + (25 + 47) * 23 / 2)/24 = 828/24 = 34.5 */
    double r[48], ry[48];
    for (int k = 0; k < 48; k++)
        r[k] = k;
    ck_assert_int_eq(dh_temperature_filter(r, 48, 3600, DH_FILTER_MOVING, 86400, ry, &err), DH_OK);
    ck_assert_double_eq_tol(ry[47], 35.5, TOL);
    ck_assert_double_eq_tol(ry[0], 34.5, TOL);
    ck_assert_double_eq_tol(ry[23], 11.5, TOL); /* mean(0..23) */
    ck_assert_int_eq(dh_temperature_filter(x, 4, 3600, DH_FILTER_MOVING, 0, y, &err), DH_ERR_INPUT);
}
END_TEST

START_TEST(test_filter_exponential)
{
    /* x = 0, 1 repeating, dt = 1 s, tau = 1/ln 2 s so a = exp(-dt/tau) = 1/2. Periodic state:
     * y0 = a y1, y1 = a y0 + (1 - a)  =>  y1 = 1/(1 + a) = 2/3, y0 = a/(1 + a) = 1/3. */
    const double x[2] = {0, 1};
    double y[2];
    dh_error err;
    ck_assert_int_eq(
        dh_temperature_filter(x, 2, 1.0, DH_FILTER_EXPONENTIAL, 1.0 / log(2.0), y, &err), DH_OK);
    ck_assert_double_eq_tol(y[0], 1.0 / 3.0, 1e-9);
    ck_assert_double_eq_tol(y[1], 2.0 / 3.0, 1e-9);
}
END_TEST

START_TEST(test_filter_daily_mean)
{
    double x[48], y[48];
    for (int k = 0; k < 48; k++)
        x[k] = k < 24 ? k + 1 : -2.0; /* day 1: 1..24, mean 12.5; day 2: -2 */
    dh_error err;
    ck_assert_int_eq(dh_temperature_filter(x, 48, 3600, DH_FILTER_DAILY_MEAN, 0, y, &err), DH_OK);
    ck_assert_double_eq_tol(y[0], 12.5, TOL);
    ck_assert_double_eq_tol(y[23], 12.5, TOL);
    ck_assert_double_eq_tol(y[24], -2.0, TOL);
    ck_assert_int_eq(dh_temperature_filter(x, 30, 3600, DH_FILTER_DAILY_MEAN, 0, y, &err),
                     DH_ERR_INPUT);
}
END_TEST

/* ---- schedules --------------------------------------------------------------------------- */

static void two_shift_week(dh_schedule *s, dh_calendar *cal)
{
    dh_error err;
    dh_schedule_init(s);
    ck_assert_int_eq(dh_schedule_set_shifts(s, 6, 16, 0.1, &err), DH_OK); /* 06-22 h */
    ck_assert_int_eq(dh_schedule_set_workweek(s, 5, 0.2, &err), DH_OK);   /* Mon-Fri */
    dh_calendar_init(cal, 6);                                             /* 1 January a Sunday */
}

START_TEST(test_schedule_week)
{
    dh_schedule s;
    dh_calendar cal;
    two_shift_week(&s, &cal);
    /* Monday 2 Jan 08:00: 1 x 1 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 24 + 8), 1.0, TOL);
    /* Monday 03:00: off shift 0.1 x 1 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 24 + 3), 0.1, TOL);
    /* Monday 21:00 is the last shift hour, 22:00 is off */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 24 + 21), 1.0, TOL);
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 24 + 22), 0.1, TOL);
    /* Sunday 1 Jan 08:00: weekend 1 x 0.2; 03:00: 0.1 x 0.2 = 0.02 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 8), 0.2, TOL);
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 3), 0.02, TOL);
    /* Saturday 7 Jan (day 6) 10:00: 0.2 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 6 * 24 + 10), 0.2, TOL);
    /* Friday 6 Jan 10:00: 1 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 5 * 24 + 10), 1.0, TOL);
}
END_TEST

START_TEST(test_schedule_holiday_shutdown)
{
    dh_schedule s;
    dh_calendar cal;
    dh_error err;
    two_shift_week(&s, &cal);
    ck_assert_int_eq(dh_calendar_add_holiday(&cal, 1, 2, &err), DH_OK);
    /* holiday Monday 2 Jan 08:00: holiday factor 0.2 replaces the weekday's 1 */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, 24 + 8), 0.2, TOL);
    /* Spring Festival week 21..27 Jan (2023) shut down to 5 % standby */
    dh_period p;
    ck_assert_int_eq(dh_period_set(&p, 1, 21, 1, 27, 0.05, &err), DH_OK);
    ck_assert_int_eq(dh_schedule_add_period(&s, &p, &err), DH_OK);
    size_t tue_24jan_10h = (size_t)dh_day_of_year(1, 24) * 24 + 10; /* a Tuesday */
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, tue_24jan_10h), 0.05, TOL);
    size_t tue_31jan_10h = (size_t)dh_day_of_year(1, 31) * 24 + 10;
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, tue_31jan_10h), 1.0, TOL);
    /* a second period overlapping multiplies: 0.05 x 0.5 */
    ck_assert_int_eq(dh_period_set(&p, 1, 24, 1, 24, 0.5, &err), DH_OK);
    ck_assert_int_eq(dh_schedule_add_period(&s, &p, &err), DH_OK);
    ck_assert_double_eq_tol(dh_schedule_factor(&s, &cal, tue_24jan_10h), 0.025, TOL);
    /* bad input */
    ck_assert_int_eq(dh_schedule_set_shifts(&s, 24, 8, 0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_schedule_set_workweek(&s, 0, 0, &err), DH_ERR_INPUT);
}
END_TEST

START_TEST(test_hot_water)
{
    dh_hot_water m;
    dh_hot_water_init(&m);
    dh_calendar cal;
    dh_calendar_init(&cal, 0);
    ck_assert_double_eq_tol(dh_hot_water_factor(&m, &cal, 1234), 1.0, TOL); /* constant */
    for (int h = 0; h < 24; h++)
        m.hour_factor[h] = 0.3;
    m.hour_factor[19] = 1.0;
    m.month_factor[0] = 1.2; /* January */
    m.month_factor[6] = 0.8; /* July */
    ck_assert_double_eq_tol(dh_hot_water_factor(&m, &cal, 19), 1.2, TOL);
    ck_assert_double_eq_tol(dh_hot_water_factor(&m, &cal, 3), 0.36, TOL);
    size_t jul1_19h = (size_t)dh_day_of_year(7, 1) * 24 + 19;
    ck_assert_double_eq_tol(dh_hot_water_factor(&m, &cal, jul1_19h), 0.8, TOL);
}
END_TEST

/* ---- consumers --------------------------------------------------------------------------- */

/* Two days of weather: day 1 at -4.7 degC every hour; day 2 swinging around a 5 degC mean. */
static dh_weather *two_days(void)
{
    dh_weather *w;
    dh_error err;
    ck_assert_int_eq(dh_weather_create(48, false, false, &w, &err), DH_OK);
    for (int k = 0; k < 48; k++)
        w->air_temperature[k] = k < 24 ? C(-4.7) : C(5.0 + 4.0 * ((k % 2) ? 1 : -1));
    return w;
}

START_TEST(test_loads_demand)
{
    /* consumers: 0 heat station (space heating 10 MW + hot water 1 MW), 1 steam process 2 kg/s
     * (group machinery), 2 steam process 3 kg/s (group chemical), 3 heat, no component */
    const dh_consumer_type type[4] = {DH_CONSUMER_HEAT, DH_CONSUMER_STEAM, DH_CONSUMER_STEAM,
                                      DH_CONSUMER_HEAT};
    const char *ids[4] = {"HX-01", "MC-01", "CH-01", "HX-02"};
    const char *groups[4] = {"residential", "machinery", "chemical", "residential"};
    dh_loads *L;
    dh_error err;
    ck_assert_int_eq(dh_loads_create(4, type, ids, &L, &err), DH_OK);

    dh_load_model heat, dhw, proc, cont;
    dh_load_model_init(&heat, DH_LOAD_SPACE_HEATING); /* daily mean, cut-off 5 degC */
    heat.name = "housing";
    dh_load_model_init(&dhw, DH_LOAD_HOT_WATER);
    dh_load_model_init(&proc, DH_LOAD_PROCESS);
    ck_assert_int_eq(dh_schedule_set_shifts(&proc.schedule, 6, 16, 0.1, &err), DH_OK);
    dh_load_model_init(&cont, DH_LOAD_CONSTANT);
    size_t mh, mw, mp, mc;
    ck_assert_int_eq(dh_loads_add_model(L, &heat, &mh, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_model(L, &dhw, &mw, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_model(L, &proc, &mp, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_model(L, &cont, &mc, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 0, mh, 10e6, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 0, mw, 1e6, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 1, mp, 2.0, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 2, mc, 3.0, &err), DH_OK);
    ck_assert_int_eq(dh_loads_set_group_coincidence(L, groups, "machinery", 0.8, &err), DH_OK);
    ck_assert_int_eq(dh_loads_set_group_coincidence(L, groups, "machinry", 0.8, &err),
                     DH_ERR_INPUT);
    ck_assert_str_eq(err.message, "no consumer in group 'machinry' (did you mean 'machinery'?)");
    ck_assert_int_eq(dh_loads_add_component(L, 9, mc, 1.0, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_loads_add_component(L, 1, mc, -1.0, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "consumer MC-01");

    dh_weather *w = two_days();
    dh_calendar cal;
    dh_calendar_init(&cal, 6);
    double d[4];
    dh_loads_demand(L, 0, d); /* not prepared: zeros */
    ck_assert_double_eq(d[0], 0.0);
    ck_assert_int_eq(dh_loads_prepare(L, w, &cal, &err), DH_OK);
    ck_assert_uint_eq(dh_loads_hours(L), 48);
    ck_assert_double_eq_tol(dh_loads_air_temperature(L, 3), C(-4.7), TOL);

    /* hour 10 of day 1: heating at design 10 MW + DHW 1 MW = 11 MW; process in shift
     * 2 kg/s x coincidence 0.8 = 1.6 kg/s; constant 3 kg/s; consumer 3 nothing. */
    dh_loads_demand(L, 10, d);
    ck_assert_double_eq_tol(d[0], 11e6, 1e-6);
    ck_assert_double_eq_tol(d[1], 1.6, TOL);
    ck_assert_double_eq_tol(d[2], 3.0, TOL);
    ck_assert_double_eq_tol(d[3], 0.0, TOL);
    /* hour 2 of day 2: the daily mean is 5 degC (hours alternate 1 and 9 degC), at the cut-off:
     * 10 MW x 13/22.7 + 1 MW; process off shift: 2 x 0.1 x 0.8 = 0.16 kg/s */
    dh_loads_demand(L, 24 + 2, d);
    ck_assert_double_eq_tol(d[0], 10e6 * 13.0 / 22.7 + 1e6, 1e-6);
    ck_assert_double_eq_tol(d[1], 0.16, TOL);
    /* t beyond the series wraps the weather (day 1 again) */
    dh_loads_demand(L, 48 + 10, d);
    ck_assert_double_eq_tol(d[0], 11e6, 1e-6);

    /* an hourly-driven model sees 1 and 9 degC instead: 9 > 5 cut-off -> DHW only */
    dh_load_model hourly = heat;
    hourly.heating.filter = DH_FILTER_HOURLY;
    size_t mhh;
    ck_assert_int_eq(dh_loads_add_model(L, &hourly, &mhh, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 3, mhh, 5e6, &err), DH_OK);
    ck_assert_int_eq(dh_loads_prepare(L, w, &cal, &err), DH_OK);
    dh_loads_demand(L, 24 + 1, d); /* odd hour: 9 degC */
    ck_assert_double_eq_tol(d[3], 0.0, TOL);
    dh_loads_demand(L, 24 + 2, d); /* even hour: 1 degC: 5 MW x 17/22.7 */
    ck_assert_double_eq_tol(d[3], 5e6 * 17.0 / 22.7, 1e-6);

    dh_weather_destroy(&w);
    dh_loads_destroy(&L);
    ck_assert_ptr_null(L);
    dh_loads_destroy(&L); /* NULL is fine */
}
END_TEST

START_TEST(test_loads_profile)
{
    const dh_consumer_type type[2] = {DH_CONSUMER_HEAT, DH_CONSUMER_STEAM};
    const char *ids[2] = {"HX-01", "PH-01"};
    dh_loads *L;
    dh_error err;
    ck_assert_int_eq(dh_loads_create(2, type, ids, &L, &err), DH_OK);
    double v[24];
    for (int h = 0; h < 24; h++)
        v[h] = 1e6 * h; /* W */
    dh_profile prof = {24, 0, DH_Q_POWER, v};
    dh_load_model m;
    dh_load_model_init(&m, DH_LOAD_PROFILE);
    m.name = "measured";
    m.profile = &prof;
    size_t mi;
    ck_assert_int_eq(dh_loads_add_model(L, &m, &mi, &err), DH_OK);
    v[5] = -1; /* the model holds its own copy */
    ck_assert_int_eq(dh_loads_add_component(L, 0, mi, 2.0, &err), DH_OK); /* scale 2 */
    ck_assert_int_eq(dh_loads_add_component(L, 1, mi, 1.0, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.message,
                     "profile 'measured' holds a power, but this steam consumer needs a mass flow");
    dh_weather *w = two_days();
    dh_calendar cal;
    dh_calendar_init(&cal, 0);
    ck_assert_int_eq(dh_loads_prepare(L, w, &cal, &err), DH_OK);
    double d[2];
    dh_loads_demand(L, 5, d); /* 2 x 5 MW */
    ck_assert_double_eq_tol(d[0], 10e6, 1e-6);
    dh_loads_demand(L, 24 + 7, d); /* a one-day profile repeats: 2 x 7 MW */
    ck_assert_double_eq_tol(d[0], 14e6, 1e-6);
    dh_weather_destroy(&w);
    dh_loads_destroy(&L);
}
END_TEST

START_TEST(test_loads_bad_models)
{
    dh_loads *L;
    dh_error err;
    ck_assert_int_eq(dh_loads_create(1, NULL, NULL, &L, &err), DH_OK);
    dh_load_model m;
    dh_load_model_init(&m, DH_LOAD_SPACE_HEATING);
    m.name = "cold-house";
    m.heating.indoor_temperature = C(-10);
    ck_assert_int_eq(dh_loads_add_model(L, &m, NULL, &err), DH_ERR_INPUT);
    ck_assert_str_eq(err.component, "cold-house");
    dh_load_model_init(&m, DH_LOAD_SPACE_HEATING);
    m.heating.filter = DH_FILTER_MOVING;
    m.heating.filter_time = 0;
    ck_assert_int_eq(dh_loads_add_model(L, &m, NULL, &err), DH_ERR_INPUT);
    dh_load_model_init(&m, DH_LOAD_PROCESS);
    m.schedule.hour_factor[3] = -1;
    ck_assert_int_eq(dh_loads_add_model(L, &m, NULL, &err), DH_ERR_INPUT);
    dh_load_model_init(&m, DH_LOAD_PROFILE);
    ck_assert_int_eq(dh_loads_add_model(L, &m, NULL, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_loads_set_coincidence(L, 0, 1.5, &err), DH_ERR_INPUT);
    ck_assert_int_eq(dh_loads_set_coincidence(L, 0, 0.7, &err), DH_OK);
    ck_assert_int_eq(dh_loads_prepare(L, NULL, NULL, &err), DH_ERR_INPUT);
    dh_loads_destroy(&L);
}
END_TEST

static Suite *loads_suite(void)
{
    Suite *s = suite_create("loads");
    TCase *tc = tcase_create("calendar");
    tcase_add_test(tc, test_day_of_year);
    tcase_add_test(tc, test_calendar_locate);
    tcase_add_test(tc, test_period_wraps);
    suite_add_tcase(s, tc);
    tc = tcase_create("space_heating");
    tcase_add_test(tc, test_heating_at_design);
    tcase_add_test(tc, test_heating_cutoff);
    tcase_add_test(tc, test_heating_season);
    suite_add_tcase(s, tc);
    tc = tcase_create("filters");
    tcase_add_test(tc, test_filter_moving);
    tcase_add_test(tc, test_filter_exponential);
    tcase_add_test(tc, test_filter_daily_mean);
    suite_add_tcase(s, tc);
    tc = tcase_create("schedules");
    tcase_add_test(tc, test_schedule_week);
    tcase_add_test(tc, test_schedule_holiday_shutdown);
    tcase_add_test(tc, test_hot_water);
    suite_add_tcase(s, tc);
    tc = tcase_create("consumers");
    tcase_add_test(tc, test_loads_demand);
    tcase_add_test(tc, test_loads_profile);
    tcase_add_test(tc, test_loads_bad_models);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loads_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
