using System.ComponentModel;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.Electrochemistry;
using SoftShort.IO;
using SoftShort.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>
/// <c>softshort echem import|classify|dc-conductivity|eis-fit|eis-classify</c> and <c>softshort synth cycler</c>:
/// cycler exports, normal / soft / hard short classification (paper Fig. 2B, S4), DC polarization (section 2.4) and EIS (Fig. S5).
/// </summary>
public sealed class EchemCommands : ICommandModule
{
    public void Configure(IConfigurator config) =>
        config.AddBranch("echem", b =>
        {
            b.SetDescription("Electrochemistry: cycler import, short classification, DC-polarization conductivity, EIS fitting.");
            b.AddCommand<EchemImportCommand>("import").WithDescription("Import a BioLogic .mpt, Arbin / Neware CSV or mapped CSV into canonical columns (time_s, voltage_V, current_A, capacity_mAh, cycle, step).")
                .WithExample("echem", "import", "data-samples/electrochemistry/cycler_soft_short_noise5mV.mpt", "--out", "imported");
            b.AddCommand<EchemClassifyCommand>("classify").WithDescription("Classify a charge as normal, soft short or hard short; onset time and confidence.")
                .WithExample("echem", "classify", "data-samples/electrochemistry/cycler_soft_short_noise5mV.mpt");
            b.AddCommand<EchemDcCommand>("dc-conductivity").WithDescription("Electronic conductivity σ = I·L/(V·A) from a DC polarization current trace (plateau detection).")
                .WithExample("echem", "dc-conductivity", "data-samples/electrochemistry/dc_polarization.csv", "--mass-mg", "126", "--density-g-cm3", "1.87", "--porosity", "0.1625", "--diameter-mm", "12.6", "--voltage-v", "0.5");
            b.AddCommand<EchemEisFitCommand>("eis-fit").WithDescription("Fit an equivalent circuit (impedance.py string) by CNLS; standard errors and a Lin-KK check.")
                .WithExample("echem", "eis-fit", "data-samples/electrochemistry/eis_healthy.mpt", "--circuit", "R0-p(R1,CPE1)-p(R2,CPE2)-W1");
            b.AddCommand<EchemEisClassifyCommand>("eis-classify").WithDescription("Say whether a spectrum matches a healthy, soft-shorted or hard-shorted cell (Fig. S5).")
                .WithExample("echem", "eis-classify", "data-samples/electrochemistry/eis_soft_short.mpt");
        });

    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthCyclerCommand>("cycler")
            .WithDescription("Synthetic electrochemistry set: C/20 charges (normal / soft / hard short × noise 1, 5, 20 mV) as EC-Lab .mpt, a DC polarization trace, EIS spectra, truth.json.")
            .WithExample("synth", "cycler", "--out", "data-samples/electrochemistry");

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchEchemCommand>("echem")
            .WithDescription("Time cycler import (EC-Lab .mpt), short classification and CNLS EIS fitting; print rows/s and ms per fit.");

    internal static string F(double v, string fmt = "G6") => double.IsFinite(v) ? v.ToString(fmt, CultureInfo.InvariantCulture) : "n/a";

    internal static void PrintTable(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var t = new Table().Title(Markup.Escape(title)).AddColumn("quantity").AddColumn("value");
        foreach (var (k, v) in rows) t.AddRow(Markup.Escape(k), Markup.Escape(v));
        AnsiConsole.Write(t);
    }
}

/// <summary>Settings of commands that read one input file.</summary>
public class EchemFileSettings : OutDirSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Input file.")]
    public string File { get; init; } = "";

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        return string.IsNullOrWhiteSpace(File) ? ValidationResult.Error("FILE is required") : ValidationResult.Success();
    }
}

public class CyclerFileSettings : EchemFileSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("auto (default), biologic, arbin, neware or generic.")]
    [DefaultValue("auto")]
    public string Format { get; init; } = "auto";

    [CommandOption("--map <MAP>")]
    [Description("Generic CSV column mapping, canonical=column[*scale], e.g. \"time_s=t_min*60,voltage_V=U,current_A=I_mA*1e-3\".")]
    public string? Map { get; init; }

    internal CyclerFormat ParsedFormat => Format.ToLowerInvariant() switch
    {
        "auto" => CyclerFormat.Auto, "biologic" => CyclerFormat.BioLogic, "arbin" => CyclerFormat.Arbin, "neware" => CyclerFormat.Neware, "generic" => CyclerFormat.Generic,
        _ => throw new InputException("--format", $"'{Format}' is not auto, biologic, arbin, neware or generic"),
    };

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        return Format.ToLowerInvariant() is "auto" or "biologic" or "arbin" or "neware" or "generic" ? ValidationResult.Success() : ValidationResult.Error($"--format {Format}: must be auto, biologic, arbin, neware or generic");
    }
}

