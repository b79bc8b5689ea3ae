using Akka.TestKit.Xunit2;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// Forming a cluster (Bootstrap.FormationVote) with real Akka.Remote: any majority of the
/// configured nodes in no cluster forms one, a minority never does, and no node forms one beside a
/// running cluster it cannot reach.
/// </summary>
[Collection(SpecCollection.Name)]
public sealed class BootstrapSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_of_three_configured_nodes_never_forms_a_cluster_and_two_form_one_that_the_third_joins()
    {
        await using var cluster = InProcessCluster.Start(3, started: 1);

        // Alone, a node is 1 of 3: no majority, however long it waits (Akka's own rule would form
        // a cluster after seed-node-timeout).
        await AssertNeverMember(cluster[0], 2 * cluster[0].Context.Settings.Bootstrap.SeedNodeTimeout);

        cluster.Launch();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        cluster.Launch();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        // node1 had waited longest and has the lowest address: it stood first and founded the cluster.
        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        Assert.All(statuses, s => Assert.Equal(cluster[0].Context.NodeId, s.Election.Leader));
        Assert.All(statuses, s => Assert.Equal(1, s.Election.Term));
    }

    [Fact]
    public async Task Without_the_lowest_addressed_node_the_other_two_form_a_cluster_within_15_s_and_it_joins_when_it_starts()
    {
        // Index 2 has the lowest address, and it does not start: under the old rule (only the
        // lowest address may form a cluster) the other two waited forever.
        await using var cluster = InProcessCluster.Start(3, started: 2, lowestLast: true);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await AwaitConditionAsync(cluster.IsConvergedAsync, TimeSpan.FromSeconds(15)); // both Active, one leader
        Output.WriteLine($"two of three formed a cluster with a leader in {started.Elapsed.TotalSeconds:0.0} s");

        var lowest = cluster.Launch();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var status = await lowest.StatusAsync();
        Assert.Equal(3, status.Members.Count());
        Assert.NotEqual(lowest.Context.NodeId, status.Election.Leader);
    }

    [Fact]
    public async Task The_lowest_node_restarted_while_cut_off_forms_no_cluster_of_its_own_and_joins_the_running_one_when_healed()
    {
        // Nemesis seed 96: with Akka's rule the restarted node1 formed a second cluster, a
        // restarted peer joined it, and the two elected a leader of their own that never merged.
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        await cluster.KillAsync(0);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge); // node2 and node3, node1 downed and removed
        var before = (await cluster[1].StatusAsync()).Election;

        var restarted = cluster.Restart(0); // its peers still drop everything from it
        await AssertNeverMember(restarted, 2 * restarted.Context.Settings.Bootstrap.SeedNodeTimeout);
        await cluster.HealAsync(0);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        Assert.All(statuses, s => Assert.Equal((before.Leader, before.Term), (s.Election.Leader, s.Election.Term)));
    }

    /// <summary>
    /// Observes the node for the whole window: no cluster lets it in (it neither forms nor joins
    /// one). A node sees member events only once it is in a cluster, so none may arrive.
    /// </summary>
    private async Task AssertNeverMember(ClusterNode node, TimeSpan window)
    {
        var probe = CreateTestProbe(node.System);
        Akka.Cluster.Cluster.Get(node.System).Subscribe(probe.Ref, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(Akka.Cluster.ClusterEvent.IMemberEvent));
        await probe.ExpectNoMsgAsync(window);
    }
}
