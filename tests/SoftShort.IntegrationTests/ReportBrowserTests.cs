using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SoftShort.Figures.Report;
using Xunit.Abstractions;

namespace SoftShort.IntegrationTests;

/// <summary>
/// The offline report in a real headless browser: <c>softshort reproduce --quick</c> on the bundled samples, opened in
/// Debian's Chromium with every network request refused; every chart must have drawn (an SVG inside each plot container)
/// and no script error may be logged. Also checks the HTML references no external URL and summary.json parses.
/// </summary>
public sealed class ReportBrowserTests(ITestOutputHelper output)
{
    static readonly Regex ExternalReference = new("<(script|img|link|iframe)[^>]*\\s(src|href)\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase);

    [Fact]
    public void Quick_report_is_self_contained_and_every_chart_draws_offline_in_chromium()
    {
        string outDir = Path.Combine(RepoPaths.Artifacts, "browser-report");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        var errors = new StringWriter();
        int exit = SoftShort.Cli.SoftShortApp.Run(["reproduce", "--quick", "--out", outDir, "--data", RepoPaths.DataSamples, "--verbose"], errors);
        Assert.True(exit == 0, $"softshort reproduce --quick exited {exit}: {errors}");

        string index = Path.Combine(outDir, "index.html");
        string html = File.ReadAllText(index);
        var ext = ExternalReference.Match(html);
        Assert.False(ext.Success, $"index.html references an external URL: {ext.Value}");
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        var sections = summary["sections"]!.AsObject();
        Assert.Equal(ReportWriter.DiscoverSections().Count, sections.Count);

        var plotIds = Regex.Matches(html, "<div id=\"(plot_[A-Za-z0-9_]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(plotIds);
        Assert.Contains("data:image/png;base64,", html);

        string chromium = Environment.GetEnvironmentVariable("SOFTSHORT_CHROMIUM") ?? "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium not found at {chromium}: run environment/setup.sh (installs Debian's chromium) or set SOFTSHORT_CHROMIUM");
        string profile = Path.Combine(RepoPaths.Artifacts, "chromium-profile");
        if (Directory.Exists(profile)) Directory.Delete(profile, recursive: true);
        var (code, dom, log) = RepoPaths.Run(chromium,
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
            // network off: every request goes to a closed port, every host name fails to resolve
            "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=30000", "--dump-dom", new Uri(index).AbsoluteUri,
        ], RepoPaths.Root, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"chromium exited {code}: {log}");

        var consoleErrors = log.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) && (l.Contains("Uncaught", StringComparison.Ordinal) || l.Contains("Error", StringComparison.Ordinal))).ToList();
        Assert.True(consoleErrors.Count == 0, "script errors in the report:\n" + string.Join("\n", consoleErrors));

        var blank = new List<string>();
        foreach (var id in plotIds)
        {
            int start = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(start >= 0, $"plot container {id} missing from the rendered DOM");
            int next = dom.IndexOf("id=\"plot_", start + id.Length, StringComparison.Ordinal);
            string segment = next < 0 ? dom[start..] : dom[start..next];
            if (!segment.Contains("<svg", StringComparison.Ordinal)) blank.Add(id);
        }
        output.WriteLine($"{plotIds.Count} charts, {blank.Count} blank; report {new FileInfo(index).Length / 1e6:F1} MB");
        Assert.True(blank.Count == 0, "charts that did not draw: " + string.Join(", ", blank));
    }
}
