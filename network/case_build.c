/* case_build.c: the case reader's schema pass: value tree -> checked SI values -> network builder.
 *
 * Exports (case_internal.h): case_build. Called by case_read.c after YAML parsing, CSV expansion
 * and --set overrides.
 *
 * Every mapping of the format has a table of its keys (field: key, kind of value, quantity,
 * flags). rec_read() checks a mapping against its table: unknown keys (with "did you mean"),
 * duplicate keys, values of the wrong shape, missing required keys, and fills the gaps from the
 * case's `defaults:` section. Typed getters then convert each value (units through dh_units with
 * the case's atmospheric pressure) and check its range, reporting at the value's own position.
 * Checks that need more than one value of one component (a setpoint only on pressure-reducing
 * valves, kv or zeta on every valve...) are here too; checks that need the network (dangling
 * ids: net_build.c; islands, media: net_validate) are not. docs/case-format.md is the reference.
 * The `plant:` section (its own part below) fills dh_case.plant (dh_plant_spec.h).
 */
#include "case_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_network.h"
#include "dh_strutil.h"

/* ---- schema ------------------------------------------------------------------------------ */

typedef enum ftype {
    FT_QTY,  /* number with unit, quantity q */
    FT_NUM,  /* dimensionless number */
    FT_INT,  /* integer */
    FT_STR,  /* text (ids, names) */
    FT_ENUM, /* one word of `words` */
    FT_BOOL, /* true / false */
    FT_DIAM, /* "DN300" or an inner diameter with a length unit */
    FT_KV,   /* valve flow coefficient: m3/h at 1 bar; a bare number is m3/h */
    FT_ANY,  /* structured: read by the component's own code */
} ftype;

enum {
    F_REQ = 1u << 0,    /* required */
    F_NODEF = 1u << 1,  /* identity key: never taken from, nor allowed in, defaults */
    F_POS = 1u << 2,    /* > 0 */
    F_NONNEG = 1u << 3, /* >= 0 */
    F_ABS = 1u << 4,    /* a temperature: above absolute zero */
    F_UNIT = 1u << 5,   /* between 0 and 1 */
};

typedef struct field {
    const char *key;
    ftype type;
    dh_quantity q;
    unsigned flags;
    const char *const *words; /* FT_ENUM, NULL-terminated */
    double max;               /* FT_INT / FT_NUM upper bound (0: none) */
} field;

#define MAXF 24

/* One mapping checked against its table: v[i] is the value of field i (NULL when absent). */
typedef struct rec {
    case_ctx *ctx;
    const field *f;
    size_t nf;
    const cv_node *map;
    cv_node *v[MAXF];
    bool from_default[MAXF];
    const cv_node *null_at[MAXF]; /* the key was there with an empty value */
    const char *comp;             /* "pipe P1" */
    const char *def_comp;         /* "defaults.pipe": names values taken from the defaults */
} rec;

/* The component an error on field i belongs to: a value taken from `defaults:` is reported
 * once, under the defaults' name, not once per component that uses it. */
static const char *rc(const rec *r, size_t i)
{
    return r->from_default[i] && r->def_comp ? r->def_comp : r->comp;
}

static const char *const w_study[] = {"steady", "series", "transient", NULL};
static const char *const w_friction[] = {"colebrook", "swamee_jain", NULL};
static const char *const w_water[] = {"iapws", "incompressible", NULL};
static const char *const w_laying[] = {"above_ground", "buried", NULL};
static const char *const w_valve[] = {"pressure_reducing", "check", "throttle", NULL};
static const char *const w_source[] = {"fixed_pressure", "fixed_flow", NULL};
static const char *const w_medium[] = {"steam", "water", NULL};
static const char *const w_consumer[] = {"steam", "heat", "water", NULL};

enum { T_DHSIM, T_NAME, T_DESCRIPTION, T_AMBIENT, T_STUDY, T_DEFAULTS, T_NODES, T_PIPES,
       T_VALVES, T_PUMPS, T_SOURCES, T_CONSUMERS, T_SUBSTATIONS, T_PLANT, T_WEATHER, T_CALENDAR, T_LOADS, T_N };
static const field top_fields[T_N] = {
    [T_DHSIM] = {"dhsim", FT_INT, 0, F_REQ | F_POS, NULL, 0},
    [T_NAME] = {"name", FT_STR, 0, 0, NULL, 0},
    [T_DESCRIPTION] = {"description", FT_STR, 0, 0, NULL, 0},
    [T_AMBIENT] = {"ambient", FT_ANY, 0, 0, NULL, 0},
    [T_STUDY] = {"study", FT_ANY, 0, 0, NULL, 0},
    [T_DEFAULTS] = {"defaults", FT_ANY, 0, 0, NULL, 0},
    [T_NODES] = {"nodes", FT_ANY, 0, F_REQ, NULL, 0},
    [T_PIPES] = {"pipes", FT_ANY, 0, 0, NULL, 0},
    [T_VALVES] = {"valves", FT_ANY, 0, 0, NULL, 0},
    [T_PUMPS] = {"pumps", FT_ANY, 0, 0, NULL, 0},
    [T_SOURCES] = {"sources", FT_ANY, 0, 0, NULL, 0},
    [T_CONSUMERS] = {"consumers", FT_ANY, 0, 0, NULL, 0},
    [T_SUBSTATIONS] = {"substations", FT_ANY, 0, 0, NULL, 0},
    [T_PLANT] = {"plant", FT_ANY, 0, 0, NULL, 0},
    [T_WEATHER] = {"weather", FT_ANY, 0, 0, NULL, 0},
    [T_CALENDAR] = {"calendar", FT_ANY, 0, 0, NULL, 0},
    [T_LOADS] = {"loads", FT_ANY, 0, 0, NULL, 0},
};

