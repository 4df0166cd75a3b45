using SoftShort.Electrochemistry;

namespace SoftShort.Imaging;

/// <summary>
/// The result of <see cref="RadialUnmixing"/>: the Li change of the core disc (P3) and of the gap annulus (P4) at the anode-side
/// SS|Li interface over time, and the geometry the inversion used.
/// </summary>
/// <param name="TimesS">Bin times, s.</param>
/// <param name="CoreLiUm">Core (r &lt; R_core) Li change as a dense-Li thickness over the bore, µm (+ enrichment): P3.</param>
/// <param name="CoreLiMm3">The same as a volume, mm³.</param>
/// <param name="GapLiMm3">Gap annulus (R_core ≤ r &lt; R_gap) Li change, mm³ (+ enrichment): P4.</param>
/// <param name="GapLiUm">The same as a dense-Li thickness over the bore, µm.</param>
/// <param name="AxisX">Cell axis column used, px.</param>
/// <param name="CoreRadiusPx">Core (bore) radius at the anode, px (from the detected outline on the anode side).</param>
/// <param name="GapOuterRadiusPx">Outer radius of the gap annulus, px (the tube's inner radius at the bulge: the pellet's outline).</param>
/// <param name="BlurSigmaPx">Vertical Gaussian blur σ fitted to the SS|Li edge of Tr₀, px.</param>
/// <param name="EdgeRow">Sub-pixel SS|Li edge row of the fitted step, px.</param>
/// <param name="FirstRow">First row of the window that was integrated.</param>
/// <param name="LastRow">Last row of the window.</param>
/// <param name="ZonesUsed">Radial zones (column groups) in the fit.</param>
public sealed record RadialUnmixingResult(double[] TimesS, double[] CoreLiUm, double[] CoreLiMm3, double[] GapLiMm3, double[] GapLiUm,
    double AxisX, double CoreRadiusPx, double GapOuterRadiusPx, double BlurSigmaPx, double EdgeRow, int FirstRow, int LastRow, int ZonesUsed);

