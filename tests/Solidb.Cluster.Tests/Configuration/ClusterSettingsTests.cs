using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

public sealed class ClusterSettingsTests
{
    private static ClusterSettings Parse(string hocon) =>
        ClusterSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(SolidbConfig.Reference));

    private static SettingsException Invalid(string hocon) => Assert.Throws<SettingsException>(() => Parse(hocon));

    [Theory]
    [InlineData("solidb.node.port = abc", "solidb.node.port", "abc")]
    [InlineData("solidb.node.port = 70000", "solidb.node.port", "70000")]
    [InlineData("solidb.node.port = 0", "solidb.node.port", "0")]
    [InlineData("solidb.node.http-port = -1", "solidb.node.http-port", "-1")]
    [InlineData("solidb.health.heartbeat-interval = fast", "solidb.health.heartbeat-interval", "fast")]
    [InlineData("solidb.health.failure-threshold = 0", "solidb.health.failure-threshold", "0")]
    [InlineData("solidb.clock.max-offset = 0ms", "solidb.clock.max-offset", "0ms")]
    [InlineData("solidb.clock.on-skew = restart", "solidb.clock.on-skew", "restart")]
    [InlineData("solidb.clock.skew-grace = -1s", "solidb.clock.skew-grace", "-1s")]
    [InlineData("solidb.clock.skew-grace = 2d", "solidb.clock.skew-grace", "2d")]
    [InlineData("solidb.bootstrap.formation-lease = 1s", "solidb.bootstrap.formation-lease", "1s")]
    [InlineData("solidb.events.buffer-size = 0", "solidb.events.buffer-size", "0")]
    [InlineData("solidb.events.max-connections = lots", "solidb.events.max-connections", "lots")]
    [InlineData("solidb.events.send-queue = -5", "solidb.events.send-queue", "-5")]
    [InlineData("solidb.events.keep-alive = 0s", "solidb.events.keep-alive", "0s")]
    [InlineData("solidb.log-level = loud", "solidb.log-level", "loud")]
    [InlineData("solidb.node.id = \"no spaces\"", "solidb.node.id", "no spaces")]
    [InlineData("solidb.restart.max-restarts = -1", "solidb.restart.max-restarts", "-1")]
    [InlineData("solidb.restart.max-restarts = many", "solidb.restart.max-restarts", "many")]
    [InlineData("solidb.restart.window = 0s", "solidb.restart.window", "0s")]
    [InlineData("solidb.restart.backoff = soon", "solidb.restart.backoff", "soon")]
    [InlineData("solidb.restart.max-backoff = 2d", "solidb.restart.max-backoff", "2d")]
    public void An_invalid_value_names_the_key_and_the_value(string hocon, string key, string value)
    {
        var e = Invalid(hocon);

        Assert.Equal(key, e.Key);
        Assert.Contains(key, e.Message);
        Assert.Contains(value, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Failure_threshold_must_exceed_the_suspicion_threshold()
    {
        var e = Invalid("solidb.health { suspicion-threshold = 5, failure-threshold = 5 }");

        Assert.Equal("solidb.health.failure-threshold", e.Key);
    }

    [Fact]
    public void Restart_max_backoff_may_not_be_below_backoff()
    {
        var e = Invalid("solidb.restart { backoff = 30s, max-backoff = 20s }");

        Assert.Equal("solidb.restart.max-backoff", e.Key);
        Assert.Contains("solidb.restart.backoff", e.Message);
    }

    [Fact]
    public void Election_timeout_max_may_not_be_below_min()
    {
        var e = Invalid("solidb.election { timeout-min = 2s, timeout-max = 1s }");

        Assert.Equal("solidb.election.timeout-max", e.Key);
    }

    [Theory]
    [InlineData("solidb.election.rejoin-after = 0s", "solidb.election.rejoin-after")]
    [InlineData("solidb.election.join-timeout = 500ms", "solidb.election.join-timeout")]
    [InlineData("solidb.election.join-timeout = 2h", "solidb.election.join-timeout")]
    public void Self_healing_times_out_of_range_are_rejected(string hocon, string key) =>
        Assert.Equal(key, Invalid(hocon).Key);

    [Fact]
    public void Transfer_on_leave_is_on_by_default_and_takes_only_on_or_off()
    {
        Assert.True(ClusterSettings.FromConfig(SolidbConfig.Reference).Election.TransferOnLeave);
        Assert.Equal("solidb.election.transfer-on-leave", Invalid("solidb.election.transfer-on-leave = maybe").Key);
    }

    [Fact]
    public void Http_port_must_differ_from_the_remote_port()
    {
        var e = Invalid("solidb.node { port = 7000, http-port = 7000 }");

        Assert.Equal("solidb.node.http-port", e.Key);
    }

    [Theory]
    [InlineData("solidb.node.cluster-peers = \"node1:notaport\"", "notaport")]
    [InlineData("solidb.node.cluster-peers = \":6745\"", "no host")]
    [InlineData("solidb.node.cluster-peers = \"a:1,,b:2\"", "empty peer entry")]
    [InlineData("solidb.node.cluster-peers = [\"a:1\", \"a:1\"]", "duplicate peer 'a:1'")]
    [InlineData("solidb.node.cluster-peers = \"a:70000\"", "out of range")]
    public void Invalid_peers_are_rejected_with_the_reason(string hocon, string reason)
    {
        var e = Invalid(hocon);

        Assert.Equal("solidb.node.cluster-peers", e.Key);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Peers_are_read_from_a_list_or_a_comma_separated_string()
    {
        var fromList = Parse("solidb.node { public-host = c, cluster-peers = [\"b:2\", \"a:1\"] }");
        var fromString = Parse("solidb.node { public-host = c, cluster-peers = \"b:2, a:1\" }");

        Assert.Equal(fromList.Peers, fromString.Peers);
        Assert.Equal([new PeerAddress("b", 2), new PeerAddress("a", 1)], fromList.Peers);
    }

    [Fact]
    public void Seed_order_sorts_self_and_peers_and_drops_self_listed_as_a_peer()
    {
        var s = Parse("solidb.node { port = 6755, cluster-peers = \"127.0.0.1:6765,127.0.0.1:6745,127.0.0.1:6755\" }");

        Assert.Equal(
            [new PeerAddress("127.0.0.1", 6745), new PeerAddress("127.0.0.1", 6755), new PeerAddress("127.0.0.1", 6765)],
            s.SeedOrder());
    }

    [Fact]
    public void Public_host_defaults_to_the_bind_host()
    {
        Assert.Equal("10.1.2.3", Parse("solidb.node.host = \"10.1.2.3\"\nsolidb.tls.insecure = on").PublicHost);
        Assert.Equal("db1", Parse("solidb.node { host = \"0.0.0.0\", public-host = db1 }\nsolidb.tls.insecure = on").PublicHost);
    }

    [Fact]
    public void Overrides_pass_values_through_as_text_not_hocon()
    {
        var config = SolidbConfig.WithOverrides(SolidbConfig.Reference, [new("solidb.node.data-dir", "/tmp/a \"b\" ${x} {c}")]);

        Assert.Equal("/tmp/a \"b\" ${x} {c}", ClusterSettings.FromConfig(config).DataDir);
    }

    [Fact]
    public void An_unreadable_config_file_is_one_line_naming_the_file()
    {
        var e = Assert.Throws<SettingsException>(() => SolidbConfig.LoadFile("/nonexistent/solidb.conf"));

        Assert.Contains("/nonexistent/solidb.conf", e.Message);
    }

    [Fact]
    public void An_invalid_config_file_is_one_line_naming_the_file()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "solidb { node { port = 1 \n");
        try
        {
            var e = Assert.Throws<SettingsException>(() => SolidbConfig.LoadFile(file));

            Assert.Contains(file, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