public sealed class EchemImportCommand : Command<CyclerFileSettings>
{
    public override int Execute(CommandContext context, CyclerFileSettings s, CancellationToken cancellationToken)
    {
        var df = CyclerImport.Read(s.File, s.ParsedFormat, CyclerImport.ParseMapping(s.Map));
        var t = CyclerImport.Column(df, CyclerColumns.TimeS);
        var v = CyclerImport.Column(df, CyclerColumns.VoltageV);
        var i = CyclerImport.Column(df, CyclerColumns.CurrentA);
        EchemCommands.PrintTable($"echem import {Path.GetFileName(s.File)}",
        [
            ("rows", df.Rows.Count.ToString(CultureInfo.InvariantCulture)),
            ("columns", string.Join(", ", df.Columns.Select(c => c.Name))),
            ("duration_h", EchemCommands.F(t[^1] / 3600, "F3")),
            ("voltage_V range", $"{EchemCommands.F(v.Min(), "F4")} … {EchemCommands.F(v.Max(), "F4")}"),
            ("current_uA median", EchemCommands.F(Statistics.Median(i) * 1e6, "F3")),
        ]);
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            var canon = CyclerColumns.All.Where(n => df.Columns.Any(c => c.Name == n)).Select(n => (n, (IReadOnlyList<double>)CyclerImport.Column(df, n))).ToList();
            CsvTable.Write(Path.Combine(s.Out, "cycler.csv"), canon);
            new SummaryJson("echem import").Parameter("file", s.File).Parameter("format", s.Format).Parameter("map", s.Map)
                .Set("rows", df.Rows.Count).Set("duration_s", t[^1]).Set("columns", string.Join(", ", df.Columns.Select(c => c.Name)))
                .Write(Path.Combine(s.Out, "summary.json"));
            Console.Error.WriteLine($"wrote {s.Out}/cycler.csv, summary.json");
        }
        return 0;
    }
}

public sealed class EchemClassifyCommand : Command<EchemClassifyCommand.Settings>
{
    public sealed class Settings : CyclerFileSettings
    {
        [CommandOption("--cutoff-v <V>")][Description("Upper cut-off voltage, V. Default: 4.3")][DefaultValue(4.3)]
        public double CutoffV { get; init; } = 4.3;
        [CommandOption("--theoretical-mah <MAH>")][Description("Theoretical cathode capacity, mAh (optional; enables the over-capacity check).")]
        public double? TheoreticalMAh { get; init; }

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (!(CutoffV > 0 && CutoffV < 10)) return ValidationResult.Error($"--cutoff-v {CutoffV}: must be in (0, 10) V");
            return TheoreticalMAh is null or > 0 ? ValidationResult.Success() : ValidationResult.Error($"--theoretical-mah {TheoreticalMAh}: must be positive");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var df = CyclerImport.Read(s.File, s.ParsedFormat, CyclerImport.ParseMapping(s.Map));
        var c = ShortClassifier.Classify(CyclerImport.Column(df, CyclerColumns.TimeS), CyclerImport.Column(df, CyclerColumns.VoltageV), CyclerImport.Column(df, CyclerColumns.CurrentA),
            new ShortClassifierOptions { CutoffV = s.CutoffV, TheoreticalCapacityMAh = s.TheoreticalMAh ?? double.NaN });
        EchemCommands.PrintTable($"echem classify {Path.GetFileName(s.File)}",
        [
            ("class", c.Class.ToString()), ("onset_h", EchemCommands.F(c.OnsetS / 3600, "F3")), ("confidence", EchemCommands.F(c.Confidence, "F2")),
            ("noise_mV", EchemCommands.F(c.NoiseV * 1e3, "F2")), ("drop_threshold_mV", EchemCommands.F(c.ThresholdV * 1e3, "F1")), ("drops", c.Drops.Count.ToString(CultureInfo.InvariantCulture)),
            ("max_voltage_V", EchemCommands.F(c.MaxVoltageV, "F4")), ("reached_cutoff", c.ReachedCutoff.ToString()), ("charge_mAh", EchemCommands.F(c.ChargeMAh, "F4")),
            ("coulombic_efficiency", EchemCommands.F(c.CoulombicEfficiency, "F3")), ("reason", c.Reason),
        ]);
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            CsvTable.Write(Path.Combine(s.Out, "drops.csv"), [("time_s", c.Drops.Select(d => d.TimeS).ToArray()), ("drop_V", c.Drops.Select(d => d.DropV).ToArray())]);
            new SummaryJson("echem classify").Parameter("file", s.File).Parameter("cutoff_V", s.CutoffV).Parameter("theoretical_mAh", s.TheoreticalMAh)
                .Set("class", c.Class.ToString()).Set("onset_s", c.OnsetS).Set("confidence", c.Confidence).Set("noise_V", c.NoiseV).Set("drop_threshold_V", c.ThresholdV)
                .Set("drop_count", c.Drops.Count).Set("max_voltage_V", c.MaxVoltageV).Set("reached_cutoff", c.ReachedCutoff).Set("charge_mAh", c.ChargeMAh)
                .Set("plateau_slope_V_per_h", c.PlateauSlopeVPerH).Set("noise_ratio_after_onset", c.NoiseRatioAfterOnset).Set("coulombic_efficiency", c.CoulombicEfficiency).Set("reason", c.Reason)
                .Write(Path.Combine(s.Out, "summary.json"));
            Console.Error.WriteLine($"wrote {s.Out}/drops.csv, summary.json");
        }
        return 0;
    }
}

