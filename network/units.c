/* units.c: values as engineers write them ("0.88 MPa(g)", "290 degC", "35 t/h") -> SI, with
 * udunits2 (implements dh_units.h except the DN table, which is dn_table.c).
 *
 * Exports: dh_units_create/destroy, dh_units_parse, dh_units_convert, dh_quantity_si_unit,
 * dh_quantity_name. Callers: the case reader (every value of a case file), the CSV table reader
 * (a column's unit), --set overrides. The full list of accepted spellings is docs/units.md.
 *
 * One value goes through:
 *   1. normalise: valid UTF-8, no control characters, no-break spaces -> ' ', U+2212 -> '-';
 *   2. the number: [+-](digits[.digits]|.digits)[(e|E)[+-]digits], read by strtod in the C
 *      locale (never "nan", "inf", hex or a decimal comma);
 *   3. the unit text, trimmed; a gauge/absolute marker split off its end ("(g)", " g", "barg");
 *   4. engineers' spellings that udunits2 2.2.28 does not read (or reads otherwise) rewritten
 *      token by token: kWh/MWh, mH2O/mWC/mWS, tph; normal cubic metres (Nm3) refused;
 *   5. ut_parse (UTF-8) + ut_are_convertible with the SI unit of the quantity. If either fails,
 *      the "engineering reading" is tried: everything after the first '/' is the denominator
 *      and a trailing K glued to it is kelvin ("W/mK" = W/(m K), not W per millikelvin;
 *      "W/m.K", "W/m2K", "kJ/kg K", "kJ/kgK"); it is used only when it has the right dimension;
 *   6. a cv_converter to SI (freed); a DIFFERENCE drops the unit's offset (ut_multiply by one:
 *      10 degC of difference = 10 K); a gauge pressure adds the atmospheric pressure.
 * Then: absolute pressure below 0 Pa and temperature below 0 K are errors.
 *
 * Cost (measured, docs/units.md): ut_parse + converter is 1-3 us per value on the build
 * machine, so there is no cache. Allocation: none besides udunits2's unit/converter objects.
 */
#include "dh_units.h"

#include "dh_strutil.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <udunits2.h>

#define TEXT_MAX 192 /* bytes of value text accepted ("0.88 MPa(g)" is 11) */

struct dh_units {
    ut_system *sys;
    ut_unit *si[DH_Q_COUNT]; /* SI unit of each quantity (owned) */
    ut_unit *one;            /* dimensionless 1 (owned by sys) */
    locale_t c_locale;       /* "C" numeric locale for strtod and ut_parse */
};

typedef struct quantity_info {
    const char *name;    /* what the quantity is, for messages ("pressure") */
    const char *si;      /* SI unit, in udunits2 syntax and for output */
    const char *example; /* a value as an engineer writes it */
} quantity_info;

static const quantity_info QUANTITIES[DH_Q_COUNT] = {
    [DH_Q_DIMENSIONLESS] = {"dimensionless number", "1", "0.85"},
    [DH_Q_LENGTH] = {"length", "m", "120 mm"},
    [DH_Q_AREA] = {"area", "m2", "0.05 m2"},
    [DH_Q_PRESSURE] = {"pressure", "Pa", "0.98 MPa"},
    [DH_Q_PRESSURE_DIFF] = {"pressure difference", "Pa", "50 kPa"},
    [DH_Q_TEMPERATURE] = {"temperature", "K", "290 degC"},
    [DH_Q_TEMPERATURE_DIFF] = {"temperature difference", "K", "10 K"},
    [DH_Q_MASS_FLOW] = {"mass flow", "kg/s", "35 t/h"},
    [DH_Q_VOLUME_FLOW] = {"volume flow", "m3/s", "120 m3/h"},
    [DH_Q_POWER] = {"power", "W", "12 MW"},
    [DH_Q_ENERGY] = {"energy", "J", "5 GJ"},
    [DH_Q_VELOCITY] = {"velocity", "m/s", "1.5 m/s"},
    [DH_Q_TIME] = {"time", "s", "1 h"},
    [DH_Q_MASS] = {"mass", "kg", "1000 kg"},
    [DH_Q_DENSITY] = {"density", "kg/m3", "960 kg/m3"},
    [DH_Q_SPECIFIC_ENERGY] = {"specific energy", "J/kg", "2800 kJ/kg"},
    [DH_Q_SPECIFIC_HEAT] = {"specific heat", "J/(kg K)", "4.19 kJ/(kg K)"},
    [DH_Q_CONDUCTIVITY] = {"thermal conductivity", "W/(m K)", "0.027 W/(m K)"},
    [DH_Q_HEAT_TRANSFER] = {"heat transfer coefficient", "W/(m2 K)", "10 W/(m2 K)"},
    [DH_Q_LINEAR_HEAT_LOSS] = {"linear heat loss", "W/m", "25 W/m"},
    [DH_Q_HEAD] = {"head", "m", "40 m"},
};

