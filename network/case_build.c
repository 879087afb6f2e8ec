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
static const char *const w_friction[] = {"colebrook", "swamee_jain", "hazen_williams", NULL};
static const char *const w_water[] = {"iapws", "incompressible", NULL};
static const char *const w_laying[] = {"above_ground", "buried", NULL};
static const char *const w_valve[] = {"pressure_reducing", "check", "throttle", NULL};
static const char *const w_source[] = {"fixed_pressure", "fixed_flow", NULL};
static const char *const w_medium[] = {"steam", "water", NULL};
static const char *const w_consumer[] = {"steam", "heat", "water", NULL};

enum { T_DHSIM, T_NAME, T_DESCRIPTION, T_AMBIENT, T_STUDY, T_DEFAULTS, T_NODES, T_PIPES,
       T_VALVES, T_PUMPS, T_SOURCES, T_CONSUMERS, T_SUBSTATIONS, T_PLANT, T_WEATHER, T_CALENDAR, T_LOADS,
       T_EVENTS, T_SBOILERS, T_FUELS, T_RETIRE, T_SWEEP, T_N };
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
    [T_EVENTS] = {"events", FT_ANY, 0, 0, NULL, 0}, /* transient: read by read_transient */
    [T_SWEEP] = {"sweep", FT_ANY, 0, 0, NULL, 0}, /* read by read_sweep (end of the file) */
    [T_SBOILERS] = {"small_boilers", FT_ANY, 0, 0, NULL, 0}, /* retire: read_retire_sections */
    [T_FUELS] = {"fuels", FT_ANY, 0, 0, NULL, 0},
    [T_RETIRE] = {"retire", FT_ANY, 0, 0, NULL, 0},
};

