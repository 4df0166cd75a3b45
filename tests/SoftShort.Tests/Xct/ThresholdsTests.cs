using System.Text.Json;
using SoftShort.Xct;

namespace SoftShort.Tests.Xct;

public class ThresholdsTests
{
    [Fact]
    public void Otsu_and_multi_otsu_equal_scikit_image()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureFiles.Dir, "thresholds.json")));
        int n = 0, modes = 1;
        foreach (var s in doc.RootElement.GetProperty("samples").EnumerateArray())
        {
            modes++; // the samples are mixtures of 2, 3, 4, 5 Gaussians
            var values = s.GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            var h = Histogram.Of(values);
            double bin = (h.Max - h.Min) / h.Bins;
            Assert.InRange(Thresholds.Otsu(h), s.GetProperty("otsu").GetDouble() - 1e-3 * bin, s.GetProperty("otsu").GetDouble() + 1e-3 * bin);
            for (int c = 2; c <= 5; c++)
            {
                // more classes than modes: the optimum is flat and skimage's float32 sums decide it; not a meaningful comparison
                if (c > modes || !s.TryGetProperty($"multiotsu{c}", out var exp)) continue;
                var expected = exp.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var ours = Thresholds.MultiOtsu(h, c);
                Assert.Equal(expected.Length, ours.Length);
                bool same = ours.Zip(expected, (a, b) => Math.Abs(a - b) < 1e-3 * bin).All(x => x);
                if (!same)
                {
                    // skimage accumulates in float32; where its optimum differs, ours must be the better (exact) one and a near-tie
                    double jo = Objective(h, ours), js = Objective(h, expected);
                    Assert.True(jo >= js && (jo - js) / jo < 1e-3, $"{c} classes: skimage [{string.Join(", ", expected)}] J={js}, ours [{string.Join(", ", ours)}] J={jo}");
                }
                n++;
            }
        }
        Assert.True(n >= 9);
    }

    /// <summary>Σ S_k²/W_k over the classes cut at the thresholds (bin centres ≤ t go below), the quantity multi-Otsu maximises.</summary>
    static double Objective(Histogram h, double[] t)
    {
        var w = new double[t.Length + 1]; var m = new double[t.Length + 1];
        for (int i = 0; i < h.Bins; i++)
        {
            double c = h.BinCenter(i);
            int k = t.Count(x => c > x + 1e-9); // a bin whose centre is a threshold closes its class
            w[k] += h.Counts[i]; m[k] += h.Counts[i] * c;
        }
        return w.Zip(m, (a, b) => a > 0 ? b * b / a : 0).Sum();
    }

    [Fact]
    public void Multi_otsu_of_three_spikes_by_hand()
    {
        // 5 × 0, 5 × 100, 5 × 200 over [0, 200] in 256 bins: classes end in the bins of 0 and of 100,
        // whose centres are 0.5·200/256 and (128 + 0.5)·200/256.
        var v = Enumerable.Repeat(0f, 5).Concat(Enumerable.Repeat(100f, 5)).Concat(Enumerable.Repeat(200f, 5)).ToArray();
        var t = Thresholds.MultiOtsu(Histogram.Of(v), 3);
        Assert.Equal(0.5 * 200 / 256, t[0], 9);
        Assert.Equal(128.5 * 200 / 256, t[1], 9);
        Assert.Equal(0, Thresholds.ClassOf(0, t));
        Assert.Equal(1, Thresholds.ClassOf(100, t));
        Assert.Equal(2, Thresholds.ClassOf(200, t));
    }

    [Fact]
    public void Iso50_sits_halfway_between_pure_phases_despite_partial_volume()
    {
        // 25 % dark phase (20), 60 % bright phase (120), 15 % partial-volume voxels spread over the dark side of the edge
        var rng = new Random(3);
        var v = new List<float>();
        for (int i = 0; i < 25000; i++) v.Add(20 + (float)(rng.NextDouble() - 0.5) * 4);
        for (int i = 0; i < 60000; i++) v.Add(120 + (float)(rng.NextDouble() - 0.5) * 4);
        for (int i = 0; i < 15000; i++) v.Add(25 + (float)rng.NextDouble() * 40);
        var h = Histogram.Of(v.ToArray());
        double iso = Thresholds.Iso50(h), otsu = Thresholds.Otsu(h);
        Assert.InRange(iso, 68, 72);
        Assert.True(Math.Abs(otsu - 70) > Math.Abs(iso - 70));
    }

    [Fact]
    public void Bad_input_gives_input_errors()
    {
        Assert.Throws<InputException>(() => Thresholds.MultiOtsu(Histogram.Of([1f, 2f, 3f]), 6));
        Assert.Throws<InputException>(() => Thresholds.MultiOtsu(Histogram.Of([1f, 1f, 1f]), 3));
        Assert.Throws<InputException>(() => Histogram.Of([float.NaN]));
        Assert.Throws<InputException>(() => new Histogram(0, double.NaN));
    }
}
