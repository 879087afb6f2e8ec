/* report.c: `dhsim report`: the text summary of a results file (summary.c, the same text as
 * at the end of `dhsim run`, with every consumer) and the CSV export. Exports dh_report_print
 * and dh_report_csv. Reads only the file (out_read.c and out_plant.c readers), never the case
 * or the solver. Display units are the engineers' (MPa absolute, degC, kPa, kW, t/h), always
 * labelled; the file itself is SI.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_output.h"
#include "out_internal.h"
#include "dh_series_summary.h"
#include "dh_transient_summary.h"

typedef struct rp_file {
    hid_t f;
    size_t nn, nl, nc, ns, nt, step;
    char **node_id, **link_id, **cons_id, **cons_group, **src_id;
    int *link_kind, *cons_type;
    double *time;
} rp_file;

static void rp_close(rp_file *r)
{
    dh_h5_free_strings(r->node_id, r->nn);
    dh_h5_free_strings(r->link_id, r->nl);
    dh_h5_free_strings(r->cons_id, r->nc);
    dh_h5_free_strings(r->cons_group, r->nc);
    dh_h5_free_strings(r->src_id, r->ns);
    free(r->link_kind), free(r->cons_type), free(r->time);
    if (r->f >= 0) H5Fclose(r->f);
    memset(r, 0, sizeof *r);
    r->f = H5I_INVALID_HID;
}

static dh_status rp_open(rp_file *r, const char *path, dh_error *err)
{
    memset(r, 0, sizeof *r);
    dh_h5_quiet();
    r->f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r->f < 0) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s: cannot open as HDF5", path);
    size_t n;
    r->node_id = dh_h5_read_strings(r->f, "/network/nodes/id", &r->nn);
    r->link_id = dh_h5_read_strings(r->f, "/network/links/id", &r->nl);
    r->cons_id = dh_h5_read_strings(r->f, "/network/consumers/id", &r->nc);
    r->cons_group = dh_h5_read_strings(r->f, "/network/consumers/group", &n);
    r->src_id = dh_h5_read_strings(r->f, "/network/sources/id", &r->ns);
    r->link_kind = dh_h5_read_ints(r->f, "/network/links/kind", &n);
    r->cons_type = dh_h5_read_ints(r->f, "/network/consumers/type", &n);
    r->time = dh_h5_read_doubles(r->f, "/results/time", &r->nt);
    if (!r->node_id || !r->link_id || !r->time || !r->link_kind) {
        rp_close(r);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "%s: not a dhsim results file (see docs/results.md)", path);
    }
    return DH_OK;
}

/* Row `step` of /results/<group>/<name>, n values (malloc'd; NaN-filled when absent). */
static double *rp_row(const rp_file *r, const char *group, const char *name, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    char path[256];
    snprintf(path, sizeof path, "/results/%s/%s", group, name);
    if (!r->nt || dh_h5_read_row(r->f, path, r->step, v, n))
        for (size_t i = 0; i < n; i++) v[i] = NAN;
    return v;
}

/* Shortest text that reads back as the same double (%.15g, else %.16g, else %.17g). */
static void put_double(FILE *out, double v)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v || isnan(v)) break;
    }
    fputs(buf, out);
}

/* The summary's view of step r->step, from the file; arrays owned by the caller's `keep`. */
typedef struct rp_arrays {
    double *v[32];
    int *kind, *type, *dry;
    double *n1;
} rp_arrays;

static void rp_arrays_free(rp_arrays *a)
{
    for (size_t i = 0; i < sizeof a->v / sizeof a->v[0]; i++) free(a->v[i]);
    free(a->kind), free(a->type), free(a->dry), free(a->n1);
}

