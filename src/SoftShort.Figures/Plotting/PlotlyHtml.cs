using System.Reflection;
using Plotly.NET;

namespace SoftShort.Figures.Plotting;

/// <summary>
/// Offline Plotly: plotly.js is read from the copy Plotly.NET.dll embeds, and each chart is emitted as a div plus a
/// direct <c>Plotly.newPlot</c> call, so reports and notebooks draw with no network (the stock notebook formatter
/// loads plotly.js from a CDN and draws nothing offline).
/// </summary>
public static class PlotlyHtml
{
    static readonly Lazy<string> Js = new(LoadPlotlyJs);

    /// <summary>The minified plotly.js that Plotly.NET embeds (plotly-2.x.min.js, ~3.6 MB).</summary>
    public static string PlotlyJs => Js.Value;

    /// <summary>Name of the embedded plotly.js resource, e.g. <c>plotly-2.28.0.min.js</c>.</summary>
    public static string PlotlyJsName { get; private set; } = "";

    /// <summary>A script element that defines <c>Plotly</c> (inline, no URL).</summary>
    public static string PlotlyScriptTag() => "<script type=\"text/javascript\">" + PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "</script>";

    /// <summary>
    /// The chart as an HTML fragment (a div and a script calling <c>Plotly.newPlot</c>) that references no URL.
    /// It expects <c>Plotly</c> to be defined by <see cref="PlotlyScriptTag"/> once on the page.
    /// </summary>
    /// <param name="chart">The chart.</param>
    /// <param name="elementId">A stable element id (Plotly.NET draws a random GUID; a fixed id keeps reports byte-reproducible).</param>
    public static string ChartFragment(GenericChart chart, string? elementId = null)
    {
        string html = GenericChart.toChartHTML(chart);
        if (elementId is null) return html;
        var m = System.Text.RegularExpressions.Regex.Match(html, "<div id=\"([0-9a-fA-F-]{36})\"");
        if (!m.Success) return html;
        string guid = m.Groups[1].Value, safe = new string(elementId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return html.Replace(guid, "plot_" + safe).Replace(guid.Replace("-", ""), safe);
    }

    static string LoadPlotlyJs()
    {
        Assembly asm = typeof(GenericChart).Assembly;
        string? name = asm.GetManifestResourceNames()
            .Where(n => n.Contains("plotly", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(n => n.Length).FirstOrDefault()
            ?? throw new InvalidOperationException("Plotly.NET.dll carries no embedded plotly.js resource: " + string.Join(", ", asm.GetManifestResourceNames()));
        using var s = asm.GetManifestResourceStream(name)!;
        using var r = new StreamReader(s);
        PlotlyJsName = name;
        return r.ReadToEnd();
    }
}
