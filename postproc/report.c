/* report.c: the text summary and the CSV export of a results file (`dhsim report`, and the
 * summary at the end of `dhsim run`). Exports dh_report_print and dh_report_csv. Reads only the
 * file (out_read.c helpers), never the case or the solver. Display units are the engineers'
 * (MPa absolute, degC, kPa, kW, t/h), always labelled; the file itself is SI.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_output.h"
#include "out_internal.h"

#define T0 273.15 /* K at 0 degC */

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

static double sum_finite(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) s += v[i];
    return s;
}

/* Index of the min (sign -1) or max (sign +1) finite value, or SIZE_MAX. */
static size_t arg_ext(const double *v, size_t n, int sign)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && (best == SIZE_MAX || sign * (v[i] - v[best]) > 0)) best = i;
    return best;
}

typedef struct cons_row {
    size_t i;
    double margin, pressure;
} cons_row;

/* Worst first: smallest pressure margin; consumers without a minimum after those with one,
 * by delivery pressure. */
static int cmp_cons(const void *a, const void *b)
{
    const cons_row *x = a, *y = b;
    int fx = isfinite(x->margin), fy = isfinite(y->margin);
    if (fx != fy) return fy - fx;
    double dx = fx ? x->margin : x->pressure, dy = fy ? y->margin : y->pressure;
    if (!isfinite(dx) || !isfinite(dy)) return isfinite(dy) - isfinite(dx);
    return (dx > dy) - (dx < dy);
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

static const char *kind_word(const rp_file *r, size_t l)
{
    static const char *const k[] = {"pipe", "valve", "pump"};
    int v = r->link_kind[l];
    return v >= 0 && v < 3 ? k[v] : "link";
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
    fprintf(out, "dhsim results %s\n", h5_path);
    fprintf(out, "  case       %s%s%s%s  sha256 %.16s...\n", cfile ? cfile : "?",
            cname && *cname ? " (" : "", cname && *cname ? cname : "",
            cname && *cname ? ")" : "", sha ? sha : "?");
    fprintf(out, "  written    by dhsim %s at %s\n", ver ? ver : "?", created ? created : "?");
    free(ver), free(cfile), free(cname), free(sha), free(created);
    size_t npipe = 0, nvalve = 0, npump = 0;
    for (size_t l = 0; l < r.nl; l++)
        r.link_kind[l] == 0 ? npipe++ : r.link_kind[l] == 1 ? nvalve++ : npump++;
    fprintf(out, "  network    %zu nodes, %zu links (%zu pipes, %zu valves, %zu pumps), "
                 "%zu consumers, %zu sources\n",
            r.nn, r.nl, npipe, nvalve, npump, r.nc, r.ns);
    if (!r.nt) {
        fprintf(out, "  study      %s: no time steps written\n", study ? study : "?");
        free(study);
        rp_close(&r);
        return DH_OK;
    }
    fprintf(out, "  study      %s, %zu time step%s; shown: step %zu, t = %g s (%.4g h)\n",
            study ? study : "?", r.nt, r.nt == 1 ? "" : "s", r.step, r.time[r.step],
            r.time[r.step] / 3600.0);
    free(study);

    double *p = rp_row(&r, "nodes", "pressure", r.nn);
    double *dp = rp_row(&r, "links", "pressure_drop", r.nl);
    double *ql = rp_row(&r, "links", "heat_loss", r.nl);
    double *cd = rp_row(&r, "links", "condensate", r.nl);
    double *vel = rp_row(&r, "links", "velocity", r.nl);
    if (!p || !dp || !ql || !cd || !vel) {
        free(p), free(dp), free(ql), free(cd), free(vel);
        rp_close(&r);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    size_t pmin = arg_ext(p, r.nn, -1), pmax = arg_ext(p, r.nn, +1);
    if (pmin != SIZE_MAX)
        fprintf(out, "\n  node pressure    min %.4f MPa(a) at node %s, max %.4f MPa(a) at node %s\n",
                p[pmin] / 1e6, r.node_id[pmin], p[pmax] / 1e6, r.node_id[pmax]);
    double *adp = malloc((r.nl ? r.nl : 1) * sizeof *adp);
    for (size_t l = 0; adp && l < r.nl; l++) adp[l] = fabs(dp[l]);
    size_t dmax = adp ? arg_ext(adp, r.nl, +1) : SIZE_MAX;
    free(adp);
    if (dmax != SIZE_MAX)
        fprintf(out, "  largest drop     %.2f kPa in %s %s\n", dp[dmax] / 1e3, kind_word(&r, dmax),
                r.link_id[dmax]);
    size_t vmax = arg_ext(vel, r.nl, +1);
    if (vmax != SIZE_MAX)
        fprintf(out, "  fastest          %.2f m/s in %s %s\n", vel[vmax], kind_word(&r, vmax),
                r.link_id[vmax]);
    size_t qmax = arg_ext(ql, r.nl, +1);
    fprintf(out, "  heat loss        %.2f kW in total", sum_finite(ql, r.nl) / 1e3);
    if (qmax != SIZE_MAX)
        fprintf(out, ", largest %.2f kW in %s %s", ql[qmax] / 1e3, kind_word(&r, qmax),
                r.link_id[qmax]);
    size_t cmax = arg_ext(cd, r.nl, +1);
    fprintf(out, "\n  condensate       %.4f kg/s (%.3f t/h) in total", sum_finite(cd, r.nl),
            sum_finite(cd, r.nl) * 3.6);
    if (cmax != SIZE_MAX && cd[cmax] > 0)
        fprintf(out, ", largest %.4f kg/s in %s %s", cd[cmax], kind_word(&r, cmax),
                r.link_id[cmax]);
    fputc('\n', out);
    free(p), free(dp), free(ql), free(cd), free(vel);

    if (r.ns) {
        double *m = rp_row(&r, "sources", "mass_flow", r.ns);
        double *q = rp_row(&r, "sources", "heat", r.ns);
        double *sp = rp_row(&r, "sources", "pressure", r.ns);
        double *st_ = rp_row(&r, "sources", "temperature", r.ns);
        fprintf(out, "\n  sources          %-16s %10s %8s %10s %10s\n", "id", "flow kg/s", "t/h",
                "heat MW", "p MPa(a)");
        for (size_t s = 0; m && q && sp && st_ && s < r.ns; s++)
            fprintf(out, "                   %-16s %10.3f %8.2f %10.3f %10.4f  %.1f degC\n",
                    r.src_id[s], m[s], m[s] * 3.6, q[s] / 1e6, sp[s] / 1e6, st_[s] - T0);
        free(m), free(q), free(sp), free(st_);
    }

    if (r.nc) {
        double *cp = rp_row(&r, "consumers", "pressure", r.nc);
        double *ct = rp_row(&r, "consumers", "temperature", r.nc);
        double *mg = rp_row(&r, "consumers", "pressure_margin", r.nc);
        double *cm = rp_row(&r, "consumers", "mass_flow", r.nc);
        double *ch = rp_row(&r, "consumers", "heat", r.nc);
        double *uh = rp_row(&r, "consumers", "unmet_heat", r.nc);
        double *um = rp_row(&r, "consumers", "unmet_mass_flow", r.nc);
        cons_row *rows = malloc(r.nc * sizeof *rows);
        if (cp && ct && mg && cm && ch && uh && um && rows) {
            for (size_t c = 0; c < r.nc; c++) rows[c] = (cons_row){c, mg[c], cp[c]};
            qsort(rows, r.nc, sizeof *rows, cmp_cons);
            fprintf(out, "\n  consumers, worst supplied first:\n");
            fprintf(out, "    %-16s %-12s %10s %8s %11s %10s %9s %s\n", "id", "group",
                    "p MPa(a)", "T degC", "margin kPa", "flow kg/s", "heat kW", "unmet");
            for (size_t k = 0; k < r.nc; k++) {
                size_t c = rows[k].i;
                char unmet[48] = "-";
                if (isfinite(uh[c]) && uh[c] > 0) snprintf(unmet, sizeof unmet, "%.1f kW", uh[c] / 1e3);
                if (isfinite(um[c]) && um[c] > 0)
                    snprintf(unmet, sizeof unmet, "%.3f kg/s", um[c]);
                char margin[24] = "-";
                if (isfinite(mg[c])) snprintf(margin, sizeof margin, "%.1f", mg[c] / 1e3);
                fprintf(out, "    %-16s %-12s %10.4f %8.1f %11s %10.3f %9.1f %s%s\n",
                        r.cons_id[c], r.cons_group && r.cons_group[c][0] ? r.cons_group[c] : "-",
                        cp[c] / 1e6, ct[c] - T0, margin, cm[c], ch[c] / 1e3, unmet,
                        isfinite(mg[c]) && mg[c] < 0 ? "  BELOW MINIMUM" : "");
            }
        }
        free(cp), free(ct), free(mg), free(cm), free(ch), free(uh), free(um), free(rows);
    }

    const char *sg = "/results/summary";
    if (H5Lexists(r.f, sg, H5P_DEFAULT) > 0 &&
        H5Aexists_by_name(r.f, sg, "converged", H5P_DEFAULT) > 0) {
        double conv = dh_h5_attr_get_num(r.f, sg, "converged");
        fprintf(out,
                "\n  solver           %s, %.0f iterations, residual %.3g, mass balance %.3g, "
                "energy balance %.3g, %.3f s\n",
                conv == 1 ? "converged" : "NOT CONVERGED", dh_h5_attr_get_num(r.f, sg, "iterations"),
                dh_h5_attr_get_num(r.f, sg, "residual_norm"),
                dh_h5_attr_get_num(r.f, sg, "mass_balance"),
                dh_h5_attr_get_num(r.f, sg, "energy_balance"),
                dh_h5_attr_get_num(r.f, sg, "seconds"));
        char *wc = dh_h5_attr_get_str(r.f, sg, "worst_component");
        char *we = dh_h5_attr_get_str(r.f, sg, "worst_equation");
        if (conv != 1 && wc && *wc)
            fprintf(out, "                   worst residual: %s of %s (%.3g)\n", we ? we : "?", wc,
                    dh_h5_attr_get_num(r.f, sg, "worst_residual"));
        free(wc), free(we);
    }
    rp_close(&r);
    return st;
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
