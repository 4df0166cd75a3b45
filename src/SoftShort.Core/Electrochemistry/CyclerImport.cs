using System.Globalization;
using Microsoft.Data.Analysis;

namespace SoftShort.Electrochemistry;

/// <summary>Cycler export formats <see cref="CyclerImport"/> reads.</summary>
public enum CyclerFormat { Auto, BioLogic, Arbin, Neware, Generic }

/// <summary>The canonical column names of an imported cycler trace (CONVENTIONS.md units in the names).</summary>
public static class CyclerColumns
{
    public const string TimeS = "time_s", VoltageV = "voltage_V", CurrentA = "current_A", CapacityMAh = "capacity_mAh", Cycle = "cycle", Step = "step";
    public static readonly string[] Required = [TimeS, VoltageV, CurrentA];
    public static readonly string[] All = [TimeS, VoltageV, CurrentA, CapacityMAh, Cycle, Step];
}

/// <summary>
/// Imports cycler exports into a <see cref="DataFrame"/> with the canonical columns time_s, voltage_V, current_A,
/// capacity_mAh, cycle, step (see <see cref="CyclerColumns"/>), followed by every other column of the file unchanged
/// (numeric columns as doubles, others as text).
/// <list type="bullet">
/// <item>BioLogic EC-Lab / BT-Lab text export (<c>.mpt</c>): "EC-Lab ASCII FILE", "Nb header lines : N" (N counts the
/// column-header line), tab separated, decimal point or comma; <c>time/s</c>, <c>Ewe/V</c> (or <c>Ecell/V</c>),
/// <c>&lt;I&gt;/mA</c> or <c>I/mA</c>, <c>(Q-Qo)/mA.h</c>, <c>cycle number</c>, <c>Ns</c>.</item>
/// <item>Arbin MITS Pro / MITS 8 CSV: <c>Test_Time(s)</c> or <c>Test Time (s)</c>, <c>Voltage(V)</c>, <c>Current(A)</c>,
/// <c>Charge_Capacity(Ah)</c>, <c>Discharge_Capacity(Ah)</c>, <c>Cycle_Index</c>, <c>Step_Index</c>.</item>
/// <item>Neware BTS CSV (record sheet): <c>Total Time</c> (h:mm:ss[.fff], optionally "d-") or <c>Time(h:min:s.ms)</c>,
/// <c>Voltage(V)</c>, <c>Current(mA)</c>, <c>Capacity(mAh)</c> or <c>Chg. Cap.(mAh)</c>/<c>DChg. Cap.(mAh)</c>,
/// <c>Cycle Index</c>/<c>Cycle ID</c>, <c>Step Index</c>/<c>Step ID</c>.</item>
/// <item>Generic CSV: the canonical names, or any names with a user mapping <c>canonical=file column</c>
/// (e.g. <c>time_s=t,voltage_V=U</c>; a unit suffix <c>*1e-3</c> scales: <c>current_A=I_mA*1e-3</c>).</item>
/// </list>
/// Rules: time must be strictly increasing (non-decreasing tolerated for repeated EC-Lab records); required
/// columns must be finite numbers on every row; errors name the file and line.
/// </summary>
public static class CyclerImport
{
    /// <summary>Reads a cycler export. <paramref name="mapping"/> (generic CSV only) maps canonical names to file columns.</summary>
    public static DataFrame Read(string path, CyclerFormat format = CyclerFormat.Auto, IReadOnlyDictionary<string, string>? mapping = null)
    {
        var lines = DelimitedText.ReadLines(path);
        if (format == CyclerFormat.Auto) format = Detect(path, lines, mapping);
        return format switch
        {
            CyclerFormat.BioLogic => ReadBioLogic(path, lines),
            CyclerFormat.Arbin => FromTable(DelimitedText.Parse(path, lines, FirstNonBlank(lines)), ArbinMap),
            CyclerFormat.Neware => ReadNeware(path, lines),
            _ => ReadGeneric(path, lines, mapping),
        };
    }

