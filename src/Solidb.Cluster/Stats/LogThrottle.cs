namespace Solidb.Cluster.Stats;

/// <summary>
/// Allows one log line per interval, whatever the rate of events behind it: the first caller in
/// an interval wins the claim. Thread-safe (a compare-and-swap on the last claim); time from the
/// injected provider.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private long _last = long.MinValue;

    /// <summary>True for the first call in each interval.</summary>
    public bool TryClaim()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _last);
        return (last == long.MinValue || time.GetElapsedTime(last, now) >= interval)
            && Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}
