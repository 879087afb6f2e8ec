/* test_series.c: the quasi-steady series (solver/series.c), the case sections it reads
 * (`weather:`, `calendar:`, `loads:`, study start/end/step: network/case_build.c, case_loads.c)
 * and the series summary (postproc/series_summary.c).
 *  - every step of a 5-step series equals an independent cold steady solve of the same network
 *    with the same demands and air temperature (cases/teaching/steam_main.yaml + loads);
 *  - the summary's peak, load-duration, unmet/low-pressure hours and energy totals against
 *    hand computation on a 4-step series of hand-made states; HDF5 write/read round trip;
 *  - reader errors with positions (unknown model, unknown group).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh_case.h"
#include "dh_loads.h"
#include "dh_output.h"
#include "dh_plant_couple.h"
#include "dh_series.h"
#include "dh_series_summary.h"
#include "dh_solver.h"

static char *slurp(const char *rel, size_t *len)
{
    char path[1024];
    const char *src = getenv("SRCDIR");
    snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 4096);
    ck_assert(fread(b, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

/* The teaching steam main with a design day and a load model per consumer: the heat consumer
 * follows the hourly air (so each hour differs), the steam ones a shift pattern. */
static const char *series_yaml =
    "weather:\n"
    "  design_day: {mean: -4.7 degC, range: 9.6 K, date: 01-12}\n"
    "calendar: {first_weekday: sunday}\n"
    "loads:\n"
    "  models:\n"
    "    heating: {type: space_heating, outdoor: hourly, cutoff: none}\n"
    "    shifts:\n"
    "      type: process\n"
    "      hours: [0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.8, 1.0, 1.0, 0.9, 0.9, 0.9,\n"
    "              0.8, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5]\n"
    "  assign:\n"
    "    OFFICE: heating\n"
    "    chemical: [{model: shifts, share: 0.9}]\n"
    "    TEXMILL: {model: shifts, design: 6 t/h}\n"
    "  coincidence: {chemical: 0.95}\n";

static dh_case *read_series_case(const char *extra, const char *const *sets, size_t nsets,
                                 dh_diag *diag)
{
    size_t len;
    char *text = slurp("cases/teaching/steam_main.yaml", &len);
    strcat(text + len, "\n");
    strcat(text + len, extra);
    char name[1024];
    snprintf(name, sizeof name, "%s/cases/teaching/steam_series.yaml",
             getenv("SRCDIR") ? getenv("SRCDIR") : ".");
    dh_case *c = NULL;
    dh_case_read_string(text, strlen(text), name, sets, nsets, NULL, &c, diag);
    free(text);
    return c;
}

#define NSTEP 5
typedef struct capture {
    size_t nn, nl, nc;
    double air[NSTEP];
    double *demand;   /* [NSTEP][nc] */
    double *p, *m;    /* [NSTEP][nn], [NSTEP][nl] */
    double *q;        /* consumer heat [NSTEP][nc] */
    int iterations[NSTEP];
    bool converged[NSTEP];
} capture;

static int grab(void *user, const dh_series_step *st)
{
    capture *c = user;
    size_t k = st->index;
    c->air[k] = st->air_temperature;
    memcpy(c->demand + k * c->nc, st->demand, c->nc * sizeof(double));
    memcpy(c->p + k * c->nn, st->snap->node_pressure, c->nn * sizeof(double));
    memcpy(c->m + k * c->nl, st->snap->link_mass_flow, c->nl * sizeof(double));
    memcpy(c->q + k * c->nc, st->snap->consumer_heat, c->nc * sizeof(double));
    c->iterations[k] = st->iterations;
    c->converged[k] = st->converged;
    return 0;
}

