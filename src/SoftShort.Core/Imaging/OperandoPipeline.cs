using SoftShort.Synthetic;

namespace SoftShort.Imaging;

/// <summary>Options of <see cref="OperandoPipeline"/>.</summary>
public sealed record OperandoPipelineOptions
{
    public GammaFilterOptions Gamma { get; init; } = new();
    public NormalizationOptions Normalization { get; init; } = new();
    /// <summary>Frames per median bin (paper: 30).</summary>
    public int BinSize { get; init; } = 30;
    public bool DropPartialBin { get; init; }
    public ReferenceMode Reference { get; init; } = ReferenceMode.BeforeCurrent;
    /// <summary>ROIs I, II; null = from the detected cell outline.</summary>
    public IReadOnlyList<PixelRegion>? Regions { get; init; }
    /// <summary>Times (s) of the ratio maps kept for figures.</summary>
    public IReadOnlyList<double> SnapshotTimesS { get; init; } = [];
    /// <summary>Pixel size, µm.</summary>
    public double PixelSizeUm { get; init; } = double.NaN;
    public BandDetectionOptions Bands { get; init; } = new();
    /// <summary>
    /// Keep each bin's per-pixel mean beside its median (<see cref="BinnedFrame.MeanPixels"/>) for the zone kymograph: the band
    /// onsets (matched filter) and the Li quantification then use a linear, unbiased estimator of the counts. Default true.
    /// </summary>
    public bool KeepBinMeans { get; init; } = true;
}

/// <summary>What a pipeline run found.</summary>
public sealed class OperandoPipelineResult
{
    public required KymographBuilder Kymographs { get; init; }
    public required LayerBoundaries Boundaries { get; init; }
    public required IReadOnlyList<DetectedBand> Bands { get; init; }
    /// <summary>The four interfaces (rows) per bin, from the ROI I transmission profile of each bin.</summary>
    public required IReadOnlyList<LayerBoundaries> BoundariesOverTime { get; init; }
    public long Frames { get; init; }
    public int Bins { get; init; }
    public long GammaPixels { get; init; }
    public long InvalidPixels { get; init; }
    public bool LastBinPartial { get; init; }
}

/// <summary>
/// The paper's operando chain on a stream of raw frames (Experimental section): gamma filter → normalisation (Eq. 1) →
/// 30-frame median binning → Tr_t/Tr_0 ratio maps and kymographs → layer boundaries and bands P1–P4. Streams: memory is
/// bounded by one bin group plus the reference, whatever the number of frames (the paper-size 7200-frame run included).
/// The next frames are produced on a second thread (bounded prefetch) while the current ones are filtered, normalised and binned.
/// </summary>
public static class OperandoPipeline
{
    /// <param name="rawFrames">Raw sample frames in time order (counts as float).</param>
    /// <param name="normalizer">Normaliser built from the combined OB and DF.</param>
    /// <param name="options">Options.</param>
    /// <param name="onBin">Called for every bin (e.g. to write it); may be null.</param>
    /// <param name="progress">Progress, with <paramref name="expectedFrames"/> for the fraction.</param>
    /// <param name="expectedFrames">Frames expected (for progress only).</param>
    /// <param name="cancel">Cancellation.</param>
    public static OperandoPipelineResult Run(IEnumerable<TimedFrame> rawFrames, Normalizer normalizer, OperandoPipelineOptions options,
        Action<BinnedFrame>? onBin = null, IProgress<ProgressReport>? progress = null, long expectedFrames = 0, CancellationToken cancel = default)
    {
        int w = normalizer.Width, h = normalizer.Height;
        long frames = 0, gamma = 0, invalid = 0;
        IEnumerable<TimedFrame> Normalized()
        {
            // the next frames are produced (read, generated) on a second thread while this one filters, normalises and bins
            foreach (var f in FrameStreaming.Prefetch(rawFrames, depth: 2, cancel))
            {
                cancel.ThrowIfCancellationRequested();
                if (f.Pixels.Length != (long)w * h) throw new InputException("sample", $"frame at t = {f.TimeS} s holds {f.Pixels.Length} pixels, open beam is {w}×{h}");
                gamma += GammaFilter.Apply(f.Pixels, w, h, options.Gamma);
                var r = normalizer.Normalize(f.Pixels, f.Pixels);
                invalid += r.InvalidPixels;
                frames++;
                if (expectedFrames > 0 && frames % 50 == 0) progress?.Report(new ProgressReport("normalise + bin", (double)frames / expectedFrames));
                yield return f;
            }
        }
        var k = new KymographBuilder(w, h, options.Regions, options.Reference, options.SnapshotTimesS)
        {
            PixelSizeUm = options.PixelSizeUm, DetectorResolutionUm = options.Bands.DetectorResolutionUm, // one oversampling rule for geometry and bands
        };
        int bins = 0; bool partial = false;
        foreach (var b in MedianBinning.Bin(Normalized(), w, h, options.BinSize, options.DropPartialBin, keepMean: options.KeepBinMeans))
        {
            onBin?.Invoke(b);
            k.Add(b);
            bins++; partial = b.Partial;
        }
        k.Complete();
        progress?.Report(new ProgressReport("normalise + bin", 1));
        return Analyse(k, options, frames, bins, gamma, invalid, partial);
    }

