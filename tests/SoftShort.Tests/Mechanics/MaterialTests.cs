using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

public class MaterialTests
{
    /// <summary>One solid-cylinder element, axis and base supported, axial displacement on top: uniaxial stress.</summary>
    static (AxiSolid S, List<Prescribed> Supports, int[,] At) Bar(Material m)
    {
        var (mesh, at) = AxiMesh.Block([0, 1], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1);
        s.Materials[0] = m;
        return (s, [new(AxiSolid.DofR(at[0, 0]), _ => 0), new(AxiSolid.DofR(at[1, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 1]), _ => 0)], at);
    }

    [Theory]
    [InlineData(500.0, 0.46, 10.0, 40.0)]
    [InlineData(7820.0, 0.381, 0.8, 0.0)]
    [InlineData(193000.0, 0.29, 300.0, 2000.0)]
    public void J2UniaxialFollowsYieldAndHardening(double e, double nu, double sy, double h)
    {
        var (s, sup, at) = Bar(new J2PlasticMaterial("m", e, nu, sy, h));
        double eps = 5 * sy / e;
        s.Run(new LoadStep { Name = "compress", Prescribed = [.. sup, new(AxiSolid.DofZ(at[1, 0]), t => -eps * t), new(AxiSolid.DofZ(at[1, 1]), t => -eps * t)], InitialIncrement = 0.05, MaxIncrement = 0.05 });
        // uniaxial: σ = σ_y + H ε_p with ε_p from σ = E (ε − ε_p)  ⇒  σ = (σ_y + H ε) / (1 + H/E)
        double expected = (sy + h * eps) / (1 + h / e);
        foreach (var st in s.State) Assert.Equal(-expected, st.S1, 1e-6 * expected);
        Assert.Equal(eps - expected / e, s.State[0].Eqps, 1e-9);
        // reaction over the top face equals π R² σ
        Assert.Equal(-expected * Math.PI, s.Reaction([AxiSolid.DofZ(at[1, 0]), AxiSolid.DofZ(at[1, 1])]), 1e-6 * expected);
    }

    [Fact]
    public void J2BelowYieldIsElastic()
    {
        var (s, sup, at) = Bar(CellMaterials.Ptfe());
        double eps = 0.5 * 10 / 500;
        s.Run(new LoadStep { Name = "c", Prescribed = [.. sup, new(AxiSolid.DofZ(at[1, 0]), t => -eps * t), new(AxiSolid.DofZ(at[1, 1]), t => -eps * t)], InitialIncrement = 1 });
        Assert.Equal(-5.0, s.State[0].S1, 1e-9);
        Assert.Equal(0.0, s.State[0].Eqps);
    }

    /// <summary>Constant axial stress (pressure on the top face): the creep strain rate equals A σⁿ (Norton).</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.7)]
    public void LithiumCreepRateFollowsThePowerLaw(double stressMPa)
    {
        var li = CellMaterials.Lithium();
        var (s, sup, at) = Bar(li);
        var top = new List<EdgePressure> { new(at[1, 1], at[1, 0], _ => stressMPa) };
        double t1 = 0.5 / li.CreepRate(stressMPa) * 1e-3; // small creep strain
        s.Run(new LoadStep { Name = "load", Prescribed = sup, Pressures = top, InitialIncrement = 1 });
        double e0 = s.State[0].Eqps;
        s.Run(new LoadStep { Name = "creep", DurationS = t1, Prescribed = sup, Pressures = top, InitialIncrement = 0.1, MaxIncrement = 0.1 });
        double rate = (s.State[0].Eqps - e0) / t1;
        Assert.Equal(li.CreepRate(stressMPa), rate, li.CreepRate(stressMPa) * 1e-6);
        Assert.Equal(1.0, li.CreepRate(0.8) / 5e-4, 1e-9); // calibration point
        // stress exponent recovered from two stresses
        Assert.Equal(6.56, Math.Log(li.CreepRate(0.7) / li.CreepRate(0.35)) / Math.Log(2), 1e-9);
    }

    [Theory]
    [InlineData(7.82, 0.001, 1e-3, 6.56, 3600.0)]
    [InlineData(7.82, 0.0005, 2e-2, 3.0, 100.0)]
    [InlineData(200.0, 0.002, 1e-12, 5.0, 1e5)]
    public void StressRelaxationMatchesClosedForm(double eGPa, double strain, double a, double n, double t)
    {
        var r = Verification.CreepRelaxation(eGPa, strain, a, n, t, increments: 200);
        Assert.Equal(r.Extra[0].Analytic, r.Extra[0].Numeric, 1e-6 * r.Extra[0].Analytic);
        Assert.True(r.RelativeError < 0.01, $"σ(t) {r.Numeric} vs closed form {r.Analytic}");
        Assert.True(r.Numeric < 0.9 * r.Extra[0].Numeric, "stress must relax");
    }

    [Fact]
    public void LithiumCreepAboveYieldIsCappedByTheYieldStress()
    {
        var li = CellMaterials.Lithium();
        var (s, sup, at) = Bar(li);
        double eps = 0.01;
        s.Run(new LoadStep { Name = "fast", DurationS = 1e-3, Prescribed = [.. sup, new(AxiSolid.DofZ(at[1, 0]), t => -eps * t), new(AxiSolid.DofZ(at[1, 1]), t => -eps * t)], InitialIncrement = 0.05, MaxIncrement = 0.05 });
        Assert.Equal(-(0.8 + li.HardeningMPa * s.State[0].Eqps), s.State[0].S1, 1e-6); // σ_y0 + H p
        Assert.InRange(s.State[0].Eqps, 0.0098, 0.01);
    }

    [Fact]
    public void HillPlasticFrontAndDisplacement()
    {
        // a = 1, b = 2, σ_y = 10: first yield at 4.33 MPa, collapse at 8.00 MPa
        var r = Verification.Hill(1, 2, 6.5, 1.0, 10, nr: 40);
        Assert.True(r.RelativeError < 0.02, $"u(a) {r.Numeric} vs Hill {r.Analytic}");
        Assert.True(Math.Abs(r.Extra[0].Numeric - r.Extra[0].Analytic) < 2 * (2 - 1) / 40.0, $"front {r.Extra[0].Numeric} vs {r.Extra[0].Analytic}");
    }

    [Fact]
    public void NonPhysicalMaterialsAreRejected()
    {
        Assert.Throws<InputException>(() => new ElasticMaterial("x", 100, 0.5));
        Assert.Throws<InputException>(() => new ElasticMaterial("x", -1, 0.3));
        Assert.Throws<InputException>(() => new J2PlasticMaterial("x", 100, 0.3, 0, 0));
    }
}