public sealed class EchemDcCommand : Command<EchemDcCommand.Settings>
{
    public sealed class Settings : EchemFileSettings
    {
        [CommandOption("--thickness-mm <MM>")][Description("Pellet thickness, mm (or give --mass-mg and --density-g-cm3).")]
        public double? ThicknessMm { get; init; }
        [CommandOption("--diameter-mm <MM>")][Description("Pellet (die) diameter, mm. Paper: 12.6")]
        public double? DiameterMm { get; init; }
        [CommandOption("--mass-mg <MG>")][Description("Pellet mass, mg (paper: 126), for the thickness from mass.")]
        public double? MassMg { get; init; }
        [CommandOption("--density-g-cm3 <RHO>")][Description("Theoretical density, g/cm³ (argyrodite ≈ 1.87), for the thickness from mass.")]
        public double? DensityGCm3 { get; init; }
        [CommandOption("--porosity <PHI>")][Description("Pellet porosity 0–1 for the thickness from mass. Default: 0")][DefaultValue(0.0)]
        public double Porosity { get; init; }
        [CommandOption("--voltage-v <V>")][Description("Polarization voltage, V. Default: 0.5 (paper)")][DefaultValue(0.5)]
        public double VoltageV { get; init; } = 0.5;
        [CommandOption("--tolerance <FRAC>")][Description("Plateau criterion: relative change allowed across the plateau. Default: 0.02")][DefaultValue(0.02)]
        public double Tolerance { get; init; } = 0.02;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            if (DiameterMm is null) return ValidationResult.Error("--diameter-mm is required");
            if (!(DiameterMm > 0)) return ValidationResult.Error($"--diameter-mm {DiameterMm}: must be positive");
            if (ThicknessMm is null && (MassMg is null || DensityGCm3 is null)) return ValidationResult.Error("--thickness-mm, or --mass-mg with --density-g-cm3, is required");
            if (ThicknessMm is not null && !(ThicknessMm > 0)) return ValidationResult.Error($"--thickness-mm {ThicknessMm}: must be positive");
            if (Porosity is < 0 or >= 1) return ValidationResult.Error($"--porosity {Porosity}: must be in [0, 1)");
            if (!(Math.Abs(VoltageV) > 0)) return ValidationResult.Error($"--voltage-v {VoltageV}: must be non-zero");
            return Tolerance is > 0 and < 0.5 ? ValidationResult.Success() : ValidationResult.Error($"--tolerance {Tolerance}: must be in (0, 0.5)");
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var (t, i) = DcPolarization.ReadTrace(s.File);
        double lCm = s.ThicknessMm is double mm ? mm / 10 : DcPolarization.ThicknessFromMassCm(s.MassMg!.Value, s.DensityGCm3!.Value, s.DiameterMm!.Value, s.Porosity);
        double a = DcPolarization.DiscAreaCm2(s.DiameterMm!.Value);
        var r = DcPolarization.Analyse(t, i, s.VoltageV, lCm, a, s.Tolerance);
        EchemCommands.PrintTable($"echem dc-conductivity {Path.GetFileName(s.File)}",
        [
            ("conductivity_S_per_cm", EchemCommands.F(r.ConductivitySPerCm, "E3")), ("steady_current_nA", EchemCommands.F(r.CurrentA * 1e9, "F4")),
            ("steady_current_stderr_nA", EchemCommands.F(r.Plateau.StandardErrorA * 1e9, "F4")), ("plateau_from_s", EchemCommands.F(r.Plateau.PlateauStartS, "F0")),
            ("plateau_reached", r.Plateau.Reached ? "yes" : "NO: current still changing, value is the last 10 % mean"),
            ("thickness_cm", EchemCommands.F(lCm, "F5")), ("area_cm2", EchemCommands.F(a, "F5")), ("resistance_Gohm", EchemCommands.F(r.ResistanceOhm / 1e9, "F4")),
        ]);
        if (!r.Plateau.Reached) Console.Error.WriteLine("warning: no steady state by the plateau criterion; the conductivity is an upper bound");
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            new SummaryJson("echem dc-conductivity").Parameter("file", s.File).Parameter("thickness_mm", s.ThicknessMm).Parameter("diameter_mm", s.DiameterMm)
                .Parameter("mass_mg", s.MassMg).Parameter("density_g_per_cm3", s.DensityGCm3).Parameter("porosity", s.Porosity).Parameter("voltage_V", s.VoltageV).Parameter("tolerance", s.Tolerance)
                .Set("conductivity_S_per_cm", r.ConductivitySPerCm).Set("steady_current_A", r.CurrentA).Set("steady_current_stderr_A", r.Plateau.StandardErrorA)
                .Set("plateau_start_s", r.Plateau.PlateauStartS).Set("plateau_reached", r.Plateau.Reached).Set("plateau_relative_drift", r.Plateau.RelativeDrift)
                .Set("thickness_cm", lCm).Set("area_cm2", a).Set("resistance_ohm", r.ResistanceOhm)
                .Write(Path.Combine(s.Out, "summary.json"));
            Console.Error.WriteLine($"wrote {s.Out}/summary.json");
        }
        return 0;
    }
}

