/* test_transient_case.c: the transient study's case sections (network/case_build.c,
 * "transient study"): `study: {type: transient, duration:, output_interval:, rtol:, atol:,
 * max_step:}` and `events:` read into dh_case.transient in SI, targets resolved against the
 * network and the plant, and the errors with their file:line:col and "did you mean".
 * Cases: cases/teaching/steam_main.yaml (valve PRV1, heat consumer OFFICE, groups, no plant)
 * and cases/linyi-etdz/boiler-trip.yaml (the park with its plant: boilers B1..B3).
 * Expected values are the case texts converted by hand (1 t/h = 1/3.6 kg/s; gauge pressures
 * + the case's atmospheric pressure, 101.325 kPa for the teaching case, 101.0 kPa for the
 * park); exact up to the units library's double arithmetic (1e-9 relative).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"

static char *slurp(const char *rel, size_t extra)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("SRCDIR") ? getenv("SRCDIR") : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = calloc((size_t)n + extra + 1, 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return b;
}

/* Reads `base` (a case under SRCDIR, its events section cut off) + `extra` as if it were the
 * file `base`; the diagnostics text goes to buf. */
static dh_case *read_with(const char *base, const char *extra, const char *const *sets,
                          size_t nsets, char *buf, size_t size, char **text_out)
{
    size_t nextra = strlen(extra);
    char *text = slurp(base, nextra + 2);
    char *ev = strstr(text, "\nevents:");
    if (ev) ev[1] = '\0';
    strcat(text, extra);
    char name[1024];
    snprintf(name, sizeof name, "%s/%s", getenv("SRCDIR") ? getenv("SRCDIR") : ".", base);
    dh_diag diag;
    dh_diag_init(&diag, 50);
    dh_case *c = NULL;
    dh_case_read_string(text, strlen(text), name, sets, nsets, NULL, &c, &diag);
    FILE *f = fmemopen(buf, size - 1, "w");
    dh_diag_print(&diag, f);
    fclose(f);
    dh_diag_free(&diag);
    if (text_out) *text_out = text;
    else free(text);
    return c;
}

/* "file:LINE:COL: error: " of the first occurrence of `marker` in text (after `after`). */
static void where(const char *text, const char *after, const char *marker, int *line, int *col)
{
    const char *a = after ? strstr(text, after) : text;
    ck_assert_ptr_nonnull(a);
    const char *m = strstr(a, marker);
    ck_assert_msg(m != NULL, "marker %s after %s not found", marker, after ? after : "-");
    *line = 1;
    const char *bol = text;
    for (const char *p = text; p < m; p++)
        if (*p == '\n') (*line)++, bol = p + 1;
    *col = (int)(m - bol) + 1;
}

static void expect(const char *buf, const char *text, const char *after, const char *marker,
                   const char *msg)
{
    int line, col;
    where(text, after, marker, &line, &col);
    char want[512];
    snprintf(want, sizeof want, ":%d:%d: error: %s", line, col, msg);
    ck_assert_msg(strstr(buf, want), "expected '%s' in:\n%s", want, buf);
}

static const char *const tsets[] = {"study.type=transient", "study.duration=90 min",
                                    "study.output_interval=30 s", "study.rtol=1e-5",
                                    "study.max_step=10 s"};

