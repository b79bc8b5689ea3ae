using Akka.Configuration;
using Akka.Hosting;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Hosting;

/// <summary>Marker for the supervisor in Akka.Hosting's actor registry (<c>IRequiredActor&lt;SolidbClusterActor&gt;</c>).</summary>
public sealed class SolidbClusterActor;

public static class SolidbHostingExtensions
{
    /// <summary>Adds the node's Akka configuration and starts <c>/user/solidb-cluster</c>.</summary>
    public static AkkaConfigurationBuilder WithSolidbCluster(this AkkaConfigurationBuilder builder, NodeContext node, Config layered) =>
        builder
            .AddHocon(NodeAkkaConfig.Build(node, layered), HoconAddMode.Prepend)
            .WithActors((system, registry) => registry.Register<SolidbClusterActor>(SolidbNode.Start(system, node)));
}
