using Solidb.Cluster.Election;
using Xunit;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>The checker itself, on fabricated histories: it must catch what it claims to.</summary>
public sealed class ElectionHistoryTests
{
    private static TimeSpan At(double seconds) => TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));

    private static Observation Leader(double at, int node, long term, int incarnation = 1) =>
        new(At(at), node, incarnation, term, ElectionRole.Leader, node, true);

    private static Observation Follower(double at, int node, long term, int? leader = null, int incarnation = 1) =>
        new(At(at), node, incarnation, term, ElectionRole.Follower, leader, leader is not null);

    [Fact]
    public void Two_leaders_in_one_term_are_caught_with_both_nodes_and_times()
    {
        var history = new ElectionHistory(5);
        history.Observe(Leader(12.3, 1, 7));
        history.Observe(Follower(12.5, 1, 7));
        history.Observe(Leader(12.9, 3, 7)); // node2 no longer leads, but it did in term 7

        var violation = Assert.Single(history.Violations);
        Assert.Equal(ViolationKind.TwoLeadersInOneTerm, violation.Kind);
        Assert.Equal("two leaders in term 7: node2 at 12.300 s, node4 at 12.900 s", violation.Message);
        Assert.Equal(At(12.9), violation.At);
        Assert.Contains("two leaders in term 7", history.Report());
        Assert.Contains("12.900 s  node4#1 Leader term 7", history.Report());
    }

    [Fact]
    public void One_leader_per_term_is_fine_and_so_is_the_same_leader_observed_again()
    {
        var history = new ElectionHistory(3);
        history.Observe(Leader(1, 0, 1));
        history.Observe(new Observation(At(5), 0, 1, 1, ElectionRole.Leader, 0, false)); // lost quorum, still leader
        history.Observe(Follower(6, 0, 2));
        history.Observe(Leader(7, 1, 2));
        history.Observe(Leader(9, 2, 3));

        Assert.Empty(history.Violations);
    }

    [Fact]
    public void A_decreasing_term_is_caught()
    {
        var history = new ElectionHistory(3);
        history.Observe(Follower(1, 2, 5));
        history.Observe(Follower(2, 2, 4));

        Assert.Equal("node3's term went back from 5 (at 1.000 s, incarnation 1) to 4 at 2.000 s (incarnation 1)",
            Assert.Single(history.Violations).Message);
    }

    [Fact]
    public void A_term_lost_across_a_restart_is_caught()
    {
        var history = new ElectionHistory(3);
        history.Observe(Follower(1, 0, 3));
        history.Crashed(At(2), 0);
        history.Restarted(At(4), 0);
        history.Observe(Follower(4, 0, 0, incarnation: 2));

        Assert.Equal("node1's term went back from 3 (at 1.000 s, incarnation 1) to 0 at 4.000 s (incarnation 2)",
            Assert.Single(history.Violations).Message);
    }

    [Fact]
    public void Another_node_with_a_lower_term_is_not_a_decrease()
    {
        var history = new ElectionHistory(3);
        history.Observe(Follower(1, 0, 3));
        history.Observe(Follower(2, 1, 1));

        Assert.Empty(history.Violations);
    }

    [Fact]
    public void No_leader_after_ten_healthy_seconds_is_a_liveness_violation()
    {
        var history = new ElectionHistory(3);
        history.Observe(Follower(0, 0, 0));

        history.Finish(At(20));

        var violation = history.Violations[0];
        Assert.Equal(ViolationKind.Liveness, violation.Kind);
        Assert.StartsWith("no leader with quorum among {node1, node2, node3} at 10.000 s although they have been up, on one side and " +
            "on lossless links since 0.000 s", violation.Message);
        Assert.Single(history.Violations); // one per window
    }

    [Fact]
    public void A_leader_with_quorum_within_ten_seconds_that_keeps_it_satisfies_liveness()
    {
        var history = new ElectionHistory(3);
        history.Observe(Leader(9.9, 1, 1));

        history.Finish(At(60));

        Assert.Empty(history.Violations);
        Assert.Equal(51, history.LivenessChecks); // 10 s, 11 s, ..., 60 s
    }

    [Fact]
    public void A_leader_that_loses_quorum_later_in_a_healthy_window_is_a_liveness_violation()
    {
        var history = new ElectionHistory(3);
        history.Observe(Leader(5, 1, 1));
        history.Observe(new Observation(At(14.5), 1, 1, 1, ElectionRole.Leader, 1, false));

        history.Finish(At(30));

        Assert.Contains("at 15.000 s", Assert.Single(history.Violations).Message);
    }

    [Fact]
    public void A_leader_outside_the_healthy_majority_does_not_count()
    {
        var history = new ElectionHistory(5);
        history.Network(At(0), [1, 1, 0, 0, 0], lossy: false, "partition {node1, node2} | {node3, node4, node5}");
        history.Observe(Leader(1, 0, 1)); // a stale leader on the minority side

        history.Finish(At(12));

        Assert.Contains("among {node3, node4, node5} at 10.000 s", Assert.Single(history.Violations).Message);
    }

    [Fact]
    public void A_crashed_leader_does_not_count()
    {
        var history = new ElectionHistory(5);
        history.Observe(Leader(1, 4, 1));
        history.Crashed(At(2), 4);

        history.Finish(At(12.5));

        Assert.Contains("among {node1, node2, node3, node4} at 12.000 s", Assert.Single(history.Violations).Message);
    }

    [Fact]
    public void Windows_that_are_lossy_short_or_without_a_majority_require_nothing()
    {
        var history = new ElectionHistory(5);
        history.Network(At(0), [0, 0, 0, 0, 0], lossy: true, "drops 10 %");
        history.Network(At(20), [0, 0, 1, 1, 1], lossy: false, "partition");
        history.Crashed(At(21), 2); // two of five up on each side from here
        history.Restarted(At(40), 2);
        history.Crashed(At(40), 0);
        history.Network(At(41), [0, 0, 0, 0, 0], lossy: false, "healthy");
        history.Crashed(At(50), 1); // 9 s healthy, then the set changes ...
        history.Network(At(59), [0, 0, 0, 0, 0], lossy: true, "long delays 5 %"); // ... and 9 s again

        history.Finish(At(70));

        Assert.Empty(history.Violations);
        Assert.Equal(0, history.LivenessChecks);
        Assert.Equal(
            [(At(20), At(21), 0b11100), (At(40), At(41), 0b11100), (At(41), At(50), 0b11110), (At(50), At(59), 0b11100)],
            history.HealthyWindowsUntil(At(70)).ToList());
    }

    private static Observation Candidate(double at, int node, long term) =>
        new(At(at), node, 1, term, ElectionRole.Candidate, null, false);

    [Fact]
    public void A_miss_while_the_round_after_a_split_vote_may_still_run_is_tolerated_and_counted()
    {
        var history = new ElectionHistory(3);
        history.Observe(Candidate(3.5, 0, 1));
        history.Observe(Candidate(3.51, 1, 1));
        history.Observe(Candidate(7.0, 0, 2));
        history.Observe(Candidate(7.02, 2, 2));
        history.Observe(Leader(11.2, 1, 3));

        history.Finish(At(20));

        var miss = Assert.Single(history.Violations);
        Assert.Equal(ViolationKind.LivenessAfterSplitVote, miss.Kind);
        Assert.True(miss.Tolerated);
        Assert.Empty(history.Failures);
        Assert.Contains("after 2 split vote(s) (term 1 at 3.510 s, term 2 at 7.020 s)", miss.Message);
    }

    [Fact]
    public void A_split_vote_long_before_the_miss_does_not_excuse_it()
    {
        var history = new ElectionHistory(3);
        history.Observe(Candidate(1, 0, 1));
        history.Observe(Candidate(1.01, 1, 1));

        history.Finish(At(20));

        var failure = Assert.Single(history.Failures);
        Assert.Equal(ViolationKind.Liveness, failure.Kind);
        Assert.Contains("at 10.000 s", failure.Message);
        Assert.Contains("(and 1 split vote(s), the last at 1.010 s)", failure.Message);
    }

    [Fact]
    public void Two_candidates_of_a_term_someone_won_are_not_a_split_vote()
    {
        var history = new ElectionHistory(3);
        history.Observe(Candidate(8, 0, 1));
        history.Observe(Candidate(8.01, 1, 1));
        history.Observe(Leader(8.05, 0, 1));
        history.Observe(Follower(9, 0, 2)); // deposed before the check

        history.Finish(At(12));

        Assert.Equal(ViolationKind.Liveness, Assert.Single(history.Failures).Kind);
        Assert.Empty(history.SplitVotes(0b111, TimeSpan.Zero, At(12)));
    }

    [Fact]
    public void The_report_shows_the_history_before_the_first_violation()
    {
        var history = new ElectionHistory(3);
        history.Observe(Follower(1, 0, 1, leader: 1));
        history.Network(At(2), [0, 1, 1], lossy: false, "partition {node1} | {node2, node3}");
        history.Observe(Leader(3, 0, 1));
        history.Observe(Leader(3, 1, 1));

        var report = history.Report();

        Assert.Contains("two leaders in term 1: node1 at 3.000 s, node2 at 3.000 s", report);
        Assert.Contains("1.000 s  node1#1 Follower term 1, leader node2, quorum yes", report);
        Assert.Contains("2.000 s  network: partition {node1} | {node2, node3}", report);
    }
}
