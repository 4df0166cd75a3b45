using SoftShort.IO;

namespace SoftShort.Tests.Xct;

/// <summary>HDF5 input against files written by h5py/libhdf5 (Fixtures/make_hdf5_fixtures.py).</summary>
public class Hdf5VolumeTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "softshort-xct-h5-" + Guid.NewGuid().ToString("N"));
    public Hdf5VolumeTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static string Fx(string name) => Path.Combine(FixtureFiles.Dir, name);

    static void AssertRamp(IVolumeSource s, int d, int h, int w, float offset)
    {
        Assert.Equal((d, h, w), (s.Depth, s.Height, s.Width));
        var slice = new float[h * w];
        // Out of order on purpose: each slice is an independent hyperslab read.
        foreach (int z in Enumerable.Range(0, d).Reverse())
        {
            s.ReadSlice(z, slice);
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) Assert.Equal(z * 1000 + y * 10 + x + offset, slice[y * w + x]);
        }
    }

    static void AssertOneLine(InputException e, string mustContain)
    {
        Assert.Contains(mustContain, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Uint16_contiguous_dataset_is_found_by_default()
    {
        using var s = VolumeIO.Open(Fx("hdf5_uint16.h5"));
        AssertRamp(s, 4, 5, 6, 0);
        Assert.False(s.Spacing.IsKnown);
        Assert.Equal(Fx("hdf5_uint16.h5") + ":/volume", s.Path);
    }

    [Fact]
    public void Float32_chunked_gzip_dataset_in_a_group_with_element_size_um()
    {
        using var s = VolumeIO.Open(Fx("hdf5_group.h5") + ":/entry/data/stack");
        AssertRamp(s, 3, 4, 7, 0.25f);
        Assert.Equal(new VolumeSpacing(2.0, 0.5, 0.25), s.Spacing);
    }

    [Fact]
    public void Default_search_skips_2D_datasets()
    {
        using var s = VolumeIO.Open(Fx("hdf5_group.h5"));
        Assert.Equal("/entry/data/stack", ((Hdf5Source)s).DatasetPath);
        AssertRamp(s, 3, 4, 7, 0.25f);
    }

    [Fact]
    public void Spacing_override_wins_over_the_attribute()
    {
        using var s = VolumeIO.Open(Fx("hdf5_group.h5") + ":entry/data/stack", new VolumeSpacing(1, 1, 1));
        Assert.Equal(new VolumeSpacing(1, 1, 1), s.Spacing);
        Assert.Equal(3, s.Depth);
    }

    [Theory]
    [InlineData("/i16", -2000, 0)]
    [InlineData("/u8", 0, 256)]
    [InlineData("/i32", 0, 0)]
    [InlineData("/u32", 0, 0)]
    [InlineData("/f64", 0.5, 0)]
    public void Other_element_types_read_as_float(string ds, double offset, int modulo)
    {
        using var s = VolumeIO.Open(Fx("hdf5_types.h5") + ":" + ds);
        Assert.Equal((2, 3, 4), (s.Depth, s.Height, s.Width));
        var v = VolumeIO.ReadAll(s);
        for (int z = 0; z < 2; z++) for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++)
        {
            int r = z * 1000 + y * 10 + x;
            Assert.Equal((float)((modulo > 0 ? r % modulo : r) + offset), v[z, y, x]);
        }
    }

    [Fact]
    public void Big_endian_uint16_in_the_types_file_reads_the_same_ramp()
    {
        using var s = VolumeIO.Open(Fx("hdf5_types.h5") + ":/be16");
        Assert.Equal("big-endian", ((Hdf5Source)s).ByteOrder);
        AssertRamp(s, 2, 3, 4, 0);
    }

    /// <summary>Big-endian datasets (Fixtures/make_hdf5_bigendian.py) against their little-endian twins and the ramp they hold.</summary>
    [Theory]
    [InlineData("/u16_be", "/u16_le", 0)]
    [InlineData("/f32_be", "/f32_le", 0.25)]
    [InlineData("/u16_be_chunked", "/u16_le", 0)]
    [InlineData("/f32_be_chunked", "/f32_le", 0.25)]
    [InlineData("/f32_be_chunked_plain", "/f32_le", 0.25)]
    public void Big_endian_datasets_equal_their_little_endian_twins(string be, string le, double offset)
    {
        string f = Fx("hdf5_byteorder.h5");
        using var b = VolumeIO.Open(f + ":" + be);
        using var l = VolumeIO.Open(f + ":" + le);
        Assert.Equal("big-endian", ((Hdf5Source)b).ByteOrder);
        Assert.Equal("little-endian", ((Hdf5Source)l).ByteOrder);
        AssertRamp(b, 5, 6, 7, (float)offset);
        var vb = VolumeIO.ReadAll(b);
        var vl = VolumeIO.ReadAll(l);
        for (int z = 0; z < 5; z++) Assert.True(vb.Slice(z).SequenceEqual(vl.Slice(z)), $"{be} slice {z} differs from {le}");
    }

    [Theory]
    [InlineData("/i16_be", -2000.0, 1.0)]
    [InlineData("/i32_be", 0.0, 1000.0)]
    [InlineData("/u32_be", 0.0, 1.0)]
    [InlineData("/f64_be", 0.5, 1.0)]
    public void Big_endian_element_types_are_swapped(string ds, double offset, double scale)
    {
        using var s = VolumeIO.Open(Fx("hdf5_byteorder.h5") + ":" + ds);
        var v = VolumeIO.ReadAll(s);
        for (int z = 0; z < 5; z++) for (int y = 0; y < 6; y++) for (int x = 0; x < 7; x++)
            Assert.Equal((float)((z * 1000 + y * 10 + x) * scale + offset), v[z, y, x]);
    }

    [Fact]
    public void A_filter_the_reader_lacks_is_refused_naming_byte_order_layout_and_problem()
    {
        string f = Fx("hdf5_byteorder.h5") + ":/u16_be_lzf";
        var e = Assert.Throws<InputException>(() => VolumeIO.Open(f));
        AssertOneLine(e, f + ": big-endian uint16 data in a chunked (1×6×7) layout cannot be read: ");
    }

    [Fact]
    public void Byte_swap_reverses_each_element()
    {
        byte[] b = [1, 2, 3, 4, 5, 6, 7, 8];
        Hdf5Source.SwapBytes(b, 2);
        Assert.Equal(new byte[] { 2, 1, 4, 3, 6, 5, 8, 7 }, b);
        Hdf5Source.SwapBytes(b, 4);
        Assert.Equal(new byte[] { 3, 4, 1, 2, 7, 8, 5, 6 }, b);
        Hdf5Source.SwapBytes(b, 8);
        Assert.Equal(new byte[] { 6, 5, 8, 7, 2, 1, 4, 3 }, b);
    }

    [Theory]
    [InlineData("/i64", "unsupported element type int64")]
    public void Unsupported_types_are_refused_at_open(string ds, string problem)
    {
        var e = Assert.Throws<InputException>(() => VolumeIO.Open(Fx("hdf5_types.h5") + ":" + ds));
        AssertOneLine(e, Fx("hdf5_types.h5") + ":" + ds + ": " + problem);
    }

    [Fact]
    public void Missing_dataset_lists_the_datasets_found()
    {
        var e = Assert.Throws<InputException>(() => VolumeIO.Open(Fx("hdf5_group.h5") + ":/entry/nope"));
        AssertOneLine(e, "'/entry/nope' not found");
        Assert.Contains("/calibration/dark (float64 2×3)", e.Message);
        Assert.Contains("/entry/data/stack (float32 3×4×7)", e.Message);
    }

    [Fact]
    public void Two_dimensional_dataset_is_refused()
    {
        var e = Assert.Throws<InputException>(() => VolumeIO.Open(Fx("hdf5_2d.h5") + ":/image"));
        AssertOneLine(e, "dataset is 2D (8×9)");
        var e2 = Assert.Throws<InputException>(() => VolumeIO.Open(Fx("hdf5_2d.h5")));
        AssertOneLine(e2, "no 3D numeric dataset found; datasets in the file: /image (uint8 8×9)");
    }

    [Fact]
    public void Missing_file_and_non_hdf5_file_are_named()
    {
        string missing = Path.Combine(_dir, "nothing.h5");
        AssertOneLine(Assert.Throws<InputException>(() => VolumeIO.Open(missing + ":/volume")), missing + ": file not found");
        string fake = Path.Combine(_dir, "fake.hdf5");
        File.WriteAllText(fake, "this is not HDF5, just text long enough to have no signature anywhere\n");
        AssertOneLine(Assert.Throws<InputException>(() => VolumeIO.Open(fake)), fake + ": not an HDF5 file");
    }

    [Theory]
    [InlineData("hdf5_uint16.h5", 0.5)]
    [InlineData("hdf5_uint16.h5", 0.9)]
    [InlineData("hdf5_group.h5", 0.5)]
    [InlineData("hdf5_group.h5", 0.9)]
    public void Truncated_file_gives_one_line_naming_the_file(string name, double keep)
    {
        var bytes = File.ReadAllBytes(Fx(name));
        string p = Path.Combine(_dir, "cut_" + name);
        File.WriteAllBytes(p, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<InputException>(() =>
        {
            using var s = VolumeIO.Open(p);
            VolumeIO.ReadAll(s);
        });
        AssertOneLine(e, p);
    }
}
