using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Solidb.Certs;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Security;

public sealed class CaTrustTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly CertificateIssuer Issuer = new(Time);

    private static X509Certificate2 Cert(PemPair pair) => X509Certificate2.CreateFromPem(pair.Certificate);

    private static CaTrust Trusting(params PemPair[] cas)
    {
        var roots = new X509Certificate2Collection();
        foreach (var ca in cas)
        {
            roots.Add(Cert(ca));
        }

        return new CaTrust(roots, Time);
    }

    [Fact]
    public void Accepts_a_certificate_issued_by_the_CA()
    {
        var ca = Issuer.CreateCa();

        Assert.True(Trusting(ca).Validates(Cert(Issuer.CreateNode(ca, "node1", [])), null, out var reason), reason);
    }

    [Fact]
    public void Accepts_certificates_of_either_CA_in_a_two_CA_bundle()
    {
        var (oldCa, newCa) = (Issuer.CreateCa("old"), Issuer.CreateCa("new"));
        var trust = Trusting(oldCa, newCa);

        Assert.True(trust.Validates(Cert(Issuer.CreateNode(oldCa, "node1", [])), null, out _));
        Assert.True(trust.Validates(Cert(Issuer.CreateNode(newCa, "node2", [])), null, out _));
    }

    [Fact]
    public void Refuses_a_certificate_of_another_CA()
    {
        var (ca, other) = (Issuer.CreateCa(), Issuer.CreateCa("other"));

        Assert.False(Trusting(ca).Validates(Cert(Issuer.CreateNode(other, "node4", [])), null, out var reason));
        Assert.Contains("CN=node4", reason);
    }

    [Fact]
    public void Refuses_a_self_signed_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=node1", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(Time.GetUtcNow().AddDays(-1), Time.GetUtcNow().AddDays(30));

        Assert.False(Trusting(Issuer.CreateCa()).Validates(selfSigned, null, out _));
    }

    [Fact]
    public void Refuses_the_CA_certificate_itself_as_a_node_certificate()
    {
        var ca = Issuer.CreateCa();

        Assert.False(Trusting(ca).Validates(Cert(ca), null, out var reason));
        Assert.Contains("CA certificate", reason);
    }

    [Fact]
    public void Refuses_a_certificate_that_expired_by_the_injected_clock()
    {
        var ca = Issuer.CreateCa();
        var node = Cert(Issuer.CreateNode(ca, "node1", []));
        var later = new FakeTimeProvider(Time.GetUtcNow() + CertificateIssuer.NodeValidity + TimeSpan.FromDays(1));

        Assert.False(new CaTrust([Cert(ca)], later).Validates(node, null, out var reason));
        Assert.Contains("NotTimeValid", reason);
    }
}
