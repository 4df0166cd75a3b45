using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>
/// Operando neutron radiography (paper Sec. 2.1–2.2, Fig. 1C, 2A–E, S2–S9): <c>synth radiography</c>, <c>radiography
/// normalize | bin | profile | kymograph | quantify | run</c>, <c>bench radiography</c>.
/// </summary>
public sealed class RadiographyCommands : ICommandModule
{
    public void Configure(IConfigurator config) => config.AddBranch("radiography", b =>
    {
        b.SetDescription("Operando neutron radiography: normalisation, median binning, profiles, ratio maps, kymographs, Li quantification.");
        b.AddCommand<RadNormalizeCommand>("normalize").WithDescription("Gamma filter + Eq. 1 normalisation (I − DF)/(OB − DF): one float32 TIFF per sample file.")
            .WithExample("radiography", "normalize", "--sample", "raw/sample.tif", "--ob", "raw/ob.tif", "--df", "raw/df.tif", "--roi", "0,0,9,103", "--out", "norm");
        b.AddCommand<RadBinCommand>("bin").WithDescription("Streaming per-pixel median of every N frames (paper: 30 → 5 min), and their per-pixel mean (binned_mean.tif).")
            .WithExample("radiography", "bin", "norm/sample.tif", "--times", "raw/frames.csv", "-n", "30", "--out", "binned");
        b.AddCommand<RadProfileCommand>("profile").WithDescription("Line profile with Savitzky–Golay derivative and layer boundaries (Fig. 1C, S3).")
            .WithExample("radiography", "profile", "binned/binned.tif", "--from", "211,0", "--to", "211,103", "--width-px", "20", "--pixel-size-um", "25", "--out", "profile");
        b.AddCommand<RadKymographCommand>("kymograph").WithDescription("Tr_t/Tr_0 ratio maps and kymographs of ROI I and II, bands P1–P4 (Fig. 2C–E), the ratio series as an animated GIF (Video S1).")
            .WithExample("radiography", "kymograph", "binned/binned.tif", "--bins", "binned/bins.csv", "--pixel-size-um", "25", "--out", "kymo");
        b.AddCommand<RadQuantifyCommand>("quantify").WithDescription("Li change at P1–P4 from Beer–Lambert (bin means; P3/P4 by radial unmixing of core and gap) vs Faraday's law; P1 slopes before/after the soft short.")
            .WithExample("radiography", "quantify", "binned/binned.tif", "--bins", "binned/bins.csv", "--pixel-size-um", "25", "--out", "quant");
        b.AddCommand<RadRunCommand>("run").WithDescription("The whole chain streamed straight from the synthetic experiment (any size, bounded memory, no disk).")
            .WithExample("radiography", "run", "--size", "paper", "--out", "run-paper");
    });

    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthRadiographyCommand>("radiography")
            .WithDescription("Synthetic operando neutron radiography of the paper's cell: raw 16-bit frames, OB, DF, frame times and the planted truth.")
            .WithExample("synth", "radiography", "--max-frames", "30", "--out", "data-samples/radiography");

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchRadiographyCommand>("radiography")
            .WithDescription("Gamma filter + normalisation + 30-frame median binning of 2560×2160 frames: frames/s, MB/s, peak memory.");

    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    internal const string FreeOnsetHelp = "Report every band's free change point: no nested test of \"the band starts with the current\" (by default a band whose 95 % onset interval holds the current start, within 15 min of its free onset, is timed to the current start and flagged; bands.csv keeps both)";

    /// <summary>How a band's onset was found, for the summary lines: "with the current" (and the free change point) or "free".</summary>
    internal static string OnsetNote(DetectedBand b) => b.OnsetWithCurrent
        ? FormattableString.Invariant($"with the current; free change point {b.OnsetFreeS:F0} s, 95 % {b.OnsetLowS:F0}–{b.OnsetHighS:F0} s")
        : FormattableString.Invariant($"free change point, 95 % {b.OnsetLowS:F0}–{b.OnsetHighS:F0} s");

    internal static (double X, double Y) ParsePoint(string? text, string option)
    {
        var p = (text ?? "").Split(',');
        if (p.Length != 2 || !double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y))
            throw new InputException(option, $"'{text}' is not x,y");
        return (x, y);
    }

    /// <summary>Reads a binned stack (multi-page float TIFF) and its bins.csv into <see cref="BinnedFrame"/>s, streamed.</summary>
    internal static IEnumerable<BinnedFrame> ReadBinned(IReadOnlyList<string> files, string binsCsv)
    {
        var (t, c) = FrameFiles.ReadTimes(binsCsv);
        int i = 0;
        foreach (var (file, _, img, _) in FrameFiles.Read(files))
        {
            if (i >= t.Length) throw new InputException(binsCsv, $"has {t.Length} rows but {file} holds more pages");
            yield return new BinnedFrame(i, t[i], 0, false, c[i], img.Pixels);
            i++;
        }
        if (i != t.Length) throw new InputException(binsCsv, $"has {t.Length} rows but the stack holds {i} pages");
    }

    internal static KymographBuilder BuildKymographs(IReadOnlyList<string> files, string binsCsv, string? roiI, string? roiII, string reference, double pixelUm, IEnumerable<double> snapshots) =>
        BuildKymographs(ReadBinned(files, binsCsv), files[0], roiI, roiII, reference, pixelUm, snapshots);

    /// <summary>Kymographs of a binned series already read (e.g. with its per-pixel means).</summary>
    internal static KymographBuilder BuildKymographs(IEnumerable<BinnedFrame> bins, string sizeFrom, string? roiI, string? roiII, string reference, double pixelUm, IEnumerable<double> snapshots)
    {
        var info = FrameFiles.Info(sizeFrom);
        IReadOnlyList<PixelRegion>? regions = null;
        if (roiI is not null || roiII is not null)
        {
            if (roiI is null || roiII is null) throw new InputException("--roi-i/--roi-ii", "give both or neither");
            regions = [PixelRegion.Parse(roiI, "--roi-i"), PixelRegion.Parse(roiII, "--roi-ii")];
        }
        var mode = reference switch { "before-current" => ReferenceMode.BeforeCurrent, "first" => ReferenceMode.FirstBin, _ => throw new InputException("--reference", $"'{reference}' is not before-current or first") };
        var k = new KymographBuilder(info.Width, info.Height, regions, mode, snapshots.ToArray()) { PixelSizeUm = pixelUm };
        foreach (var b in bins) k.Add(b);
        k.Complete();
        return k;
    }

    internal static void WriteKymographOutputs(string dir, KymographBuilder k)
    {
        string[] names = ["I", "II"];
        for (int i = 0; i < Math.Min(2, k.RatioRows.Count); i++)
        {
            var img = k.KymographImage(i);
            Tiff.Write(Path.Combine(dir, $"kymograph_{names[i]}.tif"), img);
            ImageRenderer.Render(img, new ImageRenderOptions { Colormap = Colormap.Turbo, Min = 0.7, Max = 1.3 }, $"ROI {names[i]}: Tr_t/Tr_0 (row = time bin, column = position)")
                .Save(Path.Combine(dir, $"kymograph_{names[i]}.png"));
        }
        // the same kymographs from the bins' per-pixel means (what the bands are found on where the camera oversamples its
        // resolution: low-count medians lose the transmission) and where the ROIs are
        for (int i = 0; i < Math.Min(2, k.MeanRatioRows.Count); i++)
            if (k.MeanRatioRows[i].Count == k.TimesS.Count) Tiff.Write(Path.Combine(dir, $"kymograph_{names[i]}_means.tif"), k.KymographImage(i, fromMeans: true));
        CsvTable.WriteRows(Path.Combine(dir, "rois.csv"), ["roi", "x0_px", "y0_px", "x1_px", "y1_px"],
            k.Regions.Take(2).Select((r, i) => (IReadOnlyList<string>)[names[i], r.X0.ToString(CultureInfo.InvariantCulture), r.Y0.ToString(CultureInfo.InvariantCulture), r.X1.ToString(CultureInfo.InvariantCulture), r.Y1.ToString(CultureInfo.InvariantCulture)]));
        foreach (var (t, map) in k.Snapshots)
            ImageRenderer.Render(map, new ImageRenderOptions { Colormap = Colormap.Viridis, Min = 0.7, Max = 1.3 }, $"Tr_t/Tr_0 at {t / 3600:F2} h")
                .Save(Path.Combine(dir, $"ratio_{t / 3600:F2}h.png".Replace(',', '.')));
        if (k.Reference is { } r) Tiff.Write(Path.Combine(dir, "tr0.tif"), r);
    }
}

