/* series_summary.c: the summary of a series study (dh_series_summary.h): accumulation per step,
 * the printed block shared by `dhsim run` and `dhsim report`, and /results/series in HDF5.
 *
 * Definitions (docs/results.md, "Series summary"):
 *  - peak hour: largest header draw (plant: the network's demand at the header set pressure,
 *    /results/plant/header_demand; no plant: the sources' total mass flow);
 *  - unmet hour: a step where some consumer misses more than 0.1 % of its demand (the delivery
 *    ramp of docs/model.md makes small shortfalls continuous; 0.1 % is above solver noise at
 *    tolerance 1e-8); worst: largest unmet in steam equivalent, heat / 2.0 MJ/kg (about the
 *    latent heat of 1 MPa steam, 2.015 MJ/kg, IAPWS-IF97);
 *  - low-pressure hour: some delivery margin (pressure - minimum) below 0;
 *  - energies: each converged step stands for `step` seconds (rectangle rule on the hourly
 *    states, the quasi-steady assumption).
 * Exports dh_series_summary_*. Callers: cli/run_series.c, postproc/report.c, tests.
 */
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_loads.h"
#include "dh_series_summary.h"
#include "out_internal.h"

#define UNMET_REL 1e-3   /* -, see the banner */
#define H_EQUIV 2.0e6    /* J/kg, heat -> steam equivalent of the worst-unmet ranking */

dh_status dh_series_summary_init(dh_series_summary *s, size_t n_steps, double step,
                                 double start_hour, bool have_plant, dh_error *err)
{
    memset(s, 0, sizeof *s);
    s->n_steps = n_steps;
    s->step = step;
    s->start_hour = start_hour;
    s->have_plant = have_plant;
    s->peak_flow = -HUGE_VAL;
    s->peak_min_margin = NAN;
    s->peak_n1_margin = NAN;
    s->worst_margin = HUGE_VAL;
    s->worst_unmet_steam = s->worst_unmet_heat = 0;
    size_t m = n_steps ? n_steps : 1;
    double **arr[] = {&s->header_flow, &s->source_heat_w, &s->air, &s->duration_flow,
                      &s->duration_heat};
    for (size_t i = 0; i < 5; i++) {
        *arr[i] = malloc(m * sizeof(double));
        if (!*arr[i]) {
            dh_series_summary_free(s);
            return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        }
        for (size_t k = 0; k < m; k++) (*arr[i])[k] = NAN;
    }
    return DH_OK;
}

void dh_series_summary_free(dh_series_summary *s)
{
    free(s->header_flow), free(s->source_heat_w), free(s->air);
    free(s->duration_flow), free(s->duration_heat);
    s->header_flow = s->source_heat_w = s->air = s->duration_flow = s->duration_heat = NULL;
}

static double fin(double v) { return isfinite(v) ? v : 0.0; }

static void dispatch_text(const dh_out_plant *p, char *buf, size_t size)
{
    size_t off = 0;
    int nb = 0;
    double load = 0;
    for (size_t b = 0; b < p->n_boilers; b++)
        if (p->boiler_in_service[b] > 0.5) nb++, load += p->boiler_load[b];
    int w = snprintf(buf, size, "%d of %zu boilers", nb, p->n_boilers);
    if (nb) w += snprintf(buf + w, size - (size_t)w, " at %.0f %%", 100.0 * load / nb);
    off = (size_t)w;
    for (size_t t = 0; t < p->n_turbines && off < size; t++) {
        if (p->turbine_in_service[t] < 0.5) continue;
        w = snprintf(buf + off, size - off, ", %s %.1f MW ext %.0f t/h", p->turbine_id[t],
                     p->turbine_power[t] / 1e6, p->turbine_extraction[t] * 3.6);
        if (w > 0) off += (size_t)w;
    }
    if (off < size)
        snprintf(buf + off, size - off, ", PRDS %.0f t/h", p->prds_flow * 3.6);
}

/* Header flow, kg/s: the flow leaving the source nodes through their links (a supply source's
 * injection, or the circulating flow a closed loop's plant header heats; a return header, whose
 * links only bring flow in, counts nothing). Summing the sources' own flows would give ~0 on a
 * water network (the return header takes the flow back) and 0 on a closed loop. */
