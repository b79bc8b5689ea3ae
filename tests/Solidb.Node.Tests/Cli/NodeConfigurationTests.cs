using Solidb.Cluster.Configuration;
using Solidb.Node.Cli;
using Xunit;

namespace Solidb.Node.Tests.Cli;

public sealed class NodeConfigurationTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    private static NodeConfiguration.Loaded Load(string[] args, Dictionary<string, string>? env = null) =>
        NodeConfiguration.Load(CommandLine.Parse(args), k => env?.GetValueOrDefault(k));

    [Fact]
    public void Without_input_the_reference_defaults_apply()
    {
        var s = Load([]).Settings;

        Assert.Equal(6745, s.Port);
        Assert.Equal(6746, s.HttpPort);
        Assert.Null(s.NodeId);
    }

    [Fact]
    public void Flag_beats_environment_beats_config_file_beats_reference()
    {
        File.WriteAllText(_file, "solidb.node { port = 7001, http-port = 7101, data-dir = from-file, host = \"127.0.0.2\" }");
        var env = new Dictionary<string, string>
        {
            ["SOLIDB_CONFIG"] = _file,
            ["SOLIDB_PORT"] = "7002",
            ["SOLIDB_HTTP_PORT"] = "7102",
        };

        var s = Load(["--port", "7003"], env).Settings;

        Assert.Equal(7003, s.Port);            // flag
        Assert.Equal(7102, s.HttpPort);        // environment
        Assert.Equal("from-file", s.DataDir);  // config file
        Assert.Equal("127.0.0.2", s.Host);     // config file
        Assert.Equal(TimeSpan.FromSeconds(1), s.Health.HeartbeatInterval); // reference
    }

    [Fact]
    public void The_config_flag_beats_the_config_variable()
    {
        File.WriteAllText(_file, "solidb.node.port = 7001");

        var s = Load(["--config", _file], new() { ["SOLIDB_CONFIG"] = "/nonexistent" }).Settings;

        Assert.Equal(7001, s.Port);
    }

    [Fact]
    public void Empty_environment_variables_count_as_unset()
    {
        Assert.Equal(6745, Load([], new() { ["SOLIDB_PORT"] = "" }).Settings.Port);
    }

    [Theory]
    [InlineData(new[] { "--port", "abc" }, "invalid value for --port: 'abc'")]
    [InlineData(new[] { "--port", "0" }, "invalid value for --port: '0'")]
    [InlineData(new[] { "--cluster-peers", "node1:notaport" }, "invalid value for --cluster-peers: peer 'node1:notaport' has an invalid port")]
    [InlineData(new[] { "--cluster-peers", ":6745" }, "invalid value for --cluster-peers: peer ':6745' has no host")]
    [InlineData(new[] { "--cluster-peers", "a:1,,b:2" }, "invalid value for --cluster-peers: empty peer entry")]
    [InlineData(new[] { "--cluster-peers", "a:1,a:1" }, "invalid value for --cluster-peers: duplicate peer 'a:1'")]
    [InlineData(new[] { "--node-id", "bad id" }, "invalid value for --node-id: 'bad id'")]
    [InlineData(new[] { "--log-level", "loud" }, "invalid value for --log-level: 'loud'")]
    public void Errors_name_the_flag_that_gave_the_value(string[] args, string message)
    {
        var e = Assert.Throws<SettingsException>(() => Load(args));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Errors_name_the_environment_variable_that_gave_the_value()
    {
        var e = Assert.Throws<SettingsException>(() => Load([], new() { ["SOLIDB_HTTP_PORT"] = "99999" }));

        Assert.StartsWith("invalid value for SOLIDB_HTTP_PORT: '99999'", e.Message);
    }

    private static readonly string[] TlsOffLoopback =
        ["--host", "0.0.0.0", "--public-host", "db1", "--tls-cert", "a.crt", "--tls-key", "a.key", "--tls-ca", "ca.crt"];

    [Fact]
    public void Off_loopback_with_TLS_the_HTTP_API_is_HTTPS_unless_told_otherwise_and_insecure()
    {
        Assert.True(Load(TlsOffLoopback).Settings.Tls.Http);
        Assert.False(Load([.. TlsOffLoopback, "--http-tls", "off", "--insecure"]).Settings.Tls.Http);
        Assert.False(Load(["--tls-cert", "a.crt", "--tls-key", "a.key", "--tls-ca", "ca.crt"]).Settings.Tls.Http); // loopback
    }

    [Fact]
    public void Http_tls_off_off_loopback_without_insecure_is_refused_from_the_flag_and_the_environment()
    {
        var flag = Assert.Throws<SettingsException>(() => Load([.. TlsOffLoopback, "--http-tls", "off"]));
        var env = Assert.Throws<SettingsException>(() => Load(TlsOffLoopback, new() { ["SOLIDB_HTTP_TLS"] = "off" }));

        Assert.Contains("--http-tls off", flag.Message);
        Assert.Equal(flag.Message, env.Message);
    }
}
