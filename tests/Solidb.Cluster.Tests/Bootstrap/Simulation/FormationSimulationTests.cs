using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Tests.Bootstrap.Simulation;

/// <summary>
/// The formation vote under random bootstraps (<see cref="FormationSimulation"/>). 10,000 seeds in
/// CI; SOLIDB_FORMATION_SEEDS runs more (and SOLIDB_FORMATION_FIRST_SEED picks the first), e.g.
/// <c>SOLIDB_FORMATION_SEEDS=1000000 dotnet test tests/Solidb.Cluster.Tests --filter FormationSimulation</c>.
/// A failing seed reproduces alone with SOLIDB_FORMATION_FIRST_SEED=seed SOLIDB_FORMATION_SEEDS=1.
/// </summary>
public sealed class FormationSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Ten_thousand_bootstraps_never_run_two_clusters_at_once_and_a_majority_always_forms_one()
    {
        var first = EnvironmentInt("SOLIDB_FORMATION_FIRST_SEED") ?? 0;
        var count = EnvironmentInt("SOLIDB_FORMATION_SEEDS") ?? 10_000;
        var watch = Stopwatch.StartNew();
        var failures = new System.Collections.Concurrent.ConcurrentBag<FormationSimulation>();
        var settled = new System.Collections.Concurrent.ConcurrentBag<double>();
        Parallel.For(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var run = new FormationSimulation(seed).Run();
            if (run.Violations.Count > 0)
            {
                failures.Add(run);
            }
            else if (run.SettledAfterCalm is { } s)
            {
                settled.Add(s.TotalSeconds);
            }
        });

        var times = settled.Order().ToList();
        output.WriteLine($"{count} seeds in {watch.Elapsed.TotalSeconds:0.0} s; settled after the calm point: median {Percentile(times, 0.5):0.0} s, " +
                         $"p99 {Percentile(times, 0.99):0.0} s, max {Percentile(times, 1):0.0} s; {failures.Count} failed");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.OrderBy(f => f.Seed).Take(3).Select(f => f.Report())));
    }

    [Fact]
    public void The_checker_catches_a_founder_that_never_abandons_a_minority_cluster()
    {
        var caught = Enumerable.Range(0, 3000).Select(seed => new FormationSimulation(seed, new FormationSimRules(Abandon: false)).Run())
            .FirstOrDefault(r => r.Violations.Any(v => v.Contains("clusters with live members at once", StringComparison.Ordinal)));

        Assert.NotNull(caught);
        output.WriteLine(caught.Report());
    }

    [Fact]
    public void The_checker_catches_a_founder_that_checks_its_cluster_only_after_its_promises_expired()
    {
        var rules = new FormationSimRules(Window: TimeSpan.FromSeconds(15)); // the lease is 10 s
        var caught = Enumerable.Range(0, 3000).Select(seed => new FormationSimulation(seed, rules).Run())
            .FirstOrDefault(r => r.Violations.Any(v => v.Contains("clusters with live members at once", StringComparison.Ordinal)));

        Assert.NotNull(caught);
        output.WriteLine(caught.Report());
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1 < 0 ? 0 : (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
