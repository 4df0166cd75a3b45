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
