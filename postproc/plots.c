/* plots.c: PNG plots of a results file, drawn by gnuplot (Debian package gnuplot-nox, pngcairo
 * terminal) from a generated script and data files in a private temporary directory.
 *
 * Exports dh_report_plots (dh_output.h); called by `dhsim report --plots`. Reads only the
 * results file. Why gnuplot: a C program can drive it without linking anything (no Python
 * runtime, no plotting library ABI in libdhsim), it is packaged and maintained in Debian for
 * decades, renders headless PNG with cairo, and the generated .gp script is left for the
 * engineer to restyle when DHSIM_KEEP_PLOT_FILES is set. See docs/results.md.
 *
 *   PREFIX-map.png       the network at the last step: links coloured by mean pressure of
 *                        their ends, width by |mass flow|; source and consumers marked
 *   PREFIX-profile.png   pressure and temperature along the shortest path (by link length)
 *                        from the fixed-pressure source to the worst-supplied consumer
 *   PREFIX-dispatch.png  (more than one step, with a plant) boilers' main steam stacked,
 *                        extraction, PRDS, header demand and electric power over time
 *   PREFIX-duration.png  (more than one step) load-duration curve of the sources' heat and
 *                        steam flow: values sorted descending against cumulative hours
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dh_output.h"
#include "out_internal.h"

/* Runs `gnuplot script` (out_internal.h); 0 on success. */
int dh_gnuplot_run(const char *script, dh_error *err)
{
    pid_t pid = fork();
    if (pid < 0) {
        dh_error_set(err, DH_ERR_IO, NULL, NULL, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        dh_error_set(err, DH_ERR_IO, NULL, NULL,
                     "gnuplot not found: install the Debian package gnuplot-nox");
    else
        dh_error_set(err, DH_ERR_IO, NULL, NULL, "gnuplot failed on %s (status %d)", script,
                     status);
    return -1;
}

#define T0 273.15

typedef struct plot_data {
    size_t nn, nl, nc, ns, nt;
    char **node_id, **link_id, **cons_id, **src_id;
    double *x, *y, *len, *time;
    int *from, *to, *src_node, *src_type, *cons_node;
    double *p, *temp, *m, *margin, *cpress; /* last step */
} plot_data;

static void pd_free(plot_data *d)
{
    dh_h5_free_strings(d->node_id, d->nn);
    dh_h5_free_strings(d->link_id, d->nl);
    dh_h5_free_strings(d->cons_id, d->nc);
    dh_h5_free_strings(d->src_id, d->ns);
    free(d->x), free(d->y), free(d->len), free(d->time);
    free(d->from), free(d->to), free(d->src_node), free(d->src_type), free(d->cons_node);
    free(d->p), free(d->temp), free(d->m), free(d->margin), free(d->cpress);
}

static double *row_or_nan(hid_t f, const char *path, size_t step, size_t n, size_t nt)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v && (!nt || dh_h5_read_row(f, path, step, v, n)))
        for (size_t i = 0; i < n; i++) v[i] = NAN;
    return v;
}

static int pd_read(hid_t f, plot_data *d)
{
    size_t n;
    d->node_id = dh_h5_read_strings(f, "/network/nodes/id", &d->nn);
    d->link_id = dh_h5_read_strings(f, "/network/links/id", &d->nl);
    d->cons_id = dh_h5_read_strings(f, "/network/consumers/id", &d->nc);
    d->src_id = dh_h5_read_strings(f, "/network/sources/id", &d->ns);
    d->x = dh_h5_read_doubles(f, "/network/nodes/x", &n);
    d->y = dh_h5_read_doubles(f, "/network/nodes/y", &n);
    d->len = dh_h5_read_doubles(f, "/network/links/length", &n);
    d->time = dh_h5_read_doubles(f, "/results/time", &d->nt);
    d->from = dh_h5_read_ints(f, "/network/links/from", &n);
    d->to = dh_h5_read_ints(f, "/network/links/to", &n);
    d->src_node = dh_h5_read_ints(f, "/network/sources/node", &n);
    d->src_type = dh_h5_read_ints(f, "/network/sources/type", &n);
    d->cons_node = dh_h5_read_ints(f, "/network/consumers/node", &n);
    if (!d->node_id || !d->link_id || !d->x || !d->y || !d->len || !d->time || !d->from ||
        !d->to || !d->nt)
        return -1;
    size_t last = d->nt - 1;
    d->p = row_or_nan(f, "/results/nodes/pressure", last, d->nn, d->nt);
    d->temp = row_or_nan(f, "/results/nodes/temperature", last, d->nn, d->nt);
    d->m = row_or_nan(f, "/results/links/mass_flow", last, d->nl, d->nt);
    d->margin = row_or_nan(f, "/results/consumers/pressure_margin", last, d->nc, d->nt);
    d->cpress = row_or_nan(f, "/results/consumers/pressure", last, d->nc, d->nt);
    return d->p && d->temp && d->m && d->margin && d->cpress ? 0 : -1;
}

