using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>Node-to-surface contact with large sliding (<see cref="SurfaceContact"/>) against closed forms.</summary>
public class SurfaceContactTests
{
    /// <summary>
    /// An elastic disk (4 elements across) pressed by p onto a (nearly rigid: E × 10⁴, so that its top stays flat) base whose top surface has other node positions (6 elements over a wider
    /// radius), frictionless: the disk carries the uniaxial Cauchy stress σ_zz = −p, σ_rr = 0, and the contact forces add up to the base's reaction.
    /// </summary>
    [Fact]
    public void DiskOnAMisalignedSurfaceCarriesUniaxialStress()
    {
        const double p = 5;
        var (baseM, bAt) = AxiMesh.Block(AxiMesh.Graded(0, 1.2, 6), [-0.5, -0.25, 0], (_, _) => 1);
        var (disk, dAt) = AxiMesh.Block(AxiMesh.Graded(0, 1, 4), [0, 0.25, 0.5], (_, _) => 0);
        var (mesh, off) = AxiMesh.Concat(baseM, disk);
        int B(int j, int i) => bAt[j, i] + off[0]; int D(int j, int i) => dAt[j, i] + off[1];
        var s = new AxiSolid(mesh, 2) { LargeDeformation = true, ContactPenaltyMPaPerMm = 1e7 };
        s.Materials[0] = new ElasticMaterial("disk", 1000, 0.3); s.Materials[1] = new ElasticMaterial("base", 1e7, 0.3);
        int[] surface = [.. Enumerable.Range(0, 7).Select(i => B(2, i))]; // increasing r: the base lies to the right (below)
        for (int i = 0; i <= 4; i++)
        {
            double ra = i > 0 ? 0.125 * (2 * i - 1) : 0, rb = i < 4 ? 0.125 * (2 * i + 1) : 1;
            s.SurfaceContacts.Add(new SurfaceContact(D(0, i), surface, 0.5 * (rb * rb - ra * ra)));
        }
        var bc = new List<Prescribed>();
        for (int j = 0; j <= 2; j++) { bc.Add(new(AxiSolid.DofR(B(j, 0)), _ => 0)); bc.Add(new(AxiSolid.DofR(D(j, 0)), _ => 0)); }
        for (int i = 0; i <= 6; i++) bc.Add(new(AxiSolid.DofZ(B(0, i)), _ => 0));
        var top = Enumerable.Range(0, 4).Select(i => new EdgePressure(D(2, 4 - i), D(2, 3 - i), t => p * t)).ToList();
        s.Run(new LoadStep { Name = "press", Prescribed = bc, Pressures = top, InitialIncrement = 0.25, MaxIncrement = 0.25 });
        for (int e = 0; e < mesh.ElementCount; e++)
        {
            if (mesh.Region[e] != 0) continue;
            for (int gp = 0; gp < 4; gp++)
            {
                var st = s.State[4 * e + gp];
                Assert.Equal(-p, st.S1, 2e-3 * p);
                Assert.Equal(0, st.S0, 2e-3 * p);
                Assert.Equal(0, st.S3, 2e-3 * p);
            }
        }
        double contact = s.SurfaceContacts.Sum(c => c.NormalForcePerRadN);
        Assert.All(s.SurfaceContacts, c => Assert.True(c.NormalForcePerRadN > 0));
        double reaction = s.Reaction(Enumerable.Range(0, 7).Select(i => AxiSolid.DofZ(B(0, i))));
        Assert.Equal(reaction / (2 * Math.PI), contact, 1e-8 * contact);
        double rDisk = 1 + s.U[AxiSolid.DofR(D(0, 4))];
        Assert.Equal(p * Math.PI * rDisk * rDisk, reaction, 3e-3 * reaction);
    }

