using Akka.Actor;
using Akka.Hosting;
using Solidb.Cluster.Admin;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Election;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Node.Http.Admin;

/// <summary><c>POST /_api/cluster/members/{node_id}/down</c>: 202 when the leader downed the member.</summary>
public sealed record DownResponse(string Status, string NodeId, string? Leader, string Reason);

/// <summary><c>POST /_api/cluster/leader/transfer</c>: 202 when the leader started handing over to <paramref name="Target"/>.</summary>
public sealed record TransferResponse(string Status, string? Target, string Reason);

/// <summary>
/// The admin endpoints (docs/security.md "Admin endpoints"): each needs the admin token
/// (<see cref="TokenAccess"/>), refuses browsers, and writes one audit line with its result.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>
    /// Longer than a forwarded down, transfer or leave takes to be answered (<c>AdminRequests.ForwardTimeout</c>,
    /// <c>ForwardedAdmin.ForwardTimeout</c>, 3 s).
    /// </summary>
    private static readonly TimeSpan ForwardedTimeout = TimeSpan.FromSeconds(5);

    public static void Map(WebApplication app, NodeContext node)
    {
        // A transfer is answered once it started (within an election timeout at most), or by the leader it was forwarded to.
        var transferTimeout = TimeSpan.FromTicks(Math.Max((node.Settings.Election.TimeoutMax + TimeSpan.FromSeconds(1)).Ticks, ForwardedTimeout.Ticks));

        app.MapPost("/_api/cluster/leave", async (HttpContext http, IRequiredActor<SolidbClusterActor> manager, AdminAudit audit, CancellationToken ct) =>
        {
            (await manager.GetAsync(ct)).Tell(LeaveCluster.Instance);
            audit.Action(http, "leave", "202 leaving");
            return Results.Json(new LeaveResponse("leaving", node.NodeId.Value), ClusterJson.Options, statusCode: StatusCodes.Status202Accepted);
        }).RequireAdminToken();

        // Another member's leave: this node forwards it to that member over the cluster's transport.
        app.MapPost("/_api/cluster/members/{node_id}/leave",
            async (string node_id, HttpContext http, IRequiredActor<SolidbClusterActor> manager, AdminAudit audit, CancellationToken ct) =>
            {
                var action = $"leave of {Solidb.Cluster.Security.Rejections.Quote(node_id)}";
                if (!NodeId.TryParse(node_id, out var target, out var error))
                {
                    return Answer(http, audit, action, StatusCodes.Status400BadRequest, new ErrorResponse($"invalid node id: {error}"), "malformed node id");
                }

                LeaveMemberResult result;
                try
                {
                    var actor = await manager.GetAsync(ct);
                    result = await actor.Ask<LeaveMemberResult>(new LeaveMemberRequest(target, Remote(http)), ForwardedTimeout, ct);
                }
                catch (AskTimeoutException)
                {
                    return Answer(http, audit, action, StatusCodes.Status503ServiceUnavailable,
                        new ErrorResponse("the cluster supervisor did not answer in time"), "no answer in time");
                }

                return result.Outcome switch
                {
                    LeaveOutcome.Accepted => Answer(http, audit, action, StatusCodes.Status202Accepted, new LeaveResponse("leaving", target.Value), result.Reason),
                    LeaveOutcome.UnknownMember => Answer(http, audit, action, StatusCodes.Status404NotFound, new ErrorResponse(result.Reason), result.Reason),
                    _ => Answer(http, audit, action, StatusCodes.Status409Conflict, new ErrorResponse(result.Reason), result.Reason),
                };
            }).RequireAdminToken();

        app.MapPost("/_api/cluster/members/{node_id}/down",
            async (string node_id, HttpContext http, IRequiredActor<SolidbClusterActor> manager, AdminAudit audit, CancellationToken ct) =>
            {
                var action = $"down of {Solidb.Cluster.Security.Rejections.Quote(node_id)}";
                if (!NodeId.TryParse(node_id, out var target, out var error))
                {
                    return Answer(http, audit, action, StatusCodes.Status400BadRequest, new ErrorResponse($"invalid node id: {error}"), "malformed node id");
                }

                DownMemberResult result;
                try
                {
                    var actor = await manager.GetAsync(ct);
                    result = await actor.Ask<DownMemberResult>(new DownMemberRequest(target, Remote(http)), ForwardedTimeout, ct);
                }
                catch (AskTimeoutException)
                {
                    return Answer(http, audit, action, StatusCodes.Status503ServiceUnavailable,
                        new ErrorResponse("the cluster supervisor did not answer in time"), "no answer in time");
                }

                return result.Outcome switch
                {
                    DownOutcome.Accepted => Answer(http, audit, action, StatusCodes.Status202Accepted,
                        new DownResponse("downed", target.Value, result.Leader?.Value, result.Reason), result.Reason),
                    DownOutcome.UnknownMember => Answer(http, audit, action, StatusCodes.Status404NotFound, new ErrorResponse(result.Reason), result.Reason),
                    _ => Answer(http, audit, action, StatusCodes.Status409Conflict, new ErrorResponse(result.Reason), result.Reason),
                };
            }).RequireAdminToken();

        app.MapPost("/_api/cluster/leader/transfer",
            async (string? to, HttpContext http, IRequiredActor<SolidbClusterActor> manager, AdminAudit audit, CancellationToken ct) =>
            {
                var action = to is null ? "leadership transfer" : $"leadership transfer to {Solidb.Cluster.Security.Rejections.Quote(to)}";
                NodeId? target = null;
                if (to is not null)
                {
                    if (!NodeId.TryParse(to, out var parsed, out var error))
                    {
                        return Answer(http, audit, action, StatusCodes.Status400BadRequest, new ErrorResponse($"invalid node id in ?to=: {error}"), "malformed node id");
                    }

                    target = parsed;
                }

                LeadershipTransferResult result;
                try
                {
                    var actor = await manager.GetAsync(ct);
                    result = await actor.Ask<LeadershipTransferResult>(new TransferLeadershipRequest(target, Remote(http)), transferTimeout, ct);
                }
                catch (AskTimeoutException)
                {
                    return Answer(http, audit, action, StatusCodes.Status503ServiceUnavailable,
                        new ErrorResponse($"no answer to the transfer within {transferTimeout.TotalSeconds:0.#} s"), "no answer in time");
                }

                return result.Accepted
                    ? Answer(http, audit, action, StatusCodes.Status202Accepted, new TransferResponse("transferring", result.Target?.Value, result.Reason), result.Reason)
                    : Answer(http, audit, action, StatusCodes.Status409Conflict, new ErrorResponse(result.Reason), result.Reason);
            }).RequireAdminToken();
    }

    private static IResult Answer<T>(HttpContext http, AdminAudit audit, string action, int status, T body, string why)
    {
        audit.Action(http, action, $"{status} {why}");
        return Results.Json(body, ClusterJson.Options, statusCode: status);
    }

    private static string Remote(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip ? $"{ip}:{http.Connection.RemotePort}" : "?";
}