/* Gnuplot-safe label text: ids go inside double quotes; drop quotes and backslashes. */
static void put_label(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s != '"' && *s != '\\' && *s != '\n') fputc(*s, f);
}

/* Binary min-heap of (distance, node) pairs for Dijkstra; stale entries (a node pushed again
 * with a shorter distance) are skipped when popped (lazy deletion), so at most one entry per
 * relaxed edge: O((n + m) log m). */
typedef struct path_heap {
    double *key;
    size_t *node;
    size_t n;
} path_heap;

static void heap_push(path_heap *h, double key, size_t node)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (h->key[up] <= key) break;
        h->key[i] = h->key[up], h->node[i] = h->node[up];
        i = up;
    }
    h->key[i] = key, h->node[i] = node;
}

static size_t heap_pop(path_heap *h, double *key)
{
    size_t top = h->node[0];
    *key = h->key[0];
    double k = h->key[--h->n];
    size_t v = h->node[h->n], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->key[c + 1] < h->key[c]) c++;
        if (k <= h->key[c]) break;
        h->key[i] = h->key[c], h->node[i] = h->node[c];
        i = c;
    }
    if (h->n) h->key[i] = k, h->node[i] = v;
    return top;
}

/* Dijkstra on the undirected network with link lengths as weights (binary heap,
 * O((n + m) log m): the profile plot of a 10^6-node network takes well under a second). Fills
 * dist and prev_link (DH_NONE at the root) and returns 0, or -1 on allocation failure. */
static int shortest_paths(const plot_data *d, size_t root, double *dist, size_t *prev_link)
{
    size_t nn = d->nn;
    size_t cap = 2 * d->nl + 1; /* one push per relaxation + the root */
    size_t *start = calloc(nn + 1, sizeof *start), *adj = malloc(cap * sizeof *adj);
    size_t *fill = calloc(nn ? nn : 1, sizeof *fill);
    path_heap h = {malloc(cap * sizeof *h.key), malloc(cap * sizeof *h.node), 0};
    if (!start || !adj || !fill || !h.key || !h.node) {
        free(start), free(adj), free(fill), free(h.key), free(h.node);
        return -1;
    }
    for (size_t l = 0; l < d->nl; l++) start[d->from[l] + 1]++, start[d->to[l] + 1]++;
    for (size_t i = 0; i < nn; i++) start[i + 1] += start[i];
    for (size_t l = 0; l < d->nl; l++) {
        adj[start[d->from[l]] + fill[d->from[l]]++] = l;
        adj[start[d->to[l]] + fill[d->to[l]]++] = l;
    }
    free(fill);
    for (size_t i = 0; i < nn; i++) dist[i] = INFINITY, prev_link[i] = DH_NONE;
    dist[root] = 0;
    heap_push(&h, 0.0, root);
    while (h.n) {
        double du;
        size_t u = heap_pop(&h, &du);
        if (du > dist[u]) continue; /* stale entry */
        for (size_t k = start[u]; k < start[u + 1]; k++) {
            size_t l = adj[k];
            size_t v = (size_t)(d->from[l] == (int)u ? d->to[l] : d->from[l]);
            double w = isfinite(d->len[l]) ? d->len[l] : 0.0;
            if (du + w < dist[v]) {
                dist[v] = du + w, prev_link[v] = l;
                heap_push(&h, dist[v], v);
            }
        }
    }
    free(start), free(adj), free(h.key), free(h.node);
    return 0;
}

