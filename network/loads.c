/* loads.c: consumer loads over time: calendar, temperature filters, the load models (space
 * heating, process schedules, domestic hot water, measured profiles), coincidence factors, and
 * the per-hour demand of every consumer.
 *
 * Exports (dh_loads.h): dh_day_of_year, dh_date_of_day, dh_calendar_*, dh_period_*,
 * dh_temperature_filter, dh_space_heating_*, dh_schedule_*, dh_hot_water_*, dh_load_model_init,
 * dh_loads_* (create/destroy, add_model, add_component, coincidence, prepare, demand).
 * Callers: the quasi-steady series study (solver/series.c, to come), the case reader's `loads:`
 * section (to come), tests/loads.
 *
 * No I/O here (readers are in weather.c). Allocation only in create/add/prepare; evaluation
 * (dh_loads_demand) is pure. Equations and sources: docs/loads.md.
 */
#include "dh_loads.h"

#include "dh_strutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T0 273.15 /* K at 0 degC */

/* ---- calendar ---------------------------------------------------------------------------- */

static const int MONTH_DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int dh_day_of_year(int month, int day)
{
    if (month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1]) return -1;
    int doy = 0;
    for (int m = 0; m < month - 1; m++)
        doy += MONTH_DAYS[m];
    return doy + day - 1;
}

void dh_date_of_day(int day_of_year, int *month, int *day)
{
    int d = ((day_of_year % DH_DAYS_PER_YEAR) + DH_DAYS_PER_YEAR) % DH_DAYS_PER_YEAR;
    int m = 0;
    while (d >= MONTH_DAYS[m]) {
        d -= MONTH_DAYS[m];
        m++;
    }
    if (month) *month = m + 1;
    if (day) *day = d + 1;
}

void dh_calendar_init(dh_calendar *cal, int jan1_weekday)
{
    memset(cal, 0, sizeof *cal);
    cal->jan1_weekday = ((jan1_weekday % 7) + 7) % 7;
}

dh_status dh_calendar_add_holiday(dh_calendar *cal, int month, int day, dh_error *err)
{
    int doy = dh_day_of_year(month, day);
    if (doy < 0)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "holiday %02d-%02d: no such day in a 365-day year", month, day);
    if (cal->n_holidays >= DH_CALENDAR_MAX_HOLIDAYS)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "more than %d holidays",
                            DH_CALENDAR_MAX_HOLIDAYS);
    cal->holiday[cal->n_holidays++] = doy;
    return DH_OK;
}

void dh_calendar_locate(const dh_calendar *cal, size_t t, int *day_of_year, int *weekday,
                        int *hour_of_day, bool *holiday)
{
    int doy = (int)(((size_t)cal->start_day + t / 24) % DH_DAYS_PER_YEAR);
    if (day_of_year) *day_of_year = doy;
    if (weekday) *weekday = (cal->jan1_weekday + doy) % 7;
    if (hour_of_day) *hour_of_day = (int)(t % 24);
    if (holiday) {
        *holiday = false;
        for (size_t i = 0; i < cal->n_holidays; i++)
            if (cal->holiday[i] == doy) *holiday = true;
    }
}

dh_status dh_period_set(dh_period *p, int first_month, int first_day, int last_month, int last_day,
                        double factor, dh_error *err)
{
    int a = dh_day_of_year(first_month, first_day), b = dh_day_of_year(last_month, last_day);
    if (a < 0 || b < 0)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "period %02d-%02d .. %02d-%02d: %02d-%02d is no day of a 365-day year",
                            first_month, first_day, last_month, last_day,
                            a < 0 ? first_month : last_month, a < 0 ? first_day : last_day);
    p->first_day = a;
    p->last_day = b;
    p->factor = factor;
    return DH_OK;
}

bool dh_period_contains(const dh_period *p, int doy)
{
    if (p->first_day <= p->last_day) return doy >= p->first_day && doy <= p->last_day;
    return doy >= p->first_day || doy <= p->last_day; /* wraps over New Year */
}

/* ---- temperature filters ----------------------------------------------------------------- */

