/* summary.c: the text summary of a steady result, the same for `dhsim run` (from the solved
 * network) and `dhsim report` (from the results file): about 40 lines for the park, what an
 * engineer acts on.
 *
 * Exports dh_summary_from_run, dh_summary_free, dh_summary_print (dh_output.h). Callers:
 * cli/cmd_run.c, postproc/report.c. Sections: the solve and its closure; the plant (dispatch
 * per unit, totals, header, flow limit, N-1 verdict with who goes short, plant-network balance);
 * delivery per consumer group (lowest pressure, worst consumer and its margin, lowest
 * temperature, count below minimum); the 5 worst consumers; the mains (lowest delivery
 * pressure, largest pipe pressure drop, heat loss, condensate, sources); with
 * DH_SUMMARY_CONSUMERS every consumer, worst first. Display units are the engineers' (MPa
 * absolute, kPa, degC, t/h, MW, %), always labelled; the data stay SI.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dh_output.h"
#include "dh_props.h"

#define T0 273.15    /* K at 0 degC */
#define TPH 3.6      /* kg/s -> t/h */
#define WORST_N 5    /* consumers in the "worst" list */
#define N1_SHORT_N 4 /* consumers named in the N-1 lines */
#define DRY_TOL 1e-6 /* quality below 1 - DRY_TOL is wet (the solver's own threshold) */

