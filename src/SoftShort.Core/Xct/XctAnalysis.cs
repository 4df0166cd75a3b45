using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Xct;

/// <summary>
/// The cell's geometric mask: the inner cylinder of the tube (axis along z), shrunk by a margin. Needed because air
/// outside the tube and pores inside the cell have the same grey level.
/// </summary>
public sealed record CellMask(double CentreX, double CentreY, double BoreRadiusVoxels, double RadiusVoxels, int Width, int Height)
{
    /// <summary>True when the voxel centre (x + 0.5, y + 0.5) lies inside the mask radius.</summary>
    public bool Contains(int x, int y)
    {
        double dx = x + 0.5 - CentreX, dy = y + 0.5 - CentreY;
        return dx * dx + dy * dy < RadiusVoxels * RadiusVoxels;
    }

    /// <summary>The mask as a row-major byte image (1 inside).</summary>
    public byte[] ToBytes()
    {
        var m = new byte[Width * Height];
        for (int y = 0; y < Height; y++) for (int x = 0; x < Width; x++) if (Contains(x, y)) m[y * Width + x] = 1;
        return m;
    }

    /// <summary>
    /// Finds the tube bore automatically: the mean of all slices is bright inside the bore (SE, electrodes, rods) and dark
    /// in the polymer wall and the air; the Otsu threshold of that mean image separates the bore, whose centroid and area
    /// (r = √(A/π)) give the cylinder. <paramref name="marginVoxels"/> (default 2) keeps the wall's blurred edge out.
    /// </summary>
    public static CellMask Detect(IVolumeSource src, double marginVoxels = 2, IProgress<ProgressReport>? progress = null)
    {
        InputException.Require(double.IsFinite(marginVoxels) && marginVoxels >= 0, "--mask-margin", $"{marginVoxels}: must be ≥ 0 voxels");
        int w = src.Width, h = src.Height;
        var sum = new double[w * h];
        var buf = new float[w * h];
        for (int z = 0; z < src.Depth; z++)
        {
            src.ReadSlice(z, buf);
            for (int i = 0; i < buf.Length; i++) sum[i] += buf[i];
            if ((z & 15) == 0) progress?.Report(new ProgressReport("cell mask", (double)z / src.Depth));
        }
        var mean = new float[w * h];
        for (int i = 0; i < mean.Length; i++) mean[i] = (float)(sum[i] / src.Depth);
        var hist = Histogram.Of(mean);
        double t = Thresholds.Otsu(hist);
        // largest 4-connected blob above the threshold (flood fill)
        var lab = new int[w * h];
        int best = 0, bestLabel = 0, next = 0;
        var stack = new Stack<int>();
        for (int i = 0; i < lab.Length; i++)
        {
            if (lab[i] != 0 || mean[i] <= t) continue;
            int l = ++next, n = 0;
            lab[i] = l; stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop(); n++;
                int px = p % w, py = p / w;
                void Try(int q) { if (lab[q] == 0 && mean[q] > t) { lab[q] = l; stack.Push(q); } }
                if (px > 0) Try(p - 1);
                if (px < w - 1) Try(p + 1);
                if (py > 0) Try(p - w);
                if (py < h - 1) Try(p + w);
            }
            if (n > best) { best = n; bestLabel = l; }
        }
        InputException.Require(best > 16, src.Path, "no bright cell interior found for the cell mask; give --mask-center/--mask-radius");
        double sx = 0, sy = 0;
        for (int i = 0; i < lab.Length; i++) if (lab[i] == bestLabel) { sx += i % w + 0.5; sy += i / w + 0.5; }
        double cx = sx / best, cy = sy / best, r = Math.Sqrt(best / Math.PI);
        progress?.Report(new ProgressReport("cell mask", 1));
        return new CellMask(cx, cy, r, Math.Max(0.5, r - marginVoxels), w, h);
    }
}