public sealed class EchemEisFitCommand : Command<EchemEisFitCommand.Settings>
{
    public sealed class Settings : EchemFileSettings
    {
        [CommandOption("--circuit <CIRCUIT>")][Description("Circuit in impedance.py notation, e.g. \"R0-p(R1,CPE1)-p(R2,CPE2)-W1\".")]
        public string? Circuit { get; init; }
        [CommandOption("--initial <VALUES>")][Description("Starting values, comma separated, in the order of the circuit's parameters (default: from the spectrum).")]
        public string? Initial { get; init; }
        [CommandOption("--seed <N>")][Description("Seed of the restarts. Default: 1")][DefaultValue(1)]
        public int Seed { get; init; } = 1;

        public override ValidationResult Validate()
        {
            var b = base.Validate();
            if (!b.Successful) return b;
            return string.IsNullOrWhiteSpace(Circuit) ? ValidationResult.Error("--circuit is required, e.g. --circuit \"R0-p(R1,CPE1)-W1\"") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var circuit = EquivalentCircuit.Parse(s.Circuit!);
        var spectrum = EisSpectrum.Read(s.File);
        var fit = EisFit.Fit(circuit, spectrum, s.Initial is null ? null : EisFit.ParseValues(s.Initial, "--initial"), seed: s.Seed);
        var kk = LinKk.Test(spectrum);
        var table = new Table().Title(Markup.Escape($"echem eis-fit {Path.GetFileName(s.File)}: {circuit.Text}")).AddColumn("parameter").AddColumn("value").AddColumn("std error").AddColumn("unit");
        for (int k = 0; k < circuit.ParameterCount; k++)
            table.AddRow(Markup.Escape(circuit.ParameterNames[k]), EchemCommands.F(fit.Parameters[k], "G5"), EchemCommands.F(fit.StandardErrors[k], "G2"), Markup.Escape(circuit.ParameterUnits[k]));
        AnsiConsole.Write(table);
        EchemCommands.PrintTable("fit quality",
        [
            ("status", fit.Message), ("residual_rms (relative)", EchemCommands.F(fit.ResidualRms, "P2")), ("chi_square", EchemCommands.F(fit.ChiSquare, "G4")),
            ("lin_kk", $"{(kk.Valid ? "valid" : "NOT valid")}: M = {kk.Elements}, mu = {kk.Mu:F2}, residual rms {kk.ResidualRms:P2}, max {kk.ResidualMax:P2}"),
        ]);
        if (!fit.Converged) Console.Error.WriteLine($"warning: {fit.Message}");
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            var zf = circuit.Impedance(fit.Parameters, spectrum.FreqHz);
            CsvTable.Write(Path.Combine(s.Out, "fit.csv"),
            [
                ("freq_Hz", spectrum.FreqHz), ("z_real_ohm", spectrum.Z.Select(z => z.Real).ToArray()), ("z_imag_ohm", spectrum.Z.Select(z => z.Imaginary).ToArray()),
                ("fit_real_ohm", zf.Select(z => z.Real).ToArray()), ("fit_imag_ohm", zf.Select(z => z.Imaginary).ToArray()),
                ("kk_residual_real", kk.ResidualReal), ("kk_residual_imag", kk.ResidualImag),
            ]);
            var sj = new SummaryJson("echem eis-fit").Parameter("file", s.File).Parameter("circuit", circuit.Text).Parameter("initial", s.Initial).Parameter("seed", s.Seed)
                .Set("converged", fit.Converged).Set("message", fit.Message).Set("residual_rms", fit.ResidualRms).Set("chi_square", fit.ChiSquare)
                .Set("parameters", circuit.ParameterNames.Select((n, k) => new KeyValuePair<string, object?>(n, fit.Parameters[k])).ToList())
                .Set("standard_errors", circuit.ParameterNames.Select((n, k) => new KeyValuePair<string, object?>(n, fit.StandardErrors[k])).ToList())
                .Set("lin_kk_valid", kk.Valid).Set("lin_kk_elements", kk.Elements).Set("lin_kk_mu", kk.Mu).Set("lin_kk_residual_rms", kk.ResidualRms);
            sj.Write(Path.Combine(s.Out, "summary.json"));
            Console.Error.WriteLine($"wrote {s.Out}/fit.csv, summary.json");
        }
        return 0;
    }
}

