using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class LogFloodGuardTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_peer_triggered_warning_is_logged_once_a_minute_with_the_count_of_those_dropped()
    {
        var guard = new LogFloodGuard(_time);
        const string line = "Deserialization failed for message with serializer id [1] and manifest []";

        Assert.Equal(new FloodDecision(FloodAction.LogWithoutTrace, 0), guard.Decide(line));
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(FloodAction.Drop, guard.Decide(line).Action);
        }

        _time.Advance(LogFloodGuard.Interval);
        Assert.Equal(new FloodDecision(FloodAction.LogWithoutTrace, 1000), guard.Decide(line));
    }

    [Fact]
    public void Each_kind_has_its_own_interval_and_other_lines_pass()
    {
        var guard = new LogFloodGuard(_time);
        Assert.Equal(FloodAction.LogWithoutTrace, guard.Decide("Deserialization failed for message x").Action);
        Assert.Equal(FloodAction.LogWithoutTrace, guard.Decide("Serializer not defined for message y").Action);
        Assert.Equal(FloodAction.Pass, guard.Decide("Cluster Node [x] - Welcome from [y]").Action);
        Assert.Equal(FloodAction.Pass, guard.Decide("Cluster Node [x] - Welcome from [y]").Action);
        Assert.Equal(FloodAction.Pass, guard.Decide(null).Action);
    }
}
