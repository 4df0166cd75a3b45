using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>
/// Sequential page reader for (multi-page) TIFF stacks that fills caller-owned buffers: no allocation per page, so a
/// streaming pipeline can recycle its frame buffers. Uncompressed strip pages take the direct read of
/// <see cref="Tiff"/> (one read per run of contiguous strips, SIMD widening to float32). Every problem becomes a one-line
/// <see cref="InputException"/> naming the file.
/// </summary>
public sealed class TiffPageReader : IDisposable
{
    readonly BitMiracle.LibTiff.Classic.Tiff _t;
    int _next;

    TiffPageReader(string path, BitMiracle.LibTiff.Classic.Tiff t, int width, int height, int pages, TiffSampleType type)
    {
        Path = path; _t = t; Width = width; Height = height; Pages = pages; SampleType = type;
    }

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public int Pages { get; }
    /// <summary>Sample type of the first page (later pages are converted whatever their type; their size must match).</summary>
    public TiffSampleType SampleType { get; }
    /// <summary>Index of the page the next <see cref="ReadNext"/> reads.</summary>
    public int NextPage => _next;

    /// <summary>Opens <paramref name="path"/> positioned at page 0.</summary>
    public static TiffPageReader Open(string path)
    {
        var t = Tiff.Open(path);
        try
        {
            return Tiff.Guard(path, () =>
            {
                var (w, h, type) = Tiff.PageFormat(t, path, 0);
                int pages = t.NumberOfDirectories();
                if (!t.SetDirectory(0)) throw new InputException(path, "page 0 cannot be read");
                return new TiffPageReader(path, t, w, h, pages, type);
            });
        }
        catch { t.Dispose(); throw; }
    }

    /// <summary>Reads the next page as float32 into <paramref name="destination"/> (Width·Height values); false after the last page.</summary>
    public bool ReadNext(Span<float> destination)
    {
        if (_next >= Pages) return false;
        if (destination.Length < (long)Width * Height) throw new ArgumentException($"destination holds {destination.Length} values, {Width}×{Height} needed");
        var dst = destination[..(Width * Height)];
        int p = _next;
        try
        {
            if (p > 0 && !_t.ReadDirectory()) throw new InputException(Path, $"page {p} cannot be read (file truncated?)");
            Tiff.ReadPageInto(_t, Path, p, Width, Height, dst);
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputException(Path, $"corrupt or unreadable TIFF ({Tiff.OneLine(e.Message)})", e);
        }
        _next++;
        return true;
    }

    /// <summary>
    /// Reads the next page, which must hold uint16 samples, as its raw counts into <paramref name="destination"/> (no widening:
    /// half the bytes of float32 for the normaliser's fused path <see cref="Normalizer.NormalizeRaw"/>); false after the last page.
    /// </summary>
    public bool ReadNextUInt16(Span<ushort> destination)
    {
        if (_next >= Pages) return false;
        if (destination.Length < (long)Width * Height) throw new ArgumentException($"destination holds {destination.Length} values, {Width}×{Height} needed");
        int p = _next;
        try
        {
            if (p > 0 && !_t.ReadDirectory()) throw new InputException(Path, $"page {p} cannot be read (file truncated?)");
            Tiff.ReadPageUInt16Into(_t, Path, p, Width, Height, destination);
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputException(Path, $"corrupt or unreadable TIFF ({Tiff.OneLine(e.Message)})", e);
        }
        _next++;
        return true;
    }

    public void Dispose() => _t.Dispose();
}
