/* retire_out.c: the retirement study's results: terminal table, CSV, /retire in HDF5, and the
 * PNG of margins against retired capacity (gnuplot, as postproc/plots.c: a generated script in a
 * private temporary directory, kept when DHSIM_KEEP_PLOT_FILES is set).
 *
 * Exports dh_retire_print, dh_retire_csv, dh_retire_h5_write, dh_retire_plot
 * (dh_retire_out.h). Caller: cli/cmd_retire.c. Layout of /retire: docs/results.md.
 */
#include "dh_retire_out.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out_internal.h"

#define TPH 3.6 /* t/h per kg/s */

static const char *boiler_id(const dh_case *c, const dh_retire_step *s)
{
    return s->boiler == DH_NONE ? "(today)" : c->retire.boiler[s->boiler].id;
}

static const char *fail_names(unsigned bits, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t n = 0;
    for (unsigned b = 0; b < DH_RETIRE_FAIL_COUNT; b++)
        if (bits & (1u << b))
            n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? ", " : "",
                                  dh_retire_fail_name(1u << b));
    return buf;
}

void dh_retire_print(const dh_case *c, const dh_retire_result *r, FILE *out)
{
    const dh_retire_spec *rs = &c->retire;
    fprintf(out, "Small-boiler retirement: %s\n", c->name ? c->name : "");
    fprintf(out, "  order: %s;", r->order_auto ? "auto (greedy: least fall of the worst delivery "
                                                 "margin per t/h moved)" : "as given");
    for (size_t k = 0; k < r->n_order; k++)
        fprintf(out, "%s%s", k ? " " : " ", rs->boiler[r->order[k]].id);
    fprintf(out, "\n  checks: delivery pressure >= minimum + %.3f MPa", r->min_margin / 1e6);
    if (r->min_temperature_margin > 0)
        fprintf(out, ", temperature >= minimum + %.1f K", r->min_temperature_margin);
    if (r->max_steam_velocity > 0)
        fprintf(out, ", steam velocity <= %.0f m/s", r->max_steam_velocity);
    fprintf(out, ", plant capacity and region, N-1 %s\n",
            r->check_n1 ? "binding" : "reported only (checks.n1: false)");
    if (!r->check_series) {
        fprintf(out, "  at the design hour (the case's demands and ambient)\n\n");
    } else {
        fprintf(out, "  at %zu hours of the series, picked from today's run of %zu steps (%zu "
                     "failed; %.1f s; docs/retire.md \"Hours of a series\"): L = among the %zu of "
                     "highest plant load, M = of lowest worst margin, S = a site's load peak\n",
                r->n_hours, r->screen_steps, r->screen_failed, r->screen_seconds, rs->check_hours);
        fprintf(out, "    %-11s %-3s %7s %7s %8s %-12s %s\n", "hour", "why", "air", "plant",
                "margin", "worst at", "site peak of");
        fprintf(out, "    %-11s %-3s %7s %7s %8s\n", "", "", "degC", "t/h", "MPa");
        for (size_t h = 0; h < r->n_hours; h++) {
            const dh_retire_hour *H = &r->hour[h];
            char why[4] = "---";
            if (H->why & DH_RETIRE_HOUR_LOAD) why[0] = 'L';
            if (H->why & DH_RETIRE_HOUR_MARGIN) why[1] = 'M';
            if (H->why & DH_RETIRE_HOUR_SITE) why[2] = 'S';
            fprintf(out, "    %-11s %-3s %7.1f %7.1f %8.3f %-12.12s %s\n", H->label, why,
                    H->air_temperature - 273.15, H->plant_demand * TPH, H->worst_margin / 1e6,
                    H->worst_consumer_id,
                    H->site_boiler != DH_NONE ? rs->boiler[H->site_boiler].id : "");
        }
        fprintf(out, "  each step's row: its most severe hour (a failing one first, then the "
                     "lowest margin); 'h fail': hours failing\n\n");
    }
    if (r->check_series)
        fprintf(out, "%4s %-10s %-11s %6s ", "step", "retired", "hour", "h fail");
    else
        fprintf(out, "%4s %-10s ", "step", "retired");
    fprintf(out, "%6s %6s %6s %7s %7s %8s %-12s %6s %-10s %-5s %7s %7s %8s %9s  %s\n",
            "moved", "cumul", "cumcap", "plant", "power", "margin",
            "worst at", "v max", "in pipe", "N-1", "N-1 mrg", "fuel", "CO2", "cost", "result");
    if (r->check_series) fprintf(out, "%4s %-10s %-11s %6s ", "", "", "", "");
    else fprintf(out, "%4s %-10s ", "", "");
    fprintf(out, "%6s %6s %6s %7s %7s %8s %-12s %6s %-10s %-5s %7s %7s %8s %9s\n",
            "t/h", "t/h", "t/h", "t/h", "MW", "MPa", "", "m/s", "", "", "t/h", "t/h",
            "t CO2/h", "/h");
    for (size_t k = 0; k < r->n_steps; k++) {
        const dh_retire_step *s = &r->step[k];
        char fails[160];
        if (r->check_series)
            fprintf(out, "%4zu %-10.10s %-11s %6zu ", s->step, boiler_id(c, s),
                    s->hour != DH_NONE ? r->hour[s->hour].label : "-", s->hours_failed);
        else
            fprintf(out, "%4zu %-10.10s ", s->step, boiler_id(c, s));
        fprintf(out,
                "%6.1f %6.1f %6.1f %7.1f %7.1f %8.3f %-12.12s %6.1f %-10.10s %-5s "
                "%7.1f %+7.2f %+8.2f %+9.0f  %s\n",
                s->load_moved * TPH, s->cumulative_load * TPH,
                s->cumulative_capacity * TPH, s->plant_load * TPH, s->plant_power / 1e6,
                s->worst_margin / 1e6, s->worst_consumer_id, s->max_velocity,
                s->max_velocity_link_id, !s->n1_checked ? "-" : s->n1_holds ? "holds" : "fails",
                s->n1_margin * TPH, s->fuel_change * TPH, s->co2_change * 3.6,
                s->cost_change * 3600, s->ok ? "ok" : fail_names(s->failed, fails, sizeof fails));
    }
    fprintf(out, "\n  (fuel: CHP fuel added minus small boilers' fuel saved, t/h of fuel as "
                 "fired; CO2 and cost likewise, against step 0)\n");
    if (r->first_fail == DH_NONE) {
        fprintf(out, "\nVerdict: all %zu small boilers can be retired (%.1f t/h moved) with every "
                     "check met.\n", r->n_order, r->n_steps ? r->step[r->n_steps - 1].cumulative_load * TPH : 0);
    } else {
        const dh_retire_step *f = &r->step[r->first_fail];
        if (r->first_fail == 0)
            fprintf(out, "\nVerdict: already today (step 0) a check fails, no boiler can be "
                         "retired under these checks.\n");
        else
            fprintf(out, "\nVerdict: %zu of %zu small boilers can be retired (%.1f t/h moved); "
                         "step %zu (%s) fails.\n", r->retirable, r->n_order,
                    r->step[r->first_fail - 1].cumulative_load * TPH, r->first_fail,
                    boiler_id(c, f));
        fprintf(out, "  binding: %s\n", f->binding);
    }
    if (r->n_reinf) {
        fprintf(out, "\nReinforcements (each alone, from the failing step on, same order):\n");
        for (size_t j = 0; j < r->n_reinf; j++) {
            const dh_retire_reinf_result *q = &r->reinf[j];
            const dh_reinforcement_spec *sp = &rs->reinf[q->reinf];
            fprintf(out, "  %-12s %-13s pipe %-10s %5.0f mm", sp->id,
                    sp->type == DH_REINFORCE_UPSIZE ? "upsize" : "parallel pipe", sp->pipe,
                    sp->diameter * 1e3);
            if (!isnan(sp->cost)) fprintf(out, ", cost %.0f", sp->cost);
            fprintf(out, ": ");
            if (!q->tried)
                fprintf(out, "not needed\n");
            else if (q->fail_step == DH_NONE)
                fprintf(out, "unlocks %zu more: every step passes\n", q->unlocked);
            else
                fprintf(out, "unlocks %zu more; then step %zu fails: %s\n", q->unlocked,
                        q->fail_step, q->binding);
        }
    }
    if (r->n_combo) {
        fprintf(out, "\nCombined (greedy: keep the one that gets furthest, add the next that gets "
                     "furthest with it; docs/retire.md):\n");
        for (size_t k = 0; k < r->n_combo; k++) {
            const dh_retire_combo *q = &r->combo[k];
            char ids[512] = "";
            size_t o = 0;
            for (size_t j = 0; j < q->n && o < sizeof ids; j++)
                o += (size_t)snprintf(ids + o, sizeof ids - o, "%s%s", j ? " + " : "",
                                      rs->reinf[q->reinf[j]].id);
            fprintf(out, "  %-40s", ids);
            if (!isnan(q->cost)) fprintf(out, " cost %.0f,", q->cost);
            if (q->fail_step == DH_NONE)
                fprintf(out, " unlocks %zu more: every step passes\n", q->unlocked);
            else
                fprintf(out, " unlocks %zu more; step %zu fails (margin %.3f MPa): %s\n",
                        q->unlocked, q->fail_step, q->worst_margin / 1e6, q->binding);
        }
    } else if (r->n_reinf >= 2 && c->retire.combine && r->first_fail != DH_NONE) {
        bool any_all = false;
        for (size_t j = 0; j < r->n_reinf; j++) any_all |= r->reinf[j].fail_step == DH_NONE;
        if (!any_all)
            fprintf(out, "\nCombined: no reinforcement gets further than the plain study (nor "
                         "raises the margin at the failing step by 1 kPa): none combined\n");
    }
    if (r->n_reinf) fprintf(out, "  (%d study runs for the reinforcements)\n", r->reinf_runs);
    fprintf(out, "\n%d network solves, %.2f s\n", r->network_solves, r->seconds);
}

