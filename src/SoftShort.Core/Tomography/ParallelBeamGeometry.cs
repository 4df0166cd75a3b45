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
        double reach = Math.Sqrt(2) * (imageSize - 1) / 2 + 2;
        int lo = (int)Math.Floor(centerPx - reach), hi = (int)Math.Ceiling(centerPx + reach);
        PadLeft = Math.Max(0, -lo) + 2;
        PaddedBins = PadLeft + Math.Max(detectorBins, hi + 1) + 2;
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

    internal void BackProjectPadded(float[] padded, float[] image, float scale, bool circleMask, int maxDegreeOfParallelism)
    {
        int n = ImageSize, angles = Angles, pb = PaddedBins;
        double ci = ImageCenter;
        float offset = (float)(CenterPx + PadLeft);
        var cos = Cos; var sin = Sin;
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
        {
            var acc = image.AsSpan(y * n, n);
            acc.Clear();
            ref float acc0 = ref MemoryMarshal.GetReference(acc);
            float yy = (float)(y - ci);
            float xc = (float)(-ci);
            for (int i = 0; i < angles; i++)
            {
                float c = cos[i], s = sin[i];
                float t0 = xc * c - yy * s + offset;
                ref float p = ref padded[i * pb];
                int xStart = Avx2.IsSupported ? BackProjectRowAvx2(ref p, ref acc0, n, t0, c) : 0;
                for (int x = xStart; x < n; x++)
                {
                    float t = t0 + x * c;
                    int k = (int)t;
                    float f = t - k;
                    float a = Unsafe.Add(ref p, k);
                    Unsafe.Add(ref acc0, x) += a + f * (Unsafe.Add(ref p, k + 1) - a);
                }
            }
            float r2 = (n / 2) * (n / 2); // scikit-image: radius = N // 2
            for (int x = 0; x < n; x++)
            {
                float xx = (float)(x - ci);
                acc[x] = circleMask && xx * xx + yy * yy > r2 ? 0 : acc[x] * scale;
            }
        });
    }

    /// <summary>
    /// AVX2 inner loop of the back-projection: 8 pixels per step, t = t0 + x·c computed fresh per vector (no drift),
    /// two gathers for the neighbouring bins. Returns the first x left for the scalar loop.
    /// </summary>
    static unsafe int BackProjectRowAvx2(ref float p, ref float acc0, int n, float t0, float c)
    {
        var lane = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
        var vc = Vector256.Create(c);
        var vt0 = Vector256.Create(t0);
        var one = Vector256.Create(1);
        int x = 0;
        fixed (float* basePtr = &p) // pins the projection array for the gathers
        {
            for (; x + 8 <= n; x += 8)
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
