using System.Globalization;

namespace SoftShort.Tomography;

/// <summary>
/// Projection angles in degrees. A range <c>START:STOP:COUNT</c> gives COUNT equally spaced angles from START with
/// STOP excluded, exactly as <c>numpy.linspace(START, STOP, COUNT, endpoint=False)</c>; a file gives one angle (degrees)
/// per line (blank lines and lines starting with <c>#</c> ignored; a first line that is not a number is taken as a header).
/// </summary>
public static class ProjectionAngles
{
    /// <summary>COUNT angles START + k (STOP − START)/COUNT, k = 0 … COUNT−1 (degrees).</summary>
    public static double[] Range(double startDeg, double stopDeg, int count)
    {
        InputException.Require(count > 0, "--angles-deg", $"COUNT {count} must be positive");
        InputException.Require(double.IsFinite(startDeg) && double.IsFinite(stopDeg) && stopDeg != startDeg, "--angles-deg", $"START {startDeg} and STOP {stopDeg} must be finite and differ");
        var a = new double[count];
        double step = (stopDeg - startDeg) / count;
        for (int k = 0; k < count; k++) a[k] = startDeg + k * step;
        return a;
    }

    /// <summary>Parses <c>START:STOP:COUNT</c>, or reads the file at <paramref name="spec"/> when it is not a range.</summary>
    public static double[] Parse(string spec, string parameter = "--angles-deg")
    {
        InputException.Require(!string.IsNullOrWhiteSpace(spec), parameter, "needs START:STOP:COUNT or a file of angles");
        var parts = spec.Split(':');
        if (parts.Length == 3 && !File.Exists(spec))
        {
            bool ok = double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                    & double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
                    & int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n);
            InputException.Require(ok, parameter, $"'{spec}' is not START:STOP:COUNT (e.g. 0:360:554)");
            return Range(a, b, n);
        }
        return ReadFile(spec);
    }

    /// <summary>Reads one angle in degrees per line.</summary>
    public static double[] ReadFile(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, "angle file not found (and not a START:STOP:COUNT range)");
        var list = new List<double>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var first = line.Split([',', ';', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                if (list.Count == 0 && lineNo == 1) continue; // header
                throw new InputException(path, $"line {lineNo}: '{first}' is not an angle in degrees");
            }
            if (!double.IsFinite(v)) throw new InputException(path, $"line {lineNo}: angle is not finite");
            list.Add(v);
        }
        if (list.Count == 0) throw new InputException(path, "no angles in the file");
        return list.ToArray();
    }

    /// <summary>Parses a comma-separated list of numbers (e.g. thresholds <c>2.6,2.9</c>).</summary>
    public static double[] ParseList(string spec, string parameter)
    {
        var parts = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        InputException.Require(parts.Length > 0, parameter, "needs at least one number");
        var r = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            InputException.Require(double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out r[i]) && double.IsFinite(r[i]),
                parameter, $"'{parts[i]}' is not a number");
        return r;
    }
}
