using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Solidb.Node.Tests.Events;

/// <summary>
/// A server and a client WebSocket over a real loopback TCP connection, without Kestrel: small socket buffers make a
/// consumer that stops reading block the server's sends as a remote one would.
/// </summary>
public sealed class WebSocketPair : IDisposable
{
    private WebSocketPair(WebSocket server, WebSocket client)
    {
        Server = server;
        Client = client;
    }

    public WebSocket Server { get; }
    public WebSocket Client { get; }

    /// <param name="smallBuffers">Kernel socket buffers at their minimum (a few KB), so an unread stream fills them quickly.</param>
    public static async Task<WebSocketPair> OpenAsync(bool smallBuffers = false)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (smallBuffers)
        {
            client.ReceiveBufferSize = 1; // set before connecting, so the advertised window stays small
        }

        var accepting = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accepting;
        if (smallBuffers)
        {
            server.SendBufferSize = 1;
        }

        return new WebSocketPair(
            WebSocket.CreateFromStream(new NetworkStream(server, ownsSocket: true), new WebSocketCreationOptions { IsServer = true }),
            WebSocket.CreateFromStream(new NetworkStream(client, ownsSocket: true), new WebSocketCreationOptions { IsServer = false }));
    }

    /// <summary>The client's next whole message: a text frame's text, or the close status and reason.</summary>
    public async Task<Message> ReceiveAsync(TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        using var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var r = await Client.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                return new Message(null, Client.CloseStatus, Client.CloseStatusDescription);
            }

            text.Write(buffer, 0, r.Count);
            if (r.EndOfMessage)
            {
                return new Message(Encoding.UTF8.GetString(text.ToArray()), null, null);
            }
        }
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
    }

    public sealed record Message(string? Text, WebSocketCloseStatus? CloseStatus, string? CloseReason)
    {
        public bool IsClose => Text is null;
    }
}
