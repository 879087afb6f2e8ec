/* test_epanet_import.c: `dhsim import epanet` (network/epanet_import.c): unit conversions
 * checked by hand, the list of what is not imported, errors with their positions, and the
 * written case read back by the case reader. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_epanet.h"

/* Imports text; returns the YAML (malloc'ed; NULL on error) and the status. */
static char *import(const char *inp, const dh_epanet_options *opt, dh_diag *diag,
                    dh_epanet_report *rep, dh_status *st)
{
    char *yaml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&yaml, &len);
    ck_assert_ptr_nonnull(f);
    *st = dh_epanet_import_string(inp, strlen(inp), "t.inp", opt, f, diag, rep);
    fclose(f);
    if (*st != DH_OK) {
        free(yaml);
        return NULL;
    }
    return yaml;
}

static bool has_note(const dh_epanet_report *r, int line, bool imported, const char *frag)
{
    for (size_t i = 0; i < r->n_notes; i++)
        if (r->notes[i].line == line && r->notes[i].imported == imported &&
            strstr(r->notes[i].text, frag))
            return true;
    return false;
}

/* US units, D-W. Hand conversions (exact definitions, NIST SP 811 appendix B):
 * 100 ft = 30.48 m; 1000 ft = 304.8 m; 12 in = 304.8 mm; 0.5 millifeet = 0.1524 mm;
 * 100 GPM = 100 x 3.785411784 L / 60 s = 6.30901964 L/s; reservoir head 250 ft = 76.2 m;
 * pump point 500 GPM = 500 x 3.785411784e-3 x 60 m3/h = 113.5623535 m3/h at 150 ft = 45.72 m;
 * DEMAND MULTIPLIER 1.5: junction J2's 40 GPM -> 60 GPM = 3.785411784 L/s. */
static const char *us_net =
    "[TITLE]\n"
    "US test net\n"
    "[JUNCTIONS]\n"
    ";ID Elev Demand\n"
    " J1 100 100\n"
    " J2 90 40 ; comment\n"
    " J3 95 0\n"
    "[RESERVOIRS]\n"
    " R1 250\n"
    "[PIPES]\n"
    " P1 R1 J0 1000 12 0.5 0 Open\n"
    " P2 J0 J1 1000 12 0.5 2.5\n"
    " P3 J1 J2 500 8 0.5 0 CV\n"
    " P4 J2 J3 500 8 0.5 0 Closed\n"
    "[JUNCTIONS]\n"
    " J0 80\n"
    "[OPTIONS]\n"
    " UNITS GPM\n"
    " HEADLOSS D-W\n"
    " DEMAND MULTIPLIER 1.5\n"
    "[COORDINATES]\n"
    " J1 10.5 -3\n"
    "[END]\n"
    "anything after END is ignored\n";