void dh_retire_csv(const dh_case *c, const dh_retire_result *r, FILE *out)
{
    fprintf(out, "step,retired,load_moved [t/h],cumulative_load [t/h],cumulative_capacity [t/h],"
                 "plant_demand [t/h],plant_load [t/h],plant_capacity [t/h],plant_power [MW],"
                 "worst_margin [MPa],worst_consumer,max_velocity [m/s],max_velocity_pipe,"
                 "n1_holds,n1_margin [t/h],fuel_small_saved [t/h],fuel_plant_added [t/h],"
                 "fuel_change [t/h],co2_change [t/h],cost_change [per h],greedy_cost "
                 "[MPa per t/h],hour,hours_failed,ok,binding\n");
    for (size_t k = 0; k < r->n_steps; k++) {
        const dh_retire_step *s = &r->step[k];
        fprintf(out, "%zu,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.5f,%s,%.3f,%s,%d,%.4f,%.5f,"
                     "%.5f,%.5f,%.5f,%.2f,%.6g,%s,%zu,%d,\"",
                s->step, boiler_id(c, s), s->load_moved * TPH, s->cumulative_load * TPH,
                s->cumulative_capacity * TPH, s->plant_demand * TPH, s->plant_load * TPH,
                s->plant_capacity * TPH, s->plant_power / 1e6, s->worst_margin / 1e6,
                s->worst_consumer_id, s->max_velocity, s->max_velocity_link_id,
                s->n1_checked ? (s->n1_holds ? 1 : 0) : -1, s->n1_margin * TPH,
                s->fuel_small * TPH, s->fuel_plant * TPH, s->fuel_change * TPH,
                s->co2_change * 3.6, s->cost_change * 3600, s->greedy_cost / 1e6 / TPH,
                s->hour != DH_NONE ? r->hour[s->hour].label : "design", s->hours_failed,
                s->ok ? 1 : 0);
        for (const char *p = s->binding; *p; p++) fputs(*p == '"' ? "\"\"" : (char[2]){*p, 0}, out);
        fprintf(out, "\"\n");
    }
}