enum { A_AIR, A_SOIL, A_PATM, A_WIND, A_N };
static const field ambient_fields[A_N] = {
    [A_AIR] = {"air", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [A_SOIL] = {"soil", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [A_PATM] = {"atmospheric_pressure", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0},
    [A_WIND] = {"wind", FT_QTY, DH_Q_VELOCITY, F_NONNEG, NULL, 0},
};

enum { S_TYPE, S_FRICTION, S_TOL, S_MAXIT, S_VSTEAM, S_VWATER, S_START, S_END, S_STEP, S_WATER,
       S_TWATER, S_DURATION, S_OUTINT, S_RTOL, S_ATOL, S_MAXSTEP, S_CKPT, S_N };
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
    /* transient: read by transient_study */
    [S_DURATION] = {"duration", FT_QTY, DH_Q_TIME, F_POS, NULL, 0},
    [S_OUTINT] = {"output_interval", FT_QTY, DH_Q_TIME, F_POS, NULL, 0},
    [S_RTOL] = {"rtol", FT_NUM, 0, F_POS, NULL, 0.1},
    [S_ATOL] = {"atol", FT_NUM, 0, F_POS, NULL, 0.1},
    [S_MAXSTEP] = {"max_step", FT_QTY, DH_Q_TIME, F_NONNEG, NULL, 0},
    [S_CKPT] = {"checkpoint", FT_QTY, DH_Q_TIME, F_NONNEG, NULL, 0},
};

enum { N_ID, N_X, N_Y, N_Z, N_N };
static const field node_fields[N_N] = {
    [N_ID] = {"id", FT_STR, 0, F_REQ | F_NODEF, NULL, 0},
    [N_X] = {"x", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [N_Y] = {"y", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [N_Z] = {"z", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
};

enum { P_ID, P_FROM, P_TO, P_LENGTH, P_DIAM, P_OUTER, P_ROUGH, P_KSUM, P_LEQ, P_WALL, P_INS,
       P_LAYING, P_SEGMENTS, P_HWC, P_N };
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
    /* Hazen-Williams C, used when study.friction is hazen_williams (water only); 1..200 */
    [P_HWC] = {"hazen_williams_c", FT_NUM, 0, F_POS, NULL, 200},
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
    if (rec_has(&r, P_HWC) && get_num(&r, P_HWC, &s.hazen_williams_c) && s.hazen_williams_c < 1) {
        case_error(ctx, DH_ERR_INPUT, &r.v[P_HWC]->pos, rc(&r, P_HWC),
                   "'hazen_williams_c' must lie between 1 and 200, got '%s'", r.v[P_HWC]->text);
        s.hazen_williams_c = 0;
    }
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
    /* series: rows written every output_interval (the summary still sees every step) */
    if (s->type == DH_STUDY_SERIES && rec_has(&r, S_OUTINT) &&
        get_qty(&r, S_OUTINT, &s->series_output_interval)) {
        double k = s->series_output_interval / s->series_step;
        if (fabs(k - round(k)) > 1e-9 || k < 1)
            case_error(ctx, DH_ERR_INPUT, &r.v[S_OUTINT]->pos, "study",
                       "'output_interval' of a series must be a whole multiple of its step "
                       "(%g h), got '%s'", s->series_step / 3600.0, r.v[S_OUTINT]->text);
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
    c->study.series_output_interval = 0;
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

/* ---- transient study: study.duration/output_interval/rtol/atol/max_step, events: -----------
 * (docs/case-format.md "Transient study"). Read into c->transient (dh_case.h) in SI; targets
 * (consumers or groups, sources, valves, plant boilers) are resolved once the network is built
 * (transient_resolve). The events become the solver's dh_event array in cli/run_transient.c
 * (a boiler trip there becomes the header source's max flow from the plant dispatch). */

static const char *const w_event[] = {"boiler_trip", "boiler_return", "source_pressure",
                                      "source_temperature", "source_max_flow", "source_flow",
                                      "demand_step", "demand_ramp", "valve", NULL};

enum { EV_AT, EV_TYPE, EV_TARGET, EV_VALUE, EV_DURATION, EV_NOTE, EV_N };
static const field event_fields[EV_N] = {
    [EV_AT] = {"at", FT_QTY, DH_Q_TIME, F_REQ | F_NONNEG, NULL, 0},
    [EV_TYPE] = {"type", FT_ENUM, 0, F_REQ, w_event, 0},
    [EV_TARGET] = {"target", FT_STR, 0, F_REQ, NULL, 0},
    [EV_VALUE] = {"value", FT_ANY, 0, 0, NULL, 0},
    [EV_DURATION] = {"duration", FT_QTY, DH_Q_TIME, F_NONNEG, NULL, 0},
    [EV_NOTE] = {"note", FT_STR, 0, 0, NULL, 0},
};

static void transient_study(case_ctx *ctx, const cv_node *n, dh_transient_spec *t)
{
    rec r;
    if (!rec_read(ctx, &r, n, study_fields, S_N, NULL, NULL, "study", false)) return;
    if (rec_has(&r, S_DURATION)) get_qty(&r, S_DURATION, &t->duration);
    if (rec_has(&r, S_OUTINT)) get_qty(&r, S_OUTINT, &t->output_interval);
    if (rec_has(&r, S_RTOL)) get_num(&r, S_RTOL, &t->rtol);
    if (rec_has(&r, S_ATOL)) get_num(&r, S_ATOL, &t->atol);
    if (rec_has(&r, S_MAXSTEP)) get_qty(&r, S_MAXSTEP, &t->max_step);
    if (rec_has(&r, S_CKPT)) get_qty(&r, S_CKPT, &t->checkpoint);
}

/* The value of a demand event: a fraction of the design demand ("80 %") or an absolute demand
 * (mass flow "35 t/h" or power "12 MW"; which one fits is checked against the consumer in
 * transient_resolve). */
static void event_demand_value(rec *r, const cv_node *v, dh_case_event *e)
{
    case_ctx *ctx = r->ctx;
    double x, bare;
    dh_error ign;
    if (bare_number(v->text, &bare)) {
        case_error(ctx, DH_ERR_INPUT, &v->pos, r->comp,
                   "'value' needs a unit: a demand ('35 t/h', '12 MW') or a share of the design "
                   "demand ('80 %%'), got '%s'",
                   v->text);
        return;
    }
    static const dh_quantity qs[] = {DH_Q_DIMENSIONLESS, DH_Q_MASS_FLOW, DH_Q_POWER};
    for (size_t k = 0; k < 3; k++) {
        dh_error_clear(&ign);
        if (dh_units_parse(ctx->units, v->text, qs[k], ctx->p_atm, &x, &v->pos, &ign) != DH_OK)
            continue;
        if (!isfinite(x) || x < 0) {
            case_error(ctx, DH_ERR_INPUT, &v->pos, r->comp, "'value' must not be negative, got '%s'",
                       v->text);
            return;
        }
        e->quantity = (int)qs[k];
        if (qs[k] == DH_Q_DIMENSIONLESS) e->fraction = x;
        else e->value = x;
        return;
    }
    case_error(ctx, DH_ERR_INPUT, &v->pos, r->comp,
               "cannot read '%s' as a demand: a mass flow ('35 t/h'), a power ('12 MW') or a "
               "share of the design demand ('80 %%')",
               v->text);
}

static void read_event(case_ctx *ctx, const cv_node *map, size_t index, dh_transient_spec *t)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "event #%zu", index + 1);
    rec r;
    if (!rec_read(ctx, &r, map, event_fields, EV_N, NULL, NULL, comp, false)) return;
    dh_case_event e;
    memset(&e, 0, sizeof e);
    e.value = NAN;
    e.fraction = NAN;
    e.index = DH_NONE;
    e.line = map->pos.line, e.col = map->pos.col;
    bool ok = true;
    int type = -1;
    ok &= rec_has(&r, EV_AT) && get_qty(&r, EV_AT, &e.time);
    ok &= rec_has(&r, EV_TYPE) && get_enum(&r, EV_TYPE, &type);
    const char *target = NULL;
    if (rec_has(&r, EV_TARGET) && get_str(&r, EV_TARGET, &target)) {
        snprintf(e.target, sizeof e.target, "%s", target);
        e.target_line = r.v[EV_TARGET]->pos.line, e.target_col = r.v[EV_TARGET]->pos.col;
    } else {
        ok = false;
    }
    if (rec_has(&r, EV_NOTE)) {
        const char *note;
        get_str(&r, EV_NOTE, &note);
    }
    if (rec_has(&r, EV_DURATION)) ok &= get_qty(&r, EV_DURATION, &e.duration);
    if (type < 0) return; /* reported; the rest depends on the type */
    e.type = (dh_case_event_type)type;
    const char *tn = w_event[type];
    bool boiler = e.type == DH_CASE_EVENT_BOILER_TRIP || e.type == DH_CASE_EVENT_BOILER_RETURN;
    /* value: none for boiler events, required otherwise */
    const cv_node *v = NULL;
    if (boiler) {
        if (r.v[EV_VALUE]) {
            case_error(ctx, DH_ERR_INPUT, &r.v[EV_VALUE]->pos, comp,
                       "a %s takes no 'value' (the plant's capacity without the boiler is "
                       "computed)",
                       tn);
            ok = false;
        }
    } else if (!(v = rec_scalar(&r, EV_VALUE))) {
        if (!r.v[EV_VALUE]) rec_missing(&r, EV_VALUE, tn);
        ok = false;
    }
    /* duration: a ramp; required for demand_ramp, not allowed where the change is a step */
    bool step_only = boiler || e.type == DH_CASE_EVENT_SOURCE_MAX_FLOW ||
                     e.type == DH_CASE_EVENT_DEMAND_STEP;
    if (step_only && r.v[EV_DURATION]) {
        case_error(ctx, DH_ERR_INPUT, &r.v[EV_DURATION]->pos, comp,
                   "a %s is a step: it takes no 'duration'%s", tn,
                   e.type == DH_CASE_EVENT_DEMAND_STEP ? " (use demand_ramp)" : "");
        ok = false;
    }
    if (e.type == DH_CASE_EVENT_DEMAND_RAMP && !(e.duration > 0)) {
        if (r.v[EV_DURATION])
            case_error(ctx, DH_ERR_INPUT, &r.v[EV_DURATION]->pos, comp,
                       "a demand_ramp needs a 'duration' > 0 (use demand_step for a step)");
        else
            rec_missing(&r, EV_DURATION, "a demand_ramp moves over its duration");
        ok = false;
    }
    if (v) {
        static const field fp = {"value", FT_QTY, DH_Q_PRESSURE, F_POS, NULL, 0};
        static const field ft = {"value", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0};
        static const field fm = {"value", FT_QTY, DH_Q_MASS_FLOW, F_NONNEG, NULL, 0};
        static const field fo = {"value", FT_NUM, 0, F_UNIT, NULL, 0};
        const field *f = NULL;
        switch (e.type) {
        case DH_CASE_EVENT_SOURCE_PRESSURE: f = &fp; break;
        case DH_CASE_EVENT_SOURCE_TEMPERATURE: f = &ft; break;
        case DH_CASE_EVENT_SOURCE_MAX_FLOW:
        case DH_CASE_EVENT_SOURCE_FLOW: f = &fm; break;
        case DH_CASE_EVENT_VALVE: f = &fo; break;
        default: break;
        }
        rec vr = {.ctx = ctx, .f = f, .nf = 1, .map = map, .comp = comp};
        vr.v[0] = (cv_node *)v;
        if (e.type == DH_CASE_EVENT_SOURCE_MAX_FLOW &&
            (!strcmp(v->text, "none") || !strcmp(v->text, "unlimited"))) {
            e.value = INFINITY; /* the limit lifted */
            e.quantity = DH_Q_MASS_FLOW;
        } else if (e.type == DH_CASE_EVENT_DEMAND_STEP || e.type == DH_CASE_EVENT_DEMAND_RAMP) {
            event_demand_value(&r, v, &e);
            ok &= e.quantity != 0 || !isnan(e.fraction);
        } else if (f->type == FT_NUM) {
            ok &= get_num(&vr, 0, &e.value);
            e.quantity = DH_Q_DIMENSIONLESS;
        } else {
            ok &= get_qty(&vr, 0, &e.value);
            e.quantity = (int)f->q;
        }
    }
    if (!ok) return;
    if (t->n_events == DH_CASE_EVENTS_MAX) {
        case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "more than %d events", DH_CASE_EVENTS_MAX);
        return;
    }
    t->events[t->n_events++] = e;
}

/* Reads the transient parts of the case (top-level record `top`). */
static void read_transient(case_ctx *ctx, rec *top, dh_case *c)
{
    dh_transient_spec *t = &c->transient;
    memset(t, 0, sizeof *t);
    t->duration = 3600.0;
    t->output_interval = 300.0;
    t->rtol = 1e-6;
    t->atol = NAN;
    if (top->v[T_STUDY]) transient_study(ctx, top->v[T_STUDY], t);
    if (!(t->atol > 0)) t->atol = t->rtol;
    const cv_node *ev = top->v[T_EVENTS];
    if (!ev) return;
    if (ev->kind != CV_SEQ) {
        case_error(ctx, DH_ERR_INPUT, &ev->pos, "events",
                   "'events' must be a list of {at:, type:, target:, value:}, got %s",
                   cv_kind_text(ev->kind));
        return;
    }
    for (size_t k = 0; k < ev->n; k++) read_event(ctx, ev->items[k], k, t);
}

static void event_unknown(case_ctx *ctx, const dh_case_event *e, const char *comp,
                          const char *what, const char *const *names, size_t n)
{
    dh_srcpos pos = {ctx->file, e->target_line, e->target_col};
    const char *hint = dh_str_suggest(e->target, names, n);
    case_error(ctx, DH_ERR_INPUT, &pos, comp, "no %s '%s'%s%s%s", what, e->target,
               hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
}

/* Event targets against the built network and the plant; the value's kind against the
 * target (a heat consumer's demand is a power, a steam consumer's a mass flow). */
static void transient_resolve(case_ctx *ctx, const dh_network *net, dh_case *c)
{
    dh_transient_spec *t = &c->transient;
    const dh_consumers *co = &net->consumers;
    const dh_sources *so = &net->sources;
    for (size_t k = 0; k < t->n_events; k++) {
        dh_case_event *e = &t->events[k];
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "event %s", w_event[e->type]);
        dh_srcpos pos = {ctx->file, e->target_line, e->target_col};
        switch (e->type) {
        case DH_CASE_EVENT_BOILER_TRIP:
        case DH_CASE_EVENT_BOILER_RETURN: {
            if (!c->plant.present) {
                case_error(ctx, DH_ERR_INPUT, &pos, comp,
                           "a %s needs the case's 'plant:' section (its boilers); without a "
                           "plant use source_max_flow on the header source",
                           w_event[e->type]);
                break;
            }
            const char *names[DH_PLANT_SPEC_UNITS_MAX];
            for (size_t i = 0; i < c->plant.n_boilers; i++) {
                names[i] = c->plant.boiler[i].id;
                if (!strcmp(c->plant.boiler[i].id, e->target)) e->index = i;
            }
            if (e->index == DH_NONE)
                event_unknown(ctx, e, comp, "plant boiler", names, c->plant.n_boilers);
            break;
        }
        case DH_CASE_EVENT_SOURCE_PRESSURE:
        case DH_CASE_EVENT_SOURCE_TEMPERATURE:
        case DH_CASE_EVENT_SOURCE_MAX_FLOW:
        case DH_CASE_EVENT_SOURCE_FLOW: {
            for (size_t j = 0; j < so->n && e->index == DH_NONE; j++)
                if (!strcmp(so->id[j], e->target)) e->index = j;
            if (e->index == DH_NONE) {
                event_unknown(ctx, e, comp, "source", (const char *const *)so->id, so->n);
                break;
            }
            bool want_fp = e->type != DH_CASE_EVENT_SOURCE_FLOW &&
                           e->type != DH_CASE_EVENT_SOURCE_TEMPERATURE;
            bool want_ff = e->type == DH_CASE_EVENT_SOURCE_FLOW;
            if ((want_fp && so->type[e->index] != DH_SOURCE_FIXED_PRESSURE) ||
                (want_ff && so->type[e->index] != DH_SOURCE_FIXED_FLOW))
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "source %s is not a %s source",
                           e->target, want_ff ? "fixed_flow" : "fixed_pressure");
            break;
        }
        case DH_CASE_EVENT_DEMAND_STEP:
        case DH_CASE_EVENT_DEMAND_RAMP: {
            bool group = false;
            for (size_t i = 0; i < co->n; i++) {
                if (e->index == DH_NONE && !strcmp(co->id[i], e->target)) e->index = i;
                group = group || !strcmp(co->group[i], e->target);
            }
            e->target_is_group = e->index == DH_NONE && group;
            if (e->index == DH_NONE && !group) {
                const char **names = malloc((2 * co->n + 1) * sizeof *names);
                if (!names) break;
                for (size_t i = 0; i < co->n; i++)
                    names[i] = co->id[i], names[co->n + i] = co->group[i];
                event_unknown(ctx, e, comp, "consumer or group", names, 2 * co->n);
                free(names);
                break;
            }
            if (!isnan(e->fraction)) break; /* a share of each one's design demand */
            if (e->target_is_group) {
                case_error(ctx, DH_ERR_INPUT, &pos, comp,
                           "a group's demand is given as a share of its consumers' design "
                           "demands ('80 %%'), not as '%s' in total",
                           dh_quantity_name((dh_quantity)e->quantity));
                break;
            }
            bool heat = co->type[e->index] == DH_CONSUMER_HEAT;
            dh_quantity want = heat ? DH_Q_POWER : DH_Q_MASS_FLOW;
            if (e->quantity != (int)want)
                case_error(ctx, DH_ERR_INPUT, &pos, comp,
                           "consumer %s is a %s consumer: its demand is a %s, not a %s",
                           e->target, heat ? "heat" : co->type[e->index] == DH_CONSUMER_STEAM ? "steam" : "water",
                           dh_quantity_name(want), dh_quantity_name((dh_quantity)e->quantity));
            break;
        }
        case DH_CASE_EVENT_VALVE: {
            size_t l = dh_network_find_link(net, e->target);
            for (size_t v = 0; l != DH_NONE && v < net->valves.n; v++)
                if (net->valves.link[v] == l) e->index = v;
            if (e->index != DH_NONE) break;
            if (l != DH_NONE) {
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "link %s is not a valve", e->target);
                break;
            }
            const char **names = malloc((net->valves.n + 1) * sizeof *names);
            if (!names) break;
            for (size_t v = 0; v < net->valves.n; v++) names[v] = net->links.id[net->valves.link[v]];
            event_unknown(ctx, e, comp, "valve", names, net->valves.n);
            free(names);
            break;
        }
        }
    }
}

