using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Xct;

/// <summary>Neighbourhood of a voxel in 3D: faces (6), faces + edges (18), faces + edges + corners (26).</summary>
public enum Connectivity { Six = 6, Eighteen = 18, TwentySix = 26 }

/// <summary>Labels of a volume and the number of components (labels run 1…<see cref="Count"/>; 0 = background).</summary>
public sealed record LabelResult(Volume3D<uint> Labels, long Count, Connectivity Connectivity);

/// <summary>
/// 3D connected-component labelling of the non-zero voxels of a volume, with 6-, 18- or 26-connectivity.
/// <para>
/// Algorithm (<see cref="RunLabelBuilder"/>): a run-based two-pass scan with union-find over runs (He, Chao, Suzuki, IEEE TIP 17
/// (2008) 749; Wu, Otoo, Suzuki, Pattern Anal. Appl. 12 (2009) 15 for the union-find with path halving). Runs of a row are
/// found 64 voxels at a time from a SIMD compare and bit scans; z-slabs are labelled in parallel, each run merging with the
/// overlapping runs of the already-scanned rows (y−1 in its slice; y−1…y+1 in slice z−1 with a ±1 overlap in x for
/// 18/26-connectivity). Union-find links every root to the smaller run index, so each component's root is its first run in
/// raster order; slab seams are merged afterwards and one pass numbers the roots 1, 2, … in that order, exactly the
/// numbering of <c>scipy.ndimage.label</c> (raster order z, y, x of each component's first voxel). The final labels are
/// written straight from the runs (slices in parallel).
/// </para>
/// <para>Memory: the uint32 label volume (the result) plus 8 bytes per run and 4 per row, i.e. at most 4 extra bytes per
/// voxel (a checkerboard) and far less on real data. <see cref="LabelRuns(Volume3D{byte}, Connectivity, IProgress{ProgressReport}?, int)"/> returns the runs without the label volume.
/// Indices are 64-bit; at most 2³¹ runs.</para>
/// </summary>
public static class ConnectedComponents
{
    /// <summary>Labels the non-zero voxels of <paramref name="mask"/>.</summary>
    /// <param name="mask">Input; any non-zero byte is foreground.</param>
    /// <param name="connectivity">6, 18 or 26 (default 26, as the issue asks; scipy's default structure is 6).</param>
    /// <param name="progress">Optional progress (0–1).</param>
    /// <param name="maxDegreeOfParallelism">Threads (default: all cores).</param>
    public static LabelResult Label(Volume3D<byte> mask, Connectivity connectivity = Connectivity.TwentySix,
        IProgress<ProgressReport>? progress = null, int maxDegreeOfParallelism = -1)
    {
        var labels = new Volume3D<uint>(mask.Depth, mask.Height, mask.Width)
        {
            SpacingZUm = mask.SpacingZUm, SpacingYUm = mask.SpacingYUm, SpacingXUm = mask.SpacingXUm,
        };
        long count = LabelInto(mask, labels, connectivity, progress, maxDegreeOfParallelism);
        return new LabelResult(labels, count, connectivity);
    }

    /// <summary>Labels into a caller-provided label volume of the same shape (its content is overwritten). Returns the component count.</summary>
    public static long LabelInto(Volume3D<byte> mask, Volume3D<uint> labels, Connectivity connectivity = Connectivity.TwentySix,
        IProgress<ProgressReport>? progress = null, int maxDegreeOfParallelism = -1)
    {
        if (labels.Depth != mask.Depth || labels.Height != mask.Height || labels.Width != mask.Width)
            throw new ArgumentException($"label volume {labels.Depth}×{labels.Height}×{labels.Width} differs from mask {mask.Depth}×{mask.Height}×{mask.Width}");
        CheckConnectivity(connectivity);
        if (mask.Width > RunLabels.MaxWidth) return LabelByVoxelScan(mask, labels, connectivity, progress, maxDegreeOfParallelism);
        var runs = RunLabelBuilder.Label(mask, connectivity, progress, maxDegreeOfParallelism, 0.8);
        runs.WriteInto(labels, maxDegreeOfParallelism, progress, 0.8);
        return runs.Count;
    }

