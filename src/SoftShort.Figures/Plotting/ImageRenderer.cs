using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SoftShort.Imaging;

namespace SoftShort.Figures.Plotting;

/// <summary>How a scalar image becomes a picture.</summary>
public sealed record ImageRenderOptions
{
    /// <summary>Colour map (default viridis).</summary>
    public Colormap Colormap { get; init; } = Colormap.Viridis;
    /// <summary>Value mapped to the bottom of the colour map; NaN = the <see cref="LowPercentile"/> of the finite pixels.</summary>
    public double Min { get; init; } = double.NaN;
    /// <summary>Value mapped to the top of the colour map; NaN = the <see cref="HighPercentile"/> of the finite pixels.</summary>
    public double Max { get; init; } = double.NaN;
    public double LowPercentile { get; init; } = 1;
    public double HighPercentile { get; init; } = 99;
    /// <summary>Colour of NaN pixels (default magenta, so masked pixels never pass for data).</summary>
    public Rgb NanColor { get; init; } = new(255, 0, 255);
    /// <summary>Draw a vertical colour bar with tick labels on the right.</summary>
    public bool Colorbar { get; init; } = true;
    /// <summary>Longest side of the image part in pixels: larger images are box-averaged down, smaller ones enlarged by an integer factor.</summary>
    public int MaxSize { get; init; } = 900;
    public int MinSize { get; init; } = 300;
    /// <summary>Physical height/width of one pixel (e.g. a kymograph's time bin against its µm per pixel); 1 = square pixels.</summary>
    public double PixelAspect { get; init; } = 1;
}

/// <summary>
/// Renders scalar images (radiographs, ratio maps, kymographs, slices) to PNG with a colour map and colour bar,
/// through SixLabors.ImageSharp's PNG encoder.
/// </summary>
public static class ImageRenderer
{
    /// <summary>Renders an image with a colour map and a labelled colour bar.</summary>
    public static PngFigure Render(Image2D<float> image, ImageRenderOptions? options = null, string title = "")
    {
        var o = options ?? new ImageRenderOptions();
        var (lo, hi) = DisplayRange(image.Pixels, o);

        // Output size of the image part: integer box-down or nearest-up sampling keeps the pixels honest.
        double aspectHeight = image.Height * o.PixelAspect;
        double longest = Math.Max(image.Width, aspectHeight);
        double scale = longest > o.MaxSize ? o.MaxSize / longest : longest < o.MinSize ? Math.Floor(o.MinSize / longest) : 1;
        int outW = Math.Max(1, (int)Math.Round(image.Width * scale));
        int outH = Math.Max(1, (int)Math.Round(aspectHeight * scale));

        const int gap = 12, barW = 18, textScale = 2;
        string[] ticks = o.Colorbar ? TickLabels(lo, hi, 5) : [];
        int labelW = ticks.Length == 0 ? 0 : ticks.Max(t => BitmapFont.Measure(t, textScale));
        int totalW = o.Colorbar ? outW + gap + barW + 6 + labelW + 4 : outW;
        int pad = o.Colorbar ? BitmapFont.GlyphHeight * textScale / 2 + 2 : 0;
        int totalH = outH + 2 * pad;

        var rgb = new Rgb[totalW * totalH];
        rgb.AsSpan().Fill(new Rgb(255, 255, 255));
        double inv = hi > lo ? 1.0 / (hi - lo) : 0;
        for (int oy = 0; oy < outH; oy++)
        {
            int y0 = (int)((long)oy * image.Height / outH), y1 = Math.Max(y0 + 1, (int)((long)(oy + 1) * image.Height / outH));
            for (int ox = 0; ox < outW; ox++)
            {
                int x0 = (int)((long)ox * image.Width / outW), x1 = Math.Max(x0 + 1, (int)((long)(ox + 1) * image.Width / outW));
                double sum = 0; int n = 0;
                for (int y = y0; y < y1; y++)
                {
                    var row = image.Row(y);
                    for (int x = x0; x < x1; x++) { float v = row[x]; if (float.IsFinite(v)) { sum += v; n++; } }
                }
                rgb[(oy + pad) * totalW + ox] = n == 0 ? o.NanColor : o.Colormap.At((sum / n - lo) * inv);
            }
        }

        if (o.Colorbar)
        {
            int bx = outW + gap;
            for (int y = 0; y < outH; y++)
            {
                var c = o.Colormap.At(1.0 - (double)y / Math.Max(1, outH - 1));
                for (int x = 0; x < barW; x++) rgb[(y + pad) * totalW + bx + x] = c;
            }
            var black = new Rgb(0, 0, 0);
            for (int i = 0; i < ticks.Length; i++)
            {
                int ty = pad + (int)Math.Round((outH - 1) * (1.0 - (double)i / (ticks.Length - 1)));
                for (int x = 0; x < 5; x++) rgb[ty * totalW + bx + barW + x] = black;
                BitmapFont.Draw(rgb, totalW, totalH, bx + barW + 7, ty - BitmapFont.GlyphHeight * textScale / 2, ticks[i], textScale, black);
            }
        }
        return Encode(rgb, totalW, totalH, title);
    }

