using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// An operator's down (POST /_api/cluster/members/{node_id}/down) between supervisors
// (/user/solidb-cluster). Only the elected leader downs; a follower forwards the request to it,
// and the leader tells the downed member why before Akka downs it (docs/security.md "Admin endpoints").

/// <summary>A follower forwards an operator's down of <paramref name="Target"/> to the leader it knows.</summary>
public sealed record OperatorDownRequest(string From, string Target, HlcTimestamp Sent) : IStamped;

/// <summary>The leader's answer: <paramref name="Outcome"/> is one of <see cref="OperatorDownOutcomes"/>.</summary>
public sealed record OperatorDownReply(string From, string Target, string Outcome, string Reason, HlcTimestamp Sent) : IStamped;

/// <summary>
/// The leader to the member it downs on an operator's request: persist the record and exit, so the
/// node does not restart and rejoin as after an ordinary down. <paramref name="RequestedVia"/> is the
/// node whose HTTP API took the request.
/// </summary>
public sealed record OperatorDownNotice(string From, string Target, long Term, string RequestedVia, HlcTimestamp Sent) : IStamped;

/// <summary>The outcomes an <see cref="OperatorDownReply"/> may carry.</summary>
public static class OperatorDownOutcomes
{
    public const string Accepted = "accepted";
    public const string Unknown = "unknown";
    public const string Refused = "refused";

    public static bool IsValid(string? outcome) => outcome is Accepted or Unknown or Refused;
}

// Leadership transfer and a member's leave, asked through any node's HTTP API: the node the
// operator gave forwards them over the cluster's own transport, so solidb-cmd never sends the
// admin token to an address it learnt from the cluster (docs/security.md "Admin endpoints").

/// <summary>
/// A node forwards an operator's leadership transfer to the leader it knows: to <paramref name="To"/>,
/// or to the most up-to-date live voter when null. The leader acts on it only while it leads and never forwards it.
/// </summary>
public sealed record LeadershipTransferRequest(string From, string? To, HlcTimestamp Sent) : IStamped;

/// <summary>The leader's answer: <paramref name="Target"/> is the voter it hands over to, when <paramref name="Accepted"/>.</summary>
public sealed record LeadershipTransferReply(string From, bool Accepted, string Reason, string? Target, HlcTimestamp Sent) : IStamped;

/// <summary>A node forwards an operator's leave of <paramref name="Target"/> to that member, which leaves gracefully.</summary>
public sealed record MemberLeaveRequest(string From, string Target, HlcTimestamp Sent) : IStamped;

/// <summary>The member's answer: it is leaving, or why not.</summary>
public sealed record MemberLeaveReply(string From, string Target, bool Accepted, string Reason, HlcTimestamp Sent) : IStamped;
