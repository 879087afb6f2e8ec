// run_epanet.mjs: one steady hydraulic solve of an EPANET input file by EPANET 2.2 itself
// (the npm package epanet-js, OWA-EPANET 2.2 compiled to WebAssembly), written as JSON for
// dhsim's validation (tests/epanet/compare.py). Regenerate everything with ./regen.sh.
//
//   node run_epanet.mjs NET.inp OUT.json [--standard-gravity]
//
// What is solved is the network AS `dhsim import epanet` IMPORTS IT (docs/epanet.md):
//  - every time pattern is flattened to the single multiplier 1.0 (base demands, base
//    reservoir heads, base pump speeds), all simple controls and rules are deleted, the duration
//    is 0: one hydraulic solve at the initial state (tanks at their initial level);
//  - the solver is driven to convergence far below dhsim's tolerances: ACCURACY 1e-8 (EPANET's
//    smallest), TRIALS 1000; HEADERROR and FLOWCHANGE are left at 0 (not used).
//  - --standard-gravity (Darcy-Weisbach networks only): EPANET writes the friction head loss
//    with g = 32.2 ft/s2 (src/hydcoeffs.c, resistcoeff: R = L / 2 / 32.2 / d / A^2; minor
//    losses 0.02517 = 8 / (32.2 pi^2)), i.e. 9.81456 m/s2, where dhsim uses the standard
//    9.80665 m/s2. Pipe lengths and minor-loss coefficients (and TCV settings) are multiplied
//    by 32.2 / (9.80665 / 0.3048) = 1.000807 before the solve, which is exactly EPANET's
//    model with standard gravity (laminar, transitional and turbulent friction all scale with
//    R). Elevations, heads and pump curves do not involve g.
//  - --zero-demands: every junction whose total demand is positive gets demand 0; negative
//    totals (inflows, imported as fixed-flow sources) stay. This is the network as dhsim can run
//    it while its case format has no water-draw consumer (docs/epanet.md, "Demands"): flows
//    then run between the fixed heads (reservoirs, tanks), through the pumps, and from the
//    inflows.
//
// Output (SI; each value also in EPANET's own units under "epanet"): per node id: type, head
// (m), pressure (m of water column, = head - elevation), elevation (m), demand (m3/s); per link
// id: type, from, to, flow (m3/s, positive from -> to), headloss (m, EPANET's sign
// convention: head(from) - head(to) for pipes and valves, minus the head gain for pumps),
// velocity (m/s), status. Numbers are JavaScript doubles printed in full (shortest round-trip).
import fs from "fs";
import { Project } from "epanet-js";
import { Workspace } from "epanet-js/slim";
import { EpanetEngine } from "epanet-js/engines/v2.2";

const args = process.argv.slice(2);
const stdGravity = args.includes("--standard-gravity");
const zeroDemands = args.includes("--zero-demands");
const files = args.filter((a) => !a.startsWith("--"));
if (files.length !== 2) {
  console.error("usage: node run_epanet.mjs NET.inp OUT.json [--standard-gravity] [--zero-demands]");
  process.exit(2);
}
const [inpPath, outPath] = files;

// EPANET toolkit codes (epanet2_enums.h)
const EN = {
  NODECOUNT: 0, LINKCOUNT: 2, PATCOUNT: 3, CONTROLCOUNT: 5, RULECOUNT: 6,
  ELEVATION: 0, DEMAND: 9, HEAD: 10, PRESSURE: 11,
  LENGTH: 1, MINORLOSS: 3, INITSETTING: 5, FLOW: 8, VELOCITY: 9, HEADLOSS: 10, STATUS: 11,
  SETTING: 12,
  TRIALS: 0, ACCURACY: 1, HEADLOSSFORM: 7, SPGRAVITY: 12, SPVISCOS: 13,
  DURATION: 0,
  JUNCTION: 0, RESERVOIR: 1, TANK: 2,
  CVPIPE: 0, PIPE: 1, PUMP: 2, PRV: 3, PSV: 4, PBV: 5, FCV: 6, TCV: 7, GPV: 8,
};
const nodeTypes = ["junction", "reservoir", "tank"];
const linkTypes = ["cvpipe", "pipe", "pump", "prv", "psv", "pbv", "fcv", "tcv", "gpv", "pcv"];
const flowUnitNames = ["CFS", "GPM", "MGD", "IMGD", "AFD", "LPS", "LPM", "MLD", "CMH", "CMD"];
// m3/s per flow unit, exact (1 ft = 0.3048 m, 1 US gal = 3.785411784 L, 1 imp gal = 4.54609 L)
const FT = 0.3048;
const flowToSI = [FT ** 3, 3.785411784e-3 / 60, 3785.411784 / 86400, 4546.09 / 86400,
  43560 * FT ** 3 / 86400, 1e-3, 1e-3 / 60, 1e3 / 86400, 1 / 3600, 1 / 86400];
const GRAVITY_SCALE = 32.2 / (9.80665 / FT);

const ws = new Workspace();
const wasm = fs.readFileSync(new URL("./node_modules/epanet-js/dist/engines/v2.2/EpanetEngine.wasm",
  import.meta.url));
await ws.loadModuleVersion(() => EpanetEngine({ wasmBinary: wasm }));
const p = new Project(ws);
ws.writeFile("net.inp", fs.readFileSync(inpPath));
p.open("net.inp", "net.rpt", "");