/* Order in which a unit of the wrong dimension is named ("got 'kg/s' (a mass flow)"): each
 * dimension once (no differences, head = length). */
static const dh_quantity DESCRIBE_ORDER[] = {
    DH_Q_LENGTH,           DH_Q_AREA,          DH_Q_PRESSURE,     DH_Q_TEMPERATURE,
    DH_Q_MASS_FLOW,        DH_Q_VOLUME_FLOW,   DH_Q_POWER,        DH_Q_ENERGY,
    DH_Q_VELOCITY,         DH_Q_TIME,          DH_Q_MASS,         DH_Q_DENSITY,
    DH_Q_SPECIFIC_ENERGY,  DH_Q_SPECIFIC_HEAT, DH_Q_CONDUCTIVITY, DH_Q_HEAT_TRANSFER,
    DH_Q_LINEAR_HEAT_LOSS, DH_Q_DIMENSIONLESS,
};

/* Spellings offered in "did you mean" (each readable by this module). */
static const char *const COMMON_UNITS[] = {
    "mm",        "cm",      "m",        "km",  "m2",   "mm2",   "Pa",   "kPa",    "MPa",
    "bar",       "mbar",    "psi",      "K",   "degC", "degF",  "kg/s", "kg/h",   "t/h",
    "m3/s",      "m3/h",    "l/s",      "W",   "kW",   "MW",    "GW",   "kcal/h", "Gcal/h",
    "GJ/h",      "J",       "kJ",       "MJ",  "GJ",   "kWh",   "MWh",  "m/s",    "s",
    "min",       "h",       "d",        "kg",  "t",    "kg/m3", "J/kg", "kJ/kg",  "J/(kg K)",
    "kJ/(kg K)", "W/(m K)", "W/(m2 K)", "W/m", "mH2O", "%",
};
#define N_COMMON_UNITS (sizeof COMMON_UNITS / sizeof COMMON_UNITS[0])

/* Tokens rewritten before ut_parse (step 4). `head` is used for DH_Q_HEAD, `other` otherwise.
 * Water column: conventional metre of water, 1 mH2O = 1000 kg/m3 x 9.80665 m/s2 x 1 m
 * = 9806.65 Pa (NIST SP 811 (2008) B.8); udunits2 would read "mH2O" as milli-H2O (9.8 Pa/m). */
typedef struct unit_alias {
    const char *token;
    const char *other;
    const char *head;
} unit_alias;

/* clang-format off */
static const unit_alias ALIASES[] = {
    {"Wh", "(W h)", NULL},        {"kWh", "(kW h)", NULL},        {"MWh", "(MW h)", NULL},
    {"GWh", "(GW h)", NULL},      {"TWh", "(TW h)", NULL},        {"tph", "(t/h)", NULL},
    {"mH2O", "(9806.65 Pa)", "m"}, {"mWC", "(9806.65 Pa)", "m"},  {"mwc", "(9806.65 Pa)", "m"},
    {"mWS", "(9806.65 Pa)", "m"}, {"mmH2O", "(9.80665 Pa)", "mm"}, {"mmWC", "(9.80665 Pa)", "mm"},
    {"mmwc", "(9.80665 Pa)", "mm"}, {"mmWS", "(9.80665 Pa)", "mm"},
};
/* clang-format on */
#define N_ALIASES (sizeof ALIASES / sizeof ALIASES[0])

/* Pressure units that take a glued gauge/absolute letter: "barg", "bara", "kPag", "MPaA". */
static const char *const GLUED_MARKER_STEMS[] = {"bar", "mbar", "Pa", "hPa", "kPa", "MPa", "psi"};

typedef enum pressure_mark { MARK_NONE = 0, MARK_GAUGE, MARK_ABSOLUTE } pressure_mark;

/* ---------------------------------------------------------------------------------------- */
/* Small text helpers                                                                       */

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *article(const char *noun)
{
    return strchr("aeiou", noun[0]) ? "an" : "a";
}

