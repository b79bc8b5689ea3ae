using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Http;

/// <summary>
/// The answer of <c>GET /_api/cluster/health/ready</c>: 200 means ready, 503 not ready with the node's reason
/// (<c>no quorum: ...</c>, <c>cannot persist election state to ...</c>). Not being ready is an answer, not an error.
/// </summary>
/// <param name="Node">The node that answered.</param>
public sealed record Readiness(bool IsReady, string? Reason, ReadinessResponse Response, Uri Node);