    /// <summary>Layer boundaries, bands and interface tracking on a completed kymograph builder.</summary>
    public static OperandoPipelineResult Analyse(KymographBuilder k, OperandoPipelineOptions options, long frames = 0, int bins = 0, long gamma = 0, long invalid = 0, bool partial = false)
    {
        var refImg = k.GeometryReference ?? throw new InputException("binned series", "no reference");
        var roiI = k.Regions[0];
        var profile = RowProfile(refImg, roiI);
        var lb = LineProfile.DetectBoundaries(profile, options.PixelSizeUm);
        // one bin's profile may be too noisy to show all four interfaces (a few neutrons per pixel): NaN for that bin, not a failed run
        var over = k.TransmissionRows[0].Select(r =>
        {
            try { return LineProfile.DetectBoundaries(r, options.PixelSizeUm); }
            catch (InputException) { return new LayerBoundaries(double.NaN, double.NaN, double.NaN, double.NaN); }
        }).ToList();
        var bands = BandDetection.Detect(k, lb, options.Bands);
        return new OperandoPipelineResult
        {
            Kymographs = k, Boundaries = lb, Bands = bands, BoundariesOverTime = over,
            Frames = frames, Bins = bins == 0 ? k.TimesS.Count : bins, GammaPixels = gamma, InvalidPixels = invalid, LastBinPartial = partial,
        };
    }

    /// <summary>
    /// The profile along the cell axis: per row, the mean over the region's columns of the values within 5 robust σ
    /// (1.4826·MAD) of the row's median (NaN ignored). The clipping leaves Gaussian-like rows as they are, but drops the
    /// heavy tail of low-count pixels, (I − DF)/(OB − DF) with OB − DF of a few neutrons, which at the paper camera's
    /// 6.5-µm pixels can make one row's plain mean 6× its neighbours' and look like a layer edge.
    /// </summary>
    public static double[] RowProfile(Image2D<float> img, PixelRegion r)
    {
        var p = new double[img.Height];
        int width = r.X1 - r.X0 + 1;
        Parallel.For(0, img.Height, () => (new double[width], new double[width]), (y, _, buf) =>
        {
            var (vals, dev) = buf;
            int c = 0;
            for (int x = r.X0; x <= r.X1; x++) { float v = img[y, x]; if (float.IsFinite(v)) vals[c++] = v; }
            if (c == 0) { p[y] = double.NaN; return buf; }
            var row = vals.AsSpan(0, c);
            row.CopyTo(dev);
            double med = Statistics.MedianInPlace(dev.AsSpan(0, c));
            for (int i = 0; i < c; i++) dev[i] = Math.Abs(row[i] - med);
            double lim = 5 * 1.4826 * Statistics.MedianInPlace(dev.AsSpan(0, c));
            double s = 0; int n = 0;
            foreach (double v in row) if (!(Math.Abs(v - med) > lim)) { s += v; n++; }
            p[y] = n > 0 ? s / n : med;
            return buf;
        }, _ => { });
        return p;
    }

    /// <summary>
    /// Pipeline options for the synthetic experiment: gamma auto (uint16), ROI beam correction on 10-column strips at both
    /// frame edges (outside the tube), the pixel size, and ratio-map snapshots at 0, 2, 4.5, 8, 14 and 20 h of charge.
    /// </summary>
    public static OperandoPipelineOptions OptionsFor(OperandoRadiography g, int binSize = 30) => new()
    {
        BinSize = binSize,
        PixelSizeUm = g.Detector.PixelSizeUm,
        Gamma = new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = ushort.MaxValue },
        Normalization = new NormalizationOptions { BeamRegions = [new PixelRegion(0, 0, 9, g.Height - 1), new PixelRegion(g.Width - 10, 0, g.Width - 1, g.Height - 1)] },
        SnapshotTimesS = new[] { 0.0, 2, 4.5, 8, 14, 20 }.Select(h => g.Scenario.RestS + h * 3600 - (h == 0 ? g.Scenario.RestS : 0)).ToArray(),
    };

    /// <summary>Raw frames of the synthetic experiment as float frames with their time and current (streamed).</summary>
    public static IEnumerable<TimedFrame> FromGenerator(OperandoRadiography g, int stride = 1, int maxFrames = int.MaxValue) =>
        g.SampleFrames(stride, maxFrames).Select(f => new TimedFrame(f.TimeS, ToFloat(f.Pixels), g.CurrentAt(f.TimeS)));

    /// <summary>The combined OB (median) and DF (mean) of the synthetic experiment, gamma-filtered like the sample.</summary>
    public static Normalizer NormalizerFromGenerator(OperandoRadiography g, OperandoPipelineOptions options, out long gammaPixels)
    {
        long gp = 0;
        var ob = g.OpenBeamFrames().Select(f => { var im = new Image2D<float>(g.Width, g.Height, ToFloat(f.Pixels)); gp += GammaFilter.Apply(im, options.Gamma); return im; }).ToList();
        var df = g.DarkFieldFrames().Select(f => { var im = new Image2D<float>(g.Width, g.Height, ToFloat(f.Pixels)); gp += GammaFilter.Apply(im, options.Gamma); return im; }).ToList();
        gammaPixels = gp;
        return new Normalizer(Normalizer.Combine(ob, FrameCombine.Median, "--ob"), Normalizer.Combine(df, FrameCombine.Mean, "--df"), options.Normalization);
    }

    public static float[] ToFloat(ushort[] p)
    {
        var f = new float[p.Length];
        for (int i = 0; i < p.Length; i++) f[i] = p[i];
        return f;
    }
}
