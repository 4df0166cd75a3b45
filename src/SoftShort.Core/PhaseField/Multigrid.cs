namespace SoftShort.PhaseField;

/// <summary>
/// Geometric multigrid V-cycle for the cell-centred operator of <see cref="CellPoisson"/>, used as a preconditioner of
/// the conjugate-gradient solve: face conductances averaged onto each coarser grid (cells paired 2 × 2, odd sizes
/// allowed), piecewise-constant prolongation P with restriction ¼Pᵀ, symmetric red-black Gauss–Seidel smoothing
/// (red→black before, black→red after), so the preconditioner is symmetric positive definite.
/// </summary>
internal sealed class Multigrid
{
    sealed class Level
    {
        public int Nx, Ny;
        public double InvDx2;
        public double[] Kx = [], Ky = [], Shift = [], Diag = [], X = [], B = [], R = [];
        public int[] Count = [];   // fine cells per cell of the next coarser level (restriction weights)
    }

    readonly List<Level> _levels = [];
    public int PreSweeps { get; init; } = 2;
    public int PostSweeps { get; init; } = 2;

    /// <summary>
    /// Builds the hierarchy from the fine face conductances (fixed cells become a large diagonal penalty). A second call on
    /// the same grid reuses the level arrays (no allocation per time step).
    /// </summary>
    public void Build(int nx, int ny, double invDx2, double[] kx, double[] ky, double[] shift, bool[]? fixedMask)
    {
        bool reuse = _levels.Count > 0 && _levels[0].Nx == nx && _levels[0].Ny == ny;
        if (!reuse) _levels.Clear();
        var fine = reuse ? _levels[0] : new Level { Nx = nx, Ny = ny, InvDx2 = invDx2, Shift = new double[nx * ny] };
        fine.Kx = kx; fine.Ky = ky; fine.InvDx2 = invDx2;
        Array.Copy(shift, fine.Shift, shift.Length);
        Finish(fine);
        if (fixedMask != null)
            for (int i = 0; i < fixedMask.Length; i++)
                if (fixedMask[i]) { fine.Shift[i] += 1e8 * Math.Max(fine.Diag[i], 1e-30); fine.Diag[i] *= 1 + 1e8; }
        if (!reuse) _levels.Add(fine);
        var cur = fine;
        int li = 0;
        while (Math.Min(cur.Nx, cur.Ny) > 3)
        {
            li++;
            Level c;
            if (reuse) { c = _levels[li]; Coarsen(cur, c); }
            else { c = NewCoarse(cur); Coarsen(cur, c); _levels.Add(c); }
            Finish(c);
            cur = c;
        }
    }

    static void Finish(Level l)
    {
        int n = l.Nx * l.Ny;
        if (l.Diag.Length != n) { l.Diag = new double[n]; l.X = new double[n]; l.B = new double[n]; l.R = new double[n]; }
        for (int y = 0; y < l.Ny; y++)
            for (int x = 0; x < l.Nx; x++)
            {
                int i = y * l.Nx + x;
                double d = (l.Kx[y * (l.Nx + 1) + x] + l.Kx[y * (l.Nx + 1) + x + 1] + l.Ky[y * l.Nx + x] + l.Ky[(y + 1) * l.Nx + x]) * l.InvDx2 + l.Shift[i];
                l.Diag[i] = d > 0 ? d : 1e-30;
            }
    }

    static Level NewCoarse(Level f)
    {
        int nx = (f.Nx + 1) / 2, ny = (f.Ny + 1) / 2;
        var c = new Level { Nx = nx, Ny = ny, InvDx2 = f.InvDx2 / 4, Kx = new double[(nx + 1) * ny], Ky = new double[nx * (ny + 1)], Shift = new double[nx * ny] };
        f.Count = new int[nx * ny];
        for (int y = 0; y < f.Ny; y++)
            for (int x = 0; x < f.Nx; x++) f.Count[(y / 2) * nx + x / 2]++;
        return c;
    }

