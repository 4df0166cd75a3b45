using System.Globalization;
using System.Numerics;
using SoftShort.Electrochemistry;
using Xunit.Abstractions;
using static SoftShort.Tests.Electrochemistry.CyclerImportTests;

namespace SoftShort.Tests.Electrochemistry;

public class EisTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(10.0)]
    [InlineData(1e5)]
    public void ElementsMatchClosedForms(double omega)
    {
        var jw = new Complex(0, omega);
        Assert.Equal(47.0, EquivalentCircuit.Element_("R", 47, 0, omega));
        AssertClose(1 / (jw * 2e-6), EquivalentCircuit.Element_("C", 2e-6, 0, omega));
        AssertClose(jw * 1e-6, EquivalentCircuit.Element_("L", 1e-6, 0, omega));
        // CPE with α = 1 is a capacitor; with α = 0.5 its phase is −45°.
        AssertClose(1 / (jw * 3e-6), EquivalentCircuit.Element_("CPE", 3e-6, 1, omega));
        Assert.Equal(-Math.PI / 4, EquivalentCircuit.Element_("CPE", 1e-3, 0.5, omega).Phase, 9);
        // Warburg: |Z| = A√2/√ω at −45°.
        var w = EquivalentCircuit.Element_("W", 100, 0, omega);
        Assert.Equal(100 * Math.Sqrt(2 / omega), w.Magnitude, 9);
        Assert.Equal(-Math.PI / 4, w.Phase, 9);
        // Finite Warburgs: low-frequency limits Ws → Z0 (transmissive), Wo → Z0/(jωτ) + Z0/3 (reflective: a capacitor C = τ/Z0 plus Z0/3).
        AssertClose(new Complex(250, 0), EquivalentCircuit.Element_("Ws", 250, 1, 1e-9), 1e-6);
        var wo = EquivalentCircuit.Element_("Wo", 250, 2, 1e-6);
        Assert.Equal(250.0 / 3, wo.Real, 3);
        Assert.Equal(-250 / (2 * 1e-6), wo.Imaginary, 1e-6 * 250 / (2 * 1e-6));
    }

    [Fact]
    public void SeriesAndParallelMatchClosedForm()
    {
        var c = EquivalentCircuit.Parse("R0-p(R1,C1)");
        Assert.Equal(["R0", "R1", "C1"], c.ParameterNames);
        foreach (double w in new[] { 1.0, 1e3, 1e6 })
        {
            var expected = 10 + 100 / (1 + new Complex(0, w * 100 * 1e-5));
            AssertClose(expected, c.Impedance([10, 100, 1e-5], w));
        }
    }

    [Fact]
    public void NestedCircuitsMatchIndependentPythonReference()
    {
        var table = File.ReadAllLines(Fixture("circuit_reference.csv")).Skip(1).Select(l =>
        {
            int q = l.IndexOf('"', 1);
            var rest = l[(q + 2)..].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            return (Circuit: l[1..q], F: rest[0], Z: new Complex(rest[1], rest[2]));
        }).ToList();
        var parameters = new Dictionary<string, double[]>
        {
            ["R0-p(R1,CPE1)-p(R2,Wo1)-W1-L1"] = [12.5, 150, 2e-7, 0.88, 600, 300, 2.5, 80, 3e-7],
            ["p(R0-C1,Ws1)-p(C2,R1-CPE2)"] = [40, 5e-6, 250, 0.8, 1e-9, 75, 3e-5, 0.7],
        };
        Assert.Equal(42, table.Count);
        foreach (var row in table)
            AssertClose(row.Z, EquivalentCircuit.Parse(row.Circuit).Impedance(parameters[row.Circuit], 2 * Math.PI * row.F), 1e-10);
    }

    [Theory]
    [InlineData("R0-p(R1,CPE1", "character 12")]
    [InlineData("R0-X1", "unknown element 'X'")]
    [InlineData("R0--R1", "character 4")]
    [InlineData("R0-R0", "appears twice")]
    [InlineData("R-C1", "needs an index")]
    public void BadCircuitStringsSayWhere(string text, string expected)
    {
        var e = Assert.Throws<InputException>(() => EquivalentCircuit.Parse(text));
        output.WriteLine(e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CnlsFitRecoversPlantedParametersWithin2PercentAt1PercentNoise(int seed)
    {
        var rng = new Random(seed);
        double U(double lo, double hi) => lo * Math.Pow(hi / lo, rng.NextDouble());
        var c = EquivalentCircuit.Parse(EisShortClassifier.HealthyCircuit);
        double[] truth = [U(20, 60), U(100, 300), U(5e-8, 2e-7), 0.85 + 0.1 * rng.NextDouble(), U(400, 1200), U(1e-5, 5e-5), 0.75 + 0.1 * rng.NextDouble(), U(100, 300)];
        var s = EisSpectrum.Synthesize(c, truth, EisSpectrum.LogFrequencies(1e6, 1e-2, 10), 0.01, seed);
        var start = truth.Select((p, i) => c.ParameterNames[i].EndsWith("_1") ? 0.8 : p * U(0.5, 2)).ToArray();
        var fit = EisFit.Fit(c, s, start);
        for (int i = 0; i < truth.Length; i++)
            output.WriteLine($"{c.ParameterNames[i]}: truth {truth[i]:G4} fit {fit.Parameters[i]:G4} ± {fit.StandardErrors[i]:G2} ({fit.Parameters[i] / truth[i] - 1:P2})");
        for (int i = 0; i < truth.Length; i++)
        {
            double rel = fit.Parameters[i] / truth[i] - 1;
            // The CPE magnitude Q is strongly correlated with α (ln Q shifts by δα·ln ω_c): at 1 % noise its own standard
            // error is ≈ 4–5 %, so 2 % is asked of every other parameter and 3 standard errors of Q.
            if (c.ParameterNames[i].StartsWith("CPE") && c.ParameterNames[i].EndsWith("_0")) Assert.InRange(Math.Abs(rel) * truth[i], 0, 3 * fit.StandardErrors[i]);
            else Assert.InRange(Math.Abs(rel), 0, 0.02);
            // The standard error is a sensible size: the error is within 4 σ.
            Assert.InRange(Math.Abs(fit.Parameters[i] - truth[i]), 0, 4 * fit.StandardErrors[i] + 1e-12);
        }
        Assert.True(fit.Converged, fit.Message);
        Assert.InRange(fit.ResidualRms, 0.005, 0.02);
    }

    [Fact]
    public void ReadsBioLogicMinusImZAndGenericCsvAlike()
    {
        var a = EisSpectrum.Read(Fixture("biologic_peis_comma.mpt"));
        var b = EisSpectrum.Read(Fixture("eis_generic_rc.csv"));
        Assert.Equal(15, a.FreqHz.Length);
        for (int i = 0; i < 15; i++)
        {
            Assert.True(a.Z[i].Imaginary < 0);
            Assert.Equal(b.Z[i].Real, a.Z[i].Real, 1e-5 * b.Z[i].Magnitude);
            Assert.Equal(b.Z[i].Imaginary, a.Z[i].Imaginary, 1e-5 * b.Z[i].Magnitude);
        }
        // And the fit of the fixture's own circuit recovers R0 = 10, R1 = 100, C1 = 10 µF.
        var fit = EisFit.Fit(EquivalentCircuit.Parse("R0-p(R1,C1)"), a);
        Assert.Equal(10, fit.Parameters[0], 0.01);
        Assert.Equal(100, fit.Parameters[1], 0.01);
        Assert.Equal(1e-5, fit.Parameters[2], 1e-9);
    }

    [Fact]
    public void LinKkAcceptsCircuitDataAndRejectsADistortedSpectrum()
    {
        var c = EquivalentCircuit.Parse(EisShortClassifier.HealthyCircuit);
        double[] p = [40, 150, 1e-7, 0.9, 600, 2e-5, 0.85, 200];
        var f = EisSpectrum.LogFrequencies(1e6, 1e-2, 10);
        var good = EisSpectrum.Synthesize(c, p, f, 0.002, 4);
        var kk = LinKk.Test(good);
        output.WriteLine($"good: M = {kk.Elements}, μ = {kk.Mu:F2}, rms {kk.ResidualRms:P2}");
        Assert.True(kk.Valid);
        Assert.InRange(kk.ResidualRms, 0, 0.005);
        // Drift during the sweep (the cell changes while measured) breaks causality/stationarity: the real part grows
        // by 30 % towards the low-frequency end while the imaginary part does not follow.
        var z = good.Z.Select((zz, i) => new Complex(zz.Real * (1 + 0.3 * i / (f.Length - 1.0)), zz.Imaginary)).ToArray();
        var bad = LinKk.Test(new EisSpectrum(f, z));
        output.WriteLine($"bad: M = {bad.Elements}, μ = {bad.Mu:F2}, rms {bad.ResidualRms:P2}");
        Assert.True(bad.ResidualRms > 3 * kk.ResidualRms);
    }

    [Theory]
    [InlineData(EisCellState.Healthy, 1)]
    [InlineData(EisCellState.SoftShort, 2)]
    [InlineData(EisCellState.HardShort, 3)]
    [InlineData(EisCellState.SoftShort, 5)]
    public void ClassifierNamesTheModelASpectrumCameFrom(EisCellState state, int seed)
    {
        var rng = new Random(seed);
        double[] cell = [30 + 20 * rng.NextDouble(), 150, 1e-7, 0.9, 500 + 300 * rng.NextDouble(), 2e-5, 0.85, 150 + 100 * rng.NextDouble()];
        var f = EisSpectrum.LogFrequencies(1e6, 1e-2, 10);
        var (circuit, p) = state switch
        {
            EisCellState.Healthy => (EisShortClassifier.HealthyCircuit, cell),
            EisCellState.SoftShort => (EisShortClassifier.SoftShortCircuit, cell.Append(400 + 800 * rng.NextDouble()).ToArray()),
            _ => (EisShortClassifier.HardShortCircuit, new[] { 0.5 + 3 * rng.NextDouble() }),
        };
        var s = EisSpectrum.Synthesize(EquivalentCircuit.Parse(circuit), p, f, 0.01, seed);
        var r = EisShortClassifier.Classify(s);
        output.WriteLine($"{state}: {r.State} ({r.Confidence:P1}); " + string.Join("; ", r.Fits.Select(kv => $"{kv.Key} BIC {kv.Value.Bic:F0} rms {kv.Value.ResidualRms:P2}")));
        Assert.Equal(state, r.State);
        Assert.True(r.Confidence > 0.9);
    }

    static void AssertClose(Complex expected, Complex actual, double rel = 1e-12)
    {
        double tol = rel * Math.Max(expected.Magnitude, 1e-300);
        Assert.True((expected - actual).Magnitude <= tol, $"expected {expected}, got {actual}");
    }
}