START_TEST(test_events_parsed)
{
    char buf[4096];
    const char *ev = "events:\n"
                     "  - {at: 0.5 h, type: demand_ramp, target: SKF, value: 20 t/h, duration: 15 min}\n"
                     "  - {at: 1 h, type: demand_step, target: buildings, value: 80 %}\n"
                     "  - {at: 20 min, type: source_pressure, target: CHP, value: 0.8 MPa(g)}\n"
                     "  - {at: 30 s, type: source_max_flow, target: CHP, value: 36 t/h}\n"
                     "  - {at: 40 min, type: source_max_flow, target: CHP, value: none}\n"
                     "  - {at: 10 min, type: source_temperature, target: CHP, value: 270 degC,\n"
                     "     duration: 5 min}\n"
                     "  - {at: 15 min, type: valve, target: PRV1, value: 40 %}\n"
                     "  - {at: 16 min, type: demand_step, target: OFFICE, value: 1.5 MW,\n"
                     "     note: the office turns its heating down}\n";
    dh_case *c = read_with("cases/teaching/steam_main.yaml", ev, tsets, 5, buf, sizeof buf, NULL);
    ck_assert_msg(c != NULL, "%s", buf);
    ck_assert_int_eq(c->study.type, DH_STUDY_TRANSIENT);
    const dh_transient_spec *t = &c->transient;
    ck_assert_double_eq_tol(t->duration, 5400.0, 1e-9);
    ck_assert_double_eq_tol(t->output_interval, 30.0, 1e-12);
    ck_assert_double_eq_tol(t->rtol, 1e-5, 1e-18);
    ck_assert_double_eq_tol(t->atol, 1e-5, 1e-18); /* default: rtol */
    ck_assert_double_eq_tol(t->max_step, 10.0, 1e-12);
    ck_assert_uint_eq(t->n_events, 8);
    const dh_case_event *e = t->events;
    ck_assert_int_eq(e[0].type, DH_CASE_EVENT_DEMAND_RAMP);
    ck_assert_double_eq_tol(e[0].time, 1800.0, 1e-9);
    ck_assert_double_eq_tol(e[0].value, 20.0 / 3.6, 1e-9);
    ck_assert_double_eq_tol(e[0].duration, 900.0, 1e-9);
    ck_assert_uint_eq(e[0].index, 0); /* SKF is consumer 0 */
    ck_assert(!e[0].target_is_group);
    ck_assert_int_eq(e[0].quantity, DH_Q_MASS_FLOW);
    ck_assert_int_eq(e[1].type, DH_CASE_EVENT_DEMAND_STEP);
    ck_assert(e[1].target_is_group);
    ck_assert_uint_eq(e[1].index, DH_NONE);
    ck_assert_double_eq_tol(e[1].fraction, 0.8, 1e-12);
    ck_assert(isnan(e[1].value));
    ck_assert_double_eq_tol(e[2].value, 0.8e6 + 101325.0, 1e-6); /* gauge + atmospheric */
    ck_assert_double_eq_tol(e[3].value, 10.0, 1e-9);             /* 36 t/h */
    ck_assert(isinf(e[4].value));                                 /* `none`: limit lifted */
    ck_assert_int_eq(e[5].type, DH_CASE_EVENT_SOURCE_TEMPERATURE);
    ck_assert_double_eq_tol(e[5].value, 543.15, 1e-9);
    ck_assert_double_eq_tol(e[5].duration, 300.0, 1e-9);
    ck_assert_int_eq(e[6].type, DH_CASE_EVENT_VALVE);
    ck_assert_uint_eq(e[6].index, 0); /* PRV1: row 0 of the valve table */
    ck_assert_double_eq_tol(e[6].value, 0.4, 1e-12);
    ck_assert_double_eq_tol(e[7].value, 1.5e6, 1e-6);
    ck_assert_int_eq(e[7].quantity, DH_Q_POWER);
    ck_assert_uint_eq(e[7].index, 2); /* OFFICE */
    dh_case_destroy(&c);
}
END_TEST

START_TEST(test_park_case)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/cases/linyi-etdz/boiler-trip.yaml",
             getenv("SRCDIR") ? getenv("SRCDIR") : ".");
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_case *c = NULL;
    dh_status rc = dh_case_read(path, NULL, 0, &c, &diag);
    if (rc) dh_diag_print(&diag, stderr);
    dh_diag_free(&diag);
    ck_assert_int_eq(rc, DH_OK);
    ck_assert_int_eq(c->study.type, DH_STUDY_TRANSIENT);
    ck_assert_double_eq_tol(c->transient.duration, 7200.0, 1e-9);
    ck_assert_double_eq_tol(c->transient.output_interval, 120.0, 1e-9);
    ck_assert_uint_eq(c->transient.n_events, 1);
    const dh_case_event *e = &c->transient.events[0];
    ck_assert_int_eq(e->type, DH_CASE_EVENT_BOILER_TRIP);
    ck_assert_double_eq_tol(e->time, 600.0, 1e-9);
    ck_assert_str_eq(c->plant.boiler[e->index].id, "B1");
    ck_assert(c->plant.present);
    dh_case_destroy(&c);
}
END_TEST

