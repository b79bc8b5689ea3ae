using System.Text.Json;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Node.Http;

/// <summary>The JSON body of <c>GET /_api/cluster/status</c> (snake_case; schema in docs/http-api.md).</summary>
public sealed record StatusResponse(
    string NodeId,
    string Address,
    string HttpAddress,
    long Incarnation,
    NodeState State,
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
    CountersSnapshot Stats,
    RestartsResponse Restarts,
    ClockResponse? Clock)
{
    public static StatusResponse From(ClusterStatus s) => new(
        s.NodeId.Value, s.Address, s.HttpAddress, s.Incarnation, s.State, s.Election.Leader?.Value,
        s.Members.Select(MemberResponse.From).ToList(), s.MembershipVersion, s.StartedAt, s.Version, s.Hlc.ToString(),
        s.Election.Term, s.Election.ElectedAt?.ToString(), s.Election.HasQuorum, s.Election.Voters, s.Election.FailureTolerance, s.Counters,
        RestartsResponse.From(s.Restarts), ClockResponse.From(s.Clock));
}

/// <summary>This node's wall clock against the majority: <c>offset_to_majority_ms</c> is positive when this node is ahead (null before any peer answered).</summary>
public sealed record ClockResponse(long? OffsetToMajorityMs, long MaxOffsetMs, bool InSync)
{
    public static ClockResponse? From(Solidb.Cluster.Clock.Sync.ClockStatus? c) => c is null ? null
        : new(c.OffsetToMajorityMs is { } o ? (long)Math.Round(o) : null, (long)Math.Round(c.MaxOffset.TotalMilliseconds), c.InSync);
}

/// <summary>The process's self-restarts; <c>last_cause</c> is isolated, quarantined, join_timed_out or downed.</summary>
public sealed record RestartsResponse(int Count, string? LastCause, DateTimeOffset? LastAt)
{
    public static RestartsResponse From(RestartHistory h) =>
        new(h.Count, h.LastCause is { } cause ? JsonNamingPolicy.SnakeCaseLower.ConvertName(cause.ToString()) : null, h.LastAt);
}

public sealed record MemberResponse(
    string NodeId,
    string Address,
    string? HttpAddress,
    long Incarnation,
    NodeState State,
    long? LastHeartbeatMsAgo,
    int? MissedHeartbeats,
    double? RttMs,
    IReadOnlyList<string> ObservedBy,
    long? ClockOffsetMs,
    string? Reason)
{
    public static MemberResponse From(MemberInfo m) => new(
        m.NodeId.Value, m.Address, m.HttpAddress, m.Incarnation, m.State,
        Ms(m.LastHeartbeatAgo), m.MissedHeartbeats, m.RoundTrip is { } rtt ? Math.Round(rtt.TotalMilliseconds, 3) : null,
        m.ObservedBy.Select(o => o.Value).ToList(), Ms(m.ClockOffset), m.Reason);

    private static long? Ms(TimeSpan? t) => t is { } v ? (long)Math.Round(v.TotalMilliseconds) : null;
}

public sealed record HealthResponse(string Status);

public sealed record ErrorResponse(string Error);

public sealed record LeaveResponse(string Status, string NodeId);

public sealed record ReadinessResponse(string Status, string? Reason, NodeState State, bool HasQuorum, string? Leader);