/// <summary>
/// Radial (onion-peeling) unmixing of the Li change at the anode-side Li|SS interface into the core disc (P3: Li lost by creep
/// at Li|SS) and the gap annulus the tube's bulge leaves around the Li foil and the rod (P4: the crept Li). Every ray through
/// the core also crosses the gap twice, so a projection alone sees only the net change, which creep (Li conserved) makes
/// small; the axisymmetry separates them.
/// <para><b>Geometry.</b> Cell axis x_a and core radius R start from the core outline detected on the anode-side rows of Tr₀
/// (<see cref="KymographBuilder.AnodeOutline"/>) and are refined by fitting the chord model to ln(Tr₀,SS/Tr₀,Li) across each edge
/// (<see cref="RefineCoreEdges"/>; the steepest slope lies ≈ 1 px inside the edge); the gap's outer radius R_g from the outline of
/// the pellet rows (the pressed pellet fills the bulged bore, so its radius is the tube's inner radius at the bulge), shifted by the
/// same refinement; lateral coordinate u = (x − x_a)·pixel.
/// A ray at |u| &lt; R crosses the core over L_c(u) = 2√(R² − u²) and the gap annulus over
/// L_g(u) = 2(√(R_g² − u²) − √(R² − u²)) (→ 2Rg/√(R² − u²) for a thin gap of width g).</para>
/// <para><b>Estimator.</b> Onion peeling (Dasch, Appl. Opt. 31, 1146, 1992: "One-dimensional tomography: a comparison of
/// Abel, onion-peeling, and filtered backprojection methods") assumes a piecewise-constant radial distribution in shells and
/// inverts the projections shell by shell. Here the shells are the two the cell's geometry defines — the core [0, R) and the
/// gap [R, R_g) — and the system is over-determined (one projection per radial zone), so it is solved by weighted least
/// squares over the zones with |u| ≤ <c>maxRelU</c>·R instead of the square triangular system: per bin,
/// Q(u) = Σ_rows Δℓ(row, u)·pixel = a·L_c(u) + b·L_g(u)/(R_g − R), with a the core's Li thickness change (over the core disc)
/// integrated along the axis and b the gap's Li change per unit gap width. Volumes: V_core = a·πR², V_gap = b·π(R + R_g).
/// The basis of each zone is the Tr₀-weighted mean over its columns (the zone's data are a ratio of transmission means).</para>
/// <para><b>Per row.</b> Δℓ = −ln(Tr_t/Tr₀)/Σ_eff with the spectrum-hardened Li attenuation Σ_eff of
/// <see cref="LiQuantification.EffectiveAttenuationPerCm"/>. The rows summed are the P3 and P4 bands' rows ± a pad (blur
/// conserves the sum), stopping at other bands. Blur along the axis mixes the dark Li rows with the bright SS rows across the
/// SS|Li interface, where P3 sits; the log of a blurred transmission then under-weights the change (≈ 7–15 % of P3 for a
/// 25–35 µm blur). The vertical blur is therefore measured: a sampled Gaussian of σ (px) applied to a pixel-integrated step
/// between the SS and Li levels of Tr₀ is fitted to the SS|Li edge; with the step model T0u (unblurred) and its blurred image
/// T0b, each row's Δℓ is multiplied by T0b·B⁻¹(1/T0u) (B⁻¹ by van Cittert iteration), the factor that turns the
/// blurred-row normalisation into the unblurred one to first order in the change (it is 1 away from the edge).
/// A baseline (the mean of the reference bins) is subtracted.</para>
/// </summary>
public static class RadialUnmixing
{
    /// <param name="k">Completed kymograph builder with a zone kymograph (<see cref="KymographBuilder.Zones"/>).</param>
    /// <param name="bands">Detected bands (P3 on ROI I is required; P4 widens the row window when found).</param>
    /// <param name="lb">Layer boundaries (rows) of Tr₀.</param>
    /// <param name="pixelSizeUm">Pixel size, µm.</param>
    /// <param name="spectrum">Beam spectrum (for the hardened Σ_Li).</param>
    /// <param name="li">Li metal cross sections.</param>
    /// <param name="boreRadiusUm">Bore radius, µm (the area a thickness over the bore refers to).</param>
    /// <param name="maxRelU">Zones whose centre is within this fraction of R are fitted. Default 0.95 (with the 16 zones of the zone kymograph: all of them; the outermost zones carry most of the gap signal, and leaving them out triples the noise of the unmixing).</param>
    /// <returns>The unmixing, or null when there is no zone kymograph, no P3 band or no core outline.</returns>
    public static RadialUnmixingResult? Unmix(KymographBuilder k, IReadOnlyList<DetectedBand> bands, LayerBoundaries lb, double pixelSizeUm,
        Synthetic.NeutronSpectrum spectrum, Synthetic.NeutronMaterial li, double boreRadiusUm, double maxRelU = 0.95)
    {
        var z = k.Zones;
        var refImg = k.GeometryReference;
        if (z is null || refImg is null || z.Bins.Count != k.TimesS.Count || z.Bins.Count == 0) return null;
        InputException.Require(pixelSizeUm > 0 && boreRadiusUm > 0, "quantify", "pixel size and bore radius must be positive");
        var p3 = bands.FirstOrDefault(b => b.Name == "P3" && b.Roi == 0);
        if (p3 is null || !double.IsFinite(lb.SsLi) || !double.IsFinite(lb.LiSe)) return null;
        var p4 = bands.FirstOrDefault(b => b.Name == "P4");
        int h = k.Height;
        // the gap's outer radius: the outline of the pellet rows (the pressed pellet fills the bulged bore)
        double? rGap = null;
        try
        {
            int a = (int)Math.Ceiling(Math.Min(lb.LiSe, lb.SeCathode)) + 2, b = (int)Math.Floor(Math.Max(lb.LiSe, lb.SeCathode)) - 2;
            if (b - a >= 4) rGap = (k.Outline is { } whole ? CellOutline.DetectNear(refImg, a, b, whole) : CellOutline.Detect(refImg, a, b)).RadiusPx;
        }
        catch (InputException) { }
        // the blur decides the pad of the row window: fit it first (Unmix(rows) fits it again, the same way)
        var edge = FitEdge(k, lb.SsLi, lb.LiSe, pixelSizeUm, maxRelU);
        if (edge is null) return null;
        // the pellet's outline has the same ≈ 1-px inset as the core's detected edge: shift it by the core's refinement
        if (rGap.HasValue && (k.AnodeOutline ?? k.Outline) is { } det) rGap += edge.Value.RCore - det.RadiusPx;
        int pad = Math.Max(3, (int)Math.Ceiling(3 * edge.Value.SigmaPx) + 1);
        int y0 = p3.FirstRow, y1 = p3.LastRow;
        if (p4 is not null && p4.LastRow >= p3.FirstRow - 4 * pad && p4.FirstRow <= p3.LastRow + 4 * pad) { y0 = Math.Min(y0, p4.FirstRow); y1 = Math.Max(y1, p4.LastRow); }
        // a detected band's extent shrinks with the noise; the gap Li shows most clearly in ROI II (the columns just outside the
        // core): extend the window over the contiguous rows around the bands where ROI II's late-time change is significant
        (y0, y1) = ExtendBySignificantRoiII(k, y0, y1);
        y0 = Math.Max(0, y0 - pad); y1 = Math.Min(h - 1, y1 + pad);
        foreach (var o in bands)
        {
            if (o.Roi != 0 || o.Name is "P3" or "P4") continue;
            if (o.LastRow < p3.FirstRow) y0 = Math.Max(y0, o.LastRow + 1);
            if (o.FirstRow > p3.LastRow) y1 = Math.Min(y1, o.FirstRow - 1);
        }
        // and the window keeps 2σ + ½ px off the Li|SE edge (P2 sits behind it in the core)
        double liSeLimit = lb.LiSe - Math.Sign(lb.LiSe - lb.SsLi) * (0.5 + 2 * edge.Value.SigmaPx);
        if (lb.LiSe > lb.SsLi) y1 = Math.Min(y1, (int)Math.Floor(liSeLimit)); else y0 = Math.Max(y0, (int)Math.Ceiling(liSeLimit));
        if (y1 < y0) return null;
        return Unmix(k, y0, y1, lb.SsLi, lb.LiSe, pixelSizeUm, spectrum, li, boreRadiusUm, rGap, maxRelU);
    }

