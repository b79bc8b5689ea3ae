using Akka.Actor;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Events;

/// <summary>
/// This incarnation's event stream: the numbered log and the subscribers, held by the node's
/// context so that a restart of the events actor (<see cref="EventsActor"/>, the only reader and
/// writer) neither numbers anew nor forgets a subscriber: seq is per node incarnation, never per
/// actor. Also how an actor other than the supervisor reports an event (thread-safe).
/// </summary>
public sealed class EventHub(long incarnation, Configuration.EventsSettings settings)
{
    private IActorRef? _events;

    internal EventLog Log { get; } = new(incarnation, settings.BufferSize);

    /// <summary>Each subscriber with its types filter (null: every type).</summary>
    internal Dictionary<IActorRef, IReadOnlySet<string>?> Subscribers { get; } = [];

    /// <summary>When a kept-out timestamp from each node last became an event (TimeProvider timestamps).</summary>
    internal Dictionary<NodeId, long> KeptOutReported { get; } = [];

    internal void Use(IActorRef events) => Volatile.Write(ref _events, events);

    /// <summary>A timestamp from <paramref name="from"/> was <paramref name="offsetMs"/> ahead of this node's wall clock and kept out.</summary>
    public void TimestampKeptOut(NodeId from, long offsetMs) => Volatile.Read(ref _events)?.Tell(new EventsActor.TimestampKeptOut(from, offsetMs));
}
