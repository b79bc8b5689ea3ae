using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Events;

/// <summary>The event stream of a follower of a real 3-node cluster while members die and come back.</summary>
[Collection(ProcessCollection.Second)]
public sealed class EventStreamClusterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_follower_streams_failures_and_the_new_leader_to_every_consumer_once_in_order_whatever_a_stalled_one_does()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var status = await cluster.Nodes[0].StatusAsync();
        var leaderId = status.GetProperty("leader").GetString()!;
        var leader = Enumerable.Range(0, 3).Single(i => ProcessCluster.NodeIdOf(i) == leaderId);
        var observer = (leader + 1) % 3;
        var follower = (leader + 2) % 3;
        var observed = cluster.Nodes[observer];

        // One consumer reads all along, one never reads, one disconnects and resumes with since.
        await using var all = new EventCollector(await EventStreamClient.ConnectAsync(observed));
        await using var stalled = await EventStreamClient.ConnectAsync(observed);
        var snapshot = Assert.IsType<SnapshotEvent>(await all.WaitForAsync(_ => true, Bound, "first frame"));
        Assert.Equal(ProcessCluster.NodeIdOf(observer), snapshot.Status.NodeId);
        Assert.Equal(leaderId, snapshot.Status.Leader);
        var term = snapshot.Status.Term;

        var resuming = new EventCollector(await EventStreamClient.ConnectAsync(observed));
        var firstPart = Assert.IsType<SnapshotEvent>(await resuming.WaitForAsync(_ => true, Bound, "first frame"));
        await resuming.DisposeAsync();

        // A follower dies: Unknown, then Failed.
        var followerId = ProcessCluster.NodeIdOf(follower);
        cluster.Nodes[follower].Kill();
        var unknown = await all.WaitForAsync(e => e is MemberStateChangedEvent { To: MemberState.Unknown } m && m.NodeId == followerId, Bound, "Unknown");
        var failed = await all.WaitForAsync(e => e is MemberStateChangedEvent { To: MemberState.Failed } m && m.NodeId == followerId, Bound, "Failed");
        Assert.True(unknown.Seq < failed.Seq);

        // It comes back (a new incarnation), then the leader dies: a new leader with a higher term.
        cluster.Restart(follower);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        cluster.Nodes[leader].Kill();
        var elected = (LeaderChangedEvent)await all.WaitForAsync(
            e => e is LeaderChangedEvent { Leader: not null } l && l.Leader != leaderId && l.Term > term, Bound, "a new leader");
        Assert.Contains(elected.Leader, new[] { ProcessCluster.NodeIdOf(observer), followerId });

        // The consumer that left resumes from the snapshot's seq: everything after it, once, in order.
        await using var resumed = new EventCollector(await EventStreamClient.ConnectAsync(observed, $"since={firstPart.Seq}&incarnation={firstPart.Incarnation}"));
        await resumed.WaitForAsync(e => e.Seq == elected.Seq, Bound, $"the resumed stream up to seq {elected.Seq}");

        var continuous = all.Events;
        AssertContiguous(continuous);
        Assert.All(continuous, e => Assert.Equal(snapshot.Incarnation, e.Incarnation));
        var replayed = resumed.Events.TakeWhile(e => e.Seq <= elected.Seq).ToList();
        AssertContiguous(replayed);
        Assert.Equal(firstPart.Seq + 1, replayed[0].Seq);
        Assert.Equal(continuous.Where(e => e.Seq > firstPart.Seq && e.Seq <= elected.Seq).Select(Key), replayed.Select(Key));

        // The stalled consumer held nobody back, and its stream is still open (a few events fit its buffers).
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, stalled.Socket.State);
    }

    private static (long Seq, string Type, string Hlc) Key(ClusterEvent e) => (e.Seq, e.Type, e.Hlc);

    private static void AssertContiguous(IReadOnlyList<ClusterEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Seq == events[i - 1].Seq + 1,
                $"seq {events[i - 1].Seq} then {events[i].Seq}: {string.Join(" | ", events.Select(EventCollector.Describe))}");
        }
    }
}
