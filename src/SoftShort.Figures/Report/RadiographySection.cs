using System.Globalization;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;

namespace SoftShort.Figures.Report;

/// <summary>
/// Operando neutron radiography (paper Sec. 2.1–2.2): raw frame, OB, DF and gamma spots (Fig. S6), the normalised
/// radiograph and its layer profile with derivative and boundaries (Fig. 1C, S2, S3) from the bundled raw sample; then the
/// whole 20.5-h synthetic experiment streamed from the generator into the pipeline: ratio maps (Fig. 2C), kymographs of
/// ROI I and II (Fig. 2D, E), bands P1–P4 against the planted truth, the soft-short fluctuation (Fig. S9) and the Li
/// quantification against Faraday's law.
/// </summary>
public sealed class RadiographySection : IReportSection
{
    public string Id => "radiography";
    public string Title => "Operando neutron radiography: normalisation, kymographs and the soft short";
    public string PaperFigures => "Fig. 1C, 2A, 2C–E, S2, S3, S6, S7, S9";
    public int Order => 10;

    static string F(double v, string f = "F2") => v.ToString(f, CultureInfo.InvariantCulture);

    public void Build(ReportContext ctx)
    {
        string dir = Path.Combine(ctx.DataDir, "radiography");
        string sample = Path.Combine(dir, "sample.tif"), obf = Path.Combine(dir, "ob.tif"), dff = Path.Combine(dir, "df.tif");
        if (!File.Exists(sample)) throw new InputException(sample, "radiography sample missing (softshort synth radiography --max-frames 30 --out data-samples/radiography)");
        var gamma = new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = ushort.MaxValue };

        // ---- Fig. S6: raw frame, OB, DF, gamma spots ----
        ctx.Heading("Raw frame, open beam, dark field and gamma spots (Fig. S6)");
        var raw = FrameFiles.ReadAll([sample], out _);
        var ob = FrameFiles.ReadAll([obf], out _);
        var df = FrameFiles.ReadAll([dff], out _);
        var first = raw[0].Clone();
        long gOb = ob.Sum(i => (long)GammaFilter.Apply(i, gamma)), gDf = df.Sum(i => (long)GammaFilter.Apply(i, gamma));
        ctx.Image(ImageRenderer.Render(first, new ImageRenderOptions { Colormap = Colormap.Gray }, "raw frame 0 (ADU)"), "raw", "One raw 10-s frame (counts): non-uniform beam, counting noise, saturated gamma spots and hot pixels (white).");
        int w = first.Width, h = first.Height;
        var opts = new NormalizationOptions { BeamRegions = [new PixelRegion(0, 0, 9, h - 1), new PixelRegion(w - 10, 0, w - 1, h - 1)] };
        var norm = new Normalizer(Normalizer.Combine(ob, FrameCombine.Median, "ob"), Normalizer.Combine(df, FrameCombine.Mean, "df"), opts);
        long gS = 0;
        var normalized = new List<TimedFrame>();
        var (times, currents) = FrameFiles.ReadTimes(Path.Combine(dir, "frames.csv"));
        for (int i = 0; i < raw.Count; i++)
        {
            gS += GammaFilter.Apply(raw[i], gamma);
            norm.Normalize(raw[i].Pixels, raw[i].Pixels);
            normalized.Add(new TimedFrame(times[i], raw[i].Pixels, currents[i]));
        }
        ctx.Number("gamma_pixels_per_frame", (double)gS / raw.Count, "Gamma-spot / hot pixels flagged (auto: ≥ 65530) per sample frame");
        ctx.Number("gamma_pixels_ob_df", gOb + gDf, "Flagged in the 10 OB + 5 DF frames");
        var bin = MedianBinning.Bin(normalized, w, h, 30).First();
        var binImg = new Image2D<float>(w, h, bin.Pixels);
        ctx.Image(ImageRenderer.Render(new Image2D<float>(w, h, normalized[0].Pixels), new ImageRenderOptions { Colormap = Colormap.Gray, Min = 0, Max = 1 }, "normalised frame 0"), "normalized_frame",
            "One frame after the gamma filter and Eq. 1 with ROI beam correction: transmission 0–1, still noisy (≈ 34 neutrons per open-beam pixel).");
        ctx.Image(ImageRenderer.Render(binImg, new ImageRenderOptions { Colormap = Colormap.Gray, Min = 0, Max = 1 }, "median of 30 normalised frames"), "binned",
            "Fig. 2A analogue: median of 30 normalised frames (5 min). Dark: the Li foil (top) and the pellet; SS rods above and below; PTFE tube at the sides.");

