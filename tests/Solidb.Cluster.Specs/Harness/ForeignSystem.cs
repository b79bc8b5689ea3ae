using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// An actor system that is no member of the cluster and holds no credentials: plain Akka.Remote
/// (not a cluster provider), the same system name, Akka's own serializers including the
/// polymorphic JSON one with unregistered types allowed, and raw-payload serializers that put any
/// bytes on the wire under any serializer id. What an attacker who reaches --port can send.
/// </summary>
public sealed class ForeignSystem : IAsyncDisposable
{
    private ForeignSystem(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    public static ForeignSystem Start(bool protocolSerializer = true)
    {
        var hocon = $$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, applied-adapters = ["trttl"] }
            akka.actor.serialization-settings.allow-unregistered-types = true
            akka.actor.serializers {
              forged-protocol = "{{typeof(ForgedProtocolBytesSerializer).AssemblyQualifiedName}}"
              forged-unknown = "{{typeof(UnknownIdBytesSerializer).AssemblyQualifiedName}}"
              akka-cluster = "Akka.Cluster.Serialization.ClusterMessageSerializer, Akka.Cluster"
              {{(protocolSerializer ? "solidb = \"Solidb.Cluster.Protocol.ProtocolSerializer, Solidb.Cluster\"" : "")}}
            }
            akka.actor.serialization-bindings {
              "{{typeof(ForgedProtocolBytes).AssemblyQualifiedName}}" = forged-protocol
              "{{typeof(UnknownIdBytes).AssemblyQualifiedName}}" = forged-unknown
              "Akka.Cluster.IClusterMessage, Akka.Cluster" = akka-cluster
              {{(protocolSerializer ? "\"Solidb.Cluster.Protocol.IProtocolMessage, Solidb.Cluster\" = solidb" : "")}}
            }
            akka.actor.serialization-identifiers."Akka.Cluster.Serialization.ClusterMessageSerializer, Akka.Cluster" = 5
            akka.loglevel = WARNING
            """;
        return new ForeignSystem(ActorSystem.Create("solidb", ConfigurationFactory.ParseString(hocon)));
    }

    /// <summary>The selection of a module actor (e.g. "heartbeat", "" for the supervisor) on a node.</summary>
    public ActorSelection Module(ClusterNode node, string child = "") =>
        Path(node, child.Length == 0 ? $"/user/{ClusterManagerActor.Name}" : $"/user/{ClusterManagerActor.Name}/{child}");

    public ActorSelection Path(ClusterNode node, string path) => System.ActorSelection($"{node.Address}{path}");

    /// <summary>
    /// A reference to <paramref name="path"/> at <paramref name="node"/>'s address, built here: as a
    /// message's sender it writes that node's path into the envelope (AKKA-NOTES §7), a forged sender.
    /// </summary>
    public IActorRef Forged(ClusterNode node, string path) =>
        ((ExtendedActorSystem)System).Provider.ResolveActorRef($"{node.Address}{path}");

    /// <summary>Sends a death notice for <paramref name="deadPath"/> (at <paramref name="deadAt"/>'s address) to <paramref name="victim"/>'s root guardian, as Akka.Remote's death watch would.</summary>
    public void SendDeathNotice(ClusterNode victim, ClusterNode deadAt, string deadPath)
    {
        var root = (IInternalActorRef)Forged(victim, "/");
        root.SendSystemMessage(new Akka.Dispatch.SysMsg.DeathWatchNotification(Forged(deadAt, deadPath), existenceConfirmed: true, addressTerminated: false));
    }

    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
}

/// <summary>Bytes sent under the module's protocol serializer id, whatever they hold.</summary>
public sealed record ForgedProtocolBytes(byte[] Bytes);

/// <summary>Bytes sent under a serializer id no node knows.</summary>
public sealed record UnknownIdBytes(byte[] Bytes);

public sealed class ForgedProtocolBytesSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => Protocol.ProtocolSerializer.SerializerId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => ((ForgedProtocolBytes)obj).Bytes;

    public override object FromBinary(byte[] bytes, Type type) => new ForgedProtocolBytes(bytes);
}

public sealed class UnknownIdBytesSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 987_654;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => ((UnknownIdBytes)obj).Bytes;

    public override object FromBinary(byte[] bytes, Type type) => new UnknownIdBytes(bytes);
}
