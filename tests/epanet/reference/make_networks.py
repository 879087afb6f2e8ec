#!/usr/bin/python3
"""make_networks.py: writes the Darcy-Weisbach versions of EPANET's example networks, the
one-point-pump-curve version of Net3 and the 5x5 grid of our own into networks/ (run by
regen.sh; the outputs are committed).

NetN-DW.inp is NetN.inp with exactly these changes (README.md lists them too):
  1. [OPTIONS] Headloss H-W -> D-W.
  2. [PIPES] each Hazen-Williams C -> the Darcy-Weisbach roughness (millifeet) of equal head
     loss at 1 m/s: the same rule as `dhsim import epanet` (network/epanet_import.c,
     equivalent_roughness): EPANET's H-W slope 4.727 Q^1.852 / (C^1.852 d^4.871) (ft, cfs),
     f = slope 2 g D / v^2, Swamee-Jain solved for e at Re = v D / nu, clipped at 0.
  3. [OPTIONS] Viscosity 1.0 -> 0.981857..., so that EPANET's kinematic viscosity
     (relative to 1.1e-5 ft2/s) is that of dhsim's water at 20 degC, 1.0034e-6 m2/s.
  4. [CURVES] a three-point pump curve whose EPANET fit H = A - B Q^C has C != 2 is replaced by
     its middle (design) point: EPANET's single-point curve (A = 4/3 H, B = H / (3 Q^2)), which
     dhsim fits identically (docs/model.md, Pumps).
Everything else (ids, lengths, diameters, demands, tanks, controls, patterns) is unchanged.

Net3-1pt.inp is Net3.inp (Hazen-Williams, as EPANET ships it) with change 4 only: its pump
335's three-point curve (EPANET's fit exponent 1.09) -> its middle point. With it dhsim's
`friction: hazen_williams` is compared like for like (dhsim fits H = a - b Q^2 to pump curves;
Net1's pump has a single-point curve already, Net2 has no pump).
"""
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NET = os.path.join(HERE, "networks")
FT = 0.3048
G = 9.80665
NU_20C = 1.0034e-6
NU_EPANET = 1.1e-5 * FT * FT
V_REF = 1.0


def equivalent_roughness_mft(c, d_in):
    d_m = d_in * 0.0254
    d_ft = d_m / FT
    q_cfs = V_REF * math.pi * d_m * d_m / 4.0 / FT ** 3
    slope = 4.727 * q_cfs ** 1.852 / (c ** 1.852 * d_ft ** 4.871)
    f = slope * 2.0 * G * d_m / V_REF ** 2
    re = V_REF * d_m / NU_20C
    e = 3.7 * d_m * (10.0 ** (-0.5 / math.sqrt(f)) - 5.74 / re ** 0.9)
    return max(e, 0.0) / FT * 1000.0  # millifeet


def dw_version(name, darcy=True):
    """darcy: changes 1-4 -> NAME-DW.inp; otherwise change 4 only -> NAME-1pt.inp."""
    src = os.path.join(NET, name + ".inp")
    lines = open(src).read().split("\n")
    out, sec, curves = [], "", {}
    for ln in lines:  # collect the pump curves first
        s = ln.split(";")[0].split()
        if ln.strip().startswith("["):
            sec = ln.strip().upper()
        elif sec == "[CURVES]" and len(s) == 3:
            curves.setdefault(s[0], []).append((float(s[1]), float(s[2])))
    replace = {}
    for cid, pts in curves.items():
        if len(pts) == 3 and pts[0][0] == 0:
            c = math.log((pts[0][1] - pts[2][1]) / (pts[0][1] - pts[1][1])) / math.log(pts[2][0] / pts[1][0])
            if abs(c - 2.0) > 0.01:
                replace[cid] = (pts[1], c)
    if darcy:
        out.append("; Darcy-Weisbach version of %s.inp written by make_networks.py (see README.md):" % name)
        out.append("; H-W C -> D-W roughness of equal head loss at 1 m/s; viscosity of water at 20 degC;")
        out.append("; three-point pump curves with exponent != 2 -> their middle point. Nothing else changed.")
    else:
        out.append("; %s.inp (Hazen-Williams, unchanged) written by make_networks.py (see README.md) with" % name)
        out.append("; its three-point pump curves of exponent != 2 -> their middle point. Nothing else changed.")
    sec = ""
    done_curves = set()
    for ln in lines:
        st = ln.strip()
        if st.startswith("["):
            sec = st.upper()
            out.append(ln)
            continue
        s = ln.split(";")[0].split()
        if darcy and sec == "[PIPES]" and len(s) >= 6:
            e = equivalent_roughness_mft(float(s[5]), float(s[4]))
            s[5] = "%.6g" % e
            out.append(" " + " ".join(s) + " ;")
        elif darcy and sec == "[OPTIONS]" and s and s[0].upper() == "HEADLOSS":
            out.append(" Headloss D-W")
        elif darcy and sec == "[OPTIONS]" and s and s[0].upper() == "VISCOSITY":
            out.append(" Viscosity %.9f" % (NU_20C / NU_EPANET))
        elif sec == "[CURVES]" and len(s) == 3 and s[0] in replace:
            if s[0] not in done_curves:
                (q, h), c = replace[s[0]]
                out.append(";curve %s: EPANET's fit exponent %.4f != 2: its middle point only" % (s[0], c))
                out.append(" %s %g %g" % (s[0], q, h))
                done_curves.add(s[0])
        else:
            out.append(ln)
    open(os.path.join(NET, name + ("-DW.inp" if darcy else "-1pt.inp")), "w").write("\n".join(out))


