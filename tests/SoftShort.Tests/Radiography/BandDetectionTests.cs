using SoftShort.Imaging;

namespace SoftShort.Tests.Radiography;

/// <summary>The onset and fluctuation statistics of <see cref="BandDetection"/> on signals with a known change point (Monte Carlo).</summary>
public class BandDetectionTests
{
    static (double[] T, double[] S) Ramp(Random rng, int n, int nref, double onsetS, double slopePerBin, double sigma, double fluctFromS = double.NaN, double fluctSigma = 0)
    {
        var t = new double[n]; var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = 300 * i + 150; // bin centres; bin edges at multiples of 300 s
            double g = Gauss(rng);
            s[i] = Math.Max(0, t[i] - onsetS) / 300 * slopePerBin + sigma * g;
            if (t[i] > fluctFromS) s[i] += fluctSigma * Gauss(rng);
        }
        double m = s.Take(nref).Average();
        for (int i = 0; i < n; i++) s[i] -= m; // Tr0 = mean of the reference bins: their mean of s is 0
        return (t, s);
    }

    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void RampOnsetIsUnbiasedWithinABinAndInsideItsInterval()
    {
        // σ/slope = 1.5 bins, 6 reference bins, onset at a bin edge, 48 bins after it: two-phase regression theory gives a
        // standard error of ≈ 0.4 bin for the straight-ramp model
        var rng = new Random(11);
        int within = 0, covered = 0, runs = 200;
        double sum = 0;
        for (int k = 0; k < runs; k++)
        {
            var (t, s) = Ramp(rng, 60, 6, 1800, 0.01, 0.015);
            var a = BandDetection.Analyse(t, s, 6, +1, new BandDetectionOptions());
            double e = (a.OnsetS - 1800) / 300;
            sum += e;
            if (Math.Abs(e) <= 1) within++;
            if (a.OnsetLowS - 300 <= 1800 && 1800 <= a.OnsetHighS + 300) covered++;
            Assert.True(double.IsNaN(a.FluctuationOnsetS) || a.FluctuationOnsetS > 1800, "a ramp without fluctuation");
        }
        Assert.InRange(sum / runs, -0.2, 0.2);
        Assert.True(within >= 0.85 * runs, $"{within}/{runs} within one bin");
        Assert.True(covered >= 0.9 * runs, $"{covered}/{runs} inside the 95 % interval (± one bin)");
    }

    [Fact]
    public void FluctuationIsFoundAfterItsStartAndNotInAQuietSignal()
    {
        var rng = new Random(5);
        var o = new BandDetectionOptions();
        int falseAlarms = 0, found = 0, early = 0, late = 0, runs = 150;
        for (int k = 0; k < runs; k++)
        {
            // quiet: a ramp with white noise only → no fluctuation (Bonferroni level 10⁻³ for the whole series)
            var (t, s) = Ramp(rng, 120, 6, 1800, 0.01, 0.01);
            if (!double.IsNaN(BandDetection.Analyse(t, s, 6, +1, o).FluctuationOnsetS)) falseAlarms++;
            // fluctuating from 6 h (bin edge 21600 s) with 3× the noise
            var (t2, s2) = Ramp(rng, 120, 6, 1800, 0.01, 0.01, 21600, 0.03);
            var a = BandDetection.Analyse(t2, s2, 6, +1, o);
            if (double.IsNaN(a.FluctuationOnsetS)) continue;
            found++;
            if (a.FluctuationOnsetS < 21600 - 300) early++;
            if (a.FluctuationOnsetS > 21600 + 3600) late++;
        }
        // found in the bin of the planted start or after it (a whole bin early at most as often as the 5 % per-bin test allows)
        Assert.True(early <= 0.05 * runs, $"{early}/{runs} found more than a bin early");
        Assert.True(late <= 0.05 * runs, $"{late}/{runs} found more than 1 h late");
        Assert.True(falseAlarms <= 0.03 * runs, $"{falseAlarms}/{runs} false alarms");
        Assert.True(found >= 0.95 * runs, $"{found}/{runs} fluctuations found");
    }
}
