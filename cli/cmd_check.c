/* cmd_check.c: `dhsim check CASE.yaml [--set KEY=VALUE]...`: reads and validates a case.
 *
 * Exit 0 with a one-screen description of the network on stdout (counts, pipe length per
 * medium, sizes, sources with their set points, consumers by group with their demand) and any
 * validation warnings on stderr; exit 2 with every problem on stderr as
 * `file:line:column: error: message`, sorted by position. Calls dh_case_read (network/) and
 * dh_network_validate_warn; prints, nothing else.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_cli.h"
#include "dh_strutil.h"
#include "dh_validate.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: dhsim check CASE.yaml [--set KEY=VALUE]...\n"
                 "  reads the case, checks it and describes the network; exit 0 when it is\n"
                 "  sound, 2 with every problem found (file:line:column: error: message)\n"
                 "  --set KEY=VALUE  override a value by its dotted path, e.g.\n"
                 "                   --set ambient.air=-10degC --set consumers.SKF.demand=40t/h\n");
}

static double degc(double kelvin) { return kelvin - 273.15; }

/* "3.450 km" or "820 m" */
static const char *len_text(char *buf, size_t size, double m)
{
    if (m >= 1000.0)
        snprintf(buf, size, "%.3f km", m / 1000.0);
    else
        snprintf(buf, size, "%.0f m", m);
    return buf;
}

static void describe_pipes(const dh_network *net)
{
    const dh_pipes *P = &net->pipes;
    double len[3] = {0, 0, 0}, dmin = INFINITY, dmax = 0, lmin = INFINITY, lmax = 0;
    for (size_t i = 0; i < P->n; i++) {
        size_t l = P->link[i];
        dh_medium m = net->nodes.medium[net->links.from[l]];
        len[m <= DH_MEDIUM_WATER ? m : 0] += P->length[i];
        if (P->diameter[i] < dmin) dmin = P->diameter[i];
        if (P->diameter[i] > dmax) dmax = P->diameter[i];
        if (P->length[i] < lmin) lmin = P->length[i];
        if (P->length[i] > lmax) lmax = P->length[i];
    }
    char a[32], b[32], c[32];
    printf("  pipes       %6zu   steam %s, water %s", P->n, len_text(a, sizeof a, len[DH_MEDIUM_STEAM]),
           len_text(b, sizeof b, len[DH_MEDIUM_WATER]));
    if (len[DH_MEDIUM_UNKNOWN] > 0) printf(", no medium %s", len_text(c, sizeof c, len[0]));
    printf("\n");
    if (P->n)
        printf("                       bore %.1f .. %.1f mm, lengths %s .. %s\n", dmin * 1e3,
               dmax * 1e3, len_text(a, sizeof a, lmin), len_text(b, sizeof b, lmax));
}

static void describe_sources(const dh_network *net)
{
    const dh_sources *S = &net->sources;
    const double patm = net->ambient.atmospheric_pressure;
    if (!S->n) return;
    printf("\n  sources\n");
    for (size_t i = 0; i < S->n && i < 10; i++) {
        printf("    %-12s at %-10s %-5s ", S->id[i], net->nodes.id[S->node[i]],
               dh_medium_name(S->medium[i]));
        if (S->type[i] == DH_SOURCE_FIXED_PRESSURE)
            printf("pressure %.3f MPa(a) = %.3f MPa(g), %.1f degC\n", S->pressure[i] / 1e6,
                   (S->pressure[i] - patm) / 1e6, degc(S->temperature[i]));
        else
            printf("flow %.2f t/h, %.1f degC\n", S->mass_flow[i] * 3.6, degc(S->temperature[i]));
    }
    if (S->n > 10) printf("    ... and %zu more\n", S->n - 10);
}

static void describe_substations(const dh_network *net)
{
    const dh_substations *X = &net->substations;
    if (!X->n) return;
    printf("\n  substations (steam -> water)\n");
    for (size_t i = 0; i < X->n && i < 10; i++) {
        printf("    %-12s %s -> %s/%s, supply %.1f degC, condensate %.1f degC", X->id[i],
               net->nodes.id[X->steam_node[i]], net->nodes.id[X->water_in[i]],
               net->nodes.id[X->water_out[i]], degc(X->supply_temperature[i]),
               degc(X->condensate_temperature[i]));
        if (X->max_heat[i] > 0) printf(", at most %.2f MW", X->max_heat[i] / 1e6);
        printf("\n");
    }
    if (X->n > 10) printf("    ... and %zu more\n", X->n - 10);
}

