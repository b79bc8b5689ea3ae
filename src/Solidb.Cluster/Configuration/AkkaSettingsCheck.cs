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
