/* pipe_heat_loss.c: steady heat loss of insulated pipes, above ground and buried (single and
 * supply/return pairs), and the temperature along a segment of liquid pipe.
 *
 * Exports (dh_laws.h): dh_layer_resistance, dh_surface_coefficient_iso12241,
 * dh_soil_resistance, dh_soil_mutual_resistance, dh_pair_coupling, dh_heat_options_init,
 * dh_pipe_heat_init, dh_pipe_heat_loss, dh_segment_outlet_temperature.
 * dh_pipe_heat_init is called once per pipe when the solver is set up; the other per-iteration
 * functions are pure arithmetic (no I/O, no allocation).
 * Formulation and sources: docs/model-pipes.md.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "dh_laws.h"
#include "dh_props.h"

#define DH_PI 3.14159265358979323846
#define DH_SIGMA 5.670374419e-8 /* W/(m2 K4), Stefan-Boltzmann (CODATA 2018, exact from h, k, c) */

/* ---- building blocks ----------------------------------------------------------------------- */

double dh_layer_resistance(double d_in, double d_out, double conductivity)
{
    /* Fourier, cylindrical shell: R' = ln(d_out/d_in)/(2 pi lambda), m K/W */
    return log(d_out / d_in) / (2.0 * DH_PI * conductivity);
}

double dh_surface_coefficient_iso12241(double d, double wind_speed, double emissivity,
                                       double t_surface, double t_air)
{
    /* convection, ISO 12241:2008 4.1.4.3 (horizontal cylinders) */
    double h_cv;
    if (wind_speed > 0.0) {
        if (wind_speed * d <= 8.55e-3)
            h_cv = 8.1e-3 / d + 3.14 * sqrt(wind_speed / d);
        else
            h_cv = 8.9 * pow(wind_speed, 0.9) / pow(d, 0.1);
    } else {
        const double dt = fabs(t_surface - t_air);
        if (d * d * d * dt <= 10.0)
            h_cv = 1.25 * pow(dt / d, 0.25); /* laminar */
        else
            h_cv = 1.21 * cbrt(dt); /* turbulent */
    }
    /* radiation, ISO 12241:2008 4.1.4.2: h_r = a_r C_r, C_r = eps sigma,
     * a_r = (Ts^4 - Ta^4)/(Ts - Ta) = (Ts^2 + Ta^2)(Ts + Ta) (no division, exact at Ts == Ta) */
    const double a_r =
        (t_surface * t_surface + t_air * t_air) * (t_surface + t_air);
    return h_cv + emissivity * DH_SIGMA * a_r;
}

/* Corrected depth H' = H + lambda_s/h_surface (EN 13941; the surface film replaced by an
 * equivalent soil layer). */
static double corrected_depth(double depth, double soil_conductivity, double h_surface)
{
    if (h_surface > 0.0 && isfinite(h_surface))
        return depth + soil_conductivity / h_surface;
    return depth;
}

double dh_soil_resistance(double depth, double d, double soil_conductivity, double h_surface)
{
    /* R_s = arccosh(2H'/d)/(2 pi lambda_s): cylinder of radius r = d/2 at depth H' under an
     * isothermal plane (line source + image; exact for an isothermal cylinder) */
    const double h = corrected_depth(depth, soil_conductivity, h_surface);
    const double a = 2.0 * h / d;
    if (!(a > 1.0))
        return NAN;
    return acosh(a) / (2.0 * DH_PI * soil_conductivity);
}

double dh_soil_mutual_resistance(double depth, double spacing, double soil_conductivity,
                                 double h_surface)
{
    /* R_h = ln(sqrt(E^2 + 4H'^2)/E)/(2 pi lambda_s): temperature raised at one pipe's axis by
     * the other's line source and its image (distances E and sqrt(E^2 + (2H')^2)) */
    const double h = corrected_depth(depth, soil_conductivity, h_surface);
    const double a = 2.0 * h / spacing;
    return log1p(a * a) / (4.0 * DH_PI * soil_conductivity);
}

dh_status dh_pair_coupling(double r11, double r22, double r12, double *u11, double *u22,
                           double *u12)
{
    const double det = r11 * r22 - r12 * r12;
    if (!(det > 0.0) || !(r11 > 0.0) || !(r22 > 0.0))
        return DH_ERR_INPUT;
    *u11 = r22 / det;
    *u22 = r11 / det;
    *u12 = r12 / det;
    return DH_OK;
}

/* ---- per pipe -------------------------------------------------------------------------------- */

void dh_heat_options_init(dh_heat_options *opt)
{
    opt->emissivity = 0.26;
    opt->ground_coefficient = 1.0 / 0.0685;
    opt->t_fluid_ref = 363.15;
}

