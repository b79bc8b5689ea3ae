using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// A node whose wall clock is 3 s off (its injected time source; the process tests shift a real
/// process's clock) among three: the healthy majority forms or keeps a cluster with a leader, the
/// skewed node is isolated (out of sync, no timestamps, no fencing token) and never restarted,
/// and once its clock is fixed it is back in sync within 10 s.
/// </summary>
[Collection(SpecCollection.Name)]
public sealed class ClockSkewSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Form = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Judge = TimeSpan.FromSeconds(20);

    /// <summary>10 s asked; the bound leaves room for a loaded 2-core machine.</summary>
    private static readonly TimeSpan BackInSync = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(0)] // the lowest configured address
    [InlineData(2)]
    public async Task A_node_3s_ahead_then_3s_behind_is_isolated_never_restarted_and_back_once_its_clock_is_fixed(int skewed)
    {
        var clock = new ShiftableTimeProvider(TimeSpan.FromSeconds(3));
        await using var cluster = InProcessCluster.Start(3, timeOf: i => i == skewed ? clock : TimeProvider.System);
        var node = cluster[skewed];
        var log = LogRecorder.Attach(node);

        // Read anew each time: under load a healthy founder may give up its formation and start a new incarnation (FormationAbandoned).
        List<ClusterNode> Healthy() => Enumerable.Range(0, 3).Where(i => i != skewed).Select(i => cluster[i]).ToList();

        await AwaitAssertAsync(async () =>
        {
            await AssertHealthyMajorityLeads(Healthy(), node);
            await AssertIsolated(node, Healthy(), aheadMs: 3000);
        }, Form, TimeSpan.FromMilliseconds(250));
        var before = (await Healthy()[0].StatusAsync()).Election;
        Assert.Contains(log.Seen, e => e.Text.Contains("ms ahead of the majority of the cluster (max offset 500 ms): fix time synchronisation on this host"));

        // No timestamp and no fencing token while its clock is off.
        Assert.Throws<ClockUnavailableException>(() => node.Context.Clock.Now());
        var answer = await node.System.ActorSelection(ModulePaths.Child(node.Address, ClockActor.Name)).Ask<object>(new GetTimestamp(), Judge);
        Assert.Contains("ahead of the majority", Assert.IsType<ClockUnavailable>(answer).Reason);
        Assert.Null((await node.Manager.Ask<LeaderInfo>(GetLeader.Instance, Judge)).Token);

        clock.Offset = TimeSpan.FromSeconds(-3);
        await AwaitAssertAsync(() => AssertIsolated(node, Healthy(), aheadMs: -3000), Judge, TimeSpan.FromMilliseconds(250));

        var aheadIssued = node.Context.Gate.Stamp();
        clock.Offset = TimeSpan.Zero;
        var fixedAt = DateTime.UtcNow;
        await AwaitAssertAsync(async () =>
        {
            var status = await node.StatusAsync();
            Assert.True(status.Clock!.InSync, status.Clock.Problem);
            Assert.Equal(NodeState.Active, status.State);
            Assert.True(status.Election.HasQuorum);
            Assert.NotNull(status.Election.Token);
        }, BackInSync, TimeSpan.FromMilliseconds(200));
        Output.WriteLine($"back in sync {(DateTime.UtcNow - fixedAt).TotalSeconds:0.0}s after the clock was fixed");
        Assert.True(node.Context.Clock.Now() > aheadIssued); // monotonic across the clock's steps

        // Never restarted, and the healthy side kept its leader and term throughout.
        Assert.Same(node, cluster[skewed]);
        Assert.False(node.IsTerminated);
        Assert.Equal(0, node.Context.Restarts.Count);
        var after = (await Healthy()[0].StatusAsync()).Election;
        Assert.Equal((before.Leader, before.Term), (after.Leader, after.Term));
    }

    [Fact]
    public async Task A_node_restarted_after_its_wall_clock_was_stepped_back_10s_stays_monotonic_and_is_judged_only_by_its_wall_clock()
    {
        var clock = new ShiftableTimeProvider(TimeSpan.FromSeconds(10));
        await using var cluster = InProcessCluster.Start(3, timeOf: i => i == 2 ? clock : TimeProvider.System);
        await AwaitAssertAsync(async () => Assert.False((await cluster[2].StatusAsync()).Clock!.InSync), Form, TimeSpan.FromMilliseconds(250));
        var issued = cluster[2].Context.Gate.Stamp(); // about 10 s ahead of the true time

        await cluster.KillAsync(2);
        clock.Offset = TimeSpan.Zero; // NTP steps the host's clock back while the node is down
        var restarted = cluster.Restart(2);
        await cluster.HealAsync(2);

        // Its HLC continues above the persisted bound, legitimately ahead of its (now right) wall clock.
        Assert.True(restarted.Context.Gate.Clock.Current > issued);
        // Read the node anew on each attempt: under load the restarted incarnation may give up joining (its
        // killed predecessor is not yet removed) and start another; every later one keeps the persisted bound too.
        await AwaitAssertAsync(async () =>
        {
            var current = cluster[2];
            var status = await current.StatusAsync();
            Assert.True(status.Clock!.InSync, status.Clock.Problem);
            Assert.Null(status.Clock.Problem); // trusted, not only in sync: a majority agreed with it, so it issues timestamps
            Assert.Equal(NodeState.Active, status.State);
            Assert.True(status.Election.HasQuorum);
            // Its own introduction (stamped by that HLC) was accepted: it knows its own HTTP address.
            Assert.Equal(current.Context.HttpAddress, status.Members.Single(m => m.NodeId == current.Context.NodeId).HttpAddress);
        }, Form, TimeSpan.FromMilliseconds(250));
        Assert.True(cluster[2].Context.Clock.Now() > issued);
    }

    private static async Task AssertHealthyMajorityLeads(IReadOnlyList<ClusterNode> healthy, ClusterNode skewed)
    {
        var statuses = await Task.WhenAll(healthy.Select(n => n.StatusAsync()));
        Assert.All(statuses, s => Assert.True(s.Election.HasQuorum));
        Assert.All(statuses, s => Assert.True(s.Clock!.InSync));
        var leader = Assert.Single(statuses.Select(s => s.Election.Leader).Distinct());
        Assert.NotNull(leader);
        Assert.NotEqual(skewed.Context.NodeId, leader);
    }

    private static async Task AssertIsolated(ClusterNode node, IReadOnlyList<ClusterNode> healthy, double aheadMs)
    {
        var status = await node.StatusAsync();
        Assert.False(status.Clock!.InSync);
        Assert.InRange(status.Clock.OffsetToMajorityMs!.Value, aheadMs - 400, aheadMs + 400);
        Assert.Contains(aheadMs > 0 ? "ahead of the majority" : "behind the majority", status.Clock.Problem);
        Assert.NotEqual(node.Context.NodeId, status.Election.Leader);
        foreach (var peer in healthy)
        {
            // On the healthy side it stays a member, alive, shown with its offset and why it is held back.
            var seen = (await peer.StatusAsync()).Members.Single(m => m.NodeId == node.Context.NodeId);
            Assert.Equal(NodeState.Active, seen.State);
            Assert.Equal(StatusReport.ClockSkewReason, seen.Reason);
            Assert.InRange(seen.ClockOffset!.Value.TotalMilliseconds, aheadMs - 400, aheadMs + 400);
        }
    }
}