/* ---- retirement study: small_boilers:, fuels:, retire: ------------------------------------
 * (docs/case-format.md "Retirement study", docs/retire.md). Read into c->retire
 * (dh_case.h) in SI; node, consumer and pipe ids are resolved once the network is built
 * (retire_resolve). Emission factors are read in t CO2/TJ and prices per t of fuel (bare
 * numbers: a currency is not a unit) and stored per J and per kg. */

static const char *const w_reinforce[] = {"parallel_pipe", "upsize", NULL};

enum { SB_ID, SB_SITE, SB_GROUP, SB_CAP, SB_FUEL, SB_EFF, SB_LOAD, SB_CONNECTED, SB_CONN, SB_X,
       SB_Y, SB_Z, SB_PMIN, SB_N };
static const field sboiler_fields[SB_N] = {
    [SB_ID] = {"id", FT_STR, 0, F_REQ, NULL, 0},
    [SB_SITE] = {"site", FT_STR, 0, F_REQ, NULL, 0},
    [SB_GROUP] = {"group", FT_STR, 0, 0, NULL, 0},
    [SB_CAP] = {"capacity", FT_QTY, DH_Q_MASS_FLOW, F_POS | F_REQ, NULL, 0},
    [SB_FUEL] = {"fuel", FT_STR, 0, F_REQ, NULL, 0},
    [SB_EFF] = {"efficiency", FT_NUM, 0, F_POS | F_UNIT | F_REQ, NULL, 0},
    [SB_LOAD] = {"current_load", FT_ANY, 0, F_REQ, NULL, 0},
    [SB_CONNECTED] = {"connected", FT_BOOL, 0, 0, NULL, 0},
    [SB_CONN] = {"connection", FT_ANY, 0, 0, NULL, 0},
    [SB_X] = {"x", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [SB_Y] = {"y", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [SB_Z] = {"z", FT_QTY, DH_Q_LENGTH, 0, NULL, 0},
    [SB_PMIN] = {"min_pressure", FT_QTY, DH_Q_PRESSURE, F_NONNEG, NULL, 0},
};

enum { SC_FROM, SC_LENGTH, SC_DIAM, SC_N };
static const field sconn_fields[SC_N] = {
    [SC_FROM] = {"from", FT_STR, 0, 0, NULL, 0},
    [SC_LENGTH] = {"length", FT_QTY, DH_Q_LENGTH, F_POS, NULL, 0},
    [SC_DIAM] = {"diameter", FT_DIAM, DH_Q_LENGTH, F_POS, NULL, 0},
};

enum { FU_LHV, FU_EF, FU_PRICE, FU_N };
static const field fuel_fields[FU_N] = {
    [FU_LHV] = {"lhv", FT_QTY, DH_Q_SPECIFIC_ENERGY, F_POS | F_REQ, NULL, 0},
    [FU_EF] = {"emission_factor", FT_NUM, 0, F_NONNEG, NULL, 0},
    [FU_PRICE] = {"price", FT_NUM, 0, F_NONNEG, NULL, 0},
};

static const char *const w_combine[] = {"greedy", "none", NULL};
enum { RT_ORDER, RT_CHECKS, RT_REINF, RT_PLANTFUEL, RT_FEED, RT_COMBINE, RT_N };
static const field retire_fields[RT_N] = {
    [RT_ORDER] = {"order", FT_ANY, 0, 0, NULL, 0},
    [RT_CHECKS] = {"checks", FT_ANY, 0, 0, NULL, 0},
    [RT_REINF] = {"reinforcements", FT_ANY, 0, 0, NULL, 0},
    [RT_PLANTFUEL] = {"plant_fuel", FT_STR, 0, 0, NULL, 0},
    [RT_FEED] = {"feedwater_temperature", FT_QTY, DH_Q_TEMPERATURE, F_ABS, NULL, 0},
    [RT_COMBINE] = {"combine", FT_ENUM, 0, 0, w_combine, 0},
};

enum { RC_N1, RC_HOUR, RC_MARGIN, RC_TMARGIN, RC_VEL, RC_HOURS, RC_N };
static const char *const w_hour[] = {"design", "series_worst_hours", NULL};
static const field rchecks_fields[RC_N] = {
    [RC_N1] = {"n1", FT_BOOL, 0, 0, NULL, 0},
    [RC_HOUR] = {"hour", FT_ENUM, 0, 0, w_hour, 0},
    [RC_MARGIN] = {"min_margin", FT_QTY, DH_Q_PRESSURE_DIFF, F_NONNEG, NULL, 0},
    [RC_TMARGIN] = {"min_temperature_margin", FT_QTY, DH_Q_TEMPERATURE_DIFF, F_NONNEG, NULL, 0},
    [RC_VEL] = {"max_steam_velocity", FT_QTY, DH_Q_VELOCITY, F_NONNEG, NULL, 0},
    [RC_HOURS] = {"hours", FT_INT, 0, F_POS, NULL, 20},
};

enum { RF_ID, RF_TYPE, RF_PIPE, RF_DIAM, RF_COST, RF_N };
static const field reinf_fields[RF_N] = {
    [RF_ID] = {"id", FT_STR, 0, F_REQ, NULL, 0},
    [RF_TYPE] = {"type", FT_ENUM, 0, F_REQ, w_reinforce, 0},
    [RF_PIPE] = {"pipe", FT_STR, 0, F_REQ, NULL, 0},
    [RF_DIAM] = {"diameter", FT_DIAM, DH_Q_LENGTH, F_POS | F_REQ, NULL, 0},
    [RF_COST] = {"cost", FT_NUM, 0, F_NONNEG, NULL, 0}, /* engineer's currency */
};

/* `current_load`: a steam flow (t/h) or, for a heat consumer's site, a heat load (MW). */
static bool retire_load(rec *r, size_t i, double *v, bool *is_heat)
{
    const cv_node *n = rec_scalar(r, i);
    if (!n) return false;
    static const dh_quantity qs[2] = {DH_Q_MASS_FLOW, DH_Q_POWER};
    for (int k = 0; k < 2; k++) {
        dh_error e;
        dh_error_clear(&e);
        double si = 0, bare;
        dh_status st;
        if (n->unit && bare_number(n->text, &bare))
            st = dh_units_convert(r->ctx->units, bare, n->unit, qs[k], r->ctx->p_atm, &si,
                                  &n->pos, &e);
        else
            st = dh_units_parse(r->ctx->units, n->text, qs[k], r->ctx->p_atm, &si, &n->pos, &e);
        if (st != DH_OK) continue;
        if (!isfinite(si) || si < 0) {
            case_error(r->ctx, DH_ERR_INPUT, &n->pos, r->comp,
                       "'current_load' must not be negative, got '%s'", n->text);
            return false;
        }
        *v = si;
        *is_heat = k == 1;
        return true;
    }
    case_error(r->ctx, DH_ERR_INPUT, &n->pos, r->comp,
               "'current_load' must be a steam flow ('8 t/h') or a heat load ('6 MW'), got '%s'",
               n->text);
    return false;
}

static void read_small_boiler(case_ctx *ctx, dh_retire_spec *rs, const cv_node *map, size_t index)
{
    char comp[DH_ERROR_COMP_MAX], sub[DH_ERROR_COMP_MAX];
    comp_name(comp, sizeof comp, "small boiler", map, index);
    rec r;
    if (!rec_read(ctx, &r, map, sboiler_fields, SB_N, NULL, NULL, comp, false)) return;
    if (rs->n_boilers >= DH_RETIRE_BOILERS_MAX) {
        case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "at most %d small boilers",
                   DH_RETIRE_BOILERS_MAX);
        return;
    }
    dh_small_boiler_spec *b = &rs->boiler[rs->n_boilers];
    memset(b, 0, sizeof *b);
    b->connected = true;
    b->x = b->y = b->z = NAN;
    b->conn_length = b->conn_diameter = NAN;
    b->site_node = b->consumer = b->fuel_index = DH_NONE;
    b->line = map->pos.line;
    b->col = map->pos.col;
    const char *s;
    bool ok = true, flag;
    if (rec_has(&r, SB_ID) && get_str(&r, SB_ID, &s)) snprintf(b->id, sizeof b->id, "%s", s);
    else ok = false;
    if (rec_has(&r, SB_SITE) && get_str(&r, SB_SITE, &s)) snprintf(b->site, sizeof b->site, "%s", s);
    if (rec_has(&r, SB_GROUP) && get_str(&r, SB_GROUP, &s)) snprintf(b->group, sizeof b->group, "%s", s);
    if (rec_has(&r, SB_FUEL) && get_str(&r, SB_FUEL, &s)) snprintf(b->fuel, sizeof b->fuel, "%s", s);
    opt_qty(&r, SB_CAP, &b->capacity);
    opt_num(&r, SB_EFF, &b->efficiency);
    if (rec_has(&r, SB_LOAD)) retire_load(&r, SB_LOAD, &b->current_load, &b->load_is_heat);
    if (rec_has(&r, SB_CONNECTED) && get_bool(&r, SB_CONNECTED, &flag)) b->connected = flag;
    opt_qty(&r, SB_X, &b->x);
    opt_qty(&r, SB_Y, &b->y);
    opt_qty(&r, SB_Z, &b->z);
    opt_qty(&r, SB_PMIN, &b->min_pressure);
    rec cr;
    if (plant_sub(ctx, &r, SB_CONN, sconn_fields, SC_N, sub, &cr)) {
        if (rec_has(&cr, SC_FROM) && get_str(&cr, SC_FROM, &s))
            snprintf(b->conn_from, sizeof b->conn_from, "%s", s);
        opt_qty(&cr, SC_LENGTH, &b->conn_length);
        if (rec_has(&cr, SC_DIAM)) get_diam(&cr, SC_DIAM, &b->conn_diameter, &b->conn_outer_diameter);
    }
    if (b->connected) {
        rec_not_here(&r, SB_CONN, "applies only to a site not connected yet ('connected: false')");
    } else {
        if (!rec_has(&r, SB_X)) rec_missing(&r, SB_X, "the new site's position, 'connected: false'");
        if (!rec_has(&r, SB_Y)) rec_missing(&r, SB_Y, "the new site's position, 'connected: false'");
        if (isnan(b->z)) b->z = 0; /* resolved to the connection node's elevation when absent */
        if (b->load_is_heat)
            case_error(ctx, DH_ERR_INPUT, &map->pos, comp, "a site not connected yet becomes a "
                       "steam consumer: give 'current_load' as a steam flow (t/h)");
    }
    dh_srcpos load_pos = pos_of(&r, SB_LOAD), id_pos = pos_of(&r, SB_ID);
    if (!isnan(b->current_load) && b->capacity > 0 && !b->load_is_heat &&
        b->current_load > b->capacity * (1 + 1e-9))
        case_error(ctx, DH_ERR_INPUT, &load_pos, comp,
                   "'current_load' %.2f t/h is above the boiler's capacity %.2f t/h",
                   b->current_load * 3.6, b->capacity * 3.6);
    for (size_t j = 0; ok && j < rs->n_boilers; j++)
        if (!strcmp(rs->boiler[j].id, b->id)) {
            case_error(ctx, DH_ERR_INPUT, &id_pos, comp,
                       "duplicate small boiler id '%s' (first at line %d)", b->id,
                       rs->boiler[j].line);
            ok = false;
        }
    if (ok) rs->n_boilers++;
}

static void read_fuels(case_ctx *ctx, const cv_node *n, dh_retire_spec *rs)
{
    if (n->kind != CV_MAP) {
        case_error(ctx, DH_ERR_INPUT, &n->pos, "fuels",
                   "'fuels' is a mapping of fuel names to {lhv, emission_factor, price}, not %s",
                   cv_kind_text(n->kind));
        return;
    }
    for (size_t k = 0; k < n->n; k++) {
        const cv_pair *p = &n->pairs[k];
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "fuel %s", p->key);
        if (rs->n_fuels >= DH_RETIRE_FUELS_MAX) {
            case_error(ctx, DH_ERR_INPUT, &p->key_pos, "fuels", "at most %d fuels",
                       DH_RETIRE_FUELS_MAX);
            return;
        }
        rec r;
        if (!rec_read(ctx, &r, p->value, fuel_fields, FU_N, NULL, NULL, comp, false)) continue;
        dh_fuel_spec *f = &rs->fuel[rs->n_fuels++];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", p->key);
        f->line = p->key_pos.line;
        f->col = p->key_pos.col;
        double v;
        opt_qty(&r, FU_LHV, &f->lhv);
        if (rec_has(&r, FU_EF) && get_num(&r, FU_EF, &v)) f->emission_factor = v * 1e3 / 1e12;
        if (rec_has(&r, FU_PRICE) && get_num(&r, FU_PRICE, &v)) f->price = v / 1e3;
    }
}

