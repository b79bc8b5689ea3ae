using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

/// <summary>The two self-healing timers, on virtual time: rejoin after isolation, and the join timeout.</summary>
public sealed class SelfHealingWatchTests
{
    private static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(15);
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
    [InlineData(false, new NodeState[0], 3, false)] // in no cluster yet: unjoined, not isolated (JoinWatch's case)
    public void Isolation_needs_no_quorum_and_a_majority_failed_or_a_too_small_cluster(bool hasQuorum, NodeState[] states, int quorumSize, bool isolated) =>
        Assert.Equal(isolated, IsolationWatch.IsIsolated(View(states), NoQuorum(quorumSize) with { HasQuorum = hasQuorum }));

    /// <summary>
    /// Found by the coordinated simulation (seed 16822): a new incarnation joined while two members
    /// were already Down, so it never admitted them; it admits three voters of the five the election
    /// counts, one of them Failed. Neither "a majority of its voters Failed" (1 of 3) nor "a cluster
    /// smaller than a majority" (3 of 5) held, so the pair it sat with waited without a quorum for
    /// good, in an Akka cluster whose leader no longer knew them.
    /// </summary>
    [Fact]
    public void A_node_that_can_hear_fewer_than_a_majority_of_the_quorum_size_is_isolated_even_when_it_admitted_only_some_voters()
    {
        var view = View(NodeState.Failed, NodeState.Active, NodeState.Active);

        Assert.True(IsolationWatch.IsIsolated(view, NoQuorum(5)));
        Assert.False(IsolationWatch.IsIsolated(view, NoQuorum(5) with { HasQuorum = true }));
        Assert.False(IsolationWatch.IsIsolated(View(NodeState.Failed, NodeState.Active, NodeState.Active), NoQuorum(4))); // two of four: an even split
    }

    [Fact]
    public void A_join_only_incarnation_times_out_when_it_is_not_up_for_the_whole_time()
    {
        var watch = new JoinWatch(_time, JoinTimeout, joinOnly: true);

        Assert.False(watch.Expired(welcomed: false, up: false));
        _time.Advance(JoinTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.Expired(welcomed: false, up: false));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.Expired(welcomed: false, up: false));
    }

    [Fact]
    public void A_normal_incarnation_nobody_welcomed_is_left_to_akkas_join_retries()
    {
        var watch = new JoinWatch(_time, JoinTimeout, joinOnly: false);

        _time.Advance(JoinTimeout * 10);
        Assert.False(watch.Expired(welcomed: false, up: false));
    }

    [Fact]
    public void A_welcomed_incarnation_that_never_becomes_up_times_out()
    {
        var watch = new JoinWatch(_time, JoinTimeout, joinOnly: false);

        _time.Advance(JoinTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.Expired(welcomed: true, up: false));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.Expired(welcomed: true, up: false));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Once_up_the_join_never_times_out(bool joinOnly)
    {
        var watch = new JoinWatch(_time, JoinTimeout, joinOnly);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(watch.Expired(welcomed: true, up: true));
        _time.Advance(JoinTimeout * 10);
        Assert.False(watch.Expired(welcomed: true, up: false)); // later trouble (downed, removed) is the downing path's, not this timer's
    }

    [Fact]
    public void A_join_only_incarnation_up_for_the_whole_timeout_without_ever_knowing_a_leader_gives_up()
    {
        var watch = new JoinWatch(_time, JoinTimeout, joinOnly: true);

        _time.Advance(JoinTimeout * 3);
        Assert.False(watch.LeaderUnheard(up: false, leaderKnown: false)); // the clock starts when it is Up, not before
        Assert.False(watch.LeaderUnheard(up: true, leaderKnown: false));
        _time.Advance(JoinTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.LeaderUnheard(up: true, leaderKnown: false));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watch.LeaderUnheard(up: true, leaderKnown: false));
    }

    [Fact]
    public void An_incarnation_that_knew_a_leader_once_or_is_not_join_only_never_gives_up_for_want_of_one()
    {
        var knewOne = new JoinWatch(_time, JoinTimeout, joinOnly: true);
        var normal = new JoinWatch(_time, JoinTimeout, joinOnly: false);

        Assert.False(knewOne.LeaderUnheard(up: true, leaderKnown: true));
        Assert.False(normal.LeaderUnheard(up: true, leaderKnown: false));
        _time.Advance(JoinTimeout * 10);
        Assert.False(knewOne.LeaderUnheard(up: true, leaderKnown: false)); // lost later: the election's and the isolation watch's case
        Assert.False(normal.LeaderUnheard(up: true, leaderKnown: false));
    }
}

