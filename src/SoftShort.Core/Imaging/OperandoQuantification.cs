using System.Globalization;
using SoftShort.IO;
using SoftShort.Synthetic;

namespace SoftShort.Imaging;

/// <summary>
/// Li quantification of a pipeline result (shared by the CLI and the report): the P1–P3 Li thickness changes over time, the
/// Faraday's-law expectation for the current and duration, and the P1 slopes before/after the soft short as equivalent currents.
/// </summary>
public static class OperandoQuantification
{
    /// <param name="Bands">P1, P2 (zone estimator) and, when the radial unmixing ran, P3 = its core and P4 = its gap annulus (else P3 from the zone estimator).</param>
    /// <param name="FaradayLiUm">Faraday's-law Li thickness for the current and duration, µm.</param>
    /// <param name="CurrentA">Current used, A.</param>
    /// <param name="CurrentStartS">Time the current starts, s.</param>
    /// <param name="SplitS">Time separating the two slopes (soft short), s.</param>
    /// <param name="Summary">Human-readable summary.</param>
    /// <param name="Radial">The radial (onion-peeling) unmixing of P3/P4 (<see cref="RadialUnmixing"/>), null when it could not run.</param>
    public sealed record Result(IReadOnlyList<BandQuantification> Bands, double FaradayLiUm, double CurrentA, double CurrentStartS, double SplitS, string Summary, RadialUnmixingResult? Radial = null);

    public static Result Run(OperandoPipelineResult r, double pixelUm, double? splitH = null, double? currentUA = null)
    {
        var k = r.Kymographs;
        var cell = new CellGeometry();
        int first = k.CurrentsA.FindIndex(c => Math.Abs(c) >= 1e-9);
        double tStart = first >= 0 ? k.TimesS[first] - 0.5 * (k.TimesS.Count > 1 ? k.TimesS[1] - k.TimesS[0] : 0) : k.TimesS[0];
        double current = currentUA.HasValue ? currentUA.Value * 1e-6 : first >= 0 ? Math.Abs(k.CurrentsA[first]) : Electrochemistry.ChargeBudget.ForPaperCell(cell).CurrentA;
        var p2 = r.Bands.FirstOrDefault(b => b.Name == "P2");
        double split = splitH.HasValue ? tStart + splitH.Value * 3600 : p2 is not null && !double.IsNaN(p2.FluctuationOnsetS) ? p2.FluctuationOnsetS : tStart + 4.5 * 3600;
        var o = k.Outline;
        var roi = k.Regions[0];
        double radius = o?.RadiusPx ?? cell.BoreRadiusUm / pixelUm, axis = o?.AxisX ?? (roi.X0 + roi.X1) / 2.0;
        double chord = LiQuantification.MeanChordUm(axis, radius, roi.X0, roi.X1, pixelUm);
        double sigmaLi = NeutronCrossSections.Lithium.AttenuationPerCm(NeutronSpectrum.ColdCG1D().MeanWavelengthA);
        // the zone estimator (bin means, hardened Σ, chord per zone) where the series has per-pixel bin means; else the ROI I one
        var spectrum = NeutronSpectrum.ColdCG1D();
        var bands = r.Bands.Where(b => b.Roi == 0).Select(b =>
            (k.Zones is { FromMeans: true } ? LiQuantification.QuantifyZones(k, b, pixelUm, spectrum, NeutronCrossSections.Lithium, cell.BoreRadiusUm, tStart, split, cell.BoreAreaCm2, others: r.Bands) : null)
            ?? LiQuantification.Quantify(k, b, pixelUm, sigmaLi, chord, tStart, split, cell.BoreAreaCm2)).ToList();
        // P3 (core) and P4 (gap) from the radial unmixing at the anode interface: the crept Li (P4) lies on the same rays as P3
        var radial = k.Zones is { FromMeans: true } ? RadialUnmixing.Unmix(k, r.Bands, r.Boundaries, pixelUm, spectrum, NeutronCrossSections.Lithium, cell.BoreRadiusUm) : null;
        if (radial is not null)
        {
            // every series relative to the rest before the current (as FromSeries does for the µm series)
            radial = radial with
            {
                CoreLiUm = LiQuantification.RelativeToRest(radial.TimesS, radial.CoreLiUm, tStart), CoreLiMm3 = LiQuantification.RelativeToRest(radial.TimesS, radial.CoreLiMm3, tStart),
                GapLiUm = LiQuantification.RelativeToRest(radial.TimesS, radial.GapLiUm, tStart), GapLiMm3 = LiQuantification.RelativeToRest(radial.TimesS, radial.GapLiMm3, tStart),
            };
            bands.RemoveAll(b => b.Name is "P3" or "P4");
            bands.Add(LiQuantification.FromSeries("P3", radial.TimesS, radial.CoreLiUm, tStart, split, cell.BoreAreaCm2));
            bands.Add(LiQuantification.FromSeries("P4", radial.TimesS, radial.GapLiUm, tStart, split, cell.BoreAreaCm2));
        }
        double duration = k.TimesS[^1] - tStart;
        double faraday = Electrochemistry.Faraday.PlatedLiThicknessUm(current * Math.Max(0, duration), cell.BoreAreaCm2);
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Faraday's law: {current * 1e6:F1} µA for {duration / 3600:F2} h → {faraday:F2} µm of dense Li over the bore");
        foreach (var b in bands)
            sb.AppendLine(CultureInfo.InvariantCulture, $"{b.Name}: Li change at the end {b.LiUm[^1]:F2} µm; slope {b.SlopeBeforeUmPerH:F3} µm/h before and {b.SlopeAfterUmPerH:F3} µm/h after {(split - tStart) / 3600:F2} h ≙ {b.CurrentBeforeA * 1e6:F1} / {b.CurrentAfterA * 1e6:F1} µA");
        if (radial is not null)
            sb.AppendLine(CultureInfo.InvariantCulture, $"Radial unmixing (rows {radial.FirstRow}–{radial.LastRow}, axis {radial.AxisX:F1} px, core radius {radial.CoreRadiusPx:F1} px, gap to {radial.GapOuterRadiusPx:F1} px, vertical blur σ {radial.BlurSigmaPx:F2} px): core (P3) {radial.CoreLiMm3[^1]:F4} mm³, gap (P4) {radial.GapLiMm3[^1]:F4} mm³ at the end");
        return new Result(bands, faraday, current, tStart, split, sb.ToString().TrimEnd(), radial);
    }

