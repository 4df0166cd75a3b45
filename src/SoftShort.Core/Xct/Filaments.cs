using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Xct;

/// <summary>
/// One filament of the anode-connected network: a connected piece of that network inside the SE (the pieces are joined
/// only through the Li foil, so each grows from its own root on the SE|Li interface).
/// </summary>
/// <param name="Rank">1 = longest.</param>
/// <param name="NetworkLabel">Label of the anode-connected region (whole-volume labelling) it belongs to.</param>
/// <param name="VolumeUm3">Its volume inside the SE, µm³.</param>
/// <param name="LengthUm">How far it reaches into the SE along the cell axis: from the SE|Li interface to the far face of its deepest slice, µm.</param>
/// <param name="LengthFraction">LengthUm as a fraction of the SE thickness.</param>
/// <param name="RootZ">SE slice next to the SE|Li interface, where the root is measured.</param>
/// <param name="RootCentreX">Centroid x of the root blob, voxels (pixel centres at +0.5).</param>
/// <param name="RootCentreY">Centroid y of the root blob, voxels.</param>
/// <param name="RootDiameterUm">Its width in <paramref name="RootZ"/>: diameter of the largest disc inscribed in its cross-section on its axis, µm (see <see cref="FilamentAnalysis"/>).</param>
/// <param name="TipZ">Its deepest slice.</param>
/// <param name="TipCentreX">Centroid x of its voxels in the deepest slice, voxels.</param>
/// <param name="TipCentreY">Centroid y of its voxels in the deepest slice, voxels.</param>
/// <param name="TipMeasureZ">Slice of the tip width: <see cref="FilamentAnalysis.TipBackoffSlices"/> back from TipZ towards the anode (the last slices cut the rounded end).</param>
/// <param name="TipDiameterUm">Its width (inscribed-disc diameter on its axis) in TipMeasureZ, µm.</param>
public sealed record Filament(int Rank, uint NetworkLabel, double VolumeUm3, double LengthUm, double LengthFraction,
    int RootZ, double RootCentreX, double RootCentreY, double RootDiameterUm,
    int TipZ, double TipCentreX, double TipCentreY, int TipMeasureZ, double TipDiameterUm);

/// <summary>
/// Filaments of the anode-connected (red) network: the network's voxels inside the SE are labelled again on their own, so
/// that filaments joined only through the Li foil come apart; each piece touching the SE slice next to the SE|Li interface
/// is a filament. Its length is how far it reaches into the SE along the axis (paper: "can reach 1.5 mm", about half the SE);
/// its root width its diameter at the interface ("broad in the root"), its tip width that near its deepest slice ("thin in
/// the tip"; Cao et al. 2023, Fig. 3D, E).
/// <para>Width = local thickness (Hildebrand &amp; Rüegsegger, J. Microsc. 185 (1997) 67) of the cross-section on the
/// filament's axis: the axis is followed from the tip back to the interface, in each slice moving to a neighbouring pixel
/// only when it lies deeper inside the piece than the previous axis point (two pixels when the piece has left that point),
/// and the width is 2d − 1 pixels, d being that pixel's
/// distance to the nearest background pixel (1 pixel for a line one pixel wide). The equivalent diameter of the whole
/// cross-section, 2√(A/π), is not used: next to the Li the roots and their side branches touch one another (the paper's
/// "web-like structure"), and the blob of a root in the interface slice is then several roots wide.</para>
/// </summary>
public static class FilamentAnalysis
{
    /// <summary>Slices between the deepest slice and the slice where the tip width is measured.</summary>
    public const int TipBackoffSlices = 2;

