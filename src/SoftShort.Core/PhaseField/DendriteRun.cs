using System.Globalization;
using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.PhaseField;

/// <summary>Classification of a run's short circuit (issue 8): none, soft (a Li bridge formed and broke) or hard (persistent).</summary>
public enum ShortType { None, Soft, Hard }

/// <summary>
/// Drives a <see cref="DendriteSimulation"/> to the end time and writes its outputs into a folder: <c>timeseries.csv</c>,
/// float32 TIFF snapshots (one page per field), <c>summary.json</c> and a checkpoint for <c>--resume</c>.
/// </summary>
public sealed class DendriteRun
{
    public const string CheckpointName = "checkpoint.bin";
    /// <summary>Checkpoint format tag (2: complete solver state, bit-identical resume).</summary>
    public const string CheckpointFormat = "softshort-phasefield-2";
    public static readonly string[] SnapshotFields =
        ["phase_eta", "xi", "ionic_potential_V", "overpotential_V", "li_ion_concentration", "reaction_rate_per_s",
         "hydrostatic_pressure_MPa", "von_mises_MPa", "volumetric_strain", "mechanical_shift_V"];

    public DendriteSimulation Simulation { get; }
    public List<DendriteObservation> Series { get; } = [];
    public double OutputIntervalS { get; init; } = 5;
    public double SnapshotIntervalS { get; init; } = 100;

    public DendriteRun(DendriteParameters parameters, bool mechanics = true) => Simulation = new DendriteSimulation(parameters, mechanics);

    /// <summary>Runs to the end time; writes snapshots and the checkpoint into <paramref name="outDir"/> when given.</summary>
    public void Run(string? outDir, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        var sim = Simulation;
        // snapshot (and checkpoint) schedule: t = 0 and every multiple of the interval; a resumed run continues the same schedule
        double nextSnap = sim.Steps == 0 ? 0 : DendriteSimulation.NextMultiple(sim.TimeS, SnapshotIntervalS);
        try
        {
            sim.Run(sim.Parameters.TimeS, OutputIntervalS, o =>
            {
                Series.Add(o);
                if (outDir != null && o.TimeS >= nextSnap - 1e-9)
                {
                    WriteSnapshot(outDir, o.TimeS);
                    WriteCheckpoint(Path.Combine(outDir, CheckpointName));
                    nextSnap = DendriteSimulation.NextMultiple(o.TimeS, SnapshotIntervalS);
                }
            }, progress, cancel);
        }
        catch (InvalidOperationException e) when (outDir != null)
        {
            // divergence: keep the last good checkpoint (written at the last snapshot) and report
            WriteOutputs(outDir);
            throw new InputException(Path.Combine(outDir, CheckpointName), $"{e.Message}; the last good state is in the checkpoint — try a smaller --dx-um or max Δt");
        }
        if (outDir != null)
        {
            WriteSnapshot(outDir, sim.TimeS);
            WriteCheckpoint(Path.Combine(outDir, CheckpointName));
            WriteOutputs(outDir);
        }
    }

    /// <summary>Short classification over the series: hard if bridged at the end, soft if a bridge formed and broke, else none.</summary>
    public (ShortType Type, double TimeS) Short()
    {
        if (Series.Count == 0) return (ShortType.None, double.NaN);
        double first = double.NaN;
        foreach (var o in Series) if (o.Bridged) { first = o.TimeS; break; }
        if (double.IsNaN(first) && Simulation.EverBridged) first = Simulation.FirstBridgeTimeS;
        if (Series[^1].Bridged) return (ShortType.Hard, first);
        return Simulation.EverBridged || !double.IsNaN(first) ? (ShortType.Soft, first) : (ShortType.None, double.NaN);
    }

    /// <summary>Relative mismatch between the plated Li area and ∫I dt·V_m/F (charge conservation).</summary>
    public double ChargeBalanceError()
    {
        var last = Series[^1];
        double plated = last.LiVolumeUm2 - Simulation.InitialLiUm2;
        return plated == 0 ? 0 : (plated - last.PlatedFromChargeUm2) / plated;
    }

    public Image2D<float> Field(string name)
    {
        var s = Simulation;
        float[] data = name switch
        {
            "phase_eta" => s.PhaseMap(),
            "xi" => ToFloat(s.Xi),
            "ionic_potential_V" => ToFloat(s.IonicPotentialV),
            "overpotential_V" => ToFloat(s.OverpotentialV),
            "li_ion_concentration" => ToFloat(s.Concentration),
            "reaction_rate_per_s" => ToFloat(s.ReactionRatePerS),
            "hydrostatic_pressure_MPa" => ToFloat(s.HydrostaticMPa),
            "von_mises_MPa" => ToFloat(s.VonMisesMPa),
            "volumetric_strain" => ToFloat(s.VolumetricStrain),
            "mechanical_shift_V" => ToFloat(s.MechanicalShiftV),
            _ => throw new ArgumentException($"unknown field {name}"),
        };
        return new Image2D<float>(s.Nx, s.Ny, data) { PixelSizeXUm = s.DxUm, PixelSizeYUm = s.DxUm };
    }

