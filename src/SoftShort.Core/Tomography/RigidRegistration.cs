using SoftShort.Imaging;

namespace SoftShort.Tomography;

/// <summary>Similarity measures for <see cref="RigidRegistration"/>.</summary>
public enum Similarity
{
    /// <summary>Normalised cross-correlation over the overlap: assumes moving ≈ a·fixed + b (same modality, same spectrum).</summary>
    Ncc,
    /// <summary>
    /// Mutual information of the joint intensity histogram over the overlap (Mattes et al., IEEE TMI 22, 120 (2003)):
    /// a fixed number of bins (<see cref="RegistrationOptions.HistogramBins"/>), the fixed intensity binned to the nearest
    /// bin, the moving one spread over four bins by a cubic B-spline Parzen window, so the measure changes smoothly
    /// with the motion. Assumes only that the intensities correspond, not that they are
    /// linearly related (a different wavelength, detector or beam hardening between the scans).
    /// </summary>
    MutualInformation,
}

/// <summary>Options of <see cref="RigidRegistration"/>.</summary>
public sealed record RegistrationOptions
{
    /// <summary>Pyramid levels (each halves the volume by 2×2×2 averaging while all sides stay ≥ 8). Default 2.</summary>
    public int Levels { get; init; } = 2;
    /// <summary>Initial search step, degrees and voxels (at full resolution). Default 1.</summary>
    public double InitialStep { get; init; } = 1;
    /// <summary>Final step, degrees and voxels. Default 0.01.</summary>
    public double FinalStep { get; init; } = 0.01;
    /// <summary>Ignore voxels below this value in the fixed volume when correlating (air); NaN = use all. Default NaN.</summary>
    public double MaskBelow { get; init; } = double.NaN;
    /// <summary>Similarity measure. Default: NCC.</summary>
    public Similarity Similarity { get; init; } = Similarity.Ncc;
    /// <summary>Histogram bins per axis for <see cref="Similarity.MutualInformation"/>. Default 32.</summary>
    public int HistogramBins { get; init; } = 32;
    /// <summary>
    /// Half-range of an exhaustive search over the rotation about the z (cell) axis at the coarsest level, degrees, in
    /// steps of 0.5°; 0 = none. A nearly axisymmetric object has local optima there. Default 10.
    /// </summary>
    public double AxialRotationSearchDeg { get; init; } = 10;
    /// <summary>
    /// Border of the fixed volume left out of the similarity, in voxels at full resolution (keeps the overlap the same
    /// for small motions: no jumps in the cost when planes enter or leave). Default 2.
    /// </summary>
    public int Margin { get; init; } = 2;
    /// <summary>
    /// Robust second pass: after the first alignment, voxels where |moving(T p) − fixed(p)| exceeds this value (dilated by
    /// one voxel) are left out and the full-resolution search is repeated, so that real changes between the scans (Li
    /// moved) do not pull the alignment. 0 = off. Default 0.8 (cm⁻¹ volumes).
    /// </summary>
    public double ExcludeChangeAbove { get; init; } = 0.8;
    /// <summary>
    /// Most robust passes. The changed-voxel mask of the first pass is taken at an alignment that the changes themselves
    /// biased (a moved Li|SS interface looks like a shift along z), so it also rejects static edges left misaligned by that
    /// bias and keeps part of the real change. Each pass recomputes the mask at the latest alignment and searches again,
    /// until the parameters move less than 2 × <see cref="FinalStep"/>: the fixed point of this hard-rejection
    /// (trimmed) estimator, i.e. iteratively reweighted least squares with 0/1 weights (Huber, <i>Robust Statistics</i>,
    /// 1981, ch. 7; Holland &amp; Welsch 1977). Default 6.
    /// </summary>
    public int RobustPasses { get; init; } = 6;
}

/// <summary>Result: the motion that maps the fixed grid into the moving volume, and the similarity reached.</summary>
/// <param name="Transform">Maps the fixed grid into the moving volume (voxels, about the volume centre).</param>
/// <param name="Similarity">The similarity reached: NCC (−1 … 1) or mutual information (nats), per <see cref="RegistrationOptions.Similarity"/>.</param>
/// <param name="Evaluations">Similarity evaluations spent.</param>
/// <param name="ExcludedVoxels">Voxels left out by the last robust pass as changed between the scans.</param>
public sealed record RegistrationResult(RigidTransform Transform, double Similarity, int Evaluations, long ExcludedVoxels = 0);

