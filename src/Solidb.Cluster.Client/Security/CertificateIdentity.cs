using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Solidb.Cluster.Client.Security;

/// <summary>Who a certificate of the cluster CA says its holder is.</summary>
public enum IdentityKind
{
    /// <summary>A SoliDB node (URI SAN <c>urn:solidb:node:ID</c>): the only kind that may be a cluster member.</summary>
    Node,

    /// <summary>A service that uses the remote actor API (URI SAN <c>urn:solidb:service:NAME</c>): client only.</summary>
    Service,
}

/// <summary>The identity named by a certificate: a node id or a service name.</summary>
public sealed record PeerIdentity(IdentityKind Kind, string Name)
{
    public bool IsNode => Kind == IdentityKind.Node;

    public override string ToString() => Kind == IdentityKind.Node ? $"node '{Name}'" : $"service '{Name}'";
}

/// <summary>
/// Reads and writes the identity URI of a certificate's subject alternative names, as CockroachDB
/// binds a node to its certificate: <c>urn:solidb:node:ID</c> for a node, <c>urn:solidb:service:NAME</c>
/// for a service. A certificate must name exactly one identity; anything else names none.
/// </summary>
public static class CertificateIdentity
{
    public const string NodePrefix = "urn:solidb:node:";
    public const string ServicePrefix = "urn:solidb:service:";

    /// <summary>Names are 1-64 letters, digits, '.', '_' or '-' (the node id rule).</summary>
    public const int MaxNameLength = 64;

    public static Uri NodeUri(string nodeId) => new(NodePrefix + nodeId);

    public static Uri ServiceUri(string name) => new(ServicePrefix + name);

    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// The one identity the certificate names; null with <paramref name="problem"/> when it names none,
    /// more than one, or a malformed one.
    /// </summary>
    public static PeerIdentity? Read(X509Certificate2 certificate, out string? problem)
    {
        var found = new List<PeerIdentity>();
        foreach (var uri in SanUris(certificate))
        {
            if (uri.StartsWith(NodePrefix, StringComparison.Ordinal))
            {
                found.Add(new PeerIdentity(IdentityKind.Node, uri[NodePrefix.Length..]));
            }
            else if (uri.StartsWith(ServicePrefix, StringComparison.Ordinal))
            {
                found.Add(new PeerIdentity(IdentityKind.Service, uri[ServicePrefix.Length..]));
            }
        }

        problem = found.Count switch
        {
            0 => $"names no SoliDB identity (a URI subject alternative name {NodePrefix}ID or {ServicePrefix}NAME; issue it with solidb-certs)",
            > 1 => $"names {found.Count} SoliDB identities ({string.Join(", ", found)}); a certificate must name exactly one",
            _ when !IsValidName(found[0].Name) => $"names a malformed identity '{Truncate(found[0].Name)}' (1-64 letters, digits, '.', '_', '-')",
            _ => null,
        };
        return problem is null ? found[0] : null;
    }

    /// <summary>The URIs among the certificate's subject alternative names; none when the extension is absent or malformed.</summary>
    public static IReadOnlyList<string> SanUris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                var names = reader.ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 6)
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                return [];
            }
        }

        return uris;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "...";
}
