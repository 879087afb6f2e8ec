/* dh_units.h: values as engineers write them ("0.98 MPa", "0.88 MPa(g)", "290 degC", "35 t/h",
 * "DN300", "12 MW", "120 mm") converted to SI with udunits2 (public).
 *
 * Pressure: a plain pressure unit is ABSOLUTE; gauge is explicit: "(g)" or a trailing "g" on the
 * unit ("MPa(g)", "barg", "kPag"), converted with the case's atmospheric pressure. "(a)"/"abs"
 * may mark absolute explicitly ("0.98 MPa(a)", "9.8 bar abs").
 * Temperature: degC, K, degF; a temperature DIFFERENCE quantity converts without offset.
 * A bare number (no unit) is accepted only for dimensionless quantities.
 */
#ifndef DH_UNITS_H
#define DH_UNITS_H

#include "dh_status.h"

typedef enum dh_quantity {
    DH_Q_DIMENSIONLESS = 0,
    DH_Q_LENGTH,            /* m */
    DH_Q_AREA,              /* m2 */
    DH_Q_PRESSURE,          /* Pa (absolute after gauge conversion) */
    DH_Q_PRESSURE_DIFF,     /* Pa (a difference: no gauge offset) */
    DH_Q_TEMPERATURE,       /* K */
    DH_Q_TEMPERATURE_DIFF,  /* K */
    DH_Q_MASS_FLOW,         /* kg/s */
    DH_Q_VOLUME_FLOW,       /* m3/s */
    DH_Q_POWER,             /* W */
    DH_Q_ENERGY,            /* J */
    DH_Q_VELOCITY,          /* m/s */
    DH_Q_TIME,              /* s */
    DH_Q_MASS,              /* kg */
    DH_Q_DENSITY,           /* kg/m3 */
    DH_Q_SPECIFIC_ENERGY,   /* J/kg (enthalpy, heating value) */
    DH_Q_SPECIFIC_HEAT,     /* J/(kg K) */
    DH_Q_CONDUCTIVITY,      /* W/(m K) */
    DH_Q_HEAT_TRANSFER,     /* W/(m2 K) */
    DH_Q_LINEAR_HEAT_LOSS,  /* W/m */
    DH_Q_HEAD,              /* m of fluid column (pump head) */
    DH_Q_COUNT
} dh_quantity;

typedef struct dh_units dh_units;

/* Loads the udunits2 unit database (quietly; UDUNITS2_XML_PATH respected).
 * Side effect, process-wide: installs ut_ignore as udunits2's error-message handler (udunits2
 * has one handler per process), so the library never writes to stderr.
 * Threads: udunits2 keeps its status in a process global: use dh_units objects (all of them)
 * from one thread at a time. dh_units_parse allocates only udunits2's own temporary unit and
 * converter objects, freed before it returns (1-4 us per value, see docs/units.md). */
dh_status dh_units_create(dh_units **out, dh_error *err);
void dh_units_destroy(dh_units **u);

/* Parses `text` as a value of quantity q and returns it in SI. `atmospheric_pressure` (Pa) is
 * used for gauge pressures. Errors (DH_ERR_UNITS): empty text, not a number, unknown unit, unit
 * of the wrong dimension ("expected a pressure, got 'kg/s'"), missing unit, gauge marker on a
 * non-pressure. `pos` (may be NULL) goes into the error record. */
dh_status dh_units_parse(const dh_units *u, const char *text, dh_quantity q,
                         double atmospheric_pressure, double *si, const dh_srcpos *pos,
                         dh_error *err);

/* Converts `value` expressed in unit text `unit` (e.g. a CSV column's "[mm]") to SI. */
dh_status dh_units_convert(const dh_units *u, double value, const char *unit, dh_quantity q,
                           double atmospheric_pressure, double *si, const dh_srcpos *pos,
                           dh_error *err);

/* Name of the SI unit of q ("Pa", "kg/s"...) and of the quantity ("pressure"...). */
const char *dh_quantity_si_unit(dh_quantity q);
const char *dh_quantity_name(dh_quantity q);

/* Nominal sizes: "DN300" -> inner and outer diameter (m) of standard-wall steel pipe.
 * Returns DH_ERR_UNITS for an unknown DN. */
dh_status dh_dn_lookup(int dn, double *inner_diameter, double *outer_diameter);

/* Reads a nominal size written "DN300", "DN 300" or "dn300" (surrounding blanks allowed) into
 * *dn (300). Only the syntax is checked, not the table. Returns DH_OK or DH_ERR_UNITS. */
dh_status dh_units_parse_dn(const char *text, int *dn);

/* dh_units_parse_dn + dh_dn_lookup with messages for the case reader: "not a nominal size:
 * 'DN3OO' (write e.g. 'DN300')", "unknown nominal size DN310: sizes in the table are DN15, ...".
 * Diameters in m. Returns DH_OK or DH_ERR_UNITS. */
dh_status dh_dn_parse(const char *text, double *inner_diameter, double *outer_diameter,
                      const dh_srcpos *pos, dh_error *err);

#endif
