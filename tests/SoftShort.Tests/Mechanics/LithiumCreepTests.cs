using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>The cited Li flow rule (Narayan &amp; Anand 2018) converted to the Norton form used by the cell model.</summary>
public class LithiumCreepTests
{
    [Fact]
    public void NarayanAnandConversionGivesTheCitedRateExponentAndActivationEnergy()
    {
        var li = CellMaterials.LithiumNarayanAnand();
        // A exp(−Q/RT) at 298.15 K: 4.25e4 · exp(−37000 / (8.314462618 · 298.15)) = 4.25e4 · exp(−14.9256) = 1.4005e-2 s⁻¹ (hand calculation)
        double nu0 = 4.25e4 * Math.Exp(-37000 / (8.314462618 * 298.15));
        Assert.Equal(1.4005e-2, nu0, 1e-6);
        Assert.Equal(nu0, li.CreepRate(0.95), 1e-12 * nu0);                  // σ = S₀ ⇒ ν = A e^(−Q/RT)
        Assert.Equal(1 / 0.15, li.Exponent, 1e-12);
        Assert.InRange(li.CreepRate(0.8), 4.3e-3, 4.5e-3);                    // rate at the 0.8 MPa yield stress (docs/fe.md)
        // activation energy recovered from two temperatures at the same stress
        var hot = CellMaterials.LithiumNarayanAnand(temperatureK: 333.15);
        double q = Math.Log(hot.CreepRate(0.5) / li.CreepRate(0.5)) * 8.314462618 / (1 / 298.15 - 1 / 333.15);
        Assert.Equal(37e3, q, 1e-6);
        // saturation flow resistance S* = 2.0 (ν/ν₀)^0.05: S* = 2.0 at ν = ν₀, 1.24 MPa at 1e-6 s⁻¹
        Assert.Equal(2.0, CellMaterials.NarayanAnand.SaturationFlowResistanceMPa(nu0), 1e-12);
        Assert.InRange(CellMaterials.NarayanAnand.SaturationFlowResistanceMPa(1e-6), 1.23, 1.25);
    }

    [Fact]
    public void NarayanAnandLithiumCreepsAtTheNortonRateInAnElement()
    {
        var li = CellMaterials.LithiumNarayanAnand();
        var (mesh, at) = AxiMesh.Block([0, 1], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1); s.Materials[0] = li;
        List<Prescribed> sup = [new(AxiSolid.DofR(at[0, 0]), _ => 0), new(AxiSolid.DofR(at[1, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 1]), _ => 0)];
        var top = new List<EdgePressure> { new(at[1, 1], at[1, 0], _ => 0.5) };
        s.Run(new LoadStep { Name = "load", Prescribed = sup, Pressures = top, InitialIncrement = 1 });
        double e0 = s.State[0].Eqps, t1 = 1e-3 / li.CreepRate(0.5);
        s.Run(new LoadStep { Name = "creep", DurationS = t1, Prescribed = sup, Pressures = top, InitialIncrement = 0.1, MaxIncrement = 0.1 });
        Assert.Equal(li.CreepRate(0.5), (s.State[0].Eqps - e0) / t1, 1e-6 * li.CreepRate(0.5));
        Assert.Throws<InputException>(() => CellMaterials.LithiumNarayanAnand(flowResistanceMPa: 0));
        Assert.Throws<InputException>(() => new CellFeConfig { LiCreepModel = "viscous" }.Validate());
    }
}
