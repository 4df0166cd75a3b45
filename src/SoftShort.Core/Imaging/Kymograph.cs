using SoftShort.Electrochemistry;

namespace SoftShort.Imaging;

/// <summary>The cell's core outline in a radiograph whose cell axis runs down the image: axis column and core radius (px).</summary>
public sealed record CellOutline(double AxisX, double RadiusPx, double LeftEdgeX, double RightEdgeX)
{
    /// <summary>
    /// Finds the core (rods, Li, pellet) edges as the steepest drop and rise of the column profile (mean over rows),
    /// refined to sub-pixel. The core absorbs far more than the PTFE tube, so its edges dominate the profile's derivative.
    /// </summary>
    public static CellOutline Detect(Image2D<float> transmission)
    {
        int w = transmission.Width, h = transmission.Height;
        var col = new double[w];
        for (int x = 0; x < w; x++)
        {
            double s = 0; int c = 0;
            for (int y = 0; y < h; y++) { float v = transmission[y, x]; if (!float.IsNaN(v)) { s += v; c++; } }
            col[x] = c > 0 ? s / c : double.NaN;
        }
        var d = LineProfile.Derivative(col, 2);
        int lo = 0, hi = 0;
        for (int x = 2; x < w - 2; x++)
        {
            if (d[x] < d[lo] || double.IsNaN(d[lo])) lo = x;
            if (d[x] > d[hi] || double.IsNaN(d[hi])) hi = x;
        }
        double l = LineProfile.Refine(d, lo), r = LineProfile.Refine(d, hi);
        if (!(r - l > 4)) throw new InputException("reference image", "no cell outline found (the core's edges were not a drop followed by a rise in transmission)");
        return new CellOutline((l + r) / 2, (r - l) / 2, l, r);
    }

    /// <summary>Default ROI I (cell middle): columns axis ± 0.3 R over all rows (paper Fig. 2A, box I).</summary>
    public PixelRegion RegionI(int height) => new((int)Math.Round(AxisX - 0.3 * RadiusPx), 0, (int)Math.Round(AxisX + 0.3 * RadiusPx), height - 1);

    /// <summary>
    /// Default ROI II (cell edge): the three columns just outside the core's right edge, whose rays cross the PTFE and the gap
    /// the bulge leaves, but no SS or Li foil (paper Fig. 2A, box II: "without the interruption of SS").
    /// </summary>
    public PixelRegion RegionII(int height) => new((int)Math.Ceiling(RightEdgeX + 0.5), 0, (int)Math.Ceiling(RightEdgeX + 0.5) + 2, height - 1);
}

/// <summary>Which bins make Tr₀.</summary>
public enum ReferenceMode
{
    /// <summary>The mean of the bins before the current starts (bins with |current| below 1 nA at the start). Default.</summary>
    BeforeCurrent,
    /// <summary>The first bin.</summary>
    FirstBin,
}

/// <summary>
/// Builds Tr_t/Tr_0 ratio maps (paper Fig. 2C) and kymographs (Fig. 2D, E) from a binned series streamed in time order,
/// holding only the reference, the per-row ROI means and a few ratio-map snapshots: memory does not grow with frame size × bins.
/// Kymograph row y of bin t = Σ_x Tr_t(x, y) / Σ_x Tr_0(x, y) over the ROI's columns (pixels NaN in either ignored): a ratio
/// of means, because per-pixel ratios of low-count medians behind the Li are heavy-tailed.
/// </summary>
public sealed class KymographBuilder
{
    readonly int _w, _h;
    readonly ReferenceMode _mode;
    readonly List<BinnedFrame> _pending = [];
    readonly double[] _snapshotTimes;
    readonly bool[] _snapshotTaken;
    IReadOnlyList<PixelRegion>? _rois;
    float[]? _ref;
    int _refBins;

