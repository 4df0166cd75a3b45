using System.Globalization;
using System.Text.RegularExpressions;
using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>
/// Frame stacks from files: expands file names and globs (natural order: "frame_2" before "frame_10"), streams every page
/// of every (multi-page) TIFF and every FITS image (.fits/.fit/.fts) as float32, orders frames by the acquisition time their
/// metadata records (TIFF: <see cref="TiffFrameTimes"/>; FITS: TIME_S or DATE-OBS) with natural file-name order where there is
/// none, and reads per-frame times from a sidecar CSV (<c>time_s</c>, optional <c>current_A</c>, one row per frame in stack order).
/// </summary>
public static partial class FrameFiles
{
    /// <summary>Expands names and globs (* and ? in the file name part); an empty result is an error naming the option.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns, string option)
    {
        var files = new List<string>();
        foreach (var p in patterns)
        {
            if (p.IndexOfAny(['*', '?']) < 0)
            {
                if (!File.Exists(p)) throw new InputException(p, "file not found");
                files.Add(p);
                continue;
            }
            string dir = Path.GetDirectoryName(p) is { Length: > 0 } d ? d : ".";
            if (!Directory.Exists(dir)) throw new InputException(option, $"folder of '{p}' does not exist");
            var matched = Directory.GetFiles(dir, Path.GetFileName(p)).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
            matched.Sort(NaturalCompare);
            files.AddRange(matched);
        }
        if (files.Count == 0) throw new InputException(option, $"no files match '{string.Join(" ", patterns)}'");
        return files;
    }

    /// <summary>Natural string order: digit runs compare by value.</summary>
    public static int NaturalCompare(string? a, string? b)
    {
        a ??= ""; b ??= "";
        var ra = Digits().Split(a); var rb = Digits().Split(b);
        for (int i = 0; i < Math.Min(ra.Length, rb.Length); i++)
        {
            int c = long.TryParse(ra[i], out long x) && long.TryParse(rb[i], out long y) ? x.CompareTo(y) : string.CompareOrdinal(ra[i], rb[i]);
            if (c != 0) return c;
        }
        return ra.Length.CompareTo(rb.Length);
    }

    [GeneratedRegex(@"(\d+)")]
    private static partial Regex Digits();

    /// <summary>Shape, page count and sample type of a frame file: TIFF/BigTIFF (any page count) or FITS (one image, by extension).</summary>
    public static TiffInfo Info(string path)
    {
        if (!Fits.IsFitsPath(path)) return Tiff.ReadInfo(path);
        var f = Fits.ReadInfo(path);
        return new TiffInfo(path, f.Width, f.Height, 1, f.SampleType, false);
    }

    /// <summary>Streams the pages of one frame file (TIFF pages, or the one FITS image) as float32.</summary>
    public static IEnumerable<Image2D<float>> ReadPages(string path) =>
        Fits.IsFitsPath(path) ? [Fits.ReadImage(path)] : Tiff.ReadPagesAsFloat(path);

    /// <summary>
    /// Streams the pages of one frame file that holds unsigned 16-bit counts (TIFF pages, or a BITPIX-16/BZERO-32768 FITS image)
    /// as raw counts, each in a buffer from <paramref name="rent"/> (Width·Height values; the consumer may recycle it once done):
    /// half the bytes of float32, for <see cref="Normalizer.NormalizeRaw"/>. A page of another type or size is an
    /// <see cref="InputException"/> naming the file.
    /// </summary>
    public static IEnumerable<ushort[]> ReadPagesUInt16(string path, Func<ushort[]> rent)
    {
        if (Fits.IsFitsPath(path))
        {
            var info = Fits.ReadInfo(path);
            var b = rent();
            Fits.ReadUInt16Into(info, b.AsSpan(0, info.Width * info.Height));
            yield return b;
            yield break;
        }
        using var rd = TiffPageReader.Open(path);
        if (rd.SampleType != TiffSampleType.UInt16) throw new InputException(path, $"holds {rd.SampleType} samples, 16-bit unsigned expected");
        while (true)
        {
            var b = rent();
            if (!rd.ReadNextUInt16(b)) yield break;
            yield return b;
        }
    }

    /// <summary>Acquisition time of every page of a frame file, s (null where none is recorded): see <see cref="TiffFrameTimes"/> and <see cref="FitsInfo.TimeS"/>.</summary>
    public static double?[] Times(string path) => Fits.IsFitsPath(path) ? [Fits.ReadInfo(path).TimeS] : TiffFrameTimes.Read(path);

