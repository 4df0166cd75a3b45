using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.IO;
using SoftShort.Synthetic;
using SoftShort.Xct;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>XCT commands: <c>synth xct</c>, <c>xct profile|segment|label|regions|fractions|analyze</c>, <c>bench xct</c>.</summary>
public sealed class XctCommands : ICommandModule
{
    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthXctCommand>("xct")
            .WithDescription("Synthetic post-mortem XCT volume of the soft-shorted cell (Fig. 3) with its planted truth.")
            .WithExample("synth", "xct", "--out", "xct")
            .WithExample("synth", "xct", "--voxel-um", "1.62", "--out", "xct-full");

    public void Configure(IConfigurator config) =>
        config.AddBranch("xct", b =>
        {
            b.SetDescription("X-ray CT analysis of the post-mortem cell (paper Section 2.3, Fig. 3F–J).");
            b.AddCommand<XctProfileCommand>("profile").WithDescription("Median grey value of each slice inside the cell mask, and the cathode|SE and SE|anode interfaces (Fig. 3F, G).")
                .WithExample("xct", "profile", "--in", "data-samples/xct/cell_xct.tif", "--out", "xct-profile");
            b.AddCommand<XctSegmentCommand>("segment").WithDescription("Multi-Otsu thresholds (2–5 classes) inside the cell mask and a class volume (uint8; 0 = outside the mask, class k → k+1).")
                .WithExample("xct", "segment", "--in", "data-samples/xct/cell_xct.tif", "--classes", "3", "--out", "xct-segment");
            b.AddCommand<XctLabelCommand>("label").WithDescription("3D connected-component labels of the non-zero voxels of a volume (uint32 multi-page TIFF; scipy.ndimage.label numbering).")
                .WithExample("xct", "label", "--in", "mask.tif", "--connectivity", "26", "--out", "labels.tif");
            b.AddCommand<XctRegionsCommand>("regions").WithDescription("Low-attenuation regions: table, size filter, anode-connected (red) vs isolated (blue), reach into the SE (Fig. 3I).")
                .WithExample("xct", "regions", "--in", "data-samples/xct/cell_xct.tif", "--min-volume-um3", "3.4e5", "--out", "xct-regions");
            b.AddCommand<XctFractionsCommand>("fractions").WithDescription("Volume fraction of low-attenuation regions in N SE layers (Fig. 3J).")
                .WithExample("xct", "fractions", "--in", "data-samples/xct/cell_xct.tif", "--layers", "10", "--out", "xct-fractions");
        });

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchXctCommand>("xct")
            .WithDescription("Labelling throughput (voxels/s, peak memory) on 512³ volumes with 6/26 connectivity, and the full pipeline on the sample.");
}

/// <summary>Options shared by the XCT analysis commands.</summary>
public class XctInputSettings : OutDirSettings
{
    [CommandOption("-i|--in <VOLUME>")]
    [Description("Volume: multi-page TIFF, a folder of TIFF slices, .nrrd/.nhdr, or .raw with a FILE.json sidecar.")]
    public string? In { get; init; }

    [CommandOption("--spacing-um <S>")]
    [Description("Voxel spacing in µm: one value (isotropic) or Z,Y,X. Default: from the sidecar/NRRD header.")]
    public string? SpacingUm { get; init; }

    [CommandOption("--interfaces-z <C,A>")]
    [Description("Cathode|SE and SE|anode interfaces in slice coordinates (slice z covers [z, z+1)). Default: found on the median profile.")]
    public string? InterfacesZ { get; init; }

    [CommandOption("--mask-margin <VOXELS>")][DefaultValue(2.0)]
    [Description("Margin of the cell mask inside the detected tube bore, voxels. Default: 2")]
    public double MaskMargin { get; init; } = 2;

    [CommandOption("--threshold <GREY>")]
    [Description("Manual low-attenuation threshold (voxels ≤ it are low). Default: Otsu on the SE voxels.")]
    public double? Threshold { get; init; }

    [CommandOption("--connectivity <N>")][DefaultValue(26)]
    [Description("6, 18 or 26. Default: 26")]
    public int Connectivity { get; init; } = 26;

    [CommandOption("--prefilter <F>")][DefaultValue("none")]
    [Description("Pre-filter of the grey volume: none, median (3×3×3) or gaussian (σ = 0.7 voxel). Default: none")]
    public string Prefilter { get; init; } = "none";

    [CommandOption("--threshold-method <M>")][DefaultValue("iso50")]
    [Description("Automatic low-attenuation threshold: iso50 (partial-volume robust) or otsu. Default: iso50")]
    public string ThresholdMethod { get; init; } = "iso50";

    [CommandOption("--min-volume-um3 <V>")][DefaultValue(3.4e5)]
    [Description("Size filter in µm³. Default: 3.4e5 (paper)")]
    public double MinVolumeUm3 { get; init; } = 3.4e5;

    [CommandOption("--layers <N>")][DefaultValue(10)]
    [Description("SE layers for the volume fractions. Default: 10 (paper)")]
    public int Layers { get; init; } = 10;

