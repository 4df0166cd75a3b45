using System.Globalization;

namespace SoftShort.Imaging;

/// <summary>How gamma spots / saturated pixels are found.</summary>
public enum GammaFilterMode
{
    /// <summary>No filtering.</summary>
    None,
    /// <summary>Integer images only: pixels ≥ (dtype max − margin) are flagged (saturated by a gamma hit).</summary>
    Auto,
    /// <summary>Pixels above the median of their 8 neighbours + k·σ of those neighbours are flagged.</summary>
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
    /// <summary>Outlier mode: k in median + k·σ (σ = population standard deviation of the 8 neighbours). Default 5.</summary>
    public double OutlierK { get; init; } = 5;

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
    public static int Apply(float[] pixels, int width, int height, GammaFilterOptions options)
    {
        if (pixels.Length != (long)width * height) throw new ArgumentException($"buffer holds {pixels.Length} pixels, {width}×{height} expected");
        if (options.Mode == GammaFilterMode.None) return 0;
        if (options.Mode == GammaFilterMode.Auto && options.DtypeMax is null)
            throw new InputException("--gamma auto", "needs an integer image (uint8/16/32); use --gamma outlier for float images");
        InputException.Require(options.OutlierK > 0, "outlier k", $"must be positive, got {options.OutlierK}");
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
            // Samuelson: a value ≤ the max of 8 neighbours lies within median + 3.65σ, so for k ≥ 3.65 only local maxima need the full test.
            bool fastPath = k >= 3.65;
            Parallel.For(0, height, () => 0, (y, _, local) =>
            {
                Span<float> nb = stackalloc float[8];
                for (int x = 0; x < width; x++)
                {
                    float v = pixels[y * width + x];
                    if (float.IsNaN(v)) continue;
                    int m = Neighbours(pixels, width, height, x, y, nb, null);
                    if (m == 0) continue;
                    if (fastPath)
                    {
                        float max = nb[0];
                        for (int j = 1; j < m; j++) if (nb[j] > max) max = nb[j];
                        if (v <= max) continue;
                    }
                    double mean = 0;
                    for (int j = 0; j < m; j++) mean += nb[j];
                    mean /= m;
                    double ss = 0;
                    for (int j = 0; j < m; j++) ss += (nb[j] - mean) * (nb[j] - mean);
                    double sigma = Math.Sqrt(ss / m);
                    double med = StackMedian.MedianInPlace(nb[..m]);
                    if (v > med + k * sigma) { flags[y * width + x] = 1; local++; }
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
    public NormalizationResult Normalize(float[] sample, float[] destination)
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
