using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Mechanics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>
/// Finite-element model of cell assembly and Li creep (paper section 2.6, Fig. 6): <c>fe run</c>, <c>fe verify …</c>, <c>bench fe</c>.
/// </summary>
public sealed class FeCommands : ICommandModule
{
    public void Configure(IConfigurator config) =>
        config.AddBranch("fe", b =>
        {
            b.SetDescription("Axisymmetric finite-element model of cell assembly (densification, stacking) and Li creep during charge.");
            b.AddCommand<FeRunCommand>("run").WithDescription("Simulate SE densification → stacking → C/20 charge of the paper's cell; write fields, curves and summary.json.")
                .WithExample("fe", "run", "--out", "fe").WithExample("fe", "run", "--config", "cell.json", "--out", "fe");
            b.AddBranch("verify", v =>
            {
                v.SetDescription("Compare the solver with closed-form solutions.");
                v.AddCommand<FeVerifyThickCylinderCommand>("thick-cylinder").WithDescription("Lamé thick cylinder under internal pressure, plane strain (u_z = 0 at both ends).")
                    .WithExample("fe", "verify", "thick-cylinder", "--ri-mm", "3.175", "--ro-mm", "4.7625", "--pressure-mpa", "5", "--e-gpa", "0.5", "--nu", "0.46");
                v.AddCommand<FeVerifyHillCommand>("hill").WithDescription("Hill's elastic–perfectly-plastic thick cylinder (von Mises, ν → 0.5, plane strain).");
                v.AddCommand<FeVerifyCreepCommand>("creep-relaxation").WithDescription("Uniaxial stress relaxation at fixed strain under Norton power-law creep.");
            });
        });

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchFeCommand>("fe").WithDescription("Whole three-step history at two mesh sizes: DOFs, Newton iterations, wall time, final pressure.");

    /// <summary>Runs the cell; a run that stops early (<see cref="CellFeStoppedException"/>) is returned with status "stopped" and its last converged state.</summary>
    internal static CellFeResult RunCell(CellFeConfig cfg, bool verbose)
    {
        try
        {
            return CliProgress.Run("fe run", p => CellFeModel.Run(cfg, p, default, verbose ? line => Console.Error.WriteLine(line) : null));
        }
        catch (CellFeStoppedException ex)
        {
            return ex.Result;
        }
    }

    /// <summary>The one-line message of a stopped run, with a hint on what to change.</summary>
    internal static string StopMessage(CellFeResult r) =>
        r.StoppedReason?.Replace("; the last converged state is kept", "", StringComparison.Ordinal) + (r.StoppedReason?.Contains("zero pivot", StringComparison.Ordinal) == true
            ? " — the model has a mechanism for these parameters (e.g. a perfectly plastic layer that can slide)"
            : r.StoppedReason?.Contains("max_increments", StringComparison.Ordinal) == true ? "" : " (try a smaller element_size_mm or more charge_increments)");
}

