/* cmd_props.c: `dhsim props --p P (--T T | --h H | --s S | --x X)`: water/steam properties as
 * JSON on stdout (IAPWS-IF97 via dh_props.h; documented in docs/properties.md).
 *
 * Values are SI numbers (`--p 1e6 --T 500`) or carry a unit in the same argument
 * (`--p "0.98 MPa" --T "290 degC"`, `--h "2800 kJ/kg"`). The unit parser below is a small
 * stand-in, local to this file, until the udunits2-based network/dh_units.h is wired in: replace
 * parse_quantity() only. Exit status: 0 ok; 2 bad usage, bad value or a state outside IF97.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_cli.h"
#include "dh_props.h"

typedef enum qty_kind { Q_PRESSURE, Q_TEMPERATURE, Q_ENTHALPY, Q_ENTROPY, Q_QUALITY } qty_kind;

/* Unit factors to SI: value_SI = value * scale + offset. */
typedef struct unit_def {
    const char *name;
    qty_kind kind;
    double scale, offset;
} unit_def;

static const unit_def UNITS[] = {
    {"Pa", Q_PRESSURE, 1.0, 0.0},          {"kPa", Q_PRESSURE, 1e3, 0.0},
    {"MPa", Q_PRESSURE, 1e6, 0.0},         {"bar", Q_PRESSURE, 1e5, 0.0},
    {"K", Q_TEMPERATURE, 1.0, 0.0},        {"degC", Q_TEMPERATURE, 1.0, 273.15},
    {"J/kg", Q_ENTHALPY, 1.0, 0.0},        {"kJ/kg", Q_ENTHALPY, 1e3, 0.0},
    {"J/(kg K)", Q_ENTROPY, 1.0, 0.0},     {"J/kg/K", Q_ENTROPY, 1.0, 0.0},
    {"kJ/(kg K)", Q_ENTROPY, 1e3, 0.0},    {"kJ/kg/K", Q_ENTROPY, 1e3, 0.0},
};

/* Parses "NUMBER [UNIT]" into SI for the quantity `kind`. Returns 0, or -1 with a message. */
static int parse_quantity(const char *text, qty_kind kind, double *out, char *msg, size_t msize)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v)) {
        snprintf(msg, msize, "'%s' is not a number", text);
        return -1;
    }
    while (*end == ' ' || *end == '\t') end++;
    if (*end == '\0') {
        *out = v; /* plain SI number */
        return 0;
    }
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++) {
        if (strcmp(end, UNITS[i].name) != 0) continue;
        if (UNITS[i].kind != kind) {
            snprintf(msg, msize, "'%s': unit '%s' is not valid for this quantity", text, end);
            return -1;
        }
        *out = v * UNITS[i].scale + UNITS[i].offset;
        return 0;
    }
    snprintf(msg, msize, "'%s': unknown unit '%s' (known: Pa kPa MPa bar, K degC, J/kg kJ/kg, "
                         "J/(kg K) kJ/(kg K))", text, end);
    return -1;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: dhsim props --p P (--T T | --h H | --s S | --x X)\n"
                 "  P absolute pressure (Pa, or with unit: \"0.98 MPa\", \"10 bar\")\n"
                 "  T temperature (K, or \"290 degC\"); H enthalpy (J/kg, or \"2800 kJ/kg\");\n"
                 "  S entropy (J/(kg K), or \"6.5 kJ/(kg K)\"); X vapour quality 0..1\n");
}

static void json_num(const char *key, double v, int last)
{
    if (isfinite(v)) printf("  \"%s\": %.12g%s\n", key, v, last ? "" : ",");
    else printf("  \"%s\": null%s\n", key, last ? "" : ",");
}

int dh_cmd_props(int argc, char **argv)
{
    const char *ptext = NULL, *ytext = NULL;
    int which = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return DH_EXIT_OK;
        }
        int is_p = !strcmp(a, "--p"), is_y = !strcmp(a, "--T") || !strcmp(a, "--h") ||
                                              !strcmp(a, "--s") || !strcmp(a, "--x");
        if (!is_p && !is_y) {
            fprintf(stderr, "dhsim props: error: unknown argument '%s'\n", a);
            usage(stderr);
            return DH_EXIT_USAGE;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "dhsim props: error: '%s' needs a value\n", a);
            return DH_EXIT_USAGE;
        }
        if (is_p) {
            ptext = argv[++i];
        } else {
            if (which) {
                fprintf(stderr, "dhsim props: error: give exactly one of --T, --h, --s, --x\n");
                return DH_EXIT_USAGE;
            }
            which = a[2];
            ytext = argv[++i];
        }
    }
    if (!ptext || !which) {
        fprintf(stderr, "dhsim props: error: --p and one of --T, --h, --s, --x are required\n");
        usage(stderr);
        return DH_EXIT_USAGE;
    }
    char msg[256];
    double p, y;
    if (parse_quantity(ptext, Q_PRESSURE, &p, msg, sizeof msg) != 0) {
        fprintf(stderr, "dhsim props: error: --p %s\n", msg);
        return DH_EXIT_USAGE;
    }
    qty_kind kind = which == 'T' ? Q_TEMPERATURE : which == 'h' ? Q_ENTHALPY
                  : which == 's' ? Q_ENTROPY : Q_QUALITY;
    if (parse_quantity(ytext, kind, &y, msg, sizeof msg) != 0) {
        fprintf(stderr, "dhsim props: error: --%c %s\n", which, msg);
        return DH_EXIT_USAGE;
    }
    dh_props pr;
    dh_error err;
    dh_error_clear(&err);
    dh_status st = which == 'T' ? dh_props_pT(p, y, &pr, &err)
                 : which == 'h' ? dh_props_ph(p, y, &pr, &err)
                 : which == 's' ? dh_props_ps(p, y, &pr, &err)
                                : dh_props_px(p, y, &pr, &err);
    if (st != DH_OK) {
        fprintf(stderr, "dhsim props: error: %s\n", err.message);
        return DH_EXIT_USAGE;
    }
    printf("{\n  \"region\": %d,\n", pr.region);
    json_num("p_Pa", pr.p, 0);
    json_num("T_K", pr.T, 0);
    json_num("rho_kg_m3", pr.rho, 0);
    json_num("v_m3_kg", pr.v, 0);
    json_num("h_J_kg", pr.h, 0);
    json_num("s_J_kgK", pr.s, 0);
    json_num("u_J_kg", pr.u, 0);
    json_num("cp_J_kgK", pr.cp, 0);
    json_num("cv_J_kgK", pr.cv, 0);
    json_num("w_m_s", pr.w, 0);
    json_num("x", pr.x, 0);
    json_num("mu_Pa_s", pr.mu, 0);
    json_num("lambda_W_mK", pr.lambda, 1);
    printf("}\n");
    return DH_EXIT_OK;
}
