#!/usr/bin/python3
"""Writes the HDF5 fixtures read by Hdf5VolumeTests.cs, with an independent writer (Debian python3-h5py / libhdf5).

Values follow v = z*1000 + y*10 + x (uint16), v = z*1000 + y*10 + x + 0.25 (float32); the C# test recomputes them.
  hdf5_uint16.h5      /volume             uint16 4x5x6, contiguous, no attributes (found by default)
  hdf5_group.h5       /calibration/dark         2D float64 (skipped by the default search)
                      /entry/data/stack   float32 3x4x7, chunked (1,4,7) + gzip, attribute element_size_um = (2.0, 0.5, 0.25)
  hdf5_2d.h5          /image              2D uint8 8x9 only (error case)
  hdf5_types.h5       /i16 (v - 2000), /u8 (v % 256), /i32, /u32, /f64 (v + 0.5): 2x3x4, little-endian;
                      /be16 (big-endian uint16): read as raw bytes and swapped; /i64 (int64): refused with a clear message
(more big-endian cases: make_hdf5_bigendian.py)
Run from this folder: /usr/bin/python3 make_hdf5_fixtures.py
"""
import h5py
import numpy as np


def ramp(d, h, w, dtype, offset=0.0):
    z, y, x = np.meshgrid(np.arange(d), np.arange(h), np.arange(w), indexing="ij")
    return (z * 1000 + y * 10 + x + offset).astype(dtype)


with h5py.File("hdf5_uint16.h5", "w", libver="earliest") as f:
    f.create_dataset("volume", data=ramp(4, 5, 6, np.uint16))

with h5py.File("hdf5_group.h5", "w") as f:
    f.create_dataset("calibration/dark", data=np.ones((2, 3), np.float64))
    ds = f.create_dataset("entry/data/stack", data=ramp(3, 4, 7, np.float32, 0.25), chunks=(1, 4, 7), compression="gzip", compression_opts=4)
    ds.attrs["element_size_um"] = np.array([2.0, 0.5, 0.25], np.float32)

with h5py.File("hdf5_2d.h5", "w") as f:
    f.create_dataset("image", data=np.arange(72, dtype=np.uint8).reshape(8, 9))

with h5py.File("hdf5_types.h5", "w") as f:
    v = ramp(2, 3, 4, np.int64)
    f.create_dataset("i16", data=(v - 2000).astype("<i2"))
    f.create_dataset("u8", data=(v % 256).astype("u1"))
    f.create_dataset("i32", data=v.astype("<i4"))
    f.create_dataset("u32", data=v.astype("<u4"))
    f.create_dataset("f64", data=v.astype("<f8") + 0.5)
    f.create_dataset("be16", data=v.astype(">u2"))
    f.create_dataset("i64", data=v.astype("<i8"))
