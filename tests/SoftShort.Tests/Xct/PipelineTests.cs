using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using SoftShort.Xct;

namespace SoftShort.Tests.Xct;

public class PipelineTests
{
    static (XctPhantomTruth Truth, Volume3D<byte> Volume) Make(XctPhantomOptions o)
    {
        var ph = new XctCellPhantom(o);
        var v = new Volume3D<byte>(o.Depth, o.Width, o.Width) { SpacingZUm = o.VoxelUm, SpacingYUm = o.VoxelUm, SpacingXUm = o.VoxelUm };
        var truth = ph.Generate((z, s) => s.CopyTo(v.Slice(z)));
        return (truth, v);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Recovers_planted_interfaces_fractions_and_filament_reach(int seed)
    {
        // coarser voxels than the sample (fast), different seeds, noise σ and ring pattern: the analysis assumes none of them
        var o = new XctPhantomOptions { Seed = seed, VoxelUm = 20, NoiseSigma = 5 + seed % 3, Specks = 60 };
        var (truth, v) = Make(o);
        var r = XctPipeline.Run(VolumeIO.FromMemory(v), new XctOptions());

        Assert.InRange(r.Interfaces.CathodeZ, truth.CathodeInterfaceZ - 0.5, truth.CathodeInterfaceZ + 0.5);
        Assert.InRange(r.Interfaces.AnodeZ, truth.AnodeInterfaceZ - 0.5, truth.AnodeInterfaceZ + 0.5);
        Assert.InRange(r.Mask.BoreRadiusVoxels, truth.BoreRadiusVoxels - 0.5, truth.BoreRadiusVoxels + 0.5);
        for (int k = 0; k < o.Layers; k++)
            Assert.True(Math.Abs(r.Fractions.FractionAll[k] - truth.LayerFractionAll[k]) < 0.005,
                $"seed {seed} layer {k + 1}: measured {100 * r.Fractions.FractionAll[k]:F2} %, planted {100 * truth.LayerFractionAll[k]:F2} %");
        // the planted fractions rise towards the anode like Fig. 3J, and so do the measured ones
        Assert.True(r.Fractions.FractionAll[^1] > r.Fractions.FractionAll[0] + 0.1);
        // one anode-connected network (all filaments grow from the Li), reaching as deep as the longest planted filament
        Assert.Equal(1, r.Regions.Count(g => g.TouchesAnode));
        // the tip (radius 16 µm < one 20 µm voxel) fades below the threshold over its last few voxels
        Assert.InRange(r.ConnectedReachUm, truth.FilamentReachUm - 4 * o.VoxelUm, truth.FilamentReachUm + 1 * o.VoxelUm);
        Assert.InRange(r.ConnectedVolumeUm3, 0.85 * truth.ConnectedVolumeUm3, 1.15 * truth.ConnectedVolumeUm3);
        Assert.InRange(r.IsolatedLargeVolumeUm3, 0.9 * truth.IsolatedLargeVolumeUm3, 1.1 * truth.IsolatedLargeVolumeUm3);

        // the longest filament is the planted root 0: its root where it was planted, its length, root and tip widths
        var f = r.LongestFilament;
        Assert.NotNull(f);
        string info = $"seed {seed}: length {f.LengthUm:F0} (planted {truth.LongestFilamentReachUm:F0}) µm, root ({f.RootCentreX:F1}, {f.RootCentreY:F1}) " +
            $"(planted ({truth.LongestFilamentRootXVoxels:F1}, {truth.LongestFilamentRootYVoxels:F1})), root Ø {f.RootDiameterUm:F0} (planted {truth.LongestFilamentRootDiameterUm:F0}) µm, " +
            $"tip Ø {f.TipDiameterUm:F0} (planted {truth.LongestFilamentTipDiameterUm:F0}) µm";
        // its axis point on the interface lies inside the planted root disc
        double rootR = truth.LongestFilamentRootDiameterUm / 2 / o.VoxelUm;
        Assert.True(Math.Sqrt(Math.Pow(f.RootCentreX - truth.LongestFilamentRootXVoxels, 2) + Math.Pow(f.RootCentreY - truth.LongestFilamentRootYVoxels, 2)) < rootR, info);
        Assert.True(f.LengthUm >= truth.LongestFilamentReachUm - 4 * o.VoxelUm && f.LengthUm <= truth.LongestFilamentReachUm + o.VoxelUm, info);
        Assert.Equal(f.LengthUm / r.SeThicknessUm, f.LengthFraction, 12);
        // root: next to the Li the planted roots and their side branches touch (the "web"), which can widen the inscribed disc
        // by up to ~3 voxels; never narrower than the planted root by more than a voxel
        Assert.True(f.RootDiameterUm >= truth.LongestFilamentRootDiameterUm - o.VoxelUm && f.RootDiameterUm <= truth.LongestFilamentRootDiameterUm + 3 * o.VoxelUm, info);
        Assert.True(Math.Abs(f.TipDiameterUm - truth.LongestFilamentTipDiameterUm) <= o.VoxelUm, info);
        Assert.True(f.TipDiameterUm < f.RootDiameterUm, info);
        Assert.True(r.Filaments.Zip(r.Filaments.Skip(1), (a, b) => a.LengthUm >= b.LengthUm).All(x => x));
        Assert.All(r.Filaments, g => Assert.True(r.Regions[(int)g.NetworkLabel - 1].TouchesAnode));
    }

    [Fact]
    public void Run_measures_equal_label_volume_measures()
    {
        var rng = new Random(8);
        int d = 30, h = 21, w = 90;
        var fg = new Volume3D<byte>(d, h, w);
        var mask = new byte[h * w];
        for (int i = 0; i < mask.Length; i++) mask[i] = (byte)(i % w > 3 ? 1 : 0);
        for (int z = 0; z < d; z++) for (int i = 0; i < h * w; i++) fg.Slice(z)[i] = (byte)(mask[i] != 0 && rng.NextDouble() < 0.35 ? 1 : 0);
        var itf = new CellInterfaces(CathodeZ: 27.3, AnodeZ: 4.6); // anode at low z
        var sp = new VolumeSpacing(2, 1, 0.5);
        var o = new XctOptions { MinRegionVolumeUm3 = 3, Layers = 4 };
        var lab = ConnectedComponents.Label(fg, Connectivity.TwentySix);
        var (r1, f1, reach1) = XctPipeline.Measure(lab.Labels, lab.Count, itf, mask, sp, o);
        var runs = ConnectedComponents.LabelRuns(fg, Connectivity.TwentySix, maxDegreeOfParallelism: 3);
        var (r2, f2, reach2, anode) = XctPipeline.MeasureRuns(runs, itf, mask, sp, o);
        Assert.Equal(lab.Count, runs.Count);
        Assert.Equal(r1.Count, r2.Count);
        for (int i = 0; i < r1.Count; i++)
        {
            var (a, b) = (r1[i], r2[i]);
            Assert.Equal((a.Label, a.Voxels, a.MinZ, a.MaxZ, a.MinY, a.MaxY, a.MinX, a.MaxX, a.TouchesAnode, a.PassesSizeFilter),
                         (b.Label, b.Voxels, b.MinZ, b.MaxZ, b.MinY, b.MaxY, b.MinX, b.MaxX, b.TouchesAnode, b.PassesSizeFilter));
            Assert.Equal(a.CentroidZ, b.CentroidZ, 9); Assert.Equal(a.CentroidY, b.CentroidY, 9); Assert.Equal(a.CentroidX, b.CentroidX, 9);
            Assert.Equal(a.TouchesAnode, anode[a.Label]);
        }
        Assert.Equal(f1.Voxels, f2.Voxels); Assert.Equal(f1.LowAll, f2.LowAll); Assert.Equal(f1.LowLarge, f2.LowLarge);
        Assert.Equal(f1.AnodeConnected, f2.AnodeConnected); Assert.Equal(f1.IsolatedLarge, f2.IsolatedLarge);
        Assert.Equal(reach1, reach2, 12);
    }

    [Fact]
    public void Filament_length_and_widths_of_a_planted_cone()
    {
        // a Li slab (z 40–44) with a cone growing into the SE (towards low z): radius 6 px at the interface, 2 px at its tip
        // 20 slices deep, and a second, shorter cylinder; spacing 1.5 µm in-plane, 3 µm along z
        int d = 45, h = 40, w = 60;
        var fg = new Volume3D<byte>(d, h, w);
        var mask = new byte[h * w]; Array.Fill(mask, (byte)1);
        for (int z = 40; z < d; z++) fg.Slice(z).Fill(1);
        for (int z = 20; z < 40; z++)
        {
            double r = 2 + 4.0 * (z - 20) / 19; // 2 at z = 20 (tip), 6 at z = 39 (root)
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++)
            {
                if ((x + 0.5 - 20) * (x + 0.5 - 20) + (y + 0.5 - 20) * (y + 0.5 - 20) <= r * r) fg[z, y, x] = 1;
                if (z >= 32 && (x + 0.5 - 48) * (x + 0.5 - 48) + (y + 0.5 - 20) * (y + 0.5 - 20) <= 9) fg[z, y, x] = 1;
            }
        }
        var itf = new CellInterfaces(CathodeZ: 2, AnodeZ: 40);
        var sp = new VolumeSpacing(3, 1.5, 1.5);
        var runs = ConnectedComponents.LabelRuns(fg);
        var (_, _, _, anode) = XctPipeline.MeasureRuns(runs, itf, mask, sp, new XctOptions());
        var fil = FilamentAnalysis.Measure(runs, anode, itf, sp);
        Assert.Equal(2, fil.Count);
        var f = fil[0];
        Assert.Equal(20, f.TipZ);
        Assert.Equal((40 - 20) * 3.0, f.LengthUm, 12);
        Assert.Equal(60.0 / (38 * 3), f.LengthFraction, 12);
        Assert.InRange(f.RootCentreX, 19.4, 20.6); Assert.InRange(f.RootCentreY, 19.4, 20.6);
        // digitised disc of radius r (pixels whose centres lie inside): every point within √2/2 of its centre is between
        // r − √2/2 and r + √2/2 from the nearest background pixel centre, so the width 2d − 1 lies in [2r − 2.42, 2r + 0.42]
        Assert.InRange(f.RootDiameterUm, (2 * 6 - 2.5) * 1.5, (2 * 6 + 0.5) * 1.5);
        double rTip = 2 + 4.0 * FilamentAnalysis.TipBackoffSlices / 19;
        Assert.Equal(20 + FilamentAnalysis.TipBackoffSlices, f.TipMeasureZ);
        Assert.InRange(f.TipDiameterUm, (2 * rTip - 2.5) * 1.5, (2 * rTip + 0.5) * 1.5);
        Assert.Equal(8 * 3.0, fil[1].LengthUm, 12);
        Assert.InRange(fil[1].RootDiameterUm, (2 * 3 - 2.5) * 1.5, (2 * 3 + 0.5) * 1.5);
    }