dh_status dh_report_print(const char *h5_path, size_t step, FILE *out, dh_error *err)
{
    rp_file r;
    dh_status st = rp_open(&r, h5_path, err);
    if (st) return st;
    r.step = step == SIZE_MAX || step >= r.nt ? (r.nt ? r.nt - 1 : 0) : step;

    char *ver = dh_h5_attr_get_str(r.f, "/", "program_version");
    char *cfile = dh_h5_attr_get_str(r.f, "/", "case_file");
    char *cname = dh_h5_attr_get_str(r.f, "/", "case_name");
    char *sha = dh_h5_attr_get_str(r.f, "/", "case_sha256");
    char *study = dh_h5_attr_get_str(r.f, "/", "study");
    char *created = dh_h5_attr_get_str(r.f, "/", "created");
    fprintf(out, "dhsim results %s: case sha256 %.16s..., written by dhsim %s at %s\n", h5_path,
            sha ? sha : "?", ver ? ver : "?", created ? created : "?");
    free(ver), free(sha), free(created);
    if (!r.nt) {
        fprintf(out, "study %s: no time steps written\n", study ? study : "?");
        free(study), free(cfile), free(cname);
        rp_close(&r);
        return DH_OK;
    }
    fprintf(out, "study %s, %zu time step%s; shown: step %zu, t = %g s (%.4g h)\n",
            study ? study : "?", r.nt, r.nt == 1 ? "" : "s", r.step, r.time[r.step],
            r.time[r.step] / 3600.0);
    free(study);

    rp_arrays a = {0};
    size_t n, k = 0;
    dh_summary s = {0};
    s.case_name = cname, s.case_path = cfile;
    s.n_nodes = r.nn, s.n_links = r.nl, s.n_consumers = r.nc, s.n_sources = r.ns;
    s.link_id = r.link_id, s.consumer_id = r.cons_id, s.consumer_group = r.cons_group;
    s.source_id = r.src_id;
    a.kind = r.link_kind, r.link_kind = NULL; /* the summary takes the file's kinds */
    s.link_kind = a.kind;
#define ROW(field, group, name, cnt) (s.field = a.v[k++] = rp_row(&r, group, name, cnt))
    s.node_id = r.node_id;
    ROW(node_pressure, "nodes", "pressure", r.nn);
    ROW(link_pressure_drop, "links", "pressure_drop", r.nl);
    ROW(link_heat_loss, "links", "heat_loss", r.nl);
    ROW(link_condensate, "links", "condensate", r.nl);
    ROW(pressure, "consumers", "pressure", r.nc);
    ROW(temperature, "consumers", "temperature", r.nc);
    ROW(margin, "consumers", "pressure_margin", r.nc);
    ROW(mass_flow, "consumers", "mass_flow", r.nc);
    ROW(heat, "consumers", "heat", r.nc);
    ROW(source_mass_flow, "sources", "mass_flow", r.ns);
    ROW(source_pressure, "sources", "pressure", r.ns);
    ROW(source_temperature, "sources", "temperature", r.ns);
    ROW(source_heat, "sources", "heat", r.ns);
#undef ROW
    double *uh = a.v[k++] = rp_row(&r, "consumers", "unmet_heat", r.nc);
    double *um = a.v[k++] = rp_row(&r, "consumers", "unmet_mass_flow", r.nc);
    double *xq = a.v[k++] = rp_row(&r, "nodes", "quality", r.nn);
    double *unmet = a.v[k++] = malloc((r.nc ? r.nc : 1) * sizeof *unmet);
    double *qc = a.v[k++] = malloc((r.nc ? r.nc : 1) * sizeof *qc);
    double *pmin = a.v[k++] = dh_h5_read_doubles(r.f, "/network/consumers/min_pressure", &n);
    double *tmin = a.v[k++] = dh_h5_read_doubles(r.f, "/network/consumers/min_temperature", &n);
    double *dmf = a.v[k++] = dh_h5_read_doubles(r.f, "/network/consumers/demand_mass_flow", &n);
    double *dq = a.v[k++] = dh_h5_read_doubles(r.f, "/network/consumers/demand_heat", &n);
    int *cnode = dh_h5_read_ints(r.f, "/network/consumers/node", &n);
    a.type = r.cons_type, r.cons_type = NULL;
    a.dry = dh_h5_read_ints(r.f, "/network/consumers/require_dry", &n); /* older files: none */
    bool ok = a.kind && a.type && unmet && qc && cnode && ((pmin && tmin && dmf && dq) || !r.nc);
    for (size_t i = 0; i < 14; i++) ok = ok && a.v[i]; /* rp_row: NULL only without memory */
    if (!ok) {
        free(cnode), rp_arrays_free(&a), free(cname), free(cfile);
        rp_close(&r);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "%s: incomplete results file (see docs/results.md)", h5_path);
    }
    for (size_t c = 0; c < r.nc; c++) {
        unmet[c] = a.type[c] == DH_CONSUMER_HEAT ? uh[c] : um[c]; /* steam, water: kg/s */
        qc[c] = xq && cnode[c] >= 0 && (size_t)cnode[c] < r.nn ? xq[cnode[c]] : NAN;
    }
    free(cnode);
    s.consumer_type = a.type, s.require_dry = a.dry, s.quality = qc, s.unmet = unmet;
    s.min_pressure = pmin, s.min_temperature = tmin;
    s.demand_mass_flow = dmf, s.demand_heat = dq;

    const char *sg = "/results/summary";
    if (H5Lexists(r.f, sg, H5P_DEFAULT) > 0 &&
        H5Aexists_by_name(r.f, sg, "converged", H5P_DEFAULT) > 0) {
        s.have_stats = true;
        s.stats.converged = dh_h5_attr_get_num(r.f, sg, "converged") == 1;
        s.stats.iterations = (int)dh_h5_attr_get_num(r.f, sg, "iterations");
        s.stats.residual_norm = dh_h5_attr_get_num(r.f, sg, "residual_norm");
        s.stats.mass_balance_rel = dh_h5_attr_get_num(r.f, sg, "mass_balance");
        s.stats.energy_balance_rel = dh_h5_attr_get_num(r.f, sg, "energy_balance");
        s.stats.seconds = dh_h5_attr_get_num(r.f, sg, "seconds");
        s.stats.worst_residual = dh_h5_attr_get_num(r.f, sg, "worst_residual");
        char *wc = dh_h5_attr_get_str(r.f, sg, "worst_component");
        char *we = dh_h5_attr_get_str(r.f, sg, "worst_equation");
        snprintf(s.stats.worst_component, sizeof s.stats.worst_component, "%s", wc ? wc : "");
        snprintf(s.stats.worst_equation, sizeof s.stats.worst_equation, "%s", we ? we : "");
        free(wc), free(we);
    }
    dh_out_plant plant;
    a.n1 = malloc((r.nc ? r.nc : 1) * sizeof *a.n1);
    int pr = a.n1 ? dh_h5_plant_read(r.f, r.step, &plant, a.n1, r.nc) : 0;
    if (pr != 0) s.plant = &plant;
    if (pr < 0)
        fprintf(out, "note: %s: /results/plant is incomplete; missing values print as 0\n",
                h5_path);
    dh_summary_print(&s, DH_SUMMARY_CONSUMERS, out);
    dh_series_summary_report(h5_path, out); /* series studies: /results/series */
    dh_transient_summary_report(h5_path, out); /* transient: /results/transient */
    rp_arrays_free(&a);
    free(cname), free(cfile);
    rp_close(&r);
    return DH_OK;
}

