using System.Diagnostics;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- rolling [rounds]`: a rolling restart of three real processes (default settings), leader
/// included: SIGTERM each node in turn, wait for it to exit, start it again with the same id and
/// data dir, wait until all three are Active under one leader. For each stop it measures the
/// leaderless time: from the SIGTERM until the two others agree on one leader with a quorum that
/// is not the stopped node (about 0 for a follower). Runs every round with
/// <c>solidb.election.transfer-on-leave = off</c> (the baseline: the others wait out an election
/// timeout) and <c>on</c> (the leader hands over first), alternating, in the same invocation.
/// </summary>
internal static class RollingRestartHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static async Task<int> Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0]) : 3;
        var leaderStops = new Dictionary<string, List<double>> { ["off"] = [], ["on"] = [] };
        var followerStops = new Dictionary<string, List<double>> { ["off"] = [], ["on"] = [] };
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var mode in new[] { "off", "on" })
            {
                List<(bool WasLeader, double Ms)> stops;
                try
                {
                    stops = await Round(mode);
                }
                catch (TimeoutException e)
                {
                    Console.WriteLine($"round {round} transfer-on-leave={mode}: {e.Message} (round skipped)");
                    continue;
                }

                foreach (var (wasLeader, ms) in stops)
                {
                    Console.WriteLine($"round {round} transfer-on-leave={mode}: SIGTERM of a {(wasLeader ? "leader" : "follower")}, leaderless {ms:F0} ms");
                    (wasLeader ? leaderStops : followerStops)[mode].Add(ms);
                }
            }
        }

        foreach (var mode in new[] { "off", "on" })
        {
            var l = leaderStops[mode];
            var f = followerStops[mode];
            Console.WriteLine($"transfer-on-leave={mode}: leader stops {l.Count}, leaderless median {Samples.Median(l):F0} ms, " +
                $"min {l.DefaultIfEmpty(double.NaN).Min():F0}, max {l.DefaultIfEmpty(double.NaN).Max():F0}; " +
                $"follower stops {f.Count}, max {f.DefaultIfEmpty(double.NaN).Max():F0} ms");
        }

        return 0;
    }

    /// <summary>One rolling restart of a fresh 3-node cluster: each node stopped and restarted in turn.</summary>
    private static async Task<List<(bool WasLeader, double Ms)>> Round(string mode)
    {
        using var temp = new TempDir("solidb-rolling-");
        var config = Path.Combine(temp.Path, "rolling.conf");
        Directory.CreateDirectory(temp.Path);
        await File.WriteAllTextAsync(config, $"solidb.election.transfer-on-leave = {mode}\n");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        NodeProcess StartNode(int i) =>
            NodeProcess.Start($"node{i + 1}", ports[i].Port, ports[i].Http, Path.Combine(temp.Path, $"n{i}"), peers, ["--config", config]);
        var nodes = Enumerable.Range(0, 3).Select(StartNode).ToList();
        var results = new List<(bool, double)>();
        try
        {
            await Healthy(nodes);
            for (var i = 0; i < 3; i++)
            {
                var statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()));
                var leader = statuses[0]!.Value.GetProperty("leader").GetString()!;
                var stopped = $"node{i + 1}";
                var others = nodes.Where((_, j) => j != i).ToList();

                var clock = Stopwatch.StartNew();
                nodes[i].Terminate();
                while (!Agree(await Task.WhenAll(others.Select(n => n.StatusAsync())), stopped))
                {
                    Check(clock, "the others to agree on a leader");
                    await Task.Delay(Poll);
                }

                results.Add((leader == stopped, clock.Elapsed.TotalMilliseconds));
                while (!nodes[i].HasExited)
                {
                    Check(clock, $"{stopped} to exit");
                    await Task.Delay(Poll);
                }

                nodes[i].Dispose();
                nodes[i] = StartNode(i);
                await Healthy(nodes);
            }

            return results;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    private static async Task Healthy(List<NodeProcess> nodes)
    {
        var clock = Stopwatch.StartNew();
        while (!NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(nodes.Select(n => n.StatusAsync())))
               || !(await Task.WhenAll(nodes.Select(n => n.StatusAsync()))).All(s => s!.Value.GetProperty("has_quorum").GetBoolean()))
        {
            Check(clock, "the cluster to be healthy");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static void Check(Stopwatch clock, string what)
    {
        if (clock.Elapsed > Timeout)
        {
            throw new TimeoutException($"waited {Timeout.TotalSeconds:F0} s for {what}");
        }
    }

    /// <summary>Both answer and name the same leader, with a quorum, other than the stopped node.</summary>
    private static bool Agree(JsonElement?[] statuses, string stopped) =>
        statuses.All(s => s is { } v && v.GetProperty("has_quorum").GetBoolean()
            && v.GetProperty("leader").GetString() is { } l && l != stopped)
        && statuses.Select(s => s!.Value.GetProperty("leader").GetString()).Distinct().Count() == 1;
}
