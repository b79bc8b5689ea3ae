using Akka.Cluster;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Health;

public sealed class HealthPolicyTests
{
    private static readonly NodeId Peer = NodeId.Parse("node-b");
    private static readonly NodeId Other = NodeId.Parse("node-c");
    private const long Uid = 42;
    private const long NewUid = 43;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HealthSettings _settings = new();
    private readonly HealthPolicy _policy;
    private readonly DateTimeOffset _start;

    public HealthPolicyTests()
    {
        _policy = new HealthPolicy(_settings, _time);
        _start = _time.GetUtcNow();
    }

    /// <summary>Moves virtual time to <paramref name="sinceStart"/> after the test's start.</summary>
    private void At(TimeSpan sinceStart)
    {
        var target = _start + sinceStart;
        Assert.True(target >= _time.GetUtcNow(), $"time cannot go back to {sinceStart}");
        _time.Advance(target - _time.GetUtcNow());
    }

    private void AtSeconds(double seconds) => At(TimeSpan.FromMilliseconds(Math.Round(seconds * 1000)));

    private void MonitorPeer(long uid = Uid) => _policy.Monitor([(Peer, uid)]);

    private static IReadOnlyList<HealthSignal> SignalsFor(HealthTick tick, NodeId peer) =>
        tick.Changes.Where(c => c.Peer == peer).Select(c => c.Signal).ToList();

    [Fact]
    public void The_defaults_are_1s_interval_suspicion_at_2_and_failure_at_5()
    {
        Assert.Equal(Interval, _settings.HeartbeatInterval);
        Assert.Equal(2, _settings.SuspicionThreshold);
        Assert.Equal(5, _settings.FailureThreshold);
    }

    [Fact]
    public void Exactly_four_missed_intervals_never_give_Failed_and_five_do()
    {
        MonitorPeer();
        Assert.True(_policy.HeardDirectly(Peer, Uid));

        var seen = new List<(TimeSpan At, HealthSignal Signal)>();
        for (var ms = 0; ms < 5000; ms += 100)
        {
            At(TimeSpan.FromMilliseconds(ms));
            seen.AddRange(SignalsFor(_policy.Evaluate(), Peer).Select(s => (TimeSpan.FromMilliseconds(ms), s)));
        }

        // The last instant with 4 misses.
        At(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        seen.AddRange(SignalsFor(_policy.Evaluate(), Peer).Select(s => (TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1), s)));
        Assert.Equal(4, _policy.Stats(Peer)!.MissedHeartbeats);
        Assert.DoesNotContain(seen, e => e.Signal == HealthSignal.Failed);
        Assert.Equal(HealthSignal.Suspect, _policy.Stats(Peer)!.Signal);

        At(TimeSpan.FromSeconds(5));
        var tick = _policy.Evaluate();

        Assert.Equal([HealthSignal.Failed], SignalsFor(tick, Peer));
        Assert.Equal(new HealthEvent(Peer, Uid, HealthSignal.Failed), Assert.Single(tick.Changes));
        Assert.Equal(5, _policy.Stats(Peer)!.MissedHeartbeats);
        Assert.Equal(HealthSignal.Failed, _policy.Stats(Peer)!.Signal);
    }

    [Fact]
    public void Suspect_is_reported_at_two_missed_intervals_and_not_before()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        Assert.Equal([HealthSignal.Alive], SignalsFor(_policy.Evaluate(), Peer));

        At(TimeSpan.FromSeconds(1));
        Assert.Empty(_policy.Evaluate().Changes);
        At(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Empty(_policy.Evaluate().Changes);

        At(TimeSpan.FromSeconds(2));
        Assert.Equal(new HealthEvent(Peer, Uid, HealthSignal.Suspect), Assert.Single(_policy.Evaluate().Changes));

        At(TimeSpan.FromSeconds(3));
        Assert.Empty(_policy.Evaluate().Changes); // reported once, on the change
    }