dh_status dh_temperature_filter(const double *x, size_t n, double dt, dh_temp_filter filter,
                                double time, double *y, dh_error *err)
{
    if (n == 0 || !(dt > 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "temperature filter: empty series or time step <= 0");
    switch (filter) {
    case DH_FILTER_HOURLY:
        memcpy(y, x, n * sizeof *y);
        return DH_OK;
    case DH_FILTER_DAILY_MEAN: {
        size_t per_day = (size_t)lround(86400.0 / dt);
        if (per_day == 0 || n % per_day != 0)
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                "daily mean: the series (%zu steps) is not made of whole days", n);
        for (size_t d = 0; d < n; d += per_day) {
            double s = 0;
            for (size_t k = 0; k < per_day; k++)
                s += x[d + k];
            for (size_t k = 0; k < per_day; k++)
                y[d + k] = s / (double)per_day;
        }
        return DH_OK;
    }
    case DH_FILTER_MOVING: {
        if (!(time > 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                "moving average: the window must be > 0 s");
        size_t w = (size_t)lround(time / dt);
        if (w < 1) w = 1;
        /* y_k = (1/w) sum_{j=k-w+1}^{k} x_(j mod n): trailing window, periodic series.
         * Running sum started from the window ending at k = 0. */
        double s = 0;
        for (size_t j = 0; j < w; j++)
            s += x[(n - (j % n)) % n]; /* x_0, x_(n-1), ..., x_(n-w+1) (periodic) */
        y[0] = s / (double)w;
        for (size_t k = 1; k < n; k++) {
            s += x[k] - x[(k + n * ((w / n) + 1) - w) % n];
            y[k] = s / (double)w;
        }
        return DH_OK;
    }
    case DH_FILTER_EXPONENTIAL: {
        if (!(time > 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                "exponential filter: the time constant must be > 0 s");
        /* Exact discretisation of tau dy/dt = x - y with x held over each step. The periodic
         * state is y_0 = (1-a) sum_j a^j x_(-j): a first pass from the series mean, then the
         * recorded pass; the start error decays as a^(passes n) <= exp(-28) ~ 7e-13. */
        double a = exp(-dt / time), s = 0;
        for (size_t k = 0; k < n; k++)
            s += x[k];
        double yk = s / (double)n;
        size_t passes = (size_t)ceil(28.0 * time / (dt * (double)n));
        for (size_t p = 0; p < passes; p++)
            for (size_t k = 0; k < n; k++)
                yk = a * yk + (1 - a) * x[k];
        for (size_t k = 0; k < n; k++) {
            yk = a * yk + (1 - a) * x[k];
            y[k] = yk;
        }
        return DH_OK;
    }
    }
    return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "unknown temperature filter %d",
                        (int)filter);
}

/* ---- models ----------------------------------------------------------------------------- */

void dh_space_heating_init(dh_space_heating *m)
{
    memset(m, 0, sizeof *m);
    m->indoor_temperature = T0 + 18.0; /* GB 50736-2012 3.0.1: 18-24 degC in heated rooms of
                                          cold zones; 18 degC is the usual load basis */
    m->design_temperature = T0 - 4.7;  /* Linyi, GB 50736-2012 Appendix A */
    m->cutoff_temperature = T0 + 5.0;  /* heating period: daily mean <= 5 degC (GB 50736) */
    m->has_season = false;
    m->filter = DH_FILTER_DAILY_MEAN;
    m->filter_time = 86400.0;
    m->max_fraction = INFINITY;
}

double dh_space_heating_fraction(const dh_space_heating *m, double t_out, int doy)
{
    if (m->has_season && !dh_period_contains(&m->season, doy)) return 0.0;
    if (t_out > m->cutoff_temperature) return 0.0;
    /* f = (T_i - T_o)/(T_i - T_d): heat loss of a building proportional to the indoor-outdoor
     * difference (transmission + ventilation, constant UA), 1 at the design temperature. */
    double f = (m->indoor_temperature - t_out) / (m->indoor_temperature - m->design_temperature);
    if (f < 0) f = 0;
    if (f > m->max_fraction) f = m->max_fraction;
    return f;
}

void dh_schedule_init(dh_schedule *s)
{
    memset(s, 0, sizeof *s);
    for (int h = 0; h < 24; h++)
        s->hour_factor[h] = 1.0;
    for (int d = 0; d < 7; d++)
        s->weekday_factor[d] = 1.0;
    s->holiday_factor = 1.0;
}

dh_status dh_schedule_set_shifts(dh_schedule *s, int first_hour, int n_hours, double off_factor,
                                 dh_error *err)
{
    if (first_hour < 0 || first_hour > 23 || n_hours < 0 || n_hours > 24 || !(off_factor >= 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "shifts: first hour %d (0..23), %d hours (0..24), off factor %g (>= 0)",
                            first_hour, n_hours, off_factor);
    for (int h = 0; h < 24; h++)
        s->hour_factor[h] = off_factor;
    for (int k = 0; k < n_hours; k++)
        s->hour_factor[(first_hour + k) % 24] = 1.0;
    return DH_OK;
}

dh_status dh_schedule_set_workweek(dh_schedule *s, int workdays, double off_factor, dh_error *err)
{
    if (workdays < 1 || workdays > 7 || !(off_factor >= 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "working week: %d workdays (1..7), off factor %g (>= 0)", workdays,
                            off_factor);
    for (int d = 0; d < 7; d++)
        s->weekday_factor[d] = d < workdays ? 1.0 : off_factor;
    s->holiday_factor = off_factor;
    return DH_OK;
}

dh_status dh_schedule_add_period(dh_schedule *s, const dh_period *p, dh_error *err)
{
    if (s->n_periods >= DH_SCHEDULE_MAX_PERIODS)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "more than %d schedule periods",
                            DH_SCHEDULE_MAX_PERIODS);
    if (!(p->factor >= 0))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "period factor %g must be >= 0",
                            p->factor);
    s->period[s->n_periods++] = *p;
    return DH_OK;
}

double dh_schedule_factor(const dh_schedule *s, const dh_calendar *cal, size_t t)
{
    int doy, wd, h;
    bool hol;
    dh_calendar_locate(cal, t, &doy, &wd, &h, &hol);
    double f = s->hour_factor[h] * (hol ? s->holiday_factor : s->weekday_factor[wd]);
    for (size_t i = 0; i < s->n_periods; i++)
        if (dh_period_contains(&s->period[i], doy)) f *= s->period[i].factor;
    return f;
}

void dh_hot_water_init(dh_hot_water *m)
{
    for (int h = 0; h < 24; h++)
        m->hour_factor[h] = 1.0;
    for (int i = 0; i < 12; i++)
        m->month_factor[i] = 1.0;
}

double dh_hot_water_factor(const dh_hot_water *m, const dh_calendar *cal, size_t t)
{
    int doy, h, month;
    dh_calendar_locate(cal, t, &doy, NULL, &h, NULL);
    dh_date_of_day(doy, &month, NULL);
    return m->hour_factor[h] * m->month_factor[month - 1];
}

void dh_profile_destroy(dh_profile **p)
{
    if (!p || !*p) return;
    free((*p)->value);
    free(*p);
    *p = NULL;
}

void dh_load_model_init(dh_load_model *m, dh_load_kind kind)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    dh_space_heating_init(&m->heating);
    dh_schedule_init(&m->schedule);
    dh_hot_water_init(&m->hot_water);
}

