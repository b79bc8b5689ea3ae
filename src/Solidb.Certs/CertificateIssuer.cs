using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Solidb.Cluster.Client.Security;

namespace Solidb.Certs;

/// <summary>A certificate and its private key, as PEM text.</summary>
public sealed record PemPair(string Certificate, string PrivateKey);

/// <summary>
/// Issues a private CA, node certificates and service certificates for mutual TLS, with .NET's own
/// APIs (CertificateRequest): ECDSA P-256 keys, SHA-256 signatures. A node certificate carries
/// serverAuth and clientAuth (every node is both, depending on who dials) and names its node id
/// (URI <c>urn:solidb:node:ID</c>), the node, 127.0.0.1 and the given hosts as subject alternative
/// names. A service certificate is client-only (clientAuth) and names only the service
/// (URI <c>urn:solidb:service:NAME</c>): it reaches the remote API, and is never a member.
/// </summary>
public sealed class CertificateIssuer(TimeProvider time)
{
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(5 * 365);
    public static readonly TimeSpan NodeValidity = TimeSpan.FromDays(365);

    /// <summary>Service certificates expire with node certificates (rotated the same way).</summary>
    public static readonly TimeSpan ServiceValidity = NodeValidity;

    /// <summary>Certificates start this far in the past, so a peer whose clock is a little behind accepts them.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public PemPair CreateCa(string commonName = "SoliDB cluster CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now - Backdate, now + CaValidity);
        return new PemPair(cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A node certificate signed by the CA; its SANs are the node id URI, the name, 127.0.0.1 and the hosts.</summary>
    public PemPair CreateNode(PemPair ca, string name, IEnumerable<string> hosts) =>
        Issue(ca, name, [new Oid(ServerAuthOid), new Oid(ClientAuthOid)], NodeValidity, SubjectAlternativeNames(name, hosts));

    /// <summary>A service certificate signed by the CA: client authentication only; its one SAN is the service URI.</summary>
    public PemPair CreateService(PemPair ca, string name)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(CertificateIdentity.ServiceUri(name));
        return Issue(ca, name, [new Oid(ClientAuthOid)], ServiceValidity, san.Build());
    }

    private PemPair Issue(PemPair ca, string name, OidCollection usages, TimeSpan validity, X509Extension names)
    {
        using var caCert = X509Certificate2.CreateFromPem(ca.Certificate, ca.PrivateKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false));
        request.CertificateExtensions.Add(names);

        var now = time.GetUtcNow();
        var notAfter = now + validity < caCert.NotAfter ? now + validity : new DateTimeOffset(caCert.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number
        using var cert = request.Create(caCert, now - Backdate, notAfter, serial);
        return new PemPair(cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static X509Extension SubjectAlternativeNames(string name, IEnumerable<string> hosts)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(CertificateIdentity.NodeUri(name));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in new[] { name, "127.0.0.1" }.Concat(hosts))
        {
            if (!seen.Add(entry))
            {
                continue;
            }

            if (IPAddress.TryParse(entry, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(entry);
            }
        }

        return san.Build();
    }
}
