using System.Globalization;
using System.Text.Json;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using SoftShort.Tomography;

namespace SoftShort.Mechanics;

/// <summary>
/// The FE model against what the imaging measures (issue item 6; paper Fig. 6B, 2D–E, 5C): the core outline of a radiograph (the
/// pressed SE is wider than the rods where it fills the bulged bore), the Li that creeps into the gap (P4), and the Li foil in the
/// neutron tomograms. The measuring half works on a radiography sample folder (raw frames, open beam, dark field; the layout of
/// <c>softshort synth radiography</c>) and a neutron-CT sample folder (<see cref="NeutronCtSample"/>); the model half on a <see cref="CellFeResult"/>.
/// </summary>
public static class ImagingComparison
{
    /// <summary>Core radius measured on three row bands of a radiograph (µm): the anode rod, the Li foil, the SE pellet.</summary>
    /// <param name="PixelUm">Pixel size, µm.</param>
    /// <param name="RodRadiusUm">Core radius over the anode-rod rows, µm.</param>
    /// <param name="LiRadiusUm">Core radius over the Li foil rows, µm.</param>
    /// <param name="SeRadiusUm">Core radius over the SE pellet rows, µm.</param>
    /// <param name="RowRadiusUm">Core radius of every row (3-row bands; NaN where no outline is found), µm.</param>
    /// <param name="RowZUm">Height of every row above the SS|Li interface, µm.</param>
    public sealed record RadiographOutline(double PixelUm, double RodRadiusUm, double LiRadiusUm, double SeRadiusUm, double[] RowZUm, double[] RowRadiusUm)
    {
        /// <summary>The pellet's widening over the Li foil, µm: both absorb strongly, so their edges carry the same detection bias (≈ −1 px on
        /// the sample); the weakly absorbing SS rods' edge is found ≈ 3 px inside the true radius, so the rods are no reference.</summary>
        public double SeWideningUm => SeRadiusUm - LiRadiusUm;
    }

    /// <summary>The model's outline over the same heights (µm): core radius at the rod, the Li foil, the SE, and the gap left beside the Li foil.</summary>
    public sealed record ModelOutline(double RodRadiusUm, double LiRadiusUm, double SeRadiusUm, double GapBesideLiUm)
    {
        /// <summary>The pellet's widening over the Li foil, µm (as <see cref="RadiographOutline.SeWideningUm"/>).</summary>
        public double SeWideningUm => SeRadiusUm - LiRadiusUm;
    }

    /// <summary>
    /// Transmission T = (median of the sample frames − median dark) / (median open beam − median dark) of a radiography folder
    /// (<c>sample.tif</c>, <c>ob.tif</c>, <c>df.tif</c>). Medians over the frames remove the gamma spots a mean would keep.
    /// </summary>
    public static Image2D<float> Transmission(string radiographyDir)
    {
        Image2D<float> Median(string file)
        {
            string path = Path.Combine(radiographyDir, file);
            if (!File.Exists(path)) throw new InputException(path, "missing (expected a radiography sample folder: sample.tif, ob.tif, df.tif, summary.json)");
            var pages = Tiff.ReadPagesAsFloat(path).ToList();
            var m = new Image2D<float>(pages[0].Width, pages[0].Height);
            StackMedian.Median(pages.Select(p => p.Pixels).ToList(), m.Pixels, m.Width, m.Height);
            return m;
        }
        var s = Median("sample.tif"); var ob = Median("ob.tif"); var df = Median("df.tif");
        var t = new Image2D<float>(s.Width, s.Height);
        for (int i = 0; i < t.Pixels.Length; i++) t.Pixels[i] = (s.Pixels[i] - df.Pixels[i]) / Math.Max(1e-3f, ob.Pixels[i] - df.Pixels[i]);
        return t;
    }

