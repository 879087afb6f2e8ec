/* test_weather.c: the EPW and CSV readers and the design-day generator (network/weather.c).
 *
 * The EPW fixture (fixtures/sample.epw, CRLF line ends like files from Windows tools) has the
 * real 8-line header and 3 days of 35-field rows; its values are written in the file, and the
 * checks below read them back. Malformed variants are made by replacing one line of it, so
 * every error position is known: line = 8 header lines + row number, column = 1-based
 * character of the offending field.
 *
 * Tolerances: values read are decimal numbers converted once (degC + 273.15), so they match to
 * 1e-9 K; the design-day values are a few operations on the ASHRAE fractions (1e-12).
 */
#include "dh_loads.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define C(t) ((t) + 273.15)

static char *fixture_path(const char *file)
{
    const char *src = getenv("SRCDIR");
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/tests/loads/fixtures/%s", src ? src : ".", file);
    return buf;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* The fixture's text with line `lineno` (1-based) replaced by `repl` (NULL: line removed). */
static char *fixture_with_line(int lineno, const char *repl, size_t *len)
{
    size_t n;
    char *t = read_all(fixture_path("sample.epw"), &n);
    char *out = malloc(n + (repl ? strlen(repl) : 0) + 4);
    char *o = out, *p = t;
    for (int line = 1; *p; line++) {
        char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p + 1) : strlen(p);
        if (line == lineno) {
            if (repl) o += sprintf(o, "%s\r\n", repl);
        } else {
            memcpy(o, p, l);
            o += l;
        }
        p += l;
    }
    *o = '\0';
    *len = (size_t)(o - out);
    free(t);
    return out;
}

#define FLAGS "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"
#define TAIL  "0,0,250,0,0,0,0,0,0,0,320,2.3,5,3,16.0,77777,9,999999999,6,0.0610,0,88,0.200,0.0,1.0"

/* First error of reading `text` as EPW, formatted. */
static void epw_error(const char *text, size_t len, char *buf, size_t size, size_t *count)
{
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w = NULL;
    ck_assert_int_lt(dh_weather_read_epw_string(text, len, "sample.epw", &w, &diag), 0);
    ck_assert_ptr_null(w);
    ck_assert_uint_ge(diag.count, 1);
    dh_error_format(&diag.items[0], buf, size);
    if (count) *count = diag.count;
    dh_diag_free(&diag);
}

/* ---- EPW ---------------------------------------------------------------------------------- */

START_TEST(test_epw_fixture)
{
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w = NULL;
    dh_status st = dh_weather_read_epw(fixture_path("sample.epw"), &w, &diag);
    if (st != DH_OK) ck_assert_int_eq(st, DH_OK);
    ck_assert_uint_eq(w->n, 72); /* DATA PERIODS 1/1 .. 1/3: 3 days */
    ck_assert_int_eq(w->start_day, 0);
    ck_assert_int_eq(w->start_weekday, 6); /* Sunday */
    ck_assert_str_eq(w->location, "Linyi");
    ck_assert_str_eq(w->station_id, "549380");
    ck_assert_double_eq_tol(w->latitude, 35.05, 1e-12);
    ck_assert_double_eq_tol(w->longitude, 118.35, 1e-12);
    ck_assert_double_eq_tol(w->time_zone, 8.0, 1e-12);
    ck_assert_double_eq_tol(w->elevation, 87.9, 1e-12);
    /* row 1 (1/1 hour 1): -5.5 degC, 101800 Pa, 2.0 m/s */
    ck_assert_double_eq_tol(w->air_temperature[0], C(-5.5), 1e-9);
    ck_assert_double_eq_tol(w->pressure[0], 101800, 1e-9);
    ck_assert_double_eq_tol(w->wind_speed[0], 2.0, 1e-12);
    /* row 12 (1/1 hour 12): 0.8 degC */
    ck_assert_double_eq_tol(w->air_temperature[11], C(0.8), 1e-9);
    /* row 11 wind missing (999): between 2.9 (row 10) and 2.1 (row 12) -> 2.5 */
    ck_assert_double_eq_tol(w->wind_speed[10], 2.5, 1e-12);
    /* row 21 pressure missing (999999): between 101990 and 102010 -> 102000 */
    ck_assert_double_eq_tol(w->pressure[20], 102000, 1e-9);
    /* last row (1/3 hour 24) */
    ck_assert_double_eq_tol(w->pressure[71], 101800 + 710, 1e-9);
    dh_weather_destroy(&w);
    ck_assert_ptr_null(w);
    dh_diag_free(&diag);
}
END_TEST

