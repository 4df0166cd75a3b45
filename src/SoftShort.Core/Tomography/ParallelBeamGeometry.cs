using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoftShort.Tomography;

/// <summary>
/// Parallel-beam scan geometry and its discrete projector pair.
/// <para><b>Convention</b> (identical to scikit-image's <c>radon</c>/<c>iradon</c>): the image is N×N, row-major [y, x],
/// y growing downwards, its centre at ((N−1)/2, (N−1)/2). A sinogram has one row per angle and one column per detector
/// bin (n bins); the rotation axis projects onto bin <see cref="CenterPx"/> (default (n−1)/2; scikit-image uses n//2, the
/// same for odd n). The ray of angle θ through bin j collects the pixels with
/// <c>(x − c_img)·cos θ − (y − c_img)·sin θ = j − CenterPx</c>, i.e. θ = 0 projects along the image columns (onto x),
/// and θ grows counter-clockwise in a y-up view (clockwise on screen).</para>
/// <para><see cref="BackProject"/> (interpolating linearly between bins) is the exact transpose of <see cref="Project"/>
/// (a pixel-driven projector splatting each pixel onto its two nearest bins), so SIRT and CGLS converge to least squares.</para>
/// </summary>
public sealed class ParallelBeamGeometry
{
    public IReadOnlyList<double> AnglesDeg { get; }
    public int DetectorBins { get; }
    /// <summary>Detector column (0-based, sub-pixel) onto which the rotation axis projects.</summary>
    public double CenterPx { get; }
    /// <summary>Side of the square reconstruction grid, pixels (default: the number of detector bins).</summary>
    public int ImageSize { get; }

    internal readonly float[] Cos, Sin;
    /// <summary>Zero guard bins left of bin 0 in padded projection rows, and the padded row length.</summary>
    internal readonly int PadLeft, PaddedBins;

    /// <param name="anglesDeg">Projection angles, degrees (one per sinogram row).</param>
    /// <param name="detectorBins">Detector bins per projection row.</param>
    /// <param name="centerPx">Rotation-axis column; NaN → (bins − 1)/2. Must lie on the detector.</param>
    /// <param name="imageSize">Reconstruction grid side; 0 → bins.</param>
    public ParallelBeamGeometry(IReadOnlyList<double> anglesDeg, int detectorBins, double centerPx = double.NaN, int imageSize = 0)
    {
        InputException.Require(anglesDeg.Count > 0, "--angles-deg", "no projection angles");
        InputException.Require(detectorBins >= 2, "sinogram", $"{detectorBins} detector bins; at least 2 needed");
        if (double.IsNaN(centerPx)) centerPx = (detectorBins - 1) / 2.0;
        InputException.Require(double.IsFinite(centerPx) && centerPx >= 0 && centerPx <= detectorBins - 1, "--center",
            $"{centerPx} lies outside the detector (columns 0 … {detectorBins - 1})");
        if (imageSize <= 0) imageSize = detectorBins;
        InputException.Require(imageSize <= 65536, "--size", $"{imageSize} pixels is too large");
        AnglesDeg = anglesDeg.ToArray(); DetectorBins = detectorBins; CenterPx = centerPx; ImageSize = imageSize;
        Cos = new float[anglesDeg.Count]; Sin = new float[anglesDeg.Count];
        for (int i = 0; i < anglesDeg.Count; i++)
        {
            InputException.Require(double.IsFinite(anglesDeg[i]), "--angles-deg", $"angle {i} is not finite");
            double r = anglesDeg[i] * Math.PI / 180;
            Cos[i] = (float)Math.Cos(r); Sin[i] = (float)Math.Sin(r);
        }
        // Farthest projected distance of a pixel centre from the axis, with room for the SIMD back-projection, which may run
        // up to 15 columns past the image edge (into a scratch margin) rather than finish a row with a scalar tail.
        double reach = Math.Sqrt(2) * ((imageSize - 1) / 2.0 + SimdOverrun) + 2;
        int lo = (int)Math.Floor(centerPx - reach), hi = (int)Math.Ceiling(centerPx + reach);
        PadLeft = Math.Max(0, -lo) + 2;
        // + 32 guard on the right: the AVX-512 back-projection loads 32 floats from the smallest bin of a 16-pixel step.
        PaddedBins = PadLeft + Math.Max(detectorBins, hi + 1) + 2 + 32;
    }

