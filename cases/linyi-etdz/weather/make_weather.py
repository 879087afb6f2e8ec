#!/usr/bin/python3
"""make_weather.py: a synthetic typical year of hourly weather for Linyi (Shandong, WMO 54938),
written as an EPW file (EnergyPlus weather format) that dhsim's EPW reader reads.

    /usr/bin/python3 cases/linyi-etdz/weather/make_weather.py        # writes linyi-synthetic.epw
    /usr/bin/python3 cases/linyi-etdz/weather/make_weather.py --check # prints the figures only

Standard library only; deterministic (fixed seed, Mersenne Twister of the `random` module, whose
seeded sequence is stable across Python 3 versions). Every number that goes in is defined below
with where it comes from; README.md lists them and the figures of the result.

Method (README.md, "Method"):
 1. Daily climatological mean T_clim(d): the 12 monthly mean temperatures placed at mid-month,
    linearly interpolated over a periodic year, knots adjusted (fixed-point iteration) until each
    month's average of T_clim equals its normal (mean-preserving interpolation).
 2. Day-to-day weather: a seeded AR(1) series of daily anomalies (lag-1 correlation RHO, the
    persistence of synoptic spells), then, month by month, its values replaced by the normal
    quantiles sigma_m * Phi^-1((rank - 1/2)/n) in the same rank order (quantile mapping): the
    month's anomalies average exactly zero and have exactly the target spread, whatever the seed.
    sigma_m: a winter value SIGMA_WINTER, calibrated so that the expected number of days with a
    daily mean below the heating design temperature -4.7 degC is 5 per year (that is the
    definition of the design temperature in GB 50736-2012: "not guaranteed on 5 days per year on
    average"), and a summer value SIGMA_SUMMER, with a cosine between them.
 3. Hours: the daily means linearly interpolated between day centres, plus the diurnal shape
    of the ASHRAE Handbook of Fundamentals ch. 14 Table 6 (fraction of daily range; minimum at
    05:00, maximum at 14:00-15:00) scaled by the month's mean daily range (smoothly
    interpolated); the interpolation knots are adjusted so each day's 24-hour mean is exactly
    its daily mean (a continuous curve without steps at midnight).
 4. Humidity, pressure, wind: assumed monthly values (README) with simple daily and hourly
    shapes; they are there so the file is complete, the loads depend on dry bulb only (wind
    matters a little for the heat loss of overhead pipes).
"""
import math
import os
import random
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "linyi-synthetic.epw")

# ---- inputs ------------------------------------------------------------------------------
# Monthly mean air temperature (degC) and mean daily range (mean daily max - mean daily min,
# K) of Linyi, China Meteorological Administration station 54938, 1981-2010 normals, rounded.
# Values as recalled from the CMA normals (as reproduced in public climate tables for Linyi);
# they could not be checked against the CMA dataset offline: uncertainty about +-0.5 K on the
# means and +-1 K on the ranges. Replace them with the CMA table when at hand and re-run.
MONTH_MEAN = [0.0, 3.0, 8.2, 14.6, 20.1, 24.3, 26.5, 25.9, 21.7, 15.9, 8.5, 2.1]
MONTH_RANGE = [9.6, 9.8, 10.5, 11.0, 10.8, 9.6, 7.4, 7.6, 8.8, 10.0, 10.0, 9.6]
# Heating design outdoor temperature of Linyi: GB 50736-2012 Appendix A (daily mean).
T_DESIGN = -4.7
DESIGN_DAYS = 5.0  # "not guaranteed on 5 days per year on average" (GB 50736-2012, 4.1.2)
# Day-to-day variability of the daily mean (K): summer value assumed; winter value calibrated
# (step 2 above). Lag-1 autocorrelation of daily anomalies: assumed, typical of mid-latitude
# continental stations (synoptic spells of a few days).
SIGMA_SUMMER = 1.5
RHO = 0.7
SEED = 54938
# Assumed (not normals): mean relative humidity (%), mean wind speed (m/s) per month; station
# pressure from the standard atmosphere at the station elevation plus a seasonal swing of
# +-1.2 kPa with its maximum in mid-January (winter Siberian high).
MONTH_RH = [60, 60, 58, 60, 65, 72, 83, 84, 77, 70, 67, 63]
MONTH_WIND = [2.6, 2.9, 3.3, 3.4, 3.0, 2.7, 2.5, 2.3, 2.2, 2.3, 2.5, 2.5]
PRESSURE_SWING = 1200.0  # Pa
# Station: Linyi, about 35.05 N, 118.35 E, 87.9 m a.s.l., UTC+8 (approximate coordinates).
LAT, LON, TZ, ELEV = 35.05, 118.35, 8.0, 87.9
YEAR = 2023  # weekday calendar of 2023 (1 January a Sunday), for schedules and holidays