    /// <summary>
    /// A disk that expands (isotropic eigenstrain ε) inside a stiff ring is confined radially: σ_rr = σ_θθ = −E ε/(1 − ν), σ_zz = 0. It is then
    /// pushed 0.55 mm down the ring (5½ ring-node spacings: node-to-node pairs could not follow) without friction: the confining stress must not
    /// change, and every wall node stays on the ring's surface.
    /// </summary>
    [Fact]
    public void ConfinedDiskSlidesAlongTheWallWithTheSamePressure()
    {
        const double eps = 0.01, e = 1000, nu = 0.3;
        var (disk, dAt) = AxiMesh.Block(AxiMesh.Graded(0, 1, 4), AxiMesh.Graded(0, 1, 4), (_, _) => 0);
        var (ring, rAt) = AxiMesh.Block(AxiMesh.Graded(1, 1.3, 2), AxiMesh.Graded(-1, 1.2, 22), (_, _) => 1);
        var (mesh, off) = AxiMesh.Concat(disk, ring);
        int D(int j, int i) => dAt[j, i] + off[0]; int Rn(int j, int i) => rAt[j, i] + off[1];
        var s = new AxiSolid(mesh, 2) { LargeDeformation = true, ContactPenaltyMPaPerMm = 1e7 };
        s.Materials[0] = new ElasticMaterial("disk", e, nu); s.Materials[1] = new ElasticMaterial("ring", 1e7, 0.3);
        int[] wall = [.. Enumerable.Range(0, 23).Select(j => Rn(j, 0))]; // bottom to top: the ring lies to the right (outside)
        for (int j = 0; j <= 4; j++) s.SurfaceContacts.Add(new SurfaceContact(D(j, 4), wall, 1.0 * (j is 0 or 4 ? 0.125 : 0.25)));
        var bc = new List<Prescribed>();
        for (int j = 0; j <= 4; j++) bc.Add(new(AxiSolid.DofR(D(j, 0)), _ => 0));
        for (int i = 0; i <= 2; i++) bc.Add(new(AxiSolid.DofZ(Rn(0, i)), _ => 0));
        var hold = new List<Prescribed>(bc); var slide = new List<Prescribed>(bc);
        for (int i = 0; i <= 4; i++) { hold.Add(new(AxiSolid.DofZ(D(0, i)), _ => 0)); slide.Add(new(AxiSolid.DofZ(D(0, i)), t => -0.55 * t)); }
        double[] Eig(int el, double tau) => mesh.Region[el] == 0 ? [eps * tau, eps * tau, eps * tau, 0] : [0, 0, 0, 0];
        double pExpected = e * eps / (1 - nu);
        void CheckConfined()
        {
            for (int el = 0; el < mesh.ElementCount; el++)
            {
                if (mesh.Region[el] != 0) continue;
                for (int gp = 0; gp < 4; gp++)
                {
                    var st = s.State[4 * el + gp];
                    Assert.Equal(-pExpected, st.S0, 5e-3 * pExpected);
                    Assert.Equal(-pExpected, st.S2, 5e-3 * pExpected);
                    Assert.Equal(0, st.S1, 5e-3 * pExpected);
                }
            }
            foreach (var c in s.SurfaceContacts) { Assert.True(c.Segment >= 0); Assert.InRange(c.GapMm, -1e-5, 0); }
        }
        s.Run(new LoadStep { Name = "expand", Prescribed = hold, Eigenstrain = Eig, InitialIncrement = 0.25, MaxIncrement = 0.25 });
        CheckConfined();
        s.Run(new LoadStep { Name = "slide", Prescribed = slide, Eigenstrain = (el, _) => Eig(el, 1), InitialIncrement = 0.1, MaxIncrement = 0.1 });
        CheckConfined();
        Assert.Equal(4, s.SurfaceContacts[0].Segment); // the bottom wall node, now at z = −0.55, lies on the segment between the ring nodes at −0.6 and −0.5
        Assert.Equal(-0.55, s.U[AxiSolid.DofZ(D(0, 4))], 1e-12);
    }
}