static double source_outflow(const dh_network *net, const dh_snapshot *r)
{
    double flow = 0;
    for (size_t j = 0; j < net->sources.n; j++) {
        size_t k = net->sources.node[j];
        bool first = true; /* a node shared by several sources counts once */
        for (size_t i = 0; i < j && first; i++) first = net->sources.node[i] != k;
        if (!first) continue;
        double out = 0;
        for (size_t q = net->inc.start[k]; q < net->inc.start[k + 1]; q++) {
            double m = fin(r->link_mass_flow[net->inc.link[q]]) * net->inc.sign[q];
            if (m > 0) out += m;
        }
        flow += out;
    }
    return flow;
}

void dh_series_summary_add(dh_series_summary *s, size_t k, const dh_network *net,
                           const dh_snapshot *r, const dh_out_plant *plant, double air,
                           bool converged, int iterations)
{
    s->n_done++;
    s->iterations += iterations;
    if (iterations > s->max_iterations) s->max_iterations = iterations;
    if (k < s->n_steps) s->air[k] = air;
    if (!converged) {
        s->n_failed++;
        return;
    }
    const double dt = s->step;
    double flow = 0, qsrc = 0;
    /* heat: the net heat the sources put in (supply minus what a return header takes back,
     * plus a plant header's heating of a closed loop) */
    for (size_t j = 0; j < r->n_sources; j++) qsrc += fin(r->source_heat[j]);
    flow = source_outflow(net, r);
    if (plant) flow = plant->header_demand;
    if (k < s->n_steps) s->header_flow[k] = flow, s->source_heat_w[k] = qsrc;
    s->source_heat += qsrc * dt;

    /* consumers: delivered energy, unmet, margins */
    const dh_consumers *co = &net->consumers;
    double unmet_steam = 0, unmet_heat = 0, worst_frac = 0, min_margin = HUGE_VAL;
    size_t worst_c = SIZE_MAX, min_c = SIZE_MAX;
    bool unmet = false;
    for (size_t c = 0; c < co->n; c++) {
        double u = fin(r->consumer_unmet[c]);
        bool heat = co->type[c] == DH_CONSUMER_HEAT;
        s->heat_delivered += fin(r->consumer_heat[c]) * dt;
        if (!heat) s->steam_delivered += fin(r->consumer_mass_flow[c]) * dt;
        double delivered = heat ? fin(r->consumer_heat[c]) : fin(r->consumer_mass_flow[c]);
        double wanted = delivered + u;
        if (u > UNMET_REL * wanted && u > 0) {
            unmet = true;
            if (heat) unmet_heat += u; else unmet_steam += u;
            if (u / wanted > worst_frac) worst_frac = u / wanted, worst_c = c;
        }
        double m = r->consumer_pressure_margin[c];
        if (isfinite(m) && m < min_margin) min_margin = m, min_c = c;
    }
    if (unmet) {
        s->unmet_hours++;
        double eq = unmet_steam + unmet_heat / H_EQUIV;
        if (eq > s->worst_unmet_steam + s->worst_unmet_heat / H_EQUIV) {
            s->worst_unmet_step = k;
            s->worst_unmet_steam = unmet_steam;
            s->worst_unmet_heat = unmet_heat;
            snprintf(s->worst_unmet_id, sizeof s->worst_unmet_id, "%s", co->id[worst_c]);
        }
    }
    if (min_c != SIZE_MAX && min_margin < 0) {
        s->low_pressure_hours++;
        if (min_margin < s->worst_margin) {
            s->worst_margin = min_margin;
            s->worst_pressure_step = k;
            snprintf(s->worst_margin_id, sizeof s->worst_margin_id, "%s", co->id[min_c]);
        }
    }
    for (size_t l = 0; l < r->n_links; l++) {
        s->heat_lost += fin(r->link_heat_loss[l]) * dt;
        s->condensate += fin(r->link_condensate[l]) * dt;
    }
    if (plant) {
        s->fuel += fin(plant->fuel_flow) * dt;
        s->fuel_heat += fin(plant->fuel_heat) * dt;
        s->electricity += fin(plant->electric_power) * dt;
        if (plant->n1_verdict == 0) s->n1_short_hours++;
    }
    if (flow > s->peak_flow) {
        s->peak_flow = flow;
        s->peak_step = k;
        s->peak_heat = qsrc;
        s->peak_air = air;
        s->peak_min_margin = min_c != SIZE_MAX ? min_margin : NAN;
        snprintf(s->peak_min_margin_id, sizeof s->peak_min_margin_id, "%s",
                 min_c != SIZE_MAX ? co->id[min_c] : "");
        s->peak_header_pressure = plant ? plant->header_pressure
                                        : (r->n_sources ? r->source_pressure[0] : NAN);
        if (plant) {
            s->peak_power = plant->electric_power;
            s->peak_fuel = plant->fuel_flow;
            s->peak_n1_margin = plant->n1_verdict >= 0 ? plant->n1_margin : NAN;
            dispatch_text(plant, s->peak_dispatch, sizeof s->peak_dispatch);
        }
    }
}