/* Removes blanks at both ends of s in place; returns s. */
static char *trim(char *s)
{
    char *b = s;
    while (is_blank((unsigned char)*b))
        b++;
    size_t n = strlen(b);
    while (n > 0 && is_blank((unsigned char)b[n - 1]))
        n--;
    memmove(s, b, n);
    s[n] = '\0';
    return s;
}

/* Copies `text` into out (size TEXT_MAX): checks UTF-8, turns no-break spaces (U+00A0, U+202F)
 * and tabs/newlines into ' ' and the minus sign U+2212 into '-'.
 * Returns 0, -1 too long, -2 invalid UTF-8, -3 control character. */
static int normalise(const char *text, char *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0;
    while (*s) {
        if (n + 2 > TEXT_MAX) return -1;
        unsigned c = *s;
        if (c < 0x80) {
            if (c == '\t' || c == '\n' || c == '\r')
                c = ' ';
            else if (c < 0x20 || c == 0x7f)
                return -3;
            out[n++] = (char)c;
            s++;
            continue;
        }
        size_t len = (c >= 0xc2 && c <= 0xdf)   ? 2
                     : (c >= 0xe0 && c <= 0xef) ? 3
                     : (c >= 0xf0 && c <= 0xf4) ? 4
                                                : 0;
        if (len == 0) return -2;
        for (size_t k = 1; k < len; k++)
            if ((s[k] & 0xc0) != 0x80) return -2;
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xf0 && s[1] < 0x90) ||
            (c == 0xed && s[1] >= 0xa0) || (c == 0xf4 && s[1] >= 0x90))
            return -2; /* overlong, surrogate, beyond U+10FFFF */
        if ((len == 2 && c == 0xc2 && s[1] == 0xa0) ||
            (len == 3 && c == 0xe2 && s[1] == 0x80 && s[2] == 0xaf)) {
            out[n++] = ' ';
        } else if (len == 3 && c == 0xe2 && s[1] == 0x88 && s[2] == 0x92) {
            out[n++] = '-';
        } else {
            if (n + len + 1 > TEXT_MAX) return -1;
            memcpy(out + n, s, len);
            n += len;
        }
        s += len;
    }
    out[n] = '\0';
    return 0;
}

/* Copies at most 60 bytes of s for a message (control characters as '?', "..." when cut);
 * never cuts inside a UTF-8 sequence. */
static const char *quote(const char *s, char *buf, size_t size)
{
    size_t n = 0, limit = size < 64 ? size - 4 : 60;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < limit) {
        size_t len = (*p < 0x80) ? 1 : (*p >= 0xf0) ? 4 : (*p >= 0xe0) ? 3 : (*p >= 0xc0) ? 2 : 1;
        if (n + len > limit) break;
        for (size_t k = 0; k < len && p[k]; k++)
            buf[n++] = (p[k] < 0x20) ? '?' : (char)p[k];
        p += len;
    }
    if (*p) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* Length of the decimal number at the start of s (step 2), 0 when there is none. */
static size_t scan_number(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-') i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0) return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-') j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

static int is_token_start(int c)
{
    return isalpha(c) || c == '_';
}

static int is_token_char(int c)
{
    return isalnum(c) || c == '_';
}

/* ---------------------------------------------------------------------------------------- */
/* Step 3: gauge / absolute markers                                                          */

static pressure_mark marker_word(const char *w, size_t n)
{
    if ((n == 1 && (w[0] == 'g' || w[0] == 'G')) || (n == 5 && !strncasecmp(w, "gauge", 5)))
        return MARK_GAUGE;
    if ((n == 1 && (w[0] == 'a' || w[0] == 'A')) || (n == 3 && !strncasecmp(w, "abs", 3)) ||
        (n == 8 && !strncasecmp(w, "absolute", 8)))
        return MARK_ABSOLUTE;
    return MARK_NONE;
}

/* Splits a marker off the end of the trimmed unit text `unit` (in place: unit keeps the
 * stem, trimmed) and copies the marker as written into `marker`. Recognised, at the end:
 *   "(g)" "(a)" "(gauge)" "(abs)" "(absolute)"  with or without a blank before, any case;
 *   " g" " a" " gauge" " abs" " absolute"        a separate word, any case;
 *   "barg" "bara" "mbarg" "kPag" "MPag" "psig" "psia" ... a g/G/a/A glued to bar, mbar, Pa,
 *                                                hPa, kPa, MPa or psi. */
