using Akka.Actor;
using Akka.Configuration;
using Solidb.Cluster.Client.Akka;

namespace Solidb.Cluster.RemoteApi;

/// <summary>The remote API's serializer on a node: the same closed map of manifests, with each refusal counted and logged by the wire guard.</summary>
public sealed class NodeRemoteApiSerializer(ExtendedActorSystem system) : RemoteApiSerializer(system)
{
    /// <summary>Akka passes the serializer's settings section when it has one.</summary>
    public NodeRemoteApiSerializer(ExtendedActorSystem system, Config settings)
        : this(system)
    {
    }

    protected override Exception Refuse(string what) => Security.WireGuard.Refuse(system, what);
}
