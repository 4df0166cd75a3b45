using SoftShort.Imaging;

namespace SoftShort.Tests.Radiography;

public class StackMedianTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(30, 2)]
    [InlineData(29, 3)]
    [InlineData(7, 4)]
    public void Median_EqualsSortedMiddle(int n, int seed)
    {
        var rng = new Random(seed);
        int w = 13, h = 5;
        var frames = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, w * h).Select(_ => rng.NextDouble() < 0.05 ? float.NaN : (float)Math.Round(rng.NextDouble() * 50)).ToArray()).ToList();
        var dst = new float[w * h];
        StackMedian.Median(frames, dst, w, h);
        for (int i = 0; i < w * h; i++)
        {
            var v = frames.Select(f => f[i]).Where(x => !float.IsNaN(x)).OrderBy(x => x).ToArray();
            float expect = v.Length == 0 ? float.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5f * (v[v.Length / 2 - 1] + v[v.Length / 2]);
            Assert.Equal(expect, dst[i]);
        }
    }
}
