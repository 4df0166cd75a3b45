using System.ComponentModel;
using Spectre.Console.Cli;

namespace SoftShort.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Print stack traces on errors and extra detail.")]
    public bool Verbose { get; init; }

    /// <summary>
    /// Rejects a path option given without a value (Spectre.Console.Cli then hands over an internal placeholder).
    /// </summary>
    protected static Spectre.Console.ValidationResult CheckPathOption(string? value, string option) =>
        value is not null && (value.Length == 0 || value.StartsWith("__default_command", StringComparison.Ordinal))
            ? Spectre.Console.ValidationResult.Error($"{option} needs a value")
            : Spectre.Console.ValidationResult.Success();
}

/// <summary>Options of a command that writes into a folder (CONVENTIONS.md: <c>--out DIR</c>, created if missing).</summary>
public class OutDirSettings : GlobalSettings
{
    [CommandOption("-o|--out <DIR>")]
    [Description("Output folder (created if missing).")]
    public string? Out { get; init; }

    public override Spectre.Console.ValidationResult Validate() => CheckPathOption(Out, "--out");
}
