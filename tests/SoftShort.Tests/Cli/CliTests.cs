using SoftShort.Cli;
using SoftShort.IO;

namespace SoftShort.Tests.Cli;

public class CliTests
{
    static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = SoftShortApp.Run(args, err);
        return (code, err.ToString());
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("reproduce", "--no-such-option")]
    [InlineData("reproduce", "--out")]
    [InlineData("synth", "cell", "--pixel-um", "-3")]
    public void Bad_usage_is_one_line_and_exit_code_2(params string[] args)
    {
        var (code, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("softshort: ", err);
    }

    [Fact]
    public void Bad_input_names_the_file_and_exits_1()
    {
        var (code, err) = Run("reproduce", "--data", "/no/such/folder", "--out", Path.Combine(Path.GetTempPath(), "x"));
        Assert.Equal(1, code);
        Assert.Contains("/no/such/folder", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Synth_cell_writes_a_label_tiff_whose_layers_have_the_planted_thicknesses()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"softshort-cell-{Guid.NewGuid():N}");
        var (code, err) = Run("synth", "cell", "--pixel-um", "5", "--out", dir);
        Assert.True(code == 0, err);
        var labels = Tiff.ReadPageAsFloat(Path.Combine(dir, "cell_materials.tif"));
        // Along the axis (centre column) count pixels per material: thickness / 5 µm within one pixel.
        int cx = labels.Width / 2;
        var counts = new int[6];
        for (int y = 0; y < labels.Height; y++) counts[(int)labels[y, cx]]++;
        var cell = new SoftShort.Synthetic.CellGeometry();
        Assert.InRange(counts[(int)SoftShort.Synthetic.CellMaterial.Lithium], 250 / 5 - 1, 250 / 5 + 1);
        Assert.InRange(counts[(int)SoftShort.Synthetic.CellMaterial.SolidElectrolyte], cell.SeThicknessUm / 5 - 1, cell.SeThicknessUm / 5 + 1);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        Directory.Delete(dir, true);
    }
}
