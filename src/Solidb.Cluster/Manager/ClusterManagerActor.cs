using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The node's supervisor, <c>/user/solidb-cluster</c>: starts and supervises the clock,
/// bootstrap, heartbeat, failure-detector and election actors, and translates between Akka and
/// the <see cref="NodeCoordinator"/>, which makes every decision (membership, downing, restarts).
/// It also answers the actor-message API (status, leader, subscriptions, leave).
/// </summary>
public sealed class ClusterManagerActor : ReceiveActor, IWithTimers
{
    public const string Name = "solidb-cluster";

    private readonly NodeContext _node;
    private readonly AkkaSide _akka;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeCoordinator _coordinator;
    private readonly Subscriptions _subscriptions = new();
    private HealthStats _health = HealthStats.Empty;
    private IActorRef _detector = ActorRefs.Nobody;
    private IActorRef _election = ActorRefs.Nobody;
    private Events.EventFeed _events = null!;
    private readonly Admin.AdminRequests _admin;
    private readonly Admin.ForwardedAdmin _forwarded;

    public ClusterManagerActor(NodeContext node)
    {
        _node = node;
        _akka = new AkkaSide(Context.System, node);
        _coordinator = new NodeCoordinator(node.NodeId, node.Time, node.Settings.Election, node.RejoinOnly, node.Counters,
            node.Settings.Clock, node.Settings.SeedOrder().Count, node.Settings.Health.MonitoredPeers);
        _admin = new Admin.AdminRequests(node, _akka, _coordinator, Context.System, _log,
            (message, delay) => Timers.StartSingleTimer(message, message, delay));
        _forwarded = new Admin.ForwardedAdmin(node, _akka, _coordinator, () => _election, _log);
        Receive<ClusterEvent.CurrentClusterState>(s => Carry(_coordinator.MembersReset(AkkaMembers.ObserveAll(s.Members))));
        Receive<ClusterEvent.IMemberEvent>(OnMember);
        Receive<ClusterEvent.UnreachableMember>(e => OnReachability(e.Member, unreachable: true));
        Receive<ClusterEvent.ReachableMember>(e => OnReachability(e.Member, unreachable: false));
        Receive<LeaderInfo>(info => Carry(_coordinator.LeaderChanged(info)));
        Receive<HealthSignals>(m =>
        {
            _events.Health(m, _health);
            Carry(_coordinator.Health(m.Signals));
        });
        Receive<HealthStats>(s =>
        {
            _health = s;
            _node.Board.Publish(_coordinator.Snapshot, _health, _coordinator.Leader);
        });
        Receive<Introduce>(OnIntroduce);
        Receive<Akka.Remote.ThisActorSystemQuarantinedEvent>(e => Carry(_coordinator.QuarantinedByPeer(AkkaMembers.HostPort(e.RemoteAddress))));
        Receive<Tick>(_ =>
        {
            _akka.ShareGossip();
            Carry(_coordinator.Tick(_akka.Standing, _node.WallOffsets.Fresh()));
        });
        Receive<GetLeader>(_ => Sender.Tell(_coordinator.Leader));
        Receive<GetClusterStatus>(_ => Sender.Tell(StatusReport.Build(_node, _coordinator.Snapshot, _health, _coordinator.Leader)));
        Receive<SubscribeMembership>(m => Subscribe(Feed.Membership, m.Subscriber, new MembershipChanged(_coordinator.Snapshot)));
        Receive<SubscribeLeader>(m => Subscribe(Feed.Leader, m.Subscriber, new LeaderChanged(_coordinator.Leader)));
        Receive<UnsubscribeMembership>(m => Unsubscribe(Feed.Membership, m.Subscriber));
        Receive<UnsubscribeLeader>(m => Unsubscribe(Feed.Leader, m.Subscriber));
        Receive<Events.SubscribeClusterEvents>(m => _events.Subscribe(m, StatusReport.Build(_node, _coordinator.Snapshot, _health, _coordinator.Leader)));
        Receive<Events.UnsubscribeClusterEvents>(m => _events.Unsubscribe(m));
        Receive<Terminated>(t => _subscriptions.RemoveAll(t.ActorRef));
        Receive<LeaveCluster>(_ => Leave());
        Receive<Admin.DownMemberRequest>(m => _admin.Local(m, Sender, Self));
        Receive<OperatorDownRequest>(m => _admin.Forwarded(m, Sender, Self));
        Receive<OperatorDownNotice>(m => _admin.Notice(m, Sender));
        Receive<Admin.ConfirmOperatorDown>(_admin.Confirm);
        Receive<TransferLeadership>(m => _election.Forward(m));
        Receive<Admin.TransferLeadershipRequest>(m => _forwarded.Local(m, Sender, Self));
        Receive<LeadershipTransferRequest>(m => _forwarded.Forwarded(m, Sender, Self));
        Receive<Admin.LeaveMemberRequest>(m => _forwarded.Local(m, Sender, Self));
        Receive<MemberLeaveRequest>(m => _forwarded.Forwarded(m, Sender, Self));
        Receive<Bootstrap.AbandonFormation>(_ => _akka.StopForRestart(new RestartSelf(RestartCause.FormationAbandoned, DownSelf: true)));
        Receive<WiringRequest>(_ => ChildWiring.Rewire(Context, Sender, _coordinator.Snapshot, _log));
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new ChildSupervisor(_node.Time, Context.System, _log);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new ClusterManagerActor(node));

