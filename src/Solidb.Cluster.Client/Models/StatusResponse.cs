namespace Solidb.Cluster.Client.Models;

/// <summary>The JSON body of <c>GET /_api/cluster/status</c> (snake_case; schema in docs/http-api.md).</summary>
public sealed record StatusResponse(
    string NodeId,
    string Address,
    string HttpAddress,
    long Incarnation,
    MemberState State,
    string? Leader,
    IReadOnlyList<MemberResponse> Members,
    long MembershipVersion,
    DateTimeOffset StartedAt,
    string Version,
    string Hlc,
    long Term,
    string? ElectedAt,
    bool HasQuorum,
    int Voters,
    int FailureTolerance,
    StatisticsResponse Stats,
    RestartsResponse Restarts,
    ClockResponse? Clock);

/// <summary>One member as this node sees it.</summary>
/// <param name="LastHeartbeatMsAgo">Null for the node itself and for peers it does not monitor.</param>
/// <param name="ObservedBy">Members that currently observe this one as unreachable.</param>
/// <param name="ClockOffsetMs">The member's wall clock minus this node's (positive: it is ahead).</param>
/// <param name="Reason">Why an alive member is held back: "clock skew" while its clock is out of sync.</param>
public sealed record MemberResponse(
    string NodeId,
    string Address,
    string? HttpAddress,
    long Incarnation,
    MemberState State,
    long? LastHeartbeatMsAgo,
    int? MissedHeartbeats,
    double? RttMs,
    IReadOnlyList<string> ObservedBy,
    long? ClockOffsetMs,
    string? Reason);

/// <summary>This node's wall clock against the majority: <c>offset_to_majority_ms</c> is positive when this node is ahead (null before any peer answered).</summary>
public sealed record ClockResponse(long? OffsetToMajorityMs, long MaxOffsetMs, bool InSync);

/// <summary>The process's self-restarts; <c>last_cause</c> is isolated, quarantined, join_timed_out, downed, child_failing, formation_abandoned or leader_unheard.</summary>
public sealed record RestartsResponse(int Count, string? LastCause, DateTimeOffset? LastAt);

/// <summary>The node's counters since its process started (docs/http-api.md lists each).</summary>
public sealed record StatisticsResponse(
    long HeartbeatsSent,
    long HeartbeatsReceived,
    long MissedHeartbeats,
    long SuspicionsRaised,
    long SuspicionsRefuted,
    long FailuresConfirmed,
    long RejectedTransitions,
    long MessagesDropped,
    long ClockSkewRejections,
    long IndirectProbesSent,
    long PreVotesStarted,
    long ElectionsStarted,
    IReadOnlyDictionary<string, long> Rejections);