/// <summary>Interfaces along the cell axis, in slice coordinates (slice z covers [z, z+1)).</summary>
public sealed record CellInterfaces(double CathodeZ, double AnodeZ)
{
    /// <summary>True when the anode is at larger z than the cathode.</summary>
    public bool AnodeAtHighZ => AnodeZ > CathodeZ;
    public double SeThicknessSlices => Math.Abs(AnodeZ - CathodeZ);
    /// <summary>Layer (0 = cathode side) of a slice centre, or −1 outside the SE.</summary>
    public int LayerOf(int z, int layers)
    {
        double c = z + 0.5;
        double f = (c - CathodeZ) / (AnodeZ - CathodeZ);
        return f is > 0 and < 1 ? Math.Min(layers - 1, (int)(f * layers)) : -1;
    }
    /// <summary>True when the slice centre lies beyond the SE|anode interface (in the Li / anode side).</summary>
    public bool IsAnodeSide(int z) => AnodeAtHighZ ? z + 0.5 > AnodeZ : z + 0.5 < AnodeZ;
    /// <summary>True when the slice centre lies on the cathode side of the cathode|SE interface.</summary>
    public bool IsCathodeSide(int z) => AnodeAtHighZ ? z + 0.5 < CathodeZ : z + 0.5 > CathodeZ;
}

/// <summary>
/// Grey-value profile along the cell axis (Fig. 3F, G): the median grey value of each top-view slice inside the cell mask,
/// and the cathode|SE and SE|anode interfaces located on it.
/// </summary>
public static class GrayProfile
{
    /// <summary>Median grey value of every slice inside the mask (NaN when the mask is empty).</summary>
    public static double[] MedianPerSlice(IVolumeSource src, CellMask mask, IProgress<ProgressReport>? progress = null)
    {
        int w = src.Width, h = src.Height;
        var m = mask.ToBytes();
        int inside = m.Count(b => b != 0);
        InputException.Require(inside > 0, "cell mask", "is empty");
        var prof = new double[src.Depth];
        var buf = new float[w * h];
        var vals = new float[inside];
        for (int z = 0; z < src.Depth; z++)
        {
            src.ReadSlice(z, buf);
            int n = 0;
            for (int i = 0; i < buf.Length; i++) if (m[i] != 0 && !float.IsNaN(buf[i])) vals[n++] = buf[i];
            prof[z] = n == 0 ? double.NaN : Statistics.MedianInPlace(vals.AsSpan(0, n));
            if ((z & 15) == 0) progress?.Report(new ProgressReport("grey profile", (double)z / src.Depth));
        }
        progress?.Report(new ProgressReport("grey profile", 1));
        return prof;
    }

