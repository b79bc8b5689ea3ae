using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>A real solidb process for the cluster harness: free ports, its own data dir, status over HTTP.</summary>
internal sealed class NodeProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;

    private NodeProcess(Process process, string host, int httpPort)
    {
        _process = process;
        Host = host;
        HttpPort = httpPort;
    }

    /// <summary>Where the node listens and the harness reaches its HTTP API.</summary>
    public string Host { get; }

    public int HttpPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The process's resident set size (VmRSS of /proc), in MB.</summary>
    public double RssMb()
    {
        _process.Refresh();
        return _process.WorkingSet64 / 1048576.0;
    }

    /// <summary>
    /// The node to measure: this checkout's Release build, or the solidb.dll named by
    /// SOLIDB_BENCH_BINARY (another checkout's build, to compare two versions run by run).
    /// </summary>
    public static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("SOLIDB_BENCH_BINARY") is { Length: > 0 } other
            ? other
            : Path.Combine(RepositoryRoot(), "src", "Solidb.Node", "bin", "Release", "net10.0", "solidb.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build Release first: {path} is missing");
    }

    /// <summary>The checkout this bench was built in (the directory holding Solidb.Actors.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Solidb.Actors.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"the repository root (Solidb.Actors.sln) is not above {AppContext.BaseDirectory}");
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <param name="extra">More flags, e.g. the node's --tls-cert/--tls-key/--tls-ca.</param>
    /// <param name="host">The node's --host (given only when not loopback): a network namespace's address, with its wrapper.</param>
    /// <param name="wrapper">A command that runs dotnet (e.g. <c>ip netns exec NS</c>); none by default.</param>
    /// <param name="environment">More environment variables for the process (e.g. the clockshift shim's).</param>
    /// <param name="onLine">Called with each line the process writes to stdout or stderr, as it comes (on a reader thread).</param>
    public static NodeProcess Start(string nodeId, int port, int httpPort, string dataDir, string peers, IEnumerable<string>? extra = null,
        string host = "127.0.0.1", IReadOnlyList<string>? wrapper = null, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onLine = null)
    {
        // SOLIDB_BENCH_LOGS=DIR keeps every node's output (info level) in DIR/<node>-<port>.log, to analyse a slow or failed run.
        var logs = Environment.GetEnvironmentVariable("SOLIDB_BENCH_LOGS");
        List<string> command = [.. wrapper ?? [], "dotnet", Binary(), "--node-id", nodeId, "--port", port.ToString(), "--http-port", httpPort.ToString(),
            "--data-dir", dataDir, "--log-level", string.IsNullOrEmpty(logs) ? "warning" : "info", .. extra ?? []];
        if (host != "127.0.0.1")
        {
            command.AddRange(["--host", host]);
        }

        if (peers.Length > 0)
        {
            command.AddRange(["--cluster-peers", peers]);
        }

        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var log = string.IsNullOrEmpty(logs) ? null : TextWriter.Synchronized(new StreamWriter(
            Path.Combine(Directory.CreateDirectory(logs).FullName, $"{nodeId}-{port}.log"), append: true) { AutoFlush = true });
        void Received(string? line)
        {
            log?.WriteLine(line);
            if (line is not null)
            {
                onLine?.Invoke(line);
            }
        }

        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new NodeProcess(process, host, httpPort);
    }

    public async Task<JsonElement?> StatusAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<JsonElement>($"http://{Host}:{HttpPort}/_api/cluster/status");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary><c>GET /_api/cluster/health/ready</c>: the status code and the body's reason; null when the node did not answer.</summary>
    public async Task<(HttpStatusCode Code, string Reason)?> ReadinessAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"http://{Host}:{HttpPort}/_api/cluster/health/ready");
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var body = doc.RootElement;
            var reason = body.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            return (response.StatusCode, reason);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Every node answered, all name the same leader, and each shows <paramref name="members"/> Active members.</summary>
    public static bool OneLeaderAllActive(int members, JsonElement?[] statuses) =>
        statuses.All(s => s is not null)
        && statuses.Select(s => s!.Value.GetProperty("leader").GetString()).Distinct().Count() == 1
        && statuses[0]!.Value.GetProperty("leader").GetString() is not null
        && statuses.All(s => s!.Value.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "Active") == members);

    public void Kill9() => _ = kill(_process.Id, 9);

    /// <summary>SIGTERM: a graceful leave.</summary>
    public void Terminate() => _ = kill(_process.Id, 15);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // The measurement is over: no graceful leave (with a dead peer it takes many seconds).
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // one call, no unsafe code wanted
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
