namespace Solidb.Cmd.Cli;

/// <summary>Options as given: each name with its values in order (a switch has one empty value per use).</summary>
public sealed class ParsedOptions
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _values.Keys;

    public bool Has(string name) => _values.ContainsKey(name);

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public string? Last(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    internal void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }
}

/// <summary>What the command line asks for: a command (or help for a group of commands) with its arguments.</summary>
/// <param name="Command">Null when only help is asked for a group (or for everything).</param>
/// <param name="Group">The command words given, for help on a group (<c>cluster --help</c>).</param>
public sealed record ParsedCommandLine(CommandSpec? Command, IReadOnlyList<string> Group, IReadOnlyList<string> Arguments, ParsedOptions Options, bool Help);

/// <summary>
/// Reads the command line: command words first, options anywhere (<c>--name value</c> or <c>--name=value</c>;
/// <c>--</c> ends the options). Every mistake is a <see cref="UsageException"/> with one line naming it.
/// </summary>
public static class ArgParser
{
    public static ParsedCommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<CommandSpec> commands)
    {
        var valued = GlobalOptions.WithValue.Select(o => o.Name).Concat(commands.SelectMany(c => c.Options).Select(o => o.Name)).ToHashSet();
        var switches = GlobalOptions.Switches.Select(o => o.Name).ToHashSet();
        var options = new ParsedOptions();
        var words = new List<string>();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                words.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            var (name, inline) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            name = name == "-h" ? "--help" : name;
            if (switches.Contains(name))
            {
                if (inline is not null)
                {
                    throw new UsageException($"{name} takes no value (got '{arg}')");
                }

                options.Add(name, "");
            }
            else if (valued.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value"));
                if (value.Length == 0)
                {
                    throw new UsageException($"{name} needs a value (got an empty one)");
                }

                options.Add(name, value);
            }
            else
            {
                throw new UsageException($"unknown option '{name}' (see solidb-cmd --help)");
            }
        }

        var help = options.Has("--help");
        var command = commands
            .Where(c => c.Path.Count <= words.Count && c.Path.SequenceEqual(words.Take(c.Path.Count)))
            .MaxBy(c => c.Path.Count);
        if (command is null)
        {
            var group = words.TakeWhile((w, n) => commands.Any(c => c.Path.Count > n && c.Path.Take(n + 1).SequenceEqual(words.Take(n + 1)))).ToList();
            if (help && group.Count == words.Count)
            {
                return new ParsedCommandLine(null, group, [], options, true);
            }

            throw new UsageException(words.Count == 0 ? "no command given (see solidb-cmd --help)"
                : group.Count == words.Count ? $"'{string.Join(' ', words)}' needs a command: {string.Join(", ", Subcommands(commands, group))} (see solidb-cmd {string.Join(' ', group)} --help)"
                : $"unknown command '{string.Join(' ', words.Take(group.Count + 1))}' (see solidb-cmd --help)");
        }

        if (help)
        {
            return new ParsedCommandLine(command, command.Path, [], options, true);
        }

        foreach (var name in options.Names)
        {
            if (!GlobalOptions.WithValue.Concat(GlobalOptions.Switches).Concat(command.Options).Any(o => o.Name == name))
            {
                throw new UsageException($"'{command.Name}' has no option {name} (see solidb-cmd {command.Name} --help)");
            }
        }

        var arguments = words.Skip(command.Path.Count).ToList();
        var required = command.Arguments.Count(a => a.Required);
        if (arguments.Count < required)
        {
            throw new UsageException($"'{command.Name}' needs <{command.Arguments[arguments.Count].Name}> (usage: {command.Usage})");
        }

        if (arguments.Count > command.Arguments.Count)
        {
            throw new UsageException($"'{command.Name}' takes {(command.Arguments.Count == 0 ? "no arguments" : $"at most {command.Arguments.Count} argument(s)")}; unexpected '{arguments[command.Arguments.Count]}' (usage: {command.Usage})");
        }

        return new ParsedCommandLine(command, command.Path, arguments, options, false);
    }

    public static IEnumerable<string> Subcommands(IReadOnlyList<CommandSpec> commands, IReadOnlyList<string> group) =>
        commands.Where(c => c.Path.Count > group.Count && c.Path.Take(group.Count).SequenceEqual(group))
            .Select(c => c.Path[group.Count]).Distinct();
}
