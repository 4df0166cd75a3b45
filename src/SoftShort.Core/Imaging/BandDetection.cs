using System.Runtime.InteropServices;
using MathNet.Numerics.Distributions;

namespace SoftShort.Imaging;

/// <summary>A detected Li band.</summary>
/// <param name="Name">P1..P4.</param>
/// <param name="Sign">+1 depletion (Tr_t/Tr_0 &gt; 1), −1 enrichment.</param>
/// <param name="Roi">ROI index (0 = I, 1 = II).</param>
/// <param name="Row">Centroid row (sub-pixel), weighted by |ln(Tr_t/Tr_0)| late in the series.</param>
/// <param name="PositionMm">Position in mm from the cathode|SS interface towards the anode.</param>
/// <param name="FirstRow">First row of the band.</param>
/// <param name="LastRow">Last row of the band.</param>
/// <param name="OnsetS">Onset time, s: the change point of a continuous two-phase (hinge) fit (a baseline before, growing after), see
/// <see cref="BandDetection.Onset"/>; the current start instead when the band passes the nested test of starting with the current
/// (<see cref="OnsetWithCurrent"/>, <see cref="BandDetectionOptions.OnsetWithCurrent"/>).</param>
/// <param name="Magnitude">The extreme over time of the band-mean Tr_t/Tr_0 − 1.</param>
/// <param name="FluctuationIndexBefore">rms of the detrended post-onset band signal before the fluctuation onset (or over the whole
/// post-onset series when it never fluctuates), in units of the quiet-signal noise σ₀.</param>
/// <param name="FluctuationIndexAfter">The same after the fluctuation onset (NaN when the band never fluctuates).</param>
/// <param name="FluctuationOnsetS">Time from which the band fluctuates (soft-short signature): the start (bin edge) of the first
/// fluctuating bin, s; NaN when it never does.</param>
public sealed record DetectedBand(string Name, int Sign, int Roi, double Row, double PositionMm, int FirstRow, int LastRow, double OnsetS,
    double Magnitude, double FluctuationIndexBefore, double FluctuationIndexAfter, double FluctuationOnsetS)
{
    /// <summary>Noise σ₀ of one bin of the band signal (Tr_t/Tr_0 − 1) while it is quiet (before any fluctuation).</summary>
    public double NoiseSigma { get; init; } = double.NaN;
    /// <summary>Lower end of the onset's 95 % profile-likelihood interval, s (the statistical limit set by the noise).</summary>
    public double OnsetLowS { get; init; } = double.NaN;
    /// <summary>Upper end of the onset's 95 % interval, s.</summary>
    public double OnsetHighS { get; init; } = double.NaN;
    /// <summary>The free change point τ̂ of the hinge fit, s (what <see cref="OnsetS"/> is when the band is not flagged);
    /// <see cref="OnsetLowS"/>–<see cref="OnsetHighS"/> is its interval.</summary>
    public double OnsetFreeS { get; init; } = double.NaN;
    /// <summary>The current start estimated from the bins' currents, s (NaN: unknown; <see cref="BandDetection.CurrentStartS"/>).</summary>
    public double CurrentStartS { get; init; } = double.NaN;
    /// <summary>
    /// True when the band's onset is reported as <see cref="CurrentStartS"/>: the likelihood-ratio test of τ = t_c against a free τ
    /// (the hinge model the free fit selected) does not reject at 5 %, and t_c is within
    /// <see cref="BandDetectionOptions.OnsetWithCurrentMaxShiftS"/> of the free τ̂ (<see cref="BandDetection.Analyse"/>).
    /// </summary>
    public bool OnsetWithCurrent { get; init; }
    /// <summary>The likelihood-ratio statistic of τ = t_c, (SSE(t_c) − SSE(τ̂)) / σ̂² (compared with χ²₁(0.95) = 3.84); NaN: not tested.</summary>
    public double OnsetCurrentStatistic { get; init; } = double.NaN;
    /// <summary>First row of the matched filter that timed the band (<see cref="BandDetection.MatchedSignal"/>; the band's rows
    /// padded, see <see cref="BandDetectionOptions.MatchedPadStopsAtBands"/>); −1 when the band was timed on its ROI band mean.</summary>
    public int MatchedFirstRow { get; init; } = -1;
    /// <summary>Last row of that matched filter; −1 when none.</summary>
    public int MatchedLastRow { get; init; } = -1;
}

/// <summary>Options of <see cref="BandDetection"/>.</summary>
public sealed record BandDetectionOptions
{
    /// <summary>Fraction of the bins, at the end, whose mean profile defines the bands. Default 0.25.</summary>
    public double LateFraction { get; init; } = 0.25;
    /// <summary>A row belongs to a band when |late mean ln ratio| exceeds this many noise σ. Default 5.</summary>
    public double ThresholdSigma { get; init; } = 5;
    /// <summary>
    /// A band found at <see cref="ThresholdSigma"/> is extended on each side over the rows of its sign above this many σ
    /// (hysteresis thresholding), so that its centroid includes its weak wings. Default 2.
    /// </summary>
    public double ExtendSigma { get; init; } = 2;
    /// <summary>
    /// Length of the post-onset signal used by the onset fit, s (cut earlier at the fluctuation onset). Long enough to pin the
    /// slope, short enough that a ramp or a first-order relaxation describes the growth. Default 6 h.
    /// </summary>
    public double OnsetFitWindowS { get; init; } = 6 * 3600;
    /// <summary>CUSUM allowance k and decision interval h, in σ₀ (Page 1954): where the onset search stops. Default 0.5 and 8.</summary>
    public double CusumK { get; init; } = 0.5;
    /// <inheritdoc cref="CusumK"/>
    public double CusumH { get; init; } = 8;
    /// <summary>Length of the past over which a local quadratic predicts each post-onset bin (detrending), s. Default 7200.</summary>
    public double DetrendWindowS { get; init; } = 7200;
    /// <summary>Length of the sliding window in which the residual variance is tested against the quiet noise, s. Default 3600.</summary>
    public double FluctuationWindowS { get; init; } = 3600;
    /// <summary>
    /// Probability that a band without fluctuation is called fluctuating anywhere in the series (the per-window level is this
    /// divided by the number of windows tested: Bonferroni). Default 10⁻³.
    /// </summary>
    public double FalseAlarmProbability { get; init; } = 1e-3;
    /// <summary>
    /// Level of the per-bin test that refines a fluctuation onset to its first loud bin (e² &gt; χ²₁(1 − p)·σ₀²). A quiet bin just
    /// before the soft short passes it by chance with this probability and is then taken as the onset. Default 0.01 (at 0.05,
    /// 1 of 34 paper-rate synthetic runs found the soft short 1.37 bins early; at 0.01 none more than 0.74 bin early, the
    /// latest +1.24 bins).
    /// </summary>
    public double LoudBinProbability { get; init; } = 0.01;
    /// <summary>
    /// Time the bands of ROI I (P1–P3) by a matched filter over the zone kymograph (<see cref="BandDetection.MatchedSignal"/>)
    /// when one is available, instead of the ROI I band mean. Default true.
    /// </summary>
    public bool MatchedFilter { get; init; } = true;
    /// <summary>Rows added on each side of a band for the matched filter (the template weights the blur tails). Default 2.</summary>
    public int MatchedPadRows { get; init; } = 2;
    /// <summary>
    /// The matched filter's padding (<see cref="MatchedPadRows"/>) stops at another detected band's rows, as the Li
    /// quantification's does (<see cref="BandDetection.PaddedRows"/>): the filter assumes one time course in all its cells, and
    /// P2's lower pad reached into the crept Li of P4 in the PTFE gap (rows ≤ 27 of the synthetic cell, whose rays cross the core
    /// too), which starts 0.5–1.5 h after the current; P2's noise-free matched signal then steepened by 3–6 % at the creep's
    /// onset (24–41 % where P2's own run began one row lower), and a straight-ramp onset fit to a signal that steepens later comes
    /// out late (docs/radiography.md, "seventh session"). Default true; false: the session-6 rows (run ± pad).
    /// </summary>
    public bool MatchedPadStopsAtBands { get; init; } = true;
    /// <summary>
    /// Spatial resolution of the detector (FWHM), µm. Where the pixel oversamples it (≥ 2 pixels per FWHM, e.g. the paper's
    /// 6.5 µm camera pixel behind a 25 µm-resolution scintillator), the late-time profile that defines the bands is smoothed along
    /// the rows by a Gaussian of this FWHM before the significance test: neighbouring rows then carry the same signal, and their
    /// counting noise averages down instead of producing single-row runs. No smoothing at coarser pixels (the 25 µm sample).
    /// Default 25 (CG1D with a 20 µm Gd₂O₂S:Tb scintillator, paper's Experimental section).
    /// </summary>
    public double DetectorResolutionUm { get; init; } = 25;
    /// <summary>
    /// Where the pixel oversamples <see cref="DetectorResolutionUm"/> and the zone kymograph was built from the bins' per-pixel
    /// means, find and measure the ROI I bands (P1–P3) on those means over the ROI I columns instead of on the bin medians. At the
    /// paper camera (≈ 0.02 detected neutrons per 6.5 µm pixel per frame behind the Li foil, ≈ 0.5 per 30-frame bin) the per-pixel
    /// median of a bin is mostly the read-noise floor and hardly depends on the transmission; the mean stays linear in the counts.
    /// Default true (no effect on the 25 µm sample).
    /// </summary>
    public bool FindOnMeansWhenOversampled { get; init; } = true;
    /// <summary>
    /// Nested-model pre-test "the band starts with the current": when the bins carry the current, each band's free change point
    /// τ̂ is compared with the current start t_c (<see cref="BandDetection.CurrentStartS"/>) by the likelihood-ratio test of the
    /// hinge model with τ fixed at t_c against τ free (the model the free fit selected; χ²₁, 5 %: t_c inside the profile-likelihood
    /// interval). If it does not reject (and t_c is within <see cref="OnsetWithCurrentMaxShiftS"/> of τ̂), the onset is reported as
    /// t_c and flagged; otherwise τ̂. The free τ̂ and its interval are kept (<see cref="DetectedBand.OnsetFreeS"/>). Bands that start
    /// with the current (P1, P2: Li moved in proportion to the charge) are then timed to the current start instead of to a change
    /// point whose noise is σ/slope ≈ 1–2 bins at the paper's count level. Default true; no effect without currents.
    /// </summary>
    public bool OnsetWithCurrent { get; init; } = true;
    /// <summary>
    /// Guard of <see cref="OnsetWithCurrent"/>: the onset is moved to t_c only when |τ̂ − t_c| ≤ this, s, so that a band whose
    /// interval is wide only because it is noisy, and that starts later (the creep, 0.5–1.5 h after the current), is not pulled
    /// to t_c: the reported onset never differs from the free estimate by more than this. Default 900 s (3 bins of 5 min: the free
    /// onset of a band that starts with the current is within ±2 bins in 34/34 paper-rate synthetic runs for P1 and P2).
    /// </summary>
    public double OnsetWithCurrentMaxShiftS { get; init; } = 900;
    /// <summary>
    /// The cell's soft short (the earliest fluctuation onset of any band) ends the onset fit of the bands that fluctuate themselves
    /// or start with the current (P1, P2: part of the current leaks electronically from then on, so their pre-short trend ends
    /// there). A band that does neither — the nested test rejects that it starts with the current (the creep, P3/P4) — keeps its
    /// whole fit window unless its growth bends at the soft short: the F test of a slope change at that time added to its fitted
    /// growth (<see cref="BandDetection.TrendBreakStatistic"/>) at <see cref="TrendBreakProbability"/>
    /// (<see cref="BandDetection.AnalyseWithSoftShort"/>). Cutting
    /// a creep band (a first-order relaxation, θ ≈ 2 h, starting 0.5–1.5 h after the current) at a soft short 3–4.5 h after the
    /// current left 1.5–4 h of its relaxation to the fit; on ideal creep signals at P4's signal-to-noise (amplitude 25 σ) that put
    /// 81.5 % of the onsets within one bin, the whole window 96.8 % (docs/radiography.md, "Onsets: P4"). Default true; false: the
    /// soft short ends every band's fit (the estimator before session 6).
    /// </summary>
    public bool SoftShortBreakTest { get; init; } = true;
    /// <summary>Level of the trend-break test of <see cref="SoftShortBreakTest"/> (F, one extra parameter). Default 0.01.</summary>
    public double TrendBreakProbability { get; init; } = 0.01;
    /// <summary>
    /// Time a band that is not timed by the matched filter (P4 in ROI II) on the ROI's ratio rows from the bins' per-pixel means
    /// when the builder kept them (<see cref="KymographBuilder.MeanRatioRows"/>), instead of the medians: the mean of the
    /// gamma-filtered frames is linear in the counts and ≈ π/2 less noisy in variance than the median. Bands are still found on
    /// the medians. Default true.
    /// </summary>
    public bool TimeOnMeans { get; init; } = true;
    /// <summary>
    /// Time a band that is not timed by the matched filter (P4 in ROI II) on its optical density, the mean over its rows of
    /// ln(Tr_t/Tr₀) (<see cref="BandDetection.BandOpticalDensity"/>), which Beer–Lambert makes linear in the Li moved, instead of on Tr_t/Tr₀ − 1,
    /// which is concave in it for an enrichment (the matched filter of P1–P3 does the same). A creep band's relaxation seen in
    /// transmission (optical density 0.2 at the end, P4's) is no longer exactly the fitted relaxation: noise-free the fit absorbs
    /// the difference in θ (onset within 0.02 bin), but with noise at P4's level (amplitude 28 σ, ideal signals, fit over the whole
    /// window) the onsets came out 0.43 bin early on average, 90 % within one bin, against +0.00 and 99 % in optical density.
    /// Default true.
    /// </summary>
    public bool TimeInOpticalDensity { get; init; } = true;
}