/* Descending shell sort (no comparator globals). */
static void sort_desc(double *v, size_t n)
{
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && v[j - gap] < v[j]; j -= gap) {
                double t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
}

void dh_series_summary_finish(dh_series_summary *s)
{
    /* failed steps (NaN) go to the end, counted as 0 */
    for (size_t k = 0; k < s->n_steps; k++) {
        s->duration_flow[k] = isfinite(s->header_flow[k]) ? s->header_flow[k] : 0.0;
        s->duration_heat[k] = isfinite(s->source_heat_w[k]) ? s->source_heat_w[k] : 0.0;
    }
    sort_desc(s->duration_flow, s->n_steps);
    sort_desc(s->duration_heat, s->n_steps);
}

void dh_series_summary_date(const dh_series_summary *s, size_t k, char *buf, size_t size)
{
    double h = s->start_hour + (double)k * s->step / 3600.0;
    long hi = (long)floor(h + 1e-9);
    long day = ((hi / 24) % DH_DAYS_PER_YEAR + DH_DAYS_PER_YEAR) % DH_DAYS_PER_YEAR;
    int mo, d;
    dh_date_of_day((int)day, &mo, &d);
    snprintf(buf, size, "%02d-%02d %02ld:00", mo, d, hi % 24);
}

/* Hours the steps stand for. */
static double hours(const dh_series_summary *s, size_t steps) { return steps * s->step / 3600.0; }

