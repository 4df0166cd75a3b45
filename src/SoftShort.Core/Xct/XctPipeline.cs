using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Xct;

/// <summary>Options of the Fig. 3 analysis. Lengths in µm, volumes in µm³.</summary>
public sealed record XctOptions
{
    /// <summary>Connectivity of the low-attenuation regions (default 26).</summary>
    public Connectivity Connectivity { get; init; } = Connectivity.TwentySix;
    /// <summary>Size filter, µm³ (paper: regions larger than 3.4 × 10⁵ µm³ in Fig. 3I).</summary>
    public double MinRegionVolumeUm3 { get; init; } = 3.4e5;
    /// <summary>Number of SE layers (paper Fig. 3J: 10).</summary>
    public int Layers { get; init; } = 10;
    /// <summary>Margin of the cell mask inside the detected bore, voxels.</summary>
    public double MaskMarginVoxels { get; init; } = 2;
    /// <summary>Manual low-attenuation threshold (grey value; voxels ≤ it are low); NaN = automatic (<see cref="LowThresholdMethod"/>).</summary>
    public double LowThreshold { get; init; } = double.NaN;
    /// <summary>Automatic low-attenuation threshold on the SE voxels: "iso50" (default; partial-volume robust, see <see cref="Thresholds.Iso50"/>) or "otsu".</summary>
    public string LowThresholdMethod { get; init; } = "iso50";
    /// <summary>Manual interfaces (slice coordinates, cathode|SE and SE|anode); null = found on the median profile.</summary>
    public CellInterfaces? Interfaces { get; init; }
    /// <summary>Manual cell mask; null = detected.</summary>
    public CellMask? Mask { get; init; }
    /// <summary>Classes of the multi-Otsu phase segmentation (Fig. 3H; 2–5, default 4: low / SE low density / SE / high).</summary>
    public int PhaseClasses { get; init; } = 4;
    /// <summary>Keep the label volume in the result (needed for label images and overlays).</summary>
    public bool KeepLabels { get; init; } = true;

    public void Validate()
    {
        InputException.Require(double.IsFinite(MinRegionVolumeUm3) && MinRegionVolumeUm3 >= 0, "--min-volume-um3", $"{MinRegionVolumeUm3}: must be ≥ 0");
        InputException.Require(Layers is >= 1 and <= 1000, "--layers", $"{Layers}: must be in [1, 1000]");
        InputException.Require(PhaseClasses is >= 2 and <= 5, "--classes", $"{PhaseClasses}: 2 to 5");
        InputException.Require(double.IsNaN(LowThreshold) || double.IsFinite(LowThreshold), "--threshold", "must be a finite number");
        InputException.Require(LowThresholdMethod is "iso50" or "otsu", "--threshold-method", $"'{LowThresholdMethod}': iso50 or otsu");
    }
}

/// <summary>One connected low-attenuation region.</summary>
public sealed record Region(uint Label, long Voxels, double VolumeUm3, int MinZ, int MaxZ, int MinY, int MaxY, int MinX, int MaxX,
    double CentroidZ, double CentroidY, double CentroidX, double EquivalentDiameterUm, bool TouchesAnode, bool PassesSizeFilter);

/// <summary>Per-layer fractions of the SE inside the cell mask (layer 0 = cathode side).</summary>
public sealed record LayerFractions(int Layers, long[] Voxels, long[] LowAll, long[] LowLarge, long[] AnodeConnected, long[] IsolatedLarge)
{
    static double[] Div(long[] a, long[] b) => a.Zip(b, (x, y) => y > 0 ? (double)x / y : double.NaN).ToArray();
    public double[] FractionAll => Div(LowAll, Voxels);
    public double[] FractionLarge => Div(LowLarge, Voxels);
    public double[] FractionAnodeConnected => Div(AnodeConnected, Voxels);
    public double[] FractionIsolatedLarge => Div(IsolatedLarge, Voxels);
}