    /// <param name="width">Frame width, px.</param>
    /// <param name="height">Frame height, px.</param>
    /// <param name="regions">ROIs (I, II, …); null = derived from the detected cell outline on Tr₀.</param>
    /// <param name="mode">How Tr₀ is formed.</param>
    /// <param name="snapshotTimesS">Times (s) at which the first bin at or after each is kept as a full ratio map.</param>
    public KymographBuilder(int width, int height, IReadOnlyList<PixelRegion>? regions = null, ReferenceMode mode = ReferenceMode.BeforeCurrent, IReadOnlyList<double>? snapshotTimesS = null)
    {
        _w = width; _h = height; _mode = mode; _rois = regions;
        _snapshotTimes = snapshotTimesS?.ToArray() ?? [];
        _snapshotTaken = new bool[_snapshotTimes.Length];
        if (regions is not null) foreach (var r in regions) r.RequireInside(width, height, "--roi-i/--roi-ii");
    }

    public int Width => _w;
    public int Height => _h;
    /// <summary>Pixel size, µm (NaN when unknown): used for band positions in mm.</summary>
    public double PixelSizeUm { get; init; } = double.NaN;
    /// <summary>Tr₀ (available once the first current-carrying bin, or the first bin, has been added).</summary>
    public Image2D<float>? Reference => _ref is null ? null : new Image2D<float>(_w, _h, _ref);
    public int ReferenceBins => _refBins;
    public CellOutline? Outline { get; private set; }
    public IReadOnlyList<PixelRegion> Regions => _rois ?? [];
    public List<double> TimesS { get; } = [];
    public List<double> CurrentsA { get; } = [];
    /// <summary>Per ROI, per bin: the ROI row means of Tr_t/Tr_0 (length Height).</summary>
    public List<List<double[]>> RatioRows { get; } = [];
    /// <summary>Per ROI, per bin: the ROI row means of Tr_t (for interface tracking).</summary>
    public List<List<double[]>> TransmissionRows { get; } = [];
    /// <summary>Kept ratio maps (time, map).</summary>
    public List<(double TimeS, Image2D<float> Ratio)> Snapshots { get; } = [];

    /// <summary>Adds the next bin (time order).</summary>
    public void Add(BinnedFrame bin)
    {
        if (bin.Pixels.Length != (long)_w * _h) throw new InputException("binned series", $"bin {bin.Index} has {bin.Pixels.Length} pixels, {_w}×{_h} expected");
        if (_ref is null)
        {
            bool isReference = _mode == ReferenceMode.FirstBin ? _pending.Count == 0 : !(Math.Abs(bin.CurrentA) >= 1e-9);
            if (isReference && !(_mode == ReferenceMode.BeforeCurrent && double.IsNaN(bin.CurrentA) && _pending.Count > 0))
            {
                _pending.Add(bin);
                if (_mode == ReferenceMode.FirstBin) FinishReference();
                return;
            }
            if (_pending.Count == 0) throw new InputException("binned series", "the current is on from the first bin: no bins before the current for Tr0 (use the first-bin reference)");
            FinishReference();
        }
        Process(bin);
    }

    /// <summary>Ends the series (forms Tr₀ if every bin was a reference bin).</summary>
    public void Complete()
    {
        if (_ref is null)
        {
            if (_pending.Count == 0) throw new InputException("binned series", "no bins");
            FinishReference();
        }
    }

    void FinishReference()
    {
        _ref = new float[(long)_w * _h];
        StackMedianMean(_pending, _ref);
        _refBins = _pending.Count;
        var refImg = new Image2D<float>(_w, _h, _ref);
        if (_rois is null)
        {
            Outline = CellOutline.Detect(refImg);
            _rois = [Outline.RegionI(_h), Outline.RegionII(_h)];
            foreach (var r in _rois) r.RequireInside(_w, _h, "derived ROI");
        }
        for (int i = 0; i < _rois.Count; i++) { RatioRows.Add([]); TransmissionRows.Add([]); }
        var pend = _pending.ToList();
        _pending.Clear();
        foreach (var b in pend) Process(b);
    }

    void StackMedianMean(List<BinnedFrame> bins, float[] dst) => StackMedian.Mean(bins.Select(b => b.Pixels).ToArray(), dst, _w, _h);