/* Names the pipe in err and returns DH_ERR_INPUT. */
static dh_status pipe_error(const dh_network *net, size_t pipe, dh_error *err, const char *what,
                            double value)
{
    const size_t link = net->pipes.link[pipe];
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "pipe %s", net->links.id[link]);
    return dh_error_set(err, DH_ERR_INPUT, net->links.pos ? &net->links.pos[link] : NULL, comp,
                        "%s (%g)", what, value);
}

/* Names the pipe in err, with a message about another pipe (row j, named by its id). */
static dh_status pipe_error_other(const dh_network *net, size_t pipe, dh_error *err,
                                  const char *what, size_t j)
{
    const size_t link = net->pipes.link[pipe];
    char comp[DH_ERROR_COMP_MAX];
    snprintf(comp, sizeof comp, "pipe %s", net->links.id[link]);
    const char *other = j < net->pipes.n ? net->links.id[net->pipes.link[j]] : "?";
    return dh_error_set(err, DH_ERR_INPUT, net->links.pos ? &net->links.pos[link] : NULL, comp,
                        "%s '%s'", what, other);
}

/* Wall + insulation layers (m K/W) and the outermost diameter (m) of pipe i. */
static dh_status pipe_conduction(const dh_network *net, size_t i, double *r_ins, double *d_out,
                                 dh_error *err)
{
    const dh_pipes *p = &net->pipes;
    const double di = p->diameter[i], ds = p->outer_diameter[i];
    if (!(di > 0.0 && isfinite(di)))
        return pipe_error(net, i, err, "inner diameter must be positive, m", di);
    if (!(ds > di && isfinite(ds)))
        return pipe_error(net, i, err, "outer diameter must exceed the inner diameter, m", ds);
    if (!(p->wall_conductivity[i] > 0.0))
        return pipe_error(net, i, err, "wall conductivity must be positive, W/(m K)",
                          p->wall_conductivity[i]);
    double r = dh_layer_resistance(di, ds, p->wall_conductivity[i]);
    double d = ds;
    for (size_t k = p->ins_start[i]; k < p->ins_start[i + 1]; k++) {
        const dh_insulation_layer *L = &p->ins[k];
        if (!(L->thickness > 0.0 && isfinite(L->thickness)))
            return pipe_error(net, i, err, "insulation layer thickness must be positive, m",
                              L->thickness);
        if (!(L->conductivity > 0.0 && isfinite(L->conductivity)))
            return pipe_error(net, i, err,
                              "insulation layer conductivity must be positive, W/(m K)",
                              L->conductivity);
        const double dn = d + 2.0 * L->thickness;
        r += dh_layer_resistance(d, dn, L->conductivity);
        d = dn;
    }
    *r_ins = r;
    *d_out = d;
    return DH_OK;
}

/* Soil resistance of buried pipe i (checks depth and conductivity). */
static dh_status pipe_soil(const dh_network *net, size_t i, double d_out, double h_ground,
                           double *r_soil, dh_error *err)
{
    const dh_pipes *p = &net->pipes;
    if (!(p->soil_conductivity[i] > 0.0 && isfinite(p->soil_conductivity[i])))
        return pipe_error(net, i, err, "buried pipe: soil conductivity must be positive, W/(m K)",
                          p->soil_conductivity[i]);
    if (!(p->depth[i] > 0.5 * d_out && isfinite(p->depth[i])))
        return pipe_error(net, i, err,
                          "buried pipe: depth to the axis must exceed the outer radius, m",
                          p->depth[i]);
    *r_soil = dh_soil_resistance(p->depth[i], d_out, p->soil_conductivity[i], h_ground);
    return DH_OK;
}

