using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;

namespace SoftShort.Tests.Figures;

public class RatioAnimationTests
{
    [Fact]
    public void Gif_HasOneFramePerBin_TheDelay_Looping_AndTheViridisEnds()
    {
        using var anim = new RatioAnimation(min: 0.7, max: 1.3, frameDelayS: 0.2);
        for (int k = 0; k < 4; k++)
        {
            var img = new Image2D<float>(40, 20);
            for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = i % 40 < 20 ? 0.7f : 1.3f; // left half low, right half high
            anim.Add(img, k * 0.5);
        }
        using var gif = Image.Load<Rgb24>(anim.ToGif());
        Assert.Equal(4, gif.Frames.Count);
        Assert.Equal(0, gif.Metadata.GetGifMetadata().RepeatCount);
        foreach (var f in gif.Frames) Assert.Equal(20, f.Metadata.GetGifMetadata().FrameDelay);
        // viridis: dark purple at the low end (68, 1, 84), yellow at the high end (253, 231, 37); the image sits below the time stamp
        var fr = gif.Frames.RootFrame;
        int y = fr.Height - 20;
        var lo = fr[10, y]; var hi = fr[200, y]; // 40 px wide rendered at 7× (280 px): x 200 is in the right half
        Assert.True(lo.B > lo.G && lo.R < 120, $"low end {lo}");
        Assert.True(hi.R > 200 && hi.G > 180 && hi.B < 100, $"high end {hi}");
    }
}
