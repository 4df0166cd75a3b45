#!/usr/bin/python3
"""Peer timing for `softshort bench echem --keep DIR`: pandas reads the same EC-Lab .mpt, scipy.optimize.least_squares fits
the same circuit (R0-p(R1,CPE1)-p(R2,CPE2)-W1, log parameters, modulus weighting, same start) to the same spectrum.
Usage: /usr/bin/python3 docs/electrochemistry_bench_peer.py DIR"""
import sys, time, numpy as np, pandas as pd
from scipy.optimize import least_squares

d = sys.argv[1]
path = d + "/bench_record.mpt"
with open(path, encoding="latin-1") as f:
    f.readline(); n = int(f.readline().split(":")[1])
t0 = time.perf_counter()
df = pd.read_csv(path, sep="\t", skiprows=n - 1, encoding="latin-1")
t_imp = time.perf_counter() - t0
print(f"pandas import: {t_imp:.3f} s ({len(df) / t_imp:.0f} rows/s)")

s = np.loadtxt(d + "/bench_spectrum.csv", delimiter=",", skiprows=1)
f, z = s[:, 0], s[:, 1] + 1j * s[:, 2]
w = 2 * np.pi * f
def model(lp):
    R0, R1, Q1, a1, R2, Q2, a2, Aw = np.exp(lp)
    zc = lambda R, Q, a: 1 / (1 / R + Q * (1j * w) ** a)
    return R0 + zc(R1, Q1, a1) + zc(R2, Q2, a2) + Aw * (1 - 1j) / np.sqrt(w)
def res(lp):
    r = (model(lp) - z) / np.abs(z)
    return np.concatenate([r.real, r.imag])
start = np.log([30, 100, 2e-7, 0.8, 400, 1e-5, 0.8, 100])
least_squares(res, start, method="lm")
N = 20
t0 = time.perf_counter()
for _ in range(N):
    sol = least_squares(res, start, method="lm", xtol=1e-12, ftol=1e-14, gtol=1e-12)
t_fit = (time.perf_counter() - t0) / N
print(f"scipy least_squares (MINPACK LM, numerical Jacobian) fit: {t_fit * 1e3:.1f} ms; params {np.exp(sol.x)}")
