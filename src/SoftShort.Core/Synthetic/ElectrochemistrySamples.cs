using System.Globalization;
using System.Text;
using SoftShort.Electrochemistry;
using SoftShort.IO;

namespace SoftShort.Synthetic;

/// <summary>
/// The bundled electrochemistry sample set (<c>data-samples/electrochemistry/</c>, made by <c>softshort synth cycler</c>):
/// nine C/20 charges (normal / soft short from 4.5 h / hard short from 4.5 h × noise 1, 5, 20 mV) as EC-Lab GCPL exports,
/// a DC polarization trace of the paper's SE pellet, and three impedance spectra (healthy / soft / hard short) as EC-Lab
/// PEIS exports, with the planted truth in <c>truth.json</c>.
/// </summary>
public static class ElectrochemistrySamples
{
    public static readonly double[] NoiseLevelsMV = [1, 5, 20];
    public static readonly ShortCase[] Cases = [ShortCase.Normal, ShortCase.SoftShort, ShortCase.HardShort];

    public static string CyclerFile(ShortCase c, double noiseMV) =>
        $"cycler_{c switch { ShortCase.Normal => "normal", ShortCase.SoftShort => "soft_short", _ => "hard_short" }}_noise{noiseMV.ToString(CultureInfo.InvariantCulture)}mV.mpt";

    public static string EisFile(EisCellState s) => $"eis_{s switch { EisCellState.Healthy => "healthy", EisCellState.SoftShort => "soft_short", _ => "hard_short" }}.mpt";

    public const string DcFile = "dc_polarization.csv";

    /// <summary>Planted parameters of the three spectra, in the order of the circuits' parameter names.</summary>
    public static double[] EisTruth(EisCellState s) => s switch
    {
        // SE bulk 40 Ω; grain-boundary arc 150 Ω with CPE 1e-7 Ω⁻¹sᵅ, α 0.9 (≈ 100 kHz); cathode interface 600 Ω, 2e-5, 0.85 (≈ 10 Hz); Warburg 200 Ω s^-½.
        EisCellState.Healthy => [40, 150, 1e-7, 0.9, 600, 2e-5, 0.85, 200],
        // The same cell with a 1.5 kΩ electronic leakage path in parallel.
        EisCellState.SoftShort => [40, 150, 1e-7, 0.9, 600, 2e-5, 0.85, 200, 1500],
        // A metallic Li bridge: 2 Ω.
        _ => [2],
    };

    public static string EisCircuit(EisCellState s) => s switch
    {
        EisCellState.Healthy => EisShortClassifier.HealthyCircuit,
        EisCellState.SoftShort => EisShortClassifier.SoftShortCircuit,
        _ => EisShortClassifier.HardShortCircuit,
    };

    /// <summary>EIS relative noise of the samples (1 %).</summary>
    public const double EisNoise = 0.01;

    /// <summary>Writes the whole set into <paramref name="outDir"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string outDir, int seed = 1, IProgress<ProgressReport>? progress = null)
    {
        Directory.CreateDirectory(outDir);
        var files = new List<string>();
        var model = new CyclerModel();
        var truth = new SummaryJson("synth cycler").Parameter("seed", seed).Parameter("current_uA", model.CurrentA * 1e6)
            .Parameter("cutoff_V", model.CutoffV).Parameter("duration_h", model.DurationH).Parameter("short_onset_h", model.ShortOnsetH);
        var cyc = new List<KeyValuePair<string, object?>>();
        int k = 0;
        foreach (var c in Cases)
            foreach (var nmv in NoiseLevelsMV)
            {
                int s = seed * 100 + k++;
                var r = CyclerSimulator.Simulate(model, c, nmv * 1e-3, s);
                string name = CyclerFile(c, nmv);
                // One file in the European-locale variant (decimal commas), as EC-Lab writes it on such a PC.
                CyclerSimulator.WriteMpt(Path.Combine(outDir, name), r, model, decimalComma: c == ShortCase.SoftShort && nmv == 5, seed: s);
                files.Add(name);
                cyc.Add(new(name, new List<KeyValuePair<string, object?>> { new("case", c.ToString()), new("onset_s", r.OnsetS), new("noise_mV", nmv), new("seed", s) }));
                progress?.Report(new ProgressReport("cycler charges", k / 9.0));
            }
        truth.Set("cycler", cyc);

        double ie = DcPolarizationSimulator.PaperCurrentA();
        var (t, i) = DcPolarizationSimulator.Simulate(ie, seed: seed);
        CsvTable.Write(Path.Combine(outDir, DcFile), [("time_s", t), ("current_A", i)]);
        files.Add(DcFile);
        truth.Set("dc_polarization", new List<KeyValuePair<string, object?>> { new("electronic_current_A", ie), new("voltage_V", 0.5), new("conductivity_S_per_cm", 3.2e-9),
            new("mass_mg", 126.0), new("diameter_mm", 12.6), new("density_g_per_cm3", new CellGeometry().SeTheoreticalDensityGPerCm3), new("porosity", new CellGeometry().SePorosity) });

        var eis = new List<KeyValuePair<string, object?>>();
        var f = EisSpectrum.LogFrequencies(1e6, 1e-2, 10);
        int e = 0;
        foreach (var st in new[] { EisCellState.Healthy, EisCellState.SoftShort, EisCellState.HardShort })
        {
            var circuit = EquivalentCircuit.Parse(EisCircuit(st));
            var p = EisTruth(st);
            var sp = EisSpectrum.Synthesize(circuit, p, f, EisNoise, seed * 1000 + e++);
            string name = EisFile(st);
            BioLogicWriter.WriteImpedance(Path.Combine(outDir, name), sp.FreqHz, sp.Z,
                ["fi                  1.000", "unit fi             MHz", "ff                  10.000", "unit ff             mHz", "Va (mV)             10.0",
                 $"SoftShort truth: circuit = {circuit.Text}, parameters = {string.Join(", ", circuit.ParameterNames.Select((n, j) => $"{n} = {p[j].ToString("R", CultureInfo.InvariantCulture)}"))}, noise = 1 %"]);
            files.Add(name);
            eis.Add(new(name, new List<KeyValuePair<string, object?>> { new("state", st.ToString()), new("circuit", circuit.Text),
                new("parameters", circuit.ParameterNames.Select((n, j) => new KeyValuePair<string, object?>(n, p[j])).ToList()) }));
        }
        truth.Set("eis", eis);
        truth.Write(Path.Combine(outDir, "truth.json"));
        files.Add("truth.json");
        AtomicFile.WriteAllText(Path.Combine(outDir, "README.md"), Readme(model, seed, ie));
        files.Add("README.md");
        return files;
    }

