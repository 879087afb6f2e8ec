/* out_h5.c: the HDF5 results writer (see dh_output.h, layout in docs/results.md).
 *
 * Exports dh_out_create / dh_out_append / dh_out_append_plant / dh_out_set_summary /
 * dh_out_steps / dh_out_close / dh_out_abort / dh_out_test_fail_after (the plant's datasets
 * themselves: out_plant.c). Called by cli/cmd_run.c (and the series, transient and
 * sweep drivers). Does no numerics: it copies the solver's snapshot arrays into the file.
 *
 * Crash safety: everything goes to "<path>.tmp-<pid>"; close() fsyncs it, writes the .xmf
 * sidecar (also through a tmp name) and renames both with rename(2), which replaces the target
 * atomically within one file system. A killed run leaves only tmp files; an older result under
 * the final name is untouched until the new one is complete.
 *
 * Chunking of the [time, element] datasets: chunk = [B, E]. Appends are buffered in memory, B
 * rows per dataset, and written as whole chunk rows, so each chunk is compressed exactly once
 * (HDF5 would otherwise decompress and recompress a partly written chunk on every append). B is
 * the largest power of two <= 64 whose buffers fit in DH_OUT_BUFFER_BYTES (1 for a single
 * step); E is chosen so a chunk holds about DH_OUT_CHUNK_BYTES. Reading one time step then
 * decompresses B x n values, reading one element's series T x E values; both are a few tens of
 * MB for a year (8760 steps) of 10^5 links. Measured figures: docs/results.md.
 */
#include "dh_output.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "out_internal.h"

#define DH_OUT_BUFFER_BYTES ((size_t)128 << 20) /* all append buffers together */
#define DH_OUT_CHUNK_BYTES ((size_t)128 << 10)  /* target size of one chunk (uncompressed) */
#define DH_OUT_MAX_B 64
#define DH_OUT_DEFLATE 1 /* gzip level: on real results 1 writes ~40 % faster than 4 for a
                           * file ~3 % larger (docs/results.md, "Storage") */

/* Which table an array runs over. */
typedef enum out_table { T_NODES, T_LINKS, T_CONSUMERS, T_SOURCES, T_SCALAR } out_table;

/* One [time, element] results dataset fed from a snapshot array. */
#define ONLY_MASS (-2) /* only_type: steam and water consumers (mass-flow demands) */
typedef struct out_field {
    const char *group, *name, *units, *description;
    out_table table;
    size_t snap_offset; /* offsetof(dh_snapshot, <array>) */
    int only_type;      /* consumers: keep entries of this dh_consumer_type, NaN others; -1 all;
                           ONLY_MASS: the mass-flow consumers (steam and water) */
} out_field;

