using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>Specs of the in-process harness itself: real Akka.Remote, real config, throttler partitions.</summary>
[Collection(SpecCollection.Second)]
public sealed class InProcessClusterSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Three_nodes_that_list_each_other_form_one_cluster_with_one_leader()
    {
        await using var cluster = InProcessCluster.Start(3);

        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        Assert.All(statuses, s => Assert.Equal(NodeState.Active, s.State));
        Assert.Single(statuses.Select(s => s.Leader).Distinct());
        // The formation vote with every node up: the lowest address stands first and the others
        // promise to it, so it forms the cluster; it is leader of its one-node cluster at term 1 at
        // once, and the nodes that join later do not trigger an election.
        var lowest = cluster.Nodes.OrderBy(n => n.Context.Settings.Self).First();
        Assert.Equal(lowest.Context.NodeId, statuses[0].Leader);
        Assert.All(statuses, s => Assert.Equal(1, s.Election.Term));
    }

    [Fact]
    public async Task Members_introduce_themselves_over_the_protocol_serializer()
    {
        await using var cluster = InProcessCluster.Start(2);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        await AwaitAssertAsync(async () =>
        {
            var status = await cluster[0].StatusAsync();
            var peer = Assert.Single(status.Members, m => m.NodeId == cluster[1].Context.NodeId);
            Assert.Equal(cluster[1].Context.HttpAddress, peer.HttpAddress);
            Assert.Equal(cluster[1].Context.Identity.Incarnation, peer.Incarnation);
        }, Converge);
    }

    [Fact]
    public async Task A_partitioned_node_becomes_Unknown_and_returns_to_Active_when_healed()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var isolated = cluster[2].Context.NodeId;

        await cluster.PartitionAsync(2);
        await AwaitAssertAsync(async () =>
        {
            foreach (var node in cluster.Nodes.Take(2))
            {
                var member = (await node.StatusAsync()).Members.Single(m => m.NodeId == isolated);
                Assert.Equal(NodeState.Unknown, member.State);
            }
        }, Converge, TimeSpan.FromMilliseconds(200));

        await cluster.HealAsync(2);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
    }

    [Fact]
    public async Task A_node_that_leaves_is_removed_from_every_other_member()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var leaving = cluster[2];

        leaving.Manager.Tell(LeaveCluster.Instance);

        await AwaitConditionAsync(() => Task.FromResult(leaving.IsTerminated), Converge);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var status = await cluster[0].StatusAsync();
        Assert.DoesNotContain(status.Members, m => m.NodeId == leaving.Context.NodeId);
        Assert.Equal(2, status.Members.Length);
    }

    [Fact]
    public async Task Subscribers_receive_versioned_snapshots_that_never_go_backwards()
    {
        await using var cluster = InProcessCluster.Start(2);
        var probe = CreateTestProbe(cluster[0].System);
        cluster[0].Manager.Tell(new SubscribeMembership(probe.Ref));

        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        long last = -1;
        var seenBoth = false;
        while (!seenBoth)
        {
            var changed = await probe.ExpectMsgAsync<MembershipChanged>(Converge);
            Assert.True(changed.Snapshot.Version > last, $"version {changed.Snapshot.Version} after {last}");
            last = changed.Snapshot.Version;
            seenBoth = changed.Snapshot.Members.Count(m => m.State == NodeState.Active) == 2;
        }
    }

    [Fact]
    public async Task Unsubscribing_one_stream_leaves_the_other()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var node = cluster[0];
        var onlyLeader = CreateTestProbe(node.System);
        var onlyMembership = CreateTestProbe(node.System);
        foreach (var probe in new[] { onlyLeader, onlyMembership })
        {
            node.Manager.Tell(new SubscribeMembership(probe.Ref));
            node.Manager.Tell(new Election.SubscribeLeader(probe.Ref));
            await probe.ExpectMsgAsync<MembershipChanged>(Converge);
            await probe.ExpectMsgAsync<Election.LeaderChanged>(Converge);
        }

        node.Manager.Tell(new UnsubscribeMembership(onlyLeader.Ref));
        node.Manager.Tell(new Election.UnsubscribeLeader(onlyMembership.Ref));
        // A leave changes both: the member list, and the leader's voter count.
        cluster[2].Manager.Tell(LeaveCluster.Instance);

        var leader = await onlyLeader.FishForMessageAsync(m => m is Election.LeaderChanged { Info.Voters: 2 } || m is MembershipChanged, Converge);
        Assert.IsType<Election.LeaderChanged>(leader);
        var membership = await onlyMembership.FishForMessageAsync(m => m is MembershipChanged c && c.Snapshot.Members.Length == 2 || m is Election.LeaderChanged, Converge);
        Assert.IsType<MembershipChanged>(membership);
        // Nothing of the ended streams trails in.
        Assert.DoesNotContain(await onlyLeader.ReceiveWhileAsync<object>(TimeSpan.FromMilliseconds(500), m => m).ToListAsync(), m => m is MembershipChanged);
        Assert.DoesNotContain(await onlyMembership.ReceiveWhileAsync<object>(TimeSpan.FromMilliseconds(500), m => m).ToListAsync(), m => m is Election.LeaderChanged);
    }
}

/// <summary>
/// The specs run in two collections, each one spec at a time, side by side: a spec mostly waits on
/// timers and sockets (a whole run uses about a quarter of one core), so two at once halve the
/// wall time. Each class is in the one that keeps the two about even (sums of their durations).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SpecCollection
{
    public const string Name = "multi-node specs";

    /// <summary>The second collection (<see cref="SpecCollection2"/>).</summary>
    public const string Second = "multi-node specs 2";
}

/// <summary>The second collection of specs (see <see cref="SpecCollection"/>).</summary>
[CollectionDefinition(SpecCollection.Second)]
public sealed class SpecCollection2;
