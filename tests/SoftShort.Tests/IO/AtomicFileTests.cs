using SoftShort.IO;

namespace SoftShort.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string dir = Directory.CreateTempSubdirectory("softshort-atomic").FullName;
        string path = Path.Combine(dir, "out.csv");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidOperationException("fail midway"); }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Csv_has_header_invariant_decimals_and_empty_nan()
    {
        string text = CsvTable.Format([("time_s", [0.5, 1.25]), ("voltage_V", [3.8, double.NaN])]);
        Assert.Equal("time_s,voltage_V\n0.5,3.8\n1.25,\n", text);
    }

    [Fact]
    public void Csv_with_ragged_columns_is_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ragged-{Guid.NewGuid():N}.csv");
        Assert.Throws<InputException>(() => CsvTable.Write(path, [("a", [1.0, 2.0]), ("b", [1.0])]));
        Assert.False(File.Exists(path));
    }
}