public sealed class FeRunCommand : Command<FeRunCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--config <JSON>")]
        [Description("Cell config (snake_case keys of CellFeConfig; all optional). Default: the paper's cell.")]
        public string? Config { get; init; }

        [CommandOption("--element-size-mm <MM>")]
        [Description("Override the bulk element size, mm (default 0.2).")]
        public double? ElementSizeMm { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            var c = CheckPathOption(Config, "--config");
            if (!c.Successful) return c;
            return ElementSizeMm is null or (>= 0.01 and <= 0.5) ? ValidationResult.Success() : ValidationResult.Error($"--element-size-mm {ElementSizeMm}: must be in [0.01, 0.5]");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var cfg = s.Config != null ? CellFeConfig.Load(s.Config) : new CellFeConfig();
        if (s.ElementSizeMm is double h) cfg = cfg with { ElementSizeMm = h };
        string outDir = s.Out ?? "fe";
        var r = FeCommands.RunCell(cfg, s.Verbose);
        Directory.CreateDirectory(outDir);
        Write(outDir, cfg, r);
        if (r.Status != "completed")
            throw new InputException("fe run", $"{FeCommands.StopMessage(r)}; last converged state written to {outDir} (summary.json status \"stopped\")");
        Console.Error.WriteLine($"fe run: {r.Dofs} DOFs, {r.Stats.Increments} increments, {r.Stats.NewtonIterations} Newton iterations, {r.Stats.Factorizations} factorisations ({r.Stats.FactorEntries} factor entries, {r.Stats.FactorSeconds:F1} s), assembly {r.Stats.AssemblySeconds:F1} s, {r.WallSeconds:F1} s wall, {r.CpuSeconds:F1} s CPU");
        Console.WriteLine($"SE: {r.SeMeshThicknessUm:F0} µm as meshed → {r.SeThicknessAtPressUm:F0} µm at {cfg.DensificationPressureMPa:G} MPa → {r.SeThicknessAfterReleaseUm:F0} µm after release (mass at 83.75 %: {r.SeExpectedThicknessUm:F0} µm), lateral pressure on the tube {r.SeLateralPressureMPa:F1} MPa (max {r.SeLateralPressureMaxMPa:F1})");
        Console.WriteLine($"bulge {r.BulgeUm:F1} µm, gap {r.GapUm:F1} µm over {r.GapLengthUm:F0} µm, Li in gap {r.LiInGapAfterChargeMm3 * 1e9:G4} µm³, final pressure {r.FinalPressureMPa:F2} MPa");
        return 0;
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Every file <see cref="Write"/> may produce (a stopped run deletes the ones it has no data for, so that none is left from an earlier run).</summary>
    public static readonly string[] OutputFiles = ["pressure_vs_time.csv", "li_wall_profile.csv", "li_outline.csv", "li_thickness_profile.csv", "mesh_elements.csv", "deformed_nodes.csv",
        "element_fields.csv", "von_mises_MPa.tif", "pressure_MPa.tif", "eqps.tif", "summary.json"];

    /// <summary>
    /// Writes summary.json, the curves (CSV), the mesh (elements; nodes in the reference and deformed configuration at every snapshot),
    /// the per-element fields at every snapshot (CSV) and the contour maps (float32 TIFF, one page per snapshot). Every file is written
    /// atomically and summary.json last; a stopped run (status "stopped") writes the snapshots it has, the last one being its last
    /// converged state, and removes curve files it has no data for.
    /// </summary>
    public static void Write(string outDir, CellFeConfig cfg, CellFeResult r)
    {
        bool done = r.Status == "completed";
        foreach (var f in OutputFiles) if (f != "summary.json" && !done) File.Delete(Path.Combine(outDir, f));
        File.Delete(Path.Combine(outDir, "summary.json")); // the summary marks a complete write: it goes last
        WriteMesh(outDir, r);
        if (r.ChargeHistory.Count > 0)
            CsvTable.Write(Path.Combine(outDir, "pressure_vs_time.csv"),
            [("time_h", r.ChargeHistory.Select(x => x.TimeH).ToArray()), ("pressure_MPa", r.ChargeHistory.Select(x => x.PressureMPa).ToArray()),
             ("li_in_gap_volume_um3", r.ChargeHistory.Select(x => x.LiInGapMm3 * 1e9).ToArray()), ("li_plated_um", r.ChargeHistory.Select(x => x.PlatedUm).ToArray())]);
        if (r.LiWallProfile.Count > 0)
            CsvTable.Write(Path.Combine(outDir, "li_wall_profile.csv"),
            [("z_mm", r.LiWallProfile.Select(x => x.ZMm).ToArray()), ("ur_after_stacking_um", r.LiWallProfile.Select(x => x.UrStackUm).ToArray()), ("ur_after_charge_um", r.LiWallProfile.Select(x => x.UrChargeUm).ToArray())]);
        if (r.LiOutlineAfterCharge.Count > 0) // large deformation: the deformed Li outline after stacking (after_charge 0) and after charge (1)
            CsvTable.Write(Path.Combine(outDir, "li_outline.csv"),
            [("after_charge", [.. r.LiOutlineAfterStack.Select(_ => 0.0), .. r.LiOutlineAfterCharge.Select(_ => 1.0)]),
             ("r_mm", [.. r.LiOutlineAfterStack.Select(p => p.RMm), .. r.LiOutlineAfterCharge.Select(p => p.RMm)]),
             ("z_mm", [.. r.LiOutlineAfterStack.Select(p => p.ZMm), .. r.LiOutlineAfterCharge.Select(p => p.ZMm)])]);
        if (r.LiThicknessProfile.Count > 0)
            CsvTable.Write(Path.Combine(outDir, "li_thickness_profile.csv"),
            [("r_mm", r.LiThicknessProfile.Select(x => x.RMm).ToArray()), ("thickness_after_stacking_um", r.LiThicknessProfile.Select(x => x.ThicknessStackUm).ToArray()), ("thickness_after_charge_um", r.LiThicknessProfile.Select(x => x.ThicknessChargeUm).ToArray())]);
        double zMin = r.Mesh.Z.Min(), zMax = r.Mesh.Z.Max(), rMax = r.Mesh.R.Max(), px = 0.01;
        foreach (var (name, pick) in new (string, Func<StepSnapshot, double[]>)[] { ("von_mises_MPa", x => x.VonMisesMPa), ("pressure_MPa", x => x.PressureMPa), ("eqps", x => x.Eqps) })
        {
            var pages = r.Snapshots.Select(sn => CellFeModel.Rasterize(r.Mesh, pick(sn), px, zMin, zMax, rMax)).ToList();
            var vol = new Volume3D<float>(pages[0].Height, pages[0].Width, pages.Select(p => p.Pixels).ToList());
            Tiff.Write(Path.Combine(outDir, $"{name}.tif"), vol);
        }
        var sum = new SummaryJson("fe run");
        foreach (var p in typeof(CellFeConfig).GetProperties()) sum.Parameter(CellFeConfig.KeyOf(p.Name), p.GetValue(cfg));
        // quantities of steps that did not finish are null (NaN) in a stopped run
        int k = r.CompletedSteps;
        double After(int steps, double v) => k >= steps ? v : double.NaN;
        sum.Set("status", r.Status).Set("stopped_reason", r.StoppedReason).Set("stopped_step", r.StoppedStep).Set("stopped_tau", r.StoppedTau)
            .Set("stopped_time_s", r.StoppedTimeS).Set("inverted_element", r.InvertedElement >= 0 ? r.InvertedElement : null)
            .Set("inverted_element_region", r.InvertedElement >= 0 ? CellFeModel.RegionNames[r.RegionOfElement[r.InvertedElement]] : null)
            .Set("completed_steps", k)
            .Set("last_charge_time_h", r.ChargeHistory.Count > 0 ? r.ChargeHistory[^1].TimeH : double.NaN)
            .Set("last_charge_pressure_MPa", r.ChargeHistory.Count > 0 ? r.ChargeHistory[^1].PressureMPa : double.NaN);
        sum.Set("dofs", r.Dofs).Set("increments", r.Stats.Increments).Set("newton_iterations", r.Stats.NewtonIterations).Set("cutbacks", r.Stats.Cutbacks)
            .Set("wall_s", r.WallSeconds).Set("cpu_s", r.CpuSeconds).Set("factorizations", r.Stats.Factorizations)
            .Set("ptfe_bulge_um", After(2, r.BulgeUm)).Set("gap_um", After(2, r.GapUm)).Set("gap_length_um", After(2, r.GapLengthUm))
            .Set("li_in_gap_after_stacking_um3", After(3, r.LiInGapAfterStackMm3 * 1e9)).Set("li_in_gap_after_charge_um3", After(4, r.LiInGapAfterChargeMm3 * 1e9))
            .Set("plated_li_volume_um3", After(4, r.PlatedLiVolumeMm3 * 1e9)).Set("plated_li_um", After(4, r.PlatedLiUm))
            .Set("pressure_after_stacking_MPa", After(3, r.PressureAfterStackMPa)).Set("final_internal_pressure_MPa", After(4, r.FinalPressureMPa))
            .Set("max_li_eqps", After(4, r.MaxLiEqps)).Set("contour_pixel_mm", px)
            .Set("se_mesh_thickness_um", r.SeMeshThicknessUm).Set("se_thickness_at_press_um", After(1, r.SeThicknessAtPressUm))
            .Set("se_thickness_after_release_um", After(2, r.SeThicknessAfterReleaseUm)).Set("se_expected_thickness_um", r.SeExpectedThicknessUm)
            .Set("se_relative_density", After(2, r.SeRelativeDensity)).Set("se_mass_ratio", After(2, r.SeMassRatio)).Set("se_wall_radial_displacement_um", After(2, r.SeWallRadialUm))
            .Set("se_lateral_pressure_MPa", After(1, r.SeLateralPressureMPa)).Set("se_lateral_pressure_max_MPa", After(1, r.SeLateralPressureMaxMPa))
            .Set("contour_pages", string.Join("; ", r.Snapshots.Select(x => x.Step)))
            .Set("regions", string.Join("; ", CellFeModel.RegionNames.Select((n, i) => $"{i} = {n}")))
            .Set("snapshots", r.Snapshots.Count)
            .Write(Path.Combine(outDir, "summary.json"));
    }

    /// <summary>
    /// mesh_elements.csv (element, its 4 nodes counter-clockwise, region id; region ids in summary.json), deformed_nodes.csv (one row per
    /// snapshot and node: reference r, z, displacement and deformed position, mm) and element_fields.csv (one row per snapshot and element:
    /// element-mean von Mises stress, hydrostatic pressure, equivalent plastic strain; inactive elements are empty).
    /// </summary>
    static void WriteMesh(string outDir, CellFeResult r)
    {
        var m = r.Mesh;
        int ne = m.ElementCount, nn = m.R.Length, ns = r.Snapshots.Count;
        CsvTable.Write(Path.Combine(outDir, "mesh_elements.csv"),
            [("element", Enumerable.Range(0, ne).Select(e => (double)e).ToArray()),
             .. Enumerable.Range(0, 4).Select(a => ($"node_{a}", (IReadOnlyList<double>)Enumerable.Range(0, ne).Select(e => (double)m.Conn[4 * e + a]).ToArray())),
             ("region", Enumerable.Range(0, ne).Select(e => (double)m.Region[e]).ToArray())]);
        var snap = new double[ns * nn]; var node = new double[ns * nn]; var r0 = new double[ns * nn]; var z0 = new double[ns * nn];
        var ur = new double[ns * nn]; var uz = new double[ns * nn]; var rd = new double[ns * nn]; var zd = new double[ns * nn];
        for (int k = 0; k < ns; k++)
            for (int n = 0; n < nn; n++)
            {
                int i = k * nn + n; var u = r.Snapshots[k].U;
                snap[i] = k; node[i] = n; r0[i] = m.R[n]; z0[i] = m.Z[n];
                ur[i] = u[AxiSolid.DofR(n)]; uz[i] = u[AxiSolid.DofZ(n)]; rd[i] = r0[i] + ur[i]; zd[i] = z0[i] + uz[i];
            }
        CsvTable.Write(Path.Combine(outDir, "deformed_nodes.csv"),
            [("snapshot", snap), ("node", node), ("r_mm", r0), ("z_mm", z0), ("u_r_mm", ur), ("u_z_mm", uz), ("r_deformed_mm", rd), ("z_deformed_mm", zd)]);
        var es = new double[ns * ne]; var ei = new double[ns * ne]; var vm = new double[ns * ne]; var pr = new double[ns * ne]; var ep = new double[ns * ne];
        for (int k = 0; k < ns; k++)
        {
            var sn = r.Snapshots[k];
            for (int e = 0; e < ne; e++)
            {
                int i = k * ne + e; es[i] = k; ei[i] = e;
                bool active = sn.Active == null || sn.Active[e];
                vm[i] = active ? sn.VonMisesMPa[e] : double.NaN; pr[i] = active ? sn.PressureMPa[e] : double.NaN; ep[i] = active ? sn.Eqps[e] : double.NaN;
            }
        }
        CsvTable.Write(Path.Combine(outDir, "element_fields.csv"),
            [("snapshot", es), ("element", ei), ("von_mises_MPa", vm), ("pressure_MPa", pr), ("eqps", ep)]);
    }
}

