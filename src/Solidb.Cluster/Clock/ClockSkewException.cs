using System.Globalization;

namespace Solidb.Cluster.Clock;

/// <summary>
/// A received timestamp was further ahead of the local wall clock than <see cref="HlcOptions.MaxOffset"/>;
/// the clock did not move.
/// </summary>
public sealed class ClockSkewException : Exception
{
    public ClockSkewException(HlcTimestamp received, HlcTimestamp local, ulong localPhysical, TimeSpan offset, TimeSpan maxOffset)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Received HLC timestamp {received} is {offset.TotalMilliseconds} ms ahead of the local wall clock ({localPhysical} ms), more than the allowed {maxOffset.TotalMilliseconds} ms."))
    {
        Received = received;
        Local = local;
        LocalPhysical = localPhysical;
        Offset = offset;
        MaxOffset = maxOffset;
    }

    public HlcTimestamp Received { get; }

    /// <summary>The clock's <see cref="HybridLogicalClock.Current"/> value when the update was rejected.</summary>
    public HlcTimestamp Local { get; }

    /// <summary>The local wall-clock reading (ms since the Unix epoch) the offset was measured against.</summary>
    public ulong LocalPhysical { get; }

    /// <summary>How far <see cref="Received"/> was ahead of <see cref="LocalPhysical"/>.</summary>
    public TimeSpan Offset { get; }

    public TimeSpan MaxOffset { get; }
}
