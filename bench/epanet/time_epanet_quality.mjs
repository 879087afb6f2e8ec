// time_epanet_quality.mjs: times EPANET (epanet-js 0.9.0, EPANET 2.3.5 in WebAssembly) on an
// extended-period run with water quality, for dhsim's transient benchmark
// (bench/bench_transient.sh; the .inp from bench/transient_case.py: hourly demand pattern,
// hydraulic step 1 h, chlorine with first-order bulk decay, quality step 5 min, report step 5 min).
//
// Usage: node time_epanet_quality.mjs NET.inp [runs=1]
//
// What is timed, per run, inside node (performance.now() and process.cpuUsage()):
//   open     EN_open (parse + index the .inp)
//   hyd      EN_openH, EN_initH(save), EN_runH / EN_nextH over the whole duration, EN_closeH:
//            the hydraulics of every period, saved for the quality run
//   quality  EN_openQ, EN_initQ(save: results at every report step go to the binary output
//            file), EN_runQ / EN_nextQ over the duration, EN_closeQ: the transport of the
//            decaying constituent (EPANET's Lagrangian segments)
// Not timed: node's start-up, loading the WebAssembly module, reading the file.
// Per simulated hour: CPU seconds spent in the hydraulic and quality calls whose time falls in
// that hour (hour 1 and the last hour reported, to see whether the cost grows over the run).
// Prints one JSON line: medians over the runs, CPU seconds, WebAssembly heap (it only grows:
// the peak), node's resident set, and the quality range at the end (a sanity check).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Project, Workspace } from "epanet-js";

const args = process.argv.slice(2);
if (args.length < 1) {
  console.error("usage: node time_epanet_quality.mjs NET.inp [runs=1]");
  process.exit(2);
}
const inpPath = args[0];
const runs = args.length > 1 ? Math.max(1, parseInt(args[1], 10)) : 1;

const EN_NODECOUNT = 0, EN_LINKCOUNT = 2, EN_QUALITY = 12, EN_DURATION = 0;
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

const R = { open: [], hyd: [], quality: [], total: [], cpu: [], first_hour: [], last_hour: [] };
let info = {};
for (let r = 0; r < runs; r++) {
  const model = new Project(ws);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  model.open(name, "bench.rpt", "bench.out");
  const t1 = performance.now();
  const dur = model.getTimeParameter(EN_DURATION);
  const hours = Math.max(1, Math.round(dur / 3600));
  const perHour = new Float64Array(hours);
  // hydraulics, period by period
  model.openH();
  model.initH(1);
  let tstep = 1, nh = 0;
  let last = process.cpuUsage();
  do {
    const t = model.runH();
    tstep = model.nextH();
    perHour[Math.min(hours - 1, Math.floor(t / 3600))] += cpu(last);
    last = process.cpuUsage();
    nh++;
  } while (tstep > 0);
  model.closeH();
  const t2 = performance.now();
  // water quality, step by step
  model.openQ();
  model.initQ(1);
  let nq = 0;
  last = process.cpuUsage();
  do {
    const t = model.runQ();
    tstep = model.nextQ();
    perHour[Math.min(hours - 1, Math.floor(t / 3600))] += cpu(last);
    last = process.cpuUsage();
    nq++;
  } while (tstep > 0);
  const t3 = performance.now();
  if (r === 0) {
    info.nodes = model.getCount(EN_NODECOUNT);
    info.links = model.getCount(EN_LINKCOUNT);
    info.hours = hours;
    info.hydraulic_periods = nh;
    info.quality_steps = nq;
    let qmin = Infinity, qmax = -Infinity;
    for (let i = 1; i <= info.nodes; i++) {
      const q = model.getNodeValue(i, EN_QUALITY);
      qmin = Math.min(qmin, q);
      qmax = Math.max(qmax, q);
    }
    info.quality_min = qmin;
    info.quality_max = qmax;
  }
  model.closeQ();
  R.cpu.push(cpu(c0));
  model.close();
  R.open.push((t1 - t0) / 1e3);
  R.hyd.push((t2 - t1) / 1e3);
  R.quality.push((t3 - t2) / 1e3);
  R.total.push((t3 - t0) / 1e3);
  R.first_hour.push(perHour[0]);
  R.last_hour.push(perHour[hours - 1]);
  model.deleteProject?.();
}

const heap = ws.instance.HEAP8 ? ws.instance.HEAP8.buffer.byteLength
  : ws.instance.wasmMemory ? ws.instance.wasmMemory.buffer.byteLength : null;
console.log(JSON.stringify({
  file: inpPath,
  epanet_version: ws.version,
  runs,
  ...info,
  open_s: median(R.open),
  hydraulics_s: median(R.hyd),
  quality_s: median(R.quality),
  total_s: median(R.total),
  total_cpu_s: median(R.cpu),
  first_hour_s: median(R.first_hour),
  last_hour_s: median(R.last_hour),
  wasm_heap_bytes: heap,
  node_rss_bytes: process.memoryUsage().rss,
}));
