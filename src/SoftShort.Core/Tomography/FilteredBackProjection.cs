using System.Buffers;
using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>Options of <see cref="FilteredBackProjection"/>.</summary>
public sealed record FbpOptions
{
    /// <summary>Frequency window. Default: ramp.</summary>
    public FbpFilter Filter { get; init; } = FbpFilter.Ramp;
    /// <summary>Rotation-axis detector column; NaN (default) → (bins − 1)/2.</summary>
    public double CenterPx { get; init; } = double.NaN;
    /// <summary>Reconstruction grid side in pixels; 0 (default) → the number of detector bins.</summary>
    public int ImageSize { get; init; }
    /// <summary>Detector pixel size, µm. NaN (default): the result is in 1/pixel (as scikit-image gives); else in cm⁻¹.</summary>
    public double PixelSizeUm { get; init; } = double.NaN;
    /// <summary>Zero the pixels outside the inscribed circle (scikit-image's <c>circle=True</c>). Default: false.</summary>
    public bool CircleMask { get; init; }
    /// <summary>Threads; −1 (default) = all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>
/// Filtered back-projection for parallel beams (Kak &amp; Slaney, <i>Principles of Computerized Tomographic Imaging</i>,
/// IEEE 1988, ch. 3): every projection row is convolved with the ramp kernel (zero padded, windowed by
/// <see cref="FbpFilter"/>), then smeared back along its rays with linear interpolation and summed,
/// f(x, y) ≈ π/(2K) Σ_k q_θk(x cos θk − y sin θk) for K angles evenly covering 180° or 360°.
/// Geometry and orientation: <see cref="ParallelBeamGeometry"/>. Input sinogram: rows = angles, columns = detector bins,
/// values = line integrals −ln(I/I₀). Output: attenuation per pixel, or cm⁻¹ when a pixel size is given.
/// </summary>
public static class FilteredBackProjection
{
    /// <summary>Reconstructs one slice from one sinogram.</summary>
    /// <param name="sinogram">Angles × bins (Height = angles); line integrals, must be finite.</param>
    /// <param name="anglesDeg">One angle (degrees) per sinogram row.</param>
    /// <param name="options">Filter, centre, size, pixel size; null → defaults.</param>
    public static Image2D<float> Reconstruct(Image2D<float> sinogram, IReadOnlyList<double> anglesDeg, FbpOptions? options = null)
    {
        options ??= new FbpOptions();
        InputException.Require(anglesDeg.Count == sinogram.Height, "--angles-deg",
            $"{anglesDeg.Count} angles given but the sinogram has {sinogram.Height} rows (one per angle)");
        Sinograms.RequireFinite(sinogram.Pixels, "sinogram");
        var g = new ParallelBeamGeometry(anglesDeg, sinogram.Width, options.CenterPx, options.ImageSize);
        return Reconstruct(sinogram.Pixels, g, options);
    }

    /// <summary>Reconstructs with a prepared geometry (reuse it across the slices of a volume).</summary>
    public static Image2D<float> Reconstruct(ReadOnlySpan<float> sinogram, ParallelBeamGeometry g, FbpOptions options) => Reconstruct(sinogram.ToArray(), g, options);

    /// <summary>Reconstructs with a prepared geometry (reuse it across the slices of a volume); the sinogram is not modified.</summary>
    public static Image2D<float> Reconstruct(float[] sinogram, ParallelBeamGeometry g, FbpOptions options)
    {
        if (sinogram.Length != (long)g.Angles * g.DetectorBins) throw new ArgumentException($"sinogram holds {sinogram.Length} values, {g.Angles}×{g.DetectorBins} expected");
        // Filtered rows go straight into the zero-guarded layout of the back-projector (a pooled buffer: a volume
        // reconstructs thousands of slices, and fresh megabyte arrays cost page faults).
        int length = g.Angles * g.PaddedBins;
        var padded = ArrayPool<float>.Shared.Rent(length);
        try
        {
            for (int i = 0; i < g.Angles; i++)
            {
                padded.AsSpan(i * g.PaddedBins, g.PadLeft).Clear();
                padded.AsSpan(i * g.PaddedBins + g.PadLeft + g.DetectorBins, g.PaddedBins - g.PadLeft - g.DetectorBins).Clear();
            }
            FbpFilters.FilterRows(sinogram, g.Angles, g.DetectorBins, options.Filter, padded, g.PaddedBins, g.PadLeft, options.MaxDegreeOfParallelism);
            var image = new float[(long)g.ImageSize * g.ImageSize];
            float scale = (float)(Math.PI / (2.0 * g.Angles) / PixelSizeCm(options.PixelSizeUm));
            g.BackProjectPadded(padded, image, scale, options.CircleMask, options.MaxDegreeOfParallelism);
            double px = double.IsNaN(options.PixelSizeUm) ? double.NaN : options.PixelSizeUm;
            return new Image2D<float>(g.ImageSize, g.ImageSize, image) { PixelSizeXUm = px, PixelSizeYUm = px };
        }
        finally { ArrayPool<float>.Shared.Return(padded); }
    }

    /// <summary>The back-projection inner loop this machine runs: <c>avx512-permute</c>, <c>avx2-gather</c> or <c>scalar</c>.</summary>
    public static string KernelName => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "avx512-permute"
        : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2-gather" : "scalar";

    /// <summary>Pixel size in cm for unit conversion (1 when unknown: the result stays per pixel).</summary>
    internal static double PixelSizeCm(double pixelSizeUm)
    {
        if (double.IsNaN(pixelSizeUm)) return 1;
        InputException.Require(double.IsFinite(pixelSizeUm) && pixelSizeUm > 0, "--pixel-size-um", $"{pixelSizeUm} must be a positive pixel size");
        return pixelSizeUm * 1e-4;
    }
}
