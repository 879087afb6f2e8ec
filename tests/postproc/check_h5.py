#!/usr/bin/python3
"""check_h5.py: the documented results layout (docs/results.md) as h5py sees it.

usage: check_h5.py SAMPLE_WRITER [DHSIM]
Writes the sample network's results for 3 time steps (sample_net.h) and checks every dataset of
docs/results.md: presence, shape, dtype kind, `units` and `description` attributes, values (the
writer copies the solver's arrays, so values are compared exactly with the formula of
sample_net.c), root attributes, the summary group. With DHSIM, also `dhsim report` and
`dhsim report --csv`. Then the same with the sample plant (sample_writer --plant,
sample_plant_fill in sample_net.c): every /results/plant and /network/plant dataset of
docs/results.md with its shape, units, description and values, and the plant part of the report.
Exit 0 pass, 1 fail, 77 skip (no h5py).
"""
import math
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIP: python3-h5py is not installed")
    sys.exit(77)

N, L, C, S, T = 5, 4, 2, 1, 3
# sample_net.c scale table, in dh_snapshot order
SCALE = [1.0e6, 450.0, 2.8e6, 0.9, 10.0, 20.0, 1.0e4, 5.0e3, 0.01,
         5.0, 2.0e6, 0.9e6, 440.0, 1.0, 5.0e4, 15.0, 4.0e7, 1.0e6, 460.0]


def sample(field, n):
    k = np.arange(T)[:, None]
    i = np.arange(n)[None, :]
    return SCALE[field] * (1.0 + 0.01 * i + 0.1 * k)


nan_c = np.array([[np.nan, 1.0]])  # mask for heat-only (K2)
RESULTS = {  # path: (units, expected [T, n])
    "/results/nodes/pressure": ("Pa", sample(0, N)),
    "/results/nodes/temperature": ("K", sample(1, N)),
    "/results/nodes/enthalpy": ("J/kg", sample(2, N)),
    "/results/nodes/quality": ("1", sample(3, N)),
    "/results/links/mass_flow": ("kg/s", sample(4, L)),
    "/results/links/velocity": ("m/s", sample(5, L)),
    "/results/links/pressure_drop": ("Pa", sample(6, L)),
    "/results/links/heat_loss": ("W", sample(7, L)),
    "/results/links/condensate": ("kg/s", sample(8, L)),
    "/results/consumers/mass_flow": ("kg/s", sample(9, C)),
    "/results/consumers/heat": ("W", sample(10, C)),
    "/results/consumers/pressure": ("Pa", sample(11, C)),
    "/results/consumers/temperature": ("K", sample(12, C)),
    "/results/consumers/unmet_heat": ("W", sample(13, C) * np.array([[np.nan, 1.0]])),
    "/results/consumers/unmet_mass_flow": ("kg/s", sample(13, C) * np.array([[1.0, np.nan]])),
    "/results/consumers/pressure_margin": ("Pa", sample(14, C)),
    "/results/sources/mass_flow": ("kg/s", sample(15, S)),
    "/results/sources/heat": ("W", sample(16, S)),
    "/results/sources/pressure": ("Pa", sample(17, S)),
    "/results/sources/temperature": ("K", sample(18, S)),
}
NETWORK = {  # path: (units, expected)
    "/network/nodes/x": ("m", [0, 100, 200, 200, 300]),
    "/network/nodes/y": ("m", [0, 0, 50, -50, -50]),
    "/network/nodes/z": ("m", [10, 12, 11, 9, 9]),
    "/network/links/from": ("1", [0, 1, 1, 3]),
    "/network/links/to": ("1", [1, 2, 3, 4]),
    "/network/links/length": ("m", [100.0, 111.8, 111.8, 0.0]),
    "/network/links/diameter": ("m", [0.3, 0.2, 0.2, 0.15]),
    "/network/consumers/node": ("1", [2, 4]),
    "/network/consumers/return_node": ("1", [-1, -1]),
    "/network/consumers/min_pressure": ("Pa", [0.8e6, 0.0]),
    "/network/consumers/demand_mass_flow": ("kg/s", [5.0, 0.0]),
    "/network/consumers/demand_heat": ("W", [0.0, 2.0e6]),
    "/network/sources/node": ("1", [0]),
}
STRINGS = {
    "/network/nodes/id": ["S", "A", "B", "C", "D"],
    "/network/links/id": ["P1", "P2", "P3", "V1"],
    "/network/consumers/id": ["K1", "K2"],
    "/network/consumers/group": ["chemical", ""],
    "/network/sources/id": ["SRC"],
}
ENUMS = {  # path: (expected names per row)
    "/network/links/kind": ["pipe", "pipe", "pipe", "valve"],
    "/network/consumers/type": ["steam", "heat"],
    "/network/sources/type": ["fixed_pressure"],
    "/network/nodes/medium": None,  # derived by the builder; only the type is checked
}

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def check_attrs(ds, units):
    check(ds.attrs.get("units") == units, f"{ds.name}: units {ds.attrs.get('units')!r} != {units!r}")
    d = ds.attrs.get("description")
    check(isinstance(d, str) and len(d) > 3, f"{ds.name}: description missing")


