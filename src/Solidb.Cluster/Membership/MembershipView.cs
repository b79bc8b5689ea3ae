using System.Collections.Immutable;
using Akka.Cluster;

namespace Solidb.Cluster.Membership;

/// <summary>What the supervisor learns about one Akka member from a cluster event.</summary>
public sealed record ObservedMember(NodeId NodeId, string Address, long Uid, MemberStatus Status, bool Reachable);

/// <summary>
/// Folds Akka.Cluster membership events into versioned <see cref="MembershipSnapshot"/>s.
/// Plain and single-threaded: the supervisor actor owns it.
/// </summary>
public sealed class MembershipView
{
    private readonly Dictionary<string, Entry> _members = new(StringComparer.Ordinal);
    private string? _leaderAddress;

    public MembershipSnapshot Snapshot { get; private set; } = MembershipSnapshot.Empty;

    /// <summary>Replaces everything (Akka's CurrentClusterState).</summary>
    public MembershipSnapshot Reset(IEnumerable<ObservedMember> members, string? leaderAddress)
    {
        _members.Clear();
        foreach (var m in members)
        {
            _members[m.Address] = new Entry(m, null, 0);
        }

        _leaderAddress = leaderAddress;
        return Publish();
    }

    /// <summary>A member's status changed; Removed drops it. A new incarnation (uid) replaces the old.</summary>
    public MembershipSnapshot Apply(ObservedMember member)
    {
        if (member.Status == MemberStatus.Removed)
        {
            if (_members.TryGetValue(member.Address, out var existing) && existing.Member.Uid == member.Uid)
            {
                _members.Remove(member.Address);
            }

            return Publish();
        }

        _members[member.Address] = _members.TryGetValue(member.Address, out var old) && old.Member.Uid == member.Uid
            ? old with { Member = member with { Reachable = old.Member.Reachable } }
            : new Entry(member, null, 0);
        return Publish();
    }

    public MembershipSnapshot SetReachable(string address, bool reachable)
    {
        if (_members.TryGetValue(address, out var entry))
        {
            _members[address] = entry with { Member = entry.Member with { Reachable = reachable } };
        }

        return Publish();
    }

    public MembershipSnapshot SetLeader(string? address)
    {
        _leaderAddress = address;
        return Publish();
    }

    /// <summary>Records what a member said about itself; ignored unless it names the member's node id.</summary>
    public MembershipSnapshot Introduced(string address, NodeId nodeId, string httpAddress, long incarnation)
    {
        if (_members.TryGetValue(address, out var entry) && entry.Member.NodeId == nodeId)
        {
            _members[address] = entry with { HttpAddress = httpAddress, Incarnation = incarnation };
        }

        return Publish();
    }

    /// <summary>Maps Akka's member status and reachability to the module's node state.</summary>
    public static NodeState StateOf(MemberStatus status, bool reachable) => status switch
    {
        MemberStatus.Joining or MemberStatus.WeaklyUp => NodeState.Joining,
        MemberStatus.Up => reachable ? NodeState.Active : NodeState.Unknown,
        MemberStatus.Leaving or MemberStatus.Exiting => NodeState.Leaving,
        _ => NodeState.Failed,
    };

    private MembershipSnapshot Publish()
    {
        var members = _members.Values
            .OrderBy(e => e.Member.NodeId)
            .Select(e => new MemberView(e.Member.NodeId, e.Member.Address, e.Member.Uid, StateOf(e.Member.Status, e.Member.Reachable))
            {
                HttpAddress = e.HttpAddress,
                Incarnation = e.Incarnation,
            })
            .ToImmutableArray();
        NodeId? leader = _leaderAddress is not null && _members.TryGetValue(_leaderAddress, out var l) ? l.Member.NodeId : null;
        var next = new MembershipSnapshot(Snapshot.Version + 1, members, leader);
        if (next.Leader == Snapshot.Leader && next.Members.SequenceEqual(Snapshot.Members))
        {
            return Snapshot;
        }

        Snapshot = next;
        return Snapshot;
    }

    private sealed record Entry(ObservedMember Member, string? HttpAddress, long Incarnation);
}
