using SoftShort.Imaging;
using SoftShort.Synthetic;
using Xunit.Abstractions;

namespace SoftShort.Tests.Radiography;

/// <summary>The whole chain (gamma → Eq. 1 → median bins → kymographs → bands) against the planted truth of the forward model, randomised over seeds.</summary>
public class OperandoPipelineTests(ITestOutputHelper output)
{
    internal static (OperandoRadiography G, OperandoPipelineResult R) RunSynthetic(int seed, int stride, OperandoScenario? scenario = null, DetectorOptions? det = null)
    {
        var g = new OperandoRadiography(scenario: scenario, detector: det, seed: seed);
        var opt = OperandoPipeline.OptionsFor(g, 30 / stride);
        var norm = OperandoPipeline.NormalizerFromGenerator(g, opt, out _);
        var r = OperandoPipeline.Run(OperandoPipeline.FromGenerator(g, stride), norm, opt);
        return (g, r);
    }

    /// <summary>
    /// Every 10th frame (3 frames per 5-min bin, so that the test stays fast), 8-h charge, randomised soft-short time (3–4.5 h), creep
    /// onset (0.5–1.5 h), detector blur (20–35 µm FWHM, not assumed by the analysis) and axis position. Onsets are printed, not asserted:
    /// with 3 frames per bin their noise-limited spread is several bins (docs/radiography.md gives the full-rate numbers; the estimator
    /// itself is tested against known change points in <see cref="BandDetectionTests"/>).
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RecoversPlantedBandsBoundariesAndSoftShort(int seed)
    {
        var rng = new Random(seed * 7919);
        var scenario = new OperandoScenario
        {
            ChargeS = 8 * 3600,
            SoftShortOnsetS = (3.0 + 1.5 * rng.NextDouble()) * 3600,
            P3OnsetS = (0.5 + rng.NextDouble()) * 3600,
        };
        var det = DetectorOptions.Small with { BlurFwhmUm = 20 + 15 * rng.NextDouble(), AxisX = 210 + 4 * rng.NextDouble() };
        var (g, r) = RunSynthetic(seed, stride: 10, scenario, det);
        const double bin = 300;
        var iz = g.InterfacesZUm();
        var found = r.Boundaries.ToArray();
        for (int i = 0; i < 4; i++)
        {
            output.WriteLine($"{LayerBoundaries.Names[i]}: truth row {g.RowAt(iz[i]):F2}, found {found[i]:F2}");
            Assert.InRange(found[i], g.RowAt(iz[i]) - 1, g.RowAt(iz[i]) + 1);
        }
        double shortS = scenario.RestS + scenario.SoftShortOnsetS;
        var roi2 = r.Kymographs.Regions[1];
        foreach (var t0 in g.Truth)
        {
            // P4 is seen through ROI II: its planted position is the crept Li's centroid along the rays of the ROI the analysis chose
            var t = t0.Name == "P4" ? t0 with { Row = g.ProjectedCentroidRow(3, roi2.X0, roi2.X1) } : t0;
            var b = r.Bands.SingleOrDefault(x => x.Name == t.Name);
            Assert.True(b is not null, $"{t.Name} not detected");
            output.WriteLine($"{t.Name}: row {b.Row:F2} (truth {t.Row:F2}), onset {(b.OnsetS - t.OnsetS) / bin:F2} bins off (95 % interval {(b.OnsetLowS - t.OnsetS) / bin:F1}…{(b.OnsetHighS - t.OnsetS) / bin:F1}), " +
                             $"fluctuation from {b.FluctuationOnsetS:F0} s (soft short {shortS:F0}), magnitude {b.Magnitude:F3}");
            Assert.Equal(t.Sign, b.Sign);
            // the issue's 2 px for every band, P4 included (its weak wing beside the SS rod is kept by the hysteresis threshold;
            // measured with 3-frame bins, seeds 2–15: P4 within 0.87 px, P1–P3 within 0.85 px; before, P4 up to 2.7 px)
            Assert.InRange(b.Row, t.Row - 2, t.Row + 2);
            if (t.Name != "P4") Assert.InRange(b.PositionMm, t.PositionMm - 2 * 0.025, t.PositionMm + 2 * 0.025);
        }
        // the soft-short signature (P2 fluctuation, P1 oscillation) is found, not a bin before the planted soft short and within 1 h
        // after it (measured with 3-frame bins: +1.66 and +0.11 bins; at the paper's rate −0.74…+1.24 bins over 34 seeds); P3/P4
        // (creep) never fluctuate
        var sig = r.Bands.Where(x => x.Name is "P1" or "P2" && !double.IsNaN(x.FluctuationOnsetS)).ToList();
        Assert.NotEmpty(sig);
        double first = sig.Min(x => x.FluctuationOnsetS);
        Assert.InRange(first, shortS - bin, shortS + 3600);
        foreach (var b in sig) Assert.True(b.FluctuationIndexAfter > 2, $"{b.Name} fluctuation index after {b.FluctuationIndexAfter}");
        foreach (var name in new[] { "P3", "P4" }) Assert.True(double.IsNaN(r.Bands.Single(x => x.Name == name).FluctuationOnsetS), $"{name} should not fluctuate");
    }