static void read_retire(case_ctx *ctx, const cv_node *n, dh_retire_spec *rs)
{
    rec r;
    if (!rec_read(ctx, &r, n, retire_fields, RT_N, NULL, NULL, "retire", false)) return;
    rs->present = true;
    rs->line = n->pos.line;
    rs->col = n->pos.col;
    const char *s;
    if (rec_has(&r, RT_PLANTFUEL) && get_str(&r, RT_PLANTFUEL, &s))
        snprintf(rs->plant_fuel, sizeof rs->plant_fuel, "%s", s);
    opt_qty(&r, RT_FEED, &rs->feedwater_temperature);
    int ce;
    if (rec_has(&r, RT_COMBINE) && get_enum(&r, RT_COMBINE, &ce)) rs->combine = ce == 0;
    const cv_node *o = r.v[RT_ORDER];
    rs->order_auto = true;
    if (o && o->kind == CV_SCALAR && !strcmp(o->text, "auto")) {
        rs->order_auto = true;
    } else if (o && o->kind == CV_SEQ) {
        rs->order_auto = false;
        for (size_t k = 0; k < o->n; k++) {
            const cv_node *it = o->items[k];
            if (it->kind != CV_SCALAR) {
                case_error(ctx, DH_ERR_INPUT, &it->pos, "retire", "'order' lists small boiler ids, "
                           "not %s", cv_kind_text(it->kind));
                continue;
            }
            size_t j = 0;
            while (j < rs->n_boilers && strcmp(rs->boiler[j].id, it->text)) j++;
            if (j == rs->n_boilers) {
                const char *names[DH_RETIRE_BOILERS_MAX];
                for (size_t q = 0; q < rs->n_boilers; q++) names[q] = rs->boiler[q].id;
                const char *hint = dh_str_suggest(it->text, names, rs->n_boilers);
                case_error(ctx, DH_ERR_INPUT, &it->pos, "retire", "'order': no small boiler "
                           "'%s'%s%s%s", it->text, hint ? " (did you mean '" : "",
                           hint ? hint : "", hint ? "'?)" : "");
                continue;
            }
            bool dup = false;
            for (size_t q = 0; q < rs->n_order; q++) dup = dup || rs->order[q] == j;
            if (dup) {
                case_error(ctx, DH_ERR_INPUT, &it->pos, "retire", "'order' names '%s' twice",
                           it->text);
                continue;
            }
            rs->order[rs->n_order++] = j;
        }
    } else if (o) {
        case_error(ctx, DH_ERR_INPUT, &o->pos, "retire",
                   "'order' is 'auto' or a list of small boiler ids, got '%s'",
                   o->kind == CV_SCALAR ? o->text : cv_kind_text(o->kind));
    }
    rec cr;
    char comp[DH_ERROR_COMP_MAX];
    if (plant_sub(ctx, &r, RT_CHECKS, rchecks_fields, RC_N, comp, &cr)) {
        bool b;
        int e;
        if (rec_has(&cr, RC_N1) && get_bool(&cr, RC_N1, &b)) rs->check_n1 = b;
        if (rec_has(&cr, RC_HOUR) && get_enum(&cr, RC_HOUR, &e)) rs->check_series = e == 1;
        long nh;
        if (rec_has(&cr, RC_HOURS) && get_int(&cr, RC_HOURS, &nh)) rs->check_hours = (size_t)nh;
        opt_qty(&cr, RC_MARGIN, &rs->min_margin);
        opt_qty(&cr, RC_TMARGIN, &rs->min_temperature_margin);
        opt_qty(&cr, RC_VEL, &rs->max_steam_velocity);
    }
    const cv_node *rl = r.v[RT_REINF];
    if (rl && rl->kind != CV_SEQ) {
        case_error(ctx, DH_ERR_INPUT, &rl->pos, "retire", "'reinforcements' must be a list, not %s",
                   cv_kind_text(rl->kind));
    } else if (rl) {
        for (size_t k = 0; k < rl->n; k++) {
            char rcomp[DH_ERROR_COMP_MAX];
            comp_name(rcomp, sizeof rcomp, "reinforcement", rl->items[k], k);
            rec fr;
            if (!rec_read(ctx, &fr, rl->items[k], reinf_fields, RF_N, NULL, NULL, rcomp, false))
                continue;
            if (rs->n_reinf >= DH_RETIRE_REINF_MAX) {
                case_error(ctx, DH_ERR_INPUT, &rl->items[k]->pos, rcomp,
                           "at most %d reinforcements", DH_RETIRE_REINF_MAX);
                break;
            }
            dh_reinforcement_spec *f = &rs->reinf[rs->n_reinf];
            memset(f, 0, sizeof *f);
            f->pipe_row = DH_NONE;
            f->cost = NAN;
            f->line = rl->items[k]->pos.line;
            f->col = rl->items[k]->pos.col;
            int e;
            bool ok = true;
            if (rec_has(&fr, RF_ID) && get_str(&fr, RF_ID, &s)) snprintf(f->id, sizeof f->id, "%s", s);
            else ok = false;
            if (rec_has(&fr, RF_TYPE) && get_enum(&fr, RF_TYPE, &e)) f->type = e;
            else ok = false;
            if (rec_has(&fr, RF_PIPE) && get_str(&fr, RF_PIPE, &s)) snprintf(f->pipe, sizeof f->pipe, "%s", s);
            else ok = false;
            if (!(rec_has(&fr, RF_DIAM) && get_diam(&fr, RF_DIAM, &f->diameter, &f->outer_diameter)))
                ok = false;
            if (rec_has(&fr, RF_COST)) get_num(&fr, RF_COST, &f->cost);
            if (ok) rs->n_reinf++;
        }
    }
}

