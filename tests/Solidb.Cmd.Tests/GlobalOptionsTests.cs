using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Tests;

public class GlobalOptionsTests
{
    private static GlobalOptions From(Dictionary<string, string> env, params string[] args) =>
        GlobalOptions.From(ArgParser.Parse(["cluster", "show", .. args], CommandCatalog.All).Options, n => env.GetValueOrDefault(n));

    [Theory]
    [InlineData("10.0.0.5:6746", "http://10.0.0.5:6746/")]
    [InlineData("db1.example.com:6746", "http://db1.example.com:6746/")]
    [InlineData("[::1]:6746", "http://[::1]:6746/")]
    [InlineData("https://db1:6746", "https://db1:6746/")]
    [InlineData("http://db1:6746/prefix", "http://db1:6746/prefix")]
    public void A_node_is_a_url_or_host_and_port_taken_as_http(string given, string expected) =>
        Assert.Equal(expected, GlobalOptions.ParseNode(given).ToString());

    [Theory]
    [InlineData("ftp://db1:21")]
    [InlineData("db1")]
    [InlineData("db1:notaport")]
    [InlineData("http://db1:6746/?x=1")]
    public void A_bad_node_is_a_usage_error(string given)
    {
        var e = Assert.Throws<UsageException>(() => GlobalOptions.ParseNode(given));

        Assert.Contains($"'{given}'", e.Message);
    }

    [Fact]
    public void Without_node_the_environment_then_the_default_is_used()
    {
        Assert.Equal("http://127.0.0.1:6746/", From([]).Nodes.Single().ToString());
        Assert.Equal("http://h:1/", From(new() { ["SOLIDB_NODE"] = "h:1" }).Nodes.Single().ToString());
        Assert.Equal("http://g:2/", From(new() { ["SOLIDB_NODE"] = "h:1" }, "--node", "g:2").Nodes.Single().ToString());
    }

    [Fact]
    public void The_token_file_comes_from_the_option_then_the_environment()
    {
        Assert.Null(From([]).TokenFile);
        Assert.Equal("/e", From(new() { ["SOLIDB_ADMIN_TOKEN_FILE"] = "/e" }).TokenFile);
        Assert.Equal("/o", From(new() { ["SOLIDB_ADMIN_TOKEN_FILE"] = "/e" }, "--token-file", "/o").TokenFile);
    }

    [Theory]
    [InlineData("5", 5000)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("250ms", 250)]
    public void A_timeout_is_seconds_or_milliseconds(string given, int ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), GlobalOptions.ParseTimeout(given));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("7200s")]
    public void A_bad_timeout_is_a_usage_error(string given) =>
        Assert.Throws<UsageException>(() => GlobalOptions.ParseTimeout(given));
}
