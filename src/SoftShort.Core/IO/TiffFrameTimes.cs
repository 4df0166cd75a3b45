using System.Globalization;
using System.Text.Json;
using BitMiracle.LibTiff.Classic;

namespace SoftShort.IO;

/// <summary>
/// Per-page acquisition times in TIFF metadata. Written by <see cref="TiffStackWriter{T}.Append(ReadOnlySpan{T}, double?, DateTime?)"/>
/// (and so by <c>softshort synth radiography</c> and <c>radiography normalize</c>): the ImageDescription tag (270) holds the JSON
/// <c>{"time_s": 1234.5}</c> (s from the start of the experiment, start of exposure) and the DateTime tag (306) the absolute time
/// "YYYY:MM:DD HH:MM:SS". Reading prefers time_s; a page with only DateTime gets its seconds since 1970-01-01 (UTC assumed), so
/// that frames from other software still sort by acquisition time; a page with neither has no time (null).
/// </summary>
public static class TiffFrameTimes
{
    /// <summary>The ImageDescription text for a time.</summary>
    public static string Description(double timeS) => $"{{\"time_s\": {timeS.ToString("R", CultureInfo.InvariantCulture)}}}";

    /// <summary>Acquisition time of every page of a TIFF (null where none is recorded).</summary>
    public static double?[] Read(string path)
    {
        using var t = Tiff.Open(path);
        try
        {
            int pages = t.NumberOfDirectories();
            var times = new double?[pages];
            for (short p = 0; p < pages; p++)
            {
                if (!t.SetDirectory(p)) throw new InputException(path, $"page {p} cannot be read (file truncated?)");
                times[p] = Parse(t.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString(), t.GetField(TiffTag.DATETIME)?[0].ToString());
            }
            return times;
        }
        catch (InputException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InputException(path, $"corrupt TIFF metadata ({Tiff.OneLine(e.Message)})", e);
        }
    }

    /// <summary>time_s from a JSON ImageDescription, else the DateTime tag as seconds since 1970 (UTC); null when neither parses.</summary>
    public static double? Parse(string? description, string? dateTime)
    {
        if (description is { Length: > 0 } d && d.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(d);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("time_s", out var e) && e.ValueKind == JsonValueKind.Number
                    && e.TryGetDouble(out double v) && double.IsFinite(v)) return v;
            }
            catch (JsonException) { }
        }
        if (dateTime is { Length: > 0 } s && DateTime.TryParseExact(s.Trim().TrimEnd('\0'), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dt))
            return (dt - DateTime.UnixEpoch).TotalSeconds;
        return null;
    }
}
