#!/bin/sh
# e2e: `dhsim run` on the park cases (cases/linyi-etdz): exit 0, "converged", conservation in the
# summary, a results file, and a quiet stderr when it is not a terminal (no per-iteration
# progress; only the validator's warnings, if any, and no "iteration" line); `-v` prints the
# iterations with their worst equation. Usage: run_park.sh DHSIM (SRCDIR set by meson's test_env).
set -u
dhsim="$1"
tmp="${TMPDIR:-/tmp}/dhsim-park-$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail=0
for name in winter-peak summer-low; do
    case="$SRCDIR/cases/linyi-etdz/$name.yaml"
    if ! "$dhsim" run "$case" -o "$tmp/$name.h5" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
        echo "FAIL: dhsim run $case exited $?"; cat "$tmp/$name.out" "$tmp/$name.err"; fail=1; continue
    fi
    grep -q "steady solve: converged in" "$tmp/$name.out" || { echo "FAIL: $name: not converged"; fail=1; }
    if grep -q "iteration" "$tmp/$name.err"; then
        echo "FAIL: $name: per-iteration progress on a non-terminal stderr:"; head -5 "$tmp/$name.err"; fail=1
    fi
    /usr/bin/python3 - "$tmp/$name.out" <<'PY' || fail=1
import re, sys
t = open(sys.argv[1]).read()
m = float(re.search(r"mass balance closure\s+(\S+)", t).group(1))
e = float(re.search(r"energy balance closure\s+(\S+)", t).group(1))
it = int(re.search(r"converged in (\d+) iterations", t).group(1))
# closure as in test_park.c; iterations: the Check test's bound (60, justified there)
if not (m < 1e-9 and e < 1e-6 and it <= 60):
    print("FAIL: %s: closure mass %g energy %g, %d iterations" % (sys.argv[1], m, e, it)); sys.exit(1)
PY
    [ -s "$tmp/$name.h5" ] || { echo "FAIL: $name: no results file"; fail=1; }
done
# -v: one line per Newton iteration with the worst equation
"$dhsim" run "$SRCDIR/cases/linyi-etdz/summer-low.yaml" -v >"$tmp/v.out" 2>"$tmp/v.err" || { echo "FAIL: -v exit $?"; fail=1; }
grep -q "iteration .*residual .*worst: " "$tmp/v.err" || { echo "FAIL: -v prints no iterations"; cat "$tmp/v.err"; fail=1; }
exit $fail
