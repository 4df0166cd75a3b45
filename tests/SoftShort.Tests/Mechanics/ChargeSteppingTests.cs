using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// Load stepping of the UL charge (docs/fe.md, seventh session): the increment grows by 1.5 after increments that converge within
/// <see cref="AxiSolid.GrowthIterations"/>, is halved after more than <see cref="AxiSolid.ShrinkIterations"/>, and a step interrupted for a
/// remesh (<see cref="CellFeModel.RunInSubSteps"/>) goes on with the increment it had reached instead of restarting small. On a linear elastic
/// block every increment converges in one Newton iteration, so the increments are known in closed form.
/// </summary>
public class ChargeSteppingTests
{
    const double P = 2.0, E = 1000, Nu = 0.3;

    // a block on rollers at its base and on the axis, pressed on its top (p(τ) as given)
    sealed record Cube(AxiSolid S, List<Prescribed> Bc, int[,] At)
    {
        public List<EdgePressure> Top(Func<double, double> p) => [new(At[2, 2], At[2, 1], p), new(At[2, 1], At[2, 0], p)];
    }

    static Cube Block()
    {
        var (mesh, at) = AxiMesh.Block([0, 0.5, 1], [0, 0.5, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1);
        s.Materials[0] = new ElasticMaterial("m", E, Nu);
        var bc = new List<Prescribed>();
        for (int i = 0; i <= 2; i++) bc.Add(new(AxiSolid.DofZ(at[0, i]), _ => 0));
        for (int j = 0; j <= 2; j++) bc.Add(new(AxiSolid.DofR(at[j, 0]), _ => 0));
        return new Cube(s, bc, at);
    }

    /// <summary>Closed-form increments: Δτ_k = min(max, Δτ₀ · 1.5ᵏ) while growing, the last one clipped to reach τ = 1.</summary>
    static List<double> Expected(double d0, double max)
    {
        var list = new List<double>(); double tau = 0, d = d0;
        while (tau < 1 - 1e-12) { d = Math.Min(d, 1 - tau); list.Add(d); tau += d; d = Math.Min(max, d * 1.5); }
        return list;
    }

    [Fact]
    public void IncrementsGrowAndTheNextOneIsAnnounced()
    {
        var b = Block();
        b.S.GrowthIterations = 15;
        var taus = new List<double> { 0 }; var announced = new List<double>();
        b.S.Run(new LoadStep
        {
            Name = "press", Prescribed = b.Bc, Pressures = b.Top(t => P * t), InitialIncrement = 0.01, MaxIncrement = 0.2,
            OnIncrement = (t, _) => { taus.Add(t); announced.Add(b.S.NextIncrement); },
        });
        var steps = taus.Zip(taus.Skip(1), (a, c) => c - a).ToList();
        var expected = Expected(0.01, 0.2);
        Assert.Equal(expected.Count, steps.Count);
        for (int k = 0; k < steps.Count; k++) Assert.Equal(expected[k], steps[k], 1e-12);
        // the increment announced after increment k is the one taken next (before the clip at τ = 1)
        for (int k = 0; k + 2 < steps.Count; k++) Assert.Equal(steps[k + 1], announced[k], 1e-12);
        Assert.True(steps.Count < 20, $"{steps.Count} increments"); // against 100 at a frozen 0.01
    }

    [Fact]
    public void IncrementsHalveAfterTooManyIterationsWithoutACutBack()
    {
        var b = Block();
        b.S.GrowthIterations = 0; b.S.ShrinkIterations = 0; // every converged increment (≥ 1 iteration) counts as slow
        var taus = new List<double> { 0 };
        Assert.Throws<OperationCanceledException>(() => b.S.Run(new LoadStep
        {
            Name = "press", Prescribed = b.Bc, Pressures = b.Top(t => P * t), InitialIncrement = 0.08, MaxIncrement = 0.2,
            OnIncrement = (t, _) => { taus.Add(t); if (taus.Count > 5) throw new OperationCanceledException(); },
        }));
        var steps = taus.Zip(taus.Skip(1), (a, c) => c - a).ToList();
        for (int k = 0; k < steps.Count; k++) Assert.Equal(0.08 * Math.Pow(0.5, k), steps[k], 1e-12);
        Assert.Equal(0, b.S.Stats.Cutbacks);
    }

    /// <summary>
    /// A step interrupted twice (as for a Li remesh) and continued in sub-steps whose loads are p(τ_b + (1 − τ_b)τ′): with the increment carried
    /// over, the absolute increments are those of the uninterrupted run (geometric growth from 0.01, capped at 0.2); without, each sub-step
    /// restarts at 0.01. Both reach the full load and the same (linear) solution.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnInterruptedStepCarriesItsIncrementOverTheRestart(bool carry)
    {
        var b = Block();
        b.S.GrowthIterations = 15;
        var taus = new List<double> { 0 }; var restarts = new List<double>();
        int[] interruptAt = [4, 7]; // after the 4th and 7th converged increment
        CellFeModel.RunInSubSteps(() => b.S, (tb, init) => new LoadStep
        {
            Name = "press", Prescribed = b.Bc, Pressures = b.Top(t => P * (tb + (1 - tb) * t)),
            InitialIncrement = double.IsNaN(init) ? Math.Min(1, 0.01 / (1 - tb)) : init, MaxIncrement = Math.Min(1, 0.2 / (1 - tb)),
            OnIncrement = (t, _) =>
            {
                taus.Add(tb + (1 - tb) * t);
                if (interruptAt.Contains(taus.Count - 1) && t < 1) throw new CellFeModel.RemeshRequest(t);
            },
        }, restarts.Add, carry);
        Assert.Equal(2, restarts.Count);
        Assert.Equal(taus[4], restarts[0], 1e-12); Assert.Equal(taus[7], restarts[1], 1e-12);
        Assert.Equal(1, taus[^1], 1e-12);
        var steps = taus.Zip(taus.Skip(1), (a, c) => c - a).ToList();
        if (carry)
        {
            var expected = Expected(0.01, 0.2);
            Assert.Equal(expected.Count, steps.Count);
            for (int k = 0; k < steps.Count; k++) Assert.Equal(expected[k], steps[k], 1e-12);
        }
        else
        {
            Assert.Equal(0.01, steps[4], 1e-12); Assert.Equal(0.01, steps[7], 1e-12); // restarted small
            Assert.True(steps.Count > Expected(0.01, 0.2).Count);
        }
        // the same linear solution as one uninterrupted run at the full load
        var r = Block();
        r.S.Run(new LoadStep { Name = "press", Prescribed = r.Bc, Pressures = r.Top(t => P * t), InitialIncrement = 1, MaxIncrement = 1 });
        for (int d = 0; d < r.S.U.Length; d++) Assert.Equal(r.S.U[d], b.S.U[d], 1e-10);
        Assert.True(r.S.U[AxiSolid.DofZ(r.At[2, 2])] < -1e-4); // it was loaded
    }
}

/// <summary>The Li foil profile of a remeshed run (Fig. 6G) from the deformed outlines (<see cref="CellFeModel.WallProfileFromOutlines"/>).</summary>
public class LiOutlineProfileTests
{
    const double Rb = 3.175;

