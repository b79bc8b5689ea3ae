using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Health;

/// <summary>
/// <c>/user/solidb-cluster/failure-detector</c>: every heartbeat interval, runs the
/// <see cref="FailureDetector"/> (the rules: which peers to monitor, the <see cref="HealthPolicy"/>'s
/// verdicts, others' verdicts on the peers it does not monitor) and carries out what it concludes:
/// signals and stats to the supervisor, its verdicts to the other members, indirect probes through
/// the heartbeat actor.
/// </summary>
public sealed class FailureDetectorActor : ReceiveActor, IWithTimers
{
    public const string Name = "failure-detector";

    private readonly NodeContext _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FailureDetector _detector;
    private IActorRef _heartbeat = ActorRefs.Nobody;
    private Address? _protocolTemplate;

    public FailureDetectorActor(NodeContext node)
    {
        _node = node;
        _detector = new FailureDetector(node.NodeId, node.Settings.Health, node.Time, node.Counters, node.NewRandom());
        Receive<UseHeartbeat>(m => _heartbeat = m.Heartbeat);
        Receive<Wiring>(m =>
        {
            _heartbeat = m.Heartbeat;
            OnMembership(m.Membership);
        });
        Receive<MembershipChanged>(m => OnMembership(m.Snapshot));
        Receive<HeardFrom>(m => _detector.HeardDirectly(m.NodeId, m.Uid, m.RoundTrip));
        Receive<HeardIndirectly>(m => _detector.HeardIndirectly(m.NodeId, m.Uid));
        Receive<Evaluate>(_ => OnEvaluate());
        Receive<HealthReport>(OnReport);
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new FailureDetectorActor(node));

    public static ActorPath PathAt(Address address) => ModulePaths.Child(address, Name);

    protected override void PreStart()
    {
        _protocolTemplate = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        Timers.StartPeriodicTimer(nameof(Evaluate), Evaluate.Instance, _node.Settings.Health.HeartbeatInterval);
    }

    /// <summary>
    /// Restarted after a failure: asks the supervisor for the heartbeat actor and the membership.
    /// The new <see cref="HealthPolicy"/> starts every peer with a full grace period from now (its
    /// suspicion counters start over), so nobody is declared Failed sooner than the failure
    /// threshold of misses after the restart: a restart can only delay a verdict, never hasten one.
    /// Until the answer (within milliseconds) nothing is monitored and nothing is concluded.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Context.Parent.Tell(WiringRequest.Instance);
    }

    private void OnMembership(MembershipSnapshot snapshot)
    {
        var (monitored, members) = _detector.Members(snapshot);
        _heartbeat.Tell(new MonitorPeers(monitored.Select(ToPeer).ToImmutableArray(), members.Select(ToPeer).ToImmutableArray()));
    }

    private void OnEvaluate()
    {
        var tick = _detector.Evaluate();
        var shareWith = tick.Verdicts.Count > 0 ? _detector.ShareWith.Select(m => Context.ActorSelection(PathAt(AddressOf(m.Address)))).ToList() : [];
        foreach (var verdict in tick.Verdicts)
        {
            var report = new HealthReport(_node.NodeId.Value, verdict.Peer.Value, verdict.Uid, verdict.Signal, verdict.DirectlyReachable, _node.Gate.Stamp());
            foreach (var detector in shareWith)
            {
                detector.Tell(report);
            }
        }

        // Stats first: the supervisor's suspicion events carry the numbers of this evaluation.
        Context.Parent.Tell(tick.Stats);
        if (tick.Signals.Length > 0)
        {
            Context.Parent.Tell(new HealthSignals(tick.Signals));
        }

        foreach (var probe in tick.Probes)
        {
            _heartbeat.Tell(new ProbeThrough(ToPeer(probe.Target), probe.Helpers.Select(h => AddressOf(h.Address)).ToImmutableArray()));
        }
    }

    private void OnReport(HealthReport m)
    {
        if (!_node.Accept(m, m.Observer, null, Sender, _log, out var observer))
        {
            return;
        }

        var target = NodeId.Parse(m.Target); // checked by Accept
        if (_node.Members.Member(target, m.TargetUid) is not null) // about a node or incarnation that is no member (any more): nothing to keep
        {
            _detector.Reported(observer, target, m.TargetUid, m.Signal, m.DirectlyReachable);
        }
    }

    private MonitoredPeer ToPeer(MemberView m) => new(m.NodeId, m.Uid, AddressOf(m.Address));

    private Address AddressOf(string hostPort) => AkkaMembers.ToAddress(hostPort, _protocolTemplate!);

    /// <summary>Supervisor -> detector: where the heartbeat actor is (created after the detector).</summary>
    public sealed record UseHeartbeat(IActorRef Heartbeat);

    private sealed record Evaluate
    {
        public static Evaluate Instance { get; } = new();
    }
}