# /results/plant (docs/results.md): path -> (units, kind); kind: B boiler, U turbine, P prds,
# S scalar [time], C consumer, X string [time]
PLANT = {
    "boilers/in_service": ("1", "B"), "boilers/load": ("1", "B"),
    "boilers/steam_flow": ("kg/s", "B"), "boilers/fuel_flow": ("kg/s", "B"),
    "boilers/efficiency": ("1", "B"),
    "turbines/in_service": ("1", "U"), "turbines/electric_power": ("W", "U"),
    "turbines/extraction_flow": ("kg/s", "U"), "turbines/condensing_flow": ("kg/s", "U"),
    "turbines/throttle_flow": ("kg/s", "U"), "turbines/extraction_pressure": ("Pa", "U"),
    "prds/flow": ("kg/s", "P"), "prds/inlet_flow": ("kg/s", "P"), "prds/spray_flow": ("kg/s", "P"),
    "extraction_spray_flow": ("kg/s", "S"), "main_steam_flow": ("kg/s", "S"),
    "header/demand": ("kg/s", "S"), "header/flow": ("kg/s", "S"), "header/pressure": ("Pa", "S"),
    "header/temperature": ("K", "S"), "header/set_pressure": ("Pa", "S"),
    "header/flow_limited": ("1", "S"), "header/shortfall": ("kg/s", "S"),
    "unmet_mass_flow": ("kg/s", "S"), "unmet_heat": ("W", "S"),
    "electric_power": ("W", "S"), "fuel_flow": ("kg/s", "S"), "fuel_heat": ("W", "S"),
    "heat_supplied": ("W", "S"), "efficiency": ("1", "S"), "heat_to_power": ("1", "S"),
    "capacity": ("kg/s", "S"), "reserve": ("kg/s", "S"), "binding": ("", "X"),
    "mass_balance": ("kg/s", "S"), "energy_balance": ("W", "S"), "network_solves": ("1", "S"),
    "n1/verdict": ("1", "S"), "n1/boiler": ("1", "S"), "n1/capacity": ("kg/s", "S"),
    "n1/margin": ("kg/s", "S"), "n1/shortfall": ("kg/s", "S"), "n1/solved": ("1", "S"),
    "n1/header_pressure": ("Pa", "S"), "n1/header_flow": ("kg/s", "S"),
    "n1/unmet_mass_flow": ("kg/s", "S"), "n1/unmet_heat": ("W", "S"), "n1/limits": ("", "X"),
    "n1/consumer_unmet": ("kg/s or W", "C"),
    "n1/shed_pressure": ("Pa", "S"), "n1/shed_mass_flow": ("kg/s", "S"),
    "n1/shed_heat": ("W", "S"), "n1/shed_groups": ("", "X"), "n1/shed_rule": ("", "X"),
}


