namespace SoftShort;

/// <summary>
/// Robust scalar statistics shared by the capabilities (noise estimates in the radiography, XCT and electrochemistry
/// analyses). Medians follow numpy.median: for an even count, the mean of the two middle values.
/// </summary>
public static class Statistics
{
    /// <summary>Median of the values (the input is not modified); NaN for none.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return double.NaN;
        return MedianInPlace(values.ToArray());
    }

    /// <summary>Median, sorting the values in place (no allocation, for sliding windows over a reusable buffer); NaN for none.</summary>
    public static double MedianInPlace(Span<double> values)
    {
        if (values.IsEmpty) return double.NaN;
        values.Sort();
        int h = values.Length / 2;
        return values.Length % 2 == 1 ? values[h] : 0.5 * (values[h - 1] + values[h]);
    }

    /// <summary>Median of float values, sorting them in place (no allocation, for per-slice hot loops); NaN for none.</summary>
    public static double MedianInPlace(Span<float> values)
    {
        if (values.IsEmpty) return double.NaN;
        values.Sort();
        int h = values.Length / 2;
        return values.Length % 2 == 1 ? values[h] : 0.5 * ((double)values[h - 1] + values[h]);
    }

    /// <summary>
    /// Median absolute deviation scaled to the σ of a normal distribution: 1.4826 · median(|x − median(x)|)
    /// (Rousseeuw &amp; Croux, J. Am. Stat. Assoc. 88, 1273, 1993). NaN for no values.
    /// </summary>
    public static double MadSigma(ReadOnlySpan<double> values)
    {
        double med = Median(values);
        var dev = new double[values.Length];
        for (int i = 0; i < values.Length; i++) dev[i] = Math.Abs(values[i] - med);
        return 1.4826 * MedianInPlace(dev);
    }
}
