// time_epanet_eps.mjs: times EPANET (epanet-js 0.9.0, EPANET 2.3 in WebAssembly) on an
// extended-period HYDRAULIC run, for dhsim's hourly-year benchmark (bench/bench_series_water.sh;
// the .inp from bench/series_water_case.py: an hourly demand pattern, hydraulic step 1 h).
//
// Usage: node time_epanet_eps.mjs NET.inp [runs=1]
//
// Timed per run inside node (process.cpuUsage: CPU seconds, user + system):
//   open  EN_open (parse + index the .inp)
//   hyd   EN_openH, EN_initH(0), EN_runH / EN_nextH over the whole duration, EN_closeH
// Not timed: node's start-up, loading the WebAssembly module, reading the file. Nothing is
// saved (initH(0)): the comparison is with dhsim's solver loop plus its results file, so this
// favours EPANET slightly.
// Prints one JSON line: medians over the runs, periods solved, the WebAssembly heap (peak) and
// node's resident set.
import fs from "node:fs";
import path from "node:path";
import { Project, Workspace } from "epanet-js";

const args = process.argv.slice(2);
if (args.length < 1) {
  console.error("usage: node time_epanet_eps.mjs NET.inp [runs=1]");
  process.exit(2);
}
const inpPath = args[0];
const runs = args.length > 1 ? Math.max(1, parseInt(args[1], 10)) : 1;

const ws = new Workspace();
await ws.loadModule();
const name = path.basename(inpPath);
ws.writeFile(name, fs.readFileSync(inpPath));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
const cpu = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

const R = { open: [], hyd: [], total: [] };
let periods = 0;
for (let r = 0; r < runs; r++) {
  const model = new Project(ws);
  const c0 = process.cpuUsage();
  model.open(name, "bench.rpt", "");
  const open = cpu(c0);
  const c1 = process.cpuUsage();
  model.openH();
  model.initH(0);
  let tstep = 1;
  periods = 0;
  do {
    model.runH();
    tstep = model.nextH();
    periods++;
  } while (tstep > 0);
  model.closeH();
  const hyd = cpu(c1);
  model.close();
  R.open.push(open);
  R.hyd.push(hyd);
  R.total.push(open + hyd);
}
let heap = 0;
try {
  heap = ws._instance && ws._instance.HEAP8 ? ws._instance.HEAP8.length : 0;
} catch (e) {
  heap = 0;
}
console.log(JSON.stringify({
  program: "epanet-js 0.9.0 (EPANET 2.3, WebAssembly)",
  inp: inpPath,
  runs,
  periods,
  cpu_open_s: median(R.open),
  cpu_hyd_s: median(R.hyd),
  cpu_total_s: median(R.total),
  wasm_heap_bytes: heap,
  node_rss_bytes: process.memoryUsage().rss,
}));