    /// <summary>
    /// The unmixing over an explicit row window <paramref name="firstRow"/>..<paramref name="lastRow"/> (see the class summary),
    /// with the SS|Li and Li|SE rows of Tr₀ (they place the SS and Li reference levels and the edge whose blur is fitted) and
    /// the gap's outer radius (null: a thin gap, L_g → 2R/√(R² − u²) per unit width).
    /// </summary>
    public static RadialUnmixingResult? Unmix(KymographBuilder k, int firstRow, int lastRow, double ssLiRow, double liSeRow, double pixelSizeUm,
        Synthetic.NeutronSpectrum spectrum, Synthetic.NeutronMaterial li, double boreRadiusUm, double? gapOuterRadiusPx = null, double maxRelU = 0.95)
    {
        var z = k.Zones;
        var refImg = k.GeometryReference;
        if (z is null || refImg is null || z.Bins.Count != k.TimesS.Count || z.Bins.Count == 0) return null;
        InputException.Require(pixelSizeUm > 0 && boreRadiusUm > 0, "quantify", "pixel size and bore radius must be positive");
        int h = k.Height, nz = z.Zones;
        int y0 = Math.Max(0, firstRow), y1 = Math.Min(h - 1, lastRow);
        if (y1 < y0) return null;
        var fe = FitEdge(k, ssLiRow, liSeRow, pixelSizeUm, maxRelU);
        if (fe is null) return null;
        var (sigmaPx, edgeRow, dir, axis, rCore, ssLevel, liLevel, liRows, use) = fe.Value;
        double rGap = Math.Max(rCore, gapOuterRadiusPx ?? rCore), gapPx = rGap - rCore;

        // per zone and row: Σ_eff, and the blur-correction factor T0b·B⁻¹(1/T0u) from the fitted step model
        int rows = y1 - y0 + 1;
        var kernel = GaussianKernel(sigmaPx);
        int kr = kernel.Length / 2, ext = 4 * kr + 2;
        var sigma = new double[rows * nz];
        var factor = new double[rows * nz];
        for (int q = 0; q < nz; q++)
        {
            int n = rows + 2 * ext;
            var t0u = new double[n];
            for (int i = 0; i < n; i++)
            {
                double y = y0 - ext + i;
                double frac = Math.Clamp(dir * (y - edgeRow) + 0.5, 0, 1); // Li fraction of the pixel row
                t0u[i] = ssLevel[q] + (liLevel[q] - ssLevel[q]) * frac;
            }
            bool ok = t0u.All(v => v > 0);
            var t0b = Convolve(t0u, kernel);
            var w = ok ? VanCittert(t0u.Select(v => 1 / v).ToArray(), kernel, 60) : null;
            for (int r = 0; r < rows; r++)
            {
                int y = y0 + r;
                double t = z.Reference[y * nz + q];
                sigma[r * nz + q] = t > 0 ? LiQuantification.EffectiveAttenuationPerCm(spectrum, li, t) : double.NaN;
                factor[r * nz + q] = ok && kr > 0 ? t0b[r + ext] * w![r + ext] : 1;
            }
        }

        // basis per zone: Tr₀-weighted mean over its columns of L_c and L_g/(R_g − R) (cm), Tr₀ from the Li rows
        double px = pixelSizeUm * 1e-4, rc = rCore * px, rg = rGap * px, g = rg - rc;
        var lc = new double[nz]; var lg = new double[nz];
        foreach (int q in use)
        {
            double sw = 0, sc = 0, sg = 0;
            for (int x = z.X0[q]; x <= z.X1[q]; x++)
            {
                double wt = 0;
                foreach (int y in liRows) { float v = refImg[y, x]; if (float.IsFinite(v)) wt += v; }
                if (!(wt > 0)) continue;
                double u = Math.Abs(x - axis) * px;
                double c = u < rc ? 2 * Math.Sqrt(rc * rc - u * u) : 0;
                double gl = gapPx > 0.25
                    ? 2 * (Math.Sqrt(Math.Max(0, rg * rg - u * u)) - (u < rc ? Math.Sqrt(rc * rc - u * u) : 0)) / g
                    : u < rc ? 2 * rc / Math.Sqrt(rc * rc - u * u) : 0;
                sw += wt; sc += wt * c; sg += wt * gl;
            }
            lc[q] = sw > 0 ? sc / sw : double.NaN; lg[q] = sw > 0 ? sg / sw : double.NaN;
        }
        use = use.Where(q => double.IsFinite(lc[q]) && double.IsFinite(lg[q]) && lc[q] > 0).ToArray();
        if (use.Length < 3) return null;
        // zone weights: inverse variance of Q from counting noise, ∝ 1/Σ_rows 1/(Tr₀·pixels·Σ²)
        var weight = new double[nz];
        foreach (int q in use)
        {
            double v = 0;
            for (int r = 0; r < rows; r++)
            {
                int y = y0 + r;
                double t = z.Reference[y * nz + q], s = sigma[r * nz + q];
                int c = z.Counts[y * nz + q];
                if (t > 0 && c > 0 && s > 0) v += factor[r * nz + q] * factor[r * nz + q] / (t * c * s * s);
            }
            weight[q] = v > 0 ? 1 / v : 0;
        }

        var times = k.TimesS.ToArray();
        int nb = times.Length;
        var coreUm = new double[nb]; var coreMm3 = new double[nb]; var gapMm3 = new double[nb]; var gapUm = new double[nb];
        double boreAreaCm2 = Math.PI * Math.Pow(boreRadiusUm * 1e-4, 2);
        double coreAreaCm2 = Math.PI * rc * rc, gapPerimCm = Math.PI * (rc + rg);
        for (int b = 0; b < nb; b++)
        {
            var bin = z.Bins[b];
            double s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0;
            foreach (int q in use)
            {
                double qsum = 0; bool ok = true;
                for (int r = 0; r < rows && ok; r++)
                {
                    int i = (y0 + r) * nz + q;
                    double d = -Math.Log(bin[i] / z.Reference[i]) / sigma[r * nz + q] * factor[r * nz + q];
                    if (double.IsFinite(d)) qsum += d; else ok = false;
                }
                if (!ok || !(weight[q] > 0)) continue;
                double qv = qsum * px, w = weight[q];
                s00 += w * lc[q] * lc[q]; s01 += w * lc[q] * lg[q]; s11 += w * lg[q] * lg[q];
                t0 += w * lc[q] * qv; t1 += w * lg[q] * qv;
            }
            double det = s00 * s11 - s01 * s01;
            if (!(det > 1e-12 * s00 * s11)) { coreUm[b] = coreMm3[b] = gapMm3[b] = gapUm[b] = double.NaN; continue; }
            double aCm = (s11 * t0 - s01 * t1) / det, bCm2 = (s00 * t1 - s01 * t0) / det;
            // Δℓ is the Li path removed (−ln Tr ratio > 0 = more Li): a, b > 0 mean enrichment
            double vCore = aCm * coreAreaCm2, vGap = bCm2 * gapPerimCm; // cm³
            coreMm3[b] = vCore * 1e3; gapMm3[b] = vGap * 1e3;
            coreUm[b] = vCore / boreAreaCm2 * 1e4; gapUm[b] = vGap / boreAreaCm2 * 1e4;
        }
        // baseline: the mean of the reference bins (removes the small bias of the log of noisy zone means)
        int nref = Math.Clamp(k.ReferenceBins, 0, nb);
        if (nref > 0)
            foreach (var arr in new[] { coreUm, coreMm3, gapMm3, gapUm })
            {
                double m = 0; int c = 0;
                for (int i = 0; i < nref; i++) if (double.IsFinite(arr[i])) { m += arr[i]; c++; }
                if (c > 0) { m /= c; for (int i = 0; i < nb; i++) arr[i] -= m; }
            }
        return new RadialUnmixingResult(times, coreUm, coreMm3, gapMm3, gapUm, axis, rCore, rGap, sigmaPx, edgeRow, y0, y1, use.Length);
    }

