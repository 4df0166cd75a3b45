namespace SoftShort.PhaseField;

/// <summary>Parameters of PFHub benchmark 1 (spinodal decomposition, Cahn–Hilliard).</summary>
/// <remarks>
/// Jokisaari et al., Comput. Mater. Sci. 126 (2017) 139–151, and https://pages.nist.gov/pfhub/benchmarks/benchmark1.ipynb:
/// f = ρs (c − cα)² (cβ − c)², ρs = 5, cα = 0.3, cβ = 0.7, κ = 2, M = 5, c0 = 0.5, ε = 0.01, square domain of side 200;
/// variant 1a is periodic.
/// </remarks>
public sealed record SpinodalParameters
{
    public double Rho { get; init; } = 5;
    public double CAlpha { get; init; } = 0.3;
    public double CBeta { get; init; } = 0.7;
    public double Kappa { get; init; } = 2;
    public double Mobility { get; init; } = 5;
    public double C0 { get; init; } = 0.5;
    public double Epsilon { get; init; } = 0.01;
    public double DomainLength { get; init; } = 200;

    /// <summary>The PFHub BM1 initial condition c(x, y) at t = 0.</summary>
    public double Initial(double x, double y) => C0 + Epsilon * (Math.Cos(0.105 * x) * Math.Cos(0.11 * y)
        + Math.Pow(Math.Cos(0.13 * x) * Math.Cos(0.087 * y), 2)
        + Math.Cos(0.025 * x - 0.15 * y) * Math.Cos(0.07 * x - 0.02 * y));

    /// <summary>Bulk free-energy density f(c).</summary>
    public double F(double c) { double a = c - CAlpha, b = CBeta - c; return Rho * a * a * b * b; }

    /// <summary>df/dc.</summary>
    public double DF(double c) { double a = c - CAlpha, b = CBeta - c; return 2 * Rho * a * b * (b - a); }
}

/// <summary>
/// PFHub benchmark 1a (periodic spinodal decomposition): a second-order (variable-step SBDF2), linearly stabilised
/// semi-implicit pseudo-spectral Cahn–Hilliard solver (Shen &amp; Yang, Discrete Contin. Dyn. Syst. 28 (2010) 1669; Zhu et al.,
/// Phys. Rev. E 60 (1999) 3564) with a time step adapted to the largest change of c per step.
/// </summary>
/// <remarks>
/// Stabilisation A = 2 ≥ max|f″|/2 on [cα, cβ]; see <see cref="Step"/>.
/// Grid points at x = i·Δx, i = 0…n−1, Δx = 200/n (n a power of two). The total free energy uses the spectral gradient.
/// </remarks>
public sealed class SpinodalSolver
{
    readonly SpinodalParameters _p;
    readonly Fft2D _fft;
    readonly int _n;
    readonly double _dx;
    readonly double[] _c, _prev, _k2, _re, _im, _gRe, _gIm;
    double _prevDt;
    const double Stabilisation = 2.0;

    public double Time { get; private set; }
    public long Steps { get; private set; }
    public double Dt { get; private set; }
    /// <summary>Target of the largest |Δc| per step; Δt adapts to it.</summary>
    public double ChangeTolerance { get; init; } = 2e-3;
    /// <summary>Largest Δt allowed.</summary>
    public double MaxDt { get; init; } = 4.0;
    public int N => _n;
    public double Dx => _dx;
    public ReadOnlySpan<double> Concentration => _c;

    /// <summary>
    /// True: the Laplacian and the free-energy gradient use the symbols of the 5-point Laplacian and of central differences
    /// (the discretisation of the MMSP community result: 200 × 200 nodes, Δx = 1), solved exactly in Fourier space; false:
    /// spectral derivatives.
    /// </summary>
    public bool FiniteDifference { get; }

