using System.Globalization;
using System.Text.Json;
using SoftShort.Cli;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// `radiography bin` writes the bins' per-pixel means beside their medians, and `radiography quantify` on those stacks (times
/// from the pages' TIFF metadata) runs the same estimator as the streamed pipeline (zone estimator for P1/P2, radial unmixing
/// for P3/P4 on the bin means).
/// </summary>
public class QuantifyCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"softshort-quant-{Guid.NewGuid():N}")).FullName;

    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static int Run(params string[] args) => SoftShortApp.Run(args, new StringWriter());

    /// <summary>binned_mean.tif holds, page by page, the per-pixel mean of each bin's frames (NaN ignored) and the bin's time.</summary>
    [Fact]
    public void BinWritesThePerPixelMeansBesideTheMedians()
    {
        int w = 5, h = 3, n = 7;
        string input = Path.Combine(_dir, "frames.tif"), outDir = Path.Combine(_dir, "binned");
        var frames = new List<float[]>();
        using (var wr = TiffStackWriter<float>.Create(input, w, h, n))
        {
            for (int i = 0; i < n; i++)
            {
                var f = new float[w * h];
                for (int p = 0; p < f.Length; p++) f[p] = (float)(Math.Sin(0.7 * p + 1.3 * i) + 0.1 * i * i);
                if (i == 2) f[4] = float.NaN;
                frames.Add(f);
                wr.Append(f, 10.0 * i + 3, null);
            }
            wr.Commit();
        }
        Assert.Equal(0, Run("radiography", "bin", input, "-n", "3", "--out", outDir));
        var means = Tiff.ReadPagesAsFloat(Path.Combine(outDir, "binned_mean.tif")).ToList();
        Assert.Equal(3, means.Count); // 3 + 3 + a trailing partial bin of 1
        for (int b = 0; b < 3; b++)
        {
            var group = frames.Skip(3 * b).Take(3).ToList();
            for (int p = 0; p < w * h; p++)
            {
                var vals = group.Select(f => (double)f[p]).Where(double.IsFinite).ToList();
                Assert.Equal(vals.Average(), means[b].Pixels[p], 5);
            }
        }
        Assert.Equal(FrameFiles.Times(Path.Combine(outDir, "binned.tif")), FrameFiles.Times(Path.Combine(outDir, "binned_mean.tif")));
        Assert.Equal([13.0, 43.0, 63.0], FrameFiles.Times(Path.Combine(outDir, "binned_mean.tif")).Select(t => t!.Value));
    }

    /// <summary>
    /// An 8-h synthetic series (noise-free forward model, 5-min bins, 30-µm blur) written as a median stack (here the means
    /// distorted by a fixed ±3 % pattern, so that using one for the other would show) and a mean stack with their times in the
    /// TIFF metadata and no bins.csv: `radiography quantify` gives the P1–P4 series of the in-memory pipeline
    /// (<see cref="OperandoQuantification.Run"/>) to float precision, with P3/P4 from the radial unmixing within 15 % of the
    /// planted; without the mean stack it falls back to the median estimator and says so (different numbers).
    /// </summary>
    [Fact]
    public void QuantifyFromDisk_UsesTheStreamedPipelinesEstimator()
    {
        var scenario = new OperandoScenario { ChargeS = 8 * 3600 };
        var g = new OperandoRadiography(scenario: scenario, detector: DetectorOptions.Small with { BlurFwhmUm = 30 }, seed: 3);
        var k = new KymographBuilder(g.Width, g.Height) { PixelSizeUm = g.Detector.PixelSizeUm };
        string med = Path.Combine(_dir, "binned.tif"), mean = Path.Combine(_dir, "binned_mean.tif");
        int nb = (int)(scenario.DurationS / 300);
        using (var wMed = TiffStackWriter<float>.Create(med, g.Width, g.Height, nb))
        using (var wMean = TiffStackWriter<float>.Create(mean, g.Width, g.Height, nb))
        {
            for (int i = 0; i < nb; i++)
            {
                double t = 300 * i + 145;
                var tr = g.Transmission(t);
                var m = new float[tr.Length];
                for (int p = 0; p < m.Length; p++) m[p] = tr[p] * (float)(1 + 0.03 * Math.Sin(0.37 * p));
                k.Add(new BinnedFrame(i, t, 30, false, g.CurrentAt(t), m) { MeanPixels = tr });
                wMed.Append(m, t, null); wMean.Append(tr, t, null);
            }
            wMed.Commit(); wMean.Commit();
        }
        k.Complete();
        var r = OperandoPipeline.Analyse(k, new OperandoPipelineOptions { PixelSizeUm = g.Detector.PixelSizeUm });
        double currentUA = g.CurrentA * 1e6;
        var q = OperandoQuantification.Run(r, g.Detector.PixelSizeUm, currentUA: currentUA);
        Assert.NotNull(q.Radial);

        string outDir = Path.Combine(_dir, "quant");
        string ua = currentUA.ToString("R", CultureInfo.InvariantCulture), start = scenario.RestS.ToString("R", CultureInfo.InvariantCulture);
        Assert.Equal(0, Run("radiography", "quantify", med, "--pixel-size-um", "25", "--current-ua", ua, "--current-start-s", start, "--out", outDir));
        var csv = ReadCsv(Path.Combine(outDir, "li_quantification.csv"));
        Assert.Equal(r.Kymographs.TimesS, csv["time_s"]);
        foreach (var b in q.Bands)
        {
            var got = csv[$"{b.Name.ToLowerInvariant()}_li_um"];
            for (int i = 0; i < got.Length; i++) Assert.Equal(b.LiUm[i], got[i], 9);
        }
        Assert.Equal(q.Radial!.GapLiMm3, csv["p4_gap_li_mm3"]);
        double v3 = g.ProcessLiVolumesCm3(scenario.DurationS)[2] * 1e3, v4 = g.ProcessLiVolumesCm3(scenario.DurationS)[3] * 1e3;
        using (var sum = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))))
        {
            Assert.InRange(sum.RootElement.GetProperty("p3_core_li_end_mm3").GetDouble() / v3, 0.85, 1.15);
            Assert.InRange(sum.RootElement.GetProperty("p4_gap_li_end_mm3").GetDouble() / v4, 0.85, 1.15);
        }

        // without the means: the medians and the ROI I estimator, reported on stderr; no radial unmixing
        File.Delete(mean);
        var err = new StringWriter();
        string out2 = Path.Combine(_dir, "quant-median");
        Assert.Equal(0, SoftShortApp.Run(["radiography", "quantify", med, "--pixel-size-um", "25", "--current-ua", ua, "--current-start-s", start, "--out", out2], err));
        var csv2 = ReadCsv(Path.Combine(out2, "li_quantification.csv"));
        Assert.False(csv2.ContainsKey("p4_gap_li_mm3"));
        Assert.NotEqual(csv["p1_li_um"][^1], csv2["p1_li_um"][^1], 3);
    }

    /// <summary>A page without an acquisition time and no --bins: one line naming the file.</summary>
    [Fact]
    public void QuantifyWithoutTimes_NamesTheFile()
    {
        string f = Path.Combine(_dir, "notimes.tif");
        using (var wr = TiffStackWriter<float>.Create(f, 4, 4, 2)) { wr.Append(new float[16]); wr.Append(new float[16]); wr.Commit(); }
        var err = new StringWriter();
        Assert.Equal(1, SoftShortApp.Run(["radiography", "quantify", f, "--out", Path.Combine(_dir, "q")], err));
        Assert.Single(err.ToString().Trim().Split('\n'));
        Assert.Contains("notimes.tif", err.ToString());
        Assert.Contains("acquisition time", err.ToString());
    }

    static Dictionary<string, double[]> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var head = lines[0].Split(',');
        var cols = head.Select(_ => new List<double>()).ToArray();
        foreach (var l in lines.Skip(1))
        {
            var c = l.Split(',');
            for (int i = 0; i < head.Length; i++) cols[i].Add(c[i].Length == 0 ? double.NaN : double.Parse(c[i], CultureInfo.InvariantCulture));
        }
        return head.Select((n, i) => (n, cols[i].ToArray())).ToDictionary(x => x.n, x => x.Item2);
    }
}
