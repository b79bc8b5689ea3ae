using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Events;
using Xunit;

namespace Solidb.Cluster.Tests.Events;

public sealed class EventLogTests
{
    private static EventLog LogWith(int events, int capacity = 4, long incarnation = 7)
    {
        var log = new EventLog(incarnation, capacity);
        for (var i = 0; i < events; i++)
        {
            log.Append(new MemberJoinedEvent($"n{i}", "a:1", 1));
        }

        return log;
    }

    private static IReadOnlyList<long> Seqs(ResumePoint p) => Assert.IsType<Replay>(p).Events.Select(e => e.Seq).ToList();

    [Fact]
    public void Events_are_numbered_from_1_by_one_with_the_incarnation_and_keep_their_type()
    {
        var log = new EventLog(7, 4);

        var first = log.Append(new LeaderChangedEvent("n1", 3, null, true));
        var second = log.Append(new MemberRemovedEvent("n2", 5));

        Assert.Equal((1, 7), (first.Seq, first.Incarnation));
        Assert.Equal((2, 7), (second.Seq, second.Incarnation));
        Assert.Equal("n2", Assert.IsType<MemberRemovedEvent>(second).NodeId);
        Assert.Equal(2, log.LastSeq);
    }

    [Fact]
    public void No_since_starts_with_a_snapshot()
    {
        Assert.IsType<StartWithSnapshot>(LogWith(3).Resume(null, null));
    }

    [Theory]
    [InlineData(0, new long[] { 1, 2, 3 })]
    [InlineData(1, new long[] { 2, 3 })]
    [InlineData(3, new long[] { })]
    public void A_since_within_the_buffer_replays_exactly_the_events_after_it(long since, long[] expected)
    {
        Assert.Equal(expected, Seqs(LogWith(3).Resume(since, 7)));
    }

    [Fact]
    public void After_the_ring_wrapped_the_oldest_kept_event_is_still_replayed_and_one_before_it_is_a_reset()
    {
        var log = LogWith(10, capacity: 4); // keeps 7..10

        Assert.Equal(7, log.OldestKept);
        Assert.Equal([7, 8, 9, 10], Seqs(log.Resume(6, null)));
        Assert.Contains("older than the buffer", Assert.IsType<StartWithReset>(log.Resume(5, null)).Reason);
    }

    [Fact]
    public void Another_incarnation_or_a_since_ahead_of_the_log_is_a_reset()
    {
        var log = LogWith(3);

        Assert.Contains("incarnation 6 are gone", Assert.IsType<StartWithReset>(log.Resume(2, 6)).Reason);
        Assert.Contains("ahead of this node's last event 3", Assert.IsType<StartWithReset>(log.Resume(4, 7)).Reason);
    }
}