/* ---- loads of the consumers -------------------------------------------------------------- */

typedef struct model_slot {
    dh_load_model m; /* m.name and m.profile point into this slot's own copies */
    char *name;
    dh_profile profile; /* copy of the model's profile (value owned) */
    double *t_drive;    /* K, filtered outdoor temperature (heating), n_hours values, owned */
} model_slot;

typedef struct component {
    size_t consumer, model;
    double design; /* W, kg/s, or a scale (profile) */
} component;

struct dh_loads {
    size_t n; /* consumers */
    dh_consumer_type *type;
    char **id;           /* may hold NULLs */
    double *coincidence; /* - */
    model_slot *models;
    size_t n_models, cap_models;
    component *comp;
    size_t n_comp, cap_comp;
    /* bound by dh_loads_prepare */
    bool prepared;
    size_t n_hours;
    double *air; /* K, n_hours values (copy of the weather) */
    dh_calendar cal;
};

static char *str_dup(const char *s)
{
    if (!s) return NULL;
    size_t len = strlen(s) + 1;
    char *d = malloc(len);
    if (d) memcpy(d, s, len);
    return d;
}

static const char *consumer_name(const dh_loads *L, size_t i, char *buf, size_t size)
{
    if (L->id && L->id[i])
        snprintf(buf, size, "consumer %s", L->id[i]);
    else
        snprintf(buf, size, "consumer #%zu", i);
    return buf;
}

