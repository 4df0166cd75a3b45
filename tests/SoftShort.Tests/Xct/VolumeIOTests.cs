using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Xct;

public class VolumeIOTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "softshort-xct-io-" + Guid.NewGuid().ToString("N"));
    public VolumeIOTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static Volume3D<ushort> Ramp(int d, int h, int w)
    {
        var v = new Volume3D<ushort>(d, h, w);
        for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) v[z, y, x] = (ushort)(z * 1000 + y * 37 + x);
        return v;
    }

    static void AssertSame(Volume3D<ushort> a, Volume3D<float> b)
    {
        Assert.Equal((a.Depth, a.Height, a.Width), (b.Depth, b.Height, b.Width));
        for (int z = 0; z < a.Depth; z++) for (int y = 0; y < a.Height; y++) for (int x = 0; x < a.Width; x++) Assert.Equal(a[z, y, x], b[z, y, x]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Raw_with_sidecar_round_trips_with_anisotropic_spacing(bool bigEndian)
    {
        var v = Ramp(4, 5, 6);
        string p = Path.Combine(_dir, "v.raw");
        VolumeIO.WriteRaw(p, v, new VolumeSpacing(3.0, 1.5, 0.75), bigEndian);
        using var s = VolumeIO.Open(p);
        Assert.Equal(new VolumeSpacing(3.0, 1.5, 0.75), s.Spacing);
        AssertSame(v, VolumeIO.ReadAll(s));
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("gzip")]
    public void Nrrd_round_trips(string encoding)
    {
        var v = Ramp(5, 3, 7);
        string p = Path.Combine(_dir, "v.nrrd");
        VolumeIO.WriteNrrd(p, v, new VolumeSpacing(2, 1, 1), encoding);
        using var s = VolumeIO.Open(p);
        Assert.Equal(new VolumeSpacing(2, 1, 1), s.Spacing);
        var f = VolumeIO.ReadAll(s);
        AssertSame(v, f);
        // random access backwards in a gzip stream
        var slice = new float[3 * 7];
        s.ReadSlice(1, slice);
        Assert.Equal(1000f, slice[0]);
    }

    [Fact]
    public void Tiff_stack_and_folder_of_slices_read_the_same()
    {
        var v = Ramp(3, 4, 5);
        string multi = Path.Combine(_dir, "stack.tif");
        Tiff.Write(multi, v);
        string folder = Path.Combine(_dir, "slices");
        Directory.CreateDirectory(folder);
        for (int z = 0; z < 3; z++)
        {
            var one = new Volume3D<ushort>(1, 4, 5);
            v.Slice(z).CopyTo(one.Slice(0));
            Tiff.Write(Path.Combine(folder, $"slice{(z == 2 ? 10 : z)}.tif"), one); // natural order: slice0, slice1, slice10
        }
        AssertSame(v, VolumeIO.Read(multi, new VolumeSpacing(1, 1, 1)));
        AssertSame(v, VolumeIO.Read(folder));
    }

    [Fact]
    public void Raw_volume_past_2_pow_31_voxels_reads_its_last_slice()
    {
        // a sparse file of 8200 × 512 × 512 uint8 = 2.15 × 10⁹ voxels (> 2³¹): only the marked bytes occupy disk
        const int d = 8200, h = 512, w = 512;
        long voxels = (long)d * h * w;
        Assert.True(voxels > int.MaxValue);
        string p = Path.Combine(_dir, "huge.raw");
        using (var fs = new FileStream(p, FileMode.Create, FileAccess.Write))
        {
            fs.SetLength(voxels);
            fs.Position = voxels - 1; fs.WriteByte(7);                      // last voxel
            fs.Position = (long)(d - 1) * h * w; fs.WriteByte(3);           // first voxel of the last slice
        }
        File.WriteAllText(p + ".json", $"{{\"shape_zyx\":[{d},{h},{w}],\"dtype\":\"uint8\",\"byte_order\":\"little\",\"spacing_um\":[1.62,1.62,1.62]}}");
        using var s = VolumeIO.Open(p);
        Assert.Equal(d, s.Depth);
        var slice = new float[h * w];
        s.ReadSlice(d - 1, slice);
        Assert.Equal(3f, slice[0]);
        Assert.Equal(7f, slice[^1]);
        Assert.Equal(voxels, (long)s.Depth * s.Height * s.Width);
    }

    [Fact]
    public void Bad_inputs_name_the_file_and_the_problem()
    {
        var v = Ramp(2, 3, 4);
        string raw = Path.Combine(_dir, "short.raw");
        VolumeIO.WriteRaw(raw, v, new VolumeSpacing(1, 1, 1));
        File.WriteAllBytes(raw, new byte[10]);
        var e = Assert.Throws<InputException>(() => VolumeIO.Open(raw));
        Assert.Contains("short.raw", e.Message);
        Assert.Contains("bytes", e.Message);

        string nrrd = Path.Combine(_dir, "bad.nrrd");
        File.WriteAllText(nrrd, "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nencoding: bzip2\n\n12345678");
        e = Assert.Throws<InputException>(() => VolumeIO.Open(nrrd));
        Assert.Contains("bzip2", e.Message);

        string folder = Path.Combine(_dir, "mixed");
        Directory.CreateDirectory(folder);
        Tiff.Write(Path.Combine(folder, "a0.tif"), new Volume3D<ushort>(1, 4, 5));
        Tiff.Write(Path.Combine(folder, "a1.tif"), new Volume3D<ushort>(1, 4, 6));
        e = Assert.Throws<InputException>(() => VolumeIO.Open(folder));
        Assert.Contains("a1.tif", e.Message);

        Assert.Throws<InputException>(() => VolumeSpacing.Parse("0"));
        Assert.Throws<InputException>(() => VolumeSpacing.Parse("NaN"));
        Assert.Throws<InputException>(() => VolumeSpacing.Parse("1,2"));
        Assert.Equal(new VolumeSpacing(3, 2, 1), VolumeSpacing.Parse("3,2,1"));
    }
}

public class VolumeFiltersTests
{
    [Fact]
    public void Median_removes_isolated_voxels_and_keeps_a_step_edge()
    {
        var v = new Volume3D<float>(5, 6, 7);
        for (int z = 0; z < 5; z++) for (int y = 0; y < 6; y++) for (int x = 0; x < 7; x++) v[z, y, x] = x < 3 ? 10 : 100;
        v[2, 3, 1] = 1000; // hot voxel in the dark half
        v[2, 2, 5] = -50;  // cold voxel in the bright half
        using var f = global::SoftShort.Xct.VolumeFilters.Median3(VolumeIO.FromMemory(v));
        var s = new float[6 * 7];
        for (int z = 0; z < 5; z++)
        {
            f.ReadSlice(z, s);
            for (int y = 0; y < 6; y++) for (int x = 0; x < 7; x++) Assert.Equal(x < 3 ? 10f : 100f, s[y * 7 + x]);
        }
    }

    [Fact]
    public void Gaussian_preserves_the_mean_of_a_uniform_volume()
    {
        var v = new Volume3D<float>(4, 5, 6);
        for (int z = 0; z < 4; z++) v.Slice(z).Fill(42);
        using var f = global::SoftShort.Xct.VolumeFilters.Gaussian(VolumeIO.FromMemory(v), 0.7);
        var s = new float[30];
        f.ReadSlice(0, s);
        Assert.All(s, x => Assert.Equal(42f, x, 4));
    }
}
