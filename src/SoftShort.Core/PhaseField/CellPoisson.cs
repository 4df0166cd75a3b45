namespace SoftShort.PhaseField;

/// <summary>
/// The cell-centred 5-point finite-volume operator A u = −∇·(k ∇u) + s u on an nx × ny grid (row-major [y, x]) with
/// harmonic face averaging of k (robust to the 10⁶–10⁷ conductivity contrast between Li metal, SE and pores),
/// Dirichlet values on the left/right faces (optional), zero flux on the top/bottom faces, optional fixed cells, and
/// a Jacobi-preconditioned conjugate-gradient solve with warm start.
/// </summary>
public sealed class CellPoisson
{
    readonly int _nx, _ny;
    readonly double _invDx2;
    readonly double[] _kx, _ky, _diag, _r, _z, _p, _q, _rhs, _part1, _part2;
    readonly Multigrid _mg = new();

    /// <summary>Face conductances along x: (nx+1)·ny, face i sits left of cell i.</summary>
    public double[] FaceX => _kx;
    /// <summary>Face conductances along y: nx·(ny+1), face j sits above cell j.</summary>
    public double[] FaceY => _ky;
    /// <summary>Diagonal shift s (per cell, ≥ 0).</summary>
    public double[] Shift { get; }
    /// <summary>Cells held at a fixed value (null: none).</summary>
    public bool[]? Fixed { get; set; }
    public double? LeftValue { get; set; }
    public double? RightValue { get; set; }
    public int LastIterations { get; private set; }
    public double LastRelativeResidual { get; private set; }

    public CellPoisson(int nx, int ny, double dx)
    {
        _nx = nx; _ny = ny; _invDx2 = 1 / (dx * dx);
        _kx = new double[(nx + 1) * ny]; _ky = new double[nx * (ny + 1)];
        int n = nx * ny;
        Shift = new double[n]; _diag = new double[n]; _r = new double[n]; _z = new double[n]; _p = new double[n]; _q = new double[n];
        _rhs = new double[n]; _part1 = new double[ny]; _part2 = new double[ny];
    }

    /// <summary>Sets the face conductances from cell conductivities by harmonic averaging; boundary faces use the cell value.</summary>
    public void SetConductivity(ReadOnlySpan<double> k)
    {
        int nx = _nx, ny = _ny;
        for (int y = 0; y < ny; y++)
        {
            int row = y * nx, frow = y * (nx + 1);
            _kx[frow] = LeftValue.HasValue ? 2 * k[row] : 0;         // half-cell to the boundary face
            _kx[frow + nx] = RightValue.HasValue ? 2 * k[row + nx - 1] : 0;
            for (int x = 1; x < nx; x++) _kx[frow + x] = Harmonic(k[row + x - 1], k[row + x]);
        }
        for (int x = 0; x < nx; x++) { _ky[x] = 0; _ky[ny * nx + x] = 0; }
        for (int y = 1; y < ny; y++)
            for (int x = 0; x < nx; x++) _ky[y * nx + x] = Harmonic(k[(y - 1) * nx + x], k[y * nx + x]);
    }

    static double Harmonic(double a, double b) => a + b > 0 ? 2 * a * b / (a + b) : 0;

    /// <summary>out = A u (fixed cells act as identity rows; their values enter neighbours through the right-hand side).</summary>
    public void Apply(double[] u, double[] output)
    {
        if (_ny >= 64) Parallel.For(0, _ny, y => ApplyRow(u, output, y));
        else for (int y = 0; y < _ny; y++) ApplyRow(u, output, y);
    }

