namespace Solidb.Cluster.Clock;

public sealed record HlcOptions
{
    public static HlcOptions Default { get; } = new();

    /// <summary>
    /// How far a received timestamp may be ahead of the local wall clock before
    /// <see cref="HybridLogicalClock.Update"/> rejects it (CockroachDB's max-offset). Default 500 ms.
    /// </summary>
    public TimeSpan MaxOffset { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often the cheap monotonic timestamp is re-anchored to the wall clock; a wall-clock step
    /// (NTP) shows up within this interval. <see cref="TimeSpan.Zero"/> reads the wall clock on every
    /// call. Default 10 ms; at most 1 s, so slewing between anchors stays far below 2 ms.
    /// </summary>
    public TimeSpan CalibrationInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    internal static readonly TimeSpan CalibrationIntervalLimit = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxOffsetLimit = TimeSpan.FromDays(1);

    internal void Validate()
    {
        if (MaxOffset < TimeSpan.Zero || MaxOffset > MaxOffsetLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOffset), MaxOffset, $"Must be between 0 and {MaxOffsetLimit}.");
        }

        if (CalibrationInterval < TimeSpan.Zero || CalibrationInterval > CalibrationIntervalLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(CalibrationInterval), CalibrationInterval, $"Must be between 0 and {CalibrationIntervalLimit}.");
        }
    }
}
