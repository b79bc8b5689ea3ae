using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cluster.Client.Tests;

/// <summary>
/// A fake node on 127.0.0.1:0 (Kestrel): the HTTP API the client reads and the event stream's protocol. Events are
/// numbered per incarnation; a connection without since gets a snapshot (seq of the last event), one with a since
/// within the buffer of this incarnation the buffered events after it, any other a reset; then live events. The
/// test can drop every connection, close them with 1013, send a raw frame, refuse upgrades, or kill the node.
/// </summary>
internal sealed class FakeNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<ClusterEvent> _buffer = [];
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly ConcurrentQueue<string> _upgrades = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private readonly int _bufferSize;
    private long _seq;
    private int _nextConnection;

    private FakeNode(WebApplication app, string nodeId, long incarnation, int bufferSize)
    {
        _app = app;
        NodeId = nodeId;
        Incarnation = incarnation;
        _bufferSize = bufferSize;
    }

    public string NodeId { get; }

    public long Incarnation { get; }

    public Uri Url { get; private set; } = null!;

    public bool RefuseUpgrades { get; set; }

    public ReadinessResponse Readiness { get; set; } = new("ready", null, MemberState.Active, true, "n1");

    /// <summary>When set, the status endpoint answers 503 with this error, as a node whose supervisor is slow.</summary>
    public string? StatusError { get; set; }

    /// <summary>The query string of every event-stream request, in order ("" without one).</summary>
    public IReadOnlyList<string> Upgrades => [.. _upgrades];

    public int OpenConnections => _connections.Count;

    /// <summary>"path: Authorization header" of every request, in order ("path: " without one).</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    public long LastSeq => Interlocked.Read(ref _seq);

    public static async Task<FakeNode> StartAsync(string nodeId, long incarnation = 1, int bufferSize = 1000, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        var node = new FakeNode(app, nodeId, incarnation, bufferSize);
        app.Use(async (http, next) =>
        {
            node._authorizations.Enqueue($"{http.Request.Path}: {http.Request.Headers.Authorization}");
            await next(http);
        });
        app.UseWebSockets();
        app.MapGet("/_api/cluster/status", () => node.StatusError is { } error
            ? Results.Json(new ErrorResponse(error), ClusterJson.Options, statusCode: 503)
            : Results.Json(node.Status(), ClusterJson.Options));
        app.MapGet("/_api/cluster/leader", () => Results.Json(
            new LeaderResponse("n1", 3, "2026-01-01T00:00:00Z", true, new FencingTokenResponse(3, "n1", "2026-01-01T00:00:00Z")), ClusterJson.Options));
        app.MapGet("/_api/cluster/health/live", () => Results.Json(new HealthResponse("ok"), ClusterJson.Options));
        app.MapGet("/_api/cluster/health/ready", () => Results.Json(node.Readiness, ClusterJson.Options,
            statusCode: node.Readiness.Reason is null ? 200 : 503));
        app.Map("/_api/cluster/events", node.StreamAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        node.Url = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return node;
    }

    public StatusResponse Status() => new(NodeId, "akka.tcp://solidb@127.0.0.1:1", Url?.ToString() ?? "", Incarnation, MemberState.Active, "n1", [], 1,
        DateTimeOffset.UnixEpoch, "0.1.0", "0", 3, null, true, 3, 1,
        new StatisticsResponse(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, long>()), new RestartsResponse(0, null, null), null);

    /// <summary>Numbers a member_state_changed event and sends it to every connection.</summary>
    public ClusterEvent Publish()
    {
        lock (_gate)
        {
            var e = new MemberStateChangedEvent("n2", MemberState.Active, MemberState.Unknown, "test")
            {
                Seq = ++_seq,
                Incarnation = Incarnation,
                Hlc = _seq.ToString(),
                At = DateTimeOffset.UnixEpoch,
            };
            _buffer.Add(e);
            if (_buffer.Count > _bufferSize)
            {
                _buffer.RemoveAt(0);
            }

            var json = Json(e);
            foreach (var c in _connections.Values)
            {
                c.Outbox.Writer.TryWrite(json);
            }

            return e;
        }
    }

    public void PublishMany(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Publish();
        }
    }

    /// <summary>Sends this text as one frame on every connection (after what is queued).</summary>
    public void SendRaw(string text)
    {
        foreach (var c in _connections.Values)
        {
            c.Outbox.Writer.TryWrite(text);
        }
    }

    /// <summary>Aborts every connection: the TCP connection ends with no close frame.</summary>
    public void DropConnections()
    {
        foreach (var c in _connections.Values)
        {
            c.Http.Abort();
        }
    }

    /// <summary>Closes every connection with 1013, as the node does for a consumer whose send queue overflowed.</summary>
    public void CloseTooSlow()
    {
        foreach (var c in _connections.Values)
        {
            c.Outbox.Writer.TryWrite(null);
        }
    }

    /// <summary>The process dies: every connection is cut and the port refuses from now on.</summary>
    public async Task DieAsync()
    {
        DropConnections();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        DropConnections();
        await _app.DisposeAsync();
    }

    public static string Json(ClusterEvent e) => JsonSerializer.Serialize(e, ClusterJson.Options);

    private async Task StreamAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest || RefuseUpgrades)
        {
            http.Response.StatusCode = RefuseUpgrades ? 503 : 400;
            return;
        }

        _upgrades.Enqueue(http.Request.QueryString.Value?.TrimStart('?') ?? "");
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var id = Interlocked.Increment(ref _nextConnection);
        var connection = new Connection(http, Channel.CreateUnbounded<string?>());
        lock (_gate)
        {
            // The first frames and the registration for live events under one lock: no gap, no duplicate.
            foreach (var frame in FirstFrames(http.Request.Query))
            {
                connection.Outbox.Writer.TryWrite(frame);
            }

            _connections[id] = connection;
        }

        try
        {
            await foreach (var text in connection.Outbox.Reader.ReadAllAsync(http.RequestAborted))
            {
                if (text is null)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)1013, $"consumer too slow; resume with since={LastSeq}", http.RequestAborted);
                    break;
                }

                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, http.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // Dropped or died: the connection is over.
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private IEnumerable<string> FirstFrames(IQueryCollection query)
    {
        var status = Status();
        if (!long.TryParse(query["since"], out var since))
        {
            return [Json(new SnapshotEvent(status) { Seq = _seq, Incarnation = Incarnation, Hlc = _seq.ToString(), At = DateTimeOffset.UnixEpoch })];
        }

        var incarnation = long.TryParse(query["incarnation"], out var i) ? i : Incarnation;
        var oldest = _buffer.Count == 0 ? _seq + 1 : _buffer[0].Seq;
        if (incarnation != Incarnation || since < oldest - 1 || since > _seq)
        {
            var reason = incarnation != Incarnation ? $"incarnation {incarnation} is over" : $"since {since} is older than the buffer";
            return [Json(new ResetEvent(reason, status) { Seq = _seq, Incarnation = Incarnation, Hlc = _seq.ToString(), At = DateTimeOffset.UnixEpoch })];
        }

        return _buffer.Where(e => e.Seq > since).Select(Json).ToList();
    }

    /// <summary>One stream: its HTTP context (to abort it) and its outbox (null: close with 1013).</summary>
    private sealed record Connection(HttpContext Http, Channel<string?> Outbox);
}
