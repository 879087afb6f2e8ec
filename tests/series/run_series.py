#!/usr/bin/python3
"""e2e: `dhsim run` of a 48-hour slice of the park year (cases/linyi-etdz/year.yaml with
--set study.start/end): exit 0, the summary lines, the HDF5 shapes ([time, element] datasets
with 48 rows, /results/series with its sorted load-duration curve) and `dhsim report` printing
the same series block from the file."""
import os, subprocess, sys, tempfile
import h5py
import numpy as np

dhsim = sys.argv[1]
src = os.environ.get("SRCDIR", ".")
case = os.path.join(src, "cases/linyi-etdz/year.yaml")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "y48.h5")
    r = subprocess.run([dhsim, "run", case, "--set", "study.start=01-10", "--set",
                        "study.end=01-11", "-o", out], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.returncode
    lines = r.stdout.splitlines()
    def line(prefix):
        m = [l for l in lines if l.startswith(prefix)]
        assert m, "no line starting with %r" % prefix
        return m[0]
    assert "48 steps of 1 h, 01-10 00:00 .. 01-11 23:00 (first and last); 48 converged, 0 failed" in line("series:")
    assert line("peak hour: 01-1")
    assert line("  plant at the peak:")
    assert line("load duration (header flow, t/h):")
    assert line("unmet demand:")
    assert line("delivery pressure below minimum:")
    assert line("energy over the period:")
    assert line("  plant: fuel")
    with h5py.File(out, "r") as f:
        nn = f["/network/nodes/id"].shape[0]
        nl = f["/network/links/id"].shape[0]
        assert f["/results/time"].shape == (48,)
        assert np.allclose(np.diff(f["/results/time"][:]), 3600.0)
        assert f["/results/nodes/pressure"].shape == (48, nn)
        assert f["/results/links/mass_flow"].shape == (48, nl)
        assert f["/results/plant/header/demand"].shape[0] == 48
        g = f["/results/series"]
        d = g["load_duration_flow"][:]
        assert d.shape == (48,)
        assert np.all(np.diff(d) <= 0), "load-duration curve not sorted descending"
        # the curve is the plant's header demand per step, sorted
        hd = f["/results/plant/header/demand"][:]
        assert np.allclose(np.sort(hd)[::-1], d, rtol=1e-12)
        assert g.attrs["peak_flow"] == d[0]
        assert int(g.attrs["n_steps"]) == 48
    rep = subprocess.run([dhsim, "report", out], capture_output=True, text=True)
    assert rep.returncode == 0, rep.stderr
    for l in ("series:", "peak hour:", "load duration", "energy over the period:"):
        assert line(l) in rep.stdout, l
    # time-series charts: load duration and plant dispatch, as real PNG files
    prefix = os.path.join(tmp, "y")
    pl = subprocess.run([dhsim, "report", out, "--plots", prefix], capture_output=True, text=True)
    assert pl.returncode == 0, pl.stderr
    for name in ("map", "profile", "duration", "dispatch"):
        with open(f"{prefix}-{name}.png", "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n", name
print("ok")