    void Process(BinnedFrame bin)
    {
        var rf = _ref!;
        TimesS.Add(bin.TimeS); CurrentsA.Add(bin.CurrentA);
        for (int k = 0; k < _rois!.Count; k++)
        {
            var r = _rois[k];
            var ratio = new double[_h]; var tr = new double[_h];
            Array.Fill(ratio, double.NaN); Array.Fill(tr, double.NaN);
            for (int y = r.Y0; y <= r.Y1; y++)
            {
                // ratio of ROI-row means: per-pixel ratios of low-count medians are heavy-tailed (Tr₀ near 0 behind the Li)
                double st = 0, sr = 0; int ct = 0;
                for (int x = r.X0; x <= r.X1; x++)
                {
                    int i = y * _w + x;
                    float v = bin.Pixels[i], q = rf[i];
                    if (float.IsNaN(v) || float.IsNaN(q)) continue;
                    st += v; sr += q; ct++;
                }
                tr[y] = ct > 0 ? st / ct : double.NaN;
                ratio[y] = ct > 0 && sr != 0 ? st / sr : double.NaN;
            }
            RatioRows[k].Add(ratio); TransmissionRows[k].Add(tr);
        }
        for (int s = 0; s < _snapshotTimes.Length; s++)
        {
            if (_snapshotTaken[s] || bin.TimeS < _snapshotTimes[s]) continue;
            _snapshotTaken[s] = true;
            var map = new Image2D<float>(_w, _h);
            for (int i = 0; i < map.Pixels.Length; i++) map.Pixels[i] = bin.Pixels[i] / rf[i];
            Snapshots.Add((bin.TimeS, map));
        }
    }

    /// <summary>The kymograph of ROI <paramref name="roi"/> as an image [bin, row] of Tr_t/Tr_0.</summary>
    public Image2D<float> KymographImage(int roi)
    {
        var rows = RatioRows[roi];
        var img = new Image2D<float>(_h, rows.Count);
        for (int t = 0; t < rows.Count; t++)
            for (int y = 0; y < _h; y++) img[t, y] = (float)rows[t][y];
        return img;
    }
}

/// <summary>A detected Li band.</summary>
/// <param name="Name">P1..P4.</param>
/// <param name="Sign">+1 depletion (Tr_t/Tr_0 &gt; 1), −1 enrichment.</param>
/// <param name="Roi">ROI index (0 = I, 1 = II).</param>
/// <param name="Row">Centroid row (sub-pixel), weighted by |ln(Tr_t/Tr_0)| late in the series.</param>
/// <param name="PositionMm">Position in mm from the cathode|SS interface towards the anode.</param>
/// <param name="FirstRow">First row of the band.</param>
/// <param name="LastRow">Last row of the band.</param>
/// <param name="OnsetS">Onset time from a hinge fit (0 before, linear after), s.</param>
/// <param name="Magnitude">The extreme over time of the band-mean Tr_t/Tr_0 − 1.</param>
/// <param name="FluctuationIndexBefore">rms of the detrended band signal before the fluctuation onset / baseline rms.</param>
/// <param name="FluctuationIndexAfter">Same after the fluctuation onset.</param>
/// <param name="FluctuationOnsetS">Time from which the band fluctuates (soft-short signature), s; NaN when it never does.</param>
public sealed record DetectedBand(string Name, int Sign, int Roi, double Row, double PositionMm, int FirstRow, int LastRow, double OnsetS,
    double Magnitude, double FluctuationIndexBefore, double FluctuationIndexAfter, double FluctuationOnsetS);

/// <summary>Options of <see cref="BandDetection"/>.</summary>
public sealed record BandDetectionOptions
{
    /// <summary>Fraction of the bins, at the end, whose mean profile defines the bands. Default 0.25.</summary>
    public double LateFraction { get; init; } = 0.25;
    /// <summary>A row belongs to a band when |late mean ln ratio| exceeds this many noise σ. Default 5.</summary>
    public double ThresholdSigma { get; init; } = 5;
    /// <summary>Fraction of the series, from its start, used by the onset hinge fit. Default 0.3.</summary>
    public double OnsetWindowFraction { get; init; } = 0.3;
    /// <summary>Detrending window for the fluctuation index, s (local linear fit). Default 7200.</summary>
    public double DetrendWindowS { get; init; } = 7200;
    /// <summary>Least time on each side of the fluctuation change point, s. Default 3600.</summary>
    public double FluctuationWindowS { get; init; } = 3600;
    /// <summary>Ratio of residual rms after/before the change point above which the band is called fluctuating. Default 2.</summary>
    public double FluctuationThreshold { get; init; } = 2;
}

