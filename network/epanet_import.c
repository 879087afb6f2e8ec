/* epanet_import.c: EPANET 2.2 input files (.inp) -> dhsim case YAML.
 *
 * Exports (dh_epanet.h): dh_epanet_import, dh_epanet_import_string, dh_epanet_options_init,
 * dh_epanet_report_free. Called by cli/cmd_import.c and tests/epanet/.
 *
 * Two passes. The reader splits the file into sections and lines, tokenises each line (';'
 * starts a comment, "double quotes" keep blanks in an id) and stores every record with its
 * line, reporting every malformed line (net.inp:LINE:COL) before failing once, as EPANET's own
 * input reader does. The writer then converts to SI (the [OPTIONS] may come last, as in
 * EPANET's examples) and writes the case. docs/epanet.md is the reference for the mapping.
 *
 * Units (EPANET 2.2 user manual, Rossman et al. 2020, table 3.1 "Units of measurement"):
 * US flow units (CFS, GPM, MGD, IMGD, AFD): lengths and heads in ft, diameters in inches,
 * D-W roughness in millifeet, pressures in psi. SI flow units (LPS, LPM, MLD, CMH, CMD):
 * lengths in m, diameters in mm, roughness in mm, pressures in m (or kPa with PRESSURE KPA).
 * The importer converts with the exact definitions (1 ft = 0.3048 m, 1 US gal = 3.785411784 L,
 * 1 imp gal = 4.54609 L, 1 acre-ft = 43 560 ft3); a pressure setting is taken back to a head
 * with EPANET's own factors (PSIperFT = 0.4333, KPAperPSI = 6.895, times SPECIFIC GRAVITY)
 * so that it means what it meant to EPANET.
 */
#include "dh_epanet.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh_strutil.h"

/* ---- constants ------------------------------------------------------------------------------ */

#define FT 0.3048          /* m per ft (exact) */
#define PI 3.14159265358979323846
#define IN 0.0254          /* m per inch (exact) */
#define G_STD 9.80665      /* m/s2, standard gravity */
/* Water at 20 degC and 101.325 kPa (IAPWS-IF97 region 1): density and kinematic viscosity
 * (IAPWS 2008 viscosity 1001.6 uPa s). The case's water is at 20 degC. */
#define RHO_20C 998.207    /* kg/m3 */
#define NU_20C 1.0034e-6   /* m2/s */
/* EPANET's default kinematic viscosity, 1.1e-5 ft2/s (EPANET 2.2 src/enumstxt.h VISCOS). */
#define NU_EPANET (1.1e-5 * FT * FT)
/* Reference velocity at which a Hazen-Williams or Chezy-Manning pipe is given the
 * Darcy-Weisbach roughness of equal head loss. */
#define V_REF 1.0          /* m/s */
#define MAX_TOKENS 64

enum { NK_JUNCTION, NK_RESERVOIR, NK_TANK };
enum { LK_PIPE, LK_PUMP, LK_VALVE };
enum { ST_OPEN, ST_CLOSED, ST_CV, ST_ACTIVE };
enum { HL_HW, HL_DW, HL_CM };
enum { VT_PRV, VT_PSV, VT_PBV, VT_FCV, VT_TCV, VT_GPV, VT_PCV, VT_N };
static const char *const valve_word[VT_N] = {"PRV", "PSV", "PBV", "FCV", "TCV", "GPV", "PCV"};

/* Flow units: name, m3/s per unit, US (ft, in, psi) or SI (m, mm, m) for the other values. */
typedef struct flow_unit {
    const char *name;
    double m3s;
    bool us;
} flow_unit;
static const flow_unit flow_units[] = {
    {"CFS", FT * FT * FT, true},
    {"GPM", 3.785411784e-3 / 60.0, true},
    {"MGD", 3785.411784 / 86400.0, true},
    {"IMGD", 4546.09 / 86400.0, true},
    {"AFD", 43560.0 * FT * FT * FT / 86400.0, true},
    {"LPS", 1e-3, false},
    {"LPM", 1e-3 / 60.0, false},
    {"MLD", 1e3 / 86400.0, false},
    {"CMH", 1.0 / 3600.0, false},
    {"CMD", 1.0 / 86400.0, false},
};
#define N_FLOW_UNITS (sizeof flow_units / sizeof flow_units[0])

/* ---- records ----------------------------------------------------------------------------------- */

typedef struct ep_node {
    char *id;
    int kind;
    int line;
    double elev;       /* junction/tank: elevation; reservoir: head (INP length unit) */
    double demand;     /* junction base demand from [JUNCTIONS] (flow units) */
    double dsum;       /* sum of [DEMANDS] entries */
    bool has_dsection; /* [DEMANDS] replaces the [JUNCTIONS] demand */
    bool has_pattern;
    double init_level; /* tank */
    bool has_xy;
    double x, y;
} ep_node;

typedef struct ep_link {
    char *id;
    int kind;
    int line;
    char *n1, *n2;
    int n1_col, n2_col;
    double length, diam, rough, minor; /* pipe; valve: diam, minor */
    int status;                        /* ST_*: [PIPES] status or [STATUS] */
    bool status_set;                   /* [STATUS] gave a status */
    /* pump */
    char *curve;
    int curve_col;
    bool has_power, has_pattern;
    double power, speed;
    /* valve */
    int vtype;
    double setting;
} ep_link;

typedef struct ep_curve {
    char *id;
    int line;
    double *x, *y;
    size_t n, cap;
} ep_curve;

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

typedef struct ep {
    const char *file;
    dh_diag *diag;
    const dh_epanet_options *opt;
    dh_epanet_report *rep;
    size_t n_errors;
    bool nomem;
    size_t notes_cap;
    int headloss_line;

    ep_node *nodes;
    size_t n_nodes, cap_nodes;
    ep_link *links;
    size_t n_links, cap_links;
    ep_curve *curves;
    size_t n_curves, cap_curves;
    dh_idmap node_map, link_map, curve_map; /* keys borrowed from the records */

    buf title;
    bool *drop; /* per node: not written (no open link) */
    /* options */
    const flow_unit *fu;
    int fu_line;
    int headloss;
    double sp_grav, viscosity, dmult;
    bool viscosity_set;
    int press_units; /* 0 default (psi for US, m for SI), 1 psi, 2 kPa, 3 m */
    /* section line counts for the notes of sections not imported */
    int patterns_line, n_patterns;
    int n_junction_patterns, junction_pattern_line;
} ep;

/* ---- small helpers -------------------------------------------------------------------------------- */

static void *grow(ep *p, void *arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return arr;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need) nc *= 2;
    void *q = realloc(arr, nc * size);
    if (!q) {
        p->nomem = true;
        return NULL;
    }
    *cap = nc;
    return q;
}

