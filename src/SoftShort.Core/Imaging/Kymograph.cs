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
        var col = ColumnProfile(transmission, y0, y1);
        // Derivative on a scale that grows with the frame (2 px for the 424-px sample, 5 px for the 2560-px camera), so that
        // the noise of small pixels does not make its own extremes.
        int h = DerivativeHalfWindow(col.Length);
        var d = LineProfile.Derivative(col, h);
        var (l, r) = InnermostEdgePair(col, d, h);
        if (!(r - l > 4)) throw new InputException("reference image", "no cell outline found (the core's edges were not a drop followed by a rise in transmission)");
        return new CellOutline((l + r) / 2, (r - l) / 2, l, r);
    }

    /// <summary>
    /// The core's edges in the rows <paramref name="y0"/>..<paramref name="y1"/>, searched only within
    /// <paramref name="windowPx"/> of the edges of <paramref name="prior"/> (an outline of the whole frame): the steepest drop
    /// near the prior left edge and the steepest rise near the prior right edge, refined to sub-pixel. For a band a few
    /// dozen rows thick, at a few neutrons per pixel, the free search of <see cref="Detect(Image2D{float}, int, int)"/> can take
    /// a noise slope inside a uniformly dark core (SE, cathode) for an edge; the core radius changes along the axis by far
    /// less than the window (the PTFE bulge, ≈ 50 µm), so the prior confines the search without biasing it.
    /// </summary>
    /// <param name="transmission">Tr₀ (or any image in which the core is darker than its surroundings).</param>
    /// <param name="y0">First row.</param>
    /// <param name="y1">Last row.</param>
    /// <param name="prior">Outline from more rows (e.g. <see cref="Detect(Image2D{float})"/> on the whole frame).</param>
    /// <param name="windowPx">Half-width of the search window around each prior edge, px. Default (NaN): 10 % of the prior radius, at least 3 derivative half-windows.</param>
    /// <exception cref="InputException">No drop and rise of the expected signs inside the windows.</exception>
    public static CellOutline DetectNear(Image2D<float> transmission, int y0, int y1, CellOutline prior, double windowPx = double.NaN)
    {
        var col = ColumnProfile(transmission, y0, y1);
        int w = col.Length, h = DerivativeHalfWindow(w);
        var d = LineProfile.Derivative(col, h);
        double win = double.IsFinite(windowPx) && windowPx > 0 ? windowPx : Math.Max(3 * h, 0.1 * prior.RadiusPx);
        int Extreme(double centre, int sign)
        {
            int a = Math.Max(h, (int)Math.Floor(centre - win)), b = Math.Min(w - 1 - h, (int)Math.Ceiling(centre + win)), best = -1;
            for (int x = a; x <= b; x++) if (sign * d[x] > 0 && (best < 0 || sign * d[x] > sign * d[best])) best = x;
            return best;
        }
        int li = Extreme(prior.LeftEdgeX, -1), ri = Extreme(prior.RightEdgeX, +1);
        if (li < 0 || ri < 0) throw new InputException("reference image", $"no core edges within {win:F0} px of the prior outline in rows {y0}–{y1}");
        double l = LineProfile.Refine(d, li), r = LineProfile.Refine(d, ri);
        if (!(r - l > 4)) throw new InputException("reference image", $"no core edges within {win:F0} px of the prior outline in rows {y0}–{y1}");
        return new CellOutline((l + r) / 2, (r - l) / 2, l, r);
    }

    static int DerivativeHalfWindow(int width) => Math.Max(2, width / 512);

    /// <summary>Mean over rows y0..y1 of each column, leaving out implausible transmissions; NaN for a column with none.</summary>
    static double[] ColumnProfile(Image2D<float> transmission, int y0, int y1)
    {
        int w = transmission.Width;
        y0 = Math.Clamp(y0, 0, transmission.Height - 1); y1 = Math.Clamp(y1, y0, transmission.Height - 1);
        var col = new double[w];
        for (int x = 0; x < w; x++)
        {
            double s = 0; int c = 0;
            // a "transmission" far above 1 is a low-count division (open beam − dark near zero at a few counts per pixel, e.g.
            // the paper camera's 6.5 µm pixels), not the cell: it is left out of the column mean
            for (int y = y0; y <= y1; y++) { float v = transmission[y, x]; if (IsPlausible(v)) { s += v; c++; } }
            col[x] = c > 0 ? s / c : double.NaN;
        }
        return col;
    }

    /// <summary>Transmissions above this are left out of the outline's column means (noise of a near-zero open beam). 1.5.</summary>
    public const float MaxPlausibleTransmission = 1.5f;

    /// <summary>A finite transmission of at most <see cref="MaxPlausibleTransmission"/> (a larger one is a division by an open beam − dark near zero).</summary>
    internal static bool IsPlausible(float transmission) => float.IsFinite(transmission) && transmission <= MaxPlausibleTransmission;

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
        int dark = LineProfile.Darkest(profile, Math.Max(1, w / 40));
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
    /// Default ROI II (cell edge): the columns just outside the core's right edge, whose rays cross the PTFE and the gap the bulge
    /// leaves, but no SS or Li foil (paper Fig. 2A, box II: "without the interruption of SS"): 75 µm of columns (three 25 µm
    /// pixels; twelve of the paper camera's 6.5 µm pixels), three when the pixel size is unknown.
    /// </summary>
    /// <param name="height">Rows.</param>
    /// <param name="pixelSizeUm">Pixel size, µm (NaN: three columns).</param>
    public PixelRegion RegionII(int height, double pixelSizeUm = double.NaN)
    {
        int n = double.IsFinite(pixelSizeUm) && pixelSizeUm > 0 ? Math.Max(3, (int)Math.Round(RegionIIWidthUm / pixelSizeUm)) : 3;
        int x0 = (int)Math.Ceiling(RightEdgeX + 0.5);
        return new(x0, 0, x0 + n - 1, height - 1);
    }

    /// <summary>Width of the default ROI II, µm: inside the ≈ 120 µm gap the pressing bulge leaves (docs/radiography.md).</summary>
    public const double RegionIIWidthUm = 75;
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
/// A radial-zone kymograph: the core width (between the detected core edges) cut into <see cref="Zones"/> equal column
/// groups, and per bin and row the mean transmission of each zone, from the bins' per-pixel means when the binning kept them
/// (<see cref="BinnedFrame.MeanPixels"/>), else from the medians. It keeps the lateral information the ROI I kymograph averages
/// away (chord length and transmission vary across the core), so that a band's amplitude can be estimated by a matched filter
/// over its rows and the whole core width (<see cref="BandDetection.MatchedSignal"/>) and its Li volume by integrating across
/// the core (<see cref="LiQuantification"/>). Memory: Zones × Height floats per bin.
/// </summary>
public sealed class ZoneKymograph
{
    /// <param name="height">Rows.</param>
    /// <param name="x0">First column of each zone.</param>
    /// <param name="x1">Last column of each zone (inclusive).</param>
    /// <param name="axisX">Cell axis column (px).</param>
    /// <param name="radiusPx">Core radius (px).</param>
    public ZoneKymograph(int height, int[] x0, int[] x1, double axisX, double radiusPx)
    {
        Height = height; X0 = x0; X1 = x1; AxisX = axisX; RadiusPx = radiusPx;
        Reference = new float[height * x0.Length];
        Counts = new int[height * x0.Length];
    }