    public int Angles => Cos.Length;
    double ImageCenter => (ImageSize - 1) / 2.0;

    /// <summary>
    /// Copies sinogram rows into zero-guarded rows of length <see cref="PaddedBins"/> (bin j at PadLeft + j).
    /// </summary>
    internal float[] Pad(ReadOnlySpan<float> sinogram)
    {
        var p = new float[(long)Angles * PaddedBins];
        for (int i = 0; i < Angles; i++) sinogram.Slice(i * DetectorBins, DetectorBins).CopyTo(p.AsSpan(i * PaddedBins + PadLeft, DetectorBins));
        return p;
    }

    /// <summary>
    /// Back-projection Aᵀ: image[y, x] = scale · Σ_θ p_θ(t(x, y, θ)) with linear interpolation between bins (zero off the
    /// detector). Rows of the image are processed in parallel.
    /// </summary>
    /// <param name="sinogram">Angles × bins, row-major.</param>
    /// <param name="image">N×N output, overwritten.</param>
    /// <param name="scale">Factor applied to the sum (π/(2·angles) for FBP).</param>
    /// <param name="maxDegreeOfParallelism">Threads; −1 = all cores.</param>
    /// <param name="circleMask">Zero the pixels farther than N//2 from the centre (scikit-image's circle=True).</param>
    public void BackProject(ReadOnlySpan<float> sinogram, Span<float> image, float scale = 1, bool circleMask = false, int maxDegreeOfParallelism = -1)
    {
        CheckSizes(sinogram.Length, image.Length);
        var padded = Pad(sinogram);
        var output = new float[image.Length];
        BackProjectPadded(padded, output, scale, circleMask, maxDegreeOfParallelism);
        output.CopyTo(image);
    }

    /// <summary>Which inner loop <see cref="BackProjectPadded"/> runs (tests compare them; production uses <see cref="Auto"/>).</summary>
    internal enum Kernel { Auto, Scalar, Avx2Gather, Avx512Permute }

    /// <summary>Image rows per tile: a tile's accumulator rows (≤ 8 × N floats) stay in L1 while all angles sweep over them.</summary>
    const int TileRows = 8;

    /// <summary>
    /// Back-projection on padded rows (bin j at <see cref="PadLeft"/> + j, zero guards). Work is split into tiles of
    /// <see cref="TileRows"/> image rows run in parallel; inside a tile the angles are the outer loop, so the part of a
    /// projection row the tile needs is read from L1 by all its rows. With <paramref name="circleMask"/> only the pixels
    /// inside the reconstruction circle are computed (the others are zero), as their values would be discarded anyway.
    /// The SIMD kernels compute t = t₀ + x·cos θ per lane with the same float operations as the scalar loop and sum the
    /// angles in the same order, so every kernel gives the same image up to float rounding.
    /// </summary>
    internal void BackProjectPadded(float[] padded, float[] image, float scale, bool circleMask, int maxDegreeOfParallelism, Kernel kernel = Kernel.Auto)
    {
        int n = ImageSize, angles = Angles, pb = PaddedBins;
        double ci = ImageCenter;
        float offset = (float)(CenterPx + PadLeft);
        var cos = Cos; var sin = Sin;
        if (kernel == Kernel.Auto) kernel = Avx512F.IsSupported ? Kernel.Avx512Permute : Avx2.IsSupported ? Kernel.Avx2Gather : Kernel.Scalar;
        if (kernel == Kernel.Avx512Permute && !Avx512F.IsSupported || kernel == Kernel.Avx2Gather && !Avx2.IsSupported)
            throw new PlatformNotSupportedException($"{kernel} back-projection kernel");
        // Per row: the columns [xLo, xHi) to compute (all, or those inside the circle of radius N//2 as scikit-image).
        var xLo = new int[n]; var xHi = new int[n];
        float r2 = (n / 2) * (n / 2);
        for (int y = 0; y < n; y++)
        {
            if (!circleMask) { xLo[y] = 0; xHi[y] = n; continue; }
            float yy = (float)(y - ci);
            int lo = 0, hi = n;
            while (lo < n && Outside(lo, yy)) lo++;
            while (hi > lo && Outside(hi - 1, yy)) hi--;
            xLo[y] = lo; xHi[y] = hi;
        }
        bool Outside(int x, float yy) { float xx = (float)(x - ci); return xx * xx + yy * yy > r2; }
        int tiles = (n + TileRows - 1) / TileRows;
        int stride = n + SimdOverrun; // accumulator rows of a tile, with a scratch margin the SIMD loop may run into
        Parallel.For(0, tiles, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            () => new float[TileRows * stride],
            (tile, _, acc) =>
            {
                BackProjectTile(padded, pb, tile, n, ci, offset, cos, sin, xLo, xHi, acc, stride, kernel);
                int y0 = tile * TileRows, y1 = Math.Min(n, y0 + TileRows);
                for (int y = y0; y < y1; y++)
                {
                    var row = acc.AsSpan((y - y0) * stride, n);
                    var dst = image.AsSpan(y * n, n);
                    dst[..xLo[y]].Clear();
                    if (xHi[y] > xLo[y]) dst[xHi[y]..].Clear();
                    for (int x = xLo[y]; x < xHi[y]; x++) dst[x] = row[x] * scale;
                    if (xHi[y] <= xLo[y]) dst.Clear();
                }
                return acc;
            }, _ => { });
    }

