using Akka.Actor;
using Akka.Hosting;
using Solidb.Cluster.Admin;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Node.Http.Admin;

namespace Solidb.Node.Http;

/// <summary>The HTTP API: thin handlers that ask the supervisor through the actor-message API.</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Maps every endpoint. Liveness (/_api/health, /_api/cluster/health/live) is always open: it
    /// says only "ok" and probes carry no token. The reads (readiness, status, leader, events) need
    /// the admin token when solidb.http.require-token-for-reads is on; the admin endpoints always do.
    /// </summary>
    public static void Map(WebApplication app)
    {
        var node = app.Services.GetRequiredService<NodeContext>();
        var token = app.Services.GetRequiredService<AdminToken>();
        var audit = app.Services.GetRequiredService<AdminAudit>();
        audit.TokenIn(token);
        app.UseTokenAccess(token, audit, node.Settings.Http.RequireTokenForReads);
        Events.EventStreamEndpoint.Map(app).RequireReadToken();
        Metrics.MetricsEndpoint.Map(app).RequireReadToken();
        app.MapGet("/_api/health", () => Results.Json(new HealthResponse("ok"), ClusterJson.Options));
        app.MapGet("/_api/cluster/health/live", () => Results.Json(new HealthResponse("ok"), ClusterJson.Options));
        app.MapGet("/_api/cluster/health/ready", async (IRequiredActor<SolidbClusterActor> manager, NodeContext node, CancellationToken ct) =>
        {
            var status = await AskStatus(manager, ct);
            if (status is null)
            {
                return Results.Json(new ReadinessResponse("not_ready", "the cluster supervisor did not answer in time", MemberState.Joining, false, null),
                    ClusterJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // A node that cannot persist its vote or clock bound, or whose clock is off, is not ready whatever else holds.
            var reason = node.Storage.Problem is { } storage ? storage
                : status.Clock?.Problem is { } clock ? clock
                : status.State != NodeState.Active ? $"this node is {status.State}, not Active"
                : !status.Election.HasQuorum ? "no quorum: this node does not reach a majority with a leader"
                : null;
            return Results.Json(new ReadinessResponse(reason is null ? "ready" : "not_ready", reason, status.State.ToModel(), status.Election.HasQuorum,
                    status.Election.Leader?.Value), ClusterJson.Options,
                statusCode: reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).RequireReadToken();
        // Status and leader read the supervisor's published view (StatusBoard): no ask per request, so a flood of
        // readers never queues behind membership and elections. Readiness still asks: a stuck supervisor is not ready.
        app.MapGet("/_api/cluster/status", (NodeContext node) =>
            node.Board.Status(node) is { } status ? Results.Json(status.ToResponse(), ClusterJson.Options) : NotStarted()).RequireReadToken();
        app.MapGet("/_api/cluster/leader", (NodeContext node) =>
            node.Board.Leader is { } leader ? Results.Json(leader.ToResponse(), ClusterJson.Options) : NotStarted()).RequireReadToken();
        AdminEndpoints.Map(app, node);
    }

    private static IResult NotStarted() => Results.Json(new ErrorResponse("the cluster supervisor has not started yet"), ClusterJson.Options,
        statusCode: StatusCodes.Status503ServiceUnavailable);

    private static async Task<ClusterStatus?> AskStatus(IRequiredActor<SolidbClusterActor> manager, CancellationToken ct)
    {
        try
        {
            var actor = await manager.GetAsync(ct);
            return await actor.Ask<ClusterStatus>(GetClusterStatus.Instance, AskTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
