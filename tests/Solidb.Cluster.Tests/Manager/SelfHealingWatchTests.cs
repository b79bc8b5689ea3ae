using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

/// <summary>The two self-healing timers, on virtual time: rejoin after isolation, and the end of join-only.</summary>
public sealed class SelfHealingWatchTests
{
    private static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan JoinOnlyFor = TimeSpan.FromSeconds(20);
    private readonly FakeTimeProvider _time = new();

    private static MembershipSnapshot View(params NodeState[] states) =>
        new(1, [.. states.Select((s, i) => new MemberView(NodeId.Parse($"n{i + 1}"), $"h:{i + 1}", i + 1, s) { Admitted = true })], null);

    private static LeaderInfo NoQuorum(int quorumSize) => LeaderInfo.None with { QuorumSize = quorumSize };

    [Fact]
    public void A_node_without_quorum_that_sees_a_majority_failed_rejoins_only_after_the_whole_rejoin_time()
    {
        var watch = new IsolationWatch(_time, RejoinAfter);
        var isolated = View(NodeState.Active, NodeState.Failed, NodeState.Failed);

        Assert.False(watch.ShouldRejoin(isolated, NoQuorum(3)));
        _time.Advance(RejoinAfter - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.ShouldRejoin(isolated, NoQuorum(3)));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.ShouldRejoin(isolated, NoQuorum(3)));
    }

    [Fact]
    public void Any_moment_out_of_isolation_restarts_the_rejoin_time()
    {
        var watch = new IsolationWatch(_time, RejoinAfter);
        var isolated = View(NodeState.Active, NodeState.Failed, NodeState.Failed);

        watch.ShouldRejoin(isolated, NoQuorum(3));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(watch.ShouldRejoin(View(NodeState.Active, NodeState.Active, NodeState.Failed), NoQuorum(3)));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(watch.ShouldRejoin(isolated, NoQuorum(3)));
        _time.Advance(RejoinAfter);
        Assert.True(watch.ShouldRejoin(isolated, NoQuorum(3)));
    }

    [Theory]
    [InlineData(true, new[] { NodeState.Active, NodeState.Failed, NodeState.Failed }, 3, false)] // a quorum: never
    [InlineData(false, new[] { NodeState.Active, NodeState.Active, NodeState.Failed, NodeState.Failed }, 4, false)] // even split
    [InlineData(false, new[] { NodeState.Active }, 3, true)] // alone in a cluster smaller than a majority of the last one
    [InlineData(false, new[] { NodeState.Active, NodeState.Active }, 3, false)] // two of three: a majority
    [InlineData(false, new NodeState[0], 3, false)] // in no cluster yet: unjoined, not isolated (JoinOnlyWatch's case)
    public void Isolation_needs_no_quorum_and_a_majority_failed_or_a_too_small_cluster(bool hasQuorum, NodeState[] states, int quorumSize, bool isolated) =>
        Assert.Equal(isolated, IsolationWatch.IsIsolated(View(states), NoQuorum(quorumSize) with { HasQuorum = hasQuorum }));

    [Fact]
    public void Join_only_expires_when_no_cluster_let_the_node_in_for_the_whole_time()
    {
        var watch = new JoinOnlyWatch(_time, JoinOnlyFor);

        Assert.False(watch.Expired(joinedNow: false));
        _time.Advance(JoinOnlyFor - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.Expired(joinedNow: false));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.Expired(joinedNow: false));
    }

    [Fact]
    public void Once_let_in_join_only_never_expires()
    {
        var watch = new JoinOnlyWatch(_time, JoinOnlyFor);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(watch.Expired(joinedNow: true));
        _time.Advance(JoinOnlyFor * 10);
        Assert.False(watch.Expired(joinedNow: false)); // removed later: the downing path handles that, not this timer
    }
}
