/* weather.c: readers of hourly series (EPW weather files, plain CSV weather, CSV load profiles)
 * and the design-day generator.
 *
 * Exports (dh_loads.h): dh_weather_read_epw[_string], dh_weather_read_csv[_string],
 * dh_weather_create/destroy, dh_profile_read_csv[_string], dh_diurnal_fraction, dh_design_day.
 * Callers: the case reader's `weather:` and `loads:` sections (to come), the series study,
 * tests/loads.
 *
 * Readers only read: they fill arrays in SI and report every problem found as
 * `file:line:col: error: message` into a dh_diag (up to its cap), then fail once. No numerics
 * beyond unit conversion and filling isolated missing values.
 *
 * EPW format: EnergyPlus "Auxiliary Programs", chapter "Weather Converter Program", section
 * "EnergyPlus Weather File (EPW) Data Dictionary": 8 header lines, then hourly rows of 35
 * fields; field 7 dry bulb (degC, missing 99.9), 10 station pressure (Pa, missing 999999),
 * 22 wind speed (m/s, missing 999). Hour field 1..24 = the hour ending at that time.
 */
#include "dh_loads.h"

#include "dh_strutil.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T0             273.15 /* K at 0 degC */
#define MAX_FIELDS     64     /* fields split per line (EPW rows have 35) */
#define EPW_ROW_FIELDS 35

/* ---- weather object ---------------------------------------------------------------------- */

dh_status dh_weather_create(size_t n, bool with_pressure, bool with_wind, dh_weather **out,
                            dh_error *err)
{
    *out = NULL;
    if (n == 0) return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "weather: no hours");
    dh_weather *w = calloc(1, sizeof *w);
    if (!w) return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "weather: out of memory");
    w->n = n;
    w->time_step = 3600.0;
    w->start_weekday = -1;
    w->latitude = w->longitude = w->time_zone = w->elevation = NAN;
    w->air_temperature = calloc(n, sizeof(double));
    if (with_pressure) w->pressure = calloc(n, sizeof(double));
    if (with_wind) w->wind_speed = calloc(n, sizeof(double));
    if (!w->air_temperature || (with_pressure && !w->pressure) || (with_wind && !w->wind_speed)) {
        dh_weather_destroy(&w);
        return dh_error_set(err, DH_ERR_NOMEM, NULL, NULL, "weather: out of memory");
    }
    *out = w;
    return DH_OK;
}

void dh_weather_destroy(dh_weather **wp)
{
    if (!wp || !*wp) return;
    free((*wp)->air_temperature);
    free((*wp)->pressure);
    free((*wp)->wind_speed);
    free(*wp);
    *wp = NULL;
}

/* ---- small text helpers ------------------------------------------------------------------ */

typedef struct line_iter {
    const char *p, *end;
    int lineno;
} line_iter;

/* Next line (without its \n or \r\n) into [*s, *s + *len); false at the end of the text. */
static bool next_line(line_iter *it, const char **s, size_t *len)
{
    if (it->p >= it->end) return false;
    const char *q = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *e = q ? q : it->end;
    *s = it->p;
    *len = (size_t)(e - it->p);
    if (*len > 0 && (*s)[*len - 1] == '\r') (*len)--;
    it->p = q ? q + 1 : it->end;
    it->lineno++;
    return true;
}

typedef struct fields {
    char *buf; /* copy of the line, fields NUL-terminated in place */
    size_t cap;
    size_t n; /* fields found in the line (may exceed MAX_FIELDS) */
    char *f[MAX_FIELDS];
    int col[MAX_FIELDS]; /* 1-based column of each field's first character */
    int end_col;         /* column just after the line */
} fields;

/* Splits a line at commas (no quoting: neither EPW nor our CSV tables quote). Returns false
 * when out of memory. */
static bool split(fields *fs, const char *s, size_t len)
{
    if (len + 1 > fs->cap) {
        size_t cap = 2 * (len + 1) + 64;
        char *b = realloc(fs->buf, cap);
        if (!b) return false;
        fs->buf = b;
        fs->cap = cap;
    }
    memcpy(fs->buf, s, len);
    fs->buf[len] = '\0';
    fs->n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || fs->buf[i] == ',') {
            fs->buf[i] = '\0';
            if (fs->n < MAX_FIELDS) {
                fs->f[fs->n] = fs->buf + start;
                fs->col[fs->n] = (int)start + 1;
            }
            fs->n++;
            start = i + 1;
        }
    }
    fs->end_col = (int)len + 1;
    return true;
}

