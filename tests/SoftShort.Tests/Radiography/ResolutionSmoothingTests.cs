using SoftShort.Imaging;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// Band finding on an oversampled detector (the paper's 6.5 µm camera pixel behind a 25 µm-resolution scintillator): planted thin
/// bands whose per-row late signal is below the significance threshold must be found once the rows are smoothed at the detector
/// resolution (<see cref="BandDetectionOptions.DetectorResolutionUm"/>), and nothing may change at 25 µm pixels.
/// </summary>
public class ResolutionSmoothingTests
{
    const int Height = 400, Bins = 78, RefBins = 6;

    /// <summary>
    /// Kymograph rows ln(Tr_t/Tr_0) = Σ_bands A·B(y)·f(t) + Gaussian noise (σ per row and bin), B a box of the band's width
    /// blurred by a Gaussian of FWHM <paramref name="blurUm"/>, f a ramp from 0 at 1800 s to 1 at the end.
    /// </summary>
    static List<double[]> Rows(int seed, double pixelUm, double blurUm, double sigmaBin, (double CentreRow, double WidthUm, double Amplitude)[] bands)
    {
        var rng = new Random(seed);
        double sb = blurUm / pixelUm / 2.3548;
        var profile = new double[Height];
        foreach (var (c, wUm, a) in bands)
        {
            double half = wUm / pixelUm / 2;
            for (int y = 0; y < Height; y++)
            {
                // box [c − half, c + half] convolved with the Gaussian blur: a difference of error functions
                double lo = (y - (c - half)) / (sb * Math.Sqrt(2)), hi = (y - (c + half)) / (sb * Math.Sqrt(2));
                profile[y] += a * 0.5 * (MathNet.Numerics.SpecialFunctions.Erf(lo) - MathNet.Numerics.SpecialFunctions.Erf(hi));
            }
        }
        var rows = new List<double[]>();
        for (int b = 0; b < Bins; b++)
        {
            double t = 300 * b + 150, f = Math.Max(0, t - 1800) / (300 * Bins - 1800);
            var r = new double[Height];
            for (int y = 0; y < Height; y++)
                r[y] = Math.Exp(profile[y] * f + sigmaBin * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            rows.Add(r);
        }
        return rows;
    }

    static double[] Times() => Enumerable.Range(0, Bins).Select(b => 300.0 * b + 150).ToArray();

    [Theory]
    [InlineData(1, 25.0)]
    [InlineData(2, 20.0)]
    [InlineData(3, 35.0)]
    public void ThinBandsBelowThePerRowThresholdAreFoundAtThePaperPixel(int seed, double blurUm)
    {
        // 6.5 µm pixels; anode at the top: SS|Li at row 60, Li|SE at row 140; P3 depletion (50 µm) just below SS|Li, P2
        // enrichment (120 µm) just below Li|SE. The per-row late-mean noise is σ·√(1/20 + 1/6) ≈ 0.023, so the 5σ threshold
        // (≈ 0.12) is above both amplitudes: row by row neither band is significant.
        var b = new LayerBoundaries(60, 140, 320, 380);
        double p3Row = 60 + 25 / 6.5, p2Row = 140 + 60 / 6.5;
        var rows = Rows(seed, 6.5, blurUm, 0.05, [(p3Row, 50, 0.09), (p2Row, 120, -0.08)]);
        var found = BandDetection.Detect(Times(), RefBins, [rows], Height, 6.5, b);
        var p2 = found.Single(x => x.Name == "P2");
        var p3 = found.Single(x => x.Name == "P3");
        Assert.InRange(p2.Row, p2Row - 2, p2Row + 2);
        Assert.InRange(p3.Row, p3Row - 2, p3Row + 2);

        // without the resolution smoothing the same kymograph gives no band near the planted rows (noise runs or nothing)
        var raw = BandDetection.Detect(Times(), RefBins, [rows], Height, 6.5, b, new BandDetectionOptions { DetectorResolutionUm = 0 });
        var rawP2 = raw.SingleOrDefault(x => x.Name == "P2");
        Assert.True(rawP2 is null || Math.Abs(rawP2.Row - p2Row) > 2, $"P2 found without smoothing at row {rawP2?.Row}");
    }

    [Fact]
    public void NothingChangesWhenThePixelDoesNotOversampleTheResolution()
    {
        var b = new LayerBoundaries(16, 36, 80, 95);
        var rows = Rows(4, 25, 25, 0.02, [(17, 50, 0.09), (38.4, 120, -0.08)]);
        var a = BandDetection.Detect(Times(), RefBins, [rows], Height, 25, b);
        var c = BandDetection.Detect(Times(), RefBins, [rows], Height, 25, b, new BandDetectionOptions { DetectorResolutionUm = 0 });
        Assert.Equal(a.Count, c.Count);
        Assert.NotEmpty(a);
        for (int i = 0; i < a.Count; i++) { Assert.Equal(a[i].Row, c[i].Row); Assert.Equal(a[i].OnsetS, c[i].OnsetS); }
    }
}
