using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

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
    string Version)
{
    public static StatusResponse From(ClusterStatus s) => new(
        s.NodeId.Value, s.Address, s.HttpAddress, s.Incarnation, s.State, s.Leader?.Value,
        s.Members.Select(MemberResponse.From).ToList(), s.MembershipVersion, s.StartedAt, s.Version);
}

public sealed record MemberResponse(string NodeId, string Address, string? HttpAddress, long Incarnation, NodeState State)
{
    public static MemberResponse From(MemberView m) => new(m.NodeId.Value, m.Address, m.HttpAddress, m.Incarnation, m.State);
}

public sealed record HealthResponse(string Status);

public sealed record ErrorResponse(string Error);