    /// <summary>
    /// Onsets at the paper's rate (every 10-s frame, 30 frames per 5-min bin) on the randomised 6-h scenario of docs/radiography.md
    /// (soft short 3–4.5 h, creep onset 0.5–1.5 h, blur 20–35 µm not assumed by the analysis, axis), seeds 2–4: the first three of
    /// the documented table, not chosen by their outcome. Asserted: positions of P1–P4 within 2 px; the creep band P3 (an onset
    /// inside a bin, after the reference) within one bin, as in all 34 runs measured (seeds 2–35, worst 0.57 bin); P1 and P2
    /// within one bin (timed to the current start by the nested test, <see cref="BandDetectionOptions.OnsetWithCurrent"/>) and
    /// their free change points within two; P3 and P4 (planted 0.5–1.5 h after the current) not timed to the current start; the
    /// soft short from one bin before the planted onset to 1 h after it; P3/P4 not fluctuating.
    /// <para>Honest scope: the issue's one bin for P1 and P2 is met in 29/34 and 25/34 of the measured runs (worst 1.68 and 1.88
    /// bins). Their onset coincides with the end of the 30-min baseline, and the noise of that baseline (σ/√6 per bin) and of
    /// the ramp (σ/slope ≈ 1.2–2 bins per band and seed) limit any estimator: a hinge fit on ideal ramps with white noise at
    /// those σ/slope puts 68–87 % of the onsets within one bin (docs/radiography.md), so "every seed" is not a property the data
    /// can support and is not asserted. Seed 4's P2 is 1.57 bins off. With the nested test "the band starts with the current"
    /// (default on) the reported P1/P2 onsets are within one bin in 32/34 and 31/34 of those runs: the test rejects the current
    /// start in 5 of the 68 (about its 5 % level), and those keep their free change point (1.2–1.9 bins late). Seeds 2–4 are
    /// not among them, so one bin is asserted for them here (a different seed could legitimately miss).</para>
    /// <para>P4 (session 6): timed on the optical density of its ROI II band mean (bin means), with its onset fit over the whole
    /// window (the creep neither fluctuates nor bends at the soft short): within one bin in 33/34 bench runs (was 26/34); seeds
    /// 2–4 are +0.26, −0.23, −0.66 bins off (were −1.39, −0.88, −1.21), so one bin is asserted for P4 too.</para>
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void OnsetsAtThePapersRate(int seed)
    {
        var rng = new Random(seed * 7919);
        var scenario = new OperandoScenario
        {
            ChargeS = 6 * 3600,
            SoftShortOnsetS = (3.0 + 1.5 * rng.NextDouble()) * 3600,
            P3OnsetS = (0.5 + rng.NextDouble()) * 3600,
        };
        var det = DetectorOptions.Small with { BlurFwhmUm = 20 + 15 * rng.NextDouble(), AxisX = 210 + 4 * rng.NextDouble() };
        var (g, r) = RunSynthetic(seed, stride: 1, scenario, det);
        const double bin = 300;
        var roi2 = r.Kymographs.Regions[1];
        foreach (var t0 in g.Truth)
        {
            var t = t0.Name == "P4" ? t0 with { Row = g.ProjectedCentroidRow(3, roi2.X0, roi2.X1) } : t0;
            var b = r.Bands.Single(x => x.Name == t.Name);
            output.WriteLine($"{t.Name}: row {b.Row:F2} (truth {t.Row:F2}), onset {(b.OnsetS - t.OnsetS) / bin:F2} bins off{(b.OnsetWithCurrent ? " (with the current)" : "")}, free {(b.OnsetFreeS - t.OnsetS) / bin:F2} (95 % interval {(b.OnsetLowS - t.OnsetS) / bin:F1}…{(b.OnsetHighS - t.OnsetS) / bin:F1})");
            Assert.InRange(b.Row, t.Row - 2, t.Row + 2);
            const double tol = 1; // one binned frame for every band (P4 since session 6: 33/34 of the bench runs, docs/radiography.md)
            Assert.InRange(b.OnsetS, t.OnsetS - tol * bin, t.OnsetS + tol * bin);
            if (t.Name is "P1" or "P2") Assert.InRange(b.OnsetFreeS, t.OnsetS - 2 * bin, t.OnsetS + 2 * bin);
            if (t.Name is "P3" or "P4") Assert.False(b.OnsetWithCurrent, $"{t.Name} (planted {(t.OnsetS - scenario.RestS) / 3600:F2} h after the current) timed to the current start");
        }
        double shortS = scenario.RestS + scenario.SoftShortOnsetS;
        double first = r.Bands.Where(x => x.Name is "P1" or "P2").Select(x => x.FluctuationOnsetS).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        output.WriteLine($"soft short found at {(first - shortS) / bin:F2} bins from the planted onset");
        Assert.InRange(first, shortS - bin, shortS + 3600);
        foreach (var name in new[] { "P3", "P4" }) Assert.True(double.IsNaN(r.Bands.Single(x => x.Name == name).FluctuationOnsetS), $"{name} should not fluctuate");
    }
}
