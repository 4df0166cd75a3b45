using SoftShort.PhaseField;

namespace SoftShort.Tests.PhaseField;

/// <summary>
/// Elastic–perfectly-plastic Li (J2, yield σ_y = 0.8 MPa) in the phase-field mechanics (<see cref="DendriteParameters.LiPlasticity"/>):
/// closed-form checks of the return map and of the iterated (initial-strain) equilibrium, and charge conservation of a run with it.
/// </summary>
public class LiPlasticityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const double Yield = 0.8;

    static (double[] Pm, double[] Vm) Solve(PlaneStrainElasticity mech, double[] xi, DendriteParameters p)
    {
        var pm = new double[xi.Length]; var vm = new double[xi.Length]; var ev = new double[xi.Length];
        mech.Solve(xi, new byte[xi.Length], p, pm, vm, ev);
        return (pm, vm);
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(5.0)]
    public void UniaxialStrainUnderPressure_CapsTheMisesStressAtTheYield(double pressureMPa)
    {
        // a Li block, rollers top/bottom, plane strain, pressure P on the right: elastic σ_yy = σ_zz = −Pν/(1−ν) gives a Mises
        // stress P(1−2ν)/(1−ν) = 2.76 MPa at 10 MPa; perfectly plastic Li yields to σ_yy = σ_zz = −(P − σ_y): Mises = σ_y and
        // P_m = P − 2σ_y/3 (the elastic P_m is P(1+ν)/(3(1−ν)) = 8.16 MPa at 10 MPa)
        int nx = 40, ny = 20; double dx = 2;
        var p = new DendriteParameters { PressureMPa = pressureMPa, LiPlasticity = true, PlasticityToleranceMPa = 1e-4 };
        var mech = new PlaneStrainElasticity(nx, ny, dx, targetCellUm: dx, liPlasticity: true);
        var xi = new double[nx * ny]; Array.Fill(xi, 1.0);
        var (pm, vm) = Solve(mech, xi, p);
        double nu = p.LiPoisson;
        Assert.True(pressureMPa * (1 - 2 * nu) / (1 - nu) > 1.5 * Yield);                     // the elastic state would be above yield
        for (int i = 0; i < xi.Length; i++)
        {
            Assert.Equal(Yield, vm[i], 1e-6);
            Assert.Equal(pressureMPa - 2 * Yield / 3, pm[i], 1e-3);
        }
        Assert.True(mech.LastPlasticChangeMPa <= 1e-4);
        // the same block elastic: the uniaxial-strain P_m, so the test above can tell the two apart
        var (pmE, vmE) = Solve(new PlaneStrainElasticity(nx, ny, dx, targetCellUm: dx), xi, p with { LiPlasticity = false });
        Assert.Equal(pressureMPa * (1 + nu) / (3 * (1 - nu)), pmE[ny / 2 * nx + nx / 2], 1e-3 * pressureMPa);
        Assert.Equal(pressureMPa * (1 - 2 * nu) / (1 - nu), vmE[ny / 2 * nx + nx / 2], 1e-3 * pressureMPa);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(10.0)]
    public void ConfinedGrowthLayer_CarriesTheAppliedPressurePlusTheYield(double pressureMPa)
    {
        // a flat 10 µm plated layer with the isotropic eigenstrain ε_v = 0.1, laterally confined (rollers, plane strain): elastic
        // Li carries the confined growth stress (≈ 450 MPa), perfectly plastic Li flows until σ_yy = σ_zz = σ_xx − σ_y, i.e.
        // P_m = P + 2σ_y/3 and Mises = σ_y in the layer (σ_xx = −P from the traction on the right)
        int nx = 60, ny = 20; double dx = 2;
        var p = new DendriteParameters
        {
            PressureMPa = pressureMPa, DepositionStrainForm = DepositionStrainForm.Isotropic, DepositionEigenstrain = 0.1,
            LiPlasticity = true, PlasticityToleranceMPa = 1e-4, PlasticityMaxIterations = 200,
        };
        var mech = new PlaneStrainElasticity(nx, ny, dx, targetCellUm: dx, liPlasticity: true);
        var xi = new double[nx * ny];
        for (int y = 0; y < ny; y++) for (int x = 0; x < 20; x++) xi[y * nx + x] = 1;     // the anode
        Solve(mech, xi, p);                                                                 // reference state
        for (int y = 0; y < ny; y++) for (int x = 20; x < 25; x++) xi[y * nx + x] = 1;     // 10 µm plated
        var (pm, vm) = Solve(mech, xi, p);
        int i = ny / 2 * nx + 22;
        Assert.Equal(pressureMPa + 2 * Yield / 3, pm[i], 0.01);
        Assert.Equal(Yield, vm[i], 1e-3);
        Assert.True(mech.LastPlasticIterations < 200);
    }

    [Fact]
    public void ExpandingInclusion_InPlasticLi_FollowsHillsCavityExpansion()
    {
        // Hill (1950, "The Mathematical Theory of Plasticity", ch. V): a cylindrical cavity of radius a expanded in an
        // elastic – perfectly-plastic (Mises, plane strain) medium. Here the cavity is a disc of plated Li with a small isotropic
        // eigenstrain in a large Li block (the same moduli for the disc's reference state). With k = σ_y/√3 and the plastic
        // front at c: outside c the field is elastic, σ_r = −σ_θ = −k c²/r², σ_z = 0, so Mises = σ_y (c/r)² and P_m = 0; inside
        // (a < r < c) Mises = σ_y and σ_r = −k[1 + 2 ln(c/r)], σ_θ = σ_r + 2k, σ_z = (σ_r + σ_θ)/2, so P_m = 2k ln(c/r) (exact for
        // an incompressible material; Li has ν = 0.42, hence the 0.05 MPa tolerance, ≈ 5 % of P_m at the cavity).
        int n = 160; double dx = 1, a = 8, cx = n / 2.0;
        var p = new DendriteParameters
        {
            LiPlasticity = true, SeYoungGPa = 7.82, SePoisson = 0.42, DepositionStrainForm = DepositionStrainForm.Isotropic,
            DepositionEigenstrain = 1.5e-3, PlasticityMaxIterations = 500, PlasticityToleranceMPa = 2e-3,
        };
        var mech = new PlaneStrainElasticity(n, n, dx, targetCellUm: dx, liPlasticity: true);
        var xi = new double[n * n];
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
            xi[y * n + x] = Math.Pow(x + 0.5 - cx, 2) + Math.Pow(y + 0.5 - cx, 2) <= a * a ? 0 : 1;
        Solve(mech, xi, p);                                           // reference state: the disc not yet plated
        Array.Fill(xi, 1.0);                                          // plate the disc: it expands by its eigenstrain
        var (pm, vm) = Solve(mech, xi, p);
        Assert.True(mech.LastPlasticChangeMPa <= 2e-3);
        int row = n / 2 * n;
        double R(int x) => x + 0.5 - cx;
        // plastic front: the outermost cell (along +x) at the yield
        int xf = n / 2;
        while (vm[row + xf + 1] >= Yield * (1 - 1e-6)) xf++;
        double front = R(xf) + 0.5 * dx;
        // front from the elastic decay Mises = σ_y (c/r)² at r = 1.2–1.6 c (independent of the plastic zone)
        var fits = new List<double>();
        for (int x = xf + 1; R(x) < 1.6 * front; x++) if (R(x) > 1.2 * front) fits.Add(R(x) * Math.Sqrt(vm[row + x] / Yield));
        double c = fits.Average();
        output.WriteLine($"iterations {mech.LastPlasticIterations}, change {mech.LastPlasticChangeMPa}, CG {mech.LastPlasticCgIterations}; front {front}, fit c {c} ({string.Join(", ", fits.Select(v => v.ToString("F2")))})");
        Assert.InRange(c / a, 2, 4);                                  // a genuinely plastic annulus
        Assert.Equal(front, c, 1.5 * dx);
        foreach (double cf in fits) Assert.Equal(c, cf, 0.03 * c);   // the 1/r² decay of the elastic zone
        double k = Yield / Math.Sqrt(3);
        for (int x = n / 2 + (int)a + 2; R(x) < 0.8 * c; x++)       // from one cell off the stair-stepped disc edge
        {
            Assert.Equal(Yield, vm[row + x], 1e-3);
            Assert.Equal(2 * k * Math.Log(c / R(x)), pm[row + x], 0.05);
        }
    }

    [Fact]
    public void ImpossibleYield_IsRejectedBeforeTheRun()
    {
        var e = Assert.Throws<InputException>(() => new DendriteSimulation(new DendriteParameters { LiPlasticity = true, LiYieldMPa = -0.8 }));
        Assert.Contains("--li-yield-mpa", e.Message);
        Assert.Throws<InputException>(() => new DendriteSimulation(new DendriteParameters { LiPlasticity = true, PlasticityMaxIterations = 0 }));
    }
}