    /// <summary>
    /// Labels the non-zero voxels and returns the labelling as runs (see <see cref="RunLabels"/>) without a label volume:
    /// 8 bytes per run instead of 4 bytes per voxel. Rows must be at most <see cref="RunLabels.MaxWidth"/> voxels wide.
    /// </summary>
    public static RunLabels LabelRuns(Volume3D<byte> mask, Connectivity connectivity = Connectivity.TwentySix,
        IProgress<ProgressReport>? progress = null, int maxDegreeOfParallelism = -1)
    {
        CheckConnectivity(connectivity);
        InputException.Require(mask.Width <= RunLabels.MaxWidth, "volume", $"rows of {mask.Width} voxels: run labelling needs at most {RunLabels.MaxWidth}");
        return RunLabelBuilder.Label(mask, connectivity, progress, maxDegreeOfParallelism, 1);
    }

    /// <summary>
    /// Labels the non-zero voxels of a volume read slice by slice (out of core): only the runs and the union-find table
    /// (8 bytes per run, 4 per row) and one batch of mask slices are held, never the volume or a label volume. NaN is
    /// background. Same labels as <see cref="Label"/> on the whole volume. Write the result with <see cref="RunLabels.WriteTiff"/>.
    /// </summary>
    /// <param name="source">Volume (any <see cref="IVolumeSource"/>: TIFF, raw, NRRD, HDF5), read once in z order.</param>
    /// <param name="connectivity">6, 18 or 26.</param>
    /// <param name="progress">Optional progress (0–1).</param>
    /// <param name="maxDegreeOfParallelism">Threads (default: all cores).</param>
    /// <param name="batchSlices">Slices scanned together (default: 8 per thread, at least 32 MB of mask).</param>
    /// <param name="cancel">Cancellation, checked between slices.</param>
    public static RunLabels LabelRuns(IVolumeSource source, Connectivity connectivity = Connectivity.TwentySix,
        IProgress<ProgressReport>? progress = null, int maxDegreeOfParallelism = -1, int batchSlices = 0, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckConnectivity(connectivity);
        InputException.Require(source.Width <= RunLabels.MaxWidth, source.Path, $"rows of {source.Width} voxels: run labelling needs at most {RunLabels.MaxWidth}");
        var b = new RunLabelBuilder(source.Depth, source.Height, source.Width, connectivity, maxDegreeOfParallelism, batchSlices, progress);
        var buf = new float[source.Height * source.Width];
        var m = new byte[buf.Length];
        for (int z = 0; z < source.Depth; z++)
        {
            if ((z & 15) == 0) cancel.ThrowIfCancellationRequested();
            source.ReadSlice(z, buf);
            NonZero(buf, m);
            b.Append(m);
        }
        return b.Complete();
    }

    /// <summary>The foreground of a float slice: m[i] = 1 where v[i] is non-zero and not NaN, else 0.</summary>
    public static void NonZero(ReadOnlySpan<float> v, Span<byte> m)
    {
        for (int i = 0; i < v.Length; i++) { float f = v[i]; m[i] = (byte)(f != 0 && !float.IsNaN(f) ? 1 : 0); }
    }

    static void CheckConnectivity(Connectivity connectivity)
    {
        if (connectivity is not (Connectivity.Six or Connectivity.Eighteen or Connectivity.TwentySix))
            throw new InputException("--connectivity", $"{(int)connectivity} is not 6, 18 or 26");
    }

    /// <summary>
    /// The voxel-scan labeller (provisional labels written into the label volume, each run reads its neighbour rows voxel
    /// by voxel): used for rows wider than 65 536 voxels, where runs cannot be packed into 32 bits.
    /// </summary>
    internal static long LabelByVoxelScan(Volume3D<byte> mask, Volume3D<uint> labels, Connectivity connectivity,
        IProgress<ProgressReport>? progress, int maxDegreeOfParallelism)
    {
        int depth = mask.Depth;
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int slabCount = Math.Clamp(threads * 2, 1, depth);
        var slabStart = new int[slabCount + 1];
        for (int s = 0; s <= slabCount; s++) slabStart[s] = (int)((long)depth * s / slabCount);

        var local = new UnionFind[slabCount];
        long done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = threads };
        // Pass 1: provisional labels per slab (local numbering from 1).
        Parallel.For(0, slabCount, po, s =>
        {
            var uf = new UnionFind(1024);
            for (int z = slabStart[s]; z < slabStart[s + 1]; z++)
            {
                ScanSlice(mask, labels, z, z > slabStart[s], connectivity, uf);
                long d = Interlocked.Increment(ref done);
                if (progress is not null && (d & 7) == 0) progress.Report(new ProgressReport("label: scan", 0.8 * d / depth));
            }
            local[s] = uf;
        });