/// <summary>
/// Automatic detection of the paper's Li bands P1–P4 (Fig. 2D, E) on kymographs.
/// <list type="bullet">
/// <item>Bands: rows where the late-time mean of ln(Tr_t/Tr_0) exceeds <see cref="BandDetectionOptions.ThresholdSigma"/> noise σ are
/// grouped into runs; runs are named by sign and by the nearest layer boundary (P1 depletion in the cathode, P2 enrichment at Li|SE,
/// P3 depletion at SS|Li in ROI I, P4 enrichment at SS|Li in ROI II); each gets a sub-pixel centroid.</item>
/// <item>Timed signal: for P1–P3, when the kymograph builder kept a zone kymograph (<see cref="KymographBuilder.Zones"/>), the band's
/// matched-filter amplitude in optical density ln(Tr_t/Tr₀) (linear in the Li moved) over its rows and the whole core width
/// (<see cref="MatchedSignal"/>, scaled to the band mean's late level), whose noise is several times lower than the ROI I band
/// mean's; otherwise (and for P4) the ROI band mean.</item>
/// <item>Noise: σ₀ of the band signal s = band-mean Tr_t/Tr_0 − 1 from the bins before the onset (the reference bins, whose mean is
/// 0 by construction, and the quiet bins up to the onset).</item>
/// <item>Onset: a CUSUM (Page 1954) on s/σ₀ in the band's direction bounds where the change can be; the onset is then the change
/// point of a continuous two-phase (hinge) regression (Hudson 1966; Hinkley 1971; <see cref="Onset"/>): a baseline c before τ,
/// c + b·g(t − τ) after (a ramp, or a first-order relaxation when an F test asks for it), c, b and τ jointly by least squares
/// with each bin's regressor averaged over the bin, τ on a 1/20-bin grid with its 95 % profile-likelihood interval, fitted up
/// to <see cref="BandDetectionOptions.OnsetFitWindowS"/> after the alarm and never into the band's fluctuations.</item>
/// <item>Onset with the current (<see cref="BandDetectionOptions.OnsetWithCurrent"/>): when the bins carry the current, the
/// likelihood-ratio test of τ = the current start (<see cref="CurrentStartS"/>) against the free τ; a band it does not reject at
/// 5 % (and whose free τ is within <see cref="BandDetectionOptions.OnsetWithCurrentMaxShiftS"/>) is timed to the current start
/// and flagged, the free τ kept beside it.</item>
/// <item>Fluctuation (soft-short signature, Fig. S9): after the onset, each bin is predicted from the preceding post-onset bins by a
/// local quadratic (<see cref="BandDetectionOptions.DetrendWindowS"/>) and the prediction residual is standardised (only the past
/// enters, so a fluctuation cannot leak backwards); a window of <see cref="BandDetectionOptions.FluctuationWindowS"/> slides along
/// and its mean square is F-tested against the pooled quiet noise of everything before it (Bonferroni over the windows). The first
/// significant window is refined to the bin where the variance changes (maximum likelihood, known variance before) and then to the
/// first bin that is itself significantly loud (<see cref="BandDetectionOptions.LoudBinProbability"/>, 1 %): that bin's start is the fluctuation onset. The earliest fluctuation onset of
/// the bands (the soft short is a cell-wide event) ends every band's onset fit.</item>
/// </list>
/// </summary>
public static class BandDetection
{
    /// <summary>Detects P1–P4 on a completed kymograph builder.</summary>
    /// <remarks>Where the camera oversamples the resolution and the builder kept ratio rows from the bins' means for every bin,
    /// those are used (<see cref="BandDetectionOptions.FindOnMeansWhenOversampled"/>).</remarks>
    public static IReadOnlyList<DetectedBand> Detect(KymographBuilder k, LayerBoundaries boundaries, BandDetectionOptions? options = null)
    {
        var o = options ?? new BandDetectionOptions();
        bool meansKept = k.MeanRatioRows.Count == k.RatioRows.Count && k.MeanRatioRows.All(r => r.Count == k.TimesS.Count);
        bool means = o.FindOnMeansWhenOversampled && Oversampled(k.PixelSizeUm, o.DetectorResolutionUm) && meansKept;
        return Detect(k.TimesS, k.ReferenceBins, means ? k.MeanRatioRows : k.RatioRows, k.Height, k.PixelSizeUm, boundaries, o, k.Zones,
            CurrentStartS(k.TimesS, k.CurrentsA), meansKept ? k.MeanRatioRows : null);
    }

