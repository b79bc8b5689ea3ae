using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Security;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs.RemoteApi;

/// <summary>
/// The remote actor API over real Akka.Remote: a service's own actor system (no member) reaches a
/// 3-node cluster through ClusterClient and a contact point, and nothing but the API.
/// </summary>
[Collection(SpecCollection.Second)]
public sealed class RemoteApiSpecs(ITestOutputHelper helper) : TestKit(output: helper)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private readonly ITestOutputHelper output = helper;

    [Fact]
    public async Task A_service_gets_status_leader_and_timestamps_subscribes_and_survives_the_death_of_its_contact_node()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        await AwaitConditionAsync(async () => (await cluster[0].StatusAsync()).Election is { Leader: not null, HasQuorum: true }, Converge);
        await using var service = ServiceSystem.Start([cluster[0]]);
        var client = service.Client;

        // The client answers from whichever node it connected to (the contact point lists them all).
        var status = await EventuallyAsync(() => client.GetStatusAsync());
        var contact = cluster.Nodes.ToList().FindIndex(n => n.NodeId == status.NodeId);
        Assert.Equal(3, status.Members.Count);
        var leader = await client.GetLeaderAsync();
        Assert.Equal(status.Leader, leader.Leader);
        Assert.NotNull(leader.FencingToken);
        Assert.Equal(leader.Term, leader.FencingToken.Term);
        var stamp = await client.GetTimestampAsync();
        var parsed = HlcTimestamp.Parse(stamp.Timestamp);
        Assert.Equal((stamp.Physical, stamp.Logical), ((long)parsed.Physical, (long)parsed.Logical));
        var ahead = new HlcTimestamp(parsed.Physical, parsed.Logical + 100);
        Assert.True(HlcTimestamp.Parse((await client.ObserveTimestampAsync(ahead.ToString())).Timestamp) > ahead);

        var events = CreateTestProbe(service.System);
        client.Subscribe(events);
        var first = await events.ExpectMsgAsync<SnapshotEvent>(TimeSpan.FromSeconds(10));
        Assert.Equal(cluster[contact].NodeId, first.Status.NodeId);

        await cluster.KillAsync(contact);

        // The client moves to another node: its asks are answered there, and its subscription starts
        // over there with a snapshot, then that node's live events about the dead contact node.
        var dead = cluster[contact].NodeId;
        var moved = await ReceiveUntil(events, TimeSpan.FromSeconds(60), e => e is SnapshotEvent s && s.Status.NodeId != dead);
        var snapshot = (SnapshotEvent)moved[^1];
        output.WriteLine($"moved to {snapshot.Status.NodeId} after {moved.Count} events");
        if (snapshot.Status.Members.Any(m => m.NodeId == dead && m.State == MemberState.Active))
        {
            await ReceiveUntil(events, TimeSpan.FromSeconds(40), e =>
                e is MemberStateChangedEvent c && c.NodeId == dead || e is MemberRemovedEvent r && r.NodeId == dead);
        }

        var after = await EventuallyAsync(() => client.GetStatusAsync());
        Assert.NotEqual(dead, after.NodeId);
    }

    [Fact]
    public async Task A_non_member_gets_nothing_but_the_API_done_and_every_refusal_is_counted()
    {
        await using var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        await using var service = ServiceSystem.Start([cluster[1]], allowJson: true);
        var client = service.Client;
        var connected = (await EventuallyAsync(() => client.GetStatusAsync())).NodeId;
        var victim = cluster.Nodes.Single(n => n.NodeId == connected); // the node the client talks to
        var before = victim.Context.Counters.Snapshot().Rejections;

        // An admin message to the supervisor through the receptionist (Akka's JSON: refused unbuilt),
        // a plain string to the API (built, then refused by the API actor), a path not served at all,
        // and a request with a field out of range (answered with a refusal).
        client.Client.Tell(new ClusterClient.Send("/user/solidb-cluster", Manager.LeaveCluster.Instance, localAffinity: true));
        client.Client.Tell(new ClusterClient.Send(RemoteApiPaths.Service, "leave", localAffinity: true));
        client.Client.Tell(new ClusterClient.Send("/user/solidb-cluster", "leave", localAffinity: true));
        var refusal = await client.Client.Ask<object>(SolidbClusterClient.ToService(new SubscribeClusterEvents("../../user/solidb-cluster")), TimeSpan.FromSeconds(5));
        Assert.Equal(RemoteApiErrors.InvalidRequest, Assert.IsType<RemoteApiError>(refusal).Code);

        // The API by actor selection, bypassing the receptionist: untrusted mode drops it.
        var direct = CreateTestProbe(service.System);
        service.System.ActorSelection($"{victim.Address}{RemoteApiPaths.Service}").Tell(GetClusterStatus.Instance, direct);
        await direct.ExpectNoMsgAsync(TimeSpan.FromSeconds(3));

        // Answered after everything above (same association, in order): the API still serves.
        Assert.Equal(victim.NodeId, (await client.GetStatusAsync()).NodeId);
        var after = victim.Context.Counters.Snapshot().Rejections;
        output.WriteLine("rejections on the victim: " + string.Join(", ", after.Where(r => r.Value > before[r.Key]).Select(r => $"{r.Key} +{r.Value - before[r.Key]}")));
        Assert.True(after["serialization"] > before["serialization"], "serialization");
        Assert.True(after["unknown_message"] > before["unknown_message"], "unknown_message");
        Assert.True(after["invalid_field"] > before["invalid_field"], "invalid_field");
        Assert.True(await cluster.IsConvergedAsync(), "every node is still an Active member");
        Assert.All(cluster.Nodes, n => Assert.False(n.IsTerminated));
    }

    [Fact]
    public async Task With_mutual_TLS_a_service_with_a_service_certificate_of_the_CA_is_served_and_one_without_is_refused_and_counted()
    {
        using var certs = TestCertificates.Create(["node1", "node2", "node3"], ["service"]);
        using var other = TestCertificates.Create([], ["intruder"]);
        await using var cluster = InProcessCluster.Start(3, tls: i => certs.For(InProcessCluster.NodeIdOf(i)));
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        var files = certs.ForService("service");
        await using (var service = ServiceSystem.Start([cluster[0]], ClientTls.Load(files.Cert, files.Key, files.Ca)))
        {
            Assert.Equal(3, (await EventuallyAsync(() => service.Client.GetStatusAsync())).Members.Count);
        }

        var refusedBefore = cluster[0].Context.Counters.Rejections[RejectionReason.TlsHandshake];
        var wrong = other.ForService("intruder");
        await using (var intruder = ServiceSystem.Start([cluster[0]], ClientTls.Load(wrong.Cert, wrong.Key, files.Ca), askTimeout: TimeSpan.FromSeconds(6)))
        {
            await Assert.ThrowsAsync<AskTimeoutException>(() => intruder.Client.GetStatusAsync());
        }

        Assert.True(cluster[0].Context.Counters.Rejections[RejectionReason.TlsHandshake] > refusedBefore, "the node's validator refused the intruder");
        await using (var plain = ServiceSystem.Start([cluster[0]], askTimeout: TimeSpan.FromSeconds(6)))
        {
            await Assert.ThrowsAsync<AskTimeoutException>(() => plain.Client.GetStatusAsync());
        }
    }

    [Fact]
    public async Task Without_TLS_and_with_require_token_for_reads_every_request_needs_the_admin_token_and_each_refusal_is_counted()
    {
        await using var cluster = InProcessCluster.Start(1, SpecTiming.Production + "\nsolidb.http.require-token-for-reads = on");
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var node = cluster[0];
        var token = (await File.ReadAllTextAsync(Path.Combine(node.Context.Settings.DataDir, "admin-token"))).Trim();

        await using (var without = ServiceSystem.Start([node]))
        {
            var refused = await Assert.ThrowsAsync<SolidbRemoteApiException>(() => RetryTimeoutsAsync(() => without.Client.GetStatusAsync()));
            Assert.Equal(RemoteApiErrors.Unauthorized, refused.Code);
            var before = node.Context.Counters.Rejections[RejectionReason.Unauthorized];
            var subscription = await without.Client.Client.Ask<object>(SolidbClusterClient.ToService(new SubscribeClusterEvents("no-token")), TimeSpan.FromSeconds(5));
            Assert.Equal(RemoteApiErrors.Unauthorized, Assert.IsType<RemoteApiError>(subscription).Code);
            Assert.Equal(before + 1, node.Context.Counters.Rejections[RejectionReason.Unauthorized]);
        }

        await using (var wrong = ServiceSystem.Start([node], token: token + "x"))
        {
            Assert.Equal("the admin token is wrong",
                (await Assert.ThrowsAsync<SolidbRemoteApiException>(() => RetryTimeoutsAsync(() => wrong.Client.GetLeaderAsync()))).Message);
        }

        await using var with = ServiceSystem.Start([node], token: token);
        Assert.Equal(node.NodeId, (await EventuallyAsync(() => with.Client.GetStatusAsync())).NodeId);
        var probe = CreateTestProbe(with.System);
        with.Client.Subscribe(probe);
        await probe.ExpectMsgAsync<SnapshotEvent>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_subscription_is_renewed_or_cancelled_only_by_the_service_that_made_it()
    {
        await using var cluster = InProcessCluster.Start(1);
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var node = cluster[0];
        await using var owner = ServiceSystem.Start([node]);
        await using var other = ServiceSystem.Start([node]);
        await EventuallyAsync(() => owner.Client.GetStatusAsync());
        await EventuallyAsync(() => other.Client.GetStatusAsync());
        var events = CreateTestProbe(owner.System);
        Task<object> Ask(ServiceSystem s, IRemoteApiMessage m) =>
            s.Client.Client.Ask<object>(SolidbClusterClient.ToService(m), TimeSpan.FromSeconds(5));

        owner.Client.Client.Tell(SolidbClusterClient.ToService(new SubscribeClusterEvents("shared")), events);
        await events.ExpectMsgAsync<ClusterEventsSubscribed>(TimeSpan.FromSeconds(10));
        await events.ExpectMsgAsync<SnapshotEvent>();
        var before = node.Context.Counters.Rejections[RejectionReason.NotPermitted];

        // Another service knows the id: it can neither renew, cancel nor take over the subscription.
        Assert.IsType<ClusterEventsUnknown>(await Ask(other, new RenewClusterEventsSubscription("shared")));
        other.Client.Client.Tell(SolidbClusterClient.ToService(new UnsubscribeClusterEvents("shared")));
        Assert.Equal(RemoteApiErrors.NotPermitted, Assert.IsType<RemoteApiError>(await Ask(other, new SubscribeClusterEvents("shared"))).Code);
        Assert.Equal(before + 3, node.Context.Counters.Rejections[RejectionReason.NotPermitted]);

        // The owner's subscription is untouched: renewed, and cancelled by the owner it is gone and the id is free.
        owner.Client.Client.Tell(SolidbClusterClient.ToService(new RenewClusterEventsSubscription("shared")), events);
        await events.FishForMessageAsync(m => m is ClusterEventsRenewed, TimeSpan.FromSeconds(5));
        owner.Client.Client.Tell(SolidbClusterClient.ToService(new UnsubscribeClusterEvents("shared")), events);
        await AwaitConditionAsync(async () => await Ask(owner, new RenewClusterEventsSubscription("shared")) is ClusterEventsUnknown, TimeSpan.FromSeconds(10));
        Assert.IsType<ClusterEventsSubscribed>(await Ask(other, new SubscribeClusterEvents("shared")));
        Assert.Equal(before + 3, node.Context.Counters.Rejections[RejectionReason.NotPermitted]);
    }

    /// <summary>Asks until an answer comes (a refusal included): the first ask may go out while the client still looks for its receptionist.</summary>
    private static async Task<T> RetryTimeoutsAsync<T>(Func<Task<T>> ask)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await ask();
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Asks until answered: the first ask may go out while the client still looks for its receptionist.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> ask)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await ask();
            }
            catch (Exception e) when (e is AskTimeoutException or SolidbRemoteApiException && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static async Task<List<ClusterEvent>> ReceiveUntil(TestProbe probe, TimeSpan within, Func<ClusterEvent, bool> done)
    {
        var seen = new List<ClusterEvent>();
        var deadline = DateTime.UtcNow + within;
        while (seen.Count == 0 || !done(seen[^1]))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"not seen within {within}; saw: {string.Join(", ", seen.Select(e => e.Type))}");
            seen.Add(await probe.ExpectMsgAsync<ClusterEvent>(left));
        }

        return seen;
    }
}
