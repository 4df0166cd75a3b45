#!/usr/bin/python3
"""Times scipy.ndimage.label on the masks written by `softshort bench xct --save DIR` (same data as the C# run).

    softshort bench xct --save /tmp/xct-bench
    /usr/bin/python3 docs/xct/bench_scipy.py /tmp/xct-bench [random50|porous20|all] [6|26|0] [repeats]
"""
import json, os, sys, time, resource
import numpy as np
from scipy import ndimage

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/xct-bench"
case = sys.argv[2] if len(sys.argv) > 2 else "all"
only = int(sys.argv[3]) if len(sys.argv) > 3 else 0
reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
for name in ("random50", "porous20"):
    if case not in ("all", name):
        continue
    p = os.path.join(d, name + ".raw")
    meta = json.load(open(p + ".json"))
    shape = tuple(meta["shape_zyx"])
    m = np.fromfile(p, dtype=np.uint8).reshape(shape)
    for conn, rank in ((6, 1), (26, 3)):
        if only not in (0, conn):
            continue
        st = ndimage.generate_binary_structure(3, rank)
        best = cpu = 1e9
        for _ in range(reps):
            t, c = time.perf_counter(), time.process_time()
            lab, n = ndimage.label(m, structure=st, output=np.uint32)
            best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
            del lab
        print(f"  {name:9s} {conn:2d}-conn: {best:.3f} s wall ({cpu:.3f} s cpu), {m.size / best / 1e6:7.1f} M voxels/s, {n} components (scipy {__import__('scipy').__version__}, 1 thread)")
print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
