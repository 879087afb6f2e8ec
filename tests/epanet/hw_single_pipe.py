#!/usr/bin/python3
"""hw_single_pipe.py DHSIM: `dhsim run` on hw_single_pipe/hw_single_pipe.yaml (friction:
hazen_williams, pipes and their C read from a CSV table) and the head losses of its two pipes
against EPANET 2.2's Hazen-Williams formula evaluated here, in EPANET's own US units
(src/hydcoeffs.c: h = 4.727 L q^1.852 / (C^1.852 d^4.871), ft and cfs), independently of
dhsim's code. Heads are z + pg / (rho g), g = 9.80665 m/s2, with rho the density of the
case's incompressible water as solved: P1 carries the whole 100 L/s drawn, so rho = m_P1 / 0.1
(998.2061 kg/m3, IF97 at 20 degC; compare.py's rounded 998.207 would shift these heads by
6e-6 m). Volume flows are m / rho.

Expected at the demands (100 L/s in P1, 30 L/s in P2): 6.426206 m and 4.048711 m. Tolerances:
the flows within 1e-6 of the demands, the head losses within 1e-6 m of the formula at the solved
flow (the steady solve converges its residuals to 1e-8 relative; measured agreement is 1e-8 m,
while an error in C, D, L, an exponent or the constant moves the loss by 1e-5 or more).
Exit 0 pass, 1 fail.
"""
import os
import subprocess
import sys
import tempfile

import h5py

FT = 0.3048
G, PATM = 9.80665, 101325.0


def hw_epanet(L, D, C, Q):
    return 4.727 * (L / FT) * (Q / FT ** 3) ** 1.852 / (C ** 1.852 * (D / FT) ** 4.871) * FT


def main():
    dhsim = sys.argv[1]
    case = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hw_single_pipe",
                        "hw_single_pipe.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.h5")
        r = subprocess.run([dhsim, "run", case, "-o", out], capture_output=True, text=True)
        if r.returncode != 0:
            print("dhsim run failed (%d):\n%s%s" % (r.returncode, r.stdout, r.stderr))
            return 1
        with h5py.File(out, "r") as f:
            nid = [x.decode() for x in f["/network/nodes/id"][()]]
            z = dict(zip(nid, f["/network/nodes/z"][()]))
            p = dict(zip(nid, f["/results/nodes/pressure"][()][0]))
            lid = [x.decode() for x in f["/network/links/id"][()]]
            m = dict(zip(lid, f["/results/links/mass_flow"][()][0]))
    rho = m["P1"] / 0.1
    head = {n: z[n] + (p[n] - PATM) / (rho * G) for n in nid}
    ok = True
    for pid, a, b, L, D, C, q_dem in (("P1", "R", "J", 1000.0, 0.3, 130.0, 0.1),
                                      ("P2", "J", "K", 500.0, 0.2, 100.0, 0.03)):
        q = m[pid] / rho
        got = head[a] - head[b]
        want = hw_epanet(L, D, C, q)
        good = abs(got - want) <= 1e-6 and abs(q / q_dem - 1) <= 1e-6
        ok = ok and good
        print("%s: Q %.9f m3/s (demand %g), head loss %.9f m, EPANET's H-W %.9f m (at the "
              "demand %.6f m): %s" % (pid, q, q_dem, got, want, hw_epanet(L, D, C, q_dem),
                                      "ok" if good else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