public abstract class FeVerifySettings : GlobalSettings
{
    [CommandOption("--ri-mm <MM>")][DefaultValue(1.0)][Description("Inner radius, mm.")] public double RiMm { get; init; } = 1;
    [CommandOption("--ro-mm <MM>")][DefaultValue(2.0)][Description("Outer radius, mm.")] public double RoMm { get; init; } = 2;
    [CommandOption("--pressure-mpa <MPA>")][DefaultValue(6.5)][Description("Internal pressure, MPa.")] public double PressureMPa { get; init; } = 6.5;
    [CommandOption("--e-gpa <GPA>")][DefaultValue(1.0)][Description("Young's modulus, GPa.")] public double EGPa { get; init; } = 1;
    [CommandOption("--elements <N>")][DefaultValue(24)][Description("Radial elements.")] public int Elements { get; init; } = 24;

    public override ValidationResult Validate() =>
        !(RiMm > 0 && RoMm > RiMm) ? ValidationResult.Error($"--ri-mm {RiMm} / --ro-mm {RoMm}: need 0 < ri < ro")
        : !(EGPa > 0) ? ValidationResult.Error($"--e-gpa {EGPa}: must be positive")
        : Elements is < 1 or > 2000 ? ValidationResult.Error($"--elements {Elements}: must be in [1, 2000]")
        : ValidationResult.Success();