    static float[] ToFloat(double[] v) { var f = new float[v.Length]; for (int i = 0; i < v.Length; i++) f[i] = (float)v[i]; return f; }

    void WriteSnapshot(string dir, double t)
    {
        Directory.CreateDirectory(dir);
        var s = Simulation;
        var vol = new Volume3D<float>(SnapshotFields.Length, s.Ny, s.Nx);
        for (int k = 0; k < SnapshotFields.Length; k++) Field(SnapshotFields[k]).Pixels.CopyTo(vol.Slice(k));
        Tiff.Write(Path.Combine(dir, $"fields_t{t:0000}s.tif"), vol);
    }

    /// <summary>Writes timeseries.csv and summary.json.</summary>
    public void WriteOutputs(string dir)
    {
        Directory.CreateDirectory(dir);
        var S = Series;
        CsvTable.Write(Path.Combine(dir, "timeseries.csv"),
        [
            ("time_s", S.Select(o => o.TimeS).ToList()), ("dt_s", S.Select(o => o.DtS).ToList()), ("steps", S.Select(o => (double)o.Steps).ToList()),
            ("ionic_current_A_per_m", S.Select(o => o.IonicCurrentAPerM).ToList()), ("leakage_current_A_per_m", S.Select(o => o.LeakageCurrentAPerM).ToList()),
            ("li_volume_um3_per_um", S.Select(o => o.LiVolumeUm2).ToList()), ("li_in_se_um3_per_um", S.Select(o => o.LiInSeUm2).ToList()),
            ("plated_from_charge_um3_per_um", S.Select(o => o.PlatedFromChargeUm2).ToList()), ("tip_x_um", S.Select(o => o.TipXUm).ToList()),
            ("dendrite_length_um", S.Select(o => o.DendriteLengthUm).ToList()), ("dead_li_count", S.Select(o => (double)o.DeadLiCount).ToList()),
            ("dead_li_um3_per_um", S.Select(o => o.DeadLiUm2).ToList()), ("bridged", S.Select(o => o.Bridged ? 1.0 : 0.0).ToList()),
            ("max_hydrostatic_pressure_MPa", S.Select(o => o.MaxHydrostaticMPa).ToList()), ("max_von_mises_MPa", S.Select(o => o.MaxVonMisesMPa).ToList()),
            ("mean_volumetric_strain_li_in_se", S.Select(o => o.MeanVolumetricStrainLi).ToList()), ("pcg_iterations", S.Select(o => (double)o.PcgIterations).ToList()),
        ]);
        var p = Simulation.Parameters;
        var (type, time) = Short();
        var last = S[^1];
        var summary = new SummaryJson("phasefield run");
        // written only with Li plasticity, so the summaries of the (elastic) bundled runs stay what the code writes
        if (p.LiPlasticity) summary.Parameter("li_plasticity", $"J2, elastic-perfectly-plastic, yield {p.LiYieldMPa.ToString(CultureInfo.InvariantCulture)} MPa")
                .Parameter("plasticity_max_iterations", p.PlasticityMaxIterations).Parameter("plasticity_tolerance_MPa", p.PlasticityToleranceMPa);
        if (p.LiPlasticity && Simulation.Mechanics is { } m)
            summary.Set("plastic_solves", m.PlasticSolves).Set("plastic_newton_iterations", m.TotalPlasticIterations)
                .Set("plastic_unconverged_solves", m.UnconvergedPlasticSolves).Set("plastic_largest_unconverged_change_MPa", m.LargestUnconvergedChangeMPa);
        summary
            .Parameter("pressure_MPa", p.PressureMPa).Parameter("time_s", p.TimeS).Parameter("dx_um", p.DxUm).Parameter("seed", p.Seed)
            .Parameter("porosity", p.Porosity).Parameter("mean_pore_diameter_um", p.MeanPoreDiameterUm).Parameter("applied_voltage_V", p.AppliedVoltageV)
            .Parameter("exchange_current_density_mA_per_cm2", p.ExchangeCurrentDensityAPerM2 / 10).Parameter("se_ionic_conductivity_S_per_m", p.SeIonicConductivitySPerM)
            .Parameter("se_diffusivity_um2_per_s", p.SeDiffusivityUm2PerS).Parameter("deposition_eigenstrain", p.DepositionEigenstrain)
            .Parameter("deposition_strain_form", p.DepositionStrainForm == DepositionStrainForm.InterfaceNormal ? "interface_normal" : "isotropic")
            .Parameter("interface_cells", p.InterfaceCells).Parameter("profile_relaxation_per_s", p.ProfileRelaxationPerS)
            .Set("short_type", type.ToString().ToLowerInvariant()).Set("short_time_s", time)
            .Set("bridge_events", Simulation.BridgeEvents)
            .Set("max_hydrostatic_pressure_MPa", S.Max(o => o.MaxHydrostaticMPa))
            .Set("dendrite_length_um", last.DendriteLengthUm).Set("tip_x_um", last.TipXUm)
            .Set("li_in_se_um3_per_um", last.LiInSeUm2).Set("plated_li_um3_per_um", last.LiVolumeUm2 - Simulation.InitialLiUm2)
            .Set("plated_from_charge_um3_per_um", last.PlatedFromChargeUm2).Set("charge_balance_error", ChargeBalanceError())
            .Set("dead_li_count", last.DeadLiCount).Set("final_ionic_current_A_per_m", last.IonicCurrentAPerM)
            .Set("final_leakage_current_A_per_m", last.LeakageCurrentAPerM).Set("steps", Simulation.Steps)
            .Set("measured_porosity", PoreMicrostructure.Porosity(Simulation.Pores, Simulation.Nx, Simulation.Ny, p.DxUm, p.LiThicknessUm))
            .Write(Path.Combine(dir, "summary.json"));
    }

