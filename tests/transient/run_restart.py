#!/usr/bin/python3
"""e2e: checkpoints and `dhsim run CASE --restart FILE` (docs/transient.md "Checkpoints and
restart").

1. Water network (tests/transient/data/water-restart.yaml: 120 pipes, hourly demand steps,
   supply temperature step and ramp): 2 h straight without checkpoints (A); 2 h with a
   checkpoint at 1 h (B1), then a restart from it (B2). The restart continues with the same
   breakpoints (IDA is re-initialised at every transport interval anyway), so B2 must equal A
   and B1 after 1 h to round-off: every [time, element] dataset within 1e-9 relative to the
   dataset's largest value (the only source of difference is KLU's pivot choice in a fresh
   factorisation versus a refactorisation: round-off, amplified at most by the Newton
   tolerance). The summary's conservation line must be the same.
2. The park (cases/linyi-etdz/boiler-trip.yaml, steam line pack after a boiler trip): straight
   (A) vs checkpoint at 1 h + restart (B2). Here the checkpoint adds a breakpoint (a re-start of
   the BDF history) that A does not have, so B2 differs from A by the integration error: within
   1e-3 relative (rtol = 1e-5 in the case; the global error of a BDF run is a modest multiple of
   the local tolerance over the 2 h of a slowly draining line pack), and from B1 (same
   breakpoints) by round-off (1e-9). The ride-through times of every consumer must be equal
   (they are in the checkpoint: the trip is before it).
3. A run killed with SIGKILL in the middle leaves a usable checkpoint: a long run with a
   checkpoint every 10 simulated minutes is killed as soon as a checkpoint exists; the file
   opens, and a restart to checkpoint + 1 h gives the same results as an uninterrupted run to
   that time (round-off, as 1).
4. Refusals, exit 2: a checkpoint of another case (SHA-256 differs), of the same case run with
   another --set (input fingerprint differs), a file that is not a checkpoint.
"""
import os, re, shutil, signal, subprocess, sys, tempfile, time
import h5py
import numpy as np

dhsim = sys.argv[1]
src = os.environ.get("SRCDIR", ".")
water = os.path.join(src, "tests/transient/data/water-restart.yaml")
park = os.path.join(src, "cases/linyi-etdz/boiler-trip.yaml")
failures = []


def run(args, expect=0):
    r = subprocess.run([dhsim, "run"] + args, capture_output=True, text=True)
    if r.returncode != expect:
        print(r.stdout, r.stderr)
        raise AssertionError("exit %d, expected %d: %s" % (r.returncode, expect, args))
    return r


def datasets(f):
    out = []
    f["/results"].visititems(lambda n, o: out.append("/results/" + n)
                             if isinstance(o, h5py.Dataset) else None)
    return out


def compare(ref, res, tol, what):
    """Rows of res (a restarted run) against the same times of ref."""
    with h5py.File(ref) as a, h5py.File(res) as b:
        ta, tb = a["/results/time"][:], b["/results/time"][:]
        i0 = int(np.searchsorted(ta, tb[0] - 1e-9))
        assert np.allclose(ta[i0:i0 + len(tb)], tb, rtol=0, atol=1e-9), (what, ta, tb)
        worst = (0.0, "")
        n = 0
        for name in datasets(b):
            if name.startswith("/results/solver") or name.startswith("/results/transient"):
                continue  # wall times, per-run counters; the summary group
            x, y = a[name][()], b[name][()]
            if x.ndim < 1 or x.shape[0] != len(ta) or x.dtype.kind != "f":
                continue
            x = x[i0:i0 + len(tb)]
            assert x.shape == y.shape, (name, x.shape, y.shape)
            if not np.isfinite(x).any():
                continue
            scale = np.nanmax(np.abs(x))
            if not scale > 0:
                continue
            same_nan = np.array_equal(np.isnan(x), np.isnan(y))
            d = np.nanmax(np.abs(x - y)) / scale if same_nan else np.inf
            n += 1
            worst = max(worst, (d, name))
        print("%s: %d datasets, %d rows from t = %g s; largest relative difference %.3g (%s)"
              % (what, n, len(tb), tb[0], worst[0], worst[1]))
        if not worst[0] <= tol:
            failures.append("%s: %.3g > %.3g in %s" % (what, worst[0], tol, worst[1]))
        return worst[0]


def line(out, prefix):
    m = [l for l in out.splitlines() if l.startswith(prefix)]
    assert m, "no line %r in\n%s" % (prefix, out)
    return m[0]


