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
        });
}

public sealed class PfhubBm1Command : Command<PfhubBm1Command.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--t-end <T>")][DefaultValue(10000.0)][Description("End time (PFHub units). Default: 10000")]
        public double TEnd { get; init; } = 10000;
        [CommandOption("--grid <N>")][DefaultValue(256)][Description("Grid points per side (power of two). Default: 256 (Δx = 0.78)")]
        public int N { get; init; } = 256;
        [CommandOption("--every <T>")][DefaultValue(10.0)][Description("Output interval. Default: 10")]
        public double Every { get; init; } = 10;
        [CommandOption("--tolerance <DC>")][DefaultValue(2e-3)][Description("Largest change of c per time step (adaptive Δt). Default: 0.002")]
        public double Tolerance { get; init; } = 2e-3;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (!(TEnd > 0) || !double.IsFinite(TEnd)) return ValidationResult.Error($"--t-end {TEnd}: must be positive");
            if (N < 16 || N > 4096 || (N & (N - 1)) != 0) return ValidationResult.Error($"--grid {N}: must be a power of two in [16, 4096]");
            if (!(Every > 0)) return ValidationResult.Error($"--every {Every}: must be positive");
            if (!(Tolerance > 0 && Tolerance < 0.1)) return ValidationResult.Error($"--tolerance {Tolerance}: must be in (0, 0.1)");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var solver = new SpinodalSolver(n: s.N) { ChangeTolerance = s.Tolerance };
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
                Console.WriteLine(FormattableString.Invariant($"# t = {tr:F2}: F = {fi:F3}, MMSP community result {fr:F3} ({100 * (fi - fr) / fr:+0.00;-0.00} %)"));
            }
        Console.WriteLine(FormattableString.Invariant($"# {solver.Steps} steps, {wall:F1} s wall, n = {s.N}"));
        if (s.Out is { } dir)
        {
            Directory.CreateDirectory(dir);
            CsvTable.Write(Path.Combine(dir, "bm1a_free_energy.csv"), [("time", t), ("free_energy", f)]);
            new SummaryJson("phasefield pfhub bm1").Parameter("t_end", s.TEnd).Parameter("n", s.N).Parameter("tolerance", s.Tolerance)
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
