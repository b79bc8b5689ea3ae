using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster.Serialization;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace Solidb.Cluster.Security;

// The locked-down wire (hocon/solidb.conf binds these under Akka's own serializer names and ids).
// Akka.Remote deserializes whatever serializer id and type a payload names before any actor sees
// it, so the only safe place to refuse is the serializer. Every serializer Akka registers is
// either kept (it builds only fixed, harmless types), guarded (an allow-list of the manifests the
// cluster needs) or replaced by one that refuses everything. WireSerializersTests checks that no
// registered serializer is left unvetted.

/// <summary>A serializer id this node never accepts from the network, nor sends.</summary>
public abstract class RefusingSerializer(ExtendedActorSystem system, int id, string what) : Serializer(system)
{
    public override int Identifier => id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType()} would need {what}, which this node never uses");

    public override object FromBinary(byte[] bytes, Type type) => throw WireGuard.Refuse(system, $"a payload for {what} (id {id})");
}

/// <summary>Id 1: Akka's Newtonsoft JSON serializer builds any type named in the payload (akka.net #5026).</summary>
public sealed class RefusedJsonSerializer(ExtendedActorSystem system)
    : RefusingSerializer(system, 1, "Akka's JSON serializer, which builds any type a payload names")
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public RefusedJsonSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>Id 2: protobuf messages of any type the manifest names; the cluster uses its own serializer.</summary>
public sealed class RefusedProtobufSerializer(ExtendedActorSystem system)
    : RefusingSerializer(system, 2, "the generic protobuf serializer")
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public RefusedProtobufSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>Id 3: remote deployment (DaemonMsgCreate builds Props of any type): nobody deploys actors on a SoliDB node.</summary>
public sealed class RefusedDaemonCreateSerializer(ExtendedActorSystem system)
    : RefusingSerializer(system, 3, "remote deployment")
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public RefusedDaemonCreateSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>Id 36: Akka.Delivery's reliable delivery, which the module does not use.</summary>
public sealed class RefusedReliableDeliverySerializer(ExtendedActorSystem system)
    : RefusingSerializer(system, 36, "Akka reliable delivery")
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public RefusedReliableDeliverySerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>A string-manifest serializer of Akka's, accepting from the network only the manifests in an allow-list.</summary>
/// <param name="id">Akka's fixed id of the inner serializer (the wire must carry the same id as a plain Akka node's).</param>
public abstract class GuardedSerializer(ExtendedActorSystem system, int id, SerializerWithStringManifest inner, IEnumerable<string> allowed)
    : SerializerWithStringManifest(system)
{
    private readonly FrozenSet<string> _allowed = allowed.ToFrozenSet(StringComparer.Ordinal);

    public override int Identifier => id;

    public IReadOnlySet<string> Allowed => _allowed;

    public override byte[] ToBinary(object obj) => inner.ToBinary(obj);

    public override string Manifest(object o) => inner.Manifest(o);

    public override object FromBinary(byte[] bytes, string manifest) =>
        _allowed.Contains(manifest)
            ? inner.FromBinary(bytes, manifest)
            : throw WireGuard.Refuse(system, $"manifest '{Rejections.Quote(manifest)}' of {inner.GetType().Name} (id {id})");
}

/// <summary>
/// Id 16: actor identities, refs, remote watch heartbeats and Status.Success pass. Refused:
/// PoisonPill, Kill and IntentionalRestart (stop or restart any actor), Status.Failure (builds an
/// exception of any type the payload names), and scopes, configs and router pools (remote deployment).
/// </summary>
public sealed class GuardedMiscSerializer(ExtendedActorSystem system)
    : GuardedSerializer(system, 16, new MiscMessageSerializer(system), ["ID", "AID", "AR", "RWHB", "RWHR", "STS"])
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public GuardedMiscSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

/// <summary>Id 5: Akka.Cluster's protocol passes, except Leave and Down (Akka sends neither over the wire: both are local commands that spread by gossip) and cluster router pools (remote deployment).</summary>
public sealed class GuardedClusterSerializer(ExtendedActorSystem system)
    : GuardedSerializer(system, 5, new ClusterMessageSerializer(system), ClusterManifests.Allowed)
{
    /// <summary>Akka passes the serializer's settings section when it has one (json does).</summary>
    public GuardedClusterSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }
}

public static class ClusterManifests
{
    public static IReadOnlyList<string> Allowed { get; } =
    [
        "Akka.Cluster.InternalClusterAction+Join, Akka.Cluster",
        "Akka.Cluster.InternalClusterAction+Welcome, Akka.Cluster",
        "Akka.Cluster.InternalClusterAction+InitJoin, Akka.Cluster",
        "Akka.Cluster.InternalClusterAction+InitJoinAck, Akka.Cluster",
        "Akka.Cluster.InternalClusterAction+InitJoinNack, Akka.Cluster",
        "HB",
        "HBR",
        "Akka.Cluster.InternalClusterAction+ExitingConfirmed, Akka.Cluster",
        "Akka.Cluster.GossipStatus, Akka.Cluster",
        "Akka.Cluster.GossipEnvelope, Akka.Cluster",
    ];
}

/// <summary>
/// Id 22: system messages. Only remote death watch passes (Watch, Unwatch, DeathWatchNotification);
/// Create, Recreate, Suspend, Resume, Terminate, Supervise and Failed exist on the wire only for
/// remote deployment, and Failed builds an exception of any type the payload names.
/// </summary>
public sealed class GuardedSystemMessageSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public GuardedSystemMessageSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }

    private static readonly FrozenSet<Type> AllowedTypes = new[] { typeof(Watch), typeof(Unwatch), typeof(DeathWatchNotification) }.ToFrozenSet();
    private readonly SystemMessageSerializer _inner = new(system);

    public override int Identifier => 22; // Akka's SystemMessageSerializer

    public override bool IncludeManifest => _inner.IncludeManifest;

    public override byte[] ToBinary(object obj) => _inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (type is null || !AllowedTypes.Contains(type))
        {
            throw WireGuard.Refuse(system, $"system message {type?.Name ?? "(no type)"}");
        }

        var message = _inner.FromBinary(bytes, type);
        // Whatever the transport: no peer can tell this node that one of its own actors died (a
        // notice naming the /system guardian stopped the actor system). Only a remote actor's death is news from the wire.
        if (message is DeathWatchNotification notice && IsLocal(notice.Actor.Path.Address))
        {
            throw WireGuard.Refuse(system, $"a death notice for this node's own actor {Rejections.Quote(notice.Actor.Path.ToString())}", RejectionReason.SystemMessage);
        }

        return message;
    }

    private bool IsLocal(Address address) =>
        address.Host is null || address.Equals(system.Provider.DefaultAddress)
        || (address.Host == system.Provider.DefaultAddress.Host && address.Port == system.Provider.DefaultAddress.Port && address.System == system.Name);
}