/* Trims blanks in place; returns the trimmed string. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Whole-field number (blanks around allowed); false if empty or trailing text. */
static bool parse_double(const char *s, double *v)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) return false;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || errno == ERANGE) return false;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || !isfinite(x)) return false;
    *v = x;
    return true;
}

static bool parse_int(const char *s, long *v)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) return false;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || errno == ERANGE) return false;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end) return false;
    *v = x;
    return true;
}

static dh_srcpos at(const char *name, int line, int col)
{
    return (dh_srcpos){name, line, col};
}

/* Reads a whole file into memory (NUL-terminated). */
static dh_status slurp(const char *path, char **text, size_t *len, dh_diag *diag)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dh_diag_report(diag, DH_ERR_IO, &(dh_srcpos){path, 0, 0}, NULL,
                              "cannot open the file: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) break;
        char *b = realloc(buf, 2 * cap);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf) return dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", path);
    if (bad) {
        free(buf);
        return dh_diag_report(diag, DH_ERR_IO, &(dh_srcpos){path, 0, 0}, NULL, "read error");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return DH_OK;
}

/* Fills NAN gaps of x[0..n) linearly between valid neighbours (ends: nearest valid value).
 * Returns false when no value is valid. */
static bool fill_gaps(double *x, size_t n)
{
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) continue;
        if (prev == SIZE_MAX) {
            for (size_t j = 0; j < i; j++)
                x[j] = x[i];
        } else if (i > prev + 1) {
            for (size_t j = prev + 1; j < i; j++)
                x[j] = x[prev] + (x[i] - x[prev]) * (double)(j - prev) / (double)(i - prev);
        }
        prev = i;
    }
    if (prev == SIZE_MAX) return false;
    for (size_t j = prev + 1; j < n; j++)
        x[j] = x[prev];
    return true;
}

/* ---- EPW --------------------------------------------------------------------------------- */

static const char *const EPW_HEADERS[8] = {"LOCATION",
                                           "DESIGN CONDITIONS",
                                           "TYPICAL/EXTREME PERIODS",
                                           "GROUND TEMPERATURES",
                                           "HOLIDAYS/DAYLIGHT SAVINGS",
                                           "COMMENTS 1",
                                           "COMMENTS 2",
                                           "DATA PERIODS"};

