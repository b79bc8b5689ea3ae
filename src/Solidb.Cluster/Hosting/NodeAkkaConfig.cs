using System.Text;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using Solidb.Cluster.Security.Transport;
using Akka.Remote.Transport.DotNetty;

namespace Solidb.Cluster.Hosting;

/// <summary>
/// Builds the Akka configuration of one node from its settings: the parts that depend on the
/// node (address, seeds, roles, log level) over the layered HOCON (file + reference).
/// The in-process test harness uses the same builder, so tests run the real configuration.
/// </summary>
public static class NodeAkkaConfig
{
    public const string SystemName = "solidb";

    /// <summary>
    /// The Akka address protocol of a node: "akka.ssl.tcp" with TLS (DotNetty's scheme), "akka.tcp"
    /// without, with any transport adapters in front ("akka.trttl.ssl.tcp"). Seeds must use the same.
    /// </summary>
    public static string Protocol(bool tls, IReadOnlyList<string>? transportAdapters = null) =>
        string.Join(".", new[] { "akka" }.Concat(transportAdapters ?? []).Append(tls ? "ssl.tcp" : "tcp"));

    /// <param name="layered">The layered HOCON the settings were read from (carries user akka overrides).</param>
    /// <param name="transportAdapters">Extra Akka.Remote adapters (tests: "trttl"); they prefix the protocol.</param>
    public static Config Build(NodeContext node, Config layered, IReadOnlyList<string>? transportAdapters = null)
    {
        var s = node.Settings;
        var adapters = transportAdapters ?? [];
        var protocol = Protocol(s.Tls.Enabled, adapters);
        // A node with peers lists only its peers as seeds, so Akka's seed process only ever joins
        // an existing cluster: Akka's own rule would let the first seed form a cluster whenever no
        // seed answers in time (a restart while cut off splits the cluster). Forming is decided by
        // Bootstrap.FormationVote instead. A node without peers forms its cluster alone at once.
        var all = s.SeedOrder();
        var order = node.RejoinOnly || all.Count > 1 ? all.Where(p => p != s.Self) : all;
        var seeds = order.Select(p => SolidbConfig.Quote($"{protocol}://{SystemName}@{p}"));

        var hocon = new StringBuilder()
            .AppendLine($"akka.loglevel = {AkkaLogLevel(s.LogLevel)}")
            .AppendLine($"akka.remote.dot-netty.tcp.hostname = {SolidbConfig.Quote(s.Host)}")
            .AppendLine($"akka.remote.dot-netty.tcp.public-hostname = {SolidbConfig.Quote(s.PublicHost)}")
            .AppendLine($"akka.remote.dot-netty.tcp.port = {s.Port}")
            // With TLS the certificate and the validator come from a DotNettySslSetup (TlsTransport);
            // the HOCON only switches SSL on and asks for the client's certificate too.
            .AppendLine($"akka.remote.dot-netty.tcp.enable-ssl = {(s.Tls.Enabled ? "on" : "off")}")
            .AppendLine("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication = on")
            .AppendLine("akka.remote.dot-netty.tcp.ssl.suppress-validation = off")
            // The transport guard is innermost (last): it sees each PDU as the connection carried it.
            .AppendLine($"akka.remote.dot-netty.tcp.applied-adapters = [{string.Join(", ", adapters.Append(TransportGuardSetup.AdapterName).Select(SolidbConfig.Quote))}]")
            .AppendLine($"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]")
            .AppendLine($"akka.cluster.roles = [{SolidbConfig.Quote(AkkaMembers.ModuleRole)}, {SolidbConfig.Quote(AkkaMembers.NodeIdRole(node.NodeId))}]")
            // Akka's seed-node-timeout is, for a node that only joins, how long it waits between
            // rounds of asking its seeds; forming (its other use) is ours, so it is the retry interval.
            .AppendLine($"akka.cluster.seed-node-timeout = {(long)s.Bootstrap.RetryJoinInterval.TotalMilliseconds}ms")
            .AppendLine($"akka.cluster.retry-unsuccessful-join-after = {(long)s.Bootstrap.RetryJoinInterval.TotalMilliseconds}ms")
            // The receptionist's pub-sub mediator serves this node only (its own node-id role): nodes
            // never gossip mediator registries, so the wire guard refuses that gossip outright.
            .AppendLine($"akka.cluster.pub-sub.role = {SolidbConfig.Quote(AkkaMembers.NodeIdRole(node.NodeId))}")
            .AppendLine("akka.remote.untrusted-mode = on")
            .AppendLine($"{Security.TrustedPaths.Key} = [{string.Join(", ", Security.TrustedPaths.For(layered).Select(SolidbConfig.Quote))}]");
        return ConfigurationFactory.ParseString(hocon.ToString()).WithFallback(layered);
    }

    /// <summary>
    /// The actor system setup of a node (config, and with TLS the certificate and validator), for
    /// hosts that create the ActorSystem themselves (the in-process test harness).
    /// </summary>
    public static ActorSystemSetup SystemSetup(NodeContext node, Config layered, TlsMaterial? tls, IReadOnlyList<string>? transportAdapters = null)
    {
        CheckTls(node, tls);
        var (guard, ssl) = TransportSetups(node, tls);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(Build(node, layered, transportAdapters)), guard);
        return ssl is null ? setup : setup.And(ssl);
    }

    /// <summary>
    /// The transport guard's setup and, with TLS, the certificate and validator, sharing the table
    /// of accepted certificate identities (the validator fills it, the guard reads it).
    /// </summary>
    internal static (TransportGuardSetup Guard, DotNettySslSetup? Ssl) TransportSetups(NodeContext node, TlsMaterial? tls)
    {
        var certificates = tls is null ? null : new PeerCertificates(node.Time);
        var guard = new TransportGuardSetup(node.Counters, () => node.Members, certificates);
        return (guard, tls is null ? null : TlsTransport.Setup(tls, node.Counters, certificates!));
    }

    /// <summary>
    /// Settings with TLS need the loaded material, and only they; and the node runs as the id its
    /// certificate names (the solidb host refuses any other at start-up: <see cref="TlsMaterial.RunAs"/>).
    /// </summary>
    internal static void CheckTls(NodeContext node, TlsMaterial? tls)
    {
        if (node.Settings.Tls.Enabled != tls is not null)
        {
            throw new InvalidOperationException(tls is null
                ? "TLS is configured (solidb.tls.cert-file) but no TlsMaterial was loaded"
                : "TlsMaterial was given but solidb.tls is off");
        }

        if (tls is not null && tls.NodeId != node.NodeId)
        {
            throw new InvalidOperationException(
                $"node '{node.NodeId}' was given the TLS certificate '{tls.CertFile}' of node '{tls.NodeId}'; a node runs as the id its certificate names");
        }
    }

    private static string AkkaLogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        _ => "ERROR",
    };
}
