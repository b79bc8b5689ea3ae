using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Health;

/// <summary>The failure detector's rules without its actor, on virtual time and a seeded random.</summary>
public sealed class FailureDetectorTests
{
    private static readonly NodeId A = NodeId.Parse("a");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static MemberView Member(string id, NodeState state = NodeState.Active, bool downed = false) =>
        new(NodeId.Parse(id), $"10.0.0.{id[0] - 'a' + 1}:6745", id[0], state) { Downed = downed };

    private static MembershipSnapshot Snapshot(params MemberView[] members) => new(1, [.. members], null);

    private FailureDetector Detector(HealthSettings? settings = null, int seed = 1) =>
        new(A, settings ?? new HealthSettings(), _time, new NodeCounters(_time), new Random(seed));

    [Fact]
    public void It_monitors_its_ring_successors_but_not_itself_a_leaving_member_or_a_downed_one()
    {
        var detector = Detector(new HealthSettings { MonitoredPeers = 2 });
        var (monitored, members) = detector.Members(Snapshot(Member("a"), Member("b"), Member("c", NodeState.Leaving), Member("d", downed: true), Member("e")));

        Assert.Equal(["b", "e"], monitored.Select(m => m.NodeId.Value).Order());
        Assert.Equal(["b", "c", "d", "e"], members.Select(m => m.NodeId.Value).Order());
    }

    [Fact]
    public void A_suspect_is_probed_through_at_most_indirect_probes_active_members_other_than_itself_and_the_suspect()
    {
        var detector = Detector(new HealthSettings { MonitoredPeers = 1, IndirectProbes = 2 });
        detector.Members(Snapshot(Member("a"), Member("b"), Member("c"), Member("d", NodeState.Unknown), Member("e"), Member("f")));

        var probes = new List<IndirectProbe>();
        for (var i = 0; i < 3; i++) // b (the one monitored peer) goes silent: suspected after 2 intervals
        {
            _time.Advance(Interval);
            probes.AddRange(detector.Evaluate().Probes);
        }

        Assert.NotEmpty(probes);
        Assert.All(probes, p => Assert.Equal("b", p.Target.NodeId.Value));
        var probe = probes[0];
        Assert.Equal(2, probe.Helpers.Count);
        Assert.All(probe.Helpers, h => Assert.Contains(h.NodeId.Value, new[] { "c", "e", "f" }));
    }

    [Fact]
    public void The_helpers_come_from_the_injected_random_so_a_seed_replays_them()
    {
        IReadOnlyList<string> HelpersWith(int seed)
        {
            var time = new FakeTimeProvider(_time.GetUtcNow());
            var detector = new FailureDetector(A, new HealthSettings { MonitoredPeers = 1, IndirectProbes = 2 }, time, new NodeCounters(time), new Random(seed));
            detector.Members(Snapshot(Member("a"), Member("b"), Member("c"), Member("d"), Member("e"), Member("f"), Member("g")));
            for (var i = 0; i < 3; i++)
            {
                time.Advance(Interval);
                if (detector.Evaluate().Probes is [var p, ..])
                {
                    return p.Helpers.Select(h => h.NodeId.Value).ToList();
                }
            }

            throw new InvalidOperationException("no probe");
        }

        Assert.Equal(HelpersWith(7), HelpersWith(7));
        Assert.Contains(Enumerable.Range(0, 20), seed => !HelpersWith(seed).SequenceEqual(HelpersWith(7)));
    }

    [Fact]
    public void A_peer_it_does_not_monitor_takes_the_verdict_of_those_that_do_once()
    {
        var detector = Detector(new HealthSettings { MonitoredPeers = 1 });
        detector.Members(Snapshot(Member("a"), Member("b"), Member("c")));
        var c = NodeId.Parse("c");
        detector.HeardDirectly(NodeId.Parse("b"), 'b', null);

        detector.Reported(NodeId.Parse("b"), c, 'c', HealthSignal.Failed, directlyReachable: false);
        _time.Advance(Interval);
        var first = detector.Evaluate();
        _time.Advance(Interval);
        detector.HeardDirectly(NodeId.Parse("b"), 'b', null);
        var second = detector.Evaluate();

        Assert.Contains((c, (long)'c', HealthSignal.Failed), first.Signals);
        Assert.DoesNotContain(second.Signals, s => s.Peer == c);
    }
}