enum { A_AIR, A_SOIL, A_PATM, A_WIND, A_N };
static const field ambient_fields[A_N] = {
    [A_AIR] = {"air", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [A_SOIL] = {"soil", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [A_PATM] = {"atmospheric_pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [A_WIND] = {"wind", FT_QTY, DH_Q_VELOCITY, F_NONNEG, NULL, 0},
};

enum { S_TYPE, S_FRICTION, S_TOL, S_MAXIT, S_VSTEAM, S_VWATER, S_START, S_END, S_STEP, S_WATER,
       S_TWATER, S_N };
static const field study_fields[S_N] = {
    [S_TYPE] = {"type", FT_ENUM, 0, 0, w_study, 0},
    [S_FRICTION] = {"friction", FT_ENUM, 0, 0, w_friction, 0},
    [S_TOL] = {"tolerance", FT_NUM, 0, F_POS, NULL, 0.1},
    [S_MAXIT] = {"max_iterations", FT_INT, 0, F_POS, NULL, 100000},
    [S_VSTEAM] = {"max_steam_velocity", FT_QTY, DH_Q_VELOCITY, F_NONNEG, NULL, 0},
    [S_VWATER] = {"max_water_velocity", FT_QTY, DH_Q_VELOCITY, F_NONNEG, NULL, 0},
    [S_START] = {"start", FT_STR, 0, 0, NULL, 0}, /* series: read by series_study */
    [S_END] = {"end", FT_STR, 0, 0, NULL, 0},
    [S_STEP] = {"step", FT_QTY, DH_Q_TIME, F_POS, NULL, 0},
    [S_WATER] = {"water", FT_ENUM, 0, 0, w_water, 0},
    [S_TWATER] = {"water_temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
};

enum { N_ID, N_X, N_Y, N_Z, N_N };
static const field node_fields[N_N] = {
    [N_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [N_X] = {"x", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [N_Y] = {"y", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [N_Z] = {"z", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
};

enum { P_ID, P_FROM, P_TO, P_LENGTH, P_DIAM, P_OUTER, P_ROUGH, P_KSUM, P_LEQ, P_WALL, P_INS,
       P_LAYING, P_SEGMENTS, P_N };
static const field pipe_fields[P_N] = {
    [P_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [P_FROM] = {"from", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [P_TO] = {"to", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [P_LENGTH] = {"length", FT_QTY, DH_Q_LENGTH, F_REQ | F_POS, NULL, 0},
    [P_DIAM] = {"diameter", FT_DIAM, DH_Q_LENGTH, F_REQ | F_POS, NULL, 0},
    [P_OUTER] = {"outer_diameter", FT_QTY, DH_Q_LENGTH, F_POS, NULL, 0},
    [P_ROUGH] = {"roughness", FT_QTY, DH_Q_LENGTH, F_REQ | F_NONNEG, NULL, 0},
    [P_KSUM] = {"local_loss", FT_NUM, 0, F_NONNEG, NULL, 0},
    [P_LEQ] = {"equivalent_length", FT_QTY, DH_Q_LENGTH, F_NONNEG, NULL, 0},
    [P_WALL] = {"wall_conductivity", FT_QTY, DH_Q_CONDUCTIVITY, F_POS, NULL, 0},
    [P_INS] = {"insulation", FT_ANY, 0, 0, NULL, 0},
    [P_LAYING] = {"laying", FT_ANY, 0, 0, NULL, 0},
    [P_SEGMENTS] = {"segments", FT_INT, 0, F_POS, NULL, 100000},
};

enum { I_THICK, I_COND, I_N };
static const field layer_fields[I_N] = {
    [I_THICK] = {"thickness", FT_QTY, DH_Q_LENGTH, F_REQ | F_POS, NULL, 0},
    [I_COND] = {"conductivity", FT_QTY, DH_Q_CONDUCTIVITY, F_REQ | F_POS, NULL, 0},
};

enum { L_TYPE, L_SURF, L_DEPTH, L_SOIL, L_PAIR, L_SPACING, L_N };
static const field laying_fields[L_N] = {
    [L_TYPE] = {"type", FT_ENUM, 0, 0, w_laying, 0},
    [L_SURF] = {"surface_coefficient", FT_QTY, DH_Q_HEAT_TRANSFER, F_POS, NULL, 0},
    [L_DEPTH] = {"depth", FT_QTY, DH_Q_LENGTH, F_POS, NULL, 0},
    [L_SOIL] = {"soil_conductivity", FT_QTY, DH_Q_CONDUCTIVITY, F_POS, NULL, 0},
    [L_PAIR] = {"pair", FT_STR, 0, F_NODEF, NULL, 0},
    [L_SPACING] = {"spacing", FT_QTY, DH_Q_LENGTH, F_POS, NULL, 0},
};

enum { V_ID, V_TYPE, V_FROM, V_TO, V_SETPOINT, V_DIAM, V_KV, V_ZETA, V_OPENING, V_N };
static const field valve_fields[V_N] = {
    [V_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [V_TYPE] = {"type", FT_ENUM, 0, F_REQ, w_valve, 0},
    [V_FROM] = {"from", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [V_TO] = {"to", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [V_SETPOINT] = {"setpoint", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [V_DIAM] = {"diameter", FT_DIAM, DH_Q_LENGTH, F_POS, NULL, 0},
    [V_KV] = {"kv", FT_KV, DH_Q_VOLUME_FLOW, F_POS, NULL, 0},
    [V_ZETA] = {"zeta", FT_NUM, 0, F_NONNEG, NULL, 0},
    [V_OPENING] = {"opening", FT_NUM, 0, F_UNIT, NULL, 0},
};

enum { U_ID, U_FROM, U_TO, U_CURVE, U_SPEED, U_N };
static const field pump_fields[U_N] = {
    [U_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [U_FROM] = {"from", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [U_TO] = {"to", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [U_CURVE] = {"curve", FT_ANY, 0, F_REQ, NULL, 0},
    [U_SPEED] = {"speed", FT_NUM, 0, F_POS, NULL, 0},
};

enum { SO_ID, SO_NODE, SO_TYPE, SO_MEDIUM, SO_P, SO_T, SO_M, SO_N };
static const field source_fields[SO_N] = {
    [SO_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [SO_NODE] = {"node", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [SO_TYPE] = {"type", FT_ENUM, 0, 0, w_source, 0},
    [SO_MEDIUM] = {"medium", FT_ENUM, 0, F_REQ, w_medium, 0},
    [SO_P] = {"pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [SO_T] = {"temperature", FT_QTY, DH_Q_TEMPERATURE, F_REQ | F_ABS, NULL, 0},
    [SO_M] = {"mass_flow", FT_QTY, DH_Q_MASS_FLOW, F_POS, NULL, 0},
};

enum { C_ID, C_NODE, C_GROUP, C_TYPE, C_DEMAND, C_RETURN, C_TSUP, C_TRET, C_PMIN, C_TMIN,
       C_DRY, C_N };
static const field consumer_fields[C_N] = {
    [C_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [C_NODE] = {"node", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [C_GROUP] = {"group", FT_STR, 0, 0, NULL, 0},
    [C_TYPE] = {"type", FT_ENUM, 0, F_REQ, w_consumer, 0},
    [C_DEMAND] = {"demand", FT_ANY, 0, F_REQ, NULL, 0},
    [C_RETURN] = {"return_node", FT_STR, 0, F_NODEF, NULL, 0},
    [C_TSUP] = {"supply_temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [C_TRET] = {"return_temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [C_PMIN] = {"min_pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [C_TMIN] = {"min_temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [C_DRY] = {"require_dry", FT_BOOL, 0, 0, NULL, 0},
};

enum { X_ID, X_STEAM, X_IN, X_OUT, X_TSUP, X_TCOND, X_QMAX, X_N };
static const field substation_fields[X_N] = {
    [X_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [X_STEAM] = {"steam_node", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [X_IN] = {"water_in", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [X_OUT] = {"water_out", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [X_TSUP] = {"supply_temperature", FT_QTY, DH_Q_TEMPERATURE, F_REQ | F_ABS, NULL, 0},
    [X_TCOND] = {"condensate_temperature", FT_QTY, DH_Q_TEMPERATURE, F_REQ | F_ABS, NULL, 0},
    [X_QMAX] = {"max_heat", FT_QTY, DH_Q_POWER, F_NONNEG, NULL, 0},
};

/* Component kinds: the table key, the singular used in messages and in `defaults:`. */
typedef enum kind { K_NODE, K_PIPE, K_VALVE, K_PUMP, K_SOURCE, K_CONSUMER, K_SUBSTATION, K_N } kind;
static const char *const kind_name[K_N] = {"node", "pipe", "valve", "pump",
                                           "source", "consumer", "substation"};
static const char *const kind_table[K_N] = {"nodes", "pipes", "valves", "pumps",
                                            "sources", "consumers", "substations"};

typedef struct bctx {
    case_ctx *ctx;
    dh_netbuild *b;
    const cv_node *defaults[K_N]; /* the `defaults.<kind>` mappings */
    bool defaults_mode;           /* checking `defaults:` itself: no required keys, no builder */
} bctx;

/* ---- checking a mapping against its table ------------------------------------------------ */

static void list_words(char *buf, size_t size, const char *const *words)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; words[i] && off < size; i++) {
        int n = snprintf(buf + off, size - off, "%s%s", i ? ", " : "", words[i]);
        if (n < 0) break;
        off += (size_t)n;
    }
}

static bool rec_read(case_ctx *ctx, rec *r, const cv_node *map, const field *f, size_t nf,
                     const cv_node *defaults, const char *def_comp, const char *comp,
                     bool defaults_mode)
{
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->f = f;
    r->nf = nf;
    r->map = map;
    r->comp = comp;
    r->def_comp = def_comp;
    if (map->kind != CV_MAP) {
        case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "expected a mapping (key: value), got %s",
                   cv_kind_text(map->kind));
        return false;
    }
    const char *keys[MAXF];
    for (size_t i = 0; i < nf; i++) keys[i] = f[i].key;
    for (size_t k = 0; k < map->n; k++) {
        const cv_pair *p = &map->pairs[k];
        size_t i = 0;
        while (i < nf && strcmp(f[i].key, p->key)) i++;
        if (i == nf) {
            if (!strcmp(p->key, "<<")) {
                case_error(ctx, DH_ERR_INPUT, &p->key_pos, comp,
                           "merge keys ('<<') are not supported; use the 'defaults' section");
                continue;
            }
            const char *hint = dh_str_suggest(p->key, keys, nf);
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, comp, "unknown key '%s'%s%s%s", p->key,
                       hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
            continue;
        }
        if (r->v[i] || r->null_at[i]) {
            const dh_srcpos *first = r->v[i] ? &r->v[i]->pos : &r->null_at[i]->pos;
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, comp,
                       "duplicate key '%s' (first given at line %d)", p->key, first->line);
            continue;
        }
        if (defaults_mode && (f[i].flags & F_NODEF)) {
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, comp, "'%s' cannot have a default",
                       p->key);
            continue;
        }
        if (p->value->kind == CV_NULL)
            r->null_at[i] = p->value;
        else
            r->v[i] = p->value;
    }
    if (defaults && defaults->kind == CV_MAP) {
        for (size_t i = 0; i < nf; i++) {
            if (r->v[i] || r->null_at[i] || (f[i].flags & F_NODEF)) continue;
            const cv_pair *p = cv_map_find(defaults, f[i].key);
            if (p && p->value->kind != CV_NULL) {
                r->v[i] = p->value;
                r->from_default[i] = true;
            }
        }
    }
    if (!defaults_mode) {
        for (size_t i = 0; i < nf; i++) {
            if (!(f[i].flags & F_REQ) || r->v[i]) continue;
            if (r->null_at[i])
                case_error(ctx, DH_ERR_INPUT, &r->null_at[i]->pos, comp, "'%s' has no value",
                           f[i].key);
            else
                case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "missing required key '%s'",
                           f[i].key);
        }
    }
    return true;
}

/* Reports a conditional requirement ("'setpoint' is required for pressure_reducing valves"). */
static void rec_missing(rec *r, size_t i, const char *why)
{
    if (r->null_at[i])
        case_error(r->ctx, DH_ERR_INPUT, &r->null_at[i]->pos, r->comp, "'%s' has no value (%s)",
                   r->f[i].key, why);
    else
        case_error(r->ctx, DH_ERR_INPUT, &r->map->pos, r->comp, "missing required key '%s' (%s)",
                   r->f[i].key, why);
}

/* Reports a key given where it does not apply (only when given here, not by defaults). */
static void rec_not_here(rec *r, size_t i, const char *why)
{
    if (!r->v[i] || r->from_default[i]) return;
    case_error(r->ctx, DH_ERR_INPUT, &r->v[i]->pos, r->comp, "'%s' %s", r->f[i].key, why);
}

static bool rec_has(const rec *r, size_t i) { return r->v[i] != NULL; }

/* ---- typed getters: each converts, checks the range and reports at the value ---------------- */

static const cv_node *rec_scalar(rec *r, size_t i)
{
    const cv_node *n = r->v[i];
    if (!n) return NULL;
    if (n->kind != CV_SCALAR) {
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' must be a single value, not %s",
                   r->f[i].key, cv_kind_text(n->kind));
        return NULL;
    }
    return n;
}

/* A plain decimal number, nothing else ("12", "-3.5e2"). */
static bool bare_number(const char *s, double *v)
{
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s) return false;
    while (isspace((unsigned char)*end)) end++;
    if (*end) return false;
    /* strtod also reads "inf", "nan" and hexadecimal: not numbers in a case file */
    for (const char *c = s; c < end; c++)
        if (isalpha((unsigned char)*c) && *c != 'e' && *c != 'E') return false;
    *v = d;
    return true;
}

static bool check_range(rec *r, size_t i, const cv_node *n, double v)
{
    const field *f = &r->f[i];
    const char *msg = NULL;
    if (!isfinite(v))
        msg = "must be a finite number";
    else if ((f->flags & F_ABS) && v <= 0)
        msg = "is at or below absolute zero";
    else if ((f->flags & F_POS) && v <= 0)
        msg = "must be positive";
    else if ((f->flags & F_NONNEG) && v < 0)
        msg = "must not be negative";
    else if ((f->flags & F_UNIT) && (v < 0 || v > 1))
        msg = "must lie between 0 and 1";
    else if (f->max > 0 && v > f->max)
        msg = "is too large";
    if (!msg) return true;
    if (f->max > 0 && v > f->max)
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' %s (at most %g), got '%s'",
                   f->key, msg, f->max, n->text);
    else
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' %s, got '%s'", f->key, msg,
                   n->text);
    return false;
}

/* A number with a unit as quantity q. A CSV cell that is a bare number takes its column's
 * unit. */
static bool parse_qty(rec *r, size_t i, const cv_node *n, dh_quantity q, double *out)
{
    case_ctx *ctx = r->ctx;
    dh_error e;
    dh_error_clear(&e);
    double si = 0, bare;
    dh_status st;
    if (n->unit && bare_number(n->text, &bare))
        st = dh_units_convert(ctx->units, bare, n->unit, q, ctx->p_atm, &si, &n->pos, &e);
    else
        st = dh_units_parse(ctx->units, n->text, q, ctx->p_atm, &si, &n->pos, &e);
    if (st != DH_OK) {
        if (!e.message[0])
            dh_error_set(&e, DH_ERR_UNITS, &n->pos, NULL, "cannot read '%s' as a %s", n->text,
                         dh_quantity_name(q));
        if (!e.file[0]) snprintf(e.file, sizeof e.file, "%s", n->pos.file ? n->pos.file : "");
        if (e.line == 0) e.line = n->pos.line, e.col = n->pos.col;
        case_error_rec(ctx, &e, rc(r, i), r->f[i].key);
        return false;
    }
    if (!check_range(r, i, n, si)) return false;
    *out = si;
    return true;
}

static bool get_qty(rec *r, size_t i, double *out)
{
    const cv_node *n = rec_scalar(r, i);
    return n && parse_qty(r, i, n, r->f[i].q, out);
}

static bool get_num(rec *r, size_t i, double *out)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    double v;
    if (bare_number(n->text, &v)) {
        if (!check_range(r, i, n, v)) return false;
        *out = v;
        return true;
    }
    return parse_qty(r, i, n, DH_Q_DIMENSIONLESS, out); /* "80 %" */
}

static bool get_int(rec *r, size_t i, long *out)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    char *end;
    errno = 0;
    long v = strtol(n->text, &end, 10);
    while (end != n->text && isspace((unsigned char)*end)) end++;
    if (end == n->text || *end || errno) {
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' must be a whole number, got '%s'",
                   r->f[i].key, n->text);
        return false;
    }
    if (!check_range(r, i, n, (double)v)) return false;
    *out = v;
    return true;
}

static bool get_str(rec *r, size_t i, const char **out)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    if (!n->text[0]) {
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' is empty", r->f[i].key);
        return false;
    }
    *out = n->text;
    return true;
}

static bool get_enum(rec *r, size_t i, int *out)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    const char *const *w = r->f[i].words;
    size_t nw = 0;
    for (; w[nw]; nw++)
        if (!strcmp(w[nw], n->text)) {
            *out = (int)nw;
            return true;
        }
    char list[256];
    list_words(list, sizeof list, w);
    const char *hint = dh_str_suggest(n->text, w, nw);
    if (hint)
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i),
                   "unknown %s '%s' (did you mean '%s'?); expected one of: %s", r->f[i].key,
                   n->text, hint, list);
    else
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i),
                   "unknown %s '%s'; expected one of: %s", r->f[i].key, n->text, list);
    return false;
}

static bool get_bool(rec *r, size_t i, bool *out)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False", "FALSE"};
    for (int k = 0; k < 3; k++) {
        if (!strcmp(n->text, yes[k])) return *out = true, true;
        if (!strcmp(n->text, no[k])) return *out = false, true;
    }
    case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i), "'%s' must be true or false, got '%s'",
               r->f[i].key, n->text);
    return false;
}

/* "DN300" (nominal size: bore and outside diameter from the standard-wall steel pipe table),
 * a bare number in a CSV column headed "[DN]", or an inner diameter with a length unit. */
static bool get_diam(rec *r, size_t i, double *inner, double *outer)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    const char *s = n->text;
    double bare;
    bool dn_text = (s[0] == 'D' || s[0] == 'd') && (s[1] == 'N' || s[1] == 'n');
    bool dn_col = n->unit && !strcmp(n->unit, "DN") && bare_number(s, &bare);
    if (dn_text || dn_col) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s%.40s", dn_col ? "DN" : "", s);
        double di = 0, dout = 0;
        dh_error e;
        dh_error_clear(&e);
        if (dh_dn_parse(buf, &di, &dout, &n->pos, &e) != DH_OK) {
            if (!e.file[0]) snprintf(e.file, sizeof e.file, "%s", n->pos.file ? n->pos.file : "");
            if (e.line == 0) e.line = n->pos.line, e.col = n->pos.col;
            case_error_rec(r->ctx, &e, rc(r, i), r->f[i].key);
            return false;
        }
        *inner = di;
        if (outer) *outer = dout;
        return true;
    }
    if (bare_number(s, &bare) && !n->unit) {
        case_error(r->ctx, DH_ERR_INPUT, &n->pos, rc(r, i),
                   "'%s' needs a unit ('309.7 mm') or a nominal size ('DN300'), got '%s'",
                   r->f[i].key, s);
        return false;
    }
    if (!parse_qty(r, i, n, DH_Q_LENGTH, inner)) return false;
    if (outer) *outer = 0;
    return true;
}

/* Valve flow coefficient Kv: m3/h of water at 1 bar pressure drop (IEC 60534). A bare number
 * is in m3/h as catalogues print it; with a unit it is a volume flow converted to m3/h. */
static bool get_kv(rec *r, size_t i, double *kv_m3h)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    double v;
    if (!n->unit && bare_number(n->text, &v)) {
        if (!check_range(r, i, n, v)) return false;
        *kv_m3h = v;
        return true;
    }
    if (!parse_qty(r, i, n, DH_Q_VOLUME_FLOW, &v)) return false;
    *kv_m3h = v * 3600.0;
    return true;
}

/* Checks any scalar field by its type (for values whose use is decided elsewhere). */
static void check_scalar_field(rec *r, size_t i)
{
    double d;
    long l;
    const char *s;
    int e;
    bool b;
    if (!r->v[i]) return;
    switch (r->f[i].type) {
    case FT_QTY: get_qty(r, i, &d); break;
    case FT_NUM: get_num(r, i, &d); break;
    case FT_INT: get_int(r, i, &l); break;
    case FT_STR: get_str(r, i, &s); break;
    case FT_ENUM: get_enum(r, i, &e); break;
    case FT_BOOL: get_bool(r, i, &b); break;
    case FT_DIAM: get_diam(r, i, &d, NULL); break;
    case FT_KV: get_kv(r, i, &d); break;
    case FT_ANY: break;
    }
}

/* ---- component names ------------------------------------------------------------------------ */

/* "pipe P1", or "pipe #3" (the third item of the table) when the id is missing. */
static void comp_name(char *buf, size_t size, const char *kind_word, const cv_node *map,
                      size_t index)
{
    const cv_pair *p = cv_map_find(map, "id");
    if (p && p->value->kind == CV_SCALAR && p->value->text[0])
        snprintf(buf, size, "%s %s", kind_word, p->value->text);
    else
        snprintf(buf, size, "%s #%zu", kind_word, index + 1);
}

static dh_srcpos pos_of(const rec *r, size_t i)
{
    return r->v[i] ? r->v[i]->pos : r->map->pos;
}

/* Opens an item of component kind k: its name for messages, its mapping checked against the
 * kind's table, the gaps filled from `defaults.<kind>`. comp and def_comp (DH_ERROR_COMP_MAX
 * bytes) must outlive the record. */
static bool open_comp(bctx *bc, rec *r, kind k, const cv_node *map, size_t index, const field *f,
                      size_t nf, char *comp, char *def_comp)
{
    snprintf(def_comp, DH_ERROR_COMP_MAX, "defaults.%s", kind_name[k]);
    if (bc->defaults_mode)
        snprintf(comp, DH_ERROR_COMP_MAX, "%s", def_comp);
    else
        comp_name(comp, DH_ERROR_COMP_MAX, kind_name[k], map, index);
    return rec_read(bc->ctx, r, map, f, nf, bc->defaults_mode ? NULL : bc->defaults[k], def_comp,
                    comp, bc->defaults_mode);
}

/* ---- pipes ---------------------------------------------------------------------------------- */

/* Insulation layers from the wall outwards. Returns the count (layers malloc'ed into *out). */
static size_t read_insulation(bctx *bc, rec *r, dh_insulation_layer **out)
{
    *out = NULL;
    const cv_node *n = r->v[P_INS];
    if (!n) return 0;
    if (n->kind != CV_SEQ) {
        case_error(bc->ctx, DH_ERR_INPUT, &n->pos, rc(r, P_INS),
                   "'insulation' must be a list of layers ({thickness, conductivity}), not %s",
                   cv_kind_text(n->kind));
        return 0;
    }
    dh_insulation_layer *ly = calloc(n->n ? n->n : 1, sizeof *ly);
    if (!ly) {
        case_error(bc->ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        return 0;
    }
    size_t k = 0;
    for (size_t j = 0; j < n->n; j++) {
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "%s: insulation layer %zu", rc(r, P_INS), j + 1);
        rec lr;
        if (!rec_read(bc->ctx, &lr, n->items[j], layer_fields, I_N, NULL, NULL, comp, false))
            continue;
        double t = 0, c = 0;
        bool ok = rec_has(&lr, I_THICK) && get_qty(&lr, I_THICK, &t);
        ok = (rec_has(&lr, I_COND) && get_qty(&lr, I_COND, &c)) && ok;
        if (ok) ly[k++] = (dh_insulation_layer){t, c};
    }
    *out = ly;
    return k;
}

/* `laying:` as a word (above_ground, buried) or a mapping; the pipe's own laying takes the
 * values it lacks from defaults.pipe.laying when both are of the same type. */
static void read_laying(bctx *bc, rec *r, const cv_node *defaults, dh_pipe_spec *s)
{
    case_ctx *ctx = bc->ctx;
    const cv_node *n = r->v[P_LAYING];
    const cv_node *def = NULL;
    if (r->from_default[P_LAYING]) {
        def = n; /* the default laying itself: read it as the pipe's */
    } else if (defaults && defaults->kind == CV_MAP) {
        const cv_pair *p = cv_map_find(defaults, "laying");
        if (p) def = p->value;
    }
    if (!n) return; /* above ground (spec default) */
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "%s: laying", rc(r, P_LAYING));
    snprintf(def_comp, sizeof def_comp, "%s: laying", r->def_comp ? r->def_comp : r->comp);
    /* the word form */
    cv_node tmp_map, tmp_val;
    cv_pair tmp_pair;
    if (n->kind == CV_SCALAR) {
        memset(&tmp_map, 0, sizeof tmp_map);
        tmp_map.kind = CV_MAP;
        tmp_map.pos = n->pos;
        tmp_val = *n;
        tmp_pair = (cv_pair){"type", n->pos, &tmp_val};
        tmp_map.pairs = &tmp_pair;
        tmp_map.n = tmp_map.cap = 1;
        n = &tmp_map;
    }
    /* defaults fill in only for the same type */
    const cv_node *def_map = def && def != n && def->kind == CV_MAP ? def : NULL;
    if (def_map) {
        const cv_pair *tn = cv_map_find(n, "type"), *td = cv_map_find(def_map, "type");
        if (tn && td && tn->value->kind == CV_SCALAR && td->value->kind == CV_SCALAR &&
            strcmp(tn->value->text, td->value->text))
            def_map = NULL;
    }
    rec lr;
    if (!rec_read(ctx, &lr, n, laying_fields, L_N, def_map, def_comp, comp, bc->defaults_mode))
        return;
    int type = DH_LAYING_ABOVE_GROUND;
    if (rec_has(&lr, L_TYPE)) {
        if (!get_enum(&lr, L_TYPE, &type)) return;
    } else if (bc->defaults_mode) {
        /* a default laying without a type: each pipe's own type decides what applies */
        for (size_t i = 0; i < L_N; i++) check_scalar_field(&lr, i);
        return;
    } else {
        rec_missing(&lr, L_TYPE, "above_ground or buried");
        return;
    }
    s->laying = (dh_laying)type;
    if (type == DH_LAYING_ABOVE_GROUND) {
        if (rec_has(&lr, L_SURF)) get_qty(&lr, L_SURF, &s->surface_coefficient);
        rec_not_here(&lr, L_DEPTH, "applies only to buried pipes");
        rec_not_here(&lr, L_SOIL, "applies only to buried pipes");
        rec_not_here(&lr, L_PAIR, "applies only to buried pipes");
        rec_not_here(&lr, L_SPACING, "applies only to buried pipes");
        return;
    }
    rec_not_here(&lr, L_SURF, "applies only to above-ground pipes");
    if (rec_has(&lr, L_DEPTH))
        get_qty(&lr, L_DEPTH, &s->depth);
    else if (!bc->defaults_mode)
        rec_missing(&lr, L_DEPTH, "buried pipes need the depth of their axis");
    if (rec_has(&lr, L_SOIL))
        get_qty(&lr, L_SOIL, &s->soil_conductivity);
    else if (!bc->defaults_mode)
        rec_missing(&lr, L_SOIL, "buried pipes need the soil's thermal conductivity");
    if (rec_has(&lr, L_PAIR) && get_str(&lr, L_PAIR, &s->pair)) s->pair_pos = pos_of(&lr, L_PAIR);
    if (rec_has(&lr, L_SPACING)) {
        get_qty(&lr, L_SPACING, &s->pair_spacing);
        if (!rec_has(&lr, L_PAIR) && !bc->defaults_mode && !lr.from_default[L_SPACING])
            rec_not_here(&lr, L_SPACING, "needs 'pair' (the other pipe of the pair)");
    } else if (rec_has(&lr, L_PAIR) && !bc->defaults_mode) {
        rec_missing(&lr, L_SPACING, "the centre-to-centre distance of the pair");
    }
}

static void read_pipe(bctx *bc, const cv_node *map, size_t index)
{
    case_ctx *ctx = bc->ctx;
    const cv_node *defaults = bc->defaults[K_PIPE];
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_PIPE, map, index, pipe_fields, P_N, comp, def_comp)) return;
    dh_pipe_spec s;
    dh_pipe_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, P_ID, &s.id) & get_str(&r, P_FROM, &s.from) & get_str(&r, P_TO, &s.to);
        s.from_pos = pos_of(&r, P_FROM);
        s.to_pos = pos_of(&r, P_TO);
    }
    bool have_len = rec_has(&r, P_LENGTH) && get_qty(&r, P_LENGTH, &s.length);
    bool have_d = rec_has(&r, P_DIAM) && get_diam(&r, P_DIAM, &s.diameter, &s.outer_diameter);
    (void)have_len;
    if (rec_has(&r, P_OUTER)) {
        double od;
        if (get_qty(&r, P_OUTER, &od)) {
            if (have_d && od <= s.diameter)
                case_error(ctx, DH_ERR_INPUT, &r.v[P_OUTER]->pos, comp,
                           "'outer_diameter' (%g mm) must exceed the inner diameter (%g mm)",
                           od * 1e3, s.diameter * 1e3);
            else
                s.outer_diameter = od;
        }
    }
    bool have_rough = rec_has(&r, P_ROUGH) && get_qty(&r, P_ROUGH, &s.roughness);
    if (rec_has(&r, P_KSUM)) get_num(&r, P_KSUM, &s.local_loss);
    if (rec_has(&r, P_LEQ)) {
        double le;
        if (rec_has(&r, P_KSUM) && !r.from_default[P_KSUM] && !r.from_default[P_LEQ]) {
            case_error(ctx, DH_ERR_INPUT, &r.v[P_LEQ]->pos, comp,
                       "give either 'local_loss' or 'equivalent_length', not both");
        } else if (get_qty(&r, P_LEQ, &le) && have_d && have_rough && !bc->defaults_mode) {
            /* Fittings as an equivalent length of straight pipe -> sum of K, with the friction
             * factor of fully rough flow (Colebrook-White as Re -> inf, von Karman):
             *   1/sqrt(lambda) = -2 log10(eps / (3.71 D)),   K = lambda Le / D. */
            if (s.roughness <= 0) {
                case_error(ctx, DH_ERR_INPUT, &r.v[P_LEQ]->pos, comp,
                           "'equivalent_length' needs a roughness above zero; give 'local_loss' "
                           "instead");
            } else {
                double x = -2.0 * log10(s.roughness / (3.71 * s.diameter));
                double lambda = x > 0 ? 1.0 / (x * x) : 0.1;
                s.local_loss += lambda * le / s.diameter;
            }
        }
    }
    if (rec_has(&r, P_WALL)) get_qty(&r, P_WALL, &s.wall_conductivity);
    if (rec_has(&r, P_SEGMENTS)) {
        long seg;
        if (get_int(&r, P_SEGMENTS, &seg)) s.segments = (unsigned)seg;
    }
    dh_insulation_layer *ly = NULL;
    s.n_ins = read_insulation(bc, &r, &ly);
    s.ins = ly;
    read_laying(bc, &r, defaults, &s);
    if (!bc->defaults_mode && ids) {
        dh_error e;
        if (dh_netbuild_add_pipe(bc->b, &s, &e) != DH_OK) case_error_rec(ctx, &e, NULL, NULL);
    }
    free(ly);
}

