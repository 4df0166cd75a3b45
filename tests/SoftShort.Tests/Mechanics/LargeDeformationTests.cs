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

    /// <summary>
    /// Objectivity under rotation: an element far from the axis (r ≈ 10⁷ mm, so the hoop strain of the motion is element far from the axis (r ≈ 10⁶ mm, so the hoop strain of the motion is &lt; 10⁻⁶)lt; 10⁻⁷) is
    /// stretched (elastic prestress), then rotated rigidly by 90° about its centre in 18 increments with every node prescribed.
    /// The Hughes–Winget update on the mid-point configuration is exact for a rigid rotation, so the in-plane Cauchy stress must be
    /// the prestress rotated with the body, R σ₀ Rᵀ (σ_rr ↔ σ_zz), and the rotation itself must add no stress.
    /// </summary>
    [Fact]
    public void RigidRotationRotatesTheStressAndAddsNone()
    {
        const double r0 = 1e7;
        var (mesh, _) = AxiMesh.Block(AxiMesh.Graded(r0, r0 + 1, 1), AxiMesh.Graded(0, 1, 1), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true };
        s.Materials[0] = new ElasticMaterial("m", 1000, 0.3);
        double rc = r0 + 0.5, zc = 0.5, stretch = 1e-2;
        List<Prescribed> Motion(double angleRad) => [.. Enumerable.Range(0, mesh.NodeCount).SelectMany(n =>
        {
            double dr = (mesh.R[n] - rc) * (1 + stretch), dz = mesh.Z[n] - zc;   // stretched along r, then rotated by angle·τ
            return new[]
            {
                new Prescribed(AxiSolid.DofR(n), t => rc + Math.Cos(angleRad * t) * dr - Math.Sin(angleRad * t) * dz - mesh.R[n]),
                new Prescribed(AxiSolid.DofZ(n), t => zc + Math.Sin(angleRad * t) * dr + Math.Cos(angleRad * t) * dz - mesh.Z[n]),
            };
        })];
        var stretchStep = Motion(0).Select(p => p.Dof % 2 == 0 ? new Prescribed(p.Dof, t => t * p.ValueMm(1)) : p).ToList();
        s.Run(new LoadStep { Name = "stretch", Prescribed = stretchStep, InitialIncrement = 1 });
        var s0 = s.State.Select(st => (st.S0, st.S1, st.S2, st.S3)).ToArray();
        Assert.All(s0, st => Assert.True(st.S0 > 10, $"prestress σ_rr = {st.S0}"));
        s.Run(new LoadStep { Name = "rotate", Prescribed = Motion(Math.PI / 2), InitialIncrement = 1.0 / 18, MaxIncrement = 1.0 / 18 });
        for (int i = 0; i < s.State.Length; i++)
        {
            var st = s.State[i];
            double tol = 2e-5 * s0[i].S0;
            Assert.Equal(s0[i].S1, st.S0, tol);    // R σ Rᵀ for 90°: σ_rr′ = σ_zz, σ_zz′ = σ_rr, σ_rz′ = −σ_rz
            Assert.Equal(s0[i].S0, st.S1, tol);
            Assert.Equal(s0[i].S2, st.S2, tol);
            Assert.Equal(-s0[i].S3, st.S3, tol);
        }
    }
}
