using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>What the primary HDU of a FITS file holds.</summary>
/// <param name="Path">File.</param>
/// <param name="Width">NAXIS1, px.</param>
/// <param name="Height">NAXIS2, px.</param>
/// <param name="Bitpix">BITPIX: 8, 16, 32, −32 or −64.</param>
/// <param name="BZero">BZERO (physical = BZERO + BSCALE · stored).</param>
/// <param name="BScale">BSCALE.</param>
/// <param name="DataOffset">Byte offset of the data (after the header blocks).</param>
/// <param name="Keywords">Header keywords (upper case) and their raw values (strings without quotes).</param>
public sealed record FitsInfo(string Path, int Width, int Height, int Bitpix, double BZero, double BScale, long DataOffset, IReadOnlyDictionary<string, string> Keywords)
{
    /// <summary>The sample type this maps to: BITPIX 16 with BZERO 32768 (and BSCALE 1) is unsigned 16-bit (FITS standard 4.0, §5.3).</summary>
    public TiffSampleType SampleType => (Bitpix, BZero, BScale) switch
    {
        (8, _, _) => TiffSampleType.UInt8,
        (16, 32768, 1) => TiffSampleType.UInt16,
        (16, _, _) => TiffSampleType.Int16,
        (32, 2147483648, 1) => TiffSampleType.UInt32,
        (32, _, _) => TiffSampleType.Int32,
        (-32, _, _) => TiffSampleType.Float32,
        _ => TiffSampleType.Float64,
    };