        // Global provisional numbering: slab s's label l becomes l + offset[s]; offsets keep raster order across slabs.
        var offset = new long[slabCount + 1];
        for (int s = 0; s < slabCount; s++) offset[s + 1] = offset[s] + local[s].Count;
        long total = offset[slabCount];
        if (total >= int.MaxValue) throw new InputException("labels", $"{total} provisional labels exceed this implementation's 2³¹ limit");
        var parent = new uint[total + 1];
        Parallel.For(0, slabCount, po, s =>
        {
            var uf = local[s];
            uint off = (uint)offset[s];
            for (uint l = 1; l <= uf.Count; l++) parent[l + off] = uf.Find(l) + off;
            local[s] = null!; // free the slab's table
        });

        // Seams: slice slabStart[s] against slice slabStart[s] − 1, in global numbering.
        var global = new UnionFind(parent, (uint)total);
        for (int s = 1; s < slabCount; s++)
        {
            int z = slabStart[s];
            if (z <= slabStart[s - 1]) continue;
            MergeSeam(mask, labels, z, connectivity, global, (uint)offset[s], (uint)offset[s - 1]);
        }

        // Final numbering: roots in increasing provisional order = raster order of each component's first voxel.
        // parent[g] <= g always (roots are the smallest label of their set), so one ascending pass compresses every
        // path to its root, and a second ascending pass numbers the roots 1, 2, ... and maps members to their root's number.
        for (long g = 1; g <= total; g++) parent[g] = parent[parent[g]];
        uint next = 0;
        for (long g = 1; g <= total; g++)
            parent[g] = parent[g] == g ? ++next : parent[parent[g]];