public sealed class SynthRadiographyCommand : Command<SynthRadiographyCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--size <SIZE>")][Description("small (424×104 px at 25 µm) or paper (2560×2160 at 6.5 µm). Default: small")][DefaultValue("small")]
        public string Size { get; init; } = "small";
        [CommandOption("--seed <N>")][Description("Random seed. Default: 1")][DefaultValue(1)]
        public int Seed { get; init; } = 1;
        [CommandOption("--stride <K>")][Description("Keep every K-th frame of the 10-s acquisition. Default: 1")][DefaultValue(1)]
        public int Stride { get; init; } = 1;
        [CommandOption("--charge-h <H>")][Description("Length of the C/20 charge after the 30-min rest, h (the paper: 20). Shorter runs for teaching and tests; the soft short is planted at 4.5 h, so it needs at least 6. Default: 20")][DefaultValue(20.0)]
        public double ChargeH { get; init; } = 20;
        [CommandOption("--max-frames <N>")][Description("Write at most N sample frames (the full run has 7380). Default: all")]
        public int? MaxFrames { get; init; }
        [CommandOption("--format <F>")][Description("tiff: sample.tif, ob.tif, df.tif (multi-page uint16, times in each page's metadata); fits: sample/, ob/, df/ with one BITPIX-16 FITS per frame (TIME_S, DATE-OBS, EXPTIME). Default: tiff")][DefaultValue("tiff")]
        public string Format { get; init; } = "tiff";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Size is not ("small" or "paper")) return ValidationResult.Error($"--size {Size}: use small or paper");
            if (!(ChargeH > 0 && ChargeH <= 200)) return ValidationResult.Error($"--charge-h {ChargeH}: must be in (0, 200] h");
            if (Stride < 1) return ValidationResult.Error("--stride must be ≥ 1");
            if (MaxFrames is < 1) return ValidationResult.Error("--max-frames must be ≥ 1");
            if (Format is not ("tiff" or "fits")) return ValidationResult.Error($"--format {Format}: use tiff or fits");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "radiography";
        var g = new OperandoRadiography(scenario: new OperandoScenario { ChargeS = s.ChargeH * 3600 }, detector: s.Size == "paper" ? DetectorOptions.Paper : DetectorOptions.Small, seed: s.Seed);
        int total = Math.Min(s.MaxFrames ?? int.MaxValue, (g.FrameCount + s.Stride - 1) / s.Stride);
        Directory.CreateDirectory(dir);
        var times = new List<double>(); var currents = new List<double>();
        bool fits = s.Format == "fits";
        CliProgress.Run("synth radiography", p =>
        {
            if (fits)
            {
                string sd = Path.Combine(dir, "sample");
                Directory.CreateDirectory(sd);
                foreach (var f in g.SampleFrames(s.Stride, total))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    WriteFits(Path.Combine(sd, $"sample_{times.Count:D5}.fits"), g, f);
                    times.Add(f.TimeS); currents.Add(g.CurrentAt(f.TimeS));
                    p.Report(new ProgressReport("sample frames", (double)times.Count / total));
                }
                foreach (var (name, frames) in new[] { ("ob", g.OpenBeamFrames()), ("df", g.DarkFieldFrames()) })
                {
                    Directory.CreateDirectory(Path.Combine(dir, name));
                    foreach (var f in frames) WriteFits(Path.Combine(dir, name, $"{name}_{f.Index:D3}.fits"), g, f);
                }
                return;
            }
            using (var w = TiffStackWriter<ushort>.Create(Path.Combine(dir, "sample.tif"), g.Width, g.Height, total))
            {
                foreach (var f in g.SampleFrames(s.Stride, total))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    w.Append(f.Pixels, f.TimeS, ExperimentStartUtc.AddSeconds(f.TimeS)); times.Add(f.TimeS); currents.Add(g.CurrentAt(f.TimeS));
                    p.Report(new ProgressReport("sample frames", (double)times.Count / total));
                }
                w.Commit();
            }
            WriteStack(Path.Combine(dir, "ob.tif"), g, g.OpenBeamFrames().ToList());
            WriteStack(Path.Combine(dir, "df.tif"), g, g.DarkFieldFrames().ToList());
        });
        CsvTable.Write(Path.Combine(dir, "frames.csv"), [("page", Enumerable.Range(0, times.Count).Select(i => (double)i).ToList()), ("time_s", times), ("current_A", currents)]);
        var iz = g.InterfacesZUm();
        CsvTable.WriteRows(Path.Combine(dir, "truth_bands.csv"), ["band", "sign", "roi", "row_px", "position_mm", "onset_s", "final_li_um"],
            g.Truth.Select(b => (IReadOnlyList<string>)[b.Name, b.Sign.ToString(CultureInfo.InvariantCulture), b.Roi, RadiographyCommands.F(b.Row), RadiographyCommands.F(b.PositionMm), RadiographyCommands.F(b.OnsetS), RadiographyCommands.F(b.FinalLiUm)]));
        var sum = new SummaryJson("synth radiography")
            .Parameter("size", s.Size).Parameter("format", s.Format).Parameter("seed", s.Seed).Parameter("stride", s.Stride).Parameter("charge_h", s.ChargeH).Parameter("max_frames", s.MaxFrames?.ToString(CultureInfo.InvariantCulture) ?? "all")
            .Set("width_px", g.Width).Set("height_px", g.Height).Set("pixel_size_um", g.Detector.PixelSizeUm).Set("frames", times.Count)
            .Set("frame_interval_s", g.Detector.FrameIntervalS).Set("neutrons_per_open_beam_pixel", g.Detector.NeutronsPerPixel)
            .Set("current_uA", g.CurrentA * 1e6).Set("rest_s", g.Scenario.RestS).Set("soft_short_onset_s", g.Scenario.RestS + g.Scenario.SoftShortOnsetS)
            .Set("axis_x_px", g.Detector.AxisX).Set("bore_radius_px", g.Cell.BoreRadiusUm / g.Detector.PixelSizeUm)
            .Set("ss_li_row_px", g.RowAt(iz[0])).Set("li_se_row_px", g.RowAt(iz[1])).Set("se_cathode_row_px", g.RowAt(iz[2])).Set("cathode_ss_row_px", g.RowAt(iz[3]))
            .Set("beam_regions", $"0,0,9,{g.Height - 1} {g.Width - 10},0,{g.Width - 1},{g.Height - 1}");
        sum.Write(Path.Combine(dir, "summary.json"));
        Console.Error.WriteLine(fits ? $"wrote {dir}/sample/*.fits ({times.Count} frames {g.Width}×{g.Height}), ob/*.fits, df/*.fits, frames.csv, truth_bands.csv, summary.json"
                                     : $"wrote {dir}/sample.tif ({times.Count} frames {g.Width}×{g.Height}), ob.tif, df.tif, frames.csv, truth_bands.csv, summary.json");
        return 0;
    }

    /// <summary>
    /// Absolute start of the synthetic experiment (UTC) for the TIFF DateTime and FITS DATE-OBS metadata: a fixed date, so that the
    /// same command writes the same bytes. The relative times (s) are in time_s / TIME_S and frames.csv.
    /// </summary>
    internal static readonly DateTime ExperimentStartUtc = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    static void WriteStack(string path, OperandoRadiography g, List<RawFrame> frames)
    {
        using var w = TiffStackWriter<ushort>.Create(path, g.Width, g.Height, frames.Count);
        foreach (var f in frames) w.Append(f.Pixels, f.TimeS, ExperimentStartUtc.AddSeconds(f.TimeS));
        w.Commit();
    }

    static void WriteFits(string path, OperandoRadiography g, RawFrame f) =>
        Fits.WriteUInt16(path, f.Pixels, g.Width, g.Height, f.TimeS, ExperimentStartUtc.AddSeconds(f.TimeS), g.Detector.FrameIntervalS);
}

