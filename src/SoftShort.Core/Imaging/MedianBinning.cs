namespace SoftShort.Imaging;

/// <summary>A frame with its acquisition time (s) and, optionally, the cell current during it (A; NaN when unknown).</summary>
public sealed record TimedFrame(double TimeS, float[] Pixels, double CurrentA = double.NaN);

/// <summary>One bin of a median-binned series.</summary>
/// <param name="Index">Bin index.</param>
/// <param name="TimeS">Mean acquisition time of its frames, s.</param>
/// <param name="Frames">Frames combined.</param>
/// <param name="Partial">True for a trailing bin with fewer than N frames.</param>
/// <param name="CurrentA">Mean current of its frames, A (NaN when unknown).</param>
/// <param name="Pixels">Per-pixel median (row-major).</param>
public sealed record BinnedFrame(int Index, double TimeS, int Frames, bool Partial, double CurrentA, float[] Pixels)
{
    /// <summary>
    /// Per-pixel mean of the same frames (NaN ignored; NaN where every frame is NaN), when the binning was asked to keep it
    /// (<see cref="MedianBinning.Bin"/> with keepMean); null otherwise. The median resists outliers (gamma spots the filter
    /// missed) but is a biased, less efficient estimator of a low-count Poisson mean (variance ≈ π/2 × the mean's for Gaussian
    /// noise, and its expectation is not proportional to the mean at a few counts per pixel); the mean of gamma-filtered
    /// frames is linear in the counts, which the onset fits and the Li quantification need.
    /// </summary>
    public float[]? MeanPixels { get; init; }
}

/// <summary>
/// Streaming median binning (paper, Experimental section: "every 30 images are averaged through a median method", 5 min
/// per image): every N consecutive frames become one frame by a per-pixel median (NaN ignored; even N → mean of the two
/// middle values). Memory holds one group of N frames whatever the stack length; the median runs on all cores.
/// </summary>
public static class MedianBinning
{
    /// <summary>Bins <paramref name="frames"/> (in acquisition order) in groups of <paramref name="n"/>.</summary>
    /// <param name="frames">Frames, all <paramref name="width"/>×<paramref name="height"/>.</param>
    /// <param name="width">Frame width, px.</param>
    /// <param name="height">Frame height, px.</param>
    /// <param name="n">Frames per bin (paper: 30 = 5 min at 10 s per frame).</param>
    /// <param name="dropPartial">Drop a trailing group shorter than n (default: keep it as a shorter bin flagged Partial).</param>
    /// <param name="recycle">Called with each input frame's pixel buffer once its bin is computed (e.g. <see cref="FrameBufferPool.Return"/>); null = let the GC have them.</param>
    /// <param name="keepMean">Also compute each bin's per-pixel mean (<see cref="BinnedFrame.MeanPixels"/>). Default false.</param>
    public static IEnumerable<BinnedFrame> Bin(IEnumerable<TimedFrame> frames, int width, int height, int n, bool dropPartial = false, Action<float[]>? recycle = null, bool keepMean = false)
    {
        InputException.Require(n >= 1, "-n", $"must be ≥ 1, got {n}");
        long size = (long)width * height;
        var group = new List<TimedFrame>(n);
        int index = 0;
        foreach (var f in frames)
        {
            if (f.Pixels.Length != size) throw new InputException("frames", $"frame at t = {f.TimeS} s holds {f.Pixels.Length} pixels, {width}×{height} expected");
            group.Add(f);
            if (group.Count == n)
            {
                var b = Combine(group, index++, width, height, partial: false, keepMean);
                if (recycle is not null) foreach (var g in group) recycle(g.Pixels);
                group.Clear();
                yield return b;
            }
        }
        if (group.Count > 0 && !dropPartial)
        {
            var b = Combine(group, index, width, height, partial: group.Count < n, keepMean);
            if (recycle is not null) foreach (var g in group) recycle(g.Pixels);
            yield return b;
        }
    }

    static BinnedFrame Combine(List<TimedFrame> group, int index, int width, int height, bool partial, bool keepMean)
    {
        var dst = new float[(long)width * height];
        var stack = group.Select(g => g.Pixels).ToArray();
        StackMedian.Median(stack, dst, width, height);
        double t = group.Average(g => g.TimeS);
        double c = group.Any(g => double.IsNaN(g.CurrentA)) ? double.NaN : group.Average(g => g.CurrentA);
        return new BinnedFrame(index, t, group.Count, partial, c, dst) { MeanPixels = keepMean ? NanMean(stack, dst.LongLength) : null };
    }

    /// <summary>Per-pixel mean of the frames, NaN ignored (NaN where every frame is NaN); rows in parallel.</summary>
    static float[] NanMean(float[][] stack, long size)
    {
        var mean = new float[size];
        const int chunk = 4096;
        int chunks = (int)((size + chunk - 1) / chunk);
        Parallel.For(0, chunks, ci =>
        {
            long a = (long)ci * chunk, b = Math.Min(size, a + chunk);
            Span<double> sum = stackalloc double[chunk];
            Span<int> cnt = stackalloc int[chunk];
            int len = (int)(b - a);
            sum[..len].Clear(); cnt[..len].Clear();
            foreach (var f in stack)
                for (int j = 0; j < len; j++) { float v = f[a + j]; if (!float.IsNaN(v)) { sum[j] += v; cnt[j]++; } }
            for (int j = 0; j < len; j++) mean[a + j] = cnt[j] > 0 ? (float)(sum[j] / cnt[j]) : float.NaN;
        });
        return mean;
    }
}
