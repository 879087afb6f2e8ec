/* plant_prds.c: the pressure-reducing and desuperheating station (PRDS) of the CHP plant.
 *
 * Exports dh_prds_defaults, dh_prds_validate, dh_prds_eval (dh_plant.h); called by
 * plant_dispatch.c and by the case reader.
 *
 * Main steam (p_in, h_in) is throttled to the header pressure p_out at constant enthalpy, then
 * water (h_w) is sprayed in until the mixture reaches the set point h_set = h(p_out, T_set):
 *     mass:    m_out = m_in + m_w
 *     energy:  m_in h_in + m_w h_w = m_out h_set
 *  => m_w = m_in (h_in - h_set) / (h_set - h_w),  m_in = m_out (h_set - h_w) / (h_in - h_w).
 * When the throttled steam is not hotter than the set point no water is sprayed (h_out = h_in).
 */
#include "dh_plant.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dh_props.h"

/* Defaults: sized as the reserve for the largest extraction (docs/plant.md, "PRDS"). */
void dh_prds_defaults(dh_prds_params *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "PRDS1");
    p->in_service = true;
    p->capacity = 130.0 / 3.6;               /* 130 t/h outlet = one turbine's max extraction */
    p->spray_temperature = 215.0 + 273.15;   /* feedwater after the HP heaters */
    p->spray_pressure = 12.0e6;              /* feed pump discharge */
}

dh_status dh_prds_validate(const dh_prds_params *p, dh_error *err)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "prds %s", p->id);
    if (!(p->capacity >= 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "capacity must be >= 0 (got %g kg/s)",
                            p->capacity);
    if (!(p->spray_temperature > 273.15 && p->spray_pressure > 0 &&
          p->spray_temperature < dh_if97_tsat(fmin(p->spray_pressure, 22.0e6))))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "spray water must be liquid (got %g K at %g Pa)", p->spray_temperature,
                            p->spray_pressure);
    return DH_OK;
}

dh_status dh_prds_eval(const dh_prds_params *p, double p_in, double h_in, double p_out,
                       double T_set, double outlet_flow, dh_prds_state *out, dh_error *err)
{
    memset(out, 0, sizeof *out);
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "prds %s", p->id);
    if (!(p_out > 0 && p_out < p_in))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "header pressure %g Pa must lie below the main steam pressure %g Pa",
                            p_out, p_in);
    double tsat = dh_if97_tsat(p_out);
    if (!(T_set > tsat))
        return dh_error_set(err, DH_ERR_INPUT, NULL, comp,
                            "header temperature set point %.2f K is not above saturation "
                            "(%.2f K at %g Pa)", T_set, tsat, p_out);
    dh_props thr, set, w;
    dh_status st;
    if ((st = dh_props_ph(p_out, h_in, &thr, err)) != DH_OK) return st;
    if ((st = dh_props_pT(p_out, T_set, &set, err)) != DH_OK) return st;
    if ((st = dh_props_pT(p->spray_pressure, p->spray_temperature, &w, err)) != DH_OK) return st;
    out->p_in = p_in;
    out->h_in = h_in;
    out->p_out = p_out;
    out->T_throttled = thr.T;
    out->h_spray = w.h;
    if (h_in > set.h) {
        out->h_out = set.h;
        out->T_out = T_set;
    } else {
        out->h_out = h_in;
        out->T_out = thr.T;
    }
    if (!(outlet_flow > 0)) return DH_OK;
    out->outlet_flow = outlet_flow;
    /* m_in = m_out (h_out - h_w) / (h_in - h_w): exact for both branches above */
    out->inlet_flow = outlet_flow * (out->h_out - w.h) / (h_in - w.h);
    out->spray_flow = outlet_flow - out->inlet_flow;
    return DH_OK;
}