# ASHRAE Handbook of Fundamentals (2009/2013/2021) ch. 14 Table 6, hours 1..24.
ASHRAE = [0.88, 0.92, 0.95, 0.98, 1.00, 0.98, 0.91, 0.74, 0.55, 0.38, 0.23, 0.13,
          0.05, 0.00, 0.00, 0.06, 0.14, 0.24, 0.39, 0.50, 0.59, 0.68, 0.75, 0.82]
F_MEAN = sum(ASHRAE) / 24.0

MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
MONTH_START = [sum(MONTH_DAYS[:m]) for m in range(12)]
N_DAYS = 365
NORMAL = statistics.NormalDist()


def month_of(d):
    for m in range(11, -1, -1):
        if d >= MONTH_START[m]:
            return m
    return 0


def periodic_interp(knots_x, knots_y, x, period):
    """Linear interpolation through (knots_x, knots_y), periodic with `period`."""
    n = len(knots_x)
    for i in range(n):
        x0, y0 = knots_x[i], knots_y[i]
        x1, y1 = knots_x[(i + 1) % n], knots_y[(i + 1) % n]
        if i == n - 1:
            x1 += period
        xx = x if x >= knots_x[0] else x + period
        if x0 <= xx < x1:
            return y0 + (y1 - y0) * (xx - x0) / (x1 - x0)
    return knots_y[0]


def mid_month():
    return [MONTH_START[m] + (MONTH_DAYS[m] - 1) / 2.0 for m in range(12)]


def mean_preserving_daily(month_values):
    """Daily curve (day centres) whose monthly averages equal month_values (to 1e-9)."""
    xs = mid_month()
    knots = list(month_values)
    for _ in range(200):
        daily = [periodic_interp(xs, knots, d, N_DAYS) for d in range(N_DAYS)]
        worst = 0.0
        for m in range(12):
            avg = sum(daily[MONTH_START[m]:MONTH_START[m] + MONTH_DAYS[m]]) / MONTH_DAYS[m]
            knots[m] += month_values[m] - avg
            worst = max(worst, abs(month_values[m] - avg))
        if worst < 1e-9:
            break
    return [periodic_interp(xs, knots, d, N_DAYS) for d in range(N_DAYS)]


def sigma_of_day(d, sigma_winter):
    # cosine between winter (max at 15 January, day 14) and summer (15 July)
    w = 0.5 * (1 + math.cos(2 * math.pi * (d - 14) / N_DAYS))
    return SIGMA_SUMMER + (sigma_winter - SIGMA_SUMMER) * w


def expected_design_days(clim, sigma_winter):
    return sum(NORMAL.cdf((T_DESIGN - clim[d]) / sigma_of_day(d, sigma_winter))
               for d in range(N_DAYS))


