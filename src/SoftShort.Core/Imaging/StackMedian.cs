using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Reflection;
using System.Runtime.Intrinsics;
using E = System.Linq.Expressions.Expression;

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
    public const int MaxNetworkFrames = 128;
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
    /// SIMD kernel on pixels [start, end): lanes are 8 (16 with AVX-512) neighbouring pixels; the N frame values of each lane run through
    /// <paramref name="net"/> (min/max compare-exchanges, branch-free, no gather). Exactly equal to <see cref="MedianScalar"/>:
    /// both pick the same order statistics, and even N averages them as 0.5f·(lo + hi).
    /// </summary>
    internal static void MedianChunkSimd(float[][] frames, float[] destination, int start, int end, SelectionNetwork net, float[] buf, bool compiled = true)
    {
        if (compiled && net.Kernel is { } kernel)
        {
            int q = start, width = net.KernelWidth;
            for (; q + width <= end; q += width)
                if (!kernel(frames, destination, q)) MedianScalar(frames, destination, q, q + width, buf);
            if (q < end) MedianScalar(frames, destination, q, end, buf);
            return;
        }
        int n = frames.Length;
        // four independent 8-pixel vectors per step: their compare-exchanges interleave, hiding the latency of the
        // dependent chain through the scratch buffer
        Span<Vector256<float>> v = stackalloc Vector256<float>[4 * n];
        ref Vector256<float> v0 = ref MemoryMarshal.GetReference(v);
        ref int pairs = ref MemoryMarshal.GetArrayDataReference(net.Pairs);
        int nc = net.Pairs.Length;
        int lo = net.Lo, hi = net.Hi;
        var half = Vector256.Create(0.5f);
        ref float d0 = ref MemoryMarshal.GetArrayDataReference(destination);
        int p = start;
        for (; p + 32 <= end; p += 32)
        {
            var ok = Vector256<int>.AllBitsSet;
            for (int f = 0; f < n; f++)
            {
                ref float src = ref MemoryMarshal.GetArrayDataReference(frames[f]);
                ref var slot = ref Unsafe.Add(ref v0, 4 * f);
                var x0 = Vector256.LoadUnsafe(ref src, (nuint)p);
                var x1 = Vector256.LoadUnsafe(ref src, (nuint)(p + 8));
                var x2 = Vector256.LoadUnsafe(ref src, (nuint)(p + 16));
                var x3 = Vector256.LoadUnsafe(ref src, (nuint)(p + 24));
                slot = x0; Unsafe.Add(ref slot, 1) = x1; Unsafe.Add(ref slot, 2) = x2; Unsafe.Add(ref slot, 3) = x3;
                ok &= (Vector256.Equals(x0, x0) & Vector256.Equals(x1, x1) & Vector256.Equals(x2, x2) & Vector256.Equals(x3, x3)).AsInt32();
            }
            if (ok != Vector256<int>.AllBitsSet)
            {
                MedianSimd8(frames, destination, p, end, net, buf, v);
                continue;
            }
            for (int c = 0; c < nc; c += 2)
            {
                ref var a = ref Unsafe.Add(ref v0, 4 * Unsafe.Add(ref pairs, c));
                ref var b = ref Unsafe.Add(ref v0, 4 * Unsafe.Add(ref pairs, c + 1));
                var a0 = a; var a1 = Unsafe.Add(ref a, 1); var a2 = Unsafe.Add(ref a, 2); var a3 = Unsafe.Add(ref a, 3);
                var b0 = b; var b1 = Unsafe.Add(ref b, 1); var b2 = Unsafe.Add(ref b, 2); var b3 = Unsafe.Add(ref b, 3);
                a = Vector256.MinNative(a0, b0); Unsafe.Add(ref a, 1) = Vector256.MinNative(a1, b1);
                Unsafe.Add(ref a, 2) = Vector256.MinNative(a2, b2); Unsafe.Add(ref a, 3) = Vector256.MinNative(a3, b3);
                b = Vector256.MaxNative(a0, b0); Unsafe.Add(ref b, 1) = Vector256.MaxNative(a1, b1);
                Unsafe.Add(ref b, 2) = Vector256.MaxNative(a2, b2); Unsafe.Add(ref b, 3) = Vector256.MaxNative(a3, b3);
            }
            ref var l = ref Unsafe.Add(ref v0, 4 * lo);
            ref var u = ref Unsafe.Add(ref v0, 4 * hi);
            for (int k = 0; k < 4; k++)
            {
                var r = lo == hi ? Unsafe.Add(ref l, k) : (Unsafe.Add(ref l, k) + Unsafe.Add(ref u, k)) * half;
                r.StoreUnsafe(ref d0, (nuint)(p + 8 * k));
            }
        }
        if (p < end) MedianSimd8(frames, destination, p, end, net, buf, v);
    }

    /// <summary>One 8-pixel vector at a time over [start, min(start + 32, end)) or, when <paramref name="start"/> is past the last full block, to end.</summary>
    static void MedianSimd8(float[][] frames, float[] destination, int start, int end, SelectionNetwork net, float[] buf, Span<Vector256<float>> scratch)
    {
        int n = frames.Length;
        int stop = end - start >= 32 ? start + 32 : end;
        ref Vector256<float> v0 = ref MemoryMarshal.GetReference(scratch);
        ref int pairs = ref MemoryMarshal.GetArrayDataReference(net.Pairs);
        int nc = net.Pairs.Length;
        int lo = net.Lo, hi = net.Hi;
        var half = Vector256.Create(0.5f);
        int p = start;
        for (; p + 8 <= stop; p += 8)
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
        if (p < stop) MedianScalar(frames, destination, p, stop, buf);
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

    Func<float[][], float[], int, bool>? _kernel;
    bool _kernelTried;

    /// <summary>
    /// The network compiled for this N (System.Linq.Expressions → IL → JIT): every one of the N values of a
    /// <see cref="KernelWidth"/>-pixel vector is a local, so the compare-exchanges run in registers instead of through a scratch
    /// buffer. kernel(frames, destination, p) loads frames[f][p..p+W), returns false (writing nothing) when a lane holds NaN,
    /// else stores the median at destination[p..p+W). Null where dynamic code is unavailable (the interpreted loop then runs).
    /// </summary>
    public Func<float[][], float[], int, bool>? Kernel
    {
        get
        {
            if (_kernelTried) return _kernel;
            lock (this)
            {
                if (_kernelTried) return _kernel;
                try { if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled) _kernel = Compile(); }
                catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException) { _kernel = null; }
                _kernelTried = true;
                return _kernel;
            }
        }
    }

    /// <summary>Pixels per call of <see cref="Kernel"/>: 16 with AVX-512 (32 vector registers hold N ≤ 30 values), else 8.</summary>
    public int KernelWidth => Vector512.IsHardwareAccelerated ? 16 : 8;

    Func<float[][], float[], int, bool> Compile()
    {
        bool wide = Vector512.IsHardwareAccelerated;
        var vs = wide ? typeof(Vector512) : typeof(Vector256);
        var vt = wide ? typeof(Vector512<float>) : typeof(Vector256<float>);
        var vi = wide ? typeof(Vector512<int>) : typeof(Vector256<int>);
        object allBits = wide ? Vector512<int>.AllBitsSet : Vector256<int>.AllBitsSet;
        object half = wide ? Vector512.Create(0.5f) : Vector256.Create(0.5f);
        int n = Count;
        var frames = E.Parameter(typeof(float[][]), "frames");
        var dst = E.Parameter(typeof(float[]), "destination");
        var p = E.Parameter(typeof(int), "p");
        var v = Enumerable.Range(0, n).Select(i => E.Variable(vt, $"v{i}")).ToArray();
        var ok = E.Variable(vi, "ok");
        var x = E.Variable(vt, "x");
        var methods = vs.GetMethods();
        var create = methods.Single(m => m.Name == "Create" && m.IsGenericMethodDefinition && m.GetParameters() is { Length: 2 } ps && ps[0].ParameterType.IsArray && ps[1].ParameterType == typeof(int)).MakeGenericMethod(typeof(float));
        var copyTo = methods.Single(m => m.Name == "CopyTo" && m.GetParameters() is { Length: 3 } ps && ps[1].ParameterType.IsArray).MakeGenericMethod(typeof(float));
        MethodInfo Generic(string name, int args) => methods.Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == args).MakeGenericMethod(typeof(float));
        var min = Generic("MinNative", 2);
        var max = Generic("MaxNative", 2);
        var eq = Generic("Equals", 2);
        var asInt = methods.Single(m => m.Name == "AsInt32" && m.IsGenericMethodDefinition).MakeGenericMethod(typeof(float));
        var body = new List<E> { E.Assign(ok, E.Constant(allBits, vi)) };
        for (int f = 0; f < n; f++)
        {
            body.Add(E.Assign(v[f], E.Call(create, E.ArrayIndex(frames, E.Constant(f)), p)));
            body.Add(E.Assign(ok, E.And(ok, E.Call(asInt, E.Call(eq, v[f], v[f])))));
        }
        var ret = E.Label(typeof(bool));
        body.Add(E.IfThen(E.NotEqual(ok, E.Constant(allBits, vi)), E.Return(ret, E.Constant(false))));
        for (int c = 0; c < Pairs.Length; c += 2)
        {
            var a = v[Pairs[c]]; var b = v[Pairs[c + 1]];
            body.Add(E.Assign(x, a));
            body.Add(E.Assign(a, E.Call(min, x, b)));
            body.Add(E.Assign(b, E.Call(max, x, b)));
        }
        E result = Lo == Hi ? v[Lo] : E.Multiply(E.Add(v[Lo], v[Hi]), E.Constant(half, vt));
        body.Add(E.Call(copyTo, result, dst, p));
        body.Add(E.Label(ret, E.Constant(true)));
        var lambda = E.Lambda<Func<float[][], float[], int, bool>>(E.Block(v.Append(ok).Append(x), body), frames, dst, p);
        return lambda.Compile(preferInterpretation: false);
    }

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
