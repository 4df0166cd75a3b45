using SoftShort.Imaging;
using SoftShort.IO;

namespace SoftShort.Tests.Imaging;

/// <summary>
/// Gamma filter + Eq. 1 normalisation (DF mean, OB median, zero denominator, ROI beam correction) + 3-frame median binning
/// against fixtures computed independently by NumPy (Fixtures/make_fixtures.py, /usr/bin/python3 with numpy and tifffile).
/// </summary>
public class NumpyFixtureTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Imaging", "Fixtures", name);

    [Fact]
    public void NormalizedAndBinned_MatchNumPy()
    {
        var gamma = new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = ushort.MaxValue };
        var ob = FrameFiles.ReadAll([Fixture("ob.tif")], out var obType);
        var df = FrameFiles.ReadAll([Fixture("df.tif")], out _);
        Assert.Equal(TiffSampleType.UInt16, obType);
        foreach (var im in ob.Concat(df)) GammaFilter.Apply(im, gamma);
        var roi = PixelRegion.Parse(File.ReadAllText(Fixture("roi.txt")).Trim());
        var norm = new Normalizer(Normalizer.Combine(ob, FrameCombine.Median, "ob"), Normalizer.Combine(df, FrameCombine.Mean, "df"),
            new NormalizationOptions { BeamRegions = [roi] });
        Assert.Equal(1, norm.InvalidBeamPixels);
        var expected = Tiff.ReadPagesAsFloat(Fixture("normalized.tif")).ToList();
        var frames = new List<TimedFrame>();
        long spots = 0;
        int k = 0;
        foreach (var img in Tiff.ReadPagesAsFloat(Fixture("sample.tif")))
        {
            spots += GammaFilter.Apply(img, gamma);
            var r = norm.Normalize(img.Pixels, img.Pixels);
            Assert.Equal(1, r.InvalidPixels);
            AssertClose(expected[k].Pixels, img.Pixels, $"frame {k}");
            frames.Add(new TimedFrame(10 * k, img.Pixels));
            k++;
        }
        Assert.Equal(5, k);
        Assert.Equal(3, spots);
        var bins = MedianBinning.Bin(frames, expected[0].Width, expected[0].Height, 3).ToList();
        var expBins = Tiff.ReadPagesAsFloat(Fixture("binned3.tif")).ToList();
        Assert.Equal(2, bins.Count);
        Assert.True(bins[1].Partial);
        Assert.Equal(35, bins[1].TimeS); // mean of the frame times 30 and 40
        for (int b = 0; b < 2; b++) AssertClose(expBins[b].Pixels, bins[b].Pixels, $"bin {b}");
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i])) { Assert.True(float.IsNaN(actual[i]), $"{what} pixel {i}: NaN expected, got {actual[i]}"); continue; }
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])), $"{what} pixel {i}: NumPy {expected[i]}, ours {actual[i]}");
        }
    }
}
