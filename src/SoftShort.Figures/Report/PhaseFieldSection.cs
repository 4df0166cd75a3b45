using System.Globalization;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;
using SoftShort.PhaseField;

namespace SoftShort.Figures.Report;

/// <summary>
/// Paper Fig. 4 (and S12/S13): the phase-field model of Li plating into the porous SE under 0/5/10 MPa, from the runs
/// bundled in <c>data-samples/phasefield/</c>, a live coarse run, and the PFHub verification (BM1a, BM7a).
/// </summary>
public sealed class PhaseFieldSection : IReportSection
{
    public string Id => "phasefield";
    public string Title => "Phase-field model of Li dendrites in the porous SE under pressure";
    public string PaperFigures => "Fig. 4A–D; Fig. S12, S13";
    public int Order => 50;

    static readonly double[] Pressures = [0, 5, 10];

    public void Build(ReportContext ctx)
    {
        BuildPaperRuns(ctx);
        ctx.ReportProgress(0.3);
        BuildCoarseRun(ctx);
        ctx.ReportProgress(0.7);
        BuildVerification(ctx);
        ctx.ReportProgress(1);
    }

    void BuildPaperRuns(ReportContext ctx)
    {
        string root = Path.Combine(ctx.DataDir, "phasefield");
        var present = Pressures.Where(p => File.Exists(Path.Combine(root, Dir(p), "timeseries.csv"))).ToArray();
        ctx.Heading("Fig. 4: 0, 5 and 10 MPa on the paper's 1000 × 500 µm domain");
        if (present.Length == 0)
        {
            ctx.Text("No bundled runs found in data-samples/phasefield/ (make them with `softshort phasefield run --pressure-mpa P --time-s 500 --dx-um 2 --out DIR` and `softshort phasefield pack DIR --out data-samples/phasefield/pPMPa`).");
            return;
        }
        var series = present.ToDictionary(p => p, p => PhaseFieldResults.ReadCsv(Path.Combine(root, Dir(p), "timeseries.csv")));
        foreach (var p in present)
        {
            var ts = series[p];
            string k = $"{p:0}MPa";
            ctx.Number($"dendrite_length_{k}_um", ts["dendrite_length_um"][^1], $"Longest anode-connected Li protrusion beyond the initial interface after {ts["time_s"][^1]:F0} s at {p} MPa");
            ctx.Number($"li_in_se_{k}_um3_per_um", ts["li_in_se_um3_per_um"][^1], $"Li in the SE region (per µm depth) at {p} MPa");
            ctx.Number($"max_hydrostatic_pressure_{k}_MPa", ts["max_hydrostatic_pressure_MPa"].Max(), $"Maximum hydrostatic pressure P_m over the run at {p} MPa");
            ctx.Number($"bridged_{k}", ts["bridged"].Max(), $"1 if a Li bridge reached the cathode side at {p} MPa");
            var last = ts["plated_from_charge_um3_per_um"][^1];
            ctx.Number($"plated_from_charge_{k}_um3_per_um", last, $"∫I dt·V_m/F at {p} MPa");
        }
        foreach (var (field, title, min, max, map) in new (string, string, double, double, Colormap)[]
        {
            ("phase_eta", "η = ξ + ρ (2 Li, 1 SE, 0 Li-filled pore, −1 pore)", -1, 2, Colormap.Turbo),
            ("hydrostatic_pressure_MPa", "hydrostatic pressure P_m (MPa)", double.NaN, double.NaN, Colormap.Viridis),
            ("volumetric_strain", "volumetric strain ε_vol", double.NaN, double.NaN, Colormap.Diverging),
        })
            foreach (var p in present)
            {
                var img = PhaseFieldResults.CompactField(Path.Combine(root, Dir(p)), field);
                ctx.Image(ImageRenderer.Render(img, new ImageRenderOptions { Colormap = map, Min = min, Max = max, MaxSize = 700 }, $"{p:0} MPa: {title}"),
                    $"{field}_{p:0}MPa", $"Fig. 4 analogue at {p} MPa, t = {series[p]["time_s"][^1]:F0} s: {title}. x from the Li anode (left) to the cathode side (right).");
            }
        string[] colours = ["#1f77b4", "#ff7f0e", "#2ca02c"];
        GenericLines(ctx, present, series, colours, "leakage_current_A_per_m", "leakage (electronic) current (A per m depth)",
            "Fig. 4D analogue: electronic current through the cathode-side boundary (SE electronic conductivity 3.2×10⁻⁹ S cm⁻¹; a Li bridge would carry σ_Li).");
        GenericLines(ctx, present, series, colours, "dendrite_length_um", "dendrite length (µm)", "Longest anode-connected protrusion beyond the initial Li|SE interface.");
        GenericLines(ctx, present, series, colours, "li_in_se_um3_per_um", "Li in the SE (µm³ per µm depth)", "Li volume beyond the initial interface (pressure slows plating if this falls with pressure).");
        GenericLines(ctx, present, series, colours, "max_hydrostatic_pressure_MPa", "max P_m (MPa)", "Maximum hydrostatic pressure (paper: rises from ≈2 to ≈12 MPa with external pressure).");
        GenericLines(ctx, present, series, colours, "ionic_current_A_per_m", "ionic current (A per m depth)", "Plating current through the cathode-side boundary.");
        GenericLines(ctx, present, series, colours, "dead_li_count", "dead Li islands", "Fig. S13 analogue: Li islands (ξ > ½) not connected to the anode.");
    }

