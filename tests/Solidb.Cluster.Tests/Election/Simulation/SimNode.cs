using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// One simulated node. Its vote store outlives crashes (it is the disk); the election state and
/// the health policy are the process and are rebuilt at each restart (a new incarnation).
/// </summary>
internal sealed class SimNode(int index, NodeId id, int nodeCount)
{
    public int Index { get; } = index;

    public NodeId Id { get; } = id;

    public InMemoryVoteStore Store { get; } = new();

    /// <summary>1 for the first start, then one more per restart; also the node's uid for the health policy.</summary>
    public int Incarnation { get; set; }

    public bool Up { get; set; }

    /// <summary>The running election state, null while down.</summary>
    public ElectionState? Election { get; set; }

    /// <summary>The running health policy, null while down.</summary>
    public HealthPolicy? Health { get; set; }

    /// <summary>The incarnation of each peer this node last learned of (membership would tell it).</summary>
    public int[] KnownIncarnation { get; } = new int[nodeCount];

    /// <summary>What was last recorded for this node, to record only changes.</summary>
    public (long Term, ElectionRole Role, NodeId? Leader, bool HasQuorum)? LastRecorded { get; set; }

    /// <summary>The last HLC timestamp handed out, so stamps stay monotonic.</summary>
    public HlcTimestamp LastStamp { get; set; }

    public ElectionState Running => Election ?? throw new InvalidOperationException($"node{Index + 1} is down");
}
