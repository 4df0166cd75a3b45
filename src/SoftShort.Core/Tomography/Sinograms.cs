using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>
/// Sinogram helpers: line integrals from transmission, assembling sinograms (rows = angles, columns = detector bins,
/// one sinogram per detector row) from a stack of projections, input checks.
/// </summary>
public static class Sinograms
{
    /// <summary>Smallest transmission taken before the logarithm (counting noise can give T ≤ 0 behind dense parts).</summary>
    public const float MinTransmission = 1e-4f;

    /// <summary>Line integral p = −ln T with T clamped to [<see cref="MinTransmission"/>, ∞). NaN/∞ rejected upstream.</summary>
    public static void LineIntegralsInPlace(Span<float> transmission)
    {
        for (int i = 0; i < transmission.Length; i++)
            transmission[i] = -MathF.Log(MathF.Max(transmission[i], MinTransmission));
    }

    /// <summary>Throws an <see cref="InputException"/> naming <paramref name="what"/> and the first non-finite value.</summary>
    public static void RequireFinite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) throw new InputException(what, $"value {i} is {values[i]} (non-finite values cannot be reconstructed)");
    }

    /// <summary>
    /// Takes detector rows [<paramref name="row0"/>, row0 + count) from a projection (one angle) into the sinograms of those
    /// rows: sinograms[r][angle, :] = projection[row0 + r, :].
    /// </summary>
    public static void ScatterProjection(Image2D<float> projection, int angle, int row0, float[][] sinograms)
    {
        int w = projection.Width;
        for (int r = 0; r < sinograms.Length; r++)
            projection.Row(row0 + r).CopyTo(sinograms[r].AsSpan(angle * w, w));
    }

    /// <summary>
    /// Ring-artefact reduction on a sinogram (rows = angles): a defective or mis-normalised detector column adds the same
    /// offset at every angle, which back-projects into a ring. The column means over all angles are compared with their
    /// running median over <paramref name="window"/> columns; the difference (the stripe) is subtracted from every row.
    /// After the mean-based stripe filter of Boin &amp; Haibel, Opt. Express 14, 12071 (2006), with a median reference
    /// (Vo et al., Opt. Express 26, 28396, 2018, algorithm 2 in its simplest form).
    /// </summary>
    /// <param name="sinogram">Angles × bins, modified in place.</param>
    /// <param name="angles">Rows.</param>
    /// <param name="bins">Columns.</param>
    /// <param name="window">Odd median window in detector columns (default 11); wider removes wider stripes.</param>
    public static void RemoveStripes(Span<float> sinogram, int angles, int bins, int window = 11)
    {
        InputException.Require(window >= 3 && window % 2 == 1, "--ring-window", $"{window} must be odd and ≥ 3");
        var mean = new double[bins];
        for (int a = 0; a < angles; a++)
        {
            var row = sinogram.Slice(a * bins, bins);
            for (int j = 0; j < bins; j++) mean[j] += row[j];
        }
        for (int j = 0; j < bins; j++) mean[j] /= angles;
        var stripe = new float[bins];
        var buf = new double[window];
        int h = window / 2;
        for (int j = 0; j < bins; j++)
        {
            int m = 0;
            for (int k = j - h; k <= j + h; k++) buf[m++] = mean[Math.Clamp(k, 0, bins - 1)];
            Array.Sort(buf, 0, m);
            stripe[j] = (float)(mean[j] - buf[m / 2]);
        }
        for (int a = 0; a < angles; a++)
        {
            var row = sinogram.Slice(a * bins, bins);
            for (int j = 0; j < bins; j++) row[j] -= stripe[j];
        }
    }
}