    /// <summary>Saves the evolving state (ξ, c, φₑ, time, counters, series); pores and the initial state follow from the parameters.</summary>
    public void WriteCheckpoint(string path)
    {
        var s = Simulation;
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(CheckpointFormat);
            w.Write(ParametersKey(s.Parameters));
            s.WriteState(w);
            w.Write(Series.Count);
            foreach (var o in Series) WriteObservation(w, o);
        });
    }

    /// <summary>Resumes from a checkpoint written with the same parameters (except the end time).</summary>
    public void ReadCheckpoint(string path)
    {
        InputException.Require(File.Exists(path), path, "no checkpoint to resume from");
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            string format = r.ReadString();
            InputException.Require(format.StartsWith("softshort-phasefield-", StringComparison.Ordinal), path, "not a softshort phase-field checkpoint");
            InputException.Require(format == CheckpointFormat, path, $"checkpoint format {format} is from another version (this one writes {CheckpointFormat}); re-run without --resume");
            string key = r.ReadString();
            InputException.Require(key == ParametersKey(Simulation.Parameters), path, $"checkpoint was made with other parameters ({key})");
            Simulation.ReadState(r);
            int n = r.ReadInt32();
            Series.Clear();
            for (int i = 0; i < n; i++) Series.Add(ReadObservation(r));
        }
        catch (EndOfStreamException e) { throw new InputException(path, "checkpoint is truncated", e); }
    }

    static string ParametersKey(DendriteParameters p) => string.Create(CultureInfo.InvariantCulture,
        $"P={p.PressureMPa};dx={p.DxUm};seed={p.Seed};por={p.Porosity};i0={p.ExchangeCurrentDensityAPerM2};V={p.AppliedVoltageV};eps={p.DepositionEigenstrain};form={p.DepositionStrainForm}")
        + (p.LiPlasticity ? string.Create(CultureInfo.InvariantCulture, $";liyield={p.LiYieldMPa};plit={p.PlasticityMaxIterations};pltol={p.PlasticityToleranceMPa}") : "")
        + (p.MechanicsElementUm != 4 ? string.Create(CultureInfo.InvariantCulture, $";mech={p.MechanicsElementUm}") : "");

    static void WriteObservation(BinaryWriter w, DendriteObservation o)
    {
        foreach (double v in new[] { o.TimeS, o.DtS, o.Steps, o.IonicCurrentAPerM, o.LeakageCurrentAPerM, o.LiVolumeUm2, o.LiInSeUm2, o.PlatedFromChargeUm2,
                     o.TipXUm, o.DendriteLengthUm, o.DeadLiCount, o.DeadLiUm2, o.Bridged ? 1 : 0, o.MaxHydrostaticMPa, o.MaxVonMisesMPa, o.MeanVolumetricStrainLi, o.PcgIterations })
            w.Write(v);
    }

    static DendriteObservation ReadObservation(BinaryReader r)
    {
        var v = new double[17];
        for (int i = 0; i < v.Length; i++) v[i] = r.ReadDouble();
        return new DendriteObservation(v[0], v[1], (long)v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], (int)v[10], v[11], v[12] > 0, v[13], v[14], v[15], (int)v[16]);
    }
}
