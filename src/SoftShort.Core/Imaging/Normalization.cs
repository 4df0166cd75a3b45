using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SoftShort.Imaging;

/// <summary>How gamma spots / saturated pixels are found.</summary>
public enum GammaFilterMode
{
    /// <summary>No filtering.</summary>
    None,
    /// <summary>Integer images only: pixels ≥ (dtype max − margin) are flagged (saturated by a gamma hit).</summary>
    Auto,
    /// <summary>
    /// Pixels above the median of their 8 neighbours + k·σ are flagged, σ the noise of that residual at the local level,
    /// estimated from the frame (<see cref="ResidualNoiseModel"/>).
    /// </summary>
    Outlier,
}

/// <summary>Options of <see cref="GammaFilter"/>.</summary>
public sealed record GammaFilterOptions
{
    public GammaFilterMode Mode { get; init; } = GammaFilterMode.Auto;
    /// <summary>Largest value of the image's integer sample type (65535 for uint16); required by <see cref="GammaFilterMode.Auto"/>, null for float images.</summary>
    public double? DtypeMax { get; init; } = 65535;
    /// <summary>Auto mode flags pixels ≥ DtypeMax − AutoMargin. Default 5 (ORNL imaging notebooks).</summary>
    public double AutoMargin { get; init; } = 5;
    /// <summary>
    /// Outlier mode: k in med₈ + k·σ(med₈), σ the standard deviation of the residual v − med₈ on noise at that level.
    /// Default 5: on Gaussian noise ≈ 2.9·10⁻⁷ of the pixels (1.6 per 2560×2160 frame) are flagged by chance; counting
    /// noise at a few tens of counts per pixel has a heavier upper tail (a few tens per frame).
    /// </summary>
    public double OutlierK { get; init; } = 5;
    /// <summary>Outlier mode: the residual noise model; null (default) = estimated from each frame by <see cref="ResidualNoiseModel.Estimate"/>.</summary>
    public ResidualNoiseModel? OutlierNoise { get; init; }

    /// <summary>Options for images of a TIFF sample type: integer types get their max, float types none (Auto is then refused).</summary>
    public static GammaFilterOptions For(GammaFilterMode mode, IO.TiffSampleType type) => new()
    {
        Mode = mode,
        DtypeMax = type switch
        {
            IO.TiffSampleType.UInt8 => byte.MaxValue,
            IO.TiffSampleType.UInt16 => ushort.MaxValue,
            IO.TiffSampleType.Int16 => short.MaxValue,
            IO.TiffSampleType.UInt32 => uint.MaxValue,
            IO.TiffSampleType.Int32 => int.MaxValue,
            _ => null,
        },
    };

    public static GammaFilterMode ParseMode(string s) => s.ToLowerInvariant() switch
    {
        "auto" => GammaFilterMode.Auto,
        "outlier" => GammaFilterMode.Outlier,
        "none" => GammaFilterMode.None,
        _ => throw new InputException("--gamma", $"'{s}' is not one of auto, outlier, none"),
    };
}

/// <summary>
/// Gamma-spot (saturated / isolated bright pixel) filter for raw neutron radiographs, applied alike to sample, open-beam
/// and dark-field frames before normalisation (as the ORNL imaging notebooks do, paper Experimental section):
/// flagged pixels are replaced by the median of their unflagged 8-neighbours (NaN when none is unflagged).
/// </summary>
public static class GammaFilter
{
    /// <summary>Filters <paramref name="image"/> in place; returns the number of flagged pixels.</summary>
    public static int Apply(Image2D<float> image, GammaFilterOptions options) => Apply(image.Pixels, image.Width, image.Height, options);

    /// <summary>Filters a row-major <paramref name="width"/>×<paramref name="height"/> image in place; returns the number of flagged pixels.</summary>
    /// <remarks>
    /// Auto mode is a SIMD compare scan. Outlier mode estimates the frame's residual noise model (unless given), screens
    /// every interior pixel with SIMD in float (a lower bound from the minimum of the 8 neighbours, then their median by a
    /// sorting network, a relative safety margin of 1e-4) and runs the exact double-precision test only on the few
    /// candidates, so the flags equal those of the plain per-pixel test. Replacement values come from
    /// the original values of unflagged neighbours. Uses all cores; allocates only the list of flagged pixels.
    /// </remarks>
    public static int Apply(float[] pixels, int width, int height, GammaFilterOptions options)
    {
        if (pixels.Length != (long)width * height) throw new ArgumentException($"buffer holds {pixels.Length} pixels, {width}×{height} expected");
        Validate(options);
        if (options.Mode == GammaFilterMode.None) return 0;
        int[] flagged = options.Mode == GammaFilterMode.Auto
            ? FindAtLeast(pixels, (float)(options.DtypeMax!.Value - options.AutoMargin))
            : FindOutliers(pixels, width, height, options.OutlierK, options.OutlierNoise ?? ResidualNoiseModel.Estimate(pixels, width, height));
        ReplaceFlagged(pixels, width, height, flagged);
        return flagged.Length;
    }