dh_status dh_summary_from_run(const dh_network *net, const char *case_name,
                              const char *case_path, const dh_snapshot *r,
                              const dh_solve_stats *stats, const dh_out_plant *plant,
                              dh_summary *s, dh_error *err)
{
    memset(s, 0, sizeof *s);
    size_t nl = net->links.n, nc = net->consumers.n;
    int *kind = malloc((nl ? nl : 1) * sizeof *kind);
    int *type = malloc((nc ? nc : 1) * sizeof *type);
    int *dry = malloc((nc ? nc : 1) * sizeof *dry);
    double *x = malloc((nc ? nc : 1) * sizeof *x);
    s->owned[0] = kind, s->owned[1] = type, s->owned[2] = dry, s->owned[3] = x;
    if (!kind || !type || !dry || !x) {
        dh_summary_free(s);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    for (size_t l = 0; l < nl; l++) kind[l] = (int)net->links.kind[l];
    for (size_t c = 0; c < nc; c++) {
        type[c] = (int)net->consumers.type[c];
        dry[c] = net->consumers.require_dry[c];
        x[c] = r->node_quality[net->consumers.node[c]];
    }
    s->case_name = case_name;
    s->case_path = case_path;
    s->n_nodes = net->nodes.n, s->n_links = nl, s->n_consumers = nc;
    s->n_sources = net->sources.n;
    if (stats) s->have_stats = true, s->stats = *stats;
    s->node_id = net->nodes.id, s->node_pressure = r->node_pressure;
    s->link_id = net->links.id, s->link_kind = kind;
    s->link_pressure_drop = r->link_pressure_drop;
    s->link_heat_loss = r->link_heat_loss, s->link_condensate = r->link_condensate;
    s->consumer_id = net->consumers.id, s->consumer_group = net->consumers.group;
    s->consumer_type = type, s->require_dry = dry, s->quality = x;
    s->min_pressure = net->consumers.min_pressure;
    s->min_temperature = net->consumers.min_temperature;
    s->demand_mass_flow = net->consumers.demand_mass_flow;
    s->demand_heat = net->consumers.demand_heat;
    s->pressure = r->consumer_pressure, s->temperature = r->consumer_temperature;
    s->margin = r->consumer_pressure_margin;
    s->mass_flow = r->consumer_mass_flow, s->heat = r->consumer_heat;
    s->unmet = r->consumer_unmet;
    s->source_id = net->sources.id, s->source_mass_flow = r->source_mass_flow;
    s->source_pressure = r->source_pressure, s->source_temperature = r->source_temperature;
    s->source_heat = r->source_heat;
    s->plant = plant;
    return DH_OK;
}

void dh_summary_free(dh_summary *s)
{
    if (!s) return;
    for (size_t i = 0; i < sizeof s->owned / sizeof s->owned[0]; i++) free(s->owned[i]);
    memset(s, 0, sizeof *s);
}

/* ---- consumer states ------------------------------------------------------------------------ */

static bool is_steam(const dh_summary *s, size_t c)
{
    return s->consumer_type[c] == DH_CONSUMER_STEAM;
}

static bool below_p(const dh_summary *s, size_t c)
{
    return isfinite(s->margin[c]) && s->margin[c] < 0;
}

static bool below_T(const dh_summary *s, size_t c)
{
    return s->min_temperature[c] > 0 && s->temperature[c] < s->min_temperature[c];
}

static bool wet(const dh_summary *s, size_t c)
{
    return s->require_dry && s->quality && s->require_dry[c] && s->quality[c] < 1.0 - DRY_TOL;
}

/* Worst first: smallest pressure margin; consumers without a minimum after those with one,
 * lowest delivery pressure first. qsort_r is not C17: the rows carry their keys. */
typedef struct cons_row {
    size_t i;
    double margin, pressure;
} cons_row;

static int cmp_cons(const void *a, const void *b)
{
    const cons_row *x = a, *y = b;
    int fx = isfinite(x->margin), fy = isfinite(y->margin);
    if (fx != fy) return fy - fx;
    double dx = fx ? x->margin : x->pressure, dy = fy ? y->margin : y->pressure;
    if (!isfinite(dx) || !isfinite(dy)) return isfinite(dy) - isfinite(dx);
    if (dx != dy) return (dx > dy) - (dx < dy);
    return (x->i > y->i) - (x->i < y->i);
}

static cons_row *sorted_consumers(const dh_summary *s)
{
    cons_row *rows = malloc((s->n_consumers ? s->n_consumers : 1) * sizeof *rows);
    if (!rows) return NULL;
    for (size_t c = 0; c < s->n_consumers; c++)
        rows[c] = (cons_row){c, s->margin[c], s->pressure[c]};
    qsort(rows, s->n_consumers, sizeof *rows, cmp_cons);
    return rows;
}

static bool is_water(const dh_summary *s, size_t c)
{
    return s->consumer_type[c] == DH_CONSUMER_WATER;
}

/* v: kg/s (steam, water) or W (heat). Water as a volume flow in L/s at the density of the
 * delivery node (IAPWS-IF97 at its pressure and temperature; 1000 kg/m3 if out of range). */
static void fmt_amount(char *buf, size_t size, const dh_summary *s, size_t c, double v)
{
    if (is_steam(s, c)) {
        snprintf(buf, size, "%.2f t/h", v * TPH);
    } else if (is_water(s, c)) {
        dh_props pr;
        double rho = dh_props_pT(s->pressure[c], s->temperature[c], &pr, NULL) == DH_OK &&
                             pr.rho > 0 ? pr.rho : 1000.0;
        snprintf(buf, size, "%.2f L/s", v / rho * 1e3);
    } else {
        snprintf(buf, size, "%.2f MW", v / 1e6);
    }
}

static void fmt_margin(char *buf, size_t size, double m)
{
    if (isfinite(m)) snprintf(buf, size, "%+.1f", m / 1e3);
    else snprintf(buf, size, "-");
}

/* One consumer row: id, group, p, T, margin, delivered, unmet, flags. */
static void consumer_line(const dh_summary *s, size_t c, FILE *out)
{
    char margin[24], got[32], unmet[32] = "-";
    fmt_margin(margin, sizeof margin, s->margin[c]);
    bool mass = is_steam(s, c) || is_water(s, c);
    fmt_amount(got, sizeof got, s, c, mass ? s->mass_flow[c] : s->heat[c]);
    /* "-" when it would print as 0.00 (below 5 kg/h, 5 kW, 5 mL/s) */
    if (isfinite(s->unmet[c]) &&
        s->unmet[c] >= (is_steam(s, c) ? 0.005 / TPH : is_water(s, c) ? 0.005e-3 * 1000 : 0.005e6))
        fmt_amount(unmet, sizeof unmet, s, c, s->unmet[c]);
    const char *g = s->consumer_group && s->consumer_group[c][0] ? s->consumer_group[c] : "-";
    fprintf(out, "    %-14s %-14s %9.4f %7.1f %10s %12s %11s", s->consumer_id[c], g,
            s->pressure[c] / 1e6, s->temperature[c] - T0, margin, got, unmet);
    if (below_p(s, c)) fprintf(out, "  BELOW MIN PRESSURE");
    if (below_T(s, c)) fprintf(out, "  BELOW MIN TEMPERATURE");
    if (wet(s, c)) fprintf(out, "  WET (x = %.3f)", s->quality[c]);
    fputc('\n', out);
}

static void consumer_header(FILE *out)
{
    fprintf(out, "    %-14s %-14s %9s %7s %10s %12s %11s\n", "consumer", "group", "p MPa(a)",
            "T degC", "margin kPa", "delivered", "unmet");
}

/* ---- sections ------------------------------------------------------------------------------ */

static void print_solve(const dh_summary *s, FILE *out)
{
    size_t nk[3] = {0, 0, 0};
    for (size_t l = 0; l < s->n_links; l++)
        if (s->link_kind[l] >= 0 && s->link_kind[l] < 3) nk[s->link_kind[l]]++;
    fprintf(out, "case %s (%s): %zu nodes, %zu links (%zu pipes, %zu valves, %zu pumps), "
                 "%zu consumers\n",
            s->case_name ? s->case_name : "", s->case_path ? s->case_path : "?", s->n_nodes,
            s->n_links, nk[DH_LINK_PIPE], nk[DH_LINK_VALVE], nk[DH_LINK_PUMP], s->n_consumers);
    if (!s->have_stats) return;
    const dh_solve_stats *st = &s->stats;
    fprintf(out, "steady solve: %s in %d iterations, %.3f s, scaled residual %.2e\n",
            st->converged ? "converged" : "NOT converged", st->iterations, st->seconds,
            st->residual_norm);
    fprintf(out, "  mass balance closure    %.2e (relative)\n", st->mass_balance_rel);
    if (isnan(st->energy_balance_rel)) /* study.water = incompressible: no energy equation */
        fprintf(out, "  energy balance closure  - (incompressible water: no energy equation)\n");
    else
        fprintf(out, "  energy balance closure  %.2e (relative)\n", st->energy_balance_rel);
    if (!st->converged && st->worst_component[0])
        fprintf(out, "  worst residual          %.3g in the %s equation of %s\n",
                st->worst_residual, st->worst_equation, st->worst_component);
}

/* Consumers short with the boiler out, largest first. Steam and heat consumers are ranked
 * together by heat: a steam shortfall counts at STEAM_HEAT J/kg. */
#define STEAM_HEAT 2.0e6 /* J/kg, latent heat near 1 MPa (IAPWS-IF97: 2015 kJ/kg at 1.0 MPa) */
static void print_n1_short(const dh_summary *s, const dh_out_plant *p, FILE *out)
{
    const double *u = p->n1_consumer_unmet;
    size_t n = 0;
    cons_row *rows = malloc((s->n_consumers ? s->n_consumers : 1) * sizeof *rows);
    if (!rows) return;
    for (size_t c = 0; c < s->n_consumers; c++)
        if (isfinite(u[c]) && u[c] > (is_steam(s, c) ? 1e-6 : 1.0)) /* 3.6 g/h, 1 W */
            rows[n++] = (cons_row){c, -(is_steam(s, c) ? u[c] * STEAM_HEAT : u[c]), 0};
    qsort(rows, n, sizeof *rows, cmp_cons);
    fprintf(out, " %zu consumer%s short, most:\n          ", n, n == 1 ? "" : "s");
    for (size_t k = 0; k < n && k < N1_SHORT_N; k++) {
        char a[32];
        fmt_amount(a, sizeof a, s, rows[k].i, u[rows[k].i]);
        fprintf(out, "%s %s %s", k ? "," : "", s->consumer_id[rows[k].i], a);
    }
    fputc('\n', out);
    free(rows);
}

static void print_plant(const dh_summary *s, const dh_out_plant *p, FILE *out)
{
    fprintf(out, "\nplant %s -> header %s: demand %.1f t/h at %.4f MPa(a) set point\n", p->id,
            p->header_source, p->header_demand * TPH, p->header_set_pressure / 1e6);
    for (size_t i = 0; i < p->n_boilers; i++) {
        if (p->boiler_in_service[i] != 1) {
            fprintf(out, "  boiler   %-6s    off\n", p->boiler_id[i]);
            continue;
        }
        fprintf(out, "  boiler   %-6s %6.1f t/h  %5.1f %% load  efficiency %4.1f %%  "
                     "fuel %6.2f t/h\n",
                p->boiler_id[i], p->boiler_steam_flow[i] * TPH, 100 * p->boiler_load[i],
                100 * p->boiler_efficiency[i], p->boiler_fuel_flow[i] * TPH);
    }
    for (size_t i = 0; i < p->n_turbines; i++) {
        if (p->turbine_in_service[i] != 1) {
            fprintf(out, "  turbine  %-6s    off\n", p->turbine_id[i]);
            continue;
        }
        fprintf(out, "  turbine  %-6s %6.2f MW   extraction %5.1f t/h  condensing %5.1f t/h  "
                     "throttle %5.1f t/h\n",
                p->turbine_id[i], p->turbine_power[i] / 1e6, p->turbine_extraction[i] * TPH,
                p->turbine_condensing[i] * TPH, p->turbine_throttle[i] * TPH);
    }
    fprintf(out, "  PRDS     %-6s %6.1f t/h  = main steam %.1f t/h + spray %.1f t/h%s\n",
            p->prds_id, p->prds_flow * TPH, p->prds_inlet_flow * TPH, p->prds_spray_flow * TPH,
            p->prds_flow > 0 && p->prds_flow >= p->prds_capacity * (1 - 1e-9) ? " (at capacity)"
                                                                              : "");
    fprintf(out, "  totals   electric %.2f MW, fuel %.2f t/h (%.1f MW LHV), heat to the network "
                 "%.1f MW,\n           efficiency %.1f %%, heat-to-power %.2f",
            p->electric_power / 1e6, p->fuel_flow * TPH, p->fuel_heat / 1e6,
            p->heat_supplied / 1e6, 100 * p->efficiency, p->heat_to_power);
    if (p->extraction_spray_flow > 0)
        fprintf(out, ", extraction spray %.1f t/h", p->extraction_spray_flow * TPH);
    fputc('\n', out);
    if (p->flow_limited == 1) {
        fprintf(out, "  header   FLOW-LIMITED: demand %.1f t/h, plant delivers %.1f t/h, pressure "
                     "fell to %.4f MPa(a);\n",
                p->header_demand * TPH, p->header_flow * TPH, p->header_pressure / 1e6);
        fprintf(out, "           unmet %.1f t/h steam + %.2f MW heat; limits: %s\n",
                p->unmet_steam * TPH, p->unmet_heat / 1e6,
                p->binding_text[0] ? p->binding_text : "capacity");
    } else {
        fprintf(out, "  header   %.1f t/h at %.4f MPa(a), %.1f degC; capacity %.1f t/h, "
                     "reserve %.1f t/h\n",
                p->header_flow * TPH, p->header_pressure / 1e6, p->header_temperature - T0,
                p->capacity * TPH, p->reserve * TPH);
    }
    const char *out_id = p->n1_boiler >= 0 && p->n1_boiler < (double)p->n_boilers
                             ? p->boiler_id[(size_t)p->n1_boiler] : "?";
    if (p->n1_verdict == 1) {
        fprintf(out, "  N-1      HOLDS with %s out: capacity %.1f t/h, margin %.1f t/h\n", out_id,
                p->n1_capacity * TPH, p->n1_margin * TPH);
    } else if (p->n1_verdict == 0) {
        fprintf(out, "  N-1      FAILS with %s out: capacity %.1f t/h at the set point, short by "
                     "%.1f t/h", out_id, p->n1_capacity * TPH, p->n1_shortfall * TPH);
        if (p->n1_solved == 1) {
            fprintf(out, ";\n           every consumer drawing, the header falls to %.4f MPa(a), "
                         "plant delivers %.1f t/h", p->n1_header_pressure / 1e6,
                    p->n1_header_flow * TPH);
            if (p->n1_limits_text[0]) fprintf(out, "\n           (%s)", p->n1_limits_text);
            fprintf(out, ",%sunmet %.1f t/h steam + %.2f MW heat;",
                    p->n1_limits_text[0] ? " " : "\n           ",
                    p->n1_unmet_steam * TPH, p->n1_unmet_heat / 1e6);
            if (p->n1_consumer_unmet) print_n1_short(s, p, out);
            else fputc('\n', out);
        } else if (p->n1_solved == -1)
            fprintf(out, "; the network solve with %s out did not converge: who goes short is "
                         "not known\n", out_id);
        else
            fputc('\n', out);
        if (isfinite(p->n1_shed_pressure)) {
            /* the operators' answer: shed load to hold the header (docs/plant.md) */
            fprintf(out, "           to hold the header at %.4f MPa(a): shed %.1f t/h",
                    p->n1_shed_pressure / 1e6,
                    p->n1_shed_flow * TPH);
            if (p->n1_shed_heat > 0)
                fprintf(out, " (%.2f MW of it heat)", p->n1_shed_heat / 1e6);
            fprintf(out, ",\n           %s:\n", p->n1_shed_rule);
            /* the per-group list, wrapped at ~96 columns on ", " */
            const char *q = p->n1_shed_text[0] ? p->n1_shed_text : "none";
            int col = 0;
            while (*q) {
                const char *e = strstr(q, ", ");
                int len = e ? (int)(e - q) : (int)strlen(q);
                if (col == 0) col = fprintf(out, "          ");
                else if (col + len > 94) col = fprintf(out, ",\n          ");
                else col += fprintf(out, ",");
                col += fprintf(out, " %.*s", len, q);
                q = e ? e + 2 : q + len;
            }
            fputc('\n', out);
        }
    } else {
        fprintf(out, "  N-1      not checked\n");
    }
    fprintf(out, "  balance  plant vs network: mass %.2e kg/s, energy %.2e W (%.0f network "
                 "solves)\n",
            p->mass_balance, p->energy_balance, p->network_solves);
}

/* Per consumer group, in order of first appearance. */
static void print_groups(const dh_summary *s, FILE *out)
{
    size_t nc = s->n_consumers;
    size_t *first = malloc((nc ? nc : 1) * sizeof *first); /* group's first consumer */
    size_t *gi = malloc((nc ? nc : 1) * sizeof *gi);       /* consumer -> group number */
    if (!first || !gi) {
        free(first), free(gi);
        return;
    }
    size_t ng = 0;
    for (size_t c = 0; c < nc; c++) {
        const char *g = s->consumer_group ? s->consumer_group[c] : "";
        size_t k = 0;
        while (k < ng && strcmp(s->consumer_group ? s->consumer_group[first[k]] : "", g)) k++;
        if (k == ng) first[ng++] = c;
        gi[c] = k;
    }
    fprintf(out, "\ndelivery by consumer group (margin = delivery pressure - the consumer's "
                 "minimum):\n");
    fprintf(out, "  %-14s %3s %12s  %-14s %11s %11s %10s\n", "group", "n", "p min MPa(a)",
            "worst", "margin kPa", "T min degC", "below min");
    size_t nbp = 0, nbt = 0, nwet = 0;
    for (size_t k = 0; k < ng; k++) {
        size_t n = 0, worst = SIZE_MAX, pmin = SIZE_MAX, tmin = SIZE_MAX, below = 0;
        for (size_t c = 0; c < nc; c++) {
            if (gi[c] != k) continue;
            n++;
            cons_row a = {c, s->margin[c], s->pressure[c]};
            if (worst == SIZE_MAX) worst = c;
            else {
                cons_row b = {worst, s->margin[worst], s->pressure[worst]};
                if (cmp_cons(&a, &b) < 0) worst = c;
            }
            if (pmin == SIZE_MAX || s->pressure[c] < s->pressure[pmin]) pmin = c;
            if (tmin == SIZE_MAX || s->temperature[c] < s->temperature[tmin]) tmin = c;
            bool bp = below_p(s, c), bt = below_T(s, c), bw = wet(s, c);
            below += bp || bt || bw;
            nbp += bp, nbt += bt, nwet += bw;
        }
        char margin[24];
        fmt_margin(margin, sizeof margin, s->margin[worst]);
        const char *g = s->consumer_group ? s->consumer_group[first[k]] : "";
        fprintf(out, "  %-14s %3zu %12.4f  %-14s %11s %11.1f %10zu\n", g[0] ? g : "(none)", n,
                s->pressure[pmin] / 1e6, s->consumer_id[worst], margin,
                s->temperature[tmin] - T0, below);
    }
    fprintf(out, "  below minimum: %zu of %zu consumers in pressure, %zu in temperature, %zu wet\n",
            nbp, nc, nbt, nwet);
    free(first), free(gi);
}

static void print_mains(const dh_summary *s, FILE *out)
{
    double pmin = INFINITY, dpmax = 0, loss = 0, cond = 0;
    size_t cmin = SIZE_MAX, lmax = SIZE_MAX;
    for (size_t c = 0; c < s->n_consumers; c++)
        if (s->pressure[c] < pmin) pmin = s->pressure[c], cmin = c;
    for (size_t l = 0; l < s->n_links; l++) {
        if (s->link_kind[l] == DH_LINK_PIPE && fabs(s->link_pressure_drop[l]) > dpmax)
            dpmax = fabs(s->link_pressure_drop[l]), lmax = l;
        if (isfinite(s->link_heat_loss[l])) loss += s->link_heat_loss[l];
        if (isfinite(s->link_condensate[l])) cond += s->link_condensate[l];
    }
    fprintf(out, "\nmains:\n");
    size_t nmin = SIZE_MAX, nmax = SIZE_MAX;
    for (size_t i = 0; s->node_pressure && i < s->n_nodes; i++) {
        if (!isfinite(s->node_pressure[i])) continue;
        if (nmin == SIZE_MAX || s->node_pressure[i] < s->node_pressure[nmin]) nmin = i;
        if (nmax == SIZE_MAX || s->node_pressure[i] > s->node_pressure[nmax]) nmax = i;
    }
    if (nmin != SIZE_MAX)
        fprintf(out, "  node pressure              min %.4f MPa(a) at node %s, max %.4f MPa(a) at "
                     "node %s\n", s->node_pressure[nmin] / 1e6, s->node_id[nmin],
                s->node_pressure[nmax] / 1e6, s->node_id[nmax]);
    if (cmin != SIZE_MAX)
        fprintf(out, "  minimum delivery pressure  %.4f MPa abs at consumer %s\n", pmin / 1e6,
                s->consumer_id[cmin]);
    if (lmax != SIZE_MAX)
        fprintf(out, "  largest pipe pressure drop %.4f MPa in pipe %s\n", dpmax / 1e6,
                s->link_id[lmax]);
    fprintf(out, "  heat loss of the pipes     %.1f kW\n", loss / 1e3);
    fprintf(out, "  condensate formed          %.3f t/h\n", cond * TPH);
    for (size_t j = 0; j < s->n_sources; j++)
        fprintf(out, "  source %-12s %8.3f t/h at %.4f MPa, %.1f degC%s%.0f kW\n", s->source_id[j],
                s->source_mass_flow[j] * TPH, s->source_pressure[j] / 1e6,
                s->source_temperature[j] - T0, s->source_heat ? ", heat " : "",
                s->source_heat ? s->source_heat[j] / 1e3 : 0.0);
}

void dh_summary_print(const dh_summary *s, unsigned flags, FILE *out)
{
    print_solve(s, out);
    if (s->plant) print_plant(s, s->plant, out);
    if (s->n_consumers) {
        print_groups(s, out);
        cons_row *rows = sorted_consumers(s);
        if (rows) {
            bool all = flags & DH_SUMMARY_CONSUMERS;
            size_t n = all ? s->n_consumers : s->n_consumers < WORST_N ? s->n_consumers : WORST_N;
            if (all) fprintf(out, "\nconsumers, worst supplied first:\n");
            else if (n < s->n_consumers)
                fprintf(out, "\nworst %zu consumers (all of them: -v, or dhsim report):\n", n);
            else fprintf(out, "\nconsumers, worst supplied first:\n");
            consumer_header(out);
            for (size_t k = 0; k < n; k++) consumer_line(s, rows[k].i, out);
            free(rows);
        }
    }
    print_mains(s, out);
}