        // ---- Fig. 1C / S3: profile, derivative, boundaries ----
        ctx.Heading("Transmission profile across the layers and its derivative (Fig. 1C, S3)");
        var outline = CellOutline.Detect(binImg);
        double pixelUm = 25;
        var prof = LineProfile.Sample(binImg, outline.AxisX, 0, outline.AxisX, h - 1, widthPx: (int)(0.6 * outline.RadiusPx), pixelSizeUm: pixelUm);
        var deriv = LineProfile.Derivative(prof.Values);
        var lb = LineProfile.DetectBoundaries(prof.Values);
        var truthSum = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        double[] truthRows = [(double)truthSum["ss_li_row_px"]!, (double)truthSum["li_se_row_px"]!, (double)truthSum["se_cathode_row_px"]!, (double)truthSum["cathode_ss_row_px"]!];
        var series = new List<Series> { new("transmission", prof.DistanceMm, prof.Values), new("derivative (per px) × 5", prof.DistanceMm, deriv.Select(v => v * 5).ToList(), Dash: "dot") };
        var names = new[] { "SS|Li", "Li|SE", "SE|cathode", "cathode|SS" };
        var arr = lb.ToArray();
        for (int i = 0; i < 4; i++) series.Add(Charts.VerticalMarker(arr[i] * pixelUm / 1000, -0.3, 1, names[i]));
        ctx.Chart(Charts.Lines(series, "distance from the top of the frame along the axis (mm)", "transmission"),
            "Profile along the cell axis averaged over 0.6 R of width, its Savitzky–Golay derivative and the four detected interfaces.");
        ctx.Table(["interface", "detected row (px)", "planted row (px)", "error (µm)"],
            Enumerable.Range(0, 4).Select(i => (IReadOnlyList<string>)[names[i], F(arr[i]), F(truthRows[i]), F((arr[i] - truthRows[i]) * pixelUm, "F1")]));
        ctx.Number("boundary_max_error_um", Enumerable.Range(0, 4).Max(i => Math.Abs(arr[i] - truthRows[i])) * pixelUm, "Largest interface error vs planted truth (one 5-min bin)");
        ctx.Number("li_thickness_um", (lb.LiSe - lb.SsLi) * pixelUm, "Li foil thickness from the profile (paper: ≈ 250 µm)");
        ctx.Number("se_thickness_um", (lb.SeCathode - lb.LiSe) * pixelUm, "SE pellet thickness from the profile");
        ctx.Csv("profile", [("distance_mm", prof.DistanceMm), ("transmission", prof.Values), ("derivative_per_px", deriv)]);
        ctx.ReportProgress(0.2);

        // ---- Fig. 2C–E: the operando series streamed from the generator ----
        int stride = ctx.Quick ? 15 : 1;
        ctx.Heading("Operando series: ratio maps and kymographs (Fig. 2C–E, S7, S9)");
        var g = new OperandoRadiography(seed: 1);
        var popt = OperandoPipeline.OptionsFor(g, 30 / stride);
        var gnorm = OperandoPipeline.NormalizerFromGenerator(g, popt, out _);
        long expected = (g.FrameCount + stride - 1) / stride;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = OperandoPipeline.Run(OperandoPipeline.FromGenerator(g, stride), gnorm, popt, null,
            new Progress<ProgressReport>(p => ctx.ReportProgress(0.2 + 0.7 * p.Fraction)), expected, ctx.Cancellation);
        ctx.Text($"{r.Frames} frames of the 20.5-h synthetic experiment ({g.Width}×{g.Height} px, {(stride == 1 ? "every 10-s frame" : $"every {stride}th frame in quick mode, so {30 / stride} frames per 5-min bin")}) " +
                 $"streamed from the generator through gamma filter, Eq. 1 and median binning into {r.Bins} bins in {sw.Elapsed.TotalSeconds:F1} s; " +
                 $"Tr₀ = mean of the {r.Kymographs.ReferenceBins} bins before the current starts.");
        foreach (var (t, map) in r.Kymographs.Snapshots)
            ctx.Image(ImageRenderer.Render(map, new ImageRenderOptions { Colormap = Colormap.Viridis, Min = 0.7, Max = 1.3 }, $"Tr_t/Tr_0 at {F((t - g.Scenario.RestS) / 3600, "F1")} h of charge"),
                $"ratio_{F(t / 3600, "F1")}h", $"Fig. 2C analogue at {F((t - g.Scenario.RestS) / 3600, "F1")} h of charge: bright = Li depletion (> 1), dark = enrichment (< 1).");
        string[] roiNames = ["I (cell middle)", "II (cell edge)"];
        for (int i = 0; i < 2; i++)
        {
            var k = r.Kymographs.KymographImage(i);
            ctx.Image(ImageRenderer.Render(k, new ImageRenderOptions { Colormap = Colormap.Turbo, Min = 0.7, Max = 1.3, PixelAspect = 0.25 }, $"kymograph ROI {roiNames[i]}"),
                $"kymograph_{(i == 0 ? "I" : "II")}", $"Fig. 2{(i == 0 ? "D" : "E")} analogue: Tr_t/Tr_0 in ROI {roiNames[i]}; x = position along the axis (row, anode rod on the left), y = time bin (top = start). ROI {r.Kymographs.Regions[i]}.");
        }

