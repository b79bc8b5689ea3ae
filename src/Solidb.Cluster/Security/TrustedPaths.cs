using Akka.Configuration;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Security;

/// <summary>
/// Akka.Remote's untrusted mode: inbound actor selections reach only these paths (and never
/// carry PoisonPill, Kill or other "possibly harmful" messages), remote deployment is dropped.
/// Evaluated with the whole spec suite before relying on it: the cluster needs selections to its
/// core daemon and heartbeat receiver, the module to its own actors; remote death watch and
/// direct replies (to a sender's ref, not a selection) are unaffected. It does not stop a direct
/// message to an actor path, which is why the serializers refuse the dangerous types first.
/// </summary>
public static class TrustedPaths
{
    public const string Key = "akka.remote.trusted-selection-paths";

    public static IReadOnlyList<string> Module { get; } =
    [
        "/system/cluster/core/daemon",
        "/system/cluster/heartbeatReceiver",
        $"/user/{ClusterManagerActor.Name}",
        $"/user/{ClusterManagerActor.Name}/{HeartbeatActor.Name}",
        $"/user/{ClusterManagerActor.Name}/{ElectionActor.Name}",
        $"/user/{ClusterManagerActor.Name}/{BootstrapActor.Name}",
        $"/user/{ClusterManagerActor.Name}/{ClockActor.Name}",
        $"/user/{ClusterManagerActor.Name}/{FailureDetectorActor.Name}",

        // The remote actor API's receptionist: the only path open to services that are no members.
        // Their requests reach /user/solidb-api through it (the mediator's Send), not by selection.
        Client.Akka.RemoteApiPaths.Receptionist,
    ];

    /// <summary>The module's paths plus any a --config file lists (other services' actors); a file never replaces the module's.</summary>
    public static IReadOnlyList<string> For(Config layered) =>
        Module.Concat(layered.HasPath(Key) ? layered.GetStringList(Key) : []).Distinct(StringComparer.Ordinal).ToList();
}
