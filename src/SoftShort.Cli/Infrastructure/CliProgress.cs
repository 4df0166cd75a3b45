using Spectre.Console;

namespace SoftShort.Cli.Infrastructure;

/// <summary>
/// Progress of long work: a Spectre.Console progress bar per task on a terminal, plain lines
/// ("task: 40 %") when output is redirected (CI logs, pipes), throttled to every 10 % per task.
/// </summary>
public static class CliProgress
{
    public static T Run<T>(string title, Func<IProgress<ProgressReport>, T> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected && !Console.IsOutputRedirected)
        {
            T result = default!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var sink = new Sink(r =>
                    {
                        lock (tasks)
                        {
                            if (!tasks.TryGetValue(r.Task, out var t)) tasks[r.Task] = t = ctx.AddTask(Markup.Escape(r.Task), maxValue: 1.0);
                            t.Value = Math.Clamp(r.Fraction, 0, 1);
                        }
                    });
                    result = work(sink);
                });
            return result;
        }
        var last = new Dictionary<string, int>();
        Console.Error.WriteLine($"{title} …");
        var plain = new Sink(r =>
        {
            int decile = (int)Math.Floor(Math.Clamp(r.Fraction, 0, 1) * 10);
            lock (last)
            {
                if (last.TryGetValue(r.Task, out int d) && d >= decile) return;
                last[r.Task] = decile;
            }
            Console.Error.WriteLine($"  {r.Task}: {decile * 10} %");
        });
        return work(plain);
    }

    public static void Run(string title, Action<IProgress<ProgressReport>> work) => Run<object?>(title, p => { work(p); return null; });

    sealed class Sink(Action<ProgressReport> onReport) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => onReport(value);
    }
}
