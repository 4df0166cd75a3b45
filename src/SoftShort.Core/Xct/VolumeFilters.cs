using SoftShort.IO;

namespace SoftShort.Xct;

/// <summary>
/// Pre-filters applied slice by slice while a volume streams (only three input slices in memory): a 3×3×3 median
/// (removes noise and isolated hot/cold voxels, keeps edges; Huang/Tukey median filtering) and a separable 3D Gaussian.
/// Borders replicate the edge voxels.
/// </summary>
public static class VolumeFilters
{
    /// <summary>3×3×3 median filter as a streaming source.</summary>
    public static IVolumeSource Median3(IVolumeSource src) => new Filtered(src, 1, (slices, w, h, dst) =>
    {
        Parallel.For(0, h, () => new float[27], (y, _, buf) =>
        {
            for (int x = 0; x < w; x++)
            {
                int n = 0;
                foreach (var s in slices)
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        int yy = Math.Clamp(y + dy, 0, h - 1);
                        for (int dx = -1; dx <= 1; dx++) buf[n++] = s[yy * w + Math.Clamp(x + dx, 0, w - 1)];
                    }
                Array.Sort(buf);
                dst[y * w + x] = buf[13];
            }
            return buf;
        }, _ => { });
    });

    /// <summary>Separable Gaussian filter (σ in voxels, truncated at 3σ, at most 3 voxels) as a streaming source.</summary>
    public static IVolumeSource Gaussian(IVolumeSource src, double sigmaVoxels)
    {
        InputException.Require(double.IsFinite(sigmaVoxels) && sigmaVoxels > 0 && sigmaVoxels <= 1, "--gaussian", $"{sigmaVoxels}: σ must be in (0, 1] voxels");
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigmaVoxels));
        var k = Enumerable.Range(-r, 2 * r + 1).Select(i => Math.Exp(-i * i / (2 * sigmaVoxels * sigmaVoxels))).ToArray();
        double sum = k.Sum();
        var kf = k.Select(v => (float)(v / sum)).ToArray();
        return new Filtered(src, r, (slices, w, h, dst) =>
        {
            var tmpZ = new float[w * h];
            for (int i = 0; i < tmpZ.Length; i++) { float a = 0; for (int j = 0; j < kf.Length; j++) a += kf[j] * slices[j][i]; tmpZ[i] = a; }
            var tmpY = new float[w * h];
            Parallel.For(0, h, y =>
            {
                for (int x = 0; x < w; x++) { float a = 0; for (int j = -r; j <= r; j++) a += kf[j + r] * tmpZ[Math.Clamp(y + j, 0, h - 1) * w + x]; tmpY[y * w + x] = a; }
            });
            Parallel.For(0, h, y =>
            {
                for (int x = 0; x < w; x++) { float a = 0; for (int j = -r; j <= r; j++) a += kf[j + r] * tmpY[y * w + Math.Clamp(x + j, 0, w - 1)]; dst[y * w + x] = a; }
            });
        });
    }

    sealed class Filtered(IVolumeSource inner, int radius, Action<float[][], int, int, float[]> apply) : IVolumeSource
    {
        readonly Dictionary<int, float[]> _cache = [];
        public string Path => inner.Path;
        public int Depth => inner.Depth;
        public int Height => inner.Height;
        public int Width => inner.Width;
        public VolumeSpacing Spacing => inner.Spacing;

        float[] Raw(int z)
        {
            z = Math.Clamp(z, 0, Depth - 1);
            if (_cache.TryGetValue(z, out var s)) return s;
            s = new float[Width * Height];
            inner.ReadSlice(z, s);
            _cache[z] = s;
            foreach (int k in _cache.Keys.Where(k => Math.Abs(k - z) > 2 * radius + 1).ToList()) _cache.Remove(k);
            return s;
        }

        public void ReadSlice(int z, Span<float> dst)
        {
            var slices = Enumerable.Range(z - radius, 2 * radius + 1).Select(Raw).ToArray();
            var outp = new float[Width * Height];
            apply(slices, Width, Height, outp);
            outp.CopyTo(dst);
        }

        public void Dispose() => inner.Dispose();
    }
}
