using System.Security.Cryptography.X509Certificates;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Security;

/// <summary>
/// Decides whether a peer's certificate was issued by one of the configured CAs. The CAs are the
/// only trust roots (CustomRootTrust: the system store plays no part), revocation is not checked
/// (a private CA publishes no revocation list; rotation replaces the CA instead), and the chain
/// must end at one of them (the rule is <see cref="CaChain"/>, shared with the client library's HTTPS
/// check). Akka's own ValidateChain checks against the system store, so it cannot express "only this
/// CA". Time comes from the injected provider.
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
        switch (CaChain.Check(certificate, presented, _roots, _time.GetUtcNow(), out var detail))
        {
            case CaChainProblem.NoChain:
                reason = $"certificate {Rejections.Quote(certificate.Subject)} does not chain to the configured CA ({detail})";
                return false;
            case CaChainProblem.OtherRoot:
                reason = $"certificate {Rejections.Quote(certificate.Subject)} chains to {Rejections.Quote(detail)}, which is not a configured CA";
                return false;
            case CaChainProblem.CaItself:
                reason = $"certificate {Rejections.Quote(certificate.Subject)} is a CA certificate, not a node certificate";
                return false;
        }

        reason = "";
        return true;
    }
}
