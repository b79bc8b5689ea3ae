using Akka.Actor;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Hosting;

/// <summary>Starts the module's actors in an actor system: the one place both the host and the test harness use.</summary>
public static class SolidbNode
{
    public static IActorRef Start(ActorSystem system, NodeContext node)
    {
        Security.WireGuard.Register(system, node);
        return system.ActorOf(ClusterManagerActor.Props(node), ClusterManagerActor.Name);
    }
}
