/* case_loads.c: the loads of a series study from the case's `weather:`, `calendar:` and `loads:`
 * sections as read (dh_case.series, dh_case.h) -> a prepared dh_loads (network/dh_loads.h).
 *
 * Exports dh_case_loads_create, dh_case_loads_read (dh_case.h). Callers: solver/series.c users (cli/run_series.c,
 * tests/series). Reads the files the case names (EPW or CSV weather, profile CSVs): the case
 * reader only resolves their paths. Demand of consumer i (docs/loads.md):
 *     D_i(t) = k_g(i) sum_c design_c f_c(t),   design_c = share_c x demand_i  (or `design:`)
 * A consumer named by no assignment keeps its case `demand` all year (one constant component).
 * An assignment to a consumer id wins over one to its group. Water consumers (type water) are
 * scaled like steam ones: their component values are fractions of their design draw (the
 * series driver multiplies the case's volume or mass demand by D_i / design).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dh_case.h"
#include "dh_loads.h"
#include "dh_strutil.h"

static dh_status at(dh_diag *diag, const dh_case *c, int line, int col, const char *comp,
                    const dh_error *e)
{
    if (e->file[0]) { /* the error knows its own position (a file read) */
        dh_diag_add(diag, e);
        return e->code ? e->code : DH_ERR_INPUT;
    }
    dh_srcpos pos = {c->path, line, col};
    return dh_diag_report(diag, e->code ? e->code : DH_ERR_INPUT, line > 0 ? &pos : NULL, comp,
                          "%s", e->message);
}

/* The weather series of the case; *out owned by the caller. */
static dh_status case_weather(const dh_case *c, const dh_units *units, dh_weather **out,
                              dh_diag *diag)
{
    const dh_series_spec *sp = &c->series;
    dh_error e;
    dh_error_clear(&e);
    dh_status st = DH_OK;
    switch (sp->weather) {
    case DH_WEATHER_EPW:
        return dh_weather_read_epw(sp->weather_path, out, diag);
    case DH_WEATHER_CSV:
        return dh_weather_read_csv(sp->weather_path, units, out, diag);
    case DH_WEATHER_DESIGN_DAY: {
        double day[24];
        int days = sp->dd_days > 0 ? sp->dd_days : 1;
        if ((st = dh_design_day(sp->dd_value, (dh_design_basis)sp->dd_basis, sp->dd_range,
                                (dh_diurnal_shape)sp->dd_shape, day, &e)) != DH_OK ||
            (st = dh_weather_create(24 * (size_t)days, false, false, out, &e)) != DH_OK)
            return at(diag, c, sp->weather_line, sp->weather_col, "weather.design_day", &e);
        for (size_t k = 0; k < 24 * (size_t)days; k++) (*out)->air_temperature[k] = day[k % 24];
        (*out)->start_day = sp->dd_day;
        (*out)->start_weekday = -1;
        return DH_OK;
    }
    case DH_WEATHER_CONSTANT:
    default:
        /* no weather: one day at the case's ambient air, repeated */
        if ((st = dh_weather_create(24, false, false, out, &e)) != DH_OK)
            return at(diag, c, 0, 0, "weather", &e);
        for (size_t k = 0; k < 24; k++) (*out)->air_temperature[k] = c->net->ambient.air_temperature;
        (*out)->start_day = 0;
        (*out)->start_weekday = -1;
        return DH_OK;
    }
}

/* The assignment that applies to consumer i (an id wins over its group), or NULL. */
static const dh_series_assign *assignment(const dh_series_spec *sp, const dh_consumers *co,
                                          size_t i)
{
    const dh_series_assign *g = NULL;
    for (size_t k = 0; k < sp->n_assign; k++) {
        const dh_series_assign *a = &sp->assign[k];
        if (!a->is_group && !strcmp(a->target, co->id[i])) return a;
        if (a->is_group && !g && !strcmp(a->target, co->group[i])) g = a;
    }
    return g;
}

/* The design demand of consumer i in the loads' unit: W (heat), kg/s (steam), and for water
 * the case's volume (m3/s) or mass (kg/s) demand, whichever it gives. */
static double design_demand(const dh_consumers *co, size_t i)
{
    switch (co->type[i]) {
    case DH_CONSUMER_HEAT: return co->demand_heat[i];
    case DH_CONSUMER_STEAM: return co->demand_mass_flow[i];
    default:
        return co->demand_volume_flow && co->demand_volume_flow[i] > 0 ? co->demand_volume_flow[i]
                                                                       : co->demand_mass_flow[i];
    }
}

