#!/usr/bin/python3
"""NumPy peer of `softshort bench radiography` (issue 4, Performance).

The straightforward NumPy pipeline the issue names: per group of N frames, Eq. 1 normalisation
(I - DF) / (OB - DF) with the ROI beam correction and NaN where OB - DF <= 0, then
np.median(stack, axis=0). Optionally a straightforward gamma auto filter (mask >= 65530, each flagged
pixel replaced by the median of its unflagged 8-neighbours). Same frame size, bin size, frame count and
ROI as the C# bench; the data are synthetic (beam + counting-like noise + gamma spots), held in memory
as float32, so this times compute only.

usage: /usr/bin/python3 environment/bench/radiography_numpy.py [--frames 60] [--width 2560] [--height 2160] [-n 30] [--gamma]
"""
import argparse
import os
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--frames", type=int, default=60)
ap.add_argument("--width", type=int, default=2560)
ap.add_argument("--height", type=int, default=2160)
ap.add_argument("-n", type=int, default=30)
ap.add_argument("--gamma", action="store_true", help="also time a straightforward gamma auto filter")
a = ap.parse_args()
w, h, n = a.width, a.height, a.n

rng = np.random.default_rng(1)
y = np.arange(h, dtype=np.float32)[:, None]
x = np.arange(w, dtype=np.float32)[None, :]
beam = (1900 + 200 * np.sin(y * 0.0021)) * np.where(np.abs(x - w // 2) < w / 6, 0.55, 1.0)
raw = np.empty((n, h, w), np.float32)
for f in range(n):
    fr = np.round(100 + beam + rng.normal(0, 45, (h, w))).astype(np.float32)
    spots = rng.random((h, w)) < 40e-6
    fr[spots] = 65535
    raw[f] = fr
ob = (np.round(100 + beam + rng.normal(0, 45, (h, w))) + 400).astype(np.float32)
df = np.full((h, w), 100, np.float32)
roi = (slice(None), slice(0, 50))  # x0,y0,x1,y1 = 0,0,49,h-1


def gamma_auto(stack):
    """Flag >= dtype max - 5; replace by the median of the unflagged 8-neighbours (a Python loop over the rare spots)."""
    fixed = 0
    for fr in stack:
        mask = fr >= 65530
        ys, xs = np.nonzero(mask)
        vals = []
        for yy, xx in zip(ys, xs):
            y0, y1, x0, x1 = max(yy - 1, 0), min(yy + 2, h), max(xx - 1, 0), min(xx + 2, w)
            nb = fr[y0:y1, x0:x1][~mask[y0:y1, x0:x1]]
            vals.append(np.median(nb) if nb.size else np.nan)
        fr[ys, xs] = vals
        fixed += len(ys)
    return fixed


def normalize(stack):
    denom = ob - df
    d = stack - df
    scale = denom[roi].mean() / d[(slice(None),) + roi].mean(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = d / denom * scale[:, None, None].astype(np.float32)
    out[:, denom <= 0] = np.nan
    return out


def run(frames, with_gamma):
    t_gamma = t_norm = t_med = 0.0
    done = 0
    while done < frames:
        k = min(n, frames - done)
        stack = raw[:k].copy() if with_gamma else raw[:k]
        t0 = time.perf_counter()
        if with_gamma:
            gamma_auto(stack)
        t1 = time.perf_counter()
        norm = normalize(stack)
        t2 = time.perf_counter()
        np.median(norm, axis=0)
        t3 = time.perf_counter()
        t_gamma += t1 - t0; t_norm += t2 - t1; t_med += t3 - t2
        done += k
    return t_gamma, t_norm, t_med


run(n, False)  # warm-up
load = " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "n/a"
c0 = time.process_time()
tg, tn, tm = run(a.frames, False)
cpu = time.process_time() - c0
mb = w * h * 2 / 1e6
print(f"numpy {np.__version__} radiography: {a.frames} frames {w}x{h}, bins of {n}, load average {load}")
print(f"  normalise + np.median: {a.frames / (tn + tm):.2f} frames/s, {a.frames * mb / (tn + tm):.0f} MB/s "
      f"(normalise {tn / a.frames * 1000:.1f} + median {tm / a.frames * 1000:.1f} ms/frame; CPU {cpu / a.frames * 1000:.1f} ms/frame)")
if a.gamma:
    tg, tn, tm = run(a.frames, True)
    print(f"  gamma auto + normalise + np.median: {a.frames / (tg + tn + tm):.2f} frames/s (gamma {tg / a.frames * 1000:.1f} ms/frame)")
