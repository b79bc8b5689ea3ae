using System.Diagnostics;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- failover [runs] [--tls]`: three real processes with default settings; kill -9 the leader and
/// measure until both survivors agree on a new leader with a higher term (and a quorum).
/// Prints each run, the median and the max.
/// </summary>
internal static class FailoverHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>A run whose cluster does not form, or does not fail over, within this is a timeout (NaN).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<int> Run(string[] args)
    {
        var (rest, tls) = BenchTls.Parse(args);
        using var _ = tls;
        var runs = rest.Length > 0 ? int.Parse(rest[0]) : 10;
        var modes = tls is null ? new[] { (Name: "plain", Tls: (BenchTls?)null) } : [("plain", null), ("tls", tls)];
        var times = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var timeouts = modes.ToDictionary(m => m.Name, _ => 0);
        for (var i = 0; i < runs; i++)
        {
            foreach (var (name, mode) in modes)
            {
                var t = await Once(mode);
                if (double.IsNaN(t))
                {
                    timeouts[name]++;
                    Console.WriteLine($"run {i + 1} {name}: no agreement within {Timeout.TotalSeconds:F0} s (counted as a timeout, not in the median)");
                    continue;
                }

                times[name].Add(t);
                Console.WriteLine($"run {i + 1} {name}: failover {t:F0} ms");
            }
        }

        foreach (var (name, _) in modes)
        {
            var t = times[name];
            Console.WriteLine($"{name}, failover over {t.Count} runs: median {Samples.Median(t):F0} ms, max {t.DefaultIfEmpty(double.NaN).Max():F0} ms, min {t.DefaultIfEmpty(double.NaN).Min():F0} ms; {timeouts[name]} timed out");
        }

        return 0;
    }

    private static async Task<double> Once(BenchTls? tls)
    {
        using var temp = new TempDir("solidb-failover-");
        var dir = temp.Path;
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir, $"n{i}"), peers, tls?.Args($"node{i + 1}"))).ToList();
        try
        {
            JsonElement?[] statuses;
            var formed = Stopwatch.StartNew();
            // Kill only once every node sees all three Active (admitted): a leader killed while a
            // node is still Joining leaves that node unadmitted, which is another scenario (the two
            // survivors cannot form a majority of the admitted voters; see BENCHMARKS.md).
            while (!Agree(statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync())), null, 0) || !AllActive(statuses, 3))
            {
                if (formed.Elapsed > Timeout)
                {
                    return double.NaN;
                }

                await Task.Delay(Poll);
            }

            var leader = statuses[0]!.Value.GetProperty("leader").GetString()!;
            var term = statuses[0]!.Value.GetProperty("term").GetInt64();
            var leaderIndex = int.Parse(leader["node".Length..]) - 1;
            var survivors = nodes.Where((_, i) => i != leaderIndex).ToList();

            var clock = Stopwatch.StartNew();
            nodes[leaderIndex].Kill9();
            while (!Agree(await Task.WhenAll(survivors.Select(n => n.StatusAsync())), leader, term))
            {
                if (clock.Elapsed > Timeout)
                {
                    return double.NaN;
                }

                await Task.Delay(Poll);
            }

            return clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    /// <summary>All answer, agree on one leader with a quorum; if given, a different leader in a higher term.</summary>
    private static bool AllActive(JsonElement?[] statuses, int size) =>
        statuses.All(s => s is { } st && st.GetProperty("members").EnumerateArray()
            .Count(m => m.GetProperty("state").GetString() == "Active") == size);

    private static bool Agree(JsonElement?[] statuses, string? oldLeader, long oldTerm)
    {
        if (statuses.Any(s => s is null))
        {
            return false;
        }

        var leaders = statuses.Select(s => (Leader: s!.Value.GetProperty("leader").GetString(), Term: s.Value.GetProperty("term").GetInt64())).Distinct().ToList();
        return leaders is [{ Leader: { } l, Term: var t }] && l != oldLeader && t > oldTerm
            && statuses.All(s => s!.Value.GetProperty("has_quorum").GetBoolean());
    }
}
