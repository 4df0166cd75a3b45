using SoftShort.Tomography;

namespace SoftShort.Synthetic;

/// <summary>Acquisition parameters of a synthetic neutron CT scan (defaults: the paper's CT, scaled to a small sample).</summary>
public sealed record NeutronCtScanOptions
{
    /// <summary>Detector pixel, µm (paper: 75–100 µm resolution, Andor iKon-L).</summary>
    public double PixelUm { get; init; } = 100;
    /// <summary>Detector columns (across the cell axis).</summary>
    public int Bins { get; init; } = 128;
    /// <summary>Detector rows (along the cell axis).</summary>
    public int Rows { get; init; } = 24;
    /// <summary>Axial position (cell frame, µm) of the top edge of detector row 0. Default −900: 0.9 mm of the anode rod, then Li and SE.</summary>
    public double FirstRowZUm { get; init; } = -900;
    /// <summary>Projections over 360° (paper: 0.65° steps → 554).</summary>
    public int Angles { get; init; } = 554;
    /// <summary>Rotation axis offset from the detector centre (bins − 1)/2, detector pixels (a real stage is never perfectly centred).</summary>
    public double AxisOffsetPx { get; init; } = 0.8;
    /// <summary>Neutron wavelength of the Beer–Lambert model, Å. Default 2.6 (the CG1D peak; see docs/neutron-ct.md for why not the spectrum mean).</summary>
    public double WavelengthA { get; init; } = 2.6;
    /// <summary>Open-beam counts per pixel and projection at the beam centre (20 s exposure, assumption).</summary>
    public double OpenBeamCounts { get; init; } = 12000;
    /// <summary>Dark-field offset and read noise, counts.</summary>
    public double DarkCounts { get; init; } = 300;
    public double ReadNoiseCounts { get; init; } = 5;
    /// <summary>Open-beam and dark-field frames recorded.</summary>
    public int FlatFrames { get; init; } = 5;
    /// <summary>Sub-pixel sampling per detector pixel in x, y and z of the forward model.</summary>
    public int Supersample { get; init; } = 3;
    public int Seed { get; init; } = 7;

    public double AxisPx => (Bins - 1) / 2.0 + AxisOffsetPx;
    /// <summary>Axial position of the volume centre (cell frame, µm): the centre of the detector rows.</summary>
    public double MidZUm => FirstRowZUm + Rows * PixelUm / 2;
}

/// <summary>Raw frames of one synthetic scan: projections (one per angle, Rows × Bins counts), open beams and dark fields.</summary>
public sealed record NeutronCtFrames(IReadOnlyList<float[]> Projections, IReadOnlyList<float[]> OpenBeams, IReadOnlyList<float[]> DarkFields, double[] AnglesDeg);

/// <summary>
/// Forward model of a parallel-beam neutron CT: the cell (<see cref="NeutronCtCell"/>) is sampled on a grid
/// <see cref="NeutronCtScanOptions.Supersample"/>× finer than the detector, each detector row averages its sub-slices,
/// the slice is projected (pixel-driven, <see cref="ParallelBeamGeometry.Project"/>) onto fine bins, the transmission
/// exp(−∫Σ dl) (Beer–Lambert, Σ from <see cref="NeutronCrossSections"/> at one wavelength) is averaged over each detector
/// pixel, and counts are drawn: Poisson(I₀·T) + dark offset + Gaussian read noise, I₀ with a smooth beam profile.
/// The object may be placed with a rigid motion (<see cref="RigidTransform"/> in voxels about the volume centre), as an
/// after-scan is on a real beamline.
/// </summary>
public static class NeutronCtScan
{
    /// <summary>Attenuation coefficient of each material at the scan wavelength, cm⁻¹.</summary>
    public static double AttenuationPerCm(CellMaterial m, CellGeometry cell, double wavelengthA) =>
        NeutronCrossSections.For(m, cell).AttenuationPerCm(wavelengthA);

