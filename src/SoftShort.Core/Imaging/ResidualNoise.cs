using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SoftShort.Imaging;

/// <summary>
/// Noise of the residual r = v − med₈ (a pixel minus the median of its 8 neighbours) as a function of the local level
/// m = med₈: Var r = A + B·m, the Poissonian–Gaussian model of a counting detector (A: read noise and other
/// level-independent noise; B: gain × (1 + the variance the median adds), so σ = √(gain·m) for pure counting noise).
/// Evaluated with m clamped to the range of levels it was fitted on, and never below 0.
/// </summary>
/// <remarks>
/// Why not σ of the 8 neighbours: a standard deviation from 8 values scatters so much (χ² with 7 degrees of freedom) that
/// (v − med₈)/σ₈ has heavy, Student-t-like tails: on pure Gaussian noise of a 2560×2160 frame the test v &gt; med₈ + 5σ₈
/// flags ≈ 9000 pixels where a 5σ Gaussian tail predicts 1.6. A noise level estimated from the whole frame has a
/// relative error of ≈ 1 % instead of ≈ 25 %, and the test's false-flag rate is then the tail of the residual itself.
/// The noise is written as a function of the local median, as L.A.Cosmic does with the counting-noise model of the
/// median-filtered image (P. G. van Dokkum, PASP 113, 1420, 2001; astroscrappy), but A and B are estimated from the frame
/// itself instead of from a gain and read noise the user must know — the single-image Poissonian–Gaussian fit of
/// A. Foi et al., IEEE Trans. Image Process. 17, 1737 (2008); J. R. Janesick, Photon Transfer (SPIE, 2007).
/// It also measures what the detector blur does to the residual (neighbouring pixels correlated by the 25 µm blur
/// make r smaller than √(gain·m)), which a √(gain·m) model with the nominal gain would miss.
/// </remarks>
/// <param name="A">Level-independent residual variance (image units²).</param>
/// <param name="B">Residual variance per unit of level (image units; ≥ 0).</param>
/// <param name="MinLevel">Lowest level of the fit; lower levels use this one.</param>
/// <param name="MaxLevel">Highest level of the fit; higher levels use this one.</param>
/// <param name="Samples">Residuals the model was estimated from (0 for a model given by hand).</param>
public readonly record struct ResidualNoiseModel(double A, double B, double MinLevel = double.NegativeInfinity, double MaxLevel = double.PositiveInfinity, long Samples = 0)
{
    /// <summary>A level-independent residual σ (image units).</summary>
    public static ResidualNoiseModel Constant(double sigma) => new(sigma * sigma, 0);

    /// <summary>The residual σ at local level <paramref name="level"/> (image units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Sigma(double level)
    {
        double m = Math.Clamp(level, MinLevel, MaxLevel);
        double v = A + B * m;
        return v > 0 ? Math.Sqrt(v) : 0;
    }

    /// <summary>Clipping of the per-level variance estimates, in σ (astropy <c>sigma_clip</c> style, iterated to convergence).</summary>
    public const double ClipSigma = 4;

    /// <summary>Variance of a standard normal truncated to ±4: 1 − 2·4·φ(4)/(2Φ(4) − 1) = 0.998929; the clipped variance is divided by it.</summary>
    const double TruncatedVariance4 = 0.99892939;

    /// <summary>
    /// Estimates the model from one frame: residuals r = v − med₈ of pixels whose 5×5 neighbourhood is finite (every row
    /// when the frame has fewer than <paramref name="maxSamples"/> such pixels, else evenly spaced whole rows), each with
    /// the level m = the mean of the 16 pixels of the ring at distance 2 without its largest and smallest (one gamma spot in
    /// the ring does not move it), which shares no pixel with v or its 8 neighbours
    /// (grouping by med₈ itself would select residuals by their own median noise and measure only the pixel's noise, not
    /// that of v − med₈); grouped by level into at most 64 groups of equal size; in each group the variance by iterated 4σ
    /// clipping around the median (robust to gamma spots and edges, and unbiased on integer counts, unlike a MAD); then
    /// Var r = A + B·m by weighted least squares over the groups (weights n/Var², the inverse variance of a sample
    /// variance), with A ≥ 0 and B ≥ 0 enforced (B = 0: a constant; A = 0: a line through the origin). Deterministic,
    /// both cores.
    /// </summary>
    /// <param name="pixels">Row-major frame (NaN allowed: pixels with a NaN in their 5×5 neighbourhood are skipped).</param>
    /// <param name="width">Width, pixels (≥ 5).</param>
    /// <param name="height">Height, pixels (≥ 5).</param>
    /// <param name="maxSamples">Upper bound on the residuals used. Default 2¹⁶: 64 groups of ≈ 1000, ≈ 2.5 % error of σ per group and
    /// a few tenths of a percent for the fitted line.</param>
    /// <exception cref="InputException">Frame smaller than 5×5, or no pixel with a finite 5×5 neighbourhood.</exception>
    public static ResidualNoiseModel Estimate(float[] pixels, int width, int height, int maxSamples = 1 << 16)
    {
        if (pixels.Length != (long)width * height) throw new ArgumentException($"buffer holds {pixels.Length} pixels, {width}×{height} expected");
        int rows = Math.Max(0, height - 4), cols = Math.Max(0, width - 4);
        if (rows == 0 || cols == 0) throw new InputException("--gamma outlier", $"needs a frame of at least 5×5 pixels to estimate its noise, got {width}×{height}");
        int stride = (int)Math.Max(1, ((long)rows * cols + maxSamples - 1) / maxSamples);
        int sampledRows = (rows + stride - 1) / stride;
        var level = new float[(long)sampledRows * cols];
        var resid = new float[level.Length];
        var counts = new int[sampledRows];
        Parallel.For(0, sampledRows, j =>
        {
            int y = 2 + j * stride;
            counts[j] = RowResiduals(pixels, width, y, level.AsSpan(j * cols, cols), resid.AsSpan(j * cols, cols));
        });
        // compact the rows' samples
        int n = 0;
        for (int j = 0; j < sampledRows; j++)
        {
            if (n != j * cols)
            {
                level.AsSpan(j * cols, counts[j]).CopyTo(level.AsSpan(n));
                resid.AsSpan(j * cols, counts[j]).CopyTo(resid.AsSpan(n));
            }
            n += counts[j];
        }
        if (n == 0) throw new InputException("--gamma outlier", "no pixel with a finite 5×5 neighbourhood to estimate the noise from");
        return FitGroups(level.AsSpan(0, n), resid.AsSpan(0, n));
    }

    /// <summary>
    /// Ring levels (mean of the 16 pixels at Chebyshev distance 2 without the largest and the smallest) and residuals (v − med₈) of row y's pixels 2 … w − 3
    /// whose 5×5 neighbourhood is finite; returns their count.
    /// </summary>
    static int RowResiduals(float[] p, int w, int y, Span<float> level, Span<float> resid)
    {
        int c = 0, x = 2;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float r = ref MemoryMarshal.GetArrayDataReference(p);
            Span<float> lv = stackalloc float[8], val = stackalloc float[8];
            for (; x + 10 <= w; x += 8)
            {
                nuint i = (nuint)(y * w + x), up = i - (nuint)w, dn = i + (nuint)w, up2 = up - (nuint)w, dn2 = dn + (nuint)w;
                var a0 = Vector256.LoadUnsafe(ref r, up - 1); var a1 = Vector256.LoadUnsafe(ref r, up); var a2 = Vector256.LoadUnsafe(ref r, up + 1);
                var a3 = Vector256.LoadUnsafe(ref r, i - 1); var v = Vector256.LoadUnsafe(ref r, i); var a4 = Vector256.LoadUnsafe(ref r, i + 1);
                var a5 = Vector256.LoadUnsafe(ref r, dn - 1); var a6 = Vector256.LoadUnsafe(ref r, dn); var a7 = Vector256.LoadUnsafe(ref r, dn + 1);
                Vector256<float> ring = Vector256<float>.Zero, rmax = Vector256.Create(float.NegativeInfinity), rmin = Vector256.Create(float.PositiveInfinity);
                foreach (nuint o in (ReadOnlySpan<nuint>)[up2 - 2, up2 - 1, up2, up2 + 1, up2 + 2, dn2 - 2, dn2 - 1, dn2, dn2 + 1, dn2 + 2, up - 2, i - 2, dn - 2, up + 2, i + 2, dn + 2])
                {
                    var u = Vector256.LoadUnsafe(ref r, o);
                    ring += u; rmax = Vector256.Max(rmax, u); rmin = Vector256.Min(rmin, u);
                }
                ring -= rmax + rmin; // trimmed: one gamma spot in the ring does not move the level
                // finite: x − x == 0 is false for NaN and ±∞ (the ring sum is finite only when its 16 values are)
                var ok = Finite(a0) & Finite(a1) & Finite(a2) & Finite(a3) & Finite(a4) & Finite(a5) & Finite(a6) & Finite(a7) & Finite(v) & Finite(ring);
                var m = GammaFilter.Median8(a0, a1, a2, a3, a4, a5, a6, a7);
                ring *= 1f / 14;
                uint mask = ok.ExtractMostSignificantBits();
                if (mask == 0xFF)
                {
                    ring.CopyTo(level.Slice(c, 8));
                    (v - m).CopyTo(resid.Slice(c, 8));
                    c += 8;
                    continue;
                }
                ring.CopyTo(lv); (v - m).CopyTo(val);
                for (int lane = 0; lane < 8; lane++)
                    if ((mask & (1u << lane)) != 0) { level[c] = lv[lane]; resid[c] = val[lane]; c++; }
            }
        }
        Span<float> nb = stackalloc float[8];
        for (; x < w - 2; x++)
        {
            float v = p[y * w + x];
            if (!float.IsFinite(v)) continue;
            int m = 0;
            float ring = 0, rmax = float.NegativeInfinity, rmin = float.PositiveInfinity;
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++)
                {
                    if (dx == 0 && dy == 0) continue;
                    float u = p[(y + dy) * w + x + dx];
                    if (Math.Abs(dx) == 2 || Math.Abs(dy) == 2) { ring += u; rmax = Math.Max(rmax, u); rmin = Math.Min(rmin, u); }
                    else nb[m++] = u;
                }
            if (!float.IsFinite(ring) || !float.IsFinite(nb[0] + nb[1] + nb[2] + nb[3] + nb[4] + nb[5] + nb[6] + nb[7])) continue;
            float med = StackMedian.MedianInPlace(nb);
            level[c] = (ring - (rmax + rmin)) * (1f / 14); resid[c] = v - med; c++;
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Finite(Vector256<float> a) => Vector256.Equals(a - a, Vector256<float>.Zero);

    /// <summary>Groups the samples by level, estimates each group's clipped variance and fits Var = A + B·m.</summary>
    internal static ResidualNoiseModel FitGroups(Span<float> level, Span<float> resid)
    {
        int n = level.Length;
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float m in level) { if (m < lo) lo = m; if (m > hi) hi = m; }
        // level histogram → consecutive bins merged into groups of ≥ n/64 samples (at least 256, the last one merged back)
        const int Bins = 4096;
        var hist = new int[Bins];
        double scale = hi > lo ? Bins / ((double)hi - lo) : 0;
        var bin = new int[n];
        for (int i = 0; i < n; i++) hist[bin[i] = Math.Min(Bins - 1, (int)(((double)level[i] - lo) * scale))]++;
        int minGroup = Math.Max(256, n / 64);
        var groupOfBin = new int[Bins];
        int groups = 0, acc = 0;
        for (int b = 0; b < Bins; b++)
        {
            groupOfBin[b] = groups;
            acc += hist[b];
            if (acc >= minGroup) { groups++; acc = 0; }
        }
        if (acc > 0) groups++;
        if (groups > 1 && acc > 0 && acc < minGroup)
        {
            // the last group is short: merge it into the one before
            for (int b = 0; b < Bins; b++) if (groupOfBin[b] == groups - 1) groupOfBin[b] = groups - 2;
            groups--;
        }
        // counting sort of the residuals (and levels) by group
        var start = new int[groups + 1];
        for (int i = 0; i < n; i++) start[groupOfBin[bin[i]] + 1]++;
        for (int g = 0; g < groups; g++) start[g + 1] += start[g];
        var r = new float[n]; var lv = new float[n];
        var pos = (int[])start.Clone();
        for (int i = 0; i < n; i++) { int k = pos[groupOfBin[bin[i]]]++; r[k] = resid[i]; lv[k] = level[i]; }
        var gm = new double[groups]; var gv = new double[groups]; var gn = new double[groups];
        Parallel.For(0, groups, g =>
        {
            var rs = r.AsSpan(start[g], start[g + 1] - start[g]);
            double sm = 0;
            foreach (float m in lv.AsSpan(start[g], rs.Length)) sm += m;
            gm[g] = sm / rs.Length;
            (gv[g], gn[g]) = ClippedVariance(rs);
        });
        return Fit(gm, gv, gn, n);
    }

    /// <summary>
    /// Variance of <paramref name="r"/> by iterated clipping at ±<see cref="ClipSigma"/>σ around the median (astropy
    /// <c>sigma_clip</c>: repeated until no more values are clipped), divided by the variance of a normal truncated at ±4σ;
    /// returns the variance and the number of values kept. Reorders <paramref name="r"/> (the median is selected in place).
    /// </summary>
    internal static (double Variance, double Kept) ClippedVariance(Span<float> r)
    {
        double c = StackMedian.MedianInPlace(r);
        double limit = double.PositiveInfinity, var = 0;
        long kept = -1;
        for (int it = 0; it < 100; it++)
        {
            double s1 = 0, s2 = 0;
            long k = 0;
            foreach (float x in r)
            {
                double d = x - c;
                if (Math.Abs(d) <= limit) { s1 += d; s2 += d * d; k++; }
            }
            if (k == kept || k == 0) break;
            kept = k;
            double mean = s1 / k;
            var = Math.Max(0, s2 / k - mean * mean);
            limit = ClipSigma * Math.Sqrt(var);
        }
        // the first pass keeps everything (no correction); later ones are truncated at ±4σ
        return (kept == r.Length ? var : var / TruncatedVariance4, Math.Max(kept, 1));
    }

    /// <summary>Weighted least squares Var = A + B·m over the groups (weights n/Var²), A ≥ 0 and B ≥ 0.</summary>
    internal static ResidualNoiseModel Fit(double[] m, double[] v, double[] n, long samples)
    {
        int g = m.Length;
        double vmax = 0;
        foreach (double x in v) vmax = Math.Max(vmax, x);
        double floor = Math.Max(vmax * 1e-6, double.Epsilon);
        var w = new double[g];
        for (int i = 0; i < g; i++) w[i] = n[i] / Math.Pow(Math.Max(v[i], floor), 2);
        double sw = 0, sm = 0, sv = 0;
        for (int i = 0; i < g; i++) { sw += w[i]; sm += w[i] * m[i]; sv += w[i] * v[i]; }
        double mBar = sm / sw, vBar = sv / sw, smm = 0, smv = 0;
        for (int i = 0; i < g; i++) { smm += w[i] * (m[i] - mBar) * (m[i] - mBar); smv += w[i] * (m[i] - mBar) * (v[i] - vBar); }
        double a, b;
        if (g < 2 || !(smm > 0)) { a = vBar; b = 0; }
        else
        {
            b = smv / smm;
            a = vBar - b * mBar;
            if (b < 0) { b = 0; a = vBar; }
            else if (a < 0)
            {
                // through the origin: B = Σ w m v / Σ w m²
                double num = 0, den = 0;
                for (int i = 0; i < g; i++) { num += w[i] * m[i] * v[i]; den += w[i] * m[i] * m[i]; }
                a = 0; b = den > 0 ? Math.Max(0, num / den) : 0;
                if (b == 0) a = vBar;
            }
        }
        double lo = m.Min(), hi = m.Max();
        return new ResidualNoiseModel(a, b, lo, hi, samples);
    }
}
