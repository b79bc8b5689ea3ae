using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Security;
using Solidb.Cluster.Security.Transport;
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
    public static DotNettySslSetup Setup(TlsMaterial tls, NodeCounters counters, PeerCertificates certificates) =>
        new(tls.Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, Validator(tls.Trust, counters, certificates));

    /// <summary>
    /// Akka calls this in every handshake, on both sides, instead of its own chain validation. A
    /// certificate must also name one SoliDB identity (a node or a service); the identity is handed
    /// to the transport guard through <paramref name="certificates"/>, which attributes the connection to it.
    /// </summary>
    public static CertificateValidationCallback Validator(CaTrust trust, NodeCounters counters, PeerCertificates certificates) =>
        (certificate, chain, peer, _, log) =>
        {
            string? reason;
            if (certificate is null)
            {
                reason = "it presented no certificate";
            }
            else if (!trust.Validates(certificate, chain, out reason))
            {
            }
            else if (CertificateIdentity.Read(certificate, out reason) is { } identity)
            {
                certificates.Accepted(peer, identity);
                return true;
            }

            certificates.Refused(peer);

            if (counters.Reject(RejectionReason.TlsHandshake))
            {
                log.Warning("Refused a TLS connection with {0}: {1} (counted in stats.rejections.tls_handshake; logged at most once a minute)",
                    Rejections.Quote(peer), reason);
            }

            return false;
        };
}
