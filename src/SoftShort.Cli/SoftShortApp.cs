using System.Reflection;
using SoftShort.Cli.Commands;
using SoftShort.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace SoftShort.Cli;

/// <summary>
/// The <c>softshort</c> command line: <c>softshort &lt;area&gt; &lt;verb&gt; [options]</c> (CONVENTIONS.md).
/// Errors are one line on stderr naming the file and the problem; exit code 1 for bad input, 2 for bad usage;
/// a stack trace only with <c>--verbose</c>.
/// </summary>
public static class SoftShortApp
{
    public static int Run(string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        bool verbose = args.Contains("--verbose");
        var app = new CommandApp();
        app.Configure(Configure);
        try
        {
            return app.Run(args);
        }
        catch (CommandParseException e) { return Fail(stderr, OneLine(e.Message) + " (see softshort --help)", e, verbose, 2); }
        catch (CommandRuntimeException e) { return Fail(stderr, OneLine(e.Message) + " (see softshort --help)", e, verbose, 2); }
        catch (CommandAppException e) { return Fail(stderr, OneLine(e.Message), e, verbose, 2); }
        catch (InputException e) { return Fail(stderr, OneLine(e.Message), e, verbose, 1); }
        catch (OperationCanceledException e) { return Fail(stderr, "cancelled", e, verbose, 130); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, OneLine(e.Message), e, verbose, 1);
        }
        catch (Exception e)
        {
            return Fail(stderr, $"internal error: {e.GetType().Name}: {OneLine(e.Message)}{(verbose ? "" : " (run with --verbose for details)")}", e, verbose, 1);
        }
    }

    /// <summary>The command tree: reproduce, every capability module found by reflection, and the synth/bench branches they fill.</summary>
    public static void Configure(IConfigurator c)
    {
        c.SetApplicationName("softshort");
        c.SetApplicationVersion(typeof(SoftShortApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        c.PropagateExceptions();
        c.UseStrictParsing();
        c.AddCommand<ReproduceCommand>("reproduce")
            .WithDescription("Run every figure pipeline on the bundled sample data; write a self-contained HTML report, CSVs and summary.json.")
            .WithExample("reproduce", "--quick", "--out", "report");
        var modules = DiscoverModules();
        foreach (var m in modules) m.Configure(c);
        c.AddBranch("synth", b =>
        {
            b.SetDescription("Generate synthetic data sets with planted ground truth (deterministic for a --seed).");
            foreach (var m in modules) m.ConfigureSynth(b);
        });
        c.AddBranch("bench", b =>
        {
            b.SetDescription("Benchmarks that print throughput and peak memory (not timed tests).");
            foreach (var m in modules) m.ConfigureBench(b);
        });
    }

    static List<ICommandModule> DiscoverModules() =>
        typeof(SoftShortApp).Assembly.GetTypes()
            .Where(t => typeof(ICommandModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (ICommandModule)Activator.CreateInstance(t)!)
            .ToList();

    static int Fail(TextWriter stderr, string message, Exception e, bool verbose, int code)
    {
        stderr.WriteLine($"softshort: {message}");
        if (verbose) stderr.WriteLine(e.ToString());
        return code;
    }

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
