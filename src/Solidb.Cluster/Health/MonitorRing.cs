using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Health;

/// <summary>
/// Which peers a node monitors: its k successors on the ring of node ids, so each node's
/// heartbeat traffic grows with k, not with the cluster size. With at most k+1 nodes every
/// node monitors every other (all-to-all). Every node computes the same ring from the same
/// membership, so each node is monitored by k others.
/// </summary>
public static class MonitorRing
{
    public static IReadOnlyList<NodeId> Successors(NodeId self, IEnumerable<NodeId> members, int k)
    {
        var ring = members.Append(self).Distinct().Order().ToList();
        var at = ring.IndexOf(self);
        var count = Math.Min(k, ring.Count - 1);
        return Enumerable.Range(1, count).Select(i => ring[(at + i) % ring.Count]).ToList();
    }
}