static void put_terminal(FILE *g, const char *png, const char *title)
{
    fprintf(g, "set terminal pngcairo size 1200,900 noenhanced font ',11'\nset output '");
    put_label(g, png);
    fprintf(g, "'\nset title \"");
    put_label(g, title);
    fprintf(g, "\"\n");
}

dh_status dh_report_plots(const char *h5_path, const char *prefix, FILE *log, dh_error *err)
{
    dh_h5_quiet();
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "%s: cannot open as HDF5", h5_path);
    plot_data d;
    memset(&d, 0, sizeof d);
    if (pd_read(f, &d)) {
        H5Fclose(f);
        pd_free(&d);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "%s: no network or no time steps to plot", h5_path);
    }
    char tmpl[] = "/tmp/dhsim-plot-XXXXXX";
    if (!mkdtemp(tmpl)) {
        H5Fclose(f);
        pd_free(&d);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "mkdtemp: %s", strerror(errno));
    }
    char path[512], script[512];
    dh_status st = DH_OK;
    snprintf(script, sizeof script, "%s/plots.gp", tmpl);
    FILE *g = fopen(script, "w");

    /* ---- map: one data block per link "x0 y0 dx dy width pressure_MPa" ---- */
    snprintf(path, sizeof path, "%s/links.dat", tmpl);
    FILE *fl = fopen(path, "w");
    double mmax = 0, pmin = INFINITY, pmax = -INFINITY;
    for (size_t l = 0; l < d.nl; l++)
        if (isfinite(d.m[l]) && fabs(d.m[l]) > mmax) mmax = fabs(d.m[l]);
    for (size_t l = 0; fl && l < d.nl; l++) {
        int a = d.from[l], b = d.to[l];
        double pm = 0.5 * (d.p[a] + d.p[b]) / 1e6;
        /* width class 1..6 (gnuplot 5.4 has no variable line width for vectors) */
        int w = 1 + (mmax > 0 && isfinite(d.m[l]) ? (int)lround(5.0 * fabs(d.m[l]) / mmax) : 0);
        if (isfinite(pm)) pmin = fmin(pmin, pm), pmax = fmax(pmax, pm);
        fprintf(fl, "%.9g %.9g %.9g %.9g %d %.9g\n", d.x[a], d.y[a], d.x[b] - d.x[a],
                d.y[b] - d.y[a], w, pm);
    }
    if (fl) fclose(fl);
    char title[512];
    if (g && fl) {
        char png[600];
        snprintf(png, sizeof png, "%s-map.png", prefix);
        snprintf(title, sizeof title, "%s: pressure (colour, MPa abs.) and |mass flow| (width, max %.3g kg/s), t = %g h",
                 h5_path, mmax, d.time[d.nt - 1] / 3600.0);
        put_terminal(g, png, title);
        fprintf(g, "set size ratio -1\nset xlabel 'x [m]'\nset ylabel 'y [m]'\n"
                   "set cblabel 'pressure [MPa(a)]'\nset palette rgbformulae 33,13,10\n");
        if (isfinite(pmin) && pmax > pmin) fprintf(g, "set cbrange [%.9g:%.9g]\n", pmin, pmax);
        for (size_t s = 0; s < d.ns; s++) {
            int n = d.src_node[s];
            fprintf(g, "set label \"");
            put_label(g, d.src_id[s]);
            fprintf(g, "\" at %.9g,%.9g point pt 5 ps 2 lc rgb 'black' offset 1,1\n", d.x[n], d.y[n]);
        }
        for (size_t c = 0; c < d.nc; c++) {
            int n = d.cons_node[c];
            fprintf(g, "set label \"");
            put_label(g, d.cons_id[c]);
            fprintf(g, "\" at %.9g,%.9g point pt 7 ps 1.2 lc rgb 'black' offset 0.7,-0.7 font ',9'\n",
                    d.x[n], d.y[n]);
        }
        fprintf(g, "plot for [k=1:6] '%s/links.dat' using ($5==k ? $1 : NaN):2:3:4:6 "
                   "with vectors nohead lw 1.6*k lc palette notitle\n"
                   "unset label\nunset cbrange\nset size noratio\n",
                tmpl);
        if (log) fprintf(log, "wrote %s\n", png);
    }

    /* ---- profile along the path source -> worst consumer ---- */
    size_t root = DH_NONE, worst = DH_NONE;
    for (size_t s = 0; s < d.ns && root == DH_NONE; s++)
        if (!d.src_type || d.src_type[s] == 0) root = (size_t)d.src_node[s];
    if (root == DH_NONE && d.ns) root = (size_t)d.src_node[0];
    for (size_t c = 0; c < d.nc; c++) /* smallest margin; else lowest delivery pressure */
        if (isfinite(d.margin[c]) && (worst == DH_NONE || !isfinite(d.margin[worst]) ||
                                      d.margin[c] < d.margin[worst]))
            worst = c;
    for (size_t c = 0; c < d.nc && (worst == DH_NONE || !isfinite(d.margin[worst])); c++)
        if (isfinite(d.cpress[c]) && (worst == DH_NONE || d.cpress[c] < d.cpress[worst])) worst = c;
    double *dist = malloc((d.nn ? d.nn : 1) * sizeof *dist);
    size_t *prev = malloc((d.nn ? d.nn : 1) * sizeof *prev);
    if (g && root != DH_NONE && worst != DH_NONE && dist && prev &&
        !shortest_paths(&d, root, dist, prev) && isfinite(dist[d.cons_node[worst]])) {
        snprintf(path, sizeof path, "%s/profile.dat", tmpl);
        FILE *fp = fopen(path, "w");
        size_t *seq = malloc(d.nn * sizeof *seq), n_seq = 0;
        for (size_t v = (size_t)d.cons_node[worst]; seq && v != DH_NONE && n_seq < d.nn;) {
            seq[n_seq++] = v;
            size_t l = prev[v];
            v = l == DH_NONE ? DH_NONE : (size_t)(d.from[l] == (int)v ? d.to[l] : d.from[l]);
        }
        for (size_t k = n_seq; fp && k-- > 0;) {
            size_t v = seq[k];
            fprintf(fp, "%.9g %.9g %.9g \"", dist[v], d.p[v] / 1e6, d.temp[v] - T0);
            put_label(fp, d.node_id[v]);
            fputs("\"\n", fp);
        }
        free(seq);
        if (fp) {
            fclose(fp);
            char png[600];
            snprintf(png, sizeof png, "%s-profile.png", prefix);
            snprintf(title, sizeof title, "path %s -> %s (worst supplied), t = %g h",
                     d.node_id[root], d.cons_id[worst], d.time[d.nt - 1] / 3600.0);
            put_terminal(g, png, title);
            fprintf(g, "set xlabel 'distance along the path [m]'\nset ylabel 'pressure [MPa(a)]'\n"
                       "set y2label 'temperature [degC]'\nset ytics nomirror\nset y2tics\n"
                       "set grid\nset key bottom left\n"
                       "plot '%s/profile.dat' using 1:2 with linespoints lw 2 pt 7 title 'pressure', "
                       "'' using 1:3 axes x1y2 with linespoints lw 2 pt 5 title 'temperature', "
                       "'' using 1:2:4 with labels offset 0,1 font ',9' notitle\n"
                       "unset y2tics\nunset y2label\nset ytics mirror\nunset grid\n",
                    tmpl);
            if (log) fprintf(log, "wrote %s\n", png);
        }
    }
    free(dist), free(prev);

    /* ---- load duration (series only) ---- */
    if (g && d.nt > 1 && d.ns) {
        double *q = calloc(d.nt, sizeof *q), *mf = calloc(d.nt, sizeof *mf);
        double *row = malloc(d.ns * sizeof *row), *dt = malloc(d.nt * sizeof *dt);
        for (size_t t = 0; q && mf && row && dt && t < d.nt; t++) {
            if (!dh_h5_read_row(f, "/results/sources/heat", t, row, d.ns))
                for (size_t s = 0; s < d.ns; s++) q[t] += isfinite(row[s]) ? row[s] : 0;
            if (!dh_h5_read_row(f, "/results/sources/mass_flow", t, row, d.ns))
                for (size_t s = 0; s < d.ns; s++) mf[t] += isfinite(row[s]) ? row[s] : 0;
            /* each step stands for the interval up to the next one (the last: as its previous) */
            dt[t] = t + 1 < d.nt ? d.time[t + 1] - d.time[t] : d.time[t] - d.time[t - 1];
        }
        snprintf(path, sizeof path, "%s/duration.dat", tmpl);
        FILE *fd = q && mf && row && dt ? fopen(path, "w") : NULL;
        if (fd) {
            /* steps sorted by heat, descending (shell sort: no comparator global needed) */
            typedef struct {
                double q, m, dt;
            } qd;
            qd *v = malloc(d.nt * sizeof *v);
            for (size_t t = 0; v && t < d.nt; t++) v[t] = (qd){q[t], mf[t], dt[t]};
            if (v) {
                for (size_t gap = d.nt / 2; gap > 0; gap /= 2)
                    for (size_t i = gap; i < d.nt; i++)
                        for (size_t j = i; j >= gap && v[j - gap].q < v[j].q; j -= gap) {
                            qd tmp = v[j];
                            v[j] = v[j - gap];
                            v[j - gap] = tmp;
                        }
                double cum = 0;
                for (size_t t = 0; t < d.nt; t++) {
                    fprintf(fd, "%.9g %.9g %.9g\n", cum / 3600.0, v[t].q / 1e6, v[t].m * 3.6);
                    cum += v[t].dt;
                    fprintf(fd, "%.9g %.9g %.9g\n", cum / 3600.0, v[t].q / 1e6, v[t].m * 3.6);
                }
            }
            free(v);
            fclose(fd);
            char png[600];
            snprintf(png, sizeof png, "%s-duration.png", prefix);
            snprintf(title, sizeof title, "load duration of the sources (%zu steps)", d.nt);
            put_terminal(g, png, title);
            fprintf(g, "set xlabel 'hours at or above [h]'\nset ylabel 'heat [MW]'\n"
                       "set y2label 'steam flow [t/h]'\nset ytics nomirror\nset y2tics\nset grid\n"
                       "set key top right\n"
                       "plot '%s/duration.dat' using 1:2 with lines lw 2 title 'heat (sources)', "
                       "'' using 1:3 axes x1y2 with lines lw 2 title 'mass flow (sources)'\n",
                    tmpl);
            if (log) fprintf(log, "wrote %s\n", png);
        }
        free(q), free(mf), free(row), free(dt);
    }
    /* ---- plant dispatch over time (series with a plant) ---- */
    size_t bdims[2] = {0, 0}, udims[2] = {0, 0};
    if (g && d.nt > 1 && dh_h5_dims(f, "/results/plant/boilers/steam_flow", bdims) == 2 &&
        dh_h5_dims(f, "/results/plant/turbines/extraction_flow", udims) == 2 &&
        bdims[0] == d.nt && udims[0] == d.nt) {
        size_t nb = bdims[1], nu = udims[1], nc = nb + 4;
        /* columns: time [h], boiler steam (each, stacked), extraction total, PRDS outlet,
           header demand [t/h], electric power [MW] */
        double *tab = calloc(d.nt * nc, sizeof *tab), *col = malloc(d.nt * sizeof *col);
        snprintf(path, sizeof path, "%s/dispatch.dat", tmpl);
        FILE *fd = tab && col ? fopen(path, "w") : NULL;
        if (fd) {
            for (size_t b = 0; b < nb; b++)
                if (!dh_h5_read_col(f, "/results/plant/boilers/steam_flow", b, col, d.nt))
                    for (size_t t = 0; t < d.nt; t++) tab[t * nc + b] = col[t] * 3.6;
            for (size_t u = 0; u < nu; u++)
                if (!dh_h5_read_col(f, "/results/plant/turbines/extraction_flow", u, col, d.nt))
                    for (size_t t = 0; t < d.nt; t++) tab[t * nc + nb] += col[t] * 3.6;
            if (!dh_h5_read_col(f, "/results/plant/prds/flow", 0, col, d.nt))
                for (size_t t = 0; t < d.nt; t++) tab[t * nc + nb + 1] = col[t] * 3.6;
            size_t n1 = 0;
            double *dem = dh_h5_read_doubles(f, "/results/plant/header/demand", &n1);
            double *pw = dh_h5_read_doubles(f, "/results/plant/electric_power", &n1);
            for (size_t t = 0; t < d.nt; t++) {
                tab[t * nc + nb + 2] = dem && t < n1 ? dem[t] * 3.6 : NAN;
                tab[t * nc + nb + 3] = pw && t < n1 ? pw[t] / 1e6 : NAN;
            }
            free(dem), free(pw);
            for (size_t t = 0; t < d.nt; t++) {
                fprintf(fd, "%.9g", d.time[t] / 3600.0);
                double stack = 0;
                for (size_t b = 0; b < nb; b++) { /* cumulative: filled curves between */
                    stack += isfinite(tab[t * nc + b]) ? tab[t * nc + b] : 0;
                    fprintf(fd, " %.9g", stack);
                }
                for (size_t k = nb; k < nc; k++) fprintf(fd, " %.9g", tab[t * nc + k]);
                fputc('\n', fd);
            }
            fclose(fd);
            char png[600];
            snprintf(png, sizeof png, "%s-dispatch.png", prefix);
            snprintf(title, sizeof title, "plant dispatch over %zu steps", d.nt);
            put_terminal(g, png, title);
            fprintf(g, "set xlabel 'time [h]'\nset ylabel 'steam [t/h]'\n"
                       "set y2label 'electric power [MW]'\nset ytics nomirror\nset y2tics\nset yrange [0:*]\nset y2range [0:*]\n"
                       "set grid\nset key outside bottom center horizontal\nplot ");
            /* boiler b fills between the stacked sums of boilers < b (column b + 1) and
               <= b (column b + 2); the first one down to the axis */
            for (size_t b = 0; b < nb; b++) {
                if (b == 0)
                    fprintf(g, "'%s/dispatch.dat' using 1:2 with filledcurves x1 ", tmpl);
                else
                    fprintf(g, "'%s/dispatch.dat' using 1:%zu:%zu with filledcurves ", tmpl,
                            b + 1, b + 2);
                fprintf(g, "fs transparent solid 0.5 title 'boiler %zu main steam', ", b + 1);
            }
            fprintf(g, "'%s/dispatch.dat' using 1:%zu with lines lw 2 lc rgb 'black' "
                       "title 'extraction (all turbines)', "
                       "'' using 1:%zu with lines lw 2 dt 2 lc rgb 'red' title 'PRDS', "
                       "'' using 1:%zu with lines lw 1 lc rgb 'blue' title 'header demand', "
                       "'' using 1:%zu axes x1y2 with lines lw 1 lc rgb 'dark-green' "
                       "title 'electric power'\n",
                    tmpl, nb + 2, nb + 3, nb + 4, nb + 5);
            if (log) fprintf(log, "wrote %s\n", png);
        }
        free(tab), free(col);
    }
    H5Fclose(f);
    if (!g) {
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot create", script);
    } else {
        fclose(g);
        if (dh_gnuplot_run(script, err)) st = DH_ERR_IO;
    }
    pd_free(&d);
    if (!getenv("DHSIM_KEEP_PLOT_FILES")) {
        const char *files[] = {"plots.gp", "links.dat", "profile.dat", "duration.dat",
                               "dispatch.dat"};
        for (size_t i = 0; i < 5; i++) {
            snprintf(path, sizeof path, "%s/%s", tmpl, files[i]);
            unlink(path);
        }
        rmdir(tmpl);
    } else if (log) {
        fprintf(log, "plot script and data kept in %s\n", tmpl);
    }
    return st;
}
