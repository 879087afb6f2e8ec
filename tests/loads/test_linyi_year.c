/* test_linyi_year.c: the shipped synthetic weather year for Linyi
 * (cases/linyi-etdz/weather/linyi-synthetic.epw) read by the EPW reader and checked against
 * the figures its generator reports and its README states, then driven through the load
 * models for a whole year.
 *
 * Sources of the reference numbers: the monthly normals are the inputs of make_weather.py
 * (README.md, "Inputs"); -4.7 degC is the heating design temperature of Linyi in GB 50736-2012
 * Appendix A; the day counts are the generator's report (README.md, "Figures of the year").
 * If the year is regenerated with other inputs, these figures change with the README.
 */
#include "dh_loads.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define C(t) ((t) + 273.15)

static const double MONTH_MEAN[12] = {0.0,  3.0,  8.2,  14.6, 20.1, 24.3,
                                      26.5, 25.9, 21.7, 15.9, 8.5,  2.1};
static const int MONTH_DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static dh_weather *W;

static void load_year(void)
{
    const char *src = getenv("SRCDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/cases/linyi-etdz/weather/linyi-synthetic.epw", src ? src : ".");
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_status st = dh_weather_read_epw(path, &W, &diag);
    if (st != DH_OK) dh_diag_print(&diag, stderr);
    ck_assert_int_eq(st, DH_OK);
    dh_diag_free(&diag);
}

static void free_year(void)
{
    dh_weather_destroy(&W);
}

static double daily_mean(int d)
{
    double s = 0;
    for (int h = 0; h < 24; h++)
        s += W->air_temperature[24 * d + h];
    return s / 24 - 273.15;
}

START_TEST(test_year_header)
{
    ck_assert_uint_eq(W->n, 8760);
    ck_assert_int_eq(W->start_day, 0);
    ck_assert_int_eq(W->start_weekday, 6); /* 1 January 2023: Sunday */
    ck_assert_str_eq(W->location, "Linyi");
    ck_assert_str_eq(W->station_id, "549380");
    ck_assert_double_eq_tol(W->time_zone, 8.0, 1e-12);
    ck_assert_ptr_nonnull(W->pressure);
    ck_assert_ptr_nonnull(W->wind_speed);
}
END_TEST

START_TEST(test_year_monthly_means)
{
    /* each month's mean equals its normal: exact in the generator, then every hourly value
     * rounded to 0.1 K in the file, so the mean is off by at most 0.05 K */
    size_t k = 0;
    for (int m = 0; m < 12; m++) {
        double s = 0;
        for (int i = 0; i < 24 * MONTH_DAYS[m]; i++)
            s += W->air_temperature[k++] - 273.15;
        ck_assert_double_eq_tol(s / (24.0 * MONTH_DAYS[m]), MONTH_MEAN[m], 0.05);
    }
}
END_TEST

START_TEST(test_year_design_days)
{
    /* GB 50736-2012: -4.7 degC is the daily mean undershot on 5 days a year on average; the
     * synthetic year has 4 such days (README), its coldest daily mean -8.40 degC on 12 January,
     * its coldest hour -12.5 degC, and 79 days with a daily mean <= 5 degC. */
    int below = 0, le5 = 0, dmin = -1;
    double tmin = INFINITY, hmin = INFINITY;
    for (int d = 0; d < 365; d++) {
        double t = daily_mean(d);
        below += t < -4.7;
        le5 += t <= 5.0;
        if (t < tmin) {
            tmin = t;
            dmin = d;
        }
    }
    for (size_t k = 0; k < W->n; k++)
        if (W->air_temperature[k] < hmin) hmin = W->air_temperature[k];
    ck_assert_int_eq(below, 4);
    ck_assert_int_eq(le5, 79);
    ck_assert_int_eq(dmin, dh_day_of_year(1, 12));
    ck_assert_double_eq_tol(tmin, -8.40, 0.005);
    ck_assert_double_eq_tol(hmin, C(-12.5), 1e-9);
}
END_TEST

START_TEST(test_year_heating_load)
{
    /* 90 MW of residential space heating (the park's 7 heat-exchange stations at design),
     * statutory season 15 November - 15 March, cut-off 5 degC on the daily mean: the peak is
     * on the coldest day, 90 MW (18 + 8.40)/(18 + 4.7); demand exceeds the design load on
     * the 4 days below -4.7 degC, 96 hours. */
    const dh_consumer_type type[1] = {DH_CONSUMER_HEAT};
    dh_loads *L;
    dh_error err;
    ck_assert_int_eq(dh_loads_create(1, type, NULL, &L, &err), DH_OK);
    dh_load_model m;
    dh_load_model_init(&m, DH_LOAD_SPACE_HEATING);
    m.heating.has_season = true;
    ck_assert_int_eq(dh_period_set(&m.heating.season, 11, 15, 3, 15, 1.0, &err), DH_OK);
    size_t mi;
    ck_assert_int_eq(dh_loads_add_model(L, &m, &mi, &err), DH_OK);
    ck_assert_int_eq(dh_loads_add_component(L, 0, mi, 90e6, &err), DH_OK);
    dh_calendar cal;
    dh_calendar_init(&cal, W->start_weekday);
    ck_assert_int_eq(dh_loads_prepare(L, W, &cal, &err), DH_OK);
    double peak = 0, energy = 0, q;
    int over = 0;
    size_t t_peak = 0;
    for (size_t t = 0; t < dh_loads_hours(L); t++) {
        dh_loads_demand(L, t, &q);
        energy += q * 3600;
        over += q > 90e6 * (1 + 1e-12);
        if (q > peak) {
            peak = q;
            t_peak = t;
        }
    }
    double dmin = daily_mean(dh_day_of_year(1, 12));
    ck_assert_double_eq_tol(peak, 90e6 * (18 - dmin) / 22.7, 1.0);
    ck_assert_uint_eq(t_peak / 24, (size_t)dh_day_of_year(1, 12));
    ck_assert_int_eq(over, 96);
    /* the energy is printed for the README, not checked: it is the sum of the same terms */
    fprintf(stderr, "Linyi year: peak %.2f MW on day %zu, heat %.1f GWh\n", peak / 1e6, t_peak / 24,
            energy / 3.6e12);
    dh_loads_destroy(&L);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linyi_year");
    TCase *tc = tcase_create("year");
    tcase_add_unchecked_fixture(tc, load_year, free_year);
    tcase_add_test(tc, test_year_header);
    tcase_add_test(tc, test_year_monthly_means);
    tcase_add_test(tc, test_year_design_days);
    tcase_add_test(tc, test_year_heating_load);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