    public override Spectre.Console.ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        var p = CheckPathOption(In, "--in");
        if (!p.Successful) return p;
        if (string.IsNullOrEmpty(In)) return Spectre.Console.ValidationResult.Error("--in VOLUME is required");
        if (Connectivity is not (6 or 18 or 26)) return Spectre.Console.ValidationResult.Error($"--connectivity {Connectivity}: must be 6, 18 or 26");
        if (!double.IsFinite(MinVolumeUm3) || MinVolumeUm3 < 0) return Spectre.Console.ValidationResult.Error($"--min-volume-um3 {MinVolumeUm3}: must be ≥ 0");
        if (Layers is < 1 or > 1000) return Spectre.Console.ValidationResult.Error($"--layers {Layers}: must be in [1, 1000]");
        if (!double.IsFinite(MaskMargin) || MaskMargin < 0) return Spectre.Console.ValidationResult.Error($"--mask-margin {MaskMargin}: must be ≥ 0");
        if (Threshold is { } t && !double.IsFinite(t)) return Spectre.Console.ValidationResult.Error("--threshold must be finite");
        if (Prefilter is not ("none" or "median" or "gaussian")) return Spectre.Console.ValidationResult.Error($"--prefilter {Prefilter}: none, median or gaussian");
        if (ThresholdMethod is not ("iso50" or "otsu")) return Spectre.Console.ValidationResult.Error($"--threshold-method {ThresholdMethod}: iso50 or otsu");
        return Spectre.Console.ValidationResult.Success();
    }

    public XctOptions ToOptions(int phaseClasses = 4)
    {
        CellInterfaces? itf = null;
        if (InterfacesZ is { } s)
        {
            var parts = s.Split(',');
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double c) || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                || !double.IsFinite(c) || !double.IsFinite(a))
                throw new InputException("--interfaces-z", $"'{s}': expected two numbers C,A");
            itf = new CellInterfaces(c, a);
        }
        return new XctOptions
        {
            Connectivity = (Connectivity)Connectivity, MinRegionVolumeUm3 = MinVolumeUm3, Layers = Layers, MaskMarginVoxels = MaskMargin,
            LowThreshold = Threshold ?? double.NaN, Interfaces = itf, PhaseClasses = phaseClasses, LowThresholdMethod = ThresholdMethod,
        };
    }

    public IVolumeSource OpenVolume() => XctCli.Open(In!, SpacingUm, Prefilter);
}