/// <summary>
/// Automatic detection of the paper's Li bands P1–P4 (Fig. 2D, E) on kymographs: rows where the late-time mean of
/// ln(Tr_t/Tr_0) is significant are grouped into runs; runs are named by sign and by the nearest layer boundary
/// (P1 depletion in the cathode, P2 enrichment at Li|SE, P3 depletion at SS|Li in ROI I, P4 enrichment at SS|Li in ROI II).
/// Each band gets a sub-pixel centroid, a hinge-fit onset, its magnitude and a fluctuation index (soft-short signature).
/// </summary>
public static class BandDetection
{
    public static IReadOnlyList<DetectedBand> Detect(KymographBuilder k, LayerBoundaries boundaries, BandDetectionOptions? options = null)
    {
        var o = options ?? new BandDetectionOptions();
        var list = new List<DetectedBand>();
        var t = k.TimesS.ToArray();
        InputException.Require(t.Length >= k.ReferenceBins + 8, "binned series", $"has {t.Length} bins; at least 8 after the reference are needed for bands");
        double catMid = (boundaries.SeCathode + boundaries.CathodeSs) / 2;
        var runsI = Runs(k, 0, o);
        Add(list, "P1", runsI, +1, catMid, 0, k, o, boundaries);
        Add(list, "P2", runsI, -1, boundaries.LiSe, 0, k, o, boundaries);
        Add(list, "P3", runsI, +1, boundaries.SsLi, 0, k, o, boundaries);
        if (k.RatioRows.Count > 1) Add(list, "P4", Runs(k, 1, o), -1, boundaries.SsLi, 1, k, o, boundaries);
        return list;
    }

    sealed record Run(int Sign, int First, int Last, double Centroid);

    static List<Run> Runs(KymographBuilder k, int roi, BandDetectionOptions o)
    {
        var rows = k.RatioRows[roi];
        int nb = rows.Count, h = k.Height, nref = Math.Max(1, k.ReferenceBins);
        int nl = Math.Max(1, (int)Math.Round(nb * o.LateFraction));
        var late = new double[h]; var noise = new double[h];
        for (int y = 0; y < h; y++)
        {
            double s = 0; int c = 0;
            for (int b = nb - nl; b < nb; b++) { double v = Math.Log(rows[b][y]); if (double.IsFinite(v)) { s += v; c++; } }
            late[y] = c > 0 ? s / c : double.NaN;
            // per-bin noise from the spread of consecutive differences over the early bins (robust to slow trends)
            var diffs = new List<double>();
            int early = Math.Max(nref + 1, Math.Min(nb, nref + 24));
            for (int b = 1; b < early; b++) { double dv = Math.Log(rows[b][y]) - Math.Log(rows[b - 1][y]); if (double.IsFinite(dv)) diffs.Add(Math.Abs(dv)); }
            double mad = diffs.Count > 0 ? Statistics.Median(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(diffs)) : double.NaN;
            double perBin = mad / 0.6745 / Math.Sqrt(2) * 1.0; // |difference| median → σ of one bin
            noise[y] = perBin * Math.Sqrt(1.0 / nl + 1.0 / nref);
        }
        double sigma = Statistics.Median(noise.Where(double.IsFinite).ToArray());
        var runs = new List<Run>();
        int yy = 0;
        while (yy < h)
        {
            double v = late[yy];
            if (!double.IsFinite(v) || Math.Abs(v) <= o.ThresholdSigma * sigma) { yy++; continue; }
            int sign = v > 0 ? 1 : -1, first = yy;
            while (yy < h && double.IsFinite(late[yy]) && Math.Sign(late[yy]) == sign && Math.Abs(late[yy]) > o.ThresholdSigma * sigma) yy++;
            int last = yy - 1;
            double m = 0, m1 = 0;
            for (int r = first; r <= last; r++) { double wgt = Math.Abs(late[r]); m += wgt; m1 += wgt * r; }
            // a band split by noise: merge with the previous run of the same sign when at most 2 rows apart
            if (runs.Count > 0 && runs[^1].Sign == sign && first - runs[^1].Last <= 3) first = runs[^1].First;
            if (runs.Count > 0 && runs[^1].First == first) runs.RemoveAt(runs.Count - 1);
            m = 0; m1 = 0;
            for (int r = first; r <= last; r++) { if (!double.IsFinite(late[r]) || Math.Sign(late[r]) != sign) continue; double wgt = Math.Abs(late[r]); m += wgt; m1 += wgt * r; }
            runs.Add(new Run(sign, first, last, m1 / m));
        }
        return runs;
    }