    static void Coarsen(Level f, Level c)
    {
        int nx = c.Nx, ny = c.Ny;
        for (int y = 0; y < ny; y++)
        {
            int fy0 = 2 * y, fy1 = Math.Min(2 * y + 1, f.Ny - 1), rows = fy1 > fy0 ? 2 : 1;
            for (int x = 0; x <= nx; x++)
            {
                int fx = Math.Min(2 * x, f.Nx);
                double s = f.Kx[fy0 * (f.Nx + 1) + fx] + (rows == 2 ? f.Kx[fy1 * (f.Nx + 1) + fx] : 0);
                c.Kx[y * (nx + 1) + x] = s / rows;
            }
        }
        for (int y = 0; y <= ny; y++)
        {
            int fy = Math.Min(2 * y, f.Ny);
            for (int x = 0; x < nx; x++)
            {
                int fx0 = 2 * x, fx1 = Math.Min(2 * x + 1, f.Nx - 1), cols = fx1 > fx0 ? 2 : 1;
                double s = f.Ky[fy * f.Nx + fx0] + (cols == 2 ? f.Ky[fy * f.Nx + fx1] : 0);
                c.Ky[y * nx + x] = s / cols;
            }
        }
        Array.Clear(c.Shift);
        for (int y = 0; y < f.Ny; y++)
            for (int x = 0; x < f.Nx; x++) c.Shift[(y / 2) * nx + x / 2] += f.Shift[y * f.Nx + x];
        for (int i = 0; i < c.Shift.Length; i++) c.Shift[i] /= f.Count[i];
    }

    /// <summary>z = M⁻¹ r (one V-cycle from zero).</summary>
    public void Apply(ReadOnlySpan<double> r, Span<double> z)
    {
        var top = _levels[0];
        r.CopyTo(top.B);
        Cycle(0);
        top.X.AsSpan().CopyTo(z);
    }

    void Cycle(int li)
    {
        var l = _levels[li];
        Array.Clear(l.X);
        if (li == _levels.Count - 1)
        {
            for (int s = 0; s < 60; s++) { Sweep(l, 0); Sweep(l, 1); }
            for (int s = 0; s < 60; s++) { Sweep(l, 1); Sweep(l, 0); }
            return;
        }
        for (int s = 0; s < PreSweeps; s++) { Sweep(l, 0); Sweep(l, 1); }
        Residual(l);
        var c = _levels[li + 1];
        Array.Clear(c.B);
        for (int y = 0; y < l.Ny; y++)
            for (int x = 0; x < l.Nx; x++) c.B[(y / 2) * c.Nx + x / 2] += l.R[y * l.Nx + x];
        // restriction R = Pᵀ/4 with the same constant for every coarse cell (also the partial ones at odd edges), so that
        // R = ¼Pᵀ and the V-cycle is a symmetric preconditioner for CG
        for (int i = 0; i < c.B.Length; i++) c.B[i] *= 0.25;
        Cycle(li + 1);
        if (l.Ny >= 64)
            Parallel.For(0, l.Ny, y => { for (int x = 0; x < l.Nx; x++) l.X[y * l.Nx + x] += c.X[(y / 2) * c.Nx + x / 2]; });
        else
            for (int y = 0; y < l.Ny; y++)
                for (int x = 0; x < l.Nx; x++) l.X[y * l.Nx + x] += c.X[(y / 2) * c.Nx + x / 2];
        for (int s = 0; s < PostSweeps; s++) { Sweep(l, 1); Sweep(l, 0); }
    }

    static void Sweep(Level l, int colour)
    {
        int nx = l.Nx, ny = l.Ny;
        void Row(int y)
        {
            int row = y * nx, frow = y * (nx + 1);
            for (int x = (y + colour) & 1; x < nx; x += 2)
            {
                int i = row + x;
                double s = l.B[i];
                if (x > 0) s += l.Kx[frow + x] * l.InvDx2 * l.X[i - 1];
                if (x < nx - 1) s += l.Kx[frow + x + 1] * l.InvDx2 * l.X[i + 1];
                if (y > 0) s += l.Ky[y * nx + x] * l.InvDx2 * l.X[i - nx];
                if (y < ny - 1) s += l.Ky[(y + 1) * nx + x] * l.InvDx2 * l.X[i + nx];
                l.X[i] = s / l.Diag[i];
            }
        }
        if (ny >= 64) Parallel.For(0, ny, Row);
        else for (int y = 0; y < ny; y++) Row(y);
    }

    static void Residual(Level l)
    {
        int nx = l.Nx, ny = l.Ny;
        void Row(int y)
        {
            int row = y * nx, frow = y * (nx + 1);
            for (int x = 0; x < nx; x++)
            {
                int i = row + x;
                double ax = l.Diag[i] * l.X[i];
                if (x > 0) ax -= l.Kx[frow + x] * l.InvDx2 * l.X[i - 1];
                if (x < nx - 1) ax -= l.Kx[frow + x + 1] * l.InvDx2 * l.X[i + 1];
                if (y > 0) ax -= l.Ky[y * nx + x] * l.InvDx2 * l.X[i - nx];
                if (y < ny - 1) ax -= l.Ky[(y + 1) * nx + x] * l.InvDx2 * l.X[i + nx];
                l.R[i] = l.B[i] - ax;
            }
        }
        if (ny >= 64) Parallel.For(0, ny, Row);
        else for (int y = 0; y < ny; y++) Row(y);
    }
}
