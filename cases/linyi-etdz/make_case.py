#!/usr/bin/python3
"""Generates the Linyi ETDZ steam network case tables (nodes.csv, pipes.csv, consumers-*.csv).

Run from anywhere: /usr/bin/python3 cases/linyi-etdz/make_case.py
The output is committed; this script documents how every number was chosen (see README.md in
this folder for the sources of the assumptions). Deterministic: no randomness.

Layout: the Fuyuan CHP plant header feeds three trunk mains on overhead pipe racks:
  North main -> new-materials belt and the chemical park at its far end,
  East main  -> construction-machinery cluster and the recycled-resources park,
  South main -> biomedicine park and the residential heat-exchange stations,
with a DN250 tie line between the North and East mains that closes one loop.
Every consumer hangs on a branch (1-3 pipes) off a trunk node. Pipe sizes are chosen from the
design steam flow at a design steam velocity (trunk 40 m/s, branches 30 m/s, service pipes
25 m/s, after CJJ 34-2010 section 7 recommended steam velocities: superheated steam
DN > 200: 80 m/s max, DN <= 200: 50 m/s max; we size well below the maxima).
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- standard DN sizes and steel outside diameters (EN 10220 / GB/T 17395 series, mm) with the
# wall thicknesses used in the dhsim DN table (network/dn_table.c); inner = od - 2 wall.
DN_SIZES = [50, 65, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800]

# design state for sizing: header 0.98 MPa(g) / 290 degC; steam density falls along the mains.
def steam_density(p_abs_mpa, t_c):
    """Rough density for sizing only (ideal gas with Z = 0.95); the solver uses IAPWS-IF97."""
    return p_abs_mpa * 1e6 / (0.95 * 461.5 * (t_c + 273.15))


def inner_diameter_mm(dn):
    od = {50: 60.3, 65: 76.1, 80: 88.9, 100: 114.3, 125: 139.7, 150: 168.3, 200: 219.1,
          250: 273.0, 300: 323.9, 350: 355.6, 400: 406.4, 450: 457.0, 500: 508.0, 600: 610.0,
          700: 711.0, 800: 813.0}[dn]
    wall = {50: 3.2, 65: 3.2, 80: 3.2, 100: 3.6, 125: 3.6, 150: 4.0, 200: 4.5, 250: 5.0,
            300: 5.6, 350: 5.6, 400: 6.3, 450: 6.3, 500: 6.3, 600: 7.1, 700: 8.0, 800: 8.8}[dn]
    return od - 2 * wall


def size_dn(mass_flow_kg_s, velocity, rho):
    for dn in DN_SIZES:
        d = inner_diameter_mm(dn) / 1000.0
        v = mass_flow_kg_s / (rho * math.pi * d * d / 4.0)
        if v <= velocity:
            return dn
    return DN_SIZES[-1]


def insulation(dn):
    """Two-layer composite insulation of overhead steam pipes (inner: aluminium silicate felt,
    outer: rock wool, aluminium cladding). Thicknesses grow with size, after the economic
    thickness tables of GB 50264-2013 for 250-300 degC surfaces (typical values)."""
    if dn >= 400:
        return (80, 70)
    if dn >= 250:
        return (70, 60)
    if dn >= 150:
        return (60, 50)
    return (50, 40)


# ---- consumers: (id, group, description, trunk, distance along trunk (m), side offset (m),
#      winter peak steam t/h or heat MW, kind, min delivery pressure MPa(g))
# Demands are assumptions for companies of each kind and size (see README.md), not data.
CONSUMERS = [
    # chemical chain (north main, far end): large steady process users
    ("CH-NH3", "chemical", "synthetic ammonia", "N", 6400, 600, 32.0, "steam", 0.60),
    ("CH-HNO3", "chemical", "nitric acid", "N", 6400, -500, 16.0, "steam", 0.60),
    ("CH-MEOH", "chemical", "methanol", "N", 5800, 700, 20.0, "steam", 0.60),
    ("CH-NANO2", "chemical", "sodium nitrite", "N", 5800, -450, 7.0, "steam", 0.50),
    ("CH-CH3NO2", "chemical", "nitromethane", "N", 5200, 550, 9.0, "steam", 0.50),
    ("CH-AN", "chemical", "ammonium nitrate", "N", 5200, -600, 12.0, "steam", 0.50),
    ("CH-NPK", "chemical", "compound fertiliser", "N", 4600, 500, 10.0, "steam", 0.45),
    ("CH-CFP", "chemical", "chlorofluoropyridine pesticide (12,300 t/a)", "N", 4600, -400, 8.0,
     "steam", 0.50),
    # new energy and new materials (north main, first half)
    ("NM-LMO", "new_materials", "lithium manganate", "N", 1500, 450, 6.0, "steam", 0.45),
    ("NM-CB", "new_materials", "carbon black finishing", "N", 2100, -500, 4.0, "steam", 0.40),
    ("NM-SOLAR", "new_materials", "solar collectors", "N", 2700, 400, 3.0, "steam", 0.35),
    ("NM-WH", "new_materials", "water heaters", "N", 3300, -350, 2.5, "steam", 0.35),
    ("NM-MAT", "new_materials", "new-materials estate", "N", 3900, 450, 4.5, "steam", 0.40),
    # construction machinery (east main)
    ("MC-VOLVO", "machinery", "excavator plant: paint shop, pre-treatment, halls", "E", 1200,
     500, 6.5, "steam", 0.35),
    ("MC-SDLG", "machinery", "loader plant: paint shop, pre-treatment, halls", "E", 1800, -600,
     8.0, "steam", 0.35),
    ("MC-SDHI", "machinery", "construction machinery OEM", "E", 2400, 450, 5.0, "steam", 0.35),
    ("MC-LIUGONG", "machinery", "construction machinery OEM", "E", 3000, -500, 5.0, "steam",
     0.35),
    ("MC-JINLI", "machinery", "component supplier", "E", 3000, 350, 2.0, "steam", 0.30),
    ("MC-SANYOU", "machinery", "crane and pump-truck maker", "E", 3600, -300, 2.0, "steam", 0.30),
    ("MC-DEXIN", "machinery", "component supplier", "E", 3600, 400, 1.5, "steam", 0.30),
    ("MC-SUP1", "machinery", "supplier estate A", "E", 4200, -350, 1.5, "steam", 0.30),
    ("MC-SUP2", "machinery", "supplier estate B", "E", 4200, 350, 1.5, "steam", 0.30),
    ("MC-SUP3", "machinery", "supplier estate C", "E", 4800, -400, 1.5, "steam", 0.30),
    ("MC-SUP4", "machinery", "supplier estate D", "E", 4800, 300, 1.2, "steam", 0.30),
    # recycled resources (east main, far end)
    ("RC-CU", "recycling", "scrap copper to cathode copper", "E", 6000, 500, 6.0, "steam", 0.45),
    ("RC-ROD", "recycling", "copper rod mill", "E", 6000, -450, 4.0, "steam", 0.40),
    ("RC-STEEL", "recycling", "scrap steel processing", "E", 5400, 400, 2.0, "steam", 0.30),
    ("RC-MK", "recycling", "recycling park services", "E", 5400, -350, 2.0, "steam", 0.30),
    # biomedicine (south main)
    ("PH-01", "pharma", "pharmaceuticals: sterilisation, HVAC", "S", 1200, 450, 5.0, "steam",
     0.40),
    ("PH-02", "pharma", "pharmaceuticals", "S", 1200, -400, 4.0, "steam", 0.40),
    ("PH-03", "pharma", "pharmaceuticals", "S", 1900, 350, 4.0, "steam", 0.40),
    ("PH-04", "pharma", "medical devices", "S", 1900, -300, 2.5, "steam", 0.35),
    ("PH-05", "pharma", "pharmaceuticals", "S", 2600, 400, 3.5, "steam", 0.40),
    ("PH-06", "pharma", "pharma logistics (HVAC)", "S", 2600, -350, 2.0, "steam", 0.30),
    ("PH-07", "pharma", "pharmaceuticals", "S", 3300, 450, 4.0, "steam", 0.40),
    ("PH-08", "pharma", "biomedicine incubator", "S", 3300, -300, 2.5, "steam", 0.35),
    # residential and public buildings: steam-to-water heat-exchange stations (heat demand, MW)
    ("HX-01", "residential", "heat-exchange station, housing north of the plant", "N", 900,
     -700, 14.0, "heat", 0.30),
    ("HX-02", "residential", "heat-exchange station, zone admin and schools", "E", 900, -800,
     9.0, "heat", 0.30),
    ("HX-03", "residential", "heat-exchange station, housing east", "E", 2100, 900, 16.0, "heat",
     0.30),
    ("HX-04", "residential", "heat-exchange station, housing south", "S", 3900, 600, 18.0, "heat",
     0.30),
    ("HX-05", "residential", "heat-exchange station, housing south-west", "S", 4500, -700, 15.0,
     "heat", 0.30),
    ("HX-06", "residential", "heat-exchange station, resettlement housing", "S", 5100, 500, 12.0,
     "heat", 0.30),
    ("HX-07", "residential", "heat-exchange station, public buildings", "S", 700, 650, 6.0,
     "heat", 0.30),
]

# Trunk mains: direction unit vectors and lengths (m); trunk nodes every 300 m or at branch taps.
TRUNKS = {
    "N": {"dir": (0.15, 1.0), "length": 6400, "z0": 62.0, "dz_per_km": 1.5},
    "E": {"dir": (1.0, 0.1), "length": 6000, "z0": 62.0, "dz_per_km": -0.8},
    "S": {"dir": (-0.25, -1.0), "length": 5100, "z0": 62.0, "dz_per_km": 1.0},
}
TRUNK_STEP = 300.0  # m, trunk node spacing (fixed points / compensator sections)

# Steam-side demand of a heat consumer for sizing: Q / (h_steam - h_condensate at 80 degC).
H_STEAM, H_COND = 3010e3, 335e3


def design_flow(c):
    value, kind = c[6], c[7]
    return value / 3.6 if kind == "steam" else value * 1e6 / (H_STEAM - H_COND)


def main():
    nodes, pipes = [], []
    node_xyz = {}

    def add_node(nid, x, y, z):
        node_xyz[nid] = (x, y, z)
        nodes.append((nid, round(x, 1), round(y, 1), round(z, 2)))

    add_node("PLANT", 0.0, 0.0, 62.0)  # the CHP plant's distribution header (all mains start here)

    # trunk nodes at every multiple of TRUNK_STEP and at every tap distance
    taps = {t: sorted({c[4] for c in CONSUMERS if c[3] == t}) for t in TRUNKS}
    trunk_nodes = {}
    for t, spec in TRUNKS.items():
        dx, dy = spec["dir"]
        norm = math.hypot(dx, dy)
        dx, dy = dx / norm, dy / norm
        stations = sorted(set([s * TRUNK_STEP for s in range(1, int(spec["length"] // TRUNK_STEP) + 1)]
                              + taps[t] + [spec["length"]]))
        trunk_nodes[t] = []
        for s in stations:
            nid = f"{t}{int(s):04d}"
            z = spec["z0"] + spec["dz_per_km"] * s / 1000.0
            add_node(nid, dx * s, dy * s, z)
            trunk_nodes[t].append((s, nid))
        spec["unit"] = (dx, dy)

    # consumer branches: tap on the trunk -> branch node(s) -> consumer node
    branch_pipes = []  # (id, from, to, length, design flow, role)
    cons_rows = []
    for c in CONSUMERS:
        cid, group, desc, t, s, off, value, kind, pmin = c
        dx, dy = TRUNKS[t]["unit"]
        nx, ny = -dy, dx  # left normal
        tap = f"{t}{int(s):04d}"
        tx, ty, tz = node_xyz[tap]
        m = design_flow(c)
        # branch: tap -> B (70 % of the offset) -> consumer's boundary valve node
        b_id = f"B-{cid}"
        k_id = f"K-{cid}"
        add_node(b_id, tx + nx * off * 0.7, ty + ny * off * 0.7, tz - 0.5)
        add_node(k_id, tx + nx * off + dx * 40.0, ty + ny * off + dy * 40.0, tz - 0.8)
        l1 = abs(off) * 0.7
        l2 = math.hypot(abs(off) * 0.3, 40.0)
        branch_pipes.append((f"BR-{cid}", tap, b_id, l1, m, "branch"))
        branch_pipes.append((f"SV-{cid}", b_id, k_id, l2, m, "service"))
        cons_rows.append((cid, k_id, group, kind, value, pmin, desc))

    # trunk pipes with their downstream design flows (tree flows; the tie line is sized apart)
    downstream = {}
    for c in CONSUMERS:
        downstream.setdefault((c[3], c[4]), 0.0)
        downstream[(c[3], c[4])] += design_flow(c)
    trunk_pipes = []
    total = 0.0
    for t in TRUNKS:
        prev = "PLANT"
        for s, nid in trunk_nodes[t]:
            flow = sum(m for (tt, ss), m in downstream.items() if tt == t and ss >= s)
            trunk_pipes.append((f"M{nid}", prev, nid, None, flow, "trunk"))
            prev = nid
        total += sum(m for (tt, ss), m in downstream.items() if tt == t)

    # tie line N1200 -> E1200 (closes a loop between the north and east mains)
    tie = ("TIE-NE", "N1200", "E1200", None, 8.0, "tie")

    rows = []
    # ---- sizing by the specific pressure drop (the method of CJJ 34-2010 section 7.3 and of
    # every steam-network design handbook): each consumer's path from the header may lose
    # (header pressure - its minimum delivery pressure - a 0.05 MPa reserve for heat-loss
    # effects and growth); spread over the path's equivalent length that gives an allowable
    # specific drop R (Pa per metre of equivalent length); each pipe takes the smallest DN
    # whose drop at its design flow stays below 85 % of the tightest R of the consumers it
    # feeds, and whose velocity stays below the design velocity of its role.
    eq_frac = {"trunk": 0.25, "tie": 0.3, "branch": 0.35, "service": 0.5}
    lengths = {}
    for pid, a, b, length, flow, role in trunk_pipes + [tie] + branch_pipes:
        if length is None:
            (x1, y1, z1), (x2, y2, z2) = node_xyz[a], node_xyz[b]
            length = math.hypot(x2 - x1, y2 - y1)
        lengths[pid] = length
    p_header = 0.98e6 + 101.0e3  # Pa abs, the header set point of the cases
    reserve = 0.05e6
    allow = {}    # pipe id -> tightest allowable specific drop (Pa/m) of consumers downstream
    p_mid = {}    # pipe id -> sizing pressure (Pa abs): halfway to the tightest consumer
    for c in CONSUMERS:
        cid, _, _, t, s_tap, _, _, _, pmin = c
        path = [f"M{nid}" for s, nid in trunk_nodes[t] if s <= s_tap]
        path += [f"BR-{cid}", f"SV-{cid}"]
        role_of = lambda pid: "trunk" if pid.startswith("M") else ("branch" if pid.startswith("BR") else "service")
        l_eq = sum(lengths[p] * (1.0 + eq_frac[role_of(p)]) for p in path)
        p_min_abs = pmin * 1e6 + 101.0e3
        r_allow = (p_header - p_min_abs - reserve) / l_eq
        for p in path:
            if r_allow < allow.get(p, float("inf")):
                allow[p] = r_allow
                p_mid[p] = 0.5 * (p_header + p_min_abs)

    def specific_drop(dn, m, rho):
        """Darcy-Weisbach drop per metre (Pa/m), Swamee-Jain friction, 0.2 mm roughness."""
        d = inner_diameter_mm(dn) / 1000.0
        area = math.pi * d * d / 4.0
        v = m / (rho * area)
        re = rho * v * d / 1.8e-5  # steam viscosity ~18 uPa s at 200-280 degC
        f = 0.25 / math.log10(0.2e-3 / (3.7 * d) + 5.74 / re ** 0.9) ** 2
        return f / d * rho * v * v / 2.0, v

    trunk_dn = {}
    for pid, a, b, _, flow, role in trunk_pipes + [tie] + branch_pipes:
        length = lengths[pid]
        vel = {"trunk": 40.0, "tie": 30.0, "branch": 30.0, "service": 25.0}[role]
        if role == "tie":
            dn = 250
        else:
            rho = steam_density(p_mid[pid] / 1e6, 270.0)
            dn = DN_SIZES[-1]
            for cand in DN_SIZES:
                r, v = specific_drop(cand, flow, rho)
                if r <= 0.85 * allow[pid] and v <= vel:
                    dn = cand
                    break
        if role == "trunk":
            # a main never grows downstream; never below DN200 on a main
            t = a[0] if a != "PLANT" else b[0]
            dn = max(min(dn, trunk_dn.get(t, dn)), 200)
            trunk_dn[t] = dn
        ins1, ins2 = insulation(dn)
        # equivalent length of fittings and compensators as a fraction of the length
        # (after CJJ 34-2010 Table 7.3.7 ranges for steam pipes with bellows/loop compensators)
        rows.append((pid, a, b, round(length, 1), f"DN{dn}", round(eq_frac[role] * length, 1),
                     ins1, ins2, role))

    with open(os.path.join(HERE, "nodes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "x [m]", "y [m]", "z [m]"])
        w.writerows(nodes)
    with open(os.path.join(HERE, "pipes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "from", "to", "length [m]", "diameter", "equivalent_length [m]",
                    "insulation.0.thickness [mm]", "insulation.0.conductivity [W/(m K)]",
                    "insulation.1.thickness [mm]", "insulation.1.conductivity [W/(m K)]"])
        # inner layer aluminium silicate felt (~0.056 W/(m K) at a 200 degC mean), outer rock
        # wool (~0.048 W/(m K) at a 100 degC mean): typical catalogue values, GB/T 16400 and
        # GB/T 11835 product classes (assumed)
        w.writerows([r[:6] + (r[6], 0.056, r[7], 0.048) for r in rows])

    # consumers: winter peak (all at design) and summer low (process at its summer level,
    # space heating off, domestic hot water only at the heat-exchange stations)
    summer_factor = {"chemical": 0.85, "new_materials": 0.6, "machinery": 0.35, "recycling": 0.7,
                     "pharma": 0.55, "residential": 0.12}
    for name, factor in (("winter-peak", None), ("summer-low", summer_factor)):
        with open(os.path.join(HERE, f"consumers-{name}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "node", "group", "type", "demand", "min_pressure", "require_dry",
                        "return_temperature [degC]"])
            for cid, node, group, kind, value, pmin, desc in cons_rows:
                v = value if factor is None else round(value * factor[group], 3)
                unit = "t/h" if kind == "steam" else "MW"
                # chemical reactors and pharmaceutical sterilisation want dry steam; heat-exchange
                # stations return condensate at 80 degC (assumed, typical of steam-water stations)
                dry = ("true" if group in ("chemical", "pharma") else "false") if kind == "steam" else ""
                tret = "80" if kind == "heat" else ""
                w.writerow([cid, node, group, kind, f"{v} {unit}", f"{pmin} MPa(g)", dry, tret])
    n_pipes = len(rows)
    print(f"{len(nodes)} nodes, {n_pipes} pipes, {len(cons_rows)} consumers; "
          f"design steam flow {total * 3.6:.0f} t/h")


if __name__ == "__main__":
    main()
