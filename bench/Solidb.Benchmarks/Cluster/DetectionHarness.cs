using System.Diagnostics;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- detect [runs]`: three real processes with default settings (heartbeat 1 s, Unknown after
/// 2 misses, Failed after 5). Each run starts a fresh cluster, waits until all three are Active
/// under one leader, kill -9s a follower (so no election runs alongside) and polls both survivors
/// every 20 ms. It records, per survivor, when it first shows the victim Unknown and Failed;
/// a run's result is the later survivor. Prints each run, then median, p95 and max.
/// </summary>
internal static class DetectionHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Give = TimeSpan.FromSeconds(30);

    public static async Task<int> Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 20;
        var unknown = new List<double>();
        var failed = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (u, f, detail) = await Once(i);
            unknown.Add(u);
            failed.Add(f);
            Console.WriteLine($"run {i + 1}: Unknown on every survivor {u:F0} ms, Failed on every survivor {f:F0} ms ({detail})");
        }

        Console.WriteLine($"kill -9 -> Unknown on every survivor over {runs} runs: median {Samples.Median(unknown):F0} ms, " +
                          $"p95 {Samples.Percentile(unknown, 95):F0} ms, max {unknown.Max():F0} ms, min {unknown.Min():F0} ms");
        Console.WriteLine($"kill -9 -> Failed on every survivor over {runs} runs: median {Samples.Median(failed):F0} ms, " +
                          $"p95 {Samples.Percentile(failed, 95):F0} ms, max {failed.Max():F0} ms, min {failed.Min():F0} ms");
        return failed.All(double.IsFinite) ? 0 : 1;
    }

    private static async Task<(double Unknown, double Failed, string Detail)> Once(int run)
    {
        using var dir = new TempDir("solidb-detect-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers)).ToList();
        try
        {
            JsonElement?[] statuses;
            while (!NodeProcess.OneLeaderAllActive(3, statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
            {
                await Task.Delay(Poll);
            }

            var leader = statuses[0]!.Value.GetProperty("leader").GetString()!;
            var followers = Enumerable.Range(0, 3).Where(i => $"node{i + 1}" != leader).ToList();
            var victimIndex = followers[run % followers.Count];
            var victim = $"node{victimIndex + 1}";
            var survivors = nodes.Where((_, i) => i != victimIndex).ToList();
            var firstUnknown = new double?[survivors.Count];
            var firstFailed = new double?[survivors.Count];
            var sawRemovalFirst = false;

            var clock = Stopwatch.StartNew();
            nodes[victimIndex].Kill9();
            while (firstFailed.Any(f => f is null) && clock.Elapsed < Give)
            {
                var seen = await Task.WhenAll(survivors.Select(n => n.StatusAsync()));
                var at = clock.Elapsed.TotalMilliseconds;
                for (var s = 0; s < survivors.Count; s++)
                {
                    if (seen[s] is not { } status)
                    {
                        continue;
                    }

                    var state = StateOf(status, victim);
                    if (state is "Unknown" or "Failed" or null)
                    {
                        firstUnknown[s] ??= at;
                    }

                    if (state is "Failed" or null && firstFailed[s] is null)
                    {
                        // Removed (null) means the leader downed it after confirming Failed; a
                        // survivor that shows removal before its own Failed is noted in the detail.
                        sawRemovalFirst |= state is null;
                        firstFailed[s] = at;
                    }
                }

                await Task.Delay(Poll);
            }

            var detail = $"victim {victim}, leader {leader}, per survivor Failed at " +
                         string.Join(" / ", firstFailed.Select(f => f is { } v ? $"{v:F0}" : "never")) +
                         (sawRemovalFirst ? ", one saw the removal first" : "");
            return (firstUnknown.Max(u => u ?? double.PositiveInfinity), firstFailed.Max(f => f ?? double.PositiveInfinity), detail);
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    private static string? StateOf(JsonElement status, string nodeId) =>
        status.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("node_id").GetString() == nodeId)
            .Select(m => m.GetProperty("state").GetString())
            .FirstOrDefault();
}
