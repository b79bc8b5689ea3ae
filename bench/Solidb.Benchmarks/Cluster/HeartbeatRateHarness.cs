using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- heartbeats [window-seconds]`: N in-process nodes (real Akka.Remote on loopback, default
/// health settings except k) for N = 3, 5, 9, 15 at k = 5, then k = 2 and 8 at N = 15. Once all are
/// Active under one leader it counts, over the window, each node's heartbeats sent and answers
/// sent (one per heartbeat received), and prints per-second rates for followers and the leader.
/// </summary>
internal static class HeartbeatRateHarness
{
    private static readonly (int N, int K)[] Shapes = [(3, 5), (5, 5), (9, 5), (15, 5), (15, 2), (15, 8)];

    public static async Task<int> Run(string[] args)
    {
        var window = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10);
        Console.WriteLine("N   k  | follower heartbeats/s (min-max) | leader heartbeats/s | answers/s per node (min-max) | probes/s | all messages/s per node");
        foreach (var (n, k) in Shapes)
        {
            await Measure(n, k, window);
        }

        return 0;
    }

    private static async Task Measure(int size, int k, TimeSpan window)
    {
        using var dir = new TempDir("solidb-hbrate-");
        var ports = Enumerable.Range(0, size).Select(_ => NodeProcess.FreePort()).ToList();
        var nodes = Enumerable.Range(0, size).Select(i => Start(i, ports, k, dir.Path)).ToList();
        try
        {
            var leader = await Converged(nodes, TimeSpan.FromMinutes(2));
            var before = nodes.Select(n => n.Context.Counters.Snapshot()).ToList();
            var clock = Stopwatch.StartNew();
            await Task.Delay(window); // the measurement window: the stimulus, not a wait for an outcome
            var after = nodes.Select(n => n.Context.Counters.Snapshot()).ToList();
            var seconds = clock.Elapsed.TotalSeconds;
            if (await Converged(nodes, TimeSpan.FromSeconds(5)) != leader)
            {
                throw new InvalidOperationException("the leader changed during the window; the rates are not steady-state");
            }

            double Rate(int i, Func<CountersSnapshot, long> f) => (f(after[i]) - f(before[i])) / seconds;
            var leaderIndex = nodes.FindIndex(x => x.Context.NodeId == leader);
            var followers = Enumerable.Range(0, size).Where(i => i != leaderIndex).Select(i => Rate(i, c => c.HeartbeatsSent)).ToList();
            var answers = Enumerable.Range(0, size).Select(i => Rate(i, c => c.HeartbeatsReceived)).ToList();
            var probes = Enumerable.Range(0, size).Average(i => Rate(i, c => c.IndirectProbesSent));
            var all = Enumerable.Range(0, size).Average(i => Rate(i, c => c.HeartbeatsSent) + Rate(i, c => c.HeartbeatsReceived));
            Console.WriteLine($"{size,-3} {k,-2} | {followers.Average(),6:F2} ({followers.Min():F2}-{followers.Max():F2}) | " +
                              $"{Rate(leaderIndex, c => c.HeartbeatsSent),6:F2} | {answers.Average(),6:F2} ({answers.Min():F2}-{answers.Max():F2}) | " +
                              $"{probes:F2} | {all:F2}");
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
            nodes.ForEach(n => n.DataDir.Dispose());
        }
    }

    private static async Task<NodeId> Converged(List<Node> nodes, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var statuses = await Task.WhenAll(nodes.Select(n => n.Manager.Ask<ClusterStatus>(GetClusterStatus.Instance, TimeSpan.FromSeconds(5))));
            if (statuses.Select(s => s.Leader).Distinct().ToList() is [{ } leader]
                && statuses.All(s => s.Members.Length == nodes.Count && s.Members.All(m => m.State == NodeState.Active)))
            {
                return leader;
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"{nodes.Count} nodes did not converge within {within.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    private static Node Start(int index, List<int> ports, int k, string root)
    {
        var extra = ConfigurationFactory.ParseString($"""
            solidb.bootstrap.seed-node-timeout = 1s
            solidb.bootstrap.retry-join-interval = 500ms
            solidb.health.monitored-peers = {k}
            solidb.log-level = error
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            """);
        var id = $"node{index + 1}";
        var layered = SolidbConfig.WithOverrides(extra.WithFallback(SolidbConfig.Reference),
        [
            new("solidb.node.id", id),
            new("solidb.node.port", ports[index].ToString(CultureInfo.InvariantCulture)),
            new("solidb.node.http-port", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture)),
            new("solidb.node.cluster-peers", string.Join(",", ports.Select(p => $"127.0.0.1:{p}"))),
            new("solidb.node.data-dir", Path.Combine(root, id)),
        ]);
        var settings = ClusterSettings.FromConfig(layered);
        var dataDir = DataDirectory.Open(settings.DataDir, settings.NodeId);
        var context = NodeContext.Create(settings, dataDir, TimeProvider.System);
        var system = ActorSystem.Create(NodeAkkaConfig.SystemName, NodeAkkaConfig.Build(context, layered));
        return new Node(system, SolidbNode.Start(system, context), context, dataDir);
    }

    private sealed record Node(ActorSystem System, IActorRef Manager, NodeContext Context, DataDirectory DataDir);
}
