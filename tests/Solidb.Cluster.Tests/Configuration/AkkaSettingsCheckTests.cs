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
    [InlineData("akka.cluster.failure-detector.implementation-class = \"Akka.Remote.PhiAccrualFailureDetector, Akka.Remote\"", "akka.cluster.failure-detector.implementation-class")]
    public void A_wrong_typed_akka_value_is_a_one_line_settings_error(string hocon, string expected)
    {
        var layered = ConfigurationFactory.ParseString(hocon).WithFallback(SolidbConfig.Reference);
        var e = Assert.Throws<SettingsException>(() => AkkaSettingsCheck.Validate(layered));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_reference_configuration_names_the_module_detector_and_Akka_loads_it()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = cluster").WithFallback(SolidbConfig.Reference);
        Assert.Equal(AkkaSettingsCheck.DetectorClass, config.GetString("akka.cluster.failure-detector.implementation-class"));
        using var system = Akka.Actor.ActorSystem.Create("detector-check", config
            .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0\nakka.remote.dot-netty.tcp.hostname = 127.0.0.1")));
        var detector = Akka.Remote.FailureDetectorLoader.Load(AkkaSettingsCheck.DetectorClass, config.GetConfig("akka.cluster.failure-detector"), system);
        Assert.IsType<Solidb.Cluster.Manager.NeverUnreachable>(detector);
        Assert.True(detector.IsAvailable);
    }
}
