using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>Causality across nodes over real Akka.Remote, with one node's wall clock 200 ms behind.</summary>
[Collection(SpecCollection.Name)]
public sealed class ClockSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Behind = TimeSpan.FromMilliseconds(-200);

    private static InProcessCluster StartSkewed() =>
        InProcessCluster.Start(2, timeOf: i => i == 1 ? new OffsetTimeProvider(Behind) : TimeProvider.System);

    private static ActorSelection ClockOf(ClusterNode from, ClusterNode target) =>
        from.System.ActorSelection(ModulePaths.Child(target.Address, ClockActor.Name));

    [Fact]
    public async Task An_event_from_a_node_ahead_orders_before_the_receivers_next_timestamp()
    {
        await using var cluster = StartSkewed();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var (a, b) = (cluster[0], cluster[1]);

        var eventOnA = (await ClockOf(a, a).Ask<TimestampReply>(new GetTimestamp(), Converge)).Timestamp;
        var receivedOnB = await ClockOf(a, b).Ask<TimestampReply>(new ObserveTimestamp(eventOnA), Converge);
        var nextOnB = (await ClockOf(b, b).Ask<TimestampReply>(new GetTimestamp(), Converge)).Timestamp;

        Assert.True(receivedOnB.Timestamp > eventOnA, $"{receivedOnB.Timestamp} <= {eventOnA}");
        Assert.True(nextOnB > eventOnA, $"{nextOnB} <= {eventOnA}");
        // B's wall clock is 200 ms behind A's: without the HLC its next timestamp would be smaller.
        Assert.True(nextOnB.Physical >= eventOnA.Physical);
    }

    [Fact]
    public async Task A_timestamp_10_s_in_the_future_is_rejected_counted_and_leaves_the_clock_alone()
    {
        await using var cluster = StartSkewed();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);
        var (a, b) = (cluster[0], cluster[1]);
        var future = new HlcTimestamp(a.Context.Clock.Now().Physical + 10_000, 0);

        var answer = await ClockOf(a, b).Ask<object>(new ObserveTimestamp(future), Converge);

        var rejected = Assert.IsType<TimestampRejected>(answer);
        Assert.InRange(rejected.OffsetMs, 9_000, 11_000);
        Assert.Equal(1, b.Context.Counters.Snapshot().ClockSkewRejections);
        Assert.True(b.Context.Clock.Current < future, "B's clock moved to the rejected timestamp");
        Assert.True(b.Context.Clock.Current.Physical < future.Physical - 5_000);
    }

    [Fact]
    public async Task Heartbeats_carry_the_senders_clock_so_each_node_sees_the_others_offset()
    {
        await using var cluster = StartSkewed();
        await AwaitConditionAsync(cluster.IsConvergedAsync, Converge);

        await AwaitAssertAsync(async () =>
        {
            var onB = (await cluster[1].StatusAsync()).Members.Single(m => m.NodeId == cluster[0].Context.NodeId);
            var onA = (await cluster[0].StatusAsync()).Members.Single(m => m.NodeId == cluster[1].Context.NodeId);
            // A is 200 ms ahead of B; transit on loopback adds little.
            Assert.InRange(onB.ClockOffset!.Value.TotalMilliseconds, 150, 700);
            Assert.InRange(onA.ClockOffset!.Value.TotalMilliseconds, -700, -150); // wall clocks: B is behind
        }, Converge, TimeSpan.FromMilliseconds(200));
    }
}