    const int BandPixels = 1 << 16;

    /// <summary>Sorted indices of the pixels ≥ <paramref name="threshold"/> (NaN never), by a parallel SIMD scan.</summary>
    internal static int[] FindAtLeast(float[] pixels, float threshold) => ScanBands(pixels.Length, (start, end) =>
    {
        ref float p0 = ref MemoryMarshal.GetArrayDataReference(pixels);
        var t = Vector256.Create(threshold);
        int i = start;
        List<int>? list = null;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= end; i += 8)
                AddLanes(ref list, i, Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref p0, (nuint)i), t).ExtractMostSignificantBits());
        for (; i < end; i++) if (pixels[i] >= threshold) (list ??= []).Add(i);
        return list;
    });

    /// <summary>
    /// Runs <paramref name="scanBand"/> over bands of <see cref="BandPixels"/> pixels on all cores and concatenates the
    /// indices each band found, in band order (so sorted when each band's are).
    /// </summary>
    static int[] ScanBands(int n, Func<int, int, List<int>?> scanBand)
    {
        int bands = (n + BandPixels - 1) / BandPixels;
        var found = new List<int>?[bands];
        Parallel.For(0, bands, band =>
        {
            int start = band * BandPixels;
            found[band] = scanBand(start, Math.Min(n, start + BandPixels));
        });
        return Concat(found);
    }

    /// <summary>Adds <paramref name="first"/> + the index of each set bit of <paramref name="mask"/>, in ascending order.</summary>
    static void AddLanes(ref List<int>? list, int first, uint mask)
    {
        while (mask != 0)
        {
            (list ??= []).Add(first + System.Numerics.BitOperations.TrailingZeroCount(mask));
            mask &= mask - 1;
        }
    }

    static int[] Concat(List<int>?[] parts)
    {
        int total = 0;
        foreach (var l in parts) total += l?.Count ?? 0;
        var r = new int[total];
        int o = 0;
        foreach (var l in parts) if (l is not null) { l.CopyTo(r, o); o += l.Count; }
        return r;
    }

    /// <summary>
    /// Outlier mode without replacement: sorted indices of the pixels above the median of their valid 8-neighbours +
    /// k·σ(median), σ the residual noise of <paramref name="noise"/> (e.g. <see cref="ResidualNoiseModel.Estimate"/>).
    /// </summary>
    public static int[] FindOutliers(float[] pixels, int width, int height, double k, ResidualNoiseModel noise)
    {
        var found = new List<int>?[height];
        var screen = new OutlierScreen(noise, k);
        Parallel.For(0, height, y =>
        {
            List<int>? list = null;
            bool interior = y > 0 && y < height - 1 && width >= 3;
            int x = 0;
            if (interior && Vector256.IsHardwareAccelerated)
            {
                if (ExactOutlier(pixels, width, height, 0, y, k, noise)) (list ??= []).Add(y * width);
                x = 1;
                uint mask;
                for (; x + 9 <= width; x += 8)
                    if ((mask = screen.Screen(pixels, width, y * width + x)) != 0)
                        while (mask != 0)
                        {
                            int lane = System.Numerics.BitOperations.TrailingZeroCount(mask);
                            if (ExactOutlier(pixels, width, height, x + lane, y, k, noise)) (list ??= []).Add(y * width + x + lane);
                            mask &= mask - 1;
                        }
            }
            for (; x < width; x++)
                if (ExactOutlier(pixels, width, height, x, y, k, noise)) (list ??= []).Add(y * width + x);
            found[y] = list;
        });
        return Concat(found);
    }

    /// <summary>
    /// SIMD screen of 8 interior pixels for the outlier test v &gt; med + k·σ(med), in float with a relative margin of 1e-4,
    /// never missing a pixel that <see cref="ExactOutlier"/> flags. Because σ(m) does not decrease with m (B ≥ 0, clamped
    /// levels), med ≥ min₈ gives med + k·σ(med) ≥ min₈ + k·σ(min₈): vectors whose pixels all lie below that cheap bound
    /// (almost all of them on noise) stop after 7 minima and one square root; the others get the median of 8 by a sorting
    /// network. A lane is set when the pixel may be an outlier or a neighbour is NaN; NaN pixels are never set.
    /// </summary>
    readonly struct OutlierScreen(ResidualNoiseModel noise, double k)
    {
        readonly Vector256<float> _a = Vector256.Create((float)noise.A), _b = Vector256.Create((float)noise.B), _k = Vector256.Create((float)k),
            _lo = Vector256.Create(ClampToFloat(noise.MinLevel)), _hi = Vector256.Create(ClampToFloat(noise.MaxLevel)),
            // float rounding of A + B·m (≈ 1e-7 of |A| + |B·m|) matters only where it cancels, B·m ≈ −A (B ≥ 0): there it moves
            // σ by at most √(1e-7·2|A|); elsewhere σ's relative error is ~1e-7, inside the relative margin
            _rootMargin = Vector256.Create((float)(k * 1e-3 * Math.Sqrt(2 * Math.Abs(noise.A))));

        static float ClampToFloat(double v) => (float)Math.Clamp(v, float.MinValue, float.MaxValue);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        Vector256<float> Bound(Vector256<float> level)
        {
            var m = Vector256.Min(Vector256.Max(level, _lo), _hi);
            var s = Vector256.Sqrt(Vector256.Max(_a + _b * m, Vector256<float>.Zero));
            // float rounding: ~1e-7 relative on level + k·s, and the root margin; both covered many times over
            var margin = (Vector256.Abs(level) + _k * s) * 1e-4f + _rootMargin;
            return level + _k * s - margin;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Screen(float[] p, int w, int i)
        {
            ref float r = ref MemoryMarshal.GetArrayDataReference(p);
            nuint up = (nuint)(i - w), mid = (nuint)i, dn = (nuint)(i + w);
            var a0 = Vector256.LoadUnsafe(ref r, up - 1); var a1 = Vector256.LoadUnsafe(ref r, up); var a2 = Vector256.LoadUnsafe(ref r, up + 1);
            var a3 = Vector256.LoadUnsafe(ref r, mid - 1); var v = Vector256.LoadUnsafe(ref r, mid); var a4 = Vector256.LoadUnsafe(ref r, mid + 1);
            var a5 = Vector256.LoadUnsafe(ref r, dn - 1); var a6 = Vector256.LoadUnsafe(ref r, dn); var a7 = Vector256.LoadUnsafe(ref r, dn + 1);
            var ok = Vector256.Equals(a0, a0) & Vector256.Equals(a1, a1) & Vector256.Equals(a2, a2) & Vector256.Equals(a3, a3)
                   & Vector256.Equals(a4, a4) & Vector256.Equals(a5, a5) & Vector256.Equals(a6, a6) & Vector256.Equals(a7, a7);
            var valid = Vector256.Equals(v, v);
            var min8 = Vector256.Min(Vector256.Min(Vector256.Min(a0, a1), Vector256.Min(a2, a3)), Vector256.Min(Vector256.Min(a4, a5), Vector256.Min(a6, a7)));
            if (((Vector256.GreaterThan(v, Bound(min8)) | ~ok) & valid) == Vector256<float>.Zero) return 0;
            var med = Median8(a0, a1, a2, a3, a4, a5, a6, a7);
            return ((Vector256.GreaterThan(v, Bound(med)) | ~ok) & valid).ExtractMostSignificantBits();
        }
    }

    /// <summary>Per-lane median of 8 vectors (mean of the middle two) by a 19-comparator sorting network (Knuth, TAOCP 5.3.4); no NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Median8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
                                             Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        Cx(ref a0, ref a2); Cx(ref a1, ref a3); Cx(ref a4, ref a6); Cx(ref a5, ref a7);
        Cx(ref a0, ref a4); Cx(ref a1, ref a5); Cx(ref a2, ref a6); Cx(ref a3, ref a7);
        Cx(ref a0, ref a1); Cx(ref a2, ref a3); Cx(ref a4, ref a5); Cx(ref a6, ref a7);
        Cx(ref a2, ref a4); Cx(ref a3, ref a5);
        Cx(ref a1, ref a4); Cx(ref a3, ref a6);
        Cx(ref a3, ref a4);
        return (a3 + a4) * 0.5f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Cx(ref Vector256<float> a, ref Vector256<float> b)
    {
        var x = a;
        a = Vector256.MinNative(x, b);
        b = Vector256.MaxNative(x, b);
    }

    /// <summary>The exact outlier test of one pixel (double precision; the reference semantics): v &gt; med + k·σ(med).</summary>
    static bool ExactOutlier(float[] pixels, int width, int height, int x, int y, double k, in ResidualNoiseModel noise)
    {
        float v = pixels[y * width + x];
        if (float.IsNaN(v)) return false;
        Span<float> nb = stackalloc float[8];
        int m = Neighbours(pixels, width, height, x, y, nb, null);
        if (m == 0) return false;
        double med = StackMedian.MedianInPlace(nb[..m]);
        return v > med + k * noise.Sigma(med);
    }

    /// <summary>Sorted indices of the uint16 pixels whose float value is ≥ <paramref name="threshold"/> (the same test as on the widened frame).</summary>
    internal static int[] FindAtLeast(ushort[] pixels, float threshold) => ScanBands(pixels.Length, (start, end) =>
    {
        ref ushort p0 = ref MemoryMarshal.GetArrayDataReference(pixels);
        var t = Vector256.Create(threshold);
        int i = start;
        List<int>? list = null;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 16 <= end; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref p0, (nuint)i));
                AddLanes(ref list, i, Vector256.GreaterThanOrEqual(Vector256.ConvertToSingle(lo.AsInt32()), t).ExtractMostSignificantBits()
                                    | Vector256.GreaterThanOrEqual(Vector256.ConvertToSingle(hi.AsInt32()), t).ExtractMostSignificantBits() << 8);
            }
        for (; i < end; i++) if (pixels[i] >= threshold) (list ??= []).Add(i);
        return list;
    });

    /// <summary>
    /// For each flagged pixel (sorted indices), the median of its unflagged, non-NaN 8-neighbours' original values
    /// (float frames, or uint16 counts before widening: the same values either way).
    /// </summary>
    internal static float[] ReplacementValues<T>(T[] pixels, int width, int height, int[] flagged) where T : unmanaged, INumberBase<T>
    {
        var values = new float[flagged.Length];
        Span<float> buf = stackalloc float[8];
        for (int f = 0; f < flagged.Length; f++)
        {
            int i = flagged[f], x = i % width, y = i / width, m = 0;
            for (int dy = -1; dy <= 1; dy++)
            {
                int yy = y + dy;
                if ((uint)yy >= (uint)height) continue;
                for (int dx = -1; dx <= 1; dx++)
                {
                    int xx = x + dx;
                    if ((dx == 0 && dy == 0) || (uint)xx >= (uint)width) continue;
                    int j = yy * width + xx;
                    float v = float.CreateTruncating(pixels[j]);
                    if (float.IsNaN(v) || Array.BinarySearch(flagged, j) >= 0) continue;
                    buf[m++] = v;
                }
            }
            values[f] = StackMedian.MedianInPlace(buf[..m]);
        }
        return values;
    }

    /// <summary>Throws for options that <see cref="Apply(float[], int, int, GammaFilterOptions)"/> refuses.</summary>
    internal static void Validate(GammaFilterOptions options)
    {
        if (options.Mode == GammaFilterMode.None) return;
        if (options.Mode == GammaFilterMode.Auto && options.DtypeMax is null)
            throw new InputException("--gamma auto", "needs an integer image (uint8/16/32); use --gamma outlier for float images");
        InputException.Require(options.OutlierK > 0, "outlier k", $"must be positive, got {options.OutlierK}");
        if (options.OutlierNoise is { } nm)
            InputException.Require(double.IsFinite(nm.A) && double.IsFinite(nm.B) && nm.B >= 0 && !(nm.MinLevel > nm.MaxLevel), "outlier noise model",
                $"needs finite A, B ≥ 0 and MinLevel ≤ MaxLevel, got {nm}");
    }

    /// <summary>Replaces each flagged pixel (sorted indices) by the median of its valid unflagged 8-neighbours' original values.</summary>
    internal static void ReplaceFlagged(float[] pixels, int width, int height, int[] flagged)
    {
        if (flagged.Length == 0) return;
        var values = ReplacementValues(pixels, width, height, flagged);
        for (int f = 0; f < flagged.Length; f++) pixels[flagged[f]] = values[f];
    }

    /// <summary>The straightforward per-pixel implementation that <see cref="Apply(float[], int, int, GammaFilterOptions)"/> must equal (kept for tests).</summary>
    internal static int ApplyReference(float[] pixels, int width, int height, GammaFilterOptions options)
    {
        if (pixels.Length != (long)width * height) throw new ArgumentException($"buffer holds {pixels.Length} pixels, {width}×{height} expected");
        Validate(options);
        if (options.Mode == GammaFilterMode.None) return 0;
        var flags = new byte[pixels.Length];
        int count = 0;
        if (options.Mode == GammaFilterMode.Auto)
        {
            float thr = (float)(options.DtypeMax!.Value - options.AutoMargin);
            for (int i = 0; i < pixels.Length; i++)
                if (pixels[i] >= thr) { flags[i] = 1; count++; }
        }
        else
        {
            double k = options.OutlierK;
            var noise = options.OutlierNoise ?? ResidualNoiseModel.Estimate(pixels, width, height);
            Parallel.For(0, height, () => 0, (y, _, local) =>
            {
                Span<float> nb = stackalloc float[8];
                for (int x = 0; x < width; x++)
                {
                    float v = pixels[y * width + x];
                    if (float.IsNaN(v)) continue;
                    int m = Neighbours(pixels, width, height, x, y, nb, null);
                    if (m == 0) continue;
                    double med = StackMedian.MedianInPlace(nb[..m]);
                    if (v > med + k * noise.Sigma(med)) { flags[y * width + x] = 1; local++; }
                }
                return local;
            }, c => Interlocked.Add(ref count, c));
        }
        if (count == 0) return 0;
        // replace from the original values of unflagged neighbours (collect first, then write)
        var fixes = new List<(int Index, float Value)>(count);
        Span<float> buf = stackalloc float[8];
        for (int i = 0; i < pixels.Length; i++)
        {
            if (flags[i] == 0) continue;
            int m = Neighbours(pixels, width, height, i % width, i / width, buf, flags);
            fixes.Add((i, StackMedian.MedianInPlace(buf[..m])));
        }
        foreach (var (i, v) in fixes) pixels[i] = v;
        return count;
    }

    /// <summary>Collects the valid (non-NaN, unflagged when <paramref name="flags"/> given) 8-neighbours of (x, y).</summary>
    static int Neighbours(float[] p, int w, int h, int x, int y, Span<float> nb, byte[]? flags)
    {
        int m = 0;
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if ((uint)yy >= (uint)h) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx;
                if ((dx == 0 && dy == 0) || (uint)xx >= (uint)w) continue;
                int j = yy * w + xx;
                float v = p[j];
                if (float.IsNaN(v) || (flags is not null && flags[j] != 0)) continue;
                nb[m++] = v;
            }
        }
        return m;
    }
}