/* ---- nodes, valves, pumps, sources, consumers, substations ----------------------------------- */

static void read_node(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_NODE, map, index, node_fields, N_N, comp, def_comp)) return;
    dh_node_spec s;
    memset(&s, 0, sizeof s);
    s.pos = map->pos;
    bool ok = bc->defaults_mode || get_str(&r, N_ID, &s.id);
    if (rec_has(&r, N_X)) get_qty(&r, N_X, &s.x);
    if (rec_has(&r, N_Y)) get_qty(&r, N_Y, &s.y);
    if (rec_has(&r, N_Z)) get_qty(&r, N_Z, &s.z);
    if (!bc->defaults_mode && ok) {
        dh_error e;
        if (dh_netbuild_add_node(bc->b, &s, &e) != DH_OK) case_error_rec(bc->ctx, &e, NULL, NULL);
    }
}

static void read_valve(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_VALVE, map, index, valve_fields, V_N, comp, def_comp)) return;
    dh_valve_spec s;
    dh_valve_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, V_ID, &s.id) & get_str(&r, V_FROM, &s.from) & get_str(&r, V_TO, &s.to);
        s.from_pos = pos_of(&r, V_FROM);
        s.to_pos = pos_of(&r, V_TO);
    }
    int type = -1;
    if (rec_has(&r, V_TYPE) && get_enum(&r, V_TYPE, &type)) s.type = (dh_valve_type)type;
    if (type == DH_VALVE_PRESSURE_REDUCING) {
        if (rec_has(&r, V_SETPOINT))
            get_qty(&r, V_SETPOINT, &s.setpoint);
        else if (!bc->defaults_mode)
            rec_missing(&r, V_SETPOINT, "the downstream pressure a pressure_reducing valve holds");
    } else if (type >= 0) {
        rec_not_here(&r, V_SETPOINT, "applies only to pressure_reducing valves");
    } else {
        check_scalar_field(&r, V_SETPOINT);
    }
    bool have_d = rec_has(&r, V_DIAM) && get_diam(&r, V_DIAM, &s.diameter, NULL);
    bool have_kv = rec_has(&r, V_KV) && get_kv(&r, V_KV, &s.kv);
    bool have_zeta = rec_has(&r, V_ZETA) && get_num(&r, V_ZETA, &s.zeta);
    if (rec_has(&r, V_OPENING)) get_num(&r, V_OPENING, &s.opening);
    if (!bc->defaults_mode) {
        if (!rec_has(&r, V_KV) && !rec_has(&r, V_ZETA))
            case_error(bc->ctx, DH_ERR_INPUT, &map->pos, comp,
                       "missing the valve's characteristic: give 'kv', or 'zeta' with 'diameter'");
        else if (have_zeta && !have_kv && !rec_has(&r, V_DIAM))
            rec_missing(&r, V_DIAM, "'zeta' refers to the velocity in the valve's bore");
    }
    (void)have_d;
    if (!bc->defaults_mode && ids) {
        dh_error e;
        if (dh_netbuild_add_valve(bc->b, &s, &e) != DH_OK) case_error_rec(bc->ctx, &e, NULL, NULL);
    }
}

/* Pump curve: [[flow, head], ...] with flow a volume flow and head in m of fluid column,
 * flows strictly increasing. */
static size_t read_curve(bctx *bc, rec *r, double **flow, double **head)
{
    *flow = *head = NULL;
    const cv_node *n = r->v[U_CURVE];
    if (!n) return 0;
    if (n->kind != CV_SEQ || n->n == 0) {
        case_error(bc->ctx, DH_ERR_INPUT, &n->pos, rc(r, U_CURVE),
                   "'curve' must be a list of [flow, head] points, as [[0 m3/h, 45 m], "
                   "[200 m3/h, 40 m]], not %s",
                   n->kind == CV_SEQ ? "an empty list" : cv_kind_text(n->kind));
        return 0;
    }
    double *q = calloc(n->n, sizeof *q), *h = calloc(n->n, sizeof *h);
    if (!q || !h) {
        free(q);
        free(h);
        case_error(bc->ctx, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        return 0;
    }
    static const field pf[2] = {{"curve flow", FT_QTY, DH_Q_VOLUME_FLOW, F_NONNEG, NULL, 0},
                                {"curve head", FT_QTY, DH_Q_HEAD, F_NONNEG, NULL, 0}};
    size_t k = 0;
    bool ok = true;
    for (size_t j = 0; j < n->n; j++) {
        const cv_node *pt = n->items[j];
        if (pt->kind != CV_SEQ || pt->n != 2) {
            case_error(bc->ctx, DH_ERR_INPUT, &pt->pos, rc(r, U_CURVE),
                       "curve point %zu must be a pair [flow, head], not %s", j + 1,
                       pt->kind == CV_SEQ ? "a list of another length" : cv_kind_text(pt->kind));
            ok = false;
            continue;
        }
        rec pr;
        memset(&pr, 0, sizeof pr);
        pr.ctx = bc->ctx;
        pr.f = pf;
        pr.nf = 2;
        pr.map = pt;
        pr.comp = rc(r, U_CURVE);
        pr.v[0] = pt->items[0];
        pr.v[1] = pt->items[1];
        double qv = 0, hv = 0;
        bool pok = get_qty(&pr, 0, &qv);
        pok = get_qty(&pr, 1, &hv) && pok;
        if (!pok) {
            ok = false;
            continue;
        }
        if (k > 0 && qv <= q[k - 1]) {
            case_error(bc->ctx, DH_ERR_INPUT, &pt->items[0]->pos, rc(r, U_CURVE),
                       "curve flows must increase from point to point: '%s' after %g m3/h",
                       pt->items[0]->text, q[k - 1] * 3600.0);
            ok = false;
            continue;
        }
        q[k] = qv;
        h[k] = hv;
        k++;
    }
    if (!ok) k = 0;
    *flow = q;
    *head = h;
    return k;
}

static void read_pump(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_PUMP, map, index, pump_fields, U_N, comp, def_comp)) return;
    dh_pump_spec s;
    dh_pump_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, U_ID, &s.id) & get_str(&r, U_FROM, &s.from) & get_str(&r, U_TO, &s.to);
        s.from_pos = pos_of(&r, U_FROM);
        s.to_pos = pos_of(&r, U_TO);
    }
    double *q = NULL, *h = NULL;
    s.n_curve = read_curve(bc, &r, &q, &h);
    s.curve_flow = q;
    s.curve_head = h;
    if (rec_has(&r, U_SPEED)) get_num(&r, U_SPEED, &s.speed);
    if (!bc->defaults_mode && ids) {
        dh_error e;
        if (dh_netbuild_add_pump(bc->b, &s, &e) != DH_OK) case_error_rec(bc->ctx, &e, NULL, NULL);
    }
    free(q);
    free(h);
}

static void read_source(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_SOURCE, map, index, source_fields, SO_N, comp, def_comp)) return;
    dh_source_spec s;
    dh_source_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, SO_ID, &s.id) & get_str(&r, SO_NODE, &s.node);
        s.node_pos = pos_of(&r, SO_NODE);
    }
    int type = DH_SOURCE_FIXED_PRESSURE, medium = -1;
    bool type_ok = !rec_has(&r, SO_TYPE) || get_enum(&r, SO_TYPE, &type);
    s.type = (dh_source_type)type;
    if (rec_has(&r, SO_MEDIUM) && get_enum(&r, SO_MEDIUM, &medium))
        s.medium = medium == 0 ? DH_MEDIUM_STEAM : DH_MEDIUM_WATER;
    if (rec_has(&r, SO_T)) get_qty(&r, SO_T, &s.temperature);
    if (!type_ok) {
        check_scalar_field(&r, SO_P);
        check_scalar_field(&r, SO_M);
    } else if (type == DH_SOURCE_FIXED_PRESSURE) {
        if (rec_has(&r, SO_P))
            get_qty(&r, SO_P, &s.pressure);
        else if (!bc->defaults_mode)
            rec_missing(&r, SO_P, "the set pressure of a fixed_pressure source");
        rec_not_here(&r, SO_M, "applies only to fixed_flow sources (this one holds its pressure)");
    } else {
        if (rec_has(&r, SO_M))
            get_qty(&r, SO_M, &s.mass_flow);
        else if (!bc->defaults_mode)
            rec_missing(&r, SO_M, "the set flow of a fixed_flow source");
        rec_not_here(&r, SO_P, "applies only to fixed_pressure sources (this one sets its flow)");
    }
    /* a source without a valid medium (already reported) is left out: the builder seeds the
     * nodes' media from the sources */
    if (!bc->defaults_mode && ids && s.medium != DH_MEDIUM_UNKNOWN) {
        dh_error e;
        if (dh_netbuild_add_source(bc->b, &s, &e) != DH_OK) case_error_rec(bc->ctx, &e, NULL, NULL);
    }
}

