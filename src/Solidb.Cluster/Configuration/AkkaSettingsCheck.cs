using Akka.Configuration;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// A --config file may override akka.* keys; Akka reads them only when the actor system starts,
/// and then a wrong type (<c>akka.cluster.gossip-interval = "str"</c>, <c>akka.actor.provider = 5</c>)
/// ended start-up with a stack trace and exit 1. This parses the settings Akka.Remote and
/// Akka.Cluster will parse, from the same layered configuration, before anything starts, so such
/// a mistake is one line and exit 2 like every other bad input.
/// </summary>
public static class AkkaSettingsCheck
{
    private static readonly string[] Providers = ["cluster", "Akka.Cluster.ClusterActorRefProvider, Akka.Cluster"];

    /// <summary>Akka.Cluster's failure detector in a SoliDB node: <see cref="Manager.NeverUnreachable"/>.</summary>
    public const string DetectorClass = "Solidb.Cluster.Manager.NeverUnreachable, Solidb.Cluster";

    public static void Validate(Config layered)
    {
        var full = layered
            .WithFallback(ConfigurationFactory.FromResource<Akka.Cluster.Cluster>("Akka.Cluster.Configuration.Cluster.conf"))
            .WithFallback(ConfigurationFactory.FromResource<Akka.Remote.RemoteSettings>("Akka.Remote.Configuration.Remote.conf"))
            .WithFallback(ConfigurationFactory.Default());
        try
        {
            var provider = full.GetString("akka.actor.provider", "cluster");
            if (!Providers.Contains(provider))
            {
                throw SettingsException.Invalid("akka.actor.provider", provider, "a SoliDB node runs Akka.Cluster: cluster");
            }

            // The module's detector is the one truth about reachability (docs/membership.md): with
            // Akka's own detector back, the leader would down a live member a partial partition
            // hides from one other member (it reads Akka's unreachability as a quarantine).
            var detector = full.GetString("akka.cluster.failure-detector.implementation-class", "");
            if (detector != DetectorClass)
            {
                throw SettingsException.Invalid("akka.cluster.failure-detector.implementation-class", detector,
                    $"the module's own failure detector decides reachability (docs/membership.md): {DetectorClass}");
            }

            _ = new Akka.Remote.RemoteSettings(full);
            // Akka.Remote's DotNetty settings class is internal; its size and time keys are read here the same way.
            var tcp = full.GetConfig("akka.remote.dot-netty.tcp");
            _ = tcp.GetByteSize("maximum-frame-size", null);
            _ = tcp.GetTimeSpan("connection-timeout", null);
            _ = new Akka.Cluster.ClusterSettings(full, "solidb");
        }
        catch (SettingsException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SettingsException($"invalid akka setting in the configuration: {e.GetType().Name}: {e.Message}");
        }
    }
}
