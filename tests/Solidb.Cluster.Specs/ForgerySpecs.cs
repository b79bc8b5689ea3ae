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
[Collection(SpecCollection.Name)]
public sealed class ForgerySpecs(ITestOutputHelper helper) : TestKit(output: helper)
{
    private readonly ITestOutputHelper output = helper;

    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>Just below the terms' limit (2^62): the term that froze elections.</summary>
    private const long FreezingTerm = (1L << 62) - 1;

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

        SendForgeries(forger, leader, follower, other, before);

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
        Assert.True(forged >= 9, $"only {forged} forged_sender drops");
        Assert.True(system >= DeadPaths.Count, $"only {system} system_message drops");
    }

    /// <summary>Every forgery of the issue, each from the process's own connection with another node's sender path.</summary>
    private static void SendForgeries(ForeignSystem forger, ClusterNode leader, ClusterNode follower, ClusterNode other, ClusterSnapshot before)
    {
        var stamp = follower.Context.Clock.Now();
        var term = before.Statuses[0].Election.Term;
        var supervisorPath = $"/user/{ClusterManagerActor.Name}";
        var electionPath = $"{supervisorPath}/{ElectionActor.Name}";
        var heartbeatPath = $"{supervisorPath}/{HeartbeatActor.Name}";
        var leaderUid = Akka.Cluster.Cluster.Get(leader.System).SelfUniqueAddress.Uid;

        forger.Module(follower).Tell(new OperatorDownNotice(leader.NodeId, follower.NodeId, term, leader.NodeId, stamp), forger.Forged(leader, supervisorPath));
        forger.Module(leader).Tell(new OperatorDownRequest(follower.NodeId, other.NodeId, stamp), forger.Forged(follower, supervisorPath));
        forger.Module(leader, ElectionActor.Name).Tell(new VoteReply(follower.NodeId, FreezingTerm, true, false, stamp), forger.Forged(follower, electionPath));
        forger.Module(follower, HeartbeatActor.Name).Tell(new Heartbeat(leader.NodeId, leaderUid, 1, FreezingTerm, true, stamp, stamp), forger.Forged(leader, heartbeatPath));
        forger.Module(follower, ElectionActor.Name).Tell(new TimeoutNow(leader.NodeId, term, stamp), forger.Forged(leader, electionPath));
        forger.Module(other, ElectionActor.Name).Tell(new RequestVote(follower.NodeId, term + 1, false, stamp), forger.Forged(follower, electionPath));
        forger.Module(follower).Tell(new Introduce(leader.NodeId, leaderUid, 1, "http://203.0.113.9:6746", "evil", stamp), forger.Forged(leader, supervisorPath));

        // Akka.Cluster itself: a join as another address with a voter role, and gossip "from the leader" marking a follower Down.
        var daemonPath = "/system/cluster/core/daemon";
        var victimCluster = Akka.Cluster.Cluster.Get(follower.System);
        var joiner = new Akka.Cluster.UniqueAddress(new Address(leader.Address.Protocol, leader.Address.System, "127.0.0.1", 1), 42);
        forger.Path(leader, daemonPath).Tell(ForgedClusterMessages.Join(joiner, "solidb", "solidb-node:intruder"), forger.Forged(leader, daemonPath));
        forger.Path(follower, daemonPath).Tell(
            ForgedClusterMessages.GossipMarkingDown(Akka.Cluster.Cluster.Get(leader.System).SelfUniqueAddress, victimCluster.SelfUniqueAddress,
                victimCluster.State.Members, Akka.Cluster.Cluster.Get(other.System).SelfUniqueAddress),
            forger.Forged(leader, daemonPath));

        // Death notices naming the victim's own guardians and module actors, and one of another node's.
        foreach (var path in DeadPaths)
        {
            forger.SendDeathNotice(follower, follower, path);
        }

        forger.SendDeathNotice(follower, leader, supervisorPath);
    }

    private static IReadOnlyList<string> DeadPaths { get; } =
    [
        "/", "/system", "/user", $"/user/{ClusterManagerActor.Name}",
        .. new[] { HeartbeatActor.Name, ElectionActor.Name, FailureDetectorActor.Name, Bootstrap.BootstrapActor.Name, Clock.ClockActor.Name }
            .Select(child => $"/user/{ClusterManagerActor.Name}/{child}"),
    ];

    private static (ClusterNode Leader, ClusterNode Follower, ClusterNode Other) Roles(InProcessCluster cluster, ClusterSnapshot before)
    {
        var leaderId = before.Statuses[0].Election.Leader ?? throw new InvalidOperationException("no leader");
        var leader = cluster.Nodes.Single(n => n.Context.NodeId == leaderId);
        var followers = cluster.Nodes.Where(n => n != leader).ToList();
        return (leader, followers[0], followers[1]);
    }

    private static long Count(InProcessCluster cluster, RejectionReason reason) => cluster.Nodes.Sum(n => n.Context.Counters.Rejections[reason]);
}