/// <summary>Everything the Fig. 3 analysis produces.</summary>
public sealed record XctResult
{
    public required VolumeSpacing Spacing { get; init; }
    public required int Depth { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required CellMask Mask { get; init; }
    public required double[] MedianProfile { get; init; }
    public required CellInterfaces Interfaces { get; init; }
    public required double LowThreshold { get; init; }
    public required double[] PhaseThresholds { get; init; }
    public required long ComponentCount { get; init; }
    public required IReadOnlyList<Region> Regions { get; init; }
    public required LayerFractions Fractions { get; init; }
    /// <summary>Deepest reach of the anode-connected regions into the SE from the SE|anode interface, µm.</summary>
    public required double ConnectedReachUm { get; init; }
    public double SeThicknessUm => Interfaces.SeThicknessSlices * Spacing.ZUm;
    public double ConnectedReachFraction => ConnectedReachUm / SeThicknessUm;
    public Volume3D<uint>? Labels { get; init; }
    /// <summary>Filaments of the anode-connected network inside the SE, longest first (see <see cref="FilamentAnalysis"/>).</summary>
    public IReadOnlyList<Filament> Filaments { get; init; } = [];
    /// <summary>The longest filament, or null when no anode-connected region enters the SE.</summary>
    public Filament? LongestFilament => Filaments.Count > 0 ? Filaments[0] : null;
    /// <summary>Low-attenuation volume in the SE inside the mask, µm³: anode-connected, and isolated above the size filter.</summary>
    public double ConnectedVolumeUm3 => Fractions.AnodeConnected.Sum() * Spacing.VoxelVolumeUm3;
    public double IsolatedLargeVolumeUm3 => Fractions.IsolatedLarge.Sum() * Spacing.VoxelVolumeUm3;
}

/// <summary>
/// The paper's XCT analysis (Section 2.3, Fig. 3F–J) as one streaming pipeline over a grey volume:
/// (1) cell mask (tube bore); (2) median grey profile and the cathode|SE and SE|anode interfaces; (3) Otsu threshold of the
/// SE voxels separating low-attenuation material (Li, pores, cracks — X-rays cannot tell them apart: Li, Z = 3 and
/// 0.53 g cm⁻³, attenuates about as little as empty space next to the sulfide SE) and multi-Otsu phases; (4) 3D labelling
/// of the low-attenuation voxels of the SE and the anode side; (5) region table, size filter, anode-connected (red) vs
/// isolated (blue); (6) volume fractions per SE layer (Fig. 3J); (7) the filaments of the anode-connected network (length,
/// root and tip width). Memory: 1 byte (mask) per voxel plus 8 bytes per run of low-attenuation voxels (the labels are kept
/// as runs; a uint32 label volume, 4 bytes per voxel, only with <see cref="XctOptions.KeepLabels"/>); the grey volume is
/// read slice by slice (five passes).
/// </summary>
public static class XctPipeline
{
    public static XctResult Run(IVolumeSource src, XctOptions? options = null, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        var o = options ?? new XctOptions();
        o.Validate();
        var spacing = src.Spacing.IsKnown ? src.Spacing : throw new InputException(src.Path, "voxel spacing unknown: give --spacing-um (or a sidecar FILE.json with spacing_um)");
        spacing.Validated(src.Path);
        int d = src.Depth, h = src.Height, w = src.Width;

        var mask = o.Mask ?? CellMask.Detect(src, o.MaskMarginVoxels, progress);
        cancel.ThrowIfCancellationRequested();
        var profile = GrayProfile.MedianPerSlice(src, mask, progress);
        var itf = o.Interfaces ?? GrayProfile.FindInterfaces(profile);
        InputException.Require(itf.SeThicknessSlices >= 1, "interfaces", $"cathode {itf.CathodeZ:F1} and anode {itf.AnodeZ:F1} are less than one slice apart");
        var m2 = mask.ToBytes();

        // pass 2: histograms inside the mask — SE only (low threshold) and the cell range (phases)
        double gmin = double.PositiveInfinity, gmax = double.NegativeInfinity, smin = double.PositiveInfinity, smax = double.NegativeInfinity;
        var buf = new float[w * h];
        // range first from the profile-sized sample of the SE: read each SE slice once for min/max, then histogram
        var seSlices = Enumerable.Range(0, d).Where(z => itf.LayerOf(z, 1) == 0).ToArray();
        InputException.Require(seSlices.Length > 0, "interfaces", "no slice lies between the interfaces");
        int pad = Math.Max(2, (int)(0.1 * itf.SeThicknessSlices));
        int cellLo = Math.Max(0, (int)Math.Floor(Math.Min(itf.CathodeZ, itf.AnodeZ)) - pad), cellHi = Math.Min(d - 1, (int)Math.Ceiling(Math.Max(itf.CathodeZ, itf.AnodeZ)) + pad);
        for (int z = cellLo; z <= cellHi; z++)
        {
            src.ReadSlice(z, buf);
            bool se = itf.LayerOf(z, 1) == 0;
            for (int i = 0; i < buf.Length; i++)
                if (m2[i] != 0 && !float.IsNaN(buf[i]))
                {
                    gmin = Math.Min(gmin, buf[i]); gmax = Math.Max(gmax, buf[i]);
                    if (se) { smin = Math.Min(smin, buf[i]); smax = Math.Max(smax, buf[i]); }
                }
            progress?.Report(new ProgressReport("histogram", 0.5 * (z - cellLo) / (cellHi - cellLo + 1)));
        }
        InputException.Require(smin <= smax, "cell mask", "holds no SE voxel");
        var seHist = new Histogram(smin, smax);
        var cellHist = new Histogram(gmin, gmax);
        for (int z = cellLo; z <= cellHi; z++)
        {
            src.ReadSlice(z, buf);
            cellHist.Add(buf, m2);
            if (itf.LayerOf(z, 1) == 0) seHist.Add(buf, m2);
            progress?.Report(new ProgressReport("histogram", 0.5 + 0.5 * (z - cellLo) / (cellHi - cellLo + 1)));
        }
        double tLow = !double.IsNaN(o.LowThreshold) ? o.LowThreshold : o.LowThresholdMethod == "otsu" ? Thresholds.Otsu(seHist) : Thresholds.Iso50(seHist);
        double[] phases = Thresholds.MultiOtsu(cellHist, o.PhaseClasses);
        cancel.ThrowIfCancellationRequested();

        // pass 3: foreground = low attenuation inside the mask, in the SE and on the anode side
        IReadOnlyList<Region> regions; LayerFractions fractions; double reachSlices; long count;
        IReadOnlyList<Filament> filaments = [];
        Volume3D<uint>? labels = null;
        bool runBased = w <= RunLabels.MaxWidth;
        // run labelling streams the mask slices into the labeller (no mask volume); the voxel-scan fallback needs the volume
        var builder = runBased ? new RunLabelBuilder(d, h, w, o.Connectivity, progress: progress) : null;
        var fg = runBased ? null : new Volume3D<byte>(d, h, w) { SpacingZUm = spacing.ZUm, SpacingYUm = spacing.YUm, SpacingXUm = spacing.XUm };
        var fgSlice = runBased ? new byte[h * w] : null;
        for (int z = 0; z < d; z++)
        {
            var f = fg is not null ? fg.Slice(z) : fgSlice;
            if (itf.IsCathodeSide(z)) { if (builder is not null) { f.Clear(); builder.Append(f); } continue; }
            src.ReadSlice(z, buf);
            float t = (float)tLow;
            for (int i = 0; i < buf.Length; i++) f[i] = (byte)(m2[i] != 0 && buf[i] <= t ? 1 : 0);
            builder?.Append(f);
            if ((z & 7) == 0 && builder is null) progress?.Report(new ProgressReport("threshold", (double)z / d));
            if ((z & 31) == 0) cancel.ThrowIfCancellationRequested();
        }
        if (builder is not null)
        {
            // run-length labelling: the regions, fractions and filaments are measured on the runs, no label volume is needed
            var runs = builder.Complete();
            cancel.ThrowIfCancellationRequested();
            bool[] anode;
            (regions, fractions, reachSlices, anode) = MeasureRuns(runs, itf, m2, spacing, o, progress);
            filaments = FilamentAnalysis.Measure(runs, anode, itf, spacing, o.Connectivity, progress: progress);
            count = runs.Count;
            if (o.KeepLabels) labels = runs.ToVolume();
        }
        else
        {
            var lr = ConnectedComponents.Label(fg!, o.Connectivity, progress);
            fg = null!;
            cancel.ThrowIfCancellationRequested();
            (regions, fractions, reachSlices) = Measure(lr.Labels, lr.Count, itf, m2, spacing, o, progress);
            count = lr.Count;
            if (o.KeepLabels) labels = lr.Labels;
        }
        return new XctResult
        {
            Spacing = spacing, Depth = d, Height = h, Width = w, Mask = mask, MedianProfile = profile, Interfaces = itf,
            LowThreshold = tLow, PhaseThresholds = phases, ComponentCount = count, Regions = regions, Fractions = fractions,
            ConnectedReachUm = reachSlices * spacing.ZUm, Labels = labels, Filaments = filaments,
        };
    }

