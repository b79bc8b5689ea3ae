using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using Protocol = Solidb.Cluster.Protocol;

namespace Solidb.Cluster.RemoteApi;

/// <summary>
/// <c>/user/solidb-api</c>: the remote actor-message API, registered with the node's
/// ClusterClientReceptionist. Thin: checks each request's fields, reads the supervisor's published
/// view (status, leader) or asks the clock actor (timestamps) and answers in the flat contracts; event subscriptions
/// get one <see cref="EventRelay"/> each. Every request is answered (a refusal is a
/// <see cref="RemoteApiError"/>, never a timeout); anything else is counted and dropped.
/// </summary>
public sealed class RemoteApiActor : ReceiveActor
{
    public const string Name = RemoteApiPaths.ServiceName;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(4);

    private readonly NodeContext _node;
    private readonly IActorRef _manager;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RemoteApiActor(NodeContext node, IActorRef manager)
    {
        _node = node;
        _manager = manager;
        // Status and leader come from the supervisor's published view (StatusBoard), as the HTTP API serves them: no ask.
        Receive<Client.Akka.GetClusterStatus>(_ => FromBoard(_node.Board.Status(_node), Manager.GetClusterStatus.Instance));
        Receive<Client.Akka.GetLeader>(_ => FromBoard(_node.Board.Leader, Election.GetLeader.Instance));
        Receive<Client.Akka.GetTimestamp>(_ => Answer(Clock, new Protocol.GetTimestamp()));
        Receive<Client.Akka.ObserveTimestamp>(m => Valid(m), m => Answer(Clock, new Protocol.ObserveTimestamp(HlcTimestamp.Parse(m.Timestamp))));
        Receive<Client.Akka.SubscribeClusterEvents>(m => Valid(m), Subscribe);
        Receive<RenewClusterEventsSubscription>(m => Valid(m), m => ToRelay(m.SubscriptionId, m));
        Receive<Client.Akka.UnsubscribeClusterEvents>(m => Valid(m), m => Context.Stop(Context.Child(EventRelay.ChildName(m.SubscriptionId))));
        Receive<IRemoteApiMessage>(_ => { }); // refused by Valid (counted and answered)
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public static Props Props(NodeContext node, IActorRef manager) =>
        Akka.Actor.Props.Create(() => new RemoteApiActor(node, manager));

    private ActorSelection Clock => Context.ActorSelection(_manager.Path / ClockActor.Name);

    private void FromBoard(object? published, object request)
    {
        if (published is null)
        {
            Answer(_manager, request); // the supervisor has not published yet: it answers once it runs
            return;
        }

        Sender.Tell(RemoteApiReplies.From(published));
    }

    private void Answer(ICanTell to, object request)
    {
        var replyTo = Sender;
        to.Ask<object>(request, AskTimeout).ContinueWith(
            t => t.IsCompletedSuccessfully ? RemoteApiReplies.From(t.Result) : RemoteApiReplies.Unavailable,
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(replyTo, Self);
    }

    private void Subscribe(Client.Akka.SubscribeClusterEvents m)
    {
        var existing = Context.Child(EventRelay.ChildName(m.SubscriptionId));
        if (!existing.IsNobody())
        {
            existing.Forward(m); // the same subscriber again (after a lost answer): the relay starts over
            return;
        }

        if (Context.GetChildren().Count() >= _node.Settings.Events.MaxConnections)
        {
            Sender.Tell(new RemoteApiError(RemoteApiErrors.Unavailable,
                $"this node serves at most {_node.Settings.Events.MaxConnections} event subscriptions (solidb.events.max-connections)"));
            return;
        }

        Context.ActorOf(EventRelay.Props(_node, _manager, Sender, m), EventRelay.ChildName(m.SubscriptionId));
    }

    private void ToRelay(string subscriptionId, object message)
    {
        var relay = Context.Child(EventRelay.ChildName(subscriptionId));
        if (relay.IsNobody())
        {
            Sender.Tell(new ClusterEventsUnknown(subscriptionId));
            return;
        }

        relay.Forward(message);
    }

    private bool Valid(IRemoteApiMessage m)
    {
        if (RemoteApiFields.Check(m) is not { } bad)
        {
            return true;
        }

        _node.Refuse(RejectionReason.InvalidField, m, $"field {bad.Field} {bad.Problem}", _log);
        Sender.Tell(RemoteApiReplies.Invalid(bad.Field, bad.Problem));
        return false;
    }
}
