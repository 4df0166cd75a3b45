"""Independent fixture for RadialUnmixing (docs/radiography.md, Li quantification): an analytic axisymmetric cell seen side-on.

Run with /usr/bin/python3 (numpy + tifffile):  python3 make_radial_fixture.py
Writes radial_series.tif (float32 pages, {"time_s": t} in each page's ImageDescription) and radial_truth.json.

The cell (monochromatic 1.798 A beam, Beer-Lambert along straight rays, no code shared with SoftShort):
  * image 400 x 48 px at 25 um; cell axis at column 199.6 (vertical); rows are the axial position z; the paper's cell
    proportions: 1/4" bore (core radius 127 px = 3.175 mm), 3/8" tube outer diameter (190.5 px).
  * core r < 127 px: stainless steel (Fe) for z < 14.5, Li metal for 14.5 <= z < 40.5 (z in px, row y covers [y - 0.5, y + 0.5): the
    interfaces lie on pixel edges, so that no pixel mixes SS and Li before the blur; see docs/radiography.md for a sub-pixel one), a pellet (Sigma 2 /cm) below;
    gap 127 <= r < 131 px (100 um): air; PTFE tube 131 <= r < 190.5 px; air outside.
  * Sigma from Sears (1992) bound cross sections: Li (natural) sigma_abs 70.5 b, sigma_coh 0.454 b, sigma_inc 0.92 b,
    0.534 g/cm3; Fe sigma_abs 2.56 b, sigma_s 11.62 b, 7.874 g/cm3; PTFE C2F4 2.2 g/cm3 with C (0.0035 b abs, 5.551 b scatt)
    and F (0.0096 b abs, 4.018 b scatt).
  * Li changes, scaled by s(t) from 0 (6 reference bins) to 1 (6 bins, linear): P3 = 15 % of the core Li lost in the 2 rows
    (50 um) after the SS|Li interface (14.5 <= z < 16.5); P4 = the gap filled to 50 % with Li over 10 <= y < 22 (300 um).
  * Each pixel's transmission is the mean of exp(-sum Sigma*chord) over 8 x 8 sub-rays (partial volumes mix physically),
    chords through a shell [a, b) at lateral distance u: 2(sqrt(b^2 - u^2) - sqrt(a^2 - u^2)), roots clipped at 0.
  * Then a Gaussian blur of sigma 0.5 px (separable, sampled kernel of radius 3, edges clamped), which the estimator fits.
"""
import json
import numpy as np
import tifffile

NA = 6.02214076e23
def sigma_per_cm(rho, molar_mass, barns):
    return rho / molar_mass * NA * barns * 1e-24

S_LI = sigma_per_cm(0.534, 6.941, 70.5 + 0.454 + 0.92)
S_FE = sigma_per_cm(7.874, 55.845, 2.56 + 11.62)
S_PTFE = sigma_per_cm(2.2, 2 * 12.011 + 4 * 18.998, 2 * (0.0035 + 5.551) + 4 * (0.0096 + 4.018))
S_PELLET = 2.0

W, H, PX_CM = 400, 48, 25e-4
AXIS, R, RG, RO = 199.6, 127.0, 131.0, 190.5
SS_LI, LI_SE = 14.5, 40.5
P3_Z, P3_LOSS = (14.5, 16.5), 0.15
P4_Z, P4_FILL = (10.0, 22.0), 0.5
BLUR_SIGMA_PX = 0.5
SUB = 8

def chord(u, a, b):
    ob = np.clip(b * b - u * u, 0, None)
    ia = np.clip(a * a - u * u, 0, None)
    return 2 * (np.sqrt(ob) - np.sqrt(ia))

def frame(s):
    off = (np.arange(SUB) + 0.5) / SUB - 0.5
    xs = (np.arange(W)[:, None] + off[None, :]).ravel()          # sub-ray columns
    u = np.abs(xs - AXIS)                                         # px
    c_core, c_gap, c_ptfe = chord(u, 0, R), chord(u, R, RG), chord(u, RG, RO)
    img = np.zeros((H, W))
    for y in range(H):
        acc = np.zeros(W * SUB)
        for dz in off:
            z = y + dz
            core = S_FE if z < SS_LI else S_LI if z < LI_SE else S_PELLET
            if P3_Z[0] <= z < P3_Z[1]:
                core = S_LI * (1 - s * P3_LOSS)
            gap = S_LI * s * P4_FILL if P4_Z[0] <= z < P4_Z[1] else 0.0
            att = (core * c_core + gap * c_gap + S_PTFE * c_ptfe) * PX_CM
            acc += np.exp(-att)
        img[y] = (acc / SUB).reshape(W, SUB).mean(axis=1)
    k = np.exp(-0.5 * (np.arange(-3, 4) / BLUR_SIGMA_PX) ** 2)
    k /= k.sum()
    pad = np.pad(img, 3, mode="edge")
    rows = sum(k[i] * pad[i:i + H, 3:3 + W] for i in range(7))
    rows_p = np.pad(rows, ((0, 0), (3, 3)), mode="edge")
    return sum(k[i] * rows_p[:, i:i + W] for i in range(7)).astype(np.float32)

scales = [0.0] * 6 + [(i + 1) / 6 for i in range(6)]
times = [150.0 + 300 * i for i in range(len(scales))]
pages = [frame(s) for s in scales]
with tifffile.TiffWriter("radial_series.tif") as tw:
    for p, t in zip(pages, times):
        tw.write(p, description=json.dumps({"time_s": t}), metadata=None)

px = PX_CM
v3 = -P3_LOSS * np.pi * (R * px) ** 2 * (P3_Z[1] - P3_Z[0]) * px        # cm3 (Li lost from the core)
v4 = P4_FILL * np.pi * ((RG * px) ** 2 - (R * px) ** 2) * (P4_Z[1] - P4_Z[0]) * px
truth = {
    "pixel_size_um": 25.0, "axis_x_px": AXIS, "core_radius_px": R, "gap_outer_radius_px": RG, "ss_li_row": SS_LI, "li_se_row": LI_SE,
    "blur_sigma_px": BLUR_SIGMA_PX, "sigma_li_per_cm": S_LI, "times_s": times, "scale": scales,
    "p3_core_li_end_mm3": v3 * 1e3, "p4_gap_li_end_mm3": v4 * 1e3, "reference_bins": 6,
}
with open("radial_truth.json", "w") as f:
    json.dump(truth, f, indent=1)
print(json.dumps({k: truth[k] for k in ("sigma_li_per_cm", "p3_core_li_end_mm3", "p4_gap_li_end_mm3")}))