    /// <summary>Columns the SIMD back-projection may compute past the last requested one (one AVX-512 vector − 1, rounded up).</summary>
    const int SimdOverrun = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BackProjectTile(float[] padded, int pb, int tile, int n, double ci, float offset, float[] cos, float[] sin,
        int[] xLo, int[] xHi, float[] acc, int stride, Kernel kernel)
    {
        int y0 = tile * TileRows, y1 = Math.Min(n, y0 + TileRows);
        Array.Clear(acc);
        float xc = (float)(-ci);
        for (int i = 0; i < cos.Length; i++)
        {
            float c = cos[i], s = sin[i];
            ref float p = ref padded[i * pb];
            for (int y = y0; y < y1; y++)
            {
                int x0 = xLo[y], x1 = xHi[y];
                if (x0 >= x1) continue;
                float t0 = xc * c - (float)(y - ci) * s + offset;
                ref float acc0 = ref acc[(y - y0) * stride];
                int x = kernel switch
                {
                    Kernel.Avx512Permute => BackProjectRowAvx512(ref p, ref acc0, x0, x1, t0, c),
                    Kernel.Avx2Gather => BackProjectRowAvx2(ref p, ref acc0, x0, x1, t0, c),
                    _ => x0,
                };
                for (; x < x1; x++)
                {
                    float t = t0 + x * c;
                    int k = (int)t;
                    float f = t - k;
                    float a = Unsafe.Add(ref p, k);
                    Unsafe.Add(ref acc0, x) += a + f * (Unsafe.Add(ref p, k + 1) - a);
                }
            }
        }
    }