dh_status dh_case_loads_create(const dh_case *c, const dh_units *units_in, dh_loads **out,
                               int *weather_start, dh_diag *diag)
{
    *out = NULL;
    const dh_series_spec *sp = &c->series;
    const dh_network *net = c->net;
    const dh_consumers *co = &net->consumers;
    dh_units *own_units = NULL;
    dh_weather *w = NULL;
    dh_loads *L = NULL;
    dh_profile *prof = NULL;
    dh_error e;
    dh_error_clear(&e);
    size_t n_err0 = diag->count + diag->dropped;
    dh_status st = DH_OK;
    const dh_units *units = units_in;
    bool needs_units = sp->weather == DH_WEATHER_CSV;
    for (size_t m = 0; m < sp->n_models; m++)
        needs_units = needs_units || sp->model[m].model.kind == DH_LOAD_PROFILE;
    if (!units && needs_units) {
        if ((st = dh_units_create(&own_units, &e)) != DH_OK) goto fail_e;
        units = own_units;
    }
    if ((st = case_weather(c, units, &w, diag)) != DH_OK) goto fail;

    /* consumers' loads: dh_loads knows heat (W) and steam (kg/s); a water consumer's values
     * are carried as steam-like numbers (its own unit, see the banner) */
    dh_consumer_type *type = malloc((co->n ? co->n : 1) * sizeof *type);
    if (!type) {
        st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < co->n; i++)
        type[i] = co->type[i] == DH_CONSUMER_HEAT ? DH_CONSUMER_HEAT : DH_CONSUMER_STEAM;
    st = dh_loads_create(co->n, type, (const char *const *)co->id, &L, &e);
    free(type);
    if (st != DH_OK) goto fail_e;

    size_t model_index[DH_SERIES_MODELS_MAX];
    for (size_t m = 0; m < sp->n_models; m++) {
        dh_load_model lm = sp->model[m].model;
        lm.name = sp->model[m].name;
        if (lm.kind == DH_LOAD_PROFILE) {
            if ((st = dh_profile_read_csv(sp->model[m].profile_path, units, &prof, diag)))
                goto fail;
            lm.profile = prof;
        }
        st = dh_loads_add_model(L, &lm, &model_index[m], &e);
        dh_profile_destroy(&prof);
        if (st != DH_OK) {
            char comp[DH_ERROR_COMP_MAX];
            snprintf(comp, sizeof comp, "load model %s", sp->model[m].name);
            at(diag, c, sp->model[m].line, sp->model[m].col, comp, &e);
            goto fail;
        }
    }
    dh_load_model constant;
    dh_load_model_init(&constant, DH_LOAD_CONSTANT);
    constant.name = "constant (case demand)";
    size_t const_index;
    if ((st = dh_loads_add_model(L, &constant, &const_index, &e)) != DH_OK) goto fail_e;

    for (size_t i = 0; i < co->n; i++) {
        const dh_series_assign *a = assignment(sp, co, i);
        double demand = design_demand(co, i);
        if (!a) {
            if ((st = dh_loads_add_component(L, i, const_index, demand, &e))) goto fail_e;
            continue;
        }
        for (size_t k = 0; k < a->n_parts; k++) {
            const dh_series_part *p = &a->part[k];
            const dh_series_model *m = &sp->model[p->model];
            bool profile = m->model.kind == DH_LOAD_PROFILE;
            double design = p->share * (profile ? 1.0 : demand);
            if (!isnan(p->design)) {
                dh_quantity want = profile ? DH_Q_DIMENSIONLESS
                                   : co->type[i] == DH_CONSUMER_HEAT ? DH_Q_POWER
                                                                     : DH_Q_MASS_FLOW;
                if (p->design_quantity != want) {
                    dh_srcpos pos = {c->path, a->line, a->col};
                    char comp[DH_ERROR_COMP_MAX];
                    snprintf(comp, sizeof comp, "consumer %s", co->id[i]);
                    dh_diag_report(diag, DH_ERR_INPUT, &pos, comp,
                                   "loads.assign.%s: 'design' of model '%s' must be %s", a->target,
                                   m->name,
                                   profile ? "a bare number (the scale of the profile)"
                                   : want == DH_Q_POWER ? "a power (heat consumer)"
                                                        : "a mass flow (steam consumer)");
                    continue;
                }
                design = p->design;
            }
            if (dh_loads_add_component(L, i, model_index[p->model], design, &e) != DH_OK) {
                char comp[DH_ERROR_COMP_MAX];
                snprintf(comp, sizeof comp, "consumer %s", co->id[i]);
                at(diag, c, a->line, a->col, comp, &e);
            }
        }
    }
    for (size_t k = 0; k < sp->n_coinc; k++)
        if (dh_loads_set_group_coincidence(L, (const char *const *)co->group, sp->coinc[k].group,
                                           sp->coinc[k].k, &e) != DH_OK)
            at(diag, c, sp->coinc[k].line, sp->coinc[k].col, "loads.coincidence", &e);
    if (diag->count + diag->dropped > n_err0) {
        st = DH_ERR_INPUT;
        goto fail;
    }

    /* calendar: weekday of 1 January from the case, else from the weather file's data period
     * (the weekday of its first day), else Monday */
    dh_calendar cal;
    int jan1 = 0;
    if (sp->first_weekday >= 0)
        jan1 = sp->first_weekday;
    else if (w->start_weekday >= 0)
        jan1 = ((w->start_weekday - w->start_day) % 7 + 7) % 7;
    dh_calendar_init(&cal, jan1);
    cal.start_day = w->start_day;
    for (size_t k = 0; k < sp->n_holidays; k++) cal.holiday[cal.n_holidays++] = sp->holiday[k];
    if ((st = dh_loads_prepare(L, w, &cal, &e)) != DH_OK) goto fail_e;
    if (weather_start) *weather_start = w->start_day;
    dh_weather_destroy(&w);
    dh_units_destroy(&own_units);
    *out = L;
    return DH_OK;
fail_e:
    st = at(diag, c, sp->weather_line, sp->weather_col, NULL, &e);
fail:
    dh_profile_destroy(&prof);
    dh_weather_destroy(&w);
    dh_loads_destroy(&L);
    dh_units_destroy(&own_units);
    return st < 0 ? st : DH_ERR_INPUT;
}

dh_status dh_case_loads_read(void *user, const dh_case *c, dh_loads **out, int *weather_start,
                             dh_diag *diag)
{
    return dh_case_loads_create(c, (const dh_units *)user, out, weather_start, diag);
}
