using System.Net;
using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Admin;

/// <summary>The admin token against a real node: missing, wrong and right tokens, browsers, the generated file, reads.</summary>
[Collection(ProcessCollection.Second)]
public sealed class AdminProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] AdminPaths =
        ["/_api/cluster/leave", "/_api/cluster/members/node9/leave", "/_api/cluster/members/node9/down", "/_api/cluster/leader/transfer", "/_api/cluster/leader/transfer?to=node9"];

    private static async Task<string> Error(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    private static async Task<SolidbProcess> StartActive(TempDir dir, string name, params string[] args)
    {
        var node = SolidbProcess.Start(["--node-id", name, .. args], dir.Sub(name));
        await Until.Async(node.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);
        return node;
    }

    [Fact]
    public async Task Every_admin_endpoint_refuses_a_missing_or_wrong_token_and_a_browser_and_the_token_is_never_logged()
    {
        await using var node = await StartActive(_dir, "n1");
        var token = node.AdminToken;
        var wrong = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        foreach (var path in AdminPaths)
        {
            var missing = await node.SendAsync(HttpMethod.Post, path);
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("Authorization: Bearer", await Error(missing));

            var bad = await node.SendAsync(HttpMethod.Post, path, wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
            Assert.Equal("the admin token is wrong", await Error(bad));

            var basic = await node.SendAsync(HttpMethod.Post, path, headers: new Dictionary<string, string> { ["Authorization"] = $"Basic {token}" });
            Assert.Equal(HttpStatusCode.Unauthorized, basic.StatusCode);

            var page = await node.SendAsync(HttpMethod.Post, path, token, new Dictionary<string, string> { ["Origin"] = $"http://127.0.0.1:{node.HttpPort}" });
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Contains("browsers", await Error(page));

            var crossSite = await node.SendAsync(HttpMethod.Post, path, token, new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" });
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        // Right token: validation and lookups answer (the transfer's own outcome is the transfer's tests').
        var unknown = await node.SendAsync(HttpMethod.Post, "/_api/cluster/members/node9/down", token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("node9", await Error(unknown));
        var unknownLeave = await node.SendAsync(HttpMethod.Post, "/_api/cluster/members/node9/leave", token);
        Assert.Equal(HttpStatusCode.NotFound, unknownLeave.StatusCode);
        var malformed = await node.SendAsync(HttpMethod.Post, "/_api/cluster/members/bad%2Aid/down", token);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("invalid node id", await Error(malformed));
        var malformedTo = await node.SendAsync(HttpMethod.Post, "/_api/cluster/leader/transfer?to=bad%2Aid", token);
        Assert.Equal(HttpStatusCode.BadRequest, malformedTo.StatusCode);
        var self = await node.SendAsync(HttpMethod.Post, "/_api/cluster/members/n1/down", token);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("transfer leadership first", await Error(self));

        var stats = (await node.StatusAsync()).GetProperty("stats").GetProperty("rejections");
        Assert.True(stats.GetProperty("unauthorized").GetInt64() >= AdminPaths.Length * 5);

        var leave = await node.SendAsync(HttpMethod.Post, "/_api/cluster/leave", token);
        Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);
        Assert.Equal(0, await node.WaitForExitAsync(Bound));

        var output = node.StdOut + node.StdErr;
        Assert.DoesNotContain(token, output);
        Assert.DoesNotContain(wrong, output);
        Assert.Contains($"need the bearer token in '{Path.Combine(node.DataDir, "admin-token")}' (generated now, mode 0600)", output);
        Assert.Contains("Admin audit: down of node9 on node n1 from 127.0.0.1:", output);
        Assert.Contains(": 404 no member has node id node9", output);
        Assert.Contains("Admin audit: leave on node n1 from 127.0.0.1:", output);
        Assert.Contains("Admin audit: refused POST /_api/cluster/leave on node n1 from 127.0.0.1:", output);
    }

    [Fact]
    public async Task The_generated_token_file_is_mode_0600_and_reused_after_a_restart()
    {
        string token;
        var file = Path.Combine(_dir.Sub("n1"), "admin-token");
        await using (var first = await StartActive(_dir, "n1"))
        {
            token = first.AdminToken;
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(Bound));
        }

        await using var second = await StartActive(_dir, "n1");
        Assert.Equal(token, second.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await second.SendAsync(HttpMethod.Post, "/_api/cluster/members/node9/down", token)).StatusCode);
        Assert.Contains("(read at start-up)", second.StdOut);
    }

    [Fact]
    public async Task A_given_token_file_is_the_token_and_a_short_one_stops_the_start_in_one_line()
    {
        var secret = "s3cr3t-" + new string('x', 40);
        var file = _dir.Sub("token");
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(file, secret + "\n");
        await using var node = await StartActive(_dir, "n1", "--admin-token-file", file);

        Assert.Equal(HttpStatusCode.NotFound, (await node.SendAsync(HttpMethod.Post, "/_api/cluster/members/node9/down", secret)).StatusCode);
        Assert.False(File.Exists(Path.Combine(node.DataDir, "admin-token")));

        var shortFile = _dir.Sub("short");
        await File.WriteAllTextAsync(shortFile, "too-short");
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "n2"], _dir.Sub("n2"),
            environment: new Dictionary<string, string> { ["SOLIDB_ADMIN_TOKEN_FILE"] = shortFile });
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("solidb: error: --admin-token-file: the admin token in", line);
        Assert.Contains("at least 32", line);
        Assert.DoesNotContain("too-short", line);
    }

    [Fact]
    public async Task Require_token_for_reads_closes_status_leader_readiness_and_events_but_not_liveness()
    {
        var config = _dir.Sub("reads.conf");
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(config, "solidb.http.require-token-for-reads = on\n");
        var node = SolidbProcess.Start(["--node-id", "n1", "--config", config], _dir.Sub("n1"));
        await using var _ = node;
        await Until.Async(async () =>
        {
            try
            {
                return (await node.SendAsync(HttpMethod.Get, "/_api/cluster/health/ready", node.AdminToken)).StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                return (HttpStatusCode?)null; // not listening yet, or no token file yet
            }
        }, code => code == HttpStatusCode.OK, Bound);
        var token = node.AdminToken;

        foreach (var path in new[] { "/_api/cluster/status", "/_api/cluster/leader", "/_api/cluster/health/ready", "/_api/cluster/events" })
        {
            var closed = await node.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await node.SendAsync(HttpMethod.Get, path, "x" + token)).StatusCode);
            var open = await node.SendAsync(HttpMethod.Get, path, token);
            Assert.NotEqual(HttpStatusCode.Unauthorized, open.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await node.SendAsync(HttpMethod.Get, "/_api/cluster/events", token)).StatusCode); // no upgrade: past the token check
        foreach (var path in new[] { "/_api/health", "/_api/cluster/health/live" })
        {
            Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, path)).StatusCode);
        }

        // A read with the token from a same-origin page is fine: only the admin endpoints refuse browsers.
        var withOrigin = await node.SendAsync(HttpMethod.Get, "/_api/cluster/status", token,
            new Dictionary<string, string> { ["Origin"] = $"http://127.0.0.1:{node.HttpPort}" });
        Assert.Equal(HttpStatusCode.OK, withOrigin.StatusCode);

        // solidb-cmd sends the token it is given on its reads and its event stream, and without it says 401.
        var tokenFile = Path.Combine(node.DataDir, "admin-token");
        var at = $"127.0.0.1:{node.HttpPort}";
        var (code, stdout, err) = await CmdProcess.RunAsync("cluster", "show", "--node", at);
        Assert.Equal(1, code);
        Assert.Contains("401", err);
        Assert.Empty(stdout);
        (code, stdout, err) = await CmdProcess.RunAsync("cluster", "show", "--node", at, "--token-file", tokenFile);
        Assert.True(code == 0, err);
        Assert.Contains("n1 (leader) (this)", stdout);
        await using (var tail = CmdProcess.Start("cluster", "tail", "--node", at, "--token-file", tokenFile))
        {
            await Until.Async(() => Task.FromResult(tail.StdOut), o => o.Contains(" snapshot ", StringComparison.Ordinal), Bound);
            Signals.Send(tail.Pid, CmdProcess.SigInt);
            Assert.Equal(0, await tail.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal("", tail.StdErr);
        }

        Assert.DoesNotContain(token, node.StdOut + node.StdErr);
    }

    [Fact]
    public async Task Reads_stay_open_by_default()
    {
        await using var node = await StartActive(_dir, "n1");

        foreach (var path in new[] { "/_api/cluster/status", "/_api/cluster/leader", "/_api/cluster/health/ready" })
        {
            Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, path)).StatusCode);
        }
    }
}
