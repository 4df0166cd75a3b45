namespace SoftShort.PhaseField;

/// <summary>
/// Published community results of PFHub benchmark 1a (periodic) for comparison: total free energy of the MMSP
/// implementation (T. Keller, NIST; "MMSP workstation spinodal decomposition results",
/// https://gist.github.com/tkphd/8659310fb61efba6c97df42e12382924, and the Raspberry-Pi cluster run
/// https://gist.github.com/tkphd/93af8ee482b5a66b04ff7284e61ef716, same values where both report).
/// </summary>
public static class SpinodalReference
{
    /// <summary>(time, total free energy) pairs read from the MMSP result files.</summary>
    public static IReadOnlyList<(double Time, double FreeEnergy)> Mmsp { get; } =
    [
        (0, 319.094), (106.667, 132.607), (500, 96.6772), (1000, 84.4573), (2000, 60.6159),
        (3200, 51.1924), (4053.33, 47.6126), (5013.33, 45.301), (5226.67, 44.9105),
    ];

    /// <summary>Linear interpolation of a (t, F) series at <paramref name="time"/>.</summary>
    public static double Interpolate(IReadOnlyList<double> t, IReadOnlyList<double> f, double time)
    {
        if (t.Count == 0) return double.NaN;
        if (time <= t[0]) return f[0];
        for (int i = 1; i < t.Count; i++)
            if (t[i] >= time)
            {
                double w = (time - t[i - 1]) / (t[i] - t[i - 1]);
                return f[i - 1] + w * (f[i] - f[i - 1]);
            }
        return double.NaN;
    }
}
