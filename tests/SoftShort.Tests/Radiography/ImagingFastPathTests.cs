using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// The SIMD / parallel hot paths of the radiography chain against the plain per-pixel reference implementations
/// (bit-exact: the fast paths compute the same float operations) and against brute force.
/// </summary>
public class ImagingFastPathTests
{
    /// <summary>Frames with ties (integer values), a NaN in some frames of a few pixels and one all-NaN pixel; width not a multiple of 8.</summary>
    static float[][] Frames(int n, int w, int h, int seed)
    {
        var rng = new Random(seed);
        var frames = new float[n][];
        for (int f = 0; f < n; f++)
        {
            frames[f] = new float[w * h];
            for (int i = 0; i < w * h; i++)
            {
                float v = rng.NextDouble() < 0.5 ? MathF.Round((float)rng.NextDouble() * 20) : (float)(rng.NextDouble() * 1000 - 300);
                if (i % 29 == 3 && rng.NextDouble() < 0.3) v = float.NaN;
                if (i == 17) v = float.NaN;
                frames[f][i] = v;
            }
        }
        return frames;
    }

    [Fact]
    public void SimdMedian_EqualsScalarAndSortedMiddle_ForN1To40()
    {
        int w = 77, h = 9; // 693 pixels: 32-pixel blocks, 8-pixel vectors and a scalar tail
        Assert.NotNull(SelectionNetwork.ForMedian(30).Kernel);
        for (int n = 1; n <= 40; n++)
        {
            var frames = Frames(n, w, h, 100 + n);
            var fast = new float[w * h];
            StackMedian.Median(frames, fast, w, h);
            var reference = new float[w * h];
            StackMedian.MedianScalar(frames, reference, 0, w * h, new float[n]);
            // the SIMD kernel itself, even where the dispatcher might not use it
            var simd = new float[w * h];
            StackMedian.MedianChunkSimd(frames, simd, 0, w * h, SelectionNetwork.ForMedian(n), new float[n], compiled: false);
            var compiled = new float[w * h];
            StackMedian.MedianChunkSimd(frames, compiled, 0, w * h, SelectionNetwork.ForMedian(n), new float[n], compiled: true);
            for (int i = 0; i < w * h; i++)
            {
                var v = frames.Select(f => f[i]).Where(x => !float.IsNaN(x)).OrderBy(x => x).ToArray();
                float expect = v.Length == 0 ? float.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5f * (v[v.Length / 2 - 1] + v[v.Length / 2]);
                Assert.Equal(expect, reference[i]);
                Assert.Equal(reference[i], fast[i]);
                Assert.Equal(reference[i], simd[i]);
                Assert.Equal(reference[i], compiled[i]);
            }
        }
    }

    [Fact]
    public void SelectionNetwork_PlacesTheMiddleOrderStatistics_ZeroOnePrinciple()
    {
        // a comparator network selects rank k for all inputs iff it does for all 0/1 inputs (Knuth, TAOCP 5.3.4)
        for (int n = 1; n <= 18; n++)
        {
            var net = SelectionNetwork.ForMedian(n);
            var a = new int[n];
            for (int bits = 0; bits < 1 << n; bits++)
            {
                int ones = 0;
                for (int i = 0; i < n; i++) { a[i] = (bits >> i) & 1; ones += a[i]; }
                for (int c = 0; c < net.Pairs.Length; c += 2)
                {
                    int i = net.Pairs[c], j = net.Pairs[c + 1];
                    if (a[i] > a[j]) (a[i], a[j]) = (a[j], a[i]);
                }
                // sorted: zeros at 0..n-ones-1, ones after
                Assert.Equal(net.Lo >= n - ones ? 1 : 0, a[net.Lo]);
                Assert.Equal(net.Hi >= n - ones ? 1 : 0, a[net.Hi]);
            }
        }
        // pruning pays: 30 inputs need fewer comparators than the full sort
        Assert.True(SelectionNetwork.ForMedian(30).Pairs.Length / 2 < SelectionNetwork.BatcherSort(30).Count);
    }

