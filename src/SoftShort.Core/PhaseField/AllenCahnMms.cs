namespace SoftShort.PhaseField;

/// <summary>
/// PFHub benchmark 7 (Allen–Cahn, method of manufactured solutions), as PFHub defines it
/// (https://pages.nist.gov/pfhub/benchmarks/benchmark7.ipynb): ∂η/∂t = −[4η(η − 1)(η − ½) − κ∇²η] + S(x, y, t) on
/// [0, 1] × [0, ½], κ = 0.0004, periodic in x, η = 1 at y = 0 and η = 0 at y = ½, exact solution
/// η = ½[1 − tanh((y − α(x, t))/√(2κ))], α = ¼ + A₁ t sin(B₁x) + A₂ sin(B₂x + C₂t),
/// A₁ = 0.0075, B₁ = 8π, A₂ = 0.03, B₂ = 22π, C₂ = 0.0625π (variant 7a), t_end = 8.
/// </summary>
/// <remarks>
/// The source follows from the exact solution (the y-derivative terms cancel the bulk term for a tanh profile):
/// S = sech²z/(2√(2κ)) · (α_t − κ α_xx) − ½ α_x² sech²z tanh z, z = (y − α)/√(2κ).
/// Discretisation: cell-centred 5-point finite differences (second order), N × N/2 cells, ghost cells for the Dirichlet
/// rows; Heun (RK2) time stepping with Δt = 0.2 Δx²/κ (stable: Heun needs ≤ 0.25 Δx²/κ) (so Δt is refined with the grid and the O(Δt²) error is far below
/// the O(Δx²) spatial error).
/// </remarks>
public static class AllenCahnMms
{
    public const double Kappa = 0.0004, A1 = 0.0075, B1 = 8 * Math.PI, A2 = 0.03, B2 = 22 * Math.PI, C2 = 0.0625 * Math.PI;
    public const double TEnd = 8.0;

    /// <summary>Exact (manufactured) solution.</summary>
    public static double Exact(double x, double y, double t)
    {
        double alpha = 0.25 + A1 * t * Math.Sin(B1 * x) + A2 * Math.Sin(B2 * x + C2 * t);
        return 0.5 * (1 - Math.Tanh((y - alpha) / Math.Sqrt(2 * Kappa)));
    }

    /// <summary>Result of one run: the L2 norm of η − η_exact over the domain at t_end.</summary>
    public sealed record Result(int Nx, int Ny, double Dx, double Dt, long Steps, double L2Error);

    /// <summary>Solves BM7a on an <paramref name="nx"/> × nx/2 grid to <paramref name="tEnd"/>.</summary>
    public static Result Solve(int nx, double tEnd = TEnd, CancellationToken cancel = default)
    {
        InputException.Require(nx >= 8 && nx % 2 == 0 && nx <= 8192, "--nx", $"must be even and in [8, 8192], got {nx}");
        InputException.Require(tEnd > 0 && double.IsFinite(tEnd), "t_end", $"must be positive, got {tEnd}");
        int ny = nx / 2;
        double dx = 1.0 / nx;
        long steps = (long)Math.Ceiling(tEnd / (0.2 * dx * dx / Kappa));
        double dt = tEnd / steps;
        var eta = new double[nx * ny];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) eta[j * nx + i] = Exact((i + 0.5) * dx, (j + 0.5) * dx, 0);
        var k1 = new double[eta.Length]; var k2 = new double[eta.Length]; var tmp = new double[eta.Length];
        var col = new double[4 * nx];
        double t = 0;
        for (long s = 0; s < steps; s++)
        {
            cancel.ThrowIfCancellationRequested();
            Rhs(eta, k1, t, nx, ny, dx, col);
            for (int i = 0; i < eta.Length; i++) tmp[i] = eta[i] + dt * k1[i];
            Rhs(tmp, k2, t + dt, nx, ny, dx, col);
            for (int i = 0; i < eta.Length; i++) eta[i] += 0.5 * dt * (k1[i] + k2[i]);
            t += dt;
        }
        double sum = 0;
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                double d = eta[j * nx + i] - Exact((i + 0.5) * dx, (j + 0.5) * dx, t);
                sum += d * d;
            }
        return new Result(nx, ny, dx, dt, steps, Math.Sqrt(sum * dx * dx));
    }

    static void Rhs(double[] eta, double[] rate, double t, int nx, int ny, double dx, double[] col)
    {
        // per-column interface position and its derivatives
        for (int i = 0; i < nx; i++)
        {
            double x = (i + 0.5) * dx;
            double s1 = Math.Sin(B1 * x), c1 = Math.Cos(B1 * x), s2 = Math.Sin(B2 * x + C2 * t), c2 = Math.Cos(B2 * x + C2 * t);
            col[4 * i] = 0.25 + A1 * t * s1 + A2 * s2;                 // α
            col[4 * i + 1] = A1 * s1 + A2 * C2 * c2;                    // α_t
            col[4 * i + 2] = A1 * B1 * t * c1 + A2 * B2 * c2;           // α_x
            col[4 * i + 3] = -A1 * B1 * B1 * t * s1 - A2 * B2 * B2 * s2; // α_xx
        }
        double w = Math.Sqrt(2 * Kappa), invW = 1 / w, inv = 1.0 / (dx * dx);
        Parallel.For(0, ny, j =>
        {
            double y = (j + 0.5) * dx;
            int row = j * nx;
            for (int i = 0; i < nx; i++)
            {
                double e = eta[row + i];
                double l = eta[row + (i == 0 ? nx - 1 : i - 1)], r = eta[row + (i == nx - 1 ? 0 : i + 1)];
                double d = j == 0 ? 2 * 1.0 - e : eta[row - nx + i];
                double u = j == ny - 1 ? 2 * 0.0 - e : eta[row + nx + i];
                double lap = (l + r + d + u - 4 * e) * inv;
                double z = (y - col[4 * i]) * invW;
                double th = z > 20 ? 1 : z < -20 ? -1 : 1 - 2 / (Math.Exp(2 * z) + 1), sech2 = 1 - th * th;
                double ax = col[4 * i + 2];
                double src = sech2 / (2 * w) * (col[4 * i + 1] - Kappa * col[4 * i + 3]) - 0.5 * ax * ax * sech2 * th;
                rate[row + i] = -4 * e * (e - 1) * (e - 0.5) + Kappa * lap + src;
            }
        });
    }
}
