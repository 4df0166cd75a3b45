// Monte Carlo of the onset estimator on *ideal* band signals at a given noise (docs/radiography.md, "Onsets: P4"): the
// creep-like band of the synthetic experiment (first-order relaxation, θ = 2 h, starting 0.5–1.5 h after the current, in
// 5-min bins; 6 reference bins whose mean is subtracted; white Gaussian noise; the soft short 3–4.5 h after the current ends
// the onset fit as in BandDetection.Detect), through BandDetection.Analyse with the current start known.
//   dotnet run -c Release --project environment/bench/radiography_onset_mc -- [snr=25] [series=400] [seed=1] [theta_h=2] [short=1]
// snr: the band's amplitude at the end of a 6-h charge / σ of one bin (the bench prints |magnitude|/σ₀ per run).
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
double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
var err = new List<double>(); var errEarly = 0; var errLate = 0;
var o = new BandDetectionOptions();
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