    void ApplyRow(double[] u, double[] output, int y)
    {
        int nx = _nx, ny = _ny;
        var fixedMask = Fixed;
        int row = y * nx, frow = y * (nx + 1);
        for (int x = 0; x < nx; x++)
        {
            int i = row + x;
            if (fixedMask != null && fixedMask[i]) { output[i] = _diag[i] * u[i]; continue; }
            double kl = _kx[frow + x], kr = _kx[frow + x + 1], ku = _ky[y * nx + x], kd = _ky[(y + 1) * nx + x];
            double ui = u[i];
            double ul = x > 0 && !(fixedMask != null && fixedMask[i - 1]) ? u[i - 1] : 0;
            double ur = x < nx - 1 && !(fixedMask != null && fixedMask[i + 1]) ? u[i + 1] : 0;
            double uu = y > 0 && !(fixedMask != null && fixedMask[i - nx]) ? u[i - nx] : 0;
            double ud = y < ny - 1 && !(fixedMask != null && fixedMask[i + nx]) ? u[i + nx] : 0;
            output[i] = ((kl + kr + ku + kd) * ui - kl * ul - kr * ur - ku * uu - kd * ud) * _invDx2 + Shift[i] * ui;
        }
    }

    /// <summary>Row-parallel loop with a deterministic sum: <paramref name="body"/>(row start, row end) returns the row's partial sum.</summary>
    double RowSum(Func<int, int, double> body)
    {
        var part = _part1;
        int nx = _nx;
        if (_ny >= 64) Parallel.For(0, _ny, y => part[y] = body(y * nx, y * nx + nx));
        else for (int y = 0; y < _ny; y++) part[y] = body(y * nx, y * nx + nx);
        double s = 0;
        for (int y = 0; y < _ny; y++) s += part[y];
        return s;
    }

