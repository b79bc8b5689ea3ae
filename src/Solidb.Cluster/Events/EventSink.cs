using Akka.Actor;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Events;

/// <summary>
/// How an actor that is not the supervisor reports an event: today only a timestamp kept out of the clock
/// (<see cref="Manager.Inbound"/>). Thread-safe; drops reports until the events actor is wired.
/// </summary>
public sealed class EventSink
{
    private IActorRef? _events;

    internal void Use(IActorRef events) => Volatile.Write(ref _events, events);

    /// <summary>A timestamp from <paramref name="from"/> was <paramref name="offsetMs"/> ahead of this node's wall clock and kept out.</summary>
    public void TimestampKeptOut(NodeId from, long offsetMs) => Volatile.Read(ref _events)?.Tell(new EventsActor.TimestampKeptOut(from, offsetMs));
}
