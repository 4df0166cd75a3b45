using System.Net;
using System.Reflection;
using System.Text;
using SoftShort.Figures.Plotting;
using SoftShort.IO;

namespace SoftShort.Figures.Report;

/// <summary>Options of a report run.</summary>
public sealed record ReportOptions
{
    /// <summary>Report folder (created if missing).</summary>
    public required string OutDir { get; init; }
    /// <summary>The bundled sample data folder.</summary>
    public required string DataDir { get; init; }
    /// <summary>Coarse runs: the whole report in under 2 minutes on 2 cores.</summary>
    public bool Quick { get; init; }
    /// <summary>Only these section ids (null = all).</summary>
    public IReadOnlySet<string>? Only { get; init; }
}

/// <summary>What a report run produced.</summary>
public sealed record ReportResult(string IndexHtml, string SummaryJson, IReadOnlyList<string> SectionIds, IReadOnlyList<string> Files);

/// <summary>
/// Writes the self-contained offline report of <c>softshort reproduce</c>: <c>index.html</c> with plotly.js inlined
/// once and every image embedded, each figure's data as CSV under <c>data/</c>, PNGs under <c>figures/</c>, and
/// <c>summary.json</c> with the key numbers of every section. No external URL appears in the HTML.
/// </summary>
public static class ReportWriter
{
    /// <summary>All report sections in this assembly, in report order.</summary>
    public static IReadOnlyList<IReportSection> DiscoverSections() =>
        LoadableTypes(typeof(ReportWriter).Assembly)
            .Where(t => typeof(IReportSection).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IReportSection)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Order).ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The assembly's types that load. Outside a notebook kernel the notebook extension type cannot load (its interface
    /// lives in Microsoft.DotNet.Interactive, which only the kernel supplies), and that is expected.
    /// </summary>
    static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.Where(t => t is not null)!; }
    }

    /// <summary>Runs the sections and writes the report.</summary>
    public static ReportResult Write(ReportOptions options, IReadOnlyList<IReportSection>? sections = null,
        IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        if (!Directory.Exists(options.DataDir)) throw new InputException(options.DataDir, "sample data folder not found (pass --data DIR)");
        var all = sections ?? DiscoverSections();
        if (options.Only is { } only)
        {
            var unknown = only.Where(id => all.All(s => s.Id != id)).ToList();
            if (unknown.Count > 0) throw new InputException("--only", $"unknown section(s) {string.Join(", ", unknown)}; known: {string.Join(", ", all.Select(s => s.Id))}");
            all = all.Where(s => only.Contains(s.Id)).ToList();
        }
        Directory.CreateDirectory(options.OutDir);

        var summary = new SummaryJson("reproduce")
            .Parameter("quick", options.Quick)
            .Parameter("data_dir", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDir))))
            .Set("synthetic_data", true);
        var sectionsJson = new List<KeyValuePair<string, object?>>();
        var body = new StringBuilder();
        var toc = new StringBuilder();
        var files = new List<string>();

        foreach (var s in all)
        {
            cancel.ThrowIfCancellationRequested();
            var ctx = new ReportContext(s, options.DataDir, options.OutDir, options.Quick, progress, cancel);
            ctx.ReportProgress(0);
            s.Build(ctx);
            ctx.ReportProgress(1);
            sectionsJson.Add(new(s.Id, ctx.Numbers.ToList()));
            files.AddRange(ctx.Files);
            toc.Append("<li><a href=\"#").Append(s.Id).Append("\">").Append(WebUtility.HtmlEncode(s.Title)).Append("</a> <span class=\"figs\">")
               .Append(WebUtility.HtmlEncode(s.PaperFigures)).Append("</span></li>\n");
            body.Append("<section id=\"").Append(s.Id).Append("\"><h2>").Append(WebUtility.HtmlEncode(s.Title)).Append("</h2>\n")
                .Append("<p class=\"figs\">Reproduces: ").Append(WebUtility.HtmlEncode(s.PaperFigures)).Append("</p>\n");
            if (ctx.NumberRows.Count > 0)
            {
                body.Append("<table class=\"numbers\"><thead><tr><th>key</th><th>value</th><th>meaning</th></tr></thead><tbody>\n");
                foreach (var r in ctx.NumberRows)
                    body.Append("<tr><td><code>").Append(WebUtility.HtmlEncode(r[0])).Append("</code></td><td>").Append(WebUtility.HtmlEncode(r[1]))
                        .Append("</td><td>").Append(WebUtility.HtmlEncode(r[2])).Append("</td></tr>\n");
                body.Append("</tbody></table>\n");
            }
            body.Append(ctx.Html).Append("</section>\n");
        }
        summary.Group("sections", sectionsJson);

        string html = Page(toc.ToString(), body.ToString(), options.Quick);
        string index = Path.Combine(options.OutDir, "index.html");
        string summaryPath = Path.Combine(options.OutDir, "summary.json");
        AtomicFile.WriteAllText(index, html);
        summary.Write(summaryPath);
        return new ReportResult(index, summaryPath, all.Select(s => s.Id).ToList(), files);
    }

    static string Page(string toc, string body, bool quick)
    {
        string version = typeof(ReportWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        return $$"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>SoftShort report</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
.notice { background: #fff7e0; border: 1px solid #e8c860; padding: 0.6em 1em; border-radius: 4px; }
.figs { color: #666; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
figure { margin: 1em 0; } figure.image img { max-width: 100%; image-rendering: pixelated; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.3em; }
code { background: #f5f5f5; padding: 0 0.2em; }
</style>
{{PlotlyHtml.PlotlyScriptTag()}}
</head>
<body>
<h1>SoftShort report</h1>
<p>Figures of Cao et al., <i>Adv. Funct. Mater.</i> 2023, 2307998 ("soft short" and Li creeping in all-solid-state batteries), recomputed by SoftShort {{WebUtility.HtmlEncode(version)}}{{(quick ? " in quick mode (coarse runs)" : "")}}.</p>
<p class="notice"><b>Synthetic data.</b> The paper's data are not public. Every data set analysed here was made by SoftShort's physics-based forward
models (real cross sections, real cell geometry, realistic noise) with planted ground truth, so each analysis can be checked against what was planted.
These are not the paper's measurements.</p>
<h2>Contents</h2>
<ul>
{{toc}}</ul>
{{body}}
</body>
</html>

""";
    }
}
