#!/bin/sh
# bench_transient.sh: dhsim's transient water run against EPANET's extended-period hydraulics +
# water quality (epanet-js), side by side on the same synthetic networks (docs/transient.md
# "Speed"; issue 8).
#
# For each size: bench/netgen writes NET.yaml + NET.inp; bench/transient_case.py turns them into
# the transient pair (hourly demand steps following a diurnal pattern, output every 5 min, the
# supply temperature alternating 85/80 degC every 6 h for dhsim; the same hourly pattern and a
# chlorine-like constituent with first-order bulk decay, quality step 5 min, for EPANET). Then:
#   dhsim   `dhsim run NET_t.yaml -o NET.h5 -v` under /usr/bin/time: CPU (user + sys) of the whole
#           command (case read, steady initial state, integration, HDF5 output every 5 min),
#           peak resident set; the per-simulated-hour CPU of the first and the last hour from
#           dhsim's "cpu per simulated hour" line; with -n no HDF5 output (the cost of writing)
#   EPANET  node bench/epanet/time_epanet_quality.mjs NET_t.inp: CPU of open + hydraulics +
#           quality inside node (results saved every report step), per-hour CPU, peak memory
# Medians over RUNS runs; CPU times, not wall (shared machine). Ratio = dhsim / epanet-js; native
# EPANET is ~2x faster than epanet-js (bench/README.md), so 0.5 = as fast as native EPANET.
#
# Usage: bench/bench_transient.sh [-b BUILD] [-s "1e4 1e5"] [-H HOURS] [-r RUNS] [-o DIR]
#                                 [-l radial|grid] [-E] [-D] [-n]
#   -E skip EPANET, -D skip dhsim, -n dhsim without HDF5 output. Prints a table.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build-h3
sizes="1e4 1e5"
hours=72
runs=1
out=${TMPDIR:-/tmp}/bench_transient
layout=radial
skip_e=0
skip_d=0
noout=0
while getopts b:s:H:r:o:l:EDn opt; do
    case $opt in
    b) build=$(cd "$OPTARG" && pwd) ;;
    s) sizes=$OPTARG ;;
    H) hours=$OPTARG ;;
    r) runs=$OPTARG ;;
    o) out=$OPTARG ;;
    l) layout=$OPTARG ;;
    E) skip_e=1 ;;
    D) skip_d=1 ;;
    n) noout=1 ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
    esac
done
mkdir -p "$out"
dhsim=$build/cli/dhsim
netgen=$build/bench/netgen
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

printf '%-7s %-6s %6s | %10s %9s %9s %8s | %10s %9s %9s %8s | %6s\n' layout pipes hours \
    "dhsim cpu" "hour 1" "last h" "peak MB" "epanet cpu" "hour 1" "last h" "peak MB" ratio
for n in $sizes; do
    base=$out/${layout}_$n
    "$netgen" --layout "$layout" --pipes "$n" --inp "$base.inp" --case "$base.yaml" >/dev/null
    /usr/bin/python3 "$here/transient_case.py" "$base.yaml" "$base.inp" "${base}_t.yaml" \
        "${base}_t.inp" --hours "$hours"
    dc=nan; d1=nan; dl=nan; dm=nan; ec=nan; e1=nan; el=nan; em=nan
    if [ "$skip_d" = 0 ]; then
        : >"$base.dcpu"; : >"$base.dh1"; : >"$base.dhl"; : >"$base.dmem"
        i=0
        while [ $i -lt "$runs" ]; do
            if [ "$noout" = 1 ]; then o=""; else o="-o $base.h5"; fi
            # shellcheck disable=SC2086
            /usr/bin/time -f '%U %S %M' -o "$base.dtime" "$dhsim" run "${base}_t.yaml" $o -v \
                >"$base.dlog" 2>&1 || { echo "dhsim failed: $base.dlog" >&2; tail -3 "$base.dlog" >&2; }
            awk '{print $1 + $2}' "$base.dtime" >>"$base.dcpu"
            awk '{print $3 / 1024}' "$base.dtime" >>"$base.dmem"
            sed -n 's/^cpu per simulated hour: hour [0-9]* \([0-9.e+-]*\) s, hour [0-9]* \([0-9.e+-]*\) s.*/\1 \2/p' \
                "$base.dlog" | awk '{print $1 >> "'"$base.dh1"'"; print $2 >> "'"$base.dhl"'"}'
            rm -f "$base.h5" "$base.xmf"
            i=$((i + 1))
        done
        dc=$(median <"$base.dcpu"); d1=$(median <"$base.dh1"); dl=$(median <"$base.dhl")
        dm=$(median <"$base.dmem")
    fi
    if [ "$skip_e" = 0 ]; then
        /usr/bin/time -f '%M' -o "$base.etime" node "$here/epanet/time_epanet_quality.mjs" \
            "${base}_t.inp" "$runs" >"$base.ejson" 2>"$base.elog" || { echo "epanet failed: $base.elog" >&2; }
        eval "$(/usr/bin/python3 -c '
import json, sys
try:
    j = json.load(open(sys.argv[1]))
    print("ec=%s e1=%s el=%s" % (j["total_cpu_s"], j["first_hour_s"], j["last_hour_s"]))
except Exception:
    print("ec=nan e1=nan el=nan")' "$base.ejson")"
        em=$(awk '{print $1 / 1024}' "$base.etime" 2>/dev/null | tail -1)
    fi
    ratio=$(awk -v a="$dc" -v b="$ec" 'BEGIN {if (a == "nan" || b == "nan" || b == 0) print "nan"; else printf "%.2f", a / b}')
    printf '%-7s %-6s %6s | %10.3f %9.4f %9.4f %8.0f | %10.3f %9.4f %9.4f %8.0f | %6s\n' \
        "$layout" "$n" "$hours" "$dc" "$d1" "$dl" "$dm" "$ec" "$e1" "$el" "${em:-nan}" "$ratio"
done