    /// <summary>
    /// Widens the row window [y0, y1] over the contiguous rows where ROI II's mean Tr_t/Tr₀ − 1 over the last third of the
    /// bins differs from 0 by more than 3 of its standard errors (a gap of one quiet row is bridged); unchanged without ROI II.
    /// </summary>
    static (int Y0, int Y1) ExtendBySignificantRoiII(KymographBuilder k, int y0, int y1)
    {
        if (k.RatioRows.Count < 2 || k.RatioRows[1].Count < 6) return (y0, y1);
        var rows = k.RatioRows[1];
        int n = rows.Count, from = n - n / 3, h = k.Height;
        bool Significant(int y)
        {
            double s = 0, s2 = 0; int c = 0;
            for (int b = from; b < n; b++) { double v = rows[b][y] - 1; if (double.IsFinite(v)) { s += v; s2 += v * v; c++; } }
            if (c < 3) return false;
            double m = s / c, var = Math.Max(0, (s2 - c * m * m) / (c - 1));
            return Math.Abs(m) > 3 * Math.Sqrt(var / c);
        }
        int a = y0, b2 = y1;
        while (a - 1 >= 0 && (Significant(a - 1) || (a - 2 >= 0 && Significant(a - 2)))) a--;
        while (b2 + 1 < h && (Significant(b2 + 1) || (b2 + 2 < h && Significant(b2 + 2)))) b2++;
        return (a, b2);
    }

