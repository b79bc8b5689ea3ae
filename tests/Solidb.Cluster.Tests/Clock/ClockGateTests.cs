using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class ClockGateTests
{

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeCounters _counters;
    private readonly HybridLogicalClock _clock;
    private readonly ClockGate _gate;

    public ClockGateTests()
    {
        _counters = new NodeCounters(_time);
        _clock = new HybridLogicalClock(_time, new HlcOptions { MaxOffset = TimeSpan.FromMilliseconds(500), CalibrationInterval = TimeSpan.Zero });
        _gate = new ClockGate(_clock, _time, _counters);
    }

    private ulong WallMs => (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();

    private HlcTimestamp Ahead(TimeSpan by, uint logical = 0) => new(WallMs + (ulong)by.TotalMilliseconds, logical);

    private bool Observe(HlcTimestamp sent, out bool shouldWarn) => _gate.TryObserve(sent, out _, out _, out shouldWarn);

    [Fact]
    public void The_gate_exposes_the_clock_it_was_given()
    {
        Assert.Same(_clock, _gate.Clock);
    }

    [Fact]
    public void Stamp_issues_increasing_timestamps_from_the_clock()
    {
        var first = _gate.Stamp();
        var second = _gate.Stamp();

        Assert.Equal(new HlcTimestamp(WallMs, 0), first);
        Assert.True(second > first);
        Assert.Equal(second, _clock.Current);
    }

    [Fact]
    public void TryObserve_folds_a_timestamp_ahead_into_the_clock()
    {
        var before = _gate.Stamp();
        var sent = Ahead(TimeSpan.FromMilliseconds(200), logical: 7);

        var accepted = _gate.TryObserve(sent, out var local, out var rejected, out var shouldWarn);

        Assert.True(accepted);
        Assert.Null(rejected);
        Assert.False(shouldWarn);
        Assert.True(local > sent, $"{local} must be after the received {sent}");
        Assert.True(local > before);
        Assert.Equal(new HlcTimestamp(sent.Physical, 8), local);
        Assert.Equal(local, _clock.Current);
        Assert.True(_gate.Stamp() > local);
        Assert.Equal(0, _counters.Snapshot().ClockSkewRejections);
    }

    [Fact]
    public void TryObserve_of_an_old_timestamp_returns_a_local_timestamp_after_everything_issued()
    {
        var issued = _gate.Stamp();
        var sent = new HlcTimestamp(WallMs - 60_000, 3);

        Assert.True(_gate.TryObserve(sent, out var local, out _, out _));

        Assert.True(local > sent);
        Assert.True(local > issued);
        Assert.Equal(local, _clock.Current);
    }

    [Fact]
    public void A_timestamp_10s_ahead_is_rejected_and_leaves_the_clock_unchanged()
    {
        var issued = _gate.Stamp();
        var sent = Ahead(TimeSpan.FromSeconds(10));

        var accepted = _gate.TryObserve(sent, out var local, out var rejected, out var shouldWarn);

        Assert.False(accepted);
        Assert.True(shouldWarn);
        Assert.Equal(issued, _clock.Current);
        Assert.Equal(issued, local);
        Assert.NotNull(rejected);
        Assert.Equal(sent, rejected.Received);
        Assert.Equal(TimeSpan.FromSeconds(10), rejected.Offset);
        Assert.Equal(TimeSpan.FromMilliseconds(500), rejected.MaxOffset);
        Assert.Equal(1, _counters.Snapshot().ClockSkewRejections);
        Assert.Equal(1, _clock.RejectedUpdates);

        // The next local timestamp follows the local wall clock, not the rejected one.
        Assert.Equal(new HlcTimestamp(WallMs, issued.Logical + 1), _gate.Stamp());
    }

    [Fact]
    public void A_timestamp_exactly_max_offset_ahead_is_accepted_and_one_ms_more_is_rejected()
    {
        Assert.True(Observe(Ahead(TimeSpan.FromMilliseconds(500)), out _));
        Assert.False(Observe(Ahead(TimeSpan.FromMilliseconds(501)), out _));
        Assert.Equal(1, _counters.Snapshot().ClockSkewRejections);
    }

    [Fact]
    public void Every_rejection_is_counted()
    {
        for (var i = 1; i <= 5; i++)
        {
            Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out _));
            Assert.Equal(i, _counters.Snapshot().ClockSkewRejections);
        }

        Assert.True(Observe(Ahead(TimeSpan.FromMilliseconds(1)), out _));
        Assert.Equal(5, _counters.Snapshot().ClockSkewRejections);
    }

    [Fact]
    public void Only_the_first_rejection_in_each_warning_interval_asks_for_a_warning()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), ClockGate.WarningInterval);
        var warnings = new List<bool>();

        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out var warn));
        warnings.Add(warn);
        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        warnings.Add(warn);

        _time.Advance(ClockGate.WarningInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        warnings.Add(warn);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        warnings.Add(warn);

        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        warnings.Add(warn);

        _time.Advance(ClockGate.WarningInterval + TimeSpan.FromSeconds(5));
        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        warnings.Add(warn);

        Assert.Equal([true, false, false, true, false, true], warnings);
        Assert.Equal(6, _counters.Snapshot().ClockSkewRejections);
    }

    [Fact]
    public void Accepted_timestamps_never_ask_for_a_warning_nor_consume_the_warning()
    {
        Assert.True(Observe(Ahead(TimeSpan.FromMilliseconds(100)), out var warn));
        Assert.False(warn);

        Assert.False(Observe(Ahead(TimeSpan.FromSeconds(10)), out warn));
        Assert.True(warn);
    }
}
