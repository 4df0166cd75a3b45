// Onset/position table of docs/radiography.md: the randomised synthetic experiment (same scenario as
// OperandoPipelineTests: soft short 3–4.5 h, creep onset 0.5–1.5 h, blur 20–35 µm, axis 210–214 px) at the paper's rate
// (every 10-s frame, 30 frames per 5-min bin), generator → gamma → Eq. 1 → bins → kymographs → BandDetection, per seed.
// Per band: the reported onset's error (bins), the free change point's error in brackets, and "c" when the band was timed to the
// current start (BandDetectionOptions.OnsetWithCurrent); the summary gives both "within one bin" counts and the flagged counts.
//   dotnet run -c Release --project environment/bench/radiography_onsets -- [charge_h=6] [seeds=2-15] [stride=1]
using System.Diagnostics;
using SoftShort.Imaging;
using SoftShort.Synthetic;

double chargeH = args.Length > 0 ? double.Parse(args[0]) : 6;
var range = (args.Length > 1 ? args[1] : "2-15").Split('-').Select(int.Parse).ToArray();
int stride = args.Length > 2 ? int.Parse(args[2]) : 1;
const double bin = 300;
static string F(double x) => (Math.Abs(x) < 0.005 ? 0 : x).ToString("+0.00;-0.00;0.00");
var errs = new Dictionary<string, List<double>>(); var errsFree = new Dictionary<string, List<double>>(); var flagged = new Dictionary<string, int>();
var tcErr = new List<double>(); var dr = new Dictionary<string, double>(); var shorts = new List<double>();
var total = Stopwatch.StartNew();
for (int seed = range[0]; seed <= range[^1]; seed++)
{
    var sw = Stopwatch.StartNew();
    var rng = new Random(seed * 7919);
    var sc = new OperandoScenario { ChargeS = chargeH * 3600, SoftShortOnsetS = (3.0 + 1.5 * rng.NextDouble()) * 3600, P3OnsetS = (0.5 + rng.NextDouble()) * 3600 };
    var det = DetectorOptions.Small with { BlurFwhmUm = 20 + 15 * rng.NextDouble(), AxisX = 210 + 4 * rng.NextDouble() };
    var g = new OperandoRadiography(scenario: sc, detector: det, seed: seed);
    var opt = OperandoPipeline.OptionsFor(g, 30 / stride);
    var norm = OperandoPipeline.NormalizerFromGenerator(g, opt, out _);
    var r = OperandoPipeline.Run(OperandoPipeline.FromGenerator(g, stride), norm, opt);
    var roi2 = r.Kymographs.Regions[1];
    string line = $"seed {seed,2} (blur {det.BlurFwhmUm:F1} µm):";
    foreach (var t0 in g.Truth)
    {
        var t = t0.Name == "P4" ? t0 with { Row = g.ProjectedCentroidRow(3, roi2.X0, roi2.X1) } : t0;
        var b = r.Bands.SingleOrDefault(x => x.Name == t.Name);
        if (b is null) { line += $" {t.Name} not found |"; continue; }
        double e = (b.OnsetS - t.OnsetS) / bin, ef = (b.OnsetFreeS - t.OnsetS) / bin;
        (errs.TryGetValue(t.Name, out var l) ? l : errs[t.Name] = []).Add(e);
        (errsFree.TryGetValue(t.Name, out var lf) ? lf : errsFree[t.Name] = []).Add(ef);
        if (b.OnsetWithCurrent) flagged[t.Name] = flagged.GetValueOrDefault(t.Name) + 1;
        dr[t.Name] = Math.Max(dr.GetValueOrDefault(t.Name), Math.Abs(b.Row - t.Row));
        line += $" {t.Name} {F(e)}{(b.OnsetWithCurrent ? "c" : "")} ({F(ef)}, LR {b.OnsetCurrentStatistic:F1}) bin, {F(b.Row - t.Row)} px |";
    }
    double tcS = r.Bands.Select(x => x.CurrentStartS).FirstOrDefault(double.IsFinite, double.NaN);
    tcErr.Add(tcS - sc.RestS);
    double shortS = sc.RestS + sc.SoftShortOnsetS;
    double first = r.Bands.Where(x => x.Name is "P1" or "P2").Select(x => x.FluctuationOnsetS).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
    shorts.Add((first - shortS) / bin);
    bool p34 = r.Bands.Where(x => x.Name is "P3" or "P4").Any(x => !double.IsNaN(x.FluctuationOnsetS));
    Console.WriteLine($"{line} soft short {F((first - shortS) / bin)} bin{(p34 ? ", P3/P4 FLUCTUATING" : "")}; {r.Frames} frames in {sw.Elapsed.TotalSeconds:F0} s");
}
foreach (var (k, l) in errs.OrderBy(x => x.Key))
{
    var lf = errsFree[k];
    Console.WriteLine($"{k}: position max |error| {dr[k]:F2} px; onset within one bin {l.Count(e => Math.Abs(e) <= 1)}/{l.Count} (free change point {lf.Count(e => Math.Abs(e) <= 1)}/{lf.Count}), " +
        $"timed to the current start {flagged.GetValueOrDefault(k)}/{l.Count}; median |error| {l.Select(Math.Abs).Order().ElementAt(l.Count / 2):F2}, mean {F(l.Average())}, rms {Math.Sqrt(l.Average(e => e * e)):F2}, worst {F(l.MaxBy(Math.Abs))} bins " +
        $"(free: {lf.Select(Math.Abs).Order().ElementAt(lf.Count / 2):F2}, {F(lf.Average())}, {Math.Sqrt(lf.Average(e => e * e)):F2}, {F(lf.MaxBy(Math.Abs))})");
}
Console.WriteLine($"current start estimated from the bins − planted (s): {string.Join(" ", tcErr.Distinct().Select(v => v.ToString("F1")))}");
Console.WriteLine($"soft short (first fluctuating bin of P1/P2 − planted), bins: {string.Join(" ", shorts.Order().Select(F))}");
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");