    /// <summary>
    /// The anode-side geometry and the vertical blur: core outline (axis, radius), per-zone SS and Li reference levels of Tr₀
    /// (SS rows 75–250 µm into the rod, Li rows from 75 µm after SS|Li to 75 µm before Li|SE, at least 2 px from each
    /// interface), the zones to fit, and σ and the edge row fitted to the normalised SS|Li edge of the central zones.
    /// </summary>
    static (double SigmaPx, double EdgeRow, int Dir, double Axis, double RCore, double[] SsLevel, double[] LiLevel, int[] LiRows, int[] Use)? FitEdge(
        KymographBuilder k, double ssLiRow, double liSeRow, double pixelSizeUm, double maxRelU)
    {
        var z = k.Zones!;
        int h = k.Height, nz = z.Zones;
        if (!double.IsFinite(ssLiRow) || !double.IsFinite(liSeRow)) return null;
        int dir = liSeRow > ssLiRow ? 1 : -1; // +1: the anode (SS rod, Li foil) is above the pellet
        int Rows(double um, int min) => Math.Max(min, (int)Math.Ceiling(um / pixelSizeUm));
        var core = k.AnodeOutline ?? k.Outline;
        if (core is null)
        {
            try { core = CellOutline.Detect(k.GeometryReference!, dir > 0 ? 0 : (int)Math.Ceiling(liSeRow) + 1, dir > 0 ? (int)Math.Floor(liSeRow) - 1 : h - 1); }
            catch (InputException) { return null; }
        }
        int m0 = Rows(75, 2), ssFar = Rows(250, m0 + 2);
        var ssRows = Enumerable.Range(m0, ssFar - m0 + 1).Select(d => (int)Math.Round(ssLiRow - dir * d)).Where(y => y >= 0 && y < h).ToArray();
        int liLen = (int)Math.Floor(Math.Abs(liSeRow - ssLiRow)) - 2 * m0;
        var liRows = Enumerable.Range(m0, Math.Max(0, liLen + 1)).Select(d => (int)Math.Round(ssLiRow + dir * d)).Where(y => y >= 0 && y < h).ToArray();
        if (ssRows.Length == 0 || liRows.Length == 0) return null;
        var ssLevel = new double[nz]; var liLevel = new double[nz];
        for (int q = 0; q < nz; q++)
        {
            ssLevel[q] = ssRows.Average(y => (double)z.Reference[y * nz + q]);
            liLevel[q] = liRows.Average(y => (double)z.Reference[y * nz + q]);
        }
        var uc = new double[nz];
        for (int q = 0; q < nz; q++) uc[q] = 0.5 * (z.X0[q] + z.X1[q]) - core.AxisX;
        var use = Enumerable.Range(0, nz).Where(q => Math.Abs(uc[q]) <= maxRelU * core.RadiusPx).ToArray();
        if (use.Length < 3) return null;
        var central = use.Where(q => Math.Abs(uc[q]) <= 0.5 * core.RadiusPx).DefaultIfEmpty(use[use.Length / 2]).ToArray();
        double ssC = central.Average(q => ssLevel[q]), liC = central.Average(q => liLevel[q]);
        if (!(Math.Abs(liC - ssC) > 1e-6)) return null;
        int fitHalf = Rows(150, 5);
        var fitRows = Enumerable.Range(-fitHalf, 2 * fitHalf + 1).Select(d => (int)Math.Round(ssLiRow) + d).Where(y => y >= 0 && y < h).ToArray();
        var edge = fitRows.Select(y => (central.Average(q => (double)z.Reference[y * nz + q]) - ssC) / (liC - ssC)).ToArray();
        var (sigmaPx, edgeRow) = FitBlurredStep(fitRows, edge, dir, ssLiRow);
        var (axis, rCore) = RefineCoreEdges(k.GeometryReference!, ssRows, liRows, core.AxisX, core.RadiusPx, sigmaPx);
        return (sigmaPx, edgeRow, dir, axis, rCore, ssLevel, liLevel, liRows, use);
    }

