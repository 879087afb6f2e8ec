#!/bin/sh
# bench_sweep.sh: a 1000-case sweep of the park's winter peak (cases/linyi-etdz/winter-peak.yaml):
# 10 outdoor temperatures x 10 header pressures x 10 demands of the largest consumer
# (consumers.CH-NH3.demand, 32 -> 50 t/h: the case has no global demand-scaling parameter), with
# the plant coupling and N-1 check of every case. Measures cases/s on 1 rank (serial) and
# 2 ranks (mpirun -n 2: rank 0 hands out cases and solves between messages), the parallel
# efficiency, and projects 1e5 cases on 64 ranks.
#
# usage: bench/bench_sweep.sh BUILD_DIR [CASES_PER_AXIS]   (default 10 -> 1000 cases)
# Needs mpirun for the 2-rank figure (OpenMPI: openmpi-bin); as root it sets
# OMPI_ALLOW_RUN_AS_ROOT. Writes its files to a temporary directory.
set -eu
BUILD=${1:?usage: bench_sweep.sh BUILD_DIR [N]}
N=${2:-10}
DHSIM=$(cd "$BUILD" && pwd)/cli/dhsim
SRC=$(cd "$(dirname "$0")/.." && pwd)
PARK=$SRC/cases/linyi-etdz
TMP=$(mktemp -d /tmp/bench-sweep-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
for f in nodes.csv pipes.csv consumers-winter-peak.csv; do ln -s "$PARK/$f" "$TMP/$f"; done
cp "$PARK/winter-peak.yaml" "$TMP/winter-peak-sweep.yaml"
cat >> "$TMP/winter-peak-sweep.yaml" <<YAML
sweep:
  parameters:
    ambient.air: {from: -12 degC, to: 0 degC, steps: $N}
    sources.FUYUAN-CHP.pressure: {from: 0.90 MPa(g), to: 1.05 MPa(g), steps: $N}
    consumers.CH-NH3.demand: {from: 32 t/h, to: 50 t/h, steps: $N}
  collect: [min_delivery_pressure, worst_margin, header_flow, heat_loss, condensate,
            electric_power, fuel, n1_verdict, n1_margin, n1_shed]
YAML
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
now() { date +%s.%N; }
t0=$(now)
"$DHSIM" sweep "$TMP/winter-peak-sweep.yaml" -o "$TMP/r1.h5" > "$TMP/r1.log" 2>&1 || true
t1=$(now)
cases=$((N * N * N))
s1=$(echo "$t1 - $t0" | bc -l)
echo "cases: $cases"
echo "1 rank:  $(printf %.1f "$s1") s, $(printf %.2f "$(echo "$cases / $s1" | bc -l)") cases/s  ($(tail -1 "$TMP/r1.log"))"
if command -v mpirun >/dev/null 2>&1; then
  t0=$(now)
  mpirun -n 2 "$DHSIM" sweep "$TMP/winter-peak-sweep.yaml" -o "$TMP/r2.h5" > "$TMP/r2.log" 2>&1 || true
  t1=$(now)
  s2=$(echo "$t1 - $t0" | bc -l)
  eff=$(echo "$s1 / (2 * $s2)" | bc -l)
  echo "2 ranks: $(printf %.1f "$s2") s, $(printf %.2f "$(echo "$cases / $s2" | bc -l)") cases/s, parallel efficiency $(printf %.2f "$eff")"
  # 64 ranks: every rank solves (rank 0 between messages); assume the 2-rank efficiency holds
  # (cases are independent; rank 0 writes ~1 row per ms, far from a bottleneck at this cost)
  p=$(echo "100000 * $s1 / $cases / (64 * $eff)" | bc -l)
  echo "projected 1e5 cases on 64 ranks: $(printf %.0f "$p") s ($(printf %.2f "$(echo "$p / 3600" | bc -l)") h)"
fi
