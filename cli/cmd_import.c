/* cmd_import.c: `dhsim import epanet NET.inp [-o CASE.yaml] [--no-water-consumers] [--darcy-only]
 * [--hw-as-darcy]`.
 *
 * Converts an EPANET input file into a case file (network/epanet_import.c, docs/epanet.md).
 * Exit 0: the case is written (to a temporary file renamed into place, so a failed import
 * never leaves half a case), every item not imported or approximated is listed on stderr as
 * `net.inp:LINE: note: ...`, and a summary line follows. Exit 2: usage, or INP errors as
 * `net.inp:LINE:COL: error: ...` (all of them, up to 100), nothing written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dh_cli.h"
#include "dh_epanet.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dhsim import epanet NET.inp [-o CASE.yaml] [--no-water-consumers] "
            "[--darcy-only] [--hw-as-darcy]\n"
            "  converts an EPANET 2.2 input file into a dhsim case (steady, base demands,\n"
            "  water at 20 degC, EPANET's friction law: Hazen-Williams with each pipe's C,\n"
            "  or Darcy-Weisbach with Swamee-Jain); without -o the case goes to stdout.\n"
            "  Everything not imported is listed on stderr and at the top of the case.\n"
            "  --no-water-consumers  leave positive junction demands out (written as\n"
            "                     comments; by default they are `type: water` consumers)\n"
            "  --darcy-only       refuse Hazen-Williams / Chezy-Manning networks instead of\n"
            "                     importing them\n"
            "  --hw-as-darcy      convert Hazen-Williams C to the Darcy-Weisbach roughness of\n"
            "                     equal head loss at 1 m/s (Swamee-Jain) instead of keeping\n"
            "                     friction: hazen_williams\n");
}

int dh_cmd_import(int argc, char **argv)
{
    const char *inp = NULL, *out = NULL;
    dh_epanet_options opt;
    dh_epanet_options_init(&opt);
    if (argc < 2 || strcmp(argv[1], "epanet") != 0) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            usage(stdout);
            return DH_EXIT_OK;
        }
        if (argc >= 2) fprintf(stderr, "dhsim import: error: unknown format '%s' (dhsim imports "
                                       "'epanet')\n", argv[1]);
        usage(stderr);
        return DH_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "dhsim import: error: %s needs a file name\n", a);
                return DH_EXIT_USAGE;
            }
            out = argv[++i];
        } else if (!strcmp(a, "--water-consumers")) {
            opt.water_consumers = true; /* the default since the case format has them */
        } else if (!strcmp(a, "--no-water-consumers")) {
            opt.water_consumers = false;
        } else if (!strcmp(a, "--darcy-only")) {
            opt.refuse_non_darcy = true;
        } else if (!strcmp(a, "--hw-as-darcy")) {
            opt.hw_as_darcy = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return DH_EXIT_OK;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "dhsim import: error: unknown option '%s'\n", a);
            usage(stderr);
            return DH_EXIT_USAGE;
        } else if (!inp) {
            inp = a;
        } else {
            fprintf(stderr, "dhsim import: error: more than one input file ('%s', '%s')\n", inp,
                    a);
            return DH_EXIT_USAGE;
        }
    }
    if (!inp) {
        usage(stderr);
        return DH_EXIT_USAGE;
    }

    /* the case goes to a temporary file next to its destination, renamed when complete */
    char *tmp = NULL;
    FILE *f = stdout;
    if (out && strcmp(out, "-") != 0) {
        size_t n = strlen(out) + 32;
        tmp = malloc(n);
        if (!tmp) {
            fprintf(stderr, "dhsim import: error: out of memory\n");
            return DH_EXIT_FAILED;
        }
        snprintf(tmp, n, "%s.tmp-%ld", out, (long)getpid());
        f = fopen(tmp, "w");
        if (!f) {
            fprintf(stderr, "%s: error: cannot write the case: %s\n", out, strerror(errno));
            free(tmp);
            return DH_EXIT_USAGE;
        }
    }
    dh_diag diag;
    dh_diag_init(&diag, DH_DIAG_DEFAULT_CAP);
    dh_epanet_report rep;
    dh_status st = dh_epanet_import(inp, &opt, f, &diag, &rep);
    int rc = DH_EXIT_OK;
    if (tmp) {
        if (fclose(f) != 0 && st == DH_OK) st = DH_ERR_IO;
        if (st == DH_OK && rename(tmp, out) != 0) {
            fprintf(stderr, "%s: error: cannot write the case: %s\n", out, strerror(errno));
            rc = DH_EXIT_USAGE;
        }
        if (st != DH_OK || rc != DH_EXIT_OK) remove(tmp);
    }
    if (st != DH_OK) {
        dh_diag_sort(&diag);
        dh_diag_print(&diag, stderr);
        if (!diag.count) fprintf(stderr, "%s: error: %s\n", inp, dh_status_text(st));
        rc = st == DH_ERR_NOMEM ? DH_EXIT_FAILED : DH_EXIT_USAGE;
    } else if (rc == DH_EXIT_OK) {
        for (size_t i = 0; i < rep.n_notes; i++) {
            if (rep.notes[i].line)
                fprintf(stderr, "%s:%d: note: %s\n", inp, rep.notes[i].line, rep.notes[i].text);
            else
                fprintf(stderr, "%s: note: %s\n", inp, rep.notes[i].text);
        }
        fprintf(stderr,
                "dhsim import: %s (UNITS %s, HEADLOSS %s): %zu junctions, %zu reservoirs, %zu "
                "tanks, %zu pipes, %zu pumps, %zu valves -> %zu nodes, %zu pipes, %zu pumps, "
                "%zu valves, %zu sources, %zu demands (%.6g L/s); %zu items not imported, %zu "
                "notes%s%s\n",
                inp, rep.flow_units, rep.headloss, rep.n_junctions, rep.n_reservoirs,
                rep.n_tanks, rep.n_pipes, rep.n_pumps, rep.n_valves, rep.n_nodes_out,
                rep.n_pipes_out, rep.n_pumps_out, rep.n_valves_out, rep.n_sources_out,
                rep.n_demands, rep.total_demand * 1e3, rep.n_not_imported, rep.n_notes,
                out ? "; wrote " : "", out ? out : "");
    }
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
    free(tmp);
    return rc;
}
