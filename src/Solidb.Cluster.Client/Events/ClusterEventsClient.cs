using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Client.Events;

/// <summary>
/// Watches the event stream (<c>GET /_api/cluster/events</c>, WebSocket) of one node out of several, recovering by
/// itself; see <see cref="WatchAsync"/>. Thread-safe; each watch has its own connection.
/// </summary>
public sealed class ClusterEventsClient
{
    private readonly IReadOnlyList<Uri> _urls;
    private readonly ClusterEventsOptions _options;
    private readonly CaCertificateValidator? _validator;
    private long _reconnects;
    private long _badFrames;
    private long _duplicates;
    private long _switches;

    /// <param name="nodeUrls">The nodes' HTTP API base URLs (<c>http</c>/<c>https</c>, or <c>ws</c>/<c>wss</c>), in the order to try.</param>
    public ClusterEventsClient(IEnumerable<Uri> nodeUrls, ClusterEventsOptions? options = null)
    {
        _urls = NodeUrls.Check(nodeUrls, "http", "https", "ws", "wss");
        _options = options ?? new ClusterEventsOptions();
        _validator = _options.CaCertificateFile is { } ca ? CaCertificateValidator.Load(ca, _options.TimeProvider) : null;
    }

    public ClusterEventsClient(Uri nodeUrl, ClusterEventsOptions? options = null)
        : this([nodeUrl], options)
    {
    }

    /// <summary>Connections opened again after one ended (same node or the next).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Frames refused as too large, binary or not an event (each one closed its connection).</summary>
    public long BadFrames => Interlocked.Read(ref _badFrames);

    /// <summary>Events dropped because they were not after the last delivered one (a node repeating itself).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Times the watch gave a node up for the next one.</summary>
    public long NodeSwitches => Interlocked.Read(ref _switches);

    /// <summary>The stream URL of a node's base URL: http becomes ws, https wss.</summary>
    public static Uri StreamUrl(Uri baseUrl, string query)
    {
        var url = NodeUrls.Combine(baseUrl, "_api/cluster/events", query);
        var builder = new UriBuilder(url) { Scheme = url.Scheme is "https" or "wss" ? "wss" : "ws" };
        return builder.Uri;
    }

    /// <summary>
    /// The events of the watched node, in order, until <paramref name="cancellationToken"/> is cancelled (then an
    /// <see cref="OperationCanceledException"/>, within about a second, also while waiting for a frame or a
    /// reconnect). The first event is the first node's <see cref="SnapshotEvent"/> (or, with
    /// <see cref="ClusterEventsOptions.Since"/>, what follows that seq).
    /// <list type="bullet">
    /// <item>A connection that ends is opened again on the same node after a backoff delay (exponential, full jitter,
    /// capped; back to the shortest after a connection that delivered events), resuming after the last delivered event:
    /// no duplicate and no gap while the node still buffers them, otherwise the node's <see cref="ResetEvent"/>. A
    /// close with 1013 (this consumer fell behind) is resumed at once.</item>
    /// <item>When a node cannot be reached, the watch moves to the next URL and starts there with a
    /// <see cref="ResetEvent"/> carrying that node's status: events are numbered per node, so the caller may have
    /// missed some, and that node's later events follow.</item>
    /// <item>A frame that is too large, binary or not an event closes the connection and is reported through
    /// <see cref="ClusterEventsOptions.OnProblem"/>, never thrown; an event not after the last delivered one is dropped.</item>
    /// </list>
    /// </summary>
    public async IAsyncEnumerable<ClusterEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ct = cancellationToken;
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff, _options.Random ?? Random.Shared);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var types = _options.Types is { Count: > 0 } t ? "types=" + Uri.EscapeDataString(string.Join(',', t)) : "";
        var node = 0;
        var position = new StreamPosition(_options.Since, _options.Incarnation);
        var everDelivered = false;
        string? switchedTo = null;
        var delay = TimeSpan.Zero;
        var first = true;
        while (true)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _options.TimeProvider, ct);
            }

            if (!first)
            {
                Interlocked.Increment(ref _reconnects);
            }

            first = false;
            var url = StreamUrl(_urls[node], string.Join('&', new[] { position.Query, types }.Where(q => q.Length > 0)));
            var (socket, refused) = await ConnectAsync(url, ct);
            if (socket is null)
            {
                var next = (node + 1) % _urls.Count;
                Report($"cannot open the event stream {url}: {refused}" + (_urls.Count > 1 ? $"; moving to {_urls[next]}" : ""));
                if (_urls.Count > 1)
                {
                    node = next;
                    position = new StreamPosition();
                    switchedTo = _urls[node].ToString();
                    Interlocked.Increment(ref _switches);
                }

                delay = backoff.Next();
                continue;
            }

            var delivered = false;
            Frame frame;
            try
            {
                while (true)
                {
                    frame = await EventFrames.ReceiveAsync(socket, buffer, _options.MaxFrameBytes, ct);
                    if (frame.Event is not { } e)
                    {
                        break;
                    }

                    if (!position.Accept(e))
                    {
                        Interlocked.Increment(ref _duplicates);
                        continue;
                    }

                    // A snapshot after events were delivered means a start over (a new node): the caller may have missed events.
                    yield return e is SnapshotEvent snapshot && everDelivered
                        ? new ResetEvent(switchedTo is null ? "the node sent a snapshot instead of resuming" : $"switched to node {switchedTo}", snapshot.Status)
                        {
                            Seq = snapshot.Seq,
                            Incarnation = snapshot.Incarnation,
                            Hlc = snapshot.Hlc,
                            At = snapshot.At,
                        }
                        : e;
                    everDelivered = true;
                    delivered = true;
                    switchedTo = null;
                }
            }
            finally
            {
                await CloseAsync(socket);
            }

            if (frame.Bad)
            {
                Interlocked.Increment(ref _badFrames);
            }

            Report($"event stream {url}: {(frame.Bad ? "refused " : "")}{frame.Ended}; reconnecting");
            if (delivered)
            {
                backoff.Reset();
            }

            // 1013: this consumer fell behind and the node dropped it; its events are still buffered, so come back at once.
            delay = frame.CloseStatus == EventFrames.TryAgainLater && delivered ? TimeSpan.Zero : backoff.Next();
        }
    }

    private async Task<(ClientWebSocket? Socket, string? Refused)> ConnectAsync(Uri url, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _options.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        if (_options.BearerToken is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        if (_validator is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = _validator.Validate;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(url, timeout.Token);
            return (socket, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is WebSocketException or OperationCanceledException or IOException)
        {
            var cause = e is OperationCanceledException ? $"no answer within {_options.ConnectTimeout.TotalSeconds:0.###} s"
                : socket.HttpStatusCode is var code && (int)code >= 200 ? $"the node answered HTTP {(int)code} instead of a WebSocket upgrade"
                : Failures.Describe(e, _validator);
            socket.Dispose();
            return (null, cause);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A polite close when the socket is still open, bounded so that a dead peer cannot hold us; then abort.</summary>
    private static async Task CloseAsync(ClientWebSocket socket)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", bound.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer is gone or slow: the abort below ends it either way.
        }
        finally
        {
            socket.Abort();
            socket.Dispose();
        }
    }

    private void Report(string line) => _options.OnProblem?.Invoke(line);
}
