using Akka.Actor;
using Akka.Hosting;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Node.Http;

/// <summary>The HTTP API: thin handlers that ask the supervisor through the actor-message API.</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void Map(WebApplication app)
    {
        Events.EventStreamEndpoint.Map(app);
        Metrics.MetricsEndpoint.Map(app);
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
        });
        // Status and leader read the supervisor's published view (StatusBoard): no ask per request, so a flood of
        // readers never queues behind membership and elections. Readiness still asks: a stuck supervisor is not ready.
        app.MapGet("/_api/cluster/status", (NodeContext node) =>
            node.Board.Status(node) is { } status ? Results.Json(status.ToResponse(), ClusterJson.Options) : NotStarted());
        app.MapGet("/_api/cluster/leader", (NodeContext node) =>
            node.Board.Leader is { } leader ? Results.Json(leader.ToResponse(), ClusterJson.Options) : NotStarted());
        app.MapPost("/_api/cluster/leave", async (HttpContext http, IRequiredActor<SolidbClusterActor> manager, NodeContext node, CancellationToken ct) =>
        {
            // Leaving takes the node out of the cluster: only an operator on this machine may ask.
            if (http.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
            {
                return Results.Json(new ErrorResponse("leave is only accepted from localhost"), ClusterJson.Options,
                    statusCode: StatusCodes.Status403Forbidden);
            }

            (await manager.GetAsync(ct)).Tell(LeaveCluster.Instance);
            return Results.Json(new LeaveResponse("leaving", node.NodeId.Value), ClusterJson.Options, statusCode: StatusCodes.Status202Accepted);
        });
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
