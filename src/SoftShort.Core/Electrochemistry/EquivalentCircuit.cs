using System.Numerics;

namespace SoftShort.Electrochemistry;

/// <summary>
/// An equivalent circuit written in the impedance.py string convention (Murbach et al., J. Open Source Softw. 5, 2349 (2020)):
/// elements joined in series by '-', parallel groups as <c>p(a,b,…)</c>, e.g. <c>R0-p(R1,CPE1)-p(R2,CPE2)-W1</c>.
/// Elements (name = type + an index): R (Ω), C (F), L (H), CPE (Q in Ω⁻¹ sⁿ, α; Z = 1/(Q(jω)^α)),
/// W (semi-infinite Warburg, A_W in Ω s^-½; Z = A_W(1 − j)/√ω), Wo (finite-space, open/reflective: Z = Z₀ coth(√(jωτ))/√(jωτ)),
/// Ws (finite-length, short/transmissive: Z = Z₀ tanh(√(jωτ))/√(jωτ)). Parameter names follow impedance.py:
/// <c>R0</c>, <c>CPE1_0</c> (Q), <c>CPE1_1</c> (α), <c>Wo1_0</c> (Z₀), <c>Wo1_1</c> (τ).
/// </summary>
public sealed class EquivalentCircuit
{
    abstract record Node;
    sealed record Element(string Name, string Type, int FirstParameter) : Node;
    sealed record Series(Node[] Parts) : Node;
    sealed record Parallel(Node[] Parts) : Node;

    readonly Node _root;
    readonly List<string> _names = [];
    readonly List<string> _units = [];

    /// <summary>The circuit text as given.</summary>
    public string Text { get; }
    /// <summary>Parameter names in order (impedance.py convention).</summary>
    public IReadOnlyList<string> ParameterNames => _names;
    /// <summary>Units of each parameter.</summary>
    public IReadOnlyList<string> ParameterUnits => _units;
    public int ParameterCount => _names.Count;

    EquivalentCircuit(string text)
    {
        Text = text;
        int pos = 0;
        string s = text.Replace(" ", "");
        InputException.Require(s.Length > 0, "--circuit", "is empty");
        var seen = new HashSet<string>();
        _root = ParseSeries(s, ref pos, seen);
        if (pos != s.Length) throw Error(s, pos, $"unexpected '{s[pos]}'");
    }

    /// <summary>Parses a circuit string; a syntax error names the character position.</summary>
    public static EquivalentCircuit Parse(string text) => new(text ?? "");

    static InputException Error(string s, int pos, string problem) =>
        new("--circuit", $"'{s}' at character {pos + 1}: {problem}");

    Node ParseSeries(string s, ref int pos, HashSet<string> seen)
    {
        var parts = new List<Node> { ParseTerm(s, ref pos, seen) };
        while (pos < s.Length && s[pos] == '-') { pos++; parts.Add(ParseTerm(s, ref pos, seen)); }
        return parts.Count == 1 ? parts[0] : new Series(parts.ToArray());
    }

    Node ParseTerm(string s, ref int pos, HashSet<string> seen)
    {
        if (pos >= s.Length) throw Error(s, Math.Max(0, pos - 1), "expected an element or p(…) after this");
        if (s[pos] == 'p' && pos + 1 < s.Length && s[pos + 1] == '(')
        {
            pos += 2;
            var parts = new List<Node> { ParseSeries(s, ref pos, seen) };
            while (pos < s.Length && s[pos] == ',') { pos++; parts.Add(ParseSeries(s, ref pos, seen)); }
            if (pos >= s.Length || s[pos] != ')') throw Error(s, Math.Min(pos, s.Length - 1), "missing ')' closing p(");
            pos++;
            if (parts.Count < 2) throw Error(s, pos - 1, "p(…) needs at least two branches");
            return new Parallel(parts.ToArray());
        }
        int start = pos;
        while (pos < s.Length && char.IsLetter(s[pos])) pos++;
        string type = s[start..pos];
        int digits = pos;
        while (pos < s.Length && (char.IsDigit(s[pos]) || s[pos] == '_')) pos++;
        if (type.Length == 0) throw Error(s, start, $"expected an element name, found '{s[start]}'");
        string name = s[start..pos];
        if (pos == digits) throw Error(s, start, $"element '{type}' needs an index (e.g. {type}1)");
        int n = type switch { "R" or "C" or "L" or "W" => 1, "CPE" or "Wo" or "Ws" => 2, _ => throw Error(s, start, $"unknown element '{type}' (R, C, L, CPE, W, Wo, Ws)") };
        if (!seen.Add(name)) throw Error(s, start, $"element '{name}' appears twice");
        int first = _names.Count;
        switch (type)
        {
            case "R": _names.Add(name); _units.Add("Ohm"); break;
            case "C": _names.Add(name); _units.Add("F"); break;
            case "L": _names.Add(name); _units.Add("H"); break;
            case "W": _names.Add(name); _units.Add("Ohm s^-0.5"); break;
            case "CPE": _names.Add(name + "_0"); _units.Add("Ohm^-1 s^a"); _names.Add(name + "_1"); _units.Add(""); break;
            default: _names.Add(name + "_0"); _units.Add("Ohm"); _names.Add(name + "_1"); _units.Add("s"); break;
        }
        _ = n;
        return new Element(name, type, first);
    }