START_TEST(test_series_equals_steady)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    const char *sets[] = {"study.type=series", "study.tolerance=1e-10"};
    dh_case *c = read_series_case(series_yaml, sets, 2, &diag);
    if (!c) dh_diag_print(&diag, stderr);
    ck_assert_ptr_nonnull(c);
    dh_loads *L = NULL;
    int wstart = -1;
    ck_assert_int_eq(dh_case_loads_create(c, NULL, &L, &wstart, &diag), DH_OK);
    ck_assert_int_eq(wstart, dh_day_of_year(1, 12));
    const dh_network *net = c->net;
    capture cap = {.nn = net->nodes.n, .nl = net->links.n, .nc = net->consumers.n};
    cap.demand = calloc(NSTEP * cap.nc, sizeof(double));
    cap.p = calloc(NSTEP * cap.nn, sizeof(double));
    cap.m = calloc(NSTEP * cap.nl, sizeof(double));
    cap.q = calloc(NSTEP * cap.nc, sizeof(double));
    dh_series_options opt;
    dh_series_options_init(&opt);
    opt.steady.tolerance = 1e-10;
    dh_series_stats stats;
    dh_error err;
    /* hours 3, 6, 9, 12, 15 of the design day: air from -8.7 to +0.4 degC, shifts 0.5 .. 1 */
    ck_assert_int_eq(dh_series_run(net, &c->study, L, 3, NSTEP, 3, NULL, 0, &opt, grab, &cap,
                                   &stats, &err),
                     DH_OK);
    ck_assert_uint_eq(stats.steps, NSTEP);
    ck_assert_uint_eq(stats.failed, 0);

    /* hand check of the loads of step 0 (hour 3 = ASHRAE hour 4, f = 0.98): air
     * T = T_mean + (0.53625 - 0.98) x 9.6 K (docs/loads.md, design day); OFFICE heat
     * 2 MW (18 - T)/(18 + 4.7); SKF 30 t/h x 0.9 x 0.95 x 0.5; TEXMILL 6 t/h x 0.5 */
    double T = 273.15 - 4.7 + (0.53625 - 0.98) * 9.6;
    ck_assert_double_eq_tol(cap.air[0], T, 1e-9);
    size_t skf = 0, tex = 0, office = 0;
    for (size_t i = 0; i < cap.nc; i++) {
        if (!strcmp(net->consumers.id[i], "SKF")) skf = i;
        if (!strcmp(net->consumers.id[i], "TEXMILL")) tex = i;
        if (!strcmp(net->consumers.id[i], "OFFICE")) office = i;
    }
    ck_assert_double_eq_tol(cap.demand[office], 2e6 * (291.15 - T) / 22.7, 1e-3);
    ck_assert_double_eq_tol(cap.demand[skf], 30 / 3.6 * 0.9 * 0.95 * 0.5, 1e-9);
    ck_assert_double_eq_tol(cap.demand[tex], 6 / 3.6 * 0.5, 1e-9);

    /* every step against an independent cold solve: a fresh copy of the network with the
     * step's demands and air, a fresh solver (new layout: the air enters the pipes' ambient
     * through dh_pipe_heat_init, not through series.c's per-edge update) */
    dh_snapshot *snap = NULL;
    ck_assert_int_eq(dh_snapshot_create(net, &snap), 0);
    for (size_t k = 0; k < NSTEP; k++) {
        ck_assert(cap.converged[k]);
        dh_source_spec ss;
        dh_source_spec_init(&ss);
        ss.type = net->sources.type[0];
        ss.medium = net->sources.medium[0];
        ss.pressure = net->sources.pressure[0];
        ss.temperature = net->sources.temperature[0];
        dh_network *w = NULL;
        ck_assert_int_eq(dh_network_with_source(net, 0, &ss, &w, &err), DH_OK);
        w->ambient.air_temperature = cap.air[k];
        for (size_t i = 0; i < cap.nc; i++) {
            if (net->consumers.type[i] == DH_CONSUMER_HEAT)
                w->consumers.demand_heat[i] = cap.demand[k * cap.nc + i];
            else
                w->consumers.demand_mass_flow[i] = cap.demand[k * cap.nc + i];
        }
        dh_steady_options so;
        dh_steady_options_init(&so);
        so.tolerance = 1e-10;
        dh_steady *s = NULL;
        ck_assert_int_eq(dh_steady_create(w, &c->study, &so, &s, &err), DH_OK);
        ck_assert_int_eq(dh_steady_solve(s, snap, NULL, &err), DH_OK);
        /* both solutions meet a scaled residual of 1e-10 (pressure rows scaled by ~1e5 Pa,
         * mass rows by the design flow ~10 kg/s): they agree to ~1e-9 relative; 1e-7
         * relative on pressures and 1e-6 kg/s on flows leave room for the conditioning */
        for (size_t i = 0; i < cap.nn; i++)
            ck_assert_double_eq_tol(cap.p[k * cap.nn + i], snap->node_pressure[i],
                                    1e-7 * snap->node_pressure[i]);
        for (size_t l = 0; l < cap.nl; l++)
            ck_assert_double_eq_tol(cap.m[k * cap.nl + l], snap->link_mass_flow[l], 1e-6);
        for (size_t i = 0; i < cap.nc; i++)
            ck_assert_double_eq_tol(cap.q[k * cap.nc + i], snap->consumer_heat[i],
                                    1e-6 * fabs(snap->consumer_heat[i]) + 1e-3);
        dh_steady_destroy(&s);
        dh_network_destroy(&w);
    }
    /* warm-started steps converge in a few Newton iterations (no fallback ran) */
    for (size_t k = 1; k < NSTEP; k++) ck_assert_int_le(cap.iterations[k], 8);
    dh_snapshot_destroy(&snap);
    free(cap.demand), free(cap.p), free(cap.m), free(cap.q);
    dh_loads_destroy(&L);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
}
END_TEST