public sealed class RadNormalizeCommand : Command<RadNormalizeCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--sample <FILES>")][Description("Sample TIFF (multi-page allowed) or FITS files or globs.")]
        public string[] Sample { get; init; } = [];
        [CommandOption("--ob <FILES>")][Description("Open-beam TIFF or FITS files or globs (median-combined).")]
        public string[] Ob { get; init; } = [];
        [CommandOption("--df <FILES>")][Description("Dark-field TIFF or FITS files or globs (mean-combined).")]
        public string[] Df { get; init; } = [];
        [CommandOption("--roi <X0,Y0,X1,Y1>")][Description("Beam region(s) outside the cell for the beam-fluctuation correction (repeatable; pooled).")]
        public string[] Roi { get; init; } = [];
        [CommandOption("--gamma <MODE>")][Description("auto (integer images: flag ≥ max − 5), outlier (median of 8 neighbours + k·σ) or none. Default: auto")][DefaultValue("auto")]
        public string Gamma { get; init; } = "auto";
        [CommandOption("--outlier-k <K>")][Description("k of the outlier mode: flag pixels above the median of their 8 neighbours + k·σ, σ the noise of that difference at the local level (fitted per frame, Var = A + B·level). Default: 5")][DefaultValue(5.0)]
        public double OutlierK { get; init; } = 5;
        [CommandOption("--invalid <V>")][Description("Value where OB − DF ≤ 0: nan or zero. Default: nan")][DefaultValue("nan")]
        public string Invalid { get; init; } = "nan";
        [CommandOption("--ob-combine <M>")][Description("median or mean. Default: median")][DefaultValue("median")]
        public string ObCombine { get; init; } = "median";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Sample.Length == 0 || Ob.Length == 0 || Df.Length == 0) return ValidationResult.Error("--sample, --ob and --df are required");
            if (Invalid is not ("nan" or "zero")) return ValidationResult.Error($"--invalid {Invalid}: use nan or zero");
            if (ObCombine is not ("median" or "mean")) return ValidationResult.Error($"--ob-combine {ObCombine}: use median or mean");
            if (!(OutlierK > 0)) return ValidationResult.Error("--outlier-k must be positive");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "normalized";
        var mode = GammaFilterOptions.ParseMode(s.Gamma);
        var samples = FrameFiles.Expand(s.Sample, "--sample");
        var obFiles = FrameFiles.Expand(s.Ob, "--ob");
        var dfFiles = FrameFiles.Expand(s.Df, "--df");
        // one frame size for sample, OB and DF, checked before anything is read or written; the mismatching file is named
        var first = FrameFiles.Info(samples[0]);
        foreach (var f in samples.Concat(obFiles).Concat(dfFiles))
        {
            var fi = FrameFiles.Info(f);
            if (fi.Width != first.Width || fi.Height != first.Height) throw new InputException(f, $"is {fi.Width}×{fi.Height}, the first sample file {Path.GetFileName(samples[0])} is {first.Width}×{first.Height}");
        }
        long gammaOb = 0, gammaDf = 0, gammaS = 0, invalid = 0, frames = 0;
        var ob = FrameFiles.ReadAll(obFiles, out var obType);
        var df = FrameFiles.ReadAll(dfFiles, out var dfType);
        foreach (var im in ob) gammaOb += GammaFilter.Apply(im, GammaFilterOptions.For(mode, obType) with { OutlierK = s.OutlierK });
        foreach (var im in df) gammaDf += GammaFilter.Apply(im, GammaFilterOptions.For(mode, dfType) with { OutlierK = s.OutlierK });
        var opts = new NormalizationOptions { InvalidPixels = s.Invalid == "nan" ? InvalidPixelPolicy.NaN : InvalidPixelPolicy.Zero, BeamRegions = s.Roi.Select(r => PixelRegion.Parse(r)).ToList() };
        var norm = new Normalizer(Normalizer.Combine(ob, s.ObCombine == "median" ? FrameCombine.Median : FrameCombine.Mean, "--ob"), Normalizer.Combine(df, FrameCombine.Mean, "--df"), opts);
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        long fusedFrames = 0;
        int n = norm.Width * norm.Height;
        // raw uint16 buffers cycle between the reader thread and this one; float output buffer reused
        var rawPool = new System.Collections.Concurrent.ConcurrentBag<ushort[]>();
        ushort[] Rent() => rawPool.TryTake(out var b) ? b : new ushort[n];
        var outBuf = new float[n];
        try
        {
            CliProgress.Run("radiography normalize", p =>
            {
                for (int fi = 0; fi < samples.Count; fi++)
                {
                    string f = samples[fi];
                    var info = FrameFiles.Info(f);
                    var times = FrameFiles.Times(f);
                    if (info.Width != norm.Width || info.Height != norm.Height) throw new InputException(f, $"is {info.Width}×{info.Height}, open beam/dark field are {norm.Width}×{norm.Height}");
                    string outPath = Path.Combine(dir, Path.GetFileNameWithoutExtension(f) + ".tif");
                    if (Path.GetFullPath(outPath) == Path.GetFullPath(f)) throw new InputException("--out", $"would overwrite the input {f}");
                    if (written.Any(w => Path.GetFullPath(w) == Path.GetFullPath(outPath))) throw new InputException(f, $"has the base name of an earlier sample file: both would write {outPath}");
                    using var w = TiffStackWriter<float>.Create(outPath, info.Width, info.Height, info.Pages);
                    var g = GammaFilterOptions.For(mode, info.SampleType) with { OutlierK = s.OutlierK };
                    int page = 0;
                    if (info.SampleType == TiffSampleType.UInt16)
                    {
                        // 16-bit counts: read raw on a second thread, gamma filter + Eq. 1 fused in one pass (Normalizer.NormalizeRaw, equal
                        // bit for bit to widening to float, GammaFilter.Apply and Normalize)
                        foreach (var raw in FrameStreaming.Prefetch(FrameFiles.ReadPagesUInt16(f, Rent), depth: 2, cancellationToken))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            invalid += norm.NormalizeRaw(raw, outBuf, g, out int gp).InvalidPixels;
                            rawPool.Add(raw);
                            gammaS += gp;
                            w.Append(outBuf, page < times.Length ? times[page] : null, null); // the acquisition time travels with the frame
                            frames++; fusedFrames++; page++;
                        }
                    }
                    else
                    {
                        foreach (var img in FrameFiles.ReadPages(f))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            gammaS += GammaFilter.Apply(img, g);
                            invalid += norm.Normalize(img.Pixels, img.Pixels).InvalidPixels;
                            w.Append(img.Pixels, page < times.Length ? times[page] : null, null);
                            frames++; page++;
                        }
                    }
                    w.Commit();
                    written.Add(outPath);
                    p.Report(new ProgressReport("normalize", (fi + 1.0) / samples.Count));
                }
            });
        }
        catch
        {
            // all or nothing: a bad file later in the list removes the outputs this run already wrote
            foreach (var f in written) try { File.Delete(f); } catch (IOException) { }
            throw;
        }
        new SummaryJson("radiography normalize")
            .Parameter("gamma", s.Gamma).Parameter("outlier_k", s.OutlierK).Parameter("invalid", s.Invalid).Parameter("ob_combine", s.ObCombine)
            .Parameter("roi", string.Join(" ", s.Roi)).Parameter("ob_frames", ob.Count).Parameter("df_frames", df.Count)
            .Set("frames", frames).Set("frames_fused_uint16", fusedFrames).Set("gamma_pixels_sample", gammaS).Set("gamma_pixels_ob", gammaOb).Set("gamma_pixels_df", gammaDf)
            .Set("invalid_beam_pixels", norm.InvalidBeamPixels).Set("invalid_pixels_total", invalid)
            .Write(Path.Combine(dir, "summary.json"));
        Console.Error.WriteLine($"normalized {frames} frames into {written.Count} file(s) in {dir}; gamma pixels: sample {gammaS}, OB {gammaOb}, DF {gammaDf}; invalid (OB − DF ≤ 0) pixels per frame: {norm.InvalidBeamPixels}");
        return 0;
    }
}