        // ---- bands vs truth ----
        ctx.Heading("Bands P1–P4 against the planted truth");
        var roi2 = r.Kymographs.Regions[1];
        ctx.Table(["band", "kind", "ROI", "row (px)", "planted row", "position (mm from cathode|SS)", "onset (h of charge)", "planted onset", "magnitude", "fluctuates from (h of charge)"],
            r.Bands.Select(b =>
            {
                var t = g.Truth.First(x => x.Name == b.Name);
                double tr = b.Name == "P4" ? g.ProjectedCentroidRow(3, roi2.X0, roi2.X1) : t.Row;
                double h0 = g.Scenario.RestS;
                return (IReadOnlyList<string>)[b.Name, b.Sign > 0 ? "depletion" : "enrichment", b.Roi == 0 ? "I" : "II", F(b.Row), F(tr), F(b.PositionMm, "F3"),
                    F((b.OnsetS - h0) / 3600), F((t.OnsetS - h0) / 3600), F(b.Magnitude, "F3"), double.IsNaN(b.FluctuationOnsetS) ? "—" : F((b.FluctuationOnsetS - h0) / 3600)];
            }));
        foreach (var b in r.Bands)
        {
            var t = g.Truth.First(x => x.Name == b.Name);
            double tr = b.Name == "P4" ? g.ProjectedCentroidRow(3, roi2.X0, roi2.X1) : t.Row;
            ctx.Number($"{b.Name.ToLowerInvariant()}_row_error_px", b.Row - tr, $"{b.Name} position error vs planted (px)");
            ctx.Number($"{b.Name.ToLowerInvariant()}_onset_error_s", b.OnsetS - t.OnsetS, $"{b.Name} onset error vs planted (s; one bin = 300 s)");
        }
        var p2 = r.Bands.FirstOrDefault(b => b.Name == "P2");
        ctx.Number("soft_short_detected_h", p2 is null ? double.NaN : (p2.FluctuationOnsetS - g.Scenario.RestS) / 3600, "P2 fluctuation onset, h of charge (planted 4.5 h)");

