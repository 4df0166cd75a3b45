using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.IO;
using SoftShort.PhaseField;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>
/// <c>softshort phasefield pfhub bm1|bm7</c> (solver verification), <c>softshort phasefield run</c> (the paper's dendrite
/// model, Fig. 4) and <c>softshort bench phasefield</c>.
/// </summary>
public sealed class PhaseFieldCommands : ICommandModule
{
    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthPhaseFieldCommand>("phasefield")
            .WithDescription("The coarse phase-field demonstration runs (300 × 150 µm at 2.5 µm, 60 s, 0 and 10 MPa) as compact result folders.")
            .WithExample("synth", "phasefield", "--out", "data-samples/phasefield/coarse");

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchPhaseFieldCommand>("phasefield")
            .WithDescription("Steps/s and simulated s per wall s of the dendrite model on the paper domain at 2, 1 and 0.5 µm; PFHub BM1a wall time.");

    public void Configure(IConfigurator config) =>
        config.AddBranch("phasefield", pf =>
        {
            pf.SetDescription("Phase-field model of Li dendrites in a porous solid electrolyte (paper Fig. 4) and its PFHub verification.");
            pf.AddBranch("pfhub", b =>
            {
                b.SetDescription("PFHub community benchmarks (solver verification).");
                b.AddCommand<PfhubBm1Command>("bm1").WithDescription("Benchmark 1a: periodic spinodal decomposition (Cahn–Hilliard); writes t, F.")
                    .WithExample("phasefield", "pfhub", "bm1", "--t-end", "10000", "--out", "bm1");
                b.AddCommand<PfhubBm7Command>("bm7").WithDescription("Benchmark 7a: Allen–Cahn manufactured solution; prints the L2 error at t = 8.")
                    .WithExample("phasefield", "pfhub", "bm7", "--nx", "128");
            });
            pf.AddCommand<PhaseFieldRunCommand>("run").WithDescription("Li plating into the porous SE under pressure (paper Fig. 4): fields, time series, short detection.")
                .WithExample("phasefield", "run", "--pressure-mpa", "10", "--time-s", "500", "--dx-um", "2", "--out", "pf10");
            pf.AddCommand<PhaseFieldPackCommand>("pack").WithDescription("Compact copy of a run (time series, summary, final η / P_m / ε_vol maps) for data-samples.")
                .WithExample("phasefield", "pack", "pf10", "--out", "data-samples/phasefield/p10MPa");
        });
}