public sealed class RadBinCommand : Command<RadBinCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandArgument(0, "<FILES>")][Description("Normalised frames: TIFF or FITS files or globs.")]
        public string[] Files { get; init; } = [];
        [CommandOption("-n|--bin-size <N>")][Description("Frames per bin (-n 30 as in the issue; Spectre.Console.Cli does not allow the one-letter long option --n). Default: 30 (paper)")][DefaultValue(30)]
        public int N { get; init; } = 30;
        [CommandOption("--times <CSV>")][Description("Frame times (time_s, optional current_A), one row per frame. Default: the times in the frames' metadata (frames ordered by them), else index × --interval-s")]
        public string? Times { get; init; }
        [CommandOption("--interval-s <S>")][Description("Frame interval when no --times. Default: 10")][DefaultValue(10.0)]
        public double IntervalS { get; init; } = 10;
        [CommandOption("--drop-partial")][Description("Drop a trailing bin with fewer than N frames (default: keep and flag it).")]
        public bool DropPartial { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (N < 1) return ValidationResult.Error("-n must be ≥ 1");
            if (!(IntervalS > 0)) return ValidationResult.Error("--interval-s must be positive");
            return CheckPathOption(Times, "--times");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "binned";
        var files = FrameFiles.Expand(s.Files, "FILES");
        var info = FrameFiles.Info(files[0]);
        double[]? t = null, c = null;
        // frame order and times: --times (stack order) wins; else the times in the frames' metadata (frames sorted by them) when
        // every frame has one; else natural file order at --interval-s
        IReadOnlyList<FrameFiles.FrameRef> order;
        string timeSource;
        if (s.Times is not null)
        {
            (t, c) = FrameFiles.ReadTimes(s.Times);
            order = files.SelectMany(f => Enumerable.Range(0, FrameFiles.Info(f).Pages).Select(p => new FrameFiles.FrameRef(f, p, null))).ToList();
            timeSource = "times_csv";
        }
        else
        {
            order = FrameFiles.Ordered(files);
            bool all = order.All(r => r.TimeS.HasValue);
            if (all) t = order.Select(r => r.TimeS!.Value).ToArray();
            timeSource = all ? "frame_metadata" : "interval";
        }
        long total = order.Count;
        if (t is not null && t.Length != total) throw new InputException(s.Times!, $"has {t.Length} rows, the stack holds {total} frames");
        Directory.CreateDirectory(dir);
        var bt = new List<double>(); var bn = new List<double>(); var bp = new List<double>(); var bc = new List<double>();
        CliProgress.Run("radiography bin", p =>
        {
            int i = 0;
            IEnumerable<TimedFrame> Frames()
            {
                foreach (var (_, img) in FrameFiles.Read(order))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var f = new TimedFrame(t?[i] ?? i * s.IntervalS, img.Pixels, c?[i] ?? double.NaN);
                    i++;
                    if (i % 30 == 0) p.Report(new ProgressReport("bin", (double)i / total));
                    yield return f;
                }
            }
            using var w = TiffStackWriter<float>.Create(Path.Combine(dir, "binned.tif"), info.Width, info.Height, (int)(total / s.N + 1));
            // the per-pixel means of the same bins (linear in the counts): what `radiography quantify` and the streamed pipeline use
            using var wm = TiffStackWriter<float>.Create(Path.Combine(dir, "binned_mean.tif"), info.Width, info.Height, (int)(total / s.N + 1));
            foreach (var b in MedianBinning.Bin(Frames(), info.Width, info.Height, s.N, s.DropPartial, keepMean: true))
            {
                w.Append(b.Pixels, b.TimeS, null); wm.Append(b.MeanPixels!, b.TimeS, null);
                bt.Add(b.TimeS); bn.Add(b.Frames); bp.Add(b.Partial ? 1 : 0); bc.Add(b.CurrentA);
            }
            if (bt.Count == 0) throw new InputException("FILES", "no complete bin (fewer frames than -n and --drop-partial)");
            w.Commit(); wm.Commit();
        });
        CsvTable.Write(Path.Combine(dir, "bins.csv"), [("bin", Enumerable.Range(0, bt.Count).Select(x => (double)x).ToList()), ("time_s", bt), ("frames", bn), ("partial", bp), ("current_A", bc)]);
        new SummaryJson("radiography bin").Parameter("n", s.N).Parameter("drop_partial", s.DropPartial).Parameter("times", s.Times ?? "").Parameter("time_source", timeSource)
            .Set("frames", total).Set("bins", bt.Count).Set("last_bin_partial", bp.Count > 0 && bp[^1] > 0).Write(Path.Combine(dir, "summary.json"));
        Console.Error.WriteLine($"binned {total} frames into {bt.Count} bins ({dir}/binned.tif medians, binned_mean.tif means, bins.csv)");
        return 0;
    }
}

public sealed class RadProfileCommand : Command<RadProfileCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandArgument(0, "<IMAGE>")][Description("A normalised radiograph (TIFF; --page selects a page).")]
        public string Image { get; init; } = "";
        [CommandOption("--page <P>")][DefaultValue(0)][Description("Page of a multi-page file. Default: 0")]
        public int Page { get; init; }
        [CommandOption("--from <X,Y>")][Description("Start point (px), on the anode-side rod.")]
        public string? From { get; init; }
        [CommandOption("--to <X,Y>")][Description("End point (px), on the cathode-side rod.")]
        public string? To { get; init; }
        [CommandOption("--width-px <N>")][DefaultValue(1)][Description("Lines averaged across the profile. Default: 1")]
        public int WidthPx { get; init; } = 1;
        [CommandOption("--pixel-size-um <UM>")][Description("Pixel size for the mm axis.")]
        public double? PixelSizeUm { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (From is null || To is null) return ValidationResult.Error("--from and --to are required");
            if (WidthPx < 1) return ValidationResult.Error("--width-px must be ≥ 1");
            if (PixelSizeUm is { } p && !(p > 0)) return ValidationResult.Error("--pixel-size-um must be positive");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "profile";
        var img = Tiff.ReadPageAsFloat(s.Image, s.Page);
        var (x0, y0) = RadiographyCommands.ParsePoint(s.From, "--from");
        var (x1, y1) = RadiographyCommands.ParsePoint(s.To, "--to");
        double px = s.PixelSizeUm ?? double.NaN;
        var prof = LineProfile.Sample(img, x0, y0, x1, y1, s.WidthPx, px);
        var deriv = LineProfile.Derivative(prof.Values);
        var lb = LineProfile.DetectBoundaries(prof.Values);
        Directory.CreateDirectory(dir);
        CsvTable.Write(Path.Combine(dir, "profile.csv"), [("distance_px", prof.DistancePx), ("distance_mm", prof.DistanceMm), ("transmission", prof.Values), ("derivative_per_px", deriv)]);
        var sum = new SummaryJson("radiography profile").Parameter("image", s.Image).Parameter("page", s.Page).Parameter("from", s.From).Parameter("to", s.To)
            .Parameter("width_px", s.WidthPx).Parameter("pixel_size_um", px);
        var arr = lb.ToArray();
        for (int i = 0; i < 4; i++) { sum.Set($"{LayerBoundaries.Names[i]}_px", arr[i]); sum.Set($"{LayerBoundaries.Names[i]}_mm", arr[i] * px / 1000); }
        sum.Set("li_thickness_um", (lb.LiSe - lb.SsLi) * px).Set("se_thickness_um", (lb.SeCathode - lb.LiSe) * px).Set("cathode_thickness_um", (lb.CathodeSs - lb.SeCathode) * px);
        sum.Write(Path.Combine(dir, "summary.json"));
        Console.WriteLine($"boundaries (px from start): SS|Li {lb.SsLi:F2}, Li|SE {lb.LiSe:F2}, SE|cathode {lb.SeCathode:F2}, cathode|SS {lb.CathodeSs:F2}");
        return 0;
    }
}

