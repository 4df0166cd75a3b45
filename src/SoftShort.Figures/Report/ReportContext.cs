using System.Net;
using System.Text;
using Plotly.NET;
using SoftShort.Figures.Plotting;
using SoftShort.IO;

namespace SoftShort.Figures.Report;

/// <summary>
/// What a report section writes into: HTML blocks (text, charts, PNG images, tables), CSV files of each figure's
/// data next to the report, and key numbers that go to <c>summary.json</c> under the section's id.
/// </summary>
public sealed class ReportContext
{
    readonly StringBuilder _html = new();
    readonly List<KeyValuePair<string, object?>> _numbers = [];
    readonly List<string> _files = [];
    int _chartCounter;

    internal ReportContext(IReportSection section, string dataDir, string outDir, bool quick, IProgress<ProgressReport>? progress, CancellationToken cancel)
    {
        Section = section; DataDir = dataDir; OutDir = outDir; Quick = quick; Progress = progress; Cancellation = cancel;
    }

    public IReportSection Section { get; }
    /// <summary>The folder of bundled sample data (<c>data-samples/</c>).</summary>
    public string DataDir { get; }
    /// <summary>The report folder.</summary>
    public string OutDir { get; }
    /// <summary>Quick mode: coarser runs so the whole report finishes in under 2 minutes on 2 cores.</summary>
    public bool Quick { get; }
    public IProgress<ProgressReport>? Progress { get; }
    public CancellationToken Cancellation { get; }

    internal string Html => _html.ToString();
    internal IReadOnlyList<KeyValuePair<string, object?>> Numbers => _numbers;
    internal IReadOnlyList<string> Files => _files;

    /// <summary>Reports progress of this section (0–1).</summary>
    public void ReportProgress(double fraction, string? task = null) => Progress?.Report(new ProgressReport(task ?? Section.Title, fraction));

    /// <summary>A sub-heading.</summary>
    public void Heading(string text) => _html.Append("<h3>").Append(WebUtility.HtmlEncode(text)).Append("</h3>\n");

    /// <summary>A paragraph of plain text (HTML-escaped).</summary>
    public void Text(string text) => _html.Append("<p>").Append(WebUtility.HtmlEncode(text)).Append("</p>\n");

    /// <summary>Raw HTML (the caller escapes; must not reference any URL).</summary>
    public void RawHtml(string html) => _html.Append(html).Append('\n');

    /// <summary>An interactive Plotly chart with a caption.</summary>
    public void Chart(GenericChart chart, string caption)
    {
        string id = $"{Section.Id}_{_chartCounter++}";
        _html.Append("<figure class=\"chart\">").Append(PlotlyHtml.ChartFragment(chart, id))
             .Append("<figcaption>").Append(WebUtility.HtmlEncode(caption)).Append("</figcaption></figure>\n");
    }

    /// <summary>A PNG image embedded as a data URI, also saved as <c>figures/{section}_{name}.png</c>.</summary>
    public void Image(PngFigure png, string name, string caption)
    {
        string rel = $"figures/{Section.Id}_{name}.png";
        png.Save(Path.Combine(OutDir, rel));
        _files.Add(rel);
        _html.Append("<figure class=\"image\"><img alt=\"").Append(WebUtility.HtmlEncode(caption)).Append("\" src=\"").Append(png.ToDataUri())
             .Append("\"/><figcaption>").Append(WebUtility.HtmlEncode(caption)).Append("</figcaption></figure>\n");
    }

    /// <summary>Writes a figure's data as <c>data/{section}_{name}.csv</c> and links it.</summary>
    public void Csv(string name, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> columns)
    {
        string rel = $"data/{Section.Id}_{name}.csv";
        CsvTable.Write(Path.Combine(OutDir, rel), columns);
        _files.Add(rel);
        _html.Append("<p class=\"data\">Data: <a href=\"").Append(rel).Append("\">").Append(rel).Append("</a></p>\n");
    }

    /// <summary>A small table of text cells.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _html.Append("<table><thead><tr>");
        foreach (var h in header) _html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        _html.Append("</tr></thead><tbody>\n");
        foreach (var r in rows)
        {
            _html.Append("<tr>");
            foreach (var c in r) _html.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            _html.Append("</tr>\n");
        }
        _html.Append("</tbody></table>\n");
    }

    /// <summary>
    /// A key number: goes to summary.json as <c>sections.{id}.{key}</c> and into the section's table of results.
    /// Name keys <c>snake_case_with_unit</c> (e.g. <c>li_plated_um</c>).
    /// </summary>
    public void Number(string key, double value, string description)
    {
        _numbers.Add(new(key, value));
        _numberRows.Add([key, double.IsFinite(value) ? value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "n/a", description]);
    }

    /// <summary>A key text result (e.g. a classification) for summary.json.</summary>
    public void Value(string key, string value, string description)
    {
        _numbers.Add(new(key, value));
        _numberRows.Add([key, value, description]);
    }

    readonly List<string[]> _numberRows = [];
    internal IReadOnlyList<string[]> NumberRows => _numberRows;
}