public sealed class BenchPhaseFieldCommand : Command<BenchPhaseFieldCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--spacings <UM>")][DefaultValue("2,1,0.5")][Description("Comma-separated grid spacings, µm. Default: 2,1,0.5")]
        public string Spacings { get; init; } = "2,1,0.5";
        [CommandOption("--steps <N>")][DefaultValue(10)][Description("Time steps timed per spacing (after 3 warm-up steps). Default: 10")]
        public int Steps { get; init; } = 10;
        [CommandOption("--bm1-t-end <T>")][DefaultValue(10000.0)][Description("PFHub BM1a end time to time (0 skips). Default: 10000")]
        public double Bm1TEnd { get; init; } = 10000;

        public override ValidationResult Validate() => Steps > 0 ? ValidationResult.Success() : ValidationResult.Error("--steps must be positive");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var spacings = s.Spacings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 ? d : throw new InputException("--spacings", $"'{v}' is not a positive number"))
            .ToArray();
        Console.WriteLine($"bench phasefield: paper domain 1000 x 500 µm, 0 MPa, {Environment.ProcessorCount} cores");
        foreach (double dx in spacings)
        {
            var sim = new DendriteSimulation(new DendriteParameters { DxUm = dx, ProtrusionRadiusUm = Math.Max(10, 4 * dx) });
            // warm-up: Δt ramps from 0.01 s by ≤ 1.2× per step; time the steady state
            int warm = 0;
            while (warm < 40 && sim.DtS < sim.Parameters.MaxDtS * 0.999) { cancellationToken.ThrowIfCancellationRequested(); sim.Step(); warm++; }
            double t0 = sim.TimeS;
            var before = sim.Profile with { };
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < s.Steps; i++) { cancellationToken.ThrowIfCancellationRequested(); sim.Step(); }
            double stepWall = sw.Elapsed.TotalSeconds;
            var o = sim.Observe();   // one observation (leakage solve, dead Li) as a run does every --every-s
            double wall = sw.Elapsed.TotalSeconds, simulated = sim.TimeS - t0;
            var pr = sim.Profile;
            Console.WriteLine(FormattableString.Invariant(
                $"  dx = {dx} µm ({sim.Nx}x{sim.Ny} cells): {s.Steps / stepWall:F2} steps/s, {simulated / wall:F3} simulated s per wall s (Δt = {simulated / s.Steps:G3} s after {warm} warm-up steps, {sim.LastPcgIterations} MG-PCG iterations/step); 500 s ≈ {500 / (simulated / wall) / 60:F1} min"));
            Console.WriteLine(FormattableString.Invariant(
                $"      wall per part: reaction {pr.ReactionS - before.ReactionS:F2} s, ionic MG-PCG {pr.IonicS - before.IonicS:F2} s, profile relaxation {pr.ProfileRelaxS - before.ProfileRelaxS:F2} s, Nernst–Planck {pr.TransportS - before.TransportS:F2} s, connectivity {pr.ConnectivityS - before.ConnectivityS:F2} s, mechanics {pr.MechanicsS - before.MechanicsS:F2} s ({pr.MechanicsSolves - before.MechanicsSolves} solves, {sim.LastMechanicsIterations} CG iterations in the last), one observation {pr.ObserveS - before.ObserveS:F2} s"));
        }
        if (s.Bm1TEnd > 0)
        {
            var sw = Stopwatch.StartNew();
            var solver = new SpinodalSolver(n: 200, finiteDifference: true) { ChangeTolerance = 1e-3 };
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var (t, f) = solver.Run(s.Bm1TEnd, 10, null, cancellationToken);
            double worst = 0;
            foreach (var (tr, fr) in SpinodalReference.Mmsp)
                if (tr <= s.Bm1TEnd) worst = Math.Max(worst, Math.Abs(SpinodalReference.Interpolate(t, f, tr) - fr) / fr);
            Console.WriteLine(FormattableString.Invariant(
                $"  PFHub BM1a (200², 5-point Laplacian, Δc ≤ 1e-3 per step) to t = {s.Bm1TEnd}: {sw.Elapsed.TotalSeconds:F1} s wall ({(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} s CPU), {solver.Steps} steps, F = {f[^1]:F3}; largest deviation from MMSP at its published times {100 * worst:F2} %"));
        }
        Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }
}

public sealed class SynthPhaseFieldCommand : Command<SynthPhaseFieldCommand.Settings>
{
    public sealed class Settings : OutDirSettings { }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "phasefield_coarse";
        foreach (double p in new[] { 0.0, 10.0 })
        {
            string runDir = Path.Combine(Path.GetTempPath(), $"softshort-pf-{Environment.ProcessId}-{p:0}");
            try
            {
                var run = new DendriteRun(PhaseFieldResults.CoarseDemo(p)) { OutputIntervalS = 5, SnapshotIntervalS = 1000 };
                CliProgress.Run($"coarse phase field {p} MPa", pr => run.Run(runDir, pr, cancellationToken));
                PhaseFieldResults.Pack(runDir, Path.Combine(outDir, $"p{p:0}MPa"));
            }
            finally { if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true); }
        }
        Console.Error.WriteLine($"wrote {outDir}/p0MPa and {outDir}/p10MPa");
        return 0;
    }
}

