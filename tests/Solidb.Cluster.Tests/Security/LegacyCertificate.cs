using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Solidb.Certs;

namespace Solidb.Cluster.Tests.Security;

/// <summary>A certificate of the CA as solidb-certs made them before certificates named identities: DNS names only.</summary>
internal static class LegacyCertificate
{
    public static PemPair Issue(string caCertFile, string caKeyFile, string name = "old-node")
    {
        using var ca = X509Certificate2.CreateFromPemFile(caCertFile, caKeyFile);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        return new PemPair(cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