    /// <summary>
    /// Acquisition time of the frame, s: the keyword TIME_S (seconds from the start of the experiment, written by
    /// <c>softshort synth radiography --format fits</c>) when present, else DATE-OBS (ISO 8601, start of exposure, UTC) as seconds
    /// since 1970-01-01; null when neither is there. EXPTIME (s) is read by <see cref="ExposureS"/> and not added: a frame's time is
    /// the start of its exposure, as for the TIFF frames.
    /// </summary>
    public double? TimeS
    {
        get
        {
            if (Keywords.TryGetValue("TIME_S", out var ts) && double.TryParse(ts, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && double.IsFinite(t)) return t;
            if (Keywords.TryGetValue("DATE-OBS", out var d) && DateTime.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
                return (dt - DateTime.UnixEpoch).TotalSeconds;
            return null;
        }
    }

    /// <summary>EXPTIME, s (null when absent).</summary>
    public double? ExposureS => Keywords.TryGetValue("EXPTIME", out var e) && double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
}

/// <summary>
/// FITS (Flexible Image Transport System, FITS standard 4.0, IAU FWG 2016) primary-HDU images: the format neutron imaging
/// beamlines (e.g. ORNL CG1D) write. Reads BITPIX 8/16/32/−32/−64 with BZERO/BSCALE, writes BITPIX 16 (unsigned via
/// BZERO = 32768) and −32. Headers are 80-character ASCII cards in 2880-byte blocks; data are big-endian, padded to a block.
/// <para><b>Row order.</b> FITS stores the first row (NAXIS2 = 1) at the bottom of the image (y up, as DS9 displays it); our images
/// are top-down (row 0 = top). We therefore write our last row first and flip on reading, so that a FITS viewer shows a frame the
/// same way up as the TIFF of the same frame, and a FITS → TIFF → FITS round trip is the identity.</para>
/// Every problem becomes a one-line <see cref="InputException"/> naming the file; nothing is read past what the file holds.
/// </summary>
public static class Fits
{
    const int Block = 2880, Card = 80;
    /// <summary>Header blocks read at most before giving up (36 cards each): guards against files without END.</summary>
    const int MaxHeaderBlocks = 1000;

    /// <summary>True for the usual FITS file extensions (.fits, .fit, .fts, case-insensitive).</summary>
    public static bool IsFitsPath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".fits" or ".fit" or ".fts";

    /// <summary>Reads the primary header (and checks that the data fit in the file).</summary>
    public static FitsInfo ReadInfo(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        try
        {
            using var fs = File.OpenRead(path);
            return ReadHeader(fs, path);
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, $"unreadable FITS file ({Tiff.OneLine(e.Message)})", e);
        }
    }

    static FitsInfo ReadHeader(Stream fs, string path)
    {
        var kw = new Dictionary<string, string>(StringComparer.Ordinal);
        var buf = new byte[Block];
        bool end = false;
        int blocks = 0;
        while (!end)
        {
            if (blocks >= MaxHeaderBlocks) throw new InputException(path, $"no END card in the first {MaxHeaderBlocks} header blocks: not a FITS file");
            if (fs.ReadAtLeast(buf, Block, throwOnEndOfStream: false) < Block)
                throw new InputException(path, blocks == 0 ? "shorter than one 2880-byte FITS block: not a FITS file" : "header truncated (no END card)");
            for (int c = 0; c < Block / Card; c++)
            {
                var card = Encoding.ASCII.GetString(buf, c * Card, Card);
                if (blocks == 0 && c == 0 && !card.StartsWith("SIMPLE  =", StringComparison.Ordinal)) throw new InputException(path, "does not start with SIMPLE = T: not a FITS file");
                string key = card[..8].TrimEnd();
                if (key == "END") { end = true; break; }
                if (card.Length < 10 || card[8] != '=' || key.Length == 0) continue; // COMMENT, HISTORY, blank
                kw.TryAdd(key, Value(card[10..]));
            }
            blocks++;
        }
        if (!kw.TryGetValue("SIMPLE", out var simple) || simple != "T") throw new InputException(path, "SIMPLE is not T: not a standard FITS file");
        int bitpix = Int(kw, "BITPIX", path);
        if (bitpix is not (8 or 16 or 32 or -32 or -64)) throw new InputException(path, $"BITPIX {bitpix} is not one of 8, 16, 32, -32, -64");
        int naxis = Int(kw, "NAXIS", path);
        if (naxis < 2) throw new InputException(path, $"NAXIS = {naxis}: the primary HDU holds no image");
        int w = Int(kw, "NAXIS1", path), h = Int(kw, "NAXIS2", path);
        for (int a = 3; a <= naxis; a++)
            if (Int(kw, $"NAXIS{a}", path) != 1) throw new InputException(path, $"NAXIS = {naxis} with NAXIS{a} ≠ 1: one image per file is expected");
        if (w <= 0 || h <= 0) throw new InputException(path, $"image size {w}×{h} is not positive");
        double bzero = Dbl(kw, "BZERO", path, 0), bscale = Dbl(kw, "BSCALE", path, 1);
        long offset = (long)blocks * Block;
        long bytes = (long)w * h * (Math.Abs(bitpix) / 8);
        if (bytes > Array.MaxLength || offset + bytes > fs.Length)
            throw new InputException(path, $"{w}×{h} pixels of BITPIX {bitpix} need {bytes} bytes of data, the file holds {Math.Max(0, fs.Length - offset)} after the header (truncated?)");
        return new FitsInfo(path, w, h, bitpix, bzero, bscale, offset, kw);
    }

    static string Value(string s)
    {
        s = s.Trim();
        if (s.StartsWith('\''))
        {
            // quoted string, '' is an escaped quote; a comment may follow the closing quote
            var sb = new StringBuilder();
            for (int i = 1; i < s.Length; i++)
            {
                if (s[i] == '\'') { if (i + 1 < s.Length && s[i + 1] == '\'') { sb.Append('\''); i++; continue; } break; }
                sb.Append(s[i]);
            }
            return sb.ToString().TrimEnd();
        }
        int slash = s.IndexOf('/');
        return (slash >= 0 ? s[..slash] : s).Trim();
    }

    static int Int(Dictionary<string, string> kw, string key, string path)
    {
        if (!kw.TryGetValue(key, out var v)) throw new InputException(path, $"header has no {key}");
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) throw new InputException(path, $"{key} = '{v}' is not an integer");
        return i;
    }