dh_status dh_loads_create(size_t n, const dh_consumer_type *type, const char *const *ids,
                          dh_loads **out, dh_error *err)
{
    *out = NULL;
    dh_loads *L = calloc(1, sizeof *L);
    if (!L) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
    L->n = n;
    L->type = calloc(n ? n : 1, sizeof *L->type);
    L->id = calloc(n ? n : 1, sizeof *L->id);
    L->coincidence = calloc(n ? n : 1, sizeof *L->coincidence);
    if (!L->type || !L->id || !L->coincidence) goto nomem;
    for (size_t i = 0; i < n; i++) {
        L->type[i] = type ? type[i] : DH_CONSUMER_HEAT;
        L->coincidence[i] = 1.0;
        if (ids && ids[i] && !(L->id[i] = str_dup(ids[i]))) goto nomem;
    }
    *out = L;
    return DH_OK;
nomem:
    dh_loads_destroy(&L);
    return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
}

dh_status dh_loads_create_for_network(const dh_network *net, dh_loads **out, dh_error *err)
{
    return dh_loads_create(net->consumers.n, net->consumers.type,
                           (const char *const *)net->consumers.id, out, err);
}

void dh_loads_destroy(dh_loads **Lp)
{
    if (!Lp || !*Lp) return;
    dh_loads *L = *Lp;
    if (L->id)
        for (size_t i = 0; i < L->n; i++)
            free(L->id[i]);
    free(L->id);
    free(L->type);
    free(L->coincidence);
    for (size_t i = 0; i < L->n_models; i++) {
        free(L->models[i].name);
        free(L->models[i].profile.value);
        free(L->models[i].t_drive);
    }
    free(L->models);
    free(L->comp);
    free(L->air);
    free(L);
    *Lp = NULL;
}

static dh_status check_model(const dh_load_model *m, dh_error *err)
{
    const char *nm = m->name ? m->name : "load model";
    switch (m->kind) {
    case DH_LOAD_CONSTANT:
        return DH_OK;
    case DH_LOAD_SPACE_HEATING: {
        const dh_space_heating *h = &m->heating;
        if (!(h->indoor_temperature > h->design_temperature) || !(h->design_temperature > 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm,
                                "the indoor temperature (%.2f degC) must be above the design "
                                "outdoor temperature (%.2f degC)",
                                h->indoor_temperature - T0, h->design_temperature - T0);
        if (isnan(h->cutoff_temperature) || !(h->max_fraction > 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm,
                                "cut-off temperature and maximum fraction must be numbers (> 0)");
        if ((h->filter == DH_FILTER_MOVING || h->filter == DH_FILTER_EXPONENTIAL) &&
            !(h->filter_time > 0))
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm, "the averaging time must be > 0 s");
        if (h->has_season && (h->season.first_day < 0 || h->season.first_day >= 365 ||
                              h->season.last_day < 0 || h->season.last_day >= 365))
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm, "heating season out of the year");
        return DH_OK;
    }
    case DH_LOAD_PROCESS:
    case DH_LOAD_HOT_WATER: {
        const double *f =
            m->kind == DH_LOAD_PROCESS ? m->schedule.hour_factor : m->hot_water.hour_factor;
        for (int h = 0; h < 24; h++)
            if (!(f[h] >= 0) || isinf(f[h]))
                return dh_error_set(err, DH_ERR_INPUT, NULL, nm,
                                    "hour factor %d is %g: factors must be finite and >= 0", h,
                                    f[h]);
        return DH_OK;
    }
    case DH_LOAD_PROFILE:
        if (!m->profile || m->profile->n == 0 || !m->profile->value)
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm, "profile model without values");
        if (m->profile->quantity != DH_Q_POWER && m->profile->quantity != DH_Q_MASS_FLOW)
            return dh_error_set(err, DH_ERR_INPUT, NULL, nm,
                                "a profile holds a power (W) or a mass flow (kg/s)");
        return DH_OK;
    }
    return dh_error_set(err, DH_ERR_INPUT, NULL, nm, "unknown load model kind %d", (int)m->kind);
}