/* The demand of a water consumer: a volume flow (L/s, m3/h -> *vol, m3/s) or a mass flow
 * (kg/s, t/h -> *mass, kg/s), told apart by the unit's dimension. A CSV cell that is a bare
 * number takes its column's unit. Reports at the value and returns false when it is neither,
 * or negative. */
static bool parse_water_demand(rec *r, size_t i, const cv_node *n, double *vol, double *mass)
{
    case_ctx *ctx = r->ctx;
    static const dh_quantity q[2] = {DH_Q_VOLUME_FLOW, DH_Q_MASS_FLOW};
    double bare;
    bool cell = n->unit && bare_number(n->text, &bare);
    for (int k = 0; k < 2; k++) {
        dh_error e;
        dh_error_clear(&e);
        double si = 0;
        dh_status st = cell ? dh_units_convert(ctx->units, bare, n->unit, q[k], ctx->p_atm, &si,
                                               &n->pos, &e)
                            : dh_units_parse(ctx->units, n->text, q[k], ctx->p_atm, &si, &n->pos,
                                             &e);
        if (st != DH_OK) continue;
        if (!isfinite(si) || si < 0) {
            case_error(ctx, DH_ERR_INPUT, &n->pos, rc(r, i),
                       "'demand' must be a finite flow, not negative, got '%s'", n->text);
            return false;
        }
        *(k == 0 ? vol : mass) = si;
        return true;
    }
    case_error(ctx, DH_ERR_INPUT, &n->pos, rc(r, i),
               "'demand' of a water consumer must be a volume flow (e.g. '12 L/s', '40 m3/h') "
               "or a mass flow (e.g. '12 kg/s', '40 t/h'), got '%s'", n->text);
    return false;
}

static void read_consumer(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_CONSUMER, map, index, consumer_fields, C_N, comp, def_comp)) return;
    dh_consumer_spec s;
    dh_consumer_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, C_ID, &s.id) & get_str(&r, C_NODE, &s.node);
        s.node_pos = pos_of(&r, C_NODE);
        if (rec_has(&r, C_RETURN)) {
            ids = get_str(&r, C_RETURN, &s.return_node) && ids;
            s.return_pos = pos_of(&r, C_RETURN);
        }
    }
    if (rec_has(&r, C_GROUP)) get_str(&r, C_GROUP, &s.group);
    int type = -1;
    if (rec_has(&r, C_TYPE) && get_enum(&r, C_TYPE, &type)) s.type = (dh_consumer_type)type;
    /* demand: a mass flow for process steam, a heat flow for heat consumers, a volume or a
     * mass flow for water consumers */
    if (rec_has(&r, C_DEMAND) && type >= 0) {
        const cv_node *n = rec_scalar(&r, C_DEMAND);
        if (n && type == DH_CONSUMER_WATER) {
            parse_water_demand(&r, C_DEMAND, n, &s.demand_volume_flow, &s.demand_mass_flow);
        } else if (n && type == DH_CONSUMER_STEAM) {
            if (parse_qty(&r, C_DEMAND, n, DH_Q_MASS_FLOW, &s.demand_mass_flow) &&
                s.demand_mass_flow < 0)
                case_error(bc->ctx, DH_ERR_INPUT, &n->pos, rc(&r, C_DEMAND),
                           "'demand' must not be negative, got '%s'", n->text);
        } else if (n) {
            if (parse_qty(&r, C_DEMAND, n, DH_Q_POWER, &s.demand_heat) && s.demand_heat < 0)
                case_error(bc->ctx, DH_ERR_INPUT, &n->pos, rc(&r, C_DEMAND),
                           "'demand' must not be negative, got '%s'", n->text);
        }
    }
    if (rec_has(&r, C_TSUP)) get_qty(&r, C_TSUP, &s.supply_temperature);
    if (rec_has(&r, C_TRET))
        get_qty(&r, C_TRET, &s.return_temperature);
    else if (type == DH_CONSUMER_HEAT && !bc->defaults_mode)
        rec_missing(&r, C_TRET, "heat consumers return water or condensate at this temperature");
    if (rec_has(&r, C_PMIN)) get_qty(&r, C_PMIN, &s.min_pressure);
    if (rec_has(&r, C_TMIN)) get_qty(&r, C_TMIN, &s.min_temperature);
    if (rec_has(&r, C_DRY)) get_bool(&r, C_DRY, &s.require_dry);
    if (type == DH_CONSUMER_STEAM) {
        rec_not_here(&r, C_RETURN, "applies only to heat consumers");
        rec_not_here(&r, C_TSUP, "applies only to heat consumers");
    } else if (type == DH_CONSUMER_HEAT) {
        rec_not_here(&r, C_DRY, "applies only to steam consumers");
    } else if (type == DH_CONSUMER_WATER) {
        rec_not_here(&r, C_RETURN, "does not apply to water consumers: they draw water out of "
                                   "the network at their node (a substation with a return is "
                                   "type 'heat')");
        rec_not_here(&r, C_TSUP, "applies only to heat consumers");
        rec_not_here(&r, C_TRET, "applies only to heat consumers (a water consumer takes no heat)");
        rec_not_here(&r, C_DRY, "applies only to steam consumers");
    }
    if (!bc->defaults_mode && ids) {
        dh_error e;
        if (dh_netbuild_add_consumer(bc->b, &s, &e) != DH_OK)
            case_error_rec(bc->ctx, &e, NULL, NULL);
    }
}

static void read_substation(bctx *bc, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], def_comp[DH_ERROR_COMP_MAX];
    rec r;
    if (!open_comp(bc, &r, K_SUBSTATION, map, index, substation_fields, X_N, comp, def_comp)) return;
    dh_substation_spec s;
    dh_substation_spec_init(&s);
    s.pos = map->pos;
    bool ids = true;
    if (!bc->defaults_mode) {
        ids = get_str(&r, X_ID, &s.id) & get_str(&r, X_STEAM, &s.steam_node) &
              get_str(&r, X_IN, &s.water_in) & get_str(&r, X_OUT, &s.water_out);
        s.steam_pos = pos_of(&r, X_STEAM);
        s.in_pos = pos_of(&r, X_IN);
        s.out_pos = pos_of(&r, X_OUT);
    }
    if (rec_has(&r, X_TSUP)) get_qty(&r, X_TSUP, &s.supply_temperature);
    if (rec_has(&r, X_TCOND)) get_qty(&r, X_TCOND, &s.condensate_temperature);
    if (rec_has(&r, X_QMAX)) get_qty(&r, X_QMAX, &s.max_heat);
    if (!bc->defaults_mode && ids) {
        dh_error e;
        if (dh_netbuild_add_substation(bc->b, &s, &e) != DH_OK)
            case_error_rec(bc->ctx, &e, NULL, NULL);
    }
}

typedef void (*read_fn)(bctx *, const cv_node *, size_t);
static const read_fn readers[K_N] = {read_node,   read_pipe,     read_valve,     read_pump,
                                     read_source, read_consumer, read_substation};

static void read_table(bctx *bc, kind k, const cv_node *n)
{
    if (!n) return;
    if (n->kind != CV_SEQ) {
        case_error(bc->ctx, DH_ERR_INPUT, &n->pos, NULL,
                   "'%s' must be a list of %ss (or {csv: FILE}), not %s", kind_table[k],
                   kind_name[k], cv_kind_text(n->kind));
        return;
    }
    for (size_t i = 0; i < n->n; i++) readers[k](bc, n->items[i], i);
}

/* ---- sections ------------------------------------------------------------------------------ */

static void read_ambient(bctx *bc, const cv_node *n, dh_ambient *a)
{
    rec r;
    if (!rec_read(bc->ctx, &r, n, ambient_fields, A_N, NULL, NULL, "ambient", false)) return;
    /* the atmospheric pressure first: every gauge pressure of the case refers to it */
    if (rec_has(&r, A_PATM)) {
        bc->ctx->p_atm = 101325.0;
        if (get_qty(&r, A_PATM, &a->atmospheric_pressure))
            bc->ctx->p_atm = a->atmospheric_pressure;
    }
    if (rec_has(&r, A_AIR)) get_qty(&r, A_AIR, &a->air_temperature);
    if (rec_has(&r, A_SOIL)) get_qty(&r, A_SOIL, &a->soil_temperature);
    if (rec_has(&r, A_WIND)) get_qty(&r, A_WIND, &a->wind_speed);
}

static void read_study(bctx *bc, const cv_node *n, dh_study *s)
{
    rec r;
    if (!rec_read(bc->ctx, &r, n, study_fields, S_N, NULL, NULL, "study", false)) return;
    int e;
    long l;
    if (rec_has(&r, S_TYPE) && get_enum(&r, S_TYPE, &e)) s->type = (dh_study_type)e;
    if (rec_has(&r, S_FRICTION) && get_enum(&r, S_FRICTION, &e)) s->friction = (dh_friction_model)e;
    if (rec_has(&r, S_TOL)) get_num(&r, S_TOL, &s->tolerance);
    if (rec_has(&r, S_MAXIT) && get_int(&r, S_MAXIT, &l)) s->max_iterations = (int)l;
    if (rec_has(&r, S_VSTEAM)) get_qty(&r, S_VSTEAM, &s->max_steam_velocity);
    if (rec_has(&r, S_VWATER)) get_qty(&r, S_VWATER, &s->max_water_velocity);
    if (rec_has(&r, S_WATER) && get_enum(&r, S_WATER, &e)) s->water = (dh_water_model)e;
    if (rec_has(&r, S_TWATER)) get_qty(&r, S_TWATER, &s->water_temperature);
}

/* `defaults: {pipe: {...}, consumer: {...}}`: each checked once against its component's table
 * (identity keys are not allowed), then used to fill the keys components leave out. */
static void read_defaults(bctx *bc, const cv_node *n)
{
    case_ctx *ctx = bc->ctx;
    if (n->kind != CV_MAP) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, "defaults",
                   "expected a mapping of component kinds (pipe: {...}), got %s",
                   cv_kind_text(n->kind));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const cv_pair *p = &n->pairs[i];
        size_t k = 0;
        while (k < K_N && strcmp(kind_name[k], p->key)) k++;
        if (k == K_N) {
            const char *hint = NULL;
            for (size_t j = 0; j < K_N && !hint; j++) /* "pipes" -> "pipe" */
                if (!strcmp(kind_table[j], p->key)) hint = kind_name[j];
            if (!hint) hint = dh_str_suggest(p->key, kind_name, K_N);
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, "defaults", "unknown component kind '%s'%s%s%s",
                       p->key, hint ? " (did you mean '" : "", hint ? hint : "",
                       hint ? "'?)" : "");
            continue;
        }
        if (bc->defaults[k]) {
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, "defaults",
                       "duplicate key '%s' (first given at line %d)", p->key,
                       bc->defaults[k]->pos.line);
            continue;
        }
        if (p->value->kind == CV_NULL) continue;
        bc->defaults[k] = p->value;
        bc->defaults_mode = true;
        readers[k](bc, p->value, 0);
        bc->defaults_mode = false;
        if (p->value->kind != CV_MAP) bc->defaults[k] = NULL;
    }
}

/* ---- plant section --------------------------------------------------------------------------
 * `plant:` (docs/case-format.md, docs/plant.md): the CHP plant behind one fixed-pressure steam
 * source. Read into c->plant (network/dh_plant_spec.h) in SI; what the file leaves out stays
 * NaN / -1 and takes the model's default in the solver (dh_plant_params_from_spec), which also
 * checks each unit's consistency. Ranges here are those of the quantities themselves. */

static const char *const w_sharing[] = {"equal", "merit", NULL};
static const char *const w_power[] = {"heat-led", "max", "target", NULL};
static const char *const w_turbine_model[] = {"efficiency", "willans", NULL};

enum { PL_ID, PL_HEADER, PL_SHARING, PL_DESUP, PL_POWER, PL_TARGET, PL_N1, PL_BOILERS,
       PL_TURBINES, PL_PRDS, PL_N };
static const field plant_fields[PL_N] = {
    [PL_ID] = {"id", FT_STR, 0, 0, NULL, 0},
    [PL_HEADER] = {"header_source", FT_STR, 0, F_REQ, NULL, 0},
    [PL_SHARING] = {"sharing", FT_ENUM, 0, 0, w_sharing, 0},
    [PL_DESUP] = {"extraction_desuperheat", FT_BOOL, 0, 0, NULL, 0},
    [PL_POWER] = {"power", FT_ENUM, 0, 0, w_power, 0},
    [PL_TARGET] = {"power_target", FT_QTY, DH_Q_POWER, F_NONNEG, NULL, 0},
    [PL_N1] = {"n1_check", FT_BOOL, 0, 0, NULL, 0},
    [PL_BOILERS] = {"boilers", FT_ANY, 0, F_REQ, NULL, 0},
    [PL_TURBINES] = {"turbines", FT_ANY, 0, F_REQ, NULL, 0},
    [PL_PRDS] = {"prds", FT_ANY, 0, 0, NULL, 0},
};

enum { PB_ID, PB_COUNT, PB_INSERV, PB_MERIT, PB_RATED, PB_MINLOAD, PB_STEAM, PB_FEED, PB_BLOW,
       PB_LHV, PB_EFF, PB_N };
static const field pboiler_fields[PB_N] = {
    [PB_ID] = {"id", FT_STR, 0, F_REQ, NULL, 0},
    [PB_COUNT] = {"count", FT_INT, 0, F_POS, NULL, DH_PLANT_SPEC_UNITS_MAX},
    [PB_INSERV] = {"in_service", FT_BOOL, 0, 0, NULL, 0},
    [PB_MERIT] = {"merit", FT_INT, 0, F_NONNEG, NULL, 1000},
    [PB_RATED] = {"rated_flow", FT_QTY, DH_Q_MASS_FLOW, F_POS, NULL, 0},
    [PB_MINLOAD] = {"min_load", FT_NUM, 0, F_UNIT, NULL, 0},
    [PB_STEAM] = {"steam", FT_ANY, 0, 0, NULL, 0},
    [PB_FEED] = {"feedwater", FT_ANY, 0, 0, NULL, 0},
    [PB_BLOW] = {"blowdown", FT_NUM, 0, F_UNIT, NULL, 0},
    [PB_LHV] = {"fuel_lhv", FT_QTY, DH_Q_SPECIFIC_ENERGY, F_POS, NULL, 0},
    [PB_EFF] = {"efficiency", FT_ANY, 0, 0, NULL, 0},
};

