/* test_units.c: Check suite of the units module (network/units.c, network/dn_table.c).
 *
 * Every accepted spelling with its SI value computed by hand (the arithmetic is in the
 * comment next to each number), gauge/absolute pressure with two atmospheric pressures, every
 * error path with its message, the DN table against EN 10220 / EN 253 values.
 *
 * Tolerance: conversions are a scale factor (and an offset) applied in double precision by
 * udunits2, a few roundings of 1.1e-16 each: relative 1e-12 leaves room for that and still
 * catches any wrong factor (the smallest plausible mistake, e.g. 1000 vs 1024 or a missing
 * 273.15, is > 1e-3).
 */
#include "dh_units.h"

#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REL_TOL 1e-12
#define P_ATM   101325.0 /* Pa, standard atmosphere (ISO 2533) */

static dh_units *units;

static void setup(void)
{
    dh_error err;
    dh_error_clear(&err);
    ck_assert_int_eq(dh_units_create(&units, &err), DH_OK);
    ck_assert_ptr_nonnull(units);
}

static void teardown(void)
{
    dh_units_destroy(&units);
    ck_assert_ptr_null(units);
}

static void assert_close(double got, double want, const char *what)
{
    double tol = REL_TOL * fmax(fabs(want), 1e-300);
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %.17g, want %.17g", what, got, want);
}

/* Parses text as q; asserts success and the SI value. */
static void expect_value(const char *text, dh_quantity q, double p_atm, double want)
{
    dh_error err;
    dh_error_clear(&err);
    double si = NAN;
    dh_status st = dh_units_parse(units, text, q, p_atm, &si, NULL, &err);
    ck_assert_msg(st == DH_OK, "'%s' as %s: status %d: %s", text, dh_quantity_name(q), (int)st,
                  err.message);
    assert_close(si, want, text);
}

/* Parses text as q; asserts DH_ERR_UNITS with exactly this message and si left untouched. */
static void expect_error(const char *text, dh_quantity q, double p_atm, const char *message)
{
    dh_error err;
    dh_error_clear(&err);
    double si = -12345.0;
    dh_status st = dh_units_parse(units, text, q, p_atm, &si, NULL, &err);
    ck_assert_msg(st == DH_ERR_UNITS, "'%s' as %s: status %d, want DH_ERR_UNITS", text,
                  dh_quantity_name(q), (int)st);
    ck_assert_int_eq(err.code, DH_ERR_UNITS);
    ck_assert_str_eq(err.message, message);
    ck_assert(si == -12345.0);
}

typedef struct accepted {
    const char *text;
    dh_quantity q;
    double si;
} accepted;

/* ---------------------------------------------------------------------------------------- */

