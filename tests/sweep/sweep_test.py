#!/usr/bin/python3
"""tests/sweep: `dhsim sweep` end to end (cli/cmd_sweep.c, postproc/sweep_out.c, study.c,
network/sweep_design.c).

usage: sweep_test.py DHSIM MODE   (MODE: serial | mpi | resume | slices)

Every mode compares sweep files case by case: /sweep/parameters whole, /sweep/summary every
column but `seconds` (wall time). The comparison is exact (NaN equal to NaN): every case is
solved from scratch by the same code on the same input whatever the rank, slice or resume, so
the doubles are bit-for-bit the same; any difference is a bug in the bookkeeping.
Exit 77 (skipped) when mpirun is absent (mode mpi).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

DHSIM = sys.argv[1]
MODE = sys.argv[2]
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CASE = os.path.join(SRC, "tests", "sweep", "steam_sweep.yaml")
BIG = os.path.join(SRC, "tests", "sweep", "steam_sweep_resume.yaml")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
# Under mpirun in a sanitizer build, LeakSanitizer reports OpenMPI 4.1's own allocations (its
# dlopen'ed MCA components and ompi_op_base_op_select never free them at MPI_Finalize); dhsim's
# own leaks are covered by the serial, resume and slice runs of this file, which keep detection on.
MPI_ENV = dict(ENV, ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))
for v in ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"):
    ENV.pop(v, None)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def run(args, expect=None, env=None):
    p = subprocess.run(args, env=env or ENV, capture_output=True, text=True, timeout=600)
    if expect is not None and p.returncode != expect:
        print(p.stdout, p.stderr)
        check(False, f"{' '.join(args)}: exit {p.returncode}, expected {expect}")
    return p


def same(a, b):
    if a.dtype.kind == "f":
        return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
    return bool(np.all(a == b))


def compare(fa, fb, per_case=False):
    with h5py.File(fa, "r") as A, h5py.File(fb, "r") as B:
        check(A["sweep"].attrs["hash"] == B["sweep"].attrs["hash"], f"{fb}: another hash")
        check(int(B["sweep"].attrs["complete"]) == 1, f"{fb}: not complete")
        pa, pb = A["sweep/parameters"][:], B["sweep/parameters"][:]
        for name in pa.dtype.names:
            check(same(pa[name], pb[name]), f"{fb}: parameters column {name} differs")
        sa, sb = A["sweep/summary"][:], B["sweep/summary"][:]
        check(len(sa) == len(sb), f"{fb}: {len(sb)} rows, not {len(sa)}")
        for name in sa.dtype.names:
            if name != "seconds":
                for k in range(len(sa)):
                    if not same(np.array(sa[name][k]), np.array(sb[name][k])):
                        check(False, f"{fb}: case {k} column {name}: {sa[name][k]} != {sb[name][k]}")
        if per_case:
            ka, kb = sorted(A["sweep/cases"]), sorted(B["sweep/cases"])
            check(ka == kb, f"{fb}: per-case groups {kb} != {ka}")
            for k in ka:
                for ds in ("results/nodes/pressure", "results/links/mass_flow",
                           "results/consumers/pressure"):
                    x, y = A[f"sweep/cases/{k}/{ds}"][:], B[f"sweep/cases/{k}/{ds}"][:]
                    check(same(x, y), f"{fb}: case {k} {ds} differs")


tmp = tempfile.mkdtemp(prefix="dhsim-sweep-test-")
try:
    serial = os.path.join(tmp, "serial.h5")
    if MODE in ("serial", "mpi", "slices"):
        # 16 cases, 4 of them bad input (recorded, the sweep goes on): exit 1
        run([DHSIM, "sweep", CASE, "-o", serial], expect=1)
        with h5py.File(serial, "r") as f:
            s = f["sweep/summary"][:]
            st = list(s["status"])
            check(st == [0] * 12 + [2] * 4, f"statuses {st}")
            check(all(b"expected a temperature" in d for d in s["diagnosis"][12:]),
                  "bad-input diagnosis")
            check(int(f["sweep"].attrs["complete"]) == 1, "serial file not complete")
            check(len(f["sweep/cases"]) == 12, "per-case groups of the 12 solved cases")
            p = f["sweep/parameters"][:]
            # case 5 = air index 1 (0 degC), pressure index 1 (0.85 MPa(g)): grid, last fastest
            check(p["ambient.air.text"][5] == b"0 degC", p["ambient.air.text"][5])
            check(p["sources.CHP.pressure.text"][5] == b"0.85 MPa(g)", p["sources.CHP.pressure.text"][5])
            # SI: 0 degC = 273.15 K; 0.85 MPa(g) + 101.325 kPa (the case's atmosphere)
            check(abs(p["ambient.air"][5] - 273.15) < 1e-9, p["ambient.air"][5])
            check(abs(p["sources.CHP.pressure"][5] - 951325.0) < 1e-6, p["sources.CHP.pressure"][5])
        if MODE == "serial":
            # two cases against independent `dhsim run --set` runs (same solver, same input:
            # equal to the last bit; the results file stores the same doubles)
            with h5py.File(serial, "r") as f:
                s = f["sweep/summary"][:]
                p = f["sweep/parameters"][:]
                for k in (2, 9):
                    out = os.path.join(tmp, f"run{k}.h5")
                    run([DHSIM, "run", CASE, "-o", out,
                         "--set", "ambient.air=" + p["ambient.air.text"][k].decode(),
                         "--set", "sources.CHP.pressure=" + p["sources.CHP.pressure.text"][k].decode()],
                        expect=0)
                    with h5py.File(out, "r") as r:
                        cp = r["results/consumers/pressure"][0]
                        loss = np.nansum(r["results/links/heat_loss"][0])
                        flow = np.nansum(r["results/sources/mass_flow"][0])
                        check(s["min_delivery_pressure"][k] == cp.min(),
                              f"case {k}: min delivery pressure {s['min_delivery_pressure'][k]} vs run {cp.min()}")
                        check(abs(s["heat_loss"][k] - loss) <= 1e-12 * abs(loss),
                              f"case {k}: heat loss {s['heat_loss'][k]} vs run {loss}")
                        check(abs(s["header_flow"][k] - flow) <= 1e-12 * abs(flow),
                              f"case {k}: header flow {s['header_flow'][k]} vs run {flow}")
                        x = f[f"sweep/cases/{k:06d}/results/nodes/pressure"][:]
                        check(same(x, r["results/nodes/pressure"][:]), f"case {k}: per-case nodes")
            # resume of a complete file: nothing runs; another sweep in the file: refused (2)
            p = run([DHSIM, "sweep", CASE, "-o", serial], expect=0)  # exit: this run's cases
            check("0 cases run" in p.stdout, p.stdout)
            run([DHSIM, "sweep", CASE, "-o", serial, "--set", "ambient.wind=3 m/s"], expect=2)
    if MODE == "mpi":
        if not shutil.which("mpirun"):
            sys.exit(77)
        for n in (["-n", "2"], ["-n", "3", "--oversubscribe"]):
            out = os.path.join(tmp, f"mpi{n[1]}.h5")
            run(["mpirun", "--allow-run-as-root"] + n + [DHSIM, "sweep", CASE, "-o", out], expect=1,
                env=MPI_ENV)
            compare(serial, out, per_case=True)
    if MODE == "slices":
        parts = []
        for k in (1, 2, 3):
            out = os.path.join(tmp, f"slice{k}.h5")
            run([DHSIM, "sweep", CASE, "-o", out, "--slice", f"{k}/3"])
            parts.append(out)
        # the same slice from Slurm's variables (array 5-7: task 6 is slice 2)
        out = os.path.join(tmp, "slurm2.h5")
        env = dict(ENV, SLURM_ARRAY_TASK_ID="6", SLURM_ARRAY_TASK_MIN="5", SLURM_ARRAY_TASK_COUNT="3")
        subprocess.run([DHSIM, "sweep", CASE, "-o", out], env=env, capture_output=True)
        with h5py.File(out, "r") as a, h5py.File(parts[1], "r") as b:
            check(a["sweep"].attrs["slice"] == b"2/3", a["sweep"].attrs["slice"])
            check(same(a["sweep/summary"]["status"], b["sweep/summary"]["status"]), "Slurm slice")
        merged = os.path.join(tmp, "merged.h5")
        run([DHSIM, "sweep", "merge", merged] + parts, expect=0)
        compare(serial, merged, per_case=True)
        # a slice of another sweep is refused
        other = os.path.join(tmp, "other.h5")
        run([DHSIM, "sweep", CASE, "-o", other, "--slice", "1/3", "--set", "ambient.wind=3 m/s"])
        run([DHSIM, "sweep", "merge", os.path.join(tmp, "bad.h5"), parts[0], other], expect=2)
    if MODE == "resume":
        whole = os.path.join(tmp, "whole.h5")
        run([DHSIM, "sweep", BIG, "-o", whole], expect=0)
        for attempt in range(3):
            out = os.path.join(tmp, f"killed{attempt}.h5")
            journal = out + ".journal"
            p = subprocess.Popen([DHSIM, "sweep", BIG, "-o", out], env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t0 = time.time()
            while p.poll() is None and time.time() - t0 < 60:
                try:
                    size = os.path.getsize(journal) if os.path.exists(journal) else 0
                except OSError:
                    size = 0
                if size > 128 + 40 * 400:  # header + some tens of rows of ~400 bytes
                    break
                time.sleep(0.002)
            if p.poll() is not None:
                continue  # finished before the kill: try again
            p.send_signal(signal.SIGKILL)
            p.wait()
            with h5py.File(out, "r") as f:
                done = int(np.sum(f["sweep/summary"]["status"] != -1))
                check(0 < done < 300, f"killed sweep has {done} rows")
                check(int(f["sweep"].attrs["complete"]) == 0, "killed sweep marked complete")
            q = run([DHSIM, "sweep", BIG, "-o", out], expect=0)
            check(f"{300 - done} cases run" in q.stdout or "with a result already" in q.stderr,
                  q.stdout)
            check(not os.path.exists(journal), "journal left after a complete sweep")
            compare(whole, out)
            break
        else:
            check(False, "the sweep finished before it could be killed three times")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(f"{MODE}: {len(failures)} failures")
sys.exit(1 if failures else 0)