    /// <summary>Impedance at angular frequency ω (rad s⁻¹) for parameters <paramref name="p"/>.</summary>
    public Complex Impedance(ReadOnlySpan<double> p, double omega)
    {
        if (p.Length != ParameterCount) throw new ArgumentException($"expected {ParameterCount} parameters, got {p.Length}");
        return Eval(_root, p, omega);
    }

    /// <summary>Impedance at each frequency (Hz).</summary>
    public Complex[] Impedance(ReadOnlySpan<double> p, ReadOnlySpan<double> freqHz)
    {
        var z = new Complex[freqHz.Length];
        for (int i = 0; i < z.Length; i++) z[i] = Impedance(p, 2 * Math.PI * freqHz[i]);
        return z;
    }

    static Complex Eval(Node node, ReadOnlySpan<double> p, double w)
    {
        switch (node)
        {
            case Series s:
                {
                    Complex z = 0;
                    foreach (var part in s.Parts) z += Eval(part, p, w);
                    return z;
                }
            case Parallel par:
                {
                    Complex y = 0;
                    foreach (var part in par.Parts) y += 1 / Eval(part, p, w);
                    return 1 / y;
                }
            case Element e:
                return Element_(e.Type, p[e.FirstParameter], e.Type is "CPE" or "Wo" or "Ws" ? p[e.FirstParameter + 1] : 0, w);
            default: throw new InvalidOperationException();
        }
    }

    /// <summary>Impedance of one element (closed forms of the class summary).</summary>
    public static Complex Element_(string type, double a, double b, double w)
    {
        var jw = new Complex(0, w);
        switch (type)
        {
            case "R": return a;
            case "C": return 1 / (jw * a);
            case "L": return jw * a;
            case "CPE": return 1 / (a * Complex.Pow(jw, b));
            case "W": return a * new Complex(1, -1) / Math.Sqrt(w);
            case "Wo": { var x = Complex.Sqrt(jw * b); return a / (x * Complex.Tanh(x)); }
            case "Ws": { var x = Complex.Sqrt(jw * b); return a * Complex.Tanh(x) / x; }
            default: throw new ArgumentException(type);
        }
    }

    /// <summary>Rough starting values from a spectrum: R0-like first series R = Re Z at the highest frequency, the other
    /// resistances share the spread of Re Z, capacitive elements get time constants spread over the measured decades.</summary>
    public double[] InitialGuess(ReadOnlySpan<double> freqHz, ReadOnlySpan<Complex> z)
    {
        double reMin = double.MaxValue, reMax = double.MinValue, fMin = double.MaxValue, fMax = 0, zLow = 0;
        for (int i = 0; i < z.Length; i++)
        {
            reMin = Math.Min(reMin, z[i].Real); reMax = Math.Max(reMax, z[i].Real);
            if (freqHz[i] < fMin) { fMin = freqHz[i]; zLow = z[i].Magnitude; }
            fMax = Math.Max(fMax, freqHz[i]);
        }
        reMin = Math.Max(reMin, 1e-3 * Math.Max(reMax, 1e-3));
        int nR = _names.Count(n => n.StartsWith('R')), nCap = _names.Count(n => n.StartsWith('C') || n.StartsWith("Wo") || n.StartsWith("Ws"));
        double spread = Math.Max(reMax - reMin, 0.1 * reMax) / Math.Max(1, nR - 1);
        var p = new double[ParameterCount];
        int rSeen = 0, capSeen = 0;
        for (int k = 0; k < p.Length; k++)
        {
            string n = _names[k];
            double tau = 1 / (2 * Math.PI * Math.Exp(Math.Log(fMax) - (capSeen + 1.0) / (nCap + 1) * (Math.Log(fMax) - Math.Log(fMin))));
            if (n.StartsWith("CPE") && n.EndsWith("_1")) { p[k] = 0.85; continue; }
            if (n.StartsWith("CPE")) { p[k] = tau / spread; capSeen++; continue; }
            if (n.StartsWith('R')) { p[k] = rSeen++ == 0 ? reMin : spread; continue; }
            if (n.StartsWith('C')) { p[k] = tau / spread; capSeen++; continue; }
            if (n.StartsWith('L')) { p[k] = 1e-7; continue; }
            if (n.StartsWith("Wo") || n.StartsWith("Ws")) { p[k] = n.EndsWith("_0") ? spread : tau; if (n.EndsWith("_1")) capSeen++; continue; }
            if (n.StartsWith('W')) { p[k] = Math.Max(zLow, 1) * Math.Sqrt(2 * Math.PI * fMin) / 4; continue; }
            p[k] = 1;
        }
        return p;
    }
}
