namespace Solidb.Cluster.Specs.Harness;

/// <summary>The system clock shifted by a fixed offset: a node whose wall clock is ahead or behind.</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}

/// <summary>
/// The system clock shifted by an offset a spec changes while the node runs: a host whose clock
/// is stepped (broken NTP, then fixed). Only the wall clock moves; the monotonic clock is the system's.
/// </summary>
public sealed class ShiftableTimeProvider(TimeSpan offset) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
