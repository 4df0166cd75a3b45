using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using SoftShort.Tomography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>Neutron CT: <c>ct reconstruct|volume|register|compare</c>, <c>synth ct</c>, <c>bench ct</c>.</summary>
public sealed class CtCommands : ICommandModule
{
    public void Configure(IConfigurator config) => config.AddBranch("ct", b =>
    {
        b.SetDescription("Neutron CT: parallel-beam reconstruction, registration, before/after subtraction, Li extraction (paper Fig. 5, S14–S16).");
        b.AddCommand<CtReconstructCommand>("reconstruct").WithDescription("Sinogram(s) → slice(s) by FBP, SIRT or CGLS (float32 TIFF).")
            .WithExample("ct", "reconstruct", "--sinogram", "sino.tif", "--angles-deg", "0:180:400", "--filter", "shepp-logan", "--out", "slice.tif");
        b.AddCommand<CtVolumeCommand>("volume").WithDescription("Projection stack (+ open beam, dark field) → attenuation volume, slice by slice in bounded memory.")
            .WithExample("ct", "volume", "--projections", "before_projections.tif", "--open-beam", "open_beam.tif", "--dark-field", "dark_field.tif", "--angles-deg", "0:360:554", "--pixel-size-um", "100", "--out", "before.tif");
        b.AddCommand<CtRegisterCommand>("register").WithDescription("Rigid registration (3 rotations Z-Y-X + 3 shifts; --metric ncc or mi) of a moving volume onto a fixed one.")
            .WithExample("ct", "register", "--fixed", "before.tif", "--moving", "after.tif", "--out", "reg");
        b.AddCommand<CtCompareCommand>("compare").WithDescription("Before/after difference and attenuation-threshold regions (Li) with thickness maps.")
            .WithExample("ct", "compare", "--before", "before.tif", "--after", "reg/registered.tif", "--pixel-size-um", "100", "--threshold", "2.6,2.9", "--out", "cmp");
    });

    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthCtCommand>("ct").WithDescription("Synthetic neutron CT of the cell before and after the soft short (projections, OB, DF, planted truth).")
            .WithExample("synth", "ct", "--out", "neutron-ct");

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchCtCommand>("ct").WithDescription("FBP slices/s for a 512-bin × 554-angle sinogram per filter, error vs the phantom, peak memory of a volume.");
}