#define SNAP(f) offsetof(dh_snapshot, f)
static const out_field fields[] = {
    {"nodes", "pressure", "Pa", "absolute pressure at the node", T_NODES, SNAP(node_pressure), -1},
    {"nodes", "temperature", "K", "temperature at the node", T_NODES, SNAP(node_temperature), -1},
    {"nodes", "enthalpy", "J/kg", "specific enthalpy at the node (IAPWS-IF97 reference)", T_NODES,
     SNAP(node_enthalpy), -1},
    {"nodes", "quality", "1",
     "steam quality (vapour mass fraction): 0 liquid, 1 dry saturated or superheated", T_NODES,
     SNAP(node_quality), -1},
    {"links", "mass_flow", "kg/s", "mass flow, positive from -> to", T_LINKS, SNAP(link_mass_flow),
     -1},
    {"links", "velocity", "m/s", "mean velocity at the link's inlet (largest along a steam pipe)",
     T_LINKS, SNAP(link_velocity), -1},
    {"links", "pressure_drop", "Pa", "pressure drop p_from - p_to (friction, fittings, elevation)",
     T_LINKS, SNAP(link_pressure_drop), -1},
    {"links", "heat_loss", "W", "heat lost to the surroundings along the link", T_LINKS,
     SNAP(link_heat_loss), -1},
    {"links", "condensate", "kg/s", "steam condensed along the pipe", T_LINKS,
     SNAP(link_condensate), -1},
    {"consumers", "mass_flow", "kg/s", "mass flow delivered", T_CONSUMERS,
     SNAP(consumer_mass_flow), -1},
    {"consumers", "heat", "W", "heat delivered", T_CONSUMERS, SNAP(consumer_heat), -1},
    {"consumers", "pressure", "Pa", "absolute pressure at the delivery node", T_CONSUMERS,
     SNAP(consumer_pressure), -1},
    {"consumers", "temperature", "K", "temperature at the delivery node", T_CONSUMERS,
     SNAP(consumer_temperature), -1},
    {"consumers", "pressure_margin", "Pa",
     "delivery pressure minus the consumer's minimum (NaN when it has none)", T_CONSUMERS,
     SNAP(consumer_pressure_margin), -1},
    {"consumers", "unmet_heat", "W", "heat demand not met (heat consumers; NaN for steam ones)",
     T_CONSUMERS, SNAP(consumer_unmet), DH_CONSUMER_HEAT},
    {"consumers", "unmet_mass_flow", "kg/s",
     "mass-flow demand not met (steam and water consumers; a water consumer's volume demand "
     "at its node's density; NaN for heat ones)", T_CONSUMERS, SNAP(consumer_unmet),
     ONLY_MASS},
    {"sources", "mass_flow", "kg/s", "mass flow leaving the source into the network", T_SOURCES,
     SNAP(source_mass_flow), -1},
    {"sources", "heat", "W",
     "enthalpy flow leaving the source, m (h - h(0 degC liquid)), plus at a plant header (a "
     "water source at a pump discharge) the heat it adds to the circulating water", T_SOURCES, SNAP(source_heat),
     -1},
    {"sources", "pressure", "Pa", "absolute pressure at the source node", T_SOURCES,
     SNAP(source_pressure), -1},
    {"sources", "temperature", "K", "temperature at the source node", T_SOURCES,
     SNAP(source_temperature), -1},
};
#undef SNAP
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* Per-step scalars: /results/time and /results/solver/... (1-D, [time]). */
enum { S_TIME, S_CONVERGED, S_ITERATIONS, S_RESIDUAL, S_MASS_REL, S_ENERGY_REL, S_SECONDS, N_SCAL };
static const struct {
    const char *path, *units, *description;
    int integer;
} scalars[N_SCAL] = {
    {"/results/time", "s", "time since the start of the study", 0},
    {"/results/solver/converged", "1", "1 when the solve of this step converged", 1},
    {"/results/solver/iterations", "1", "nonlinear iterations of this step", 1},
    {"/results/solver/residual_norm", "1", "scaled max-norm of the final residual", 0},
    {"/results/solver/mass_balance", "1", "relative mass balance error: imbalance / inflow", 0},
    {"/results/solver/energy_balance", "1", "relative energy balance error |in-out-loss| / in", 0},
    {"/results/solver/seconds", "s", "wall time of the solve", 0},
};

struct dh_out {
    char *path, *tmp_path;
    hid_t file;
    const dh_network *net;
    size_t n_of[4]; /* elements per table */
    hid_t dset[N_FIELDS], sdset[N_SCAL];
    double *buf[N_FIELDS]; /* B x n, row-major */
    double sbuf[N_SCAL][DH_OUT_MAX_B];
    size_t B, rows;        /* chunk rows in time, rows buffered */
    size_t written;        /* rows on disk */
    size_t appended;       /* rows appended (written + buffered) */
    size_t fail_after;     /* test hook */
    bool have_summary, any_stats;
    dh_solve_stats summary, agg; /* agg: derived from the appended stats */
    dh_h5_plant *plant;          /* /results/plant, from the first dh_out_append_plant */
};

/* ---- small HDF5 helpers (shared with the reader side through out_internal.h) -------------- */

hid_t dh_h5_vlstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

int dh_h5_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t t = dh_h5_vlstr_type(), sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    const char *v = value ? value : "";
    herr_t r = a < 0 ? -1 : H5Awrite(a, t, &v);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return r < 0 ? -1 : 0;
}

int dh_h5_attr_num(hid_t obj, const char *name, hid_t file_type, double value)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_DOUBLE, &value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return r < 0 ? -1 : 0;
}

static int attr_ud(hid_t d, const char *units, const char *description)
{
    return dh_h5_attr_str(d, "units", units) | dh_h5_attr_str(d, "description", description);
}

/* Creates every group on the way to `path` (H5Pset_create_intermediate_group). */
static hid_t lcpl_intermediate(void)
{
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(p, 1);
    H5Pset_char_encoding(p, H5T_CSET_UTF8);
    return p;
}

