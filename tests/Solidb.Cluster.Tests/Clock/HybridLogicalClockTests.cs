using Solidb.Cluster.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class HybridLogicalClockTests
{
    private const int LogicalCapacity = HybridLogicalClock.MaxReserve;

    private readonly SteppableTimeProvider _time = new();

    private ulong Wall => _time.WallMilliseconds;

    [Fact]
    public void Now_starts_at_the_wall_clock_with_logical_zero()
    {
        var clock = new HybridLogicalClock(_time);
        Assert.Equal(new HlcTimestamp(Wall, 0), clock.Now());
        Assert.Equal(new HlcTimestamp(Wall, 0), clock.Current);
    }

    [Fact]
    public void Now_counts_logically_within_a_millisecond_and_resets_when_the_wall_clock_advances()
    {
        var clock = new HybridLogicalClock(_time);
        clock.Now();
        Assert.Equal(new HlcTimestamp(Wall, 1), clock.Now());
        Assert.Equal(new HlcTimestamp(Wall, 2), clock.Now());
        _time.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Equal(new HlcTimestamp(Wall, 0), clock.Now());
    }

    [Theory]
    [InlineData(0)] // wall clock read on every call
    [InlineData(10)] // calibrated; the step is picked up at the next calibration
    public void Now_keeps_increasing_when_the_wall_clock_steps_backwards(int calibrationMs)
    {
        var clock = new HybridLogicalClock(_time, new HlcOptions { CalibrationInterval = TimeSpan.FromMilliseconds(calibrationMs) });
        var before = clock.Now();
        _time.StepWallClock(TimeSpan.FromSeconds(-30));
        _time.Advance(TimeSpan.FromMilliseconds(calibrationMs));
        var previous = before;
        for (int i = 0; i < 100; i++)
        {
            var next = clock.Now();
            Assert.True(next > previous, $"{next} after {previous}");
            Assert.Equal(before.Physical, next.Physical);
            previous = next;
        }

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new HlcTimestamp(Wall, 0), clock.Now());
    }

    [Fact]
    public void Logical_overflow_moves_physical_forward_by_one_ms_without_wrapping()
    {
        var clock = new HybridLogicalClock(_time);
        ulong wall = Wall;
        var previous = clock.Now();
        for (int i = 1; i < LogicalCapacity; i++)
        {
            var next = clock.Now();
            Assert.True(next > previous);
            previous = next;
        }

        Assert.Equal(new HlcTimestamp(wall, LogicalCapacity - 1), previous);
        Assert.Equal(new HlcTimestamp(wall + 1, 0), clock.Now());
        Assert.Equal(new HlcTimestamp(wall + 1, 1), clock.Now());
    }

    [Fact]
    public void Update_returns_a_timestamp_greater_than_received_and_everything_issued_before()
    {
        var clock = new HybridLogicalClock(_time);
        var local = clock.Now();
        var received = new HlcTimestamp(Wall + 100, 7);
        var updated = clock.Update(received);
        Assert.Equal(new HlcTimestamp(Wall + 100, 8), updated);
        Assert.True(updated > local);
        Assert.True(clock.Now() > updated);
    }

    [Fact]
    public void Update_with_an_older_timestamp_acts_like_Now()
    {
        var clock = new HybridLogicalClock(_time);
        var local = clock.Now();
        Assert.Equal(new HlcTimestamp(local.Physical, 1), clock.Update(new HlcTimestamp(Wall - 50, 99)));
    }

    [Fact]
    public void Update_with_the_same_physical_time_takes_the_larger_logical_plus_one()
    {
        var clock = new HybridLogicalClock(_time);
        for (int i = 0; i < 5; i++)
        {
            clock.Now();
        }

        Assert.Equal(new HlcTimestamp(Wall, 10), clock.Update(new HlcTimestamp(Wall, 9)));
        Assert.Equal(new HlcTimestamp(Wall, 11), clock.Update(new HlcTimestamp(Wall, 2)));
    }

    [Theory]
    [InlineData(LogicalCapacity - 1)]
    [InlineData(LogicalCapacity)]
    [InlineData(uint.MaxValue)]
    public void Update_with_a_logical_part_beyond_internal_capacity_moves_to_the_next_millisecond(uint logical)
    {
        var clock = new HybridLogicalClock(_time);
        var received = new HlcTimestamp(Wall + 1, logical);
        var updated = clock.Update(received);
        Assert.True(updated > received, $"{updated} after {received}");
        Assert.Equal(new HlcTimestamp(Wall + 2, 0), updated);
    }

    [Fact]
    public void Update_more_than_max_offset_ahead_throws_and_leaves_the_clock_unchanged()
    {
        var clock = new HybridLogicalClock(_time);
        var before = clock.Now();
        var received = new HlcTimestamp(Wall + 10_000, 3);

        var error = Assert.Throws<ClockSkewException>(() => clock.Update(received));

        Assert.Equal(received, error.Received);
        Assert.Equal(before, error.Local);
        Assert.Equal(Wall, error.LocalPhysical);
        Assert.Equal(TimeSpan.FromSeconds(10), error.Offset);
        Assert.Equal(TimeSpan.FromMilliseconds(500), error.MaxOffset);
        Assert.Contains(received.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(1, clock.RejectedUpdates);
        Assert.Equal(before, clock.Current);
        Assert.Equal(new HlcTimestamp(before.Physical, before.Logical + 1), clock.Now());
    }

    [Fact]
    public void Update_exactly_max_offset_ahead_is_accepted()
    {
        var clock = new HybridLogicalClock(_time, new HlcOptions { MaxOffset = TimeSpan.FromMilliseconds(250) });
        var received = new HlcTimestamp(Wall + 250, 0);
        Assert.Equal(new HlcTimestamp(Wall + 250, 1), clock.Update(received));
        Assert.Equal(0, clock.RejectedUpdates);
        Assert.Equal(TimeSpan.FromMilliseconds(250), clock.MaxObservedOffset);

        Assert.Throws<ClockSkewException>(() => clock.Update(new HlcTimestamp(Wall + 251, 0)));
        Assert.Equal(1, clock.RejectedUpdates);
    }

    [Fact]
    public void Rejected_updates_are_counted()
    {
        var clock = new HybridLogicalClock(_time);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Throws<ClockSkewException>(() => clock.Update(new HlcTimestamp(Wall + 501, 0)));
            Assert.Equal(i, clock.RejectedUpdates);
        }

        Assert.Equal(TimeSpan.Zero, clock.MaxObservedOffset);
    }

    [Fact]
    public void Clock_with_a_floor_above_the_wall_clock_issues_timestamps_above_the_floor()
    {
        var floor = new HlcTimestamp(Wall + 3_600_000, 7);
        var clock = new HybridLogicalClock(_time, floor: floor);
        var now = clock.Now();
        Assert.Equal(new HlcTimestamp(floor.Physical, 8), now);
        Assert.True(clock.Update(new HlcTimestamp(Wall, 0)) > now);
        Assert.True(clock.Reserve(10).First > floor);
    }

    [Fact]
    public void Floor_with_a_logical_part_beyond_internal_capacity_is_still_exceeded()
    {
        var floor = new HlcTimestamp(Wall + 10, uint.MaxValue);
        var clock = new HybridLogicalClock(_time, floor: floor);
        Assert.Equal(new HlcTimestamp(floor.Physical + 1, 0), clock.Now());
    }

    [Fact]
    public void Clock_with_a_floor_below_the_wall_clock_follows_the_wall_clock()
    {
        var clock = new HybridLogicalClock(_time, floor: new HlcTimestamp(Wall - 1000, 5));
        Assert.Equal(new HlcTimestamp(Wall, 0), clock.Now());
    }

    [Fact]
    public void Reserve_hands_out_consecutive_timestamps_between_neighbouring_calls()
    {
        var clock = new HybridLogicalClock(_time);
        var before = clock.Now();
        var range = clock.Reserve(1000);
        var after = clock.Now();

        Assert.Equal(1000, range.Count);
        Assert.Equal(new HlcTimestamp(before.Physical, before.Logical + 1), range.First);
        Assert.Equal(new HlcTimestamp(before.Physical, before.Logical + 1000), range.Last);
        Assert.Equal(new HlcTimestamp(before.Physical, before.Logical + 1001), after);
        int i = 0;
        foreach (var ts in range)
        {
            Assert.Equal(range[i++], ts);
            Assert.True(range.Contains(ts));
        }

        Assert.Equal(1000, i);
        Assert.Equal(range.ToArray(), range.Select(t => t));
        Assert.False(range.Contains(before));
        Assert.False(range.Contains(after));
        Assert.Throws<ArgumentOutOfRangeException>(() => range[1000]);
        Assert.Throws<ArgumentOutOfRangeException>(() => range[-1]);
    }

    [Fact]
    public void Reserve_across_the_logical_capacity_carries_into_the_next_millisecond()
    {
        var clock = new HybridLogicalClock(_time);
        ulong wall = Wall;
        clock.Now();
        var range = clock.Reserve(LogicalCapacity);
        Assert.Equal(new HlcTimestamp(wall, 1), range.First);
        Assert.Equal(new HlcTimestamp(wall, LogicalCapacity - 1), range[LogicalCapacity - 2]);
        Assert.Equal(new HlcTimestamp(wall + 1, 0), range.Last);
        Assert.True(range[LogicalCapacity - 1] > range[LogicalCapacity - 2]);
    }

    [Fact]
    public void Reserve_starts_at_the_wall_clock_after_it_advances()
    {
        var clock = new HybridLogicalClock(_time);
        clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var range = clock.Reserve(3);
        Assert.Equal(new HlcTimestamp(Wall, 0), range.First);
        Assert.Equal(new HlcTimestamp(Wall, 2), range.Last);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(LogicalCapacity + 1)]
    public void Reserve_rejects_counts_out_of_range(int count)
    {
        var clock = new HybridLogicalClock(_time);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Reserve(count));
    }

    [Fact]
    public void Empty_range_has_no_first_or_last()
    {
        var range = default(HlcRange);
        Assert.Empty(range);
        Assert.Throws<InvalidOperationException>(() => range.First);
        Assert.Throws<InvalidOperationException>(() => range.Last);
    }

    [Fact]
    public void Options_out_of_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridLogicalClock(_time, new HlcOptions { MaxOffset = TimeSpan.FromMilliseconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridLogicalClock(_time, new HlcOptions { MaxOffset = TimeSpan.FromDays(2) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridLogicalClock(_time, new HlcOptions { CalibrationInterval = TimeSpan.FromSeconds(2) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridLogicalClock(_time, floor: new HlcTimestamp(ulong.MaxValue, 0)));
    }
}