with tempfile.TemporaryDirectory() as tmp:
    p = lambda name: os.path.join(tmp, name)

    # ---- 1. water network: 2 h straight vs 1 h + restart ------------------------------------
    two_h = ["--set", "study.duration=2h"]
    A = run([water, "-o", p("wA.h5")] + two_h)
    assert not os.path.exists(p("wA.ckpt")), "a checkpoint without study.checkpoint"
    B1 = run([water, "-o", p("wB1.h5"), "--set", "study.checkpoint=1h"] + two_h)
    assert os.path.exists(p("wB1.ckpt")), os.listdir(tmp)
    with h5py.File(p("wB1.ckpt")) as f:
        assert f.attrs["format"] == "dhsim-checkpoint"
        assert f.attrs["time"] == 3600.0, f.attrs["time"]
        assert f["plugs"].shape[1] == 2 and f["plugs"].shape[0] > 0, f["plugs"].shape
        assert f["pipes"].shape[1] == 5
        print("water checkpoint: t = %g s, %d unknowns, %d water pipes, %d plugs"
              % (f.attrs["time"], f["y"].shape[0], f["pipes"].shape[0], f["plugs"].shape[0]))
    B2 = run([water, "-o", p("wB2.h5"), "--restart", p("wB1.ckpt")] + two_h)
    assert "restart: from %s at t = 3600 s" % p("wB1.ckpt") in B2.stdout, B2.stdout
    with h5py.File(p("wB2.h5")) as f:
        t = f["/results/time"][:]
        assert t[0] == 3900.0 and t[-1] == 7200.0 and len(t) == 12, t
    compare(p("wA.h5"), p("wB2.h5"), 1e-9, "water: restart vs straight")
    compare(p("wB1.h5"), p("wB2.h5"), 1e-9, "water: restart vs the run that wrote it")
    for key in ("conservation over the run", "header PLANT0"):
        a, b = line(A.stdout, key), line(B2.stdout, key)
        if a != b:
            failures.append("water summary differs:\n  %s\n  %s" % (a, b))

    # ---- 2. the park: steam line pack --------------------------------------------------------
    pA = run([park, "-o", p("pA.h5")])
    pB1 = run([park, "-o", p("pB1.h5"), "--set", "study.checkpoint=1h"])
    pB2 = run([park, "-o", p("pB2.h5"), "--set", "study.checkpoint=1h", "--restart",
               p("pB1.ckpt")])
    compare(p("pA.h5"), p("pB2.h5"), 1e-3, "park: restart vs straight (extra breakpoint)")
    compare(p("pB1.h5"), p("pB2.h5"), 1e-9, "park: restart vs the run that wrote it")
    with h5py.File(p("pA.h5")) as a, h5py.File(p("pB2.h5")) as b:
        ra = a["/results/transient/ride_through"][:]
        rb = b["/results/transient/ride_through"][:]
        assert np.array_equal(np.isnan(ra), np.isnan(rb)) and np.allclose(ra, rb, equal_nan=True), (ra, rb)

    # ---- 3. kill -9 in the middle leaves a usable checkpoint -----------------------------------
    long = ["--set", "study.duration=2000h", "--set", "study.checkpoint=10min"]
    proc = subprocess.Popen([dhsim, "run", water, "-o", p("k.h5")] + long,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while not os.path.exists(p("k.ckpt")) and proc.poll() is None and time.monotonic() - t0 < 60:
        time.sleep(0.005)
    time.sleep(0.05)  # let it be in the middle of writing the next ones
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert alive, "the 2000 h run ended before it could be killed"
    assert proc.returncode == -signal.SIGKILL, proc.returncode
    assert not os.path.exists(p("k.h5")), "a killed run must not leave a results file"
    with h5py.File(p("k.ckpt")) as f:
        t_ck = float(f.attrs["time"])
    print("killed run: checkpoint at t = %g s (leftover tmp files: %s)"
          % (t_ck, [n for n in os.listdir(tmp) if ".tmp-" in n]))
    assert t_ck > 0 and abs(t_ck / 600 - round(t_ck / 600)) < 1e-9, t_ck
    to = ["--set", "study.duration=%gs" % (t_ck + 3600), "--set", "study.checkpoint=10min"]
    kr = run([water, "-o", p("kR.h5"), "--restart", p("k.ckpt")] + to)
    ks = run([water, "-o", p("kS.h5")] + to)
    compare(p("kS.h5"), p("kR.h5"), 1e-9, "killed + restart vs uninterrupted")

    # ---- 4. refusals -------------------------------------------------------------------------
    r = run([park, "-o", p("x.h5"), "--restart", p("wB1.ckpt")], expect=2)
    assert re.search(r"error: checkpoint .* was written by another case .*SHA-256.*refusing",
                     r.stderr), r.stderr
    assert not os.path.exists(p("x.h5"))
    r = run([water, "-o", p("x.h5"), "--set", "ambient.soil=9degC", "--restart", p("wB1.ckpt")]
            + two_h, expect=2)
    assert "fingerprint" in r.stderr and "refusing" in r.stderr, r.stderr
    with open(p("junk.ckpt"), "w") as f:
        f.write("not a checkpoint\n")
    r = run([water, "--restart", p("junk.ckpt")], expect=2)
    assert "not a dhsim checkpoint" in r.stderr or "not an HDF5 file" in r.stderr, r.stderr
    r = run([water, "--restart", p("none.ckpt")], expect=2)
    assert "cannot open" in r.stderr, r.stderr

if failures:
    print("FAILED:\n" + "\n".join(failures))
    sys.exit(1)
print("ok")
