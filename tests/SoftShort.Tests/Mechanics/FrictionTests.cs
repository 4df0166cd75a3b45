using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// Coulomb friction on the penalty contact (<see cref="AxiSolid.FrictionCoefficient"/>): a disc press-fitted (1 µm interference)
/// into a fixed ring and pushed along the axis — the axisymmetric "block sliding on a plane".
/// </summary>
public class FrictionTests
{
    static (AxiSolid S, List<int> DiscZ) PressFit(double mu, double slideMm)
    {
        double[] zs = AxiMesh.Graded(0, 0.5, 2);
        var (disc, dAt) = AxiMesh.Block(AxiMesh.Graded(0, 1, 2), zs, (_, _) => 0);
        var (ring, rAt) = AxiMesh.Block(AxiMesh.Graded(1, 1.5, 2), zs, (_, _) => 1);
        var (mesh, off) = AxiMesh.Concat(disc, ring);
        var s = new AxiSolid(mesh, 2) { FrictionCoefficient = mu };
        s.Materials[0] = new ElasticMaterial("disc", 1000, 0.3);
        s.Materials[1] = new ElasticMaterial("ring", 1000, 0.3);
        for (int j = 0; j <= 2; j++)
        {
            double trib = 0.5 * ((j > 0 ? zs[j] - zs[j - 1] : 0) + (j < 2 ? zs[j + 1] - zs[j] : 0));
            s.Contacts.Add(new ContactPair(dAt[j, 2] + off[0], rAt[j, 0] + off[1], 1.0 * trib) { InitialGapMm = -0.001 });
        }
        var fixedRing = new List<Prescribed>();
        for (int n = off[1]; n < mesh.NodeCount; n++) { fixedRing.Add(new(AxiSolid.DofR(n), _ => 0)); fixedRing.Add(new(AxiSolid.DofZ(n), _ => 0)); }
        var discZ = Enumerable.Range(0, off[1]).Select(AxiSolid.DofZ).ToList();
        var axis = Enumerable.Range(0, 3).Select(j => new Prescribed(AxiSolid.DofR(dAt[j, 0]), _ => 0)).ToList();
        s.Run(new LoadStep { Name = "fit", Prescribed = [.. fixedRing, .. axis, .. discZ.Select(d => new Prescribed(d, _ => 0))], InitialIncrement = 1 });
        s.Run(new LoadStep { Name = "slide", Prescribed = [.. fixedRing, .. axis, .. discZ.Select(d => new Prescribed(d, t => slideMm * t))], InitialIncrement = 0.1, MaxIncrement = 0.1 });
        return (s, discZ);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.8)]
    public void SlidingForceIsMuTimesNormalForce(double mu)
    {
        var (s, discZ) = PressFit(mu, 0.05);
        double fn = s.Contacts.Sum(c => c.NormalForcePerRadN), ft = s.Contacts.Sum(c => c.TangentialForcePerRadN);
        Assert.True(fn > 0, $"normal force {fn}");
        Assert.All(s.Contacts, c => Assert.True(c.Sliding));
        Assert.Equal(-mu * fn, ft, 1e-9 * fn);                          // resists the upward push of the disc (outer − inner < 0)
        Assert.Equal(mu * fn * 2 * Math.PI, s.Reaction(discZ), 1e-6 * fn); // what pushes the disc: μ N over the ring
        Assert.All(s.Contacts, c => Assert.InRange(-c.SlipMm, 0.049, 0.05)); // nearly all of the 0.05 mm is slip
    }

    [Fact]
    public void SmallTangentialMotionSticks()
    {
        var (s, _) = PressFit(0.3, 1e-7);
        foreach (var c in s.Contacts)
        {
            Assert.False(c.Sliding);
            Assert.Equal(0, c.SlipMm);
            Assert.Equal(-1e5 * c.AreaPerRadMm2 * 1e-7, c.TangentialForcePerRadN, 1e-12); // elastic stick: k_t · s
        }
    }

    [Fact]
    public void FrictionlessContactTransmitsNoShear()
    {
        var (s, discZ) = PressFit(0, 0.05);
        Assert.All(s.Contacts, c => Assert.Equal(0, c.TangentialForcePerRadN));
        Assert.Equal(0, s.Reaction(discZ), 1e-9);
    }
}
