using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Clock;

/// <summary>
/// Where timestamps from other nodes enter the node's clock. Every module message between
/// nodes carries its sender's HLC timestamp; the receiver passes it through here, which folds
/// it into the clock (causality) and keeps out a timestamp beyond the max offset (the clock does
/// not move, the rejection is counted). Whether a node's clock is off is judged elsewhere, from
/// wall clocks (<see cref="Sync.ClockSync"/>): an HLC legitimately runs ahead of its wall clock
/// after the wall clock was stepped back. Thread-safe.
/// </summary>
public sealed class ClockGate(HybridLogicalClock clock, TimeProvider time, NodeCounters counters)
{
    /// <summary>At most one skew warning per this interval, so a bad peer cannot flood the log.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _warnings = new(time, WarningInterval);

    public HybridLogicalClock Clock { get; } = clock;

    /// <summary>A timestamp for a message this node sends.</summary>
    public HlcTimestamp Stamp() => Clock.Now();

    /// <summary>Folds a received timestamp in; false (clock untouched) when it is too far ahead.</summary>
    /// <param name="shouldWarn">True for the first rejection in a <see cref="WarningInterval"/>.</param>
    public bool TryObserve(HlcTimestamp sent, out HlcTimestamp local, out ClockSkewException? rejected, out bool shouldWarn)
    {
        try
        {
            local = Clock.Update(sent);
            rejected = null;
            shouldWarn = false;
            return true;
        }
        catch (ClockSkewException e)
        {
            counters.ClockSkewRejected();
            local = Clock.Current;
            rejected = e;
            shouldWarn = _warnings.TryClaim();
            return false;
        }
    }
}