    public static void Write(string dir, OperandoPipelineResult r, Result q)
    {
        var cols = new List<(string, IReadOnlyList<double>)> { ("time_s", r.Kymographs.TimesS) };
        foreach (var b in q.Bands) cols.Add(($"{b.Name.ToLowerInvariant()}_li_um", b.LiUm));
        if (q.Radial is { } rad) { cols.Add(("p3_core_li_mm3", rad.CoreLiMm3)); cols.Add(("p4_gap_li_mm3", rad.GapLiMm3)); }
        CsvTable.Write(Path.Combine(dir, "li_quantification.csv"), cols);
        WriteBands(dir, r);
        var sum = new SummaryJson("radiography quantify").Set("faraday_li_um", q.FaradayLiUm).Set("current_uA", q.CurrentA * 1e6)
            .Set("current_start_s", q.CurrentStartS).Set("split_s", q.SplitS);
        foreach (var b in q.Bands)
        {
            string n = b.Name.ToLowerInvariant();
            sum.Set($"{n}_li_end_um", b.LiUm[^1]).Set($"{n}_slope_before_um_per_h", b.SlopeBeforeUmPerH).Set($"{n}_slope_after_um_per_h", b.SlopeAfterUmPerH)
               .Set($"{n}_current_before_uA", b.CurrentBeforeA * 1e6).Set($"{n}_current_after_uA", b.CurrentAfterA * 1e6);
        }
        if (q.Radial is { } radSum)
            sum.Set("p3_core_li_end_mm3", radSum.CoreLiMm3[^1]).Set("p4_gap_li_end_mm3", radSum.GapLiMm3[^1]).Set("radial_axis_x_px", radSum.AxisX)
               .Set("radial_core_radius_px", radSum.CoreRadiusPx).Set("radial_gap_outer_radius_px", radSum.GapOuterRadiusPx).Set("radial_blur_sigma_px", radSum.BlurSigmaPx)
               .Set("radial_first_row_px", radSum.FirstRow).Set("radial_last_row_px", radSum.LastRow);
        sum.Write(Path.Combine(dir, "summary.json"));
    }

    public static void WriteBands(string dir, OperandoPipelineResult r)
    {
        CsvTable.WriteRows(Path.Combine(dir, "bands.csv"),
            ["band", "sign", "roi", "row_px", "position_mm", "first_row_px", "last_row_px", "onset_s", "onset_low_s", "onset_high_s", "noise_sigma", "magnitude", "fluctuation_index_before", "fluctuation_index_after", "fluctuation_onset_s",
             "onset_free_s", "onset_with_current", "current_start_s", "onset_current_lr"],
            r.Bands.Select(b => (IReadOnlyList<string>)[b.Name, b.Sign.ToString(CultureInfo.InvariantCulture), b.Roi == 0 ? "I" : "II", Fmt(b.Row), Fmt(b.PositionMm),
                b.FirstRow.ToString(CultureInfo.InvariantCulture), b.LastRow.ToString(CultureInfo.InvariantCulture), Fmt(b.OnsetS), Fmt(b.OnsetLowS), Fmt(b.OnsetHighS), Fmt(b.NoiseSigma), Fmt(b.Magnitude),
                Fmt(b.FluctuationIndexBefore), Fmt(b.FluctuationIndexAfter), double.IsNaN(b.FluctuationOnsetS) ? "" : Fmt(b.FluctuationOnsetS),
                Fmt(b.OnsetFreeS), b.OnsetWithCurrent ? "1" : "0", double.IsNaN(b.CurrentStartS) ? "" : Fmt(b.CurrentStartS), double.IsNaN(b.OnsetCurrentStatistic) ? "" : Fmt(b.OnsetCurrentStatistic)]));
        var t = r.Kymographs.TimesS;
        CsvTable.Write(Path.Combine(dir, "boundaries_over_time.csv"),
        [
            ("time_s", t), ("ss_li_row_px", r.BoundariesOverTime.Select(b => b.SsLi).ToList()), ("li_se_row_px", r.BoundariesOverTime.Select(b => b.LiSe).ToList()),
            ("se_cathode_row_px", r.BoundariesOverTime.Select(b => b.SeCathode).ToList()), ("cathode_ss_row_px", r.BoundariesOverTime.Select(b => b.CathodeSs).ToList()),
        ]);
    }


    static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