enum { PS_P, PS_T, PS_N };
static const field pstate_fields[PS_N] = {
    [PS_P] = {"pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [PS_T] = {"temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
};

enum { PR_MIN, PR_MAX, PR_N };
static const field pflow_fields[PR_N] = {
    [PR_MIN] = {"min", FT_QTY, DH_Q_MASS_FLOW, F_NONNEG, NULL, 0},
    [PR_MAX] = {"max", FT_QTY, DH_Q_MASS_FLOW, F_POS, NULL, 0},
};

enum { PT_ID, PT_COUNT, PT_INSERV, PT_MODEL, PT_THROTTLE, PT_TFLOW, PT_VLOSS, PT_EXTR, PT_LPFLOW,
       PT_LPVLOSS, PT_PCOND, PT_EFF, PT_PMAX, PT_WILLANS, PT_N };
static const field pturbine_fields[PT_N] = {
    [PT_ID] = {"id", FT_STR, 0, F_REQ, NULL, 0},
    [PT_COUNT] = {"count", FT_INT, 0, F_POS, NULL, DH_PLANT_SPEC_UNITS_MAX},
    [PT_INSERV] = {"in_service", FT_BOOL, 0, 0, NULL, 0},
    [PT_MODEL] = {"model", FT_ENUM, 0, 0, w_turbine_model, 0},
    [PT_THROTTLE] = {"throttle", FT_ANY, 0, 0, NULL, 0},
    [PT_TFLOW] = {"throttle_flow", FT_ANY, 0, 0, NULL, 0},
    [PT_VLOSS] = {"valve_loss", FT_NUM, 0, F_UNIT, NULL, 0},
    [PT_EXTR] = {"extraction", FT_ANY, 0, 0, NULL, 0},
    [PT_LPFLOW] = {"lp_flow", FT_ANY, 0, 0, NULL, 0},
    [PT_LPVLOSS] = {"lp_valve_loss", FT_NUM, 0, F_UNIT, NULL, 0},
    [PT_PCOND] = {"condenser_pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [PT_EFF] = {"efficiency", FT_ANY, 0, 0, NULL, 0},
    [PT_PMAX] = {"max_power", FT_QTY, DH_Q_POWER, F_POS, NULL, 0},
    [PT_WILLANS] = {"willans_no_load", FT_QTY, DH_Q_POWER, F_NONNEG, NULL, 0},
};

enum { PE_DESIGN, PE_RANGE, PE_LINEDP, PE_MAX, PE_N };
static const field pextr_fields[PE_N] = {
    [PE_DESIGN] = {"design_pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [PE_RANGE] = {"pressure_range", FT_ANY, 0, 0, NULL, 0},
    [PE_LINEDP] = {"line_dp", FT_QTY, DH_Q_PRESSURE_DIFF, F_NONNEG, NULL, 0},
    [PE_MAX] = {"max", FT_QTY, DH_Q_MASS_FLOW, F_NONNEG, NULL, 0},
};

enum { PF_HP, PF_LP, PF_MECH, PF_GEN, PF_N };
static const field pteff_fields[PF_N] = {
    [PF_HP] = {"hp", FT_NUM, 0, F_POS | F_UNIT, NULL, 0},
    [PF_LP] = {"lp", FT_NUM, 0, F_POS | F_UNIT, NULL, 0},
    [PF_MECH] = {"mechanical", FT_NUM, 0, F_POS | F_UNIT, NULL, 0},
    [PF_GEN] = {"generator", FT_NUM, 0, F_POS | F_UNIT, NULL, 0},
};

enum { PP_ID, PP_INSERV, PP_CAP, PP_SPRAY, PP_N };
static const field pprds_fields[PP_N] = {
    [PP_ID] = {"id", FT_STR, 0, 0, NULL, 0},
    [PP_INSERV] = {"in_service", FT_BOOL, 0, 0, NULL, 0},
    [PP_CAP] = {"capacity", FT_QTY, DH_Q_MASS_FLOW, F_NONNEG, NULL, 0},
    [PP_SPRAY] = {"spray", FT_ANY, 0, 0, NULL, 0},
};

/* A value given: converted into *out; absent: *out untouched (NaN = the model's default). */
static void opt_qty(rec *r, size_t i, double *out)
{
    double v;
    if (rec_has(r, i) && get_qty(r, i, &v)) *out = v;
}

static void opt_num(rec *r, size_t i, double *out)
{
    double v;
    if (rec_has(r, i) && get_num(r, i, &v)) *out = v;
}

static void opt_bool(rec *r, size_t i, int *out)
{
    bool b;
    if (rec_has(r, i) && get_bool(r, i, &b)) *out = b ? 1 : 0;
}

/* The nested mapping of field i (`steam: {pressure, temperature}`) checked against its table;
 * false when absent or not a mapping (reported). comp must outlive the record. */
static bool plant_sub(case_ctx *ctx, rec *r, size_t i, const field *f, size_t nf, char *comp,
                      rec *out)
{
    if (!r->v[i]) return false;
    snprintf(comp, DH_ERROR_COMP_MAX, "%s: %s", r->comp, r->f[i].key);
    return rec_read(ctx, out, r->v[i], f, nf, NULL, NULL, comp, false);
}

/* `key: [a, b]` or a list of such pairs: item j of a sequence as a record of two fields. */
static bool plant_pair(case_ctx *ctx, const cv_node *pt, const field pf[2], const char *comp,
                       const char *what, double *a, double *b)
{
    if (pt->kind != CV_SEQ || pt->n != 2) {
        case_error(ctx, DH_ERR_INPUT, &pt->pos, comp, "%s must be a pair [%s, %s], not %s", what,
                   pf[0].key, pf[1].key,
                   pt->kind == CV_SEQ ? "a list of another length" : cv_kind_text(pt->kind));
        return false;
    }
    rec pr;
    memset(&pr, 0, sizeof pr);
    pr.ctx = ctx;
    pr.f = pf;
    pr.nf = 2;
    pr.map = pt;
    pr.comp = comp;
    pr.v[0] = pt->items[0];
    pr.v[1] = pt->items[1];
    bool ok = (pf[0].type == FT_QTY ? get_qty(&pr, 0, a) : get_num(&pr, 0, a));
    ok = (pf[1].type == FT_QTY ? get_qty(&pr, 1, b) : get_num(&pr, 1, b)) && ok;
    return ok;
}

/* Boiler efficiency curve: [[load, efficiency], ...], loads increasing, both fractions. */
static void read_plant_curve(case_ctx *ctx, rec *r, dh_plant_boiler_spec *s)
{
    const cv_node *n = r->v[PB_EFF];
    if (!n) return;
    if (n->kind != CV_SEQ || n->n == 0 || n->n > DH_PLANT_SPEC_CURVE_MAX) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, r->comp,
                   "'efficiency' must be a list of 1 to %d [load, efficiency] points, as "
                   "[[35 %%, 85.5 %%], [100 %%, 89.8 %%]], not %s",
                   DH_PLANT_SPEC_CURVE_MAX,
                   n->kind == CV_SEQ ? (n->n ? "a longer list" : "an empty list")
                                     : cv_kind_text(n->kind));
        return;
    }
    static const field pf[2] = {{"load", FT_NUM, 0, F_NONNEG, NULL, 0},
                                {"efficiency", FT_NUM, 0, F_POS | F_UNIT, NULL, 0}};
    int k = 0;
    bool ok = true;
    for (size_t j = 0; j < n->n; j++) {
        double x = 0, y = 0;
        if (!plant_pair(ctx, n->items[j], pf, r->comp, "an efficiency point", &x, &y)) {
            ok = false;
            continue;
        }
        if (k > 0 && x <= s->efficiency_load[k - 1]) {
            case_error(ctx, DH_ERR_INPUT, &n->items[j]->items[0]->pos, r->comp,
                       "efficiency loads must increase from point to point: '%s' after %g %%",
                       n->items[j]->items[0]->text, 100 * s->efficiency_load[k - 1]);
            ok = false;
            continue;
        }
        s->efficiency_load[k] = x;
        s->efficiency[k] = y;
        k++;
    }
    s->n_efficiency = ok ? k : 0;
}

static void read_plant_state(case_ctx *ctx, rec *r, size_t i, double *p, double *T)
{
    char comp[DH_ERROR_COMP_MAX];
    rec sr;
    if (!plant_sub(ctx, r, i, pstate_fields, PS_N, comp, &sr)) return;
    opt_qty(&sr, PS_P, p);
    opt_qty(&sr, PS_T, T);
}

static void read_plant_flows(case_ctx *ctx, rec *r, size_t i, double *lo, double *hi)
{
    char comp[DH_ERROR_COMP_MAX];
    rec sr;
    if (!plant_sub(ctx, r, i, pflow_fields, PR_N, comp, &sr)) return;
    opt_qty(&sr, PR_MIN, lo);
    opt_qty(&sr, PR_MAX, hi);
}

static void boiler_spec_init(dh_plant_boiler_spec *s)
{
    memset(s, 0, sizeof *s);
    s->in_service = s->merit = -1;
    s->rated_flow = s->min_load = s->steam_pressure = s->steam_temperature = NAN;
    s->feedwater_pressure = s->feedwater_temperature = s->blowdown = s->fuel_lhv = NAN;
}

static void turbine_spec_init(dh_plant_turbine_spec *s)
{
    memset(s, 0, sizeof *s);
    s->in_service = s->model = -1;
    s->throttle_pressure = s->throttle_temperature = NAN;
    s->min_throttle_flow = s->max_throttle_flow = s->valve_loss = NAN;
    s->design_extraction_pressure = s->extraction_pressure_min = NAN;
    s->extraction_pressure_max = s->extraction_line_dp = s->max_extraction = NAN;
    s->min_lp_flow = s->max_lp_flow = s->lp_valve_loss = s->condenser_pressure = NAN;
    s->eta_hp = s->eta_lp = s->eta_mech = s->eta_gen = NAN;
    s->max_power = s->willans_no_load = NAN;
}

/* Unit ids name the units in messages and results: short enough for their fixed buffers. */
static bool plant_id_ok(case_ctx *ctx, rec *r, size_t i, const char *id, long count)
{
    size_t max = count > 1 ? 20 : DH_PLANT_SPEC_ID_MAX - 1;
    if (strlen(id) <= max) return true;
    case_error(ctx, DH_ERR_INPUT, &r->v[i]->pos, r->comp, "'id' is longer than %zu characters%s",
               max, count > 1 ? " (with 'count', the number is appended)" : "");
    return false;
}

/* One list entry (with `count: N`, N identical units "id1".."idN"). Returns units added. */
static size_t read_plant_boiler(case_ctx *ctx, dh_plant_spec *ps, const cv_node *map,
                                size_t index)
{
    char comp[DH_ERROR_COMP_MAX];
    comp_name(comp, sizeof comp, "plant boiler", map, index);
    rec r;
    if (!rec_read(ctx, &r, map, pboiler_fields, PB_N, NULL, NULL, comp, false)) return 0;
    dh_plant_boiler_spec s;
    boiler_spec_init(&s);
    s.line = map->pos.line;
    s.col = map->pos.col;
    const char *id = NULL;
    if (rec_has(&r, PB_ID)) get_str(&r, PB_ID, &id);
    long count = 1, merit;
    if (rec_has(&r, PB_COUNT)) get_int(&r, PB_COUNT, &count);
    opt_bool(&r, PB_INSERV, &s.in_service);
    if (rec_has(&r, PB_MERIT) && get_int(&r, PB_MERIT, &merit)) s.merit = (int)merit;
    opt_qty(&r, PB_RATED, &s.rated_flow);
    opt_num(&r, PB_MINLOAD, &s.min_load);
    read_plant_state(ctx, &r, PB_STEAM, &s.steam_pressure, &s.steam_temperature);
    read_plant_state(ctx, &r, PB_FEED, &s.feedwater_pressure, &s.feedwater_temperature);
    opt_num(&r, PB_BLOW, &s.blowdown);
    opt_qty(&r, PB_LHV, &s.fuel_lhv);
    read_plant_curve(ctx, &r, &s);
    if (!id || !plant_id_ok(ctx, &r, PB_ID, id, count)) return 0;
    if (ps->n_boilers + (size_t)count > DH_PLANT_SPEC_UNITS_MAX) {
        case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "a plant has at most %d boilers",
                   DH_PLANT_SPEC_UNITS_MAX);
        return 0;
    }
    for (long k = 0; k < count; k++) {
        dh_plant_boiler_spec *b = &ps->boiler[ps->n_boilers++];
        *b = s;
        if (count > 1)
            snprintf(b->id, sizeof b->id, "%.20s%d", id, (int)k + 1);
        else
            snprintf(b->id, sizeof b->id, "%s", id);
    }
    return (size_t)count;
}

static size_t read_plant_turbine(case_ctx *ctx, dh_plant_spec *ps, const cv_node *map,
                                 size_t index)
{
    char comp[DH_ERROR_COMP_MAX], sub[DH_ERROR_COMP_MAX];
    comp_name(comp, sizeof comp, "plant turbine", map, index);
    rec r;
    if (!rec_read(ctx, &r, map, pturbine_fields, PT_N, NULL, NULL, comp, false)) return 0;
    dh_plant_turbine_spec s;
    turbine_spec_init(&s);
    s.line = map->pos.line;
    s.col = map->pos.col;
    const char *id = NULL;
    if (rec_has(&r, PT_ID)) get_str(&r, PT_ID, &id);
    long count = 1;
    int e;
    if (rec_has(&r, PT_COUNT)) get_int(&r, PT_COUNT, &count);
    opt_bool(&r, PT_INSERV, &s.in_service);
    if (rec_has(&r, PT_MODEL) && get_enum(&r, PT_MODEL, &e)) s.model = e;
    read_plant_state(ctx, &r, PT_THROTTLE, &s.throttle_pressure, &s.throttle_temperature);
    read_plant_flows(ctx, &r, PT_TFLOW, &s.min_throttle_flow, &s.max_throttle_flow);
    opt_num(&r, PT_VLOSS, &s.valve_loss);
    rec er;
    if (plant_sub(ctx, &r, PT_EXTR, pextr_fields, PE_N, sub, &er)) {
        opt_qty(&er, PE_DESIGN, &s.design_extraction_pressure);
        opt_qty(&er, PE_LINEDP, &s.extraction_line_dp);
        opt_qty(&er, PE_MAX, &s.max_extraction);
        if (rec_has(&er, PE_RANGE)) {
            static const field pf[2] = {{"min", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
                                        {"max", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0}};
            double lo, hi;
            if (plant_pair(ctx, er.v[PE_RANGE], pf, sub, "'pressure_range'", &lo, &hi)) {
                if (lo >= hi)
                    case_error(ctx, DH_ERR_INPUT, &er.v[PE_RANGE]->pos, sub,
                               "'pressure_range' must be [lowest, highest], got [%g, %g] MPa",
                               lo / 1e6, hi / 1e6);
                s.extraction_pressure_min = lo;
                s.extraction_pressure_max = hi;
            }
        }
    }
    read_plant_flows(ctx, &r, PT_LPFLOW, &s.min_lp_flow, &s.max_lp_flow);
    opt_num(&r, PT_LPVLOSS, &s.lp_valve_loss);
    opt_qty(&r, PT_PCOND, &s.condenser_pressure);
    rec fr;
    if (plant_sub(ctx, &r, PT_EFF, pteff_fields, PF_N, sub, &fr)) {
        opt_num(&fr, PF_HP, &s.eta_hp);
        opt_num(&fr, PF_LP, &s.eta_lp);
        opt_num(&fr, PF_MECH, &s.eta_mech);
        opt_num(&fr, PF_GEN, &s.eta_gen);
    }
    opt_qty(&r, PT_PMAX, &s.max_power);
    opt_qty(&r, PT_WILLANS, &s.willans_no_load);
    if (!id || !plant_id_ok(ctx, &r, PT_ID, id, count)) return 0;
    if (ps->n_turbines + (size_t)count > DH_PLANT_SPEC_UNITS_MAX) {
        case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "a plant has at most %d turbines",
                   DH_PLANT_SPEC_UNITS_MAX);
        return 0;
    }
    for (long k = 0; k < count; k++) {
        dh_plant_turbine_spec *t = &ps->turbine[ps->n_turbines++];
        *t = s;
        if (count > 1)
            snprintf(t->id, sizeof t->id, "%.20s%d", id, (int)k + 1);
        else
            snprintf(t->id, sizeof t->id, "%s", id);
    }
    return (size_t)count;
}

