#!/bin/sh
# e2e: `dhsim run` on the teaching cases: exit 0, the summary's parts, conservation, a results
# file. Usage: run_teaching.sh DHSIM (SRCDIR set by meson's test_env).
set -u
dhsim="$1"
tmp="${TMPDIR:-/tmp}/dhsim-run-$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fail=0
for case in "$SRCDIR"/cases/teaching/*.yaml; do
    name=$(basename "$case" .yaml)
    if ! "$dhsim" run "$case" -o "$tmp/$name.h5" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
        echo "FAIL: dhsim run $case exited $?"; cat "$tmp/$name.out" "$tmp/$name.err"; fail=1; continue
    fi
    for want in "converged in" "mass balance closure" "energy balance closure" \
                "minimum delivery pressure" "largest pipe pressure drop" "heat loss of the pipes" \
                "condensate formed" "results written"; do
        grep -q "$want" "$tmp/$name.out" || { echo "FAIL: $name: no '$want'"; fail=1; }
    done
    # closure below 1e-9 (mass) and 1e-6 (energy), read from the summary
    /usr/bin/python3 - "$tmp/$name.out" <<'PY' || fail=1
import re, sys
t = open(sys.argv[1]).read()
m = float(re.search(r"mass balance closure\s+(\S+)", t).group(1))
e = float(re.search(r"energy balance closure\s+(\S+)", t).group(1))
if not (m < 1e-9 and e < 1e-6):
    print("FAIL: closure mass %g energy %g" % (m, e)); sys.exit(1)
PY
    [ -s "$tmp/$name.h5" ] || { echo "FAIL: $name: no results file"; fail=1; }
done
# bad input: exit 2
printf 'nodes: [\n' > "$tmp/bad.yaml"
"$dhsim" run "$tmp/bad.yaml" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || { echo "FAIL: bad input exit $rc, expected 2"; fail=1; }
exit $fail