static pressure_mark split_marker(char *unit, char *marker, size_t msize)
{
    size_t n = strlen(unit);
    marker[0] = '\0';
    if (n == 0) return MARK_NONE;
    pressure_mark m = MARK_NONE;
    size_t cut = n; /* where the marker starts */
    if (unit[n - 1] == ')') {
        char *open = strrchr(unit, '(');
        if (open) {
            char *w = open + 1;
            size_t wn = (size_t)(unit + n - 1 - w);
            while (wn > 0 && is_blank((unsigned char)*w))
                w++, wn--;
            while (wn > 0 && is_blank((unsigned char)w[wn - 1]))
                wn--;
            m = marker_word(w, wn);
            if (m != MARK_NONE) cut = (size_t)(open - unit);
        }
    } else {
        size_t b = n;
        while (b > 0 && !is_blank((unsigned char)unit[b - 1]))
            b--;
        if (b > 0) {
            m = marker_word(unit + b, n - b);
            if (m != MARK_NONE) cut = b;
        } else {
            char last = unit[n - 1];
            pressure_mark lm = (last == 'g' || last == 'G')   ? MARK_GAUGE
                               : (last == 'a' || last == 'A') ? MARK_ABSOLUTE
                                                              : MARK_NONE;
            for (size_t i = 0;
                 lm != MARK_NONE && i < sizeof GLUED_MARKER_STEMS / sizeof GLUED_MARKER_STEMS[0];
                 i++) {
                const char *stem = GLUED_MARKER_STEMS[i];
                if (strlen(stem) == n - 1 && !strncmp(unit, stem, n - 1)) {
                    m = lm;
                    cut = n - 1;
                }
            }
        }
    }
    if (m == MARK_NONE) return MARK_NONE;
    snprintf(marker, msize, "%s", unit + cut);
    trim(marker);
    unit[cut] = '\0';
    trim(unit);
    return m;
}

/* ---------------------------------------------------------------------------------------- */
/* Step 4: aliases and refused spellings                                                     */

/* "Nm3", "Sm3", "Nm^3", "Nm³", "Nm**3": normal/standard cubic metres of gas. */
static int is_normal_cubic_metre(const char *tok, size_t n, const char *after)
{
    if (n == 3 && (tok[0] == 'N' || tok[0] == 'S') && tok[1] == 'm' && tok[2] == '3') return 1;
    if (n == 2 && (tok[0] == 'N' || tok[0] == 'S') && tok[1] == 'm')
        return after[0] == '^' || (after[0] == '*' && after[1] == '*') ||
               ((unsigned char)after[0] == 0xc2 && (unsigned char)after[1] == 0xb3);
    return 0;
}

/* Rewrites the aliases of `unit` into out (size TEXT_MAX * 2). Returns 0, or -1 when the
 * text holds normal cubic metres. */
static int rewrite_aliases(const char *unit, dh_quantity q, char *out, size_t size)
{
    size_t n = 0;
    const char *s = unit;
    while (*s) {
        if (!is_token_start((unsigned char)*s) ||
            (s > unit && is_token_char((unsigned char)s[-1]))) {
            if (n + 1 < size) out[n++] = *s;
            s++;
            continue;
        }
        const char *t = s;
        while (is_token_char((unsigned char)*s))
            s++;
        size_t len = (size_t)(s - t);
        if (is_normal_cubic_metre(t, len, s)) return -1;
        const char *rep = NULL;
        for (size_t i = 0; i < N_ALIASES && !rep; i++) {
            if (strlen(ALIASES[i].token) == len && !strncmp(ALIASES[i].token, t, len))
                rep = (q == DH_Q_HEAD && ALIASES[i].head) ? ALIASES[i].head : ALIASES[i].other;
        }
        const char *src = rep ? rep : t;
        size_t sl = rep ? strlen(rep) : len;
        if (n + sl < size) {
            memcpy(out + n, src, sl);
            n += sl;
        }
    }
    out[n < size ? n : size - 1] = '\0';
    return 0;
}

/* Step 5's second try: "A/B" -> "A/(B')", where B' is B without enclosing parentheses and with
 * a blank before a kelvin/degree-Celsius glued to its end ("mK" -> "m K", "m2K" -> "m2 K",
 * "kg°C" -> "kg °C"). Returns 0 when there is no other reading. */