static class XctCli
{
    /// <summary>Opens the volume; reads it into memory when it fits comfortably (under 2 GB as float32), else streams.</summary>
    public static IVolumeSource Open(string path, string? spacing, string prefilter = "none")
    {
        var src = VolumeIO.Open(path, spacing is null ? null : VolumeSpacing.Parse(spacing));
        src = prefilter switch { "median" => VolumeFilters.Median3(src), "gaussian" => VolumeFilters.Gaussian(src, 0.7), _ => src };
        if ((long)src.Depth * src.Height * src.Width * 4 > 2_000_000_000L) return src;
        using (src)
        {
            var v = CliProgress.Run("read " + Path.GetFileName(path), p => VolumeIO.ReadAll(src, p));
            return VolumeIO.FromMemory(v, path);
        }
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static SummaryJson Summary(string command, XctInputSettings s, XctResult r)
    {
        var j = new SummaryJson(command)
            .Parameter("in", s.In).Parameter("spacing_um", $"{F(r.Spacing.ZUm)},{F(r.Spacing.YUm)},{F(r.Spacing.XUm)}")
            .Parameter("connectivity", s.Connectivity).Parameter("min_volume_um3", s.MinVolumeUm3).Parameter("layers", s.Layers)
            .Parameter("mask_margin_voxels", s.MaskMargin).Parameter("prefilter", s.Prefilter).Parameter("threshold_method", s.Threshold is null ? s.ThresholdMethod : "manual")
            .Set("shape_zyx", $"{r.Depth}x{r.Height}x{r.Width}")
            .Set("mask_centre_x_voxels", r.Mask.CentreX).Set("mask_centre_y_voxels", r.Mask.CentreY)
            .Set("bore_diameter_um", 2 * r.Mask.BoreRadiusVoxels * r.Spacing.XUm).Set("mask_radius_voxels", r.Mask.RadiusVoxels)
            .Set("cathode_interface_z", r.Interfaces.CathodeZ).Set("anode_interface_z", r.Interfaces.AnodeZ)
            .Set("se_thickness_um", r.SeThicknessUm)
            .Set("low_threshold_grey", r.LowThreshold).Set("phase_thresholds_grey", r.PhaseThresholds)
            .Set("components", r.ComponentCount)
            .Set("regions_above_filter", r.Regions.Count(x => x.PassesSizeFilter))
            .Set("regions_anode_connected", r.Regions.Count(x => x.TouchesAnode))
            .Set("regions_isolated_above_filter", r.Regions.Count(x => x.PassesSizeFilter && !x.TouchesAnode))
            .Set("connected_reach_um", r.ConnectedReachUm).Set("connected_reach_fraction_of_se", r.ConnectedReachFraction)
            .Set("connected_volume_in_se_um3", r.ConnectedVolumeUm3).Set("isolated_large_volume_in_se_um3", r.IsolatedLargeVolumeUm3)
            .Set("layer_fraction_all", r.Fractions.FractionAll).Set("layer_fraction_above_filter", r.Fractions.FractionLarge)
            .Set("filaments", r.Filaments.Count);
        if (r.LongestFilament is { } f)
            j.Set("longest_filament_length_um", f.LengthUm).Set("longest_filament_length_fraction_of_se", f.LengthFraction)
             .Set("longest_filament_root_width_um", f.RootDiameterUm).Set("longest_filament_tip_width_um", f.TipDiameterUm)
             .Set("longest_filament_root_x_voxels", f.RootCentreX).Set("longest_filament_root_y_voxels", f.RootCentreY);
        return j;
    }

    public static void WriteProfile(string path, XctResult r) =>
        CsvTable.Write(path,
        [
            ("z_index", Enumerable.Range(0, r.Depth).Select(z => (double)z).ToArray()),
            ("z_um", Enumerable.Range(0, r.Depth).Select(z => (z + 0.5) * r.Spacing.ZUm).ToArray()),
            ("median_grey", r.MedianProfile),
        ]);

    public static void WriteFractions(string path, XctResult r)
    {
        var f = r.Fractions;
        double t = r.SeThicknessUm / f.Layers;
        CsvTable.Write(path,
        [
            ("layer", Enumerable.Range(1, f.Layers).Select(i => (double)i).ToArray()),
            ("from_cathode_start_um", Enumerable.Range(0, f.Layers).Select(i => i * t).ToArray()),
            ("from_cathode_end_um", Enumerable.Range(1, f.Layers).Select(i => i * t).ToArray()),
            ("voxels", f.Voxels.Select(v => (double)v).ToArray()),
            ("fraction_low_all", f.FractionAll),
            ("fraction_low_above_filter", f.FractionLarge),
            ("fraction_anode_connected", f.FractionAnodeConnected),
            ("fraction_isolated_above_filter", f.FractionIsolatedLarge),
        ]);
    }

    public static void WriteRegions(string path, XctResult r, bool onlyAboveFilter)
    {
        var sp = r.Spacing;
        CsvTable.WriteRows(path,
            ["label", "voxels", "volume_um3", "equivalent_diameter_um", "centroid_z_um", "centroid_y_um", "centroid_x_um",
             "bbox_z0", "bbox_z1", "bbox_y0", "bbox_y1", "bbox_x0", "bbox_x1", "touches_anode", "above_size_filter"],
            r.Regions.Where(g => !onlyAboveFilter || g.PassesSizeFilter).Select(g => (IReadOnlyList<string>)
            [
                g.Label.ToString(CultureInfo.InvariantCulture), g.Voxels.ToString(CultureInfo.InvariantCulture), F(g.VolumeUm3), F(g.EquivalentDiameterUm),
                F((g.CentroidZ + 0.5) * sp.ZUm), F((g.CentroidY + 0.5) * sp.YUm), F((g.CentroidX + 0.5) * sp.XUm),
                g.MinZ.ToString(CultureInfo.InvariantCulture), g.MaxZ.ToString(CultureInfo.InvariantCulture), g.MinY.ToString(CultureInfo.InvariantCulture),
                g.MaxY.ToString(CultureInfo.InvariantCulture), g.MinX.ToString(CultureInfo.InvariantCulture), g.MaxX.ToString(CultureInfo.InvariantCulture),
                g.TouchesAnode ? "1" : "0", g.PassesSizeFilter ? "1" : "0",
            ]));
    }

    public static void WriteFilaments(string path, XctResult r) =>
        CsvTable.WriteRows(path,
            ["rank", "network_label", "volume_in_se_um3", "length_um", "length_fraction_of_se", "root_z", "root_x_voxels", "root_y_voxels",
             "root_width_um", "tip_z", "tip_x_voxels", "tip_y_voxels", "tip_width_z", "tip_width_um"],
            r.Filaments.Select(f => (IReadOnlyList<string>)
            [
                f.Rank.ToString(CultureInfo.InvariantCulture), f.NetworkLabel.ToString(CultureInfo.InvariantCulture), F(f.VolumeUm3), F(f.LengthUm), F(f.LengthFraction),
                f.RootZ.ToString(CultureInfo.InvariantCulture), F(f.RootCentreX), F(f.RootCentreY), F(f.RootDiameterUm),
                f.TipZ.ToString(CultureInfo.InvariantCulture), F(f.TipCentreX), F(f.TipCentreY), f.TipMeasureZ.ToString(CultureInfo.InvariantCulture), F(f.TipDiameterUm),
            ]));

    public static XctResult Analyze(XctInputSettings s, CancellationToken ct, int phaseClasses = 4, bool keepLabels = false)
    {
        var opt = s.ToOptions(phaseClasses) with { KeepLabels = keepLabels };
        using var src = s.OpenVolume();
        return CliProgress.Run("xct analysis", p => XctPipeline.Run(src, opt, p, ct));
    }
}

public sealed class XctProfileCommand : Command<XctInputSettings>
{
    public override int Execute(CommandContext context, XctInputSettings s, CancellationToken ct)
    {
        string outDir = s.Out ?? "xct-profile";
        using var src = s.OpenVolume();
        var (mask, profile, itf) = CliProgress.Run("xct profile", p =>
        {
            var m = CellMask.Detect(src, s.MaskMargin, p);
            var prof = GrayProfile.MedianPerSlice(src, m, p);
            var i = s.ToOptions().Interfaces ?? GrayProfile.FindInterfaces(prof);
            return (m, prof, i);
        });
        var sp = src.Spacing.IsKnown ? src.Spacing : new VolumeSpacing(1, 1, 1);
        Directory.CreateDirectory(outDir);
        CsvTable.Write(Path.Combine(outDir, "profile.csv"),
        [
            ("z_index", Enumerable.Range(0, src.Depth).Select(z => (double)z).ToArray()),
            ("z_um", Enumerable.Range(0, src.Depth).Select(z => (z + 0.5) * sp.ZUm).ToArray()),
            ("median_grey", profile),
        ]);
        new SummaryJson("xct profile").Parameter("in", s.In).Parameter("mask_margin_voxels", s.MaskMargin)
            .Set("spacing_known", src.Spacing.IsKnown)
            .Set("mask_centre_x_voxels", mask.CentreX).Set("mask_centre_y_voxels", mask.CentreY).Set("mask_radius_voxels", mask.RadiusVoxels)
            .Set("bore_diameter_um", 2 * mask.BoreRadiusVoxels * sp.XUm)
            .Set("cathode_interface_z", itf.CathodeZ).Set("anode_interface_z", itf.AnodeZ)
            .Set("se_thickness_um", itf.SeThicknessSlices * sp.ZUm)
            .Write(Path.Combine(outDir, "summary.json"));
        Console.Error.WriteLine($"interfaces: cathode|SE at z = {itf.CathodeZ:F2}, SE|anode at z = {itf.AnodeZ:F2} (slices); SE {itf.SeThicknessSlices * sp.ZUm:F0} µm; wrote {outDir}/profile.csv, summary.json");
        return 0;
    }
}

public sealed class XctSegmentCommand : Command<XctSegmentCommand.Settings>
{
    public sealed class Settings : XctInputSettings
    {
        [CommandOption("--classes <N>")][DefaultValue(3)][Description("Number of multi-Otsu classes, 2–5. Default: 3")]
        public int Classes { get; init; } = 3;
        public override Spectre.Console.ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            return Classes is >= 2 and <= 5 ? Spectre.Console.ValidationResult.Success() : Spectre.Console.ValidationResult.Error($"--classes {Classes}: must be 2 to 5");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken ct)
    {
        string outDir = s.Out ?? "xct-segment";
        using var src = s.OpenVolume();
        var (mask, th) = CliProgress.Run("xct segment", p =>
        {
            var m = CellMask.Detect(src, s.MaskMargin, p);
            var m2 = m.ToBytes();
            var buf = new float[src.Width * src.Height];
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int z = 0; z < src.Depth; z++)
            {
                src.ReadSlice(z, buf);
                for (int i = 0; i < buf.Length; i++) if (m2[i] != 0 && !float.IsNaN(buf[i])) { lo = Math.Min(lo, buf[i]); hi = Math.Max(hi, buf[i]); }
                p.Report(new ProgressReport("histogram", 0.5 * z / src.Depth));
            }
            var h = new Histogram(lo, hi);
            for (int z = 0; z < src.Depth; z++) { src.ReadSlice(z, buf); h.Add(buf, m2); p.Report(new ProgressReport("histogram", 0.5 + 0.5 * z / src.Depth)); }
            return (m, s.Threshold is { } t ? [t] : Thresholds.MultiOtsu(h, s.Classes));
        });
        Directory.CreateDirectory(outDir);
        var m2 = mask.ToBytes();
        var counts = new long[th.Length + 1];
        CliProgress.Run("write classes", p =>
        {
            using var w = TiffStackWriter<byte>.Create(Path.Combine(outDir, "classes.tif"), src.Width, src.Height, src.Depth);
            var buf = new float[src.Width * src.Height];
            var cls = new byte[buf.Length];
            for (int z = 0; z < src.Depth; z++)
            {
                src.ReadSlice(z, buf);
                for (int i = 0; i < buf.Length; i++)
                {
                    if (m2[i] == 0) { cls[i] = 0; continue; }
                    int c = Thresholds.ClassOf(buf[i], th);
                    counts[c]++;
                    cls[i] = (byte)(c + 1);
                }
                w.Append(cls);
                p.Report(new ProgressReport("write classes", (double)z / src.Depth));
            }
            w.Commit();
        });
        long total = counts.Sum();
        new SummaryJson("xct segment").Parameter("in", s.In).Parameter("classes", th.Length + 1).Parameter("mask_margin_voxels", s.MaskMargin)
            .Set("thresholds_grey", th).Set("class_fraction_in_mask", counts.Select(c => total > 0 ? (double)c / total : double.NaN).ToArray())
            .Set("class_volume_file", "classes.tif (0 = outside the cell mask, class k → k + 1)")
            .Write(Path.Combine(outDir, "summary.json"));
        Console.Error.WriteLine($"thresholds: {string.Join(", ", th.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}; wrote {outDir}/classes.tif, summary.json");
        return 0;
    }
}

