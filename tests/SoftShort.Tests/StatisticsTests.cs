namespace SoftShort.Tests;

public class StatisticsTests
{
    [Fact]
    public void Median_matches_numpy_convention_and_leaves_its_input_alone()
    {
        double[] odd = [5, 1, 3], even = [4, 1, 3, 2];
        Assert.Equal(3, Statistics.Median(odd));
        Assert.Equal(2.5, Statistics.Median(even)); // numpy.median([4, 1, 3, 2]) = 2.5
        Assert.Equal([4.0, 1, 3, 2], even);
        Assert.True(double.IsNaN(Statistics.Median([])));
        float[] f = [2f, 9f, 4f, 7f];
        Assert.Equal(5.5, Statistics.MedianInPlace(f));
    }

    [Fact]
    public void Mad_sigma_recovers_the_sigma_of_gaussian_noise()
    {
        var rng = new Random(11);
        var x = new double[20001];
        for (int i = 0; i < x.Length; i++)
            x[i] = 3 + 0.2 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        Assert.InRange(Statistics.MadSigma(x), 0.19, 0.21);
    }
}