static void read_plant_prds(case_ctx *ctx, const cv_node *map, dh_plant_spec *ps)
{
    rec r;
    if (!rec_read(ctx, &r, map, pprds_fields, PP_N, NULL, NULL, "plant prds", false)) return;
    dh_plant_prds_spec *s = &ps->prds;
    memset(s, 0, sizeof *s);
    s->capacity = s->spray_pressure = s->spray_temperature = NAN;
    s->in_service = -1;
    s->line = map->pos.line;
    s->col = map->pos.col;
    const char *id = NULL;
    if (rec_has(&r, PP_ID) && get_str(&r, PP_ID, &id)) snprintf(s->id, sizeof s->id, "%s", id);
    opt_bool(&r, PP_INSERV, &s->in_service);
    opt_qty(&r, PP_CAP, &s->capacity);
    read_plant_state(ctx, &r, PP_SPRAY, &s->spray_pressure, &s->spray_temperature);
    ps->has_prds = true;
}

/* Reads `plant:`; the header source is resolved later (plant_resolve), once the network is
 * built. */
static void read_plant(case_ctx *ctx, const cv_node *n, dh_plant_spec *ps)
{
    memset(ps, 0, sizeof *ps);
    ps->sharing = ps->extraction_desuperheat = ps->power_mode = -1;
    ps->power_target = NAN;
    ps->n1_check = true;
    ps->source = DH_NONE;
    rec r;
    if (!rec_read(ctx, &r, n, plant_fields, PL_N, NULL, NULL, "plant", false)) return;
    ps->present = true;
    snprintf(ps->file, sizeof ps->file, "%s", n->pos.file ? n->pos.file : "");
    ps->line = n->pos.line;
    ps->col = n->pos.col;
    const char *s;
    int e;
    bool b;
    if (rec_has(&r, PL_ID) && get_str(&r, PL_ID, &s)) snprintf(ps->id, sizeof ps->id, "%s", s);
    if (rec_has(&r, PL_HEADER) && get_str(&r, PL_HEADER, &s)) {
        snprintf(ps->header_source, sizeof ps->header_source, "%s", s);
        ps->header_line = r.v[PL_HEADER]->pos.line;
        ps->header_col = r.v[PL_HEADER]->pos.col;
    }
    if (rec_has(&r, PL_SHARING) && get_enum(&r, PL_SHARING, &e)) ps->sharing = e;
    opt_bool(&r, PL_DESUP, &ps->extraction_desuperheat);
    if (rec_has(&r, PL_POWER) && get_enum(&r, PL_POWER, &e)) ps->power_mode = e;
    opt_qty(&r, PL_TARGET, &ps->power_target);
    if (ps->power_mode == DH_PLANT_POWER_TARGET && !rec_has(&r, PL_TARGET))
        rec_missing(&r, PL_TARGET, "the electric power wanted with 'power: target'");
    else if (ps->power_mode != DH_PLANT_POWER_TARGET)
        rec_not_here(&r, PL_TARGET, "applies only with 'power: target'");
    if (rec_has(&r, PL_N1) && get_bool(&r, PL_N1, &b)) ps->n1_check = b;
    static const struct {
        size_t field;
        const char *what;
    } lists[2] = {{PL_BOILERS, "boilers"}, {PL_TURBINES, "turbines"}};
    for (int L = 0; L < 2; L++) {
        const cv_node *seq = r.v[lists[L].field];
        if (!seq) continue;
        if (seq->kind != CV_SEQ) {
            case_error(ctx, DH_ERR_INPUT, &seq->pos, "plant", "'%s' must be a list, not %s",
                       lists[L].what, cv_kind_text(seq->kind));
            continue;
        }
        for (size_t i = 0; i < seq->n; i++) {
            if (L == 0)
                read_plant_boiler(ctx, ps, seq->items[i], i);
            else
                read_plant_turbine(ctx, ps, seq->items[i], i);
        }
    }
    if (r.v[PL_BOILERS] && r.v[PL_BOILERS]->kind == CV_SEQ && r.v[PL_BOILERS]->n == 0)
        case_error(ctx, DH_ERR_INPUT, &r.v[PL_BOILERS]->pos, "plant",
                   "'boilers' is empty: a plant needs at least one boiler");
    /* unit ids unique within their list (they name the units in messages and results) */
    for (size_t i = 0; i < ps->n_boilers; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ps->boiler[i].id, ps->boiler[j].id)) {
                dh_srcpos p = {n->pos.file, ps->boiler[i].line, ps->boiler[i].col};
                case_error(ctx, DH_ERR_INPUT, &p, "plant", "duplicate boiler id '%s'",
                           ps->boiler[i].id);
            }
    for (size_t i = 0; i < ps->n_turbines; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ps->turbine[i].id, ps->turbine[j].id)) {
                dh_srcpos p = {n->pos.file, ps->turbine[i].line, ps->turbine[i].col};
                case_error(ctx, DH_ERR_INPUT, &p, "plant", "duplicate turbine id '%s'",
                           ps->turbine[i].id);
            }
    if (r.v[PL_PRDS]) read_plant_prds(ctx, r.v[PL_PRDS], ps);
}

/* The header source: an existing fixed-pressure steam source of the network. */
static void plant_resolve(case_ctx *ctx, const dh_network *net, dh_plant_spec *ps)
{
    if (!ps->present || !ps->header_source[0]) return;
    dh_srcpos pos = {ps->file, ps->header_line, ps->header_col};
    const dh_sources *so = &net->sources;
    for (size_t j = 0; j < so->n; j++) {
        if (strcmp(so->id[j], ps->header_source)) continue;
        if (so->type[j] != DH_SOURCE_FIXED_PRESSURE || so->medium[j] != DH_MEDIUM_STEAM)
            case_error(ctx, DH_ERR_INPUT, &pos, "plant",
                       "'header_source' %s must be a fixed_pressure steam source (the plant "
                       "holds the header pressure and delivers the flow the network draws)",
                       ps->header_source);
        else
            ps->source = j;
        return;
    }
    const char *hint = dh_str_suggest(ps->header_source, (const char *const *)so->id, so->n);
    case_error(ctx, DH_ERR_INPUT, &pos, "plant", "'header_source': no source '%s'%s%s%s",
               ps->header_source, hint ? " (did you mean '" : "", hint ? hint : "",
               hint ? "'?)" : "");
}

/* ---- series study: study.start/end/step, weather:, calendar:, loads: ------------------------
 * (docs/case-format.md "Series study", docs/loads.md). Read into c->study.series_* and
 * c->series (dh_case.h) in SI; files named here (weather, profiles) are only resolved against
 * the case's folder: dh_case_loads_create (case_loads.c) reads them. Consumer ids and groups
 * named by `loads:` are checked once the network is built (series_resolve). */

static const char *const w_weekday[] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday", NULL};
static const char *const w_shape[] = {"ashrae", "cosine", NULL};
static const char *const w_load[] = {"constant", "space_heating", "process", "hot_water",
                                     "profile", NULL};

