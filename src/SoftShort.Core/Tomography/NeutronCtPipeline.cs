using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tomography;

/// <summary>
/// File-level steps of the neutron CT analysis shared by the CLI, the report and the notebook: projection TIFF (+ OB/DF
/// TIFFs) → attenuation volume streamed to a float32 TIFF or held in memory.
/// </summary>
public static class NeutronCtPipeline
{
    /// <summary>A normaliser from OB and DF stacks (OB combined by median, DF by mean, paper Eq. 1), or null when both are null.</summary>
    public static Normalizer? LoadNormalizer(string? openBeamPath, string? darkFieldPath)
    {
        if (openBeamPath == null && darkFieldPath == null) return null;
        InputException.Require(openBeamPath != null && darkFieldPath != null, "--open-beam/--dark-field", "give both or neither");
        var ob = Normalizer.Combine(Tiff.ReadPagesAsFloat(openBeamPath!).ToList(), FrameCombine.Median, openBeamPath!);
        var df = Normalizer.Combine(Tiff.ReadPagesAsFloat(darkFieldPath!).ToList(), FrameCombine.Mean, darkFieldPath!);
        return new Normalizer(ob, df);
    }

    /// <summary>Projection stack file → volume, streamed slice by slice into <paramref name="sink"/>.</summary>
    public static VolumeReconstructionResult ReconstructFile(string projectionsPath, IReadOnlyList<double> anglesDeg, Normalizer? normalizer,
        VolumeReconstructionOptions options, Action<int, Image2D<float>> sink, IProgress<ProgressReport>? progress = null, int angleStride = 1)
    {
        var info = Tiff.ReadInfo(projectionsPath);
        InputException.Require(info.Pages == anglesDeg.Count, "--angles-deg", $"{anglesDeg.Count} angles given but {projectionsPath} has {info.Pages} projections");
        InputException.Require(angleStride >= 1, "angle stride", "must be ≥ 1");
        var angles = anglesDeg.Where((_, i) => i % angleStride == 0).ToArray();
        IEnumerable<Image2D<float>> Pages() => Tiff.ReadPagesAsFloat(projectionsPath).Where((_, i) => i % angleStride == 0);
        try
        {
            return VolumeReconstruction.Reconstruct(Pages, info.Width, info.Height, angles, normalizer, options, sink, progress);
        }
        catch (InputException e) when (e.Subject.StartsWith("projection ", StringComparison.Ordinal))
        {
            throw new InputException(projectionsPath, e.Message);
        }
    }

    /// <summary>Projection stack file → volume in memory.</summary>
    public static (Volume3D<float> Volume, VolumeReconstructionResult Result) ReconstructFile(string projectionsPath, IReadOnlyList<double> anglesDeg,
        Normalizer? normalizer, VolumeReconstructionOptions options, IProgress<ProgressReport>? progress = null, int angleStride = 1)
    {
        var slices = new List<float[]>();
        int size = 0;
        var r = ReconstructFile(projectionsPath, anglesDeg, normalizer, options, (z, s) => { slices.Add(s.Pixels); size = s.Width; }, progress, angleStride);
        double px = options.Fbp.PixelSizeUm;
        return (new Volume3D<float>(size, size, slices) { SpacingXUm = px, SpacingYUm = px, SpacingZUm = px }, r);
    }

    /// <summary>Reads a float volume and gives it an isotropic spacing (TIFF volumes carry none).</summary>
    public static Volume3D<float> ReadVolume(string path, double spacingUm)
    {
        var v = Tiff.ReadVolumeAsFloat(path);
        var slices = Enumerable.Range(0, v.Depth).Select(v.SliceArray).ToList();
        return new Volume3D<float>(v.Height, v.Width, slices) { SpacingXUm = spacingUm, SpacingYUm = spacingUm, SpacingZUm = spacingUm };
    }
}
