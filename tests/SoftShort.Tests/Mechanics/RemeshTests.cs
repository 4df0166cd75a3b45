using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// Topology-changing remeshing (<see cref="AxiSolid.RemeshRegion"/>, <see cref="AxiMesh.Transfinite"/>): geometry, material labels and the
/// Gauss-point state are carried over exactly where they can be (affine motion, linear fields, an outline kept vertex for vertex), and the
/// large-strain closed form survives remeshing between load steps.
/// </summary>
public class RemeshTests
{
    static readonly double G = 1 / Math.Sqrt(3);
    static readonly double[] Xi = [-G, G, G, -G], Eta = [-G, -G, G, G];

    // an affine motion x = X + u(X): stretch, shear, translation
    static double Ur(double r, double z) => 0.1 * r + 0.05 * z + 0.02;
    static double Uz(double r, double z) => -0.2 * z + 0.03 * r;

    static (double R, double Z) GaussPoint(AxiSolid s, int e, int gp)
    {
        double r = 0, z = 0;
        for (int a = 0; a < 4; a++)
        {
            var (x, y) = s.CurrentPosition(s.Mesh.Conn[4 * e + a]);
            double sa = a is 1 or 2 ? 1 : -1, ta = a >= 2 ? 1 : -1, w = 0.25 * (1 + sa * Xi[gp]) * (1 + ta * Eta[gp]);
            r += w * x; z += w * y;
        }
        return (r, z);
    }

    static double Linear(double r, double z, int k) => 1 + k + (0.3 + k) * r - (0.7 + 0.5 * k) * z;

    static PointState LinearState(double r, double z) => new()
    {
        S0 = Linear(r, z, 0), S1 = Linear(r, z, 1), S2 = Linear(r, z, 2), S3 = Linear(r, z, 3),
        P0 = Linear(r, z, 4), P1 = Linear(r, z, 5), P2 = Linear(r, z, 6), P3 = Linear(r, z, 7),
        Eqps = 5 + Linear(r, z, 8), E0 = Linear(r, z, 9), E1 = Linear(r, z, 10), E2 = Linear(r, z, 11), E3 = Linear(r, z, 12),
    };

    static void AssertState(PointState expected, PointState actual, double tol)
    {
        double[] e = [expected.S0, expected.S1, expected.S2, expected.S3, expected.P0, expected.P1, expected.P2, expected.P3, expected.Eqps, expected.E0, expected.E1, expected.E2, expected.E3];
        double[] a = [actual.S0, actual.S1, actual.S2, actual.S3, actual.P0, actual.P1, actual.P2, actual.P3, actual.Eqps, actual.E0, actual.E1, actual.E2, actual.E3];
        for (int k = 0; k < e.Length; k++) Assert.Equal(e[k], a[k], tol * (1 + Math.Abs(e[k])));
    }

    static (double R, double Z)[] Line((double R, double Z) a, (double R, double Z) b, double[] fractions) =>
        [.. fractions.Select(t => (a.R + t * (b.R - a.R), a.Z + t * (b.Z - a.Z)))];

    static double[] Fractions(int n, double ratio) => AxiMesh.Graded(0, 1, n, ratio);

    [Fact]
    public void TransfiniteReproducesAnAffineImageOfAGradedGrid()
    {
        double[] rs = AxiMesh.Graded(1, 2, 4, 1.3), zs = AxiMesh.Graded(0, 1, 3, 0.6);
        (double R, double Z) A(double r, double z) => (r + Ur(r, z), z + Uz(r, z));
        var bottom = rs.Select(r => A(r, zs[0])).ToArray(); var top = rs.Select(r => A(r, zs[^1])).ToArray();
        var left = zs.Select(z => A(rs[0], z)).ToArray(); var right = zs.Select(z => A(rs[^1], z)).ToArray();
        var m = AxiMesh.Transfinite(bottom, right, top, left, region: 7, smoothingSweeps: 50);
        Assert.Equal(12, m.ElementCount);
        Assert.All(m.Region, g => Assert.Equal(7, g));
        for (int j = 0; j < zs.Length; j++)
            for (int i = 0; i < rs.Length; i++)
            {
                var (r, z) = A(rs[i], zs[j]);
                Assert.Equal(r, m.R[j * rs.Length + i], 1e-12);
                Assert.Equal(z, m.Z[j * rs.Length + i], 1e-12);
            }
        // a curved side: TFI + smoothing still gives a valid (counter-clockwise) mesh whose boundary is the given one
        var arc = Enumerable.Range(0, 4).Select(j => (2 + 0.3 * Math.Sin(Math.PI * j / 3), j / 3.0)).ToArray();
        var mc = AxiMesh.Transfinite(Line((1, 0), (2, 0), Fractions(5, 1)), arc, Line((1, 1), (2, 1), Fractions(5, 1)), Line((1, 0), (1, 1), Fractions(3, 1)), 0, 20);
        Assert.Equal(2 + 0.3 * Math.Sin(Math.PI / 3), mc.R[1 * 6 + 5], 1e-12);
        Assert.Throws<InputException>(() => AxiMesh.Transfinite(Line((1, 0), (2, 0), Fractions(5, 1)), arc, Line((1, 1.1), (2, 1), Fractions(5, 1)), Line((1, 0), (1, 1), Fractions(3, 1)), 0));
    }

