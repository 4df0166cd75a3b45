#!/usr/bin/env python3
"""CalculiX cross-check of SoftShort's axisymmetric solver: a Li disc (J2, E 7.82 GPa, nu 0.381, yield 0.8 MPa, H 10 MPa)
in a PTFE ring (J2, E 0.5 GPa, nu 0.46, yield 10 MPa, H 40 MPa), frictionless penalty contact at r = 3.175 mm,
Li compressed axially by 10 % (top displaced -0.025 mm) between frictionless platens; the ring is held axially at both ends.
Elements: CAX8R (quadratic, reduced integration), h = 0.025 mm. Run: python3 make_ccx_case.py && ccx -i li_ring
Run with --run: calls ccx, reads li_ring.dat and writes ccx_result.csv (top reaction per radian, N; ring inner radial displacement at mid-height, mm)."""
import subprocess, re, sys
rb, ro, t, h, delta = 3.175, 4.7625, 0.25, 0.025, 0.025
def grid(r0, r1, nr, nz, start):
    # CAX8R: nodes on a (2nr+1) x (2nz+1) grid (midside nodes; centre nodes unused)
    ids = {}
    nid = start
    lines = []
    for j in range(2 * nz + 1):
        for i in range(2 * nr + 1):
            if i % 2 == 1 and j % 2 == 1: continue
            ids[(i, j)] = nid
            lines.append(f"{nid}, {r0 + (r1 - r0) * i / (2 * nr):.10f}, {t * j / (2 * nz):.10f}")
            nid += 1
    return ids, lines, nid
nrl, nrt, nz = round(rb / h), round((ro - rb) / h), round(t / h)
li, lil, nxt = grid(0, rb, nrl, nz, 1)
tu, tul, _ = grid(rb, ro, nrt, nz, nxt)
def elems(ids, nr, start):
    out = []; e = start
    for j in range(nz):
        for i in range(nr):
            a, b = 2 * i, 2 * j
            n = [ids[(a, b)], ids[(a + 2, b)], ids[(a + 2, b + 2)], ids[(a, b + 2)], ids[(a + 1, b)], ids[(a + 2, b + 1)], ids[(a + 1, b + 2)], ids[(a, b + 1)]]
            out.append(f"{e}, " + ", ".join(map(str, n))); e += 1
    return out, e
lie, e2 = elems(li, nrl, 1)
tue, _ = elems(tu, nrt, e2)
def nset(ids, pred): return sorted(v for k, v in ids.items() if pred(*k))
W = []
W.append("*NODE, NSET=NALL"); W += lil + tul
W.append("*ELEMENT, TYPE=CAX8R, ELSET=LI"); W += lie
W.append("*ELEMENT, TYPE=CAX8R, ELSET=TUBE"); W += tue
def ns(name, nodes):
    W.append(f"*NSET, NSET={name}")
    for k in range(0, len(nodes), 10): W.append(", ".join(map(str, nodes[k:k + 10])))
ns("AXIS", nset(li, lambda i, j: i == 0))
ns("LIBOT", nset(li, lambda i, j: j == 0))
ns("LITOP", nset(li, lambda i, j: j == 2 * nz))
ns("TUBEENDS", nset(tu, lambda i, j: j == 0 or j == 2 * nz))
ns("LIWALL", nset(li, lambda i, j: i == 2 * nrl))
mid = tu[(0, nz)] if nz % 1 == 0 else None
ns("TUBEMID", [tu[(0, nz)]])
# surfaces: Li outer face (element face 2 = nodes 2-3 for CAX8R: S2), tube inner face (S4)
W.append("*SURFACE, NAME=SLI, TYPE=NODE"); W.append("LIWALL")
W.append("*SURFACE, NAME=STUBE")
for j in range(nz): W.append(f"{e2 + j * nrt}, S4")
W.append("*MATERIAL, NAME=LIM"); W.append("*ELASTIC"); W.append("7820., 0.381"); W.append("*PLASTIC"); W.append("0.8, 0."); W.append("10.8, 1.")
W.append("*MATERIAL, NAME=PTFE"); W.append("*ELASTIC"); W.append("500., 0.46"); W.append("*PLASTIC"); W.append("10., 0."); W.append("50., 1.")
W.append("*SOLID SECTION, ELSET=LI, MATERIAL=LIM"); W.append("*SOLID SECTION, ELSET=TUBE, MATERIAL=PTFE")
W.append("*SURFACE INTERACTION, NAME=SI"); W.append("*SURFACE BEHAVIOR, PRESSURE-OVERCLOSURE=LINEAR"); W.append("1.e5")
W.append("*CONTACT PAIR, INTERACTION=SI, TYPE=NODE TO SURFACE"); W.append("SLI, STUBE")
W.append("*BOUNDARY"); W.append("AXIS, 1, 1"); W.append("LIBOT, 2, 2"); W.append("TUBEENDS, 2, 2")
W.append("*STEP, INC=1000"); W.append("*STATIC"); W.append("0.05, 1.0, 1e-6, 0.05")
W.append("*BOUNDARY"); W.append(f"LITOP, 2, 2, {-delta}")
W.append("*NODE PRINT, NSET=LITOP, TOTALS=ONLY"); W.append("RF")
W.append("*NODE PRINT, NSET=TUBEMID"); W.append("U")
W.append("*END STEP")
open("li_ring.inp", "w").write("\n".join(W) + "\n")
if "--run" in sys.argv:
    subprocess.run(["ccx", "-i", "li_ring"], check=True, stdout=subprocess.DEVNULL)
    dat = open("li_ring.dat").read()
    tot = re.findall(r"total force.*?\n\s*\n?\s*([-\dE.+]+)\s+([-\dE.+]+)", dat, re.S)[-1]
    u = re.findall(r"displacements.*?\n\s*\n\s*\d+\s+([-\dE.+]+)\s+([-\dE.+]+)", dat, re.S)[-1]
    # CalculiX expands CAX elements into 2-degree wedges: its nodal forces are per 2-degree segment; convert to per radian
    import math
    per_rad = float(tot[1]) / (2 * math.pi / 180)
    open("ccx_result.csv", "w").write("top_reaction_per_rad_N,tube_inner_ur_mid_mm\n" + f"{per_rad!r},{float(u[0])!r}\n")
    print(open("ccx_result.csv").read())
