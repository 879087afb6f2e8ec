/* dh_epanet.h: EPANET input files (.inp) -> dhsim case files (public).
 *
 * Implemented in network/epanet_import.c; called by `dhsim import epanet` (cli/cmd_import.c)
 * and by the tests in tests/epanet/. docs/epanet.md maps every INP section and field to the
 * case format and lists what is not imported.
 *
 * The importer writes the steady case of the network at its base demands: junctions, reservoirs
 * and tanks (fixed head at their initial level) become nodes and water sources at 20 degC,
 * pipes keep their Darcy-Weisbach roughness (Hazen-Williams networks keep each pipe's C and
 * select `friction: hazen_williams`; Chezy-Manning coefficients, and H-W ones with
 * hw_as_darcy, are converted to an equivalent roughness, with a note), pumps keep their head
 * curves, PRVs and TCVs become valves, and a Darcy-Weisbach study selects the Swamee-Jain
 * friction factor that EPANET uses.
 * Anything the case cannot hold is REPORTED (report->notes and a comment block at the top of
 * the YAML), never silently dropped.
 */
#ifndef DH_EPANET_H
#define DH_EPANET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_status.h"

typedef struct dh_epanet_options {
    /* Write positive junction demands as `consumers:` of `type: water` (a volume flow drawn at
     * the node; docs/epanet.md, "Demands"). true by default (dh_epanet_options_init); false
     * (`--no-water-consumers`): they are written as a commented-out block, and the case is
     * the network without its positive demands (EPANET's `--zero-demands` references). */
    bool water_consumers;
    /* Refuse networks whose HEADLOSS is H-W or C-M (error) instead of converting them. */
    bool refuse_non_darcy;
    /* HEADLOSS H-W: false (default): the case keeps each pipe's C (`hazen_williams_c`) and
     * selects `study.friction: hazen_williams`, EPANET's own law; true (`--hw-as-darcy`): the
     * former conversion to the Darcy-Weisbach roughness of equal head loss at 1 m/s, with
     * Swamee-Jain. (C-M is always converted.) */
    bool hw_as_darcy;
} dh_epanet_options;

/* One thing of the INP file that the case does not hold, or holds approximately. */
typedef struct dh_epanet_note {
    int line;        /* 1-based line of the INP file (0: the file as a whole) */
    bool imported;   /* true: imported with an approximation; false: not imported */
    char *text;      /* "[PATTERNS] 3 patterns not applied: ..." */
} dh_epanet_note;

typedef struct dh_epanet_report {
    char flow_units[8]; /* EPANET's UNITS option as read ("GPM", "LPS", ...) */
    char headloss[8];   /* "D-W", "H-W" or "C-M" */
    size_t n_junctions, n_reservoirs, n_tanks; /* EPANET nodes read */
    size_t n_pipes, n_pumps, n_valves;         /* EPANET links read */
    size_t n_nodes_out, n_pipes_out, n_pumps_out, n_valves_out; /* written to the case */
    size_t n_sources_out;   /* reservoirs, tanks and negative demands (fixed-flow injections) */
    size_t n_demands;       /* junctions with a positive demand (consumers) */
    double total_demand;    /* m3/s, sum of positive junction demands */
    size_t n_not_imported;  /* notes with imported == false */
    dh_epanet_note *notes;  /* in the order of the INP file */
    size_t n_notes;
} dh_epanet_report;

void dh_epanet_options_init(dh_epanet_options *opt);
/* Frees the notes; accepts NULL and a zeroed report; leaves it zeroed. */
void dh_epanet_report_free(dh_epanet_report *report);

/* Reads the INP file and writes the case YAML to yaml_out. INP errors go to diag as
 * `net.inp:LINE:COL: error: component: message` (every error found, up to the diag's cap),
 * and nothing is written. opt may be NULL (defaults); report may be NULL. Returns DH_OK,
 * DH_ERR_IO (cannot read the file), DH_ERR_PARSE / DH_ERR_INPUT (errors in diag) or
 * DH_ERR_NOMEM. The report is filled (and must be freed) whatever the result. */
dh_status dh_epanet_import(const char *inp_path, const dh_epanet_options *opt, FILE *yaml_out,
                           dh_diag *diag, dh_epanet_report *report);

/* Same from text in memory; `name` stands for the file in messages. */
dh_status dh_epanet_import_string(const char *text, size_t len, const char *name,
                                  const dh_epanet_options *opt, FILE *yaml_out, dh_diag *diag,
                                  dh_epanet_report *report);

#endif /* DH_EPANET_H */
