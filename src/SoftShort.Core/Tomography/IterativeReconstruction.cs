using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>Iterative reconstruction methods.</summary>
public enum IterativeMethod { Sirt, Cgls }

/// <summary>
/// Algebraic reconstruction for few or missing angles, on the matched projector pair of <see cref="ParallelBeamGeometry"/>:
/// SIRT (Gregor &amp; Benson, IEEE TMI 27, 918, 2008: x ← x + C Aᵀ R (b − A x), R and C the inverse row and column sums,
/// optional non-negativity) and CGLS (Hestenes &amp; Stiefel 1952; conjugate gradients on AᵀA x = Aᵀb, Hansen,
/// <i>Discrete Inverse Problems</i>, SIAM 2010, §6.3), both from x = 0; the iteration count is the regularisation.
/// </summary>
public static class IterativeReconstruction
{
    /// <summary>Reconstructs one slice; the result is per pixel, or cm⁻¹ when <paramref name="pixelSizeUm"/> is given.</summary>
    /// <param name="sinogram">Angles × bins line integrals.</param>
    /// <param name="anglesDeg">One angle (degrees) per row.</param>
    /// <param name="method">SIRT or CGLS.</param>
    /// <param name="centerPx">Rotation-axis column; NaN → (bins − 1)/2.</param>
    /// <param name="pixelSizeUm">Pixel size, µm; NaN → result per pixel.</param>
    /// <param name="imageSize">Grid side; 0 → bins.</param>
    /// <param name="progress">Optional progress sink.</param>
    /// <param name="iterations">Iterations (SIRT typically 50–200, CGLS 10–30).</param>
    /// <param name="nonNegative">SIRT only: clip negative attenuation after each step.</param>
    public static Image2D<float> Reconstruct(Image2D<float> sinogram, IReadOnlyList<double> anglesDeg, IterativeMethod method, int iterations,
        double centerPx = double.NaN, double pixelSizeUm = double.NaN, bool nonNegative = true, int imageSize = 0, IProgress<ProgressReport>? progress = null)
    {
        InputException.Require(anglesDeg.Count == sinogram.Height, "--angles-deg",
            $"{anglesDeg.Count} angles given but the sinogram has {sinogram.Height} rows (one per angle)");
        InputException.Require(iterations > 0 && iterations <= 100000, "--iterations", $"{iterations} must be in 1 … 100000");
        Sinograms.RequireFinite(sinogram.Pixels, "sinogram");
        var g = new ParallelBeamGeometry(anglesDeg, sinogram.Width, centerPx, imageSize);
        var x = method == IterativeMethod.Sirt ? Sirt(g, sinogram.Pixels, iterations, nonNegative, progress) : Cgls(g, sinogram.Pixels, iterations, progress);
        float s = (float)(1 / FilteredBackProjection.PixelSizeCm(pixelSizeUm));
        for (int i = 0; i < x.Length; i++) x[i] *= s;
        return new Image2D<float>(g.ImageSize, g.ImageSize, x) { PixelSizeXUm = pixelSizeUm, PixelSizeYUm = pixelSizeUm };
    }

    /// <summary>SIRT iterations on padded operators; returns the image in 1/pixel.</summary>
    public static float[] Sirt(ParallelBeamGeometry g, ReadOnlySpan<float> sinogram, int iterations, bool nonNegative = true, IProgress<ProgressReport>? progress = null)
    {
        long np = (long)g.ImageSize * g.ImageSize;
        var b = g.Pad(sinogram);
        var ones = new float[np]; Array.Fill(ones, 1f);
        var rowSum = new float[b.Length];
        g.ProjectPadded(ones, rowSum, -1);
        var onesSino = new float[b.Length];
        for (int i = 0; i < g.Angles; i++) onesSino.AsSpan(i * g.PaddedBins + g.PadLeft, g.DetectorBins).Fill(1f);
        var colSum = new float[np];
        g.BackProjectPadded(onesSino, colSum, 1, false, -1);
        var x = new float[np];
        var ax = new float[b.Length];
        var upd = new float[np];
        for (int it = 0; it < iterations; it++)
        {
            g.ProjectPadded(x, ax, -1);
            for (long k = 0; k < b.Length; k++)
                ax[k] = rowSum[k] > 1e-6f && onesSino[k] > 0 ? (b[k] - ax[k]) / rowSum[k] : 0;
            g.BackProjectPadded(ax, upd, 1, false, -1);
            for (long k = 0; k < np; k++)
            {
                float v = colSum[k] > 1e-6f ? x[k] + upd[k] / colSum[k] : 0;
                x[k] = nonNegative && v < 0 ? 0 : v;
            }
            progress?.Report(new ProgressReport("SIRT", (it + 1.0) / iterations));
        }
        return x;
    }

    /// <summary>CGLS iterations; returns the image in 1/pixel.</summary>
    public static float[] Cgls(ParallelBeamGeometry g, ReadOnlySpan<float> sinogram, int iterations, IProgress<ProgressReport>? progress = null)
    {
        long np = (long)g.ImageSize * g.ImageSize;
        var r = g.Pad(sinogram);
        var x = new double[np];
        var s = new float[np];
        g.BackProjectPadded(r, s, 1, false, -1);
        var p = (float[])s.Clone();
        double gamma = Dot(s, s);
        var q = new float[r.Length];
        for (int it = 0; it < iterations && gamma > 0; it++)
        {
            g.ProjectPadded(p, q, -1);
            MaskGuards(g, q);
            double qq = Dot(q, q);
            if (qq <= 0) break;
            double alpha = gamma / qq;
            for (long k = 0; k < np; k++) x[k] += alpha * p[k];
            for (long k = 0; k < r.Length; k++) r[k] -= (float)(alpha * q[k]);
            g.BackProjectPadded(r, s, 1, false, -1);
            double gammaNew = Dot(s, s);
            double beta = gammaNew / gamma;
            gamma = gammaNew;
            for (long k = 0; k < np; k++) p[k] = (float)(s[k] + beta * p[k]);
            progress?.Report(new ProgressReport("CGLS", (it + 1.0) / iterations));
        }
        var result = new float[np];
        for (long k = 0; k < np; k++) result[k] = (float)x[k];
        return result;
    }

    /// <summary>Zeroes the guard bins (off the detector): the measured data live on bins 0 … n−1 only.</summary>
    static void MaskGuards(ParallelBeamGeometry g, float[] padded)
    {
        for (int i = 0; i < g.Angles; i++)
        {
            var row = padded.AsSpan(i * g.PaddedBins, g.PaddedBins);
            row[..g.PadLeft].Clear();
            row[(g.PadLeft + g.DetectorBins)..].Clear();
        }
    }

    static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (long k = 0; k < a.Length; k++) s += (double)a[k] * b[k];
        return s;
    }
}