static char *xstrdup(ep *p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        p->nomem = true;
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

static void buf_add(ep *p, buf *b, const char *fmt, ...) DH_PRINTF(3, 4);
static void buf_add(ep *p, buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    char *s = grow(p, b->s, &b->cap, b->n + (size_t)n + 1, 1);
    if (!s) return;
    b->s = s;
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

static void err_at(ep *p, int line, int col, const char *comp, const char *fmt, ...)
    DH_PRINTF(5, 6);
static void err_at(ep *p, int line, int col, const char *comp, const char *fmt, ...)
{
    dh_error e;
    dh_srcpos pos = {p->file, line, col};
    va_list ap;
    va_start(ap, fmt);
    dh_error_setv(&e, DH_ERR_PARSE, &pos, comp, fmt, ap);
    va_end(ap);
    if (p->diag) dh_diag_add(p->diag, &e);
    p->n_errors++;
}

static void note(ep *p, int line, bool imported, const char *fmt, ...) DH_PRINTF(4, 5);
static void note(ep *p, int line, bool imported, const char *fmt, ...)
{
    dh_epanet_report *r = p->rep;
    dh_epanet_note *q = grow(p, r->notes, &p->notes_cap, r->n_notes + 1, sizeof *q);
    if (!q) return;
    r->notes = q;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        p->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->notes[r->n_notes++] = (dh_epanet_note){line, imported, s};
    if (!imported) r->n_not_imported++;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (toupper((unsigned char)*a) != toupper((unsigned char)*b)) return false;
    return *a == *b;
}

/* A plain decimal number (EPANET reads numbers with atof-like rules but refuses text). */
static bool num(const char *s, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || !isfinite(d)) return false;
    for (const char *c = s; c < end; c++)
        if (isalpha((unsigned char)*c) && *c != 'e' && *c != 'E') return false;
    *v = d;
    return true;
}

typedef struct tok {
    char *s;
    int col;
} tok;

/* A line: tokens in place (the line is modified). Returns the count; -1 for an unterminated
 * quote (*bad_col set). */
static int tokenize(char *line, tok *t, int max, int *bad_col)
{
    int n = 0;
    char *c = line;
    while (*c) {
        while (*c == ' ' || *c == '\t') c++;
        if (!*c || *c == ';') break;
        if (n == max) return n;
        if (*c == '"') {
            char *start = c + 1;
            char *q = strchr(start, '"');
            if (!q) {
                *bad_col = (int)(c - line) + 1;
                return -1;
            }
            t[n].s = start;
            t[n].col = (int)(c - line) + 1;
            *q = '\0';
            c = q + 1;
        } else {
            t[n].s = c;
            t[n].col = (int)(c - line) + 1;
            while (*c && *c != ' ' && *c != '\t' && *c != ';') c++;
            if (*c == ';') {
                *c = '\0';
                n++;
                break;
            }
            if (*c) *c++ = '\0';
        }
        n++;
    }
    return n;
}

/* ---- sections ------------------------------------------------------------------------------------- */

typedef enum sec {
    S_NONE, S_TITLE, S_JUNCTIONS, S_RESERVOIRS, S_TANKS, S_PIPES, S_PUMPS, S_VALVES,
    S_DEMANDS, S_STATUS, S_CURVES, S_COORDINATES, S_OPTIONS, S_EMITTERS, S_LEAKAGE,
    /* read but not imported: counted and noted */
    S_PATTERNS, S_TIMES, S_CONTROLS, S_RULES, S_ENERGY, S_QUALITY, S_REACTIONS, S_SOURCES,
    S_MIXING, S_REPORT, S_VERTICES, S_LABELS, S_BACKDROP, S_TAGS, S_END, S_N
} sec;

static const char *const sec_name[S_N] = {
    "", "TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "DEMANDS",
    "STATUS", "CURVES", "COORDINATES", "OPTIONS", "EMITTERS", "LEAKAGE", "PATTERNS", "TIMES",
    "CONTROLS", "RULES", "ENERGY", "QUALITY", "REACTIONS", "SOURCES", "MIXING", "REPORT",
    "VERTICES", "LABELS", "BACKDROP", "TAGS", "END"};

/* Why a section that is read but not imported is left out (for its note). */
static const char *sec_why(sec s)
{
    switch (s) {
    case S_PATTERNS: return "time patterns not applied: the case is the steady state at base "
                            "demands (patterns await the series study)";
    case S_TIMES: return "time settings not imported: the case is a single steady state";
    case S_CONTROLS: return "simple controls not imported (link states are those of [PIPES], "
                            "[PUMPS], [VALVES] and [STATUS])";
    case S_RULES: return "rule-based controls not imported";
    case S_ENERGY: return "energy and pump cost data not imported";
    case S_QUALITY: return "water quality data not imported";
    case S_REACTIONS: return "water quality reactions not imported";
    case S_SOURCES: return "water quality sources not imported";
    case S_MIXING: return "tank mixing models not imported";
    case S_REPORT: return "report options not imported";
    case S_VERTICES: return "pipe vertices (bends) ignored: dhsim pipes run straight between "
                            "their nodes, lengths are kept";
    case S_LABELS: return "map labels ignored";
    case S_BACKDROP: return "map backdrop ignored";
    case S_TAGS: return "tags ignored";
    default: return "not imported";
    }
}

/* ---- records of each section ------------------------------------------------------------------------ */

static bool need(ep *p, int line, const tok *t, int n, int min, const char *what)
{
    if (n >= min) return true;
    err_at(p, line, n ? t[n - 1].col : 1, NULL, "too few values: expected %s", what);
    return false;
}

static bool getnum(ep *p, int line, const tok *t, const char *field, const char *comp, double *v)
{
    if (num(t->s, v)) return true;
    err_at(p, line, t->col, comp, "%s must be a number, got '%s'", field, t->s);
    return false;
}

static ep_node *add_node(ep *p, int line, const tok *id, int kind)
{
    ep_node *a = grow(p, p->nodes, &p->cap_nodes, p->n_nodes + 1, sizeof *a);
    if (!a) return NULL;
    p->nodes = a;
    size_t existing;
    char *s = xstrdup(p, id->s);
    if (!s) return NULL;
    int r = dh_idmap_put(&p->node_map, s, p->n_nodes, &existing);
    if (r < 0) {
        free(s);
        p->nomem = true;
        return NULL;
    }
    if (r == 1) {
        err_at(p, line, id->col, NULL, "duplicate node id '%s' (first defined at line %d)", s,
               p->nodes[existing].line);
        free(s);
        return NULL;
    }
    ep_node *nd = &p->nodes[p->n_nodes++];
    memset(nd, 0, sizeof *nd);
    nd->id = s;
    nd->kind = kind;
    nd->line = line;
    return nd;
}

static ep_link *add_link(ep *p, int line, const tok *t, int kind)
{
    ep_link *a = grow(p, p->links, &p->cap_links, p->n_links + 1, sizeof *a);
    if (!a) return NULL;
    p->links = a;
    size_t existing;
    char *s = xstrdup(p, t[0].s);
    if (!s) return NULL;
    int r = dh_idmap_put(&p->link_map, s, p->n_links, &existing);
    if (r < 0) {
        free(s);
        p->nomem = true;
        return NULL;
    }
    if (r == 1) {
        err_at(p, line, t[0].col, NULL, "duplicate link id '%s' (first defined at line %d)", s,
               p->links[existing].line);
        free(s);
        return NULL;
    }
    ep_link *l = &p->links[p->n_links++];
    memset(l, 0, sizeof *l);
    l->id = s;
    l->kind = kind;
    l->line = line;
    l->speed = 1.0;
    l->n1 = xstrdup(p, t[1].s);
    l->n2 = xstrdup(p, t[2].s);
    l->n1_col = t[1].col;
    l->n2_col = t[2].col;
    return l;
}

static void rd_junction(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 2, "ID ELEVATION [DEMAND [PATTERN]]")) return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "junction %s", t[0].s);
    double el = 0, d = 0;
    bool ok = getnum(p, line, &t[1], "the elevation", comp, &el);
    if (n >= 3) ok = getnum(p, line, &t[2], "the demand", comp, &d) && ok;
    /* a node with a bad value is still defined: no cascade of "unknown node" errors */
    ep_node *nd = add_node(p, line, &t[0], NK_JUNCTION);
    if (!nd || !ok) return;
    nd->elev = el;
    nd->demand = d;
    if (n >= 4) {
        nd->has_pattern = true;
        if (!p->n_junction_patterns++) p->junction_pattern_line = line;
    }
}

static void rd_reservoir(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 2, "ID HEAD [PATTERN]")) return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "reservoir %s", t[0].s);
    double h;
    bool ok = getnum(p, line, &t[1], "the head", comp, &h);
    ep_node *nd = add_node(p, line, &t[0], NK_RESERVOIR);
    if (!nd || !ok) return;
    nd->elev = h;
    if (n >= 3)
        note(p, line, false, "reservoir %s: head pattern '%s' not applied (fixed head at its "
                             "base value)", t[0].s, t[2].s);
}

static void rd_tank(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 3, "ID ELEVATION INITLEVEL MINLEVEL MAXLEVEL DIAMETER MINVOL "
                                "[VOLCURVE [OVERFLOW]]"))
        return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "tank %s", t[0].s);
    double el, lvl, v;
    bool ok = getnum(p, line, &t[1], "the elevation", comp, &el);
    ok = getnum(p, line, &t[2], "the initial level", comp, &lvl) && ok;
    for (int i = 3; i < n && i < 7; i++) {
        static const char *const what[] = {"", "", "", "the minimum level", "the maximum level",
                                           "the diameter", "the minimum volume"};
        ok = getnum(p, line, &t[i], what[i], comp, &v) && ok;
    }
    ep_node *nd = add_node(p, line, &t[0], NK_TANK);
    if (!nd || !ok) return;
    nd->elev = el;
    nd->init_level = lvl;
    note(p, line, true, "tank %s: imported as a fixed head at its initial level (elevation "
                        "%g + level %g); its storage, level limits%s are not modelled",
         t[0].s, el, lvl, n >= 8 ? " and volume curve" : "");
}

static int status_word(const char *s)
{
    if (ieq(s, "OPEN")) return ST_OPEN;
    if (ieq(s, "CLOSED")) return ST_CLOSED;
    if (ieq(s, "CV")) return ST_CV;
    if (ieq(s, "ACTIVE")) return ST_ACTIVE;
    return -1;
}