    internal static int Print(VerificationResult r)
    {
        Console.WriteLine($"{r.Case}: {r.Dofs} DOFs");
        Console.WriteLine($"  {r.Quantity} ({r.Unit}): numeric {r.Numeric.ToString("G8", CultureInfo.InvariantCulture)}, analytic {r.Analytic.ToString("G8", CultureInfo.InvariantCulture)}, relative error {r.RelativeError:E2}");
        foreach (var (n, num, an) in r.Extra)
            Console.WriteLine($"  {n}: numeric {num.ToString("G8", CultureInfo.InvariantCulture)}, analytic {an.ToString("G8", CultureInfo.InvariantCulture)}");
        return 0;
    }
}

public sealed class FeVerifyThickCylinderCommand : Command<FeVerifyThickCylinderCommand.Settings>
{
    public sealed class Settings : FeVerifySettings
    {
        [CommandOption("--nu <NU>")][DefaultValue(0.3)][Description("Poisson ratio (< 0.5).")] public double Nu { get; init; } = 0.3;
        public override ValidationResult Validate() => !base.Validate().Successful ? base.Validate() : Nu is > -1 and < 0.5 ? ValidationResult.Success() : ValidationResult.Error($"--nu {Nu}: must be in (-1, 0.5)");
    }
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken) =>
        FeVerifySettings.Print(Verification.ThickCylinder(s.RiMm, s.RoMm, s.PressureMPa, s.EGPa, s.Nu, s.Elements));
}

