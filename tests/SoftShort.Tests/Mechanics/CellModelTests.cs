using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>The three-step cell history on a coarse mesh: physical trends the paper describes (section 2.6, Fig. 6).</summary>
public class CellModelTests
{
    static readonly Lazy<CellFeResult> Coarse = new(() => CellFeModel.Run(new CellFeConfig { ElementSizeMm = 0.25, ChargeIncrements = 10 }));

    [Fact]
    public void DensificationLeavesABulgeAndAGap()
    {
        var r = Coarse.Value;
        Assert.True(r.BulgeUm > 1, $"bulge {r.BulgeUm} µm");   // PTFE yields: permanent bulge after release
        Assert.True(r.GapUm > 1, $"gap {r.GapUm} µm");
    }

    [Fact]
    public void ChargeAgainstTheFixedFrameRaisesThePressureAndPushesLiIntoTheGap()
    {
        var r = Coarse.Value;
        var h = r.ChargeHistory;
        Assert.Equal(10, h[0].PressureMPa, 1e-6);             // the frame takes over the 10 MPa stack load
        for (int i = 1; i < h.Count; i++) Assert.True(h[i].PressureMPa > h[i - 1].PressureMPa, $"pressure must rise at {h[i].TimeH} h");
        Assert.True(r.LiInGapAfterChargeMm3 > r.LiInGapAfterStackMm3);
        Assert.Equal(r.PlatedLiUm, h[^1].PlatedUm, 1e-9);      // Faraday budget over the whole charge
        Assert.InRange(r.PlatedLiUm, 18.5, 20.0);               // ≈ 19 µm at C/20 for 20 h
    }

    [Fact]
    public void WithoutPlatingTheFrameLoadRelaxesByLiCreep()
    {
        // zero-current control: same history with a vanishing C-rate ⇒ no growth; the frame load can only relax (Li creeps)
        var r = CellFeModel.Run(new CellFeConfig { ElementSizeMm = 0.25, ChargeIncrements = 4, CRate = 1e-9 });
        Assert.True(r.FinalPressureMPa <= 10 + 1e-6, $"final {r.FinalPressureMPa} MPa");
    }

    [Fact]
    public void StifferTubeBulgesLess()
    {
        var peek = CellFeModel.Run(new CellFeConfig { ElementSizeMm = 0.25, ChargeIncrements = 4, TubeMaterial = "peek" });
        Assert.True(peek.BulgeUm < Coarse.Value.BulgeUm, $"PEEK {peek.BulgeUm} vs PTFE {Coarse.Value.BulgeUm}");
    }

    [Fact]
    public void WallOutlineGivesTheGapAndTheLiInTheGap()
    {
        var r = Coarse.Value;
        // after release: the largest bore − core difference is the reported gap
        var o = r.WallOutline(1);
        Assert.Equal(r.GapUm, o.Max(x => x.BoreRadiusMm - x.CoreRadiusMm) * 1000, 1e-6);
        Assert.All(o, x => Assert.True(x.BoreRadiusMm >= 3.175 - 1e-4, $"bore at z {x.ZMm}: {x.BoreRadiusMm}")); // the tube only widens
        // after charge: ∫ 2π r_b (r_core − r_b)⁺ dz over the Li foil (0 ≤ z ≤ 0.25 mm) is the reported Li volume in the gap (trapezoid rule)
        var li = r.WallOutline(3).Where(x => x.ZMm >= -1e-9 && x.ZMm <= 0.25 + 1e-9).ToList();
        double v = 0;
        for (int i = 0; i + 1 < li.Count; i++)
            v += 2 * Math.PI * 3.175 * 0.5 * (Math.Max(0, li[i].CoreRadiusMm - 3.175) + Math.Max(0, li[i + 1].CoreRadiusMm - 3.175)) * (li[i + 1].ZMm - li[i].ZMm);
        Assert.Equal(r.LiInGapAfterChargeMm3, v, 1e-3 * r.LiInGapAfterChargeMm3);
    }

    [Fact]
    public void BadConfigIsRejected()
    {
        Assert.Throws<InputException>(() => new CellFeConfig { TubeMaterial = "steel" }.Validate());
        Assert.Throws<InputException>(() => new CellFeConfig { ElementSizeMm = -1 }.Validate());
        var path = Path.Combine(Path.GetTempPath(), $"fe-bad-{Environment.ProcessId}.json");
        File.WriteAllText(path, "{\"element_size_mm\": 0.1, \"no_such_key\": 3}");
        try { var ex = Assert.Throws<InputException>(() => CellFeConfig.Load(path)); Assert.Contains(path, ex.Message); }
        finally { File.Delete(path); }
        // the documented keys round-trip
        File.WriteAllText(path, "{\"stack_pressure_mpa\": 75, \"tube_material\": \"peek\", \"li_creep_rate_at_yield_per_s\": 1e-4}");
        try { var c = CellFeConfig.Load(path); Assert.Equal(75, c.StackPressureMPa); Assert.Equal("peek", c.TubeMaterial); Assert.Equal(1e-4, c.LiCreepRateAtYieldPerS); }
        finally { File.Delete(path); }
    }
}