    static void Add(List<DetectedBand> list, string name, List<Run> runs, int sign, double nearRow, int roi, KymographBuilder k, BandDetectionOptions o, LayerBoundaries lb)
    {
        var cand = runs.Where(r => r.Sign == sign).OrderBy(r => Math.Min(Math.Abs(r.Centroid - nearRow), Math.Min(Math.Abs(r.First - nearRow), Math.Abs(r.Last - nearRow)))).FirstOrDefault();
        if (cand is null) return;
        var t = k.TimesS.ToArray();
        var rows = k.RatioRows[roi];
        var series = new double[t.Length];
        for (int b = 0; b < t.Length; b++)
        {
            double s = 0; int c = 0;
            for (int y = cand.First; y <= cand.Last; y++) { double v = rows[b][y]; if (double.IsFinite(v)) { s += v; c++; } }
            series[b] = c > 0 ? s / c - 1 : double.NaN;
        }
        double onset = HingeOnset(t, series, o.OnsetWindowFraction, sign);
        double mag = 0;
        foreach (var v in series) if (double.IsFinite(v) && Math.Abs(v) > Math.Abs(mag)) mag = v;
        var (before, after, fOnset) = Fluctuation(t, series, k.ReferenceBins, o);
        // position: mm from the cathode|SS interface towards the anode (the caller's rows run from anode to cathode)
        list.Add(new DetectedBand(name, sign, roi, cand.Centroid, (lb.CathodeSs - cand.Centroid) * k.PixelSizeUm / 1000, cand.First, cand.Last, onset, mag, before, after, fOnset));
    }

