using SoftShort.PhaseField;

namespace SoftShort.Tests.PhaseField;

/// <summary>The Faraday-limited growth law of a flat front through an ohmic SE, and the dendrite solver against it.</summary>
public class PlanarGrowthLawTests
{
    [Fact]
    public void OhmicLimit_IsTheSquareRootLaw_AndCrossingTimeIsClosedForm()
    {
        var law = PlanarGrowthLaw.From(new DendriteParameters()) with { ExchangeCurrentAPerM2 = double.PositiveInfinity };
        double k = law.OhmicRateUm2PerS;
        Assert.Equal(0.78 * 0.35 * 1.30e-5 / 96485.33212 * 1e12, k, 1e-9);    // 36.8 µm² s⁻¹
        Assert.Equal(Math.Sqrt(800 * 800 - 2 * k * 3000), law.GapUm(800, 3000), 1e-3);
        Assert.Equal(800.0 * 800 / (2 * k), law.CrossingTimeS(800), 800.0 * 800 / (2 * k) * 1e-3);
    }

    [Fact]
    public void ButlerVolmerTerm_SplitsTheVoltage_AndSlowsTheFront()
    {
        var p = new DendriteParameters();
        var law = PlanarGrowthLaw.From(p);
        double g = 800, i = law.CurrentDensityAPerM2(g), eta = law.OverpotentialV(g);
        Assert.Equal(0.35, i * g * 1e-6 / p.SeIonicConductivitySPerM + eta, 1e-9);   // voltage balance
        Assert.Equal(i, law.ButlerVolmer(eta), i * 1e-6);                             // the kinetics carry the same current
        Assert.True(i < p.SeIonicConductivitySPerM * 0.35 / (g * 1e-6));
        Assert.True(law.CrossingTimeS(800) > (law with { ExchangeCurrentAPerM2 = double.PositiveInfinity }).CrossingTimeS(800));
    }

    // a 1D column of the dendrite model (no pores, no protrusions, no mechanics) at 1 µm: the diffuse front against the law
    static (double[] T, double[] Gap, DendriteParameters P) SolverFront(double i0APerM2, double timeS, double dxUm)
    {
        var p = new DendriteParameters
        {
            DomainWidthUm = 100, DomainHeightUm = 8 * dxUm, LiThicknessUm = 40, DxUm = dxUm, Porosity = 0, ProtrusionCount = 0,
            TimeS = timeS, ExchangeCurrentDensityAPerM2 = i0APerM2,
        };
        var sim = new DendriteSimulation(p, mechanics: false);
        var t = new List<double>(); var gap = new List<double>();
        sim.Run(timeS, 5, o =>
        {
            // mass-based front: initial ξ = ½ position plus the plated area per unit height
            double front = p.LiThicknessUm + (o.LiVolumeUm2 - sim.InitialLiUm2) / p.DomainHeightUm;
            t.Add(o.TimeS); gap.Add(p.DomainWidthUm - front);
        });
        return (t.ToArray(), gap.ToArray(), p);
    }

    [Theory]
    [InlineData(10.0, 40.0, 1.0)]      // i₀ = 1 mA cm⁻²: kinetics and ohmic drop both matter (η ≈ 0.25 V)
    [InlineData(1000.0, 30.0, 1.0)]    // i₀ = 100 mA cm⁻²: nearly ohmic, the g² law
    [InlineData(1000.0, 30.0, 2.0)]    // the same on the 2 µm grid of the paper-domain runs (interface 16 µm wide in a 60 µm gap)
    public void Solver_FlatFront_FollowsThePlanarGrowthLaw(double i0, double timeS, double dxUm)
    {
        var (t, gap, p) = SolverFront(i0, timeS, dxUm);
        var law = PlanarGrowthLaw.From(p);
        double advanceSolver = gap[0] - gap[^1];
        double advanceLaw = gap[0] - law.GapUm(gap[0], t[^1] - t[0]);
        Assert.True(advanceSolver > 5, $"front advanced only {advanceSolver:F2} µm");
        Assert.InRange(advanceSolver / advanceLaw, 0.97, 1.03);
        // and along the way (every 5 s), not only at the end
        for (int k = 1; k < t.Length; k++)
        {
            double a = gap[0] - gap[k], b = gap[0] - law.GapUm(gap[0], t[k] - t[0]);
            Assert.InRange(a / b, 0.95, 1.05);
        }
    }
}
