/* study.c: one steady case run end to end, and the figures a sweep collects from it.
 *
 * Exports (dh_study.h): dh_study_run_steady, dh_study_run_free, dh_summary_from_study,
 * dh_study_write, dh_study_figures. Callers: cli/cmd_sweep.c (every sweep case).
 *
 * The solve is the one of `dhsim run` (cli/cmd_run.c) for a steady study: the network alone
 * (dh_steady_create/solve) or, with a `plant:` section, coupled with the plant behind its
 * header (dh_plant_couple: dispatch, flow-limited header, N-1; docs/plant.md). The figures
 * are those printed by the summary (postproc/summary.c), as numbers in SI.
 */
#include "dh_study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dh_plant_couple.h"

dh_status dh_study_run_steady(const dh_case *c, const dh_steady_options *opt, dh_study_run *r,
                              dh_error *err)
{
    memset(r, 0, sizeof *r);
    r->rc = DH_ERR_NOMEM;
    dh_steady_options o;
    if (opt) o = *opt;
    else dh_steady_options_init(&o);
    if (dh_snapshot_create(c->net, &r->snap) != DH_OK ||
        (c->plant.present && dh_snapshot_create(c->net, &r->n1_snap) != DH_OK))
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    if (c->plant.present) {
        dh_plant_params *params = calloc(1, sizeof *params);
        dh_plant_coupling *cp = calloc(1, sizeof *cp);
        if (!params || !cp) {
            free(params), free(cp);
            return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
        }
        r->rc = dh_plant_params_from_spec(&c->plant, params, err);
        if (r->rc == DH_OK) {
            dh_plant_couple_options popt;
            dh_plant_couple_options_init(&popt);
            popt.steady = o;
            popt.n1_check = c->plant.n1_check;
            if (c->plant.power_mode >= 0) popt.power_mode = (dh_power_mode)c->plant.power_mode;
            if (!isnan(c->plant.power_target)) popt.power_target = c->plant.power_target;
            r->rc = dh_plant_couple(c->net, &c->study, params, c->plant.source, &popt, r->snap,
                                    r->n1_snap, cp, err);
            r->stats = cp->stats;
            if (r->rc == DH_OK) {
                dh_out_plant_fill(params, cp, c->net, r->n1_snap, &r->plant);
                r->have_plant = true;
            }
        }
        free(params), free(cp);
        return r->rc;
    }
    dh_steady *s = NULL;
    r->rc = dh_steady_create(c->net, &c->study, &o, &s, err);
    if (r->rc == DH_OK) r->rc = dh_steady_solve(s, r->snap, &r->stats, err);
    dh_steady_destroy(&s);
    return r->rc;
}

void dh_study_run_free(dh_study_run *r)
{
    if (!r) return;
    dh_snapshot_destroy(&r->snap);
    dh_snapshot_destroy(&r->n1_snap);
}

dh_status dh_summary_from_study(const dh_case *c, const dh_study_run *r, dh_summary *out,
                                dh_error *err)
{
    if (!r->snap) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "no solved state");
    return dh_summary_from_run(c->net, c->name, c->path, r->snap, &r->stats,
                               r->have_plant ? &r->plant : NULL, out, err);
}

dh_status dh_study_write(const dh_case *c, const dh_study_run *r, const char *path,
                         const char *program_version, dh_error *err)
{
    dh_out *o = NULL;
    dh_out_meta meta = {.program_version = program_version, .case_path = c->path,
                        .case_sha256 = c->sha256, .case_name = c->name, .study = "steady",
                        .expected_steps = 1};
    if (dh_out_create(path, c->net, &meta, &o, err) || dh_out_append(o, r->snap, &r->stats, err) ||
        (r->have_plant && dh_out_append_plant(o, &r->plant, err)) ||
        dh_out_set_summary(o, &r->stats, err) || dh_out_close(&o, err)) {
        dh_out_abort(&o);
        return err->code != DH_OK ? err->code : DH_ERR_IO;
    }
    return DH_OK;
}

/* Same order as summary.c (cmp_cons): smallest margin first; consumers without a minimum
 * (NaN margin) after those with one. */
static double sum_finite(const double *v, size_t n)
{
    double t = 0;
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) t += v[i];
    return t;
}

