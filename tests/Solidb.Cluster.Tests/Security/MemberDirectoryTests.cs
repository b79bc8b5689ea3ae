using System.Collections.Immutable;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class MemberDirectoryTests
{
    private static readonly NodeId Self = NodeId.Parse("node1");
    private static readonly NodeId Two = NodeId.Parse("node2");
    private static readonly NodeId Three = NodeId.Parse("node3");

    private static MemberDirectory Directory() => new(new MembershipSnapshot(7,
    [
        new MemberView(Self, "10.0.0.1:6745", 11, NodeState.Active),
        new MemberView(Two, "10.0.0.2:6745", 22, NodeState.Active),
        new MemberView(Three, "10.0.0.3:6745", 33, NodeState.Joining),
    ], Self), Self, "10.0.0.1:6745");

    [Fact]
    public void A_member_speaking_for_itself_from_its_own_address_is_believed()
    {
        Assert.Null(Directory().CheckSender("10.0.0.2:6745", Two, 22));
        Assert.Null(Directory().CheckSender("10.0.0.2:6745", Two, null)); // messages without a uid
        Assert.Null(Directory().CheckSender("10.0.0.3:6745", Three, 33)); // joining members too
    }

    [Fact]
    public void A_member_speaking_for_another_member_is_a_mismatch() =>
        Assert.Equal(RejectionReason.SenderMismatch, Directory().CheckSender("10.0.0.2:6745", Three, 33));

    [Fact]
    public void An_old_or_invented_incarnation_of_a_member_is_a_mismatch() =>
        Assert.Equal(RejectionReason.SenderMismatch, Directory().CheckSender("10.0.0.2:6745", Two, 21));

    [Fact]
    public void An_address_that_is_no_member_is_an_unknown_sender_whatever_it_claims()
    {
        Assert.Equal(RejectionReason.UnknownSender, Directory().CheckSender("10.0.0.9:6745", Two, 22));
        Assert.Equal(RejectionReason.UnknownSender, Directory().CheckSender("10.0.0.9:6745", NodeId.Parse("ghost"), null));
    }

    [Fact]
    public void Local_senders_may_only_speak_for_this_node()
    {
        Assert.Null(Directory().CheckSender(null, Self, null));
        Assert.Null(Directory().CheckSender("10.0.0.1:6745", Self, 11));
        Assert.Equal(RejectionReason.SenderMismatch, Directory().CheckSender(null, Two, 22));
    }

    [Fact]
    public void Before_any_snapshot_only_this_node_is_believed()
    {
        var initial = MemberDirectory.Initial(Self, "10.0.0.1:6745");
        Assert.Null(initial.CheckSender(null, Self, null));
        Assert.Equal(RejectionReason.UnknownSender, initial.CheckSender("10.0.0.2:6745", Two, 22));
    }

    [Fact]
    public void Membership_is_by_id_and_incarnation()
    {
        Assert.Equal("10.0.0.2:6745", Directory().Member(Two, 22)?.Address);
        Assert.Null(Directory().Member(Two, 23));
        Assert.Null(Directory().Member(NodeId.Parse("ghost"), 22));
    }
}