static const char *const WEEKDAYS[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

/* "m/d" with optional blanks (" 1/ 1", "12/31") -> day of year; -1 if malformed. */
static int parse_month_day(const char *s)
{
    int m, d;
    char tail;
    if (sscanf(s, " %d / %d %c", &m, &d, &tail) != 2) return -1;
    return dh_day_of_year(m, d);
}

/* Standard atmosphere at elevation z (m): ASHRAE Handbook of Fundamentals (2009) ch. 1,
 * eq. (3): p = 101.325 (1 - 2.25577e-5 z)^5.2559 kPa. */
static double standard_pressure(double z)
{
    return 101325.0 * pow(1.0 - 2.25577e-5 * z, 5.2559);
}

dh_status dh_weather_read_epw_string(const char *text, size_t len, const char *name,
                                     dh_weather **out, dh_diag *diag)
{
    *out = NULL;
    if (!name) name = "<string>";
    size_t errors0 = diag->count + diag->dropped;
    fields fs = {0};
    line_iter it = {text, text + len, 0};
    const char *s;
    size_t sl;
    dh_weather *w = NULL;
    double *t = NULL, *p = NULL, *v = NULL;
    size_t n = 0, cap = 0;
    dh_status st = DH_OK;

    char location[96] = "", station[32] = "";
    double lat = NAN, lon = NAN, tz = NAN, elev = NAN;
    int start_day = 0, end_day = DH_DAYS_PER_YEAR - 1, start_weekday = -1;
    bool header_ok = true;

    /* -- the 8 header lines */
    for (int k = 0; k < 8; k++) {
        if (!next_line(&it, &s, &sl)) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno + 1, 1}, NULL,
                           "EPW file ends in its header: expected the '%s' line", EPW_HEADERS[k]);
            st = DH_ERR_PARSE;
            goto done;
        }
        if (!split(&fs, s, sl)) {
            st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
            goto done;
        }
        char *key = trim(fs.f[0]);
        if (strcasecmp(key, EPW_HEADERS[k]) != 0) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, 1}, NULL,
                           "expected the EPW header line '%s', found '%.40s'", EPW_HEADERS[k], key);
            header_ok = false;
            continue;
        }
        if (k == 0) { /* LOCATION,city,state,country,source,WMO,lat,lon,tz,elevation */
            if (fs.n < 10) {
                dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, fs.end_col}, NULL,
                               "LOCATION needs 10 fields, found %zu", fs.n);
                header_ok = false;
                continue;
            }
            snprintf(location, sizeof location, "%s", trim(fs.f[1]));
            snprintf(station, sizeof station, "%s", trim(fs.f[5]));
            double *dst[4] = {&lat, &lon, &tz, &elev};
            const char *what[4] = {"latitude", "longitude", "time zone", "elevation"};
            for (int j = 0; j < 4; j++)
                if (!parse_double(fs.f[6 + j], dst[j])) {
                    dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, fs.col[6 + j]},
                                   NULL, "LOCATION: %s is not a number: '%.20s'", what[j],
                                   fs.f[6 + j]);
                    header_ok = false;
                }
        } else if (k == 7) { /* DATA PERIODS,N,records/hour,name,start weekday,start,end */
            long np = 0, rph = 0;
            if (fs.n < 7 || !parse_int(fs.f[1], &np) || !parse_int(fs.f[2], &rph)) {
                dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, 1}, NULL,
                               "DATA PERIODS: expected 'DATA PERIODS,1,1,name,weekday,m/d,m/d'");
                header_ok = false;
                continue;
            }
            if (np != 1) {
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, fs.col[1]}, NULL,
                               "%ld data periods: dhsim reads files with one", np);
                header_ok = false;
            }
            if (rph != 1) {
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, fs.col[2]}, NULL,
                               "%ld records per hour: dhsim reads hourly files (1 per hour)", rph);
                header_ok = false;
            }
            char *wd = trim(fs.f[4]);
            for (int j = 0; j < 7; j++)
                if (strcasecmp(wd, WEEKDAYS[j]) == 0) start_weekday = j;
            if (start_weekday < 0) {
                dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, fs.col[4]}, NULL,
                               "DATA PERIODS: unknown start weekday '%.20s'", wd);
                header_ok = false;
            }
            start_day = parse_month_day(fs.f[5]);
            end_day = parse_month_day(fs.f[6]);
            if (start_day < 0 || end_day < 0) {
                int j = start_day < 0 ? 5 : 6;
                dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, it.lineno, fs.col[j]}, NULL,
                               "DATA PERIODS: not a date of a 365-day year: '%.20s'",
                               trim(fs.f[j]));
                header_ok = false;
                start_day = 0;
                end_day = DH_DAYS_PER_YEAR - 1;
            }
        }
    }
    if (!header_ok) {
        st = DH_ERR_PARSE;
        goto done;
    }

    /* -- hourly rows */
    size_t days = (size_t)((end_day - start_day + DH_DAYS_PER_YEAR) % DH_DAYS_PER_YEAR) + 1;
    size_t expect_n = 24 * days;
    cap = expect_n;
    t = malloc(cap * sizeof *t);
    p = malloc(cap * sizeof *p);
    v = malloc(cap * sizeof *v);
    if (!t || !p || !v) {
        st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
        goto done;
    }
    bool seq_reported = false;
    while (next_line(&it, &s, &sl)) {
        bool blank = true;
        for (size_t i = 0; i < sl && blank; i++)
            blank = isspace((unsigned char)s[i]) != 0;
        if (blank) continue;
        int line = it.lineno;
        if (n >= expect_n) {
            int m1, d1, m2, d2;
            dh_date_of_day(start_day, &m1, &d1);
            dh_date_of_day(end_day, &m2, &d2);
            dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, 1}, NULL,
                           "more rows than the data period %d/%d to %d/%d holds (%zu hours)", m1,
                           d1, m2, d2, expect_n);
            break;
        }
        if (!split(&fs, s, sl)) {
            st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
            goto done;
        }
        t[n] = p[n] = v[n] = NAN;
        if (fs.n < EPW_ROW_FIELDS) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.end_col}, NULL,
                           "EPW row has %zu fields, expected %d", fs.n, EPW_ROW_FIELDS);
            n++;
            continue;
        }
        /* month, day, hour must continue the series */
        int exp_month, exp_day;
        dh_date_of_day(start_day + (int)(n / 24), &exp_month, &exp_day);
        long exp_hour = (long)(n % 24) + 1;
        long mo, dy, hr;
        if (!parse_int(fs.f[1], &mo) || !parse_int(fs.f[2], &dy) || !parse_int(fs.f[3], &hr)) {
            int j = !parse_int(fs.f[1], &mo) ? 1 : !parse_int(fs.f[2], &dy) ? 2 : 3;
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[j]}, NULL,
                           "%s is not an integer: '%.20s'",
                           j == 1   ? "month"
                           : j == 2 ? "day"
                                    : "hour",
                           fs.f[j]);
        } else if (!seq_reported && (mo != exp_month || dy != exp_day || hr != exp_hour)) {
            seq_reported = true; /* one report: every later row would repeat it */
            int j = mo != exp_month ? 1 : dy != exp_day ? 2 : 3;
            dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[j]}, NULL,
                           "expected %d/%d hour %ld, found %ld/%ld hour %ld (rows must be "
                           "consecutive hours from the data period's start)",
                           exp_month, exp_day, exp_hour, mo, dy, hr);
        }
        double x;
        if (!parse_double(fs.f[6], &x)) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[6]}, NULL,
                           "dry bulb temperature is not a number: '%.20s'", fs.f[6]);
        } else if (x >= 99.9) {
            dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[6]}, NULL,
                           "dry bulb temperature missing (%g)", x);
        } else if (x <= -70.0 || x >= 70.0) {
            dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[6]}, NULL,
                           "dry bulb temperature %g degC outside -70..70 degC", x);
        } else {
            t[n] = x + T0;
        }
        if (!parse_double(fs.f[9], &x)) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[9]}, NULL,
                           "station pressure is not a number: '%.20s'", fs.f[9]);
        } else if (x < 999999.0) {
            if (x <= 31000.0 || x >= 120000.0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[9]}, NULL,
                               "station pressure %g Pa outside 31000..120000 Pa", x);
            else
                p[n] = x;
        }
        if (!parse_double(fs.f[21], &x)) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[21]}, NULL,
                           "wind speed is not a number: '%.20s'", fs.f[21]);
        } else if (x < 999.0) {
            if (x < 0.0 || x > 40.0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[21]}, NULL,
                               "wind speed %g m/s outside 0..40 m/s", x);
            else
                v[n] = x;
        }
        n++;
    }
    if (n < expect_n && diag->count + diag->dropped == errors0) {
        int m1, d1, m2, d2;
        dh_date_of_day(start_day, &m1, &d1);
        dh_date_of_day(end_day, &m2, &d2);
        dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, 1}, NULL,
                       "the file ends after %zu hourly rows; the data period %d/%d to %d/%d "
                       "has %zu",
                       n, m1, d1, m2, d2, expect_n);
    }
    if (diag->count + diag->dropped != errors0) {
        st = DH_ERR_PARSE;
        goto done;
    }

    bool has_p = fill_gaps(p, n);
    if (!has_p && isfinite(elev)) {
        for (size_t i = 0; i < n; i++)
            p[i] = standard_pressure(elev);
        has_p = true;
    }
    bool has_v = fill_gaps(v, n);
    dh_error e;
    st = dh_weather_create(n, has_p, has_v, &w, &e);
    if (st != DH_OK) {
        dh_diag_add(diag, &e);
        goto done;
    }
    memcpy(w->air_temperature, t, n * sizeof *t);
    if (has_p) memcpy(w->pressure, p, n * sizeof *p);
    if (has_v) memcpy(w->wind_speed, v, n * sizeof *v);
    w->start_day = start_day;
    w->start_weekday = start_weekday;
    snprintf(w->location, sizeof w->location, "%s", location);
    snprintf(w->station_id, sizeof w->station_id, "%s", station);
    w->latitude = lat;
    w->longitude = lon;
    w->time_zone = tz;
    w->elevation = elev;
    *out = w;
