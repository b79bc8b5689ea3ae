using System.Diagnostics;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- startup [runs]`: real processes, default settings. Measures (1) process start to the
/// single node reporting itself Active, and (2) three nodes started together (listing each other)
/// to all three agreeing on one leader with three Active members. Prints each run and the median.
/// </summary>
internal static class StartupHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 5;
        var single = new List<double>();
        var three = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            single.Add(await SingleNodeActive());
            three.Add(await ThreeNodesAgree());
            Console.WriteLine($"run {i + 1}: single node Active {single[^1]:F0} ms, 3 nodes agree on a leader {three[^1]:F0} ms");
        }

        Console.WriteLine($"median of {runs}: single node Active {Samples.Median(single):F0} ms; 3 nodes agree on one leader {Samples.Median(three):F0} ms");
        return 0;
    }

    private static async Task<double> SingleNodeActive()
    {
        using var dir = new TempDir("solidb-bench-");
        var clock = Stopwatch.StartNew();
        using var node = NodeProcess.Start("solo", NodeProcess.FreePort(), NodeProcess.FreePort(), dir.Path, "");
        while (await node.StatusAsync() is not { } s || s.GetProperty("state").GetString() != "Active")
        {
            await Task.Delay(Poll);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> ThreeNodesAgree()
    {
        using var dir = new TempDir("solidb-bench-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var clock = Stopwatch.StartNew();
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers)).ToList();
        try
        {
            while (!NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
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