    /// <summary>Simulates one scan.</summary>
    /// <param name="cell">The cell (before or after).</param>
    /// <param name="motion">Placement of the object: lab point q shows the cell at motion⁻¹(q) (voxels about the volume centre).</param>
    /// <param name="o">Acquisition options.</param>
    /// <param name="seed">Noise seed.</param>
    /// <param name="progress">Optional progress sink.</param>
    public static NeutronCtFrames Simulate(NeutronCtCell cell, RigidTransform motion, NeutronCtScanOptions o, int seed, IProgress<ProgressReport>? progress = null)
    {
        InputException.Require(o.PixelUm > 0 && o.Bins >= 8 && o.Rows >= 1 && o.Angles >= 2 && o.Supersample >= 1, "synth ct", "pixel, bins (≥ 8), rows, angles (≥ 2) and supersample must be positive");
        int s = o.Supersample, nf = o.Bins * s;
        double hUm = o.PixelUm / s;
        var angles = ProjectionAngles.Range(0, 360, o.Angles);
        var g = new ParallelBeamGeometry(angles, nf, o.AxisPx * s + (s - 1) / 2.0, nf);
        var mu = Enum.GetValues<CellMaterial>().Select(m => (float)(AttenuationPerCm(m, cell.Cell, o.WavelengthA) * hUm * 1e-4)).ToArray();
        double cf = (nf - 1) / 2.0;
        var transmission = new float[o.Angles][];
        for (int a = 0; a < o.Angles; a++) transmission[a] = new float[o.Rows * o.Bins];
        var slice = new float[(long)nf * nf];
        var sino = new float[(long)o.Angles * nf];
        for (int row = 0; row < o.Rows; row++)
        {
            Array.Clear(slice);
            for (int k = 0; k < s; k++)
            {
                double zLab = o.FirstRowZUm + (row + (k + 0.5) / s) * o.PixelUm;
                Parallel.For(0, nf, j =>
                {
                    for (int i = 0; i < nf; i++)
                    {
                        // lab (voxel units about the volume centre) → cell frame
                        var (px, py, pz) = motion.ApplyInverse((i - cf) * hUm / o.PixelUm, (j - cf) * hUm / o.PixelUm, (zLab - o.MidZUm) / o.PixelUm, 0, 0, 0);
                        var m = cell.MaterialAt(px * o.PixelUm, py * o.PixelUm, pz * o.PixelUm + o.MidZUm);
                        slice[(long)j * nf + i] += mu[(int)m] / s;
                    }
                });
            }
            g.Project(slice, sino);
            Parallel.For(0, o.Angles, a =>
            {
                var t = transmission[a].AsSpan(row * o.Bins, o.Bins);
                for (int b = 0; b < o.Bins; b++)
                {
                    double v = 0;
                    for (int q = 0; q < s; q++) v += Math.Exp(-sino[(long)a * nf + b * s + q]);
                    t[b] = (float)(v / s);
                }
            });
            progress?.Report(new ProgressReport("forward projection", (row + 1.0) / o.Rows));
        }
        var rng = new Random(seed);
        var beam = BeamProfile(o);
        var proj = new float[o.Angles][];
        for (int a = 0; a < o.Angles; a++)
        {
            var f = new float[o.Rows * o.Bins];
            for (int i = 0; i < f.Length; i++) f[i] = Counts(rng, beam[i] * transmission[a][i], o);
            proj[a] = f;
        }
        var ob = new float[o.FlatFrames][]; var df = new float[o.FlatFrames][];
        for (int k = 0; k < o.FlatFrames; k++)
        {
            ob[k] = new float[o.Rows * o.Bins]; df[k] = new float[o.Rows * o.Bins];
            for (int i = 0; i < beam.Length; i++) { ob[k][i] = Counts(rng, beam[i], o); df[k][i] = Counts(rng, 0, o); }
        }
        return new NeutronCtFrames(proj, ob, df, angles);
    }

    /// <summary>Open-beam counts per pixel: a smooth profile falling by 12 % to the detector corners.</summary>
    static double[] BeamProfile(NeutronCtScanOptions o)
    {
        var p = new double[o.Rows * o.Bins];
        for (int r = 0; r < o.Rows; r++)
            for (int b = 0; b < o.Bins; b++)
            {
                double u = (b - (o.Bins - 1) / 2.0) / o.Bins, v = (r - (o.Rows - 1) / 2.0) / Math.Max(o.Bins, o.Rows);
                p[r * o.Bins + b] = o.OpenBeamCounts * (1 - 0.24 * (u * u + v * v) * 2);
            }
        return p;
    }

    static float Counts(Random rng, double mean, NeutronCtScanOptions o)
    {
        double n = Poisson(rng, mean) + o.DarkCounts + o.ReadNoiseCounts * Gaussian(rng);
        return (float)Math.Clamp(Math.Round(n), 0, 65535);
    }

    static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Poisson deviate: Knuth's product method below 30, the normal approximation above (error &lt; 1 % in shape).</summary>
    static double Poisson(Random rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 30) return Math.Max(0, Math.Round(mean + Math.Sqrt(mean) * Gaussian(rng)));
        double l = Math.Exp(-mean), p = 1; int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }
}