/// <summary>
/// Rigid (6 degrees of freedom) registration of a moving volume onto a fixed one: finds T (<see cref="RigidTransform"/>
/// about the volume centre, voxels) maximising the normalised cross-correlation between fixed(p) and moving(T p)
/// (trilinear interpolation, overlap only). Coarse to fine over a 2×-averaging pyramid; at each level a coordinate
/// search with a parabola through f(x − h), f(x), f(x + h) per parameter, the step halving when a sweep no longer
/// improves. After Thévenaz, Ruttimann &amp; Unser, IEEE TIP 7, 27 (1998) (multiresolution) and Press et al.,
/// Numerical Recipes §10.2 (parabolic interpolation).
/// </summary>
public static class RigidRegistration
{
    public static RegistrationResult Register(Volume3D<float> fixedVolume, Volume3D<float> movingVolume, RegistrationOptions? options = null, IProgress<ProgressReport>? progress = null)
    {
        options ??= new RegistrationOptions();
        InputException.Require(fixedVolume.Depth == movingVolume.Depth && fixedVolume.Height == movingVolume.Height && fixedVolume.Width == movingVolume.Width,
            "volumes", $"shapes differ: {fixedVolume.Depth}×{fixedVolume.Height}×{fixedVolume.Width} and {movingVolume.Depth}×{movingVolume.Height}×{movingVolume.Width}");
        InputException.Require(options.Levels >= 1 && options.InitialStep > options.FinalStep && options.FinalStep > 0, "registration", "needs levels ≥ 1 and initial step > final step > 0");
        InputException.Require(options.HistogramBins is >= 8 and <= 1024, "--bins", $"{options.HistogramBins} histogram bins: must be 8 … 1024");
        // A light binomial blur of both volumes damps the bias of linear interpolation towards grid-aligned positions.
        fixedVolume = Blur(fixedVolume); movingVolume = Blur(movingVolume);
        var fixedPyr = new List<Volume3D<float>> { fixedVolume };
        var movingPyr = new List<Volume3D<float>> { movingVolume };
        for (int l = 1; l < options.Levels; l++)
        {
            var f = fixedPyr[^1];
            if (Math.Min(f.Depth, Math.Min(f.Height, f.Width)) < 16) break;
            fixedPyr.Add(Downsample(f)); movingPyr.Add(Downsample(movingPyr[^1]));
        }
        var x = new double[6];
        int evals = 0;
        double best = 0;
        for (int l = fixedPyr.Count - 1; l >= 0; l--)
        {
            double scale = 1 << l;
            var fv = fixedPyr[l]; var mv = movingPyr[l];
            int margin = Math.Max(1, (int)Math.Ceiling(options.Margin / scale));
            var ranges = options.Similarity == Similarity.MutualInformation ? (Range(fv), Range(mv)) : default;
            double Cost(double[] p) { evals++; return -Measure(fv, mv, ToTransform(p, scale), options, ranges, margin, null); }
            if (l == fixedPyr.Count - 1 && options.AxialRotationSearchDeg > 0)
            {
                double bestZ = 0, bestC = double.MaxValue;
                for (double rz = -options.AxialRotationSearchDeg; rz <= options.AxialRotationSearchDeg + 1e-9; rz += 0.5)
                {
                    x[2] = rz; double c = Cost(x);
                    if (c < bestC) { bestC = c; bestZ = rz; }
                }
                x[2] = bestZ;
            }
            double h = l == fixedPyr.Count - 1 ? options.InitialStep : options.InitialStep / 4;
            double stop = l == 0 ? options.FinalStep : options.FinalStep * 4 * scale;
            best = -LocalSearch(x, Cost, h, stop, options, progress);
        }
        long excluded = 0;
        if (options.ExcludeChangeAbove > 0)
        {
            for (int pass = 0; pass < Math.Max(1, options.RobustPasses); pass++)
            {
                var keep = ChangeMask(fixedVolume, movingVolume, ToTransform(x, 1), options.ExcludeChangeAbove, options.Similarity == Similarity.MutualInformation, out excluded);
                int margin = Math.Max(1, options.Margin);
                var ranges = options.Similarity == Similarity.MutualInformation ? (Range(fixedVolume), Range(movingVolume)) : default;
                double Cost(double[] p) { evals++; return -Measure(fixedVolume, movingVolume, ToTransform(p, 1), options, ranges, margin, keep); }
                var x0 = (double[])x.Clone();
                best = -LocalSearch(x, Cost, pass == 0 ? options.InitialStep / 4 : options.InitialStep / 16, options.FinalStep, options, progress);
                double moved = 0;
                for (int i = 0; i < 6; i++) moved = Math.Max(moved, Math.Abs(x[i] - x0[i]));
                if (moved < 2 * options.FinalStep) break;
            }
        }
        return new RegistrationResult(ToTransform(x, 1), best, evals, excluded);
    }

