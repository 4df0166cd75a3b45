using SoftShort.Imaging;
using SoftShort.Synthetic;
using Xunit.Abstractions;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// The rows of a band's matched filter (seventh session, docs/radiography.md): the filter assumes one time course in all its
/// cells, so its padding must not reach into another band whose Li moves on another schedule. P2 (plating next to Li|SE, in
/// proportion to the charge from the current start) lies three rows above the crept Li of P4 in the PTFE gap (a relaxation that
/// starts 0.5–1.5 h after the current), and the rays through the core cross that gap too: with P2's rows padded by two into
/// P4's, P2's timed signal steepened at the creep's onset and its free onsets came out late (+0.15 bin on average over 34
/// paper-rate runs; +0.02 with the padding stopped at P4's rows).
/// </summary>
public class MatchedFilterRowsTests(ITestOutputHelper output)
{
    static (KymographBuilder K, OperandoPipelineResult R) NoiseFree(OperandoScenario scenario, double blurUm)
    {
        var (_, k, r) = NoiseFreeBins.Analyse(scenario, blurUm);
        return (k, r);
    }

    /// <summary>Smallest and largest bin-to-bin increment of a from bin <paramref name="from"/> to bin <paramref name="to"/>, relative to the first.</summary>
    static (double Min, double Max) Increments(double[] a, int from, int to)
    {
        double first = a[from + 1] - a[from], lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int b = from; b < to; b++) { double d = (a[b + 1] - a[b]) / first; lo = Math.Min(lo, d); hi = Math.Max(hi, d); }
        return (lo, hi);
    }

    /// <summary>
    /// Planted truth: P2's Li grows in proportion to the charge passed from the current start to the soft short (constant
    /// current), so its matched signal (optical density) must grow by nearly the same amount every bin over that time, and never
    /// faster than at the start: the polychromatic optical density is slightly concave in the Li added (beam hardening: the
    /// increments fall by 1.5–2 % over the 4 h here), while a later onset mixed in (the creep, 1 h after the current) steepens
    /// it. With the detector's rows no increment exceeds the first by more than 0.2 % and none falls below it by more than 3 %;
    /// P2's rows padded by two regardless of P4 (the session-6 rows) take in the creep and steepen by more than 50 % on these
    /// noise-free bins (the defect this guards against; on 34 noisy runs P2's padded rows reached P4's in 21 and steepened by
    /// 3–6 %, by 24–41 % where P2's own run began a row lower).
    /// </summary>
    [Theory]
    [InlineData(25.0)]
    [InlineData(34.0)]
    public void P2MatchedSignalFollowsTheChargeNotTheCreep(double blurUm)
    {
        var sc = new OperandoScenario { ChargeS = 6 * 3600, SoftShortOnsetS = 4 * 3600, P3OnsetS = 3600 };
        var (k, r) = NoiseFree(sc, blurUm);
        var p2 = r.Bands.Single(b => b.Name == "P2");
        var p4 = r.Bands.Single(b => b.Name == "P4");
        int nref = k.ReferenceBins;
        // bins wholly after the current start (bin nref holds 145 s of it) and before the soft short (at 1800 + 14 400 s)
        int last = (int)Math.Floor((sc.RestS + sc.SoftShortOnsetS - 150 - 145) / 300);
        Assert.True(p2.MatchedFirstRow > p4.LastRow, $"P2's matched rows {p2.MatchedFirstRow}–{p2.MatchedLastRow} reach P4's {p4.FirstRow}–{p4.LastRow}");
        var (lo, hi) = Increments(BandDetection.MatchedSignal(k.Zones!, p2.MatchedFirstRow, p2.MatchedLastRow, 0.25, nref)!, nref, last);
        var (loOld, hiOld) = Increments(BandDetection.MatchedSignal(k.Zones!, p2.FirstRow - 2, p2.LastRow + 2, 0.25, nref)!, nref, last);
        output.WriteLine($"blur {blurUm} µm: P2 run {p2.FirstRow}–{p2.LastRow}, matched rows {p2.MatchedFirstRow}–{p2.MatchedLastRow}, P4 rows {p4.FirstRow}–{p4.LastRow}; " +
                         $"increments / the first {lo:F4}…{hi:F4} (run ± 2 rows: {loOld:F4}…{hiOld:F4})");
        Assert.InRange(hi, 0.97, 1.002);
        Assert.InRange(lo, 0.97, 1.002);
        Assert.True(hiOld > 1.5, $"the padded rows {p2.FirstRow - 2}–{p2.LastRow + 2} should take in the creep here (largest increment {hiOld:F4} of the first)");
        // the timed band itself: the default detector's P2 onset on these noise-free bins is at the current start
        Assert.InRange(p2.OnsetFreeS - sc.RestS, -30, 30);
    }

    /// <summary>The padding stops at a band wholly on either side; a band around this one (P4 around P3) does not limit it.</summary>
    [Fact]
    public void PaddingStopsAtNeighbouringBands()
    {
        Assert.Equal((28, 38), BandDetection.PaddedRows(29, 36, 2, [(15, 27), (78, 82)]));
        Assert.Equal((18, 24), BandDetection.PaddedRows(20, 22, 2, [(15, 27), (29, 36)]));
        Assert.Equal((27, 36), BandDetection.PaddedRows(29, 36, 2, [(15, 26), (37, 40)]));
        Assert.Equal((27, 38), BandDetection.PaddedRows(29, 36, 2, []));
    }
}