    /// <summary>Adds the boundary and fixed-cell contributions to the right-hand side b (in place).</summary>
    void BoundaryRhs(Span<double> b, ReadOnlySpan<double> fixedValues)
    {
        int nx = _nx, ny = _ny;
        var fm = Fixed;
        for (int y = 0; y < ny; y++)
        {
            int row = y * nx, frow = y * (nx + 1);
            if (LeftValue is double lv && !(fm != null && fm[row])) b[row] += _kx[frow] * lv * _invDx2;
            if (RightValue is double rv && !(fm != null && fm[row + nx - 1])) b[row + nx - 1] += _kx[frow + nx] * rv * _invDx2;
        }
        if (fm == null) return;
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                if (fm[i]) { b[i] = _diag[i] * fixedValues[i]; continue; }
                int frow = y * (nx + 1);
                if (x > 0 && fm[i - 1]) b[i] += _kx[frow + x] * fixedValues[i - 1] * _invDx2;
                if (x < nx - 1 && fm[i + 1]) b[i] += _kx[frow + x + 1] * fixedValues[i + 1] * _invDx2;
                if (y > 0 && fm[i - nx]) b[i] += _ky[y * nx + x] * fixedValues[i - nx] * _invDx2;
                if (y < ny - 1 && fm[i + nx]) b[i] += _ky[(y + 1) * nx + x] * fixedValues[i + nx] * _invDx2;
            }
    }

    /// <summary>
    /// Solves A u = b (b without boundary terms; they are added here) by Jacobi-preconditioned CG from the initial guess in
    /// <paramref name="u"/>. Fixed cells take their value from <paramref name="u"/> on entry.
    /// </summary>
    /// <returns>True when the relative residual fell below <paramref name="tolerance"/>.</returns>
    /// <param name="u">Initial guess in, solution out.</param>
    /// <param name="b">Right-hand side.</param>
    /// <param name="tolerance">Relative residual to reach.</param>
    /// <param name="maxIterations">Iteration cap.</param>
    /// <param name="multigrid">Precondition with a geometric multigrid V-cycle (default) instead of Jacobi.</param>
    public bool Solve(double[] u, double[] b, double tolerance = 1e-8, int maxIterations = 20000, bool multigrid = true)
    {
        int n = u.Length, nx = _nx;
        var fm = Fixed;
        for (int y = 0; y < _ny; y++)
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                _diag[i] = (_kx[y * (nx + 1) + x] + _kx[y * (nx + 1) + x + 1] + _ky[y * nx + x] + _ky[(y + 1) * nx + x]) * _invDx2 + Shift[i];
                if (_diag[i] <= 0) _diag[i] = 1;
            }
        var rhs = _rhs;
        Array.Copy(b, rhs, n);
        BoundaryRhs(rhs, u);
        Multigrid? mg = null;
        if (multigrid)
        {
            mg = _mg;
            mg.Build(_nx, _ny, _invDx2, _kx, _ky, Shift, fm);
        }
        Apply(u, _q);
        double bnorm = RowSum((i0, i1) =>
        {
            double s = 0;
            for (int i = i0; i < i1; i++) { _r[i] = rhs[i] - _q[i]; if (fm == null || !fm[i]) s += rhs[i] * rhs[i]; }
            return s;
        });
        Precondition(mg, fm);
        double rz = RowSum((i0, i1) => { double s = 0; for (int i = i0; i < i1; i++) { _p[i] = _z[i]; s += _r[i] * _z[i]; } return s; });
        bnorm = Math.Sqrt(bnorm);
        if (bnorm == 0) bnorm = 1;
        int it = 0;
        double rnorm = Math.Sqrt(RowSum((i0, i1) => { double s = 0; for (int i = i0; i < i1; i++) s += _r[i] * _r[i]; return s; }));
        while (rnorm / bnorm > tolerance && it < maxIterations)
        {
            Apply(_p, _q);
            double pq = RowSum((i0, i1) => { double s = 0; for (int i = i0; i < i1; i++) s += _p[i] * _q[i]; return s; });
            if (pq <= 0) break;
            double alpha = rz / pq;
            double rr = RowSum((i0, i1) =>
            {
                double s = 0;
                for (int i = i0; i < i1; i++) { u[i] += alpha * _p[i]; _r[i] -= alpha * _q[i]; s += _r[i] * _r[i]; }
                return s;
            });
            Precondition(mg, fm);
            double rzNew = RowSum((i0, i1) => { double s = 0; for (int i = i0; i < i1; i++) s += _r[i] * _z[i]; return s; });
            double beta = rzNew / rz;
            rz = rzNew;
            RowSum((i0, i1) => { for (int i = i0; i < i1; i++) _p[i] = _z[i] + beta * _p[i]; return 0; });
            rnorm = Math.Sqrt(rr);
            it++;
        }
        LastIterations = it;
        LastRelativeResidual = rnorm / bnorm;
        return rnorm / bnorm <= tolerance;
    }

    void Precondition(Multigrid? mg, bool[]? fixedMask)
    {
        if (mg == null) { for (int i = 0; i < _r.Length; i++) _z[i] = _r[i] / _diag[i]; return; }
        mg.Apply(_r, _z);
        if (fixedMask != null) for (int i = 0; i < _z.Length; i++) if (fixedMask[i]) _z[i] = 0;
    }

    static double Norm(double[] v) { double s = 0; foreach (var x in v) s += x * x; return Math.Sqrt(s); }

    /// <summary>Flux −k ∂u/∂x through the right boundary face of each row, summed over rows (times dx gives per unit depth).</summary>
    public double RightBoundaryFlux(ReadOnlySpan<double> u)
    {
        if (RightValue is not double rv) return 0;
        double s = 0;
        for (int y = 0; y < _ny; y++)
        {
            double k = _kx[y * (_nx + 1) + _nx];
            s += -k * (rv - u[y * _nx + _nx - 1]) * Math.Sqrt(_invDx2);
        }
        return s;
    }

    /// <summary>Sum over rows of the flux −k ∂u/∂x through the x-face left of column <paramref name="column"/> (1…nx−1).</summary>
    public double FaceFluxX(ReadOnlySpan<double> u, int column)
    {
        double s = 0;
        for (int y = 0; y < _ny; y++)
        {
            double k = _kx[y * (_nx + 1) + column];
            s += -k * (u[y * _nx + column] - u[y * _nx + column - 1]) * Math.Sqrt(_invDx2);
        }
        return s;
    }
}
