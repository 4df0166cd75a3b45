using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Radiography;

public class BadInputTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), $"softshort-rad-bad-{Guid.NewGuid():N}");
    public BadInputTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    string WriteU16(string name, int w, int h, int pages, ushort value)
    {
        string p = Path.Combine(_dir, name);
        using var wr = TiffStackWriter<ushort>.Create(p, w, h, pages);
        for (int i = 0; i < pages; i++) wr.Append(Enumerable.Repeat(value, w * h).ToArray());
        wr.Commit();
        return p;
    }

    [Fact]
    public void EmptyGlob_NamesTheOption()
    {
        var ex = Assert.Throws<InputException>(() => FrameFiles.Expand([Path.Combine(_dir, "*.tif")], "--sample"));
        Assert.Contains("--sample", ex.Message);
    }

    [Fact]
    public void MixedSizes_NameTheFile()
    {
        var a = WriteU16("a.tif", 8, 6, 1, 100);
        var b = WriteU16("b.tif", 7, 6, 1, 100);
        var ex = Assert.Throws<InputException>(() => FrameFiles.Read([a, b]).ToList());
        Assert.Contains("b.tif", ex.Message);
    }

    [Fact]
    public void TruncatedTiff_IsAOneLineError()
    {
        var a = WriteU16("t.tif", 64, 64, 3, 1000);
        var bytes = File.ReadAllBytes(a);
        File.WriteAllBytes(a, bytes[..(bytes.Length / 2)]);
        var ex = Assert.ThrowsAny<InputException>(() => FrameFiles.Read([a]).ToList());
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void NaturalOrder_PutsFrame2BeforeFrame10()
    {
        foreach (var n in new[] { "f_10.tif", "f_2.tif", "f_1.tif" }) WriteU16(n, 2, 2, 1, 1);
        var files = FrameFiles.Expand([Path.Combine(_dir, "f_*.tif")], "x").Select(f => Path.GetFileName(f)!).ToList();
        Assert.Equal(new List<string> { "f_1.tif", "f_2.tif", "f_10.tif" }, files);
    }

    [Fact]
    public void TimesCsv_WithoutTimeColumn_IsRejected()
    {
        string p = Path.Combine(_dir, "t.csv");
        File.WriteAllText(p, "page,t\n0,1\n");
        Assert.Throws<InputException>(() => FrameFiles.ReadTimes(p));
    }

    [Fact]
    public void ProfileOutsideImage_IsRejected()
    {
        var img = new Image2D<float>(10, 10);
        Assert.Throws<InputException>(() => LineProfile.Sample(img, 0, 0, 20, 0));
    }
}
