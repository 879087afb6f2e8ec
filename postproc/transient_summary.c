/* transient_summary.c: the summary of a transient study (dh_transient_summary.h): the printed
 * block shared by `dhsim run` and `dhsim report`, and /results/transient in HDF5.
 *
 * Definitions (docs/results.md, "Transient summary"):
 *  - ride-through of a consumer: seconds from the reference time (the first case-file event)
 *    until its delivery pressure first fell below its minimum delivery pressure, located by
 *    IDA's root finding between internal steps (docs/transient.md); NaN when it never fell
 *    below within the run (or the consumer has no minimum);
 *  - per consumer group: the shortest ride-through and the consumer that has it, and how many
 *    of the group's consumers with a minimum fell below it;
 *  - header minimum: the lowest pressure at the plant header's node after the reference time,
 *    checked at every internal step, and the seconds from the reference time to it;
 *  - conservation: stored mass and energy change against the integrated in- and outflows
 *    (dh_transient_stats; relative to the throughput).
 * Exports dh_transient_summary_*, dh_transient_duration_text. Callers: cli/run_transient.c,
 * postproc/report.c, tests.
 */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh_transient_summary.h"
#include "out_internal.h"

dh_status dh_transient_summary_init(dh_transient_summary *s, size_t n_consumers,
                                    size_t n_sources, size_t n_events, dh_error *err)
{
    memset(s, 0, sizeof *s);
    s->n_consumers = n_consumers;
    s->n_sources = n_sources;
    s->n_events = n_events;
    s->header = SIZE_MAX;
    s->header_set_pressure = NAN;
    s->ride_through = malloc((n_consumers ? n_consumers : 1) * sizeof(double));
    s->source_min_pressure = malloc((n_sources ? n_sources : 1) * sizeof(double));
    s->source_time_to_min = malloc((n_sources ? n_sources : 1) * sizeof(double));
    s->events = calloc(n_events ? n_events : 1, sizeof *s->events);
    s->owned[0] = s->ride_through, s->owned[1] = s->source_min_pressure;
    s->owned[2] = s->source_time_to_min, s->owned[3] = s->events;
    if (!s->ride_through || !s->source_min_pressure || !s->source_time_to_min || !s->events) {
        dh_transient_summary_free(s);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    for (size_t i = 0; i < n_consumers; i++) s->ride_through[i] = NAN;
    for (size_t j = 0; j < n_sources; j++) s->source_min_pressure[j] = s->source_time_to_min[j] = NAN;
    return DH_OK;
}

void dh_transient_summary_free(dh_transient_summary *s)
{
    if (s->owns_ids) {
        dh_h5_free_strings((char **)s->consumer_id, s->n_consumers);
        dh_h5_free_strings((char **)s->consumer_group, s->consumer_group ? s->n_consumers : 0);
        dh_h5_free_strings((char **)s->source_id, s->n_sources);
        s->consumer_id = s->consumer_group = s->source_id = NULL;
        s->owns_ids = false;
    }
    for (size_t i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++) {
        free(s->owned[i]);
        s->owned[i] = NULL;
    }
    s->ride_through = s->source_min_pressure = s->source_time_to_min = NULL;
    s->events = NULL;
    s->n_consumers = s->n_sources = s->n_events = 0;
}

void dh_transient_duration_text(double t, char *buf, size_t size)
{
    double a = fabs(t);
    if (!isfinite(t))
        snprintf(buf, size, "%s", isnan(t) ? "-" : "never");
    else if (a >= 3600 && fabs(t / 3600 - round(t / 3600)) < 1e-9)
        snprintf(buf, size, "%.0f h", t / 3600);
    else if (a >= 60 && fabs(t / 60 - round(t / 60)) < 1e-9)
        snprintf(buf, size, "%.0f min", t / 60);
    else if (a >= 600)
        snprintf(buf, size, "%.1f min", t / 60);
    else if (a >= 60)
        snprintf(buf, size, "%.0f s (%.1f min)", t, t / 60);
    else
        snprintf(buf, size, "%.1f s", t);
}

/* --- printing ------------------------------------------------------------------------------ */

static void print_groups(const dh_transient_summary *s, FILE *out)
{
    size_t nc = s->n_consumers;
    for (size_t i = 0; i < nc; i++) {
        const char *g = s->consumer_group ? s->consumer_group[i] : "";
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(s->consumer_group ? s->consumer_group[j] : "", g);
        if (seen) continue;
        size_t n = 0, below = 0, arg = SIZE_MAX;
        for (size_t j = i; j < nc; j++) {
            if (strcmp(s->consumer_group ? s->consumer_group[j] : "", g)) continue;
            if (!(s->min_pressure && s->min_pressure[j] > 0)) continue;
            n++;
            if (isfinite(s->ride_through[j])) {
                below++;
                if (arg == SIZE_MAX || s->ride_through[j] < s->ride_through[arg]) arg = j;
            }
        }
        if (!n) continue;
        char t[48];
        if (arg != SIZE_MAX) {
            dh_transient_duration_text(s->ride_through[arg], t, sizeof t);
            fprintf(out, "  %-16s %2zu of %2zu below minimum; shortest ride-through %s (%s)\n",
                    g[0] ? g : "(no group)", below, n, t, s->consumer_id[arg]);
        } else {
            fprintf(out, "  %-16s  0 of %2zu below minimum within the run\n", g[0] ? g : "(no group)",
                    n);
        }
    }
}

void dh_transient_summary_print(const dh_transient_summary *s, bool per_consumer, FILE *out)
{
    char a[48], b[48], c[48];
    dh_transient_duration_text(s->duration, a, sizeof a);
    dh_transient_duration_text(s->output_interval, b, sizeof b);
    fprintf(out, "transient: %s simulated, output every %s (%zu outputs)%s\n", a, b, s->n_outputs,
            s->completed ? "" : "; STOPPED EARLY");
    if (!s->completed) {
        dh_transient_duration_text(s->t_reached, c, sizeof c);
        fprintf(out, "  the run ended at t = %s\n", c);
    }
    fprintf(out, "  solver: %.0f unknowns (%.0f differential), %.0f steps, %.0f Jacobians, "
                 "%.0f re-initialisations; integration %.2f s, run %.2f s wall\n",
            s->unknowns, s->differential, s->steps, s->jacobian_evals, s->reinits, s->seconds,
            s->wall_seconds);
    if (s->n_events) fprintf(out, "events:\n");
    for (size_t k = 0; k < s->n_events; k++) {
        const dh_ts_event *e = &s->events[k];
        dh_transient_duration_text(e->time, a, sizeof a);
        fprintf(out, "  t = %-9s %-18s %-14s %s", a, e->type, e->target, e->applied);
        if (e->duration > 0) {
            dh_transient_duration_text(e->duration, b, sizeof b);
            fprintf(out, " over %s", b);
        }
        fprintf(out, "\n");
    }
    dh_transient_duration_text(s->reference_time, a, sizeof a);
    fprintf(out, "ride-through from t = %s (delivery pressure above the consumer's minimum), per "
                 "group:\n",
            a);
    print_groups(s, out);
    if (per_consumer) {
        for (size_t i = 0; i < s->n_consumers; i++) {
            if (!isfinite(s->ride_through[i])) continue;
            dh_transient_duration_text(s->ride_through[i], a, sizeof a);
            fprintf(out, "    %-16s %-14s %s\n", s->consumer_id[i],
                    s->consumer_group ? s->consumer_group[i] : "", a);
        }
    }
    if (s->header < s->n_sources) {
        size_t j = s->header;
        dh_transient_duration_text(s->source_time_to_min[j], a, sizeof a);
        fprintf(out, "header %s: set %.4f MPa abs; lowest %.4f MPa abs, %s after t = ", s->source_id[j],
                s->header_set_pressure / 1e6, s->source_min_pressure[j] / 1e6, a);
        dh_transient_duration_text(s->reference_time, b, sizeof b);
        /* the minimum at the last instant: the header had not settled within the run */
        bool falling = s->completed &&
                       s->reference_time + s->source_time_to_min[j] >= s->t_reached - 1e-6;
        fprintf(out, "%s%s\n", b, falling ? " (still falling at the end of the run)" : "");
    }
    fprintf(out, "conservation over the run: mass %.2g of the throughput (in %.1f t, out %.1f t, "
                 "line pack %+.2f t), energy %.2g\n",
            s->mass_balance_rel, s->mass_in / 1e3, s->mass_out / 1e3,
            s->mass_stored_change / 1e3, s->energy_balance_rel);
}

/* --- HDF5 ---------------------------------------------------------------------------------- */

static int put_doubles(hid_t g, const char *name, const double *v, size_t n, const char *units,
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

static int put_strings(hid_t g, const char *name, const char *const *v, size_t n,
                       const char *desc)
{
    hsize_t dims[1] = {n};
    hid_t t = dh_h5_vlstr_type();
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t ds = H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = ds < 0 || (n && H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0);
    if (ds >= 0) {
        rc |= dh_h5_attr_str(ds, "units", "");
        rc |= dh_h5_attr_str(ds, "description", desc);
        H5Dclose(ds);
    }
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

#define NUM_ATTRS(X)                                                                           \
    X(duration) X(t_reached) X(output_interval) X(reference_time) X(header_set_pressure)       \
    X(mass_in) X(mass_out) X(mass_stored_change) X(mass_balance_rel) X(energy_in)              \
    X(energy_out) X(energy_loss) X(energy_stored_change) X(energy_balance_rel) X(steps)        \
    X(residual_evals) X(jacobian_evals) X(reinits) X(unknowns) X(differential) X(seconds)     \
    X(wall_seconds)

/* Writes /results/transient into the open file f; 0 on success. */
static int write_group(hid_t f, const dh_transient_summary *s)
{
    if (H5Lexists(f, "/results/transient", H5P_DEFAULT) > 0)
        H5Ldelete(f, "/results/transient", H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/results/transient", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = g < 0;
    double *tmp = NULL;
    const char **tx = NULL;
    if (!rc) {
#define W(name) rc |= dh_h5_attr_num(g, #name, H5T_IEEE_F64LE, (double)s->name);
        NUM_ATTRS(W)
#undef W
        rc |= dh_h5_attr_num(g, "n_outputs", H5T_STD_I64LE, (double)s->n_outputs);
        rc |= dh_h5_attr_num(g, "completed", H5T_STD_I32LE, s->completed);
        rc |= dh_h5_attr_num(g, "header_source", H5T_STD_I32LE,
                             s->header < s->n_sources ? (double)s->header : -1.0);
        rc |= dh_h5_attr_str(g, "case_name", s->case_name);
        rc |= put_doubles(g, "ride_through", s->ride_through, s->n_consumers, "s",
                          "[consumer]: seconds from reference_time until the delivery pressure "
                          "first fell below the consumer's minimum; NaN: never within the run "
                          "(or no minimum, /network/consumers/min_pressure = 0)");
        rc |= put_doubles(g, "source_min_pressure", s->source_min_pressure, s->n_sources, "Pa",
                          "[source]: lowest pressure at the source node after reference_time "
                          "(absolute)");
        rc |= put_doubles(g, "source_time_to_min", s->source_time_to_min, s->n_sources, "s",
                          "[source]: seconds from reference_time to that lowest pressure");
        if (s->header < s->n_sources) {
            rc |= dh_h5_attr_num(g, "header_min_pressure", H5T_IEEE_F64LE,
                                 s->source_min_pressure[s->header]);
            rc |= dh_h5_attr_num(g, "header_time_to_min", H5T_IEEE_F64LE,
                                 s->source_time_to_min[s->header]);
        }
        hid_t ge = H5Gcreate2(g, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        size_t n = s->n_events;
        tmp = malloc((n ? n : 1) * sizeof *tmp);
        tx = malloc((n ? n : 1) * sizeof *tx);
        rc |= ge < 0 || !tmp || !tx;
        if (!rc) {
            for (size_t k = 0; k < n; k++) tmp[k] = s->events[k].time;
            rc |= put_doubles(ge, "time", tmp, n, "s", "[event]: time from the start of the run");
            for (size_t k = 0; k < n; k++) tmp[k] = s->events[k].duration;
            rc |= put_doubles(ge, "duration", tmp, n, "s", "[event]: ramp duration (0: a step)");
            for (size_t k = 0; k < n; k++) tmp[k] = s->events[k].value;
            rc |= put_doubles(ge, "value", tmp, n, "",
                              "[event]: value applied, SI, in the units of `units` (a boiler "
                              "trip: the header source's max flow); NaN: none");
#define STRS(field, desc)                                                                      \
    for (size_t k = 0; k < n; k++) tx[k] = s->events[k].field;                                 \
    rc |= put_strings(ge, #field, tx, n, desc);
            STRS(type, "[event]: case-file type (boiler_trip, demand_step, ...)")
            STRS(target, "[event]: target id or group as written in the case")
            STRS(units, "[event]: units of value")
            STRS(applied, "[event]: what the solver applied, as text")
#undef STRS
        }
        if (ge >= 0) H5Gclose(ge);
        H5Gclose(g);
    }
    free(tmp);
    free(tx);
    return rc;
}

dh_status dh_transient_summary_write(const char *h5_path, const dh_transient_summary *s, dh_error *err)
{
    dh_h5_quiet();
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open for writing", h5_path);
    int rc = write_group(f, s);
    if (H5Fclose(f) < 0) rc = 1;
    return rc ? dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write /results/transient", h5_path)
              : DH_OK;
}

dh_status dh_transient_summary_add_to_output(dh_out *o, const dh_transient_summary *s, dh_error *err)
{
    dh_h5_quiet();
    return write_group(dh_out_hid(o), s)
               ? dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot write /results/transient")
               : DH_OK;
}

static void copy_str(char *dst, size_t size, char *const *v, size_t k, size_t n)
{
    snprintf(dst, size, "%s", v && k < n && v[k] ? v[k] : "");
}

int dh_transient_summary_read(const char *h5_path, dh_transient_summary *s, dh_error *err)
{
    dh_h5_quiet();
    memset(s, 0, sizeof *s);
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open", h5_path);
    if (H5Lexists(f, "/results", H5P_DEFAULT) <= 0 ||
        H5Lexists(f, "/results/transient", H5P_DEFAULT) <= 0) {
        H5Fclose(f);
        return 0;
    }
    const char *g = "/results/transient";
    size_t nc = 0, ns = 0, ne = 0, n;
    double *ride = dh_h5_read_doubles(f, "/results/transient/ride_through", &nc);
    double *smin = dh_h5_read_doubles(f, "/results/transient/source_min_pressure", &ns);
    double *stmin = dh_h5_read_doubles(f, "/results/transient/source_time_to_min", &n);
    double *et = dh_h5_read_doubles(f, "/results/transient/events/time", &ne);
    double *ed = dh_h5_read_doubles(f, "/results/transient/events/duration", &n);
    double *ev = dh_h5_read_doubles(f, "/results/transient/events/value", &n);
    size_t ncid = 0, ncg = 0, nsid = 0, n1, n2, n3, n4, npm = 0;
    char **cid = dh_h5_read_strings(f, "/network/consumers/id", &ncid);
    char **cgr = dh_h5_read_strings(f, "/network/consumers/group", &ncg);
    char **sid = dh_h5_read_strings(f, "/network/sources/id", &nsid);
    double *pmin = dh_h5_read_doubles(f, "/network/consumers/min_pressure", &npm);
    char **etype = dh_h5_read_strings(f, "/results/transient/events/type", &n1);
    char **etarget = dh_h5_read_strings(f, "/results/transient/events/target", &n2);
    char **eunits = dh_h5_read_strings(f, "/results/transient/events/units", &n3);
    char **eapplied = dh_h5_read_strings(f, "/results/transient/events/applied", &n4);
    int result = 1;
    bool ok = (ride || !nc) && (smin || !ns) && stmin && et && ed && ev && ncid == nc &&
              nsid == ns && (cid || !nc) && (sid || !ns);
    if (ok && dh_transient_summary_init(s, nc, ns, ne, err) != DH_OK) {
        result = err->code;
        ok = false;
    } else if (!ok) {
        result = dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s: incomplete /results/transient",
                              h5_path);
    }
    if (ok) {
#define R(name) s->name = dh_h5_attr_get_num(f, g, #name);
        NUM_ATTRS(R)
#undef R
        s->n_outputs = (size_t)fmax(dh_h5_attr_get_num(f, g, "n_outputs"), 0.0);
        s->completed = dh_h5_attr_get_num(f, g, "completed") == 1;
        double h = dh_h5_attr_get_num(f, g, "header_source");
        s->header = h >= 0 && h < (double)ns ? (size_t)h : SIZE_MAX;
        char *cn = dh_h5_attr_get_str(f, g, "case_name");
        snprintf(s->case_name, sizeof s->case_name, "%s", cn ? cn : "");
        free(cn);
        if (nc) memcpy(s->ride_through, ride, nc * sizeof *ride);
        if (ns) memcpy(s->source_min_pressure, smin, ns * sizeof *smin);
        if (ns) memcpy(s->source_time_to_min, stmin, ns * sizeof *stmin);
        for (size_t k = 0; k < ne; k++) {
            dh_ts_event *e = &s->events[k];
            e->time = et[k], e->duration = ed[k], e->value = ev[k];
            copy_str(e->type, sizeof e->type, etype, k, n1);
            copy_str(e->target, sizeof e->target, etarget, k, n2);
            copy_str(e->units, sizeof e->units, eunits, k, n3);
            copy_str(e->applied, sizeof e->applied, eapplied, k, n4);
        }
        s->consumer_id = cid, s->consumer_group = ncg == nc ? cgr : NULL;
        s->source_id = sid;
        s->min_pressure = npm == nc ? pmin : NULL;
    }
    free(ride), free(smin), free(stmin), free(et), free(ed), free(ev);
    dh_h5_free_strings(etype, n1), dh_h5_free_strings(etarget, n2);
    dh_h5_free_strings(eunits, n3), dh_h5_free_strings(eapplied, n4);
    H5Fclose(f);
    if (!ok) {
        dh_h5_free_strings(cid, ncid), dh_h5_free_strings(cgr, ncg), dh_h5_free_strings(sid, nsid);
        free(pmin);
        return result;
    }
    if (s->consumer_group != cgr) dh_h5_free_strings(cgr, ncg);
    if (!s->min_pressure) free(pmin), pmin = NULL;
    s->owned[4] = pmin;
    s->owns_ids = true; /* consumer_id, consumer_group, source_id: dh_transient_summary_free */
    return 1;
}

void dh_transient_summary_report(const char *h5_path, FILE *out)
{
    dh_transient_summary s;
    dh_error e;
    dh_error_clear(&e);
    int r = dh_transient_summary_read(h5_path, &s, &e);
    if (r < 0) fprintf(out, "note: %s\n", e.message);
    if (r != 1) return;
    fprintf(out, "\n");
    dh_transient_summary_print(&s, true, out);
    dh_transient_summary_free(&s);
}