public sealed class XctLabelCommand : Command<XctLabelCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("-i|--in <VOLUME>")][Description("Volume whose non-zero voxels are labelled (TIFF, folder, NRRD, raw + sidecar).")]
        public string? In { get; init; }
        [CommandOption("-o|--out <FILE>")][Description("Output uint32 multi-page TIFF (BigTIFF past 4 GiB). Default: labels.tif")]
        public string? Out { get; init; }
        [CommandOption("--connectivity <N>")][DefaultValue(26)][Description("6, 18 or 26. Default: 26")]
        public int Connectivity { get; init; } = 26;
        [CommandOption("--spacing-um <S>")][Description("Voxel spacing in µm (recorded in the sidecar of the output).")]
        public string? SpacingUm { get; init; }
        public override Spectre.Console.ValidationResult Validate()
        {
            var p = CheckPathOption(In, "--in");
            if (!p.Successful) return p;
            p = CheckPathOption(Out, "--out");
            if (!p.Successful) return p;
            if (string.IsNullOrEmpty(In)) return Spectre.Console.ValidationResult.Error("--in VOLUME is required");
            return Connectivity is 6 or 18 or 26 ? Spectre.Console.ValidationResult.Success() : Spectre.Console.ValidationResult.Error($"--connectivity {Connectivity}: must be 6, 18 or 26");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken ct)
    {
        string outPath = s.Out ?? "labels.tif";
        using var src = new TimedSource(VolumeIO.Open(s.In!, s.SpacingUm is null ? null : VolumeSpacing.Parse(s.SpacingUm)));
        var conn = (Connectivity)s.Connectivity;
        var sw = Stopwatch.StartNew();
        long count, peakLabel = 0;
        string how;
        double label, write;
        if (src.Width <= RunLabels.MaxWidth)
        {
            // out of core: the input is read slice by slice into the run labeller, which keeps only runs + union-find table;
            // the labels are written slice by slice from the runs
            var runs = CliProgress.Run("label", p => ConnectedComponents.LabelRuns(src, conn, p, cancel: ct));
            label = sw.Elapsed.TotalSeconds; sw.Restart();
            peakLabel = Process.GetCurrentProcess().PeakWorkingSet64;
            CliProgress.Run("write", p => runs.WriteTiff(outPath, progress: p, cancel: ct));
            write = sw.Elapsed.TotalSeconds;
            count = runs.Count;
            how = $"{runs.RunCount} runs, run table {runs.Bytes / 1e6:F1} MB";
        }
        else
        {
            // rows wider than a packed run: the voxel-scan labeller on the volume in memory
            var mask = new Imaging.Volume3D<byte>(src.Depth, src.Height, src.Width);
            CliProgress.Run("read", p =>
            {
                var buf = new float[src.Width * src.Height];
                for (int z = 0; z < src.Depth; z++)
                {
                    src.ReadSlice(z, buf);
                    ConnectedComponents.NonZero(buf, mask.Slice(z));
                    p.Report(new ProgressReport("read " + Path.GetFileName(s.In!), (double)(z + 1) / src.Depth));
                }
            });
            var r = CliProgress.Run("label", p => ConnectedComponents.Label(mask, conn, p));
            label = sw.Elapsed.TotalSeconds; sw.Restart();
            CliProgress.Run("write", p =>
            {
                using var w = TiffStackWriter<uint>.Create(outPath, src.Width, src.Height, src.Depth);
                for (int z = 0; z < src.Depth; z++) { w.Append(r.Labels.Slice(z)); p.Report(new ProgressReport("write " + Path.GetFileName(outPath), (double)(z + 1) / src.Depth)); }
                w.Commit();
            });
            write = sw.Elapsed.TotalSeconds;
            count = r.Count;
            how = "label volume in memory";
        }
        if (src.Spacing.IsKnown) VolumeSidecar.Write(outPath, src.Spacing);
        Console.Error.WriteLine($"{count} components ({s.Connectivity}-connectivity) in {src.Depth}×{src.Height}×{src.Width} voxels ({how}); " +
            $"read {src.ReadSeconds:F2} s, label {label - src.ReadSeconds:F2} s, write {write:F2} s; peak working set {(peakLabel > 0 ? $"{peakLabel / 1e6:F0} MB after labelling, " : "")}{Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB at the end; wrote {outPath}");
        return 0;
    }

    /// <summary>A volume source that adds up the time spent reading slices.</summary>
    sealed class TimedSource(IVolumeSource inner) : IVolumeSource
    {
        readonly Stopwatch _sw = new();
        public double ReadSeconds => _sw.Elapsed.TotalSeconds;
        public string Path => inner.Path;
        public int Depth => inner.Depth;
        public int Height => inner.Height;
        public int Width => inner.Width;
        public VolumeSpacing Spacing => inner.Spacing;
        public void ReadSlice(int z, Span<float> dst) { _sw.Start(); try { inner.ReadSlice(z, dst); } finally { _sw.Stop(); } }
        public void Dispose() => inner.Dispose();
    }
}