dh_status dh_report_csv(const char *h5_path, const char *name, FILE *out, dh_error *err)
{
    char group[64], field[128];
    const char *dot = strchr(name, '.');
    if (!dot || dot == name || (size_t)(dot - name) >= sizeof group || strlen(dot + 1) >= sizeof field ||
        !dot[1])
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL,
                            "--csv %s: expected GROUP.NAME, e.g. nodes.pressure or links.mass_flow",
                            name);
    memcpy(group, name, (size_t)(dot - name));
    group[dot - name] = '\0';
    snprintf(field, sizeof field, "%s", dot + 1);
    rp_file r;
    dh_status st = rp_open(&r, h5_path, err);
    if (st) return st;
    char path[256], idpath[256];
    snprintf(path, sizeof path, "/results/%s/%s", group, field);
    snprintf(idpath, sizeof idpath, "/network/%s/id", group);
    size_t dims[2], nid = 0;
    if (dh_h5_dims(r.f, path, dims) != 2) {
        rp_close(&r);
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL,
                            "--csv %s: no [time, element] dataset %s in %s (docs/results.md "
                            "lists them)",
                            name, path, h5_path);
    }
    char **ids = dh_h5_read_strings(r.f, idpath, &nid);
    char *units = dh_h5_attr_get_str(r.f, path, "units");
    size_t nt = dims[0], n = dims[1];
    /* read blocks of whole chunk columns [time, E] so each chunk is decompressed once */
    size_t blk = dh_h5_chunk_cols(r.f, path);
    if (blk < 1) blk = 256;
    if (blk > n) blk = n ? n : 1;
    double *col = malloc((nt ? nt : 1) * blk * sizeof *col);
    /* header: id, then one column per time step named by its time in s; the units go into the
     * first header cell (a comment line would break simple CSV readers) */
    fprintf(out, "id [%s] \\ time [s]", units ? units : "?");
    for (size_t t = 0; t < nt; t++) fputc(',', out), put_double(out, r.time[t]);
    fputc('\n', out);
    for (size_t i0 = 0; col && i0 < n; i0 += blk) {
        size_t nb = n - i0 < blk ? n - i0 : blk;
        if (dh_h5_read_block(r.f, path, 0, nt, i0, nb, col)) {
            st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot read %s", h5_path, path);
            break;
        }
        for (size_t j = 0; j < nb; j++) {
            size_t i = i0 + j;
            if (ids && i < nid) {
                /* ids may hold commas or quotes: quote per RFC 4180 when needed */
                if (strpbrk(ids[i], ",\"\n")) {
                    fputc('"', out);
                    for (const char *c = ids[i]; *c; c++) {
                        if (*c == '"') fputc('"', out);
                        fputc(*c, out);
                    }
                    fputc('"', out);
                } else {
                    fputs(ids[i], out);
                }
            } else {
                fprintf(out, "%zu", i);
            }
            for (size_t t = 0; t < nt; t++) fputc(',', out), put_double(out, col[t * nb + j]);
            fputc('\n', out);
        }
    }
    free(col);
    free(units);
    dh_h5_free_strings(ids, nid);
    rp_close(&r);
    return st;
}
