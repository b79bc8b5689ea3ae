using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Health;

/// <summary>
/// <c>/user/solidb-cluster/heartbeat</c>: the node's health traffic over Akka.Remote. Every
/// heartbeat interval it sends a <see cref="Heartbeat"/> to each monitored peer and answers
/// theirs; answers give round-trip times. It also runs indirect probes: asks helpers to reach a
/// suspected peer, and, as a helper, pings peers for others. What it hears goes to the failure
/// detector, which owns the rules.
/// </summary>
public sealed class HeartbeatActor : ReceiveActor, IWithTimers
{
    public const string Name = "heartbeat";

    private readonly NodeContext _node;
    private readonly IActorRef _detector;
    private readonly IActorRef _election;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _selfUid = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress.Uid;
    private readonly Address _selfAddress = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
    private readonly RoundTrips _roundTrips;
    private readonly Dictionary<long, (IActorRef Requester, NodeId Target, long TargetUid, long RequesterSeq)> _probesForOthers = [];
    private ImmutableArray<MonitoredPeer> _peers = [];
    private ImmutableArray<MonitoredPeer> _members = [];
    private ElectionView _view = ElectionView.Initial;
    private long _seq;

    public HeartbeatActor(NodeContext node, IActorRef detector, IActorRef election)
    {
        _node = node;
        _detector = detector;
        _election = election;
        _roundTrips = new RoundTrips(node.Time);
        Receive<ElectionView>(OnElectionView);
        Receive<MonitorPeers>(OnMonitorPeers);
        Receive<Beat>(_ => SendHeartbeats());
        Receive<Heartbeat>(OnHeartbeat);
        Receive<HeartbeatAck>(OnAck);
        Receive<ProbeThrough>(OnProbeThrough);
        Receive<ProbeRequest>(OnProbeRequest);
        Receive<ProbePing>(OnProbePing);
        Receive<ProbePingAck>(OnProbePingAck);
        Receive<ProbeAck>(OnProbeAck);
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node, IActorRef detector, IActorRef election) =>
        Akka.Actor.Props.Create(() => new HeartbeatActor(node, detector, election));

