using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Events;
using Solidb.Cluster.Health;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Testing;
using Xunit;

namespace Solidb.Cluster.Tests.Events;

/// <summary>The events actor: numbering that survives its restart, replay to a resuming subscriber, the kept-out rate.</summary>
public sealed class EventsActorTests() : TestKit(ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(SolidbConfig.Reference)), IDisposable
{
    private static readonly NodeId Self = NodeId.Parse("node1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-ev-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T12:00:00Z"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static StatusResponse Status(NodeContext node) =>
        StatusReport.Build(node, MembershipSnapshot.Empty, HealthStats.Empty, LeaderInfo.None).ToResponse();

    private static EventsActor.Record Record(params string[] nodes) => new([.. nodes.Select(n => (ClusterEvent)new MemberRemovedEvent(n, 1))]);

    [Fact]
    public async Task A_restarted_events_actor_goes_on_numbering_and_keeps_its_subscribers_and_its_buffer()
    {
        using var dataDir = DataDirectory.Open(_dir, Self);
        var node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), dataDir, _time);
        var events = ChildActorOf(EventsActor.Props(node), new OneForOneStrategy(_ => Directive.Restart));
        var live = CreateTestProbe();

        events.Tell(new EventsActor.Subscribe(new SubscribeClusterEvents(live), Status(node)));
        var snapshot = await live.ExpectMsgAsync<SnapshotEvent>();
        events.Tell(Record("a", "b"));
        ActorFaults.Crash(events);
        events.Tell(Record("c"));

        Assert.Equal((0, node.Identity.Incarnation), (snapshot.Seq, snapshot.Incarnation));
        var removed = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            removed.Add((await live.ExpectMsgAsync<MemberRemovedEvent>()).Seq);
        }

        Assert.Equal([1L, 2L, 3L], removed);
        var resumed = CreateTestProbe();
        events.Tell(new EventsActor.Subscribe(new SubscribeClusterEvents(resumed, Since: 1), Status(node)));
        Assert.Equal("b", (await resumed.ExpectMsgAsync<MemberRemovedEvent>()).NodeId);
        Assert.Equal("c", (await resumed.ExpectMsgAsync<MemberRemovedEvent>()).NodeId);
        await resumed.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Kept_out_timestamps_from_one_node_are_an_event_at_most_once_a_minute_and_unsubscribing_ends_the_stream()
    {
        using var dataDir = DataDirectory.Open(_dir, Self);
        var node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), dataDir, _time);
        var events = ChildActorOf(EventsActor.Props(node));
        var probe = CreateTestProbe();
        events.Tell(new EventsActor.Subscribe(new SubscribeClusterEvents(probe, Since: 0), Status(node)));

        events.Tell(new EventsActor.TimestampKeptOut(NodeId.Parse("node2"), 3000));
        events.Tell(new EventsActor.TimestampKeptOut(NodeId.Parse("node2"), 3100));
        events.Tell(new EventsActor.TimestampKeptOut(NodeId.Parse("node3"), 900));
        var first = await probe.ExpectMsgAsync<ClockSkewEvent>();
        var other = await probe.ExpectMsgAsync<ClockSkewEvent>();
        _time.Advance(EventsActor.KeptOutInterval);
        events.Tell(new EventsActor.TimestampKeptOut(NodeId.Parse("node2"), 3200));
        var again = await probe.ExpectMsgAsync<ClockSkewEvent>();
        events.Tell(new UnsubscribeClusterEvents(probe));
        events.Tell(Record("x"));

        Assert.Equal(new ClockSkewEvent("node2", 3000, 500, null), first with { Seq = 0, Incarnation = 0, Hlc = "", At = default });
        Assert.Equal("node3", other.NodeId);
        Assert.Equal((3200, 3L), (again.OffsetMs, again.Seq));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}
