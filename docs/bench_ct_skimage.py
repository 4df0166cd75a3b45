"""Peer timing for `softshort bench ct`: scikit-image iradon on the same sinogram, in-process.
Usage: softshort bench ct --save-sinogram sino.tif ; /usr/bin/python3 docs/bench_ct_skimage.py sino.tif
(Debian python3-skimage 0.19.3). The sinogram is angles x bins (SoftShort layout); skimage wants bins x angles."""
import sys, time, numpy as np, tifffile
from skimage.transform import iradon
from skimage.data import shepp_logan_phantom

sino = tifffile.imread(sys.argv[1]).astype(np.float64)
angles, bins = sino.shape
theta = np.linspace(0, 180, angles, endpoint=False)
# truth: the modified Shepp-Logan rasterised like SoftShort's (unit disc = bins/2 px), 4x4 supersampled
E = [(1.0,.69,.92,0,0,0),(-.8,.6624,.874,0,-.0184,0),(-.2,.11,.31,.22,0,-18),(-.2,.16,.41,-.22,0,18),(.1,.21,.25,0,.35,0),
     (.1,.046,.046,0,.1,0),(.1,.046,.046,0,-.1,0),(.1,.046,.023,-.08,-.605,0),(.1,.023,.023,0,-.606,0),(.1,.023,.046,.06,-.605,0)]
n = bins; ss = 4; c = (n - 1) / 2; half = n / 2
u = (np.arange(n * ss) + 0.5) / ss - 0.5
X, Yd = np.meshgrid((u - c) / half, (u - c) / half)
Y = -Yd
truth = np.zeros_like(X)
for A, a, b, x0, y0, phi in E:
    p = np.deg2rad(phi); dx, dy = X - x0, Y - y0
    uu = dx * np.cos(p) + dy * np.sin(p); ww = -dx * np.sin(p) + dy * np.cos(p)
    truth += A * ((uu / a) ** 2 + (ww / b) ** 2 <= 1)
truth = truth.reshape(n, ss, n, ss).mean(axis=(1, 3))
r = np.hypot(*np.meshgrid(np.arange(n) - c, np.arange(n) - c)) / half
print(f"scikit-image {__import__('skimage').__version__} iradon, {angles} angles x {bins} bins")
for f in ["ramp", "shepp-logan", "cosine", "hamming", "hann"]:
    best = bestcpu = 1e9
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2):
        t = time.perf_counter(); c = time.process_time()
        rec = iradon(sino.T, theta=theta, filter_name=f, interpolation="linear", circle=True)
        best = min(best, time.perf_counter() - t); bestcpu = min(bestcpu, time.process_time() - c)
    err = np.sqrt(np.mean((rec - truth)[r <= 0.8] ** 2))
    print(f"  {f:12s} {best*1e3:8.1f} ms/slice  {1/best:6.2f} slices/s  (CPU {bestcpu*1e3:7.1f} ms)  RMS error in r < 0.8: {err:.4f}")
