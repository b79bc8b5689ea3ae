using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Tests;

public class ArgParserTests
{
    private static ParsedCommandLine Parse(params string[] args) => ArgParser.Parse(args, CommandCatalog.All);

    [Fact]
    public void Options_may_come_before_between_and_after_the_command_words_and_repeat()
    {
        var line = Parse("--node", "a:1", "cluster", "--json", "show", "--node=b:2", "--timeout", "2s");

        Assert.Equal("cluster show", line.Command!.Name);
        Assert.Equal(["a:1", "b:2"], line.Options.All("--node"));
        Assert.True(line.Options.Has("--json"));
        Assert.Equal("2s", line.Options.Last("--timeout"));
    }

    [Fact]
    public void Positional_arguments_follow_the_command_words()
    {
        var line = Parse("hlc", "compare", "x", "y");

        Assert.Equal("hlc compare", line.Command!.Name);
        Assert.Equal(["x", "y"], line.Arguments);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "cluster", "show", "--bogus")]
    [InlineData("--node needs a value", "cluster", "show", "--node")]
    [InlineData("--json takes no value", "cluster", "show", "--json=yes")]
    [InlineData("'cluster show' has no option --since", "cluster", "show", "--since", "3")]
    [InlineData("'cluster down' needs <node>", "cluster", "down")]
    [InlineData("'hlc parse' takes at most 1 argument(s); unexpected 'b'", "hlc", "parse", "a", "b")]
    [InlineData("'cluster show' takes no arguments; unexpected 'x'", "cluster", "show", "x")]
    [InlineData("unknown command 'clutser'", "clutser", "show")]
    [InlineData("unknown command 'cluster shwo'", "cluster", "shwo")]
    [InlineData("'cluster' needs a command: show, status", "cluster")]
    [InlineData("no command given", new string[0])]
    public void Every_mistake_is_a_usage_error_naming_it(string expected, params string[] args)
    {
        var e = Assert.Throws<UsageException>(() => Parse(args));

        Assert.Contains(expected, e.Message);
        Assert.Equal(ExitCodes.Usage, e.Code);
    }

    [Fact]
    public void Help_is_asked_for_a_command_a_group_or_everything()
    {
        Assert.Equal("cluster tail", Parse("cluster", "tail", "--help").Command!.Name);
        var group = Parse("hlc", "-h");
        Assert.True(group.Help);
        Assert.Null(group.Command);
        Assert.Equal(["hlc"], group.Group);
        Assert.Empty(Parse("--help").Group);
    }

    [Fact]
    public void Help_of_a_command_shows_its_usage_arguments_options_and_the_exit_codes()
    {
        var text = HelpText.For(Parse("cluster", "tail", "--help"), CommandCatalog.All);

        Assert.StartsWith("usage: solidb-cmd cluster tail [--since SEQ] [--types LIST] [global options]", text);
        Assert.Contains("--types LIST", text);
        Assert.Contains("--token-file FILE", text);
        Assert.Contains("exit codes: 0 ok; 1", text);
    }

    [Fact]
    public void Help_of_a_group_lists_only_its_commands()
    {
        var text = HelpText.For(Parse("hlc", "--help"), CommandCatalog.All);

        Assert.Contains("hlc compare <a> <b>", text);
        Assert.DoesNotContain("cluster show", text);
    }

    [Fact]
    public void After_a_double_dash_everything_is_an_argument()
    {
        var line = Parse("hlc", "parse", "--", "--json");

        Assert.Equal(["--json"], line.Arguments);
        Assert.False(line.Options.Has("--json"));
    }
}