    /// <summary>
    /// The core's edges from a model, not from the steepest slope (which a smoothed derivative places ≈ 1 px inside the edge):
    /// per column d(x) = ln(Tr₀,SS / Tr₀,Li), the SS rows' over the Li rows' mean transmission, which cancels the tube and the
    /// gap and leaves (Σ_Li − Σ_SS)·L_c(u) inside the core and 0 outside. On each side, over the columns from 0.8 R to R + 5 px,
    /// d is fitted by c·B∗L̄_c(u; R_side), L̄_c the chord 2√(R² − u²) averaged over 8 sub-columns per pixel and B the Gaussian of the
    /// vertical blur σ (an isotropic detector blur assumed), with c in closed form and R_side on a 0.02-px grid within
    /// [R − 2, R + 3] px. Returns the axis (x_a + (R_right − R_left)/2) and R = (R_left + R_right)/2; the detected ones when a side
    /// cannot be fitted.
    /// </summary>
    public static (double AxisX, double RadiusPx) RefineCoreEdges(Image2D<float> reference, IReadOnlyList<int> ssRows, IReadOnlyList<int> liRows, double axisX, double radiusPx, double sigmaPx)
    {
        int w = reference.Width;
        var d = new double[w];
        for (int x = 0; x < w; x++)
        {
            double ss = 0, li = 0; int cs = 0, cl = 0;
            foreach (int y in ssRows) { float v = reference[y, x]; if (float.IsFinite(v)) { ss += v; cs++; } }
            foreach (int y in liRows) { float v = reference[y, x]; if (float.IsFinite(v)) { li += v; cl++; } }
            d[x] = cs > 0 && cl > 0 && ss > 0 && li > 0 ? Math.Log(ss / cs / (li / cl)) : double.NaN;
        }
        var kernel = GaussianKernel(sigmaPx);
        double? Side(int side)
        {
            int a = (int)Math.Round(axisX + side * 0.8 * radiusPx), b = (int)Math.Round(axisX + side * (radiusPx + 5));
            int lo = Math.Min(a, b), hi = Math.Max(a, b), kr = kernel.Length / 2, m = 8 + kr;
            if (lo - m < 0 || hi + m >= w) return null;
            double best = double.PositiveInfinity, bestR = double.NaN;
            var chord = new double[hi - lo + 1 + 2 * m];
            for (double r = radiusPx - 2; r <= radiusPx + 3 + 1e-9; r += 0.02)
            {
                for (int i = 0; i < chord.Length; i++)
                {
                    double s = 0;
                    for (int j = 0; j < 8; j++) { double u = lo - m + i + (j + 0.5) / 8 - 0.5 - axisX; double q = r * r - u * u; if (q > 0) s += 2 * Math.Sqrt(q); }
                    chord[i] = s / 8;
                }
                var bl = Convolve(chord, kernel);
                double smm = 0, smd = 0, sdd = 0;
                for (int x = lo; x <= hi; x++) { double mv = bl[x - lo + m], dv = d[x]; if (!double.IsFinite(dv)) continue; smm += mv * mv; smd += mv * dv; sdd += dv * dv; }
                if (!(smm > 0)) continue;
                double res = sdd - smd * smd / smm;
                if (res < best) { best = res; bestR = r; }
            }
            return double.IsFinite(bestR) ? bestR : null;
        }
        var right = Side(+1); var left = Side(-1);
        if (right is null || left is null) return (axisX, radiusPx);
        return (axisX + (right.Value - left.Value) / 2, (right.Value + left.Value) / 2);
    }

