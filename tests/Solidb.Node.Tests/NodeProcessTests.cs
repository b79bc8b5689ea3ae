using System.Net;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>End to end: real solidb processes, over HTTP and signals.</summary>
[Collection(ProcessCollection.Second)]
public sealed class NodeProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_node_without_peers_forms_a_cluster_alone_and_leads_it()
    {
        await using var node = SolidbProcess.Start(["--node-id", "solo"], _dir.Sub("solo"));

        // Active (Up) and leading: the leader is published a moment after the member is Up.
        var status = await Until.Async(node.TryStatusAsync,
            s => s?.GetProperty("state").GetString() == "Active" && s?.GetProperty("leader").GetString() == "solo", Bound);

        var s = status!.Value;
        Assert.Equal("solo", s.GetProperty("node_id").GetString());
        Assert.Equal("solo", s.GetProperty("leader").GetString());
        Assert.Equal(node.Address, s.GetProperty("address").GetString());
        Assert.Equal($"http://127.0.0.1:{node.HttpPort}", s.GetProperty("http_address").GetString());
        Assert.False(string.IsNullOrEmpty(s.GetProperty("version").GetString()));
        Assert.True(DateTimeOffset.TryParse(s.GetProperty("started_at").GetString(), out _));
        var member = Assert.Single(s.GetProperty("members").EnumerateArray());
        Assert.Equal("solo", member.GetProperty("node_id").GetString());
        Assert.Equal("Active", member.GetProperty("state").GetString());

        var health = await node.GetAsync("/_api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());

        // One prefix per log line: the console's time and level, then the logging class; Akka's
        // own "[INFO][time][thread][source]" prefix is not repeated inside the message.
        await Until.Async(() => Task.FromResult(node.StdOut), o => o.Contains("Leader is now solo"), Bound);
        Assert.Contains("info: Solidb.Cluster.Election.ElectionActor[0] Leader: solo, term 1", node.StdOut);
        Assert.Contains("info: Akka.Cluster[0] Cluster Node", node.StdOut);
        Assert.DoesNotContain("[INFO][", node.StdOut);
    }

    [Fact]
    public async Task Sigterm_leaves_gracefully_and_exits_0()
    {
        await using var node = SolidbProcess.Start(["--node-id", "n1"], _dir.Sub("n1"));
        await Until.Async(node.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);

        node.Terminate();

        Assert.Equal(0, await node.WaitForExitAsync(Bound));
        Assert.Contains("Leaving", node.StdOut);
    }

    [Fact]
    public async Task A_generated_id_survives_a_restart_and_the_incarnation_grows()
    {
        var dataDir = _dir.Sub("gen");
        string? firstId;
        long firstIncarnation;
        await using (var first = SolidbProcess.Start([], dataDir))
        {
            var s = (await Until.Async(first.TryStatusAsync, x => x is not null, Bound))!.Value;
            firstId = s.GetProperty("node_id").GetString();
            firstIncarnation = s.GetProperty("incarnation").GetInt64();
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(Bound));
        }

        await using var second = SolidbProcess.Start([], dataDir);
        var again = (await Until.Async(second.TryStatusAsync, x => x is not null, Bound))!.Value;
        Assert.Equal(firstId, again.GetProperty("node_id").GetString());
        Assert.Equal(firstIncarnation + 1, again.GetProperty("incarnation").GetInt64());
    }

    [Fact]
    public async Task A_restart_with_another_node_id_is_refused()
    {
        var dataDir = _dir.Sub("id");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllTextAsync(Path.Combine(dataDir, "node-id"), "node1\n");

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "node2"], dataDir);

        Assert.Equal(2, code);
        AssertOneLineError(stderr, "belongs to node 'node1', not 'node2'");
    }

    [Fact]
    public async Task A_second_node_on_the_same_data_dir_is_refused()
    {
        var dataDir = _dir.Sub("shared");
        await using var first = SolidbProcess.Start(["--node-id", "a"], dataDir);
        await Until.Async(first.TryStatusAsync, s => s is not null, Bound);

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "a"], dataDir);

        Assert.Equal(2, code);
        AssertOneLineError(stderr, "is locked by another running node");
    }

    [Fact]
    public async Task A_port_in_use_is_refused()
    {
        var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            var port = ((IPEndPoint)busy.LocalEndpoint).Port;

            var (code, _, stderr) = await SolidbProcess.RunAsync(["--port", port.ToString()], _dir.Sub("busy"));

            Assert.Equal(2, code);
            AssertOneLineError(stderr, $"--port {port} on 127.0.0.1 is already in use");
        }
        finally
        {
            busy.Stop();
        }
    }

    [Theory]
    [InlineData(new[] { "--cluster-peers", "node1:notaport" }, "invalid value for --cluster-peers: peer 'node1:notaport' has an invalid port")]
    [InlineData(new[] { "--cluster-peers", ":6745" }, "has no host")]
    [InlineData(new[] { "--cluster-peers", "a:1,,b:2" }, "empty peer entry")]
    [InlineData(new[] { "--cluster-peers", "a:1,a:1" }, "duplicate peer 'a:1'")]
    [InlineData(new[] { "--http-port", "70000" }, "invalid value for --http-port: '70000'")]
    [InlineData(new[] { "--node-id", "no/slash" }, "invalid value for --node-id")]
    [InlineData(new[] { "--config", "/nonexistent/solidb.conf" }, "cannot read config file '/nonexistent/solidb.conf'")]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    public async Task Bad_input_exits_2_with_one_line(string[] args, string message)
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(args, _dir.Sub("bad"));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, message);
    }

    [Fact]
    public async Task An_invalid_config_file_exits_2_with_one_line()
    {
        var file = _dir.Sub("bad.conf");
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllTextAsync(file, "solidb { node { port = 1 \n");

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--config", file], _dir.Sub("cfg"));

        Assert.Equal(2, code);
        AssertOneLineError(stderr, $"invalid config file '{file}': line 1: '{{' is never closed");
    }

    [Fact]
    public async Task Environment_variables_configure_the_node()
    {
        await using var node = SolidbProcess.Start([], _dir.Sub("env"), environment: new Dictionary<string, string> { ["SOLIDB_NODE_ID"] = "from-env" });

        var s = await Until.Async(node.TryStatusAsync, x => x is not null, Bound);

        Assert.Equal("from-env", s!.Value.GetProperty("node_id").GetString());
    }

    [Fact]
    public async Task Help_and_version_exit_0()
    {
        var (helpCode, help, _) = await SolidbProcess.RunAsync(["--help"], _dir.Sub("h"));
        var (versionCode, version, _) = await SolidbProcess.RunAsync(["--version"], _dir.Sub("v"));

        Assert.Equal(0, helpCode);
        Assert.Contains("--cluster-peers", help);
        Assert.Equal(0, versionCode);
        Assert.StartsWith("solidb ", version);
    }

    private static void AssertOneLineError(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("solidb: error: ", line);
        Assert.Contains(expected, line);
    }
}

/// <summary>
/// The process tests run in two collections, each one test at a time, side by side: their
/// processes mostly wait on timers and sockets, so two clusters at once halve the wall time. Each
/// class is in the one that keeps the two about even; every test of the network lab is in the
/// first (the lab's namespaces and bridge are one at a time), every clock-shift test in the second
/// (one build of the shim).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection
{
    public const string Name = "solidb processes";

    /// <summary>The second collection (<see cref="ProcessCollection2"/>).</summary>
    public const string Second = "solidb processes 2";
}

/// <summary>The second collection of process tests (see <see cref="ProcessCollection"/>).</summary>
[CollectionDefinition(ProcessCollection.Second)]
public sealed class ProcessCollection2;

