namespace Solidb.Cluster.Specs.Harness;

/// <summary>The system clock shifted by a fixed offset: a node whose wall clock is ahead or behind.</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
