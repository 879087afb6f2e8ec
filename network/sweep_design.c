/* sweep_design.c: the case list of a sweep: full grid, one at a time, Latin hypercube.
 *
 * Exports: dh_sweep_figure_names, dh_sweep_spec_destroy (dh_case.h), dh_sweep_cases_create,
 * dh_sweep_cases_destroy, dh_sweep_case_overrides (dh_sweep.h). Called by cli/cmd_sweep.c and
 * postproc/sweep_out.c; the spec comes from case_build.c (read_sweep).
 *
 * Designs (docs/case-format.md "Sweeps"):
 *   grid           prod(n_j) cases, mixed radix with the last parameter varying fastest;
 *   one_at_a_time  case 0 the base case (no override), then every value of parameter 1 alone,
 *                  then of parameter 2 ...: 1 + sum(n_j) cases;
 *   lhs            N samples; parameter j takes the strata perm_j(0..N-1) (a Fisher-Yates
 *                  permutation), a point uniformly inside each stratum: u = (perm_j(s) + r)/N
 *                  (McKay, Beckman & Conover 1979, Technometrics 21(2) 239-245). A range maps
 *                  u to from + u (to - from); a list takes value floor(u n_j).
 * The generator is splitmix64 (Steele, Lea & Flood 2014), seeded with `seed`, so the list does
 * not depend on the C library.
 */
#include "dh_sweep.h"

#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const dh_sweep_figure_names[] = {
    "min_delivery_pressure", /* Pa abs, lowest delivery pressure of any consumer */
    "worst_margin",          /* Pa, smallest delivery pressure - minimum (consumers with one) */
    "consumers_below",       /* -, consumers below their minimum pressure/temperature or wet */
    "min_node_pressure",     /* Pa abs */
    "max_pressure_drop",     /* Pa, largest pipe pressure drop */
    "header_pressure",       /* Pa abs, the plant header's (else the first source's) */
    "header_flow",           /* kg/s, delivered by the plant (else the sources' total) */
    "heat_loss",             /* W, the pipes' */
    "condensate",            /* kg/s formed in the pipes */
    "unmet_steam",           /* kg/s, steam consumers' unmet demand */
    "unmet_heat",            /* W, heat consumers' unmet demand */
    "electric_power",        /* W, plant */
    "fuel",                  /* kg/s, plant fuel as fired */
    "fuel_heat",             /* W LHV */
    "heat_supplied",         /* W, plant to the network */
    "plant_efficiency",      /* -, first law */
    "reserve",               /* kg/s, plant capacity - delivered */
    "shortfall",             /* kg/s, header demand - delivered */
    "n1_verdict",            /* 1 holds, 0 fails, -1 not checked */
    "n1_margin",             /* kg/s, N-1 capacity - demand */
    "n1_shed",               /* kg/s to shed with the largest boiler out */
    NULL,
};

void dh_sweep_spec_destroy(dh_sweep_spec **ps)
{
    if (!ps || !*ps) return;
    dh_sweep_spec *s = *ps;
    for (size_t j = 0; j < s->n_params; j++) {
        dh_sweep_param *p = &s->param[j];
        for (size_t i = 0; i < p->n_values; i++) free(p->values[i]);
        free(p->values);
        free(p->path);
        free(p->unit);
    }
    free(s->param);
    free(s);
    *ps = NULL;
}

void dh_sweep_cases_destroy(dh_sweep_cases **psc)
{
    if (!psc || !*psc) return;
    dh_sweep_cases *sc = *psc;
    size_t n = sc->n_cases * sc->n_params;
    if (sc->text)
        for (size_t i = 0; i < n; i++) free(sc->text[i]);
    if (sc->override)
        for (size_t i = 0; i < n; i++) free(sc->override[i]);
    if (sc->path)
        for (size_t j = 0; j < sc->n_params; j++) free(sc->path[j]);
    free(sc->path), free(sc->text), free(sc->si), free(sc->override);
    free(sc);
    *psc = NULL;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) with 53 random bits */
static double unit_random(uint64_t *x) { return (double)(splitmix64(x) >> 11) * 0x1.0p-53; }

/* The SI value of a text, trying the quantities a sweep parameter usually is; NaN if none. */
static double to_si(const dh_units *u, const char *text, double p_atm)
{
    static const dh_quantity q[] = {
        DH_Q_DIMENSIONLESS, DH_Q_PRESSURE, DH_Q_TEMPERATURE, DH_Q_MASS_FLOW, DH_Q_POWER,
        DH_Q_LENGTH, DH_Q_VELOCITY, DH_Q_VOLUME_FLOW, DH_Q_TIME, DH_Q_ENERGY, DH_Q_MASS,
        DH_Q_SPECIFIC_ENERGY, DH_Q_CONDUCTIVITY, DH_Q_HEAT_TRANSFER, DH_Q_DENSITY, DH_Q_AREA};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        double v;
        dh_error e;
        if (dh_units_parse(u, text, q[i], p_atm, &v, NULL, &e) == DH_OK) return v;
    }
    return NAN;
}

static int set_value(dh_sweep_cases *sc, size_t k, size_t j, const char *text)
{
    size_t i = k * sc->n_params + j;
    if (!text) return 0;
    size_t n = strlen(sc->path[j]) + strlen(text) + 2;
    if (!(sc->text[i] = strdup(text)) || !(sc->override[i] = malloc(n))) return -1;
    snprintf(sc->override[i], n, "%s=%s", sc->path[j], text);
    return 0;
}

static void hash_str(struct sha256_ctx *h, const char *s)
{
    sha256_update(h, strlen(s) + 1, (const uint8_t *)s); /* with the NUL: unambiguous */
}