    /// <summary>
    /// Least-squares fit of a pixel-integrated step (0 on the SS side, 1 on the Li side, edge at <c>EdgeRow</c>) blurred by a
    /// sampled Gaussian of σ (px) to a normalised edge profile: grid search σ ∈ [0, 4] px, edge within ±2 px of
    /// <paramref name="guess"/>, then a finer grid around the best.
    /// </summary>
    public static (double SigmaPx, double EdgeRow) FitBlurredStep(IReadOnlyList<int> rows, IReadOnlyList<double> edge, int dir, double guess)
    {
        double bestS = 0, bestE = guess, best = double.PositiveInfinity;
        void Search(double s0, double s1, double ds, double e0, double e1, double de)
        {
            for (double s = s0; s <= s1 + 1e-9; s += ds)
            {
                var k = GaussianKernel(Math.Max(0, s));
                for (double e = e0; e <= e1 + 1e-9; e += de)
                {
                    double r2 = Residual(rows, edge, dir, e, k);
                    if (r2 < best) { best = r2; bestS = Math.Max(0, s); bestE = e; }
                }
            }
        }
        Search(0, 4, 0.05, guess - 2, guess + 2, 0.05);
        Search(bestS - 0.05, bestS + 0.05, 0.005, bestE - 0.05, bestE + 0.05, 0.005);
        return (bestS, bestE);
    }

    static double Residual(IReadOnlyList<int> rows, IReadOnlyList<double> edge, int dir, double edgeRow, double[] k)
    {
        int r = k.Length / 2;
        double s2 = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (!double.IsFinite(edge[i])) continue;
            double m = 0;
            for (int j = -r; j <= r; j++) m += k[j + r] * Math.Clamp(dir * (rows[i] - j - edgeRow) + 0.5, 0, 1);
            s2 += (m - edge[i]) * (m - edge[i]);
        }
        return s2;
    }

    /// <summary>Sampled, normalised Gaussian kernel of σ px (radius ⌈4σ⌉); [1] for σ ≤ 0.05 px.</summary>
    public static double[] GaussianKernel(double sigmaPx)
    {
        if (!(sigmaPx > 0.05)) return [1.0];
        int r = Math.Max(1, (int)Math.Ceiling(4 * sigmaPx));
        var k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) s += k[i + r] = Math.Exp(-0.5 * i * i / (sigmaPx * sigmaPx));
        for (int i = 0; i < k.Length; i++) k[i] /= s;
        return k;
    }

    /// <summary>1-D convolution with edge clamping.</summary>
    public static double[] Convolve(double[] v, double[] k)
    {
        int r = k.Length / 2, n = v.Length;
        var o = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = -r; j <= r; j++) s += k[j + r] * v[Math.Clamp(i - j, 0, n - 1)];
            o[i] = s;
        }
        return o;
    }

    /// <summary>Van Cittert deconvolution x ← x + (v − k∗x), <paramref name="iterations"/> times from x = v.</summary>
    public static double[] VanCittert(double[] v, double[] k, int iterations)
    {
        var x = (double[])v.Clone();
        if (k.Length == 1) return x;
        for (int it = 0; it < iterations; it++)
        {
            var bx = Convolve(x, k);
            for (int i = 0; i < x.Length; i++) x[i] += v[i] - bx[i];
        }
        return x;
    }
}
