using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Events;

/// <summary>A consumer of a node's event stream over <see cref="ClientWebSocket"/>, for the process tests.</summary>
public sealed class EventStreamClient : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private EventStreamClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static Uri Url(SolidbProcess node, string query = "") =>
        new($"ws://{node.Host}:{node.HttpPort}/_api/cluster/events{(query.Length > 0 ? "?" + query : "")}");

    public static async Task<EventStreamClient> ConnectAsync(SolidbProcess node, string query = "")
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(Url(node, query), cts.Token);
        return new EventStreamClient(socket);
    }

    /// <summary>A WebSocket upgrade the node refuses: its status code, from ClientWebSocket as a consumer sees it.</summary>
    public static async Task<HttpStatusCode> RefusedStatusAsync(SolidbProcess node, string query = "", string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Url(node, query), cts.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>The same upgrade request over HttpClient, to read the refusal's body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> UpgradeRequestAsync(SolidbProcess node, string query = "", string? origin = null,
        bool upgrade = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(node, query).ToString().Replace("ws://", "http://"));
        if (upgrade)
        {
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
            request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The next event, or null when the node closed the stream (see <see cref="CloseStatus"/>).</summary>
    public async Task<ClusterEvent?> NextAsync(TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        using var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var r = await Socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            text.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                return JsonSerializer.Deserialize<ClusterEvent>(Encoding.UTF8.GetString(text.ToArray()), ClusterJson.Options);
            }
        }
    }

    public WebSocketCloseStatus? CloseStatus => Socket.CloseStatus;

    public string? CloseReason => Socket.CloseStatusDescription;

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The node went away first.
            }
        }

        Socket.Dispose();
    }
}
