using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.IO;

/// <summary>TIFF reading against files written by tifffile (an independent writer), and our writer round trips.</summary>
public class TiffTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "IO", "Fixtures", name);

    [Fact]
    public void Reads_tifffile_uint16_multipage_stack()
    {
        var info = Tiff.ReadInfo(Fixture("u16_stack.tif"));
        Assert.Equal((5, 4, 3, TiffSampleType.UInt16, false), (info.Width, info.Height, info.Pages, info.SampleType, info.IsBigTiff));
        int z = 0;
        foreach (var page in Tiff.ReadPagesAsFloat(Fixture("u16_stack.tif")))
        {
            for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) Assert.Equal(z * 1000 + y * 10 + x, page[y, x]);
            z++;
        }
        Assert.Equal(3, z);
    }

    [Fact]
    public void Reads_tifffile_float32_tiled_bigtiff_and_uint32()
    {
        var f = Tiff.ReadPageAsFloat(Fixture("f32_page.tif"));
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) Assert.Equal(y * 0.5f - x * 0.25f, f[y, x]);

        var t = Tiff.ReadPageAsFloat(Fixture("u8_tiled.tif"));
        Assert.Equal((40, 36), (t.Width, t.Height));
        for (int y = 0; y < 36; y++) for (int x = 0; x < 40; x++) Assert.Equal((x + 2 * y) % 256, t[y, x]);

        Assert.True(Tiff.ReadInfo(Fixture("bigtiff_f32.tif")).IsBigTiff);
        var v = Tiff.ReadVolumeAsFloat(Fixture("bigtiff_f32.tif"));
        for (int z = 0; z < 2; z++) for (int y = 0; y < 5; y++) for (int x = 0; x < 6; x++) Assert.Equal(z * 100f + y - x * 0.5f, v[z, y, x]);

        var u = Tiff.ReadPageAsFloat(Fixture("u32_labels.tif"));
        for (int i = 0; i < 12; i++) Assert.Equal((float)((uint)((ulong)i * 400_000_000UL % 4_294_967_291UL)), u.Pixels[i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writer_round_trips_float_and_uint32_volumes_in_tiff_and_bigtiff(bool big)
    {
        string dir = Directory.CreateTempSubdirectory("softshort-tiff").FullName;
        var vol = new Volume3D<float>(3, 7, 9);
        var rng = new Random(3);
        for (int z = 0; z < 3; z++) for (int i = 0; i < 63; i++) vol.Slice(z)[i] = (float)rng.NextDouble() * 1e3f - 500;
        vol[1, 2, 3] = float.NaN;
        string path = Path.Combine(dir, "v.tif");
        using (var w = TiffStackWriter<float>.Create(path, 9, 7, 3, bigTiff: big)) { for (int z = 0; z < 3; z++) w.Append(vol.Slice(z)); w.Commit(); }
        Assert.Equal(big, Tiff.ReadInfo(path).IsBigTiff);
        var back = Tiff.ReadVolumeAsFloat(path);
        for (int z = 0; z < 3; z++) Assert.Equal(vol.Slice(z).ToArray(), back.Slice(z).ToArray());

        var labels = new Volume3D<uint>(2, 3, 4);
        labels[1, 2, 3] = 4_000_000_000u;
        Tiff.Write(Path.Combine(dir, "l.tif"), labels);
        var info = Tiff.ReadInfo(Path.Combine(dir, "l.tif"));
        Assert.Equal(TiffSampleType.UInt32, info.SampleType);
        Assert.Equal(4_000_000_000f, Tiff.ReadVolumeAsFloat(Path.Combine(dir, "l.tif"))[1, 2, 3]);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Truncated_and_foreign_files_give_one_line_errors_naming_the_file()
    {
        string dir = Directory.CreateTempSubdirectory("softshort-bad").FullName;
        byte[] good = File.ReadAllBytes(Fixture("u16_stack.tif"));
        string truncated = Path.Combine(dir, "truncated.tif");
        File.WriteAllBytes(truncated, good[..(good.Length / 3)]);
        string text = Path.Combine(dir, "notes.tif");
        File.WriteAllText(text, "this is not an image");
        string empty = Path.Combine(dir, "empty.tif");
        File.WriteAllBytes(empty, []);
        foreach (var p in new[] { truncated, text, empty, Path.Combine(dir, "missing.tif") })
        {
            var e = Assert.ThrowsAny<InputException>(() => { foreach (var _ in Tiff.ReadPagesAsFloat(p)) { } });
            Assert.Contains(Path.GetFileName(p), e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Random_corruption_never_escapes_as_anything_but_an_input_error()
    {
        // A small fuzz: flip bytes of a valid file; the reader must succeed or throw InputException, never crash otherwise.
        byte[] good = File.ReadAllBytes(Fixture("u8_tiled.tif"));
        string dir = Directory.CreateTempSubdirectory("softshort-fuzz").FullName;
        var rng = new Random(42);
        for (int trial = 0; trial < 120; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            int flips = 1 + rng.Next(8);
            for (int k = 0; k < flips; k++) bad[rng.Next(Math.Min(bad.Length, 400))] = (byte)rng.Next(256);
            string p = Path.Combine(dir, $"fuzz{trial}.tif");
            File.WriteAllBytes(p, bad);
            try { foreach (var _ in Tiff.ReadPagesAsFloat(p)) { } }
            catch (InputException) { }
        }
        Directory.Delete(dir, true);
    }
}