START_TEST(test_accepted_spellings)
{
    static const accepted cases[] = {
        /* mass flow: 1 t/h = 1000 kg / 3600 s */
        {"35 t/h", DH_Q_MASS_FLOW, 35.0 * 1000.0 / 3600.0}, /* 9.7222222 kg/s */
        {"35 tph", DH_Q_MASS_FLOW, 35.0 * 1000.0 / 3600.0},
        {"35 tonne/h", DH_Q_MASS_FLOW, 35.0 * 1000.0 / 3600.0},
        {"35t/h", DH_Q_MASS_FLOW, 35.0 * 1000.0 / 3600.0},
        {"120 kg/h", DH_Q_MASS_FLOW, 120.0 / 3600.0},
        {"9.7 kg/s", DH_Q_MASS_FLOW, 9.7},
        /* volume flow */
        {"120 m3/h", DH_Q_VOLUME_FLOW, 120.0 / 3600.0},
        {"120 m^3/h", DH_Q_VOLUME_FLOW, 120.0 / 3600.0},
        {"120 m\xc2\xb3/h", DH_Q_VOLUME_FLOW, 120.0 / 3600.0}, /* m³/h */
        {"2 l/s", DH_Q_VOLUME_FLOW, 2e-3},
        {"2 L/s", DH_Q_VOLUME_FLOW, 2e-3},
        /* power; 1 kcal(IT) = 4.1868 J, so 1 Gcal/h = 4.1868e9 J / 3600 s = 1.163e6 W */
        {"12 MW", DH_Q_POWER, 12e6},
        {"500 kW", DH_Q_POWER, 500e3},
        {"100 GJ/h", DH_Q_POWER, 100e9 / 3600.0}, /* 27.78 MW */
        {"10 Gcal/h", DH_Q_POWER, 10.0 * 4.1868e9 / 3600.0},
        /* energy: 1 Wh = 3600 J */
        {"1 kWh", DH_Q_ENERGY, 3.6e6},
        {"2.5 MWh", DH_Q_ENERGY, 2.5 * 3.6e9},
        {"5 GJ", DH_Q_ENERGY, 5e9},
        {"1 Wh", DH_Q_ENERGY, 3600.0},
        /* specific energy, specific heat */
        {"2800 kJ/kg", DH_Q_SPECIFIC_ENERGY, 2.8e6},
        {"4.19 kJ/(kg K)", DH_Q_SPECIFIC_HEAT, 4190.0},
        {"4.19 kJ/(kg\xc2\xb7K)", DH_Q_SPECIFIC_HEAT, 4190.0}, /* kJ/(kg·K) */
        {"4.19 kJ/kgK", DH_Q_SPECIFIC_HEAT, 4190.0},
        {"4.19 kJ/kg.K", DH_Q_SPECIFIC_HEAT, 4190.0},
        {"4.19 kJ/kg K", DH_Q_SPECIFIC_HEAT, 4190.0},
        {"4.19 kJ/(kg \xc2\xb0"
         "C)",
         DH_Q_SPECIFIC_HEAT, 4190.0}, /* kJ/(kg °C) */
        {"4190 J/(kg K)", DH_Q_SPECIFIC_HEAT, 4190.0},
        /* conductivity: every spelling is W/(m K); "W/mK" is NOT W per millikelvin here */
        {"0.027 W/(m K)", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/(m\xc2\xb7K)", DH_Q_CONDUCTIVITY, 0.027}, /* W/(m·K) */
        {"0.027 W/m/K", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/mK", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/(mK)", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/m.K", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/m K", DH_Q_CONDUCTIVITY, 0.027},
        {"0.027 W/m\xc2\xb7K", DH_Q_CONDUCTIVITY, 0.027}, /* W/m·K */
        {"27 mW/(m K)", DH_Q_CONDUCTIVITY, 0.027},
        /* heat transfer coefficient */
        {"10 W/(m2 K)", DH_Q_HEAT_TRANSFER, 10.0},
        {"10 W/(m2\xc2\xb7K)", DH_Q_HEAT_TRANSFER, 10.0},
        {"10 W/m2/K", DH_Q_HEAT_TRANSFER, 10.0},
        {"10 W/m2K", DH_Q_HEAT_TRANSFER, 10.0},
        {"10 W/m\xc2\xb2K", DH_Q_HEAT_TRANSFER, 10.0}, /* W/m²K */
        {"10 W/(m\xc2\xb2 K)", DH_Q_HEAT_TRANSFER, 10.0},
        {"25 W/m", DH_Q_LINEAR_HEAT_LOSS, 25.0},
        /* pressure: a plain unit is ABSOLUTE */
        {"0.98 MPa", DH_Q_PRESSURE, 0.98e6},
        {"9.8 bar", DH_Q_PRESSURE, 9.8e5},
        {"980 kPa", DH_Q_PRESSURE, 9.8e5},
        {"980000 Pa", DH_Q_PRESSURE, 9.8e5},
        {"100 mbar", DH_Q_PRESSURE, 1e4},
        {"1 atm", DH_Q_PRESSURE, 101325.0},
        /* conventional water column: 1 mH2O = 1000 kg/m3 x 9.80665 m/s2 x 1 m (NIST SP 811 B.8) */
        {"10 mH2O", DH_Q_PRESSURE, 98066.5},
        {"10 mWC", DH_Q_PRESSURE, 98066.5},
        {"1000 mmH2O", DH_Q_PRESSURE, 9806.65},
        /* 1 psi = 0.45359237 kg x 9.80665 m/s2 / (0.0254 m)^2 */
        {"1 psi", DH_Q_PRESSURE, 0.45359237 * 9.80665 / (0.0254 * 0.0254)},
        {"50 kPa", DH_Q_PRESSURE_DIFF, 5e4},
        {"0.5 bar", DH_Q_PRESSURE_DIFF, 5e4},
        {"5 mH2O", DH_Q_PRESSURE_DIFF, 49033.25},
        /* temperature: T/K = t/degC + 273.15; T/K = (t/degF + 459.67) x 5/9 */
        {"290 degC", DH_Q_TEMPERATURE, 563.15},
        {"290 \xc2\xb0"
         "C",
         DH_Q_TEMPERATURE, 563.15},                     /* °C */
        {"290 \xe2\x84\x83", DH_Q_TEMPERATURE, 563.15}, /* ℃ */
        {"290 Celsius", DH_Q_TEMPERATURE, 563.15},
        {"290degC", DH_Q_TEMPERATURE, 563.15},
        {"563.15 K", DH_Q_TEMPERATURE, 563.15},
        {"-10 degC", DH_Q_TEMPERATURE, 263.15},
        {"\xe2\x88\x92"
         "10 degC",
         DH_Q_TEMPERATURE, 263.15}, /* U+2212 minus sign */
        {"100 degF", DH_Q_TEMPERATURE, (100.0 + 459.67) * 5.0 / 9.0},
        /* temperature difference: slope only */
        {"10 degC", DH_Q_TEMPERATURE_DIFF, 10.0},
        {"10 \xc2\xb0"
         "C",
         DH_Q_TEMPERATURE_DIFF, 10.0},
        {"10 K", DH_Q_TEMPERATURE_DIFF, 10.0},
        {"18 degF", DH_Q_TEMPERATURE_DIFF, 10.0},
        /* length, numbers */
        {"120 mm", DH_Q_LENGTH, 0.12},
        {"120mm", DH_Q_LENGTH, 0.12},
        {"  120 mm  ", DH_Q_LENGTH, 0.12},
        {"120\xc2\xa0mm", DH_Q_LENGTH, 0.12}, /* no-break space */
        {"120\tmm", DH_Q_LENGTH, 0.12},
        {"12 cm", DH_Q_LENGTH, 0.12},
        {"1.5 km", DH_Q_LENGTH, 1500.0},
        {"1e6 mm", DH_Q_LENGTH, 1000.0},
        {"1E3 m", DH_Q_LENGTH, 1000.0},
        {"2.5e-3 m", DH_Q_LENGTH, 2.5e-3},
        {".5 m", DH_Q_LENGTH, 0.5},
        {"5. m", DH_Q_LENGTH, 5.0},
        {"-10 m", DH_Q_LENGTH, -10.0},
        {"+3 m", DH_Q_LENGTH, 3.0},
        {"4 in", DH_Q_LENGTH, 4 * 0.0254},
        /* area, velocity, time, mass, density */
        {"0.05 m2", DH_Q_AREA, 0.05},
        {"500 cm2", DH_Q_AREA, 0.05},
        {"50000 mm\xc2\xb2", DH_Q_AREA, 0.05}, /* mm² */
        {"1.5 m/s", DH_Q_VELOCITY, 1.5},
        {"1.5 m s-1", DH_Q_VELOCITY, 1.5}, /* exponents glued to a symbol */
        {"1.5 m.s^-1", DH_Q_VELOCITY, 1.5},
        {"1.5 m s**-1", DH_Q_VELOCITY, 1.5},
        {"960 kg m-3", DH_Q_DENSITY, 960.0},
        {"960 kg/m**3", DH_Q_DENSITY, 960.0},
        {"960 kg\xc2\xb7m\xe2\x88\x92"
         "3",
         DH_Q_DENSITY, 960.0}, /* kg·m−3, U+2212 */
        {"5.4 km/h", DH_Q_VELOCITY, 1.5},
        {"1 h", DH_Q_TIME, 3600.0},
        {"2 hr", DH_Q_TIME, 7200.0},
        {"15 min", DH_Q_TIME, 900.0},
        {"1 d", DH_Q_TIME, 86400.0},
        {"30 s", DH_Q_TIME, 30.0},
        {"1 t", DH_Q_MASS, 1000.0},
        {"500 g", DH_Q_MASS, 0.5},
        {"960 kg/m3", DH_Q_DENSITY, 960.0},
        {"960 kg/m\xc2\xb3", DH_Q_DENSITY, 960.0},
        {"0.96 t/m3", DH_Q_DENSITY, 960.0},
        {"0.96 g/cm3", DH_Q_DENSITY, 960.0},
        /* dimensionless: a bare number, % = 0.01 */
        {"0.85", DH_Q_DIMENSIONLESS, 0.85},
        {"85 %", DH_Q_DIMENSIONLESS, 0.85},
        {"85%", DH_Q_DIMENSIONLESS, 0.85},
        {"85 percent", DH_Q_DIMENSIONLESS, 0.85},
        /* head: a height of fluid column; mH2O = m here */
        {"40 m", DH_Q_HEAD, 40.0},
        {"40 mH2O", DH_Q_HEAD, 40.0},
        {"40 mWC", DH_Q_HEAD, 40.0},
        {"4000 mmH2O", DH_Q_HEAD, 4.0},
        {"400 cm", DH_Q_HEAD, 4.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_value(cases[i].text, cases[i].q, P_ATM, cases[i].si);
}
END_TEST

START_TEST(test_gauge_and_absolute)
{
    /* p_abs = p_gauge + p_atm, with the standard atmosphere and with 95 kPa (about 540 m
     * above sea level, ISO 2533) */
    static const double p_atm[] = {101325.0, 95000.0};
    static const char *const gauge_0_88_mpa[] = {
        "0.88 MPa(g)",    "0.88 MPa (g)",    "0.88 MPa(G)", "0.88 MPa( g )", "0.88 MPa g",
        "0.88 MPa gauge", "0.88 MPa(gauge)", "0.88 MPag",   "0.88 MPaG",     "8.8 barg",
        "8.8 bar(g)",     "8.8 bar g",       "8.8 barG",    "880 kPag",      "880 kPa(g)",
        "8800 mbarg",     "8800 hPag",       "880000 Pag",
    };
    static const char *const absolute_0_98_mpa[] = {
        "0.98 MPa",     "0.98 MPa(a)",   "0.98 MPa (a)",      "0.98 MPa(A)", "0.98 MPa a",
        "0.98 MPa abs", "0.98 MPa(abs)", "0.98 MPa absolute", "9.8 bar abs", "9.8 bara",
        "9.8 barA",     "980 kPaa",      "0.98 MPaA",
    };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof gauge_0_88_mpa / sizeof gauge_0_88_mpa[0]; i++)
            expect_value(gauge_0_88_mpa[i], DH_Q_PRESSURE, p_atm[k], 0.88e6 + p_atm[k]);
        for (size_t i = 0; i < sizeof absolute_0_98_mpa / sizeof absolute_0_98_mpa[0]; i++)
            expect_value(absolute_0_98_mpa[i], DH_Q_PRESSURE, p_atm[k], 0.98e6);
        /* 14.5 psig: 14.5 x 6894.757... Pa + p_atm */
        expect_value("14.5 psig", DH_Q_PRESSURE, p_atm[k],
                     14.5 * 0.45359237 * 9.80665 / (0.0254 * 0.0254) + p_atm[k]);
        expect_value("14.5 psia", DH_Q_PRESSURE, p_atm[k],
                     14.5 * 0.45359237 * 9.80665 / (0.0254 * 0.0254));
        /* vacuum gauge reading (condensate systems): -0.5 bar(g) = p_atm - 50 kPa */
        expect_value("-0.5 bar(g)", DH_Q_PRESSURE, p_atm[k], p_atm[k] - 5e4);
    }
    /* the absolute value does not need the atmospheric pressure */
    expect_value("0.98 MPa", DH_Q_PRESSURE, NAN, 0.98e6);
}
END_TEST

START_TEST(test_errors)
{
    /* empty, not a number */
    expect_error("", DH_Q_LENGTH, P_ATM, "empty value: expected a length, e.g. '120 mm'");
    expect_error("   ", DH_Q_PRESSURE, P_ATM, "empty value: expected a pressure, e.g. '0.98 MPa'");
    expect_error("abc", DH_Q_LENGTH, P_ATM,
                 "not a number: 'abc' (expected a length, e.g. '120 mm')");
    expect_error("nan", DH_Q_LENGTH, P_ATM,
                 "not a number: 'nan' (expected a length, e.g. '120 mm')");
    expect_error("NaN m", DH_Q_LENGTH, P_ATM,
                 "not a number: 'NaN m' (expected a length, e.g. '120 mm')");
    expect_error("inf m", DH_Q_LENGTH, P_ATM,
                 "not a number: 'inf m' (expected a length, e.g. '120 mm')");
    expect_error("-infinity degC", DH_Q_TEMPERATURE, P_ATM,
                 "not a number: '-infinity degC' (expected a temperature, e.g. '290 degC')");
    expect_error("- 5 m", DH_Q_LENGTH, P_ATM,
                 "not a number: '- 5 m' (expected a length, e.g. '120 mm')");
    expect_error("1e400 m", DH_Q_LENGTH, P_ATM, "value '1e400 m' is out of range");
    expect_error("1e306 km", DH_Q_LENGTH, P_ATM, "value '1e306 km' is out of range");
    expect_error("1,5 bar", DH_Q_PRESSURE, P_ATM, "decimal comma in '1,5 bar': write '1.5 bar'");
    expect_error("DN300", DH_Q_LENGTH, P_ATM,
                 "'DN300' is a nominal size, not a length: give it as a nominal size or write the "
                 "inner diameter (e.g. '312.7 mm')");
    /* missing unit */
    expect_error("120", DH_Q_LENGTH, P_ATM, "missing unit for a length: write e.g. '120 mm'");
    expect_error("35", DH_Q_MASS_FLOW, P_ATM, "missing unit for a mass flow: write e.g. '35 t/h'");
    expect_error("290", DH_Q_TEMPERATURE, P_ATM,
                 "missing unit for a temperature: write e.g. '290 degC'");
    expect_error("0.05", DH_Q_AREA, P_ATM, "missing unit for an area: write e.g. '0.05 m2'");
    expect_error("0.98", DH_Q_PRESSURE, P_ATM,
                 "missing unit for a pressure: write e.g. '0.98 MPa' (absolute) or '0.88 MPa(g)' "
                 "(gauge)");
    /* trailing garbage, numbers inside the unit, offsets, separators */
    expect_error("120 mm extra", DH_Q_LENGTH, P_ATM,
                 "unknown unit 'mm extra' (expected a length, e.g. '120 mm')");
    expect_error("1 000 kW", DH_Q_POWER, P_ATM,
                 "unexpected '000 kW' in '1 000 kW': write one number and one unit, e.g. '12 MW'");
    expect_error("10 m 3", DH_Q_LENGTH, P_ATM,
                 "unexpected '3' in '10 m 3': write one number and one unit, e.g. '120 mm'");
    expect_error("1.2.3 m", DH_Q_LENGTH, P_ATM,
                 "unexpected '.3 m' in '1.2.3 m': write one number and one unit, e.g. '120 mm'");
    /* numbers as factors inside the unit (udunits2 would multiply; "W/0K" also leaks in
     * udunits2 2.2.28's parser) */
    expect_error("0.027 W/0K", DH_Q_CONDUCTIVITY, P_ATM,
                 "unexpected '0K' in '0.027 W/0K': write one number and one unit, e.g. "
                 "'0.027 W/(m K)'");
    expect_error("5 m*0 kg", DH_Q_MASS, P_ATM,
                 "unexpected '0 kg' in '5 m*0 kg': write one number and one unit, e.g. '1000 kg'");
    expect_error("5 m*-0 kg", DH_Q_MASS, P_ATM,
                 "unexpected '0 kg' in '5 m*-0 kg': write one number and one unit, e.g. "
                 "'1000 kg'");
    expect_error("5 m.2K", DH_Q_LENGTH, P_ATM,
                 "unexpected '2K' in '5 m.2K': write one number and one unit, e.g. '120 mm'");
    expect_error("5 (2 m)", DH_Q_LENGTH, P_ATM,
                 "unexpected '2 m)' in '5 (2 m)': write one number and one unit, e.g. '120 mm'");
    expect_error("12 m @ 5", DH_Q_LENGTH, P_ATM,
                 "unexpected '@' in unit 'm @ 5' (write e.g. '120 mm')");
    expect_error("12 m, 5 m", DH_Q_LENGTH, P_ATM,
                 "unexpected ',' in unit 'm, 5 m' (write e.g. '120 mm')");
    /* unknown units, with and without a suggestion */
    expect_error("10 xyz", DH_Q_LENGTH, P_ATM,
                 "unknown unit 'xyz' (expected a length, e.g. '120 mm')");
    expect_error("12 KW", DH_Q_POWER, P_ATM,
                 "unknown unit 'KW': did you mean 'kW'? (expected a power, e.g. '12 MW')");
    expect_error("0.98 Mpa", DH_Q_PRESSURE, P_ATM,
                 "unknown unit 'Mpa': did you mean 'MPa'? (expected a pressure, e.g. '0.98 MPa')");
    expect_error("0.88 Mpa(g)", DH_Q_PRESSURE, P_ATM,
                 "unknown unit 'Mpa': did you mean 'MPa'? (expected a pressure, e.g. '0.98 MPa')");
    expect_error("35 kgs", DH_Q_MASS_FLOW, P_ATM,
                 "unknown unit 'kgs': did you mean 'kg/s'? (expected a mass flow, e.g. '35 t/h')");
    /* wrong dimension: the message names what the unit is */
    expect_error("35 kg/s", DH_Q_PRESSURE, P_ATM,
                 "expected a pressure (e.g. '0.98 MPa'), got 'kg/s' (a mass flow)");
    expect_error("35 t/h", DH_Q_VOLUME_FLOW, P_ATM,
                 "expected a volume flow (e.g. '120 m3/h'), got 't/h' (a mass flow)");
    expect_error("12 MJ", DH_Q_POWER, P_ATM,
                 "expected a power (e.g. '12 MW'), got 'MJ' (an energy)");
    expect_error("120 mm2", DH_Q_LENGTH, P_ATM,
                 "expected a length (e.g. '120 mm'), got 'mm2' (an area)");
    expect_error("10 mH2O", DH_Q_LENGTH, P_ATM,
                 "expected a length (e.g. '120 mm'), got 'mH2O' (a pressure)");
    expect_error("50 %", DH_Q_LENGTH, P_ATM,
                 "expected a length (e.g. '120 mm'), got '%' (a dimensionless number)");
    expect_error("5 m", DH_Q_DIMENSIONLESS, P_ATM,
                 "expected a dimensionless number (e.g. '0.85'), got 'm' (a length)");
    expect_error("12 N m2", DH_Q_LENGTH, P_ATM,
                 "expected a length (e.g. '120 mm'), got 'N m2' (in SI base units m3.kg.s-2)");
    expect_error("35 T/h", DH_Q_MASS_FLOW, P_ATM,
                 "expected a mass flow (e.g. '35 t/h'), got 'T/h' (in SI base units "
                 "kg.s-3.A-1); did you mean 't/h'?");
    expect_error("290 C", DH_Q_TEMPERATURE, P_ATM,
                 "expected a temperature (e.g. '290 degC'), got 'C' (in SI base units s.A); "
                 "'C' is the coulomb: write 'degC'");
    expect_error("4 bar", DH_Q_HEAD, P_ATM,
                 "expected a head (e.g. '40 m'), got 'bar' (a pressure); a head is a height of "
                 "fluid column: write e.g. '40 m' or '40 mH2O'");
    expect_error("0.027 W/K", DH_Q_CONDUCTIVITY, P_ATM,
                 "expected a thermal conductivity (e.g. '0.027 W/(m K)'), got 'W/K' (in SI "
                 "base units m2.kg.s-3.K-1)");
    /* normal cubic metres of gas */
    expect_error("10 Nm3/h", DH_Q_VOLUME_FLOW, P_ATM,
                 "'Nm3/h' is a gas volume at normal conditions (Nm3), not a volume flow of water "
                 "or steam: give a mass flow (e.g. '35 t/h') or an actual volume flow (e.g. "
                 "'120 m3/h')");
    expect_error("10 Nm^3/h", DH_Q_VOLUME_FLOW, P_ATM,
                 "'Nm^3/h' is a gas volume at normal conditions (Nm3), not a volume flow of water "
                 "or steam: give a mass flow (e.g. '35 t/h') or an actual volume flow (e.g. "
                 "'120 m3/h')");
    expect_error("10 Sm\xc2\xb3/h", DH_Q_MASS_FLOW, P_ATM,
                 "'Sm\xc2\xb3/h' is a gas volume at normal conditions (Nm3), not a volume flow of "
                 "water or steam: give a mass flow (e.g. '35 t/h') or an actual volume flow (e.g. "
                 "'120 m3/h')");
    /* gauge / absolute markers where they do not belong */
    expect_error("290 degC(g)", DH_Q_TEMPERATURE, P_ATM,
                 "'(g)' marks a gauge pressure, but a temperature is expected (e.g. '290 degC')");
    expect_error("12 MW abs", DH_Q_POWER, P_ATM,
                 "'abs' marks an absolute pressure, but a power is expected (e.g. '12 MW')");
    expect_error("0.5 bar(g)", DH_Q_PRESSURE_DIFF, P_ATM,
                 "a pressure difference is neither gauge nor absolute: remove '(g)' (write e.g. "
                 "'50 kPa')");
    expect_error("0.5 barg", DH_Q_PRESSURE_DIFF, P_ATM,
                 "a pressure difference is neither gauge nor absolute: remove 'g' (write e.g. "
                 "'50 kPa')");
    expect_error("0.5 bar(a)", DH_Q_PRESSURE_DIFF, P_ATM,
                 "a pressure difference is neither gauge nor absolute: remove '(a)' (write e.g. "
                 "'50 kPa')");
    expect_error("5 (g)", DH_Q_PRESSURE, P_ATM,
                 "missing pressure unit before '(g)': write e.g. '0.88 MPa(g)'");
    /* physically impossible after conversion */
    expect_error("-2 bar(g)", DH_Q_PRESSURE, P_ATM,
                 "pressure '-2 bar(g)' is below vacuum (-98675 Pa absolute)");
    expect_error("-0.2 MPa", DH_Q_PRESSURE, P_ATM,
                 "pressure '-0.2 MPa' is below vacuum (-200000 Pa absolute); a plain pressure unit "
                 "is absolute, write a gauge pressure as e.g. '0.88 MPa(g)'");
    expect_error("-300 degC", DH_Q_TEMPERATURE, P_ATM,
                 "temperature '-300 degC' is below absolute zero (-26.85 K)");
    expect_error("0.88 MPa(g)", DH_Q_PRESSURE, NAN,
                 "gauge pressure '0.88 MPa(g)' needs the atmospheric pressure, which is not set");
    expect_error("0.88 MPa(g)", DH_Q_PRESSURE, 0.0,
                 "gauge pressure '0.88 MPa(g)' needs the atmospheric pressure, which is not set");
    /* bytes that are not text */
    expect_error("12 \xff m", DH_Q_LENGTH, P_ATM, "value is not valid UTF-8 text (save the file as UTF-8)");
    expect_error("12 \xc0\xaf m", DH_Q_LENGTH, P_ATM, "value is not valid UTF-8 text (save the file as UTF-8)");
    expect_error("12\x01 m", DH_Q_LENGTH, P_ATM, "value contains a control character");
    char longtext[400];
    memset(longtext, '1', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    expect_error(longtext, DH_Q_LENGTH, P_ATM, "value too long (more than 191 bytes)");
}
END_TEST

START_TEST(test_error_position_and_arguments)
{
    dh_error err;
    dh_error_clear(&err);
    double si = 0.0;
    dh_srcpos pos = {"park.yaml", 42, 17};
    ck_assert_int_eq(dh_units_parse(units, "35 kg/s", DH_Q_PRESSURE, P_ATM, &si, &pos, &err),
                     DH_ERR_UNITS);
    char buf[1024];
    ck_assert_str_eq(dh_error_format(&err, buf, sizeof buf),
                     "park.yaml:42:17: error: expected a pressure (e.g. '0.98 MPa'), got 'kg/s' "
                     "(a mass flow)");
    /* a long value is quoted shortened in the message */
    ck_assert_int_eq(
        dh_units_parse(units,
                       "1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                       DH_Q_LENGTH, P_ATM, &si, NULL, &err),
        DH_ERR_UNITS);
    ck_assert_str_eq(
        err.message,
        "unknown unit 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' "
        "(expected a length, e.g. '120 mm')");
    /* NULL arguments and a bad quantity are programming errors, err may be NULL */
    ck_assert_int_eq(dh_units_parse(NULL, "1 m", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse(units, NULL, DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse(units, "1 m", DH_Q_LENGTH, P_ATM, NULL, NULL, NULL),
                     DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse(units, "1 m", DH_Q_COUNT, P_ATM, &si, NULL, NULL),
                     DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse(units, "1 m", DH_Q_LENGTH, P_ATM, &si, NULL, NULL), DH_OK);
    ck_assert_int_eq(dh_units_parse(units, "1 kg", DH_Q_LENGTH, P_ATM, &si, NULL, NULL),
                     DH_ERR_UNITS);
}
END_TEST

START_TEST(test_convert)
{
    dh_error err;
    dh_error_clear(&err);
    double si = 0.0;
    ck_assert_int_eq(dh_units_convert(units, 120.0, "[mm]", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_OK);
    assert_close(si, 0.12, "120 [mm]");
    ck_assert_int_eq(dh_units_convert(units, 120.0, " mm ", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_OK);
    assert_close(si, 0.12, "120 mm");
    ck_assert_int_eq(
        dh_units_convert(units, 20.0, "[degC]", DH_Q_TEMPERATURE, P_ATM, &si, NULL, &err), DH_OK);
    assert_close(si, 293.15, "20 [degC]");
    ck_assert_int_eq(
        dh_units_convert(units, 8.8, "[bar(g)]", DH_Q_PRESSURE, P_ATM, &si, NULL, &err), DH_OK);
    assert_close(si, 8.8e5 + P_ATM, "8.8 [bar(g)]");
    ck_assert_int_eq(
        dh_units_convert(units, 0.85, "[-]", DH_Q_DIMENSIONLESS, P_ATM, &si, NULL, &err), DH_OK);
    assert_close(si, 0.85, "0.85 [-]");
    ck_assert_int_eq(
        dh_units_convert(units, 85.0, "[%]", DH_Q_DIMENSIONLESS, P_ATM, &si, NULL, &err), DH_OK);
    assert_close(si, 0.85, "85 [%]");
    ck_assert_int_eq(dh_units_convert(units, 0.85, "", DH_Q_DIMENSIONLESS, P_ATM, &si, NULL, &err),
                     DH_OK);
    assert_close(si, 0.85, "0.85");

    ck_assert_int_eq(dh_units_convert(units, 1.0, "[xyz]", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_UNITS);
    ck_assert_str_eq(err.message, "unknown unit 'xyz' (expected a length, e.g. '120 mm')");
    ck_assert_int_eq(dh_units_convert(units, 1.0, "[]", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_UNITS);
    ck_assert_str_eq(err.message, "missing unit for a length: write e.g. '120 mm'");
    ck_assert_int_eq(dh_units_convert(units, NAN, "m", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_UNITS);
    ck_assert_str_eq(err.message, "value is not a finite number");
    ck_assert_int_eq(dh_units_convert(units, INFINITY, "m", DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_UNITS);
    ck_assert_int_eq(dh_units_convert(units, 1.0, "kg/s", DH_Q_PRESSURE, P_ATM, &si, NULL, &err),
                     DH_ERR_UNITS);
    ck_assert_str_eq(err.message,
                     "expected a pressure (e.g. '0.98 MPa'), got 'kg/s' (a mass flow)");
    ck_assert_int_eq(dh_units_convert(units, 1.0, NULL, DH_Q_LENGTH, P_ATM, &si, NULL, &err),
                     DH_ERR_INTERNAL);
}
END_TEST

START_TEST(test_locale_independent)
{
    /* A comma-decimal locale must not change "0.98": the module reads numbers in "C".
     * Only checked where such a locale is installed (the Debian 12 container has none). */
    static const char *const comma_locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8"};
    const char *set = NULL;
    for (size_t i = 0; i < 3 && !set; i++)
        set = setlocale(LC_NUMERIC, comma_locales[i]);
    expect_value("0.98 MPa", DH_Q_PRESSURE, P_ATM, 0.98e6);
    expect_value("1.5e3 mm", DH_Q_LENGTH, P_ATM, 1.5);
    setlocale(LC_NUMERIC, "C");
}
END_TEST

START_TEST(test_quantity_names)
{
    for (int q = 0; q < DH_Q_COUNT; q++) {
        ck_assert_ptr_nonnull(dh_quantity_name((dh_quantity)q));
        ck_assert_ptr_nonnull(dh_quantity_si_unit((dh_quantity)q));
        ck_assert_int_gt((int)strlen(dh_quantity_name((dh_quantity)q)), 0);
        ck_assert_int_gt((int)strlen(dh_quantity_si_unit((dh_quantity)q)), 0);
        /* the SI unit converts to itself with factor 1 */
        char text[64];
        snprintf(text, sizeof text, "2.5 %s",
                 q == DH_Q_DIMENSIONLESS ? "" : dh_quantity_si_unit((dh_quantity)q));
        expect_value(text, (dh_quantity)q, P_ATM, 2.5);
    }
    ck_assert_str_eq(dh_quantity_name(DH_Q_PRESSURE), "pressure");
    ck_assert_str_eq(dh_quantity_si_unit(DH_Q_MASS_FLOW), "kg/s");
    ck_assert_str_eq(dh_quantity_si_unit(DH_Q_CONDUCTIVITY), "W/(m K)");
    ck_assert_str_eq(dh_quantity_name(DH_Q_COUNT), "unknown quantity");
    ck_assert_str_eq(dh_quantity_si_unit((dh_quantity)-1), "?");
}
END_TEST

START_TEST(test_create_destroy)
{
    dh_units *u = NULL;
    dh_units_destroy(&u); /* NULL is fine */
    dh_units_destroy(NULL);
    dh_error err;
    dh_error_clear(&err);
    ck_assert_int_eq(dh_units_create(NULL, &err), DH_ERR_INTERNAL);

    /* A database that is not there: a clear error naming the package, nothing on stderr. */
    const char *old = getenv("UDUNITS2_XML_PATH");
    char *saved = old ? strdup(old) : NULL;
    setenv("UDUNITS2_XML_PATH", "/nonexistent/udunits2.xml", 1);
    u = (dh_units *)0x1; /* must be reset to NULL on failure */
    ck_assert_int_eq(dh_units_create(&u, &err), DH_ERR_IO);
    ck_assert_ptr_null(u);
    ck_assert_ptr_nonnull(strstr(err.message, "UDUNITS2_XML_PATH=/nonexistent/udunits2.xml"));
    ck_assert_ptr_nonnull(strstr(err.message, "libudunits2-data"));
    if (saved)
        setenv("UDUNITS2_XML_PATH", saved, 1);
    else
        unsetenv("UDUNITS2_XML_PATH");
    free(saved);

    /* Two objects at once (one thread) work independently. */
    ck_assert_int_eq(dh_units_create(&u, &err), DH_OK);
    double a = 0.0, b = 0.0;
    ck_assert_int_eq(dh_units_parse(u, "1 km", DH_Q_LENGTH, P_ATM, &a, NULL, &err), DH_OK);
    ck_assert_int_eq(dh_units_parse(units, "1 mm", DH_Q_LENGTH, P_ATM, &b, NULL, &err), DH_OK);
    dh_units_destroy(&u);
    ck_assert_ptr_null(u);
    assert_close(a, 1000.0, "1 km");
    assert_close(b, 1e-3, "1 mm");
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* DN table: EN 10220 series-1 outside diameters, EN 253 Table 2 minimum walls               */

typedef struct dn_expect {
    int dn;
    double outer_mm, wall_mm;
} dn_expect;

START_TEST(test_dn_lookup)
{
    /* d_i = d_o - 2 s, e.g. DN300: 323.9 - 2 x 5.6 = 312.7 mm */
    static const dn_expect sizes[] = {
        {15, 21.3, 2.0},   {20, 26.9, 2.0},    {25, 33.7, 2.3},      {32, 42.4, 2.6},
        {40, 48.3, 2.6},   {50, 60.3, 2.9},    {65, 76.1, 2.9},      {80, 88.9, 3.2},
        {100, 114.3, 3.6}, {125, 139.7, 3.6},  {150, 168.3, 4.0},    {200, 219.1, 4.5},
        {250, 273.0, 5.0}, {300, 323.9, 5.6},  {350, 355.6, 5.6},    {400, 406.4, 6.3},
        {450, 457.0, 6.3}, {500, 508.0, 6.3},  {600, 610.0, 7.1},    {700, 711.0, 8.0},
        {800, 813.0, 8.8}, {900, 914.0, 10.0}, {1000, 1016.0, 11.0}, {1200, 1219.0, 12.5},
    };
    double prev_inner = 0.0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double di = 0.0, dout = 0.0;
        ck_assert_int_eq(dh_dn_lookup(sizes[i].dn, &di, &dout), DH_OK);
        assert_close(dout, sizes[i].outer_mm * 1e-3, "outer");
        assert_close(di, (sizes[i].outer_mm - 2.0 * sizes[i].wall_mm) * 1e-3, "inner");
        ck_assert(di > prev_inner); /* larger DN, larger bore */
        prev_inner = di;
    }
    double di = 0.0, dout = 0.0;
    ck_assert_int_eq(dh_dn_lookup(300, &di, &dout), DH_OK);
    assert_close(di, 0.3127, "DN300 inner 312.7 mm");
    assert_close(dout, 0.3239, "DN300 outer 323.9 mm");
    ck_assert_int_eq(dh_dn_lookup(100, &di, NULL), DH_OK);
    assert_close(di, 0.1071, "DN100 inner 114.3 - 7.2 = 107.1 mm");
    ck_assert_int_eq(dh_dn_lookup(1200, NULL, &dout), DH_OK);
    assert_close(dout, 1.219, "DN1200 outer");
    /* sizes not in the table */
    static const int unknown[] = {0, -300, 10, 310, 1100, 1400, 99999};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ck_assert_int_eq(dh_dn_lookup(unknown[i], &di, &dout), DH_ERR_UNITS);
}
END_TEST

START_TEST(test_dn_parse)
{
    static const char *const good[] = {"DN300",  "DN 300",    "dn300",   "Dn300",
                                       "dN 300", "  DN300  ", "DN\t300", "DN0300"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int dn = 0;
        ck_assert_msg(dh_units_parse_dn(good[i], &dn) == DH_OK, "'%s'", good[i]);
        ck_assert_int_eq(dn, 300);
    }
    static const char *const bad[] = {"",          "DN",     "DN ",      "300",    "DN300mm",
                                      "DN 300 mm", "DN3OO",  "DN-300",   "DN+300", "DN 0",
                                      "DN 3 00",   "D N300", "DN123456", "NPS 12", "DN300.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int dn = -7;
        ck_assert_msg(dh_units_parse_dn(bad[i], &dn) == DH_ERR_UNITS, "'%s'", bad[i]);
        ck_assert_int_eq(dn, -7);
    }
    int dn = 0;
    ck_assert_int_eq(dh_units_parse_dn(NULL, &dn), DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse_dn("DN300", NULL), DH_ERR_INTERNAL);
    ck_assert_int_eq(dh_units_parse_dn("DN 1200", &dn), DH_OK);
    ck_assert_int_eq(dn, 1200);

    /* dh_dn_parse: syntax + table + messages */
    dh_error err;
    dh_error_clear(&err);
    double di = 0.0, dout = 0.0;
    dh_srcpos pos = {"park.yaml", 7, 11};
    ck_assert_int_eq(dh_dn_parse("DN 300", &di, &dout, &pos, &err), DH_OK);
    assert_close(di, 0.3127, "DN 300 inner");
    assert_close(dout, 0.3239, "DN 300 outer");
    ck_assert_int_eq(dh_dn_parse("DN3OO", &di, &dout, &pos, &err), DH_ERR_UNITS);
    char buf[1024];
    ck_assert_str_eq(dh_error_format(&err, buf, sizeof buf),
                     "park.yaml:7:11: error: not a nominal size: 'DN3OO' (write e.g. 'DN300')");
    ck_assert_int_eq(dh_dn_parse("DN310", &di, &dout, NULL, &err), DH_ERR_UNITS);
    ck_assert_str_eq(err.message,
                     "unknown nominal size DN310: sizes in the table are DN15, DN20, DN25, DN32, "
                     "DN40, DN50, DN65, DN80, DN100, DN125, DN150, DN200, DN250, DN300, DN350, "
                     "DN400, DN450, DN500, DN600, DN700, DN800, DN900, DN1000, DN1200; give the "
                     "inner diameter instead (e.g. '312.7 mm')");
    ck_assert_int_eq(dh_dn_parse(NULL, &di, &dout, NULL, &err), DH_ERR_INTERNAL);
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_accepted_spellings);
    tcase_add_test(tc, test_gauge_and_absolute);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_error_position_and_arguments);
    tcase_add_test(tc, test_convert);
    tcase_add_test(tc, test_locale_independent);
    tcase_add_test(tc, test_quantity_names);
    tcase_add_test(tc, test_create_destroy);
    suite_add_tcase(s, tc);
    TCase *dn = tcase_create("dn");
    tcase_add_test(dn, test_dn_lookup);
    tcase_add_test(dn, test_dn_parse);
    suite_add_tcase(s, dn);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(units_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
