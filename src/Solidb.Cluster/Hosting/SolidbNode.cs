using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Solidb.Cluster.Manager;
using Solidb.Cluster.RemoteApi;

namespace Solidb.Cluster.Hosting;

/// <summary>Starts the module's actors in an actor system: the one place both the host and the test harness use.</summary>
public static class SolidbNode
{
    /// <param name="adminToken">The node's admin token, for the remote API's access rule; resolved from the settings when null and needed.</param>
    public static IActorRef Start(ActorSystem system, NodeContext node, Admin.AdminToken? adminToken = null)
    {
        TerminationWatch.Get(system);
        Security.WireGuard.Register(system, node);
        system.RegisterOnTermination(node.Metrics.Dispose);
        var manager = system.ActorOf(ClusterManagerActor.Props(node), ClusterManagerActor.Name);
        Election.LeaveHandOver.Register(system, node, manager);
        // The remote actor API for services that are not members: one thin service actor behind
        // the receptionist (/system/receptionist), which starts with the extension on every node.
        var api = system.ActorOf(RemoteApiActor.Props(node, manager, RemoteApiAccess.For(node.Settings, adminToken)), RemoteApiActor.Name);
        ClusterClientReceptionist.Get(system).RegisterService(api);
        return manager;
    }
}