/* One pipe with its partner row `j` (DH_NONE: single). */
static dh_status heat_init(const dh_network *net, size_t pipe, size_t j,
                           const dh_heat_options *opt, dh_pipe_heat *out, dh_error *err)
{
    const dh_pipes *p = &net->pipes;
    double r_ins, d_out;
    dh_status st = pipe_conduction(net, pipe, &r_ins, &d_out, err);
    if (st != DH_OK)
        return st;

    out->laying = p->laying[pipe];
    out->pair = DH_NONE;
    out->r_ins = r_ins;
    out->r_mutual = 0.0;
    out->h_surface = 0.0;
    out->d_outside = d_out;
    out->u_pair = 0.0;

    if (p->laying[pipe] == DH_LAYING_ABOVE_GROUND) {
        const double ta = net->ambient.air_temperature;
        double h = p->surface_coefficient[pipe];
        if (!(h >= 0.0 && isfinite(h)))
            return pipe_error(net, pipe, err, "surface coefficient must not be negative",
                              h);
        if (h == 0.0) {
            /* ISO 12241 coefficient at the surface temperature of the steady state at the
             * reference fluid temperature: Ts = Ta + (Tf - Ta) R_se/(R_ins + R_se), fixed point
             * (R_se << R_ins for insulated pipes: converges in a few steps) */
            const double tf = opt->t_fluid_ref > 0.0 ? opt->t_fluid_ref : 363.15;
            double ts = 0.5 * (tf + ta);
            for (int it = 0; it < 100; it++) {
                h = dh_surface_coefficient_iso12241(d_out, net->ambient.wind_speed,
                                                    opt->emissivity, ts, ta);
                if (!(h > 0.0))
                    break;
                const double r_se = 1.0 / (h * DH_PI * d_out);
                const double ts_new = ta + (tf - ta) * r_se / (r_ins + r_se);
                const double step = ts_new - ts;
                ts += 0.7 * step; /* damped: bare pipes (R_se ~ R_ins) would oscillate */
                if (fabs(step) < 1e-9)
                    break;
            }
            if (!(h > 0.0))
                return pipe_error(net, pipe, err,
                                  "no outer surface coefficient: no wind, zero emissivity, "
                                  "fluid at air temperature; give surface_coefficient, W/(m2 K)",
                                  h);
        }
        out->h_surface = h;
        out->r_ext = 1.0 / (h * DH_PI * d_out);
        out->t_ambient = ta;
        out->u_self = 1.0 / (out->r_ins + out->r_ext);
        return DH_OK;
    }

    /* buried */
    out->t_ambient = net->ambient.soil_temperature;
    double r_soil;
    st = pipe_soil(net, pipe, d_out, opt->ground_coefficient, &r_soil, err);
    if (st != DH_OK)
        return st;
    out->r_ext = r_soil;
    if (j == DH_NONE) {
        out->u_self = 1.0 / (r_ins + r_soil);
        return DH_OK;
    }
    if (j >= p->n)
        return pipe_error(net, pipe, err, "paired pipe row out of range", (double)j);
    if (p->laying[j] != DH_LAYING_BURIED)
        return pipe_error_other(net, pipe, err, "paired with a pipe that is not buried:", j);
    double r_ins_j, d_out_j, r_soil_j;
    st = pipe_conduction(net, j, &r_ins_j, &d_out_j, err);
    if (st == DH_OK)
        st = pipe_soil(net, j, d_out_j, opt->ground_coefficient, &r_soil_j, err);
    if (st != DH_OK)
        return st;
    const double e = p->pair_spacing[pipe] > 0.0 ? p->pair_spacing[pipe] : p->pair_spacing[j];
    if (!(e > 0.5 * (d_out + d_out_j) && isfinite(e)))
        return pipe_error(net, pipe, err,
                          "pair spacing (centre to centre) must exceed the outer diameter, m",
                          e);
    /* the pair's coupling: mean depth and soil conductivity of the two (equal in a trench) */
    const double hm = 0.5 * (p->depth[pipe] + p->depth[j]);
    const double lm = 0.5 * (p->soil_conductivity[pipe] + p->soil_conductivity[j]);
    out->r_mutual = dh_soil_mutual_resistance(hm, e, lm, opt->ground_coefficient);
    double u11, u22, u12;
    if (dh_pair_coupling(r_ins + r_soil, r_ins_j + r_soil_j, out->r_mutual, &u11, &u22, &u12) !=
        DH_OK)
        return pipe_error(net, pipe, err, "singular pair coupling: mutual resistance, m K/W",
                          out->r_mutual);
    out->pair = j;
    out->u_self = u11;
    out->u_pair = u12;
    return DH_OK;
}

dh_status dh_pipe_heat_init(const dh_network *net, size_t pipe, const dh_heat_options *opt,
                            dh_pipe_heat *out, dh_error *err)
{
    dh_heat_options def;
    if (!opt) {
        dh_heat_options_init(&def);
        opt = &def;
    }
    const dh_pipes *p = &net->pipes;
    if (pipe >= p->n)
        return dh_error_set(err, DH_ERR_USAGE, NULL, NULL, "pipe row %zu out of range (%zu)",
                            pipe, p->n);
    const size_t j = p->laying[pipe] == DH_LAYING_BURIED ? p->pair[pipe] : DH_NONE;
    if (j != DH_NONE && j < p->n && p->pair[j] != DH_NONE && p->pair[j] != pipe)
        return pipe_error_other(net, pipe, err, "its paired pipe is paired with another pipe:",
                                p->pair[j]);
    return heat_init(net, pipe, j, opt, out, err);
}