void dh_series_summary_print(const dh_series_summary *s, FILE *out)
{
    char d0[32], d1[32], dp[32];
    dh_series_summary_date(s, 0, d0, sizeof d0);
    dh_series_summary_date(s, s->n_steps ? s->n_steps - 1 : 0, d1, sizeof d1); /* last step */
    fprintf(out, "series: %zu steps of %g h, %s .. %s (first and last); %zu converged, %zu failed\n", s->n_steps,
            s->step / 3600.0, d0, d1, s->n_done - s->n_failed, s->n_failed);
    if (s->n_done == s->n_failed) {
        fprintf(out, "  no converged step: no figures\n");
        return;
    }
    dh_series_summary_date(s, s->peak_step, dp, sizeof dp);
    fprintf(out, "peak hour: %s (step %zu): header flow %.1f t/h, heat %.1f MW, outdoor %.1f degC,"
                 " header %.3f MPa(a)\n",
            dp, s->peak_step, s->peak_flow * 3.6, s->peak_heat / 1e6, s->peak_air - 273.15,
            s->peak_header_pressure / 1e6);
    if (s->have_plant)
        fprintf(out, "  plant at the peak: %s; %.1f MW electric, fuel %.1f t/h; N-1 margin %+.1f t/h\n",
                s->peak_dispatch, s->peak_power / 1e6, s->peak_fuel * 3.6, s->peak_n1_margin * 3.6);
    if (s->peak_min_margin_id[0])
        fprintf(out, "  lowest delivery margin at the peak: %s %+.3f MPa\n", s->peak_min_margin_id,
                s->peak_min_margin / 1e6);
    size_t nd = s->n_steps;
    if (nd) {
        size_t q[] = {0, nd / 100, nd / 10, nd / 2, nd - 1};
        fprintf(out, "load duration (header flow, t/h): max %.1f, 1 %% %.1f, 10 %% %.1f, "
                     "median %.1f, min %.1f\n",
                s->duration_flow[q[0]] * 3.6, s->duration_flow[q[1]] * 3.6,
                s->duration_flow[q[2]] * 3.6, s->duration_flow[q[3]] * 3.6,
                s->duration_flow[q[4]] * 3.6);
    }
    if (s->unmet_hours) {
        char dw[32];
        dh_series_summary_date(s, s->worst_unmet_step, dw, sizeof dw);
        fprintf(out, "unmet demand: %g h; worst %s: %.2f t/h steam + %.2f MW heat short (most: %s)\n",
                hours(s, s->unmet_hours), dw, s->worst_unmet_steam * 3.6,
                s->worst_unmet_heat / 1e6, s->worst_unmet_id);
    } else {
        fprintf(out, "unmet demand: 0 h\n");
    }
    if (s->low_pressure_hours) {
        char dw[32];
        dh_series_summary_date(s, s->worst_pressure_step, dw, sizeof dw);
        fprintf(out, "delivery pressure below minimum: %g h; worst %s: %s %+.3f MPa\n",
                hours(s, s->low_pressure_hours), dw, s->worst_margin_id, s->worst_margin / 1e6);
    } else {
        fprintf(out, "delivery pressure below minimum: 0 h\n");
    }
    if (s->have_plant) fprintf(out, "N-1 short (largest boiler out): %g h\n", hours(s, s->n1_short_hours));
    fprintf(out, "energy over the period: heat delivered %.2f GWh (steam %.1f kt), lost in the mains "
                 "%.2f GWh, condensate %.2f kt\n",
            s->heat_delivered / 3.6e12, s->steam_delivered / 1e6, s->heat_lost / 3.6e12,
            s->condensate / 1e6);
    if (s->have_plant)
        fprintf(out, "  plant: fuel %.1f kt (%.2f GWh LHV), electricity %.2f GWh\n", s->fuel / 1e6,
                s->fuel_heat / 3.6e12, s->electricity / 3.6e12);
    fprintf(out, "solver: %ld Newton iterations (%.2f per step, max %d)", s->iterations,
            s->n_done ? (double)s->iterations / (double)s->n_done : 0.0, s->max_iterations);
    if (s->seconds > 0) fprintf(out, ", %.2f s (%.2f ms per step)", s->seconds, 1e3 * s->seconds / (double)(s->n_done ? s->n_done : 1));
    fprintf(out, "\n");
}

/* ---- HDF5: /results/series ---------------------------------------------------------------- */

static int put_array(hid_t g, const char *name, const double *v, size_t n, const char *units,
                     const char *desc)
{
    hsize_t dims[1] = {n};
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t ds = H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = ds < 0 || (n && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0);
    if (ds >= 0) {
        rc |= dh_h5_attr_str(ds, "units", units);
        rc |= dh_h5_attr_str(ds, "description", desc);
        H5Dclose(ds);
    }
    H5Sclose(sp);
    return rc;
}

#define NUM_ATTRS(X)                                                                        \
    X(n_steps) X(n_done) X(n_failed) X(step) X(start_hour) X(peak_flow) X(peak_heat)        \
    X(peak_air) X(peak_header_pressure) X(peak_power) X(peak_fuel) X(peak_min_margin)      \
    X(peak_n1_margin) X(unmet_hours) X(worst_unmet_steam) X(worst_unmet_heat)               \
    X(low_pressure_hours) X(worst_margin) X(n1_short_hours) X(heat_delivered)              \
    X(steam_delivered) X(heat_lost) X(condensate) X(source_heat) X(fuel) X(fuel_heat)       \
    X(electricity) X(iterations) X(max_iterations) X(seconds) X(peak_step)                  \
    X(worst_unmet_step) X(worst_pressure_step)
#define STR_ATTRS(X) X(peak_dispatch) X(peak_min_margin_id) X(worst_unmet_id) X(worst_margin_id)