/* Writes a fixed 1-D dataset of n values; `mem` is the memory type of data. */
static int write_1d(hid_t file, const char *path, hid_t file_type, hid_t mem, const void *data,
                    size_t n, const char *units, const char *description)
{
    hsize_t dims[1] = {n};
    hid_t sp = H5Screate_simple(1, dims, NULL), lcpl = lcpl_intermediate();
    hid_t d = H5Dcreate2(file, path, file_type, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int r = -1;
    if (d >= 0) {
        r = (n && H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ? -1 : 0;
        r |= attr_ud(d, units, description);
        H5Dclose(d);
    }
    H5Pclose(lcpl);
    H5Sclose(sp);
    return r;
}

static int write_strings(hid_t file, const char *path, char *const *s, size_t n,
                         const char *description)
{
    hid_t t = dh_h5_vlstr_type();
    int r = write_1d(file, path, t, t, s, n, "", description);
    H5Tclose(t);
    return r;
}

static int write_doubles(hid_t file, const char *path, const double *v, size_t n,
                         const char *units, const char *description)
{
    return write_1d(file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, n, units, description);
}

/* Writes size_t indices as int32 (DH_NONE -> -1). */
static int write_index(hid_t file, const char *path, const size_t *v, size_t stride, size_t n,
                       const char *description)
{
    int32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) return -1;
    for (size_t i = 0; i < n; i++) tmp[i] = v[i * stride] == DH_NONE ? -1 : (int32_t)v[i * stride];
    int r = write_1d(file, path, H5T_STD_I32LE, H5T_NATIVE_INT32, tmp, n, "1", description);
    free(tmp);
    return r;
}

/* An HDF5 enumeration (int8 based) so h5py, MATLAB and h5dump show the names. */
static hid_t enum_type(const char *const *names, size_t n)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    for (size_t i = 0; i < n; i++) {
        int8_t v = (int8_t)i;
        H5Tenum_insert(t, names[i], &v);
    }
    return t;
}

static int write_enum(hid_t file, const char *path, const char *const *names, size_t n_names,
                      const int *values, size_t n, const char *description)
{
    int8_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) return -1;
    for (size_t i = 0; i < n; i++) tmp[i] = (int8_t)values[i];
    hid_t t = enum_type(names, n_names);
    int r = write_1d(file, path, t, t, tmp, n, "", description);
    H5Tclose(t);
    free(tmp);
    return r;
}

static size_t pow2_floor(size_t v)
{
    size_t p = 1;
    while (p * 2 <= v) p *= 2;
    return p;
}

/* ---- /network ---------------------------------------------------------------------------- */

