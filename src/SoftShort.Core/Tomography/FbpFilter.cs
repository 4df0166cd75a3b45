using MathNet.Numerics.IntegralTransforms;

namespace SoftShort.Tomography;

/// <summary>Frequency windows of filtered back-projection (the names scikit-image's <c>iradon</c> uses).</summary>
public enum FbpFilter
{
    /// <summary>Ram-Lak ramp |ω|, band-limited (Kak &amp; Slaney 1988, eq. 3.61: built in the spatial domain to avoid the DC offset of a sampled |ω|).</summary>
    Ramp,
    /// <summary>Ramp × sinc(ω/2) (Shepp &amp; Logan 1974).</summary>
    SheppLogan,
    /// <summary>Ramp × cos(ω/2).</summary>
    Cosine,
    /// <summary>Ramp × Hamming window (0.54 + 0.46 cos ω).</summary>
    Hamming,
    /// <summary>Ramp × Hann window (0.5 + 0.5 cos ω).</summary>
    Hann,
}

/// <summary>
/// The FBP filters as frequency responses on a zero-padded FFT grid, and the filtering of sinogram rows.
/// The responses reproduce scikit-image 0.19+ <c>skimage.transform.radon_transform._get_fourier_filter</c> sample by sample,
/// so a reconstruction is comparable with <c>iradon</c> to float rounding.
/// </summary>
public static class FbpFilters
{
    /// <summary>Parses <c>ramp | shepp-logan | cosine | hamming | hann</c> (case-insensitive; <c>ram-lak</c> = ramp).</summary>
    public static FbpFilter Parse(string name) => name.Trim().ToLowerInvariant().Replace('_', '-') switch
    {
        "ramp" or "ram-lak" or "ramlak" => FbpFilter.Ramp,
        "shepp-logan" or "shepplogan" => FbpFilter.SheppLogan,
        "cosine" or "cos" => FbpFilter.Cosine,
        "hamming" => FbpFilter.Hamming,
        "hann" or "hanning" => FbpFilter.Hann,
        _ => throw new InputException("--filter", $"'{name}' is not one of ramp, shepp-logan, cosine, hamming, hann"),
    };

    /// <summary>Command-line name of a filter.</summary>
    public static string Name(FbpFilter f) => f switch
    {
        FbpFilter.Ramp => "ramp", FbpFilter.SheppLogan => "shepp-logan", FbpFilter.Cosine => "cosine",
        FbpFilter.Hamming => "hamming", _ => "hann",
    };

