namespace Solidb.Cluster.Clock.Sync;

/// <summary>Thrown instead of a timestamp while this node's clock is out of sync with the majority.</summary>
public sealed class ClockUnavailableException(string problem) : InvalidOperationException(problem);

/// <summary>
/// The node's HLC as other services get it (<see cref="Manager.NodeContext.Clock"/>, the clock
/// actor): it issues no timestamp while this node's wall clock is out of sync with the majority
/// (<see cref="ClockStatus"/>), so a bad clock cannot reach stored data. The module's own wire
/// stamps go through <see cref="ClockGate.Stamp"/>: they still flow, and receivers keep any that
/// are too far ahead out of their clocks.
/// </summary>
public sealed class IssuingClock(HybridLogicalClock clock, Func<ClockStatus> status)
{
    public HlcOptions Options => clock.Options;

    /// <summary>The last timestamp issued (an observation: issues nothing).</summary>
    public HlcTimestamp Current => clock.Current;

    /// <summary>Why no timestamp is issued now; null while the clock is in sync.</summary>
    public string? Problem => status().Problem;

    /// <summary>A new timestamp; throws <see cref="ClockUnavailableException"/> while out of sync.</summary>
    public HlcTimestamp Now() => TryNow(out var problem) ?? throw new ClockUnavailableException(problem!);

    /// <summary>A new timestamp, or null and the reason while out of sync.</summary>
    public HlcTimestamp? TryNow(out string? problem)
    {
        problem = Problem;
        return problem is null ? clock.Now() : null;
    }
}