def calibrate_sigma(clim):
    lo, hi = 0.5, 10.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if expected_design_days(clim, mid) < DESIGN_DAYS:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def daily_anomalies(sigma_winter, rng):
    # AR(1): a_d = RHO a_(d-1) + sqrt(1 - RHO^2) e_d, e ~ N(0,1), after a 100-day spin-up
    a = 0.0
    for _ in range(100):
        a = RHO * a + math.sqrt(1 - RHO * RHO) * rng.gauss(0.0, 1.0)
    raw = []
    for _ in range(N_DAYS):
        a = RHO * a + math.sqrt(1 - RHO * RHO) * rng.gauss(0.0, 1.0)
        raw.append(a)
    out = [0.0] * N_DAYS
    for m in range(12):
        days = list(range(MONTH_START[m], MONTH_START[m] + MONTH_DAYS[m]))
        order = sorted(days, key=lambda d: raw[d])
        n = len(days)
        mid_d = days[n // 2]
        for rank, d in enumerate(order):
            z = NORMAL.inv_cdf((rank + 0.5) / n)
            out[d] = sigma_of_day(mid_d, sigma_winter) * z
    return out


def dew_point(t, rh):
    # Magnus formula, Alduchov & Eskridge (1996): a = 17.625, b = 243.04 degC
    a, b = 17.625, 243.04
    g = math.log(rh / 100.0) + a * t / (b + t)
    return b * g / (a - g)


def rel_humidity(t, td):
    a, b = 17.625, 243.04
    return 100.0 * math.exp(a * td / (b + td) - a * t / (b + t))


def standard_pressure(z):
    # ASHRAE Handbook of Fundamentals (2009) ch. 1 eq. (3)
    return 101325.0 * (1 - 2.25577e-5 * z) ** 5.2559


def build():
    clim = mean_preserving_daily(MONTH_MEAN)
    rng_range = mean_preserving_daily(MONTH_RANGE)
    sigma_w = calibrate_sigma(clim)
    rng = random.Random(SEED)
    anom = daily_anomalies(sigma_w, rng)
    daily = [clim[d] + anom[d] for d in range(N_DAYS)]
    # hourly: linear between knots at the day centres (hour index 11.5 of each day), periodic;
    # knots adjusted (Jacobi iteration: a day's average weighs its own knot 0.75 and each
    # neighbour 0.125, so it contracts by 0.25 per sweep) until every day's 24-hour average
    # equals its daily mean: a continuous curve, no step at midnight.
    n_h = 24 * N_DAYS

    def hourly_base(knots):
        out = [0.0] * n_h
        for k in range(n_h):
            x = (k - 11.5) / 24.0  # in days, relative to day 0's centre
            d0 = math.floor(x)
            w = x - d0
            out[k] = (1 - w) * knots[d0 % N_DAYS] + w * knots[(d0 + 1) % N_DAYS]
        return out

    knots = list(daily)
    for _ in range(40):
        base = hourly_base(knots)
        worst = 0.0
        for d in range(N_DAYS):
            err = daily[d] - sum(base[24 * d:24 * d + 24]) / 24.0
            knots[d] += err
            worst = max(worst, abs(err))
        if worst < 1e-9:
            break
    base = hourly_base(knots)
    temp = [0.0] * n_h
    for d in range(N_DAYS):
        dr = rng_range[d]
        for h in range(24):  # the diurnal term averages zero over the day
            temp[24 * d + h] = base[24 * d + h] + dr * (F_MEAN - ASHRAE[h])
    # wind: month mean x daily lognormal-like factor (AR(1)) x diurnal factor (max 14:00)
    rng_w = random.Random(SEED + 1)
    wind_m = mean_preserving_daily(MONTH_WIND)
    a = 0.0
    wind = [0.0] * n_h
    for d in range(N_DAYS):
        a = 0.6 * a + math.sqrt(1 - 0.36) * rng_w.gauss(0.0, 1.0)
        fday = math.exp(0.35 * a - 0.5 * 0.35 ** 2)
        for h in range(24):
            fh = 1 + 0.25 * math.cos(2 * math.pi * (h + 1 - 14) / 24)
            wind[24 * d + h] = max(0.0, wind_m[d] * fday * fh)
    rh_m = mean_preserving_daily(MONTH_RH)
    p0 = standard_pressure(ELEV)
    rows = []
    for d in range(N_DAYS):
        m = month_of(d)
        day = d - MONTH_START[m] + 1
        td = dew_point(daily[d], rh_m[d])
        p = p0 + PRESSURE_SWING * math.cos(2 * math.pi * (d - 14) / N_DAYS)
        for h in range(24):
            k = 24 * d + h
            t = round(temp[k], 1)
            tdp = round(min(td, t), 1)
            rh = int(round(min(100.0, rel_humidity(t, tdp))))
            rows.append((YEAR, m + 1, day, h + 1, t, tdp, rh, int(round(p)), round(wind[k], 1)))
    return rows, daily, sigma_w, clim


FLAGS = "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9"


def week_extreme(daily, coldest):
    best, best_d = None, 0
    for d in range(N_DAYS - 6):
        s = sum(daily[d:d + 7])
        if best is None or (s < best if coldest else s > best):
            best, best_d = s, d
    return best_d


def md(d):
    m = month_of(d)
    return "%d/%2d" % (m + 1, d - MONTH_START[m] + 1)


def write_epw(rows, daily, path):
    wc = week_extreme(daily, True)
    ww = week_extreme(daily, False)
    header = [
        "LOCATION,Linyi,Shandong,CHN,dhsim synthetic year from CMA normals,549380,"
        "%.2f,%.2f,%.1f,%.1f" % (LAT, LON, TZ, ELEV),
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,2,Winter - Week Nearest Min Temperature For Period,Extreme,"
        "%s,%s,Summer - Week Nearest Max Temperature For Period,Extreme,%s,%s"
        % (md(wc), md(wc + 6), md(ww), md(ww + 6)),
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,Synthetic typical year for Linyi (WMO 54938) generated by make_weather.py "
        "from monthly climate normals (see README.md); not measured data",
        "COMMENTS 2,Dry bulb; dew point; relative humidity; station pressure and wind speed are "
        "generated; radiation and the other fields hold the EPW missing codes",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    lines = list(header)
    for (y, m, d, h, t, tdp, rh, p, w) in rows:
        lines.append(
            "%d,%d,%d,%d,60,%s,%.1f,%.1f,%d,%d,9999,9999,9999,9999,9999,9999,999999,999999,"
            "999999,9999,999,%.1f,99,99,9999,99999,9,999999999,999,.999,999,99,999,999,99"
            % (y, m, d, h, FLAGS, t, tdp, rh, p, w))
    with open(path, "w", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


def report(rows, daily, sigma_w, clim):
    temps = [r[4] for r in rows]
    dmean = [sum(temps[24 * d:24 * d + 24]) / 24.0 for d in range(N_DAYS)]
    print("calibrated winter sigma of daily means: %.3f K (summer %.1f K, rho %.2f, seed %d)"
          % (sigma_w, SIGMA_SUMMER, RHO, SEED))
    print("expected days below %.1f degC (model): %.2f" % (T_DESIGN, expected_design_days(clim, sigma_w)))
    print("month  normal  year   min-hour  max-hour")
    for m in range(12):
        hs = temps[24 * MONTH_START[m]:24 * (MONTH_START[m] + MONTH_DAYS[m])]
        print("%5d  %6.1f  %5.2f  %8.1f  %8.1f" % (m + 1, MONTH_MEAN[m], sum(hs) / len(hs),
                                                     min(hs), max(hs)))
    print("annual mean %.2f degC" % (sum(temps) / len(temps)))
    k = min(range(len(temps)), key=lambda i: temps[i])
    print("coldest hour: %.1f degC on %d/%d hour %d" % (temps[k], rows[k][1], rows[k][2], rows[k][3]))
    dcold = min(range(N_DAYS), key=lambda d: dmean[d])
    print("coldest daily mean: %.2f degC on %s" % (dmean[dcold], md(dcold)))
    below = [d for d in range(N_DAYS) if dmean[d] < T_DESIGN]
    print("days with daily mean < %.1f degC: %d (%s)" % (T_DESIGN, len(below),
                                                       ", ".join(md(d).replace(" ", "") for d in below)))
    print("hours below %.1f degC: %d" % (T_DESIGN, sum(1 for t in temps if t < T_DESIGN)))
    le5 = [d for d in range(N_DAYS) if dmean[d] <= 5.0]
    print("days with daily mean <= 5 degC: %d" % len(le5))
    season = [d for d in range(N_DAYS) if d >= 318 or d <= 73]
    print("statutory season 11/15-3/15: %d days, of which daily mean > 5 degC: %d"
          % (len(season), sum(1 for d in season if dmean[d] > 5.0)))
    print("mean temperature 11/15-3/15: %.2f degC" % (sum(dmean[d] for d in season) / len(season)))
    hdd = sum(18.0 - dmean[d] for d in le5)
    print("heating degree-days (18 degC base, days <= 5 degC): %.0f K d" % hdd)


def main():
    rows, daily, sigma_w, clim = build()
    if "--check" not in sys.argv:
        write_epw(rows, daily, OUT)
        print("wrote", OUT)
    report(rows, daily, sigma_w, clim)


if __name__ == "__main__":
    main()