START_TEST(test_errors)
{
    char buf[8192], *text;
    const char *ev = "events:\n"
                     "  - {at: 1 min, type: demand_stp, target: SKF, value: 20 t/h}\n"
                     "  - {at: 2 min, type: demand_step, target: SKF, value: 20 t/h}\n"
                     "  - {at: 3 min, type: demand_step, target: SKF, value: 50 %}\n"
                     "  - {at: 4 min, type: demand_step, target: SKF, value: 3 t/h}\n"
                     "  - {at: 5 min, type: demand_step, target: SKF, value: 20}\n"
                     "  - {at: 6 min, type: demand_step, target: SKF, value: 20 t/h, duration: 1 min}\n"
                     "  - {at: 7 min, type: demand_ramp, target: SKF, value: 20 t/h}\n"
                     "  - {at: 8 min, type: valve, target: PRV1, value: 0.5}\n"
                     "  - {at: 9 min, type: valve, target: PRV1, value: 1.5}\n"
                     "  - {at: 10 min, type: source_pressure, target: CHP, value: 0.5 MPa}\n"
                     "  - {at: 11 min, type: boiler_trip, target: B1, value: 1 t/h}\n"
                     "  - {at: -1 min, type: source_max_flow, target: CHP, value: 3 MW}\n"
                     "  - {at: 12 min, type: demand_step, target: buildings, value: 2 MW}\n"
                     "  - {at: 13 min, typ: valve, target: PRV1, value: 1}\n";
    dh_case *c = read_with("cases/teaching/steam_main.yaml", ev, tsets, 1, buf, sizeof buf, &text);
    ck_assert_ptr_null(c);
    expect(buf, text, "events:", "demand_stp",
           "event #1: unknown type 'demand_stp' (did you mean 'demand_step'?)");
    expect(buf, text, "at: 5 min", "20}", "event #5: 'value' needs a unit");
    expect(buf, text, "at: 6 min", "1 min}", "event #6: a demand_step is a step: it takes no 'duration'");
    expect(buf, text, "at: 6 min", "{at: 7", "event #7: missing required key 'duration'");
    expect(buf, text, "at: 9 min", "1.5}", "event #9: 'value' must lie between 0 and 1");
    expect(buf, text, "at: 11 min", "1 t/h}", "event #11: a boiler_trip takes no 'value'");
    expect(buf, text, "events:", "-1 min", "event #12: 'at' must not be negative");
    expect(buf, text, "at: -1 min", "3 MW", "event #12: value:");
    expect(buf, text, "at: 13 min", "typ:", "event #14: unknown key 'typ' (did you mean 'type'?)");
    free(text);

    /* targets are checked against the built network (a second pass: only once every event
     * has been read without errors) */
    const char *ev1 = "events:\n"
                      "  - {at: 2 min, type: demand_step, target: SKG, value: 20 t/h}\n"
                      "  - {at: 3 min, type: demand_step, target: chemicl, value: 50 %}\n"
                      "  - {at: 4 min, type: demand_step, target: OFFICE, value: 3 t/h}\n"
                      "  - {at: 8 min, type: valve, target: P1, value: 0.5}\n"
                      "  - {at: 8 min, type: valve, target: PRV2, value: 0.5}\n"
                      "  - {at: 10 min, type: source_pressure, target: CHQ, value: 0.5 MPa}\n"
                      "  - {at: 10 min, type: source_flow, target: CHP, value: 5 t/h}\n"
                      "  - {at: 11 min, type: boiler_trip, target: B1}\n"
                      "  - {at: 12 min, type: demand_step, target: buildings, value: 2 MW}\n";
    c = read_with("cases/teaching/steam_main.yaml", ev1, tsets, 1, buf, sizeof buf, &text);
    ck_assert_ptr_null(c);
    expect(buf, text, "events:", "SKG",
           "event demand_step: no consumer or group 'SKG' (did you mean 'SKF'?)");
    expect(buf, text, "events:", "chemicl",
           "event demand_step: no consumer or group 'chemicl' (did you mean 'chemical'?)");
    expect(buf, text, "events:", "OFFICE, value: 3",
           "event demand_step: consumer OFFICE is a heat consumer: its demand is a power");
    expect(buf, text, "events:", "P1, value", "event valve: link P1 is not a valve");
    expect(buf, text, "events:", "PRV2", "event valve: no valve 'PRV2' (did you mean 'PRV1'?)");
    expect(buf, text, "events:", "CHQ",
           "event source_pressure: no source 'CHQ' (did you mean 'CHP'?)");
    expect(buf, text, "source_flow", "CHP",
           "event source_flow: source CHP is not a fixed_flow source");
    expect(buf, text, "events:", "B1}",
           "event boiler_trip: a boiler_trip needs the case's 'plant:' section");
    expect(buf, text, "events:", "buildings, value: 2 MW",
           "event demand_step: a group's demand is given as a share");
    free(text);

    /* the park: boilers are the plant's (B1..B3) */
    const char *ev2 = "events:\n"
                      "  - {at: 10 min, type: boiler_trip, target: B4}\n"
                      "  - {at: 20 min, type: boiler_return, target: B2}\n";
    c = read_with("cases/linyi-etdz/boiler-trip.yaml", ev2, NULL, 0, buf, sizeof buf, &text);
    ck_assert_ptr_null(c);
    expect(buf, text, "events:", "B4", "event boiler_trip: no plant boiler 'B4' (did you mean 'B");
    ck_assert_msg(!strstr(buf, "'B2'"), "%s", buf);
    free(text);
    /* the study keys */
    const char *const bad_sets[] = {"study.type=transient", "study.duration=-1 h",
                                    "study.output_interval=2 kg"};
    c = read_with("cases/teaching/steam_main.yaml", "", bad_sets, 3, buf, sizeof buf, NULL);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(buf, "error: study: 'duration' must be positive"), "%s", buf);
    ck_assert_msg(strstr(buf, "output_interval"), "%s", buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transient_case");
    TCase *t = tcase_create("reader");
    tcase_add_test(t, test_events_parsed);
    tcase_add_test(t, test_park_case);
    tcase_add_test(t, test_errors);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
