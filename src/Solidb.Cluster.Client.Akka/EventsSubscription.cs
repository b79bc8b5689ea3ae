using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Event;
using Solidb.Cluster.Client.Events;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// The service side of one event subscription: subscribes through the ClusterClient, renews the
/// lease every interval (whose answers also keep the receptionist's response tunnel open through
/// idle periods), passes the events to the subscriber, and subscribes again on the node the client
/// reaches when the serving node forgets the subscription or stops answering. Only events from the
/// relay that confirmed the subscription are passed on. Stopping this actor unsubscribes.
/// </summary>
public sealed class EventsSubscription : ReceiveActor, IWithTimers
{
    private const string RenewTimer = "renew";

    private readonly IActorRef _client;
    private readonly IActorRef _subscriber;
    private readonly TimeSpan _renewInterval;
    private readonly string? _token;
    private readonly SubscriptionCursor _cursor;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _relay;

    public EventsSubscription(IActorRef client, IActorRef subscriber, IReadOnlyList<string>? types, TimeSpan renewInterval, string? token = null)
    {
        _token = token;
        _client = client;
        _subscriber = subscriber;
        _renewInterval = renewInterval;
        _cursor = new SubscriptionCursor(Guid.NewGuid().ToString("N"), types);

        Receive<ClusterEventsSubscribed>(m => m.SubscriptionId == _cursor.SubscriptionId, m =>
        {
            _relay = Sender;
            _cursor.Subscribed(m);
            _log.Info("Subscribed to the cluster events of node {0} (incarnation {1})", m.NodeId, m.Incarnation);
        });
        Receive<ClusterEvent>(e =>
        {
            if (_relay is null || !Sender.Equals(_relay))
            {
                return; // from a relay this subscription has left (it expires on its own)
            }

            if (_cursor.Deliver(e))
            {
                _subscriber.Tell(e);
            }
        });
        Receive<ClusterEventsRenewed>(m => m.SubscriptionId == _cursor.SubscriptionId && Sender.Equals(_relay), _ => _cursor.Heard());
        Receive<ClusterEventsUnknown>(m => m.SubscriptionId == _cursor.SubscriptionId, _ =>
        {
            _log.Info("Node {0} no longer holds the event subscription; subscribing again", _cursor.NodeId ?? "(none)");
            _relay = null;
            Send(_cursor.Subscribe());
        });
        Receive<RemoteApiError>(e => _log.Warning("The cluster refused the event subscription: {0} ({1})", e.Message, e.Code));
        Receive<Renew>(_ => Send(_cursor.Tick()));
        Receive<Terminated>(t => t.ActorRef.Equals(_subscriber), _ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef client, IActorRef subscriber, IReadOnlyList<string>? types, TimeSpan renewInterval, string? token = null) =>
        global::Akka.Actor.Props.Create(() => new EventsSubscription(client, subscriber, types, renewInterval, token));

    protected override void PreStart()
    {
        Context.Watch(_subscriber);
        Send(_cursor.Subscribe());
        Timers.StartPeriodicTimer(RenewTimer, Renew.Instance, _renewInterval);
    }

    protected override void PostStop() => Send(new UnsubscribeClusterEvents(_cursor.SubscriptionId));

    /// <summary>Every request from this actor, so the node keys the subscription to this actor's system (its owner).</summary>
    private void Send(IRemoteApiMessage message) => _client.Tell(SolidbClusterClient.ToService(SolidbClusterClient.WithToken(message, _token)), Self);

    private sealed record Renew
    {
        public static Renew Instance { get; } = new();
    }
}
