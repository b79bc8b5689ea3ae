using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// Identity is the connection's, not the envelope's (issue 20): a process that is no member sends,
/// over real associations, messages whose sender paths and claimed node ids name the leader or a
/// follower. None is believed: no node stops or restarts, no term, leader, membership or data-dir
/// file changes, and the transport guard counts each drop. An Identify through the same
/// association afterwards (so ordered after the attack) proves the targets alive.
/// </summary>
[Collection(SpecCollection.Second)]
public sealed class ForgerySpecs(ITestOutputHelper helper) : TestKit(output: helper)
{
    private readonly ITestOutputHelper output = helper;

    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Without_tls_messages_with_forged_sender_paths_are_dropped_at_the_connection_and_change_nothing()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var before = await ClusterSnapshot.TakeAsync(cluster);
        var (leader, follower, other) = Roles(cluster, before);
        var forgedBefore = Count(cluster, RejectionReason.ForgedSender);
        var systemBefore = Count(cluster, RejectionReason.SystemMessage);
        await using var forger = ForeignSystem.Start();

        Forgery.SendAll(forger.System, ForeignSystem.Target(leader), ForeignSystem.Target(follower), ForeignSystem.Target(other),
            before.Statuses[0].Election.Term, follower.Context.Clock.Now());

        foreach (var node in cluster.Nodes)
        {
            foreach (var child in new[] { "", HeartbeatActor.Name, ElectionActor.Name })
            {
                Assert.NotNull(await ClusterSnapshot.IdentifyAsync(forger.Module(node, child), Converge));
            }
        }

        await before.AssertUnchangedAsync(this, cluster, Window, Converge);
        var forged = Count(cluster, RejectionReason.ForgedSender) - forgedBefore;
        var system = Count(cluster, RejectionReason.SystemMessage) - systemBefore;
        output.WriteLine($"forged_sender drops: {forged}, system_message drops: {system}; per node: " +
                         string.Join("; ", cluster.Nodes.Select(n => $"{n.NodeId} {string.Join(", ", n.Context.Counters.Snapshot().Rejections.Where(r => r.Value > 0))}")));
        Assert.True(forged >= Forgery.ForgedSenderPaths, $"only {forged} forged_sender drops");
        Assert.True(system >= Forgery.DeadPaths.Count + 1, $"only {system} system_message drops");
    }

    /// <summary>Who the forger is over TLS: a service, or node 3's real certificate in another process.</summary>
    public enum Credential
    {
        Service,
        OtherNode,
    }

    [Theory]
    [InlineData(Credential.Service)]
    [InlineData(Credential.OtherNode)]
    public async Task With_tls_a_certificate_speaks_only_for_its_own_identity(Credential credential)
    {
        using var certs = TestCertificates.Create(["node1", "node2", "node3"], ["billing"]);
        await using var cluster = InProcessCluster.Start(3, tls: i => certs.For(InProcessCluster.NodeIdOf(i)));
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var before = await ClusterSnapshot.TakeAsync(cluster);
        var (leader, follower, other) = Roles(cluster, before);
        var reasons = new[] { RejectionReason.ForgedSender, RejectionReason.SystemMessage, RejectionReason.NotPermitted, RejectionReason.NotANode };
        var countsBefore = reasons.ToDictionary(r => r, r => Count(cluster, r));
        await using var forger = ForeignSystem.Start(credential == Credential.Service ? certs.ForService("billing") : certs.For("node3"));

        var (l, f, o) = (ForeignSystem.Target(leader), ForeignSystem.Target(follower), ForeignSystem.Target(other));
        var (term, stamp) = (before.Statuses[0].Election.Term, follower.Context.Clock.Now());
        Forgery.SendAll(forger.System, l, f, o, term, stamp);
        Forgery.SendClaims(forger.System, l, f, o, term, stamp);
        Forgery.SendOwnJoin(forger.System, l, "node1"); // as a voter that is not the certificate's (node3's) or at all (a service's)

        foreach (var node in cluster.Nodes)
        {
            Assert.NotNull(await ClusterSnapshot.IdentifyAsync(forger.Module(node), Converge));
        }

        await before.AssertUnchangedAsync(this, cluster, Window, Converge);
        var counts = reasons.ToDictionary(r => r, r => Count(cluster, r) - countsBefore[r]);
        output.WriteLine($"{credential}: " + string.Join(", ", counts.Select(c => $"{c.Key.WireName()} {c.Value}")));
        Assert.True(counts[RejectionReason.SystemMessage] >= Forgery.DeadPaths.Count + 1, "system_message");
        Assert.True(counts[RejectionReason.NotANode] >= 1, "not_a_node: the join as node1");
        if (credential == Credential.Service)
        {
            // Forged paths are dropped as such first; the service's own messages are not permitted (claims naming node3 too).
            Assert.True(counts[RejectionReason.ForgedSender] >= Forgery.ForgedSenderPaths, "forged_sender");
            Assert.True(counts[RejectionReason.NotPermitted] >= Forgery.Claims, "not_permitted");
        }
        else
        {
            // Every claim of another node's id is refused at the connection (SendClaims names the leader
            // 4 times and the follower 3 times); one naming node3 itself passes there, and the module
            // refuses it as from no member (the forger's address is none).
            var claimsOfOthers = Forgery.Claims - (l.NodeId == "node3" ? 4 : 0) - (f.NodeId == "node3" ? 3 : 0);
            Assert.True(counts[RejectionReason.ForgedSender] >= Forgery.ForgedSenderPaths + claimsOfOthers, "forged_sender");
        }
    }

    [Fact]
    public async Task With_tls_a_node_certificate_cannot_declare_another_members_address()
    {
        using var certs = TestCertificates.Create("node1", "node2", "node3");
        await using var cluster = InProcessCluster.Start(3, tls: i => certs.For(InProcessCluster.NodeIdOf(i)));
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var before = await ClusterSnapshot.TakeAsync(cluster);
        var (leader, follower, other) = Roles(cluster, before);
        var forgedBefore = Count(cluster, RejectionReason.ForgedSender);
        // node3's certificate in a process that declares, in Akka's handshake, the address of a member that is not node3.
        var squatted = new[] { leader, follower, other }.First(n => n.NodeId != "node3");
        await using var forger = ForeignSystem.Start(certs.For("node3"), publicPort: squatted.Address.Port);

        Forgery.SendClaims(forger.System, ForeignSystem.Target(leader), ForeignSystem.Target(follower), ForeignSystem.Target(other),
            before.Statuses[0].Election.Term, follower.Context.Clock.Now());

        await AwaitConditionAsync(() => Task.FromResult(Count(cluster, RejectionReason.ForgedSender) > forgedBefore), Converge);
        await before.AssertUnchangedAsync(this, cluster, Window, Converge);
    }

    private static (ClusterNode Leader, ClusterNode Follower, ClusterNode Other) Roles(InProcessCluster cluster, ClusterSnapshot before)
    {
        var leaderId = before.Statuses[0].Election.Leader ?? throw new InvalidOperationException("no leader");
        var leader = cluster.Nodes.Single(n => n.Context.NodeId == leaderId);
        var followers = cluster.Nodes.Where(n => n != leader).ToList();
        return (leader, followers[0], followers[1]);
    }

    private static long Count(InProcessCluster cluster, RejectionReason reason) => cluster.Nodes.Sum(n => n.Context.Counters.Rejections[reason]);
}
