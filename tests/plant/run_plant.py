#!/usr/bin/python3
"""run_plant.py: e2e: `dhsim run` on the park cases with their plant (cases/linyi-etdz).

usage: run_plant.py DHSIM   (SRCDIR from meson's test_env)
For winter-peak and summer-low: exit 0; the summary's dispatch lines (one per boiler and turbine
of the file, the PRDS, totals, header) and the N-1 verdict line; /results/plant in the HDF5 file
with units, descriptions, [time, unit] shapes and physically consistent values; the printed
figures equal to the file's; `dhsim report` printing the same summary as `dhsim run -v`.
No park figures are hard-coded (the case sizing is being revised): only structure, limits and
balances. Exit 0 pass, 1 fail, 77 skip (no h5py).
"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIP: python3-h5py is not installed")
    sys.exit(77)

failures = []
# Relative tolerance of the plant's own balances: each is a sum of the dispatch's flows in
# double precision (the dispatch solves the PRDS spray to ~1e-12); 1e-6 as the issue asks.
RTOL = 1e-6


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def close(a, b, rtol=RTOL, atol=1e-9):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def check_file(name, h5, text):
    with h5py.File(h5, "r") as f:
        check("/results/plant" in f and "/network/plant" in f, f"{name}: no /results/plant")
        if "/results/plant" not in f:
            return
        g = f["/results/plant"]
        bids = list(f["/network/plant/boilers/id"].asstr()[()])
        tids = list(f["/network/plant/turbines/id"].asstr()[()])
        nb, nt = len(bids), len(tids)
        check(nb >= 1, f"{name}: no boilers")
        dsets = []
        g.visititems(lambda n, o: dsets.append((n, o)) if isinstance(o, h5py.Dataset) else None)
        for n, ds in dsets:
            check("units" in ds.attrs and len(ds.attrs.get("description", "")) > 10,
                  f"{name}: /results/plant/{n}: units or description missing")
            check(ds.shape[0] == 1, f"{name}: /results/plant/{n}: {ds.shape[0]} steps, not 1")
            if n.startswith("boilers/"):
                check(ds.shape == (1, nb), f"{name}: {n} shape {ds.shape}")
            if n.startswith("turbines/"):
                check(ds.shape == (1, nt), f"{name}: {n} shape {ds.shape}")
            if n.startswith("prds/"):
                check(ds.shape == (1, 1), f"{name}: {n} shape {ds.shape}")
        v = lambda n: g[n][()][0]
        steam, throttle = v("boilers/steam_flow"), v("turbines/throttle_flow")
        extraction, cond = v("turbines/extraction_flow"), v("turbines/condensing_flow")
        prds_in, prds_sp, prds = v("prds/inlet_flow")[0], v("prds/spray_flow")[0], v("prds/flow")[0]
        # main steam: boilers = turbines' throttle + PRDS inlet (the issue's check)
        check(close(steam.sum(), throttle.sum() + prds_in),
              f"{name}: boilers {steam.sum()} != throttle {throttle.sum()} + PRDS {prds_in}")
        check(close(steam.sum(), v("main_steam_flow")), f"{name}: main_steam_flow")
        check(np.allclose(throttle, extraction + cond, rtol=RTOL, atol=1e-9),
              f"{name}: throttle != extraction + condensing")
        check(close(prds, prds_in + prds_sp), f"{name}: PRDS out != in + spray")
        check(close(v("header/flow"), extraction.sum() + v("extraction_spray_flow") + prds),
              f"{name}: header flow != extraction + spray + PRDS")
        check(close(v("electric_power"), v("turbines/electric_power").sum()), f"{name}: power")
        check(close(v("fuel_flow"), v("boilers/fuel_flow").sum()), f"{name}: fuel")
        # limits
        on = v("boilers/in_service") == 1
        load, mn = v("boilers/load"), f["/network/plant/boilers/min_load"][()]
        check(np.all(load[on] <= 1 + 1e-9) and np.all(load[on] >= mn[on] - 1e-9),
              f"{name}: boiler load outside [min, 1]: {load}")
        check(np.all(steam[~on] == 0), f"{name}: an idle boiler makes steam")
        eff = v("boilers/efficiency")[on]
        check(np.all((eff > 0.5) & (eff < 1)), f"{name}: boiler efficiency {eff}")
        check(np.all(extraction <= f["/network/plant/turbines/max_extraction"][()] * (1 + 1e-9)),
              f"{name}: extraction above its maximum")
        check(np.all(v("turbines/electric_power") <=
                     f["/network/plant/turbines/max_power"][()] * (1 + 1e-9)),
              f"{name}: turbine above rated power")
        check(prds <= f["/network/plant/prds/capacity"][()][0] * (1 + 1e-9), f"{name}: PRDS cap")
        check(0 < v("efficiency") < 1, f"{name}: plant efficiency {v('efficiency')}")
        check(v("header/flow") <= v("capacity") * (1 + 1e-9), f"{name}: flow above capacity")
        # plant <-> network: the header source's flow is the plant's
        src = list(f["/network/sources/id"].asstr()[()])
        hs = f["/network/plant"].attrs["header_source"]
        j = src.index(hs)
        check(close(f["/results/sources/mass_flow"][0, j], v("header/flow"), 1e-9),
              f"{name}: source flow {f['/results/sources/mass_flow'][0, j]} != plant "
              f"{v('header/flow')}")
        limited = v("header/flow_limited") == 1
        if limited:
            check(v("header/pressure") < v("header/set_pressure"), f"{name}: limited, p not below")
            check(len(g["binding"].asstr()[0]) > 0, f"{name}: limited without a binding limit")
        else:
            check(close(v("header/demand"), v("header/flow")), f"{name}: demand != flow")
        # N-1
        verdict, margin = v("n1/verdict"), v("n1/margin")
        check(verdict in (0, 1), f"{name}: N-1 not checked")
        check((verdict == 1) == (margin >= 0), f"{name}: verdict {verdict} vs margin {margin}")
        check(close(v("n1/shortfall"), max(-margin, 0)), f"{name}: n1 shortfall")
        check(close(margin, v("n1/capacity") - v("header/demand")), f"{name}: n1 margin")
        check(v("n1/capacity") < v("capacity"), f"{name}: N-1 capacity not below capacity")
        if verdict == 0 and v("n1/solved") == 1:
            cu = v("n1/consumer_unmet")
            ctype = f["/network/consumers/type"][()]
            check(np.all(np.isfinite(cu)) and np.all(cu >= -1e-9), f"{name}: n1 consumer unmet")
            check(close(cu[ctype == 0].sum(), v("n1/unmet_mass_flow"), 1e-9),
                  f"{name}: n1 per-consumer steam != total")
            check(v("n1/header_pressure") < v("header/set_pressure"), f"{name}: n1 pressure")

        # the summary: dispatch lines, verdict, figures as in the file
        for i, b in enumerate(bids):
            if on[i]:
                m = re.search(rf"^  boiler   {re.escape(b)}\s+([\d.]+) t/h\s+([\d.]+) % load",
                              text, re.M)
                check(m is not None, f"{name}: no dispatch line for boiler {b}")
                if m:
                    check(abs(float(m.group(1)) - steam[i] * 3.6) <= 0.051, f"{name}: {b} t/h")
                    check(abs(float(m.group(2)) - load[i] * 100) <= 0.051, f"{name}: {b} load")
            else:
                check(re.search(rf"^  boiler   {re.escape(b)}\s+off", text, re.M),
                      f"{name}: no 'off' line for boiler {b}")
        for i, t in enumerate(tids):
            m = re.search(rf"^  turbine  {re.escape(t)}\s+([\d.]+) MW\s+extraction\s+([\d.]+) t/h"
                          rf"\s+condensing\s+([\d.]+) t/h", text, re.M)
            check(m is not None or re.search(rf"^  turbine  {re.escape(t)}\s+off", text, re.M),
                  f"{name}: no dispatch line for turbine {t}")
            if m:
                check(abs(float(m.group(1)) - v("turbines/electric_power")[i] / 1e6) <= 0.0051,
                      f"{name}: {t} MW")
                check(abs(float(m.group(2)) - extraction[i] * 3.6) <= 0.051, f"{name}: {t} ext")
        check(re.search(r"^  PRDS     \S+\s+[\d.]+ t/h\s+= main steam [\d.]+ t/h \+ spray", text,
                        re.M), f"{name}: no PRDS line")
        m = re.search(r"^  totals   electric ([\d.]+) MW, fuel ([\d.]+) t/h", text, re.M)
        check(m is not None, f"{name}: no totals line")
        if m:
            check(abs(float(m.group(1)) - v("electric_power") / 1e6) <= 0.0051, f"{name}: MW")
            check(abs(float(m.group(2)) - v("fuel_flow") * 3.6) <= 0.0051, f"{name}: fuel")
        check(re.search(r"^  header   (FLOW-LIMITED: demand|[\d.]+ t/h at [\d.]+ MPa\(a\))", text,
                        re.M), f"{name}: no header line")
        b_out = bids[int(v("n1/boiler"))]
        if verdict == 1:
            m = re.search(rf"^  N-1      HOLDS with {b_out} out: capacity [\d.]+ t/h, margin "
                          r"([\d.]+) t/h", text, re.M)
        else:
            m = re.search(rf"^  N-1      FAILS with {b_out} out: capacity [\d.]+ t/h at the set "
                          r"point, short by ([\d.]+) t/h", text, re.M)
        check(m is not None, f"{name}: no N-1 verdict line")
        if m:
            check(abs(float(m.group(1)) - abs(margin) * 3.6) <= 0.051, f"{name}: N-1 figure")
        check(re.search(r"^delivery by consumer group", text, re.M), f"{name}: no group table")
        check(re.search(r"^worst 5 consumers", text, re.M), f"{name}: no worst-5 list")
        n_lines = len(text.splitlines())
        # one screen: ~40 lines; the N-1 failure adds 3 (+4 for the load to shed), a flow
        # limit 1
        check(n_lines <= 54, f"{name}: the summary has {n_lines} lines")


def main():
    dhsim = sys.argv[1]
    src = os.environ.get("SRCDIR", ".")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("winter-peak", "summer-low"):
            case = os.path.join(src, "cases", "linyi-etdz", name + ".yaml")
            h5 = os.path.join(tmp, name + ".h5")
            r = subprocess.run([dhsim, "run", case, "-o", h5], capture_output=True, text=True)
            check(r.returncode == 0, f"{name}: exit {r.returncode}\n{r.stdout}{r.stderr}")
            if r.returncode != 0 or not os.path.exists(h5):
                continue
            check_file(name, h5, r.stdout)
            # run -v and report print the same summary (report: the 2 identity lines before)
            hv = os.path.join(tmp, name + "-v.h5")
            rv = subprocess.run([dhsim, "run", case, "-v", "-o", hv], capture_output=True,
                                text=True)
            rr = subprocess.run([dhsim, "report", hv], capture_output=True, text=True)
            check(rv.returncode == 0 and rr.returncode == 0, f"{name}: -v / report exit")
            run_lines = [ln for ln in rv.stdout.splitlines() if not ln.startswith("results written")]
            check(rr.stdout.splitlines()[2:] == run_lines,
                  f"{name}: report differs from run -v:\n{rr.stdout}\n---\n{rv.stdout}")
            with h5py.File(hv, "r") as f:
                ids = set(f["/network/consumers/id"].asstr()[()])
            listed = {ln.split()[0] for ln in run_lines if ln.startswith("    ") and ln.split()}
            check(ids <= listed, f"{name}: -v does not list {sorted(ids - listed)[:5]}")
    print("FAILED" if failures else "ok", f"({len(failures)} failures)")
    return 1 if failures else 0


sys.exit(main())