    // a foil over the bore (r 0 … 3.2 mm, z 0 … 0.25 mm, i.e. 25 µm beyond the bore), counter-clockwise
    static readonly (double, double)[] Foil = [(0, 0), (3.2, 0), (3.2, 0.25), (0, 0.25)];
    // the same foil with a tongue down the rod–tube gap (r 3.175 … 3.23 mm, down to z = −0.5 mm) and a slanted top at the wall
    static readonly (double, double)[] FoilWithTongue = [(0, 0), (3.175, 0), (3.175, -0.5), (3.23, -0.5), (3.23, 0.15), (3.2, 0.25), (0, 0.25)];

    [Fact]
    public void OuterRadiusAtHeightFollowsTheOutline()
    {
        Assert.Equal(3.2, CellFeModel.OuterRadiusAtHeight(Foil, 0.1), 12);
        Assert.True(double.IsNaN(CellFeModel.OuterRadiusAtHeight(Foil, 0.3)));
        Assert.True(double.IsNaN(CellFeModel.OuterRadiusAtHeight(Foil, -0.1)));
        Assert.Equal(3.23, CellFeModel.OuterRadiusAtHeight(FoilWithTongue, -0.2), 12);
        Assert.Equal(3.23, CellFeModel.OuterRadiusAtHeight(FoilWithTongue, 0.1), 12);
        Assert.Equal(3.215, CellFeModel.OuterRadiusAtHeight(FoilWithTongue, 0.2), 12); // halfway up the slanted edge (3.23, 0.15) → (3.2, 0.25)
        // reversed orientation gives the same radius
        Assert.Equal(3.215, CellFeModel.OuterRadiusAtHeight([.. FoilWithTongue.Reverse()], 0.2), 12);
    }

    [Fact]
    public void WallProfileShowsTheTongueThatOnlyTheChargedFoilHas()
    {
        var rows = CellFeModel.WallProfileFromOutlines(Foil, FoilWithTongue, Rb, 0.005);
        Assert.Equal(150, rows.Count); // z −0.5 … 0.25 mm every 5 µm
        Assert.Equal(-0.5 + 0.0025, rows[0].ZMm, 12);
        foreach (var (z, us, uc) in rows)
        {
            if (z < 0) { Assert.True(double.IsNaN(us)); Assert.Equal(55, uc, 9); } // no Li there after stacking; the tongue's outer face after charge
            else
            {
                Assert.Equal(25, us, 9);
                Assert.Equal(z <= 0.15 ? 55 : 55 - (z - 0.15) / 0.1 * 30, uc, 9);
            }
        }
        Assert.Empty(CellFeModel.WallProfileFromOutlines([], FoilWithTongue, Rb, 0.005));
    }
}