static void rd_pipe(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 6, "ID NODE1 NODE2 LENGTH DIAMETER ROUGHNESS [MINORLOSS] [STATUS]"))
        return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "pipe %s", t[0].s);
    double len, d, r, k = 0;
    int st = ST_OPEN;
    bool ok = getnum(p, line, &t[3], "the length", comp, &len);
    ok = getnum(p, line, &t[4], "the diameter", comp, &d) && ok;
    ok = getnum(p, line, &t[5], "the roughness", comp, &r) && ok;
    int at = 6;
    /* EPANET 2.2 reads a 7th value as the minor loss, or as the status when it is a word */
    if (n > at && status_word(t[at].s) < 0) {
        ok = getnum(p, line, &t[at], "the minor loss coefficient", comp, &k) && ok;
        at++;
    }
    if (n > at) {
        st = status_word(t[at].s);
        if (st < 0 || st == ST_ACTIVE) {
            err_at(p, line, t[at].col, comp, "unknown pipe status '%s': expected OPEN, CLOSED "
                                             "or CV", t[at].s);
            ok = false;
        }
    }
    if (ok && len <= 0) {
        err_at(p, line, t[3].col, comp, "the length must be positive, got '%s'", t[3].s);
        ok = false;
    }
    if (ok && d <= 0) {
        err_at(p, line, t[4].col, comp, "the diameter must be positive, got '%s'", t[4].s);
        ok = false;
    }
    if (ok && (r < 0 || k < 0)) {
        err_at(p, line, t[r < 0 ? 5 : 6].col, comp, "the %s must not be negative",
               r < 0 ? "roughness" : "minor loss coefficient");
        ok = false;
    }
    if (!ok) return;
    ep_link *l = add_link(p, line, t, LK_PIPE);
    if (!l) return;
    l->length = len;
    l->diam = d;
    l->rough = r;
    l->minor = k;
    l->status = st;
}

static void rd_pump(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 3, "ID NODE1 NODE2 [HEAD CURVE | POWER P] [SPEED S] [PATTERN P]"))
        return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "pump %s", t[0].s);
    bool ok = true;
    char *curve = NULL;
    int curve_col = 0;
    bool has_power = false, has_pattern = false;
    double power = 0, speed = 1.0;
    if (n == 3) {
        err_at(p, line, t[2].col, comp, "a pump needs HEAD curve-id or POWER value");
        return;
    }
    for (int i = 3; i < n; i += 2) {
        if (i + 1 >= n) {
            err_at(p, line, t[i].col, comp, "'%s' needs a value after it", t[i].s);
            ok = false;
            break;
        }
        if (ieq(t[i].s, "HEAD")) {
            curve = t[i + 1].s;
            curve_col = t[i + 1].col;
        } else if (ieq(t[i].s, "POWER")) {
            has_power = getnum(p, line, &t[i + 1], "the power", comp, &power);
            ok = has_power && ok;
        } else if (ieq(t[i].s, "SPEED")) {
            if (getnum(p, line, &t[i + 1], "the speed", comp, &speed) && speed < 0) {
                err_at(p, line, t[i + 1].col, comp, "the speed must not be negative");
                ok = false;
            }
        } else if (ieq(t[i].s, "PATTERN")) {
            has_pattern = true;
        } else {
            err_at(p, line, t[i].col, comp, "unknown pump keyword '%s': expected HEAD, POWER, "
                                            "SPEED or PATTERN", t[i].s);
            ok = false;
        }
    }
    if (!ok) return;
    ep_link *l = add_link(p, line, t, LK_PUMP);
    if (!l) return;
    l->curve = curve ? xstrdup(p, curve) : NULL;
    l->curve_col = curve_col;
    l->has_power = has_power && !curve;
    l->power = power;
    l->speed = speed;
    l->has_pattern = has_pattern;
}

static void rd_valve(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 6, "ID NODE1 NODE2 DIAMETER TYPE SETTING [MINORLOSS]")) return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "valve %s", t[0].s);
    double d, set = 0, k = 0;
    bool ok = getnum(p, line, &t[3], "the diameter", comp, &d);
    int vt = 0;
    while (vt < VT_N && !ieq(t[4].s, valve_word[vt])) vt++;
    if (vt == VT_N) {
        err_at(p, line, t[4].col, comp, "unknown valve type '%s': expected PRV, PSV, PBV, FCV, "
                                        "TCV, GPV or PCV", t[4].s);
        ok = false;
    }
    /* a GPV's setting is a curve id */
    if (vt != VT_GPV) ok = getnum(p, line, &t[5], "the setting", comp, &set) && ok;
    if (n >= 7) ok = getnum(p, line, &t[6], "the minor loss coefficient", comp, &k) && ok;
    if (ok && d <= 0) {
        err_at(p, line, t[3].col, comp, "the diameter must be positive, got '%s'", t[3].s);
        ok = false;
    }
    if (!ok) return;
    ep_link *l = add_link(p, line, t, LK_VALVE);
    if (!l) return;
    l->diam = d;
    l->vtype = vt;
    l->setting = set;
    l->minor = k;
    l->status = ST_ACTIVE;
}

static void rd_demand(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 2, "JUNCTION DEMAND [PATTERN]")) return;
    size_t i = dh_idmap_get(&p->node_map, t[0].s);
    if (i == (size_t)-1 || p->nodes[i].kind != NK_JUNCTION) {
        err_at(p, line, t[0].col, NULL, "[DEMANDS]: '%s' is not a junction defined before this "
                                        "line", t[0].s);
        return;
    }
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "junction %s", t[0].s);
    double d;
    if (!getnum(p, line, &t[1], "the demand", comp, &d)) return;
    ep_node *nd = &p->nodes[i];
    nd->has_dsection = true;
    nd->dsum += d;
    if (n >= 3) {
        nd->has_pattern = true;
        if (!p->n_junction_patterns++) p->junction_pattern_line = line;
    }
}

static void rd_status(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 2, "LINK OPEN|CLOSED|ACTIVE|SETTING")) return;
    size_t i = dh_idmap_get(&p->link_map, t[0].s);
    if (i == (size_t)-1) {
        err_at(p, line, t[0].col, NULL, "[STATUS]: unknown link '%s'", t[0].s);
        return;
    }
    ep_link *l = &p->links[i];
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "%s %s", l->kind == LK_PIPE ? "pipe" : l->kind == LK_PUMP ?
             "pump" : "valve", l->id);
    int st = status_word(t[1].s);
    double v;
    if (st == ST_OPEN || st == ST_CLOSED) {
        if (l->kind == LK_PIPE && l->status == ST_CV) {
            note(p, line, false, "pipe %s: [STATUS] %s ignored on a check-valve pipe", l->id,
                 t[1].s);
            return;
        }
        l->status = st;
        l->status_set = true;
    } else if (st == ST_ACTIVE) {
        if (l->kind == LK_VALVE) l->status = ST_ACTIVE;
    } else if (num(t[1].s, &v)) {
        if (l->kind == LK_PIPE) {
            err_at(p, line, t[1].col, comp, "a pipe takes OPEN or CLOSED in [STATUS], not a "
                                            "setting");
        } else if (l->kind == LK_PUMP) {
            l->speed = v;
            if (v == 0) l->status = ST_CLOSED, l->status_set = true;
        } else {
            l->setting = v;
            l->status = ST_ACTIVE;
        }
    } else {
        err_at(p, line, t[1].col, comp, "unknown status '%s': expected OPEN, CLOSED, ACTIVE or "
                                        "a setting", t[1].s);
    }
}

static void rd_curve(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 3, "ID X Y")) return;
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "curve %s", t[0].s);
    double x, y;
    bool ok = getnum(p, line, &t[1], "X", comp, &x);
    ok = getnum(p, line, &t[2], "Y", comp, &y) && ok;
    if (!ok) return;
    size_t i = dh_idmap_get(&p->curve_map, t[0].s);
    if (i == (size_t)-1) {
        ep_curve *a = grow(p, p->curves, &p->cap_curves, p->n_curves + 1, sizeof *a);
        if (!a) return;
        p->curves = a;
        ep_curve *c = &p->curves[p->n_curves];
        memset(c, 0, sizeof *c);
        c->id = xstrdup(p, t[0].s);
        if (!c->id) return;
        c->line = line;
        size_t ex;
        if (dh_idmap_put(&p->curve_map, c->id, p->n_curves, &ex) < 0) {
            free(c->id);
            p->nomem = true;
            return;
        }
        i = p->n_curves++;
    }
    ep_curve *c = &p->curves[i];
    size_t cx = c->cap, cy = c->cap;
    double *nx = grow(p, c->x, &cx, c->n + 1, sizeof *nx);
    if (!nx) return;
    c->x = nx;
    double *ny = grow(p, c->y, &cy, c->n + 1, sizeof *ny);
    if (!ny) return;
    c->y = ny;
    c->cap = cx;
    c->x[c->n] = x;
    c->y[c->n] = y;
    c->n++;
}

