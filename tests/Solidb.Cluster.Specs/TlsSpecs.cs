using Akka.Cluster;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Security;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// Mutual TLS with real Akka.Remote (DotNetty, akka.ssl.tcp): nodes with certificates of one CA
/// form a cluster; a node with a certificate of another CA, or without TLS, never gets in.
/// </summary>
[Collection(SpecCollection.Name)]
public sealed class TlsSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    /// <summary>How long an intruder is watched: several join rounds (retry-join-interval 500 ms) and Akka's gate (1 s).</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Three_nodes_with_certificates_of_one_CA_form_a_cluster_with_one_leader_and_partition_through_the_throttler()
    {
        using var certs = TestCertificates.Create("node1", "node2", "node3");
        await using var cluster = InProcessCluster.Start(3, tls: i => certs.For(InProcessCluster.NodeIdOf(i)));

        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        Assert.All(cluster.Nodes, n => Assert.Equal("akka.trttl.ssl.tcp", n.Address.Protocol));
        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        Assert.Single(statuses.Select(s => s.Election.Leader).Distinct());
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.Context.Counters.Rejections[RejectionReason.TlsHandshake]));

        // The throttler adapter works over TLS: a partitioned node goes quiet, and comes back when healed.
        await cluster.PartitionAsync(2);
        await AwaitConditionAsync(async () => (await cluster[0].StatusAsync()).Members
            .Any(m => m.NodeId.Value == "node3" && m.State != Membership.NodeState.Active), Converge);
        await cluster.HealAsync(2);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
    }

    [Fact]
    public async Task A_node_with_a_certificate_of_another_CA_never_becomes_a_member_and_is_counted()
    {
        using var certs = TestCertificates.Create("node1", "node2", "node3");
        using var other = TestCertificates.Create("node4");
        await using var cluster = InProcessCluster.Start(4, started: 3,
            tls: i => i < 3 ? certs.For(InProcessCluster.NodeIdOf(i)) : other.For("node4"));
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        var probe = await WatchMembers(cluster[0]);
        var intruder = cluster.Launch();

        await probe.ExpectNoMsgAsync(Window);
        AssertNotAMember(cluster, intruder);
        Assert.True(cluster.Nodes.Take(3).Sum(n => n.Context.Counters.Rejections[RejectionReason.TlsHandshake]) > 0,
            "the members' validators refused the intruder's certificate");
        Assert.True(await TheThreeAgreeAsync(cluster));
    }

    [Fact]
    public async Task A_node_without_TLS_never_becomes_a_member()
    {
        using var certs = TestCertificates.Create("node1", "node2", "node3");
        await using var cluster = InProcessCluster.Start(4, started: 3, tls: i => i < 3 ? certs.For(InProcessCluster.NodeIdOf(i)) : null);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        var probe = await WatchMembers(cluster[0]);
        var intruder = cluster.Launch();

        await probe.ExpectNoMsgAsync(Window);
        AssertNotAMember(cluster, intruder);
        Assert.True(await TheThreeAgreeAsync(cluster));
    }

    private static void AssertNotAMember(InProcessCluster cluster, ClusterNode intruder)
    {
        foreach (var node in cluster.Nodes.Take(3))
        {
            Assert.DoesNotContain(Akka.Cluster.Cluster.Get(node.System).State.Members,
                m => Manager.AkkaMembers.NodeIdOf(m)?.Value == intruder.NodeId);
        }
    }

    /// <summary>node1-3 still list exactly each other, all Active, under one leader.</summary>
    private static async Task<bool> TheThreeAgreeAsync(InProcessCluster cluster)
    {
        var statuses = await Task.WhenAll(cluster.Nodes.Take(3).Select(n => n.StatusAsync()));
        return statuses.Select(s => s.Election.Leader).Distinct().Count() == 1 && statuses[0].Election.Leader is not null
            && statuses.All(s => s.Members.Select(m => m.NodeId.Value).Order().SequenceEqual(["node1", "node2", "node3"])
                && s.Members.All(m => m.State == Membership.NodeState.Active));
    }

    /// <summary>A probe that gets every member event of the node's cluster after its current state.</summary>
    private async Task<Akka.TestKit.TestProbe> WatchMembers(ClusterNode node)
    {
        var probe = CreateTestProbe(node.System);
        Akka.Cluster.Cluster.Get(node.System).Subscribe(probe.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent));
        await probe.ExpectMsgAsync<ClusterEvent.CurrentClusterState>(TimeSpan.FromSeconds(5));
        return probe;
    }
}