static class CtOptions
{
    public static double Center(string? s)
    {
        if (s == null || s.Equals("auto", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        InputException.Require(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double c) && double.IsFinite(c), "--center", $"'{s}' is not a column number or 'auto'");
        return c;
    }

    public static double Pixel(double? p) => p ?? double.NaN;

    public static void RequireFile(string? path, string option)
    {
        InputException.Require(!string.IsNullOrEmpty(path), option, "is required");
        if (!File.Exists(path)) throw new InputException(path!, "file not found");
    }
}

public sealed class CtReconstructCommand : Command<CtReconstructCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--sinogram <TIF>")][Description("Sinogram TIFF: rows = angles, columns = detector bins, values = −ln T. Several pages → several slices.")]
        public string? Sinogram { get; init; }
        [CommandOption("--angles-deg <SPEC>")][Description("START:STOP:COUNT (numpy.linspace without endpoint) or a file with one angle per line.")]
        public string? Angles { get; init; }
        [CommandOption("--filter <NAME>")][Description("ramp | shepp-logan | cosine | hamming | hann. Default: ramp")][DefaultValue("ramp")]
        public string Filter { get; init; } = "ramp";
        [CommandOption("--center <C>")][Description("Rotation-axis column (sub-pixel) or 'auto'. Default: (bins − 1)/2")]
        public string? Center { get; init; }
        [CommandOption("--pixel-size-um <UM>")][Description("Detector pixel in µm: output in cm⁻¹. Without it: 1/pixel (as scikit-image).")]
        public double? PixelSizeUm { get; init; }
        [CommandOption("--method <M>")][Description("fbp | sirt | cgls. Default: fbp")][DefaultValue("fbp")]
        public string Method { get; init; } = "fbp";
        [CommandOption("--iterations <N>")][Description("SIRT/CGLS iterations. Default: 100 (SIRT), 20 (CGLS)")]
        public int? Iterations { get; init; }
        [CommandOption("--ring-window <N>")][Description("Stripe (ring) removal median window, odd ≥ 3; 0 = off. Default: 0")][DefaultValue(0)]
        public int RingWindow { get; init; }
        [CommandOption("--circle")][Description("Zero pixels outside the inscribed circle (scikit-image circle=True).")]
        public bool Circle { get; init; }
        [CommandOption("-o|--out <TIF>")][Description("Output float32 TIFF.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var (v, n) in new[] { (Sinogram, "--sinogram"), (Angles, "--angles-deg"), (Out, "--out") })
            {
                var r = CheckPathOption(v, n); if (!r.Successful) return r;
                if (v == null) return ValidationResult.Error($"{n} is required");
            }
            if (Method is not ("fbp" or "sirt" or "cgls")) return ValidationResult.Error($"--method {Method}: must be fbp, sirt or cgls");
            if (RingWindow != 0 && (RingWindow < 3 || RingWindow % 2 == 0)) return ValidationResult.Error($"--ring-window {RingWindow}: must be 0 or odd ≥ 3");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        CtOptions.RequireFile(s.Sinogram, "--sinogram");
        var angles = ProjectionAngles.Parse(s.Angles!);
        var filter = FbpFilters.Parse(s.Filter);
        double center = CtOptions.Center(s.Center);
        double px = CtOptions.Pixel(s.PixelSizeUm);
        var info = Tiff.ReadInfo(s.Sinogram!);
        InputException.Require(info.Height == angles.Length, "--angles-deg", $"{angles.Length} angles given but {s.Sinogram} has {info.Height} rows (one per angle)");
        var sw = Stopwatch.StartNew();
        double usedCenter = double.NaN;
        CliProgress.Run("ct reconstruct", progress =>
        {
            using var w = TiffStackWriter<float>.Create(s.Out!, info.Width, info.Width, info.Pages);
            int page = 0;
            foreach (var sino in Tiff.ReadPagesAsFloat(s.Sinogram!))
            {
                Sinograms.RequireFinite(sino.Pixels, $"{s.Sinogram} page {page}");
                if (s.RingWindow > 0) Sinograms.RemoveStripes(sino.Pixels, sino.Height, sino.Width, s.RingWindow);
                double c = center;
                if (double.IsNaN(c) && s.Center != null) c = CenterOfRotation.FromSinogram(sino.Pixels, angles, sino.Width);
                usedCenter = double.IsNaN(c) ? (sino.Width - 1) / 2.0 : c;
                var img = s.Method switch
                {
                    "fbp" => FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { Filter = filter, CenterPx = c, PixelSizeUm = px, CircleMask = s.Circle }),
                    "sirt" => IterativeReconstruction.Reconstruct(sino, angles, IterativeMethod.Sirt, s.Iterations ?? 100, c, px),
                    _ => IterativeReconstruction.Reconstruct(sino, angles, IterativeMethod.Cgls, s.Iterations ?? 20, c, px),
                };
                w.Append(img.Pixels);
                progress.Report(new ProgressReport("slices", ++page / (double)info.Pages));
            }
            w.Commit();
        });
        Console.Error.WriteLine($"wrote {s.Out} ({info.Pages} slice(s) {info.Width}×{info.Width}, {s.Method}, filter {FbpFilters.Name(filter)}, centre {usedCenter:F2}, {(double.IsNaN(px) ? "1/pixel" : "cm⁻¹")}) in {sw.Elapsed.TotalSeconds:F2} s");
        return 0;
    }
}

