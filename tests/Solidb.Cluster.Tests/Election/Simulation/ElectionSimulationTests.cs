using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// Deterministic simulation of the election rules (see <see cref="ElectionSimulation"/>): seeded
/// fault plans checked by <see cref="ElectionHistory"/>, and named scenarios.
/// </summary>
public sealed class ElectionSimulationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan S10 = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Seeds 0..9,999, each a 60 s run (faults for 40 s, then a 20 s quiet tail), in parallel
    /// (seeds are independent). Long runs: set SOLIDB_SIM_SEEDS to the number of seeds to run
    /// instead, and optionally SOLIDB_SIM_FIRST_SEED to the first one (default 0); e.g.
    /// <c>SOLIDB_SIM_SEEDS=1000000 SOLIDB_SIM_FIRST_SEED=10000 dotnet test tests/Solidb.Cluster.Tests --filter Ten_thousand_seeds</c>.
    /// A failing seed is printed with its fault plan and history, and replays alone with
    /// SOLIDB_SIM_FIRST_SEED=that seed SOLIDB_SIM_SEEDS=1. Liveness misses right after split votes
    /// are tolerated, listed and bounded in rate (see <see cref="ElectionHistory"/>); about 1 seed
    /// in 12,000 has one.
    /// </summary>
    [Fact]
    public void Ten_thousand_seeds_keep_one_leader_per_term_monotonic_terms_and_liveness()
    {
        var first = EnvironmentInt("SOLIDB_SIM_FIRST_SEED") ?? 0;
        var count = EnvironmentInt("SOLIDB_SIM_SEEDS") ?? 10_000;
        var failures = new ConcurrentBag<SimulationRun>();
        var splitVoteMisses = new ConcurrentBag<(int Seed, Violation Miss)>();
        long restarts = 0, leaderTerms = 0, windows = 0, partialWindows = 0, checks = 0, sent = 0, lost = 0, forged = 0, refused = 0, honest = 0, unproven = 0;
        var watch = Stopwatch.StartNew();

        Parallel.For(first, first + count, seed =>
        {
            var run = SimulationRun.Execute(seed);
            if (run.Failed)
            {
                failures.Add(run);
            }

            foreach (var miss in run.SplitVoteMisses)
            {
                splitVoteMisses.Add((seed, miss));
            }

            var history = run.History;
            Interlocked.Add(ref restarts, history.Observations.Where(o => o.Incarnation > 1).Select(o => (o.Node, o.Incarnation)).Distinct().Count());
            Interlocked.Add(ref leaderTerms, history.Observations.Where(o => o.Role == ElectionRole.Leader).Select(o => o.Term).Distinct().Count());
            Interlocked.Add(ref windows, history.HealthyWindowCount);
            Interlocked.Add(ref partialWindows, history.HealthyWindowsUntil(run.Plan.Duration)
                .Count(w => w.End - w.Start >= ElectionHistory.LivenessWindow && w.Start < run.Plan.QuietFrom));
            Interlocked.Add(ref checks, history.LivenessChecks);
            Interlocked.Add(ref sent, run.Simulation.MessagesSent);
            Interlocked.Add(ref lost, run.Simulation.MessagesLost);
            Interlocked.Add(ref forged, run.Plan.Forgeries?.Count ?? 0);
            Interlocked.Add(ref refused, run.Simulation.ForgedTermsRefused);
            Interlocked.Add(ref honest, run.Simulation.HonestTermsRefused);
            Interlocked.Add(ref unproven, run.Simulation.TermsUnproven);
        });

        watch.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} seeds from {first} in {watch.Elapsed.TotalSeconds:0.0} s: {failures.Count} failed; {restarts} restarts, " +
            $"{leaderTerms} terms with a leader, {windows} healthy windows of 10 s or more ({partialWindows} during faults), " +
            $"{checks} liveness checks, {splitVoteMisses.Count} tolerated misses after split votes, {sent} messages sent, {lost} lost; " +
            $"{forged} forged huge terms sent, {refused} refused as implausible; honest terms: {honest} refused as implausible, {unproven} as not yet vouched for"));
        foreach (var (seed, miss) in splitVoteMisses.OrderBy(m => m.Seed).Take(50))
        {
            output.WriteLine($"tolerated, seed {seed}: {miss.Message}");
        }

        var failed = failures.OrderBy(r => r.Seed).ToList();
        if (failed.Count > 0)
        {
            output.WriteLine("failed seeds: " + string.Join(", ", failed.Select(r => r.Seed)));
            foreach (var run in failed.Take(50))
            {
                output.WriteLine(run.Report());
            }
        }

        Assert.True(failed.Count == 0,
            $"{failed.Count} of {count} seeds failed: {string.Join(", ", failed.Take(20).Select(r => r.Seed))}{(failed.Count > 20 ? ", ..." : "")}\n" +
            string.Join("\n", failed.Take(3).Select(r => r.Report())));

        Assert.True(SplitVoteMissesAreRare(splitVoteMisses.Count, windows),
            $"{splitVoteMisses.Count} liveness misses after split votes in {windows} healthy windows");

        // The runs exercised what they claim to (only meaningful for the full 10,000).
        if (count >= 10_000)
        {
            Assert.True(restarts > count, $"only {restarts} restarts");
            Assert.True(partialWindows > count / 10, $"only {partialWindows} healthy windows during faults");
            Assert.True(leaderTerms > 2 * count, $"only {leaderTerms} terms with a leader");
            Assert.True(lost > sent / 20, $"only {lost} of {sent} messages lost");
            Assert.True(forged > count / 2, $"only {forged} forged terms");
        }
    }

    /// <summary>
    /// Split votes delay an election now and then: with the default timeouts about one healthy
    /// window in 15,000 misses its 10 s right after one. Timeouts that are not random, or barely,
    /// make that common.
    /// </summary>
    private static bool SplitVoteMissesAreRare(long misses, long windows) => misses <= Math.Max(5, windows / 1000);

    [Fact]
    public void Seeded_runs_flag_frequent_split_votes_when_election_timeouts_are_not_randomized()
    {
        var fixedTimeout = new ElectionSettings { TimeoutMin = TimeSpan.FromSeconds(3), TimeoutMax = TimeSpan.FromSeconds(3) };
        long misses = 0, windows = 0;
        for (var seed = 0; seed < 1000; seed++)
        {
            var run = SimulationRun.Execute(seed, election: fixedTimeout);
            misses += run.SplitVoteMisses.Count;
            windows += run.History.HealthyWindowCount;
        }

        Assert.False(SplitVoteMissesAreRare(misses, windows), $"{misses} misses after split votes in {windows} healthy windows");
    }

    [Fact]
    public void A_seed_replays_the_same_run()
    {
        foreach (var seed in new[] { 1, 42, 4711 })
        {
            var one = SimulationRun.Execute(seed);
            var two = SimulationRun.Execute(seed);

            Assert.Equal(one.Plan.Describe(), two.Plan.Describe());
            Assert.Equal(one.History.Observations, two.History.Observations);
            Assert.Equal(one.Simulation.MessagesSent, two.Simulation.MessagesSent);
        }

        Assert.NotEqual(SimulationRun.Execute(1).History.Observations, SimulationRun.Execute(2).History.Observations);
    }

    [Fact]
    public void A_crashed_leader_is_replaced_by_a_leader_of_a_higher_term_and_rejoins_as_its_follower()
    {
        var sim = new ElectionSimulation(5, new Random(101));
        sim.RunUntil(TimeSpan.FromSeconds(15));
        var old = AssertOneLeaderFollowedByAll(sim);
        var oldTerm = old.Running.Term;

        sim.Crash(old.Index);
        sim.RunFor(S10);

        var next = AssertOneLeaderFollowedByAll(sim);
        Assert.NotEqual(old.Index, next.Index);
        Assert.True(next.Running.Term > oldTerm, $"new term {next.Running.Term}, old {oldTerm}");
        var newTerm = next.Running.Term;

        sim.Restart(old.Index);
        sim.RunFor(TimeSpan.FromSeconds(15));

        Assert.Same(next, AssertOneLeaderFollowedByAll(sim));
        Assert.Equal(newTerm, old.Running.Term);
        Assert.Equal(newTerm, next.Running.Term);
        AssertNoViolations(sim);
    }

    [Fact]
    public void A_minority_of_two_out_of_five_never_elects_a_leader_and_the_majority_does()
    {
        var sim = new ElectionSimulation(5, new Random(202));
        sim.RunUntil(S10);
        var old = AssertOneLeaderFollowedByAll(sim);
        var oldTerm = old.Running.Term;
        var minority = new[] { old.Index, (old.Index + 1) % 5 };
        var cut = sim.Now;

        sim.SetNetwork(NetworkConditions.Split(5, minority));
        sim.RunFor(TimeSpan.FromSeconds(60));

        var inMinority = sim.History.Observations.Where(o => o.At > cut && minority.Contains(o.Node)).ToList();
        Assert.DoesNotContain(inMinority, o => o.Role is ElectionRole.Candidate || (o.Role == ElectionRole.Leader && o.Term != oldTerm));
        Assert.All(inMinority, o => Assert.Equal(oldTerm, o.Term));
        var stepDown = inMinority.First(o => o.Node == old.Index && o.Role != ElectionRole.Leader);
        Assert.True(stepDown.At - cut <= new ElectionSettings().TimeoutMax + sim.HeartbeatInterval + ElectionSimulation.TickInterval,
            $"the old leader stepped down only at {ElectionHistory.Time(stepDown.At)}");

        var next = AssertOneLeaderFollowedByAll(sim, except: minority);
        Assert.DoesNotContain(next.Index, minority);
        var newTerm = next.Running.Term;
        Assert.True(newTerm > oldTerm);

        sim.SetNetwork(NetworkConditions.Healthy(5));
        sim.RunFor(TimeSpan.FromSeconds(20));

        Assert.Same(next, AssertOneLeaderFollowedByAll(sim));
        Assert.Equal(newTerm, next.Running.Term);
        AssertNoViolations(sim);
    }

    [Fact]
    public void A_two_two_split_of_four_nodes_elects_nobody_on_either_side()
    {
        var sim = new ElectionSimulation(4, new Random(303));
        sim.RunUntil(S10);
        var old = AssertOneLeaderFollowedByAll(sim);
        var term = old.Running.Term;
        var cut = sim.Now;

        sim.SetNetwork(NetworkConditions.Split(4, old.Index, (old.Index + 2) % 4));
        sim.RunFor(TimeSpan.FromSeconds(60));

        var during = sim.History.Observations.Where(o => o.At > cut).ToList();
        var stepDown = during.First(o => o.Node == old.Index);
        Assert.NotEqual(ElectionRole.Leader, stepDown.Role);
        Assert.DoesNotContain(during, o => o.Role is ElectionRole.Leader or ElectionRole.Candidate);
        Assert.All(during, o => Assert.Equal(term, o.Term)); // pre-vote: nobody even raised the term
        Assert.Empty(sim.Leaders);

        var heal = sim.Now;
        sim.SetNetwork(NetworkConditions.Healthy(4));
        sim.RunFor(S10);

        Assert.True(AssertOneLeaderFollowedByAll(sim).Running.Term > term);
        AssertNoViolations(sim);
        Assert.True(sim.History.Observations.First(o => o.At > heal && o.Role == ElectionRole.Leader).At - heal < S10);
    }

    [Fact]
    public void A_two_two_split_from_the_start_never_elects_anybody()
    {
        var sim = new ElectionSimulation(4, new Random(304));
        sim.SetNetwork(NetworkConditions.Split(4, 0, 1));
        sim.RunUntil(TimeSpan.FromSeconds(60));

        Assert.DoesNotContain(sim.History.Observations, o => o.Role is ElectionRole.Leader or ElectionRole.Candidate || o.Term != 0);
        Assert.Contains(sim.History.Observations, o => o.Role == ElectionRole.PreCandidate);
        AssertNoViolations(sim);
    }

    [Fact]
    public void A_node_back_from_a_partition_does_not_raise_the_cluster_term_thanks_to_pre_vote()
    {
        var sim = new ElectionSimulation(5, new Random(404));
        sim.RunUntil(S10);
        var leader = AssertOneLeaderFollowedByAll(sim);
        var term = leader.Running.Term;
        var isolated = (leader.Index + 3) % 5;
        var cut = sim.Now;

        sim.SetNetwork(NetworkConditions.Split(5, isolated));
        sim.RunFor(TimeSpan.FromSeconds(30));

        // It tried, and could not even raise its own term.
        Assert.Contains(sim.History.Observations, o => o.At > cut && o.Node == isolated && o.Role == ElectionRole.PreCandidate);
        Assert.Equal(term, sim.Nodes[isolated].Running.Term);

        sim.SetNetwork(NetworkConditions.Healthy(5));
        sim.RunFor(TimeSpan.FromSeconds(20));

        Assert.Same(leader, AssertOneLeaderFollowedByAll(sim));
        Assert.DoesNotContain(sim.History.Observations, o => o.Term > term);
        AssertNoViolations(sim);
    }

    [Fact]
    public void A_healthy_cluster_keeps_its_first_leader_for_ten_minutes()
    {
        var sim = new ElectionSimulation(5, new Random(505));
        sim.RunUntil(TimeSpan.FromMinutes(10));

        var leader = AssertOneLeaderFollowedByAll(sim);
        Assert.Equal(1, leader.Running.Term);
        var elected = Assert.Single(sim.History.Observations, o => o.Role == ElectionRole.Leader);

        // Within a heartbeat everyone follows it, and then nothing changes anywhere.
        Assert.DoesNotContain(sim.History.Observations, o => o.At > elected.At + sim.HeartbeatInterval + TimeSpan.FromMilliseconds(100));
        AssertNoViolations(sim);
    }

    /// <summary>
    /// Leader liveness rides on the health heartbeats (1 s by default), so an election timeout at
    /// or below the heartbeat interval makes followers time out between two heartbeats of a live
    /// leader. In this simulation, a healthy 5-node cluster with timeouts of 500-800 ms went
    /// through 57 leaders in 60 s (term 68), and with 900-1400 ms it had no leader at 23 s.
    /// </summary>
    [Fact]
    public void Settings_refuse_an_election_timeout_that_does_not_exceed_the_heartbeat_interval()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("solidb.election { timeout-min = 500ms, timeout-max = 800ms }")
            .WithFallback(SolidbConfig.Reference);

        var e = Assert.Throws<SettingsException>(() => ClusterSettings.FromConfig(config));
        Assert.Contains("timeout-min", e.Message);
    }

    /// <summary>
    /// The harness has teeth: if a restart forgot the vote of the current term (as when a vote
    /// leaves the node before it is saved and the node crashes in between), seeded runs find two
    /// leaders in one term.
    /// </summary>
    [Fact]
    public void Seeded_runs_find_two_leaders_in_a_term_when_a_restart_forgets_the_vote()
    {
        var caught = FirstSeedWith(ViolationKind.TwoLeadersInOneTerm, node => new ForgetfulVoteStore(node.Store, keepTerm: true));

        output.WriteLine(caught.Report());
    }

    [Fact]
    public void Seeded_runs_find_a_term_going_back_when_a_restart_forgets_the_term()
    {
        var caught = FirstSeedWith(ViolationKind.TermWentBack, node => new ForgetfulVoteStore(node.Store, keepTerm: false));

        Assert.Contains("term went back", caught.Report());
    }

    private static SimulationRun FirstSeedWith(ViolationKind kind, Func<SimNode, IVoteStore> openStore)
    {
        for (var seed = 0; seed < 5_000; seed++)
        {
            var run = SimulationRun.Execute(seed, openStore: openStore);
            if (run.History.Failures.Any(v => v.Kind == kind))
            {
                return run;
            }
        }

        Assert.Fail($"no seed of 5,000 found {kind}");
        return null!;
    }

    /// <summary>A broken disk: what a new incarnation loads lacks the vote (and, unless <c>keepTerm</c>, the term).</summary>
    private sealed class ForgetfulVoteStore(IVoteStore inner, bool keepTerm) : IVoteStore
    {
        public PersistedVote Load() => keepTerm ? inner.Load() with { VotedFor = null } : PersistedVote.Initial;

        public void Save(PersistedVote vote) => inner.Save(vote);
    }

    /// <summary>Exactly one up node leads, with quorum, and every other up node (but <paramref name="except"/>) follows it in its term.</summary>
    private static SimNode AssertOneLeaderFollowedByAll(ElectionSimulation sim, int[]? except = null)
    {
        var leader = sim.LeaderWithQuorum;
        Assert.True(leader is not null, $"no single leader with quorum at {ElectionHistory.Time(sim.Now)}: " +
            string.Join("; ", sim.Nodes.Where(n => n.Up).Select(n => $"{n.Id} {n.Running.Role} term {n.Running.Term} leader {n.Running.Leader}")));
        foreach (var node in sim.Nodes.Where(n => n.Up && n != leader && !(except ?? []).Contains(n.Index)))
        {
            Assert.Equal(leader.Id, node.Running.Leader);
            Assert.Equal(leader.Running.Term, node.Running.Term);
        }

        return leader;
    }

    private static void AssertNoViolations(ElectionSimulation sim)
    {
        sim.History.Finish(sim.Now);
        Assert.True(sim.History.Violations.Count == 0, sim.History.Report());
    }

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