static void rd_coord(ep *p, int line, tok *t, int n)
{
    if (!need(p, line, t, n, 3, "NODE X Y")) return;
    size_t i = dh_idmap_get(&p->node_map, t[0].s);
    if (i == (size_t)-1) {
        err_at(p, line, t[0].col, NULL, "[COORDINATES]: unknown node '%s'", t[0].s);
        return;
    }
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "node %s", t[0].s);
    double x, y;
    bool ok = getnum(p, line, &t[1], "X", comp, &x);
    ok = getnum(p, line, &t[2], "Y", comp, &y) && ok;
    if (!ok) return;
    p->nodes[i].has_xy = true;
    p->nodes[i].x = x;
    p->nodes[i].y = y;
}

/* [OPTIONS]: keywords of one or two words. Hydraulic ones are read; the rest are noted. */
static void rd_option(ep *p, int line, tok *t, int n)
{
    const char *k = t[0].s;
    if (ieq(k, "UNITS")) {
        if (!need(p, line, t, n, 2, "UNITS CFS|GPM|MGD|IMGD|AFD|LPS|LPM|MLD|CMH|CMD")) return;
        for (size_t i = 0; i < N_FLOW_UNITS; i++)
            if (ieq(t[1].s, flow_units[i].name)) {
                p->fu = &flow_units[i];
                p->fu_line = line;
                return;
            }
        err_at(p, line, t[1].col, NULL, "unknown flow units '%s': expected CFS, GPM, MGD, IMGD, "
                                        "AFD, LPS, LPM, MLD, CMH or CMD", t[1].s);
    } else if (ieq(k, "HEADLOSS")) {
        if (!need(p, line, t, n, 2, "HEADLOSS H-W|D-W|C-M")) return;
        p->headloss_line = line;
        if (ieq(t[1].s, "H-W"))
            p->headloss = HL_HW;
        else if (ieq(t[1].s, "D-W"))
            p->headloss = HL_DW;
        else if (ieq(t[1].s, "C-M"))
            p->headloss = HL_CM;
        else
            err_at(p, line, t[1].col, NULL, "unknown headloss formula '%s': expected H-W, D-W "
                                            "or C-M", t[1].s);
    } else if (ieq(k, "SPECIFIC") && n >= 2 && ieq(t[1].s, "GRAVITY")) {
        if (!need(p, line, t, n, 3, "SPECIFIC GRAVITY value")) return;
        if (getnum(p, line, &t[2], "the specific gravity", "OPTIONS", &p->sp_grav) &&
            p->sp_grav <= 0)
            err_at(p, line, t[2].col, NULL, "the specific gravity must be positive");
    } else if (ieq(k, "VISCOSITY")) {
        if (!need(p, line, t, n, 2, "VISCOSITY value")) return;
        if (getnum(p, line, &t[1], "the viscosity", "OPTIONS", &p->viscosity)) {
            if (p->viscosity <= 0)
                err_at(p, line, t[1].col, NULL, "the viscosity must be positive");
            p->viscosity_set = true;
        }
    } else if (ieq(k, "DEMAND") && n >= 2 && ieq(t[1].s, "MULTIPLIER")) {
        if (!need(p, line, t, n, 3, "DEMAND MULTIPLIER value")) return;
        if (getnum(p, line, &t[2], "the demand multiplier", "OPTIONS", &p->dmult) &&
            p->dmult < 0)
            err_at(p, line, t[2].col, NULL, "the demand multiplier must not be negative");
    } else if (ieq(k, "PRESSURE") && n >= 2 && !num(t[1].s, &(double){0})) {
        if (ieq(t[1].s, "PSI"))
            p->press_units = 1;
        else if (ieq(t[1].s, "KPA"))
            p->press_units = 2;
        else if (ieq(t[1].s, "METERS") || ieq(t[1].s, "M"))
            p->press_units = 3;
        else
            err_at(p, line, t[1].col, NULL, "unknown pressure units '%s': expected PSI, KPA or "
                                            "METERS", t[1].s);
    } else if (ieq(k, "DEMAND") && n >= 2 && ieq(t[1].s, "MODEL")) {
        if (n >= 3 && ieq(t[2].s, "PDA"))
            note(p, line, false, "[OPTIONS] DEMAND MODEL PDA not imported: demands are fixed "
                                 "(demand-driven, as DDA)");
    } else if (ieq(k, "EMITTER") || ieq(k, "MINIMUM") || ieq(k, "REQUIRED") ||
               (ieq(k, "PRESSURE") && n >= 2)) {
        /* pressure-driven demand and emitter parameters: only matter with PDA / emitters,
         * both noted where they appear */
    } else if (ieq(k, "PATTERN") || ieq(k, "TRIALS") || ieq(k, "ACCURACY") ||
               ieq(k, "UNBALANCED") || ieq(k, "CHECKFREQ") || ieq(k, "MAXCHECK") ||
               ieq(k, "DAMPLIMIT") || ieq(k, "HEADERROR") || ieq(k, "FLOWCHANGE") ||
               ieq(k, "QUALITY") || ieq(k, "DIFFUSIVITY") || ieq(k, "TOLERANCE") ||
               ieq(k, "HYDRAULICS") || ieq(k, "MAP") || ieq(k, "SEGMENTS") ||
               ieq(k, "BACKFLOW") || ieq(k, "STATUS") || ieq(k, "DEMAND") ||
               ieq(k, "HTOL") || ieq(k, "QTOL") || ieq(k, "RQTOL")) {
        /* solver, quality and file options of EPANET: no counterpart to import (the case's
         * own study settings apply) */
    } else {
        err_at(p, line, t[0].col, NULL, "unknown option '%s'", k);
    }
}

/* ---- reading ---------------------------------------------------------------------------------------- */

static void read_inp(ep *p, char *text, size_t len)
{
    sec s = S_NONE;
    int sec_lines[S_N] = {0}, sec_first[S_N] = {0};
    int line = 0;
    size_t off = 0;
    tok t[MAX_TOKENS];
    while (off < len && !p->nomem) {
        char *start = text + off;
        char *nl = memchr(start, '\n', len - off);
        size_t l = nl ? (size_t)(nl - start) : len - off;
        off += l + (nl ? 1 : 0);
        start[l] = '\0';
        if (l && start[l - 1] == '\r') start[l - 1] = '\0';
        line++;
        if (line == 1 && (unsigned char)start[0] == 0xEF && (unsigned char)start[1] == 0xBB &&
            (unsigned char)start[2] == 0xBF)
            memset(start, ' ', 3); /* UTF-8 byte order mark */
        if (strlen(start) + 1 < l) {
            err_at(p, line, (int)strlen(start) + 1, NULL,
                   "NUL byte: this is not an EPANET input file");
            return;
        }
        for (char *c = start; *c; c++)
            if ((unsigned char)*c < 0x20 && *c != '\t') {
                err_at(p, line, (int)(c - start) + 1, NULL,
                       "control character 0x%02x: this is not an EPANET input file",
                       (unsigned char)*c);
                return;
            }
        if (s == S_TITLE) {
            char *c = start;
            while (*c == ' ' || *c == '\t') c++;
            if (*c != '[') {
                if (*c && *c != ';' && p->title.n < 4096)
                    buf_add(p, &p->title, "%s%s", p->title.n ? "\n" : "", c);
                continue;
            }
        }
        int bad = 0;
        int n = tokenize(start, t, MAX_TOKENS, &bad);
        if (n < 0) {
            err_at(p, line, bad, NULL, "unterminated quote");
            continue;
        }
        if (n == 0) continue;
        if (t[0].s[0] == '[') {
            char *e = strchr(t[0].s, ']');
            if (!e) {
                err_at(p, line, t[0].col, NULL, "section header without ']'");
                s = S_NONE;
                continue;
            }
            *e = '\0';
            sec k = S_TITLE;
            while (k < S_N && !ieq(t[0].s + 1, sec_name[k])) k++;
            if (k == S_N) {
                err_at(p, line, t[0].col, NULL, "unknown section [%s]", t[0].s + 1);
                s = S_NONE;
                continue;
            }
            s = k;
            if (!sec_first[s]) sec_first[s] = line;
            if (s == S_END) break;
            continue;
        }
        sec_lines[s]++;
        switch (s) {
        case S_NONE:
            err_at(p, line, t[0].col, NULL, "data outside of any [SECTION]");
            break;
        case S_TITLE: break;
        case S_JUNCTIONS: rd_junction(p, line, t, n); break;
        case S_RESERVOIRS: rd_reservoir(p, line, t, n); break;
        case S_TANKS: rd_tank(p, line, t, n); break;
        case S_PIPES: rd_pipe(p, line, t, n); break;
        case S_PUMPS: rd_pump(p, line, t, n); break;
        case S_VALVES: rd_valve(p, line, t, n); break;
        case S_DEMANDS: rd_demand(p, line, t, n); break;
        case S_STATUS: rd_status(p, line, t, n); break;
        case S_CURVES: rd_curve(p, line, t, n); break;
        case S_COORDINATES: rd_coord(p, line, t, n); break;
        case S_OPTIONS: rd_option(p, line, t, n); break;
        case S_EMITTERS: {
            double c;
            if (n >= 2 && num(t[1].s, &c) && c > 0) {
                note(p, line, false, "junction %s: emitter (coefficient %s) not imported: dhsim "
                                     "has no pressure-dependent outflow", t[0].s, t[1].s);
            }
            break;
        }
        case S_LEAKAGE:
            note(p, line, false, "pipe %s: leakage not imported", t[0].s);
            break;
        default: break; /* sections noted below, as a whole */
        }
    }
    for (sec k = S_PATTERNS; k < S_END; k++) {
        if (!sec_lines[k]) continue;
        if (k == S_PATTERNS) {
            p->n_patterns = sec_lines[k];
            p->patterns_line = sec_first[k];
        }
        note(p, sec_first[k], false, "[%s] %d line%s: %s", sec_name[k], sec_lines[k],
             sec_lines[k] == 1 ? "" : "s", sec_why(k));
    }
}

