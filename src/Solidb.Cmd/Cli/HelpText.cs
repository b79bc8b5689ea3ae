using System.Text;

namespace Solidb.Cmd.Cli;

/// <summary>The <c>--help</c> text of the whole tool, a group of commands, or one command.</summary>
public static class HelpText
{
    public static string For(ParsedCommandLine line, IReadOnlyList<CommandSpec> commands)
    {
        var text = new StringBuilder();
        if (line.Command is { } c)
        {
            text.Append("usage: ").Append(c.Usage).Append("\n\n").Append(c.Summary).Append('\n');
            if (c.Arguments.Count > 0)
            {
                text.Append("\narguments:\n");
                Rows(text, c.Arguments.Select(a => (a.Required ? $"<{a.Name}>" : $"[{a.Name}]", a.Help)));
            }

            if (c.Options.Count > 0)
            {
                text.Append("\noptions:\n");
                Rows(text, c.Options.Select(o => ($"{o.Name} {o.ValueName}", o.Help)));
            }
        }
        else
        {
            var group = string.Join(' ', line.Group);
            text.Append("usage: solidb-cmd ").Append(group.Length > 0 ? group + " " : "").Append("<command> [arguments] [options]\n\n");
            text.Append(group.Length == 0 ? "Inspect and administer a SoliDB cluster over its HTTP API.\n\ncommands:\n" : "commands:\n");
            Rows(text, commands.Where(x => x.Path.Take(line.Group.Count).SequenceEqual(line.Group))
                .Select(x => (x.Name + string.Concat(x.Arguments.Select(a => a.Required ? $" <{a.Name}>" : $" [{a.Name}]")), x.Summary)));
        }

        text.Append("\nglobal options:\n");
        Rows(text, GlobalOptions.WithValue.Select(o => ($"{o.Name} {o.ValueName}", o.Help)).Concat(GlobalOptions.Switches.Select(o => (o.Name, o.Help))));
        text.Append("\nexit codes: 0 ok; 1 the cluster answered but the check failed; 2 usage error; 3 no node reachable.\n");
        return text.ToString();
    }

    private static void Rows(StringBuilder text, IEnumerable<(string Name, string Help)> rows)
    {
        var list = rows.ToList();
        var width = list.Max(r => r.Name.Length);
        foreach (var (name, help) in list)
        {
            text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(help).Append('\n');
        }
    }
}
