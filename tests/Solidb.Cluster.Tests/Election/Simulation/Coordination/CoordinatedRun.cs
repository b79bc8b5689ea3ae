using System.Text;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Tests.Election.Simulation.Coordination;

/// <summary>
/// One seeded run of the election with a node coordinator on every node (<see cref="CoordinatedCluster"/>):
/// the seed draws a fault plan (<see cref="Nemesis"/>: kills, partitions, lossy links), the run
/// lasts <see cref="Duration"/> with faults for the first 40 s, and the history is checked by
/// <see cref="ElectionHistory"/> (the election's safety and liveness) and <see cref="CoordinationHistory"/>
/// (downing, restarts, convergence). Same seed, same run.
/// </summary>
internal sealed class CoordinatedRun
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(75);
    public static readonly TimeSpan QuietTail = TimeSpan.FromSeconds(35);

    private CoordinatedRun(int seed, FaultPlan plan, ElectionSimulation simulation, CoordinatedCluster cluster)
    {
        Seed = seed;
        Plan = plan;
        Simulation = simulation;
        Cluster = cluster;
    }

    public int Seed { get; }

    public FaultPlan Plan { get; }

    public ElectionSimulation Simulation { get; }

    public CoordinatedCluster Cluster { get; }

    public ElectionHistory History => Simulation.History;

    public bool Failed => History.Failures.Count > 0;

    /// <param name="signals">Test seam: what reaches each coordinator from its health policy.</param>
    public static CoordinatedRun Execute(int seed,
        Func<int, IReadOnlyList<(NodeId, long, HealthSignal)>, IReadOnlyList<(NodeId, long, HealthSignal)>>? signals = null)
    {
        var random = new Random(seed);
        var plan = Nemesis.Draw(random, Duration, QuietTail);
        CoordinatedCluster? cluster = null;
        var simulation = new ElectionSimulation(plan.NodeCount, new Random(random.Next()),
            layer: sim => cluster = new CoordinatedCluster(sim, signals));
        simulation.Schedule(plan);
        for (var t = plan.QuietFrom + TimeSpan.FromSeconds(1); t <= plan.Duration; t += TimeSpan.FromSeconds(1))
        {
            var at = t;
            simulation.At(at, () => cluster!.History.Sample(at, NotConverged(simulation, cluster), plan.QuietFrom, cluster.TwoClusters()));
        }

        simulation.RunUntil(plan.Duration);
        simulation.History.Finish(plan.Duration);
        cluster!.History.Finish(plan.Duration);
        return new CoordinatedRun(seed, plan, simulation, cluster);
    }

    /// <summary>Null when (d) holds: all run, every view lists every node once, current and Active, one leader with quorum that every view names.</summary>
    public static string? NotConverged(ElectionSimulation sim, CoordinatedCluster cluster)
    {
        if (sim.Nodes.FirstOrDefault(n => !n.Up) is { } down)
        {
            return $"{down.Id} is not running";
        }

        if (sim.LeaderWithQuorum is not { } leader)
        {
            return "no single leader with quorum";
        }

        foreach (var node in sim.Nodes)
        {
            if (cluster.Coordinator(node.Index) is not { } coordinator)
            {
                return $"{node.Id} is ending its incarnation";
            }

            var snapshot = coordinator.Snapshot;
            foreach (var peer in sim.Nodes)
            {
                var listed = snapshot.Members.Where(m => m.NodeId == peer.Id).ToList();
                if (listed.Count != 1 || listed[0].Uid != cluster.Uid(peer.Index, peer.Incarnation) || listed[0].State != NodeState.Active)
                {
                    return $"{node.Id}#{node.Incarnation} sees {peer.Id}#{peer.Incarnation} as " +
                        string.Join(", ", listed.Select(m => $"#{m.Uid} {m.State}")) + (listed.Count == 0 ? "(absent)" : "");
                }
            }

            if (snapshot.Members.Length != sim.Nodes.Count)
            {
                return $"{node.Id} lists {snapshot.Members.Length} members";
            }

            if (coordinator.Leader.Leader != leader.Id || snapshot.Leader != leader.Id)
            {
                return $"{node.Id}'s coordinator names {coordinator.Leader.Leader?.ToString() ?? "no"} leader (view: {snapshot.Leader}), not {leader.Id}";
            }
        }

        return null;
    }

    public string Report()
    {
        var text = new StringBuilder();
        var first = History.Failures.Count > 0 ? History.Failures[0] : History.Violations[0];
        text.AppendLine($"seed {Seed} (coordinated): {first.Message}");
        text.Append(History.Report());
        text.AppendLine("  fault plan:");
        text.Append(Plan.Describe());
        text.AppendLine($"  reproduce: CoordinatedRun.Execute({Seed}), or SOLIDB_SIM_FIRST_SEED={Seed} SOLIDB_SIM_SEEDS=1 with --filter Coordinated");
        return text.ToString();
    }
}
