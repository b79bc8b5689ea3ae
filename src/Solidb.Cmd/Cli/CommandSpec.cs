using Solidb.Cmd.Commands;

namespace Solidb.Cmd.Cli;

/// <summary>A positional argument of a command.</summary>
public sealed record ArgSpec(string Name, bool Required, string Help);

/// <summary>An option of one command (the global ones are in <see cref="GlobalOptions"/>).</summary>
public sealed record OptionSpec(string Name, string ValueName, string Help);

/// <summary>One command: its words (<c>cluster show</c>), arguments, own options and what runs it.</summary>
public sealed record CommandSpec(
    IReadOnlyList<string> Path,
    string Summary,
    IReadOnlyList<ArgSpec> Arguments,
    IReadOnlyList<OptionSpec> Options,
    Func<CommandContext, Task<int>> Run)
{
    public string Name => string.Join(' ', Path);

    public string Usage =>
        "solidb-cmd " + Name
        + string.Concat(Arguments.Select(a => a.Required ? $" <{a.Name}>" : $" [{a.Name}]"))
        + string.Concat(Options.Select(o => $" [{o.Name} {o.ValueName}]"))
        + " [global options]";
}