public sealed class FeVerifyHillCommand : Command<FeVerifyHillCommand.Settings>
{
    public sealed class Settings : FeVerifySettings
    {
        [CommandOption("--yield-mpa <MPA>")][DefaultValue(10.0)][Description("Yield stress, MPa (von Mises).")] public double YieldMPa { get; init; } = 10;
        public override ValidationResult Validate() => !base.Validate().Successful ? base.Validate() : YieldMPa > 0 ? ValidationResult.Success() : ValidationResult.Error($"--yield-mpa {YieldMPa}: must be positive");
    }
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        Console.WriteLine("Hill: von Mises, incompressible (ν = 0.4999 in the mesh), plane strain; front from p = (2σy/√3)[ln(c/a) + (b²−c²)/(2b²)]");
        return FeVerifySettings.Print(Verification.Hill(s.RiMm, s.RoMm, s.PressureMPa, s.EGPa, s.YieldMPa, s.Elements));
    }
}

public sealed class FeVerifyCreepCommand : Command<FeVerifyCreepCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--e-gpa <GPA>")][DefaultValue(7.82)][Description("Young's modulus, GPa (Li: 7.82).")] public double EGPa { get; init; } = 7.82;
        [CommandOption("--strain <EPS>")][DefaultValue(0.001)][Description("Fixed axial strain.")] public double Strain { get; init; } = 0.001;
        [CommandOption("--prefactor <A>")][DefaultValue(1e-3)][Description("Norton prefactor A, s⁻¹ MPa⁻ⁿ.")] public double A { get; init; } = 1e-3;
        [CommandOption("--exponent <N>")][DefaultValue(6.56)][Description("Stress exponent (Li: 6.56, Masias et al. 2019).")] public double N { get; init; } = 6.56;
        [CommandOption("--time-s <S>")][DefaultValue(3600.0)][Description("Hold time, s.")] public double TimeS { get; init; } = 3600;
        public override ValidationResult Validate() =>
            EGPa > 0 && A > 0 && N >= 1 && TimeS > 0 ? ValidationResult.Success() : ValidationResult.Error("--e-gpa, --a, --time-s must be positive and --n ≥ 1");
    }
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        Console.WriteLine("creep relaxation: σ(t) = [σ0^(1−n) + (n−1) E A t]^(−1/(n−1)), σ0 = E ε0");
        return FeVerifySettings.Print(Verification.CreepRelaxation(s.EGPa, s.Strain, s.A, s.N, s.TimeS));
    }
}

