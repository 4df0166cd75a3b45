using SoftShort.Imaging;
using SoftShort.Synthetic;
using Xunit;
using Xunit.Abstractions;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// CellOutline.Detect against planted truth: a side view of a core cylinder (SS/Li/SE) inside a PTFE tube, by Beer–Lambert
/// along chords 2·sqrt(R² − x²), blurred (Gaussian, 25 µm FWHM) and with Poisson counting noise.
/// </summary>
public class CellOutlineTests(ITestOutputHelper output)
{
    // Macroscopic cross sections, cm⁻¹, of the order the forward model uses (SS ≈ 1.2, PTFE ≈ 0.36 for the cold beam).
    const double SigmaCorePerCm = 1.2, SigmaPtfePerCm = 0.36;
    const double CoreRadiusUm = 3175, TubeOuterRadiusUm = 4762.5, BlurFwhmUm = 25;

    static Image2D<float> SideView(int width, int height, double pixelUm, double axisX, double countsPerPixel, int seed, double sigmaCorePerCm = SigmaCorePerCm)
    {
        static double Chord(double r, double x) => Math.Abs(x) < r ? 2 * Math.Sqrt(r * r - x * x) : 0;
        // Sample the transmission on a 10× finer grid, blur, then average into pixels.
        int sub = 10; int n = width * sub;
        var fine = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xUm = ((i + 0.5) / sub - 0.5 - axisX) * pixelUm;
            double core = Chord(CoreRadiusUm, xUm), tube = Chord(TubeOuterRadiusUm, xUm) - core;
            fine[i] = Math.Exp(-(sigmaCorePerCm * core + SigmaPtfePerCm * tube) * 1e-4);
        }
        double sigmaFine = BlurFwhmUm / 2.3548 / (pixelUm / sub);
        int kh = (int)Math.Ceiling(4 * sigmaFine);
        var blurred = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0, ws = 0;
            for (int k = -kh; k <= kh; k++)
            {
                int j = Math.Clamp(i + k, 0, n - 1); double wk = Math.Exp(-0.5 * k * k / (sigmaFine * sigmaFine));
                s += wk * fine[j]; ws += wk;
            }
            blurred[i] = s / ws;
        }
        var rng = new Random(seed);
        var img = new Image2D<float>(width, height);
        for (int x = 0; x < width; x++)
        {
            double t = 0; for (int k = 0; k < sub; k++) t += blurred[x * sub + k]; t /= sub;
            for (int y = 0; y < height; y++) img[y, x] = (float)(Poisson(rng, countsPerPixel * t) / countsPerPixel);
        }
        return img;
    }

    static int Poisson(Random rng, double mean)
    {
        if (mean > 50) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gauss(rng)));
        double l = Math.Exp(-mean), p = 1; int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    // The bundled sample: 424 px at 25 µm, the tube's outer edges outside the frame.
    [InlineData(424, 104, 25.0, 211.7, 2000.0, 1)]
    [InlineData(424, 104, 25.0, 205.3, 2000.0, 2)]
    // The paper camera: 2560 px at 6.5 µm holds the whole tube, whose outer edges are as steep as the core's;
    // a pre-current reference (6 bins of 30 frames, ~2.3 neutrons per pixel per frame).
    [InlineData(2560, 300, 6.5, 1279.6, 420.0, 3)]
    [InlineData(2560, 300, 6.5, 1301.2, 420.0, 4)]
    public void FindsTheCoreEdgesNotTheTube(int width, int height, double pixelUm, double axisX, double counts, int seed)
    {
        var img = SideView(width, height, pixelUm, axisX, counts, seed);
        var o = CellOutline.Detect(img);
        double radiusPx = CoreRadiusUm / pixelUm;
        // The blurred edge's steepest point sits a little inside the geometric edge (the chord grows as a square root):
        // allow the blur's FWHM in pixels plus one.
        double tol = BlurFwhmUm / pixelUm + 1;
        Assert.InRange(o.AxisX, axisX - 1, axisX + 1);
        Assert.InRange(o.RadiusPx, radiusPx - tol, radiusPx + 1);
    }

    /// <summary>
    /// A band's own rows on the paper camera: 30 rows of a dark core (Σ = 3 cm⁻¹, the SE or cathode: Tr ≈ 0.15 on the axis) at
    /// the paper's counts (the pre-current mean of 180 frames, ≈ 420 open-beam neutrons per pixel). Searched near a whole-frame
    /// outline that is off by 3 px in axis and 8 px in radius (the rods' core vs the pellet in the bulged bore), DetectNear finds
    /// the planted edges. (The sixth session's paper run took the free search's noise slope inside the core for an edge in the
    /// cathode rows, radius 150 px instead of 486, and the P1 Li came out 0.30 of the planted.)
    /// </summary>
    [Theory]
    [InlineData(1279.6, 5)]
    [InlineData(1301.2, 6)]
    [InlineData(1265.0, 7)]
    public void DetectNearFindsTheCoreInAFewDarkRows(double axisX, int seed)
    {
        const double pixelUm = 6.5;
        var img = SideView(2560, 30, pixelUm, axisX, 420, seed, sigmaCorePerCm: 3.0);
        double radiusPx = CoreRadiusUm / pixelUm;
        var prior = new CellOutline(axisX + 3, radiusPx + 8, axisX + 3 - radiusPx - 8, axisX + 3 + radiusPx + 8);
        var o = CellOutline.DetectNear(img, 0, img.Height - 1, prior);
        try { var free = CellOutline.Detect(img, 0, img.Height - 1); output.WriteLine($"free search: axis {free.AxisX:F2}, radius {free.RadiusPx:F2}"); }
        catch (InputException e) { output.WriteLine("free search failed: " + e.Message); }
        output.WriteLine($"near the prior: axis {o.AxisX:F2}, radius {o.RadiusPx:F2} (planted {axisX:F2}, {radiusPx:F2})");
        double tol = BlurFwhmUm / pixelUm + 1;
        Assert.InRange(o.AxisX, axisX - 1, axisX + 1);
        Assert.InRange(o.RadiusPx, radiusPx - tol, radiusPx + 1);
    }

    /// <summary>
    /// The paper camera's own reference (forward model, 2560 × 2160 px at 6.5 µm, ≈ 2.3 detected neutrons per pixel per frame, OB
    /// median of 10 frames, one 30-frame median bin before the current): the outline the kymograph builder derives is the planted
    /// bore (axis 1279.6 px, radius 3175 µm / 6.5 µm = 488.5 px) and ROI II starts just outside it. Before the fifth session the
    /// generator's rods ended 3 mm from the stack, inside this 14-mm frame, and the same builder put the axis at 1239.9 px with a
    /// 113.9 px radius (the 6-h paper run's ROI I at columns 1298–1371, ROI II inside the core).
    /// </summary>
    [Fact]
    public void PaperCameraReferenceGivesTheBore()
    {
        var g = new OperandoRadiography(detector: DetectorOptions.Paper, seed: 5);
        var opt = OperandoPipeline.OptionsFor(g, 30);
        var norm = OperandoPipeline.NormalizerFromGenerator(g, opt, out _);
        var k = new KymographBuilder(g.Width, g.Height) { PixelSizeUm = g.Detector.PixelSizeUm };
        IEnumerable<TimedFrame> Normalised()
        {
            foreach (var f in OperandoPipeline.FromGenerator(g, 1, 30))
            {
                GammaFilter.Apply(f.Pixels, g.Width, g.Height, opt.Gamma);
                norm.Normalize(f.Pixels, f.Pixels);
                yield return f;
            }
        }
        foreach (var b in MedianBinning.Bin(Normalised(), g.Width, g.Height, 30, keepMean: true)) k.Add(b);
        k.Complete();
        output.WriteLine($"outline: axis {k.Outline!.AxisX:F2}, radius {k.Outline.RadiusPx:F2}; " +
                         $"anode side: axis {k.AnodeOutline!.AxisX:F2}, radius {k.AnodeOutline.RadiusPx:F2}; ROI II {k.Regions[1]}");
        double boreRadiusPx = g.Cell.BoreRadiusUm / g.Detector.PixelSizeUm, tol = g.Detector.BlurFwhmUm / g.Detector.PixelSizeUm + 1;
        Assert.InRange(k.Outline.AxisX, g.Detector.AxisX - 1, g.Detector.AxisX + 1);
        Assert.InRange(k.Outline.RadiusPx, boreRadiusPx - tol, boreRadiusPx + 1);
        // the layer boundaries on the geometry reference (the mean Tr₀ at this oversampling camera; the median Tr₀ is the
        // read-noise floor behind the SE and the Li and shows no Li|SE edge)
        Assert.True(k.GeometryFromMeans);
        var lb = LineProfile.DetectBoundaries(OperandoPipeline.RowProfile(k.GeometryReference!, k.Regions[0]), g.Detector.PixelSizeUm).ToArray();
        var iz = g.InterfacesZUm();
        for (int i = 0; i < 4; i++)
        {
            output.WriteLine($"{LayerBoundaries.Names[i]}: found {lb[i]:F2}, planted {g.RowAt(iz[i]):F2}");
            Assert.InRange(lb[i], g.RowAt(iz[i]) - 2, g.RowAt(iz[i]) + 2);
        }
        // ROI II starts just outside the bore on the anode side (inside the gap the bulge leaves), not inside the core
        Assert.InRange(k.Regions[1].X0, g.Detector.AxisX + boreRadiusPx - tol, g.Detector.AxisX + boreRadiusPx + 2);
        // the core's edges in a band's own rows (the quantification's chords): the cathode (P1) and the SE next to Li|SE (P2),
        // ± 3 rows, searched near the whole-frame outline; these rows are dark across the core and hold a few neutrons per pixel
        double RowOf(double z) => g.RowAt(z);
        foreach (var (name, z0, z1) in new[] { ("cathode", iz[2], iz[3]), ("SE at Li|SE", iz[1], iz[1] + 100) })
        {
            int y0 = (int)Math.Floor(Math.Min(RowOf(z0), RowOf(z1))) - 3, y1 = (int)Math.Ceiling(Math.Max(RowOf(z0), RowOf(z1))) + 3;
            var o = CellOutline.DetectNear(k.GeometryReference!, y0, y1, k.Outline);
            double planted = g.Cell.CoreRadiusAtUm(0.5 * (z0 + z1)) / g.Detector.PixelSizeUm;
            string free;
            try { var f = CellOutline.Detect(k.GeometryReference!, y0, y1); free = $"axis {f.AxisX:F2}, radius {f.RadiusPx:F2}"; } catch (InputException e) { free = e.Message; }
            output.WriteLine($"{name} rows {y0}–{y1}: near the outline axis {o.AxisX:F2}, radius {o.RadiusPx:F2} (planted {g.Detector.AxisX:F2}, {planted:F2}); free search: {free}");
            // one 30-frame bin over ≈ 20 rows: the two edges' noise moves the axis by up to a blur width (a chord's error is
            // second order in it); the free search put the cathode's radius at 326 px here
            Assert.InRange(o.AxisX, g.Detector.AxisX - tol, g.Detector.AxisX + tol);
            Assert.InRange(o.RadiusPx, planted - tol, planted + 1.5);
        }
    }
}
