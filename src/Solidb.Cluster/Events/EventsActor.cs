using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Events;

/// <summary>
/// <c>/user/solidb-cluster/events</c>: numbers the events the supervisor records (<see cref="EventLog"/>),
/// stamps them with this node's HLC and wall time, and sends each to every subscriber whose types
/// it matches. A subscriber starts with a snapshot, a replay or a reset (<see cref="SubscribeClusterEvents"/>).
/// Telling never blocks: a slow consumer's own queue (the WebSocket endpoint's) is where it is cut.
/// Its state is the incarnation's <see cref="EventHub"/>: a restarted events actor goes on numbering.
/// </summary>
public sealed class EventsActor : ReceiveActor
{
    public const string Name = "events";

    private readonly NodeContext _node;
    private readonly EventLog _log;
    private readonly Dictionary<IActorRef, IReadOnlySet<string>?> _subscribers;
    private readonly Dictionary<NodeId, long> _keptOutReported;
    private readonly ILoggingAdapter _logger = Context.GetLogger();

    public EventsActor(NodeContext node)
    {
        _node = node;
        (_log, _subscribers, _keptOutReported) = (node.Events.Log, node.Events.Subscribers, node.Events.KeptOutReported);
        Receive<Record>(r => r.Events.ForEach(Publish));
        Receive<Subscribe>(OnSubscribe);
        Receive<UnsubscribeClusterEvents>(m =>
        {
            _subscribers.Remove(m.Subscriber);
            Context.Unwatch(m.Subscriber);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<TimestampKeptOut>(OnKeptOut);
        ReceiveAny(m => _node.Dropped(m, _logger, Name));
    }

    /// <summary>How often a kept-out timestamp from one node becomes an event: the counter has every one.</summary>
    public static TimeSpan KeptOutInterval { get; } = TimeSpan.FromMinutes(1);

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new EventsActor(node));

    private void Publish(ClusterEvent body)
    {
        var e = _log.Append(Stamp(body));
        foreach (var (subscriber, types) in _subscribers)
        {
            if (types is null || types.Contains(e.Type))
            {
                subscriber.Tell(e);
            }
        }
    }

    private void OnSubscribe(Subscribe s)
    {
        var (subscriber, since, incarnation, types) = s.Request;
        IReadOnlyList<ClusterEvent> first = _log.Resume(since, incarnation) switch
        {
            Replay replay => replay.Events.Where(e => types is not { Count: > 0 } || types.Contains(e.Type)).ToList(),
            StartWithReset reset => [Stamp(new ResetEvent(reset.Reason, s.Status)) with { Seq = _log.LastSeq, Incarnation = _node.Identity.Incarnation }],
            _ => [Stamp(new SnapshotEvent(s.Status)) with { Seq = _log.LastSeq, Incarnation = _node.Identity.Incarnation }],
        };
        foreach (var e in first)
        {
            subscriber.Tell(e);
        }

        _subscribers[subscriber] = types is { Count: > 0 } ? types : null;
        Context.Watch(subscriber);
    }

    private void OnKeptOut(TimestampKeptOut k)
    {
        var now = _node.Time.GetTimestamp();
        if (_keptOutReported.TryGetValue(k.From, out var last) && _node.Time.GetElapsedTime(last, now) < KeptOutInterval)
        {
            return;
        }

        _keptOutReported[k.From] = now;
        Publish(new ClockSkewEvent(k.From.Value, k.OffsetMs, (long)_node.Settings.Clock.MaxOffset.TotalMilliseconds, InSync: null));
    }

    private ClusterEvent Stamp(ClusterEvent body) =>
        body with { Hlc = (_node.Clock.TryNow(out _) ?? _node.Clock.Current).ToString(), At = _node.Time.GetUtcNow() };

    /// <summary>Events the supervisor derived, in order (<see cref="EventSource"/>).</summary>
    public sealed record Record(List<ClusterEvent> Events);

    /// <summary>A subscription with the status its snapshot or reset carries (assembled by the supervisor).</summary>
    public sealed record Subscribe(SubscribeClusterEvents Request, StatusResponse Status);

    /// <summary>A wire timestamp from <paramref name="From"/> was kept out of the clock (<see cref="EventHub.TimestampKeptOut"/>).</summary>
    public sealed record TimestampKeptOut(NodeId From, long OffsetMs);
}
