#!/usr/bin/python3
"""Writes hdf5_byteorder.h5, read by Hdf5VolumeTests.cs: big-endian datasets and their little-endian twins, written by an
independent writer (Debian python3-h5py 3.7.0 / libhdf5 1.10.8). Values: v = z*1000 + y*10 + x (integers),
v + 0.25 (float32), v + 0.5 (float64), v - 2000 (int16), v * 1000 (int32); shape 5x6x7 [z, y, x].

  /u16_le /u16_be                    uint16, contiguous
  /f32_le /f32_be                    float32, contiguous
  /u16_be_chunked /f32_be_chunked    chunks (2, 3, 7), gzip level 4 + shuffle
  /f32_be_chunked_plain              chunks (1, 6, 4) (edge chunks partly outside), no filter
  /i16_be /i32_be /u32_be /f64_be    chunked (1, 6, 7) + gzip (no shuffle)
  /u16_be_lzf                        uint16, chunked + LZF (filter 32000): a filter the reader lacks -> refused, naming it
Run from this folder: /usr/bin/python3 make_hdf5_bigendian.py
"""
import h5py
import numpy as np

z, y, x = np.meshgrid(np.arange(5), np.arange(6), np.arange(7), indexing="ij")
v = (z * 1000 + y * 10 + x).astype(np.int64)

with h5py.File("hdf5_byteorder.h5", "w") as f:
    f.create_dataset("u16_le", data=v.astype("<u2"))
    f.create_dataset("u16_be", data=v.astype(">u2"))
    f.create_dataset("f32_le", data=(v + 0.25).astype("<f4"))
    f.create_dataset("f32_be", data=(v + 0.25).astype(">f4"))
    f.create_dataset("u16_be_chunked", data=v.astype(">u2"), chunks=(2, 3, 7), compression="gzip", compression_opts=4, shuffle=True)
    f.create_dataset("f32_be_chunked", data=(v + 0.25).astype(">f4"), chunks=(2, 3, 7), compression="gzip", compression_opts=4, shuffle=True)
    f.create_dataset("f32_be_chunked_plain", data=(v + 0.25).astype(">f4"), chunks=(1, 6, 4))
    f.create_dataset("i16_be", data=(v - 2000).astype(">i2"), chunks=(1, 6, 7), compression="gzip")
    f.create_dataset("i32_be", data=(v * 1000).astype(">i4"), chunks=(1, 6, 7), compression="gzip")
    f.create_dataset("u32_be", data=v.astype(">u4"), chunks=(1, 6, 7), compression="gzip")
    f.create_dataset("f64_be", data=(v + 0.5).astype(">f8"), chunks=(1, 6, 7), compression="gzip")
    f.create_dataset("u16_be_lzf", data=v.astype(">u2"), chunks=(1, 6, 7), compression="lzf")

with h5py.File("hdf5_byteorder.h5", "r") as f:
    for name, ds in f.items():
        assert ds.dtype.byteorder in (">", "<", "=", "|"), name
        print(f"{name:22s} {ds.dtype.str:5s} chunks={ds.chunks} compression={ds.compression} shuffle={ds.shuffle}")
