using System.Collections.Immutable;
using Akka.Actor;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Health;

// Local messages between the health actors and the supervisor (never on the wire).

/// <summary>A peer this node monitors, with where to reach its heartbeat actor.</summary>
public sealed record MonitoredPeer(NodeId NodeId, long Uid, Address Address);

/// <summary>
/// Failure detector -> heartbeat actor: the peers it monitors (heartbeats every interval), and
/// every other member (a leader sends its heartbeats to all voters).
/// </summary>
public sealed record MonitorPeers(ImmutableArray<MonitoredPeer> Peers, ImmutableArray<MonitoredPeer> Members);

/// <summary>Heartbeat actor -> failure detector: a direct sign of life.</summary>
public sealed record HeardFrom(NodeId NodeId, long Uid, TimeSpan? RoundTrip);

/// <summary>Heartbeat actor -> failure detector: another member reached the peer for us.</summary>
public sealed record HeardIndirectly(NodeId NodeId, long Uid);

/// <summary>Failure detector -> heartbeat actor: ask these members whether they reach the target.</summary>
public sealed record ProbeThrough(MonitoredPeer Target, ImmutableArray<Address> Helpers);

/// <summary>Failure detector -> supervisor: health signals to apply to the membership table.</summary>
public sealed record HealthSignals(ImmutableArray<(NodeId NodeId, long Uid, HealthSignal Signal)> Signals);

/// <summary>Failure detector -> supervisor, every interval: the per-peer numbers for the status.</summary>
public sealed record HealthStats(ImmutableDictionary<NodeId, PeerHealth> Peers, ImmutableDictionary<NodeId, ImmutableArray<NodeId>> ObservedBy)
{
    public static HealthStats Empty { get; } = new(ImmutableDictionary<NodeId, PeerHealth>.Empty, ImmutableDictionary<NodeId, ImmutableArray<NodeId>>.Empty);
}