    /// <summary>
    /// Region table, layer fractions, reach of the anode-connected regions, and the anode flag per label (index = label),
    /// from a run labelling (<see cref="RunLabels"/>) of foreground voxels that all lie inside
    /// <paramref name="mask2D"/>. Same results as <see cref="Measure"/> on the label volume, in time proportional to the runs.
    /// </summary>
    public static (IReadOnlyList<Region> Regions, LayerFractions Fractions, double ReachSlices, bool[] AnodeConnected) MeasureRuns(RunLabels runs,
        CellInterfaces itf, byte[] mask2D, VolumeSpacing spacing, XctOptions o, IProgress<ProgressReport>? progress = null)
    {
        int d = runs.Depth, h = runs.Height;
        long count = runs.Count;
        long n = count + 1;
        var table = new RegionTable(n);
        for (int z = 0; z < d; z++)
        {
            bool an = itf.IsAnodeSide(z);
            for (int y = 0; y < h; y++)
            {
                var rr = runs.Runs(z, y);
                var ll = runs.Labels(z, y);
                for (int i = 0; i < rr.Length; i++)
                {
                    table.Add(ll[i], z, y, RunLabels.Start(rr[i]), RunLabels.End(rr[i]), an);
                }
            }
            if ((z & 15) == 0) progress?.Report(new ProgressReport("regions", 0.5 * z / d));
        }
        var (regions, large) = table.Regions(spacing.VoxelVolumeUm3, o.MinRegionVolumeUm3);
        var anode = table.Anode;
        int L = o.Layers;
        long inMask = mask2D.LongCount(b => b != 0);
        long[] cnt = new long[L], all = new long[L], lg = new long[L], con = new long[L], iso = new long[L];
        double reach = 0;
        for (int z = 0; z < d; z++)
        {
            int k = itf.LayerOf(z, L);
            if (k < 0) continue;
            cnt[k] += inMask;
            bool anyConnected = false;
            for (int y = 0; y < h; y++)
            {
                var rr = runs.Runs(z, y);
                var ll = runs.Labels(z, y);
                for (int i = 0; i < rr.Length; i++)
                {
                    uint l = ll[i];
                    int len = RunLabels.End(rr[i]) - RunLabels.Start(rr[i]) + 1;
                    all[k] += len;
                    if (anode[l]) { con[k] += len; anyConnected = true; }
                    if (large[l]) { lg[k] += len; if (!anode[l]) iso[k] += len; }
                }
            }
            if (anyConnected) reach = Math.Max(reach, itf.AnodeAtHighZ ? itf.AnodeZ - z : z + 1 - itf.AnodeZ);
        }
        progress?.Report(new ProgressReport("regions", 1));
        return (regions, new LayerFractions(L, cnt, all, lg, con, iso), reach, anode);
    }

