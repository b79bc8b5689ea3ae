using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Xunit;

namespace Solidb.Cluster.Tests.RemoteApi;

public sealed class SubscriptionCursorTests
{
    [Fact]
    public void A_first_subscription_asks_for_a_snapshot()
    {
        var request = new SubscriptionCursor("s1", ["leader_changed"]).Subscribe();
        Assert.Equal(new SubscribeClusterEvents("s1", null, null, null, request.Types), request);
        Assert.Equal(["leader_changed"], request.Types!);
    }

    [Fact]
    public void A_resubscription_resumes_after_the_last_event_on_the_node_that_numbered_it()
    {
        var cursor = new SubscriptionCursor("s1", null);
        cursor.Subscribed(new ClusterEventsSubscribed("s1", "node2", 3));
        Assert.True(cursor.Deliver(new SnapshotEvent(null!) { Seq = 10, Incarnation = 3 }));
        Assert.True(cursor.Deliver(new LeaderChangedEvent("node1", 2, null, true) { Seq = 11, Incarnation = 3 }));

        Assert.Equal(new SubscribeClusterEvents("s1", 11, 3, "node2", null), cursor.Subscribe());
    }

    [Fact]
    public void Events_at_or_before_the_last_one_are_not_delivered_twice()
    {
        var cursor = new SubscriptionCursor("s1", null);
        cursor.Subscribed(new ClusterEventsSubscribed("s1", "node2", 3));
        Assert.True(cursor.Deliver(new LeaderChangedEvent("node1", 2, null, true) { Seq = 11, Incarnation = 3 }));
        Assert.False(cursor.Deliver(new LeaderChangedEvent("node1", 2, null, true) { Seq = 11, Incarnation = 3 }));
        Assert.True(cursor.Deliver(new LeaderChangedEvent("node3", 3, null, true) { Seq = 12, Incarnation = 3 }));
    }

    [Fact]
    public void Another_node_starts_over_from_its_own_numbering()
    {
        var cursor = new SubscriptionCursor("s1", null);
        cursor.Subscribed(new ClusterEventsSubscribed("s1", "node2", 3));
        cursor.Deliver(new LeaderChangedEvent("node1", 2, null, true) { Seq = 50, Incarnation = 3 });

        cursor.Subscribed(new ClusterEventsSubscribed("s1", "node3", 3));

        Assert.Equal(new SubscribeClusterEvents("s1", null, null, null, null), cursor.Subscribe());
        Assert.True(cursor.Deliver(new SnapshotEvent(null!) { Seq = 4, Incarnation = 3 }));
    }

    [Fact]
    public void Unanswered_renewals_lead_to_a_new_subscription_and_an_answer_resets_the_count()
    {
        var cursor = new SubscriptionCursor("s1", null, silentRenewalsToResubscribe: 2);
        Assert.IsType<RenewClusterEventsSubscription>(cursor.Tick());
        cursor.Heard();
        Assert.IsType<RenewClusterEventsSubscription>(cursor.Tick());
        Assert.IsType<RenewClusterEventsSubscription>(cursor.Tick());
        Assert.IsType<SubscribeClusterEvents>(cursor.Tick());
        Assert.IsType<RenewClusterEventsSubscription>(cursor.Tick());
    }
}