public class RadSeriesSettings : OutDirSettings
{
    [CommandArgument(0, "<FILES>")][Description("Binned normalised series: TIFF file(s) or globs (pages in time order).")]
    public string[] Files { get; init; } = [];
    [CommandOption("--bins <CSV>")][Description("bins.csv of `radiography bin` (time_s, current_A).")]
    public string? Bins { get; init; }
    [CommandOption("--roi-i <X0,Y0,X1,Y1>")][Description("ROI I (cell middle). Default: from the detected cell outline.")]
    public string? RoiI { get; init; }
    [CommandOption("--roi-ii <X0,Y0,X1,Y1>")][Description("ROI II (cell edge). Default: from the detected cell outline.")]
    public string? RoiII { get; init; }
    [CommandOption("--reference <R>")][Description("before-current (mean of the bins before the current) or first. Default: before-current")][DefaultValue("before-current")]
    public string Reference { get; init; } = "before-current";
    [CommandOption("--pixel-size-um <UM>")][Description("Pixel size, µm. Default: 25")][DefaultValue(25.0)]
    public double PixelSizeUm { get; init; } = 25;
    [CommandOption("--free-onset")][Description(RadiographyCommands.FreeOnsetHelp)]
    public bool FreeOnset { get; init; }

    /// <summary>Whether --bins is required (quantify can take the bin times from the TIFF metadata).</summary>
    protected virtual bool BinsRequired => true;

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (Bins is null && BinsRequired) return ValidationResult.Error("--bins is required");
        if (!(PixelSizeUm > 0)) return ValidationResult.Error("--pixel-size-um must be positive");
        return CheckPathOption(Bins, "--bins");
    }
}

public sealed class RadKymographCommand : Command<RadSeriesSettings>
{
    public override int Execute(CommandContext context, RadSeriesSettings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "kymograph";
        var files = FrameFiles.Expand(s.Files, "FILES");
        var k = CliProgress.Run("radiography kymograph", _ => RadiographyCommands.BuildKymographs(files, s.Bins!, s.RoiI, s.RoiII, s.Reference, s.PixelSizeUm, SnapshotTimes(s.Bins!)));
        var r = OperandoPipeline.Analyse(k, new OperandoPipelineOptions { PixelSizeUm = s.PixelSizeUm, Bands = new BandDetectionOptions { OnsetWithCurrent = !s.FreeOnset } });
        Directory.CreateDirectory(dir);
        RadiographyCommands.WriteKymographOutputs(dir, k);
        OperandoQuantification.WriteBands(dir, r);
        int videoFrames = CliProgress.Run("Video S1", _ => WriteVideo(Path.Combine(dir, "video_s1.gif"), files, s.Bins!, k.Reference!));
        var sum = new SummaryJson("radiography kymograph").Parameter("reference", s.Reference).Parameter("pixel_size_um", s.PixelSizeUm).Parameter("free_onset", s.FreeOnset)
            .Parameter("roi_i", k.Regions[0].ToString()).Parameter("roi_ii", k.Regions.Count > 1 ? k.Regions[1].ToString() : "")
            .Set("bins", k.TimesS.Count).Set("reference_bins", k.ReferenceBins).Set("video_frames", videoFrames);
        foreach (var b in r.Bands) sum.Set($"{b.Name.ToLowerInvariant()}_position_mm", b.PositionMm).Set($"{b.Name.ToLowerInvariant()}_onset_s", b.OnsetS).Set($"{b.Name.ToLowerInvariant()}_fluctuation_onset_s", b.FluctuationOnsetS)
            .Set($"{b.Name.ToLowerInvariant()}_onset_free_s", b.OnsetFreeS).Set($"{b.Name.ToLowerInvariant()}_onset_with_current", b.OnsetWithCurrent);
        sum.Write(Path.Combine(dir, "summary.json"));
        foreach (var b in r.Bands) Console.WriteLine($"{b.Name}: {(b.Sign > 0 ? "depletion" : "enrichment")} at {b.PositionMm:F3} mm from cathode|SS (row {b.Row:F2}), onset {b.OnsetS / 3600:F2} h ({RadiographyCommands.OnsetNote(b)}), magnitude {b.Magnitude:F3}, fluctuation from {(double.IsNaN(b.FluctuationOnsetS) ? "-" : (b.FluctuationOnsetS / 3600).ToString("F2", CultureInfo.InvariantCulture) + " h")}");
        return 0;
    }

    /// <summary>
    /// Video S1: every bin's Tr_t/Tr_0 (viridis, 0.7–1.3, colour bar, time stamp in hours after the current starts, or after the
    /// first bin when no current is recorded) as an animated GIF, 0.1 s per frame, written atomically. Returns the frame count.
    /// </summary>
    internal static int WriteVideo(string path, IReadOnlyList<string> files, string binsCsv, Image2D<float> reference)
    {
        var (t, c) = FrameFiles.ReadTimes(binsCsv);
        int first = Array.FindIndex(c, v => Math.Abs(v) >= 1e-9);
        double t0 = first >= 0 ? t[first] - 0.5 * (t.Length > 1 ? t[1] - t[0] : 0) : t[0];
        using var anim = new RatioAnimation();
        foreach (var b in RadiographyCommands.ReadBinned(files, binsCsv))
        {
            var ratio = new Image2D<float>(reference.Width, reference.Height);
            for (int i = 0; i < ratio.Pixels.Length; i++) ratio.Pixels[i] = b.Pixels[i] / reference.Pixels[i];
            anim.Add(ratio, (b.TimeS - t0) / 3600);
        }
        anim.Save(path);
        return anim.Frames;
    }

    internal static double[] SnapshotTimes(string binsCsv)
    {
        var (t, c) = FrameFiles.ReadTimes(binsCsv);
        int first = Array.FindIndex(c, v => Math.Abs(v) >= 1e-9);
        double t0 = first >= 0 ? t[first] : t[0];
        return [t[0], t0 + 2 * 3600, t0 + 4.5 * 3600, t0 + 8 * 3600, t0 + 14 * 3600, t0 + 20 * 3600];
    }
}

public sealed class RadQuantifyCommand : Command<RadQuantifyCommand.Settings>
{
    public sealed class Settings : RadSeriesSettings
    {
        [CommandOption("--means <FILES>")][Description("The bins' per-pixel means (binned_mean.tif of `radiography bin`), pages matching FILES. Default: <name>_mean.tif beside a single FILES stack when it exists")]
        public string[]? Means { get; init; }
        [CommandOption("--split-h <H>")][Description("Time after the current start that separates the P1 slopes (soft short), h. Default: detected P2 fluctuation onset, else 4.5")]
        public double? SplitH { get; init; }
        [CommandOption("--current-ua <UA>")][Description("Current for the Faraday comparison, µA. Default: from bins.csv, else the paper's C/20")]
        public double? CurrentUA { get; init; }
        [CommandOption("--current-start-s <S>")][Description("Without --bins: the time the current starts, s (bins before it make Tr0; the current is --current-ua). Default: none (Tr0 = the first bin)")]
        public double? CurrentStartS { get; init; }

        protected override bool BinsRequired => false;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (CurrentStartS is { } t && !double.IsFinite(t)) return ValidationResult.Error("--current-start-s must be a number");
            if (CurrentStartS.HasValue && Bins is not null) return ValidationResult.Error("--current-start-s is for stacks without --bins (bins.csv holds the current)");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "quantify";
        var files = FrameFiles.Expand(s.Files, "FILES");
        IReadOnlyList<string>? means = s.Means is { Length: > 0 } m ? FrameFiles.Expand(m, "--means") : null;
        if (means is null && files.Count == 1)
        {
            string sibling = Path.Combine(Path.GetDirectoryName(files[0]) ?? "", Path.GetFileNameWithoutExtension(files[0]) + "_mean" + Path.GetExtension(files[0]));
            if (File.Exists(sibling)) means = [sibling];
        }
        // streamed: the builder keeps only the reference bins and its per-bin rows and zones
        var k = CliProgress.Run("radiography quantify", _ => RadiographyCommands.BuildKymographs(ReadBins(files, means, s.Bins, s.CurrentUA, s.CurrentStartS), files[0], s.RoiI, s.RoiII, s.Reference, s.PixelSizeUm, []));
        var r = OperandoPipeline.Analyse(k, new OperandoPipelineOptions { PixelSizeUm = s.PixelSizeUm, Bands = new BandDetectionOptions { OnsetWithCurrent = !s.FreeOnset } });
        var q = OperandoQuantification.Run(r, s.PixelSizeUm, s.SplitH, s.CurrentUA);
        Directory.CreateDirectory(dir);
        OperandoQuantification.Write(dir, r, q);
        if (means is null) Console.Error.WriteLine("no bin means (binned_mean.tif): the bins' medians were used, and the ROI I estimator with Σ_Li at the mean wavelength (biased low, docs/radiography.md)");
        Console.WriteLine(q.Summary);
        return 0;
    }

