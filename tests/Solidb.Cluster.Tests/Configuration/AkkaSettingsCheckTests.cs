using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

public sealed class AkkaSettingsCheckTests
{
    [Fact]
    public void The_reference_configuration_passes() => AkkaSettingsCheck.Validate(SolidbConfig.Reference);

    [Theory]
    [InlineData("akka.cluster.gossip-interval = \"str\"", "invalid akka setting")]
    [InlineData("akka.actor.provider = 5", "akka.actor.provider")]
    [InlineData("akka.actor.provider = local", "akka.actor.provider")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = banana", "invalid akka setting")]
    [InlineData("akka.cluster.min-nr-of-members = abc", "invalid akka setting")]
    public void A_wrong_typed_akka_value_is_a_one_line_settings_error(string hocon, string expected)
    {
        var layered = ConfigurationFactory.ParseString(hocon).WithFallback(SolidbConfig.Reference);
        var e = Assert.Throws<SettingsException>(() => AkkaSettingsCheck.Validate(layered));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
