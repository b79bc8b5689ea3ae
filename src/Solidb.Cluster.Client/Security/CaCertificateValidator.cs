using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Solidb.Cluster.Client.Security;

/// <summary>
/// Validates a node's HTTPS certificate against a private CA only, the rule the nodes apply to each other
/// (Solidb.Cluster's CaTrust): the CA file's certificates are the only trust roots (the system store plays no part),
/// revocation is not checked (a private CA publishes no list; rotation replaces the CA), the chain must end at one of
/// them, and a CA certificate itself is no server certificate. Unlike node-to-node TLS, the host name must also
/// match the certificate (its subject alternative names: <c>solidb-certs --hosts</c>), as for any HTTPS client.
/// </summary>
internal sealed class CaCertificateValidator
{
    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _time;
    private volatile string? _lastRejection;

    public CaCertificateValidator(X509Certificate2Collection roots, TimeProvider time)
    {
        if (roots.Count == 0)
        {
            throw new ArgumentException("at least one CA certificate is needed", nameof(roots));
        }

        _roots = roots;
        _time = time;
    }

    /// <summary>Why the last certificate was refused (for the error message of the request that failed).</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>Loads the CA certificate(s) from a PEM file; a file that cannot be read or holds none is a <see cref="ClusterClientException"/>.</summary>
    public static CaCertificateValidator Load(string file, TimeProvider time)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterClientException($"cannot read the CA file '{file}': {e.Message}", inner: e);
        }

        return roots.Count == 0
            ? throw new ClusterClientException($"the CA file '{file}' holds no certificate (expected PEM)")
            : new CaCertificateValidator(roots, time);
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        var ok = Validates(certificate, presented, errors, out var reason);
        _lastRejection = ok ? null : reason;
        return ok;
    }

    public bool Validates(X509Certificate? presentedCertificate, X509Chain? presented, SslPolicyErrors errors, out string reason)
    {
        if (presentedCertificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reason = "the node presented no certificate";
            return false;
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reason = $"certificate '{presentedCertificate.Subject}' does not name the host asked for (its subject alternative names must list it)";
            return false;
        }

        using var certificate = new X509Certificate2(presentedCertificate);
        switch (CaChain.Check(certificate, presented, _roots, _time.GetUtcNow(), out var detail))
        {
            case CaChainProblem.NoChain:
                reason = $"certificate '{certificate.Subject}' does not chain to the configured CA ({detail})";
                return false;
            case CaChainProblem.OtherRoot:
                reason = $"certificate '{certificate.Subject}' chains to '{detail}', which is not the configured CA";
                return false;
            case CaChainProblem.CaItself:
                reason = $"certificate '{certificate.Subject}' is a CA certificate, not a node certificate";
                return false;
        }

        reason = "";
        return true;
    }
}
