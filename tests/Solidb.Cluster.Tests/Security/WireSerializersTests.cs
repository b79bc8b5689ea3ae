using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

/// <summary>The serializers a node's actor system accepts payloads for, as the reference configuration binds them.</summary>
public sealed class WireSerializersTests() : TestKit(ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(SolidbConfig.Reference))
{
    /// <summary>Every serializer id Akka registers, and what stands behind it on a SoliDB node.</summary>
    private static readonly Dictionary<int, Type> Vetted = new()
    {
        [0] = typeof(NullSerializer),                      // builds null
        [1] = typeof(RefusedJsonSerializer),
        [2] = typeof(RefusedProtobufSerializer),
        [3] = typeof(RefusedDaemonCreateSerializer),
        [4] = typeof(ByteArraySerializer),                 // builds byte[]
        [5] = typeof(GuardedClusterSerializer),
        [6] = typeof(MessageContainerSerializer),          // actor selections; the payload inside goes through these
        [16] = typeof(GuardedMiscSerializer),
        [17] = typeof(PrimitiveSerializers),               // builds int, long, string
        [22] = typeof(GuardedSystemMessageSerializer),
        [36] = typeof(RefusedReliableDeliverySerializer),
        [ProtocolSerializer.SerializerId] = typeof(ProtocolSerializer),
        [9] = typeof(GuardedPubSubSerializer),             // the remote API's receptionist: Send only
        [15] = typeof(GuardedClusterClientSerializer),     // ClusterClient: GetContacts and Heartbeat only
        [Solidb.Cluster.Client.Akka.RemoteApiSerializer.SerializerId] = typeof(Solidb.Cluster.RemoteApi.NodeRemoteApiSerializer),
    };

    private Serialization Serialization => Sys.Serialization;

    [Fact]
    public void Every_registered_serializer_is_vetted()
    {
        Assert.Equal(Vetted.OrderBy(v => v.Key), AllById().Select(s => KeyValuePair.Create(s.Key, s.Value.GetType())).OrderBy(v => v.Key));
    }

    [Theory]
    [InlineData(1, "Solidb.Cluster.Manager.LeaveCluster, Solidb.Cluster")]
    [InlineData(2, "Akka.Remote.Serialization.Proto.Msg.Payload, Akka.Remote")]
    [InlineData(3, "Akka.Remote.DaemonMsgCreate, Akka.Remote")]
    [InlineData(36, "")]
    public void Refused_serializer_ids_build_nothing(int id, string manifest) =>
        Assert.Throws<SerializationException>(() => Serialization.Deserialize("{}"u8.ToArray(), id, manifest));

    [Fact]
    public void Misc_messages_that_stop_restart_or_deploy_actors_or_build_exceptions_are_refused()
    {
        var misc = (GuardedMiscSerializer)ById(16);
        foreach (var message in new object[] { PoisonPill.Instance, Kill.Instance, new Status.Failure(new InvalidOperationException("x")), new RemoteScope(((ExtendedActorSystem)Sys).Provider.DefaultAddress) })
        {
            var bytes = misc.ToBinary(message);
            Assert.Throws<SerializationException>(() => misc.FromBinary(bytes, misc.Manifest(message)));
        }

        var identify = new Identify("x");
        Assert.Equal(identify.MessageId, ((Identify)misc.FromBinary(misc.ToBinary(identify), misc.Manifest(identify))).MessageId);
    }

    [Fact]
    public void Every_manifest_of_akkas_misc_and_cluster_serializers_is_either_allowed_or_refused_on_purpose()
    {
        // A new Akka version that adds a manifest fails here until someone decides about it.
        string[] refusedMisc = ["PP", "K", "IR", "LS", "RS", "CF", "FC", "DR", "RORRP", "ROBP", "RORP", "ROSGP", "ROTCP", "ROCHP", "RORRC", "STF"];
        Assert.Equal(Manifests(typeof(MiscMessageSerializer)).Order(),
            new GuardedMiscSerializer((ExtendedActorSystem)Sys).Allowed.Concat(refusedMisc).Order());

        string[] refusedCluster =
        [
            "Akka.Cluster.ClusterUserAction+Leave, Akka.Cluster", "Akka.Cluster.ClusterUserAction+Down, Akka.Cluster",
            "Akka.Cluster.Routing.ClusterRouterPool, Akka.Cluster",
            "Akka.Cluster.ClusterHeartbeatSender+Heartbeat, Akka.Cluster", "Akka.Cluster.ClusterHeartbeatSender+HeartbeatRsp, Akka.Cluster",
        ];
        Assert.Equal(Manifests(typeof(Akka.Cluster.Serialization.ClusterMessageSerializer)).Order(),
            ClusterManifests.Allowed.Concat(refusedCluster).Order());
    }