    /// <summary>Streams all pages of all files (float32), checking that every page has the size of the first.</summary>
    public static IEnumerable<(string File, int Page, Image2D<float> Image, TiffSampleType Type)> Read(IReadOnlyList<string> files)
    {
        int w = -1, h = -1;
        foreach (var f in files)
        {
            var info = Info(f);
            if (w < 0) { w = info.Width; h = info.Height; }
            else if (info.Width != w || info.Height != h) throw new InputException(f, $"is {info.Width}×{info.Height}, the first file is {w}×{h}");
            int page = 0;
            foreach (var img in ReadPages(f)) yield return (f, page++, img, info.SampleType);
        }
    }

    /// <summary>One frame of a stack: file, page and acquisition time (s; null when the file records none).</summary>
    public sealed record FrameRef(string File, int Page, double? TimeS);

    /// <summary>
    /// The frames of the files in acquisition order: by recorded time when every frame has one (ties keep file/page order),
    /// otherwise in the given order (natural file-name order from <see cref="Expand"/>, pages in order).
    /// </summary>
    public static IReadOnlyList<FrameRef> Ordered(IReadOnlyList<string> files)
    {
        var refs = new List<FrameRef>();
        foreach (var f in files)
        {
            var times = Times(f);
            for (int p = 0; p < times.Length; p++) refs.Add(new FrameRef(f, p, times[p]));
        }
        if (refs.Count > 0 && refs.All(r => r.TimeS.HasValue)) return refs.OrderBy(r => r.TimeS!.Value).ToList(); // OrderBy is stable
        return refs;
    }

    /// <summary>Streams frames in the given order (pages read sequentially while they come in file order), checking sizes.</summary>
    public static IEnumerable<(FrameRef Frame, Image2D<float> Image)> Read(IReadOnlyList<FrameRef> frames)
    {
        int w = -1, h = -1, i = 0;
        while (i < frames.Count)
        {
            var f = frames[i];
            var info = Info(f.File);
            if (w < 0) { w = info.Width; h = info.Height; }
            else if (info.Width != w || info.Height != h) throw new InputException(f.File, $"is {info.Width}×{info.Height}, the first file is {w}×{h}");
            // a run of consecutive pages 0, 1, 2, … of one file streams; anything else is read page by page
            int run = 0;
            while (i + run < frames.Count && frames[i + run].File == f.File && frames[i + run].Page == run) run++;
            if (run > 0 && f.Page == 0)
            {
                int k = 0;
                foreach (var img in ReadPages(f.File))
                {
                    if (k >= run) break;
                    yield return (frames[i + k], img);
                    k++;
                }
                i += run;
            }
            else
            {
                yield return (f, Fits.IsFitsPath(f.File) ? Fits.ReadImage(f.File) : Tiff.ReadPageAsFloat(f.File, f.Page));
                i++;
            }
        }
    }

    /// <summary>Reads all pages of the files into memory (for small OB/DF stacks).</summary>
    public static List<Image2D<float>> ReadAll(IReadOnlyList<string> files, out TiffSampleType type)
    {
        var list = new List<Image2D<float>>();
        type = TiffSampleType.Float32;
        foreach (var (_, _, img, t) in Read(files)) { list.Add(img); type = t; }
        return list;
    }

    /// <summary>Reads a frame-time sidecar CSV: header with <c>time_s</c> (required) and <c>current_A</c> (optional).</summary>
    public static (double[] TimeS, double[] CurrentA) ReadTimes(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "file not found");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) throw new InputException(path, "no rows");
        var head = lines[0].Split(',');
        int it = Array.IndexOf(head, "time_s"), ic = Array.IndexOf(head, "current_A");
        if (it < 0) throw new InputException(path, "no 'time_s' column");
        var t = new double[lines.Length - 1]; var c = new double[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != head.Length) throw new InputException(path, $"row {i} has {cells.Length} cells, header has {head.Length}");
            if (!double.TryParse(cells[it], NumberStyles.Float, CultureInfo.InvariantCulture, out t[i - 1]) || !double.IsFinite(t[i - 1]))
                throw new InputException(path, $"row {i}: time_s '{cells[it]}' is not a number");
            c[i - 1] = ic >= 0 && double.TryParse(cells[ic], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
        }
        return (t, c);
    }
}
