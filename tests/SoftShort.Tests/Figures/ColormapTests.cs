using SoftShort.Figures.Plotting;

namespace SoftShort.Tests.Figures;

public class ColormapTests
{
    // matplotlib's viridis table (_cm_listed.py): entries 0, 128 and 255.
    [Theory]
    [InlineData(0.0, 0x44, 0x01, 0x54)]
    [InlineData(128 / 255.0, 0x21, 0x91, 0x8c)]
    [InlineData(1.0, 0xfd, 0xe7, 0x25)]
    public void Viridis_matches_matplotlib_within_four_levels(double t, int r, int g, int b)
    {
        var c = Colormap.Viridis.At(t);
        Assert.InRange(c.R, r - 4, r + 4);
        Assert.InRange(c.G, g - 4, g + 4);
        Assert.InRange(c.B, b - 4, b + 4);
    }

    [Fact]
    public void Viridis_lightness_increases_monotonically()
    {
        double prev = -1;
        for (int i = 0; i < 256; i += 5)
        {
            var c = Colormap.Viridis[i];
            double luma = 0.2126 * c.R + 0.7152 * c.G + 0.0722 * c.B;
            Assert.True(luma > prev, $"luma not increasing at {i}");
            prev = luma;
        }
    }

    [Fact]
    public void Unknown_colormap_is_an_input_error() => Assert.Throws<InputException>(() => Colormap.ByName("rainbow-ish"));
}
