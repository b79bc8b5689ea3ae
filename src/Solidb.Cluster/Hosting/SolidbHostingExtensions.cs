using Akka.Configuration;
using Akka.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Hosting;

/// <summary>Marker for the supervisor in Akka.Hosting's actor registry (<c>IRequiredActor&lt;SolidbClusterActor&gt;</c>).</summary>
public sealed class SolidbClusterActor;

public static class SolidbHostingExtensions
{
    /// <summary>Adds the node's Akka configuration (with TLS, its certificate and validator) and starts <c>/user/solidb-cluster</c>.</summary>
    /// <param name="tls">The loaded TLS files (<see cref="TlsMaterial.Load"/>); required when the settings turn TLS on.</param>
    /// <param name="adminToken">The admin token (the remote API needs it with require-token-for-reads and no TLS); resolved from the settings when null.</param>
    public static AkkaConfigurationBuilder WithSolidbCluster(this AkkaConfigurationBuilder builder, NodeContext node, Config layered, TlsMaterial? tls = null,
        Admin.AdminToken? adminToken = null)
    {
        NodeAkkaConfig.CheckTls(node, tls);
        var (guard, ssl) = NodeAkkaConfig.TransportSetups(node, tls);
        builder.AddSetup(guard);
        if (ssl is not null)
        {
            builder.AddSetup(ssl);
        }

        return builder
            .AddHocon(NodeAkkaConfig.Build(node, layered), HoconAddMode.Prepend)
            .WithActors((system, registry) => registry.Register<SolidbClusterActor>(SolidbNode.Start(system, node, adminToken)));
    }
}