static int write_network(dh_out *o)
{
    const dh_network *net = o->net;
    hid_t f = o->file;
    size_t nn = net->nodes.n, nl = net->links.n, nc = net->consumers.n, ns = net->sources.n;
    int r = 0;

    r |= write_strings(f, "/network/nodes/id", net->nodes.id, nn, "node id from the case file");
    r |= write_doubles(f, "/network/nodes/x", net->nodes.x, nn, "m", "x coordinate (east)");
    r |= write_doubles(f, "/network/nodes/y", net->nodes.y, nn, "m", "y coordinate (north)");
    r |= write_doubles(f, "/network/nodes/z", net->nodes.z, nn, "m", "elevation above datum");
    {
        /* [node, 3] interlaced coordinates: the XDMF geometry (ParaView's Xdmf3 readers take
         * XYZ from one dataset; X_Y_Z from three gives no points there) */
        double *xyz = malloc((nn ? 3 * nn : 3) * sizeof *xyz);
        if (!xyz) return -1;
        for (size_t i = 0; i < nn; i++) {
            xyz[3 * i] = net->nodes.x[i];
            xyz[3 * i + 1] = net->nodes.y[i];
            xyz[3 * i + 2] = net->nodes.z[i];
        }
        hsize_t dims[2] = {nn, 3};
        hid_t sp = H5Screate_simple(2, dims, NULL), lcpl = lcpl_intermediate();
        hid_t d = H5Dcreate2(f, "/network/nodes/xyz", H5T_IEEE_F64LE, sp, lcpl, H5P_DEFAULT,
                             H5P_DEFAULT);
        if (d < 0 || (nn && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, xyz) < 0))
            r = -1;
        if (d >= 0) {
            r |= attr_ud(d, "m", "[node, 3]: x, y, z (the XDMF geometry)");
            H5Dclose(d);
        }
        H5Pclose(lcpl);
        H5Sclose(sp);
        free(xyz);
    }
    static const char *const medium_names[] = {"unknown", "steam", "water"};
    int *iv = malloc(((nn > nl ? nn : nl) + nc + ns + 1) * sizeof *iv);
    double *len = malloc((nl ? nl : 1) * sizeof *len), *dia = malloc((nl ? nl : 1) * sizeof *dia);
    int32_t *conn = malloc((nl ? 2 * nl : 2) * sizeof *conn);
    if (!iv || !len || !dia || !conn) {
        free(iv), free(len), free(dia), free(conn);
        return -1;
    }
    for (size_t i = 0; i < nn; i++) iv[i] = (int)net->nodes.medium[i];
    r |= write_enum(f, "/network/nodes/medium", medium_names, 3, iv, nn,
                    "medium reached from the sources and substations");

    static const char *const kind_names[] = {"pipe", "valve", "pump"};
    r |= write_strings(f, "/network/links/id", net->links.id, nl, "link id from the case file");
    r |= write_index(f, "/network/links/from", net->links.from, 1, nl,
                     "0-based row in /network/nodes of the link's start node");
    r |= write_index(f, "/network/links/to", net->links.to, 1, nl,
                     "0-based row in /network/nodes of the link's end node");
    for (size_t l = 0; l < nl; l++) {
        size_t k = net->links.index[l];
        iv[l] = (int)net->links.kind[l];
        conn[2 * l] = (int32_t)net->links.from[l];
        conn[2 * l + 1] = (int32_t)net->links.to[l];
        switch (net->links.kind[l]) {
        case DH_LINK_PIPE:
            len[l] = net->pipes.length[k];
            dia[l] = net->pipes.diameter[k];
            break;
        case DH_LINK_VALVE:
            len[l] = 0.0;
            dia[l] = net->valves.diameter[k];
            break;
        default:
            len[l] = 0.0;
            dia[l] = NAN;
            break;
        }
    }
    r |= write_enum(f, "/network/links/kind", kind_names, 3, iv, nl, "pipe, valve or pump");
    r |= write_doubles(f, "/network/links/length", len, nl, "m",
                       "pipe length (0 for valves and pumps)");
    r |= write_doubles(f, "/network/links/diameter", dia, nl, "m",
                       "pipe inner diameter or valve bore (NaN for pumps)");
    {
        hsize_t dims[2] = {nl, 2};
        hid_t sp = H5Screate_simple(2, dims, NULL), lcpl = lcpl_intermediate();
        hid_t d = H5Dcreate2(f, "/network/links/connectivity", H5T_STD_I32LE, sp, lcpl,
                             H5P_DEFAULT, H5P_DEFAULT);
        if (d < 0 || (nl && H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, conn) < 0))
            r = -1;
        if (d >= 0) {
            r |= attr_ud(d, "1", "[link, 2]: from and to node rows (the XDMF polyline topology)");
            H5Dclose(d);
        }
        H5Pclose(lcpl);
        H5Sclose(sp);
    }

    static const char *const ctype_names[] = {"steam", "heat"};
    r |= write_strings(f, "/network/consumers/id", net->consumers.id, nc, "consumer id");
    r |= write_index(f, "/network/consumers/node", net->consumers.node, 1, nc,
                     "0-based row in /network/nodes of the supply (delivery) node");
    r |= write_index(f, "/network/consumers/return_node", net->consumers.return_node, 1, nc,
                     "0-based row in /network/nodes of the water return node, -1 when none");
    r |= write_strings(f, "/network/consumers/group", net->consumers.group, nc,
                       "consumer group (\"\" when none)");
    for (size_t c = 0; c < nc; c++) iv[c] = (int)net->consumers.type[c];
    r |= write_enum(f, "/network/consumers/type", ctype_names, 2, iv, nc,
                    "steam: process steam mass-flow demand; heat: heat demand");
    r |= write_doubles(f, "/network/consumers/demand_mass_flow", net->consumers.demand_mass_flow,
                       nc, "kg/s", "steam demand (steam consumers)");
    r |= write_doubles(f, "/network/consumers/demand_heat", net->consumers.demand_heat, nc, "W",
                       "heat demand (heat consumers)");
    r |= write_doubles(f, "/network/consumers/min_pressure", net->consumers.min_pressure, nc,
                       "Pa", "minimum absolute delivery pressure (0: none)");
    r |= write_doubles(f, "/network/consumers/min_temperature", net->consumers.min_temperature,
                       nc, "K", "minimum delivery temperature (0: none)");
    for (size_t c = 0; c < nc; c++) iv[c] = net->consumers.require_dry[c] ? 1 : 0;
    {
        int8_t *dry = malloc((nc ? nc : 1) * sizeof *dry);
        for (size_t c = 0; dry && c < nc; c++) dry[c] = (int8_t)iv[c];
        r |= dry ? write_1d(f, "/network/consumers/require_dry", H5T_STD_I8LE, H5T_NATIVE_INT8,
                            dry, nc, "1", "1 when the steam must arrive dry (quality 1)")
                 : -1;
        free(dry);
    }

    static const char *const stype_names[] = {"fixed_pressure", "fixed_flow"};
    r |= write_strings(f, "/network/sources/id", net->sources.id, ns, "source id");
    r |= write_index(f, "/network/sources/node", net->sources.node, 1, ns,
                     "0-based row in /network/nodes of the source's node");
    for (size_t s = 0; s < ns; s++) iv[s] = (int)net->sources.type[s];
    r |= write_enum(f, "/network/sources/type", stype_names, 2, iv, ns,
                    "fixed_pressure: p and T set, flow free; fixed_flow: flow and T set");
    free(iv), free(len), free(dia), free(conn);
    return r;
}

