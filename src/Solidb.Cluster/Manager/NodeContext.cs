using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>Everything a node's actors need to know about the node they run in; fixed for one run.</summary>
public sealed record NodeContext(ClusterSettings Settings, NodeIdentity Identity, TimeProvider Time, DateTimeOffset StartedAt)
{
    public static string ModuleVersion { get; } =
        typeof(NodeContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public NodeId NodeId => Identity.NodeId;

    public string Address => Settings.Self.ToString();

    public string HttpAddress => $"http://{new Configuration.PeerAddress(Settings.PublicHost, Settings.HttpPort)}";
}
