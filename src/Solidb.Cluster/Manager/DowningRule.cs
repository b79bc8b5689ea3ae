using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Who removes confirmed-failed members from Akka.Cluster, and when. Until elections exist,
/// the downer is the member with the lowest address among those this node sees Active (Akka's
/// own leader rule, applied to our detector's view), and only while a strict majority of all
/// members is Active: a minority side of a partition never downs anyone.
/// </summary>
public static class DowningRule
{
    public static IReadOnlyList<MemberView> ToDown(MembershipSnapshot snapshot, NodeId self)
    {
        var members = snapshot.Members;
        var active = members.Where(m => m.State == NodeState.Active).ToList();
        if (active.Count * 2 <= members.Length)
        {
            return [];
        }

        var downer = active.MinBy(m => Parse(m.Address));
        return downer?.NodeId == self ? members.Where(m => m.State == NodeState.Failed).ToList() : [];
    }

    /// <summary>True when this node's view has a strict majority of the members Active.</summary>
    public static bool HasMajority(MembershipSnapshot snapshot) =>
        snapshot.Members.Count(m => m.State == NodeState.Active) * 2 > snapshot.Members.Length;

    private static PeerAddress Parse(string hostPort) =>
        PeerAddress.TryParse(hostPort, out var peer, out _) ? peer : new PeerAddress(hostPort, 0);
}