    static string Readme(CyclerModel m, int seed, double ie)
    {
        var sb = new StringBuilder();
        sb.Append("# Electrochemistry sample data (synthetic)\n\n");
        sb.Append($"Made by `softshort synth cycler --out data-samples/electrochemistry --seed {seed}` (deterministic: same command, same bytes).\n");
        sb.Append("Nothing here was measured: every file comes from the physics-based models in `SoftShort.Synthetic`.\n\n");
        sb.Append("## Charges (EC-Lab GCPL text exports, `.mpt`)\n\n");
        sb.Append($"The paper's cell (6.27 mg NMC811) at C/20 = {m.CurrentA * 1e6:F2} µA for up to {m.DurationH} h, cut-off {m.CutoffV} V, record every {m.RecordIntervalS} s.\n");
        sb.Append("Model: NMC811 OCV of Chen et al., J. Electrochem. Soc. 167, 080534 (2020), + ohmic (60 Ω) + Butler–Volmer charge-transfer overpotential (I₀ = 14 µA, τ = 60 s);\n");
        sb.Append("a short is an electronic leakage resistance in parallel with the cell.\n\n");
        sb.Append("| file | planted truth |\n|---|---|\n");
        foreach (var c in Cases)
            foreach (var n in NoiseLevelsMV)
                sb.Append($"| `{CyclerFile(c, n)}` | {c}{(c == ShortCase.Normal ? "" : $", onset {m.ShortOnsetH} h = {m.ShortOnsetH * 3600:F0} s")}, white noise σ = {n} mV (+ 0.2σ AR(1), 10 min){(c == ShortCase.SoftShort && n == 5 ? ", decimal commas" : "")} |\n");
        sb.Append("\nSoft short: leakage closes at the onset and then alternates (closed 25–60 kΩ for 5 + Exp(15) min, open for 5 + Exp(5) min). Hard short: 0.5 Ω from the onset on.\n\n");
        sb.Append("## DC polarization (`dc_polarization.csv`: time_s, current_A)\n\n");
        sb.Append($"The paper's SE pellet (126 mg, 12.6 mm die, 0.5 V, 20 min): planted electronic current {ie * 1e9:F3} nA, i.e. σ = 3.2e-9 S/cm for the thickness\n");
        sb.Append("from 126 mg at 1.87 g/cm³ and 16.25 % porosity (0.0645 cm), plus a two-exponential capacitive decay (τ = 20 s, 150 s), 0.5 % drift and 1 % noise.\n\n");
        sb.Append("## Impedance spectra (EC-Lab PEIS exports: freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm)\n\n1 MHz – 10 mHz, 10 points per decade, 1 % complex Gaussian noise.\n\n");
        foreach (var st in new[] { EisCellState.Healthy, EisCellState.SoftShort, EisCellState.HardShort })
        {
            var c = EquivalentCircuit.Parse(EisCircuit(st));
            var p = EisTruth(st);
            sb.Append($"- `{EisFile(st)}`: `{c.Text}` with {string.Join(", ", c.ParameterNames.Select((n, j) => $"{n} = {p[j].ToString("G4", CultureInfo.InvariantCulture)}"))}\n");
        }
        return sb.ToString();
    }
}