enum { W_EPW, W_CSV, W_DD, W_N };
static const field weather_fields[W_N] = {
    [W_EPW] = {"epw", FT_STR, 0, 0, NULL, 0},
    [W_CSV] = {"csv", FT_STR, 0, 0, NULL, 0},
    [W_DD] = {"design_day", FT_ANY, 0, 0, NULL, 0},
};
enum { D_MEAN, D_MIN, D_RANGE, D_SHAPE, D_DATE, D_DAYS, D_N };
static const field dd_fields[D_N] = {
    [D_MEAN] = {"mean", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [D_MIN] = {"minimum", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [D_RANGE] = {"range", FT_QTY, DH_Q_TEMPERATURE_DIFF, F_NONNEG, NULL, 0},
    [D_SHAPE] = {"shape", FT_ENUM, 0, 0, w_shape, 0},
    [D_DATE] = {"date", FT_STR, 0, 0, NULL, 0},
    [D_DAYS] = {"days", FT_INT, 0, F_POS, NULL, 365},
};
enum { CA_WEEKDAY, CA_HOLIDAYS, CA_N };
static const field calendar_fields[CA_N] = {
    [CA_WEEKDAY] = {"first_weekday", FT_ENUM, 0, 0, w_weekday, 0},
    [CA_HOLIDAYS] = {"holidays", FT_ANY, 0, 0, NULL, 0},
};
enum { LO_MODELS, LO_ASSIGN, LO_COINC, LO_N };
static const field loads_fields[LO_N] = {
    [LO_MODELS] = {"models", FT_ANY, 0, 0, NULL, 0},
    [LO_ASSIGN] = {"assign", FT_ANY, 0, 0, NULL, 0},
    [LO_COINC] = {"coincidence", FT_ANY, 0, 0, NULL, 0},
};
enum { M_TYPE, M_INDOOR, M_DESIGN_OUT, M_CUTOFF, M_SEASON, M_OUTDOOR, M_MAXF, M_HOURS, M_MONTHS,
       M_SHIFTS, M_WEEK, M_WEEKDAYS, M_HOLIDAY, M_PERIODS, M_CSV, M_N };
static const field model_fields[M_N] = {
    [M_TYPE] = {"type", FT_ENUM, 0, F_REQ, w_load, 0},
    [M_INDOOR] = {"indoor", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [M_DESIGN_OUT] = {"design_outdoor", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [M_CUTOFF] = {"cutoff", FT_ANY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [M_SEASON] = {"season", FT_STR, 0, 0, NULL, 0},
    [M_OUTDOOR] = {"outdoor", FT_ANY, DH_Q_TIME, F_POS, NULL, 0},
    [M_MAXF] = {"max_fraction", FT_ANY, 0, F_POS, NULL, 0},
    [M_HOURS] = {"hours", FT_ANY, 0, F_NONNEG, NULL, 0},
    [M_MONTHS] = {"months", FT_ANY, 0, F_NONNEG, NULL, 0},
    [M_SHIFTS] = {"shifts", FT_ANY, 0, 0, NULL, 0},
    [M_WEEK] = {"week", FT_ANY, 0, 0, NULL, 0},
    [M_WEEKDAYS] = {"weekdays", FT_ANY, 0, F_NONNEG, NULL, 0},
    [M_HOLIDAY] = {"holiday", FT_NUM, 0, F_NONNEG, NULL, 0},
    [M_PERIODS] = {"periods", FT_ANY, 0, 0, NULL, 0},
    [M_CSV] = {"csv", FT_STR, 0, 0, NULL, 0},
};
enum { SH_FIRST, SH_HOURS, SH_OFF, SH_N };
static const field shift_fields[SH_N] = {
    [SH_FIRST] = {"first", FT_INT, 0, F_REQ | F_NONNEG, NULL, 23},
    [SH_HOURS] = {"hours", FT_INT, 0, F_REQ | F_POS, NULL, 24},
    [SH_OFF] = {"off", FT_NUM, 0, F_NONNEG, NULL, 0},
};
enum { WK_DAYS, WK_OFF, WK_N };
static const field week_fields[WK_N] = {
    [WK_DAYS] = {"days", FT_INT, 0, F_REQ | F_POS, NULL, 7},
    [WK_OFF] = {"off", FT_NUM, 0, F_NONNEG, NULL, 0},
};
enum { PE_FROM, PE_TO, PE_FACTOR, PE_N2 };
static const field period_fields[PE_N2] = {
    [PE_FROM] = {"from", FT_STR, 0, F_REQ, NULL, 0},
    [PE_TO] = {"to", FT_STR, 0, F_REQ, NULL, 0},
    [PE_FACTOR] = {"factor", FT_NUM, 0, F_REQ | F_NONNEG, NULL, 0},
};
enum { PA_MODEL, PA_SHARE, PA_DESIGN, PA_N };
static const field part_fields[PA_N] = {
    [PA_MODEL] = {"model", FT_STR, 0, F_REQ, NULL, 0},
    [PA_SHARE] = {"share", FT_NUM, 0, F_NONNEG, NULL, 0},
    [PA_DESIGN] = {"design", FT_ANY, 0, F_NONNEG, NULL, 0},
};

/* "MM-DD" or "MM-DD HH:MM" (24:00 allowed) -> day of year (0..364) and hour (0..24);
 * *has_time tells whether a time was given. */
static bool parse_date(const char *s, int *day, int *hour, bool *has_time)
{
    int mo, d, h = 0, mi = 0, used = 0;
    *has_time = false;
    if (sscanf(s, "%2d-%2d%n", &mo, &d, &used) != 2) return false;
    const char *rest = s + used;
    if (*rest) {
        int u2 = 0;
        if (sscanf(rest, " %2d:%2d%n", &h, &mi, &u2) != 2 || rest[u2] || mi != 0 || h < 0 ||
            h > 24)
            return false;
        *has_time = true;
    }
    int doy = dh_day_of_year(mo, d);
    if (doy < 0) return false;
    *day = doy;
    *hour = h;
    return true;
}

static bool series_date(case_ctx *ctx, const cv_node *n, const char *comp, const char *what,
                        int *day, int *hour, bool *has_time)
{
    if (n->kind == CV_SCALAR && parse_date(n->text, day, hour, has_time)) return true;
    case_error(ctx, DH_ERR_INPUT, &n->pos, comp,
               "'%s' must be a date 'MM-DD' or 'MM-DD HH:00' (no 29 February), got '%s'", what,
               n->kind == CV_SCALAR ? n->text : cv_kind_text(n->kind));
    return false;
}

/* "MM-DD..MM-DD" -> first and last day (both included). */
static bool series_range(case_ctx *ctx, const cv_node *n, const char *comp, const char *what,
                         int *first, int *last)
{
    int h;
    bool t;
    const char *dots = n->kind == CV_SCALAR ? strstr(n->text, "..") : NULL;
    if (dots) {
        char a[16];
        size_t len = (size_t)(dots - n->text);
        if (len < sizeof a) {
            memcpy(a, n->text, len);
            a[len] = '\0';
            if (parse_date(a, first, &h, &t) && !t && parse_date(dots + 2, last, &h, &t) && !t)
                return true;
        }
    } else if (n->kind == CV_SCALAR && parse_date(n->text, first, &h, &t) && !t) {
        *last = *first;
        return true;
    }
    case_error(ctx, DH_ERR_INPUT, &n->pos, comp,
               "'%s' must be a date 'MM-DD' or a range 'MM-DD..MM-DD', got '%s'", what,
               n->kind == CV_SCALAR ? n->text : cv_kind_text(n->kind));
    return false;
}

/* A list of exactly n numbers (field i of r gives the key and the range flags). */
static bool series_numbers(rec *r, size_t i, double *out, size_t n)
{
    const cv_node *v = r->v[i];
    if (!v) return false;
    if (v->kind != CV_SEQ || v->n != n) {
        case_error(r->ctx, DH_ERR_INPUT, &v->pos, r->comp, "'%s' must be a list of %zu numbers",
                   r->f[i].key, n);
        return false;
    }
    bool ok = true;
    for (size_t k = 0; k < n; k++) {
        const cv_node *it = v->items[k];
        double x;
        if (it->kind != CV_SCALAR) {
            case_error(r->ctx, DH_ERR_INPUT, &it->pos, r->comp, "'%s': expected a number, got %s",
                       r->f[i].key, cv_kind_text(it->kind));
            ok = false;
        } else if (bare_number(it->text, &x)) {
            ok = check_range(r, i, it, x) && ok;
            out[k] = x;
        } else {
            ok = parse_qty(r, i, it, DH_Q_DIMENSIONLESS, &out[k]) && ok;
        }
    }
    return ok;
}

/* Joins a file named in the case with the case's folder. */
static void series_path(case_ctx *ctx, const char *file, char *out, size_t size)
{
    if (file[0] != '/' && ctx->dir && ctx->dir[0])
        snprintf(out, size, "%s/%s", ctx->dir, file);
    else
        snprintf(out, size, "%s", file);
}

static void series_study(case_ctx *ctx, const cv_node *n, dh_study *s)
{
    rec r;
    if (!rec_read(ctx, &r, n, study_fields, S_N, NULL, NULL, "study", false)) return;
    int d0 = 0, h0 = 0, d1, h1;
    bool t0 = false, t1;
    const char *txt;
    bool have_start = false;
    if (rec_has(&r, S_START) && get_str(&r, S_START, &txt) &&
        series_date(ctx, r.v[S_START], "study", "start", &d0, &h0, &t0)) {
        s->series_start = 3600.0 * (24.0 * d0 + h0);
        have_start = true;
    }
    if (rec_has(&r, S_END) && get_str(&r, S_END, &txt) &&
        series_date(ctx, r.v[S_END], "study", "end", &d1, &h1, &t1)) {
        /* a date alone ends with its day (24:00): `end: 03-15` runs through 15 March */
        double start = have_start ? s->series_start : 0.0;
        if (!have_start) s->series_start = 0.0;
        double end = 3600.0 * (24.0 * d1 + (t1 ? h1 : 24));
        double dur = end - start;
        if (dur <= 0) dur += 3600.0 * DH_HOURS_PER_YEAR; /* over New Year */
        s->series_duration = dur;
    }
    if (rec_has(&r, S_STEP) && get_qty(&r, S_STEP, &s->series_step)) {
        double h = s->series_step / 3600.0;
        if (fabs(h - round(h)) > 1e-9 || h < 1)
            case_error(ctx, DH_ERR_INPUT, &r.v[S_STEP]->pos, "study",
                       "'step' must be a whole number of hours (the weather is hourly), got '%s'",
                       r.v[S_STEP]->text);
    }
}

static void series_weather(case_ctx *ctx, const cv_node *n, dh_series_spec *sp)
{
    rec r;
    if (!rec_read(ctx, &r, n, weather_fields, W_N, NULL, NULL, "weather", false)) return;
    int given = rec_has(&r, W_EPW) + rec_has(&r, W_CSV) + rec_has(&r, W_DD);
    if (given != 1) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, "weather",
                   "give exactly one of 'epw', 'csv' or 'design_day' (%d given)", given);
        return;
    }
    sp->weather_line = n->pos.line, sp->weather_col = n->pos.col;
    const char *file;
    if (rec_has(&r, W_EPW) && get_str(&r, W_EPW, &file)) {
        sp->weather = DH_WEATHER_EPW;
        series_path(ctx, file, sp->weather_path, sizeof sp->weather_path);
        sp->weather_line = r.v[W_EPW]->pos.line, sp->weather_col = r.v[W_EPW]->pos.col;
    } else if (rec_has(&r, W_CSV) && get_str(&r, W_CSV, &file)) {
        sp->weather = DH_WEATHER_CSV;
        series_path(ctx, file, sp->weather_path, sizeof sp->weather_path);
        sp->weather_line = r.v[W_CSV]->pos.line, sp->weather_col = r.v[W_CSV]->pos.col;
    } else if (rec_has(&r, W_DD)) {
        rec d;
        if (!rec_read(ctx, &d, r.v[W_DD], dd_fields, D_N, NULL, NULL, "weather.design_day",
                      false))
            return;
        sp->weather = DH_WEATHER_DESIGN_DAY;
        sp->dd_basis = DH_DESIGN_DAILY_MEAN;
        sp->dd_shape = DH_DIURNAL_ASHRAE;
        sp->dd_range = 0;
        sp->dd_day = 0;
        sp->dd_days = 1;
        if (rec_has(&d, D_MEAN) == rec_has(&d, D_MIN))
            case_error(ctx, DH_ERR_INPUT, &r.v[W_DD]->pos, "weather.design_day",
                       "give one of 'mean' (daily mean, as GB 50736) or 'minimum' (ASHRAE)");
        else if (rec_has(&d, D_MEAN))
            get_qty(&d, D_MEAN, &sp->dd_value);
        else if (get_qty(&d, D_MIN, &sp->dd_value))
            sp->dd_basis = DH_DESIGN_MINIMUM;
        if (rec_has(&d, D_RANGE)) get_qty(&d, D_RANGE, &sp->dd_range);
        int e;
        long l;
        if (rec_has(&d, D_SHAPE) && get_enum(&d, D_SHAPE, &e)) sp->dd_shape = e;
        if (rec_has(&d, D_DAYS) && get_int(&d, D_DAYS, &l)) sp->dd_days = (int)l;
        int h;
        bool t;
        if (rec_has(&d, D_DATE)) {
            const char *txt;
            if (get_str(&d, D_DATE, &txt) &&
                series_date(ctx, d.v[D_DATE], "weather.design_day", "date", &sp->dd_day, &h, &t) &&
                t)
                case_error(ctx, DH_ERR_INPUT, &d.v[D_DATE]->pos, "weather.design_day",
                           "'date' is a day 'MM-DD' (the design day starts at 00:00)");
        }
    }
}

static void series_calendar(case_ctx *ctx, const cv_node *n, dh_series_spec *sp)
{
    rec r;
    if (!rec_read(ctx, &r, n, calendar_fields, CA_N, NULL, NULL, "calendar", false)) return;
    int e;
    if (rec_has(&r, CA_WEEKDAY) && get_enum(&r, CA_WEEKDAY, &e)) sp->first_weekday = e;
    const cv_node *h = r.v[CA_HOLIDAYS];
    if (!h) return;
    if (h->kind != CV_SEQ) {
        case_error(ctx, DH_ERR_INPUT, &h->pos, "calendar",
                   "'holidays' must be a list of dates 'MM-DD' or ranges 'MM-DD..MM-DD'");
        return;
    }
    for (size_t k = 0; k < h->n; k++) {
        int a, b;
        if (!series_range(ctx, h->items[k], "calendar", "holidays", &a, &b)) continue;
        for (int d = a;; d = (d + 1) % DH_DAYS_PER_YEAR) {
            if (sp->n_holidays == DH_CALENDAR_MAX_HOLIDAYS) {
                case_error(ctx, DH_ERR_INPUT, &h->items[k]->pos, "calendar",
                           "more than %d holidays", DH_CALENDAR_MAX_HOLIDAYS);
                return;
            }
            sp->holiday[sp->n_holidays++] = d;
            if (d == b) break;
        }
    }
}

static void series_periods(case_ctx *ctx, const cv_node *n, const char *comp, dh_schedule *s)
{
    if (n->kind != CV_SEQ) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, comp,
                   "'periods' must be a list of {from: MM-DD, to: MM-DD, factor: x}");
        return;
    }
    for (size_t k = 0; k < n->n; k++) {
        rec p;
        if (!rec_read(ctx, &p, n->items[k], period_fields, PE_N2, NULL, NULL, comp, false))
            continue;
        int a, b, h;
        bool t;
        double f;
        const char *txt;
        if (!rec_has(&p, PE_FROM) || !rec_has(&p, PE_TO) || !rec_has(&p, PE_FACTOR)) continue;
        if (!get_str(&p, PE_FROM, &txt) || !get_str(&p, PE_TO, &txt) ||
            !series_date(ctx, p.v[PE_FROM], comp, "from", &a, &h, &t) ||
            !series_date(ctx, p.v[PE_TO], comp, "to", &b, &h, &t) || !get_num(&p, PE_FACTOR, &f))
            continue;
        if (s->n_periods == DH_SCHEDULE_MAX_PERIODS) {
            case_error(ctx, DH_ERR_INPUT, &n->items[k]->pos, comp, "more than %d periods",
                       DH_SCHEDULE_MAX_PERIODS);
            return;
        }
        s->period[s->n_periods++] = (dh_period){a, b, f};
    }
}

/* One model of `loads.models`. */
static void series_model(case_ctx *ctx, const char *name, const cv_node *n, dh_series_model *m)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "load model %s", name);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->line = n->pos.line, m->col = n->pos.col;
    rec r;
    if (!rec_read(ctx, &r, n, model_fields, M_N, NULL, NULL, comp, false)) return;
    r.comp = comp;
    int type = -1;
    if (!rec_has(&r, M_TYPE) || !get_enum(&r, M_TYPE, &type)) return;
    dh_load_model_init(&m->model, (dh_load_kind)type);
    dh_load_model *lm = &m->model;
    static const unsigned allowed[] = {
        [DH_LOAD_CONSTANT] = 1u << M_TYPE,
        [DH_LOAD_SPACE_HEATING] = 1u << M_TYPE | 1u << M_INDOOR | 1u << M_DESIGN_OUT |
                                  1u << M_CUTOFF | 1u << M_SEASON | 1u << M_OUTDOOR |
                                  1u << M_MAXF,
        [DH_LOAD_PROCESS] = 1u << M_TYPE | 1u << M_HOURS | 1u << M_SHIFTS | 1u << M_WEEK |
                            1u << M_WEEKDAYS | 1u << M_HOLIDAY | 1u << M_PERIODS,
        [DH_LOAD_HOT_WATER] = 1u << M_TYPE | 1u << M_HOURS | 1u << M_MONTHS,
        [DH_LOAD_PROFILE] = 1u << M_TYPE | 1u << M_CSV,
    };
    for (size_t i = 0; i < M_N; i++)
        if (!(allowed[type] & (1u << i)))
            rec_not_here(&r, i, "does not apply to this type of load model");
    if (type == DH_LOAD_SPACE_HEATING) {
        dh_space_heating *h = &lm->heating;
        if (rec_has(&r, M_INDOOR)) get_qty(&r, M_INDOOR, &h->indoor_temperature);
        if (rec_has(&r, M_DESIGN_OUT)) get_qty(&r, M_DESIGN_OUT, &h->design_temperature);
        const cv_node *v = rec_scalar(&r, M_CUTOFF);
        if (v && !strcmp(v->text, "none"))
            h->cutoff_temperature = INFINITY;
        else if (v)
            parse_qty(&r, M_CUTOFF, v, DH_Q_TEMPERATURE, &h->cutoff_temperature);
        if (rec_has(&r, M_SEASON)) {
            int a, b;
            if (series_range(ctx, r.v[M_SEASON], comp, "season", &a, &b)) {
                h->has_season = true;
                h->season = (dh_period){a, b, 1.0};
            }
        }
        v = r.v[M_OUTDOOR];
        if (v && v->kind == CV_SCALAR) {
            if (!strcmp(v->text, "hourly"))
                h->filter = DH_FILTER_HOURLY;
            else if (!strcmp(v->text, "daily_mean"))
                h->filter = DH_FILTER_DAILY_MEAN;
            else
                case_error(ctx, DH_ERR_INPUT, &v->pos, comp,
                           "unknown outdoor '%s'; expected one of: hourly, daily_mean, "
                           "{moving: 24 h}, {exponential: 30 h}", v->text);
        } else if (v && v->kind == CV_MAP && v->n == 1 &&
                   (!strcmp(v->pairs[0].key, "moving") ||
                    !strcmp(v->pairs[0].key, "exponential")) &&
                   v->pairs[0].value->kind == CV_SCALAR) {
            h->filter = !strcmp(v->pairs[0].key, "moving") ? DH_FILTER_MOVING
                                                            : DH_FILTER_EXPONENTIAL;
            parse_qty(&r, M_OUTDOOR, v->pairs[0].value, DH_Q_TIME, &h->filter_time);
        } else if (v) {
            case_error(ctx, DH_ERR_INPUT, &v->pos, comp,
                       "'outdoor' must be hourly, daily_mean, {moving: 24 h} or "
                       "{exponential: 30 h}");
        }
        v = rec_scalar(&r, M_MAXF);
        if (v && !strcmp(v->text, "none"))
            h->max_fraction = INFINITY;
        else if (v) {
            double x;
            if (bare_number(v->text, &x) ? check_range(&r, M_MAXF, v, x)
                                         : parse_qty(&r, M_MAXF, v, DH_Q_DIMENSIONLESS, &x))
                h->max_fraction = x;
        }
    } else if (type == DH_LOAD_PROCESS) {
        dh_schedule *s = &lm->schedule;
        dh_error e;
        dh_error_clear(&e);
        if (rec_has(&r, M_SHIFTS)) {
            rec q;
            if (rec_read(ctx, &q, r.v[M_SHIFTS], shift_fields, SH_N, NULL, NULL, comp, false)) {
                long first, hours;
                double off = 0;
                if (get_int(&q, SH_FIRST, &first) && get_int(&q, SH_HOURS, &hours) &&
                    (!rec_has(&q, SH_OFF) || get_num(&q, SH_OFF, &off)) &&
                    dh_schedule_set_shifts(s, (int)first, (int)hours, off, &e) != DH_OK)
                    case_error(ctx, DH_ERR_INPUT, &r.v[M_SHIFTS]->pos, comp, "%s", e.message);
            }
        }
        if (rec_has(&r, M_HOURS)) {
            if (rec_has(&r, M_SHIFTS))
                case_error(ctx, DH_ERR_INPUT, &r.v[M_HOURS]->pos, comp,
                           "give 'shifts' or 'hours', not both");
            else
                series_numbers(&r, M_HOURS, s->hour_factor, 24);
        }
        if (rec_has(&r, M_WEEK)) {
            rec q;
            if (rec_read(ctx, &q, r.v[M_WEEK], week_fields, WK_N, NULL, NULL, comp, false)) {
                long days;
                double off = 0;
                if (get_int(&q, WK_DAYS, &days) && (!rec_has(&q, WK_OFF) || get_num(&q, WK_OFF, &off)) &&
                    dh_schedule_set_workweek(s, (int)days, off, &e) != DH_OK)
                    case_error(ctx, DH_ERR_INPUT, &r.v[M_WEEK]->pos, comp, "%s", e.message);
            }
        }
        if (rec_has(&r, M_WEEKDAYS)) {
            if (rec_has(&r, M_WEEK))
                case_error(ctx, DH_ERR_INPUT, &r.v[M_WEEKDAYS]->pos, comp,
                           "give 'week' or 'weekdays', not both");
            else
                series_numbers(&r, M_WEEKDAYS, s->weekday_factor, 7);
        }
        if (rec_has(&r, M_HOLIDAY)) get_num(&r, M_HOLIDAY, &s->holiday_factor);
        if (rec_has(&r, M_PERIODS)) series_periods(ctx, r.v[M_PERIODS], comp, s);
    } else if (type == DH_LOAD_HOT_WATER) {
        if (rec_has(&r, M_HOURS)) series_numbers(&r, M_HOURS, lm->hot_water.hour_factor, 24);
        if (rec_has(&r, M_MONTHS)) series_numbers(&r, M_MONTHS, lm->hot_water.month_factor, 12);
    } else if (type == DH_LOAD_PROFILE) {
        const char *file;
        if (!rec_has(&r, M_CSV))
            rec_missing(&r, M_CSV, "a profile model reads its hourly values from a CSV file");
        else if (get_str(&r, M_CSV, &file))
            series_path(ctx, file, m->profile_path, sizeof m->profile_path);
    }
}

