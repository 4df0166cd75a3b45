using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// The rod-edge contacts of the remeshed Li (<see cref="CellFeModel.AttachRodEdgeContacts"/>): Li pressed against the side of a steel rod must load
/// the rod along the contact, not at its corner node (the sixth-session fix of the UL charge start, docs/fe.md).
/// </summary>
public class RodSideContactTests
{
    /// <summary>
    /// An elastic Li sleeve (r 1 … 1.25 mm, z −0.95 … −0.05 mm, node rows not matching the rod's) pressed by p = 5 MPa onto the side of a steel rod
    /// (r ≤ 1 mm, z −1 … 0, corner at (1, 0)). A solid cylinder under a lateral pressure p has σ_rr = σ_θθ = −q away from the ends of the loaded
    /// band (Lamé, solid cylinder; q = the mean contact pressure, a little above p for a compliant sleeve on a stiff core); the rod's outer elements at
    /// mid-height must carry σ_rr = −q (5 %) when the contacts are node-to-surface on the rod side,
    /// and the contact forces must add up to the Li's inner-face load. With every node on the corner model (the fifth session's contacts) the whole
    /// load goes to the corner node and the mid-height side elements are nearly unloaded — the test asserts that too, so it tells the two apart.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LiPressedOnTheRodSideLoadsTheSideNotTheCorner(bool sideSurface)
    {
        const double p = 5, rho = 0.01;
        var (rod, rAt) = AxiMesh.Block(AxiMesh.Graded(0, 1, 4), AxiMesh.Graded(-1, 0, 8), (_, _) => 0);
        var (li, lAt) = AxiMesh.Block(AxiMesh.Graded(1, 1.25, 2), AxiMesh.Graded(-0.95, -0.05, 6), (_, _) => 1);
        var (mesh, off) = AxiMesh.Concat(rod, li);
        int R(int j, int i) => rAt[j, i] + off[0]; int L(int j, int i) => lAt[j, i] + off[1];
        var s = new AxiSolid(mesh, 2);
        s.Materials[0] = new ElasticMaterial("steel", 193e3, 0.29); s.Materials[1] = new ElasticMaterial("Li", 7820, 0.38);
        int corner = R(8, 4);
        int[] side = [.. Enumerable.Range(0, 9).Reverse().Select(j => R(j, 4))]; // corner first, downwards: the rod lies to the right (smaller r)
        int[] nodes = [.. Enumerable.Range(0, 7).Select(j => L(j, 0))];
        double[] areas = [.. Enumerable.Range(0, 7).Select(j => 1.0 * 0.15 * (j is 0 or 6 ? 0.5 : 1))];
        int surface = CellFeModel.AttachRodEdgeContacts(s, nodes, areas, corner, side, rho, sideSurface);
        Assert.Equal(sideSurface ? 7 : 0, surface);
        Assert.Equal(sideSurface ? 0 : 7, s.CornerContacts.Count);
        var bc = new List<Prescribed>();
        for (int j = 0; j <= 8; j++) bc.Add(new(AxiSolid.DofR(R(j, 0)), _ => 0));
        for (int i = 0; i <= 4; i++) bc.Add(new(AxiSolid.DofZ(R(0, i)), _ => 0));
        for (int i = 0; i <= 2; i++) bc.Add(new(AxiSolid.DofZ(L(0, i)), _ => 0));
        var outer = Enumerable.Range(0, 6).Select(j => new EdgePressure(L(j, 2), L(j + 1, 2), t => p * t)).ToList(); // counter-clockwise: upwards on the right
        s.Run(new LoadStep { Name = "press", Prescribed = bc, Pressures = outer, InitialIncrement = 0.5, MaxIncrement = 0.5 });

        // the Li's inner face carries the load: the contact forces equal the integral of −σ_rr r over the sleeve's inner face (per radian)
        double contact = sideSurface ? s.SurfaceContacts.Sum(c => c.NormalForcePerRadN) : s.CornerContacts.Sum(c => c.NormalForcePerRadN);
        Assert.True(contact > 0.5 * p * 1.0 * 0.9, $"contact force {contact:G4} N/rad");
        // mean σ_rr of the rod's outer column at mid-height (elements with centroid z in [−0.75, −0.25])
        double srr = 0; int n = 0;
        for (int e = 0; e < mesh.ElementCount; e++)
        {
            if (mesh.Region[e] != 0) continue;
            var (rc, zc) = s.Centroid(e);
            if (rc < 0.75 || zc < -0.75 || zc > -0.25) continue;
            srr += s.ElementMean(e, st => st.S0); n++;
        }
        srr /= n;
        Assert.Equal(4, n);
        double q = contact / (1.0 * 0.9); // mean contact pressure on the rod side (per radian: force / (r × length))
        Assert.InRange(q, p, 1.2 * p); // a compliant sleeve on a stiff core: the interface pressure is a little above p (Lamé)
        if (sideSurface) Assert.Equal(-q, srr, 0.05 * q);
        else Assert.True(srr > -0.5 * q, $"corner model: σ_rr = {srr:G4} MPa at mid-height (expected nearly unloaded)");
    }
}