public sealed class PfhubBm1Command : Command<PfhubBm1Command.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--t-end <T>")][DefaultValue(10000.0)][Description("End time (PFHub units). Default: 10000")]
        public double TEnd { get; init; } = 10000;
        [CommandOption("--grid <N>")][DefaultValue(200)][Description("Grid points per side (prime factors 2, 3, 5). Default: 200 (Δx = 1, as the MMSP community result)")]
        public int N { get; init; } = 200;
        [CommandOption("--laplacian <KIND>")][DefaultValue("fd")][Description("fd: 5-point Laplacian and central-difference gradient (the MMSP discretisation, solved in Fourier space); spectral: exact derivatives. Default: fd")]
        public string Laplacian { get; init; } = "fd";
        [CommandOption("--every <T>")][DefaultValue(10.0)][Description("Output interval. Default: 10")]
        public double Every { get; init; } = 10;
        [CommandOption("--tolerance <DC>")][DefaultValue(1e-3)][Description("Largest change of c per time step (adaptive Δt). Default: 0.001 (0.002 drifts from MMSP by up to 5.6 % after t = 2000: the coarsening events are sensitive to the time error)")]
        public double Tolerance { get; init; } = 1e-3;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (!(TEnd > 0) || !double.IsFinite(TEnd)) return ValidationResult.Error($"--t-end {TEnd}: must be positive");
            if (N < 16 || N > 4096 || !Fft2D.IsSupportedSize(N)) return ValidationResult.Error($"--grid {N}: must be in [16, 4096] with prime factors 2, 3, 5 only");
            if (Laplacian is not ("fd" or "spectral")) return ValidationResult.Error($"--laplacian {Laplacian}: must be fd or spectral");
            if (!(Every > 0)) return ValidationResult.Error($"--every {Every}: must be positive");
            if (!(Tolerance > 0 && Tolerance < 0.1)) return ValidationResult.Error($"--tolerance {Tolerance}: must be in (0, 0.1)");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var solver = new SpinodalSolver(n: s.N, finiteDifference: s.Laplacian == "fd") { ChangeTolerance = s.Tolerance };
        var sw = Stopwatch.StartNew();
        var (t, f) = CliProgress.Run("PFHub BM1a", p => solver.Run(s.TEnd, s.Every, p, cancellationToken));
        double wall = sw.Elapsed.TotalSeconds;
        Console.WriteLine("time,free_energy");
        int stride = Math.Max(1, t.Count / 25);
        for (int i = 0; i < t.Count; i++)
            if (i % stride == 0 || i == t.Count - 1) Console.WriteLine(FormattableString.Invariant($"{t[i]:R},{f[i]:R}"));
        foreach (var (tr, fr) in SpinodalReference.Mmsp)
            if (tr <= s.TEnd + 1e-9)
            {
                double fi = SpinodalReference.Interpolate(t, f, tr);
                double rel = Math.Round(100 * (fi - fr) / fr, 2);
                Console.WriteLine(FormattableString.Invariant($"# t = {tr:F2}: F = {fi:F3}, MMSP community result {fr:F3} ({(rel == 0 ? 0 : rel):+0.00;-0.00;0.00} %)"));
            }
        Console.WriteLine(FormattableString.Invariant($"# {solver.Steps} steps, {wall:F1} s wall, n = {s.N}, laplacian = {s.Laplacian}"));
        if (s.Out is { } dir)
        {
            Directory.CreateDirectory(dir);
            CsvTable.Write(Path.Combine(dir, "bm1a_free_energy.csv"), [("time", t), ("free_energy", f)]);
            new SummaryJson("phasefield pfhub bm1").Parameter("t_end", s.TEnd).Parameter("n", s.N).Parameter("laplacian", s.Laplacian).Parameter("tolerance", s.Tolerance)
                .Set("free_energy_final", f[^1]).Set("steps", solver.Steps).Set("wall_s", wall)
                .Write(Path.Combine(dir, "summary.json"));
        }
        return 0;
    }
}