dh_status dh_loads_add_model(dh_loads *L, const dh_load_model *m, size_t *index, dh_error *err)
{
    dh_status st = check_model(m, err);
    if (st != DH_OK) return st;
    if (L->n_models == L->cap_models) {
        size_t cap = L->cap_models ? 2 * L->cap_models : 8;
        model_slot *p = realloc(L->models, cap * sizeof *p);
        if (!p) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
        L->models = p;
        L->cap_models = cap;
    }
    model_slot *s = &L->models[L->n_models];
    memset(s, 0, sizeof *s);
    s->m = *m;
    s->m.name = NULL;
    s->m.profile = NULL;
    if (m->name && !(s->name = str_dup(m->name)))
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
    if (m->kind == DH_LOAD_PROFILE) {
        s->profile = *m->profile;
        s->profile.value = malloc(m->profile->n * sizeof(double));
        if (!s->profile.value) {
            free(s->name);
            return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
        }
        memcpy(s->profile.value, m->profile->value, m->profile->n * sizeof(double));
    }
    s->m.name = s->name;
    L->prepared = false; /* a new heating model needs its filtered temperature */
    if (index) *index = L->n_models;
    L->n_models++;
    return DH_OK;
}

dh_status dh_loads_add_component(dh_loads *L, size_t consumer, size_t model, double design,
                                 dh_error *err)
{
    char cn[DH_ERROR_COMP_MAX];
    if (consumer >= L->n)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "no consumer #%zu (%zu consumers)",
                            consumer, L->n);
    consumer_name(L, consumer, cn, sizeof cn);
    if (model >= L->n_models)
        return dh_error_set(err, DH_ERR_INPUT, NULL, cn, "no load model #%zu", model);
    if (!(design >= 0) || isinf(design))
        return dh_error_set(err, DH_ERR_INPUT, NULL, cn, "design load %g must be finite and >= 0",
                            design);
    const model_slot *s = &L->models[model];
    if (s->m.kind == DH_LOAD_PROFILE) {
        dh_quantity want = L->type[consumer] == DH_CONSUMER_STEAM ? DH_Q_MASS_FLOW : DH_Q_POWER;
        if (s->profile.quantity != want)
            return dh_error_set(err, DH_ERR_INPUT, NULL, cn,
                                "profile '%s' holds a %s, but this %s consumer needs a %s",
                                s->name ? s->name : "", dh_quantity_name(s->profile.quantity),
                                L->type[consumer] == DH_CONSUMER_STEAM ? "steam" : "heat",
                                dh_quantity_name(want));
    }
    if (L->n_comp == L->cap_comp) {
        size_t cap = L->cap_comp ? 2 * L->cap_comp : 16;
        component *p = realloc(L->comp, cap * sizeof *p);
        if (!p) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
        L->comp = p;
        L->cap_comp = cap;
    }
    L->comp[L->n_comp++] = (component){consumer, model, design};
    return DH_OK;
}

dh_status dh_loads_set_coincidence(dh_loads *L, size_t consumer, double k, dh_error *err)
{
    if (consumer >= L->n)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "no consumer #%zu", consumer);
    if (!(k > 0 && k <= 1)) {
        char cn[DH_ERROR_COMP_MAX];
        return dh_error_set(err, DH_ERR_INPUT, NULL, consumer_name(L, consumer, cn, sizeof cn),
                            "coincidence factor %g must be in (0, 1]", k);
    }
    L->coincidence[consumer] = k;
    return DH_OK;
}

