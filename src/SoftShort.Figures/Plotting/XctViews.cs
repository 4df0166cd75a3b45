using Plotly.NET;
using Plotly.NET.CSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SoftShort.Imaging;
using SoftShort.Xct;
using CChart = Plotly.NET.CSharp.Chart;

namespace SoftShort.Figures.Plotting;

/// <summary>Category of a labelled region for display (Fig. 3I colours).</summary>
public enum RegionCategory : byte { None = 0, AnodeConnected = 1, IsolatedLarge = 2, Small = 3 }

/// <summary>
/// Views of a segmented XCT volume: grey slices with the region overlay (red = connected to the Li anode, blue = isolated
/// above the size filter, as Fig. 3I), a see-through side projection of the regions, and an interactive 3D point view.
/// </summary>
public static class XctViews
{
    public static readonly Rgb Red = new(220, 40, 40), Blue = new(40, 90, 230);

    /// <summary>Category of every label (index = label) from the region table.</summary>
    public static RegionCategory[] Categories(XctResult r)
    {
        var c = new RegionCategory[r.ComponentCount + 1];
        foreach (var g in r.Regions)
            c[g.Label] = g.TouchesAnode ? RegionCategory.AnodeConnected : g.PassesSizeFilter ? RegionCategory.IsolatedLarge : RegionCategory.Small;
        return c;
    }

