using SoftShort.Electrochemistry;
using SoftShort.Synthetic;

namespace SoftShort.Tests.Electrochemistry;

public class CyclerImportTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Electrochemistry", "Fixtures", name);

    static readonly double[] T = [0, 30, 60, 90, 120], V = [3.70, 3.71, 3.72, 3.73, 3.74];

    [Theory]
    [InlineData("biologic_gcpl_comma_bom.mpt", CyclerFormat.BioLogic)]
    [InlineData("biologic_gcpl_point_cp1252.mpt", CyclerFormat.BioLogic)]
    [InlineData("arbin_mitspro.csv", CyclerFormat.Arbin)]
    [InlineData("neware_bts.csv", CyclerFormat.Neware)]
    public void VendorFixturesGiveCanonicalColumnsInSiUnits(string file, CyclerFormat expected)
    {
        string path = Fixture(file);
        Assert.Equal(expected, CyclerImport.Detect(path, DelimitedText.ReadLines(path)));
        var df = CyclerImport.Read(path);
        Assert.Equal(5, df.Rows.Count);
        Assert.Equal(CyclerColumns.All, df.Columns.Take(6).Select(c => c.Name));
        var t = CyclerImport.Column(df, CyclerColumns.TimeS);
        var v = CyclerImport.Column(df, CyclerColumns.VoltageV);
        var i = CyclerImport.Column(df, CyclerColumns.CurrentA);
        var q = CyclerImport.Column(df, CyclerColumns.CapacityMAh);
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(T[k], t[k], 6);
            Assert.Equal(V[k], v[k], 6);
            Assert.Equal(63e-6, i[k], 9);
            Assert.Equal(0.063 * T[k] / 3600, q[k], 6);
        }
        Assert.All(CyclerImport.Column(df, CyclerColumns.Cycle), c => Assert.Equal(1, c));
        // Unknown columns are kept.
        Assert.True(df.Columns.Count > 6);
    }

    [Fact]
    public void BioLogicHeaderCountAndExtraColumnsKept()
    {
        string path = Fixture("biologic_gcpl_comma_bom.mpt");
        var lines = DelimitedText.ReadLines(path);
        int n = CyclerImport.BioLogicHeaderLines(path, lines);
        Assert.StartsWith("mode\tox/red", lines[n - 1]);
        var df = CyclerImport.Read(path);
        Assert.Contains(df.Columns, c => c.Name == "Temperature/°C");
        Assert.Equal(25.0, CyclerImport.Column(df, "Temperature/°C")[2], 9);
        var df2 = CyclerImport.Read(Fixture("biologic_gcpl_point_cp1252.mpt"));
        Assert.Contains(df2.Columns, c => c.Name == "Temperature/°C");
    }

    [Fact]
    public void GenericCsvWithMappingScalesUnits()
    {
        var map = CyclerImport.ParseMapping("time_s=t_min*60,voltage_V=U_cell,current_A=I_uA*1e-6");
        var df = CyclerImport.Read(Fixture("generic_semicolon.csv"), CyclerFormat.Auto, map);
        var t = CyclerImport.Column(df, CyclerColumns.TimeS);
        Assert.Equal(T, t.Select(x => Math.Round(x, 6)));
        Assert.Equal(63e-6, CyclerImport.Column(df, CyclerColumns.CurrentA)[3], 12);
        // Capacity integrated from current when the file has none: 63 µA for 120 s.
        Assert.Equal(0.063 * 120 / 3600, CyclerImport.Column(df, CyclerColumns.CapacityMAh)[4], 9);
        Assert.Contains(df.Columns, c => c.Name == "note");
    }

    [Theory]
    [InlineData("bad_unknown.csv", "unknown cycler export format")]
    [InlineData("bad_time_backwards.csv", "time goes backwards")]
    [InlineData("bad_nan_row.csv", "not a finite number")]
    [InlineData("bad_truncated.mpt", "truncated")]
    public void BadInputGivesOneLineErrorNamingTheFile(string file, string problem)
    {
        var e = Assert.Throws<InputException>(() => CyclerImport.Read(Fixture(file)));
        Assert.Contains(file, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingRequiredColumnListsColumnsFound()
    {
        var map = CyclerImport.ParseMapping("time_s=t_min,voltage_V=U_cell");
        var e = Assert.Throws<InputException>(() => CyclerImport.Read(Fixture("generic_semicolon.csv"), CyclerFormat.Generic, map));
        Assert.Contains("current_A", e.Message);
        Assert.Contains("t_min, U_cell, I_uA, note", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SyntheticMptRoundTrips(bool decimalComma)
    {
        var m = new CyclerModel { DurationH = 2 };
        var r = CyclerSimulator.Simulate(m, ShortCase.Normal, 0.005, 3);
        string path = Path.Combine(Path.GetTempPath(), $"softshort-rt-{Guid.NewGuid():N}.mpt");
        try
        {
            CyclerSimulator.WriteMpt(path, r, m, decimalComma);
            var df = CyclerImport.Read(path);
            var v = CyclerImport.Column(df, CyclerColumns.VoltageV);
            var t = CyclerImport.Column(df, CyclerColumns.TimeS);
            Assert.Equal(r.VoltageV.Length, v.Length);
            for (int k = 0; k < v.Length; k++) { Assert.Equal(r.VoltageV[k], v[k], 1e-6); Assert.Equal(r.TimeS[k], t[k], 1e-5); }
        }
        finally { File.Delete(path); }
    }
}
