using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock.Sync;
using Xunit;

namespace Solidb.Cluster.Tests.Clock.Sync;

/// <summary>NTP-style offsets from round trips, on virtual time: delays, asymmetry, jitter, steps, freshness.</summary>
public sealed class WallClockOffsetsTests
{
    private const string Peer = "10.0.0.2:6745";
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();
    private readonly WallClockOffsets _offsets;

    public WallClockOffsetsTests() => _offsets = new WallClockOffsets(_time, Freshness);

    /// <summary>
    /// One exchange with a peer whose clock is <paramref name="trueOffsetMs"/> ahead: the request
    /// takes <paramref name="outMs"/>, the answer <paramref name="backMs"/>; local wall time starts at 1,000,000.
    /// </summary>
    private void Exchange(double trueOffsetMs, double outMs, double backMs, long localSentMs = 1_000_000)
    {
        var peerWall = (long)(localSentMs + outMs + trueOffsetMs);
        _offsets.Record(Peer, localSentMs, peerWall, TimeSpan.FromMilliseconds(outMs + backMs));
        _time.Advance(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(-3000)]
    [InlineData(0)]
    public void Symmetric_delays_cancel_out(double offset)
    {
        Exchange(offset, 40, 40);

        var estimate = _offsets.Of(Peer)!.Value;
        Assert.Equal(offset, estimate.OffsetMs, 3);
        Assert.Equal(40, estimate.ErrorMs, 3);
    }

    [Theory]
    [InlineData(10, 90)]
    [InlineData(90, 10)]
    [InlineData(0, 200)]
    public void An_asymmetric_delay_moves_the_estimate_by_at_most_the_error_bound(double outMs, double backMs)
    {
        Exchange(3000, outMs, backMs);

        var estimate = _offsets.Of(Peer)!.Value;
        Assert.InRange(Math.Abs(estimate.OffsetMs - 3000), 0, estimate.ErrorMs);
        Assert.NotEqual(3000, estimate.OffsetMs); // the asymmetry is visible, only bounded
    }

    [Fact]
    public void Under_jitter_the_reading_with_the_shortest_round_trip_is_believed()
    {
        Exchange(500, 5, 250); // delayed answer: estimate off by 122.5 ms
        Exchange(500, 2, 3);   // tight: off by 0.5 ms
        Exchange(500, 300, 10);

        var estimate = _offsets.Of(Peer)!.Value;
        Assert.Equal(2.5, estimate.ErrorMs, 3);
        Assert.InRange(estimate.OffsetMs, 499, 501);
    }

    [Fact]
    public void A_clock_step_shows_at_once_even_behind_tighter_older_readings()
    {
        Exchange(3000, 1, 1); // very tight, before the peer's clock was fixed
        Exchange(0, 40, 40);  // looser, after: disagrees, so the old one is dropped

        Assert.Equal(0, _offsets.Of(Peer)!.Value.OffsetMs, 3);
    }

    [Fact]
    public void Only_the_last_readings_of_the_window_count()
    {
        Exchange(100, 1, 1);
        for (var i = 0; i < WallClockOffsets.Window; i++)
        {
            Exchange(100, 20, 20);
        }

        Assert.Equal(20, _offsets.Of(Peer)!.Value.ErrorMs, 3);
    }

    [Fact]
    public void A_peer_that_stopped_answering_has_no_estimate_once_its_readings_are_stale()
    {
        Exchange(200, 10, 10);
        Assert.NotNull(_offsets.Of(Peer));
        Assert.Single(_offsets.Fresh());

        _time.Advance(Freshness);

        Assert.Null(_offsets.Of(Peer));
        Assert.Empty(_offsets.Fresh());
    }

    [Fact]
    public void Retain_forgets_peers_that_are_neither_configured_nor_members()
    {
        Exchange(200, 10, 10);
        _offsets.Record("10.0.0.3:6745", 1_000_000, 1_000_010, TimeSpan.FromMilliseconds(20));

        _offsets.Retain(["10.0.0.3:6745"]);

        Assert.Null(_offsets.Of(Peer));
        Assert.Equal(["10.0.0.3:6745"], _offsets.Fresh().Keys);
    }
}
