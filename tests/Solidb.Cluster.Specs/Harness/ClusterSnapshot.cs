using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// What an attack must not change: every node's status (term, leader, members and their HTTP
/// addresses) and the content of every file in its data dir, taken before the attack and compared
/// after a window long enough for a forged term or a leave to spread by gossip and heartbeats.
/// </summary>
public sealed record ClusterSnapshot(IReadOnlyList<ClusterStatus> Statuses, IReadOnlyList<ImmutableSortedDictionary<string, string>> DataFiles)
{
    public static async Task<ClusterSnapshot> TakeAsync(InProcessCluster cluster) =>
        new(await StatusesAsync(cluster), cluster.Nodes.Select(n => DataDirHashes.Of(n.DataDir.Path)).ToList());

    public static async Task<IReadOnlyList<ClusterStatus>> StatusesAsync(InProcessCluster cluster) =>
        await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));

    /// <summary>
    /// Watches every node's member events for <paramref name="window"/>, then checks that no node
    /// stopped, and that statuses and data-dir files are as they were.
    /// </summary>
    public async Task AssertUnchangedAsync(TestKitBase kit, InProcessCluster cluster, TimeSpan window, TimeSpan timeout)
    {
        var probes = cluster.Nodes.Select(n =>
        {
            var probe = kit.CreateTestProbe(n.System);
            Akka.Cluster.Cluster.Get(n.System).Subscribe(probe.Ref, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(Akka.Cluster.ClusterEvent.IMemberEvent));
            return probe;
        }).ToList();
        foreach (var probe in probes)
        {
            await probe.ReceiveNAsync(cluster.Nodes.Count, timeout).ToListAsync(); // the Up members, as events
        }

        await Task.WhenAll(probes.Select(p => p.ExpectNoMsgAsync(window).AsTask()));
        Assert.All(cluster.Nodes, n => Assert.False(n.IsTerminated, $"{n.NodeId}'s actor system stopped"));
        var after = await TakeAsync(cluster);
        for (var i = 0; i < Statuses.Count; i++)
        {
            Assert.Equal(Statuses[i].Incarnation, after.Statuses[i].Incarnation);
            Assert.Equal(Statuses[i].Election.Term, after.Statuses[i].Election.Term);
            Assert.Equal(Statuses[i].Election.Leader, after.Statuses[i].Election.Leader);
            Assert.Equal(Statuses[i].Members.Select(m => (m.NodeId, m.State, m.HttpAddress)), after.Statuses[i].Members.Select(m => (m.NodeId, m.State, m.HttpAddress)));
            Assert.True(after.Statuses[i].Election.Term < Election.Terms.Max);
            Assert.Equal(DataFiles[i], after.DataFiles[i]);
        }
    }

    public static async Task<IActorRef?> IdentifyAsync(ActorSelection selection, TimeSpan timeout) =>
        (await selection.Ask<ActorIdentity>(new Identify(1), timeout)).Subject;
}
