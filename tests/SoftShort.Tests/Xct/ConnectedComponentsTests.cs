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
}
