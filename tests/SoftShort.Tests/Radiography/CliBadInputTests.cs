using SoftShort.Cli;
using SoftShort.IO;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// Bad radiography inputs through the commands (the user's path): truncated/mutated TIFF and FITS, mixed sizes, a float file where
/// 16-bit counts are expected, an empty glob, an all-zero open beam → one line naming the file or option, exit 1, no output file left.
/// </summary>
public class CliBadInputTests(CliBadInputTests.RawData data) : IDisposable, IClassFixture<CliBadInputTests.RawData>
{
    /// <summary>Three raw frames, OB and DF made once for the class by <c>softshort synth radiography</c>.</summary>
    public sealed class RawData : IDisposable
    {
        public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"softshort-radcli-raw-{Guid.NewGuid():N}");
        public RawData() => Assert.Equal(0, Run("synth", "radiography", "--max-frames", "3", "--out", Dir).Code);
        public void Dispose() { try { Directory.Delete(Dir, true); } catch (IOException) { } }
    }

    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"softshort-radcli-{Guid.NewGuid():N}")).FullName;
    readonly string _raw = data.Dir;
    string _out => Path.Combine(_dir, "out");

    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = SoftShortApp.Run(args, err);
        return (code, err.ToString());
    }

    (int Code, string Err) Normalize(string sample, string ob, string df) =>
        Run("radiography", "normalize", "--sample", sample, "--ob", ob, "--df", df, "--roi", "0,0,9,103", "--out", _out);

    void AssertRefused((int Code, string Err) r, string names)
    {
        Assert.Equal(1, r.Code);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Contains(names, r.Err);
        // nothing half-written: no image (or temporary file) in the output folder
        if (Directory.Exists(_out)) Assert.DoesNotContain(Directory.GetFiles(_out), f => !f.EndsWith(".json", StringComparison.Ordinal));
    }

    string S => Path.Combine(_raw, "sample.tif");
    string Ob => Path.Combine(_raw, "ob.tif");
    string Df => Path.Combine(_raw, "df.tif");

    [Fact]
    public void GoodInput_Works() => Assert.Equal(0, Normalize(S, Ob, Df).Code);

    [Fact]
    public void TruncatedSample_NamesTheFile()
    {
        string t = Path.Combine(_dir, "trunc.tif");
        var b = File.ReadAllBytes(S);
        File.WriteAllBytes(t, b[..(b.Length * 2 / 3)]);
        AssertRefused(Normalize(t, Ob, Df), "trunc.tif");
    }

    [Fact]
    public void MutatedFiles_AreRefusedInOneLineOrRead_NeverACrash()
    {
        var rng = new Random(7);
        var src = File.ReadAllBytes(Ob);
        string m = Path.Combine(_dir, "mut.tif");
        for (int k = 0; k < 25; k++)
        {
            var b = (byte[])src.Clone();
            for (int j = 0; j < 1 + rng.Next(6); j++) b[rng.Next(k % 2 == 0 ? 512 : b.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(m, b);
            var (code, err) = Normalize(S, m, Df);
            Assert.True(code is 0 or 1, $"exit {code}: {err}");
            if (code == 1) { Assert.Single(err.Trim().Split('\n')); Assert.DoesNotContain("   at ", err); }
            if (Directory.Exists(_out)) Directory.Delete(_out, true);
        }
    }

    [Fact]
    public void MixedSizes_NameTheFile()
    {
        string small = Path.Combine(_dir, "ob_small.tif");
        using (var w = TiffStackWriter<ushort>.Create(small, 100, 50)) { w.Append(new ushort[100 * 50]); w.Commit(); }
        AssertRefused(Normalize(S, small, Df), "ob_small.tif");
    }

    [Fact]
    public void FloatSample_WithGammaAuto_IsRefused()
    {
        string f = Path.Combine(_dir, "float.tif");
        Tiff.Write(f, new SoftShort.Imaging.Image2D<float>(424, 104));
        AssertRefused(Normalize(f, Ob, Df), "auto");
    }

    [Fact]
    public void EmptyGlob_NamesTheOption() => AssertRefused(Normalize(Path.Combine(_dir, "none_*.tif"), Ob, Df), "--sample");

    [Fact]
    public void AllZeroOpenBeam_IsRefused()
    {
        string z = Path.Combine(_dir, "zero_ob.tif");
        using (var w = TiffStackWriter<ushort>.Create(z, 424, 104)) { w.Append(new ushort[424 * 104]); w.Commit(); }
        AssertRefused(Normalize(S, z, Df), "--ob");
    }

    [Fact]
    public void TruncatedFits_NamesTheFile()
    {
        string f = Path.Combine(_dir, "frame.fits");
        Fits.WriteUInt16(f, new ushort[424 * 104], 424, 104, timeS: 0);
        var b = File.ReadAllBytes(f);
        File.WriteAllBytes(f, b[..(b.Length - 5000)]);
        AssertRefused(Normalize(f, Ob, Df), "frame.fits");
    }

    [Fact]
    public void MixedSizes_DarkFieldOrALaterSample_NameTheFile()
    {
        string small = Path.Combine(_dir, "df_small.tif");
        using (var w = TiffStackWriter<ushort>.Create(small, 424, 103)) { w.Append(new ushort[424 * 103]); w.Commit(); }
        AssertRefused(Normalize(S, Ob, small), "df_small.tif");
        string s2 = Path.Combine(_dir, "s2_wide.tif");
        using (var w = TiffStackWriter<ushort>.Create(s2, 425, 104)) { w.Append(new ushort[425 * 104]); w.Commit(); }
        AssertRefused(Run("radiography", "normalize", "--sample", S, "--sample", s2, "--ob", Ob, "--df", Df, "--out", _out), "s2_wide.tif");
    }

    [Fact]
    public void TruncatedLaterSample_RemovesTheOutputsOfEarlierOnes()
    {
        // sample 1 is fine and normalised first; sample 2 is cut in its page data: the command fails naming it and leaves no image
        string t = Path.Combine(_dir, "z_trunc.tif");
        var b = File.ReadAllBytes(S);
        File.WriteAllBytes(t, b[..(b.Length * 2 / 3)]);
        var r = Run("radiography", "normalize", "--sample", S, "--sample", t, "--ob", Ob, "--df", Df, "--out", _out);
        AssertRefused(r, "z_trunc.tif");
        Assert.False(File.Exists(Path.Combine(_out, "sample.tif")));
    }

    [Fact]
    public void TwoSamplesWithOneBaseName_AreRefused()
    {
        string d2 = Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName;
        File.Copy(S, Path.Combine(d2, "sample.tif"));
        AssertRefused(Run("radiography", "normalize", "--sample", S, "--sample", Path.Combine(d2, "sample.tif"), "--ob", Ob, "--df", Df, "--out", _out), "base name");
    }

    [Fact]
    public void MutatedFitsOpenBeams_AreRefusedInOneLineOrRead_NeverACrash()
    {
        var rng = new Random(9);
        string good = Path.Combine(_dir, "ob.fits");
        Fits.WriteUInt16(good, Tiff.ReadPageAsFloat(Ob).Pixels.Select(v => (ushort)v).ToArray(), 424, 104, timeS: 0);
        var src = File.ReadAllBytes(good);
        string m = Path.Combine(_dir, "mut.fits");
        int refused = 0;
        for (int k = 0; k < 20; k++)
        {
            var b = (byte[])src.Clone();
            // header cards (the first 2880-byte block) or the data; every 5th file cut short instead
            if (k % 5 == 4) b = b[..rng.Next(1, b.Length)];
            else for (int j = 0; j < 1 + rng.Next(6); j++) b[rng.Next(k % 2 == 0 ? 2880 : b.Length)] = (byte)rng.Next(32, 127);
            File.WriteAllBytes(m, b);
            var (code, err) = Normalize(S, m, Df);
            Assert.True(code is 0 or 1, $"exit {code}: {err}");
            if (code == 1) { refused++; Assert.Single(err.Trim().Split('\n')); Assert.DoesNotContain("   at ", err); Assert.Contains("mut.fits", err); }
            if (Directory.Exists(_out)) Directory.Delete(_out, true);
        }
        Assert.True(refused >= 4); // at least the truncated ones
    }

    [Fact]
    public void BinOfTruncatedStack_LeavesNoBinnedFile()
    {
        string t = Path.Combine(_dir, "trunc.tif");
        var b = File.ReadAllBytes(S);
        File.WriteAllBytes(t, b[..(b.Length * 2 / 3)]);
        AssertRefused(Run("radiography", "bin", t, "-n", "2", "--out", _out), "trunc.tif");
    }
}