def check_plant(writer, dhsim, tmp):
    out = os.path.join(tmp, "plant.h5")
    subprocess.run([writer, "--plant", out, str(T)], check=True)
    k = np.arange(T)
    shape = {"B": (T, 2), "U": (T, 1), "P": (T, 1), "S": (T,), "C": (T, C), "X": (T,)}
    with h5py.File(out, "r") as f:
        for name, (units, kind) in PLANT.items():
            path = "/results/plant/" + name
            check(path in f, f"{path} missing")
            if path not in f:
                continue
            ds = f[path]
            check(ds.shape == shape[kind], f"{path}: shape {ds.shape} != {shape[kind]}")
            check(ds.maxshape[0] is None, f"{path}: time axis not extendible")
            check_attrs(ds, units)
        listed = set()
        f["/results/plant"].visititems(
            lambda n, o: listed.add(n) if isinstance(o, h5py.Dataset) else None)
        check(listed == set(PLANT), f"undocumented plant datasets {listed - set(PLANT)}")
        g = f["/results/plant"]
        # values of sample_plant_fill (exact: the writer copies them)
        check(np.array_equal(g["boilers/steam_flow"][()],
                             np.stack([20.0 + k, 21.0 + k], axis=1)), "boilers/steam_flow")
        check(np.array_equal(g["turbines/throttle_flow"][()][:, 0], 30.0 + k), "throttle_flow")
        check(np.array_equal(g["prds/inlet_flow"][()][:, 0], 11.0 + k), "prds/inlet_flow")
        check(np.array_equal(g["n1/verdict"][()], [1, 0, 0]), f"n1/verdict {g['n1/verdict'][()]}")
        check(np.isnan(g["n1/header_flow"][0]) and g["n1/header_flow"][2] == 38.0, "n1/header_flow")
        cu = g["n1/consumer_unmet"][()]
        check(np.all(np.isnan(cu[0])) and np.array_equal(cu[2], [5.0, 2.0e5]),
              f"n1/consumer_unmet {cu}")
        check(list(g["binding"].asstr()[()]) == ["", "boiler capacity, PRDS capacity"] * 1 +
              ["boiler capacity, PRDS capacity"], f"binding {g['binding'][()]}")
        check(list(f["/network/plant/boilers/id"].asstr()[()]) == ["B1", "B2"], "boiler ids")
        check(list(f["/network/plant/turbines/id"].asstr()[()]) == ["T1"], "turbine ids")
        check(f["/network/plant"].attrs.get("header_source") == "SRC", "header_source")
        for name in ["boilers/rated_flow", "boilers/min_load", "turbines/max_power",
                     "turbines/max_extraction", "prds/capacity", "prds/id"]:
            check("/network/plant/" + name in f and
                  "units" in f["/network/plant/" + name].attrs, f"/network/plant/{name}")
        # physical identity the e2e test also checks on the park: main steam closes
        ms = g["boilers/steam_flow"][()].sum(axis=1)
        check(np.allclose(ms, g["turbines/throttle_flow"][()].sum(axis=1) +
                          g["prds/inlet_flow"][()][:, 0], rtol=1e-12, atol=0), "main steam")
    if dhsim:
        r = subprocess.run([dhsim, "report", out], capture_output=True, text=True)
        check(r.returncode == 0, f"dhsim report (plant) exit {r.returncode}: {r.stderr}")
        t = r.stdout
        # step 2: boilers 22 and 23 kg/s = 79.2 and 82.8 t/h; N-1: demand 41.5 kg/s (149.4
        # t/h), capacity 38 kg/s (136.8 t/h), short by 12.6 t/h; K1 short 5 kg/s = 18 t/h
        for want in ["plant sample-chp -> header SRC", "boiler   B1       79.2 t/h",
                     "boiler   B2       82.8 t/h", "turbine  T1      15.20 MW",
                     "N-1      FAILS with B2 out: capacity 136.8 t/h at the set point, "
                     "short by 12.6 t/h", "K1 18.00 t/h, K2 0.20 MW"]:
            check(want in t, f"report (plant): no {want!r}")
        r = subprocess.run([dhsim, "report", out, "--step", "0"], capture_output=True, text=True)
        # step 0: demand 37.5 kg/s, capacity 38: margin 0.5 kg/s = 1.8 t/h
        check("N-1      HOLDS with B2 out: capacity 136.8 t/h, margin 1.8 t/h" in r.stdout,
              f"report --step 0: N-1 line\n{r.stdout}")


