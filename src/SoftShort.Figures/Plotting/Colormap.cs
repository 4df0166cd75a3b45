namespace SoftShort.Figures.Plotting;

/// <summary>An RGB colour with 8-bit channels.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";
    internal static Rgb FromUnit(double r, double g, double b) =>
        new(ToByte(r), ToByte(g), ToByte(b));
    static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v * 255.0), 0, 255);
}

/// <summary>
/// A 256-entry colour table. <see cref="Viridis"/> (perceptually uniform, the paper's ratio maps) and
/// <see cref="Gray"/> (radiographs, slices) are the defaults; <see cref="Turbo"/> stands in for the blue→green→red
/// scale of the paper's kymographs; <see cref="Diverging"/> (blue–white–red) centres a ratio of 1.
/// </summary>
public sealed class Colormap
{
    readonly Rgb[] _lut;
    public string Name { get; }

    Colormap(string name, Func<double, Rgb> f)
    {
        Name = name;
        _lut = new Rgb[256];
        for (int i = 0; i < 256; i++) _lut[i] = f(i / 255.0);
    }

    /// <summary>The colour at t ∈ [0, 1] (clamped).</summary>
    public Rgb At(double t) => _lut[(int)Math.Round(Math.Clamp(double.IsNaN(t) ? 0 : t, 0, 1) * 255)];

    /// <summary>The colour table entry i ∈ [0, 255].</summary>
    public Rgb this[int i] => _lut[i];

    /// <summary>
    /// Viridis (van der Walt &amp; Smith, matplotlib 2.0), evaluated from the 6th-order polynomial fit
    /// by M. Zucker (shadertoy "WlfXRN", public domain), within ~1/255 of matplotlib's table.
    /// </summary>
    public static Colormap Viridis { get; } = new("viridis", t => Rgb.FromUnit(
        Poly(t, 0.2777273272234177, 0.1050930431085774, -0.3308618287255563, -4.634230498983486, 6.228269936347081, 4.776384997670288, -5.435455855934631),
        Poly(t, 0.005407344544966578, 1.404613529898575, 0.214847559468213, -5.799100973351585, 14.17993336680509, -13.74514537774601, 4.645852612178535),
        Poly(t, 0.3340998053353061, 1.384590162594685, 0.09509516302823659, -19.33244095627987, 56.69055260068105, -65.35303263337234, 26.3124352495832)));

    /// <summary>
    /// Turbo (A. Mikhailov, Google AI blog 2019), from its published polynomial approximation (Apache-2.0).
    /// </summary>
    public static Colormap Turbo { get; } = new("turbo", t => Rgb.FromUnit(
        Poly(t, 0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943),
        Poly(t, 0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604),
        Poly(t, 0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973)));

    /// <summary>Linear grey from black to white.</summary>
    public static Colormap Gray { get; } = new("gray", t => Rgb.FromUnit(t, t, t));

    /// <summary>Blue (0) – white (0.5) – red (1), linear in each half.</summary>
    public static Colormap Diverging { get; } = new("diverging", t => t < 0.5
        ? Rgb.FromUnit(0.23 + (1 - 0.23) * t * 2, 0.30 + (1 - 0.30) * t * 2, 0.75 + (1 - 0.75) * t * 2)
        : Rgb.FromUnit(1 - (1 - 0.71) * (t - 0.5) * 2, 1 - (1 - 0.02) * (t - 0.5) * 2, 1 - (1 - 0.15) * (t - 0.5) * 2));

    /// <summary>Looks a colour map up by name (viridis, gray, turbo, diverging).</summary>
    public static Colormap ByName(string name) => name.ToLowerInvariant() switch
    {
        "viridis" => Viridis,
        "gray" or "grey" => Gray,
        "turbo" or "jet" => Turbo,
        "diverging" or "rdbu" => Diverging,
        _ => throw new InputException("--colormap", $"unknown colour map '{name}' (viridis, gray, turbo, diverging)"),
    };

    static double Poly(double t, params double[] c)
    {
        double acc = 0;
        for (int i = c.Length - 1; i >= 0; i--) acc = acc * t + c[i];
        return acc;
    }
}
