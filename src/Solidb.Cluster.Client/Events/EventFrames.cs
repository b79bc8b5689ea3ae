using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Solidb.Cluster.Client.Events;

/// <summary>What one receive on the event stream gave: an event, or why the connection is over.</summary>
internal readonly record struct Frame(ClusterEvent? Event, string? Ended, bool Bad = false, WebSocketCloseStatus? CloseStatus = null)
{
    public static Frame Of(ClusterEvent e) => new(e, null);

    public static Frame Lost(string why, WebSocketCloseStatus? status = null) => new(null, why, CloseStatus: status);

    public static Frame Refused(string why) => new(null, why, Bad: true);
}

/// <summary>Reads one text frame at a time, bounded in size, into a <see cref="ClusterEvent"/>. Never throws but for cancellation.</summary>
internal static class EventFrames
{
    /// <summary>WebSocket close code 1013 "try again later": the node's send queue for this consumer overflowed.</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    public static async Task<Frame> ReceiveAsync(WebSocket socket, ArrayBufferWriter<byte> buffer, int maxBytes, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = socket.CloseStatus;
                    var reason = string.IsNullOrEmpty(socket.CloseStatusDescription) ? "" : $" ({socket.CloseStatusDescription})";
                    return Frame.Lost($"the node closed the stream with code {(int?)status}{reason}", status);
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > maxBytes)
                {
                    return Frame.Refused($"a frame larger than {maxBytes} bytes");
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                return result.MessageType == WebSocketMessageType.Binary
                    ? Frame.Refused("a binary frame (events are JSON text)")
                    : Parse(buffer.WrittenSpan);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            return Frame.Lost("connection lost: " + Failures.Describe(e, null));
        }
    }

    /// <summary>One frame's JSON as an event; a frame that is not one (or a snapshot/reset without its status) is refused.</summary>
    public static Frame Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var e = JsonSerializer.Deserialize<ClusterEvent>(json, ClusterJson.Options);
            return e switch
            {
                null => Frame.Refused("a frame that is JSON null"),
                SnapshotEvent { Status: null } or ResetEvent { Status: null } => Frame.Refused($"a {e.Type} frame without its status"),
                _ => Frame.Of(e),
            };
        }
        catch (Exception x) when (x is JsonException or NotSupportedException or ArgumentException)
        {
            return Frame.Refused("a frame that is not a JSON event: " + x.Message.ReplaceLineEndings(" "));
        }
    }
}
