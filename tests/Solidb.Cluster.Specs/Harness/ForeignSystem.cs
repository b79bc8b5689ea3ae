using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// An actor system that is no member of the cluster (<see cref="Forgery.StartSystem"/>: plain
/// Akka.Remote, the same system name, Akka's own serializers including the polymorphic JSON one
/// with unregistered types allowed), with raw-payload serializers that put any bytes on the wire
/// under any serializer id. What an attacker who reaches --port can send; with a certificate of
/// the CA, what a service or another node can send.
/// </summary>
public sealed class ForeignSystem : IAsyncDisposable
{
    private ForeignSystem(ActorSystem system) => System = system;

    public ActorSystem System { get; }

    /// <param name="tls">A certificate of the cluster's CA to connect with (the specs' TLS forgers).</param>
    /// <param name="publicPort">A port to declare in Akka's handshake instead of the bound one (another node's: a lie).</param>
    public static ForeignSystem Start(TlsFiles? tls = null, int? publicPort = null)
    {
        var hocon = $$"""
            akka.actor.serializers {
              forged-protocol = "{{typeof(ForgedProtocolBytesSerializer).AssemblyQualifiedName}}"
              forged-unknown = "{{typeof(UnknownIdBytesSerializer).AssemblyQualifiedName}}"
            }
            akka.actor.serialization-bindings {
              "{{typeof(ForgedProtocolBytes).AssemblyQualifiedName}}" = forged-protocol
              "{{typeof(UnknownIdBytes).AssemblyQualifiedName}}" = forged-unknown
            }
            {{(publicPort is { } p ? $"akka.remote.dot-netty.tcp.public-port = {p}" : "")}}
            """;
        return new ForeignSystem(Forgery.StartSystem(["trttl"], tls, hocon));
    }

    /// <summary>The forger's name for a node of the in-process cluster.</summary>
    public static ForgeryTarget Target(ClusterNode node) =>
        new(node.Address, node.NodeId, Akka.Cluster.Cluster.Get(node.System).SelfUniqueAddress.Uid);

    /// <summary>The selection of a module actor (e.g. "heartbeat", "" for the supervisor) on a node.</summary>
    public ActorSelection Module(ClusterNode node, string child = "") =>
        Path(node, child.Length == 0 ? $"/user/{ClusterManagerActor.Name}" : $"/user/{ClusterManagerActor.Name}/{child}");

    public ActorSelection Path(ClusterNode node, string path) => System.ActorSelection($"{node.Address}{path}");

    /// <summary>A forged sender: <paramref name="path"/> at <paramref name="node"/>'s address (<see cref="Forgery.Forged"/>).</summary>
    public IActorRef Forged(ClusterNode node, string path) => Forgery.Forged(System, node.Address, path);

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
