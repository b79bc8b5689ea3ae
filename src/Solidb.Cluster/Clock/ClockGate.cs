using System.Collections.Concurrent;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Clock;

/// <summary>
/// Where timestamps from other nodes enter the node's clock. Every module message between
/// nodes carries its sender's HLC timestamp; the receiver passes it through here, which folds
/// it into the clock (causality), records the sender's clock offset, and rejects a timestamp
/// beyond the max offset (the clock does not move, the rejection is counted). Thread-safe.
/// </summary>
public sealed class ClockGate(HybridLogicalClock clock, TimeProvider time, NodeCounters counters)
{
    /// <summary>At most one skew warning per this interval, so a bad peer cannot flood the log.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<NodeId, long> _offsetsMs = new();
    private readonly LogThrottle _warnings = new(time, WarningInterval);

    public HybridLogicalClock Clock { get; } = clock;

    /// <summary>A timestamp for a message this node sends.</summary>
    public HlcTimestamp Stamp() => Clock.Now();

    /// <summary>Folds a received timestamp in; false (clock untouched) when it is too far ahead.</summary>
    /// <param name="shouldWarn">True for the first rejection in a <see cref="WarningInterval"/>.</param>
    public bool TryObserve(HlcTimestamp sent, NodeId? from, out HlcTimestamp local, out ClockSkewException? rejected, out bool shouldWarn)
    {
        if (from is { } sender)
        {
            _offsetsMs[sender] = (long)sent.Physical - time.GetUtcNow().ToUnixTimeMilliseconds();
        }

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

    /// <summary>Forgets the offsets of nodes that are no longer members (the map stays as small as the membership).</summary>
    public void Retain(IEnumerable<NodeId> members)
    {
        var keep = members.ToHashSet();
        foreach (var id in _offsetsMs.Keys.Where(id => !keep.Contains(id)))
        {
            _offsetsMs.TryRemove(id, out _);
        }
    }

    /// <summary>The sender's clock minus ours, as seen on its last message (transit time included).</summary>
    public TimeSpan? OffsetOf(NodeId node) =>
        _offsetsMs.TryGetValue(node, out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
}
