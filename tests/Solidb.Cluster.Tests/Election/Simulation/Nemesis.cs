using System.Text;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>A node goes down at <paramref name="Down"/> and restarts at <paramref name="Up"/>, keeping its vote store.</summary>
internal sealed record CrashFault(int Node, TimeSpan Down, TimeSpan Up);

/// <summary>At <paramref name="At"/>, whichever node leads (highest term) goes down for <paramref name="DownFor"/>.</summary>
internal sealed record LeaderCrashFault(TimeSpan At, TimeSpan DownFor);

/// <summary>At <paramref name="At"/>, whichever node leads (highest term) is asked to transfer leadership to node <paramref name="To"/>, or to the voter it picks.</summary>
internal sealed record TransferFault(TimeSpan At, int? To);

/// <summary>
/// At <paramref name="At"/>, node <paramref name="From"/> (a real voter: the wire's identity checks pass) sends node
/// <paramref name="To"/> one message of kind <paramref name="Kind"/> (<see cref="ElectionSimulation.Forge"/>) carrying
/// <paramref name="Term"/>, a term no election produced: a buggy or compromised member (issue 20, item 4).
/// </summary>
internal sealed record ForgedTermFault(TimeSpan At, int From, int To, long Term, int Kind);

/// <summary>From <paramref name="At"/> on, the network behaves as <paramref name="Conditions"/> says.</summary>
internal sealed record NetworkFault(TimeSpan At, NetworkConditions Conditions);

