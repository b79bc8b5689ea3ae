using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class SubscriptionsTests : TestKit
{
    [Fact]
    public void Ending_one_feed_keeps_the_other_and_only_the_last_one_unwatches()
    {
        var subs = new Subscriptions();
        var a = CreateTestProbe().Ref;

        Assert.True(subs.Add(Feed.Membership, a)); // new: watch it
        Assert.False(subs.Add(Feed.Leader, a)); // already watched

        Assert.False(subs.Remove(Feed.Membership, a)); // still on the leader feed: keep watching
        Assert.Empty(subs.Of(Feed.Membership));
        Assert.Equal([a], subs.Of(Feed.Leader));

        Assert.True(subs.Remove(Feed.Leader, a)); // on no feed now: unwatch
        Assert.False(subs.Remove(Feed.Leader, a));
    }

    [Fact]
    public void Ending_the_leader_feed_keeps_the_membership_feed()
    {
        var subs = new Subscriptions();
        var a = CreateTestProbe().Ref;
        subs.Add(Feed.Membership, a);
        subs.Add(Feed.Leader, a);

        subs.Remove(Feed.Leader, a);

        Assert.Equal([a], subs.Of(Feed.Membership));
        Assert.Empty(subs.Of(Feed.Leader));
    }

    [Fact]
    public void A_stopped_subscriber_leaves_every_feed()
    {
        var subs = new Subscriptions();
        IActorRef a = CreateTestProbe().Ref, b = CreateTestProbe().Ref;
        subs.Add(Feed.Membership, a);
        subs.Add(Feed.Leader, a);
        subs.Add(Feed.Leader, b);

        subs.RemoveAll(a);

        Assert.Empty(subs.Of(Feed.Membership));
        Assert.Equal([b], subs.Of(Feed.Leader));
    }
}