    [Fact]
    public void Sample_generation_is_deterministic()
    {
        var o = new XctPhantomOptions { Seed = 3, VoxelUm = 40 };
        var (_, a) = Make(o);
        var (_, b) = Make(o);
        for (int z = 0; z < a.Depth; z++) Assert.True(a.Slice(z).SequenceEqual(b.Slice(z)), $"slice {z} differs");
    }

    [Fact]
    public void Region_volumes_use_anisotropic_spacing()
    {
        // a 2×3×4 block of foreground on the anode side, spacing z 2 µm, y 1 µm, x 0.5 µm → 24 voxels × 1 µm³
        var labels = new Volume3D<uint>(6, 5, 6);
        for (int z = 3; z < 5; z++) for (int y = 1; y < 4; y++) for (int x = 1; x < 5; x++) labels[z, y, x] = 1;
        var itf = new CellInterfaces(CathodeZ: 0, AnodeZ: 4); // slices 0–3 are SE, 4–5 the anode side
        var mask = new byte[5 * 6]; Array.Fill(mask, (byte)1);
        var (regions, fr, reach) = XctPipeline.Measure(labels, 1, itf, mask, new VolumeSpacing(2, 1, 0.5), new XctOptions { MinRegionVolumeUm3 = 20, Layers = 2 });
        var g = Assert.Single(regions);
        Assert.Equal(24, g.Voxels);
        Assert.Equal(24.0, g.VolumeUm3, 12);
        Assert.True(g.TouchesAnode && g.PassesSizeFilter);
        Assert.Equal(Math.Cbrt(6 * 24 / Math.PI), g.EquivalentDiameterUm, 12);
        // layer 2 (slices 2, 3) holds the 12 voxels of slice 3 out of 60
        Assert.Equal(12.0 / 60, fr.FractionAll[1], 12);
        Assert.Equal(0, fr.FractionAll[0]);
        Assert.Equal(1, reach); // slice 3 is one slice deep: reach 1 slice (× 2 µm)
        Assert.False(new XctOptions { MinRegionVolumeUm3 = 25 }.MinRegionVolumeUm3 <= g.VolumeUm3);
    }
}