/* Reads the three sections (top-level record `top`); defaults of docs/retire.md. */
static void read_retire_sections(case_ctx *ctx, const cv_node *boilers, const cv_node *fuels,
                                 const cv_node *retire, dh_retire_spec *rs)
{
    memset(rs, 0, sizeof *rs);
    rs->check_n1 = true;
    rs->min_margin = 0.02e6;          /* Pa: 0.02 MPa above each minimum (docs/retire.md) */
    rs->min_temperature_margin = 0;
    rs->max_steam_velocity = NAN;     /* the study's */
    rs->feedwater_temperature = 293.15; /* 20 degC make-up water of a small plant boiler house */
    rs->plant_fuel_index = DH_NONE;
    rs->order_auto = true;
    rs->check_series = false;
    rs->check_hours = 3;              /* docs/retire.md "Hours of a series" */
    rs->combine = true;
    snprintf(rs->plant_fuel, sizeof rs->plant_fuel, "coal");
    if (boilers) {
        if (boilers->kind != CV_SEQ)
            case_error(ctx, DH_ERR_INPUT, &boilers->pos, "small_boilers",
                       "'small_boilers' must be a list (inline or {csv: FILE}), not %s",
                       cv_kind_text(boilers->kind));
        else
            for (size_t i = 0; i < boilers->n; i++) read_small_boiler(ctx, rs, boilers->items[i], i);
    }
    if (fuels) read_fuels(ctx, fuels, rs);
    if (retire) {
        read_retire(ctx, retire, rs);
        if (!boilers)
            case_error(ctx, DH_ERR_INPUT, &retire->pos, "retire",
                       "a retirement study needs the 'small_boilers' section");
    }
}