    public int Height { get; }
    public int Zones => X0.Length;
    public int[] X0 { get; }
    public int[] X1 { get; }
    public double AxisX { get; }
    public double RadiusPx { get; }
    /// <summary>True when the zone means come from per-pixel bin means (linear in the counts), false when from bin medians.</summary>
    public bool FromMeans { get; internal set; }
    /// <summary>Tr₀ zone means, [row · Zones + zone].</summary>
    public float[] Reference { get; }
    /// <summary>Pixels (finite in Tr₀) behind each zone mean, [row · Zones + zone].</summary>
    public int[] Counts { get; }
    /// <summary>Per bin: zone means of Tr_t, [row · Zones + zone] (pixels NaN in Tr₀ or Tr_t ignored).</summary>
    public List<float[]> Bins { get; } = [];

    /// <summary>Zones of equal width spanning the core from <paramref name="leftEdgeX"/> to <paramref name="rightEdgeX"/> (one pixel in from each edge).</summary>
    public static ZoneKymograph ForCore(int width, int height, double axisX, double leftEdgeX, double rightEdgeX, int zones = 16)
    {
        int a = Math.Clamp((int)Math.Ceiling(leftEdgeX + 1), 0, width - 1), b = Math.Clamp((int)Math.Floor(rightEdgeX - 1), a, width - 1);
        int n = Math.Clamp(zones, 1, b - a + 1);
        var x0 = new int[n]; var x1 = new int[n];
        for (int z = 0; z < n; z++) { x0[z] = a + (int)((long)(b - a + 1) * z / n); x1[z] = a + (int)((long)(b - a + 1) * (z + 1) / n) - 1; }
        return new ZoneKymograph(height, x0, x1, axisX, (rightEdgeX - leftEdgeX) / 2);
    }

