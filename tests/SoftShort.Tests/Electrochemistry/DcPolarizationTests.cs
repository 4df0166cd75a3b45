using SoftShort.Electrochemistry;
using SoftShort.Synthetic;
using Xunit.Abstractions;

namespace SoftShort.Tests.Electrochemistry;

public class DcPolarizationTests(ITestOutputHelper output)
{
    [Fact]
    public void ConductivityArithmeticWithUnits()
    {
        // 1 µA through 1 mm at 1 V over 1 cm²: σ = 1e-6 A · 0.1 cm / (1 V · 1 cm²) = 1e-7 S/cm.
        Assert.Equal(1e-7, DcPolarization.Conductivity(1e-6, 0.1, 1.0, 1.0), 1e-20);
        // 12.6 mm die: A = π (0.63 cm)² = 1.2469 cm².
        Assert.Equal(Math.PI * 0.63 * 0.63, DcPolarization.DiscAreaCm2(12.6), 12);
        // 126 mg at 1.87 g/cm³ and 16.25 % porosity in that die: L = 0.126 / (1.87·0.8375·1.2469) cm.
        Assert.Equal(0.126 / (1.87 * 0.8375 * Math.PI * 0.63 * 0.63), DcPolarization.ThicknessFromMassCm(126, 1.87, 12.6, 0.1625), 12);
        Assert.Throws<InputException>(() => DcPolarization.Conductivity(1e-9, 0.1, 0, 1));
        Assert.Throws<InputException>(() => DcPolarization.ThicknessFromMassCm(126, 1.87, 12.6, 1.0));
    }

    [Fact]
    public void PaperGeometryAndImpliedCurrentGivePaperConductivity()
    {
        double i = DcPolarizationSimulator.PaperCurrentA();
        output.WriteLine($"implied steady-state current {i * 1e9:F2} nA");
        var (t, cur) = DcPolarizationSimulator.Simulate(i, seed: 11);
        var cell = new CellGeometry();
        var r = DcPolarization.Analyse(t, cur, 0.5, DcPolarization.ThicknessFromMassCm(126, cell.SeTheoreticalDensityGPerCm3, 12.6, cell.SePorosity), DcPolarization.DiscAreaCm2(12.6));
        output.WriteLine($"σ = {r.ConductivitySPerCm:E3} S/cm, plateau from {r.Plateau.PlateauStartS:F0} s");
        Assert.InRange(r.ConductivitySPerCm, 3.2e-9 * 0.98, 3.2e-9 * 1.02);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void PlateauWithin2PercentUnderDriftDecayAndNoise(int seed)
    {
        var rng = new Random(seed * 31);
        double ie = 1e-9 * Math.Pow(100, rng.NextDouble());
        double tau1 = 5 + 25 * rng.NextDouble(), tau2 = 40 + 60 * rng.NextDouble();
        double amp = 10 + 90 * rng.NextDouble(), drift = (rng.NextDouble() - 0.5) * 0.02, noise = 0.01 + 0.02 * rng.NextDouble();
        var (t, i) = DcPolarizationSimulator.Simulate(ie, 1200, 1, amp, tau1, tau2, drift, noise, seed);
        var p = DcPolarization.SteadyState(t, i);
        output.WriteLine($"seed {seed}: τ {tau1:F0}/{tau2:F0} s, A {amp:F0}, drift {drift:P1}, noise {noise:P1}: I {p.CurrentA / ie - 1:P2} off, plateau from {p.PlateauStartS:F0} s, reached {p.Reached}");
        Assert.True(p.Reached);
        Assert.InRange(p.CurrentA / ie - 1, -0.02, 0.02);
        // The plateau starts after the slow decay has fallen below 10 % of the electronic current.
        Assert.True(p.PlateauStartS > tau2 * Math.Log(amp * 0.3 / 0.1));
    }

    [Fact]
    public void UndecayedTraceIsNotCalledSteady()
    {
        var (t, i) = DcPolarizationSimulator.Simulate(1e-8, 600, 1, decayAmplitude: 50, tau1S: 100, tau2S: 400, drift: 0, relativeNoise: 0.005, seed: 2);
        Assert.False(DcPolarization.SteadyState(t, i).Reached);
    }
}