dh_status dh_sweep_cases_create(const dh_case *c, const char *const *sets, size_t n_sets,
                                const dh_units *units, dh_sweep_cases **out, dh_error *err)
{
    *out = NULL;
    const dh_sweep_spec *sw = c->sweep;
    if (!sw) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "the case has no 'sweep:' section");
    dh_units *owned = NULL;
    if (!units) {
        if (dh_units_create(&owned, err) != DH_OK) return err->code;
        units = owned;
    }
    dh_status st = DH_ERR_NOMEM;
    dh_sweep_cases *sc = calloc(1, sizeof *sc);
    if (!sc) goto fail;
    size_t np = sc->n_params = sw->n_params;
    double n = 0;
    switch (sw->design) {
    case DH_SWEEP_GRID:
        n = 1;
        for (size_t j = 0; j < np; j++) n *= (double)sw->param[j].n_values;
        break;
    case DH_SWEEP_ONE_AT_A_TIME:
        n = 1;
        for (size_t j = 0; j < np; j++) n += (double)sw->param[j].n_values;
        break;
    case DH_SWEEP_LHS:
        n = (double)sw->samples;
        break;
    }
    if (n > 1e8 || n < 1) {
        st = dh_error_set(err, DH_ERR_INPUT, NULL, "sweep",
                          "the sweep has %.0f cases (at most 10^8; at least 1)", n);
        goto fail;
    }
    size_t nc = sc->n_cases = (size_t)n;
    size_t cells = nc * (np ? np : 1);
    sc->path = calloc(np ? np : 1, sizeof *sc->path);
    sc->text = calloc(cells, sizeof *sc->text);
    sc->override = calloc(cells, sizeof *sc->override);
    sc->si = malloc(cells * sizeof *sc->si);
    if (!sc->path || !sc->text || !sc->override || !sc->si) goto fail;
    for (size_t j = 0; j < np; j++)
        if (!(sc->path[j] = strdup(sw->param[j].path))) goto fail;

    if (sw->design == DH_SWEEP_GRID) {
        for (size_t k = 0; k < nc; k++) {
            size_t rest = k;
            for (size_t j = np; j-- > 0;) {
                size_t nv = sw->param[j].n_values;
                if (set_value(sc, k, j, sw->param[j].values[rest % nv])) goto fail;
                rest /= nv;
            }
        }
    } else if (sw->design == DH_SWEEP_ONE_AT_A_TIME) {
        size_t k = 1; /* case 0: the base case */
        for (size_t j = 0; j < np; j++)
            for (size_t i = 0; i < sw->param[j].n_values; i++, k++)
                if (set_value(sc, k, j, sw->param[j].values[i])) goto fail;
    } else {
        uint64_t rng = (uint64_t)sw->seed;
        size_t *perm = malloc(nc * sizeof *perm);
        if (!perm) goto fail;
        for (size_t j = 0; j < np; j++) {
            const dh_sweep_param *p = &sw->param[j];
            for (size_t s = 0; s < nc; s++) perm[s] = s;
            for (size_t s = nc; s-- > 1;) { /* Fisher-Yates */
                size_t r = (size_t)(splitmix64(&rng) % (uint64_t)(s + 1));
                size_t t = perm[s];
                perm[s] = perm[r], perm[r] = t;
            }
            for (size_t s = 0; s < nc; s++) {
                double u = ((double)perm[s] + unit_random(&rng)) / (double)nc;
                char buf[128];
                const char *text;
                if (p->is_range) {
                    snprintf(buf, sizeof buf, "%.10g%s%s", p->from + u * (p->to - p->from),
                             p->unit[0] ? " " : "", p->unit);
                    text = buf;
                } else {
                    size_t i = (size_t)(u * (double)p->n_values);
                    text = p->values[i < p->n_values ? i : p->n_values - 1];
                }
                if (set_value(sc, s, j, text)) {
                    free(perm);
                    goto fail;
                }
            }
        }
        free(perm);
    }
    double p_atm = c->net ? c->net->ambient.atmospheric_pressure : 101325.0;
    for (size_t i = 0; i < nc * np; i++) sc->si[i] = sc->text[i] ? to_si(units, sc->text[i], p_atm) : NAN;

    struct sha256_ctx h;
    sha256_init(&h);
    hash_str(&h, "dhsim sweep 1");
    hash_str(&h, c->sha256);
    for (size_t i = 0; i < n_sets; i++) hash_str(&h, sets[i]);
    char num[64];
    snprintf(num, sizeof num, "%zu %zu %d", nc, np, (int)sw->per_case_results);
    hash_str(&h, num);
    for (size_t i = 0; i < nc * np; i++) hash_str(&h, sc->override[i] ? sc->override[i] : "");
    for (size_t i = 0; i < sw->n_collect; i++) hash_str(&h, sw->collect[i]);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) snprintf(sc->hash + 2 * i, 3, "%02x", d[i]);
    dh_units_destroy(&owned);
    *out = sc;
    return DH_OK;
fail:
    if (st == DH_ERR_NOMEM) dh_error_set(err, DH_ERR_NOMEM, NULL, "sweep", "out of memory");
    dh_sweep_cases_destroy(&sc);
    dh_units_destroy(&owned);
    return st;
}

size_t dh_sweep_case_overrides(const dh_sweep_cases *sc, size_t k, const char *const *sets,
                               size_t n_sets, const char **ov)
{
    size_t n = 0;
    for (size_t i = 0; i < n_sets; i++) ov[n++] = sets[i];
    for (size_t j = 0; j < sc->n_params; j++)
        if (sc->override[k * sc->n_params + j]) ov[n++] = sc->override[k * sc->n_params + j];
    return n;
}
