using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Who removes confirmed-failed members from Akka.Cluster, and when: only the elected leader,
/// only while it holds a quorum (it heard from a majority of the voters within the election
/// timeout), and only while a strict majority of the members is Active in its own view. A
/// minority side of a partition never elects, so it never downs anyone.
/// </summary>
public static class DowningRule
{
    public static IReadOnlyList<MemberView> ToDown(MembershipSnapshot snapshot, NodeId self, Election.LeaderInfo leader)
    {
        if (leader.Leader != self || !leader.HasQuorum || !HasMajority(snapshot))
        {
            return [];
        }

        return snapshot.Members.Where(m => m.State == NodeState.Failed).ToList();
    }

    /// <summary>True when this node's view has a strict majority of the members Active.</summary>
    public static bool HasMajority(MembershipSnapshot snapshot) =>
        Election.Majority.Reached(snapshot.Members.Count(m => m.State == NodeState.Active), of: snapshot.Members.Length); // over the members
}
