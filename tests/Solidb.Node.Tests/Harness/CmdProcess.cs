using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Solidb.Node.Tests.Harness;

/// <summary>The real solidb-cmd process (the built solidb-cmd.dll of the tests' configuration): run to completion, or kept running (cluster tail).</summary>
public sealed class CmdProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    private static readonly Lazy<string> LazyPath = new(Locate);
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private CmdProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StdOut
    {
        get { lock (_out) { return _out.ToString(); } }
    }

    public string StdErr
    {
        get { lock (_err) { return _err.ToString(); } }
    }

    public int Pid => _process.Id;

    public static CmdProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(LazyPath.Value);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SOLIDB_", StringComparison.Ordinal) || k == "NO_COLOR").ToList())
        {
            info.Environment.Remove(key);
        }

        return new CmdProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>Runs solidb-cmd to its end (bounded): exit code, stdout, stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        await using var p = Start(args);
        var code = await p.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, p.StdOut, p.StdErr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"solidb-cmd (pid {Pid}, exited: {_process.HasExited}) did not end within {bound.TotalSeconds:F0} s; " +
                $"stdout: {Tail(StdOut)}; stderr: {Tail(StdErr)}{SigIntHint()}");
        }

        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>
    /// A process started in the background by a shell without job control ignores SIGINT, and so
    /// does every process it starts (POSIX keeps an ignored signal ignored across fork and exec):
    /// then no Ctrl-C reaches solidb-cmd. Says so when it is the case in this test process.
    /// </summary>
    private static string SigIntHint()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0
            ? " (SIGINT is ignored in the test process and so in solidb-cmd: run the suite in the foreground or with job control, e.g. not as `(cmd &)`)"
            : "";
    }

    private static string Tail(string text) => text.Length > 2000 ? "..." + text[^2000..] : text;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.Append(line).Append('\n');
        }
    }

    private static string Locate()
    {
        var configuration = typeof(CmdProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(SolidbBinary.Path)!, "..", "..", "..", "..", "Solidb.Cmd", "bin", configuration, "net10.0", "solidb-cmd.dll");
        return File.Exists(path) ? System.IO.Path.GetFullPath(path) : throw new FileNotFoundException($"solidb-cmd.dll not found (looked for {path}); build the solution first");
    }
}
