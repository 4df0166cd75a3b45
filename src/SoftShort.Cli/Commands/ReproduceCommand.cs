using System.ComponentModel;
using System.Diagnostics;
using SoftShort.Cli.Infrastructure;
using SoftShort.Figures.Report;
using SoftShort.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Commands;

/// <summary><c>softshort reproduce [--out DIR] [--quick]</c>: the project's main job.</summary>
public sealed class ReproduceCommand : Command<ReproduceCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder (created if missing). Default: report")]
        [DefaultValue("report")]
        public string Out { get; init; } = "report";

        [CommandOption("--quick")]
        [Description("Coarse runs: the whole report in under 2 minutes on 2 cores.")]
        public bool Quick { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Sample data folder. Default: the data-samples/ folder of the repository (or $SOFTSHORT_DATA).")]
        public string? Data { get; init; }

        [CommandOption("--only <IDS>")]
        [Description("Comma-separated section ids to run (see --list).")]
        public string? Only { get; init; }

        [CommandOption("--list")]
        [Description("List the report sections and exit.")]
        public bool List { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            var r = CheckPathOption(Out, "--out");
            return r.Successful ? CheckPathOption(Data, "--data") : r;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sections = ReportWriter.DiscoverSections();
        if (settings.List)
        {
            foreach (var s in sections) Console.WriteLine($"{s.Id,-20} {s.Title} ({s.PaperFigures})");
            return 0;
        }
        string data = settings.Data ?? DataSamples.Locate();
        var options = new ReportOptions
        {
            OutDir = settings.Out,
            DataDir = data,
            Quick = settings.Quick,
            Only = settings.Only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
        };
        var sw = Stopwatch.StartNew();
        var result = CliProgress.Run("reproduce", p => ReportWriter.Write(options, sections, p, cancellationToken));
        Console.Error.WriteLine($"report: {Path.GetFullPath(result.IndexHtml)} ({result.SectionIds.Count} sections, {result.Files.Count} data/figure files) in {sw.Elapsed.TotalSeconds:F1} s");
        Console.Error.WriteLine($"summary: {Path.GetFullPath(result.SummaryJson)}");
        return 0;
    }
}
