using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Admin;

/// <summary>
/// Ask <c>/user/solidb-cluster</c> for an operator's leadership transfer (the HTTP API): this node
/// carries it out when it leads, else forwards it to the leader it knows. The answer is a
/// <see cref="LeadershipTransferResult"/>. (<see cref="TransferLeadership"/> is the local,
/// never-forwarded form that a leaving leader uses.)
/// </summary>
/// <param name="RequestedBy">Who asked (the HTTP client's address), for the log.</param>
public sealed record TransferLeadershipRequest(NodeId? To, string RequestedBy);

/// <summary>Ask <c>/user/solidb-cluster</c> to make the member <paramref name="Target"/> leave gracefully; the answer is a <see cref="LeaveMemberResult"/>.</summary>
/// <param name="RequestedBy">Who asked (the HTTP client's address), for the log.</param>
public sealed record LeaveMemberRequest(NodeId Target, string RequestedBy);

public enum LeaveOutcome
{
    /// <summary>The member is leaving.</summary>
    Accepted,

    /// <summary>No member has that node id.</summary>
    UnknownMember,

    /// <summary>Not now: already down, or it did not answer; the reason says which.</summary>
    Refused,
}

public sealed record LeaveMemberResult(LeaveOutcome Outcome, string Reason);

/// <summary>Where an admin request goes.</summary>
public abstract record AdminRoute;

/// <summary>This node carries it out.</summary>
public sealed record HandleHere : AdminRoute
{
    public static HandleHere Instance { get; } = new();
}

/// <summary>Forward it once, over the cluster's transport, to the supervisor of <paramref name="Node"/> at <paramref name="Address"/>.</summary>
public sealed record ForwardTo(NodeId Node, string Address) : AdminRoute;

/// <summary>Answer at once: refused (or, for a leave, no such member), with the reason.</summary>
public sealed record RefuseHere(string Reason, bool UnknownMember = false) : AdminRoute;

/// <summary>
/// The routing rules of the forwarded admin requests (docs/security.md "Admin endpoints"). Only the
/// leader hands leadership over; a node the operator asked forwards the request once to the
/// leader it knows, and a forwarded request is never forwarded again. A member's leave is carried
/// out by that member (its own graceful leave, with the leader's hand-over first): the node asked
/// forwards it to the member's supervisor at the address the membership holds for it.
/// </summary>
public static class AdminRouting
{
    public static AdminRoute Transfer(MembershipSnapshot snapshot, NodeId self, LeaderInfo leader, bool forwarded)
    {
        if (leader.Leader is not { } leaderId)
        {
            return new RefuseHere("this node knows no leader; retry once one is elected");
        }

        if (leaderId == self)
        {
            return HandleHere.Instance;
        }

        if (forwarded)
        {
            return new RefuseHere($"this node does not lead (it knows {leaderId} as the leader of term {leader.Term}); retry");
        }

        return snapshot.Find(leaderId) is { } member
            ? new ForwardTo(leaderId, member.Address)
            : new RefuseHere($"the leader {leaderId} is not in this node's membership yet; retry");
    }

    public static AdminRoute Leave(NodeId target, MembershipSnapshot snapshot, NodeId self)
    {
        if (target == self)
        {
            return HandleHere.Instance;
        }

        if (snapshot.Find(target) is not { } member)
        {
            return new RefuseHere($"no member has node id {target}", UnknownMember: true);
        }

        return member.Downed
            ? new RefuseHere($"{target} is already down; it is removed once the cluster converges")
            : new ForwardTo(target, member.Address);
    }
}