public sealed class EchemEisClassifyCommand : Command<EchemFileSettings>
{
    public override int Execute(CommandContext context, EchemFileSettings s, CancellationToken cancellationToken)
    {
        var spectrum = EisSpectrum.Read(s.File);
        var r = EisShortClassifier.Classify(spectrum);
        var table = new Table().Title(Markup.Escape($"echem eis-classify {Path.GetFileName(s.File)}: {r.State} ({r.Confidence:P1})")).AddColumn("model").AddColumn("circuit").AddColumn("residual rms").AddColumn("BIC").AddColumn("weight");
        foreach (var (state, fit) in r.Fits)
            table.AddRow(state.ToString(), Markup.Escape(fit.Circuit.Text), EchemCommands.F(fit.ResidualRms, "P2"), EchemCommands.F(fit.Bic, "F1"), EchemCommands.F(r.Weights[state], "P1"));
        AnsiConsole.Write(table);
        if (s.Out is not null)
        {
            Directory.CreateDirectory(s.Out);
            new SummaryJson("echem eis-classify").Parameter("file", s.File).Set("state", r.State.ToString()).Set("confidence", r.Confidence)
                .Set("models", r.Fits.Select(kv => new KeyValuePair<string, object?>(kv.Key.ToString(), new List<KeyValuePair<string, object?>>
                {
                    new("circuit", kv.Value.Circuit.Text), new("residual_rms", kv.Value.ResidualRms), new("bic", kv.Value.Bic), new("weight", r.Weights[kv.Key]),
                    new("parameters", kv.Value.Circuit.ParameterNames.Select((n, k) => new KeyValuePair<string, object?>(n, kv.Value.Parameters[k])).ToList()),
                })).ToList())
                .Write(Path.Combine(s.Out, "summary.json"));
            Console.Error.WriteLine($"wrote {s.Out}/summary.json");
        }
        return 0;
    }
}