dh_status dh_pipe_heat_init_all(const dh_network *net, const dh_heat_options *opt,
                                dh_pipe_heat *out, dh_error *err)
{
    dh_heat_options def;
    if (!opt) {
        dh_heat_options_init(&def);
        opt = &def;
    }
    const dh_pipes *p = &net->pipes;
    const size_t n = p->n;
    /* partner table in out[].pair: declared pairs, then their mirror images */
    for (size_t i = 0; i < n; i++)
        out[i].pair = p->laying[i] == DH_LAYING_BURIED ? p->pair[i] : DH_NONE;
    for (size_t i = 0; i < n; i++) {
        const size_t j = p->laying[i] == DH_LAYING_BURIED ? p->pair[i] : DH_NONE;
        if (j == DH_NONE)
            continue;
        if (j >= n)
            return pipe_error(net, i, err, "paired pipe row out of range", (double)j);
        if (out[j].pair == DH_NONE)
            out[j].pair = i;
        else if (out[j].pair != i)
            return pipe_error_other(net, j, err, "paired with two pipes, one of them", out[j].pair);
    }
    for (size_t i = 0; i < n; i++) {
        dh_status st = heat_init(net, i, out[i].pair, opt, &out[i], err);
        if (st != DH_OK)
            return st;
    }
    return DH_OK;
}

double dh_pipe_heat_loss(const dh_pipe_heat *h, double t, double t_pair, double *dq_dt,
                         double *dq_dtpair)
{
    /* q' = u_self (T - Ta) - u_pair (T_pair - Ta), W/m (u_pair = 0 for single pipes) */
    if (dq_dt)
        *dq_dt = h->u_self;
    if (dq_dtpair)
        *dq_dtpair = -h->u_pair;
    const double q = h->u_self * (t - h->t_ambient);
    return h->u_pair != 0.0 ? q - h->u_pair * (t_pair - h->t_ambient) : q;
}

double dh_segment_outlet_temperature(double m, double cp, double u, double length, double t_in,
                                     double t_amb, double *dt_dm, double *dt_dtin,
                                     double *dt_dtamb)
{
    double t, d_m = 0.0, d_in, d_amb;
    const double ul = u * length; /* W/K */
    const double am = fabs(m);
    if (ul == 0.0) {
        /* no loss: T_out = T_in */
        t = t_in;
        d_in = 1.0;
        d_amb = 0.0;
    } else {
        const double a = am > 0.0 ? ul / (am * cp) : INFINITY; /* NTU = u L/(|m| cp) */
        if (a > 700.0) {
            /* exp(-a) < 1e-304: the outlet is at ambient, and every derivative of
             * exp(-c/|m|) w.r.t. m vanishes (flat at m = 0) */
            t = t_amb;
            d_in = 0.0;
            d_amb = 1.0;
        } else {
            const double e = exp(-a);
            t = t_amb + (t_in - t_amb) * e;
            d_in = e;
            d_amb = 1.0 - e;
            /* d/d|m| of exp(-a) = exp(-a) a/|m|; sign(m) for the signed flow */
            d_m = (t_in - t_amb) * e * a / am;
            if (m < 0.0)
                d_m = -d_m;
        }
    }
    if (dt_dm)
        *dt_dm = d_m;
    if (dt_dtin)
        *dt_dtin = d_in;
    if (dt_dtamb)
        *dt_dtamb = d_amb;
    return t;
}

/* ---- drained condensate at the ambient (dh_laws.h) ----------------------------------------- */

#define AMB_P0 1.0e6 /* Pa, linearisation pressure */
#define AMB_MEMO_N 4
typedef struct amb_memo {
    double T, h0, cp0, hp0;
} amb_memo;
static _Thread_local amb_memo amb_cache[AMB_MEMO_N];
static _Thread_local int amb_n, amb_next;

dh_status dh_condensate_h_ambient(double p, double T, double *h, double *cp, double *hp)
{
    const amb_memo *m = NULL;
    for (int i = 0; i < amb_n; i++)
        if (amb_cache[i].T == T) m = &amb_cache[i];
    if (!m) {
        amb_memo e = {T, 0, 0, 0};
        if (dh_props_h_pT(AMB_P0, T, &e.h0, &e.cp0, &e.hp0) != DH_OK) return DH_RECOVERABLE;
        amb_cache[amb_next] = e;
        m = &amb_cache[amb_next];
        amb_next = (amb_next + 1) % AMB_MEMO_N;
        if (amb_n < AMB_MEMO_N) amb_n++;
    }
    *h = m->h0 + (p - AMB_P0) * m->hp0;
    if (cp) *cp = m->cp0;
    if (hp) *hp = m->hp0;
    return DH_OK;
}