    static void GenericLines(ReportContext ctx, double[] present, Dictionary<double, Dictionary<string, double[]>> series, string[] colours, string column, string yTitle, string caption)
    {
        var lines = present.Select((p, i) => new Series($"{p:0} MPa", series[p]["time_s"], series[p][column], Color: colours[i % colours.Length])).ToList();
        ctx.Chart(Charts.Lines(lines, "time (s)", yTitle), caption);
    }

    static string Dir(double p) => $"p{p:0}MPa";

    void BuildCoarseRun(ReportContext ctx)
    {
        var parameters = PhaseFieldResults.CoarseDemo() with { TimeS = ctx.Quick ? 30 : 60 };
        ctx.Heading($"A live coarse run ({parameters.DomainWidthUm:0} × {parameters.DomainHeightUm:0} µm at {parameters.DxUm} µm, {parameters.TimeS:0} s)");
        var run = new DendriteRun(parameters) { OutputIntervalS = 5 };
        run.Run(null, null, ctx.Cancellation);
        var last = run.Series[^1];
        double plated = last.LiVolumeUm2 - run.Simulation.InitialLiUm2;
        ctx.Number("coarse_plated_um3_per_um", plated, "Li plated in the coarse run (µm³ per µm depth)");
        ctx.Number("coarse_charge_balance_percent", 100 * run.ChargeBalanceError(), "Plated Li vs ∫I dt·V_m/F, % (target |·| < 2 %)");
        ctx.Number("coarse_max_hydrostatic_pressure_MPa", run.Series.Max(o => o.MaxHydrostaticMPa), "Max P_m in the coarse run");
        ctx.Image(ImageRenderer.Render(run.Field("phase_eta"), new ImageRenderOptions { Colormap = Colormap.Turbo, Min = -1, Max = 2, MaxSize = 600 }, "η"),
            "coarse_phase", "Coarse run: phase map η at the end.");
        ctx.Image(ImageRenderer.Render(run.Field("reaction_rate_per_s"), new ImageRenderOptions { Colormap = Colormap.Viridis, MaxSize = 600 }, "Faradaic rate (1/s)"),
            "coarse_driving_force", "Fig. S12 analogue: electrochemical driving rate L_η h′(ξ)·BV of ξ (s⁻¹), concentrated on the protrusion tips.");
        ctx.Image(ImageRenderer.Render(run.Field("mechanical_shift_V"), new ImageRenderOptions { Colormap = Colormap.Viridis, MaxSize = 600 }, "P_m V_m / F (V)"),
            "coarse_elastic_driving_force", "Fig. S12 analogue: the elastic (pressure) term P_m V_m/F that reduces the plating overpotential.");
        ctx.Csv("coarse_timeseries", [("time_s", run.Series.Select(o => o.TimeS).ToList()), ("li_volume_um3_per_um", run.Series.Select(o => o.LiVolumeUm2).ToList()),
            ("plated_from_charge_um3_per_um", run.Series.Select(o => o.PlatedFromChargeUm2 + run.Simulation.InitialLiUm2).ToList())]);
    }

    void BuildVerification(ReportContext ctx)
    {
        ctx.Heading("Verification: PFHub benchmarks 1a and 7a");
        // full mode: MMSP's own discretisation (200², Δx = 1, 5-point Laplacian) solved in Fourier space; quick mode: 64² spectral
        int grid = ctx.Quick ? 64 : 200;
        bool fd = !ctx.Quick;
        double tEnd = ctx.Quick ? 1000 : 10000;
        var solver = new SpinodalSolver(n: grid, finiteDifference: fd) { ChangeTolerance = fd ? 1e-3 : 2e-3 };
        var (t, f) = solver.Run(tEnd, 10, null, ctx.Cancellation);
        var refs = SpinodalReference.Mmsp.Where(r => r.Time <= tEnd).ToList();
        ctx.Chart(Charts.Lines(
            [new Series($"SoftShort (SBDF2, {(fd ? "5-point Laplacian" : "spectral")}, {grid}²)", t, f), new Series("MMSP community result", refs.Select(r => r.Time).ToList(), refs.Select(r => r.FreeEnergy).ToList(), Markers: true, Dash: "dot")],
            "time", "total free energy F"), "PFHub BM1a (periodic spinodal decomposition): F(t) against the published MMSP result.");
        foreach (var r in refs.Where(r => ctx.Quick ? r.Time is 0 or 1000 : true))
            ctx.Number($"bm1a_free_energy_t{r.Time:0}", SpinodalReference.Interpolate(t, f, r.Time), $"BM1a F at t = {r.Time} (MMSP: {r.FreeEnergy})");
        int[] nxs = ctx.Quick ? [32, 64, 128] : [32, 64, 128, 256];
        var errors = nxs.Select(n => AllenCahnMms.Solve(n, cancel: ctx.Cancellation)).ToList();
        ctx.Table(["nx", "cells", "Δt", "L2 error at t = 8", "observed order"],
            errors.Select((e, i) => (IReadOnlyList<string>)[e.Nx.ToString(CultureInfo.InvariantCulture), $"{e.Nx}×{e.Ny}", e.Dt.ToString("G3", CultureInfo.InvariantCulture),
                e.L2Error.ToString("E3", CultureInfo.InvariantCulture), i == 0 ? "" : Math.Log2(errors[i - 1].L2Error / e.L2Error).ToString("F2", CultureInfo.InvariantCulture)]));
        ctx.Number("bm7a_observed_order", Math.Log2(errors[^2].L2Error / errors[^1].L2Error), $"BM7a convergence order between nx = {errors[^2].Nx} and {errors[^1].Nx}");
    }
}
