using System.Globalization;
using System.Text.Json.Nodes;
using SoftShort.Cli;
using SoftShort.IO;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// <c>softshort fe run</c> through the CLI layer: a run that cannot go on writes its last converged state (mesh, deformed nodes, fields,
/// contour maps, summary.json with status "stopped") and exits 1 with one line; bad configs are one-line errors naming the key.
/// </summary>
public class FeCliTests
{
    static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = SoftShortApp.Run(args, err);
        return (code, err.ToString());
    }

    static string TempDir() => Path.Combine(Path.GetTempPath(), $"softshort-fe-{Guid.NewGuid():N}");

    static List<double[]> ReadCsv(string path, out string[] header)
    {
        var lines = File.ReadAllLines(path);
        header = lines[0].Split(',');
        var rows = new List<double[]>();
        foreach (var l in lines.Skip(1))
            rows.Add([.. l.Split(',').Select(c => c.Length == 0 ? double.NaN : double.Parse(c, CultureInfo.InvariantCulture))]);
        return rows;
    }

    static string Config(string dir, string json)
    {
        Directory.CreateDirectory(dir);
        string p = Path.Combine(dir, "cell.json");
        File.WriteAllText(p, json);
        return p;
    }

    /// <summary>Checks that the mesh/field files are complete for the snapshots summary.json announces; returns the summary.</summary>
    static JsonNode CheckComplete(string outDir)
    {
        var sum = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        int ns = (int)sum["snapshots"]!;
        var elems = ReadCsv(Path.Combine(outDir, "mesh_elements.csv"), out var eh);
        Assert.Equal(["element", "node_0", "node_1", "node_2", "node_3", "region"], eh);
        int ne = elems.Count, nn = (int)elems.Max(r => r[1..5].Max()) + 1;
        var nodes = ReadCsv(Path.Combine(outDir, "deformed_nodes.csv"), out _);
        Assert.Equal(ns * nn, nodes.Count);
        foreach (var r in nodes) { Assert.Equal(r[2] + r[4], r[6], 12); Assert.Equal(r[3] + r[5], r[7], 12); }
        var fields = ReadCsv(Path.Combine(outDir, "element_fields.csv"), out _);
        Assert.Equal(ns * ne, fields.Count);
        foreach (var name in new[] { "von_mises_MPa.tif", "pressure_MPa.tif", "eqps.tif" })
            Assert.Equal(ns, Tiff.ReadPagesAsFloat(Path.Combine(outDir, name)).Count());
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
        return sum;
    }

    [Fact]
    public void A_run_stopped_by_its_increment_budget_writes_the_last_converged_state_which_matches_the_unstopped_run()
    {
        string dir = TempDir();
        try
        {
            // 0.4 mm mesh: densification 7, release 3, stacking 10 increments; a budget of 22 stops the charge after 2 of its 4 increments
            const string mesh = "\"element_size_mm\": 0.4, \"charge_increments\": 4";
            string full = Path.Combine(dir, "full"), outDir = Path.Combine(dir, "stopped");
            var (code, err) = Run("fe", "run", "--config", Config(dir + "/a", $"{{{mesh}}}"), "--out", full);
            Assert.True(code == 0, err);
            var fullSum = CheckComplete(full);
            Assert.Equal("completed", (string)fullSum["status"]!);
            var fullP = ReadCsv(Path.Combine(full, "pressure_vs_time.csv"), out _);

            // an earlier complete run in the same folder: its curves of the charge's end must not survive
            Run("fe", "run", "--config", Config(dir + "/b", $"{{{mesh}}}"), "--out", outDir);
            Assert.True(File.Exists(Path.Combine(outDir, "li_wall_profile.csv")));
            (code, err) = Run("fe", "run", "--config", Config(dir + "/c", $"{{{mesh}, \"max_increments\": 22}}"), "--out", outDir);
            Assert.Equal(1, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains("max_increments", err);
            Assert.Contains(outDir, err);
            var sum = CheckComplete(outDir);
            Assert.Equal("stopped", (string)sum["status"]!);
            Assert.Equal("3 charge", (string)sum["stopped_step"]!);
            Assert.Equal(0.5, (double)sum["stopped_tau"]!, 12);
            Assert.Equal(3, (int)sum["completed_steps"]!);
            Assert.Null(sum["final_internal_pressure_MPa"]);
            Assert.Null(sum["inverted_element"]);
            Assert.False(File.Exists(Path.Combine(outDir, "li_wall_profile.csv")));
            Assert.False(File.Exists(Path.Combine(outDir, "li_thickness_profile.csv")));
            // the stopped state is a converged state of the same history: pressure history, bulge and gap identical to the full run's
            var p = ReadCsv(Path.Combine(outDir, "pressure_vs_time.csv"), out _);
            Assert.Equal(3, p.Count); // t = 0, 5, 10 h
            for (int i = 0; i < p.Count; i++) { Assert.Equal(fullP[i][0], p[i][0], 12); Assert.Equal(fullP[i][1], p[i][1], 9); }
            Assert.Equal(p[^1][1], (double)sum["last_charge_pressure_MPa"]!, 12);
            Assert.Equal((double)fullSum["ptfe_bulge_um"]!, (double)sum["ptfe_bulge_um"]!, 9);
            Assert.Equal((double)fullSum["gap_um"]!, (double)sum["gap_um"]!, 9);
            Assert.Equal(20 * 3600 * 0.5 + 661, (double)sum["stopped_time_s"]!, 6); // 600 s pressing + 1 s release + 60 s stacking + 10 h
            // the last snapshot is the τ = 0.5 charge state: the pressure has risen above the 10 MPa stack pressure, but not to the end value
            Assert.InRange(p[^1][1], 10.5, fullP[^1][1] - 1);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_run_that_does_not_converge_stops_with_one_line_and_writes_the_last_converged_state()
    {
        string dir = TempDir();
        try
        {
            // one Newton iteration can never meet the tolerance (the residual is only checked at the start of an iteration): the
            // first increment is cut back to < 1e-6 and the run stops in the densification with the initial state as its last converged one
            string outDir = Path.Combine(dir, "out");
            var (code, err) = Run("fe", "run", "--config", Config(dir, "{\"element_size_mm\": 0.4, \"max_newton_iterations\": 1}"), "--out", outDir);
            Assert.Equal(1, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains("no convergence", err);
            Assert.Contains("1 densification", err);
            var sum = CheckComplete(outDir);
            Assert.Equal("stopped", (string)sum["status"]!);
            Assert.Equal("1 densification", (string)sum["stopped_step"]!);
            Assert.Equal(0.0, (double)sum["stopped_tau"]!);
            Assert.Equal(0, (int)sum["completed_steps"]!);
            Assert.Null(sum["ptfe_bulge_um"]);
            Assert.True((int)sum["cutbacks"]! >= 9, $"cutbacks {sum["cutbacks"]}"); // 0.1 · 0.25⁹ < 1e-6
            Assert.Equal(1, (int)sum["snapshots"]!);
            foreach (var r in ReadCsv(Path.Combine(outDir, "deformed_nodes.csv"), out _)) { Assert.Equal(0, r[4]); Assert.Equal(0, r[5]); }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("{\"li_nu\": 0.5}", "li_nu")]
    [InlineData("{\"tube_nu\": 0.62}", "tube_nu")]
    [InlineData("{\"se_e_mpa\": -22000}", "se_e_mpa")]
    [InlineData("{\"tube_e_mpa\": 0}", "tube_e_mpa")]
    [InlineData("{\"no_such_key\": 3}", "no_such_key")]
    [InlineData("{\"element_size_mm\": \"fine\"}", "element_size_mm")]
    [InlineData("{\"stack_pressure_mpa\": -10}", "stack_pressure_mpa")]
    [InlineData("{\"max_increments\": -1}", "max_increments")]
    public void A_bad_config_is_a_one_line_error_naming_the_key_and_writes_nothing(string json, string key)
    {
        string dir = TempDir();
        try
        {
            string cfg = Config(dir, json), outDir = Path.Combine(dir, "out");
            var (code, err) = Run("fe", "run", "--config", cfg, "--out", outDir);
            Assert.Equal(1, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains(key, err);
            Assert.Contains(cfg, err);
            Assert.False(Directory.Exists(outDir));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Elastic_constant_overrides_reach_the_materials()
    {
        // a stiffer PTFE bulges less; the default (null) is the sourced 0.5 GPa
        var soft = SoftShort.Mechanics.CellFeModel.Run(new SoftShort.Mechanics.CellFeConfig { ElementSizeMm = 0.4, ChargeIncrements = 2, ChargeHours = 1 });
        var stiff = SoftShort.Mechanics.CellFeModel.Run(new SoftShort.Mechanics.CellFeConfig { ElementSizeMm = 0.4, ChargeIncrements = 2, ChargeHours = 1, TubeEMPa = 2000 });
        Assert.True(stiff.BulgeUm < soft.BulgeUm, $"E 2 GPa: {stiff.BulgeUm} µm vs 0.5 GPa: {soft.BulgeUm} µm");
    }
}
