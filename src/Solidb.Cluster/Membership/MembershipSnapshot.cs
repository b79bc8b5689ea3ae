using System.Collections.Immutable;

namespace Solidb.Cluster.Membership;

/// <summary>One member as the local node sees it.</summary>
/// <param name="Address">The member's Akka.Remote address as host:port.</param>
/// <param name="Uid">Akka's unique id of this incarnation of the member's actor system.</param>
public sealed record MemberView(NodeId NodeId, string Address, long Uid, NodeState State)
{
    /// <summary>Learned from the member's introduction; null until it arrives.</summary>
    public string? HttpAddress { get; init; }

    /// <summary>The member's incarnation (one per start), from its introduction; 0 until it arrives.</summary>
    public long Incarnation { get; init; }

    /// <summary>Akka.Cluster admitted this incarnation (it was Up): from then until removal it votes.</summary>
    public bool Admitted { get; init; }

    /// <summary>Akka.Cluster downed this incarnation: it is Failed for good and only removal follows.</summary>
    public bool Downed { get; init; }
}

/// <summary>
/// An immutable view of the membership. Versions grow by one with every change, so a
/// subscriber can tell a newer snapshot from an older one.
/// </summary>
public sealed record MembershipSnapshot(long Version, ImmutableArray<MemberView> Members, NodeId? Leader)
{
    public static MembershipSnapshot Empty { get; } = new(0, [], null);

    public MemberView? Find(NodeId id) => Members.FirstOrDefault(m => m.NodeId == id);

    /// <summary>
    /// The voting members: admitted (Up in Akka.Cluster) and not removed. Joining members do not
    /// vote until admitted; Unknown, Failed and Leaving ones still count until they are removed,
    /// so a partition cannot shrink the majority it must reach.
    /// </summary>
    public IEnumerable<NodeId> Voters => Members.Where(m => m.Admitted).Select(m => m.NodeId);
}
