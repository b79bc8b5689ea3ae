using System.Net;
using System.Net.Http;
using System.Text.Json;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Client.Http;

/// <summary>
/// Typed client of a node's HTTP API: status, leader, live and ready, over <c>http</c> or <c>https</c>.
/// Given several base URLs, a request goes to the node that answered last (the first at the start) and moves on
/// to the next when a node cannot be reached (refused, reset, timed out, TLS refused); an HTTP answer, even an
/// error, is that node's answer and does not move on. Every failure is a <see cref="ClusterClientException"/> whose
/// message names the URL(s) and the cause in one line. Thread-safe.
/// </summary>
public sealed class ClusterHttpClient : IDisposable
{
    private const int MaxBodyBytes = 1 << 20;
    private readonly IReadOnlyList<Uri> _urls;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly CaCertificateValidator? _validator;
    private int _current;

    /// <param name="baseUrl">The node's HTTP API, e.g. <c>http://127.0.0.1:6746</c> (a path prefix is kept).</param>
    /// <param name="httpClient">Your own client (not disposed here; <paramref name="options"/>' timeout and CA file then do not apply).</param>
    public ClusterHttpClient(Uri baseUrl, ClusterClientOptions? options = null, HttpClient? httpClient = null)
        : this([baseUrl], options, httpClient)
    {
    }

    /// <param name="baseUrls">One or more nodes' HTTP APIs, tried in this order.</param>
    /// <param name="httpClient">Your own client (not disposed here; <paramref name="options"/>' timeout and CA file then do not apply).</param>
    public ClusterHttpClient(IEnumerable<Uri> baseUrls, ClusterClientOptions? options = null, HttpClient? httpClient = null)
    {
        _urls = NodeUrls.Check(baseUrls, "http", "https");
        options ??= new ClusterClientOptions();
        if (httpClient is not null)
        {
            _http = httpClient;
            return;
        }

        _validator = options.CaCertificateFile is { } ca ? CaCertificateValidator.Load(ca, options.TimeProvider) : null;
        var handler = new SocketsHttpHandler { ConnectTimeout = options.Timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        if (_validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = _validator.Validate;
        }

        _http = new HttpClient(handler) { Timeout = options.Timeout, MaxResponseContentBufferSize = MaxBodyBytes };
        if (options.BearerToken is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        _ownsHttp = true;
    }

    /// <summary>The nodes this client asks.</summary>
    public IReadOnlyList<Uri> Urls => _urls;

    /// <summary><c>GET /_api/cluster/status</c>: members, leader, term, clock and counters as the node sees them.</summary>
    public async Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<StatusResponse>("_api/cluster/status", static c => c == HttpStatusCode.OK, cancellationToken)).Body;

    /// <summary><c>GET /_api/cluster/leader</c>: the leader this node knows, its term and the fencing token.</summary>
    public async Task<LeaderResponse> GetLeaderAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<LeaderResponse>("_api/cluster/leader", static c => c == HttpStatusCode.OK, cancellationToken)).Body;

    /// <summary><c>GET /_api/cluster/health/live</c>: the process answers.</summary>
    public async Task<HealthResponse> GetLiveAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<HealthResponse>("_api/cluster/health/live", static c => c == HttpStatusCode.OK, cancellationToken)).Body;

    /// <summary><c>GET /_api/cluster/health/ready</c>: ready (200) or not ready with the node's reason (503).</summary>
    public async Task<Readiness> GetReadyAsync(CancellationToken cancellationToken = default)
    {
        var (node, code, body) = await GetAsync<ReadinessResponse>("_api/cluster/health/ready",
            static c => c is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, cancellationToken);
        return new Readiness(code == HttpStatusCode.OK, body.Reason, body, node);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <returns>The base URL of the node that answered, its status code and body.</returns>
    private async Task<(Uri Node, HttpStatusCode Code, T Body)> GetAsync<T>(string path, Func<HttpStatusCode, bool> expected, CancellationToken ct)
        where T : class
    {
        var start = Volatile.Read(ref _current);
        var failures = new List<string>();
        ClusterClientException? last = null;
        for (var i = 0; i < _urls.Count; i++)
        {
            var index = (start + i) % _urls.Count;
            var url = NodeUrls.Combine(_urls[index], path);
            HttpResponseMessage response;
            try
            {
                response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                var cause = e is OperationCanceledException ? $"no answer within {_http.Timeout.TotalSeconds:0.###} s" : Failures.Describe(e, _validator);
                failures.Add($"{url}: {cause}");
                last = new ClusterClientException($"GET {url} failed: {cause}", url, inner: e);
                continue;
            }

            using (response)
            {
                Volatile.Write(ref _current, index);
                return (_urls[index], response.StatusCode, await ReadAsync<T>(url, response, expected, ct));
            }
        }

        throw failures.Count == 1
            ? last!
            : new ClusterClientException($"GET /{path} failed on every node: {string.Join("; ", failures)}", last!.Url, inner: last);
    }

    private static async Task<T> ReadAsync<T>(Uri url, HttpResponseMessage response, Func<HttpStatusCode, bool> expected, CancellationToken ct)
        where T : class
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        var code = response.StatusCode;
        if (!expected(code))
        {
            throw new ClusterClientException($"GET {url} answered {(int)code} {response.ReasonPhrase}: {ErrorText(text)}", url, code);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, ClusterJson.Options)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new ClusterClientException($"GET {url} answered {(int)code} with a body that is not a {typeof(T).Name}: {e.Message}", url, code, e);
        }
    }

    /// <summary>The node's <c>{"error": ...}</c> when it sent one; otherwise the start of the body.</summary>
    private static string ErrorText(string body)
    {
        try
        {
            if (JsonSerializer.Deserialize<ErrorResponse>(body, ClusterJson.Options) is { Error: { Length: > 0 } error })
            {
                return error;
            }
        }
        catch (JsonException)
        {
            // Not the node's error shape: show the text itself.
        }

        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length == 0 ? "(no body)" : line.Length > 200 ? line[..200] + "..." : line;
    }
}