        // ---- Fig. S9: P1/P2 band signals ----
        var th = r.Kymographs.TimesS.Select(t => (t - g.Scenario.RestS) / 3600).ToList();
        var bandSeries = new List<Series>();
        var csvCols = new List<(string, IReadOnlyList<double>)> { ("time_h", th) };
        foreach (var b in r.Bands)
        {
            var rows = r.Kymographs.RatioRows[b.Roi];
            var sv = rows.Select(row => Enumerable.Range(b.FirstRow, b.LastRow - b.FirstRow + 1).Select(y => row[y]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()).ToList();
            bandSeries.Add(new Series($"{b.Name} (ROI {(b.Roi == 0 ? "I" : "II")})", th, sv));
            csvCols.Add(($"{b.Name.ToLowerInvariant()}_ratio", sv));
        }
        bandSeries.Add(Charts.VerticalMarker(4.5, 0.6, 1.5, "soft short (4.5 h)"));
        ctx.Chart(Charts.Lines(bandSeries, "time of charge (h)", "Tr_t/Tr_0 in the band"),
            "Fig. S9 analogue: band-mean Tr_t/Tr_0. P1 (cathode) rises with delithiation and oscillates after the soft short; P2 (Li|SE) darkens and fluctuates after it; P3/P4 (creep) start later and do not fluctuate.");
        ctx.Csv("bands_over_time", csvCols);

        // ---- Li quantification ----
        ctx.Heading("Li quantification (beyond the paper's figures)");
        var q = OperandoQuantification.Run(r, g.Detector.PixelSizeUm);
        var qs = q.Bands.Select(b => new Series($"{b.Name} Li change (µm over the bore)", th, b.LiUm)).ToList();
        var faradayLine = th.Select(t => Electrochemistry.Faraday.PlatedLiThicknessUm(q.CurrentA * Math.Max(0, t) * 3600, g.Cell.BoreAreaCm2)).ToList();
        qs.Add(new Series("Faraday's law (full current)", th, faradayLine, Dash: "dash"));
        qs.Add(new Series("− Faraday's law", th, faradayLine.Select(v => -v).ToList(), Dash: "dash"));
        ctx.Chart(Charts.Lines(qs, "time of charge (h)", "dense-Li thickness change over the bore (µm)"),
            "Li gained (+) or lost (−) in each band from Beer–Lambert (bin means, Σ_Li for the spectrum hardened by the cell), against Faraday's law for the charge current. P3 (core) and P4 (gap) come from the radial two-shell unmixing of the rows at Li|SS: the crept Li in the gap lies on the same rays as the core's loss.");
        if (q.Radial is { } rad)
        {
            var planted = r.Kymographs.TimesS.Select(t => g.ProcessLiVolumesCm3(t)).ToList();
            ctx.Chart(Charts.Lines([new Series("P3: core, radial unmixing", th, rad.CoreLiMm3), new Series("P4: gap, radial unmixing", th, rad.GapLiMm3),
                    new Series("planted P3", th, planted.Select(v => v[2] * 1e3).ToList(), Dash: "dash"), new Series("planted P4", th, planted.Select(v => v[3] * 1e3).ToList(), Dash: "dash")],
                    "time of charge (h)", "Li volume change (mm³)"),
                $"Li lost from the core at Li|SS (P3) and gained in the gap annulus (P4), from the projections inverted over two radial shells (onion peeling, Dasch 1992): core r < {rad.CoreRadiusPx:F1} px, gap to {rad.GapOuterRadiusPx:F1} px, rows {rad.FirstRow}–{rad.LastRow}, fitted vertical blur σ = {rad.BlurSigmaPx:F2} px.");
            ctx.Number("p3_core_li_end_mm3", rad.CoreLiMm3[^1], "P3: core Li change at the end (mm³)");
            ctx.Number("p3_core_li_planted_mm3", planted[^1][2] * 1e3, "P3: planted (mm³)");
            ctx.Number("p4_gap_li_end_mm3", rad.GapLiMm3[^1], "P4: gap Li change at the end (mm³)");
            ctx.Number("p4_gap_li_planted_mm3", planted[^1][3] * 1e3, "P4: planted (mm³)");
        }
        foreach (var b in q.Bands)
        {
            string n = b.Name.ToLowerInvariant();
            ctx.Number($"{n}_li_end_um", b.LiUm[^1], $"{b.Name} Li change at the end of the charge (µm over the bore)");
            var truth = g.Truth.First(x => x.Name == b.Name);
            ctx.Number($"{n}_li_planted_um", truth.FinalLiUm, $"{b.Name} planted Li change (µm over the bore)");
        }
        var p1 = q.Bands.FirstOrDefault(b => b.Name == "P1");
        if (p1 is not null)
        {
            ctx.Number("p1_current_before_uA", p1.CurrentBeforeA * 1e6, "P1 delithiation rate before the soft short as a current (µA)");
            ctx.Number("p1_current_after_uA", p1.CurrentAfterA * 1e6, $"after it (planted Faradaic fraction {g.Scenario.FaradaicFractionAfterShort:F1} × {g.CurrentA * 1e6:F1} µA)");
        }
        ctx.Number("faraday_li_um", q.FaradayLiUm, "Faraday's law: dense Li for the whole charge at the full current");
        ctx.Csv("li_quantification", [("time_h", th), .. q.Bands.Select(b => ($"{b.Name.ToLowerInvariant()}_li_um", (IReadOnlyList<double>)b.LiUm))]);
        ctx.ReportProgress(1);
    }
}
