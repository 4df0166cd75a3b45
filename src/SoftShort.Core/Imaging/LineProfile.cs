namespace SoftShort.Imaging;

/// <summary>A line profile: sample positions along the line (px and mm from the start) and values.</summary>
public sealed record Profile(double[] DistancePx, double[] DistanceMm, double[] Values, double X0, double Y0, double X1, double Y1);

/// <summary>The four layer interfaces of the cell along a profile from the anode-side rod to the cathode-side rod, in profile samples (sub-pixel).</summary>
/// <param name="SsLi">SS|Li (transmission drops into the Li foil).</param>
/// <param name="LiSe">Li|SE (transmission rises out of the Li).</param>
/// <param name="SeCathode">SE|cathode (small drop).</param>
/// <param name="CathodeSs">cathode|SS (rise into the rod).</param>
public readonly record struct LayerBoundaries(double SsLi, double LiSe, double SeCathode, double CathodeSs)
{
    public double[] ToArray() => [SsLi, LiSe, SeCathode, CathodeSs];
    public static readonly string[] Names = ["ss_li", "li_se", "se_cathode", "cathode_ss"];
}

/// <summary>
/// Line profiles across the cell's layers (paper Fig. 1C, S3): bilinear sampling along a line, averaged across a width,
/// a Savitzky–Golay derivative, and automatic detection of the four layer boundaries to sub-pixel precision.
/// </summary>
public static class LineProfile
{
    /// <summary>
    /// Samples <paramref name="image"/> from (x0, y0) to (x1, y1) at 1-px steps (bilinear), averaging
    /// <paramref name="widthPx"/> parallel lines 1 px apart across the line (NaN samples ignored).
    /// </summary>
    /// <param name="image">The image (e.g. a normalised radiograph).</param>
    /// <param name="x0">Start column.</param>
    /// <param name="y0">Start row.</param>
    /// <param name="x1">End column.</param>
    /// <param name="y1">End row.</param>
    /// <param name="widthPx">Lines averaged across the profile. Default 1.</param>
    /// <param name="pixelSizeUm">Pixel size for the mm axis, µm (NaN → mm axis NaN).</param>
    public static Profile Sample(Image2D<float> image, double x0, double y0, double x1, double y1, int widthPx = 1, double pixelSizeUm = double.NaN)
    {
        InputException.Require(widthPx >= 1, "--width-px", $"must be ≥ 1, got {widthPx}");
        double len = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        InputException.Require(len >= 2, "--from/--to", "the line must be at least 2 px long");
        foreach (var (x, y) in new[] { (x0, y0), (x1, y1) })
            InputException.Require(x >= 0 && y >= 0 && x <= image.Width - 1 && y <= image.Height - 1, "--from/--to", $"({x},{y}) lies outside the {image.Width}×{image.Height} image");
        int n = (int)Math.Floor(len) + 1;
        double ux = (x1 - x0) / len, uy = (y1 - y0) / len, nx = -uy, ny = ux;
        var d = new double[n]; var mm = new double[n]; var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0; int c = 0;
            for (int k = 0; k < widthPx; k++)
            {
                double off = k - (widthPx - 1) / 2.0;
                double x = x0 + ux * i + nx * off, y = y0 + uy * i + ny * off;
                double val = Bilinear(image, x, y);
                if (!double.IsNaN(val)) { s += val; c++; }
            }
            d[i] = i; mm[i] = i * pixelSizeUm / 1000; v[i] = c > 0 ? s / c : double.NaN;
        }
        return new Profile(d, mm, v, x0, y0, x1, y1);
    }

    /// <summary>Bilinear interpolation at (x, y) (pixel centres at integers); NaN outside the image.</summary>
    public static double Bilinear(Image2D<float> img, double x, double y)
    {
        if (x < 0 || y < 0 || x > img.Width - 1 || y > img.Height - 1) return double.NaN;
        int ix = Math.Min((int)x, img.Width - 2 < 0 ? 0 : img.Width - 2), iy = Math.Min((int)y, img.Height - 2 < 0 ? 0 : img.Height - 2);
        double fx = x - ix, fy = y - iy;
        int ix1 = Math.Min(ix + 1, img.Width - 1), iy1 = Math.Min(iy + 1, img.Height - 1);
        return (1 - fy) * ((1 - fx) * img[iy, ix] + fx * img[iy, ix1]) + fy * ((1 - fx) * img[iy1, ix] + fx * img[iy1, ix1]);
    }

    /// <summary>
    /// Savitzky–Golay smoothed first derivative (quadratic fit over 2·<paramref name="halfWindow"/>+1 points; for a quadratic the
    /// derivative weights are k / Σk², Savitzky &amp; Golay, Anal. Chem. 36, 1627, 1964). Per sample; ends use a shrunken window.
    /// NaN samples are skipped in the sums.
    /// </summary>
    public static double[] Derivative(IReadOnlyList<double> y, int halfWindow = 2)
    {
        InputException.Require(halfWindow >= 1, "half window", "must be ≥ 1");
        int n = y.Count;
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            int m = Math.Min(halfWindow, Math.Min(i, n - 1 - i));
            if (m == 0) { d[i] = i == 0 ? y[Math.Min(1, n - 1)] - y[0] : y[i] - y[i - 1]; continue; }
            double s = 0, q = 0;
            for (int k = -m; k <= m; k++)
            {
                double v = y[i + k];
                if (double.IsNaN(v)) continue;
                s += k * v; q += k * k;
            }
            d[i] = q > 0 ? s / q : double.NaN;
        }
        return d;
    }

    /// <summary>
    /// Finds SS|Li, Li|SE, SE|cathode and cathode|SS on a transmission profile running from the anode-side rod to the
    /// cathode-side rod: SS|Li is the steepest drop; the two strongest rises after it (local maxima of the derivative at
    /// least <paramref name="minGapPx"/> apart) are Li|SE and then cathode|SS; SE|cathode is the steepest drop between them
    /// (at least 2 samples after Li|SE). Each extremum is refined by a parabola through the derivative's three samples
    /// around it (sub-pixel). The profile may also run the other way (cathode first): it is then reversed internally.
    /// </summary>
    /// <param name="values">Transmission along the profile.</param>
    /// <param name="halfWindow">Savitzky–Golay half window, samples. Default 1 (the cathode is only a few pixels thick).</param>
    /// <param name="minGapPx">Least separation between Li|SE and cathode|SS, samples. Default 8.</param>
    public static LayerBoundaries DetectBoundaries(IReadOnlyList<double> values, int halfWindow = 1, int minGapPx = 8)
    {
        int n = values.Count;
        InputException.Require(n >= 8, "profile", $"has {n} samples; at least 8 needed to find layers");
        var d = Derivative(values, halfWindow);
        int edge = halfWindow;
        int ssLi = ArgExt(d, edge, n - 1 - edge, min: true);
        // local maxima of the derivative after SS|Li, strongest first
        var peaks = new List<int>();
        for (int i = Math.Max(ssLi + 2, edge); i <= n - 1 - edge; i++)
            if (d[i] > 0 && (i == 0 || d[i] >= d[i - 1]) && (i == n - 1 || d[i] > d[i + 1])) peaks.Add(i);
        if (peaks.Count < 2) throw new InputException("profile", "fewer than two rises in transmission after the SS|Li drop: not a cell profile from the anode rod to the cathode rod");
        peaks.Sort((a, b) => d[b].CompareTo(d[a]));
        int p1 = peaks[0], p2 = peaks.Skip(1).FirstOrDefault(p => Math.Abs(p - p1) >= minGapPx, -1);
        if (p2 < 0) throw new InputException("profile", $"no second rise at least {minGapPx} samples from the first: not a cell profile");
        int liSe = Math.Min(p1, p2), catSs = Math.Max(p1, p2);
        int seCat = ArgExt(d, liSe + 2, catSs - 1, min: true);
        return new LayerBoundaries(Refine(d, ssLi), Refine(d, liSe), Refine(d, seCat), Refine(d, catSs));
    }

    /// <summary>
    /// <see cref="DetectBoundaries(IReadOnlyList{double}, int, int)"/> on a profile with a known sample spacing: the search is
    /// restricted to ±<paramref name="stackHalfHeightUm"/> around the darkest part (the Li foil), so that a tall frame that
    /// also holds the rods' far ends (paper camera: 14 mm along the axis) does not take a rod end for SS|Li; the derivative's
    /// half window spans ≈ 13 µm (1 sample at 25 µm, 2 at 6.5 µm) and Li|SE and cathode|SS are at least 200 µm apart.
    /// Positions are in samples of the whole profile. NaN spacing: the plain method.
    /// </summary>
    /// <param name="values">Transmission along the profile.</param>
    /// <param name="sampleSpacingUm">Sample spacing, µm.</param>
    /// <param name="stackHalfHeightUm">Half height of the window around the Li foil, µm. Default 4000 (the SE, 60 mg pressed in
    /// the 1/4″ bore, is ≈ 1.2 mm; the rods' ends in the paper's frame are ≈ 5.5 mm from the foil).</param>
    public static LayerBoundaries DetectBoundaries(IReadOnlyList<double> values, double sampleSpacingUm, double stackHalfHeightUm = 4000)
    {
        if (!(sampleSpacingUm > 0)) return DetectBoundaries(values);
        int n = values.Count;
        int half = (int)Math.Ceiling(stackHalfHeightUm / sampleSpacingUm);
        int hw = Math.Max(1, (int)Math.Round(13 / sampleSpacingUm)), gap = Math.Max(8, (int)Math.Ceiling(200 / sampleSpacingUm));
        if (n <= 2 * half + 1) return DetectBoundaries(values, hw, gap);
        // the darkest part on a profile smoothed over ±50 µm
        int dark = Darkest(values, Math.Max(1, (int)Math.Round(50 / sampleSpacingUm)));
        InputException.Require(dark >= 0, "profile", "has no finite samples");
        int lo = Math.Max(0, dark - half), hi = Math.Min(n - 1, dark + half);
        var window = new double[hi - lo + 1];
        for (int i = 0; i < window.Length; i++) window[i] = values[lo + i];
        var b = DetectBoundaries(window, hw, gap);
        return new LayerBoundaries(b.SsLi + lo, b.LiSe + lo, b.SeCathode + lo, b.CathodeSs + lo);
    }

    /// <summary>
    /// Index of the minimum of the profile smoothed by a moving mean over ±<paramref name="halfWindow"/> samples (non-finite
    /// samples skipped): the darkest part of a transmission profile (the Li foil along the axis, the core across it); −1 if none.
    /// </summary>
    public static int Darkest(IReadOnlyList<double> values, int halfWindow)
    {
        int n = values.Count, dark = -1;
        double darkV = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double sum = 0; int c = 0;
            for (int k = Math.Max(0, i - halfWindow); k <= Math.Min(n - 1, i + halfWindow); k++) if (double.IsFinite(values[k])) { sum += values[k]; c++; }
            if (c > 0 && sum / c < darkV) { darkV = sum / c; dark = i; }
        }
        return dark;
    }

    static int ArgExt(double[] d, int from, int to, bool min)
    {
        from = Math.Clamp(from, 0, d.Length - 1); to = Math.Clamp(to, from, d.Length - 1);
        int best = from;
        for (int i = from; i <= to; i++)
        {
            if (double.IsNaN(d[i])) continue;
            if (double.IsNaN(d[best]) || (min ? d[i] < d[best] : d[i] > d[best])) best = i;
        }
        return best;
    }

    /// <summary>Sub-sample position of an extremum: vertex of the parabola through (i−1, i, i+1).</summary>
    public static double Refine(IReadOnlyList<double> d, int i)
    {
        if (i <= 0 || i >= d.Count - 1) return i;
        double a = d[i - 1], b = d[i], c = d[i + 1];
        double den = a - 2 * b + c;
        if (den == 0 || double.IsNaN(den)) return i;
        double off = 0.5 * (a - c) / den;
        return i + Math.Clamp(off, -0.5, 0.5);
    }
}
