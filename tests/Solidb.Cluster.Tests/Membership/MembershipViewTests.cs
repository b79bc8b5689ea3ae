using Akka.Cluster;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Membership;

public sealed class MembershipViewTests
{
    private static ObservedMember M(string id, MemberStatus status, long uid = 1, bool reachable = true) =>
        new(NodeId.Parse(id), $"{id}:1", uid, status, reachable);

    [Theory]
    [InlineData(MemberStatus.Joining, true, NodeState.Joining)]
    [InlineData(MemberStatus.WeaklyUp, true, NodeState.Joining)]
    [InlineData(MemberStatus.Up, true, NodeState.Active)]
    [InlineData(MemberStatus.Up, false, NodeState.Unknown)]
    [InlineData(MemberStatus.Leaving, true, NodeState.Leaving)]
    [InlineData(MemberStatus.Exiting, true, NodeState.Leaving)]
    [InlineData(MemberStatus.Down, true, NodeState.Failed)]
    public void Akka_status_maps_to_node_state(MemberStatus status, bool reachable, NodeState expected) =>
        Assert.Equal(expected, MembershipView.StateOf(status, reachable));

    [Fact]
    public void Every_change_publishes_a_higher_version_and_no_change_keeps_it()
    {
        var view = new MembershipView();
        var v1 = view.Reset([M("a", MemberStatus.Joining)], null);
        var v2 = view.Apply(M("a", MemberStatus.Up));
        var same = view.Apply(M("a", MemberStatus.Up));

        Assert.True(v2.Version > v1.Version);
        Assert.Same(v2, same);
        Assert.Equal(NodeState.Active, v2.Find(NodeId.Parse("a"))!.State);
    }

    [Fact]
    public void Reachability_and_leader_are_tracked()
    {
        var view = new MembershipView();
        view.Reset([M("a", MemberStatus.Up), M("b", MemberStatus.Up)], "a:1");

        var snapshot = view.SetReachable("b:1", false);
        Assert.Equal(NodeState.Unknown, snapshot.Find(NodeId.Parse("b"))!.State);
        Assert.Equal("a", snapshot.Leader?.Value);

        snapshot = view.SetReachable("b:1", true);
        Assert.Equal(NodeState.Active, snapshot.Find(NodeId.Parse("b"))!.State);
        Assert.Null(view.SetLeader(null).Leader);
    }

    [Fact]
    public void Removal_of_an_old_incarnation_keeps_the_new_one()
    {
        var view = new MembershipView();
        view.Reset([M("a", MemberStatus.Down, uid: 1)], null);
        view.Apply(M("a", MemberStatus.Joining, uid: 2));

        var snapshot = view.Apply(M("a", MemberStatus.Removed, uid: 1));

        var a = Assert.Single(snapshot.Members);
        Assert.Equal(2, a.Uid);
        Assert.Equal(NodeState.Joining, a.State);
    }

    [Fact]
    public void Removed_members_disappear()
    {
        var view = new MembershipView();
        view.Reset([M("a", MemberStatus.Up), M("b", MemberStatus.Leaving)], null);

        var snapshot = view.Apply(M("b", MemberStatus.Removed));

        Assert.Equal(["a"], snapshot.Members.Select(m => m.NodeId.Value));
    }

    [Fact]
    public void An_introduction_is_kept_only_when_it_names_the_members_id()
    {
        var view = new MembershipView();
        view.Reset([M("a", MemberStatus.Up)], null);

        var ignored = view.Introduced("a:1", NodeId.Parse("impostor"), "http://x", 3);
        Assert.Null(ignored.Find(NodeId.Parse("a"))!.HttpAddress);

        var kept = view.Introduced("a:1", NodeId.Parse("a"), "http://a:2", 3);
        Assert.Equal("http://a:2", kept.Find(NodeId.Parse("a"))!.HttpAddress);
        Assert.Equal(3, kept.Find(NodeId.Parse("a"))!.Incarnation);
    }
}
