using SoftShort.Electrochemistry;

namespace SoftShort.Synthetic;

/// <summary>The three charges of paper Fig. S4.</summary>
public enum ShortCase { Normal, SoftShort, HardShort }

/// <summary>
/// Parameters of the galvanostatic-charge model of the paper's NMC811 | Li₅.₄PS₄.₄Cl₁.₆ | Li cell.
/// Defaults: the paper's cathode (6.27 mg NMC811) at C/20 (1C = 200 mA g⁻¹) for 20 h.
/// </summary>
public sealed record CyclerModel
{
    /// <summary>NMC811 mass, mg (paper: 80/102 of 8 mg).</summary>
    public double Nmc811MassMg { get; init; } = new CellGeometry().Nmc811MassMg;
    /// <summary>1C specific current, mA g⁻¹ (paper: 200).</summary>
    public double SpecificCurrent1CmAPerG { get; init; } = 200;
    public double CRate { get; init; } = 0.05;
    /// <summary>Charge duration limit, h (paper: 20 h).</summary>
    public double DurationH { get; init; } = 20;
    /// <summary>Upper cut-off voltage, V. Assumption: 4.3 V vs Li, usual for NMC811 half cells (the paper does not state it).</summary>
    public double CutoffV { get; init; } = 4.3;
    /// <summary>Initial Li stoichiometry of the pristine cathode. Assumption: 0.80, chosen so that the soft short of Fig. 2B (onset 4.5 h) fluctuates around ≈ 3.8 V as in the paper (a fresh NMC811 is x ≈ 0.9–1; the lower start stands in for the first-charge activation the OCV fit of a cycled cell does not show).</summary>
    public double InitialStoichiometry { get; init; } = 0.80;
    /// <summary>Ohmic resistance, Ω: SE pellet ≈ 0.08 cm / (7.8 mS cm⁻¹ · 0.317 cm²) ≈ 32 Ω plus contacts. Assumption: 60 Ω.</summary>
    public double OhmicOhm { get; init; } = 60;
    /// <summary>Exchange current of the cathode interface, A (Butler–Volmer, α = 0.5). Assumption: 14 µA (≈ 44 µA cm⁻² over the bore), giving ≈ 80 mV at C/20.</summary>
    public double ExchangeCurrentA { get; init; } = 14e-6;
    /// <summary>Time constant of the charge-transfer overpotential (double-layer charging), s. Assumption: 60 s.</summary>
    public double ChargeTransferTauS { get; init; } = 60;
    /// <summary>Temperature, K.</summary>
    public double TemperatureK { get; init; } = 298.15;
    /// <summary>Onset of the short, h (paper Fig. 2B: soft short after ≈ 4.5 h).</summary>
    public double ShortOnsetH { get; init; } = 4.5;
    /// <summary>Soft short: leakage resistance while a Li filament bridges the SE, drawn log-uniformly in this range, Ω.</summary>
    public double SoftShortMinOhm { get; init; } = 25e3;
    /// <summary>Upper end of the soft-short leakage resistance range, Ω.</summary>
    public double SoftShortMaxOhm { get; init; } = 60e3;
    /// <summary>Soft short: mean durations of the closed and open states (exponential, plus 5 min minimum), min.</summary>
    public double SoftClosedMeanMin { get; init; } = 20;
    /// <summary>Soft short: mean duration of the open state, min.</summary>
    public double SoftOpenMeanMin { get; init; } = 10;
    /// <summary>Hard short: persistent leakage resistance, Ω.</summary>
    public double HardShortOhm { get; init; } = 0.5;
    /// <summary>Record interval, s (EC-Lab "Record every dt").</summary>
    public double RecordIntervalS { get; init; } = 30;
    /// <summary>Rest after reaching the cut-off, min (the record continues at zero current).</summary>
    public double RestAfterCutoffMin { get; init; } = 30;

    public double CurrentA => Faraday.CurrentA(Nmc811MassMg, SpecificCurrent1CmAPerG, CRate);
    /// <summary>Charge of one Li per NMC811 formula unit in the cathode, C.</summary>
    public double TheoreticalChargeC => Nmc811Ocv.TheoreticalCapacityMAhPerG * Nmc811MassMg * 1e-3 * 3.6;
}

/// <summary>A simulated charge: the record (time, measured voltage, current) and the planted truth.</summary>
public sealed record CyclerRecord(double[] TimeS, double[] VoltageV, double[] CurrentA, double[] TrueVoltageV, double[] LeakageOhm, ShortCase Case, double OnsetS, double NoiseV);

/// <summary>
/// Physics-based galvanostatic charge of an NMC811 | SE | Li cell with a short modelled as an electronic leakage path
/// in parallel with the cell. The cell: V = U(x) + η_ct + I_cell·R_Ω, with U the NMC811 OCV of Chen et al. 2020
/// (<see cref="Nmc811Ocv"/>), η_ct relaxing (time constant τ) towards the Butler–Volmer overpotential
/// (2RT/F)·asinh(I_cell/(2 I₀)), and dx/dt = −I_cell/Q_theor. The leakage path R_s carries V/R_s of the applied current,
/// so I_cell = I − V/R_s and V = (U + η + I·R_Ω)/(1 + R_Ω/R_s). Soft short: R_s alternates between open (∞) and a finite
/// 25–60 kΩ (a telegraph process, first closure at the onset); hard short: R_s = 0.5 Ω from the onset on.
/// Measurement noise: white Gaussian σ plus a slow AR(1) component (0.2 σ, 10 min correlation) that the detector does not model.
/// </summary>
public static class CyclerSimulator
{
    const double GasConstant = 8.314462618; // J mol⁻¹ K⁻¹ (CODATA 2018, exact)