/* ---- /results: extendible datasets ------------------------------------------------------- */

static size_t n_of_table(const dh_out *o, out_table t)
{
    return t == T_SCALAR ? 1 : o->n_of[t];
}

static hid_t create_series(dh_out *o, const char *path, size_t n, int rank, hid_t type,
                           int fill_nan)
{
    hsize_t dims[2] = {0, n}, maxd[2] = {H5S_UNLIMITED, n};
    /* E: elements per chunk so that B x E x 8 ~ DH_OUT_CHUNK_BYTES; at least 1 */
    size_t e = DH_OUT_CHUNK_BYTES / (8 * o->B);
    if (e < 1) e = 1;
    if (e > n) e = n ? n : 1;
    hsize_t chunk[2] = {o->B, e};
    if (rank == 2 && n == 0) maxd[1] = 1; /* a chunk dimension may not exceed a fixed maximum */
    if (rank == 1) chunk[0] = o->B > 1 ? 256 : 1;
    hid_t sp = H5Screate_simple(rank, dims, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE), lcpl = lcpl_intermediate();
    H5Pset_chunk(dcpl, rank, chunk);
    if (rank == 2) {
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, DH_OUT_DEFLATE);
    }
    if (fill_nan) {
        double nan = NAN;
        H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan);
    }
    hid_t d = H5Dcreate2(o->file, path, type, sp, lcpl, dcpl, H5P_DEFAULT);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

static int create_results(dh_out *o)
{
    for (size_t i = 0; i < N_FIELDS; i++) o->dset[i] = H5I_INVALID_HID;
    for (size_t i = 0; i < N_SCAL; i++) o->sdset[i] = H5I_INVALID_HID;
    for (size_t i = 0; i < N_FIELDS; i++) {
        char path[128];
        snprintf(path, sizeof path, "/results/%s/%s", fields[i].group, fields[i].name);
        size_t n = n_of_table(o, fields[i].table);
        o->dset[i] = create_series(o, path, n, 2, H5T_IEEE_F64LE, 1);
        if (o->dset[i] < 0) return -1;
        char desc[256];
        snprintf(desc, sizeof desc, "[time, %s]: %s", fields[i].group, fields[i].description);
        if (attr_ud(o->dset[i], fields[i].units, desc)) return -1;
        o->buf[i] = malloc((n ? n : 1) * o->B * sizeof(double));
        if (!o->buf[i]) return -1;
    }
    for (size_t i = 0; i < N_SCAL; i++) {
        hid_t t = scalars[i].integer ? H5T_STD_I32LE : H5T_IEEE_F64LE;
        o->sdset[i] = create_series(o, scalars[i].path, 0, 1, t, !scalars[i].integer);
        if (o->sdset[i] < 0) return -1;
        char desc[256];
        snprintf(desc, sizeof desc, "[time]: %s", scalars[i].description);
        if (attr_ud(o->sdset[i], scalars[i].units, desc)) return -1;
    }
    hid_t g = H5Gopen2(o->file, "/results/sources", H5P_DEFAULT);
    if (g >= 0) {
        dh_h5_attr_str(g, "description",
                       "network sources (plant headers); the plant model's units are in "
                       "/results/plant");
        H5Gclose(g);
    }
    return 0;
}

/* Writes the buffered rows of dataset i (field i < N_FIELDS, else scalar i - N_FIELDS). */
static int flush_one(dh_out *o, size_t i)
{
    int scalar = i >= N_FIELDS;
    hid_t d = scalar ? o->sdset[i - N_FIELDS] : o->dset[i];
    size_t n = scalar ? 1 : n_of_table(o, fields[i].table);
    const double *src = scalar ? o->sbuf[i - N_FIELDS] : o->buf[i];
    hsize_t size[2] = {o->written + o->rows, n};
    if (H5Dset_extent(d, size) < 0) return -1;
    if (!n) return 0;
    hsize_t start[2] = {o->written, 0}, count[2] = {o->rows, n};
    int rank = scalar ? 1 : 2;
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    herr_t r = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    if (r >= 0) r = H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, src);
    H5Sclose(ms);
    H5Sclose(fs);
    return r < 0 ? -1 : 0;
}