static int engineering_reading(const char *unit, char *out, size_t size)
{
    const char *slash = strchr(unit, '/');
    if (!slash) return 0;
    char den[TEXT_MAX * 2];
    snprintf(den, sizeof den, "%s", slash + 1);
    trim(den);
    size_t dn = strlen(den);
    if (dn >= 2 && den[0] == '(' && den[dn - 1] == ')' && !strchr(den + 1, '(')) {
        memmove(den, den + 1, dn - 2);
        den[dn - 2] = '\0';
        trim(den);
        dn = strlen(den);
    }
    if (dn == 0 || strchr(den, '/') || strchr(den, '(')) return 0;
    static const char *const glued[] = {"K", "degC",
                                        "\xc2\xb0"
                                        "C",
                                        "\xe2\x84\x83"};
    size_t cut = dn;
    for (size_t i = 0; i < sizeof glued / sizeof glued[0]; i++) {
        size_t gl = strlen(glued[i]);
        if (dn > gl && !strcmp(den + dn - gl, glued[i])) {
            const unsigned char *prev = (const unsigned char *)den + dn - gl - 1;
            int superscript = dn - gl >= 2 && prev[-1] == 0xc2 && (*prev == 0xb2 || *prev == 0xb3);
            if (isalnum(*prev) || superscript) cut = dn - gl; /* "mK", "m2K", "m²K" */
            break;
        }
    }
    int w = snprintf(out, size, "%.*s/(%.*s%s%s)", (int)(slash - unit), unit, (int)cut, den,
                     cut < dn ? " " : "", den + cut);
    if (w < 0 || (size_t)w >= size) return 0;
    return strcmp(out, unit) != 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Steps 4-5: unit text -> udunits2 unit of the right dimension                              */

typedef enum unit_result {
    UNIT_OK = 0,        /* *out has the dimension of q */
    UNIT_UNKNOWN,       /* udunits2 cannot read it */
    UNIT_WRONG_DIM,     /* *out is readable but of another dimension (owned by the caller) */
    UNIT_NORMAL_VOLUME, /* Nm3 */
} unit_result;

static unit_result read_unit(const dh_units *u, const char *unit, dh_quantity q, ut_unit **out)
{
    char text[TEXT_MAX * 2], alt[TEXT_MAX * 2];
    *out = NULL;
    if (rewrite_aliases(unit, q, text, sizeof text) != 0) return UNIT_NORMAL_VOLUME;
    ut_unit *first = ut_parse(u->sys, text, UT_UTF8);
    if (first && ut_are_convertible(first, u->si[q])) {
        *out = first;
        return UNIT_OK;
    }
    if (engineering_reading(text, alt, sizeof alt)) {
        ut_unit *second = ut_parse(u->sys, alt, UT_UTF8);
        if (second && ut_are_convertible(second, u->si[q])) {
            ut_free(first);
            *out = second;
            return UNIT_OK;
        }
        ut_free(second);
    }
    if (!first) return UNIT_UNKNOWN;
    *out = first;
    return UNIT_WRONG_DIM;
}

/* "a mass flow", or "in SI base units kg.s-3.A-1" for a dimension with no name here. */
static void describe_unit(const dh_units *u, const ut_unit *unit, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof DESCRIBE_ORDER / sizeof DESCRIBE_ORDER[0]; i++) {
        dh_quantity k = DESCRIBE_ORDER[i];
        if (ut_are_convertible(unit, u->si[k])) {
            snprintf(buf, size, "%s %s", article(QUANTITIES[k].name), QUANTITIES[k].name);
            return;
        }
    }
    char def[128];
    int n = ut_format(unit, def, sizeof def, UT_ASCII | UT_DEFINITION);
    if (n < 0 || (size_t)n >= sizeof def) {
        snprintf(buf, size, "of another dimension");
        return;
    }
    char *d = def;
    if (isdigit((unsigned char)*d) || *d == '-' || *d == '.') { /* drop the scale factor */
        char *sp = strchr(d, ' ');
        d = sp ? sp + 1 : d;
    }
    char *at = strstr(d, " @");
    if (at) *at = '\0';
    snprintf(buf, size, "in SI base units %s", d);
}

/* A common spelling readable as quantity q that equals `unit` ignoring case, or (when
 * `typos`) is one or two edits away (dh_str_suggest); NULL if none. */