        var sliceSlab = new int[depth];
        for (int s = 0; s < slabCount; s++) for (int z = slabStart[s]; z < slabStart[s + 1]; z++) sliceSlab[z] = s;
        done = 0;
        Parallel.For(0, depth, po, z =>
        {
            uint off = (uint)offset[sliceSlab[z]];
            var sl = labels.Slice(z);
            for (int i = 0; i < sl.Length; i++)
            {
                uint l = sl[i];
                if (l != 0) sl[i] = parent[l + off];
            }
            long d = Interlocked.Increment(ref done);
            if (progress is not null && (d & 7) == 0) progress.Report(new ProgressReport("label: scan", 0.8 + 0.2 * d / depth));
        });
        progress?.Report(new ProgressReport("label: scan", 1));
        return next;
    }

    /// <summary>Row offsets (dz, dy) and x-extension of the backward neighbour rows for a connectivity.</summary>
    internal static ReadOnlySpan<int> BackRows(Connectivity c) => c switch
    {
        // triples (dz, dy, extend)
        Connectivity.Six => [0, -1, 0, -1, 0, 0],
        Connectivity.Eighteen => [0, -1, 1, -1, -1, 0, -1, 0, 1, -1, 1, 0],
        _ => [0, -1, 1, -1, -1, 1, -1, 0, 1, -1, 1, 1],
    };

    static void ScanSlice(Volume3D<byte> mask, Volume3D<uint> labels, int z, bool usePrevSlice, Connectivity c, UnionFind uf)
    {
        int w = mask.Width, h = mask.Height;
        var rows = BackRows(c);
        byte[] m = mask.SliceArray(z);
        uint[] lab = labels.SliceArray(z);
        uint[]? prev = usePrevSlice ? labels.SliceArray(z - 1) : null;
        Array.Clear(lab);
        for (int y = 0; y < h; y++)
        {
            var mrow = m.AsSpan(y * w, w);
            int x = 0;
            while (x < w)
            {
                // run start: look at the next voxel first (dense data), vectorised search over longer gaps
                int a;
                if (mrow[x] != 0) a = x;
                else if (x + 1 < w && mrow[x + 1] != 0) a = x + 1;
                else
                {
                    int rel = mrow[x..].IndexOfAnyExcept((byte)0);
                    if (rel < 0) break;
                    a = x + rel;
                }
                // run end: short runs by a scalar scan, long ones vectorised
                int b = a;
                int lim = Math.Min(w, a + 8);
                while (b + 1 < lim && mrow[b + 1] != 0) b++;
                if (b + 1 == lim && lim < w)
                {
                    int relEnd = mrow[lim..].IndexOf((byte)0);
                    b = relEnd < 0 ? w - 1 : lim + relEnd - 1;
                }
                // run [a, b]
                uint label = 0;
                for (int k = 0; k < rows.Length; k += 3)
                {
                    int dz = rows[k], dy = rows[k + 1], ext = rows[k + 2];
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) continue;
                    uint[]? src = dz == 0 ? lab : prev;
                    if (src is null) continue;
                    int x0 = Math.Max(0, a - ext), x1 = Math.Min(w - 1, b + ext);
                    var nrow = src.AsSpan(yy * w + x0, x1 - x0 + 1);
                    uint last = 0;
                    for (int i = 0; i < nrow.Length; i++)
                    {
                        uint n = nrow[i];
                        if (n == 0 || n == last) continue;
                        last = n;
                        label = label == 0 ? uf.Find(n) : uf.Union(label, n);
                    }
                }
                if (label == 0) label = uf.MakeSet();
                lab.AsSpan(y * w + a, b - a + 1).Fill(label);
                x = b + 1;
            }
        }
    }

    static void MergeSeam(Volume3D<byte> mask, Volume3D<uint> labels, int z, Connectivity c, UnionFind g, uint offCur, uint offPrev)
    {
        int w = mask.Width, h = mask.Height;
        var rows = BackRows(c);
        uint[] lab = labels.SliceArray(z), prev = labels.SliceArray(z - 1);
        for (int y = 0; y < h; y++)
        {
            var lrow = lab.AsSpan(y * w, w);
            int x = 0;
            while (x < w)
            {
                int rel = lrow[x..].IndexOfAnyExcept(0u);
                if (rel < 0) break;
                int a = x + rel;
                uint cur = lrow[a];
                int b = a;
                while (b + 1 < w && lrow[b + 1] == cur) b++;
                uint gc = cur + offCur;
                for (int k = 0; k < rows.Length; k += 3)
                {
                    if (rows[k] == 0) continue;
                    int yy = y + rows[k + 1], ext = rows[k + 2];
                    if (yy < 0 || yy >= h) continue;
                    int x0 = Math.Max(0, a - ext), x1 = Math.Min(w - 1, b + ext);
                    var nrow = prev.AsSpan(yy * w + x0, x1 - x0 + 1);
                    uint last = 0;
                    for (int i = 0; i < nrow.Length; i++)
                    {
                        uint n = nrow[i];
                        if (n == 0 || n == last) continue;
                        last = n;
                        g.Union(gc, n + offPrev);
                    }
                }
                x = b + 1;
            }
        }
    }

    /// <summary>Union-find over labels 1…Count; roots are always the smallest label of their set.</summary>
    sealed class UnionFind
    {
        uint[] _p;
        public uint Count { get; private set; }

        public UnionFind(int capacity) { _p = new uint[Math.Max(2, capacity)]; }
        public UnionFind(uint[] parent, uint count) { _p = parent; Count = count; }

        public uint MakeSet()
        {
            uint l = ++Count;
            if (l >= _p.Length)
            {
                long n = Math.Min((long)_p.Length * 2, int.MaxValue - 64);
                if (n <= l) throw new InputException("labels", "more than 2³¹ provisional labels in one slab");
                Array.Resize(ref _p, (int)n);
            }
            _p[l] = l;
            return l;
        }

        public uint Find(uint x)
        {
            var p = _p;
            while (p[x] != x) { p[x] = p[p[x]]; x = p[x]; }
            return x;
        }

        /// <summary>Joins the sets of a and b; returns the new root (the smaller one).</summary>
        public uint Union(uint a, uint b)
        {
            uint ra = Find(a), rb = Find(b);
            if (ra == rb) return ra;
            if (ra < rb) { _p[rb] = ra; return ra; }
            _p[ra] = rb; return rb;
        }
    }
}
