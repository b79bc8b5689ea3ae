using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Client.Tests.Security;

/// <summary>What CertificateIdentity reads from a certificate's URI subject alternative names.</summary>
public sealed class CertificateIdentityTests
{
    /// <summary>A self-signed certificate with the given URI SANs (and a DNS name, which never counts).</summary>
    private static X509Certificate2 With(params string[] uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("urn-solidb-node-dns.example.com");
        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    [Fact]
    public void A_node_certificate_names_its_node_id()
    {
        using var cert = With("urn:solidb:node:node-1.a_b");

        Assert.Equal(new PeerIdentity(IdentityKind.Node, "node-1.a_b"), CertificateIdentity.Read(cert, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_service_certificate_names_its_service()
    {
        using var cert = With("https://billing.example.com/", "urn:solidb:service:billing");

        var identity = CertificateIdentity.Read(cert, out var problem);

        Assert.Equal(new PeerIdentity(IdentityKind.Service, "billing"), identity);
        Assert.False(identity!.IsNode);
        Assert.Null(problem);
    }

    [Fact]
    public void NodeUri_and_ServiceUri_write_what_Read_reads()
    {
        Assert.Equal("urn:solidb:node:node1", CertificateIdentity.NodeUri("node1").ToString());
        Assert.Equal("urn:solidb:service:billing", CertificateIdentity.ServiceUri("billing").ToString());
    }

    [Theory]
    [InlineData(new string[0], "names no SoliDB identity")]
    [InlineData(new[] { "https://node1.example.com/", "urn:other:node:node1" }, "names no SoliDB identity")]
    [InlineData(new[] { "urn:solidb:node:node1", "urn:solidb:node:node2" }, "names 2 SoliDB identities (node 'node1', node 'node2')")]
    [InlineData(new[] { "urn:solidb:node:node1", "urn:solidb:service:node1" }, "names 2 SoliDB identities (node 'node1', service 'node1')")]
    [InlineData(new[] { "urn:solidb:node:" }, "names a malformed identity ''")]
    [InlineData(new[] { "urn:solidb:node:a:b" }, "names a malformed identity 'a:b'")]
    [InlineData(new[] { "urn:solidb:service:bad%20name" }, "names a malformed identity 'bad%20name'")]
    [InlineData(new[] { "URN:SOLIDB:NODE:node1" }, "names no SoliDB identity")]
    public void Anything_but_exactly_one_well_formed_identity_names_none(string[] uris, string expected)
    {
        using var cert = With(uris);

        Assert.Null(CertificateIdentity.Read(cert, out var problem));
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void A_name_longer_than_64_characters_is_malformed()
    {
        using var ok = With("urn:solidb:node:" + new string('a', 64));
        using var tooLong = With("urn:solidb:node:" + new string('a', 65));

        Assert.NotNull(CertificateIdentity.Read(ok, out _));
        Assert.Null(CertificateIdentity.Read(tooLong, out var problem));
        Assert.StartsWith("names a malformed identity", problem);
    }

    [Fact]
    public void A_certificate_without_subject_alternative_names_names_none()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var cert = new CertificateRequest("CN=urn:solidb:node:node1", key, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddDays(1));

        Assert.Null(CertificateIdentity.Read(cert, out var problem));
        Assert.StartsWith("names no SoliDB identity", problem);
    }

    [Fact]
    public void A_malformed_subject_alternative_name_extension_names_none()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        // A SAN extension whose content is no DER sequence of general names.
        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", [0x30, 0x05, 0x86, 0x10, 0x75], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now, now.AddDays(1));

        Assert.Empty(CertificateIdentity.SanUris(cert));
        Assert.Null(CertificateIdentity.Read(cert, out var problem));
        Assert.StartsWith("names no SoliDB identity", problem);
    }
}
