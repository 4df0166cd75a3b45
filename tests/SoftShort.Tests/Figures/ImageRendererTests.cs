using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SoftShort.Figures.Plotting;
using SoftShort.Imaging;

namespace SoftShort.Tests.Figures;

public class ImageRendererTests
{
    [Fact]
    public void Pixels_map_through_the_colormap_and_nan_is_flagged()
    {
        // 400×300 ramp: x = 0 → 0 (min), last column → 1 (max); one NaN block.
        var img = new Image2D<float>(400, 300);
        for (int y = 0; y < 300; y++) for (int x = 0; x < 400; x++) img[y, x] = x / 399f;
        for (int y = 0; y < 10; y++) for (int x = 200; x < 210; x++) img[y, x] = float.NaN;
        var png = ImageRenderer.Render(img, new ImageRenderOptions { Min = 0, Max = 1 });
        using var decoded = Image.Load<Rgb24>(png.Bytes);
        Assert.True(decoded.Width > 400, "the colour bar adds width");
        int pad = (decoded.Height - 300) / 2;
        Assert.Equal(Colormap.Viridis[0], ToRgb(decoded[0, pad + 150]));
        Assert.Equal(Colormap.Viridis[255], ToRgb(decoded[399, pad + 150]));
        Assert.Equal(new Rgb(255, 0, 255), ToRgb(decoded[205, pad + 5]));
    }

    [Fact]
    public void Large_images_are_box_averaged_not_subsampled()
    {
        // A checkerboard of 0/1 at 2000 px averages to 0.5 when shrunk by 2.5 and more: mid-grey, not black/white noise.
        var img = new Image2D<float>(2000, 2000);
        for (int y = 0; y < 2000; y++) for (int x = 0; x < 2000; x++) img[y, x] = (x + y) % 2;
        var png = ImageRenderer.Render(img, new ImageRenderOptions { Min = 0, Max = 1, Colormap = Colormap.Gray, Colorbar = false, MaxSize = 400 });
        using var decoded = Image.Load<Rgb24>(png.Bytes);
        Assert.Equal(400, decoded.Width);
        Assert.InRange(decoded[200, 200].R, 110, 145);
    }

    [Fact]
    public void Tick_labels_span_the_display_range()
    {
        var t = ImageRenderer.TickLabels(0.9, 1.1, 5);
        Assert.Equal(["0.90", "0.95", "1.00", "1.05", "1.10"], t);
    }

    static Rgb ToRgb(Rgb24 p) => new(p.R, p.G, p.B);
}
