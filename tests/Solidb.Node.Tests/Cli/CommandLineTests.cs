using Solidb.Node.Cli;
using Xunit;

namespace Solidb.Node.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Flags_take_a_separate_or_an_inline_value()
    {
        var cli = CommandLine.Parse(["--node-id", "node3", "--cluster-peers=node1:6745,node2:6745"]);

        Assert.Equal("node3", cli.Values[NodeOptions.NodeId]);
        Assert.Equal("node1:6745,node2:6745", cli.Values[NodeOptions.ClusterPeers]);
    }

    [Theory]
    [InlineData(new[] { "--insecure" }, "true")]
    [InlineData(new[] { "--insecure=true" }, "true")]
    [InlineData(new[] { "--insecure=false" }, "false")]
    [InlineData(new[] { "--insecure", "--host", "0.0.0.0" }, "true")]
    public void A_switch_stands_alone_or_takes_an_inline_value(string[] args, string value)
    {
        var cli = CommandLine.Parse(args);

        Assert.Equal(value, cli.Values[NodeOptions.Insecure]);
    }

    [Theory]
    [InlineData(new[] { "--insecure", "yes" }, "unexpected argument 'yes'")]
    [InlineData(new[] { "--insecure", "--insecure" }, "option --insecure is given more than once")]
    [InlineData(new[] { "--nodeid", "x" }, "unknown option '--nodeid'")]
    [InlineData(new[] { "--port" }, "option --port needs a value")]
    [InlineData(new[] { "--port", "--http-port", "1" }, "option --port needs a value")]
    [InlineData(new[] { "--port", "1", "--port", "2" }, "option --port is given more than once")]
    [InlineData(new[] { "node3" }, "unexpected argument 'node3'")]
    public void Mistakes_are_one_line_usage_errors(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => CommandLine.Parse(args));

        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_empty_inline_value_is_kept_for_validation() =>
        Assert.Equal("", CommandLine.Parse(["--cluster-peers="]).Values[NodeOptions.ClusterPeers]);

    [Fact]
    public void Help_documents_every_flag_and_its_environment_variable()
    {
        var help = CommandLine.HelpText("1.2.3");

        Assert.All(NodeOptions.All, o =>
        {
            Assert.Contains(o.Flag, help);
            Assert.Contains(o.EnvironmentVariable, help);
        });
        Assert.Contains("--help", help);
        Assert.Contains("--version", help);
    }

    [Fact]
    public void Every_flag_except_config_maps_to_a_key_of_the_reference_config()
    {
        Assert.All(NodeOptions.All.Where(o => o != NodeOptions.Config),
            o => Assert.True(Solidb.Cluster.Configuration.SolidbConfig.Reference.HasPath(o.ConfigKey!), o.Flag));
    }
}