def grid():
    """A 5 x 5 street grid of our own, LPS and D-W: junctions Jr_c 100 m apart, reservoir R
    (head 20 m) lifted by pump PU into J1_1, tank T (fixed head 48 m at its initial level)
    at the far corner J5_5, demands of 0.5..2.9 L/s, one injection (-4 L/s at J3_3), minor
    losses on the mains, a throttle valve (TCV, K = 8) on one street."""
    L = []
    L.append("[TITLE]\ndhsim looped test network: 5 x 5 street grid, one reservoir, one pump, one tank (D-W)\n")
    L.append("[JUNCTIONS]\n;ID Elev Demand")
    for r in range(1, 6):
        for c in range(1, 6):
            z = 2.0 + 1.5 * (r - 1) + 0.8 * (c - 1) + (0.7 if (r + c) % 2 else 0.0)
            d = 0.5 + 0.1 * ((r * 7 + c * 3) % 25)
            if (r, c) == (3, 3):
                d = -4.0
            if (r, c) == (1, 1):
                d = 0.0
            L.append(" J%d_%d %.2f %.2f" % (r, c, z, d))
    L.append(" JV 6.3 0")
    L.append("\n[RESERVOIRS]\n;ID Head\n R 20")
    L.append("\n[TANKS]\n;ID Elev InitLevel MinLevel MaxLevel Diameter MinVol\n T 40 8 1 12 15 0")
    L.append("\n[PIPES]\n;ID Node1 Node2 Length Diameter Roughness MinorLoss Status")
    for r in range(1, 6):
        for c in range(1, 6):
            if c < 5:
                main = r in (1, 5)
                dia = 250 if main else 150 if r != 3 else 200
                if (r, c) == (2, 2):  # the street with the throttle valve
                    L.append(" P%d_%d-%d_%d J%d_%d JV 50 %d 0.1 0" % (r, c, r, c + 1, r, c, dia))
                else:
                    L.append(" P%d_%d-%d_%d J%d_%d J%d_%d %d %d %s %s" % (
                        r, c, r, c + 1, r, c, r, c + 1, 100, dia, "0.05" if main else "0.1",
                        "1.5" if main else "0"))
            if r < 5:
                dia = 250 if c in (1, 5) else 125
                L.append(" P%d_%d-%d_%d J%d_%d J%d_%d %d %d %s %s" % (
                    r, c, r + 1, c, r, c, r + 1, c, 100 + 10 * c, dia, "0.2" if c == 3 else "0.1",
                    "0.8" if c in (1, 5) else "0"))
    L.append(" PT J5_5 T 30 250 0.05 2")
    L.append(" PR R JS 15 300 0.05 0.5")
    L.append("\n[PUMPS]\n;ID Node1 Node2 Parameters\n PU JS J1_1 HEAD C1")
    L.append(" ;junction on the suction side")
    L.append("\n[VALVES]\n;ID Node1 Node2 Diameter Type Setting MinorLoss\n TV JV J2_3 150 TCV 8 0")
    L.append("\n[CURVES]\n;ID Flow Head\n C1 40 45")
    L.append("\n[OPTIONS]\n Units LPS\n Headloss D-W\n Viscosity %.9f\n" % (NU_20C / NU_EPANET))
    L.append("[COORDINATES]")
    for r in range(1, 6):
        for c in range(1, 6):
            L.append(" J%d_%d %d %d" % (r, c, 100 * (c - 1), -100 * (r - 1)))
    L.append(" JV 150 -100\n R -80 0\n JS -40 0\n T 430 -420\n\n[END]\n")
    text = "\n".join(L)
    text = text.replace(" ;junction on the suction side\n", "")
    # the suction junction JS
    text = text.replace(" JV 6.3 0", " JV 6.3 0\n JS 1.0 0")
    open(os.path.join(NET, "grid5x5.inp"), "w").write(text)


if __name__ == "__main__":
    for n in ("Net1", "Net2", "Net3"):
        dw_version(n)
    dw_version("Net3", darcy=False)
    grid()
    sys.exit(0)