    /// <summary>
    /// FFT length for <paramref name="detectorBins"/> bins: the next power of two ≥ 2·bins, at least 64 (zero padding
    /// against the wrap-around of circular convolution; scikit-image's choice).
    /// </summary>
    public static int PaddedLength(int detectorBins) => Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * detectorBins)));

    /// <summary>The real, even frequency response H[k], k = 0 … n−1, of a filter on an n-point FFT grid (n a power of two).</summary>
    public static double[] Response(FbpFilter filter, int n)
    {
        if (n < 2 || (n & (n - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(n), "FFT length must be a power of two ≥ 2");
        // Spatial ramp kernel: h[0] = 1/4, h[k odd] = −1/(π k)², h[k even] = 0 (k the circular distance).
        var re = new double[n];
        var im = new double[n];
        re[0] = 0.25;
        for (int k = 1; k < n; k += 2)
        {
            int d = Math.Min(k, n - k);
            re[k] = -1.0 / (Math.PI * d * Math.PI * d);
        }
        Fourier.Forward(re, im, FourierOptions.NoScaling);
        var h = new double[n];
        for (int k = 0; k < n; k++) h[k] = 2 * re[k];
        for (int k = 0; k < n; k++)
        {
            int shifted = (k + n / 2) % n; // fftshift
            double w = filter switch
            {
                FbpFilter.Ramp => 1,
                FbpFilter.SheppLogan => k == 0 ? 1 : Sinc(Math.PI * (k < n / 2 ? k : k - n) / n),
                FbpFilter.Cosine => Math.Sin(Math.PI * shifted / n),
                FbpFilter.Hamming => 0.54 - 0.46 * Math.Cos(2 * Math.PI * shifted / (n - 1)),
                FbpFilter.Hann => 0.5 - 0.5 * Math.Cos(2 * Math.PI * shifted / (n - 1)),
                _ => throw new ArgumentOutOfRangeException(nameof(filter)),
            };
            h[k] *= w;
        }
        return h;
    }

    static double Sinc(double w) => Math.Sin(w) / w;

    /// <summary>
    /// Filters every row of a sinogram (rows = angles, columns = detector bins): returns the filtered rows.
    /// Rows are zero-padded to <see cref="PaddedLength"/>; two real rows share one complex FFT (the response is real and even).
    /// </summary>
    public static float[] FilterRows(ReadOnlySpan<float> sinogram, int angles, int bins, FbpFilter filter, int maxDegreeOfParallelism = -1)
    {
        if (sinogram.Length != (long)angles * bins) throw new ArgumentException($"sinogram holds {sinogram.Length} values, {angles}×{bins} expected");
        var dst = new float[sinogram.Length];
        FilterRows(sinogram.ToArray(), angles, bins, filter, dst, bins, 0, maxDegreeOfParallelism);
        return dst;
    }

    /// <summary>Frequency responses H[k]/n as float, cached per (filter, n): a volume filters thousands of sinograms.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(FbpFilter, int), (float[] H, SplitFft Fft)> Plans = new();

    /// <summary>
    /// Filters the rows of <paramref name="src"/> (angles × bins) into <paramref name="dst"/>: filtered row a is written
    /// at <c>dst[a·dstStride + dstOffset …]</c> (the padded layout of the back-projector, so no extra copy is made).
    /// </summary>
    internal static void FilterRows(float[] src, int angles, int bins, FbpFilter filter, float[] dst, int dstStride, int dstOffset, int maxDegreeOfParallelism)
    {
        int n = PaddedLength(bins);
        var (hf, fft) = Plans.GetOrAdd((filter, n), key =>
        {
            var h = Response(key.Item1, key.Item2);
            var f = new float[key.Item2];
            for (int k = 0; k < f.Length; k++) f[k] = (float)(h[k] / key.Item2); // 1/n: the inverse FFT is unscaled
            return (f, new SplitFft(key.Item2));
        });
        int pairs = (angles + 1) / 2;
        Parallel.For(0, pairs, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            () => (new float[n], new float[n]),
            (p, _, buf) =>
            {
                var (re, im) = buf;
                Array.Clear(re); Array.Clear(im);
                int a0 = 2 * p, a1 = a0 + 1;
                src.AsSpan(a0 * bins, bins).CopyTo(re);
                if (a1 < angles) src.AsSpan(a1 * bins, bins).CopyTo(im);
                fft.Forward(re, im);
                MultiplyInPlace(re, hf); MultiplyInPlace(im, hf);
                fft.Inverse(re, im);
                re.AsSpan(0, bins).CopyTo(dst.AsSpan(a0 * dstStride + dstOffset, bins));
                if (a1 < angles) im.AsSpan(0, bins).CopyTo(dst.AsSpan(a1 * dstStride + dstOffset, bins));
                return buf;
            }, _ => { });
    }

    static void MultiplyInPlace(Span<float> x, ReadOnlySpan<float> w)
    {
        int k = 0, vw = System.Numerics.Vector<float>.Count;
        for (; k + vw <= x.Length; k += vw) (new System.Numerics.Vector<float>(x[k..]) * new System.Numerics.Vector<float>(w[k..])).CopyTo(x[k..]);
        for (; k < x.Length; k++) x[k] *= w[k];
    }
}