    /// <summary>
    /// When the current starts, s, estimated from the bins' mean currents: the first bin k that carries a current (|I| ≥ 1 nA)
    /// after bins that carry none. With the bins' spacing Δ = t_k − t_(k−1), a bin that holds the current for part of its frames
    /// has the mean current f·I (I the next bin's): the start is placed at t_k + Δ/2 − f·Δ (f clamped to [0, 1]; f = 1 when the
    /// next bin's current is unknown), i.e. at the boundary of the two bins (the midpoint of their centres) when the current
    /// starts with a bin. Accuracy: the bin time is the mean of its frames' times, so for frames every δ s the boundary lies
    /// δ/2 before the first current-carrying frame (5 s at the paper's 10-s frames, 1/60 of a 5-min bin); the fraction f assumes
    /// a constant current over the bins involved. NaN when there is no current information (a NaN current before the first
    /// current-carrying bin, or none at all), when no bin carries a current, or when the current flows from the first bin (no
    /// bin before it).
    /// </summary>
    /// <param name="timesS">Bin times (mean frame time), s.</param>
    /// <param name="currentsA">Mean current of each bin, A (NaN: unknown).</param>
    public static double CurrentStartS(IReadOnlyList<double> timesS, IReadOnlyList<double> currentsA)
    {
        int n = Math.Min(timesS.Count, currentsA.Count);
        for (int k = 0; k < n; k++)
        {
            double c = currentsA[k];
            if (double.IsNaN(c)) return double.NaN;
            if (!(Math.Abs(c) >= 1e-9)) continue;
            if (k == 0) return double.NaN;
            double dt = timesS[k] - timesS[k - 1];
            if (!(dt > 0)) return double.NaN;
            double f = 1;
            if (k + 1 < n && double.IsFinite(currentsA[k + 1]) && Math.Abs(currentsA[k + 1]) >= 1e-9 && Math.Sign(currentsA[k + 1]) == Math.Sign(c))
                f = Math.Clamp(Math.Abs(c) / Math.Abs(currentsA[k + 1]), 0, 1);
            return timesS[k] + dt / 2 - f * dt;
        }
        return double.NaN;
    }

    /// <summary>Detects P1–P4 from kymograph rows.</summary>
    /// <param name="timesS">Bin times, s (ascending).</param>
    /// <param name="referenceBins">Leading bins that form Tr₀.</param>
    /// <param name="ratioRows">Per ROI (0 = I, 1 = II), per bin, the ROI row means of Tr_t/Tr_0.</param>
    /// <param name="height">Rows per bin.</param>
    /// <param name="pixelSizeUm">Pixel size, µm (NaN: positions NaN).</param>
    /// <param name="boundaries">Layer interfaces (rows) of Tr₀, rows running from the anode to the cathode.</param>
    /// <param name="options">Options.</param>
    /// <param name="zones">Zone kymograph of the core (null: none): with <see cref="BandDetectionOptions.MatchedFilter"/>, P1–P3 are timed on
    /// their matched-filter amplitude.</param>
    /// <param name="currentStartS">When the current starts, s (NaN: unknown; see <see cref="CurrentStartS"/> and
    /// <see cref="BandDetectionOptions.OnsetWithCurrent"/>).</param>
    /// <param name="meanRatioRows">The same rows as <paramref name="ratioRows"/> from the bins' per-pixel means (null: none); with
    /// <see cref="BandDetectionOptions.TimeOnMeans"/> a band not timed by the matched filter is timed on these.</param>
    public static IReadOnlyList<DetectedBand> Detect(IReadOnlyList<double> timesS, int referenceBins, IReadOnlyList<List<double[]>> ratioRows, int height,
        double pixelSizeUm, LayerBoundaries boundaries, BandDetectionOptions? options = null, ZoneKymograph? zones = null, double currentStartS = double.NaN,
        IReadOnlyList<List<double[]>>? meanRatioRows = null)
    {
        var o = options ?? new BandDetectionOptions();
        var t = timesS.ToArray();
        InputException.Require(t.Length >= referenceBins + 8, "binned series", $"has {t.Length} bins; at least 8 after the reference are needed for bands");
        double catMid = (boundaries.SeCathode + boundaries.CathodeSs) / 2;
        // ROI I rows from the bins' per-pixel means where the camera oversamples the resolution (see FindOnMeansWhenOversampled)
        var rows = ratioRows.ToList();
        if (o.FindOnMeansWhenOversampled && zones is { FromMeans: true } && zones.Bins.Count == t.Length && Oversampled(pixelSizeUm, o.DetectorResolutionUm))
            rows[0] = ZoneRatioRows(zones, 0.3);
        ratioRows = rows;
        var runsI = Runs(ratioRows[0], height, referenceBins, pixelSizeUm, o);
        var found = new List<(string Name, int Sign, int Roi, Run Run, double[] Series)>();
        void Take(string name, List<Run> runs, int sign, double nearRow, int roi)
        {
            var cand = runs.Where(r => r.Sign == sign).OrderBy(r => Math.Min(Math.Abs(r.Centroid - nearRow), Math.Min(Math.Abs(r.First - nearRow), Math.Abs(r.Last - nearRow)))).FirstOrDefault();
            if (cand is not null) found.Add((name, sign, roi, cand, BandSignal(ratioRows[roi], cand.First, cand.Last)));
        }
        Take("P1", runsI, +1, catMid, 0);
        Take("P2", runsI, -1, boundaries.LiSe, 0);
        Take("P3", runsI, +1, boundaries.SsLi, 0);
        if (ratioRows.Count > 1) Take("P4", Runs(ratioRows[1], height, referenceBins, pixelSizeUm, o), -1, boundaries.SsLi, 1);
        // the signal that is timed: the band mean, or for P1–P3 its matched-filter amplitude over the rows and the whole core width,
        // in the same units (scaled to the band mean's late level)
        var matchedRows = new (int First, int Last)[found.Count];
        var timed = found.Select((f, i) =>
        {
            matchedRows[i] = (-1, -1);
            if (!o.MatchedFilter || zones is null || f.Roi != 0 || zones.Bins.Count != t.Length)
            {
                var rows = o.TimeOnMeans && meanRatioRows is not null && f.Roi < meanRatioRows.Count && meanRatioRows[f.Roi].Count == t.Length
                    ? meanRatioRows[f.Roi] : ratioRows[f.Roi];
                return o.TimeInOpticalDensity ? BandOpticalDensity(rows, f.Run.First, f.Run.Last)
                    : ReferenceEquals(rows, ratioRows[f.Roi]) ? f.Series : BandSignal(rows, f.Run.First, f.Run.Last);
            }
            // the padding stops at the other bands' rows (of either ROI: P4's crept Li in the gap is seen through the core too)
            var (y0, y1) = o.MatchedPadStopsAtBands
                ? PaddedRows(f.Run.First, f.Run.Last, o.MatchedPadRows, found.Where(g => !ReferenceEquals(g.Run, f.Run)).Select(g => (g.Run.First, g.Run.Last)))
                : (f.Run.First - o.MatchedPadRows, f.Run.Last + o.MatchedPadRows);
            y0 = Math.Max(0, y0); y1 = Math.Min(height - 1, y1);
            var a = MatchedSignal(zones, y0, y1, o.LateFraction, referenceBins);
            int nl = Math.Max(1, (int)Math.Round(t.Length * o.LateFraction));
            double late = f.Series.Skip(t.Length - nl).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
            if (a is null || !(Math.Abs(late) > 0)) return f.Series;
            matchedRows[i] = (y0, y1);
            return a.Select(v => v * late).ToArray();
        }).ToList();
        // first pass: each band on its own; the soft short is a cell-wide event (part of the current leaks electronically from then
        // on, so no band keeps its pre-short trend): the earliest fluctuation onset ends every band's onset fit
        var first = found.Select((f, i) => Analyse(t, timed[i], referenceBins, f.Sign, o, double.NaN, currentStartS)).ToList();
        double shortS = first.Select(a => a.FluctuationOnsetS).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        var list = new List<DetectedBand>();
        for (int i = 0; i < found.Count; i++)
        {
            var (name, sign, roi, run, series) = found[i];
            var a = AnalyseWithSoftShort(t, timed[i], referenceBins, sign, o, first[i], shortS, currentStartS);
            double mag = 0;
            foreach (var v in series) if (double.IsFinite(v) && Math.Abs(v) > Math.Abs(mag)) mag = v;
            // position: mm from the cathode|SS interface towards the anode (the caller's rows run from anode to cathode)
            list.Add(new DetectedBand(name, sign, roi, run.Centroid, (boundaries.CathodeSs - run.Centroid) * pixelSizeUm / 1000, run.First, run.Last, a.OnsetS, mag,
                a.IndexBefore, a.IndexAfter, a.FluctuationOnsetS)
            {
                NoiseSigma = a.Sigma, OnsetLowS = a.OnsetLowS, OnsetHighS = a.OnsetHighS, OnsetFreeS = a.OnsetFreeS, CurrentStartS = a.CurrentStartS,
                OnsetWithCurrent = a.OnsetWithCurrent, OnsetCurrentStatistic = a.CurrentStatistic,
                MatchedFirstRow = matchedRows[i].First, MatchedLastRow = matchedRows[i].Last,
            });
        }
        return list;
    }

    /// <summary>
    /// Rows first − pad … last + pad of a band, the padding stopped at the rows of the other bands that lie wholly on one side
    /// of it (a band that contains this one, e.g. P4 in ROI II around P3, does not limit it): the rows a matched filter or a
    /// Li sum may take for this band without taking in another band's change, whose time course differs (P2's pad reached into
    /// the crept Li of P4, which starts later). The result is not clamped to the image.
    /// </summary>
    /// <param name="first">The band's first row.</param>
    /// <param name="last">The band's last row.</param>
    /// <param name="pad">Rows added on each side.</param>
    /// <param name="others">The other bands' (first, last) rows.</param>
    public static (int First, int Last) PaddedRows(int first, int last, int pad, IEnumerable<(int First, int Last)> others)
    {
        int y0 = first - pad, y1 = last + pad;
        foreach (var (f, l) in others)
        {
            if (f <= first && l >= last) continue; // a band around this one keeps this one's rows
            if (l < first) y0 = Math.Max(y0, l + 1);
            if (f > last) y1 = Math.Min(y1, f - 1);
        }
        return (y0, y1);
    }

