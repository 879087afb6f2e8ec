/* cmd_props.c: `dhsim props --p P (--T T | --h H | --s S | --x X)`: water/steam properties as
 * JSON on stdout (IAPWS-IF97 via dh_props.h; documented in docs/properties.md).
 *
 * Values are SI numbers (`--p 1e6 --T 500`) or carry a unit in the same argument
 * (`--p "0.98 MPa" --T "290 degC"`, `--h "2800 kJ/kg"`, gauge `--p "8.8 barg"`), read by the
 * unit module of case files (dh_units.h). Exit status: 0 ok; 2 bad usage, bad value or a state
 * outside IF97.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_cli.h"
#include "dh_props.h"
#include "dh_units.h"

/* Parses "NUMBER [UNIT]" into SI for quantity q: a bare number is taken as SI (this command's
 * documented convention, unlike case files); anything else goes through the udunits2-based
 * unit module, as in case files ("0.98 MPa", "8.8 barg", "290 degC", "2800 kJ/kg").
 * Gauge pressures use the standard atmosphere. Returns 0, or -1 with the message in err. */
static int parse_quantity(const dh_units *units, const char *text, dh_quantity q, double *out,
                          dh_error *err)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && isfinite(v)) {
        while (*end == ' ' || *end == '\t') end++;
        if (*end == '\0') {
            *out = v;
            return 0;
        }
    }
    return dh_units_parse(units, text, q, 101325.0, out, NULL, err) == DH_OK ? 0 : -1;
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
    dh_error err;
    dh_error_clear(&err);
    dh_units *units = NULL;
    if (dh_units_create(&units, &err) != DH_OK) {
        fprintf(stderr, "dhsim props: error: %s\n", err.message);
        return DH_EXIT_USAGE;
    }
    double p, y;
    dh_quantity q = which == 'T' ? DH_Q_TEMPERATURE : which == 'h' ? DH_Q_SPECIFIC_ENERGY
                  : which == 's' ? DH_Q_SPECIFIC_HEAT : DH_Q_DIMENSIONLESS;
    int bad = parse_quantity(units, ptext, DH_Q_PRESSURE, &p, &err);
    if (bad) fprintf(stderr, "dhsim props: error: --p '%s': %s\n", ptext, err.message);
    if (!bad && (bad = parse_quantity(units, ytext, q, &y, &err)) != 0)
        fprintf(stderr, "dhsim props: error: --%c '%s': %s\n", which, ytext, err.message);
    dh_units_destroy(&units);
    if (bad) return DH_EXIT_USAGE;
    dh_props pr;
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