    /// <summary>
    /// AVX-512 inner loop: 16 pixels per step without gathers. Along a row |Δt| ≤ 15 bins over 16 pixels, so all the
    /// bins the step needs lie in the 32 floats from the smallest bin k_min; two contiguous loads and two two-table
    /// permutes (vpermt2ps) fetch p[k] and p[k+1] for every lane. Returns the first x not done (≥ x1: the last step may
    /// run up to 15 columns past x1, into the margin of the accumulator row).
    /// </summary>
    static int BackProjectRowAvx512(ref float p, ref float acc0, int x0, int x1, float t0, float c)
    {
        var lane = Vector512.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f);
        var vc = Vector512.Create(c);
        var vt0 = Vector512.Create(t0);
        var one = Vector512.Create(1);
        int last = c < 0 ? 15 : 0; // the lane with the smallest t (t is monotone in x)
        int x = x0;
        for (; x < x1; x += 16) // may pass x1 by ≤ 15 columns: the caller's rows have that margin
        {
            var vx = lane + Vector512.Create((float)x);
            var t = vt0 + vx * vc;
            var k = Avx512F.ConvertToVector512Int32WithTruncation(t);
            var f = t - Avx512F.ConvertToVector512Single(k);
            int kMin = (int)(t0 + (x + last) * c); // the same float operations as lane 'last'
            var lo = Vector512.LoadUnsafe(ref p, (nuint)kMin);
            var hi = Vector512.LoadUnsafe(ref p, (nuint)(kMin + 16));
            var rel = k - Vector512.Create(kMin);
            var a = Avx512F.PermuteVar16x32x2(lo, rel, hi);
            var b = Avx512F.PermuteVar16x32x2(lo, rel + one, hi);
            ref float dst = ref Unsafe.Add(ref acc0, x);
            (Vector512.LoadUnsafe(ref dst) + (a + f * (b - a))).StoreUnsafe(ref dst);
        }
        return x;
    }

    /// <summary>
    /// AVX2 inner loop: 8 pixels per step, t = t0 + x·c computed fresh per vector (no drift),
    /// two gathers for the neighbouring bins. Returns the first x not done (≥ x1; up to 7 past it, into the row margin).
    /// </summary>
    static unsafe int BackProjectRowAvx2(ref float p, ref float acc0, int x0, int x1, float t0, float c)
    {
        var lane = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
        var vc = Vector256.Create(c);
        var vt0 = Vector256.Create(t0);
        var one = Vector256.Create(1);
        int x = x0;
        fixed (float* basePtr = &p) // pins the projection array for the gathers
        {
            for (; x < x1; x += 8) // may pass x1 by ≤ 7 columns: the caller's rows have that margin
            {
                var vx = Avx.Add(lane, Vector256.Create((float)x));
                var t = Avx.Add(vt0, Avx.Multiply(vx, vc));
                var k = Avx.ConvertToVector256Int32WithTruncation(t);
                var f = Avx.Subtract(t, Avx.ConvertToVector256Single(k));
                var a = Avx2.GatherVector256(basePtr, k, 4);
                var b = Avx2.GatherVector256(basePtr, Avx2.Add(k, one), 4);
                ref float dst = ref Unsafe.Add(ref acc0, x);
                var cur = Vector256.LoadUnsafe(ref dst);
                Avx.Add(cur, Avx.Add(a, Avx.Multiply(f, Avx.Subtract(b, a)))).StoreUnsafe(ref dst);
            }
        }
        return x;
    }

    /// <summary>
    /// Forward projection A (the transpose of <see cref="BackProject"/> with scale 1): each pixel value (a line density per
    /// pixel length) is split onto the two detector bins nearest its projected centre. Angles run in parallel.
    /// </summary>
    public void Project(ReadOnlySpan<float> image, Span<float> sinogram, int maxDegreeOfParallelism = -1)
    {
        CheckSizes(sinogram.Length, image.Length);
        var img = image.ToArray();
        var padded = new float[(long)Angles * PaddedBins];
        ProjectPadded(img, padded, maxDegreeOfParallelism);
        for (int i = 0; i < Angles; i++) padded.AsSpan(i * PaddedBins + PadLeft, DetectorBins).CopyTo(sinogram.Slice(i * DetectorBins, DetectorBins));
    }

    internal void ProjectPadded(float[] image, float[] padded, int maxDegreeOfParallelism)
    {
        int n = ImageSize, pb = PaddedBins;
        double ci = ImageCenter;
        float offset = (float)(CenterPx + PadLeft);
        var cos = Cos; var sin = Sin;
        Parallel.For(0, Angles, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            var row = padded.AsSpan(i * pb, pb);
            row.Clear();
            ref float p = ref MemoryMarshal.GetReference(row);
            float c = cos[i], s = sin[i];
            float xc = (float)(-ci);
            for (int y = 0; y < n; y++)
            {
                float yy = (float)(y - ci);
                float t0 = xc * c - yy * s + offset;
                ref float src = ref image[y * n];
                for (int x = 0; x < n; x++)
                {
                    float v = Unsafe.Add(ref src, x);
                    if (v == 0) continue;
                    float t = t0 + x * c;
                    int k = (int)t;
                    float f = t - k;
                    Unsafe.Add(ref p, k) += v - v * f;
                    Unsafe.Add(ref p, k + 1) += v * f;
                }
            }
        });
    }

    void CheckSizes(long sinogramLength, long imageLength)
    {
        if (sinogramLength != (long)Angles * DetectorBins) throw new ArgumentException($"sinogram holds {sinogramLength} values, {Angles}×{DetectorBins} expected");
        if (imageLength != (long)ImageSize * ImageSize) throw new ArgumentException($"image holds {imageLength} pixels, {ImageSize}² expected");
    }
}
