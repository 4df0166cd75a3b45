#!/usr/bin/python3
"""Times scipy.ndimage.label on the masks written by `softshort bench xct --save DIR` (same data as the C# run).

    softshort bench xct --save /tmp/xct-bench
    /usr/bin/python3 docs/xct/bench_scipy.py /tmp/xct-bench
"""
import json, os, sys, time, resource
import numpy as np
from scipy import ndimage

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/xct-bench"
for name in ("random50", "porous20"):
    p = os.path.join(d, name + ".raw")
    meta = json.load(open(p + ".json"))
    shape = tuple(meta["shape_zyx"])
    m = np.fromfile(p, dtype=np.uint8).reshape(shape)
    for conn, rank in ((6, 1), (26, 3)):
        st = ndimage.generate_binary_structure(3, rank)
        best = 1e9
        for _ in range(3):
            t = time.perf_counter()
            lab, n = ndimage.label(m, structure=st, output=np.uint32)
            best = min(best, time.perf_counter() - t)
            del lab
        print(f"  {name:9s} {conn:2d}-conn: {best:.3f} s, {m.size / best / 1e6:7.1f} M voxels/s, {n} components (scipy {__import__('scipy').__version__}, 1 thread)")
print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
