using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using System.Text;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// One seeded run: the seed draws a fault plan (<see cref="Nemesis"/>) and seeds the network; the
/// simulation runs to the plan's end; the history is checked (<see cref="ElectionHistory"/>), and
/// so is each node's health view at the end of the quiet tail. Same seed, same run.
/// </summary>
internal sealed class SimulationRun
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan QuietTail = TimeSpan.FromSeconds(20);

    private SimulationRun(int seed, FaultPlan plan, ElectionSimulation simulation)
    {
        Seed = seed;
        Plan = plan;
        Simulation = simulation;
    }

    public int Seed { get; }

    public FaultPlan Plan { get; }

    public ElectionSimulation Simulation { get; }

    public ElectionHistory History => Simulation.History;

    /// <summary>A violation that is not tolerated (see <see cref="ElectionHistory"/>).</summary>
    public bool Failed => History.Failures.Count > 0;

    /// <summary>Tolerated liveness misses right after split votes.</summary>
    public IReadOnlyList<Violation> SplitVoteMisses => History.Violations.Where(v => v.Tolerated).ToList();

    /// <param name="election">Election settings other than the defaults (test seam).</param>
    /// <param name="openStore">How a starting incarnation opens its vote store (test seam).</param>
    public static SimulationRun Execute(int seed, TimeSpan? duration = null, ElectionSettings? election = null,
        Func<SimNode, IVoteStore>? openStore = null)
    {
        var random = new Random(seed);
        var plan = Nemesis.Draw(random, duration ?? DefaultDuration, QuietTail);
        var simulation = new ElectionSimulation(plan.NodeCount, new Random(random.Next()), election, openStore: openStore);
        plan = plan with { Transfers = Nemesis.DrawTransfers(random, plan) };
        plan = plan with { Forgeries = Nemesis.DrawForgeries(random, plan) };
        simulation.Schedule(plan);
        simulation.RunUntil(plan.Duration);
        simulation.History.Finish(plan.Duration);
        CheckHealthAtTheEnd(simulation);
        CheckTermsStayLow(simulation);
        return new SimulationRun(seed, plan, simulation);
    }

    /// <summary>Forged terms never got through: a minute of elections cannot reach this far.</summary>
    private static void CheckTermsStayLow(ElectionSimulation simulation)
    {
        foreach (var high in simulation.History.Observations.Where(o => o.Term > ElectionSimulation.HighestHonestTerm).Take(1))
        {
            simulation.History.Violation(high.At, $"{ElectionHistory.Name(high.Node)} reached term {high.Term}: a forged term got through");
        }
    }

    /// <summary>After the quiet tail every node hears every peer's current incarnation directly.</summary>
    private static void CheckHealthAtTheEnd(ElectionSimulation simulation)
    {
        foreach (var node in simulation.Nodes)
        {
            foreach (var peer in simulation.Nodes.Where(p => p != node))
            {
                var stats = node.Health!.Stats(peer.Id);
                if (stats is null || stats.Uid != peer.Incarnation || !stats.DirectlyReachable || stats.MissedHeartbeats > 1)
                {
                    simulation.History.Violation(simulation.Now,
                        $"{node.Id}'s health view of {peer.Id} (incarnation {peer.Incarnation}) at the end of the quiet tail: {stats}");
                }
            }
        }
    }

    public string Report()
    {
        var text = new StringBuilder();
        var first = History.Failures.Count > 0 ? History.Failures[0] : History.Violations[0];
        text.AppendLine($"seed {Seed}: {first.Message}");
        text.Append(History.Report());
        text.AppendLine("  fault plan:");
        text.Append(Plan.Describe());
        text.AppendLine($"  reproduce: SimulationRun.Execute({Seed}), or SOLIDB_SIM_FIRST_SEED={Seed} SOLIDB_SIM_SEEDS=1");
        return text.ToString();
    }
}
