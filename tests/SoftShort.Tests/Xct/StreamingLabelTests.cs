using System.Runtime.InteropServices;
using System.Text.Json;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Xct;

namespace SoftShort.Tests.Xct;

/// <summary>
/// Out-of-core labelling: <see cref="ConnectedComponents.LabelRuns(IVolumeSource, Connectivity, IProgress{ProgressReport}?, int, int, CancellationToken)"/>
/// reads the volume slice by slice in batches and keeps only runs; <see cref="RunLabels.WriteTiff"/> writes the labels slice by slice.
/// Both must give exactly the labels of the in-memory labeller and of scipy.ndimage.label.
/// </summary>
public class StreamingLabelTests
{
    static Volume3D<byte> ToVolume(byte[] data, int d, int h, int w)
    {
        var v = new Volume3D<byte>(d, h, w);
        for (int z = 0; z < d; z++) data.AsSpan(z * h * w, h * w).CopyTo(v.Slice(z));
        return v;
    }

    static uint[] Slice(RunLabels r, int z)
    {
        var s = new uint[r.Height * r.Width];
        r.WriteSlice(z, s);
        return s;
    }

    [Theory]
    [InlineData(6)]
    [InlineData(18)]
    [InlineData(26)]
    public void Streamed_labels_equal_in_memory_labels_on_random_masks_for_any_batch_and_thread_count(int conn)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            var rng = new Random(1000 + seed);
            int d = rng.Next(1, 30), h = rng.Next(1, 24), w = rng.Next(1, 150);
            double fill = 0.1 + rng.NextDouble() * 0.6;
            var m = new byte[d * h * w];
            for (int i = 0; i < m.Length; i++) m[i] = (byte)(rng.NextDouble() < fill ? 1 + rng.Next(200) : 0);
            var vol = ToVolume(m, d, h, w);
            var expected = ConnectedComponents.Label(vol, (Connectivity)conn, maxDegreeOfParallelism: 1);
            foreach (var (batch, threads) in new[] { (1, 1), (2, 2), (3, 5), (7, 2), (0, 3) })
            {
                using var src = VolumeIO.FromMemory(vol);
                var runs = ConnectedComponents.LabelRuns(src, (Connectivity)conn, maxDegreeOfParallelism: threads, batchSlices: batch);
                Assert.Equal(expected.Count, runs.Count);
                for (int z = 0; z < d; z++)
                    Assert.True(expected.Labels.Slice(z).SequenceEqual(Slice(runs, z)), $"seed {seed}, {conn}-conn, batch {batch}, {threads} threads: slice {z} differs");
            }
        }
    }

    [Theory]
    [InlineData("r50", 6)]
    [InlineData("r30", 18)]
    [InlineData("r65", 26)]
    [InlineData("porous", 6)]
    [InlineData("porous", 26)]
    [InlineData("thin", 26)]
    public void Streamed_labels_written_to_tiff_equal_scipy(string name, int connectivity)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFiles.Dir, "ccl_fixtures.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var shape = c.GetProperty("shape_zyx").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        long expectedCount = c.GetProperty("components").GetProperty(connectivity.ToString()).GetInt64();
        var mask = ToVolume(FixtureFiles.ReadGz($"ccl_{name}.mask.raw.gz"), shape[0], shape[1], shape[2]);
        var expected = MemoryMarshal.Cast<byte, uint>(FixtureFiles.ReadGz($"ccl_{name}.labels{connectivity}.raw.gz")).ToArray();

        string dir = Path.Combine(Path.GetTempPath(), "softshort-stream-" + Guid.NewGuid().ToString("N"));
        try
        {
            // the mask goes through a file (raw + sidecar) so that the labeller reads it slice by slice, 2 slices per batch
            string raw = Path.Combine(dir, "mask.raw");
            Directory.CreateDirectory(dir);
            VolumeIO.WriteRaw(raw, mask, new VolumeSpacing(1, 1, 1));
            RunLabels runs;
            using (var src = VolumeIO.Open(raw))
                runs = ConnectedComponents.LabelRuns(src, (Connectivity)connectivity, maxDegreeOfParallelism: 2, batchSlices: 2);
            Assert.Equal(expectedCount, runs.Count);
            string tif = Path.Combine(dir, "labels.tif");
            runs.WriteTiff(tif, maxDegreeOfParallelism: 3);
            using var back = VolumeIO.Open(tif);
            Assert.Equal((shape[0], shape[1], shape[2]), (back.Depth, back.Height, back.Width));
            var buf = new float[shape[1] * shape[2]];
            long i = 0;
            for (int z = 0; z < shape[0]; z++)
            {
                back.ReadSlice(z, buf);
                foreach (float l in buf)
                {
                    Assert.True(expected[i] == (uint)l, $"voxel {i}: scipy {expected[i]}, ours {l}");
                    i++;
                }
            }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Builder_reports_misuse_and_holds_only_the_runs()
    {
        var b = new RunLabelBuilder(3, 4, 5, Connectivity.Six, batchSlices: 2);
        Assert.Throws<ArgumentException>(() => b.Append(new byte[19]));
        var slice = new byte[20];
        slice[0] = 1; slice[2] = 1; slice[3] = 1; // two runs in row 0
        b.Append(slice); b.Append(slice);
        Assert.Throws<InvalidOperationException>(() => b.Complete()); // 2 of 3 slices
        b.Append(slice);
        Assert.Throws<InvalidOperationException>(() => b.Append(slice));
        var r = b.Complete();
        Assert.Equal(2, r.Count);           // two columns of runs through the 3 slices
        Assert.Equal(6, r.RunCount);
        Assert.Equal(8L * 6 + 4L * (3 * 4 + 1), r.Bytes);
    }
}
