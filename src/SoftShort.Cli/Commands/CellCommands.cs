using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SoftShort.Cli.Infrastructure;
using SoftShort.Electrochemistry;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary>Foundation commands: <c>synth cell</c> (the cell geometry phantom) and <c>bench io</c> (TIFF stack throughput).</summary>
public sealed class CellCommands : ICommandModule
{
    public void ConfigureSynth(IConfigurator<CommandSettings> synth) =>
        synth.AddCommand<SynthCellCommand>("cell")
            .WithDescription("The paper's cell as a material label image (side section through the axis) and its layer table.")
            .WithExample("synth", "cell", "--pixel-um", "10", "--out", "cell");

    public void ConfigureBench(IConfigurator<CommandSettings> bench) =>
        bench.AddCommand<BenchIoCommand>("io")
            .WithDescription("Write and read a float32 multi-page TIFF stack; print MB/s and frames/s.");
}

public sealed class SynthCellCommand : Command<SynthCellCommand.Settings>
{
    public sealed class Settings : OutDirSettings
    {
        [CommandOption("--pixel-um <UM>")]
        [Description("Pixel size of the label image in µm. Default: 10")]
        [DefaultValue(10.0)]
        public double PixelUm { get; init; } = 10;

        [CommandOption("--li-um <UM>")]
        [Description("Li foil thickness in µm. Default: 250 (paper)")]
        [DefaultValue(250.0)]
        public double LiUm { get; init; } = 250;

        public override Spectre.Console.ValidationResult Validate() =>
            !base.Validate().Successful ? base.Validate() : PixelUm is > 0.5 and <= 1000 && double.IsFinite(PixelUm) ? (LiUm is > 0 and < 10000 ? Spectre.Console.ValidationResult.Success() : Spectre.Console.ValidationResult.Error($"--li-um {LiUm}: must be in (0, 10000) µm"))
            : Spectre.Console.ValidationResult.Error($"--pixel-um {PixelUm}: must be in (0.5, 1000] µm");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string outDir = s.Out ?? "cell";
        var cell = new CellGeometry { LiThicknessUm = s.LiUm };
        var layers = cell.Layers();
        double z0 = layers[0].StartUm, z1 = layers[^1].EndUm, half = cell.TubeOuterDiameterUm / 2 * 1.08;
        int w = (int)Math.Ceiling(2 * half / s.PixelUm), h = (int)Math.Ceiling((z1 - z0) / s.PixelUm);
        var labels = new Volume3D<uint>(1, h, w);
        Parallel.For(0, h, y =>
        {
            var row = labels.Row(0, y);
            for (int x = 0; x < w; x++) row[x] = (uint)cell.MaterialAt(-half + (x + 0.5) * s.PixelUm, z0 + (y + 0.5) * s.PixelUm);
        });
        Directory.CreateDirectory(outDir);
        Tiff.Write(Path.Combine(outDir, "cell_materials.tif"), labels);
        CsvTable.WriteRows(Path.Combine(outDir, "layers.csv"), ["material", "label", "z_start_um", "z_end_um", "thickness_um"],
            layers.Select(l => (IReadOnlyList<string>)[l.Material.ToString(), ((int)l.Material).ToString(CultureInfo.InvariantCulture),
                l.StartUm.ToString("R", CultureInfo.InvariantCulture), l.EndUm.ToString("R", CultureInfo.InvariantCulture), l.ThicknessUm.ToString("R", CultureInfo.InvariantCulture)]));
        var budget = ChargeBudget.ForPaperCell(cell);
        new SummaryJson("synth cell")
            .Parameter("pixel_um", s.PixelUm).Parameter("li_thickness_um", s.LiUm)
            .Set("width_px", w).Set("height_px", h)
            .Set("labels", string.Join(", ", Enum.GetValues<CellMaterial>().Select(m => $"{(int)m}={m}")))
            .Set("se_thickness_um", cell.SeThicknessUm).Set("cathode_thickness_um", cell.CathodeThicknessUm)
            .Set("current_c20_uA", budget.CurrentA * 1e6).Set("li_plated_20h_um", budget.LiThicknessUm)
            .Write(Path.Combine(outDir, "summary.json"));
        Console.Error.WriteLine($"wrote {outDir}/cell_materials.tif ({w}×{h} px at {s.PixelUm} µm), layers.csv, summary.json");
        return 0;
    }
}

public sealed class BenchIoCommand : Command<BenchIoCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--frames <N>")][DefaultValue(40)][Description("Frames in the stack. Default: 40")]
        public int Frames { get; init; } = 40;
        [CommandOption("--width <PX>")][DefaultValue(2560)][Description("Frame width. Default: 2560 (Andor Zyla 5.5)")]
        public int Width { get; init; } = 2560;
        [CommandOption("--height <PX>")][DefaultValue(2160)][Description("Frame height. Default: 2160")]
        public int Height { get; init; } = 2160;

        public override Spectre.Console.ValidationResult Validate() =>
            Frames > 0 && Width > 0 && Height > 0 ? Spectre.Console.ValidationResult.Success() : Spectre.Console.ValidationResult.Error("--frames, --width and --height must be positive");
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"softshort-bench-io-{Environment.ProcessId}.tif");
        var frame = new float[(long)s.Width * s.Height];
        var rng = new Random(1);
        for (int i = 0; i < frame.Length; i++) frame[i] = (float)rng.NextDouble();
        double mb = frame.Length * 4.0 * s.Frames / 1e6;
        try
        {
            var sw = Stopwatch.StartNew();
            using (var w = TiffStackWriter<float>.Create(path, s.Width, s.Height, s.Frames))
            {
                for (int f = 0; f < s.Frames; f++) w.Append(frame);
                w.Commit();
            }
            double write = sw.Elapsed.TotalSeconds;
            sw.Restart();
            int n = 0;
            foreach (var _ in Tiff.ReadPagesAsFloat(path)) n++;
            double read = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"bench io: {s.Frames} frames {s.Width}x{s.Height} float32 ({mb:F0} MB)");
            Console.WriteLine($"  write: {mb / write:F0} MB/s, {s.Frames / write:F1} frames/s");
            Console.WriteLine($"  read:  {mb / read:F0} MB/s, {n / read:F1} frames/s");
            Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        }
        finally { File.Delete(path); }
        return 0;
    }
}
