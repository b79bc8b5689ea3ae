using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Client.Akka;

/// <summary>
/// Mutual TLS for a service that talks to a cluster running with --tls-cert/--tls-key/--tls-ca: the
/// service presents a service certificate issued by the cluster's CA (<c>solidb-certs --services
/// my-service</c>: URI SAN <c>urn:solidb:service:NAME</c>, client only), and accepts a server only
/// when its certificate chains to that CA (the CA is the only trust root; the system store plays no
/// part) and is a node certificate (<c>urn:solidb:node:ID</c>): a service certificate, or one that
/// names nothing, is no node. A service without such a certificate is refused by every node.
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

        Identity = ServiceIdentity(certificate, $"the service certificate {certificate.Subject}");
        Certificate = certificate;
        Authorities = authorities;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The service this certificate names.</summary>
    public PeerIdentity Identity { get; }

    public X509Certificate2Collection Authorities { get; }

    /// <summary>Loads the PEM files: the service's certificate, its private key and the CA certificate(s).</summary>
    /// <exception cref="ArgumentException">The certificate is no service certificate (one line naming the file).</exception>
    public static ClientTls Load(string certFile, string keyFile, string caFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        ServiceIdentity(pem, $"the service certificate '{certFile}'");
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
                if (AcceptsNode(certificate, chain, out var reason))
                {
                    return true;
                }

                log.Warning("Refused a TLS connection with {0}: {1}", peer, reason);
                return false;
            });

    /// <summary>True when the server's certificate chains to one of the CAs and is a node certificate; otherwise why not.</summary>
    public bool AcceptsNode(X509Certificate2? certificate, X509Chain? presented, out string reason)
    {
        if (certificate is null)
        {
            reason = "it presented no certificate";
            return false;
        }

        if (!ChainsToAuthorities(certificate, presented))
        {
            reason = $"its certificate {certificate.Subject} does not chain to the configured CA";
            return false;
        }

        var identity = CertificateIdentity.Read(certificate, out var problem);
        reason = identity switch
        {
            null => $"its certificate {certificate.Subject} {problem}, so it is no node",
            { IsNode: false } => $"its certificate is the certificate of {identity}, not of a node",
            _ => "",
        };
        return identity is { IsNode: true };
    }

    /// <summary>The service a certificate names; an <see cref="ArgumentException"/> (one line) when it names no service.</summary>
    private static PeerIdentity ServiceIdentity(X509Certificate2 certificate, string what)
    {
        var identity = CertificateIdentity.Read(certificate, out var problem);
        return identity switch
        {
            { Kind: IdentityKind.Service } => identity,
            null => throw new ArgumentException($"{what} {problem}; a service needs a service certificate (solidb-certs --services NAME)"),
            _ => throw new ArgumentException(
                $"{what} is the certificate of {identity}, not of a service; a service needs a service certificate (solidb-certs --services NAME)"),
        };
    }

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
