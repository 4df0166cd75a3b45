using System.Globalization;
using System.Text.RegularExpressions;
using SoftShort.Imaging;

namespace SoftShort.IO;

/// <summary>
/// Frame stacks from files: expands file names and globs (natural order: "frame_2" before "frame_10"), streams every page
/// of every (multi-page) TIFF as float32, and reads per-frame acquisition times from a sidecar CSV
/// (<c>time_s</c>, optional <c>current_A</c>, one row per frame in stack order) as <c>softshort synth radiography</c> writes it.
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

    /// <summary>Streams all pages of all files (float32), checking that every page has the size of the first.</summary>
    public static IEnumerable<(string File, int Page, Image2D<float> Image, TiffSampleType Type)> Read(IReadOnlyList<string> files)
    {
        int w = -1, h = -1;
        foreach (var f in files)
        {
            var info = Tiff.ReadInfo(f);
            if (w < 0) { w = info.Width; h = info.Height; }
            else if (info.Width != w || info.Height != h) throw new InputException(f, $"is {info.Width}×{info.Height}, the first file is {w}×{h}");
            int page = 0;
            foreach (var img in Tiff.ReadPagesAsFloat(f)) yield return (f, page++, img, info.SampleType);
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
