using SoftShort.Electrochemistry;
using SoftShort.Synthetic;
using Xunit.Abstractions;

namespace SoftShort.Tests.Electrochemistry;

public class ShortClassifierTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ShortCase.Normal, 0.001, 1)]
    [InlineData(ShortCase.Normal, 0.005, 2)]
    [InlineData(ShortCase.Normal, 0.020, 3)]
    [InlineData(ShortCase.SoftShort, 0.001, 4)]
    [InlineData(ShortCase.SoftShort, 0.005, 5)]
    [InlineData(ShortCase.SoftShort, 0.020, 6)]
    [InlineData(ShortCase.HardShort, 0.001, 7)]
    [InlineData(ShortCase.HardShort, 0.005, 8)]
    [InlineData(ShortCase.HardShort, 0.020, 9)]
    public void RecoversPlantedClassAndOnset(ShortCase kind, double noiseV, int seed)
    {
        // Onset randomised per seed between 3 and 8 h, so the detector cannot lean on the paper's 4.5 h.
        double onsetH = 3 + 5 * new Random(seed * 7919).NextDouble();
        var model = new CyclerModel { ShortOnsetH = onsetH };
        var r = CyclerSimulator.Simulate(model, kind, noiseV, seed);
        var c = ShortClassifier.Classify(r.TimeS, r.VoltageV, r.CurrentA);
        output.WriteLine($"{kind} noise {noiseV * 1e3} mV: {c.Class} onset {c.OnsetS / 3600:F3} h (planted {r.OnsetS / 3600:F3}) conf {c.Confidence:F2}; {c.Reason}");
        var expected = kind switch { ShortCase.Normal => ChargeClass.Normal, ShortCase.SoftShort => ChargeClass.SoftShort, _ => ChargeClass.HardShort };
        Assert.Equal(expected, c.Class);
        if (kind != ShortCase.Normal) Assert.InRange(c.OnsetS - r.OnsetS, -300, 300);
        Assert.InRange(c.Confidence, 0.5, 1.0);
    }

    [Fact]
    public void NormalChargeRisesToCutoffAndPaperSoftShortSitsNear3p8V()
    {
        var m = new CyclerModel();
        var normal = CyclerSimulator.Simulate(m, ShortCase.Normal, 0, 1);
        Assert.True(normal.TrueVoltageV.Max() >= m.CutoffV - 1e-3);
        var soft = CyclerSimulator.Simulate(m, ShortCase.SoftShort, 0, 1);
        var after = soft.TimeS.Select((t, i) => (t, v: soft.TrueVoltageV[i])).Where(p => p.t > 5 * 3600).Select(p => p.v).ToArray();
        output.WriteLine($"soft after 5 h: {after.Min():F3}..{after.Max():F3} V, mean {after.Average():F3}");
        Assert.InRange(after.Average(), 3.6, 4.0);
        Assert.True(after.Max() < m.CutoffV);
        var hard = CyclerSimulator.Simulate(m, ShortCase.HardShort, 0, 1);
        Assert.True(hard.TrueVoltageV[^1] < 0.1);
        // Current is the paper's ≈ 63 µA (C/20 of 6.27 mg NMC811 at 200 mA g⁻¹).
        Assert.InRange(m.CurrentA * 1e6, 62, 64);
    }
}

public class ShortClassifierFeatureTests
{
    [Fact]
    public void CoulombicEfficiencyFromChargeAndDischarge()
    {
        // 10 h charge at +63 µA then 8 h discharge at −63 µA: CE = 0.8 exactly (trapezoid on a step at a sample).
        var t = Enumerable.Range(0, 18 * 60 + 1).Select(k => k * 60.0).ToArray();
        var i = t.Select(x => x < 10 * 3600 ? 63e-6 : -63e-6).ToArray();
        i[600] = 0; // the step sample
        double ce = ShortClassifier.CoulombicEfficiency(t, i);
        Assert.Equal(0.8, ce, 3);
        Assert.True(double.IsNaN(ShortClassifier.CoulombicEfficiency(t.Take(500).ToArray(), i.Take(500).ToArray())));
    }

    [Fact]
    public void ChargeBeyondTheoreticalCapacityWithoutCutoffIsASoftShort()
    {
        // A smooth, slowly rising charge with no drop that passes more charge than the cathode holds.
        var m = new CyclerModel { DurationH = 6, CutoffV = 99 };
        var r = CyclerSimulator.Simulate(m, ShortCase.Normal, 0.001, 3);
        double q = CyclerImport.IntegrateMAh(r.TimeS, r.CurrentA)[^1];
        var c = ShortClassifier.Classify(r.TimeS, r.VoltageV, r.CurrentA, new ShortClassifierOptions { TheoreticalCapacityMAh = 0.5 * q });
        Assert.Equal(ChargeClass.SoftShort, c.Class);
        Assert.InRange(c.OnsetS, 2.9 * 3600, 3.1 * 3600);
        Assert.Contains("beyond the theoretical", c.Reason);
        var ok = ShortClassifier.Classify(r.TimeS, r.VoltageV, r.CurrentA, new ShortClassifierOptions { TheoreticalCapacityMAh = 2 * q });
        Assert.Equal(ChargeClass.Normal, ok.Class);
    }
}
