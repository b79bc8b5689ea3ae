using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Security;

/// <summary>
/// The node's TLS certificate with its key and the trusted CAs, read from the PEM files once at
/// start-up and checked as a whole: every problem is one <see cref="SettingsException"/> line that
/// names the file and its flag, so a node never starts with TLS that cannot work, nor with a
/// certificate that is not a node certificate (<see cref="NodeCertificate"/>).
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    private TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection authorities, CaTrust trust, NodeId nodeId, string certFile)
    {
        Certificate = certificate;
        Authorities = authorities;
        Trust = trust;
        Identity = new PeerIdentity(IdentityKind.Node, nodeId.Value);
        NodeId = nodeId;
        CertFile = certFile;
    }

    /// <summary>The node's certificate with its private key (used as TLS server and client certificate).</summary>
    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Authorities { get; }

    public CaTrust Trust { get; }

    /// <summary>The identity the certificate names: always a node (<see cref="Load"/> refuses any other).</summary>
    public PeerIdentity Identity { get; }

    /// <summary>The node id the certificate names: the only id this node may run as.</summary>
    public NodeId NodeId { get; }

    /// <summary>The certificate's file (--tls-cert), for messages.</summary>
    public string CertFile { get; }

    /// <summary>The node id to run as with this certificate (<see cref="NodeCertificate.RunAs"/>): one line when --node-id names another node.</summary>
    public NodeId RunAs(NodeId? requested) => NodeCertificate.RunAs(NodeId, CertFile, requested);

    /// <summary>Reads and checks the files; null when TLS is off.</summary>
    public static TlsMaterial? Load(TlsSettings settings, TimeProvider time)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        var certFile = new PemFile(settings.CertFile!, "certificate", "--tls-cert");
        var keyFile = new PemFile(settings.KeyFile!, "key", "--tls-key");
        var caFile = new PemFile(settings.CaFile!, "CA file", "--tls-ca");

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certFile.Read());
        }
        catch (CryptographicException)
        {
            throw certFile.Invalid("holds no PEM certificate");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(caFile.Read());
        }
        catch (CryptographicException)
        {
            throw caFile.Invalid("holds a PEM block that is no valid certificate");
        }

        if (authorities.Count == 0)
        {
            throw caFile.Invalid("holds no PEM certificate");
        }

        var nodeId = NodeCertificate.IdOf(CertificateIdentity.Read(certificate, out var identityProblem), identityProblem, out var notANode)
            ?? throw certFile.Invalid(notANode!);
        var withKey = WithKey(certificate, keyFile);
        var trust = new CaTrust(authorities, time);
        if (!trust.Validates(withKey, null, out var reason))
        {
            throw certFile.Invalid($"is not accepted by the CA in '{caFile.Path}' (--tls-ca): {reason}");
        }

        // A PKCS#12 round trip gives the key a form that SslStream (Akka's DotNetty, Kestrel)
        // can use as a server certificate on every platform.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new TlsMaterial(usable, authorities, trust, nodeId, certFile.Path);
    }

    public void Dispose() => Certificate.Dispose();

    private static X509Certificate2 WithKey(X509Certificate2 certificate, PemFile keyFile)
    {
        var pem = keyFile.Read();
        try
        {
            if (certificate.GetECDsaPublicKey() is { } ecPublic)
            {
                ecPublic.Dispose();
                using var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return certificate.CopyWithPrivateKey(ec);
            }

            if (certificate.GetRSAPublicKey() is { } rsaPublic)
            {
                rsaPublic.Dispose();
                using var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return certificate.CopyWithPrivateKey(rsa);
            }
        }
        catch (ArgumentException e) when (e.Message.Contains("match", StringComparison.OrdinalIgnoreCase))
        {
            throw keyFile.Invalid("does not match the certificate (--tls-cert)");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw keyFile.Invalid($"holds no PEM private key of the certificate's type ({certificate.PublicKey.Oid.FriendlyName})");
        }

        throw keyFile.Invalid($"cannot be used: the certificate's key type ({certificate.PublicKey.Oid.FriendlyName}) is neither ECDSA nor RSA");
    }

    private sealed record PemFile(string Path, string What, string Flag)
    {
        public string Read()
        {
            try
            {
                return File.ReadAllText(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new SettingsException($"cannot read the TLS {What} '{Path}' ({Flag}): {SolidbConfig.OneLine(e.Message)}");
            }
        }

        public SettingsException Invalid(string problem) => new($"the TLS {What} '{Path}' ({Flag}) {problem}");
    }
}