    /// <summary>Band signal: per bin, the mean over rows first..last of Tr_t/Tr_0, minus 1 (NaN rows ignored).</summary>
    public static double[] BandSignal(List<double[]> rows, int first, int last)
    {
        var series = new double[rows.Count];
        for (int b = 0; b < rows.Count; b++)
        {
            double s = 0; int c = 0;
            for (int y = first; y <= last; y++) { double v = rows[b][y]; if (double.IsFinite(v)) { s += v; c++; } }
            series[b] = c > 0 ? s / c - 1 : double.NaN;
        }
        return series;
    }

    /// <summary>
    /// Band optical density: per bin, the mean over rows first..last of ln(Tr_t/Tr_0) (rows not finite or ≤ 0 ignored), linear in
    /// the Li moved along the rays (Beer–Lambert); ≈ <see cref="BandSignal"/> for small changes (a depletion positive, like it).
    /// </summary>
    public static double[] BandOpticalDensity(List<double[]> rows, int first, int last)
    {
        var series = new double[rows.Count];
        for (int b = 0; b < rows.Count; b++)
        {
            double s = 0; int c = 0;
            for (int y = first; y <= last; y++) { double v = rows[b][y]; if (v > 0 && double.IsFinite(v)) { s += Math.Log(v); c++; } }
            series[b] = c > 0 ? s / c : double.NaN;
        }
        return series;
    }

    /// <summary>
    /// Matched-filter amplitude of a band (North 1943; the optimal linear detector of a known pattern in white noise), in
    /// optical density: per core zone z and row y, d(t) = ln(Tr_t/Tr₀), which Beer–Lambert makes linear in the Li added or
    /// removed along the rays (−ln T = Σ·ℓ); the transmission change Tr_t − Tr₀ = Tr₀(e^(−ΣΔℓ) − 1) is not: it grows convexly
    /// for a depletion and concavely for an enrichment, and on the forward model's noise-free transmissions that curvature
    /// (slope at the soft short / slope at the start 1.10–1.13 for P1, 0.91–0.92 for P2, 6-h charge) moved a straight-ramp
    /// onset fit by +0.4…+0.6 bin (P1) and −0.3…−0.5 bin (P2); in optical density the ratio is 0.99–1.01 and the shift
    /// ≤ 0.07 bin (what is left is beam hardening: the polychromatic −ln T is slightly concave in ℓ).
    /// <para>The band's pattern is estimated from the data, p(y, z) = the late-time mean of d (no blur or geometry is assumed);
    /// each cell is weighted by p/σ² with its own per-bin noise variance σ² of d (robust, from the cell's consecutive
    /// differences), and every bin is projected on it: a(t) = Σ w·d(t) / Σ w·p, which is 1 on average late in the series and
    /// 0 before the band appears. Using the whole core width and every row of the band, its noise is several times lower than
    /// the ROI I band mean's.</para>
    /// <para>The estimated pattern and every bin's d share the noise of ln Tr₀ (the mean of the reference bins), which adds
    /// Σ_cells var(ln Tr₀)/σ² to the numerator of every bin after the reference (an errors-in-variables bias: a step at the
    /// end of the reference that would pull every onset early); it is subtracted, with var(ln Tr₀) from each cell's scatter
    /// over the reference bins / n_ref. (σ² of the whole series, the weight's, is inflated by the soft-short fluctuations in
    /// the bands' cells: taking var(ln Tr₀) = σ²/n_ref from it over-corrected, and P2's onsets came out 0.36 bin late on
    /// average over 23 synthetic runs, 0.15 with the reference scatter.)</para>
    /// </summary>
    /// <param name="z">Zone kymograph.</param>
    /// <param name="firstRow">First row (clamped to the image).</param>
    /// <param name="lastRow">Last row.</param>
    /// <param name="lateFraction">Fraction of the bins, at the end, that define the pattern.</param>
    /// <param name="referenceBins">Leading bins whose mean is Tr₀.</param>
    /// <returns>a(t) per bin (dimensionless, 1 late), or null when the pattern is empty.</returns>
    public static double[]? MatchedSignal(ZoneKymograph z, int firstRow, int lastRow, double lateFraction, int referenceBins)
    {
        int nb = z.Bins.Count, nz = z.Zones, nref = Math.Max(1, referenceBins);
        if (nb < 4) return null;
        int y0 = Math.Max(0, firstRow), y1 = Math.Min(z.Height - 1, lastRow);
        int nl = Math.Max(1, (int)Math.Round(nb * lateFraction));
        var cells = new List<(int Index, double W, double P, double LnRef, double Eiv)>();
        var diffs = new List<double>(nb);
        for (int y = y0; y <= y1; y++)
            for (int zz = 0; zz < nz; zz++)
            {
                int i = y * nz + zz;
                double r = z.Reference[i];
                if (!(r > 0) || z.Counts[i] == 0) continue;
                double lnr = Math.Log(r);
                double p = 0; int c = 0;
                for (int b = nb - nl; b < nb; b++) { double v = Math.Log(z.Bins[b][i]) - lnr; if (double.IsFinite(v)) { p += v; c++; } }
                diffs.Clear();
                for (int b = 1; b < nb; b++) { double d = Math.Log(z.Bins[b][i]) - Math.Log(z.Bins[b - 1][i]); if (double.IsFinite(d)) diffs.Add(Math.Abs(d)); }
                if (c == 0 || diffs.Count < 3) continue;
                double sd = Statistics.MedianInPlace(CollectionsMarshal.AsSpan(diffs)) / 0.6745 / Math.Sqrt(2);
                if (!(sd > 0)) continue;
                p /= c;
                // variance of ln Tr₀ = the reference bins' own scatter / n_ref (σ² / n_ref when there is a single reference bin)
                double ss = 0; int cr = 0;
                for (int b = 0; b < Math.Min(nref, nb); b++) { double v = Math.Log(z.Bins[b][i]) - lnr; if (double.IsFinite(v)) { ss += v * v; cr++; } }
                double varRef = (cr >= 2 ? ss / (cr - 1) : sd * sd) / nref;
                cells.Add((i, p / (sd * sd), p, lnr, varRef / (sd * sd)));
            }
        if (cells.Count == 0) return null;
        double wp = 0, eiv = 0;
        foreach (var (_, w, p, _, e) in cells) { wp += w * p; eiv += e; }
        if (!(wp > 0)) return null;
        double bias = eiv / wp;
        var a = new double[nb];
        for (int b = 0; b < nb; b++)
        {
            double num = 0, den = 0;
            foreach (var (i, w, p, lnr, _) in cells)
            {
                double v = Math.Log(z.Bins[b][i]) - lnr;
                if (!double.IsFinite(v)) continue;
                num += w * v; den += w * p;
            }
            a[b] = den > 0 ? num / den - (b >= nref ? bias * wp / den : 0) : double.NaN;
        }
        return a;
    }

    sealed record Run(int Sign, int First, int Last, double Centroid);

    static List<Run> Runs(List<double[]> rows, int h, int referenceBins, double pixelSizeUm, BandDetectionOptions o)
    {
        int nb = rows.Count, nref = Math.Max(1, referenceBins);
        int nl = Math.Max(1, (int)Math.Round(nb * o.LateFraction));
        int early = Math.Max(nref + 1, Math.Min(nb, nref + 24));
        // ln(Tr_t/Tr_0) per bin and row, smoothed along the rows at the detector resolution where the pixel oversamples it
        double sigmaPx = double.IsFinite(pixelSizeUm) && pixelSizeUm > 0 ? o.DetectorResolutionUm / pixelSizeUm / (2 * Math.Sqrt(2 * Math.Log(2))) : 0;
        bool smooth = Oversampled(pixelSizeUm, o.DetectorResolutionUm);
        var logRows = new double[nb][];
        for (int b = 0; b < nb; b++)
        {
            if (b >= early && b < nb - nl) continue; // only the early (noise) and late (band) bins are read below
            var lg = new double[h];
            for (int y = 0; y < h; y++) lg[y] = Math.Log(rows[b][y]);
            logRows[b] = smooth ? SmoothRows(lg, sigmaPx) : lg;
        }
        var late = new double[h]; var noise = new double[h];
        var diffs = new List<double>();
        for (int y = 0; y < h; y++)
        {
            double s = 0; int c = 0;
            for (int b = nb - nl; b < nb; b++) { double v = logRows[b][y]; if (double.IsFinite(v)) { s += v; c++; } }
            late[y] = c > 0 ? s / c : double.NaN;
            // per-bin noise from the spread of consecutive differences over the early bins (robust to slow trends)
            diffs.Clear();
            for (int b = 1; b < early; b++) { double dv = logRows[b][y] - logRows[b - 1][y]; if (double.IsFinite(dv)) diffs.Add(Math.Abs(dv)); }
            double mad = diffs.Count > 0 ? Statistics.MedianInPlace(CollectionsMarshal.AsSpan(diffs)) : double.NaN;
            double perBin = mad / 0.6745 / Math.Sqrt(2); // |difference| median → σ of one bin
            noise[y] = perBin * Math.Sqrt(1.0 / nl + 1.0 / nref);
        }
        double sigma = Statistics.Median(noise.Where(double.IsFinite).ToArray());
        double thr = o.ThresholdSigma * sigma;
        // runs of significant rows of one sign, bridging gaps of up to 3 rows (a band split by noise) ...
        var spans = new List<(int Sign, int First, int Last)>();
        for (int y = 0; y < h; y++)
        {
            double v = late[y];
            if (!double.IsFinite(v) || Math.Abs(v) <= thr) continue;
            int sign = v > 0 ? 1 : -1;
            if (spans.Count > 0 && spans[^1].Sign == sign && y - spans[^1].Last <= 4) spans[^1] = (sign, spans[^1].First, y);
            else spans.Add((sign, y, y));
        }
        // ... extended on each side while the rows keep the sign and stay above the lower threshold (hysteresis, Canny 1986): a
        // band's weak wing (e.g. the creep band beside the SS rod, where the rays see less Li) would otherwise be cut at the
        // 5σ level wherever the noise happens to fall, and its centroid pulled towards the strong side (with 3 frames per bin,
        // P4 came out 0.5–2.7 px from the planted centroid, always on the SE side) ...
        double low = o.ExtendSigma * sigma;
        bool Same(int y, int sign) => double.IsFinite(late[y]) && Math.Sign(late[y]) == sign && Math.Abs(late[y]) > low;
        for (int k = 0; k < spans.Count; k++)
        {
            var (sign, first, last) = spans[k];
            int lo = k > 0 ? spans[k - 1].Last + 1 : 0, hi = k + 1 < spans.Count ? spans[k + 1].First - 1 : h - 1;
            while (first - 1 >= lo && Same(first - 1, sign)) first--;
            while (last + 1 <= hi && Same(last + 1, sign)) last++;
            spans[k] = (sign, first, last);
        }
        // ... then split at deep valleys: two bands side by side (e.g. P2 and the foot of the creep band) are two bands
        var runs = new List<Run>();
        foreach (var (sign, first, last) in spans) Split(late, sign, first, last, runs);
        return runs;
    }