static dh_status flush_all(dh_out *o, dh_error *err)
{
    if (!o->rows) return DH_OK;
    for (size_t i = 0; i < N_FIELDS + N_SCAL; i++)
        if (flush_one(o, i))
            return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write time steps %zu-%zu",
                                o->tmp_path, o->written, o->written + o->rows - 1);
    o->written += o->rows;
    o->rows = 0;
    return DH_OK;
}

/* ---- public ------------------------------------------------------------------------------ */

static void iso8601_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void out_free(dh_out *o)
{
    if (!o) return;
    dh_h5_plant_close(&o->plant);
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (o->dset[i] > 0) H5Dclose(o->dset[i]);
        free(o->buf[i]);
    }
    for (size_t i = 0; i < N_SCAL; i++)
        if (o->sdset[i] > 0) H5Dclose(o->sdset[i]);
    if (o->file > 0) H5Fclose(o->file);
    free(o->path);
    free(o->tmp_path);
    free(o);
}

dh_status dh_out_create(const char *path, const dh_network *net, const dh_out_meta *meta,
                        dh_out **out, dh_error *err)
{
    *out = NULL;
    dh_h5_quiet();
    dh_out *o = calloc(1, sizeof *o);
    if (!o) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    o->net = net;
    o->n_of[T_NODES] = net->nodes.n;
    o->n_of[T_LINKS] = net->links.n;
    o->n_of[T_CONSUMERS] = net->consumers.n;
    o->n_of[T_SOURCES] = net->sources.n;
    size_t tmp_len = strlen(path) + 32;
    o->path = strdup(path);
    o->tmp_path = malloc(tmp_len);
    if (!o->path || !o->tmp_path) {
        out_free(o);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    snprintf(o->tmp_path, tmp_len, "%s.tmp-%ld", path, (long)getpid());

    /* B: chunk rows in time (see the file banner) */
    size_t row_bytes = 8;
    for (size_t i = 0; i < N_FIELDS; i++) row_bytes += 8 * n_of_table(o, fields[i].table);
    size_t b = DH_OUT_BUFFER_BYTES / row_bytes;
    b = b < 1 ? 1 : pow2_floor(b);
    if (b > DH_OUT_MAX_B) b = DH_OUT_MAX_B;
    size_t expected = meta ? meta->expected_steps : 0;
    if (expected == 1) b = 1;
    else if (expected > 1 && expected < b) b = pow2_floor(expected);
    o->B = b;

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* 1.10 file format: extensible-array chunk index for the [time, x] datasets (fast append
     * and lookup); readable by HDF5 >= 1.10 (h5py, ParaView 5.11, MATLAB R2019b+). */
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110);
    o->file = H5Fcreate(o->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (o->file < 0) {
        dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot create file", o->tmp_path);
        o->file = H5I_INVALID_HID;
        out_free(o);
        return DH_ERR_IO;
    }

    char created[32];
    iso8601_now(created, sizeof created);
    hid_t root = H5Gopen2(o->file, "/", H5P_DEFAULT);
    int r = dh_h5_attr_str(root, "format", "dhsim-results");
    r |= dh_h5_attr_num(root, "format_version", H5T_STD_I32LE, 1);
    r |= dh_h5_attr_str(root, "program", "dhsim");
    r |= dh_h5_attr_str(root, "program_version", meta ? meta->program_version : NULL);
    r |= dh_h5_attr_str(root, "case_file", meta ? meta->case_path : NULL);
    r |= dh_h5_attr_str(root, "case_sha256", meta ? meta->case_sha256 : NULL);
    r |= dh_h5_attr_str(root, "case_name", meta && meta->case_name ? meta->case_name : net->name);
    r |= dh_h5_attr_str(root, "study", meta ? meta->study : NULL);
    r |= dh_h5_attr_str(root, "created", created);
    r |= dh_h5_attr_str(root, "units", "SI: Pa (absolute), K, J/kg, kg/s, m/s, W, m, s");
    H5Gclose(root);
    if (r || write_network(o) || create_results(o)) {
        dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write the network tables",
                     o->tmp_path);
        dh_out_abort(&o);
        return DH_ERR_IO;
    }
    *out = o;
    return DH_OK;
}

