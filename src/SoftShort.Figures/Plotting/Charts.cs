using Plotly.NET;
using Plotly.NET.CSharp;
using CChart = Plotly.NET.CSharp.Chart;

namespace SoftShort.Figures.Plotting;

/// <summary>A named series for a line chart. <paramref name="Dash"/>: null, "dash" or "dot".</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false, string? Color = null, string? Dash = null);

/// <summary>
/// Figure builders shared by every capability: line charts with labelled axes (units in the titles),
/// consistent sizes, and vertical markers (e.g. the soft-short onset).
/// </summary>
public static class Charts
{
    public const int DefaultWidth = 820, DefaultHeight = 460;

    /// <summary>One line trace.</summary>
    public static GenericChart Line(Series s)
    {
        var dash = s.Dash switch { "dash" => StyleParam.DrawingStyle.Dash, "dot" => StyleParam.DrawingStyle.Dot, _ => StyleParam.DrawingStyle.Solid };
        return s.Color is null
            ? CChart.Line<double, double, string>(x: s.X.ToArray(), y: s.Y.ToArray(), Name: s.Name, ShowMarkers: s.Markers, LineDash: dash)
            : CChart.Line<double, double, string>(x: s.X.ToArray(), y: s.Y.ToArray(), Name: s.Name, ShowMarkers: s.Markers, LineDash: dash, LineColor: Color.fromString(s.Color));
    }

    /// <summary>A line chart of several series with axis titles (put units in them, e.g. "time (h)").</summary>
    public static GenericChart Lines(IEnumerable<Series> series, string xTitle, string yTitle, int width = DefaultWidth, int height = DefaultHeight) =>
        Style(CChart.Combine(series.Select(Line).ToArray()), xTitle, yTitle, width, height);

    /// <summary>Axis titles and size on any chart.</summary>
    public static GenericChart Style(GenericChart chart, string xTitle, string yTitle, int width = DefaultWidth, int height = DefaultHeight) =>
        chart.WithXAxisStyle<double, double, string>(TitleText: xTitle)
             .WithYAxisStyle<double, double, string>(TitleText: yTitle)
             .WithSize(width, height);

    /// <summary>A dashed vertical line from y0 to y1 at x, as a named trace (e.g. "soft short onset").</summary>
    public static Series VerticalMarker(double x, double y0, double y1, string name, string color = "#888888") =>
        new(name, [x, x], [y0, y1], Color: color, Dash: "dash");
}
