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

    static Image2D<float> SideView(int width, int height, double pixelUm, double axisX, double countsPerPixel, int seed)
    {
        static double Chord(double r, double x) => Math.Abs(x) < r ? 2 * Math.Sqrt(r * r - x * x) : 0;
        // Sample the transmission on a 10× finer grid, blur, then average into pixels.
        int sub = 10; int n = width * sub;
        var fine = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xUm = ((i + 0.5) / sub - 0.5 - axisX) * pixelUm;
            double core = Chord(CoreRadiusUm, xUm), tube = Chord(TubeOuterRadiusUm, xUm) - core;
            fine[i] = Math.Exp(-(SigmaCorePerCm * core + SigmaPtfePerCm * tube) * 1e-4);
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
    }
}
