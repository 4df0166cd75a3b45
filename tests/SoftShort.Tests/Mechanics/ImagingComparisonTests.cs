using SoftShort.IO;
using SoftShort.Mechanics;
using SoftShort.Synthetic;

namespace SoftShort.Tests.Mechanics;

/// <summary>The measuring half of <see cref="ImagingComparison"/> against the planted truth of the bundled (synthetic) samples.</summary>
public class ImagingComparisonTests
{
    [Fact]
    public void RadiographOutlineRecoversThePlantedBulge()
    {
        var m = ImagingComparison.MeasureRadiograph(Path.Combine(DataSamples.Locate(), "radiography"));
        var cell = new CellGeometry();
        // the Li foil has the nominal bore radius (edge found within ≈ 1 px: 25 µm pixels, 25 µm blur); the pressed SE fills the bulged
        // bore (planted 120 µm), so the pellet is wider than the foil by the bulge; the weakly absorbing rods' edge is found inside the bore
        Assert.InRange(m.LiRadiusUm, cell.BoreRadiusUm - 40, cell.BoreRadiusUm + 25);
        Assert.InRange(m.SeWideningUm, cell.BulgeRadialUm - 25, cell.BulgeRadialUm + 25);
        Assert.True(m.RodRadiusUm < cell.BoreRadiusUm + 25, $"rod {m.RodRadiusUm}");
        Assert.Equal(m.RowZUm.Length, m.RowRadiusUm.Length);
        // the row-by-row outline (3 rows each, Fig. 6B's profile) finds the core in every row, the dim rods included: within 10 %
        // of the bore radius (a free edge search in 3 rows took noise slopes inside the core for edges: radii of 55–2900 µm)
        Assert.All(m.RowRadiusUm, r => Assert.InRange(r, 0.9 * cell.BoreRadiusUm, 1.1 * cell.BoreRadiusUm));
    }

    [Fact]
    public void NeutronCtFoilShowsThePlantedThinningAndCreep()
    {
        string dir = Path.Combine(DataSamples.Locate(), "neutron-ct");
        var ct = ImagingComparison.MeasureCt(dir, angleStride: 4);
        var truth = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        double thinning = truth.GetProperty("li_thinning_um").GetDouble();
        // the foil is 250 µm = 2.5 voxels: on the axis the after scan has ≈ one voxel less Li (planted 110 µm)
        Assert.InRange(ct.ThicknessBeforeUm[0] - ct.ThicknessAfterUm[0], thinning - 60, thinning + 60);
        Assert.InRange(ct.ThicknessBeforeUm[0], 150, 350);
        // Li crept into a pocket of the PTFE wall beyond the bore: more Li outside r_b after
        Assert.True(ct.BeyondBoreChangeMm3 > 0.05, $"beyond-bore change {ct.BeyondBoreChangeMm3} mm³");
    }
}
