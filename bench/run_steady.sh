#!/bin/sh
# run_steady.sh: dhsim's steady water solve side by side with EPANET (epanet-js) on synthetic
# networks (bench/netgen.c) of growing size; prints a table of times, ratios dhsim/epanet-js,
# peak memory per pipe and the fitted scaling exponents. See bench/README.md.
#
#   bench/run_steady.sh [-b BUILD_DIR] [-s "1e3 1e4 1e5"] [-l "radial grid"] [-r RUNS]
#                       [-o OUT_DIR] [-t TIMEOUT_S] [-E] [-D]
#     -b  meson build dir holding bench/netgen and bench/bench_steady (default: build)
#     -s  sizes in pipes (default "1e3 1e4 1e5"; add 1e6 for the full set)
#     -l  layouts (default "radial grid")
#     -r  timed runs per case, the median is reported (default 5; 3 from 10^5 pipes, 1 at 10^6)
#     -o  where the .inp files and the per-case JSON go (default /tmp/dhsim-bench)
#     -t  time limit per program run, s (default 900): a case over it shows as "timeout"
#     -E  skip EPANET        -D  skip dhsim
# Needs node (>= 18) and npm for the EPANET side (bench/epanet: `npm ci` is run when
# node_modules is missing) and /usr/bin/python3 for the table.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
sizes="1e3 1e4 1e5"
layouts="radial grid"
runs=""
out=/tmp/dhsim-bench
tmo=900
do_epanet=1
do_dhsim=1
while getopts "b:s:l:r:o:t:ED" opt; do
    case $opt in
    b) build=$OPTARG ;;
    s) sizes=$OPTARG ;;
    l) layouts=$OPTARG ;;
    r) runs=$OPTARG ;;
    o) out=$OPTARG ;;
    t) tmo=$OPTARG ;;
    E) do_epanet=0 ;;
    D) do_dhsim=0 ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
    esac
done
netgen="$build/bench/netgen"
bench="$build/bench/bench_steady"
[ -x "$netgen" ] || { echo "run_steady.sh: $netgen not built (ninja -C $build bench/netgen)" >&2; exit 2; }
if [ $do_dhsim = 1 ] && [ ! -x "$bench" ]; then
    echo "run_steady.sh: $bench not built (ninja -C $build bench/bench_steady)" >&2
    exit 2
fi
if [ $do_epanet = 1 ] && [ ! -d "$here/epanet/node_modules/epanet-js" ]; then
    (cd "$here/epanet" && npm ci --no-audit --no-fund >&2)
fi
mkdir -p "$out"

for layout in $layouts; do
    for s in $sizes; do
        n=$(/usr/bin/python3 -c "print(int(float('$s')))")
        r=$runs
        if [ -z "$r" ]; then
            if [ "$n" -ge 1000000 ]; then r=1; elif [ "$n" -ge 100000 ]; then r=3; else r=5; fi
        fi
        case_="$layout-$n"
        echo "== $case_: generating" >&2
        "$netgen" --layout "$layout" --pipes "$n" --inp "$out/$case_.inp" >"$out/gen-$case_.json"
        if [ $do_epanet = 1 ]; then
            echo "== $case_: epanet-js ($r runs)" >&2
            if ! timeout "$tmo" node "$here/epanet/time_epanet.mjs" "$out/$case_.inp" "$r" \
                    >"$out/epanet-$case_.json"; then
                echo '{"timeout":true}' >"$out/epanet-$case_.json"
            fi
        fi
        if [ $do_dhsim = 1 ]; then
            echo "== $case_: dhsim ($r runs)" >&2
            if ! timeout "$tmo" "$bench" --layout "$layout" --pipes "$n" --runs "$r" --quiet \
                    >"$out/dhsim-$case_.json"; then
                [ -s "$out/dhsim-$case_.json" ] || echo '{"timeout":true}' >"$out/dhsim-$case_.json"
            fi
        fi
    done
done

/usr/bin/python3 - "$out" "$layouts" "$sizes" <<'EOF'
import json, math, sys
out, layouts, sizes = sys.argv[1], sys.argv[2].split(), [int(float(s)) for s in sys.argv[3].split()]

def load(kind, case):
    try:
        with open(f"{out}/{kind}-{case}.json") as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {}

def fmt(x, spec="{:.3f}"):
    return "-" if x is None else spec.format(x)

def ratio(a, b):
    return a / b if a is not None and b else None

def slope(points):
    """least-squares slope of log t against log N"""
    pts = [(math.log(n), math.log(t)) for n, t in points if t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx > 0 else None

print()
print("Times in s: median of the runs, wall clock [process CPU]. EPANET = epanet-js "
      "(EPANET in WebAssembly) open + solveH;")
print("dhsim = build + setup + solve (cold start); dhsim/EPANET = ratio of the wall [CPU] totals.")
hdr = ("layout", "pipes", "gen s", "EPANET s", "it", "dhsim s", "solve s", "resolve s", "it",
       "dhsim/EPANET", "dhsim B/pipe", "EPANET B/pipe")
print("{:<7} {:>8} {:>6} {:>17} {:>3} {:>17} {:>8} {:>9} {:>4} {:>13} {:>12} {:>13}".format(*hdr))
fits = {}
for lay in layouts:
    for n in sizes:
        case = f"{lay}-{n}"
        g, e, d = load("gen", case), load("epanet", case), load("dhsim", case)
        et, ec = e.get("total_s"), e.get("total_cpu_s")
        dt, dc = d.get("total_s"), d.get("total_cpu_s")
        fits.setdefault((lay, "EPANET"), []).append((n, ec or et))
        fits.setdefault((lay, "dhsim"), []).append((n, dc or dt))
        fits.setdefault((lay, "dhsim solve"), []).append((n, d.get("solve_cpu_s") or d.get("solve_s")))
        conv = "" if not d or d.get("converged", True) else " (no conv)"
        eb = e.get("wasm_heap_bytes")
        print("{:<7} {:>8} {:>6} {:>17} {:>3} {:>17} {:>8} {:>9} {:>4} {:>13} {:>12} {:>13}".format(
            lay, n, fmt(g.get("generate_s")),
            "timeout" if e.get("timeout") else f"{fmt(et)} [{fmt(ec)}]",
            fmt(e.get("iterations"), "{}"),
            "timeout" if d.get("timeout") else f"{fmt(dt)} [{fmt(dc)}]",
            fmt(d.get("solve_s")), fmt(d.get("resolve_s")), fmt(d.get("iterations"), "{}"),
            f"{fmt(ratio(dt, et), '{:.2f}')} [{fmt(ratio(dc, ec), '{:.2f}')}]",
            fmt(d.get("bytes_per_pipe"), "{:.0f}") + conv,
            fmt(eb / n if eb else None, "{:.0f}")))
print()
print("Scaling exponents: least-squares slope of log(time) against log(pipes), CPU times")
print("(all sizes listed, and from 10^4 pipes up):")
for (lay, who), pts in fits.items():
    big = [p for p in pts if p[0] >= 10000]
    print(f"  {lay:<7} {who:<12} N^{fmt(slope(pts), '{:.2f}')}   (>= 1e4: N^{fmt(slope(big), '{:.2f}')})")
print()
print("Generator: peak memory (bytes/pipe) ", ", ".join(
    f"{lay}-{n}: {load('gen', f'{lay}-{n}').get('generate_peak_bytes', 0) / n:.0f}"
    for lay in layouts for n in sizes))
EOF
