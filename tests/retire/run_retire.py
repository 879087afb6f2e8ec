"""e2e: `dhsim retire` on the park case (cases/linyi-etdz/retire.yaml): exit 0, the step table
in the terminal, the CSV (one row per step computed), /retire/steps in the HDF5 file with units
on every dataset and the same rows, and the PNG plot. Usage: run_retire.py DHSIM."""
import csv, os, subprocess, sys, tempfile

import h5py

dhsim = sys.argv[1]
src = os.environ.get("SRCDIR", ".")
case = os.path.join(src, "cases", "linyi-etdz", "retire.yaml")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "park.h5")
    csvp = os.path.join(tmp, "park.csv")
    p = subprocess.run([dhsim, "retire", case, "-o", out, "--csv", csvp], capture_output=True,
                       text=True, timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Verdict:" in p.stdout and "binding:" in p.stdout, p.stdout
    rows = list(csv.DictReader(open(csvp)))
    assert rows[0]["retired"] == "(today)", rows[0]
    with h5py.File(out, "r") as f:
        g = f["/retire/steps"]
        n = g["step"].shape[0]
        assert n == len(rows), (n, len(rows))
        for name, d in g.items():
            assert "units" in d.attrs, name
        assert g["worst_margin"].attrs["units"] in (b"Pa", "Pa")
        ff = int(f["/retire"].attrs["first_fail"])
        assert ff == n - 1, (ff, n)
        assert int(g["ok"][ff]) == 0 and all(int(x) == 1 for x in g["ok"][:ff])
        # the CSV and the HDF5 tell the same margins (MPa vs Pa)
        for k in range(n):
            assert abs(float(rows[k]["worst_margin [MPa]"]) - g["worst_margin"][k] / 1e6) < 1e-5
        assert f["/results/time"].shape[0] == n  # one results row per step (no new site)
        assert "reinforcements" in f["/retire"]
    png = os.path.join(tmp, "park-retire.png")
    assert os.path.getsize(png) > 1000
    # bad input: exit 2 with a position
    bad = os.path.join(tmp, "bad.yaml")
    open(bad, "w").write(open(case).read().replace("order: auto", "order: [SB-99]"))
    for fn in ("small-boilers.csv", "nodes.csv", "pipes.csv", "consumers-winter-peak.csv"):
        os.symlink(os.path.join(src, "cases", "linyi-etdz", fn), os.path.join(tmp, fn))
    p = subprocess.run([dhsim, "retire", bad], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "no small boiler 'SB-99'" in p.stderr, p.stderr
print("ok")