    [Fact]
    public void Every_manifest_of_the_cluster_client_and_pub_sub_serializers_is_either_allowed_or_refused_on_purpose()
    {
        // Refused: answers to a client (Contacts, HeartbeatRsp, ReceptionistShutdown), the client's own
        // envelopes and ticks, mediator gossip (Status, Delta), SendToAll, Publish and SendToOneSubscriber.
        string[] refusedClient = ["A", "D", "E", "AA", "AB", "AC", "AD", "AE", "AF"];
        Assert.Equal(Manifests(typeof(Akka.Cluster.Tools.Client.Serialization.ClusterClientMessageSerializer)).Order(),
            ClusterClientManifests.Allowed.Concat(refusedClient).Order());
        string[] refusedPubSub = ["A", "B", "D", "E", "F"];
        Assert.Equal(Manifests(typeof(Akka.Cluster.Tools.PublishSubscribe.Serialization.DistributedPubSubMessageSerializer)).Order(),
            ClusterClientManifests.AllowedPubSub.Concat(refusedPubSub).Order());

        foreach (var manifest in refusedPubSub)
        {
            Assert.Throws<SerializationException>(() => ((SerializerWithStringManifest)ById(9)).FromBinary([], manifest));
        }

        foreach (var manifest in refusedClient)
        {
            Assert.Throws<SerializationException>(() => ((SerializerWithStringManifest)ById(15)).FromBinary([], manifest));
        }
    }

    [Fact]
    public void Only_remote_death_watch_passes_among_system_messages()
    {
        var system = ById(22);
        Assert.Throws<SerializationException>(() => system.FromBinary([], typeof(Terminate)));
        Assert.Throws<SerializationException>(() => system.FromBinary([], typeof(Failed)));
        Assert.Throws<SerializationException>(() => system.FromBinary([], typeof(Create)));
    }

    [Fact]
    public void A_protocol_payload_yields_a_protocol_message_or_a_serialization_exception()
    {
        var protocol = ById(ProtocolSerializer.SerializerId);
        var stamp = new HlcTimestamp(1_700_000_000_000, 1);
        var bytes = protocol.ToBinary(new Heartbeat("node1", 1, 1, 1, false, stamp, stamp));

        Assert.IsType<Heartbeat>(protocol.FromBinary(bytes, null!));
        Assert.Throws<SerializationException>(() => protocol.FromBinary(bytes[..(bytes.Length / 2)], null!));
        Assert.Throws<SerializationException>(() => protocol.FromBinary([0xFF, 0x00, 0x13, 0x37], null!));
        Assert.Throws<SerializationException>(() => protocol.FromBinary(protocol.ToBinary(stamp), null!)); // allowed inside a message, not alone
    }

    [Fact]
    public void A_protocol_payload_claiming_a_2_GB_string_is_refused_without_allocating_it()
    {
        var protocol = ById(ProtocolSerializer.SerializerId);
        var stamp = new HlcTimestamp(1_700_000_000_000, 1);
        var bytes = protocol.ToBinary(new Heartbeat(new string('a', 300), 1, 1, 1, false, stamp, stamp));
        // Hyperion writes a string of 254 bytes or more as 0xFF and a 4-byte length.
        var at = IndexOf(bytes, [0xFF, 0x2C, 0x01, 0x00, 0x00]);
        Assert.True(at >= 0, "the long string's length prefix was not found");
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, at + 1);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SerializationException>(() => protocol.FromBinary(bytes, null!));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 16 * 1024 * 1024,
            $"{(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576} MB allocated for a {bytes.Length}-byte payload");
    }

    [Theory]
    [InlineData(0u)]
    [InlineData((1u << 20) - 1)] // the HLC's largest logical counter still passes the length check
    public void Timestamps_with_any_valid_logical_counter_round_trip(uint logical)
    {
        var protocol = ById(ProtocolSerializer.SerializerId);
        var stamp = new HlcTimestamp(1_700_000_000_000, logical);
        var message = new Heartbeat("node1", -1, long.MaxValue, Solidb.Cluster.Election.Terms.Max - 1, true, stamp, stamp);
        Assert.Equal(message, protocol.FromBinary(protocol.ToBinary(message), null!));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }

    private Dictionary<int, Serializer> AllById() => (Dictionary<int, Serializer>)typeof(Serialization)
        .GetField("_serializersById", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(Serialization)!;

    private Serializer ById(int id) => AllById()[id];

    private static IEnumerable<string> Manifests(Type serializer) =>
        serializer.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Manifest", StringComparison.Ordinal) || f.Name.Contains("ManifestPre", StringComparison.Ordinal))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);
}
