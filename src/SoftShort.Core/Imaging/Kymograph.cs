using SoftShort.Electrochemistry;

namespace SoftShort.Imaging;

/// <summary>The cell's core outline in a radiograph whose cell axis runs down the image: axis column and core radius (px).</summary>
public sealed record CellOutline(double AxisX, double RadiusPx, double LeftEdgeX, double RightEdgeX)
{
    /// <summary>
    /// Finds the core (rods, Li, pellet) edges as the drop and rise of the column profile (mean over rows) nearest to its darkest part,
    /// refined to sub-pixel. The core absorbs far more than the PTFE tube, so its edges dominate the profile's derivative.
    /// </summary>
    public static CellOutline Detect(Image2D<float> transmission) => Detect(transmission, 0, transmission.Height - 1);

    /// <summary>The same from the rows <paramref name="y0"/>..<paramref name="y1"/> only (e.g. the anode side, where the core has the rods' radius).</summary>
    public static CellOutline Detect(Image2D<float> transmission, int y0, int y1)
    {
        int w = transmission.Width;
        y0 = Math.Clamp(y0, 0, transmission.Height - 1); y1 = Math.Clamp(y1, y0, transmission.Height - 1);
        var col = new double[w];
        for (int x = 0; x < w; x++)
        {
            double s = 0; int c = 0;
            for (int y = y0; y <= y1; y++) { float v = transmission[y, x]; if (float.IsFinite(v)) { s += v; c++; } }
            col[x] = c > 0 ? s / c : double.NaN;
        }
        // Derivative on a scale that grows with the frame (2 px for the 424-px sample, 5 px for the 2560-px camera), so that
        // the noise of small pixels does not make its own extremes.
        int h = Math.Max(2, w / 512);
        var d = LineProfile.Derivative(col, h);
        var (l, r) = InnermostEdgePair(col, d, h);
        if (!(r - l > 4)) throw new InputException("reference image", "no cell outline found (the core's edges were not a drop followed by a rise in transmission)");
        return new CellOutline((l + r) / 2, (r - l) / 2, l, r);
    }

    /// <summary>
    /// The core's edges: the significant drop and rise of the transmission profile nearest to its darkest part. A frame wide
    /// enough to hold the whole PTFE tube (paper camera, 16.6 mm) shows the tube's outer edges as well, and at 6.5 µm pixels
    /// they are as steep as the core's; the core is the inner pair. Inside the core the slope keeps its sign and grows up to the
    /// edge (the chord grows as a square root towards the axis), so the extreme of the first run of steep slopes, walking
    /// outwards from the darkest part, is the edge.
    /// </summary>
    static (double Left, double Right) InnermostEdgePair(double[] profile, double[] d, int h)
    {
        int w = profile.Length;
        // The darkest part, on a profile smoothed over 1/20 of the frame (inside the core for any frame that shows the cell).
        int half = Math.Max(1, w / 40), dark = -1; double darkV = double.PositiveInfinity;
        for (int x = 0; x < w; x++)
        {
            double s = 0; int c = 0;
            for (int k = Math.Max(0, x - half); k <= Math.Min(w - 1, x + half); k++) if (double.IsFinite(profile[k])) { s += profile[k]; c++; }
            if (c > 0 && s / c < darkV) { darkV = s / c; dark = x; }
        }
        if (dark < 0) return (double.NaN, double.NaN);
        int lo = h, hi = w - 1 - h;
        double steepest = 0;
        for (int x = lo; x <= hi; x++) if (double.IsFinite(d[x])) steepest = Math.Max(steepest, Math.Abs(d[x]));
        if (steepest == 0) return (double.NaN, double.NaN);
        double start = 0.25 * steepest, keep = 0.1 * steepest;
        // Walk outwards from the dark part to the first slope beyond `start` of each sign; follow it outwards while the slope
        // stays beyond `keep` (gaps of up to 2h samples allowed: noise); its extreme is the edge.
        int left = EdgeRun(d, dark, lo - 1, -1, -1, start, keep, 2 * h);
        int right = EdgeRun(d, dark, hi + 1, +1, +1, start, keep, 2 * h);
        if (left < 0 || right < 0) return (double.NaN, double.NaN);
        return (LineProfile.Refine(d, left), LineProfile.Refine(d, right));
    }

    /// <summary>
    /// From <paramref name="from"/> in direction <paramref name="step"/> (stopping before <paramref name="stop"/>): the extreme
    /// of the first run of slopes of sign <paramref name="sign"/> that reaches <paramref name="start"/>, followed while it stays
    /// beyond <paramref name="keep"/> with at most <paramref name="maxGap"/> samples below; −1 if none.
    /// </summary>
    static int EdgeRun(double[] d, int from, int stop, int step, int sign, double start, double keep, int maxGap)
    {
        int x = from;
        while (x != stop && !(sign * d[x] >= start)) x += step;
        if (x == stop) return -1;
        int best = x, gap = 0;
        for (; x != stop && gap <= maxGap; x += step)
        {
            double v = sign * d[x];
            if (!(v >= keep)) { gap++; continue; }
            gap = 0;
            if (v > sign * d[best]) best = x;
        }
        return best;
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
    /// <summary>The core outline on the anode side (rows above Li|SE), from which the default ROI II is placed.</summary>
    public CellOutline? AnodeOutline { get; private set; }
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
            // ROI II must look through the gap the bulge leaves beside the Li foil and the anode rod: take the core edge from the
            // rows on the anode side of the Li|SE interface (the pellet fills the bulged bore and would put the edge outside the gap)
            AnodeOutline = Outline;
            try
            {
                var lb = LineProfile.DetectBoundaries(OperandoPipeline.RowProfile(refImg, Outline.RegionI(_h)));
                bool anodeOnTop = lb.SsLi < lb.LiSe;
                int y0 = anodeOnTop ? 0 : (int)Math.Ceiling(lb.LiSe) + 1, y1 = anodeOnTop ? (int)Math.Floor(lb.LiSe) - 1 : _h - 1;
                if (y1 - y0 >= 4) AnodeOutline = CellOutline.Detect(refImg, y0, y1);
            }
            catch (InputException) { } // not a layered cell profile: keep the whole-frame outline
            _rois = [Outline.RegionI(_h), AnodeOutline.RegionII(_h)];
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