START_TEST(test_epw_bad_number)
{
    /* line 12 = row 4 (1/1 hour 4); dry bulb is field 7, at column
     * len("1999,1,1,4,60,") + len(FLAGS) + len(",") + 1 = 14 + 50 + 1 + 1 = 66 */
    size_t len;
    char *t = fixture_with_line(12, "1999,1,1,4,60," FLAGS ",-3.x,-9.0,64,101830," TAIL, &len);
    char msg[600];
    epw_error(t, len, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "sample.epw:12:66: error: dry bulb temperature is not a number: '-3.x'");
    free(t);
}
END_TEST

START_TEST(test_epw_short_row)
{
    /* 34 fields (the last one dropped): reported at the end of the line */
    const char *row = "1999,1,1,4,60," FLAGS ",-3.0,-9.0,64,101830,"
                      "0,0,250,0,0,0,0,0,0,0,320,2.3,5,3,16.0,77777,9,999999999,6,0.0610,0,88,"
                      "0.200,0.0";
    size_t len;
    char *t = fixture_with_line(12, row, &len);
    char msg[600], want[600];
    epw_error(t, len, msg, sizeof msg, NULL);
    snprintf(want, sizeof want, "sample.epw:12:%zu: error: EPW row has 34 fields, expected 35",
             strlen(row) + 1);
    ck_assert_str_eq(msg, want);
    free(t);
}
END_TEST

START_TEST(test_epw_skipped_hour)
{
    /* row 4 removed: line 12 now holds hour 5; the hour field starts at column 10 */
    size_t len, count;
    char *t = fixture_with_line(12, NULL, &len);
    char msg[600];
    epw_error(t, len, msg, sizeof msg, &count);
    ck_assert_str_eq(msg, "sample.epw:12:10: error: expected 1/1 hour 4, found 1/1 hour 5 (rows "
                          "must be consecutive hours from the data period's start)");
    ck_assert_uint_eq(count, 1); /* one report, not one per later row */
    free(t);
}
END_TEST

START_TEST(test_epw_bad_value_range)
{
    /* wind 55 m/s (field 22) and a missing dry bulb (99.9) on the same row: both reported */
    size_t len, count;
    char *t = fixture_with_line(12,
                                "1999,1,1,4,60," FLAGS
                                ",99.9,-9.0,64,101830,0,0,250,0,0,0,0,0,0,0,320,55,5,3,16.0,77777,"
                                "9,999999999,6,0.0610,0,88,0.200,0.0,1.0",
                                &len);
    char msg[600];
    epw_error(t, len, msg, sizeof msg, &count);
    ck_assert_str_eq(msg, "sample.epw:12:66: error: dry bulb temperature missing (99.9)");
    ck_assert_uint_ge(count, 2);
    free(t);
}
END_TEST

START_TEST(test_epw_bad_header)
{
    size_t len;
    char *t = fixture_with_line(4, "GROUND TEMPS,0", &len);
    char msg[600];
    epw_error(t, len, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "sample.epw:4:1: error: expected the EPW header line 'GROUND "
                          "TEMPERATURES', found 'GROUND TEMPS'");
    free(t);
    t = fixture_with_line(8, "DATA PERIODS,1,4,Data,Sunday, 1/ 1, 1/ 3", &len);
    epw_error(t, len, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "sample.epw:8:16: error: 4 records per hour: dhsim reads hourly files "
                          "(1 per hour)");
    free(t);
}
END_TEST