/* Sites, connections, fuels and reinforced pipes against the built network. */
static void retire_resolve(case_ctx *ctx, const dh_network *net, dh_retire_spec *rs)
{
    for (size_t j = 0; j < rs->n_fuels; j++)
        if (!strcmp(rs->fuel[j].name, rs->plant_fuel)) rs->plant_fuel_index = j;
    const char *fnames[DH_RETIRE_FUELS_MAX];
    for (size_t j = 0; j < rs->n_fuels; j++) fnames[j] = rs->fuel[j].name;
    for (size_t i = 0; i < rs->n_boilers; i++) {
        dh_small_boiler_spec *b = &rs->boiler[i];
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "small boiler %s", b->id);
        dh_srcpos pos = {ctx->file, b->line, b->col};
        for (size_t j = 0; j < rs->n_fuels; j++)
            if (!strcmp(rs->fuel[j].name, b->fuel)) b->fuel_index = j;
        if (b->fuel_index == DH_NONE && rs->present) {
            const char *hint = dh_str_suggest(b->fuel, fnames, rs->n_fuels);
            case_error(ctx, DH_ERR_INPUT, &pos, comp, "fuel '%s' is not in 'fuels:'%s%s%s",
                       b->fuel, hint ? " (did you mean '" : "", hint ? hint : "",
                       hint ? "'?)" : "");
        }
        size_t node = dh_network_find_node(net, b->site);
        if (b->connected) {
            if (node == DH_NONE) {
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "site: no node '%s'", b->site);
                continue;
            }
            b->site_node = node;
            for (size_t c = 0; c < net->consumers.n; c++)
                if (net->consumers.node[c] == node) {
                    b->consumer = c;
                    break;
                }
            if (b->consumer == DH_NONE) {
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "site node '%s' has no consumer: the "
                           "boiler's load moves onto the consumer there (a site without one is "
                           "'connected: false' with its position)", b->site);
                continue;
            }
            const dh_consumers *co = &net->consumers;
            if (b->load_is_heat && co->type[b->consumer] != DH_CONSUMER_HEAT)
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "consumer %s draws steam: give "
                           "'current_load' as a steam flow (t/h)", co->id[b->consumer]);
            if (co->type[b->consumer] == DH_CONSUMER_WATER)
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "consumer %s is a water draw, not a "
                           "steam or heat consumer", co->id[b->consumer]);
        } else {
            if (node != DH_NONE)
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "'connected: false' but node '%s' is "
                           "already in the network: give the new site its own id", b->site);
            if (b->conn_from[0] && dh_network_find_node(net, b->conn_from) == DH_NONE)
                case_error(ctx, DH_ERR_INPUT, &pos, comp, "connection.from: no node '%s'",
                           b->conn_from);
        }
    }
    if (rs->present && rs->n_fuels > 0 && rs->plant_fuel_index == DH_NONE) {
        dh_srcpos pos = {ctx->file, rs->line, rs->col};
        case_error(ctx, DH_ERR_INPUT, &pos, "retire", "plant_fuel '%s' is not in 'fuels:'",
                   rs->plant_fuel);
    }
    for (size_t k = 0; k < rs->n_reinf; k++) {
        dh_reinforcement_spec *f = &rs->reinf[k];
        dh_srcpos pos = {ctx->file, f->line, f->col};
        char comp[DH_ERROR_COMP_MAX];
        snprintf(comp, sizeof comp, "reinforcement %s", f->id);
        size_t l = dh_network_find_link(net, f->pipe);
        if (l == DH_NONE || net->links.kind[l] != DH_LINK_PIPE)
            case_error(ctx, DH_ERR_INPUT, &pos, comp, "pipe: no pipe '%s'", f->pipe);
        else
            f->pipe_row = net->links.index[l];
    }
}