    /// <summary>Whether the pixel oversamples the detector resolution: at least two pixels per FWHM.</summary>
    internal static bool Oversampled(double pixelSizeUm, double resolutionUm) =>
        double.IsFinite(pixelSizeUm) && pixelSizeUm > 0 && resolutionUm / pixelSizeUm >= 2;

    /// <summary>
    /// Per bin, per row: Tr_t/Tr_0 over the zones whose centre lies within ±<paramref name="halfWidthFraction"/> of the core radius
    /// from the axis (ROI I's columns), as a ratio of pixel-weighted sums of the zone means.
    /// </summary>
    static List<double[]> ZoneRatioRows(ZoneKymograph z, double halfWidthFraction)
    {
        int nz = z.Zones;
        var sel = Enumerable.Range(0, nz).Where(k => Math.Abs((z.X0[k] + z.X1[k]) / 2.0 - z.AxisX) <= halfWidthFraction * z.RadiusPx).ToArray();
        if (sel.Length == 0) sel = [Enumerable.Range(0, nz).OrderBy(k => Math.Abs((z.X0[k] + z.X1[k]) / 2.0 - z.AxisX)).First()];
        var rows = new List<double[]>(z.Bins.Count);
        foreach (var bin in z.Bins)
        {
            var r = new double[z.Height];
            for (int y = 0; y < z.Height; y++)
            {
                double st = 0, sr = 0;
                foreach (int k in sel)
                {
                    int i = y * nz + k;
                    float v = bin[i], q = z.Reference[i];
                    if (!float.IsFinite(v) || !float.IsFinite(q)) continue;
                    st += v * z.Counts[i]; sr += q * z.Counts[i];
                }
                r[y] = sr > 0 ? st / sr : double.NaN;
            }
            rows.Add(r);
        }
        return rows;
    }