    /// <summary>Coordinate search with parabolic steps; returns the final cost.</summary>
    static double LocalSearch(double[] x, Func<double[], double> cost, double h, double stop, RegistrationOptions options, IProgress<ProgressReport>? progress)
    {
        double fx = cost(x);
        while (h >= stop)
        {
            double before = fx;
            for (int i = 0; i < 6; i++)
            {
                double x0 = x[i];
                x[i] = x0 - h; double fm = cost(x);
                x[i] = x0 + h; double fp = cost(x);
                double denom = fm - 2 * fx + fp, cand = x0, fc = fx;
                if (fm < fc) { cand = x0 - h; fc = fm; }
                if (fp < fc) { cand = x0 + h; fc = fp; }
                if (denom > 0)
                {
                    double v = Math.Clamp(x0 + 0.5 * h * (fm - fp) / denom, x0 - 2 * h, x0 + 2 * h);
                    x[i] = v; double fv = cost(x);
                    if (fv < fc) { cand = v; fc = fv; }
                }
                x[i] = cand; fx = fc;
            }
            if (before - fx < 1e-7) h /= 2;
            progress?.Report(new ProgressReport("registration", Math.Clamp(Math.Log(options.InitialStep / h) / Math.Log(options.InitialStep / options.FinalStep), 0, 1)));
        }
        return fx;
    }