    /// <summary>
    /// Onset of a signal that is 0 before t₀ and grows after it: least squares of s = b·x + c·x² with x = max(0, t − t₀)
    /// (a hinge with curvature, so that saturating growth is fitted too) over t₀ on a grid of 1/20 bin, using the first
    /// <paramref name="windowFraction"/> of the series.
    /// </summary>
    public static double HingeOnset(IReadOnlyList<double> t, IReadOnlyList<double> s, double windowFraction, int sign = 0)
    {
        int n = Math.Max(4, (int)Math.Round(t.Count * windowFraction));
        n = Math.Min(n, t.Count);
        double best = double.NaN, bestSse = double.PositiveInfinity;
        double dt = (t[n - 1] - t[0]) / Math.Max(1, n - 1);
        for (double t0 = t[0]; t0 <= t[n - 1]; t0 += dt / 20)
        {
            double s11 = 0, s12 = 0, s22 = 0, r1 = 0, r2 = 0, ss = 0;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(s[i])) continue;
                double x = Math.Max(0, t[i] - t0) / 3600, x2 = x * x;
                s11 += x * x; s12 += x * x2; s22 += x2 * x2; r1 += x * s[i]; r2 += x2 * s[i]; ss += s[i] * s[i];
            }
            // candidates: (b, c) jointly, b only, c only; growth must start with the band's sign (b·sign ≥ 0), so that a
            // dip-then-rise cannot mimic a later onset
            double sse = double.PositiveInfinity;
            double det = s11 * s22 - s12 * s12;
            if (det > 1e-12 * Math.Max(1, s11 * s22))
            {
                double b = (r1 * s22 - r2 * s12) / det, c = (s11 * r2 - s12 * r1) / det;
                if (sign == 0 || b * sign >= 0) sse = Math.Min(sse, ss - 2 * (b * r1 + c * r2) + b * b * s11 + 2 * b * c * s12 + c * c * s22);
            }
            if (s11 > 0) { double b = r1 / s11; if (sign == 0 || b * sign >= 0) sse = Math.Min(sse, ss - b * r1); }
            if (s22 > 0) { double c = r2 / s22; if (sign == 0 || c * sign >= 0) sse = Math.Min(sse, ss - c * r2); }
            if (sse < bestSse) { bestSse = sse; best = t0; }
        }
        return best;
    }

    /// <summary>
    /// Fluctuation of a band signal (soft-short signature): residual from a local linear fit (window
    /// <see cref="BandDetectionOptions.DetrendWindowS"/>), then the variance change point of the residual; the indices are the
    /// residual rms before and after it relative to the quieter side, and the onset is the change point when the later side is
    /// louder by <see cref="BandDetectionOptions.FluctuationThreshold"/>.
    /// </summary>
    public static (double Before, double After, double OnsetS) Fluctuation(IReadOnlyList<double> t, IReadOnlyList<double> s, int referenceBins, BandDetectionOptions o)
    {
        int n = t.Count;
        double dt = (t[n - 1] - t[0]) / Math.Max(1, n - 1);
        int half = Math.Max(2, (int)Math.Round(o.DetrendWindowS / dt / 2));
        var res = new double[n];
        for (int i = 0; i < n; i++)
        {
            int a = Math.Max(0, i - half), b = Math.Min(n - 1, i + half);
            double sx = 0, sy = 0, sxx = 0, sxy = 0; int c = 0;
            for (int j = a; j <= b; j++) { if (!double.IsFinite(s[j])) continue; double x = t[j] - t[i]; sx += x; sy += s[j]; sxx += x * x; sxy += x * s[j]; c++; }
            double den = c * sxx - sx * sx;
            double fit = c == 0 ? double.NaN : den != 0 ? (sy * sxx - sx * sxy) / den : sy / c; // intercept at x = 0
            res[i] = s[i] - fit;
        }
        // variance change point (Hsu 1977): the split τ minimising n₁ ln σ₁² + n₂ ln σ₂² over the residuals after the reference,
        // each side keeping at least one fluctuation window of bins
        int w = Math.Max(3, (int)Math.Round(o.FluctuationWindowS / dt));
        int start = Math.Max(0, referenceBins);
        var r = new List<(double T, double R)>();
        for (int i = start; i < n; i++) if (double.IsFinite(res[i])) r.Add((t[i], res[i]));
        if (r.Count < 2 * w + 2) return (double.NaN, double.NaN, double.NaN);
        var cum = new double[r.Count + 1];
        for (int i = 0; i < r.Count; i++) cum[i + 1] = cum[i] + r[i].R * r[i].R;
        int bestK = -1; double bestCost = double.PositiveInfinity;
        for (int k = w; k <= r.Count - w; k++)
        {
            double v1 = cum[k] / k, v2 = (cum[r.Count] - cum[k]) / (r.Count - k);
            if (!(v1 > 0) || !(v2 > 0)) continue;
            double cost = k * Math.Log(v1) + (r.Count - k) * Math.Log(v2);
            if (cost < bestCost) { bestCost = cost; bestK = k; }
        }
        if (bestK < 0) return (double.NaN, double.NaN, double.NaN);
        double s1 = Math.Sqrt(cum[bestK] / bestK), s2 = Math.Sqrt((cum[r.Count] - cum[bestK]) / (r.Count - bestK));
        // index = rms relative to the quieter side; the onset counts only when the later side is the louder by the threshold
        double quiet = Math.Min(s1, s2);
        double onset = s2 / s1 >= o.FluctuationThreshold ? 0.5 * (r[bestK - 1].T + r[bestK].T) : double.NaN;
        return (s1 / quiet, s2 / quiet, onset);
    }
}

/// <summary>Li quantification of one band over time.</summary>
/// <param name="Name">Band name.</param>
/// <param name="TimesS">Bin times, s.</param>
/// <param name="LiUm">Dense-Li thickness change over the bore, µm (+ enrichment).</param>
/// <param name="SlopeBeforeUmPerH">Slope of LiUm between current start and the split time, µm h⁻¹.</param>
/// <param name="SlopeAfterUmPerH">Slope after the split time, µm h⁻¹.</param>
/// <param name="CurrentBeforeA">Equivalent Faradaic current of the slope before, A.</param>
/// <param name="CurrentAfterA">Equivalent Faradaic current after, A.</param>
public sealed record BandQuantification(string Name, double[] TimesS, double[] LiUm, double SlopeBeforeUmPerH, double SlopeAfterUmPerH, double CurrentBeforeA, double CurrentAfterA);

