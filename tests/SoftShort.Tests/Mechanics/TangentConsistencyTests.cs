using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// Consistency of the assembled tangent with the residual it linearises: the analytic (or, for updated Lagrangian, the element's
/// own finite-difference) tangent against a central finite difference of the global residual f_int − f_ext over every free DOF,
/// on a single element and on a 2×2 patch away from the axis (hoop terms active), for each material state and contact state.
/// A consistent tangent is what gives Newton–Raphson its quadratic convergence (Simo &amp; Taylor, CMAME 48 (1985) 101).
/// </summary>
public class TangentConsistencyTests
{
    /// <summary>max |K_fd − K| / max |K_fd| over the free DOFs at U = U_n + dU, and whether any Gauss point is inelastic in the trial state.</summary>
    internal static (double Err, double MaxDeqps) Check(AxiSolid s, LoadStep step, double dtS, double[] dU)
    {
        s.BeginIncrementForCheck(step);
        foreach (var p in step.Prescribed) s.U[p.Dof] = p.ValueMm(1);
        var eq = s.EquationOfDof;
        for (int d = 0; d < s.U.Length; d++) if (eq[d] >= 0) s.U[d] += dU[d];
        var r0 = s.FreeResidual(step, 1, dtS, assemble: true);
        double deqps = 0;
        for (int i = 0; i < s.State.Length; i++) deqps = Math.Max(deqps, s.TrialStates[i].Eqps - s.State[i].Eqps);
        int n = r0.Length;
        var k = s.TangentMatrix;
        var ka = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) ka[i, j] = k.Get(i, j);
        double scale = dU.Max(Math.Abs), h = 1e-6 * Math.Max(scale, 1e-3);
        var kf = new double[n, n];
        for (int d = 0; d < s.U.Length; d++)
        {
            int q = eq[d];
            if (q < 0) continue;
            double u0 = s.U[d];
            s.U[d] = u0 + h; var rp = s.FreeResidual(step, 1, dtS, assemble: false);
            s.U[d] = u0 - h; var rm = s.FreeResidual(step, 1, dtS, assemble: false);
            s.U[d] = u0;
            for (int i = 0; i < n; i++) kf[i, q] = (rp[i] - rm[i]) / (2 * h);
        }
        double mx = 0, err = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { mx = Math.Max(mx, Math.Abs(kf[i, j])); err = Math.Max(err, Math.Abs(kf[i, j] - ka[i, j])); }
        return (err / mx, deqps);
    }

    static double[] Random(int n, double amp, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => amp * (2 * rng.NextDouble() - 1))];
    }

    static Material MaterialFor(string state) => state switch
    {
        "elastic" => new ElasticMaterial("e", 1000, 0.3),
        "plastic" => new J2PlasticMaterial("p", 1000, 0.3, 1, 10),
        "perfectly-plastic" => new J2PlasticMaterial("p", 1000, 0.3, 1, 0),
        _ => CellMaterials.Lithium(),   // creep (below the 0.8 MPa cap) and creep-capped-by-yield
    };

    /// <summary>Random displacement amplitude (mm on a 1 mm element) that puts the points in the named state, and the time increment.</summary>
    static (double Amp, double DtS) Loading(string state) => state switch
    {
        "elastic" => (1e-3, 0),
        "plastic" or "perfectly-plastic" => (1e-2, 0),
        "creep" => (5e-5, 100),
        _ => (1e-2, 100),                // "li-yield": beyond the creep-capped yield
    };

    [Theory]
    [InlineData("elastic", false, 1)] [InlineData("plastic", false, 1)] [InlineData("perfectly-plastic", false, 1)] [InlineData("creep", false, 1)] [InlineData("li-yield", false, 1)]
    [InlineData("elastic", true, 1)] [InlineData("plastic", true, 1)] [InlineData("perfectly-plastic", true, 1)] [InlineData("creep", true, 1)] [InlineData("li-yield", true, 1)]
    [InlineData("elastic", false, 2)] [InlineData("plastic", false, 2)] [InlineData("creep", false, 2)] [InlineData("li-yield", false, 2)]
    [InlineData("elastic", true, 2)] [InlineData("plastic", true, 2)] [InlineData("creep", true, 2)] [InlineData("li-yield", true, 2)]
    public void TangentMatchesFiniteDifferenceForEachMaterialState(string state, bool updatedLagrangian, int elements)
    {
        // single element (or 2×2 patch) r ∈ [1, 2], z ∈ [0, 1]; minimal supports, a follower pressure on the top edge
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(1, 2, elements), AxiMesh.Graded(0, 1, elements), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = updatedLagrangian };
        s.Materials[0] = MaterialFor(state);
        var (amp, dt) = Loading(state);
        var pressure = Enumerable.Range(0, elements).Select(i => new EdgePressure(at[elements, i + 1], at[elements, i], t => 0.5 * t)).ToList();
        var step = new LoadStep
        {
            Name = "check", Pressures = pressure,
            Prescribed = [new(AxiSolid.DofR(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, elements]), _ => 0)],
        };
        var (err, deqps) = Check(s, step, dt, Random(s.U.Length, amp, 11 + elements));
        if (state == "elastic") Assert.Equal(0, deqps);
        else Assert.True(deqps > 0, $"{state}: no inelastic strain in the trial state");
        Assert.True(err < 1e-5, $"{state} ({(updatedLagrangian ? "UL" : "small strain")}, {elements}²): relative tangent error {err:E2}");
    }

    /// <summary>Two elastic blocks touching across r = 1 with a radial node-to-node penalty pair per node; open, closed, and closed with Coulomb friction in stick and in slip.</summary>
    [Theory]
    [InlineData(-0.01, 0.0, 0.0, false)] // open
    [InlineData(0.01, 0.0, 0.0, false)]  // closed, frictionless
    [InlineData(0.01, 0.3, 1e-4, false)] // closed, stick
    [InlineData(0.01, 0.3, 0.05, false)] // closed, slip
    [InlineData(0.01, 0.3, 0.05, true)]  // closed, slip, updated Lagrangian
    [InlineData(0.01, 0.3, 0.0033, false)] // closed, in the smoothed stick/slip band
    public void ContactTangentMatchesFiniteDifference(double penetrationMm, double mu, double slideMm, bool updatedLagrangian)
    {
        double[] zs = AxiMesh.Graded(0, 1, 1);
        var (inner, iAt) = AxiMesh.Block(AxiMesh.Graded(0.5, 1, 1), zs, (_, _) => 0);
        var (outer, oAt) = AxiMesh.Block(AxiMesh.Graded(1, 1.5, 1), zs, (_, _) => 1);
        var (mesh, off) = AxiMesh.Concat(inner, outer);
        var s = new AxiSolid(mesh, 2) { FrictionCoefficient = mu, ContactPenaltyMPaPerMm = 100, LargeDeformation = updatedLagrangian };
        s.Materials[0] = new ElasticMaterial("a", 1000, 0.3);
        s.Materials[1] = new ElasticMaterial("b", 500, 0.35);
        for (int j = 0; j <= 1; j++) s.Contacts.Add(new ContactPair(iAt[j, 1] + off[0], oAt[j, 0] + off[1], 0.5));
        // inner block: left edge held radially, bottom-left axially; outer block: right edge held; the test displacement pushes
        // the inner block outward by the penetration and slides it axially
        var step = new LoadStep
        {
            Name = "check",
            Prescribed = [new(AxiSolid.DofR(iAt[0, 0] + off[0]), _ => 0), new(AxiSolid.DofR(iAt[1, 0] + off[0]), _ => 0), new(AxiSolid.DofZ(iAt[0, 0] + off[0]), _ => 0),
                          new(AxiSolid.DofR(oAt[0, 1] + off[1]), _ => 0), new(AxiSolid.DofR(oAt[1, 1] + off[1]), _ => 0), new(AxiSolid.DofZ(oAt[0, 1] + off[1]), _ => 0)],
        };
        var du = Random(s.U.Length, 1e-4, 5);
        for (int j = 0; j <= 1; j++) { du[AxiSolid.DofR(iAt[j, 1] + off[0])] += penetrationMm; du[AxiSolid.DofZ(iAt[j, 1] + off[0])] += slideMm; }
        var (err, _) = Check(s, step, 0, du);
        bool closed = s.Contacts.Any(c => c.NormalForcePerRadN > 0);
        Assert.Equal(penetrationMm > 0, closed);
        if (mu > 0 && slideMm >= 0.05) Assert.All(s.Contacts, c => Assert.True(c.Sliding));
        if (mu > 0 && slideMm <= 1e-4) Assert.All(s.Contacts, c => Assert.False(c.Sliding));
        Assert.True(err < 1e-5, $"relative tangent error {err:E2}");
    }

    /// <summary>
    /// Quadratic convergence of full Newton (no tangent reuse) on a small plastic problem: a 2×2 J2-hardening cylinder compressed
    /// 2 % in one increment, small strain and updated Lagrangian: once the residual is below 10⁻² of the first, each iteration
    /// squares it (normalised residual e_{k+1} ≤ 10 e_k²) down to the round-off floor.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NewtonConvergesQuadraticallyOnAPlasticProblem(bool updatedLagrangian)
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(0, 1, 2), AxiMesh.Graded(0, 1, 2), (_, _) => 0);
        var history = new List<double>();
        var s = new AxiSolid(mesh, 1) { LargeDeformation = updatedLagrangian, TangentReuseRatio = 0, RelativeTolerance = 1e-13, ResidualHistory = history };
        s.Materials[0] = new J2PlasticMaterial("m", 1000, 0.3, 1, 20);
        var bc = new List<Prescribed>();
        for (int j = 0; j <= 2; j++) bc.Add(new(AxiSolid.DofR(at[j, 0]), _ => 0));
        for (int i = 0; i <= 2; i++) { bc.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0)); bc.Add(new(AxiSolid.DofZ(at[2, i]), t => -0.02 * t)); }
        s.Run(new LoadStep { Name = "compress", Prescribed = bc, InitialIncrement = 1 });
        Assert.True(s.State.All(st => st.Eqps > 0.005), "the increment must be well into plastic flow");
        Assert.InRange(history.Count, 3, 8);
        var e = history.Select(r => r / history[0]).ToList();
        int quadraticSteps = 0;
        for (int k = 0; k + 1 < e.Count; k++)
        {
            if (e[k] > 1e-2 || e[k + 1] < 1e-13) continue;
            Assert.True(e[k + 1] <= 10 * e[k] * e[k], $"iteration {k + 1}: e = {e[k + 1]:E2} after {e[k]:E2} is not quadratic ({string.Join(", ", e.Select(x => x.ToString("E1")))})");
            quadraticSteps++;
        }
        Assert.True(quadraticSteps >= 1, $"no iteration in the quadratic range: {string.Join(", ", e.Select(x => x.ToString("E1")))}");
    }
}