    /// <summary>
    /// Measures the core outline of a radiography folder whose summary.json gives the pixel size and the layer rows
    /// (<c>pixel_size_um</c>, <c>ss_li_row_px</c>, <c>li_se_row_px</c>, <c>se_cathode_row_px</c>; the cell axis runs down the image, anode rod on top):
    /// the core radius (<see cref="CellOutline"/>) over the rod rows (from row 2 to 3 rows above SS|Li), the Li rows (2 rows inside
    /// the foil) and the SE rows (8 rows inside the pellet), each found near the whole frame's outline (<see cref="CellOutline.DetectNear"/>).
    /// </summary>
    public static RadiographOutline MeasureRadiograph(string radiographyDir)
    {
        string sumPath = Path.Combine(radiographyDir, "summary.json");
        JsonElement sum;
        try { sum = JsonDocument.Parse(File.ReadAllText(sumPath)).RootElement; }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException) { throw new InputException(sumPath, $"cannot read the sample's summary: {ex.Message}"); }
        double Get(string key) => sum.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new InputException(sumPath, $"no number '{key}'");
        double px = Get("pixel_size_um");
        int ssLi = (int)Math.Round(Get("ss_li_row_px")), liSe = (int)Math.Round(Get("li_se_row_px")), seCa = (int)Math.Round(Get("se_cathode_row_px"));
        var t = Transmission(radiographyDir);
        // Each height range is searched near the whole frame's edges: a free search in a few dark rows can take a noise slope
        // inside the core for an edge at a small-pixel camera (see CellOutline.DetectNear); the radius varies by far less.
        var whole = CellOutline.Detect(t);
        double Radius(int y0, int y1) => CellOutline.DetectNear(t, y0, y1, whole).RadiusPx * px;
        var z = new double[t.Height]; var rr = new double[t.Height];
        for (int y = 0; y < t.Height; y++)
        {
            z[y] = (y - ssLi) * px; // rows grow downwards from the anode rod towards the SE: the rod is at negative heights
            try { rr[y] = Radius(y - 1, y + 1); } catch (InputException) { rr[y] = double.NaN; }
        }
        return new RadiographOutline(px, Radius(2, ssLi - 3), Radius(ssLi + 2, liSe - 2), Radius(liSe + 8, seCa - 8), z, rr);
    }

    /// <summary>
    /// The model's outline in snapshot <paramref name="snapshot"/> (default 2: after stacking, the state of the radiographs' rest frames)
    /// over the heights <see cref="MeasureRadiograph"/> uses: the anode rod 0.05–0.45 mm below the Li, the Li foil, the SE 0.2 mm inside its faces.
    /// </summary>
    public static ModelOutline Model(CellFeResult r, CellFeConfig cfg, int snapshot = 2)
    {
        var o = r.WallOutline(snapshot);
        double tLi = cfg.LiThicknessUm / 1000, tSe = r.SeThicknessAfterReleaseUm / 1000;
        if (!(tSe > 0)) tSe = new CellGeometry().SeThicknessUm / 1000;
        double Mean(double z0, double z1) => o.Where(x => x.ZMm >= z0 - 1e-9 && x.ZMm <= z1 + 1e-9).Average(x => x.CoreRadiusMm) * 1000;
        double gap = o.Where(x => x.ZMm >= -1e-9 && x.ZMm <= tLi + 1e-9).Max(x => x.BoreRadiusMm - x.CoreRadiusMm) * 1000;
        return new ModelOutline(Mean(-0.45, -0.05), Mean(0, tLi), Mean(tLi + 0.2, tLi + tSe - 0.2), gap);
    }

    /// <summary>A band of the radiography sample's planted truth (<c>truth_bands.csv</c>): row, and Li change at the end, µm over the bore.</summary>
    public static (double RowPx, double FinalLiUm) PlantedBand(string radiographyDir, string band)
    {
        string path = Path.Combine(radiographyDir, "truth_bands.csv");
        if (!File.Exists(path)) throw new InputException(path, "missing");
        var lines = File.ReadAllLines(path);
        var head = lines[0].Split(',');
        int iRow = Array.IndexOf(head, "row_px"), iLi = Array.IndexOf(head, "final_li_um");
        if (iRow < 0 || iLi < 0) throw new InputException(path, "needs columns row_px and final_li_um");
        foreach (var l in lines.Skip(1))
        {
            var c = l.Split(',');
            if (c[0] == band) return (double.Parse(c[iRow], CultureInfo.InvariantCulture), double.Parse(c[iLi], CultureInfo.InvariantCulture));
        }
        throw new InputException(path, $"no band {band}");
    }

    /// <summary>The model's P4: Li pushed beyond the bore radius during the charge as µm of Li over the bore, and the height (µm above
    /// the anode-rod face) of the Li-weighted centroid of that gain at the wall — where a radiograph would place the band.</summary>
    public static (double LiUm, double CentroidUm) ModelP4(CellFeResult r)
    {
        double bore = Math.PI * 3.175 * 3.175;
        double um = (r.LiInGapAfterChargeMm3 - r.LiInGapAfterStackMm3) / bore * 1000;
        double w = 0, wz = 0;
        // NaN = no Li at that height (a remeshed run's outline profile): nothing beyond the bore there
        static double Beyond(double ur) => double.IsNaN(ur) ? 0 : Math.Max(0, ur);
        foreach (var x in r.LiWallProfile) { double g = Math.Max(0, Beyond(x.UrChargeUm) - Beyond(x.UrStackUm)); w += g; wz += g * x.ZMm * 1000; }
        return (um, w > 0 ? wz / w : double.NaN);
    }

    /// <summary>Li foil in a neutron-CT sample folder, before and after: azimuthal-mean thickness (µm) of the μ ≥ threshold voxels vs radius,
    /// and the change of the Li volume beyond the bore radius (mm³).</summary>
    public sealed record CtFoil(double[] RadiusUm, double[] ThicknessBeforeUm, double[] ThicknessAfterUm, double BeyondBoreChangeMm3, double PixelUm);

    /// <summary>
    /// Reconstructs the before/after scans of a neutron-CT sample folder (every <paramref name="angleStride"/>-th projection, Shepp–Logan FBP),
    /// thresholds them at <paramref name="thresholdPerCm"/> (paper: 2.9 cm⁻¹ extracts the Li) and profiles the Li thickness map about its own
    /// thickness-weighted centre (the after scan was moved; the one-sided creep pocket shifts that centre by a fraction of a voxel).
    /// </summary>
    public static CtFoil MeasureCt(string ctDir, int angleStride = 2, double thresholdPerCm = 2.9, double binUm = 200, int bins = 20)
    {
        string sumPath = Path.Combine(ctDir, "summary.json");
        JsonElement sum;
        try { sum = JsonDocument.Parse(File.ReadAllText(sumPath)).RootElement; }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException) { throw new InputException(sumPath, $"cannot read the sample's summary: {ex.Message}"); }
        double px = sum.GetProperty("parameters").GetProperty("pixel_um").GetDouble();
        var angles = NeutronCtSample.ReadAngles(ctDir);
        var norm = NeutronCtPipeline.LoadNormalizer(Path.Combine(ctDir, NeutronCtSample.OpenBeamFile), Path.Combine(ctDir, NeutronCtSample.DarkFieldFile));
        var opt = new VolumeReconstructionOptions { Fbp = new FbpOptions { Filter = FbpFilter.SheppLogan, PixelSizeUm = px } };
        Image2D<float> Li(string file)
        {
            var (v, _) = NeutronCtPipeline.ReconstructFile(Path.Combine(ctDir, file), angles, norm, opt, null, angleStride);
            return AttenuationComparison.Threshold(v, [thresholdPerCm])[0].ThicknessUm;
        }
        var before = Li(NeutronCtSample.BeforeFile); var after = Li(NeutronCtSample.AfterFile);
        (double X, double Y) Centre(Image2D<float> m)
        {
            double s = 0, sx = 0, sy = 0;
            for (int y = 0; y < m.Height; y++) for (int x = 0; x < m.Width; x++) { double v = m[y, x]; s += v; sx += v * x; sy += v * y; }
            return (sx / s, sy / s);
        }
        (double[] Profile, double BeyondMm3) Profile(Image2D<float> m)
        {
            var c = Centre(m); var sumB = new double[bins]; var cnt = new int[bins]; double beyond = 0;
            for (int y = 0; y < m.Height; y++)
                for (int x = 0; x < m.Width; x++)
                {
                    double rUm = Math.Sqrt((x - c.X) * (x - c.X) + (y - c.Y) * (y - c.Y)) * px;
                    int b = (int)(rUm / binUm);
                    if (b < bins) { sumB[b] += m[y, x]; cnt[b]++; }
                    if (rUm > 3175 + px) beyond += m[y, x] * 1e-3 * px * px * 1e-6; // µm → mm thickness × pixel area mm²
                }
            return (sumB.Select((v, i) => cnt[i] > 0 ? v / cnt[i] : double.NaN).ToArray(), beyond);
        }
        var (pb, vb) = Profile(before); var (pa, va) = Profile(after);
        return new CtFoil([.. Enumerable.Range(0, bins).Select(i => (i + 0.5) * binUm)], pb, pa, va - vb, px);
    }
}
