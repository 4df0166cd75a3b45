using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SoftShort.Figures.Plotting;

namespace SoftShort.Figures.Notebook;

/// <summary>
/// The thin notebook layer: registers .NET Interactive formatters so that Plotly charts render offline
/// (plotly.js inlined once, from the copy inside Plotly.NET.dll), <see cref="PngFigure"/> values display as real
/// <c>image/png</c> outputs, and warns when the loaded library is older than the sources in <c>src/</c>.
/// Call <see cref="Use"/> once, in the notebook's loader cell. This is the only code that touches the notebook engine.
/// </summary>
public static class NotebookSupport
{
    static bool _registered;

    /// <summary>
    /// Registers the formatters and emits plotly.js once into the notebook. Returns a one-line description of the
    /// library that was loaded (path and build time), which the loader cell prints.
    /// </summary>
    public static string Use()
    {
        RegisterFormatters();
        // plotly.js (~3.6 MB) once per notebook: later chart outputs call Plotly.newPlot directly.
        PlotlyHtml.PlotlyScriptTag().DisplayAs("text/html");
        return Describe();
    }

    /// <summary>Registers the formatters (idempotent). Also used by <see cref="SoftShortKernelExtension"/>.</summary>
    public static void RegisterFormatters()
    {
        if (_registered) return;
        _registered = true;
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml(chart)), "text/html");
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), "text/html");
        Formatter.Register<Microsoft.Data.Analysis.DataFrame>((df, writer) => writer.Write(DataFrameHtml(df)), "text/html");
        Formatter.SetPreferredMimeTypesFor(typeof(Microsoft.Data.Analysis.DataFrame), "text/html");
        Formatter.Register<PngFigure>((png, writer) => writer.Write(png.ToBase64()), "image/png");
        Formatter.SetPreferredMimeTypesFor(typeof(PngFigure), "image/png");
    }

    /// <summary>A DataFrame as an HTML table (first <paramref name="maxRows"/> rows).</summary>
    public static string DataFrameHtml(Microsoft.Data.Analysis.DataFrame df, int maxRows = 40)
    {
        var sb = new System.Text.StringBuilder("<table><thead><tr>");
        foreach (var c in df.Columns) sb.Append("<th>").Append(System.Net.WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        long rows = Math.Min(df.Rows.Count, maxRows);
        for (long i = 0; i < rows; i++)
        {
            sb.Append("<tr>");
            foreach (var c in df.Columns)
                sb.Append("<td>").Append(System.Net.WebUtility.HtmlEncode(Convert.ToString(c[i], System.Globalization.CultureInfo.InvariantCulture) ?? "")).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (df.Rows.Count > maxRows) sb.Append($"<p>({df.Rows.Count} rows; first {maxRows} shown)</p>");
        return sb.ToString();
    }

    /// <summary>A chart as HTML that draws with the inlined plotly.js and says so plainly if it is missing.</summary>
    public static string ChartHtml(GenericChart chart) =>
        "<div>" + PlotlyHtml.ChartFragment(chart) +
        "<script type=\"text/javascript\">if (typeof Plotly === 'undefined') { document.currentScript.parentElement.insertAdjacentHTML('beforeend', '<p><b>plotly.js is not loaded: re-run the notebook\\'s loader cell.</b></p>'); }</script></div>";

    /// <summary>Where the library was loaded from, when it was built, and whether <c>src/</c> has newer sources.</summary>
    public static string Describe()
    {
        var asm = typeof(NotebookSupport).Assembly;
        string path = asm.Location;
        var built = File.GetLastWriteTimeUtc(path);
        string text = $"SoftShort loaded from {path} (built {built:yyyy-MM-dd HH:mm:ss} UTC)";
        string? stale = NewerSource(path, built);
        return stale is null ? text : text + $". WARNING: {stale} is newer than this build: run `dotnet build -c Release` and restart the kernel.";
    }

    static string? NewerSource(string dllPath, DateTime builtUtc)
    {
        // bin/Release/net10.0/SoftShort.Figures.dll → src/
        var src = new DirectoryInfo(Path.GetDirectoryName(dllPath)!).Parent?.Parent?.Parent?.Parent;
        if (src is null || src.Name != "src" || !src.Exists) return null;
        return src.EnumerateFiles("*.cs", SearchOption.AllDirectories)
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.FullName.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => f.LastWriteTimeUtc > builtUtc.AddSeconds(1))
            .Select(f => Path.GetRelativePath(src.Parent!.FullName, f.FullName))
            .FirstOrDefault();
    }

    /// <summary>
    /// The notebook kernel ships FSharp.Core 10.0.0.0 while Plotly.NET 6 references 10.1.0.0: answer such requests with
    /// the FSharp.Core already loaded, before any Plotly type loads. Outside a kernel the matching copy next to this
    /// assembly loads normally and this handler never runs.
    /// </summary>
#pragma warning disable CA2255 // deliberate: the resolver must exist before any Plotly type loads, whoever calls first
    [ModuleInitializer]
    internal static void InstallFSharpCoreResolver()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name != "FSharp.Core") return null;
            return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
        };
    }
#pragma warning restore CA2255
}

/// <summary>
/// .NET Interactive extension entry point: when SoftShort is loaded as a package with a kernel extension, the kernel
/// calls this and the formatters are registered without a call to <see cref="NotebookSupport.Use"/>.
/// </summary>
public sealed class SoftShortKernelExtension : IKernelExtension
{
    public Task OnLoadAsync(Kernel kernel)
    {
        NotebookSupport.RegisterFormatters();
        return Task.CompletedTask;
    }
}
