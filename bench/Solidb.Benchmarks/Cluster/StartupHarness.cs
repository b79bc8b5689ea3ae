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

        Console.WriteLine($"median of {runs}: single node Active {Median(single):F0} ms; 3 nodes agree on one leader {Median(three):F0} ms");
        return 0;
    }

    private static async Task<double> SingleNodeActive()
    {
        using var dir = new TempDir();
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
        using var dir = new TempDir();
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var clock = Stopwatch.StartNew();
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers)).ToList();
        try
        {
            while (!Agree(await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
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

    private static bool Agree(JsonElement?[] statuses) =>
        statuses.All(s => s is not null)
        && statuses.Select(s => s!.Value.GetProperty("leader").GetString()).Distinct().Count() == 1
        && statuses[0]!.Value.GetProperty("leader").GetString() is not null
        && statuses.All(s => s!.Value.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "Active") == 3);

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "solidb-bench-" + Guid.NewGuid().ToString("N")[..8]);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
