using System.Collections.Immutable;
using Akka.Cluster;

namespace Solidb.Cluster.Membership;

/// <summary>
/// The node state machine over all members, keyed by node id. Inputs are Akka.Cluster member
/// events (join, up, leave, down, remove) and the failure detector's signals; every state change
/// is checked against <see cref="NodeTransitions"/>, and an impossible one is rejected and
/// reported. Publishes immutable snapshots whose version grows by one per change.
/// Plain and single-threaded: the supervisor actor owns it.
/// </summary>
public sealed class MembershipTable(NodeId self)
{
    private readonly Dictionary<NodeId, Entry> _entries = [];
    private readonly HashSet<(NodeId Id, long Uid)> _retired = []; // incarnations replaced or removed
    private readonly Dictionary<long, (NodeId Id, string Address, string HttpAddress, long Incarnation)> _earlyIntroductions = [];
    private string? _leaderAddress;
    private List<Transition> _applied = [];
    private List<RejectedTransition> _rejected = [];

    public NodeId Self { get; } = self;

    public MembershipSnapshot Snapshot { get; private set; } = MembershipSnapshot.Empty;

    /// <summary>Replaces the Akka view (CurrentClusterState); health knowledge of unchanged incarnations is kept.</summary>
    public TableChange Reset(IEnumerable<ObservedMember> members, string? leaderAddress)
    {
        // A restarted node can appear twice (old incarnation, new one Joining): take the newcomer.
        var current = members
            .GroupBy(m => m.NodeId)
            .Select(g => g.OrderBy(m => m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp ? 0 : 1).First())
            .ToList();
        foreach (var gone in _entries.Keys.Except(current.Select(m => m.NodeId)).ToList())
        {
            Remove(_entries[gone], "no longer a member");
        }

        foreach (var member in current)
        {
            ObserveOne(member);
        }

        _leaderAddress = leaderAddress;
        return Publish();
    }

    /// <summary>An Akka member event.</summary>
    public TableChange Observe(ObservedMember member)
    {
        ObserveOne(member);
        return Publish();
    }

    /// <summary>A failure-detector signal about the incarnation <paramref name="uid"/> of a peer.</summary>
    public TableChange Health(NodeId id, long uid, HealthSignal signal)
    {
        if (id != Self && _entries.TryGetValue(id, out var entry) && entry.Uid == uid)
        {
            ApplyHealth(entry, signal);
        }

        return Publish();
    }

    public TableChange SetLeader(string? leaderAddress)
    {
        _leaderAddress = leaderAddress;
        return Publish();
    }

    /// <summary>
    /// Records what a member said about itself; ignored unless it matches the member's address.
    /// An introduction can overtake the Akka event that makes the sender a member: it is kept
    /// until the member appears.
    /// </summary>
    public TableChange Introduced(NodeId id, long uid, string address, string httpAddress, long incarnation)
    {
        if (_entries.TryGetValue(id, out var entry) && entry.Uid == uid)
        {
            if (entry.Address == address)
            {
                entry.HttpAddress = httpAddress;
                entry.Incarnation = incarnation;
            }
        }
        else if (!_retired.Contains((id, uid)))
        {
            _earlyIntroductions[uid] = (id, address, httpAddress, incarnation);
            if (_earlyIntroductions.Count > 64)
            {
                _earlyIntroductions.Remove(_earlyIntroductions.Keys.First()); // never joined: forget it
            }
        }

        return Publish();
    }

    /// <summary>The Akka uid of a member's current incarnation, if it is a member.</summary>
    public long? UidOf(NodeId id) => _entries.TryGetValue(id, out var e) ? e.Uid : null;

    private void ObserveOne(ObservedMember m)
    {
        if (_retired.Contains((m.NodeId, m.Uid)))
        {
            return; // a late event about an incarnation that was already replaced or removed
        }

        if (!_entries.TryGetValue(m.NodeId, out var entry))
        {
            if (m.Status == MemberStatus.Removed)
            {
                return;
            }

            entry = NewEntry(m);
            _entries[m.NodeId] = entry;
            _applied.Add(new Transition(m.NodeId, null, NodeState.Joining, "joined"));
        }
        else if (entry.Uid != m.Uid)
        {
            if (m.Status is MemberStatus.Removed or MemberStatus.Down)
            {
                _retired.Add((m.NodeId, m.Uid));
                return;
            }

            _retired.Add((entry.NodeId, entry.Uid));
            var replaced = NewEntry(m);
            _entries[m.NodeId] = replaced;
            _applied.Add(new Transition(m.NodeId, entry.State, NodeState.Joining, $"new incarnation (was {entry.State})"));
            entry = replaced;
        }

        switch (m.Status)
        {
            case MemberStatus.Up:
                entry.Up = true;
                if (entry.State == NodeState.Joining && (entry.NodeId == Self || entry.Heard))
                {
                    Move(entry, NodeState.Active, TransitionCause.Admitted, "up and heard");
                }

                break;
            case MemberStatus.Leaving or MemberStatus.Exiting when entry.State != NodeState.Leaving:
                Move(entry, NodeState.Leaving, TransitionCause.Left, "announced a graceful leave");
                break;
            case MemberStatus.Down:
                entry.Downed = true;
                if (entry.State != NodeState.Failed)
                {
                    Move(entry, NodeState.Failed, TransitionCause.Downed, "downed");
                }

                break;
            case MemberStatus.Removed:
                Remove(entry, "removed by the cluster");
                break;
        }
    }

