using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.RemoteApi;

/// <summary>
/// Field checks every remote API request passes before the node acts on it (the serializer only
/// guarantees the JSON parsed into the right type): no null or oversize text, subscription ids of
/// a safe alphabet, known event types, non-negative numbers, timestamps in their one text form.
/// </summary>
public static class RemoteApiFields
{
    public const int MaxSubscriptionId = 64;

    /// <summary>Null when every field is in range; otherwise the field's name and what is wrong.</summary>
    public static (string Field, string Problem)? Check(IRemoteApiMessage message) => message switch
    {
        ObserveTimestamp m => HlcTimestamp.TryParse(m.Timestamp, out _) ? null : Bad("timestamp", "is not an HLC timestamp (16 hex digits, '-', 8 hex digits)"),
        SubscribeClusterEvents m => Id(m.SubscriptionId)
            ?? (m.Since is null or >= 0 ? null : Bad("since", "is negative"))
            ?? (m.Incarnation is null or > 0 ? null : Bad("incarnation", "is not positive"))
            ?? (m.NodeId is null || NodeId.TryParse(m.NodeId, out _) ? null : Bad("node_id", "is no node id"))
            ?? Types(m.Types),
        RenewClusterEventsSubscription m => Id(m.SubscriptionId),
        UnsubscribeClusterEvents m => Id(m.SubscriptionId),
        _ => null,
    };

    /// <summary>1-64 letters, digits, '-' or '_': it names a child actor.</summary>
    public static bool IsSubscriptionId(string? id) =>
        id is { Length: > 0 and <= MaxSubscriptionId } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static (string, string)? Bad(string field, string problem) => (field, problem);

    private static (string, string)? Id(string? id) =>
        IsSubscriptionId(id) ? null : ("subscription_id", "must be 1-64 letters, digits, '-' or '_'");

    private static (string, string)? Types(IReadOnlyList<string>? types) =>
        types is null || (types.Count <= EventTypes.All.Count && types.All(t => t is not null && EventTypes.All.Contains(t)))
            ? null
            : ("types", $"must name known event types ({string.Join(", ", EventTypes.All)})");
}