START_TEST(us_units)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    dh_status st;
    char *y = import(us_net, NULL, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(y);
    ck_assert_str_eq(rep.flow_units, "GPM");
    ck_assert_str_eq(rep.headloss, "D-W");
    ck_assert_ptr_nonnull(strstr(y, "- {id: J1, x: 10.5 m, y: -3 m, z: 30.48 m}"));
    ck_assert_ptr_nonnull(strstr(y, "- {id: R1, z: 76.2 m}"));
    ck_assert_ptr_nonnull(strstr(y, "- {id: P1, from: R1, to: J0, length: 304.8 m, diameter: "
                                    "304.8 mm, roughness: 0.1524 mm, local_loss: 0}"));
    ck_assert_ptr_nonnull(strstr(y, "local_loss: 2.5}"));
    /* J1's 100 GPM x 1.5 = 9.46352946 L/s; J2's 40 GPM x 1.5 = 3.785411784 L/s */
    /* live `type: water` consumers by default (not commented out) */
    ck_assert_ptr_nonnull(strstr(y, "\nconsumers:\n  - {id: J1, node: J1, type: water, demand: 9.46352946 L/s}"));
    ck_assert_ptr_nonnull(strstr(y, "\n  - {id: J2, node: J2, type: water, demand: 3.785411784 L/s}"));
    ck_assert_double_eq_tol(rep.total_demand, 9.46352946e-3 + 3.785411784e-3, 1e-15);
    free(y);
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
    /* --no-water-consumers: the same demands as a commented-out block */
    dh_diag_init(&diag, 20);
    dh_epanet_options opt;
    dh_epanet_options_init(&opt);
    opt.water_consumers = false;
    y = import(us_net, &opt, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(strstr(y, "\n#consumers:\n#  - {id: J1, node: J1, type: water, demand: 9.46352946 L/s}"));
    ck_assert_ptr_null(strstr(y, "\nconsumers:"));
    /* CV pipe: pipe to P3.cv, check valve P3.cv -> J2 */
    ck_assert_ptr_nonnull(strstr(y, "to: P3.cv, length: 152.4 m, diameter: 203.2 mm"));
    ck_assert_ptr_nonnull(strstr(y, "- {id: P3.cv, type: check, from: P3.cv, to: J2"));
    /* closed pipe P4 left out, and J3 with it (no open link) */
    ck_assert_ptr_null(strstr(y, "id: P4"));
    ck_assert_ptr_null(strstr(y, "{id: J3,"));
    ck_assert(has_note(&rep, 14, false, "pipe P4: closed"));
    ck_assert(has_note(&rep, 7, false, "junction J3: no open link"));
    ck_assert_uint_eq(rep.n_junctions, 4);
    ck_assert_uint_eq(rep.n_pipes, 4);
    ck_assert_uint_eq(rep.n_pipes_out, 3);
    ck_assert_uint_eq(rep.n_nodes_out, 5); /* J1 J2 J0 R1 + P3.cv */
    ck_assert_uint_eq(rep.n_demands, 2);

    /* the case reads back: dhsim check accepts it */
    dh_case *c = NULL;
    dh_diag d2;
    dh_diag_init(&d2, 20);
    st = dh_case_read_string(y, strlen(y), "t.yaml", NULL, 0, NULL, &c, &d2);
    if (st != DH_OK) dh_diag_print(&d2, stderr);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_int_eq(c->study.friction, DH_FRICTION_SWAMEE_JAIN);
    ck_assert_int_eq(c->study.water, DH_WATER_INCOMPRESSIBLE);
    ck_assert_uint_eq(c->net->nodes.n, 5);
    ck_assert_uint_eq(c->net->sources.n, 1);
    ck_assert_double_eq_tol(c->net->sources.pressure[0], 101325.0, 1e-6);
    ck_assert_double_eq_tol(c->net->sources.temperature[0], 293.15, 1e-9);
    dh_case_destroy(&c);
    dh_diag_free(&d2);
    free(y);
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
}
END_TEST

/* SI units: PRV setting 30 m -> p = rho0 g h with rho0 = 998.207 kg/m3 (the case's
 * incompressible water at 20 degC), g = 9.80665: 293 672.05 Pa(g). TCV K 8 ->
 * zeta 8. CMH: 36 m3/h = 10 L/s. Negative demand -18 m3/h -> fixed_flow source of
 * 5 L/s x 998.207 kg/m3 = 4.991035 kg/s. */
static const char *si_net =
    "[JUNCTIONS]\n"
    " A 10 36\n"
    " B 12 -18\n"
    " C 11 0\n"
    " D 11 0\n"
    "[TANKS]\n"
    " T 50 4.5 1 9 10 0\n"
    "[PIPES]\n"
    " P1 T A 100 150 0.1\n"
    "[VALVES]\n"
    " V1 A B 100 PRV 30 0.2\n"
    " V2 B C 100 TCV 8\n"
    " V3 C D 100 FCV 5 0.5\n"
    "[PUMPS]\n"
    " PU1 D A POWER 10\n"
    "[OPTIONS]\n"
    " Units CMH\n"
    " Headloss D-W\n"
    "[EMITTERS]\n"
    " C 0.5\n"
    "[PATTERNS]\n"
    " 1 1 2 3\n"
    "[CONTROLS]\n"
    " LINK V1 CLOSED AT TIME 2\n";

START_TEST(si_units_and_unsupported)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    dh_status st;
    dh_epanet_options opt;
    dh_epanet_options_init(&opt);
    opt.water_consumers = true;
    char *y = import(si_net, &opt, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(strstr(y, "- {id: T, z: 54.5 m}"));
    ck_assert_ptr_nonnull(strstr(y, "type: pressure_reducing, from: A, to: B, diameter: 100 mm, "
                                    "setpoint: 293.672"));
    ck_assert_ptr_nonnull(strstr(y, "- {id: V2, type: throttle, from: B, to: C, diameter: 100 mm, "
                                    "zeta: 8}"));
    ck_assert_ptr_nonnull(strstr(y, "- {id: V3, type: throttle, from: C, to: D, diameter: 100 mm, "
                                    "zeta: 0.5}"));
    ck_assert_ptr_nonnull(strstr(y, "\nconsumers:\n  - {id: A, node: A, type: water, demand: 10 L/s}"));
    ck_assert_ptr_nonnull(strstr(y, "type: fixed_flow, medium: water, mass_flow: 4.991035 kg/s"));
    /* the list of what is not imported, with lines */
    ck_assert(has_note(&rep, 7, true, "tank T: imported as a fixed head"));
    ck_assert(has_note(&rep, 13, true, "valve V3: FCV not supported"));
    ck_assert(has_note(&rep, 15, false, "pump PU1: constant-power pump"));
    ck_assert(has_note(&rep, 20, false, "junction C: emitter"));
    ck_assert(has_note(&rep, 21, false, "[PATTERNS] 1 line"));
    ck_assert(has_note(&rep, 23, false, "[CONTROLS] 1 line"));
    ck_assert_uint_eq(rep.n_not_imported, 4);
    ck_assert_uint_eq(rep.n_pumps_out, 0);
    ck_assert_ptr_nonnull(strstr(y, "#   t.inp:15: pump PU1: constant-power pump"));
    free(y);
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
}
END_TEST

/* Hazen-Williams: C 130 on 300 mm at 1 m/s. EPANET's H-W (ft, cfs): slope = 4.727 Q^1.852 /
 * (C^1.852 d^4.871) = 3.3800e-3 (the SI form 10.67 Q^1.852 / (C^1.852 D^4.8704) gives
 * 3.3786e-3); f = slope 2 g D / v^2 = 0.019888; Swamee-Jain inverted at Re = 1 x 0.3 /
 * 1.0034e-6 = 298 983: e = 3.7 D (10^(-0.5/sqrt f) - 5.74/Re^0.9) = 0.2409 mm (computed with
 * python3 from these formulas, apart from the C code). */
START_TEST(hazen_williams)
{
    static const char *inp = "[RESERVOIRS]\n R 10\n[JUNCTIONS]\n J 0 1\n[PIPES]\n P R J 100 300 130\n"
                             "[OPTIONS]\n UNITS LPS\n";
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    dh_status st;
    char *y = import(inp, NULL, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    /* default: EPANET's law kept, friction hazen_williams with the pipe's C; the roughness
     * written beside it is the 1 m/s equivalent (for --set study.friction=swamee_jain) */
    ck_assert_ptr_nonnull(strstr(y, "friction: hazen_williams"));
    ck_assert_ptr_nonnull(strstr(y, "hazen_williams_c: 130,"));
    const char *r = strstr(y, "roughness: ");
    ck_assert_ptr_nonnull(r);
    double e = atof(r + 11);
    ck_assert_double_eq_tol(e, 0.2409, 0.0005);
    ck_assert(!has_note(&rep, 6, true, "HEADLOSS H-W: 1 pipes"));
    free(y);
    dh_epanet_report_free(&rep);
    /* --hw-as-darcy: the former conversion, with its note, Swamee-Jain and no C */
    dh_epanet_options opt;
    dh_epanet_options_init(&opt);
    opt.hw_as_darcy = true;
    y = import(inp, &opt, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(strstr(y, "friction: swamee_jain"));
    ck_assert_ptr_null(strstr(y, "hazen_williams_c"));
    r = strstr(y, "roughness: ");
    ck_assert_ptr_nonnull(r);
    ck_assert_double_eq_tol(atof(r + 11), 0.2409, 0.0005);
    ck_assert(has_note(&rep, 6, true, "HEADLOSS H-W: 1 pipes"));
    free(y);
    dh_epanet_report_free(&rep);
    /* --darcy-only refuses it */
    dh_epanet_options_init(&opt);
    opt.refuse_non_darcy = true;
    y = import(inp, &opt, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_ERR_PARSE);
    ck_assert_ptr_null(y);
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
}
END_TEST

/* Chezy-Manning stays converted (dhsim has no C-M law): a note, Swamee-Jain, no C; and an H-W
 * C outside dhsim's 1..200 is written clipped, with a note. */
START_TEST(chezy_manning_converted_and_c_clipped)
{
    static const char *cm = "[RESERVOIRS]\n R 10\n[JUNCTIONS]\n J 0 1\n[PIPES]\n P R J 100 300 0.011\n"
                            "[OPTIONS]\n UNITS LPS\n HEADLOSS C-M\n";
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    dh_status st;
    char *y = import(cm, NULL, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(strstr(y, "friction: swamee_jain"));
    ck_assert_ptr_null(strstr(y, "hazen_williams_c"));
    ck_assert(has_note(&rep, 6, true, "HEADLOSS C-M: 1 pipes' Manning n"));
    free(y);
    dh_epanet_report_free(&rep);
    static const char *hw = "[RESERVOIRS]\n R 10\n[JUNCTIONS]\n J 0 1\n[PIPES]\n P R J 100 300 250\n"
                            "[OPTIONS]\n UNITS LPS\n";
    y = import(hw, NULL, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_OK);
    ck_assert_ptr_nonnull(strstr(y, "hazen_williams_c: 200,"));
    ck_assert(has_note(&rep, 6, true, "pipe P: Hazen-Williams C 250 outside"));
    free(y);
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
}
END_TEST

START_TEST(errors_with_positions)
{
    static const char *inp = "[JUNCTIONS]\n"
                             " J1 1O 5\n"               /* 2: letter O in a number */
                             " J2 10\n"
                             "[PIPES]\n"
                             " P1 J1 J9 100 150 0.1\n"  /* 5: unknown node */
                             " P2 J1 J2 -5 150 0.1\n"   /* 6: negative length */
                             "[SPAGHETTI]\n"            /* 7: unknown section */
                             "[OPTIONS]\n"
                             " UNITS GPH\n"             /* 9: unknown units */
                             "[PUMPS]\n"
                             " PU J1 J2 HEAD C7\n"      /* 11: unknown curve */
                             "[RESERVOIRS]\n"
                             " J2 5\n";                 /* 13: duplicate id */
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    dh_status st;
    char *y = import(inp, NULL, &diag, &rep, &st);
    ck_assert_int_eq(st, DH_ERR_PARSE);
    ck_assert_ptr_null(y);
    dh_diag_sort(&diag);
    static const char *const want[] = {
        "t.inp:2:5: error: junction J1: the elevation must be a number, got '1O'",
        "t.inp:5:8: error: pipe P1: unknown node 'J9'",
        "t.inp:6:11: error: pipe P2: the length must be positive, got '-5'",
        "t.inp:7:1: error: unknown section [SPAGHETTI]",
        "t.inp:9:8: error: unknown flow units 'GPH': expected CFS, GPM, MGD, IMGD, AFD, LPS, LPM, "
        "MLD, CMH or CMD",
        "t.inp:11:16: error: pump PU: unknown curve 'C7'",
        "t.inp:13:2: error: duplicate node id 'J2' (first defined at line 3)",
    };
    ck_assert_uint_eq(diag.count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < diag.count; i++) {
        char buf[700];
        dh_error_format(&diag.items[i], buf, sizeof buf);
        buf[strcspn(buf, "\n")] = '\0';
        ck_assert_str_eq(buf, want[i]);
    }
    dh_epanet_report_free(&rep);
    dh_diag_free(&diag);
}
END_TEST

START_TEST(no_fixed_head_and_missing_file)
{
    dh_diag diag;
    dh_diag_init(&diag, 20);
    dh_status st;
    char *y = import("[JUNCTIONS]\n J 1 1\n", NULL, &diag, NULL, &st);
    ck_assert_int_eq(st, DH_ERR_PARSE);
    ck_assert_ptr_null(y);
    ck_assert_ptr_nonnull(strstr(diag.items[0].message, "no reservoir or tank"));
    dh_diag_free(&diag);
    dh_diag_init(&diag, 20);
    dh_epanet_report rep;
    st = dh_epanet_import("no/such/net.inp", NULL, stdout, &diag, &rep);
    ck_assert_int_eq(st, DH_ERR_IO);
    ck_assert_uint_eq(diag.count, 1);
    dh_epanet_report_free(&rep);
    dh_epanet_report_free(NULL);
    dh_diag_free(&diag);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("epanet_import");
    TCase *tc = tcase_create("import");
    tcase_add_test(tc, us_units);
    tcase_add_test(tc, si_units_and_unsupported);
    tcase_add_test(tc, hazen_williams);
    tcase_add_test(tc, chezy_manning_converted_and_c_clipped);
    tcase_add_test(tc, errors_with_positions);
    tcase_add_test(tc, no_fixed_head_and_missing_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
