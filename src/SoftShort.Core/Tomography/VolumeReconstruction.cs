using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>Options of <see cref="VolumeReconstruction"/>.</summary>
public sealed record VolumeReconstructionOptions
{
    /// <summary>Filter, centre, pixel size (for cm⁻¹), size of each slice.</summary>
    public FbpOptions Fbp { get; init; } = new();
    /// <summary>Estimate the rotation axis from the sinograms (ignored when <see cref="FbpOptions.CenterPx"/> is set).</summary>
    public bool AutoCenter { get; init; } = true;
    /// <summary>Stripe (ring) removal window in detector columns; 0 = off.</summary>
    public int RingWindow { get; init; }
    /// <summary>Memory for sinograms held at once, bytes (rows are reconstructed in chunks that fit). Default 256 MB.</summary>
    public long MemoryBudgetBytes { get; init; } = 256L << 20;
}

/// <summary>What a volume reconstruction did.</summary>
public sealed record VolumeReconstructionResult(int Slices, int SliceSize, double CenterPx, int Chunks, long InvalidPixels);

/// <summary>
/// Projection stack → volume, slice by slice in bounded memory. Each projection (one angle, Rows × Bins) is normalised
/// to transmission (the radiography <see cref="Normalizer"/>, paper Eq. 1) when an open beam and dark field are given,
/// turned into line integrals −ln T, and scattered into the sinograms of its detector rows; one detector row gives one
/// slice (volume [z = detector row, y, x]). When the sinograms of all rows do not fit
/// <see cref="VolumeReconstructionOptions.MemoryBudgetBytes"/>, rows are done in chunks, re-reading the projections
/// once per chunk; slices stream to the sink in order.
/// </summary>
public static class VolumeReconstruction
{
    /// <param name="projections">Re-enumerable source of projections (raw counts with a normaliser, else transmission).</param>
    /// <param name="width">Detector columns.</param>
    /// <param name="height">Detector rows.</param>
    /// <param name="anglesDeg">One angle per projection.</param>
    /// <param name="normalizer">DF/OB normaliser, or null when the projections already are transmission.</param>
    /// <param name="options">Reconstruction options.</param>
    /// <param name="sliceSink">Receives slice z (0 … height−1) in order.</param>
    /// <param name="progress">Optional progress sink.</param>
    public static VolumeReconstructionResult Reconstruct(Func<IEnumerable<Image2D<float>>> projections, int width, int height, IReadOnlyList<double> anglesDeg,
        Normalizer? normalizer, VolumeReconstructionOptions options, Action<int, Image2D<float>> sliceSink, IProgress<ProgressReport>? progress = null)
    {
        int angles = anglesDeg.Count;
        if (normalizer != null)
        {
            InputException.Require(normalizer.Width == width && normalizer.Height == height, "--open-beam",
                $"open beam/dark field are {normalizer.Width}×{normalizer.Height}, projections {width}×{height}");
            InputException.Require(normalizer.InvalidBeamPixels == 0, "--open-beam",
                $"{normalizer.InvalidBeamPixels} pixels where the open beam is not above the dark field (zero open beam?)");
        }
        long perRow = (long)angles * width * sizeof(float);
        int chunk = (int)Math.Clamp(options.MemoryBudgetBytes / Math.Max(1, perRow), 1, height);
        double center = options.Fbp.CenterPx;
        ParallelBeamGeometry? g = null;
        int chunks = 0; long invalid = 0;
        var buf = new float[(long)width * height];
        for (int row0 = 0; row0 < height; row0 += chunk)
        {
            int rows = Math.Min(chunk, height - row0);
            var sinos = new float[rows][];
            for (int r = 0; r < rows; r++) sinos[r] = new float[(long)angles * width];
            int a = 0;
            foreach (var p in projections())
            {
                InputException.Require(a < angles, "--angles-deg", $"{angles} angles given but the projection stack has more pages");
                InputException.Require(p.Width == width && p.Height == height, "projections", $"page {a} is {p.Width}×{p.Height}, expected {width}×{height}");
                Sinograms.RequireFinite(p.Pixels, $"projection {a}");
                Image2D<float> t = p;
                if (normalizer != null)
                {
                    var res = normalizer.Normalize(p.Pixels, buf);
                    invalid += res.InvalidPixels;
                    t = new Image2D<float>(width, height, buf);
                }
                for (int r = 0; r < rows; r++)
                {
                    var src = t.Row(row0 + r);
                    var dst = sinos[r].AsSpan(a * width, width);
                    src.CopyTo(dst);
                    Sinograms.LineIntegralsInPlace(dst);
                }
                a++;
            }
            InputException.Require(a == angles, "--angles-deg", $"{angles} angles given but the projection stack has {a} pages");
            if (options.RingWindow > 0) foreach (var s in sinos) Sinograms.RemoveStripes(s, angles, width, options.RingWindow);
            if (g == null)
            {
                if (double.IsNaN(center) && options.AutoCenter)
                {
                    var sum = new float[(long)angles * width];
                    foreach (var s in sinos) for (long k = 0; k < sum.Length; k++) sum[k] += s[k];
                    center = CenterOfRotation.FromSinogram(sum, anglesDeg, width);
                }
                g = new ParallelBeamGeometry(anglesDeg, width, center, options.Fbp.ImageSize);
                center = g.CenterPx;
            }
            for (int r = 0; r < rows; r++)
            {
                var slice = FilteredBackProjection.Reconstruct(sinos[r], g, options.Fbp);
                sinos[r] = [];
                sliceSink(row0 + r, slice);
                progress?.Report(new ProgressReport("reconstruction", (row0 + r + 1.0) / height));
            }
            chunks++;
        }
        return new VolumeReconstructionResult(height, g!.ImageSize, center, chunks, invalid);
    }

    /// <summary>In-memory convenience: the whole volume [z = detector row, y, x].</summary>
    public static (Volume3D<float> Volume, VolumeReconstructionResult Result) Reconstruct(IReadOnlyList<float[]> projections, int width, int height,
        IReadOnlyList<double> anglesDeg, Normalizer? normalizer, VolumeReconstructionOptions options, IProgress<ProgressReport>? progress = null)
    {
        var slices = new float[height][];
        int size = 0;
        var res = Reconstruct(() => projections.Select(p => new Image2D<float>(width, height, p)), width, height, anglesDeg, normalizer, options,
            (z, s) => { slices[z] = s.Pixels; size = s.Width; }, progress);
        double px = options.Fbp.PixelSizeUm;
        return (new Volume3D<float>(size, size, slices) { SpacingXUm = px, SpacingYUm = px, SpacingZUm = px }, res);
    }
}
