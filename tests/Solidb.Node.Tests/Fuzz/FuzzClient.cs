using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>Sends a <see cref="FuzzRequest"/> to a node and returns the status codes it answered with.</summary>
public sealed partial class FuzzClient(int port) : IDisposable
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(15);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    public void Dispose() => _http.Dispose();

    /// <summary>Status codes and the raw answer text (for 503 bodies); empty when the node closed without answering.</summary>
    public async Task<(IReadOnlyList<int> Statuses, string Text)> SendAsync(FuzzRequest request)
    {
        return request.Delivery == Delivery.HttpClient ? await ViaHttpClientAsync(request) : await ViaSocketAsync(request);
    }

    private async Task<(IReadOnlyList<int>, string)> ViaHttpClientAsync(FuzzRequest request)
    {
        HttpRequestMessage message;
        try
        {
            message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri($"http://127.0.0.1:{port}{request.Target}"));
            message.Version = request.Version == "HTTP/1.0" ? HttpVersion.Version10 : HttpVersion.Version11;
            if (request.Body.Length > 0)
            {
                message.Content = new ByteArrayContent(request.Body);
            }

            foreach (var (name, value) in request.Headers.Where(h => h.Key is not ("Host" or "Content-Length" or "Transfer-Encoding")))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or FormatException)
        {
            return ([], "(client refused to build the request)");
        }

        try
        {
            using var response = await _http.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            return ([(int)response.StatusCode], text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or ArgumentException or FormatException)
        {
            // The client's own refusals (invalid header characters, ...) and a server that closes: no status to judge.
            return ([], e.Message);
        }
        finally
        {
            message.Dispose();
        }
    }

    private async Task<(IReadOnlyList<int>, string)> ViaSocketAsync(FuzzRequest request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var r = new Random(request.Seed);
        try
        {
            switch (request.Delivery)
            {
                case Delivery.Truncated:
                    await socket.SendAsync(request.Bytes.AsMemory(0, r.Next(0, request.Bytes.Length)));
                    if (r.Next(2) == 0)
                    {
                        socket.LingerState = new LingerOption(true, 0); // abort with RST
                        return ([], "");
                    }

                    break;
                case Delivery.SlowThenStop:
                    var stop = r.Next(0, Math.Min(request.Bytes.Length, 400));
                    for (var sent = 0; sent < stop;)
                    {
                        var n = Math.Min(r.Next(1, 16), stop - sent);
                        await socket.SendAsync(request.Bytes.AsMemory(sent, n));
                        sent += n;
                        await Task.Delay(r.Next(1, 30));
                    }

                    await Task.Delay(r.Next(0, 300));
                    if (r.Next(2) == 0)
                    {
                        return ([], ""); // close mid-request
                    }

                    break;
                default:
                    await socket.SendAsync(request.Bytes);
                    break;
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The node may close a connection whose request it refused before the whole request was sent.
        }

        var received = new MemoryStream();
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(ReadBound);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // Reset by the node after its answer: judge what arrived.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the node neither answered nor closed the connection within {ReadBound}");
        }

        var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
        return (StatusLine().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList(), text);
    }

    [GeneratedRegex(@"(?:^|\r\n)HTTP/1\.[01] (\d{3}) ")]
    private static partial Regex StatusLine();
}