    /// <summary>
    /// Two regions sharing a node row; region 0 (3 × 3 elements) is replaced by a 3 × 5 block built by TFI on its current (affinely deformed)
    /// outline, its top row shared with region 1. New nodes get the material labels X with x = X + u(X) exactly, a linear state is reproduced
    /// at every new Gauss point, the volume is unchanged, region 1 keeps its elements and states, and the contacts are renumbered or dropped.
    /// </summary>
    [Fact]
    public void RemeshOfAnAffinelyDeformedRegionIsExact()
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(1, 2, 3), AxiMesh.Graded(0, 2, 6, 1.2), (_, j) => j < 3 ? 0 : 1);
        var s = new AxiSolid(mesh, 2) { LargeDeformation = true };
        s.Materials[0] = new ElasticMaterial("a", 1000, 0.3); s.Materials[1] = new ElasticMaterial("b", 2000, 0.3);
        for (int n = 0; n < mesh.NodeCount; n++) { s.U[AxiSolid.DofR(n)] = Ur(mesh.R[n], mesh.Z[n]); s.U[AxiSolid.DofZ(n)] = Uz(mesh.R[n], mesh.Z[n]); }
        for (int e = 0; e < mesh.ElementCount; e++)
            for (int gp = 0; gp < 4; gp++) { var (r, z) = GaussPoint(s, e, gp); s.State[4 * e + gp] = LinearState(r, z); }
        s.Contacts.Add(new ContactPair(at[6, 0], at[6, 3], 0.1));           // region 1 only: kept
        s.Contacts.Add(new ContactPair(at[1, 3], at[5, 3], 0.1) { SlipMm = 0.01 }); // a node only region 0 had: dropped
        s.Contacts.Add(new ContactPair(at[3, 1], at[6, 1], 0.1) { SlipMm = 0.02 }); // shared interface node: kept
        s.SurfaceContacts.Add(new SurfaceContact(at[6, 1], [at[4, 0], at[3, 1], at[4, 3]], 0.1)); // kept: renumbered
        s.SurfaceContacts.Add(new SurfaceContact(at[6, 2], [at[1, 0], at[1, 3]], 0.1));           // surface on dropped nodes: dropped
        var region1States = Enumerable.Range(0, mesh.ElementCount).Where(e => mesh.Region[e] == 1).SelectMany(e => s.State.Skip(4 * e).Take(4)).ToArray();

        var c00 = s.CurrentPosition(at[0, 0]); var c10 = s.CurrentPosition(at[0, 3]); var c01 = s.CurrentPosition(at[3, 0]); var c11 = s.CurrentPosition(at[3, 3]);
        double[] fr = Fractions(3, 1), fz = Fractions(5, 0.8);
        var block = AxiMesh.Transfinite(Line(c00, c10, fr), Line(c10, c11, fz), Line(c01, c11, fr), Line(c00, c01, fz), 0, 10);
        var shared = new int[block.NodeCount];
        for (int k = 0; k < shared.Length; k++) shared[k] = k >= 5 * 4 ? at[3, k - 20] : -1; // top row (j = 5) is the old interface row
        var res = s.RemeshRegion(0, block.R, block.Z, block.Conn, shared);
        var t = res.Solver;

        Assert.Equal(res.VolumeBefore, res.VolumeAfter, 1e-12 * res.VolumeBefore);
        Assert.Equal(0, res.OutsidePoints);
        Assert.Equal(60, res.RemappedPoints);
        Assert.Equal(2, res.DroppedContacts);
        var kept = Assert.Single(t.SurfaceContacts);
        Assert.Equal([res.NodeMap[at[4, 0]], res.NodeMap[at[3, 1]], res.NodeMap[at[4, 3]]], kept.Surface);
        Assert.Equal(res.NodeMap[at[6, 1]], kept.Node);
        Assert.Equal(9 + 15, t.Mesh.ElementCount);
        Assert.Equal(1, s.Stats.Remeshings);
        Assert.Same(s.Stats, t.Stats);
        for (int n = 0; n < t.Mesh.NodeCount; n++)
        {   // every node (kept or new) satisfies x = X + u(X) of the affine motion
            Assert.Equal(Ur(t.Mesh.R[n], t.Mesh.Z[n]), t.U[AxiSolid.DofR(n)], 1e-12);
            Assert.Equal(Uz(t.Mesh.R[n], t.Mesh.Z[n]), t.U[AxiSolid.DofZ(n)], 1e-12);
        }
        for (int e = 0; e < t.Mesh.ElementCount; e++)
            for (int gp = 0; gp < 4; gp++) { var (r, z) = GaussPoint(t, e, gp); AssertState(LinearState(r, z), t.State[4 * e + gp], 1e-10); }
        // region 1 untouched (same states in the same order); interface nodes are the old ones
        var after = Enumerable.Range(0, t.Mesh.ElementCount).Where(e => t.Mesh.Region[e] == 1).SelectMany(e => t.State.Skip(4 * e).Take(4)).ToArray();
        Assert.Equal(region1States, after);
        for (int i = 0; i <= 3; i++) Assert.Equal(res.NodeMap[at[3, i]], res.RegionNodeMap[20 + i]);
        Assert.Equal(-1, res.NodeMap[at[1, 1]]);
        Assert.Equal(2, t.Contacts.Count);
        Assert.Equal(res.NodeMap[at[3, 1]], t.Contacts[1].Inner);
        Assert.Equal(0.02, t.Contacts[1].SlipMm);
        Assert.Equal(2 * res.NodeMap[at[6, 2]] + 1, res.MapDof(AxiSolid.DofZ(at[6, 2])));
    }

    /// <summary>
    /// A non-affinely deformed (barrelled) region remeshed with twice the elements along every side, the new boundary through every old
    /// boundary vertex: the region's volume is unchanged to round-off (straight-edged elements tile the same polygon) and a linear state is
    /// still reproduced exactly (a linear field is bilinear in the natural coordinates of any bilinear element). With a boundary resampled at
    /// other arc-length fractions the outline's corners are cut: the volume change is then small but not zero.
    /// </summary>
    [Fact]
    public void RemeshKeepsTheVolumeWhenTheOutlineIsKept()
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(0, 1, 3), AxiMesh.Graded(0, 1, 3), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true };
        s.Materials[0] = new ElasticMaterial("a", 1000, 0.3);
        for (int n = 0; n < mesh.NodeCount; n++)
        {   // barrel: radial bulge ∝ z(1 − z), axial shortening
            s.U[AxiSolid.DofR(n)] = 0.4 * mesh.R[n] * mesh.Z[n] * (1 - mesh.Z[n]);
            s.U[AxiSolid.DofZ(n)] = -0.2 * mesh.Z[n] + 0.05 * mesh.R[n] * mesh.R[n] * mesh.Z[n];
        }
        for (int e = 0; e < mesh.ElementCount; e++)
            for (int gp = 0; gp < 4; gp++) { var (r, z) = GaussPoint(s, e, gp); s.State[4 * e + gp] = LinearState(r, z); }
        (double R, double Z)[] Side(IEnumerable<int> nodes)
        {
            var p = nodes.Select(s.CurrentPosition).ToArray();
            var l = new List<(double, double)> { p[0] };
            for (int k = 1; k < p.Length; k++) { l.Add((0.5 * (p[k - 1].R + p[k].R), 0.5 * (p[k - 1].Z + p[k].Z))); l.Add(p[k]); }
            return [.. l];
        }
        var bottom = Side(Enumerable.Range(0, 4).Select(i => at[0, i])); var top = Side(Enumerable.Range(0, 4).Select(i => at[3, i]));
        var left = Side(Enumerable.Range(0, 4).Select(j => at[j, 0])); var right = Side(Enumerable.Range(0, 4).Select(j => at[j, 3]));
        var block = AxiMesh.Transfinite(bottom, right, top, left, 0, 20);
        var res = s.RemeshRegion(0, block.R, block.Z, block.Conn, [.. Enumerable.Repeat(-1, block.NodeCount)]);
        Assert.Equal(res.VolumeBefore, res.VolumeAfter, 1e-12 * res.VolumeBefore);
        Assert.Equal(36, res.Solver.Mesh.ElementCount);
        for (int e = 0; e < res.Solver.Mesh.ElementCount; e++)
            for (int gp = 0; gp < 4; gp++) { var (r, z) = GaussPoint(res.Solver, e, gp); AssertState(LinearState(r, z), res.Solver.State[4 * e + gp], 1e-10); }
        Assert.Equal(0, res.OutsidePoints);

        // resampled outline (5 × 4 elements at uniform arc-length fractions): corners of the old polyline are cut
        var poly = s.RegionBoundaryLoop(0, 0, 0).Select(s.CurrentPosition).ToArray();
        Assert.Equal(12, poly.Length);
        Assert.Equal((0.0, 0.0), poly[0]);
        var rightOld = Enumerable.Range(0, 4).Select(j => s.CurrentPosition(at[j, 3])).ToArray();
        var topOld = Enumerable.Range(0, 4).Select(i => s.CurrentPosition(at[3, i])).ToArray();
        var leftOld = Enumerable.Range(0, 4).Select(j => s.CurrentPosition(at[j, 0])).ToArray();
        var bottomOld = Enumerable.Range(0, 4).Select(i => s.CurrentPosition(at[0, i])).ToArray();
        var b2 = AxiMesh.Transfinite(AxiMesh.Resample(bottomOld, Fractions(5, 1)), AxiMesh.Resample(rightOld, Fractions(4, 1)),
            AxiMesh.Resample(topOld, Fractions(5, 1)), AxiMesh.Resample(leftOld, Fractions(4, 1)), 0, 20);
        var res2 = s.RemeshRegion(0, b2.R, b2.Z, b2.Conn, [.. Enumerable.Repeat(-1, b2.NodeCount)]);
        // the volume is that of the new outline polygon, ∫ r dA = Σ (r_i z_i+1 − r_i+1 z_i)(r_i + r_i+1)/6, old and new alike
        Assert.Equal(PolygonMoment(poly), res2.VolumeBefore, 1e-12);
        var polyNew = res2.Solver.RegionBoundaryLoop(0, 0, 0).Select(res2.Solver.CurrentPosition).ToArray();
        Assert.Equal(18, polyNew.Length);
        Assert.Equal(PolygonMoment(polyNew), res2.VolumeAfter, 1e-12);
        Assert.InRange(Math.Abs(res2.RelativeVolumeChange), 1e-4, 2e-2); // 3 elements along a strongly barrelled side: corners of ≈ 15° cut
    }

    static double PolygonMoment((double R, double Z)[] p)
    {
        double m = 0;
        for (int i = 0; i < p.Length; i++)
        {
            var (r0, z0) = p[i]; var (r1, z1) = p[(i + 1) % p.Length];
            m += (r0 * z1 - r1 * z0) * (r0 + r1);
        }
        return m / 6;
    }

    /// <summary>
    /// The J2 cylinder halving (E/σy = 10⁴, frictionless platens) in five load steps with a topology-changing remesh between them, the mesh
    /// alternating 2 × 2 → 3 × 2 → 2 × 3 → 3 × 3 → 2 × 2 elements (built by TFI on the current outline, boundary conditions re-found by position):
    /// still r = √2 R0 (elastically corrected), Cauchy σ_zz = −σy, ε̄p = ln 2 − σy/E and F = σy π r², as without remeshing.
    /// </summary>
    [Fact]
    public void CylinderHalvingWithRemeshingKeepsTheClosedForm()
    {
        const double sy = 10, e = 1e5, nu = 0.3;
        var (mesh, _) = AxiMesh.Block(AxiMesh.Graded(0, 1, 2), AxiMesh.Graded(0, 1, 2), (_, _) => 0);
        var s = new AxiSolid(mesh, 1) { LargeDeformation = true };
        s.Materials[0] = new J2PlasticMaterial("m", e, nu, sy, 0);
        (int Nr, int Nz)[] meshes = [(3, 2), (2, 3), (3, 3), (2, 2)];
        List<int> top = [];
        for (int k = 0; k < 5; k++)
        {
            if (k > 0)
            {
                double rOut = Enumerable.Range(0, s.Mesh.NodeCount).Max(n => s.CurrentPosition(n).R);
                double zTop = Enumerable.Range(0, s.Mesh.NodeCount).Max(n => s.CurrentPosition(n).Z);
                var (nr, nz) = meshes[k - 1];
                double[] fr = Fractions(nr, 1), fz = Fractions(nz, 1);
                var block = AxiMesh.Transfinite(Line((0, 0), (rOut, 0), fr), Line((rOut, 0), (rOut, zTop), fz), Line((0, zTop), (rOut, zTop), fr), Line((0, 0), (0, zTop), fz), 0, 5);
                var res = s.RemeshRegion(0, block.R, block.Z, block.Conn, [.. Enumerable.Repeat(-1, block.NodeCount)]);
                Assert.Equal(res.VolumeBefore, res.VolumeAfter, 1e-6 * res.VolumeBefore); // the outline is straight to the Newton tolerance only
                s = res.Solver;
            }
            double zMax = Enumerable.Range(0, s.Mesh.NodeCount).Max(n => s.CurrentPosition(n).Z);
            var bc = new List<Prescribed>(); top = [];
            int step = k;
            for (int n = 0; n < s.Mesh.NodeCount; n++)
            {
                var (r, z) = s.CurrentPosition(n);
                if (Math.Abs(r) < 1e-9) bc.Add(new(AxiSolid.DofR(n), _ => 0));
                if (Math.Abs(z) < 1e-9) bc.Add(new(AxiSolid.DofZ(n), _ => 0));
                if (Math.Abs(z - zMax) < 1e-9) { bc.Add(new(AxiSolid.DofZ(n), t => -0.5 * (step + t) / 5)); top.Add(AxiSolid.DofZ(n)); }
            }
            s.Run(new LoadStep { Name = $"compress {k}", Prescribed = bc, InitialIncrement = 0.1, MaxIncrement = 0.1 });
        }
        Assert.Equal(4, s.Stats.Remeshings);
        Assert.Equal(4, s.Mesh.ElementCount); // ends on 2 × 2
        double rExpected = Math.Sqrt(2 * (1 - (1 - 2 * nu) * sy / e));
        for (int n = 0; n < s.Mesh.NodeCount; n++)
        {
            var (r, _) = s.CurrentPosition(n);
            if (r > 1.2) Assert.Equal(rExpected, r, 2e-3);
        }
        foreach (var st in s.State)
        {
            Assert.Equal(-sy, st.S1, 1e-3 * sy);
            Assert.Equal(0, st.S0, 1e-3 * sy);
            Assert.Equal(Math.Log(2) - sy / e, st.Eqps, 2e-3);
        }
        Assert.Equal(-sy * Math.PI * rExpected * rExpected, s.Reaction(top), 5e-3 * sy * Math.PI * 2);
    }
}

