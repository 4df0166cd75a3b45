using System.Globalization;
using Complex = System.Numerics.Complex;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace SoftShort.Electrochemistry;

/// <summary>An impedance spectrum: frequencies (Hz) and Z (Ω) with Im Z negative for a capacitive response.</summary>
public sealed record EisSpectrum(double[] FreqHz, Complex[] Z)
{
    /// <summary>
    /// Reads a BioLogic PEIS export (<c>freq/Hz</c>, <c>Re(Z)/Ohm</c>, <c>-Im(Z)/Ohm</c>: EC-Lab writes −Im Z, converted back here)
    /// or a generic CSV <c>freq_Hz,z_real_ohm,z_imag_ohm</c> (Im Z negative for a capacitive response).
    /// </summary>
    public static EisSpectrum Read(string path)
    {
        var lines = DelimitedText.ReadLines(path);
        int first = 0;
        while (first < lines.Length && string.IsNullOrWhiteSpace(lines[first])) first++;
        DelimitedText t;
        if (first < lines.Length && lines[first].TrimStart().StartsWith("EC-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase))
            t = DelimitedText.Parse(path, lines, CyclerImport.BioLogicHeaderLines(path, lines) - 1);
        else t = DelimitedText.Parse(path, lines, first);
        int f = t.Find("freq/Hz", "freq_Hz", "frequency_Hz"), re = t.Find("Re(Z)/Ohm", "z_real_ohm"), negIm = t.Find("-Im(Z)/Ohm"), im = t.Find("Im(Z)/Ohm", "z_imag_ohm");
        if (f < 0 || re < 0 || (negIm < 0 && im < 0))
            throw new InputException(path, $"not an impedance spectrum: needs freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm (BioLogic) or freq_Hz, z_real_ohm, z_imag_ohm; columns found: {string.Join(", ", t.Header)}");
        var fr = t.Numbers(f); var zr = t.Numbers(re); var zi = negIm >= 0 ? t.Numbers(negIm, -1) : t.Numbers(im);
        for (int i = 0; i < fr.Length; i++)
            if (fr[i] <= 0) throw new InputException(path, $"line {t.LineNumbers[i]}: frequency {fr[i].ToString(CultureInfo.InvariantCulture)} Hz is not positive");
        return new EisSpectrum(fr, fr.Select((_, i) => new Complex(zr[i], zi[i])).ToArray());
    }

    /// <summary>Writes the generic CSV (freq_Hz, z_real_ohm, z_imag_ohm).</summary>
    public void WriteCsv(string path) => IO.CsvTable.Write(path, [("freq_Hz", FreqHz), ("z_real_ohm", Z.Select(z => z.Real).ToArray()), ("z_imag_ohm", Z.Select(z => z.Imaginary).ToArray())]);

    /// <summary>Log-spaced frequencies from <paramref name="fMaxHz"/> down to <paramref name="fMinHz"/>, <paramref name="perDecade"/> per decade (EC-Lab's order).</summary>
    public static double[] LogFrequencies(double fMaxHz = 1e6, double fMinHz = 1e-2, int perDecade = 10)
    {
        int n = (int)Math.Round(Math.Log10(fMaxHz / fMinHz) * perDecade) + 1;
        return Enumerable.Range(0, n).Select(k => fMaxHz * Math.Pow(10, -k / (double)perDecade)).ToArray();
    }

    /// <summary>A spectrum of <paramref name="circuit"/> with relative complex Gaussian noise: Z·(1 + σ(n₁ + j n₂)).</summary>
    public static EisSpectrum Synthesize(EquivalentCircuit circuit, double[] parameters, double[] freqHz, double relativeNoise, int seed)
    {
        var rng = new Random(seed);
        var z = circuit.Impedance(parameters, freqHz);
        for (int i = 0; i < z.Length; i++)
            z[i] += relativeNoise * z[i].Magnitude * new Complex(Synthetic.CyclerSimulator.Gauss(rng), Synthetic.CyclerSimulator.Gauss(rng));
        return new EisSpectrum(freqHz, z);
    }
}

/// <summary>Result of <see cref="EisFit.Fit"/>.</summary>
public sealed record EisFitResult(EquivalentCircuit Circuit, double[] Parameters, double[] StandardErrors, double ChiSquare, double ResidualRms, int Points, bool Converged, string Message)
{
    /// <summary>Bayesian information criterion of the fit, n·ln(χ²/n) + k·ln n over the 2N real residuals.</summary>
    public double Bic => 2 * Points * Math.Log(Math.Max(ChiSquare, 1e-300) / (2 * Points)) + Parameters.Length * Math.Log(2 * Points);
}

/// <summary>
/// Complex nonlinear least squares (CNLS) fit of an <see cref="EquivalentCircuit"/> to a spectrum with MathNet's
/// Levenberg–Marquardt minimiser. Residuals are (Z_model − Z)/|Z| for the real and imaginary parts (modulus weighting,
/// Boukamp, Solid State Ionics 20, 31 (1986)); parameters are fitted as logarithms, which keeps them positive and puts
/// decades of scale on one footing; standard errors come from the covariance at the minimum (s²(JᵀJ)⁻¹, converted from
/// log space: σ_p = p·σ_ln p). Several deterministic restarts around the starting point guard against local minima.
/// </summary>
public static class EisFit
{
    /// <summary>Fits <paramref name="circuit"/>. <paramref name="initial"/>: starting values (null: <see cref="EquivalentCircuit.InitialGuess"/>).</summary>
    public static EisFitResult Fit(EquivalentCircuit circuit, EisSpectrum spectrum, double[]? initial = null, int restarts = 8, int seed = 1, int maxIterations = 400)
    {
        int n = spectrum.FreqHz.Length, k = circuit.ParameterCount;
        InputException.Require(n * 2 > k, "spectrum", $"{n} frequencies cannot determine {k} parameters");
        for (int i = 0; i < n; i++)
            InputException.Require(double.IsFinite(spectrum.Z[i].Real) && double.IsFinite(spectrum.Z[i].Imaginary) && spectrum.FreqHz[i] > 0, "spectrum", $"point {i + 1} has a non-finite impedance or non-positive frequency");
        var start = initial ?? circuit.InitialGuess(spectrum.FreqHz, spectrum.Z);
        InputException.Require(start.Length == k, "--initial", $"gives {start.Length} values, the circuit has {k} parameters ({string.Join(", ", circuit.ParameterNames)})");
        for (int i = 0; i < k; i++) InputException.Require(start[i] > 0 && double.IsFinite(start[i]), "--initial", $"{circuit.ParameterNames[i]} = {start[i]} must be positive");

        var obsX = Vector<double>.Build.Dense(2 * n, i => i);
        var obsY = Vector<double>.Build.Dense(2 * n);
        var mag = spectrum.Z.Select(z => Math.Max(z.Magnitude, 1e-300)).ToArray();
        for (int i = 0; i < n; i++) { obsY[i] = spectrum.Z[i].Real / mag[i]; obsY[n + i] = spectrum.Z[i].Imaginary / mag[i]; }
        var omega = spectrum.FreqHz.Select(f => 2 * Math.PI * f).ToArray();
        var pBuf = new double[k];
        Vector<double> Model(Vector<double> lp, Vector<double> _)
        {
            for (int j = 0; j < k; j++) pBuf[j] = Math.Exp(lp[j]);
            var y = Vector<double>.Build.Dense(2 * n);
            for (int i = 0; i < n; i++)
            {
                var z = circuit.Impedance(pBuf, omega[i]);
                double re = z.Real / mag[i], im = z.Imaginary / mag[i];
                y[i] = double.IsFinite(re) ? re : 1e6; y[n + i] = double.IsFinite(im) ? im : 1e6;
            }
            return y;
        }

        var rng = new Random(seed);
        NonlinearMinimizationResult? best = null; double bestSsr = double.PositiveInfinity; string message = "";
        for (int r = 0; r <= restarts; r++)
        {
            var guess = Vector<double>.Build.Dense(k, j => Math.Log(start[j]) + (r == 0 ? 0 : 1.2 * Synthetic.CyclerSimulator.Gauss(rng)));
            for (int j = 0; j < k; j++)
                if (circuit.ParameterNames[j].StartsWith("CPE") && circuit.ParameterNames[j].EndsWith("_1")) guess[j] = Math.Log(r == 0 ? start[j] : 0.6 + 0.4 * rng.NextDouble());
            try
            {
                var model = ObjectiveFunction.NonlinearModel(Model, obsX, obsY);
                var lm = new LevenbergMarquardtMinimizer(initialMu: 1e-3, gradientTolerance: 1e-12, stepTolerance: 1e-12, functionTolerance: 1e-14, maximumIterations: maxIterations);
                var res = lm.FindMinimum(model, guess);
                double ssr = res.ModelInfoAtMinimum.Value * 2; // MathNet reports ½·Σr²
                if (ssr < bestSsr && res.MinimizingPoint.All(double.IsFinite)) { bestSsr = ssr; best = res; message = res.ReasonForExit.ToString(); }
            }
            catch (MathNet.Numerics.Optimization.MaximumIterationsException e) { message = e.Message; }
            catch (ArgumentException e) { message = e.Message; }
        }
        if (best is null)
            throw new InputException("eis-fit", $"the fit of {circuit.Text} did not converge from any of {restarts + 1} starting points ({message})");
        var p = best.MinimizingPoint.Select(Math.Exp).ToArray();
        double[] se = new double[k];
        for (int j = 0; j < k; j++)
        {
            double sl = best.StandardErrors is null ? double.NaN : best.StandardErrors[j];
            se[j] = p[j] * sl;
        }
        bool converged = best.ReasonForExit is ExitCondition.Converged or ExitCondition.RelativeGradient or ExitCondition.AbsoluteGradient or ExitCondition.RelativePoints or ExitCondition.LackOfProgress;
        return new EisFitResult(circuit, p, se, bestSsr, Math.Sqrt(bestSsr / (2 * n)), n, converged,
            converged ? $"converged ({best.ReasonForExit}, {best.Iterations} iterations)" : $"did not converge ({best.ReasonForExit}); best point returned, residual rms {Math.Sqrt(bestSsr / (2 * n)):P2}");
    }

    /// <summary>Parses "1e-3,0.9,…" as starting values.</summary>
    public static double[] ParseValues(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var v = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new InputException(option, $"'{parts[i]}' is not a number");
        return v;
    }
}

/// <summary>Result of a Lin-KK test.</summary>
public sealed record LinKkResult(int Elements, double Mu, double[] ResidualReal, double[] ResidualImag, double ResidualRms, double ResidualMax, bool Valid, Complex[] Fit);

/// <summary>
/// Kramers–Kronig validity by the Lin-KK test (Schönleber, Klotz, Ivers-Tiffée, Electrochim. Acta 131, 20 (2014)):
/// a series of M RC (Voigt) elements with time constants log-spaced over 1/ω_max … 1/ω_min, plus a series R, L and C, is fitted by
/// linear least squares (modulus weighted) to the real and imaginary parts together; M grows until the under/over-fit measure
/// μ = 1 − Σ|R_k&lt;0| / Σ|R_k≥0| falls below c = 0.85. The relative residuals of a KK-consistent spectrum are noise-like and small.
/// </summary>
public static class LinKk
{
    /// <param name="spectrum">The spectrum.</param>
    /// <param name="c">μ threshold (0.85 as Schönleber et al.).</param>
    /// <param name="maxResidual">Largest relative residual (rms) still called valid. Default 0.02.</param>
    public static LinKkResult Test(EisSpectrum spectrum, double c = 0.85, double maxResidual = 0.02)
    {
        int n = spectrum.FreqHz.Length;
        InputException.Require(n >= 6, "spectrum", $"Lin-KK needs at least 6 frequencies, got {n}");
        var w = spectrum.FreqHz.Select(f => 2 * Math.PI * f).ToArray();
        double wMin = w.Min(), wMax = w.Max();
        LinKkResult? last = null;
        for (int m = 3; m <= Math.Max(3, n - 4); m++)
        {
            var tau = Enumerable.Range(0, m).Select(k => Math.Exp(Math.Log(1 / wMax) + k / (double)(m - 1) * (Math.Log(1 / wMin) - Math.Log(1 / wMax)))).ToArray();
            int cols = 3 + m;
            var a = Matrix<double>.Build.Dense(2 * n, cols);
            var b = Vector<double>.Build.Dense(2 * n);
            for (int i = 0; i < n; i++)
            {
                double s = 1 / Math.Max(spectrum.Z[i].Magnitude, 1e-300);
                a[i, 0] = s; a[n + i, 1] = w[i] * s; a[n + i, 2] = -1 / w[i] * s;
                for (int k = 0; k < m; k++)
                {
                    double x = w[i] * tau[k];
                    a[i, 3 + k] = s / (1 + x * x);
                    a[n + i, 3 + k] = -s * x / (1 + x * x);
                }
                b[i] = spectrum.Z[i].Real * s; b[n + i] = spectrum.Z[i].Imaginary * s;
            }
            var sol = a.Svd(true).Solve(b);
            double pos = 0, neg = 0;
            for (int k = 0; k < m; k++) { if (sol[3 + k] >= 0) pos += sol[3 + k]; else neg -= sol[3 + k]; }
            double mu = pos > 0 ? 1 - neg / pos : 0;
            var fit = new Complex[n];
            var rr = new double[n]; var ri = new double[n];
            double sum = 0, mx = 0;
            for (int i = 0; i < n; i++)
            {
                Complex z = sol[0] + new Complex(0, w[i] * sol[1] - sol[2] / w[i]);
                for (int k = 0; k < m; k++) z += sol[3 + k] / new Complex(1, w[i] * tau[k]);
                fit[i] = z;
                double mag = spectrum.Z[i].Magnitude;
                rr[i] = (spectrum.Z[i].Real - z.Real) / mag; ri[i] = (spectrum.Z[i].Imaginary - z.Imaginary) / mag;
                sum += rr[i] * rr[i] + ri[i] * ri[i];
                mx = Math.Max(mx, Math.Max(Math.Abs(rr[i]), Math.Abs(ri[i])));
            }
            double rms = Math.Sqrt(sum / (2 * n));
            last = new LinKkResult(m, mu, rr, ri, rms, mx, rms <= maxResidual, fit);
            if (mu <= c) break;
        }
        return last!;
    }
}

/// <summary>What an impedance spectrum says about the cell (paper Fig. S5).</summary>
public enum EisCellState { Healthy, SoftShort, HardShort }

/// <summary>Result of <see cref="EisShortClassifier.Classify"/>: the winning model and every model's fit.</summary>
public sealed record EisClassification(EisCellState State, double Confidence, IReadOnlyDictionary<EisCellState, EisFitResult> Fits, IReadOnlyDictionary<EisCellState, double> Weights);

/// <summary>
/// Which of three equivalent circuits a spectrum matches (paper Fig. S5: EIS tells soft from hard shorts):
/// healthy <c>R0-p(R1,CPE1)-p(R2,CPE2)-W1</c> (SE bulk, grain boundary / interface arcs and the blocking diffusion tail:
/// −Im Z grows without bound as ω → 0); soft short, the same cell with an electronic leakage resistance in parallel,
/// <c>p(R0-p(R1,CPE1)-p(R2,CPE2)-W1,R3)</c> (the low-frequency tail bends back to the real axis at a finite resistance);
/// hard short <c>R0</c> (a metallic path: a frequency-independent small resistance). Each is fitted by CNLS; the model
/// with the lowest BIC wins and the confidence is its BIC weight exp(−ΔBIC/2)/Σ.
/// </summary>
public static class EisShortClassifier
{
    public const string HealthyCircuit = "R0-p(R1,CPE1)-p(R2,CPE2)-W1";
    public const string SoftShortCircuit = "p(R0-p(R1,CPE1)-p(R2,CPE2)-W1,R3)";
    public const string HardShortCircuit = "R0";

    /// <summary>Fits the three models and picks one. <paramref name="restarts"/>: extra random starts per model (default 2).</summary>
    public static EisClassification Classify(EisSpectrum s, int seed = 1, int restarts = 2)
    {
        var fits = new Dictionary<EisCellState, EisFitResult>();
        var healthy = EquivalentCircuit.Parse(HealthyCircuit);
        var g = healthy.InitialGuess(s.FreqHz, s.Z);
        fits[EisCellState.Healthy] = EisFit.Fit(healthy, s, g, restarts: restarts, seed: seed, maxIterations: 120);
        var soft = EquivalentCircuit.Parse(SoftShortCircuit);
        double reLow = s.Z[Array.IndexOf(s.FreqHz, s.FreqHz.Min())].Real;
        var gs = fits[EisCellState.Healthy].Parameters.Append(Math.Max(reLow, 1e-3)).ToArray();
        fits[EisCellState.SoftShort] = EisFit.Fit(soft, s, gs, restarts: restarts, seed: seed, maxIterations: 120);
        var hard = EquivalentCircuit.Parse(HardShortCircuit);
        fits[EisCellState.HardShort] = EisFit.Fit(hard, s, [Math.Max(s.Z.Average(z => z.Real), 1e-3)], restarts: 0, seed: seed);
        double bMin = fits.Values.Min(f => f.Bic);
        var wts = fits.ToDictionary(kv => kv.Key, kv => Math.Exp(-(kv.Value.Bic - bMin) / 2));
        double sum = wts.Values.Sum();
        foreach (var key in wts.Keys.ToList()) wts[key] /= sum;
        var state = wts.MaxBy(kv => kv.Value).Key;
        return new EisClassification(state, wts[state], fits, wts);
    }
}