/* Study window: start/end/step read as documented (an end date runs through its day). */
START_TEST(test_study_window)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    const char *sets[] = {"study.type=series", "study.start=12-31 12:00", "study.end=01-01",
                          "study.step=3 h"};
    dh_case *c = read_series_case(series_yaml, sets, 4, &diag);
    if (!c) dh_diag_print(&diag, stderr);
    ck_assert_ptr_nonnull(c);
    ck_assert_double_eq_tol(c->study.series_start, 3600.0 * (364 * 24 + 12), 1e-6);
    ck_assert_double_eq_tol(c->study.series_duration, 3600.0 * 36, 1e-6); /* 12 h + 24 h */
    ck_assert_double_eq_tol(c->study.series_step, 3 * 3600.0, 1e-9);
    ck_assert_uint_eq(c->series.n_models, 2);
    ck_assert_uint_eq(c->series.n_assign, 3);
    ck_assert(c->series.assign[1].is_group);
    ck_assert(!c->series.assign[2].is_group);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
}
END_TEST

/* Reader errors name the value's position and suggest. */
START_TEST(test_reader_errors)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    const char *bad =
        "weather: {design_day: {mean: -4.7 degC}}\n"
        "loads:\n"
        "  models:\n"
        "    heating: {type: space_heating, cutoff: none}\n"
        "  assign:\n"
        "    OFFICE: heatng\n";
    dh_case *c = read_series_case(bad, NULL, 0, &diag);
    ck_assert_ptr_null(c);
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    dh_diag_print(&diag, f);
    fclose(f);
    ck_assert_msg(strstr(buf, "steam_series.yaml:65:13: error: loads.assign.OFFICE: model 'heatng' "
                              "not found (did you mean 'heating'?)"), "%s", buf);
    dh_diag_free(&diag);
    /* ids and groups are checked once the network is built */
    dh_diag_init(&diag, 20);
    const char *bad2 =
        "loads:\n"
        "  models: {heating: {type: space_heating}}\n"
        "  assign: {chemicl: heating}\n";
    c = read_series_case(bad2, NULL, 0, &diag);
    ck_assert_ptr_null(c);
    f = fmemopen(buf, sizeof buf - 1, "w");
    dh_diag_print(&diag, f);
    fclose(f);
    ck_assert_msg(strstr(buf, "no consumer or group 'chemicl' (did you mean 'chemical'?)"), "%s",
                  buf);
    dh_diag_free(&diag);
}
END_TEST

/* ---- the summary against hand computation -------------------------------------------------- */

