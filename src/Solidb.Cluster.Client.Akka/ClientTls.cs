using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// Mutual TLS for a service that talks to a cluster running with --tls-cert/--tls-key/--tls-ca: the
/// service presents a certificate issued by the cluster's CA (e.g. <c>solidb-certs --nodes my-service</c>),
/// and accepts a node only when the node's certificate chains to that CA (the CA is the only trust
/// root; the system store plays no part). A service without such a certificate is refused by every node.
/// </summary>
public sealed class ClientTls : IDisposable
{
    public ClientTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the service certificate needs its private key", nameof(certificate));
        }

        if (authorities.Count == 0)
        {
            throw new ArgumentException("at least one CA certificate is needed", nameof(authorities));
        }

        Certificate = certificate;
        Authorities = authorities;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads the PEM files: the service's certificate, its private key and the CA certificate(s).</summary>
    public static ClientTls Load(string certFile, string keyFile, string caFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        // Windows' SChannel needs a persisted key; a PKCS#12 round trip gives one everywhere.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return new ClientTls(certificate, authorities);
    }

    /// <summary>The Akka setup that carries the certificate and the validator into the actor system.</summary>
    public DotNettySslSetup Setup() =>
        new(Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            (certificate, chain, peer, _, log) =>
            {
                if (certificate is not null && ChainsToAuthorities(certificate, chain))
                {
                    return true;
                }

                log.Warning("Refused a TLS connection with {0}: its certificate does not chain to the configured CA", peer);
                return false;
            });

    /// <summary>True when the certificate chains to one of the CAs and is not itself a CA.</summary>
    public bool ChainsToAuthorities(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(Authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate) || chain.ChainElements.Count < 2)
        {
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        return Authorities.Any(a => a.RawData.AsSpan().SequenceEqual(root.RawData));
    }

    public void Dispose() => Certificate.Dispose();
}
