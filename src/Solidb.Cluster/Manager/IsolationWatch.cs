using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Tells when this node has been cut off long enough to rejoin as a new incarnation: no quorum,
/// and either a strict majority of the voters Failed in its own view, or a cluster smaller than
/// a majority of the one it last knew (it restarted alone into a cluster of its own),
/// continuously for the rejoin-after time. A node on the majority side, or in an even split
/// where no side sees a majority Failed, never qualifies; nor does a node not yet in any cluster.
/// </summary>
public sealed class IsolationWatch(TimeProvider time, TimeSpan rejoinAfter)
{
    private long? _since;

    public static bool IsIsolated(MembershipSnapshot snapshot, LeaderInfo leader)
    {
        var voters = snapshot.Members.Where(m => m.Admitted).ToList();
        var majorityFailed = voters.Count > 1 && Majority.Reached(voters.Count(m => m.State == NodeState.Failed), of: voters.Count); // over the voters
        // A node in no cluster yet (no admitted voters) is not isolated but unjoined: joining is
        // Akka's retry loop, and for a join-only incarnation, JoinWatch's.
        var tooSmall = voters.Count > 0 && !Majority.Reached(voters.Count, of: leader.QuorumSize); // over the election's quorum size
        return !leader.HasQuorum && (majorityFailed || tooSmall);
    }

    /// <summary>Feeds the current view; true once the node has been isolated for the whole rejoin-after time.</summary>
    public bool ShouldRejoin(MembershipSnapshot snapshot, LeaderInfo leader)
    {
        if (!IsIsolated(snapshot, leader))
        {
            _since = null;
            return false;
        }

        _since ??= time.GetTimestamp();
        return time.GetElapsedTime(_since.Value) >= rejoinAfter;
    }
}
