using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class DowningRuleTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId D = NodeId.Parse("node-d");
    private static readonly NodeId E = NodeId.Parse("node-e");

    private static MemberView M(NodeId id, NodeState state) => new(id, $"127.0.0.1:{6700 + id.Value[^1]}", id.Value.Length, state) { Admitted = true };

    private static MembershipSnapshot Snapshot(params MemberView[] members) => new(1, [.. members], null);

    private static LeaderInfo Leading(NodeId leader, bool quorum = true) => new(leader, 3, new HlcTimestamp(1, 0), quorum, 5, 2);

    private static readonly MembershipSnapshot TwoFailedOfFive = Snapshot(
        M(A, NodeState.Active), M(B, NodeState.Active), M(C, NodeState.Active), M(D, NodeState.Failed), M(E, NodeState.Failed));

    [Fact]
    public void The_elected_leader_with_a_quorum_downs_the_Failed_members()
    {
        Assert.Equal([D, E], DowningRule.ToDown(TwoFailedOfFive, B, Leading(B)).Select(m => m.NodeId));
    }

    [Fact]
    public void A_member_that_is_not_the_leader_downs_nobody()
    {
        Assert.Empty(DowningRule.ToDown(TwoFailedOfFive, A, Leading(B)));
        Assert.Empty(DowningRule.ToDown(TwoFailedOfFive, A, LeaderInfo.None));
    }

    [Fact]
    public void A_leader_without_a_quorum_downs_nobody()
    {
        Assert.Empty(DowningRule.ToDown(TwoFailedOfFive, B, Leading(B, quorum: false)));
    }

    [Fact]
    public void A_leader_that_sees_no_Active_majority_downs_nobody()
    {
        var minority = Snapshot(M(A, NodeState.Active), M(B, NodeState.Active), M(C, NodeState.Failed), M(D, NodeState.Unknown), M(E, NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(minority, A, Leading(A)));
        Assert.False(DowningRule.HasMajority(minority));
    }

    [Fact]
    public void Unknown_and_Leaving_members_are_not_downed()
    {
        var snapshot = Snapshot(M(A, NodeState.Active), M(B, NodeState.Active), M(C, NodeState.Active), M(D, NodeState.Unknown), M(E, NodeState.Leaving));

        Assert.Empty(DowningRule.ToDown(snapshot, A, Leading(A)));
    }

    [Fact]
    public void A_two_node_cluster_with_one_Failed_has_no_majority_to_down_it()
    {
        var snapshot = Snapshot(M(A, NodeState.Active), M(B, NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A, Leading(A)));
    }
}
