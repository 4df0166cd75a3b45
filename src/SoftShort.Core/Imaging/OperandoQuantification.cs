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
    public sealed record Result(IReadOnlyList<BandQuantification> Bands, double FaradayLiUm, double CurrentA, double CurrentStartS, double SplitS, string Summary);

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
        double duration = k.TimesS[^1] - tStart;
        double faraday = Electrochemistry.Faraday.PlatedLiThicknessUm(current * Math.Max(0, duration), cell.BoreAreaCm2);
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Faraday's law: {current * 1e6:F1} µA for {duration / 3600:F2} h → {faraday:F2} µm of dense Li over the bore");
        foreach (var b in bands)
            sb.AppendLine(CultureInfo.InvariantCulture, $"{b.Name}: Li change at the end {b.LiUm[^1]:F2} µm; slope {b.SlopeBeforeUmPerH:F3} µm/h before and {b.SlopeAfterUmPerH:F3} µm/h after {(split - tStart) / 3600:F2} h ≙ {b.CurrentBeforeA * 1e6:F1} / {b.CurrentAfterA * 1e6:F1} µA");
        return new Result(bands, faraday, current, tStart, split, sb.ToString().TrimEnd());
    }

    public static void Write(string dir, OperandoPipelineResult r, Result q)
    {
        var cols = new List<(string, IReadOnlyList<double>)> { ("time_s", r.Kymographs.TimesS) };
        foreach (var b in q.Bands) cols.Add(($"{b.Name.ToLowerInvariant()}_li_um", b.LiUm));
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
        sum.Write(Path.Combine(dir, "summary.json"));
    }

    public static void WriteBands(string dir, OperandoPipelineResult r)
    {
        CsvTable.WriteRows(Path.Combine(dir, "bands.csv"),
            ["band", "sign", "roi", "row_px", "position_mm", "first_row_px", "last_row_px", "onset_s", "onset_low_s", "onset_high_s", "noise_sigma", "magnitude", "fluctuation_index_before", "fluctuation_index_after", "fluctuation_onset_s"],
            r.Bands.Select(b => (IReadOnlyList<string>)[b.Name, b.Sign.ToString(CultureInfo.InvariantCulture), b.Roi == 0 ? "I" : "II", Fmt(b.Row), Fmt(b.PositionMm),
                b.FirstRow.ToString(CultureInfo.InvariantCulture), b.LastRow.ToString(CultureInfo.InvariantCulture), Fmt(b.OnsetS), Fmt(b.OnsetLowS), Fmt(b.OnsetHighS), Fmt(b.NoiseSigma), Fmt(b.Magnitude),
                Fmt(b.FluctuationIndexBefore), Fmt(b.FluctuationIndexAfter), double.IsNaN(b.FluctuationOnsetS) ? "" : Fmt(b.FluctuationOnsetS)]));
        var t = r.Kymographs.TimesS;
        CsvTable.Write(Path.Combine(dir, "boundaries_over_time.csv"),
        [
            ("time_s", t), ("ss_li_row_px", r.BoundariesOverTime.Select(b => b.SsLi).ToList()), ("li_se_row_px", r.BoundariesOverTime.Select(b => b.LiSe).ToList()),
            ("se_cathode_row_px", r.BoundariesOverTime.Select(b => b.SeCathode).ToList()), ("cathode_ss_row_px", r.BoundariesOverTime.Select(b => b.CathodeSs).ToList()),
        ]);
    }


    static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