    /// <param name="runs">Run labelling of the low-attenuation voxels (whole volume).</param>
    /// <param name="anodeConnected">Per label (index = label): the region touches the anode side.</param>
    /// <param name="itf">Cathode|SE and SE|Li interfaces (slice coordinates).</param>
    /// <param name="spacing">Voxel spacing, µm.</param>
    /// <param name="connectivity">Connectivity of the pieces (default 26; the tip blobs are 4-connected for 6, else 8-connected).</param>
    /// <param name="progress">Optional progress.</param>
    /// <param name="maxFilaments">Widths are measured for the longest this many filaments (default 20).</param>
    public static IReadOnlyList<Filament> Measure(RunLabels runs, bool[] anodeConnected, CellInterfaces itf, VolumeSpacing spacing,
        Connectivity connectivity = Connectivity.TwentySix, int maxFilaments = 20, IProgress<ProgressReport>? progress = null)
    {
        int d = runs.Depth, h = runs.Height, w = runs.Width;
        int zLo = -1, zHi = -1;
        for (int z = 0; z < d; z++) if (itf.LayerOf(z, 1) == 0) { if (zLo < 0) zLo = z; zHi = z; }
        if (zLo < 0) return [];
        // SE slice next to the SE|Li interface
        int zRoot = itf.AnodeAtHighZ ? zHi : zLo;
        int seDepth = zHi - zLo + 1;
        var sub = new Volume3D<byte>(seDepth, h, w);
        bool any = false;
        for (int z = zLo; z <= zHi; z++)
        {
            var sl = sub.Slice(z - zLo);
            for (int y = 0; y < h; y++)
            {
                var rr = runs.Runs(z, y);
                var ll = runs.Labels(z, y);
                for (int i = 0; i < rr.Length; i++)
                    if (anodeConnected[ll[i]]) { sl.Slice(y * w + RunLabels.Start(rr[i]), RunLabels.End(rr[i]) - RunLabels.Start(rr[i]) + 1).Fill(1); any = true; }
            }
        }
        if (!any) return [];
        var pieces = ConnectedComponents.LabelRuns(sub, connectivity, progress);
        sub = null!;
        long n = pieces.Count + 1;
        var atRoot = new bool[n];
        var deepest = new int[n];
        var vox = new long[n];
        var network = new uint[n];
        Array.Fill(deepest, -1);
        for (int zs = 0; zs < seDepth; zs++)
        {
            int z = zs + zLo;
            for (int y = 0; y < h; y++)
            {
                var rr = pieces.Runs(zs, y);
                var ll = pieces.Labels(zs, y);
                for (int i = 0; i < rr.Length; i++)
                {
                    uint l = ll[i];
                    vox[l] += RunLabels.End(rr[i]) - RunLabels.Start(rr[i]) + 1;
                    if (z == zRoot) atRoot[l] = true;
                    // deepest = farthest from the anode
                    if (deepest[l] < 0 || (itf.AnodeAtHighZ ? z < deepest[l] : z > deepest[l])) deepest[l] = z;
                    if (network[l] == 0) network[l] = FindLabel(runs, z, y, RunLabels.Start(rr[i]));
                }
            }
        }
        double Length(int zTip) => (itf.AnodeAtHighZ ? itf.AnodeZ - zTip : zTip + 1 - itf.AnodeZ) * spacing.ZUm;
        var order = Enumerable.Range(1, (int)pieces.Count).Where(l => atRoot[l])
            .OrderByDescending(l => Length(deepest[l])).ThenBy(l => l).Take(maxFilaments).ToList();
        double pixelSize = Math.Sqrt(spacing.XUm * spacing.YUm);
        bool eight = connectivity != Connectivity.Six;
        var result = new List<Filament>(order.Count);
        foreach (int l in order)
        {
            // follow the filament's axis from its tip back to the interface: in each slice, the pixel of the piece within two
            // pixels of the previous axis point that lies deepest inside it (largest distance to the background)
            int zTip = deepest[l], step = itf.AnodeAtHighZ ? 1 : -1;
            var tipBlobs = Blobs(pieces, zTip - zLo, (uint)l, eight);
            double tx = tipBlobs.Sum(b => b.Cx * b.Area) / tipBlobs.Sum(b => b.Area), ty = tipBlobs.Sum(b => b.Cy * b.Area) / tipBlobs.Sum(b => b.Area);
            int back = Math.Min(TipBackoffSlices, Math.Abs(zTip - zRoot));
            int zMeas = zTip + step * back;
            var axis = ((int)Math.Floor(tx), (int)Math.Floor(ty));
            double tipWidth = double.NaN, rootWidth = double.NaN;
            for (int z = zTip; ; z += step)
            {
                var win = new Window(pieces, z - zLo, (uint)l, axis.Item1, axis.Item2);
                // stay on the axis unless a neighbouring pixel lies deeper inside (so it does not drift into thicker roots that
                // touch it); jump up to two pixels only when the filament has left the previous axis pixel
                var (ax, ay, dist) = win.DeepestNear(axis.Item1, axis.Item2, z == zTip ? 3 : 1);
                double here = win.Distance(axis.Item1, axis.Item2);
                if (z != zTip && here > 0 && dist <= here) dist = here;
                else
                {
                    if (dist <= 0) (ax, ay, dist) = win.DeepestNear(axis.Item1, axis.Item2, 2);
                    if (dist > 0) axis = (ax, ay);
                }
                if (z == zMeas) tipWidth = Math.Max(0, 2 * dist - 1);
                if (z == zRoot) { rootWidth = Math.Max(0, 2 * dist - 1); break; }
            }
            double rx = axis.Item1 + 0.5, ry = axis.Item2 + 0.5;
            double len = Length(zTip);
            result.Add(new Filament(result.Count + 1, network[l], vox[l] * spacing.VoxelVolumeUm3, len, len / (itf.SeThicknessSlices * spacing.ZUm),
                zRoot, rx, ry, rootWidth * pixelSize, zTip, tx, ty, zMeas, tipWidth * pixelSize));
        }
        return result;
    }

