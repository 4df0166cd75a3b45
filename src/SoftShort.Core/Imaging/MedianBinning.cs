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
public sealed record BinnedFrame(int Index, double TimeS, int Frames, bool Partial, double CurrentA, float[] Pixels);

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
    public static IEnumerable<BinnedFrame> Bin(IEnumerable<TimedFrame> frames, int width, int height, int n, bool dropPartial = false, Action<float[]>? recycle = null)
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
                var b = Combine(group, index++, width, height, partial: false);
                if (recycle is not null) foreach (var g in group) recycle(g.Pixels);
                group.Clear();
                yield return b;
            }
        }
        if (group.Count > 0 && !dropPartial)
        {
            var b = Combine(group, index, width, height, partial: group.Count < n);
            if (recycle is not null) foreach (var g in group) recycle(g.Pixels);
            yield return b;
        }
    }

    static BinnedFrame Combine(List<TimedFrame> group, int index, int width, int height, bool partial)
    {
        var dst = new float[(long)width * height];
        StackMedian.Median(group.Select(g => g.Pixels).ToArray(), dst, width, height);
        double t = group.Average(g => g.TimeS);
        double c = group.Any(g => double.IsNaN(g.CurrentA)) ? double.NaN : group.Average(g => g.CurrentA);
        return new BinnedFrame(index, t, group.Count, partial, c, dst);
    }
}
