#!/usr/bin/python3
"""Independent TIFF fixtures for SoftShort's reader, written by tifffile (Debian python3-tifffile).
Run from this folder: /usr/bin/python3 make_tiff_fixtures.py
Each file's pixel values follow a formula that the C# tests recompute, so the truth does not come from our writer."""
import numpy as np
import tifffile

z, y, x = np.mgrid[0:3, 0:4, 0:5]
tifffile.imwrite("u16_stack.tif", (z * 1000 + y * 10 + x).astype(np.uint16), photometric="minisblack")          # 3 pages, 5 wide, 4 high

y2, x2 = np.mgrid[0:3, 0:4]
tifffile.imwrite("f32_page.tif", (y2 * 0.5 - x2 * 0.25).astype(np.float32))             # 1 page, 4 wide, 3 high

y3, x3 = np.mgrid[0:36, 0:40]
tifffile.imwrite("u8_tiled.tif", ((x3 + 2 * y3) % 256).astype(np.uint8), tile=(16, 16)) # tiled, edges partial

z4, y4, x4 = np.mgrid[0:2, 0:5, 0:6]
tifffile.imwrite("bigtiff_f32.tif", (z4 * 100.0 + y4 - x4 * 0.5).astype(np.float32), bigtiff=True)

u32 = (np.arange(4 * 3, dtype=np.uint64).reshape(4, 3) * 400_000_000 % 4_294_967_291).astype(np.uint32)
tifffile.imwrite("u32_labels.tif", u32)                                                 # 3 wide, 4 high