    /// <summary>A (2R+1)² window of one label's pixels in one slice, centred on a pixel, for distance-to-background queries.</summary>
    sealed class Window
    {
        const int R = 64;
        readonly bool[] _in = new bool[(2 * R + 1) * (2 * R + 1)];
        readonly int _cx, _cy, _w, _h;

        public Window(RunLabels runs, int z, uint label, int cx, int cy)
        {
            _cx = cx; _cy = cy; _w = runs.Width; _h = runs.Height;
            for (int y = Math.Max(0, cy - R); y <= Math.Min(_h - 1, cy + R); y++)
            {
                var rr = runs.Runs(z, y);
                var ll = runs.Labels(z, y);
                for (int i = 0; i < rr.Length; i++)
                {
                    if (ll[i] != label) continue;
                    int a = Math.Max(RunLabels.Start(rr[i]), cx - R), b = Math.Min(RunLabels.End(rr[i]), cx + R);
                    for (int x = a; x <= b; x++) _in[(y - cy + R) * (2 * R + 1) + x - cx + R] = true;
                }
            }
        }

        bool In(int x, int y)
        {
            int u = x - _cx + R, v = y - _cy + R;
            return u >= 0 && u <= 2 * R && v >= 0 && v <= 2 * R && _in[v * (2 * R + 1) + u];
        }

        /// <summary>Distance (pixel centres) from (x, y) to the nearest pixel outside the label, 0 when (x, y) is outside; capped near R.</summary>
        public double Distance(int x, int y)
        {
            if (!In(x, y)) return 0;
            double best = double.PositiveInfinity;
            for (int k = 1; k < R; k++)
            {
                if (k >= best) break;
                for (int d = -k; d <= k; d++)
                    foreach (var (px, py) in new[] { (x + d, y - k), (x + d, y + k), (x - k, y + d), (x + k, y + d) })
                        if (!In(px, py)) best = Math.Min(best, Math.Sqrt((double)(px - x) * (px - x) + (double)(py - y) * (py - y)));
            }
            return Math.Min(best, R);
        }