/* ---- HDF5 ----------------------------------------------------------------------------------- */

static int col_d(hid_t g, const char *name, const double *v, size_t n, const char *units,
                 const char *desc)
{
    hsize_t dims[1] = {n};
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = d < 0 || (n && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) ||
             dh_h5_attr_str(d, "units", units) || dh_h5_attr_str(d, "description", desc);
    if (d >= 0) H5Dclose(d);
    H5Sclose(sp);
    return rc ? -1 : 0;
}

static int col_s(hid_t g, const char *name, const char **v, size_t n, const char *desc)
{
    hsize_t dims[1] = {n};
    hid_t t = dh_h5_vlstr_type(), sp = H5Screate_simple(1, dims, NULL);
    hid_t d = H5Dcreate2(g, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = d < 0 || (n && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) ||
             dh_h5_attr_str(d, "units", "") || dh_h5_attr_str(d, "description", desc);
    if (d >= 0) H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
    return rc ? -1 : 0;
}

#define COL(field, scale, name, units, desc)                                                       \
    do {                                                                                           \
        for (size_t k = 0; k < n; k++) v[k] = (double)(r->step[k].field) * (scale);                \
        bad |= col_d(g, name, v, n, units, desc);                                                  \
    } while (0)

dh_status dh_retire_h5_write(const char *path, const dh_case *c, const dh_retire_result *r,
                             dh_error *err)
{
    dh_h5_quiet();
    struct stat sb;
    hid_t f = stat(path, &sb) == 0 ? H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)
                                   : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: cannot open for writing", path);
    size_t n = r->n_steps, nr = r->n_reinf, nh = r->n_hours, nc = r->n_combo;
    size_t nmax = n + nr + nh + nc + 1;
    double *v = malloc(nmax * sizeof *v);
    const char **s = malloc(nmax * sizeof *s);
    char (*ids)[512] = calloc(nc ? nc : 1, sizeof *ids);
    int bad = !v || !s || !ids;
    hid_t top = -1, g = -1, gr = -1, gh = -1, gc = -1;
    if (!bad) {
        if (H5Lexists(f, "/retire", H5P_DEFAULT) > 0) H5Ldelete(f, "/retire", H5P_DEFAULT);
        top = H5Gcreate2(f, "/retire", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        g = top >= 0 ? H5Gcreate2(top, "steps", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        gr = top >= 0 ? H5Gcreate2(top, "reinforcements", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                      : -1;
        gh = top >= 0 ? H5Gcreate2(top, "hours", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        gc = top >= 0 ? H5Gcreate2(top, "combinations", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)
                      : -1;
        bad = g < 0 || gr < 0 || gh < 0 || gc < 0;
    }
    if (!bad) {
        const dh_retire_spec *rs = &c->retire;
        char order[4096] = "";
        size_t o = 0;
        for (size_t k = 0; k < r->n_order && o < sizeof order; k++)
            o += (size_t)snprintf(order + o, sizeof order - o, "%s%s", k ? "," : "",
                                  rs->boiler[r->order[k]].id);
        bad |= dh_h5_attr_str(top, "order", order) ||
               dh_h5_attr_str(top, "order_rule", r->order_auto ? "auto" : "given") ||
               dh_h5_attr_num(top, "first_fail", H5T_STD_I64LE,
                              r->first_fail == DH_NONE ? -1.0 : (double)r->first_fail) ||
               dh_h5_attr_num(top, "retirable", H5T_STD_I64LE, (double)r->retirable) ||
               dh_h5_attr_num(top, "min_margin", H5T_IEEE_F64LE, r->min_margin) ||
               dh_h5_attr_num(top, "min_temperature_margin", H5T_IEEE_F64LE,
                              r->min_temperature_margin) ||
               dh_h5_attr_num(top, "max_steam_velocity", H5T_IEEE_F64LE, r->max_steam_velocity) ||
               dh_h5_attr_num(top, "check_n1", H5T_STD_I64LE, r->check_n1 ? 1 : 0) ||
               dh_h5_attr_str(top, "check_hour",
                              r->check_series ? "series_worst_hours" : "design") ||
               dh_h5_attr_num(top, "screen_steps", H5T_STD_I64LE, (double)r->screen_steps) ||
               dh_h5_attr_num(top, "screen_failed", H5T_STD_I64LE, (double)r->screen_failed) ||
               dh_h5_attr_str(top, "binding",
                              r->first_fail == DH_NONE ? "" : r->step[r->first_fail].binding);
        for (size_t k = 0; k < n; k++) v[k] = (double)r->step[k].step;
        bad |= col_d(g, "step", v, n, "1", "step number: 0 today, k after the k-th retirement");
        for (size_t k = 0; k < n; k++) s[k] = boiler_id(c, &r->step[k]);
        bad |= col_s(g, "boiler", s, n, "small boiler retired at the step");
        COL(load_moved, 1, "load_moved", "kg/s", "steam-equivalent load moved onto the network");
        COL(cumulative_load, 1, "cumulative_load", "kg/s", "load moved, steps 1..k");
        COL(cumulative_capacity, 1, "cumulative_capacity", "kg/s", "rated capacity retired");
        COL(plant_demand, 1, "plant_demand", "kg/s", "header draw at the set pressure");
        COL(plant_load, 1, "plant_load", "kg/s", "header flow delivered by the plant");
        COL(plant_capacity, 1, "plant_capacity", "kg/s", "plant capacity, every boiler");
        COL(plant_power, 1, "plant_power", "W", "electric power");
        COL(worst_margin, 1, "worst_margin", "Pa", "min over consumers of p - p_min");
        for (size_t k = 0; k < n; k++) s[k] = r->step[k].worst_consumer_id;
        bad |= col_s(g, "worst_consumer", s, n, "consumer of the worst margin");
        COL(max_velocity, 1, "max_velocity", "m/s", "largest steam velocity of a pipe");
        for (size_t k = 0; k < n; k++) s[k] = r->step[k].max_velocity_link_id;
        bad |= col_s(g, "max_velocity_pipe", s, n, "pipe of the largest velocity");
        for (size_t k = 0; k < n; k++)
            v[k] = !r->step[k].n1_checked ? -1 : r->step[k].n1_holds ? 1 : 0;
        bad |= col_d(g, "n1_verdict", v, n, "1", "1 holds, 0 fails, -1 not checked");
        COL(n1_margin, 1, "n1_margin", "kg/s", "N-1 capacity - demand");
        COL(fuel_small, 1, "fuel_small_saved", "kg/s", "small boilers' fuel no longer burnt");
        COL(fuel_plant, 1, "fuel_plant_added", "kg/s", "CHP fuel added against step 0");
        COL(fuel_change, 1, "fuel_change", "kg/s", "fuel_plant_added - fuel_small_saved");
        COL(fuel_heat_change, 1, "fuel_heat_change", "W", "fuel heat (LHV) change");
        COL(co2_change, 1, "co2_change", "kg/s", "CO2 change against step 0");
        COL(cost_change, 1, "cost_change", "1/s", "fuel cost change, currency units per s");
        COL(greedy_cost, 1, "greedy_cost", "Pa s/kg", "auto order: margin fall per kg/s moved");
        COL(ok, 1, "ok", "1", "1 every check passed");
        COL(failed, 1, "failed", "1", "bits: 1 no convergence, 2 plant capacity, 4 plant "
                                      "region, 8 N-1, 16 pressure, 32 temperature, 64 velocity");
        for (size_t k = 0; k < n; k++) s[k] = r->step[k].binding;
        bad |= col_s(g, "binding", s, n, "what fails and by how much");
        for (size_t k = 0; k < n; k++)
            s[k] = r->step[k].hour != DH_NONE ? r->hour[r->step[k].hour].label : "design";
        bad |= col_s(g, "hour", s, n, "hour the row's figures are at (MM-DD HH:00, or design)");
        COL(hours_failed, 1, "hours_failed", "1", "series check: hours failing at the step");
        /* the hours checked (series check; empty at the design hour) */
        for (size_t h = 0; h < nh; h++) v[h] = (double)r->hour[h].hour;
        bad |= col_d(gh, "hour", v, nh, "h", "hour of the loads' series (from the weather's "
                                             "first day)");
        for (size_t h = 0; h < nh; h++) s[h] = r->hour[h].label;
        bad |= col_s(gh, "label", s, nh, "MM-DD HH:00");
        for (size_t h = 0; h < nh; h++) v[h] = (double)r->hour[h].why;
        bad |= col_d(gh, "why", v, nh, "1", "bits: 1 highest plant load, 2 lowest worst "
                                            "margin, 4 a site's load peak");
        for (size_t h = 0; h < nh; h++) v[h] = r->hour[h].air_temperature;
        bad |= col_d(gh, "air_temperature", v, nh, "K", "outdoor air");
        for (size_t h = 0; h < nh; h++) v[h] = r->hour[h].plant_demand;
        bad |= col_d(gh, "plant_demand", v, nh, "kg/s", "today's header draw");
        for (size_t h = 0; h < nh; h++) v[h] = r->hour[h].worst_margin;
        bad |= col_d(gh, "worst_margin", v, nh, "Pa", "today's worst delivery margin");
        for (size_t h = 0; h < nh; h++) s[h] = r->hour[h].worst_consumer_id;
        bad |= col_s(gh, "worst_consumer", s, nh, "consumer of today's worst margin");
        /* combinations of reinforcements (greedy accumulation) */
        for (size_t k = 0; k < nc; k++) {
            size_t len = 0;
            for (size_t j = 0; j < r->combo[k].n && len < sizeof ids[k]; j++)
                len += (size_t)snprintf(ids[k] + len, sizeof ids[k] - len, "%s%s", j ? "+" : "",
                                        rs->reinf[r->combo[k].reinf[j]].id);
            s[k] = ids[k];
        }
        bad |= col_s(gc, "reinforcements", s, nc, "ids applied together, '+'-separated");
        for (size_t k = 0; k < nc; k++)
            v[k] = r->combo[k].fail_step == DH_NONE ? -1 : (double)r->combo[k].fail_step;
        bad |= col_d(gc, "fail_step", v, nc, "1", "first failing step with them (-1 none)");
        for (size_t k = 0; k < nc; k++) v[k] = (double)r->combo[k].unlocked;
        bad |= col_d(gc, "unlocked", v, nc, "1", "retirements added over the plain study");
        for (size_t k = 0; k < nc; k++) v[k] = r->combo[k].cost;
        bad |= col_d(gc, "cost", v, nc, "1", "sum of their costs (NaN: a cost not given)");
        for (size_t k = 0; k < nc; k++) s[k] = r->combo[k].binding;
        bad |= col_s(gc, "binding", s, nc, "what binds then");
        for (size_t j = 0; j < nr; j++) s[j] = rs->reinf[r->reinf[j].reinf].id;
        bad |= col_s(gr, "id", s, nr, "reinforcement id");
        for (size_t j = 0; j < nr; j++) s[j] = rs->reinf[r->reinf[j].reinf].pipe;
        bad |= col_s(gr, "pipe", s, nr, "pipe reinforced");
        for (size_t j = 0; j < nr; j++)
            s[j] = rs->reinf[r->reinf[j].reinf].type == DH_REINFORCE_UPSIZE ? "upsize"
                                                                             : "parallel_pipe";
        bad |= col_s(gr, "type", s, nr, "parallel_pipe or upsize");
        for (size_t j = 0; j < nr; j++) v[j] = rs->reinf[r->reinf[j].reinf].diameter;
        bad |= col_d(gr, "diameter", v, nr, "m", "inner diameter of the new pipe");
        for (size_t j = 0; j < nr; j++) v[j] = (double)r->reinf[j].unlocked;
        bad |= col_d(gr, "unlocked", v, nr, "1", "retirements added over the plain study");
        for (size_t j = 0; j < nr; j++)
            v[j] = r->reinf[j].fail_step == DH_NONE ? -1 : (double)r->reinf[j].fail_step;
        bad |= col_d(gr, "fail_step", v, nr, "1", "first failing step with it (-1 none)");
        for (size_t j = 0; j < nr; j++) s[j] = r->reinf[j].binding;
        bad |= col_s(gr, "binding", s, nr, "what binds then");
        for (size_t j = 0; j < nr; j++) v[j] = r->reinf[j].cost;
        bad |= col_d(gr, "cost", v, nr, "1", "cost in the engineer's currency (NaN: not given)");
    }
    if (gc >= 0) H5Gclose(gc);
    if (gh >= 0) H5Gclose(gh);
    if (gr >= 0) H5Gclose(gr);
    if (g >= 0) H5Gclose(g);
    if (top >= 0) H5Gclose(top);
    herr_t hc = H5Fclose(f);
    free(v);
    free((void *)s);
    free(ids);
    if (bad || hc < 0)
        return dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: writing /retire failed", path);
    return DH_OK;
}

/* ---- plot ----------------------------------------------------------------------------------- */

/* gnuplot single-quoted string body: '' for ' */
static void put_q(FILE *g, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', g);
        fputc(*s, g);
    }
}

dh_status dh_retire_plot(const dh_case *c, const dh_retire_result *r, const char *png_path,
                         dh_error *err)
{
    char tmpl[] = "/tmp/dhsim-retire-XXXXXX";
    if (!mkdtemp(tmpl)) return dh_error_set(err, DH_ERR_IO, NULL, NULL, "mkdtemp: %s", strerror(errno));
    char dat[512], script[512];
    snprintf(dat, sizeof dat, "%s/steps.dat", tmpl);
    snprintf(script, sizeof script, "%s/retire.gp", tmpl);
    FILE *d = fopen(dat, "w"), *g = fopen(script, "w");
    dh_status st = DH_OK;
    if (!d || !g) {
        st = dh_error_set(err, DH_ERR_IO, NULL, NULL, "%s: %s", tmpl, strerror(errno));
    } else {
        for (size_t k = 0; k < r->n_steps; k++) {
            const dh_retire_step *s = &r->step[k];
            fprintf(d, "%.6g %.6g %.6g \"%s\" %d\n", s->cumulative_capacity * TPH,
                    s->worst_margin / 1e6, s->n1_margin * TPH,
                    s->boiler == DH_NONE ? "today" : c->retire.boiler[s->boiler].id,
                    s->ok ? 1 : 0);
        }
        fprintf(g, "set terminal pngcairo size 1100,700 noenhanced font ',11'\nset output '");
        put_q(g, png_path);
        fprintf(g, "'\nset title '");
        put_q(g, c->name ? c->name : "");
        fprintf(g, ": small-boiler retirement'\n"
                   "set xlabel 'cumulative retired capacity (t/h)'\n"
                   "set ylabel 'worst delivery pressure margin (MPa)'\n"
                   "set y2label 'N-1 margin (t/h)'\nset y2tics\nset ytics nomirror\n"
                   "set grid\nset key outside bottom center horizontal\n"
                   "set style line 1 lc rgb '#1f77b4' lw 2 pt 7\n"
                   "set style line 2 lc rgb '#d62728' lw 2 pt 5\n"
                   "set arrow from graph 0, first %.6g to graph 1, first %.6g nohead lc rgb "
                   "'#1f77b4' dt 2\n"
                   "set arrow from graph 0, second 0 to graph 1, second 0 nohead lc rgb "
                   "'#d62728' dt 2\n",
                r->min_margin / 1e6, r->min_margin / 1e6);
        fprintf(g, "plot '");
        put_q(g, dat);
        fprintf(g, "' using 1:2 with linespoints ls 1 title 'worst delivery margin (MPa; dashed: "
                   "required %.3f)', '' using 1:2:4 with labels offset 0,1 font ',9' notitle, "
                   "'' using 1:3 axes x1y2 with linespoints ls 2 title 'N-1 margin (t/h)'\n",
                r->min_margin / 1e6);
    }
    if (d) fclose(d);
    if (g) fclose(g);
    if (st == DH_OK && dh_gnuplot_run(script, err)) st = DH_ERR_IO;
    if (!getenv("DHSIM_KEEP_PLOT_FILES")) {
        unlink(dat);
        unlink(script);
        rmdir(tmpl);
    }
    return st;
}
