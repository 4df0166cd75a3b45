using System.Text.Json;
using SoftShort.Cli;
using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// <c>radiography normalize</c>: 16-bit counts take the fused uint16 path (<see cref="Normalizer.NormalizeRaw"/>, read on a second
/// thread), other sample types the float path; both must give the same float32 frames as the plain float chain computed here
/// (widen, <see cref="GammaFilter.Apply(Image2D{float}, GammaFilterOptions)"/>, <see cref="Normalizer.Normalize(float[], float[])"/>),
/// bit for bit, for TIFF and FITS inputs.
/// </summary>
public class NormalizeCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"softshort-radnorm-{Guid.NewGuid():N}")).FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static int Run(params string[] args) => SoftShortApp.Run(args, new StringWriter());

    /// <summary>The float chain of the command, computed directly: OB median, DF mean (both gamma-filtered), Eq. 1 + ROI per page.</summary>
    static List<float[]> Expected(string raw, IEnumerable<Image2D<float>> samplePages, GammaFilterMode mode)
    {
        var gU16 = new GammaFilterOptions { Mode = mode, DtypeMax = 65535 };
        var ob = Tiff.ReadPagesAsFloat(Path.Combine(raw, "ob.tif")).ToList();
        var df = Tiff.ReadPagesAsFloat(Path.Combine(raw, "df.tif")).ToList();
        foreach (var im in ob.Concat(df)) GammaFilter.Apply(im, gU16);
        var norm = new Normalizer(Normalizer.Combine(ob, FrameCombine.Median), Normalizer.Combine(df, FrameCombine.Mean),
            new NormalizationOptions { BeamRegions = [new PixelRegion(0, 0, 9, 103)] });
        var result = new List<float[]>();
        foreach (var img in samplePages)
        {
            GammaFilter.Apply(img, gU16);
            var d = new float[img.Pixels.Length];
            norm.Normalize(img.Pixels, d);
            result.Add(d);
        }
        return result;
    }

    static void AssertBitEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])),
                $"pixel {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("outlier")]
    [InlineData("none")]
    public void Uint16Tiff_FusedPath_EqualsTheFloatChain(string gamma)
    {
        string raw = Path.Combine(_dir, "raw"), out1 = Path.Combine(_dir, "norm");
        Assert.Equal(0, Run("synth", "radiography", "--max-frames", "3", "--out", raw));
        Assert.Equal(0, Run("radiography", "normalize", "--sample", Path.Combine(raw, "sample.tif"), "--ob", Path.Combine(raw, "ob.tif"), "--df", Path.Combine(raw, "df.tif"),
            "--roi", "0,0,9,103", "--gamma", gamma, "--out", out1));
        var mode = GammaFilterOptions.ParseMode(gamma);
        var expected = Expected(raw, Tiff.ReadPagesAsFloat(Path.Combine(raw, "sample.tif")), mode);
        var got = Tiff.ReadPagesAsFloat(Path.Combine(out1, "sample.tif")).ToList();
        Assert.Equal(3, got.Count);
        for (int p = 0; p < 3; p++) AssertBitEqual(expected[p], got[p].Pixels);
        using var sum = JsonDocument.Parse(File.ReadAllText(Path.Combine(out1, "summary.json")));
        Assert.Equal(3, sum.RootElement.GetProperty("frames_fused_uint16").GetDouble());
        // the frames' acquisition times travel to the output pages
        Assert.Equal(FrameFiles.Times(Path.Combine(raw, "sample.tif")), FrameFiles.Times(Path.Combine(out1, "sample.tif")));
        if (mode == GammaFilterMode.Auto) Assert.True(sum.RootElement.GetProperty("gamma_pixels_sample").GetDouble() > 0);
    }

    [Fact]
    public void Float32AndFitsSamples_GiveTheSameFramesAsTheUint16Tiff()
    {
        string raw = Path.Combine(_dir, "raw"), fits = Path.Combine(_dir, "fits");
        Assert.Equal(0, Run("synth", "radiography", "--max-frames", "3", "--out", raw));
        Assert.Equal(0, Run("synth", "radiography", "--max-frames", "3", "--format", "fits", "--out", fits));
        // the same counts as a float32 TIFF (float path; auto mode refuses float, so outlier and none)
        string f32 = Path.Combine(_dir, "f32", "sample.tif");
        Directory.CreateDirectory(Path.GetDirectoryName(f32)!);
        using (var w = TiffStackWriter<float>.Create(f32, 424, 104, 3))
        {
            foreach (var page in Tiff.ReadPagesAsFloat(Path.Combine(raw, "sample.tif"))) w.Append(page.Pixels);
            w.Commit();
        }
        foreach (string gamma in new[] { "outlier", "none" })
        {
            string a = Path.Combine(_dir, "a-" + gamma), b = Path.Combine(_dir, "b-" + gamma), c = Path.Combine(_dir, "c-" + gamma);
            string[] common = ["--ob", Path.Combine(raw, "ob.tif"), "--df", Path.Combine(raw, "df.tif"), "--roi", "0,0,9,103", "--gamma", gamma];
            Assert.Equal(0, Run(["radiography", "normalize", "--sample", Path.Combine(raw, "sample.tif"), .. common, "--out", a]));
            Assert.Equal(0, Run(["radiography", "normalize", "--sample", f32, .. common, "--out", b]));
            Assert.Equal(0, Run(["radiography", "normalize", "--sample", Path.Combine(fits, "sample", "*.fits"), .. common, "--out", c]));
            var ta = Tiff.ReadPagesAsFloat(Path.Combine(a, "sample.tif")).ToList();
            var tb = Tiff.ReadPagesAsFloat(Path.Combine(b, "sample.tif")).ToList();
            var fc = FrameFiles.Expand([Path.Combine(c, "*.tif")], "c").Select(f => Tiff.ReadPageAsFloat(f)).ToList();
            Assert.Equal(3, fc.Count);
            for (int p = 0; p < 3; p++) { AssertBitEqual(ta[p].Pixels, tb[p].Pixels); AssertBitEqual(ta[p].Pixels, fc[p].Pixels); }
        }
    }

    [Fact]
    public void FitsUInt16_ReadsTheSameCountsAsFloat()
    {
        var rng = new Random(4);
        int w = 37, h = 11;
        var px = new ushort[w * h];
        for (int i = 0; i < px.Length; i++) px[i] = (ushort)rng.Next(0, 65536);
        px[0] = 0; px[1] = 65535; px[2] = 32768; px[3] = 32767;
        string f = Path.Combine(_dir, "u.fits");
        Fits.WriteUInt16(f, px, w, h);
        var got = FrameFiles.ReadPagesUInt16(f, () => new ushort[w * h]).Single();
        Assert.Equal(px, got);
        Assert.Equal(px.Select(v => (float)v).ToArray(), Fits.ReadImage(f).Pixels);
        // a float FITS is refused by the uint16 reader, naming the file
        string g = Path.Combine(_dir, "f.fits");
        Fits.WriteFloat32(g, new float[w * h], w, h);
        var e = Assert.Throws<InputException>(() => FrameFiles.ReadPagesUInt16(g, () => new ushort[w * h]).ToList());
        Assert.Contains("f.fits", e.Message);
    }
}
