using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BitMiracle.LibTiff.Classic;
using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>Sample types that SoftShort reads from and writes to TIFF.</summary>
public enum TiffSampleType { UInt8, UInt16, UInt32, Int16, Int32, Float32, Float64 }

/// <summary>What a TIFF file holds: page size, page count and sample type (all pages must agree).</summary>
public sealed record TiffInfo(string Path, int Width, int Height, int Pages, TiffSampleType SampleType, bool IsBigTiff);

/// <summary>
/// TIFF and BigTIFF I/O through BitMiracle.LibTiff.NET: single- and multi-page, 8/16/32-bit integer and
/// float32/64 grey-scale pages, strip or tile layout. Pages are read one at a time so that stacks longer than
/// memory stream. Every problem becomes a one-line <see cref="InputException"/> naming the file.
/// </summary>
public static class Tiff
{
    static Tiff() => BitMiracle.LibTiff.Classic.Tiff.SetErrorHandler(new ThrowingHandler());

    /// <summary>Reads the shape and sample type of a TIFF file without reading its pixels.</summary>
    public static TiffInfo ReadInfo(string path) => Guard(path, () =>
    {
        using var t = Open(path);
        var (w, h, type) = PageFormat(t, path, 0);
        int pages = t.NumberOfDirectories();
        return new TiffInfo(path, w, h, pages, type, IsBigTiffFile(path));
    });

    /// <summary>Streams the pages of a (multi-page) TIFF as float32 images, one page in memory at a time.</summary>
    public static IEnumerable<Image2D<float>> ReadPagesAsFloat(string path)
    {
        var t = Open(path);
        try
        {
            var (pages, w0, h0) = Guard(path, () => { var (w, h, _) = PageFormat(t, path, 0); return (t.NumberOfDirectories(), w, h); });
            for (short p = 0; p < pages; p++)
                yield return Guard(path, () => ReadPage(t, path, p, w0, h0));
        }
        finally { t.Dispose(); }
    }

    static Image2D<float> ReadPage(BitMiracle.LibTiff.Classic.Tiff t, string path, short p, int w0, int h0)
    {
        // sequential pages: step to the next directory instead of walking the chain from the header (quadratic in pages)
        bool ok = p > 0 && t.CurrentDirectory() == p - 1 ? t.ReadDirectory() : t.SetDirectory(p);
        if (!ok) throw new InputException(path, $"page {p} cannot be read (file truncated?)");
        var img = new Image2D<float>(w0, h0);
        ReadPageInto(t, path, p, w0, h0, img.Pixels);
        return img;
    }