    static float[] Counts(int w, int h, int seed, double spotsPerPixel, double nanPerPixel, float spot = 65535)
    {
        var rng = new Random(seed);
        var p = new float[w * h];
        for (int i = 0; i < p.Length; i++)
        {
            // Poisson-like counts around a smooth beam
            double mean = 400 + 200 * Math.Sin(i % w * 0.05) + 50 * Math.Cos(i / w * 0.1);
            p[i] = MathF.Round((float)(mean + Math.Sqrt(mean) * (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 2));
            double u = rng.NextDouble();
            if (u < spotsPerPixel) p[i] = spot - (float)rng.Next(0, 8);
            else if (u < spotsPerPixel + nanPerPixel) p[i] = float.NaN;
        }
        // a 2×2 cluster of spots and spots on every edge and corner
        p[w + 1] = p[w + 2] = p[2 * w + 1] = p[2 * w + 2] = spot;
        foreach (var (x, y) in new[] { (0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (Math.Min(5, w - 1), 0), (Math.Min(7, w - 1), h - 1), (0, 4), (w - 1, 4) })
            p[y * w + x] = spot;
        return p;
    }

    [Theory]
    [InlineData(61, 23, 1)]
    [InlineData(8, 8, 2)]
    [InlineData(3, 40, 3)]
    [InlineData(130, 17, 4)]
    public void GammaAuto_EqualsReference(int w, int h, int seed)
    {
        var img = Counts(w, h, seed, 0.01, 0.01);
        var a = (float[])img.Clone(); var b = (float[])img.Clone();
        var opt = new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = 65535 };
        int na = GammaFilter.Apply(a, w, h, opt);
        int nb = GammaFilter.ApplyReference(b, w, h, opt);
        Assert.Equal(nb, na);
        Assert.True(na >= 8);
        Assert.Equal(b, a); // NaN equals NaN in xunit's array comparison
    }

    [Theory]
    [InlineData(61, 23, 1, 5.0)]
    [InlineData(130, 17, 2, 5.0)]
    [InlineData(9, 9, 3, 5.0)]
    [InlineData(61, 23, 4, 2.0)] // below 3.65: the reference has no local-maximum shortcut
    [InlineData(77, 31, 5, 3.65)]
    public void GammaOutlier_EqualsReference(int w, int h, int seed, double k)
    {
        var img = Counts(w, h, seed, 0.005, 0.005, spot: 3000);
        // exactly-at-threshold cases: centre = median + k·σ of its neighbours in the reference's double arithmetic
        var a = (float[])img.Clone(); var b = (float[])img.Clone();
        var opt = new GammaFilterOptions { Mode = GammaFilterMode.Outlier, OutlierK = k, DtypeMax = null };
        int na = GammaFilter.Apply(a, w, h, opt);
        int nb = GammaFilter.ApplyReference(b, w, h, opt);
        Assert.Equal(nb, na);
        Assert.True(na > 0);
        Assert.Equal(b, a);
    }

    [Fact]
    public void GammaOutlier_FlatAndNearThresholdNeighbourhoods_EqualReference()
    {
        // centres just above / at / below med + k·σ(med) of a given counting-noise model (A = 4, B = 0.5, levels clamped to
        // 95…105) in many random 3×3 blocks tiled in a wide image; and flat blocks with a zero-noise model, where any centre
        // above the flat value is flagged
        foreach (bool flat in new[] { false, true })
        {
            var model = flat ? ResidualNoiseModel.Constant(0) : new ResidualNoiseModel(4, 0.5, 95, 105);
            var rng = new Random(flat ? 8 : 7);
            int w = 3 * 40, h = 3 * 6;
            var img = new float[w * h];
            for (int by = 0; by < 6; by++)
                for (int bx = 0; bx < 40; bx++)
                {
                    var nb = new float[8];
                    for (int j = 0; j < 8; j++) nb[j] = flat ? 100 : 90 + rng.Next(0, 21);
                    var s = nb.OrderBy(x => x).ToArray();
                    float med = 0.5f * (s[3] + s[4]);
                    double thr = med + 5 * model.Sigma(med);
                    int step = rng.Next(-2, 3);
                    float centre = flat ? (float)thr + step : step == 0 ? (float)thr : (float)thr * (1 + step * 1e-6f);
                    int c = 0;
                    for (int dy = 0; dy < 3; dy++)
                        for (int dx = 0; dx < 3; dx++)
                            img[(by * 3 + dy) * w + bx * 3 + dx] = dx == 1 && dy == 1 ? centre : nb[c++];
                }
            var a = (float[])img.Clone(); var b = (float[])img.Clone();
            var opt = new GammaFilterOptions { Mode = GammaFilterMode.Outlier, OutlierK = 5, DtypeMax = null, OutlierNoise = model };
            int na = GammaFilter.Apply(a, w, h, opt);
            Assert.Equal(GammaFilter.ApplyReference(b, w, h, opt), na);
            Assert.InRange(na, 40, 200); // about 2 of the 5 steps lie above the threshold
            Assert.Equal(b, a);
        }
    }

    [Theory]
    [InlineData(InvalidPixelPolicy.NaN, true)]
    [InlineData(InvalidPixelPolicy.Zero, true)]
    [InlineData(InvalidPixelPolicy.NaN, false)]
    public void Normalize_EqualsReferenceBitForBit(InvalidPixelPolicy policy, bool roi)
    {
        int w = 203, h = 37;
        var rng = new Random(11);
        var ob = new Image2D<float>(w, h); var df = new Image2D<float>(w, h);
        var sample = new float[w * h];
        for (int i = 0; i < w * h; i++)
        {
            df.Pixels[i] = 100 + (float)rng.NextDouble() * 5;
            ob.Pixels[i] = rng.NextDouble() < 0.02 ? df.Pixels[i] - (float)rng.Next(0, 3) : 1500 + (float)rng.NextDouble() * 900;
            sample[i] = rng.NextDouble() < 0.01 ? float.NaN : 120 + (float)rng.NextDouble() * 1400;
        }
        var opts = new NormalizationOptions
        {
            InvalidPixels = policy,
            BeamRegions = roi ? [new PixelRegion(0, 0, 9, h - 1), new PixelRegion(5, 3, 30, 8), new PixelRegion(w - 10, 0, w - 1, h - 1)] : [],
        };
        // NaN inside the ROI would make the frame's beam factor NaN; keep the ROI clean as real beam regions are
        foreach (var r in opts.BeamRegions)
            for (int y = r.Y0; y <= r.Y1; y++)
                for (int x = r.X0; x <= r.X1; x++)
                    if (float.IsNaN(sample[y * w + x])) sample[y * w + x] = 500;
        var norm = new Normalizer(ob, df, opts);
        Assert.True(norm.InvalidBeamPixels > 0);
        var fast = new float[w * h]; var reference = new float[w * h];
        var rf = norm.Normalize(sample, fast);
        var rr = norm.NormalizeReference(sample, reference);
        Assert.Equal(rr.InvalidPixels, rf.InvalidPixels);
        Assert.Equal(rr.BeamScale, rf.BeamScale);
        for (int i = 0; i < w * h; i++)
        {
            if (float.IsNaN(reference[i])) Assert.True(float.IsNaN(fast[i]), $"pixel {i}");
            else Assert.Equal(BitConverter.SingleToInt32Bits(reference[i]), BitConverter.SingleToInt32Bits(fast[i]));
        }
        // in place
        var copy = (float[])sample.Clone();
        norm.Normalize(copy, copy);
        Assert.Equal(fast, copy);
    }

    [Theory]
    [InlineData(GammaFilterMode.Auto, InvalidPixelPolicy.NaN, true)]
    [InlineData(GammaFilterMode.Auto, InvalidPixelPolicy.Zero, true)]
    [InlineData(GammaFilterMode.Auto, InvalidPixelPolicy.NaN, false)]
    [InlineData(GammaFilterMode.None, InvalidPixelPolicy.NaN, true)]
    [InlineData(GammaFilterMode.Outlier, InvalidPixelPolicy.Zero, true)]
    public void NormalizeRaw_EqualsWidenGammaNormalizeReference(GammaFilterMode mode, InvalidPixelPolicy policy, bool roi)
    {
        int w = 211, h = 29;
        var rng = new Random(5);
        var ob = new Image2D<float>(w, h); var df = new Image2D<float>(w, h);
        var raw = new ushort[w * h];
        for (int i = 0; i < w * h; i++)
        {
            df.Pixels[i] = 100 + (float)rng.NextDouble() * 5;
            ob.Pixels[i] = rng.NextDouble() < 0.02 ? df.Pixels[i] - (float)rng.Next(0, 3) : 1500 + (float)rng.NextDouble() * 900;
            raw[i] = (ushort)(rng.NextDouble() < 0.01 ? 65535 - rng.Next(0, 9) : 150 + rng.Next(0, 1400));
        }
        // spots inside the ROI, next to each other, and on the edges
        foreach (int i in new[] { 0, 1, w, 10 * w + 50, 10 * w + 51, 11 * w + 50, 11 * w + 51, 5 * w + 3, w * h - 1, 7 * w + w - 2 }) raw[i] = 65535;
        var opts = new NormalizationOptions
        {
            InvalidPixels = policy,
            BeamRegions = roi ? [new PixelRegion(0, 0, 9, h - 1), new PixelRegion(w - 10, 0, w - 1, h - 1)] : [],
        };
        var norm = new Normalizer(ob, df, opts);
        var gamma = new GammaFilterOptions { Mode = mode, DtypeMax = 65535 };
        var fast = new float[w * h];
        var rf = norm.NormalizeRaw(raw, fast, gamma, out int gf);
        var expect = raw.Select(v => (float)v).ToArray();
        int gr = GammaFilter.ApplyReference(expect, w, h, gamma);
        var rr = norm.NormalizeReference(expect, expect);
        Assert.Equal(gr, gf);
        if (mode == GammaFilterMode.Auto) Assert.True(gf >= 7);
        Assert.Equal(rr.BeamScale, rf.BeamScale);
        Assert.Equal(rr.InvalidPixels, rf.InvalidPixels);
        for (int i = 0; i < w * h; i++)
        {
            if (float.IsNaN(expect[i])) Assert.True(float.IsNaN(fast[i]), $"pixel {i}");
            else Assert.Equal(BitConverter.SingleToInt32Bits(expect[i]), BitConverter.SingleToInt32Bits(fast[i]));
        }
    }

    [Fact]
    public void WidenUInt16_IsExactForEveryValue()
    {
        var src = new ushort[65536 + 5];
        for (int i = 0; i < src.Length; i++) src[i] = (ushort)(i * 7919);
        var dst = new float[src.Length];
        Tiff.WidenUInt16(src, dst);
        for (int i = 0; i < src.Length; i++) Assert.Equal((float)src[i], dst[i]);
    }

    [Theory]
    [InlineData(513, 700)]  // several strips of 1 MiB per page
    [InlineData(7, 3)]
    public void DirectStripRead_EqualsLibTiffDecoding_Uint16AndFloat32(int w, int h)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"softshort-strip-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Random(w);
            string u16 = Path.Combine(dir, "u16.tif"), f32 = Path.Combine(dir, "f32.tif");
            var pagesU = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, w * h).Select(_ => (ushort)rng.Next(0, 65536)).ToArray()).ToList();
            var pagesF = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, w * h).Select(_ => (float)(rng.NextDouble() * 1e4 - 5e3)).ToArray()).ToList();
            using (var wr = TiffStackWriter<ushort>.Create(u16, w, h, 3)) { foreach (var p in pagesU) wr.Append(p); wr.Commit(); }
            using (var wr = TiffStackWriter<float>.Create(f32, w, h, 3)) { foreach (var p in pagesF) wr.Append(p); wr.Commit(); }
            foreach (var (file, expect) in new[] { (u16, pagesU.Select(p => p.Select(v => (float)v).ToArray()).ToList()), (f32, pagesF) })
            {
                var direct = Tiff.ReadPagesAsFloat(file).Select(i => i.Pixels).ToList();
                using var reader = TiffPageReader.Open(file);
                Assert.Equal(3, reader.Pages);
                var buf = new float[w * h];
                for (int p = 0; p < 3; p++)
                {
                    Assert.True(reader.ReadNext(buf));
                    Assert.Equal(expect[p], buf);
                    Assert.Equal(expect[p], direct[p]);
                }
                Assert.False(reader.ReadNext(buf));
                Assert.Equal(expect[1], Tiff.ReadPageAsFloat(file, 1).Pixels);
            }
            using (var reader = TiffPageReader.Open(u16))
            {
                var raw = new ushort[w * h];
                for (int p = 0; p < 3; p++) { Assert.True(reader.ReadNextUInt16(raw)); Assert.Equal(pagesU[p], raw); }
                Assert.False(reader.ReadNextUInt16(raw));
            }
            using (var reader = TiffPageReader.Open(f32))
                Assert.Contains("16-bit unsigned expected", Assert.Throws<InputException>(() => reader.ReadNextUInt16(new ushort[w * h])).Message);
            // the LibTiff path on the same files gives the same pages
            Tiff.DisableDirectStripRead = true;
            try { Assert.Equal(pagesF[2], Tiff.ReadPagesAsFloat(f32).Last().Pixels); }
            finally { Tiff.DisableDirectStripRead = false; }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TruncatedStack_IsAOneLineInputError()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"softshort-strip-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string f = Path.Combine(dir, "a.tif");
            using (var wr = TiffStackWriter<ushort>.Create(f, 300, 200, 2)) { wr.Append(new ushort[300 * 200]); wr.Append(new ushort[300 * 200]); wr.Commit(); }
            var bytes = File.ReadAllBytes(f);
            File.WriteAllBytes(f, bytes[..(bytes.Length * 2 / 3)]);
            var ex = Assert.Throws<InputException>(() =>
            {
                using var r = TiffPageReader.Open(f);
                var buf = new float[300 * 200];
                while (r.ReadNext(buf)) { }
            });
            Assert.Contains(f, ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Prefetch_KeepsOrder_AndRethrowsTheSourceError()
    {
        Assert.Equal(Enumerable.Range(0, 100), FrameStreaming.Prefetch(Enumerable.Range(0, 100), 3));
        IEnumerable<int> Failing() { yield return 1; throw new InputException("x.tif", "broken"); }
        var seen = new List<int>();
        var ex = Assert.Throws<InputException>(() => { foreach (var i in FrameStreaming.Prefetch(Failing())) seen.Add(i); });
        Assert.Equal([1], seen);
        Assert.Contains("broken", ex.Message);
        // stopping early does not hang
        Assert.Equal([0, 1], FrameStreaming.Prefetch(Enumerable.Range(0, 1_000_000), 2).Take(2));
    }

    [Fact]
    public void Binning_WithRecycledBuffers_EqualsDirectMedian()
    {
        int w = 19, h = 7, n = 5, total = 23;
        var frames = Frames(total, w, h, 3);
        var pool = new FrameBufferPool(w * h);
        IEnumerable<TimedFrame> Source()
        {
            for (int f = 0; f < total; f++)
            {
                var b = pool.Rent();
                frames[f].CopyTo(b, 0);
                yield return new TimedFrame(f, b);
            }
        }
        var bins = MedianBinning.Bin(FrameStreaming.Prefetch(Source(), 2), w, h, n, recycle: pool.Return).ToList();
        Assert.Equal(5, bins.Count);
        Assert.True(bins[^1].Partial);
        Assert.True(pool.Allocated <= n + 4, $"{pool.Allocated} buffers");
        for (int b = 0; b < bins.Count; b++)
        {
            var group = frames.Skip(b * n).Take(n).ToArray();
            var expect = new float[w * h];
            StackMedian.MedianScalar(group, expect, 0, w * h, new float[n]);
            Assert.Equal(expect, bins[b].Pixels);
        }
    }
}
