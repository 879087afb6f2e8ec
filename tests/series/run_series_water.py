#!/usr/bin/python3
"""e2e: a series on a closed hot-water loop (cases/teaching/hot_water.yaml: pump + plant header
at its discharge, the source's own flow is 0). The header flow of the series summary must be
the circulating flow the plant heats, and its heat the plant's heat output, not 0
(postproc/series_summary.c, solver/balance.c); the steady summary prints the source's heat.
study.output_interval of a series: rows every k-th step, the summary over every step."""
import os, re, subprocess, sys, tempfile
import h5py

dhsim = sys.argv[1]
src = os.environ.get("SRCDIR", ".")
case = os.path.join(src, "cases/teaching/hot_water.yaml")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "hw.h5")
    r = subprocess.run([dhsim, "run", case, "--set", "study.type=series", "--set",
                        "study.end=01-01", "-o", out], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.returncode
    with h5py.File(out, "r") as f:
        m = f["/results/links/mass_flow"][0]
        ids = [x.decode() if isinstance(x, bytes) else x for x in f["/network/links/id"][:]]
        heat = f["/results/consumers/heat"][0].sum()
        loss = f["/results/links/heat_loss"][0].sum()
        q_src = f["/results/sources/heat"][0].sum()
    circ = m[ids.index("SP1")]  # the only pipe leaving the plant node S0
    peak = re.search(r"header flow ([0-9.]+) t/h, heat ([0-9.]+) MW", r.stdout)
    assert peak, "no peak-hour line"
    # printed with 0.1 t/h and 0.1 MW resolution
    assert abs(float(peak.group(1)) - circ * 3.6) <= 0.051, (peak.group(1), circ * 3.6)
    assert abs(float(peak.group(2)) - q_src / 1e6) <= 0.051
    # the plant's heat = consumers' heat + pipe losses (pump work is small: 0.5 %)
    assert abs(q_src - heat - loss) <= 5e-3 * q_src, (q_src, heat, loss)
    assert circ > 1.0
    r = subprocess.run([dhsim, "run", case], capture_output=True, text=True)
    assert r.returncode == 0
    q = re.search(r"source PLANT .* heat ([0-9.]+) kW", r.stdout)
    assert q and abs(float(q.group(1)) * 1e3 - q_src) <= 0.01 * q_src, r.stdout
    # study.output_interval: rows every 6 h, the summary still over every hour
    out6 = os.path.join(tmp, "hw6.h5")
    r = subprocess.run([dhsim, "run", case, "--set", "study.type=series", "--set",
                        "study.end=01-01", "--set", "study.output_interval=6h", "-o", out6],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "24 steps of 1 h" in r.stdout, r.stdout
    with h5py.File(out6, "r") as f:
        t = list(f["/results/time"][:] / 3600.0)
        assert t == [0.0, 6.0, 12.0, 18.0], t
        assert f["/results/nodes/pressure"].shape[0] == 4
        assert f["/results/series/header_flow"].shape == (24,)
print("ok")
