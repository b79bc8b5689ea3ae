using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Admin;

/// <summary>Ask <c>/user/solidb-cluster</c> to down <paramref name="Target"/> on an operator's request; the answer is a <see cref="DownMemberResult"/>.</summary>
/// <param name="RequestedBy">Who asked (the HTTP client's address), for the log.</param>
public sealed record DownMemberRequest(NodeId Target, string RequestedBy);

public enum DownOutcome
{
    /// <summary>The leader downed the member (and told it so).</summary>
    Accepted,

    /// <summary>No member has that node id.</summary>
    UnknownMember,

    /// <summary>Not now: no quorum, no leader known, the leader itself; the reason says which.</summary>
    Refused,
}

/// <param name="Leader">The leader that carried it out or refused it, when one is known.</param>
public sealed record DownMemberResult(DownOutcome Outcome, string Reason, NodeId? Leader);

/// <summary>What a node does with an operator's down.</summary>
public abstract record DownVerdict;

/// <summary>This node leads with a quorum: down <paramref name="Member"/>.</summary>
public sealed record DownIt(MemberView Member) : DownVerdict;

/// <summary>A follower with a leader: forward the request to the leader's supervisor at <paramref name="LeaderAddress"/>.</summary>
public sealed record ForwardToLeader(NodeId Leader, string LeaderAddress) : DownVerdict;

/// <summary>Answer at once.</summary>
public sealed record AnswerDown(DownMemberResult Result) : DownVerdict;

/// <summary>
/// The rules of an operator's down (docs/security.md "Admin endpoints"): only the elected leader
/// downs, and only while it holds a quorum and a strict majority of the members is Active in its
/// view (the automatic downing's own rule, <see cref="DowningRule"/>); a follower forwards once and
/// a forwarded request is never forwarded again; a minority side refuses.
/// </summary>
public static class OperatorDown
{
    public static DownVerdict Decide(NodeId target, MembershipSnapshot snapshot, NodeId self, LeaderInfo leader, bool forwarded)
    {
        if (leader.Leader is not { } leaderId || !leader.HasQuorum)
        {
            return Refuse("no quorum: this node knows no leader that reaches a majority, and a minority never downs anyone", leader.Leader);
        }

        if (snapshot.Find(target) is not { } member)
        {
            return new AnswerDown(new DownMemberResult(DownOutcome.UnknownMember, $"no member has node id {target}", leaderId));
        }

        if (member.Downed)
        {
            return Refuse($"{target} is already down; it is removed once the cluster converges", leaderId);
        }

        if (leaderId != self)
        {
            if (forwarded)
            {
                return Refuse($"this node does not lead (it knows {leaderId} as the leader of term {leader.Term}); retry", leaderId);
            }

            return snapshot.Find(leaderId) is { } leaderMember
                ? new ForwardToLeader(leaderId, leaderMember.Address)
                : Refuse($"the leader {leaderId} is not in this node's membership yet; retry", leaderId);
        }

        if (target == self)
        {
            return Refuse($"{target} is the leader: transfer leadership first (POST /_api/cluster/leader/transfer), or make it leave (POST /_api/cluster/leave)", leaderId);
        }

        return DowningRule.HasMajority(snapshot)
            ? new DownIt(member)
            : Refuse("no majority of the members is Active in the leader's view; it downs nobody until one is", leaderId);
    }

    private static AnswerDown Refuse(string reason, NodeId? leader) => new(new DownMemberResult(DownOutcome.Refused, reason, leader));
}
