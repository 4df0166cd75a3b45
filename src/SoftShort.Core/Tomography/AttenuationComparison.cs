using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>The region μ ≥ t of one volume for one threshold t: voxel count, volume, thickness map.</summary>
/// <param name="ThresholdPerCm">t, cm⁻¹.</param>
/// <param name="Voxels">Voxels with μ ≥ t.</param>
/// <param name="VolumeMm3">Their volume, mm³.</param>
/// <param name="ThicknessUm">Thickness map over the cross-section [y, x]: voxels with μ ≥ t along z × z spacing, µm.</param>
public sealed record ThresholdRegion(double ThresholdPerCm, long Voxels, double VolumeMm3, Image2D<float> ThicknessUm);

/// <summary>
/// Before/after comparison of two registered attenuation volumes (paper Fig. 5B–D, S16): the difference volume
/// (after − before, where attenuation increased is where Li accumulated) and the threshold regions μ ≥ t (the paper raises
/// t from 2.6 to 2.9 to isolate Li metal, the most attenuating material of the cell).
/// </summary>
public static class AttenuationComparison
{
    /// <summary>after − before voxel by voxel; NaN where either is NaN (outside the registered overlap).</summary>
    public static Volume3D<float> Difference(Volume3D<float> before, Volume3D<float> after)
    {
        InputException.Require(before.Depth == after.Depth && before.Height == after.Height && before.Width == after.Width, "volumes",
            $"shapes differ: {before.Depth}×{before.Height}×{before.Width} and {after.Depth}×{after.Height}×{after.Width}");
        var d = new Volume3D<float>(before.Depth, before.Height, before.Width) { SpacingXUm = before.SpacingXUm, SpacingYUm = before.SpacingYUm, SpacingZUm = before.SpacingZUm };
        Parallel.For(0, before.Depth, z =>
        {
            var a = before.SliceArray(z); var b = after.SliceArray(z); var o = d.SliceArray(z);
            for (int i = 0; i < o.Length; i++) o[i] = b[i] - a[i];
        });
        return d;
    }

    /// <summary>The region μ ≥ t for each threshold (NaN voxels never count). Spacing from the volume (µm); must be known.</summary>
    /// <param name="volume">Attenuation, cm⁻¹.</param>
    /// <param name="thresholdsPerCm">Thresholds, cm⁻¹ (e.g. 2.6 and 2.9).</param>
    /// <param name="zRange">Optional slice range [first, last] to analyse; null = all.</param>
    public static IReadOnlyList<ThresholdRegion> Threshold(Volume3D<float> volume, IReadOnlyList<double> thresholdsPerCm, (int First, int Last)? zRange = null)
    {
        InputException.Require(double.IsFinite(volume.SpacingZUm) && volume.SpacingZUm > 0 && double.IsFinite(volume.SpacingXUm) && double.IsFinite(volume.SpacingYUm),
            "volume", "voxel spacing unknown: give --pixel-size-um");
        var (z0, z1) = zRange ?? (0, volume.Depth - 1);
        InputException.Require(z0 >= 0 && z1 < volume.Depth && z0 <= z1, "--slices", $"range {z0}…{z1} outside 0…{volume.Depth - 1}");
        double voxelMm3 = volume.SpacingXUm * volume.SpacingYUm * volume.SpacingZUm * 1e-9;
        var list = new List<ThresholdRegion>();
        foreach (double t in thresholdsPerCm)
        {
            var map = new Image2D<float>(volume.Width, volume.Height) { PixelSizeXUm = volume.SpacingXUm, PixelSizeYUm = volume.SpacingYUm };
            var counts = new int[map.Pixels.Length];
            for (int z = z0; z <= z1; z++)
            {
                var s = volume.SliceArray(z);
                for (int i = 0; i < s.Length; i++) if (s[i] >= t) counts[i]++;
            }
            long n = 0;
            for (int i = 0; i < counts.Length; i++) { n += counts[i]; map.Pixels[i] = (float)(counts[i] * volume.SpacingZUm); }
            list.Add(new ThresholdRegion(t, n, n * voxelMm3, map));
        }
        return list;
    }

    /// <summary>Volume of increase (difference ≥ +δ) and decrease (≤ −δ), mm³.</summary>
    public static (double IncreaseMm3, double DecreaseMm3) Change(Volume3D<float> difference, double deltaPerCm)
    {
        long up = 0, down = 0;
        for (int z = 0; z < difference.Depth; z++)
            foreach (var v in difference.SliceArray(z)) { if (v >= deltaPerCm) up++; else if (v <= -deltaPerCm) down++; }
        double voxelMm3 = difference.SpacingXUm * difference.SpacingYUm * difference.SpacingZUm * 1e-9;
        return (up * voxelMm3, down * voxelMm3);
    }

    /// <summary>A side section through the volume at row y (image [z, x]), e.g. for Fig. 5C-like views.</summary>
    public static Image2D<float> SideSection(Volume3D<float> v, int y)
    {
        var img = new Image2D<float>(v.Width, v.Depth) { PixelSizeXUm = v.SpacingXUm, PixelSizeYUm = v.SpacingZUm };
        for (int z = 0; z < v.Depth; z++) v.Row(z, y).CopyTo(img.Row(z));
        return img;
    }
}