    /// <summary>Region table, layer fractions and the reach of the anode-connected regions from a label volume.</summary>
    public static (IReadOnlyList<Region> Regions, LayerFractions Fractions, double ReachSlices) Measure(Volume3D<uint> labels, long count,
        CellInterfaces itf, byte[] mask2D, VolumeSpacing spacing, XctOptions o, IProgress<ProgressReport>? progress = null)
    {
        int d = labels.Depth, h = labels.Height, w = labels.Width;
        long n = count + 1;
        var table = new RegionTable(n);
        // sequential in z (labels spread over slices; a parallel version would need per-thread tables of size count)
        for (int z = 0; z < d; z++)
        {
            var sl = labels.Slice(z);
            bool an = itf.IsAnodeSide(z);
            for (int y = 0; y < h; y++)
            {
                var row = sl.Slice(y * w, w);
                for (int x = 0; x < w; x++)
                {
                    uint l = row[x];
                    if (l != 0) table.Add(l, z, y, x, x, an);
                }
            }
            if ((z & 7) == 0) progress?.Report(new ProgressReport("regions", 0.5 * z / d));
        }
        var (regions, large) = table.Regions(spacing.VoxelVolumeUm3, o.MinRegionVolumeUm3);
        var anode = table.Anode;
        int L = o.Layers;
        long[] cnt = new long[L], all = new long[L], lg = new long[L], con = new long[L], iso = new long[L];
        double reach = 0;
        for (int z = 0; z < d; z++)
        {
            int k = itf.LayerOf(z, L);
            if (k < 0) continue;
            var sl = labels.Slice(z);
            bool anyConnected = false;
            for (int i = 0; i < sl.Length; i++)
            {
                if (mask2D[i] == 0) continue;
                cnt[k]++;
                uint l = sl[i];
                if (l == 0) continue;
                all[k]++;
                if (anode[l]) { con[k]++; anyConnected = true; }
                if (large[l]) { lg[k]++; if (!anode[l]) iso[k]++; }
            }
            if (anyConnected)
            {
                // distance from the anode interface to the far face of this slice
                double r = itf.AnodeAtHighZ ? itf.AnodeZ - z : z + 1 - itf.AnodeZ;
                reach = Math.Max(reach, r);
            }
            if ((z & 7) == 0) progress?.Report(new ProgressReport("regions", 0.5 + 0.5 * z / d));
        }
        progress?.Report(new ProgressReport("regions", 1));
        return (regions, new LayerFractions(L, cnt, all, lg, con, iso), reach);
    }
}

/// <summary>
/// Per-label accumulators of the region table (voxel count, bounding box, coordinate sums, anode flag), filled run by run
/// or voxel by voxel (a voxel is a run of length 1), so both measuring paths build the same <see cref="Region"/>s.
/// </summary>
sealed class RegionTable
{
    readonly long[] _vox;
    readonly int[] _minZ, _maxZ, _minY, _maxY, _minX, _maxX;
    readonly double[] _sz, _sy, _sx;

