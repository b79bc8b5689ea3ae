using System.Collections.Immutable;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Events;

/// <summary>
/// Turns what the supervisor learns (membership snapshots, the election's view, health signals,
/// clock verdicts) into the events of the stream, by comparing each with the last one it saw.
/// Plain and single-threaded (the supervisor owns it); the events it returns are not yet numbered.
/// </summary>
public sealed class EventSource(NodeId self)
{
    private readonly Dictionary<NodeId, MemberView> _announced = [];
    private readonly HashSet<NodeId> _suspected = [];
    private LeaderInfo _leader = LeaderInfo.None;
    private bool _selfInSync = true;
    private IReadOnlySet<string> _peersOutOfSync = new HashSet<string>();

    /// <summary>
    /// Members that joined, changed state or left since the last snapshot. A member is announced once its
    /// incarnation is known (its introduction arrived) or it left Joining, whichever is first.
    /// </summary>
    public IReadOnlyList<ClusterEvent> Membership(MembershipSnapshot snapshot)
    {
        var events = new List<ClusterEvent>();
        var current = snapshot.Members.ToDictionary(m => m.NodeId);
        foreach (var (id, before) in _announced.ToList())
        {
            if (!current.TryGetValue(id, out var now) || now.Uid != before.Uid)
            {
                events.Add(new MemberRemovedEvent(id.Value, before.Incarnation));
                _announced.Remove(id);
                _suspected.Remove(id);
            }
        }

        foreach (var member in snapshot.Members)
        {
            if (!_announced.TryGetValue(member.NodeId, out var before))
            {
                if (member.Incarnation == 0 && member.State == NodeState.Joining)
                {
                    continue;
                }

                events.Add(new MemberJoinedEvent(member.NodeId.Value, member.Address, member.Incarnation));
                before = member with { State = NodeState.Joining };
            }

            if (before.State != member.State)
            {
                events.Add(new MemberStateChangedEvent(member.NodeId.Value, before.State.ToModel(), member.State.ToModel(), Reason(before, member)));
            }

            _announced[member.NodeId] = member;
        }

        return events;
    }

    /// <summary>A leader_changed when the leader, the term or the quorum changed.</summary>
    public IReadOnlyList<ClusterEvent> Leader(LeaderInfo info)
    {
        var changed = info.Leader != _leader.Leader || info.Term != _leader.Term || info.HasQuorum != _leader.HasQuorum;
        _leader = info;
        return changed ? [new LeaderChangedEvent(info.Leader?.Value, info.Term, info.ElectedAt?.ToString(), info.HasQuorum)] : [];
    }

    /// <summary>Suspicions raised (Suspect) and refuted (Alive again before Failed), with the detector's latest numbers.</summary>
    public IReadOnlyList<ClusterEvent> Health(ImmutableArray<(NodeId NodeId, long Uid, HealthSignal Signal)> signals, HealthStats stats)
    {
        var events = new List<ClusterEvent>();
        foreach (var (id, _, signal) in signals)
        {
            var missed = stats.Peers.GetValueOrDefault(id)?.MissedHeartbeats ?? 0;
            var observedBy = stats.ObservedBy.GetValueOrDefault(id, []).Select(o => o.Value).ToList();
            switch (signal)
            {
                case HealthSignal.Suspect when _suspected.Add(id):
                    events.Add(new SuspicionRaisedEvent(id.Value, missed, observedBy));
                    break;
                case HealthSignal.Alive when _suspected.Remove(id):
                    events.Add(new SuspicionRefutedEvent(id.Value, missed, observedBy));
                    break;
                case HealthSignal.Failed:
                    _suspected.Remove(id);
                    break;
            }
        }

        return events;
    }

    /// <summary>
    /// clock_skew events: this node's clock went out of or back in sync with the majority, or a member's
    /// went out of or back in sync with this node's (<paramref name="offsetOf"/>: the member's offset to this node, ms).
    /// </summary>
    public IReadOnlyList<ClusterEvent> Clock(ClockStatus status, MembershipSnapshot snapshot, Func<string, double?> offsetOf)
    {
        var events = new List<ClusterEvent>();
        var maxMs = (long)Math.Round(status.MaxOffset.TotalMilliseconds);
        if (status.InSync != _selfInSync)
        {
            events.Add(new ClockSkewEvent(self.Value, Ms(status.OffsetToMajorityMs), maxMs, status.InSync));
            _selfInSync = status.InSync;
        }

        foreach (var address in status.PeersOutOfSync.Except(_peersOutOfSync).Concat(_peersOutOfSync.Except(status.PeersOutOfSync)))
        {
            // An address that is no member (yet) is still named: the stream says what this node sees.
            var id = snapshot.Members.FirstOrDefault(m => m.Address == address)?.NodeId.Value ?? address;
            events.Add(new ClockSkewEvent(id, Ms(offsetOf(address)), maxMs, !status.PeersOutOfSync.Contains(address)));
        }

        _peersOutOfSync = status.PeersOutOfSync;
        return events;
    }

    private static long Ms(double? ms) => ms is { } v ? (long)Math.Round(v) : 0;

    private static string Reason(MemberView before, MemberView now) => now.State switch
    {
        NodeState.Active when before.State == NodeState.Joining => "admitted",
        NodeState.Active => "heartbeats resumed",
        NodeState.Unknown => "missed heartbeats: suspected",
        NodeState.Failed when now.Downed => "downed",
        NodeState.Failed => "missed heartbeats: confirmed failed",
        NodeState.Leaving => "leaving",
        _ => now.State.ToString(),
    };
}
