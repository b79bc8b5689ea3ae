using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The remote actor API against real solidb processes: a subscription outlives ClusterClient's 30 s response-tunnel timeout.</summary>
[Collection(ProcessCollection.Name)]
public sealed class RemoteApiProcessTests() : TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Four times ClusterClient's response-tunnel-receive-timeout (30 s) and the node's lease (30 s).
    /// A 65 s idle was tried (2026-12-08): one fresh-clone suite run then saw no leader change within
    /// 60 s of the leader's kill (the other run passed); until that is understood the test keeps 2 min.
    /// </summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_service_stays_subscribed_through_2_idle_minutes_and_then_sees_the_leader_change()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var leaderId = (await cluster.Nodes[0].StatusAsync()).GetProperty("leader").GetString()!;
        var leaderIndex = Enumerable.Range(0, 3).Single(i => ProcessCluster.NodeIdOf(i) == leaderId);
        var followers = Enumerable.Range(0, 3).Where(i => i != leaderIndex).Select(i => new ContactPoint("127.0.0.1", cluster.Ports[i].Port)).ToList();

        var service = ClientAkkaConfig.CreateSystem("service", extra: ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        try
        {
            // Contact points are the followers only, so the subscription is served by a node that survives.
            var client = SolidbClusterClient.Create(service, followers);
            var events = CreateTestProbe(service);
            client.Subscribe(events, [EventTypes.LeaderChanged]);
            var snapshot = await events.ExpectMsgAsync<SnapshotEvent>(Bound);
            Assert.Equal(leaderId, snapshot.Status.Leader);

            // Really idle: no request from the test, only the helper's lease renewals (every 10 s).
            // A leader_changed meanwhile would be a real change, and fail the test rightly.
            await events.ExpectNoMsgAsync(Idle);

            cluster.Nodes[leaderIndex].Kill();
            var changed = await events.FishForMessageAsync<LeaderChangedEvent>(e => e.Leader is not null && e.Leader != leaderId, Bound);
            Assert.True(changed.Term > snapshot.Status.Term, $"term {changed.Term} after {snapshot.Status.Term}");
        }
        finally
        {
            await service.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