    /// <summary>Parses "canonical=column,canonical=column" into a mapping (for the CLI's --map).</summary>
    public static Dictionary<string, string> ParseMapping(string? text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return map;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            InputException.Require(eq > 0 && eq < part.Length - 1, "--map", $"'{part}' is not canonical=column");
            string key = part[..eq].Trim();
            InputException.Require(CyclerColumns.All.Contains(key), "--map", $"'{key}' is not a canonical column ({string.Join(", ", CyclerColumns.All)})");
            map[key] = part[(eq + 1)..].Trim();
        }
        return map;
    }

    /// <summary>Recognises the format from the first lines.</summary>
    public static CyclerFormat Detect(string path, string[] lines, IReadOnlyDictionary<string, string>? mapping = null)
    {
        int first = FirstNonBlank(lines);
        string head = lines[first].Trim();
        if (head.StartsWith("EC-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase) || head.StartsWith("BT-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase))
            return CyclerFormat.BioLogic;
        if (mapping is { Count: > 0 }) return CyclerFormat.Generic;
        var keys = lines[first].Split(DelimitedText.DetectDelimiter(lines[first])).Select(s => DelimitedText.Normalize(s.Trim().Trim('"'))).ToHashSet();
        if (keys.Contains("testtime(s)") && keys.Contains("voltage(v)")) return CyclerFormat.Arbin;
        if (keys.Contains("voltage(v)") && (keys.Contains("totaltime") || keys.Contains("time(h:min:s.ms)") || keys.Contains("steptype") || keys.Contains("cycleindex") && keys.Contains("current(ma)")))
            return CyclerFormat.Neware;
        if (CyclerColumns.Required.All(r => keys.Contains(DelimitedText.Normalize(r)))) return CyclerFormat.Generic;
        throw new InputException(path, $"unknown cycler export format (not BioLogic .mpt, Arbin or Neware CSV, nor a CSV with {string.Join(", ", CyclerColumns.Required)}); columns found: {string.Join(", ", lines[first].Split(DelimitedText.DetectDelimiter(lines[first])).Select(s => s.Trim()))}; give a mapping (--map time_s=…,voltage_V=…,current_A=…)");
    }

    static int FirstNonBlank(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++) if (!string.IsNullOrWhiteSpace(lines[i])) return i;
        return 0;
    }

    /// <summary>The number of header lines of an EC-Lab text export ("Nb header lines : N"; 1 when the file has only the column line).</summary>
    public static int BioLogicHeaderLines(string path, string[] lines)
    {
        for (int i = 0; i < Math.Min(lines.Length, 5); i++)
        {
            string l = lines[i];
            if (l.StartsWith("Nb header lines", StringComparison.OrdinalIgnoreCase))
            {
                int colon = l.IndexOf(':');
                if (colon < 0 || !int.TryParse(l[(colon + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 3)
                    throw new InputException(path, $"line {i + 1}: cannot read the header-line count from '{l.Trim()}'");
                if (n > lines.Length) throw new InputException(path, $"truncated: the header announces {n} lines but the file has {lines.Length}");
                return n;
            }
        }
        throw new InputException(path, "EC-Lab file without a 'Nb header lines : N' line in its first 5 lines");
    }

    static DataFrame ReadBioLogic(string path, string[] lines)
    {
        int n = BioLogicHeaderLines(path, lines);
        var t = DelimitedText.Parse(path, lines, n - 1);
        return FromTable(t, BioLogicMap);
    }

    static readonly (string Canonical, string[] Names, double Scale)[] BioLogicMap =
    [
        (CyclerColumns.TimeS, ["time/s"], 1),
        (CyclerColumns.VoltageV, ["Ewe/V", "Ecell/V", "<Ewe>/V", "<Ewe/V>"], 1),
        (CyclerColumns.CurrentA, ["<I>/mA", "I/mA", "control/mA"], 1e-3),
        (CyclerColumns.CapacityMAh, ["(Q-Qo)/mA.h", "(Q-Qo)/mAh", "Capacity/mA.h", "Q charge/discharge/mA.h"], 1),
        (CyclerColumns.Cycle, ["cycle number"], 1),
        (CyclerColumns.Step, ["Ns"], 1),
    ];

    static readonly (string Canonical, string[] Names, double Scale)[] ArbinMap =
    [
        (CyclerColumns.TimeS, ["Test_Time(s)", "Test Time (s)"], 1),
        (CyclerColumns.VoltageV, ["Voltage(V)", "Voltage (V)"], 1),
        (CyclerColumns.CurrentA, ["Current(A)", "Current (A)"], 1),
        (CyclerColumns.Cycle, ["Cycle_Index", "Cycle Index"], 1),
        (CyclerColumns.Step, ["Step_Index", "Step Index"], 1),
    ];

    static DataFrame FromTable(DelimitedText t, (string Canonical, string[] Names, double Scale)[] map, Func<DelimitedText, string, double[]?>? special = null)
    {
        var used = new HashSet<int>();
        var canon = new Dictionary<string, double[]>();
        foreach (var (name, names, scale) in map)
        {
            double[]? v = special?.Invoke(t, name);
            if (v is null)
            {
                int idx = t.Find(names);
                if (idx < 0) continue;
                used.Add(idx);
                v = t.Numbers(idx, scale);
            }
            canon[name] = v;
        }
        // Arbin: capacity = charge − discharge capacity (Ah → mAh).
        if (!canon.ContainsKey(CyclerColumns.CapacityMAh))
        {
            int ch = t.Find("Charge_Capacity(Ah)", "Charge Capacity (Ah)"), dc = t.Find("Discharge_Capacity(Ah)", "Discharge Capacity (Ah)");
            if (ch >= 0 && dc >= 0)
            {
                double[] c = t.Numbers(ch), d = t.Numbers(dc);
                canon[CyclerColumns.CapacityMAh] = c.Select((x, i) => (x - d[i]) * 1e3).ToArray();
            }
        }
        return Build(t, canon, used);
    }

    static DataFrame Build(DelimitedText t, Dictionary<string, double[]> canon, HashSet<int> used)
    {
        var missing = CyclerColumns.Required.Where(r => !canon.ContainsKey(r)).ToList();
        if (missing.Count > 0)
            throw new InputException(t.Path, $"missing required column(s) {string.Join(", ", missing)}; columns found: {string.Join(", ", t.Header)}");
        var time = canon[CyclerColumns.TimeS];
        for (int i = 1; i < time.Length; i++)
            if (time[i] < time[i - 1])
                throw new InputException(t.Path, $"line {t.LineNumbers[i]}: time goes backwards ({time[i - 1].ToString("R", CultureInfo.InvariantCulture)} s then {time[i].ToString("R", CultureInfo.InvariantCulture)} s)");
        if (!canon.ContainsKey(CyclerColumns.CapacityMAh))
            canon[CyclerColumns.CapacityMAh] = IntegrateMAh(time, canon[CyclerColumns.CurrentA]);
        var df = new DataFrame();
        foreach (var name in CyclerColumns.All)
            if (canon.TryGetValue(name, out var v)) df.Columns.Add(new DoubleDataFrameColumn(name, v));
        var names = new HashSet<string>(CyclerColumns.All);
        for (int c = 0; c < t.Header.Length; c++)
        {
            if (used.Contains(c)) continue;
            string name = t.Header[c].Length == 0 ? $"column_{c + 1}" : t.Header[c];
            while (!names.Add(name)) name += "_";
            if (t.IsNumeric(c))
            {
                var col = new double[t.Rows.Count];
                for (int r = 0; r < col.Length; r++) col[r] = t.TryNumber(t.Rows[r][c], out double x) ? x : double.NaN;
                df.Columns.Add(new DoubleDataFrameColumn(name, col));
            }
            else df.Columns.Add(new StringDataFrameColumn(name, t.Rows.Select(r => r[c].Trim())));
        }
        return df;
    }

    /// <summary>Cumulative charge ∫I dt by the trapezoid rule, mAh.</summary>
    public static double[] IntegrateMAh(ReadOnlySpan<double> timeS, ReadOnlySpan<double> currentA)
    {
        var q = new double[timeS.Length];
        for (int i = 1; i < q.Length; i++) q[i] = q[i - 1] + 0.5 * (currentA[i] + currentA[i - 1]) * (timeS[i] - timeS[i - 1]) / 3.6;
        return q;
    }

    static DataFrame ReadNeware(string path, string[] lines)
    {
        var t = DelimitedText.Parse(path, lines, FirstNonBlank(lines));
        var used = new HashSet<int>();
        var canon = new Dictionary<string, double[]>();
        int ti = t.Find("Total Time", "Time(h:min:s.ms)", "Test Time", "Time");
        if (ti >= 0)
        {
            used.Add(ti);
            var v = new double[t.Rows.Count];
            for (int r = 0; r < v.Length; r++)
                v[r] = ParseDuration(t.Rows[r][ti], t.DecimalComma) ?? throw new InputException(path, $"line {t.LineNumbers[r]}: time '{t.Rows[r][ti].Trim()}' is not h:mm:ss[.fff] or seconds");
            canon[CyclerColumns.TimeS] = v;
        }
        void Take(string canonical, double scale, params string[] names)
        {
            int i = t.Find(names);
            if (i < 0) return;
            used.Add(i);
            canon[canonical] = t.Numbers(i, scale);
        }
        Take(CyclerColumns.VoltageV, 1, "Voltage(V)");
        int ima = t.Find("Current(mA)");
        if (ima >= 0) Take(CyclerColumns.CurrentA, 1e-3, "Current(mA)"); else Take(CyclerColumns.CurrentA, 1, "Current(A)");
        int cap = t.Find("Capacity(mAh)");
        if (cap >= 0) Take(CyclerColumns.CapacityMAh, 1, "Capacity(mAh)");
        else
        {
            int ch = t.Find("Chg. Cap.(mAh)", "Capacitance_Chg(mAh)"), dc = t.Find("DChg. Cap.(mAh)", "Capacitance_DChg(mAh)");
            if (ch >= 0 && dc >= 0)
            {
                double[] c = t.Numbers(ch), d = t.Numbers(dc);
                canon[CyclerColumns.CapacityMAh] = c.Select((x, i) => x - d[i]).ToArray();
            }
        }
        Take(CyclerColumns.Cycle, 1, "Cycle Index", "Cycle ID", "Cycle");
        Take(CyclerColumns.Step, 1, "Step Index", "Step ID", "Step");
        return Build(t, canon, used);
    }

    /// <summary>Parses a Neware duration: "h:mm:ss[.fff]", "d-hh:mm:ss" or plain seconds.</summary>
    public static double? ParseDuration(string cell, bool decimalComma = false)
    {
        string s = cell.Trim();
        if (decimalComma) s = s.Replace(',', '.');
        if (s.Length == 0) return null;
        double days = 0;
        int dash = s.IndexOf('-');
        if (dash > 0 && s.Contains(':'))
        {
            if (!double.TryParse(s[..dash], NumberStyles.Float, CultureInfo.InvariantCulture, out days)) return null;
            s = s[(dash + 1)..];
        }
        var parts = s.Split(':');
        double total = 0;
        foreach (var p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || x < 0) return null;
            total = total * 60 + x;
        }
        return days * 86400 + total;
    }

    static DataFrame ReadGeneric(string path, string[] lines, IReadOnlyDictionary<string, string>? mapping)
    {
        var t = DelimitedText.Parse(path, lines, FirstNonBlank(lines));
        var used = new HashSet<int>();
        var canon = new Dictionary<string, double[]>();
        foreach (var name in CyclerColumns.All)
        {
            string col = name; double scale = 1;
            if (mapping is not null && mapping.TryGetValue(name, out var m))
            {
                col = m;
                int star = m.LastIndexOf('*');
                if (star > 0 && double.TryParse(m[(star + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double sc)) { col = m[..star].Trim(); scale = sc; }
            }
            int i = Array.FindIndex(t.Header, h => string.Equals(h, col, StringComparison.OrdinalIgnoreCase));
            if (i < 0)
            {
                if (mapping is not null && mapping.ContainsKey(name))
                    throw new InputException(path, $"mapped column '{col}' (for {name}) not found; columns found: {string.Join(", ", t.Header)}");
                continue;
            }
            used.Add(i);
            canon[name] = t.Numbers(i, scale);
        }
        return Build(t, canon, used);
    }

    /// <summary>A canonical numeric column as an array (throws naming the missing column).</summary>
    public static double[] Column(DataFrame df, string name)
    {
        if (!df.Columns.Any(c => c.Name == name))
            throw new InputException(name, $"column missing; columns found: {string.Join(", ", df.Columns.Select(c => c.Name))}");
        var col = df.Columns[name];
        var v = new double[col.Length];
        for (long i = 0; i < col.Length; i++) v[i] = Convert.ToDouble(col[i] ?? double.NaN, CultureInfo.InvariantCulture);
        return v;
    }
}