/// <summary>
/// Li quantification from transmission (beyond the paper's figures): in a band of rows of ROI I, the Li path change per
/// pixel is −ln(Tr_t/Tr_0)/Σ_Li (Beer–Lambert, Σ_Li at the spectrum's mean wavelength); summed over the band's rows
/// (× pixel size) and divided by the mean core chord 2√(R² − u²) of the ROI columns, it is the dense-Li thickness
/// change over the bore, to compare with Faraday's law (≈ 19 µm for the paper's charge).
/// </summary>
public static class LiQuantification
{
    /// <param name="k">The kymograph builder (ROI 0 is used, or <paramref name="roi"/>).</param>
    /// <param name="band">The detected band; rows FirstRow−pad … LastRow+pad are summed.</param>
    /// <param name="pixelSizeUm">Pixel size, µm.</param>
    /// <param name="liAttenuationPerCm">Effective Σ of Li metal, cm⁻¹.</param>
    /// <param name="chordUm">Mean chord through the core for the ROI columns, µm.</param>
    /// <param name="currentStartS">Time the current starts, s.</param>
    /// <param name="splitS">Time that separates the two slopes (the soft short), s.</param>
    /// <param name="boreAreaCm2">Electrode area, cm².</param>
    /// <param name="pad">Rows added on each side of the band to catch blur tails. Default 2.</param>
    /// <param name="roi">ROI index; default: the band's.</param>
    public static BandQuantification Quantify(KymographBuilder k, DetectedBand band, double pixelSizeUm, double liAttenuationPerCm, double chordUm,
        double currentStartS, double splitS, double boreAreaCm2, int pad = 2, int roi = -1)
    {
        InputException.Require(pixelSizeUm > 0 && chordUm > 0 && liAttenuationPerCm > 0, "quantify", "pixel size, chord and Σ_Li must be positive");
        int r = roi < 0 ? band.Roi : roi;
        var rows = k.RatioRows[r];
        int y0 = Math.Max(0, band.FirstRow - pad), y1 = Math.Min(k.Height - 1, band.LastRow + pad);
        var t = k.TimesS.ToArray();
        var li = new double[t.Length];
        for (int b = 0; b < t.Length; b++)
        {
            double s = 0;
            for (int y = y0; y <= y1; y++) { double v = -Math.Log(rows[b][y]); if (double.IsFinite(v)) s += v; }
            li[b] = s / liAttenuationPerCm * 1e4 * pixelSizeUm / chordUm; // µm Li path per row × rows × px / chord
        }
        double sb = Slope(t, li, currentStartS, splitS), sa = Slope(t, li, splitS, double.PositiveInfinity);
        double umPerHToA(double umPerH) => Math.Abs(umPerH) * 1e-4 * boreAreaCm2 / Faraday.LiMolarVolumeCm3PerMol * Faraday.ConstantCPerMol / 3600;
        return new BandQuantification(band.Name, t, li, sb, sa, umPerHToA(sb), umPerHToA(sa));
    }

    /// <summary>Least-squares slope of y against t (in h) for t in [t0, t1).</summary>
    public static double Slope(double[] t, double[] y, double t0, double t1)
    {
        double sx = 0, sy = 0, sxx = 0, sxy = 0; int c = 0;
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] < t0 || t[i] >= t1 || !double.IsFinite(y[i])) continue;
            double x = t[i] / 3600;
            sx += x; sy += y[i]; sxx += x * x; sxy += x * y[i]; c++;
        }
        double den = c * sxx - sx * sx;
        return c >= 2 && den != 0 ? (c * sxy - sx * sy) / den : double.NaN;
    }

    /// <summary>Mean chord (µm) through a core of radius <paramref name="radiusPx"/> for columns x0..x1 around <paramref name="axisX"/>.</summary>
    public static double MeanChordUm(double axisX, double radiusPx, int x0, int x1, double pixelSizeUm)
    {
        double s = 0; int c = 0;
        for (int x = x0; x <= x1; x++)
        {
            double u = x - axisX;
            if (Math.Abs(u) < radiusPx) { s += 2 * Math.Sqrt(radiusPx * radiusPx - u * u) * pixelSizeUm; c++; }
        }
        return c > 0 ? s / c : double.NaN;
    }
}
