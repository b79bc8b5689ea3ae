using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Tests;

public sealed class StreamPositionTests
{
    private static MemberStateChangedEvent Event(long incarnation, long seq) =>
        new("n2", MemberState.Active, MemberState.Unknown, null) { Incarnation = incarnation, Seq = seq };

    private static ResetEvent Reset(long incarnation, long seq) => new("test", null!) { Incarnation = incarnation, Seq = seq };

    [Fact]
    public void A_new_position_starts_from_a_snapshot()
    {
        var position = new StreamPosition();
        Assert.Equal("", position.Query);
        Assert.True(position.Accept(Event(4, 17)));
        Assert.Equal("since=17&incarnation=4", position.Query);
    }

    [Fact]
    public void Only_events_after_the_last_delivered_one_are_accepted()
    {
        var position = new StreamPosition();
        Assert.True(position.Accept(Event(2, 5)));
        Assert.False(position.Accept(Event(2, 5)));
        Assert.False(position.Accept(Event(2, 3)));
        Assert.False(position.Accept(Event(1, 9)));
        Assert.True(position.Accept(Event(2, 6)));
        Assert.Equal("since=6&incarnation=2", position.Query);
    }

    [Fact]
    public void A_later_incarnation_starts_a_new_numbering()
    {
        var position = new StreamPosition();
        position.Accept(Event(2, 50));
        Assert.True(position.Accept(Reset(3, 1)));
        Assert.False(position.Accept(Event(2, 51)));
        Assert.True(position.Accept(Event(3, 2)));
    }

    [Fact]
    public void A_reset_including_the_last_delivered_event_is_accepted_but_not_an_older_one()
    {
        var position = new StreamPosition();
        position.Accept(Event(2, 50));
        Assert.True(position.Accept(Reset(2, 50)));
        Assert.False(position.Accept(Reset(2, 49)));
        Assert.False(position.Accept(Reset(1, 90)));
    }

    [Fact]
    public void A_caller_given_since_without_incarnation_resumes_the_current_one()
    {
        var position = new StreamPosition(since: 10);
        Assert.Equal("since=10", position.Query);
        Assert.False(position.Accept(Event(7, 10)));
        Assert.True(position.Accept(Event(7, 11)));
        Assert.Equal("since=11&incarnation=7", position.Query);
        Assert.Equal("since=3&incarnation=9", new StreamPosition(3, 9).Query);
        Assert.Equal("", new StreamPosition(null, 9).Query);
    }
}
