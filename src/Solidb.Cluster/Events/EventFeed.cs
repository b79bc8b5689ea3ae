using Akka.Actor;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Events;

/// <summary>
/// The supervisor's side of the event stream: derives events from its decisions and health
/// signals (<see cref="EventSource"/>) and records them at the events actor, in order. A
/// subscription goes to the events actor with the status the supervisor holds at that moment,
/// so its snapshot includes exactly the events recorded before it.
/// </summary>
public sealed class EventFeed(NodeContext node, IActorRef events)
{
    private readonly EventSource _source = new(node.NodeId);

    /// <param name="members">The supervisor's current membership (names the members a clock verdict is about).</param>
    public void Observe(Decision decision, Membership.MembershipSnapshot members) => Record(decision switch
    {
        PublishMembership p => _source.Membership(p.Snapshot),
        PublishLeader l => _source.Leader(l.Leader),
        PublishClock c => _source.Clock(c.Status, members, a => node.WallOffsets.Of(a)?.OffsetMs),
        _ => [],
    });

    public void Health(HealthSignals signals, HealthStats stats) => Record(_source.Health(signals.Signals, stats));

    public void Subscribe(SubscribeClusterEvents request, ClusterStatus status) =>
        events.Tell(new EventsActor.Subscribe(request, status.ToResponse()));

    public void Unsubscribe(UnsubscribeClusterEvents request) => events.Tell(request);

    private void Record(IReadOnlyList<ClusterEvent> derived)
    {
        if (derived.Count > 0)
        {
            events.Tell(new EventsActor.Record([.. derived]));
        }
    }
}
