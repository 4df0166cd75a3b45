using System.Globalization;
using SoftShort.IO;
using SoftShort.Xct;

namespace SoftShort.Synthetic;

/// <summary>Writes a synthetic XCT sample: <c>cell_xct.tif</c> (8-bit, one page per slice) + spacing sidecar, truth.json, truth_layers.csv, summary.json.</summary>
public static class XctSynth
{
    public const string VolumeFile = "cell_xct.tif";

    public static XctPhantomTruth WriteSample(string outDir, XctPhantomOptions opt, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        var ph = new XctCellPhantom(opt);
        Directory.CreateDirectory(outDir);
        string path = Path.Combine(outDir, VolumeFile);
        XctPhantomTruth truth;
        using (var w = TiffStackWriter<byte>.Create(path, opt.Width, opt.Width, opt.Depth))
        {
            truth = ph.Generate((_, slice) => w.Append(slice), progress, cancel);
            w.Commit();
        }
        VolumeSidecar.Write(path, new VolumeSpacing(opt.VoxelUm, opt.VoxelUm, opt.VoxelUm));
        truth.Write(Path.Combine(outDir, "truth.json"));
        int n = opt.Layers;
        CsvTable.Write(Path.Combine(outDir, "truth_layers.csv"),
        [
            ("layer", Enumerable.Range(1, n).Select(i => (double)i).ToArray()),
            ("target_fraction", truth.LayerTargetFraction),
            ("fraction_all", truth.LayerFractionAll),
            ("fraction_anode_connected", truth.LayerFractionConnected),
            ("fraction_isolated_large", truth.LayerFractionIsolatedLarge),
            ("fraction_specks", truth.LayerFractionSpecks),
        ]);
        new SummaryJson("synth xct")
            .Parameter("seed", opt.Seed).Parameter("voxel_um", opt.VoxelUm).Parameter("layers", opt.Layers).Parameter("noise_sigma", opt.NoiseSigma)
            .Set("shape_zyx", string.Create(CultureInfo.InvariantCulture, $"{truth.Depth}x{truth.Height}x{truth.Width}"))
            .Set("cathode_interface_z", truth.CathodeInterfaceZ).Set("anode_interface_z", truth.AnodeInterfaceZ)
            .Set("fraction_layer1", truth.LayerFractionAll[0]).Set($"fraction_layer{n}", truth.LayerFractionAll[^1])
            .Set("filament_reach_um", truth.FilamentReachUm)
            .Write(Path.Combine(outDir, "summary.json"));
        return truth;
    }
}
