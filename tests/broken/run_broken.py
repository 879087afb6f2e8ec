#!/usr/bin/python3
"""run_broken.py: runs `dhsim check` on every deliberately broken case of tests/broken/.

Usage: run_broken.py DHSIM BROKEN_DIR [NAME...]

Each case is NAME.yaml with NAME.expected beside it: the exact error lines `dhsim check` must
print on stderr (one per line; lines starting with '#' and empty lines are ignored), each of
which must appear as a whole line of stderr. Optional NAME.args holds extra arguments for
`dhsim check`, one per line (e.g. `--set`, `pipes.P1.length=5 m`).

Some cases cannot live in git as files and are made at run time, in a scratch directory:
  - directory.yaml: a directory named like a case file;
  - missing.yaml: a file that does not exist;
  - huge_scalar.yaml: a node coordinate written with 4 Mi digits.
For those NAME.expected exists but NAME.yaml does not; see GENERATED below.

A case whose message the reader does not give yet has NAME.pending beside it (one line: why).
Its expected lines then describe the message wanted; a mismatch is reported as PENDING and
does not fail the run, but a crash, a hang or a sanitizer report still does, and so does a
pending case that passes (remove its .pending file then).

For every case the runner requires: exit status 2, every expected line present, and no
sanitizer report (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer "runtime error")
on stderr, so that a crash or a leak under `-Db_sanitize=address,undefined` fails the test even
when the exit status happens to be 2. The case file is given by its bare name with the working
directory set to where it lives, so positions read `NAME.yaml:LINE:COL` on every machine.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer", "Segmentation fault", "core dumped")


def gen_directory(tmp):
    os.mkdir(os.path.join(tmp, "directory.yaml"))


def gen_missing(tmp):
    pass  # nothing: the file must not exist


def gen_huge_scalar(tmp):
    with open(os.path.join(tmp, "huge_scalar.yaml"), "w") as f:
        f.write("dhsim: 1\nname: huge scalar\nnodes:\n  - {id: A, x: ")
        f.write("1" * (4 << 20))
        f.write(" m, y: 0 m, z: 0 m}\n")


GENERATED = {
    "directory": gen_directory,
    "missing": gen_missing,
    "huge_scalar": gen_huge_scalar,
}


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]


def run_case(dhsim, src, name, tmp):
    expected = read_lines(os.path.join(src, name + ".expected"))
    args_path = os.path.join(src, name + ".args")
    extra = read_lines(args_path) if os.path.exists(args_path) else []
    if name in GENERATED:
        cwd = os.path.join(tmp, name)
        os.mkdir(cwd)
        GENERATED[name](cwd)
    else:
        cwd = src
    cmd = [dhsim, "check", name + ".yaml"] + extra
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ["timed out after 60 s"], True
    err = r.stderr.decode("utf-8", "replace")
    lines = err.splitlines()
    problems = []
    fatal = r.returncode < 0  # killed by a signal
    if r.returncode != 2:
        problems.append("exit status %d, expected 2" % r.returncode)
    for e in expected:
        if e not in lines:
            problems.append("missing line: " + e)
    for mark in SANITIZER_MARKS:
        if mark in err:
            problems.append("sanitizer report or crash on stderr (%s)" % mark)
            fatal = True
            break
    if problems:
        problems.append("stderr was:\n" + "\n".join("    | " + ln for ln in lines[:40]))
    return problems, fatal


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    dhsim, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    names = sys.argv[3:] or sorted(f[:-len(".expected")] for f in os.listdir(src)
                                   if f.endswith(".expected"))
    tmp = tempfile.mkdtemp(prefix="dhsim-broken-")
    failed = 0
    try:
        for name in names:
            if name not in GENERATED and not os.path.exists(os.path.join(src, name + ".yaml")):
                print("FAIL %s: %s.yaml is missing" % (name, name))
                failed += 1
                continue
            problems, fatal = run_case(dhsim, src, name, tmp)
            pending_path = os.path.join(src, name + ".pending")
            pending = open(pending_path).read().strip() if os.path.exists(pending_path) else None
            if pending is not None and not problems:
                failed += 1
                print("FAIL %s: passes now: remove %s.pending" % (name, name))
            elif pending is not None and not fatal:
                print("PENDING %s (%s)" % (name, pending))
                for p in problems:
                    print("  " + p)
            elif problems:
                failed += 1
                print("FAIL " + name)
                for p in problems:
                    print("  " + p)
            else:
                print("ok   " + name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d case(s), %d failed" % (len(names), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
