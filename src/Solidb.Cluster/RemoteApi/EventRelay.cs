using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Manager;
using Local = Solidb.Cluster.Events;

namespace Solidb.Cluster.RemoteApi;

/// <summary>
/// One remote event subscription: subscribed to the supervisor's events as itself, it passes each
/// event to the subscriber's response tunnel (the receptionist's child that carries answers back
/// to the service). The subscription is a lease the service renews every 10 s; each renewal's
/// answer also keeps the tunnel open, which Akka closes after 30 s without traffic. The relay
/// stops, and unsubscribes, when the lease runs out (<see cref="Lease"/> without a renewal), when
/// the tunnel stops, or on <see cref="UnsubscribeClusterEvents"/>.
/// </summary>
public sealed class EventRelay : ReceiveActor, IWithTimers
{
    /// <summary>Three renewal intervals of the client helper (10 s each).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly NodeContext _node;
    private readonly IActorRef _manager;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _tunnel;
    private SubscribeClusterEvents _request;

    public EventRelay(NodeContext node, IActorRef manager, IActorRef tunnel, SubscribeClusterEvents request)
    {
        _node = node;
        _manager = manager;
        _tunnel = tunnel;
        _request = request;
        Receive<ClusterEvent>(e => _tunnel.Tell(e, Self));
        Receive<RenewClusterEventsSubscription>(_ =>
        {
            StartLease();
            Sender.Tell(new ClusterEventsRenewed(_request.SubscriptionId), Self);
        });
        Receive<SubscribeClusterEvents>(m =>
        {
            Context.Unwatch(_tunnel);
            _tunnel = Sender;
            _request = m;
            _manager.Tell(new Local.UnsubscribeClusterEvents(Self));
            Start();
        });
        Receive<LeaseExpired>(_ =>
        {
            _log.Info("Ending remote event subscription {0}: not renewed within {1}", _request.SubscriptionId, Lease);
            Context.Stop(Self);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_tunnel), _ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string ChildName(string subscriptionId) => "events-" + subscriptionId;

    public static Props Props(NodeContext node, IActorRef manager, IActorRef tunnel, SubscribeClusterEvents request) =>
        Akka.Actor.Props.Create(() => new EventRelay(node, manager, tunnel, request));

    protected override void PreStart()
    {
        _log.Info("Remote event subscription {0} for {1}", _request.SubscriptionId, _tunnel.Path);
        Start();
    }

    protected override void PostStop() => _manager.Tell(new Local.UnsubscribeClusterEvents(Self));

    private void Start()
    {
        Context.Watch(_tunnel);
        // Seqs are per node and incarnation: resume only where this node numbered them.
        var resume = _request.NodeId == _node.NodeId.Value && _request.Incarnation == _node.Identity.Incarnation;
        var types = _request.Types is { Count: > 0 } t ? t.ToHashSet(StringComparer.Ordinal) : null;
        _manager.Tell(new Local.SubscribeClusterEvents(Self, resume ? _request.Since : null, resume ? _request.Incarnation : null, types));
        _tunnel.Tell(new ClusterEventsSubscribed(_request.SubscriptionId, _node.NodeId.Value, _node.Identity.Incarnation), Self);
        StartLease();
    }

    private void StartLease() => Timers.StartSingleTimer(nameof(LeaseExpired), LeaseExpired.Instance, Lease);

    private sealed record LeaseExpired
    {
        public static LeaseExpired Instance { get; } = new();
    }
}