done:
    free(fs.buf);
    free(t);
    free(p);
    free(v);
    return st;
}

dh_status dh_weather_read_epw(const char *path, dh_weather **out, dh_diag *diag)
{
    *out = NULL;
    char *text;
    size_t len;
    dh_status st = slurp(path, &text, &len, diag);
    if (st != DH_OK) return st;
    st = dh_weather_read_epw_string(text, len, path, out, diag);
    free(text);
    return st;
}

/* ---- CSV (weather and profiles) ---------------------------------------------------------- */

/* Column header "name [unit]" -> name and unit (both trimmed, in place). */
static void split_header(char *h, char **name, char **unit)
{
    char *lb = strchr(h, '[');
    *unit = NULL;
    if (lb) {
        char *rb = strchr(lb, ']');
        *lb = '\0';
        if (rb) *rb = '\0';
        *unit = trim(lb + 1);
    }
    *name = trim(h);
}

/* Time cell -> hour of year (0..8759). "YYYY-MM-DD HH:MM[:SS]" ('T' allowed) when is_time,
 * else an integer hour of year. Writes a message into msg on failure. */
static bool parse_time_cell(const char *s, bool is_time, long *hoy, char *msg, size_t msz)
{
    if (!is_time) {
        if (!parse_int(s, hoy) || *hoy < 0 || *hoy >= DH_HOURS_PER_YEAR) {
            snprintf(msg, msz, "hour of year must be an integer 0..8759, found '%.20s'", s);
            return false;
        }
        return true;
    }
    int y, mo, d, h, mi, sec = 0, used = 0;
    char sep;
    while (*s == ' ')
        s++;
    int k = sscanf(s, "%d-%d-%d%c%d:%d%n", &y, &mo, &d, &sep, &h, &mi, &used);
    if (k < 6 || (sep != ' ' && sep != 'T')) {
        snprintf(msg, msz, "time must read 'YYYY-MM-DD HH:MM', found '%.30s'", s);
        return false;
    }
    const char *rest = s + used;
    if (*rest == ':') {
        int u2 = 0;
        if (sscanf(rest, ":%d%n", &sec, &u2) != 1) {
            snprintf(msg, msz, "time must read 'YYYY-MM-DD HH:MM', found '%.30s'", s);
            return false;
        }
        rest += u2;
    }
    while (*rest == ' ')
        rest++;
    if (*rest) {
        snprintf(msg, msz, "unexpected text after the time: '%.20s'", rest);
        return false;
    }
    if (mo == 2 && d == 29) {
        snprintf(msg, msz,
                 "29 February: dhsim uses a 365-day year (as EPW typical years do): "
                 "drop the day");
        return false;
    }
    int doy = dh_day_of_year(mo, d);
    if (doy < 0 || h < 0 || h > 23 || mi != 0 || sec != 0) {
        snprintf(msg, msz, "not an hour of a 365-day year: '%.30s' (hours start at HH:00)", s);
        return false;
    }
    *hoy = (long)doy * 24 + h;
    return true;
}

