using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Tells when this node has been cut off long enough to rejoin as a new incarnation: no quorum,
/// and either a strict majority of the voters Failed in its own view, or a cluster smaller than
/// a majority of the one it last knew (it restarted alone into a cluster of its own), or a
/// strict majority of the election's quorum size that it cannot hear (Failed, or never admitted:
/// it joined when they were already Down), continuously for the rejoin-after time. A node on the majority side, or in an even split
/// where no side sees a majority Failed, never qualifies; nor does a node not yet in any cluster.
/// </summary>
public sealed class IsolationWatch(TimeProvider time, TimeSpan rejoinAfter)
{
    private long? _since;

    public static bool IsIsolated(MembershipSnapshot snapshot, LeaderInfo leader)
    {
        var voters = snapshot.Members.Where(m => m.Admitted).ToList();
        var failed = voters.Count(m => m.State == NodeState.Failed);
        var majorityFailed = voters.Count > 1 && Majority.Reached(failed, of: voters.Count); // over the voters
        // A node in no cluster yet (no admitted voters) is not isolated but unjoined: joining is
        // Akka's retry loop, and for a join-only incarnation, JoinWatch's.
        var tooSmall = voters.Count > 0 && !Majority.Reached(voters.Count, of: leader.QuorumSize); // over the election's quorum size
        // The voters it cannot hear (Failed, or counted by the election but never admitted in this
        // view, e.g. already Down when this incarnation joined) are a strict majority of the quorum size.
        var majorityLost = voters.Count > 0 && Majority.Reached(leader.QuorumSize - (voters.Count - failed), of: leader.QuorumSize);
        return !leader.HasQuorum && (majorityFailed || tooSmall || majorityLost);
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
