using Akka.Actor;
using Akka.Cluster.Tools.Client.Serialization;
using Akka.Cluster.Tools.PublishSubscribe.Serialization;
using Akka.Configuration;

namespace Solidb.Cluster.Security;

// The serializers of Akka.Cluster.Tools, which the remote API's ClusterClientReceptionist needs
// (hocon/solidb.conf binds them under Akka's names and ids). A service that is no member sends
// only what a ClusterClient sends: GetContacts and Heartbeat to the receptionist, and its requests
// wrapped in the mediator's Send (whose payload goes through the serializers of this node again,
// so only the remote API's types and the other vetted ones come out). Nothing else is built.

/// <summary>
/// Id 15: ClusterClient's protocol. From the network only GetContacts ("B") and Heartbeat ("C"):
/// a node never takes Contacts, HeartbeatRsp or ReceptionistShutdown (answers to a client) nor
/// the client's own local envelopes and ticks.
/// </summary>
public sealed class GuardedClusterClientSerializer(ExtendedActorSystem system)
    : GuardedSerializer(system, 15, new ClusterClientMessageSerializer(system), ClusterClientManifests.Allowed)
{
    /// <summary>Akka passes the serializer's settings section when it has one.</summary>
    public GuardedClusterClientSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>
/// Id 9: the pub-sub mediator's protocol. Only Send ("C"), the envelope a receptionist forwards
/// to the local mediator. Refused: Status and Delta (registry gossip between mediators, which
/// SoliDB nodes never exchange: each node's mediator serves only itself, see solidb.conf), and
/// SendToAll, Publish and SendToOneSubscriber ("F": the remote API is one service per node, reached with Send).
/// </summary>
public sealed class GuardedPubSubSerializer(ExtendedActorSystem system)
    : GuardedSerializer(system, 9, new DistributedPubSubMessageSerializer(system), ClusterClientManifests.AllowedPubSub)
{
    /// <summary>Akka passes the serializer's settings section when it has one.</summary>
    public GuardedPubSubSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

public static class ClusterClientManifests
{
    public static IReadOnlyList<string> Allowed { get; } = ["B", "C"];

    public static IReadOnlyList<string> AllowedPubSub { get; } = ["C"];
}
