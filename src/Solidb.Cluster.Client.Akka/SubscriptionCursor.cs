using Solidb.Cluster.Client.Events;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// Where a remote subscription stands: the node that serves it, the last event delivered, and how
/// many renewals went unanswered. Decides what to send next (the service-side rules of
/// <see cref="EventsSubscription"/>, kept apart so they are tested without a network).
/// </summary>
public sealed class SubscriptionCursor(string subscriptionId, IReadOnlyList<string>? types, int silentRenewalsToResubscribe = 2)
{
    public string SubscriptionId { get; } = subscriptionId;

    /// <summary>The node that serves the subscription, once it confirmed it.</summary>
    public string? NodeId { get; private set; }

    public long? Incarnation { get; private set; }

    public long? LastSeq { get; private set; }

    private int _silentRenewals;

    /// <summary>The request that (re)subscribes: resumes after the last event when the same node and incarnation answers.</summary>
    public SubscribeClusterEvents Subscribe() =>
        new(SubscriptionId, LastSeq, LastSeq is null ? null : Incarnation, LastSeq is null ? null : NodeId, types is { Count: > 0 } ? types : null);

    /// <summary>A node confirmed; events numbered by another node or incarnation than before start over.</summary>
    public void Subscribed(ClusterEventsSubscribed confirmed)
    {
        if (confirmed.NodeId != NodeId || confirmed.Incarnation != Incarnation)
        {
            LastSeq = null;
        }

        NodeId = confirmed.NodeId;
        Incarnation = confirmed.Incarnation;
        _silentRenewals = 0;
    }

    /// <summary>Anything heard from the serving node.</summary>
    public void Heard() => _silentRenewals = 0;

    /// <summary>True when the event is new (not at or before the last delivered one of the same incarnation).</summary>
    public bool Deliver(ClusterEvent e)
    {
        _silentRenewals = 0;
        if (e.Incarnation == Incarnation && LastSeq is { } last && e.Seq <= last && e is not SnapshotEvent and not ResetEvent)
        {
            return false;
        }

        Incarnation = e.Incarnation;
        LastSeq = e.Seq;
        return true;
    }

    /// <summary>At each renewal tick: the message to send, a renewal or, after renewals went unanswered, a new subscription.</summary>
    public IRemoteApiMessage Tick() =>
        ++_silentRenewals > silentRenewalsToResubscribe ? Resubscribe() : new RenewClusterEventsSubscription(SubscriptionId);

    private SubscribeClusterEvents Resubscribe()
    {
        _silentRenewals = 0;
        return Subscribe();
    }
}
