using System.Text.Json;
using SoftShort.Cli;
using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Xct;

public class XctCliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "softshort-xct-cli-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = SoftShortApp.Run(args, err);
        return (code, err.ToString());
    }

    [Fact]
    public void Synth_then_fractions_and_regions_write_their_tables()
    {
        string syn = Path.Combine(_dir, "syn");
        Assert.Equal(0, Run("synth", "xct", "--voxel-um", "40", "--out", syn).Code);
        string vol = Path.Combine(syn, "cell_xct.tif");
        Assert.True(File.Exists(vol) && File.Exists(vol + ".json") && File.Exists(Path.Combine(syn, "truth.json")));

        string fr = Path.Combine(_dir, "fr");
        var (code, err) = Run("xct", "fractions", "--in", vol, "--layers", "5", "--out", fr);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(Path.Combine(fr, "fractions.csv"));
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("layer,", lines[0]);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(fr, "summary.json")));
        Assert.Equal(5, doc.RootElement.GetProperty("parameters").GetProperty("layers").GetInt32());

        string rg = Path.Combine(_dir, "rg");
        Assert.Equal(0, Run("xct", "regions", "--in", vol, "--connectivity", "6", "--out", rg).Code);
        Assert.True(File.ReadAllLines(Path.Combine(rg, "regions.csv")).Length > 2);
    }

    [Fact]
    public void Label_writes_uint32_labels_in_scipy_order()
    {
        var m = new Volume3D<byte>(3, 4, 5);
        m[0, 0, 4] = 9; m[2, 3, 0] = 1; m[2, 3, 1] = 1; m[1, 1, 1] = 5;
        Directory.CreateDirectory(_dir);
        string mask = Path.Combine(_dir, "mask.tif"), labels = Path.Combine(_dir, "labels.tif");
        Tiff.Write(mask, m);
        var (code, err) = Run("xct", "label", "--in", mask, "--connectivity", "6", "--out", labels);
        Assert.True(code == 0, err);
        var l = Tiff.ReadVolumeAsFloat(labels);
        Assert.Equal(TiffSampleType.UInt32, Tiff.ReadInfo(labels).SampleType);
        Assert.Equal(1f, l[0, 0, 4]);
        Assert.Equal(2f, l[1, 1, 1]);
        Assert.Equal(3f, l[2, 3, 0]);
        Assert.Equal(3f, l[2, 3, 1]);
    }

    [Theory]
    [InlineData("xct", "fractions", "--in", "/no/such/volume.tif", "--out", "/tmp/softshort-never")]
    [InlineData("xct", "profile", "--in", "/no/such/dir.raw")]
    public void Bad_input_is_one_line_naming_the_file_and_exit_1(params string[] args)
    {
        var (code, err) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains("/no/such/", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("xct", "label", "--in", "x.tif", "--connectivity", "8")]
    [InlineData("xct", "segment", "--in", "x.tif", "--classes", "7")]
    [InlineData("xct", "fractions", "--in", "x.tif", "--layers", "0")]
    public void Bad_options_are_usage_errors(params string[] args) => Assert.Equal(2, Run(args).Code);
}