    /// <param name="parameters">BM1 parameters (default: PFHub values).</param>
    /// <param name="n">Grid points per side (prime factors 2, 3, 5; default 256, Δx = 0.78; 200 gives MMSP's Δx = 1).</param>
    /// <param name="finiteDifference">See <see cref="FiniteDifference"/>.</param>
    public SpinodalSolver(SpinodalParameters? parameters = null, int n = 256, bool finiteDifference = false)
    {
        _p = parameters ?? new SpinodalParameters();
        FiniteDifference = finiteDifference;
        InputException.Require(_p.Mobility > 0 && _p.Kappa > 0 && _p.Rho > 0, "spinodal parameters", "mobility, kappa and rho must be positive");
        InputException.Require(Fft2D.IsSupportedSize(n), "--grid", $"must be ≥ 2 with prime factors 2, 3, 5 only, got {n}");
        _fft = new Fft2D(n, n);
        _n = n; _dx = _p.DomainLength / n;
        int len = n * n;
        _c = new double[len]; _prev = new double[len]; _k2 = new double[len]; _re = new double[len]; _im = new double[len]; _gRe = new double[len]; _gIm = new double[len];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                _c[y * n + x] = _p.Initial(x * _dx, y * _dx);
                double kx = Wave(x), ky = Wave(y);
                _k2[y * n + x] = finiteDifference
                    ? 4 / (_dx * _dx) * (Math.Pow(Math.Sin(kx * _dx / 2), 2) + Math.Pow(Math.Sin(ky * _dx / 2), 2))
                    : kx * kx + ky * ky;
            }
        Dt = 0.01;
    }

    double Wave(int i) => 2 * Math.PI / _p.DomainLength * (i <= _n / 2 ? i : i - _n);

    /// <summary>Total free energy F = ∫ [f(c) + κ/2 |∇c|²] dA.</summary>
    public double FreeEnergy()
    {
        int len = _n * _n;
        if (FiniteDifference)
        {
            // MMSP's Helmholtz(): central-difference gradient, periodic
            double sum = 0;
            int n = _n;
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double c = _c[y * n + x];
                    double gx = (_c[y * n + (x + 1) % n] - _c[y * n + (x + n - 1) % n]) / (2 * _dx);
                    double gy = (_c[(y + 1) % n * n + x] - _c[(y + n - 1) % n * n + x]) / (2 * _dx);
                    sum += _p.F(c) + 0.5 * _p.Kappa * (gx * gx + gy * gy);
                }
            return sum * _dx * _dx;
        }
        double bulk = 0;
        for (int i = 0; i < len; i++) { bulk += _p.F(_c[i]); _re[i] = _c[i]; _im[i] = 0; }
        _fft.Forward(_re, _im);
        double grad = 0;
        for (int i = 0; i < len; i++) grad += _k2[i] * (_re[i] * _re[i] + _im[i] * _im[i]);
        double dA = _dx * _dx;
        return bulk * dA + 0.5 * _p.Kappa * grad / len * dA;
    }

    /// <summary>Advances by one step of at most <paramref name="maxDt"/>; returns the step taken.</summary>
    /// <remarks>
    /// Variable-step SBDF2: a₀ĉⁿ⁺¹ − (1+ω)ĉⁿ + ω²/(1+ω)ĉⁿ⁻¹ = −Δt M k² [FFT f′(c*) + A(ĉⁿ⁺¹ − ĉ*) + κk²ĉⁿ⁺¹],
    /// c* = (1+ω)cⁿ − ωcⁿ⁻¹, ω = Δtₙ/Δtₙ₋₁, a₀ = (1+2ω)/(1+ω) (first step: backward Euler).
    /// </remarks>
    public double Step(double maxDt = double.PositiveInfinity)
    {
        double dt = Math.Min(Dt, maxDt);
        if (_prevDt > 0) dt = Math.Min(dt, 2 * _prevDt); // keeps variable-step BDF2 zero-stable (ω < 1 + √2)
        int len = _n * _n;
        bool bdf2 = _prevDt > 0;
        double w = bdf2 ? dt / _prevDt : 0;
        double a0 = bdf2 ? (1 + 2 * w) / (1 + w) : 1, a1 = bdf2 ? 1 + w : 1, a2 = bdf2 ? w * w / (1 + w) : 0;
        // two real fields in one complex transform: z = a + i·g, â(k) = [Z(k) + Z*(−k)]/2, ĝ(k) = [Z(k) − Z*(−k)]/(2i)
        for (int i = 0; i < len; i++)
        {
            double star = bdf2 ? (1 + w) * _c[i] - w * _prev[i] : _c[i];
            _gRe[i] = a1 * _c[i] - a2 * (bdf2 ? _prev[i] : 0);
            _gIm[i] = _p.DF(star) - Stabilisation * star;
        }
        _fft.Forward(_gRe, _gIm);
        double m = _p.Mobility, k = _p.Kappa, a = Stabilisation;
        int n = _n;
        for (int y = 0; y < n; y++)
        {
            int my = (n - y) % n;
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x, j = my * n + (n - x) % n;
                double zr = _gRe[i], zi = _gIm[i], cr = _gRe[j], ci = -_gIm[j];   // Z(k), Z*(−k)
                double ar = 0.5 * (zr + cr), ai = 0.5 * (zi + ci);
                double gr = 0.5 * (zi - ci), gi = -0.5 * (zr - cr);
                double mk = dt * m * _k2[i];
                double den = a0 + mk * (a + k * _k2[i]);
                _re[i] = (ar - mk * gr) / den;
                _im[i] = (ai - mk * gi) / den;
            }
        }
        _fft.Inverse(_re, _im);
        double maxChange = 0;
        for (int i = 0; i < len; i++)
        {
            double d = Math.Abs(_re[i] - _c[i]);
            if (d > maxChange) maxChange = d;
            _prev[i] = _c[i];
            _c[i] = _re[i];
        }
        if (!double.IsFinite(maxChange)) throw new InvalidOperationException($"spinodal solver diverged at t = {Time}");
        Time += dt; Steps++;
        _prevDt = dt;
        double factor = maxChange > 0 ? ChangeTolerance / maxChange : 2;
        Dt = Math.Min(MaxDt, Dt * Math.Clamp(factor, 0.5, 1.2));
        return dt;
    }

    /// <summary>
    /// Runs to <paramref name="tEnd"/> and returns (t, F) every <paramref name="outputInterval"/> (steps land on the output times).
    /// </summary>
    public (List<double> Time, List<double> FreeEnergy) Run(double tEnd, double outputInterval, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        InputException.Require(tEnd > 0 && double.IsFinite(tEnd), "--t-end", $"must be positive, got {tEnd}");
        InputException.Require(outputInterval > 0, "output interval", $"must be positive, got {outputInterval}");
        var ts = new List<double> { Time }; var fs = new List<double> { FreeEnergy() };
        double next = Time + outputInterval;
        while (Time < tEnd - 1e-9)
        {
            cancel.ThrowIfCancellationRequested();
            double target = Math.Min(next, tEnd);
            double remaining = target - Time;
            double parts = Math.Max(1, Math.Ceiling(remaining / Dt - 1e-9));
            Step(remaining / parts);
            if (Time >= target - 1e-9)
            {
                Time = target;
                ts.Add(Time); fs.Add(FreeEnergy());
                next = target + outputInterval;
                progress?.Report(new ProgressReport("PFHub BM1a", Time / tEnd));
            }
        }
        return (ts, fs);
    }
}