typedef enum csv_kind { CSV_WEATHER, CSV_PROFILE } csv_kind;

enum { COL_AIR, COL_WIND, COL_PRESSURE, COL_VALUE, N_COLS };

/* Reads a weather or profile CSV into arrays. cols: a column index per COL_* (-1 absent). */
static dh_status read_series_csv(const char *text, size_t len, const char *name,
                                 const dh_units *units, csv_kind kind, dh_weather **wout,
                                 dh_profile **pout, dh_diag *diag)
{
    size_t errors0 = diag->count + diag->dropped;
    dh_units *own_units = NULL;
    fields fs = {0};
    double *val[N_COLS] = {0};
    size_t n = 0, cap = 0;
    int col[N_COLS] = {-1, -1, -1, -1};
    double a[N_COLS] = {1, 1, 1, 1}, b[N_COLS] = {0, 0, 0, 0}; /* SI = a x + b */
    dh_quantity value_q = DH_Q_POWER;
    int time_col = -1;
    bool is_time = false;
    size_t ncols = 0;
    long first_hoy = -1, prev_hoy = -1;
    dh_status st = DH_OK;
    dh_error e;

    if (!units) {
        st = dh_units_create(&own_units, &e);
        if (st != DH_OK) {
            dh_diag_add(diag, &e);
            return st;
        }
        units = own_units;
    }
    line_iter it = {text, text + len, 0};
    const char *s;
    size_t sl;
    bool have_header = false;
    while (next_line(&it, &s, &sl)) {
        size_t i = 0;
        while (i < sl && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == sl || s[i] == '#') continue;
        if (!split(&fs, s, sl)) {
            st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
            goto done;
        }
        int line = it.lineno;
        if (!have_header) {
            have_header = true;
            ncols = fs.n;
            if (ncols > MAX_FIELDS) {
                st = dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, 1}, NULL,
                                    "%zu columns: at most %d", ncols, MAX_FIELDS);
                goto done;
            }
            static const char *const known_w[] = {"time", "hour", "air", "wind", "pressure"};
            for (size_t j = 0; j < ncols; j++) {
                char *cn, *unit;
                split_header(fs.f[j], &cn, &unit);
                dh_srcpos pos = at(name, line, fs.col[j]);
                int which = -1;
                dh_quantity q = DH_Q_DIMENSIONLESS;
                if (strcasecmp(cn, "time") == 0 || strcasecmp(cn, "hour") == 0) {
                    if (time_col >= 0) {
                        dh_diag_report(diag, DH_ERR_INPUT, &pos, NULL, "a second time column '%s'",
                                       cn);
                        continue;
                    }
                    time_col = (int)j;
                    is_time = strcasecmp(cn, "time") == 0;
                    continue;
                }
                if (kind == CSV_WEATHER) {
                    if (strcasecmp(cn, "air") == 0) {
                        which = COL_AIR;
                        q = DH_Q_TEMPERATURE;
                    } else if (strcasecmp(cn, "wind") == 0) {
                        which = COL_WIND;
                        q = DH_Q_VELOCITY;
                    } else if (strcasecmp(cn, "pressure") == 0) {
                        which = COL_PRESSURE;
                        q = DH_Q_PRESSURE;
                    } else {
                        const char *sug = dh_str_suggest(cn, known_w, 5);
                        if (sug)
                            dh_diag_report(diag, DH_ERR_INPUT, &pos, NULL,
                                           "unknown column '%s' (did you mean '%s'?)", cn, sug);
                        else
                            dh_diag_report(diag, DH_ERR_INPUT, &pos, NULL,
                                           "unknown column '%s': weather columns are time or "
                                           "hour, air, wind, pressure",
                                           cn);
                        continue;
                    }
                } else {
                    if (col[COL_VALUE] >= 0) {
                        dh_diag_report(diag, DH_ERR_INPUT, &pos, NULL,
                                       "a profile has one value column; '%s' is a second", cn);
                        continue;
                    }
                    which = COL_VALUE;
                }
                if (col[which] >= 0) {
                    dh_diag_report(diag, DH_ERR_INPUT, &pos, NULL, "column '%s' appears twice", cn);
                    continue;
                }
                col[which] = (int)j;
                if (!unit || !*unit) {
                    dh_diag_report(diag, DH_ERR_UNITS, &pos, NULL,
                                   "column '%s' needs its unit in brackets, e.g. '%s'", cn,
                                   kind == CSV_PROFILE ? "demand [t/h]"
                                   : which == COL_AIR  ? "air [degC]"
                                   : which == COL_WIND ? "wind [m/s]"
                                                       : "pressure [kPa]");
                    continue;
                }
                if (kind == CSV_PROFILE) {
                    double y0;
                    if (dh_units_convert(units, 1.0, unit, DH_Q_POWER, 101325.0, &y0, &pos, NULL) ==
                        DH_OK)
                        q = DH_Q_POWER;
                    else if (dh_units_convert(units, 1.0, unit, DH_Q_MASS_FLOW, 101325.0, &y0, &pos,
                                              NULL) == DH_OK)
                        q = DH_Q_MASS_FLOW;
                    else {
                        dh_diag_report(diag, DH_ERR_UNITS, &pos, NULL,
                                       "column '%s [%s]': a profile holds a power (W, kW, MW) "
                                       "or a mass flow (kg/s, t/h)",
                                       cn, unit);
                        continue;
                    }
                    value_q = q;
                }
                /* affine conversion, found once: SI = a x + b (units of these quantities are
                 * affine: degC, degF, kPa, t/h, MW...) */
                double y0, y1;
                if (dh_units_convert(units, 0.0, unit, q, 101325.0, &y0, &pos, &e) != DH_OK ||
                    dh_units_convert(units, 1.0, unit, q, 101325.0, &y1, &pos, &e) != DH_OK) {
                    dh_diag_add(diag, &e);
                    continue;
                }
                b[which] = y0;
                a[which] = y1 - y0;
            }
            if (time_col < 0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, 1}, NULL,
                               "no time column: name one 'time' (YYYY-MM-DD HH:MM) or 'hour' "
                               "(hour of year from 0)");
            if (kind == CSV_WEATHER && col[COL_AIR] < 0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, 1}, NULL,
                               "no 'air [degC]' column");
            if (kind == CSV_PROFILE && col[COL_VALUE] < 0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, 1}, NULL,
                               "no value column (e.g. 'demand [t/h]' or 'heat [MW]')");
            if (diag->count + diag->dropped != errors0) {
                st = DH_ERR_INPUT;
                goto done;
            }
            continue;
        }
        /* a data row */
        if (fs.n != ncols) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.end_col}, NULL,
                           "%zu fields, the header has %zu", fs.n, ncols);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            for (int c = 0; c < N_COLS; c++) {
                if (col[c] < 0) continue;
                double *pv = realloc(val[c], cap * sizeof(double));
                if (!pv) {
                    st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
                    goto done;
                }
                val[c] = pv;
            }
        }
        long hoy = -1;
        char msg[160];
        if (!parse_time_cell(fs.f[time_col], is_time, &hoy, msg, sizeof msg)) {
            dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[time_col]}, NULL,
                           "%s", msg);
        } else if (first_hoy < 0) {
            first_hoy = hoy;
            if (hoy % 24 != 0)
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[time_col]}, NULL,
                               "the series must start at 00:00 (hour of day %ld)", hoy % 24);
        } else if (hoy != (prev_hoy + 1) % DH_HOURS_PER_YEAR) {
            dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[time_col]}, NULL,
                           "hour %ld of the year follows hour %ld: rows must be consecutive "
                           "hours",
                           hoy, prev_hoy);
        }
        prev_hoy = hoy >= 0 ? hoy : prev_hoy + 1;
        for (int c = 0; c < N_COLS; c++) {
            if (col[c] < 0) continue;
            double x;
            if (!parse_double(fs.f[col[c]], &x)) {
                dh_diag_report(diag, DH_ERR_PARSE, &(dh_srcpos){name, line, fs.col[col[c]]}, NULL,
                               "not a number: '%.20s'", fs.f[col[c]]);
                x = 0;
            }
            double si = a[c] * x + b[c];
            if ((c == COL_AIR && si <= 0) || (c == COL_PRESSURE && si <= 0) ||
                (c == COL_WIND && si < 0) || (c == COL_VALUE && si < 0))
                dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, line, fs.col[col[c]]}, NULL,
                               "%s %g is out of range",
                               c == COL_AIR        ? "air temperature"
                               : c == COL_PRESSURE ? "absolute pressure"
                               : c == COL_WIND     ? "wind speed"
                                                   : "load",
                               x);
            val[c][n] = si;
        }
        n++;
    }
    if (!have_header)
        dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, 1}, NULL,
                       "empty table: expected a header line and hourly rows");
    else if (n == 0 && diag->count + diag->dropped == errors0)
        dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, 1}, NULL, "no data rows");
    if (diag->count + diag->dropped != errors0) {
        st = DH_ERR_INPUT;
        goto done;
    }
    if (kind == CSV_WEATHER) {
        if (n % 24 != 0) {
            st = dh_diag_report(diag, DH_ERR_INPUT, &(dh_srcpos){name, it.lineno, 1}, NULL,
                                "%zu hourly rows: a weather series is made of whole days", n);
            goto done;
        }
        dh_weather *w;
        st = dh_weather_create(n, col[COL_PRESSURE] >= 0, col[COL_WIND] >= 0, &w, &e);
        if (st != DH_OK) {
            dh_diag_add(diag, &e);
            goto done;
        }
        memcpy(w->air_temperature, val[COL_AIR], n * sizeof(double));
        if (w->pressure) memcpy(w->pressure, val[COL_PRESSURE], n * sizeof(double));
        if (w->wind_speed) memcpy(w->wind_speed, val[COL_WIND], n * sizeof(double));
        w->start_day = (int)(first_hoy / 24);
        *wout = w;
    } else {
        dh_profile *pr = calloc(1, sizeof *pr);
        if (!pr) {
            st = dh_diag_report(diag, DH_ERR_NOMEM, NULL, NULL, "%s: out of memory", name);
            goto done;
        }
        pr->n = n;
        pr->start_day = (int)(first_hoy / 24);
        pr->quantity = value_q;
        pr->value = val[COL_VALUE];
        val[COL_VALUE] = NULL;
        *pout = pr;
    }
