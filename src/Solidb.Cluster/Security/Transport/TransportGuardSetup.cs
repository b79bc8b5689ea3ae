using Akka.Actor;
using Akka.Actor.Setup;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// What the transport guard (<see cref="TransportGuardProvider"/>) needs from the node, handed to
/// Akka with the actor system setup: Akka builds transport adapters by type name, before any actor starts.
/// </summary>
/// <param name="members">The module's latest membership (who is at which address).</param>
/// <param name="certificates">The TLS validator's accepted identities; null without TLS.</param>
public sealed class TransportGuardSetup(NodeCounters counters, Func<MemberDirectory> members, PeerCertificates? certificates) : Setup
{
    /// <summary>The name the guard is registered under in akka.remote.adapters (hocon/solidb.conf).</summary>
    public const string AdapterName = "solidb-guard";

    public NodeCounters Counters => counters;

    public Func<MemberDirectory> Members => members;

    public PeerCertificates? Certificates => certificates;

    internal static TransportGuardSetup Of(ActorSystem system) =>
        system.Settings.Setup.Get<TransportGuardSetup>().GetOrElse(null!)
        ?? throw new InvalidOperationException(
            $"the transport adapter '{AdapterName}' needs a {nameof(TransportGuardSetup)} in the actor system setup (SolidbNode's hosting adds it)");
}
