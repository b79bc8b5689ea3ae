using Akka.Actor;
using Akka.Configuration;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Specs.Harness;

namespace Solidb.Cluster.Specs.RemoteApi;

/// <summary>A service's own actor system (no member) with a ClusterClient towards some nodes of an in-process cluster.</summary>
public sealed class ServiceSystem : IAsyncDisposable
{
    private ServiceSystem(ActorSystem system, SolidbClusterClient client)
    {
        System = system;
        Client = client;
    }

    public ActorSystem System { get; }

    public SolidbClusterClient Client { get; }

    /// <param name="allowJson">Lets the service send any type through Akka's JSON serializer (what an attacker could send).</param>
    /// <param name="token">The admin token the client sends with every request.</param>
    public static ServiceSystem Start(IEnumerable<ClusterNode> contacts, ClientTls? tls = null, bool allowJson = false, TimeSpan? askTimeout = null,
        string? token = null)
    {
        var extra = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.applied-adapters = ["trttl"]
            akka.actor.serialization-settings.allow-unregistered-types = {(allowJson ? "on" : "off")}
            akka.loglevel = WARNING
            """);
        var system = ClientAkkaConfig.CreateSystem("service", tls, extra: extra);
        var options = new SolidbClusterClientOptions
        {
            AddressProtocol = tls is null ? "akka.trttl.tcp" : "akka.trttl.ssl.tcp",
            RenewInterval = TimeSpan.FromSeconds(2),
            AskTimeout = askTimeout ?? TimeSpan.FromSeconds(5),
            BearerToken = token,
        };
        var points = contacts.Select(n => new ContactPoint(n.Address.Host!, n.Address.Port!.Value)).ToList();
        return new ServiceSystem(system, SolidbClusterClient.Create(system, points, options));
    }

    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
}