/// <summary>
/// The faults of one run: network conditions over time, crashes at set times, crashes of the
/// leader of the moment, and, with probability <see cref="CrashAfterVote"/> each time a node
/// grants a vote, a crash right after the reply left, restarting 1-100 ms later (the window in
/// which a vote that was not durable would be forgotten). All of them happen before <see cref="QuietFrom"/>; from then to
/// <see cref="Duration"/> the network is healthy and every node is up (nodes still down restart
/// at <see cref="QuietFrom"/>).
/// </summary>
internal sealed record FaultPlan(
    int NodeCount,
    TimeSpan Duration,
    TimeSpan QuietFrom,
    IReadOnlyList<NetworkFault> Network,
    IReadOnlyList<CrashFault> Crashes,
    IReadOnlyList<LeaderCrashFault> LeaderCrashes,
    double CrashAfterVote = 0,
    IReadOnlyList<TransferFault>? Transfers = null,
    IReadOnlyList<ForgedTermFault>? Forgeries = null)
{
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"  {NodeCount} nodes, {ElectionHistory.Time(Duration)} of virtual time, faults until {ElectionHistory.Time(QuietFrom)}");
        foreach (var n in Network)
        {
            text.AppendLine($"  {ElectionHistory.Time(n.At)}: network {n.Conditions}");
        }

        foreach (var c in Crashes)
        {
            text.AppendLine($"  {ElectionHistory.Name(c.Node)} down from {ElectionHistory.Time(c.Down)} to {ElectionHistory.Time(c.Up)}");
        }

        foreach (var c in LeaderCrashes)
        {
            text.AppendLine($"  the leader crashes at {ElectionHistory.Time(c.At)} for {ElectionHistory.Time(c.DownFor)}");
        }

        foreach (var t in Transfers ?? [])
        {
            text.AppendLine($"  the leader is asked at {ElectionHistory.Time(t.At)} to transfer leadership to {(t.To is { } to ? ElectionHistory.Name(to) : "the voter it picks")}");
        }

        foreach (var f in Forgeries ?? [])
        {
            text.AppendLine($"  {ElectionHistory.Name(f.From)} sends {ElectionHistory.Name(f.To)} a forged {ElectionSimulation.ForgedKinds[f.Kind]} in term {f.Term} at {ElectionHistory.Time(f.At)}");
        }

        if (CrashAfterVote > 0)
        {
            text.AppendLine($"  a voter crashes right after granting a vote with probability {CrashAfterVote:0.00}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Draws a fault plan from a seed: 3 or 5 nodes; network segments of 1-8 s that are healthy,
/// lossy (drops up to 40 %, long delays up to 30 %), partitioned (a random split, sometimes
/// lossy too), or a long lossless partition of 8-16 s (so healthy windows also occur with a
/// node set smaller than the cluster); up to two crashes per node (0.2-12 s down); up to two
/// crashes of whoever leads at the time; in two runs of three, crashes right after granting a
/// vote (probability 5-50 % per vote). Faults fill the first <c>duration - quietTail</c>;
/// the tail is quiet.
/// </summary>
internal static class Nemesis
{
    public static FaultPlan Draw(Random random, TimeSpan duration, TimeSpan quietTail, int? nodeCount = null)
    {
        var nodes = nodeCount ?? (random.Next(2) == 0 ? 3 : 5);
        var quietFrom = duration - quietTail;

        var network = new List<NetworkFault>();
        var t = TimeSpan.Zero;
        while (t < quietFrom)
        {
            var kind = random.Next(100);
            NetworkConditions conditions;
            TimeSpan length;
            if (kind < 25)
            {
                conditions = NetworkConditions.Healthy(nodes);
                length = Seconds(random, 1, 8);
            }
            else if (kind < 50)
            {
                conditions = new NetworkConditions(new int[nodes], Probability(random, 0.4), Probability(random, 0.3));
                length = Seconds(random, 1, 8);
            }
            else if (kind < 80)
            {
                var lossy = random.Next(2) == 0;
                conditions = new NetworkConditions(RandomSplit(random, nodes),
                    lossy ? Probability(random, 0.4) : 0, lossy ? Probability(random, 0.3) : 0);
                length = Seconds(random, 1, 8);
            }
            else
            {
                conditions = new NetworkConditions(RandomSplit(random, nodes));
                length = Seconds(random, 8, 16);
            }

            network.Add(new NetworkFault(t, conditions));
            t += length;
        }

        network.Add(new NetworkFault(quietFrom, NetworkConditions.Healthy(nodes)));

        var crashes = new List<CrashFault>();
        for (var node = 0; node < nodes; node++)
        {
            var count = random.Next(3);
            var downs = Enumerable.Range(0, count).Select(_ => Seconds(random, 0, quietFrom.TotalSeconds)).Order().ToList();
            var freeFrom = TimeSpan.Zero;
            foreach (var down in downs)
            {
                var up = Min(down + Seconds(random, 0.2, 12), quietFrom);
                if (down >= freeFrom && up > down)
                {
                    crashes.Add(new CrashFault(node, down, up));
                    freeFrom = up;
                }
            }
        }

        var leaderCrashes = Enumerable.Range(0, random.Next(3))
            .Select(_ => new LeaderCrashFault(Seconds(random, 3, quietFrom.TotalSeconds), Seconds(random, 0.2, 12)))
            .OrderBy(c => c.At)
            .ToList();

        var crashAfterVote = random.Next(3) == 0 ? 0 : 0.05 + (random.NextDouble() * 0.45);

        return new FaultPlan(nodes, duration, quietFrom, network, crashes, leaderCrashes, crashAfterVote);
    }

    /// <summary>
    /// Up to three leadership transfers during the faults, to a random node (itself included) or to
    /// the voter the leader picks. Drawn after the rest of the plan, so a seed's other faults stay as
    /// they were before transfers existed.
    /// </summary>
    public static IReadOnlyList<TransferFault> DrawTransfers(Random random, FaultPlan plan) =>
        Enumerable.Range(0, random.Next(4))
            .Select(_ => new TransferFault(Seconds(random, 3, plan.QuietFrom.TotalSeconds), random.Next(2) == 0 ? null : random.Next(plan.NodeCount)))
            .OrderBy(t => t.At)
            .ToList();

    /// <summary>
    /// Up to two messages during the faults from one voter (the same in a run: the bound holds against a minority of
    /// senders, docs/election.md) to others, carrying a term no election could have produced: 2^62 - 1 (the report), or
    /// a random one of 2^20 and up. Drawn last, so the rest of a seed's plan stays as it was.
    /// </summary>
    public static IReadOnlyList<ForgedTermFault> DrawForgeries(Random random, FaultPlan plan)
    {
        var from = random.Next(plan.NodeCount);
        return Enumerable.Range(0, random.Next(3))
            .Select(_ =>
            {
                var to = (from + 1 + random.Next(plan.NodeCount - 1)) % plan.NodeCount;
                var term = random.Next(2) == 0 ? Cluster.Election.Terms.Max - 1 : random.NextInt64(1L << 20, Cluster.Election.Terms.Max);
                return new ForgedTermFault(Seconds(random, 0, plan.QuietFrom.TotalSeconds), from, to, term, random.Next(ElectionSimulation.ForgedKinds.Count));
            })
            .OrderBy(f => f.At)
            .ToList();
    }

    private static int[] RandomSplit(Random random, int nodes)
    {
        while (true)
        {
            var groups = Enumerable.Range(0, nodes).Select(_ => random.Next(2)).ToArray();
            if (groups.Distinct().Count() == 2)
            {
                return groups;
            }
        }
    }

    /// <summary>Zero half of the time, else uniform in (0, max].</summary>
    private static double Probability(Random random, double max) => random.Next(2) == 0 ? 0 : Math.Max(0.01, random.NextDouble() * max);

    private static TimeSpan Seconds(Random random, double min, double max) =>
        TimeSpan.FromMilliseconds(Math.Round((min + (random.NextDouble() * (max - min))) * 1000));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
