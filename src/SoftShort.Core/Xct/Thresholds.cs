namespace SoftShort.Xct;

/// <summary>
/// A histogram of grey values over [<see cref="Min"/>, <see cref="Max"/>] with equal bins, counted as numpy.histogram
/// does (the last bin is closed). 64-bit counts: a real XCT volume passes 2³¹ voxels.
/// </summary>
public sealed class Histogram
{
    public double Min { get; }
    public double Max { get; }
    public long[] Counts { get; }
    public int Bins => Counts.Length;
    readonly double _scale;

    public Histogram(double min, double max, int bins = 256)
    {
        InputException.Require(double.IsFinite(min) && double.IsFinite(max) && max >= min, "histogram", $"range [{min}, {max}] is not a finite interval");
        InputException.Require(bins >= 2, "histogram", $"{bins} bins: at least 2 needed");
        Min = min; Max = max; Counts = new long[bins];
        _scale = max > min ? bins / (max - min) : 0;
    }

    /// <summary>Centre of bin i (numpy/skimage <c>bin_centers</c>).</summary>
    public double BinCenter(int i) => Max > Min ? Min + (i + 0.5) * (Max - Min) / Bins : Min;

    /// <summary>Bin of a value (clamped into range).</summary>
    public int BinOf(double v)
    {
        int b = (int)((v - Min) * _scale);
        return b < 0 ? 0 : b >= Bins ? Bins - 1 : b;
    }

    /// <summary>Adds values (NaN skipped).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        var c = Counts;
        foreach (float v in values) if (!float.IsNaN(v)) c[BinOf(v)]++;
    }

    /// <summary>Adds the values where <paramref name="mask"/> is non-zero.</summary>
    public void Add(ReadOnlySpan<float> values, ReadOnlySpan<byte> mask)
    {
        var c = Counts;
        for (int i = 0; i < values.Length; i++) if (mask[i] != 0 && !float.IsNaN(values[i])) c[BinOf(values[i])]++;
    }

    /// <summary>Adds another histogram with the same binning.</summary>
    public void Add(Histogram other)
    {
        if (other.Bins != Bins || other.Min != Min || other.Max != Max) throw new ArgumentException("histograms differ in binning");
        for (int i = 0; i < Bins; i++) Counts[i] += other.Counts[i];
    }

    public long Total => Counts.Sum();

    /// <summary>Histogram of all finite values (range = their min…max, as skimage does for float images).</summary>
    public static Histogram Of(ReadOnlySpan<float> values, int bins = 256)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in values) if (!float.IsNaN(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
        InputException.Require(lo <= hi, "histogram", "no finite values");
        var h = new Histogram(lo, hi, bins);
        h.Add(values);
        return h;
    }
}

/// <summary>
/// Global grey-level thresholds from a histogram: Otsu (N. Otsu, IEEE Trans. SMC 9 (1979) 62) and multi-level Otsu
/// (P.-S. Liao, T.-S. Chen, P.-C. Chung, J. Inf. Sci. Eng. 17 (2001) 713). Thresholds are bin centres, as in
/// scikit-image's <c>threshold_otsu</c>/<c>threshold_multiotsu</c>: class k holds the values v with t[k−1] &lt; v ≤ t[k];
/// classes are numbered 0, 1, … by increasing grey value.
/// </summary>
public static class Thresholds
{
    /// <summary>Two-class Otsu threshold: maximises the between-class variance w₀w₁(μ₀ − μ₁)².</summary>
    public static double Otsu(Histogram h) => MultiOtsu(h, 2)[0];

