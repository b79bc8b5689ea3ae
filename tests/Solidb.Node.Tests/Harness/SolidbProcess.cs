using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Solidb.Node.Tests.Harness;

/// <summary>
/// A real <c>solidb</c> process on its own ports and data dir: read its status over HTTP, and
/// stop it with SIGTERM, SIGKILL or SIGSTOP/SIGCONT.
/// </summary>
public sealed class SolidbProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private SolidbProcess(Process process, string host, int port, int httpPort, string dataDir)
    {
        _process = process;
        Host = host;
        Port = port;
        HttpPort = httpPort;
        DataDir = dataDir;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The address it binds and the test reaches it on (127.0.0.1 unless started with a host).</summary>
    public string Host { get; }
    public int Port { get; }
    public int HttpPort { get; }
    public string DataDir { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Address => $"{Host}:{Port}";

    public string StdOut
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string StdErr
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    /// <summary>
    /// Starts solidb with the given extra arguments; ports and data dir are set unless the caller
    /// sets them (or passes <paramref name="addDefaults"/> false: the arguments go as they are).
    /// </summary>
    /// <param name="wrapper">A command that runs solidb, which follows as its last arguments
    /// (e.g. <c>setpriv ...</c> or <c>unshare -m sh -c '...; exec "$@"' sh</c>); none by default.</param>
    /// <param name="host">Where the node listens and the harness reaches its HTTP API: 127.0.0.1 unless
    /// given (a network namespace's address, with that namespace's wrapper); passed as --host unless the args set it.</param>
    public static SolidbProcess Start(IEnumerable<string> args, string dataDir, int? port = null, int? httpPort = null,
        IReadOnlyDictionary<string, string>? environment = null, bool addDefaults = true, IReadOnlyList<string>? wrapper = null,
        string? host = null)
    {
        var remote = port ?? FreePorts.Next();
        var http = httpPort ?? FreePorts.Next();
        var argList = args.ToList();
        var info = new ProcessStartInfo(wrapper is { Count: > 0 } ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (wrapper is { Count: > 0 })
        {
            foreach (var w in wrapper.Skip(1))
            {
                info.ArgumentList.Add(w);
            }

            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(SolidbBinary.Path);
        foreach (var a in argList)
        {
            info.ArgumentList.Add(a);
        }

        if (addDefaults)
        {
            AddUnlessGiven(info, argList, "--port", remote.ToString(CultureInfo.InvariantCulture));
            AddUnlessGiven(info, argList, "--http-port", http.ToString(CultureInfo.InvariantCulture));
            AddUnlessGiven(info, argList, "--data-dir", dataDir);
            if (host is not null)
            {
                AddUnlessGiven(info, argList, "--host", host);
            }
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SOLIDB_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        return new SolidbProcess(process, host ?? "127.0.0.1", remote, http, dataDir);
    }

    /// <summary>Runs solidb to completion (for bad-input and --help cases).</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IEnumerable<string> args, string dataDir,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, IReadOnlyList<string>? wrapper = null)
    {
        await using var p = Start(args, dataDir, environment: environment, wrapper: wrapper);
        var code = await p.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (code, p.StdOut, p.StdErr);
    }

    public async Task<JsonElement?> TryStatusAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<JsonElement>($"http://{Host}:{HttpPort}/_api/cluster/status");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public async Task<JsonElement> StatusAsync() =>
        await TryStatusAsync() ?? throw new InvalidOperationException($"node on {HttpPort} did not answer; stderr: {StdErr}");

    public async Task<HttpResponseMessage> GetAsync(string path) => await Http.GetAsync($"http://{Host}:{HttpPort}{path}");

    public async Task<HttpResponseMessage> PostAsync(string path) =>
        await Http.PostAsync($"http://{Host}:{HttpPort}{path}", content: null);

    /// <summary>The admin token this node generated into its data dir (a node started without --admin-token-file).</summary>
    public string AdminToken => File.ReadAllText(Path.Combine(DataDir, "admin-token")).Trim();

    /// <summary>A request with optional bearer token and extra headers (admin endpoint tests).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, $"http://{Host}:{HttpPort}{path}");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>POST with the node's generated admin token (leave, down, transfer).</summary>
    public Task<HttpResponseMessage> AdminPostAsync(string path) => SendAsync(HttpMethod.Post, path, AdminToken);

    public void Signal(int signal) => Signals.Send(_process.Id, signal);

    public void Terminate() => Signal(Signals.SigTerm);

    public void Kill() => Signal(Signals.SigKill);

    public void Pause() => Signal(Signals.SigStop);

    public void Resume() => Signal(Signals.SigCont);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"solidb (pid {Pid}) still runs after {timeout}; stderr: {StdErr}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                Resume();
                Kill();
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the signal.
            }

            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void AddUnlessGiven(ProcessStartInfo info, List<string> args, string flag, string value)
    {
        if (!args.Any(a => a == flag || a.StartsWith(flag + "=", StringComparison.Ordinal)))
        {
            info.ArgumentList.Add(flag);
            info.ArgumentList.Add(value);
        }
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.AppendLine(line);
        }
    }
}