done:
    for (int c = 0; c < N_COLS; c++)
        free(val[c]);
    free(fs.buf);
    dh_units_destroy(&own_units);
    return st;
}

dh_status dh_weather_read_csv_string(const char *text, size_t len, const char *name,
                                     const dh_units *units, dh_weather **out, dh_diag *diag)
{
    *out = NULL;
    return read_series_csv(text, len, name ? name : "<string>", units, CSV_WEATHER, out, NULL,
                           diag);
}

dh_status dh_weather_read_csv(const char *path, const dh_units *units, dh_weather **out,
                              dh_diag *diag)
{
    *out = NULL;
    char *text;
    size_t len;
    dh_status st = slurp(path, &text, &len, diag);
    if (st != DH_OK) return st;
    st = dh_weather_read_csv_string(text, len, path, units, out, diag);
    free(text);
    return st;
}

dh_status dh_profile_read_csv_string(const char *text, size_t len, const char *name,
                                     const dh_units *units, dh_profile **out, dh_diag *diag)
{
    *out = NULL;
    return read_series_csv(text, len, name ? name : "<string>", units, CSV_PROFILE, NULL, out,
                           diag);
}

dh_status dh_profile_read_csv(const char *path, const dh_units *units, dh_profile **out,
                              dh_diag *diag)
{
    *out = NULL;
    char *text;
    size_t len;
    dh_status st = slurp(path, &text, &len, diag);
    if (st != DH_OK) return st;
    st = dh_profile_read_csv_string(text, len, path, units, out, diag);
    free(text);
    return st;
}

