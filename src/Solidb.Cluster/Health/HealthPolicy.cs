using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Health;

/// <summary>A change in what the policy concludes about one peer, or a request to probe it indirectly.</summary>
public sealed record HealthEvent(NodeId Peer, long Uid, HealthSignal Signal);

/// <summary>What one evaluation produced: signals that changed, and the peers to probe through others.</summary>
public sealed record HealthTick(IReadOnlyList<HealthEvent> Changes, IReadOnlyList<NodeId> ProbeIndirectly, IReadOnlyList<NodeId> ReachabilityChanged);

/// <summary>Per-peer numbers for the status API.</summary>
/// <param name="LastHeard">TimeProvider timestamp of the last direct sign of life (or of monitoring start).</param>
public sealed record PeerHealth(NodeId Peer, long Uid, HealthSignal Signal, long LastHeard, int MissedHeartbeats,
    TimeSpan? RoundTrip, bool DirectlyReachable);

/// <summary>
/// The failure-detection rules, on injected time and without a network. A peer's missed
/// heartbeats are the whole heartbeat intervals since its last sign of life: a direct heartbeat
/// (or the answer to ours), or a positive indirect probe. From the suspicion threshold on it is
/// Suspect and is probed through other members every interval while the direct link stays
/// silent; at the failure threshold, with no sign of life at all, it is Failed. A Failed peer
/// heard again is reported Alive: the membership table decides whether that can count (only if
/// nobody downed it meanwhile). Counting whole intervals since the last arrival means jitter
/// below one interval never adds a miss beyond one.
/// </summary>
public sealed class HealthPolicy(HealthSettings settings, TimeProvider time)
{
    private readonly Dictionary<NodeId, Peer> _peers = [];

    /// <summary>Sets the monitored peers. A new peer (or new incarnation) starts with a full grace interval.</summary>
    public void Monitor(IEnumerable<(NodeId Id, long Uid)> peers)
    {
        var wanted = peers.ToDictionary(p => p.Id, p => p.Uid);
        foreach (var gone in _peers.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            _peers.Remove(gone);
        }

        var now = time.GetTimestamp();
        foreach (var (id, uid) in wanted)
        {
            if (!_peers.TryGetValue(id, out var peer) || peer.Uid != uid)
            {
                _peers[id] = new Peer(uid, now);
            }
        }
    }

    public IReadOnlyCollection<NodeId> Monitored => _peers.Keys;

    /// <summary>A heartbeat from the peer, or its answer to ours, arrived.</summary>
    public bool HeardDirectly(NodeId id, long uid, TimeSpan? roundTrip = null)
    {
        if (!_peers.TryGetValue(id, out var peer) || peer.Uid != uid)
        {
            return false;
        }

        peer.LastDirect = time.GetTimestamp();
        peer.MissesCounted = 0;
        peer.HeardEver = true;
        peer.RoundTrip = roundTrip ?? peer.RoundTrip;
        return true;
    }

    /// <summary>Another member reached the peer for us.</summary>
    public bool HeardIndirectly(NodeId id, long uid)
    {
        if (!_peers.TryGetValue(id, out var peer) || peer.Uid != uid)
        {
            return false;
        }

        peer.LastIndirect = time.GetTimestamp();
        return true;
    }

    /// <summary>Evaluates every monitored peer now.</summary>
    public HealthTick Evaluate()
    {
        var changes = new List<HealthEvent>();
        var probes = new List<NodeId>();
        var reachability = new List<NodeId>();
        foreach (var (id, peer) in _peers)
        {
            var directMisses = Misses(peer.LastDirect);
            peer.NewMisses = Math.Max(0, directMisses - peer.MissesCounted);
            peer.MissesCounted = directMisses;
            var directlyReachable = directMisses < settings.SuspicionThreshold;
            if (directlyReachable != peer.DirectlyReachable)
            {
                peer.DirectlyReachable = directlyReachable;
                reachability.Add(id);
            }

            var misses = Misses(Math.Max(peer.LastDirect, peer.LastIndirect));
            var signal = misses >= settings.FailureThreshold ? HealthSignal.Failed
                : misses >= settings.SuspicionThreshold ? HealthSignal.Suspect
                : HealthSignal.Alive;
            if (signal == HealthSignal.Failed && peer.Signal == HealthSignal.Alive)
            {
                // Evaluations far apart (a stalled process) skip the suspicion phase: report it
                // anyway, so the state machine passes through Unknown as it must.
                changes.Add(new HealthEvent(id, peer.Uid, HealthSignal.Suspect));
            }

            var refuted = signal == HealthSignal.Alive && peer.Signal is HealthSignal.Suspect or HealthSignal.Failed;
            var firstHeard = signal == HealthSignal.Alive && peer.HeardEver && !peer.AliveReported;
            if (signal != peer.Signal || firstHeard)
            {
                peer.Signal = signal;
                peer.AliveReported |= firstHeard;
                if (signal != HealthSignal.Alive || refuted || firstHeard)
                {
                    changes.Add(new HealthEvent(id, peer.Uid, signal));
                }
            }

            if (!directlyReachable && signal != HealthSignal.Failed)
            {
                probes.Add(id);
            }
        }

        return new HealthTick(changes, probes, reachability);
    }

    /// <summary>New whole missed intervals per peer since the previous evaluation (for the counters).</summary>
    public int NewMisses(NodeId id) => _peers.TryGetValue(id, out var p) ? p.NewMisses : 0;

    public PeerHealth? Stats(NodeId id) => _peers.TryGetValue(id, out var p)
        ? new PeerHealth(id, p.Uid, p.Signal, p.LastDirect, Misses(p.LastDirect), p.RoundTrip, p.DirectlyReachable)
        : null;

    public IReadOnlyList<PeerHealth> AllStats() => _peers.Keys.Order().Select(id => Stats(id)!).ToList();

    private int Misses(long since) =>
        (int)Math.Min(int.MaxValue, time.GetElapsedTime(since).Ticks / settings.HeartbeatInterval.Ticks);

    private sealed class Peer(long uid, long now)
    {
        public long Uid { get; } = uid;
        public long LastDirect { get; set; } = now;
        public long LastIndirect { get; set; } = now;
        public bool HeardEver { get; set; }
        public bool AliveReported { get; set; }
        public HealthSignal Signal { get; set; } = HealthSignal.Alive;
        public bool DirectlyReachable { get; set; } = true;
        public int MissesCounted { get; set; }
        public int NewMisses { get; set; }
        public TimeSpan? RoundTrip { get; set; }
    }
}
