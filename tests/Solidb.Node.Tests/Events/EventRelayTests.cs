using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Client.Events;
using Solidb.Node.Http.Events;
using Xunit;

namespace Solidb.Node.Tests.Events;

public class EventRelayTests : TestKit
{
    private static ClusterEvent Event(long seq) => new MemberRemovedEvent("node2", 1) { Seq = seq, Incarnation = 1 };

    [Fact]
    public async Task Events_beyond_the_capacity_overflow_and_nothing_is_queued_after()
    {
        var relay = new EventRelay(3);
        Assert.All(Enumerable.Range(1, 3), i => Assert.True(relay.Offer(Event(i))));
        Assert.False(relay.Overflowed.IsCompleted);

        Assert.False(relay.Offer(Event(4)));
        await relay.Overflowed.WaitAsync(TimeSpan.FromSeconds(5));

        // Room again, but the stream has a gap now: it must end, not go on.
        Assert.True(relay.Reader.TryRead(out var first));
        Assert.Equal(1, first.Seq);
        Assert.False(relay.Offer(Event(5)));
        Assert.Equal(new long[] { 2, 3 }, Drain(relay).Select(e => e.Seq));
    }

    [Fact]
    public async Task The_actor_queues_what_it_receives_and_completes_the_queue_when_it_stops()
    {
        var relay = new EventRelay(16);
        var actor = Sys.ActorOf(EventRelayActor.Props(relay));
        actor.Tell(Event(1));
        actor.Tell(Event(2));
        Assert.Equal(1, (await relay.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Seq);
        Assert.Equal(2, (await relay.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Seq);

        Sys.Stop(actor);
        await relay.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static List<ClusterEvent> Drain(EventRelay relay)
    {
        var list = new List<ClusterEvent>();
        while (relay.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }
}