dh_status dh_out_append(dh_out *o, const dh_snapshot *s, const dh_solve_stats *stats,
                        dh_error *err)
{
    if (s->n_nodes != o->n_of[T_NODES] || s->n_links != o->n_of[T_LINKS] ||
        s->n_consumers != o->n_of[T_CONSUMERS] || s->n_sources != o->n_of[T_SOURCES])
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                            "snapshot sizes (%zu nodes, %zu links) do not match the network",
                            s->n_nodes, s->n_links);
    dh_h5_quiet();
    size_t row = o->rows;
    for (size_t i = 0; i < N_FIELDS; i++) {
        size_t n = n_of_table(o, fields[i].table);
        const double *src = *(double *const *)((const char *)s + fields[i].snap_offset);
        double *dst = o->buf[i] + row * n;
        if (fields[i].only_type == -1) {
            memcpy(dst, src, n * sizeof *dst);
        } else {
            for (size_t c = 0; c < n; c++) {
                int t = (int)o->net->consumers.type[c];
                bool keep = fields[i].only_type == ONLY_MASS ? t != DH_CONSUMER_HEAT
                                                             : t == fields[i].only_type;
                dst[c] = keep ? src[c] : NAN;
            }
        }
    }
    o->sbuf[S_TIME][row] = s->time;
    o->sbuf[S_CONVERGED][row] = stats ? (stats->converged ? 1 : 0) : -1;
    o->sbuf[S_ITERATIONS][row] = stats ? stats->iterations : -1;
    o->sbuf[S_RESIDUAL][row] = stats ? stats->residual_norm : NAN;
    o->sbuf[S_MASS_REL][row] = stats ? stats->mass_balance_rel : NAN;
    o->sbuf[S_ENERGY_REL][row] = stats ? stats->energy_balance_rel : NAN;
    o->sbuf[S_SECONDS][row] = stats ? stats->seconds : NAN;
    o->rows++;
    o->appended++;
    if (stats) {
        /* aggregate for /results/summary: worst over the steps, total iterations and time */
        dh_solve_stats *a = &o->agg;
        if (!o->any_stats) {
            *a = *stats;
            a->converged = true;
            a->iterations = 0;
            a->linear_solves = 0;
            a->seconds = 0;
        }
        a->converged = a->converged && stats->converged;
        a->iterations += stats->iterations;
        a->linear_solves += stats->linear_solves;
        a->seconds += stats->seconds;
        if (stats->residual_norm > a->residual_norm) a->residual_norm = stats->residual_norm;
        if (stats->mass_imbalance > a->mass_imbalance) a->mass_imbalance = stats->mass_imbalance;
        if (stats->mass_balance_rel > a->mass_balance_rel)
            a->mass_balance_rel = stats->mass_balance_rel;
        if (stats->energy_balance_rel > a->energy_balance_rel)
            a->energy_balance_rel = stats->energy_balance_rel;
        o->any_stats = true;
    }
    if (o->fail_after && --o->fail_after == 0) {
        /* test hook: half of the datasets get this block, then the "disk" fails */
        for (size_t i = 0; i < N_FIELDS / 2; i++) flush_one(o, i);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: forced write failure (test hook)",
                            o->tmp_path);
    }
    if (o->rows == o->B) return flush_all(o, err);
    return DH_OK;
}

dh_status dh_out_append_plant(dh_out *o, const dh_out_plant *p, dh_error *err)
{
    if (!o->appended)
        return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                            "dh_out_append_plant before the time step's dh_out_append");
    dh_h5_quiet();
    if (!o->plant) {
        dh_status st = dh_h5_plant_create(o->file, p, o->n_of[T_CONSUMERS], o->B, &o->plant, err);
        if (st) return st;
    }
    return dh_h5_plant_write(o->plant, o->appended - 1, p, err);
}

dh_status dh_out_set_summary(dh_out *o, const dh_solve_stats *stats, dh_error *err)
{
    (void)err;
    o->summary = *stats;
    o->have_summary = true;
    return DH_OK;
}

size_t dh_out_steps(const dh_out *o)
{
    return o ? o->appended : 0;
}

void dh_out_test_fail_after(dh_out *o, size_t n_append)
{
    o->fail_after = n_append;
}

