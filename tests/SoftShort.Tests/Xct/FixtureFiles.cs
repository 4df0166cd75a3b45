using System.IO.Compression;

namespace SoftShort.Tests.Xct;

/// <summary>Finds the committed fixtures (made by Fixtures/make_fixtures.py with Debian python3-scipy/skimage).</summary>
static class FixtureFiles
{
    public static string Dir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                string c = Path.Combine(d.FullName, "tests", "SoftShort.Tests", "Xct", "Fixtures");
                if (Directory.Exists(c)) return c;
            }
            throw new DirectoryNotFoundException("tests/SoftShort.Tests/Xct/Fixtures not found above " + AppContext.BaseDirectory);
        }
    }

    public static byte[] ReadGz(string name)
    {
        using var fs = File.OpenRead(Path.Combine(Dir, name));
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
