using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Admin;

/// <summary>Issue 14 item 5: a node never advertises an address its peers cannot reach.</summary>
public sealed class AdvertisedHostTests
{
    private static ClusterSettings Parse(string hocon) =>
        ClusterSettings.FromConfig(ConfigurationFactory.ParseString(hocon + "\nsolidb.tls.insecure = on").WithFallback(SolidbConfig.Reference));

    private static string Refused(string hocon)
    {
        var e = Assert.Throws<SettingsException>(() => Parse(hocon));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("[::]")]
    [InlineData("0:0:0:0:0:0:0:0")]
    [InlineData("::ffff:0.0.0.0")]
    public void A_wildcard_host_without_a_public_host_is_refused_naming_public_host(string host)
    {
        var message = Refused($"solidb.node.host = \"{host}\"");

        Assert.Contains("--public-host", message);
        Assert.Contains("every interface", message);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("[::]")]
    public void A_wildcard_public_host_is_refused(string publicHost)
    {
        var message = Refused($"solidb.node {{ host = \"0.0.0.0\", public-host = \"{publicHost}\" }}");

        Assert.StartsWith($"--public-host '", message);
        Assert.Contains("wildcard", message);
    }

    [Theory]
    [InlineData("127.0.0.1", "db2:6745")]
    [InlineData("localhost", "10.0.0.2:6745")]
    [InlineData("::1", "[fd00::2]:6745")]
    public void A_loopback_public_host_is_refused_while_a_peer_is_not_loopback(string publicHost, string peer)
    {
        var message = Refused($"solidb.node {{ host = \"0.0.0.0\", public-host = \"{publicHost}\", cluster-peers = \"127.0.0.1:7000,{peer}\" }}");

        Assert.Contains("is a loopback address but peer", message);
        Assert.Contains("--public-host", message);
    }

    [Fact]
    public void The_default_loopback_host_with_a_remote_peer_is_refused_naming_host_and_public_host()
    {
        var message = Refused("solidb.node.cluster-peers = \"db2:6745\"");

        Assert.StartsWith("--host '127.0.0.1' is a loopback address but peer 'db2:6745' is not", message);
        Assert.Contains("--public-host", message);
    }

    [Theory]
    [InlineData("solidb.node { host = \"0.0.0.0\", public-host = db1, cluster-peers = \"db2:6745,db3:6745\" }", "db1")]
    [InlineData("solidb.node { host = \"::\", public-host = \"fd00::1\" }", "fd00::1")]
    [InlineData("solidb.node { host = \"0.0.0.0\", public-host = \"127.0.0.1\" }", "127.0.0.1")]
    [InlineData("solidb.node { cluster-peers = \"127.0.0.1:7000,localhost:7001,[::1]:7002\" }", "127.0.0.1")]
    [InlineData("solidb.node { host = \"10.0.0.1\", cluster-peers = \"10.0.0.2:6745\" }", "10.0.0.1")]
    public void Reachable_advertised_hosts_start(string hocon, string advertised) =>
        Assert.Equal(advertised, Parse(hocon).PublicHost);

    [Fact]
    public void The_refusal_is_relabelled_nowhere_it_already_names_the_flags_and_the_key() =>
        Assert.Contains("solidb.node.public-host", Refused("solidb.node.host = \"0.0.0.0\""));
}