static int write_summary(dh_out *o)
{
    const dh_solve_stats *s = o->have_summary ? &o->summary : o->any_stats ? &o->agg : NULL;
    hid_t lcpl = lcpl_intermediate();
    hid_t g = H5Gcreate2(o->file, "/results/summary", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return -1;
    int r = dh_h5_attr_str(g, "description",
                           "solver statistics of the run (a series: worst step; iterations and "
                           "seconds summed)");
    r |= dh_h5_attr_num(g, "steps", H5T_STD_I64LE, (double)o->appended);
    if (s) {
        r |= dh_h5_attr_num(g, "converged", H5T_STD_I32LE, s->converged ? 1 : 0);
        r |= dh_h5_attr_num(g, "iterations", H5T_STD_I32LE, s->iterations);
        r |= dh_h5_attr_num(g, "linear_solves", H5T_STD_I32LE, s->linear_solves);
        r |= dh_h5_attr_num(g, "residual_norm", H5T_IEEE_F64LE, s->residual_norm);
        r |= dh_h5_attr_num(g, "mass_imbalance", H5T_IEEE_F64LE, s->mass_imbalance);
        r |= dh_h5_attr_num(g, "mass_balance", H5T_IEEE_F64LE, s->mass_balance_rel);
        r |= dh_h5_attr_num(g, "energy_balance", H5T_IEEE_F64LE, s->energy_balance_rel);
        r |= dh_h5_attr_num(g, "seconds", H5T_IEEE_F64LE, s->seconds);
        r |= dh_h5_attr_str(g, "worst_component", s->worst_component);
        r |= dh_h5_attr_str(g, "worst_equation", s->worst_equation);
        r |= dh_h5_attr_num(g, "worst_residual", H5T_IEEE_F64LE, s->worst_residual);
    }
    H5Gclose(g);
    return r;
}

/* fsync(2) a closed file so the rename never exposes unwritten blocks after a power loss. */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

hid_t dh_out_hid(const dh_out *o)
{
    return o->file;
}

dh_status dh_out_close(dh_out **po, dh_error *err)
{
    if (!po || !*po) return DH_OK;
    dh_out *o = *po;
    dh_h5_quiet();
    dh_status st = flush_all(o, err);
    if (!st) st = dh_h5_plant_flush(o->plant, err);
    if (!st && write_summary(o))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot write /results/summary",
                          o->tmp_path);
    for (size_t i = 0; i < N_FIELDS; i++)
        if (o->dset[i] > 0) H5Dclose(o->dset[i]), o->dset[i] = H5I_INVALID_HID;
    for (size_t i = 0; i < N_SCAL; i++)
        if (o->sdset[i] > 0) H5Dclose(o->sdset[i]), o->sdset[i] = H5I_INVALID_HID;
    dh_h5_plant_close(&o->plant);
    if (!st && H5Fclose(o->file) < 0)
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot close file", o->tmp_path);
    o->file = H5I_INVALID_HID;
    if (!st && fsync_path(o->tmp_path))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: fsync: %s", o->tmp_path,
                          strerror(errno));

    char xmf[4096], xmf_tmp[4200];
    dh_out_xmf_path(o->path, xmf, sizeof xmf);
    snprintf(xmf_tmp, sizeof xmf_tmp, "%s.tmp-%ld", xmf, (long)getpid());
    if (!st) st = dh_xdmf_write_ref(o->tmp_path, o->path, xmf_tmp, err);
    /* the .h5 first: the new .xmf must never point at an older .h5 of other sizes */
    if (!st && rename(o->tmp_path, o->path))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot rename %s to %s: %s", o->tmp_path,
                          o->path, strerror(errno));
    if (!st && rename(xmf_tmp, xmf))
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "cannot rename %s to %s: %s", xmf_tmp, xmf,
                          strerror(errno));
    if (st) {
        unlink(o->tmp_path);
        unlink(xmf_tmp);
    }
    out_free(o);
    *po = NULL;
    return st;
}

void dh_out_abort(dh_out **po)
{
    if (!po || !*po) return;
    dh_out *o = *po;
    dh_h5_quiet();
    for (size_t i = 0; i < N_FIELDS; i++)
        if (o->dset[i] > 0) H5Dclose(o->dset[i]), o->dset[i] = H5I_INVALID_HID;
    for (size_t i = 0; i < N_SCAL; i++)
        if (o->sdset[i] > 0) H5Dclose(o->sdset[i]), o->sdset[i] = H5I_INVALID_HID;
    dh_h5_plant_close(&o->plant);
    if (o->file > 0) H5Fclose(o->file);
    o->file = H5I_INVALID_HID;
    unlink(o->tmp_path);
    out_free(o);
    *po = NULL;
}

void dh_out_xmf_path(const char *h5_path, char *buf, size_t size)
{
    size_t n = strlen(h5_path);
    const char *ext = strrchr(h5_path, '.');
    const char *slash = strrchr(h5_path, '/');
    if (ext && (!slash || ext > slash) && (!strcmp(ext, ".h5") || !strcmp(ext, ".hdf5") ||
                                           !strcmp(ext, ".hdf")))
        n = (size_t)(ext - h5_path);
    snprintf(buf, size, "%.*s.xmf", (int)n, h5_path);
}
