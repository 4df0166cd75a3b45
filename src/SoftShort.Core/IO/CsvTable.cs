using System.Globalization;
using System.Text;

namespace SoftShort.IO;

/// <summary>
/// Writes tables as CSV the way CONVENTIONS.md asks: a header of <c>snake_case_with_unit</c> names,
/// '.' as decimal separator, UTF-8, written atomically. NaN is written as an empty field.
/// </summary>
public static class CsvTable
{
    /// <summary>Writes equally long numeric columns.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> columns)
    {
        if (columns.Count == 0) throw new ArgumentException("no columns", nameof(columns));
        int n = columns[0].Values.Count;
        foreach (var c in columns)
            if (c.Values.Count != n)
                throw new InputException(path, $"column '{c.Name}' has {c.Values.Count} rows, expected {n}");
        AtomicFile.WriteAllText(path, Format(columns));
    }

    /// <summary>Formats columns as CSV text.</summary>
    public static string Format(IReadOnlyList<(string Name, IReadOnlyList<double> Values)> columns)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(c => c.Name)).Append('\n');
        int n = columns.Count == 0 ? 0 : columns[0].Values.Count;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < columns.Count; j++)
            {
                if (j > 0) sb.Append(',');
                double v = columns[j].Values[i];
                if (!double.IsNaN(v)) sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes rows of mixed text/number cells (already formatted by the caller with the invariant culture).</summary>
    public static void WriteRows(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', header).Append('\n');
        foreach (var r in rows)
        {
            if (r.Count != header.Count) throw new InputException(path, $"row has {r.Count} cells, header has {header.Count}");
            sb.AppendJoin(',', r.Select(Quote)).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
