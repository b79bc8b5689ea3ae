using System.Collections.Frozen;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Security;

/// <summary>
/// Who may speak for which node id: the members of the latest membership snapshot by their
/// Akka.Remote address (host:port). A protocol message is believed only when its claimed node id
/// (and incarnation uid, where it carries one) is the member at the address Akka.Remote reports
/// for its sender. Without TLS that address is itself a claim, so this is a consistency check
/// (it stops a non-member, and a member speaking for another); mutual TLS is the authentication.
/// Immutable: the supervisor publishes a new one with every snapshot.
/// </summary>
public sealed class MemberDirectory
{
    private readonly FrozenDictionary<string, MemberView> _byAddress;

    public MemberDirectory(MembershipSnapshot snapshot, NodeId self, string selfAddress)
    {
        Snapshot = snapshot;
        Self = self;
        SelfAddress = selfAddress;
        _byAddress = snapshot.Members
            .GroupBy(m => m.Address, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    public MembershipSnapshot Snapshot { get; }

    public NodeId Self { get; }

    public string SelfAddress { get; }

    public static MemberDirectory Initial(NodeId self, string selfAddress) => new(MembershipSnapshot.Empty, self, selfAddress);

    public MemberView? At(string address) => _byAddress.GetValueOrDefault(address);

    /// <summary>
    /// Null when <paramref name="claimed"/> (and <paramref name="claimedUid"/>) is the member at
    /// <paramref name="senderAddress"/>; otherwise why not. A null sender address means the
    /// message came from an actor of this node (claims must then name this node).
    /// </summary>
    public RejectionReason? CheckSender(string? senderAddress, NodeId claimed, long? claimedUid)
    {
        if (senderAddress is null || senderAddress == SelfAddress)
        {
            return claimed == Self ? null : RejectionReason.SenderMismatch;
        }

        if (At(senderAddress) is not { } member)
        {
            return RejectionReason.UnknownSender;
        }

        return member.NodeId == claimed && (claimedUid is not { } uid || uid == member.Uid) ? null : RejectionReason.SenderMismatch;
    }

    /// <summary>The member <paramref name="id"/> in the incarnation <paramref name="uid"/>; null when it is no member (any more).</summary>
    public MemberView? Member(NodeId id, long uid) => Snapshot.Find(id) is { } m && m.Uid == uid ? m : null;
}