static const char *base_name(case_ctx *ctx, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    return case_arena_strndup(ctx->arena, b, len);
}

static void read_sweep(case_ctx *ctx, const cv_node *n, const dh_srcpos *key_pos, dh_case *c);

/* `study.friction: hazen_williams` against the built network (media are known only now):
 * every pipe needs its `hazen_williams_c`, and no pipe may carry steam (Hazen-Williams is an
 * empirical law for water at ordinary temperatures; EPANET 2.2 manual section 3.1). Errors at
 * each pipe missing its C, and one at `friction:` for the steam pipes. */
static void friction_resolve(case_ctx *ctx, const dh_network *net, const dh_study *st,
                             const cv_node *study)
{
    if (st->friction != DH_FRICTION_HAZEN_WILLIAMS) return;
    const cv_pair *fr = study && study->kind == CV_MAP ? cv_map_find(study, "friction") : NULL;
    const dh_srcpos *fpos = fr ? &fr->value->pos : study ? &study->pos : NULL;
    const dh_pipes *P = &net->pipes;
    size_t n_steam = 0, first_steam = DH_NONE;
    char where[40] = "";
    if (fpos) snprintf(where, sizeof where, " (line %d)", fpos->line);
    for (size_t i = 0; i < P->n; i++) {
        size_t l = P->link[i];
        if (net->nodes.medium[net->links.from[l]] == DH_MEDIUM_STEAM ||
            net->nodes.medium[net->links.to[l]] == DH_MEDIUM_STEAM) {
            if (!n_steam++) first_steam = l;
        } else if (!(P->hazen_williams_c[i] > 0)) {
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "pipe %s", net->links.id[l]);
            case_error(ctx, DH_ERR_INPUT, &net->links.pos[l], comp,
                       "no 'hazen_williams_c': the study's friction is hazen_williams%s, which "
                       "needs each pipe's Hazen-Williams C", where);
        }
    }
    if (n_steam)
        case_error(ctx, DH_ERR_INPUT, fpos, "study",
                   "friction hazen_williams is a law for water pipes only, and %zu pipe%s carr%s "
                   "steam (pipe %s at line %d): use colebrook or swamee_jain", n_steam,
                   n_steam == 1 ? "" : "s", n_steam == 1 ? "ies" : "y",
                   net->links.id[first_steam], net->links.pos[first_steam].line);
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
    read_transient(ctx, &top, c);
    if (top.v[T_SWEEP]) {
        const cv_pair *swp = cv_map_find(root, "sweep");
        read_sweep(ctx, top.v[T_SWEEP], swp ? &swp->key_pos : NULL, c);
    }
    read_retire_sections(ctx, top.v[T_SBOILERS], top.v[T_FUELS], top.v[T_RETIRE], &c->retire);

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
    friction_resolve(ctx, net, &c->study, top.v[T_STUDY]);
    plant_resolve(ctx, net, &c->plant);
    series_resolve(ctx, net, &c->series);
    transient_resolve(ctx, net, c);
    retire_resolve(ctx, net, &c->retire);
    if (ctx->n_errors > 0) {
        dh_network_destroy(&net);
        return ctx->first;
    }
    c->net = net;
    return DH_OK;
}

/* ---- the `sweep:` section (dh_case.sweep; docs/case-format.md "Sweeps") ------------------
 * sweep: {design: grid | one_at_a_time | lhs, samples: N, seed: S,
 *         parameters: {DOTTED.PATH: [v1, v2, ...] | {from: A UNIT, to: B UNIT, steps: N}},
 *         collect: [figure, ...], per_case_results: false}
 * Values stay texts (they go through --set, so every unit and word the case accepts works);
 * a range is expanded here to `steps` texts "<number> <unit>". The case list (design, SI
 * values, hash) is built from this spec by network/sweep_design.c. */

static const char *const w_design[] = {"grid", "one_at_a_time", "lhs", NULL};
enum { SW_DESIGN, SW_SAMPLES, SW_SEED, SW_PARAMS, SW_COLLECT, SW_PERCASE, SW_N };
static const field sweep_fields[SW_N] = {
    [SW_DESIGN] = {"design", FT_ENUM, 0, 0, w_design, 0},
    [SW_SAMPLES] = {"samples", FT_INT, 0, F_POS, NULL, 10000000},
    [SW_SEED] = {"seed", FT_INT, 0, F_NONNEG, NULL, 0},
    [SW_PARAMS] = {"parameters", FT_ANY, 0, F_REQ, NULL, 0},
    [SW_COLLECT] = {"collect", FT_ANY, 0, 0, NULL, 0},
    [SW_PERCASE] = {"per_case_results", FT_BOOL, 0, 0, NULL, 0},
};
enum { SR_FROM, SR_TO, SR_STEPS, SR_N };
static const field sweep_range_fields[SR_N] = {
    [SR_FROM] = {"from", FT_STR, 0, F_REQ, NULL, 0},
    [SR_TO] = {"to", FT_STR, 0, F_REQ, NULL, 0},
    [SR_STEPS] = {"steps", FT_INT, 0, F_REQ | F_POS, NULL, 100000},
};

/* "0.9 MPa(g)" -> 0.9 and "MPa(g)"; false when the text does not start with a number. */
static bool sweep_split(const char *text, double *v, const char **unit)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (end == text || errno || !isfinite(*v)) return false;
    while (isspace((unsigned char)*end)) end++;
    *unit = end;
    return true;
}