static const char *suggest_unit(const dh_units *u, const char *unit, dh_quantity q, int typos)
{
    const char *cands[N_COMMON_UNITS];
    size_t nc = 0;
    for (size_t i = 0; i < N_COMMON_UNITS; i++) {
        ut_unit *c = NULL;
        if (read_unit(u, COMMON_UNITS[i], q, &c) == UNIT_OK) cands[nc++] = COMMON_UNITS[i];
        ut_free(c);
    }
    for (size_t i = 0; i < nc; i++)
        if (!strcasecmp(unit, cands[i]) && strcmp(unit, cands[i])) return cands[i];
    if (!typos) return NULL;
    const char *s = dh_str_suggest(unit, cands, nc);
    return (s && strcmp(s, unit)) ? s : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* The common tail of dh_units_parse and dh_units_convert                                    */

/* `unit`: normalised, trimmed, mutable; `whole`: the value text for messages. */
static dh_status convert_value(const dh_units *u, double value, char *unit, const char *whole,
                               dh_quantity q, double atmospheric_pressure, double *si,
                               const dh_srcpos *pos, dh_error *err)
{
    const quantity_info *qi = &QUANTITIES[q];
    char qw[80], qu[80], marker[TEXT_MAX];
    quote(whole, qw, sizeof qw);

    pressure_mark mark = split_marker(unit, marker, sizeof marker);
    if (mark != MARK_NONE) {
        if (q == DH_Q_PRESSURE_DIFF)
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "a pressure difference is neither gauge nor absolute: remove "
                                "'%s' (write e.g. '%s')",
                                marker, qi->example);
        if (q != DH_Q_PRESSURE)
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "'%s' marks %s pressure, but %s %s is expected (e.g. '%s')", marker,
                                mark == MARK_GAUGE ? "a gauge" : "an absolute", article(qi->name),
                                qi->name, qi->example);
        if (unit[0] == '\0')
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "missing pressure unit before '%s': write e.g. '0.88 MPa(g)'",
                                marker);
    }
    if (unit[0] == '\0') {
        if (q == DH_Q_DIMENSIONLESS) {
            *si = value;
            return DH_OK;
        }
        if (q == DH_Q_PRESSURE)
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "missing unit for a pressure: write e.g. '0.98 MPa' (absolute) "
                                "or '0.88 MPa(g)' (gauge)");
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "missing unit for %s %s: write e.g. '%s'",
                            article(qi->name), qi->name, qi->example);
    }
    quote(unit, qu, sizeof qu);

    /* Digits in a unit are exponents glued to a symbol ("m2", "m-1", "m^2", "m**3", "H2O").
     * udunits2 reads any other number as a factor ("m 3" = 3 m, "1 000 kW" = 1000 kW): refused,
     * which also keeps udunits2 2.2.28 off a parser path that leaks a token ("W/0K", see
     * tests/units/lsan.supp). Refused too: '@' (an offset unit, "m @ 5") and ','. */
    for (const char *c = unit; *c; c++) {
        unsigned char prev = c > unit ? (unsigned char)c[-1] : 0;
        unsigned char prev2 = c > unit + 1 ? (unsigned char)c[-2] : 0;
        unsigned char prev3 = c > unit + 2 ? (unsigned char)c[-3] : 0;
        int power = prev == '^' || (prev == '*' && prev2 == '*'); /* "m^2", "m**2" */
        int signed_power =
            (prev == '-' || prev == '+') && /* "m-1", "m^-1", "m**-1" */
            (isalpha(prev2) || prev2 == '_' || prev2 == '^' || (prev2 == '*' && prev3 == '*'));
        int glued = isalnum(prev) || prev == '_' || power || signed_power;
        if (c == unit ? (isdigit((unsigned char)*c) || strchr("+-.,", *c))
                      : (isdigit((unsigned char)*c) && !glued)) {
            char qc[80];
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "unexpected '%s' in '%s': write one number and one unit, e.g. '%s'",
                                quote(c, qc, sizeof qc), qw, qi->example);
        }
        if (*c == '@' || *c == ',')
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "unexpected '%c' in unit '%s' (write e.g. '%s')", *c, qu,
                                qi->example);
    }

    ut_unit *unit_u = NULL;
    unit_result r = read_unit(u, unit, q, &unit_u);
    if (r == UNIT_NORMAL_VOLUME)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "'%s' is a gas volume at normal conditions (Nm3), not a volume flow of "
                            "water or steam: give a mass flow (e.g. '35 t/h') or an actual volume "
                            "flow (e.g. '120 m3/h')",
                            qu);
    if (r == UNIT_UNKNOWN) {
        const char *s = suggest_unit(u, unit, q, 1);
        char hint[64] = "";
        if (s) snprintf(hint, sizeof hint, ": did you mean '%s'?", s);
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "unknown unit '%s'%s (expected %s %s, e.g. '%s')", qu, hint,
                            article(qi->name), qi->name, qi->example);
    }
    if (r == UNIT_WRONG_DIM) {
        char what[160], hint[128] = "";
        describe_unit(u, unit_u, what, sizeof what);
        ut_free(unit_u);
        const char *s = suggest_unit(u, unit, q, 0);
        if (s)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", s);
        else if (q == DH_Q_TEMPERATURE || q == DH_Q_TEMPERATURE_DIFF) {
            if (!strcmp(unit, "C"))
                snprintf(hint, sizeof hint, "; 'C' is the coulomb: write 'degC'");
            if (!strcmp(unit, "F")) snprintf(hint, sizeof hint, "; 'F' is the farad: write 'degF'");
        } else if (q == DH_Q_HEAD) {
            snprintf(hint, sizeof hint,
                     "; a head is a height of fluid column: write e.g. '40 m' or '40 mH2O'");
        }
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "expected %s %s (e.g. '%s'), got '%s' (%s)%s", article(qi->name),
                            qi->name, qi->example, qu, what, hint);
    }

    /* A difference takes only the slope: unit x 1 loses the offset in udunits2 (degC -> K). */
    ut_unit *from = unit_u;
    if (q == DH_Q_TEMPERATURE_DIFF || q == DH_Q_PRESSURE_DIFF) {
        from = ut_multiply(unit_u, u->one);
        if (!from) {
            ut_free(unit_u);
            return dh_error_set(err, DH_ERR_NOMEM, pos, NULL, "out of memory converting '%s'", qw);
        }
    }
    cv_converter *cv = ut_get_converter(from, u->si[q]);
    if (from != unit_u) ut_free(from);
    ut_free(unit_u);
    if (!cv) return dh_error_set(err, DH_ERR_NOMEM, pos, NULL, "out of memory converting '%s'", qw);
    double v = cv_convert_double(cv, value);
    cv_free(cv);

    if (mark == MARK_GAUGE) {
        if (!isfinite(atmospheric_pressure) || atmospheric_pressure <= 0.0)
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "gauge pressure '%s' needs the atmospheric pressure, which is not "
                                "set",
                                qw);
        v += atmospheric_pressure; /* p_abs = p_gauge + p_atm (Pa) */
    }
    if (!isfinite(v))
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value '%s' is out of range", qw);
    if (q == DH_Q_PRESSURE && v < 0.0)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "pressure '%s' is below vacuum (%.6g Pa absolute)%s", qw, v,
                            mark == MARK_GAUGE ? ""
                                               : "; a plain pressure unit is absolute, "
                                                 "write a gauge pressure as e.g. '0.88 MPa(g)'");
    if (q == DH_Q_TEMPERATURE && v < 0.0)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "temperature '%s' is below absolute zero (%.6g K)", qw, v);
    *si = v;
    return DH_OK;
}