/* ---- design day -------------------------------------------------------------------------- */

/* ASHRAE Handbook of Fundamentals, ch. 14 "Climatic design information", Table 6 "Fraction of
 * daily temperature range" (identical in the 2009, 2013 and 2021 editions), hours 1..24 of
 * local standard time: T = T_max - f DR. Minimum (f = 1) at hour 5, maximum (f = 0) at hours
 * 14 and 15. Mean of f: 12.87/24 = 0.53625. */
static const double ASHRAE_FRACTION[24] = {0.88, 0.92, 0.95, 0.98, 1.00, 0.98, 0.91, 0.74,
                                           0.55, 0.38, 0.23, 0.13, 0.05, 0.00, 0.00, 0.06,
                                           0.14, 0.24, 0.39, 0.50, 0.59, 0.68, 0.75, 0.82};

double dh_diurnal_fraction(dh_diurnal_shape shape, int h)
{
    h = ((h % 24) + 24) % 24;
    if (shape == DH_DIURNAL_ASHRAE) return ASHRAE_FRACTION[h];
    /* Two half-cosines on the clock hour tau = h + 1 (as ASHRAE's hour numbers): minimum at
     * 05:00, maximum at 14:00. Rise over 9 h: f = (1 + cos(pi (tau-5)/9))/2; fall over 15 h:
     * f = (1 - cos(pi (tau-14)/15))/2. */
    double tau = h + 1;
    if (tau < 5) tau += 24;
    if (tau <= 14) return 0.5 * (1 + cos(M_PI * (tau - 5) / 9));
    return 0.5 * (1 - cos(M_PI * (tau - 14) / 15));
}

dh_status dh_design_day(double value, dh_design_basis basis, double range, dh_diurnal_shape shape,
                        double out[24], dh_error *err)
{
    if (!(range >= 0) || !isfinite(range) || !isfinite(value))
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL,
                            "design day: daily range %g must be finite and >= 0", range);
    if (shape != DH_DIURNAL_ASHRAE && shape != DH_DIURNAL_COSINE)
        return dh_error_set(err, DH_ERR_INPUT, NULL, NULL, "design day: unknown shape %d",
                            (int)shape);
    double fmean = 0, fmax = 0;
    for (int h = 0; h < 24; h++) {
        double f = dh_diurnal_fraction(shape, h);
        fmean += f / 24;
        if (f > fmax) fmax = f;
    }
    /* T(h) = T_max - f(h) DR; from the mean: T_max = T_mean + mean(f) DR; from the minimum:
     * T_max = T_min + max(f) DR (max f = 1 for both shapes). */
    double t_max = basis == DH_DESIGN_DAILY_MEAN ? value + fmean * range : value + fmax * range;
    for (int h = 0; h < 24; h++)
        out[h] = t_max - dh_diurnal_fraction(shape, h) * range;
    return DH_OK;
}
