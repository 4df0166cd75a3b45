using System.Numerics;

namespace SoftShort.PhaseField;

/// <summary>
/// In-place radix-2 complex FFT on rows and columns of a square-power-of-two or rectangular power-of-two grid,
/// stored as separate real and imaginary arrays, row-major <c>[y, x]</c>. Unnormalised forward transform,
/// inverse divides by nx·ny. Enough for the periodic pseudo-spectral Cahn–Hilliard solver (PFHub BM1a).
/// </summary>
public sealed class Fft2D
{
    readonly int _nx, _ny;
    readonly double[] _cosX, _sinX, _cosY, _sinY;
    readonly int[] _revX, _revY;

    public int Nx => _nx;
    public int Ny => _ny;

    /// <param name="nx">Columns, a power of two ≥ 2.</param>
    /// <param name="ny">Rows, a power of two ≥ 2.</param>
    public Fft2D(int nx, int ny)
    {
        InputException.Require(nx >= 2 && BitOperations.IsPow2(nx), "nx", $"must be a power of two ≥ 2, got {nx}");
        InputException.Require(ny >= 2 && BitOperations.IsPow2(ny), "ny", $"must be a power of two ≥ 2, got {ny}");
        _nx = nx; _ny = ny;
        (_cosX, _sinX, _revX) = Tables(nx);
        (_cosY, _sinY, _revY) = Tables(ny);
    }

    static (double[] Cos, double[] Sin, int[] Rev) Tables(int n)
    {
        var c = new double[n / 2]; var s = new double[n / 2];
        for (int k = 0; k < n / 2; k++) { c[k] = Math.Cos(2 * Math.PI * k / n); s[k] = -Math.Sin(2 * Math.PI * k / n); }
        int bits = BitOperations.Log2((uint)n);
        var rev = new int[n];
        for (int i = 0; i < n; i++) rev[i] = (int)(ReverseBits((uint)i) >> (32 - bits));
        return (c, s, rev);
    }

    static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
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
        Parallel.For(0, ny, y => Transform1D(re.AsSpan(y * nx, nx), im.AsSpan(y * nx, nx), _cosX, _sinX, _revX, inverse));
        Parallel.For(0, nx, () => (new double[ny], new double[ny]), (x, _, buf) =>
        {
            var (cr, ci) = buf;
            for (int y = 0; y < ny; y++) { cr[y] = re[y * nx + x]; ci[y] = im[y * nx + x]; }
            Transform1D(cr, ci, _cosY, _sinY, _revY, inverse);
            for (int y = 0; y < ny; y++) { re[y * nx + x] = cr[y]; im[y * nx + x] = ci[y]; }
            return buf;
        }, _ => { });
    }
}
