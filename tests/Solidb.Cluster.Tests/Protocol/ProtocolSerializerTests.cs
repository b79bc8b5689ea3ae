using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Protocol;
using Xunit;

namespace Solidb.Cluster.Tests.Protocol;

public sealed class ProtocolSerializerTests()
    : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(SolidbConfig.Reference))
{
    private Serialization Serialization => Sys.Serialization;

    [Fact]
    public void Protocol_messages_are_bound_to_the_protocol_serializer()
    {
        var serializer = Serialization.FindSerializerFor(new Introduce("n1", 5, 1, "http://x", "0.1.0", new HlcTimestamp(1, 2)));

        Assert.IsType<ProtocolSerializer>(serializer);
        Assert.Equal(ProtocolSerializer.SerializerId, serializer.Identifier);
    }

    [Fact]
    public void Every_protocol_message_round_trips()
    {
        var stamp = new HlcTimestamp(0x0000_0190_0000_0001, 7);
        IProtocolMessage[] messages =
        [
            new Introduce("node-1", -3, 42, "http://127.0.0.1:6746", "0.1.0", stamp),
            new Heartbeat("node-1", -5, 9, 3, true, stamp, stamp),
            new RequestVote("node-1", 4, true, stamp),
            new RequestVote("node-1", 5, false, stamp, Transfer: true),
            new TimeoutNow("node-2", 4, stamp),
            new VoteReply("node-2", 4, false, true, stamp),
            new HeartbeatAck("node-2", 5, 9, 3, stamp),
            new ProbeRequest("a", "b", 1, "akka.tcp://solidb@127.0.0.1:1", 2, stamp),
            new ProbePing("a", 2, stamp),
            new ProbePingAck("b", 1, 2, stamp),
            new ProbeAck("c", "b", 1, 2, stamp),
            new HealthReport("a", "b", 1, Solidb.Cluster.Membership.HealthSignal.Suspect, false, stamp),
            new GetTimestamp(),
            new ObserveTimestamp(stamp),
            new TimestampReply(stamp),
            new TimestampRejected(stamp, 10_000, 500),
            new FormationQuery("node-1", 4, 1_700_000_000_000, stamp),
            new FormationReply("node-2", true, 7, true, 4, 1_700_000_000_001, stamp),
            new FormationVoteRequest("node-1", 8, 1_700_000_000_002, stamp),
            new FormationVoteReply("node-2", 8, true, 1_700_000_000_003, stamp),
        ];

        foreach (var message in messages)
        {
            var serializer = Serialization.FindSerializerFor(message);
            Assert.IsType<ProtocolSerializer>(serializer);
            Assert.Equal(message, serializer.FromBinary(serializer.ToBinary(message), message.GetType()));
        }
    }

    [Fact]
    public void Types_outside_the_allow_list_are_refused()
    {
        var serializer = (ProtocolSerializer)Serialization.FindSerializerForType(typeof(Introduce));

        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(serializer.ToBinary(new NotOnTheWire("x")), typeof(NotOnTheWire)));
    }

    [Fact]
    public void Unbound_types_never_fall_back_to_the_json_serializer()
    {
        Assert.ThrowsAny<Exception>(() => Serialization.FindSerializerFor(new NotOnTheWire("x")));
    }

    [Fact]
    public void The_allow_list_holds_every_protocol_message_and_nothing_else_of_ours()
    {
        Assert.Contains(typeof(Introduce), ProtocolTypes.All);
        Assert.All(ProtocolTypes.All, t => Assert.True(t.IsSealed, $"{t} must be sealed"));
    }

    public sealed record NotOnTheWire(string Value);
}
