#!/usr/bin/python3
"""compare.py: dhsim's steady solution of an imported EPANET network against EPANET 2.2's own.

  compare.py NET.inp REF.json RESULT.h5            compare a finished dhsim result
  compare.py --dhsim BIN NET.inp REF.json          import NET.inp, run it, compare
  options: --head-tol M (0.01 m)  --flow-tol REL (1e-3)  --quiet
           --water incompressible|iapws (with --dhsim: the study's water model; default
           incompressible, what the importer writes: EPANET's hydraulic model)

REF.json comes from tests/epanet/reference/run_epanet.mjs (see its README). Use the `.stdg`
references (EPANET with standard gravity, like dhsim) for Darcy-Weisbach networks, and the
plain ones for Hazen-Williams networks (imported as `friction: hazen_williams`: H-W head loss
has no g in it). The importer
writes junction demands as `type: water` consumers (docs/epanet.md, "Demands"); against a
`.nodemand` reference (positive demands zeroed) the network is imported with
--no-water-consumers.

Heads (issue 4: within 0.01 m). dhsim gives absolute node pressures p; EPANET heads. The
importer's case has `study: {water: incompressible}`: water at 20 degC of constant density
rho0 = 998.207 kg/m3 (IAPWS-IF97 at 101.325 kPa), so head = z + pg / (rho0 g) and the volume
flow is m / rho0, exactly EPANET's model. With --water iapws (the real fluid, run with
--set study.water=iapws; docs/epanet.md reports what that changes) the density varies: with the
compressibility of water kappa = 4.59e-10 1/Pa (IAPWS-95 at 20 degC), the head of a column of
gauge pressure pg is h = integral dp / (rho(p) g) = pg / (rho0 g) (1 - kappa pg / 2) to second
order, g = 9.80665 m/s2; head = z + h. Every node in both solutions is compared (junctions,
reservoir and tank nodes; tanks sit at their water level in the case, so their pressure is 0
gauge and their head is z).

Flows (within 0.1 %). dhsim's mass flow m -> volume flow m / rho(p_mean), the density at the
link's mean gauge pressure pg, rho = rho0 (1 + kappa pg) (water consumers draw their volume
demand at the density of their node, so the volume flows add up like EPANET's; m / rho0 would
be off by kappa pg, 0.05 % at 10 bar). A link passes when
|Q - Q_ref| <= tol x max(|Q_ref|, 1e-3 x max_links |Q_ref|): a flow a thousand times smaller
than the network's largest is judged on the network's scale (its relative error is noise of
the solvers' tolerances, EPANET's ACCURACY being a sum over all links). Links EPANET has
closed (flow 0) that the importer left out are skipped; links in one solution only are listed.
Exit status 0 when everything is within tolerance, 1 otherwise (worst offenders printed),
2 on usage or I/O errors.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

RHO0 = 998.207    # kg/m3, water at 20 degC, 101.325 kPa (IAPWS-IF97 region 1)
KAPPA = 4.59e-10  # 1/Pa, isothermal compressibility of water at 20 degC (IAPWS-95)
G = 9.80665       # m/s2
P_ATM = 101325.0  # Pa: the importer writes atmospheric_pressure: 101.325 kPa


def run_dhsim(dhsim, inp, workdir, no_demands, water):
    case = os.path.join(workdir, "case.yaml")
    out = os.path.join(workdir, "result.h5")
    r = subprocess.run([dhsim, "import", "epanet", inp, "-o", case] +
                       (["--no-water-consumers"] if no_demands else []),
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("compare.py: dhsim import failed (%d):\n%s" % (r.returncode, r.stderr))
    r = subprocess.run([dhsim, "run", case, "-o", out, "--set", "study.water=" + water],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("compare.py: dhsim run failed (%d):\n%s%s" % (r.returncode, r.stdout, r.stderr))
    return out


def read_h5(path, kappa):
    import h5py  # Debian's python3-h5py, for /usr/bin/python3
    with h5py.File(path, "r") as f:
        dec = lambda a: [x.decode() if isinstance(x, bytes) else str(x) for x in a]
        nid = dec(f["/network/nodes/id"][()])
        z = f["/network/nodes/z"][()]
        p = f["/results/nodes/pressure"][()][0]
        lid = dec(f["/network/links/id"][()])
        lfrom = f["/network/links/from"][()]
        lto = f["/network/links/to"][()]
        m = f["/results/links/mass_flow"][()][0]
    heads = {}
    for i, n in enumerate(nid):
        pg = p[i] - P_ATM
        heads[n] = z[i] + pg / (RHO0 * G) * (1.0 - kappa * pg / 2.0)
    # volume flow at the link's mean pressure: rho = rho0 (1 + kappa pg)
    flows = {}
    for i, l in enumerate(lid):
        pg = 0.5 * (p[lfrom[i]] + p[lto[i]]) - P_ATM
        flows[l] = m[i] / (RHO0 * (1.0 + kappa * pg))
    return heads, flows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dhsim", help="dhsim binary: import and run NET.inp first")
    ap.add_argument("--head-tol", type=float, default=0.01)
    ap.add_argument("--flow-tol", type=float, default=1e-3)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--water", choices=["incompressible", "iapws"], default="incompressible")
    ap.add_argument("inp")
    ap.add_argument("ref")
    ap.add_argument("result", nargs="?")
    a = ap.parse_args()
    if not a.result and not a.dhsim:
        ap.error("give RESULT.h5 or --dhsim BIN")
    try:
        ref = json.load(open(a.ref))
    except (OSError, ValueError) as e:
        print("compare.py: %s: %s" % (a.ref, e), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        res = a.result or run_dhsim(a.dhsim, a.inp, tmp, ".nodemand." in os.path.basename(a.ref),
                                    a.water)
        heads, flows = read_h5(res, KAPPA if a.water == "iapws" else 0.0)

    fails, notes = [], []
    worst_h = (0.0, None)
    for n, r in ref["nodes"].items():
        if n not in heads:
            notes.append("node %s: not in the dhsim result" % n)
            continue
        d = heads[n] - r["head"]
        if abs(d) > abs(worst_h[0]):
            worst_h = (d, n)
        if abs(d) > a.head_tol:
            fails.append((abs(d) / a.head_tol, "node %s: head %.4f m, EPANET %.4f m (%+.4f m)"
                          % (n, heads[n], r["head"], d)))
    qmax = max([abs(r["flow"]) for r in ref["links"].values()] + [1e-12])
    worst_q = (0.0, None)
    for l, r in ref["links"].items():
        if l not in flows:
            if abs(r["flow"]) > 1e-9 * qmax:
                notes.append("link %s: EPANET flow %.6g m3/s, not in the dhsim result" % (l, r["flow"]))
            continue
        scale = max(abs(r["flow"]), 1e-3 * qmax)
        rel = (flows[l] - r["flow"]) / scale
        if abs(rel) > abs(worst_q[0]):
            worst_q = (rel, l)
        if abs(rel) > a.flow_tol:
            fails.append((abs(rel) / a.flow_tol, "link %s: flow %.6g L/s, EPANET %.6g L/s (%+.3g %%)"
                          % (l, flows[l] * 1e3, r["flow"] * 1e3, rel * 100)))
    for l in flows:
        if l not in ref["links"] and not l.endswith(".cv"):
            notes.append("link %s: in the dhsim result only" % l)
    name = os.path.basename(a.ref)
    print("%s: %d nodes, %d links compared; worst head %+.5f m (node %s), worst flow %+.4g %% "
          "(link %s); tolerances %g m, %g %%" % (name, len(heads), len(flows), worst_h[0], worst_h[1],
                                                  worst_q[0] * 100, worst_q[1], a.head_tol,
                                                  a.flow_tol * 100))
    if not a.quiet:
        for s in notes:
            print("  note: " + s)
    if fails:
        fails.sort(reverse=True)
        print("FAIL: %d values outside tolerance; the worst:" % len(fails))
        for _, s in fails[:15]:
            print("  " + s)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