        /// <summary>The pixel within Chebyshev distance <paramref name="reach"/> of (x, y) with the largest distance to the background (ties: nearest to (x, y)).</summary>
        public (int X, int Y, double Distance) DeepestNear(int x, int y, int reach)
        {
            (int, int, double) best = (x, y, 0);
            double bestD2 = double.PositiveInfinity;
            for (int dy = -reach; dy <= reach; dy++)
                for (int dx = -reach; dx <= reach; dx++)
                {
                    double dist = Distance(x + dx, y + dy);
                    if (dist <= 0) continue;
                    double d2 = dx * dx + dy * dy;
                    if (dist > best.Item3 || (dist == best.Item3 && d2 < bestD2)) { best = (x + dx, y + dy, dist); bestD2 = d2; }
                }
            return best;
        }
    }

    /// <summary>True when pixel index <paramref name="px"/> (y·w + x) is in <paramref name="set"/> or, 8-connected (4 for <paramref name="eight"/> false), next to it.</summary>
    static bool Touches(HashSet<int> set, int px, int w, bool eight)
    {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                if ((eight || dx == 0 || dy == 0) && set.Contains(px + dy * w + dx)) return true;
        return false;
    }

    static uint FindLabel(RunLabels runs, int z, int y, int x)
    {
        var rr = runs.Runs(z, y);
        for (int i = 0; i < rr.Length; i++) if (RunLabels.Start(rr[i]) <= x && x <= RunLabels.End(rr[i])) return runs.Labels(z, y)[i];
        return 0;
    }

    /// <summary>2D blobs (4- or 8-connected) of one label in one slice of a run labelling: area in pixels and centroid (pixel centres at +0.5).</summary>
    internal sealed record Blob(long Area, double Cx, double Cy, HashSet<int> Pixels);

    internal static List<Blob> Blobs(RunLabels runs, int z, uint label, bool eightConnected)
    {
        int h = runs.Height, w = runs.Width;
        int y0 = int.MaxValue, y1 = -1, x0 = int.MaxValue, x1 = -1;
        for (int y = 0; y < h; y++)
        {
            var rr = runs.Runs(z, y);
            var ll = runs.Labels(z, y);
            for (int i = 0; i < rr.Length; i++)
                if (ll[i] == label)
                {
                    y0 = Math.Min(y0, y); y1 = y;
                    x0 = Math.Min(x0, RunLabels.Start(rr[i])); x1 = Math.Max(x1, RunLabels.End(rr[i]));
                }
        }
        var blobs = new List<Blob>();
        if (y1 < 0) return blobs;
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        var img = new int[bw * bh]; // 0 = empty, −1 = foreground unvisited, k > 0 = blob k
        for (int y = y0; y <= y1; y++)
        {
            var rr = runs.Runs(z, y);
            var ll = runs.Labels(z, y);
            for (int i = 0; i < rr.Length; i++)
                if (ll[i] == label)
                    img.AsSpan((y - y0) * bw + RunLabels.Start(rr[i]) - x0, RunLabels.End(rr[i]) - RunLabels.Start(rr[i]) + 1).Fill(-1);
        }
        var stack = new Stack<int>();
        for (int s = 0; s < img.Length; s++)
        {
            if (img[s] != -1) continue;
            int k = blobs.Count + 1;
            long area = 0; double sx = 0, sy = 0;
            var pixels = new HashSet<int>();
            img[s] = k; stack.Push(s);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int px = p % bw, py = p / bw;
                area++; sx += px + x0 + 0.5; sy += py + y0 + 0.5;
                pixels.Add((py + y0) * w + px + x0);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        if ((dx == 0 && dy == 0) || (!eightConnected && dx != 0 && dy != 0)) continue;
                        int qx = px + dx, qy = py + dy;
                        if (qx < 0 || qx >= bw || qy < 0 || qy >= bh) continue;
                        int q = qy * bw + qx;
                        if (img[q] == -1) { img[q] = k; stack.Push(q); }
                    }
            }
            blobs.Add(new Blob(area, sx / area, sy / area, pixels));
        }
        return blobs;
    }
}
