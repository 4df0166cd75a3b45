namespace SoftShort.Tomography;

/// <summary>
/// Centre-of-rotation (rotation-axis column) estimation for parallel beams. A projection at θ + 180° is the mirror image
/// of the projection at θ about the axis: p_{θ+π}(j) = p_θ(2c − j). The centre c minimises the squared difference
/// between the pairs, evaluated with linear interpolation over a coarse grid of c and refined by a parabola through the
/// three best grid points (sub-pixel). Reference: the 0°/180° method of e.g. Vo et al., Opt. Express 22, 19078 (2014), §2.
/// </summary>
public static class CenterOfRotation
{
    /// <summary>From one pair of projections 180° apart (rows of equal length).</summary>
    public static double FromOpposingPair(ReadOnlySpan<float> p0, ReadOnlySpan<float> p180)
    {
        InputException.Require(p0.Length == p180.Length && p0.Length >= 8, "projections", "the 0° and 180° projections must have the same length (≥ 8 bins)");
        var a = p0.ToArray(); var b = p180.ToArray();
        return Minimise(a.Length, c => PairCost(a, b, c));
    }

    /// <summary>
    /// From a whole sinogram (rows = angles): every angle that has a partner 180° (± a quarter step) later contributes a pair;
    /// with no such pair (a scan shorter than 180° + one step) the first and the row nearest 180° are used.
    /// </summary>
    public static double FromSinogram(ReadOnlySpan<float> sinogram, IReadOnlyList<double> anglesDeg, int bins)
    {
        int angles = anglesDeg.Count;
        InputException.Require(sinogram.Length == (long)angles * bins, "sinogram", $"holds {sinogram.Length} values, {angles}×{bins} expected");
        double step = angles > 1 ? Math.Abs(anglesDeg[1] - anglesDeg[0]) : 180;
        var pairs = new List<(int, int)>();
        for (int i = 0; i < angles; i++)
            for (int k = 0; k < angles; k++)
                if (Math.Abs(Mod360(anglesDeg[k] - anglesDeg[i]) - 180) <= step / 4 + 1e-9 && i < k) { pairs.Add((i, k)); break; }
        if (pairs.Count == 0)
        {
            int best = 0; double bestD = double.MaxValue;
            for (int k = 1; k < angles; k++)
            {
                double d = Math.Abs(Mod360(anglesDeg[k] - anglesDeg[0]) - 180);
                if (d < bestD) { bestD = d; best = k; }
            }
            InputException.Require(best > 0 && bestD < 10, "--angles-deg", "no projection near 180° from the first; the centre cannot be estimated");
            pairs.Add((0, best));
        }
        // At most 64 pairs spread over the scan keep the cost small.
        int stride = Math.Max(1, pairs.Count / 64);
        var sel = pairs.Where((_, i) => i % stride == 0).ToArray();
        var rows = sinogram.ToArray();
        return Minimise(bins, c =>
        {
            double s = 0;
            foreach (var (i, k) in sel) s += PairCost(rows.AsSpan(i * bins, bins), rows.AsSpan(k * bins, bins), c);
            return s;
        });
    }

    static double Mod360(double a) { a %= 360; return a < 0 ? a + 360 : a; }

    delegate double Cost(double c);

    /// <summary>Grid search over c ∈ [n/4, 3n/4] in 0.5 px steps, then a golden-section search, then a parabola.</summary>
    static double Minimise(int n, Cost cost)
    {
        double lo = (n - 1) / 4.0, hi = 3 * (n - 1) / 4.0;
        double best = lo, bestV = double.MaxValue;
        for (double c = lo; c <= hi; c += 0.5)
        {
            double v = cost(c);
            if (v < bestV) { bestV = v; best = c; }
        }
        double a = best - 0.5, b = best + 0.5;
        const double g = 0.6180339887498949;
        double x1 = b - g * (b - a), x2 = a + g * (b - a), f1 = cost(x1), f2 = cost(x2);
        for (int it = 0; it < 40 && b - a > 1e-4; it++)
        {
            if (f1 < f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = cost(x1); }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = cost(x2); }
        }
        return (a + b) / 2;
    }

    /// <summary>Mean squared difference between p0(j) and p180(2c − j) over the overlap, linear interpolation.</summary>
    static double PairCost(ReadOnlySpan<float> p0, ReadOnlySpan<float> p180, double c)
    {
        int n = p0.Length;
        double s = 0; int m = 0;
        for (int j = 0; j < n; j++)
        {
            double u = 2 * c - j;
            if (u < 0 || u > n - 1) continue;
            int k = Math.Min((int)u, n - 2);
            double f = u - k;
            double v = p180[k] + f * (p180[k + 1] - p180[k]);
            double d = p0[j] - v;
            s += d * d; m++;
        }
        return m < n / 4 ? double.MaxValue : s / m;
    }
}
