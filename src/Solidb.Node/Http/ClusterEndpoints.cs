using Akka.Actor;
using Akka.Hosting;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;

namespace Solidb.Node.Http;

/// <summary>The HTTP API: thin handlers that ask the supervisor through the actor-message API.</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void Map(WebApplication app)
    {
        app.MapGet("/_api/health", () => Results.Json(new HealthResponse("ok"), JsonDefaults.Options));
        app.MapGet("/_api/cluster/status", async (IRequiredActor<SolidbClusterActor> manager, CancellationToken ct) =>
        {
            try
            {
                var actor = await manager.GetAsync(ct);
                var status = await actor.Ask<ClusterStatus>(GetClusterStatus.Instance, AskTimeout, ct);
                return Results.Json(StatusResponse.From(status), JsonDefaults.Options);
            }
            catch (AskTimeoutException)
            {
                return Results.Json(new ErrorResponse("the cluster supervisor did not answer in time"), JsonDefaults.Options,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
