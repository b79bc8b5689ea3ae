using System.Security.Cryptography.X509Certificates;

namespace Solidb.Cluster.Client.Security;

/// <summary>Why a certificate does not chain to the configured CAs.</summary>
public enum CaChainProblem
{
    None,

    /// <summary>No chain to the CAs could be built; the detail lists the chain status flags.</summary>
    NoChain,

    /// <summary>The chain ends at a root that is not one of the CAs; the detail is that root's subject.</summary>
    OtherRoot,

    /// <summary>The certificate is a CA certificate itself, not one a CA issued.</summary>
    CaItself,
}

/// <summary>
/// The one rule for "issued by one of these CAs", shared by the nodes (Solidb.Cluster's CaTrust) and the
/// client library's HTTPS check: the CAs are the only trust roots (CustomRootTrust: the system store plays
/// no part), revocation is not checked (a private CA publishes no list; rotation replaces the CA), nothing
/// is downloaded, the chain must end at one of the CAs, and a CA certificate itself is refused. Each caller
/// words the refusal its own way.
/// </summary>
public static class CaChain
{
    /// <param name="presented">The chain the peer sent: its intermediates may help build the path, never trusted.</param>
    /// <param name="detail">The chain status flags (<see cref="CaChainProblem.NoChain"/>) or the root's subject (<see cref="CaChainProblem.OtherRoot"/>).</param>
    public static CaChainProblem Check(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection roots, DateTimeOffset now,
        out string detail)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(roots);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
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
            detail = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct());
            return CaChainProblem.NoChain;
        }

        var root = chain.ChainElements[^1].Certificate;
        if (!roots.Any(r => r.RawData.AsSpan().SequenceEqual(root.RawData)))
        {
            detail = root.Subject;
            return CaChainProblem.OtherRoot;
        }

        detail = "";
        return chain.ChainElements.Count < 2 ? CaChainProblem.CaItself : CaChainProblem.None;
    }
}
