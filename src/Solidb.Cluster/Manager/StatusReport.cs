using System.Collections.Immutable;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>Assembles a node's <see cref="ClusterStatus"/> from what its supervisor holds.</summary>
public static class StatusReport
{
    public static ClusterStatus Build(NodeContext node, MembershipSnapshot snapshot, HealthStats health, LeaderInfo leader)
    {
        var members = snapshot.Members.Select(m =>
        {
            var peer = health.Peers.GetValueOrDefault(m.NodeId);
            var current = peer is not null && peer.Uid == m.Uid;
            return new MemberInfo(m.NodeId, m.Address, m.HttpAddress, m.Incarnation, m.State,
                current ? node.Time.GetElapsedTime(peer!.LastHeard) : null,
                current ? peer!.MissedHeartbeats : null,
                current ? peer!.RoundTrip : null,
                health.ObservedBy.GetValueOrDefault(m.NodeId, []),
                m.NodeId == node.NodeId ? TimeSpan.Zero : node.Gate.OffsetOf(m.NodeId));
        }).ToImmutableArray();
        var self = snapshot.Find(node.NodeId);
        return new ClusterStatus(node.NodeId, node.Address, node.HttpAddress, node.Identity.Incarnation,
            self?.State ?? NodeState.Joining, snapshot.Leader, members, snapshot.Version, node.StartedAt,
            NodeContext.ModuleVersion, node.Clock.Now(), node.Counters.Snapshot(), leader, node.Restarts);
    }
}
