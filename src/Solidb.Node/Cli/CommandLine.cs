using Solidb.Cluster.Configuration;

namespace Solidb.Node.Cli;

/// <summary>A mistake on the command line; the message is one line (user text in it escaped).</summary>
public sealed class UsageException(string message) : Exception(UserText.OneLine(message));

/// <summary>What the command line asked for.</summary>
public sealed record CommandLine(bool Help, bool Version, IReadOnlyDictionary<NodeOption, string> Values)
{
    /// <summary>
    /// Parses <c>--flag value</c> and <c>--flag=value</c>, and switches (<c>--insecure</c>, which
    /// never takes the next argument, or <c>--insecure=false</c>); rejects unknown, repeated and
    /// value-less flags.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<NodeOption, string>();
        bool help = false, version = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    help = true;
                    continue;
                case "--version":
                    version = true;
                    continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{UserText.Value(arg)}' (see solidb --help)");
            }

            var eq = arg.IndexOf('=');
            var name = eq < 0 ? arg : arg[..eq];
            var option = NodeOptions.All.FirstOrDefault(o => o.Flag == name)
                ?? throw new UsageException($"unknown option '{UserText.Value(name)}' (see solidb --help)");
            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (option.IsSwitch)
            {
                value = "true";
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option {name} needs a value: {name} {option.ValueName}");
            }

            if (!values.TryAdd(option, value))
            {
                throw new UsageException($"option {name} is given more than once");
            }
        }

        return new CommandLine(help, version, values);
    }

    public static string HelpText(string version)
    {
        var lines = new List<string>
        {
            $"solidb {version}: a SoliDB cluster node (Akka.NET cluster coordination).",
            "",
            "Usage: solidb [options]",
            "",
            "Options (each also read from an environment variable; flag > environment > --config file > reference):",
        };
        foreach (var o in NodeOptions.All)
        {
            lines.Add($"  {(o.Flag + " " + o.ValueName).TrimEnd(),-24} {o.Help}");
            lines.Add($"  {"",-24} env {o.EnvironmentVariable}");
        }

        lines.Add($"  {"-h, --help",-24} Print this help and exit.");
        lines.Add($"  {"--version",-24} Print the version and exit.");
        lines.Add("");
        lines.Add("Example: solidb --cluster-peers \"node1:6745,node2:6745\" --node-id node3");
        lines.Add("Exit codes: 0 after a graceful stop (SIGTERM, Ctrl-C), 1 on a runtime failure, 2 on bad input, 4 after the operator downed it (docs/security.md).");
        return string.Join(Environment.NewLine, lines);
    }
}