dh_status dh_loads_set_group_coincidence(dh_loads *L, const char *const *group,
                                         const char *group_name, double k, dh_error *err)
{
    if (!(k > 0 && k <= 1))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "group %s: coincidence factor %g must be in (0, 1]", group_name, k);
    size_t hits = 0;
    for (size_t i = 0; i < L->n; i++)
        if (group && group[i] && strcmp(group[i], group_name) == 0) {
            L->coincidence[i] = k;
            hits++;
        }
    if (hits == 0) {
        const char *s = group ? dh_str_suggest(group_name, group, L->n) : NULL;
        if (s)
            return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                                "no consumer in group '%s' (did you mean '%s'?)", group_name, s);
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "no consumer in group '%s'", group_name);
    }
    return DH_OK;
}

dh_status dh_loads_prepare(dh_loads *L, const dh_weather *w, const dh_calendar *cal, dh_error *err)
{
    if (!w || w->n == 0 || !w->air_temperature)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "loads: no weather series");
    L->prepared = false;
    double *air = realloc(L->air, w->n * sizeof *air);
    if (!air) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
    L->air = air;
    memcpy(air, w->air_temperature, w->n * sizeof *air);
    L->n_hours = w->n;
    L->cal = *cal;
    L->cal.start_day = w->start_day;
    for (size_t i = 0; i < L->n_models; i++) {
        model_slot *s = &L->models[i];
        if (s->m.kind != DH_LOAD_SPACE_HEATING) continue;
        double *t = realloc(s->t_drive, w->n * sizeof *t);
        if (!t) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "loads: out of memory");
        s->t_drive = t;
        dh_status st = dh_temperature_filter(air, w->n, w->time_step > 0 ? w->time_step : 3600.0,
                                             s->m.heating.filter, s->m.heating.filter_time, t, err);
        if (st != DH_OK) {
            if (err && s->name) snprintf(err->component, sizeof err->component, "%s", s->name);
            return st;
        }
    }
    L->prepared = true;
    return DH_OK;
}

size_t dh_loads_hours(const dh_loads *L)
{
    return L->prepared ? L->n_hours : 0;
}

double dh_loads_air_temperature(const dh_loads *L, size_t t)
{
    return L->prepared ? L->air[t % L->n_hours] : NAN;
}

/* Value of one model at hour t (k: index into the prepared series). */
static double model_value(const dh_loads *L, const model_slot *s, size_t t, size_t k)
{
    switch (s->m.kind) {
    case DH_LOAD_CONSTANT:
        return 1.0;
    case DH_LOAD_SPACE_HEATING: {
        int doy;
        dh_calendar_locate(&L->cal, t, &doy, NULL, NULL, NULL);
        return dh_space_heating_fraction(&s->m.heating, s->t_drive[k], doy);
    }
    case DH_LOAD_PROCESS:
        return dh_schedule_factor(&s->m.schedule, &L->cal, t);
    case DH_LOAD_HOT_WATER:
        return dh_hot_water_factor(&s->m.hot_water, &L->cal, t);
    case DH_LOAD_PROFILE: {
        /* hour of year of t, then its offset from the profile's first hour (periodic) */
        size_t hoy = ((size_t)L->cal.start_day * 24 + t) % DH_HOURS_PER_YEAR;
        size_t start = (size_t)s->profile.start_day * 24;
        size_t i = (hoy + DH_HOURS_PER_YEAR - start % DH_HOURS_PER_YEAR) % DH_HOURS_PER_YEAR;
        return s->profile.value[i % s->profile.n];
    }
    }
    return 0.0;
}

void dh_loads_demand(const dh_loads *L, size_t t, double *demand)
{
    for (size_t i = 0; i < L->n; i++)
        demand[i] = 0.0;
    if (!L->prepared) return;
    size_t k = t % L->n_hours;
    for (size_t c = 0; c < L->n_comp; c++) {
        const component *cp = &L->comp[c];
        demand[cp->consumer] += cp->design * model_value(L, &L->models[cp->model], t, k);
    }
    for (size_t i = 0; i < L->n; i++)
        demand[i] *= L->coincidence[i];
}
