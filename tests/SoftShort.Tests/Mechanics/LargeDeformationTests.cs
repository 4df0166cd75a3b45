using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>Incremental updated-Lagrangian formulation (<see cref="AxiSolid.LargeDeformation"/>) against closed forms.</summary>
public class LargeDeformationTests
{
    /// <summary>Solid cylinder R0 × H0 (nr × nz elements) of a J2 material between frictionless platens; top lowered by <paramref name="deltaMm"/>.</summary>
    static (AxiSolid S, int[,] At, List<Prescribed> Bc) Compress(Material m, double deltaMm, bool large, int nr = 2, int nz = 2, double increment = 0.02)
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(0, 1, nr), AxiMesh.Graded(0, 1, nz), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = large };
        s.Materials[0] = m;
        var bc = new List<Prescribed>();
        for (int j = 0; j <= nz; j++) bc.Add(new(AxiSolid.DofR(at[j, 0]), _ => 0));
        for (int i = 0; i <= nr; i++) { bc.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0)); bc.Add(new(AxiSolid.DofZ(at[nz, i]), t => -deltaMm * t)); }
        s.Run(new LoadStep { Name = "compress", Prescribed = bc, InitialIncrement = increment, MaxIncrement = increment });
        return (s, at, bc);
    }

    /// <summary>
    /// Halving the height of a rigid–perfectly-plastic (E/σy = 10⁴), plastically incompressible cylinder: volume conservation gives
    /// r = R0 √(H0/H) = √2 R0, the true (Cauchy) axial stress stays σy so the force is σy π r² = 2 σy π R0², and the equivalent
    /// plastic strain is the logarithmic strain ln(H0/H) = ln 2 (minus the tiny elastic part). The small-strain model instead gives
    /// r = 1.25 R0 and force σy π R0².
    /// </summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    public void HalvingACylinderFollowsVolumeConservationAndTrueStress(int nr, int nz)
    {
        const double sy = 10, e = 1e5, nu = 0.3;
        var (s, at, _) = Compress(new J2PlasticMaterial("m", e, nu, sy, 0), 0.5, large: true, nr, nz);
        double elasticVol = (1 - 2 * nu) * sy / e; // volumetric elastic strain under σy uniaxial (≈ 4e-5)
        double rExpected = Math.Sqrt(1 / 0.5 * (1 - elasticVol));
        for (int j = 0; j <= nz; j++)
            Assert.Equal(rExpected, 1 + s.U[AxiSolid.DofR(at[j, nr])], 2e-3);
        foreach (var st in s.State)
        {
            Assert.Equal(-sy, st.S1, 1e-3 * sy);
            Assert.Equal(0, st.S0, 1e-3 * sy);
            Assert.Equal(Math.Log(2) - sy / e, st.Eqps, 2e-3);
        }
        var top = Enumerable.Range(0, nr + 1).Select(i => AxiSolid.DofZ(at[nz, i]));
        Assert.Equal(-sy * Math.PI * rExpected * rExpected, s.Reaction(top), 5e-3 * sy * Math.PI * 2);
    }

    [Fact]
    public void SmallStrainModelMissesTheAreaChange()
    {
        // the same test without updated kinematics: the control that shows the test discriminates
        var (s, at, _) = Compress(new J2PlasticMaterial("m", 1e5, 0.3, 10, 0), 0.5, large: false);
        Assert.Equal(1.25, 1 + s.U[AxiSolid.DofR(at[0, 2])], 1e-2);
    }

    /// <summary>Objectivity: moving the compressed, stressed body rigidly along the axis by 5 mm leaves stresses and reaction unchanged.</summary>
    [Fact]
    public void RigidTranslationLeavesTheStressUnchanged()
    {
        var (s, at, bc) = Compress(new J2PlasticMaterial("m", 1e5, 0.3, 10, 5), 0.3, large: true, increment: 0.05);
        var before = s.State.Select(st => (st.S0, st.S1, st.S2, st.S3)).ToArray();
        var top = Enumerable.Range(0, 3).Select(i => AxiSolid.DofZ(at[2, i])).ToArray();
        double f0 = s.Reaction(top);
        // axial DOFs (odd) of the platens: bottom 0 → 5 mm, top −0.3 → 4.7 mm; the axis condition u_r = 0 stays
        var moved = bc.Select(p => p.Dof % 2 == 1 ? new Prescribed(p.Dof, t => (top.Contains(p.Dof) ? -0.3 : 0) + 5 * t) : p).ToList();
        s.Run(new LoadStep { Name = "translate", Prescribed = moved, InitialIncrement = 0.25, MaxIncrement = 0.25 });
        // unchanged to the Newton tolerance (relative residual 1e-7 ⇒ stresses to ~1e-6 of σy)
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].S0, s.State[i].S0, 1e-4);
            Assert.Equal(before[i].S1, s.State[i].S1, 1e-4);
            Assert.Equal(before[i].S2, s.State[i].S2, 1e-4);
            Assert.Equal(before[i].S3, s.State[i].S3, 1e-4);
        }
        Assert.Equal(f0, s.Reaction(top), 1e-5 * Math.Abs(f0));
        Assert.Equal(5.0, s.U[AxiSolid.DofZ(at[0, 0])], 1e-12);
    }
}
