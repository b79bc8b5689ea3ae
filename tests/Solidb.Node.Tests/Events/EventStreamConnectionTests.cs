using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Node.Http.Events;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Events;

public class EventStreamConnectionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly EventStreamQuery All = new(null, null, null);

    /// <summary>An event with a 2 KB reason, so an unread stream fills the socket buffers within a few hundred.</summary>
    private static ClusterEvent Big(long seq) =>
        new MemberStateChangedEvent("node3", MemberState.Active, MemberState.Unknown, new string('r', 2048))
        {
            Seq = seq, Incarnation = 7, Hlc = $"{seq:x16}-00000000", At = DateTimeOffset.UnixEpoch.AddSeconds(seq),
        };

    private static EventStreamConnection Connection(WebSocketPair pair, EventRelay relay, EventStreamQuery? query = null,
        TimeSpan? closeGrace = null, TimeSpan? shutdownGrace = null) =>
        new(pair.Server, relay, query ?? All, closeGrace ?? TimeSpan.FromSeconds(10), shutdownGrace ?? TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Each_event_is_one_text_frame_of_json_with_its_type()
    {
        using var pair = await WebSocketPair.OpenAsync();
        var relay = new EventRelay(16);
        var run = Connection(pair, relay).RunAsync(CancellationToken.None);
        var sent = new LeaderChangedEvent("node2", 3, "0000018f00000000-00000001", true)
        {
            Seq = 5, Incarnation = 2, Hlc = "0000018f00000000-00000002", At = DateTimeOffset.Parse("2025-01-02T03:04:05Z"),
        };
        relay.Offer(sent);

        var frame = await pair.ReceiveAsync(Bound);
        using var json = JsonDocument.Parse(frame.Text!);
        Assert.Equal("leader_changed", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("incarnation").GetInt64());
        Assert.Equal("node2", json.RootElement.GetProperty("leader").GetString());
        Assert.True(json.RootElement.GetProperty("has_quorum").GetBoolean());
        Assert.Equal(sent, JsonSerializer.Deserialize<ClusterEvent>(frame.Text!, ClusterJson.Options));

        await pair.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        var end = await run.WaitAsync(Bound);
        Assert.Equal(new StreamEnd(StreamEndReason.ClientClosed, 5, 2, 1), end);
        Assert.Equal(WebSocketState.Closed, pair.Client.State);
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_is_closed_with_1013_and_the_since_to_resume_from_while_a_fast_one_keeps_up()
    {
        using var stalled = await WebSocketPair.OpenAsync(smallBuffers: true);
        using var fast = await WebSocketPair.OpenAsync(smallBuffers: true);
        var stalledRelay = new EventRelay(4);
        var fastRelay = new EventRelay(4);
        var stalledRun = Connection(stalled, stalledRelay).RunAsync(CancellationToken.None);
        var fastRun = Connection(fast, fastRelay).RunAsync(CancellationToken.None);

        // The producer offers each event to both and goes on once the fast consumer has it: the stalled one must not
        // hold it up, and its queue overflows once its socket buffers are full.
        var seq = 0L;
        var clock = Stopwatch.StartNew();
        while (!stalledRelay.Overflowed.IsCompleted || seq < 2000)
        {
            Assert.True(clock.Elapsed < Bound, $"after {seq} events the stalled queue has not overflowed");
            seq++;
            stalledRelay.Offer(Big(seq));
            Assert.True(fastRelay.Offer(Big(seq)), $"the fast consumer's queue overflowed at {seq}");
            var got = await fast.ReceiveAsync(Bound);
            Assert.Equal(seq, JsonSerializer.Deserialize<ClusterEvent>(got.Text!, ClusterJson.Options)!.Seq);
        }

        // The stalled consumer reads again: every event it was sent, in order, then 1013 naming the last one.
        var received = new List<long>();
        WebSocketPair.Message message;
        while (!(message = await stalled.ReceiveAsync(Bound)).IsClose)
        {
            received.Add(JsonSerializer.Deserialize<ClusterEvent>(message.Text!, ClusterJson.Options)!.Seq);
        }

        Assert.NotEmpty(received);
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received);
        Assert.Equal(EventStreamConnection.TryAgainLater, message.CloseStatus);
        Assert.Equal($"too slow: resume with since={received[^1]}&incarnation=7", message.CloseReason);
        await stalled.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var end = await stalledRun.WaitAsync(Bound);
        Assert.Equal(StreamEndReason.TooSlow, end.Reason);
        Assert.Equal(received[^1], end.LastSeq);
        Assert.True(received.Count < seq, $"{received.Count} of {seq} events reached the stalled consumer");

        Assert.False(fastRun.IsCompleted);
        await fast.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(new StreamEnd(StreamEndReason.ClientClosed, seq, 7, seq), await fastRun.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_consumer_that_never_reads_again_is_aborted_after_the_close_grace()
    {
        using var stalled = await WebSocketPair.OpenAsync(smallBuffers: true);
        var relay = new EventRelay(4);
        var run = Connection(stalled, relay, closeGrace: TimeSpan.FromSeconds(1)).RunAsync(CancellationToken.None);
        for (var seq = 1L; !relay.Overflowed.IsCompleted; seq++)
        {
            relay.Offer(Big(seq));
            await Task.Yield();
        }

        var clock = Stopwatch.StartNew();
        var end = await run.WaitAsync(Bound);
        Assert.Equal(StreamEndReason.TooSlow, end.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"ended {clock.Elapsed} after the overflow");
        Assert.Equal(WebSocketState.Aborted, stalled.Server.State);
    }

    [Fact]
    public async Task Shutdown_closes_with_1001_at_once_and_does_not_wait_for_a_consumer_that_does_not_read()
    {
        using var reading = await WebSocketPair.OpenAsync();
        using var stalled = await WebSocketPair.OpenAsync(smallBuffers: true);
        using var shutdown = new CancellationTokenSource();
        var readingRun = Connection(reading, new EventRelay(16)).RunAsync(shutdown.Token);
        var stalledRelay = new EventRelay(100_000);
        var stalledRun = Connection(stalled, stalledRelay, closeGrace: TimeSpan.FromMinutes(5)).RunAsync(shutdown.Token);
        for (var seq = 1L; seq <= 2000; seq++)
        {
            Assert.True(stalledRelay.Offer(Big(seq)));
        }

        // The stalled sender has taken events and is in a send that cannot finish (small buffers, nobody reads).
        await Until.True(() => Task.FromResult(stalledRelay.Reader.Count < 2000), Bound);
        var clock = Stopwatch.StartNew();
        shutdown.Cancel();

        var message = await reading.ReceiveAsync(Bound);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, message.CloseStatus);
        Assert.Equal("node shutting down", message.CloseReason);
        Assert.Equal(StreamEndReason.GoingAway, (await stalledRun.WaitAsync(Bound)).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the stalled stream took {clock.Elapsed} to end");
        await reading.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(StreamEndReason.GoingAway, (await readingRun.WaitAsync(Bound)).Reason);
    }

    [Fact]
    public async Task A_consumer_that_sends_a_message_is_closed_with_1003()
    {
        using var pair = await WebSocketPair.OpenAsync();
        var run = Connection(pair, new EventRelay(16)).RunAsync(CancellationToken.None);
        await pair.Client.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);

        var message = await pair.ReceiveAsync(Bound);
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, message.CloseStatus);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(StreamEndReason.ClientSentData, (await run.WaitAsync(Bound)).Reason);
    }

    [Fact]
    public async Task When_the_relay_stops_the_stream_is_closed_with_1001_after_the_queued_events()
    {
        using var pair = await WebSocketPair.OpenAsync();
        var relay = new EventRelay(16);
        var run = Connection(pair, relay).RunAsync(CancellationToken.None);
        relay.Offer(Big(1));
        relay.Complete();

        Assert.NotNull((await pair.ReceiveAsync(Bound)).Text);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await pair.ReceiveAsync(Bound)).CloseStatus);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(new StreamEnd(StreamEndReason.GoingAway, 1, 7, 1), await run.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_broken_connection_ends_the_stream()
    {
        using var pair = await WebSocketPair.OpenAsync();
        var run = Connection(pair, new EventRelay(16)).RunAsync(CancellationToken.None);
        pair.Client.Abort();
        pair.Client.Dispose();
        Assert.Equal(StreamEndReason.ConnectionLost, (await run.WaitAsync(Bound)).Reason);
    }

    [Theory]
    [InlineData(41L, 3L, null, null, "too slow: resume with since=41&incarnation=3")]
    [InlineData(null, null, 12L, 2L, "too slow: resume with since=12&incarnation=2")]
    [InlineData(null, null, 12L, null, "too slow: resume with since=12")]
    [InlineData(null, null, null, null, "too slow: reconnect")]
    [InlineData(long.MaxValue, long.MaxValue, null, null, "too slow: resume with since=9223372036854775807&incarnation=9223372036854775807")]
    public void The_too_slow_reason_names_the_since_to_resume_from_within_123_bytes(long? lastSeq, long? incarnation, long? since, long? queryIncarnation, string expected)
    {
        var reason = EventStreamConnection.TooSlowReason(lastSeq, incarnation, new EventStreamQuery(since, queryIncarnation, null));
        Assert.Equal(expected, reason);
        Assert.True(Encoding.UTF8.GetByteCount(reason) <= EventStreamConnection.MaxCloseReasonBytes);
    }
}