    static double Dbl(Dictionary<string, string> kw, string key, string path, double def)
    {
        if (!kw.TryGetValue(key, out var v)) return def;
        if (!double.TryParse(v.Replace('D', 'E'), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d)) throw new InputException(path, $"{key} = '{v}' is not a number");
        return d;
    }

    /// <summary>Reads the primary image as float32 (physical values BZERO + BSCALE · stored), top-down (see the class summary).</summary>
    public static Image2D<float> ReadImage(string path)
    {
        var info = ReadInfo(path);
        var img = new Image2D<float>(info.Width, info.Height);
        ReadInto(info, img.Pixels);
        return img;
    }

    /// <summary>Reads the image described by <paramref name="info"/> into <paramref name="dst"/> (Width·Height, top-down).</summary>
    public static void ReadInto(FitsInfo info, Span<float> dst)
    {
        int w = info.Width, h = info.Height, bpp = Math.Abs(info.Bitpix) / 8;
        if (dst.Length != (long)w * h) throw new ArgumentException("destination size");
        var row = new byte[w * bpp];
        try
        {
            using var fs = File.OpenRead(info.Path);
            fs.Seek(info.DataOffset, SeekOrigin.Begin);
            double z = info.BZero, s = info.BScale;
            for (int fr = 0; fr < h; fr++)
            {
                if (fs.ReadAtLeast(row, row.Length, throwOnEndOfStream: false) < row.Length) throw new InputException(info.Path, $"data truncated at FITS row {fr + 1} of {h}");
                var d = dst.Slice((h - 1 - fr) * w, w); // FITS row 1 is the bottom row
                for (int x = 0; x < w; x++)
                {
                    var b = row.AsSpan(x * bpp, bpp);
                    double v = info.Bitpix switch
                    {
                        8 => b[0],
                        16 => BinaryPrimitives.ReadInt16BigEndian(b),
                        32 => BinaryPrimitives.ReadInt32BigEndian(b),
                        -32 => BinaryPrimitives.ReadSingleBigEndian(b),
                        _ => BinaryPrimitives.ReadDoubleBigEndian(b),
                    };
                    d[x] = (float)(z + s * v);
                }
            }
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(info.Path, $"unreadable FITS data ({Tiff.OneLine(e.Message)})", e);
        }
    }

