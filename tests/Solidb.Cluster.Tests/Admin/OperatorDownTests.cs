using Solidb.Cluster.Admin;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Admin;

public sealed class OperatorDownTests
{
    private static readonly NodeId N1 = NodeId.Parse("node1");
    private static readonly NodeId N2 = NodeId.Parse("node2");
    private static readonly NodeId N3 = NodeId.Parse("node3");

    private static MemberView Member(NodeId id, int port, NodeState state = NodeState.Active, bool downed = false) =>
        new(id, $"127.0.0.1:{port}", port, state) { Admitted = true, Downed = downed };

    private static MembershipSnapshot Snapshot(params MemberView[] members) => new(1, [.. members], null);

    private static readonly MembershipSnapshot Three = Snapshot(Member(N1, 1), Member(N2, 2), Member(N3, 3));

    private static LeaderInfo Leads(NodeId? leader, bool quorum = true) => new(leader, 4, null, quorum, 3, 1);

    private static DownMemberResult Answer(DownVerdict verdict) => Assert.IsType<AnswerDown>(verdict).Result;

    [Fact]
    public void The_leader_with_a_quorum_downs_a_live_follower() =>
        Assert.Equal(N3, Assert.IsType<DownIt>(OperatorDown.Decide(N3, Three, N1, Leads(N1), forwarded: false)).Member.NodeId);

    [Fact]
    public void The_leader_acts_on_a_forwarded_request_too() =>
        Assert.IsType<DownIt>(OperatorDown.Decide(N3, Three, N1, Leads(N1), forwarded: true));

    [Fact]
    public void A_follower_forwards_to_the_leader_s_address()
    {
        var forward = Assert.IsType<ForwardToLeader>(OperatorDown.Decide(N3, Three, N2, Leads(N1), forwarded: false));

        Assert.Equal(N1, forward.Leader);
        Assert.Equal("127.0.0.1:1", forward.LeaderAddress);
    }

    [Fact]
    public void A_forwarded_request_that_reaches_a_follower_is_refused_never_forwarded_again()
    {
        var result = Answer(OperatorDown.Decide(N3, Three, N2, Leads(N1), forwarded: true));

        Assert.Equal(DownOutcome.Refused, result.Outcome);
        Assert.Contains("does not lead", result.Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_node_without_quorum_refuses_whether_it_leads_or_not(bool leads)
    {
        var result = Answer(OperatorDown.Decide(N3, Three, N1, Leads(leads ? N1 : N2, quorum: false), forwarded: false));

        Assert.Equal(DownOutcome.Refused, result.Outcome);
        Assert.StartsWith("no quorum", result.Reason);
    }

    [Fact]
    public void A_node_that_knows_no_leader_refuses_for_lack_of_quorum() =>
        Assert.StartsWith("no quorum", Answer(OperatorDown.Decide(N3, Three, N2, LeaderInfo.None, forwarded: false)).Reason);

    [Fact]
    public void An_unknown_node_id_is_answered_as_unknown_without_forwarding()
    {
        var result = Answer(OperatorDown.Decide(NodeId.Parse("node9"), Three, N2, Leads(N1), forwarded: false));

        Assert.Equal(DownOutcome.UnknownMember, result.Outcome);
        Assert.Contains("node9", result.Reason);
    }

    [Fact]
    public void The_leader_does_not_down_itself()
    {
        var result = Answer(OperatorDown.Decide(N1, Three, N1, Leads(N1), forwarded: false));

        Assert.Equal(DownOutcome.Refused, result.Outcome);
        Assert.Contains("transfer leadership first", result.Reason);
    }

    [Fact]
    public void A_member_already_down_is_refused()
    {
        var snapshot = Snapshot(Member(N1, 1), Member(N2, 2), Member(N3, 3, NodeState.Failed, downed: true));

        Assert.Contains("already down", Answer(OperatorDown.Decide(N3, snapshot, N1, Leads(N1), forwarded: false)).Reason);
    }

    [Fact]
    public void A_leader_whose_view_has_no_active_majority_downs_nobody()
    {
        var snapshot = Snapshot(Member(N1, 1), Member(N2, 2, NodeState.Unknown), Member(N3, 3, NodeState.Unknown));

        var result = Answer(OperatorDown.Decide(N3, snapshot, N1, Leads(N1), forwarded: false));

        Assert.Equal(DownOutcome.Refused, result.Outcome);
        Assert.Contains("no majority", result.Reason);
    }
}
