using Solidb.Cluster.Admin;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Xunit;

namespace Solidb.Cluster.Tests.Admin;

public sealed class AdminRoutingTests
{
    private static readonly NodeId N1 = NodeId.Parse("node1");
    private static readonly NodeId N2 = NodeId.Parse("node2");
    private static readonly NodeId N3 = NodeId.Parse("node3");
    private static readonly HlcTimestamp T = new(1_700_000_000_000, 0);

    private static MemberView Member(NodeId id, int port, bool downed = false) =>
        new(id, $"127.0.0.1:{port}", port, NodeState.Active) { Admitted = true, Downed = downed, HttpAddress = $"http://evil.example:{port}" };

    private static readonly MembershipSnapshot Three = new(1, [Member(N1, 1), Member(N2, 2), Member(N3, 3)], null);

    private static LeaderInfo Leads(NodeId? leader) => new(leader, 4, null, true, 3, 1);

    [Fact]
    public void The_leader_transfers_itself() =>
        Assert.IsType<HandleHere>(AdminRouting.Transfer(Three, N1, Leads(N1), forwarded: false));

    [Fact]
    public void A_follower_forwards_a_transfer_to_the_leaders_cluster_address_not_its_announced_http_address()
    {
        var forward = Assert.IsType<ForwardTo>(AdminRouting.Transfer(Three, N2, Leads(N1), forwarded: false));

        Assert.Equal((N1, "127.0.0.1:1"), (forward.Node, forward.Address));
    }

    [Fact]
    public void A_forwarded_transfer_is_acted_on_by_the_leader_and_refused_never_forwarded_again_by_a_follower()
    {
        Assert.IsType<HandleHere>(AdminRouting.Transfer(Three, N1, Leads(N1), forwarded: true));
        Assert.Contains("does not lead", Assert.IsType<RefuseHere>(AdminRouting.Transfer(Three, N2, Leads(N1), forwarded: true)).Reason);
    }

    [Fact]
    public void A_transfer_without_a_known_leader_or_with_a_leader_not_yet_a_member_is_refused()
    {
        Assert.Contains("knows no leader", Assert.IsType<RefuseHere>(AdminRouting.Transfer(Three, N2, Leads(null), forwarded: false)).Reason);
        Assert.Contains("not in this node's membership", Assert.IsType<RefuseHere>(
            AdminRouting.Transfer(new(1, [Member(N2, 2)], null), N2, Leads(N1), forwarded: false)).Reason);
    }

    [Fact]
    public void A_leave_of_this_node_is_handled_here_and_of_another_member_forwarded_to_its_cluster_address()
    {
        Assert.IsType<HandleHere>(AdminRouting.Leave(N2, Three, N2));
        var forward = Assert.IsType<ForwardTo>(AdminRouting.Leave(N3, Three, N2));
        Assert.Equal((N3, "127.0.0.1:3"), (forward.Node, forward.Address));
    }

    [Fact]
    public void A_leave_of_no_member_is_unknown_and_of_a_downed_member_refused()
    {
        Assert.True(Assert.IsType<RefuseHere>(AdminRouting.Leave(NodeId.Parse("node9"), Three, N1)).UnknownMember);
        var downed = new MembershipSnapshot(1, [Member(N1, 1), Member(N3, 3, downed: true)], null);
        var refused = Assert.IsType<RefuseHere>(AdminRouting.Leave(N3, downed, N1));
        Assert.False(refused.UnknownMember);
        Assert.Contains("already down", refused.Reason);
    }

    [Fact]
    public void A_reply_is_believed_only_with_valid_fields_and_from_the_node_asked()
    {
        var ok = ForwardedAdmin.FromReply(new LeadershipTransferReply("node1", true, "transferring leadership of term 4 to node3", "node3", T), N1);
        Assert.Equal(new LeadershipTransferResult(true, "transferring leadership of term 4 to node3", N3), ok);

        Assert.False(ForwardedAdmin.FromReply(new LeadershipTransferReply("node2", true, "ok", "node3", T), N1).Accepted);
        Assert.False(ForwardedAdmin.FromReply(new LeadershipTransferReply("node1", true, "ok", "bad id!", T), N1).Accepted);
        Assert.Equal(LeaveOutcome.Accepted, ForwardedAdmin.FromReply(new MemberLeaveReply("node3", "node3", true, "node3 is leaving", T), N3).Outcome);
        Assert.Equal(LeaveOutcome.Refused, ForwardedAdmin.FromReply(new MemberLeaveReply("node2", "node3", true, "ok", T), N3).Outcome);
        Assert.Equal("line\\u000aforged", ForwardedAdmin.FromReply(new MemberLeaveReply("node3", "node3", false, "line\nforged", T), N3).Reason);
    }
}
