using Akka.Event;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

// What the coordinator decides (NodeCoordinator's outputs); the manager actor carries them out.

/// <summary>One output of <see cref="NodeCoordinator"/>.</summary>
public abstract record Decision;

/// <summary>The membership changed: hand the snapshot to the node's actors and subscribers.</summary>
public sealed record PublishMembership(MembershipSnapshot Snapshot) : Decision;

/// <summary>The election's view of the leader changed: tell the leader subscribers.</summary>
public sealed record PublishLeader(LeaderInfo Leader) : Decision;

/// <summary>Send this node's introduction to the member at <paramref name="Address"/> (host:port; this node's own is local).</summary>
public sealed record IntroduceTo(string Address) : Decision;

/// <summary>Answer the introduction being handled with this node's own.</summary>
public sealed record AnswerIntroduction : Decision
{
    public static AnswerIntroduction Instance { get; } = new();
}

/// <summary>
/// Down this incarnation in Akka.Cluster: by address, and only while the member at that address
/// still has this uid (Akka downs by address; a new incarnation may hold it already).
/// </summary>
public sealed record DownMember(NodeId NodeId, string Address, long Uid) : Decision;

/// <summary>
/// Quarantine this downed incarnation in Akka.Remote. Akka removes a Down member only once it is
/// unreachable, and with <see cref="NeverUnreachable"/> only a quarantine makes it so (Akka then
/// marks it terminated); until it is removed, its node's next incarnation cannot join.
/// </summary>
public sealed record QuarantineMember(NodeId NodeId, string Address, long Uid) : Decision;

/// <summary>
/// End this incarnation so the host starts the next (<see cref="Restarts.Decide"/>).
/// <paramref name="DownSelf"/>: mark itself Down first, which skips the graceful-leave wait for
/// Exiting that a node cut off from its cluster would wait out for the whole phase timeout.
/// </summary>
public sealed record RestartSelf(RestartCause Cause, bool DownSelf) : Decision;

/// <summary>
/// This node's clock against the majority, every heartbeat interval: the node's actors read it
/// (<see cref="NodeContext.ClockStatus"/>; the election at each of its ticks).
/// </summary>
public sealed record PublishClock(Clock.Sync.ClockStatus Status) : Decision;

/// <summary>Out of sync for the whole skew grace with <c>solidb.clock.on-skew = stop</c>: the process exits with code 3.</summary>
public sealed record StopForClockSkew(string Problem) : Decision;

/// <summary>A line for the node's log.</summary>
public sealed record LogLine(LogLevel Level, string Text) : Decision;

/// <summary>This incarnation's standing in Akka.Cluster, as the actor reads it at each tick.</summary>
/// <param name="Welcomed">A cluster's gossip lists this incarnation (any status).</param>
/// <param name="Up">Up, WeaklyUp, Leaving or Exiting: it was let all the way in.</param>
public readonly record struct SelfStanding(bool Welcomed, bool Up);
