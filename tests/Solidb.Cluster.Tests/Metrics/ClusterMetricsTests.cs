using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Metrics;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Metrics;

public sealed class ClusterMetricsTests : IDisposable
{
    private static readonly NodeId Self = NodeId.Parse("node1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-metrics-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T12:00:00Z"));
    private readonly DataDirectory _dataDir;
    private readonly NodeContext _node;

    public ClusterMetricsTests()
    {
        _dataDir = DataDirectory.Open(_dir, Self);
        _node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), _dataDir, _time);
    }

    public void Dispose()
    {
        _node.Metrics.Dispose();
        _dataDir.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Every_statistics_counter_is_an_observable_counter_read_when_collected()
    {
        using var listener = new Recorder(_node.Metrics.Meter);
        _node.Counters.HeartbeatSent();
        _node.Counters.HeartbeatSent();
        _node.Counters.FailureConfirmed();
        _node.Counters.Reject(RejectionReason.SenderMismatch);
        _node.Counters.ClockSkewRejected();

        var values = listener.Collect();

        Assert.Equal(2, values.Single("solidb.heartbeats_sent"));
        Assert.Equal(1, values.Single("solidb.failures_confirmed"));
        Assert.Equal(2, values.Single("solidb.messages_dropped"));
        Assert.Equal(1, values.Single("solidb.clock_skew_rejections"));
        Assert.Equal(1, values.Labelled("solidb.rejections", "reason", "sender_mismatch"));
        Assert.Equal(1, values.Labelled("solidb.rejections", "reason", "clock_skew"));
        Assert.Equal(RejectionReasons.All.Count, values.Of("solidb.rejections").Count); // every reason, zeros included
        foreach (var key in new[] { "heartbeats_received", "missed_heartbeats", "suspicions_raised", "suspicions_refuted", "rejected_transitions",
                     "indirect_probes_sent", "pre_votes_started", "elections_started" })
        {
            Assert.Equal(0, values.Single("solidb." + key));
        }

        _node.Counters.HeartbeatSent();
        Assert.Equal(3, listener.Collect().Single("solidb.heartbeats_sent"));
        Assert.Equal(ClusterMetrics.MeterName, _node.Metrics.Meter.Name);
    }

    [Fact]
    public void Gauges_read_the_status_board_and_the_clock_status_and_report_nothing_before_the_supervisor_publishes()
    {
        using var listener = new Recorder(_node.Metrics.Meter);
        var before = listener.Collect();
        Assert.Empty(before.Of("solidb.term"));
        Assert.Empty(before.Of("solidb.members"));
        Assert.Empty(before.Of("solidb.clock.offset_to_majority")); // unknown until peers answer
        Assert.Equal(1, before.Single("solidb.incarnation"));

        var peer2 = NodeId.Parse("node2");
        var peer3 = NodeId.Parse("node3");
        var members = new MembershipSnapshot(7, [
            new MemberView(Self, _node.Address, 1, NodeState.Active),
            new MemberView(peer2, "akka.tcp://solidb@127.0.0.1:2", 2, NodeState.Unknown),
            new MemberView(peer3, "akka.tcp://solidb@127.0.0.1:3", 3, NodeState.Failed),
        ], peer2);
        _node.Board.Publish(members, HealthStats.Empty, new LeaderInfo(peer2, 5, new HlcTimestamp(9, 0), false, 3, 1) { QuorumSize = 3 });
        _node.ClockStatus = new ClockStatus(false, -1250, TimeSpan.FromMilliseconds(500), new HashSet<string>());

        var after = listener.Collect();

        Assert.Equal(1, after.Labelled("solidb.members", "state", "Active"));
        Assert.Equal(1, after.Labelled("solidb.members", "state", "Unknown"));
        Assert.Equal(1, after.Labelled("solidb.members", "state", "Failed"));
        Assert.Equal(0, after.Labelled("solidb.members", "state", "Joining"));
        Assert.Equal(0, after.Labelled("solidb.members", "state", "Leaving"));
        Assert.Equal((5, 0, 0, 3, 3, 1), (after.Single("solidb.term"), after.Single("solidb.is_leader"), after.Single("solidb.has_quorum"),
            after.Single("solidb.voters"), after.Single("solidb.quorum_size"), after.Single("solidb.failure_tolerance")));
        Assert.Equal(-1.25, after.Single("solidb.clock.offset_to_majority"), 6);
        Assert.Equal(0, after.Single("solidb.clock.in_sync"));

        _node.Board.Publish(members, HealthStats.Empty, new LeaderInfo(Self, 6, new HlcTimestamp(10, 0), true, 3, 1) { QuorumSize = 3 });
        var led = listener.Collect();
        Assert.Equal((6, 1, 1), (led.Single("solidb.term"), led.Single("solidb.is_leader"), led.Single("solidb.has_quorum")));
    }

    [Fact]
    public void Round_trips_are_recorded_in_seconds_with_their_bucket_advice()
    {
        using var listener = new Recorder(_node.Metrics.Meter);

        _node.Metrics.HeartbeatRoundTrip(TimeSpan.FromMilliseconds(3));

        Assert.Equal([0.003], listener.Recorded("solidb.heartbeat.round_trip"));
        var instrument = (Histogram<double>)listener.Instruments.Single(i => i.Name == "solidb.heartbeat.round_trip");
        Assert.Equal("s", instrument.Unit);
        Assert.Equal(ClusterMetrics.RoundTripBuckets, instrument.Advice!.HistogramBucketBoundaries!);
    }

    [Fact]
    public void An_election_lasts_from_the_first_vote_request_to_a_leader_known_retries_included()
    {
        using var listener = new Recorder(_node.Metrics.Meter);

        _node.Metrics.LeaderKnown(); // a leader learned without this node standing: no election of its own
        _node.Metrics.VoteRequested(); // pre-vote
        _time.Advance(TimeSpan.FromMilliseconds(400));
        _node.Metrics.VoteRequested(); // the election after it, or a retry after a split vote
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _node.Metrics.LeaderKnown();
        _node.Metrics.LeaderKnown(); // the same leader again (e.g. quorum regained): nothing more
        _node.Metrics.VoteRequested();
        _time.Advance(TimeSpan.FromMilliseconds(50));
        _node.Metrics.LeaderKnown();

        Assert.Equal([0.7, 0.05], listener.Recorded("solidb.election.duration").Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void A_listener_on_one_node_s_meter_sees_none_of_another_node_s_values()
    {
        var otherDir = Path.Combine(Path.GetTempPath(), "solidb-metrics-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var otherData = DataDirectory.Open(otherDir, NodeId.Parse("node2"));
            var other = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), otherData, _time);
            using var otherMetrics = other.Metrics;
            using var listener = new Recorder(_node.Metrics.Meter);
            other.Counters.HeartbeatSent();
            other.Metrics.HeartbeatRoundTrip(TimeSpan.FromSeconds(1));

            Assert.Equal(0, listener.Collect().Single("solidb.heartbeats_sent"));
            Assert.Empty(listener.Recorded("solidb.heartbeat.round_trip"));
        }
        finally
        {
            Directory.Delete(otherDir, recursive: true);
        }
    }

    [Fact]
    public void A_disposed_meter_stops_publishing()
    {
        using var listener = new Recorder(_node.Metrics.Meter);
        Assert.NotEmpty(listener.Instruments);

        _node.Metrics.Dispose();

        Assert.Empty(listener.Collect().All);
        _node.Metrics.HeartbeatRoundTrip(TimeSpan.FromSeconds(1));
        Assert.Empty(listener.Recorded("solidb.heartbeat.round_trip"));
    }

    /// <summary>An in-test MeterListener on one meter instance.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _recorded = [];
        private List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)>? _observed;

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter, meter))
                {
                    Instruments.Add(i);
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.MeasurementsCompleted = (i, _) => Instruments.Remove(i);
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
            _listener.Start();
        }

        public List<Instrument> Instruments { get; } = [];

        public Values Collect()
        {
            _observed = [];
            _listener.RecordObservableInstruments();
            var values = new Values(_observed);
            _observed = null;
            return values;
        }

        public IReadOnlyList<double> Recorded(string name) => _recorded.Where(r => r.Name == name).Select(r => r.Value).ToList();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument i, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            (i.IsObservable ? _observed! : _recorded).Add((i.Name, value, tags.ToArray()));
    }

    private sealed record Values(List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> All)
    {
        public List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> Of(string name) => All.Where(v => v.Name == name).ToList();

        public double Single(string name) => Assert.Single(Of(name)).Value;

        public double Labelled(string name, string key, string value) =>
            Assert.Single(Of(name), v => v.Tags.Any(t => t.Key == key && Equals(t.Value, value))).Value;
    }
}
