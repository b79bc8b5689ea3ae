using System.Collections.Concurrent;
using System.Diagnostics;
using Solidb.Cluster.Client.Events;
using Xunit.Abstractions;
using static Solidb.Cluster.Client.Tests.TestSupport;

namespace Solidb.Cluster.Client.Tests;

/// <summary>WatchAsync against fake nodes that speak the event stream's protocol (FakeNode).</summary>
public sealed class EventsClientTests(ITestOutputHelper output)
{
    private readonly ConcurrentQueue<string> _problems = new();

    private ClusterEventsOptions Options => new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        OnProblem = line =>
        {
            _problems.Enqueue(line);
            output.WriteLine("problem: " + line);
        },
    };

    private static async Task<List<long>> Seqs(IAsyncEnumerator<ClusterEvent> events, int count)
    {
        var seqs = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var e = await Next(events);
            Assert.IsType<MemberStateChangedEvent>(e);
            seqs.Add(e.Seq);
        }

        return seqs;
    }

    [Fact]
    public async Task The_first_event_is_the_nodes_snapshot_then_its_live_events()
    {
        await using var node = await FakeNode.StartAsync("n1", incarnation: 4);
        node.PublishMany(3);
        var client = new ClusterEventsClient(node.Url, Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();

        var snapshot = Assert.IsType<SnapshotEvent>(await Next(events));
        Assert.Equal((4, 3, "n1"), (snapshot.Incarnation, snapshot.Seq, snapshot.Status.NodeId));
        node.PublishMany(2);
        Assert.Equal([4, 5], await Seqs(events, 2));
        Assert.Equal([""], node.Upgrades);
    }

    [Fact]
    public async Task A_bearer_token_goes_with_the_upgrade_request()
    {
        await using var node = await FakeNode.StartAsync("n1");
        var client = new ClusterEventsClient(node.Url, Options with { BearerToken = "t0ken" });
        await using var events = client.WatchAsync().GetAsyncEnumerator();

        Assert.IsType<SnapshotEvent>(await Next(events));
        Assert.Equal(["/_api/cluster/events: Bearer t0ken"], node.Authorizations);
    }

    [Fact]
    public async Task Resume_across_a_dropped_connection_delivers_every_event_once()
    {
        await using var node = await FakeNode.StartAsync("n1");
        var client = new ClusterEventsClient(node.Url, Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        node.PublishMany(2);
        var seqs = await Seqs(events, 2);

        // Cut the connection and keep the client out while five events happen: it must get them from the replay.
        node.RefuseUpgrades = true;
        node.DropConnections();
        await Eventually(() => node.OpenConnections == 0, "the connection is gone");
        node.PublishMany(5);
        node.RefuseUpgrades = false;
        seqs.AddRange(await Seqs(events, 5));
        node.Publish();
        seqs.AddRange(await Seqs(events, 1));

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), seqs);
        Assert.Equal("since=2&incarnation=1", node.Upgrades[^1]);
        Assert.Equal(0, client.Duplicates);
        Assert.True(client.Reconnects >= 1);
    }

    [Fact]
    public async Task A_since_older_than_the_nodes_buffer_resumes_with_the_nodes_reset()
    {
        await using var node = await FakeNode.StartAsync("n1", bufferSize: 2);
        var client = new ClusterEventsClient(node.Url, Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        node.Publish();
        await Seqs(events, 1);

        node.RefuseUpgrades = true;
        node.DropConnections();
        await Eventually(() => node.OpenConnections == 0, "the connection is gone");
        node.PublishMany(5);
        node.RefuseUpgrades = false;

        var reset = Assert.IsType<ResetEvent>(await Next(events));
        Assert.Equal(6, reset.Seq);
        Assert.Contains("older than the buffer", reset.Reason);
        node.Publish();
        Assert.Equal([7], await Seqs(events, 1));
    }

    [Fact]
    public async Task The_death_of_the_watched_node_goes_on_with_a_reset_from_the_next_then_its_live_events()
    {
        await using var first = await FakeNode.StartAsync("a", incarnation: 1);
        await using var second = await FakeNode.StartAsync("b", incarnation: 7);
        second.PublishMany(3);
        var client = new ClusterEventsClient([first.Url, second.Url], Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.Equal("a", Assert.IsType<SnapshotEvent>(await Next(events)).Status.NodeId);
        first.Publish();
        await Seqs(events, 1);

        await first.DieAsync();
        var reset = Assert.IsType<ResetEvent>(await Next(events));
        Assert.Equal(("b", 7, 3), (reset.Status.NodeId, reset.Incarnation, reset.Seq));
        Assert.Contains(second.Url.ToString(), reset.Reason);
        second.Publish();
        var live = await Next(events);
        Assert.Equal((7, 4), (live.Incarnation, live.Seq));

        // A new node means a new numbering: the client started there without a since.
        Assert.Equal([""], second.Upgrades);
        Assert.Equal(1, client.NodeSwitches);
        Assert.Contains(_problems, p => p.Contains("connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_first_node_that_is_down_from_the_start_gives_the_next_nodes_snapshot()
    {
        await using var node = await FakeNode.StartAsync("b", incarnation: 2);
        var client = new ClusterEventsClient([RefusingUrl(), node.Url], Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();

        Assert.Equal("b", Assert.IsType<SnapshotEvent>(await Next(events)).Status.NodeId);
    }

    [Fact]
    public async Task A_close_with_1013_resumes_at_once_from_the_last_delivered_seq()
    {
        await using var node = await FakeNode.StartAsync("n1");

        // Every backoff delay would be 9.9 s: an event within 5 s proves the 1013 reconnect did not wait for one.
        var client = new ClusterEventsClient(node.Url, Options with
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            Random = new FixedRandom(0.99),
        });
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        node.PublishMany(2);
        await Seqs(events, 2);

        // The watch is pulled: it sees the close (and reconnects) while the caller waits for the next event.
        var pending = events.MoveNextAsync().AsTask();
        node.CloseTooSlow();
        await Eventually(() => node.Upgrades.Count == 2, "the client reconnected", within: TimeSpan.FromSeconds(5));
        node.Publish();
        Assert.True(await pending.WaitAsync(Patience));

        Assert.Equal(3, events.Current.Seq);
        Assert.Equal("since=2&incarnation=1", node.Upgrades[1]);
        Assert.Contains(_problems, p => p.Contains("code 1013", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"snapshot\",\"seq\":9,\"incarnation\":1}")]
    [InlineData("{\"type\":\"member_state_changed\",\"seq\":\"nine\"}")]
    [InlineData("oversized")]
    public async Task A_bad_frame_is_refused_reported_and_the_stream_resumes_without_a_gap(string frame)
    {
        await using var node = await FakeNode.StartAsync("n1");
        var client = new ClusterEventsClient(node.Url, Options with { MaxFrameBytes = 4096 });
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        node.Publish();
        await Seqs(events, 1);

        var pending = events.MoveNextAsync().AsTask();
        node.SendRaw(frame == "oversized" ? "{\"pad\":\"" + new string('x', 10_000) + "\"}" : frame);
        await Eventually(() => node.Upgrades.Count == 2, "the client reconnected");
        node.PublishMany(2);

        Assert.True(await pending.WaitAsync(Patience));
        var seqs = new List<long> { events.Current.Seq };
        seqs.AddRange(await Seqs(events, 1));
        Assert.Equal([2, 3], seqs);
        Assert.Equal(1, client.BadFrames);
        Assert.Equal("since=1&incarnation=1", node.Upgrades[1]);
        Assert.Contains(_problems, p => p.Contains("refused a ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_repeated_by_the_node_is_dropped()
    {
        await using var node = await FakeNode.StartAsync("n1");
        var client = new ClusterEventsClient(node.Url, Options);
        await using var events = client.WatchAsync().GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        var first = node.Publish();
        node.Publish();
        await Seqs(events, 2);

        node.SendRaw(FakeNode.Json(first));
        node.Publish();

        Assert.Equal([3], await Seqs(events, 1));
        Assert.Equal(1, client.Duplicates);
    }

    [Fact]
    public async Task The_types_filter_and_a_starting_since_go_to_the_node()
    {
        await using var node = await FakeNode.StartAsync("n1", incarnation: 5);
        node.PublishMany(4);
        var client = new ClusterEventsClient(node.Url, Options with
        {
            Types = [EventTypes.LeaderChanged, EventTypes.MemberStateChanged],
            Since = 2,
            Incarnation = 5,
        });
        await using var events = client.WatchAsync().GetAsyncEnumerator();

        Assert.Equal([3, 4], await Seqs(events, 2));
        Assert.Equal("since=2&incarnation=5&types=leader_changed%2Cmember_state_changed", node.Upgrades[0]);
    }

    [Fact]
    public async Task Cancellation_ends_a_watch_blocked_on_receive_promptly()
    {
        await using var node = await FakeNode.StartAsync("n1");
        using var cts = new CancellationTokenSource();
        var client = new ClusterEventsClient(node.Url, Options);
        var events = client.WatchAsync(cts.Token).GetAsyncEnumerator();
        Assert.IsType<SnapshotEvent>(await Next(events));
        var pending = events.MoveNextAsync().AsTask();
        Assert.False(pending.IsCompleted);

        var watch = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        output.WriteLine($"cancelled while receiving: ended after {watch.Elapsed.TotalMilliseconds:0.0} ms");
        await events.DisposeAsync();
        await Eventually(() => node.OpenConnections == 0, "the node saw the connection end");
    }

    [Fact]
    public async Task Cancellation_ends_a_watch_waiting_to_reconnect_promptly()
    {
        using var cts = new CancellationTokenSource();

        // The only node refuses; every backoff delay is 9.9 s.
        var client = new ClusterEventsClient(RefusingUrl(), Options with
        {
            InitialBackoff = TimeSpan.FromSeconds(10),
            Random = new FixedRandom(0.99),
        });
        await using var events = client.WatchAsync(cts.Token).GetAsyncEnumerator();
        var pending = events.MoveNextAsync().AsTask();
        await Eventually(() => !_problems.IsEmpty, "the first connect was refused");

        var watch = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(5)));
        output.WriteLine($"cancelled while waiting to reconnect: ended after {watch.Elapsed.TotalMilliseconds:0.0} ms");
    }
}
