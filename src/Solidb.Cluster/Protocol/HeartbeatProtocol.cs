using Solidb.Cluster.Clock;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Protocol;

// Health traffic between nodes. Senders identify themselves by node id and Akka uid (one per
// incarnation), so evidence about an old incarnation never counts for a new one.

/// <summary>
/// Every heartbeat interval, to each monitored peer's heartbeat actor (a leader: to every
/// voter too). Carries the sender's election term, whether it leads in that term and when it
/// was elected: followers learn of the leader's liveness from these, with no message stream of
/// its own.
/// </summary>
public sealed record Heartbeat(string From, long FromUid, long Seq, long Term, bool IsLeader, HlcTimestamp ElectedAt, HlcTimestamp Sent) : IStamped
{
    /// <summary>The sender's wall clock (Unix ms) when it sent this; 0: none.</summary>
    public long WallMs { get; init; }
}

/// <summary>
/// The answer to a <see cref="Heartbeat"/>: echoes its sequence number (round-trip time), carries
/// the answerer's term (check-quorum) and its wall clock when it answered (the requester's
/// NTP-style estimate of the answerer's clock offset, <see cref="Clock.Sync.WallClockOffsets"/>).
/// </summary>
public sealed record HeartbeatAck(string From, long FromUid, long Seq, long Term, HlcTimestamp Sent) : IStamped
{
    /// <summary>The answerer's wall clock (Unix ms) when it answered; 0: none.</summary>
    public long WallMs { get; init; }
}

/// <summary>"Can you reach Target?": sent to up to k other members when a peer is suspected.</summary>
public sealed record ProbeRequest(string From, string Target, long TargetUid, string TargetAddress, long Seq, HlcTimestamp Sent) : IStamped;

/// <summary>The helper's direct ping to the suspected peer on the requester's behalf.</summary>
public sealed record ProbePing(string From, long Seq, HlcTimestamp Sent) : IStamped;

public sealed record ProbePingAck(string From, long FromUid, long Seq, HlcTimestamp Sent) : IStamped;

/// <summary>The helper tells the requester that Target answered.</summary>
public sealed record ProbeAck(string From, string Target, long TargetUid, long Seq, HlcTimestamp Sent) : IStamped;

/// <summary>
/// An observer's verdict on a peer it monitors, broadcast to every member when it changes, so
/// members that do not monitor the peer learn its state and every member knows which nodes
/// observe it as unreachable.
/// </summary>
public sealed record HealthReport(string Observer, string Target, long TargetUid, HealthSignal Signal, bool DirectlyReachable, HlcTimestamp Sent) : IStamped;