public sealed class PfhubBm7Command : Command<PfhubBm7Command.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--nx <N>")][DefaultValue(128)][Description("Cells along x (N × N/2 cells). Default: 128")]
        public int Nx { get; init; } = 128;

        public override ValidationResult Validate() =>
            Nx >= 8 && Nx <= 8192 && Nx % 2 == 0 ? ValidationResult.Success() : ValidationResult.Error($"--nx {Nx}: must be even and in [8, 8192]");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        var r = AllenCahnMms.Solve(s.Nx, cancel: cancellationToken);
        Console.WriteLine(FormattableString.Invariant($"L2 = {r.L2Error:E6}"));
        Console.Error.WriteLine(FormattableString.Invariant($"# {r.Nx}x{r.Ny} cells, dx = {r.Dx:G4}, dt = {r.Dt:G4}, {r.Steps} steps, {sw.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}

public sealed class PhaseFieldRunCommand : Command<PhaseFieldRunCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--pressure-mpa <P>")][DefaultValue(0.0)][Description("External pressure on the SE side, MPa (paper: 0, 5, 10). Default: 0")]
        public double PressureMPa { get; init; }
        [CommandOption("--time-s <T>")][DefaultValue(500.0)][Description("Plating time, s. Default: 500 (paper)")]
        public double TimeS { get; init; } = 500;
        [CommandOption("--dx-um <DX>")][DefaultValue(2.0)][Description("Grid spacing, µm. Default: 2")]
        public double DxUm { get; init; } = 2;
        [CommandOption("--seed <N>")][DefaultValue(1)][Description("Seed of the pore microstructure. Default: 1")]
        public int Seed { get; init; } = 1;
        [CommandOption("--porosity <F>")][DefaultValue(0.1625)][Description("SE porosity. Default: 0.1625 (paper)")]
        public double Porosity { get; init; } = 0.1625;
        [CommandOption("--i0-ma-cm2 <I0>")][Description("Exchange current density, mA cm⁻². Default: 32.3 = RT/(F·0.8 Ω cm²), the measured polarization resistance of a fresh Li|Li6PS5Cl interface (see docs/phasefield.md)")]
        public double? I0MaCm2 { get; init; }
        [CommandOption("--eigenstrain-form <FORM>")][DefaultValue("normal")][Description("Eigenstrain of plated Li: normal (growth strain along the deposit normal, default) or isotropic (Vegard-type, session 1)")]
        public string EigenstrainForm { get; init; } = "normal";
        [CommandOption("--eigenstrain <E>")][DefaultValue(1.0)][Description("Eigenstrain magnitude: growth strain ε_g (normal form; 1 = the SE keeps its volume, derived) or volumetric ε_v (isotropic form). Default: 1")]
        public double Eigenstrain { get; init; } = 1.0;
        [CommandOption("--li-plasticity")][Description("Li elastic-perfectly-plastic (J2, yield --li-yield-mpa) instead of elastic (the paper's choice, the default)")]
        public bool LiPlasticity { get; init; }
        [CommandOption("--li-yield-mpa <SY>")][DefaultValue(0.8)][Description("Li yield stress with --li-plasticity, MPa. Default: 0.8 (Masias et al., J. Mater. Sci. 2019)")]
        public double LiYieldMPa { get; init; } = 0.8;
        [CommandOption("--every-s <T>")][DefaultValue(5.0)][Description("Time-series interval, s. Default: 5")]
        public double EveryS { get; init; } = 5;
        [CommandOption("--snapshot-every-s <T>")][DefaultValue(100.0)][Description("Field snapshot (and checkpoint) interval, s. Default: 100")]
        public double SnapshotEveryS { get; init; } = 100;
        [CommandOption("--no-mechanics")][Description("Skip the elasticity solve (pressure then has no effect).")]
        public bool NoMechanics { get; init; }
        [CommandOption("--resume")][Description("Continue from DIR/checkpoint.bin (same parameters; --time-s may be larger).")]
        public bool Resume { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (!(EveryS > 0) || !(SnapshotEveryS > 0)) return ValidationResult.Error("--every-s and --snapshot-every-s must be positive");
            if (Resume && Out is null) return ValidationResult.Error("--resume needs --out DIR with a checkpoint");
            if (EigenstrainForm is not ("normal" or "isotropic")) return ValidationResult.Error($"--eigenstrain-form {EigenstrainForm}: must be normal or isotropic");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var p = new DendriteParameters
        {
            PressureMPa = s.PressureMPa, TimeS = s.TimeS, DxUm = s.DxUm, Seed = s.Seed, Porosity = s.Porosity,
            ExchangeCurrentDensityAPerM2 = s.I0MaCm2 is double i0 ? i0 * 10 : new DendriteParameters().ExchangeCurrentDensityAPerM2,
            DepositionStrainForm = s.EigenstrainForm == "isotropic" ? DepositionStrainForm.Isotropic : DepositionStrainForm.InterfaceNormal,
            DepositionEigenstrain = s.Eigenstrain,
            LiPlasticity = s.LiPlasticity, LiYieldMPa = s.LiYieldMPa,
        };
        p.Validate();
        string dir = s.Out ?? $"phasefield_{s.PressureMPa:0.#}MPa";
        var run = new DendriteRun(p, mechanics: !s.NoMechanics) { OutputIntervalS = s.EveryS, SnapshotIntervalS = s.SnapshotEveryS };
        if (s.Resume) run.ReadCheckpoint(Path.Combine(dir, DendriteRun.CheckpointName));
        var sw = Stopwatch.StartNew();
        CliProgress.Run($"phase field {s.PressureMPa} MPa", pr => run.Run(dir, pr, cancellationToken));
        var (type, time) = run.Short();
        var last = run.Series[^1];
        Console.WriteLine(FormattableString.Invariant($"pressure {p.PressureMPa} MPa, {run.Simulation.Nx}x{run.Simulation.Ny} cells at {p.DxUm} µm, t = {last.TimeS:F1} s, {run.Simulation.Steps} steps, {sw.Elapsed.TotalSeconds:F1} s wall"));
        Console.WriteLine(FormattableString.Invariant($"short_type = {type.ToString().ToLowerInvariant()}, short_time_s = {time:F1}"));
        Console.WriteLine(FormattableString.Invariant($"dendrite_length_um = {last.DendriteLengthUm:F1}, li_in_se_um3_per_um = {last.LiInSeUm2:F1}, max P_m = {run.Series.Max(o => o.MaxHydrostaticMPa):F2} MPa"));
        Console.WriteLine(FormattableString.Invariant($"charge balance: plated {last.LiVolumeUm2 - run.Simulation.InitialLiUm2:F2} vs ∫I dt·V_m/F {last.PlatedFromChargeUm2:F2} µm³/µm ({100 * run.ChargeBalanceError():F3} %)"));
        if (p.LiPlasticity && run.Simulation.Mechanics is { } m)
            Console.WriteLine(FormattableString.Invariant($"Li plasticity (J2, σ_y = {p.LiYieldMPa} MPa): {m.PlasticSolves} mechanics solves, {m.TotalPlasticIterations} Newton iterations, {m.UnconvergedPlasticSolves} stopped at the iteration cap"));
        Console.Error.WriteLine($"wrote {dir}/timeseries.csv, summary.json, fields_t*.tif, {DendriteRun.CheckpointName}");
        return 0;
    }
}

public sealed class PhaseFieldPackCommand : Command<PhaseFieldPackCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandArgument(0, "<RUN_DIR>")][Description("Folder written by `phasefield run`.")]
        public string RunDir { get; init; } = "";

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            return Out is null ? ValidationResult.Error("--out DIR is required") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        PhaseFieldResults.Pack(s.RunDir, s.Out!);
        Console.Error.WriteLine($"wrote {s.Out}/timeseries.csv, summary.json, {PhaseFieldResults.CompactFieldsFile} ({string.Join(", ", PhaseFieldResults.CompactFields)})");
        return 0;
    }
}
