using Spectre.Console.Cli;

namespace SoftShort.Cli.Infrastructure;

/// <summary>
/// A capability's commands. Add a public class implementing this interface (one per area, in <c>Commands/</c>) and
/// Program finds it by reflection: no shared registration file to edit.
/// <list type="bullet">
/// <item><see cref="Configure"/> adds the area's branch, e.g. <c>softshort radiography normalize</c>.</item>
/// <item><see cref="ConfigureSynth"/> adds a generator under <c>softshort synth …</c> (e.g. <c>synth xct</c>).</item>
/// <item><see cref="ConfigureBench"/> adds a benchmark under <c>softshort bench …</c> (e.g. <c>bench ct</c>).</item>
/// </list>
/// </summary>
public interface ICommandModule
{
    void Configure(IConfigurator config) { }
    void ConfigureSynth(IConfigurator<CommandSettings> synth) { }
    void ConfigureBench(IConfigurator<CommandSettings> bench) { }
}
