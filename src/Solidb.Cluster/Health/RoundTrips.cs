namespace Solidb.Cluster.Health;

/// <summary>What an answer tells: the round trip (monotonic) and our wall clock when the request left.</summary>
public readonly record struct RoundTrip(TimeSpan Elapsed, long SentWallMs);

/// <summary>
/// When each of the last heartbeats to a peer was sent, so an answer gives a round-trip time
/// (and, with the answerer's wall clock, a clock-offset reading). A bounded ring per peer: an
/// answer to a heartbeat older than the ring gives none.
/// </summary>
public sealed class RoundTrips(TimeProvider time)
{
    public const int PerPeer = 16;

    private readonly Dictionary<Membership.NodeId, (long Seq, long SentAt, long SentWallMs)[]> _pending = [];

    public void Sent(Membership.NodeId peer, long seq, long wallMs = 0)
    {
        if (!_pending.TryGetValue(peer, out var ring))
        {
            _pending[peer] = ring = new (long, long, long)[PerPeer];
        }

        ring[seq % PerPeer] = (seq, time.GetTimestamp(), wallMs);
    }

    /// <summary>The round trip of heartbeat <paramref name="seq"/> to <paramref name="peer"/>, if it is still remembered.</summary>
    public RoundTrip? Answered(Membership.NodeId peer, long seq) =>
        _pending.TryGetValue(peer, out var ring) && ring[seq % PerPeer] is var slot && slot.Seq == seq && seq > 0
            ? new RoundTrip(time.GetElapsedTime(slot.SentAt), slot.SentWallMs)
            : null;

    /// <summary>Forgets peers no longer monitored.</summary>
    public void Retain(IEnumerable<Membership.NodeId> peers)
    {
        var keep = peers.ToHashSet();
        foreach (var gone in _pending.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            _pending.Remove(gone);
        }
    }
}
