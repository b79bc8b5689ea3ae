using System.Diagnostics;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- cmd [runs]`: wall time of `solidb-cmd cluster show` (a new process per run, stdout to a pipe: plain text)
/// against one running node (Release build). Variants, interleaved run by run so that machine load hits them alike:
/// the build output (JIT) with and without TieredPGO, and a ReadyToRun publish (made here, into a temp dir) with and
/// without TieredPGO; plus `hlc parse` (no network: the process start-up floor) of the build output. Prints each
/// variant's median, min and max over the runs (one warm-up run of each is not counted).
/// </summary>
internal static class CmdHarness
{
    public static async Task<int> Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 20;
        var root = NodeProcess.RepositoryRoot();
        var jit = Path.Combine(root, "src", "Solidb.Cmd", "bin", "Release", "net10.0", "solidb-cmd.dll");
        if (!File.Exists(jit))
        {
            throw new FileNotFoundException($"build Release first: {jit} is missing");
        }

        using var publish = new TempDir("solidb-cmd-r2r-");
        Exec("dotnet", "publish", Path.Combine(root, "src", "Solidb.Cmd"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", publish.Path, "-nologo", "-v", "quiet");
        var r2r = Path.Combine(publish.Path, "solidb-cmd.dll");

        using var dir = new TempDir("solidb-bench-");
        var http = NodeProcess.FreePort();
        using var node = NodeProcess.Start("n1", NodeProcess.FreePort(), http, dir.Path, "");
        while (await node.StatusAsync() is not { } s || s.GetProperty("state").GetString() != "Active")
        {
            await Task.Delay(50);
        }

        var target = $"127.0.0.1:{http}";
        (string Name, string Dll, string[] Args, bool Pgo)[] variants =
        [
            ("hlc parse (start-up floor), JIT", jit, ["hlc", "parse", "000001a2167c41c0-00000000"], true),
            ("cluster show, JIT (build output)", jit, ["cluster", "show", "--node", target], true),
            ("cluster show, JIT, TieredPGO off", jit, ["cluster", "show", "--node", target], false),
            ("cluster show, ReadyToRun", r2r, ["cluster", "show", "--node", target], true),
            ("cluster show, ReadyToRun, TieredPGO off", r2r, ["cluster", "show", "--node", target], false),
        ];
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i <= runs; i++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var ms = Time(variants[v].Dll, variants[v].Args, variants[v].Pgo);
                if (i > 0)
                {
                    times[v].Add(ms);
                }
            }
        }

        for (var v = 0; v < variants.Length; v++)
        {
            Console.WriteLine($"{variants[v].Name,-42} median {Samples.Median(times[v]),5:F0} ms  min {times[v].Min(),5:F0}  max {times[v].Max(),5:F0}  ({runs} runs)");
        }

        return 0;
    }

    private static double Time(string dll, string[] args, bool pgo)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        if (!pgo)
        {
            info.Environment["DOTNET_TieredPGO"] = "0";
        }

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var ms = clock.Elapsed.TotalMilliseconds;
        return p.ExitCode == 0 ? ms : throw new InvalidOperationException($"solidb-cmd {string.Join(' ', args)} exited {p.ExitCode}: {error}{output.Result}");
    }

    private static void Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}{output.Result}");
        }
    }
}
