using System.Runtime.InteropServices;
using System.Text.Json;
using SoftShort.Imaging;
using SoftShort.Xct;

namespace SoftShort.Tests.Xct;

public class ConnectedComponentsTests
{
    public static TheoryData<string, int, int> ScipyCases()
    {
        var d = new TheoryData<string, int, int>();
        foreach (var name in new[] { "r10", "r20", "r30", "r50", "r65", "thin", "porous" })
            foreach (int c in new[] { 6, 18, 26 })
                foreach (int threads in new[] { 1, 3 })
                    d.Add(name, c, threads);
        return d;
    }

    static Volume3D<byte> ToVolume(byte[] data, int d, int h, int w)
    {
        var v = new Volume3D<byte>(d, h, w);
        for (int z = 0; z < d; z++) data.AsSpan(z * h * w, h * w).CopyTo(v.Slice(z));
        return v;
    }

    [Theory]
    [MemberData(nameof(ScipyCases))]
    public void Labels_equal_scipy_ndimage_label_including_numbering(string name, int connectivity, int threads)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFiles.Dir, "ccl_fixtures.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var shape = c.GetProperty("shape_zyx").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        long expectedCount = c.GetProperty("components").GetProperty(connectivity.ToString()).GetInt64();
        var mask = ToVolume(FixtureFiles.ReadGz($"ccl_{name}.mask.raw.gz"), shape[0], shape[1], shape[2]);
        var expected = MemoryMarshal.Cast<byte, uint>(FixtureFiles.ReadGz($"ccl_{name}.labels{connectivity}.raw.gz")).ToArray();

        var r = ConnectedComponents.Label(mask, (Connectivity)connectivity, maxDegreeOfParallelism: threads);

