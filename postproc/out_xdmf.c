/* out_xdmf.c: the XDMF 3 sidecar (OUT.xmf) that lets ParaView open a results file.
 *
 * Exports dh_out_write_xdmf (public) and dh_xdmf_write_ref (out_internal.h); called by
 * dh_out_close and `dhsim report --xmf`. Reads only the sizes, dataset names and times from the
 * closed HDF5 file; all heavy data stay in the .h5 (Format="HDF" DataItems).
 *
 * Mesh: points = nodes (/network/nodes/xyz), cells = links as 2-point polylines
 * (/network/links/connectivity). Node results are point attributes, link results cell
 * attributes; the network tables' link length and diameter are static cell attributes. Time
 * series: a Temporal Collection with one Uniform grid per step whose attributes are HyperSlab
 * DataItems (start [t, 0], stride [1, 1], count [1, n]) into the [time, element] datasets. The
 * geometry and topology are written once and referenced from every grid with xi:include, so the
 * sidecar grows by about 2.5 kB per step (8760 steps: ~22 MB).
 * Format: https://www.xdmf.org/index.php/XDMF_Model_and_Format, XDMF 3 as read by ParaView's
 * "Xdmf3 Reader S" / "Xdmf3 Reader T" (5.11). The legacy "XDMF Reader" (Xdmf2) reads the mesh
 * and static fields but not the row selections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_output.h"
#include "out_internal.h"

/* XML-escape the few characters that can occur in a file name. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

typedef struct name_list {
    char **name;
    size_t n;
} name_list;

/* Names of the 2-D datasets in `group` whose second dimension is `n`, in name order. */
static name_list list_fields(hid_t file, const char *group, size_t n)
{
    name_list l = {NULL, 0};
    if (H5Lexists(file, group, H5P_DEFAULT) <= 0) return l;
    hid_t g = H5Gopen2(file, group, H5P_DEFAULT);
    H5G_info_t info;
    if (g < 0 || H5Gget_info(g, &info) < 0) {
        if (g >= 0) H5Gclose(g);
        return l;
    }
    l.name = calloc(info.nlinks ? info.nlinks : 1, sizeof *l.name);
    for (hsize_t i = 0; l.name && i < info.nlinks; i++) {
        char nm[256], path[512];
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nm, sizeof nm,
                               H5P_DEFAULT) < 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", group, nm);
        size_t dims[2];
        if (dh_h5_dims(file, path, dims) == 2 && dims[1] == n) l.name[l.n++] = strdup(nm);
    }
    H5Gclose(g);
    return l;
}

static void free_list(name_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->name[i]);
    free(l->name);
}

static void put_hdf_item(FILE *f, const char *base, const char *path, const char *dims,
                         const char *type, int precision)
{
    fprintf(f, "<DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">",
            dims, type, precision);
    put_escaped(f, base);
    fprintf(f, ":%s</DataItem>", path);
}

/* One row of a [time, n] dataset in Xdmf3's own subset notation,
 * "file:/path|start:stride:count:dataspace" (XdmfCoreItemFactory::generateHeavyDataControllers).
 * The XDMF 2 form (ItemType="HyperSlab") is a deferred reference in Xdmf3 whose type VTK's
 * Xdmf3 reader cannot see ("Skipping unrecognized array type"), so it is not used. */
static void put_slab(FILE *f, const char *base, const char *name, const char *center,
                     const char *group, size_t step, size_t n_steps, size_t n)
{
    fprintf(f,
            "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"%s\">"
            "<DataItem Dimensions=\"%zu\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">",
            name, center, n);
    put_escaped(f, base);
    fprintf(f, ":/results/%s/%s|%zu 0:1 1:1 %zu:%zu %zu</DataItem></Attribute>\n", group, name,
            step, n, n_steps, n);
}