    /// <summary>Runs a LibTiff operation; anything it throws on a corrupt file becomes a one-line <see cref="InputException"/>.</summary>
    internal static T Guard<T>(string path, Func<T> f)
    {
        try { return f(); }
        catch (InputException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputException(path, $"corrupt or unreadable TIFF ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>Reads one page (0-based) as float32.</summary>
    public static Image2D<float> ReadPageAsFloat(string path, int page = 0)
    {
        using var t = Open(path);
        return Guard(path, () =>
        {
            int pages = t.NumberOfDirectories();
            if (page < 0 || page >= pages) throw new InputException(path, $"page {page} requested, the file has {pages}");
            if (!t.SetDirectory((short)page)) throw new InputException(path, $"page {page} cannot be read (file truncated?)");
            var (w, h, _) = PageFormat(t, path, page);
            return ReadPage(t, path, (short)page, w, h);
        });
    }

    /// <summary>Reads a whole multi-page file as a float32 volume (page = z).</summary>
    public static Volume3D<float> ReadVolumeAsFloat(string path)
    {
        var slices = new List<float[]>();
        int w = 0, h = 0;
        foreach (var page in ReadPagesAsFloat(path)) { slices.Add(page.Pixels); w = page.Width; h = page.Height; }
        if (slices.Count == 0) throw new InputException(path, "no pages");
        return new Volume3D<float>(h, w, slices);
    }

    /// <summary>Writes one float32 image as a single-page TIFF (atomically).</summary>
    public static void Write(string path, Image2D<float> image)
    {
        using var w = TiffStackWriter<float>.Create(path, image.Width, image.Height);
        w.Append(image.Pixels);
        w.Commit();
    }

    /// <summary>Writes a volume as a multi-page TIFF, one page per z (atomically; BigTIFF past 4 GiB).</summary>
    public static void Write<T>(string path, Volume3D<T> volume) where T : unmanaged
    {
        using var w = TiffStackWriter<T>.Create(path, volume.Width, volume.Height, expectedPages: volume.Depth);
        for (int z = 0; z < volume.Depth; z++) w.Append(volume.Slice(z));
        w.Commit();
    }

    /// <summary>True when the header says BigTIFF (version 43 instead of 42).</summary>
    public static bool IsBigTiffFile(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var fs = File.OpenRead(path);
        if (fs.Read(head) < 4) return false;
        int version = head[0] == (byte)'I' ? head[2] | head[3] << 8 : head[3] | head[2] << 8;
        return version == 43;
    }

    internal static BitMiracle.LibTiff.Classic.Tiff Open(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        try
        {
            return BitMiracle.LibTiff.Classic.Tiff.Open(path, "r") ?? throw new InputException(path, "not a TIFF file");
        }
        catch (InputException) { throw; }
        catch (Exception e) { throw new InputException(path, $"not a readable TIFF file ({OneLine(e.Message)})", e); }
    }

    internal static (int W, int H, TiffSampleType Type) PageFormat(BitMiracle.LibTiff.Classic.Tiff t, string path, int page)
    {
        int w = t.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
        int h = t.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
        if (w <= 0 || h <= 0) throw new InputException(path, $"page {page} has no valid size");
        int spp = t.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
        if (spp != 1) throw new InputException(path, $"page {page} has {spp} samples per pixel; grey-scale images are expected");
        int bits = t.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
        var fmt = (SampleFormat)(t.GetField(TiffTag.SAMPLEFORMAT)?[0].ToInt() ?? (int)SampleFormat.UINT);
        TiffSampleType type = (fmt, bits) switch
        {
            (SampleFormat.UINT, 8) => TiffSampleType.UInt8,
            (SampleFormat.UINT, 16) => TiffSampleType.UInt16,
            (SampleFormat.UINT, 32) => TiffSampleType.UInt32,
            (SampleFormat.INT, 16) => TiffSampleType.Int16,
            (SampleFormat.INT, 32) => TiffSampleType.Int32,
            (SampleFormat.IEEEFP, 32) => TiffSampleType.Float32,
            (SampleFormat.IEEEFP, 64) => TiffSampleType.Float64,
            _ => throw new InputException(path, $"page {page}: unsupported sample format {fmt} with {bits} bits"),
        };
        return (w, h, type);
    }

    internal static void ReadPageInto(BitMiracle.LibTiff.Classic.Tiff t, string path, int page, int w0, int h0, Span<float> dst)
    {
        var (w, h, type) = PageFormat(t, path, page);
        if (w != w0 || h != h0) throw new InputException(path, $"page {page} is {w}×{h}, page 0 is {w0}×{h0}");
        int bytesPerSample = type switch { TiffSampleType.UInt8 => 1, TiffSampleType.UInt16 or TiffSampleType.Int16 => 2, TiffSampleType.Float64 => 8, _ => 4 };
        long expected = (long)w * h * bytesPerSample;
        // A corrupt header can claim any size: refuse what the file cannot hold before allocating it.
        long fileBytes = new FileInfo(path).Length;
        var compression = (Compression)(t.GetField(TiffTag.COMPRESSION)?[0].ToInt() ?? (int)Compression.NONE);
        long maxExpansion = compression == Compression.NONE ? 1 : 1024;
        if (expected > Array.MaxLength || expected > fileBytes * maxExpansion)
            throw new InputException(path, $"page {page} claims {w}×{h} pixels of {bytesPerSample} bytes, more than the {fileBytes}-byte file can hold (corrupt or truncated)");
        byte[] raw = System.Buffers.ArrayPool<byte>.Shared.Rent((int)expected);
        try
        {
            ReadPageBytes(t, path, page, w, h, bytesPerSample, compression, raw, (int)expected);
            Convert(raw, type, dst);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(raw); }
    }

    /// <summary>Reads one uint16 page without conversion (the raw counts), straight into <paramref name="dst"/> when the strips allow.</summary>
    internal static void ReadPageUInt16Into(BitMiracle.LibTiff.Classic.Tiff t, string path, int page, int w0, int h0, Span<ushort> dst)
    {
        var (w, h, type) = PageFormat(t, path, page);
        if (w != w0 || h != h0) throw new InputException(path, $"page {page} is {w}×{h}, page 0 is {w0}×{h0}");
        if (type != TiffSampleType.UInt16) throw new InputException(path, $"page {page} holds {type} samples, 16-bit unsigned expected");
        int expected = checked(w * h * 2);
        if (expected > new FileInfo(path).Length * 1024)
            throw new InputException(path, $"page {page} claims {w}×{h} pixels, more than the file can hold (corrupt or truncated)");
        var compression = (Compression)(t.GetField(TiffTag.COMPRESSION)?[0].ToInt() ?? (int)Compression.NONE);
        var bytes = MemoryMarshal.AsBytes(dst[..(w * h)]);
        try
        {
            if (!t.IsTiled() && TryReadUncompressedStrips(t, compression, bytes)) return;
        }
        catch (Exception e) when (e is not InputException and not OutOfMemoryException) { throw new InputException(path, $"page {page}: {OneLine(e.Message)}", e); }
        byte[] raw = System.Buffers.ArrayPool<byte>.Shared.Rent(expected);
        try
        {
            ReadPageBytes(t, path, page, w, h, 2, compression, raw, expected);
            raw.AsSpan(0, expected).CopyTo(bytes);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(raw); }
    }

    static void ReadPageBytes(BitMiracle.LibTiff.Classic.Tiff t, string path, int page, int w, int h, int bytesPerSample, Compression compression, byte[] raw, int expected)
    {
        try
        {
            if (t.IsTiled())
            {
                int tw = t.GetField(TiffTag.TILEWIDTH)[0].ToInt(), th = t.GetField(TiffTag.TILELENGTH)[0].ToInt();
                byte[] tile = new byte[t.TileSize()];
                for (int ty = 0; ty < h; ty += th)
                    for (int tx = 0; tx < w; tx += tw)
                    {
                        if (t.ReadTile(tile, 0, tx, ty, 0, 0) < 0) throw new InputException(path, $"page {page}: tile at ({tx},{ty}) unreadable (file truncated?)");
                        int cols = Math.Min(tw, w - tx);
                        for (int r = 0; r < th && ty + r < h; r++)
                            Buffer.BlockCopy(tile, r * tw * bytesPerSample, raw, ((ty + r) * w + tx) * bytesPerSample, cols * bytesPerSample);
                    }
            }
            else if (!TryReadUncompressedStrips(t, compression, raw.AsSpan(0, expected)))
            {
                int stripSize = t.StripSize();
                int strips = t.NumberOfStrips();
                long offset = 0;
                for (int s = 0; s < strips && offset < expected; s++)
                {
                    int want = (int)Math.Min(stripSize, expected - offset);
                    int n = t.ReadEncodedStrip(s, raw, (int)offset, want);
                    if (n < 0) throw new InputException(path, $"page {page}: strip {s} unreadable (file truncated or corrupt)");
                    offset += n;
                }
                if (offset < expected) throw new InputException(path, $"page {page}: {offset} of {expected} bytes present (file truncated?)");
            }
        }
        catch (InputException) { throw; }
        catch (Exception e) { throw new InputException(path, $"page {page}: {OneLine(e.Message)}", e); }
    }

    /// <summary>
    /// Hot path for uncompressed strip pages in the machine's byte order (what our writer and most cameras produce): the
    /// strips are read straight from the file stream into <paramref name="raw"/>, one read per run of contiguous strips,
    /// instead of through LibTiff's per-strip decode buffers. False (nothing read) when the page is anything else.
    /// </summary>
    static bool TryReadUncompressedStrips(BitMiracle.LibTiff.Classic.Tiff t, Compression compression, Span<byte> raw)
    {
        if (DisableDirectStripRead || compression != Compression.NONE || t.IsByteSwapped() || t.Clientdata() is not Stream stream || !stream.CanSeek) return false;
        var offsets = t.GetField(TiffTag.STRIPOFFSETS)?[0].TolongArray();
        var counts = t.GetField(TiffTag.STRIPBYTECOUNTS)?[0].TolongArray();
        if (offsets is null || counts is null || offsets.Length != counts.Length || offsets.Length != t.NumberOfStrips()) return false;
        long length = stream.Length, filled = 0, expected = raw.Length;
        int s = 0;
        while (filled < expected && s < offsets.Length)
        {
            long start = offsets[s], bytes = 0;
            // one read for a run of strips that follow each other in the file
            while (s < offsets.Length && filled + bytes < expected && offsets[s] == start + bytes)
            {
                long take = Math.Min(counts[s], expected - filled - bytes);
                if (take <= 0) return false;
                bytes += take; s++;
            }
            if (start < 0 || start + bytes > length) return false; // let LibTiff report it
            stream.Seek(start, SeekOrigin.Begin);
            stream.ReadExactly(raw.Slice((int)filled, (int)bytes));
            filled += bytes;
        }
        return filled == expected;
    }

    /// <summary>Tests only: force the LibTiff strip path to compare it with the direct read.</summary>
    internal static bool DisableDirectStripRead { get; set; }

    static void Convert(byte[] raw, TiffSampleType type, Span<float> dst)
    {
        // raw may be a longer pooled buffer: only the first dst.Length samples are used
        switch (type)
        {
            case TiffSampleType.UInt8: for (int i = 0; i < dst.Length; i++) dst[i] = raw[i]; break;
            case TiffSampleType.UInt16: WidenUInt16(MemoryMarshal.Cast<byte, ushort>(raw.AsSpan())[..dst.Length], dst); break;
            case TiffSampleType.Int16: { var s = MemoryMarshal.Cast<byte, short>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case TiffSampleType.UInt32: { var s = MemoryMarshal.Cast<byte, uint>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case TiffSampleType.Int32: { var s = MemoryMarshal.Cast<byte, int>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case TiffSampleType.Float32: MemoryMarshal.Cast<byte, float>(raw)[..dst.Length].CopyTo(dst); break;
            case TiffSampleType.Float64: { var s = MemoryMarshal.Cast<byte, double>(raw); for (int i = 0; i < dst.Length; i++) dst[i] = (float)s[i]; break; }
        }
    }

    /// <summary>uint16 → float32 (exact), 16 values per step with SIMD.</summary>
    public static void WidenUInt16(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination too short");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort s0 = ref MemoryMarshal.GetReference(src);
            ref float d0 = ref MemoryMarshal.GetReference(dst);
            for (; i + 16 <= src.Length; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s0, (nuint)i));
                // values < 2^16: the signed conversion (one instruction) is exact
                Vector256.ConvertToSingle(lo.AsInt32()).StoreUnsafe(ref d0, (nuint)i);
                Vector256.ConvertToSingle(hi.AsInt32()).StoreUnsafe(ref d0, (nuint)(i + 8));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    internal static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    sealed class ThrowingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args) =>
            throw new IOException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public override void ErrorHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args) =>
            throw new IOException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public override void WarningHandler(BitMiracle.LibTiff.Classic.Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(BitMiracle.LibTiff.Classic.Tiff tif, object clientData, string method, string format, params object[] args) { }
    }
}

/// <summary>
/// Streams pages into a multi-page TIFF written atomically: pages go to a temporary file that
/// <see cref="Commit"/> renames into place; disposing without commit deletes it. Uses BigTIFF when the
/// expected size passes 4 GiB (or when asked). Sample type from <typeparamref name="T"/>: byte, ushort, uint, float.
/// </summary>
public sealed class TiffStackWriter<T> : IDisposable where T : unmanaged
{
    readonly BitMiracle.LibTiff.Classic.Tiff _tiff;
    readonly string _path, _tmp;
    readonly int _width, _height;
    readonly int _bits;
    readonly SampleFormat _format;
    int _page;
    bool _done;
    byte[]? _strip;

    TiffStackWriter(string path, string tmp, BitMiracle.LibTiff.Classic.Tiff tiff, int width, int height)
    {
        _path = path; _tmp = tmp; _tiff = tiff; _width = width; _height = height;
        (_bits, _format) = default(T) switch
        {
            byte => (8, SampleFormat.UINT),
            ushort => (16, SampleFormat.UINT),
            uint => (32, SampleFormat.UINT),
            int => (32, SampleFormat.INT),
            float => (32, SampleFormat.IEEEFP),
            double => (64, SampleFormat.IEEEFP),
            _ => throw new NotSupportedException($"TIFF sample type {typeof(T).Name}"),
        };
    }

    /// <summary>Opens a writer; <paramref name="expectedPages"/> decides BigTIFF when the data pass 4 GiB.</summary>
    public static TiffStackWriter<T> Create(string path, int width, int height, int expectedPages = 1, bool? bigTiff = null)
    {
        long bytes = (long)width * height * Marshal.SizeOf<T>() * Math.Max(1, expectedPages);
        bool big = bigTiff ?? bytes > 4_000_000_000L; // margin below 4 GiB for headers and offsets
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string tmp = AtomicFile.TempPathFor(path);
        var t = BitMiracle.LibTiff.Classic.Tiff.Open(tmp, big ? "w8" : "w") ?? throw new InputException(path, "cannot create file");
        return new TiffStackWriter<T>(path, tmp, t, width, height);
    }

    /// <summary>Appends one page (row-major, Width·Height samples).</summary>
    public void Append(ReadOnlySpan<T> page) => Append(page, null, null);

    /// <summary>
    /// Appends one page with its acquisition time: <paramref name="timeS"/> (s from the start of the experiment) as the
    /// ImageDescription JSON <c>{"time_s": …}</c> (machine-readable, full precision) and <paramref name="dateTime"/> as the TIFF
    /// DateTime tag (306, "YYYY:MM:DD HH:MM:SS", whole seconds). See <see cref="TiffFrameTimes"/>.
    /// </summary>
    public void Append(ReadOnlySpan<T> page, double? timeS, DateTime? dateTime)
    {
        if (page.Length != (long)_width * _height) throw new ArgumentException($"page holds {page.Length} samples, {_width}×{_height} expected");
        var t = _tiff;
        t.SetField(TiffTag.IMAGEWIDTH, _width);
        t.SetField(TiffTag.IMAGELENGTH, _height);
        t.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        t.SetField(TiffTag.BITSPERSAMPLE, _bits);
        t.SetField(TiffTag.SAMPLEFORMAT, _format);
        t.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        t.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        t.SetField(TiffTag.COMPRESSION, Compression.NONE);
        int rowBytes = _width * (_bits / 8);
        int rowsPerStrip = Math.Max(1, Math.Min(_height, (1 << 20) / Math.Max(1, rowBytes)));
        t.SetField(TiffTag.ROWSPERSTRIP, rowsPerStrip);
        t.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
        if (_page <= ushort.MaxValue) t.SetField(TiffTag.PAGENUMBER, (ushort)_page, (ushort)0); // a 16-bit tag: unnumbered past 65535 pages
        if (timeS is { } ts) t.SetField(TiffTag.IMAGEDESCRIPTION, TiffFrameTimes.Description(ts));
        if (dateTime is { } dt) t.SetField(TiffTag.DATETIME, dt.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        var bytes = MemoryMarshal.AsBytes(page);
        // one strip buffer per writer: a new ≥ 85 kB array per page is large-object garbage that piles up between collections
        if (_strip is null || _strip.Length != rowsPerStrip * rowBytes) _strip = new byte[rowsPerStrip * rowBytes];
        byte[] strip = _strip;
        for (int s = 0, row = 0; row < _height; s++, row += rowsPerStrip)
        {
            int rows = Math.Min(rowsPerStrip, _height - row);
            bytes.Slice(row * rowBytes, rows * rowBytes).CopyTo(strip);
            if (t.WriteEncodedStrip(s, strip, rows * rowBytes) < 0) throw new IOException($"{_path}: writing strip {s} of page {_page} failed");
        }
        if (!t.WriteDirectory()) throw new IOException($"{_path}: writing page {_page} failed");
        _page++;
    }

    public int PagesWritten => _page;

    /// <summary>Closes the file and moves it into place.</summary>
    public void Commit()
    {
        _tiff.Close();
        _done = true;
        AtomicFile.Commit(_tmp, _path);
    }

    public void Dispose()
    {
        if (_done) return;
        try { _tiff.Dispose(); } catch (IOException) { }
        AtomicFile.Abandon(_tmp);
        _done = true;
    }
}
