using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// ALE rezoning (<see cref="AxiSolid.Rezone"/>): Laplacian mesh motion of interior nodes and remap of the Gauss-point state, and the
/// solver-loop failure handling (zero pivot, inverted element).
/// </summary>
public class RezoneTests
{
    static readonly double G = 1 / Math.Sqrt(3);
    static readonly double[] Xi = [-G, G, G, -G], Eta = [-G, -G, G, G];

    /// <summary>A 3×3 block at r ∈ [1, 2], z ∈ [0, 1] in updated-Lagrangian mode with a displacement that is linear on the boundary and
    /// distorted at the four interior nodes (stress-free labels only: the test sets the state by hand).</summary>
    static (AxiSolid S, int[,] At) DistortedBlock()
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(1, 2, 3), AxiMesh.Graded(0, 1, 3, 1.5), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true, RezoneRegion = 0, RezoneQualityThreshold = 1.01 }; // every element may move
        s.Materials[0] = new ElasticMaterial("m", 1000, 0.3);
        for (int n = 0; n < mesh.NodeCount; n++)
        {   // a linear (affine) motion: stretch, shear and translation
            s.U[AxiSolid.DofR(n)] = 0.1 * mesh.R[n] + 0.05 * mesh.Z[n] + 0.02;
            s.U[AxiSolid.DofZ(n)] = -0.2 * mesh.Z[n] + 0.03 * mesh.R[n];
        }
        (int J, int I, double Dr, double Dz)[] kick = [(1, 1, 0.09, 0.05), (1, 2, -0.07, 0.06), (2, 1, 0.05, -0.07), (2, 2, -0.06, -0.04)];
        foreach (var (j, i, dr, dz) in kick) { s.U[AxiSolid.DofR(at[j, i])] += dr; s.U[AxiSolid.DofZ(at[j, i])] += dz; }
        return (s, at);
    }

    static (double R, double Z) GaussPoint(AxiSolid s, int e, int gp)
    {
        double r = 0, z = 0;
        for (int a = 0; a < 4; a++)
        {
            int n = s.Mesh.Conn[4 * e + a];
            double sa = a is 1 or 2 ? 1 : -1, ta = a >= 2 ? 1 : -1, w = 0.25 * (1 + sa * Xi[gp]) * (1 + ta * Eta[gp]);
            r += w * (s.Mesh.R[n] + s.U[2 * n]); z += w * (s.Mesh.Z[n] + s.U[2 * n + 1]);
        }
        return (r, z);
    }

    static double Linear(double r, double z, int k) => 1 + k + (0.3 + k) * r - (0.7 + 0.5 * k) * z;

    static PointState LinearState(double r, double z)
    {
        var st = new PointState
        {
            S0 = Linear(r, z, 0), S1 = Linear(r, z, 1), S2 = Linear(r, z, 2), S3 = Linear(r, z, 3),
            P0 = Linear(r, z, 4), P1 = Linear(r, z, 5), P2 = Linear(r, z, 6), P3 = Linear(r, z, 7),
            Eqps = 5 + Linear(r, z, 8), E0 = Linear(r, z, 9), E1 = Linear(r, z, 10), E2 = Linear(r, z, 11), E3 = Linear(r, z, 12),
        };
        return st;
    }

    [Fact]
    public void MeshMotionIsTheHarmonicExtensionAndKeepsTheVolume()
    {
        var (s, at) = DistortedBlock();
        double v0 = s.RegionVolume(0), q0 = s.RegionQuality(0);
        Assert.True(s.Rezone());
        // the harmonic extension of a linear boundary displacement is that linear field: the interior nodes return onto it
        for (int j = 1; j <= 2; j++)
            for (int i = 1; i <= 2; i++)
            {
                int n = at[j, i];
                Assert.Equal(0.1 * s.Mesh.R[n] + 0.05 * s.Mesh.Z[n] + 0.02, s.U[AxiSolid.DofR(n)], 1e-12);
                Assert.Equal(-0.2 * s.Mesh.Z[n] + 0.03 * s.Mesh.R[n], s.U[AxiSolid.DofZ(n)], 1e-12);
            }
        // boundary fixed ⇒ the region's volume is unchanged; quality improved
        Assert.Equal(v0, s.RegionVolume(0), 1e-12 * v0);
        Assert.True(s.RegionQuality(0) > q0);
        Assert.Equal(1, s.Stats.Rezonings);
        // nothing left to improve: a second call changes nothing
        Assert.False(s.Rezone());
    }

    /// <summary>Boundary sliding: a node moved along a straight edge of the outline slides back to its reference arc-length fraction; the
    /// outline, hence the volume, is unchanged. Without sliding the node stays (whether or not the interior moves).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BoundaryNodeSlidesBackAlongAStraightEdge(bool sliding)
    {
        var (s, at) = DistortedBlock();
        s.RezoneBoundarySliding = sliding;
        int n = at[0, 1]; // bottom edge, between two corners; the affine motion maps the edge direction (1, 0) to (1.1, 0.03)
        double r0 = s.U[AxiSolid.DofR(n)], z0 = s.U[AxiSolid.DofZ(n)];
        s.U[AxiSolid.DofR(n)] += 0.2 * 1.1; s.U[AxiSolid.DofZ(n)] += 0.2 * 0.03;
        double v0 = s.RegionVolume(0);
        bool changed = s.Rezone();
        Assert.True(changed || !sliding);
        Assert.Equal(v0, s.RegionVolume(0), 1e-12 * v0);
        if (sliding) { Assert.Equal(r0, s.U[AxiSolid.DofR(n)], 1e-12); Assert.Equal(z0, s.U[AxiSolid.DofZ(n)], 1e-12); }
        else Assert.Equal(r0 + 0.22, s.U[AxiSolid.DofR(n)], 1e-12);
    }

    /// <summary>The Li-in-the-gap measure of the large-deformation cell: the volume of a ring beyond a radius, by clipping the current elements.</summary>
    [Fact]
    public void VolumeBeyondARadiusOfARing()
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(1, 2, 3), AxiMesh.Graded(0, 1, 2), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true };
        Assert.Equal(Math.PI * (4 - 2.25), s.RegionVolumeBeyondRadius(0, 1.5), 1e-12);   // cuts through the middle column
        Assert.Equal(3 * Math.PI, s.RegionVolumeBeyondRadius(0, 0.5), 1e-12);
        // a uniform radial expansion by 10 %: ring 1.1–2.2 mm, height 1
        for (int n = 0; n < mesh.NodeCount; n++) s.U[AxiSolid.DofR(n)] = 0.1 * mesh.R[n];
        Assert.Equal(Math.PI * (2.2 * 2.2 - 2.0 * 2.0), s.RegionVolumeBeyondRadius(0, 2.0), 1e-12);
        Assert.Equal(2 * Math.PI * s.RegionVolume(0), s.RegionVolumeBeyondRadius(0, 0), 1e-10);
    }

    [Fact]
    public void UniformStateIsRemappedExactly()
    {
        var (s, _) = DistortedBlock();
        var u = new PointState { S0 = -3.5, S1 = 1.25, S2 = -0.5, S3 = 0.75, P0 = 0.01, P1 = -0.02, P2 = 0.01, P3 = 0.004, Eqps = 0.37, E0 = 0.02, E1 = -0.03, E2 = 0.01, E3 = 0.005 };
        Array.Fill(s.State, u);
        Assert.True(s.Rezone());
        foreach (var st in s.State)
        {
            Assert.Equal(u.S0, st.S0, 1e-13); Assert.Equal(u.S1, st.S1, 1e-13); Assert.Equal(u.S2, st.S2, 1e-13); Assert.Equal(u.S3, st.S3, 1e-13);
            Assert.Equal(u.P0, st.P0, 1e-15); Assert.Equal(u.P3, st.P3, 1e-15); Assert.Equal(u.Eqps, st.Eqps, 1e-14);
            Assert.Equal(u.E0, st.E0, 1e-15); Assert.Equal(u.E1, st.E1, 1e-15); Assert.Equal(u.E3, st.E3, 1e-15);
        }
    }

    [Fact]
    public void LinearFieldIsReproducedAtTheNewGaussPoints()
    {
        var (s, _) = DistortedBlock();
        int ne = s.Mesh.ElementCount;
        for (int e = 0; e < ne; e++) for (int gp = 0; gp < 4; gp++) { var (r, z) = GaussPoint(s, e, gp); s.State[e * 4 + gp] = LinearState(r, z); }
        var before = (PointState[])s.State.Clone();
        Assert.True(s.Rezone());
        int changed = 0;
        for (int e = 0; e < ne; e++)
            for (int gp = 0; gp < 4; gp++)
            {
                var (r, z) = GaussPoint(s, e, gp);
                var want = LinearState(r, z);
                var got = s.State[e * 4 + gp];
                Assert.Equal(want.S0, got.S0, 1e-10); Assert.Equal(want.S1, got.S1, 1e-10); Assert.Equal(want.S2, got.S2, 1e-10); Assert.Equal(want.S3, got.S3, 1e-10);
                Assert.Equal(want.P0, got.P0, 1e-10); Assert.Equal(want.P2, got.P2, 1e-10); Assert.Equal(want.Eqps, got.Eqps, 1e-10);
                Assert.Equal(want.E0, got.E0, 1e-10); Assert.Equal(want.E3, got.E3, 1e-10);
                if (Math.Abs(before[e * 4 + gp].S0 - got.S0) > 1e-6) changed++;
            }
        Assert.True(changed > 0, "the remap must have moved Gauss points (otherwise the test checks nothing)");
    }

    /// <summary>
    /// The large-strain closed form with rezoning in the loop: the J2 cylinder halving of <see cref="LargeDeformationTests"/> started from a
    /// stress-free but distorted mesh (interior node off its place) and rezoned after every increment (threshold above 1). The first rezone moves
    /// the interior node relative to the material and remaps a non-zero (uniform) plastic state; the answer must still be r = √2 R0, Cauchy axial
    /// stress σy and equivalent plastic strain ln 2 − σy/E.
    /// </summary>
    [Fact]
    public void CylinderHalvingWithRezoningKeepsTheClosedForm()
    {
        const double sy = 10, e = 1e5, nu = 0.3;
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(0, 1, 2), AxiMesh.Graded(0, 1, 2), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true, RezoneRegion = 0, RezoneQualityThreshold = 1.01 };
        s.Materials[0] = new J2PlasticMaterial("m", e, nu, sy, 0);
        s.U[AxiSolid.DofR(at[1, 1])] = 0.12; s.U[AxiSolid.DofZ(at[1, 1])] = -0.1; // stress-free distorted start (UL measures from here)
        var bc = new List<Prescribed>();
        for (int j = 0; j <= 2; j++) bc.Add(new(AxiSolid.DofR(at[j, 0]), _ => 0));
        for (int i = 0; i <= 2; i++) { bc.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0)); bc.Add(new(AxiSolid.DofZ(at[2, i]), t => -0.5 * t)); }
        s.Run(new LoadStep { Name = "compress", Prescribed = bc, InitialIncrement = 0.02, MaxIncrement = 0.02 });
        Assert.True(s.Stats.Rezonings >= 1);
        double rExpected = Math.Sqrt(2 * (1 - (1 - 2 * nu) * sy / e));
        for (int j = 0; j <= 2; j++) Assert.Equal(rExpected, 1 + s.U[AxiSolid.DofR(at[j, 2])], 2e-3);
        foreach (var st in s.State)
        {
            Assert.Equal(-sy, st.S1, 1e-3 * sy);
            Assert.Equal(0, st.S0, 1e-3 * sy);
            Assert.Equal(Math.Log(2) - sy / e, st.Eqps, 2e-3);
        }
        var top = Enumerable.Range(0, 3).Select(i => AxiSolid.DofZ(at[2, i]));
        Assert.Equal(-sy * Math.PI * rExpected * rExpected, s.Reaction(top), 5e-3 * sy * Math.PI * 2);
    }

    /// <summary>A zero pivot (here: a body with no axial support, a mechanism) is handled like a non-converged increment: cut back, then a
    /// <see cref="ConvergenceException"/> naming the step and the pivot; the state stays at the last converged increment.</summary>
    [Fact]
    public void ZeroPivotCutsBackAndEndsInAConvergenceMessage()
    {
        var (mesh, at) = AxiMesh.Block([1, 2], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1);
        s.Materials[0] = new ElasticMaterial("m", 1000, 0.3);
        var top = new EdgePressure(at[1, 1], at[1, 0], t => 1 * t);
        var ex = Assert.Throws<ConvergenceException>(() => s.Run(new LoadStep { Name = "floating", Pressures = [top], InitialIncrement = 0.5 }));
        Assert.Contains("'floating'", ex.Message);
        Assert.Contains("zero pivot", ex.Message);
        Assert.True(s.Stats.Cutbacks >= 5, $"cut-backs {s.Stats.Cutbacks}");
        Assert.All(s.U, u => Assert.Equal(0, u));
    }

    /// <summary>The step gives up when the cut-back increment falls below <see cref="LoadStep.MinIncrement"/> (the UL charge uses 10⁻¹¹, every other
    /// step the default 10⁻⁶): from Δτ = 0.5, quartered per cut-back, 0.5 · 4⁻ᵏ &lt; 10⁻⁶ first at k = 10 and &lt; 10⁻⁹ at k = 15.</summary>
    [Theory]
    [InlineData(0, 10)]
    [InlineData(1e-9, 15)]
    public void CutBacksStopAtTheMinimumIncrement(double minIncrement, int cutbacks)
    {
        var (mesh, at) = AxiMesh.Block([1, 2], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1);
        s.Materials[0] = new ElasticMaterial("m", 1000, 0.3);
        var top = new EdgePressure(at[1, 1], at[1, 0], t => 1 * t);
        var step = minIncrement > 0 ? new LoadStep { Name = "floating", Pressures = [top], InitialIncrement = 0.5, MinIncrement = minIncrement }
                                    : new LoadStep { Name = "floating", Pressures = [top], InitialIncrement = 0.5 };
        Assert.Throws<ConvergenceException>(() => s.Run(step));
        Assert.Equal(cutbacks, s.Stats.Cutbacks);
    }

    [Fact]
    public void LargeDeformationCellKeysAreValidated()
    {
        Assert.Throws<InputException>(() => new CellFeConfig { LiRezoneQuality = 1.5 }.Validate());
        Assert.Throws<InputException>(() => new CellFeConfig { LiRimSlidingMm = -0.1 }.Validate());
        Assert.Throws<InputException>(() => new CellFeConfig { RodEdgeRadiusUm = 0 }.Validate());
        new CellFeConfig { LargeDeformation = true, LiRezoneQuality = 0.3, LiRimSlidingMm = 0.15, RodEdgeRadiusUm = 100 }.Validate();
        Assert.Equal("li_rezone_quality", CellFeConfig.KeyOf(nameof(CellFeConfig.LiRezoneQuality)));
        Assert.Equal("li_rim_sliding_mm", CellFeConfig.KeyOf(nameof(CellFeConfig.LiRimSlidingMm)));
        Assert.Equal("rod_edge_radius_um", CellFeConfig.KeyOf(nameof(CellFeConfig.RodEdgeRadiusUm)));
    }

    /// <summary>Crushing one element past zero height in updated Lagrangian: the stop message names the step and the inverted element.</summary>
    [Fact]
    public void InvertedElementIsNamedWithItsStep()
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(0, 1, 2), [0, 0.5, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true };
        s.Materials[0] = new ElasticMaterial("m", 1000, 0.3);
        var bc = new List<Prescribed>();
        for (int i = 0; i <= 2; i++) { bc.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0)); bc.Add(new(AxiSolid.DofZ(at[1, i]), t => -0.8 * t)); bc.Add(new(AxiSolid.DofR(at[1, i]), _ => 0)); }
        bc.Add(new(AxiSolid.DofR(at[0, 0]), _ => 0)); bc.Add(new(AxiSolid.DofR(at[2, 0]), _ => 0));
        var ex = Assert.Throws<ConvergenceException>(() => s.Run(new LoadStep { Name = "crush", Prescribed = bc, InitialIncrement = 0.25, MaxIncrement = 0.25 }));
        Assert.Contains("'crush'", ex.Message);
        Assert.Matches(@"element [01], region 0", ex.Message);
        Assert.Contains("inverts", ex.Message);
    }
}
