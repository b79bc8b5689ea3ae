using System.Diagnostics.Metrics;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Metrics;

/// <summary>
/// The node's instruments on a <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>, one meter per incarnation (a process running several nodes, as the
/// specs do, has one per node; a reader tells them apart by the instance). Counters and gauges
/// are observable: they read the node's counters, status board and clock status when a listener
/// collects, so nothing runs between scrapes. The two histograms are recorded where the values
/// are measured (heartbeat answers, the election actor). Names are OpenTelemetry-style; the
/// Prometheus exposition turns <c>solidb.heartbeats_sent</c> into <c>solidb_heartbeats_sent_total</c>
/// (docs/metrics.md lists both).
/// </summary>
public sealed class ClusterMetrics : IDisposable
{
    public const string MeterName = "Solidb.Cluster";

    /// <summary>Round-trip buckets (seconds): loopback is well under a millisecond, a WAN link tens of them, a stall up to the suspicion.</summary>
    public static readonly IReadOnlyList<double> RoundTripBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Election buckets (seconds): from a transfer's tens of milliseconds to a split vote's retries.</summary>
    public static readonly IReadOnlyList<double> ElectionBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

    /// <summary>The counters of <see cref="CountersSnapshot"/>: instrument name suffix (the stats key), unit, description, reader.</summary>
    private static readonly (string Key, string Unit, string Help, Func<CountersSnapshot, long> Read)[] Counters =
    [
        ("heartbeats_sent", "{heartbeat}", "Heartbeats this node sent to the peers it monitors.", c => c.HeartbeatsSent),
        ("heartbeats_received", "{heartbeat}", "Heartbeats this node received from others.", c => c.HeartbeatsReceived),
        ("missed_heartbeats", "{heartbeat}", "Whole heartbeat intervals without a heartbeat from a monitored peer, summed over peers.", c => c.MissedHeartbeats),
        ("suspicions_raised", "{suspicion}", "Peers this node began to suspect (Unknown).", c => c.SuspicionsRaised),
        ("suspicions_refuted", "{suspicion}", "Suspicions that ended with the peer heard from again.", c => c.SuspicionsRefuted),
        ("failures_confirmed", "{failure}", "Peers this node confirmed as Failed.", c => c.FailuresConfirmed),
        ("rejected_transitions", "{transition}", "Impossible member state transitions the state machine refused.", c => c.RejectedTransitions),
        ("messages_dropped", "{message}", "Messages from the network this node refused, all reasons (the sum of solidb_rejections_total).", c => c.MessagesDropped),
        ("clock_skew_rejections", "{message}", "HLC timestamps beyond solidb.clock.max-offset kept out of this node's clock.", c => c.ClockSkewRejections),
        ("indirect_probes_sent", "{probe}", "Indirect probes this node asked other members to make.", c => c.IndirectProbesSent),
        ("pre_votes_started", "{election}", "Pre-votes this node started.", c => c.PreVotesStarted),
        ("elections_started", "{election}", "Elections (real votes, after a pre-vote) this node started.", c => c.ElectionsStarted),
    ];

    private readonly Meter _meter;
    private readonly Histogram<double> _roundTrip;
    private readonly Histogram<double> _electionDuration;
    private readonly ElectionTimer _election;

    public ClusterMetrics(NodeContext node)
    {
        _meter = new Meter(MeterName, NodeContext.ModuleVersion);
        _election = new ElectionTimer(node.Time);
        foreach (var (key, unit, help, read) in Counters)
        {
            _meter.CreateObservableCounter($"solidb.{key}", () => read(node.Counters.Snapshot()), unit, help);
        }

        _meter.CreateObservableCounter("solidb.rejections", () => Rejections(node.Counters.Rejections), "{message}",
            "Network messages and connections refused, by reason.");

        _meter.CreateObservableGauge("solidb.members", () => MembersByState(node), "{member}",
            "Members this node knows, by state (every state listed, zeros included).");
        Gauge("solidb.term", "{term}", "The election term this node is in.", () => node.Board.Leader is { } l ? l.Term : null);
        Gauge("solidb.is_leader", "1", "1 while this node is the leader it knows of, else 0.",
            () => node.Board.Leader is { } l ? l.Leader == node.NodeId ? 1 : 0 : null);
        Gauge("solidb.has_quorum", "1", "1 while this node reaches a majority with a leader, else 0.",
            () => node.Board.Leader is { } l ? l.HasQuorum ? 1 : 0 : null);
        Gauge("solidb.quorum_size", "{voter}", "The number of voters a majority is counted over.",
            () => node.Board.Leader is { } l ? l.QuorumSize : null);
        Gauge("solidb.voters", "{voter}", "Voters this node counts.", () => node.Board.Leader is { } l ? l.Voters : null);
        Gauge("solidb.failure_tolerance", "{voter}", "Voters the cluster can lose and still elect a leader.",
            () => node.Board.Leader is { } l ? l.FailureTolerance : null);
        Gauge("solidb.incarnation", "{incarnation}", "This node's incarnation (grows with every restart under the same node id).",
            () => node.Identity.Incarnation);
        _meter.CreateObservableGauge("solidb.clock.offset_to_majority",
            () => node.ClockStatus.OffsetToMajorityMs is { } ms ? [new Measurement<double>(ms / 1000)] : Array.Empty<Measurement<double>>(),
            "s", "This node's wall clock minus the majority's (positive: ahead); absent while unknown.");
        Gauge("solidb.clock.in_sync", "1", "1 while this node's wall clock agrees with the majority, else 0.",
            () => node.ClockStatus.InSync ? 1 : 0);

        _roundTrip = _meter.CreateHistogram("solidb.heartbeat.round_trip", "s", "Heartbeat round trips to the peers this node monitors.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        _electionDuration = _meter.CreateHistogram("solidb.election.duration", "s",
            "Elections this node started: from its first vote request (pre-vote) to a leader known.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ElectionBuckets });
    }

    /// <summary>This incarnation's meter (a listener enables only its instruments).</summary>
    public Meter Meter => _meter;

    /// <summary>Records the round trip of one heartbeat answer.</summary>
    public void HeartbeatRoundTrip(TimeSpan elapsed) => _roundTrip.Record(elapsed.TotalSeconds);

    /// <summary>The election actor asked for votes (pre-vote or vote): starts the election's clock unless it runs.</summary>
    public void VoteRequested() => _election.VoteRequested();

    /// <summary>The election actor knows a leader: records the running election's duration, if this node started one.</summary>
    public void LeaderKnown()
    {
        if (_election.LeaderKnown() is { } took)
        {
            _electionDuration.Record(took.TotalSeconds);
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Gauge(string name, string unit, string help, Func<long?> read) =>
        _meter.CreateObservableGauge(name, () => read() is { } v ? [new Measurement<long>(v)] : Array.Empty<Measurement<long>>(), unit, help);

    private static IEnumerable<Measurement<long>> Rejections(Rejections rejections) =>
        RejectionReasons.All.Select(r => new Measurement<long>(rejections[r], new KeyValuePair<string, object?>("reason", r.WireName())));

    private static IEnumerable<Measurement<long>> MembersByState(NodeContext node)
    {
        if (node.Board.Membership is not { } snapshot)
        {
            return [];
        }

        return Enum.GetValues<NodeState>().Select(state => new Measurement<long>(
            snapshot.Members.Count(m => m.State == state), new KeyValuePair<string, object?>("state", state.ToModel().ToString())));
    }
}
