using Akka.Actor;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Protocol;

/// <summary>Where the module's actors live on a node: the one place their remote paths are built.</summary>
public static class ModulePaths
{
    /// <summary>The supervisor, <c>/user/solidb-cluster</c>, on the node at <paramref name="address"/>.</summary>
    public static ActorPath Manager(Address address) => new RootActorPath(address) / "user" / ClusterManagerActor.Name;

    /// <summary>One of the supervisor's children (clock, heartbeat, election, ...) on the node at <paramref name="address"/>.</summary>
    public static ActorPath Child(Address address, string name) => Manager(address) / name;
}
