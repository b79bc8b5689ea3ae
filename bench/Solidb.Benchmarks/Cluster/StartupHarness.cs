using System.Diagnostics;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- startup [runs] [--tls] [--lowest-missing]`: real processes, default settings. Measures (1)
/// process start to the single node reporting itself Active, and (2) three nodes started together
/// (listing each other) to all three agreeing on one leader with three Active members; with
/// --lowest-missing also (3) three configured nodes of which the lowest-addressed one never starts,
/// to the other two agreeing on one leader with two Active members (the formation vote). Prints
/// each run and the median; with --tls every run is measured without and with mutual TLS.
/// </summary>
internal static class StartupHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> Run(string[] args)
    {
        var (rest, tls) = BenchTls.Parse(args);
        using var _ = tls;
        var lowestMissing = rest.Contains("--lowest-missing");
        rest = [.. rest.Where(a => a != "--lowest-missing")];
        var runs = rest.Length > 0 ? int.Parse(rest[0]) : 5;
        var missing = Modes(tls).ToDictionary(m => m.Name, _ => new List<double>());
        var modes = Modes(tls);
        var single = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var three = modes.ToDictionary(m => m.Name, _ => new List<double>());
        for (var i = 0; i < runs; i++)
        {
            foreach (var (name, mode) in modes)
            {
                single[name].Add(await SingleNodeActive(mode));
                three[name].Add(await ThreeNodesAgree(mode));
                Console.WriteLine($"run {i + 1} {name}: single node Active {single[name][^1]:F0} ms, 3 nodes agree on a leader {three[name][^1]:F0} ms");
                if (lowestMissing)
                {
                    missing[name].Add(await ThreeNodesAgree(mode, skipLowest: true));
                    Console.WriteLine($"run {i + 1} {name}: lowest-addressed node missing, the other 2 agree on a leader {missing[name][^1]:F0} ms");
                }
            }
        }

        foreach (var (name, _) in modes)
        {
            Console.WriteLine($"{name}, median of {runs}: single node Active {Samples.Median(single[name]):F0} ms; 3 nodes agree on one leader {Samples.Median(three[name]):F0} ms" +
                              (lowestMissing ? $"; lowest missing, 2 agree on one leader {Samples.Median(missing[name]):F0} ms" : ""));
        }

        return 0;
    }

    private static async Task<double> SingleNodeActive(BenchTls? tls)
    {
        using var dir = new TempDir("solidb-bench-");
        var clock = Stopwatch.StartNew();
        using var node = NodeProcess.Start("solo", NodeProcess.FreePort(), NodeProcess.FreePort(), dir.Path, "", tls?.Args("solo"));
        while (await node.StatusAsync() is not { } s || s.GetProperty("state").GetString() != "Active")
        {
            await Task.Delay(Poll);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static (string Name, BenchTls? Tls)[] Modes(BenchTls? tls) => tls is null ? [("plain", null)] : [("plain", null), ("tls", tls)];

    private static async Task<double> ThreeNodesAgree(BenchTls? tls, bool skipLowest = false)
    {
        using var dir = new TempDir("solidb-bench-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).OrderBy(p => p.Port).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var clock = Stopwatch.StartNew();
        var nodes = ports.Select((p, i) => (p, i)).Skip(skipLowest ? 1 : 0)
            .Select(x => NodeProcess.Start($"node{x.i + 1}", x.p.Port, x.p.Http, Path.Combine(dir.Path, $"n{x.i}"), peers, tls?.Args($"node{x.i + 1}"))).ToList();
        try
        {
            while (!NodeProcess.OneLeaderAllActive(nodes.Count, await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
            {
                await Task.Delay(Poll);
            }

            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }
}