public sealed class SynthCyclerCommand : Command<SynthCyclerCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--seed <N>")][Description("Random seed. Default: 1")][DefaultValue(1)]
        public int Seed { get; init; } = 1;
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "electrochemistry";
        var files = CliProgress.Run("synth cycler", p => ElectrochemistrySamples.Write(outDir, s.Seed, p));
        Console.Error.WriteLine($"wrote {files.Count} files into {outDir}: {string.Join(", ", files)}");
        return 0;
    }
}

public sealed class BenchEchemCommand : Command<BenchEchemCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--hours <H>")][DefaultValue(200.0)][Description("Length of the synthetic record, h (30 s records). Default: 200 (24 000 rows)")]
        public double Hours { get; init; } = 200;
        [CommandOption("--fits <N>")][DefaultValue(20)][Description("EIS fits to time. Default: 20")]
        public int Fits { get; init; } = 20;
        [CommandOption("--keep <DIR>")][Description("Also write the benchmark inputs (record .mpt, spectrum .csv) into DIR, for a peer tool.")]
        public string? Keep { get; init; }

        public override ValidationResult Validate() =>
            Hours is > 1 and <= 10000 && Fits is > 0 and <= 1000 ? ValidationResult.Success() : ValidationResult.Error("--hours must be in (1, 10000] and --fits in [1, 1000]");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string dir = s.Keep ?? Path.Combine(Path.GetTempPath(), $"softshort-bench-echem-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var model = new CyclerModel { DurationH = s.Hours, CutoffV = 99 };
            var rec = CyclerSimulator.Simulate(model, ShortCase.SoftShort, 0.005, 1);
            string mpt = Path.Combine(dir, "bench_record.mpt");
            CyclerSimulator.WriteMpt(mpt, rec, model);
            double mb = new FileInfo(mpt).Length / 1e6;
            var df = CyclerImport.Read(mpt); // warm-up (JIT); the timed run follows
            var sw = System.Diagnostics.Stopwatch.StartNew();
            df = CyclerImport.Read(mpt);
            double tImport = sw.Elapsed.TotalSeconds;
            var t = CyclerImport.Column(df, CyclerColumns.TimeS); var v = CyclerImport.Column(df, CyclerColumns.VoltageV); var i = CyclerImport.Column(df, CyclerColumns.CurrentA);
            ShortClassifier.Classify(t, v, i);
            sw.Restart();
            var c = ShortClassifier.Classify(t, v, i);
            double tClass = sw.Elapsed.TotalSeconds;

            var circuit = EquivalentCircuit.Parse(EisShortClassifier.HealthyCircuit);
            double[] truth = [40, 150, 1e-7, 0.9, 600, 2e-5, 0.85, 200];
            var spectra = Enumerable.Range(0, s.Fits).Select(k => EisSpectrum.Synthesize(circuit, truth, EisSpectrum.LogFrequencies(), 0.01, k + 1)).ToList();
            if (s.Keep is not null) spectra[0].WriteCsv(Path.Combine(dir, "bench_spectrum.csv"));
            double[] start = [30, 100, 2e-7, 0.8, 400, 1e-5, 0.8, 100];
            EisFit.Fit(circuit, spectra[0], start, restarts: 0); // warm-up (JIT)
            sw.Restart();
            double worst = 0;
            foreach (var sp in spectra)
            {
                var f = EisFit.Fit(circuit, sp, start, restarts: 0);
                worst = Math.Max(worst, f.Parameters.Select((p, k) => Math.Abs(p / truth[k] - 1)).Where((_, k) => !circuit.ParameterNames[k].EndsWith("_0") || !circuit.ParameterNames[k].StartsWith("CPE")).Max());
            }
            double tFit = sw.Elapsed.TotalSeconds / s.Fits;
            Console.WriteLine($"bench echem: {df.Rows.Count} rows, {mb:F1} MB EC-Lab .mpt");
            Console.WriteLine($"  import:   {tImport:F3} s ({df.Rows.Count / tImport:F0} rows/s, {mb / tImport:F1} MB/s)");
            Console.WriteLine($"  classify: {tClass * 1e3:F1} ms ({c.Class}, onset {c.OnsetS / 3600:F2} h)");
            Console.WriteLine($"  EIS CNLS fit, {circuit.Text}, 81 points, 1 % noise, one start: {tFit * 1e3:F1} ms per fit; worst R/α/W error {worst:P2}");
            Console.WriteLine($"  peak working set: {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        }
        finally { if (s.Keep is null) Directory.Delete(dir, true); }
        return 0;
    }
}
