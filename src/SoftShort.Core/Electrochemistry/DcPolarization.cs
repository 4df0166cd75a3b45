namespace SoftShort.Electrochemistry;

/// <summary>A steady-state (plateau) current found by <see cref="DcPolarization.SteadyState"/>.</summary>
/// <param name="CurrentA">Mean current over the plateau, A.</param>
/// <param name="StandardErrorA">Standard error of that mean, A (from the scatter about a straight line, not assuming white noise is exact).</param>
/// <param name="PlateauStartS">Time from which the current is steady, s.</param>
/// <param name="PlateauEndS">Last time of the trace, s.</param>
/// <param name="RelativeDrift">Relative change of the current across the plateau (slope·duration/mean).</param>
/// <param name="Reached">False when no plateau of the minimum length satisfies the criterion (the value is then the final window's mean).</param>
public sealed record SteadyStateCurrent(double CurrentA, double StandardErrorA, double PlateauStartS, double PlateauEndS, double RelativeDrift, bool Reached);

/// <summary>Electronic conductivity from a DC polarization run.</summary>
public sealed record DcConductivity(double ConductivitySPerCm, double CurrentA, double VoltageV, double ThicknessCm, double AreaCm2, SteadyStateCurrent Plateau)
{
    /// <summary>Electronic resistance of the pellet, Ω (V/I).</summary>
    public double ResistanceOhm => VoltageV / CurrentA;
}

/// <summary>
/// DC (Hebb–Wagner type) polarization with ion-blocking electrodes: after the ionic (capacitive) current has decayed the
/// remaining steady-state current is electronic, σ_e = I_ss·L / (V·A) (e.g. Han et al., Nat. Energy 4, 187 (2019), which
/// measured argyrodite/garnet SEs this way; paper Experimental section: 126 mg SE at 300 MPa, 12.6 mm, 0.5 V, 20 min).
/// </summary>
public static class DcPolarization
{
    /// <summary>σ = I·L/(V·A), S cm⁻¹, with I in A, L in cm, V in V, A in cm².</summary>
    public static double Conductivity(double currentA, double thicknessCm, double voltageV, double areaCm2)
    {
        InputException.Require(double.IsFinite(currentA) && currentA != 0, "current_A", $"must be finite and non-zero, got {currentA}");
        InputException.Require(thicknessCm > 0 && double.IsFinite(thicknessCm), "thickness", $"must be positive, got {thicknessCm} cm");
        InputException.Require(voltageV != 0 && double.IsFinite(voltageV), "voltage_V", $"must be finite and non-zero, got {voltageV}");
        InputException.Require(areaCm2 > 0 && double.IsFinite(areaCm2), "area", $"must be positive, got {areaCm2} cm²");
        return Math.Abs(currentA) * thicknessCm / (Math.Abs(voltageV) * areaCm2);
    }

    /// <summary>Area of a disc of diameter <paramref name="diameterMm"/> (mm), cm².</summary>
    public static double DiscAreaCm2(double diameterMm)
    {
        InputException.Require(diameterMm > 0 && double.IsFinite(diameterMm), "--diameter-mm", $"must be positive, got {diameterMm}");
        return Math.PI * Math.Pow(diameterMm / 20.0, 2);
    }

    /// <summary>
    /// Pellet thickness from its mass, the material's density and the die diameter: L = m / (ρ·(1 − φ)·A), cm.
    /// </summary>
    /// <param name="massMg">Pellet mass, mg (paper: 126 mg).</param>
    /// <param name="densityGPerCm3">Theoretical (skeletal) density, g cm⁻³ (argyrodite ≈ 1.87, <see cref="Synthetic.CellGeometry.SeTheoreticalDensityGPerCm3"/>).</param>
    /// <param name="diameterMm">Die diameter, mm (paper: 12.6 mm).</param>
    /// <param name="porosity">Pellet porosity (0–1); paper's phase-field model takes 16.25 % for 300 MPa.</param>
    public static double ThicknessFromMassCm(double massMg, double densityGPerCm3, double diameterMm, double porosity)
    {
        InputException.Require(massMg > 0 && double.IsFinite(massMg), "--mass-mg", $"must be positive, got {massMg}");
        InputException.Require(densityGPerCm3 > 0 && double.IsFinite(densityGPerCm3), "--density-g-cm3", $"must be positive, got {densityGPerCm3}");
        InputException.Require(porosity is >= 0 and < 1, "--porosity", $"must be in [0, 1), got {porosity}");
        return massMg * 1e-3 / (densityGPerCm3 * (1 - porosity) * DiscAreaCm2(diameterMm));
    }