dh_status dh_xdmf_write_ref(const char *h5_read, const char *h5_ref, const char *xmf_path,
                            dh_error *err)
{
    dh_h5_quiet();
    hid_t file = H5Fopen(h5_read, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open", h5_read);
    size_t nd[2], ld[2];
    if (dh_h5_dims(file, "/network/nodes/x", nd) != 1 ||
        dh_h5_dims(file, "/network/links/connectivity", ld) != 2) {
        H5Fclose(file);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "%s: not a dhsim results file (no /network/nodes/x or "
                            "/network/links/connectivity)",
                            h5_read);
    }
    size_t nn = nd[0], nl = ld[0], nt = 0;
    double *times = dh_h5_read_doubles(file, "/results/time", &nt);
    name_list nf = list_fields(file, "/results/nodes", nn);
    name_list lf = list_fields(file, "/results/links", nl);
    H5Fclose(file);

    const char *base = strrchr(h5_ref, '/');
    base = base ? base + 1 : h5_ref;
    FILE *f = fopen(xmf_path, "w");
    if (!f) {
        free(times), free_list(&nf), free_list(&lf);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot create", xmf_path);
    }
    char dn3[48], dl[32], dl2[48];
    snprintf(dn3, sizeof dn3, "%zu 3", nn);
    snprintf(dl, sizeof dl, "%zu", nl);
    snprintf(dl2, sizeof dl2, "%zu 2", nl);

    fputs("<?xml version=\"1.0\" ?>\n"
          "<!-- dhsim results: the network as polylines, node fields as point data, link fields "
          "as cell data; heavy data in the .h5 beside this file (docs/results.md) -->\n"
          "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n<Domain>\n",
          f);
    /* grid 1 holds the mesh; the others include its Topology and Geometry */
    size_t n_grids = nt ? nt : 1;
    fputs("<Grid Name=\"network\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", f);
    for (size_t t = 0; t < n_grids; t++) {
        fprintf(f, "  <Grid Name=\"step %zu\" GridType=\"Uniform\">\n", t);
        if (nt) fprintf(f, "    <Time Value=\"%.17g\"/>\n", times[t]);
        if (t == 0) {
            fprintf(f,
                    "    <Topology TopologyType=\"Polyline\" NodesPerElement=\"2\" "
                    "NumberOfElements=\"%zu\">",
                    nl);
            put_hdf_item(f, base, "/network/links/connectivity", dl2, "Int", 4);
            fputs("</Topology>\n    <Geometry GeometryType=\"XYZ\">", f);
            put_hdf_item(f, base, "/network/nodes/xyz", dn3, "Float", 8);
            fputs("</Geometry>\n", f);
        } else {
            fputs("    <xi:include xpointer=\"xpointer(//Xdmf/Domain/Grid/Grid[1]/Topology)\"/>\n"
                  "    <xi:include xpointer=\"xpointer(//Xdmf/Domain/Grid/Grid[1]/Geometry)\"/>\n",
                  f);
        }
        static const char *const statics[] = {"length", "diameter"};
        for (size_t s = 0; s < 2; s++) {
            char path[64];
            snprintf(path, sizeof path, "/network/links/%s", statics[s]);
            fprintf(f, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">",
                    statics[s]);
            put_hdf_item(f, base, path, dl, "Float", 8);
            fputs("</Attribute>\n", f);
        }
        for (size_t i = 0; nt && i < nf.n; i++)
            put_slab(f, base, nf.name[i], "Node", "nodes", t, nt, nn);
        for (size_t i = 0; nt && i < lf.n; i++)
            put_slab(f, base, lf.name[i], "Cell", "links", t, nt, nl);
        fputs("  </Grid>\n", f);
    }
    fputs("</Grid>\n</Domain>\n</Xdmf>\n", f);
    free(times), free_list(&nf), free_list(&lf);
    int bad = ferror(f);
    bad |= fclose(f);
    if (bad) {
        remove(xmf_path);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: write error", xmf_path);
    }
    return DH_OK;
}

dh_status dh_out_write_xdmf(const char *h5_path, const char *xmf_path, dh_error *err)
{
    return dh_xdmf_write_ref(h5_path, h5_path, xmf_path, err);
}
