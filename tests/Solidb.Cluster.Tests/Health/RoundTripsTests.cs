using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Health;

public sealed class RoundTripsTests
{
    private static readonly NodeId Peer = NodeId.Parse("peer");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_answer_gives_the_time_since_its_heartbeat_was_sent()
    {
        var trips = new RoundTrips(_time);
        trips.Sent(Peer, 1);
        _time.Advance(TimeSpan.FromMilliseconds(3));
        trips.Sent(Peer, 2);
        _time.Advance(TimeSpan.FromMilliseconds(4));

        Assert.Equal(TimeSpan.FromMilliseconds(7), trips.Answered(Peer, 1)?.Elapsed);
        Assert.Equal(TimeSpan.FromMilliseconds(4), trips.Answered(Peer, 2)?.Elapsed);
    }

    [Fact]
    public void An_answer_to_a_heartbeat_older_than_the_ring_or_never_sent_gives_none()
    {
        var trips = new RoundTrips(_time);
        for (var seq = 1; seq <= RoundTrips.PerPeer + 1; seq++)
        {
            trips.Sent(Peer, seq);
        }

        Assert.Null(trips.Answered(Peer, 1)); // overwritten by seq PerPeer + 1
        Assert.NotNull(trips.Answered(Peer, 2));
        Assert.Null(trips.Answered(Peer, 1000));
        Assert.Null(trips.Answered(NodeId.Parse("other"), 2));
    }

    [Fact]
    public void A_peer_no_longer_monitored_is_forgotten()
    {
        var trips = new RoundTrips(_time);
        trips.Sent(Peer, 1);
        trips.Retain([]);

        Assert.Null(trips.Answered(Peer, 1));
    }
}