    /// <summary>
    /// Locates the SE|anode and cathode|SE interfaces on a median profile. Li is the darkest layer inside the cell (low
    /// density, Z = 3) and the NMC811 cathode is brighter than the SE: the Li plateau is found around the profile minimum, its
    /// SE side is the one whose next slices sit at the SE level (the profile's median), and each interface is placed where
    /// the profile crosses halfway between the two adjacent plateaus (the 50 % edge of a blurred step), with linear
    /// interpolation between slice centres.
    /// </summary>
    public static CellInterfaces FindInterfaces(IReadOnlyList<double> profile)
    {
        int n = profile.Count;
        InputException.Require(n >= 8, "profile", $"{n} slices: at least 8 needed to locate interfaces");
        var p = profile.Select(v => double.IsNaN(v) ? 0 : v).ToArray();
        var s = new double[n];
        for (int i = 0; i < n; i++) s[i] = (p[Math.Max(0, i - 1)] + 2 * p[i] + p[Math.Min(n - 1, i + 1)]) / 4;
        double seLevel = Statistics.MedianInPlace(p.Select(v => (float)v).ToArray());
        int zLi = Array.IndexOf(s, s.Min());
        double liLevel = s[zLi];
        InputException.Require(seLevel - liLevel > 1e-9, "profile", "is flat: no dark Li layer to locate the anode interface");
        double half = liLevel + 0.5 * (seLevel - liLevel);
        int lo = zLi, hi = zLi;
        while (lo > 0 && s[lo - 1] < half) lo--;
        while (hi < n - 1 && s[hi + 1] < half) hi++;
        // which end borders the SE? the one whose following slices sit closest to the SE level
        double Beyond(int start, int dir)
        {
            var xs = new List<double>();
            for (int k = 1; k <= 6; k++) { int z = start + dir * (k + 1); if (z >= 0 && z < n) xs.Add(p[z]); }
            return xs.Count == 0 ? double.PositiveInfinity : Math.Abs(xs.Average() - seLevel);
        }
        int dirSe = Beyond(hi, +1) <= Beyond(lo, -1) ? +1 : -1; // +1: SE at higher z than the Li
        int liEdge = dirSe > 0 ? hi : lo;
        InputException.Require(dirSe > 0 ? liEdge < n - 3 : liEdge > 2, "profile", "the dark Li layer touches the end of the volume: no SE found beside it");
        // local SE level near the anode (filaments lower it): median of the 3rd…20th slices past the Li edge
        double LocalMedian(int from, int dir, int skip, int count)
        {
            var xs = new List<float>();
            for (int k = skip; k < skip + count; k++) { int z = from + dir * k; if (z >= 0 && z < n) xs.Add((float)p[z]); }
            return xs.Count == 0 ? seLevel : Statistics.MedianInPlace(xs.ToArray());
        }
        double seNearAnode = LocalMedian(liEdge, dirSe, 3, 18);
        double anodeZ = Crossing(p, liEdge, dirSe, liLevel + 0.5 * (seNearAnode - liLevel));
        // walk through the SE until the profile rises clearly above the SE level: the cathode
        double rise = Math.Max(0.25 * (seLevel - liLevel), 3 * Mad(p, (int)anodeZ, dirSe));
        int zc = liEdge + dirSe * 3;
        while (zc >= 0 && zc < n && s[zc] < seLevel + rise) zc += dirSe;
        InputException.Require(zc >= 0 && zc < n, "profile", "no cathode (a layer brighter than the SE) found beyond the SE");
        double cathLevel = s[zc];
        for (int k = 1; k <= 2; k++) { int z = zc + dirSe * k; if (z >= 0 && z < n) cathLevel = Math.Max(cathLevel, s[z]); }
        double seNearCathode = LocalMedian(zc, -dirSe, 3, 18);
        double level = seNearCathode + 0.5 * (cathLevel - seNearCathode);
        // step back from the cathode towards the SE to the crossing of that level
        int zz = zc;
        while (zz - dirSe >= 0 && zz - dirSe < n && p[zz - dirSe] >= level) zz -= dirSe;
        double cathodeZ = Crossing(p, zz - dirSe, dirSe, level);
        return new CellInterfaces(cathodeZ, anodeZ);
    }

    /// <summary>Boundary coordinate where the profile crosses <paramref name="level"/> walking from slice <paramref name="from"/> in direction <paramref name="dir"/>.</summary>
    static double Crossing(double[] p, int from, int dir, double level)
    {
        int n = p.Length;
        int a = from;
        bool below = p[a] < level;
        while (a + dir >= 0 && a + dir < n && (p[a + dir] < level) == below) a += dir;
        int b = a + dir;
        if (b < 0 || b >= n) return a + 0.5;
        double ca = a + 0.5, cb = b + 0.5;
        double f = (level - p[a]) / (p[b] - p[a]);
        return ca + f * (cb - ca);
    }

    static double Mad(double[] p, int around, int dir)
    {
        var xs = new List<float>();
        for (int k = 3; k < 23; k++) { int z = around + dir * k; if (z >= 0 && z < p.Length) xs.Add((float)p[z]); }
        if (xs.Count < 3) return 0;
        double med = Statistics.MedianInPlace(xs.ToArray());
        return 1.4826 * Statistics.MedianInPlace(xs.Select(x => (float)Math.Abs(x - med)).ToArray());
    }
}