    /// <summary>
    /// Gaussian smoothing (σ in rows, truncated at 3σ) of one profile; NaN rows are skipped and the weights renormalised, so a
    /// masked row does not pull its neighbours towards zero.
    /// </summary>
    static double[] SmoothRows(double[] v, double sigmaPx)
    {
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigmaPx));
        Span<double> w = stackalloc double[2 * r + 1];
        for (int k = -r; k <= r; k++) w[k + r] = Math.Exp(-0.5 * k * k / (sigmaPx * sigmaPx));
        var o = new double[v.Length];
        for (int y = 0; y < v.Length; y++)
        {
            double s = 0, ws = 0;
            for (int k = -r; k <= r; k++)
            {
                int j = y + k;
                if ((uint)j >= (uint)v.Length || !double.IsFinite(v[j])) continue;
                s += w[k + r] * v[j]; ws += w[k + r];
            }
            o[y] = ws > 0 && double.IsFinite(v[y]) ? s / ws : double.NaN;
        }
        return o;
    }

    /// <summary>
    /// Splits rows first..last of one sign at the deepest interior valley of |late| when it is below half of the smaller of the two
    /// peaks beside it, recursively; adds the pieces as runs with their |late|-weighted centroids.
    /// </summary>
    static void Split(double[] late, int sign, int first, int last, List<Run> runs)
    {
        double A(int y) => double.IsFinite(late[y]) && Math.Sign(late[y]) == sign ? Math.Abs(late[y]) : 0;
        int cut = -1; double bestRatio = 0.5;
        for (int v = first + 1; v < last; v++)
        {
            double left = 0, right = 0;
            for (int y = first; y < v; y++) left = Math.Max(left, A(y));
            for (int y = v + 1; y <= last; y++) right = Math.Max(right, A(y));
            double ratio = A(v) / Math.Min(left, right);
            if (ratio < bestRatio) { bestRatio = ratio; cut = v; }
        }
        if (cut >= 0)
        {
            Split(late, sign, first, cut - 1, runs);
            Split(late, sign, cut + 1, last, runs);
            return;
        }
        double m = 0, m1 = 0;
        for (int y = first; y <= last; y++) { double wgt = A(y); m += wgt; m1 += wgt * y; }
        if (m > 0) runs.Add(new Run(sign, first, last, m1 / m));
    }

    /// <summary>What <see cref="Analyse"/> finds in one band signal.</summary>
    /// <param name="OnsetS">Onset (change point), s.</param>
    /// <param name="Sigma">Quiet noise σ₀ of one bin.</param>
    /// <param name="FluctuationOnsetS">Start of the first fluctuating bin, s (NaN: none).</param>
    /// <param name="IndexBefore">rms of the standardised residual before the fluctuation onset / σ₀.</param>
    /// <param name="IndexAfter">The same after it (NaN: none).</param>
    /// <param name="OnsetLowS">Lower end of the onset's 95 % interval, s.</param>
    /// <param name="OnsetHighS">Upper end of the onset's 95 % interval, s.</param>
    public sealed record BandSignalAnalysis(double OnsetS, double Sigma, double FluctuationOnsetS, double IndexBefore, double IndexAfter, double OnsetLowS, double OnsetHighS)
    {
        /// <summary>The free change point τ̂, s (= <see cref="OnsetS"/> unless <see cref="OnsetWithCurrent"/>).</summary>
        public double OnsetFreeS { get; init; } = OnsetS;
        /// <summary>The current start that was tested, s (NaN: none).</summary>
        public double CurrentStartS { get; init; } = double.NaN;
        /// <summary>The onset is the current start (the nested test did not reject it; see <see cref="BandDetectionOptions.OnsetWithCurrent"/>).</summary>
        public bool OnsetWithCurrent { get; init; }
        /// <summary>Likelihood-ratio statistic of τ = current start (NaN: not tested).</summary>
        public double CurrentStatistic { get; init; } = double.NaN;
        /// <summary>Bins (from the first) that the final onset fit used.</summary>
        public int FitEndIndex { get; init; }
    }

    /// <summary>
    /// Onset and fluctuation of one band signal s(t) = band-mean Tr_t/Tr_0 − 1 (see the class summary): onset with the fit window
    /// ending at the alarm + <see cref="BandDetectionOptions.OnsetFitWindowS"/>; fluctuation scan from that onset; the onset refitted
    /// without the fluctuating part, and the fluctuation scanned again from the refined onset.
    /// </summary>
    /// <param name="t">Bin times, s.</param>
    /// <param name="s">Band signal.</param>
    /// <param name="referenceBins">Leading bins that formed Tr₀ (their mean of s is 0).</param>
    /// <param name="sign">+1: the band grows positive (depletion); −1 negative (enrichment).</param>
    /// <param name="o">Options.</param>
    /// <param name="softShortS">A cell-wide fluctuation onset (s; NaN: none known): the onset fit ends there too.</param>
    /// <param name="currentStartS">When the current starts, s (NaN: unknown): with <see cref="BandDetectionOptions.OnsetWithCurrent"/>,
    /// the nested test of τ = this against a free τ on the final fit (same bins, same hinge model); if it does not reject at 5 %
    /// and |τ̂ − t_c| ≤ <see cref="BandDetectionOptions.OnsetWithCurrentMaxShiftS"/>, the onset is t_c (flagged). The fluctuation
    /// scan keeps the free τ̂, so the soft-short detection does not depend on the test.</param>
    public static BandSignalAnalysis Analyse(IReadOnlyList<double> t, IReadOnlyList<double> s, int referenceBins, int sign, BandDetectionOptions o, double softShortS = double.NaN,
        double currentStartS = double.NaN)
    {
        int n = t.Count, nref = Math.Clamp(referenceBins, 1, n);
        // noise for the CUSUM: the reference bins (mean 0 by construction: nref − 1 degrees of freedom) give few degrees of
        // freedom, and an underestimated σ makes the CUSUM alarm early and cut off the onset search; take the larger of that and
        // the robust white-noise level of the whole series from its consecutive differences (insensitive to slow trends)
        double sigmaRef = Math.Max(ReferenceSigma(s, nref) is var sr && double.IsFinite(sr) ? sr : 0, DifferenceSigma(s, nref));
        int alarm = Cusum(s, nref, sign, sigmaRef, o.CusumK, o.CusumH);
        double latest = t[Math.Min(alarm, n - 1)];
        int fitEnd = FitEnd(t, alarm, n, o.OnsetFitWindowS);
        if (double.IsFinite(softShortS)) fitEnd = Math.Max(Math.Min(fitEnd, FirstIndexAtOrAfter(t, softShortS)), Math.Min(n, alarm + 1));
        bool test = o.OnsetWithCurrent && double.IsFinite(currentStartS) && currentStartS > t[0] && currentStartS < t[n - 1];
        double tc = test ? currentStartS : double.NaN;
        double onset = OnsetTest(t, s, fitEnd, latest, sign, tc, out _, out double lo, out double hi, out double lr);
        var f = Fluctuation(t, s, nref, onset, o);
        if (!double.IsNaN(f.OnsetS))
        {
            // refit without the fluctuating bins, and scan again from the refined onset
            int fb = FirstIndexAtOrAfter(t, f.OnsetS);
            fitEnd = Math.Max(Math.Min(fitEnd, fb), Math.Min(n, FirstIndexAtOrAfter(t, onset) + 4));
            onset = OnsetTest(t, s, fitEnd, latest, sign, tc, out _, out lo, out hi, out lr);
            f = Fluctuation(t, s, nref, onset, o);
        }
        // nested test (χ²₁ at 5 %, as the interval) with the guard on the shift
        bool withCurrent = test && lr <= ChiSquared95 && Math.Abs(onset - tc) <= o.OnsetWithCurrentMaxShiftS;
        return new BandSignalAnalysis(withCurrent ? tc : onset, f.Sigma, f.OnsetS, f.Before, f.After, lo, hi)
        {
            OnsetFreeS = onset, CurrentStartS = test ? tc : double.NaN, OnsetWithCurrent = withCurrent, CurrentStatistic = test ? lr : double.NaN,
            FitEndIndex = fitEnd,
        };
    }

    /// <summary>
    /// A band's analysis with the cell's soft short (<see cref="BandDetectionOptions.SoftShortBreakTest"/>): normally
    /// <see cref="Analyse"/> with its onset fit ended at <paramref name="shortS"/>; but <paramref name="own"/> (the same band analysed
    /// without the cell's soft short: the whole fit window) for a band that is not driven by the current and does not show the soft
    /// short — it does not fluctuate itself, the nested test on the cut fit rejects that it starts with the current
    /// (<see cref="BandSignalAnalysis.CurrentStatistic"/> &gt; χ²₁(0.95), computed also when
    /// <see cref="BandDetectionOptions.OnsetWithCurrent"/> is off; without a known current start every band is cut, as before),
    /// and its growth does not bend at the soft short (<see cref="TrendBreakStatistic"/> at
    /// <see cref="BandDetectionOptions.TrendBreakProbability"/>; untestable counts as bending). The break test alone is not enough
    /// for a band that starts with the current: a relaxation absorbs much of a kink (a ramp whose slope drops by 30 % at the short,
    /// σ/slope = 1.5 bins, is found bending in only ≈ half of the series, and without the cut its onset came out 0.6 bin late on
    /// average), and the nested test on the whole window, where the ramp model does not hold, rejects the current start too often
    /// (18 % of such series); on the cut fit it keeps it.
    /// </summary>
    /// <param name="t">Bin times, s.</param>
    /// <param name="s">Band signal.</param>
    /// <param name="referenceBins">Leading bins that formed Tr₀.</param>
    /// <param name="sign">+1 depletion, −1 enrichment.</param>
    /// <param name="o">Options.</param>
    /// <param name="own"><see cref="Analyse"/> of the same signal without a cell soft short.</param>
    /// <param name="shortS">The cell's soft short, s (NaN: none; <paramref name="own"/> is returned).</param>
    /// <param name="currentStartS">When the current starts, s (NaN: unknown).</param>
    public static BandSignalAnalysis AnalyseWithSoftShort(IReadOnlyList<double> t, IReadOnlyList<double> s, int referenceBins, int sign, BandDetectionOptions o,
        BandSignalAnalysis own, double shortS, double currentStartS)
    {
        if (double.IsNaN(shortS)) return own;
        var cut = Analyse(t, s, referenceBins, sign, o, shortS, currentStartS);
        // the decision uses the nested statistic whether or not onsets are reported at the current start, so that the free
        // change points do not depend on that reporting option (--free-onset)
        var nested = o.OnsetWithCurrent || !o.SoftShortBreakTest ? cut : Analyse(t, s, referenceBins, sign, o with { OnsetWithCurrent = true }, shortS, currentStartS);
        bool whole = o.SoftShortBreakTest && double.IsNaN(own.FluctuationOnsetS) && double.IsFinite(nested.CurrentStartS) && nested.CurrentStatistic > ChiSquared95
                     && !TrendBreaks(t, s, own.FitEndIndex, own.OnsetFreeS, shortS, o.TrendBreakProbability);
        return whole ? own : cut;
    }

    /// <summary>
    /// Whether a band's growth bends at <paramref name="breakS"/> (the soft short): <see cref="TrendBreakStatistic"/> above the
    /// F(1, m − 5) quantile at 1 − <paramref name="probability"/>. False when the break lies outside the fitted bins or within two bins
    /// after the onset (nothing to test: the caller's cut then changes little).
    /// </summary>
    static bool TrendBreaks(IReadOnlyList<double> t, IReadOnlyList<double> s, int count, double onsetS, double breakS, double probability)
    {
        double f = TrendBreakStatistic(t, s, count, onsetS, breakS, out int dof);
        if (double.IsNaN(f)) return true; // untestable (too few bins, break at or before the onset): keep the cut
        if (f < 0) return false;          // the break is after the fitted bins: the cut would not bite
        return f > FisherSnedecor.InvCDF(1, dof, 1 - probability);
    }

    /// <summary>
    /// F statistic of a slope change at <paramref name="breakS"/> in a band's growth (the nested test behind
    /// <see cref="BandDetectionOptions.SoftShortBreakTest"/>): on bins 0..count−1, the hinge growth at the fitted onset τ,
    /// s = c + b·g_θ(t − τ) (a ramp or a relaxation, θ over the same set as <see cref="Onset"/>, bin-averaged), against the same with a
    /// bin-averaged ramp d·(t − t_b)₊ added; each model's least squares is minimised over θ, and
    /// F = (SSE₀ − SSE₁)/(SSE₁/(m − 5)) (c, b, θ, τ, d). NaN when untestable (fewer than 10 bins, or t_b less than two bins after τ);
    /// −1 when t_b is after the last bin used.
    /// </summary>
    /// <param name="t">Bin times, s.</param>
    /// <param name="s">Band signal.</param>
    /// <param name="count">Bins used (from the first).</param>
    /// <param name="onsetS">The band's fitted onset τ, s.</param>
    /// <param name="breakS">Time of the slope change tested, s.</param>
    /// <param name="dof">Residual degrees of freedom m − 5.</param>
    public static double TrendBreakStatistic(IReadOnlyList<double> t, IReadOnlyList<double> s, int count, double onsetS, double breakS, out int dof)
    {
        int n = Math.Min(count, t.Count);
        dof = 0;
        if (n < 10 || !double.IsFinite(onsetS) || !double.IsFinite(breakS)) return double.NaN;
        double dt = (t[n - 1] - t[0]) / Math.Max(1, n - 1), halfH = dt / 2 / 3600;
        if (breakS >= t[n - 1] + dt / 2) return -1;
        if (breakS < onsetS + 2 * dt) return double.NaN;
        double sse0 = double.PositiveInfinity, sse1 = double.PositiveInfinity;
        int m = 0;
        Span<double> a = stackalloc double[9];
        Span<double> inv = stackalloc double[9];
        foreach (double theta in RelaxationTimesH)
        {
            double s1 = 0, sg = 0, sh = 0, sgg = 0, sgh = 0, shh = 0, sy = 0, sgy = 0, shy = 0, syy = 0;
            m = 0;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(s[i])) continue;
                double g = BinMeanGrowth((t[i] - onsetS) / 3600, halfH, theta), h = BinMeanGrowth((t[i] - breakS) / 3600, halfH, double.PositiveInfinity), y = s[i];
                m++; s1 += 1; sg += g; sh += h; sgg += g * g; sgh += g * h; shh += h * h; sy += y; sgy += g * y; shy += h * y; syy += y * y;
            }
            if (m < 10) return double.NaN;
            // without the break: s = c + b·g
            double vg = sgg - sg * sg / s1, cgy = sgy - sg * sy / s1, vy = syy - sy * sy / s1;
            if (vg > 1e-12 * Math.Max(1, sgg)) sse0 = Math.Min(sse0, vy - cgy * cgy / vg);
            // with it: normal equations of [1, g, h]
            a[0] = s1; a[1] = sg; a[2] = sh; a[3] = sg; a[4] = sgg; a[5] = sgh; a[6] = sh; a[7] = sgh; a[8] = shh;
            if (!Invert3(a, inv)) continue;
            double b0 = inv[0] * sy + inv[1] * sgy + inv[2] * shy, b1 = inv[3] * sy + inv[4] * sgy + inv[5] * shy, b2 = inv[6] * sy + inv[7] * sgy + inv[8] * shy;
            sse1 = Math.Min(sse1, Math.Max(0, syy - (b0 * sy + b1 * sgy + b2 * shy)));
        }
        dof = m - 5;
        if (dof < 1 || !double.IsFinite(sse0) || !double.IsFinite(sse1) || !(sse1 > 0)) return double.NaN;
        return Math.Max(0, sse0 - sse1) / (sse1 / dof);
    }

    static int FitEnd(IReadOnlyList<double> t, int alarm, int n, double windowS)
    {
        double tEnd = t[Math.Min(alarm, n - 1)] + windowS;
        int e = alarm;
        while (e < n && t[e] <= tEnd) e++;
        return Math.Max(Math.Min(n, 4), e);
    }

    static int FirstIndexAtOrAfter(IReadOnlyList<double> t, double time)
    {
        int i = 0;
        while (i < t.Count && t[i] < time) i++;
        return i;
    }

    /// <summary>Robust σ of one bin from the consecutive differences after the reference: median |Δs| / (0.6745·√2) (0 when too short).</summary>
    static double DifferenceSigma(IReadOnlyList<double> s, int nref)
    {
        var d = new List<double>();
        for (int i = Math.Max(1, nref); i < s.Count; i++) { double v = s[i] - s[i - 1]; if (double.IsFinite(v)) d.Add(Math.Abs(v)); }
        return d.Count >= 4 ? Statistics.MedianInPlace(CollectionsMarshal.AsSpan(d)) / 0.6745 / Math.Sqrt(2) : 0;
    }

    /// <summary>σ of one bin from the reference bins (their mean of s is 0 by construction, so nref − 1 degrees of freedom).</summary>
    static double ReferenceSigma(IReadOnlyList<double> s, int nref)
    {
        double ss = 0; int c = 0;
        for (int i = 0; i < nref; i++) if (double.IsFinite(s[i])) { ss += s[i] * s[i]; c++; }
        return c >= 2 ? Math.Sqrt(ss / (c - 1)) : double.NaN;
    }

    /// <summary>
    /// One-sided CUSUM (Page 1954) of sign·s/σ from bin <paramref name="start"/>: S = max(0, S + sign·s/σ − k); the first bin where
    /// S exceeds h (n − 1 when it never does, or σ is unknown).
    /// </summary>
    public static int Cusum(IReadOnlyList<double> s, int start, int sign, double sigma, double k, double h)
    {
        int n = s.Count;
        if (!(sigma > 0)) return n - 1;
        double c = 0;
        for (int i = start; i < n; i++)
        {
            if (!double.IsFinite(s[i])) continue;
            c = Math.Max(0, c + sign * s[i] / sigma - k);
            if (c > h) return i;
        }
        return n - 1;
    }

    /// <summary>
    /// Onset of a band: the change point τ of a continuous two-phase ("hinge") regression (Hudson 1966, JASA 61, 1097; Hinkley
    /// 1971, JASA 66, 736): s = c before τ and s = c + b·g(t − τ) after it, with the baseline c, the growth b and τ estimated
    /// jointly by least squares (τ on a grid of 1/20 bin from half a bin before the first bin to <paramref name="latestS"/>,
    /// c and b in closed form at each τ: the profile likelihood of τ for Gaussian noise).
    /// <list type="bullet">
    /// <item>Growth g: a straight ramp g(x) = x (Li moved in proportion to the charge passed at a constant current) or a
    /// first-order relaxation g(x) = θ(1 − e^(−x/θ)) (creep relaxing under the stack pressure), x = t − τ in h, θ from 1/4 h
    /// to 16 h. The relaxation is used only when its extra parameter is significant (F test, p &lt; 0.01), so that a ramp is
    /// fitted with one parameter less. Growth must start in the band's direction (b·sign ≥ 0), so that a dip-then-rise cannot
    /// mimic a later onset; an accelerating onset is not fitted, since with noise it would trade a later onset for curvature.</item>
    /// <item>Bins are averages: each bin's regressor is the mean of g over the bin, [t_i − Δ/2, t_i + Δ/2] (Δ the mean bin
    /// spacing; in closed form), not g at the bin's mean time. Away from τ the two agree for a ramp; in the bin that contains
    /// τ a point sample would be b·max(0, t_i − τ), while the bin really holds b·(t_i + Δ/2 − τ)²/(2Δ): without this, an
    /// onset inside a bin (the creep's) is biased towards the bin centre.</item>
    /// <item>Baseline: the reference bins that make Tr₀ have mean 0 by construction, but the baseline of the bins after them
    /// is known only to σ/√n_ref (the noise of Tr₀ itself): estimating c jointly uses every bin before τ (for a band that
    /// starts later than the current, e.g. the creep, those after the reference as well) instead of fixing it at 0.</item>
    /// </list>
    /// </summary>
    /// <param name="t">Bin times (mean frame time of each bin), s.</param>
    /// <param name="s">Signal (0 = no change; only differences from the baseline matter).</param>
    /// <param name="count">Bins used (from the first).</param>
    /// <param name="latestS">Latest onset considered, s.</param>
    /// <param name="sign">Direction of growth (+1, −1; 0 = either).</param>
    /// <param name="curved">Whether the relaxation model was chosen.</param>
    /// <param name="lowS">Lower end of the 95 % profile-likelihood interval of the onset, s: every τ whose least-squares cost is within
    /// χ²₁(0.95) = 3.84 residual variances of the best (Hinkley 1971).</param>
    /// <param name="highS">Upper end of that interval, s.</param>
    public static double Onset(IReadOnlyList<double> t, IReadOnlyList<double> s, int count, double latestS, int sign, out bool curved, out double lowS, out double highS) =>
        OnsetTest(t, s, count, latestS, sign, double.NaN, out curved, out lowS, out highS, out _);

    /// <summary>χ²₁(0.95): the 95 % profile-likelihood interval and the 5 % nested test.</summary>
    public const double ChiSquared95 = 3.84;

    /// <summary>
    /// <see cref="Onset(IReadOnlyList{double}, IReadOnlyList{double}, int, double, int, out bool, out double, out double)"/> with the
    /// nested test of a given onset <paramref name="testS"/>: the likelihood-ratio statistic (SSE(testS) − SSE(τ̂)) / σ̂², σ̂² =
    /// SSE(τ̂)/(m − p) (p = 3 for the ramp, 4 for the relaxation; the same model as the free fit, c and b (and θ) refitted at
    /// τ = testS, growth in the band's direction), to be compared with χ²₁(0.95) = 3.84: testS lies in the 95 % interval exactly
    /// when the statistic is ≤ 3.84 (the interval's hull may be wider where the profile is not unimodal). +∞ when no fit with
    /// τ = testS grows in the band's direction; NaN when testS is NaN.
    /// </summary>
    public static double OnsetTest(IReadOnlyList<double> t, IReadOnlyList<double> s, int count, double latestS, int sign, double testS, out bool curved, out double lowS, out double highS,
        out double testStatistic)
    {
        var taus = new List<double>(); var profL = new List<double>(); var profQ = new List<double>();
        int n = Math.Min(Math.Max(count, 4), t.Count);
        double bestL = double.NaN, sseL = double.PositiveInfinity, bestQ = double.NaN, sseQ = double.PositiveInfinity;
        double dt = (t[n - 1] - t[0]) / Math.Max(1, n - 1);
        double halfH = dt / 2 / 3600;
        double last = Math.Min(latestS, t[n - 1]);
        int m = 0;
        double sy = 0, syy = 0;
        for (int i = 0; i < n; i++) if (double.IsFinite(s[i])) { m++; sy += s[i]; syy += s[i] * s[i]; }
        for (double t0 = t[0] - dt / 2; t0 <= last; t0 += dt / 20)
        {
            Profile(t, s, n, t0, halfH, sign, m, sy, syy, out double pl, out double pq);
            if (pl < sseL) { sseL = pl; bestL = t0; }
            if (pq < sseQ) { sseQ = pq; bestQ = t0; }
            taus.Add(t0); profL.Add(pl); profQ.Add(pq);
        }
        // F test of the relaxation time (3 vs 4 parameters: baseline, slope, onset, time constant)
        curved = double.IsNaN(bestL);
        if (!curved && m > 5 && sseQ > 0 && double.IsFinite(sseQ))
        {
            double f = (sseL - sseQ) / (sseQ / (m - 4));
            curved = f > FisherSnedecor.InvCDF(1, m - 4, 0.99);
        }
        var prof = curved ? profQ : profL;
        double best = curved ? bestQ : bestL, sseMin = curved ? sseQ : sseL;
        double limit = sseMin + ChiSquared95 * sseMin / Math.Max(1, m - (curved ? 4 : 3));
        lowS = highS = best;
        for (int i = 0; i < taus.Count; i++)
            if (prof[i] <= limit) { lowS = Math.Min(lowS, taus[i]); highS = Math.Max(highS, taus[i]); }
        testStatistic = double.NaN;
        if (double.IsFinite(testS) && double.IsFinite(sseMin))
        {
            Profile(t, s, n, testS, halfH, sign, m, sy, syy, out double pl, out double pq);
            double e = curved ? pq : pl, s2 = sseMin / Math.Max(1, m - (curved ? 4 : 3));
            testStatistic = double.IsPositiveInfinity(e) ? double.PositiveInfinity : s2 > 0 ? Math.Max(0, e - sseMin) / s2 : e > sseMin ? double.PositiveInfinity : 0;
        }
        return best;
    }

    /// <summary>
    /// Profile of the hinge fit at one onset t0: the residual sum of squares of the straight ramp (<paramref name="sseRamp"/>) and
    /// the least over the ramp and every relaxation time (<paramref name="sseAny"/>), c and b
    /// by least squares; +∞ when no fit grows in the direction <paramref name="sign"/>.
    /// </summary>
    static void Profile(IReadOnlyList<double> t, IReadOnlyList<double> s, int n, double t0, double halfH, int sign, int m, double sy, double syy,
        out double sseRamp, out double sseAny)
    {
        sseRamp = sseAny = double.PositiveInfinity;
        foreach (double theta in RelaxationTimesH)
        {
            double sg = 0, sgg = 0, sgs = 0;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(s[i])) continue;
                double gx = BinMeanGrowth((t[i] - t0) / 3600, halfH, theta);
                sg += gx; sgg += gx * gx; sgs += gx * s[i];
            }
            // least squares s = c + b·g: b = cov(g, s)/var(g), c = mean(s) − b·mean(g)
            double vg = sgg - sg * sg / m, cgs = sgs - sg * sy / m;
            if (!(vg > 1e-12 * Math.Max(1, sgg))) continue;
            double b = cgs / vg;
            if (sign != 0 && b * sign < 0) continue;
            double e = (syy - sy * sy / m) - b * cgs;
            if (double.IsPositiveInfinity(theta)) sseRamp = e;
            sseAny = Math.Min(sseAny, e);
        }
    }

    /// <summary>
    /// Mean over a bin [x − h, x + h] (h) of the growth g(u) = 0 for u ≤ 0, u (θ = ∞) or θ(1 − e^(−u/θ)) for u &gt; 0; x, h, θ in h.
    /// </summary>
    public static double BinMeanGrowth(double x, double h, double theta)
    {
        double a = x - h, b = x + h;
        if (b <= 0) return 0;
        if (!(h > 0)) return double.IsPositiveInfinity(theta) ? x : theta * (1 - Math.Exp(-x / theta));
        a = Math.Max(0, a);
        // ∫ g over [a, b] / (2h)
        double integral = double.IsPositiveInfinity(theta)
            ? 0.5 * (b * b - a * a)
            : theta * (b - a) - theta * theta * (Math.Exp(-a / theta) - Math.Exp(-b / theta));
        return integral / (2 * h);
    }

    /// <summary>Relaxation times θ (h) tried by <see cref="Onset"/>: ∞ (straight ramp) and 1/4 h to 16 h in steps of √2.</summary>
    static readonly double[] RelaxationTimesH = [double.PositiveInfinity, .. Enumerable.Range(0, 13).Select(i => 0.25 * Math.Pow(Math.Sqrt(2), i))];

    /// <summary>Fluctuation scan result: quiet σ₀, onset (NaN: none) and the indices before/after it.</summary>
    public sealed record FluctuationResult(double Sigma, double OnsetS, double Before, double After);

    /// <summary>
    /// Fluctuation of a band signal after its onset (soft-short signature; see the class summary). Residuals: bins before the
    /// onset keep s (baseline 0; the reference bins scaled by √(n/(n−1)) for their zero mean); bins after it are standardised
    /// one-step prediction residuals (see <see cref="Residuals"/>), so that a quiet signal has residual variance σ₀² everywhere.
    /// </summary>
    public static FluctuationResult Fluctuation(IReadOnlyList<double> t, IReadOnlyList<double> s, int referenceBins, double onsetS, BandDetectionOptions o)
    {
        int n = t.Count, nref = Math.Clamp(referenceBins, 1, n);
        double dt = (t[n - 1] - t[0]) / Math.Max(1, n - 1);
        int on = Math.Max(nref, FirstIndexAtOrAfter(t, onsetS));
        var e = Residuals(t, s, nref, on, o.DetrendWindowS);
        int w = Math.Max(3, (int)Math.Round(o.FluctuationWindowS / dt));
        // cumulative sums of e² and counts of finite residuals
        var cum = new double[n + 1]; var cnt = new int[n + 1];
        for (int i = 0; i < n; i++) { bool ok = double.IsFinite(e[i]); cum[i + 1] = cum[i] + (ok ? e[i] * e[i] : 0); cnt[i + 1] = cnt[i] + (ok ? 1 : 0); }
        double Ms(int a, int b) => cnt[b] - cnt[a] > 0 ? (cum[b] - cum[a]) / (cnt[b] - cnt[a]) : double.NaN;
        int first = Math.Max(on, nref + 2), windows = Math.Max(1, n - w - first + 1);
        double pWindow = o.FalseAlarmProbability / windows;
        int alarm = -1;
        for (int k = first; k + w <= n; k++)
        {
            int dfB = cnt[k], dfA = cnt[k + w] - cnt[k];
            if (dfB < 2 || dfA < 2) continue;
            double f = Ms(k, k + w) / Ms(0, k);
            if (f > FisherSnedecor.InvCDF(dfA, dfB, 1 - pWindow)) { alarm = k; break; }
        }
        if (alarm < 0)
        {
            double sig = Math.Sqrt(Ms(0, n));
            return new FluctuationResult(sig, double.NaN, Math.Sqrt(Ms(on, n)) / sig, double.NaN);
        }
        // refine: the bin m in [alarm, alarm + w] where the variance changes, σ₀² (everything before the alarm) known before m,
        // σ₁² estimated over [m, alarm + 2w)
        double s0 = Ms(0, alarm);
        int end = Math.Min(n, alarm + 2 * w), bestM = alarm;
        double bestCost = double.PositiveInfinity;
        for (int m = alarm; m <= Math.Min(alarm + w, end - 2); m++)
        {
            int n2 = cnt[end] - cnt[m];
            double v2 = Ms(m, end);
            if (n2 < 2 || !(v2 > 0)) continue;
            double cost = (cum[m] - cum[alarm]) / s0 + (cnt[m] - cnt[alarm]) * Math.Log(s0) + n2 * Math.Log(v2) + n2;
            if (cost < bestCost) { bestCost = cost; bestM = m; }
        }
        // the fluctuating segment starts with a bin that is itself significantly louder than the quiet noise
        // (e² > χ²₁(1 − p)·σ₀², p = LoudBinProbability), so that a quiet bin is not taken as its start
        double loud = ChiSquared.InvCDF(1, 1 - o.LoudBinProbability);
        while (bestM < Math.Min(alarm + w, n - 1) && !(e[bestM] * e[bestM] > loud * s0)) bestM++;
        double sigma = Math.Sqrt(Ms(0, bestM));
        double onsetF = bestM > 0 ? 0.5 * (t[bestM - 1] + t[bestM]) : t[0];
        return new FluctuationResult(sigma, onsetF, Math.Sqrt(Ms(on, bestM)) / sigma, Math.Sqrt(Ms(bestM, n)) / sigma);
    }

    /// <summary>
    /// Standardised one-step prediction residuals (see <see cref="Fluctuation"/>): before the onset s itself (baseline 0; the
    /// reference bins scaled by √(n/(n−1)) for their zero mean); after it, s minus the extrapolation of a quadratic (linear while
    /// fewer than 6 bins are available) fitted to the preceding post-onset bins within <paramref name="windowS"/>, divided by
    /// √(1 + x₀ᵀ(XᵀX)⁻¹x₀). Only the past enters each prediction, so a fluctuation cannot leak into the residuals before it starts.
    /// </summary>
    static double[] Residuals(IReadOnlyList<double> t, IReadOnlyList<double> s, int nref, int on, double windowS)
    {
        int n = t.Count;
        var e = new double[n];
        double refScale = nref >= 2 ? Math.Sqrt(nref / (nref - 1.0)) : double.NaN;
        for (int i = 0; i < Math.Min(on, n); i++) e[i] = i < nref ? s[i] * refScale : s[i];
        Span<double> a = stackalloc double[9];
        Span<double> inv = stackalloc double[9];
        for (int i = on; i < n; i++)
        {
            e[i] = double.NaN;
            if (!double.IsFinite(s[i])) continue;
            // fit in x = (t_j − t_i)/window over post-onset bins j < i with t_i − t_j ≤ window
            a.Clear();
            int c = 0;
            double r0 = 0, r1 = 0, r2 = 0;
            for (int j = i - 1; j >= on; j--)
            {
                double x = (t[j] - t[i]) / windowS;
                if (x < -1) break;
                if (!double.IsFinite(s[j])) continue;
                double x2 = x * x;
                a[0] += 1; a[1] += x; a[2] += x2; a[5] += x2 * x; a[8] += x2 * x2;
                r0 += s[j]; r1 += x * s[j]; r2 += x2 * s[j]; c++;
            }
            if (c < 3) continue;
            double pred, v;
            if (c >= 6)
            {
                a[3] = a[1]; a[4] = a[2]; a[6] = a[2]; a[7] = a[5];
                if (!Invert3(a, inv)) continue;
                // prediction at x = 0: the intercept; its variance factor x₀ᵀ(XᵀX)⁻¹x₀ with x₀ = (1, 0, 0)
                pred = inv[0] * r0 + inv[1] * r1 + inv[2] * r2; v = inv[0];
            }
            else
            {
                double det = a[0] * a[2] - a[1] * a[1];
                if (!(det > 1e-12)) continue;
                pred = (a[2] * r0 - a[1] * r1) / det; v = a[2] / det;
            }
            e[i] = (s[i] - pred) / Math.Sqrt(1 + v);
        }
        return e;
    }

    static bool Invert3(ReadOnlySpan<double> m, Span<double> r)
    {
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (!(Math.Abs(det) > 1e-12)) return false;
        double id = 1 / det;
        r[0] = (m[4] * m[8] - m[5] * m[7]) * id; r[1] = (m[2] * m[7] - m[1] * m[8]) * id; r[2] = (m[1] * m[5] - m[2] * m[4]) * id;
        r[3] = (m[5] * m[6] - m[3] * m[8]) * id; r[4] = (m[0] * m[8] - m[2] * m[6]) * id; r[5] = (m[2] * m[3] - m[0] * m[5]) * id;
        r[6] = (m[3] * m[7] - m[4] * m[6]) * id; r[7] = (m[1] * m[6] - m[0] * m[7]) * id; r[8] = (m[0] * m[4] - m[1] * m[3]) * id;
        return true;
    }
}
