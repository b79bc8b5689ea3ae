using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Solidb.Cluster.Clock;
using Solidb.Testing;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- flood [minutes]`: three real processes (loopback, default settings); a forging client that is
/// no member (tests/Shared/Forgery.cs, issue 20) sends every forgery of the issue in rounds, as fast
/// as its association takes them, for the given minutes (10 by default); the death notices once a
/// minute (a forger that sends them faster quarantines the node itself: Akka resends system
/// messages until acknowledged, and its buffer holds 20,000). Prints the messages sent,
/// each node's refusals by reason, and each node's RSS before and after; checks that no node
/// exited and that term and leader held.
/// </summary>
internal static class FloodHarness
{
    /// <summary>Messages per round: the forged sender paths and the Identify that paces the round (death notices counted apart).</summary>
    private const int PerRound = Forgery.ForgedSenderPaths + 1;

    public static async Task<int> Run(string[] args)
    {
        var minutes = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        using var dir = new TempDir("solidb-flood-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers)).ToList();
        var forger = Forgery.StartSystem();
        try
        {
            JsonElement?[] statuses;
            while (!NodeProcess.OneLeaderAllActive(3, statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(10)); // settle before the first RSS reading
            var leader = statuses[0]!.Value.GetProperty("leader").GetString()!;
            var term = statuses[0]!.Value.GetProperty("term").GetInt64();
            var rssBefore = nodes.Select(n => n.RssMb()).ToList();
            var targets = ports.Select((p, i) => new ForgeryTarget(new Address("akka.tcp", "solidb", "127.0.0.1", p.Port), $"node{i + 1}", 1)).ToList();
            var li = targets.FindIndex(t => t.NodeId == leader);
            var (l, f, o) = (targets[li], targets[(li + 1) % 3], targets[(li + 2) % 3]);

            var watch = Stopwatch.StartNew();
            long rounds = 0, notices = 0;
            var nextNotices = TimeSpan.Zero;
            while (watch.Elapsed < TimeSpan.FromMinutes(minutes))
            {
                var stamp = new HlcTimestamp((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
                var withNotices = watch.Elapsed >= nextNotices;
                Forgery.SendAll(forger, l, f, o, term, stamp, withNotices);
                if (withNotices)
                {
                    notices += Forgery.DeadPaths.Count + 1;
                    nextNotices += TimeSpan.FromMinutes(1);
                }

                // Paced by the association: the Identify is answered only after the round arrived.
                await forger.ActorSelection($"{f.Address}{Forgery.Supervisor}").Ask<ActorIdentity>(new Identify(rounds), TimeSpan.FromSeconds(30));
                rounds++;
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var rssAfter = nodes.Select(n => n.RssMb()).ToList();
            statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync()));
            Console.WriteLine($"flood: {watch.Elapsed.TotalMinutes:F1} min, {rounds} rounds, {rounds * PerRound} messages ({rounds * PerRound / watch.Elapsed.TotalSeconds:F0}/s) and {notices} death notices");
            for (var i = 0; i < nodes.Count; i++)
            {
                var status = statuses[i];
                var refused = status?.GetProperty("stats").GetProperty("rejections").EnumerateObject()
                    .Where(r => r.Value.GetInt64() > 0).Select(r => $"{r.Name}={r.Value.GetInt64()}") ?? ["(no status)"];
                Console.WriteLine($"node{i + 1}: exited={nodes[i].HasExited} term={status?.GetProperty("term").GetInt64()} leader={status?.GetProperty("leader").GetString()} " +
                                  $"RSS {rssBefore[i]:F0} -> {rssAfter[i]:F0} MB; refused: {string.Join(", ", refused)}");
            }

            var held = statuses.All(s => s?.GetProperty("term").GetInt64() == term && s?.GetProperty("leader").GetString() == leader) && nodes.All(n => !n.HasExited);
            Console.WriteLine(held ? "term, leader and every process held" : "CHANGED: term, leader or a process did not hold");
            return held ? 0 : 1;
        }
        finally
        {
            await forger.Terminate();
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }
}