    private Entry NewEntry(ObservedMember m)
    {
        var entry = new Entry(m.NodeId, m.Address, m.Uid);
        if (_earlyIntroductions.Remove(m.Uid, out var intro) && intro.Id == m.NodeId && intro.Address == m.Address)
        {
            entry.HttpAddress = intro.HttpAddress;
            entry.Incarnation = intro.Incarnation;
        }

        return entry;
    }

    private void ApplyHealth(Entry entry, HealthSignal signal)
    {
        switch (signal, entry.State)
        {
            case (HealthSignal.Alive, NodeState.Joining):
                entry.Heard = true;
                if (entry.Up)
                {
                    Move(entry, NodeState.Active, TransitionCause.Admitted, "up and heard");
                }

                break;
            case (HealthSignal.Alive, NodeState.Unknown):
                entry.Heard = true;
                Move(entry, entry.Up ? NodeState.Active : NodeState.Joining, TransitionCause.Refuted, "suspicion refuted");
                break;
            case (HealthSignal.Alive, NodeState.Failed) when entry.Downed:
                // Downed is final for an incarnation: only a new one comes back.
                _rejected.Add(new RejectedTransition(entry.NodeId, NodeState.Failed, NodeState.Active, TransitionCause.Refuted));
                break;
            case (HealthSignal.Alive, NodeState.Failed):
                // Confirmed failed but never downed (no quorum could down it, e.g. a 2-2 split):
                // the same incarnation is alive after all.
                Move(entry, entry.Up ? NodeState.Active : NodeState.Joining, TransitionCause.Refuted, "heard again before it was downed");
                break;
            case (HealthSignal.Suspect, NodeState.Joining or NodeState.Active):
                Move(entry, NodeState.Unknown, TransitionCause.Suspected, "missed heartbeats");
                break;
            case (HealthSignal.Failed, NodeState.Joining or NodeState.Active or NodeState.Unknown):
                Move(entry, NodeState.Failed, TransitionCause.ConfirmedFailed, "no sign of life");
                break;

            // A leaving member stops its heartbeats on purpose: it is not judged. Signals that
            // repeat the current state change nothing.
        }
    }

    private void Move(Entry entry, NodeState to, TransitionCause cause, string why)
    {
        if (!NodeTransitions.IsAllowed(entry.State, to, cause))
        {
            _rejected.Add(new RejectedTransition(entry.NodeId, entry.State, to, cause));
            return;
        }

        _applied.Add(new Transition(entry.NodeId, entry.State, to, why));
        entry.State = to;
    }

    private void Remove(Entry entry, string why)
    {
        _entries.Remove(entry.NodeId);
        _retired.Add((entry.NodeId, entry.Uid));
        _applied.Add(new Transition(entry.NodeId, entry.State, null, why));
    }

    private TableChange Publish()
    {
        var members = _entries.Values
            .OrderBy(e => e.NodeId)
            .Select(e => new MemberView(e.NodeId, e.Address, e.Uid, e.State) { HttpAddress = e.HttpAddress, Incarnation = e.Incarnation, Admitted = e.Up, Downed = e.Downed })
            .ToImmutableArray();
        NodeId? leader = _entries.Values.FirstOrDefault(e => e.Address == _leaderAddress)?.NodeId;
        if (leader != Snapshot.Leader || !members.SequenceEqual(Snapshot.Members))
        {
            Snapshot = new MembershipSnapshot(Snapshot.Version + 1, members, leader);
        }

        var change = new TableChange(Snapshot, _applied, _rejected);
        _applied = [];
        _rejected = [];
        return change;
    }

    private sealed class Entry(NodeId id, string address, long uid)
    {
        public NodeId NodeId { get; } = id;
        public string Address { get; } = address;
        public long Uid { get; } = uid;
        public NodeState State { get; set; } = NodeState.Joining;
        public bool Up { get; set; }
        public bool Heard { get; set; }
        public bool Downed { get; set; }
        public string? HttpAddress { get; set; }
        public long Incarnation { get; set; }
    }
}