public class LiRemeshConfigTests
{
    [Fact]
    public void LiRemeshKeyIsValidated()
    {
        Assert.Equal("li_remesh_quality", CellFeConfig.KeyOf(nameof(CellFeConfig.LiRemeshQuality)));
        Assert.Throws<InputException>(() => new CellFeConfig { LiRemeshQuality = 1 }.Validate());
        Assert.Throws<InputException>(() => new CellFeConfig { LiRemeshQuality = -0.1 }.Validate());
        var ex = Assert.Throws<InputException>(() => new CellFeConfig { LargeDeformation = true, LiRemeshQuality = 0.2, LiRimSlidingMm = 0.15 }.Validate());
        Assert.Contains("li_remesh_quality", ex.Message);
        new CellFeConfig { LargeDeformation = true, LiRemeshQuality = 0.2 }.Validate();
        Assert.Equal("li_rod_side_contact", CellFeConfig.KeyOf(nameof(CellFeConfig.LiRodSideContact)));
        var side = Assert.Throws<InputException>(() => new CellFeConfig { LiRodSideContact = "node" }.Validate());
        Assert.Contains("li_rod_side_contact", side.Message);
        new CellFeConfig { LargeDeformation = true, LiRemeshQuality = 0.2, LiRodSideContact = "corner" }.Validate();
    }
}
