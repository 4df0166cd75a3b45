using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SoftShort.Imaging;

/// <summary>
/// Per-pixel combination of a group of equally sized frames: median (NaN ignored; for an even count the mean of the two
/// middle values, as numpy.nanmedian) and mean (NaN ignored). Rows run in parallel; each worker uses one small scratch
/// buffer, so the kernel allocates nothing per pixel.
/// </summary>
public static class StackMedian
{
    /// <summary>
    /// Writes the per-pixel median over <paramref name="frames"/> into <paramref name="destination"/> (all Width·Height long).
    /// A pixel that is NaN in every frame stays NaN.
    /// </summary>
    public static void Median(IReadOnlyList<float[]> frames, float[] destination, int width, int height)
    {
        Check(frames, destination, width, height);
        int n = frames.Count;
        var arrays = frames as float[][] ?? frames.ToArray();
        long total = (long)width * height;
        if (Vector256.IsHardwareAccelerated && n <= MaxNetworkFrames)
        {
            // Pixels are the SIMD lanes: chunks of the flat image run in parallel, each chunk 8 pixels at a time through a
            // median-selection network; vectors holding a NaN fall back to the scalar kernel.
            var net = SelectionNetwork.ForMedian(n);
            long chunks = (total + ChunkPixels - 1) / ChunkPixels;
            Parallel.For(0L, chunks, () => new float[n], (c, _, buf) =>
            {
                int start = (int)(c * ChunkPixels), end = (int)Math.Min(total, start + (long)ChunkPixels);
                MedianChunkSimd(arrays, destination, start, end, net, buf);
                return buf;
            }, _ => { });
            return;
        }
        Parallel.For(0, height, () => new float[n], (y, _, buf) =>
        {
            int off = y * width;
            MedianScalar(arrays, destination, off, off + width, buf);
            return buf;
        }, _ => { });
    }

    /// <summary>Largest group that the SIMD network handles (its scratch lives on the stack); larger groups use the scalar kernel.</summary>
    public const int MaxNetworkFrames = 256;
    const int ChunkPixels = 16384;

    /// <summary>The reference kernel: per pixel, NaN dropped, quickselect (<see cref="MedianInPlace"/>).</summary>
    internal static void MedianScalar(float[][] frames, float[] destination, int start, int end, float[] buf)
    {
        int n = frames.Length;
        for (int i = start; i < end; i++)
        {
            int m = 0;
            for (int f = 0; f < n; f++)
            {
                float v = frames[f][i];
                if (!float.IsNaN(v)) buf[m++] = v;
            }
            destination[i] = MedianInPlace(buf.AsSpan(0, m));
        }
    }

    /// <summary>
    /// SIMD kernel on pixels [start, end): lanes are 8 neighbouring pixels; the N frame values of each lane run through
    /// <paramref name="net"/> (min/max compare-exchanges, branch-free, no gather). Exactly equal to <see cref="MedianScalar"/>:
    /// both pick the same order statistics, and even N averages them as 0.5f·(lo + hi).
    /// </summary>
    internal static void MedianChunkSimd(float[][] frames, float[] destination, int start, int end, SelectionNetwork net, float[] buf)
    {
        int n = frames.Length;
        Span<Vector256<float>> v = stackalloc Vector256<float>[n];
        ref Vector256<float> v0 = ref MemoryMarshal.GetReference(v);
        ref int pairs = ref MemoryMarshal.GetArrayDataReference(net.Pairs);
        int nc = net.Pairs.Length;
        int lo = net.Lo, hi = net.Hi;
        var half = Vector256.Create(0.5f);
        int p = start;
        for (; p + 8 <= end; p += 8)
        {
            var ok = Vector256<int>.AllBitsSet;
            for (int f = 0; f < n; f++)
            {
                var x = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(frames[f]), (nuint)p);
                Unsafe.Add(ref v0, f) = x;
                ok &= Vector256.Equals(x, x).AsInt32();
            }
            if (ok != Vector256<int>.AllBitsSet)
            {
                MedianScalar(frames, destination, p, p + 8, buf);
                continue;
            }
            for (int c = 0; c < nc; c += 2)
            {
                ref var a = ref Unsafe.Add(ref v0, Unsafe.Add(ref pairs, c));
                ref var b = ref Unsafe.Add(ref v0, Unsafe.Add(ref pairs, c + 1));
                var x = a; var y = b;
                a = Vector256.MinNative(x, y);
                b = Vector256.MaxNative(x, y);
            }
            var r = lo == hi ? Unsafe.Add(ref v0, lo) : (Unsafe.Add(ref v0, lo) + Unsafe.Add(ref v0, hi)) * half;
            r.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(destination), (nuint)p);
        }
        if (p < end) MedianScalar(frames, destination, p, end, buf);
    }

    /// <summary>Per-pixel mean over <paramref name="frames"/> (NaN ignored; all-NaN → NaN).</summary>
    public static void Mean(IReadOnlyList<float[]> frames, float[] destination, int width, int height)
    {
        Check(frames, destination, width, height);
        int n = frames.Count;
        Parallel.For(0, height, y =>
        {
            int off = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = off + x, m = 0;
                double s = 0;
                for (int f = 0; f < n; f++)
                {
                    float v = frames[f][i];
                    if (!float.IsNaN(v)) { s += v; m++; }
                }
                destination[i] = m == 0 ? float.NaN : (float)(s / m);
            }
        });
    }

    /// <summary>
    /// Median of the values in <paramref name="values"/> (reordered in place; must contain no NaN); NaN when empty.
    /// Even count: mean of the two middle values. Quickselect, O(n).
    /// </summary>
    public static float MedianInPlace(Span<float> values)
    {
        int m = values.Length;
        if (m == 0) return float.NaN;
        if (m == 1) return values[0];
        int k = m / 2;
        float hi = Select(values, k);
        if ((m & 1) == 1) return hi;
        // after Select, values[0..k) are ≤ values[k]: the lower middle is their maximum
        float lo = values[0];
        for (int j = 1; j < k; j++) if (values[j] > lo) lo = values[j];
        return 0.5f * (lo + hi);
    }

    /// <summary>Hoare quickselect: places the k-th smallest at index k, smaller ones before it; returns it.</summary>
    public static float Select(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (hi > lo)
        {
            if (hi - lo < 16)
            {
                for (int i = lo + 1; i <= hi; i++)
                {
                    float v = a[i]; int j = i - 1;
                    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
                    a[j + 1] = v;
                }
                return a[k];
            }
            int mid = lo + (hi - lo) / 2;
            // median of three as pivot
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            float pivot = a[mid];
            int l = lo, r = hi;
            while (l <= r)
            {
                while (a[l] < pivot) l++;
                while (a[r] > pivot) r--;
                if (l <= r) { (a[l], a[r]) = (a[r], a[l]); l++; r--; }
            }
            if (k <= r) hi = r;
            else if (k >= l) lo = l;
            else return a[k];
        }
        return a[k];
    }

    static void Check(IReadOnlyList<float[]> frames, float[] destination, int width, int height)
    {
        long n = (long)width * height;
        if (frames.Count == 0) throw new ArgumentException("no frames to combine", nameof(frames));
        if (destination.Length != n) throw new ArgumentException($"destination holds {destination.Length} pixels, {n} expected");
        for (int f = 0; f < frames.Count; f++)
            if (frames[f].Length != n) throw new ArgumentException($"frame {f} holds {frames[f].Length} pixels, {n} expected");
    }
}