static dh_status normalise_error(int rc, const dh_srcpos *pos, dh_error *err)
{
    if (rc == -1)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value too long (more than %d bytes)",
                            TEXT_MAX - 1);
    if (rc == -2)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value is not valid UTF-8 text (save the file as UTF-8)");
    return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value contains a control character");
}

/* ---------------------------------------------------------------------------------------- */
/* Public                                                                                    */

const char *dh_quantity_si_unit(dh_quantity q)
{
    return ((unsigned)q < DH_Q_COUNT) ? QUANTITIES[q].si : "?";
}

const char *dh_quantity_name(dh_quantity q)
{
    return ((unsigned)q < DH_Q_COUNT) ? QUANTITIES[q].name : "unknown quantity";
}

void dh_units_destroy(dh_units **pu)
{
    if (!pu || !*pu) return;
    dh_units *u = *pu;
    for (int q = 0; q < DH_Q_COUNT; q++)
        ut_free(u->si[q]);
    ut_free(u->one);
    if (u->sys) ut_free_system(u->sys);
    if (u->c_locale != (locale_t)0) freelocale(u->c_locale);
    free(u);
    *pu = NULL;
}

dh_status dh_units_create(dh_units **out, dh_error *err)
{
    if (!out) return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL, "dh_units_create: NULL out");
    *out = NULL;
    dh_units *u = calloc(1, sizeof *u);
    if (!u) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    u->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (u->c_locale == (locale_t)0) {
        dh_units_destroy(&u);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "cannot create the C locale");
    }
    /* Process-wide (udunits2 has one handler): silence udunits2's messages on stderr; every
     * failure is reported through dh_error instead. */
    ut_set_error_message_handler(ut_ignore);
    u->sys = ut_read_xml(NULL);
    if (!u->sys) {
        ut_status st = ut_get_status();
        const char *env = getenv("UDUNITS2_XML_PATH");
        char where[160];
        snprintf(where, sizeof where, "%s%s", env ? "UDUNITS2_XML_PATH=" : "default path",
                 env ? env : "");
        dh_units_destroy(&u);
        return dh_error_set(err, DH_ERR_IO, NULL, NULL,
                            "cannot load the udunits2 unit database (%s, udunits2 status %d): "
                            "install the Debian package libudunits2-data",
                            where, (int)st);
    }
    u->one = ut_get_dimensionless_unit_one(u->sys);
    locale_t old = uselocale(u->c_locale);
    for (int q = 0; q < DH_Q_COUNT; q++) {
        u->si[q] = ut_parse(u->sys, QUANTITIES[q].si, UT_ASCII);
        if (!u->si[q]) {
            uselocale(old);
            dh_units_destroy(&u);
            return dh_error_set(err, DH_ERR_INTERNAL, NULL, NULL,
                                "udunits2 cannot read the SI unit '%s'", QUANTITIES[q].si);
        }
    }
    uselocale(old);
    *out = u;
    return DH_OK;
}

