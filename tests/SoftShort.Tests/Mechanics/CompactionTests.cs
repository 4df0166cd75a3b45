using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>SE powder compaction (elliptical cap, volumetric hardening): closed forms on one element and return-mapping checks.</summary>
public class CompactionTests
{
    /// <summary>One solid-cylinder element r ∈ [0, 1], z ∈ [0, 1] mm with its axis and base supported.</summary>
    static (AxiSolid S, List<Prescribed> Supports, int[,] At) Element(Material m)
    {
        var (mesh, at) = AxiMesh.Block([0, 1], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { RelativeTolerance = 1e-10 };
        s.Materials[0] = m;
        return (s, [new(AxiSolid.DofR(at[0, 0]), _ => 0), new(AxiSolid.DofR(at[1, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 1]), _ => 0)], at);
    }

    static List<Prescribed> Die(List<Prescribed> sup, int[,] at, Func<double, double> top) =>
        [.. sup, new(AxiSolid.DofR(at[0, 1]), _ => 0), new(AxiSolid.DofR(at[1, 1]), _ => 0), new(AxiSolid.DofZ(at[1, 0]), top), new(AxiSolid.DofZ(at[1, 1]), top)];

    [Fact]
    public void HydrostaticCompactionFollowsTheCalibratedCapPressureAndConservesMass()
    {
        var m = CellMaterials.SolidElectrolytePowder();
        var (s, sup, at) = Element(m);
        double ev = 0.45; // engineering volumetric compaction (uniform ε_rr = ε_θθ = ε_zz = −ev/3)
        double e = ev / 3;
        s.Run(new LoadStep
        {
            Name = "hydrostatic", InitialIncrement = 0.05, MaxIncrement = 0.05,
            Prescribed = [.. sup, new(AxiSolid.DofR(at[0, 1]), t => -e * t), new(AxiSolid.DofR(at[1, 1]), t => -e * t), new(AxiSolid.DofZ(at[1, 0]), t => -e * t), new(AxiSolid.DofZ(at[1, 1]), t => -e * t)],
        });
        foreach (var st in s.State)
        {
            double cv = -(st.P0 + st.P1 + st.P2);
            var (pc, _) = m.CapPressure(cv);
            Assert.Equal(pc, st.Pressure, 1e-6 * pc);                 // on the hydrostatic axis the state sits at p = p_c(ε_v^p)
            Assert.Equal(0, st.VonMises, 1e-6 * pc);
            Assert.Equal(ev - st.Pressure / m.BulkMPa, cv, 1e-9);     // plastic compaction = total − elastic volume change
            // mass: ρ V = ρ₀ V₀ with V/V₀ = 1 − ε_v(total) ⇒ D (1 − ev) = D₀ up to the elastic part
            double dTotal = m.InitialRelativeDensity / (1 - ev + st.Pressure / m.BulkMPa);
            Assert.Equal(dTotal, m.RelativeDensity(st), 1e-12);
        }
        // the calibrated curve: p_c follows from the die Heckel line at the same density
        double d = m.RelativeDensity(s.State[0]);
        double sa = m.DieAxialPressureMPa(d), sCap = Math.Sqrt(1 + 4 * m.Alpha * m.Alpha / 9);
        Assert.Equal((2 * sa - m.TensileMPa * (sCap - 1)) / (1 + sCap), s.State[0].Pressure, 1e-6 * sa);
    }

    [Fact]
    public void DieCompactionReachesThePressedDensityWithTheClosedFormLateralRatio()
    {
        // stiff elasticity ⇒ rigid-plastic limit: the closed form must hold tightly
        var rigid = CompactionPlasticMaterial.Calibrated("se", 1e8, 0.27, 0.4, 0, 0.4, 1, 0.8375, 300);
        Assert.Equal(0.4, CompactionPlasticMaterial.LateralRatio(rigid.Alpha), 1e-9);
        var (s, sup, at) = Element(rigid);
        double ez = 1 - 0.4 / 0.8375; // axial stroke that takes D₀ = 0.4 to 0.8375 when all of it is plastic
        s.Run(new LoadStep { Name = "die", InitialIncrement = 0.02, MaxIncrement = 0.05, Prescribed = Die(sup, at, t => -ez * t) });
        foreach (var st in s.State)
        {
            Assert.Equal(300, -st.S1, 300 * 2e-3);                       // Heckel line: 300 MPa at 83.75 %
            Assert.Equal(0.4, st.S0 / st.S1, 2e-3);                       // K₀ = σ_r/σ_z
            Assert.Equal(st.S0, st.S2, 1e-6 * 300);                      // σ_θ = σ_r
            Assert.Equal(0.8375, rigid.RelativeDensity(st), 1e-4);
        }
        // the argyrodite with its real (compact) moduli: elastic strains shift the ratio only slightly
        var se = CellMaterials.SolidElectrolytePowder();
        var (s2, sup2, at2) = Element(se);
        s2.Run(new LoadStep { Name = "die", InitialIncrement = 0.02, MaxIncrement = 0.05, Prescribed = Die(sup2, at2, t => -ez * t) });
        var t2 = s2.State[0];
        Assert.InRange(t2.S0 / t2.S1, 0.38, 0.45);
        double dFinal = se.RelativeDensity(t2);
        Assert.Equal(se.DieAxialPressureMPa(dFinal), -t2.S1, 0.03 * 300);  // σ_a(D) on the Heckel line within the elastic share
    }

    [Fact]
    public void UnloadingFromThePressedStateIsElasticWithTheCompactModuli()
    {
        var se = CellMaterials.SolidElectrolytePowder();
        var (s, sup, at) = Element(se);
        double ez = 1 - 0.4 / 0.8375, back = 2e-3;
        s.Run(new LoadStep { Name = "die", InitialIncrement = 0.02, MaxIncrement = 0.05, Prescribed = Die(sup, at, t => -ez * t) });
        var loaded = s.State[0];
        s.Run(new LoadStep { Name = "unload", InitialIncrement = 0.5, MaxIncrement = 0.5, Prescribed = Die(sup, at, t => -ez + back * t) });
        var un = s.State[0];
        Assert.Equal(loaded.P0, un.P0, 1e-15); Assert.Equal(loaded.P1, un.P1, 1e-15); Assert.Equal(loaded.Eqps, un.Eqps, 1e-15);
        // uniaxial-strain elastic step: Δσ_z = (K + 4G/3) Δε_z, Δσ_r = (K − 2G/3) Δε_z
        double k = se.BulkMPa, g = se.ShearMPa;
        Assert.Equal((k + 4 * g / 3) * back, un.S1 - loaded.S1, 1e-6 * k * back);
        Assert.Equal((k - 2 * g / 3) * back, un.S0 - loaded.S0, 1e-6 * k * back);
        Assert.True(se.YieldFunction(un) < 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReturnMappingLandsOnTheCapWithAssociativeFlowAndConsistentDensity(int seed)
    {
        var m = CellMaterials.SolidElectrolytePowder();
        var rng = new Random(seed);
        Span<double> c = stackalloc double[16];
        int plastic = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            // a committed state: some prior compaction, stress on or inside its cap
            double cv = 0.5 * rng.NextDouble();
            var committed = new PointState { P0 = -cv / 3 + 0.01 * (rng.NextDouble() - 0.5), P1 = -cv / 3, P2 = -cv / 3 };
            committed.P1 = -cv - committed.P0 - committed.P2;
            double[] e = [committed.P0 + 0.02 * (rng.NextDouble() - 0.7), committed.P1 + 0.02 * (rng.NextDouble() - 0.7), committed.P2 + 0.02 * (rng.NextDouble() - 0.7), 0.02 * (rng.NextDouble() - 0.5)];
            var t = new PointState();
            m.Update(e, committed, 0, ref t, c);
            double dv = -(t.P0 + t.P1 + t.P2) + (committed.P0 + committed.P1 + committed.P2);
            if (dv == 0 && t.Eqps == committed.Eqps) { Assert.True(m.YieldFunction(t) <= 1e-9); continue; }
            plastic++;
            Assert.Equal(0, m.YieldFunction(t), 1e-9);                                 // on the cap
            Assert.True(dv >= -1e-14 || m.YieldFunction(t) < 1e-9);
            // associative: Δε^p ∥ ∂f/∂σ = −(2p − p_c + p_t)/3 I + (2q/α²)(3/2) s/q
            var (pc, _) = m.CapPressure(-(t.P0 + t.P1 + t.P2));
            double p = t.Pressure, q = t.VonMises;
            double[] s = [t.S0 + p, t.S1 + p, t.S2 + p, t.S3];
            double fp = 2 * p - pc + m.TensileMPa;
            double[] n = [-fp / 3 + 3 * s[0] / (m.Alpha * m.Alpha), -fp / 3 + 3 * s[1] / (m.Alpha * m.Alpha), -fp / 3 + 3 * s[2] / (m.Alpha * m.Alpha), 2 * 3 * s[3] / (m.Alpha * m.Alpha)];
            double[] dp = [t.P0 - committed.P0, t.P1 - committed.P1, t.P2 - committed.P2, t.P3 - committed.P3];
            double dotNn = 0, dotDd = 0, dotNd = 0;
            for (int i = 0; i < 4; i++) { double wi = i == 3 ? 0.5 : 1; dotNn += wi * n[i] * n[i]; dotDd += wi * dp[i] * dp[i]; dotNd += wi * n[i] * dp[i]; }
            Assert.Equal(1, dotNd / Math.Sqrt(dotNn * dotDd), 1e-6);
            // density from the plastic volume change, and the stress is the elastic law of the remaining strain
            Assert.Equal(m.InitialRelativeDensity / (1 + t.P0 + t.P1 + t.P2), m.RelativeDensity(t), 1e-14);
            double ee = (e[0] - t.P0) + (e[1] - t.P1) + (e[2] - t.P2);
            Assert.Equal(-m.BulkMPa * ee, p, 1e-8 * Math.Max(1, pc));
            _ = q;
        }
        Assert.True(plastic > 50, $"only {plastic} plastic trials");
    }

    [Fact]
    public void ClosedFormLateralRatioInvertsAndPressedThicknessFollowsFromMass()
    {
        foreach (double k0 in new[] { 0.2, 0.4, 0.6, 0.8 })
            Assert.Equal(k0, CompactionPlasticMaterial.LateralRatio(CompactionPlasticMaterial.AlphaForLateralRatio(k0)), 1e-9);
        // 60 mg of Li5.4PS4.4Cl1.6 (1.87 g cm⁻³) in the 6.35 mm bore: tap (0.40) and pressed (0.8375) thickness
        var cell = new SoftShort.Synthetic.CellGeometry();
        double dense = cell.SeMassMg * 1e-3 / cell.SeTheoreticalDensityGPerCm3 / cell.BoreAreaCm2 * 1e4; // µm at 100 %
        Assert.Equal(cell.SeThicknessUm, dense / SePowder.PressedRelativeDensity, 1e-9);
        Assert.InRange(dense / SePowder.TapRelativeDensity, 2520, 2540);
        Assert.Equal(SePowder.PressedRelativeDensity, CellMaterials.SolidElectrolytePowder().DieRelativeDensity(300), 1e-12);
        Assert.Throws<InputException>(() => CompactionPlasticMaterial.AlphaForLateralRatio(1.2));
        Assert.Throws<InputException>(() => CellMaterials.SolidElectrolytePowder(tapRelativeDensity: 0.9));
    }
}
