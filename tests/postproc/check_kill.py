#!/usr/bin/python3
"""check_kill.py: a run killed part-way (SIGKILL, no chance to clean up) leaves no file under
the final name and does not touch an older result there.

usage: check_kill.py SAMPLE_WRITER
1. A writer is killed after its first append: no OUT.h5, no OUT.xmf.
2. A complete result is written; a second writer to the same name is killed after 2 appends:
   OUT.h5 and OUT.xmf are byte-identical to the complete ones (only OUT.h5.tmp-<pid> is left,
   which is what a killed run may leave).
Exit 0 pass, 1 fail.
"""
import hashlib
import os
import signal
import subprocess
import sys
import tempfile

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def kill_after(writer, out, appends):
    p = subprocess.Popen([writer, out, "100", "200"], stdout=subprocess.PIPE, text=True)
    for _ in range(appends):
        line = p.stdout.readline()
        check(line.startswith("appended"), f"writer said {line!r}")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    check(p.returncode == -signal.SIGKILL, f"writer exit {p.returncode}")
    return p.pid


def main():
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.h5")
        xmf = os.path.join(tmp, "run.xmf")
        pid = kill_after(writer, out, 1)
        check(not os.path.exists(out), "killed run left run.h5")
        check(not os.path.exists(xmf), "killed run left run.xmf")
        check(os.path.exists(f"{out}.tmp-{pid}"), "no tmp file: the writer did not write to a tmp")
        subprocess.run([writer, out, "3"], check=True)
        before = (digest(out), digest(xmf), os.stat(out).st_mtime_ns)
        kill_after(writer, out, 2)
        after = (digest(out), digest(xmf), os.stat(out).st_mtime_ns)
        check(before == after, "killed run changed the older result")
    print("FAILED" if failures else "ok", f"({len(failures)} failures)")
    return 1 if failures else 0


sys.exit(main())
