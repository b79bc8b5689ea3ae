using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Health;

/// <summary>
/// <c>/user/solidb-cluster/failure-detector</c>: applies <see cref="HealthPolicy"/> to the peers
/// this node monitors (its successors on the <see cref="MonitorRing"/>), every heartbeat
/// interval. It sends the resulting signals to the supervisor, broadcasts its verdicts to the
/// other members, and for peers it does not monitor adopts the verdicts of those that do.
/// </summary>
public sealed class FailureDetectorActor : ReceiveActor, IWithTimers
{
    public const string Name = "failure-detector";

    private readonly NodeContext _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HealthPolicy _policy;
    private readonly ObserverReports _reports = new();
    private readonly Dictionary<NodeId, HealthSignal> _adopted = [];
    private IActorRef _heartbeat = ActorRefs.Nobody;
    private MembershipSnapshot _membership = MembershipSnapshot.Empty;
    private Address? _protocolTemplate;

    public FailureDetectorActor(NodeContext node)
    {
        _node = node;
        _policy = new HealthPolicy(node.Settings.Health, node.Time);
        Receive<UseHeartbeat>(m => _heartbeat = m.Heartbeat);
        Receive<Wiring>(m =>
        {
            _heartbeat = m.Heartbeat;
            OnMembership(m.Membership);
        });
        Receive<MembershipChanged>(m => OnMembership(m.Snapshot));
        // Block bodies: the policy's bool result (whether the peer is monitored) must not be taken
        // by Akka as "not handled", which would count the message as dropped.
        Receive<HeardFrom>(m => { _policy.HeardDirectly(m.NodeId, m.Uid, m.RoundTrip); });
        Receive<HeardIndirectly>(m => { _policy.HeardIndirectly(m.NodeId, m.Uid); });
        Receive<Evaluate>(_ => OnEvaluate());
        Receive<HealthReport>(OnReport);
        Receive<CrashForTest>(CrashForTest.Throw);
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
        _membership = snapshot;
        var candidates = snapshot.Members
            .Where(m => m.NodeId != _node.NodeId && m.State != NodeState.Leaving && !m.Downed)
            .ToDictionary(m => m.NodeId);
        var monitored = MonitorRing.Successors(_node.NodeId, candidates.Keys, _node.Settings.Health.MonitoredPeers)
            .Select(id => candidates[id])
            .ToList();
        _policy.Monitor(monitored.Select(m => (m.NodeId, m.Uid)));
        var others = snapshot.Members.Where(m => m.NodeId != _node.NodeId).Select(ToPeer).ToImmutableArray();
        _heartbeat.Tell(new MonitorPeers(monitored.Select(ToPeer).ToImmutableArray(), others));
        _reports.Retain(snapshot.Members.ToDictionary(m => m.NodeId, m => m.Uid));
    }

    private void OnEvaluate()
    {
        var tick = _policy.Evaluate();
        foreach (var id in _policy.Monitored)
        {
            for (var i = _policy.NewMisses(id); i > 0; i--)
            {
                _node.Counters.MissedHeartbeat();
            }
        }

        var signals = ImmutableArray.CreateBuilder<(NodeId, long, HealthSignal)>();
        foreach (var change in tick.Changes)
        {
            Count(change.Signal, _policy.Stats(change.Peer));
            signals.Add((change.Peer, change.Uid, change.Signal));
        }

        foreach (var id in tick.Changes.Select(c => c.Peer).Union(tick.ReachabilityChanged).Distinct())
        {
            Broadcast(_policy.Stats(id)!);
        }

        AdoptReportsOnUnmonitored(signals);
        // Stats first: the supervisor's suspicion events carry the numbers of this evaluation.
        Context.Parent.Tell(Stats());
        if (signals.Count > 0)
        {
            Context.Parent.Tell(new HealthSignals(signals.ToImmutable()));
        }

        foreach (var target in tick.ProbeIndirectly)
        {
            ProbeIndirectly(target);
        }
    }

    private void Count(HealthSignal signal, PeerHealth? before)
    {
        switch (signal)
        {
            case HealthSignal.Suspect:
                _node.Counters.SuspicionRaised();
                break;
            case HealthSignal.Failed:
                _node.Counters.FailureConfirmed();
                break;
            case HealthSignal.Alive when _membership.Find(before!.Peer)?.State == NodeState.Unknown:
                _node.Counters.SuspicionRefuted();
                break;
        }
    }

    private void OnReport(HealthReport m)
    {
        if (!_node.Accept(m, m.Observer, null, Sender, _log, out var observer))
        {
            return;
        }

        var target = NodeId.Parse(m.Target);
        if (_node.Members.Member(target, m.TargetUid) is null)
        {
            return; // about a node or incarnation that is no member (any more): nothing to keep
        }

        _reports.Record(observer, target, m.TargetUid, m.Signal, m.DirectlyReachable);
    }

    /// <summary>Peers this node does not monitor take the verdict of the members that do.</summary>
    private void AdoptReportsOnUnmonitored(ImmutableArray<(NodeId, long, HealthSignal)>.Builder signals)
    {
        foreach (var member in _membership.Members)
        {
            if (member.NodeId == _node.NodeId || _policy.Monitored.Contains(member.NodeId)
                || _reports.Verdict(member.NodeId, member.Uid) is not { } verdict
                || (_adopted.TryGetValue(member.NodeId, out var last) && last == verdict))
            {
                continue;
            }

            _adopted[member.NodeId] = verdict;
            signals.Add((member.NodeId, member.Uid, verdict));
        }
    }

    private void ProbeIndirectly(NodeId target)
    {
        if (_membership.Find(target) is not { } member)
        {
            return;
        }

        var helpers = _membership.Members
            .Where(m => m.NodeId != target && m.NodeId != _node.NodeId && m.State == NodeState.Active)
            .OrderBy(_ => Random.Shared.Next())
            .Take(_node.Settings.Health.IndirectProbes)
            .Select(m => AddressOf(m.Address))
            .ToImmutableArray();
        if (helpers.Length > 0)
        {
            _heartbeat.Tell(new ProbeThrough(ToPeer(member), helpers));
        }
    }

    private void Broadcast(PeerHealth stats)
    {
        _reports.Record(_node.NodeId, stats.Peer, stats.Uid, stats.Signal, stats.DirectlyReachable);
        var report = new HealthReport(_node.NodeId.Value, stats.Peer.Value, stats.Uid, stats.Signal, stats.DirectlyReachable, _node.Gate.Stamp());
        foreach (var member in _membership.Members.Where(m => m.NodeId != _node.NodeId && m.State != NodeState.Failed))
        {
            Context.ActorSelection(PathAt(AddressOf(member.Address))).Tell(report);
        }
    }

    private HealthStats Stats() => new(
        _policy.AllStats().ToImmutableDictionary(p => p.Peer),
        _membership.Members.ToImmutableDictionary(m => m.NodeId, m => _reports.ObservedUnreachableBy(m.NodeId).ToImmutableArray()));

    private MonitoredPeer ToPeer(MemberView m) => new(m.NodeId, m.Uid, AddressOf(m.Address));

    private Address AddressOf(string hostPort) => AkkaMembers.ToAddress(hostPort, _protocolTemplate!);

    /// <summary>Supervisor -> detector: where the heartbeat actor is (created after the detector).</summary>
    public sealed record UseHeartbeat(IActorRef Heartbeat);

    private sealed record Evaluate
    {
        public static Evaluate Instance { get; } = new();
    }
}
