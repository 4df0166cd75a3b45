#!/usr/bin/python3
"""Independent NumPy/tifffile fixtures for SoftShort's radiography normalisation and median binning.

Run with /usr/bin/python3 (numpy, tifffile): writes sample.tif (5 uint16 frames), ob.tif (3), df.tif (2), and the expected
normalized.tif (5 float32 frames) and binned3.tif (2 float32 frames: median of frames 0-2 and of the trailing partial group 3-4),
computed here by NumPy from the paper's Eq. 1 with the conventions of docs/radiography.md:
  * gamma filter (auto): pixels >= 65535 - 5 are flagged in every frame; each is replaced by numpy.median of its unflagged
    8-neighbours inside the image;
  * DF = mean of the filtered DF frames; OB = median of the filtered OB frames;
  * OB - DF <= 0 -> NaN (and never divided);
  * ROI beam correction with the region ROI (x0,y0,x1,y1 inclusive): over the ROI pixels where OB - DF > 0,
    scale = mean(OB - DF) / mean(I - DF); I_N = (I - DF) * scale / (OB - DF);
  * binning: per-pixel numpy.nanmedian of groups of 3 frames (an even count takes the mean of the two middle values).
"""
import numpy as np
import tifffile

rng = np.random.default_rng(20231125)
W, H = 7, 6
ROI = (0, 0, 1, 5)  # x0, y0, x1, y1: the two left columns see the open beam

df = rng.integers(95, 106, size=(2, H, W)).astype(np.uint16)
ob = (rng.integers(2900, 3100, size=(3, H, W)) + 100).astype(np.uint16)
ob[:, 2, 4] = df.max(axis=0)[2, 4]      # OB - DF <= 0 after averaging: a zero denominator
ob[:, 2, 4] -= np.array([0, 1, 2], dtype=np.uint16)
ob[1, 4, 5] = 65535                       # a gamma spot in one OB frame
trans = np.ones((H, W))
trans[:, 2:] = np.linspace(0.2, 0.8, W - 2)  # a "cell" right of the ROI
sample = np.empty((5, H, W), dtype=np.uint16)
for k in range(5):
    beam = 1.0 + 0.05 * k                 # beam drift: what the ROI correction removes
    sample[k] = np.round(100 + 3000 * beam * trans + rng.normal(0, 20, size=(H, W))).astype(np.uint16)
sample[1, 3, 3] = 65535                   # gamma spots
sample[3, 0, 6] = 65534
sample[4, 5, 2] = 65531


def gamma_filter(frame):
    f = frame.astype(np.float64)
    flagged = f >= 65535 - 5
    out = f.copy()
    for y, x in zip(*np.nonzero(flagged)):
        vals = [f[yy, xx] for yy in range(y - 1, y + 2) for xx in range(x - 1, x + 2)
                if (yy, xx) != (y, x) and 0 <= yy < H and 0 <= xx < W and not flagged[yy, xx]]
        out[y, x] = np.median(vals)
    return out


dff = np.mean([gamma_filter(f) for f in df], axis=0)
obf = np.median([gamma_filter(f) for f in ob], axis=0)
den = obf - dff
valid = den > 0
x0, y0, x1, y1 = ROI
roi = np.zeros((H, W), bool)
roi[y0:y1 + 1, x0:x1 + 1] = True
roi &= valid
ob_mean = den[roi].mean()
norm = []
for f in sample:
    s = gamma_filter(f) - dff
    scale = ob_mean / s[roi].mean()
    out = np.full((H, W), np.nan)
    out[valid] = s[valid] * scale / den[valid]
    norm.append(out)
norm = np.array(norm, dtype=np.float32)
binned = np.array([np.nanmedian(norm[0:3], axis=0), np.nanmedian(norm[3:5], axis=0)], dtype=np.float32)

tifffile.imwrite("sample.tif", sample, photometric="minisblack")
tifffile.imwrite("ob.tif", ob, photometric="minisblack")
tifffile.imwrite("df.tif", df, photometric="minisblack")
tifffile.imwrite("normalized.tif", norm, photometric="minisblack")
tifffile.imwrite("binned3.tif", binned, photometric="minisblack")
with open("roi.txt", "w") as fh:
    fh.write(",".join(map(str, ROI)) + "\n")
print("zero denominators:", int((~valid).sum()), "gamma spots in sample:", int((sample >= 65530).sum()), "ROI scale of frame 4:", scale)
