using System.Globalization;
using System.Text.Json;
using Plotly.NET;
using SoftShort.Figures.Plotting;
using SoftShort.IO;
using SoftShort.Synthetic;
using SoftShort.Xct;
using CChart = Plotly.NET.CSharp.Chart;

namespace SoftShort.Figures.Report;

/// <summary>
/// Post-mortem XCT of the soft-shorted cell (Section 2.3): the median grey profile from cathode to anode with its
/// interfaces (Fig. 3F, G), top-view and side slices with the anode-connected (red) and isolated (blue) low-attenuation
/// regions (Fig. 3C, E, I), and their volume fraction in 10 SE layers (Fig. 3J), on the synthetic sample volume whose
/// planted truth is shown alongside.
/// </summary>
public sealed class XctSection : IReportSection
{
    public string Id => "xct";
    public string Title => "X-ray CT after the soft short: grey profile, Li-connected vs isolated regions, layer fractions";
    public string PaperFigures => "Fig. 3C, 3E, 3F, 3G, 3I, 3J";
    public int Order => 30;

    static string F(double v, string f = "F2") => v.ToString(f, CultureInfo.InvariantCulture);

    public void Build(ReportContext ctx)
    {
        string path = Path.Combine(ctx.DataDir, "xct", XctSynth.VolumeFile);
        if (!File.Exists(path)) throw new InputException(path, "XCT sample missing; make it with: softshort synth xct --out data-samples/xct");
        ctx.ReportProgress(0, "xct: read");
        using var src = VolumeIO.Open(path);
        var grey = VolumeIO.ReadAll(src);
        var opt = new XctOptions();
        var r = XctPipeline.Run(VolumeIO.FromMemory(grey, path), opt, ctx.Progress, ctx.Cancellation);
        ctx.ReportProgress(0.7, "xct: figures");
        var labels = r.Labels!;
        var cat = XctViews.Categories(r);
        double dz = r.Spacing.ZUm;

        // planted truth of the sample
        double[]? truthAll = null; double truthReach = double.NaN;
        string truthPath = Path.Combine(ctx.DataDir, "xct", "truth.json");
        if (File.Exists(truthPath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(truthPath));
            truthAll = doc.RootElement.GetProperty("layer_fraction_all").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            truthReach = doc.RootElement.GetProperty("filament_reach_um").GetDouble();
        }

        var f = r.Fractions;
        ctx.Number("voxel_um", dz, "Voxel size of the sample (the paper's 1.62 µm binned 10×)");
        ctx.Number("se_thickness_um", r.SeThicknessUm, "SE thickness between the interfaces found on the median profile (paper: ≈ 3 mm)");
        ctx.Number("bore_diameter_um", 2 * r.Mask.BoreRadiusVoxels * r.Spacing.XUm, "Tube bore found from the mean image (paper: 2 mm)");
        ctx.Number("low_threshold_grey", r.LowThreshold, "ISO-50 threshold between low-attenuation material and SE");
        ctx.Number("fraction_layer1_percent", 100 * f.FractionAll[0], "Low-attenuation fraction, layer 1 (cathode side); paper 9.91 %");
        ctx.Number("fraction_layer10_percent", 100 * f.FractionAll[^1], "Low-attenuation fraction, layer 10 (anode side); paper 30.65 %");
        ctx.Number("connected_reach_um", r.ConnectedReachUm, "Deepest reach of the Li-connected network into the SE (paper: filament 1.5 mm)");
        ctx.Number("connected_reach_fraction", r.ConnectedReachFraction, "…as a fraction of the SE thickness (paper: about half)");
        ctx.Number("regions_above_filter", r.Regions.Count(g => g.PassesSizeFilter), "Regions larger than 3.4 × 10⁵ µm³");
        ctx.Number("regions_isolated_above_filter", r.Regions.Count(g => g.PassesSizeFilter && !g.TouchesAnode), "…of which isolated (blue)");
        if (truthAll is not null)
            ctx.Number("max_layer_error_pp", 100 * f.FractionAll.Zip(truthAll, (a, b) => Math.Abs(a - b)).Max(), "Largest |measured − planted| layer fraction, percentage points (goal < 0.5)");
        if (double.IsFinite(truthReach)) ctx.Number("planted_reach_um", truthReach, "Planted reach of the longest filament");

        // Fig. 3F, G: median grey profile from the cathode to the anode
        bool flip = !r.Interfaces.AnodeAtHighZ;
        double Dist(double zSlices) => flip ? (r.Depth - zSlices) * dz : zSlices * dz;
        var zs = Enumerable.Range(0, r.Depth).Select(z => Dist(z + 0.5)).ToArray();
        double c = Dist(r.Interfaces.CathodeZ), a = Dist(r.Interfaces.AnodeZ);
        double pmin = r.MedianProfile.Min(), pmax = r.MedianProfile.Max();
        ctx.Heading("Median grey value of each top-view slice, cathode → anode (Fig. 3F)");
        ctx.Chart(Charts.Lines(
            [new Series("median grey", zs, r.MedianProfile), Charts.VerticalMarker(c, pmin, pmax, "cathode|SE"), Charts.VerticalMarker(a, pmin, pmax, "SE|Li")],
            "distance along the cell axis from the top of the volume (µm)", "median grey value"),
            $"Bright SS rod and NMC811 cathode, the SE, the dark Li foil, the second rod. Interfaces at the 50 % crossings: cathode|SE {F(c, "F0")} µm, SE|Li {F(a, "F0")} µm.");
        var seIdx = Enumerable.Range(0, r.Depth).Where(z => r.Interfaces.LayerOf(z, 1) == 0).ToArray();
        ctx.Heading("Median grey value across the SE (Fig. 3G)");
        ctx.Chart(Charts.Lines([new Series("median grey in the SE", seIdx.Select(z => Math.Abs(Dist(z + 0.5) - c)).ToArray(), seIdx.Select(z => r.MedianProfile[z]).ToArray())],
            "distance from the cathode|SE interface (µm)", "median grey value"),
            "The median falls towards the Li anode as the low-attenuation filaments and voids become more frequent.");
        ctx.Csv("profile", [("distance_um", zs), ("median_grey", r.MedianProfile)]);

        // Fig. 3C/E: side slice and top-view slices with the overlay
        ctx.Heading("Slices with the regions: red = connected to the Li anode, blue = isolated, > 3.4 × 10⁵ µm³ (Fig. 3C, E)");
        int yc = (int)Math.Round(r.Mask.CentreY - 0.5);
        ctx.Image(XctViews.SliceOverlay(grey, labels, cat, 'y', yc), "side_slice", $"Side view through the axis (row y = {yc}); the cathode is at the top, the Li foil near the bottom.");
        double[] at = [0.1, 0.45, 0.8, 0.97];
        for (int i = 0; i < at.Length; i++)
        {
            int z = (int)Math.Floor(r.Interfaces.CathodeZ + at[i] * (r.Interfaces.AnodeZ - r.Interfaces.CathodeZ));
            ctx.Image(XctViews.SliceOverlay(grey, labels, cat, 'z', z), $"slice{i + 2}",
                $"Top view, slice {i + 2} at {F(100 * at[i], "F0")} % of the SE from the cathode (z = {z}).");
        }
        // Fig. 3I
        int z0 = (int)Math.Floor(Math.Min(r.Interfaces.CathodeZ, r.Interfaces.AnodeZ)), z1 = Math.Min(r.Depth - 1, (int)Math.Ceiling(Math.Max(r.Interfaces.CathodeZ, r.Interfaces.AnodeZ)) + 3);
        ctx.Image(XctViews.SideProjection(labels, cat, z0, z1), "regions_projection",
            "See-through side view of the regions larger than 3.4 × 10⁵ µm³ (Fig. 3I): red = Li anode and the regions connected to it, blue = isolated; cathode at the top.");
        ctx.Chart(XctViews.Surface3D(labels, cat, r.Spacing.ZUm, r.Spacing.YUm, r.Spacing.XUm, maxVertices: ctx.Quick ? 20000 : 60000),
            "Interactive 3D view: surfaces of the red (connected to the Li) and blue (isolated) regions on a down-sampled grid, axes in µm; drag to rotate.");
        if (r.LongestFilament is { } fil)
        {
            ctx.Number("longest_filament_length_um", fil.LengthUm, "Longest filament: reach into the SE along the axis (paper: 1.5 mm)");
            ctx.Number("longest_filament_root_width_um", fil.RootDiameterUm, "…its width at the SE|Li interface (inscribed-disc diameter on its axis)");
            ctx.Number("longest_filament_tip_width_um", fil.TipDiameterUm, $"…its width {FilamentAnalysis.TipBackoffSlices} slices back from its tip");
        }

        // Fig. 3J
        var layers = Enumerable.Range(1, f.Layers).Select(i => (double)i).ToArray();
        var bars = new List<GenericChart>
        {
            CChart.Column<double, double, string>(f.FractionAll.Select(x => 100 * x), Keys: layers, Name: "measured, all low-attenuation voxels", MarkerColor: Color.fromString("#1f4e9c")),
            CChart.Column<double, double, string>(f.FractionLarge.Select(x => 100 * x), Keys: layers, Name: "measured, regions > 3.4e5 µm³", MarkerColor: Color.fromString("#6fa8dc")),
        };
        if (truthAll is not null)
            bars.Add(CChart.Column<double, double, string>(truthAll.Select(x => 100 * x), Keys: layers, Name: "planted truth", MarkerColor: Color.fromString("#aaaaaa")));
        bars.Add(Charts.Line(new Series("paper Fig. 3J (end points)", [1, f.Layers], [9.91, 30.65], Markers: true, Color: "#c00000", Dash: "dash")));
        ctx.Heading("Low-attenuation volume fraction in 10 SE layers (Fig. 3J)");
        ctx.Chart(Charts.Style(CChart.Combine(bars), "SE layer (1 = cathode side, 10 = anode side)", "volume fraction (%)"),
            "Fraction of the SE voxels inside the cell mask that are low-attenuation (Li, voids, cracks), per layer. Paper: 9.91 % → 30.65 %.");
        var cols = new List<(string, IReadOnlyList<double>)>
        {
            ("layer", layers), ("fraction_all", f.FractionAll), ("fraction_above_filter", f.FractionLarge),
            ("fraction_anode_connected", f.FractionAnodeConnected), ("fraction_isolated_above_filter", f.FractionIsolatedLarge),
        };
        if (truthAll is not null) cols.Add(("planted_fraction_all", truthAll));
        ctx.Csv("layer_fractions", cols);
        ctx.Table(["layer", "measured (%)", "> 3.4e5 µm³ (%)", "connected (%)", "isolated (%)", "planted (%)"],
            Enumerable.Range(0, f.Layers).Select(i => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), F(100 * f.FractionAll[i]), F(100 * f.FractionLarge[i]),
                F(100 * f.FractionAnodeConnected[i]), F(100 * f.FractionIsolatedLarge[i]), truthAll is null ? "–" : F(100 * truthAll[i])]));
        ctx.Text("X-rays cannot tell Li from voids: Li (Z = 3, 0.53 g cm⁻³) attenuates about as little as empty space next to the sulfide SE, " +
                 "so both fall in the low-attenuation class; the split is by connectivity to the Li anode (26-connected regions).");
        ctx.ReportProgress(1, "xct: figures");
    }
}