    internal void SetReference(float[] tr0, int width)
    {
        int nz = Zones;
        for (int y = 0; y < Height; y++)
            for (int z = 0; z < nz; z++)
            {
                double s = 0; int c = 0;
                // a pixel takes part only with a plausible Tr₀ (CellOutline.IsPlausible): one divided by an open beam − dark near zero
                // (a few counts per pixel at the paper camera) would dominate its zone's sums with the noise of its own few counts
                for (int x = X0[z]; x <= X1[z]; x++) { float v = tr0[y * width + x]; if (CellOutline.IsPlausible(v)) { s += v; c++; } }
                Reference[y * nz + z] = c > 0 ? (float)(s / c) : float.NaN;
                Counts[y * nz + z] = c;
            }
    }

    internal void Add(float[] tr, float[] tr0, int width)
    {
        int nz = Zones;
        var m = new float[Height * nz];
        for (int y = 0; y < Height; y++)
            for (int z = 0; z < nz; z++)
            {
                // mean of Tr_t over the pixels finite in both, rescaled by Tr₀'s mean over the same pixels, so that a pixel
                // missing in one bin does not shift the zone mean
                double st = 0, sr = 0; int c = 0;
                for (int x = X0[z]; x <= X1[z]; x++)
                {
                    int i = y * width + x;
                    float v = tr[i], q = tr0[i];
                    if (!float.IsFinite(v) || !CellOutline.IsPlausible(q)) continue;
                    st += v; sr += q; c++;
                }
                m[y * nz + z] = c > 0 && sr != 0 ? (float)(st / sr * Reference[y * nz + z]) : float.NaN;
            }
        Bins.Add(m);
    }
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
    float[]? _ref, _refMean;
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
    /// <summary>Tr₀ from the reference bins' per-pixel means (null when the binning kept no means).</summary>
    public Image2D<float>? ReferenceMean => _refMean is null ? null : new Image2D<float>(_w, _h, _refMean);
    /// <summary>
    /// The Tr₀ that the geometry (cell outline, layer boundaries, default ROIs, interface tracking, radial unmixing) is measured
    /// on: <see cref="ReferenceMean"/> where the pixel oversamples the detector resolution and means were kept, else
    /// <see cref="Reference"/>. At the paper camera a 6.5 µm pixel behind the SE or the Li receives 0.1–0.4 detected neutrons per
    /// frame, so the per-pixel median of 30 frames is 0 counts (the read-noise floor) whatever the transmission, and the
    /// median Tr₀ shows no Li|SE edge at all; the mean stays linear in the counts.
    /// </summary>
    public Image2D<float>? GeometryReference => GeometryFromMeans ? ReferenceMean : Reference;
    /// <summary>Whether <see cref="GeometryReference"/> is the mean Tr₀ (see there).</summary>
    public bool GeometryFromMeans => _refMean is not null && BandDetection.Oversampled(PixelSizeUm, DetectorResolutionUm);
    /// <summary>Detector resolution (FWHM), µm: with pixels at most half of it the geometry is measured on the means. Default 25 (paper).</summary>
    public double DetectorResolutionUm { get; init; } = 25;
    public int ReferenceBins => _refBins;
    public CellOutline? Outline { get; private set; }
    /// <summary>The core outline on the anode side (rows above Li|SE), from which the default ROI II is placed.</summary>
    public CellOutline? AnodeOutline { get; private set; }
    public IReadOnlyList<PixelRegion> Regions => _rois ?? [];
    public List<double> TimesS { get; } = [];
    public List<double> CurrentsA { get; } = [];
    /// <summary>Per ROI, per bin: the ROI row means of Tr_t/Tr_0 (length Height).</summary>
    public List<List<double[]>> RatioRows { get; } = [];
    /// <summary>
    /// Per ROI, per bin: the same ratio as <see cref="RatioRows"/> from the bins' per-pixel means (empty when the binning kept no
    /// means). Linear in the counts where a low-count median is not (the paper camera behind the Li: see
    /// <see cref="BandDetectionOptions.FindOnMeansWhenOversampled"/>).
    /// </summary>
    public List<List<double[]>> MeanRatioRows { get; } = [];
    /// <summary>Per ROI, per bin: the ROI row means of Tr_t (for interface tracking).</summary>
    public List<List<double[]>> TransmissionRows { get; } = [];
    /// <summary>Radial-zone kymograph of the core (null until Tr₀ is formed, or when no core outline is known).</summary>
    public ZoneKymograph? Zones { get; private set; }
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
        if (_pending.All(b => b.MeanPixels is not null))
        {
            _refMean = new float[(long)_w * _h];
            StackMedian.Mean(_pending.Select(b => b.MeanPixels!).ToArray(), _refMean, _w, _h);
        }
        // the geometry on the mean Tr₀ where low-count medians carry no edges (see GeometryReference)
        var refImg = new Image2D<float>(_w, _h, GeometryFromMeans ? _refMean! : _ref);
        if (_rois is null)
        {
            Outline = CellOutline.Detect(refImg);
            // ROI II must look through the gap the bulge leaves beside the Li foil and the anode rod: take the core edge from the
            // rows on the anode side of the Li|SE interface (the pellet fills the bulged bore and would put the edge outside the gap)
            AnodeOutline = Outline;
            try
            {
                var lb = LineProfile.DetectBoundaries(OperandoPipeline.RowProfile(refImg, Outline.RegionI(_h)), PixelSizeUm);
                bool anodeOnTop = lb.SsLi < lb.LiSe;
                int y0 = anodeOnTop ? 0 : (int)Math.Ceiling(lb.LiSe) + 1, y1 = anodeOnTop ? (int)Math.Floor(lb.LiSe) - 1 : _h - 1;
                if (y1 - y0 >= 4) AnodeOutline = CellOutline.DetectNear(refImg, y0, y1, Outline);
            }
            catch (InputException) { } // not a layered cell profile: keep the whole-frame outline
            _rois = [Outline.RegionI(_h), AnodeOutline.RegionII(_h, PixelSizeUm)];
            foreach (var r in _rois) r.RequireInside(_w, _h, "derived ROI");
        }
        // zone kymograph over the core: from the detected outline, or (given ROIs) from an outline detected on Tr₀ when there is one
        var core = Outline;
        if (core is null) { try { core = CellOutline.Detect(refImg); } catch (InputException) { } }
        if (core is not null && core.RightEdgeX - core.LeftEdgeX >= 8)
        {
            Zones = ZoneKymograph.ForCore(_w, _h, core.AxisX, core.LeftEdgeX, core.RightEdgeX);
            if (_refMean is not null) Zones.FromMeans = true;
            Zones.SetReference(_refMean ?? _ref, _w);
        }
        for (int i = 0; i < _rois.Count; i++) { RatioRows.Add([]); TransmissionRows.Add([]); if (_refMean is not null) MeanRatioRows.Add([]); }
        var pend = _pending.ToList();
        _pending.Clear();
        foreach (var b in pend) Process(b);
    }

    void StackMedianMean(List<BinnedFrame> bins, float[] dst) => StackMedian.Mean(bins.Select(b => b.Pixels).ToArray(), dst, _w, _h);

    /// <summary>
    /// Per row of ROI <paramref name="r"/>: Σ_x Tr_t / Σ_x Tr₀ (a ratio of row means: per-pixel ratios of low-count medians are
    /// heavy-tailed, Tr₀ near 0 behind the Li) and, when asked, the row mean of Tr_t, over the pixels finite in both; NaN
    /// outside the ROI's rows.
    /// </summary>
    void RoiRows(float[] tr, float[] tr0, PixelRegion r, double[] ratio, double[]? mean)
    {
        Array.Fill(ratio, double.NaN);
        if (mean is not null) Array.Fill(mean, double.NaN);
        for (int y = r.Y0; y <= r.Y1; y++)
        {
            double st = 0, sr = 0; int ct = 0;
            for (int x = r.X0; x <= r.X1; x++)
            {
                int i = y * _w + x;
                float v = tr[i], q = tr0[i];
                if (float.IsNaN(v) || float.IsNaN(q)) continue;
                st += v; sr += q; ct++;
            }
            if (mean is not null) mean[y] = ct > 0 ? st / ct : double.NaN;
            ratio[y] = ct > 0 && sr != 0 ? st / sr : double.NaN;
        }
    }

    void Process(BinnedFrame bin)
    {
        var rf = _ref!;
        TimesS.Add(bin.TimeS); CurrentsA.Add(bin.CurrentA);
        for (int k = 0; k < _rois!.Count; k++)
        {
            var r = _rois[k];
            var ratio = new double[_h]; var tr = new double[_h];
            bool trFromMeans = GeometryFromMeans && bin.MeanPixels is not null;
            RoiRows(bin.Pixels, rf, r, ratio, trFromMeans ? null : tr);
            RatioRows[k].Add(ratio); TransmissionRows[k].Add(tr);
            if (_refMean is not null && bin.MeanPixels is { } mp && k < MeanRatioRows.Count)
            {
                var mr = new double[_h];
                // the transmission rows that track the interfaces come from the means where the geometry does
                RoiRows(mp, _refMean, r, mr, trFromMeans ? tr : null);
                MeanRatioRows[k].Add(mr);
            }
        }
        if (Zones is not null)
        {
            // a bin without means in a series whose reference had them would mix estimators: use the medians for both then
            if (Zones.FromMeans && bin.MeanPixels is null) throw new InputException("binned series", $"bin {bin.Index} has no per-pixel mean while the reference bins had");
            Zones.Add(Zones.FromMeans ? bin.MeanPixels! : bin.Pixels, _refMean ?? rf, _w);
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
    /// <param name="roi">ROI index (0 = I, 1 = II).</param>
    /// <param name="fromMeans">From <see cref="MeanRatioRows"/> (the bins' per-pixel means) instead of the medians.</param>
    public Image2D<float> KymographImage(int roi, bool fromMeans = false)
    {
        var rows = fromMeans ? MeanRatioRows[roi] : RatioRows[roi];
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
        return FromSeries(band.Name, t, li, currentStartS, splitS, boreAreaCm2);
    }

    /// <summary>
    /// The Li series relative to the rest before the current: the mean of its finite values at times before
    /// <paramref name="currentStartS"/> is subtracted (unchanged when there are none). The change is zero there by definition,
    /// and the subtraction removes the noise bias of the log of a bin mean, E[−ln X̄] ≈ −ln μ + σ²/(2μ²): every bin, rest or
    /// charge, has the same σ, so the bias is a constant offset (at 3 frames per bin on the paper camera 0.4–0.8 µm, enough to
    /// move a least-squares fit over the charge by 15–30 %; docs/radiography.md).
    /// </summary>
    public static double[] RelativeToRest(double[] timesS, double[] series, double currentStartS)
    {
        double s = 0; int c = 0;
        for (int i = 0; i < series.Length; i++) if (timesS[i] < currentStartS && double.IsFinite(series[i])) { s += series[i]; c++; }
        if (c == 0) return series;
        double m = s / c;
        var o = new double[series.Length];
        for (int i = 0; i < o.Length; i++) o[i] = series[i] - m;
        return o;
    }

    /// <summary>
    /// A band's quantification from its Li series (relative to the rest, <see cref="RelativeToRest"/>): the slopes before and after <paramref name="splitS"/> (least squares from
    /// <paramref name="currentStartS"/>) and the Faradaic currents they are equivalent to over the bore (dense Li).
    /// </summary>
    public static BandQuantification FromSeries(string name, double[] timesS, double[] liUm, double currentStartS, double splitS, double boreAreaCm2)
    {
        liUm = RelativeToRest(timesS, liUm, currentStartS);
        double sb = Slope(timesS, liUm, currentStartS, splitS), sa = Slope(timesS, liUm, splitS, double.PositiveInfinity);
        double umPerHToA(double umPerH) => Math.Abs(umPerH) * 1e-4 * boreAreaCm2 / Faraday.LiMolarVolumeCm3PerMol * Faraday.ConstantCPerMol / 3600;
        return new BandQuantification(name, timesS, liUm, sb, sa, umPerHToA(sb), umPerHToA(sa));
    }

    /// <summary>
    /// Li thickness change of a band from the zone kymograph (<see cref="ZoneKymograph"/>, per-pixel bin means): a
    /// blur-conserving, geometry-aware Beer–Lambert estimator.
    /// <list type="bullet">
    /// <item>In each core zone z and row y of the band (± <paramref name="pad"/> rows, so that the blur tails are inside), the Li
    /// path change is Δℓ = −ln(Tr_t/Tr₀)/Σ_eff. Blur moves transmission between rows but conserves its sum, so the sum over
    /// the band's rows is blur-free to first order (the band may be thinner than the 25 µm resolution).</item>
    /// <item>Σ_eff is the Li attenuation for the spectrum that actually reaches the detector behind that cell: the beam is
    /// hardened by the cell, so Σ_eff = Σ_s + Σ_abs(λ₀)·⟨(λ/λ₀)·e^(−Dλ/λ₀)⟩/⟨e^(−Dλ/λ₀)⟩ over the beam spectrum, with the
    /// absorption depth D at λ₀ that gives the measured Tr₀ (all of the cell's attenuation counted as 1/v absorption: along a
    /// core ray scattering, mostly the PTFE wall, is ≈ 10 % of it, so D is slightly overestimated).</item>
    /// <item>Σ_y Δℓ·pixel divided by the chord 2√(R² − u²) of the band's disc (radius R from the core edges in the band's rows
    /// of Tr₀) at the zone's column is the dense-Li thickness change over that disc; zones within <paramref name="maxRelU"/>·R
    /// of the axis are combined with inverse-variance weights ∝ chord²·Tr₀·pixels, and the result is scaled by
    /// (R/R_bore)² to a thickness over the bore, as Faraday's law gives it.</item>
    /// </list>
    /// </summary>
    /// <param name="k">Kymograph builder with a zone kymograph.</param>
    /// <param name="band">The band (ROI I).</param>
    /// <param name="pixelSizeUm">Pixel size, µm.</param>
    /// <param name="spectrum">Beam spectrum.</param>
    /// <param name="li">Li metal cross sections.</param>
    /// <param name="boreRadiusUm">Bore radius, µm (the area Faraday's law spreads the Li over).</param>
    /// <param name="currentStartS">Time the current starts, s.</param>
    /// <param name="splitS">Time that separates the two slopes, s.</param>
    /// <param name="boreAreaCm2">Bore area, cm² (for the equivalent currents).</param>
    /// <param name="pad">Rows added on each side of the band. Default 3.</param>
    /// <param name="maxRelU">Zones whose centre is within this fraction of R from the axis are used. Default 0.85.</param>
    /// <param name="others">The other detected bands: the padding stops at their rows (null: none).</param>
    /// <returns>The quantification, or null when the builder has no zone kymograph.</returns>
    public static BandQuantification? QuantifyZones(KymographBuilder k, DetectedBand band, double pixelSizeUm, Synthetic.NeutronSpectrum spectrum, Synthetic.NeutronMaterial li,
        double boreRadiusUm, double currentStartS, double splitS, double boreAreaCm2, int pad = 3, double maxRelU = 0.85, IReadOnlyList<DetectedBand>? others = null)
    {
        var z = k.Zones;
        if (z is null || k.GeometryReference is null || z.Bins.Count != k.TimesS.Count) return null;
        InputException.Require(pixelSizeUm > 0 && boreRadiusUm > 0, "quantify", "pixel size and bore radius must be positive");
        // the padding stops at another band's rows (e.g. P2's at the crept Li of P4 in the gap, whose rays cross the core too)
        var (y0, y1) = BandDetection.PaddedRows(band.FirstRow, band.LastRow, pad, (others ?? []).Where(o => o != band).Select(o => (o.FirstRow, o.LastRow)));
        y0 = Math.Max(0, y0); y1 = Math.Min(k.Height - 1, y1);
        int nz = z.Zones;
        double axis = z.AxisX, radius = z.RadiusPx;
        // the band's own core edges, searched near the whole-frame outline's (a free search in a few dark rows can take noise for an edge)
        try { var o = CellOutline.DetectNear(k.GeometryReference, y0, y1, new CellOutline(axis, radius, axis - radius, axis + radius)); axis = o.AxisX; radius = o.RadiusPx; } catch (InputException) { }
        // zones and their chords (µm, mean over the zone's columns) and weights
        var zoneChord = new double[nz]; var use = new bool[nz];
        for (int q = 0; q < nz; q++)
        {
            double c = 0; int m = 0;
            for (int x = z.X0[q]; x <= z.X1[q]; x++) { double u = x - axis; if (Math.Abs(u) < radius) c += 2 * Math.Sqrt(radius * radius - u * u) * pixelSizeUm; m++; }
            zoneChord[q] = m > 0 ? c / m : 0;
            use[q] = Math.Abs(0.5 * (z.X0[q] + z.X1[q]) - axis) <= maxRelU * radius && zoneChord[q] > 0;
        }
        var sigma = new double[(y1 - y0 + 1) * nz];
        var weight = new double[nz];
        for (int y = y0; y <= y1; y++)
            for (int q = 0; q < nz; q++)
            {
                double r = z.Reference[y * nz + q];
                sigma[(y - y0) * nz + q] = r > 0 ? EffectiveAttenuationPerCm(spectrum, li, r) : double.NaN;
                if (use[q] && r > 0) weight[q] += zoneChord[q] * zoneChord[q] * r * z.Counts[y * nz + q];
            }
        var t = k.TimesS.ToArray();
        var liUm = new double[t.Length];
        for (int b = 0; b < t.Length; b++)
        {
            double num = 0, den = 0;
            for (int q = 0; q < nz; q++)
            {
                if (!use[q] || !(weight[q] > 0)) continue;
                double path = 0; bool ok = true;
                for (int y = y0; y <= y1 && ok; y++)
                {
                    double v = -Math.Log(z.Bins[b][y * nz + q] / z.Reference[y * nz + q]) / sigma[(y - y0) * nz + q];
                    if (double.IsFinite(v)) path += v; else ok = false;
                }
                if (!ok) continue;
                num += weight[q] * path * 1e4 * pixelSizeUm / zoneChord[q]; den += weight[q];
            }
            double rb = boreRadiusUm / pixelSizeUm;
            liUm[b] = den > 0 ? num / den * (radius * radius) / (rb * rb) : double.NaN;
        }
        return FromSeries(band.Name, t, liUm, currentStartS, splitS, boreAreaCm2);
    }

    /// <summary>
    /// Effective attenuation (cm⁻¹) of a thin layer of <paramref name="material"/> behind a cell of transmission
    /// <paramref name="transmission"/>: d(−ln T)/dℓ for the hardened spectrum, Σ_s + Σ_abs(λ₀)·⟨(λ/λ₀)e^(−Dλ/λ₀)⟩/⟨e^(−Dλ/λ₀)⟩,
    /// with D (absorption depth at λ₀) such that the spectrum-averaged e^(−Dλ/λ₀) equals the transmission.
    /// </summary>
    public static double EffectiveAttenuationPerCm(Synthetic.NeutronSpectrum spectrum, Synthetic.NeutronMaterial material, double transmission)
    {
        var l = spectrum.WavelengthA; var w = spectrum.Weight;
        double l0 = Synthetic.NeutronCrossSections.ReferenceWavelengthA;
        double Tr(double d) { double s = 0; for (int i = 0; i < l.Count; i++) s += w[i] * Math.Exp(-d * l[i] / l0); return s; }
        double target = Math.Clamp(transmission, 1e-6, 1);
        double lo = 0, hi = 1;
        while (Tr(hi) > target && hi < 1e3) hi *= 2;
        for (int it = 0; it < 60; it++) { double mid = 0.5 * (lo + hi); if (Tr(mid) > target) lo = mid; else hi = mid; }
        double dd = 0.5 * (lo + hi), num = 0, den = 0;
        for (int i = 0; i < l.Count; i++) { double e = w[i] * Math.Exp(-dd * l[i] / l0); num += e * l[i] / l0; den += e; }
        return material.ScatteringPerCm + material.AbsorptionRefPerCm * num / den;
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
