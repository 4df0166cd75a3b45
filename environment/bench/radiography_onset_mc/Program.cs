// Monte Carlo of the onset estimator on *ideal* band signals at a given noise (docs/radiography.md, "Onsets: P4"): the
// creep-like band of the synthetic experiment (first-order relaxation, θ = 2 h, starting 0.5–1.5 h after the current, in
// 5-min bins; 6 reference bins whose mean is subtracted; white Gaussian noise; the soft short 3–4.5 h after the current ends
// the onset fit as in BandDetection.Detect), through BandDetection.Analyse with the current start known.
//   dotnet run -c Release --project environment/bench/radiography_onset_mc -- [snr=25] [series=400] [seed=1] [theta_h=2] [short=1]
// snr: the band's amplitude at the end of a 6-h charge / σ of one bin (the bench prints |magnitude|/σ₀ per run).
// RAMP=1 (environment): P1/P2-like straight ramps from the current start instead, snr = σ/slope in bins; prints the nested
// test's null distribution and the free change points of the series it rejects.
// short=1: the soft short ends the fit (the estimator before session 6); 0: no soft short (the fit window alone ends it);
// 2: as BandDetection.Detect now does — the soft short ends the fit only if the band fluctuates itself or its growth bends there
// (BandDetection.TrendBreakStatistic, F test at BandDetectionOptions.TrendBreakProbability).
using SoftShort.Imaging;

double snr = args.Length > 0 ? double.Parse(args[0]) : 25;
int series = args.Length > 1 ? int.Parse(args[1]) : 400;
int seed0 = args.Length > 2 ? int.Parse(args[2]) : 1;
double thetaH = args.Length > 3 ? double.Parse(args[3]) : 2;
int shortMode = args.Length > 4 ? int.Parse(args[4]) : 1;
double odEnd = args.Length > 5 ? double.Parse(args[5]) : 0; // > 0: the band is seen in transmission, e^(−OD) − 1 with OD = odEnd at the end (Beer–Lambert)
bool withShort = shortMode != 0;
int cut = 0;
const double bin = 300, rest = 1800, charge = 6 * 3600, tc = rest - 5;
int n = (int)((rest + charge) / bin), nref = (int)(rest / bin);
var rng = new Random(seed0);
var o = new BandDetectionOptions();
if (Environment.GetEnvironmentVariable("RAMP") == "1")
{
    // P1/P2-like: a straight ramp from the current start (1800 s) with σ/slope = snr bins, the fit ended at a soft short 3–4.5 h
    // after the current; the nested test of τ = t_c: its statistic's 95 % quantile under this null (the χ²₁ value is 3.84), how
    // often it rejects, and the free change point's error where it does (late/early), and over all series
    var lrs = new List<double>(); var rej = new List<double>(); var all = new List<double>();
    for (int k = 0; k < series; k++)
    {
        double shortS = rest + (3 + 1.5 * rng.NextDouble()) * 3600;
        var t = new double[n]; var s = new double[n];
        for (int i = 0; i < n; i++) { t[i] = bin * i + bin / 2; s[i] = BandDetection.BinMeanGrowth((t[i] - rest) / 3600, bin / 2 / 3600, double.PositiveInfinity) * 12 / snr + Gauss(); }
        double m = s.Take(nref).Average();
        for (int i = 0; i < n; i++) s[i] -= m;
        var a = BandDetection.Analyse(t, s, nref, +1, o, shortS, tc);
        lrs.Add(a.CurrentStatistic); all.Add((a.OnsetFreeS - rest) / bin);
        if (a.CurrentStatistic > BandDetection.ChiSquared95) rej.Add((a.OnsetFreeS - rest) / bin);
    }
    var q = lrs.Order().ToArray();
    Console.WriteLine($"ramp σ/slope {snr} bins, {series} series: LR 95 % quantile {q[(int)(0.95 * series)]:F2} (χ²₁ 3.84), rejected {rej.Count} ({100.0 * rej.Count / series:F1} %): " +
        $"late {rej.Count(e => e > 0)}, early {rej.Count(e => e < 0)}, mean free error of the rejected {(rej.Count > 0 ? rej.Average() : double.NaN):+0.00;-0.00}, |error| > 1 bin in {rej.Count(e => Math.Abs(e) > 1)}; " +
        $"free error over all: mean {all.Average():+0.00;-0.00} ± {Math.Sqrt(all.Select(e => e - all.Average()).Select(e => e * e).Average() / series):F2}");
    return;
}
double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
var err = new List<double>(); var errEarly = 0; var errLate = 0;
for (int k = 0; k < series; k++)
{
    double onset = rest + (0.5 + rng.NextDouble()) * 3600, shortS = rest + (3 + 1.5 * rng.NextDouble()) * 3600;
    double end = BandDetection.BinMeanGrowth((rest + charge - onset) / 3600, 0, thetaH);
    var t = new double[n]; var s = new double[n];
    for (int i = 0; i < n; i++)
    {
        t[i] = bin * i + bin / 2;
        double gi = BandDetection.BinMeanGrowth((t[i] - onset) / 3600, bin / 2 / 3600, thetaH) / end;
        s[i] = (odEnd > 0 ? snr * (Math.Exp(-odEnd * gi) - 1) / (1 - Math.Exp(-odEnd)) : -snr * gi) + Gauss();
    }
    double m = s.Take(nref).Average();
    for (int i = 0; i < n; i++) s[i] -= m;
    var own = BandDetection.Analyse(t, s, nref, -1, o, double.NaN, tc);
    var a = shortMode switch
    {
        0 => own,
        1 => BandDetection.Analyse(t, s, nref, -1, o, shortS, tc),
        _ => BandDetection.AnalyseWithSoftShort(t, s, nref, -1, o, own, shortS, tc),
    };
    if (shortMode == 2 && !ReferenceEquals(a, own)) cut++;
    double e = (a.OnsetS - onset) / bin;
    err.Add(e);
    if (e < -1) errEarly++;
    if (e > 1) errLate++;
}
var abs = err.Select(Math.Abs).Order().ToArray();
Console.WriteLine($"snr {snr}, θ {thetaH} h, soft short {(shortMode switch { 0 => "none", 1 => "3–4.5 h, cuts", _ => $"3–4.5 h, break test (cut in {cut})" })}, {series} series: within one bin {err.Count(e => Math.Abs(e) <= 1)}/{series} " +
    $"({100.0 * err.Count(e => Math.Abs(e) <= 1) / series:F1} %), early {errEarly}, late {errLate}; mean {err.Average():+0.00;-0.00}, median |e| {abs[series / 2]:F2}, rms {Math.Sqrt(err.Average(e => e * e)):F2} bins");