    /// <summary>
    /// The binned series with its per-pixel means (when given) and times: from bins.csv when given (it also holds the current),
    /// else from each page's TIFF metadata (time_s), the current then --current-ua from --current-start-s on (none: NaN, Tr₀ =
    /// the first bin).
    /// </summary>
    internal static IEnumerable<BinnedFrame> ReadBins(IReadOnlyList<string> files, IReadOnlyList<string>? means, string? binsCsv, double? currentUA, double? currentStartS)
    {
        double[] t, c;
        if (binsCsv is not null) (t, c) = FrameFiles.ReadTimes(binsCsv);
        else
        {
            var times = files.SelectMany(FrameFiles.Times).ToArray();
            int missing = Array.FindIndex(times, v => !v.HasValue);
            if (missing >= 0) throw new InputException(files[0], $"page {missing} has no acquisition time in its metadata (give --bins bins.csv)");
            t = times.Select(v => v!.Value).ToArray();
            double i = (currentUA ?? double.NaN) * 1e-6;
            if (currentStartS.HasValue && !currentUA.HasValue) i = SoftShort.Electrochemistry.ChargeBudget.ForPaperCell(new CellGeometry()).CurrentA;
            c = t.Select(v => currentStartS is { } t0 ? (v >= t0 ? i : 0) : double.NaN).ToArray();
        }
        if (means is not null)
        {
            var mt = means.SelectMany(FrameFiles.Times).ToArray();
            if (mt.Length != t.Length) throw new InputException(means[0], $"holds {mt.Length} pages, the binned stack {t.Length}");
        }
        using var meanPages = means is null ? null : FrameFiles.Read(means).Select(p => p.Image).GetEnumerator();
        int n = 0;
        foreach (var (file, _, img, _) in FrameFiles.Read(files))
        {
            if (n >= t.Length) throw new InputException(binsCsv ?? file, $"has {t.Length} bins but {file} holds more pages");
            float[]? mean = null;
            if (meanPages is not null)
            {
                meanPages.MoveNext();
                var mi = meanPages.Current;
                if (mi.Width != img.Width || mi.Height != img.Height) throw new InputException(means![0], $"is {mi.Width}×{mi.Height}, the binned stack {img.Width}×{img.Height}");
                mean = mi.Pixels;
            }
            yield return new BinnedFrame(n, t[n], 0, false, c[n], img.Pixels) { MeanPixels = mean };
            n++;
        }
        if (n != t.Length) throw new InputException(binsCsv ?? files[0], $"has {t.Length} bins but the stack holds {n} pages");
    }
}

public sealed class RadRunCommand : Command<RadRunCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--size <SIZE>")][Description("small or paper. Default: small")][DefaultValue("small")]
        public string Size { get; init; } = "small";
        [CommandOption("--seed <N>")][DefaultValue(1)][Description("Seed. Default: 1")]
        public int Seed { get; init; } = 1;
        [CommandOption("--stride <K>")][DefaultValue(1)][Description("Use every K-th frame (bins then hold 30/K frames). Default: 1")]
        public int Stride { get; init; } = 1;
        [CommandOption("--charge-h <H>")][Description("Length of the C/20 charge after the 30-min rest, h (the paper: 20). Shorter runs for teaching and tests; the soft short is planted at 4.5 h, so it needs at least 6. Default: 20")][DefaultValue(20.0)]
        public double ChargeH { get; init; } = 20;
        [CommandOption("--free-onset")][Description(RadiographyCommands.FreeOnsetHelp)]
        public bool FreeOnset { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (Size is not ("small" or "paper")) return ValidationResult.Error($"--size {Size}: use small or paper");
            if (Stride is < 1 or > 30 || 30 % Stride != 0) return ValidationResult.Error("--stride must divide 30");
            if (!(ChargeH > 0 && ChargeH <= 200)) return ValidationResult.Error($"--charge-h {ChargeH}: must be in (0, 200] h");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Out ?? "radiography-run";
        var sw = Stopwatch.StartNew();
        var g = new OperandoRadiography(scenario: new OperandoScenario { ChargeS = s.ChargeH * 3600 }, detector: s.Size == "paper" ? DetectorOptions.Paper : DetectorOptions.Small, seed: s.Seed);
        var opt = OperandoPipeline.OptionsFor(g, 30 / s.Stride);
        opt = opt with { Bands = opt.Bands with { OnsetWithCurrent = !s.FreeOnset } };
        var norm = OperandoPipeline.NormalizerFromGenerator(g, opt, out _);
        long expected = (g.FrameCount + s.Stride - 1) / s.Stride;
        var r = CliProgress.Run("radiography run", p => OperandoPipeline.Run(OperandoPipeline.FromGenerator(g, s.Stride), norm, opt, null, p, expected, cancellationToken));
        Directory.CreateDirectory(dir);
        RadiographyCommands.WriteKymographOutputs(dir, r.Kymographs);
        var q = OperandoQuantification.Run(r, g.Detector.PixelSizeUm);
        OperandoQuantification.Write(dir, r, q); // writes bands.csv, boundaries_over_time.csv, li_quantification.csv, summary.json
        CsvTable.WriteRows(Path.Combine(dir, "truth_bands.csv"), ["band", "sign", "roi", "row_px", "position_mm", "onset_s", "final_li_um"],
            g.Truth.Select(b => (IReadOnlyList<string>)[b.Name, b.Sign.ToString(CultureInfo.InvariantCulture), b.Roi, RadiographyCommands.F(b.Row), RadiographyCommands.F(b.PositionMm), RadiographyCommands.F(b.OnsetS), RadiographyCommands.F(b.FinalLiUm)]));
        // planted Li of P1–P4 per bin (mean over the bin's 300 s) beside the measured series, and the least-squares factor
        // measured/planted over the charge: a comparison that averages the per-bin noise
        var kt = r.Kymographs.TimesS;
        var planted = kt.Select(t => Enumerable.Range(0, 30).Select(j => g.ProcessLiVolumesCm3(t - 145 + 10 * j)).Aggregate(new double[4], (a, v) => { for (int i = 0; i < 4; i++) a[i] += v[i] / 30; return a; })).ToList();
        CsvTable.Write(Path.Combine(dir, "truth_li.csv"), [("time_s", kt), .. Enumerable.Range(0, 4).Select(p => ($"p{p + 1}_li_um", (IReadOnlyList<double>)planted.Select(v => v[p] / g.Cell.BoreAreaCm2 * 1e4).ToList())),
            ("p3_li_mm3", planted.Select(v => v[2] * 1e3).ToList()), ("p4_li_mm3", planted.Select(v => v[3] * 1e3).ToList())]);
        var fit = new List<string>();
        foreach (var b in q.Bands)
        {
            int p = b.Name[1] - '1';
            if (p is < 0 or > 3) continue;
            double sxy = 0, sxx = 0;
            for (int i = 0; i < kt.Count; i++) if (kt[i] > g.Scenario.RestS && double.IsFinite(b.LiUm[i])) { double y = planted[i][p] / g.Cell.BoreAreaCm2 * 1e4; sxy += b.LiUm[i] * y; sxx += y * y; }
            fit.Add(FormattableString.Invariant($"{b.Name} {sxy / sxx:F3}"));
        }
        if (q.Radial is { } rad) fit.Add(FormattableString.Invariant($"P3 core {rad.CoreLiMm3[^1]:F4} mm³ at the end (planted {planted[^1][2] * 1e3:F4}), P4 gap {rad.GapLiMm3[^1]:F4} mm³ (planted {planted[^1][3] * 1e3:F4})"));
        double secs = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"{r.Frames} frames {g.Width}×{g.Height} → {r.Bins} bins in {secs:F1} s ({r.Frames / secs:F1} frames/s), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        foreach (var b in r.Bands)
        {
            var t = g.Truth.First(x => x.Name == b.Name);
            Console.WriteLine($"{b.Name}: row {b.Row:F2} (truth {t.Row:F2}), onset {b.OnsetS:F0} s ({RadiographyCommands.OnsetNote(b)}; truth {t.OnsetS:F0}), fluctuation from {b.FluctuationOnsetS:F0} s (soft short planted at {g.Scenario.RestS + g.Scenario.SoftShortOnsetS:F0})");
        }
        Console.WriteLine(q.Summary);
        Console.WriteLine("Li measured/planted (least squares over the charge): " + string.Join("; ", fit));
        return 0;
    }
}

