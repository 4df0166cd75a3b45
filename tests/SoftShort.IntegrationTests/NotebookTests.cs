using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SoftShort.IntegrationTests;

/// <summary>Builds the library the notebooks load (Release, as their loader cell expects) once for all notebook tests.</summary>
public sealed class NotebookLibraryFixture
{
    public NotebookLibraryFixture()
    {
        var (code, stdout, stderr) = RepoPaths.Run("dotnet", ["build", "src/SoftShort.Figures", "-c", "Release", "--nologo", "-v", "q"], RepoPaths.Root, TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException("building the notebook library failed:\n" + stdout + stderr);
    }
}

/// <summary>
/// Executes every notebook in <c>notebooks/</c> headless with the pinned kernel (dotnet-repl from the local tool manifest),
/// fails on any cell error (naming the cell and its error), checks that no output references an external URL, and checks
/// the key numbers each notebook prints (<c>KEY name = value</c>) against <c>NotebookExpectations/&lt;notebook&gt;.txt</c>.
/// Executed copies go to <c>artifacts/notebooks/</c>.
/// </summary>
public sealed class NotebookTests(NotebookLibraryFixture library, ITestOutputHelper output) : IClassFixture<NotebookLibraryFixture>
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(RepoPaths.Notebooks, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal)) data.Add(f!);
        return data;
    }

    static readonly Regex ExternalReference = new("<(script|img|link|iframe)[^>]*\\s(src|href)\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase | RegexOptions.Compiled);
    static readonly Regex KeyLine = new(@"^KEY\s+([A-Za-z0-9_]+)\s*=\s*(\S+)", RegexOptions.Multiline | RegexOptions.Compiled);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_headless_without_errors_and_prints_its_key_numbers(string notebook)
    {
        Assert.NotNull(library);
        string outDir = Path.Combine(RepoPaths.Artifacts, "notebooks");
        Directory.CreateDirectory(outDir);
        string executed = Path.Combine(outDir, notebook);
        if (File.Exists(executed)) File.Delete(executed);

        var (code, stdout, stderr) = RepoPaths.Run("dotnet",
            ["tool", "run", "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", executed],
            RepoPaths.Notebooks, TimeSpan.FromMinutes(10));
        Assert.True(File.Exists(executed), $"{notebook}: dotnet-repl wrote no executed notebook (exit {code}).\n{stdout}\n{stderr}");

        var nb = JsonNode.Parse(File.ReadAllText(executed))!;
        var cells = nb["cells"]!.AsArray();
        var errors = new List<string>();
        var printed = new Dictionary<string, double>();
        int index = 0;
        foreach (var cell in cells)
        {
            index++;
            if ((string?)cell!["cell_type"] != "code") continue;
            string source = Join(cell["source"]);
            foreach (var o in cell["outputs"]?.AsArray() ?? [])
            {
                string type = (string?)o!["output_type"] ?? "";
                if (type == "error")
                    errors.Add($"cell {index} failed: {(string?)o["ename"]}: {(string?)o["evalue"]}\n--- cell source ---\n{source}");
                if (type == "stream")
                    foreach (Match m in KeyLine.Matches(Join(o["text"])))
                        if (double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) printed[m.Groups[1].Value] = v;
                if (o["data"] is JsonObject data)
                    foreach (var (mime, value) in data)
                    {
                        if (mime != "text/html") continue;
                        string html = Join(value);
                        if (html.StartsWith("<script type=\"text/javascript\">/**", StringComparison.Ordinal)) continue; // plotly.js itself (its source mentions URLs as strings)
                        var ext = ExternalReference.Match(html);
                        if (ext.Success || html.Contains("require.config", StringComparison.Ordinal))
                            errors.Add($"cell {index}: HTML output references an external URL: {(ext.Success ? ext.Value : "require.config")}");
                    }
            }
        }
        output.WriteLine($"{notebook}: exit {code}, {printed.Count} key numbers: {string.Join(", ", printed.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}"))}");
        Assert.True(errors.Count == 0, $"{notebook}:\n" + string.Join("\n\n", errors));
        Assert.True(code == 0, $"{notebook}: dotnet-repl exited {code}.\n{stdout}\n{stderr}");

        string expectations = Path.Combine(AppContext.BaseDirectory, "NotebookExpectations", Path.ChangeExtension(notebook, ".txt"));
        Assert.True(File.Exists(expectations), $"{notebook}: no expectations file NotebookExpectations/{Path.ChangeExtension(notebook, ".txt")}");
        int checkedKeys = 0;
        foreach (var raw in File.ReadAllLines(expectations))
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            Assert.True(parts.Length == 3, $"{expectations}: expected 'key min max', got '{raw}'");
            double lo = double.Parse(parts[1], CultureInfo.InvariantCulture), hi = double.Parse(parts[2], CultureInfo.InvariantCulture);
            Assert.True(printed.TryGetValue(parts[0], out double value), $"{notebook}: key number '{parts[0]}' was not printed (expected a line 'KEY {parts[0]} = …')");
            Assert.True(value >= lo && value <= hi, $"{notebook}: {parts[0]} = {value} outside [{lo}, {hi}]");
            checkedKeys++;
        }
        Assert.True(checkedKeys > 0, $"{expectations}: no key number to check");
    }

    static string Join(JsonNode? node) => node switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        _ => (string?)node ?? "",
    };
}