public sealed class XctRegionsCommand : Command<XctInputSettings>
{
    public override int Execute(CommandContext context, XctInputSettings s, CancellationToken ct)
    {
        string outDir = s.Out ?? "xct-regions";
        var r = XctCli.Analyze(s, ct);
        Directory.CreateDirectory(outDir);
        XctCli.WriteRegions(Path.Combine(outDir, "regions.csv"), r, onlyAboveFilter: false);
        XctCli.WriteProfile(Path.Combine(outDir, "profile.csv"), r);
        XctCli.WriteFilaments(Path.Combine(outDir, "filaments.csv"), r);
        XctCli.Summary("xct regions", s, r).Write(Path.Combine(outDir, "summary.json"));
        Console.Error.WriteLine($"{r.ComponentCount} regions, {r.Regions.Count(g => g.PassesSizeFilter)} above {s.MinVolumeUm3:G3} µm³ ({r.Regions.Count(g => g.TouchesAnode)} anode-connected); " +
            $"connected network reaches {r.ConnectedReachUm:F0} µm = {100 * r.ConnectedReachFraction:F1} % of the SE" +
            (r.LongestFilament is { } f ? $"; longest filament {f.LengthUm:F0} µm, root {f.RootDiameterUm:F0} µm, tip {f.TipDiameterUm:F0} µm wide" : "") +
            $"; wrote {outDir}/regions.csv, filaments.csv, profile.csv, summary.json");
        return 0;
    }
}

