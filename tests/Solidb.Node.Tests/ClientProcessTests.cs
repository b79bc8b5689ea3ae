using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests;

/// <summary>The client library's WatchAsync against real solidb processes.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ClientProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WatchAsync_goes_on_from_the_next_node_with_a_reset_then_its_live_events_when_the_watched_node_is_killed()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var watched = cluster.Nodes[2];
        var next = cluster.Nodes[0];
        var nextUrl = new Uri($"http://{next.Host}:{next.HttpPort}");
        var client = new ClusterEventsClient([new Uri($"http://{watched.Host}:{watched.HttpPort}"), nextUrl],
            new ClusterEventsOptions { OnProblem = line => output.WriteLine("watch: " + line) });
        using var cts = new CancellationTokenSource(Bound);
        await using var events = client.WatchAsync(cts.Token).GetAsyncEnumerator();

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("node3", Assert.IsType<SnapshotEvent>(events.Current).Status.NodeId);

        watched.Kill();

        // Every event node3 delivered before its death is followed by node1's reset: the numbering changes there.
        ResetEvent? reset = null;
        while (reset is null)
        {
            Assert.True(await events.MoveNextAsync());
            output.WriteLine($"{events.Current.Type} seq {events.Current.Seq} incarnation {events.Current.Incarnation}");
            reset = events.Current as ResetEvent;
        }

        Assert.Equal("node1", reset.Status.NodeId);
        Assert.Contains(nextUrl.ToString(), reset.Reason);

        // Then node1's live events, numbered after the reset: node1 confirms node3 Failed after the reset was sent
        // (Failed takes 5 missed heartbeats; the client moved over within a second or two).
        var seq = reset.Seq;
        while (true)
        {
            Assert.True(await events.MoveNextAsync());
            var e = events.Current;
            output.WriteLine($"{e.Type} seq {e.Seq} incarnation {e.Incarnation}");
            Assert.Equal(reset.Incarnation, e.Incarnation);
            Assert.Equal(seq + 1, e.Seq);
            seq = e.Seq;
            if (e is MemberStateChangedEvent { NodeId: "node3", To: MemberState.Failed })
            {
                break;
            }
        }

        Assert.Equal(1, client.NodeSwitches);
    }
}