    /// <summary>
    /// Multi-Otsu thresholds for <paramref name="classes"/> classes (2–5): the partition of the histogram bins into
    /// contiguous classes that maximises Σ wₖ μₖ² (equivalently the between-class variance), found exactly by dynamic
    /// programming over the bins (O(K·n²) instead of the exhaustive O(n^(K−1)) search; same optimum).
    /// </summary>
    public static double[] MultiOtsu(Histogram h, int classes = 3)
    {
        InputException.Require(classes is >= 2 and <= 5, "--classes", $"{classes}: 2 to 5 classes are supported");
        int n = h.Bins;
        // prefix sums of weights and first moments (in bin-centre units)
        var P = new double[n + 1];
        var S = new double[n + 1];
        for (int i = 0; i < n; i++) { P[i + 1] = P[i] + h.Counts[i]; S[i + 1] = S[i] + h.Counts[i] * h.BinCenter(i); }
        InputException.Require(P[n] > 0, "histogram", "empty (no voxels selected)");
        int nonEmpty = h.Counts.Count(c => c > 0);
        InputException.Require(nonEmpty >= classes, "histogram", $"only {nonEmpty} distinct grey levels for {classes} classes");
        // cost of bins [a, b) as one class: S²/P (0 when empty)
        double Cost(int a, int b) { double w = P[b] - P[a]; return w > 0 ? (S[b] - S[a]) * (S[b] - S[a]) / w : 0; }
        // best[k][j]: best sum for the first j bins split into k+1 classes (each class ≥ 1 bin)
        var best = new double[classes][];
        var arg = new int[classes][];
        best[0] = new double[n + 1];
        for (int j = 1; j <= n; j++) best[0][j] = Cost(0, j);
        for (int k = 1; k < classes; k++)
        {
            best[k] = new double[n + 1];
            arg[k] = new int[n + 1];
            for (int j = k + 1; j <= n; j++)
            {
                double bv = double.NegativeInfinity; int bi = k;
                for (int i = k; i < j; i++)
                {
                    double v = best[k - 1][i] + Cost(i, j);
                    if (v > bv) { bv = v; bi = i; }
                }
                best[k][j] = bv; arg[k][j] = bi;
            }
        }
        var cut = new int[classes - 1];
        int end = n;
        for (int k = classes - 1; k >= 1; k--) { int i = arg[k][end]; cut[k - 1] = i; end = i; }
        // class k ends at bin cut[k]-1: threshold = that bin's centre
        return cut.Select(c => h.BinCenter(c - 1)).ToArray();
    }

    /// <summary>
    /// ISO-50 threshold between two phases with partial-volume voxels excluded: the midpoint of the mean grey value of the
    /// dark phase and of the bright phase, each taken over the histogram beyond a band ±δ around the starting threshold
    /// <paramref name="t0"/> (default: Otsu), δ = <paramref name="bandFraction"/> × the separation of the two Otsu class means.
    /// A blurred edge between two pure phases crosses their mean grey value where the true surface lies, so this threshold
    /// preserves volumes (the ISO-50 surface of CT metrology: Kruth et al., CIRP Annals 60 (2011) 821), whereas Otsu's class
    /// means are pulled towards each other by the partial-volume voxels of small pores and filaments.
    /// </summary>
    public static double Iso50(Histogram h, double t0 = double.NaN, double bandFraction = 0.25)
    {
        if (double.IsNaN(t0)) t0 = Otsu(h);
        InputException.Require(bandFraction is >= 0 and < 1, "band", $"{bandFraction}: must be in [0, 1)");
        (double Mean, double W) Mean(Func<double, bool> take)
        {
            double s = 0, w = 0;
            for (int i = 0; i < h.Bins; i++) { double c = h.BinCenter(i); if (take(c)) { s += c * h.Counts[i]; w += h.Counts[i]; } }
            return (w > 0 ? s / w : double.NaN, w);
        }
        var (m0, w0) = Mean(c => c <= t0);
        var (m1, w1) = Mean(c => c > t0);
        InputException.Require(w0 > 0 && w1 > 0, "histogram", "one of the two phases is empty");
        double delta = bandFraction * (m1 - m0);
        var (p0, v0) = Mean(c => c <= t0 - delta);
        var (p1, v1) = Mean(c => c > t0 + delta);
        if (v0 == 0 || v1 == 0) return t0;
        return 0.5 * (p0 + p1);
    }

    /// <summary>Class of a value: the number of thresholds it exceeds (0 … thresholds.Length).</summary>
    public static int ClassOf(float v, ReadOnlySpan<double> thresholds)
    {
        int c = 0;
        foreach (double t in thresholds) if (v > t) c++;
        return c;
    }
}
