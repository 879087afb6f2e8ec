#!/bin/sh
# bench_series.sh: the park year (cases/linyi-etdz/year.yaml): 8760 quasi-steady steps with the
# plant; total time, time per step against a cold single steady solve, Newton iterations per
# step, peak memory. Then `dhsim run` of the same year with its HDF5 results (wall time and
# max RSS from /usr/bin/time). Usage: bench/bench_series.sh [BUILD_DIR]   (run from the source root)
set -e
B=${1:-build}
ninja -C "$B" bench/bench_series cli/dhsim >/dev/null
echo "== solver loop (no results file)"
"$B/bench/bench_series" --case cases/linyi-etdz/year.yaml
echo "== dhsim run with results"
out=$(mktemp -d)
/usr/bin/time -f "wall %e s, user %U s, max RSS %M kB" "$B/cli/dhsim" run cases/linyi-etdz/year.yaml -o "$out/year.h5"
ls -l "$out/year.h5"
rm -rf "$out"