// the network as imported: base values, no controls, one period
for (let i = p.getCount(EN.CONTROLCOUNT); i >= 1; i--) p.deleteControl(i);
for (let i = p.getCount(EN.RULECOUNT); i >= 1; i--) p.deleteRule(i);
for (let i = 1; i <= p.getCount(EN.PATCOUNT); i++) p.setPattern(i, [1.0]);
p.setTimeParameter(EN.DURATION, 0);
if (zeroDemands) {
  for (let i = 1; i <= p.getCount(EN.NODECOUNT); i++) {
    if (p.getNodeType(i) !== EN.JUNCTION) continue;
    const nd = p.getNumberOfDemands(i);
    let sum = 0;
    for (let k = 1; k <= nd; k++) sum += p.getBaseDemand(i, k);
    if (sum > 0) for (let k = 1; k <= nd; k++) p.setBaseDemand(i, k, 0);
  }
}
p.setOption(EN.ACCURACY, 1e-8);
p.setOption(EN.TRIALS, 1000);

const flowUnits = p.getFlowUnits();
const us = flowUnits <= 4;
const lenToSI = us ? FT : 1.0;
const qToSI = flowToSI[flowUnits];
const headlossForm = ["H-W", "D-W", "C-M"][p.getOption(EN.HEADLOSSFORM)];
if (stdGravity) {
  if (headlossForm !== "D-W") {
    console.error(`${inpPath}: --standard-gravity applies to D-W networks only (this is ${headlossForm})`);
    process.exit(2);
  }
  for (let i = 1; i <= p.getCount(EN.LINKCOUNT); i++) {
    const t = p.getLinkType(i);
    if (t === EN.PIPE || t === EN.CVPIPE)
      p.setLinkValue(i, EN.LENGTH, p.getLinkValue(i, EN.LENGTH) * GRAVITY_SCALE);
    // (EPANET 2.2 refuses to set a minor loss of 0: only non-zero ones are scaled)
    if (t !== EN.PUMP && p.getLinkValue(i, EN.MINORLOSS) > 0)
      p.setLinkValue(i, EN.MINORLOSS, p.getLinkValue(i, EN.MINORLOSS) * GRAVITY_SCALE);
    if (t === EN.TCV)
      p.setLinkValue(i, EN.INITSETTING, p.getLinkValue(i, EN.INITSETTING) * GRAVITY_SCALE);
  }
}

p.solveH();
// EPANET only warns when it stops unconverged ("System hydraulically unbalanced"): refuse
const relErr = p.getStatistic(1); // EN_RELATIVEERROR: sum |dQ| / sum |Q| of the last trial
if (!(relErr <= 1e-6)) {
  console.error(`${inpPath}: EPANET did not converge (relative error ${relErr}): no output`);
  process.exit(1);
}

const out = {
  source: inpPath.split("/").pop(),
  engine: `OWA-EPANET ${ws.version} (epanet-js, WebAssembly)`,
  flow_units: flowUnitNames[flowUnits],
  headloss: headlossForm,
  standard_gravity: stdGravity,
  zero_demands: zeroDemands,
  gravity_scale: stdGravity ? GRAVITY_SCALE : 1.0,
  specific_gravity: p.getOption(EN.SPGRAVITY),
  viscosity_relative: p.getOption(EN.SPVISCOS),
  relative_error: relErr,
  settings: "patterns flattened to 1.0, controls and rules deleted, duration 0, ACCURACY 1e-8, TRIALS 1000",
  units: { head: "m", pressure: "m", elevation: "m", demand: "m3/s", flow: "m3/s", headloss: "m",
    velocity: "m/s" },
  nodes: {},
  links: {},
};
for (let i = 1; i <= p.getCount(EN.NODECOUNT); i++) {
  const id = p.getNodeId(i);
  const head = p.getNodeValue(i, EN.HEAD), pres = p.getNodeValue(i, EN.PRESSURE);
  const elev = p.getNodeValue(i, EN.ELEVATION), dem = p.getNodeValue(i, EN.DEMAND);
  out.nodes[id] = {
    type: nodeTypes[p.getNodeType(i)],
    head: head * lenToSI,
    pressure: (head - elev) * lenToSI,
    elevation: elev * lenToSI,
    demand: dem * qToSI,
    epanet: { head, pressure: pres, elevation: elev, demand: dem },
  };
}
for (let i = 1; i <= p.getCount(EN.LINKCOUNT); i++) {
  const id = p.getLinkId(i);
  const ends = p.getLinkNodes(i);
  const q = p.getLinkValue(i, EN.FLOW), hl = p.getLinkValue(i, EN.HEADLOSS);
  const v = p.getLinkValue(i, EN.VELOCITY), st = p.getLinkValue(i, EN.STATUS);
  const h1 = p.getNodeValue(ends.node1, EN.HEAD), h2 = p.getNodeValue(ends.node2, EN.HEAD);
  out.links[id] = {
    type: linkTypes[p.getLinkType(i)],
    from: p.getNodeId(ends.node1),
    to: p.getNodeId(ends.node2),
    flow: q * qToSI,
    // head(from) - head(to) from the node heads: exact; EPANET's reported headloss of a pipe is
    // per 1000 length units in US/SI reports, so it is kept only in "epanet"
    headloss: (h1 - h2) * lenToSI,
    velocity: v * (us ? FT : 1.0),
    status: st,
    epanet: { flow: q, headloss: hl, velocity: v },
  };
}
p.close();
fs.writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
