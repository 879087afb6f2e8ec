/* dn_table.c: nominal sizes (DN) of district-heating steel service pipes -> inner and outer
 * diameter (implements the DN part of dh_units.h).
 *
 * Exports: dh_dn_lookup (DN number -> diameters), dh_units_parse_dn ("DN300" -> 300),
 * dh_dn_parse (both, with messages). Callers: the case reader (a pipe's `dn` value), tests.
 *
 * The table: outside diameter from EN 10220:2002 Table 1 / ISO 4200 (series 1), wall thickness
 * the minimum nominal wall of the steel service pipe in EN 253:2009+A2:2015 Table 2 (pre-insulated
 * bonded pipes for directly buried hot-water networks), i.e. the "standard" wall of the
 * manufacturers' catalogues. Inner diameter d_i = d_o - 2 s.
 * Cross-check: DN250..DN1000 (d_o, s) agree with the single-pipe catalogue data of the modesto
 * project (energyville/modesto, Data/PipeCatalog/RigidSingleCompound.csv, e.g. DN300 323.9 x 5.6,
 * d_i 312.7 mm; DN1000 1016 x 11.0). DN15..DN80 and DN1200 were written from the standard as
 * remembered and not checked against a second source: see docs/units.md.
 */
#include "dh_units.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct dn_size {
    int dn;          /* nominal size (-) */
    double outer_mm; /* outside diameter d_o, EN 10220 series 1 (mm) */
    double wall_mm;  /* minimum nominal wall s, EN 253 Table 2 (mm) */
} dn_size;

/* Sorted by dn. */
/* clang-format off */
static const dn_size DN_TABLE[] = {
    {15, 21.3, 2.0},    {20, 26.9, 2.0},    {25, 33.7, 2.3},    {32, 42.4, 2.6},
    {40, 48.3, 2.6},    {50, 60.3, 2.9},    {65, 76.1, 2.9},    {80, 88.9, 3.2},
    {100, 114.3, 3.6},  {125, 139.7, 3.6},  {150, 168.3, 4.0},  {200, 219.1, 4.5},
    {250, 273.0, 5.0},  {300, 323.9, 5.6},  {350, 355.6, 5.6},  {400, 406.4, 6.3},
    {450, 457.0, 6.3},  {500, 508.0, 6.3},  {600, 610.0, 7.1},  {700, 711.0, 8.0},
    {800, 813.0, 8.8},  {900, 914.0, 10.0}, {1000, 1016.0, 11.0}, {1200, 1219.0, 12.5},
};
/* clang-format on */
#define DN_COUNT (sizeof DN_TABLE / sizeof DN_TABLE[0])

dh_status dh_dn_lookup(int dn, double *inner_diameter, double *outer_diameter)
{
    for (size_t i = 0; i < DN_COUNT; i++) {
        if (DN_TABLE[i].dn != dn) continue;
        const double d_o = DN_TABLE[i].outer_mm * 1e-3;                               /* m */
        const double d_i = (DN_TABLE[i].outer_mm - 2.0 * DN_TABLE[i].wall_mm) * 1e-3; /* m */
        if (inner_diameter) *inner_diameter = d_i;
        if (outer_diameter) *outer_diameter = d_o;
        return DH_OK;
    }
    return DH_ERR_UNITS;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

dh_status dh_units_parse_dn(const char *text, int *dn)
{
    if (!text || !dn) return DH_ERR_INTERNAL;
    const char *s = text;
    while (is_blank((unsigned char)*s))
        s++;
    if ((s[0] != 'D' && s[0] != 'd') || (s[1] != 'N' && s[1] != 'n')) return DH_ERR_UNITS;
    s += 2;
    while (*s == ' ' || *s == '\t')
        s++;
    int value = 0, digits = 0;
    while (isdigit((unsigned char)*s)) {
        if (digits == 5) return DH_ERR_UNITS; /* DN99999 is the largest thing we read */
        value = 10 * value + (*s - '0');
        digits++;
        s++;
    }
    while (is_blank((unsigned char)*s))
        s++;
    if (digits == 0 || *s != '\0' || value == 0) return DH_ERR_UNITS;
    *dn = value;
    return DH_OK;
}

/* Quotes at most 40 bytes of s into buf, control characters as '?'. */
static const char *quote_short(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 4 < size && n < 40; s++)
        buf[n++] = ((unsigned char)*s < 0x20) ? '?' : *s;
    if (*s) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

dh_status dh_dn_parse(const char *text, double *inner_diameter, double *outer_diameter,
                      const dh_srcpos *pos, dh_error *err)
{
    if (!text) return dh_error_set(err, DH_ERR_INTERNAL, pos, NULL, "dh_dn_parse: NULL text");
    int dn = 0;
    char quoted[48];
    if (dh_units_parse_dn(text, &dn) != DH_OK)
        return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                            "not a nominal size: '%s' (write e.g. 'DN300')",
                            quote_short(text, quoted, sizeof quoted));
    if (dh_dn_lookup(dn, inner_diameter, outer_diameter) == DH_OK) return DH_OK;
    char list[256];
    size_t off = 0;
    for (size_t i = 0; i < DN_COUNT && off < sizeof list; i++) {
        int n = snprintf(list + off, sizeof list - off, "%sDN%d", i ? ", " : "", DN_TABLE[i].dn);
        if (n > 0) off += (size_t)n;
    }
    return dh_error_set(err, DH_ERR_UNITS, pos, NULL,
                        "unknown nominal size DN%d: sizes in the table are %s; give the inner "
                        "diameter instead (e.g. '312.7 mm')",
                        dn, list);
}