START_TEST(test_epw_truncated)
{
    size_t len;
    char *t = fixture_with_line(80, NULL, &len); /* the last row (1/3 hour 24) */
    char msg[600];
    epw_error(t, len, msg, sizeof msg, NULL);
    ck_assert_str_eq(msg, "sample.epw:79:1: error: the file ends after 71 hourly rows; the data "
                          "period 1/1 to 1/3 has 72");
    free(t);
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w;
    ck_assert_int_eq(dh_weather_read_epw("no/such/file.epw", &w, &diag), DH_ERR_IO);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_ptr_nonnull(strstr(msg, "no/such/file.epw: error: cannot open the file"));
    dh_diag_free(&diag);
}
END_TEST

/* ---- CSV ---------------------------------------------------------------------------------- */

static dh_units *U;

static void setup_units(void)
{
    dh_error err;
    ck_assert_int_eq(dh_units_create(&U, &err), DH_OK);
}
static void teardown_units(void)
{
    dh_units_destroy(&U);
}

START_TEST(test_csv_weather_time)
{
    char text[4096];
    int o = snprintf(text, sizeof text, "# one day at Linyi\ntime,air [degC],wind [m/s]\n");
    for (int h = 0; h < 24; h++)
        o += snprintf(text + o, sizeof text - (size_t)o, "2023-03-02 %02d:00,%g,%g\n", h, -3.5 + h,
                      1.0 + 0.1 * h);
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w;
    dh_status st = dh_weather_read_csv_string(text, strlen(text), "w.csv", U, &w, &diag);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_uint_eq(w->n, 24);
    ck_assert_int_eq(w->start_day, dh_day_of_year(3, 2));
    ck_assert_double_eq_tol(w->air_temperature[0], C(-3.5), 1e-9);
    ck_assert_double_eq_tol(w->air_temperature[23], C(19.5), 1e-9);
    ck_assert_double_eq_tol(w->wind_speed[10], 2.0, 1e-9);
    ck_assert_ptr_null(w->pressure);
    dh_weather_destroy(&w);
    dh_diag_free(&diag);
}
END_TEST

START_TEST(test_csv_weather_hour_degf)
{
    char text[4096];
    int o = snprintf(text, sizeof text, "hour,air [degF],pressure [kPa]\n");
    for (int h = 24; h < 48; h++)
        o += snprintf(text + o, sizeof text - (size_t)o, "%d,32,101.3\n", h);
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w;
    /* units NULL: the reader loads the udunits2 database itself */
    ck_assert_int_eq(dh_weather_read_csv_string(text, strlen(text), "w.csv", NULL, &w, &diag),
                     DH_OK);
    ck_assert_int_eq(w->start_day, 1);
    ck_assert_double_eq_tol(w->air_temperature[5], 273.15, 1e-9); /* 32 degF = 0 degC */
    ck_assert_double_eq_tol(w->pressure[5], 101300, 1e-6);
    ck_assert_ptr_null(w->wind_speed);
    dh_weather_destroy(&w);
    dh_diag_free(&diag);
}
END_TEST

