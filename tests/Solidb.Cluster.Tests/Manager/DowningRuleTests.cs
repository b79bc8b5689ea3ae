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

    private static MemberView M(NodeId id, string address, NodeState state) => new(id, address, id.Value.Length, state);

    private static MembershipSnapshot Snapshot(params MemberView[] members) => new(1, [.. members], null);

    [Fact]
    public void The_lowest_address_Active_member_downs_the_Failed_members()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Active),
            M(D, "127.0.0.1:6775", NodeState.Failed),
            M(E, "127.0.0.1:6785", NodeState.Failed));

        Assert.Equal([D, E], DowningRule.ToDown(snapshot, A).Select(m => m.NodeId));
        Assert.Empty(DowningRule.ToDown(snapshot, B));
        Assert.Empty(DowningRule.ToDown(snapshot, C));
        Assert.True(DowningRule.HasMajority(snapshot));
    }

    [Fact]
    public void ToDown_returns_the_Failed_members_views_unchanged()
    {
        var failed = M(C, "127.0.0.1:6765", NodeState.Failed) with { HttpAddress = "http://127.0.0.1:6766", Incarnation = 3 };
        var snapshot = Snapshot(M(A, "127.0.0.1:6745", NodeState.Active), M(B, "127.0.0.1:6755", NodeState.Active), failed);

        Assert.Same(failed, Assert.Single(DowningRule.ToDown(snapshot, A)));
    }

    [Fact]
    public void Only_Failed_members_are_downed_not_Unknown_Leaving_or_Joining_ones()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Active),
            M(D, "127.0.0.1:6775", NodeState.Active),
            M(E, "127.0.0.1:6785", NodeState.Unknown),
            M(NodeId.Parse("node-f"), "127.0.0.1:6795", NodeState.Leaving),
            M(NodeId.Parse("node-g"), "127.0.0.1:6805", NodeState.Joining));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
    }

    [Fact]
    public void The_downer_is_chosen_among_Active_members_only()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Unknown),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Active),
            M(D, "127.0.0.1:6775", NodeState.Active),
            M(E, "127.0.0.1:6785", NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.Equal([E], DowningRule.ToDown(snapshot, B).Select(m => m.NodeId));
        Assert.Empty(DowningRule.ToDown(snapshot, C));
    }

    [Fact]
    public void The_downer_is_the_lowest_address_not_the_lowest_node_id()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6765", NodeState.Active),
            M(B, "127.0.0.1:6745", NodeState.Active),
            M(C, "127.0.0.1:6755", NodeState.Active),
            M(D, "127.0.0.1:6775", NodeState.Failed));

        Assert.Equal([D], DowningRule.ToDown(snapshot, B).Select(m => m.NodeId));
        Assert.Empty(DowningRule.ToDown(snapshot, A));
    }

    [Fact]
    public void Ports_compare_numerically_so_port_900_sorts_before_6745()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:900", NodeState.Active),
            M(C, "127.0.0.1:6755", NodeState.Active),
            M(D, "127.0.0.1:6765", NodeState.Failed));

        Assert.Equal([D], DowningRule.ToDown(snapshot, B).Select(m => m.NodeId));
        Assert.Empty(DowningRule.ToDown(snapshot, A));
    }

    [Fact]
    public void Hosts_compare_ordinally_before_ports()
    {
        var snapshot = Snapshot(
            M(A, "10.0.0.9:80", NodeState.Active),
            M(B, "10.0.0.10:9000", NodeState.Active), // "10.0.0.10" < "10.0.0.9" ordinally, whatever the ports
            M(C, "10.0.0.11:80", NodeState.Active),
            M(D, "10.0.0.4:80", NodeState.Failed));

        Assert.Equal([D], DowningRule.ToDown(snapshot, B).Select(m => m.NodeId));
        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.Empty(DowningRule.ToDown(snapshot, C));
    }

    [Fact]
    public void A_minority_side_downs_nothing()
    {
        // This node sees itself Active and both others Failed: 1 of 3 is not a majority.
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Failed),
            M(C, "127.0.0.1:6765", NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.False(DowningRule.HasMajority(snapshot));
    }

    [Fact]
    public void A_two_node_cluster_with_one_Failed_downs_nothing()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.False(DowningRule.HasMajority(snapshot));
    }

    [Fact]
    public void Exactly_half_Active_is_not_a_majority()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Unknown),
            M(D, "127.0.0.1:6775", NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.False(DowningRule.HasMajority(snapshot));
    }

    [Fact]
    public void Two_of_three_Active_is_a_majority_and_downs_the_third()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Failed));

        Assert.True(DowningRule.HasMajority(snapshot));
        Assert.Equal([C], DowningRule.ToDown(snapshot, A).Select(m => m.NodeId));
    }

    [Fact]
    public void Joining_and_Leaving_members_count_in_the_total()
    {
        var snapshot = Snapshot(
            M(A, "127.0.0.1:6745", NodeState.Active),
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Joining),
            M(D, "127.0.0.1:6775", NodeState.Leaving),
            M(E, "127.0.0.1:6785", NodeState.Failed));

        Assert.False(DowningRule.HasMajority(snapshot));
        Assert.Empty(DowningRule.ToDown(snapshot, A));
    }

    [Fact]
    public void Nothing_is_downed_when_nobody_is_Failed()
    {
        var snapshot = Snapshot(M(A, "127.0.0.1:6745", NodeState.Active), M(B, "127.0.0.1:6755", NodeState.Active));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
    }

    [Fact]
    public void An_empty_membership_has_no_majority_and_downs_nothing()
    {
        Assert.False(DowningRule.HasMajority(MembershipSnapshot.Empty));
        Assert.Empty(DowningRule.ToDown(MembershipSnapshot.Empty, A));
    }

    [Fact]
    public void A_node_that_is_not_a_member_downs_nothing()
    {
        var snapshot = Snapshot(
            M(B, "127.0.0.1:6755", NodeState.Active),
            M(C, "127.0.0.1:6765", NodeState.Active),
            M(D, "127.0.0.1:6775", NodeState.Failed));

        Assert.Empty(DowningRule.ToDown(snapshot, A));
        Assert.Equal([D], DowningRule.ToDown(snapshot, B).Select(m => m.NodeId));
    }
}
