using Akka.Actor;

namespace Solidb.Cluster.Events;

// The event stream's actor-message API of /user/solidb-cluster, for services in the same process
// (the WebSocket endpoint and the remote API are built on it).

/// <summary>
/// Subscribe to this node's events (<see cref="Client.Events.ClusterEvent"/>, the client library's
/// models, sent to <paramref name="Subscriber"/> in seq order):
/// <list type="bullet">
/// <item>no <paramref name="Since"/>: a <see cref="Client.Events.SnapshotEvent"/> first, then every later event;</item>
/// <item>a <paramref name="Since"/> within the buffer of the current incarnation (<paramref name="Incarnation"/>
/// null means the current one): every buffered event after it, then every later event (no gap, no duplicate);</item>
/// <item>otherwise a <see cref="Client.Events.ResetEvent"/> with the reason and the status, then every later event.</item>
/// </list>
/// Snapshot and reset carry the seq of the last event they include and are not kept in the buffer.
/// <paramref name="Types"/>: only these event types (snapshot and reset always come); null or empty means all.
/// The subscription ends at <see cref="UnsubscribeClusterEvents"/> or when the subscriber stops.
/// </summary>
public sealed record SubscribeClusterEvents(IActorRef Subscriber, long? Since = null, long? Incarnation = null, IReadOnlySet<string>? Types = null);

public sealed record UnsubscribeClusterEvents(IActorRef Subscriber);