START_TEST(test_csv_weather_errors)
{
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_weather *w;
    char msg[600];
    const char *t1 = "time,air [degC],wnd [m/s]";
    ck_assert_int_lt(dh_weather_read_csv_string(t1, strlen(t1), "w.csv", U, &w, &diag), 0);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "w.csv:1:17: error: unknown column 'wnd' (did you mean 'wind'?)");
    dh_diag_free(&diag);

    dh_diag_init(&diag, 10);
    const char *t2 = "time,air";
    ck_assert_int_lt(dh_weather_read_csv_string(t2, strlen(t2), "w.csv", U, &w, &diag), 0);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "w.csv:1:6: error: column 'air' needs its unit in brackets, e.g. 'air "
                          "[degC]'");
    dh_diag_free(&diag);

    dh_diag_init(&diag, 10);
    const char *t3 = "hour,air [degC]\n0,1\n1,2\n3,4";
    ck_assert_int_lt(dh_weather_read_csv_string(t3, strlen(t3), "w.csv", U, &w, &diag), 0);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "w.csv:4:1: error: hour 3 of the year follows hour 1: rows must be "
                          "consecutive hours");
    dh_diag_free(&diag);

    dh_diag_init(&diag, 10);
    const char *t4 = "time,air [degC]\n2024-02-29 00:00,1";
    ck_assert_int_lt(dh_weather_read_csv_string(t4, strlen(t4), "w.csv", U, &w, &diag), 0);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "w.csv:2:1: error: 29 February: dhsim uses a 365-day year (as EPW "
                          "typical years do): drop the day");
    dh_diag_free(&diag);

    dh_diag_init(&diag, 10);
    const char *t5 = "hour,air [degC]\n0,1\n1,x";
    ck_assert_int_lt(dh_weather_read_csv_string(t5, strlen(t5), "w.csv", U, &w, &diag), 0);
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "w.csv:3:3: error: not a number: 'x'");
    dh_diag_free(&diag);
}
END_TEST

START_TEST(test_csv_profile)
{
    char text[4096];
    int o = snprintf(text, sizeof text, "hour,demand [t/h]\n");
    for (int h = 0; h < 48; h++)
        o += snprintf(text + o, sizeof text - (size_t)o, "%d,%g\n", h, h < 24 ? 3.6 : 7.2);
    dh_diag diag;
    dh_diag_init(&diag, 10);
    dh_profile *p;
    ck_assert_int_eq(dh_profile_read_csv_string(text, strlen(text), "p.csv", U, &p, &diag), DH_OK);
    ck_assert_int_eq(p->quantity, DH_Q_MASS_FLOW);
    ck_assert_uint_eq(p->n, 48);
    ck_assert_double_eq_tol(p->value[0], 1.0, 1e-12); /* 3.6 t/h = 1 kg/s */
    ck_assert_double_eq_tol(p->value[30], 2.0, 1e-12);
    dh_profile_destroy(&p);
    ck_assert_ptr_null(p);

    const char *t2 = "time,heat [MW]\n2023-11-15 00:00,12.5\n2023-11-15 01:00,13";
    ck_assert_int_eq(dh_profile_read_csv_string(t2, strlen(t2), "p.csv", U, &p, &diag), DH_OK);
    ck_assert_int_eq(p->quantity, DH_Q_POWER);
    ck_assert_int_eq(p->start_day, 318);
    ck_assert_double_eq_tol(p->value[0], 12.5e6, 1e-6);
    dh_profile_destroy(&p);

    const char *t3 = "hour,demand [m]\n0,1";
    ck_assert_int_lt(dh_profile_read_csv_string(t3, strlen(t3), "p.csv", U, &p, &diag), 0);
    char msg[600];
    dh_error_format(&diag.items[0], msg, sizeof msg);
    ck_assert_str_eq(msg, "p.csv:1:6: error: column 'demand [m]': a profile holds a power (W, kW, "
                          "MW) or a mass flow (kg/s, t/h)");
    dh_diag_free(&diag);
}
END_TEST

/* ---- design day --------------------------------------------------------------------------- */

