using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// The configuration of a service's own actor system: plain Akka.Remote (never a cluster member),
/// the remote API's serializer, ClusterClient's and the receptionist's protocol serializers, and
/// with <see cref="ClientTls"/> the same dot-netty TLS settings the nodes use.
/// </summary>
public static class ClientAkkaConfig
{
    /// <summary>The HOCON of a service's actor system; <paramref name="hostname"/> is the address nodes answer to (port 0: any free port).</summary>
    public static Config Build(bool tls, string hostname = "127.0.0.1", int port = 0)
    {
        var serializer = typeof(RemoteApiSerializer).AssemblyQualifiedName!;
        return ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp {
              hostname = "{{hostname}}"
              port = {{port}}
              enable-ssl = {{(tls ? "on" : "off")}}
              ssl.require-mutual-authentication = on
              ssl.suppress-validation = off
              maximum-frame-size = 256000b
            }
            akka.actor.serializers {
              solidb-api = "{{ShortName(serializer)}}"
              akka-cluster-client = "Akka.Cluster.Tools.Client.Serialization.ClusterClientMessageSerializer, Akka.Cluster.Tools"
              akka-pubsub = "Akka.Cluster.Tools.PublishSubscribe.Serialization.DistributedPubSubMessageSerializer, Akka.Cluster.Tools"
            }
            akka.actor.serialization-bindings {
              "Solidb.Cluster.Client.Akka.IRemoteApiMessage, Solidb.Cluster.Client.Akka" = solidb-api
              "Solidb.Cluster.Client.Events.ClusterEvent, Solidb.Cluster.Client" = solidb-api
              "Akka.Cluster.Tools.Client.IClusterClientMessage, Akka.Cluster.Tools" = akka-cluster-client
              "Akka.Cluster.Tools.PublishSubscribe.IDistributedPubSubMessage, Akka.Cluster.Tools" = akka-pubsub
            }
            akka.actor.serialization-identifiers {
              "Akka.Cluster.Tools.Client.Serialization.ClusterClientMessageSerializer, Akka.Cluster.Tools" = 15
              "Akka.Cluster.Tools.PublishSubscribe.Serialization.DistributedPubSubMessageSerializer, Akka.Cluster.Tools" = 9
            }
            # A lost node is noticed in about 5 s (Akka's default: 15 s), then the next contact point is asked.
            akka.cluster.client {
              heartbeat-interval = 1s
              acceptable-heartbeat-pause = 4s
              establishing-get-contacts-interval = 1s
              reconnect-timeout = off
            }
            """);
    }

    /// <summary>An actor system for a service: <see cref="Build"/> over <paramref name="extra"/>, with the TLS setup when given.</summary>
    public static ActorSystem CreateSystem(string name, ClientTls? tls = null, string hostname = "127.0.0.1", Config? extra = null)
    {
        var config = (extra ?? Config.Empty).WithFallback(Build(tls is not null, hostname));
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        return ActorSystem.Create(name, tls is null ? setup : setup.And(tls.Setup()));
    }

    private static string ShortName(string assemblyQualifiedName)
    {
        var parts = assemblyQualifiedName.Split(", ");
        return $"{parts[0]}, {parts[1]}";
    }
}
