using SoftShort.Imaging;

namespace SoftShort.Tests.Radiography;

public class NormalizationTests
{
    static Image2D<float> Img(int w, int h, params float[] v) => new(w, h, v);

    [Fact]
    public void Eq1_HandComputed_WithZeroDenominatorAsNaNAndZero()
    {
        // 3×1: OB − DF = 100, 50, 0 (the last is invalid)
        var ob = Img(3, 1, 110, 60, 10);
        var df = Img(3, 1, 10, 10, 10);
        var s = Img(3, 1, 60, 35, 500);
        var n = new Normalizer(ob, df);
        var r = n.Normalize(s, out var res);
        Assert.Equal(0.5f, r.Pixels[0], 6);
        Assert.Equal(0.5f, r.Pixels[1], 6);
        Assert.True(float.IsNaN(r.Pixels[2]));
        Assert.Equal(1, res.InvalidPixels);
        Assert.Equal(1, n.InvalidBeamPixels);
        var z = new Normalizer(ob, df, new NormalizationOptions { InvalidPixels = InvalidPixelPolicy.Zero }).Normalize(s, out var res0);
        Assert.Equal(0f, z.Pixels[2]);
        Assert.Equal(1, res0.InvalidPixels);
    }

    [Fact]
    public void RoiCorrection_HandComputed()
    {
        // 4×1, ROI = pixels 0 and 3 (two regions pooled). OB−DF = 100, 100, 100, 200; sample−DF = 45, 30, 60, 75
        // ⟨OB−DF⟩ = 150, ⟨I−DF⟩ = 60 → scale 2.5; I_N = (I−DF)/(OB−DF)·2.5 = 1.125, 0.75, 1.5, 0.9375
        var ob = Img(4, 1, 105, 105, 105, 205);
        var df = Img(4, 1, 5, 5, 5, 5);
        var s = Img(4, 1, 50, 35, 65, 80);
        var n = new Normalizer(ob, df, new NormalizationOptions { BeamRegions = [new PixelRegion(0, 0, 0, 0), new PixelRegion(3, 0, 3, 0), new PixelRegion(3, 0, 3, 0)] });
        var r = n.Normalize(s, out var res);
        Assert.Equal(2.5, res.BeamScale, 9);
        float[] expect = [1.125f, 0.75f, 1.5f, 0.9375f];
        for (int i = 0; i < 4; i++) Assert.Equal(expect[i], r.Pixels[i], 5);
    }

    [Fact]
    public void AllZeroOpenBeam_IsAnInputError()
    {
        var ex = Assert.Throws<InputException>(() => new Normalizer(Img(2, 1, 0, 0), Img(2, 1, 0, 0)));
        Assert.Contains("open beam", ex.Message);
        Assert.Throws<InputException>(() => new Normalizer(Img(2, 1, 5, 5), Img(1, 2, 0, 0)));
    }

    [Fact]
    public void Combine_MedianOfOpenBeam_MeanOfDarkField()
    {
        var a = Img(2, 1, 1, float.NaN); var b = Img(2, 1, 5, 4); var c = Img(2, 1, 3, 8); var d = Img(2, 1, 100, 6);
        var med = Normalizer.Combine([a, b, c, d], FrameCombine.Median);
        Assert.Equal(4f, med.Pixels[0]); // median of 1,3,5,100 = (3+5)/2
        Assert.Equal(6f, med.Pixels[1]); // NaN ignored: median of 4,8,6
        var mean = Normalizer.Combine([a, b, c, d], FrameCombine.Mean);
        Assert.Equal(27.25f, mean.Pixels[0]);
        Assert.Equal(6f, mean.Pixels[1]);
    }

    [Fact]
    public void GammaAuto_FlagsSaturatedAndReplacesByMedianOfValidNeighbours()
    {
        // 3×3, centre saturated, one neighbour also saturated → replaced by median of the 7 others
        var img = Img(3, 3, 10, 20, 30, 40, 65535, 65531, 50, 60, 70);
        int n = GammaFilter.Apply(img, new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = 65535 });
        Assert.Equal(2, n);
        Assert.Equal(40f, img[1, 1]); // median of 10,20,30,40,50,60,70
        Assert.Equal(45f, img[1, 2]); // neighbours of x=2,y=1 without the flagged centre: 20,30,60,70 → (30+60)/2
    }

    [Fact]
    public void GammaAuto_RefusesFloatImages()
    {
        var img = Img(1, 1, 1);
        Assert.Throws<InputException>(() => GammaFilter.Apply(img, new GammaFilterOptions { Mode = GammaFilterMode.Auto, DtypeMax = null }));
    }

    [Fact]
    public void GammaOutlier_HandComputed()
    {
        // centre 200 among neighbours 10..17 (median 13.5) with a residual σ of 2.29 → threshold 13.5 + 5·2.29 = 24.95: flagged
        var given = new GammaFilterOptions { Mode = GammaFilterMode.Outlier, OutlierK = 5, DtypeMax = null, OutlierNoise = ResidualNoiseModel.Constant(2.29) };
        var img = Img(3, 3, 10, 11, 12, 13, 200, 14, 15, 16, 17);
        int n = GammaFilter.Apply(img, given);
        Assert.Equal(1, n);
        Assert.Equal(13.5f, img[1, 1]);
        // a centre of 24 stays (below 24.95)
        var img2 = Img(3, 3, 10, 11, 12, 13, 24, 14, 15, 16, 17);
        Assert.Equal(0, GammaFilter.Apply(img2, given));
        Assert.Equal(24f, img2[1, 1]);
        // without a given σ the frame's noise is estimated, which needs a 5×5 neighbourhood
        Assert.Throws<InputException>(() => GammaFilter.Apply(img2, given with { OutlierNoise = null }));
    }

    [Fact]
    public void RegionParse_RejectsBadText()
    {
        Assert.Equal(new PixelRegion(1, 2, 3, 4), PixelRegion.Parse("1,2,3,4"));
        Assert.Throws<InputException>(() => PixelRegion.Parse("1,2,3"));
        Assert.Throws<InputException>(() => PixelRegion.Parse("3,2,1,4"));
    }
}
