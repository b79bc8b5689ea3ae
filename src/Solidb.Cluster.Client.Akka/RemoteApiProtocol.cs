using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Akka;

// The remote actor-message API of a SoliDB node, served at /user/solidb-api through Akka's
// ClusterClientReceptionist to services that are not cluster members. Flat data only: strings,
// numbers, lists and the client library's models; every type here goes through
// RemoteApiSerializer (a closed map of manifests), never through a serializer that builds a type
// the payload names. Admin actions (leave, down, transfer) are not on this path.

/// <summary>Every message of the remote API, requests and replies (the serializer binding).</summary>
public interface IRemoteApiMessage;

/// <summary>
/// A request to a node. <see cref="Token"/> is the admin token, which a node without TLS needs on
/// every request when <c>solidb.http.require-token-for-reads = on</c> (docs/remote-api.md "Who may
/// ask"); <see cref="SolidbClusterClientOptions.BearerToken"/> sets it. Never shown by <c>ToString</c>.
/// </summary>
public abstract record RemoteApiRequest : IRemoteApiMessage
{
    public string? Token { get; init; }

    protected virtual bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Token = ").Append(Token is null ? "(none)" : "(redacted)");
        return true;
    }
}

/// <summary>Ask for the node's status; the reply is a <see cref="ClusterStatusReply"/>.</summary>
public sealed record GetClusterStatus : RemoteApiRequest
{
    public static GetClusterStatus Instance { get; } = new();
}

public sealed record ClusterStatusReply(StatusResponse Status) : IRemoteApiMessage;

/// <summary>Ask for the leader this node knows; the reply is a <see cref="LeaderReply"/> with the fencing token.</summary>
public sealed record GetLeader : RemoteApiRequest
{
    public static GetLeader Instance { get; } = new();
}

public sealed record LeaderReply(LeaderResponse Leader) : IRemoteApiMessage;

/// <summary>Ask for a fresh HLC timestamp; the reply is a <see cref="TimestampReply"/> or a <see cref="RemoteApiError"/> (clock out of sync).</summary>
public sealed record GetTimestamp : RemoteApiRequest
{
    public static GetTimestamp Instance { get; } = new();
}

/// <summary>
/// Report a timestamp seen on an incoming event (the text form, <c>{physical:x16}-{logical:x8}</c>); the
/// reply is a <see cref="TimestampReply"/> with the node's new timestamp, greater than it, or a
/// <see cref="RemoteApiError"/> (<c>timestamp_rejected</c> beyond the max offset, <c>clock_unavailable</c>).
/// </summary>
public sealed record ObserveTimestamp(string Timestamp) : RemoteApiRequest;

/// <summary>An HLC timestamp: its text form and its parts (physical: Unix milliseconds; logical: the counter).</summary>
public sealed record TimestampReply(string Timestamp, long Physical, long Logical) : IRemoteApiMessage;

/// <summary>
/// Subscribe the sender to the node's events (the client library's <see cref="ClusterEvent"/> models,
/// in seq order): a snapshot first, or with <paramref name="Since"/> (and <paramref name="Incarnation"/>,
/// both only meaningful on the node <paramref name="NodeId"/> that numbered them) the events after it,
/// or a reset. The node answers <see cref="ClusterEventsSubscribed"/>. The subscription is a lease: the
/// subscriber renews it (<see cref="RenewClusterEventsSubscription"/>) or the node drops it.
/// </summary>
/// <param name="SubscriptionId">The subscriber's name for it (1-64 letters, digits, '-', '_').</param>
/// <param name="Types">Only these event types (snapshot and reset always come); null or empty: all.</param>
public sealed record SubscribeClusterEvents(
    string SubscriptionId, long? Since = null, long? Incarnation = null, string? NodeId = null, IReadOnlyList<string>? Types = null) : RemoteApiRequest;

/// <summary>The node took the subscription; events follow from this node (its id and incarnation).</summary>
public sealed record ClusterEventsSubscribed(string SubscriptionId, string NodeId, long Incarnation) : IRemoteApiMessage;

/// <summary>Keep a subscription alive; the answer is <see cref="ClusterEventsRenewed"/>, or <see cref="ClusterEventsUnknown"/> from a node that does not hold it.</summary>
public sealed record RenewClusterEventsSubscription(string SubscriptionId) : RemoteApiRequest;

public sealed record ClusterEventsRenewed(string SubscriptionId) : IRemoteApiMessage;

/// <summary>This node holds no such subscription (another node answered, or the lease ran out): subscribe again.</summary>
public sealed record ClusterEventsUnknown(string SubscriptionId) : IRemoteApiMessage;

public sealed record UnsubscribeClusterEvents(string SubscriptionId) : RemoteApiRequest;

/// <summary>
/// A refusal: the request is answered, never left to time out. <paramref name="Code"/> is one of
/// <see cref="RemoteApiErrors"/>; <paramref name="Message"/> says why in words.
/// </summary>
public sealed record RemoteApiError(string Code, string Message) : IRemoteApiMessage;

public static class RemoteApiErrors
{
    /// <summary>The node's clock is out of sync with the majority: it issues no timestamps.</summary>
    public const string ClockUnavailable = "clock_unavailable";

    /// <summary>The observed timestamp is beyond the node's max clock offset.</summary>
    public const string TimestampRejected = "timestamp_rejected";

    /// <summary>A field out of range (the message names it).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The node could not answer in time (its supervisor or clock is busy or restarting).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The node needs the admin token on every request and the request had none, or a wrong one.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The subscription id is held by another connection (subscribe); renew and cancel only by the one that made it.</summary>
    public const string NotPermitted = "not_permitted";
}

/// <summary>Where the remote API lives on every node.</summary>
public static class RemoteApiPaths
{
    /// <summary>The service actor's name under /user.</summary>
    public const string ServiceName = "solidb-api";

    /// <summary>The path a ClusterClient sends to.</summary>
    public const string Service = "/user/" + ServiceName;

    /// <summary>The receptionist's path (Akka.Cluster.Tools' default name), the contact point of every node.</summary>
    public const string Receptionist = "/system/receptionist";

    /// <summary>Every node's actor system name.</summary>
    public const string SystemName = "solidb";
}
