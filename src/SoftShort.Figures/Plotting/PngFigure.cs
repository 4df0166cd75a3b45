namespace SoftShort.Figures.Plotting;

/// <summary>
/// A rendered PNG figure. In a notebook it displays as a real <c>image/png</c> output; in the report it is
/// embedded as a data URI; <see cref="Save"/> writes it atomically.
/// </summary>
public sealed record PngFigure(byte[] Bytes, int Width, int Height, string Title = "")
{
    public string ToBase64() => Convert.ToBase64String(Bytes);
    public string ToDataUri() => "data:image/png;base64," + ToBase64();
    public void Save(string path) => SoftShort.IO.AtomicFile.WriteAllBytes(path, Bytes);
}
