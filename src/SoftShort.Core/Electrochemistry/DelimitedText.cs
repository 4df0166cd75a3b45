using System.Globalization;
using System.Text;

namespace SoftShort.Electrochemistry;

/// <summary>
/// A delimited text table as instruments export it: header cells, data rows and their 1-based line numbers.
/// Handles a UTF-8 BOM, Windows-1252 text (EC-Lab writes "°C" that way), tab / ';' / ',' delimiters,
/// decimal commas (when the delimiter is not ','), quoted cells and blank trailing lines.
/// </summary>
public sealed class DelimitedText
{
    public required string Path { get; init; }
    public required string[] Header { get; init; }
    public required List<string[]> Rows { get; init; }
    public required List<int> LineNumbers { get; init; }
    public char Delimiter { get; init; }
    /// <summary>True when numbers use ',' as the decimal separator.</summary>
    public bool DecimalComma { get; init; }

    /// <summary>Reads all lines of a text file: UTF-8 (BOM stripped), falling back to Windows-1252/Latin-1 when the bytes are not valid UTF-8.</summary>
    public static string[] ReadLines(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new InputException(path, "file not found"); }
        catch (DirectoryNotFoundException) { throw new InputException(path, "folder not found"); }
        catch (IOException e) { throw new InputException(path, $"cannot read: {e.Message}"); }
        catch (UnauthorizedAccessException) { throw new InputException(path, "permission denied"); }
        if (bytes.Length == 0) throw new InputException(path, "file is empty");
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { text = Encoding.Latin1.GetString(bytes); }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        if (text.IndexOf('\0') >= 0) throw new InputException(path, "binary content, not a text export");
        return text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
    }

    /// <summary>Picks the delimiter of a header line: tab, then ';', then ','.</summary>
    public static char DetectDelimiter(string headerLine) =>
        headerLine.Contains('\t') ? '\t' : headerLine.Contains(';') ? ';' : ',';

    /// <summary>Parses lines[headerIndex] as the header and the following non-blank lines as rows.</summary>
    public static DelimitedText Parse(string path, string[] lines, int headerIndex)
    {
        if (headerIndex >= lines.Length) throw new InputException(path, $"truncated: header expected on line {headerIndex + 1} but the file has {lines.Length} lines");
        string headerLine = lines[headerIndex];
        char d = DetectDelimiter(headerLine);
        var header = Split(headerLine, d).Select(h => h.Trim()).ToArray();
        // EC-Lab ends each line with a tab: drop empty trailing header cells.
        int hn = header.Length;
        while (hn > 0 && header[hn - 1].Length == 0) hn--;
        header = header[..hn];
        var rows = new List<string[]>();
        var lineNos = new List<int>();
        for (int i = headerIndex + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = Split(lines[i], d);
            int n = cells.Length;
            while (n > hn && cells[n - 1].Trim().Length == 0) n--;
            if (n != hn) throw new InputException(path, $"line {i + 1}: {n} cells, the header has {hn}");
            rows.Add(n == cells.Length ? cells : cells[..n]);
            lineNos.Add(i + 1);
        }
        if (rows.Count == 0) throw new InputException(path, "no data rows after the header");
        bool comma = d != ',' && LooksDecimalComma(rows, hn);
        return new DelimitedText { Path = path, Header = header, Rows = rows, LineNumbers = lineNos, Delimiter = d, DecimalComma = comma };
    }

    static bool LooksDecimalComma(List<string[]> rows, int cols)
    {
        int n = Math.Min(rows.Count, 20);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < cols; c++)
            {
                string s = rows[r][c];
                if (s.Contains(',') && !s.Contains('.') && double.TryParse(s.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return true;
            }
        return false;
    }

    static string[] Split(string line, char d)
    {
        if (!line.Contains('"')) return line.Split(d);
        var cells = new List<string>();
        var sb = new StringBuilder();
        bool q = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (q)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') q = false;
                else sb.Append(ch);
            }
            else if (ch == '"') q = true;
            else if (ch == d) { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        cells.Add(sb.ToString());
        return cells.ToArray();
    }

    /// <summary>Index of the first header cell matching one of <paramref name="names"/> (compared case-insensitively with spaces and underscores removed), or -1.</summary>
    public int Find(params string[] names)
    {
        foreach (var n in names)
        {
            string key = Normalize(n);
            for (int i = 0; i < Header.Length; i++)
                if (Normalize(Header[i]) == key) return i;
        }
        return -1;
    }

    internal static string Normalize(string s) => new string(s.Where(c => c != ' ' && c != '_').ToArray()).ToLowerInvariant();

    /// <summary>Parses a numeric cell (decimal comma aware); NaN for an empty cell.</summary>
    public bool TryNumber(string cell, out double value)
    {
        string s = cell.Trim();
        if (s.Length == 0) { value = double.NaN; return false; }
        if (DecimalComma) s = s.Replace(',', '.');
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>A numeric column: every cell must parse, else an error naming the line and column.</summary>
    public double[] Numbers(int column, double scale = 1)
    {
        var v = new double[Rows.Count];
        for (int r = 0; r < Rows.Count; r++)
        {
            if (!TryNumber(Rows[r][column], out double x))
                throw new InputException(Path, $"line {LineNumbers[r]}: column '{Header[column]}' has '{Rows[r][column].Trim()}', not a finite number");
            v[r] = x * scale;
        }
        return v;
    }

    /// <summary>True when every cell of a column parses as a number.</summary>
    public bool IsNumeric(int column)
    {
        for (int r = 0; r < Rows.Count; r++)
        {
            string s = Rows[r][column].Trim();
            if (s.Length == 0) continue;
            if (DecimalComma) s = s.Replace(',', '.');
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        }
        return true;
    }
}
