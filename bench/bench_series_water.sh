#!/bin/sh
# bench_series_water.sh: an hourly year of a synthetic water network (bench/netgen), dhsim's
# quasi-steady series (hydraulics + heat transport + heat loss, warm-started hour to hour, with
# its HDF5 results) side by side with EPANET's extended-period hydraulics (epanet-js) on the
# same network and the same hourly demand pattern (bench/series_water_case.py). Issue #7.
#
# Usage (from the source root):
#   bench/bench_series_water.sh [-b BUILD] [-s "1e3 1e4"] [-l radial|grid] [-H HOURS] [-r RUNS]
# Prints, per size: CPU seconds (user + sys, median of RUNS) of `dhsim run` (case read, set-up,
# every hour, results written) and of EPANET (open + hydraulics, node's start-up excluded), their
# ratio, dhsim's peak RSS and Newton iterations per step. Native EPANET is about 2x faster than
# epanet-js at these sizes (issue #4's measurement), so "at or below native EPANET" is a ratio
# of at most 0.5 here.
set -e
B=build; SIZES="1e3 1e4"; LAYOUT=radial; HOURS=8760; RUNS=3
while getopts "b:s:l:H:r:" o; do
    case $o in
    b) B=$OPTARG ;; s) SIZES=$OPTARG ;; l) LAYOUT=$OPTARG ;; H) HOURS=$OPTARG ;; r) RUNS=$OPTARG ;;
    *) echo "usage: $0 [-b BUILD] [-s SIZES] [-l radial|grid] [-H HOURS] [-r RUNS]" >&2; exit 2 ;;
    esac
done
ROOT=$(pwd)
ninja -C "$B" bench/netgen cli/dhsim >/dev/null
[ -d bench/epanet/node_modules ] || (cd bench/epanet && npm ci --silent)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-8s %-7s %6s %12s %12s %7s %10s %9s\n" layout pipes hours "dhsim CPU s" "EPANET CPU s" ratio "dhsim MB" "its/step"
for N in $SIZES; do
    "$B/bench/netgen" --layout "$LAYOUT" --pipes "$N" --inp "$W/n.inp" --case "$W/n.yaml" >/dev/null
    /usr/bin/python3 bench/series_water_case.py "$W/n.yaml" "$W/n.inp" "$W/s.yaml" "$W/s.inp" --hours "$HOURS"
    : > "$W/d.txt"; : > "$W/m.txt"
    for r in $(seq "$RUNS"); do
        /usr/bin/time -f "%U %S %M" -o "$W/t.txt" "$B/cli/dhsim" run "$W/s.yaml" -o "$W/s.h5" > "$W/out.txt"
        awk '{print $1 + $2}' "$W/t.txt" >> "$W/d.txt"
        awk '{print $3 / 1024}' "$W/t.txt" >> "$W/m.txt"
    done
    its=$(sed -n 's/.*(\([0-9.]*\) per step.*/\1/p' "$W/out.txt")
    d=$(median < "$W/d.txt"); m=$(median < "$W/m.txt")
    e=$(cd "$W" && node "$ROOT/bench/epanet/time_epanet_eps.mjs" s.inp "$RUNS" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['cpu_total_s'])")
    printf "%-8s %-7s %6s %12.2f %12.2f %7.2f %10.0f %9s\n" "$LAYOUT" "$N" "$HOURS" "$d" "$e" \
        "$(echo "$d / $e" | bc -l)" "$m" "$its"
done