void dh_study_figures(const dh_summary *s, const char *const *names, size_t n, double *values,
                      char *worst, size_t size)
{
    double pmin = NAN, mmin = NAN, npmin = NAN, dpmax = 0, below = 0, unmet_s = 0, unmet_h = 0;
    size_t wc = SIZE_MAX;
    for (size_t c = 0; c < s->n_consumers; c++) {
        if (isfinite(s->pressure[c]) && !(s->pressure[c] >= pmin)) pmin = s->pressure[c];
        if (isfinite(s->margin[c]) && !(s->margin[c] >= mmin)) mmin = s->margin[c], wc = c;
        bool bp = isfinite(s->margin[c]) && s->margin[c] < 0;
        bool bt = s->min_temperature[c] > 0 && s->temperature[c] < s->min_temperature[c];
        bool bw = s->require_dry && s->quality && s->require_dry[c] && s->quality[c] < 1.0 - 1e-6;
        below += bp || bt || bw;
        if (s->unmet && isfinite(s->unmet[c])) {
            if (s->consumer_type[c] == DH_CONSUMER_STEAM) unmet_s += s->unmet[c];
            else unmet_h += s->unmet[c];
        }
    }
    if (wc == SIZE_MAX) /* no consumer has a minimum: the lowest delivery pressure */
        for (size_t c = 0; c < s->n_consumers; c++)
            if (isfinite(s->pressure[c]) && s->pressure[c] == pmin) wc = c;
    if (worst && size) {
        worst[0] = '\0';
        if (wc != SIZE_MAX) snprintf(worst, size, "%s", s->consumer_id[wc]);
    }
    for (size_t i = 0; s->node_pressure && i < s->n_nodes; i++)
        if (isfinite(s->node_pressure[i]) && !(s->node_pressure[i] >= npmin)) npmin = s->node_pressure[i];
    for (size_t l = 0; l < s->n_links; l++)
        if (s->link_kind[l] == DH_LINK_PIPE && fabs(s->link_pressure_drop[l]) > dpmax)
            dpmax = fabs(s->link_pressure_drop[l]);
    const dh_out_plant *p = s->plant;
    double hp = s->n_sources ? s->source_pressure[0] : NAN;
    double hf = sum_finite(s->source_mass_flow, s->n_sources);
    if (p) hp = p->header_pressure, hf = p->header_flow;
    for (size_t k = 0; k < n; k++) {
        const char *w = names[k];
        double v = NAN;
        if (!strcmp(w, "min_delivery_pressure")) v = pmin;
        else if (!strcmp(w, "worst_margin")) v = mmin;
        else if (!strcmp(w, "consumers_below")) v = below;
        else if (!strcmp(w, "min_node_pressure")) v = npmin;
        else if (!strcmp(w, "max_pressure_drop")) v = dpmax;
        else if (!strcmp(w, "header_pressure")) v = hp;
        else if (!strcmp(w, "header_flow")) v = hf;
        else if (!strcmp(w, "heat_loss")) v = sum_finite(s->link_heat_loss, s->n_links);
        else if (!strcmp(w, "condensate")) v = sum_finite(s->link_condensate, s->n_links);
        else if (!strcmp(w, "unmet_steam")) v = unmet_s;
        else if (!strcmp(w, "unmet_heat")) v = unmet_h;
        else if (p && !strcmp(w, "electric_power")) v = p->electric_power;
        else if (p && !strcmp(w, "fuel")) v = p->fuel_flow;
        else if (p && !strcmp(w, "fuel_heat")) v = p->fuel_heat;
        else if (p && !strcmp(w, "heat_supplied")) v = p->heat_supplied;
        else if (p && !strcmp(w, "plant_efficiency")) v = p->efficiency;
        else if (p && !strcmp(w, "reserve")) v = p->reserve;
        else if (p && !strcmp(w, "shortfall")) v = p->shortfall;
        else if (p && !strcmp(w, "n1_verdict")) v = p->n1_verdict;
        else if (p && !strcmp(w, "n1_margin")) v = p->n1_margin;
        else if (p && !strcmp(w, "n1_shed")) v = p->n1_shed_flow;
        values[k] = v;
    }
}
