using System.Security.Cryptography.X509Certificates;
using Solidb.Certs;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Tests.Security;
using Xunit;

namespace Solidb.Cluster.Tests.RemoteApi;

/// <summary>A service's TLS: its own certificate must be a service certificate, the server's a node certificate of the CA.</summary>
public sealed class ClientTlsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-clienttls-" + Guid.NewGuid().ToString("N")[..8]);

    public ClientTlsTests()
    {
        var issuer = new CertificateIssuer(TimeProvider.System);
        CertsCommand.Write(new CertsOptions(_dir, ["node1"], ["billing", "other"], [], Force: false), issuer);
        CertsCommand.Write(new CertsOptions(Path.Combine(_dir, "foreign"), ["node1"], [], [], Force: false), issuer);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string F(string name) => Path.Combine(_dir, name);

    private ClientTls Service() => ClientTls.Load(F("service-billing.crt"), F("service-billing.key"), F("ca.crt"));

    private X509Certificate2 Cert(string name) => X509Certificate2.CreateFromPem(File.ReadAllText(F(name)));

    [Fact]
    public void A_service_certificate_loads_and_names_the_service()
    {
        using var tls = Service();

        Assert.Equal(new PeerIdentity(IdentityKind.Service, "billing"), tls.Identity);
    }

    [Fact]
    public void A_node_certificate_is_refused_as_a_services_own_in_one_line_naming_the_file()
    {
        var e = Assert.Throws<ArgumentException>(() => ClientTls.Load(F("node1.crt"), F("node1.key"), F("ca.crt")));

        Assert.Equal($"the service certificate '{F("node1.crt")}' is the certificate of node 'node1', not of a service; " +
            "a service needs a service certificate (solidb-certs --services NAME)", e.Message);
    }

    [Fact]
    public void The_constructor_refuses_a_node_certificate_too()
    {
        using var node = X509Certificate2.CreateFromPemFile(F("node1.crt"), F("node1.key"));

        var e = Assert.Throws<ArgumentException>(() => new ClientTls(node, [Cert("ca.crt")]));

        Assert.Contains("is the certificate of node 'node1', not of a service", e.Message);
    }

    [Fact]
    public void A_node_certificate_of_the_CA_is_accepted_as_the_server()
    {
        using var tls = Service();

        Assert.True(tls.AcceptsNode(Cert("node1.crt"), null, out var reason), reason);
    }

    [Fact]
    public void A_service_certificate_of_the_CA_is_refused_as_the_server()
    {
        using var tls = Service();

        Assert.False(tls.AcceptsNode(Cert("service-other.crt"), null, out var reason));
        Assert.Equal("its certificate is the certificate of service 'other', not of a node", reason);
    }

    [Fact]
    public void A_certificate_of_the_CA_that_names_no_identity_is_refused_as_the_server()
    {
        using var tls = Service();
        using var legacy = X509Certificate2.CreateFromPem(LegacyCertificate.Issue(F("ca.crt"), F("ca.key")).Certificate);

        Assert.False(tls.AcceptsNode(legacy, null, out var reason));
        Assert.StartsWith("its certificate CN=old-node names no SoliDB identity", reason);
    }

    [Fact]
    public void A_node_certificate_of_another_CA_and_no_certificate_are_refused()
    {
        using var tls = Service();

        Assert.False(tls.AcceptsNode(Cert("foreign/node1.crt"), null, out var reason));
        Assert.Contains("does not chain to the configured CA", reason);
        Assert.False(tls.AcceptsNode(null, null, out reason));
        Assert.Equal("it presented no certificate", reason);
    }
}
