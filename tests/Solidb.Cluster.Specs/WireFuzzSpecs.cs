using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// A non-member fires random and mutated protocol traffic (<see cref="WireFuzzer"/>) at a
/// 3-node cluster: no actor restarts, no term, leader or membership changes, every refusal is
/// counted, memory does not grow with the traffic. 10 s in CI; SOLIDB_WIRE_FUZZ_SECONDS=600 for a
/// long run, SOLIDB_WIRE_FUZZ_SEED to replay a seed.
/// </summary>
[Collection(SpecCollection.Second)]
public sealed class WireFuzzSpecs(ITestOutputHelper helper) : TestKit(output: helper)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly string[] Actors =
        ["", HeartbeatActor.Name, ElectionActor.Name, BootstrapActor.Name, ClockActor.Name, FailureDetectorActor.Name];

    /// <summary>Messages per second: enough to cover every path many times, not a load test of a 2-core machine.</summary>
    private const int Rate = 500;

    private readonly ITestOutputHelper _output = helper;

    [Fact]
    public async Task Random_and_mutated_wire_traffic_from_a_non_member_changes_nothing()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SOLIDB_WIRE_FUZZ_SECONDS"), out var s) ? s : 10;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SOLIDB_WIRE_FUZZ_SEED"), out var given) ? given : Environment.TickCount;
        _output.WriteLine($"wire fuzz: seed {seed}, {seconds} s at {Rate} messages/s (replay: SOLIDB_WIRE_FUZZ_SEED={seed})");

        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        await AwaitConditionAsync(async () => (await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync())))
            .All(st => st.Election.HasQuorum && st.Election.Leader is not null), Converge);
        await using var foreign = ForeignSystem.Start();
        var before = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        var uidsBefore = await ActorUidsAsync(foreign, cluster);
        var (heapBefore, rssBefore) = Memory();

        var fuzzer = new WireFuzzer(foreign, cluster.Nodes, seed);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var due = (long)(clock.Elapsed.TotalSeconds * Rate);
            while (fuzzer.Sent < due)
            {
                fuzzer.SendOne();
            }

            await Task.Delay(10);
        }

        // Identify travels behind the fuzz on the same association: once answered, all of it arrived.
        var uidsAfter = await ActorUidsAsync(foreign, cluster);
        var after = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        var (heapAfter, rssAfter) = Memory();
        var rejections = cluster.Nodes.SelectMany(n => n.Context.Counters.Snapshot().Rejections)
            .GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
        _output.WriteLine($"sent {fuzzer.Sent} messages; refused by reason (3 nodes): " +
                          string.Join(", ", rejections.Where(r => r.Value > 0).OrderByDescending(r => r.Value).Select(r => $"{r.Key}={r.Value}")));
        _output.WriteLine($"managed heap after full GC: {heapBefore / 1048576.0:F1} MB -> {heapAfter / 1048576.0:F1} MB; " +
                          $"RSS {rssBefore / 1048576.0:F1} MB -> {rssAfter / 1048576.0:F1} MB (whole test process)");

        Assert.Equal(uidsBefore, uidsAfter); // no module actor crashed and restarted
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].Election.Term, after[i].Election.Term);
            Assert.Equal(before[i].Election.Leader, after[i].Election.Leader);
            Assert.Equal(before[i].Members.Select(m => (m.NodeId, m.Incarnation)), after[i].Members.Select(m => (m.NodeId, m.Incarnation)));
            Assert.All(after[i].Members, m => Assert.Equal(Membership.NodeState.Active, m.State));
        }

        Assert.True(rejections.Values.Sum() > fuzzer.Sent / 4, $"only {rejections.Values.Sum()} of {fuzzer.Sent} refusals counted");
        Assert.True(rejections["forged_sender"] > fuzzer.Sent / 8, $"only {rejections["forged_sender"]} forged sender paths dropped of {fuzzer.Sent} messages (about a quarter carry one)");
        // Nothing kept per forged message: the heap after a full GC does not grow with the traffic.
        Assert.True(heapAfter - heapBefore < 64L * 1024 * 1024, $"managed heap grew by {(heapAfter - heapBefore) / 1048576.0:F1} MB");
    }

    private static async Task<long[]> ActorUidsAsync(ForeignSystem foreign, InProcessCluster cluster) =>
        await Task.WhenAll(cluster.Nodes.SelectMany(n => Actors.Select(async a =>
            (await foreign.Module(n, a).Ask<ActorIdentity>(new Identify(a), Converge)).Subject?.Path.Uid ?? -1)));

    private static (long Heap, long Rss) Memory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