public sealed class BenchRadiographyCommand : Command<BenchRadiographyCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--frames <N>")][DefaultValue(60)][Description("Frames per timed run (2 bins of 30). Default: 60")]
        public int Frames { get; init; } = 60;
        [CommandOption("--width <PX>")][DefaultValue(2560)][Description("Frame width. Default: 2560")]
        public int Width { get; init; } = 2560;
        [CommandOption("--height <PX>")][DefaultValue(2160)][Description("Frame height. Default: 2160")]
        public int Height { get; init; } = 2160;
        [CommandOption("-n|--bin-size <N>")][DefaultValue(30)][Description("Frames per median bin. Default: 30 (paper)")]
        public int BinSize { get; init; } = 30;
        [CommandOption("--gamma <MODE>")][DefaultValue("both")][Description("Gamma filter mode timed in the compute run: auto, outlier, none or both (auto then outlier); the end-to-end run uses it too (both → auto). Default: both")]
        public string Gamma { get; init; } = "both";
        [CommandOption("--from-files")][Description("Also time the end-to-end run from a 16-bit TIFF stack written to the temp folder (page cache warm).")]
        public bool FromFiles { get; init; }
        [CommandOption("--files-only")][Description("Only the end-to-end run from files (no compute-only run).")]
        public bool FilesOnly { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (BinSize < 1 || Frames < BinSize) return ValidationResult.Error("--frames must be ≥ --bin-size ≥ 1");
            if (Width < 3 || Height < 3) return ValidationResult.Error("--width and --height must be ≥ 3");
            if (Gamma is not ("auto" or "outlier" or "none" or "both")) return ValidationResult.Error($"--gamma {Gamma}: use auto, outlier, none or both");
            return ValidationResult.Success();
        }
    }

    /// <summary>
    /// Deterministic synthetic raw frame f (counts as float): a smooth beam of ~2000 ADU over a darker cell, noise from an
    /// integer hash (±~45 ADU, like counting noise), DF offset 100, and 40 saturated gamma spots per Mpx.
    /// </summary>
    static void RawFrame(int f, float[] dst, int w, int h)
    {
        Parallel.For(0, h, y =>
        {
            int o = y * w;
            float rowBeam = 1900 + 200 * MathF.Sin(y * 0.0021f);
            for (int x = 0; x < w; x++)
            {
                uint z = (uint)(o + x) * 2654435761u ^ (uint)f * 40503u;
                z ^= z >> 15; z *= 2246822519u; z ^= z >> 13; z *= 3266489917u; z ^= z >> 16;
                float cell = MathF.Abs(x - w / 2) < w / 6 ? 0.55f : 1f;
                float noise = ((z & 0xFF) + ((z >> 8) & 0xFF) + ((z >> 16) & 0xFF) - 382.5f) * 0.42f;
                dst[o + x] = MathF.Round(100 + rowBeam * cell + noise);
                if ((z >> 22) == 0 && ((z >> 8) & 0x3F) < 3) dst[o + x] = 65535; // ≈ 45 per Mpx (bits 8–13 and 22–31 independent)
            }
        });
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        int w = s.Width, h = s.Height, n = w * h, nb = s.BinSize;
        var ob = new Image2D<float>(w, h); var df = new Image2D<float>(w, h);
        RawFrame(1_000_001, ob.Pixels, w, h);
        for (int i = 0; i < n; i++) { df.Pixels[i] = 100; ob.Pixels[i] = Math.Min(ob.Pixels[i], 60000) + 400; }
        var regions = new PixelRegion[] { new(0, 0, Math.Min(49, w - 1), h - 1) };
        var norm = new Normalizer(ob, df, new NormalizationOptions { BeamRegions = regions });
        double mbPerFrame = n * 2 / 1e6; // raw uint16
        string load = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
        Console.WriteLine($"bench radiography: frames {w}x{h} ({mbPerFrame:F1} MB as uint16), bins of {nb}, {Environment.ProcessorCount} cores, " +
                          $"SIMD {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit" : "off")} (median kernel {SelectionNetwork.ForMedian(nb).KernelWidth} lanes{(SelectionNetwork.ForMedian(nb).Kernel is null ? ", interpreted" : ", compiled")}), load average {load}");
        Console.WriteLine($"  chain per frame: gamma filter → normalisation (Eq. 1, ROI beam correction {regions[0]}) → {nb}-frame per-pixel median; frame buffers recycled");

        if (s.FromFiles || s.FilesOnly) EndToEnd(s, norm, mbPerFrame, cancellationToken);
        GC.Collect(); // the end-to-end run's buffers are garbage now: do not let them count twice in the peak
        if (!s.FilesOnly)
        {
            // compute only: nb distinct raw frames in memory, cycled; each processed frame starts as a copy of one of them
            var raw = new float[nb][];
            for (int f = 0; f < nb; f++) { raw[f] = new float[n]; RawFrame(f, raw[f], w, h); }
            string[] modes = s.Gamma == "both" ? ["auto", "outlier"] : [s.Gamma];
            var pool = new FrameBufferPool(n);
            foreach (var m in modes)
            {
                var gamma = new GammaFilterOptions { Mode = GammaFilterOptions.ParseMode(m), DtypeMax = 65535 };
                Compute(s, raw, norm, gamma, m, mbPerFrame, pool, cancellationToken); // warm-up (JIT, buffers) on one bin
                Compute(s, raw, norm, gamma, m, mbPerFrame, pool, cancellationToken, print: true);
            }
        }
        Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (process total{(s.FilesOnly ? "" : $", incl. the {nb} in-memory input frames of the compute run, {(double)nb * n * 4 / 1e6:F0} MB")})");
        return 0;
    }

    /// <summary>Wall and CPU (all threads) seconds of a stage, summed over calls.</summary>
    sealed class StageTimer
    {
        readonly Stopwatch _w = new();
        TimeSpan _c0;
        public double Wall, Cpu;
        public void Start() { _c0 = Process.GetCurrentProcess().TotalProcessorTime; _w.Restart(); }
        public void Stop() { Wall += _w.Elapsed.TotalSeconds; Cpu += (Process.GetCurrentProcess().TotalProcessorTime - _c0).TotalSeconds; }
    }

    static void Compute(Settings s, float[][] raw, Normalizer norm, GammaFilterOptions gamma, string mode, double mbPerFrame, FrameBufferPool pool, CancellationToken cancel, bool print = false)
    {
        int w = s.Width, h = s.Height, frames = print ? s.Frames : s.BinSize;
        StageTimer copy = new(), tg = new(), tn = new(), all = new();
        long spots = 0;
        IEnumerable<TimedFrame> Proc()
        {
            for (int f = 0; f < frames; f++)
            {
                cancel.ThrowIfCancellationRequested();
                copy.Start(); var px = pool.Rent(); raw[f % raw.Length].AsSpan().CopyTo(px); copy.Stop();
                tg.Start(); spots += GammaFilter.Apply(px, w, h, gamma); tg.Stop();
                tn.Start(); norm.Normalize(px, px); tn.Stop();
                yield return new TimedFrame(f * 10, px);
            }
        }
        int bins = 0;
        all.Start();
        foreach (var b in MedianBinning.Bin(Proc(), w, h, s.BinSize, recycle: pool.Return)) bins++;
        all.Stop();
        if (!print) return;
        double binWall = all.Wall - copy.Wall - tg.Wall - tn.Wall, binCpu = all.Cpu - copy.Cpu - tg.Cpu - tn.Cpu;
        double compute = all.Wall - copy.Wall;
        string ms(double t) => (t / frames * 1000).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"  compute only, gamma {mode}: {frames} frames → {bins} bins: {frames / compute:F1} frames/s, {frames * mbPerFrame / compute:F0} MB/s; " +
                          $"CPU {ms(all.Cpu - copy.Cpu)} ms/frame (all threads)");
        Console.WriteLine($"    wall ms/frame: gamma {ms(tg.Wall)}, normalise {ms(tn.Wall)}, median {ms(binWall)}   CPU ms/frame: gamma {ms(tg.Cpu)}, normalise {ms(tn.Cpu)}, median {ms(binCpu)}");
        Console.WriteLine($"    normalise + median alone (the NumPy peer's work): {frames / (tn.Wall + binWall):F1} frames/s, CPU {ms(tn.Cpu + binCpu)} ms/frame; " +
                          $"{spots / (double)frames:F0} pixels fixed per frame; copying each input frame into a work buffer ({ms(copy.Wall)} ms) not counted");
        if (gamma.Mode == GammaFilterMode.Outlier)
        {
            // the outlier mode's two parts, timed apart on the raw frames: the per-frame noise model and the flagging scan
            StageTimer te = new(), tf = new();
            ResidualNoiseModel model = default;
            int reps = Math.Min(frames, raw.Length);
            for (int f = 0; f < reps; f++) { te.Start(); model = ResidualNoiseModel.Estimate(raw[f], w, h); te.Stop(); }
            for (int f = 0; f < reps; f++) { tf.Start(); GammaFilter.FindOutliers(raw[f], w, h, gamma.OutlierK, model); tf.Stop(); }
            Console.WriteLine($"    outlier mode split ({reps} frames): noise model {te.Wall / reps * 1000:F1} ms wall, {te.Cpu / reps * 1000:F1} ms CPU; flagging scan {tf.Wall / reps * 1000:F1} ms wall, {tf.Cpu / reps * 1000:F1} ms CPU; " +
                              $"residual σ {model.Sigma(2000):F2} ADU at 2000 ADU (Var = {model.A:F1} + {model.B:F4}·level, {model.Samples} samples)");
        }
    }

    static void EndToEnd(Settings s, Normalizer norm, double mbPerFrame, CancellationToken cancel)
    {
        int w = s.Width, h = s.Height, n = w * h;
        string path = Path.Combine(Path.GetTempPath(), $"softshort-bench-rad-{Environment.ProcessId}.tif");
        try
        {
            using (var wr = TiffStackWriter<ushort>.Create(path, w, h, s.Frames))
            {
                var f32 = new float[n]; var u = new ushort[n];
                for (int f = 0; f < s.Frames; f++)
                {
                    RawFrame(f % s.BinSize, f32, w, h);
                    for (int i = 0; i < n; i++) u[i] = (ushort)f32[i];
                    wr.Append(u);
                }
                wr.Commit();
            }
            string gammaName = s.Gamma == "both" ? "auto" : s.Gamma;
            var gamma = new GammaFilterOptions { Mode = GammaFilterOptions.ParseMode(gammaName), DtypeMax = 65535 };
            // warm the page cache and time the read alone
            double tRead = 0, tReadRaw = 0;
            for (int rep = 0; rep < 2; rep++)
            {
                var buf = new float[n]; var ubuf = new ushort[n];
                var sr = Stopwatch.StartNew();
                using (var rd = TiffPageReader.Open(path)) while (rd.ReadNext(buf)) cancel.ThrowIfCancellationRequested();
                tRead = sr.Elapsed.TotalSeconds;
                sr.Restart();
                using (var rd = TiffPageReader.Open(path)) while (rd.ReadNextUInt16(ubuf)) cancel.ThrowIfCancellationRequested();
                tReadRaw = sr.Elapsed.TotalSeconds;
            }
            long ws0 = Environment.WorkingSet;
            var pool = new FrameBufferPool(n);
            var rawPool = new System.Collections.Concurrent.ConcurrentBag<ushort[]>();
            long spots = 0;
            // fused: the reader thread reads uint16 counts; this thread filters + normalises them into a float frame in one pass
            IEnumerable<ushort[]> ReadRaw(int max)
            {
                using var rd = TiffPageReader.Open(path);
                for (int i = 0; i < max; i++)
                {
                    if (!rawPool.TryTake(out var u)) u = new ushort[n];
                    if (!rd.ReadNextUInt16(u)) { rawPool.Add(u); yield break; }
                    yield return u;
                }
            }
            IEnumerable<TimedFrame> Fused(IEnumerable<ushort[]> frames)
            {
                int i = 0;
                foreach (var u in frames)
                {
                    cancel.ThrowIfCancellationRequested();
                    var px = pool.Rent();
                    norm.NormalizeRaw(u, px, gamma, out int g);
                    spots += g;
                    rawPool.Add(u);
                    yield return new TimedFrame(i++ * 10, px);
                }
            }
            // float: the reader thread reads and widens to float32; this thread runs GammaFilter.Apply and Normalize in place
            IEnumerable<TimedFrame> Read(int max)
            {
                using var rd = TiffPageReader.Open(path);
                for (int i = 0; i < max; i++)
                {
                    var px = pool.Rent();
                    if (!rd.ReadNext(px)) { pool.Return(px); yield break; }
                    yield return new TimedFrame(i * 10, px);
                }
            }
            IEnumerable<TimedFrame> Filtered(IEnumerable<TimedFrame> frames)
            {
                foreach (var f in frames)
                {
                    cancel.ThrowIfCancellationRequested();
                    spots += GammaFilter.Apply(f.Pixels, w, h, gamma);
                    norm.Normalize(f.Pixels, f.Pixels);
                    yield return f;
                }
            }
            int Run(int frames, bool fused) => MedianBinning.Bin(fused ? Fused(FrameStreaming.Prefetch(ReadRaw(frames), depth: 3, cancel)) : Filtered(FrameStreaming.Prefetch(Read(frames), depth: 3, cancel)),
                w, h, s.BinSize, recycle: pool.Return).Count();
            foreach (bool fused in new[] { true, false })
            {
                Run(s.BinSize, fused); // warm-up: JIT and the frame buffers (a long stream reuses them)
                spots = 0;
                var sw = new StageTimer();
                sw.Start();
                int bins = Run(s.Frames, fused);
                sw.Stop();
                double e2e = sw.Wall;
                Console.WriteLine($"  end to end from a uint16 TIFF stack, gamma {gammaName}, {(fused ? "uint16 read + fused filter/normalise" : "float32 read + filter + normalise")} (page cache warm; read on a second thread, 3 frames ahead): " +
                                  $"{s.Frames} frames → {bins} bins in {e2e:F2} s: {s.Frames / e2e:F1} frames/s, {s.Frames * mbPerFrame / e2e:F0} MB/s, CPU {sw.Cpu / s.Frames * 1000:F1} ms/frame; {spots / (double)s.Frames:F0} pixels fixed per frame");
            }
            Console.WriteLine($"    read alone (one thread): uint16 {s.Frames / tReadRaw:F1} frames/s ({s.Frames * mbPerFrame / tReadRaw:F0} MB/s), to float32 {s.Frames / tRead:F1} frames/s ({s.Frames * mbPerFrame / tRead:F0} MB/s)");
            Console.WriteLine($"    peak working set after the end-to-end runs: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB (before them {ws0 / 1e6:F0} MB; frame buffers {pool.Allocated} × {n * 4 / 1e6:F0} MB float + {rawPool.Count} × {n * 2 / 1e6:F0} MB uint16)");
        }
        finally { File.Delete(path); }
    }
}
