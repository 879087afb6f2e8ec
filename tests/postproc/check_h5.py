#!/usr/bin/python3
"""check_h5.py: the documented results layout (docs/results.md) as h5py sees it.

usage: check_h5.py SAMPLE_WRITER [DHSIM]
Writes the sample network's results for 3 time steps (sample_net.h) and checks every dataset of
docs/results.md: presence, shape, dtype kind, `units` and `description` attributes, values (the
writer copies the solver's arrays, so values are compared exactly with the formula of
sample_net.c), root attributes, the summary group. With DHSIM, also `dhsim report` and
`dhsim report --csv`. Exit 0 pass, 1 fail, 77 skip (no h5py).
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
            check("min 1.2000 MPa(a) at node S" in r.stdout, "report: min pressure line")
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
    print("FAILED" if failures else "ok", f"({len(failures)} failures)")
    return 1 if failures else 0


sys.exit(main())
