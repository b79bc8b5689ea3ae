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
/// ClusterClientReceptionist. Thin: admits each request (<see cref="RemoteApiAccess"/>), checks its
/// fields, reads the supervisor's published view (status, leader) or asks the clock actor
/// (timestamps) and answers in the flat contracts; event subscriptions get one
/// <see cref="EventRelay"/> each, renewed and cancelled only by the requester that made them
/// (<see cref="SubscriptionOwners{TRelay}"/>). Every request is answered (a refusal is a
/// <see cref="RemoteApiError"/>, never a timeout); anything else is counted and dropped.
/// </summary>
public sealed class RemoteApiActor : ReceiveActor
{
    public const string Name = RemoteApiPaths.ServiceName;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(4);

    private readonly NodeContext _node;
    private readonly IActorRef _manager;
    private readonly RemoteApiAccess _access;
    private readonly SubscriptionOwners<IActorRef> _owners = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _relays;

    public RemoteApiActor(NodeContext node, IActorRef manager, RemoteApiAccess access)
    {
        _node = node;
        _manager = manager;
        _access = access;
        Receive<RemoteApiRequest>(m => !Admitted(m), _ => { }); // refused by Admitted (counted and answered)
        // Status and leader come from the supervisor's published view (StatusBoard), as the HTTP API serves them: no ask.
        Receive<Client.Akka.GetClusterStatus>(_ => FromBoard(_node.Board.Status(_node), Manager.GetClusterStatus.Instance));
        Receive<Client.Akka.GetLeader>(_ => FromBoard(_node.Board.Leader, Election.GetLeader.Instance));
        Receive<Client.Akka.GetTimestamp>(_ => Answer(Clock, new Protocol.GetTimestamp()));
        Receive<Client.Akka.ObserveTimestamp>(m => Valid(m), m => Answer(Clock, new Protocol.ObserveTimestamp(HlcTimestamp.Parse(m.Timestamp))));
        Receive<Client.Akka.SubscribeClusterEvents>(m => Valid(m), Subscribe);
        Receive<RenewClusterEventsSubscription>(m => Valid(m), m => ToRelay(m.SubscriptionId, m, stop: false));
        Receive<Client.Akka.UnsubscribeClusterEvents>(m => Valid(m), m => ToRelay(m.SubscriptionId, m, stop: true));
        Receive<IRemoteApiMessage>(_ => { }); // refused by Valid (counted and answered)
        Receive<Terminated>(t => _owners.Removed(t.ActorRef));
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public static Props Props(NodeContext node, IActorRef manager, RemoteApiAccess? access = null) =>
        Akka.Actor.Props.Create(() => new RemoteApiActor(node, manager, access ?? RemoteApiAccess.Open));

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
        var requester = Requester.Of(Sender.Path);
        switch (_owners.Check(m.SubscriptionId, requester, out var existing))
        {
            case OwnerCheck.Owner:
                existing!.Forward(m); // the same subscriber again (after a lost answer): the relay starts over
                return;
            case OwnerCheck.Other:
                NotPermitted(m, m.SubscriptionId, requester);
                Sender.Tell(new RemoteApiError(RemoteApiErrors.NotPermitted, "another connection holds this subscription id; choose another"));
                return;
        }

        if (_owners.Count >= _node.Settings.Events.MaxConnections)
        {
            Sender.Tell(new RemoteApiError(RemoteApiErrors.Unavailable,
                $"this node serves at most {_node.Settings.Events.MaxConnections} event subscriptions (solidb.events.max-connections)"));
            return;
        }

        // Child names are the node's own (ids are the services' and only unique per requester).
        var relay = Context.ActorOf(EventRelay.Props(_node, _manager, Sender, m), EventRelay.ChildName($"{++_relays}"));
        Context.Watch(relay);
        _owners.Add(m.SubscriptionId, requester, relay);
    }

    /// <summary>A renewal or cancellation: only by the requester that made the subscription; anyone else is refused and counted.</summary>
    private void ToRelay(string subscriptionId, object message, bool stop)
    {
        var requester = Requester.Of(Sender.Path);
        switch (_owners.Check(subscriptionId, requester, out var relay))
        {
            case OwnerCheck.Owner when stop:
                _owners.Remove(subscriptionId); // a renewal racing the relay's stop is answered Unknown, not lost
                Context.Stop(relay!);
                break;
            case OwnerCheck.Owner:
                relay!.Forward(message);
                break;
            case OwnerCheck.Other:
                NotPermitted(message, subscriptionId, requester);
                if (!stop)
                {
                    Sender.Tell(new ClusterEventsUnknown(subscriptionId)); // it holds no such subscription here
                }

                break;
            default:
                if (!stop)
                {
                    Sender.Tell(new ClusterEventsUnknown(subscriptionId));
                }

                break;
        }
    }

    private void NotPermitted(object message, string subscriptionId, string requester) =>
        _node.Refuse(RejectionReason.NotPermitted, message,
            $"subscription {Rejections.Quote(subscriptionId)} is held by another connection, not {Rejections.Quote(requester)}", _log);

    /// <summary>The access rule (<see cref="RemoteApiAccess"/>); a refusal is answered and counted as unauthorized.</summary>
    private bool Admitted(RemoteApiRequest m)
    {
        if (_access.Refusal(m.Token) is not { } refusal)
        {
            return true;
        }

        _node.Refuse(RejectionReason.Unauthorized, m, $"from {Rejections.Quote(Requester.Of(Sender.Path))}: {refusal}", _log);
        if (m is not Client.Akka.UnsubscribeClusterEvents)
        {
            Sender.Tell(new RemoteApiError(RemoteApiErrors.Unauthorized, refusal));
        }

        return false;
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
