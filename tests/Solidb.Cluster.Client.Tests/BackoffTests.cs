using Solidb.Cluster.Client.Events;

namespace Solidb.Cluster.Client.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(10);

    [Fact]
    public void Ceiling_doubles_per_attempt_up_to_the_cap()
    {
        var backoff = new Backoff(Initial, Cap, new FixedRandom(0.5));
        var ceilings = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            ceilings.Add(backoff.Ceiling.TotalMilliseconds);
            backoff.Next();
        }

        Assert.Equal([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000], ceilings);
    }

    [Fact]
    public void Next_is_the_ceiling_times_the_jitter_draw()
    {
        var backoff = new Backoff(Initial, Cap, new FixedRandom(0.25));
        Assert.Equal(50, backoff.Next().TotalMilliseconds);
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
        Assert.Equal(200, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void Full_jitter_spreads_delays_over_zero_to_the_ceiling()
    {
        var backoff = new Backoff(Initial, Cap, new Random(1234));
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 2000; i++)
        {
            var ceiling = backoff.Ceiling;
            var delay = backoff.Next();
            Assert.InRange(delay, TimeSpan.Zero, ceiling);
            if (ceiling == Cap)
            {
                delays.Add(delay);
            }
        }

        // Uniform over [0, 10 s]: some delays below a second and some above nine, mean near 5 s.
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(1));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(9));
        Assert.InRange(delays.Average(d => d.TotalSeconds), 4.5, 5.5);
    }

    [Fact]
    public void Many_attempts_stay_at_the_cap_without_overflow()
    {
        var backoff = new Backoff(Initial, Cap, new FixedRandom(0.999));
        for (var i = 0; i < 200; i++)
        {
            backoff.Next();
        }

        Assert.Equal(Cap, backoff.Ceiling);
        Assert.InRange(backoff.Next(), TimeSpan.FromSeconds(9.9), Cap);
    }

    [Fact]
    public void Reset_starts_again_at_the_initial_delay()
    {
        var backoff = new Backoff(Initial, Cap, new FixedRandom(0.5));
        for (var i = 0; i < 5; i++)
        {
            backoff.Next();
        }

        backoff.Reset();
        Assert.Equal(0, backoff.Attempt);
        Assert.Equal(Initial, backoff.Ceiling);
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void A_zero_initial_delay_or_a_cap_below_it_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, Cap, Random.Shared));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(Cap, Initial, Random.Shared));
    }
}
