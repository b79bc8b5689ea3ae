namespace Solidb.Cluster.Client.Models;

/// <summary><c>GET /_api/cluster/leader</c>: the leader this node knows and the fencing token to stamp writes with.</summary>
/// <param name="Leader">The leader's node id; null while there is none.</param>
/// <param name="FencingToken">What a write must carry to be fenced: null while there is no leader or this node's clock is out of sync.</param>
public sealed record LeaderResponse(string? Leader, long Term, string? ElectedAt, bool HasQuorum, FencingTokenResponse? FencingToken);

/// <summary>A leader's fencing token: a write stamped with a term older than the newest one seen is from a deposed leader.</summary>
public sealed record FencingTokenResponse(long Term, string Leader, string ElectedAt);

public sealed record HealthResponse(string Status);

public sealed record ErrorResponse(string Error);

public sealed record LeaveResponse(string Status, string NodeId);

public sealed record ReadinessResponse(string Status, string? Reason, MemberState State, bool HasQuorum, string? Leader);
