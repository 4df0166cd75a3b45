namespace SoftShort.Figures.Plotting;

/// <summary>
/// A 5×7 pixel font for the tick labels of colour bars (digits, sign, decimal point, exponent, percent; 't', 'h', '=' for time stamps).
/// ImageSharp.Drawing, the usual text renderer, is not served on our package feed, and numbers are all a colour bar needs.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5, GlyphHeight = 7;

    static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['0'] = ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
        ['1'] = ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
        ['2'] = ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
        ['3'] = ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
        ['4'] = ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
        ['5'] = ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
        ['6'] = ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
        ['7'] = ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
        ['8'] = ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
        ['9'] = ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
        ['-'] = ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
        ['+'] = ["00000", "00100", "00100", "11111", "00100", "00100", "00000"],
        ['.'] = ["00000", "00000", "00000", "00000", "00000", "01100", "01100"],
        ['e'] = ["00000", "00000", "01110", "10001", "11111", "10000", "01110"],
        ['%'] = ["11000", "11001", "00010", "00100", "01000", "10011", "00011"],
        [' '] = ["00000", "00000", "00000", "00000", "00000", "00000", "00000"],
        ['h'] = ["10000", "10000", "10110", "11001", "10001", "10001", "10001"],
        ['t'] = ["01000", "01000", "11100", "01000", "01000", "01001", "00110"],
        ['='] = ["00000", "00000", "11111", "00000", "11111", "00000", "00000"],
    };

    /// <summary>Width in pixels of a text at a scale (1 px gap between glyphs).</summary>
    public static int Measure(string text, int scale) => text.Length == 0 ? 0 : (text.Length * (GlyphWidth + 1) - 1) * scale;

    /// <summary>Draws text with its top-left corner at (x, y) into an RGB buffer of the given width.</summary>
    public static void Draw(Span<Rgb> buffer, int width, int height, int x, int y, string text, int scale, Rgb colour)
    {
        foreach (char ch in text)
        {
            if (Glyphs.TryGetValue(ch, out var rows))
                for (int gy = 0; gy < GlyphHeight; gy++)
                    for (int gx = 0; gx < GlyphWidth; gx++)
                        if (rows[gy][gx] == '1')
                            for (int sy = 0; sy < scale; sy++)
                                for (int sx = 0; sx < scale; sx++)
                                {
                                    int px = x + gx * scale + sx, py = y + gy * scale + sy;
                                    if ((uint)px < (uint)width && (uint)py < (uint)height) buffer[py * width + px] = colour;
                                }
            x += (GlyphWidth + 1) * scale;
        }
    }
}