dh_status dh_units_parse(const dh_units *u, const char *text, dh_quantity q,
                         double atmospheric_pressure, double *si, const dh_srcpos *pos,
                         dh_error *err)
{
    if (!u || !text || !si || (unsigned)q >= DH_Q_COUNT)
        return dh_error_set(err, DH_ERR_INTERNAL, pos, NULL, "dh_units_parse: bad argument");
    const quantity_info *qi = &QUANTITIES[q];
    char buf[TEXT_MAX], qw[80];
    int rc = normalise(text, buf);
    if (rc != 0) return normalise_error(rc, pos, err);
    trim(buf);
    if (buf[0] == '\0')
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "empty value: expected %s %s, e.g. '%s'",
                            article(qi->name), qi->name, qi->example);
    quote(buf, qw, sizeof qw);

    size_t nlen = scan_number(buf);
    if (nlen == 0) {
        if ((buf[0] == 'D' || buf[0] == 'd') && (buf[1] == 'N' || buf[1] == 'n') &&
            (q == DH_Q_LENGTH))
            return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                                "'%s' is a nominal size, not a length: give it as a nominal size "
                                "or write the inner diameter (e.g. '312.7 mm')",
                                qw);
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "not a number: '%s' (expected %s %s, e.g. '%s')", qw, article(qi->name),
                            qi->name, qi->example);
    }
    if (buf[nlen] == ',' && isdigit((unsigned char)buf[nlen + 1])) {
        char fixed[TEXT_MAX];
        memcpy(fixed, buf, sizeof fixed);
        fixed[nlen] = '.';
        char qf[80];
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "decimal comma in '%s': write '%s'", qw,
                            quote(fixed, qf, sizeof qf));
    }
    char num[TEXT_MAX];
    memcpy(num, buf, nlen);
    num[nlen] = '\0';
    locale_t old = uselocale(u->c_locale);
    double value = strtod(num, NULL);
    dh_status st;
    if (!isfinite(value)) {
        st = dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value '%s' is out of range", qw);
    } else {
        char unit[TEXT_MAX];
        memcpy(unit, buf + nlen, strlen(buf + nlen) + 1);
        trim(unit);
        st = convert_value(u, value, unit, buf, q, atmospheric_pressure, si, pos, err);
    }
    uselocale(old);
    return st;
}

dh_status dh_units_convert(const dh_units *u, double value, const char *unit, dh_quantity q,
                           double atmospheric_pressure, double *si, const dh_srcpos *pos,
                           dh_error *err)
{
    if (!u || !unit || !si || (unsigned)q >= DH_Q_COUNT)
        return dh_error_set(err, DH_ERR_INTERNAL, pos, NULL, "dh_units_convert: bad argument");
    if (!isfinite(value))
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL, "value is not a finite number");
    char buf[TEXT_MAX];
    int rc = normalise(unit, buf);
    if (rc != 0) return normalise_error(rc, pos, err);
    trim(buf);
    size_t n = strlen(buf);
    if (n >= 2 && buf[0] == '[' && buf[n - 1] == ']') { /* a CSV header's "[mm]" */
        buf[n - 1] = '\0';
        memmove(buf, buf + 1, n - 1);
        trim(buf);
    }
    if (q == DH_Q_DIMENSIONLESS && (!strcmp(buf, "-") || !strcmp(buf, "1"))) buf[0] = '\0';
    locale_t old = uselocale(u->c_locale);
    dh_status st = convert_value(u, value, buf, buf, q, atmospheric_pressure, si, pos, err);
    uselocale(old);
    return st;
}