    /// <summary>
    /// Fixed-grid mask: true where |moving(T p) − fixed(p)| ≤ threshold, changed voxels dilated by one in x, y, z. With
    /// <paramref name="mapIntensities"/> (mutual information: the two scans need not share an intensity scale) the moving
    /// values are first mapped to fixed units by the regression E[fixed | moving] over 256 moving-intensity bins.
    /// </summary>
    static bool[][] ChangeMask(Volume3D<float> fixedVolume, Volume3D<float> moving, RigidTransform t, double threshold, bool mapIntensities, out long excluded)
    {
        var resampled = Resample(moving, t);
        int d = fixedVolume.Depth, h = fixedVolume.Height, w = fixedVolume.Width;
        if (mapIntensities) MapToFixed(fixedVolume, resampled);
        var changed = new bool[d][];
        for (int z = 0; z < d; z++)
        {
            changed[z] = new bool[h * w];
            var a = fixedVolume.SliceArray(z); var b = resampled.SliceArray(z);
            for (int i = 0; i < a.Length; i++) changed[z][i] = !float.IsNaN(b[i]) && Math.Abs(b[i] - a[i]) > threshold;
        }
        var keep = new bool[d][];
        long ex = 0;
        for (int z = 0; z < d; z++)
        {
            keep[z] = new bool[h * w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    bool c = false;
                    for (int dz = -1; dz <= 1 && !c; dz++)
                    {
                        int zz = z + dz; if (zz < 0 || zz >= d) continue;
                        for (int dy = -1; dy <= 1 && !c; dy++)
                        {
                            int yy = y + dy; if (yy < 0 || yy >= h) continue;
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                int xx = x + dx; if (xx < 0 || xx >= w) continue;
                                if (changed[zz][yy * w + xx]) { c = true; break; }
                            }
                        }
                    }
                    keep[z][y * w + x] = !c;
                    if (c) ex++;
                }
        }
        excluded = ex;
        return keep;
    }

    /// <summary>Replaces each resampled moving value by the mean fixed value of its moving-intensity bin (256 bins).</summary>
    static void MapToFixed(Volume3D<float> fixedVolume, Volume3D<float> resampled)
    {
        const int B = 256;
        var (lo, hi) = Range(resampled);
        double scale = hi > lo ? (B - 1) / (hi - lo) : 0;
        var sum = new double[B]; var count = new long[B];
        for (int z = 0; z < resampled.Depth; z++)
        {
            var a = fixedVolume.SliceArray(z); var b = resampled.SliceArray(z);
            for (int i = 0; i < a.Length; i++)
            {
                if (float.IsNaN(b[i])) continue;
                int k = (int)Math.Round((b[i] - lo) * scale);
                sum[k] += a[i]; count[k]++;
            }
        }
        for (int z = 0; z < resampled.Depth; z++)
        {
            var b = resampled.SliceArray(z);
            for (int i = 0; i < b.Length; i++)
                if (!float.IsNaN(b[i])) { int k = (int)Math.Round((b[i] - lo) * scale); b[i] = (float)(sum[k] / count[k]); }
        }
    }

    /// <summary>Smallest and largest finite value of a volume.</summary>
    static (double Lo, double Hi) Range(Volume3D<float> v)
    {
        double lo = double.MaxValue, hi = double.MinValue;
        for (int z = 0; z < v.Depth; z++)
            foreach (float f in v.SliceArray(z))
                if (float.IsFinite(f)) { if (f < lo) lo = f; if (f > hi) hi = f; }
        return lo <= hi ? (lo, hi) : (0, 0);
    }

    static double Measure(Volume3D<float> fv, Volume3D<float> mv, RigidTransform t, RegistrationOptions o,
        ((double Lo, double Hi) Fixed, (double Lo, double Hi) Moving) ranges, int margin, bool[][]? keep) =>
        o.Similarity == Similarity.MutualInformation
            ? MutualInformation(fv, mv, t, o.HistogramBins, ranges.Fixed, ranges.Moving, o.MaskBelow, margin, keep)
            : Ncc(fv, mv, t, o.MaskBelow, margin, keep);

    /// <summary>
    /// Mutual information (nats) between fixed(p) and moving(T p) over the overlap, from a <paramref name="bins"/>²
    /// joint histogram: fixed values binned to the nearest bin of [fixedRange] (zero-order window), moving values spread
    /// over four bins by a cubic B-spline Parzen window (Mattes et al. 2003), which makes the measure smooth in the motion. MI = H(F) + H(M) − H(F, M); 0 with
    /// fewer than 16 overlapping voxels.
    /// </summary>
    public static double MutualInformation(Volume3D<float> fixedVolume, Volume3D<float> moving, RigidTransform t, int bins,
        (double Lo, double Hi) fixedRange, (double Lo, double Hi) movingRange, double maskBelow = double.NaN, int margin = 0, bool[][]? keep = null)
    {
        var m = t.Matrix();
        double cx = (fixedVolume.Width - 1) / 2.0, cy = (fixedVolume.Height - 1) / 2.0, cz = (fixedVolume.Depth - 1) / 2.0;
        int w = fixedVolume.Width, hgt = fixedVolume.Height, d = fixedVolume.Depth;
        if (2 * margin >= Math.Min(d, Math.Min(hgt, w))) margin = 0;
        double fs = fixedRange.Hi > fixedRange.Lo ? (bins - 1) / (fixedRange.Hi - fixedRange.Lo) : 0;
        // Moving values map onto [2, bins − 3]: the cubic B-spline window reaches two bins either side.
        double ms = movingRange.Hi > movingRange.Lo ? (bins - 5) / (movingRange.Hi - movingRange.Lo) : 0;
        var joint = new double[bins * bins];
        var gate = new object();
        Parallel.For(margin, d - margin, () => new double[bins * bins], (z, _, local) =>
        {
            var fsl = fixedVolume.SliceArray(z);
            double dz = z - cz;
            for (int y = margin; y < hgt - margin; y++)
            {
                double dy = y - cy;
                double bx = m[1] * dy + m[2] * dz + cx + t.Tx, by = m[4] * dy + m[5] * dz + cy + t.Ty, bz = m[7] * dy + m[8] * dz + cz + t.Tz;
                for (int x = margin; x < w - margin; x++)
                {
                    double fv = fsl[y * w + x];
                    if (fv < maskBelow || (keep != null && !keep[z][y * w + x])) continue;
                    double dx = x - cx;
                    if (!Sample(moving, m[0] * dx + bx, m[3] * dx + by, m[6] * dx + bz, out double mv) || double.IsNaN(mv)) continue;
                    int i = Math.Clamp((int)Math.Round((fv - fixedRange.Lo) * fs), 0, bins - 1);
                    double u = 2 + Math.Clamp((mv - movingRange.Lo) * ms, 0, bins - 5);
                    int j = Math.Min((int)u, bins - 3);
                    double f = u - j; // weights of bins j−1 … j+2: cubic B-spline β³ at f+1, f, 1−f, 2−f (they sum to 1)
                    double g = 1 - f;
                    int row = i * bins + j;
                    local[row - 1] += g * g * g / 6;
                    local[row] += 2.0 / 3 - f * f + f * f * f / 2;
                    local[row + 1] += 2.0 / 3 - g * g + g * g * g / 2;
                    local[row + 2] += f * f * f / 6;
                }
            }
            return local;
        }, local => { lock (gate) for (int k = 0; k < joint.Length; k++) joint[k] += local[k]; });
        double n = 0;
        foreach (double v in joint) n += v;
        if (n < 16) return 0;
        var pf = new double[bins]; var pm = new double[bins];
        double hJoint = 0;
        for (int i = 0; i < bins; i++)
            for (int j = 0; j < bins; j++)
            {
                double p = joint[i * bins + j] / n;
                pf[i] += p; pm[j] += p;
                if (p > 0) hJoint -= p * Math.Log(p);
            }
        double hf = 0, hm = 0;
        for (int k = 0; k < bins; k++)
        {
            if (pf[k] > 0) hf -= pf[k] * Math.Log(pf[k]);
            if (pm[k] > 0) hm -= pm[k] * Math.Log(pm[k]);
        }
        return hf + hm - hJoint;
    }

    /// <summary>Parameters: rotations in degrees (scale-free), translations in full-resolution voxels → this level.</summary>
    static RigidTransform ToTransform(double[] p, double scale) => new(p[0], p[1], p[2], p[3] / scale, p[4] / scale, p[5] / scale);

    /// <summary>NCC between fixed(p) and moving(T p) over the voxels whose image falls inside the moving volume.</summary>
    public static double Ncc(Volume3D<float> fixedVolume, Volume3D<float> moving, RigidTransform t, double maskBelow = double.NaN, int margin = 0, bool[][]? keep = null)
    {
        var m = t.Matrix();
        double cx = (fixedVolume.Width - 1) / 2.0, cy = (fixedVolume.Height - 1) / 2.0, cz = (fixedVolume.Depth - 1) / 2.0;
        int w = fixedVolume.Width, hgt = fixedVolume.Height, d = fixedVolume.Depth;
        var parts = new (double Sf, double Sm, double Sff, double Smm, double Sfm, long N)[d];
        if (2 * margin >= Math.Min(d, Math.Min(hgt, w))) margin = 0;
        Parallel.For(0, d, z =>
        {
            double sf = 0, sm = 0, sff = 0, smm = 0, sfm = 0; long n = 0;
            if (z < margin || z >= d - margin) return;
            var fs = fixedVolume.SliceArray(z);
            double dz = z - cz;
            for (int y = margin; y < hgt - margin; y++)
            {
                double dy = y - cy;
                double bx = m[1] * dy + m[2] * dz + cx + t.Tx, by = m[4] * dy + m[5] * dz + cy + t.Ty, bz = m[7] * dy + m[8] * dz + cz + t.Tz;
                for (int x = margin; x < w - margin; x++)
                {
                    double fv = fs[y * w + x];
                    if (fv < maskBelow || (keep != null && !keep[z][y * w + x])) continue;
                    double dx = x - cx;
                    double qx = m[0] * dx + bx, qy = m[3] * dx + by, qz = m[6] * dx + bz;
                    if (!Sample(moving, qx, qy, qz, out double mv) || double.IsNaN(mv)) continue; // NaN: no data there
                    sf += fv; sm += mv; sff += fv * fv; smm += mv * mv; sfm += fv * mv; n++;
                }
            }
            parts[z] = (sf, sm, sff, smm, sfm, n);
        });
        double Sf = 0, Sm = 0, Sff = 0, Smm = 0, Sfm = 0; long N = 0;
        foreach (var p in parts) { Sf += p.Sf; Sm += p.Sm; Sff += p.Sff; Smm += p.Smm; Sfm += p.Sfm; N += p.N; }
        if (N < 16) return -1;
        double cov = Sfm - Sf * Sm / N, vf = Sff - Sf * Sf / N, vm = Smm - Sm * Sm / N;
        return vf > 0 && vm > 0 ? cov / Math.Sqrt(vf * vm) : -1;
    }

    /// <summary>Trilinear sample at (x, y, z) voxel coordinates; false outside the volume.</summary>
    public static bool Sample(Volume3D<float> v, double x, double y, double z, out double value)
    {
        value = 0;
        if (x < 0 || y < 0 || z < 0 || x > v.Width - 1 || y > v.Height - 1 || z > v.Depth - 1) return false;
        int x0 = Math.Min((int)x, v.Width - 2 < 0 ? 0 : v.Width - 2), y0 = Math.Min((int)y, Math.Max(0, v.Height - 2)), z0 = Math.Min((int)z, Math.Max(0, v.Depth - 2));
        int x1 = Math.Min(x0 + 1, v.Width - 1), y1 = Math.Min(y0 + 1, v.Height - 1), z1 = Math.Min(z0 + 1, v.Depth - 1);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        var s0 = v.SliceArray(z0); var s1 = v.SliceArray(z1);
        int w = v.Width;
        double c00 = s0[y0 * w + x0] + fx * (s0[y0 * w + x1] - s0[y0 * w + x0]);
        double c01 = s0[y1 * w + x0] + fx * (s0[y1 * w + x1] - s0[y1 * w + x0]);
        double c10 = s1[y0 * w + x0] + fx * (s1[y0 * w + x1] - s1[y0 * w + x0]);
        double c11 = s1[y1 * w + x0] + fx * (s1[y1 * w + x1] - s1[y1 * w + x0]);
        double c0 = c00 + fy * (c01 - c00), c1 = c10 + fy * (c11 - c10);
        value = c0 + fz * (c1 - c0);
        return true;
    }

    /// <summary>Resamples the moving volume onto the fixed grid: out(p) = moving(T p) (NaN outside).</summary>
    public static Volume3D<float> Resample(Volume3D<float> moving, RigidTransform t)
    {
        var outV = new Volume3D<float>(moving.Depth, moving.Height, moving.Width) { SpacingXUm = moving.SpacingXUm, SpacingYUm = moving.SpacingYUm, SpacingZUm = moving.SpacingZUm };
        double cx = (moving.Width - 1) / 2.0, cy = (moving.Height - 1) / 2.0, cz = (moving.Depth - 1) / 2.0;
        Parallel.For(0, moving.Depth, z =>
        {
            var s = outV.SliceArray(z);
            for (int y = 0; y < moving.Height; y++)
                for (int x = 0; x < moving.Width; x++)
                {
                    var (qx, qy, qz) = t.Apply(x, y, z, cx, cy, cz);
                    s[y * moving.Width + x] = Sample(moving, qx, qy, qz, out double v) ? (float)v : float.NaN;
                }
        });
        return outV;
    }

    /// <summary>Separable [1 2 1]/4 blur along x, y and z (edges replicated).</summary>
    public static Volume3D<float> Blur(Volume3D<float> v)
    {
        int d = v.Depth, h = v.Height, w = v.Width;
        var a = new Volume3D<float>(d, h, w);
        Parallel.For(0, d, z =>
        {
            var s = v.SliceArray(z); var o = a.SliceArray(z);
            var tmp = new float[h * w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    tmp[y * w + x] = 0.25f * s[y * w + Math.Max(0, x - 1)] + 0.5f * s[y * w + x] + 0.25f * s[y * w + Math.Min(w - 1, x + 1)];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    o[y * w + x] = 0.25f * tmp[Math.Max(0, y - 1) * w + x] + 0.5f * tmp[y * w + x] + 0.25f * tmp[Math.Min(h - 1, y + 1) * w + x];
        });
        var b = new Volume3D<float>(d, h, w) { SpacingXUm = v.SpacingXUm, SpacingYUm = v.SpacingYUm, SpacingZUm = v.SpacingZUm };
        Parallel.For(0, d, z =>
        {
            var p = a.SliceArray(Math.Max(0, z - 1)); var c = a.SliceArray(z); var n = a.SliceArray(Math.Min(d - 1, z + 1)); var o = b.SliceArray(z);
            for (int i = 0; i < o.Length; i++) o[i] = 0.25f * p[i] + 0.5f * c[i] + 0.25f * n[i];
        });
        return b;
    }

    /// <summary>2×2×2 average (odd trailing planes dropped).</summary>
    public static Volume3D<float> Downsample(Volume3D<float> v)
    {
        int d = Math.Max(1, v.Depth / 2), h = v.Height / 2, w = v.Width / 2;
        var o = new Volume3D<float>(d, h, w);
        Parallel.For(0, d, z =>
        {
            var dst = o.SliceArray(z);
            var a = v.SliceArray(Math.Min(2 * z, v.Depth - 1)); var b = v.SliceArray(Math.Min(2 * z + 1, v.Depth - 1));
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int i0 = 2 * y * v.Width + 2 * x, i1 = i0 + v.Width;
                    dst[y * w + x] = (a[i0] + a[i0 + 1] + a[i1] + a[i1 + 1] + b[i0] + b[i0 + 1] + b[i1] + b[i1 + 1]) / 8;
                }
        });
        return o;
    }
}