/* Writes /results/series into the open file f; 0 on success. */
static int write_group(hid_t f, const dh_series_summary *s)
{
    if (H5Lexists(f, "/results/series", H5P_DEFAULT) > 0) H5Ldelete(f, "/results/series", H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/results/series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = g < 0;
    if (!rc) {
#define W(name) rc |= dh_h5_attr_num(g, #name, H5T_IEEE_F64LE, (double)s->name);
        NUM_ATTRS(W)
#undef W
#define WS(name) rc |= dh_h5_attr_str(g, #name, s->name);
        STR_ATTRS(WS)
#undef WS
        rc |= dh_h5_attr_num(g, "have_plant", H5T_STD_I32LE, s->have_plant);
        size_t n = s->n_steps;
        rc |= put_array(g, "load_duration_flow", s->duration_flow, n, "kg/s",
                        "plant header flow (network demand at the set pressure), sorted "
                        "descending: the load-duration curve; each value stands for `step` s");
        rc |= put_array(g, "load_duration_heat", s->duration_heat, n, "W",
                        "sources' heat, sorted descending");
        rc |= put_array(g, "header_flow", s->header_flow, n, "kg/s",
                        "plant header flow per step (time order; NaN: failed step)");
        rc |= put_array(g, "air_temperature", s->air, n, "K", "outdoor air per step");
        H5Gclose(g);
    }
    return rc;
}

dh_status dh_series_summary_write(const char *h5_path, const dh_series_summary *s, dh_error *err)
{
    dh_h5_quiet();
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open for writing", h5_path);
    int rc = write_group(f, s);
    if (H5Fclose(f) < 0) rc = 1;
    return rc ? dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write /results/series", h5_path)
              : DH_OK;
}

dh_status dh_series_summary_add_to_output(dh_out *o, const dh_series_summary *s, dh_error *err)
{
    dh_h5_quiet();
    return write_group(dh_out_hid(o), s)
               ? dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot write /results/series")
               : DH_OK;
}

int dh_series_summary_read(const char *h5_path, dh_series_summary *s, dh_error *err)
{
    dh_h5_quiet();
    memset(s, 0, sizeof *s);
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open", h5_path);
    if (H5Lexists(f, "/results", H5P_DEFAULT) <= 0 ||
        H5Lexists(f, "/results/series", H5P_DEFAULT) <= 0) {
        H5Fclose(f);
        return 0;
    }
    const char *g = "/results/series";
#define R(name) s->name = (__typeof__(s->name))dh_h5_attr_get_num(f, g, #name);
    NUM_ATTRS(R)
#undef R
#define RS(name)                                                                             \
    {                                                                                        \
        char *t = dh_h5_attr_get_str(f, g, #name);                                           \
        snprintf(s->name, sizeof s->name, "%s", t ? t : "");                                 \
        free(t);                                                                             \
    }
    STR_ATTRS(RS)
#undef RS
    s->have_plant = dh_h5_attr_get_num(f, g, "have_plant") == 1;
    size_t n;
    s->duration_flow = dh_h5_read_doubles(f, "/results/series/load_duration_flow", &n);
    s->duration_heat = dh_h5_read_doubles(f, "/results/series/load_duration_heat", &n);
    s->header_flow = dh_h5_read_doubles(f, "/results/series/header_flow", &n);
    s->air = dh_h5_read_doubles(f, "/results/series/air_temperature", &n);
    H5Fclose(f);
    if (s->n_steps && (!s->duration_flow || !s->duration_heat || n != s->n_steps)) {
        dh_series_summary_free(s);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s: incomplete /results/series", h5_path);
    }
    return 1;
}

void dh_series_summary_report(const char *h5_path, FILE *out)
{
    dh_series_summary s;
    dh_error e;
    dh_error_clear(&e);
    int r = dh_series_summary_read(h5_path, &s, &e);
    if (r < 0) fprintf(out, "note: %s\n", e.message);
    if (r != 1) return;
    fprintf(out, "\n");
    dh_series_summary_print(&s, out);
    dh_series_summary_free(&s);
}