    /// <summary>
    /// Finds the steady-state current of a polarization trace by a plateau criterion: the longest tail [t_s, t_end] of the
    /// trace over which a least-squares line changes by less than <paramref name="tolerance"/> of its mean (|slope|·(t_end − t_s)
    /// &lt; tol·|mean|) and whose first and last quarters agree within the same tolerance (so an un-decayed exponential, which
    /// a line can partly absorb, is not taken as steady). The tail must hold at least <paramref name="minFraction"/> of the
    /// trace and 10 samples. The current is the tail mean: this uses the whole plateau, not the last value, and stays within
    /// the tolerance under a slow drift. Capacitive decay of any time constant is excluded because the criterion, not a
    /// model of the decay, decides where the plateau starts.
    /// </summary>
    /// <param name="timeS">Times, s, strictly increasing.</param>
    /// <param name="currentA">Currents, A.</param>
    /// <param name="tolerance">Relative change allowed across the plateau. Default 0.02 (a decaying tail that passes shifts the mean by ≤ ¼ of it).</param>
    /// <param name="minFraction">Smallest plateau as a fraction of the samples. Default 0.15.</param>
    public static SteadyStateCurrent SteadyState(ReadOnlySpan<double> timeS, ReadOnlySpan<double> currentA, double tolerance = 0.02, double minFraction = 0.15)
    {
        int n = timeS.Length;
        InputException.Require(n >= 20, "trace", $"needs at least 20 samples, got {n}");
        InputException.Require(currentA.Length == n, "trace", "time and current differ in length");
        for (int i = 0; i < n; i++)
        {
            InputException.Require(double.IsFinite(timeS[i]) && double.IsFinite(currentA[i]), "trace", $"row {i + 1} has a NaN or infinite value");
            InputException.Require(i == 0 || timeS[i] > timeS[i - 1], "trace", $"row {i + 1}: time is not increasing");
        }
        int minLen = Math.Max(10, (int)(minFraction * n));
        // Scan the start of the tail from early to late: the first start that satisfies the criterion gives the longest plateau.
        // Suffix sums make each line fit O(1).
        var st = new double[n + 1]; var si = new double[n + 1]; var stt = new double[n + 1]; var sti = new double[n + 1]; var sii = new double[n + 1];
        double t0 = timeS[0];
        for (int k = n - 1; k >= 0; k--)
        {
            double t = timeS[k] - t0, c = currentA[k];
            st[k] = st[k + 1] + t; si[k] = si[k + 1] + c; stt[k] = stt[k + 1] + t * t; sti[k] = sti[k + 1] + t * c; sii[k] = sii[k + 1] + c * c;
        }
        int step = Math.Max(1, n / 400);
        for (int s = 0; s <= n - minLen; s += step)
        {
            int m = n - s;
            double mt = st[s] / m, mi = si[s] / m;
            double sxx = stt[s] - m * mt * mt, sxy = sti[s] - m * mt * mi;
            double slope = sxx > 0 ? sxy / sxx : 0;
            double span = timeS[n - 1] - timeS[s];
            double drift = slope * span / Math.Abs(mi);
            if (Math.Abs(drift) >= tolerance) continue;
            int q = m / 4;
            double first = Mean(currentA.Slice(s, q)), last = Mean(currentA.Slice(n - q, q));
            if (Math.Abs(first - last) >= tolerance * Math.Abs(mi)) continue;
            double resid = Math.Max(0, (sii[s] - m * mi * mi) - slope * sxy) / Math.Max(1, m - 2);
            // Standard error with a correlation allowance: blocks of 10 samples.
            double se = Math.Sqrt(resid / m * 10);
            return new SteadyStateCurrent(mi, se, timeS[s], timeS[n - 1], drift, true);
        }
        int tail = Math.Max(10, n / 10);
        double lastMean = Mean(currentA.Slice(n - tail, tail));
        return new SteadyStateCurrent(lastMean, double.NaN, timeS[n - tail], timeS[n - 1], double.NaN, false);
    }

    /// <summary>Steady-state current of a trace and the conductivity it gives.</summary>
    public static DcConductivity Analyse(ReadOnlySpan<double> timeS, ReadOnlySpan<double> currentA, double voltageV, double thicknessCm, double areaCm2, double tolerance = 0.02)
    {
        var p = SteadyState(timeS, currentA, tolerance);
        return new DcConductivity(Conductivity(p.CurrentA, thicknessCm, voltageV, areaCm2), p.CurrentA, voltageV, thicknessCm, areaCm2, p);
    }

    /// <summary>
    /// Reads a polarization current trace: a CSV with <c>time_s</c> and <c>current_A</c>, or an EC-Lab chronoamperometry export
    /// (<c>time/s</c>, <c>&lt;I&gt;/mA</c> or <c>I/mA</c>). Time must increase; every value must be a finite number.
    /// </summary>
    public static (double[] TimeS, double[] CurrentA) ReadTrace(string path)
    {
        var lines = DelimitedText.ReadLines(path);
        int first = 0;
        while (first < lines.Length && string.IsNullOrWhiteSpace(lines[first])) first++;
        if (first >= lines.Length) throw new InputException(path, "file is empty");
        var t = lines[first].TrimStart().StartsWith("EC-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase)
            ? DelimitedText.Parse(path, lines, CyclerImport.BioLogicHeaderLines(path, lines) - 1)
            : DelimitedText.Parse(path, lines, first);
        int ti = t.Find("time_s", "time/s", "Test_Time(s)", "Test Time (s)");
        int ia = t.Find("current_A", "Current(A)", "Current (A)"), ima = t.Find("<I>/mA", "I/mA", "Current(mA)");
        if (ti < 0 || (ia < 0 && ima < 0))
            throw new InputException(path, $"not a current trace: needs time_s and current_A (or EC-Lab time/s and <I>/mA); columns found: {string.Join(", ", t.Header)}");
        var time = t.Numbers(ti);
        var cur = ia >= 0 ? t.Numbers(ia) : t.Numbers(ima, 1e-3);
        for (int i = 1; i < time.Length; i++)
            if (time[i] <= time[i - 1]) throw new InputException(path, $"line {t.LineNumbers[i]}: time does not increase");
        return (time, cur);
    }

    static double Mean(ReadOnlySpan<double> a)
    {
        double s = 0;
        foreach (var x in a) s += x;
        return s / a.Length;
    }
}