    [Fact]
    public void Alive_is_first_reported_only_after_the_first_direct_heartbeat()
    {
        MonitorPeer();
        Assert.Empty(_policy.Evaluate().Changes);
        AtSeconds(0.5);
        Assert.Empty(_policy.Evaluate().Changes);

        AtSeconds(0.7);
        _policy.HeardDirectly(Peer, Uid);
        AtSeconds(1);
        Assert.Equal(new HealthEvent(Peer, Uid, HealthSignal.Alive), Assert.Single(_policy.Evaluate().Changes));

        AtSeconds(1.5);
        _policy.HeardDirectly(Peer, Uid);
        AtSeconds(2);
        Assert.Empty(_policy.Evaluate().Changes);
    }

    [Fact]
    public void A_new_peer_has_a_full_grace_period_from_when_monitoring_starts()
    {
        At(TimeSpan.FromSeconds(10));
        MonitorPeer();

        At(TimeSpan.FromSeconds(12) - TimeSpan.FromTicks(1));
        Assert.Empty(_policy.Evaluate().Changes);
        Assert.Equal(1, _policy.Stats(Peer)!.MissedHeartbeats);

        At(TimeSpan.FromSeconds(12));
        Assert.Equal([HealthSignal.Suspect], SignalsFor(_policy.Evaluate(), Peer));
    }

    [Fact]
    public void A_policy_rebuilt_by_a_detector_restart_declares_a_suspected_peer_Failed_no_sooner_than_five_intervals_after_the_restart()
    {
        MonitorPeer();
        AtSeconds(3);
        Assert.Equal([HealthSignal.Suspect], SignalsFor(_policy.Evaluate(), Peer)); // 3 misses: one evaluation would raise it to Failed at 5 s

        var restarted = new HealthPolicy(_settings, _time); // the restarted actor's policy, given the same peers
        restarted.Monitor([(Peer, Uid)]);
        AtSeconds(8 - 0.001);
        Assert.DoesNotContain(restarted.Evaluate().Changes, c => c.Signal == HealthSignal.Failed);

        AtSeconds(8);
        Assert.Contains(HealthSignal.Failed, SignalsFor(restarted.Evaluate(), Peer));
    }

    [Fact]
    public void A_peer_never_heard_at_all_is_Suspect_at_two_intervals_and_Failed_at_five()
    {
        MonitorPeer();
        var signals = new List<(int Second, HealthSignal Signal)>();
        for (var s = 0; s <= 10; s++)
        {
            At(TimeSpan.FromSeconds(s));
            signals.AddRange(SignalsFor(_policy.Evaluate(), Peer).Select(x => (s, x)));
        }

        Assert.Equal([(2, HealthSignal.Suspect), (5, HealthSignal.Failed)], signals);
    }

    [Fact]
    public void A_heartbeat_after_four_misses_gives_Alive()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        var signals = new List<HealthSignal>();
        for (var s = 0; s <= 4; s++)
        {
            At(TimeSpan.FromSeconds(s));
            signals.AddRange(SignalsFor(_policy.Evaluate(), Peer));
        }

        Assert.Equal([HealthSignal.Alive, HealthSignal.Suspect], signals);
        Assert.Equal(4, _policy.Stats(Peer)!.MissedHeartbeats);

        At(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.True(_policy.HeardDirectly(Peer, Uid));
        At(TimeSpan.FromSeconds(5));
        var tick = _policy.Evaluate();

        Assert.Equal(new HealthEvent(Peer, Uid, HealthSignal.Alive), Assert.Single(tick.Changes));
        Assert.Equal(HealthSignal.Alive, _policy.Stats(Peer)!.Signal);
        Assert.Equal(0, _policy.Stats(Peer)!.MissedHeartbeats);

        At(TimeSpan.FromSeconds(6));
        Assert.Empty(_policy.Evaluate().Changes);
    }

    [Fact]
    public void A_peer_heard_only_through_others_each_interval_is_never_Suspect_or_Failed()
    {
        MonitorPeer();
        var signals = new List<HealthSignal>();
        var probed = new List<int>();
        for (var s = 0; s <= 120; s++)
        {
            At(TimeSpan.FromSeconds(s));
            var tick = _policy.Evaluate();
            signals.AddRange(SignalsFor(tick, Peer));
            if (tick.ProbeIndirectly.Contains(Peer))
            {
                probed.Add(s);
            }

            AtSeconds(s + 0.5);
            Assert.True(_policy.HeardIndirectly(Peer, Uid));
        }

        Assert.DoesNotContain(HealthSignal.Failed, signals);
        Assert.DoesNotContain(HealthSignal.Suspect, signals);
        Assert.NotEqual(HealthSignal.Failed, _policy.Stats(Peer)!.Signal);
        Assert.False(_policy.Stats(Peer)!.DirectlyReachable);

        // The direct link stays silent, so the peer keeps being probed through others.
        Assert.Equal(Enumerable.Range(2, 119), probed);
    }

