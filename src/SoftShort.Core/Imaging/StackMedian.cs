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
        Parallel.For(0, height, () => new float[n], (y, _, buf) =>
        {
            int off = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = off + x, m = 0;
                for (int f = 0; f < n; f++)
                {
                    float v = frames[f][i];
                    if (!float.IsNaN(v)) buf[m++] = v;
                }
                destination[i] = MedianInPlace(buf.AsSpan(0, m));
            }
            return buf;
        }, _ => { });
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
