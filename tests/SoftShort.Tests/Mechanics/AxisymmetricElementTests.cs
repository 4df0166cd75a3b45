using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

public class AxisymmetricElementTests
{
    [Theory]
    [InlineData(2.0, 4.0, 10.0, 200.0, 0.3)]
    [InlineData(3.175, 4.7625, 15.0, 0.5, 0.46)]
    [InlineData(1.0, 3.0, 5.0, 7.82, 0.4999)] // nearly incompressible: B̄ must not lock
    public void ThickCylinderMatchesLame(double a, double b, double p, double eGPa, double nu)
    {
        var r = Verification.ThickCylinder(a, b, p, eGPa, nu, nr: 24);
        Assert.True(r.RelativeError < 3e-3, $"u(a) {r.Numeric} vs Lamé {r.Analytic}");
        Assert.True(Math.Abs(r.Extra[0].Numeric - r.Extra[0].Analytic) / r.Extra[0].Analytic < 3e-3);
    }

    [Fact]
    public void LameErrorDecreasesWithRefinement()
    {
        double e4 = Verification.ThickCylinder(1, 3, 10, 10, 0.3, 4).RelativeError;
        double e8 = Verification.ThickCylinder(1, 3, 10, 10, 0.3, 8).RelativeError;
        double e16 = Verification.ThickCylinder(1, 3, 10, 10, 0.3, 16).RelativeError;
        Assert.True(e8 < e4 && e16 < e8, $"{e4} {e8} {e16}");
        Assert.True(e4 / e16 > 6, $"expected ≈ second-order convergence, got ratio {e4 / e16}"); // 4× refinement ⇒ ≈ 16×
    }

    /// <summary>Patch test: a distorted mesh of a solid cylinder under uniform axial stress reproduces the exact uniform state.</summary>
    [Fact]
    public void DistortedPatchReproducesUniaxialStress()
    {
        double[] r = [0, 0.4, 1.0], z = [0, 0.55, 1.0];
        var (mesh0, at) = AxiMesh.Block(r, z, (_, _) => 0);
        // move the inner node to distort the elements
        var rr = (double[])mesh0.R.Clone(); var zz = (double[])mesh0.Z.Clone();
        rr[at[1, 1]] = 0.47; zz[at[1, 1]] = 0.42;
        var mesh = new AxiMesh(rr, zz, mesh0.Conn, mesh0.Region);
        var s = new AxiSolid(mesh, 1);
        double e = 1000, nu = 0.3, sigma = -5;
        s.Materials[0] = new ElasticMaterial("m", e, nu);
        var pres = new List<Prescribed>();
        for (int i = 0; i < 3; i++) pres.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0));
        for (int j = 0; j < 3; j++) pres.Add(new(AxiSolid.DofR(at[j, 0]), _ => 0));
        var top = new List<EdgePressure> { new(at[2, 2], at[2, 1], t => -sigma * t), new(at[2, 1], at[2, 0], t => -sigma * t) };
        s.Run(new LoadStep { Name = "patch", Prescribed = pres, Pressures = top, InitialIncrement = 1 });
        foreach (var st in s.State)
        {
            Assert.Equal(sigma, st.S1, 1e-8);
            Assert.Equal(0, st.S0, 1e-8); Assert.Equal(0, st.S2, 1e-8); Assert.Equal(0, st.S3, 1e-8);
        }
        Assert.Equal(sigma / e * 1.0, s.U[AxiSolid.DofZ(at[2, 1])], 1e-10);
        Assert.Equal(-nu * sigma / e * 1.0, s.U[AxiSolid.DofR(at[2, 2])], 1e-10);
        // the base support pushes back with π R² |σ| (upwards)
        var baseDofs = Enumerable.Range(0, 3).Select(i => AxiSolid.DofZ(at[0, i]));
        Assert.Equal(-Math.PI * sigma, s.Reaction(baseDofs), 1e-8);
    }
}