    protected override void PreStart()
    {
        _log.Info("Node {0} (incarnation {1}) at {2}, HTTP {3}; joins via: {4}{5}", _node.NodeId, _node.Identity.Incarnation,
            _node.Address, _node.HttpAddress, string.Join(", ", _akka.SeedNodes),
            _node.RejoinOnly ? " (rejoining: join only, never form a cluster)" : "");
        Context.ActorOf(ClockActor.Props(_node), ClockActor.Name);
        var events = Context.ActorOf(Events.EventsActor.Props(_node), Events.EventsActor.Name);
        _events = new Events.EventFeed(_node, events);
        _node.Events.Use(events);
        Context.ActorOf(Bootstrap.BootstrapActor.Props(_node), Bootstrap.BootstrapActor.Name);
        _detector = Context.ActorOf(FailureDetectorActor.Props(_node), FailureDetectorActor.Name);
        _election = Context.ActorOf(ElectionActor.Props(_node), ElectionActor.Name);
        var heartbeat = Context.ActorOf(HeartbeatActor.Props(_node, _detector, _election), HeartbeatActor.Name);
        _detector.Tell(new FailureDetectorActor.UseHeartbeat(heartbeat));
        _election.Tell(new ElectionActor.UseHeartbeat(heartbeat));
        _akka.Subscribe(Self);
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.ThisActorSystemQuarantinedEvent));
        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, _node.Settings.Health.HeartbeatInterval);
    }

    protected override void PostStop()
    {
        _akka.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void OnMember(ClusterEvent.IMemberEvent e)
    {
        if (AkkaMembers.Observe(e.Member) is { } observed)
        {
            Carry(_coordinator.MemberChanged(observed));
            return;
        }

        _log.Warning("Ignoring member {0} with roles [{1}]: it carries no node id role, so it is not a SoliDB node",
            e.Member.Address, string.Join(", ", e.Member.Roles));
    }

    private void OnReachability(Member member, bool unreachable)
    {
        if (AkkaMembers.Observe(member) is { } observed)
        {
            Carry(_coordinator.AkkaUnreachable(observed, unreachable));
        }
    }

    private void OnIntroduce(Introduce m)
    {
        if (!_node.Accept(m, m.NodeId, m.Uid, Sender, _log, out var id))
        {
            return;
        }

        var from = Inbound.SenderAddress(Sender) ?? _node.Address;
        Carry(_coordinator.Introduced(id, m.Uid, from, m.HttpAddress, m.Incarnation, remote: !Sender.Path.Address.HasLocalScope));
    }

    /// <summary>Carries out the coordinator's decisions, in order.</summary>
    private void Carry(IReadOnlyList<Decision> decisions)
    {
        foreach (var decision in decisions)
        {
            _events.Observe(decision, _coordinator.Snapshot);
            switch (decision)
            {
                case LogLine line:
                    _log.Log(line.Level, line.Text);
                    break;
                case PublishMembership p:
                    Publish(p.Snapshot);
                    break;
                case PublishLeader l:
                    _subscriptions.Tell(Feed.Leader, new LeaderChanged(l.Leader));
                    break;
                case IntroduceTo i:
                    (_akka.ManagerAt(i.Address) ?? (ICanTell)Self).Tell(_akka.Introduction(), Self);
                    break;
                case AnswerIntroduction:
                    Sender.Tell(_akka.Introduction());
                    break;
                case DownMember d:
                    _akka.Down(d);
                    break;
                case QuarantineMember q:
                    _akka.Quarantine(q);
                    break;
                case RestartSelf r:
                    _akka.StopForRestart(r);
                    break;
                case PublishClock c:
                    _node.ClockStatus = c.Status;
                    break;
                case StopForClockSkew stop:
                    _akka.StopForClockSkew(stop);
                    break;
            }
        }

        _node.Board.Publish(_coordinator.Snapshot, _health, _coordinator.Leader);
    }

    private void Publish(MembershipSnapshot snapshot)
    {
        _node.Members = new Security.MemberDirectory(snapshot, _node.NodeId, _node.Address);
        _node.WallOffsets.Retain(snapshot.Members.Select(m => m.Address).Concat(_node.Settings.Peers.Select(p => p.ToString())));
        var message = new MembershipChanged(snapshot);
        _detector.Tell(message);
        _election.Tell(message);
        _subscriptions.Tell(Feed.Membership, message);
    }

    private void Subscribe(Feed feed, IActorRef subscriber, object current)
    {
        if (_subscriptions.Add(feed, subscriber))
        {
            Context.Watch(subscriber);
        }

        subscriber.Tell(current);
    }

    private void Unsubscribe(Feed feed, IActorRef subscriber)
    {
        if (_subscriptions.Remove(feed, subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void Leave()
    {
        _log.Info("Leaving the cluster gracefully (requested by {0})", Sender);
        _akka.Leave();
    }

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
