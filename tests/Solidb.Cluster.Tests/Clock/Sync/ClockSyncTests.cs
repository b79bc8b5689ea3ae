using Solidb.Cluster.Clock.Sync;
using Xunit;

namespace Solidb.Cluster.Tests.Clock.Sync;

/// <summary>The offset to the majority and the out-of-sync hysteresis (3 beyond 80 %, 3 within 50 %).</summary>
public sealed class ClockSyncTests
{
    private static readonly TimeSpan MaxOffset = TimeSpan.FromMilliseconds(500);

    private static Dictionary<string, OffsetEstimate> Peers(params double[] offsets) =>
        offsets.Select((o, i) => (Key: $"10.0.0.{i + 2}:6745", Value: new OffsetEstimate(o, 1, 0))).ToDictionary(p => p.Key, p => p.Value);

    [Theory]
    [InlineData(new double[] { -3000, -3000 }, 3000)] // both peers behind: this node is ahead
    [InlineData(new double[] { 3000, 3000 }, -3000)]
    [InlineData(new double[] { 0, 3000 }, 0)]         // one bad peer does not move a healthy node
    [InlineData(new double[] { -10, 20, 3000, 3000 }, -20)]
    [InlineData(new double[] { 3000, 3000, 3000 }, -3000)]
    [InlineData(new double[] { 3000 }, 0)]            // no majority between the two: the value nearer this node's own clock
    [InlineData(new double[] { }, 0)]
    public void The_offset_to_the_majority_is_the_median_with_this_node_counted_as_zero(double[] peers, double expected) =>
        Assert.Equal(expected, ClockSync.OffsetToMajority(peers));

    [Fact]
    public void Out_of_sync_after_three_estimates_in_a_row_beyond_80_percent_and_not_before()
    {
        var sync = new ClockSync(MaxOffset);
        var far = Peers(-450, -450); // this node 450 ms ahead: beyond 400

        Assert.True(sync.Evaluate(far, 3).Status.InSync);
        Assert.True(sync.Evaluate(far, 3).Status.InSync);
        Assert.True(sync.Evaluate(Peers(-350, -350), 3).Status.InSync); // the run is broken
        Assert.True(sync.Evaluate(far, 3).Status.InSync);
        Assert.True(sync.Evaluate(far, 3).Status.InSync);
        var third = sync.Evaluate(far, 3);

        Assert.False(third.Status.InSync);
        Assert.True(third.SelfChanged);
        Assert.Equal(450, third.Status.OffsetToMajorityMs);
        Assert.Equal("clock is 450 ms ahead of the majority of the cluster (max offset 500 ms): fix time synchronisation on this host", third.Status.Problem);
    }

    [Fact]
    public void Back_in_sync_only_after_three_estimates_within_50_percent_and_estimates_between_keep_it_out()
    {
        var sync = OutOfSync();

        for (var i = 0; i < 5; i++)
        {
            Assert.False(sync.Evaluate(Peers(300, 300), 3).Status.InSync); // between 250 and 400
        }

        Assert.False(sync.Evaluate(Peers(100, 100), 3).Status.InSync);
        Assert.False(sync.Evaluate(Peers(100, 100), 3).Status.InSync);
        var back = sync.Evaluate(Peers(100, 100), 3);

        Assert.True(back.Status.InSync);
        Assert.True(back.SelfChanged);
        Assert.Null(back.Status.Problem);
    }

    [Fact]
    public void A_node_behind_the_majority_says_behind()
    {
        var sync = new ClockSync(MaxOffset);
        ClockVerdict last = null!;
        for (var i = 0; i < 3; i++)
        {
            last = sync.Evaluate(Peers(3000, 3000), 3);
        }

        Assert.StartsWith("clock is 3000 ms behind the majority", last.Status.Problem);
    }

    [Fact]
    public void With_fewer_than_three_voters_a_node_only_warns()
    {
        var sync = new ClockSync(MaxOffset);
        for (var i = 0; i < 10; i++)
        {
            var verdict = sync.Evaluate(Peers(3000), 2);
            Assert.True(verdict.Status.InSync);
            Assert.True(verdict.OnlyWarns);
            Assert.True(verdict.Beyond); // judged by the lone peer: worth a warning
            Assert.Equal(-3000, verdict.WorstPeerOffsetMs);
        }
    }

