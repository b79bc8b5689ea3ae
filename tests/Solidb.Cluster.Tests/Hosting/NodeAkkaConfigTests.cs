using Solidb.Cluster.Configuration;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Hosting;

/// <summary>The Akka seeds and join timings a node's settings produce (forming a cluster is FormationRule's, never Akka's).</summary>
public sealed class NodeAkkaConfigTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-nac-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private Akka.Configuration.Config Build(string peers, bool rejoinOnly = false, bool tls = false)
    {
        KeyValuePair<string, string>[] tlsKeys = tls
            ? [new("solidb.tls.cert-file", "n.crt"), new("solidb.tls.key-file", "n.key"), new("solidb.tls.ca-file", "ca.crt")]
            : [];
        var layered = SolidbConfig.WithOverrides(SolidbConfig.Reference,
        [
            .. tlsKeys,
            new("solidb.node.id", "node1"),
            new("solidb.node.port", "6745"),
            new("solidb.node.cluster-peers", peers),
            new("solidb.node.data-dir", _dir),
        ]);
        var settings = ClusterSettings.FromConfig(layered);
        using var dataDir = DataDirectory.Open(settings.DataDir, settings.NodeId);
        return NodeAkkaConfig.Build(NodeContext.Create(settings, dataDir, TimeProvider.System, rejoinOnly), layered);
    }

    private static string[] Seeds(Akka.Configuration.Config config) =>
        [.. config.GetStringList("akka.cluster.seed-nodes").Select(s => s[(s.IndexOf('@') + 1)..])];

    [Fact]
    public void A_node_with_peers_lists_only_its_peers_so_Akka_never_forms_a_cluster_on_a_timeout()
    {
        // 127.0.0.1:6745 is the lowest address, Akka's "first seed" had it listed itself.
        Assert.Equal(["127.0.0.1:6755", "127.0.0.1:6765"], Seeds(Build("127.0.0.1:6765,127.0.0.1:6755,127.0.0.1:6745")));
    }

    [Fact]
    public void With_TLS_the_seeds_use_the_ssl_scheme_and_SSL_is_on_with_mutual_authentication()
    {
        var config = Build("127.0.0.1:6745,127.0.0.1:6755", tls: true);

        Assert.Equal(["akka.ssl.tcp://solidb@127.0.0.1:6755"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
    }

    [Fact]
    public void Without_TLS_the_seeds_use_the_plain_scheme_and_SSL_is_off()
    {
        var config = Build("127.0.0.1:6745,127.0.0.1:6755");

        Assert.Equal(["akka.tcp://solidb@127.0.0.1:6755"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Theory]
    [InlineData(false, new string[0], "akka.tcp")]
    [InlineData(true, new string[0], "akka.ssl.tcp")]
    [InlineData(true, new[] { "trttl" }, "akka.trttl.ssl.tcp")]
    [InlineData(false, new[] { "trttl" }, "akka.trttl.tcp")]
    public void The_protocol_puts_adapters_before_the_transport_scheme(bool tls, string[] adapters, string protocol) =>
        Assert.Equal(protocol, NodeAkkaConfig.Protocol(tls, adapters));

    [Fact]
    public void A_node_without_peers_is_its_own_seed_and_forms_its_cluster_at_once()
    {
        Assert.Equal(["127.0.0.1:6745"], Seeds(Build("")));
        Assert.Equal(["127.0.0.1:6745"], Seeds(Build("127.0.0.1:6745")));
    }

    [Fact]
    public void Akka_asks_its_seeds_again_every_retry_join_interval()
    {
        var config = Build("127.0.0.1:6755");

        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.seed-node-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.retry-unsuccessful-join-after"));
        Assert.Equal(TimeSpan.FromSeconds(1), config.GetTimeSpan("akka.remote.retry-gate-closed-for"));
    }
}