        Assert.Equal(expectedCount, r.Count);
        long i = 0;
        for (int z = 0; z < shape[0]; z++)
            foreach (uint l in r.Labels.Slice(z))
            {
                Assert.True(expected[i] == l, $"voxel {i}: scipy {expected[i]}, ours {l}");
                i++;
            }
    }

    /// <summary>Reference: breadth-first flood fill started at each unlabelled voxel in raster order.</summary>
    static (uint[] Labels, uint Count) FloodFill(byte[] m, int d, int h, int w, int conn)
    {
        var offs = new List<(int, int, int)>();
        for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++)
        {
            int nz = Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx);
            if (nz == 0) continue;
            if (conn == 6 && nz > 1 || conn == 18 && nz > 2) continue;
            offs.Add((dz, dy, dx));
        }
        var lab = new uint[m.Length];
        uint next = 0;
        var q = new Queue<int>();
        for (int s = 0; s < m.Length; s++)
        {
            if (m[s] == 0 || lab[s] != 0) continue;
            lab[s] = ++next; q.Enqueue(s);
            while (q.Count > 0)
            {
                int p = q.Dequeue();
                int z = p / (h * w), y = p / w % h, x = p % w;
                foreach (var (dz, dy, dx) in offs)
                {
                    int zz = z + dz, yy = y + dy, xx = x + dx;
                    if (zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    int n = (zz * h + yy) * w + xx;
                    if (m[n] != 0 && lab[n] == 0) { lab[n] = next; q.Enqueue(n); }
                }
            }
        }
        return (lab, next);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(18)]
    [InlineData(26)]
    public void Labels_equal_brute_force_flood_fill_on_random_volumes(int conn)
    {
        for (int seed = 1; seed <= 12; seed++)
        {
            var rng = new Random(seed);
            int d = rng.Next(1, 24), h = rng.Next(1, 20), w = rng.Next(1, 20);
            double fill = rng.NextDouble() * 0.7;
            var m = new byte[d * h * w];
            for (int i = 0; i < m.Length; i++) m[i] = (byte)(rng.NextDouble() < fill ? 1 + rng.Next(3) : 0);
            var (expected, count) = FloodFill(m, d, h, w, conn);
            foreach (int threads in new[] { 1, 2, 5 })
            {
                var r = ConnectedComponents.Label(ToVolume(m, d, h, w), (Connectivity)conn, maxDegreeOfParallelism: threads);
                Assert.Equal(count, r.Count);
                for (int z = 0; z < d; z++)
                    Assert.True(expected.AsSpan(z * h * w, h * w).SequenceEqual(r.Labels.Slice(z)), $"seed {seed}, {conn}-conn, {threads} threads: slice {z} differs");
            }
        }
    }

    [Fact]
    public void Empty_and_full_volumes()
    {
        var empty = new Volume3D<byte>(5, 6, 7);
        Assert.Equal(0, ConnectedComponents.Label(empty).Count);
        var full = new Volume3D<byte>(5, 6, 7);
        for (int z = 0; z < 5; z++) full.Slice(z).Fill(255);
        var r = ConnectedComponents.Label(full, Connectivity.Six);
        Assert.Equal(1, r.Count);
        for (int z = 0; z < 5; z++) Assert.All(r.Labels.Slice(z).ToArray(), l => Assert.Equal(1u, l));
    }

    [Fact]
    public void Diagonal_neighbours_join_only_with_the_right_connectivity()
    {
        // two voxels sharing an edge, two sharing only a corner
        var v = new Volume3D<byte>(2, 2, 4);
        v[0, 0, 0] = 1; v[1, 1, 0] = 1;         // edge neighbours (dz=1, dy=1)
        v[0, 0, 2] = 1; v[1, 1, 3] = 1;         // corner neighbours (dz=1, dy=1, dx=1)
        Assert.Equal(4, ConnectedComponents.Label(v, Connectivity.Six).Count);
        Assert.Equal(3, ConnectedComponents.Label(v, Connectivity.Eighteen).Count);
        Assert.Equal(2, ConnectedComponents.Label(v, Connectivity.TwentySix).Count);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(18)]
    [InlineData(26)]
    public void Rows_across_64_voxel_chunks_and_many_slabs_equal_flood_fill(int conn)
    {
        // widths around the 64-voxel SIMD chunk, long runs crossing chunk edges, and up to 7 threads (14 slabs of 1–2 slices)
        foreach (int w in new[] { 63, 64, 65, 127, 130 })
        {
            var rng = new Random(w * 31 + conn);
            int d = 14, h = 5;
            var m = new byte[d * h * w];
            for (int i = 0; i < m.Length;)
            {
                int len = 1 + rng.Next(rng.Next(2) == 0 ? 3 : 90);
                byte v = (byte)(rng.NextDouble() < 0.45 ? 1 + rng.Next(255) : 0);
                for (int k = 0; k < len && i < m.Length; k++) m[i++] = v;
            }
            var (expected, count) = FloodFill(m, d, h, w, conn);
            foreach (int threads in new[] { 1, 2, 7 })
            {
                var r = ConnectedComponents.Label(ToVolume(m, d, h, w), (Connectivity)conn, maxDegreeOfParallelism: threads);
                Assert.Equal(count, r.Count);
                for (int z = 0; z < d; z++)
                    Assert.True(expected.AsSpan(z * h * w, h * w).SequenceEqual(r.Labels.Slice(z)), $"w {w}, {conn}-conn, {threads} threads: slice {z} differs");
                var runs = ConnectedComponents.LabelRuns(ToVolume(m, d, h, w), (Connectivity)conn, maxDegreeOfParallelism: threads);
                long fg = 0;
                for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) foreach (uint run in runs.Runs(z, y)) fg += RunLabels.End(run) - RunLabels.Start(run) + 1;
                Assert.Equal(m.LongCount(b => b != 0), fg);
            }
        }
    }

    [Theory]
    [InlineData(6)]
    [InlineData(26)]
    public void Components_joined_only_across_slab_seams_get_one_raster_ordered_label(int conn)
    {
        // A comb: the teeth are columns along z starting in different slices (one per slab with 8 threads = 16 slabs of
        // 2 slices) and the back joins them only in the last slice, so every tooth is its own component until the seams are
        // merged. A separate blob whose first voxel precedes the comb's in raster order must keep label 1.
        int d = 32, h = 6, w = 40;
        var v = new Volume3D<byte>(d, h, w);
        v[0, 5, 39] = 1;                                    // blob: first voxel (0, 5, 39)
        for (int t = 0; t < 8; t++)
            for (int z = 2 + 3 * t; z < d; z++) v[z, 2, 4 * t] = 1;   // tooth t starts at slice 2 + 3t
        for (int x = 0; x <= 28; x++) v[d - 1, 2, x] = 1;   // back, in the last slice only
        v[10, 4, 20] = 1; v[11, 4, 20] = 1;                 // an isolated pair starting at slice 10 (inside the comb's z range)
        foreach (int threads in new[] { 1, 3, 8 })
        {
            var r = ConnectedComponents.Label(v, (Connectivity)conn, maxDegreeOfParallelism: threads);
            Assert.Equal(3, r.Count);
            Assert.Equal(1u, r.Labels[0, 5, 39]);
            Assert.Equal(2u, r.Labels[2, 2, 0]);            // the comb: first voxel at slice 2
            for (int t = 0; t < 8; t++) Assert.Equal(2u, r.Labels[d - 2, 2, 4 * t]);
            Assert.Equal(3u, r.Labels[10, 4, 20]);
            Assert.Equal(3u, r.Labels[11, 4, 20]);
        }
    }

    [Fact]
    public void Labels_are_numbered_in_raster_order_of_first_voxels()
    {
        var rng = new Random(5);
        int d = 20, h = 17, w = 70;
        var m = new byte[d * h * w];
        for (int i = 0; i < m.Length; i++) m[i] = (byte)(rng.NextDouble() < 0.3 ? 1 : 0);
        var r = ConnectedComponents.Label(ToVolume(m, d, h, w), Connectivity.Six, maxDegreeOfParallelism: 4);
        // scanning in raster order, the first occurrence of each label must be 1, 2, 3, … in turn
        uint seen = 0;
        for (int z = 0; z < d; z++)
            foreach (uint l in r.Labels.Slice(z))
            {
                if (l == 0 || l <= seen) continue;
                Assert.Equal(seen + 1, l);
                seen = l;
            }
        Assert.Equal(r.Count, seen);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(18)]
    [InlineData(26)]
    public void Voxel_scan_fallback_for_wide_rows_equals_run_labelling(int conn)
    {
        var rng = new Random(conn);
        int d = 9, h = 8, w = 75;
        var m = new byte[d * h * w];
        for (int i = 0; i < m.Length; i++) m[i] = (byte)(rng.NextDouble() < 0.4 ? 1 : 0);
        var mask = ToVolume(m, d, h, w);
        var a = ConnectedComponents.Label(mask, (Connectivity)conn, maxDegreeOfParallelism: 2);
        var b = new Volume3D<uint>(d, h, w);
        long n = ConnectedComponents.LabelByVoxelScan(mask, b, (Connectivity)conn, null, 3);
        Assert.Equal(a.Count, n);
        for (int z = 0; z < d; z++) Assert.True(a.Labels.Slice(z).SequenceEqual(b.Slice(z)), $"slice {z}");
    }
}
