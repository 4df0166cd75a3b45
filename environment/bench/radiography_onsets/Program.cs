// Onset/position table of docs/radiography.md: the randomised synthetic experiment (same scenario as
// OperandoPipelineTests: soft short 3–4.5 h, creep onset 0.5–1.5 h, blur 20–35 µm, axis 210–214 px) at the paper's rate
// (every 10-s frame, 30 frames per 5-min bin), generator → gamma → Eq. 1 → bins → kymographs → BandDetection, per seed.
// Per band: the reported onset's error (bins), the free change point's error in brackets, and "c" when the band was timed to the
// current start (BandDetectionOptions.OnsetWithCurrent); the summary gives both "within one bin" counts and the flagged counts.
//   dotnet run -c Release --project environment/bench/radiography_onsets -- [charge_h=6] [seeds=2-15] [stride=1] [--save DIR | --load DIR]
// --save DIR writes each run's bins (medians, means, times, currents; ≈ 30 MB per 6-h run) to DIR/seed_N.bins; --load DIR re-analyses
// stored bins (kymographs → BandDetection, same options) without the forward model and binning: an estimator change is then
// measured on exactly the same noise in seconds per run. --set Name=value (repeatable) sets a BandDetectionOptions property,
// e.g. --set SoftShortBreakTest=false --set TimeOnMeans=false for the session-5 estimator. --noise-free: also time P4 on the
// forward model's noise-free transmissions (bin means of 6 sub-samples of OperandoRadiography.Transmission) over the same ROI II
// rows, with the run's soft short and current start: the estimator's error without noise (shape/model bias).
// --shapes [N]: for P1–P3, the matched signal over the band's matched rows (DetectedBand.MatchedFirstRow/LastRow) on the forward
// model's noise-free transmissions (mean over each bin's frame times, the run's zones): its largest bin increment before the planted
// soft short relative to the first (a later onset mixed in makes it > 1), its free onset (cut at the run's soft short), and with N > 0 the mean
// free onset and the share of rejected current starts for N series of white noise at the chain's residual level added to it
// (what the estimator does on the chain's shape; docs/radiography.md, "Seventh session").
using System.Diagnostics;
using SoftShort.Imaging;
using SoftShort.Synthetic;

