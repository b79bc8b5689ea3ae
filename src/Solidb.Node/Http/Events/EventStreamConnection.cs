using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;

namespace Solidb.Node.Http.Events;

/// <summary>Why an event stream ended.</summary>
public enum StreamEndReason
{
    /// <summary>The send queue overflowed: closed with 1013 and the since to resume from.</summary>
    TooSlow,

    /// <summary>The node is stopping (or its event source ended): closed with 1001.</summary>
    GoingAway,

    /// <summary>The consumer closed the stream.</summary>
    ClientClosed,

    /// <summary>The consumer sent a message (a consumer sends none): closed with 1003.</summary>
    ClientSentData,

    /// <summary>The connection broke, or a keep-alive ping went unanswered.</summary>
    ConnectionLost,
}

/// <param name="Reason">Why it ended.</param>
/// <param name="LastSeq">The seq of the last event sent completely (null: none).</param>
/// <param name="Incarnation">The node incarnation of that event.</param>
/// <param name="Sent">Events sent.</param>
public sealed record StreamEnd(StreamEndReason Reason, long? LastSeq, long? Incarnation, long Sent);

/// <summary>
/// One consumer of the event stream over an accepted WebSocket: sends each queued event as one text frame
/// (<see cref="ClusterJson.Options"/>, "type" written), reads nothing but the consumer's close, and ends the stream
/// when the queue overflows (1013), the node stops (1001), the consumer sends a message (1003) or closes. A send
/// the consumer does not read blocks only this connection: once the stream has ended, the send in flight and the
/// closing handshake get <paramref name="closeGrace"/> (<paramref name="shutdownGrace"/> when the node stops), then
/// the socket is aborted. No Kestrel inside: it runs on any <see cref="WebSocket"/>.
/// </summary>
/// <param name="query">What the consumer asked for: where a too-slow consumer resumes when nothing was sent yet.</param>
public sealed class EventStreamConnection(WebSocket socket, EventRelay relay, EventStreamQuery query, TimeSpan closeGrace, TimeSpan shutdownGrace)
{
    /// <summary>RFC 6455 limits a close reason to 123 bytes of UTF-8.</summary>
    public const int MaxCloseReasonBytes = 123;

    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly TaskCompletionSource<StreamEndReason> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _sendLimit = new();
    private long? _lastSeq;
    private long? _incarnation;
    private long _sent;

    public async Task<StreamEnd> RunAsync(CancellationToken shutdown)
    {
        try
        {
            using var onShutdown = shutdown.Register(() => End(StreamEndReason.GoingAway));
            _ = relay.Overflowed.ContinueWith(_ => End(StreamEndReason.TooSlow), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var receiving = ReceiveAsync();
            await SendAsync();
            var reason = await _end.Task;
            await CloseAsync(reason, receiving);
            return new StreamEnd(reason, _lastSeq, _incarnation, _sent);
        }
        finally
        {
            _stop.Dispose();
            _sendLimit.Dispose();
        }
    }

    /// <summary>The close reason of a too-slow consumer: where to resume, at most 123 bytes.</summary>
    public static string TooSlowReason(long? lastSeq, long? incarnation, EventStreamQuery query)
    {
        var (since, inc) = lastSeq is not null ? (lastSeq, incarnation) : (query.Since, query.Incarnation);
        var reason = since is null ? "too slow: reconnect"
            : inc is null ? $"too slow: resume with since={since}"
            : $"too slow: resume with since={since}&incarnation={inc}";
        return Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes ? reason : reason[..MaxCloseReasonBytes];
    }

    /// <summary>
    /// The events actor tells the same event object to every subscriber: it is serialized once, for all streams,
    /// and the bytes live as long as the event does.
    /// </summary>
    private static readonly ConditionalWeakTable<ClusterEvent, byte[]> Frames = new();

    private static byte[] Serialize(ClusterEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, ClusterJson.Options);

    private void End(StreamEndReason reason)
    {
        if (!_end.TrySetResult(reason))
        {
            return;
        }

        try
        {
            _stop.Cancel();
            _sendLimit.CancelAfter(reason == StreamEndReason.GoingAway ? shutdownGrace : closeGrace);
        }
        catch (ObjectDisposedException)
        {
            // The stream already finished.
        }
    }

    private async Task SendAsync()
    {
        var reader = relay.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                while (!_stop.IsCancellationRequested && reader.TryRead(out var e))
                {
                    // Not _stop: a frame cut in half would abort the socket; the send gets the grace after the end.
                    await socket.SendAsync(Frames.GetValue(e, Serialize), WebSocketMessageType.Text, endOfMessage: true, _sendLimit.Token);
                    _lastSeq = e.Seq;
                    _incarnation = e.Incarnation;
                    _sent++;
                }
            }

            End(StreamEndReason.GoingAway); // the relay completed: its actor (or the actor system) stopped
        }
        catch (OperationCanceledException) when (_end.Task.IsCompleted)
        {
            // Ended while waiting for an event, or the grace ran out on a send the consumer did not read.
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            End(StreamEndReason.ConnectionLost);
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                var message = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (message.MessageType == WebSocketMessageType.Close)
                {
                    End(StreamEndReason.ClientClosed);
                    return;
                }

                End(StreamEndReason.ClientSentData); // and keep reading up to its close
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            End(StreamEndReason.ConnectionLost);
        }
    }

    private async Task CloseAsync(StreamEndReason reason, Task receiving)
    {
        var (status, text) = reason switch
        {
            StreamEndReason.TooSlow => (TryAgainLater, TooSlowReason(_lastSeq, _incarnation, query)),
            StreamEndReason.GoingAway => (WebSocketCloseStatus.EndpointUnavailable, "node shutting down"),
            StreamEndReason.ClientSentData => (WebSocketCloseStatus.InvalidMessageType, "this stream takes no messages"),
            StreamEndReason.ClientClosed => (WebSocketCloseStatus.NormalClosure, ""),
            _ => ((WebSocketCloseStatus?)null, ""),
        };
        try
        {
            if (status is { } s && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(s, text, _sendLimit.Token);

                // The consumer's answering close, within the same grace.
                await receiving.WaitAsync(_sendLimit.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // It did not read or answer in time: nothing more is owed to it.
        }
        finally
        {
            if (socket.State != WebSocketState.Closed)
            {
                socket.Abort();
            }

            await receiving; // ends at once after an abort; never throws
        }
    }
}
