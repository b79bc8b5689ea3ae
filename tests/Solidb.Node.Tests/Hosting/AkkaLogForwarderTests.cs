using Akka.Event;
using Solidb.Cluster.Election;
using Solidb.Node.Hosting;
using Xunit;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Solidb.Node.Tests.Hosting;

public sealed class AkkaLogForwarderTests
{
    [Fact]
    public void A_typed_source_logs_under_its_class() =>
        Assert.Equal("Solidb.Cluster.Election.ElectionActor",
            AkkaLogForwarder.CategoryOf(new Info("akka://solidb/user/solidb-cluster/election", typeof(ElectionActor), "x")));

    [Theory]
    [InlineData("Cluster (akka://solidb)", "Akka.Cluster")]
    [InlineData("remoting (akka://solidb)", "Akka.Remoting")]
    [InlineData("remoting-terminator", "Akka")]
    [InlineData("akka.tcp://solidb@127.0.0.1:1/system/endpointManager (x)", "Akka")]
    [InlineData("", "Akka")]
    public void A_string_source_logs_under_akka_and_its_name(string source, string category) =>
        Assert.Equal(category, AkkaLogForwarder.CategoryOf(new Info(source, typeof(DummyClassForStringSources), "x")));

    [Theory]
    [InlineData(Akka.Event.LogLevel.DebugLevel, MelLogLevel.Debug)]
    [InlineData(Akka.Event.LogLevel.InfoLevel, MelLogLevel.Information)]
    [InlineData(Akka.Event.LogLevel.WarningLevel, MelLogLevel.Warning)]
    [InlineData(Akka.Event.LogLevel.ErrorLevel, MelLogLevel.Error)]
    public void Levels_map_one_to_one(Akka.Event.LogLevel akka, MelLogLevel mel) =>
        Assert.Equal(mel, AkkaLogForwarder.LevelOf(akka));
}