public sealed class BenchFeCommand : Command<BenchFeCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--coarse-mm <MM>")][DefaultValue(0.2)][Description("Coarse element size, mm.")] public double CoarseMm { get; init; } = 0.2;
        [CommandOption("--fine-mm <MM>")][DefaultValue(0.1)][Description("Fine element size, mm (every size of the graded mesh halves).")] public double FineMm { get; init; } = 0.1;
        public override ValidationResult Validate() => CoarseMm is >= 0.01 and <= 0.5 && FineMm is >= 0.01 and <= 0.5 ? ValidationResult.Success() : ValidationResult.Error("--coarse-mm/--fine-mm must be in [0.01, 0.5]");
    }
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        Console.WriteLine("bench fe: whole history (densification 300 MPa → release → stacking 10 MPa → 20 h C/20 charge), paper cell");
        Console.WriteLine($"  load average at start: {LoadAverage()} ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"  {"h_mm",6} {"dofs",7} {"incr",5} {"newton",7} {"factor",7} {"wall_s",7} {"cpu_s",7} {"bulge_um",9} {"gap_um",7} {"p_final_MPa",12}");
        double? last = null;
        foreach (double h in new[] { s.CoarseMm, s.FineMm })
        {
            var r = FeCommands.RunCell(new CellFeConfig { ElementSizeMm = h }, s.Verbose);
            if (r.Status != "completed") throw new InputException("bench fe", FeCommands.StopMessage(r));
            Console.WriteLine($"  {h,6:F3} {r.Dofs,7} {r.Stats.Increments,5} {r.Stats.NewtonIterations,7} {r.Stats.Factorizations,7} {r.WallSeconds,7:F1} {r.CpuSeconds,7:F1} {r.BulgeUm,9:F1} {r.GapUm,7:F1} {r.FinalPressureMPa,12:F3}");
            if (last is double lp) Console.WriteLine($"  final pressure change coarse → fine: {(r.FinalPressureMPa - lp) / r.FinalPressureMPa * 100:F2} %");
            last = r.FinalPressureMPa;
        }
        // the case shared with CalculiX (docs/fe.md; tests/SoftShort.Tests/Mechanics/Fixtures/ccx): Li disc in a PTFE ring, 10 % compression, h = 0.025 mm
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime; var sw = Stopwatch.StartNew();
        var (reaction, ur, dofs) = CalculixCase.Run(0.025);
        proc.Refresh();
        Console.WriteLine($"  CalculiX cross-check case (h 0.025 mm): {dofs} DOFs, {sw.Elapsed.TotalSeconds:F1} s wall, {(proc.TotalProcessorTime - cpu0).TotalSeconds:F1} s CPU, " +
                          $"reaction {reaction:F4} N/rad, ring u_r {ur:F6} mm (CalculiX 2.20 CAX8R: −34.298 N/rad, 0.158028 mm)");
        Console.WriteLine($"  load average at end: {LoadAverage()}");
        Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }

    /// <summary>The 1/5/15-min load averages (Linux /proc/loadavg), or "n/a".</summary>
    static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return "n/a"; }
    }
}
