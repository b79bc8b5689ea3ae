using System.Text.Json.Serialization;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Events;

/// <summary>
/// One frame of <c>GET /_api/cluster/events</c>: what one node observed, numbered per node and incarnation.
/// <c>seq</c> grows by one per event within an incarnation of the node (<c>incarnation</c>); <c>hlc</c>
/// is the node's timestamp of the event as text, <c>at</c> its wall time. The JSON "type" names the kind;
/// a type this library does not know yet is read as a plain <see cref="ClusterEvent"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(SnapshotEvent), EventTypes.Snapshot)]
[JsonDerivedType(typeof(MemberJoinedEvent), EventTypes.MemberJoined)]
[JsonDerivedType(typeof(MemberStateChangedEvent), EventTypes.MemberStateChanged)]
[JsonDerivedType(typeof(MemberRemovedEvent), EventTypes.MemberRemoved)]
[JsonDerivedType(typeof(LeaderChangedEvent), EventTypes.LeaderChanged)]
[JsonDerivedType(typeof(SuspicionRaisedEvent), EventTypes.SuspicionRaised)]
[JsonDerivedType(typeof(SuspicionRefutedEvent), EventTypes.SuspicionRefuted)]
[JsonDerivedType(typeof(ClockSkewEvent), EventTypes.ClockSkew)]
[JsonDerivedType(typeof(ResetEvent), EventTypes.Reset)]
public record ClusterEvent
{
    public long Seq { get; init; }

    /// <summary>The incarnation of the node that numbered this event (not of the member it is about).</summary>
    public long Incarnation { get; init; }

    public string Hlc { get; init; } = "";

    public DateTimeOffset At { get; init; }

    /// <summary>The event's "type" on the wire.</summary>
    [JsonIgnore]
    public string Type => EventTypes.Of(this);
}

/// <summary>The first frame of a stream that does not resume: the node's status, as <c>GET /_api/cluster/status</c>.</summary>
public sealed record SnapshotEvent(StatusResponse Status) : ClusterEvent;

/// <param name="MemberIncarnation">The member's own incarnation ("incarnation" is the observing node's).</param>
public sealed record MemberJoinedEvent(string NodeId, string Address, long MemberIncarnation) : ClusterEvent;

public sealed record MemberStateChangedEvent(string NodeId, MemberState From, MemberState To, string? Reason) : ClusterEvent;

/// <param name="MemberIncarnation">The incarnation of the member that was removed.</param>
public sealed record MemberRemovedEvent(string NodeId, long MemberIncarnation) : ClusterEvent;

/// <param name="Leader">The new leader's node id; null while there is none.</param>
public sealed record LeaderChangedEvent(string? Leader, long Term, string? ElectedAt, bool HasQuorum) : ClusterEvent;

/// <param name="ObservedBy">The members that observe this one as unreachable, this node included.</param>
public sealed record SuspicionRaisedEvent(string NodeId, int MissedHeartbeats, IReadOnlyList<string> ObservedBy) : ClusterEvent;

public sealed record SuspicionRefutedEvent(string NodeId, int MissedHeartbeats, IReadOnlyList<string> ObservedBy) : ClusterEvent;

/// <summary>
/// A member's clock went out of sync (<c>in_sync</c> false) or back in sync (true) with this node's, or this node kept one
/// of its timestamps out of its clock (<c>in_sync</c> null: <c>offset_ms</c> is how far beyond the max offset it was).
/// </summary>
public sealed record ClockSkewEvent(string NodeId, long OffsetMs, long MaxOffsetMs, bool? InSync) : ClusterEvent;

/// <summary>
/// Sent instead of a replay when the asked <c>since</c> is older than the node's buffer or from another incarnation:
/// events were missed, and <c>status</c> is where to start again.
/// </summary>
public sealed record ResetEvent(string Reason, StatusResponse Status) : ClusterEvent;