    /// <summary>Renders a categorical map (e.g. materials or labels) with one colour per class value.</summary>
    public static PngFigure RenderCategorical(Image2D<int> classes, IReadOnlyList<Rgb> palette, int maxSize = 900, string title = "")
    {
        int longest = Math.Max(classes.Width, classes.Height);
        double scale = longest > maxSize ? (double)maxSize / longest : Math.Max(1, Math.Floor(300.0 / longest));
        int w = Math.Max(1, (int)Math.Round(classes.Width * scale)), h = Math.Max(1, (int)Math.Round(classes.Height * scale));
        var rgb = new Rgb[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int c = classes[(int)((long)y * classes.Height / h), (int)((long)x * classes.Width / w)];
                rgb[y * w + x] = palette[((c % palette.Count) + palette.Count) % palette.Count];
            }
        return Encode(rgb, w, h, title);
    }

    /// <summary>The display range: the given Min/Max, or percentiles of the finite pixels.</summary>
    public static (double Lo, double Hi) DisplayRange(ReadOnlySpan<float> pixels, ImageRenderOptions o)
    {
        double lo = o.Min, hi = o.Max;
        if (double.IsNaN(lo) || double.IsNaN(hi))
        {
            // Percentiles on a strided sample keep this O(1 M) for any image size.
            int stride = Math.Max(1, pixels.Length / 1_000_000);
            var sample = new List<float>(pixels.Length / stride + 1);
            for (int i = 0; i < pixels.Length; i += stride) if (float.IsFinite(pixels[i])) sample.Add(pixels[i]);
            if (sample.Count == 0) return (0, 1);
            sample.Sort();
            if (double.IsNaN(lo)) lo = sample[(int)Math.Clamp(o.LowPercentile / 100 * (sample.Count - 1), 0, sample.Count - 1)];
            if (double.IsNaN(hi)) hi = sample[(int)Math.Clamp(o.HighPercentile / 100 * (sample.Count - 1), 0, sample.Count - 1)];
        }
        if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : Math.Abs(lo) * 1e-6);
        return (lo, hi);
    }

    /// <summary>Evenly spaced labels from lo to hi with just enough significant digits to tell them apart.</summary>
    internal static string[] TickLabels(double lo, double hi, int count)
    {
        double step = (hi - lo) / (count - 1);
        // Fewest decimals that show every tick to within 1 % of the step.
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(Math.Abs(step)) - 1e-9), 0, 6);
        while (decimals < 6 && Enumerable.Range(0, count).Any(i => Math.Abs(Math.Round(lo + step * i, decimals) - (lo + step * i)) > Math.Abs(step) * 0.01)) decimals++;
        bool sci = Math.Max(Math.Abs(lo), Math.Abs(hi)) >= 1e5 || (Math.Max(Math.Abs(lo), Math.Abs(hi)) < 1e-3 && hi != lo);
        var labels = new string[count];
        for (int i = 0; i < count; i++)
        {
            double v = lo + step * i;
            labels[i] = sci ? v.ToString("0.##e+0", CultureInfo.InvariantCulture) : v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }
        return labels;
    }

    static PngFigure Encode(Rgb[] rgb, int w, int h, string title)
    {
        using var img = new Image<Rgb24>(w, h);
        img.ProcessPixelRows(acc =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = acc.GetRowSpan(y);
                for (int x = 0; x < w; x++) { var c = rgb[y * w + x]; row[x] = new Rgb24(c.R, c.G, c.B); }
            }
        });
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return new PngFigure(ms.ToArray(), w, h, title);
    }
}
