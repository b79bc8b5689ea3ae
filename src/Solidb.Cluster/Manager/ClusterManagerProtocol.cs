using System.Collections.Immutable;
using Akka.Actor;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Manager;

// The actor-message API of /user/solidb-cluster, for services in the same process.

/// <summary>Ask for the node's status; the reply is a <see cref="ClusterStatus"/>.</summary>
public sealed record GetClusterStatus
{
    public static GetClusterStatus Instance { get; } = new();
}

/// <summary>The node's view of itself and of the cluster.</summary>
/// <param name="Restarts">This process's restarts before the current incarnation (every cause).</param>
public sealed record ClusterStatus(
    NodeId NodeId,
    string Address,
    string HttpAddress,
    long Incarnation,
    NodeState State,
    NodeId? Leader,
    ImmutableArray<MemberInfo> Members,
    long MembershipVersion,
    DateTimeOffset StartedAt,
    string Version,
    HlcTimestamp Hlc,
    CountersSnapshot Counters,
    LeaderInfo Election,
    RestartHistory Restarts)
{
    /// <summary>This node's wall clock against the majority of the cluster.</summary>
    public Clock.Sync.ClockStatus? Clock { get; init; }
}

/// <summary>One member in the status: membership plus what this node's health monitoring knows of it.</summary>
/// <param name="LastHeartbeatAgo">Null for this node itself and for peers it does not monitor.</param>
/// <param name="ObservedBy">Members that currently observe this one as unreachable.</param>
/// <param name="ClockOffset">The member's wall clock minus ours (positive: it is ahead), from round trips.</param>
public sealed record MemberInfo(
    NodeId NodeId,
    string Address,
    string? HttpAddress,
    long Incarnation,
    NodeState State,
    TimeSpan? LastHeartbeatAgo,
    int? MissedHeartbeats,
    TimeSpan? RoundTrip,
    ImmutableArray<NodeId> ObservedBy,
    TimeSpan? ClockOffset)
{
    /// <summary>Why this member is held back although alive: "clock skew" while its clock is out of sync with ours.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Subscribe to membership: the subscriber gets the current <see cref="MembershipChanged"/> at
/// once and one for every later change, until it unsubscribes or stops.
/// </summary>
public sealed record SubscribeMembership(IActorRef Subscriber);

public sealed record UnsubscribeMembership(IActorRef Subscriber);

public sealed record MembershipChanged(MembershipSnapshot Snapshot);

/// <summary>Leave the cluster gracefully (Leaving, then removed); the node then shuts down.</summary>
public sealed record LeaveCluster
{
    public static LeaveCluster Instance { get; } = new();
}