START_TEST(test_summary_hand)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_case *c = read_series_case("", NULL, 0, &diag);
    ck_assert_ptr_nonnull(c);
    const dh_network *net = c->net;
    dh_snapshot *r = NULL;
    ck_assert_int_eq(dh_snapshot_create(net, &r), 0);
    dh_series_summary s;
    dh_error err;
    /* 4 steps of 2 h from 1 February 22:00 (hour of year 31 x 24 + 22 = 766) */
    ck_assert_int_eq(dh_series_summary_init(&s, 4, 7200.0, 766.0, false, &err), DH_OK);
    const double flow[4] = {10.0, 14.0, 12.0, 8.0}; /* kg/s from the source */
    const double air[4] = {270.0, 265.0, 268.0, 272.0};
    size_t nc = net->consumers.n, nl = net->links.n;
    for (size_t k = 0; k < 4; k++) {
        r->source_mass_flow[0] = flow[k];
        r->source_heat[0] = 2.8e6 * flow[k];
        r->source_pressure[0] = 9.9e5;
        for (size_t l = 0; l < nl; l++) {
            r->link_heat_loss[l] = 1000.0;        /* W each */
            r->link_condensate[l] = 0.001;        /* kg/s each */
            r->link_mass_flow[l] = 0.0;
        }
        /* the header flow is what leaves the source node through its links (series_summary.c):
         * the source's flow, split over the links leaving its node */
        size_t k0 = net->sources.node[0], nout = 0;
        for (size_t q = net->inc.start[k0]; q < net->inc.start[k0 + 1]; q++) nout++;
        for (size_t q = net->inc.start[k0]; q < net->inc.start[k0 + 1]; q++)
            r->link_mass_flow[net->inc.link[q]] = net->inc.sign[q] * flow[k] / (double)nout;
        for (size_t i = 0; i < nc; i++) {
            bool heat = net->consumers.type[i] == DH_CONSUMER_HEAT;
            r->consumer_heat[i] = heat ? 1e6 : 2.0e6; /* W */
            r->consumer_mass_flow[i] = heat ? 0.5 : 1.0;
            r->consumer_unmet[i] = 0;
            r->consumer_pressure_margin[i] = 1e5;
        }
        if (k == 1) { /* the peak: consumer 0 short by 10 %, consumer 1 below its minimum */
            r->consumer_unmet[0] = 0.1 * (net->consumers.type[0] == DH_CONSUMER_HEAT ? 1e6 : 1.0) / 0.9;
            r->consumer_pressure_margin[1] = -2e4;
        }
        if (k == 2) r->consumer_pressure_margin[1] = -5e4; /* the worst margin, not the peak */
        dh_series_summary_add(&s, k, net, r, NULL, air[k], true, 3 + (int)k);
    }
    dh_series_summary_finish(&s);
    ck_assert_uint_eq(s.peak_step, 1);
    ck_assert_double_eq_tol(s.peak_flow, 14.0, 1e-12);
    ck_assert_double_eq_tol(s.peak_air, 265.0, 1e-12);
    ck_assert_double_eq_tol(s.peak_min_margin, -2e4, 1e-9);
    ck_assert_str_eq(s.peak_min_margin_id, net->consumers.id[1]);
    const double sorted[4] = {14, 12, 10, 8};
    for (size_t k = 0; k < 4; k++) ck_assert_double_eq_tol(s.duration_flow[k], sorted[k], 1e-12);
    ck_assert_uint_eq(s.unmet_hours, 1);
    ck_assert_uint_eq(s.worst_unmet_step, 1);
    ck_assert_uint_eq(s.low_pressure_hours, 2);
    ck_assert_uint_eq(s.worst_pressure_step, 2);
    ck_assert_double_eq_tol(s.worst_margin, -5e4, 1e-9);
    /* totals: each step stands for 7200 s */
    double qc = 0, ms = 0;
    for (size_t i = 0; i < nc; i++) {
        bool heat = net->consumers.type[i] == DH_CONSUMER_HEAT;
        qc += heat ? 1e6 : 2e6;
        ms += heat ? 0 : 1.0;
    }
    ck_assert_double_eq_tol(s.heat_delivered, 4 * 7200.0 * qc, 1e-6 * 4 * 7200.0 * qc);
    ck_assert_double_eq_tol(s.steam_delivered, 4 * 7200.0 * ms, 1e-9);
    ck_assert_double_eq_tol(s.heat_lost, 4 * 7200.0 * 1000.0 * (double)nl, 1e-6);
    ck_assert_double_eq_tol(s.condensate, 4 * 7200.0 * 0.001 * (double)nl, 1e-9);
    ck_assert_double_eq_tol(s.source_heat, 7200.0 * 2.8e6 * (10 + 14 + 12 + 8), 1.0);
    ck_assert_int_eq(s.iterations, 3 + 4 + 5 + 6);
    char d[32];
    dh_series_summary_date(&s, 1, d, sizeof d); /* 766 + 2 h = 2 February 00:00 */
    ck_assert_str_eq(d, "02-02 00:00");

    /* HDF5 round trip (the report prints from it) */
    char path[] = "/tmp/dhsim-series-XXXXXX.h5";
    int fd = mkstemps(path, 3);
    ck_assert_int_ge(fd, 0);
    close(fd);
    dh_out *o = NULL;
    dh_out_meta meta = {.study = "series", .expected_steps = 4};
    ck_assert_int_eq(dh_out_create(path, net, &meta, &o, &err), DH_OK);
    r->time = 0;
    ck_assert_int_eq(dh_out_append(o, r, NULL, &err), DH_OK);
    ck_assert_int_eq(dh_out_close(&o, &err), DH_OK);
    ck_assert_int_eq(dh_series_summary_write(path, &s, &err), DH_OK);
    dh_series_summary b;
    ck_assert_int_eq(dh_series_summary_read(path, &b, &err), 1);
    ck_assert_uint_eq(b.peak_step, 1);
    ck_assert_uint_eq(b.n_steps, 4);
    ck_assert_double_eq_tol(b.heat_lost, s.heat_lost, 1e-6);
    for (size_t k = 0; k < 4; k++) ck_assert_double_eq_tol(b.duration_flow[k], sorted[k], 1e-12);
    ck_assert_str_eq(b.worst_margin_id, s.worst_margin_id);
    dh_series_summary_free(&b);
    unlink(path);
    char xmf[1100];
    dh_out_xmf_path(path, xmf, sizeof xmf);
    unlink(xmf);
    dh_series_summary_free(&s);
    dh_snapshot_destroy(&r);
    dh_case_destroy(&c);
    dh_diag_free(&diag);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_series_equals_steady);
    tcase_add_test(tc, test_study_window);
    tcase_add_test(tc, test_reader_errors);
    tcase_add_test(tc, test_summary_hand);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