    /// <summary>
    /// Reads an unsigned 16-bit image (BITPIX 16, BZERO 32768, BSCALE 1: <see cref="FitsInfo.SampleType"/> UInt16) as its raw
    /// counts into <paramref name="dst"/> (Width·Height, top-down): the same values <see cref="ReadInto"/> gives as float.
    /// </summary>
    public static void ReadUInt16Into(FitsInfo info, Span<ushort> dst)
    {
        if (info.SampleType != TiffSampleType.UInt16) throw new InputException(info.Path, $"holds {info.SampleType} samples (BITPIX {info.Bitpix}, BZERO {info.BZero}), 16-bit unsigned expected");
        int w = info.Width, h = info.Height;
        if (dst.Length != (long)w * h) throw new ArgumentException("destination size");
        var row = new byte[w * 2];
        try
        {
            using var fs = File.OpenRead(info.Path);
            fs.Seek(info.DataOffset, SeekOrigin.Begin);
            for (int fr = 0; fr < h; fr++)
            {
                if (fs.ReadAtLeast(row, row.Length, throwOnEndOfStream: false) < row.Length) throw new InputException(info.Path, $"data truncated at FITS row {fr + 1} of {h}");
                var d = dst.Slice((h - 1 - fr) * w, w); // FITS row 1 is the bottom row
                // stored big-endian int16 s, physical s + 32768: flipping the sign bit of the big-endian word gives the uint16
                for (int x = 0; x < w; x++) d[x] = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(2 * x, 2)) ^ 0x8000);
            }
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(info.Path, $"unreadable FITS data ({Tiff.OneLine(e.Message)})", e);
        }
    }

    /// <summary>Writes unsigned 16-bit counts (BITPIX 16, BZERO 32768), atomically.</summary>
    /// <param name="path">File.</param>
    /// <param name="pixels">Row-major, top-down.</param>
    /// <param name="width">Width, px.</param>
    /// <param name="height">Height, px.</param>
    /// <param name="timeS">Acquisition time (start of exposure), s from the start of the experiment: written as TIME_S.</param>
    /// <param name="dateObs">Absolute start of exposure (UTC): DATE-OBS.</param>
    /// <param name="exposureS">Exposure, s: EXPTIME.</param>
    public static void WriteUInt16(string path, ReadOnlySpan<ushort> pixels, int width, int height, double? timeS = null, DateTime? dateObs = null, double? exposureS = null)
    {
        var data = new byte[(long)width * height * 2];
        for (int fr = 0; fr < height; fr++)
        {
            var src = pixels.Slice((height - 1 - fr) * width, width);
            for (int x = 0; x < width; x++) BinaryPrimitives.WriteInt16BigEndian(data.AsSpan((fr * width + x) * 2), (short)(src[x] - 32768));
        }
        Write(path, 16, width, height, data, timeS, dateObs, exposureS, bzero: 32768);
    }

    /// <summary>Writes float32 values (BITPIX −32), atomically; parameters as <see cref="WriteUInt16"/>.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> pixels, int width, int height, double? timeS = null, DateTime? dateObs = null, double? exposureS = null)
    {
        var data = new byte[(long)width * height * 4];
        for (int fr = 0; fr < height; fr++)
        {
            var src = pixels.Slice((height - 1 - fr) * width, width);
            for (int x = 0; x < width; x++) BinaryPrimitives.WriteSingleBigEndian(data.AsSpan((fr * width + x) * 4), src[x]);
        }
        Write(path, -32, width, height, data, timeS, dateObs, exposureS, bzero: null);
    }

    static void Write(string path, int bitpix, int w, int h, byte[] data, double? timeS, DateTime? dateObs, double? exposureS, double? bzero)
    {
        var cards = new List<string>
        {
            CardOf("SIMPLE", "T", "conforms to FITS standard 4.0"),
            CardOf("BITPIX", bitpix.ToString(CultureInfo.InvariantCulture), bitpix == 16 ? "16-bit integers" : "IEEE float32"),
            CardOf("NAXIS", "2", null),
            CardOf("NAXIS1", w.ToString(CultureInfo.InvariantCulture), "width, px"),
            CardOf("NAXIS2", h.ToString(CultureInfo.InvariantCulture), "height, px (row 1 = bottom)"),
        };
        if (bzero is { } z)
        {
            cards.Add(CardOf("BZERO", z.ToString("R", CultureInfo.InvariantCulture), "unsigned 16-bit: physical = stored + 32768"));
            cards.Add(CardOf("BSCALE", "1", null));
        }
        if (dateObs is { } d) cards.Add(CardOf("DATE-OBS", $"'{d.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture)}'", "start of exposure, UTC"));
        if (exposureS is { } e) cards.Add(CardOf("EXPTIME", e.ToString("R", CultureInfo.InvariantCulture), "exposure, s"));
        if (timeS is { } t) cards.Add(CardOf("TIME_S", t.ToString("R", CultureInfo.InvariantCulture), "start of exposure, s from start of experiment"));
        cards.Add("END".PadRight(Card));
        var header = string.Concat(cards);
        int headerBytes = (header.Length + Block - 1) / Block * Block;
        long dataBytes = (data.LongLength + Block - 1) / Block * Block;
        AtomicFile.Write(path, s =>
        {
            var hb = new byte[headerBytes];
            hb.AsSpan().Fill((byte)' ');
            Encoding.ASCII.GetBytes(header, hb);
            s.Write(hb);
            s.Write(data);
            s.Write(new byte[dataBytes - data.LongLength]); // data padding: zeros
        });
    }

    static string CardOf(string key, string value, string? comment)
    {
        string c = key.PadRight(8) + "= " + value.PadLeft(value.StartsWith('\'') ? 0 : 20);
        if (comment is not null) c += " / " + comment;
        return c.Length > Card ? c[..Card] : c.PadRight(Card);
    }
}
