namespace Solidb.Cluster.Client.Events;

/// <summary>
/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th delay
/// since the last <see cref="Reset"/> is uniform in [0, min(cap, initial * 2^n)], so clients that lost the same node
/// at the same moment do not come back in step. Not thread-safe (one per watch).
/// </summary>
public sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _cap;
    private readonly Random _random;

    /// <param name="random">The jitter's source (inject a seeded one to test).</param>
    public Backoff(TimeSpan initial, TimeSpan cap, Random random)
    {
        if (initial <= TimeSpan.Zero || cap < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), $"need 0 < initial ({initial}) <= cap ({cap})");
        }

        _initial = initial;
        _cap = cap;
        _random = random;
    }

    /// <summary>Delays handed out since the last reset.</summary>
    public int Attempt { get; private set; }

    /// <summary>The upper bound of the next delay: min(cap, initial * 2^attempt).</summary>
    public TimeSpan Ceiling
    {
        get
        {
            // Past 2^30 the doubling has long reached any sane cap; stop before the multiplication overflows.
            var factor = Math.Pow(2, Math.Min(Attempt, 30));
            var ticks = Math.Min(_cap.Ticks, _initial.Ticks * factor);
            return TimeSpan.FromTicks((long)ticks);
        }
    }

    /// <summary>The next delay, uniform in [0, <see cref="Ceiling"/>].</summary>
    public TimeSpan Next()
    {
        var delay = TimeSpan.FromTicks((long)(Ceiling.Ticks * _random.NextDouble()));
        Attempt++;
        return delay;
    }

    /// <summary>Back to the first, shortest delay (after a connection that delivered events).</summary>
    public void Reset() => Attempt = 0;
}
