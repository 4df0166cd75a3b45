#!/usr/bin/python3
"""Fixtures for SoftShort.Tests.Xct, computed by independent tools (Debian python3-scipy 1.10, python3-skimage 0.19).

Run from this folder:  /usr/bin/python3 make_fixtures.py
Writes:
  ccl_<name>.mask.raw.gz           uint8 volume (z, y, x), C order, non-zero = foreground
  ccl_<name>.labels<N>.raw.gz      uint32 little-endian labels from scipy.ndimage.label with N-connectivity
  ccl_fixtures.json                shapes and component counts
  thresholds.json                  skimage threshold_otsu / threshold_multiotsu on float samples
"""
import gzip, json


def gzwrite(path, data):
    # mtime=0 and no file name: the same input gives the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(data)

import numpy as np
from scipy import ndimage
from skimage.filters import threshold_otsu, threshold_multiotsu

structs = {
    6: ndimage.generate_binary_structure(3, 1),
    18: ndimage.generate_binary_structure(3, 2),
    26: ndimage.generate_binary_structure(3, 3),
}

cases = []
rng = np.random.default_rng(20231)
for name, shape, fill in [("r10", (20, 21, 22), 0.10), ("r20", (18, 19, 17), 0.20), ("r30", (12, 13, 14), 0.30), ("r50", (16, 15, 17), 0.50), ("r65", (9, 20, 11), 0.65), ("thin", (40, 3, 5), 0.45)]:
    m = (rng.random(shape) < fill).astype(np.uint8)
    gzwrite(f"ccl_{name}.mask.raw.gz", m.tobytes(order="C"))
    counts = {}
    for n, st in structs.items():
        lab, cnt = ndimage.label(m, structure=st)
        gzwrite(f"ccl_{name}.labels{n}.raw.gz", lab.astype("<u4").tobytes(order="C"))
        counts[str(n)] = int(cnt)
    cases.append({"name": name, "shape_zyx": list(shape), "fill": fill, "components": counts})

# a porous, filament-like case: smoothed noise, thresholded
g = ndimage.gaussian_filter(rng.random((24, 26, 28)), 1.5)
m = (g > np.quantile(g, 0.8)).astype(np.uint8)
gzwrite("ccl_porous.mask.raw.gz", m.tobytes(order="C"))
counts = {}
for n, st in structs.items():
    lab, cnt = ndimage.label(m, structure=st)
    gzwrite(f"ccl_porous.labels{n}.raw.gz", lab.astype("<u4").tobytes(order="C"))
    counts[str(n)] = int(cnt)
cases.append({"name": "porous", "shape_zyx": [24, 26, 28], "fill": 0.2, "components": counts})

with open("ccl_fixtures.json", "w") as f:
    json.dump({"tool": "scipy.ndimage.label (scipy %s)" % __import__("scipy").__version__, "cases": cases}, f, indent=1)

samples = []
for i, (means, sds, weights) in enumerate([
    ([20, 120], [6, 8], [0.2, 0.8]),
    ([25, 110, 200], [5, 9, 7], [0.15, 0.6, 0.25]),
    ([10, 60, 120, 200], [4, 6, 8, 5], [0.1, 0.2, 0.5, 0.2]),
    ([5, 50, 100, 160, 230], [3, 5, 6, 7, 4], [0.1, 0.2, 0.3, 0.25, 0.15]),
]):
    n = 3000
    k = rng.choice(len(means), size=n, p=weights)
    x = rng.normal(np.array(means)[k], np.array(sds)[k]).astype(np.float32)
    entry = {"values": [float(v) for v in x], "otsu": float(threshold_otsu(x, nbins=256))}
    for c in range(2, 6):
        if c <= len(means) + 1:
            entry[f"multiotsu{c}"] = [float(t) for t in threshold_multiotsu(x, classes=c, nbins=256)]
    samples.append(entry)
with open("thresholds.json", "w") as f:
    json.dump({"tool": "skimage.filters (scikit-image %s), nbins=256" % __import__("skimage").__version__, "samples": samples}, f)
print("ok")
