using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SoftShort.Imaging;

namespace SoftShort.Figures.Plotting;

/// <summary>
/// The binned ratio series Tr_t/Tr_0 as an animated GIF (the paper's Video S1): every frame rendered with the same fixed colour
/// range and colour bar (<see cref="ImageRenderer"/>), a time stamp "t = 4.50 h" above it, encoded by SixLabors.ImageSharp's GIF
/// encoder with a per-frame delay and endless looping, written atomically.
/// </summary>
public sealed class RatioAnimation : IDisposable
{
    readonly ImageRenderOptions _options;
    readonly int _delayCs;
    Image<Rgb24>? _gif;

    /// <param name="min">Colour range low end (ratio). Default 0.7.</param>
    /// <param name="max">Colour range high end. Default 1.3.</param>
    /// <param name="frameDelayS">Display time of each frame, s (GIF stores hundredths). Default 0.1.</param>
    /// <param name="maxSize">Longest side of the image part, px. Default 600.</param>
    public RatioAnimation(double min = 0.7, double max = 1.3, double frameDelayS = 0.1, int maxSize = 600)
    {
        _options = new ImageRenderOptions { Colormap = Colormap.Viridis, Min = min, Max = max, MaxSize = maxSize };
        _delayCs = Math.Max(1, (int)Math.Round(frameDelayS * 100));
    }

    public int Frames { get; private set; }

    /// <summary>Adds one ratio map with its time stamp (h, e.g. hours of charge).</summary>
    public void Add(Image2D<float> ratio, double timeH)
    {
        var png = ImageRenderer.Render(ratio, _options);
        using var frame = Image.Load<Rgb24>(png.Bytes);
        const int scale = 2, head = BitmapFont.GlyphHeight * scale + 8;
        int w = frame.Width, h = frame.Height + head;
        var rgb = new Rgb[w * h];
        rgb.AsSpan().Fill(new Rgb(255, 255, 255));
        frame.ProcessPixelRows(acc =>
        {
            for (int y = 0; y < acc.Height; y++)
            {
                var row = acc.GetRowSpan(y);
                for (int x = 0; x < w; x++) rgb[(y + head) * w + x] = new Rgb(row[x].R, row[x].G, row[x].B);
            }
        });
        BitmapFont.Draw(rgb, w, h, 4, 4, "t = " + timeH.ToString("F2", CultureInfo.InvariantCulture) + " h", scale, new Rgb(0, 0, 0));
        var img = new Image<Rgb24>(w, h);
        img.ProcessPixelRows(acc =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = acc.GetRowSpan(y);
                for (int x = 0; x < w; x++) { var c = rgb[y * w + x]; row[x] = new Rgb24(c.R, c.G, c.B); }
            }
        });
        img.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = _delayCs;
        if (_gif is null) { _gif = img; _gif.Metadata.GetGifMetadata().RepeatCount = 0; }
        else
        {
            if (img.Width != _gif.Width || img.Height != _gif.Height) { img.Dispose(); throw new InputException("ratio series", "frames differ in size"); }
            _gif.Frames.AddFrame(img.Frames.RootFrame);
            img.Dispose();
        }
        Frames++;
    }

    /// <summary>Encodes the frames as an animated GIF.</summary>
    public byte[] ToGif()
    {
        if (_gif is null) throw new InputException("ratio series", "no frames for the animation");
        using var ms = new MemoryStream();
        _gif.SaveAsGif(ms, new GifEncoder { ColorTableMode = GifColorTableMode.Local });
        return ms.ToArray();
    }

    /// <summary>Writes the GIF atomically.</summary>
    public void Save(string path) => SoftShort.IO.AtomicFile.WriteAllBytes(path, ToGif());

    public void Dispose() => _gif?.Dispose();
}
