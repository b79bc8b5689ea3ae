using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cmd.Tests;

/// <summary>
/// A fake node on 127.0.0.1:0 serving what solidb-cmd reads (status, leader, ready, /metrics) and the admin endpoints
/// as the admin issue specifies them: 401 JSON error without or with a wrong bearer token, 403 with an Origin header,
/// 409 with a reason when <see cref="NoQuorum"/>, 202 with JSON when done. Every request is recorded.
/// </summary>
internal sealed class FakeAdminNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeAdminNode(WebApplication app) => _app = app;

    public const string Token = "s3cret-token-0123456789";

    public Uri Url { get; private set; } = null!;

    public StatusResponse? Status { get; set; }

    public ReadinessResponse Readiness { get; set; } = new("ready", null, MemberState.Active, true, "n1");

    public LeaderResponse Leader { get; set; } = new("n1", 3, "000001a2167c41c0-00000000", true, new FencingTokenResponse(3, "n1", "000001a2167c41c0-00000000"));

    public bool NoQuorum { get; set; }

    /// <summary>When set, every admin endpoint answers 307 to the same path on this URL (a node that tries to send the token elsewhere).</summary>
    public Uri? RedirectTo { get; set; }

    public string Metrics { get; set; } = "# TYPE solidb_term gauge\nsolidb_term 3\nsolidb_members{state=\"Active\"} 3\n";

    /// <summary>"METHOD path?query bearer=TOKEN" per request (bearer=- without one).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeAdminNode> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var node = new FakeAdminNode(app);
        app.Use(async (http, next) =>
        {
            var auth = http.Request.Headers.Authorization.ToString();
            node._requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString} bearer={(auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : "-")}");
            await next(http);
        });
        app.MapGet("/_api/cluster/status", () => node.Status is { } s ? Results.Json(s, ClusterJson.Options) : Results.Json(new ErrorResponse("no status"), ClusterJson.Options, statusCode: 503));
        app.MapGet("/_api/cluster/leader", () => Results.Json(node.Leader, ClusterJson.Options));
        app.MapGet("/_api/cluster/health/ready", () => Results.Json(node.Readiness, ClusterJson.Options, statusCode: node.Readiness.Status == "ready" ? 200 : 503));
        app.MapGet("/metrics", () => Results.Text(node.Metrics, "text/plain; version=0.0.4"));
        app.MapPost("/_api/cluster/leave", (HttpContext http) => node.Admin(http, () => new { status = "leaving", node_id = "n1" }));
        app.MapPost("/_api/cluster/members/{id}/leave", (HttpContext http, string id) => node.Status is { } s && s.Members.All(m => m.NodeId != id)
            ? Results.Json(new ErrorResponse($"no member has node id {id}"), ClusterJson.Options, statusCode: 404)
            : node.Admin(http, () => new { status = "leaving", node_id = id }));
        app.MapPost("/_api/cluster/members/{id}/down", (HttpContext http, string id) => node.Admin(http, () => new { status = "downed", node_id = id }));
        app.MapPost("/_api/cluster/leader/transfer", (HttpContext http) => node.Admin(http, () => new { status = "transferred", to = http.Request.Query["to"].ToString() }));
        await app.StartAsync();
        node.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Admin(HttpContext http, Func<object> done)
    {
        if (RedirectTo is { } elsewhere)
        {
            return Results.Redirect(new Uri(elsewhere, http.Request.Path + http.Request.QueryString).ToString(), permanent: false, preserveMethod: true);
        }

        if (http.Request.Headers.ContainsKey("Origin"))
        {
            return Results.Json(new ErrorResponse("admin endpoints refuse cross-site requests"), ClusterJson.Options, statusCode: 403);
        }

        if (http.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            return Results.Json(new ErrorResponse("missing or wrong admin token"), ClusterJson.Options, statusCode: 401);
        }

        return NoQuorum
            ? Results.Json(new ErrorResponse("this node has no quorum: 1 of 3 voters reachable"), ClusterJson.Options, statusCode: 409)
            : Results.Json(done(), ClusterJson.Options, statusCode: 202);
    }
}
