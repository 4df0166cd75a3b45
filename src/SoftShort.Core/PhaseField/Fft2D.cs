using System.Numerics;

namespace SoftShort.PhaseField;

/// <summary>
/// In-place complex FFT on rows and columns of a grid stored as separate real and imaginary arrays, row-major
/// <c>[y, x]</c>: radix-2 for powers of two, mixed-radix Stockham autosort (radices 2, 3, 5; Swarztrauber, Parallel
/// Computing 5 (1987) 197) for other sizes whose prime factors are 2, 3 and 5 (e.g. 200, PFHub BM1's node count).
/// Unnormalised forward transform, inverse divides by nx·ny. Enough for the periodic pseudo-spectral Cahn–Hilliard solver
/// (PFHub BM1a).
/// </summary>
public sealed class Fft2D
{
    readonly int _nx, _ny;
    readonly double[] _cosX, _sinX, _cosY, _sinY;
    readonly int[] _revX, _revY;

    public int Nx => _nx;
    public int Ny => _ny;

    readonly MixedRadix? _mrX, _mrY;

    /// <summary>True when <paramref name="n"/> ≥ 2 has no prime factor other than 2, 3 and 5.</summary>
    public static bool IsSupportedSize(int n)
    {
        if (n < 2) return false;
        foreach (int p in new[] { 2, 3, 5 }) while (n % p == 0) n /= p;
        return n == 1;
    }

    /// <param name="nx">Columns (prime factors 2, 3, 5 only).</param>
    /// <param name="ny">Rows (prime factors 2, 3, 5 only).</param>
    public Fft2D(int nx, int ny)
    {
        InputException.Require(IsSupportedSize(nx), "nx", $"must be ≥ 2 with prime factors 2, 3, 5 only, got {nx}");
        InputException.Require(IsSupportedSize(ny), "ny", $"must be ≥ 2 with prime factors 2, 3, 5 only, got {ny}");
        _nx = nx; _ny = ny;
        if (BitOperations.IsPow2(nx)) (_cosX, _sinX, _revX) = Tables(nx); else { _mrX = new MixedRadix(nx); (_cosX, _sinX, _revX) = ([], [], []); }
        if (BitOperations.IsPow2(ny)) (_cosY, _sinY, _revY) = Tables(ny); else { _mrY = new MixedRadix(ny); (_cosY, _sinY, _revY) = ([], [], []); }
    }

    /// <summary>Mixed-radix (2, 3, 5) Stockham autosort transform of one length.</summary>
    sealed class MixedRadix
    {
        readonly int _n;
        readonly int[] _factors;
        readonly double[] _wr, _wi;   // e^{−2πi t/n}, t = 0…n−1

        public MixedRadix(int n)
        {
            _n = n;
            var f = new List<int>();
            int m = n;
            foreach (int p in new[] { 5, 3, 2 }) while (m % p == 0) { f.Add(p); m /= p; }
            _factors = [.. f];
            _wr = new double[n]; _wi = new double[n];
            for (int t = 0; t < n; t++) { _wr[t] = Math.Cos(2 * Math.PI * t / n); _wi[t] = -Math.Sin(2 * Math.PI * t / n); }
        }

        /// <summary>Transforms x in place (y is scratch of the same length).</summary>
        public void Transform(Span<double> xr, Span<double> xi, Span<double> yr, Span<double> yi, bool inverse)
        {
            int n = _n, stride = 1, len = n;
            double sgn = inverse ? -1 : 1;
            Span<double> ar = stackalloc double[5], ai = stackalloc double[5];
            bool inX = true;
            foreach (int p in _factors)
            {
                Span<double> sr = inX ? xr : yr, si = inX ? xi : yi, dr = inX ? yr : xr, di = inX ? yi : xi;
                int m = len / p, rootStep = n / p, twStep = n / len;
                if (p == 2) Radix2(sr, si, dr, di, m, stride, twStep, sgn);
                else if (p == 5) Radix5(sr, si, dr, di, m, stride, twStep, sgn);
                else
                for (int q = 0; q < m; q++)
                    for (int k = 0; k < stride; k++)
                    {
                        for (int r = 0; r < p; r++) { int idx = k + stride * (q + r * m); ar[r] = sr[idx]; ai[r] = si[idx]; }
                        for (int j = 0; j < p; j++)
                        {
                            double sumR = 0, sumI = 0;
                            for (int r = 0; r < p; r++)
                            {
                                int t = (r * j % p) * rootStep;
                                double wr = _wr[t], wi = sgn * _wi[t];
                                sumR += ar[r] * wr - ai[r] * wi; sumI += ar[r] * wi + ai[r] * wr;
                            }
                            int tw = (q * j * twStep) % n;
                            double twr = _wr[tw], twi = sgn * _wi[tw];
                            int o = k + stride * (p * q + j);
                            dr[o] = sumR * twr - sumI * twi; di[o] = sumR * twi + sumI * twr;
                        }
                    }
                stride *= p; len = m; inX = !inX;
            }
            if (!inX) { yr.CopyTo(xr); yi.CopyTo(xi); }
        }