/* ---- checks that need the whole file ---------------------------------------------------------------- */

static void check_refs(ep *p)
{
    for (size_t i = 0; i < p->n_links; i++) {
        ep_link *l = &p->links[i];
        const char *kw = l->kind == LK_PIPE ? "pipe" : l->kind == LK_PUMP ? "pump" : "valve";
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "%s %s", kw, l->id);
        if (!l->n1 || !l->n2) continue;
        if (dh_idmap_get(&p->node_map, l->n1) == (size_t)-1)
            err_at(p, l->line, l->n1_col, comp, "unknown node '%s'", l->n1);
        if (dh_idmap_get(&p->node_map, l->n2) == (size_t)-1)
            err_at(p, l->line, l->n2_col, comp, "unknown node '%s'", l->n2);
        if (!strcmp(l->n1, l->n2))
            err_at(p, l->line, l->n2_col, comp, "a link cannot join node '%s' to itself", l->n1);
        if (l->kind == LK_PUMP && l->curve &&
            dh_idmap_get(&p->curve_map, l->curve) == (size_t)-1)
            err_at(p, l->line, l->curve_col, comp, "unknown curve '%s'", l->curve);
    }
}

/* ---- writing ---------------------------------------------------------------------------------------- */

/* An id as a YAML scalar: plain when it is safe, else double-quoted. */
static void put_id(FILE *f, const char *s)
{
    bool plain = s[0] && s[0] != '-' && s[0] != '.' ;
    for (const char *c = s; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.';
    static const char *const reserved[] = {"null", "Null", "NULL", "true", "True", "TRUE",
                                           "false", "False", "FALSE", "yes", "no", "on", "off",
                                           "y", "n", "Y", "N", NULL};
    for (int i = 0; plain && reserved[i]; i++)
        if (!strcmp(s, reserved[i])) plain = false;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            fprintf(f, "\\x%02x", (unsigned char)*c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

/* Text inside a YAML comment or a double-quoted scalar: one line, printable. */
static void put_text(FILE *f, const char *s, bool quoted)
{
    for (const char *c = s; *c; c++) {
        if (*c == '\n' || *c == '\r')
            fputs(quoted ? " " : "\n#   ", f);
        else if (quoted && (*c == '"' || *c == '\\'))
            fprintf(f, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            fputc(' ', f);
        else
            fputc(*c, f);
    }
}

/* %.12g: exact conversions print as the engineer would write them (12 in -> 304.8 mm). */
#define NUM "%.12g"

typedef struct conv {
    double q;     /* m3/s per flow unit */
    double len;   /* m per length unit (lengths, elevations, heads) */
    double diam;  /* m per diameter unit */
    double rough; /* m per D-W roughness unit */
    bool us;
} conv;

/* Darcy-Weisbach roughness (m) giving, with Swamee-Jain at V_REF and 20 degC water, the head
 * loss of the pipe's Hazen-Williams (C) or Chezy-Manning (n) formula as EPANET 2.2 writes them
 * in US units (src/hydcoeffs.c resistcoeff): H-W h = 4.727 L Q^1.852 / (C^1.852 d^4.871),
 * C-M h = (4 n / (1.49 pi d^2))^2 (d/4)^-1.333 L Q^2, with ft and cfs.
 * Then f = (h/L) 2 g D / v^2 and Swamee-Jain, f = 0.25 / log10(e/(3.7 D) + 5.74/Re^0.9)^2,
 * solved for e. Returns e (>= 0); *smooth is set when the formula asks for less than a smooth
 * pipe (e clipped to 0). */
static double equivalent_roughness(int headloss, double coef, double d_m, bool *smooth)
{
    double d_ft = d_m / FT;
    double area = PI * d_m * d_m / 4.0;
    double q_cfs = V_REF * area / (FT * FT * FT);
    double slope; /* head loss per length, ft/ft = m/m */
    if (headloss == HL_HW)
        slope = 4.727 * pow(q_cfs, 1.852) / (pow(coef, 1.852) * pow(d_ft, 4.871));
    else
        slope = pow(4.0 * coef / (1.49 * PI * d_ft * d_ft), 2.0) * pow(d_ft / 4.0, -1.333) *
                q_cfs * q_cfs;
    double f = slope * 2.0 * G_STD * d_m / (V_REF * V_REF);
    double re = V_REF * d_m / NU_20C;
    double e = 3.7 * d_m * (pow(10.0, -0.5 / sqrt(f)) - 5.74 / pow(re, 0.9));
    *smooth = e < 0;
    return e < 0 ? 0 : e;
}

/* EPANET's fit of a three-point curve, h = A - B q^C (src/hydraul.c powercurve): returns C, or
 * 0 when the points do not give a power function. */
static double curve_exponent(const ep_curve *c)
{
    if (c->n != 3 || c->x[0] != 0) return 0;
    double h4 = c->y[0] - c->y[1], h5 = c->y[0] - c->y[2];
    if (h4 <= 0 || h5 <= h4 || c->x[1] <= 0 || c->x[2] <= c->x[1]) return 0;
    return log(h5 / h4) / log(c->x[2] / c->x[1]);
}

/* The head of a pressure setting (PRV): EPANET divides it by Ucf[PRESSURE] (src/epanet.c
 * initunits): PSI: 0.4333 SG psi per ft; KPA: 6.895 x 0.4333 SG kPa per ft; METERS: 0.3048 SG
 * m per ft. Returns metres of head. */
static double setting_head(const ep *p, double setting)
{
    int u = p->press_units ? p->press_units : (p->fu->us ? 1 : 3);
    double per_ft = u == 1 ? 0.4333 * p->sp_grav : u == 2 ? 6.895 * 0.4333 * p->sp_grav
                                                           : FT * p->sp_grav;
    return setting / per_ft * FT;
}

static const char *link_kw(const ep_link *l)
{
    return l->kind == LK_PIPE ? "pipe" : l->kind == LK_PUMP ? "pump" : "valve";
}

/* Decides what is written (with its notes), then writes the header and the case. Only fails
 * on allocation (p->nomem). */
static void write_case(ep *p, FILE *f)
{
    dh_epanet_report *r = p->rep;
    conv cv;
    cv.q = p->fu->m3s;
    cv.us = p->fu->us;
    cv.len = cv.us ? FT : 1.0;
    cv.diam = cv.us ? IN : 1e-3;
    cv.rough = cv.us ? 1e-3 * FT : 1e-3; /* millifeet or mm */

    /* ---- notes that depend on the options ---- */
    if (p->n_junction_patterns)
        note(p, p->junction_pattern_line, false,
             "%d demand%s with a time pattern: written at base value x DEMAND MULTIPLIER %g "
             "(patterns are not applied)", p->n_junction_patterns,
             p->n_junction_patterns == 1 ? "" : "s", p->dmult);
    if (p->sp_grav != 1.0)
        note(p, 0, true, "[OPTIONS] SPECIFIC GRAVITY %g not imported: the case's water is water "
                         "at 20 degC (heads and flows unaffected; pressure settings converted "
                         "to head with it, as EPANET does)", p->sp_grav);
    {
        double nu = p->viscosity_set ? (p->viscosity > 1e-3 ? p->viscosity * NU_EPANET
                                                            : p->viscosity * (cv.us ? FT * FT
                                                                                    : 1.0))
                                     : NU_EPANET;
        /* (Hazen-Williams kept as such has no viscosity in it) */
        if (fabs(nu / NU_20C - 1.0) > 0.005 && !(p->headloss == HL_HW && !p->opt->hw_as_darcy))
            note(p, 0, true, "kinematic viscosity %.4g m2/s (EPANET's %s) differs from that of "
                             "the case's water at 20 degC, %.4g m2/s: friction factors outside "
                             "fully rough flow differ slightly", nu,
                 p->viscosity_set ? "VISCOSITY option" : "default, 1.1e-5 ft2/s", NU_20C);
    }

    /* ---- links: decide what is written, with notes ---- */
    bool *skip = calloc(p->n_links ? p->n_links : 1, sizeof *skip);
    bool *cv_pipe = calloc(p->n_links ? p->n_links : 1, sizeof *cv_pipe);
    if (!skip || !cv_pipe) {
        free(skip);
        free(cv_pipe);
        p->nomem = true;
        return;
    }
    size_t n_hw = 0, n_smooth = 0;
    int hw_line = 0;
    /* HEADLOSS H-W: each pipe keeps its C and the study uses EPANET's law (friction:
     * hazen_williams); --hw-as-darcy (and C-M always) converts to a D-W roughness */
    const bool hw_native = p->headloss == HL_HW && !p->opt->hw_as_darcy;
    for (size_t i = 0; i < p->n_links; i++) {
        ep_link *l = &p->links[i];
        if (l->status == ST_CLOSED) {
            skip[i] = true;
            note(p, l->line, false, "%s %s: closed%s, not written (a closed link carries no "
                                    "flow)", link_kw(l), l->id, l->status_set ? " in [STATUS]" :
                                                                                "");
            continue;
        }
        if (l->kind == LK_PIPE) {
            r->n_pipes_out++;
            if (l->status == ST_CV) {
                cv_pipe[i] = true;
                note(p, l->line, true, "pipe %s: check valve (CV) written as a check valve "
                                       "'%s.cv' in series at its downstream end, through node "
                                       "'%s.cv'", l->id, l->id, l->id);
            }
            if (hw_native && !(l->rough >= 1.0 && l->rough <= 200.0)) {
                note(p, l->line, true, "pipe %s: Hazen-Williams C %g outside dhsim's range "
                                       "1..200: written as %g", l->id, l->rough,
                     l->rough < 1.0 ? 1.0 : 200.0);
            }
            if (p->headloss != HL_DW && !hw_native) {
                bool smooth = false;
                if (!hw_line) hw_line = l->line;
                n_hw++;
                equivalent_roughness(p->headloss, l->rough, l->diam * cv.diam, &smooth);
                if (smooth) {
                    n_smooth++;
                    note(p, l->line, true, "pipe %s: %s %g asks for less head loss than a "
                                           "smooth pipe at %g m/s: roughness 0", l->id,
                         p->headloss == HL_HW ? "C" : "n", l->rough, V_REF);
                }
            }
        } else if (l->kind == LK_PUMP) {
            if (l->has_power || !l->curve) {
                skip[i] = true;
                note(p, l->line, false, "pump %s: constant-power pump (POWER %g) not imported: "
                                        "dhsim pumps follow a head curve", l->id, l->power);
                continue;
            }
            if (l->has_pattern)
                note(p, l->line, false, "pump %s: speed pattern not applied (speed %g)", l->id,
                     l->speed);
            if (l->speed == 0) {
                skip[i] = true;
                note(p, l->line, false, "pump %s: speed 0, not written", l->id);
                continue;
            }
            ep_curve *c = &p->curves[dh_idmap_get(&p->curve_map, l->curve)];
            double ce = curve_exponent(c);
            /* one point, or three with a valid power fit: dhsim reads the curve as EPANET
             * does (solver/layout.c pump_fit) */
            if (c->n == 2 || c->n > 3 || (c->n == 3 && ce == 0))
                note(p, l->line, true, "pump %s: EPANET interpolates curve %s (%zu points) "
                                       "linearly; dhsim fits H = a - b Q^2 to its points by least "
                                       "squares", l->id, c->id, c->n);
            r->n_pumps_out++;
        } else {
            if (l->status == ST_OPEN && l->vtype != VT_TCV)
                note(p, l->line, true, "valve %s: %s fixed OPEN in [STATUS], written as an open "
                                       "throttle (zeta = its minor loss %g)", l->id,
                     valve_word[l->vtype], l->minor);
            else if (l->vtype != VT_PRV && l->vtype != VT_TCV)
                note(p, l->line, true, "valve %s: %s not supported: written as an open throttle "
                                       "(zeta = its minor loss %g), its control is NOT imported",
                     l->id, valve_word[l->vtype], l->minor);
            r->n_valves_out++;
        }
    }
    /* nodes left without any written link (only closed links, or none): not written */
    size_t *degree = calloc(p->n_nodes ? p->n_nodes : 1, sizeof *degree);
    bool *drop = calloc(p->n_nodes ? p->n_nodes : 1, sizeof *drop);
    if (!degree || !drop) {
        free(degree);
        free(drop);
        free(skip);
        free(cv_pipe);
        p->nomem = true;
        return;
    }
    for (size_t i = 0; i < p->n_links; i++) {
        if (skip[i]) continue;
        degree[dh_idmap_get(&p->node_map, p->links[i].n1)]++;
        degree[dh_idmap_get(&p->node_map, p->links[i].n2)]++;
    }
    for (size_t i = 0; i < p->n_nodes; i++) {
        if (degree[i]) continue;
        drop[i] = true;
        const ep_node *nd = &p->nodes[i];
        double q = (nd->has_dsection ? nd->dsum : nd->demand) * p->dmult;
        note(p, nd->line, false, "%s %s: no open link reaches it, not written%s",
             nd->kind == NK_JUNCTION ? "junction" : nd->kind == NK_TANK ? "tank" : "reservoir",
             nd->id, nd->kind == NK_JUNCTION && q != 0 ? " (nor its demand)" : "");
    }
    free(degree);
    p->drop = drop;

    if (n_hw) {
        note(p, hw_line, true, "HEADLOSS %s: %zu pipes' %s coefficients converted to the "
                               "Darcy-Weisbach roughness of equal head loss at %g m/s (Swamee-Jain, "
                               "water at 20 degC); head losses differ from EPANET's %s away from "
                               "that velocity", r->headloss, n_hw,
             p->headloss == HL_HW ? "Hazen-Williams C" : "Manning n", V_REF, r->headloss);
    }

    /* notes in the order of the file (those about the file as a whole first); insertion
     * sort: stable, and near-linear as most notes arrive in order */
    for (size_t i = 1; i < r->n_notes; i++) {
        dh_epanet_note x = r->notes[i];
        size_t j = i;
        while (j > 0 && r->notes[j - 1].line > x.line) {
            r->notes[j] = r->notes[j - 1];
            j--;
        }
        r->notes[j] = x;
    }

    /* ---- header ---- */
    fprintf(f, "# Imported from the EPANET input file %s by `dhsim import epanet`.\n", p->file);
    if (p->title.n) {
        fprintf(f, "# [TITLE]\n#   ");
        put_text(f, p->title.s, false);
        fprintf(f, "\n");
    }
    fprintf(f, "#\n# Conversions: UNITS %s (%s) -> SI; HEADLOSS %s; water at 20 degC "
               "(density %g kg/m3);\n"
               "# reservoirs -> fixed-pressure sources at atmospheric pressure on a node at "
               "their head;\n# tanks -> the same at their initial water level; junction demands "
               "x DEMAND MULTIPLIER %g.\n",
            p->fu->name, cv.us ? "ft, in, psi" : "m, mm, m", r->headloss, RHO_20C, p->dmult);
    fprintf(f, "#\n# Not imported or approximated (%zu note%s, %zu item%s not imported):\n",
            r->n_notes, r->n_notes == 1 ? "" : "s", r->n_not_imported,
            r->n_not_imported == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_notes; i++) {
        if (r->notes[i].line)
            fprintf(f, "#   %s:%d: ", p->file, r->notes[i].line);
        else
            fprintf(f, "#   %s: ", p->file);
        put_text(f, r->notes[i].text, false);
        fputc('\n', f);
    }
    if (!r->n_notes) fprintf(f, "#   (nothing)\n");

    fprintf(f, "dhsim: 1\nname: \"");
    if (p->title.n) {
        char *nl = strchr(p->title.s, '\n');
        if (nl) *nl = '\0';
        put_text(f, p->title.s, true);
        if (nl) *nl = '\n';
    } else {
        const char *b = strrchr(p->file, '/');
        put_text(f, b ? b + 1 : p->file, true);
    }
    fprintf(f, "\"\n");
    fprintf(f, "ambient: {air: 20 degC, soil: 20 degC, atmospheric_pressure: 101.325 kPa}\n");
    /* EPANET's hydraulics: its friction law (Hazen-Williams with each pipe's C, or
     * Darcy-Weisbach with Swamee-Jain), incompressible isothermal water (docs/epanet.md) */
    if (hw_native)
        fprintf(f, "# HEADLOSS H-W: friction hazen_williams with each pipe's C (EPANET's "
                   "formula);\n# each roughness is the Darcy-Weisbach one of equal head loss at "
                   "%g m/s, used only\n# with --set study.friction=swamee_jain (or colebrook).\n",
                V_REF);
    fprintf(f, "study: {type: steady, friction: %s, water: incompressible}\n",
            hw_native ? "hazen_williams" : "swamee_jain");

    /* ---- nodes ---- */
    fprintf(f, "nodes:\n");
    for (size_t i = 0; i < p->n_nodes; i++) {
        const ep_node *nd = &p->nodes[i];
        if (p->drop[i]) continue;
        double z = nd->elev * cv.len;
        if (nd->kind == NK_TANK) z = (nd->elev + nd->init_level) * cv.len;
        fprintf(f, "  - {id: ");
        put_id(f, nd->id);
        if (nd->has_xy) fprintf(f, ", x: " NUM " m, y: " NUM " m", nd->x, nd->y);
        fprintf(f, ", z: " NUM " m}", z);
        if (nd->kind == NK_RESERVOIR) fprintf(f, "   # reservoir: z is its head");
        if (nd->kind == NK_TANK)
            fprintf(f, "   # tank: z is its water level (bottom " NUM " m)", nd->elev * cv.len);
        fputc('\n', f);
        r->n_nodes_out++;
    }
    for (size_t i = 0; i < p->n_links; i++) {
        if (skip[i] || !cv_pipe[i]) continue;
        const ep_link *l = &p->links[i];
        const ep_node *to = &p->nodes[dh_idmap_get(&p->node_map, l->n2)];
        double z = (to->kind == NK_TANK ? to->elev + to->init_level : to->elev) * cv.len;
        fprintf(f, "  - {id: ");
        char id[256];
        snprintf(id, sizeof id, "%s.cv", l->id);
        put_id(f, id);
        if (to->has_xy) fprintf(f, ", x: " NUM " m, y: " NUM " m", to->x, to->y);
        fprintf(f, ", z: " NUM " m}   # check valve of pipe %s\n", z, l->id);
        r->n_nodes_out++;
    }

    /* ---- pipes ---- */
    if (r->n_pipes_out) fprintf(f, "pipes:\n");
    for (size_t i = 0; i < p->n_links; i++) {
        const ep_link *l = &p->links[i];
        if (skip[i] || l->kind != LK_PIPE) continue;
        double d = l->diam * cv.diam;
        bool smooth;
        fprintf(f, "  - {id: ");
        put_id(f, l->id);
        fprintf(f, ", from: ");
        put_id(f, l->n1);
        fprintf(f, ", to: ");
        if (cv_pipe[i]) {
            char to[256];
            snprintf(to, sizeof to, "%s.cv", l->id);
            put_id(f, to);
        } else {
            put_id(f, l->n2);
        }
        fprintf(f, ", length: " NUM " m, diameter: " NUM " mm", l->length * cv.len, d * 1e3);
        if (p->headloss == HL_DW)
            fprintf(f, ", roughness: " NUM " mm", l->rough * cv.rough * 1e3);
        else
            fprintf(f, ", roughness: %.6g mm",
                    equivalent_roughness(p->headloss, l->rough, d, &smooth) * 1e3);
        if (hw_native)
            fprintf(f, ", hazen_williams_c: " NUM, l->rough < 1.0 ? 1.0 : l->rough > 200.0 ? 200.0
                                                                                  : l->rough);
        fprintf(f, ", local_loss: " NUM "}", l->minor);
        if (p->headloss != HL_DW && !hw_native)
            fprintf(f, "   # %s %g", p->headloss == HL_HW ? "C" : "n", l->rough);
        fputc('\n', f);
    }

    /* ---- valves: PRV, TCV, the check valves of CV pipes, others as open throttles ---- */
    if (r->n_valves_out || r->n_pipes_out) {
        bool any = r->n_valves_out > 0;
        for (size_t i = 0; i < p->n_links && !any; i++) any = !skip[i] && cv_pipe[i];
        if (any) fprintf(f, "valves:\n");
    }
    for (size_t i = 0; i < p->n_links; i++) {
        const ep_link *l = &p->links[i];
        if (skip[i]) continue;
        if (l->kind == LK_PIPE && cv_pipe[i]) {
            /* zeta 0: the pipe's minor loss stays on the pipe */
            char id[256];
            snprintf(id, sizeof id, "%s.cv", l->id);
            fprintf(f, "  - {id: ");
            put_id(f, id);
            fprintf(f, ", type: check, from: ");
            put_id(f, id);
            fprintf(f, ", to: ");
            put_id(f, l->n2);
            fprintf(f, ", diameter: " NUM " mm, zeta: 0}   # CV of pipe %s\n",
                    l->diam * cv.diam * 1e3, l->id);
            r->n_valves_out++;
            continue;
        }
        if (l->kind != LK_VALVE) continue;
        fprintf(f, "  - {id: ");
        put_id(f, l->id);
        bool prv = l->vtype == VT_PRV && l->status == ST_ACTIVE;
        bool tcv = l->vtype == VT_TCV && l->status != ST_OPEN;
        fprintf(f, ", type: %s, from: ", prv ? "pressure_reducing" : "throttle");
        put_id(f, l->n1);
        fprintf(f, ", to: ");
        put_id(f, l->n2);
        fprintf(f, ", diameter: " NUM " mm", l->diam * cv.diam * 1e3);
        if (prv) {
            /* downstream head h (m) above the node -> gauge pressure p = rho0 g h of the
             * case's incompressible water at 20 degC (docs/epanet.md, "Heads"). */
            double h = setting_head(p, l->setting);
            double pg = RHO_20C * G_STD * h;
            fprintf(f, ", setpoint: %.9g kPa(g), zeta: " NUM "}   # PRV setting %g (%.6g m)\n",
                    pg / 1e3, l->minor, l->setting, h);
        } else if (tcv) {
            fprintf(f, ", zeta: " NUM "}   # TCV\n", l->setting);
        } else {
            fprintf(f, ", zeta: " NUM "}   # %s, open\n", l->minor, valve_word[l->vtype]);
        }
    }

    /* ---- pumps ---- */
    if (r->n_pumps_out) fprintf(f, "pumps:\n");
    for (size_t i = 0; i < p->n_links; i++) {
        const ep_link *l = &p->links[i];
        if (skip[i] || l->kind != LK_PUMP) continue;
        const ep_curve *c = &p->curves[dh_idmap_get(&p->curve_map, l->curve)];
        fprintf(f, "  - id: ");
        put_id(f, l->id);
        fprintf(f, "\n    from: ");
        put_id(f, l->n1);
        fprintf(f, "\n    to: ");
        put_id(f, l->n2);
        fprintf(f, "\n    curve: [");
        for (size_t k = 0; k < c->n; k++)
            fprintf(f, "%s[" NUM " m3/h, " NUM " m]", k ? ", " : "", c->x[k] * cv.q * 3600.0,
                    c->y[k] * cv.len);
        fprintf(f, "]   # curve ");
        put_text(f, c->id, false);
        fprintf(f, "\n");
        if (l->speed != 1.0) fprintf(f, "    speed: " NUM "\n", l->speed);
    }

    /* ---- sources: reservoirs, tanks, negative demands ---- */
    fprintf(f, "sources:\n");
    for (size_t i = 0; i < p->n_nodes; i++) {
        const ep_node *nd = &p->nodes[i];
        if (nd->kind == NK_JUNCTION || p->drop[i]) continue;
        fprintf(f, "  - {id: ");
        put_id(f, nd->id);
        fprintf(f, ", node: ");
        put_id(f, nd->id);
        fprintf(f, ", type: fixed_pressure, medium: water, pressure: 0 kPa(g), "
                   "temperature: 20 degC}\n");
        r->n_sources_out++;
    }
    size_t n_draw = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        const ep_node *nd = &p->nodes[i];
        if (nd->kind != NK_JUNCTION || p->drop[i]) continue;
        double q = (nd->has_dsection ? nd->dsum : nd->demand) * p->dmult * cv.q;
        if (q > 0) {
            n_draw++;
            r->total_demand += q;
        }
        if (q >= 0) continue;
        fprintf(f, "  - {id: ");
        put_id(f, nd->id);
        fprintf(f, ", node: ");
        put_id(f, nd->id);
        fprintf(f, ", type: fixed_flow, medium: water, mass_flow: %.12g kg/s, "
                   "temperature: 20 degC}   # demand " NUM " L/s\n",
                -q * RHO_20C, q * 1e3);
        r->n_sources_out++;
    }
    r->n_demands = n_draw;

    /* ---- consumers: junction demands ---- */
    if (n_draw) {
        const char *pre = p->opt->water_consumers ? "" : "#";
        if (!p->opt->water_consumers)
            fprintf(f, "# Junction demands (%zu, total %.6g L/s), left out of this case "
                       "(--no-water-consumers);\n# as `type: water` consumers (docs/epanet.md, "
                       "\"Demands\") they read:\n", n_draw, r->total_demand * 1e3);
        fprintf(f, "%sconsumers:\n", pre);
        for (size_t i = 0; i < p->n_nodes; i++) {
            const ep_node *nd = &p->nodes[i];
            if (nd->kind != NK_JUNCTION || p->drop[i]) continue;
            double q = (nd->has_dsection ? nd->dsum : nd->demand) * p->dmult * cv.q;
            if (q <= 0) continue;
            fprintf(f, "%s  - {id: ", pre);
            put_id(f, nd->id);
            fprintf(f, ", node: ");
            put_id(f, nd->id);
            fprintf(f, ", type: water, demand: " NUM " L/s}\n", q * 1e3);
        }
    }
    free(skip);
    free(cv_pipe);
}
/* ---- driver ----------------------------------------------------------------------------------------- */

static void ep_free(ep *p)
{
    for (size_t i = 0; i < p->n_nodes; i++) free(p->nodes[i].id);
    for (size_t i = 0; i < p->n_links; i++) {
        free(p->links[i].id);
        free(p->links[i].n1);
        free(p->links[i].n2);
        free(p->links[i].curve);
    }
    for (size_t i = 0; i < p->n_curves; i++) {
        free(p->curves[i].id);
        free(p->curves[i].x);
        free(p->curves[i].y);
    }
    free(p->nodes);
    free(p->links);
    free(p->curves);
    free(p->title.s);
    free(p->drop);
    dh_idmap_free(&p->node_map);
    dh_idmap_free(&p->link_map);
    dh_idmap_free(&p->curve_map);
}

void dh_epanet_options_init(dh_epanet_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->water_consumers = true;
}

void dh_epanet_report_free(dh_epanet_report *report)
{
    if (!report) return;
    for (size_t i = 0; i < report->n_notes; i++) free(report->notes[i].text);
    free(report->notes);
    memset(report, 0, sizeof *report);
}

static const char *headloss_name(int h)
{
    return h == HL_HW ? "H-W" : h == HL_DW ? "D-W" : "C-M";
}

dh_status dh_epanet_import_string(const char *text, size_t len, const char *name,
                                  const dh_epanet_options *opt, FILE *yaml_out, dh_diag *diag,
                                  dh_epanet_report *report)
{
    dh_epanet_report scratch;
    dh_epanet_options defaults;
    dh_epanet_options_init(&defaults);
    if (!report) report = &scratch;
    memset(report, 0, sizeof *report);
    ep p;
    memset(&p, 0, sizeof p);
    p.file = name ? name : "<string>";
    p.diag = diag;
    p.opt = opt ? opt : &defaults;
    p.rep = report;
    /* EPANET's defaults (EPANET 2.2 user manual, Analysis Options): GPM, H-W, SG 1 */
    p.fu = &flow_units[1];
    p.headloss = HL_HW;
    p.sp_grav = 1.0;
    p.dmult = 1.0;
    dh_status st = DH_OK;
    char *copy = malloc(len + 1);
    if (!copy || dh_idmap_init(&p.node_map, 64) || dh_idmap_init(&p.link_map, 64) ||
        dh_idmap_init(&p.curve_map, 8)) {
        st = DH_ERR_NOMEM;
        goto done;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    read_inp(&p, copy, len);
    if (p.nomem) {
        st = DH_ERR_NOMEM;
        goto done;
    }
    check_refs(&p);
    size_t n_fixed = 0;
    for (size_t i = 0; i < p.n_nodes; i++) {
        ep_node *nd = &p.nodes[i];
        if (nd->kind == NK_JUNCTION) report->n_junctions++;
        if (nd->kind == NK_RESERVOIR) report->n_reservoirs++, n_fixed++;
        if (nd->kind == NK_TANK) report->n_tanks++, n_fixed++;
    }
    for (size_t i = 0; i < p.n_links; i++) {
        if (p.links[i].kind == LK_PIPE) report->n_pipes++;
        if (p.links[i].kind == LK_PUMP) report->n_pumps++;
        if (p.links[i].kind == LK_VALVE) report->n_valves++;
    }
    if (!p.n_errors && !p.n_nodes)
        err_at(&p, 0, 0, NULL, "no nodes: is this an EPANET input file?");
    else if (!p.n_errors && !n_fixed)
        err_at(&p, 0, 0, NULL, "no reservoir or tank: the network has no fixed head");
    if (!p.n_errors && p.opt->refuse_non_darcy && p.headloss != HL_DW)
        err_at(&p, p.headloss_line, 0, NULL,
               "HEADLOSS %s: refused (--darcy-only; import without it to %s)",
               headloss_name(p.headloss), p.headloss == HL_HW ? "keep Hazen-Williams (friction: "
               "hazen_williams), or with --hw-as-darcy to convert C to a roughness" :
               "convert the coefficients to a roughness");
    snprintf(report->flow_units, sizeof report->flow_units, "%s", p.fu->name);
    snprintf(report->headloss, sizeof report->headloss, "%s", headloss_name(p.headloss));
    if (p.n_errors) {
        st = DH_ERR_PARSE;
        goto done;
    }
    write_case(&p, yaml_out);
    if (p.nomem) st = DH_ERR_NOMEM;
    else if (fflush(yaml_out) || ferror(yaml_out)) st = DH_ERR_IO;
done:
    ep_free(&p);
    free(copy);
    if (report == &scratch) dh_epanet_report_free(&scratch);
    return st;
}

dh_status dh_epanet_import(const char *inp_path, const dh_epanet_options *opt, FILE *yaml_out,
                           dh_diag *diag, dh_epanet_report *report)
{
    if (report) memset(report, 0, sizeof *report);
    FILE *in = fopen(inp_path, "rb");
    if (!in) {
        dh_srcpos pos = {inp_path, 0, 0};
        return dh_diag_report(diag, DH_ERR_IO, &pos, NULL, "cannot open the EPANET file: %s",
                              strerror(errno));
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            size_t nc = cap ? cap * 2 : 65536 * 2;
            char *q = realloc(text, nc);
            if (!q) {
                free(text);
                fclose(in);
                return dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory");
            }
            text = q;
            cap = nc;
        }
        size_t got = fread(text + len, 1, cap - len, in);
        len += got;
        if (got == 0) break;
    }
    bool bad = ferror(in);
    fclose(in);
    if (bad) {
        free(text);
        dh_srcpos pos = {inp_path, 0, 0};
        return dh_diag_report(diag, DH_ERR_IO, &pos, NULL, "cannot read the EPANET file (is it "
                                                           "a directory?)");
    }
    dh_status st = dh_epanet_import_string(text ? text : "", len, inp_path, opt, yaml_out, diag,
                                           report);
    free(text);
    return st;
}
