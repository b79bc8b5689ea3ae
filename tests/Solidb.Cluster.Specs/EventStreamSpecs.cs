using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Events;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>The event stream's actor API over a real 3-node cluster: what a follower sees when the leader dies, and exact resumption.</summary>
[Collection(SpecCollection.Second)]
public sealed class EventStreamSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task A_follower_sees_the_dead_leader_go_Unknown_then_Failed_and_a_new_leader_in_a_higher_term_and_a_resume_replays_exactly_those_events()
    {
        await using var cluster = InProcessCluster.Start(3, SpecTiming.Scaled);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        await AwaitConditionAsync(async () => (await cluster[0].StatusAsync()).Election is { Leader: not null, HasQuorum: true }, Converge);
        var before = (await cluster[0].StatusAsync()).Election;
        var leaderIndex = cluster.Nodes.ToList().FindIndex(n => n.Context.NodeId == before.Leader);
        var follower = cluster[(leaderIndex + 1) % 3];
        var dead = before.Leader!.Value.Value;

        var live = CreateTestProbe(follower.System);
        follower.Manager.Tell(new SubscribeClusterEvents(live));
        var snapshot = await live.ExpectMsgAsync<SnapshotEvent>(TimeSpan.FromSeconds(10));
        Assert.Equal(follower.Context.Identity.Incarnation, snapshot.Incarnation);
        Assert.Contains(snapshot.Status.Members, m => m.NodeId == dead && m.State == MemberState.Active);

        await cluster.KillAsync(leaderIndex);
        var seen = await ReceiveUntil(live, seen =>
            seen.Any(e => e is LeaderChangedEvent { Leader: not null } l && l.Term > before.Term)
            && seen.Any(e => e is MemberStateChangedEvent { To: MemberState.Failed } f && f.NodeId == dead));
        Output.WriteLine(string.Join("\n", seen.Select(e => $"{e.Seq} {e.Type} {e}")));

        // Numbered on from the snapshot with no gap, every event of this node's incarnation.
        Assert.Equal(Enumerable.Range((int)snapshot.Seq + 1, seen.Count).Select(i => (long)i), seen.Select(e => e.Seq));
        Assert.All(seen, e => Assert.Equal(snapshot.Incarnation, e.Incarnation));
        var states = seen.OfType<MemberStateChangedEvent>().Where(e => e.NodeId == dead).Select(e => e.To).ToList();
        Assert.Equal([MemberState.Unknown, MemberState.Failed], states.Take(2));
        Assert.Contains(seen, e => e is SuspicionRaisedEvent s && s.NodeId == dead);

        // A consumer that resumes from the snapshot's seq gets exactly the same events, once each.
        var resumed = CreateTestProbe(follower.System);
        follower.Manager.Tell(new SubscribeClusterEvents(resumed, snapshot.Seq, snapshot.Incarnation));
        var replayed = new List<ClusterEvent>();
        while (replayed.Count < seen.Count)
        {
            replayed.Add(await resumed.ExpectMsgAsync<ClusterEvent>(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(seen.Select(e => (e.Seq, e.Type)), replayed.Select(e => (e.Seq, e.Type)));
        Assert.Equal(seen, replayed);

        // A since from another incarnation is a reset carrying the status, not a replay.
        var stale = CreateTestProbe(follower.System);
        follower.Manager.Tell(new SubscribeClusterEvents(stale, 1, snapshot.Incarnation + 1));
        var reset = await stale.ExpectMsgAsync<ResetEvent>(TimeSpan.FromSeconds(10));
        Assert.Contains("incarnation", reset.Reason);
        Assert.Equal(follower.NodeId, reset.Status.NodeId);
    }

    [Fact]
    public async Task A_types_filter_delivers_only_those_types_after_the_snapshot()
    {
        await using var cluster = InProcessCluster.Start(3, SpecTiming.Scaled);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var probe = CreateTestProbe(cluster[0].System);

        cluster[0].Manager.Tell(new SubscribeClusterEvents(probe, Types: new HashSet<string> { EventTypes.MemberStateChanged }));
        await probe.ExpectMsgAsync<SnapshotEvent>(TimeSpan.FromSeconds(10));
        await cluster.KillAsync(2);

        var seen = await ReceiveUntil(probe, seen => seen.OfType<MemberStateChangedEvent>().Any(e => e.To == MemberState.Failed));
        Assert.All(seen, e => Assert.IsType<MemberStateChangedEvent>(e));
    }

    /// <summary>Events in arrival order until <paramref name="done"/> holds; fails after 40 s.</summary>
    private static async Task<List<ClusterEvent>> ReceiveUntil(TestProbe probe, Func<List<ClusterEvent>, bool> done)
    {
        var seen = new List<ClusterEvent>();
        var deadline = DateTime.UtcNow + Converge;
        while (!done(seen))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"gave up after {Converge.TotalSeconds} s; saw: {string.Join(", ", seen.Select(e => e.Type))}");
            seen.Add(await probe.ExpectMsgAsync<ClusterEvent>(left));
        }

        return seen;
    }
}
