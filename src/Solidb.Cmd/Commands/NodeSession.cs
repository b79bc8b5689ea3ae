using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Http;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Client.Security;
using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Commands;

/// <summary>
/// The HTTP side of a command: one HttpClient (timeout, private CA) shared by the typed client's reads, the admin
/// POSTs and <c>/metrics</c>. A node that cannot be reached is tried next; when none can, the command ends with exit 3
/// and one line naming every address tried; an HTTP error answer ends it with exit 1 and the node's error text.
/// </summary>
public sealed class NodeSession : IDisposable
{
    private const int MaxTokenBytes = 4096;
    private readonly GlobalOptions _globals;
    private readonly HttpClient _http;
    private readonly CaCertificateValidator? _validator;

    public NodeSession(GlobalOptions globals)
    {
        _globals = globals;
        try
        {
            _validator = globals.TlsCa is { } ca ? CaCertificateValidator.Load(ca, TimeProvider.System) : null;
        }
        catch (ClusterClientException e)
        {
            throw new UsageException($"invalid value for --tls-ca: {e.Message}");
        }

        // No redirects: the token goes only to the URLs the operator gave (--node, SOLIDB_NODE), never to one a node names.
        var handler = new SocketsHttpHandler { ConnectTimeout = globals.Timeout, AllowAutoRedirect = false };
        if (_validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = _validator.Validate;
        }

        _http = new HttpClient(handler) { Timeout = globals.Timeout, MaxResponseContentBufferSize = 4 << 20 };
        Token = globals.TokenFile is { } file ? ReadToken(file) : null;
        if (Token is not null)
        {
            // A configured token goes along on reads too: a node with solidb.http.require-token-for-reads = on needs it.
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        Client = new ClusterHttpClient(globals.Nodes, httpClient: _http);
    }

    public ClusterHttpClient Client { get; }

    public IReadOnlyList<Uri> Nodes => _globals.Nodes;

    /// <summary>
    /// The admin token from <c>--token-file</c> / <c>SOLIDB_ADMIN_TOKEN_FILE</c>, null when neither is given (the
    /// request then goes without one and the node's 401 says so); never shown in any message.
    /// </summary>
    public string? Token { get; }

    /// <summary>A read through the typed client, its failures turned into exit codes.</summary>
    public async Task<T> ReadAsync<T>(Func<ClusterHttpClient, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        try
        {
            return await read(Client, ct);
        }
        catch (ClusterClientException e) when (e.StatusCode is null && !ct.IsCancellationRequested)
        {
            throw Unreachable(_globals.Nodes, e.Message);
        }
        catch (ClusterClientException e) when (!ct.IsCancellationRequested)
        {
            throw new CheckFailedException(e.Message);
        }
    }

    public Task<StatusResponse> StatusAsync(CancellationToken ct) => ReadAsync((c, t) => c.GetStatusAsync(t), ct);

    private static string ReadToken(string file)
    {
        string text;
        try
        {
            using var stream = File.OpenRead(file);
            var buffer = new byte[MaxTokenBytes + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > MaxTokenBytes)
            {
                throw new UsageException($"the token file '{file}' is larger than {MaxTokenBytes} bytes");
            }

            text = System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the token file '{file}': {e.Message}");
        }

        return text.Length == 0 ? throw new UsageException($"the token file '{file}' is empty") : text;
    }

    /// <summary>
    /// POSTs <paramref name="path"/> with the bearer token to the first of <paramref name="targets"/> that can be
    /// reached; a 2xx answer's JSON body is returned, any other answer is exit 1 with the node's error text.
    /// </summary>
    public async Task<(Uri Node, JsonElement Body)> PostAsync(IReadOnlyList<Uri> targets, string path, CancellationToken ct)
    {
        var (node, url, status, reason, text) = await SendToFirstAsync(HttpMethod.Post, targets, path, ct);
        if ((int)status is < 200 or > 299)
        {
            // Without a token the node's 401 is the answer; say where the token goes.
            var hint = status == HttpStatusCode.Unauthorized && Token is null
                ? " (an admin command: give the admin token's file with --token-file FILE or SOLIDB_ADMIN_TOKEN_FILE)"
                : "";
            throw new CheckFailedException($"POST {url} answered {(int)status} {reason}: {ErrorText(text)}{hint}");
        }

        return (node, ParseBody(text));
    }

    /// <summary>GET of a text resource (<c>/metrics</c>) from the first node that can be reached.</summary>
    public async Task<(Uri Node, string Text)> GetTextAsync(string path, CancellationToken ct)
    {
        var (node, url, status, reason, text) = await SendToFirstAsync(HttpMethod.Get, _globals.Nodes, path, ct);
        return status == HttpStatusCode.OK
            ? (node, text)
            : throw new CheckFailedException($"GET {url} answered {(int)status} {reason}: {ErrorText(text)}");
    }

    /// <summary>
    /// Sends to the first of <paramref name="targets"/> that can be reached and reads its whole answer; when none can,
    /// exit 3 naming every address tried and why.
    /// </summary>
    private async Task<(Uri Node, Uri Url, HttpStatusCode Status, string? Reason, string Text)> SendToFirstAsync(
        HttpMethod method, IReadOnlyList<Uri> targets, string path, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var node in targets)
        {
            var url = Combine(node, path);
            using var request = new HttpRequestMessage(method, url);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
                failures.Add($"{url}: {Cause(e)}");
                continue;
            }

            using (response)
            {
                return (node, url, response.StatusCode, response.ReasonPhrase, await response.Content.ReadAsStringAsync(ct));
            }
        }

        throw Unreachable(targets, string.Join("; ", failures));
    }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }

    public static UnreachableException Unreachable(IReadOnlyList<Uri> tried, string detail) =>
        new($"no node reachable (tried {string.Join(", ", tried.Select(u => u.ToString().TrimEnd('/')))}): {detail}");

    public static Uri Combine(Uri node, string path) => new(node.ToString().TrimEnd('/') + "/" + path.TrimStart('/'));

    /// <summary>The node's <c>{"error": ...}</c> when it sent one, else the start of the body, on one line.</summary>
    public static string ErrorText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String)
            {
                return OneLine(error.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself.
        }

        var line = OneLine(body);
        return line.Length == 0 ? "(no body)" : line.Length > 200 ? line[..200] + "..." : line;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static JsonElement ParseBody(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { text = OneLine(text) });
        }
    }

    private string Cause(Exception e) => e is OperationCanceledException
        ? $"no answer within {_globals.Timeout.TotalSeconds:0.###} s"
        : Failures.Describe(e, _validator);
}