    [Fact]
    public void Without_fresh_readings_there_is_no_estimate_and_the_state_holds()
    {
        var sync = OutOfSync();
        for (var i = 0; i < 5; i++)
        {
            Assert.False(sync.Evaluate(Peers(), 3).Status.InSync);
        }
    }

    [Fact]
    public void Each_peer_is_judged_by_its_offset_to_this_node_with_the_same_hysteresis()
    {
        var sync = new ClockSync(MaxOffset);
        for (var i = 0; i < 2; i++)
        {
            Assert.Empty(sync.Evaluate(Peers(0, 3000), 3).Status.PeersOutOfSync);
        }

        var verdict = sync.Evaluate(Peers(0, 3000), 3);
        Assert.True(verdict.PeersChanged);
        Assert.Equal(["10.0.0.3:6745"], verdict.Status.PeersOutOfSync);
        Assert.True(verdict.Status.InSync); // this node agrees with the majority
        Assert.False(verdict.Status.IsPeerInSync("10.0.0.3:6745"));
        Assert.True(verdict.Status.IsPeerInSync("10.0.0.2:6745"));

        for (var i = 0; i < 3; i++)
        {
            verdict = sync.Evaluate(Peers(0, 10), 3);
        }

        Assert.Empty(verdict.Status.PeersOutOfSync);
    }

    [Fact]
    public void With_three_or_more_configured_nodes_the_clock_is_untrusted_until_an_estimate_agrees_with_the_majority()
    {
        var sync = new ClockSync(MaxOffset, settled: false);
        Assert.Equal("clock offset to the majority of the cluster not measured yet", sync.Status.Problem);

        var far = sync.Evaluate(Peers(-3000, -3000), 3); // not yet out of sync, but never trusted
        Assert.True(far.Status.InSync);
        Assert.False(far.Status.Settled);
        Assert.StartsWith("clock offset to the majority is 3000 ms", far.Status.Problem);
        Assert.False(sync.Evaluate(Peers(), 3).Status.Settled); // no estimate: still untrusted
        // One peer far off, the other not heard yet: the even median favours this node, but no majority agrees with it.
        var half = sync.Evaluate(Peers(-3000), 3);
        Assert.Equal(0, half.Status.OffsetToMajorityMs);
        Assert.False(half.Status.Settled);

        var near = sync.Evaluate(Peers(10, -10), 3);
        Assert.True(near.Status.Settled);
        Assert.Null(near.Status.Problem);

        // Once trusted, a single far estimate does not make it untrusted again: only the hysteresis does.
        Assert.Null(sync.Evaluate(Peers(-3000, -3000), 3).Status.Problem);
    }

    [Fact]
    public void With_too_few_voters_to_judge_the_clock_is_trusted_at_the_first_estimate()
    {
        var sync = new ClockSync(MaxOffset, settled: false);

        Assert.Null(sync.Evaluate(Peers(3000), 2).Status.Problem);
    }

    [Fact]
    public void In_a_cluster_larger_than_its_monitored_ring_a_majority_of_the_measurable_voters_is_enough_to_trust_the_clock()
    {
        // 15 voters, 5 monitored peers: 4 agreeing readings + this node = a majority of the 6 it measures.
        var sync = new ClockSync(MaxOffset, settled: false);
        Assert.False(sync.Evaluate(Peers(1, 2, 3, 3000, 3000), 15).Status.Settled); // would need 8 over all 15
        Assert.True(sync.Evaluate(Peers(1, 2, 3, 3000, 3000), 15, measurable: 6).Status.Settled);
    }

    [Fact]
    public void One_reading_beyond_80_percent_is_enough_to_disagree_for_decisions_that_cannot_wait()
    {
        var status = ClockStatus.Initial(MaxOffset);

        Assert.True(status.Agrees(null));
        Assert.True(status.Agrees(new OffsetEstimate(-400, 1, 0)));
        Assert.False(status.Agrees(new OffsetEstimate(401, 1, 0)));
        Assert.False(status.Agrees(new OffsetEstimate(-3000, 1, 0)));
    }

    private static ClockSync OutOfSync()
    {
        var sync = new ClockSync(MaxOffset);
        for (var i = 0; i < 3; i++)
        {
            sync.Evaluate(Peers(3000, 3000), 3);
        }

        Assert.False(sync.Status.InSync);
        return sync;
    }
}
