// time_epanet.mjs: times EPANET (epanet-js, EPANET compiled to WebAssembly) on one .inp file,
// for dhsim's steady benchmark (bench/run_steady.sh, bench/README.md).
//
// Usage: node time_epanet.mjs NET.inp [runs=5] [--check]
//
// The engine is epanet-js's default build (EPANET 2.3.5 in epanet-js 0.9.0; its version is
// printed). The per-version engines (epanet-js/engines/v2.2 ...) fetch their .wasm with fetch()
// and do not load in node 20, so they are not offered here.
//
// What is timed: ONLY EN_open (read and index the .inp) + EN_solveH (the steady hydraulic
// solve; the file asks for a single period, DURATION 0) inside node, per run, with
// performance.now(). Not timed: node's start-up, loading and compiling the WebAssembly module,
// reading the file from disk and copying it into the module's virtual file system, EN_close.
// Prints one JSON line: median / min / max of open, solve and open+solve (seconds), the
// process CPU seconds of open + solve (total_cpu_s: node's own threads included, so it can
// exceed the wall time a little), the EPANET version, node and link counts, Newton iterations and the relative flow change at the
// last iteration, and the module's WebAssembly heap (bytes; it only grows, so it is the peak).
// With --check it also prints the largest |flow| and the lowest junction pressure head (m), a sanity check
// that the network solved to something sensible.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Project, Workspace } from "epanet-js";

const args = process.argv.slice(2);
const positional = args.filter((a) => !a.startsWith("--"));
if (positional.length < 1) {
  console.error("usage: node time_epanet.mjs NET.inp [runs=5] [--check]");
  process.exit(2);
}
const inpPath = positional[0];
const runs = positional.length > 1 ? Math.max(1, parseInt(positional[1], 10)) : 5;
const check = args.includes("--check");

// EN_CountType / EN_AnalysisStatistic / EN_NodeProperty / EN_LinkProperty codes (epanet2_enums.h)
const EN_NODECOUNT = 0, EN_LINKCOUNT = 2;
const EN_ITERATIONS = 0, EN_RELATIVEERROR = 1;
const EN_PRESSURE = 11, EN_FLOW = 8, EN_JUNCTION = 0;

const ws = new Workspace();
await ws.loadModule();
const name = path.basename(inpPath);
ws.writeFile(name, fs.readFileSync(inpPath));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};

const tOpen = [], tSolve = [], tTotal = [], cTotal = [];
let info = {};
for (let r = 0; r < runs; r++) {
  const model = new Project(ws);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  model.open(name, "bench.rpt", "");
  const t1 = performance.now();
  model.solveH();
  const t2 = performance.now();
  const c = process.cpuUsage(c0);
  tOpen.push((t1 - t0) / 1e3);
  tSolve.push((t2 - t1) / 1e3);
  tTotal.push((t2 - t0) / 1e3);
  cTotal.push((c.user + c.system) / 1e6);
  if (r === 0) {
    info.nodes = model.getCount(EN_NODECOUNT);
    info.links = model.getCount(EN_LINKCOUNT);
    info.iterations = model.getStatistic(EN_ITERATIONS);
    info.relative_error = model.getStatistic(EN_RELATIVEERROR);
    if (check) {
      let qmax = 0, pmin = Infinity;
      for (let i = 1; i <= info.links; i++) qmax = Math.max(qmax, Math.abs(model.getLinkValue(i, EN_FLOW)));
      for (let i = 1; i <= info.nodes; i++)
        if (model.getNodeType(i) === EN_JUNCTION) pmin = Math.min(pmin, model.getNodeValue(i, EN_PRESSURE));
      info.max_abs_flow = qmax;
      info.min_pressure_head = pmin;
    }
  }
  model.close();
  model.deleteProject?.();
}

const heap = ws.instance.HEAP8 ? ws.instance.HEAP8.buffer.byteLength
  : ws.instance.wasmMemory ? ws.instance.wasmMemory.buffer.byteLength : null;
const out = {
  file: inpPath,
  epanet_version: ws.version,
  runs,
  ...info,
  open_s: median(tOpen),
  solve_s: median(tSolve),
  total_s: median(tTotal),
  total_min_s: Math.min(...tTotal),
  total_max_s: Math.max(...tTotal),
  total_cpu_s: median(cTotal),
  wasm_heap_bytes: heap,
  node_rss_bytes: process.memoryUsage().rss,
};
console.log(JSON.stringify(out));