    /// <summary>Simulates a charge. <paramref name="noiseV"/>: white voltage noise σ, V. Deterministic for a seed.</summary>
    public static CyclerRecord Simulate(CyclerModel m, ShortCase kind, double noiseV, int seed = 1)
    {
        InputException.Require(noiseV >= 0 && double.IsFinite(noiseV), "noise_V", $"must be ≥ 0, got {noiseV}");
        InputException.Require(m.RecordIntervalS >= 1, "record_interval_s", $"must be ≥ 1 s, got {m.RecordIntervalS}");
        var rng = new Random(seed);
        double dt = 1.0, current = m.CurrentA, qTheor = m.TheoreticalChargeC;
        double twoRtF = 2 * GasConstant * m.TemperatureK / Faraday.ConstantCPerMol;
        double onsetS = kind == ShortCase.Normal ? double.NaN : m.ShortOnsetH * 3600;
        double x = m.InitialStoichiometry, eta = 0;
        double endS = m.DurationH * 3600, restUntil = double.PositiveInfinity;
        bool closed = false; double nextSwitch = onsetS, rs = double.PositiveInfinity;
        var t = new List<double>(); var v = new List<double>(); var iList = new List<double>(); var vTrue = new List<double>(); var leak = new List<double>();
        double ar = 0, arPhi = Math.Exp(-m.RecordIntervalS / 600.0), arSigma = 0.2 * noiseV;
        int stepsPerRecord = (int)Math.Round(m.RecordIntervalS / dt);
        long nSteps = (long)Math.Round(endS / dt);
        for (long k = 0; k <= nSteps; k++)
        {
            double time = k * dt;
            double iApp = time < restUntil ? current : 0;
            if (kind == ShortCase.SoftShort && time >= nextSwitch)
            {
                closed = !closed;
                if (closed)
                {
                    rs = Math.Exp(Math.Log(m.SoftShortMinOhm) + rng.NextDouble() * (Math.Log(m.SoftShortMaxOhm) - Math.Log(m.SoftShortMinOhm)));
                    nextSwitch = time + 300 + Exponential(rng, (m.SoftClosedMeanMin - 5) * 60);
                }
                else { rs = double.PositiveInfinity; nextSwitch = time + 300 + Exponential(rng, (m.SoftOpenMeanMin - 5) * 60); }
            }
            if (kind == ShortCase.HardShort) rs = time >= onsetS ? m.HardShortOhm : double.PositiveInfinity;
            double u = Nmc811Ocv.VoltageV(x);
            double volt = (u + eta + iApp * m.OhmicOhm) / (1 + m.OhmicOhm / rs);
            double iCell = iApp - volt / rs;
            if (k % stepsPerRecord == 0)
            {
                ar = arPhi * ar + arSigma * Math.Sqrt(1 - arPhi * arPhi) * Gauss(rng);
                t.Add(time); vTrue.Add(volt); iList.Add(iApp * (1 + 1e-4 * Gauss(rng)));
                v.Add(volt + noiseV * Gauss(rng) + ar); leak.Add(rs);
            }
            if (time < restUntil && volt >= m.CutoffV && kind != ShortCase.HardShort)
            {
                restUntil = time;
                endS = Math.Min(endS, time + m.RestAfterCutoffMin * 60);
                nSteps = (long)Math.Round(endS / dt);
            }
            // Implicit (exponential) relaxation of η towards the Butler–Volmer value: stable for any τ.
            double etaBv = twoRtF * Math.Asinh(iCell / (2 * m.ExchangeCurrentA));
            eta = etaBv + (eta - etaBv) * Math.Exp(-dt / m.ChargeTransferTauS);
            x = Math.Clamp(x - iCell * dt / qTheor, 0.15, 1.0);
        }
        return new CyclerRecord(t.ToArray(), v.ToArray(), iList.ToArray(), vTrue.ToArray(), leak.ToArray(), kind, onsetS, noiseV);
    }

    static double Exponential(Random r, double mean) => -mean * Math.Log(1 - r.NextDouble());

    internal static double Gauss(Random r)
    {
        double u1 = 1 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Writes a record as an EC-Lab GCPL text export.</summary>
    public static void WriteMpt(string path, CyclerRecord r, CyclerModel m, bool decimalComma = false, int seed = 1) =>
        BioLogicWriter.WriteGalvanostatic(path, r.TimeS, r.VoltageV, r.CurrentA,
        [
            "Mass of active material : " + (m.Nmc811MassMg).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) + " mg",
            $"Ns 0: Is = {(m.CurrentA * 1e6).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} uA, EM = {m.CutoffV.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} V, tM = {m.DurationH} h, Record every dt = {m.RecordIntervalS} s",
            $"SoftShort truth: case = {r.Case}, onset_s = {(double.IsNaN(r.OnsetS) ? "none" : r.OnsetS.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}, noise_mV = {(r.NoiseV * 1e3).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, seed = {seed}",
        ], decimalComma);
}