    public static ActorPath PathAt(Address address) => ModulePaths.Child(address, Name);

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(Beat), Beat.Instance, _node.Settings.Health.HeartbeatInterval);

    /// <summary>
    /// Restarted after a failure: its peers and election view are gone. The supervisor has the
    /// failure detector send the peers and the election actor the view again, well before the
    /// first heartbeat interval ends (the detector and election references come with the Props).
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Context.Parent.Tell(WiringRequest.Instance);
    }

    /// <summary>A new leader heartbeats at once, so every voter learns of it now rather than at the next interval.</summary>
    private void OnElectionView(ElectionView view)
    {
        var elected = view.IsLeader && !(_view.IsLeader && _view.Term == view.Term);
        _view = view;
        if (elected)
        {
            SendHeartbeats();
        }
    }

    private void OnMonitorPeers(MonitorPeers m)
    {
        _peers = m.Peers;
        _members = m.Members;
        _roundTrips.Retain(m.Peers.Select(p => p.NodeId));
    }

    private void SendHeartbeats()
    {
        // A leader reaches every voter, so each follower hears it (and answers) every interval.
        var targets = _view.IsLeader
            ? _peers.Concat(_members.Where(m => _view.Voters.Contains(m.NodeId))).DistinctBy(p => p.NodeId)
            : _peers;
        foreach (var peer in targets)
        {
            var seq = ++_seq;
            var wallMs = _node.WallMs();
            _roundTrips.Sent(peer.NodeId, seq, wallMs);
            Send(Context.ActorSelection(PathAt(peer.Address)),
                new Heartbeat(_node.NodeId.Value, _selfUid, seq, _view.Term, _view.IsLeader, _view.ElectedAt, _node.Gate.Stamp()) { WallMs = wallMs });
            _node.Counters.HeartbeatSent();
        }
    }

    private void OnHeartbeat(Heartbeat m)
    {
        if (!_node.Accept(m, m.From, m.FromUid, Sender, _log, out var from))
        {
            return;
        }

        _node.Counters.HeartbeatReceived();
        Send(Context.ActorSelection(Sender.Path), new HeartbeatAck(_node.NodeId.Value, _selfUid, m.Seq, _view.Term, _node.Gate.Stamp()) { WallMs = _node.WallMs() });
        _detector.Tell(new HeardFrom(from, m.FromUid, null));
        _election.Tell(new HeartbeatObserved(from, m.Term, m.IsLeader, m.ElectedAt));
    }

    private void OnAck(HeartbeatAck m)
    {
        if (!_node.Accept(m, m.From, m.FromUid, Sender, _log, out var from))
        {
            return;
        }

        var trip = _roundTrips.Answered(from, m.Seq);
        if (trip is { } measured)
        {
            _node.Metrics.HeartbeatRoundTrip(measured.Elapsed);
        }

        if (trip is { SentWallMs: > 0 } t && m.WallMs > 0 && Inbound.SenderAddress(Sender) is { } address)
        {
            _node.WallOffsets.Record(address, t.SentWallMs, m.WallMs, t.Elapsed);
        }

        _detector.Tell(new HeardFrom(from, m.FromUid, trip?.Elapsed));
        _election.Tell(new HeartbeatAckObserved(from, m.Term));
    }

    private void OnProbeThrough(ProbeThrough m)
    {
        foreach (var helper in m.Helpers)
        {
            var seq = ++_seq;
            Context.ActorSelection(PathAt(helper)).Tell(new ProbeRequest(_node.NodeId.Value, m.Target.NodeId.Value, m.Target.Uid,
                m.Target.Address.ToString(), seq, _node.Gate.Stamp()));
            _node.Counters.IndirectProbeSent();
        }
    }

    private void OnProbeRequest(ProbeRequest m)
    {
        if (!_node.Accept(m, m.From, null, Sender, _log, out _))
        {
            return;
        }

        // Only members are pinged, at the address this node knows for them: a request cannot turn
        // this node into a reflector towards any address it names.
        var target = NodeId.Parse(m.Target);
        if (_node.Members.Member(target, m.TargetUid) is not { } member)
        {
            _node.Refuse(Security.RejectionReason.InvalidField, m, $"probe target {target} (uid {m.TargetUid}) is no member", _log);
            return;
        }

        var targetAddress = AkkaMembers.ToAddress(member.Address, _selfAddress);
        var seq = ++_seq;
        _probesForOthers[seq] = (Sender, target, m.TargetUid, m.Seq);
        if (_probesForOthers.Count > 256)
        {
            _probesForOthers.Remove(_probesForOthers.Keys.Min()); // answers that never came
        }

        Context.ActorSelection(PathAt(targetAddress)).Tell(new ProbePing(_node.NodeId.Value, seq, _node.Gate.Stamp()));
    }

    private void OnProbePing(ProbePing m)
    {
        if (_node.Accept(m, m.From, null, Sender, _log, out _))
        {
            Sender.Tell(new ProbePingAck(_node.NodeId.Value, _selfUid, m.Seq, _node.Gate.Stamp()));
        }
    }

    private void OnProbePingAck(ProbePingAck m)
    {
        if (!_node.Accept(m, m.From, m.FromUid, Sender, _log, out var from)
            || !_probesForOthers.Remove(m.Seq, out var probe) || probe.TargetUid != m.FromUid || probe.Target != from)
        {
            return;
        }

        probe.Requester.Tell(new ProbeAck(_node.NodeId.Value, probe.Target.Value, probe.TargetUid, probe.RequesterSeq, _node.Gate.Stamp()));
    }

    private void OnProbeAck(ProbeAck m)
    {
        if (_node.Accept(m, m.From, null, Sender, _log, out _))
        {
            _detector.Tell(new HeardIndirectly(NodeId.Parse(m.Target), m.TargetUid));
        }
    }

    private void Send(ActorSelection to, object message) => to.Tell(message, Self);

    private sealed record Beat
    {
        public static Beat Instance { get; } = new();
    }
}
