/* plant_boiler.c: piecewise-linear curves and the CFB boiler of the CHP plant.
 *
 * Exports dh_plant_curve_eval, dh_boiler_defaults, dh_boiler_validate, dh_boiler_eval
 * (dh_plant.h). Called by plant_dispatch.c and by the case reader (defaults, validation).
 *
 * Boiler energy balance (direct method, LHV basis; cf. ASME PTC 4-2013 / GB/T 10184-2015 for the
 * efficiency definition):
 *     Q_abs  = m_s (h_s - h_fw) + m_bd (h_bd - h_fw),   m_bd = b m_s, h_bd = h'(p_s)
 *     Q_fuel = Q_abs / eta(load),   m_fuel = Q_fuel / LHV,   loss = Q_fuel - Q_abs
 * The blowdown water is taken as saturated liquid at the superheater outlet pressure (the drum
 * runs some 5-10 % higher; h' differs by < 2 %, on 1 % of the flow).
 */
#include "dh_plant.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dh_props.h"

double dh_plant_curve_eval(const dh_plant_curve *c, double x)
{
    if (c->n <= 0) return NAN;
    if (c->n == 1 || x <= c->x[0]) return c->y[0];
    if (x >= c->x[c->n - 1]) return c->y[c->n - 1];
    int i = 1;
    while (i < c->n - 1 && x > c->x[i]) i++;
    double t = (x - c->x[i - 1]) / (c->x[i] - c->x[i - 1]);
    return c->y[i - 1] + t * (c->y[i] - c->y[i - 1]);
}

/* Defaults: a 130 t/h high-pressure CFB boiler burning bituminous coal (sources in
 * docs/plant.md, "Boiler"). */
void dh_boiler_defaults(dh_boiler_params *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->id, sizeof b->id, "B1");
    b->in_service = true;
    b->merit = 0;
    b->rated_flow = 130.0 / 3.6;            /* 130 t/h (park brief) */
    b->min_load = 0.35;                     /* CFB minimum stable load without oil support */
    b->steam_pressure = 9.81e6;             /* 9.81 MPa: Chinese high-pressure class (100 ata) */
    b->steam_temperature = 540.0 + 273.15;  /* 540 degC */
    b->feedwater_temperature = 215.0 + 273.15;
    b->feedwater_pressure = 12.0e6;         /* feed pump discharge for a 9.81 MPa drum boiler */
    b->blowdown = 0.01;                     /* DL 5000: <= 1 % condensing, <= 2 % CHP */
    b->fuel_lhv = 20.9e6;                   /* 5000 kcal/kg bituminous coal */
    /* efficiency vs load: typical 130 t/h CFB, 90 % guaranteed near rated load */
    static const double lx[] = {0.35, 0.50, 0.70, 0.85, 1.00};
    static const double ly[] = {0.855, 0.875, 0.892, 0.900, 0.898};
    b->efficiency.n = 5;
    for (int i = 0; i < 5; i++) {
        b->efficiency.x[i] = lx[i];
        b->efficiency.y[i] = ly[i];
    }
}

static dh_status bad(dh_error *err, const char *kind, const char *id, const char *fmt, double v)
{
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "%s %s", kind, id);
    char msg[160];
    snprintf(msg, sizeof msg, fmt, v);
    return dh_error_set(err, DH_ERR_INPUT, NULL, comp, "%s", msg);
}

dh_status dh_boiler_validate(const dh_boiler_params *b, dh_error *err)
{
    const char *k = "boiler";
    if (!(b->rated_flow > 0)) return bad(err, k, b->id, "rated flow must be > 0 (got %g kg/s)", b->rated_flow);
    if (!(b->min_load >= 0 && b->min_load <= 1))
        return bad(err, k, b->id, "minimum stable load must lie in [0, 1] of rated (got %g)", b->min_load);
    if (!(b->steam_pressure > 0 && b->steam_pressure < 100e6))
        return bad(err, k, b->id, "steam pressure out of range (got %g Pa)", b->steam_pressure);
    if (!(b->steam_temperature > dh_if97_tsat(fmin(b->steam_pressure, 22.0e6))))
        return bad(err, k, b->id, "steam temperature %g K is not superheated", b->steam_temperature);
    if (!(b->feedwater_temperature > 273.15 && b->feedwater_temperature < b->steam_temperature))
        return bad(err, k, b->id, "feedwater temperature out of range (got %g K)", b->feedwater_temperature);
    if (!(b->feedwater_pressure > 0)) return bad(err, k, b->id, "feedwater pressure must be > 0 (got %g Pa)", b->feedwater_pressure);
    if (!(b->blowdown >= 0 && b->blowdown < 0.2)) return bad(err, k, b->id, "blowdown fraction must lie in [0, 0.2) (got %g)", b->blowdown);
    if (!(b->fuel_lhv > 0)) return bad(err, k, b->id, "fuel heating value must be > 0 (got %g J/kg)", b->fuel_lhv);
    if (b->efficiency.n < 1 || b->efficiency.n > DH_PLANT_CURVE_MAX)
        return bad(err, k, b->id, "efficiency curve needs 1..16 points (got %g)", (double)b->efficiency.n);
    for (int i = 0; i < b->efficiency.n; i++) {
        if (!(b->efficiency.y[i] > 0 && b->efficiency.y[i] <= 1))
            return bad(err, k, b->id, "efficiency %g outside (0, 1]", b->efficiency.y[i]);
        if (i > 0 && !(b->efficiency.x[i] > b->efficiency.x[i - 1]))
            return bad(err, k, b->id, "efficiency curve loads must increase (at %g)", b->efficiency.x[i]);
    }
    return DH_OK;
}

dh_status dh_boiler_eval(const dh_boiler_params *b, double steam_flow, dh_boiler_state *out,
                         dh_error *err)
{
    memset(out, 0, sizeof *out);
    dh_props s, fw, bd;
    dh_status st;
    if ((st = dh_props_pT(b->steam_pressure, b->steam_temperature, &s, err)) != DH_OK) return st;
    if ((st = dh_props_pT(b->feedwater_pressure, b->feedwater_temperature, &fw, err)) != DH_OK)
        return st;
    if ((st = dh_props_px(b->steam_pressure, 0.0, &bd, err)) != DH_OK) return st;
    out->h_steam = s.h;
    out->h_feedwater = fw.h;
    out->h_blowdown = bd.h;
    if (!(steam_flow > 0)) return DH_OK;
    out->steam_flow = steam_flow;
    out->load = steam_flow / b->rated_flow;
    out->blowdown_flow = b->blowdown * steam_flow;
    out->feedwater_flow = steam_flow + out->blowdown_flow;
    out->heat_absorbed = steam_flow * (s.h - fw.h) + out->blowdown_flow * (bd.h - fw.h);
    out->efficiency = dh_plant_curve_eval(&b->efficiency, out->load);
    out->heat_input = out->heat_absorbed / out->efficiency;
    out->fuel_flow = out->heat_input / b->fuel_lhv;
    out->loss = out->heat_input - out->heat_absorbed;
    return DH_OK;
}
