using SoftShort.Imaging;
using Xunit;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// CellOutline.Detect against planted truth: a side view of a core cylinder (SS/Li/SE) inside a PTFE tube, by Beer–Lambert
/// along chords 2·sqrt(R² − x²), blurred (Gaussian, 25 µm FWHM) and with Poisson counting noise.
/// </summary>
public class CellOutlineTests
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
}
