using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Clock.Sync;

public sealed class IssuingClockTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void No_timestamp_is_issued_while_out_of_sync_and_issuing_resumes_above_everything_before()
    {
        var hlc = new HybridLogicalClock(_time);
        var status = ClockStatus.Initial(TimeSpan.FromMilliseconds(500));
        var clock = new IssuingClock(hlc, () => status);
        var before = clock.Now();

        status = new ClockStatus(false, 3000, TimeSpan.FromMilliseconds(500), new HashSet<string>());
        _time.Advance(TimeSpan.FromMilliseconds(5));

        var e = Assert.Throws<ClockUnavailableException>(() => clock.Now());
        Assert.Equal(status.Problem, e.Message);
        Assert.Null(clock.TryNow(out var problem));
        Assert.Equal(status.Problem, problem);
        Assert.Equal(before, hlc.Current); // nothing was issued

        status = ClockStatus.Initial(TimeSpan.FromMilliseconds(500));
        Assert.True(clock.Now() > before);
    }

    [Fact]
    public void Restarts_turns_a_clock_stop_into_exit_code_3_and_no_new_incarnation()
    {
        var end = Restarts.Decide(new ClockSkewStopReason("clock is 3000 ms ahead of the majority of the cluster"));

        Assert.Equal(NextIncarnation.Exit, end.Next);
        Assert.False(end.IsRestart);
        Assert.Equal(3, end.ExitCode);
        Assert.StartsWith("clock is 3000 ms ahead", end.Error);
    }
}