public sealed class XctFractionsCommand : Command<XctInputSettings>
{
    public override int Execute(CommandContext context, XctInputSettings s, CancellationToken ct)
    {
        string outDir = s.Out ?? "xct-fractions";
        var r = XctCli.Analyze(s, ct);
        Directory.CreateDirectory(outDir);
        XctCli.WriteFractions(Path.Combine(outDir, "fractions.csv"), r);
        XctCli.Summary("xct fractions", s, r).Write(Path.Combine(outDir, "summary.json"));
        var f = r.Fractions.FractionAll;
        Console.Error.WriteLine($"low-attenuation fraction per layer (cathode → anode): {string.Join(" ", f.Select(x => (100 * x).ToString("F2", CultureInfo.InvariantCulture)))} %; wrote {outDir}/fractions.csv, summary.json");
        return 0;
    }
}

public sealed class SynthXctCommand : Command<SynthXctCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--seed <N>")][DefaultValue(6)][Description("Random seed. Default: 6")]
        public int Seed { get; init; } = 6;
        [CommandOption("--voxel-um <UM>")][DefaultValue(16.2)][Description("Isotropic voxel size in µm. Default: 16.2 (the paper's 1.62 µm binned 10×); 1.62 = full size")]
        public double VoxelUm { get; init; } = 16.2;
        [CommandOption("--layers <N>")][DefaultValue(10)][Description("SE layers for the planted fractions. Default: 10")]
        public int Layers { get; init; } = 10;
        [CommandOption("--noise <SIGMA>")][DefaultValue(6.0)][Description("Gaussian noise σ in grey levels. Default: 6")]
        public double Noise { get; init; } = 6;

        public override Spectre.Console.ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (!double.IsFinite(VoxelUm) || VoxelUm < 0.5 || VoxelUm > 100) return Spectre.Console.ValidationResult.Error($"--voxel-um {VoxelUm}: must be in [0.5, 100]");
            if (Layers is < 1 or > 100) return Spectre.Console.ValidationResult.Error($"--layers {Layers}: must be in [1, 100]");
            if (!double.IsFinite(Noise) || Noise < 0 || Noise > 100) return Spectre.Console.ValidationResult.Error($"--noise {Noise}: must be in [0, 100]");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "xct";
        var opt = new XctPhantomOptions { Seed = s.Seed, VoxelUm = s.VoxelUm, Layers = s.Layers, NoiseSigma = s.Noise };
        var sw = Stopwatch.StartNew();
        var truth = CliProgress.Run("synth xct", p => XctSynth.WriteSample(outDir, opt, p, cancellationToken));
        Console.Error.WriteLine($"wrote {outDir}/cell_xct.tif ({truth.Width}×{truth.Height}×{truth.Depth} voxels at {opt.VoxelUm} µm), truth.json, truth_layers.csv, summary.json in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}

public sealed class BenchXctCommand : Command<BenchXctCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--size <N>")][DefaultValue(512)][Description("Edge of the cubic test volumes. Default: 512")]
        public int Size { get; init; } = 512;
        [CommandOption("--threads <N>")][DefaultValue(0)][Description("Threads for labelling (0 = all cores). Default: 0")]
        public int Threads { get; init; }
        [CommandOption("--repeat <N>")][DefaultValue(3)][Description("Timed repetitions (the best is reported). Default: 3")]
        public int Repeat { get; init; } = 3;
        [CommandOption("--save <DIR>")][Description("Also write the test masks as raw uint8 + sidecar (to time scipy.ndimage.label on the same data).")]
        public string? Save { get; init; }
        [CommandOption("--data <DIR>")][Description("data-samples folder for the pipeline run. Default: found automatically")]
        public string? Data { get; init; }
        [CommandOption("--case <NAME>")][DefaultValue("all")][Description("random50, porous20 or all. Default: all")]
        public string Case { get; init; } = "all";
        [CommandOption("--connectivity <N>")][DefaultValue(0)][Description("6 or 26 (0 = both). Default: both")]
        public int Connectivity { get; init; }
        [CommandOption("--no-pipeline")][Description("Skip the pipeline run on the sample volume.")]
        public bool NoPipeline { get; init; }
        [CommandOption("--large")][Description("Only the large pipeline: synthetic cell at --large-voxel-um × 3, upsampled 3× on the fly (past 2³¹ voxels at the default), streamed through the whole analysis.")]
        public bool Large { get; init; }
        [CommandOption("--large-voxel-um <UM>")][DefaultValue(2.35)][Description("Voxel of the large volume, µm. Default: 2.35 (1170 × 1170 × 1704 = 2.33 × 10⁹ voxels)")]
        public double LargeVoxelUm { get; init; } = 2.35;

        public override Spectre.Console.ValidationResult Validate()
        {
            var p = CheckPathOption(Save, "--save");
            if (!p.Successful) return p;
            if (Size is < 8 or > 2048) return Spectre.Console.ValidationResult.Error($"--size {Size}: must be in [8, 2048]");
            if (Threads < 0 || Repeat < 1) return Spectre.Console.ValidationResult.Error("--threads must be ≥ 0 and --repeat ≥ 1");
            if (Case is not ("all" or "random50" or "porous20")) return Spectre.Console.ValidationResult.Error($"--case {Case}: random50, porous20 or all");
            if (Connectivity is not (0 or 6 or 26)) return Spectre.Console.ValidationResult.Error($"--connectivity {Connectivity}: 6 or 26 (or 0 for both)");
            if (!double.IsFinite(LargeVoxelUm) || LargeVoxelUm < 0.5 || LargeVoxelUm > 30) return Spectre.Console.ValidationResult.Error($"--large-voxel-um {LargeVoxelUm}: must be in [0.5, 30]");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    /// <summary>Random fill with probability p (deterministic per slice).</summary>
    public static Imaging.Volume3D<byte> RandomMask(int n, double p, int seed)
    {
        var v = new Imaging.Volume3D<byte>(n, n, n);
        Parallel.For(0, n, z =>
        {
            var rng = new Random(seed * 7919 + z);
            var s = v.Slice(z);
            for (int i = 0; i < s.Length; i++) s[i] = (byte)(rng.NextDouble() < p ? 1 : 0);
        });
        return v;
    }

    /// <summary>A porous/filament-like mask: smooth value noise (correlation length ≈ 8 voxels) thresholded to ≈ 20 % fill.</summary>
    public static Imaging.Volume3D<byte> PorousMask(int n, int seed)
    {
        var rng = new Random(seed);
        const int L = 64;
        var lat = new float[L * L * L];
        for (int i = 0; i < lat.Length; i++) lat[i] = (float)rng.NextDouble();
        var v = new Imaging.Volume3D<byte>(n, n, n);
        Parallel.For(0, n, z =>
        {
            var s = v.Slice(z);
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double fx = x / 8.0, fy = y / 8.0, fz = z / 8.0;
                    int ix = (int)fx, iy = (int)fy, iz = (int)fz;
                    double tx = fx - ix, ty = fy - iy, tz = fz - iz, acc = 0;
                    for (int c = 0; c < 8; c++)
                    {
                        int dx = c & 1, dy = (c >> 1) & 1, dz = c >> 2;
                        acc += lat[(((ix + dx) & 63) * L + ((iy + dy) & 63)) * L + ((iz + dz) & 63)] * (dx == 1 ? tx : 1 - tx) * (dy == 1 ? ty : 1 - ty) * (dz == 1 ? tz : 1 - tz);
                    }
                    s[y * n + x] = (byte)(acc > 0.64 ? 1 : 0);
                }
        });
        return v;
    }

    /// <summary>
    /// The pipeline past 2³¹ voxels: the synthetic cell is made at 3× the voxel (in memory, 1 byte per voxel) and upsampled 3×
    /// trilinearly slice by slice as it is read, so the analysis streams a volume of 27× the voxels: threshold mask 1 byte per
    /// voxel, labels kept as runs.
    /// </summary>
    static int RunLarge(Settings s, CancellationToken ct)
    {
        const int f = 3;
        var opt = new XctPhantomOptions { VoxelUm = s.LargeVoxelUm * f };
        var t = Stopwatch.StartNew();
        var coarse = new Imaging.Volume3D<byte>(opt.Depth, opt.Width, opt.Width);
        CliProgress.Run("synth xct (coarse)", p => new XctCellPhantom(opt).Generate((z, sl) => sl.CopyTo(coarse.Slice(z)), p, ct));
        double synth = t.Elapsed.TotalSeconds;
        using var src = new Upsampled(coarse, f, s.LargeVoxelUm);
        long voxels = (long)src.Depth * src.Height * src.Width;
        Console.WriteLine($"bench xct --large: {src.Depth}×{src.Height}×{src.Width} = {voxels / 1e9:F2} × 10⁹ voxels at {s.LargeVoxelUm} µm ({(voxels > int.MaxValue ? "past" : "below")} 2³¹), " +
            $"synthesised at {opt.VoxelUm:F2} µm ({coarse.VoxelCount / 1e6:F0} M voxels) in {synth:F1} s and upsampled {f}× trilinearly while streaming");
        t.Restart();
        var r = CliProgress.Run("xct analysis", p => XctPipeline.Run(src, new XctOptions { KeepLabels = false }, p, ct));
        double pipe = t.Elapsed.TotalSeconds;
        var proc = Process.GetCurrentProcess();
        Console.WriteLine($"  pipeline (mask, profile, thresholds, segment, label {r.ComponentCount} regions, fractions, filaments): {pipe:F1} s wall, " +
            $"{proc.TotalProcessorTime.TotalSeconds:F1} s cpu (process), {voxels / pipe / 1e6:F1} M voxels/s; peak working set {proc.PeakWorkingSet64 / 1e9:F2} GB");
        Console.WriteLine($"  layer fractions (%): {string.Join(" ", r.Fractions.FractionAll.Select(x => (100 * x).ToString("F2", CultureInfo.InvariantCulture)))}; " +
            $"reach {r.ConnectedReachUm:F0} µm = {100 * r.ConnectedReachFraction:F1} % of the SE" +
            (r.LongestFilament is { } fl ? $"; longest filament {fl.LengthUm:F0} µm, root {fl.RootDiameterUm:F0} µm, tip {fl.TipDiameterUm:F0} µm" : ""));
        return 0;
    }

    /// <summary>Integer-factor trilinear upsampling of a byte volume, computed slice by slice on read (voxel centres aligned).</summary>
    sealed class Upsampled(Imaging.Volume3D<byte> coarse, int factor, double voxelUm) : IVolumeSource
    {
        public string Path => "upsampled synthetic cell";
        public int Depth => coarse.Depth * factor;
        public int Height => coarse.Height * factor;
        public int Width => coarse.Width * factor;
        public VolumeSpacing Spacing => new(voxelUm, voxelUm, voxelUm);
        public void Dispose() { }

        static (int I0, int I1, float T) Coord(int i, int factor, int n)
        {
            double c = (i + 0.5) / factor - 0.5;
            int i0 = (int)Math.Floor(c);
            float t = (float)(c - i0);
            return (Math.Clamp(i0, 0, n - 1), Math.Clamp(i0 + 1, 0, n - 1), t);
        }

        public void ReadSlice(int z, Span<float> dst)
        {
            int cw = coarse.Width, ch = coarse.Height, w = Width, h = Height;
            var (z0, z1, tz) = Coord(z, factor, coarse.Depth);
            var a = coarse.SliceArray(z0); var b = coarse.SliceArray(z1);
            var xs = new (int, int, float)[w];
            for (int x = 0; x < w; x++) xs[x] = Coord(x, factor, cw);
            for (int y = 0; y < h; y++)
            {
                var (y0, y1, ty) = Coord(y, factor, ch);
                var row = dst.Slice(y * w, w);
                for (int x = 0; x < w; x++)
                {
                    var (x0, x1, tx) = xs[x];
                    float P(byte[] s) => (1 - ty) * ((1 - tx) * s[y0 * cw + x0] + tx * s[y0 * cw + x1]) + ty * ((1 - tx) * s[y1 * cw + x0] + tx * s[y1 * cw + x1]);
                    row[x] = (1 - tz) * P(a) + tz * P(b);
                }
            }
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken ct)
    {
        if (s.Large) return RunLarge(s, ct);
        int n = s.Size;
        long voxels = (long)n * n * n;
        Console.WriteLine($"bench xct: {Environment.ProcessorCount} cores, volumes {n}³ = {voxels / 1e6:F1} M voxels, best of {s.Repeat}");
        var cases = new (string Name, Func<Imaging.Volume3D<byte>> Make)[] { ("random50", () => RandomMask(n, 0.5, 1)), ("porous20", () => PorousMask(n, 2)) };
        foreach (var (name, make) in cases.Where(c => s.Case == "all" || c.Name == s.Case))
        {
            var mask = make();
            long fg = 0;
            for (int z = 0; z < n; z++) foreach (byte b in mask.Slice(z)) fg += b;
            if (s.Save is { } dir)
            {
                Directory.CreateDirectory(dir);
                VolumeIO.WriteRaw(Path.Combine(dir, name + ".raw"), mask, new VolumeSpacing(1, 1, 1));
            }
            var labels = new Imaging.Volume3D<uint>(n, n, n);
            foreach (var c in new[] { Connectivity.Six, Connectivity.TwentySix }.Where(c => s.Connectivity == 0 || (int)c == s.Connectivity))
            {
                double best = double.PositiveInfinity, bestCpu = double.PositiveInfinity; long count = 0, extra = long.MaxValue;
                var proc = Process.GetCurrentProcess();
                for (int r = 0; r < s.Repeat; r++)
                {
                    GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    proc.Refresh();
                    var cpu0 = proc.TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    count = ConnectedComponents.LabelInto(mask, labels, c, null, s.Threads > 0 ? s.Threads : -1);
                    best = Math.Min(best, sw.Elapsed.TotalSeconds);
                    proc.Refresh();
                    bestCpu = Math.Min(bestCpu, (proc.TotalProcessorTime - cpu0).TotalSeconds);
                    extra = Math.Min(extra, GC.GetTotalAllocatedBytes(precise: true) - before);
                }
                Console.WriteLine($"  {name,-9} fill {100.0 * fg / voxels,5:F1} %  {(int)c,2}-conn: {best:F3} s wall ({bestCpu:F3} s cpu), {voxels / best / 1e6,7:F1} M voxels/s, {count,9} components, " +
                    $"extra allocation {extra / (double)voxels:F2} B/voxel (labels 4 B/voxel and mask 1 B/voxel excluded)");
            }
        }
        Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        if (s.NoPipeline) return 0;
        string data;
        try { data = s.Data ?? DataSamples.Locate(); } catch (InputException) { return 0; }
        string vol = Path.Combine(data, "xct", XctSynth.VolumeFile);
        if (!File.Exists(vol)) return 0;
        var t0 = Stopwatch.StartNew();
        using var src0 = VolumeIO.Open(vol);
        var v = VolumeIO.ReadAll(src0);
        double read = t0.Elapsed.TotalSeconds; t0.Restart();
        var res = XctPipeline.Run(VolumeIO.FromMemory(v, vol), new XctOptions());
        double pipe = t0.Elapsed.TotalSeconds;
        Console.WriteLine($"  pipeline on {vol} ({v.Depth}×{v.Height}×{v.Width} = {v.VoxelCount / 1e6:F1} M voxels): read {read:F2} s, analysis {pipe:F2} s ({v.VoxelCount / pipe / 1e6:F1} M voxels/s), {res.ComponentCount} regions");
        return 0;
    }
}