    /// <summary>
    /// A grey slice with the overlay: top view (axis "z", index = slice) or side view through the volume (axis "y", index = row).
    /// Grey range: 1–99 percentiles of the slice. The image is enlarged by an integer factor to at least <paramref name="minSize"/> px.
    /// </summary>
    public static PngFigure SliceOverlay(Volume3D<float> grey, Volume3D<uint>? labels, RegionCategory[]? cat, char axis, int index, double alpha = 0.55, int minSize = 360)
    {
        int w, h;
        Func<int, int, (float G, uint L)> at;
        if (axis == 'z') { w = grey.Width; h = grey.Height; at = (x, y) => (grey[index, y, x], labels is null ? 0 : labels[index, y, x]); }
        else { w = grey.Width; h = grey.Depth; at = (x, z) => (grey[z, index, x], labels is null ? 0 : labels[z, index, x]); }
        var vals = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) vals[y * w + x] = at(x, y).G;
        var sorted = (float[])vals.Clone();
        Array.Sort(sorted);
        float lo = sorted[(int)(0.01 * (sorted.Length - 1))], hi = sorted[(int)(0.99 * (sorted.Length - 1))];
        if (hi <= lo) hi = lo + 1;
        int k = Math.Max(1, (int)Math.Ceiling((double)minSize / Math.Max(w, h)));
        var rgb = new Rgb24[w * k * h * k];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (g, l) = at(x, y);
                double t = Math.Clamp((g - lo) / (hi - lo), 0, 1);
                double r = t, gg = t, b = t;
                var c = cat is null || l == 0 ? RegionCategory.None : cat[l];
                if (c is RegionCategory.AnodeConnected or RegionCategory.IsolatedLarge)
                {
                    var col = c == RegionCategory.AnodeConnected ? Red : Blue;
                    r = (1 - alpha) * t + alpha * col.R / 255.0; gg = (1 - alpha) * t + alpha * col.G / 255.0; b = (1 - alpha) * t + alpha * col.B / 255.0;
                }
                var px = new Rgb24((byte)(255 * r), (byte)(255 * gg), (byte)(255 * b));
                for (int dy = 0; dy < k; dy++) for (int dx = 0; dx < k; dx++) rgb[(y * k + dy) * w * k + x * k + dx] = px;
            }
        return Encode(rgb, w * k, h * k);
    }

    /// <summary>
    /// See-through side view of the regions (Fig. 3I stand-in): for each (z, x), the share of the y-column that is red or blue,
    /// drawn as colour depth on white; the cell's axis runs down the image.
    /// </summary>
    public static PngFigure SideProjection(Volume3D<uint> labels, RegionCategory[] cat, int z0, int z1, int minSize = 420)
    {
        int w = labels.Width, h = z1 - z0 + 1, n = labels.Height;
        var red = new int[w * h]; var blue = new int[w * h];
        for (int z = z0; z <= z1; z++)
            for (int y = 0; y < n; y++)
            {
                var row = labels.Row(z, y);
                for (int x = 0; x < w; x++)
                {
                    var c = cat[row[x]];
                    if (c == RegionCategory.AnodeConnected) red[(z - z0) * w + x]++;
                    else if (c == RegionCategory.IsolatedLarge) blue[(z - z0) * w + x]++;
                }
            }
        int k = Math.Max(1, (int)Math.Ceiling((double)minSize / Math.Max(w, h)));
        var rgb = new Rgb24[w * k * h * k];
        double scale = 0.2 * n; // a column 20 % filled saturates
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double fr = Math.Min(1, red[y * w + x] / scale), fb = Math.Min(1, blue[y * w + x] / scale);
                double r = 1 - fb * (1 - Blue.R / 255.0), g = 1 - fr * (1 - Red.G / 255.0) - fb * (1 - Blue.G / 255.0), b = 1 - fr * (1 - Red.B / 255.0);
                var px = new Rgb24((byte)(255 * Math.Clamp(r, 0, 1)), (byte)(255 * Math.Clamp(g, 0, 1)), (byte)(255 * Math.Clamp(b, 0, 1)));
                for (int dy = 0; dy < k; dy++) for (int dx = 0; dx < k; dx++) rgb[(y * k + dy) * w * k + x * k + dx] = px;
            }
        return Encode(rgb, w * k, h * k);
    }

    /// <summary>
    /// Interactive 3D view: voxels of red and blue regions on a coarse grid (every <paramref name="step"/>-th voxel per axis,
    /// at most <paramref name="maxPoints"/> per class) as Plotly 3D points in µm, so the view stays responsive in a notebook.
    /// </summary>
    public static GenericChart Points3D(Volume3D<uint> labels, RegionCategory[] cat, double spacingUm, int step = 3, int maxPoints = 15000)
    {
        var pts = new[] { (X: new List<double>(), Y: new List<double>(), Z: new List<double>()), (X: new List<double>(), Y: new List<double>(), Z: new List<double>()) };
        for (int z = 0; z < labels.Depth; z += step)
            for (int y = 0; y < labels.Height; y += step)
                for (int x = 0; x < labels.Width; x += step)
                {
                    var c = cat[labels[z, y, x]];
                    int i = c == RegionCategory.AnodeConnected ? 0 : c == RegionCategory.IsolatedLarge ? 1 : -1;
                    if (i < 0 || pts[i].X.Count >= maxPoints) continue;
                    pts[i].X.Add(x * spacingUm); pts[i].Y.Add(y * spacingUm); pts[i].Z.Add(z * spacingUm);
                }
        var red = CChart.Point3D<double, double, double, string>(pts[0].X, pts[0].Y, pts[0].Z, Name: "connected to the Li anode", MarkerColor: Plotly.NET.Color.fromString(Red.Hex));
        var blue = CChart.Point3D<double, double, double, string>(pts[1].X, pts[1].Y, pts[1].Z, Name: "isolated", MarkerColor: Plotly.NET.Color.fromString(Blue.Hex), Opacity: 0.5);
        return CChart.Combine([red, blue]).WithSize(760, 640);
    }

    /// <summary>A triangle mesh: vertex coordinates (µm) and triangles as vertex-index triples.</summary>
    public sealed record Mesh(double[] X, double[] Y, double[] Z, int[] I, int[] J, int[] K)
    {
        public int Vertices => X.Length;
        public int Triangles => I.Length;
    }

    /// <summary>
    /// Surface meshes of the red (anode-connected) and blue (isolated, above the size filter) regions on a down-sampled grid:
    /// each block of <c>step</c>³ voxels takes the class of any voxel in it (red before blue, so thin filaments survive), and
    /// every block face between a class and anything else becomes two triangles (a voxel-face "cuberille" surface, Herman &amp;
    /// Liu, Comput. Graph. Image Process. 9 (1979) 1), with shared corners merged. The step grows from
    /// <paramref name="minStep"/> until both meshes together have at most <paramref name="maxVertices"/> vertices, so the
    /// view stays responsive.
    /// </summary>
    public static (Mesh Red, Mesh Blue, int Step) SurfaceMeshes(Volume3D<uint> labels, RegionCategory[] cat, double spacingZUm, double spacingYUm, double spacingXUm,
        int maxVertices = 60000, int minStep = 2)
    {
        for (int step = Math.Max(1, minStep); ; step++)
        {
            int gd = (labels.Depth + step - 1) / step, gh = (labels.Height + step - 1) / step, gw = (labels.Width + step - 1) / step;
            var grid = new byte[(long)gd * gh * gw];
            for (int z = 0; z < labels.Depth; z++)
                for (int y = 0; y < labels.Height; y++)
                {
                    var row = labels.Row(z, y);
                    long g0 = ((long)(z / step) * gh + y / step) * gw;
                    for (int x = 0; x < labels.Width; x++)
                    {
                        var c = cat[row[x]];
                        if (c == RegionCategory.AnodeConnected) grid[g0 + x / step] = 1;
                        else if (c == RegionCategory.IsolatedLarge && grid[g0 + x / step] == 0) grid[g0 + x / step] = 2;
                    }
                }
            var red = Faces(grid, gd, gh, gw, 1, step, spacingZUm, spacingYUm, spacingXUm, maxVertices);
            var blue = red is null ? null : Faces(grid, gd, gh, gw, 2, step, spacingZUm, spacingYUm, spacingXUm, maxVertices - red.Vertices);
            if (red is not null && blue is not null) return (red, blue, step);
        }
    }

    /// <summary>Boundary faces of one class on the block grid, or null when they need more than <paramref name="maxVertices"/> vertices.</summary>
    static Mesh? Faces(byte[] grid, int gd, int gh, int gw, byte cls, int step, double sz, double sy, double sx, int maxVertices)
    {
        var index = new Dictionary<long, int>();
        var X = new List<double>(); var Y = new List<double>(); var Z = new List<double>();
        var I = new List<int>(); var J = new List<int>(); var K = new List<int>();
        byte At(int z, int y, int x) => z < 0 || y < 0 || x < 0 || z >= gd || y >= gh || x >= gw ? (byte)0 : grid[((long)z * gh + y) * gw + x];
        int V(int z, int y, int x)
        {
            long key = ((long)z * (gh + 1) + y) * (gw + 1) + x;
            if (!index.TryGetValue(key, out int v))
            {
                v = X.Count; index[key] = v;
                X.Add(x * step * sx); Y.Add(y * step * sy); Z.Add(z * step * sz);
            }
            return v;
        }
        void Quad(int a, int b, int c, int d) { I.Add(a); J.Add(b); K.Add(c); I.Add(a); J.Add(c); K.Add(d); }
        for (int z = 0; z < gd; z++)
            for (int y = 0; y < gh; y++)
                for (int x = 0; x < gw; x++)
                {
                    if (grid[((long)z * gh + y) * gw + x] != cls) continue;
                    if (At(z, y, x - 1) != cls) Quad(V(z, y, x), V(z + 1, y, x), V(z + 1, y + 1, x), V(z, y + 1, x));
                    if (At(z, y, x + 1) != cls) Quad(V(z, y, x + 1), V(z, y + 1, x + 1), V(z + 1, y + 1, x + 1), V(z + 1, y, x + 1));
                    if (At(z, y - 1, x) != cls) Quad(V(z, y, x), V(z, y, x + 1), V(z + 1, y, x + 1), V(z + 1, y, x));
                    if (At(z, y + 1, x) != cls) Quad(V(z, y + 1, x), V(z + 1, y + 1, x), V(z + 1, y + 1, x + 1), V(z, y + 1, x + 1));
                    if (At(z - 1, y, x) != cls) Quad(V(z, y, x), V(z, y + 1, x), V(z, y + 1, x + 1), V(z, y, x + 1));
                    if (At(z + 1, y, x) != cls) Quad(V(z + 1, y, x), V(z + 1, y, x + 1), V(z + 1, y + 1, x + 1), V(z + 1, y + 1, x));
                    if (X.Count > maxVertices) return null;
                }
        return new Mesh(X.ToArray(), Y.ToArray(), Z.ToArray(), I.ToArray(), J.ToArray(), K.ToArray());
    }

    /// <summary>
    /// Interactive 3D surface view (Plotly mesh3d) of the red and blue regions from <see cref="SurfaceMeshes"/>, axes in µm,
    /// at most <paramref name="maxVertices"/> vertices in all.
    /// </summary>
    public static GenericChart Surface3D(Volume3D<uint> labels, RegionCategory[] cat, double spacingZUm, double spacingYUm, double spacingXUm, int maxVertices = 60000)
    {
        var (red, blue, _) = SurfaceMeshes(labels, cat, spacingZUm, spacingYUm, spacingXUm, maxVertices);
        var r = CChart.Mesh3D<double, double, double, int, int, int, string>(red.X, red.Y, red.Z, red.I, red.J, red.K,
            Name: "connected to the Li anode", ShowLegend: true, Color: Plotly.NET.Color.fromString(Red.Hex), FlatShading: true);
        var b = CChart.Mesh3D<double, double, double, int, int, int, string>(blue.X, blue.Y, blue.Z, blue.I, blue.J, blue.K,
            Name: "isolated", ShowLegend: true, Opacity: 0.45, Color: Plotly.NET.Color.fromString(Blue.Hex), FlatShading: true);
        return CChart.Combine([r, b]).WithSize(760, 640);
    }

    static PngFigure Encode(Rgb24[] rgb, int w, int h)
    {
        using var img = new Image<Rgb24>(w, h);
        img.ProcessPixelRows(acc =>
        {
            for (int y = 0; y < h; y++) rgb.AsSpan(y * w, w).CopyTo(acc.GetRowSpan(y));
        });
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return new PngFigure(ms.ToArray(), w, h);
    }
}