def main():
    writer = sys.argv[1]
    dhsim = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sample.h5")
        subprocess.run([writer, out, str(T)], check=True)
        check(os.path.exists(os.path.join(tmp, "sample.xmf")), "sample.xmf missing")
        check(sorted(os.listdir(tmp)) == ["sample.h5", "sample.xmf"],
              f"unexpected files {os.listdir(tmp)}")
        with h5py.File(out, "r") as f:
            for path, (units, exp) in RESULTS.items():
                check(path in f, f"{path} missing")
                if path not in f:
                    continue
                ds = f[path]
                check(ds.shape == exp.shape, f"{path}: shape {ds.shape} != {exp.shape}")
                check(ds.dtype == np.float64, f"{path}: dtype {ds.dtype}")
                check(ds.maxshape[0] is None, f"{path}: time axis not extendible")
                check(ds.compression == "gzip" and ds.shuffle, f"{path}: not shuffle+deflate")
                check_attrs(ds, units)
                if ds.shape == exp.shape:
                    check(np.array_equal(ds[()], exp, equal_nan=True), f"{path}: values differ")
            for path, (units, exp) in NETWORK.items():
                check(path in f, f"{path} missing")
                if path in f:
                    check_attrs(f[path], units)
                    check(np.array_equal(f[path][()], np.array(exp)), f"{path}: {f[path][()]} != {exp}")
            for path, exp in STRINGS.items():
                check(path in f, f"{path} missing")
                if path in f:
                    check(list(f[path].asstr()[()]) == exp, f"{path}: {f[path][()]} != {exp}")
                    check("description" in f[path].attrs, f"{path}: no description")
            for path, exp in ENUMS.items():
                check(path in f, f"{path} missing")
                if path not in f:
                    continue
                mapping = h5py.check_enum_dtype(f[path].dtype)
                check(mapping is not None, f"{path}: not an HDF5 enum")
                if mapping and exp:
                    inv = {v: k for k, v in mapping.items()}
                    check([inv[v] for v in f[path][()]] == exp, f"{path}: {f[path][()]}")
            xyz = f["/network/nodes/xyz"][()]
            check(xyz.shape == (N, 3) and np.array_equal(xyz[:, 2], [10, 12, 11, 9, 9]), "xyz")
            conn = f["/network/links/connectivity"][()]
            check(conn.shape == (L, 2) and np.array_equal(conn[:, 0], f["/network/links/from"][()]),
                  "connectivity")
            t = f["/results/time"]
            check(t.attrs["units"] == "s" and np.array_equal(t[()], [0, 3600, 7200]), "time")
            for name in ["converged", "iterations", "residual_norm", "mass_balance",
                         "energy_balance", "seconds"]:
                p = "/results/solver/" + name
                check(p in f and f[p].shape == (T,) and "units" in f[p].attrs, f"{p}")
            check(np.array_equal(f["/results/solver/iterations"][()], [3, 4, 5]), "iterations")
            s = f["/results/summary"].attrs
            check(s["converged"] == 1 and s["iterations"] == 12 and s["steps"] == 3,
                  f"summary {dict(s)}")
            check(math.isclose(s["residual_norm"], 3e-10, rel_tol=1e-12), "summary residual (worst)")
            a = f.attrs
            for key, exp in [("program_version", "0.1.0-test"), ("case_file", "cases/sample.yaml"),
                             ("case_name", "sample"), ("study", "series"),
                             ("format", "dhsim-results")]:
                check(a.get(key) == exp, f"root attribute {key}: {a.get(key)!r} != {exp!r}")
            check(len(a.get("case_sha256", "")) == 64, "case_sha256")
            created = a.get("created", "")
            check(len(created) == 20 and created[10] == "T" and created.endswith("Z"),
                  f"created {created!r} is not ISO 8601 UTC")
        if dhsim:
            r = subprocess.run([dhsim, "report", out], capture_output=True, text=True)
            check(r.returncode == 0, f"dhsim report exit {r.returncode}: {r.stderr}")
            # consumer pressure at step 2: 0.9 MPa x 1.2 (sample_net.c)
            check("minimum delivery pressure  1.0800 MPa abs at consumer K1" in r.stdout,
                  "report: min delivery pressure line")
            check("plant " not in r.stdout, "report: a plant section without a plant")
            # consumers worst first: K1 has a margin, K2 has none -> K1 first
            lines = [ln.split()[0] for ln in r.stdout.splitlines() if ln.strip().startswith("K")]
            check(lines == ["K1", "K2"], f"report consumer order {lines}")
            csv = os.path.join(tmp, "mf.csv")
            r = subprocess.run([dhsim, "report", out, "--csv", "links.mass_flow", "--out", csv],
                               capture_output=True, text=True)
            check(r.returncode == 0, f"dhsim report --csv exit {r.returncode}: {r.stderr}")
            rows = open(csv).read().splitlines()
            check(len(rows) == 1 + L, f"csv rows {len(rows)}")
            cells = rows[2].split(",")
            check(cells[0] == "P2" and [float(c) for c in cells[1:]] == list(sample(4, L)[:, 1]),
                  f"csv row P2: {rows[2]!r}")  # round-trip exact: the CSV prints enough digits
            check(rows[0].split(",")[1:] == ["0", "3600", "7200"], f"csv header {rows[0]!r}")
            r = subprocess.run([dhsim, "report", out, "--csv", "links.nothing"],
                               capture_output=True, text=True)
            check(r.returncode == 2, f"bad --csv exit {r.returncode}")
            if shutil.which("gnuplot"):
                pre = os.path.join(tmp, "plot")
                r = subprocess.run([dhsim, "report", out, "--plots", pre],
                                   capture_output=True, text=True)
                check(r.returncode == 0, f"--plots exit {r.returncode}: {r.stderr}")
                for name in ("map", "profile", "duration"):
                    png = f"{pre}-{name}.png"
                    ok = os.path.exists(png) and os.path.getsize(png) > 5000
                    check(ok and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f"{png} not a PNG")
            else:
                print("note: gnuplot not installed, --plots not checked")
            r = subprocess.run([dhsim, "report", os.path.join(tmp, "missing.h5")],
                               capture_output=True, text=True)
            check(r.returncode == 2 and "missing.h5" in r.stderr, "missing file message")
        check_plant(writer, dhsim, tmp)
    print("FAILED" if failures else "ok", f"({len(failures)} failures)")
    return 1 if failures else 0


sys.exit(main())
