namespace SoftShort.Electrochemistry;

/// <summary>Outcome of <see cref="ShortClassifier.Classify"/>.</summary>
public enum ChargeClass { Normal, SoftShort, HardShort }

/// <summary>Options of the short classifier.</summary>
public sealed record ShortClassifierOptions
{
    /// <summary>Upper cut-off voltage of the charge, V (reaching it is evidence of a normal charge). Default 4.3 V.</summary>
    public double CutoffV { get; init; } = 4.3;
    /// <summary>Below this voltage a charge that stays there is a hard short, V. Default 1.0 V.</summary>
    public double HardShortBelowV { get; init; } = 1.0;
    /// <summary>Window of the step detector, s (each side of a candidate step). Default 300 s (5 min).</summary>
    public double WindowS { get; init; } = 300;
    /// <summary>Detection threshold for a voltage drop, in standard deviations of the windowed-median difference. Default 5.</summary>
    public double ThresholdSigma { get; init; } = 5;
    /// <summary>Smallest drop that counts as a short event regardless of noise, V. Default 10 mV.</summary>
    public double MinDropV { get; init; } = 0.010;
    /// <summary>Theoretical capacity of the cathode, mAh (NaN: not checked). Charge beyond it without reaching the cut-off is evidence of a short.</summary>
    public double TheoreticalCapacityMAh { get; init; } = double.NaN;
}

/// <summary>One detected voltage drop during the charge.</summary>
public readonly record struct DropEvent(double TimeS, double DropV);

/// <summary>The classification of one charge and the features it rests on.</summary>
public sealed record ShortClassification(
    ChargeClass Class, double OnsetS, double Confidence, double NoiseV, double ThresholdV,
    IReadOnlyList<DropEvent> Drops, bool ReachedCutoff, double MaxVoltageV, double ChargeMAh,
    double PlateauSlopeVPerH, double NoiseRatioAfterOnset, double CoulombicEfficiency, string Reason);