START_TEST(test_design_day_ashrae_mean)
{
    /* Daily mean -4.7 degC, range 8 K. mean(f) = 12.87/24 = 0.53625, so
     * T_max = -4.7 + 0.53625 x 8 = -0.41 degC at hours 14-15 (index 13, 14),
     * T_min = -8.41 degC at hour 5 (index 4); hour 1 (index 0): -0.41 - 0.88 x 8 = -7.45 */
    double t[24];
    dh_error err;
    ck_assert_int_eq(dh_design_day(-4.7, DH_DESIGN_DAILY_MEAN, 8.0, DH_DIURNAL_ASHRAE, t, &err),
                     DH_OK);
    double mean = 0, mn = INFINITY, mx = -INFINITY;
    int imn = -1, imx = -1;
    for (int h = 0; h < 24; h++) {
        mean += t[h] / 24;
        if (t[h] < mn) {
            mn = t[h];
            imn = h;
        }
        if (t[h] > mx) {
            mx = t[h];
            imx = h;
        }
    }
    ck_assert_double_eq_tol(mean, -4.7, 1e-12);
    ck_assert_double_eq_tol(mx, -0.41, 1e-12);
    ck_assert_double_eq_tol(mn, -8.41, 1e-12);
    ck_assert_int_eq(imn, 4);
    ck_assert_int_eq(imx, 13);
    ck_assert_double_eq_tol(t[14], -0.41, 1e-12);
    ck_assert_double_eq_tol(t[0], -7.45, 1e-12);
}
END_TEST

START_TEST(test_design_day_min_and_cosine)
{
    double t[24];
    dh_error err;
    /* from the minimum -8 and range 10: T_max = 2 at index 13; index 0: 2 - 0.88 x 10 = -6.8 */
    ck_assert_int_eq(dh_design_day(-8, DH_DESIGN_MINIMUM, 10, DH_DIURNAL_ASHRAE, t, &err), DH_OK);
    ck_assert_double_eq_tol(t[4], -8.0, 1e-12);
    ck_assert_double_eq_tol(t[13], 2.0, 1e-12);
    ck_assert_double_eq_tol(t[0], -6.8, 1e-12);
    /* cosine: minimum at 05:00 (index 4), maximum at 14:00 (index 13);
     * index 9 (tau 10): f = (1 + cos 100 deg)/2 = 0.4131759112; index 20 (tau 21):
     * f = (1 - cos 84 deg)/2 = 0.4477357684 */
    ck_assert_int_eq(dh_design_day(-8, DH_DESIGN_MINIMUM, 10, DH_DIURNAL_COSINE, t, &err), DH_OK);
    ck_assert_double_eq_tol(t[4], -8.0, 1e-12);
    ck_assert_double_eq_tol(t[13], 2.0, 1e-12);
    ck_assert_double_eq_tol(t[9], 2.0 - 10 * 0.4131759112, 1e-9);
    ck_assert_double_eq_tol(t[20], 2.0 - 10 * 0.4477357684, 1e-9);
    for (int h = 0; h < 24; h++) {
        ck_assert(t[h] >= -8.0 - 1e-12);
        ck_assert(t[h] <= 2.0 + 1e-12);
    }
    ck_assert_int_eq(dh_design_day(-8, DH_DESIGN_MINIMUM, -1, DH_DIURNAL_COSINE, t, &err),
                     DH_ERR_INPUT);
}
END_TEST

static Suite *weather_suite(void)
{
    Suite *s = suite_create("weather");
    TCase *tc = tcase_create("epw");
    tcase_add_test(tc, test_epw_fixture);
    tcase_add_test(tc, test_epw_bad_number);
    tcase_add_test(tc, test_epw_short_row);
    tcase_add_test(tc, test_epw_skipped_hour);
    tcase_add_test(tc, test_epw_bad_value_range);
    tcase_add_test(tc, test_epw_bad_header);
    tcase_add_test(tc, test_epw_truncated);
    suite_add_tcase(s, tc);
    tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup_units, teardown_units);
    tcase_add_test(tc, test_csv_weather_time);
    tcase_add_test(tc, test_csv_weather_hour_degf);
    tcase_add_test(tc, test_csv_weather_errors);
    tcase_add_test(tc, test_csv_profile);
    suite_add_tcase(s, tc);
    tc = tcase_create("design_day");
    tcase_add_test(tc, test_design_day_ashrae_mean);
    tcase_add_test(tc, test_design_day_min_and_cosine);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(weather_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
