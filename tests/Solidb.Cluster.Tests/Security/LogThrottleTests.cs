using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class LogThrottleTests
{
    [Fact]
    public void One_claim_per_interval_the_first_one_wins()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(10));
        Assert.True(throttle.TryClaim());
        Assert.False(throttle.TryClaim());
        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.False(throttle.TryClaim());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(throttle.TryClaim());
        Assert.False(throttle.TryClaim());
    }

    [Fact]
    public void Concurrent_callers_win_one_claim_between_them()
    {
        var throttle = new LogThrottle(new FakeTimeProvider(), TimeSpan.FromMinutes(1));
        var wins = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (throttle.TryClaim())
            {
                Interlocked.Increment(ref wins);
            }
        });
        Assert.Equal(1, wins);
    }
}
