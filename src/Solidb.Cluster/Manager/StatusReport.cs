using System.Collections.Immutable;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>Assembles a node's <see cref="ClusterStatus"/> from what its supervisor holds.</summary>
public static class StatusReport
{
    /// <summary>The member reason shown while a member's clock is out of sync with this node's.</summary>
    public const string ClockSkewReason = "clock skew";

    public static ClusterStatus Build(NodeContext node, MembershipSnapshot snapshot, HealthStats health, LeaderInfo leader)
    {
        var clock = node.ClockStatus;
        var members = snapshot.Members.Select(m =>
        {
            var peer = health.Peers.GetValueOrDefault(m.NodeId);
            var current = peer is not null && peer.Uid == m.Uid;
            return new MemberInfo(m.NodeId, m.Address, m.HttpAddress, m.Incarnation, m.State,
                current ? node.Time.GetElapsedTime(peer!.LastHeard) : null,
                current ? peer!.MissedHeartbeats : null,
                current ? peer!.RoundTrip : null,
                health.ObservedBy.GetValueOrDefault(m.NodeId, []),
                m.NodeId == node.NodeId ? TimeSpan.Zero
                    : node.WallOffsets.Of(m.Address) is { } o ? TimeSpan.FromMilliseconds(o.OffsetMs) : null)
            {
                Reason = m.NodeId != node.NodeId && !clock.IsPeerInSync(m.Address) ? ClockSkewReason : null,
            };
        }).ToImmutableArray();
        var self = snapshot.Find(node.NodeId);
        return new ClusterStatus(node.NodeId, node.Address, node.HttpAddress, node.Identity.Incarnation,
            self?.State ?? NodeState.Joining, snapshot.Leader, members, snapshot.Version, node.StartedAt,
            NodeContext.ModuleVersion, node.Clock.TryNow(out _) ?? node.Clock.Current, node.Counters.Snapshot(), leader, node.Restarts) { Clock = clock };
    }
}
