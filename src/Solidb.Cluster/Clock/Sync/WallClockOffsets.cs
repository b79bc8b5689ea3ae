namespace Solidb.Cluster.Clock.Sync;

/// <summary>One NTP-style reading of a peer's wall clock against ours.</summary>
/// <param name="OffsetMs">The peer's wall clock minus ours (positive: the peer is ahead).</param>
/// <param name="ErrorMs">Half the round trip: the true offset lies within ± this of <paramref name="OffsetMs"/>.</param>
/// <param name="At">When it was taken (monotonic, <see cref="TimeProvider.GetTimestamp"/>).</param>
public readonly record struct OffsetEstimate(double OffsetMs, double ErrorMs, long At)
{
    /// <summary>
    /// The peer answered at <paramref name="peerWallMs"/> (its wall clock) a request this node sent
    /// at <paramref name="localSentMs"/> (its wall clock); the answer came back after
    /// <paramref name="roundTrip"/> (monotonic). The peer's reading is compared with the midpoint of
    /// the round trip, so symmetric delays cancel and an asymmetry of d moves the estimate by at
    /// most d/2 ≤ the error bound.
    /// </summary>
    public static OffsetEstimate FromRoundTrip(long localSentMs, long peerWallMs, TimeSpan roundTrip, long at)
    {
        var half = Math.Max(0, roundTrip.TotalMilliseconds) / 2;
        return new OffsetEstimate(peerWallMs - (localSentMs + half), half, at);
    }

    /// <summary>Whether both readings can describe the same clock (their error intervals overlap).</summary>
    public bool AgreesWith(OffsetEstimate other) => Math.Abs(OffsetMs - other.OffsetMs) <= ErrorMs + other.ErrorMs;
}

/// <summary>
/// Each peer's wall-clock offset to this node, from round trips (heartbeats and their answers,
/// formation queries and their replies). Keyed by the peer's configured or member address
/// (host:port), which the transport authenticated, never by an id a message claims.
/// Per peer the last <see cref="Window"/> readings are kept and the one with the smallest round
/// trip is believed (NTP's clock filter: jitter only ever adds delay); readings that disagree
/// with the newest are dropped first, so a clock step shows at once instead of hiding behind an
/// older, tighter reading. Readings older than the freshness window do not count (a peer that
/// stopped answering has no estimate). Thread-safe.
/// </summary>
public sealed class WallClockOffsets(TimeProvider time, TimeSpan freshness)
{
    public const int Window = 4;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<OffsetEstimate>> _readings = new(StringComparer.Ordinal);

    public void Record(string peer, long localSentMs, long peerWallMs, TimeSpan roundTrip)
    {
        var reading = OffsetEstimate.FromRoundTrip(localSentMs, peerWallMs, roundTrip, time.GetTimestamp());
        lock (_lock)
        {
            if (!_readings.TryGetValue(peer, out var list))
            {
                _readings[peer] = list = new List<OffsetEstimate>(Window + 1);
            }

            list.RemoveAll(r => !r.AgreesWith(reading));
            list.Add(reading);
            if (list.Count > Window)
            {
                list.RemoveAt(0);
            }
        }
    }

    /// <summary>The believed offset of <paramref name="peer"/>, or null without a fresh reading.</summary>
    public OffsetEstimate? Of(string peer)
    {
        lock (_lock)
        {
            return _readings.TryGetValue(peer, out var list) ? Best(list) : null;
        }
    }

    /// <summary>Every peer with a fresh reading, and its believed offset.</summary>
    public IReadOnlyDictionary<string, OffsetEstimate> Fresh()
    {
        lock (_lock)
        {
            var result = new Dictionary<string, OffsetEstimate>(StringComparer.Ordinal);
            foreach (var (peer, list) in _readings)
            {
                if (Best(list) is { } best)
                {
                    result[peer] = best;
                }
            }

            return result;
        }
    }

    /// <summary>Forgets peers that are neither configured nor members (the map stays as small as the cluster).</summary>
    public void Retain(IEnumerable<string> peers)
    {
        var keep = peers.ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var gone in _readings.Keys.Where(p => !keep.Contains(p)).ToList())
            {
                _readings.Remove(gone);
            }
        }
    }

    private OffsetEstimate? Best(List<OffsetEstimate> list)
    {
        OffsetEstimate? best = null;
        foreach (var r in list)
        {
            if (time.GetElapsedTime(r.At) <= freshness && (best is null || r.ErrorMs < best.Value.ErrorMs))
            {
                best = r;
            }
        }

        return best;
    }
}