        void Radix2(Span<double> sr, Span<double> si, Span<double> dr, Span<double> di, int m, int s, int twStep, double sgn)
        {
            for (int q = 0; q < m; q++)
            {
                int tw = q * twStep;
                double wr = _wr[tw], wi = sgn * _wi[tw];
                int a0 = s * q, a1 = s * (q + m), o0 = s * 2 * q, o1 = o0 + s;
                for (int k = 0; k < s; k++)
                {
                    double xr0 = sr[a0 + k], xi0 = si[a0 + k], xr1 = sr[a1 + k], xi1 = si[a1 + k];
                    dr[o0 + k] = xr0 + xr1; di[o0 + k] = xi0 + xi1;
                    double er = xr0 - xr1, ei = xi0 - xi1;
                    dr[o1 + k] = er * wr - ei * wi; di[o1 + k] = er * wi + ei * wr;
                }
            }
        }

        static readonly double C1 = Math.Cos(2 * Math.PI / 5), C2 = Math.Cos(4 * Math.PI / 5), S1 = Math.Sin(2 * Math.PI / 5), S2 = Math.Sin(4 * Math.PI / 5);

        void Radix5(Span<double> sr, Span<double> si, Span<double> dr, Span<double> di, int m, int s, int twStep, double sgn)
        {
            int n = _n;
            for (int q = 0; q < m; q++)
            {
                double w1r = _wr[q * twStep % n], w1i = sgn * _wi[q * twStep % n];
                double w2r = _wr[2 * q * twStep % n], w2i = sgn * _wi[2 * q * twStep % n];
                double w3r = _wr[3 * q * twStep % n], w3i = sgn * _wi[3 * q * twStep % n];
                double w4r = _wr[4 * q * twStep % n], w4i = sgn * _wi[4 * q * twStep % n];
                int i0 = s * q, i1 = s * (q + m), i2 = s * (q + 2 * m), i3 = s * (q + 3 * m), i4 = s * (q + 4 * m), o = s * 5 * q;
                for (int k = 0; k < s; k++)
                {
                    double a0r = sr[i0 + k], a0i = si[i0 + k];
                    double t1r = sr[i1 + k] + sr[i4 + k], t1i = si[i1 + k] + si[i4 + k];
                    double t2r = sr[i2 + k] + sr[i3 + k], t2i = si[i2 + k] + si[i3 + k];
                    double t3r = sr[i1 + k] - sr[i4 + k], t3i = si[i1 + k] - si[i4 + k];
                    double t4r = sr[i2 + k] - sr[i3 + k], t4i = si[i2 + k] - si[i3 + k];
                    double b1r = a0r + C1 * t1r + C2 * t2r, b1i = a0i + C1 * t1i + C2 * t2i;
                    double b2r = a0r + C2 * t1r + C1 * t2r, b2i = a0i + C2 * t1i + C1 * t2i;
                    // u = S1 t3 + S2 t4, v = S2 t3 − S1 t4; −i·sgn·z = sgn(z_i − i z_r)
                    double ur = S1 * t3r + S2 * t4r, ui = S1 * t3i + S2 * t4i;
                    double vr = S2 * t3r - S1 * t4r, vi = S2 * t3i - S1 * t4i;
                    double y1r = b1r + sgn * ui, y1i = b1i - sgn * ur;
                    double y4r = b1r - sgn * ui, y4i = b1i + sgn * ur;
                    double y2r = b2r + sgn * vi, y2i = b2i - sgn * vr;
                    double y3r = b2r - sgn * vi, y3i = b2i + sgn * vr;
                    dr[o + k] = a0r + t1r + t2r; di[o + k] = a0i + t1i + t2i;
                    dr[o + s + k] = y1r * w1r - y1i * w1i; di[o + s + k] = y1r * w1i + y1i * w1r;
                    dr[o + 2 * s + k] = y2r * w2r - y2i * w2i; di[o + 2 * s + k] = y2r * w2i + y2i * w2r;
                    dr[o + 3 * s + k] = y3r * w3r - y3i * w3i; di[o + 3 * s + k] = y3r * w3i + y3i * w3r;
                    dr[o + 4 * s + k] = y4r * w4r - y4i * w4i; di[o + 4 * s + k] = y4r * w4i + y4i * w4r;
                }
            }
        }
    }

