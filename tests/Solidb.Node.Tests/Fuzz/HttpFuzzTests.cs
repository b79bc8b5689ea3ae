using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>
/// Fuzzes the HTTP API of a real node over raw sockets and HttpClient (see <see cref="FuzzRequest"/>).
/// Every answer is below 500, except the two legitimate ones (<see cref="Legitimate"/>); the
/// node stays up, answers /_api/health, logs no unhandled exception or stack trace, and exits 0
/// on SIGTERM afterwards. The admin endpoints (leave, down, transfer) are fuzzed too: the fuzzer
/// never has the admin token, so a node that leaves, is downed or exits during the run is a failure.
/// </summary>
// In the second process collection: its processes would otherwise run beside both collections' clusters (ProcessCollection).
[Collection(ProcessCollection.Second)]
public sealed partial class HttpFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Why a status of 500 or more is legitimate for this request, or null. Only two are:
    /// 503 with the node's own not-ready JSON (readiness while the node is not Active or has no
    /// quorum, or status/readiness when the supervisor did not answer within 5 s), and 505 for a
    /// request line whose version is not HTTP/1.0 or HTTP/1.1 (Kestrel's answer to HTTP/2.0, HTTP/0.9, http/1.1, ...).
    /// </summary>
    public static string? Legitimate(int status, FuzzRequest request, string answer) => status switch
    {
        503 when answer.Contains("\"status\":\"not_ready\"", StringComparison.Ordinal)
            || answer.Contains("\"error\":\"the cluster supervisor did not answer in time\"", StringComparison.Ordinal) => "node not ready",
        505 when request.Delivery != Delivery.HttpClient && request.Version is not ("HTTP/1.0" or "HTTP/1.1") => "HTTP version not supported",
        < 500 => "below 500",
        _ => null,
    };

    [Fact]
    public async Task Random_requests_never_get_a_5xx_nor_crash_the_node()
    {
        await using var node = SolidbProcess.Start(["--node-id", "fuzz"], _dir.Sub("fuzz"));
        await Until.True(async () => await IsOkAsync(node, "/_api/cluster/health/ready"), Bound);

        var budget = Fuzzing.Budget(TimeSpan.FromSeconds(20));
        var findings = new Findings();
        var statuses = new ConcurrentDictionary<int, int>();
        var inFlight = new ConcurrentDictionary<int, FuzzRequest>();
        var next = Fuzzing.BaseSeed;
        var sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var client = new FuzzClient(node.HttpPort);

        async Task Worker()
        {
            while (clock.Elapsed < budget && !node.HasExited && findings.Count < 20)
            {
                var seed = Interlocked.Increment(ref next) - 1;
                var request = FuzzRequest.Generate(seed, node.HttpPort);
                inFlight[seed] = request;
                try
                {
                    var (codes, answer) = await client.SendAsync(request);
                    foreach (var code in codes)
                    {
                        statuses.AddOrUpdate(code, 1, (_, n) => n + 1);
                        if (Legitimate(code, request, answer) is null)
                        {
                            findings.Add($"status {code}", $"{Fuzzing.Replay(seed)}: status {code} for {request}\n{Head(answer)}");
                        }
                    }
                }
                catch (Exception e) when (e is TimeoutException or System.Net.Sockets.SocketException)
                {
                    findings.Add(e.GetType().Name, $"{Fuzzing.Replay(seed)}: {e.Message} for {request}");
                }
                finally
                {
                    inFlight.TryRemove(seed, out _);
                    Interlocked.Increment(ref sent);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(Worker)));
        output.WriteLine($"base seed {Fuzzing.BaseSeed}: {sent} requests in {clock.Elapsed.TotalSeconds:0} s; statuses " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}")));

        Assert.False(node.HasExited, $"the node exited during the fuzz (requests in flight: {string.Join("; ", inFlight.Values)}); stderr: {node.StdErr}");
        Assert.True(await IsOkAsync(node, "/_api/health"), "/_api/health does not answer 200 after the fuzz");
        foreach (var line in (node.StdOut + node.StdErr).Split('\n').Where(LooksLikeACrash))
        {
            findings.Add("log", line);
        }

        findings.AssertNone();
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(Bound));
    }

    /// <summary>An unhandled exception, a stack-trace line, or an error-level log line.</summary>
    public static bool LooksLikeACrash(string line) =>
        line.Contains("nhandled exception", StringComparison.OrdinalIgnoreCase) || StackFrame().IsMatch(line)
        || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s+at \S+")]
    private static partial Regex StackFrame();

    private static async Task<bool> IsOkAsync(SolidbProcess node, string path)
    {
        try
        {
            using var response = await node.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string Head(string answer) => answer.Length > 400 ? answer[..400] + "..." : answer;
}
