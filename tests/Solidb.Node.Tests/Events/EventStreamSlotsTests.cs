using Solidb.Cluster.Configuration;
using Solidb.Node.Http.Events;
using Xunit;

namespace Solidb.Node.Tests.Events;

public class EventStreamSlotsTests
{
    [Fact]
    public void The_default_limit_is_256_connections() =>
        Assert.Equal(256, ClusterSettings.FromConfig(SolidbConfig.Reference).Events.MaxConnections);

    [Fact]
    public void The_connection_after_the_limit_is_refused_until_one_closes()
    {
        var slots = new EventStreamSlots(256);
        Assert.All(Enumerable.Range(0, 256), _ => Assert.True(slots.TryTake()));
        Assert.False(slots.TryTake());
        Assert.Equal(256, slots.Open);
        slots.Release();
        Assert.True(slots.TryTake());
        Assert.False(slots.TryTake());
    }

    [Fact]
    public void Concurrent_takes_never_exceed_the_limit()
    {
        var slots = new EventStreamSlots(100);
        var taken = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (slots.TryTake())
            {
                Interlocked.Increment(ref taken);
            }
        });
        Assert.Equal(100, taken);
        Assert.Equal(100, slots.Open);
    }

    [Fact]
    public void A_slot_released_twice_throws()
    {
        var slots = new EventStreamSlots(1);
        Assert.True(slots.TryTake());
        slots.Release();
        Assert.Throws<InvalidOperationException>(slots.Release);
    }
}
