using System.Security.Cryptography.X509Certificates;

namespace Solidb.Cluster.Security;

/// <summary>
/// Decides whether a peer's certificate was issued by one of the configured CAs. The CAs are the
/// only trust roots (CustomRootTrust: the system store plays no part), revocation is not checked
/// (a private CA publishes no revocation list; rotation replaces the CA instead), and the chain
/// must end at one of them. Akka's own ValidateChain checks against the system store, so it
/// cannot express "only this CA". Time comes from the injected provider.
/// </summary>
public sealed class CaTrust
{
    private readonly X509Certificate2Collection _roots;
    private readonly TimeProvider _time;

    public CaTrust(X509Certificate2Collection roots, TimeProvider time)
    {
        if (roots.Count == 0)
        {
            throw new ArgumentException("at least one CA certificate is needed", nameof(roots));
        }

        _roots = roots;
        _time = time;
    }

    public int Count => _roots.Count;

    /// <summary>True when <paramref name="certificate"/> chains to one of the CAs; otherwise why not.</summary>
    /// <param name="presented">The chain the peer sent (its intermediates may help build the path; never trusted).</param>
    public bool Validates(X509Certificate2 certificate, X509Chain? presented, out string reason)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_roots);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
            reason = $"certificate {Rejections.Quote(certificate.Subject)} does not chain to the configured CA ({string.Join(", ", problems)})";
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        if (!_roots.Any(r => r.RawData.AsSpan().SequenceEqual(root.RawData)))
        {
            reason = $"certificate {Rejections.Quote(certificate.Subject)} chains to {Rejections.Quote(root.Subject)}, which is not a configured CA";
            return false;
        }

        if (chain.ChainElements.Count < 2)
        {
            reason = $"certificate {Rejections.Quote(certificate.Subject)} is a CA certificate, not a node certificate";
            return false;
        }

        reason = "";
        return true;
    }
}
