using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Security;

/// <summary>
/// Binds a node to its certificate: a node's own certificate must be a node certificate (URI SAN
/// <c>urn:solidb:node:ID</c>, <see cref="CertificateIdentity"/>), and the node runs as the id it
/// names, never as another. A service certificate, or one that names nothing (made before
/// certificates named identities), stops start-up with one line (docs/security.md).
/// </summary>
public static class NodeCertificate
{
    private const string Reissue = "issue a node certificate with solidb-certs --nodes ID (certificates made before node ids were named in them must be re-issued)";

    /// <summary>The node id a certificate's identity names; null with the problem when it is no node certificate.</summary>
    /// <param name="identity">What <see cref="CertificateIdentity.Read"/> made of the certificate.</param>
    /// <param name="readProblem">Its problem when it read no identity.</param>
    public static NodeId? IdOf(PeerIdentity? identity, string? readProblem, out string? problem)
    {
        problem = identity switch
        {
            null => $"{readProblem}: a node needs a node certificate; {Reissue}",
            { Kind: IdentityKind.Service } => $"is the certificate of {identity}, not of a node (a service certificate is for the remote API only); {Reissue}",
            _ when !NodeId.TryParse(identity.Name, out _) => $"names a malformed node id; {Reissue}",
            _ => null,
        };
        return problem is null ? NodeId.Parse(identity!.Name) : null;
    }

    /// <summary>
    /// The id a node with this certificate runs as: the certificate's, which <c>--node-id</c>, when
    /// given, must equal. (The data dir then refuses a persisted id that differs from it.)
    /// </summary>
    /// <exception cref="SettingsException">--node-id names another node; one line naming both flags.</exception>
    public static NodeId RunAs(NodeId certified, string certFile, NodeId? requested) =>
        requested is not { } wanted || wanted == certified
            ? certified
            : throw new SettingsException(
                $"node id '{wanted}' (--node-id) is not the node id '{certified}' that the TLS certificate '{certFile}' (--tls-cert) names: " +
                $"start with --node-id {certified}, or give this node a certificate issued for '{wanted}' (solidb-certs --nodes {wanted})");
}