static bool series_find_model(const dh_series_spec *sp, const char *name, size_t *index)
{
    for (size_t i = 0; i < sp->n_models; i++)
        if (!strcmp(sp->model[i].name, name)) return *index = i, true;
    return false;
}

/* One component of an assignment: a model name, or {model, share, design}. */
static void series_part(case_ctx *ctx, const cv_node *n, const char *comp, dh_series_spec *sp,
                        dh_series_assign *a)
{
    dh_series_part p = {0, 1.0, NAN, DH_Q_DIMENSIONLESS};
    const cv_node *name = n;
    rec r;
    if (n->kind == CV_MAP) {
        if (!rec_read(ctx, &r, n, part_fields, PA_N, NULL, NULL, comp, false)) return;
        name = rec_has(&r, PA_MODEL) ? rec_scalar(&r, PA_MODEL) : NULL;
        if (!name) return;
        if (rec_has(&r, PA_SHARE)) get_num(&r, PA_SHARE, &p.share);
        const cv_node *d = rec_has(&r, PA_DESIGN) ? rec_scalar(&r, PA_DESIGN) : NULL;
        if (d) {
            /* a power for heat consumers, a mass flow for steam ones, a bare number: the
             * scale of a profile (checked against the consumer's type when the loads are made) */
            double x;
            if (bare_number(d->text, &x))
                p.design = x, p.design_quantity = DH_Q_DIMENSIONLESS;
            else if (dh_units_parse(ctx->units, d->text, DH_Q_POWER, ctx->p_atm, &x, &d->pos,
                                    &(dh_error){0}) == DH_OK)
                p.design = x, p.design_quantity = DH_Q_POWER;
            else if (parse_qty(&r, PA_DESIGN, d, DH_Q_MASS_FLOW, &x))
                p.design = x, p.design_quantity = DH_Q_MASS_FLOW;
            if (rec_has(&r, PA_SHARE))
                case_error(ctx, DH_ERR_INPUT, &d->pos, comp, "give 'share' or 'design', not both");
        }
    } else if (n->kind != CV_SCALAR) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, comp,
                   "expected a model name or {model: NAME, share: x}, got %s",
                   cv_kind_text(n->kind));
        return;
    }
    if (!series_find_model(sp, name->text, &p.model)) {
        const char *names[DH_SERIES_MODELS_MAX];
        for (size_t i = 0; i < sp->n_models; i++) names[i] = sp->model[i].name;
        const char *hint = dh_str_suggest(name->text, names, sp->n_models);
        case_error(ctx, DH_ERR_INPUT, &name->pos, comp, "model '%s' not found%s%s%s", name->text,
                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        return;
    }
    if (a->n_parts == DH_SERIES_PARTS_MAX) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, comp, "more than %d components",
                   DH_SERIES_PARTS_MAX);
        return;
    }
    a->part[a->n_parts++] = p;
}

static void series_loads(case_ctx *ctx, const cv_node *n, dh_series_spec *sp)
{
    rec r;
    if (!rec_read(ctx, &r, n, loads_fields, LO_N, NULL, NULL, "loads", false)) return;
    const cv_node *v = r.v[LO_MODELS];
    if (v && v->kind != CV_MAP)
        case_error(ctx, DH_ERR_INPUT, &v->pos, "loads", "'models' must be a mapping name: {...}");
    for (size_t k = 0; v && v->kind == CV_MAP && k < v->n; k++) {
        if (sp->n_models == DH_SERIES_MODELS_MAX) {
            case_error(ctx, DH_ERR_INPUT, &v->pairs[k].key_pos, "loads", "more than %d models",
                       DH_SERIES_MODELS_MAX);
            break;
        }
        size_t dup;
        if (series_find_model(sp, v->pairs[k].key, &dup)) {
            case_error(ctx, DH_ERR_INPUT, &v->pairs[k].key_pos, "loads",
                       "duplicate model '%s'", v->pairs[k].key);
            continue;
        }
        series_model(ctx, v->pairs[k].key, v->pairs[k].value, &sp->model[sp->n_models++]);
    }
    v = r.v[LO_ASSIGN];
    if (v && v->kind != CV_MAP)
        case_error(ctx, DH_ERR_INPUT, &v->pos, "loads",
                   "'assign' must be a mapping: consumer id or group: model(s)");
    for (size_t k = 0; v && v->kind == CV_MAP && k < v->n; k++) {
        const cv_pair *p = &v->pairs[k];
        if (sp->n_assign == DH_SERIES_ASSIGN_MAX) {
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, "loads", "more than %d assignments",
                       DH_SERIES_ASSIGN_MAX);
            break;
        }
        dh_series_assign *a = &sp->assign[sp->n_assign++];
        memset(a, 0, sizeof *a);
        snprintf(a->target, sizeof a->target, "%s", p->key);
        a->line = p->key_pos.line, a->col = p->key_pos.col;
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "loads.assign.%s", p->key);
        if (p->value->kind == CV_SEQ)
            for (size_t j = 0; j < p->value->n; j++)
                series_part(ctx, p->value->items[j], comp, sp, a);
        else
            series_part(ctx, p->value, comp, sp, a);
    }
    v = r.v[LO_COINC];
    if (v && v->kind != CV_MAP)
        case_error(ctx, DH_ERR_INPUT, &v->pos, "loads", "'coincidence' must be a mapping group: k");
    for (size_t k = 0; v && v->kind == CV_MAP && k < v->n; k++) {
        const cv_pair *p = &v->pairs[k];
        if (sp->n_coinc == DH_SERIES_COINC_MAX) break;
        dh_series_coinc *c = &sp->coinc[sp->n_coinc];
        double x;
        const cv_node *val = p->value;
        static const field kf = {"coincidence", FT_NUM, 0, F_POS, NULL, 1.0};
        rec kr = {.ctx = ctx, .f = &kf, .nf = 1, .map = v, .comp = "loads"};
        kr.v[0] = (cv_node *)val;
        if (!get_num(&kr, 0, &x)) continue;
        snprintf(c->group, sizeof c->group, "%s", p->key);
        c->k = x;
        c->line = p->key_pos.line, c->col = p->key_pos.col;
        sp->n_coinc++;
    }
}

/* Reads the series parts of the case (top-level record `top`). */
static void read_series(case_ctx *ctx, rec *top, dh_case *c)
{
    c->study.series_start = NAN;
    c->study.series_duration = 0;
    c->study.series_step = 3600.0;
    if (top->v[T_STUDY]) series_study(ctx, top->v[T_STUDY], &c->study);
    dh_series_spec *sp = &c->series;
    memset(sp, 0, sizeof *sp);
    sp->first_weekday = -1;
    sp->present = top->v[T_WEATHER] || top->v[T_CALENDAR] || top->v[T_LOADS];
    if (top->v[T_WEATHER]) series_weather(ctx, top->v[T_WEATHER], sp);
    if (top->v[T_CALENDAR]) series_calendar(ctx, top->v[T_CALENDAR], sp);
    if (top->v[T_LOADS]) series_loads(ctx, top->v[T_LOADS], sp);
}

/* Consumer ids and groups named by `loads:` against the built network. */
static void series_resolve(case_ctx *ctx, const dh_network *net, dh_series_spec *sp)
{
    const dh_consumers *co = &net->consumers;
    /* candidates for "did you mean": ids then groups (duplicates harmless) */
    const char **names = malloc((2 * co->n + 1) * sizeof *names);
    if (!names) return;
    for (size_t i = 0; i < co->n; i++) names[i] = co->id[i], names[co->n + i] = co->group[i];
    for (size_t k = 0; k < sp->n_assign; k++) {
        dh_series_assign *a = &sp->assign[k];
        bool id = false, group = false;
        for (size_t i = 0; i < co->n; i++) {
            id = id || !strcmp(co->id[i], a->target);
            group = group || !strcmp(co->group[i], a->target);
        }
        a->is_group = !id && group;
        if (!id && !group) {
            dh_srcpos pos = {ctx->file, a->line, a->col};
            const char *hint = dh_str_suggest(a->target, names, 2 * co->n);
            case_error(ctx, DH_ERR_INPUT, &pos, "loads.assign",
                       "no consumer or group '%s'%s%s%s", a->target,
                       hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
    }
    for (size_t k = 0; k < sp->n_coinc; k++) {
        bool group = false;
        for (size_t i = 0; i < co->n; i++) group = group || !strcmp(co->group[i], sp->coinc[k].group);
        if (!group) {
            dh_srcpos pos = {ctx->file, sp->coinc[k].line, sp->coinc[k].col};
            const char *hint = dh_str_suggest(sp->coinc[k].group, names + co->n, co->n);
            case_error(ctx, DH_ERR_INPUT, &pos, "loads.coincidence", "no group '%s'%s%s%s",
                       sp->coinc[k].group, hint ? " (did you mean '" : "", hint ? hint : "",
                       hint ? "'?)" : "");
        }
    }
    free(names);
}

static const char *base_name(case_ctx *ctx, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    return case_arena_strndup(ctx->arena, b, len);
}

dh_status case_build(case_ctx *ctx, cv_node *root, dh_case *c)
{
    if (root->kind == CV_NULL) {
        case_error(ctx, DH_ERR_INPUT, &root->pos, NULL,
                   "the case file is empty (it needs at least 'dhsim: 1' and 'nodes:')");
        return ctx->first;
    }
    bctx bc;
    memset(&bc, 0, sizeof bc);
    bc.ctx = ctx;
    rec top;
    if (root->kind != CV_MAP) {
        case_error(ctx, DH_ERR_INPUT, &root->pos, NULL,
                   "a case file is a mapping of sections (dhsim:, nodes:, pipes: ...), not %s",
                   cv_kind_text(root->kind));
        return ctx->first;
    }
    rec_read(ctx, &top, root, top_fields, T_N, NULL, NULL, NULL, false);
    long version = 0;
    if (rec_has(&top, T_DHSIM) && get_int(&top, T_DHSIM, &version) && version != 1)
        case_error(ctx, DH_ERR_INPUT, &top.v[T_DHSIM]->pos, NULL,
                   "case format version %ld is not known to this dhsim (it reads version 1)",
                   version);

    dh_error e;
    if (dh_netbuild_create(&bc.b, &e) != DH_OK) {
        case_error_rec(ctx, &e, NULL, NULL);
        return ctx->first;
    }
    /* ambient first: its atmospheric pressure converts every gauge pressure of the case */
    dh_ambient amb = {288.15, 288.15, 101325.0, 0.0};
    ctx->p_atm = amb.atmospheric_pressure;
    if (top.v[T_AMBIENT]) read_ambient(&bc, top.v[T_AMBIENT], &amb);
    dh_netbuild_set_ambient(bc.b, &amb);

    c->study.type = DH_STUDY_STEADY;
    c->study.friction = DH_FRICTION_COLEBROOK;
    c->study.tolerance = 1e-8;
    c->study.max_iterations = 50;
    c->study.max_steam_velocity = 0;
    c->study.max_water_velocity = 0;
    c->study.water = DH_WATER_IAPWS;
    c->study.water_temperature = NAN;
    if (top.v[T_STUDY]) read_study(&bc, top.v[T_STUDY], &c->study);

    const char *name = NULL;
    if (rec_has(&top, T_NAME)) get_str(&top, T_NAME, &name);
    if (rec_has(&top, T_DESCRIPTION)) {
        const char *d;
        get_str(&top, T_DESCRIPTION, &d);
    }
    if (!name) name = base_name(ctx, ctx->file);
    c->name = strdup(name ? name : "");
    dh_netbuild_set_name(bc.b, c->name);

    if (top.v[T_DEFAULTS]) read_defaults(&bc, top.v[T_DEFAULTS]);
    static const size_t table_field[K_N] = {T_NODES, T_PIPES, T_VALVES, T_PUMPS,
                                            T_SOURCES, T_CONSUMERS, T_SUBSTATIONS};
    for (size_t k = 0; k < K_N; k++) read_table(&bc, (kind)k, top.v[table_field[k]]);
    c->plant.present = false;
    c->plant.source = DH_NONE;
    if (top.v[T_PLANT]) read_plant(ctx, top.v[T_PLANT], &c->plant);
    read_series(ctx, &top, c);

    /* The builder resolves ids and reports dangling and duplicate ones (with positions); run
     * it even after errors so that one pass reports everything. */
    dh_network *net = NULL;
    dh_status st = dh_netbuild_finish(bc.b, &net, ctx->diag);
    dh_netbuild_destroy(&bc.b);
    if (ctx->n_errors > 0) {
        dh_network_destroy(&net);
        return ctx->first;
    }
    if (st != DH_OK) return st;
    plant_resolve(ctx, net, &c->plant);
    series_resolve(ctx, net, &c->series);
    if (ctx->n_errors > 0) {
        dh_network_destroy(&net);
        return ctx->first;
    }
    c->net = net;
    return DH_OK;
}