    static (double[] Cos, double[] Sin, int[] Rev) Tables(int n)
    {
        var c = new double[n / 2]; var s = new double[n / 2];
        for (int k = 0; k < n / 2; k++) { c[k] = Math.Cos(2 * Math.PI * k / n); s[k] = -Math.Sin(2 * Math.PI * k / n); }
        int bits = BitOperations.Log2((uint)n);
        var rev = new int[n];
        for (int i = 0; i < n; i++) rev[i] = BitReversal.Index(i, bits);
        return (c, s, rev);
    }

    /// <summary>1D in-place transform of <paramref name="re"/>/<paramref name="im"/> (length n = table size).</summary>
    static void Transform1D(Span<double> re, Span<double> im, double[] cos, double[] sin, int[] rev, bool inverse)
    {
        int n = re.Length;
        for (int i = 0; i < n; i++)
        {
            int j = rev[i];
            if (j > i) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        double sgn = inverse ? -1 : 1;
        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len >> 1, step = n / len;
            for (int start = 0; start < n; start += len)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = cos[k * step], wi = sgn * sin[k * step];
                    int a = start + k, b = a + half;
                    double tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
            }
        }
    }

    /// <summary>Forward (unnormalised) transform in place.</summary>
    public void Forward(double[] re, double[] im) => Run(re, im, inverse: false);

    /// <summary>Inverse transform in place, normalised by 1/(nx·ny).</summary>
    public void Inverse(double[] re, double[] im)
    {
        Run(re, im, inverse: true);
        double s = 1.0 / ((double)_nx * _ny);
        for (int i = 0; i < re.Length; i++) { re[i] *= s; im[i] *= s; }
    }

    void Run(double[] re, double[] im, bool inverse)
    {
        if (re.Length != _nx * _ny || im.Length != re.Length) throw new ArgumentException("buffer size does not match the FFT grid");
        int nx = _nx, ny = _ny;
        if (_mrX == null)
            Parallel.For(0, ny, y => Transform1D(re.AsSpan(y * nx, nx), im.AsSpan(y * nx, nx), _cosX, _sinX, _revX, inverse));
        else
            Parallel.For(0, ny, () => (new double[nx], new double[nx]), (y, _, buf) =>
            {
                _mrX.Transform(re.AsSpan(y * nx, nx), im.AsSpan(y * nx, nx), buf.Item1, buf.Item2, inverse);
                return buf;
            }, _ => { });
        Parallel.For(0, nx, () => (new double[ny], new double[ny], new double[ny], new double[ny]), (x, _, buf) =>
        {
            var (cr, ci, sr, si) = buf;
            for (int y = 0; y < ny; y++) { cr[y] = re[y * nx + x]; ci[y] = im[y * nx + x]; }
            if (_mrY == null) Transform1D(cr, ci, _cosY, _sinY, _revY, inverse);
            else _mrY.Transform(cr, ci, sr, si, inverse);
            for (int y = 0; y < ny; y++) { re[y * nx + x] = cr[y]; im[y * nx + x] = ci[y]; }
            return buf;
        }, _ => { });
    }
}
