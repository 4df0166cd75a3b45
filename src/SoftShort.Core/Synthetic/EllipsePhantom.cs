using SoftShort.Imaging;

namespace SoftShort.Synthetic;

/// <summary>One ellipse of an <see cref="EllipsePhantom"/>: additive density, semi-axes, centre (unit disc, y up), rotation.</summary>
public readonly record struct Ellipse(double Density, double SemiAxisA, double SemiAxisB, double CenterX, double CenterY, double RotationDeg);

/// <summary>
/// A 2D phantom made of additive ellipses on the unit disc (x right, y up), with its exact Radon transform — the standard
/// analytic test of tomographic reconstruction (Kak &amp; Slaney 1988, §3.2). Lengths are in units of the disc radius,
/// which maps onto N/2 pixels of an N×N image; densities are per pixel length, so line integrals come out in the units
/// a per-pixel reconstruction returns.
/// </summary>
public sealed class EllipsePhantom
{
    public IReadOnlyList<Ellipse> Ellipses { get; }

    public EllipsePhantom(IReadOnlyList<Ellipse> ellipses) => Ellipses = ellipses;

    /// <summary>The modified (high-contrast) Shepp–Logan head phantom of Toft (1996), as in MATLAB's <c>phantom('Modified Shepp-Logan')</c>.</summary>
    public static EllipsePhantom ModifiedSheppLogan(double scale = 1) => new(new Ellipse[]
    {
        new(1.0, .69, .92, 0, 0, 0),
        new(-.8, .6624, .8740, 0, -.0184, 0),
        new(-.2, .1100, .3100, .22, 0, -18),
        new(-.2, .1600, .4100, -.22, 0, 18),
        new(.1, .2100, .2500, 0, .35, 0),
        new(.1, .0460, .0460, 0, .1, 0),
        new(.1, .0460, .0460, 0, -.1, 0),
        new(.1, .0460, .0230, -.08, -.605, 0),
        new(.1, .0230, .0230, 0, -.606, 0),
        new(.1, .0230, .0460, .06, -.605, 0),
    }.Select(e => e with { Density = e.Density * scale }).ToArray());

    /// <summary>A uniform disc of radius <paramref name="radius"/> (unit-disc units) and density <paramref name="density"/>.</summary>
    public static EllipsePhantom Disc(double density, double radius, double centerX = 0, double centerY = 0) =>
        new([new Ellipse(density, radius, radius, centerX, centerY, 0)]);

    /// <summary>Density at (x, y) on the unit disc.</summary>
    public double At(double x, double y)
    {
        double v = 0;
        foreach (var e in Ellipses)
        {
            double r = e.RotationDeg * Math.PI / 180, c = Math.Cos(r), s = Math.Sin(r);
            double dx = x - e.CenterX, dy = y - e.CenterY;
            double u = dx * c + dy * s, w = -dx * s + dy * c;
            if (u * u / (e.SemiAxisA * e.SemiAxisA) + w * w / (e.SemiAxisB * e.SemiAxisB) <= 1) v += e.Density;
        }
        return v;
    }

    /// <summary>Exact line integral along x cos θ + y sin θ = t (unit-disc units for t and the result).</summary>
    public double LineIntegral(double thetaRad, double t)
    {
        double sum = 0;
        double ct = Math.Cos(thetaRad), st = Math.Sin(thetaRad);
        foreach (var e in Ellipses)
        {
            double phi = e.RotationDeg * Math.PI / 180;
            double tp = t - (e.CenterX * ct + e.CenterY * st);
            double th = thetaRad - phi;
            double a2 = e.SemiAxisA * e.SemiAxisA * Math.Cos(th) * Math.Cos(th) + e.SemiAxisB * e.SemiAxisB * Math.Sin(th) * Math.Sin(th);
            double d = a2 - tp * tp;
            if (d > 0) sum += 2 * e.Density * e.SemiAxisA * e.SemiAxisB * Math.Sqrt(d) / a2;
        }
        return sum;
    }

    /// <summary>
    /// The exact sinogram (rows = angles, columns = bins) in the convention of <see cref="Tomography.ParallelBeamGeometry"/>
    /// for an N×N image (N = <paramref name="imageSize"/>, default bins): bin j sits at t = (j − centre) pixels, the
    /// phantom's centre on the rotation axis. Each bin averages <paramref name="binSamples"/> point integrals across its width.
    /// </summary>
    public Image2D<float> Sinogram(IReadOnlyList<double> anglesDeg, int bins, double centerPx = double.NaN, int imageSize = 0, int binSamples = 4)
    {
        if (double.IsNaN(centerPx)) centerPx = (bins - 1) / 2.0;
        if (imageSize <= 0) imageSize = bins;
        double half = imageSize / 2.0;
        var s = new Image2D<float>(bins, anglesDeg.Count);
        Parallel.For(0, anglesDeg.Count, i =>
        {
            double th = anglesDeg[i] * Math.PI / 180;
            for (int j = 0; j < bins; j++)
            {
                double v = 0;
                for (int k = 0; k < binSamples; k++)
                {
                    double tpx = j - centerPx - 0.5 + (k + 0.5) / binSamples;
                    v += LineIntegral(th, tpx / half);
                }
                s[i, j] = (float)(v / binSamples * half);
            }
        });
        return s;
    }

    /// <summary>The phantom rasterised on an N×N grid (pixel centres at (i − (N−1)/2)), averaging ss×ss samples per pixel.</summary>
    public Image2D<float> Rasterize(int size, int supersample = 4)
    {
        var img = new Image2D<float>(size, size);
        double half = size / 2.0, c = (size - 1) / 2.0;
        Parallel.For(0, size, row =>
        {
            for (int col = 0; col < size; col++)
            {
                double v = 0;
                for (int a = 0; a < supersample; a++)
                    for (int b = 0; b < supersample; b++)
                    {
                        double x = (col - c - 0.5 + (b + 0.5) / supersample) / half;
                        double y = -(row - c - 0.5 + (a + 0.5) / supersample) / half;
                        v += At(x, y);
                    }
                img[row, col] = (float)(v / (supersample * supersample));
            }
        });
        return img;
    }
}
