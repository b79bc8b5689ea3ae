using Akka.Actor;

namespace Solidb.Cluster.Manager;

/// <summary>What a subscriber subscribed to.</summary>
public enum Feed
{
    Membership,
    Leader,
}

/// <summary>
/// The supervisor's subscribers, per feed. Ending one feed leaves the subscriber's other one;
/// a subscriber that stops leaves both. Plain: the actor watches and unwatches as told.
/// </summary>
public sealed class Subscriptions
{
    private readonly Dictionary<Feed, HashSet<IActorRef>> _feeds = new()
    {
        [Feed.Membership] = [],
        [Feed.Leader] = [],
    };

    public IReadOnlyCollection<IActorRef> Of(Feed feed) => _feeds[feed];

    /// <summary>Sends <paramref name="message"/> to every subscriber of <paramref name="feed"/>.</summary>
    public void Tell(Feed feed, object message)
    {
        foreach (var subscriber in _feeds[feed])
        {
            subscriber.Tell(message);
        }
    }

    /// <summary>Adds the subscriber; true when it was on no feed before (the actor then watches it).</summary>
    public bool Add(Feed feed, IActorRef subscriber)
    {
        var wasKnown = IsKnown(subscriber);
        _feeds[feed].Add(subscriber);
        return !wasKnown;
    }

    /// <summary>Ends one feed; true when the subscriber is now on none (the actor then unwatches it).</summary>
    public bool Remove(Feed feed, IActorRef subscriber) => _feeds[feed].Remove(subscriber) && !IsKnown(subscriber);

    /// <summary>A subscriber stopped: it leaves every feed.</summary>
    public void RemoveAll(IActorRef subscriber)
    {
        foreach (var set in _feeds.Values)
        {
            set.Remove(subscriber);
        }
    }

    private bool IsKnown(IActorRef subscriber) => _feeds.Values.Any(s => s.Contains(subscriber));
}
