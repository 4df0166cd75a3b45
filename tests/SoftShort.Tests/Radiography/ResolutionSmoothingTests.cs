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

/// <summary>
/// Low-count band finding (the paper camera behind the Li foil): Poisson frames at ≈ 0.05 detected neutrons per pixel per frame,
/// 30-frame bins. Per-pixel bin medians are then mostly the read-noise floor and lose a planted 20 % enrichment band; the bins'
/// per-pixel means (zone kymograph) keep it (<see cref="BandDetectionOptions.FindOnMeansWhenOversampled"/>).
/// </summary>
public class LowCountBandTests
{
    [Fact]
    public void ABandLostByLowCountMediansIsFoundOnTheBinMeans()
    {
        const int W = 300, H = 200, Bins = 40, Frames = 30, RefBins = 6;
        const double Open = 2.3, T0 = 0.02, ReadNoise = 2.0 / 690; // open-beam neutrons per pixel per frame; read noise / (gain · open beam)
        const int BandFirst = 100, BandLast = 118; // 120 µm of 6.5 µm rows just below Li|SE (row 100)
        var rng = new Random(7);
        var times = new double[Bins];
        var medians = new List<float[]>(); var means = new List<float[]>();
        var stack = new float[Frames][];
        for (int f = 0; f < Frames; f++) stack[f] = new float[W * H];
        var col = new float[Frames];
        for (int b = 0; b < Bins; b++)
        {
            times[b] = 300 * b + 150;
            double growth = Math.Max(0, times[b] - 1800) / (300.0 * Bins - 1800); // 0 → 1
            for (int f = 0; f < Frames; f++)
                for (int y = 0; y < H; y++)
                {
                    double tr = T0 * (y >= BandFirst && y <= BandLast ? 1 - 0.2 * growth : 1);
                    double lambda = Open * tr, l = Math.Exp(-lambda);
                    for (int x = 0; x < W; x++)
                    {
                        // Poisson by inversion (λ ≪ 1) plus Gaussian read noise, in units of the open beam
                        int k = 0; double p = l, c = p, u = rng.NextDouble();
                        while (u > c && k < 50) { k++; p *= lambda / k; c += p; }
                        double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                        stack[f][y * W + x] = (float)(k / Open + ReadNoise * g);
                    }
                }
            var med = new float[W * H]; var mean = new float[W * H];
            for (int i = 0; i < W * H; i++)
            {
                double s = 0;
                for (int f = 0; f < Frames; f++) { col[f] = stack[f][i]; s += col[f]; }
                Array.Sort(col);
                med[i] = 0.5f * (col[Frames / 2 - 1] + col[Frames / 2]);
                mean[i] = (float)(s / Frames);
            }
            medians.Add(med); means.Add(mean);
        }
        float[] Ref(List<float[]> bins)
        {
            var r = new float[W * H];
            for (int i = 0; i < r.Length; i++) { double s = 0; for (int b = 0; b < RefBins; b++) s += bins[b][i]; r[i] = (float)(s / RefBins); }
            return r;
        }
        var refMed = Ref(medians); var refMean = Ref(means);
        // ROI I of the median kymograph: the central 0.6 of the core (as CellOutline.RegionI); zones: 16 across the core
        int x0 = (int)Math.Round(150 - 0.3 * 150), x1 = (int)Math.Round(150 + 0.3 * 150);
        var medianRows = medians.Select(m =>
        {
            var r = new double[H];
            for (int y = 0; y < H; y++) { double st = 0, sr = 0; for (int x = x0; x <= x1; x++) { st += m[y * W + x]; sr += refMed[y * W + x]; } r[y] = sr != 0 ? st / sr : double.NaN; }
            return r;
        }).ToList();
        var zones = ZoneKymograph.ForCore(W, H, 150, -1, W, 16);
        zones.FromMeans = true;
        zones.SetReference(refMean, W);
        foreach (var m in means) zones.Add(m, refMean, W);

        var b0 = new LayerBoundaries(60, 100, 160, 190);
        double truth = (BandFirst + BandLast) / 2.0;
        var found = BandDetection.Detect(times, RefBins, [medianRows], H, 6.5, b0, null, zones);
        var p2 = found.Single(x => x.Name == "P2");
        Assert.InRange(p2.Row, truth - 2, truth + 2);
        Assert.InRange(p2.Magnitude, -0.3, -0.1); // planted −0.2 at the end

        var onMedians = BandDetection.Detect(times, RefBins, [medianRows], H, 6.5, b0, new BandDetectionOptions { FindOnMeansWhenOversampled = false }, zones);
        var m2 = onMedians.SingleOrDefault(x => x.Name == "P2");
        Assert.True(m2 is null || Math.Abs(m2.Row - truth) > 2, $"P2 found on the bin medians at row {m2?.Row}");
    }
}
