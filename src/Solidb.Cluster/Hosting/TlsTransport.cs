using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Solidb.Cluster.Security;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Hosting;

/// <summary>
/// Mutual TLS for Akka.Remote: the node's certificate serves both ends of every connection, and
/// the peer's certificate must chain to the configured CA (<see cref="CaTrust"/>), on the server
/// side (the dialling node's client certificate) as on the client side. A refusal is counted as
/// stats.rejections.tls_handshake and logged at most once a minute.
/// </summary>
public static class TlsTransport
{
    public static DotNettySslSetup Setup(TlsMaterial tls, NodeCounters counters) =>
        new(tls.Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, Validator(tls.Trust, counters));

    /// <summary>Akka calls this in every handshake, on both sides, instead of its own chain validation.</summary>
    public static CertificateValidationCallback Validator(CaTrust trust, NodeCounters counters) =>
        (certificate, chain, peer, _, log) =>
        {
            string reason;
            if (certificate is null)
            {
                reason = "it presented no certificate";
            }
            else if (trust.Validates(certificate, chain, out reason))
            {
                return true;
            }

            if (counters.Reject(RejectionReason.TlsHandshake))
            {
                log.Warning("Refused a TLS connection with {0}: {1} (counted in stats.rejections.tls_handshake; logged at most once a minute)",
                    Rejections.Quote(peer), reason);
            }

            return false;
        };
}