/// <summary>
/// Classifies a galvanostatic charge as normal, soft short or hard short (paper Fig. S4, section 2.2) from the features
/// a battery scientist reads off the curve:
/// <list type="bullet">
/// <item>hard short: a sudden drop to near 0 V that does not recover (S4B);</item>
/// <item>soft short: sudden voltage drops during a charge at constant current, where a healthy cell's voltage only rises
/// (the OCV of the cathode rises monotonically on delithiation), a plateau below the cut-off (dV/dt ≈ 0 with fluctuations,
/// Fig. 2B, S4C), larger short-time voltage noise after the onset, and charge passed beyond the theoretical capacity;</item>
/// <item>normal: none of these, the voltage rises to the cut-off (S4A).</item>
/// </list>
/// Drops are found by comparing the median of the voltage in a window before each sample with the median in a window
/// from that sample on: the difference is ≈ −slope·window on a healthy charge and jumps positive at a short event.
/// The noise σ is estimated robustly from the first differences (MAD), so drops are judged in units of the noise.
/// Confidence: 1 − exp(−S/2) with S the sum over drops of (drop/threshold), capped at 5 per drop, for a short; for a
/// normal charge 0.5 + 0.5·(1 − largest drop/threshold), plus reaching the cut-off. Coulombic efficiency is computed when
/// the record holds a discharge (negative current) and lowers the normal confidence when below 0.9.
/// </summary>
public static class ShortClassifier
{
    public static ShortClassification Classify(ReadOnlySpan<double> timeS, ReadOnlySpan<double> voltageV, ReadOnlySpan<double> currentA, ShortClassifierOptions? options = null)
    {
        var o = options ?? new ShortClassifierOptions();
        int n = timeS.Length;
        InputException.Require(n >= 10, "charge", $"needs at least 10 samples, got {n}");
        InputException.Require(voltageV.Length == n && currentA.Length == n, "charge", "time, voltage and current differ in length");
        for (int i = 0; i < n; i++)
        {
            InputException.Require(double.IsFinite(timeS[i]) && double.IsFinite(voltageV[i]) && double.IsFinite(currentA[i]), "charge", $"row {i + 1} has a NaN or infinite value");
            InputException.Require(i == 0 || timeS[i] >= timeS[i - 1], "charge", $"row {i + 1}: time goes backwards");
        }
        // The charge segment: from the first positive-current sample while the current stays positive.
        int s0 = 0;
        while (s0 < n && currentA[s0] <= 0) s0++;
        InputException.Require(s0 < n, "charge", "no positive (charging) current in the record");
        int s1 = s0;
        double iRef = Math.Abs(currentA[s0]);
        while (s1 < n && currentA[s1] > 0.5 * iRef) s1++;
        var t = timeS[s0..s1].ToArray(); var v = voltageV[s0..s1].ToArray(); var cur = currentA[s0..s1].ToArray();
        int m = t.Length;
        InputException.Require(m >= 10, "charge", $"the charging segment has only {m} samples");
        double chargeMAh = CyclerImport.IntegrateMAh(t, cur)[^1];
        double ce = CoulombicEfficiency(timeS, currentA);

        double dtMed = Statistics.Median(Enumerable.Range(1, m - 1).Select(i => t[i] - t[i - 1]).ToArray());
        int w = Math.Max(3, (int)Math.Round(o.WindowS / Math.Max(dtMed, 1e-9)));
        var diffs = new double[m - 1];
        for (int i = 1; i < m; i++) diffs[i - 1] = v[i] - v[i - 1];
        double sigma = Statistics.MadSigma(diffs) / Math.Sqrt(2);
        double sigmaD = 1.2533 * sigma * Math.Sqrt(2.0 / w);
        double thr = Math.Max(o.ThresholdSigma * sigmaD, o.MinDropV);
        double maxV = v.Max();
        bool reachedCutoff = maxV >= o.CutoffV - Math.Max(3 * sigma, 0.005);

        // Hard short: the first sample below the threshold voltage after which ≥ 90 % of the record stays below it.
        for (int i = 1; i < m; i++)
        {
            if (v[i] >= o.HardShortBelowV || v[i - 1] < o.HardShortBelowV) continue;
            int below = 0;
            for (int j = i; j < m; j++) if (v[j] < o.HardShortBelowV) below++;
            double frac = below / (double)(m - i);
            if (frac < 0.9) continue;
            double before = Statistics.Median(v.AsSpan(Math.Max(0, i - w)..i));
            double after = Statistics.Median(v.AsSpan(i..Math.Min(m, i + w)));
            double depth = before - after;
            double conf = frac * (1 - Math.Exp(-depth / (20 * Math.Max(sigma, 1e-4))));
            return new ShortClassification(ChargeClass.HardShort, t[i], Math.Clamp(conf, 0, 1), sigma, thr, [new DropEvent(t[i], depth)], reachedCutoff, maxV, chargeMAh,
                double.NaN, double.NaN, ce, $"voltage fell by {depth:F2} V to {after:F3} V at {t[i] / 3600:F2} h and stayed below {o.HardShortBelowV} V ({frac:P0} of the rest)");
        }

        // Soft short: windowed-median drops.
        var drop = new double[m];
        var win = new double[w];
        for (int i = w; i + w <= m; i++)
        {
            v.AsSpan(i - w, w).CopyTo(win); double before = Statistics.MedianInPlace(win);
            v.AsSpan(i, w).CopyTo(win); double after = Statistics.MedianInPlace(win);
            drop[i] = before - after;
        }
        var events = new List<DropEvent>();
        for (int i = w; i + w <= m;)
        {
            if (drop[i] <= thr) { i++; continue; }
            int best = i;
            while (i + w <= m && drop[i] > thr) { if (drop[i] > drop[best]) best = i; i++; }
            events.Add(new DropEvent(t[best], drop[best]));
        }
        double maxDrop = 0;
        for (int i = w; i + w <= m; i++) maxDrop = Math.Max(maxDrop, drop[i]);
        bool overCapacity = double.IsFinite(o.TheoreticalCapacityMAh) && chargeMAh > o.TheoreticalCapacityMAh && !reachedCutoff;

        if (events.Count > 0 || overCapacity)
        {
            double onset = events.Count > 0 ? events[0].TimeS : t[Array.FindIndex(CyclerImport.IntegrateMAh(t, cur), q => q > o.TheoreticalCapacityMAh)];
            int io = Array.FindIndex(t, x => x >= onset);
            double slope = Slope(t.AsSpan(io), v.AsSpan(io));
            double noiseBefore = io > 3 ? Statistics.MadSigma(diffs.AsSpan(0, io - 1)) : double.NaN;
            double noiseAfter = io < m - 3 ? Statistics.MadSigma(diffs.AsSpan(io)) : double.NaN;
            double score = events.Sum(e => Math.Min(e.DropV / thr, 5)) + (overCapacity ? 2 : 0) + (reachedCutoff ? -2 : 0);
            double conf = Math.Clamp(1 - Math.Exp(-Math.Max(score, 0) / 2), 0, 1);
            string reason = $"{events.Count} voltage drop(s) above {thr * 1e3:F1} mV (noise σ = {sigma * 1e3:F1} mV), first at {onset / 3600:F2} h; " +
                            $"voltage after the onset changes by {slope * 1e3:F1} mV/h, max {maxV:F3} V {(reachedCutoff ? "reached" : "below")} the {o.CutoffV} V cut-off" +
                            (overCapacity ? $"; {chargeMAh:F3} mAh passed, beyond the theoretical {o.TheoreticalCapacityMAh:F3} mAh" : "");
            return new ShortClassification(ChargeClass.SoftShort, onset, conf, sigma, thr, events, reachedCutoff, maxV, chargeMAh, slope, noiseAfter / noiseBefore, ce, reason);
        }
        double normalConf = 0.5 + 0.5 * (1 - Math.Clamp(maxDrop / thr, 0, 1));
        if (reachedCutoff) normalConf = Math.Min(1, normalConf + 0.25);
        if (double.IsFinite(ce) && ce < 0.9) normalConf *= ce;
        return new ShortClassification(ChargeClass.Normal, double.NaN, normalConf, sigma, thr, [], reachedCutoff, maxV, chargeMAh,
            Slope(t, v), double.NaN, ce, $"no drop above {thr * 1e3:F1} mV (largest {maxDrop * 1e3:F1} mV, noise σ = {sigma * 1e3:F1} mV); max {maxV:F3} V {(reachedCutoff ? "reached" : "below")} the {o.CutoffV} V cut-off");
    }

    /// <summary>Discharge over charge capacity of the record (NaN without a discharge).</summary>
    public static double CoulombicEfficiency(ReadOnlySpan<double> timeS, ReadOnlySpan<double> currentA)
    {
        double qc = 0, qd = 0;
        for (int i = 1; i < timeS.Length; i++)
        {
            double dq = 0.5 * (currentA[i] + currentA[i - 1]) * (timeS[i] - timeS[i - 1]);
            if (dq > 0) qc += dq; else qd -= dq;
        }
        return qd > 0.01 * qc && qc > 0 ? qd / qc : double.NaN;
    }

    static double Slope(ReadOnlySpan<double> t, ReadOnlySpan<double> v)
    {
        int n = t.Length;
        if (n < 2) return double.NaN;
        double mt = 0, mv = 0;
        for (int i = 0; i < n; i++) { mt += t[i]; mv += v[i]; }
        mt /= n; mv /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (t[i] - mt) * (v[i] - mv); sxx += (t[i] - mt) * (t[i] - mt); }
        return sxx > 0 ? sxy / sxx * 3600 : double.NaN;
    }

}