static void describe_consumers(const dh_network *net)
{
    const dh_consumers *C = &net->consumers;
    if (!C->n) return;
    size_t *count = calloc(C->n, sizeof *count);
    double *steam = calloc(C->n, sizeof *steam), *heat = calloc(C->n, sizeof *heat);
    size_t *first = calloc(C->n, sizeof *first); /* a consumer of each group, for its name */
    dh_idmap groups;
    if (!count || !steam || !heat || !first || dh_idmap_init(&groups, C->n)) {
        free(count), free(steam), free(heat), free(first);
        return;
    }
    size_t ng = 0;
    double tot_steam = 0, tot_heat = 0;
    for (size_t i = 0; i < C->n; i++) {
        size_t g;
        int r = dh_idmap_put(&groups, C->group[i], ng, &g);
        if (r < 0) break;
        if (r == 0) first[g = ng++] = i;
        count[g]++;
        steam[g] += C->demand_mass_flow[i];
        heat[g] += C->demand_heat[i];
        tot_steam += C->demand_mass_flow[i];
        tot_heat += C->demand_heat[i];
    }
    printf("\n  consumers by group        count   steam demand    heat demand\n");
    for (size_t g = 0; g < ng && g < 12; g++) {
        const char *name = C->group[first[g]][0] ? C->group[first[g]] : "(no group)";
        printf("    %-22s %6zu   %9.2f t/h   %9.3f MW\n", name, count[g], steam[g] * 3.6,
               heat[g] / 1e6);
    }
    if (ng > 12) printf("    ... and %zu more groups\n", ng - 12);
    printf("    %-22s %6zu   %9.2f t/h   %9.3f MW\n", "total", C->n, tot_steam * 3.6,
           tot_heat / 1e6);
    dh_idmap_free(&groups);
    free(count), free(steam), free(heat), free(first);
}

static void describe(const dh_case *c)
{
    const dh_network *net = c->net;
    const dh_ambient *a = &net->ambient;
    static const char *const study[] = {"steady", "series", "transient"};
    static const char *const friction[] = {"Colebrook-White", "Swamee-Jain", "Hazen-Williams"};
    printf("%s  (%s, sha256 %.16s...)\n", c->name ? c->name : "", c->path, c->sha256);
    printf("  ambient: air %.1f degC, soil %.1f degC, atmosphere %.3f kPa, wind %.1f m/s\n",
           degc(a->air_temperature), degc(a->soil_temperature), a->atmospheric_pressure / 1e3,
           a->wind_speed);
    printf("  study:   %s, %s friction, tolerance %g, at most %d iterations\n",
           study[c->study.type <= DH_STUDY_TRANSIENT ? c->study.type : 0],
           friction[c->study.friction <= DH_FRICTION_HAZEN_WILLIAMS ? c->study.friction : 0],
           c->study.tolerance, c->study.max_iterations);
    size_t media[3] = {0, 0, 0};
    for (size_t i = 0; i < net->nodes.n; i++)
        media[net->nodes.medium[i] <= DH_MEDIUM_WATER ? net->nodes.medium[i] : 0]++;
    printf("\n  nodes       %6zu   steam %zu, water %zu", net->nodes.n, media[DH_MEDIUM_STEAM],
           media[DH_MEDIUM_WATER]);
    if (media[DH_MEDIUM_UNKNOWN]) printf(", no medium %zu", media[DH_MEDIUM_UNKNOWN]);
    printf("\n");
    describe_pipes(net);
    printf("  valves      %6zu\n  pumps       %6zu\n  sources     %6zu\n  consumers   %6zu\n"
           "  substations %6zu\n",
           net->valves.n, net->pumps.n, net->sources.n, net->consumers.n, net->substations.n);
    describe_sources(net);
    describe_consumers(net);
    describe_substations(net);
}

int dh_cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    const char **sets = calloc((size_t)(argc > 0 ? argc : 1), sizeof *sets);
    size_t n_sets = 0;
    int rc = DH_EXIT_USAGE;
    if (!sets) {
        fprintf(stderr, "dhsim check: error: out of memory\n");
        return DH_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(sets);
            return DH_EXIT_OK;
        } else if (!strcmp(a, "--set")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "dhsim check: error: --set needs KEY=VALUE\n");
                usage(stderr);
                goto out;
            }
            sets[n_sets++] = argv[++i];
        } else if (!strncmp(a, "--set=", 6)) {
            sets[n_sets++] = a + 6;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "dhsim check: error: unknown option '%s'\n", a);
            usage(stderr);
            goto out;
        } else if (path) {
            fprintf(stderr, "dhsim check: error: one case file at a time ('%s' and '%s')\n", path, a);
            usage(stderr);
            goto out;
        } else {
            path = a;
        }
    }
    if (!path) {
        fprintf(stderr, "dhsim check: error: no case file given\n");
        usage(stderr);
        goto out;
    }

    dh_diag diag, warnings;
    dh_diag_init(&diag, DH_DIAG_DEFAULT_CAP);
    dh_diag_init(&warnings, DH_DIAG_DEFAULT_CAP);
    dh_case *c = NULL;
    dh_status st = dh_case_read(path, sets, n_sets, &c, &diag);
    if (st == DH_OK) st = dh_network_validate_warn(c->net, &diag, &warnings);
    if (st != DH_OK || diag.count + diag.dropped > 0) {
        dh_diag_sort(&diag);
        dh_diag_print(&diag, stderr);
        if (diag.count + diag.dropped == 0)
            fprintf(stderr, "%s: error: %s\n", path, dh_status_text(st));
        size_t n = diag.count + diag.dropped;
        fprintf(stderr, "dhsim check: %zu error%s in %s\n", n, n == 1 ? "" : "s", path);
        rc = DH_EXIT_USAGE;
    } else {
        describe(c);
        dh_diag_sort(&warnings);
        dh_validate_print_warnings(&warnings, stderr);
        size_t nw = warnings.count + warnings.dropped;
        if (nw)
            printf("\nok: no errors, %zu warning%s (on stderr)\n", nw, nw == 1 ? "" : "s");
        else
            printf("\nok: no problems found\n");
        rc = DH_EXIT_OK;
    }
    dh_case_destroy(&c);
    dh_diag_free(&diag);
    dh_diag_free(&warnings);
out:
    free(sets);
    return rc;
}
