using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// Each of the supervisor's children crashed once (from the test: <see cref="Solidb.Testing.ActorFaults"/>),
/// on the leader and on a follower, over real Akka.Remote with the shipped timings: a restarted
/// child gets its references and the current view back, and the cluster stays healthy.
/// </summary>
[Collection(SpecCollection.Name)]
public sealed class SupervisionSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private static readonly string[] AllButElection = [ClockActor.Name, BootstrapActor.Name, FailureDetectorActor.Name, HeartbeatActor.Name];

    private static Task Crash(ClusterNode node, string child) =>
        Solidb.Testing.ActorFaults.CrashAsync(node.System, $"/user/{ClusterManagerActor.Name}/{child}");

    private static async Task<(NodeId Leader, long Term)?> AgreedLeader(IEnumerable<ClusterNode> group)
    {
        var statuses = await Task.WhenAll(group.Select(n => n.StatusAsync()));
        var leaders = statuses.Select(s => (s.Election.Leader, s.Election.Term)).Distinct().ToList();
        return leaders is [({ } leader, var term)] && statuses.All(s => s.Election.HasQuorum) ? (leader, term) : null;
    }

    private async Task<InProcessCluster> StartWithLeader()
    {
        var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(async () => await cluster.IsConvergedAsync() && await AgreedLeader(cluster.Nodes) is not null, Converge, Poll);
        return cluster;
    }

    [Fact]
    public async Task Crashed_clock_bootstrap_detector_and_heartbeat_actors_on_the_leader_and_a_follower_keep_their_wiring_and_nothing_changes()
    {
        await using var cluster = await StartWithLeader();
        var (leader, term) = (await AgreedLeader(cluster.Nodes))!.Value;
        var leaderNode = cluster.Nodes.Single(n => n.Context.NodeId == leader);
        var follower = cluster.Nodes.First(n => n.Context.NodeId != leader);
        var crashed = new[] { leaderNode, follower };
        var members = cluster.Nodes.Select(n => MembershipRecorder.Attach(n, _clock)).ToList();
        var logs = crashed.Select(LogRecorder.Attach).ToList();
        var before = cluster.Nodes.Select(n => n.Context.Counters.Snapshot()).ToList();

        var crashAt = _clock.Elapsed;
        foreach (var node in crashed)
        {
            foreach (var child in AllButElection)
            {
                await Crash(node, child);
            }
        }

        // The follower's election actor too (the leader's is the next spec: a restarted leader's
        // election actor is a follower again).
        await Crash(follower, ElectionActor.Name);

        // Heartbeats keep flowing from both crashed nodes: at least 7 more intervals' worth to
        // each of their 2 peers (the restarted heartbeat actor has its peers back).
        await AwaitConditionAsync(() => Task.FromResult(crashed.All(n =>
            n.Context.Counters.Snapshot().HeartbeatsSent - before[cluster.Nodes.ToList().IndexOf(n)].HeartbeatsSent >= 14)),
            TimeSpan.FromSeconds(30), Poll);
        Output.WriteLine($"7 heartbeat intervals after the crashes at {(_clock.Elapsed - crashAt).TotalSeconds:F1} s");

        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        for (var i = 0; i < statuses.Length; i++)
        {
            var s = statuses[i];
            // The leader's heartbeats carried its leadership throughout: nobody started an election.
            Assert.Equal((leader, term), (s.Election.Leader!.Value, s.Election.Term));
            Assert.True(s.Election.HasQuorum, $"{s.NodeId} has no quorum");
            Assert.Equal(before[i].PreVotesStarted, s.Counters.PreVotesStarted);
            Assert.Equal(before[i].ElectionsStarted, s.Counters.ElectionsStarted);
            // Nothing was refused (a restarted election actor without its voters refuses every heartbeat as not_a_voter).
            Assert.Equal(before[i].MessagesDropped, s.Counters.MessagesDropped);
            // No member ever left Active, as seen by any node.
            var seen = members[i];
            Assert.All(cluster.Nodes, other => Assert.Equal(["Active"], seen.History(other.Context.NodeId)));
        }

        // A restarted failure detector monitors its peers again and hears them.
        foreach (var node in crashed)
        {
            var status = statuses[cluster.Nodes.ToList().IndexOf(node)];
            Assert.All(status.Members.Where(m => m.NodeId != node.Context.NodeId), m =>
            {
                Assert.NotNull(m.MissedHeartbeats);
                Assert.True(m.LastHeartbeatAgo < TimeSpan.FromSeconds(3), $"{node.NodeId} last heard {m.NodeId} {m.LastHeartbeatAgo} ago");
            });
        }

        // Each crash was a failure its supervisor handled (not a message dropped on the floor).
        foreach (var (node, log) in crashed.Zip(logs))
        {
            var children = node == follower ? AllButElection.Append(ElectionActor.Name) : AllButElection;
            Assert.All(children, child => Assert.Contains(log.Seen, e =>
                (e.Source.EndsWith("/" + child, StringComparison.Ordinal) || e.Text.Contains($"'{child}'", StringComparison.Ordinal))
                && e.Text.Contains("crash requested by a test", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task After_every_election_actor_crashed_once_a_cut_off_leader_steps_down_and_the_others_elect_a_new_one()
    {
        await using var cluster = await StartWithLeader();
        var (_, term) = (await AgreedLeader(cluster.Nodes))!.Value;
        var recorders = cluster.Nodes.Select(n => LeaderRecorder.Attach(n, _clock)).ToList();
        await AwaitConditionAsync(() => Task.FromResult(recorders.All(r => r.Latest is not null)), Converge, Poll);

        var crashAt = _clock.Elapsed;
        foreach (var node in cluster.Nodes)
        {
            await Crash(node, ElectionActor.Name);
        }

        // Each restarted election actor starts as a follower that knows no leader yet, from its
        // durable term and vote, and says so; then it follows the leader's heartbeats again.
        // The leader's crash may cost one re-election, which ends with one leader.
        await AwaitConditionAsync(() => Task.FromResult(recorders.All(r => r.Seen.Any(s => s.At > crashAt && s.Info.Leader is null))), Converge, Poll);
        (NodeId Leader, long Term)? agreed = null;
        await AwaitConditionAsync(async () => (agreed = await AgreedLeader(cluster.Nodes)) is { } l && l.Term >= term, Converge, Poll);
        var (leader, leaderTerm) = agreed!.Value;
        Output.WriteLine(string.Join(Environment.NewLine, recorders.Select(r => $"{r.Node}: {r.History()}")));
        Output.WriteLine($"leader {leader} in term {leaderTerm} (term {term} before the crashes) at {_clock.Elapsed.TotalSeconds:F1} s");
        Assert.All(await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync())), s => Assert.All(s.Members, m => Assert.Equal(NodeState.Active, m.State)));

        // Now the restarted election actors must do their job: the cut-off leader steps down
        // (check-quorum), the other two elect a new leader among themselves.
        var leaderIndex = cluster.Nodes.ToList().FindIndex(n => n.Context.NodeId == leader);
        var majority = cluster.Nodes.Where((_, i) => i != leaderIndex).ToList();
        await cluster.PartitionAsync(leaderIndex);

        await AwaitConditionAsync(async () => await AgreedLeader(majority) is { } l && l.Term > leaderTerm && l.Leader != leader, Converge, Poll);
        await AwaitConditionAsync(async () => (await cluster[leaderIndex].StatusAsync()).Election is { Leader: null, HasQuorum: false }, Converge, Poll);
    }
}
