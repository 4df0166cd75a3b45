namespace SoftShort.PhaseField;

/// <summary>
/// Deterministic pore microstructure of the porous SE: non-overlap-free random discs (diameters uniform in
/// [0.6, 1.4] × the mean) dropped into the SE region until the pore area fraction reaches the target porosity
/// (paper: 10 µm mean pores, 16.25 %).
/// </summary>
public static class PoreMicrostructure
{
    /// <summary>Pore mask (1 = pore) on an nx × ny grid, row-major [y, x].</summary>
    /// <param name="nx">Cells along x.</param>
    /// <param name="ny">Cells along y.</param>
    /// <param name="dxUm">Grid spacing, µm.</param>
    /// <param name="seStartUm">x where the SE starts (the Li|SE interface), µm.</param>
    /// <param name="porosity">Target pore area fraction of the SE region.</param>
    /// <param name="meanDiameterUm">Mean pore diameter, µm.</param>
    /// <param name="seed">Random seed.</param>
    public static byte[] Generate(int nx, int ny, double dxUm, double seStartUm, double porosity, double meanDiameterUm, int seed)
    {
        InputException.Require(porosity >= 0 && porosity < 1, "--porosity", $"must be in [0, 1), got {porosity}");
        var mask = new byte[nx * ny];
        if (porosity == 0) return mask;
        int x0 = (int)Math.Ceiling(seStartUm / dxUm);
        long seCells = (long)(nx - x0) * ny, poreCells = 0;
        var rng = new Random(seed);
        double width = nx * dxUm, height = ny * dxUm;
        int guard = 0;
        while (poreCells < porosity * seCells && guard++ < 1_000_000)
        {
            double d = meanDiameterUm * (0.6 + 0.8 * rng.NextDouble());
            double r = d / 2;
            double cx = seStartUm + r + rng.NextDouble() * (width - seStartUm - r);
            double cy = rng.NextDouble() * height;
            int ix0 = Math.Max(x0, (int)Math.Floor((cx - r) / dxUm)), ix1 = Math.Min(nx - 1, (int)Math.Ceiling((cx + r) / dxUm));
            int iy0 = Math.Max(0, (int)Math.Floor((cy - r) / dxUm)), iy1 = Math.Min(ny - 1, (int)Math.Ceiling((cy + r) / dxUm));
            for (int iy = iy0; iy <= iy1; iy++)
                for (int ix = ix0; ix <= ix1; ix++)
                {
                    double px = (ix + 0.5) * dxUm - cx, py = (iy + 0.5) * dxUm - cy;
                    if (px * px + py * py <= r * r && mask[iy * nx + ix] == 0) { mask[iy * nx + ix] = 1; poreCells++; }
                }
        }
        return mask;
    }

    /// <summary>Pore fraction of the region x ≥ <paramref name="seStartUm"/>.</summary>
    public static double Porosity(byte[] mask, int nx, int ny, double dxUm, double seStartUm)
    {
        int x0 = (int)Math.Ceiling(seStartUm / dxUm);
        long n = 0, p = 0;
        for (int y = 0; y < ny; y++) for (int x = x0; x < nx; x++) { n++; p += mask[y * nx + x]; }
        return n == 0 ? 0 : (double)p / n;
    }
}
