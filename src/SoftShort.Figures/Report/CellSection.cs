using System.Globalization;
using SoftShort.Electrochemistry;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;
using SoftShort.Synthetic;

namespace SoftShort.Figures.Report;

/// <summary>
/// The tour: the paper's cell (Fig. 1B, Experimental section) drawn to scale from its stated masses and
/// densities, and the Faraday's-law budget of the C/20 charge that every later analysis is checked against.
/// </summary>
public sealed class CellSection : IReportSection
{
    public string Id => "cell";
    public string Title => "The cell and its charge budget";
    public string PaperFigures => "Fig. 1B; Experimental section";
    public int Order => 0;

    /// <summary>Colours of <see cref="CellMaterial"/> in the cell drawing.</summary>
    public static IReadOnlyList<Rgb> MaterialPalette { get; } =
    [
        new(255, 255, 255), // air
        new(214, 214, 214), // PTFE
        new(110, 110, 120), // stainless steel
        new(40, 90, 200),   // Li
        new(235, 200, 70),  // SE
        new(30, 30, 30),    // cathode
    ];

    public void Build(ReportContext ctx)
    {
        var cell = new CellGeometry();
        var budget = ChargeBudget.ForPaperCell(cell);

        ctx.Number("bore_area_cm2", cell.BoreAreaCm2, "Bore area of the 1/4 inch PTFE tube");
        ctx.Number("nmc811_mass_mg", cell.Nmc811MassMg, "NMC811 in 8 mg of cathode (80 : 20 : 2)");
        ctx.Number("current_uA", budget.CurrentA * 1e6, "C/20 current at 200 mA g⁻¹ for 1C");
        ctx.Number("charge_20h_mAh", budget.ChargeMAh, "Charge passed in 20 h");
        ctx.Number("li_plated_20h_um", budget.LiThicknessUm, "Dense Li plated over the bore in 20 h (Faraday's law)");
        ctx.Number("se_thickness_um", cell.SeThicknessUm, "SE pellet: 60 mg at 16.25 % porosity");
        ctx.Number("cathode_thickness_um", cell.CathodeThicknessUm, "Cathode: 8 mg at 20 % porosity (assumed)");

        ctx.Heading("Cell geometry (side section through the axis, to scale)");
        ctx.Table(["layer", "from z (µm)", "to z (µm)", "thickness (µm)"],
            cell.Layers().Select(l => (IReadOnlyList<string>)[l.Material.ToString(), F(l.StartUm), F(l.EndUm), F(l.ThicknessUm)]));
        ctx.Image(DrawCell(cell, pixelUm: 10), "geometry",
            "Side section of the cell at 10 µm per pixel: PTFE tube (light grey), SS rods (dark grey), Li foil (blue), SE pellet (yellow), NMC811 cathode (black).");

        ctx.Heading("Charge budget of the C/20 charge");
        var (t, q, li) = budget.Curve(hours: 20, points: 81);
        ctx.Chart(Charts.Lines(
            [new Series("Li plated (µm)", t, li), Charts.VerticalMarker(4.5, 0, li[^1], "soft short onset (4.5 h)")],
            "time (h)", "dense Li plated over the bore (µm)"),
            $"Faraday's law: {budget.CurrentA * 1e6:F1} µA for 20 h plates {budget.LiThicknessUm:F1} µm of dense Li over {cell.BoreAreaCm2:F3} cm².");
        ctx.Csv("charge_budget", [("time_h", t), ("charge_mAh", q), ("li_plated_um", li)]);
    }

    static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The cell's material map (side section) rendered with <see cref="MaterialPalette"/>.</summary>
    public static PngFigure DrawCell(CellGeometry cell, double pixelUm)
    {
        var layers = cell.Layers();
        double z0 = layers[0].StartUm, z1 = layers[^1].EndUm;
        double halfWidth = cell.TubeOuterDiameterUm / 2 * 1.08;
        int w = (int)Math.Ceiling(2 * halfWidth / pixelUm), h = (int)Math.Ceiling((z1 - z0) / pixelUm);
        var map = new Image2D<int>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                map[y, x] = (int)cell.MaterialAt(-halfWidth + (x + 0.5) * pixelUm, z0 + (y + 0.5) * pixelUm);
        return ImageRenderer.RenderCategorical(map, MaterialPalette, title: "cell geometry");
    }
}
