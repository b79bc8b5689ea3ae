using CsCheck;
using Solidb.Cluster.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class PhysicalClockTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Calibrated_time_equals_the_wall_clock_when_both_advance_together()
    {
        Gen.Long[0, 20 * TimeSpan.TicksPerMillisecond].Array[1, 200].Sample(steps =>
        {
            var time = new SteppableTimeProvider();
            var physical = new PhysicalClock(time, Interval);
            foreach (long ticks in steps)
            {
                time.Advance(TimeSpan.FromTicks(ticks));
                Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
            }
        });
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)] // the largest interval allowed
    public void Calibrated_time_stays_within_2ms_of_a_slewing_wall_clock(int intervalMs)
    {
        // NTP slews the wall clock by at most 500 ppm relative to the monotonic clock.
        var gen = Gen.Select(Gen.Long[0, 50 * TimeSpan.TicksPerMillisecond], Gen.Int[-500, 500]).Array[1, 300];
        gen.Sample(steps =>
        {
            var time = new SteppableTimeProvider();
            var physical = new PhysicalClock(time, TimeSpan.FromMilliseconds(intervalMs));
            foreach (var (ticks, ppm) in steps)
            {
                time.Advance(TimeSpan.FromTicks(ticks));
                time.StepWallClock(TimeSpan.FromTicks(ticks * ppm / 1_000_000));
                long difference = (long)physical.UtcNowMilliseconds() - (long)time.WallMilliseconds;
                Assert.InRange(difference, -2, 2);
            }
        });
    }

    [Fact]
    public void Wall_clock_step_is_picked_up_within_the_calibration_interval()
    {
        var gen = Gen.Select(Gen.Long[-3_600_000, 3_600_000], Gen.Long[0, Interval.Ticks]);
        gen.Sample((stepMs, sinceCalibration) =>
        {
            var time = new SteppableTimeProvider();
            var physical = new PhysicalClock(time, Interval);
            time.Advance(TimeSpan.FromTicks(sinceCalibration));
            physical.UtcNowMilliseconds();

            time.StepWallClock(TimeSpan.FromMilliseconds(stepMs));
            time.Advance(Interval);

            Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
        });
    }

    [Fact]
    public void Zero_interval_reads_the_wall_clock_on_every_call()
    {
        var time = new SteppableTimeProvider();
        var physical = new PhysicalClock(time, TimeSpan.Zero);
        Assert.False(physical.IsCalibrated);
        time.StepWallClock(TimeSpan.FromSeconds(-5));
        Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
        time.StepWallClock(TimeSpan.FromSeconds(7));
        Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
    }

    [Fact]
    public void Calibration_discards_a_wall_reading_taken_across_a_preemption()
    {
        var time = new SteppableTimeProvider();
        // The first wall read is followed by a 50 ms pause before the closing monotonic read, so
        // that reading cannot be placed in time; a second, tight reading must be used instead.
        time.PauseAfterNextWallRead(TimeSpan.FromMilliseconds(50));
        var physical = new PhysicalClock(time, TimeSpan.FromSeconds(1));
        Assert.True(physical.IsCalibrated);
        Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(time.WallMilliseconds, physical.UtcNowMilliseconds());
    }

    [Fact]
    public void Wall_clock_outside_the_hlc_range_is_rejected()
    {
        var time = new SteppableTimeProvider(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => new PhysicalClock(time, Interval));
    }
}
