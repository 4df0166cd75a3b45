using System.Text.Json.Nodes;
using SoftShort.Cli;
using SoftShort.Electrochemistry;
using static SoftShort.Tests.Electrochemistry.CyclerImportTests;

namespace SoftShort.Tests.Electrochemistry;

public class EchemCliTests
{
    static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = SoftShortApp.Run(args, err);
        return (code, err.ToString());
    }

    static string TempDir() => Path.Combine(Path.GetTempPath(), $"softshort-echem-{Guid.NewGuid():N}");

    [Fact]
    public void SynthThenClassifyWritesSummaryWithPlantedClassAndOnset()
    {
        string data = TempDir(), outDir = TempDir();
        try
        {
            var (code, err) = Run("synth", "cycler", "--out", data);
            Assert.True(code == 0, err);
            (code, err) = Run("echem", "classify", Path.Combine(data, "cycler_soft_short_noise20mV.mpt"), "--out", outDir);
            Assert.True(code == 0, err);
            var s = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
            Assert.Equal("SoftShort", (string?)s["class"]);
            Assert.InRange((double)s["onset_s"]!, 4.5 * 3600 - 300, 4.5 * 3600 + 300);
            Assert.True(File.Exists(Path.Combine(outDir, "drops.csv")));

            string dcOut = TempDir();
            (code, err) = Run("echem", "dc-conductivity", Path.Combine(data, "dc_polarization.csv"), "--mass-mg", "126", "--density-g-cm3", "1.87",
                "--porosity", "0.1625", "--diameter-mm", "12.6", "--voltage-v", "0.5", "--out", dcOut);
            Assert.True(code == 0, err);
            var d = JsonNode.Parse(File.ReadAllText(Path.Combine(dcOut, "summary.json")))!;
            Assert.InRange((double)d["conductivity_S_per_cm"]!, 3.2e-9 * 0.98, 3.2e-9 * 1.02);
            Directory.Delete(dcOut, true);

            string eisOut = TempDir();
            (code, err) = Run("echem", "eis-fit", Path.Combine(data, "eis_healthy.mpt"), "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)-W1", "--out", eisOut);
            Assert.True(code == 0, err);
            var e = JsonNode.Parse(File.ReadAllText(Path.Combine(eisOut, "summary.json")))!;
            Assert.InRange((double)e["parameters"]!["R2"]!, 600 * 0.98, 600 * 1.02);
            Assert.True((bool)e["lin_kk_valid"]!);
            Directory.Delete(eisOut, true);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, true);
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Theory]
    [InlineData("import", "bad_unknown.csv")]
    [InlineData("import", "bad_time_backwards.csv")]
    [InlineData("classify", "bad_nan_row.csv")]
    [InlineData("eis-fit", "bad_truncated.mpt", "--circuit", "R0")]
    [InlineData("eis-fit", "eis_generic_rc.csv", "--circuit", "R0-p(R1,C1")]
    [InlineData("dc-conductivity", "bad_unknown.csv", "--thickness-mm", "0.6", "--diameter-mm", "12.6")]
    public void BadInputIsOneLineExit1AndWritesNothing(string verb, string file, params string[] rest)
    {
        string outDir = TempDir();
        var (code, err) = Run(["echem", verb, Fixture(file), .. rest, "--out", outDir]);
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("softshort: ", err);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir).Any());
    }

    [Fact]
    public void DcConductivityNeedsGeometry()
    {
        var (code, err) = Run("echem", "dc-conductivity", Fixture("bad_unknown.csv"), "--diameter-mm", "12.6");
        Assert.Equal(2, code);
        Assert.Contains("--thickness-mm", err);
    }

    [Fact]
    public void FitThatDoesNotConvergeSaysSoAndReturnsBestPoint()
    {
        var c = EquivalentCircuit.Parse(EisShortClassifier.HealthyCircuit);
        var s = EisSpectrum.Synthesize(c, [40, 150, 1e-7, 0.9, 600, 2e-5, 0.85, 200], EisSpectrum.LogFrequencies(), 0.01, 1);
        var fit = EisFit.Fit(c, s, [1, 1, 1, 0.5, 1, 1, 0.5, 1], restarts: 0, maxIterations: 3);
        Assert.False(fit.Converged);
        Assert.Contains("did not converge", fit.Message);
        Assert.True(double.IsFinite(fit.ResidualRms));
        Assert.Equal(c.ParameterCount, fit.Parameters.Length);
    }
}
