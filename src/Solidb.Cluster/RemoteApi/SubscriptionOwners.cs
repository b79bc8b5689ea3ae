namespace Solidb.Cluster.RemoteApi;

/// <summary>What a subscription request may do, given who holds the id.</summary>
public enum OwnerCheck
{
    /// <summary>No subscription has the id.</summary>
    Unknown,

    /// <summary>The requester holds it.</summary>
    Owner,

    /// <summary>Another requester holds it: refused (counted as not_permitted).</summary>
    Other,
}

/// <summary>
/// Which requester (<see cref="Requester"/>) holds which remote event subscription, and its relay.
/// Ids are the services' own names (the client helper uses a GUID), so ownership, not the id,
/// decides who may renew, cancel or take over a subscription.
/// </summary>
public sealed class SubscriptionOwners<TRelay>
    where TRelay : class
{
    private readonly Dictionary<string, (string Owner, TRelay Relay)> _byId = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    /// <summary>Whether <paramref name="requester"/> may act on <paramref name="id"/>; its relay when it holds it.</summary>
    public OwnerCheck Check(string id, string requester, out TRelay? relay)
    {
        relay = null;
        if (!_byId.TryGetValue(id, out var held))
        {
            return OwnerCheck.Unknown;
        }

        if (held.Owner != requester)
        {
            return OwnerCheck.Other;
        }

        relay = held.Relay;
        return OwnerCheck.Owner;
    }

    public void Add(string id, string owner, TRelay relay) => _byId[id] = (owner, relay);

    /// <summary>Cancelled by its owner: the id is free at once (its relay may take a moment to stop).</summary>
    public void Remove(string id) => _byId.Remove(id);

    /// <summary>The relay stopped (lease ran out, tunnel gone, cancelled): its id is free again.</summary>
    public void Removed(TRelay relay)
    {
        foreach (var id in _byId.Where(kv => ReferenceEquals(kv.Value.Relay, relay) || kv.Value.Relay.Equals(relay)).Select(kv => kv.Key).ToList())
        {
            _byId.Remove(id);
        }
    }
}
