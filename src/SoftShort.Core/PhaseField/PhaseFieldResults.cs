using System.Globalization;
using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.PhaseField;

/// <summary>
/// Reads the outputs of <c>softshort phasefield run</c> (time series and field snapshots) and packs a compact copy
/// (time series, summary and the final phase / pressure / volumetric-strain maps) for <c>data-samples/phasefield/</c>.
/// </summary>
public static class PhaseFieldResults
{
    /// <summary>Pages of the compact final-state TIFF.</summary>
    public static readonly string[] CompactFields = ["phase_eta", "hydrostatic_pressure_MPa", "volumetric_strain"];
    public const string CompactFieldsFile = "fields_final.tif";

    /// <summary>Reads a numeric CSV (header row) into named columns; empty cells are NaN.</summary>
    public static Dictionary<string, double[]> ReadCsv(string path)
    {
        InputException.Require(File.Exists(path), path, "file not found");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        InputException.Require(lines.Length >= 2, path, "no data rows");
        var header = lines[0].Split(',');
        var cols = header.Select(_ => new double[lines.Length - 1]).ToArray();
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            InputException.Require(cells.Length == header.Length, path, $"row {r + 1} has {cells.Length} cells, header has {header.Length}");
            for (int c = 0; c < cells.Length; c++)
                cols[c][r - 1] = cells[c].Length == 0 ? double.NaN
                    : double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                    : throw new InputException(path, $"row {r + 1}, column '{header[c]}': '{cells[c]}' is not a number");
        }
        return header.Select((h, i) => (h, i)).ToDictionary(t => t.h, t => cols[t.i]);
    }

    /// <summary>The last <c>fields_t*.tif</c> snapshot of a run folder.</summary>
    public static string LastSnapshot(string runDir)
    {
        var files = Directory.Exists(runDir) ? Directory.GetFiles(runDir, "fields_t*s.tif").OrderBy(f => f, StringComparer.Ordinal).ToArray() : [];
        InputException.Require(files.Length > 0, runDir, "no fields_t*.tif snapshot");
        return files[^1];
    }

    /// <summary>Copies timeseries.csv and summary.json and writes the compact final-state TIFF into <paramref name="outDir"/>.</summary>
    public static void Pack(string runDir, string outDir)
    {
        var snapshot = Tiff.ReadVolumeAsFloat(LastSnapshot(runDir));
        InputException.Require(snapshot.Depth == DendriteRun.SnapshotFields.Length, runDir, $"snapshot has {snapshot.Depth} pages, expected {DendriteRun.SnapshotFields.Length}");
        Directory.CreateDirectory(outDir);
        var vol = new Volume3D<float>(CompactFields.Length, snapshot.Height, snapshot.Width);
        for (int k = 0; k < CompactFields.Length; k++)
            snapshot.Slice(Array.IndexOf(DendriteRun.SnapshotFields, CompactFields[k])).CopyTo(vol.Slice(k));
        Tiff.Write(Path.Combine(outDir, CompactFieldsFile), vol);
        foreach (var f in new[] { "timeseries.csv", "summary.json" })
            AtomicFile.WriteAllBytes(Path.Combine(outDir, f), File.ReadAllBytes(Path.Combine(runDir, f)));
    }

    /// <summary>One page of the compact final-state TIFF by field name.</summary>
    public static Image2D<float> CompactField(string dir, string field)
    {
        int k = Array.IndexOf(CompactFields, field);
        InputException.Require(k >= 0, field, "not a compact field");
        return Tiff.ReadPageAsFloat(Path.Combine(dir, CompactFieldsFile), k);
    }

    /// <summary>
    /// The coarse demonstration case (quick report, notebook, CI regeneration): a 300 × 150 µm slice of the paper's cell
    /// (60 µm Li, two protrusions) at 2.5 µm for 60 s, every other parameter as in <see cref="DendriteParameters"/>.
    /// </summary>
    public static DendriteParameters CoarseDemo(double pressureMPa = 0) => new()
    {
        DomainWidthUm = 300, DomainHeightUm = 150, LiThicknessUm = 60, DxUm = 2.5, ProtrusionCount = 2, TimeS = 60, PressureMPa = pressureMPa,
    };
}
