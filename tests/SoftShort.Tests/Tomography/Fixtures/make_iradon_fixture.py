"""Fixture for SoftShort.Tests.Tomography: scikit-image iradon on a small sinogram.
Run: /usr/bin/python3 make_iradon_fixture.py   (Debian python3-skimage 0.19.3, python3-tifffile)
Writes sino.tif (angles x bins, float32; radon of skimage's Shepp-Logan phantom resized to 65x65, 60 angles over 180 deg)
and iradon_<filter>.tif (65x65 float32, circle=True, linear interpolation) for the five filters."""
import numpy as np, tifffile
from skimage.data import shepp_logan_phantom
from skimage.transform import radon, iradon, resize

img = resize(shepp_logan_phantom(), (65, 65), anti_aliasing=True)
theta = np.linspace(0.0, 180.0, 60, endpoint=False)
sino = radon(img, theta=theta, circle=True)            # shape (bins, angles)
tifffile.imwrite("sino.tif", sino.T.astype(np.float32))
for f in ["ramp", "shepp-logan", "cosine", "hamming", "hann"]:
    rec = iradon(sino.astype(np.float32).astype(np.float64), theta=theta, filter_name=f, interpolation="linear", circle=True)
    tifffile.imwrite(f"iradon_{f}.tif", rec.astype(np.float32))
print("ok", sino.shape)