    [Fact]
    public void An_asymmetric_link_refuted_by_indirect_probes_is_never_Failed()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        var signals = new List<(int Second, HealthSignal Signal)>();
        for (var s = 0; s <= 1000; s++)
        {
            At(TimeSpan.FromSeconds(s));
            var tick = _policy.Evaluate();
            signals.AddRange(SignalsFor(tick, Peer).Select(x => (s, x)));
            if (tick.ProbeIndirectly.Contains(Peer))
            {
                // A helper reaches the peer and answers 100 ms later.
                AtSeconds(s + 0.1);
                _policy.HeardIndirectly(Peer, Uid);
            }
        }

        // Alive at the first heartbeat, Suspect when the direct link goes silent for 2 intervals,
        // Alive again once the first indirect answer arrives; never Failed.
        Assert.Equal([(0, HealthSignal.Alive), (2, HealthSignal.Suspect), (3, HealthSignal.Alive)], signals);
        Assert.Equal(HealthSignal.Alive, _policy.Stats(Peer)!.Signal);
        Assert.False(_policy.Stats(Peer)!.DirectlyReachable);
    }

    [Fact]
    public void Heartbeats_jittered_by_up_to_400ms_never_give_Suspect_or_Failed()
    {
        const int Intervals = 1200;
        var random = new Random(20250601);
        MonitorPeer();

        // Heartbeat k arrives at k s + jitter, jitter in [-400, +400] ms; evaluations at whole seconds.
        var events = new List<(TimeSpan At, bool IsHeartbeat)>();
        for (var k = 1; k <= Intervals; k++)
        {
            events.Add((TimeSpan.FromSeconds(k) + TimeSpan.FromMilliseconds(random.Next(-400, 401)), true));
            events.Add((TimeSpan.FromSeconds(k), false));
        }

        var signals = new List<HealthSignal>();
        var probes = 0;
        var maxMisses = 0;
        var evaluations = 0;
        foreach (var (at, isHeartbeat) in events.OrderBy(e => e.At).ThenBy(e => e.IsHeartbeat))
        {
            At(at);
            if (isHeartbeat)
            {
                Assert.True(_policy.HeardDirectly(Peer, Uid));
                continue;
            }

            var tick = _policy.Evaluate();
            evaluations++;
            signals.AddRange(SignalsFor(tick, Peer));
            probes += tick.ProbeIndirectly.Count;
            Assert.Empty(tick.ReachabilityChanged);
            maxMisses = Math.Max(maxMisses, _policy.Stats(Peer)!.MissedHeartbeats);
        }

        Assert.Equal(Intervals, evaluations);
        Assert.DoesNotContain(HealthSignal.Suspect, signals);
        Assert.DoesNotContain(HealthSignal.Failed, signals);
        Assert.Equal([HealthSignal.Alive], signals);
        Assert.Equal(0, probes);
        Assert.True(maxMisses <= 1, $"at most one whole interval can pass between jittered heartbeats, saw {maxMisses}");
    }

    [Fact]
    public void Probes_are_requested_while_the_direct_link_is_silent_for_the_suspicion_threshold_and_not_before()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);

        At(TimeSpan.FromSeconds(1));
        Assert.Empty(_policy.Evaluate().ProbeIndirectly);
        At(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.Empty(_policy.Evaluate().ProbeIndirectly);

        At(TimeSpan.FromSeconds(2));
        Assert.Equal([Peer], _policy.Evaluate().ProbeIndirectly);

        // An indirect answer keeps the peer alive but does not stop the probing: the direct link is still silent.
        AtSeconds(2.5);
        _policy.HeardIndirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(3));
        Assert.Equal([Peer], _policy.Evaluate().ProbeIndirectly);

        AtSeconds(3.5);
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(4));
        Assert.Empty(_policy.Evaluate().ProbeIndirectly);
    }

    [Fact]
    public void A_Failed_peer_is_no_longer_probed()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(4));
        Assert.Equal([Peer], _policy.Evaluate().ProbeIndirectly);

        At(TimeSpan.FromSeconds(5));
        var tick = _policy.Evaluate();
        Assert.Equal([HealthSignal.Failed], SignalsFor(tick, Peer));
        Assert.Empty(tick.ProbeIndirectly);

        At(TimeSpan.FromSeconds(6));
        Assert.Empty(_policy.Evaluate().ProbeIndirectly);
    }

    [Fact]
    public void ReachabilityChanged_reports_each_change_of_the_direct_link_once()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        Assert.Empty(_policy.Evaluate().ReachabilityChanged);
        Assert.True(_policy.Stats(Peer)!.DirectlyReachable);

        At(TimeSpan.FromSeconds(1));
        Assert.Empty(_policy.Evaluate().ReachabilityChanged);

        At(TimeSpan.FromSeconds(2));
        Assert.Equal([Peer], _policy.Evaluate().ReachabilityChanged);
        Assert.False(_policy.Stats(Peer)!.DirectlyReachable);

        // Indirect evidence does not make the direct link reachable.
        AtSeconds(2.5);
        _policy.HeardIndirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(3));
        Assert.Empty(_policy.Evaluate().ReachabilityChanged);

        AtSeconds(3.5);
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(4));
        Assert.Equal([Peer], _policy.Evaluate().ReachabilityChanged);
        Assert.True(_policy.Stats(Peer)!.DirectlyReachable);

        At(TimeSpan.FromSeconds(5));
        Assert.Empty(_policy.Evaluate().ReachabilityChanged);
    }

    [Fact]
    public void A_Failed_peer_heard_again_is_reported_Alive_once()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        var reached = new List<HealthSignal>();
        for (var s = 0; s <= 5; s++)
        {
            At(TimeSpan.FromSeconds(s));
            reached.AddRange(SignalsFor(_policy.Evaluate(), Peer));
        }

        Assert.Equal([HealthSignal.Alive, HealthSignal.Suspect, HealthSignal.Failed], reached);

        var signals = new List<HealthSignal>();
        for (var s = 6; s <= 20; s++)
        {
            AtSeconds(s - 0.5);
            Assert.True(_policy.HeardDirectly(Peer, Uid));
            Assert.True(_policy.HeardIndirectly(Peer, Uid));
            At(TimeSpan.FromSeconds(s));
            signals.AddRange(SignalsFor(_policy.Evaluate(), Peer));
        }

        Assert.Equal([HealthSignal.Alive], signals);
        Assert.Equal(HealthSignal.Alive, _policy.Stats(Peer)!.Signal);
    }

    [Fact]
    public void Monitor_with_a_new_uid_resets_the_peer()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid, TimeSpan.FromMilliseconds(12));
        At(TimeSpan.FromSeconds(5));
        _policy.Evaluate();
        Assert.Equal(HealthSignal.Failed, _policy.Stats(Peer)!.Signal);

        MonitorPeer(NewUid);

        var fresh = _policy.Stats(Peer)!;
        Assert.Equal(NewUid, fresh.Uid);
        Assert.Equal(HealthSignal.Alive, fresh.Signal);
        Assert.Equal(0, fresh.MissedHeartbeats);
        Assert.Null(fresh.RoundTrip);
        Assert.True(fresh.DirectlyReachable);
        Assert.False(_policy.HeardDirectly(Peer, Uid));
        Assert.Empty(_policy.Evaluate().Changes); // not heard yet

        AtSeconds(5.5);
        Assert.True(_policy.HeardDirectly(Peer, NewUid));
        At(TimeSpan.FromSeconds(6));
        Assert.Equal(new HealthEvent(Peer, NewUid, HealthSignal.Alive), Assert.Single(_policy.Evaluate().Changes));
    }

    [Fact]
    public void Monitor_with_the_same_uid_keeps_the_peer_history()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(3));

        _policy.Monitor([(Peer, Uid), (Other, 7)]);

        Assert.Equal(3, _policy.Stats(Peer)!.MissedHeartbeats);
        Assert.Equal([HealthSignal.Suspect], SignalsFor(_policy.Evaluate(), Peer));
        Assert.Equal(0, _policy.Stats(Other)!.MissedHeartbeats);
    }

    [Fact]
    public void Monitor_drops_peers_no_longer_listed()
    {
        _policy.Monitor([(Peer, Uid), (Other, 7)]);
        Assert.Equal(new[] { Peer, Other }.Order(), _policy.Monitored.Order());

        _policy.Monitor([(Other, 7)]);

        Assert.Equal([Other], _policy.Monitored);
        Assert.Null(_policy.Stats(Peer));
        Assert.False(_policy.HeardDirectly(Peer, Uid));
        Assert.False(_policy.HeardIndirectly(Peer, Uid));
        Assert.Equal(0, _policy.NewMisses(Peer));
        At(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(_policy.Evaluate().Changes, c => c.Peer == Peer);
    }

    [Fact]
    public void Evidence_for_a_wrong_uid_or_an_unmonitored_peer_is_ignored()
    {
        MonitorPeer();
        var signals = new List<HealthSignal>();
        for (var s = 0; s <= 5; s++)
        {
            At(TimeSpan.FromSeconds(s));
            Assert.False(_policy.HeardDirectly(Peer, NewUid, TimeSpan.FromMilliseconds(3)));
            Assert.False(_policy.HeardIndirectly(Peer, NewUid));
            Assert.False(_policy.HeardDirectly(Other, Uid));
            Assert.False(_policy.HeardIndirectly(Other, Uid));
            signals.AddRange(SignalsFor(_policy.Evaluate(), Peer));
        }

        Assert.Equal([HealthSignal.Suspect, HealthSignal.Failed], signals);
        Assert.Null(_policy.Stats(Peer)!.RoundTrip);
        Assert.Null(_policy.Stats(Other));
    }

    [Fact]
    public void NewMisses_counts_whole_missed_intervals_since_the_previous_evaluation()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        _policy.Evaluate();
        Assert.Equal(0, _policy.NewMisses(Peer));

        At(TimeSpan.FromSeconds(1));
        _policy.Evaluate();
        Assert.Equal(1, _policy.NewMisses(Peer));

        AtSeconds(3.5);
        _policy.Evaluate();
        Assert.Equal(2, _policy.NewMisses(Peer));

        AtSeconds(3.9);
        _policy.Evaluate();
        Assert.Equal(0, _policy.NewMisses(Peer));

        At(TimeSpan.FromSeconds(4));
        _policy.Evaluate();
        Assert.Equal(1, _policy.NewMisses(Peer));

        AtSeconds(4.2);
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(5));
        _policy.Evaluate();
        Assert.Equal(0, _policy.NewMisses(Peer));

        AtSeconds(7.2);
        _policy.Evaluate();
        Assert.Equal(3, _policy.NewMisses(Peer));
        Assert.Equal(0, _policy.NewMisses(Other));
    }

    [Fact]
    public void NewMisses_are_counted_on_the_direct_link_even_when_heard_indirectly()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        var total = 0;
        for (var s = 1; s <= 10; s++)
        {
            AtSeconds(s - 0.5);
            _policy.HeardIndirectly(Peer, Uid);
            At(TimeSpan.FromSeconds(s));
            _policy.Evaluate();
            total += _policy.NewMisses(Peer);
        }

        Assert.Equal(10, total);
    }

    [Fact]
    public void Stats_gives_missed_heartbeats_round_trip_clock_offset_and_last_heard()
    {
        Assert.Null(_policy.Stats(Peer));
        MonitorPeer();
        AtSeconds(0.25);
        _policy.HeardDirectly(Peer, Uid, TimeSpan.FromMilliseconds(15));
        var heardAt = _time.GetTimestamp();

        AtSeconds(2.75);
        var stats = _policy.Stats(Peer)!;
        Assert.Equal(Peer, stats.Peer);
        Assert.Equal(Uid, stats.Uid);
        Assert.Equal(2, stats.MissedHeartbeats);
        Assert.Equal(TimeSpan.FromMilliseconds(15), stats.RoundTrip);
        Assert.Equal(heardAt, stats.LastHeard);

        // A heartbeat without measurements keeps the last ones.
        _policy.HeardDirectly(Peer, Uid);
        stats = _policy.Stats(Peer)!;
        Assert.Equal(0, stats.MissedHeartbeats);
        Assert.Equal(TimeSpan.FromMilliseconds(15), stats.RoundTrip);

        _policy.HeardDirectly(Peer, Uid, TimeSpan.FromMilliseconds(9));
        Assert.Equal(TimeSpan.FromMilliseconds(9), _policy.Stats(Peer)!.RoundTrip);
    }

    [Fact]
    public void AllStats_lists_every_monitored_peer_in_node_id_order()
    {
        _policy.Monitor([(Other, 7), (Peer, Uid)]);

        Assert.Equal([Peer, Other], _policy.AllStats().Select(s => s.Peer));
    }

    [Fact]
    public void Each_peer_is_judged_on_its_own_evidence()
    {
        _policy.Monitor([(Peer, Uid), (Other, 7)]);
        var signals = new List<HealthEvent>();
        for (var s = 0; s <= 6; s++)
        {
            At(TimeSpan.FromSeconds(s));
            _policy.HeardDirectly(Other, 7);
            signals.AddRange(_policy.Evaluate().Changes);
        }

        Assert.Equal(
            [new HealthEvent(Other, 7, HealthSignal.Alive), new HealthEvent(Peer, Uid, HealthSignal.Suspect), new HealthEvent(Peer, Uid, HealthSignal.Failed)],
            signals);
    }

    [Fact]
    public void A_longer_interval_scales_the_thresholds()
    {
        var policy = new HealthPolicy(_settings with { HeartbeatInterval = TimeSpan.FromMilliseconds(250) }, _time);
        policy.Monitor([(Peer, Uid)]);
        policy.HeardDirectly(Peer, Uid);

        AtSeconds(0.499);
        Assert.DoesNotContain(HealthSignal.Suspect, SignalsFor(policy.Evaluate(), Peer));
        AtSeconds(0.5);
        Assert.Equal([HealthSignal.Suspect], SignalsFor(policy.Evaluate(), Peer));
        AtSeconds(1.249);
        Assert.Empty(policy.Evaluate().Changes);
        AtSeconds(1.25);
        Assert.Equal([HealthSignal.Failed], SignalsFor(policy.Evaluate(), Peer));
    }

    [Fact]
    public void A_peer_silent_across_a_long_gap_between_evaluations_ends_Failed_in_the_membership_table()
    {
        var self = NodeId.Parse("node-a");
        var table = new MembershipTable(self);
        table.Observe(new ObservedMember(Peer, "127.0.0.1:6755", Uid, MemberStatus.Up));
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        Apply(table, _policy.Evaluate());
        Assert.Equal(NodeState.Active, table.Snapshot.Find(Peer)!.State);

        At(TimeSpan.FromSeconds(6)); // no evaluation in between
        Apply(table, _policy.Evaluate());
        for (var s = 7; s <= 20; s++)
        {
            At(TimeSpan.FromSeconds(s));
            Apply(table, _policy.Evaluate());
        }

        Assert.Equal(NodeState.Failed, table.Snapshot.Find(Peer)!.State);

        static void Apply(MembershipTable table, HealthTick tick)
        {
            foreach (var change in tick.Changes)
            {
                table.Health(change.Peer, change.Uid, change.Signal);
            }
        }
    }

    [Fact]
    public void NewMisses_counts_misses_after_a_heartbeat_that_arrived_between_evaluations()
    {
        MonitorPeer();
        _policy.HeardDirectly(Peer, Uid);
        AtSeconds(2.5);
        _policy.Evaluate();
        Assert.Equal(2, _policy.NewMisses(Peer));

        AtSeconds(2.6);
        _policy.HeardDirectly(Peer, Uid);
        At(TimeSpan.FromSeconds(5));
        _policy.Evaluate();

        Assert.Equal(2, _policy.Stats(Peer)!.MissedHeartbeats);
        Assert.Equal(2, _policy.NewMisses(Peer));
    }
}