public sealed class CtVolumeCommand : Command<CtVolumeCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--projections <TIF>")][Description("Projection stack, one page per angle (raw counts with --open-beam/--dark-field, else transmission).")]
        public string? Projections { get; init; }
        [CommandOption("--open-beam <TIF>")][Description("Open-beam frames (combined by median).")]
        public string? OpenBeam { get; init; }
        [CommandOption("--dark-field <TIF>")][Description("Dark-field frames (combined by mean).")]
        public string? DarkField { get; init; }
        [CommandOption("--angles-deg <SPEC>")][Description("START:STOP:COUNT or a file with one angle per line.")]
        public string? Angles { get; init; }
        [CommandOption("--filter <NAME>")][Description("ramp | shepp-logan | cosine | hamming | hann. Default: shepp-logan")][DefaultValue("shepp-logan")]
        public string Filter { get; init; } = "shepp-logan";
        [CommandOption("--center <C>")][Description("Rotation-axis column or 'auto' (0°/180° pairs). Default: auto")]
        public string? Center { get; init; }
        [CommandOption("--pixel-size-um <UM>")][Description("Detector pixel in µm: volume in cm⁻¹.")]
        public double? PixelSizeUm { get; init; }
        [CommandOption("--ring-window <N>")][Description("Stripe (ring) removal window, odd ≥ 3; 0 = off. Default: 0")][DefaultValue(0)]
        public int RingWindow { get; init; }
        [CommandOption("--memory-mb <MB>")][Description("Memory for sinograms held at once. Default: 256")][DefaultValue(256)]
        public int MemoryMb { get; init; } = 256;
        [CommandOption("-o|--out <TIF>")][Description("Output volume, float32 multi-page TIFF (page = detector row).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var (v, n) in new[] { (Projections, "--projections"), (Angles, "--angles-deg"), (Out, "--out") })
            {
                var r = CheckPathOption(v, n); if (!r.Successful) return r;
                if (v == null) return ValidationResult.Error($"{n} is required");
            }
            if (MemoryMb < 1) return ValidationResult.Error($"--memory-mb {MemoryMb}: must be ≥ 1");
            if (RingWindow != 0 && (RingWindow < 3 || RingWindow % 2 == 0)) return ValidationResult.Error($"--ring-window {RingWindow}: must be 0 or odd ≥ 3");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        CtOptions.RequireFile(s.Projections, "--projections");
        var angles = ProjectionAngles.Parse(s.Angles!);
        var norm = NeutronCtPipeline.LoadNormalizer(s.OpenBeam, s.DarkField);
        var info = Tiff.ReadInfo(s.Projections!);
        var opts = new VolumeReconstructionOptions
        {
            Fbp = new FbpOptions { Filter = FbpFilters.Parse(s.Filter), CenterPx = CtOptions.Center(s.Center), PixelSizeUm = CtOptions.Pixel(s.PixelSizeUm) },
            RingWindow = s.RingWindow, MemoryBudgetBytes = (long)s.MemoryMb << 20,
        };
        var sw = Stopwatch.StartNew();
        var res = CliProgress.Run("ct volume", progress =>
        {
            using var w = TiffStackWriter<float>.Create(s.Out!, info.Width, info.Width, info.Height);
            var r = NeutronCtPipeline.ReconstructFile(s.Projections!, angles, norm, opts, (_, slice) => w.Append(slice.Pixels), progress);
            w.Commit();
            return r;
        });
        Console.Error.WriteLine($"wrote {s.Out} ({res.Slices} slices {res.SliceSize}×{res.SliceSize}, centre {res.CenterPx:F2} px, {res.Chunks} chunk(s)) in {sw.Elapsed.TotalSeconds:F1} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }
}

public sealed class CtRegisterCommand : Command<CtRegisterCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--fixed <TIF>")][Description("Reference volume (before).")]
        public string? Fixed { get; init; }
        [CommandOption("--moving <TIF>")][Description("Volume to align (after).")]
        public string? Moving { get; init; }
        [CommandOption("--metric|--similarity <S>")][Description("ncc (normalised cross-correlation) or mi (Mattes mutual information, for scans whose intensities are not linearly related). Default: ncc")][DefaultValue("ncc")]
        public string Similarity { get; init; } = "ncc";
        [CommandOption("--bins <N>")][Description("Histogram bins for --metric mi. Default: 32")][DefaultValue(32)]
        public int Bins { get; init; } = 32;
        [CommandOption("--levels <N>")][Description("Pyramid levels. Default: 2")][DefaultValue(2)]
        public int Levels { get; init; } = 2;
        [CommandOption("--axial-search-deg <D>")][Description("Exhaustive search range of the rotation about the cell (z) axis, ±degrees. Default: 10")][DefaultValue(10.0)]
        public double AxialSearchDeg { get; init; } = 10;
        [CommandOption("--exclude-change <MU>")][Description("Robust passes without the voxels that changed by more than this between the scans (cm⁻¹; with --metric mi after mapping the moving intensities to fixed units), repeated until the motion settles; 0 = off. Default: 0.8")][DefaultValue(0.8)]
        public double ExcludeChange { get; init; } = 0.8;

        public override ValidationResult Validate()
        {
            var b = base.Validate(); if (!b.Successful) return b;
            if (Fixed == null || Moving == null) return ValidationResult.Error("--fixed and --moving are required");
            if (ParseMetric(Similarity) == null) return ValidationResult.Error($"--metric {Similarity}: must be ncc or mi");
            if (Bins is < 8 or > 1024) return ValidationResult.Error($"--bins {Bins}: must be 8 … 1024");
            if (Levels is < 1 or > 5) return ValidationResult.Error($"--levels {Levels}: must be 1 … 5");
            return AxialSearchDeg is >= 0 and <= 180 && ExcludeChange >= 0 ? ValidationResult.Success() : ValidationResult.Error("--axial-search-deg must be in [0, 180], --exclude-change ≥ 0");
        }
    }

    internal static Similarity? ParseMetric(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ncc" => Tomography.Similarity.Ncc,
        "mi" or "mutual-information" or "mattes" => Tomography.Similarity.MutualInformation,
        _ => null,
    };

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "ct-register";
        var f = NeutronCtPipeline.ReadVolume(s.Fixed!, double.NaN);
        var m = NeutronCtPipeline.ReadVolume(s.Moving!, double.NaN);
        var metric = ParseMetric(s.Similarity)!.Value;
        var opts = new RegistrationOptions { Levels = s.Levels, AxialRotationSearchDeg = s.AxialSearchDeg, ExcludeChangeAbove = s.ExcludeChange, Similarity = metric, HistogramBins = s.Bins };
        var sw = Stopwatch.StartNew();
        var r = CliProgress.Run("ct register", p => RigidRegistration.Register(f, m, opts, p));
        var reg = RigidRegistration.Resample(m, r.Transform);
        Directory.CreateDirectory(outDir);
        Tiff.Write(Path.Combine(outDir, "registered.tif"), reg);
        var t = r.Transform;
        new SummaryJson("ct register").Parameter("fixed", s.Fixed).Parameter("moving", s.Moving).Parameter("similarity", metric == Tomography.Similarity.Ncc ? "ncc" : "mi").Parameter("histogram_bins", s.Bins).Parameter("levels", s.Levels)
            .Parameter("axial_search_deg", s.AxialSearchDeg).Parameter("exclude_change_per_cm", s.ExcludeChange)
            .Set("rot_x_deg", t.RotXDeg).Set("rot_y_deg", t.RotYDeg).Set("rot_z_deg", t.RotZDeg)
            .Set("shift_x_px", t.Tx).Set("shift_y_px", t.Ty).Set("shift_z_px", t.Tz)
            .Set(metric == Tomography.Similarity.Ncc ? "ncc" : "mutual_information_nats", r.Similarity).Set("evaluations", r.Evaluations).Set("excluded_changed_voxels", r.ExcludedVoxels).Set("time_s", sw.Elapsed.TotalSeconds)
            .Write(Path.Combine(outDir, "summary.json"));
        Console.WriteLine(FormattableString.Invariant($"rotation (x, y, z) = ({t.RotXDeg:F3}, {t.RotYDeg:F3}, {t.RotZDeg:F3})°, shift (x, y, z) = ({t.Tx:F3}, {t.Ty:F3}, {t.Tz:F3}) px, {(metric == Tomography.Similarity.Ncc ? "NCC" : "MI")} {r.Similarity:F4}"));
        Console.Error.WriteLine($"wrote {outDir}/registered.tif, summary.json in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}

public sealed class CtCompareCommand : Command<CtCompareCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--before <TIF>")][Description("Volume before (cm⁻¹).")]
        public string? Before { get; init; }
        [CommandOption("--after <TIF>")][Description("Volume after, registered onto the before volume (cm⁻¹; NaN outside the overlap).")]
        public string? After { get; init; }
        [CommandOption("--threshold <LIST>")][Description("Attenuation thresholds in cm⁻¹, comma separated; each t gives the region μ ≥ t. Default: 2.6,2.9 (paper)")][DefaultValue("2.6,2.9")]
        public string Threshold { get; init; } = "2.6,2.9";
        [CommandOption("--pixel-size-um <UM>")][Description("Voxel size in µm (isotropic).")]
        public double? PixelSizeUm { get; init; }
        [CommandOption("--change <MU>")][Description("|Δμ| counted as a change, cm⁻¹. Default: 1.0")][DefaultValue(1.0)]
        public double Change { get; init; } = 1.0;

        public override ValidationResult Validate()
        {
            var b = base.Validate(); if (!b.Successful) return b;
            if (Before == null || After == null) return ValidationResult.Error("--before and --after are required");
            if (PixelSizeUm is not > 0) return ValidationResult.Error("--pixel-size-um is required and must be positive");
            return Change > 0 ? ValidationResult.Success() : ValidationResult.Error("--change must be positive");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "ct-compare";
        var thresholds = ProjectionAngles.ParseList(s.Threshold, "--threshold");
        var b = NeutronCtPipeline.ReadVolume(s.Before!, s.PixelSizeUm!.Value);
        var a = NeutronCtPipeline.ReadVolume(s.After!, s.PixelSizeUm!.Value);
        var diff = AttenuationComparison.Difference(b, a);
        var tb = AttenuationComparison.Threshold(b, thresholds);
        var ta = AttenuationComparison.Threshold(a, thresholds);
        var (up, down) = AttenuationComparison.Change(diff, s.Change);
        Directory.CreateDirectory(outDir);
        Tiff.Write(Path.Combine(outDir, "difference.tif"), diff);
        var summary = new SummaryJson("ct compare").Parameter("before", s.Before).Parameter("after", s.After).Parameter("pixel_size_um", s.PixelSizeUm)
            .Parameter("thresholds_per_cm", s.Threshold).Parameter("change_per_cm", s.Change)
            .Set("attenuation_increase_mm3", up).Set("attenuation_decrease_mm3", down);
        var rows = new List<IReadOnlyList<string>>();
        for (int i = 0; i < thresholds.Length; i++)
        {
            string key = thresholds[i].ToString("0.###", CultureInfo.InvariantCulture).Replace('.', 'p');
            summary.Set($"volume_before_mu_ge_{key}_mm3", tb[i].VolumeMm3).Set($"volume_after_mu_ge_{key}_mm3", ta[i].VolumeMm3);
            Tiff.Write(Path.Combine(outDir, $"thickness_before_{key}_um.tif"), tb[i].ThicknessUm);
            Tiff.Write(Path.Combine(outDir, $"thickness_after_{key}_um.tif"), ta[i].ThicknessUm);
            double max = Math.Max(tb[i].ThicknessUm.Pixels.Max(), ta[i].ThicknessUm.Pixels.Max());
            var ro = new ImageRenderOptions { Min = 0, Max = Math.Max(max, 1) };
            ImageRenderer.Render(tb[i].ThicknessUm, ro, $"μ ≥ {thresholds[i]} cm⁻¹ before: thickness (µm)").Save(Path.Combine(outDir, $"thickness_before_{key}.png"));
            ImageRenderer.Render(ta[i].ThicknessUm, ro, $"μ ≥ {thresholds[i]} cm⁻¹ after: thickness (µm)").Save(Path.Combine(outDir, $"thickness_after_{key}.png"));
            rows.Add([thresholds[i].ToString("R", CultureInfo.InvariantCulture), tb[i].Voxels.ToString(CultureInfo.InvariantCulture), tb[i].VolumeMm3.ToString("R", CultureInfo.InvariantCulture),
                ta[i].Voxels.ToString(CultureInfo.InvariantCulture), ta[i].VolumeMm3.ToString("R", CultureInfo.InvariantCulture)]);
        }
        CsvTable.WriteRows(Path.Combine(outDir, "thresholds.csv"), ["threshold_per_cm", "voxels_before", "volume_before_mm3", "voxels_after", "volume_after_mm3"], rows);
        int y = b.Height / 2;
        ImageRenderer.Render(AttenuationComparison.SideSection(diff, y), new ImageRenderOptions { Colormap = Colormap.Diverging, Min = -2, Max = 2 }, "after − before (cm⁻¹), side section")
            .Save(Path.Combine(outDir, "difference_side.png"));
        summary.Write(Path.Combine(outDir, "summary.json"));
        foreach (var r in rows) Console.WriteLine($"μ ≥ {r[0]} cm⁻¹: {double.Parse(r[2], CultureInfo.InvariantCulture):F3} mm³ before, {double.Parse(r[4], CultureInfo.InvariantCulture):F3} mm³ after");
        Console.Error.WriteLine($"wrote {outDir}/difference.tif, thickness maps, thresholds.csv, PNGs, summary.json");
        return 0;
    }
}

public sealed class SynthCtCommand : Command<SynthCtCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--seed <N>")][Description("Noise seed (after-scan uses seed + 1). Default: 7")][DefaultValue(7)]
        public int Seed { get; init; } = 7;
        [CommandOption("--bins <N>")][Description("Detector columns. Default: 128")][DefaultValue(128)]
        public int Bins { get; init; } = 128;
        [CommandOption("--rows <N>")][Description("Detector rows. Default: 24")][DefaultValue(24)]
        public int Rows { get; init; } = 24;
        [CommandOption("--angles <N>")][Description("Projections over 360°. Default: 554 (0.65° steps)")][DefaultValue(554)]
        public int Angles { get; init; } = 554;
        [CommandOption("--pixel-um <UM>")][Description("Detector pixel, µm. Default: 100")][DefaultValue(100.0)]
        public double PixelUm { get; init; } = 100;
        [CommandOption("--wavelength-a <A>")][Description("Wavelength of the Beer–Lambert model, Å. Default: 2.6")][DefaultValue(2.6)]
        public double WavelengthA { get; init; } = 2.6;

        public override ValidationResult Validate()
        {
            var b = base.Validate(); if (!b.Successful) return b;
            if (Bins is < 16 or > 4096 || Rows is < 1 or > 4096 || Angles is < 2 or > 10000) return ValidationResult.Error("--bins 16…4096, --rows 1…4096, --angles 2…10000");
            return PixelUm is > 1 and < 10000 && WavelengthA is > 0.5 and < 20 ? ValidationResult.Success() : ValidationResult.Error("--pixel-um in (1, 10000), --wavelength-a in (0.5, 20)");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "neutron-ct";
        var o = new NeutronCtScanOptions { Bins = s.Bins, Rows = s.Rows, Angles = s.Angles, PixelUm = s.PixelUm, WavelengthA = s.WavelengthA, Seed = s.Seed };
        var sw = Stopwatch.StartNew();
        CliProgress.Run("synth ct", p => NeutronCtSample.Write(outDir, o, NeutronCtSample.DefaultMotion, p));
        Console.Error.WriteLine($"wrote {outDir}/ ({s.Angles} projections {s.Bins}×{s.Rows} per scan, before + after) in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}

public sealed class BenchCtCommand : Command<BenchCtCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--bins <N>")][DefaultValue(512)][Description("Detector bins (= slice side). Default: 512")]
        public int Bins { get; init; } = 512;
        [CommandOption("--angles <N>")][DefaultValue(554)][Description("Angles over 180°. Default: 554")]
        public int Angles { get; init; } = 554;
        [CommandOption("--repeat <N>")][DefaultValue(3)][Description("Timed repetitions per filter (best is reported). Default: 3")]
        public int Repeat { get; init; } = 3;
        [CommandOption("--volume <N>")][DefaultValue(512)][Description("Side of the cubic volume for the peak-memory run (0 = skip). Default: 512")]
        public int Volume { get; init; } = 512;
        [CommandOption("--save-sinogram <TIF>")][Description("Also write the benchmark sinogram (for timing scikit-image on the same data).")]
        public string? SaveSinogram { get; init; }

        public override ValidationResult Validate() =>
            Bins is >= 16 and <= 8192 && Angles is >= 2 and <= 20000 && Repeat >= 1 && Volume >= 0 ? ValidationResult.Success() : ValidationResult.Error("--bins 16…8192, --angles ≥ 2, --repeat ≥ 1, --volume ≥ 0");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var ph = EllipsePhantom.ModifiedSheppLogan();
        var angles = ProjectionAngles.Range(0, 180, s.Angles);
        var sino = ph.Sinogram(angles, s.Bins);
        var truth = ph.Rasterize(s.Bins);
        if (s.SaveSinogram != null) Tiff.Write(s.SaveSinogram, sino);
        Console.WriteLine($"bench ct: Shepp–Logan {s.Bins}×{s.Bins}, sinogram {s.Angles} angles × {s.Bins} bins, {Environment.ProcessorCount} cores (set-up {total.Elapsed.TotalSeconds:F2} s)");
        // Untimed warm-up: let the JIT promote the kernels (tiered compilation + PGO) before the first filter is timed.
        for (int k = 0; k < 12; k++) FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { Filter = FbpFilter.Ramp, CircleMask = true });
        foreach (var f in Enum.GetValues<FbpFilter>())
        {
            double best = double.MaxValue, bestCpu = double.MaxValue; Image2D<float>? rec = null;
            var proc = Process.GetCurrentProcess();
            for (int k = 0; k < s.Repeat; k++)
            {
                proc.Refresh();
                var cpu0 = proc.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                rec = FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { Filter = f, CircleMask = true });
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                proc.Refresh();
                bestCpu = Math.Min(bestCpu, (proc.TotalProcessorTime - cpu0).TotalSeconds);
            }
            // CPU time (all threads) is steadier than wall time on a shared machine; wall time is what a user waits.
            Console.WriteLine(FormattableString.Invariant($"  {FbpFilters.Name(f),-12} {best * 1e3,8:F1} ms/slice  {1 / best,7:F2} slices/s  (CPU {bestCpu * 1e3,6:F1} ms)  RMS error in r < 0.8: {Rms(rec!, truth):F4}"));
        }
        {
            // Where the time goes: the row filtering (FFT) alone, best of --repeat.
            double best = double.MaxValue;
            for (int k = 0; k < s.Repeat; k++)
            {
                var sw = Stopwatch.StartNew();
                FbpFilters.FilterRows(sino.Pixels, s.Angles, s.Bins, FbpFilter.Ramp);
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            Console.WriteLine(FormattableString.Invariant($"  (row filtering alone, FbpFilters.FilterRows with its own buffers: {best * 1e3:F1} ms/slice; back-projection kernel: {FilteredBackProjection.KernelName})"));
        }
        if (s.Volume > 0)
        {
            // A synthetic projection stack of Volume rows streamed through the bounded-memory volume reconstruction.
            int n = s.Volume;
            var vAngles = ProjectionAngles.Range(0, 180, s.Angles);
            var row = ph.Sinogram(vAngles, n);
            IEnumerable<Image2D<float>> Pages()
            {
                var p = new Image2D<float>(n, n); // one page buffer, refilled: the reconstruction copies each page's rows out at once
                for (int a = 0; a < vAngles.Length; a++)
                {
                    for (int r = 0; r < n; r++) for (int b = 0; b < n; b++) p[r, b] = MathF.Exp(-row[a, b] * 0.02f);
                    yield return p;
                }
            }
            var sw = Stopwatch.StartNew();
            long before = Process.GetCurrentProcess().PeakWorkingSet64;
            double checksum = 0;
            var res = VolumeReconstruction.Reconstruct(Pages, n, n, vAngles, null, new VolumeReconstructionOptions { Fbp = new FbpOptions(), MemoryBudgetBytes = 256L << 20 },
                (z, slice) => checksum += slice.Pixels[n * n / 2 + n / 2]);
            Console.WriteLine(FormattableString.Invariant($"  volume {n}³ from {s.Angles} projections: {sw.Elapsed.TotalSeconds:F1} s ({n / sw.Elapsed.TotalSeconds:F1} slices/s incl. projection synthesis), {res.Chunks} chunk(s), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (before: {before / 1e6:F0} MB; volume itself {4.0 * n * n * n / 1e6:F0} MB, streamed)"));
        }
        Console.WriteLine($"  total {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    static double Rms(Image2D<float> rec, Image2D<float> truth)
    {
        int n = rec.Width; double c = (n - 1) / 2.0, half = n / 2.0, s = 0; long m = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                if (Math.Sqrt((x - c) * (x - c) + (y - c) * (y - c)) / half > 0.8) continue;
                double d = rec[y, x] - truth[y, x]; s += d * d; m++;
            }
        return Math.Sqrt(s / m);
    }
}
