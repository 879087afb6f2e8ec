"""e2e: `dhsim retire` on the park case (cases/linyi-etdz/retire.yaml): exit 0, the step table
in the terminal, the CSV (one row per step computed), /retire/steps in the HDF5 file with units
on every dataset and the same rows, and the PNG plot; the series check of retire-year.yaml on
two days (hours table, hour per row, /retire/hours, /retire/combinations). Usage:
run_retire.py DHSIM."""
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
    # the series check on two days of the year case (12-13 January, the coldest): the hours
    # table, the hour of each row in the CSV and /retire/hours, /retire/combinations in HDF5
    ycase = os.path.join(src, "cases", "linyi-etdz", "retire-year.yaml")
    yout = os.path.join(tmp, "year.h5")
    ycsv = os.path.join(tmp, "year.csv")
    p = subprocess.run([dhsim, "retire", ycase, "-o", yout, "--csv", ycsv, "--set",
                        "study.start=01-12", "--set", "study.end=01-13"], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "hours of the series" in p.stdout and "binding: at 01-1" in p.stdout, p.stdout
    yrows = list(csv.DictReader(open(ycsv)))
    assert all(r["hour"].startswith("01-1") for r in yrows), [r["hour"] for r in yrows]
    with h5py.File(yout, "r") as f:
        assert f["/retire"].attrs["check_hour"] in (b"series_worst_hours", "series_worst_hours")
        h = f["/retire/hours"]
        assert h["label"].shape[0] >= 1 and h["plant_demand"].attrs["units"] in (b"kg/s", "kg/s")
        labels = [x.decode() if isinstance(x, bytes) else x for x in h["label"][:]]
        hours = [x.decode() if isinstance(x, bytes) else x for x in f["/retire/steps/hour"][:]]
        assert all(x in labels for x in hours), (hours, labels)
        assert "combinations" in f["/retire"] and "cost" in f["/retire/reinforcements"]
    # bad input: exit 2 with a position
    bad = os.path.join(tmp, "bad.yaml")
    open(bad, "w").write(open(case).read().replace("order: auto", "order: [SB-99]"))
    for fn in ("small-boilers.csv", "nodes.csv", "pipes.csv", "consumers-winter-peak.csv"):
        os.symlink(os.path.join(src, "cases", "linyi-etdz", fn), os.path.join(tmp, fn))
    p = subprocess.run([dhsim, "retire", bad], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "no small boiler 'SB-99'" in p.stderr, p.stderr
print("ok")