    /// <summary>Whether each label (index = label, 0 unused) touches the anode side.</summary>
    public bool[] Anode { get; }

    public RegionTable(long n)
    {
        _vox = new long[n];
        _minZ = new int[n]; _maxZ = new int[n]; _minY = new int[n]; _maxY = new int[n]; _minX = new int[n]; _maxX = new int[n];
        _sz = new double[n]; _sy = new double[n]; _sx = new double[n];
        Anode = new bool[n];
        Array.Fill(_minZ, int.MaxValue); Array.Fill(_minY, int.MaxValue); Array.Fill(_minX, int.MaxValue);
        Array.Fill(_maxZ, -1); Array.Fill(_maxY, -1); Array.Fill(_maxX, -1);
    }

    /// <summary>Adds the voxels x = <paramref name="a"/>…<paramref name="b"/> (inclusive) of row (z, y) to label <paramref name="l"/>.</summary>
    public void Add(uint l, int z, int y, int a, int b, bool anodeSide)
    {
        int len = b - a + 1;
        _vox[l] += len;
        if (z < _minZ[l]) _minZ[l] = z; if (z > _maxZ[l]) _maxZ[l] = z;
        if (y < _minY[l]) _minY[l] = y; if (y > _maxY[l]) _maxY[l] = y;
        if (a < _minX[l]) _minX[l] = a; if (b > _maxX[l]) _maxX[l] = b;
        _sz[l] += (double)z * len; _sy[l] += (double)y * len; _sx[l] += 0.5 * (a + b) * len;
        if (anodeSide) Anode[l] = true;
    }

    /// <summary>The region of every label 1…n−1, and which are at least <paramref name="minVolumeUm3"/> (index = label).</summary>
    public (List<Region> Regions, bool[] Large) Regions(double voxelVolumeUm3, double minVolumeUm3)
    {
        long n = _vox.Length;
        var large = new bool[n];
        var regions = new List<Region>((int)Math.Min(n - 1, 1_000_000));
        for (uint l = 1; l < n; l++)
        {
            double vol = _vox[l] * voxelVolumeUm3;
            large[l] = vol >= minVolumeUm3;
            regions.Add(new Region(l, _vox[l], vol, _minZ[l], _maxZ[l], _minY[l], _maxY[l], _minX[l], _maxX[l],
                _sz[l] / _vox[l], _sy[l] / _vox[l], _sx[l] / _vox[l], Math.Cbrt(6 * vol / Math.PI), Anode[l], large[l]));
        }
        return (regions, large);
    }
}
