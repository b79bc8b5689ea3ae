using System.Collections.Immutable;
using Akka.Actor;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

// Local messages around the election actor (never on the wire), and its public API.

/// <summary>Heartbeat actor -> election: a heartbeat arrived.</summary>
public sealed record HeartbeatObserved(NodeId From, long Term, bool FromLeader, HlcTimestamp ElectedAt);

/// <summary>Heartbeat actor -> election: an answer to our heartbeat arrived.</summary>
public sealed record HeartbeatAckObserved(NodeId From, long Term);

/// <summary>Election -> heartbeat actor: what to stamp on heartbeats, and whom a leader must reach.</summary>
public sealed record ElectionView(long Term, bool IsLeader, HlcTimestamp ElectedAt, ImmutableHashSet<NodeId> Voters)
{
    public static ElectionView Initial { get; } = new(0, false, HlcTimestamp.Zero, []);
}

/// <summary>Ask <c>/user/solidb-cluster</c> for the leader; the answer is a <see cref="LeaderInfo"/>.</summary>
public sealed record GetLeader
{
    public static GetLeader Instance { get; } = new();
}

/// <summary>
/// The leader as this node knows it. <see cref="Leader"/> is null while it knows none, and on a
/// minority side. <see cref="Token"/> is the fencing token storage code checks.
/// </summary>
public sealed record LeaderInfo(NodeId? Leader, long Term, HlcTimestamp? ElectedAt, bool HasQuorum, int Voters, int FailureTolerance)
{
    public static LeaderInfo None { get; } = new(null, 0, null, false, 0, 0);

    /// <summary>What a majority is counted over (see <see cref="ElectionState.QuorumSize"/>).</summary>
    public int QuorumSize { get; init; }

    /// <summary>Set while this node's clock is out of sync with the majority: it then hands out no fencing token.</summary>
    public string? ClockProblem { get; init; }

    public FencingToken? Token => ClockProblem is null && Leader is { } leader && ElectedAt is { } at ? new FencingToken(Term, leader, at) : null;
}

/// <summary>Subscribe to leader changes: <see cref="LeaderChanged"/> now and on every change.</summary>
public sealed record SubscribeLeader(IActorRef Subscriber);

public sealed record UnsubscribeLeader(IActorRef Subscriber);

public sealed record LeaderChanged(LeaderInfo Info);

/// <summary>
/// Ask <c>/user/solidb-cluster</c> to hand leadership over (etcd's move-leader, Raft's TimeoutNow):
/// to <paramref name="To"/>, or to the most up-to-date live voter when null. The answer is a
/// <see cref="LeadershipTransferResult"/>: accepted once the transfer has started on the leader,
/// or refused with the reason (not the leader, no quorum, not a live voter, a transfer already
/// running). Never forwarded: an operator's request that a follower forwards to the leader is
/// <c>Admin.TransferLeadershipRequest</c>. A transfer that does not complete within an
/// election timeout is abandoned; safety is unchanged (the new leader needs a majority in a higher term).
/// </summary>
public sealed record TransferLeadership(NodeId? To);

/// <param name="Accepted">The transfer started (or this node was asked to transfer to itself and already leads).</param>
/// <param name="Reason">Why it was refused; what was started when accepted.</param>
/// <param name="Target">The voter the leader hands over to, when accepted.</param>
public sealed record LeadershipTransferResult(bool Accepted, string Reason, NodeId? Target);