/// <summary>
/// A comparator network that leaves the median order statistics of N values in place: Batcher's odd–even merge sort
/// (K. E. Batcher, "Sorting networks and their applications", AFIPS 1968) for N values — comparators that touch a position
/// ≥ N of the next power of two are no-ops (those positions hold +∞) and are left out — then pruned backwards to the
/// comparators that can move a value into position ⌊(N−1)/2⌋ or ⌊N/2⌋. Cached per N.
/// </summary>
public sealed class SelectionNetwork
{
    static readonly System.Collections.Concurrent.ConcurrentDictionary<int, SelectionNetwork> Cache = new();

    /// <summary>Comparator pairs (i, j), i &lt; j, flattened: after (i, j) position i holds the minimum, j the maximum.</summary>
    public int[] Pairs { get; }
    /// <summary>Number of inputs.</summary>
    public int Count { get; }
    /// <summary>Positions of the lower and upper middle after the network (equal for odd N).</summary>
    public int Lo { get; }
    public int Hi { get; }

    SelectionNetwork(int n, int[] pairs) { Count = n; Pairs = pairs; Lo = (n - 1) / 2; Hi = n / 2; }

    /// <summary>The network for the median of <paramref name="n"/> values (n ≥ 1).</summary>
    public static SelectionNetwork ForMedian(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n));
        return Cache.GetOrAdd(n, static k => new SelectionNetwork(k, Prune(BatcherSort(k), [(k - 1) / 2, k / 2])));
    }

    /// <summary>Batcher's odd–even merge sort comparators for n inputs (positions ≥ n of the padded network dropped).</summary>
    public static List<(int I, int J)> BatcherSort(int n)
    {
        var list = new List<(int, int)>();
        int size = 1;
        while (size < n) size <<= 1;
        for (int p = 1; p < size; p <<= 1)
            for (int k = p; k >= 1; k >>= 1)
                for (int j = k % p; j + k < size; j += 2 * k)
                    for (int i = 0; i < k && i + j + k < size; i++)
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < n)
                            list.Add((i + j, i + j + k));
        return list;
    }

    /// <summary>Keeps the comparators that can influence the values at <paramref name="outputs"/> (backward dependence).</summary>
    static int[] Prune(List<(int I, int J)> net, int[] outputs)
    {
        int n = outputs.Max() + 1;
        foreach (var (i, j) in net) n = Math.Max(n, j + 1);
        var need = new bool[n];
        foreach (int o in outputs) need[o] = true;
        var kept = new List<(int, int)>();
        for (int c = net.Count - 1; c >= 0; c--)
        {
            var (i, j) = net[c];
            if (!need[i] && !need[j]) continue;
            need[i] = need[j] = true;
            kept.Add((i, j));
        }
        kept.Reverse();
        return kept.SelectMany(c => new[] { c.Item1, c.Item2 }).ToArray();
    }
}