string? saveDir = null, loadDir = null;
bool noiseFree = false, shapes = false;
int shapeSeries = 0;
var shapeErr = new Dictionary<string, List<double>>(); var shapeWhite = new Dictionary<string, List<double>>(); var shapeRej = new Dictionary<string, (int Rej, int N)>();
var pos = new List<string>(); var sets = new List<(string, string)>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--save") saveDir = args[++i];
    else if (args[i] == "--load") loadDir = args[++i];
    else if (args[i] == "--noise-free") noiseFree = true;
    else if (args[i] == "--shapes") { shapes = true; if (i + 1 < args.Length && int.TryParse(args[i + 1], out int nw)) { shapeSeries = nw; i++; } }
    else if (args[i] == "--set") { var kv = args[++i].Split('='); sets.Add((kv[0], kv[1])); }
    else pos.Add(args[i]);
}
args = pos.ToArray();
if (saveDir is not null) Directory.CreateDirectory(saveDir);
double chargeH = args.Length > 0 ? double.Parse(args[0]) : 6;
var range = (args.Length > 1 ? args[1] : "2-15").Split('-').Select(int.Parse).ToArray();
int stride = args.Length > 2 ? int.Parse(args[2]) : 1;
const double bin = 300;
// amp·shape plus white Gaussian noise of σ sd (Box–Muller), minus the mean of its first nref (reference) bins, as a band signal is relative to Tr₀
static double[] WhiteNoiseOn(double[] shape, double amp, double sd, int nref, Random rng)
{
    var y = shape.Select(v => amp * v + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
    double m0 = y.Take(nref).Average();
    for (int i = 0; i < y.Length; i++) y[i] -= m0;
    return y;
}
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
    if (sets.Count > 0)
    {
        var bo = opt.Bands with { };
        foreach (var (name, value) in sets)
        {
            var pi = typeof(BandDetectionOptions).GetProperty(name) ?? throw new ArgumentException($"--set: no option {name}");
            pi.SetValue(bo, Convert.ChangeType(value, pi.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        }
        opt = opt with { Bands = bo };
    }
    OperandoPipelineResult r;
    if (loadDir is not null)
    {
        var k = new KymographBuilder(g.Width, g.Height, opt.Regions, opt.Reference, opt.SnapshotTimesS)
        {
            PixelSizeUm = opt.PixelSizeUm, DetectorResolutionUm = opt.Bands.DetectorResolutionUm,
        };
        foreach (var b in BinStore.Read(Path.Combine(loadDir, $"seed_{seed}.bins"))) k.Add(b);
        k.Complete();
        r = OperandoPipeline.Analyse(k, opt);
    }
    else
    {
        var norm = OperandoPipeline.NormalizerFromGenerator(g, opt, out _);
        using var store = saveDir is null ? null : new BinStore(Path.Combine(saveDir, $"seed_{seed}.bins"));
        r = OperandoPipeline.Run(OperandoPipeline.FromGenerator(g, stride), norm, opt, store is null ? null : store.Write);
    }
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
    foreach (var b in r.Bands.Where(x => x.Name is "P3" or "P4"))
    {
        var t = g.Truth.Single(x => x.Name == b.Name);
        line += $"\n    {b.Name}: rows {b.FirstRow}–{b.LastRow}, σ₀ {b.NoiseSigma:E2}, |magnitude|/σ₀ {Math.Abs(b.Magnitude) / b.NoiseSigma:F1}, " +
                $"95 % interval {F((b.OnsetLowS - t.OnsetS) / bin)} … {F((b.OnsetHighS - t.OnsetS) / bin)} bin";
    }
    // the cell's soft short: the earliest fluctuation onset of any band (what ends the bands' onset fits)
    double cellShort = r.Bands.Select(x => x.FluctuationOnsetS).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
    if (noiseFree && r.Bands.SingleOrDefault(x => x.Name == "P4") is { } p4)
    {
        var kk = r.Kymographs; int nb = kk.TimesS.Count, nref = kk.ReferenceBins, w = g.Width;
        var roi = kk.Regions[1];
        double Band(float[] tr)
        {
            double sum = 0;
            for (int y = p4.FirstRow; y <= p4.LastRow; y++) { double st = 0; for (int x = roi.X0; x <= roi.X1; x++) st += tr[y * w + x]; sum += st; }
            return sum;
        }
        var raw = new double[nb];
        for (int b = 0; b < nb; b++)
        {
            double tb = kk.TimesS[b], acc = 0;
            for (int q = 0; q < 6; q++) acc += Band(g.Transmission(tb - bin / 2 + bin * (q + 0.5) / 6));
            raw[b] = acc / 6;
        }
        double refv = raw.Take(nref).Average();
        var snf = raw.Select(v => v / refv - 1).ToArray();
        double tcb = p4.CurrentStartS, truth4 = g.Truth.Single(x => x.Name == "P4").OnsetS;
        var own = BandDetection.Analyse(kk.TimesS, snf, nref, -1, opt.Bands, double.NaN, tcb);
        var cutA = BandDetection.Analyse(kk.TimesS, snf, nref, -1, opt.Bands, cellShort, tcb);
        var chosen = BandDetection.AnalyseWithSoftShort(kk.TimesS, snf, nref, -1, opt.Bands, own, cellShort, tcb);
        if (Environment.GetEnvironmentVariable("P4_RESIDUALS") is { } dir)
        {
            var sm = BandDetection.BandSignal(kk.MeanRatioRows[1], p4.FirstRow, p4.LastRow);
            var sd = BandDetection.BandSignal(kk.RatioRows[1], p4.FirstRow, p4.LastRow);
            File.WriteAllLines(Path.Combine(dir, $"p4_{seed}.csv"), Enumerable.Range(0, nb).Select(b => FormattableString.Invariant($"{kk.TimesS[b]},{snf[b]},{sm[b]},{sd[b]}")));
        }
        if (Environment.GetEnvironmentVariable("P4_HYBRID") is { } hy)
        {
            // the noise-free signal plus white noise at the chain's residual level (means), and plus the chain's own residuals shifted in time
            var sm = BandDetection.BandSignal(kk.MeanRatioRows[1], p4.FirstRow, p4.LastRow);
            double amp = snf.Zip(sm).Sum(z => z.First * z.Second) / snf.Sum(v => v * v);
            var res = sm.Select((v, i) => v - amp * snf[i]).ToArray();
            double sdv = Math.Sqrt(res.Skip(nref).Select(v => v * v).Average());
            var rng2 = new Random(seed);
            int reps = int.Parse(hy), inW = 0, inC = 0; double sw2 = 0, sc2 = 0;
            for (int q = 0; q < reps; q++)
            {
                var y = WhiteNoiseOn(snf, amp, sdv, nref, rng2);
                var ow = BandDetection.Analyse(kk.TimesS, y, nref, -1, opt.Bands, double.NaN, tcb);
                var ct = BandDetection.Analyse(kk.TimesS, y, nref, -1, opt.Bands, cellShort, tcb);
                double ew = (ow.OnsetS - truth4) / bin, ec = (ct.OnsetS - truth4) / bin;
                sw2 += ew; sc2 += ec; if (Math.Abs(ew) <= 1) inW++; if (Math.Abs(ec) <= 1) inC++;
            }
            line += $"\n    P4 noise-free + white noise σ {sdv:E2} (amplitude/σ {Math.Abs(amp * snf[^1]) / sdv:F1}), {reps} series: whole window {inW} within one bin (mean {F(sw2 / reps)}), cut {inC} (mean {F(sc2 / reps)})";
        }
        line += $"\n    P4 noise-free: cut at the soft short {F((cutA.OnsetS - truth4) / bin)}, whole window {F((own.OnsetS - truth4) / bin)}, reported {F((chosen.OnsetS - truth4) / bin)} bin";
    }
    if (shapes && r.Kymographs.Zones is { } z)
    {
        var kk = r.Kymographs; int nb = kk.TimesS.Count, nref = kk.ReferenceBins, w = g.Width, nz = z.Zones, bs = 30 / stride;
        // noise-free zone means of every bin: the mean of the noise-free transmission over its frames' times
        var zm = new double[nb][];
        for (int b = 0; b < nb; b++)
        {
            var acc = new double[w * g.Height];
            for (int f = 0; f < bs; f++) { var tr = g.Transmission((double)(b * bs + f) * stride * det.FrameIntervalS); for (int i = 0; i < acc.Length; i++) acc[i] += tr[i] / bs; }
            zm[b] = new double[z.Height * nz];
            for (int y = 0; y < z.Height; y++)
                for (int q = 0; q < nz; q++) { double sum = 0; for (int x = z.X0[q]; x <= z.X1[q]; x++) sum += acc[y * w + x]; zm[b][y * nz + q] = sum / (z.X1[q] - z.X0[q] + 1); }
        }
        int end = double.IsFinite(cellShort) ? Enumerable.Range(0, nb).FirstOrDefault(b => kk.TimesS[b] >= cellShort, nb) : nb;
        int nl = Math.Max(1, (int)Math.Round(nb * opt.Bands.LateFraction));
        foreach (var b in r.Bands.Where(x => x.MatchedFirstRow >= 0))
        {
            var cells = new List<int>();
            for (int y = b.MatchedFirstRow; y <= b.MatchedLastRow; y++) for (int q = 0; q < nz; q++) if (z.Reference[y * nz + q] > 0 && z.Counts[y * nz + q] > 0) cells.Add(y * nz + q);
            var zref = cells.ToDictionary(i => i, i => Enumerable.Range(0, nref).Average(q => zm[q][i]));
            var pat = cells.ToDictionary(i => i, i => Enumerable.Range(nb - nl, nl).Average(q => Math.Log(zm[q][i] / zref[i])));
            double den = pat.Values.Sum(v => v * v);
            var nf = Enumerable.Range(0, nb).Select(q => b.Sign * cells.Sum(i => pat[i] * Math.Log(zm[q][i] / zref[i])) / den).ToArray(); // in the band's direction, as Detect times it
            // increments over the bins wholly before the planted soft short (a late-detected short would add its jump)
            int endShape = Math.Min(end, Enumerable.Range(0, nb).FirstOrDefault(q => kk.TimesS[q] + bin / 2 > sc.RestS + sc.SoftShortOnsetS, nb));
            double inc0 = nf[nref + 1] - nf[nref], hi = 0;
            for (int q = nref; q < endShape - 1; q++) hi = Math.Max(hi, (nf[q + 1] - nf[q]) / inc0);
            var own = BandDetection.Analyse(kk.TimesS, nf, nref, b.Sign, opt.Bands, double.NaN, double.NaN);
            var nfA = b.Name == "P3" ? BandDetection.AnalyseWithSoftShort(kk.TimesS, nf, nref, b.Sign, opt.Bands, own, cellShort, double.NaN)
                                     : BandDetection.Analyse(kk.TimesS, nf, nref, b.Sign, opt.Bands, cellShort, double.NaN);
            double truthS = g.Truth.Single(x => x.Name == b.Name).OnsetS, enf = (nfA.OnsetS - truthS) / bin;
            (shapeErr.TryGetValue(b.Name, out var le) ? le : shapeErr[b.Name] = []).Add(enf);
            line += $"\n    {b.Name} shape: matched rows {b.MatchedFirstRow}–{b.MatchedLastRow}, largest increment / first {(inc0 != 0 ? hi.ToString("F3") : "– (starts later)")}, noise-free onset {F(enf)} bin";
            if (shapeSeries > 0 && b.Name != "P3")
            {
                // white noise at the chain's residual level about this shape (amplitude and offset fitted on the bins before the short)
                var ch = BandDetection.MatchedSignal(z, b.MatchedFirstRow, b.MatchedLastRow, opt.Bands.LateFraction, nref)!.Select(v => b.Sign * v).ToArray();
                double mx = nf.Take(end).Average(), my = ch.Take(end).Average(), sxy = 0, sxx = 0;
                for (int q = 0; q < end; q++) { sxy += (nf[q] - mx) * (ch[q] - my); sxx += (nf[q] - mx) * (nf[q] - mx); }
                double amp = sxy / sxx, sd = Math.Sqrt(Enumerable.Range(0, end).Average(q => Math.Pow(ch[q] - my - amp * (nf[q] - mx), 2)));
                var rng2 = new Random(seed * 31 + b.Name[1]);
                double sumE = 0; int rej = 0;
                for (int q = 0; q < shapeSeries; q++)
                {
                    var y = WhiteNoiseOn(nf, amp, sd, nref, rng2);
                    var a = BandDetection.Analyse(kk.TimesS, y, nref, b.Sign, opt.Bands, cellShort, b.CurrentStartS);
                    sumE += (a.OnsetFreeS - truthS) / bin; if (a.CurrentStatistic > BandDetection.ChiSquared95) rej++;
                }
                (shapeWhite.TryGetValue(b.Name, out var lw) ? lw : shapeWhite[b.Name] = []).Add(sumE / shapeSeries);
                var (r0, n0) = shapeRej.GetValueOrDefault(b.Name); shapeRej[b.Name] = (r0 + rej, n0 + shapeSeries);
                line += $"; white noise ({shapeSeries} series, σ/slope {sd / Math.Abs(amp * inc0):F2} bins): mean free onset {F(sumE / shapeSeries)} bin, current start rejected {rej}";
            }
        }
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
foreach (var (k, l) in shapeErr.OrderBy(x => x.Key))
    Console.WriteLine($"{k} shape: noise-free free onset mean {F(l.Average())}, worst {F(l.MaxBy(Math.Abs))} bins" +
        (shapeWhite.TryGetValue(k, out var lw) ? $"; white noise on the shapes: mean free onset {lw.Average():+0.000;-0.000} bin, current start rejected in {shapeRej[k].Rej}/{shapeRej[k].N} ({100.0 * shapeRej[k].Rej / shapeRej[k].N:F1} %)" : ""));
Console.WriteLine($"current start estimated from the bins − planted (s): {string.Join(" ", tcErr.Distinct().Select(v => v.ToString("F1")))}");
Console.WriteLine($"soft short (first fluctuating bin of P1/P2 − planted), bins: {string.Join(" ", shorts.Order().Select(F))}");
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");

/// <summary>Bins of one run on disk (raw little-endian: time, frames, partial, current, medians, means).</summary>
sealed class BinStore(string path) : IDisposable
{
    readonly BinaryWriter _w = new(File.Create(path));
    public void Write(BinnedFrame b)
    {
        _w.Write(b.Index); _w.Write(b.TimeS); _w.Write(b.Frames); _w.Write(b.Partial); _w.Write(b.CurrentA);
        _w.Write(b.Pixels.Length);
        _w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Pixels.AsSpan()));
        var m = b.MeanPixels ?? [];
        _w.Write(m.Length);
        _w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(m.AsSpan()));
    }
    public void Dispose() => _w.Dispose();
    public static IEnumerable<BinnedFrame> Read(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        while (r.BaseStream.Position < r.BaseStream.Length)
        {
            int index = r.ReadInt32(); double t = r.ReadDouble(); int frames = r.ReadInt32(); bool partial = r.ReadBoolean(); double cur = r.ReadDouble();
            var px = new float[r.ReadInt32()];
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(px.AsSpan()));
            var mean = new float[r.ReadInt32()];
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(mean.AsSpan()));
            yield return new BinnedFrame(index, t, frames, partial, cur, px) { MeanPixels = mean.Length > 0 ? mean : null };
        }
    }
}
