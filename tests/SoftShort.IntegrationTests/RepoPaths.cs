using System.Diagnostics;
using System.Text;

namespace SoftShort.IntegrationTests;

/// <summary>Paths of the repository and a small process runner for the integration tests.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Notebooks => Path.Combine(Root, "notebooks");
    public static string Artifacts => Path.Combine(Root, "artifacts");
    public static string DataSamples => Path.Combine(Root, "data-samples");

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SoftShort.slnx"))) return d.FullName;
        throw new InvalidOperationException("SoftShort.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a process to completion; returns exit code and the captured stdout/stderr.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder(); var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in {timeout.TotalSeconds:F0} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
