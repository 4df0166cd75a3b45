using System.Globalization;
using SoftShort.IO;
using SoftShort.Tomography;

namespace SoftShort.Synthetic;

/// <summary>
/// Writes a synthetic before/after neutron CT data set (the <c>softshort synth ct</c> output and data-samples/neutron-ct/):
/// <c>before_projections.tif</c>, <c>after_projections.tif</c> (uint16 counts, one page per angle, Rows × Bins),
/// <c>open_beam.tif</c>, <c>dark_field.tif</c> (uint16, <see cref="NeutronCtScanOptions.FlatFrames"/> pages),
/// <c>angles_deg.csv</c>, and <c>summary.json</c> with the planted truth (axis, motion, attenuation per material, Li volumes).
/// </summary>
public static class NeutronCtSample
{
    public const string BeforeFile = "before_projections.tif", AfterFile = "after_projections.tif", OpenBeamFile = "open_beam.tif", DarkFieldFile = "dark_field.tif", AnglesFile = "angles_deg.csv";

    /// <summary>The planted motion of the after-scan (voxels and degrees about the volume centre), by default.</summary>
    public static RigidTransform DefaultMotion { get; } = new(0.3, -0.25, 2.5, 1.3, -0.7, 0.4);

    public static SummaryJson Write(string dir, NeutronCtScanOptions o, RigidTransform motion, IProgress<ProgressReport>? progress = null)
    {
        var cell = new NeutronCtCell();
        var before = NeutronCtScan.Simulate(cell, RigidTransform.Identity, o, o.Seed, Sub(progress, "before scan"));
        var after = NeutronCtScan.Simulate(cell.AsAfter(), motion, o, o.Seed + 1, Sub(progress, "after scan"));
        Directory.CreateDirectory(dir);
        WriteStack(Path.Combine(dir, BeforeFile), before.Projections, o);
        WriteStack(Path.Combine(dir, AfterFile), after.Projections, o);
        WriteStack(Path.Combine(dir, OpenBeamFile), before.OpenBeams, o);
        WriteStack(Path.Combine(dir, DarkFieldFile), before.DarkFields, o);
        CsvTable.Write(Path.Combine(dir, AnglesFile), [("angle_deg", before.AnglesDeg)]);
        var summary = new SummaryJson("synth ct")
            .Parameter("pixel_um", o.PixelUm).Parameter("bins", o.Bins).Parameter("rows", o.Rows).Parameter("angles", o.Angles)
            .Parameter("first_row_z_um", o.FirstRowZUm).Parameter("wavelength_A", o.WavelengthA).Parameter("open_beam_counts", o.OpenBeamCounts)
            .Parameter("seed", o.Seed)
            .Set("angles_deg", $"0:360:{o.Angles}")
            .Set("axis_px", o.AxisPx)
            .Set("motion_rot_x_deg", motion.RotXDeg).Set("motion_rot_y_deg", motion.RotYDeg).Set("motion_rot_z_deg", motion.RotZDeg)
            .Set("motion_shift_x_px", motion.Tx).Set("motion_shift_y_px", motion.Ty).Set("motion_shift_z_px", motion.Tz)
            .Set("li_volume_before_mm3", cell.LithiumVolumeMm3()).Set("li_volume_after_mm3", cell.AsAfter().LithiumVolumeMm3())
            .Set("li_thinning_um", cell.ThinningUm).Set("li_creep_depth_um", cell.CreepDepthUm).Set("li_creep_azimuth_deg", cell.CreepAzimuthDeg);
        foreach (var m in Enum.GetValues<CellMaterial>())
            summary.Set($"attenuation_{m.ToString().ToLowerInvariant()}_per_cm", NeutronCtScan.AttenuationPerCm(m, cell.Cell, o.WavelengthA));
        summary.Write(Path.Combine(dir, "summary.json"));
        return summary;
    }

    static IProgress<ProgressReport>? Sub(IProgress<ProgressReport>? p, string task) =>
        p == null ? null : new Progress(r => p.Report(new ProgressReport(task, r.Fraction)));

    sealed class Progress(Action<ProgressReport> a) : IProgress<ProgressReport> { public void Report(ProgressReport v) => a(v); }

    static void WriteStack(string path, IReadOnlyList<float[]> frames, NeutronCtScanOptions o)
    {
        using var w = TiffStackWriter<ushort>.Create(path, o.Bins, o.Rows, frames.Count);
        var buf = new ushort[o.Bins * o.Rows];
        foreach (var f in frames)
        {
            for (int i = 0; i < buf.Length; i++) buf[i] = (ushort)Math.Clamp(f[i], 0, 65535);
            w.Append(buf);
        }
        w.Commit();
    }

    /// <summary>Reads the angle in degrees of <see cref="AnglesFile"/>.</summary>
    public static double[] ReadAngles(string dir) => ProjectionAngles.ReadFile(Path.Combine(dir, AnglesFile));

    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