/// <summary>How several open-beam or dark-field frames are combined into one.</summary>
public enum FrameCombine { Mean, Median }

/// <summary>What a pixel becomes where OB − DF ≤ 0 (no beam to normalise by).</summary>
public enum InvalidPixelPolicy { NaN, Zero }

/// <summary>A rectangle <c>x0,y0,x1,y1</c> in pixels, bounds inclusive (CONVENTIONS.md, as NeuNorm).</summary>
public readonly record struct PixelRegion(int X0, int Y0, int X1, int Y1)
{
    public int Width => X1 - X0 + 1;
    public int Height => Y1 - Y0 + 1;

    /// <summary>Parses "x0,y0,x1,y1"; <paramref name="option"/> names the option in errors.</summary>
    public static PixelRegion Parse(string text, string option = "--roi")
    {
        var parts = text.Split(',');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            throw new InputException(option, $"'{text}' is not x0,y0,x1,y1 (four integers)");
        var v = parts.Select(p => int.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
        if (v[2] < v[0] || v[3] < v[1] || v[0] < 0 || v[1] < 0) throw new InputException(option, $"'{text}': need 0 ≤ x0 ≤ x1 and 0 ≤ y0 ≤ y1");
        return new PixelRegion(v[0], v[1], v[2], v[3]);
    }

    /// <summary>Throws when the region does not fit in a width×height image.</summary>
    public void RequireInside(int width, int height, string option = "--roi")
    {
        if (X1 >= width || Y1 >= height) throw new InputException(option, $"{this} lies outside the {width}×{height} image");
    }

    public override string ToString() => $"{X0},{Y0},{X1},{Y1}";
}

/// <summary>Options of <see cref="Normalizer"/>.</summary>
public sealed record NormalizationOptions
{
    /// <summary>Pixels where OB − DF ≤ 0 become NaN (default) or 0; they are counted either way.</summary>
    public InvalidPixelPolicy InvalidPixels { get; init; } = InvalidPixelPolicy.NaN;
    /// <summary>
    /// Beam-fluctuation regions outside the cell. When given, after DF subtraction the sample and the combined OB are each
    /// divided by their mean over the union of these regions (pixels counted once). Empty = no ROI correction.
    /// </summary>
    public IReadOnlyList<PixelRegion> BeamRegions { get; init; } = [];
}

/// <summary>Result of normalising one frame.</summary>
/// <param name="InvalidPixels">Pixels where OB − DF ≤ 0 (or non-finite), set per <see cref="InvalidPixelPolicy"/>.</param>
/// <param name="BeamScale">The factor applied for the ROI beam correction, mean_ROI(OB−DF) / mean_ROI(I−DF); 1 without ROI.</param>
public readonly record struct NormalizationResult(long InvalidPixels, double BeamScale);

/// <summary>
/// Transmission normalisation of neutron radiographs, paper Eq. 1: I_N = (I − DF) / (OB − DF), with the DF and OB
/// stacks combined first (DF by mean, OB by median: <see cref="Combine"/>), and the optional ROI beam-fluctuation
/// correction I_N = [(I − DF)/⟨I − DF⟩_ROI] / [(OB − DF)/⟨OB − DF⟩_ROI]. Pixels where OB − DF ≤ 0 are never divided silently.
/// Reference: Cao et al., Adv. Funct. Mater. 2023, Eq. 1; J.-C. Bilheux et al., NeuNorm (ORNL, 2018).
/// </summary>
public sealed class Normalizer
{
    readonly float[] _df, _invObMinusDf;
    readonly bool[] _roiMask;
    readonly (int Start, int Length)[] _roiSpans;
    readonly long _roiCount;
    readonly double _obRoiMean;

    /// <summary>Prepares normalisation by a combined open beam and dark field of equal size.</summary>
    /// <param name="openBeam">Combined OB (e.g. <see cref="Combine"/> with <see cref="FrameCombine.Median"/>).</param>
    /// <param name="darkField">Combined DF (e.g. <see cref="Combine"/> with <see cref="FrameCombine.Mean"/>).</param>
    /// <param name="options">Invalid-pixel policy and beam regions; defaults when null.</param>
    public Normalizer(Image2D<float> openBeam, Image2D<float> darkField, NormalizationOptions? options = null)
    {
        Options = options ?? new NormalizationOptions();
        if (!openBeam.SameShape(darkField))
            throw new InputException("--df", $"dark field is {darkField.Width}×{darkField.Height}, open beam is {openBeam.Width}×{openBeam.Height}");
        Width = openBeam.Width; Height = openBeam.Height;
        int n = openBeam.Pixels.Length;
        _df = (float[])darkField.Pixels.Clone();
        _invObMinusDf = new float[n];
        long invalid = 0;
        for (int i = 0; i < n; i++)
        {
            float d = openBeam.Pixels[i] - _df[i];
            if (d > 0 && float.IsFinite(d)) _invObMinusDf[i] = 1f / d;
            else { _invObMinusDf[i] = float.NaN; invalid++; }
        }
        InvalidBeamPixels = invalid;
        if (invalid == n) throw new InputException("--ob", "open beam minus dark field is ≤ 0 everywhere (all-zero or dark open beam?)");
        _roiMask = new bool[Options.BeamRegions.Count > 0 ? n : 0];
        foreach (var r in Options.BeamRegions)
        {
            r.RequireInside(Width, Height);
            for (int y = r.Y0; y <= r.Y1; y++)
                for (int x = r.X0; x <= r.X1; x++) _roiMask[y * Width + x] = true;
        }
        if (_roiMask.Length > 0)
        {
            double s = 0; long c = 0;
            for (int i = 0; i < n; i++)
                if (_roiMask[i] && !float.IsNaN(_invObMinusDf[i])) { s += openBeam.Pixels[i] - _df[i]; c++; }
            if (c == 0) throw new InputException("--roi", "no pixel with open beam above dark field inside the beam regions");
            _roiCount = c; _obRoiMean = s / c;
        }
        _roiSpans = RoiSpans(_roiMask, _invObMinusDf, Width, Height);
    }

    /// <summary>Runs of valid ROI pixels in row-major order (the order of the reference sum, so the sum is the same double).</summary>
    static (int, int)[] RoiSpans(bool[] mask, float[] inv, int width, int height)
    {
        var spans = new List<(int, int)>();
        if (mask.Length == 0) return [];
        for (int y = 0; y < height; y++)
        {
            int o = y * width;
            for (int x = 0; x < width;)
            {
                if (!mask[o + x] || float.IsNaN(inv[o + x])) { x++; continue; }
                int x0 = x;
                while (x < width && mask[o + x] && !float.IsNaN(inv[o + x])) x++;
                spans.Add((o + x0, x - x0));
            }
        }
        return spans.ToArray();
    }

    public int Width { get; }
    public int Height { get; }
    public NormalizationOptions Options { get; }
    /// <summary>Pixels where the combined OB − DF ≤ 0: invalid in every normalised frame.</summary>
    public long InvalidBeamPixels { get; }

    /// <summary>Combines frames per pixel (NaN ignored): DF frames by mean, OB frames by median in the paper's pipeline.</summary>
    public static Image2D<float> Combine(IReadOnlyList<Image2D<float>> frames, FrameCombine method, string what = "frames")
    {
        if (frames.Count == 0) throw new InputException(what, "no frames to combine");
        var first = frames[0];
        foreach (var f in frames)
            if (!f.SameShape(first)) throw new InputException(what, $"frames differ in size: {f.Width}×{f.Height} and {first.Width}×{first.Height}");
        var dst = new Image2D<float>(first.Width, first.Height) { PixelSizeXUm = first.PixelSizeXUm, PixelSizeYUm = first.PixelSizeYUm };
        var arrays = frames.Select(f => f.Pixels).ToArray();
        if (method == FrameCombine.Median) StackMedian.Median(arrays, dst.Pixels, first.Width, first.Height);
        else StackMedian.Mean(arrays, dst.Pixels, first.Width, first.Height);
        return dst;
    }

    /// <summary>Normalises one frame into a new image.</summary>
    public Image2D<float> Normalize(Image2D<float> sample, out NormalizationResult result, string what = "sample")
    {
        if (sample.Width != Width || sample.Height != Height)
            throw new InputException(what, $"is {sample.Width}×{sample.Height}, open beam/dark field are {Width}×{Height}");
        var dst = new Image2D<float>(Width, Height) { PixelSizeXUm = sample.PixelSizeXUm, PixelSizeYUm = sample.PixelSizeYUm };
        result = Normalize(sample.Pixels, dst.Pixels);
        return dst;
    }

    /// <summary>Normalises one frame (Width·Height values) into <paramref name="destination"/> (may be the same array).</summary>
    /// <remarks>
    /// SIMD over pixel bands on all cores: d = (I − DF)·(1/(OB − DF))·s, the ROI beam factor s folded in per frame; the
    /// reciprocal is NaN where OB − DF ≤ 0, so those pixels come out NaN (or are selected to 0) without a branch and their
    /// count is the one fixed when the normaliser was built. Equal, bit for bit, to the per-pixel formula.
    /// </remarks>
    public NormalizationResult Normalize(float[] sample, float[] destination)
    {
        int n = _df.Length;
        if (sample.Length != n || destination.Length != n) throw new ArgumentException($"frames must hold {n} pixels");
        double scale = BeamScale(sample);
        bool zero = Options.InvalidPixels == InvalidPixelPolicy.Zero;
        float fs = (float)scale;
        int bands = (n + NormBandPixels - 1) / NormBandPixels;
        Parallel.For(0, bands, band =>
        {
            int start = band * NormBandPixels, end = Math.Min(n, start + NormBandPixels);
            NormalizeSpan(sample, destination, start, end, fs, zero);
        });
        return new NormalizationResult(InvalidBeamPixels, scale);
    }

    const int NormBandPixels = 1 << 16;

    /// <summary>
    /// Gamma filter and normalisation of one raw uint16 frame (camera counts) in one pass: equal, bit for bit, to widening it
    /// to float, <see cref="GammaFilter.Apply(float[], int, int, GammaFilterOptions)"/> and <see cref="Normalize(float[], float[])"/>,
    /// but reading 2 bytes per pixel instead of writing and re-reading 4. Auto mode scans the uint16 data; flagged pixels get
    /// their replacement (median of unflagged neighbours) normalised after the pass; the ROI beam factor uses the replaced
    /// values. Outlier mode needs float neighbourhoods: it widens first and runs the float path.
    /// </summary>
    /// <param name="raw">Width·Height uint16 counts (left unchanged).</param>
    /// <param name="destination">Width·Height normalised values.</param>
    /// <param name="gamma">Gamma filter options (auto: DtypeMax 65535 for uint16).</param>
    /// <param name="gammaPixels">Pixels flagged and replaced.</param>
    public NormalizationResult NormalizeRaw(ushort[] raw, float[] destination, GammaFilterOptions gamma, out int gammaPixels)
    {
        int n = _df.Length;
        if (raw.Length != n || destination.Length != n) throw new ArgumentException($"frames must hold {n} pixels");
        GammaFilter.Validate(gamma);
        if (gamma.Mode == GammaFilterMode.Outlier)
        {
            IO.Tiff.WidenUInt16(raw, destination);
            gammaPixels = GammaFilter.Apply(destination, Width, Height, gamma);
            return Normalize(destination, destination);
        }
        int[] flagged = gamma.Mode == GammaFilterMode.Auto ? GammaFilter.FindAtLeast(raw, (float)(gamma.DtypeMax!.Value - gamma.AutoMargin)) : [];
        float[] fix = flagged.Length > 0 ? GammaFilter.ReplacementValues(raw, Width, Height, flagged) : [];
        double scale = 1;
        if (_roiMask.Length > 0)
        {
            double sum = 0;
            int k = 0;
            foreach (var (start, length) in _roiSpans)
                for (int i = start; i < start + length; i++)
                {
                    while (k < flagged.Length && flagged[k] < i) k++;
                    float v = k < flagged.Length && flagged[k] == i ? fix[k] : raw[i];
                    sum += v - _df[i];
                }
            double sampleMean = sum / _roiCount;
            if (!(sampleMean > 0)) throw new InputException("--roi", $"sample mean minus dark field over the beam regions is {sampleMean:G4} (≤ 0): the regions must see the open beam");
            scale = _obRoiMean / sampleMean;
        }
        bool zero = Options.InvalidPixels == InvalidPixelPolicy.Zero;
        float fs = (float)scale;
        int bands = (n + NormBandPixels - 1) / NormBandPixels;
        Parallel.For(0, bands, band =>
        {
            int start = band * NormBandPixels, end = Math.Min(n, start + NormBandPixels);
            ref ushort s0 = ref MemoryMarshal.GetArrayDataReference(raw);
            ref float d0 = ref MemoryMarshal.GetArrayDataReference(_df);
            ref float v0 = ref MemoryMarshal.GetArrayDataReference(_invObMinusDf);
            ref float o0 = ref MemoryMarshal.GetArrayDataReference(destination);
            int i = start;
            if (Vector256.IsHardwareAccelerated)
            {
                var f = Vector256.Create(fs);
                for (; i + 16 <= end; i += 16)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s0, (nuint)i));
                    var inv0 = Vector256.LoadUnsafe(ref v0, (nuint)i);
                    var inv1 = Vector256.LoadUnsafe(ref v0, (nuint)(i + 8));
                    var r0 = (Vector256.ConvertToSingle(lo.AsInt32()) - Vector256.LoadUnsafe(ref d0, (nuint)i)) * inv0 * f;
                    var r1 = (Vector256.ConvertToSingle(hi.AsInt32()) - Vector256.LoadUnsafe(ref d0, (nuint)(i + 8))) * inv1 * f;
                    if (zero) { r0 &= Vector256.Equals(inv0, inv0); r1 &= Vector256.Equals(inv1, inv1); }
                    r0.StoreUnsafe(ref o0, (nuint)i);
                    r1.StoreUnsafe(ref o0, (nuint)(i + 8));
                }
            }
            float fill = zero ? 0f : float.NaN;
            for (; i < end; i++)
            {
                float iv = _invObMinusDf[i];
                destination[i] = float.IsNaN(iv) ? fill : (raw[i] - _df[i]) * iv * fs;
            }
        });
        float fillValue = zero ? 0f : float.NaN;
        for (int k = 0; k < flagged.Length; k++)
        {
            int i = flagged[k];
            float iv = _invObMinusDf[i];
            destination[i] = float.IsNaN(iv) ? fillValue : (fix[k] - _df[i]) * iv * fs;
        }
        gammaPixels = flagged.Length;
        return new NormalizationResult(InvalidBeamPixels, scale);
    }

    /// <summary>The ROI beam factor mean_ROI(OB − DF) / mean_ROI(I − DF) of one frame; 1 without regions.</summary>
    public double BeamScale(ReadOnlySpan<float> sample)
    {
        if (_roiMask.Length == 0) return 1;
        double s = 0;
        foreach (var (start, length) in _roiSpans)
        {
            var src = sample.Slice(start, length); var df = _df.AsSpan(start, length);
            for (int i = 0; i < src.Length; i++) s += src[i] - df[i];
        }
        double sampleMean = s / _roiCount;
        if (!(sampleMean > 0)) throw new InputException("--roi", $"sample mean minus dark field over the beam regions is {sampleMean:G4} (≤ 0): the regions must see the open beam");
        return _obRoiMean / sampleMean;
    }

    void NormalizeSpan(float[] sample, float[] destination, int start, int end, float fs, bool zero)
    {
        ref float s0 = ref MemoryMarshal.GetArrayDataReference(sample);
        ref float d0 = ref MemoryMarshal.GetArrayDataReference(_df);
        ref float v0 = ref MemoryMarshal.GetArrayDataReference(_invObMinusDf);
        ref float o0 = ref MemoryMarshal.GetArrayDataReference(destination);
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var f = Vector256.Create(fs);
            for (; i + 8 <= end; i += 8)
            {
                var inv = Vector256.LoadUnsafe(ref v0, (nuint)i);
                var r = (Vector256.LoadUnsafe(ref s0, (nuint)i) - Vector256.LoadUnsafe(ref d0, (nuint)i)) * inv * f;
                if (zero) r &= Vector256.Equals(inv, inv);
                r.StoreUnsafe(ref o0, (nuint)i);
            }
        }
        float fill = zero ? 0f : float.NaN;
        for (; i < end; i++)
        {
            float iv = _invObMinusDf[i];
            destination[i] = float.IsNaN(iv) ? fill : (sample[i] - _df[i]) * iv * fs;
        }
    }

    /// <summary>The straightforward per-pixel implementation that <see cref="Normalize(float[], float[])"/> must equal (kept for tests).</summary>
    internal NormalizationResult NormalizeReference(float[] sample, float[] destination)
    {
        int n = _df.Length;
        if (sample.Length != n || destination.Length != n) throw new ArgumentException($"frames must hold {n} pixels");
        double scale = 1;
        if (_roiMask.Length > 0)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
                if (_roiMask[i] && !float.IsNaN(_invObMinusDf[i])) s += sample[i] - _df[i];
            double sampleMean = s / _roiCount;
            if (!(sampleMean > 0)) throw new InputException("--roi", $"sample mean minus dark field over the beam regions is {sampleMean:G4} (≤ 0): the regions must see the open beam");
            scale = _obRoiMean / sampleMean;
        }
        float fill = Options.InvalidPixels == InvalidPixelPolicy.NaN ? float.NaN : 0f;
        float fs = (float)scale;
        long invalid = 0;
        object gate = new();
        Parallel.For(0, Height, () => 0L, (y, _, local) =>
        {
            int o = y * Width;
            var src = sample.AsSpan(o, Width); var df = _df.AsSpan(o, Width); var inv = _invObMinusDf.AsSpan(o, Width); var d = destination.AsSpan(o, Width);
            for (int x = 0; x < src.Length; x++)
            {
                float iv = inv[x];
                if (float.IsNaN(iv)) { d[x] = fill; local++; }
                else d[x] = (src[x] - df[x]) * iv * fs;
            }
            return local;
        }, c => Interlocked.Add(ref invalid, c));
        return new NormalizationResult(invalid, scale);
    }
}