static char *sweep_strdup(case_ctx *ctx, const char *s)
{
    char *d = strdup(s);
    if (!d) case_error(ctx, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
    return d;
}

static void sweep_range(case_ctx *ctx, const cv_node *n, const char *comp, dh_sweep_param *p)
{
    rec r;
    if (!rec_read(ctx, &r, n, sweep_range_fields, SR_N, NULL, NULL, comp, false)) return;
    const char *a = NULL, *b = NULL, *ua = "", *ub = "";
    long steps = 0;
    bool ok = get_str(&r, SR_FROM, &a) & get_str(&r, SR_TO, &b) & get_int(&r, SR_STEPS, &steps);
    if (!ok) return;
    if (!sweep_split(a, &p->from, &ua)) {
        case_error(ctx, DH_ERR_INPUT, &r.v[SR_FROM]->pos, comp,
                   "'from' must be a number with its unit, got '%s'", a);
        return;
    }
    if (!sweep_split(b, &p->to, &ub)) {
        case_error(ctx, DH_ERR_INPUT, &r.v[SR_TO]->pos, comp,
                   "'to' must be a number with its unit, got '%s'", b);
        return;
    }
    if (strcmp(ua, ub)) {
        case_error(ctx, DH_ERR_INPUT, &r.v[SR_TO]->pos, comp,
                   "'from' and 'to' must have the same unit, got '%s' and '%s'", ua, ub);
        return;
    }
    p->is_range = true;
    p->unit = sweep_strdup(ctx, ua);
    p->values = calloc((size_t)steps, sizeof *p->values);
    if (!p->unit || !p->values) {
        case_error(ctx, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
        return;
    }
    p->n_values = (size_t)steps;
    for (long i = 0; i < steps; i++) {
        /* evenly spaced, both ends included; one step is `from` */
        double v = steps == 1 ? p->from : p->from + (p->to - p->from) * (double)i / (double)(steps - 1);
        char buf[96];
        snprintf(buf, sizeof buf, "%.12g%s%s", v, ua[0] ? " " : "", ua);
        if (!(p->values[i] = sweep_strdup(ctx, buf))) return;
    }
}

static void sweep_param(case_ctx *ctx, const cv_pair *pr, dh_sweep_param *p)
{
    char comp[160];
    snprintf(comp, sizeof comp, "sweep parameter %s", pr->key);
    p->line = pr->key_pos.line, p->col = pr->key_pos.col;
    if (!(p->path = sweep_strdup(ctx, pr->key))) return;
    const cv_node *v = pr->value;
    if (v->kind == CV_MAP) {
        sweep_range(ctx, v, comp, p);
        return;
    }
    if (v->kind != CV_SEQ || v->n == 0) {
        case_error(ctx, DH_ERR_INPUT, &v->pos, comp,
                   "expected a list of values or {from:, to:, steps:}, got %s",
                   v->kind == CV_SEQ ? "an empty list" : cv_kind_text(v->kind));
        return;
    }
    p->values = calloc(v->n, sizeof *p->values);
    if (!p->values) {
        case_error(ctx, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        const cv_node *it = v->items[i];
        if (it->kind != CV_SCALAR || !it->text[0]) {
            case_error(ctx, DH_ERR_INPUT, &it->pos, comp,
                       "each value must be a single value (as given to --set), got %s",
                       cv_kind_text(it->kind));
            continue;
        }
        if (!(p->values[p->n_values++] = sweep_strdup(ctx, it->text))) return;
    }
}

static void read_sweep(case_ctx *ctx, const cv_node *n, const dh_srcpos *key_pos, dh_case *c)
{
    rec r;
    if (!rec_read(ctx, &r, n, sweep_fields, SW_N, NULL, NULL, "sweep", false)) return;
    dh_sweep_spec *sw = calloc(1, sizeof *sw);
    if (!sw) {
        case_error(ctx, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
        return;
    }
    c->sweep = sw;
    sw->line = key_pos ? key_pos->line : n->pos.line;
    sw->col = key_pos ? key_pos->col : n->pos.col;
    sw->samples = 0;
    int e;
    long l;
    if (rec_has(&r, SW_DESIGN) && get_enum(&r, SW_DESIGN, &e)) sw->design = (dh_sweep_design)e;
    if (rec_has(&r, SW_SAMPLES) && get_int(&r, SW_SAMPLES, &l)) sw->samples = (size_t)l;
    if (rec_has(&r, SW_SEED) && get_int(&r, SW_SEED, &l)) sw->seed = (unsigned long long)l;
    if (rec_has(&r, SW_PERCASE)) get_bool(&r, SW_PERCASE, &sw->per_case_results);
    if (sw->design == DH_SWEEP_LHS && !rec_has(&r, SW_SAMPLES))
        case_error(ctx, DH_ERR_INPUT, &n->pos, "sweep", "design lhs needs 'samples'");
    if (sw->design != DH_SWEEP_LHS && rec_has(&r, SW_SAMPLES))
        case_error(ctx, DH_ERR_INPUT, &r.v[SW_SAMPLES]->pos, "sweep",
                   "'samples' is for design lhs only (this sweep's design is %s)",
                   w_design[sw->design]);
    const cv_node *ps = r.v[SW_PARAMS];
    if (ps && (ps->kind != CV_MAP || ps->n == 0)) {
        case_error(ctx, DH_ERR_INPUT, &ps->pos, "sweep",
                   "'parameters' must be a mapping of dotted paths to values, got %s",
                   ps->kind == CV_MAP ? "an empty mapping" : cv_kind_text(ps->kind));
    } else if (ps) {
        sw->param = calloc(ps->n, sizeof *sw->param);
        if (!sw->param) {
            case_error(ctx, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
            return;
        }
        for (size_t k = 0; k < ps->n; k++) {
            for (size_t j = 0; j < k; j++)
                if (!strcmp(ps->pairs[j].key, ps->pairs[k].key))
                    case_error(ctx, DH_ERR_INPUT, &ps->pairs[k].key_pos, "sweep",
                               "parameter '%s' is given twice", ps->pairs[k].key);
            sweep_param(ctx, &ps->pairs[k], &sw->param[sw->n_params++]);
        }
    }
    const cv_node *co = r.v[SW_COLLECT];
    if (co && co->kind != CV_SEQ) {
        case_error(ctx, DH_ERR_INPUT, &co->pos, "sweep",
                   "'collect' must be a list of figure names, got %s", cv_kind_text(co->kind));
    } else if (co) {
        size_t nw = 0;
        while (dh_sweep_figure_names[nw]) nw++;
        for (size_t k = 0; k < co->n; k++) {
            const cv_node *it = co->items[k];
            size_t w = 0;
            while (w < nw && (it->kind != CV_SCALAR || strcmp(it->text, dh_sweep_figure_names[w])))
                w++;
            if (w == nw) {
                const char *hint = it->kind == CV_SCALAR
                                       ? dh_str_suggest(it->text, dh_sweep_figure_names, nw) : NULL;
                case_error(ctx, DH_ERR_INPUT, &it->pos, "sweep",
                           "unknown figure '%s' in 'collect'%s%s%s (docs/case-format.md, Sweeps)",
                           it->kind == CV_SCALAR ? it->text : "", hint ? " (did you mean '" : "",
                           hint ? hint : "", hint ? "'?)" : "");
                continue;
            }
            bool dup = false;
            for (size_t j = 0; j < sw->n_collect; j++) dup = dup || sw->collect[j] == dh_sweep_figure_names[w];
            if (!dup && sw->n_collect < DH_SWEEP_FIGURE_MAX)
                sw->collect[sw->n_collect++] = dh_sweep_figure_names[w];
        }
    }
}
