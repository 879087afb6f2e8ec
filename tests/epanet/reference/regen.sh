#!/bin/sh
# regen.sh: reinstalls epanet-js (pinned in package-lock.json) and regenerates every committed
# reference solution in results/ from the networks in networks/. See README.md.
#   NAME.json             EPANET as is (patterns flattened, controls removed, one solve)
#   NAME.nodemand.json    positive demands zeroed (--zero-demands)
#   NAME.stdg.json        D-W networks, with g = 9.80665 m/s2 (run_epanet.mjs --standard-gravity);
#                         NAME.stdg.nodemand.json both
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
/usr/bin/python3 make_networks.py
mkdir -p results
for inp in networks/*.inp; do
    name=$(basename "$inp" .inp)
    node run_epanet.mjs "$inp" "results/$name.json"
    node run_epanet.mjs "$inp" "results/$name.nodemand.json" --zero-demands
    if grep -qi '^ *headloss *d-w' "$inp"; then
        node run_epanet.mjs "$inp" "results/$name.stdg.json" --standard-gravity
        node run_epanet.mjs "$inp" "results/$name.stdg.nodemand.json" --standard-gravity --zero-demands
    fi
done
rm -f net.rpt
echo "regen.sh: wrote $(ls results | wc -l) files in results/"
